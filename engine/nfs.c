/*
 * nfs: a network filesystem's client (after fs/nfs/dir.c and symlink.c).
 * The "server" is the disk type's tables (diskfs.c); what the client adds
 * is doubt: a dentry is only as good as its last verification, and must
 * be revalidated (->d_revalidate) before a walk may trust it.
 *
 * Each dentry keeps the time it was last verified in d_fsdata (nfs's
 * d_time: a number, not a pointer, so there is nothing to free).  Within
 * the mount's interval (interval=MS, default 1000) the dentry is trusted
 * from that cached data, which an RCU walker can check without a store;
 * past it, revalidation asks the server: in RCU mode it cannot (an RPC
 * sleeps), so it answers -ECHILD and the walk goes on in REF-walk, where
 * the server (the table, under the directory's i_rwsem held shared)
 * confirms the name and the time is renewed.  reval=echild makes RCU-mode
 * revalidation answer -ECHILD always, as a filesystem that cannot
 * revalidate locklessly at all does: what RCU-walk is worth without it.
 *
 * Symlink bodies are not in i_link but behind ->get_link, as the page
 * cache holds them: in RCU mode (a NULL dentry) a body not read since the
 * symlink was created or last evicted (d_prune) is -ECHILD, for get_link
 * to be called again after try_to_unlazy().
 *
 * Changes made through this client are known to it at once; a second
 * client's (server_remove, `nfs-server-remove P` in sh) only when this one
 * asks the server.  Within the interval a dentry is trusted from cached
 * data, so a walk may step into a directory the server has let go of:
 * its ->lookup answers -ESTALE, and the operation is redone with
 * LOOKUP_REVAL (RETRY_ESTALE in namei.c), under which every revalidation
 * asks the server (in RCU mode: -ECHILD first) and finds the name gone.
 * A walk that ends where no name led ("/", ".", "..", a mount's root) is
 * checked by d_weak_revalidate, which can only answer -ESTALE: the
 * handle is all there is to ask about.  Without a second client, as in
 * the conformance tester and the stress test, revalidation costs and
 * never changes an answer.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "diskfs.h"
#include "fs.h"
#include "namei.h"
#include "zoo.h"

struct nfs_info {
	bool rcu_revalidate;		/* reval=rcu (default) or reval=echild */
	uint64_t interval_ns;		/* interval=MS */
};

/* A symlink's body, as the page cache would hold it: read once, then cached. */
struct nfs_link {
	const char *body;
	_Atomic bool cached;
};

static const struct nfs_info *nfs_info(const struct super_block *sb)
{
	return ((const struct disk_sb *)sb->s_fs_info)->info;
}

static uint64_t nfs_now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC_COARSE, &t);
	return (uint64_t)t.tv_sec * 1000000000u + (uint64_t)t.tv_nsec;
}

static uint64_t nfs_verified(const struct dentry *dentry)
{
	return (uint64_t)(uintptr_t)atomic_load_explicit(&((struct dentry *)dentry)->d_fsdata,
							  memory_order_relaxed);
}

static void nfs_set_verified(struct dentry *dentry, uint64_t t)
{
	atomic_store_explicit(&dentry->d_fsdata, (void *)(uintptr_t)t, memory_order_relaxed);
}

static bool nfs_fresh(const struct dentry *dentry, uint64_t now)
{
	return now - nfs_verified(dentry) < nfs_info(dentry->d_sb)->interval_ns;
}

/*
 * nfs_inode_stale - is the inode's handle one the server has let go (its
 * last link removed)?  A positive dentry on such an inode must be looked
 * at again.  @inode was read once by the caller: under RCU the dentry may
 * turn negative (a concurrent unlink) between two reads of d_inode, and
 * the inode itself stays readable for the grace period.
 */
static bool nfs_inode_stale(const struct inode *inode)
{
	return inode_nlink(inode) == 0;
}

