/*
 * The dentry cache: allocation, hashing, lookup, rename (d_move) and the
 * end of a dentry's life (after fs/dcache.c).
 *
 * Lock order: rename_lock, then a parent's d_lock before a child's, then a
 * hash-chain or in-lookup bucket bit lock, or a superblock's LRU lock
 * (which the shrinker, holding it first, only trylocks a d_lock under).
 * Only d_move() holds two parents' d_locks at once, and it runs under
 * rename_lock, so their relative order is free.  Killing
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

static void dcache_reclaim(struct super_block *sb);

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
	nb_cache_free(&dentry_cache, container_of(head, struct dentry, d_u.d_rcu));
}

/* dentry_free - off every list: free it (and its name) after a grace period */
static void d_free(struct dentry *d)
{
	put_external_name(external_name(d));
	census_add(CENSUS_DENTRY, -1);
	if (zoo(DENTRY_FREE_NORCU) || unlikely(d_flags(d) & DCACHE_NORCU))
		nb_cache_free(&dentry_cache, d);
	else
		call_rcu(&d->d_u.d_rcu, __d_free_rcu);
}

/*
 * d_set_d_op - give a new dentry its operations, and the flags that let
 * hot paths test for them without loading d_op.  Before the dentry is
 * hashed: lockless walkers read d_op without synchronization.
 */
void d_set_d_op(struct dentry *dentry, const struct dentry_operations *op)
{
	unsigned int flags = 0;

	dentry->d_op = op;
	if (!op)
		return;
	if (op->d_hash)
		flags |= DCACHE_OP_HASH;
	if (op->d_compare)
		flags |= DCACHE_OP_COMPARE;
	if (op->d_revalidate)
		flags |= DCACHE_OP_REVALIDATE;
	if (op->d_weak_revalidate)
		flags |= DCACHE_OP_WEAK_REVALIDATE;
	if (op->d_delete)
		flags |= DCACHE_OP_DELETE;
	if (op->d_prune)
		flags |= DCACHE_OP_PRUNE;
	WRITE_ONCE(dentry->d_flags, d_flags(dentry) | flags);
}

/*
 * d_alloc - a new, unhashed, negative child of @parent, holding a reference
 * to its parent.  @name's hash must have been computed with @parent as salt.
 */
struct dentry *d_alloc(struct dentry *parent, const struct qstr *name)
{
	struct dentry *d;

