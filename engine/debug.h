/*
 * Memory-safety checks for the stress builds (NB_DEBUG: make zoo, make
 * asan, make tsan; the benchmark build compiles them out).
 *
 * Freeing: every object a lockless reader can reach is released through
 * nb_free(), from an RCU callback.  Under NB_DEBUG nb_free() fills the
 * object with POISON_FREE and keeps it in a quarantine of recently freed
 * objects before really freeing it, as KASAN does, so that a reader that
 * reaches it late reads poison instead of a recycled object: a dentry,
 * inode, mount or superblock has a magic word that poison overwrites, a
 * symlink body begins with poison bytes.
 *
 * Checks: readers check the magic of what they reach under RCU (the chain
 * walk, the objects a walk stands on, a symlink body while it is being
 * walked); reference counts are checked where they change hands; a mount
 * reference a walker holds must never belong to a mount a non-lazy umount
 * took away.  In correct code none of these can fire, however the threads
 * interleave: an RCU reader cannot see an object freed after a grace
 * period.  A check that fires calls nb_bug(), which reports how the bug
 * was caught and aborts.
 */
#ifndef NB_DEBUG_H
#define NB_DEBUG_H

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "compiler.h"
#include "engine.h"

#define POISON_FREE	0xa5	/* not ASCII: no path the tests use contains it */
#define POISON_WORD	UINT64_C(0xa5a5a5a5a5a5a5a5)

#define DENTRY_MAGIC	0x64656e74u	/* "dent" */
#define INODE_MAGIC	0x696e6f64u	/* "inod" */
#define MOUNT_MAGIC	0x6d6e7421u	/* "mnt!" */
#define SUPER_MAGIC	0x73757072u	/* "supr" */

void nb_free(void *p);

/*
 * nb_bug - a check failed: report it ("poison", "refcount", ...) through
 * the hook the stress runner installs (or on stderr) and abort.
 */
__attribute__((noreturn, format(printf, 2, 3)))
void nb_bug(const char *how, const char *fmt, ...);


#ifdef NB_DEBUG
# define NB_DEBUG_ON	1
#else
# define NB_DEBUG_ON	0
#endif

/*
 * Random delays inside lookups, as rcutorture delays its readers: at each
 * step of a walk, one time in nb_delay_one_in (0: never) the walker spins
 * for a few microseconds, long enough for a writer to change the
 * namespace under it.  Races of a few nanoseconds become races of
 * microseconds; correct code must not care.
 */
extern unsigned int nb_delay_one_in;
void nb_delay_spin(void);

static inline void debug_delay(void)
{
	if (NB_DEBUG_ON && unlikely(nb_delay_one_in))
		nb_delay_spin();
}

/*
 * @n chances of a delay at one step, for a zoo bug whose window the stress
 * mix reaches too rarely at one chance (a few readers, or few objects).
 */
static inline void debug_delays(unsigned int n)
{
	while (n--)
		debug_delay();
}

/*
 * Store pressure before a store that a full barrier must order against a
 * later load (the mount count in __legitimize_mnt()): a few stores to
 * cache lines the other threads write too, each a cache miss.  x86 commits
 * stores in order, so the store after them waits in the store buffer
 * while the loads after it go ahead: the store-load reordering a missing
 * smp_mb() allows becomes a window of a microsecond instead of a few
 * nanoseconds, as litmus-test harnesses stress the memory system.  With
 * the barrier in place it changes nothing: the barrier drains the buffer.
 */
void nb_store_pressure(void);

static inline void debug_store_pressure(void)
{
	if (NB_DEBUG_ON && unlikely(nb_delay_one_in))
		nb_store_pressure();
}

/* A reader reached @obj (whose magic word is @magic): it must be alive. */
static inline void debug_check_magic(const void *obj, const volatile uint32_t *magic,
				     uint32_t want, const char *what, const char *where)
{
	if (NB_DEBUG_ON && *magic != want)
		nb_bug("poison", "%s reached a freed %s %p (magic %08x, want %08x)", where, what,
		       obj, *magic, want);
}

/*
 * Generation numbers: every dentry gets one no other dentry had (debug
 * builds; 0 elsewhere).  Poison shows a late reader a freed object while
 * it sits in the quarantine; a generation that changed under a walker
 * shows it one freed and reused since, whatever became of the memory.
 */
uint32_t nb_next_gen(void);

static inline uint32_t debug_next_gen(void)
{
	return NB_DEBUG_ON ? nb_next_gen() : 0;
}

/* The walker has stood on @obj since it read its generation @gen. */
static inline void debug_check_gen(const void *obj, const volatile uint32_t *genp, uint32_t gen,
				   const char *what, const char *where)
{
	uint32_t now;

	if (!NB_DEBUG_ON)
		return;
	now = *genp;
	if (now != gen)
		nb_bug("poison", "%s: the %s %p it stands on was freed%s (generation %08x, was "
		       "%08x)", where, what, obj, now == (uint32_t)POISON_WORD ? "" : " and reused",
		       now, gen);
}

/* A symlink body that a walk is reading must not have been freed. */
static inline void debug_check_body(const char *body, const char *where)
{
	if (NB_DEBUG_ON && body) {
		uint64_t w;

		__builtin_memcpy(&w, body, sizeof(w));
		if (w == POISON_WORD)
			nb_bug("poison", "%s read a freed symlink body %p", where, body);
	}
}

#endif /* NB_DEBUG_H */
