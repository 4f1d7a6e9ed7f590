/*
 * lockref: a spinlock and a reference count in one 64-bit word, after
 * lib/lockref.c.
 *
 * The conceptual sequence "lock; count++; unlock" becomes one cmpxchg on the
 * word while nobody holds the lock.  The rules are the kernel's:
 *   - a cmpxchg is only attempted on a value whose lock half reads unlocked;
 *     as soon as the lock is seen held, fall back to taking it;
 *   - at most LOCKREF_RETRIES cmpxchg attempts (Linux 893a7d32e8e0), and no
 *     cpu_relax() between them (Linux f5fe24ef17b5);
 *   - a count of LOCKREF_DEAD (-128) marks the object dead: get_not_dead
 *     refuses it, which is what makes legitimizing an RCU-found dentry safe.
 *
 * Layout: low 32 bits are the lock (0 free, 1 held), high 32 bits the count
 * as a signed int.  While the lock is held nobody else can change the word
 * (every cmpxchg expects the lock half to be 0), so the owner updates the
 * count with plain relaxed stores.
 *
 * Counted: every cmpxchg (NB_CTR_RMW) and every lost one
 * (NB_CTR_CMPXCHG_FAIL), every operation that had to take the lock
 * (NB_CTR_LOCK_FALLBACK), and every change of the count (NB_CTR_REF).
 */
#ifndef NB_LOCKREF_H
#define NB_LOCKREF_H

#include "compiler.h"
#include "debug.h"
#include "percpu.h"

#define LOCKREF_RETRIES		100
#define LOCKREF_DEAD		(-128)
#define LOCKREF_LOCKBIT		UINT64_C(1)
#define LOCKREF_ONE		(UINT64_C(1) << 32)

struct lockref {
	_Atomic uint64_t lock_count;
};

static inline int lockref_word_count(uint64_t w)
{
	return (int)(int32_t)(uint32_t)(w >> 32);
}

static inline uint64_t lockref_word_make(int count, uint64_t lockbits)
{
	return ((uint64_t)(uint32_t)count << 32) | lockbits;
}

static inline void lockref_init(struct lockref *lr, int count)
{
	atomic_init(&lr->lock_count, lockref_word_make(count, 0));
}

static inline void lockref_lock(struct lockref *lr)
{
	uint64_t old = READ_ONCE(lr->lock_count);

	for (;;) {
		if (likely(!(old & LOCKREF_LOCKBIT))) {
			nb_count(NB_CTR_RMW);
			/* acquire: pairs with the release in lockref_unlock() */
			if (atomic_compare_exchange_weak_explicit(&lr->lock_count, &old,
					old | LOCKREF_LOCKBIT, memory_order_acquire,
					memory_order_relaxed))
				return;
		} else {
			/* a lock word all poison: the object was freed under us */
			if (NB_DEBUG_ON && old == POISON_WORD)
				nb_bug("poison", "spinning on the lock of a freed object %p",
				       (void *)lr);
			cpu_relax();
			old = READ_ONCE(lr->lock_count);
		}
	}
}

static inline void lockref_unlock(struct lockref *lr)
{
	uint64_t w = READ_ONCE(lr->lock_count);

	nb_count(NB_CTR_STORE);
	/* release: publishes the critical section to the next locker and to
	 * the next successful cmpxchg (which must observe the lock free) */
	atomic_store_explicit(&lr->lock_count, w & ~LOCKREF_LOCKBIT, memory_order_release);
}

/* Count access for the lock holder. */
static inline int lockref_count(const struct lockref *lr)
{
	return lockref_word_count(READ_ONCE(((struct lockref *)lr)->lock_count));
}

static inline void lockref_set_count_locked(struct lockref *lr, int count)
{
	nb_count(NB_CTR_REF);
	nb_count(NB_CTR_STORE);
	WRITE_ONCE(lr->lock_count, lockref_word_make(count, LOCKREF_LOCKBIT));
}

/*
 * CMPXCHG_LOOP - run CODE on a private copy while the lock reads free and
 * publish it with one cmpxchg; CODE may 'return' to give up early.  Relaxed
 * ordering: a reference count orders nothing by itself (the kernel's
 * cmpxchg64_relaxed); what a reference protects is validated separately.
 */
