/*
 * The filesystem: tmpfs semantics (after mm/shmem.c and fs/libfs.c).
 *
 * The dcache is the filesystem, so ->lookup only ever answers "no such
 * name" (simple_lookup), and every object is created by instantiating the
 * negative dentry the VFS looked up.  Link counts and sizes follow tmpfs:
 * a directory has 2 + its subdirectories links and 20 bytes of size per
 * entry on top of 40; a symlink's size is the length of its target.
 *
 * Callers hold the directory's i_rwsem exclusively (the parents' for
 * rename), as the VFS guarantees to a filesystem.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "fs.h"

/* simple_lookup: a miss in the dcache is a miss, full stop. */
struct dentry *shmem_lookup(struct inode *dir, struct dentry *dentry)
{
	(void)dir;
	if (d_qstr(dentry).len > NAME_MAX)
		return ERR_PTR(-ENAMETOOLONG);
	d_add(dentry, NULL);
	return NULL;
}

static int shmem_mknod(struct inode *dir, struct dentry *dentry, unsigned int mode,
		       const char *target)
{
	struct inode *inode = new_inode(dir->i_sb, mode);

	if (!inode)
		return -ENOSPC;
	if (target) {
		size_t len = strlen(target);
		size_t padded = (len + 1 + 7) / 8 * 8 + NB_NAME_PAD;
		char *body = calloc(1, padded);

		if (!body) {
			iput(inode);
			return -ENOSPC;
		}
		memcpy(body, target, len);
		inode->i_link = body;
		atomic_init(&inode->i_size, (int64_t)len);
	}
	i_size_add(dir, BOGO_DIRENT_SIZE);
	d_instantiate(dentry, inode);
	dget(dentry);		/* the filesystem's pin: the dentry is the file */
	return 0;
}

int shmem_mkdir(struct inode *dir, struct dentry *dentry)
{
	int error = shmem_mknod(dir, dentry, S_IFDIR, NULL);

	if (!error)
		inc_nlink(dir);
	return error;
}

int shmem_create(struct inode *dir, struct dentry *dentry)
{
	return shmem_mknod(dir, dentry, S_IFREG, NULL);
}

int shmem_symlink(struct inode *dir, struct dentry *dentry, const char *target)
{
	/* the body must fit a page with its terminator */
	if (strlen(target) + 1 > PATH_MAX)
		return -ENAMETOOLONG;
	return shmem_mknod(dir, dentry, S_IFLNK, target);
}

/* simple_positive children: the directory's live entries */
bool simple_empty(struct dentry *dentry)
{
	struct dentry *child;
	bool ret = true;

	d_lock(dentry);
	list_for_each_entry(child, &dentry->d_children, d_sib) {
		if (d_is_positive(child) && !d_unhashed(child)) {
			ret = false;
			break;
		}
	}
	d_unlock(dentry);
	return ret;
}

int shmem_unlink(struct inode *dir, struct dentry *dentry)
{
	i_size_add(dir, -BOGO_DIRENT_SIZE);
	drop_nlink(d_inode(dentry));
	dput(dentry);		/* undo the pin from shmem_mknod() */
	return 0;
}

int shmem_rmdir(struct inode *dir, struct dentry *dentry)
{
	if (!simple_empty(dentry))
		return -ENOTEMPTY;
	drop_nlink(d_inode(dentry));	/* "." */
	shmem_unlink(dir, dentry);
	drop_nlink(dir);		/* its ".." */
	return 0;
}

int shmem_rename(struct inode *old_dir, struct dentry *old_dentry,
		 struct inode *new_dir, struct dentry *new_dentry)
{
	bool they_are_dirs = d_is_dir(old_dentry);

	if (!simple_empty(new_dentry))
		return -ENOTEMPTY;
	if (d_is_positive(new_dentry)) {
		struct inode *victim = d_inode(new_dentry);

		shmem_unlink(new_dir, new_dentry);
		if (they_are_dirs) {
			drop_nlink(victim);
			drop_nlink(old_dir);
		}
	} else if (they_are_dirs) {
		drop_nlink(old_dir);
		inc_nlink(new_dir);
	}
	i_size_add(old_dir, -BOGO_DIRENT_SIZE);
	i_size_add(new_dir, BOGO_DIRENT_SIZE);
	return 0;
}

/*
 * shmem_exchange - simple_rename_exchange(): the two entries trade
 * places; each directory keeps its number of entries, and only a
 * directory crossing to another parent moves a ".." link.
 */
int shmem_exchange(struct inode *old_dir, struct dentry *old_dentry,
		   struct inode *new_dir, struct dentry *new_dentry)
{
	bool old_is_dir = d_is_dir(old_dentry);
	bool new_is_dir = d_is_dir(new_dentry);

	if (old_dir != new_dir && old_is_dir != new_is_dir) {
		if (old_is_dir) {
			drop_nlink(old_dir);
			inc_nlink(new_dir);
		} else {
			drop_nlink(new_dir);
			inc_nlink(old_dir);
		}
	}
	return 0;
}
