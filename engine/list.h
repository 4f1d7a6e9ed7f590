/*
 * Lists.
 *
 * list_head: the kernel's circular doubly linked list, for lists only ever
 * touched under a lock (a directory's children, a mount's submounts).
 *
 * hlist_bl: the kernel's hash-chain list with a bit lock in bit 0 of the
 * head pointer (include/linux/list_bl.h, rculist_bl.h).  Lockless readers
 * follow ->next with acquire loads; writers hold the bit lock (or, for the
 * mount hash, mount_lock) and publish with release stores, so that a reader
 * that finds a node also sees it initialized.  A removed node keeps its
 * ->next, so a reader standing on it can still walk off the end of the
 * chain (possibly the wrong chain, after a rehash: that is what the
 * rename_lock retry of d_lookup() is for).
 */
#ifndef NB_LIST_H
#define NB_LIST_H

#include "compiler.h"
#include "percpu.h"

struct list_head {
	struct list_head *next, *prev;
};

static inline void INIT_LIST_HEAD(struct list_head *h)
{
	h->next = h;
	h->prev = h;
}

static inline void __list_add(struct list_head *n, struct list_head *prev,
			      struct list_head *next)
{
	next->prev = n;
	n->next = next;
	n->prev = prev;
	prev->next = n;
}

static inline void list_add(struct list_head *n, struct list_head *head)
{
	__list_add(n, head, head->next);
}

static inline void list_add_tail(struct list_head *n, struct list_head *head)
{
	__list_add(n, head->prev, head);
}

static inline void list_del_init(struct list_head *e)
{
	e->next->prev = e->prev;
	e->prev->next = e->next;
	INIT_LIST_HEAD(e);
}

static inline void list_move(struct list_head *e, struct list_head *head)
{
	list_del_init(e);
	list_add(e, head);
}

static inline void list_move_tail(struct list_head *e, struct list_head *head)
{
	list_del_init(e);
	list_add_tail(e, head);
}

static inline int list_empty(const struct list_head *h)
{
	return h->next == h;
}

#define list_entry(ptr, type, member)	container_of(ptr, type, member)

/*
 * Unlike the kernel's, this never forms an entry pointer from the head
 * itself (which would be misaligned for a cache-line aligned type).
 */
#define list_for_each_entry(pos, head, member)					\
	for (struct list_head *pos##_node = (head)->next;			\
	     pos##_node != (head) &&						\
	     ((pos = list_entry(pos##_node, __typeof__(*pos), member)), 1);	\
	     pos##_node = pos##_node->next)

/* ---- hlist_bl ---- */

struct hlist_bl_node {
	_Atomic(struct hlist_bl_node *) next;
	_Atomic(struct hlist_bl_node *) *pprev;	/* writers only; NULL: unhashed */
};

struct hlist_bl_head {
	_Atomic(struct hlist_bl_node *) first;	/* bit 0: the bucket lock */
};

#define LIST_BL_LOCKMASK	((uintptr_t)1)

static inline struct hlist_bl_node *bl_ptr(struct hlist_bl_node *p)
{
	return (struct hlist_bl_node *)((uintptr_t)p & ~LIST_BL_LOCKMASK);
}

static inline void INIT_HLIST_BL_NODE(struct hlist_bl_node *n)
{
	atomic_init(&n->next, NULL);
	n->pprev = NULL;
}

static inline int hlist_bl_unhashed(const struct hlist_bl_node *n)
{
	return !n->pprev;
}

/* First node of a chain, for a lockless reader. */
static inline struct hlist_bl_node *hlist_bl_first_rcu(struct hlist_bl_head *h)
{
	/* acquire: pairs with the release publishing a node in hlist_bl_add_head_rcu() */
	return bl_ptr(atomic_load_explicit(&h->first, memory_order_acquire));
}

static inline struct hlist_bl_node *hlist_bl_next_rcu(struct hlist_bl_node *n)
{
	/* acquire: as above, for a node published behind this one */
	return atomic_load_explicit(&n->next, memory_order_acquire);
}

static inline void hlist_bl_lock(struct hlist_bl_head *h)
{
	struct hlist_bl_node *old = READ_ONCE(h->first);

	for (;;) {
		if (!((uintptr_t)old & LIST_BL_LOCKMASK)) {
			nb_count(NB_CTR_RMW);
			/* acquire: pairs with the release in hlist_bl_unlock() */
			if (atomic_compare_exchange_weak_explicit(&h->first, &old,
					(struct hlist_bl_node *)((uintptr_t)old | LIST_BL_LOCKMASK),
					memory_order_acquire, memory_order_relaxed))
				return;
		} else {
			cpu_relax();
			old = READ_ONCE(h->first);
		}
	}
}

static inline void hlist_bl_unlock(struct hlist_bl_head *h)
{
	struct hlist_bl_node *cur = READ_ONCE(h->first);

	nb_count(NB_CTR_STORE);
	/* release: publishes the chain edits made under the lock */
	atomic_store_explicit(&h->first, bl_ptr(cur), memory_order_release);
}

/* Caller holds the chain's lock (bit lock or an external lock). */
static inline void hlist_bl_add_head_rcu(struct hlist_bl_node *n, struct hlist_bl_head *h)
{
	struct hlist_bl_node *cur = READ_ONCE(h->first);
	struct hlist_bl_node *first = bl_ptr(cur);

	WRITE_ONCE(n->next, first);
	if (first)
		first->pprev = &n->next;
	n->pprev = &h->first;
	/* release: the node's fields are initialized before it is reachable;
	 * pairs with the acquire in hlist_bl_first_rcu(); keeps the lock bit */
	atomic_store_explicit(&h->first,
			      (struct hlist_bl_node *)((uintptr_t)n |
				((uintptr_t)cur & LIST_BL_LOCKMASK)),
			      memory_order_release);
}

/* Caller holds the chain's lock.  ->next is left for readers standing on @n. */
static inline void __hlist_bl_del(struct hlist_bl_node *n)
{
	struct hlist_bl_node *next = READ_ONCE(n->next);
	_Atomic(struct hlist_bl_node *) *pprev = n->pprev;
	uintptr_t lockbit = (uintptr_t)READ_ONCE(*pprev) & LIST_BL_LOCKMASK;

	/* relaxed is enough: unlinking publishes no new memory */
	WRITE_ONCE(*pprev, (struct hlist_bl_node *)((uintptr_t)next | lockbit));
	if (next)
		next->pprev = pprev;
	n->pprev = NULL;
}

#endif /* NB_LIST_H */
