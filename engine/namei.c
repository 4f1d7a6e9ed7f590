/*
 * The path walk and the system calls built on it (after fs/namei.c),
 * compiled once per synchronization strategy: the Makefile builds this file
 * with -DNB_STRATEGY_FILE naming engine/strategy/<name>.h, and each object
 * exports one table, nb_strategy_<name>.  Everything else is static, so each strategy's
 * per-component hot path is its own code, with no indirect calls.
 *
 * The walk is the kernel's, function for function: path_init, then
 * link_path_walk() over every component but the last (walk_component ->
 * lookup_fast / lookup_slow -> step_into -> mount crossing and symlinks),
 * then the caller handles the last component (lookup_last, the create and
 * remove paths, open_last_lookups).  Its semantics are those of
 * path_resolution(7) on tmpfs, checked against the real kernel by
 * tests/conformance.
 *
 * Two walking modes, as in Linux:
 *
 * REF-walk holds a counted reference to the dentry and mount it stands on
 * and takes the next one before dropping the last (hand over hand).
 *
 * RCU-walk (LOOKUP_RCU, the rcuwalk and rcufull strategies) takes nothing:
 * under rcu_read_lock() it samples mount_lock once (nd->m_seq) and, per
 * component, the child's d_seq (nd->next_seq) before rechecking the
 * parent's (nd->seq); it reads d_inode once, into nd->inode, and validates
 * every decision against those samples.  It stores nothing to shared memory.
 * When a step cannot be completed that way (a dcache miss, a mount crossing
 * that needs the slow path), try_to_unlazy() legitimizes what the walk holds
 * (mount count with legitimize_mnt's re-check, lockref_get_not_dead, d_seq
 * recheck) and the walk goes on in REF-walk; if legitimizing fails, -ECHILD
 * restarts the whole walk in REF-walk.  -ECHILD never reaches the caller.
 *
 * The strategies, one file each in engine/strategy/ (global, dlock,
 * lockref, rcuwalk, rcufull), say only how they differ: their name, whether
 * they walk in RCU mode (WALK_RCU) and answer stat under RCU
 * (STAT_UNDER_RCU), their REF-walk primitives (ref_lookup, ref_dget,
 * ref_dput, ref_dget_parent) and the lock every operation takes
 * (strategy_lock; ONE_LOCK says whether it is one lock for all, which the
 * stress test's oracle holds to answers true of one instant).  The Makefile names the file (NB_STRATEGY_FILE); the
 * walk below tests WALK_RCU and STAT_UNDER_RCU as constants in plain `if`s,
 * so every branch is compiled and type-checked for every strategy and the
 * compiler drops the ones a strategy does not take.
 */
#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <fcntl.h>		/* O_ and AT_ flags, S_ modes: Linux's own */
#include <linux/openat2.h>	/* openat2's RESOLVE_ flags */
#include <sys/stat.h>

#include "ctx.h"
#include "debug.h"
#include "engine.h"
#include "file.h"
#include "namei.h"
#include "vfs.h"
#include "zoo.h"

#ifndef NB_STRATEGY_FILE
# error "build engine/namei.c with -DNB_STRATEGY_FILE='\"strategy/NAME.h\"' (see the Makefile)"
#endif
#include NB_STRATEGY_FILE

enum { WALK_TRAILING = 1, WALK_MORE = 2, WALK_NOFOLLOW = 4 };

struct nameidata {
	struct path	path;		/* where we are (counted in REF-walk) */
	struct qstr	last;		/* the component being looked at */
	uint64_t	last_word;	/* its last word, cleared past its end (hash_name_last) */
	struct path	root;		/* set on first use; counted once ND_ROOT_GRABBED */
	struct inode	*inode;		/* path.dentry's inode, read once */
	unsigned int	flags, state;
	unsigned int	seq, next_seq, m_seq, r_seq, root_seq;
	int		last_type;
	unsigned int	depth;		/* symlinks being walked */
	int		total_link_count;
	struct saved {
		struct path link;	/* counted in REF-walk: keeps the body alive */
		const char *name;	/* where to resume after it */
		const char *body;	/* the body being walked (checked in debug builds) */
		unsigned int seq;
	} stack[MAXSYMLINKS];
	struct nb_ctx	*ctx;
	const struct path *dir;		/* a relative walk's start if not pwd (a dfd's);
					 * LOOKUP_IS_SCOPED: the start and the root,
					 * LOOKUP_IN_ROOT's for an absolute path too */
};

/*
 * LOOKUP_REVAL while an operation is being redone after -ESTALE: every
 * walk of the retry, whichever helper starts it, asks the server (see
 * RETRY_ESTALE).  Per thread, as the retry is the system call's own.
 */
static _Thread_local unsigned int walk_reval;

static void nd_init(struct nameidata *nd, struct nb_ctx *ctx)
{
	nd->dir = NULL;
	nd->path.mnt = NULL;
	nd->path.dentry = NULL;
	nd->root.mnt = NULL;
	nd->root.dentry = NULL;
	nd->depth = 0;
	nd->total_link_count = 0;
	nd->state = 0;
	nd->ctx = ctx;
}

/* ---- references, for whichever mode the walk is in ---- */

static void walk_path_get(const struct path *path)
{
	mntget(path->mnt);
	ref_dget(path->dentry);
}

/* Either half may be NULL: what a failed legitimize did not take. */
static void walk_path_put(const struct path *path)
{
	if (path->dentry)
		ref_dput(path->dentry);
	if (path->mnt)
		mntput(path->mnt);
}

static bool in_rcu(const struct nameidata *nd)
{
	return WALK_RCU && (nd->flags & LOOKUP_RCU);
}

static __always_inline void leave_rcu(struct nameidata *nd)
{
	nd->flags &= ~LOOKUP_RCU;
	nd->seq = nd->next_seq = 0;
	rcu_read_unlock();
}

static void put_link(struct nameidata *nd)
{
	struct saved *last = nd->stack + --nd->depth;

	if (!in_rcu(nd))
		walk_path_put(&last->link);
}

static __always_inline void terminate_walk(struct nameidata *nd)
{
	if (!in_rcu(nd)) {
		unsigned int i;

		walk_path_put(&nd->path);
		for (i = 0; i < nd->depth; i++)
			walk_path_put(&nd->stack[i].link);
		if (nd->state & ND_ROOT_GRABBED) {
			walk_path_put(&nd->root);
			nd->state &= ~ND_ROOT_GRABBED;
		}
	} else {
		leave_rcu(nd);
	}
	nd->depth = 0;
	nd->path.mnt = NULL;
	nd->path.dentry = NULL;
}

/* ---- leaving RCU mode ---- */

/*
 * walk_get_not_dead - a counted reference to a dentry found under RCU,
 * unless it is already dying (then the caller must not use it).
 */
static inline bool walk_get_not_dead(struct dentry *dentry)
{
	if (zoo(GET_NOT_DEAD)) {
		lockref_get(&dentry->d_lockref);
		return true;
	}
	return lockref_get_not_dead(&dentry->d_lockref);
}

/*
 * __legitimize_path - take the references REF-walk would hold on @path,
 * valid only if its dentry is unchanged since @seq and the mount table
 * since @mseq.  walk_path_put() is needed afterwards either way; what
 * could not be taken is left NULL.
 */
static bool __legitimize_path(struct path *path, unsigned int seq, unsigned int mseq)
{
	int res = __legitimize_mnt(path->mnt, mseq);

	if (unlikely(res)) {
		if (res > 0)
			path->mnt = NULL;
		path->dentry = NULL;
		return false;
	}
	if (unlikely(!walk_get_not_dead(path->dentry))) {
		path->dentry = NULL;
		return false;
	}
	return !read_seqcount_retry(&path->dentry->d_seq, seq);
}

/*
 * walk_m_seq - the sample of mount_lock the walk's crossings were checked
 * against: legitimizing against any later one would bless a crossing of a
 * mount that an umount has taken away since.
 */
static unsigned int walk_m_seq(const struct nameidata *nd)
{
	return zoo(LEGITIMIZE_CURRENT_MSEQ) ? read_seqbegin(&mount_lock) : nd->m_seq;
}

static bool legitimize_path(struct nameidata *nd, struct path *path, unsigned int seq)
{
	return __legitimize_path(path, seq, walk_m_seq(nd));
}

static bool legitimize_links(struct nameidata *nd)
{
	unsigned int i;

	for (i = 0; i < nd->depth; i++) {
		struct saved *last = nd->stack + i;

		if (unlikely(!legitimize_path(nd, &last->link, last->seq))) {
			nd->depth = i + 1;
			return false;
		}
	}
	return true;
}

static bool legitimize_root(struct nameidata *nd)
{
	/* nothing to do if there is none yet, or the caller holds it */
	if (!nd->root.mnt || (nd->state & ND_ROOT_PRESET))
		return true;
	nd->state |= ND_ROOT_GRABBED;
	return legitimize_path(nd, &nd->root, nd->root_seq);
}

/*
 * unlazy_refused - LOOKUP_CACHED (RESOLVE_CACHED, io_uring's non-blocking
 * open): the walk must finish in RCU mode, so a switch to REF-walk fails
 * instead, leaving nothing held (the links pushed under RCU hold no
 * references: Linux's drop_links() and nd->depth = 0), and the caller's
 * -ECHILD becomes path_init()'s -EAGAIN on the REF-walk retry.  Checked
 * first, whatever the depth, as Linux does now: 6c6ec2b0a3e0 ("fs: add
 * support for LOOKUP_CACHED") checked it in try_to_unlazy*, eacd9aa8cede
 * ("fix handling of nd->depth on LOOKUP_CACHED failures in
 * try_to_unlazy*"; b93a6e389bdc7 in the backport tree the report below
 * quotes) moved it into legitimize_links(), and Chris Mason's December
 * 2025 review found that `nd->depth && !legitimize_links(nd)` (a November
 * 2025 patch) skipped it at depth 0, so lookup_slow could block.
 */
static bool unlazy_refused(struct nameidata *nd)
{
	if (likely(!(nd->flags & LOOKUP_CACHED)) || zoo(RESOLVE_CACHED_UNLAZY))
		return false;
	nd->depth = 0;
	nd->path.mnt = NULL;
	nd->path.dentry = NULL;
	leave_rcu(nd);
	return true;
}

/*
 * try_to_unlazy - switch to REF-walk where we stand: legitimize the links,
 * nd->path and the root.  On failure the nameidata is left for
 * terminate_walk() and the caller returns -ECHILD.
 */
static bool try_to_unlazy(struct nameidata *nd)
{
	if (unlikely(unlazy_refused(nd)))
		return false;
	if (unlikely(!legitimize_links(nd)))
		goto out1;
	if (unlikely(!legitimize_path(nd, &nd->path, nd->seq)))
		goto out;
	if (unlikely(!legitimize_root(nd)))
		goto out;
	leave_rcu(nd);
	return true;

out1:
	nd->path.mnt = NULL;
	nd->path.dentry = NULL;
out:
	leave_rcu(nd);
	nb_count(NB_CTR_SEQ_RETRY);
	return false;
}

/*
 * try_to_unlazy_next - as try_to_unlazy(), with the next dentry (sampled
 * at nd->next_seq) legitimized too.  Its d_seq check also validates the
 * parent: we checked the parent's seq after sampling the child's.
 */
static bool try_to_unlazy_next(struct nameidata *nd, struct dentry *dentry)
{
	int res;

	if (unlikely(unlazy_refused(nd)))
		return false;
	if (unlikely(!legitimize_links(nd)))
		goto out2;
	res = __legitimize_mnt(nd->path.mnt, walk_m_seq(nd));
	if (unlikely(res)) {
		if (res > 0)
			goto out2;
		goto out1;
	}
	if (unlikely(!walk_get_not_dead(nd->path.dentry)))
		goto out1;
	if (unlikely(!walk_get_not_dead(dentry)))
		goto out;
	if (read_seqcount_retry(&dentry->d_seq, nd->next_seq))
		goto out_dput;
	if (unlikely(!legitimize_root(nd)))
		goto out_dput;
	leave_rcu(nd);
	return true;

out2:
	nd->path.mnt = NULL;
out1:
	nd->path.dentry = NULL;
out:
	leave_rcu(nd);
	nb_count(NB_CTR_SEQ_RETRY);
	return false;
out_dput:
	leave_rcu(nd);
	ref_dput(dentry);
	nb_count(NB_CTR_SEQ_RETRY);
	return false;
}

/*
 * unlazy - try_to_unlazy() in the middle of a walk, counted.  Returns
 * false if the walk must restart from the top in REF-walk.
 */
static bool unlazy(struct nameidata *nd)
{
	if (!WALK_RCU)
		return true;
	if (!try_to_unlazy(nd))
		return false;
	nb_count(NB_CTR_UNLAZY);
	return true;
}

static bool unlazy_next(struct nameidata *nd, struct dentry *dentry)
{
	if (!try_to_unlazy_next(nd, dentry))
		return false;
	nb_count(NB_CTR_UNLAZY);
	return true;
}

/*
 * needs_weak_revalidate - the walk ended on a dentry no name of this walk
 * led to ("/", ".", "..", a mount's root: ND_JUMPED), which d_revalidate
 * never saw, on a filesystem that doubts even those (nfs).
 */
static bool needs_weak_revalidate(const struct nameidata *nd)
{
	return unlikely(nd->state & ND_JUMPED) &&
	       unlikely(d_flags(nd->path.dentry) & DCACHE_OP_WEAK_REVALIDATE);
}

/*
 * complete_walk - end of a successful walk: if still in RCU mode,
 * legitimize the result (the root is no longer needed); then, as Linux
 * does, let the filesystem check a jumped-to result in REF mode
 * (d_weak_revalidate: 0 is -ESTALE, for the caller's LOOKUP_REVAL retry).
 */
static int complete_walk(struct nameidata *nd)
{
	debug_delay();
	if (in_rcu(nd)) {
		/* a scoped walk keeps its root for the check below */
		if (!(nd->state & ND_ROOT_PRESET) && !(nd->flags & LOOKUP_IS_SCOPED))
			nd->root.mnt = NULL;
		/* the walk is done: taking the result's references cannot block */
		nd->flags &= ~LOOKUP_CACHED;
		if (!try_to_unlazy(nd))
			return -ECHILD;
		nb_count(NB_CTR_RCU_DONE);
	}
	/*
	 * The rest of namei already keeps a scoped walk inside its root; this
	 * is the kernel's last line of defence against a bug in that, so that
	 * no caller is ever handed an object outside the root it asked for.
	 */
	if (unlikely(nd->flags & LOOKUP_IS_SCOPED) && !path_is_under(&nd->path, &nd->root))
		return -EXDEV;
	if (needs_weak_revalidate(nd)) {
		struct dentry *dentry = nd->path.dentry;
		int status;

		nb_count(NB_CTR_REVALIDATE);
		status = dentry->d_op->d_weak_revalidate(dentry, nd->flags);
		if (status <= 0)
			return status ? status : -ESTALE;
	}
	return 0;
}

