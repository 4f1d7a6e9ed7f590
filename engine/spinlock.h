/*
 * Sleep-free locks: a test-and-test-and-set spinlock, and a compact
 * reader/writer semaphore for inode->i_rwsem.
 *
 * The rwsem is a single word so that it costs an inode four bytes, not the
 * 56 of a pthread_rwlock_t.  It spins and then yields: directory locks are
 * taken by writers (create, unlink, rename) and by lookup_slow on a dcache
 * miss, never on the lookup fast path, so it is not worth a futex.
 *
 * Lock acquisition is an acquire operation and release a release operation:
 * everything written inside a critical section is visible to the next owner.
 *
 * Every atomic read-modify-write and every store to a lock word is counted
 * (NB_CTR_RMW, NB_CTR_STORE): that is an operation's footprint on shared
 * memory, which is what limits scaling.
 */
#ifndef NB_SPINLOCK_H
#define NB_SPINLOCK_H

#include <pthread.h>
#include <sched.h>

#include "compiler.h"
#include "percpu.h"

typedef struct {
	_Atomic unsigned int locked;
} spinlock_t;

#define SPINLOCK_INIT	{ 0 }

static inline void spin_lock_init(spinlock_t *l)
{
	atomic_init(&l->locked, 0);
}

static inline int spin_trylock(spinlock_t *l)
{
	nb_count(NB_CTR_RMW);
	/* acquire: pairs with the release in spin_unlock() of the last owner */
	return !atomic_exchange_explicit(&l->locked, 1, memory_order_acquire);
}

static inline void spin_lock(spinlock_t *l)
{
	while (unlikely(!spin_trylock(l))) {
		while (READ_ONCE(l->locked))
			cpu_relax();
	}
}

static inline void spin_unlock(spinlock_t *l)
{
	nb_count(NB_CTR_STORE);
	/* release: publishes the critical section to the next spin_lock() */
	atomic_store_explicit(&l->locked, 0, memory_order_release);
}


/*
 * Reader/writer semaphore: count > 0 is the number of readers, -1 is one
 * writer, 0 is free.  After a short spin a waiter yields the CPU, so that an
 * oversubscribed machine makes progress.
 */
struct rw_semaphore {
	_Atomic int count;
};

#define RWSEM_SPINS	128

static inline void init_rwsem(struct rw_semaphore *s)
{
	atomic_init(&s->count, 0);
}

static inline void rwsem_backoff(unsigned int *spins)
{
	if (++*spins < RWSEM_SPINS) {
		cpu_relax();
	} else {
		*spins = 0;
		sched_yield();
	}
}

static inline void down_read(struct rw_semaphore *s)
{
	unsigned int spins = 0;
	int c = READ_ONCE(s->count);

	for (;;) {
		if (c >= 0) {
			nb_count(NB_CTR_RMW);
			/* acquire: pairs with the release in up_write() */
			if (atomic_compare_exchange_weak_explicit(&s->count, &c, c + 1,
					memory_order_acquire, memory_order_relaxed))
				return;
		}
		if (c < 0) {
			rwsem_backoff(&spins);
			c = READ_ONCE(s->count);
		}
	}
}

static inline void up_read(struct rw_semaphore *s)
{
	nb_count(NB_CTR_RMW);
	/* release: orders the reader's loads before a writer's stores */
	atomic_fetch_sub_explicit(&s->count, 1, memory_order_release);
}

static inline void down_write(struct rw_semaphore *s)
{
	unsigned int spins = 0;

	for (;;) {
		int c = 0;

		nb_count(NB_CTR_RMW);
		/* acquire: pairs with the release in up_read()/up_write() */
		if (atomic_compare_exchange_weak_explicit(&s->count, &c, -1,
				memory_order_acquire, memory_order_relaxed))
			return;
		rwsem_backoff(&spins);
	}
}

static inline void up_write(struct rw_semaphore *s)
{
	nb_count(NB_CTR_STORE);
	/* release: publishes the writer's critical section */
	atomic_store_explicit(&s->count, 0, memory_order_release);
}

/* pthread mutexes (sleeping locks), counted as one RMW to take, one to release */
static inline void mutex_lock(pthread_mutex_t *m)
{
	nb_count(NB_CTR_RMW);
	pthread_mutex_lock(m);
}

static inline void mutex_unlock(pthread_mutex_t *m)
{
	nb_count(NB_CTR_RMW);
	pthread_mutex_unlock(m);
}

#endif /* NB_SPINLOCK_H */
