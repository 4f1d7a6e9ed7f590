/*
 * Small vocabulary shared by the whole engine: branch hints, container_of,
 * cache-line alignment, and READ_ONCE/WRITE_ONCE for C11 atomics.
 *
 * Every field that a lockless reader may load while a writer stores it is
 * declared _Atomic.  READ_ONCE/WRITE_ONCE are relaxed accesses to such
 * fields: they make the access single-copy atomic and race-free in the C11
 * sense (and therefore ThreadSanitizer-clean) without ordering anything.
 * Ordering is always explicit, next to a comment saying what it pairs with.
 */
#ifndef NB_COMPILER_H
#define NB_COMPILER_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#define likely(x)	__builtin_expect(!!(x), 1)
#define unlikely(x)	__builtin_expect(!!(x), 0)
#ifndef __always_inline		/* glibc's <sys/cdefs.h> has it too */
#define __always_inline	inline __attribute__((always_inline))
#endif

#define container_of(ptr, type, member) \
	((type *)((char *)(ptr) - offsetof(type, member)))

#define NB_CACHELINE		64
#define ____cacheline_aligned	__attribute__((aligned(NB_CACHELINE)))

#define READ_ONCE(x)	atomic_load_explicit(&(x), memory_order_relaxed)
#define WRITE_ONCE(x, v) atomic_store_explicit(&(x), (v), memory_order_relaxed)

#define smp_load_acquire(p)	atomic_load_explicit((p), memory_order_acquire)
#define smp_store_release(p, v)	atomic_store_explicit((p), (v), memory_order_release)

/* A full barrier: orders every earlier access before every later one. */
#define smp_mb()	atomic_thread_fence(memory_order_seq_cst)

static inline void cpu_relax(void)
{
#if defined(__x86_64__) || defined(__i386__)
	__builtin_ia32_pause();
#elif defined(__aarch64__)
	__asm__ __volatile__("yield" ::: "memory");
#else
	__asm__ __volatile__("" ::: "memory");
#endif
}

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

/* Errors carried in pointers, as in include/linux/err.h. */
#define MAX_ERRNO	4095

static inline void *ERR_PTR(long error)
{
	return (void *)error;
}

static inline long PTR_ERR(const void *ptr)
{
	return (long)ptr;
}

static inline int IS_ERR(const void *ptr)
{
	return unlikely((uintptr_t)ptr >= (uintptr_t)-MAX_ERRNO);
}


#define ERR_CAST(ptr)	((void *)(ptr))

#endif /* NB_COMPILER_H */
