/*
 * Inodes, superblocks and filesystem types (after include/linux/fs.h):
 * what a filesystem supplies (its operations tables) and what the VFS
 * keeps for it.  The filesystems are engine/fs/<type>.c, each a table of
 * differences over engine/libfs.c's simple_* operations.
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
#define S_STALE		0x2u	/* the server let go of it behind the dcache (nfs) */

/* tmpfs accounts 20 bytes of directory size per entry (BOGO_DIRENT_SIZE) */
#define BOGO_DIRENT_SIZE	20

struct inode_operations;
struct super_operations;
struct file_system_type;

struct inode {
	unsigned int i_mode;			/* constant */
	const struct inode_operations *i_op;	/* constant once published */
	uint32_t i_magic;			/* INODE_MAGIC while alive (debug.h) */
	_Atomic unsigned int i_flags;
	uint64_t i_ino;				/* constant */
	struct super_block *i_sb;		/* constant */
	const char *i_link;			/* symlink body, constant; padded */
	_Atomic unsigned int i_nlink;
	_Atomic int i_count;
	_Atomic int64_t i_size;
	struct rw_semaphore i_rwsem;		/* directories: guards the entries */
	_Atomic unsigned int i_dir_seq;		/* odd while d_add ends a lookup in it */
	void *i_private;			/* the filesystem's own */
	void (*free_inode)(struct inode *);	/* s_op's, copied at the last iput */
	struct rcu_head i_rcu;
};

/*
 * The unused dentries of a superblock, oldest first (list_lru): dput()
 * puts a dentry whose count falls to zero here when the filesystem keeps
 * it (retain_dentry), and the shrinker (prune_dcache_sb) kills from the
 * front.  Lock order: a dentry's d_lock, then this lock; the shrinker,
 * which holds this lock first, only ever trylocks a dentry.
 */
struct dentry_lru {
	spinlock_t lock;
	struct list_head list;
	_Atomic long nr;			/* entries: changed under lock, read without */
};

/* s_flags */
#define SB_LOOKUP_EXCL	0x1u	/* lookup_slow takes i_rwsem exclusively (before 4.7) */

struct super_block {
	unsigned int s_dev;			/* constant while the superblock lives */
	uint32_t s_magic;			/* SUPER_MAGIC while alive (debug.h) */
	struct dentry *s_root;
	_Atomic uint64_t s_next_ino;		/* never reused within a superblock */
	_Atomic int s_active;			/* mounts of this superblock */
	pthread_mutex_t s_vfs_rename_mutex;	/* cross-directory renames */
	unsigned int s_flags;			/* constant */
	const struct file_system_type *s_type;	/* constant */
	const struct super_operations *s_op;	/* constant */
	const struct dentry_operations *s_d_op;	/* every dentry's, if set */
	void *s_fs_info;			/* the filesystem's own */
	struct dentry_lru s_dentry_lru;
	struct rcu_head s_rcu;
};

/*
 * What a filesystem does to its directories and symlinks (i_op).  The VFS
 * calls the directory operations with the directory's i_rwsem held
 * exclusively, except lookup, which a walk calls with it shared (see
 * lookup_slow).  get_link is called with a NULL dentry in RCU mode, and
 * may answer ERR_PTR(-ECHILD) to be called again after try_to_unlazy();
 * a symlink whose body is in i_link needs none.
 */
struct inode_operations {
	struct dentry *(*lookup)(struct inode *dir, struct dentry *dentry, unsigned int flags);
	const char *(*get_link)(struct dentry *dentry, struct inode *inode);
	int (*create)(struct inode *dir, struct dentry *dentry);
	int (*mkdir)(struct inode *dir, struct dentry *dentry);
	int (*symlink)(struct inode *dir, struct dentry *dentry, const char *target);
	int (*unlink)(struct inode *dir, struct dentry *dentry);
	int (*rmdir)(struct inode *dir, struct dentry *dentry);
	int (*rename)(struct inode *old_dir, struct dentry *old_dentry,
		      struct inode *new_dir, struct dentry *new_dentry, unsigned int flags);
};

/*
 * Inode lifetime (s_op).  An inode's end has two parts, as in Linux since
 * 2019 (fdc9f1d4e2f1 "new helper: free_inode()"): destroy_inode runs at
 * the last iput(), at once, and may free only what no lockless walker can
 * reach; free_inode runs a grace period later and frees the rest (a
 * symlink body that an RCU walker may be reading: i_link).
 */
struct super_operations {
	void (*destroy_inode)(struct inode *inode);
	void (*free_inode)(struct inode *inode);
	void (*kill_sb)(struct super_block *sb);	/* after the dcache let go */
	/*
	 * Another client removes @name from @dir on the server (nfs): the
	 * dcache is not told, and the handle goes stale (S_STALE).  Caller
	 * holds @dir's i_rwsem exclusively.  NULL: no server to change.
	 */
	int (*server_remove)(struct inode *dir, const struct qstr *name);
	/*
	 * Expire the automount trigger @path names (autofs): unmount what is
	 * mounted on it if idle and remove it, as the daemon does.  1 if it
	 * did, 0 if busy.  NULL: nothing automounts here.
	 */
	int (*expire)(const struct path *path);
};

/*
 * A filesystem type: its name (as `mount P TYPE` takes it), a line on
 * what it models, and how to make a superblock of it from mount options
 * ("lookup=exclusive", and whatever the type takes itself).
 */
struct file_system_type {
	const char *name;
	const char *summary;
	int (*fill_super)(struct super_block *sb, const char *options);
	int (*check_options)(const char *options);	/* its own; NULL: it takes none */
};

static inline bool IS_DEADDIR(const struct inode *inode)
{
	return READ_ONCE(((struct inode *)inode)->i_flags) & S_DEAD;
}

static inline bool IS_STALE(const struct inode *inode)
{
	return READ_ONCE(((struct inode *)inode)->i_flags) & S_STALE;
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
void ihold(struct inode *inode);
void iput(struct inode *inode);

/* super.c */
const struct file_system_type *get_fs_type(const char *spec, const char **options);
void register_filesystem(const struct file_system_type *type);
struct super_block *sget(const struct file_system_type *type, const char *options);
void kill_sb(struct super_block *sb);

/* libfs.c: tmpfs's accounting, which every type here keeps (see there) */
extern const struct dentry_operations simple_dentry_operations;
int always_delete_dentry(const struct dentry *dentry);
int simple_fill_root(struct super_block *sb, const struct inode_operations *dir_ops);
bool next_fs_option(const char **options, char *opt, size_t n);
struct inode *simple_new_inode(struct inode *dir, unsigned int mode, const char *target);
int simple_symlink_len(const char *target);
void simple_link_dir(struct inode *dir, struct inode *inode);
void simple_unlink_dir(struct inode *dir, struct inode *inode);
void simple_rename_dirs(struct inode *old_dir, struct inode *new_dir, struct inode *source,
			struct inode *victim, unsigned int flags);
bool simple_empty(struct dentry *dentry);
void simple_free_link(struct inode *inode);

/* the types (engine/fs/) */
extern const struct file_system_type tmpfs_fs_type;
extern const struct file_system_type disk_fs_type;
extern const struct file_system_type nfs_fs_type;
extern const struct file_system_type casefold_fs_type;
extern const struct file_system_type autofs_fs_type;

#endif /* NB_FS_H */