/* ---- setup ---- */

static __always_inline void set_root(struct nameidata *nd)
{
	nd->root = nd->ctx->root;
	if (in_rcu(nd)) {
		nd->root_seq = read_seqcount_begin(&nd->root.dentry->d_seq);
	} else {
		walk_path_get(&nd->root);
		nd->state |= ND_ROOT_GRABBED;
	}
}

static __always_inline int nd_jump_root(struct nameidata *nd)
{
	if (unlikely(nd->flags & LOOKUP_BENEATH))
		return -EXDEV;
	/* path_init()'s jump for an absolute path (nothing walked yet, so no
	 * nd->path) is allowed; a symlink's from another mount is a crossing
	 * (and so is one from anywhere before nd->root is set: Linux's test) */
	if (unlikely(nd->flags & LOOKUP_NO_XDEV) && nd->path.mnt && nd->path.mnt != nd->root.mnt)
		return -EXDEV;
	nd->state |= ND_JUMPED;
	if (!nd->root.mnt)
		set_root(nd);
	if (in_rcu(nd)) {
		struct dentry *d = nd->root.dentry;

		nd->path = nd->root;
		nd->inode = d_inode(d);
		nd->seq = nd->root_seq;
		if (read_seqcount_retry(&d->d_seq, nd->seq)) {
			nb_count(NB_CTR_SEQ_RETRY);
			return -ECHILD;
		}
	} else {
		if (nd->path.mnt)
			walk_path_put(&nd->path);
		nd->path = nd->root;
		walk_path_get(&nd->path);
		nd->inode = d_inode(nd->path.dentry);
	}
	return 0;
}

/*
 * A scoped walk (RESOLVE_BENEATH, RESOLVE_IN_ROOT): its start is its root,
 * held as set_root() holds one.  And rename_lock is sampled, for '..'
 * (Linux samples it for every walk; only a scoped one reads it again).
 */
static void path_init_scoped(struct nameidata *nd)
{
	nd->r_seq = read_seqbegin(&rename_lock);
	nd->root = nd->path;
	if (in_rcu(nd)) {
		nd->root_seq = nd->seq;
	} else {
		walk_path_get(&nd->root);
		nd->state |= ND_ROOT_GRABBED;
	}
}

/*
 * ref_walk_cached - LOOKUP_CACHED in a strategy that never walks in RCU
 * mode (global, dlock, lockref: !WALK_RCU).  Linux's answer to
 * RESOLVE_CACHED is RCU-walk's: the answer where every step is in the
 * dcache and needs nothing that could block, else -EAGAIN from wherever
 * RCU-walk would have had to leave RCU mode (try_to_unlazy: a miss for
 * lookup_slow, a filesystem that must block - d_revalidate, d_manage,
 * d_automount, ->get_link -, and the errors RCU mode cannot make stable:
 * ENOTDIR, '..''s EXDEV).  A REF-walk strategy could never finish "without
 * leaving RCU mode", and always refusing would differ from the kernel on a
 * hit; so it walks holding references as ever and refuses, with -EAGAIN,
 * at exactly those places (refuse_cached), giving every strategy the
 * kernel's answers.  False in an RCU strategy: there try_to_unlazy()
 * refuses, and path_init() refuses the REF-walk retry.
 */
static __always_inline bool ref_walk_cached(const struct nameidata *nd)
{
	return !WALK_RCU && unlikely(nd->flags & LOOKUP_CACHED);
}

/* @err, or -EAGAIN where ref_walk_cached() refuses what would give it */
static int refuse_cached(const struct nameidata *nd, int err)
{
	return ref_walk_cached(nd) ? -EAGAIN : err;
}

static __always_inline const char *path_init(struct nameidata *nd, const struct filename *name,
			     unsigned int flags)
{
	const char *s = name->name;

	/* set first: terminate_walk() reads it whatever we return */
	nd->flags = flags | walk_reval;
	/* LOOKUP_CACHED needs RCU-walk: its REF-walk retry is refused (a
	 * strategy with no RCU mode answers it in REF-walk: ref_walk_cached) */
	if (WALK_RCU && (flags & (LOOKUP_RCU | LOOKUP_CACHED)) == LOOKUP_CACHED)
		return ERR_PTR(-EAGAIN);
	/* until a component is looked up by name, where we are is a jump */
	nd->state |= ND_JUMPED;
	if (in_rcu(nd)) {
		rcu_read_lock();
		nb_count(NB_CTR_RCU_WALK);
	}
	/* one sample of the mount table for the whole walk */
	nd->m_seq = read_seqbegin(&mount_lock);
	/* an absolute path starts at the root; RESOLVE_IN_ROOT's root is its
	 * start, and RESOLVE_BENEATH's jump is refused (nd_jump_root) */
	if (*s == '/' && !(flags & LOOKUP_IN_ROOT)) {
		int err = nd_jump_root(nd);

		return err ? ERR_PTR(err) : s;
	}
	/* at a descriptor's directory (openat's dfd), or the working one */
	nd->path = nd->dir ? *nd->dir : nd->ctx->pwd;
	nd->inode = d_inode(nd->path.dentry);
	if (in_rcu(nd))
		nd->seq = read_seqcount_begin(&nd->path.dentry->d_seq);
	else
		walk_path_get(&nd->path);
	if (flags & LOOKUP_IS_SCOPED)
		path_init_scoped(nd);
	return s;
}

/* ---- one component ---- */

/*
 * d_revalidate - may the walk trust @dentry?  Only a filesystem that
 * doubts its dentries (nfs) says: 1 yes, 0 no (look it up again), or, in
 * RCU mode (LOOKUP_RCU in @flags), -ECHILD to be asked again in REF-walk.
 */
static inline int d_revalidate(struct dentry *dentry, unsigned int flags)
{
	if (likely(!(d_flags(dentry) & DCACHE_OP_REVALIDATE)))
		return 1;
	nb_count(NB_CTR_REVALIDATE);
	return dentry->d_op->d_revalidate(dentry, flags);
}

/*
 * d_invalidate - the filesystem disowned a dentry the walk found: unhash
 * it, so the next lookup asks the filesystem.  (Linux also detaches what
 * is mounted below it; here the server never disowns a dentry, nfs.c.)
 */
static void d_invalidate(struct dentry *dentry)
{
	d_drop(dentry);
}

/*
 * revalidate_cached - ref_walk_cached()'s d_revalidate: asked as RCU-walk
 * asks it (LOOKUP_RCU: answer without blocking, which holding a reference
 * only makes easier); anything but "valid" would have sent RCU-walk to
 * REF-walk (unlazy_next), so it is -EAGAIN.  Consumes @dentry's reference
 * on failure.
 */
static struct dentry *revalidate_cached(struct nameidata *nd, struct dentry *dentry)
{
	if (likely(d_revalidate(dentry, nd->flags | LOOKUP_RCU) > 0))
		return dentry;
	ref_dput(dentry);
	return ERR_PTR(-EAGAIN);
}

static struct dentry *lookup_fast(struct nameidata *nd)
{
	struct dentry *dentry, *parent = nd->path.dentry;
	int status;

	if (in_rcu(nd)) {
		dentry = __d_lookup_rcu_last(parent, nd->last.hash_len, nd->last.name,
					     nd->last_word, &nd->next_seq);
		if (unlikely(!dentry)) {
			/* a miss needs the filesystem: continue in REF-walk */
			if (!unlazy(nd))
				return ERR_PTR(-ECHILD);
			return NULL;
		}
		/* the parent had no changes while we looked (hand over hand) */
		if (!zoo(SKIP_PARENT_SEQ) && read_seqcount_retry(&parent->d_seq, nd->seq)) {
			nb_count(NB_CTR_SEQ_RETRY);
			return ERR_PTR(-ECHILD);
		}
		status = d_revalidate(dentry, nd->flags);
		if (likely(status > 0))
			return dentry;
		if (!unlazy_next(nd, dentry))
			return ERR_PTR(-ECHILD);
		if (status == -ECHILD)
			/* we'd been told to redo it in non-rcu mode */
			status = d_revalidate(dentry, nd->flags);
	} else {
		dentry = ref_lookup(parent, &nd->last);
		if (unlikely(!dentry))
			return ref_walk_cached(nd) ? ERR_PTR(-EAGAIN) : NULL;
		if (ref_walk_cached(nd))
			return revalidate_cached(nd, dentry);
		status = d_revalidate(dentry, nd->flags);
	}
	if (unlikely(status <= 0)) {
		if (!status)
			d_invalidate(dentry);
		ref_dput(dentry);
		return ERR_PTR(status);		/* 0: NULL, lookup_slow asks again */
	}
	return dentry;
}

/*
 * __follow_mount_rcu - skip to the top of the mount pile in RCU mode; the
 * crossing is valid only while mount_lock still reads nd->m_seq.  A
 * managed dentry's filesystem is asked first (d_manage, rcu true: autofs
 * says whether an expiry is under way without blocking); a trigger with
 * nothing mounted on it needs d_automount, which REF-walk calls.
 */
static bool __follow_mount_rcu(struct nameidata *nd, struct path *path)
{
	struct dentry *dentry = path->dentry;
	unsigned int flags = d_flags(dentry);

	if (likely(!(flags & DCACHE_MANAGED_DENTRY)))
		return true;
	/* REF-walk says -EXDEV, or mounts nothing on a trigger */
	if (unlikely(nd->flags & LOOKUP_NO_XDEV))
		return false;
	for (;;) {
		/* a managed dentry that is no mountpoint may still block transit */
		if (unlikely(flags & DCACHE_MANAGE_TRANSIT)) {
			int res = dentry->d_op->d_manage(path, true);

			if (res)
				return res == -EISDIR;
			flags = d_flags(dentry);
		}
		if (flags & DCACHE_MOUNTED) {
			struct mount *mounted = __lookup_mnt(path->mnt, dentry);

			if (mounted) {
				path->mnt = mounted;
				dentry = path->dentry = mounted->mnt_root;
				nd->state |= ND_JUMPED;
				nd->next_seq = read_seqcount_begin(&dentry->d_seq);
				flags = d_flags(dentry);
				/* crossed: an umount now must show in mount_lock */
				debug_delay();
				/* makes sure that non-RCU pathwalk could reach this state */
				if (!zoo(SKIP_MOUNT_SEQ) && read_seqretry(&mount_lock, nd->m_seq))
					return false;
				continue;
			}
			if (!zoo(SKIP_MOUNT_SEQ) && read_seqretry(&mount_lock, nd->m_seq))
				return false;
		}
		return !(flags & DCACHE_NEED_AUTOMOUNT);
	}
}

/*
 * follow_automount - a trigger with nothing mounted on it: the filesystem
 * mounts something (d_automount) and the walk crosses it.  Not for a stat
 * that does not ask for it (no LOOKUP_AUTOMOUNT) ending on the trigger,
 * which sees the trigger itself; a walk through it, or one that wants a
 * directory, always mounts.
 */
static int follow_automount(struct nameidata *nd, struct path *path)
{
	struct dentry *dentry = path->dentry;

	/* RCU-walk leaves RCU mode at any uncovered trigger (ref_walk_cached) */
	if (ref_walk_cached(nd))
		return -EAGAIN;
	if (!(nd->flags & (LOOKUP_PARENT | LOOKUP_DIRECTORY | LOOKUP_OPEN | LOOKUP_CREATE |
			    LOOKUP_AUTOMOUNT)) &&
	    d_inode(dentry))
		return -EISDIR;
	/* no need to trigger automounts if mountpoint crossing is disabled */
	if (nd->flags & LOOKUP_NO_XDEV)
		return -EXDEV;
	if (nd->total_link_count++ >= MAXSYMLINKS)
		return -ELOOP;
	return finish_automount(dentry->d_op->d_automount(path), path);
}

/*
 * traverse_mounts - REF-walk: step onto whatever is mounted on @path,
 * topmost first, asking the filesystem of a managed dentry (d_manage,
 * which may wait for an expiry) and mounting an uncovered trigger
 * (follow_automount).  On entry path->mnt is borrowed from the nameidata;
 * if we moved, it is a counted reference of its own, and the walk jumped.
 */
/*
 * manage_transit - may the walk pass @path's managed dentry (d_manage)?
 * ref_walk_cached() asks as RCU-walk does, without blocking: any answer but
 * yes (0) or "no, but stop here" (-EISDIR) is -EAGAIN.
 */
static int manage_transit(struct nameidata *nd, struct path *path)
{
	int ret;

	if (likely(!ref_walk_cached(nd)))
		return path->dentry->d_op->d_manage(path, false);
	ret = path->dentry->d_op->d_manage(path, true);
	return ret && ret != -EISDIR ? -EAGAIN : ret;
}

static int traverse_mounts(struct nameidata *nd, struct path *path)
{
	unsigned int flags = d_flags(path->dentry);
	bool need_mntput = false;
	int ret = 0;

	while (flags & DCACHE_MANAGED_DENTRY) {
		if (flags & DCACHE_MANAGE_TRANSIT) {
			if (nd->flags & LOOKUP_NO_XDEV) {
				ret = refuse_cached(nd, -EXDEV);
				break;
			}
			ret = manage_transit(nd, path);
			flags = d_flags(path->dentry);
			if (ret < 0)
				break;
		}
		if (flags & DCACHE_MOUNTED) {
			struct mount *mounted = lookup_mnt(path);

			if (mounted) {
				ref_dput(path->dentry);
				if (need_mntput)
					mntput(path->mnt);
				path->mnt = mounted;
				path->dentry = ref_dget(mounted->mnt_root);
				flags = d_flags(path->dentry);
				need_mntput = true;
				if (unlikely(nd->flags & LOOKUP_NO_XDEV)) {
					/* RCU-walk refused any managed dentry */
					ret = refuse_cached(nd, -EXDEV);
					break;
				}
				continue;
			}
		}
		if (!(flags & DCACHE_NEED_AUTOMOUNT))
			break;
		ret = follow_automount(nd, path);
		flags = d_flags(path->dentry);
		if (ret < 0)
			break;
	}
	if (ret == -EISDIR)
		ret = 0;
	if (need_mntput)
		nd->state |= ND_JUMPED;
	if (ret)
		return ret;
	if (unlikely((flags & DCACHE_ENTRY_TYPE) == DCACHE_MISS_TYPE))
		return -ENOENT;
	return 0;
}

