/*
 * Inodes (after fs/inode.c): allocated for a superblock; at the last
 * iput() the filesystem's destroy_inode runs at once and its free_inode a
 * grace period later (super_operations, fs.h).  Inode numbers
 * count up per superblock from 1 (the root) and are never reused, as in
 * tmpfs.  Superblocks are engine/super.c.
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
 * i_callback - the RCU-delayed half of an inode's end: the filesystem's
 * free_inode (a symlink body an RCU walker may have loaded), then the
 * inode itself.
 */
static void i_callback(struct rcu_head *head)
{
	struct inode *inode = container_of(head, struct inode, i_rcu);

	rcu_callback_enter(head);
	if (inode->free_inode)
		inode->free_inode(inode);
	nb_cache_free(&inode_cache, inode);
}

/* ihold - another reference, for a holder that already has one (or a lock) */
void ihold(struct inode *inode)
{
	nb_count(NB_CTR_RMW);
	nb_count(NB_CTR_REF);
	atomic_fetch_add_explicit(&inode->i_count, 1, memory_order_relaxed);
}

/*
 * destroy_inode - the last reference is gone: the immediate half (the
 * filesystem's destroy_inode), then the rest after a grace period.  The
 * callback must not reach the superblock, whose own callback may run
 * first (call_rcu orders nothing across threads): it finds free_inode in
 * the inode, as Linux's i_callback does.
 */
static void destroy_inode(struct inode *inode)
{
	const struct super_operations *op = inode->i_sb->s_op;

	if (op && op->destroy_inode)
		op->destroy_inode(inode);
	inode->free_inode = op ? op->free_inode : NULL;
	census_add(CENSUS_INODE, -1);
	call_rcu(&inode->i_rcu, i_callback);
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
	if (count == 1)
		destroy_inode(inode);
}
