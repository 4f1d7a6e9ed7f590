/*
 * tmpfs (after mm/shmem.c and fs/libfs.c): the dcache is the filesystem.
 *
 * ->lookup only ever answers "no such name" (simple_lookup), and every
 * object is created by instantiating the negative dentry the VFS looked
 * up, which then keeps one reference of the filesystem's (the pin: a
 * positive dentry is the file) until unlink, rmdir or a rename over it
 * drops it.  Negative dentries die at their last dput()
 * (always_delete_dentry), so a directory's hashed children are exactly
 * its entries and nothing is ever left for the shrinker.  This is the
 * default type, and the one the conformance tester holds to the kernel's
 * tmpfs, answer for answer.
 */
#include <errno.h>

#include "fs.h"
#include "shmem.h"
#include "vfs.h"
#include "zoo.h"

/* simple_lookup: a miss in the dcache is a miss, full stop. */
struct dentry *shmem_lookup(struct inode *dir, struct dentry *dentry, unsigned int flags)
{
	(void)dir;
	(void)flags;
	if (d_qstr(dentry).len > NAME_MAX)
		return ERR_PTR(-ENAMETOOLONG);
	d_add(dentry, NULL);
	return NULL;
}

static const struct inode_operations shmem_dir_inode_operations;

int shmem_mknod(struct inode *dir, struct dentry *dentry, unsigned int mode,
		       const char *target)
{
	struct inode *inode = simple_new_inode(dir, mode, target);

	if (!inode)
		return -ENOSPC;
	if (S_ISDIR(mode))
		inode->i_op = &shmem_dir_inode_operations;
	simple_link_dir(dir, inode);
	d_instantiate(dentry, inode);
	dget(dentry);		/* the filesystem's pin: the dentry is the file */
	return 0;
}

static int shmem_mkdir(struct inode *dir, struct dentry *dentry)
{
	return shmem_mknod(dir, dentry, S_IFDIR, NULL);
}

int shmem_create(struct inode *dir, struct dentry *dentry)
{
	return shmem_mknod(dir, dentry, S_IFREG, NULL);
}

int shmem_symlink(struct inode *dir, struct dentry *dentry, const char *target)
{
	int err = simple_symlink_len(target);

	return err ? err : shmem_mknod(dir, dentry, S_IFLNK, target);
}

int shmem_unlink(struct inode *dir, struct dentry *dentry)
{
	simple_unlink_dir(dir, d_inode(dentry));
	dput(dentry);		/* undo the pin from shmem_mknod() */
	return 0;
}

int shmem_rmdir(struct inode *dir, struct dentry *dentry)
{
	if (!simple_empty(dentry))
		return -ENOTEMPTY;
	return shmem_unlink(dir, dentry);
}

int shmem_rename(struct inode *old_dir, struct dentry *old_dentry,
			struct inode *new_dir, struct dentry *new_dentry, unsigned int flags)
{
	struct inode *victim = d_inode(new_dentry);

	if (!(flags & RENAME_EXCHANGE) && !simple_empty(new_dentry))
		return -ENOTEMPTY;
	simple_rename_dirs(old_dir, new_dir, d_inode(old_dentry), victim, flags);
	if (victim && !(flags & RENAME_EXCHANGE))
		dput(new_dentry);	/* the victim's pin */
	return 0;
}

static const struct inode_operations shmem_dir_inode_operations = {
	.lookup		= shmem_lookup,
	.create		= shmem_create,
	.mkdir		= shmem_mkdir,
	.symlink	= shmem_symlink,
	.unlink		= shmem_unlink,
	.rmdir		= shmem_rmdir,
	.rename		= shmem_rename,
};

/*
 * The symlink body goes in the RCU-delayed half of the inode's end: an
 * RCU walker that loaded i_link may still be reading it.  Freeing it in
 * destroy_inode, at the last iput(), is the 2019 use-after-free of
 * debugfs, bpf, jffs2, ubifs and ceph that RCU-walk exposed (the zoo's
 * symlink-free-norcu).
 */
void shmem_destroy_inode(struct inode *inode)
{
	if (zoo(SYMLINK_FREE_NORCU) && S_ISLNK(inode->i_mode))
		simple_free_link(inode);
}

void shmem_free_inode(struct inode *inode)
{
	if (S_ISLNK(inode->i_mode))
		simple_free_link(inode);
}

static void shmem_kill_sb(struct super_block *sb)
{
	(void)sb;
}

static const struct super_operations shmem_ops = {
	.destroy_inode	= shmem_destroy_inode,
	.free_inode	= shmem_free_inode,
	.kill_sb	= shmem_kill_sb,
};

static int shmem_fill_super(struct super_block *sb, const char *options)
{
	if (*options)
		return -EINVAL;		/* tmpfs takes no options of its own here */
	sb->s_op = &shmem_ops;
	/*
	 * Linux's simple_lookup() gives always_delete_dentry to each negative
	 * dentry it makes; here every dentry of the superblock has it, which
	 * is the same for tmpfs (positive ones are pinned, so only negative
	 * or unlinked ones ever meet d_delete) and holds for dentries made
	 * outside ->lookup too (the unit tests').
	 */
	sb->s_d_op = &simple_dentry_operations;
	return simple_fill_root(sb, &shmem_dir_inode_operations);
}

const struct file_system_type tmpfs_fs_type = {
	.name		= "tmpfs",
	.summary	= "the dcache is the filesystem: positive dentries pinned, negative "
			  "ones die at their last dput, nothing to evict",
	.fill_super	= shmem_fill_super,
};