static int handle_mounts(struct nameidata *nd, struct dentry *dentry, struct path *path)
{
	int ret;

	path->mnt = nd->path.mnt;
	path->dentry = dentry;
	if (in_rcu(nd)) {
		unsigned int seq = nd->next_seq;

		if (likely(__follow_mount_rcu(nd, path)))
			return 0;
		/* *path and nd->next_seq might have been clobbered */
		nb_count(NB_CTR_SEQ_RETRY);
		path->mnt = nd->path.mnt;
		path->dentry = dentry;
		nd->next_seq = seq;
		if (!unlazy_next(nd, dentry))
			return -ECHILD;
	}
	ret = traverse_mounts(nd, path);
	if (unlikely(ret)) {
		ref_dput(path->dentry);
		if (path->mnt != nd->path.mnt)
			mntput(path->mnt);
	}
	return ret;
}

/*
 * walk_get_link - a body the filesystem must produce (->get_link): in RCU
 * mode with no dentry, as Linux calls it, and again after try_to_unlazy()
 * if the filesystem cannot answer without blocking (-ECHILD).
 */
static const char *walk_get_link(struct nameidata *nd, struct path *link, struct inode *inode)
{
	const char *(*get)(struct dentry *, struct inode *) = inode->i_op->get_link;
	const char *res;

	if (!in_rcu(nd) && !ref_walk_cached(nd))
		return get(link->dentry, inode);
	/* ref_walk_cached() asks as RCU-walk does, and cannot leave it */
	res = get(NULL, inode);
	if (res == ERR_PTR(-ECHILD) && ref_walk_cached(nd))
		return ERR_PTR(-EAGAIN);
	if (res == ERR_PTR(-ECHILD) && try_to_unlazy(nd))
		res = get(link->dentry, inode);
	return res;
}

static const char *pick_link(struct nameidata *nd, struct path *link, struct inode *inode)
{
	struct saved *last;
	const char *res;

	debug_delay();
	if (unlikely(nd->total_link_count++ >= MAXSYMLINKS)) {
		if (!in_rcu(nd))
			walk_path_put(link);
		return ERR_PTR(-ELOOP);
	}
	last = nd->stack + nd->depth++;
	last->link = *link;
	last->seq = nd->next_seq;
	/* pushed, so that terminate_walk() drops it */
	if (unlikely(nd->flags & LOOKUP_NO_SYMLINKS))
		return ERR_PTR(-ELOOP);
	if (zoo(INODE_REFETCH) && in_rcu(nd))
		inode = d_inode(link->dentry);
	debug_check_magic(inode, &inode->i_magic, INODE_MAGIC, "inode", "pick_link");
	/* the body lives as long as the inode: RCU or our reference keeps it */
	res = inode->i_link;
	if (!res) {
		res = walk_get_link(nd, link, inode);
		if (IS_ERR(res))
			return res;	/* terminate_walk() drops the link pushed */
		if (!res) {
			put_link(nd);
			return NULL;
		}
	}
	last->body = res;
	debug_check_body(res, "pick_link");
	if (*res == '/') {
		int err = nd_jump_root(nd);

		if (unlikely(err))
			return ERR_PTR(err);
		while (*++res == '/')
			;
	}
	if (*res)
		return res;
	/* a pure jump ("/"): nothing left of the body to walk */
	put_link(nd);
	return NULL;
}

/*
 * step_into - move onto @dentry (sampled at nd->next_seq in RCU mode; a
 * counted reference we consume in REF-walk), crossing mounts.  A symlink
 * that must be followed is pushed and its body returned.  The inode is
 * read here, once, and kept in the nameidata.
 */
static const char *step_into(struct nameidata *nd, int flags, struct dentry *dentry)
{
	struct path path;
	struct inode *inode;
	int err = handle_mounts(nd, dentry, &path);

	if (err < 0)
		return ERR_PTR(err);
	debug_check_magic(path.dentry, &path.dentry->d_magic, DENTRY_MAGIC, "dentry", "step_into");
	inode = d_inode(path.dentry);
	if (inode)
		debug_check_magic(inode, &inode->i_magic, INODE_MAGIC, "inode", "step_into");
	if (likely(!d_is_symlink(path.dentry)) ||
	    ((flags & WALK_TRAILING) && !(nd->flags & LOOKUP_FOLLOW)) ||
	    (flags & WALK_NOFOLLOW)) {
		/* not a symlink or should not follow */
		if (in_rcu(nd)) {
			if (read_seqcount_retry(&path.dentry->d_seq, nd->next_seq)) {
				nb_count(NB_CTR_SEQ_RETRY);
				return ERR_PTR(-ECHILD);
			}
			if (unlikely(!inode))
				return ERR_PTR(-ENOENT);
		} else {
			ref_dput(nd->path.dentry);
			if (nd->path.mnt != path.mnt)
				mntput(nd->path.mnt);
		}
		nd->path = path;
		nd->inode = inode;
		nd->seq = nd->next_seq;
		return NULL;
	}
	if (in_rcu(nd)) {
		/* make sure that d_is_symlink above matches inode */
		if (read_seqcount_retry(&path.dentry->d_seq, nd->next_seq)) {
			nb_count(NB_CTR_SEQ_RETRY);
			return ERR_PTR(-ECHILD);
		}
	} else if (path.mnt == nd->path.mnt) {
		mntget(path.mnt);
	}
	return pick_link(nd, &path, inode);
}

/* ---- ".." ---- */

/*
 * choose_mountpoint_rcu - where ".." goes from the root of mount @m: up
 * the mount tree to the first mountpoint that is not itself a mount's
 * root, unless we reach @root first.  The caller validates against
 * mount_lock.
 */
static bool choose_mountpoint_rcu(struct mount *m, const struct path *root,
				  struct path *path, unsigned int *seqp)
{
	while (mnt_has_parent(m)) {
		struct dentry *mountpoint = mnt_mountpoint(m);

		m = mnt_parent(m);
		if (unlikely(root->dentry == mountpoint && root->mnt == m))
			break;
		if (mountpoint != m->mnt_root) {
			path->mnt = m;
			path->dentry = mountpoint;
			*seqp = read_seqcount_begin(&mountpoint->d_seq);
			return true;
		}
	}
	return false;
}

/* REF-walk's choose_mountpoint: the RCU answer, legitimized, retried. */
static bool choose_mountpoint(struct mount *m, const struct path *root, struct path *path)
{
	bool found;

	rcu_read_lock();
	for (;;) {
		unsigned int seq, mseq = read_seqbegin(&mount_lock);

		found = choose_mountpoint_rcu(m, root, path, &seq);
		if (unlikely(!found)) {
			if (!read_seqretry(&mount_lock, mseq))
				break;
		} else {
			int res = __legitimize_mnt(path->mnt, mseq);

			if (likely(!res)) {
				if (walk_get_not_dead(path->dentry)) {
					if (!read_seqcount_retry(&path->dentry->d_seq, seq))
						break;
					ref_dput(path->dentry);
				}
				mntput(path->mnt);
			} else if (res < 0) {
				mntput(path->mnt);
			}
			nb_count(NB_CTR_SEQ_RETRY);
		}
	}
	rcu_read_unlock();
	return found;
}

static struct dentry *follow_dotdot_rcu(struct nameidata *nd)
{
	struct dentry *parent, *old;

	if (path_equal(&nd->path, &nd->root))
		goto in_root;
	if (unlikely(nd->path.dentry == nd->path.mnt->mnt_root)) {
		struct path path;
		unsigned int seq;

		if (!choose_mountpoint_rcu(nd->path.mnt, &nd->root, &path, &seq))
			goto in_root;
		/* a crossing: REF-walk gives the stable -EXDEV */
		if (unlikely(nd->flags & LOOKUP_NO_XDEV))
			return ERR_PTR(-ECHILD);
		nd->path = path;
		nd->inode = d_inode(path.dentry);
		nd->seq = seq;
		/* makes sure that non-RCU pathwalk could reach this state */
		if (!zoo(SKIP_MOUNT_SEQ) && read_seqretry(&mount_lock, nd->m_seq))
			goto echild;
		/* we know that mountpoint was pinned */
	}
	old = nd->path.dentry;
	parent = d_parent(old);
	debug_check_magic(parent, &parent->d_magic, DENTRY_MAGIC, "dentry", "follow_dotdot_rcu");
	/* a rename of old now must fail the recheck below */
	debug_delay();
	nd->next_seq = read_seqcount_begin(&parent->d_seq);
	/* makes sure that non-RCU pathwalk could reach this state */
	if (read_seqcount_retry(&old->d_seq, nd->seq))
		goto echild;
	return parent;
in_root:
	if (!zoo(SKIP_MOUNT_SEQ) && read_seqretry(&mount_lock, nd->m_seq))
		goto echild;
	/* above the root: REF-walk gives the stable -EXDEV */
	if (unlikely(nd->flags & LOOKUP_BENEATH))
		return ERR_PTR(-ECHILD);
	nd->next_seq = nd->seq;
	return nd->path.dentry;
echild:
	nb_count(NB_CTR_SEQ_RETRY);
	return ERR_PTR(-ECHILD);
}

static struct dentry *follow_dotdot(struct nameidata *nd)
{
	if (path_equal(&nd->path, &nd->root))
		goto in_root;
	if (unlikely(nd->path.dentry == nd->path.mnt->mnt_root)) {
		struct path path;

		if (!choose_mountpoint(nd->path.mnt, &nd->root, &path))
			goto in_root;
		walk_path_put(&nd->path);
		nd->path = path;
		nd->inode = d_inode(path.dentry);
		if (unlikely(nd->flags & LOOKUP_NO_XDEV))
			return ERR_PTR(refuse_cached(nd, -EXDEV));
	}
	/* decided we are not at the root: a rename may move us meanwhile */
	debug_delay();
	/* mounts are whole filesystems, so the parent is always connected */
	return ref_dget_parent(nd->path.dentry);

in_root:
	if (unlikely(nd->flags & LOOKUP_BENEATH))
		return ERR_PTR(refuse_cached(nd, -EXDEV));
	return ref_dget(nd->path.dentry);
}

static const char *handle_dots(struct nameidata *nd, int type)
{
	struct dentry *parent;
	const char *err;

	if (type != LAST_DOTDOT)
		return NULL;
	if (!nd->root.mnt)
		set_root(nd);
	if (in_rcu(nd))
		parent = follow_dotdot_rcu(nd);
	else
		parent = follow_dotdot(nd);
	if (IS_ERR(parent))
		return ERR_CAST(parent);
	/* a ".." that lands on a mounted-on directory enters the mount */
	err = step_into(nd, WALK_NOFOLLOW, parent);
	if (unlikely(err))
		return err;
	if (unlikely(nd->flags & LOOKUP_IS_SCOPED) && !zoo(DOTDOT_ESCAPE)) {
		/*
		 * If there was a racing rename or mount along our path, we
		 * cannot be sure that ".." has not jumped above nd->root: the
		 * caller must retry.  (read_seqretry orders the step's loads
		 * before the re-reads.)
		 */
		if (read_seqretry(&mount_lock, nd->m_seq) ||
		    read_seqretry(&rename_lock, nd->r_seq))
			return ERR_PTR(-EAGAIN);
	}
	return NULL;
}

/* The bodies of the symlinks being walked must still be alive. */
static void debug_check_links(const struct nameidata *nd)
{
	unsigned int i;

	if (NB_DEBUG_ON)
		for (i = 0; i < nd->depth; i++)
			debug_check_body(nd->stack[i].body, "walk_component");
}

static const char *walk_component(struct nameidata *nd, int flags)
{
	struct dentry *dentry, *parent = nd->path.dentry;
	uint32_t gen = NB_DEBUG_ON ? parent->d_gen : 0;

	/*
	 * "." and ".." are special - ".." especially so because it has to be
	 * able to know about the current root directory and parent
	 * relationships.
	 */
	debug_check_links(nd);
	debug_delay();
	if (unlikely(nd->last_type != LAST_NORM)) {
		if (!(flags & WALK_MORE) && nd->depth)
			put_link(nd);
		return handle_dots(nd, nd->last_type);
	}
	dentry = lookup_fast(nd);
	if (IS_ERR(dentry))
		return ERR_CAST(dentry);	/* a failed unlazy: parent is no longer ours */
	/* what it looked in is what it stood on, before and after the delay
	 * (still under RCU, or unlazied with a reference on it) */
	debug_check_gen(parent, &parent->d_gen, gen, "dentry", "walk_component");
	if (unlikely(!dentry)) {
		dentry = lookup_slow(&nd->last, nd->path.dentry);
		if (IS_ERR(dentry))
			return ERR_CAST(dentry);
	}
	if (!(flags & WALK_MORE) && nd->depth)
		put_link(nd);
	return step_into(nd, flags, dentry);
}

/* ---- the walk ---- */

/*
 * walk_fast_rcu - walk_component() for the case that is most of every RCU
 * walk: a plain name (not a dot) whose dentry is cached, has nothing
 * mounted on it and is a directory -- or, for the last component
 * (@last), anything positive but a symlink, outside any symlink body.
 * Find it, recheck the parent (hand over hand) and the child, step onto
 * it: what lookup_fast() and step_into() do for it, without their calls
 * and the cases they branch to.  Returns true if it stepped.  Otherwise
 * *@found is the dentry it found and checked against its parent (its d_seq
 * in nd->next_seq), for step_into() to take as walk_component() would
 * have, so that a mountpoint or a symlink is not looked up twice; or NULL,
 * with nd untouched, for walk_component() to take the component from the
 * start.
 */
