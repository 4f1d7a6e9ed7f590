/*
 * The dentry cache: allocation, hashing, lookup, rename (d_move) and the
 * end of a dentry's life (after fs/dcache.c).
 *
 * Lock order: rename_lock, then a parent's d_lock before a child's, then a
 * hash-chain bit lock.  Only d_move() holds two parents' d_locks at once,
 * and it runs under rename_lock, so their relative order is free.  Killing
 * a dentry never holds its own d_lock while taking its parent's: it first
 * marks the dentry dead and unhashes it, after which nobody can take a new
 * reference to it, then unlists it from the parent.
 *
 * Freeing: a dentry, and an external name it was the last user of, are
 * freed by call_rcu() only: lockless readers (RCU-walk, the hash-chain
 * walk of __d_lookup) may be looking at them until a grace period passes.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "census.h"
#include "dcache.h"
#include "debug.h"
#include "slab.h"
#include "fs.h"
#include "zoo.h"

seqlock_t rename_lock;

/* read by d_hash() (dcache.h), set once by dcache_init() */
struct hlist_bl_head *dentry_hashtable;
unsigned int d_hash_shift;
static size_t d_hash_bytes;		/* for dcache_exit() */


#define D_HASH_BITS_DEFAULT	20	/* a million buckets: a chain per dentry at 1M */

int dcache_init(unsigned int hash_bits)
{
	size_t n;

	if (!hash_bits)
		hash_bits = D_HASH_BITS_DEFAULT;
	if (hash_bits > 30)
		return -EINVAL;
	n = (size_t)1 << hash_bits;
	/* on huge pages, as the kernel's table in the direct map (slab.h) */
	d_hash_bytes = n * sizeof(*dentry_hashtable);
	dentry_hashtable = nb_huge_alloc(d_hash_bytes);
	if (!dentry_hashtable)
		return -ENOMEM;
	d_hash_shift = 32 - hash_bits;
	seqlock_init(&rename_lock);
	return 0;
}

void dcache_exit(void)
{
	nb_huge_free(dentry_hashtable, d_hash_bytes);
	dentry_hashtable = NULL;
}

/* ---- names ---- */

static struct external_name *external_name(const struct dentry *d)
{
	const char *name = READ_ONCE(((struct dentry *)d)->d_name);

	if (name == (const char *)d->d_iname)
		return NULL;
	return container_of((char *)name, struct external_name, name[0]);
}

static void free_external_name_rcu(struct rcu_head *head)
{
	rcu_callback_enter(head);
	nb_free(container_of(head, struct external_name, rcu));
}

static void put_external_name(struct external_name *p)
{
	if (!p)
		return;
	nb_count(NB_CTR_RMW);
	if (atomic_fetch_sub_explicit(&p->count, 1, memory_order_acq_rel) == 1) {
		census_add(CENSUS_EXTNAME, -1);
		if (zoo(DENTRY_FREE_NORCU))
			nb_free(p);
		else
			call_rcu(&p->rcu, free_external_name_rcu);
	}
}

/* Store @len bytes as whole zero-padded words into the inline name. */
static void store_inline_name(struct dentry *d, const char *name, unsigned int len)
{
	unsigned int i;

	for (i = 0; i < DNAME_INLINE_LEN / 8; i++) {
		uint64_t w = 0;

		if (i * 8 < len)
			memcpy(&w, name + i * 8, len - i * 8 < 8 ? len - i * 8 : 8);
		WRITE_ONCE(d->d_iname[i], w);
	}
}

static const char *alloc_name(struct dentry *d, const char *name, unsigned int len)
{
	struct external_name *p;
	size_t padded;

	if (len <= DNAME_INLINE_LEN) {
		store_inline_name(d, name, len);
		return (const char *)d->d_iname;
	}
	padded = (len + 7) / 8 * 8 + NB_NAME_PAD;
	p = malloc(sizeof(*p) + padded);
	if (!p)
		return NULL;
	atomic_init(&p->count, 1);
	memset(p->name, 0, padded);
	memcpy(p->name, name, len);
	census_add(CENSUS_EXTNAME, 1);
	return p->name;
}