/*
 * nfs_verify - REF-walk: ask the server whether @dentry still names what
 * it did, under its parent's i_rwsem held shared (so it cannot be moved
 * out of or into the parent while we look), and renew its time.
 */
static int nfs_verify(struct dentry *dentry, uint64_t now)
{
	for (;;) {
		struct dentry *parent = dget_parent(dentry);
		struct inode *dir = d_inode(parent);
		int valid = -EAGAIN;

		inode_lock_shared(dir);
		if (d_parent(dentry) == parent) {
			struct qstr name = d_qstr(dentry);

			valid = disk_find(dir, &name) == d_inode(dentry);
		}
		inode_unlock_shared(dir);
		dput(parent);
		if (valid == -EAGAIN)
			continue;	/* renamed before we locked: ask at its new place */
		if (valid)
			nfs_set_verified(dentry, now);
		return valid;
	}
}

static int nfs_d_revalidate(struct dentry *dentry, unsigned int flags)
{
	const struct nfs_info *ni = nfs_info(dentry->d_sb);
	uint64_t now = nfs_now();

	if (flags & LOOKUP_RCU) {
		/*
		 * d_inode(): an acquire, pairing with d_instantiate's release, so
		 * that an inode a writer has just made is seen initialized (a
		 * relaxed load let TSan see nfs_inode_stale() read a fresh
		 * inode's i_nlink before its allocation).
		 */
		struct inode *inode = d_inode(dentry);

		if (zoo(REVALIDATE_INODE_TWICE) && d_inode(dentry)) {
			/* the 2019 ceph bug: d_inode read again after the check */
			debug_delay();
			inode = d_inode(dentry);
			if (nfs_inode_stale(inode))
				return -ECHILD;
		} else if (inode && nfs_inode_stale(inode)) {
			return -ECHILD;
		}
		/* LOOKUP_REVAL: the server must be asked, which RCU mode cannot */
		if (ni->rcu_revalidate && nfs_fresh(dentry, now) && !(flags & LOOKUP_REVAL))
			return 1;	/* from cached data, nothing stored */
		nb_count(NB_CTR_FS_ECHILD);
		return -ECHILD;
	}
	if (nfs_fresh(dentry, now) && !(flags & LOOKUP_REVAL) &&
	    !(d_inode(dentry) && nfs_inode_stale(d_inode(dentry))))
		return 1;
	return nfs_verify(dentry, now);
}

/*
 * ->d_weak_revalidate (nfs_weak_revalidate): a dentry reached by a jump
 * has no name of this walk to check, only its handle; the server says
 * whether it still knows it, when the cached attributes are past their
 * interval or the walk is a LOOKUP_REVAL retry.  REF mode only.
 */
static int nfs_d_weak_revalidate(struct dentry *dentry, unsigned int flags)
{
	struct inode *inode = d_inode(dentry);

	if (!inode || (nfs_fresh(dentry, nfs_now()) && !(flags & LOOKUP_REVAL)))
		return 1;
	return IS_STALE(inode) ? -ESTALE : 1;
}

/*
 * d_prune - an evicted symlink takes its cached body with it, as the page
 * cache is reclaimed with what holds it: the next walk in RCU mode finds
 * it uncached (get_link: -ECHILD) and reads it again in REF-walk.  The
 * body itself stays until the inode's grace period ends.
 */
static void nfs_d_prune(struct dentry *dentry)
{
	struct inode *inode = d_inode(dentry);

	if (inode && S_ISLNK(inode->i_mode) && inode->i_private)
		atomic_store_explicit(&((struct nfs_link *)inode->i_private)->cached, false,
				      memory_order_relaxed);
}

static const struct dentry_operations nfs_dentry_operations = {
	.d_revalidate	= nfs_d_revalidate,
	.d_weak_revalidate = nfs_d_weak_revalidate,
	.d_prune	= nfs_d_prune,
};

