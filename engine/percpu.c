/*
 * The thread registry, per-CPU counter areas and event counters.
 *
 * A thread's index, its struct nb_thread and its per-CPU area outlive the
 * thread: the next thread to register takes over a free index with its
 * memory as it is, so counts made by threads that have gone still add up,
 * and a per-CPU counter's slots never need to be merged.
 */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "percpu.h"

#define NB_PCPU_SLOTS	(1u << 16)	/* live per-CPU counters (one per mount) */

__thread struct nb_thread *nb_self;

static pthread_mutex_t registry_lock = PTHREAD_MUTEX_INITIALIZER;
static struct nb_thread *_Atomic threads[NB_MAX_THREADS];	/* published with release */
static unsigned char in_use[NB_MAX_THREADS];
static uint64_t pcpu_bitmap[NB_PCPU_SLOTS / 64];

int nb_thread_register(void)
{
	struct nb_thread *t = NULL;
	int i;

	pthread_mutex_lock(&registry_lock);
	for (i = 0; i < NB_MAX_THREADS; i++)
		if (!in_use[i])
			break;
	if (i == NB_MAX_THREADS) {
		pthread_mutex_unlock(&registry_lock);
		return -EMFILE;
	}
	t = atomic_load_explicit(&threads[i], memory_order_relaxed);
	if (!t) {
		t = aligned_alloc(NB_CACHELINE, sizeof(*t));
		if (t) {
			memset(t, 0, sizeof(*t));
			t->cpu = i;
			/* calloc: zero pages until a counter is first used */
			t->pcpu = calloc(NB_PCPU_SLOTS, sizeof(*t->pcpu));
		}
		if (!t || !t->pcpu) {
			free(t);
			pthread_mutex_unlock(&registry_lock);
			return -ENOMEM;
		}
		/* release: the area is zeroed before summing readers can see it */
		atomic_store_explicit(&threads[i], t, memory_order_release);
	}
	in_use[i] = 1;
	pthread_mutex_unlock(&registry_lock);
	t->op = NB_OP_NONE;
	nb_self = t;
	return 0;
}

void nb_thread_unregister(void)
{
	pthread_mutex_lock(&registry_lock);
	in_use[nb_self->cpu] = 0;
	pthread_mutex_unlock(&registry_lock);
	nb_self = NULL;
}

static struct nb_thread *thread_at(int i)
{
	/* acquire: pairs with the release publishing the thread */
	return atomic_load_explicit(&threads[i], memory_order_acquire);
}

/* ---- per-CPU counters ---- */

int pcpu_alloc(pcpu_t *off)
{
	unsigned int i;
	int ret = -ENOMEM;

	pthread_mutex_lock(&registry_lock);
	for (i = 0; i < NB_PCPU_SLOTS / 64; i++) {
		if (~pcpu_bitmap[i]) {
			unsigned int bit = (unsigned int)__builtin_ctzll(~pcpu_bitmap[i]);

			pcpu_bitmap[i] |= UINT64_C(1) << bit;
			*off = i * 64 + bit;
			ret = 0;
			break;
		}
	}
	pthread_mutex_unlock(&registry_lock);
	return ret;
}

/*
 * pcpu_free - the counter's owner is dead and unreachable: zero every
 * thread's slot (they sum to zero but need not each be zero) and recycle.
 */
void pcpu_free(pcpu_t off)
{
	int i;

	pthread_mutex_lock(&registry_lock);
	for (i = 0; i < NB_MAX_THREADS; i++) {
		struct nb_thread *t = thread_at(i);

		if (t)
			WRITE_ONCE(t->pcpu[off], 0);
	}
	pcpu_bitmap[off / 64] &= ~(UINT64_C(1) << (off % 64));
	pthread_mutex_unlock(&registry_lock);
}

long pcpu_sum(pcpu_t off)
{
	long sum = 0;
	int i;

	for (i = 0; i < NB_MAX_THREADS; i++) {
		struct nb_thread *t = thread_at(i);

		if (t)
			sum += READ_ONCE(t->pcpu[off]);
	}
	return sum;
}

/* ---- event counters ---- */

void nb_counters_sum(uint64_t out[NB_OP_MAX][NB_CTR_MAX])
{
	int i, op, c;

	memset(out, 0, sizeof(uint64_t) * NB_OP_MAX * NB_CTR_MAX);
	for (i = 0; i < NB_MAX_THREADS; i++) {
		struct nb_thread *t = thread_at(i);

		if (!t)
			continue;
		for (op = 0; op < NB_OP_MAX; op++)
			for (c = 0; c < NB_CTR_MAX; c++)
				out[op][c] += READ_ONCE(t->c[op][c]);
	}
}

