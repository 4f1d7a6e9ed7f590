/*
 * Inodes and superblocks (after include/linux/fs.h), and the tmpfs-like
 * filesystem behind them (engine/shmem.c).
 *
 * i_mode, i_ino, i_sb and a symlink's i_link are set before the inode is
 * published (d_instantiate) and never change; lockless readers may read them
 * once they hold the inode pointer.  i_nlink and i_size change under the
 * directory locks and are read by stat, hence _Atomic.  A symlink body is
 * freed in the same RCU callback as its inode: freeing it earlier is the
 * 2019 debugfs/bpf/jffs2/ubifs/ceph use-after-free that RCU-walk exposed.
 */
#ifndef NB_FS_H
#define NB_FS_H

#include <pthread.h>
#include <stdbool.h>

#include "dcache.h"
#include "spinlock.h"

/* the same values as <sys/stat.h>, which the kernel strategy includes too */
#ifndef S_IFMT
#define S_IFMT		0170000u
#define S_IFDIR		0040000u
#define S_IFREG		0100000u
#define S_IFLNK		0120000u
#define S_ISDIR(m)	(((m) & S_IFMT) == S_IFDIR)
#define S_ISREG(m)	(((m) & S_IFMT) == S_IFREG)
#define S_ISLNK(m)	(((m) & S_IFMT) == S_IFLNK)
#endif

/* i_flags */
#define S_DEAD		0x1u	/* removed directory: no lookups or creations in it */

/* tmpfs accounts 20 bytes of directory size per entry (BOGO_DIRENT_SIZE) */
#define BOGO_DIRENT_SIZE	20

struct inode {
	unsigned int i_mode;			/* constant */
	uint32_t i_magic;			/* INODE_MAGIC while alive (debug.h) */
	_Atomic unsigned int i_flags;
	uint64_t i_ino;				/* constant */
	struct super_block *i_sb;		/* constant */
	const char *i_link;			/* symlink body, constant; padded */
	_Atomic unsigned int i_nlink;
	_Atomic int i_count;
	_Atomic int64_t i_size;
	struct rw_semaphore i_rwsem;		/* directories: guards the entries */
	struct rcu_head i_rcu;
};

struct super_block {
	unsigned int s_dev;			/* constant while the superblock lives */
	uint32_t s_magic;			/* SUPER_MAGIC while alive (debug.h) */
	struct dentry *s_root;
	_Atomic uint64_t s_next_ino;		/* never reused within a superblock */
	_Atomic int s_active;			/* mounts of this superblock */
	pthread_mutex_t s_vfs_rename_mutex;	/* cross-directory renames */
	struct rcu_head s_rcu;
};

static inline bool IS_DEADDIR(const struct inode *inode)
{
	return READ_ONCE(((struct inode *)inode)->i_flags) & S_DEAD;
}

static inline unsigned int inode_nlink(const struct inode *inode)
{
	return READ_ONCE(((struct inode *)inode)->i_nlink);
}

static inline void set_nlink(struct inode *inode, unsigned int n)
{
	WRITE_ONCE(inode->i_nlink, n);
}

static inline void inc_nlink(struct inode *inode)
{
	set_nlink(inode, inode_nlink(inode) + 1);
}

static inline void drop_nlink(struct inode *inode)
{
	set_nlink(inode, inode_nlink(inode) - 1);
}

static inline void i_size_add(struct inode *inode, int64_t delta)
{
	WRITE_ONCE(inode->i_size, READ_ONCE(inode->i_size) + delta);
}

static inline void inode_lock(struct inode *inode)
{
	down_write(&inode->i_rwsem);
}

static inline void inode_unlock(struct inode *inode)
{
	up_write(&inode->i_rwsem);
}

static inline void inode_lock_shared(struct inode *inode)
{
	down_read(&inode->i_rwsem);
}

static inline void inode_unlock_shared(struct inode *inode)
{
	up_read(&inode->i_rwsem);
}

/* inode.c */
struct inode *new_inode(struct super_block *sb, unsigned int mode);
void iput(struct inode *inode);

/* super.c */
struct super_block *sget_anon(void);
void kill_sb(struct super_block *sb);

/* shmem.c: the filesystem's directory operations (i_op) */
struct dentry *shmem_lookup(struct inode *dir, struct dentry *dentry);
int shmem_mkdir(struct inode *dir, struct dentry *dentry);
int shmem_create(struct inode *dir, struct dentry *dentry);
int shmem_symlink(struct inode *dir, struct dentry *dentry, const char *target);
int shmem_unlink(struct inode *dir, struct dentry *dentry);
int shmem_rmdir(struct inode *dir, struct dentry *dentry);
int shmem_rename(struct inode *old_dir, struct dentry *old_dentry,
		 struct inode *new_dir, struct dentry *new_dentry);
int shmem_exchange(struct inode *old_dir, struct dentry *old_dentry,
		   struct inode *new_dir, struct dentry *new_dentry);
bool simple_empty(struct dentry *dentry);

#endif /* NB_FS_H */
