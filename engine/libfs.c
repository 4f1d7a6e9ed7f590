/*
 * What every filesystem type here shares (after fs/libfs.c): tmpfs's
 * accounting of links and sizes, and the helpers its operations are made
 * of.  Every type answers stat as tmpfs does -- a directory has 2 + its
 * subdirectories links and 20 bytes of size per entry on top of 40, a
 * symlink's size is the length of its target -- so that a type changes
 * how the dcache behaves, never what a lookup answers, and the
 * conformance tester can hold each of them to the kernel's tmpfs.
 *
 * Callers hold the directory's i_rwsem exclusively (the parents' for a
 * rename), as the VFS guarantees to a filesystem.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "fs.h"
#include "vfs.h"

/* simple_fill_root - a type's root directory: inode 1, with @dir_ops */
int simple_fill_root(struct super_block *sb, const struct inode_operations *dir_ops)
{
	struct inode *root = new_inode(sb, S_IFDIR);

	if (!root)
		return -ENOMEM;
	root->i_op = dir_ops;
	sb->s_root = d_make_root(sb, root);
	if (!sb->s_root) {
		iput(root);
		return -ENOMEM;
	}
	return 0;
}

/*
 * next_fs_option - the next of a comma-separated option string into @opt
 * (at most @n - 1 bytes; a longer one is returned cut, and then fails to
 * match anything).  False at the end.
 */
bool next_fs_option(const char **options, char *opt, size_t n)
{
	const char *s = *options, *end;
	size_t len;

	while (*s == ',')
		s++;
	if (!*s)
		return false;
	end = strchr(s, ',');
	len = end ? (size_t)(end - s) : strlen(s);
	*options = s + len;
	if (len >= n)
		len = n - 1;
	memcpy(opt, s, len);
	opt[len] = '\0';
	return true;
}

/* always_delete_dentry: keep no unused dentries (tmpfs's negative ones) */
int always_delete_dentry(const struct dentry *dentry)
{
	(void)dentry;
	return 1;
}

const struct dentry_operations simple_dentry_operations = {
	.d_delete	= always_delete_dentry,
};

/* the body must fit a page with its terminator */
int simple_symlink_len(const char *target)
{
	return strlen(target) + 1 > PATH_MAX ? -ENAMETOOLONG : 0;
}

/*
 * simple_new_inode - an inode of @mode for a new entry of @dir, with its
 * symlink body (@target) copied, zero-padded for the word-at-a-time walk,
 * into i_link.  The body is freed by simple_free_link() in the RCU-delayed
 * half of the inode's end (super_operations.free_inode).
 */
struct inode *simple_new_inode(struct inode *dir, unsigned int mode, const char *target)
{
	struct inode *inode = new_inode(dir->i_sb, mode);

	if (!inode || !target)
		return inode;
	{
		size_t len = strlen(target);
		size_t padded = (len + 1 + 7) / 8 * 8 + NB_NAME_PAD;
		char *body = calloc(1, padded);

		if (!body) {
			iput(inode);
			return NULL;
		}
		memcpy(body, target, len);
		inode->i_link = body;
		atomic_init(&inode->i_size, (int64_t)len);
	}
	return inode;
}

void simple_free_link(struct inode *inode)
{
	nb_free((char *)inode->i_link);
	inode->i_link = NULL;
}

/* @inode gets an entry in @dir */
void simple_link_dir(struct inode *dir, struct inode *inode)
{
	i_size_add(dir, BOGO_DIRENT_SIZE);
	if (S_ISDIR(inode->i_mode))
		inc_nlink(dir);
}

/* @inode loses its entry in @dir (a directory: its "." and ".." too) */
void simple_unlink_dir(struct inode *dir, struct inode *inode)
{
	i_size_add(dir, -BOGO_DIRENT_SIZE);
	drop_nlink(inode);
	if (S_ISDIR(inode->i_mode)) {
		drop_nlink(inode);	/* "." */
		drop_nlink(dir);	/* its ".." */
	}
}

/*
 * simple_rename_dirs - the links and sizes of a rename of @source from
 * @old_dir to @new_dir over @victim (NULL if none), or with
 * RENAME_EXCHANGE of the two (simple_rename_exchange: each directory
 * keeps its number of entries, and only a directory crossing to another
 * parent moves a ".." link).
 */
void simple_rename_dirs(struct inode *old_dir, struct inode *new_dir, struct inode *source,
			struct inode *victim, unsigned int flags)
{
	bool old_is_dir = S_ISDIR(source->i_mode);

	if (flags & RENAME_EXCHANGE) {
		bool new_is_dir = S_ISDIR(victim->i_mode);

		if (old_dir != new_dir && old_is_dir != new_is_dir) {
			if (old_is_dir) {
				drop_nlink(old_dir);
				inc_nlink(new_dir);
			} else {
				drop_nlink(new_dir);
				inc_nlink(old_dir);
			}
		}
		return;
	}
	if (victim) {
		/* the victim's entry goes; a directory took one ".." with it */
		i_size_add(new_dir, -BOGO_DIRENT_SIZE);
		drop_nlink(victim);
		if (old_is_dir) {
			drop_nlink(victim);
			drop_nlink(old_dir);
		}
	} else if (old_is_dir) {
		drop_nlink(old_dir);
		inc_nlink(new_dir);
	}
	i_size_add(old_dir, -BOGO_DIRENT_SIZE);
	i_size_add(new_dir, BOGO_DIRENT_SIZE);
}

/* simple_positive children: the directory's live entries in the dcache */
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
