/*
 * global - REF-walk with every operation under one mutex: the
 * big-kernel-lock baseline.  Readers and writers alike hold global_lock
 * from the start of an operation to its end, so nothing runs concurrently
 * and the dcache's own locks and counts are never contended.
 *
 * One file per strategy (engine/strategy/): engine/namei.c is compiled
 * once with each, so its hooks are constants and direct calls there.
 * diff two of these files to see how two strategies differ.
 */

#define STRATEGY_NAME		"global"
#define STRATEGY_SUMMARY	"one lock held across every operation (the big-kernel-lock baseline)"
#define STRATEGY_TABLE		nb_strategy_global

#define WALK_RCU		0	/* REF-walk only */
#define STAT_UNDER_RCU		0	/* stat reads the inode under a reference */
#define ONE_LOCK		1	/* every operation under the one lock: its answer
				 * is true of one instant */

/*
 * REF-walk's primitives: Linux's.  A __d_lookup() miss goes to
 * lookup_slow(), which looks again under the directory's lock; nothing
 * can be renamed meanwhile, the writer being held off by global_lock.
 */
#define ref_lookup(parent, name)	__d_lookup(parent, name)
#define ref_dget(d)			dget(d)
#define ref_dput(d)			dput(d)
#define ref_dget_parent(d)		dget_parent(d)

/* The lock every operation takes, readers' and writers'. */
static pthread_mutex_t global_lock = PTHREAD_MUTEX_INITIALIZER;

/*
 * Under QSBR a thread that blocks while online holds up every grace
 * period, and the lock holder may be waiting for one (umount): wait offline.
 */
static inline void strategy_lock(void)
{
	if (nb_rcu_flavor == NB_RCU_QSBR) {
		rcu_thread_offline();
		mutex_lock(&global_lock);
		rcu_thread_online();
	} else {
		mutex_lock(&global_lock);
	}
}

static inline void strategy_unlock(void)
{
	mutex_unlock(&global_lock);
}