static inline bool walk_fast_rcu(struct nameidata *nd, bool last, struct dentry **found)
{
	struct dentry *parent = nd->path.dentry, *d;
	uint32_t gen = NB_DEBUG_ON ? parent->d_gen : 0;
	struct inode *inode;
	unsigned int seq, type;

	*found = NULL;
	if (!in_rcu(nd) || unlikely(nd->last_type != LAST_NORM) || (last && nd->depth))
		return false;
	debug_check_links(nd);
	debug_delay();
	d = __d_lookup_rcu_last(parent, nd->last.hash_len, nd->last.name, nd->last_word, &seq);
	debug_check_gen(parent, &parent->d_gen, gen, "dentry", "walk_fast_rcu");
	if (unlikely(!d))
		return false;
	/* the parent had no changes while we looked, as in lookup_fast() */
	if (!zoo(SKIP_PARENT_SEQ) && read_seqcount_retry(&parent->d_seq, nd->seq))
		return false;
	/* one the filesystem must vouch for: lookup_fast() asks it */
	if (unlikely(d_flags(d) & DCACHE_OP_REVALIDATE))
		return false;
	*found = d;
	nd->next_seq = seq;
	/* not mounted on, and a directory (or, last, not a symlink): one load */
	type = d_flags(d) & (DCACHE_ENTRY_TYPE | DCACHE_MANAGED_DENTRY);
	if (unlikely(last ? type == DCACHE_SYMLINK_TYPE || (type & DCACHE_MANAGED_DENTRY) :
			    type != DCACHE_DIRECTORY_TYPE))
		return false;
	debug_check_magic(d, &d->d_magic, DENTRY_MAGIC, "dentry", "walk_fast_rcu");
	inode = d_inode(d);
	/* what we read of the child (flags, inode) held at seq */
	if (unlikely(!inode) || read_seqcount_retry(&d->d_seq, seq))
		return false;
	debug_check_magic(inode, &inode->i_magic, INODE_MAGIC, "inode", "walk_fast_rcu");
	nd->path.dentry = d;
	nd->inode = inode;
	nd->seq = seq;
	return true;
}

/*
 * link_path_walk - resolve every component but the last, leaving it in
 * nd->last / nd->last_type.  Symlinks met on the way are walked through
 * nd->stack; the last component of a symlink body in the middle of a path
 * is always followed.
 *
 * Longer than our rule of about 60 lines, on purpose: it keeps the shape
 * and order of fs/namei.c's link_path_walk() (the name's hash and its
 * "."/".." type, the step, the jump into a symlink body, the OK: label
 * where a nested body ends), so that the two read side by
 * side; split, the order of its checks - which decides the errno a
 * caller sees - would be harder to compare with the kernel's.
 */
/*
 * walk_d_hash - a directory whose filesystem hashes names itself (d_hash:
 * case-insensitive ones): the component's hash is its answer, the name as
 * written stays what is compared and, where created, stored.
 */
static int walk_d_hash(const struct dentry *parent, const char *name, uint64_t *hash_len)
{
	struct qstr this = { { .hash_len = *hash_len }, .name = name };
	int err = parent->d_op->d_hash(parent, &this);

	*hash_len = hashlen_create(this.hash, hashlen_len(*hash_len));
	return err;
}

static int link_path_walk(const char *name, struct nameidata *nd)
{
	int depth = 0;		/* depth <= nd->depth */

	nd->last_type = LAST_ROOT;
	nd->flags |= LOOKUP_PARENT;
	if (IS_ERR(name))
		return (int)PTR_ERR(name);
	while (*name == '/')
		name++;
	if (!*name)
		return 0;

	/* At this point we know we have a real path component. */
	for (;;) {
		struct dentry *found;
		const char *link;
		uint64_t hash_len;
		int type;

		hash_len = hash_name_last(nd->path.dentry, name, &nd->last_word);
		type = LAST_NORM;
		if (name[0] == '.') {
			switch (hashlen_len(hash_len)) {
			case 2:
				if (name[1] == '.') {
					type = LAST_DOTDOT;
					nd->state |= ND_JUMPED;
				}
				break;
			case 1:
				type = LAST_DOT;
			}
		}
		if (likely(type == LAST_NORM)) {
			nd->state &= ~ND_JUMPED;
			if (unlikely(d_flags(nd->path.dentry) & DCACHE_OP_HASH)) {
				int err = walk_d_hash(nd->path.dentry, name, &hash_len);

				if (err < 0)
					return err;
			}
		}
		nd->last.hash_len = hash_len;
		nd->last.name = name;
		nd->last_type = type;

		name += hashlen_len(hash_len);
		if (!*name)
			goto OK;
		/* it was a '/': skip it and any that follow */
		do {
			name++;
		} while (unlikely(*name == '/'));
		if (unlikely(!*name)) {
OK:
			/* pathname or trailing symlink body done */
			if (!depth) {
				nd->flags &= ~LOOKUP_PARENT;
				return 0;
			}
			/* last component of a nested symlink */
			name = nd->stack[--depth].name;
			link = walk_component(nd, 0);
		} else {
			/* not the last component */
			if (likely(walk_fast_rcu(nd, false, &found)))
				continue;
			link = found ? step_into(nd, WALK_MORE, found) :
				       walk_component(nd, WALK_MORE);
		}
		if (unlikely(link)) {
			if (IS_ERR(link))
				return (int)PTR_ERR(link);
			/* a symlink to follow */
			nd->stack[depth++].name = name;
			name = link;
			continue;
		}
		if (unlikely(!d_can_lookup(nd->path.dentry))) {
			/* only a stable answer is ENOTDIR */
			if (in_rcu(nd) && !unlazy(nd))
				return -ECHILD;
			return refuse_cached(nd, -ENOTDIR);
		}
	}
}

static const char *lookup_last(struct nameidata *nd)
{
	struct dentry *found;

	/* a trailing slash: follow, and insist on a directory */
	if (nd->last_type == LAST_NORM && nd->last.name[nd->last.len])
		nd->flags |= LOOKUP_FOLLOW | LOOKUP_DIRECTORY;
	if (likely(walk_fast_rcu(nd, true, &found)))
		return NULL;
	return found ? step_into(nd, WALK_TRAILING, found) : walk_component(nd, WALK_TRAILING);
}

static int handle_lookup_down(struct nameidata *nd)
{
	if (!in_rcu(nd))
		ref_dget(nd->path.dentry);
	nd->next_seq = nd->seq;
	return (int)PTR_ERR(step_into(nd, WALK_NOFOLLOW, nd->path.dentry));
}

static void generic_fillattr(const struct inode *inode, struct nb_kstat *st)
{
	st->ino = inode->i_ino;
	st->dev = inode->i_sb->s_dev;
	st->type = S_ISDIR(inode->i_mode) ? NB_DIR : S_ISLNK(inode->i_mode) ? NB_LNK : NB_REG;
	st->nlink = inode_nlink(inode);
	st->size = READ_ONCE(((struct inode *)inode)->i_size);
}

/*
 * An answer made at the end of a walk still in RCU mode (STAT_UNDER_RCU):
 * ->answer reads what it needs from nd->path and nd->inode with no
 * reference taken, then checks that the dentry and the mount table are
 * still what the walk saw (rcu_answer_valid), so that the answer is one a
 * REF-walk could have given.  It returns 0 (answered), -ECHILD (redo the
 * lookup in REF-walk), or an error it validated too.
 */
struct rcu_answer {
	int (*answer)(struct nameidata *nd, struct rcu_answer *a);
	struct nb_kstat *st;		/* stat's */
	char *buf;			/* readlink's: its buffer, its size, what it read */
	size_t size;
	int len;
	int mode;			/* access's: R_OK | W_OK | X_OK */
};

/* The dentry and the mount table are still what the RCU walk saw. */
static bool rcu_answer_valid(const struct nameidata *nd)
{
	if (read_seqcount_retry(&nd->path.dentry->d_seq, nd->seq) ||
	    (!zoo(SKIP_MOUNT_SEQ) && read_seqretry(&mount_lock, nd->m_seq))) {
		nb_count(NB_CTR_SEQ_RETRY);
		return false;
	}
	return true;
}

/*
 * stat_under_rcu - stat's rcu_answer at the end of an RCU walk: fill the
 * answer from the inode the walk read, then check that the dentry and the
 * mount table are still what the walk saw.  If they are, the answer is one
 * a REF-walk could have given, and no reference was ever taken.  Returns
 * 0, or -ECHILD to redo the lookup in REF-walk.
 */
static int stat_under_rcu(struct nameidata *nd, struct rcu_answer *a)
{
	struct nb_kstat *st = a->st;

	if (zoo(STAT_ATTRS_OUTSIDE_WINDOW)) {
		if (!rcu_answer_valid(nd))
			return -ECHILD;
		debug_delay();
		generic_fillattr(nd->inode, st);
		nb_count(NB_CTR_RCU_DONE);
		return 0;
	}
	debug_delay();
	debug_check_magic(nd->inode, &nd->inode->i_magic, INODE_MAGIC, "inode", "stat_under_rcu");
	generic_fillattr(zoo(INODE_REFETCH) ? d_inode(nd->path.dentry) : nd->inode, st);
	/* after the copy: it validates what was copied */
	if (!rcu_answer_valid(nd))
		return -ECHILD;
	nb_count(NB_CTR_RCU_DONE);
	return 0;
}

/*
 * An error validated in RCU mode (ENOENT from a cached negative dentry,
 * say) is an answer: the walk finished without leaving it.
 */
static void count_rcu_error(const struct nameidata *nd, int err)
{
	if (err && err != -ECHILD && in_rcu(nd))
		nb_count(NB_CTR_RCU_DONE);
}

/*
 * path_lookupat - the whole walk.  Returns 0 with a counted *path; or, when
 * @ans is given and the walk can answer under RCU, 1 with @ans's answer
 * made and no reference held.
 */
static int path_lookupat(struct nameidata *nd, const struct filename *name,
			 unsigned int flags, struct path *path, struct rcu_answer *ans)
{
	const char *s = path_init(nd, name, flags);
	int err;

	while (!(err = link_path_walk(s, nd)) && (s = lookup_last(nd)) != NULL)
		;
	count_rcu_error(nd, err);
	if (STAT_UNDER_RCU && !err && ans && in_rcu(nd) && !needs_weak_revalidate(nd)) {
		/* "P/" on what is no directory: REF-walk gives the stable ENOTDIR */
		if ((nd->flags & LOOKUP_DIRECTORY) && !d_can_lookup(nd->path.dentry))
			err = -ECHILD;
		else
			err = ans->answer(nd, ans);
		terminate_walk(nd);
		return err ? err : 1;
	}
	if (!err && (nd->flags & LOOKUP_MOUNTPOINT))
		err = handle_lookup_down(nd);
	if (!err)
		err = complete_walk(nd);
	if (!err && (nd->flags & LOOKUP_DIRECTORY))
		if (!d_can_lookup(nd->path.dentry))
			err = -ENOTDIR;
	if (!err) {
		*path = nd->path;
		nd->path.mnt = NULL;
		nd->path.dentry = NULL;
	}
	terminate_walk(nd);
	return err;
}

/*
 * first_mode - how every walk starts: RCU-walk where the strategy has it.
 * A walk that returns -ECHILD is redone once in REF-walk (restart_walk).
 */
static unsigned int first_mode(unsigned int flags)
{
	return WALK_RCU ? flags | LOOKUP_RCU : flags;
}

static bool restart_walk(int err)
{
	if (!WALK_RCU || err != -ECHILD)
		return false;
	nb_count(NB_CTR_ECHILD);
	return true;
}

/*
 * filename_lookup_at - the whole lookup: RCU-walk first where the
 * strategy has it, REF-walk again after -ECHILD.  @dir is the start (and
 * root) of a LOOKUP_IN_ROOT walk, else NULL.
 */
static int filename_lookup_at(struct nb_ctx *ctx, const struct path *dir, const char *pathname,
			      unsigned int flags, struct path *path, struct rcu_answer *ans)
{
	struct filename name;
	struct nameidata nd;
	int err = getname(&name, pathname);

	if (err)
		return err;
	nd_init(&nd, ctx);
	nd.dir = dir;
	err = path_lookupat(&nd, &name, first_mode(flags), path, ans);
	if (restart_walk(err)) {
		nd_init(&nd, ctx);
		nd.dir = dir;
		err = path_lookupat(&nd, &name, flags, path, ans);
	}
	return err;
}

static int filename_lookup_answer(struct nb_ctx *ctx, const char *pathname, unsigned int flags,
				  struct path *path, struct rcu_answer *ans)
{
	return filename_lookup_at(ctx, NULL, pathname, flags, path, ans);
}

static int filename_lookup(struct nb_ctx *ctx, const char *pathname, unsigned int flags,
			   struct path *path)
{
	return filename_lookup_answer(ctx, pathname, flags, path, NULL);
}

static int path_parentat(struct nameidata *nd, const struct filename *name, unsigned int flags,
			 struct path *parent)
{
	const char *s = path_init(nd, name, flags);
	int err = link_path_walk(s, nd);

	if (!err)
		err = complete_walk(nd);
	if (!err) {
		*parent = nd->path;
		nd->path.mnt = NULL;
		nd->path.dentry = NULL;
	}
	terminate_walk(nd);
	return err;
}

/* Walk to the parent of the last component; *last points into @name. */
static int filename_parentat(struct nb_ctx *ctx, const struct filename *name,
			     struct path *parent, struct qstr *last, int *type)
{
	struct nameidata nd;
	int err;

	nd_init(&nd, ctx);
	err = path_parentat(&nd, name, first_mode(0), parent);
	if (restart_walk(err)) {
		nd_init(&nd, ctx);
		err = path_parentat(&nd, name, 0, parent);
	}
	if (!err) {
		*last = nd.last;
		*type = nd.last_type;
	}
	return err;
}

/* ---- stat ---- */

/*
 * debug_check_held_mount - a walker holding a counted reference to a mount
 * is what makes a non-lazy umount of it fail with EBUSY: __legitimize_mnt()
 * and the umount's busy check order their accesses so that one of them
 * sees the other.  If a sync umount took the mount away anyway, they both
 * missed.
 */
static void debug_check_held_mount(const struct path *path)
{
	if (NB_DEBUG_ON && (READ_ONCE(path->mnt->mnt_flags) & MNT_SYNC_UMOUNT))
		nb_bug("refcount", "a walker holds mount %p, which a non-lazy umount took away "
		       "(legitimize_mnt and umount both missed the other)", (void *)path->mnt);
}

static int vfs_statx(struct nb_ctx *ctx, const struct path *dir, const char *pathname,
		     unsigned int flags, struct nb_kstat *st)
{
	struct rcu_answer ans = { .answer = stat_under_rcu, .st = st };
	struct path path;
	int err = filename_lookup_at(ctx, dir, pathname, flags, &path, &ans);

	if (err)
		return err > 0 ? 0 : err;	/* > 0: answered under RCU */
	generic_fillattr(d_inode(path.dentry), st);
	debug_check_held_mount(&path);
	walk_path_put(&path);
	return 0;
}

