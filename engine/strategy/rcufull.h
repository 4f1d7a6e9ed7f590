/*
 * rcufull - RCU-walk with fallback to REF-walk, as rcuwalk, but stat,
 * lstat and readlink are answered under RCU (the 2024 stat-under-RCU
 * design): at the end of a walk still in RCU mode a callback copies the
 * attributes (or the symlink body) from the inode the walk read, then the
 * final d_seq and mount_lock validate the copy, and no reference count is
 * touched.  A failed validation
 * redoes the lookup in REF-walk.
 *
 * One file per strategy (engine/strategy/): engine/namei.c is compiled
 * once with each, so its hooks are constants and direct calls there.
 * diff two of these files to see how two strategies differ.
 */

#define STRATEGY_NAME		"rcufull"
#define STRATEGY_SUMMARY	"RCU-walk with stat answered under RCU (2024 proposal)"
#define STRATEGY_TABLE		nb_strategy_rcufull

#define WALK_RCU		1	/* RCU-walk first, REF-walk after unlazy */
#define STAT_UNDER_RCU		1	/* stat copied under RCU, validated after */
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
