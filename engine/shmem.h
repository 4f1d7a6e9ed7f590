/*
 * tmpfs's directory and inode operations (shmem.c), for the types whose
 * directories are the dcache too (autofs.c): a type of differences.
 */
#ifndef NB_SHMEM_H
#define NB_SHMEM_H

#include "fs.h"

struct dentry *shmem_lookup(struct inode *dir, struct dentry *dentry, unsigned int flags);
int shmem_mknod(struct inode *dir, struct dentry *dentry, unsigned int mode, const char *target);
int shmem_create(struct inode *dir, struct dentry *dentry);
int shmem_symlink(struct inode *dir, struct dentry *dentry, const char *target);
int shmem_unlink(struct inode *dir, struct dentry *dentry);
int shmem_rmdir(struct inode *dir, struct dentry *dentry);
int shmem_rename(struct inode *old_dir, struct dentry *old_dentry, struct inode *new_dir,
		 struct dentry *new_dentry, unsigned int flags);
void shmem_destroy_inode(struct inode *inode);
void shmem_free_inode(struct inode *inode);

#endif /* NB_SHMEM_H */