#define CMPXCHG_LOOP(CODE, SUCCESS) do {					\
	int retry = LOCKREF_RETRIES;						\
	uint64_t old = READ_ONCE(lr->lock_count);				\
	while (likely(!(old & LOCKREF_LOCKBIT))) {				\
		uint64_t new = old;						\
		int count = lockref_word_count(old);				\
		(void)count;							\
		CODE								\
		nb_count(NB_CTR_RMW);						\
		if (likely(atomic_compare_exchange_weak_explicit(&lr->lock_count, \
				&old, new, memory_order_relaxed,		\
				memory_order_relaxed))) {			\
			nb_count(NB_CTR_REF);					\
			SUCCESS;						\
		}								\
		nb_count(NB_CTR_CMPXCHG_FAIL);					\
		if (!--retry)							\
			break;							\
	}									\
	nb_count(NB_CTR_LOCK_FALLBACK);						\
} while (0)

static inline void lockref_get(struct lockref *lr)
{
	CMPXCHG_LOOP(new += LOCKREF_ONE;, return);

	lockref_lock(lr);
	lockref_set_count_locked(lr, lockref_count(lr) + 1);
	lockref_unlock(lr);
}

static inline int lockref_get_not_zero(struct lockref *lr)
{
	int ret;

	CMPXCHG_LOOP(if (count <= 0) return 0; new += LOCKREF_ONE;, return 1);

	lockref_lock(lr);
	ret = 0;
	if (lockref_count(lr) > 0) {
		lockref_set_count_locked(lr, lockref_count(lr) + 1);
		ret = 1;
	}
	lockref_unlock(lr);
	return ret;
}

static inline int lockref_get_not_dead(struct lockref *lr)
{
	int ret;

	CMPXCHG_LOOP(if (count < 0) return 0; new += LOCKREF_ONE;, return 1);

	lockref_lock(lr);
	ret = 0;
	if (lockref_count(lr) >= 0) {
		lockref_set_count_locked(lr, lockref_count(lr) + 1);
		ret = 1;
	}
	lockref_unlock(lr);
	return ret;
}

/* Returns the new count, or -1 when the lockless decrement was not possible. */
static inline int lockref_put_return(struct lockref *lr)
{
	CMPXCHG_LOOP(if (count <= 0) return -1; new -= LOCKREF_ONE;,
		     return lockref_word_count(new));
	return -1;
}

/* Returns 1 after decrementing, or 0 with the lock held when count <= 1. */
static inline int lockref_put_or_lock(struct lockref *lr)
{
	CMPXCHG_LOOP(if (count <= 1) break; new -= LOCKREF_ONE;, return 1);

	lockref_lock(lr);
	if (lockref_count(lr) <= 1)
		return 0;
	lockref_set_count_locked(lr, lockref_count(lr) - 1);
	lockref_unlock(lr);
	return 1;
}

/*
 * lockref_put_not_zero - decrement unless the count is 1 or less (then
 * return 0 and change nothing): the caller's reference is not the last.
 */
static inline int lockref_put_not_zero(struct lockref *lr)
{
	int ret;

	CMPXCHG_LOOP(if (count <= 1) return 0; new -= LOCKREF_ONE;, return 1);

	lockref_lock(lr);
	ret = 0;
	if (lockref_count(lr) > 1) {
		lockref_set_count_locked(lr, lockref_count(lr) - 1);
		ret = 1;
	}
	lockref_unlock(lr);
	return ret;
}

/* For the shrinker, which holds a lock that a lock holder may be waiting for. */
static inline bool lockref_trylock(struct lockref *lr)
{
	uint64_t old = READ_ONCE(lr->lock_count);

	if (old & LOCKREF_LOCKBIT)
		return false;
	nb_count(NB_CTR_RMW);
	/* acquire: pairs with the release in lockref_unlock() */
	return atomic_compare_exchange_strong_explicit(&lr->lock_count, &old,
			old | LOCKREF_LOCKBIT, memory_order_acquire, memory_order_relaxed);
}

/* Caller holds the lock. */
static inline void lockref_mark_dead(struct lockref *lr)
{
	lockref_set_count_locked(lr, LOCKREF_DEAD);
}

static inline int __lockref_is_dead(const struct lockref *lr)
{
	return lockref_count(lr) < 0;
}

#endif /* NB_LOCKREF_H */