/* ---- allocation and freeing ---- */

/* struct dentry is three cache lines and must start on one (dcache.h) */
static struct nb_cache dentry_cache = NB_CACHE_INIT("dentry", struct dentry, NB_CACHELINE);

static struct dentry *__d_alloc(struct super_block *sb, const struct qstr *name)
{
	struct dentry *d = nb_cache_alloc(&dentry_cache);
	const char *dname;

	if (!d)
		return NULL;
	dname = alloc_name(d, name->name, name->len);
	if (!dname) {
		nb_cache_free(&dentry_cache, d);
		return NULL;
	}
	atomic_init(&d->d_flags, 0);
	seqcount_init(&d->d_seq);
	INIT_HLIST_BL_NODE(&d->d_hash);
	atomic_init(&d->d_parent, d);
	atomic_init(&d->d_hash_len, name->hash_len);
	atomic_init(&d->d_name, dname);
	atomic_init(&d->d_inode, NULL);
	d->d_sb = sb;
	lockref_init(&d->d_lockref, 1);
	d->d_magic = DENTRY_MAGIC;
	d->d_gen = debug_next_gen();
	INIT_LIST_HEAD(&d->d_children);
	INIT_LIST_HEAD(&d->d_sib);
	census_add(CENSUS_DENTRY, 1);
	return d;
}

static void __d_free_rcu(struct rcu_head *head)
{
	rcu_callback_enter(head);
	nb_cache_free(&dentry_cache, container_of(head, struct dentry, d_rcu));
}

static void d_free(struct dentry *d)
{
	put_external_name(external_name(d));
	census_add(CENSUS_DENTRY, -1);
	if (zoo(DENTRY_FREE_NORCU))
		nb_cache_free(&dentry_cache, d);
	else
		call_rcu(&d->d_rcu, __d_free_rcu);
}

/*
 * d_alloc - a new, unhashed, negative child of @parent, holding a reference
 * to its parent.  @name's hash must have been computed with @parent as salt.
 */
struct dentry *d_alloc(struct dentry *parent, const struct qstr *name)
{
	struct dentry *d = __d_alloc(parent->d_sb, name);

	if (!d)
		return NULL;
	d_lock(parent);
	/* the parent is in use by the caller, so its count is positive */
	lockref_set_count_locked(&parent->d_lockref, d_count(parent) + 1);
	WRITE_ONCE(d->d_parent, parent);
	list_add(&d->d_sib, &parent->d_children);
	d_unlock(parent);
	return d;
}

struct dentry *d_make_root(struct super_block *sb, struct inode *inode)
{
	static const char slash[8] = "/";
	struct qstr name = QSTR_INIT(slash, 1);
	struct dentry *d;

	name.hash = full_name_hash(NULL, slash, 1);
	d = __d_alloc(sb, &name);
	if (d)
		d_instantiate(d, inode);
	return d;
}

/* ---- instantiation and hashing ---- */

static unsigned int d_type_of(const struct inode *inode)
{
	if (!inode)
		return DCACHE_MISS_TYPE;
	if (S_ISDIR(inode->i_mode))
		return DCACHE_DIRECTORY_TYPE;
	if (S_ISLNK(inode->i_mode))
		return DCACHE_SYMLINK_TYPE;
	return DCACHE_REGULAR_TYPE;
}

/* Caller holds d_lock and is inside a d_seq write section. */
static void __d_set_inode_and_type(struct dentry *d, struct inode *inode)
{
	WRITE_ONCE(d->d_flags, (d_flags(d) & ~DCACHE_ENTRY_TYPE) | d_type_of(inode));
	/* release: the inode is fully initialized before it is reachable;
	 * pairs with the acquire in d_inode() */
	smp_store_release(&d->d_inode, inode);
}