/*
 * do_stat_in_root - openat2(open(@rootname, O_PATH | O_DIRECTORY),
 * @pathname, RESOLVE_IN_ROOT) and fstat: @pathname is resolved as if
 * @rootname were "/", and ".." never climbs above it.  -EAGAIN if a rename
 * or a mount raced with a "..", -EXDEV if the walk somehow ended outside.
 */
static int do_stat_in_root(struct nb_ctx *ctx, const char *rootname, const char *pathname,
			   struct nb_kstat *st)
{
	struct rcu_answer ans = { .answer = stat_under_rcu, .st = st };
	struct path root, path;
	int err = filename_lookup(ctx, rootname, LOOKUP_FOLLOW | LOOKUP_DIRECTORY, &root);

	if (err)
		return err;
	err = filename_lookup_at(ctx, &root, pathname,
				 LOOKUP_FOLLOW | LOOKUP_AUTOMOUNT | LOOKUP_IN_ROOT, &path, &ans);
	if (!err) {
		generic_fillattr(d_inode(path.dentry), st);
		debug_check_held_mount(&path);
		walk_path_put(&path);
	}
	debug_check_held_mount(&root);
	walk_path_put(&root);
	return err > 0 ? 0 : err;	/* > 0: answered under RCU */
}

/* ---- creation ---- */

/*
 * filename_create - the parent locked and a negative dentry for the last
 * component, or an error.  "foo/" only names a directory to be created.
 */
static struct dentry *filename_create(struct nb_ctx *ctx, const struct filename *name,
				      struct path *path, bool want_dir)
{
	struct dentry *dentry;
	struct qstr last;
	unsigned int create_flags = LOOKUP_CREATE | LOOKUP_EXCL;
	int type, err;

	err = filename_parentat(ctx, name, path, &last, &type);
	if (err)
		return ERR_PTR(err);
	/* yucky last component or no last component at all? (foo/., foo/.., /////) */
	if (unlikely(type != LAST_NORM)) {
		walk_path_put(path);
		return ERR_PTR(-EEXIST);
	}
	/* a trailing slash suppresses creation unless a directory is wanted */
	if (last.name[last.len] && !want_dir)
		create_flags &= ~LOOKUP_CREATE;
	inode_lock(d_inode(path->dentry));
	dentry = lookup_one_qstr_excl(&last, path->dentry, create_flags);
	if (IS_ERR(dentry)) {
		inode_unlock(d_inode(path->dentry));
		walk_path_put(path);
	}
	return dentry;
}

static void done_path_create(struct path *path, struct dentry *dentry)
{
	dput(dentry);
	inode_unlock(d_inode(path->dentry));
	walk_path_put(path);
}

static int do_mkdirat(struct nb_ctx *ctx, const char *pathname)
{
	struct filename name;
	struct dentry *dentry;
	struct path path;
	int err = getname(&name, pathname);

	if (err)
		return err;
	dentry = filename_create(ctx, &name, &path, true);
	if (IS_ERR(dentry))
		return (int)PTR_ERR(dentry);
	err = vfs_mkdir(d_inode(path.dentry), dentry);
	done_path_create(&path, dentry);
	return err;
}

static int do_symlinkat(struct nb_ctx *ctx, const char *target, const char *pathname)
{
	struct filename from, to;
	struct dentry *dentry;
	struct path path;
	int err = getname(&from, target);
	int err_to = getname(&to, pathname);

	if (err)
		return err;
	if (err_to)
		return err_to;
	dentry = filename_create(ctx, &to, &path, false);
	if (IS_ERR(dentry))
		return (int)PTR_ERR(dentry);
	err = vfs_symlink(d_inode(path.dentry), dentry, from.name);
	done_path_create(&path, dentry);
	return err;
}

/* ---- open ---- */

/*
 * What an open(2)'s flags ask (build_open_flags): of the walk (lookup
 * flags, the intent), and of may_open (the access wanted).  The engine
 * takes Linux's O_ values (fcntl.h) and models the flags below; any other
 * is -EINVAL here, where open(2) would ignore it, so that a flag we do not
 * model can never pass for one we do.
 */
#define OPEN_FLAGS_MODELLED	(O_ACCMODE | O_CREAT | O_EXCL | O_TRUNC | O_DIRECTORY | \
				 O_NOFOLLOW | O_PATH | O_CLOEXEC)
#define MAY_OPEN_READ		4	/* MAY_READ, as access's */
#define MAY_OPEN_WRITE		2	/* MAY_WRITE */

struct open_flags {
	int open_flag;
	int acc_mode;
	unsigned int intent;
	unsigned int lookup_flags;
};

#define VALID_RESOLVE_FLAGS	(RESOLVE_NO_XDEV | RESOLVE_NO_MAGICLINKS | RESOLVE_NO_SYMLINKS | \
				 RESOLVE_BENEATH | RESOLVE_IN_ROOT | RESOLVE_CACHED)

/* openat2's @resolve, as lookup flags; after build_open_flags' checks */
static unsigned int resolve_lookup_flags(uint64_t resolve)
{
	static const struct { uint64_t resolve; unsigned int lookup; } map[] = {
		{ RESOLVE_NO_XDEV, LOOKUP_NO_XDEV },
		{ RESOLVE_NO_MAGICLINKS, LOOKUP_NO_MAGICLINKS },
		{ RESOLVE_NO_SYMLINKS, LOOKUP_NO_SYMLINKS },
		{ RESOLVE_BENEATH, LOOKUP_BENEATH },
		{ RESOLVE_IN_ROOT, LOOKUP_IN_ROOT },
		{ RESOLVE_CACHED, LOOKUP_CACHED },
	};
	unsigned int flags = 0;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(map); i++)
		if (resolve & map[i].resolve)
			flags |= map[i].lookup;
	return flags;
}

/* build_open_flags - open(2)'s and openat2(2)'s (@resolve 0 for open) */
static int build_open_flags(int flags, uint64_t resolve, struct open_flags *op)
{
	static const int acc[4] = { MAY_OPEN_READ, MAY_OPEN_WRITE,
				    MAY_OPEN_READ | MAY_OPEN_WRITE, MAY_OPEN_READ | MAY_OPEN_WRITE };
	int acc_mode = acc[flags & O_ACCMODE];

	if (flags & ~OPEN_FLAGS_MODELLED)
		return -EINVAL;
	if (resolve & ~(uint64_t)VALID_RESOLVE_FLAGS)
		return -EINVAL;
	/* scoping flags are mutually exclusive */
	if ((resolve & RESOLVE_BENEATH) && (resolve & RESOLVE_IN_ROOT))
		return -EINVAL;
	flags &= ~O_CLOEXEC;
	/* Linux 6.4's 43b450632676: it once made a regular file (open(2)'s
	 * O_PATH has dropped O_CREAT by now: nb_openat, build_open_how) */
	if ((flags & (O_DIRECTORY | O_CREAT)) == (O_DIRECTORY | O_CREAT))
		return -EINVAL;
	if (flags & O_PATH) {
		/* a place in the namespace: openat2 permits nothing else */
		if (flags & ~NB_O_PATH_FLAGS)
			return -EINVAL;
		acc_mode = 0;
	}
	if (flags & O_TRUNC)
		acc_mode |= MAY_OPEN_WRITE;
	op->open_flag = flags;
	op->acc_mode = acc_mode;
	/* open(2) mounts a trigger it ends on; O_PATH does not */
	op->intent = flags & O_PATH ? 0 : LOOKUP_OPEN;
	if (flags & O_CREAT) {
		op->intent |= LOOKUP_CREATE;
		if (flags & O_EXCL) {
			op->intent |= LOOKUP_EXCL;
			flags |= O_NOFOLLOW;
		}
	}
	op->lookup_flags = resolve_lookup_flags(resolve);
	if (flags & O_DIRECTORY)
		op->lookup_flags |= LOOKUP_DIRECTORY;
	if (!(flags & O_NOFOLLOW))
		op->lookup_flags |= LOOKUP_FOLLOW;
	/* don't bother even trying for create/truncate (what O_PATH left) */
	if ((resolve & RESOLVE_CACHED) && (flags & (O_TRUNC | O_CREAT)))
		return -EAGAIN;
	return 0;
}

/*
 * lookup_open - O_CREAT's last component, under the directory lock: what
 * is there, or a new regular file (*@created).
 */
static struct dentry *lookup_open(struct nameidata *nd, bool *created)
{
	struct dentry *dir = nd->path.dentry;
	struct inode *dir_inode = d_inode(dir);
	struct dentry *dentry;
	int err;

	if (unlikely(IS_DEADDIR(dir_inode)))
		return ERR_PTR(-ENOENT);
	dentry = d_lookup(dir, &nd->last);
	if (!dentry) {
		dentry = d_alloc_and_lookup(dir, &nd->last);
		if (IS_ERR(dentry))
			return dentry;
	}
	if (d_inode(dentry))
		return dentry;	/* cached positive dentry */
	*created = true;
	err = dir_inode->i_op->create(dir_inode, dentry);
	if (err) {
		dput(dentry);
		return ERR_PTR(err);
	}
	return dentry;
}

/*
 * open_last_lookups - the last component of an open.  Without O_CREAT it
 * is any lookup's last component, and can be found in RCU mode; with it,
 * the directory lock is needed, so REF-walk.
 */
static const char *open_last_lookups(struct nameidata *nd, const struct open_flags *op,
				     bool *created)
{
	struct dentry *dir, *dentry;

	nd->flags |= op->intent;
	if (!(op->open_flag & O_CREAT))
		return lookup_last(nd);
	if (nd->last_type != LAST_NORM) {
		if (nd->depth)
			put_link(nd);
		return handle_dots(nd, nd->last_type);
	}
	/* the create side of things */
	if (in_rcu(nd) && !unlazy(nd))
		return ERR_PTR(-ECHILD);
	/* trailing slashes? */
	if (unlikely(nd->last.name[nd->last.len]))
		return ERR_PTR(-EISDIR);
	dir = nd->path.dentry;
	inode_lock(d_inode(dir));
	dentry = lookup_open(nd, created);
	inode_unlock(d_inode(dir));
	if (IS_ERR(dentry))
		return ERR_CAST(dentry);
	if (*created) {
		ref_dput(nd->path.dentry);
		nd->path.dentry = dentry;
		return NULL;
	}
	if (nd->depth)
		put_link(nd);
	return step_into(nd, WALK_TRAILING, dentry);
}

/* may_open as root: only what the object's type refuses */
static int may_open(const struct dentry *dentry, int acc_mode)
{
	if (d_is_symlink(dentry))
		return -ELOOP;		/* O_NOFOLLOW on a symlink */
	if (d_is_dir(dentry) && (acc_mode & MAY_OPEN_WRITE))
		return -EISDIR;
	return 0;
}

/* handle_truncate: O_TRUNC on a regular file that was there */
static void handle_truncate(struct inode *inode)
{
	inode_lock(inode);
	WRITE_ONCE(inode->i_size, 0);
	inode_unlock(inode);
}

/* do_open - the checks at the end of an open's walk, as fs/namei.c's */
static int do_open(struct nameidata *nd, const struct open_flags *op, bool created)
{
	struct dentry *dentry;
	int err;

	if (!created) {
		err = complete_walk(nd);
		if (err)
			return err;
	}
	dentry = nd->path.dentry;
	if (op->open_flag & O_CREAT) {
		if ((op->open_flag & O_EXCL) && !created)
			return -EEXIST;
		if (d_is_dir(dentry))
			return -EISDIR;
	}
	if ((nd->flags & LOOKUP_DIRECTORY) && !d_can_lookup(dentry))
		return -ENOTDIR;
	if (created)
		return 0;	/* no permission to check, nothing to truncate */
	err = may_open(dentry, op->acc_mode);
	if (!err && (op->open_flag & O_TRUNC) && d_is_reg(dentry))
		handle_truncate(d_inode(dentry));
	return err;
}

/*
 * path_openat - one try at an open: the walk, then do_open; O_PATH is a
 * plain lookup (do_o_path).  0 with the result in *@path, counted.
 */
static int path_openat(struct nameidata *nd, const struct filename *name,
		       const struct open_flags *op, unsigned int flags, struct path *path)
{
	bool created = false;
	const char *s;
	int err;

	if (op->open_flag & O_PATH)
		return path_lookupat(nd, name, flags, path, NULL);
	s = path_init(nd, name, flags);
	while (!(err = link_path_walk(s, nd)) &&
	       (s = open_last_lookups(nd, op, &created)) != NULL)
		;
	count_rcu_error(nd, err);
	if (!err)
		err = do_open(nd, op, created);
	if (!err) {
		*path = nd->path;
		nd->path.mnt = NULL;
		nd->path.dentry = NULL;
	}
	terminate_walk(nd);
	return err;
}

/* fdget: the open file @fd names in this context's table, or NULL */
static struct file *fdget(struct nb_ctx *ctx, int fd)
{
	return fd_lookup(&ctx->files, fd);
}

/*
 * The start of a walk at @dfd (openat's, statx's), in *@dir: NULL for the
 * working directory, or the path of the file @dfd names.  A walk starting
 * there looks into it, so it must be a directory if @pathname looks up
 * anything; an absolute @pathname never reads @dfd at all, but under
 * LOOKUP_IN_ROOT (in @lookup_flags), where @dfd is its root.
 */
static int dfd_start(struct nb_ctx *ctx, int dfd, const char *pathname,
		     unsigned int lookup_flags, const struct path **dir)
{
	struct file *file;

	*dir = NULL;
	if (dfd == AT_FDCWD || (*pathname == '/' && !(lookup_flags & LOOKUP_IN_ROOT)))
		return 0;
	file = fdget(ctx, dfd);
	if (!file)
		return -EBADF;
	if (*pathname && !d_can_lookup(file->f_path.dentry))
		return -ENOTDIR;
	*dir = &file->f_path;
	return 0;
}

