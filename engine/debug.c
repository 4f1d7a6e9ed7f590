/*
 * Poisoned, quarantined frees and bug reports (see debug.h).
 */
#include <malloc.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "debug.h"

static nb_bug_hook_fn bug_hook;

unsigned int nb_delay_one_in;

void nb_set_delays(unsigned int one_in)
{
	nb_delay_one_in = NB_DEBUG_ON ? one_in : 0;
}

uint32_t nb_next_gen(void)
{
	static _Atomic uint32_t gen;

	/* relaxed: the number only has to be unique; the dentry carrying it
	 * is published as any new dentry is */
	return atomic_fetch_add_explicit(&gen, 1, memory_order_relaxed) + 1;
}

/* The lines every thread's store pressure writes: 64 bytes apart. */
#define PRESSURE_LINES	16
static struct {
	_Atomic unsigned long v;
	char pad[64 - sizeof(unsigned long)];
} pressure[PRESSURE_LINES] __attribute__((aligned(64)));

void nb_store_pressure(void)
{
	static __thread unsigned long n;
	int i;

	/* relaxed: plain stores, the point is their cost, not their order */
	n++;
	for (i = 0; i < PRESSURE_LINES; i++)
		atomic_store_explicit(&pressure[i].v, n, memory_order_relaxed);
}

/* Spin 1 to 64 microseconds, one time in nb_delay_one_in. */
void nb_delay_spin(void)
{
	static __thread uint64_t x;
	struct timespec t0, t;
	long ns;

	if (!x)
		x = (uint64_t)(uintptr_t)&x | 1;
	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	if (x % nb_delay_one_in)
		return;
	ns = 1000 * (long)(1 + (x >> 20) % 64);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	do
		clock_gettime(CLOCK_MONOTONIC, &t);
	while ((t.tv_sec - t0.tv_sec) * 1000000000L + (t.tv_nsec - t0.tv_nsec) < ns);
}

void nb_set_bug_hook(nb_bug_hook_fn fn)
{
	bug_hook = fn;
}

void nb_bug(const char *how, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (bug_hook)
		bug_hook(how, msg);
	else
		fprintf(stderr, "nameibench: BUG (%s): %s\n", how, msg);
	abort();
}

#ifdef NB_DEBUG
/*
 * The quarantine: the last QUARANTINE objects freed stay allocated (and
 * poisoned), so that a late reader finds poison rather than a new object
 * in the same memory.  Frees come from RCU callbacks and teardown, a few
 * per operation at most: one lock is enough.
 */
#define QUARANTINE	(1u << 15)

static pthread_mutex_t quarantine_lock = PTHREAD_MUTEX_INITIALIZER;
static void *quarantine[QUARANTINE];
static unsigned int quarantine_next;

void nb_free(void *p)
{
	void *old;

	if (!p)
		return;
	memset(p, POISON_FREE, malloc_usable_size(p));
	pthread_mutex_lock(&quarantine_lock);
	old = quarantine[quarantine_next];
	quarantine[quarantine_next] = p;
	quarantine_next = (quarantine_next + 1) % QUARANTINE;
	pthread_mutex_unlock(&quarantine_lock);
	free(old);
}
#else
void nb_free(void *p)
{
	free(p);
}
#endif