void d_instantiate(struct dentry *dentry, struct inode *inode)
{
	d_lock(dentry);
	write_seqcount_begin(&dentry->d_seq);
	__d_set_inode_and_type(dentry, inode);
	write_seqcount_end(&dentry->d_seq);
	d_unlock(dentry);
}

/* Caller holds d_lock. */
static void __d_rehash(struct dentry *d)
{
	struct hlist_bl_head *b = d_hash(hashlen_hash(READ_ONCE(d->d_hash_len)));

	hlist_bl_lock(b);
	WRITE_ONCE(d->d_flags, d_flags(d) | DCACHE_HASHED);
	hlist_bl_add_head_rcu(&d->d_hash, b);
	hlist_bl_unlock(b);
}

void d_add(struct dentry *dentry, struct inode *inode)
{
	d_lock(dentry);
	if (inode) {
		write_seqcount_begin(&dentry->d_seq);
		__d_set_inode_and_type(dentry, inode);
		write_seqcount_end(&dentry->d_seq);
	}
	__d_rehash(dentry);
	d_unlock(dentry);
}

/* Caller holds d_lock.  Unhash without touching d_seq. */
static void ___d_drop(struct dentry *d)
{
	struct hlist_bl_head *b;

	if (d_unhashed(d))
		return;
	b = d_hash(hashlen_hash(READ_ONCE(d->d_hash_len)));
	hlist_bl_lock(b);
	__hlist_bl_del(&d->d_hash);
	WRITE_ONCE(d->d_flags, d_flags(d) & ~DCACHE_HASHED);
	hlist_bl_unlock(b);
}

/*
 * __d_drop - unhash, and make every outstanding d_seq sample stale so that
 * an RCU walker standing on this dentry cannot validate a step through it
 * (dentry_rcuwalk_invalidate).  Caller holds d_lock.
 */
void __d_drop(struct dentry *dentry)
{
	if (!d_unhashed(dentry)) {
		___d_drop(dentry);
		write_seqcount_invalidate(&dentry->d_seq);
	}
}

void d_drop(struct dentry *dentry)
{
	d_lock(dentry);
	__d_drop(dentry);
	d_unlock(dentry);
}

/* Caller holds d_lock; drops it.  The inode reference goes with the dentry. */
static void dentry_unlink_inode(struct dentry *d)
{
	struct inode *inode = d_inode(d);

	write_seqcount_begin(&d->d_seq);
	__d_set_inode_and_type(d, NULL);
	write_seqcount_end(&d->d_seq);
	d_unlock(d);
	if (inode)
		iput(inode);
}

/*
 * d_delete - the name is gone (unlink, rmdir).  If we are the only user the
 * dentry turns negative in place; otherwise someone still uses it (a working
 * directory, say) and it is only unhashed, keeping its now-unlinked inode.
 */
void d_delete(struct dentry *dentry)
{
	d_lock(dentry);
	if (d_count(dentry) == 1) {
		WRITE_ONCE(dentry->d_flags, d_flags(dentry) & ~DCACHE_CANT_MOUNT);
		dentry_unlink_inode(dentry);
	} else {
		__d_drop(dentry);
		d_unlock(dentry);
	}
}

void dont_mount(struct dentry *dentry)
{
	d_lock(dentry);
	WRITE_ONCE(dentry->d_flags, d_flags(dentry) | DCACHE_CANT_MOUNT);
	d_unlock(dentry);
}

bool d_cant_mount(const struct dentry *dentry)
{
	return d_flags(dentry) & DCACHE_CANT_MOUNT;
}

void d_set_mounted(struct dentry *dentry)
{
	d_lock(dentry);
	WRITE_ONCE(dentry->d_flags, d_flags(dentry) | DCACHE_MOUNTED);
	d_unlock(dentry);
}