/* Only while no thread is counting. */
void nb_counters_reset(void)
{
	int i, op, c;

	for (i = 0; i < NB_MAX_THREADS; i++) {
		struct nb_thread *t = thread_at(i);

		if (!t)
			continue;
		for (op = 0; op < NB_OP_MAX; op++)
			for (c = 0; c < NB_CTR_MAX; c++)
				WRITE_ONCE(t->c[op][c], 0);
	}
}

const char *nb_counter_name(enum nb_counter ctr)
{
	static const char *const names[NB_CTR_MAX] = {
		[NB_CTR_OPS] = "ops",
		[NB_CTR_RCU_WALK] = "rcu_walks",
		[NB_CTR_RCU_DONE] = "rcu_completed",
		[NB_CTR_UNLAZY] = "unlazy",
		[NB_CTR_ECHILD] = "echild_restarts",
		[NB_CTR_SEQ_RETRY] = "seq_retries",
		[NB_CTR_RENAME_RETRY] = "rename_lock_retries",
		[NB_CTR_CMPXCHG_FAIL] = "cmpxchg_failures",
		[NB_CTR_LOCK_FALLBACK] = "lock_fallbacks",
		[NB_CTR_REF] = "ref_ops",
		[NB_CTR_RMW] = "shared_rmw",
		[NB_CTR_STORE] = "shared_stores",
		[NB_CTR_EVICT] = "evictions",
		[NB_CTR_INLOOKUP_WAIT] = "inlookup_waits",
		[NB_CTR_REVALIDATE] = "revalidations",
		[NB_CTR_FS_ECHILD] = "fs_echild",
		[NB_CTR_REVAL_RETRY] = "reval_retries",
		[NB_CTR_AUTOMOUNT] = "automounts",
	};

	return names[ctr];
}

/* What each counter counts: `nameibench counters` prints these. */
const char *nb_counter_meaning(enum nb_counter ctr)
{
	static const char *const meanings[NB_CTR_MAX] = {
		[NB_CTR_OPS] = "operations",
		[NB_CTR_RCU_WALK] = "walks started in RCU mode",
		[NB_CTR_RCU_DONE] = "walks that finished without leaving RCU mode",
		[NB_CTR_UNLAZY] = "switches to REF-walk in the middle of a walk (try_to_unlazy)",
		[NB_CTR_ECHILD] = "walks restarted from the top in REF-walk (-ECHILD)",
		[NB_CTR_SEQ_RETRY] = "d_seq or m_seq validations that failed",
		[NB_CTR_RENAME_RETRY] = "hash misses retried because rename_lock moved",
		[NB_CTR_CMPXCHG_FAIL] = "lockref cmpxchg attempts that lost a race",
		[NB_CTR_LOCK_FALLBACK] = "lockref changes made under the spinlock instead",
		[NB_CTR_REF] = "reference count changes on dentries, inodes and mounts",
		[NB_CTR_RMW] = "atomic read-modify-writes on shared lock, count and sequence words",
		[NB_CTR_STORE] = "plain stores to shared lock, count and sequence words",
		[NB_CTR_EVICT] = "unused dentries the shrinker killed (prune_dcache_sb)",
		[NB_CTR_INLOOKUP_WAIT] = "slow lookups that waited for another lookup of the same "
					 "name (d_alloc_parallel)",
		[NB_CTR_REVALIDATE] = "calls of the filesystem's d_revalidate, in either mode",
		[NB_CTR_FS_ECHILD] = "filesystem operations (d_revalidate, get_link) that could not "
				     "answer in RCU mode (-ECHILD)",
		[NB_CTR_REVAL_RETRY] = "operations redone with LOOKUP_REVAL after -ESTALE (a "
				       "handle the server let go of)",
		[NB_CTR_AUTOMOUNT] = "filesystems a walk mounted on an automount trigger "
				     "(d_automount, finish_automount)",
	};

	return meanings[ctr];
}

const char *nb_op_name(enum nb_op op)
{
	static const char *const names[NB_OP_MAX] = {
		[NB_OP_NONE] = "other", [NB_OP_STAT] = "stat", [NB_OP_LSTAT] = "lstat",
		[NB_OP_MKDIR] = "mkdir", [NB_OP_CREATE] = "create", [NB_OP_SYMLINK] = "symlink",
		[NB_OP_UNLINK] = "unlink", [NB_OP_RMDIR] = "rmdir", [NB_OP_RENAME] = "rename",
		[NB_OP_MOUNT] = "mount", [NB_OP_UMOUNT] = "umount", [NB_OP_CHDIR] = "cd",
		[NB_OP_ANCESTORS] = "ancestors", [NB_OP_READLINK] = "readlink",
		[NB_OP_ACCESS] = "access", [NB_OP_OPEN] = "open", [NB_OP_CLOSE] = "close",
		[NB_OP_FSTAT] = "fstat", [NB_OP_GETCWD] = "getcwd",
	};

	return names[op];
}
