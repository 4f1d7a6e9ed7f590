/*
 * Superblocks (after fs/super.c): a fresh filesystem for each mount of a
 * new tmpfs, and its end when the last mount goes.
 *
 * Device numbers are allocated as the kernel allocates anonymous ones
 * (get_anon_bdev: the lowest free number) and released as soon as the
 * superblock dies, so that a sequence of mounts and unmounts produces the
 * same pattern of reuse here as on a real tmpfs.
 *
 * Above the dcache and the inodes: a superblock makes its root inode and
 * dentry and, at its end, has the dcache drop its tree; neither calls back.
 */
#include <errno.h>
#include <stdlib.h>

#include "census.h"
#include "debug.h"
#include "fs.h"
#include "rcu.h"

/* ---- anonymous device numbers ---- */

#define NB_MAX_DEV	(1u << 20)	/* the kernel's MINORMASK + 1 */

static pthread_mutex_t dev_lock = PTHREAD_MUTEX_INITIALIZER;
static uint64_t dev_bitmap[NB_MAX_DEV / 64];

/* Lowest free number, from 1: 0 means "no device". */
static int get_anon_dev(unsigned int *dev)
{
	unsigned int i;
	int ret = -EMFILE;

	mutex_lock(&dev_lock);
	for (i = 0; i < NB_MAX_DEV / 64; i++) {
		uint64_t free_bits = ~dev_bitmap[i] & (i == 0 ? ~UINT64_C(1) : ~UINT64_C(0));

		if (free_bits) {
			unsigned int bit = (unsigned int)__builtin_ctzll(free_bits);

			dev_bitmap[i] |= UINT64_C(1) << bit;
			*dev = i * 64 + bit;
			ret = 0;
			break;
		}
	}
	mutex_unlock(&dev_lock);
	return ret;
}

static void free_anon_dev(unsigned int dev)
{
	mutex_lock(&dev_lock);
	dev_bitmap[dev / 64] &= ~(UINT64_C(1) << (dev % 64));
	mutex_unlock(&dev_lock);
}

/* ---- superblocks ---- */

/*
 * sget_anon - a fresh, empty filesystem: a superblock with a root directory
 * (inode 1), s_active 1 for the mount the caller is about to create.
 */
struct super_block *sget_anon(void)
{
	struct super_block *sb = calloc(1, sizeof(*sb));
	struct inode *root;

	if (!sb)
		return NULL;
	if (get_anon_dev(&sb->s_dev)) {
		free(sb);
		return NULL;
	}
	sb->s_magic = SUPER_MAGIC;
	atomic_init(&sb->s_next_ino, 1);
	atomic_init(&sb->s_active, 1);
	pthread_mutex_init(&sb->s_vfs_rename_mutex, NULL);
	root = new_inode(sb, S_IFDIR);
	sb->s_root = root ? d_make_root(sb, root) : NULL;
	if (!sb->s_root) {
		if (root)
			iput(root);
		free_anon_dev(sb->s_dev);
		free(sb);
		return NULL;
	}
	census_add(CENSUS_SUPER, 1);
	return sb;
}

static void super_free_rcu(struct rcu_head *head)
{
	struct super_block *sb = container_of(head, struct super_block, s_rcu);

	rcu_callback_enter(head);
	pthread_mutex_destroy(&sb->s_vfs_rename_mutex);
	nb_free(sb);
}

/* kill_sb - the last mount is gone: tear the tree down, free the number. */
void kill_sb(struct super_block *sb)
{
	shrink_dcache_sb(sb);
	free_anon_dev(sb->s_dev);
	census_add(CENSUS_SUPER, -1);
	call_rcu(&sb->s_rcu, super_free_rcu);
}

