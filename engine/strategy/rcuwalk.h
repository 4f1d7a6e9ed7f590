/*
 * rcuwalk - RCU-walk with fallback to REF-walk: Linux today.  The walk
 * takes nothing under rcu_read_lock(), validating each step by d_seq and
 * the whole walk by mount_lock; at its end the final dentry is
 * legitimized (a reference taken, lockref_get_not_dead) and stat reads
 * it under that reference.  A step it cannot take locklessly unlazies to
 * REF-walk; a failed legitimize restarts the walk in REF-walk (-ECHILD).
 *
 * One file per strategy (engine/strategy/): engine/namei.c is compiled
 * once with each, so its hooks are constants and direct calls there.
 * diff two of these files to see how two strategies differ.
 */

#define STRATEGY_NAME		"rcuwalk"
#define STRATEGY_SUMMARY	"RCU-walk, unlazy to REF-walk, -ECHILD restart (Linux today)"
#define STRATEGY_TABLE		nb_strategy_rcuwalk

#define WALK_RCU		1	/* RCU-walk first, REF-walk after unlazy */
#define STAT_UNDER_RCU		0	/* stat reads the inode under a reference */
#define ONE_LOCK		0	/* operations run side by side */

/*
 * REF-walk's primitives (after unlazy, or on restart): Linux's.  A
 * __d_lookup() miss goes to lookup_slow(), which looks again under the
 * directory's lock with d_lookup(), retried while rename_lock moved.
 */
#define ref_lookup(parent, name)	__d_lookup(parent, name)
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
