/*
 * dlock - REF-walk with a per-dentry spinlock and a plain count: the
 * dcache before lockref (2013), where every count change a walk makes
 * takes the dentry's d_lock, so readers of one hot dentry serialize on
 * its lock's cache line even though none of them changes the namespace.
 *
 * Writers (create, unlink, rename, mount) take their counts with
 * Linux's own dget()/dput(): lockref's cmpxchg succeeds only while the
 * lock is free and otherwise takes it, so the two kinds of count change
 * mix safely on one dentry, and what this strategy measures is the walk.
 *
 * One file per strategy (engine/strategy/): engine/namei.c is compiled
 * once with each, so its hooks are constants and direct calls there.
 * diff two of these files to see how two strategies differ.
 */

#define STRATEGY_NAME		"dlock"
#define STRATEGY_SUMMARY	"REF-walk, per-dentry spinlock and plain count (pre-2013 Linux)"
#define STRATEGY_TABLE		nb_strategy_dlock

#define WALK_RCU		0	/* REF-walk only */
#define STAT_UNDER_RCU		0	/* stat reads the inode under a reference */
#define ONE_LOCK		0	/* operations run side by side */

/*
 * REF-walk's primitives: lock; check; count++; unlock, for every step.
 * The hash lookup is retried while rename_lock moved (d_lookup_with):
 * every lookup here is a REF lookup, and a miss that a concurrent rename
 * caused (the entry on its way between hash chains) would otherwise send
 * a name that exists to lookup_slow() and the directory's lock.
 */
#define ref_lookup(parent, name)	d_lookup_with(__d_lookup, parent, name)
#define ref_dget(d)			dlock_dget(d)
#define ref_dput(d)			dlock_dput(d)
#define ref_dget_parent(d)		dlock_dget_parent(d)

/* No lock around operations: the dentries' own locks. */
static inline void strategy_lock(void)
{
}

static inline void strategy_unlock(void)
{
}
