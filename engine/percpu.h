/*
 * Per-thread state: what per-CPU data is to the kernel.
 *
 * Every thread that uses the engine is registered (nb_thread_online) and
 * gets a small index, its "CPU".  Two things hang off it:
 *
 *  - per-CPU counters (pcpu_alloc): a slot per thread for one counter,
 *    such as a mount's reference count.  Each thread only ever writes its
 *    own slot, with plain relaxed stores; a reader that needs the value
 *    sums every slot.  A thread's slots for all counters share its own
 *    memory area, so no two threads ever write the same cache line;
 *
 *  - event counters (nb_count): operations, RCU-walk outcomes, lockref
 *    fallbacks and the footprint of each operation (atomic read-modify-
 *    writes and stores to shared synchronization words), kept per thread
 *    and per kind of operation, summed on demand.
 *
 * Counter slots are _Atomic so that the summing reader is race-free; the
 * owner's update is a relaxed load and store, not an atomic RMW.
 */
#ifndef NB_PERCPU_H
#define NB_PERCPU_H

#include "compiler.h"

#define NB_MAX_THREADS	1024

enum nb_op {
	NB_OP_NONE, NB_OP_STAT, NB_OP_LSTAT, NB_OP_MKDIR, NB_OP_CREATE, NB_OP_SYMLINK,
	NB_OP_UNLINK, NB_OP_RMDIR, NB_OP_RENAME, NB_OP_MOUNT, NB_OP_UMOUNT, NB_OP_CHDIR,
	NB_OP_ANCESTORS, NB_OP_READLINK, NB_OP_ACCESS, NB_OP_OPEN, NB_OP_CLOSE, NB_OP_FSTAT,
	NB_OP_GETCWD, NB_OP_MAX
};

enum nb_counter {
	NB_CTR_OPS,		/* operations */
	NB_CTR_RCU_WALK,	/* walks started in RCU mode */
	NB_CTR_RCU_DONE,	/* ... and finished without leaving it */
	NB_CTR_UNLAZY,		/* successful switches to REF-walk (try_to_unlazy) */
	NB_CTR_ECHILD,		/* walks restarted in REF-walk after -ECHILD */
	NB_CTR_SEQ_RETRY,	/* d_seq/m_seq validations that failed */
	NB_CTR_RENAME_RETRY,	/* hash misses retried under rename_lock */
	NB_CTR_CMPXCHG_FAIL,	/* lockref cmpxchg attempts that lost */
	NB_CTR_LOCK_FALLBACK,	/* lockref operations done under the spinlock */
	NB_CTR_REF,		/* reference count changes (dentries, mounts, inodes) */
	NB_CTR_RMW,		/* atomic read-modify-writes on shared words */
	NB_CTR_STORE,		/* plain stores to shared lock, count and sequence words */
	NB_CTR_EVICT,		/* unused dentries the shrinker killed */
	NB_CTR_INLOOKUP_WAIT,	/* lookups that waited for another of the same name */
	NB_CTR_REVALIDATE,	/* ->d_revalidate calls */
	NB_CTR_FS_ECHILD,	/* filesystem operations that answered -ECHILD */
	NB_CTR_REVAL_RETRY,	/* operations redone with LOOKUP_REVAL after -ESTALE */
	NB_CTR_AUTOMOUNT,	/* filesystems a walk mounted on a trigger (d_automount) */
	NB_CTR_MAX
};

_Static_assert(NB_CTR_MAX <= 32, "more counters than NB_COUNTERS_MAX (engine.h, 32)");

struct nb_thread {
	_Atomic uint64_t c[NB_OP_MAX][NB_CTR_MAX];
	enum nb_op op;			/* what the counters are charged to now */
	int cpu;			/* index in 0..NB_MAX_THREADS-1 */
	_Atomic long *pcpu;		/* this thread's per-CPU counter area */
} ____cacheline_aligned;

extern __thread struct nb_thread *nb_self;

static inline void nb_count_n(enum nb_counter ctr, uint64_t n)
{
	struct nb_thread *t = nb_self;

	WRITE_ONCE(t->c[t->op][ctr], READ_ONCE(t->c[t->op][ctr]) + n);
}

static inline void nb_count(enum nb_counter ctr)
{
	nb_count_n(ctr, 1);
}

/* Charge what follows to @op; returns the previous kind (to restore). */
static inline enum nb_op nb_op_switch(enum nb_op op)
{
	enum nb_op prev = nb_self->op;

	nb_self->op = op;
	return prev;
}

/* ... and count one operation of that kind. */
static inline enum nb_op nb_op_enter(enum nb_op op)
{
	enum nb_op prev = nb_op_switch(op);

	nb_count(NB_CTR_OPS);
	return prev;
}

static inline void nb_op_leave(enum nb_op prev)
{
	nb_self->op = prev;
}

static inline int nb_cpu(void)
{
	return nb_self->cpu;
}

/* ---- per-CPU counters ---- */

/* A per-CPU counter is an offset into every thread's area. */
typedef unsigned int pcpu_t;

int pcpu_alloc(pcpu_t *off);
void pcpu_free(pcpu_t off);
long pcpu_sum(pcpu_t off);

static inline void pcpu_add(pcpu_t off, long n)
{
	_Atomic long *slot = nb_self->pcpu + off;

	WRITE_ONCE(*slot, READ_ONCE(*slot) + n);
}

/* ---- registry ---- */

int nb_thread_register(void);
void nb_thread_unregister(void);
void nb_counters_sum(uint64_t out[NB_OP_MAX][NB_CTR_MAX]);
void nb_counters_reset(void);
const char *nb_counter_name(enum nb_counter ctr);
const char *nb_counter_meaning(enum nb_counter ctr);
const char *nb_op_name(enum nb_op op);

#endif /* NB_PERCPU_H */
