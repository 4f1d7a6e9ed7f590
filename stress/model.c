/*
 * The stress test's oracle (see model.h): the versioned namespace the
 * writer keeps, and the checker readers run against it.
 *
 * A cell is one changing fact: a directory entry (dir, name) -> object, an
 * object's place (parent, name, or dead), what is mounted on a directory,
 * where a filesystem root is mounted.  It keeps its last values with the
 * versions they took effect at: MODEL_HISTORY_SMALL, or once a lookup not
 * yet checked may need more, MODEL_HISTORY (cell_set, model_throttle).
 *
 * The checker replays a path walk on the model.  At each step (a
 * component looked up, a '..', a mount crossing) it may choose any version
 * from the last step's onward to the end of the window; for each distinct
 * value the step's cell takes there, the earliest such version is the best
 * choice (every later one stays possible for the steps after), so the
 * search branches only where the namespace really changed within the
 * window.  It stops at the first way of producing the answer the lookup
 * gave; finding none is a violation.
 */

#include <errno.h>
#include <inttypes.h>
#include <sched.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "model.h"
#include "../engine/compiler.h"

const char *const model_names[MODEL_NAMES] = {
	"a", "b", "c", "d", "e", "s", "o", "L", "m", "T",
	/* longer than the 40 bytes a dentry holds inline: an external name */
	"a-name-long-enough-to-live-outside-the-dentry-itself",
};

int model_name_index(const char *name, size_t len)
{
	int i;

	for (i = 0; i < MODEL_NAMES; i++)
		if (strlen(model_names[i]) == len && !memcmp(model_names[i], name, len))
			return i;
	return -1;
}

/* ---- cells ---- */

struct mentry {
	_Atomic uint64_t ver;
	_Atomic uint32_t val;
};

/*
 * A cell's values, written by the writer alone inside the cell's own
 * sequence count, read by any number of checkers without a lock: a reader
 * that saw the count odd, or changed, reads again.
 */
struct mcell {
	_Atomic uint32_t seq;
	_Atomic uint32_t n;		/* values ever written; the last cap are kept */
	/* a cell keeps MODEL_HISTORY_SMALL values here until it changes so
	 * often that an unchecked lookup may need more: then it grows, once,
	 * to MODEL_HISTORY in an array of its own (cell_set) */
	struct mentry *_Atomic big;
	struct mentry e[MODEL_HISTORY_SMALL];
};

/* Where value number @k of @c is kept; *@cap: how many are.  Inside the
 * cell's sequence count for a reader; the writer's own view otherwise. */
static struct mentry *cell_slot(const struct mcell *c, uint32_t k, uint32_t *cap)
{
	/* acquire: the grown array's copied values before the pointer to it;
	 * pairs with the release in cell_grow() */
	struct mentry *big = atomic_load_explicit(&((struct mcell *)c)->big,
						  memory_order_acquire);

	*cap = big ? MODEL_HISTORY : MODEL_HISTORY_SMALL;
	return big ? &big[k % MODEL_HISTORY] : &((struct mcell *)c)->e[k % MODEL_HISTORY_SMALL];
}

/*
 * A consistent copy of a cell, for a reader: its values number
 * snap_first() .. n - 1, value k at ver[k % MODEL_HISTORY].
 */
struct msnap {
	uint32_t n;
	uint32_t kept;			/* of them, the last kept */
	uint64_t ver[MODEL_HISTORY];
	uint32_t val[MODEL_HISTORY];
};

static struct mcell *cell_of(struct mcell *_Atomic const *p)
{
	/* acquire: the cell was initialized before it was published */
	return atomic_load_explicit((struct mcell *_Atomic *)p, memory_order_acquire);
}

static void cell_snapshot(const struct mcell *c, struct msnap *s)
{
	for (;;) {
		uint32_t seq = atomic_load_explicit(&((struct mcell *)c)->seq, memory_order_acquire);
		uint32_t k;

		if (seq & 1)
			continue;	/* the writer is in it: a few stores */
		uint32_t cap;

		s->n = atomic_load_explicit(&((struct mcell *)c)->n, memory_order_relaxed);
		cell_slot(c, 0, &cap);
		s->kept = s->n < cap ? s->n : cap;
		for (k = s->n - s->kept; k < s->n; k++) {
			struct mentry *e = cell_slot(c, k, &cap);

			s->ver[k % MODEL_HISTORY] = atomic_load_explicit(&e->ver,
									 memory_order_relaxed);
			s->val[k % MODEL_HISTORY] = atomic_load_explicit(&e->val,
									 memory_order_relaxed);
		}
		/* the copy was read before the count is read again; pairs
		 * with the release fence that opens the writer's section */
		atomic_thread_fence(memory_order_acquire);
		if (atomic_load_explicit(&((struct mcell *)c)->seq, memory_order_relaxed) == seq)
			return;
	}
}

/* The index of the oldest value @s keeps: of its n values, the last kept. */
static uint32_t snap_first(const struct msnap *s)
{
	return s->n - s->kept;
}

/* A cell's value at version @v; false if that is older than its history. */
static bool snap_get(const struct msnap *s, uint64_t v, uint32_t *val)
{
	uint32_t k;

	for (k = s->n; k > snap_first(s); k--) {
		uint32_t slot = (k - 1) % MODEL_HISTORY;

		if (s->ver[slot] <= v) {
			*val = s->val[slot];
			return true;
		}
	}
	if (!snap_first(s)) {
		*val = 0;		/* before its first value: nothing */
		return true;
	}
	return false;
}

static bool cell_get(const struct mcell *c, uint64_t v, uint32_t *val)
{
	struct msnap s;

	if (!c) {
		*val = 0;
		return true;
	}
	cell_snapshot(c, &s);
	return snap_get(&s, v, val);
}

/* The writer's view: the newest value (no other thread writes cells). */
static uint32_t cell_now(const struct mcell *c)
{
	uint32_t n, cap;

	if (!c)
		return 0;
	n = atomic_load_explicit(&((struct mcell *)c)->n, memory_order_relaxed);
	return n ? atomic_load_explicit(&cell_slot(c, n - 1, &cap)->val, memory_order_relaxed) : 0;
}

/*
 * A grown cell keeps MODEL_HISTORY values: after MODEL_STEP more, the
 * oldest will be value number n + MODEL_STEP - MODEL_HISTORY, and a lookup
 * that began before that value's version would find the history too
 * short.  The next step waits until no unchecked lookup began so early
 * (model_throttle).  A small cell grows instead (cell_set).
 */
static void cell_need(struct model *m, const struct mcell *c, uint32_t n)
{
	uint32_t cap;
	uint64_t v;

	cell_slot(c, 0, &cap);
	if (cap < MODEL_HISTORY || n + MODEL_STEP <= MODEL_HISTORY)
		return;
	v = atomic_load_explicit(&cell_slot(c, n + MODEL_STEP - MODEL_HISTORY, &cap)->ver,
				 memory_order_relaxed);
	if (v > m->need)
		m->need = v;
}

static uint64_t floor_scan(struct model *m, int *who);

/* May a lookup not yet checked have begun before version @v? */
static bool still_needed(struct model *m, uint64_t v)
{
	int who;

	if (v <= m->safe)
		return false;
	m->safe = floor_scan(m, &who);
	return v > m->safe;
}

/* The small cell @c's n values, copied to an array that keeps MODEL_HISTORY. */
static struct mentry *cell_grown(const struct mcell *c, uint32_t n)
{
	struct mentry *big = calloc(MODEL_HISTORY, sizeof(*big));
	uint32_t k, cap;

	if (!big)
		abort();
	for (k = n > MODEL_HISTORY_SMALL ? n - MODEL_HISTORY_SMALL : 0; k < n; k++) {
		struct mentry *e = cell_slot(c, k, &cap);

		atomic_init(&big[k % MODEL_HISTORY].ver,
			    atomic_load_explicit(&e->ver, memory_order_relaxed));
		atomic_init(&big[k % MODEL_HISTORY].val,
			    atomic_load_explicit(&e->val, memory_order_relaxed));
	}
	return big;
}

static void cell_free(struct mcell *c)
{
	if (c)
		free(atomic_load_explicit(&c->big, memory_order_relaxed));
	free(c);
}

static void cell_set(struct model *m, struct mcell *_Atomic *cp, uint32_t val)
{
	struct mcell *c = atomic_load_explicit(cp, memory_order_relaxed);
	struct mentry *last, *big = NULL;
	uint32_t n, seq, cap;
	bool again;

	if (!c) {
		c = calloc(1, sizeof(*c));
		if (!c)
			abort();
		/* release: the zeroed cell before the pointer to it */
		atomic_store_explicit(cp, c, memory_order_release);
	}
	n = atomic_load_explicit(&c->n, memory_order_relaxed);
	last = n ? cell_slot(c, n - 1, &cap) : NULL;
	/* changed twice in one version: the value is replaced, not added */
	again = last && atomic_load_explicit(&last->ver, memory_order_relaxed) == m->ver;
	cell_slot(c, n, &cap);
	/* a value about to be dropped that a lookup may still need: grow */
	if (!again && n >= cap && cap < MODEL_HISTORY &&
	    still_needed(m, atomic_load_explicit(&cell_slot(c, n + 1 - cap, &cap)->ver,
						 memory_order_relaxed)))
		big = cell_grown(c, n);
	seq = atomic_load_explicit(&c->seq, memory_order_relaxed);
	atomic_store_explicit(&c->seq, seq + 1, memory_order_relaxed);
	/* the odd count is visible before any change to the values; pairs
	 * with the acquire fence in cell_snapshot() */
	atomic_thread_fence(memory_order_release);
	if (big)
		/* release: the copied values before the pointer; pairs with the
		 * acquire in cell_slot() */
		atomic_store_explicit(&c->big, big, memory_order_release);
	if (again) {
		atomic_store_explicit(&last->val, val, memory_order_relaxed);
	} else {
		struct mentry *e = cell_slot(c, n, &cap);

		atomic_store_explicit(&e->ver, m->ver, memory_order_relaxed);
		atomic_store_explicit(&e->val, val, memory_order_relaxed);
		atomic_store_explicit(&c->n, ++n, memory_order_relaxed);
	}
	/* release: the values before the even count */
	atomic_store_explicit(&c->seq, seq + 2, memory_order_release);
	cell_need(m, c, n);
}

/*
 * An object's place: parent << 4 | name, or name DEAD_NAME once it is
 * unlinked (the parent is kept: an unlinked directory's d_parent still
 * points where it was, and '..' from it still goes there).
 */
#define DEAD_NAME	15u
#define WHERE(parent, name)	((uint32_t)(parent) << 4 | (uint32_t)(name))
#define WHERE_PARENT(w)		((mref)((w) >> 4))
#define WHERE_NAME(w)		((int)((w) & 15u))

/*
 * Attributes, by tmpfs's rules (engine/shmem.c, engine/inode.c): a
 * directory has 2 + its subdirectories links and a size of 40 + 20 bytes
 * per entry; a regular file has size 0, a symlink its target's length,
 * and both 1 link; an unlinked object 0 links.  A file's follow from its
 * place (where) and its body, so only a directory has a cell of them
 * (attr): for each version, the link count and the number of entries it
 * ended with, and the one other value each took while that version's
 * change was half made.  shmem changes a directory in several stores,
 * and stat reads them without a lock: a rename within one directory drops
 * its link count and size and then restores them; rmdir takes its victim
 * from 2 links through 1 to 0.  The writer makes the same stores in the
 * same order (dir_attr_add), so a value seen in passing is one the model
 * has.
 */
enum { ATTR_NLINK, ATTR_ENTRIES };		/* a field: 16 bits of the value */
#define AF(a, f)		(((a) >> (16 * (f))) & 0xffffu)
#define AF_END(x)		((x) & 63u)		/* what the version ended with */
#define AF_MID(x)		(((x) >> 6) & 63u)	/* what it took in passing */
#define AF_PASSING		0x1000u			/* ... if anything */
#define AF_TOUCHED		0x2000u			/* the version changed it */
#define ATTR_NEW_DIR		2u			/* 2 links, no entries */
#define DIR_SIZE(ents)		(2 * 20 + 20 * (int64_t)(ents))	/* BOGO_DIRENT_SIZE */

/* ---- the objects ---- */

static struct mobj *O(const struct model *m, mref r)
{
	return &m->obj[r];
}

/*
 * @body's copy, one per text: symlinks made with the same target share it,
 * so that a check's walk states that are left with equal texts to resolve
 * are equal (walk_key), whichever link they came from.  Kept until
 * model_destroy(): a check may read any object's body.
 */
static size_t text_hash(const char *s)
{
	size_t h = 5381;

	while (*s)
		h = h * 33 + (unsigned char)*s++;
	return h;
}

static const char *body_kept(struct model *m, const char *body)
{
	size_t j;

	if (2 * (m->nbodies + 1) > m->body_slots) {
		size_t n = m->body_slots ? 2 * m->body_slots : 256, i, k;
		char **slot = calloc(n, sizeof(*slot));

		if (!slot)
			abort();	/* as the writer's other model allocations */
		for (i = 0; i < m->body_slots; i++) {
			if (!m->bodies[i])
				continue;
			for (k = text_hash(m->bodies[i]) & (n - 1); slot[k]; k = (k + 1) & (n - 1))
				;
			slot[k] = m->bodies[i];
		}
		free(m->bodies);
		m->bodies = slot;
		m->body_slots = n;
	}
	for (j = text_hash(body) & (m->body_slots - 1); m->bodies[j];
	     j = (j + 1) & (m->body_slots - 1))
		if (!strcmp(m->bodies[j], body))
			return m->bodies[j];
	m->bodies[j] = strdup(body);
	if (!m->bodies[j])
		abort();
	m->nbodies++;
	return m->bodies[j];
}

static mref obj_new(struct model *m, enum mtype type, unsigned int dev, uint64_t ino,
		    const char *body)
{
	struct mobj *o;

	if (m->nobj == MODEL_OBJECTS)
		abort();		/* the writer checks model_full() first */
	o = &m->obj[m->nobj];
	o->type = (uint8_t)type;
	o->dev = dev;
	o->ino = ino;
	o->body = body ? body_kept(m, body) : NULL;
	if (type == MT_DIR)		/* new_inode(): 2 links, 40 bytes */
		cell_set(m, &o->attr, ATTR_NEW_DIR);
	return m->nobj++;
}