void d_clear_mounted(struct dentry *dentry)
{
	d_lock(dentry);
	WRITE_ONCE(dentry->d_flags, d_flags(dentry) & ~DCACHE_MOUNTED);
	d_unlock(dentry);
}

/* ---- references ---- */

struct dentry *dget(struct dentry *dentry)
{
	lockref_get(&dentry->d_lockref);
	return dentry;
}

/*
 * __dentry_kill - called with d_lock held and the last reference: kill the
 * dentry and return its parent, whose reference the caller must drop.
 */
static struct dentry *__dentry_kill(struct dentry *d)
{
	struct dentry *parent = NULL;

	/* From here on lockref_get_not_dead() fails: no new users. */
	lockref_mark_dead(&d->d_lockref);
	__d_drop(d);
	if (d_inode(d)) {
		dentry_unlink_inode(d);		/* drops d_lock */
	} else {
		d_unlock(d);
	}
	if (!IS_ROOT(d)) {
		parent = d_parent(d);
		d_lock(parent);
		list_del_init(&d->d_sib);
		d_unlock(parent);
	}
	d_free(d);
	return parent;
}

/*
 * debug_check_dput - whoever drops a reference must hold one: a count
 * below one is a reference taken on a dead dentry (lockref_get where
 * lockref_get_not_dead was needed) or dropped twice.
 */
static void debug_check_dput(struct dentry *d)
{
	int count;

	if (!NB_DEBUG_ON)
		return;
	debug_check_magic(d, &d->d_magic, DENTRY_MAGIC, "dentry", "dput");
	count = d_count(d);
	if (count < 1)
		nb_bug("refcount", "dput of dentry %p with count %d%s", (void *)d, count,
		       count < 0 ? ": a reference was taken on it after it died" : "");
}

/*
 * dput - drop a reference.  The engine's filesystem keeps no unused
 * dentries (tmpfs's always_delete_dentry): a positive dentry is pinned by
 * the filesystem while it has a name, so reaching zero means the dentry is
 * negative or unlinked, and it is killed; then its parent loses the
 * reference the child held, possibly cascading.
 */
void dput(struct dentry *dentry)
{
	while (dentry) {
		debug_check_dput(dentry);
		if (likely(lockref_put_or_lock(&dentry->d_lockref)))
			return;
		/* d_lock held and we hold the last reference */
		dentry = __dentry_kill(dentry);
	}
}

/*
 * dlock_dput - dput() for the dlock strategy: the pre-lockref dcache, where
 * every count change takes the dentry's spinlock.
 */
void dlock_dput(struct dentry *dentry)
{
	while (dentry) {
		debug_check_dput(dentry);
		d_lock(dentry);
		if (likely(d_count(dentry) > 1)) {
			lockref_set_count_locked(&dentry->d_lockref, d_count(dentry) - 1);
			d_unlock(dentry);
			return;
		}
		dentry = __dentry_kill(dentry);
	}
}

struct dentry *dlock_dget(struct dentry *dentry)
{
	d_lock(dentry);
	lockref_set_count_locked(&dentry->d_lockref, d_count(dentry) + 1);
	d_unlock(dentry);
	return dentry;
}

/*
 * dlock_dget_parent - lock the candidate parent and check it still is one.
 * d_move() holds the old parent's d_lock while changing d_parent, so under
 * that lock the link is stable.  RCU keeps the candidate alive between the
 * load and the lock.
 */
struct dentry *dlock_dget_parent(struct dentry *dentry)
{
	struct dentry *ret;

	for (;;) {
		rcu_read_lock();
		ret = d_parent(dentry);
		d_lock(ret);
		if (likely(ret == d_parent(dentry)))
			break;
		d_unlock(ret);
		rcu_read_unlock();
	}
	rcu_read_unlock();
	lockref_set_count_locked(&ret->d_lockref, d_count(ret) + 1);
	d_unlock(ret);
	return ret;
}

