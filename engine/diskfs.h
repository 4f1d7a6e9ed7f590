/*
 * The disk type's tables, for the types built on it (engine/nfs.c): a
 * flavor adds operations -- dentry_operations for every dentry, a hook
 * for each new inode, its own super_operations -- over the same
 * directories.
 */
#ifndef NB_DISKFS_H
#define NB_DISKFS_H

#include "fs.h"

struct disk_flavor {
	const struct super_operations *s_op;	/* disk_destroy_inode, disk_kill_sb inside */
	const struct dentry_operations *d_op;
	void (*new_inode)(struct inode *inode);	/* before it is published */
	/* as ->lookup or a creation fills it, before @inode (or NULL) is its */
	void (*new_dentry)(struct dentry *dentry, struct inode *inode);
	bool casefold;				/* the tables compare names folded */
};

struct disk_sb {				/* s_fs_info */
	const struct disk_flavor *flavor;
	struct inode *root;			/* a reference: the root's table */
	void *info;				/* the flavor's own, freed at the end */
};

const struct disk_flavor *disk_flavor(const struct super_block *sb);
int disk_fill_super_flavor(struct super_block *sb, const struct disk_flavor *f, void *info);
struct inode *disk_find(struct inode *dir, const struct qstr *name);
void disk_destroy_inode(struct inode *inode);
void disk_free_inode(struct inode *inode);
int disk_server_remove(struct inode *dir, const struct qstr *name);
void disk_kill_sb(struct super_block *sb);

#endif /* NB_DISKFS_H */