/* ---- objects by number ---- */

#define BY_ID_SLOTS	(2 * MODEL_OBJECTS)	/* a power of two, half full at most */

static size_t id_slot(unsigned int dev, uint64_t ino)
{
	return (size_t)((ino * 0x9e3779b97f4a7c15ull) ^ ((uint64_t)dev << 40) ^ dev) &
	       (BY_ID_SLOTS - 1);
}

/*
 * by_id_add - the writer files @x, once everything a checker reads of it
 * without a cell (dev, ino, fsroot, same_id) is set.  A pair's slot, once
 * taken, keeps it; a newer object of the pair replaces the older there and
 * links to it.
 */
static void by_id_add(struct model *m, mref x)
{
	size_t i = id_slot(O(m, x)->dev, O(m, x)->ino);
	mref y;

	while ((y = atomic_load_explicit(&m->by_id[i], memory_order_relaxed)) &&
	       (O(m, y)->dev != O(m, x)->dev || O(m, y)->ino != O(m, x)->ino))
		i = (i + 1) & (BY_ID_SLOTS - 1);
	O(m, x)->same_id = y;
	/* release: the object's fields before its number; pairs with the
	 * acquire in model_find() */
	atomic_store_explicit(&m->by_id[i], x, memory_order_release);
}

static uint64_t history_start(const struct model *m, mref x);

/* The newest object numbered @dev:@ino, the head of its same_id chain; 0: none. */
static mref model_find_newest(const struct model *m, unsigned int dev, uint64_t ino)
{
	size_t i = id_slot(dev, ino);
	mref x;

	while ((x = atomic_load_explicit(&m->by_id[i], memory_order_acquire)) &&
	       (O(m, x)->dev != dev || O(m, x)->ino != ino))
		i = (i + 1) & (BY_ID_SLOTS - 1);
	return x;
}

mref model_find(const struct model *m, unsigned int dev, uint64_t ino, uint64_t w)
{
	mref x = model_find_newest(m, dev, ino), newest;

	/* as answer_object(): else the newest (the root has no history) */
	for (newest = x; x; x = O(m, x)->same_id)
		if (history_start(m, x) <= w)
			return x;
	return newest;
}

/* Log an event's version: the entry is written before the count grows. */
static void push_version(uint64_t *v, _Atomic size_t *np, uint64_t ver)
{
	size_t n = atomic_load_explicit(np, memory_order_relaxed);

	if (n && v[n - 1] == ver)
		return;
	if (n == MODEL_EVENTS)
		abort();		/* the stress test ends a round at model_fill() 0.9 */
	v[n] = ver;
	/* release: pairs with the acquire in any_between() */
	atomic_store_explicit(np, n + 1, memory_order_release);
}

bool model_full(const struct model *m)
{
	return m->nobj + 2 >= MODEL_OBJECTS;
}

/*
 * How much of its fixed capacity the model has used, 0 to 1: the larger
 * of the object array and the event lists.  The stress test ends a round
 * well before either fills, so that no event is ever dropped.
 */
double model_fill(const struct model *m)
{
	size_t ev = atomic_load_explicit(&((struct model *)m)->n_ns_events, memory_order_relaxed);
	size_t mev = atomic_load_explicit(&((struct model *)m)->n_mount_events,
					  memory_order_relaxed);
	double f = (double)m->nobj / MODEL_OBJECTS;

	if (ev > mev)
		mev = ev;
	return (double)mev / MODEL_EVENTS > f ? (double)mev / MODEL_EVENTS : f;
}

/* The index of the first version above @lo in the sorted @v[0 .. n). */
static size_t first_after(const uint64_t *v, size_t n, uint64_t lo)
{
	size_t a = 0, b = n;

	while (a < b) {
		size_t mid = (a + b) / 2;

		if (v[mid] <= lo)
			a = mid + 1;
		else
			b = mid;
	}
	return a;
}

/* Is there a version in (@lo, @hi] in the sorted list @v? */
static bool any_between(const uint64_t *v, _Atomic size_t *np, uint64_t lo, uint64_t hi)
{
	size_t n = atomic_load_explicit(np, memory_order_acquire), a = first_after(v, n, lo);

	return a < n && v[a] <= hi;
}

int model_init(struct model *m, unsigned int root_dev, uint64_t root_ino)
{
	memset(m, 0, sizeof(*m));
	/* calloc: large arrays are untouched zero pages until used */
	m->obj = calloc(MODEL_OBJECTS, sizeof(*m->obj));
	m->attached = calloc(MODEL_OBJECTS, sizeof(*m->attached));
	m->mount_events = calloc(MODEL_EVENTS, sizeof(*m->mount_events));
	m->ns_events = calloc(MODEL_EVENTS, sizeof(*m->ns_events));
	m->log_size = 1 << 14;
	m->log = calloc(m->log_size, sizeof(*m->log));
	m->log_ver = calloc(m->log_size, sizeof(*m->log_ver));
	m->by_id = calloc(BY_ID_SLOTS, sizeof(*m->by_id));
	if (!m->obj || !m->attached || !m->mount_events || !m->ns_events || !m->log ||
	    !m->log_ver || !m->by_id)
		return -ENOMEM;
	m->nobj = 1;			/* 0 is "none" */
	m->root = obj_new(m, MT_DIR, root_dev, root_ino, NULL);
	O(m, m->root)->fsroot = true;
	by_id_add(m, m->root);
	return 0;
}

void model_destroy(struct model *m)
{
	uint32_t i;
	int k;

	for (i = 1; i < m->nobj; i++) {
		struct mobj *o = O(m, i);

		cell_free(cell_of(&o->where));
		cell_free(cell_of(&o->mounted));
		cell_free(cell_of(&o->mountpoint));
		cell_free(cell_of(&o->attr));
		for (k = 0; k < MODEL_NAMES; k++)
			cell_free(cell_of(&o->child[k]));
	}
	for (i = 0; i < m->body_slots; i++)
		free(m->bodies[i]);
	free(m->bodies);
	free(m->obj);
	free(m->attached);
	free(m->mount_events);
	free((void *)m->ns_events);
	free(m->log);
	free((void *)m->log_ver);
	free((void *)m->by_id);
	free(m->floor);
}

/* ---- the writer ---- */

void model_writer_busy(struct model *m, bool busy)
{
	atomic_store(&m->busy, busy);
	/* the flag is visible before anything the operation then does;
	 * pairs with the fence in the reader before it samples s1 */
	atomic_thread_fence(memory_order_seq_cst);
}

void model_begin(struct model *m, const char *fmt, ...)
{
	va_list ap;
	size_t slot;

	if (++m->step_versions > MODEL_STEP && m->nfloors)
		abort();		/* the writer calls model_throttle() between steps */
	m->ver++;
	slot = m->ver % m->log_size;
	/* a report reads the log only once the writer is idle */
	atomic_store_explicit(&m->log_ver[slot], m->ver, memory_order_relaxed);
	va_start(ap, fmt);
	vsnprintf(m->log[slot], sizeof(m->log[slot]), fmt, ap);
	va_end(ap);
}

void model_publish(struct model *m)
{
	/* everything the operation did is visible before the version is, and
	 * the version before anything the next operation does */
	atomic_store(&m->published, m->ver);
	atomic_thread_fence(memory_order_seq_cst);
}

void model_note_ns_event(struct model *m)
{
	push_version(m->ns_events, &m->n_ns_events, m->ver);
}

/* Did the cell change at the writer's current version already? */
static bool cell_changed_now(const struct model *m, const struct mcell *c)
{
	uint32_t n = c ? atomic_load_explicit(&((struct mcell *)c)->n, memory_order_relaxed) : 0, cap;

	return n && atomic_load_explicit(&cell_slot(c, n - 1, &cap)->ver,
					 memory_order_relaxed) == m->ver;
}

/*
 * One of shmem's stores to directory @d: field @f (ATTR_NLINK, or
 * ATTR_ENTRIES for its size) moves by @delta.  What it held before, if
 * this version had already changed it, is a value a racing stat may have
 * seen in passing.
 */
static void dir_attr_add(struct model *m, mref d, int f, int delta)
{
	const struct mcell *c = cell_of(&O(m, d)->attr);
	uint32_t a = cell_now(c), x, nv, other = 0;
	int k, nother = 0;

	if (!cell_changed_now(m, c))	/* the version's first change: a clean slate */
		a &= ~((AF_PASSING | AF_TOUCHED) * 0x10001u);
	x = AF(a, f);
	nv = (uint32_t)((int)AF_END(x) + delta);
	if (x & AF_TOUCHED) {
		/* the values this version took before, other than nv */
		uint32_t seen[2] = { AF_END(x), AF_MID(x) };

		for (k = 0; k < ((x & AF_PASSING) ? 2 : 1); k++)
			if (seen[k] != nv && !(nother && other == seen[k])) {
				other = seen[k];
				nother++;
			}
	}
	if (nother > 1 || nv > 63)
		abort();		/* more than the cell can say */
	x = nv | other << 6 | AF_TOUCHED | (nother ? AF_PASSING : 0);
	a = (a & ~(0xffffu << (16 * f))) | x << (16 * f);
	cell_set(m, &O(m, d)->attr, a);
}

/* shmem_unlink(): the directory loses an entry, the victim a link. */
static void attr_unlink(struct model *m, mref dir, mref victim)
{
	dir_attr_add(m, dir, ATTR_ENTRIES, -1);
	if (O(m, victim)->type == MT_DIR)
		dir_attr_add(m, victim, ATTR_NLINK, -1);
}

mref model_add(struct model *m, mref dir, int name, enum mtype type, unsigned int dev,
	       uint64_t ino, const char *body)
{
	mref x = obj_new(m, type, dev, ino, body);

	O(m, x)->casefold = O(m, dir)->casefold;	/* one filesystem */
	cell_set(m, &O(m, x)->where, WHERE(dir, name));
	by_id_add(m, x);
	cell_set(m, &O(m, dir)->child[name], x);
	/* shmem_mknod(), then shmem_mkdir()'s ".." */
	dir_attr_add(m, dir, ATTR_ENTRIES, 1);
	if (type == MT_DIR)
		dir_attr_add(m, dir, ATTR_NLINK, 1);
	return x;
}

void model_remove(struct model *m, mref dir, int name)
{
	mref x = cell_now(cell_of(&O(m, dir)->child[name]));

	cell_set(m, &O(m, dir)->child[name], 0);
	cell_set(m, &O(m, x)->where, WHERE(dir, DEAD_NAME));
	if (O(m, x)->type != MT_DIR) {
		attr_unlink(m, dir, x);
		return;
	}
	/* shmem_rmdir(): ".", the entry, then the parent's ".." link */
	dir_attr_add(m, x, ATTR_NLINK, -1);
	attr_unlink(m, dir, x);
	dir_attr_add(m, dir, ATTR_NLINK, -1);
}

void model_rename(struct model *m, mref from_dir, int from, mref to_dir, int to)
{
	mref x = cell_now(cell_of(&O(m, from_dir)->child[from]));
	mref victim = cell_now(cell_of(&O(m, to_dir)->child[to]));
	bool dirs = O(m, x)->type == MT_DIR;

	if (victim)
		cell_set(m, &O(m, victim)->where, WHERE(to_dir, DEAD_NAME));
	cell_set(m, &O(m, from_dir)->child[from], 0);
	cell_set(m, &O(m, to_dir)->child[to], x);
	cell_set(m, &O(m, x)->where, WHERE(to_dir, to));
	model_note_ns_event(m);
	/* shmem_rename(), store by store */
	if (victim) {
		attr_unlink(m, to_dir, victim);
		if (dirs) {
			dir_attr_add(m, victim, ATTR_NLINK, -1);
			dir_attr_add(m, from_dir, ATTR_NLINK, -1);
		}
	} else if (dirs) {
		dir_attr_add(m, from_dir, ATTR_NLINK, -1);
		dir_attr_add(m, to_dir, ATTR_NLINK, 1);
	}
	dir_attr_add(m, from_dir, ATTR_ENTRIES, -1);
	dir_attr_add(m, to_dir, ATTR_ENTRIES, 1);
}

void model_exchange(struct model *m, mref dir1, int name1, mref dir2, int name2)
{
	mref x = cell_now(cell_of(&O(m, dir1)->child[name1]));
	mref y = cell_now(cell_of(&O(m, dir2)->child[name2]));
	bool xdir = O(m, x)->type == MT_DIR, ydir = O(m, y)->type == MT_DIR;

	/* shmem_exchange(): only a directory changing parents moves a link */
	if (dir1 != dir2 && xdir != ydir) {
		dir_attr_add(m, xdir ? dir1 : dir2, ATTR_NLINK, -1);
		dir_attr_add(m, xdir ? dir2 : dir1, ATTR_NLINK, 1);
	}
	cell_set(m, &O(m, dir1)->child[name1], y);
	cell_set(m, &O(m, dir2)->child[name2], x);
	cell_set(m, &O(m, x)->where, WHERE(dir2, name2));
	cell_set(m, &O(m, y)->where, WHERE(dir1, name1));
	model_note_ns_event(m);
}

mref model_mount(struct model *m, mref dir, unsigned int dev)
{
	mref r = obj_new(m, MT_DIR, dev, 1, NULL);

	O(m, r)->fsroot = true;
	cell_set(m, &O(m, r)->mountpoint, dir);
	by_id_add(m, r);
	cell_set(m, &O(m, dir)->mounted, r);
	m->attached[m->nattached++] = r;
	push_version(m->mount_events, &m->n_mount_events, m->ver);
	model_note_ns_event(m);
	return r;
}

/*
 * Before the version that holds @fsroot is published: the checker reads
 * the flag of objects it reached through published cells only.
 */
void model_fs_casefold(struct model *m, mref fsroot)
{
	O(m, fsroot)->casefold = true;
}

void model_fs_autofs(struct model *m, mref fsroot)
{
	O(m, fsroot)->autofs = true;
	O(m, fsroot)->last_ino = 1;
}