/* do_filp_open - RCU-walk first, REF-walk after -ECHILD; a new file */
static struct file *do_filp_open(struct nb_ctx *ctx, int dfd, const char *pathname,
				 const struct open_flags *op)
{
	const struct path *dir;
	struct filename name;
	struct nameidata nd;
	struct file *file;
	struct path path;
	int err = getname(&name, pathname);

	if (!err)
		err = dfd_start(ctx, dfd, pathname, op->lookup_flags, &dir);
	if (err)
		return ERR_PTR(err);
	nd_init(&nd, ctx);
	nd.dir = dir;
	err = path_openat(&nd, &name, op, first_mode(op->lookup_flags), &path);
	if (restart_walk(err)) {
		nd_init(&nd, ctx);
		nd.dir = dir;
		err = path_openat(&nd, &name, op, op->lookup_flags, &path);
	}
	if (err)
		return ERR_PTR(err);
	file = malloc(sizeof(*file));
	if (!file) {
		walk_path_put(&path);
		return ERR_PTR(-ENOMEM);
	}
	/*
	 * The zoo's open-dentry-norcu: the file's dentry freed at once at its
	 * last put, as when DCACHE_RCUACCESS was set only where thought needed
	 * and the open path missed it (before Linux 5.1's 5467a68cbf68): a
	 * walker that found the name before an unlink may still be reading it.
	 */
	if (zoo(OPEN_DENTRY_NORCU))
		d_set_norcu(path.dentry);
	file->f_path = path;	/* the walk's reference, the file's now */
	file->f_inode = d_inode(path.dentry);
	file->f_flags = (unsigned int)op->open_flag;
	file->f_mode = op->open_flag & O_PATH ? FMODE_PATH :
		       (op->acc_mode & MAY_OPEN_READ ? FMODE_READ : 0) |
		       ((op->open_flag & O_ACCMODE) != O_RDONLY ? FMODE_WRITE : 0);
	return file;
}

/*
 * fput - the last reference to an open file (no descriptor table shares
 * one, so each close is the last): its path is put, and the dentry freed
 * a grace period after that if this was the last of it (dput), since a
 * lockless walker may still be looking at it; the struct file itself no
 * lockless reader can reach (engine/file.h).
 */
static void fput(struct file *file)
{
	debug_check_held_mount(&file->f_path);
	walk_path_put(&file->f_path);
	free(file);
}

/*
 * do_sys_openat2 - open(2), openat(2) (@resolve 0) and openat2(2): the
 * flags checked, then a descriptor reserved, as Linux does (-EMFILE).
 */
static int do_sys_openat2(struct nb_ctx *ctx, int dfd, const char *pathname, int flags,
			  uint64_t resolve)
{
	struct open_flags op;
	struct file *file;
	int fd, err = build_open_flags(flags, resolve, &op);

	if (err)
		return err;
	fd = alloc_fd(&ctx->files);
	if (fd < 0)
		return fd;
	file = do_filp_open(ctx, dfd, pathname, &op);
	if (IS_ERR(file)) {
		put_unused_fd(&ctx->files, fd);
		return (int)PTR_ERR(file);
	}
	fd_install(&ctx->files, fd, file);
	return fd;
}

static int close_fd(struct nb_ctx *ctx, int fd)
{
	struct file *file = fd_remove(&ctx->files, fd);

	if (!file)
		return -EBADF;
	fput(file);
	return 0;
}

/* vfs_fstat: what an open file stands on, whatever became of its name */
static int vfs_fstat(struct nb_ctx *ctx, int fd, struct nb_kstat *st)
{
	struct file *file = fdget(ctx, fd);

	if (!file)
		return -EBADF;
	generic_fillattr(file->f_inode, st);
	return 0;
}

/*
 * do_statx - statx(@dfd, @pathname, @flags): AT_SYMLINK_NOFOLLOW, and
 * AT_EMPTY_PATH, with which "" is the file @dfd names (the working
 * directory for AT_FDCWD) and no walk is made.
 */
static int do_statx(struct nb_ctx *ctx, int dfd, const char *pathname, int flags,
		    struct nb_kstat *st)
{
	unsigned int lookup_flags = LOOKUP_AUTOMOUNT;
	const struct path *dir;
	size_t len;
	int err;

	if (flags & ~(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH))
		return -EINVAL;
	if ((flags & AT_EMPTY_PATH) && !*pathname) {
		if (dfd != AT_FDCWD)
			return vfs_fstat(ctx, dfd, st);
		generic_fillattr(d_inode(ctx->pwd.dentry), st);
		return 0;
	}
	if (!(flags & AT_SYMLINK_NOFOLLOW))
		lookup_flags |= LOOKUP_FOLLOW;
	/* getname() refuses what it would before the walk reads @dfd */
	err = getname_check(pathname, &len);
	if (!err)
		err = dfd_start(ctx, dfd, pathname, 0, &dir);
	return err ? err : vfs_statx(ctx, dir, pathname, lookup_flags, st);
}

/* creat() and close(): O_CREAT | O_EXCL, the create operation's open */
static int do_open_creat_excl(struct nb_ctx *ctx, const char *pathname)
{
	struct open_flags op;
	struct file *file;

	build_open_flags(O_CREAT | O_EXCL | O_RDONLY, 0, &op);
	file = do_filp_open(ctx, AT_FDCWD, pathname, &op);
	if (IS_ERR(file))
		return (int)PTR_ERR(file);
	fput(file);
	return 0;
}

/* ---- removal ---- */

/* getname() and filename_parentat(): where every removal starts. */
static int user_path_parent(struct nb_ctx *ctx, const char *pathname, struct filename *name,
			    struct path *parent, struct qstr *last, int *type)
{
	int err = getname(name, pathname);

	return err ? err : filename_parentat(ctx, name, parent, last, type);
}

static int do_rmdir(struct nb_ctx *ctx, const char *pathname)
{
	struct filename name;
	struct dentry *dentry;
	struct path path;
	struct qstr last;
	int type, err = user_path_parent(ctx, pathname, &name, &path, &last, &type);

	if (err)
		return err;
	switch (type) {
	case LAST_DOTDOT:
		err = -ENOTEMPTY;
		goto exit;
	case LAST_DOT:
		err = -EINVAL;
		goto exit;
	case LAST_ROOT:
		err = -EBUSY;
		goto exit;
	}
	inode_lock(d_inode(path.dentry));
	dentry = lookup_one_qstr_excl(&last, path.dentry, 0);
	if (IS_ERR(dentry)) {
		err = (int)PTR_ERR(dentry);
	} else {
		err = vfs_rmdir(d_inode(path.dentry), dentry);
		dput(dentry);
	}
	inode_unlock(d_inode(path.dentry));
exit:
	walk_path_put(&path);
	return err;
}

static int do_unlinkat(struct nb_ctx *ctx, const char *pathname)
{
	struct filename name;
	struct dentry *dentry;
	struct path path;
	struct qstr last;
	int type, err = user_path_parent(ctx, pathname, &name, &path, &last, &type);

	if (err)
		return err;
	if (type != LAST_NORM) {
		err = -EISDIR;
		goto exit;
	}
	inode_lock(d_inode(path.dentry));
	dentry = lookup_one_qstr_excl(&last, path.dentry, 0);
	if (IS_ERR(dentry)) {
		err = (int)PTR_ERR(dentry);
	} else {
		/* "why not before? because we want the correct error value" */
		if (last.name[last.len])
			err = d_is_dir(dentry) ? -EISDIR : -ENOTDIR;
		else
			err = vfs_unlink(d_inode(path.dentry), dentry);
		dput(dentry);
	}
	inode_unlock(d_inode(path.dentry));
exit:
	walk_path_put(&path);
	return err;
}

/* ---- rename ---- */

static int do_renameat2(struct nb_ctx *ctx, const char *oldname, const char *newname,
			unsigned int flags)
{
	struct filename from, to;
	struct dentry *old_dentry, *new_dentry, *trap;
	struct path old_path, new_path;
	struct qstr old_last, new_last;
	int old_type, new_type;
	int err = getname(&from, oldname);
	int err_to = getname(&to, newname);

	if (err)
		return err;
	err = filename_parentat(ctx, &from, &old_path, &old_last, &old_type);
	if (err)
		return err;
	if (err_to) {
		err = err_to;
		goto exit1;
	}
	err = filename_parentat(ctx, &to, &new_path, &new_last, &new_type);
	if (err)
		goto exit1;

	err = -EXDEV;
	if (old_path.mnt != new_path.mnt)
		goto exit2;
	err = -EBUSY;
	if (old_type != LAST_NORM || new_type != LAST_NORM)
		goto exit2;

	trap = lock_rename(new_path.dentry, old_path.dentry);
	old_dentry = lookup_one_qstr_excl(&old_last, old_path.dentry, 0);
	err = (int)PTR_ERR(old_dentry);
	if (IS_ERR(old_dentry))
		goto exit3;
	/* an exchange needs both: a negative target is ENOENT */
	new_dentry = lookup_one_qstr_excl(&new_last, new_path.dentry,
					  (flags & RENAME_EXCHANGE) ? 0 : LOOKUP_CREATE);
	err = (int)PTR_ERR(new_dentry);
	if (IS_ERR(new_dentry))
		goto exit4;
	if ((flags & RENAME_EXCHANGE) && !d_is_dir(new_dentry)) {
		err = -ENOTDIR;
		if (new_last.name[new_last.len])
			goto exit5;
	}
	/* unless the source is a directory trailing slashes give -ENOTDIR */
	if (!d_is_dir(old_dentry)) {
		err = -ENOTDIR;
		if (old_last.name[old_last.len])
			goto exit5;
		if (!(flags & RENAME_EXCHANGE) && new_last.name[new_last.len])
			goto exit5;
	}
	/* source should not be ancestor of target */
	err = -EINVAL;
	if (old_dentry == trap)
		goto exit5;
	/* target should not be an ancestor of source */
	if (!(flags & RENAME_EXCHANGE))
		err = -ENOTEMPTY;
	if (new_dentry == trap)
		goto exit5;
	err = vfs_rename(d_inode(old_path.dentry), old_dentry,
			 d_inode(new_path.dentry), new_dentry, flags);
exit5:
	dput(new_dentry);
exit4:
	dput(old_dentry);
exit3:
	unlock_rename(new_path.dentry, old_path.dentry);
exit2:
	walk_path_put(&new_path);
exit1:
	walk_path_put(&old_path);
	return err;
}

static int do_rename(struct nb_ctx *ctx, const char *oldname, const char *newname)
{
	return do_renameat2(ctx, oldname, newname, 0);
}

static int do_exchange(struct nb_ctx *ctx, const char *oldname, const char *newname)
{
	return do_renameat2(ctx, oldname, newname, RENAME_EXCHANGE);
}

/* ---- mounts and the working directory ---- */

static int do_mount(struct nb_ctx *ctx, const char *pathname, const char *type)
{
	struct path path;
	int err = filename_lookup(ctx, pathname, LOOKUP_FOLLOW, &path);

	if (err)
		return err;
	err = do_new_mount(&path, type);
	walk_path_put(&path);
	return err;
}

/*
 * do_shrink - the shrinker on demand (drop_caches for one filesystem):
 * every unused dentry of the filesystem @pathname is on goes, however
 * recently used.  Returns how many were killed.
 */
static int do_shrink(struct nb_ctx *ctx, const char *pathname)
{
	struct path path;
	long n = 0, got;
	int shift = 0;
	int err = filename_lookup(ctx, pathname, LOOKUP_FOLLOW, &path);

	if (err)
		return err;
	/*
	 * Twice the LRU a pass: the first may only clear DCACHE_REFERENCED.
	 * Again while a pass frees enough, with the bar doubling each time, as
	 * drop_slab() does: lookups refilling the LRU as fast as we empty it
	 * cannot keep us here for ever.
	 */
	do {
		got = prune_dcache_sb(path.dentry->d_sb,
				      2 * (READ_ONCE(path.dentry->d_sb->s_dentry_lru.nr) + 1));
		n += got;
	} while (shift < 62 && (got >> shift++) > 1);
	walk_path_put(&path);
	return n > INT32_MAX ? INT32_MAX : (int)n;
}

/*
 * do_server_remove - another client of the filesystem @pathname is on
 * removes it on the server (super_operations->server_remove).  Only the
 * parent is walked: the name itself is the server's business, and the
 * dcache must not learn of the change from us.
 */
static int do_server_remove(struct nb_ctx *ctx, const char *pathname)
{
	struct filename name;
	struct path path;
	struct qstr last;
	int type, err = user_path_parent(ctx, pathname, &name, &path, &last, &type);
	struct inode *dir;

	if (err)
		return err;
	dir = d_inode(path.dentry);
	if (type != LAST_NORM)
		err = -EINVAL;
	else if (!path.dentry->d_sb->s_op->server_remove)
		err = -EOPNOTSUPP;
	if (!err) {
		inode_lock(dir);
		err = path.dentry->d_sb->s_op->server_remove(dir, &last);
		inode_unlock(dir);
	}
	walk_path_put(&path);
	return err;
}

/*
 * do_expire - the automount daemon's expiry of the trigger @pathname
 * names: the trigger itself is found under its parent's lock (a walk to
 * it would cross, or mount, what it triggers), and its filesystem does
 * the rest (super_operations->expire).
 */
static int do_expire(struct nb_ctx *ctx, const char *pathname)
{
	struct filename name;
	struct path path, trigger;
	struct qstr last;
	int type, err = user_path_parent(ctx, pathname, &name, &path, &last, &type);

	if (err)
		return err;
	if (type != LAST_NORM) {
		err = -EINVAL;
		goto out;
	}
	inode_lock(d_inode(path.dentry));
	trigger.dentry = d_lookup(path.dentry, &last);
	inode_unlock(d_inode(path.dentry));
	trigger.mnt = path.mnt;
	if (!trigger.dentry)
		err = -ENOENT;
	else if (!trigger.dentry->d_sb->s_op->expire)
		err = -EOPNOTSUPP;
	else
		err = trigger.dentry->d_sb->s_op->expire(&trigger);
	if (trigger.dentry)
		dput(trigger.dentry);
out:
	walk_path_put(&path);
	return err;
}

static int do_umount(struct nb_ctx *ctx, const char *pathname, int flags)
{
	struct path path;
	int err = filename_lookup(ctx, pathname, LOOKUP_MOUNTPOINT | LOOKUP_FOLLOW, &path);

	if (err)
		return err;
	err = path_umount(&path, (flags & NB_UMOUNT_LAZY) ? MNT_DETACH : 0);
	walk_path_put(&path);
	return err;
}

static int do_chdir(struct nb_ctx *ctx, const char *pathname)
{
	struct path path;
	int err = filename_lookup(ctx, pathname, LOOKUP_FOLLOW | LOOKUP_DIRECTORY, &path);

	if (err)
		return err;
	set_fs_pwd(ctx, &path);
	return 0;
}

/* ---- readlink ---- */

