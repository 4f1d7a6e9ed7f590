/*
 * Path walking: the nameidata, lookup flags, and the parts of fs/namei.c
 * that do not walk paths (engine/vfs.c: what a filesystem operation does
 * once its dentries are found).  The walk itself is engine/namei.c,
 * compiled once per strategy.
 */
#ifndef NB_NAMEI_H
#define NB_NAMEI_H

#include "dcache.h"
#include "fs.h"
#include "mount.h"

#define MAXSYMLINKS	40

/* lookup flags (nd->flags) */
#define LOOKUP_FOLLOW		0x0001	/* follow a trailing symlink */
#define LOOKUP_DIRECTORY	0x0002	/* the result must be a directory */
#define LOOKUP_PARENT		0x0010	/* inside link_path_walk, not at the last component */
#define LOOKUP_RCU		0x0040	/* RCU-walk mode */
#define LOOKUP_MOUNTPOINT	0x0080	/* umount: step onto what is mounted on the result */
#define LOOKUP_CREATE		0x0200	/* lookup_one_qstr_excl: a negative result is wanted */
#define LOOKUP_EXCL		0x0400	/* ... and a positive one is EEXIST */
#define LOOKUP_IN_ROOT		0x100000 /* openat2 RESOLVE_IN_ROOT: the start is the root */
#define LOOKUP_IS_SCOPED	LOOKUP_IN_ROOT	/* '..' must never leave nd->root */

/* nd->state */
#define ND_ROOT_PRESET		0x1	/* nd->root is the caller's (held by it) */
#define ND_ROOT_GRABBED		0x2

/* nd->last_type */
enum { LAST_NORM, LAST_ROOT, LAST_DOT, LAST_DOTDOT };

/* A path as the engine sees it: copied, bounded and padded (getname). */
struct filename {
	unsigned int len;
	char name[PATH_MAX + NB_NAME_PAD];
};

int getname(struct filename *fn, const char *path);

/* vfs.c */
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

#endif /* NB_NAMEI_H */
