/*
 * Inodes and superblocks (after fs/inode.c and fs/super.c).
 *
 * Device numbers are allocated as the kernel allocates anonymous ones
 * (get_anon_bdev: the lowest free number) and released as soon as the
 * superblock dies, so that a sequence of mounts and unmounts produces the
 * same pattern of reuse here as on a real tmpfs.  Inode numbers count up
 * per superblock from 1 (the root) and are never reused, as in tmpfs.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "census.h"
#include "debug.h"
#include "fs.h"
#include "slab.h"
#include "zoo.h"
#include "rcu.h"


/* ---- inodes ---- */

static struct nb_cache inode_cache = NB_CACHE_INIT("inode", struct inode, 16);

struct inode *new_inode(struct super_block *sb, unsigned int mode)
{
	struct inode *inode = nb_cache_alloc(&inode_cache);

	if (!inode)
		return NULL;
	inode->i_mode = mode;
	inode->i_magic = INODE_MAGIC;
	inode->i_sb = sb;
	nb_count(NB_CTR_RMW);
	inode->i_ino = atomic_fetch_add_explicit(&sb->s_next_ino, 1, memory_order_relaxed);
	atomic_init(&inode->i_flags, 0);
	/* a directory starts with "." and its entry in the parent: 2 links,
	 * and tmpfs's two bogus dirents of size */
	atomic_init(&inode->i_nlink, S_ISDIR(mode) ? 2 : 1);
	atomic_init(&inode->i_size, S_ISDIR(mode) ? 2 * BOGO_DIRENT_SIZE : 0);
	atomic_init(&inode->i_count, 1);
	init_rwsem(&inode->i_rwsem);
	census_add(CENSUS_INODE, 1);
	return inode;
}

/*
 * The symlink body goes in the same grace period as the inode: an RCU
 * walker that loaded i_link may still be reading it.
 */
static void i_callback(struct rcu_head *head)
{
	struct inode *inode = container_of(head, struct inode, i_rcu);

	rcu_callback_enter(head);
	if (!zoo(SYMLINK_FREE_NORCU))
		nb_free((char *)inode->i_link);
	nb_cache_free(&inode_cache, inode);
}

void iput(struct inode *inode)
{
	int count;

	nb_count(NB_CTR_RMW);
	nb_count(NB_CTR_REF);
	/* acq_rel: the last putter sees every other holder's accesses done */
	count = atomic_fetch_sub_explicit(&inode->i_count, 1, memory_order_acq_rel);

	if (NB_DEBUG_ON && count < 1)
		nb_bug("refcount", "iput of inode %p with count %d", (void *)inode, count);
	if (count == 1) {
		if (zoo(SYMLINK_FREE_NORCU))
			nb_free((char *)inode->i_link);
		census_add(CENSUS_INODE, -1);
		call_rcu(&inode->i_rcu, i_callback);
	}
}

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