/* the first @buflen bytes of the body @link, no terminator, as Linux's */
static int readlink_copy(char *buf, size_t buflen, const char *link)
{
	size_t len = strlen(link);

	if (len > buflen)
		len = buflen;
	memcpy(buf, link, len);
	return (int)len;
}

/*
 * A symlink's body for readlink: i_link, else ->get_link's, which gets
 * @dentry in REF mode and NULL in RCU mode (where it may answer -ECHILD).
 */
static const char *readlink_body(struct inode *inode, struct dentry *dentry)
{
	const char *link = inode->i_link;

	return link ? link : inode->i_op->get_link(dentry, inode);
}

/*
 * vfs_readlink - copy @dentry's symlink body to @buf, at most @buflen
 * bytes and no terminator (readlink_copy).  The caller holds a reference:
 * never RCU mode.
 */
static int vfs_readlink(struct dentry *dentry, char *buf, size_t buflen)
{
	const char *link = readlink_body(d_inode(dentry), dentry);

	return IS_ERR(link) ? (int)PTR_ERR(link) : readlink_copy(buf, buflen, link);
}

/*
 * readlink_under_rcu - readlink's answer at the end of an RCU walk: the
 * body of the inode the walk read, from i_link (freed a grace period
 * after the inode: free_inode) or from ->get_link called with no dentry,
 * which may answer -ECHILD; validated after the copy, as stat's is.
 */
static int readlink_under_rcu(struct nameidata *nd, struct rcu_answer *a)
{
	struct inode *inode = nd->inode;
	const char *link = NULL;
	int err = 0;

	debug_delay();
	debug_check_magic(inode, &inode->i_magic, INODE_MAGIC, "inode", "readlink_under_rcu");
	if (!S_ISLNK(inode->i_mode))
		err = -EINVAL;
	else if (IS_ERR(link = readlink_body(inode, NULL)))
		err = (int)PTR_ERR(link);
	if (err == -ECHILD)
		return err;
	if (!err) {
		debug_check_body(link, "readlink_under_rcu");
		a->len = readlink_copy(a->buf, a->size, link);
	}
	if (!rcu_answer_valid(nd))
		return -ECHILD;
	nb_count(NB_CTR_RCU_DONE);
	return err;
}

/*
 * do_readlinkat - as Linux's: the last component is not followed, nor
 * automounted, and what it names must be a symlink (-EINVAL otherwise, as
 * for a size of 0, which is refused before any lookup).  rcufull answers
 * it under RCU, as it answers stat.
 */
static int do_readlinkat(struct nb_ctx *ctx, const char *pathname, char *buf, size_t bufsiz)
{
	struct rcu_answer ans = { .answer = readlink_under_rcu, .buf = buf, .size = bufsiz };
	struct path path;
	int err;

	if (!bufsiz || bufsiz > INT_MAX)
		return -EINVAL;
	err = filename_lookup_answer(ctx, pathname, 0, &path, &ans);
	if (err)
		return err > 0 ? ans.len : err;	/* > 0: answered under RCU */
	err = d_is_symlink(path.dentry) ? vfs_readlink(path.dentry, buf, bufsiz) : -EINVAL;
	walk_path_put(&path);
	return err;
}

/* ---- access ---- */

#define MAY_EXEC	1		/* X_OK */
#define MAY_WRITE	2		/* W_OK */
#define MAY_READ	4		/* R_OK */

/*
 * inode_permission, for the one caller the engine has: root, on files
 * made 0644, directories 0755 and symlinks 0777 (as the kernel strategy
 * and the conformance tests make them).  Root may read and write
 * anything (CAP_DAC_OVERRIDE), and execute what has an execute bit:
 * every directory, no regular file (generic_permission()).
 */
static int inode_permission(const struct inode *inode, int mask)
{
	return (mask & MAY_EXEC) && S_ISREG(inode->i_mode) ? -EACCES : 0;
}

/* access's answer at the end of an RCU walk: i_mode is the inode's for life */
static int access_under_rcu(struct nameidata *nd, struct rcu_answer *a)
{
	int err = inode_permission(nd->inode, a->mode);

	if (!rcu_answer_valid(nd))
		return -ECHILD;
	nb_count(NB_CTR_RCU_DONE);
	return err;
}

/*
 * do_faccessat - access(2): the last component followed, not automounted,
 * and the mode bits checked on what it names (MAY_ACCESS); bits other
 * than R_OK, W_OK and X_OK are -EINVAL before any lookup.  Linux answers
 * it in REF-walk, holding the path; rcufull answers it under RCU.
 */
static int do_faccessat(struct nb_ctx *ctx, const char *pathname, int mode)
{
	struct rcu_answer ans = { .answer = access_under_rcu, .mode = mode };
	struct path path;
	int err;

	if (mode & ~(MAY_READ | MAY_WRITE | MAY_EXEC))
		return -EINVAL;
	err = filename_lookup_answer(ctx, pathname, LOOKUP_FOLLOW, &path, &ans);
	if (err)
		return err > 0 ? 0 : err;	/* > 0: answered under RCU */
	err = inode_permission(d_inode(path.dentry), mode);
	walk_path_put(&path);
	return err;
}

/* ---- the ancestor walk ---- */

/*
 * From the 2025 discussion of a bpf path iterator and vfs_walk_ancestors():
 * visit an object and each of its ancestors up to a root, crossing mounts
 * upward the way ".." does.  REF-walk offers a step-by-step iterator
 * (path_walk_parent); RCU-walk takes a callback, which sees each ancestor
 * with no reference taken, and is told to start over if validation fails.
 */

/*
 * path_walk_parent - the REF-walk iterator's step: replace the counted
 * @path with its parent.  Returns false at @root or at the top.
 */
static bool path_walk_parent(struct path *path, const struct path *root)
{
	struct dentry *parent;

	if (path_equal(path, root))
		return false;
	if (unlikely(path->dentry == path->mnt->mnt_root)) {
		struct path p;

		if (!choose_mountpoint(path->mnt, root, &p))
			return false;
		walk_path_put(path);
		*path = p;
	}
	if (unlikely(IS_ROOT(path->dentry)))
		return false;
	/* a rename may move the child before we take its parent */
	debug_delay();
	parent = ref_dget_parent(path->dentry);
	ref_dput(path->dentry);
	path->dentry = parent;
	return true;
}

static void walk_ancestors_ref(const struct path *start, const struct path *root,
			       nb_ancestor_fn fn, void *arg)
{
	struct path p = *start;
	struct nb_kstat st;

	walk_path_get(&p);
	do {
		generic_fillattr(d_inode(p.dentry), &st);
		if (fn(arg, &st))
			break;
	} while (path_walk_parent(&p, root));
	walk_path_put(&p);
}

/*
 * ancestor_fillattr_rcu - the attributes of @dentry, sampled at @seq, as
 * an RCU walk may give them: from its inode only once that is known to be
 * the dentry's at @seq (an rmdir makes it NULL inside a d_seq write
 * section), and copied before a second check, so that what was copied is
 * what the inode held while it still was.  False: the walk must restart.
 */
static bool ancestor_fillattr_rcu(const struct dentry *dentry, unsigned int seq,
				  struct nb_kstat *st)
{
	struct inode *inode = d_inode(dentry);

	if (unlikely(!inode) || read_seqcount_retry(&dentry->d_seq, seq))
		return false;
	debug_check_magic(inode, &inode->i_magic, INODE_MAGIC, "inode", "walk_ancestors_rcu");
	debug_delay();
	generic_fillattr(inode, st);
	return !read_seqcount_retry(&dentry->d_seq, seq);
}

/*
 * walk_ancestors_rcu - the same walk taking nothing: each step samples the
 * parent's d_seq before rechecking the child's (hand over hand, upward),
 * each object's attributes are validated against its d_seq before the
 * callback sees them, and mount crossings against one sample of
 * mount_lock.  Returns -ECHILD if the walk must be redone in REF-walk.
 */
static int walk_ancestors_rcu(const struct path *start, const struct path *root,
			      nb_ancestor_fn fn, void *arg)
{
	struct path p = *start;	/* the caller holds a reference to start */
	unsigned int m_seq, seq;
	struct nb_kstat st;

	rcu_read_lock();
	nb_count(NB_CTR_RCU_WALK);
	m_seq = read_seqbegin(&mount_lock);
	seq = read_seqcount_begin(&p.dentry->d_seq);
	for (;;) {
		struct dentry *parent;
		unsigned int pseq;

		if (!ancestor_fillattr_rcu(p.dentry, seq, &st))
			goto restart;
		if (fn(arg, &st))
			break;
		if (path_equal(&p, root))
			break;
		if (unlikely(p.dentry == p.mnt->mnt_root)) {
			struct path mp;

			if (!choose_mountpoint_rcu(p.mnt, root, &mp, &pseq))
				break;
			if (read_seqretry(&mount_lock, m_seq))
				goto restart;
			p = mp;
			seq = pseq;
		}
		if (unlikely(IS_ROOT(p.dentry)))
			break;
		/* a rename of the child now must fail the recheck below */
		debug_delay();
		parent = d_parent(p.dentry);
		debug_check_magic(parent, &parent->d_magic, DENTRY_MAGIC, "dentry",
				  "walk_ancestors_rcu");
		pseq = read_seqcount_begin(&parent->d_seq);
		/* the child still had this parent when we sampled the parent */
		if (!zoo(ANCESTORS_NO_RECHECK) && read_seqcount_retry(&p.dentry->d_seq, seq))
			goto restart;
		p.dentry = parent;
		seq = pseq;
	}
	if (read_seqretry(&mount_lock, m_seq))
		goto restart;
	rcu_read_unlock();
	nb_count(NB_CTR_RCU_DONE);
	return 0;
restart:
	rcu_read_unlock();
	nb_count(NB_CTR_SEQ_RETRY);
	return -ECHILD;
}

static int do_ancestors(struct nb_ctx *ctx, const char *pathname, nb_ancestor_fn fn, void *arg)
{
	struct path path;
	int err = filename_lookup(ctx, pathname, LOOKUP_FOLLOW | LOOKUP_AUTOMOUNT, &path);

	if (err)
		return err;
	if (!WALK_RCU) {
		walk_ancestors_ref(&path, &ctx->root, fn, arg);
	} else if (walk_ancestors_rcu(&path, &ctx->root, fn, arg) == -ECHILD) {
		nb_count(NB_CTR_ECHILD);
		fn(arg, NULL);		/* the restart notice */
		walk_ancestors_ref(&path, &ctx->root, fn, arg);
	}
	debug_check_held_mount(&path);
	walk_path_put(&path);
	return 0;
}

/* The iterator API over path_walk_parent(): the path lives in the iterator. */
static int do_ancestor_first(struct nb_ctx *ctx, const char *pathname, struct nb_ancestor_iter *it,
			     struct nb_kstat *st)
{
	struct path path;
	int err = filename_lookup(ctx, pathname, LOOKUP_FOLLOW | LOOKUP_AUTOMOUNT, &path);

	if (err)
		return err;
	it->ctx = ctx;
	it->mnt = path.mnt;
	it->dentry = path.dentry;
	generic_fillattr(d_inode(path.dentry), st);
	return 0;
}

static int do_ancestor_next(struct nb_ancestor_iter *it, struct nb_kstat *st)
{
	struct path path = { .mnt = it->mnt, .dentry = it->dentry };

	if (!path_walk_parent(&path, &it->ctx->root)) {
		walk_path_put(&path);
		it->mnt = it->dentry = NULL;
		return 0;
	}
	it->mnt = path.mnt;
	it->dentry = path.dentry;
	generic_fillattr(d_inode(path.dentry), st);
	return 1;
}

static void do_ancestor_stop(struct nb_ancestor_iter *it)
{
	struct path path = { .mnt = it->mnt, .dentry = it->dentry };

	if (path.mnt)
		walk_path_put(&path);
	it->mnt = it->dentry = NULL;
}

/* ---- getcwd (after fs/d_path.c) ---- */

/*
 * A path is built from the end of a buffer towards its start, a name at a
 * time as the walk goes up: @buf is where the text begins, @len how much
 * room is left in front of it, -1 once something did not fit.
 */
struct prepend_buffer {
	char *buf;
	int len;
};

#define DECLARE_BUFFER(name, start, size) \
	struct prepend_buffer name = { .buf = (start) + (size), .len = (size) }

static bool prepend_char(struct prepend_buffer *p, char c)
{
	if (likely(p->len > 0)) {
		p->len--;
		*--p->buf = c;
		return true;
	}
	p->len = -1;
	return false;
}

/* @str's @namelen bytes in front; what does not fit is lost, as Linux's */
static bool prepend(struct prepend_buffer *p, const char *str, int namelen)
{
	if (p->len < 0)
		return false;
	if (p->len < namelen) {
		/* fill what room there is from the end of the name */
		p->buf -= p->len;
		memcpy(p->buf, str + namelen - p->len, (size_t)p->len);
		p->len = -1;
		return false;
	}
	p->len -= namelen;
	p->buf -= namelen;
	memcpy(p->buf, str, (size_t)namelen);
	return true;
}

/*
 * dname_copy - copy @dentry's name to @dst as a racing rename may leave
 * it: the pointer (acquire: pairs with the release in copy_name() and
 * swap_names(), so the words of a new name are seen) and the length are
 * loaded apart and may not match.  The copy goes a word at a time with
 * relaxed atomic loads, stops at the name's zero padding, and never
 * reads past d_iname or an external name's padding; garbage from a torn
 * name is thrown away by the caller's rename_lock check.  Returns the
 * bytes copied (at most NAME_MAX).
 */
static int dname_copy(const struct dentry *dentry, char *dst)
{
	const char *name = smp_load_acquire(&((struct dentry *)dentry)->d_name);
	unsigned int len = hashlen_len(READ_ONCE(((struct dentry *)dentry)->d_hash_len));
	const _Atomic uint64_t *w = (const _Atomic uint64_t *)(const void *)name;
	unsigned int cap = name == (const char *)dentry->d_iname ? DNAME_INLINE_LEN : NAME_MAX;
	unsigned int n = 0;

	if (len > cap)
		len = cap;
	while (n < len) {
		uint64_t word = atomic_load_explicit(w++, memory_order_relaxed);
		unsigned int i;

		for (i = 0; i < 8 && n < len; i++, n++) {
			char c = (char)(word >> (8 * i));	/* little-endian, as hash.h */

			if (!c)
				return (int)n;
			dst[n] = c;
		}
	}
	return (int)n;
}