/*
 * dget_parent - a counted reference to the parent, stable against a
 * concurrent rename: optimistically (get_not_zero, then check with d_seq
 * that d_parent did not move), else under the parent's d_lock.
 */
struct dentry *dget_parent(struct dentry *dentry)
{
	struct dentry *ret;
	unsigned int seq;
	int gotref;

	rcu_read_lock();
	seq = raw_seqcount_begin(&dentry->d_seq);
	ret = d_parent(dentry);
	gotref = lockref_get_not_zero(&ret->d_lockref);
	rcu_read_unlock();
	if (likely(gotref)) {
		if (!read_seqcount_retry(&dentry->d_seq, seq))
			return ret;
		nb_count(NB_CTR_SEQ_RETRY);
		dput(ret);
	}
	return dlock_dget_parent(dentry);
}

/* ---- lookup ---- */

static bool d_same_name(const struct dentry *d, const struct qstr *name)
{
	struct qstr dn = d_qstr(d);

	return dn.len == name->len && dentry_cmp(dn.name, name->name, name->len);
}

/*
 * __d_lookup - REF-walk's hash lookup: walk the chain under RCU (it may be
 * rewritten under us), lock each candidate and check it really is (parent,
 * name) and still hashed before taking a reference.  A concurrent rename can
 * move the entry we want to another chain while we walk this one, so a
 * miss is not authoritative; d_lookup() retries under rename_lock.
 */
struct dentry *__d_lookup(const struct dentry *parent, const struct qstr *name)
{
	struct hlist_bl_head *b = d_hash(name->hash);
	struct hlist_bl_node *node;
	struct dentry *found = NULL;

	rcu_read_lock();
	for (node = hlist_bl_first_rcu(b); node; node = hlist_bl_next_rcu(node)) {
		struct dentry *d = container_of(node, struct dentry, d_hash);

		debug_check_magic(d, &d->d_magic, DENTRY_MAGIC, "dentry", "__d_lookup");
		if (hashlen_hash(READ_ONCE(d->d_hash_len)) != name->hash)
			continue;
		d_lock(d);
		if (d_parent(d) == parent && !d_unhashed(d) && d_same_name(d, name)) {
			lockref_set_count_locked(&d->d_lockref, d_count(d) + 1);
			found = d;
		}
		d_unlock(d);
		if (found)
			break;
	}
	rcu_read_unlock();
	return found;
}

/*
 * __d_lookup_lockref - the lockref strategy's hash lookup: find a
 * candidate without taking its lock, take a reference with
 * lockref_get_not_dead(), then check with d_seq that what we matched
 * (parent, name, hashed) still held when we got it.
 */
struct dentry *__d_lookup_lockref(const struct dentry *parent, const struct qstr *name)
{
	struct dentry *d;
	unsigned int seq;

	rcu_read_lock();
	d = __d_lookup_rcu(parent, name, &seq);
	if (zoo(GET_NOT_DEAD) && d)
		lockref_get(&d->d_lockref);
	else if (d && !lockref_get_not_dead(&d->d_lockref))
		d = NULL;
	rcu_read_unlock();
	if (d && read_seqcount_retry(&d->d_seq, seq)) {
		nb_count(NB_CTR_SEQ_RETRY);
		dput(d);
		d = NULL;
	}
	return d;
}

struct dentry *d_lookup(const struct dentry *parent, const struct qstr *name)
{
	return d_lookup_with(__d_lookup, parent, name);
}

/* ---- rename ---- */

/*
 * copy_name - @dentry takes @target's name.  An external name is shared
 * by reference; an inline one is copied word by word with relaxed atomic
 * stores (concurrent lockless readers of the old name see a mix, which the
 * d_seq write section around us makes them discard).
 */
