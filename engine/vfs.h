/*
 * The parts of fs/namei.c that do not walk paths (engine/vfs.c): what a
 * filesystem operation does once the walk has found its dentries - the
 * lookups under a directory's lock, rename's locking, and the vfs_*
 * operations that check and call the filesystem.
 */
#ifndef NB_VFS_H
#define NB_VFS_H

#include "dcache.h"
#include "fs.h"

struct dentry *d_alloc_and_lookup(struct dentry *dir, const struct qstr *name);
struct dentry *lookup_one_qstr_excl(const struct qstr *name, struct dentry *base,
				    unsigned int flags);
struct dentry *lookup_slow(const struct qstr *name, struct dentry *dir);
struct dentry *lock_rename(struct dentry *p1, struct dentry *p2);
void unlock_rename(struct dentry *p1, struct dentry *p2);

int vfs_mkdir(struct inode *dir, struct dentry *dentry);
int vfs_create(struct inode *dir, struct dentry *dentry);
int vfs_symlink(struct inode *dir, struct dentry *dentry, const char *target);
int vfs_unlink(struct inode *dir, struct dentry *dentry);
int vfs_rmdir(struct inode *dir, struct dentry *dentry);
/* renameat2 flags (the values of <linux/fs.h>) */
#ifndef RENAME_EXCHANGE
#define RENAME_EXCHANGE		0x2
#endif

int vfs_rename(struct inode *old_dir, struct dentry *old_dentry,
	       struct inode *new_dir, struct dentry *new_dentry, unsigned int flags);

#endif /* NB_VFS_H */