/* "/" and @dentry's name in front (prepend_name) */
static bool prepend_name(struct prepend_buffer *p, const struct dentry *dentry)
{
	char name[NAME_MAX + 1];

	return prepend(p, name, dname_copy(dentry, name)) && prepend_char(p, '/');
}

/*
 * __prepend_path - the names from @dentry on @mnt up to @root, crossing
 * from each mount's root to its mountpoint.  0: @root reached (or the
 * buffer full); 1: the namespace's root reached instead, @root not on the
 * way up; 2: a detached mount's root reached; 3: a root dentry that is no
 * mount's root (escaped).  Lockless: the caller validates what it built.
 */
static int __prepend_path(const struct dentry *dentry, const struct mount *mnt,
			  const struct path *root, struct prepend_buffer *p)
{
	while (dentry != root->dentry || mnt != root->mnt) {
		const struct dentry *parent = d_parent(dentry);

		if (dentry == mnt->mnt_root) {
			struct mount *m = mnt_parent(mnt);

			if (likely(mnt != m)) {
				dentry = mnt_mountpoint(mnt);
				mnt = m;
				continue;
			}
			return READ_ONCE(((struct mount *)mnt)->mnt_ns) ? 1 : 2;
		}
		if (unlikely(dentry == parent))
			return 3;
		/*
		 * A rename of dentry now must move rename_lock's count.  getcwd
		 * readers are a few in the stress mix, so the zoo's bug here
		 * delays 32 times as often (one in --delays / 32) for a rename
		 * to land between a parent read and its name.
		 */
		debug_delays(zoo(GETCWD_NO_RENAME_LOCK) ? 32 : 1);
		if (!prepend_name(p, dentry))
			break;
		dentry = parent;
	}
	return 0;
}

/*
 * prepend_path - @path's names up to @root, in front of what @p holds.
 * A first pass takes no lock, sampling mount_lock and rename_lock: every
 * change of a d_parent or a d_name is made under rename_lock and every
 * change of the mount tree under mount_lock, so a pass that sees neither
 * count move saw one state of both.  A pass that saw one move is redone
 * with that seqlock held (read_seqbegin_or_lock: a locked pass cannot be
 * disturbed).  The REF-walk strategies take both locks from the start,
 * the way Linux did before 232d2d60aa54 ("dcache: Translating dentry into
 * pathname without taking rename_lock", 3.12).  Caller: rcu_read_lock(),
 * which keeps every dentry and mount the lockless pass meets alive.
 */
static int prepend_path(const struct path *path, const struct path *root,
			struct prepend_buffer *p)
{
	unsigned int seq, m_seq = WALK_RCU ? 0 : 1;
	struct prepend_buffer b;
	int error;

restart_mnt:
	read_seqbegin_or_lock(&mount_lock, &m_seq);
	seq = WALK_RCU ? 0 : 1;
restart:
	b = *p;
	read_seqbegin_or_lock(&rename_lock, &seq);
	error = __prepend_path(path->dentry, path->mnt, root, &b);
	/* the seqretry's acquire fence orders the pass's loads before the
	 * re-read; pairs with the release fence in write_seqcount_begin() */
	if (need_seqretry(&rename_lock, seq) && !zoo(GETCWD_NO_RENAME_LOCK)) {
		nb_count(NB_CTR_SEQ_RETRY);
		seq = 1;
		goto restart;
	}
	done_seqretry(&rename_lock, seq);
	if (need_seqretry(&mount_lock, m_seq)) {
		nb_count(NB_CTR_SEQ_RETRY);
		m_seq = 1;
		goto restart_mnt;
	}
	done_seqretry(&mount_lock, m_seq);

	if (unlikely(error == 3))
		b = *p;
	if (b.len == p->len)
		prepend_char(&b, '/');
	*p = b;
	return error;
}

/*
 * pwd_unlinked - d_unlinked() of the working directory, as Linux's answers
 * it.  There __d_move()'s ___d_drop() leaves d_hash.pprev set, so a rename
 * never makes a dentry look unhashed; here the move clears DCACHE_HASHED
 * until __d_rehash(), inside its rename_lock write section.  So "unlinked"
 * is trusted only if rename_lock did not move across the read, and is read
 * again with rename_lock held if it did (rmdir takes no rename_lock: a
 * real unlink is seen either way).
 */
static bool pwd_unlinked(const struct dentry *dentry)
{
	unsigned int seq = read_seqbegin(&rename_lock);
	bool unlinked = d_unlinked(dentry);

	/* the retry's acquire fence orders the flag's load before the re-read;
	 * pairs with the release fence in write_seqcount_begin() */
	if (likely(!unlinked) || !read_seqretry(&rename_lock, seq))
		return unlinked;
	read_seqlock_excl(&rename_lock);
	unlinked = d_unlinked(dentry);
	read_sequnlock_excl(&rename_lock);
	return unlinked;
}

/*
 * do_getcwd - SYSCALL_DEFINE2(getcwd): the length copied, with the NUL.
 * The context is this thread's, so its root and pwd need no fs->seq; the
 * pwd is counted, so d_unlinked() reads a dentry that stays.
 */
static int do_getcwd(struct nb_ctx *ctx, char *buf, size_t size)
{
	char page[PATH_MAX];
	unsigned int len;
	int error;

	rcu_read_lock();
	if (unlikely(pwd_unlinked(ctx->pwd.dentry))) {
		error = -ENOENT;
	} else {
		DECLARE_BUFFER(b, page, PATH_MAX);

		prepend_char(&b, 0);
		if (unlikely(prepend_path(&ctx->pwd, &ctx->root, &b) > 0))
			prepend(&b, "(unreachable)", 13);
		len = (unsigned int)(PATH_MAX - b.len);
		if (unlikely(len > PATH_MAX))
			error = -ENAMETOOLONG;
		else if (unlikely(len > size))
			error = -ERANGE;
		else {
			memcpy(buf, b.buf, len);
			error = (int)len;
		}
	}
	rcu_read_unlock();
	return error;
}

/* ---- the strategy's table ---- */

/*
 * Every operation: charged to its kind in the counters, under the
 * strategy's lock (global only), and followed by a quiescent state (QSBR).
 */
#define OP_BEGIN(kind)	enum nb_op prev_op_ = nb_op_enter(kind); nb_current = ctx; strategy_lock()
/* a later step of the same operation (the ancestor iterator) */
#define OP_CONTINUE(kind) enum nb_op prev_op_ = nb_op_switch(kind); strategy_lock()
#define OP_END()	do {						\
	strategy_unlock();						\
	nb_current = NULL;						\
	nb_op_leave(prev_op_);						\
	rcu_quiescent_state();						\
} while (0)

/*
 * RETRY_ESTALE - what each Linux system call does with retry_estale(): a
 * stale handle on the way (a directory the server let go of behind a
 * dentry the walk trusted from cached data) is worth one more try, the
 * whole operation again with LOOKUP_REVAL, so that every d_revalidate
 * asks the server instead of trusting what it cached.
 */
#define RETRY_ESTALE(err, call) do {					\
	(err) = (call);							\
	if (unlikely((err) == -ESTALE)) {				\
		nb_count(NB_CTR_REVAL_RETRY);				\
		walk_reval = LOOKUP_REVAL;				\
		(err) = (call);						\
		walk_reval = 0;						\
	}								\
} while (0)

static int op_stat(struct nb_ctx *ctx, const char *path, struct nb_kstat *st)
{
	int err;
	OP_BEGIN(NB_OP_STAT);

	RETRY_ESTALE(err, vfs_statx(ctx, NULL, path, LOOKUP_FOLLOW | LOOKUP_AUTOMOUNT, st));
	OP_END();
	return err;
}

static int op_stat_in_root(struct nb_ctx *ctx, const char *root, const char *path,
			   struct nb_kstat *st)
{
	int err;
	OP_BEGIN(NB_OP_STAT);

	RETRY_ESTALE(err, do_stat_in_root(ctx, root, path, st));
	OP_END();
	return err;
}

static int op_lstat(struct nb_ctx *ctx, const char *path, struct nb_kstat *st)
{
	int err;
	OP_BEGIN(NB_OP_LSTAT);

	RETRY_ESTALE(err, vfs_statx(ctx, NULL, path, LOOKUP_AUTOMOUNT, st));
	OP_END();
	return err;
}

#define DEFINE_OP1(opname, kind, fn)					\
static int opname(struct nb_ctx *ctx, const char *a)			\
{									\
	int err;							\
	OP_BEGIN(kind);							\
									\
	RETRY_ESTALE(err, fn(ctx, a));					\
	OP_END();							\
	return err;							\
}

#define DEFINE_OP2(opname, kind, fn)					\
static int opname(struct nb_ctx *ctx, const char *a, const char *b)	\
{									\
	int err;							\
	OP_BEGIN(kind);							\
									\
	RETRY_ESTALE(err, fn(ctx, a, b));				\
	OP_END();							\
	return err;							\
}

DEFINE_OP1(op_mkdir, NB_OP_MKDIR, do_mkdirat)
DEFINE_OP1(op_create, NB_OP_CREATE, do_open_creat_excl)
DEFINE_OP1(op_unlink, NB_OP_UNLINK, do_unlinkat)
DEFINE_OP1(op_rmdir, NB_OP_RMDIR, do_rmdir)
DEFINE_OP1(op_shrink, NB_OP_NONE, do_shrink)
DEFINE_OP1(op_server_remove, NB_OP_NONE, do_server_remove)
DEFINE_OP1(op_expire, NB_OP_UMOUNT, do_expire)
DEFINE_OP1(op_chdir, NB_OP_CHDIR, do_chdir)
DEFINE_OP2(op_symlink, NB_OP_SYMLINK, do_symlinkat)
DEFINE_OP2(op_rename, NB_OP_RENAME, do_rename)
DEFINE_OP2(op_exchange, NB_OP_RENAME, do_exchange)
DEFINE_OP2(op_mount, NB_OP_MOUNT, do_mount)

static int op_umount(struct nb_ctx *ctx, const char *path, int flags)
{
	int err;
	OP_BEGIN(NB_OP_UMOUNT);

	RETRY_ESTALE(err, do_umount(ctx, path, flags));
	OP_END();
	return err;
}

static int op_readlink(struct nb_ctx *ctx, const char *path, char *buf, size_t size)
{
	int err;
	OP_BEGIN(NB_OP_READLINK);

	RETRY_ESTALE(err, do_readlinkat(ctx, path, buf, size));
	OP_END();
	return err;
}

static int op_access(struct nb_ctx *ctx, const char *path, int mode)
{
	int err;
	OP_BEGIN(NB_OP_ACCESS);

	RETRY_ESTALE(err, do_faccessat(ctx, path, mode));
	OP_END();
	return err;
}

static int op_openat2(struct nb_ctx *ctx, int dfd, const char *path, int flags,
		      uint64_t resolve)
{
	int fd;
	OP_BEGIN(NB_OP_OPEN);

	RETRY_ESTALE(fd, do_sys_openat2(ctx, dfd, path, flags, resolve));
	OP_END();
	return fd;
}

static int op_close(struct nb_ctx *ctx, int fd)
{
	int err;
	OP_BEGIN(NB_OP_CLOSE);

	err = close_fd(ctx, fd);
	OP_END();
	return err;
}

static int op_fstat(struct nb_ctx *ctx, int fd, struct nb_kstat *st)
{
	int err;
	OP_BEGIN(NB_OP_FSTAT);

	err = vfs_fstat(ctx, fd, st);
	OP_END();
	return err;
}

static int op_statx(struct nb_ctx *ctx, int dfd, const char *path, int flags,
		    struct nb_kstat *st)
{
	int err;
	OP_BEGIN(NB_OP_STAT);

	RETRY_ESTALE(err, do_statx(ctx, dfd, path, flags, st));
	OP_END();
	return err;
}

static int op_getcwd(struct nb_ctx *ctx, char *buf, size_t size)
{
	int len;
	OP_BEGIN(NB_OP_GETCWD);

	len = do_getcwd(ctx, buf, size);	/* no walk: nothing to go stale */
	OP_END();
	return len;
}

static int op_ancestors(struct nb_ctx *ctx, const char *path, nb_ancestor_fn fn, void *arg)
{
	int err;
	OP_BEGIN(NB_OP_ANCESTORS);

	err = do_ancestors(ctx, path, fn, arg);
	OP_END();
	return err;
}

static int op_ancestor_first(struct nb_ctx *ctx, const char *path, struct nb_ancestor_iter *it,
			     struct nb_kstat *st)
{
	int err;
	OP_BEGIN(NB_OP_ANCESTORS);

	err = do_ancestor_first(ctx, path, it, st);
	OP_END();
	return err;
}

static int op_ancestor_next(struct nb_ancestor_iter *it, struct nb_kstat *st)
{
	int more;
	OP_CONTINUE(NB_OP_ANCESTORS);

	more = do_ancestor_next(it, st);
	OP_END();
	return more;
}

static void op_ancestor_stop(struct nb_ancestor_iter *it)
{
	OP_CONTINUE(NB_OP_ANCESTORS);

	do_ancestor_stop(it);
	OP_END();
}

/* getppid(2): the engine models no processes; the call is the floor (engine.h) */
static int op_getppid(struct nb_ctx *ctx)
{
	(void)ctx;
	return 1;
}

const struct nb_strategy STRATEGY_TABLE = {
	.name		= STRATEGY_NAME,
	.summary	= STRATEGY_SUMMARY,
	.backend	= &nb_backend_engine,
	.walk_rcu	= WALK_RCU,
	.stat_under_rcu	= STAT_UNDER_RCU,
	.one_lock	= ONE_LOCK,
	.stat		= op_stat,
	.lstat		= op_lstat,
	.stat_in_root	= op_stat_in_root,
	.mkdir		= op_mkdir,
	.create		= op_create,
	.symlink	= op_symlink,
	.unlink		= op_unlink,
	.rmdir		= op_rmdir,
	.rename		= op_rename,
	.exchange	= op_exchange,
	.mount		= op_mount,
	.umount		= op_umount,
	.shrink		= op_shrink,
	.server_remove	= op_server_remove,
	.expire		= op_expire,
	.chdir		= op_chdir,
	.readlink	= op_readlink,
	.access		= op_access,
	.getppid	= op_getppid,
	.openat2	= op_openat2,
	.close		= op_close,
	.fstat		= op_fstat,
	.statx		= op_statx,
	.getcwd		= op_getcwd,
	.ancestors	= op_ancestors,
	.ancestor_first	= op_ancestor_first,
	.ancestor_next	= op_ancestor_next,
	.ancestor_stop	= op_ancestor_stop,
};