static void copy_name(struct dentry *dentry, struct dentry *target)
{
	struct external_name *old_name = external_name(dentry);
	struct external_name *tname = external_name(target);

	if (tname) {
		nb_count(NB_CTR_RMW);
		atomic_fetch_add_explicit(&tname->count, 1, memory_order_relaxed);
		smp_store_release(&dentry->d_name, (const char *)tname->name);
	} else {
		unsigned int i;

		for (i = 0; i < DNAME_INLINE_LEN / 8; i++)
			WRITE_ONCE(dentry->d_iname[i], READ_ONCE(target->d_iname[i]));
		smp_store_release(&dentry->d_name, (const char *)dentry->d_iname);
	}
	WRITE_ONCE(dentry->d_hash_len, READ_ONCE(target->d_hash_len));
	put_external_name(old_name);
}

/*
 * swap_names - RENAME_EXCHANGE: @dentry and @target trade names.  An
 * external name changes hands with the reference its holder had; an
 * inline one is copied word by word (concurrent lockless readers see a
 * mix, which the callers' d_seq write sections make them discard).
 */
static void swap_names(struct dentry *dentry, struct dentry *target)
{
	struct external_name *dname = external_name(dentry);
	struct external_name *tname = external_name(target);
	uint64_t hash_len = READ_ONCE(dentry->d_hash_len);
	unsigned int i;

	if (dname && tname) {
		smp_store_release(&dentry->d_name, (const char *)tname->name);
		smp_store_release(&target->d_name, (const char *)dname->name);
	} else if (dname || tname) {
		/* the inline name moves into the other's d_iname */
		struct dentry *ext = dname ? dentry : target, *inl = dname ? target : dentry;
		struct external_name *p = dname ? dname : tname;

		for (i = 0; i < DNAME_INLINE_LEN / 8; i++)
			WRITE_ONCE(ext->d_iname[i], READ_ONCE(inl->d_iname[i]));
		smp_store_release(&ext->d_name, (const char *)ext->d_iname);
		smp_store_release(&inl->d_name, (const char *)p->name);
	} else {
		for (i = 0; i < DNAME_INLINE_LEN / 8; i++) {
			uint64_t w = READ_ONCE(dentry->d_iname[i]);

			WRITE_ONCE(dentry->d_iname[i], READ_ONCE(target->d_iname[i]));
			WRITE_ONCE(target->d_iname[i], w);
		}
	}
	WRITE_ONCE(dentry->d_hash_len, READ_ONCE(target->d_hash_len));
	WRITE_ONCE(target->d_hash_len, hash_len);
}

/*
 * __d_move - @dentry takes @target's place: its parent and name.  Without
 * @exchange, @target (negative, or the victim of a rename over it) is left
 * unhashed with its own name and parent, to die when its last user lets
 * go; with it (RENAME_EXCHANGE), @target takes @dentry's old place.
 *
 * Called with both parents' i_rwsem held (and s_vfs_rename_mutex when the
 * parents differ).  rename_lock makes the move visible to REF-walk's chain
 * walk (d_lookup retries a miss), and the two d_seq write sections to
 * RCU-walk.
 *
 * Over our rule of about 60 lines, on purpose: as fs/dcache.c's
 * __d_move(), it takes rename_lock, opens both d_seq write sections,
 * moves the names and parents, and closes them in one body, because the
 * order of those steps against one another is the point (what a lockless
 * reader may see between any two of them), and one function shows it.
 */