	dcache_reclaim(parent->d_sb);
	d = __d_alloc(parent->d_sb, name);
	if (!d)
		return NULL;
	if (parent->d_sb->s_d_op)
		d_set_d_op(d, parent->d_sb->s_d_op);
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

static void __d_lookup_unhash(struct dentry *d);

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

/* start_dir_add - make @dir's i_dir_seq odd (one adder at a time) */
static unsigned int start_dir_add(struct inode *dir)
{
	for (;;) {
		unsigned int n = READ_ONCE(dir->i_dir_seq);

		nb_count(NB_CTR_RMW);
		if (!(n & 1) && atomic_compare_exchange_weak_explicit(&dir->i_dir_seq, &n, n + 1,
				memory_order_relaxed, memory_order_relaxed))
			return n;
		cpu_relax();
	}
}

static void end_dir_add(struct inode *dir, unsigned int n)
{
	nb_count(NB_CTR_STORE);
	/* release: the dentry is hashed before the count says so; pairs with
	 * the acquire in d_alloc_parallel() */
	smp_store_release(&dir->i_dir_seq, n + 2);
}

/*
 * d_add - hash @dentry, with @inode or negative.  An in-lookup dentry
 * (->lookup's, from d_alloc_parallel) leaves the in-lookup hash here,
 * before it enters the dcache, so that no lookup ever finds it hashed and
 * still in lookup (and calls ->lookup on it again); its directory's
 * i_dir_seq, odd meanwhile, tells a d_alloc_parallel() that looked in
 * both places in between to look again.
 */
void d_add(struct dentry *dentry, struct inode *inode)
{
	struct inode *dir = NULL;
	unsigned int n = 0;

	d_lock(dentry);
	if (unlikely(d_in_lookup(dentry))) {
		dir = d_inode(d_parent(dentry));
		n = start_dir_add(dir);
		__d_lookup_unhash(dentry);
	}
	if (inode) {
		write_seqcount_begin(&dentry->d_seq);
		__d_set_inode_and_type(dentry, inode);
		write_seqcount_end(&dentry->d_seq);
	}
	__d_rehash(dentry);
	if (dir)
		end_dir_add(dir, n);
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

/*
 * d_set_norcu - the dentry opts out of the RCU delay on its freeing, as
 * Linux's d_alloc_pseudo() dentries (pipes, sockets) do: right only for
 * what no lockless walk can ever reach.
 */
void d_set_norcu(struct dentry *dentry)
{
	d_lock(dentry);
	WRITE_ONCE(dentry->d_flags, d_flags(dentry) | DCACHE_NORCU);
	d_unlock(dentry);
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

/* ---- unused dentries: the LRU and the shrinker ---- */

static _Atomic long nr_dentry_unused;	/* on every superblock's LRU */
static long dentry_budget;		/* 0: none (nb_set_dentry_budget) */

void nb_set_dentry_budget(long n)
{
	dentry_budget = n;
}

long nb_dentry_unused(void)
{
	return atomic_load_explicit(&nr_dentry_unused, memory_order_relaxed);
}

/* Caller holds the LRU's lock. */
static void lru_count(struct dentry_lru *lru, long n)
{
	WRITE_ONCE(lru->nr, READ_ONCE(lru->nr) + n);
	atomic_fetch_add_explicit(&nr_dentry_unused, n, memory_order_relaxed);
}

/* Caller holds d_lock; the dentry is on no list. */
static void d_lru_add(struct dentry *d)
{
	struct dentry_lru *lru = &d->d_sb->s_dentry_lru;

	spin_lock(&lru->lock);
	WRITE_ONCE(d->d_flags, d_flags(d) | DCACHE_LRU_LIST);
	list_add_tail(&d->d_u.d_lru, &lru->list);
	lru_count(lru, 1);
	spin_unlock(&lru->lock);
}

/* Caller holds d_lock; the dentry is on its LRU, not a dispose list. */
static void d_lru_del(struct dentry *d)
{
	struct dentry_lru *lru = &d->d_sb->s_dentry_lru;

	spin_lock(&lru->lock);
	WRITE_ONCE(d->d_flags, d_flags(d) & ~(DCACHE_LRU_LIST | DCACHE_REFERENCED));
	list_del_init(&d->d_u.d_lru);
	lru_count(lru, -1);
	spin_unlock(&lru->lock);
}

/* Caller holds d_lock (and the LRU lock if it is on the LRU): to @list. */
static void d_shrink_add(struct dentry *d, struct list_head *list)
{
	WRITE_ONCE(d->d_flags, d_flags(d) | DCACHE_LRU_LIST | DCACHE_SHRINK_LIST);
	list_add_tail(&d->d_u.d_lru, list);
}

/*
 * retain_dentry - our reference, the last, is going: keep the dentry
 * unused in the dcache (true), or kill it?  Unhashed ones and those the
 * filesystem says not to keep (d_delete: tmpfs's negative dentries) die;
 * the rest go on the LRU, or are marked used again if they are on it.
 * Caller holds d_lock.
 */
static bool retain_dentry(struct dentry *d)
{
	unsigned int flags = d_flags(d);

	if (unlikely(!(flags & DCACHE_HASHED)))
		return false;
	if (unlikely(flags & DCACHE_OP_DELETE) && d->d_op->d_delete(d))
		return false;
	if (!(flags & DCACHE_LRU_LIST))
		d_lru_add(d);
	else if (!(flags & DCACHE_REFERENCED))
		WRITE_ONCE(d->d_flags, flags | DCACHE_REFERENCED);
	return true;
}

/*
 * __dentry_kill - called with d_lock held and the last reference (or
 * none, from the shrinker): kill the dentry and return its parent, whose
 * reference the caller must drop.  A dentry on a shrinker's dispose list
 * is left for that shrinker to free (it still links the dentry).
 */
static struct dentry *__dentry_kill(struct dentry *d)
{
	struct dentry *parent = NULL;
	unsigned int flags = d_flags(d);
	bool can_free = true;

	if ((flags & DCACHE_OP_PRUNE) && (flags & DCACHE_HASHED))
		d->d_op->d_prune(d);
	if ((flags & (DCACHE_LRU_LIST | DCACHE_SHRINK_LIST)) == DCACHE_LRU_LIST)
		d_lru_del(d);
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
	if (d->d_op && d->d_op->d_release)
		d->d_op->d_release(d);
	d_lock(d);
	WRITE_ONCE(d->d_flags, d_flags(d) | DCACHE_DENTRY_KILLED);
	if (d_flags(d) & DCACHE_SHRINK_LIST)
		can_free = false;
	d_unlock(d);
	if (can_free)
		d_free(d);
	return parent;
}

/*
 * lock_for_kill - a shrinker's kill left our reference on @d, the parent,
 * to drop.  If it was the last, @d is unused now and goes too: returns
 * true with d_lock held and the count 0, as __dentry_kill() wants.  No
 * second chance for a DCACHE_REFERENCED parent: an evicted subtree goes
 * in one pass, as Linux's shrink_kill() takes it, not one level a pass.
 * The lock, not lockref's fast path: this is the shrinker, not a walk.
 */
static bool lock_for_kill(struct dentry *d)
{
	d_lock(d);
	if (d_count(d) > 1) {
		lockref_set_count_locked(&d->d_lockref, d_count(d) - 1);
		d_unlock(d);
		return false;
	}
	lockref_set_count_locked(&d->d_lockref, 0);
	return true;
}

/* shrink_kill - kill @d (d_lock held, unused) and every ancestor it leaves unused */
static long shrink_kill(struct dentry *d)
{
	long killed = 0;

	do {
		nb_count(NB_CTR_EVICT);
		killed++;
		d = __dentry_kill(d);
	} while (d && lock_for_kill(d));
	return killed;
}

/*
 * shrink_dentry_list - kill what a shrinker isolated on @list: those still
 * unused, and the ancestors that leaves unused.  One that someone picked
 * up meanwhile goes back to being a dentry like any other (its last dput
 * puts it on the LRU again); one that someone killed meanwhile is ours to
 * free.  Returns how many it killed.
 */
static long shrink_dentry_list(struct list_head *list)
{
	long killed = 0;

	while (!list_empty(list)) {
		struct dentry *d = list_entry(list->next, struct dentry, d_u.d_lru);
		unsigned int flags;

		d_lock(d);
		list_del_init(&d->d_u.d_lru);
		flags = d_flags(d);
		WRITE_ONCE(d->d_flags, flags & ~(DCACHE_LRU_LIST | DCACHE_SHRINK_LIST |
						 DCACHE_REFERENCED));
		if (flags & DCACHE_DENTRY_KILLED) {
			d_unlock(d);
			d_free(d);
			continue;
		}
		if (d_count(d) != 0) {		/* in use again, or being killed */
			d_unlock(d);
			continue;
		}
		killed += shrink_kill(d);
	}
	return killed;
}

/*
 * prune_dcache_sb - the shrinker (super_cache_scan): look at up to
 * @nr_to_scan of @sb's unused dentries, oldest first, and kill those not
 * used since they were last looked at.  Lockless walkers may be standing
 * on any of them: the kill's __d_drop() makes their d_seq samples stale,
 * and lockref_get_not_dead() refuses a dead one, so an RCU walk through
 * an evicted dentry falls back to REF-walk and finds the name again
 * through ->lookup.  Returns how many it killed, ancestors included.
 */
long prune_dcache_sb(struct super_block *sb, long nr_to_scan)
{
	struct dentry_lru *lru = &sb->s_dentry_lru;
	struct list_head dispose;
	INIT_LIST_HEAD(&dispose);
	spin_lock(&lru->lock);
	while (nr_to_scan-- > 0 && !list_empty(&lru->list)) {
		struct dentry *d = list_entry(lru->list.next, struct dentry, d_u.d_lru);
		unsigned int flags;

		/* lock order is d_lock then the LRU lock: we may only try */
		if (!lockref_trylock(&d->d_lockref)) {
			list_move_tail(&d->d_u.d_lru, &lru->list);
			continue;
		}
		flags = d_flags(d);
		if (d_count(d) != 0) {
			/* in use: off the LRU until its last dput (dentry_lru_isolate) */
			WRITE_ONCE(d->d_flags, flags & ~(DCACHE_LRU_LIST | DCACHE_REFERENCED));
			list_del_init(&d->d_u.d_lru);
			lru_count(lru, -1);
		} else if (flags & DCACHE_REFERENCED) {
			/* used since we last looked: a second chance */
			WRITE_ONCE(d->d_flags, flags & ~DCACHE_REFERENCED);
			list_move_tail(&d->d_u.d_lru, &lru->list);
		} else {
			list_del_init(&d->d_u.d_lru);
			lru_count(lru, -1);
			d_shrink_add(d, &dispose);
		}
		d_unlock(d);
	}
	spin_unlock(&lru->lock);
	return shrink_dentry_list(&dispose);
}

/*
 * dcache_reclaim - over the unused-dentry budget: the allocator reclaims
 * from the superblock it allocates in, as direct reclaim would run the
 * shrinkers (here: that superblock's only).  The caller holds the parent
 * it allocates under, so that one is safe; nothing else is held.
 */
static void dcache_reclaim(struct super_block *sb)
{
	long over;

	if (likely(!dentry_budget))
		return;
	over = nb_dentry_unused() - dentry_budget;
	if (over > 0)
		prune_dcache_sb(sb, 2 * over);
}

/*
 * shrink_dcache_parent - kill the unused children of @parent before it
 * is removed (vfs_rmdir, a rename over a directory).  The filesystem has
 * found it empty, so its children in the dcache are negative ones, which
 * have no children of their own.
 */
void shrink_dcache_parent(struct dentry *parent)
{
	struct list_head dispose;
	struct dentry *child;

	INIT_LIST_HEAD(&dispose);
	d_lock(parent);
	list_for_each_entry(child, &parent->d_children, d_sib) {
		unsigned int flags;

		d_lock(child);
		flags = d_flags(child);
		if (d_count(child) == 0 && !(flags & DCACHE_SHRINK_LIST)) {
			if (flags & DCACHE_LRU_LIST)
				d_lru_del(child);
			d_shrink_add(child, &dispose);
		}
		d_unlock(child);
	}
	d_unlock(parent);
	shrink_dentry_list(&dispose);
}

/*
 * dput_last - ours is the last reference (count 1, d_lock held): keep the
 * dentry unused, or kill it.  Returns the parent whose reference a kill
 * left to drop, or NULL.
 */
static struct dentry *dput_last(struct dentry *d)
{
	if (retain_dentry(d)) {
		lockref_set_count_locked(&d->d_lockref, 0);
		d_unlock(d);
		return NULL;
	}
	return __dentry_kill(d);
}

/*
 * fast_dput - drop what may be the last reference without the lock, as
 * Linux does: if the count reaches 0 on a dentry that is kept as it is
 * (hashed, on the LRU, marked used), there is nothing else to do.
 * Otherwise take d_lock and look again; returns false with it held and
 * the count 1 (ours again) if the dentry must be retained or killed under
 * it.  Caller is under RCU: at count 0 the shrinker may kill the dentry
 * under us, and only RCU keeps it there while we look.
 */
static bool fast_dput(struct dentry *d)
{
	const unsigned int kept = DCACHE_HASHED | DCACHE_LRU_LIST | DCACHE_REFERENCED;
	int ret = lockref_put_return(&d->d_lockref);

	if (unlikely(ret < 0)) {	/* the lock is held: do it under the lock */
		d_lock(d);
		if (d_count(d) > 1) {
			lockref_set_count_locked(&d->d_lockref, d_count(d) - 1);
			d_unlock(d);
			return true;
		}
		return false;
	}
	if (ret)
		return true;
	if ((d_flags(d) & (kept | DCACHE_OP_DELETE)) == kept)
		return true;
	d_lock(d);
	if (d_count(d) != 0) {		/* picked up again, or killed */
		d_unlock(d);
		return true;
	}
	lockref_set_count_locked(&d->d_lockref, 1);
	return false;
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
 * dput - drop a reference.  The last one either leaves the dentry unused
 * in the dcache, on its superblock's LRU (a filesystem that keeps them:
 * disk's negative and positive dentries), or kills it (unhashed ones,
 * and those d_delete says not to keep: tmpfs's negative ones; tmpfs's
 * positive ones are pinned while they have a name).  A kill drops the
 * reference the child held on its parent, possibly cascading.
 */
void dput(struct dentry *dentry)
{
	while (dentry) {
		debug_check_dput(dentry);
		if (likely(lockref_put_not_zero(&dentry->d_lockref)))
			return;
		rcu_read_lock();
		if (likely(fast_dput(dentry))) {
			rcu_read_unlock();
			return;
		}
		/* d_lock held, and our reference again: it cannot go */
		rcu_read_unlock();
		dentry = dput_last(dentry);
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
		dentry = dput_last(dentry);
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

/* Caller holds d_lock (or validates with d_seq). */
static bool d_same_name(const struct dentry *d, const struct qstr *name)
{
	struct dentry *parent = d_parent(d);
	struct qstr dn = d_qstr(d);

	if (likely(!(d_flags(parent) & DCACHE_OP_COMPARE)))
		return dn.len == name->len && dentry_cmp(dn.name, name->name, name->len);
	return !parent->d_op->d_compare(d, dn.len, dn.name, name);
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

/*
 * __d_lookup_rcu_op_compare - __d_lookup_rcu() under a parent whose
 * filesystem compares names itself (d_compare: case-insensitive ones).
 * The name handed to d_compare must be one the dentry had: read it, then
 * check d_seq, and only then compare (a rename may rewrite it under us).
 */
struct dentry *__d_lookup_rcu_op_compare(const struct dentry *parent, const struct qstr *name,
					 unsigned int *seqp)
{
	struct hlist_bl_node *node;

	for (node = hlist_bl_first_rcu(d_hash(name->hash)); node; node = hlist_bl_next_rcu(node)) {
		struct dentry *d = container_of(node, struct dentry, d_hash);
		struct qstr dn;
		unsigned int seq;

seqretry:
		seq = raw_seqcount_begin(&d->d_seq);
		if (d_parent(d) != parent || d_unhashed(d))
			continue;
		dn = d_qstr(d);
		if (dn.hash != name->hash)
			continue;
		if (read_seqcount_retry(&d->d_seq, seq)) {
			cpu_relax();
			goto seqretry;
		}
		if (parent->d_op->d_compare(d, dn.len, dn.name, name))
			continue;
		*seqp = seq;
		return d;
	}
	return NULL;
}

/* ---- lookups in progress (d_alloc_parallel) ---- */

#define IN_LOOKUP_SHIFT	10
static struct hlist_bl_head in_lookup_hashtable[1 << IN_LOOKUP_SHIFT];

static struct hlist_bl_head *in_lookup_hash(const struct dentry *parent, uint32_t hash)
{
	uint64_t h = hash + (uint64_t)(uintptr_t)parent / NB_CACHELINE;

	return in_lookup_hashtable + (uint32_t)(h * HASH_MUL1 >> (64 - IN_LOOKUP_SHIFT));
}

/*
 * d_wait_lookup - wait for another lookup of the same name to finish.
 * The acquire pairs with the release in d_lookup_done(): what that lookup
 * did to the dentry (hashing it, instantiating it) is visible after.
 */
static void d_wait_lookup(struct dentry *d)
{
	unsigned int spins = 0;

	nb_count(NB_CTR_INLOOKUP_WAIT);
	while (smp_load_acquire(&d->d_flags) & DCACHE_PAR_LOOKUP)
		rwsem_backoff(&spins);
}

/* A cached dentry for (@parent, @name), counted, or NULL; RCU held. */
static struct dentry *d_lookup_cached(const struct dentry *parent, const struct qstr *name)
{
	unsigned int seq;
	struct dentry *d = __d_lookup_rcu(parent, name, &seq);

	if (!d)
		return NULL;
	if (!lockref_get_not_dead(&d->d_lockref))
		return ERR_PTR(-EAGAIN);	/* dying: look again */
	if (read_seqcount_retry(&d->d_seq, seq)) {
		dput(d);
		return ERR_PTR(-EAGAIN);	/* renamed under us */
	}
	return d;
}

/* Under the bucket's lock: a lookup of (@parent, @name) in progress. */
static struct dentry *in_lookup_find(struct hlist_bl_head *b, const struct dentry *parent,
				     const struct qstr *name)
{
	struct hlist_bl_node *node;

	for (node = hlist_bl_first_rcu(b); node; node = hlist_bl_next_rcu(node)) {
		struct dentry *d = container_of(node, struct dentry, d_u.d_in_lookup_hash);

		if (d_parent(d) == parent && d_same_name(d, name))
			return d;
	}
	return NULL;
}

/*
 * d_alloc_parallel - lookup_slow()'s dentry, under the directory's
 * i_rwsem held shared (Linux 4.7, 84e710da2a1d): a cached dentry for the
 * name if one appeared, else one that is "in lookup" -- in the in-lookup
 * hash with DCACHE_PAR_LOOKUP, for the caller alone to hand to ->lookup
 * and then to d_lookup_done().  A second lookup of the same name meanwhile
 * finds it there and waits for it, so a name is looked up once however
 * many ask; lookups of different names go on in parallel.
 *
 * The directory's i_dir_seq, odd while d_add() moves a dentry from the
 * in-lookup hash to the dcache, closes the gap between our two looks.
 */
struct dentry *d_alloc_parallel(struct dentry *parent, const struct qstr *name)
{
	struct dentry *new = d_alloc(parent, name), *d;
	struct hlist_bl_head *b = in_lookup_hash(parent, name->hash);
	struct inode *dir = d_inode(parent);

	if (unlikely(!new))
		return ERR_PTR(-ENOMEM);
	for (;;) {
		unsigned int r_seq, dir_seq;

		rcu_read_lock();
		/* acquire: pairs with the release in end_dir_add() */
		dir_seq = smp_load_acquire(&dir->i_dir_seq);
		r_seq = read_seqbegin(&rename_lock);
		d = d_lookup_cached(parent, name);
		if (d == ERR_PTR(-EAGAIN)) {
			rcu_read_unlock();
			continue;
		}
		if (d) {
			rcu_read_unlock();
			dput(new);
			return d;
		}
		if (unlikely(read_seqretry(&rename_lock, r_seq)) || unlikely(dir_seq & 1)) {
			rcu_read_unlock();
			continue;
		}
		hlist_bl_lock(b);
		/* a lookup that moved from the in-lookup hash to the dcache
		 * between our two looks would be missed by both */
		if (unlikely(READ_ONCE(dir->i_dir_seq) != dir_seq)) {
			hlist_bl_unlock(b);
			rcu_read_unlock();
			continue;
		}
		d = in_lookup_find(b, parent, name);
		if (!d) {
			rcu_read_unlock();
			/* ours is the lookup; d_flags' other writers hold d_lock */
			d_lock(new);
			WRITE_ONCE(new->d_flags, d_flags(new) | DCACHE_PAR_LOOKUP);
			d_unlock(new);
			hlist_bl_add_head_rcu(&new->d_u.d_in_lookup_hash, b);
			hlist_bl_unlock(b);
			return new;
		}
		/*
		 * d_lock nests outside the bucket lock (d_lookup_done), so the
		 * reference is taken after dropping it, RCU keeping the
		 * dentry there; if it died meanwhile, look again.
		 */
		hlist_bl_unlock(b);
		if (!lockref_get_not_dead(&d->d_lockref)) {
			rcu_read_unlock();
			continue;
		}
		rcu_read_unlock();
		d_wait_lookup(d);
		/* it is done: still the name we want, in this directory? */
		d_lock(d);
		if (d_parent(d) == parent && !d_unhashed(d) && d_same_name(d, name)) {
			d_unlock(d);
			dput(new);
			return d;
		}
		d_unlock(d);
		dput(d);
	}
}

/*
 * __d_lookup_unhash - the dentry is no longer in lookup: out of the
 * in-lookup hash, its flag cleared, waiters free to go.  Caller holds
 * d_lock.  The release pairs with the acquire in d_wait_lookup().
 */
static void __d_lookup_unhash(struct dentry *d)
{
	struct hlist_bl_head *b = in_lookup_hash(d_parent(d), hashlen_hash(READ_ONCE(d->d_hash_len)));

	hlist_bl_lock(b);
	__hlist_bl_del(&d->d_u.d_in_lookup_hash);
	INIT_LIST_HEAD(&d->d_u.d_lru);
	smp_store_release(&d->d_flags, d_flags(d) & ~DCACHE_PAR_LOOKUP);
	hlist_bl_unlock(b);
}

/* d_lookup_done - ->lookup is over; a no-op if it hashed the dentry (d_add). */
void d_lookup_done(struct dentry *d)
{
	d_lock(d);
	if (d_in_lookup(d))
		__d_lookup_unhash(d);
	d_unlock(d);
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
 * shrink_dcache_for_umount - the last mount of @sb is gone, so nothing
 * uses its dentries: kill them all, leaves first.  A leaf's count is 0
 * (unused, on the LRU) or 1 (tmpfs's pin, or the root's own reference
 * from d_make_root), and either way it goes now.  The reference it held
 * on its parent is dropped by hand, never by dput(): a parent with no
 * name left (an rmdir'd directory kept by cached negative children) would
 * die in dput's cascade while this walk still stands on it.  The parent
 * is a leaf once its last child is gone.  Iterative, because a tree built
 * through relative paths can be deeper than any stack.
 */
void shrink_dcache_for_umount(struct super_block *sb)
{
	struct dentry *d = sb->s_root;

	for (;;) {
		struct dentry *parent;
		int count;

		if (!list_empty(&d->d_children)) {
			d = list_entry(d->d_children.next, struct dentry, d_sib);
			continue;
		}
		d_lock(d);
		count = d_count(d);
		if (unlikely(count > 1 || count < 0 || (d_flags(d) & DCACHE_SHRINK_LIST))) {
			fprintf(stderr, "nameibench: BUG: dentry still in use (count %d) "
				"when its filesystem died\n", count);
			abort();
		}
		parent = __dentry_kill(d);
		if (!parent)
			break;
		d_lock(parent);
		/* it has children until now: its count is at least ours */
		lockref_set_count_locked(&parent->d_lockref, d_count(parent) - 1);
		d_unlock(parent);
		d = parent;
	}
	sb->s_root = NULL;
}
