/*
 * lockref - REF-walk with lockref (lib/lockref.c): the {lock, count}
 * word changed by cmpxchg, the lock taken only when it is seen held.
 * Lookups find a candidate without its lock, take a reference with
 * lockref_get_not_dead() and check with d_seq that what they matched
 * still held; dget_parent() is lockless.  Readers of one hot dentry no
 * longer take its lock, but still bounce its count's cache line.
 *
 * One file per strategy (engine/strategy/): engine/namei.c is compiled
 * once with each, so its hooks are constants and direct calls there.
 * diff two of these files to see how two strategies differ.
 */

#define STRATEGY_NAME		"lockref"
#define STRATEGY_SUMMARY	"REF-walk, lockref {lock,count} cmpxchg (lib/lockref.c)"
#define STRATEGY_TABLE		nb_strategy_lockref

#define WALK_RCU		0	/* REF-walk only */
#define STAT_UNDER_RCU		0	/* stat reads the inode under a reference */
#define ONE_LOCK		0	/* operations run side by side */

/*
 * REF-walk's primitives: counts by cmpxchg.  The hash lookup is retried
 * while rename_lock moved (d_lookup_with): every lookup here is a REF
 * lookup, and a miss that a concurrent rename caused (the entry on its
 * way between hash chains) would otherwise send a name that exists to
 * lookup_slow() and the directory's lock.
 */
#define ref_lookup(parent, name)	d_lookup_with(__d_lookup_lockref, parent, name)
#define ref_dget(d)			dget(d)
#define ref_dput(d)			dput(d)
#define ref_dget_parent(d)		dget_parent(d)

/* No lock around operations: the dentries' own locks. */
static inline void strategy_lock(void)
{
}

static inline void strategy_unlock(void)
{
}