/* Is the filesystem of root @r mounted (directly or not) under root @top? */
static bool mounted_below(const struct model *m, mref r, mref top)
{
	while (r != top) {
		mref mp = cell_now(cell_of(&O(m, r)->mountpoint));

		if (!mp)
			return false;
		r = model_fs_root(m, mp);
	}
	return true;
}

void model_umount(struct model *m, mref fsroot)
{
	uint32_t i, keep = 0;
	mref *gone = calloc(m->nattached, sizeof(*gone));
	size_t n = 0;

	if (!gone)
		abort();
	/* umount_tree(): every mount below goes too, each detached alone */
	for (i = 0; i < m->nattached; i++) {
		mref r = m->attached[i];

		if (mounted_below(m, r, fsroot))
			gone[n++] = r;
		else
			m->attached[keep++] = r;
	}
	m->nattached = keep;
	for (i = 0; i < n; i++) {
		mref mp = cell_now(cell_of(&O(m, gone[i])->mountpoint));

		cell_set(m, &O(m, mp)->mounted, 0);
		cell_set(m, &O(m, gone[i])->mountpoint, 0);
	}
	free(gone);
	push_version(m->mount_events, &m->n_mount_events, m->ver);
	model_note_ns_event(m);
}

mref model_child(const struct model *m, mref dir, int name)
{
	return cell_now(cell_of(&O(m, dir)->child[name]));
}

mref model_parent(const struct model *m, mref obj)
{
	uint32_t w = cell_now(cell_of(&O(m, obj)->where));

	return O(m, obj)->fsroot || WHERE_NAME(w) == DEAD_NAME ? 0 : WHERE_PARENT(w);
}

int model_name_of(const struct model *m, mref obj)
{
	return WHERE_NAME(cell_now(cell_of(&O(m, obj)->where)));
}

mref model_mounted_on(const struct model *m, mref dir)
{
	return cell_now(cell_of(&O(m, dir)->mounted));
}

mref model_mountpoint(const struct model *m, mref fsroot)
{
	return cell_now(cell_of(&O(m, fsroot)->mountpoint));
}

mref model_top(const struct model *m, mref dir)
{
	mref up;

	while ((up = model_mounted_on(m, dir)))
		dir = up;
	return dir;
}

bool model_is_empty(const struct model *m, mref dir)
{
	int k;

	for (k = 0; k < MODEL_NAMES; k++)
		if (model_child(m, dir, k))
			return false;
	return true;
}

mref model_fs_root(const struct model *m, mref obj)
{
	while (!O(m, obj)->fsroot) {
		uint32_t w = cell_now(cell_of(&O(m, obj)->where));

		obj = WHERE_PARENT(w);
	}
	return obj;
}

bool model_is_ancestor(const struct model *m, mref anc, mref obj)
{
	for (;;) {
		if (obj == anc)
			return true;
		if (O(m, obj)->fsroot)
			return false;
		obj = WHERE_PARENT(cell_now(cell_of(&O(m, obj)->where)));
	}
}

int model_path(const struct model *m, mref obj, char *buf, size_t n)
{
	const char *parts[256];
	int k = 0;
	size_t len = 0;
	bool first = true;

	/*
	 * Up from @obj; every directory above it must resolve to itself by
	 * path: not covered by a mount, unless we came up from the root at
	 * the top of what is mounted on it.
	 */
	while (obj != m->root) {
		if (k == 256)
			return -1;
		if (O(m, obj)->fsroot) {
			mref mp = model_mountpoint(m, obj);

			if (!mp || model_top(m, mp) != obj)
				return -1;	/* detached, or under another mount */
			obj = mp;
			first = true;	/* the mountpoint's name is the path's */
			continue;
		}
		if (!first && model_mounted_on(m, obj))
			return -1;
		if (model_name_of(m, obj) == (int)DEAD_NAME)
			return -1;
		parts[k++] = model_names[model_name_of(m, obj)];
		obj = WHERE_PARENT(cell_now(cell_of(&O(m, obj)->where)));
		first = false;
	}
	if (model_mounted_on(m, m->root) && k)
		return -1;
	if (!k)
		return snprintf(buf, n, "/") < (int)n ? 0 : -1;
	while (k--) {
		int w = snprintf(buf + len, n - len, "/%s", parts[k]);

		if (w < 0 || (size_t)w >= n - len)
			return -1;
		len += (size_t)w;
	}
	return 0;
}

/* ---- the checker ---- */

#define MAXFRAMES	48
#define MAXLINKS	40		/* MAXSYMLINKS */
#define NODE_LIMIT	10000000	/* steps a check may search: with the memo, far more
				 * than the states of any window of MODEL_WINDOW versions */
#define NO_VERSION	UINT64_MAX
#define MAX_OUTCOMES	8
#define ATOMIC_WINDOW	MODEL_WINDOW	/* the most versions an atomic check tries */
#define MAXCAND		(MODEL_WINDOW + 1)	/* the versions a step may try */

struct outcome {
	int err;
	mref obj;
	uint64_t ver;
};

struct chk {
	const struct model *m;
	const struct lookup_record *r;
	enum check_mode mode;
	bool strong;			/* hold the walk to RCU-walk's promises */
	uint64_t s0, w;			/* the window (one mount epoch of it, strong) */
	uint64_t w_full;		/* the whole window's end */
	mref scoped_root;		/* a stat_in_root walk: its root */
	bool follow_last;		/* stat, not lstat */
	bool want_dir_start;		/* LOOKUP_DIRECTORY from the start */
	bool ns_in_window;		/* rename_lock or mount_lock moved */
	bool collect;			/* gather outcomes rather than match */
	struct outcome out[MAX_OUTCOMES];
	int nout;
	bool more;			/* collecting: outcomes past MAX_OUTCOMES */
	long nodes;
	long nodes_by[5];		/* by enum memo_search; 0: before the memo */
	int deepest;			/* the most symlinks a walk state had followed */
	struct memo *memo;		/* searches that failed (allocated once needed) */
	bool gave_up, lost;
	const char *why;		/* the first reason it gave up */
	/* not collecting: where an outcome goes instead (an ancestor walk
	 * continues up, a stat_in_root's root starts the scoped walk) */
	bool (*land)(struct chk *c, int err, mref obj, uint64_t t);
};

struct wst {
	mref cur;
	uint64_t t;			/* the earliest version of the next step */
	uint32_t rel;			/* strong: cur's place when we stepped onto it */
	uint64_t fixed;			/* atomic: the one version the walk is tried at */
	int links;
	bool follow, want_dir;
	int nframes;
	const char *frame[MAXFRAMES];
};

static bool walk_on(struct chk *c, struct wst s);

/* The check cannot be finished: the lookup is left unchecked, and why. */
static void give_up(struct chk *c, const char *why)
{
	if (!c->gave_up)
		c->why = why;
	c->gave_up = true;
}

/*
 * The memo - a search state that failed once fails again: the walk from a
 * state is a function of that state and of the check's context (its window,
 * its root, what an outcome is handed to).  Different choices often lead
 * back to one state (a component that changed at several versions, each
 * leaving the next step the same), and without the memo the search is
 * exponential in the path's length where it need only be linear in the
 * states: a window of a few hundred versions over a deep path ran past
 * NODE_LIMIT in about one lookup in two million.  The keys are kept whole,
 * never a hash alone, so a hit is never a false failure.  Only searches
 * past MEMO_AFTER steps use it: most checks take a few dozen.
 */
#define MEMO_AFTER	256
#define MEMO_KEY	(10 + MAXFRAMES)	/* words: context, state, frames */

struct memo {
	uint32_t *slot;			/* open addressing: 1 + a key's offset, 0: empty */
	size_t nslot, used;
	uint64_t *keys;			/* each key: its length, then its words */
	size_t len, cap;
};

static uint64_t memo_hash(const uint64_t *k, int n)
{
	uint64_t h = 0x9e3779b97f4a7c15ull;
	int i;

	for (i = 0; i < n; i++) {
		h ^= k[i];
		h *= 0xff51afd7ed558ccdull;
		h ^= h >> 32;
	}
	return h;
}

static bool memo_grow(struct memo *mm)
{
	size_t n = mm->nslot ? 2 * mm->nslot : 1024, i, j;
	uint32_t *slot = calloc(n, sizeof(*slot));

	if (!slot)
		return false;
	for (i = 0; i < mm->nslot; i++) {
		const uint64_t *k;

		if (!mm->slot[i])
			continue;
		k = mm->keys + mm->slot[i] - 1;
		for (j = memo_hash(k + 1, (int)k[0]) & (n - 1); slot[j]; j = (j + 1) & (n - 1))
			;
		slot[j] = mm->slot[i];
	}
	free(mm->slot);
	mm->slot = slot;
	mm->nslot = n;
	return true;
}

/* Has the key @k[0..n) failed before?  If not and @add, remember it has. */
static bool memo_find(struct chk *c, const uint64_t *k, int n, bool add)
{
	struct memo *mm = c->memo;
	size_t j;

	if (!mm) {
		if (!add || !(mm = c->memo = calloc(1, sizeof(*mm))))
			return false;
	}
	if (add && 2 * (mm->used + 1) > mm->nslot && !memo_grow(mm))
		return false;		/* not remembered: only searched again */
	if (!mm->nslot)
		return false;
	for (j = memo_hash(k, n) & (mm->nslot - 1); mm->slot[j]; j = (j + 1) & (mm->nslot - 1)) {
		const uint64_t *e = mm->keys + mm->slot[j] - 1;

		if (e[0] == (uint64_t)n && !memcmp(e + 1, k, (size_t)n * sizeof(*k)))
			return true;
	}
	if (!add)
		return false;
	if (mm->len + (size_t)n + 1 > mm->cap) {
		size_t cap = mm->cap ? 2 * mm->cap : 16384;
		uint64_t *keys;

		while (cap < mm->len + (size_t)n + 1)
			cap *= 2;
		if (cap > UINT32_MAX || !(keys = realloc(mm->keys, cap * sizeof(*keys))))
			return false;
		mm->keys = keys;
		mm->cap = cap;
	}
	mm->slot[j] = (uint32_t)(mm->len + 1);
	mm->keys[mm->len] = (uint64_t)n;
	memcpy(mm->keys + mm->len + 1, k, (size_t)n * sizeof(*k));
	mm->len += (size_t)n + 1;
	mm->used++;
	return false;
}

static void chk_fini(struct chk *c)
{
	if (c->memo) {
		free(c->memo->slot);
		free(c->memo->keys);
		free(c->memo);
		c->memo = NULL;
	}
}

/* Which search a key belongs to: each keeps failures of its own. */
enum memo_search { MEMO_WALK = 1, MEMO_ANCESTORS, MEMO_ANCESTORS_RCU, MEMO_CROSS };

/* The check's context: what else a search's outcome depends on. */
static int memo_context(const struct chk *c, uint64_t *k, uint64_t tag)
{
	k[0] = tag;
	k[1] = c->s0;
	k[2] = c->w;
	k[3] = (uint64_t)c->scoped_root | (uint64_t)c->collect << 32 | (uint64_t)c->strong << 33 |
	       (uint64_t)c->follow_last << 34 | (uint64_t)c->want_dir_start << 35;
	k[4] = (uint64_t)(uintptr_t)c->land;
	return 5;
}

/*
 * A walk search's key: which search (@tag), the context, the whole walk
 * state - its frames as what is left of each, past separators, and
 * without the ones used up.  walk_step() skips the separators and pops a
 * used-up frame, and more_components() looks past one, so these states
 * walk on alike; keyed raw they did not meet, and a symlink whose body
 * ends in another ("L" -> "L/..", "c" -> "L") stacked a used-up frame per
 * link, each its own key: thousands of states per version (the soak's
 * stat "/c" past NODE_LIMIT, rcuwalk, eight readers).  Bodies are kept
 * once per text (model_add), so equal pointers are equal texts.
 */
static int walk_key(const struct chk *c, uint64_t tag, const struct wst *s, uint64_t *k)
{
	int n = memo_context(c, k, tag), i, at, nf = 0;

	k[n++] = (uint64_t)s->cur | (uint64_t)s->rel << 32;
	k[n++] = s->t;
	k[n++] = s->fixed;
	at = n++;		/* the counts and flags, once the frames are counted */
	for (i = 0; i < s->nframes; i++) {
		const char *p = s->frame[i];

		while (*p == '/')
			p++;
		if (*p) {
			k[n++] = (uint64_t)(uintptr_t)p;
			nf++;
		}
	}
	k[at] = (uint64_t)(uint32_t)s->links | (uint64_t)s->follow << 32 |
		(uint64_t)s->want_dir << 33 | (uint64_t)nf << 40;
	return n;
}

static bool same_answer(const struct chk *c, int err, mref obj)
{
	const struct lookup_record *r = c->r;
	const struct mobj *o;

	if (err || r->err)
		return err == r->err;
	o = O(c->m, obj);
	return o->dev == r->st.dev && o->ino == r->st.ino &&
	       (int)r->st.type == (o->type == MT_DIR ? NB_DIR : o->type == MT_LNK ? NB_LNK : NB_REG);
}

/* An outcome of the walk: does it match, or (collecting) remember it. */
static bool emit(struct chk *c, int err, mref obj, uint64_t t)
{
	int i;

	if (c->land && !c->collect)
		return c->land(c, err, obj, t);
	if (!c->collect)
		return same_answer(c, err, obj);
	for (i = 0; i < c->nout; i++)
		if (c->out[i].err == err && c->out[i].obj == obj)
			return false;
	if (c->nout < MAX_OUTCOMES)
		c->out[c->nout++] = (struct outcome){ err, obj, t };
	else
		c->more = true;
	return false;
}

static bool get(struct chk *c, const struct mcell *cell, uint64_t v, uint32_t *val)
{
	if (cell_get(cell, v, val))
		return true;
	c->lost = true;
	return false;
}

/* ---- attributes (the rules: see ATTR in the writer's part) ---- */

enum { BAD_NLINK = 1, BAD_SIZE = 2 };

