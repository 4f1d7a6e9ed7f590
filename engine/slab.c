/*
 * Object caches (see slab.h).
 */
#include <stdlib.h>
#include <string.h>

#include "debug.h"
#include "slab.h"

#define SLAB_BYTES	(64 * 1024)

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
	char *slab = aligned_alloc(c->align > 64 ? c->align : 64, SLAB_BYTES);
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
