/*
 * Sequence counts and seqlocks, after include/linux/seqlock.h, expressed in
 * C11 atomics.
 *
 * Readers sample the count, load the protected fields with relaxed atomic
 * loads, then check that the count did not move.  The C11 recipe (Boehm,
 * "Can seqlocks get along with programming language memory models?", 2012):
 *
 *   writer:  seq = s+1 (relaxed); fence(release); data stores (relaxed);
 *            seq = s+2 (release)
 *   reader:  s0 = seq (acquire); data loads (relaxed); fence(acquire);
 *            s1 = seq (relaxed); valid iff s0 == s1 and s0 is even
 *
 * If a reader's data load observes any store made after the writer's
 * release fence, the reader's acquire fence synchronizes with it and the
 * reader's second load of seq observes s+1 or later: the retry fires.
 * Because every protected field is _Atomic, no access is a data race even
 * while the section is torn, which keeps ThreadSanitizer quiet without
 * suppressions.
 */
#ifndef NB_SEQLOCK_H
#define NB_SEQLOCK_H

#include "compiler.h"
#include "spinlock.h"

typedef struct {
	_Atomic unsigned int sequence;
} seqcount_t;

static inline void seqcount_init(seqcount_t *s)
{
	atomic_init(&s->sequence, 0);
}

/*
 * raw_seqcount_begin - sample without waiting for a writer.  An odd value
 * is rounded down, so that a section in progress makes the later retry fail
 * instead of making this reader spin (what __d_lookup_rcu() wants).
 */
static inline unsigned int raw_seqcount_begin(const seqcount_t *s)
{
	/* acquire: pairs with the release store in write_seqcount_end() */
	return atomic_load_explicit(&((seqcount_t *)s)->sequence, memory_order_acquire) & ~1u;
}

static inline unsigned int read_seqcount_begin(const seqcount_t *s)
{
	unsigned int seq;

	/* acquire: pairs with the release store in write_seqcount_end() */
	while (unlikely((seq = atomic_load_explicit(&((seqcount_t *)s)->sequence,
						     memory_order_acquire)) & 1))
		cpu_relax();
	return seq;
}

/*
 * read_seqcount_retry - true if the section since @start was disturbed.
 * The acquire fence orders every protected load before the re-read of the
 * count; it pairs with the release fence in write_seqcount_begin().
 */
static inline int read_seqcount_retry(const seqcount_t *s, unsigned int start)
{
	atomic_thread_fence(memory_order_acquire);
	return unlikely(READ_ONCE(((seqcount_t *)s)->sequence) != start);
}

/* Writers are serialized by a lock, so load-then-store is an increment. */
static inline void write_seqcount_begin(seqcount_t *s)
{
	nb_count(NB_CTR_STORE);
	WRITE_ONCE(s->sequence, READ_ONCE(s->sequence) + 1);
	/* release fence: the odd count is ordered before the section's stores;
	 * pairs with the acquire fence in read_seqcount_retry() */
	atomic_thread_fence(memory_order_release);
}

static inline void write_seqcount_end(seqcount_t *s)
{
	nb_count(NB_CTR_STORE);
	/* release: the section's stores are ordered before the even count;
	 * pairs with the acquire load in read_seqcount_begin() */
	atomic_store_explicit(&s->sequence, READ_ONCE(s->sequence) + 1,
			      memory_order_release);
}

/*
 * write_seqcount_invalidate - make every outstanding sample stale without
 * opening a section (dentry_rcuwalk_invalidate() on __d_drop()).  The
 * release fence orders the caller's earlier stores (the unhash) before the
 * new count; pairs with the acquire fence in read_seqcount_retry().
 */
static inline void write_seqcount_invalidate(seqcount_t *s)
{
	nb_count(NB_CTR_STORE);
	atomic_thread_fence(memory_order_release);
	WRITE_ONCE(s->sequence, READ_ONCE(s->sequence) + 2);
}

/* A seqlock: a count for readers plus a spinlock serializing writers. */
typedef struct {
	seqcount_t seqcount;
	spinlock_t lock;
} seqlock_t;

static inline void seqlock_init(seqlock_t *sl)
{
	seqcount_init(&sl->seqcount);
	spin_lock_init(&sl->lock);
}

static inline unsigned int read_seqbegin(const seqlock_t *sl)
{
	return read_seqcount_begin(&sl->seqcount);
}

static inline int read_seqretry(const seqlock_t *sl, unsigned int start)
{
	return read_seqcount_retry(&sl->seqcount, start);
}

static inline void write_seqlock(seqlock_t *sl)
{
	spin_lock(&sl->lock);
	write_seqcount_begin(&sl->seqcount);
}

static inline void write_sequnlock(seqlock_t *sl)
{
	write_seqcount_end(&sl->seqcount);
	spin_unlock(&sl->lock);
}

/* Exclusive reader: holds off writers without bumping the count. */
static inline void read_seqlock_excl(seqlock_t *sl)
{
	spin_lock(&sl->lock);
}

static inline void read_sequnlock_excl(seqlock_t *sl)
{
	spin_unlock(&sl->lock);
}

/*
 * The lockless-then-locked reader (read_seqbegin_or_lock and friends):
 * @seq even, a lockless pass that need_seqretry() may send round again;
 * odd, a pass with the lock held exclusively, which holds writers off and
 * so never needs a retry.  The caller starts with 0 (lockless first) and,
 * when need_seqretry() says so, sets 1 and goes round once more.
 */
static inline void read_seqbegin_or_lock(seqlock_t *sl, unsigned int *seq)
{
	if (!(*seq & 1))
		*seq = read_seqbegin(sl);
	else
		read_seqlock_excl(sl);
}

static inline int need_seqretry(seqlock_t *sl, unsigned int seq)
{
	return !(seq & 1) && read_seqretry(sl, seq);
}

static inline void done_seqretry(seqlock_t *sl, unsigned int seq)
{
	if (seq & 1)
		read_sequnlock_excl(sl);
}

#endif /* NB_SEQLOCK_H */