/* The slot of @s's value at version @v; false if the history is lost. */
static bool snap_slot(const struct msnap *s, uint64_t v, uint32_t *slot)
{
	uint32_t k;

	for (k = s->n; k > snap_first(s); k--) {
		*slot = (k - 1) % MODEL_HISTORY;
		if (s->ver[*slot] <= v)
			return true;
	}
	return false;
}

/*
 * Clear from @bad the attributes of @o that @st matches at version @v
 * (@s: o's attr cell if a directory, else its where): the value it ended
 * with there, and unless @final_only the one it took in passing.
 */
static bool attrs_match(const struct mobj *o, const struct msnap *s, uint64_t v,
			const struct nb_kstat *st, bool final_only, int *bad)
{
	uint32_t slot, a, n, e;
	int64_t size;
	bool passing;

	if (!snap_slot(s, v, &slot))
		return false;
	a = s->val[slot];
	if (o->type != MT_DIR) {
		size = o->type == MT_LNK ? (int64_t)strlen(o->body) : 0;
		if (st->nlink == (WHERE_NAME(a) == (int)DEAD_NAME ? 0u : 1u))
			*bad &= ~BAD_NLINK;
		if (st->size == size)
			*bad &= ~BAD_SIZE;
		return true;
	}
	passing = !final_only && s->ver[slot] == v;
	n = AF(a, ATTR_NLINK);
	e = AF(a, ATTR_ENTRIES);
	if (st->nlink == AF_END(n) || (passing && (n & AF_PASSING) && st->nlink == AF_MID(n)))
		*bad &= ~BAD_NLINK;
	if (st->size == DIR_SIZE(AF_END(e)) ||
	    (passing && (e & AF_PASSING) && st->size == DIR_SIZE(AF_MID(e))))
		*bad &= ~BAD_SIZE;
	return true;
}

/* The first version after @t at which @x's place changed; NO_VERSION: none. */
static uint64_t moved_after(const struct chk *c, mref x, uint64_t t)
{
	const struct mcell *cell = cell_of(&O(c->m, x)->where);
	struct msnap s;
	uint32_t k;

	if (!cell || O(c->m, x)->fsroot)
		return NO_VERSION;
	cell_snapshot(cell, &s);
	for (k = snap_first(&s); k < s.n; k++)
		if (s.ver[k % MODEL_HISTORY] > t)
			return s.ver[k % MODEL_HISTORY];
	return NO_VERSION;
}

/*
 * attrs_from - by which version of [@lo, @hi] had each of @st's link count
 * and size held for @x?  Returns the earliest version by which both had
 * (a step that follows the copy is no earlier), NO_VERSION if one never
 * did; *@bad: the attributes that never did (BAD_*).  Each is judged on
 * its own: stat copies them one by one, with no lock against the change
 * that makes them.  A version whose change may have been under way (any
 * but the window's first) offers what the change left behind, what it
 * took in passing, and what it found.  Global is atomic: the values at
 * its one version (c->s0).  Copied under RCU (@rcu), they were validated
 * by x's d_seq: no later than the change that moved x.
 */
static uint64_t attrs_from(struct chk *c, mref x, const struct nb_kstat *st, uint64_t lo,
			   uint64_t hi, bool rcu, int *bad)
{
	const struct mobj *o = O(c->m, x);
	const struct mcell *cell = cell_of(o->type == MT_DIR ? &o->attr : &o->where);
	struct msnap s;
	uint32_t k;

	*bad = BAD_NLINK | BAD_SIZE;
	if (lo > hi)
		return NO_VERSION;	/* copied no later than @hi, reached after it */
	if (c->r->attrs_unknown) {
		*bad = 0;
		return lo;
	}
	if (c->mode == CHECK_ATOMIC)
		lo = hi = c->s0;
	else if (rcu && moved_after(c, x, lo) < hi)
		hi = moved_after(c, x, lo);
	if (!cell) {
		c->lost = true;
		return NO_VERSION;
	}
	cell_snapshot(cell, &s);
	/* a change the lookup began after was complete: what it left only */
	if (!attrs_match(o, &s, lo, st, c->mode == CHECK_ATOMIC || lo <= c->r->s0, bad)) {
		c->lost = true;
		return NO_VERSION;
	}
	if (c->mode != CHECK_ATOMIC && lo > c->r->s0)
		attrs_match(o, &s, lo - 1, st, true, bad);
	if (!*bad || c->mode == CHECK_ATOMIC)
		return *bad ? NO_VERSION : lo;
	for (k = snap_first(&s); k < s.n; k++) {
		uint64_t v = s.ver[k % MODEL_HISTORY];

		if (v <= lo || v > hi)
			continue;
		attrs_match(o, &s, v, st, false, bad);
		if (!*bad)
			return v;
	}
	return NO_VERSION;
}

/* Did @st's attributes hold for @x in [@lo, @hi]?  The ones that did not (BAD_*). */
static int attrs_held(struct chk *c, mref x, const struct nb_kstat *st, uint64_t lo,
		      uint64_t hi, bool rcu)
{
	int bad;

	attrs_from(c, x, st, lo, hi, rcu, &bad);
	return bad;
}

/*
 * The versions worth trying for the next step: its earliest, and every
 * version in the window at which one of @cells changed.  Atomic checks
 * have one version for the whole walk.
 */
static int candidates(struct chk *c, const struct wst *s, const struct mcell *const *cells,
		      int ncells, uint64_t *out, int max)
{
	int n = 0, i, k;

	if (s->t > c->w)
		return 0;
	if (c->mode == CHECK_ATOMIC) {
		/* run_check() tries each version of the window in turn */
		out[0] = s->fixed;
		return s->fixed >= s->t && s->fixed <= c->w;
	}
	out[n++] = s->t;
	for (i = 0; i < ncells; i++) {
		struct msnap sn;
		uint32_t j;

		if (!cells[i])
			continue;
		cell_snapshot(cells[i], &sn);
		for (j = sn.n; j > snap_first(&sn); j--) {
			uint64_t v = sn.ver[(j - 1) % MODEL_HISTORY];

			if (v <= s->t)
				break;
			if (v > c->w)
				continue;
			for (k = 0; k < n && out[k] != v; k++)
				;
			if (k == n && n == max) {
				/* model_throttle() sees to it not */
				give_up(c, "a step had more versions to try than MAXCAND");
				return n;
			}
			if (k == n)
				out[n++] = v;
		}
	}
	/* ascending: the first version that gives a value is the earliest */
	for (i = 1; i < n; i++)
		for (k = i; k > 0 && out[k - 1] > out[k]; k--) {
			uint64_t tmp = out[k];

			out[k] = out[k - 1];
			out[k - 1] = tmp;
		}
	return n;
}

/*
 * seen_before - the choices a step has: in a step-by-step check, only the
 * earliest version that gives each value matters (every later one stays
 * open to the steps after); in a strong check each stretch of versions
 * with one value is a choice of its own, since what must still hold at
 * the next step may hold in one stretch and not in another; in an atomic
 * check every version is.  Candidates come in ascending order.
 */
struct seen {
	uint32_t val[128];
	int n;
	bool have_last;
	uint32_t last;
};

/* A candidate the step could not use: the stretch it was in is over. */
static void seen_break(struct seen *sn)
{
	sn->have_last = false;
}

static bool seen_before(const struct chk *c, struct seen *sn, uint32_t x)
{
	int k;

	if (c->mode == CHECK_ATOMIC)
		return false;
	if (c->strong) {
		bool same = sn->have_last && sn->last == x;

		sn->have_last = true;
		sn->last = x;
		return same;
	}
	for (k = 0; k < sn->n && sn->val[k] != x; k++)
		;
	if (k < sn->n)
		return true;
	if (sn->n < 128)
		sn->val[sn->n++] = x;
	return false;
}

/* Strong mode: may the next step be taken at version @v? */
static bool strong_ok(struct chk *c, const struct wst *s, uint64_t v)
{
	uint32_t w;

	if (!c->strong)
		return true;
	/* the step we stand on still holds (hand over hand); the mount table
	 * cannot change: a strong check runs within one mount epoch */
	if (!O(c->m, s->cur)->fsroot) {
		if (!get(c, cell_of(&O(c->m, s->cur)->where), v, &w) || w != s->rel)
			return false;
	}
	return true;
}

/* Move the walk onto @obj at version @v (a step taken). */
static void step_to(struct chk *c, struct wst *s, mref obj, uint64_t v)
{
	s->cur = obj;
	s->t = v;
	if (c->strong && !O(c->m, obj)->fsroot)
		cell_get(cell_of(&O(c->m, obj)->where), v, &s->rel);
}

/* Skip slashes; true if a component remains in some frame. */
static bool more_components(struct wst *s)
{
	int i;

	for (i = s->nframes - 1; i >= 0; i--) {
		const char *p = s->frame[i];

		while (*p == '/')
			p++;
		if (*p)
			return true;
	}
	return false;
}

static mref walk_root(const struct chk *c)
{
	return c->scoped_root ? c->scoped_root : c->m->root;
}

static bool cross_mounts_step(struct chk *c, struct wst s, bool final);
static bool search_over(struct chk *c, const uint64_t *key, int nk);

/*
 * Cross whatever is mounted on s->cur (each crossing a step), then go on;
 * through the memo, as walk_on(): a stack of mounts, each mounted and
 * unmounted many times in a window, gives every level hundreds of roots to
 * try (the soak's dlock run, seed 5033: a one-component stat past
 * NODE_LIMIT).
 */
static bool cross_mounts(struct chk *c, struct wst s, bool final)
{
	uint64_t key[MEMO_KEY + 1];
	int nk = c->nodes > MEMO_AFTER ? walk_key(c, MEMO_CROSS, &s, key) : 0;

	if (nk)
		key[nk++] = final;
	if (search_over(c, key, nk))
		return false;
	if (cross_mounts_step(c, s, final))
		return true;
	if (nk)
		memo_find(c, key, nk, true);
	return false;
}

static bool cross_mounts_step(struct chk *c, struct wst s, bool final)
{
	const struct mcell *cells[1] = { cell_of(&O(c->m, s.cur)->mounted) };
	uint64_t v[MAXCAND];
	struct seen sn = { .n = 0 };
	int n, i;

	(void)final;
	if (O(c->m, s.cur)->type != MT_DIR || !cells[0])
		return walk_on(c, s);
	n = candidates(c, &s, cells, 1, v, MAXCAND);
	for (i = 0; i < n; i++) {
		uint32_t up;
		struct wst ns_;

		if (!strong_ok(c, &s, v[i]) || !get(c, cells[0], v[i], &up)) {
			seen_break(&sn);
			continue;
		}
		if (seen_before(c, &sn, up))
			continue;
		ns_ = s;
		if (!up) {
			ns_.t = v[i];
			if (walk_on(c, ns_))
				return true;
			continue;
		}
		step_to(c, &ns_, up, v[i]);
		if (cross_mounts(c, ns_, final))
			return true;
	}
	return false;
}

/* Follow a symlink's body from s->cur (the directory that holds it). */
static bool follow_link(struct chk *c, struct wst s, mref link)
{
	const char *body = O(c->m, link)->body;

	if (s.links >= MAXLINKS)
		return emit(c, -ELOOP, 0, s.t);
	if (s.nframes == MAXFRAMES)
		return emit(c, -ELOOP, 0, s.t);
	s.links++;
	s.frame[s.nframes++] = body;
	if (*body == '/') {
		/* nd_jump_root: the root's place is constant */
		s.cur = walk_root(c);
		if (O(c->m, s.cur)->fsroot)
			s.rel = 0;
		else
			cell_get(cell_of(&O(c->m, s.cur)->where), s.t, &s.rel);
	}
	return walk_on(c, s);
}

/* A child found (or not) in s.cur under @name. */
static bool lookup_child(struct chk *c, struct wst s, int name, bool final)
{
	const struct mcell *cells[1];
	uint64_t v[MAXCAND];
	struct seen sn = { .n = 0 };
	int n, i;

	if (name < 0)
		return emit(c, -ENOENT, 0, s.t);
	cells[0] = cell_of(&O(c->m, s.cur)->child[name]);
	n = candidates(c, &s, cells, 1, v, MAXCAND);
	for (i = 0; i < n; i++) {
		uint32_t x;
		struct wst ns;
		const struct mobj *o;

		if (!strong_ok(c, &s, v[i]) || !get(c, cells[0], v[i], &x)) {
			seen_break(&sn);
			continue;
		}
		if (seen_before(c, &sn, x))
			continue;
		if (!x) {
			if (emit(c, -ENOENT, 0, v[i]))
				return true;
			continue;
		}
		o = O(c->m, x);
		ns = s;
		if (o->type == MT_LNK && (!final || s.follow)) {
			/* a symlink to follow: the walk stays where it is */
			ns.t = v[i];
			if (follow_link(c, ns, x))
				return true;
			continue;
		}
		if (!final && o->type != MT_DIR) {
			if (emit(c, -ENOTDIR, 0, v[i]))
				return true;
			continue;
		}
		step_to(c, &ns, x, v[i]);
		if (cross_mounts(c, ns, final))
			return true;
	}
	return false;
}

/* Is @x at or below @root at version @v (crossing mounts upward)? */
static bool inside(struct chk *c, mref x, mref root, uint64_t v)
{
	int guard = 0;

	while (x != root && guard++ < 4096) {
		uint32_t w;

		if (O(c->m, x)->fsroot) {
			if (!get(c, cell_of(&O(c->m, x)->mountpoint), v, &w) || !w)
				return false;
			x = w;
			continue;
		}
		if (!get(c, cell_of(&O(c->m, x)->where), v, &w))
			return false;
		x = WHERE_PARENT(w);
	}
	return x == root;
}

/*
 * step_up - the walk goes from s.cur to @parent (the value @cell gave at
 * version @v): a '..' step.  In strong mode the parent's own place becomes
 * what the next step must find unchanged, so every later version at which
 * the parent moved (while @cell still gave it) is a different choice.
 */
