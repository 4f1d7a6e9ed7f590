/*
 * Object caches for the objects a tree has millions of (dentries and
 * inodes), as the kernel's kmem_cache: objects of one size packed into
 * 64 KiB slabs, aligned to what they need and nothing more, with no
 * per-object allocator header.  malloc() spent about 150 bytes of padding
 * and headers on each file's dentry (aligned_alloc) and inode; a cached
 * file now costs its two structures.
 *
 * Freed objects go back on their cache's free list (after their grace
 * period: callers free from RCU callbacks as before) and slabs are never
 * returned to the system, as a benchmark's tree only grows back.  One lock
 * per cache: allocation is on the writers' side, frees come from RCU
 * callbacks.
 *
 * Slabs, and the dentry hash table, come from nb_huge_alloc(): 2 MiB
 * regions the kernel is asked to back with transparent huge pages.  The
 * kernel's own dcache lives in the direct map, mapped with 2 MiB or 1 GiB
 * pages, so a dentry that misses the cache costs one memory access; on
 * 4 KiB pages a million files' dentries and inodes span 66,000 pages, far
 * beyond the TLB, and each miss would add a page walk that itself misses
 * the cache.  (At a million files, rcufull's stat went from 182 to 160 ns
 * on the machine of docs/performance.md.)  Where transparent huge pages
 * are off, the advice is ignored and the memory is ordinary pages.
 *
 * The debug builds (NB_DEBUG: ASan, TSan, the zoo) allocate every object
 * with malloc and free it through nb_free(), so that the sanitizers and
 * the poisoned quarantine see each object's life on its own.
 */
#ifndef NB_SLAB_H
#define NB_SLAB_H

#include <pthread.h>
#include <stddef.h>

struct nb_cache {
	const char *name;
	size_t size;			/* rounded up to the alignment */
	size_t align;
	pthread_mutex_t lock;
	void *free_list;		/* each free object's first word: the next */
};

#define NB_CACHE_INIT(n, type, a) \
	{ .name = (n), .size = (sizeof(type) + (a) - 1) / (a) * (a), .align = (a), \
	  .lock = PTHREAD_MUTEX_INITIALIZER, .free_list = NULL }

void *nb_cache_alloc(struct nb_cache *c);	/* zeroed, or NULL */
void *nb_huge_alloc(size_t bytes);		/* zeroed, 2 MiB aligned, or NULL */
void nb_huge_free(void *p, size_t bytes);
void nb_cache_free(struct nb_cache *c, void *p);

#endif /* NB_SLAB_H */