static void __d_move(struct dentry *dentry, struct dentry *target, bool exchange)
{
	struct dentry *old_parent, *new_parent;

	write_seqlock(&rename_lock);
	old_parent = d_parent(dentry);
	new_parent = d_parent(target);
	d_lock(new_parent);
	if (old_parent != new_parent)
		d_lock(old_parent);
	d_lock(dentry);
	d_lock(target);

	if (!zoo(RENAME_NO_SEQ)) {
		write_seqcount_begin(&dentry->d_seq);
		if (!(zoo(RENAME_OUTSIDE_DSEQ) && exchange))
			write_seqcount_begin(&target->d_seq);
	}
	/* inside the sections, both still hashed where they were: a walker
	 * that finds either now must see its d_seq move */
	debug_delay();

	___d_drop(dentry);
	___d_drop(target);

	/*
	 * release: pairs with the acquire in d_parent(), so that a lockless
	 * walker going '..' through the new link sees the parent's fields as
	 * they were initialized (a directory made just before the move).  The
	 * smp_wmb() in write_seqcount_begin() orders them too, but as a fence,
	 * which ThreadSanitizer does not model (the soak's TSan report, seed
	 * 5134, on d_magic); the release costs nothing on x86.
	 */
	smp_store_release(&dentry->d_parent, new_parent);
	if (exchange) {
		swap_names(dentry, target);
		smp_store_release(&target->d_parent, old_parent);
	} else {
		copy_name(dentry, target);
	}
	if (old_parent != new_parent && !exchange) {
		lockref_set_count_locked(&new_parent->d_lockref, d_count(new_parent) + 1);
		/* the caller holds old_parent: this cannot reach zero */
		lockref_set_count_locked(&old_parent->d_lockref, d_count(old_parent) - 1);
	}
	list_move(&dentry->d_sib, &new_parent->d_children);
	__d_rehash(dentry);
	if (exchange) {
		/* each child holds a reference to its parent: the two swap */
		list_move(&target->d_sib, &old_parent->d_children);
		__d_rehash(target);
	}

	if (!zoo(RENAME_NO_SEQ)) {
		if (!(zoo(RENAME_OUTSIDE_DSEQ) && exchange))
			write_seqcount_end(&target->d_seq);
		write_seqcount_end(&dentry->d_seq);
	}

	d_unlock(target);
	d_unlock(dentry);
	if (old_parent != new_parent)
		d_unlock(old_parent);
	d_unlock(new_parent);
	write_sequnlock(&rename_lock);
}

void d_move(struct dentry *dentry, struct dentry *target)
{
	__d_move(dentry, target, false);
}

/* d_exchange - RENAME_EXCHANGE: two positive dentries trade places. */
void d_exchange(struct dentry *dentry1, struct dentry *dentry2)
{
	__d_move(dentry1, dentry2, true);
}

/*
 * is_subdir - is @new_dentry at or below @old_dentry (within one
 * filesystem)?  Walks up d_parent under RCU, again if a rename raced.
 */
bool is_subdir(struct dentry *new_dentry, struct dentry *old_dentry)
{
	bool res;
	unsigned int seq;

	if (new_dentry == old_dentry)
		return true;
	rcu_read_lock();
	do {
		struct dentry *d = new_dentry;

		seq = read_seqbegin(&rename_lock);
		while (d != old_dentry && !IS_ROOT(d))
			d = d_parent(d);
		res = d == old_dentry;
	} while (read_seqretry(&rename_lock, seq));
	rcu_read_unlock();
	return res;
}

/* ---- the end of a superblock ---- */

/*
 * shrink_dcache_sb - drop the filesystem's pins on every dentry of a dying
 * superblock, leaves first.  Nothing else references them: the last mount
 * is gone, so no path can point into the tree.  Iterative, because a tree
 * built through relative paths can be deeper than any stack.
 */
void shrink_dcache_sb(struct super_block *sb)
{
	struct dentry *root = sb->s_root, *d = root;

	for (;;) {
		struct dentry *parent;

		if (!list_empty(&d->d_children)) {
			d = list_entry(d->d_children.next, struct dentry, d_sib);
			continue;
		}
		parent = d == root ? NULL : d_parent(d);
		/* the pin is the last reference; the kill drops the one on parent */
		if (unlikely(d_count(d) != 1)) {
			fprintf(stderr, "nameibench: BUG: dentry still in use (count %d) "
				"when its filesystem died\n", d_count(d));
			abort();
		}
		dput(d);
		if (!parent)
			break;
		d = parent;
	}
	sb->s_root = NULL;
}