static bool step_up(struct chk *c, struct wst s, const struct mcell *cell, mref parent,
		    uint64_t v, bool final)
{
	const struct mcell *cells[2] = { cell, cell_of(&O(c->m, parent)->where) };
	uint64_t cand[MAXCAND];
	struct seen sn = { .n = 0 };
	int n, i;
	struct wst from = s;

	if (!c->strong || c->mode == CHECK_ATOMIC || O(c->m, parent)->fsroot) {
		step_to(c, &s, parent, v);
		return cross_mounts(c, s, final);
	}
	from.t = v;
	n = candidates(c, &from, cells, 2, cand, MAXCAND);
	for (i = 0; i < n; i++) {
		uint32_t w, rel;
		struct wst ns = s;

		if (!get(c, cell, cand[i], &w) || WHERE_PARENT(w) != parent ||
		    !strong_ok(c, &s, cand[i]) || !get(c, cells[1], cand[i], &rel)) {
			seen_break(&sn);
			continue;
		}
		if (seen_before(c, &sn, rel))
			continue;
		step_to(c, &ns, parent, cand[i]);
		if (cross_mounts(c, ns, final))
			return true;
	}
	return false;
}

/* The versions of @cell in the window, and what it gave: distinct values first seen. */
static int distinct_values(struct chk *c, const struct wst *s, const struct mcell *cell,
			   uint64_t *ver, uint32_t *val, int max)
{
	const struct mcell *cells[1] = { cell };
	uint64_t v[MAXCAND];
	struct seen sn = { .n = 0 };
	int n = candidates(c, s, cells, 1, v, MAXCAND), i, m = 0;

	for (i = 0; i < n; i++) {
		uint32_t x;

		if (!strong_ok(c, s, v[i]) || !get(c, cell, v[i], &x)) {
			seen_break(&sn);
			continue;
		}
		/* a scoped walk's '..' depends on the version, not only the value */
		if (!c->scoped_root && seen_before(c, &sn, x))
			continue;
		if (m == max) {
			/* never dropped silently */
			give_up(c, "a '..' had more places to try than MAXCAND");
			break;
		}
		ver[m] = v[i];
		val[m++] = x;
	}
	return m;
}

/*
 * '..' from the root of a filesystem: up the mount tree to the first
 * mountpoint that is not itself a root (choose_mountpoint), then its
 * parent.  Detached, or mounted right on the walk's root: stay.
 */
static bool dotdot_mount(struct chk *c, struct wst s, bool final, mref root)
{
	const struct mcell *cell = cell_of(&O(c->m, s.cur)->mountpoint);
	uint64_t ver[MAXCAND];
	uint32_t val[MAXCAND];
	int n = distinct_values(c, &s, cell, ver, val, MAXCAND), i;

	for (i = 0; i < n; i++) {
		mref mp = val[i];
		struct wst ns = s;

		if (!mp || mp == root) {
			/* in_root: stay, then whatever is mounted here */
			ns.t = ver[i];
			if (cross_mounts(c, ns, final))
				return true;
			continue;
		}
		step_to(c, &ns, mp, ver[i]);
		if (O(c->m, mp)->fsroot) {
			if (dotdot_mount(c, ns, final, root))
				return true;
			continue;
		}
		/* then the mountpoint's parent, as for any directory */
		{
			const struct mcell *pc = cell_of(&O(c->m, mp)->where);
			uint64_t pver[MAXCAND];
			uint32_t pval[MAXCAND];
			int pn = distinct_values(c, &ns, pc, pver, pval, MAXCAND), j;

			for (j = 0; j < pn; j++)
				if (step_up(c, ns, pc, WHERE_PARENT(pval[j]), pver[j], final))
					return true;
		}
	}
	return false;
}

static bool dotdot(struct chk *c, struct wst s, bool final)
{
	mref root = walk_root(c);
	const struct mcell *cell;
	uint64_t ver[MAXCAND];
	uint32_t val[MAXCAND];
	int n, i;

	/* a scoped walk refuses a '..' if rename_lock or mount_lock moved */
	if (c->scoped_root && c->r->seq_moved && emit(c, -EAGAIN, 0, s.t))
		return true;
	if (s.cur == root) {
		/* stays, and enters whatever is mounted on the root */
		return cross_mounts(c, s, final);
	}
	if (O(c->m, s.cur)->fsroot)
		return dotdot_mount(c, s, final, root);
	cell = cell_of(&O(c->m, s.cur)->where);
	n = distinct_values(c, &s, cell, ver, val, MAXCAND);
	for (i = 0; i < n; i++) {
		/* a scoped walk never takes a '..' from outside its root */
		if (c->scoped_root && !inside(c, s.cur, root, ver[i]))
			continue;
		if (step_up(c, s, cell, WHERE_PARENT(val[i]), ver[i], final))
			return true;
	}
	return false;
}

/*
 * The answer's attributes, copied once the walk stood on it: under RCU
 * (rcufull's stat, when the walk never left RCU mode) within the walk's
 * mount epoch, before the object moved; with a reference, any time after.
 */
static int answer_attrs(struct chk *c, const struct wst *s)
{
	bool rcu = c->strong && c->r->attrs_rcu;

	return attrs_held(c, s->cur, &c->r->st, s->t, rcu ? c->w : c->w_full, rcu);
}

/* The walk has consumed every component: where it stands is the answer. */
static bool finish(struct chk *c, struct wst s)
{
	/* complete_walk() comes first, and in a scoped walk refuses a result
	 * a rename has moved out from under the root since it was reached */
	if (c->scoped_root && c->ns_in_window && emit(c, -EXDEV, 0, s.t))
		return true;
	if (s.want_dir && O(c->m, s.cur)->type != MT_DIR)
		return emit(c, -ENOTDIR, 0, s.t);
	if (!c->collect && !c->land)
		return same_answer(c, 0, s.cur) && !answer_attrs(c, &s);
	return emit(c, 0, s.cur, s.t);
}

/*
 * The name a component names in directory @dir: on a casefold filesystem
 * any case of it (ASCII, as the engine's casefold folds), as its d_hash
 * and d_compare match; the model's names differ in more than case, so
 * at most one matches.
 */
