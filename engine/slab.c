/*
 * Object caches (see slab.h).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "debug.h"
#include "slab.h"

#define HUGE_BYTES	((size_t)2 << 20)	/* x86-64's and arm64's PMD size */

static size_t huge_round(size_t bytes)
{
	return (bytes + HUGE_BYTES - 1) & ~(HUGE_BYTES - 1);
}

/*
 * Map one huge page more than asked and trim both ends, so the region is
 * 2 MiB aligned: a huge page can only back an aligned 2 MiB of it.
 * Anonymous memory is zero-filled, and untouched pages cost nothing.
 */
void *nb_huge_alloc(size_t bytes)
{
	size_t len = huge_round(bytes);
	char *map = mmap(NULL, len + HUGE_BYTES, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	char *p;
	size_t head;

	if (map == MAP_FAILED)
		return NULL;
	p = (char *)(((uintptr_t)map + HUGE_BYTES - 1) & ~(uintptr_t)(HUGE_BYTES - 1));
	head = (size_t)(p - map);
	if (head)
		munmap(map, head);
	munmap(p + len, HUGE_BYTES - head);
	/* advice only: EINVAL where the kernel has no transparent huge pages */
	madvise(p, len, MADV_HUGEPAGE);
	return p;
}

void nb_huge_free(void *p, size_t bytes)
{
	if (p)
		munmap(p, huge_round(bytes));
}

#define SLAB_BYTES	HUGE_BYTES

#ifdef NB_DEBUG
void *nb_cache_alloc(struct nb_cache *c)
{
	void *p = aligned_alloc(c->align, c->size);

	if (p)
		memset(p, 0, c->size);
	return p;
}

void nb_cache_free(struct nb_cache *c, void *p)
{
	(void)c;
	nb_free(p);
}
#else
/* Carve a new slab into free objects; called with c->lock held. */
static int cache_grow(struct nb_cache *c)
{
	char *slab = nb_huge_alloc(SLAB_BYTES);
	size_t n, i;

	if (!slab)
		return -1;
	n = SLAB_BYTES / c->size;
	for (i = 0; i < n; i++) {
		void **obj = (void **)(void *)(slab + i * c->size);

		*obj = c->free_list;
		c->free_list = obj;
	}
	return 0;
}

void *nb_cache_alloc(struct nb_cache *c)
{
	void **obj;

	pthread_mutex_lock(&c->lock);
	if (!c->free_list && cache_grow(c)) {
		pthread_mutex_unlock(&c->lock);
		return NULL;
	}
	obj = c->free_list;
	c->free_list = *obj;
	pthread_mutex_unlock(&c->lock);
	memset(obj, 0, c->size);
	return obj;
}

void nb_cache_free(struct nb_cache *c, void *p)
{
	void **obj = p;

	if (!p)
		return;
	pthread_mutex_lock(&c->lock);
	*obj = c->free_list;
	c->free_list = obj;
	pthread_mutex_unlock(&c->lock);
}
#endif