/* ->get_link: in RCU mode (no dentry) only a body already read once */
static const char *nfs_get_link(struct dentry *dentry, struct inode *inode)
{
	struct nfs_link *l = inode->i_private;

	if (zoo(GET_LINK_NULL_DENTRY) && !atomic_load_explicit(&l->cached, memory_order_acquire))
		inode = d_inode(dentry);	/* a NULL dentry in RCU mode */
	if (!dentry) {
		/* acquire: pairs with the release below; the body is constant */
		if (!atomic_load_explicit(&l->cached, memory_order_acquire)) {
			nb_count(NB_CTR_FS_ECHILD);
			return ERR_PTR(-ECHILD);
		}
		return l->body;
	}
	atomic_store_explicit(&l->cached, true, memory_order_release);
	return l->body;
}

static const struct inode_operations nfs_symlink_inode_operations = {
	.get_link	= nfs_get_link,
};

/* A new inode, before it is published: a symlink's body moves behind get_link. */
static void nfs_new_inode(struct inode *inode)
{
	struct nfs_link *l;

	if (!S_ISLNK(inode->i_mode))
		return;
	l = malloc(sizeof(*l));
	if (!l)
		return;		/* keeps its body in i_link: only slower to reach */
	l->body = inode->i_link;
	atomic_init(&l->cached, false);
	inode->i_private = l;
	inode->i_link = NULL;
	inode->i_op = &nfs_symlink_inode_operations;
}

static void nfs_new_dentry(struct dentry *dentry, struct inode *inode)
{
	(void)inode;
	nfs_set_verified(dentry, nfs_now());
}

/* The body, like i_link, waits for a grace period: a walker may hold it. */
static void nfs_free_inode(struct inode *inode)
{
	if (!S_ISLNK(inode->i_mode))
		return;
	if (inode->i_private) {
		struct nfs_link *l = inode->i_private;

		nb_free((char *)l->body);
		free(l);
	} else {
		simple_free_link(inode);
	}
}

static const struct super_operations nfs_ops = {
	.destroy_inode	= disk_destroy_inode,
	.free_inode	= nfs_free_inode,
	.kill_sb	= disk_kill_sb,
	.server_remove	= disk_server_remove,
};

static const struct disk_flavor nfs_flavor = {
	.s_op		= &nfs_ops,
	.d_op		= &nfs_dentry_operations,
	.new_inode	= nfs_new_inode,
	.new_dentry	= nfs_new_dentry,
};

static int nfs_options(struct nfs_info *ni, const char *options)
{
	char opt[64];
	long ms;

	ni->rcu_revalidate = true;
	ni->interval_ns = 1000 * 1000000ull;
	while (next_fs_option(&options, opt, sizeof(opt))) {
		char *end;

		if (!strcmp(opt, "reval=rcu"))
			ni->rcu_revalidate = true;
		else if (!strcmp(opt, "reval=echild"))
			ni->rcu_revalidate = false;
		else if (!strncmp(opt, "interval=", 9) && (ms = strtol(opt + 9, &end, 10)) >= 0 &&
			 !*end && end != opt + 9 && ms <= 86400000)
			ni->interval_ns = (uint64_t)ms * 1000000u;
		else
			return -EINVAL;
	}
	return 0;
}

static int nfs_fill_super(struct super_block *sb, const char *options)
{
	struct nfs_info *ni = malloc(sizeof(*ni));
	int err = ni ? nfs_options(ni, options) : -ENOMEM;

	if (err) {
		free(ni);
		return err;
	}
	return disk_fill_super_flavor(sb, &nfs_flavor, ni);
}

static int nfs_check_options(const char *options)
{
	struct nfs_info ni;

	return nfs_options(&ni, options);
}

const struct file_system_type nfs_fs_type = {
	.name		= "nfs",
	.summary	= "a network client over disk's tables: d_revalidate (RCU from cached "
			  "data, or -ECHILD: reval=rcu|echild, interval=MS) and get_link",
	.fill_super	= nfs_fill_super,
	.check_options	= nfs_check_options,
};