static char ascii_fold(char c)
{
	return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

static int name_in_dir(const struct model *m, mref dir, const char *name, size_t len)
{
	int i;
	size_t j;

	if (!O(m, dir)->casefold)
		return model_name_index(name, len);
	for (i = 0; i < MODEL_NAMES; i++) {
		const char *n = model_names[i];

		if (strlen(n) != len)
			continue;
		for (j = 0; j < len; j++)
			if (ascii_fold(n[j]) != ascii_fold(name[j]))
				break;
		if (j == len)
			return i;
	}
	return -1;
}

static bool walk_step(struct chk *c, struct wst s)
{
	const char *p, *comp;
	size_t len;
	bool final, slash;

	while (s.nframes) {
		p = s.frame[s.nframes - 1];
		while (*p == '/')
			p++;
		if (*p)
			break;
		s.nframes--;
	}
	if (!s.nframes)
		return finish(c, s);
	p = s.frame[s.nframes - 1];
	while (*p == '/')
		p++;
	comp = p;
	while (*p && *p != '/')
		p++;
	len = (size_t)(p - comp);
	slash = *p == '/';
	s.frame[s.nframes - 1] = p;
	final = !more_components(&s);
	if (len == 1 && comp[0] == '.')
		return walk_on(c, s);
	if (len == 2 && comp[0] == '.' && comp[1] == '.')
		return dotdot(c, s, final);
	if (final && slash) {
		/* a trailing slash: follow, and insist on a directory */
		s.follow = true;
		s.want_dir = true;
	}
	return lookup_child(c, s, name_in_dir(c->m, s.cur, comp, len), final);
}

/* Every thousand steps of a search, say it is under way (stress's hang watch). */
static inline void search_heartbeat(const struct chk *c)
{
	if (!(c->nodes & 1023))
		atomic_fetch_add_explicit(&((struct model *)c->m)->search_steps, 1,
					  memory_order_relaxed);
}

/*
 * A search step about to begin from the state keyed @key[0..@nk) (no key:
 * not yet memoized): true if it need not, the state having failed before,
 * or must not, the search being over its limit.
 */
static bool search_over(struct chk *c, const uint64_t *key, int nk)
{
	if (nk && memo_find(c, key, nk, false))
		return true;
	c->nodes_by[nk ? key[0] : 0]++;
	if (++c->nodes > NODE_LIMIT) {
		give_up(c, "the search passed NODE_LIMIT steps");
		return true;
	}
	search_heartbeat(c);
	return false;
}

/* The walk from state @s: does it give the lookup's answer? */
static bool walk_on(struct chk *c, struct wst s)
{
	uint64_t key[MEMO_KEY];
	int nk = c->nodes > MEMO_AFTER ? walk_key(c, MEMO_WALK, &s, key) : 0;

	if (s.links > c->deepest)
		c->deepest = s.links;
	if (search_over(c, key, nk))
		return false;
	if (walk_step(c, s))
		return true;
	if (nk)
		memo_find(c, key, nk, true);
	return false;
}

static bool start(struct chk *c, const char *path, uint64_t t)
{
	struct wst s;

	memset(&s, 0, sizeof(s));
	if (!*path)
		return emit(c, -ENOENT, 0, t);
	s.cur = walk_root(c);		/* absolute, or relative to "/" */
	s.t = t;
	s.fixed = c->mode == CHECK_ATOMIC ? t : NO_VERSION;
	s.follow = c->follow_last;
	s.want_dir = c->want_dir_start;
	s.frame[0] = path;
	s.nframes = 1;
	if (!O(c->m, s.cur)->fsroot)
		cell_get(cell_of(&O(c->m, s.cur)->where), t, &s.rel);
	return walk_on(c, s);
}

/* ---- ancestors ---- */

/* One step up from @x at version @v, as the ancestor walk takes it; 0: stop. */
static mref ancestor_step(struct chk *c, mref x, uint64_t v)
{
	uint32_t w;

	if (x == c->m->root)
		return 0;
	while (O(c->m, x)->fsroot) {
		if (!get(c, cell_of(&O(c->m, x)->mountpoint), v, &w) || !w || w == c->m->root)
			return 0;
		x = w;
	}
	if (!get(c, cell_of(&O(c->m, x)->where), v, &w))
		return 0;
	return WHERE_PARENT(w);
}

static bool same_obj(const struct chk *c, mref x, const struct nb_kstat *st)
{
	return x && O(c->m, x)->dev == st->dev && O(c->m, x)->ino == st->ino;
}

/* The cells an ancestor step from @x reads. */
static int ancestor_cells(struct chk *c, mref x, const struct mcell **cells)
{
	int n = 0;

	while (O(c->m, x)->fsroot && n < 8) {
		uint32_t w;

		cells[n++] = cell_of(&O(c->m, x)->mountpoint);
		if (!cell_get(cell_of(&O(c->m, x)->mountpoint), c->w, &w) || !w)
			return n;
		x = w;
	}
	cells[n++] = cell_of(&O(c->m, x)->where);
	return n;
}

/* The cells a crossing from the filesystem root @x reads: up the mounts. */
static int mountpoint_cells(struct chk *c, mref x, const struct mcell **cells)
{
	int n = 0;
	uint32_t w;

	while (O(c->m, x)->fsroot && n < 8) {
		cells[n++] = cell_of(&O(c->m, x)->mountpoint);
		if (!cell_get(cell_of(&O(c->m, x)->mountpoint), c->w, &w) || !w)
			break;
		x = w;
	}
	return n;
}

/*
 * handed_over_by - the latest version at which list element @i can have
 * been copied: the walk handed it to its callback before the callback
 * read the published version (after a full fence, as s1 is read), so the
 * copy saw that version or the change in flight then (model_window_end).
 * It bounds when the walk stood on the element, which is what shows a walk
 * up that misses its child's move with no other change to betray it: the
 * child left its parent after the walk was on it, and the walk still
 * names the parent it moved to.
 */
static uint64_t handed_over_by(struct chk *c, int i)
{
	uint64_t by = c->r->anc_by[i];

	if (!by)
		return c->w;
	by = model_window_end((struct model *)c->m, by);
	return by < c->w ? by : c->w;
}

/* An ancestor search's key: which search, the list element, the object, the version. */
static int ancestor_key(const struct chk *c, uint64_t tag, int i, mref x, uint64_t t, uint64_t *k)
{
	int n = memo_context(c, k, tag);

	k[n++] = (uint64_t)(uint32_t)i | (uint64_t)x << 32;
	k[n++] = t;
	return n;
}

static bool ancestors_step(struct chk *c, int i, mref x, uint64_t t);
static bool ancestors_rcu_step(struct chk *c, int i, mref x, uint64_t t);

/* ancestors_from(), or ancestors_rcu_from() if @rcu, through the memo. */
static bool ancestors_memo(struct chk *c, bool rcu, int i, mref x, uint64_t t)
{
	uint64_t key[MEMO_KEY];
	enum memo_search tag = rcu ? MEMO_ANCESTORS_RCU : MEMO_ANCESTORS;
	int nk = c->nodes > MEMO_AFTER ? ancestor_key(c, tag, i, x, t, key) : 0;

	if (search_over(c, key, nk))
		return false;
	if (rcu ? ancestors_rcu_step(c, i, x, t) : ancestors_step(c, i, x, t))
		return true;
	if (nk)
		memo_find(c, key, nk, true);
	return false;
}

/* List element @i is @x, reached by version @t: can the rest follow? */
static bool ancestors_from(struct chk *c, int i, mref x, uint64_t t)
{
	return ancestors_memo(c, false, i, x, t);
}

/* The mountpoint a walk up from the filesystem root @x reaches at @v; 0: it stops. */
static mref ancestor_crossing(struct chk *c, mref x, uint64_t v)
{
	uint32_t w;

	while (O(c->m, x)->fsroot) {
		if (!get(c, cell_of(&O(c->m, x)->mountpoint), v, &w) || !w || w == c->m->root)
			return 0;
		x = w;
	}
	return x;
}

/*
 * ancestors_cross - list element @i is @x, a filesystem's root, and the
 * walk goes up from it in two steps, as path_walk_parent() takes them:
 * choose_mountpoint() (validated by mount_lock) to the mountpoint, at some
 * version; then, holding it, dget_parent() of the mountpoint, at that
 * version or later.  A mount detached in between (a lazy umount while the
 * walker holds it) does not undo the crossing.
 */
static bool ancestors_cross(struct chk *c, int i, mref x, const struct wst *s)
{
	const struct mcell *cells[9];
	uint64_t v[MAXCAND];
	struct seen seen_mp = { .n = 0 };
	int n = mountpoint_cells(c, x, cells), k;

	n = candidates(c, s, cells, n, v, MAXCAND);
	for (k = 0; k < n; k++) {
		mref mp = ancestor_crossing(c, x, v[k]);
		const struct mcell *where[1];
		uint64_t v2[MAXCAND];
		struct seen seen_up = { .n = 0 };
		struct wst at = *s;
		int n2, j;

		if (seen_before(c, &seen_mp, mp))
			continue;
		if (!mp) {
			if (i + 1 == c->r->nanc)
				return true;	/* the list ends where the walk stops */
			continue;
		}
		if (i + 1 == c->r->nanc)
			continue;
		where[0] = cell_of(&O(c->m, mp)->where);
		at.t = v[k];
		n2 = candidates(c, &at, where, 1, v2, MAXCAND);
		for (j = 0; j < n2; j++) {
			uint32_t w;
			mref up;

			if (!get(c, where[0], v2[j], &w) || seen_before(c, &seen_up, w))
				continue;
			up = WHERE_PARENT(w);
			if (same_obj(c, up, &c->r->anc[i + 1]) && ancestors_from(c, i + 1, up, v2[j]))
				return true;
		}
	}
	return false;
}

static bool ancestors_step(struct chk *c, int i, mref x, uint64_t t)
{
	const struct mcell *cells[9];
	uint64_t v[MAXCAND];
	struct wst s;
	int n, k, bad;

	memset(&s, 0, sizeof(s));
	/* x's attributes were copied once the walk got there, and the step
	 * up follows the copy: from the version by which they held */
	s.t = attrs_from(c, x, &c->r->anc[i], t, handed_over_by(c, i), false, &bad);
	if (s.t == NO_VERSION)
		return false;
	s.fixed = c->mode == CHECK_ATOMIC ? t : NO_VERSION;
	if (c->mode != CHECK_ATOMIC && O(c->m, x)->fsroot && x != c->m->root)
		return ancestors_cross(c, i, x, &s);
	n = candidates(c, &s, cells, ancestor_cells(c, x, cells), v, MAXCAND);
	for (k = 0; k < n; k++) {
		mref up = ancestor_step(c, x, v[k]);

		if (i + 1 == c->r->nanc) {
			if (!up)
				return true;	/* the list ends where the walk stops */
			continue;
		}
		if (up && same_obj(c, up, &c->r->anc[i + 1]) && ancestors_from(c, i + 1, up, v[k]))
			return true;
	}
	return false;
}

/* The change versions of @cell in (@lo, @hi], appended to @v[*n .. max). */
static void changes_between(struct chk *c, const struct mcell *cell, uint64_t lo, uint64_t hi,
			    uint64_t *v, int *n, int max)
{
	struct msnap s;
	uint32_t k;

	if (!cell)
		return;
	cell_snapshot(cell, &s);
	for (k = snap_first(&s); k < s.n; k++) {
		if (s.ver[k % MODEL_HISTORY] <= lo || s.ver[k % MODEL_HISTORY] > hi)
			continue;
		if (*n == max) {
			/* never dropped silently */
			give_up(c, "an ancestor step had more versions to try than ANC_CHOICES");
			return;
		}
		v[(*n)++] = s.ver[k % MODEL_HISTORY];
	}
}

/*
 * ancestors_rcu_from - list element @i is @x, reached at @t, by a walk
 * held to walk_ancestors_rcu()'s promise: x did not move from when it was
 * reached until its parent's d_seq had been sampled (hand over hand), its
 * attributes were copied before that, and the mount table did not change
 * (c->w: the end of the walk's mount epoch).  So the parent is the one
 * x's place named when x was reached, and the walk may sample it at any
 * version from the copy of x's attributes until the change that moved x
 * (before its write section): that version is where the parent must then
 * stay, in turn.  Past a mount crossing (x a filesystem's root) the
 * mountpoint's place is sampled at the crossing, any time after @t.
 */
#define ANC_CHOICES	(2 * MODEL_HISTORY + 1)	/* a start, and two cells' changes */

static bool ancestors_rcu_from(struct chk *c, int i, mref x, uint64_t t)
{
	return ancestors_memo(c, true, i, x, t);
}

static bool ancestors_rcu_step(struct chk *c, int i, mref x, uint64_t t)
{
	const struct lookup_record *r = c->r;
	uint64_t starts[ANC_CHOICES], land[ANC_CHOICES], e;
	mref y = x == c->m->root ? 0 : x;
	int ns = 0, a, bad;
	uint32_t w;

	/* x's attributes, copied and validated before the walk goes on */
	e = attrs_from(c, x, &r->anc[i], t, handed_over_by(c, i), true, &bad);
	if (e == NO_VERSION)
		return false;
	while (y && O(c->m, y)->fsroot) {
		/* choose_mountpoint_rcu(): constant within the mount epoch */
		if (!get(c, cell_of(&O(c->m, y)->mountpoint), t, &w))
			return false;
		y = !w || w == c->m->root ? 0 : w;
	}
	if (!y)		/* the walk stops at x: the list must too */
		return i + 1 == r->nanc;
	if (i + 1 == r->nanc)
		return false;
	starts[ns++] = e;
	if (y != x)
		changes_between(c, cell_of(&O(c->m, y)->where), e, c->w, starts, &ns, ANC_CHOICES);
	for (a = 0; a < ns; a++) {
		/* y's place: x's since it was reached, or from the crossing */
		uint64_t at = y == x ? t : starts[a], end = moved_after(c, y, at);
		mref up;
		int nl = 0, b;

		if (!get(c, cell_of(&O(c->m, y)->where), at, &w))
			return false;
		up = WHERE_PARENT(w);
		if (!same_obj(c, up, &r->anc[i + 1]))
			continue;
		/* the parent's d_seq sampled no later than the change that
		 * moved y (before its write section), within the epoch */
		if (end > c->w)
			end = c->w;
		if (starts[a] > end)
			continue;
		land[nl++] = starts[a];
		if (!O(c->m, up)->fsroot)
			changes_between(c, cell_of(&O(c->m, up)->where), starts[a], end, land, &nl,
					ANC_CHOICES);
		for (b = 0; b < nl; b++)
			if (ancestors_rcu_from(c, i + 1, up, land[b]))
				return true;
	}
	return false;
}

/*
 * An ancestor walk that finished in RCU mode began after the lookup of its
 * path had found @obj (at @t), at any later version: where obj stood then
 * is what it must keep until its parent is sampled, and the mount epoch
 * then is the walk's.
 */
static bool ancestors_rcu(struct chk *c, mref obj, uint64_t t)
{
	const struct model *m = c->m;
	size_t nev = atomic_load_explicit(&((struct model *)m)->n_mount_events,
					  memory_order_acquire), e;
	uint64_t starts[ANC_CHOICES], w = c->w;
	int n = 0, k;
	bool ok = false;

	starts[n++] = t;
	if (!O(m, obj)->fsroot)
		changes_between(c, cell_of(&O(m, obj)->where), t, c->w_full, starts, &n, ANC_CHOICES);
	for (e = first_after(m->mount_events, nev, t); e < nev && m->mount_events[e] <= c->w_full;
	     e++) {
		if (n == ANC_CHOICES) {
			give_up(c, "an ancestor walk had more starts to try than ANC_CHOICES");
			break;
		}
		starts[n++] = m->mount_events[e];
	}
	for (k = 0; k < n && !ok; k++) {
		e = first_after(m->mount_events, nev, starts[k]);
		c->w = e < nev && m->mount_events[e] <= c->w_full ? m->mount_events[e] - 1 : c->w_full;
		ok = ancestors_rcu_from(c, 0, obj, starts[k]);
	}
	c->w = w;
	return ok;
}

static bool land_ancestors(struct chk *c, int err, mref obj, uint64_t t)
{
	if (err)
		return same_answer(c, err, 0);
	if (!c->r->nanc || !same_obj(c, obj, &c->r->anc[0]))
		return false;
	if (c->r->anc_rcu && c->mode != CHECK_ATOMIC)
		return ancestors_rcu(c, obj, t);
	return ancestors_from(c, 0, obj, t);
}

/* ---- the check ---- */

uint64_t model_window_end(struct model *m, uint64_t s1)
{
	for (;;) {
		if (atomic_load(&m->published) > s1)
			return s1 + 1;
		/* no change under way that started before we looked: s1 it is */
		if (!atomic_load(&m->busy) && atomic_load(&m->published) == s1)
			return s1;
		sched_yield();
	}
}

static void chk_init(struct chk *c, const struct model *m, const struct lookup_record *r,
		     enum check_mode mode, uint64_t w)
{
	memset(c, 0, sizeof(*c));
	c->m = m;
	c->r = r;
	c->mode = mode;
	c->s0 = r->s0;
	c->w = w;
	c->w_full = w;
	c->follow_last = r->kind != LK_LSTAT;
	c->ns_in_window = any_between(m->ns_events, &((struct model *)m)->n_ns_events, r->s0, w);
}

/*
 * stat_in_root: resolve the root, then the path scoped to each candidate.
 * The root is a walk of its own, over the whole window (atomic: at the
 * one version); the scoped walk may begin no earlier than its root was
 * found, and a strong check holds only the scoped walk to one mount epoch.
 */
/*
 * The scoped walk from c->scoped_root, found at version @t0.  The root is
 * held by reference (a dirfd), and the walk proper begins when path_init
 * runs, any time after: that matters to the strong rules only, for which
 * the walk's first step needs the root where it was at the start.  So a
 * strong check also tries starting just after each change that could
 * matter in the window: a rename or mount event, or the root's own move
 * or death.  Starting later only narrows a weak walk.
 */
#define MAX_ROOT_STARTS	ATOMIC_WINDOW	/* never reached: model_throttle() */

static bool start_in_root(struct chk *c, uint64_t t0)
{
	const struct mcell *where = cell_of(&O(c->m, c->scoped_root)->where);
	struct model *m = (struct model *)c->m;
	size_t n = atomic_load_explicit(&m->n_ns_events, memory_order_acquire), a;
	struct msnap s;
	uint32_t k;
	int tries = 0;

	if (start(c, c->r->path, t0))
		return true;
	if (!c->strong)
		return false;
	for (a = first_after(m->ns_events, n, t0); a < n && m->ns_events[a] <= c->w; a++) {
		if (++tries > MAX_ROOT_STARTS) {
			give_up(c, "a scoped walk had more starts to try than MAX_ROOT_STARTS");
			return false;
		}
		if (start(c, c->r->path, m->ns_events[a]))
			return true;
	}
	if (!where)
		return false;
	cell_snapshot(where, &s);
	for (k = snap_first(&s); k < s.n; k++) {
		uint64_t v = s.ver[k % MODEL_HISTORY];

		if (v > t0 && v <= c->w && start(c, c->r->path, v))
			return true;
	}
	return false;
}

/*
 * The walk that finds a stat_in_root's root, over the whole window: each
 * directory it lands on starts the scoped walk there and then, so however
 * many directories the root's name held in the window, each is tried (a
 * list of them would need a limit, and an answer from past the limit would
 * read as a violation).
 */
#define ROOTS_SEEN	64

struct root_walk {
	struct chk rc;
	struct chk *c;			/* the scoped walk's check */
	int nseen;
	mref seen[ROOTS_SEEN];		/* roots tried, and from which version */
	uint64_t seen_ver[ROOTS_SEEN];
};

/* Has @x been tried from version @t or earlier?  Else remember @t. */
static bool root_tried(struct root_walk *rw, mref x, uint64_t t)
{
	int i;

	for (i = 0; i < rw->nseen && rw->seen[i] != x; i++)
		;
	if (i < rw->nseen && rw->seen_ver[i] <= t)
		return true;	/* a later start only narrows what it allows */
	if (i == ROOTS_SEEN)
		return false;	/* not remembered: only tried again */
	if (i == rw->nseen)
		rw->nseen++;
	rw->seen[i] = x;
	rw->seen_ver[i] = t;
	return false;
}

static bool land_root(struct chk *rc, int err, mref obj, uint64_t t)
{
	struct root_walk *rw = container_of(rc, struct root_walk, rc);
	struct chk *c = rw->c;

	if (err)
		return emit(c, err, 0, t);	/* no root: the lookup fails so */
	if (t > c->w || root_tried(rw, obj, t))
		return false;
	c->scoped_root = obj;
	return start_in_root(c, t > c->s0 ? t : c->s0);
}

static bool check_in_root(struct chk *c)
{
	struct root_walk rw;
	bool ok;

	c->scoped_root = 0;
	rw.rc = *c;
	rw.c = c;
	rw.nseen = 0;
	rw.rc.collect = false;		/* c may collect; the root walk hands on */
	rw.rc.strong = false;
	rw.rc.follow_last = true;
	rw.rc.want_dir_start = true;
	rw.rc.land = land_root;
	/* a memo of its own: what the root walk rules out depends on the
	 * scoped walk's window (c->s0, c->w, one mount epoch), which its keys
	 * do not hold; it lives for this epoch's root walk only */
	rw.rc.memo = NULL;
	if (c->mode != CHECK_ATOMIC) {
		rw.rc.s0 = c->r->s0;
		rw.rc.w = c->w_full;
	}
	ok = start(&rw.rc, c->r->root, rw.rc.s0);
	c->lost |= rw.rc.lost;
	if (rw.rc.gave_up)
		give_up(c, rw.rc.why);
	chk_fini(&rw.rc);
	return ok;
}

static bool run_check_window(struct chk *c)
{
	switch (c->r->kind) {
	case LK_IN_ROOT:
		return check_in_root(c);
	case LK_ANCESTORS:
	case LK_ANCESTORS_ITER:
		c->land = land_ancestors;
		return start(c, c->r->path, c->s0);
	default:
		return start(c, c->r->path, c->s0);
	}
}

static bool run_check(struct chk *c);

/* ---- getcwd ---- */

/* Why the calling thread's last check left its lookup unchecked. */
static __thread char unchecked_why[320];


/*
 * getcwd_place - @x's parent and name at version @v as its dentry holds
 * them: an unlinked object keeps the d_parent and d_name it had (the
 * value before its DEAD_NAME).  False if the history no longer has it.
 */
static bool getcwd_place(const struct model *m, mref x, uint64_t v, uint32_t *w)
{
	const struct mcell *cell = cell_of(&O(m, x)->where);
	struct msnap s;
	uint32_t k;

	if (!cell)
		return false;
	cell_snapshot(cell, &s);
	for (k = s.n; k > snap_first(&s); k--)
		if (s.ver[(k - 1) % MODEL_HISTORY] <= v)
			break;
	if (k == snap_first(&s))
		return false;
	*w = s.val[(k - 1) % MODEL_HISTORY];
	if (WHERE_NAME(*w) != (int)DEAD_NAME)
		return true;
	if (k - 1 == snap_first(&s))
		return false;
	*w = s.val[(k - 2) % MODEL_HISTORY];
	return WHERE_NAME(*w) != (int)DEAD_NAME;
}

/*
 * getcwd_path_at - the path getcwd builds for @obj at version @v (as
 * prepend_path: names up to the root, from a filesystem's root to its
 * mountpoint, "(unreachable)" in front of what a detached root ends).
 * @fold, if not NULL, gets a byte for each of the path's: 'f' where it
 * belongs to a name on a casefold filesystem, whose dentry keeps the case
 * of the lookup that made it (no d_add_ci, as ext4's), '.' elsewhere.
 * False if the history no longer says.
 */
static bool getcwd_path_at(const struct model *m, mref obj, uint64_t v, char *buf, size_t n,
			   char *fold)
{
	const char *parts[64];
	bool folded[64];
	bool reachable = true;
	int k = 0;
	size_t len = 0;

	while (obj != m->root) {
		uint32_t w;

		if (k == 64)
			return false;
		if (O(m, obj)->fsroot) {
			if (!cell_get(cell_of(&O(m, obj)->mountpoint), v, &w))
				return false;
			if (!w) {
				reachable = false;
				break;
			}
			obj = w;
			continue;
		}
		if (!getcwd_place(m, obj, v, &w))
			return false;
		folded[k] = O(m, obj)->casefold;
		parts[k++] = model_names[WHERE_NAME(w)];
		obj = WHERE_PARENT(w);
	}
	len = (size_t)snprintf(buf, n, "%s%s", reachable ? "" : "(unreachable)", k ? "" : "/");
	if (fold)
		memset(fold, '.', len < n ? len : n);
	while (k-- > 0 && len < n) {
		size_t at = len;

		len += (size_t)snprintf(buf + len, n - len, "/%s", parts[k]);
		if (fold && len < n) {
			fold[at] = '.';
			memset(fold + at + 1, folded[k] ? 'f' : '.', len - at - 1);
		}
	}
	return len < n;
}

/* Is @got the path @want, each byte @fold marks compared without case? */
static bool getcwd_same(const char *want, const char *fold, const char *got)
{
	size_t i;

	for (i = 0; want[i] && got[i]; i++)
		if (fold[i] == 'f' ? ascii_fold(want[i]) != ascii_fold(got[i]) : want[i] != got[i])
			return false;
	return !want[i] && !got[i];
}

/* Was @obj unlinked (d_unlinked: a root never is) by version @v? */
static bool getcwd_unlinked(const struct model *m, mref obj, uint64_t v, bool *lost)
{
	uint32_t w;

	if (O(m, obj)->fsroot)
		return false;
	if (!cell_get(cell_of(&O(m, obj)->where), v, &w)) {
		*lost = true;
		return false;
	}
	return WHERE_NAME(w) == (int)DEAD_NAME;
}

/* A violation's report: the answer, and every path the window held. */
static void getcwd_report(FILE *f, struct model *m, const struct lookup_record *r, mref obj,
			  uint64_t w)
{
	char path[MODEL_CWD_SIZE + 16], last[sizeof(path)] = "";
	uint64_t v;

	fprintf(f, "  lookup: getcwd in \"%s\" (%u:%" PRIu64 ")\n  answer: ", r->path,
		r->st.dev, r->st.ino);
	if (r->err < 0)
		fprintf(f, "%s\n", nb_errno_name(r->err));
	else
		fprintf(f, "len=%d \"%s\"\n", r->err, r->cwd);
	fprintf(f, "  window: it began after version %" PRIu64 " and ended before version %"
		PRIu64 " was complete; the working directory's paths then:\n", r->s0, w + 1);
	for (v = r->s0; obj && v <= w; v++) {
		bool lost = false, dead = getcwd_unlinked(m, obj, v, &lost);

		if (!getcwd_path_at(m, obj, v, path, sizeof(path), NULL))
			snprintf(path, sizeof(path), "(history lost)");
		if (dead)
			strcat(path, " (unlinked)");
		if (strcmp(path, last))
			fprintf(f, "    from %6" PRIu64 "  %s\n", v, path);
		strcpy(last, path);
	}
	if (!obj)
		fprintf(f, "    (the model has no such object)\n");
	for (v = r->s0; v <= w; v++) {
		size_t slot = v % m->log_size;

		if (atomic_load_explicit(&m->log_ver[slot], memory_order_relaxed) == v)
			fprintf(f, "    %6" PRIu64 "  %s\n", v, m->log[slot]);
	}
}

/*
 * check_getcwd - may getcwd have answered @r in its window s0 .. @w?  One
 * rule for every strategy: the lockless pass is thrown away if rename_lock
 * or mount_lock moved, and a locked pass holds them, so the path is true
 * of one version.  The d_unlinked() check comes first and the walk after
 * it, so a path needs the directory linked at s0 (after that it may be
 * unlinked and still give its last path); ENOENT needs it unlinked by @w.
 */
/* Could the working directory @obj have answered @r in its window ending at @w? */
static bool getcwd_fits(struct model *m, const struct lookup_record *r, mref obj, uint64_t w,
			bool *lost)
{
	char path[MODEL_CWD_SIZE + 16], fold[sizeof(path)];
	uint64_t v;

	if (r->err == -ENOENT)
		return getcwd_unlinked(m, obj, w, lost);
	if ((r->err <= 0 && r->err != -ERANGE) || getcwd_unlinked(m, obj, r->s0, lost))
		return false;
	for (v = r->s0; v <= w; v++) {
		if (!getcwd_path_at(m, obj, v, path, sizeof(path), fold))
			*lost = true;
		else if (r->err > 0 ? (size_t)r->err == strlen(path) + 1 &&
				      getcwd_same(path, fold, r->cwd)
				    : strlen(path) + 1 > MODEL_CWD_SIZE)
			return true;
	}
	return false;
}

/*
 * getcwd: the working directory is known by its dev and ino, which a
 * filesystem mounted after another's end may reuse (anonymous device
 * numbers are handed out lowest-free): for a path, every object so
 * numbered that existed by the window's end is a candidate, and one that
 * fits is enough.  ENOENT is judged on model_find()'s choice alone: an
 * older object of the same number, long dead, must not excuse it.
 */
static enum check_result check_getcwd(struct model *m, const struct lookup_record *r,
				      uint64_t w, FILE *out)
{
	mref obj = model_find(m, r->st.dev, r->st.ino, w), x;
	bool lost = false;

	for (x = model_find_newest(m, r->st.dev, r->st.ino); x; x = O(m, x)->same_id)
		if ((x == obj || (r->err != -ENOENT && history_start(m, x) <= w)) &&
		    getcwd_fits(m, r, x, w, &lost))
			return CHECK_OK;
	if (lost) {
		snprintf(unchecked_why, sizeof(unchecked_why), "getcwd: a place it needed had "
			 "left the history (window %" PRIu64 " .. %" PRIu64 ")", r->s0, w);
		return CHECK_UNCHECKED;
	}
	if (out)
		getcwd_report(out, m, r, obj, w);
	return CHECK_VIOLATION;
}

/* ---- the report ---- */

static const char *type_name(enum mtype t)
{
	return t == MT_DIR ? "dir" : t == MT_LNK ? "lnk" : "reg";
}

/* @obj's path at version @v, as far as the history goes. */
static void path_at(const struct model *m, mref obj, uint64_t v, char *buf, size_t n)
{
	const char *parts[64];
	int k = 0;
	size_t len = 0;

	while (obj != m->root && k < 64) {
		uint32_t w;

		if (O(m, obj)->fsroot) {
			if (!cell_get(cell_of(&O(m, obj)->mountpoint), v, &w) || !w) {
				snprintf(buf, n, "(a detached filesystem)");
				return;
			}
			obj = w;
			continue;
		}
		if (!cell_get(cell_of(&O(m, obj)->where), v, &w)) {
			snprintf(buf, n, "(history lost)");
			return;
		}
		if (WHERE_NAME(w) == (int)DEAD_NAME) {
			snprintf(buf, n, "(unlinked)");
			return;
		}
		parts[k++] = model_names[WHERE_NAME(w)];
		obj = WHERE_PARENT(w);
	}
	if (!k)
		snprintf(buf, n, "/");
	while (k-- > 0 && len < n) {
		int w = snprintf(buf + len, n - len, "/%s", parts[k]);

		if (w < 0)
			break;
		len += (size_t)w;
	}
}

static void describe_answer(FILE *f, const struct lookup_record *r)
{
	int i;

	if (r->err) {
		fprintf(f, "%s", nb_errno_name(r->err));
		return;
	}
	if (lk_ancestors(r->kind)) {
		fprintf(f, "%s", model_kind_name(r->kind));
		for (i = 0; i < r->nanc; i++) {
			fprintf(f, " %u:%" PRIu64, r->anc[i].dev, r->anc[i].ino);
			if (r->anc_by[i])	/* see handed_over_by() */
				fprintf(f, " (by %" PRIu64 ")", r->anc_by[i] + 1);
		}
		if (r->nanc && r->anc_by[0])
			fprintf(f, "\n  (by N: the walk had copied it by version N, the one in "
				"flight when it was handed over)");
		return;
	}
	fprintf(f, "%u:%" PRIu64 " (%s)", r->st.dev, r->st.ino, nb_type_name(r->st.type));
}

static void describe_outcomes(FILE *f, const struct model *m, const struct chk *c,
			      const char *rules)
{
	char path[512];
	int i;

	fprintf(f, "  %s, the log allows:%s\n", rules, c->nout ? "" : " nothing at all");
	for (i = 0; i < c->nout; i++) {
		if (c->out[i].err) {
			fprintf(f, "    %s\n", nb_errno_name(c->out[i].err));
			continue;
		}
		path_at(m, c->out[i].obj, c->out[i].ver, path, sizeof(path));
		fprintf(f, "    %u:%" PRIu64 " (%s), %s at version %" PRIu64 "\n",
			O(m, c->out[i].obj)->dev, O(m, c->out[i].obj)->ino,
			type_name(O(m, c->out[i].obj)->type), path, c->out[i].ver);
	}
	if (c->more)
		fprintf(f, "    (and more: only the first %d are listed)\n", MAX_OUTCOMES);
	if (c->gave_up)
		fprintf(f, "    (and possibly more: the search stopped at %d steps)\n", NODE_LIMIT);
}

static const struct mcell *history_cell(const struct model *m, mref x)
{
	/* a filesystem's root moves by being mounted, anything else by name */
	return cell_of(O(m, x)->fsroot ? &O(m, x)->mountpoint : &O(m, x)->where);
}

/* The oldest version @x's kept history holds, or UINT64_MAX if it has none. */
static uint64_t history_start(const struct model *m, mref x)
{
	const struct mcell *c = history_cell(m, x);
	struct msnap s;

	if (!c)
		return UINT64_MAX;
	cell_snapshot(c, &s);
	if (!s.n)
		return UINT64_MAX;
	return s.ver[snap_first(&s) % MODEL_HISTORY];
}

/*
 * The object an answer names: the newest with that number placed by the
 * window's end @w (a filesystem mounted again is a new root with the same
 * number); 0 if the writer made none.
 */
static mref answer_object(const struct model *m, const struct nb_kstat *st, uint64_t w)
{
	mref x, pick = 0;

	for (x = m->nobj; x-- > 1;) {
		if (O(m, x)->dev != st->dev || O(m, x)->ino != st->ino)
			continue;
		if (!pick)
			pick = x;
		if (history_start(m, x) <= w)
			return x;
	}
	return pick;
}

/*
 * describe_answer_history - where the object the lookup answered has been
 * (for a filesystem's root: where it was mounted), as far as its kept
 * history goes (the last MODEL_HISTORY places), each with the log line
 * that put it there while the log still holds it: how an answer the window
 * did not allow relates to the path asked.
 */
static void describe_answer_history(FILE *f, struct model *m, const struct lookup_record *r,
				    uint64_t w)
{
	const struct mcell *where;
	struct msnap s;
	char path[512];
	mref x;
	uint32_t k;

	if (r->err || lk_ancestors(r->kind))
		return;
	x = answer_object(m, &r->st, w);
	if (!x) {
		fprintf(f, "  the answer %u:%" PRIu64 " is no object the writer made\n", r->st.dev,
			r->st.ino);
		return;
	}
	where = history_cell(m, x);
	if (!where)
		return;
	cell_snapshot(where, &s);
	fprintf(f, "  where %u:%" PRIu64 " has been%s:\n", r->st.dev, r->st.ino,
		snap_first(&s) ? " (its last places)" : "");
	for (k = snap_first(&s); k < s.n; k++) {
		uint64_t v = s.ver[k % MODEL_HISTORY];
		size_t slot = v % m->log_size;

		path_at(m, x, v, path, sizeof(path));
		fprintf(f, "    from version %6" PRIu64 ": %-24s %s\n", v, path,
			atomic_load_explicit(&m->log_ver[slot], memory_order_relaxed) == v ?
			m->log[slot] : "");
	}
}

/* @x's link count and size through the window s0 .. w, as the model has them. */
static void attr_history(FILE *f, const struct model *m, mref x, uint64_t s0, uint64_t w)
{
	const struct mobj *o = O(m, x);
	const struct mcell *cell = cell_of(o->type == MT_DIR ? &o->attr : &o->where);
	struct msnap s;
	uint32_t k;

	if (!cell)
		return;
	cell_snapshot(cell, &s);
	for (k = snap_first(&s); k < s.n; k++) {
		uint64_t v = s.ver[k % MODEL_HISTORY];
		uint32_t a = s.val[k % MODEL_HISTORY], n, e;

		if (v > w || (k + 1 < s.n && s.ver[(k + 1) % MODEL_HISTORY] <= s0))
			continue;	/* outside the window */
		if (o->type != MT_DIR) {
			fprintf(f, "      from version %6" PRIu64 ": nlink %u, size %zu\n", v,
				WHERE_NAME(a) == (int)DEAD_NAME ? 0u : 1u,
				o->type == MT_LNK ? strlen(o->body) : 0);
			continue;
		}
		n = AF(a, ATTR_NLINK);
		e = AF(a, ATTR_ENTRIES);
		fprintf(f, "      from version %6" PRIu64 ": nlink %u, size %" PRId64, v, AF_END(n),
			DIR_SIZE(AF_END(e)));
		if ((n | e) & AF_PASSING)
			fprintf(f, " (in passing: nlink %u, size %" PRId64 ")",
				(n & AF_PASSING) ? AF_MID(n) : AF_END(n),
				DIR_SIZE((e & AF_PASSING) ? AF_MID(e) : AF_END(e)));
		fputc('\n', f);
	}
}

static void attr_verdict(FILE *f, struct model *m, const struct lookup_record *r,
			 const struct nb_kstat *st, uint64_t w, const char *what)
{
	mref x = answer_object(m, st, w);
	struct chk c;
	int bad;

	if (!x)
		return;
	/* held at all in the window, or only not where the walk allows? */
	chk_init(&c, m, r, CHECK_STEPS, w);
	bad = attrs_held(&c, x, st, r->s0, w, false);
	fprintf(f, "    %s %u:%" PRIu64 ": nlink %u%s, size %" PRId64 "%s; the log has:\n", what,
		st->dev, st->ino, st->nlink, bad & BAD_NLINK ? " (never in the window)" : "",
		st->size, bad & BAD_SIZE ? " (never in the window)" : "");
	attr_history(f, m, x, r->s0, w);
}

/*
 * describe_attrs - if the answer's identity is allowed, the attributes
 * are what is not: say so, and what the log has for each object named.
 */
static void describe_attrs(FILE *f, struct model *m, const struct lookup_record *r,
			   enum check_mode mode, uint64_t w, bool strong)
{
	struct lookup_record id = *r;
	struct chk c;
	int i;

	if (r->err || r->attrs_unknown)
		return;
	id.attrs_unknown = true;
	chk_init(&c, m, &id, mode, w);
	c.strong = strong;
	i = run_check(&c);
	chk_fini(&c);
	if (!i)
		return;
	fprintf(f, "  the identity is allowed, the attributes (link count, size) are not:"
		" they must have held, by tmpfs's rules, from the step that found the object%s\n",
		mode == CHECK_ATOMIC ? ", at the walk's one version" :
		r->attrs_rcu || r->anc_rcu ? " until it moved (copied under RCU)" : "");
	if (!lk_ancestors(r->kind)) {
		attr_verdict(f, m, r, &r->st, w, "the answer");
		return;
	}
	for (i = 0; i < r->nanc; i++)
		attr_verdict(f, m, r, &r->anc[i], w, "ancestor");
}

static void report(FILE *f, struct model *m, const struct lookup_record *r, enum check_mode mode,
		   uint64_t w, bool strong)
{
	struct chk c;
	uint64_t v;

	fprintf(f, "  lookup: %s ", model_kind_name(r->kind));
	if (r->kind == LK_IN_ROOT)
		fprintf(f, "root \"%s\" ", r->root);
	fprintf(f, "\"%s\"\n  answer: ", r->path);
	describe_answer(f, r);
	fprintf(f, "\n  window: it began after version %" PRIu64 " and ended before version %" PRIu64
		" was complete%s\n", r->s0, w + 1,
		mode == CHECK_ATOMIC ? " (global: the whole lookup must hold at one version)" :
		r->anc_rcu ? " (its ancestor walk finished in RCU mode: each object must not have "
			     "moved until its parent was sampled, and the mount table must not "
			     "change during that walk)" :
		strong ? " (it finished in RCU mode: each step must still hold when the next "
			 "is taken, and the mount table must not change)" :
			 " (each step must hold at some version, in order)");
	chk_init(&c, m, r, mode, w);
	c.strong = strong;
	c.collect = true;
	run_check(&c);
	chk_fini(&c);
	describe_outcomes(f, m, &c, strong ? "under those rules" : "step by step");
	if (strong) {
		chk_init(&c, m, r, mode, w);
		c.collect = true;
		run_check(&c);
		chk_fini(&c);
		describe_outcomes(f, m, &c, "had it left RCU mode (each step on its own)");
	}
	describe_attrs(f, m, r, mode, w, strong);
	/* the run is stopping: let the writer finish what it was writing
	 * (not forever: it may itself be waiting to report) */
	for (v = 0; v < 100000 && atomic_load(&m->busy); v++)
		sched_yield();
	describe_answer_history(f, m, r, w);
	fprintf(f, "  the log from version %" PRIu64 " to %" PRIu64 ":\n", r->s0, w);
	for (v = r->s0; v <= w; v++) {
		size_t slot = v % m->log_size;

		if (atomic_load_explicit(&m->log_ver[slot], memory_order_relaxed) == v)
			fprintf(f, "    %6" PRIu64 "  %s\n", v, m->log[slot]);
		else if (v == w)
			fprintf(f, "    %6" PRIu64 "  (none: the writer's change in flight "
				"changed nothing)\n", v);
	}
}

/*
 * run_check - a strong check runs once per mount epoch in the window (the
 * versions between two changes of the mount table): a walk that finished
 * in RCU mode saw one mount table from its start to its end.
 */
static bool run_check(struct chk *c)
{
	const uint64_t *ev = c->m->mount_events;
	uint64_t lo = c->s0, hi = c->w, v;
	size_t n = atomic_load_explicit(&((struct model *)c->m)->n_mount_events,
					memory_order_acquire), i;
	bool ok = false;

	if (c->mode == CHECK_ATOMIC) {
		/* the whole lookup at one version: try each */
		if (hi - lo >= ATOMIC_WINDOW) {
			give_up(c, "global's window is longer than ATOMIC_WINDOW versions");
			return false;
		}
		for (v = lo; v <= hi && !ok; v++) {
			c->s0 = v;
			ok = run_check_window(c);
		}
		c->s0 = c->r->s0;
		return ok;
	}
	if (!c->strong)
		return run_check_window(c);
	i = first_after(ev, n, lo);
	while (!ok && lo <= hi) {
		uint64_t end = i < n && ev[i] <= hi ? ev[i] - 1 : hi;

		c->s0 = lo;
		c->w = end;
		ok = run_check_window(c);
		lo = end + 1;
		i++;
	}
	c->s0 = c->r->s0;
	c->w = hi;
	return ok;
}

/*
 * check_cached - RESOLVE_CACHED's rule, before its answer is checked as
 * stat's: -EAGAIN is always allowed (a miss, a race, anything RCU-walk
 * could not finish), any other answer only from a walk that never left
 * RCU mode.  True if that decided, with the verdict in *@res.
 */
static bool check_cached(const struct lookup_record *r, FILE *out, enum check_result *res)
{
	if (r->err == -EAGAIN) {
		*res = CHECK_OK;
		return true;
	}
	if (!r->left_rcu)
		return false;
	if (out) {
		fprintf(out, "  lookup: %s \"%s\"\n  answer: ", model_kind_name(r->kind), r->path);
		describe_answer(out, r);
		fprintf(out, "\n  RESOLVE_CACHED answered from a walk that left RCU mode "
			"(it unlazied, or restarted in REF-walk): only -EAGAIN may come from such "
			"a walk\n");
	}
	*res = CHECK_VIOLATION;
	return true;
}

enum check_result model_check(struct model *m, const struct lookup_record *r,
			      enum check_mode mode, FILE *out)
{
	uint64_t w = model_window_end(m, r->s1);
	enum check_result res;
	struct chk c;
	bool ok;

	if (r->kind == LK_GETCWD)
		return check_getcwd(m, r, w, out);
	if (r->kind == LK_CACHED && check_cached(r, out, &res))
		return res;
	if (lk_ancestors(r->kind) && r->nanc < 0) {
		snprintf(unchecked_why, sizeof(unchecked_why),
			 "its ancestor list was longer than MODEL_ANCESTORS");
		return CHECK_UNCHECKED;
	}
	chk_init(&c, m, r, mode, w);
	c.strong = r->rcu_complete && mode != CHECK_ATOMIC;
	ok = run_check(&c);
	chk_fini(&c);
	if (!ok && !c.lost && !c.gave_up && out)
		report(out, m, r, mode, w, c.strong);
	if (ok)
		return CHECK_OK;
	if (c.lost || c.gave_up) {
		/* where the steps went says which search to look at */
		snprintf(unchecked_why, sizeof(unchecked_why), "%s (%ld steps: %ld walking, %ld "
			 "crossing mounts, %ld up REF, %ld up RCU, %ld before the memo; up to %d "
			 "symlinks deep; window %" PRIu64 " .. %" PRIu64 ")", c.gave_up ? c.why :
			 "a value it needed had left the history", c.nodes, c.nodes_by[MEMO_WALK],
			 c.nodes_by[MEMO_CROSS], c.nodes_by[MEMO_ANCESTORS],
			 c.nodes_by[MEMO_ANCESTORS_RCU], c.nodes_by[0], c.deepest, r->s0, w);
		return CHECK_UNCHECKED;
	}
	return CHECK_VIOLATION;
}

const char *model_unchecked_why(void)
{
	return unchecked_why;
}

const char *model_kind_name(enum lookup_kind kind)
{
	static const char *const kinds[] = { "stat", "lstat", "stat_in_root", "ancestors",
					     "ancestors-iter", "getcwd", "cached" };

	return kinds[kind];
}

/* ---- the history's bound: the writer waits for the checkers ---- */

/*
 * Each reader publishes a floor: no lookup it has not yet checked began
 * (sampled its s0) before that version; MODEL_IDLE when it has none.  The
 * writer, between steps, waits until the lowest floor has reached what
 * its next step needs (throttle_need): then no lookup still to be checked
 * can lose a value it needs from a cell's history, or have a window
 * longer than the checker tries.  The floors only rise while a reader
 * checks, so the writer keeps the lowest it saw (m->safe) and scans again
 * only when its need has outgrown that.
 */
int model_readers(struct model *m, int n)
{
	int i;

	m->floor = aligned_alloc(64, sizeof(*m->floor) * (size_t)(n > 0 ? n : 1));
	if (!m->floor)
		return -ENOMEM;
	for (i = 0; i < n; i++)
		atomic_init(&m->floor[i].s0, MODEL_IDLE);
	m->nfloors = n;
	atomic_init(&m->waiting_for, -1);
	return 0;
}

void model_reader_begin(struct model *m, int reader)
{
	atomic_store_explicit(&m->floor[reader].s0,
			      atomic_load_explicit(&m->published, memory_order_relaxed),
			      memory_order_relaxed);
	/* the floor is stored before the batch samples its first s0: either
	 * the writer's scan sees the floor, or that s0 sees the version the
	 * writer had published before it scanned (and the scan's result is
	 * no higher than that); pairs with the fence in floor_scan() */
	atomic_thread_fence(memory_order_seq_cst);
}

void model_reader_checked(struct model *m, int reader, uint64_t next_s0)
{
	/* release: the checks' reads of the cells are done before the writer,
	 * which reads the floor with acquire, drops a value they read */
	atomic_store_explicit(&m->floor[reader].s0, next_s0, memory_order_release);
}

/* The lowest floor, and no higher than the version published; who holds it. */
static uint64_t floor_scan(struct model *m, int *who)
{
	/* the writer's own store: inside a step, the version before it */
	uint64_t low = atomic_load_explicit(&m->published, memory_order_relaxed);
	int i;

	/* the version published (model_publish's store) before the floors are
	 * read; pairs with the fence in model_reader_begin() */
	atomic_thread_fence(memory_order_seq_cst);
	*who = -1;
	for (i = 0; i < m->nfloors; i++) {
		/* acquire: pairs with the release in model_reader_checked() */
		uint64_t f = atomic_load_explicit(&m->floor[i].s0, memory_order_acquire);

		if (f < low) {
			low = f;
			*who = i;
		}
	}
	return low;
}

/*
 * What the lowest floor must reach before the next step (MODEL_STEP
 * versions at most): every grown cell's history still reaches back to it
 * after the step (cell_need), and a window still has fewer than
 * ATOMIC_WINDOW versions, which an atomic check tries one by one (and a
 * strong stat_in_root check tries a start after each rename in).
 */
static uint64_t throttle_need(const struct model *m)
{
	uint64_t need = m->need, win = m->ver + MODEL_STEP + 2;

	if (win > ATOMIC_WINDOW && win - ATOMIC_WINDOW > need)
		need = win - ATOMIC_WINDOW;
	return need;
}

static double now_s(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

bool model_throttle(struct model *m, const _Atomic bool *stop)
{
	uint64_t need = throttle_need(m);
	double t0;
	int who, tries = 0;

	m->step_versions = 0;
	if (need <= m->safe)
		return true;
	m->safe = floor_scan(m, &who);
	if (need <= m->safe)
		return true;
	t0 = now_s();
	while (need > m->safe && !atomic_load(stop)) {
		struct timespec nap = { 0, 20 * 1000 };

		atomic_store_explicit(&m->waiting_for, who, memory_order_relaxed);
		/* the reader that holds us up is most likely running, checking:
		 * spin a while; then it may need this CPU: yield, then nap */
		if (++tries < 4096)
			cpu_relax();
		else if (tries < 4096 + 16)
			sched_yield();
		else
			nanosleep(&nap, NULL);
		m->safe = floor_scan(m, &who);
	}
	atomic_store_explicit(&m->waiting_for, -1, memory_order_relaxed);
	m->waited += now_s() - t0;
	return need <= m->safe;
}
