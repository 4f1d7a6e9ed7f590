/*
 * The dentry cache (after include/linux/dcache.h and fs/dcache.c).
 *
 * A dentry names one object in one directory: (d_parent, d_name) -> d_inode.
 * The engine's filesystem is tmpfs-like: the dentry tree *is* the
 * filesystem.  A positive dentry is pinned by the filesystem (one reference
 * taken at creation, dropped by unlink/rmdir/rename-over), and any dentry
 * whose count falls to zero is killed at once (tmpfs's always_delete_dentry),
 * so a directory's hashed children are exactly its entries.
 *
 * Concurrency (who may change what):
 *   d_lock (the lock half of d_lockref) guards d_flags, d_inode, d_name,
 *   d_parent, hashing and the count; d_seq is bumped around every change of
 *   d_inode, d_name and d_parent and on unhash, so lockless readers can
 *   validate what they loaded.  A directory's d_children list is guarded by
 *   that directory's d_lock.  Every field a lockless reader loads is _Atomic.
 *
 * Layout: cache line 0 holds everything lookup reads (flags, seq, hash
 * chain, parent, name, inode); line 1 the inline name; line 2 what REF-walk
 * and writers dirty (d_lockref, the child lists).  Keeping d_lockref off the
 * lines an RCU lookup reads is Linux 18a5daf0e497 ("move d_lockref out of
 * the area used by RCU lookup"): before it, 20-way stat of one file spent
 * 38% in lockref_put_return.
 */
#ifndef NB_DCACHE_H
#define NB_DCACHE_H

#include <stdbool.h>

#include "compiler.h"
#include "debug.h"
#include "hash.h"
#include "list.h"
#include "lockref.h"
#include "rcu.h"
#include "seqlock.h"
#include "zoo.h"

struct inode;
struct super_block;
struct mount;
struct path;
struct dentry;

#define NAME_MAX		255
#define PATH_MAX		4096
#define DNAME_INLINE_LEN	40	/* names up to this many bytes live in the dentry */

struct qstr {
	union {
		struct {
			uint32_t hash;
			uint32_t len;
		};
		uint64_t hash_len;
	};
	const char *name;
};

#define QSTR_INIT(n, l)	{ { { .hash = 0, .len = (l) } }, .name = (n) }

/* d_flags */
#define DCACHE_MOUNTED		0x0001u	/* something is mounted on it (a hint) */
#define DCACHE_CANT_MOUNT	0x0002u	/* unlinked: nothing may be mounted on it */
#define DCACHE_HASHED		0x0004u	/* reachable through the dcache hash */
#define DCACHE_ENTRY_TYPE	0x0070u
#define DCACHE_MISS_TYPE	0x0000u	/* negative */
#define DCACHE_DIRECTORY_TYPE	0x0010u
#define DCACHE_REGULAR_TYPE	0x0020u
#define DCACHE_SYMLINK_TYPE	0x0030u
/* which dentry_operations it has, so that hot paths test a flag (d_set_d_op) */
#define DCACHE_OP_HASH		0x0100u
#define DCACHE_OP_COMPARE	0x0200u
#define DCACHE_OP_REVALIDATE	0x0400u
#define DCACHE_OP_DELETE	0x0800u
#define DCACHE_OP_PRUNE		0x1000u
#define DCACHE_OP_WEAK_REVALIDATE 0x2000u
#define DCACHE_MANAGE_TRANSIT	0x4000u	/* d_manage must be asked before crossing */
#define DCACHE_NEED_AUTOMOUNT	0x8000u	/* d_automount mounts something here */
#define DCACHE_MANAGED_DENTRY	(DCACHE_MOUNTED | DCACHE_MANAGE_TRANSIT | DCACHE_NEED_AUTOMOUNT)
/* the unused-dentry lists (guarded by d_lock and the superblock's LRU lock) */
#define DCACHE_LRU_LIST		0x10000u	/* on an LRU or a shrinker's dispose list */
#define DCACHE_SHRINK_LIST	0x20000u	/* ... the dispose list: the shrinker frees it */
#define DCACHE_REFERENCED	0x40000u	/* used since it last met the shrinker */
#define DCACHE_DENTRY_KILLED	0x80000u	/* dead: whoever unlinks it last frees it */
#define DCACHE_PAR_LOOKUP	0x100000u	/* in the in-lookup hash (d_alloc_parallel) */
#define DCACHE_NORCU		0x200000u	/* freed with no grace period: only what no
						 * lockless walker can reach (Linux's
						 * d_alloc_pseudo; here only the zoo) */

/*
 * What a filesystem may supply for its dentries (include/linux/dcache.h).
 * Those a lockless walker calls (d_revalidate and d_weak_revalidate with
 * LOOKUP_RCU, d_hash, d_compare, d_manage with rcu true) see objects no
 * reference holds: whatever they use must outlive a grace period, and
 * they answer -ECHILD when they cannot decide without blocking.
 */
struct dentry_operations {
	int (*d_revalidate)(struct dentry *dentry, unsigned int flags);
	int (*d_weak_revalidate)(struct dentry *dentry, unsigned int flags);
	int (*d_hash)(const struct dentry *dir, struct qstr *name);
	int (*d_compare)(const struct dentry *dentry, unsigned int len, const char *str,
			 const struct qstr *name);
	int (*d_delete)(const struct dentry *dentry);	/* nonzero: don't keep it unused */
	void (*d_release)(struct dentry *dentry);	/* before the RCU-delayed free */
	void (*d_prune)(struct dentry *dentry);		/* before a hashed dentry is killed */
	int (*d_manage)(const struct path *path, bool rcu);
	struct mount *(*d_automount)(struct path *path);
};

struct dentry {
	/* cache line 0: read by every lookup */
	_Atomic unsigned int d_flags;
	seqcount_t d_seq;
	struct hlist_bl_node d_hash;
	_Atomic(struct dentry *) d_parent;
	_Atomic uint64_t d_hash_len;		/* d_name.hash_len */
	_Atomic(const char *) d_name;		/* d_name.name: d_iname or an external name */
	_Atomic(struct inode *) d_inode;	/* NULL: negative */
	struct super_block *d_sb;		/* constant */

	/* cache line 1: the inline name, read by name comparison; the bytes
	 * past a name are zero to the end of its word (dentry_cmp_last) */
	_Atomic uint64_t d_iname[DNAME_INLINE_LEN / 8] ____cacheline_aligned;
	uint32_t d_magic;			/* DENTRY_MAGIC while alive (debug.h) */
	uint32_t d_gen;				/* debug builds: no other dentry's (debug.h) */
	const struct dentry_operations *d_op;	/* constant once hashed */
	_Atomic(void *) d_fsdata;		/* the filesystem's own */

	/* cache line 2: written by REF-walk and by writers */
	struct lockref d_lockref ____cacheline_aligned;
	struct list_head d_children;		/* guarded by this dentry's d_lock */
	struct list_head d_sib;			/* guarded by the parent's d_lock */
	/* one at a time in a dentry's life: in-lookup (d_alloc_parallel),
	 * then unused (an LRU), then freed a grace period after its death */
	union {
		struct hlist_bl_node d_in_lookup_hash;	/* under its bucket's bit lock */
		struct list_head d_lru;			/* under the sb's LRU lock */
		struct rcu_head d_rcu;
	} d_u;
} ____cacheline_aligned;

/*
 * A name too long for d_iname.  Shared by reference between the dentries
 * a rename leaves holding it (copy_name), immutable, freed by RCU.
 */
struct external_name {
	_Atomic int count;
	struct rcu_head rcu;
	char name[];		/* padded with NB_NAME_PAD zero bytes */
};

struct path {
	struct mount *mnt;
	struct dentry *dentry;
};

static inline bool path_equal(const struct path *a, const struct path *b)
{
	return a->mnt == b->mnt && a->dentry == b->dentry;
}

/* ---- accessors ---- */

static inline unsigned int d_flags(const struct dentry *d)
{
	return READ_ONCE(((struct dentry *)d)->d_flags);
}

static inline bool d_unhashed(const struct dentry *d)
{
	return !(d_flags(d) & DCACHE_HASHED);
}

static inline bool d_mountpoint(const struct dentry *d)
{
	return d_flags(d) & DCACHE_MOUNTED;
}

static inline unsigned int __d_entry_type(const struct dentry *d)
{
	return d_flags(d) & DCACHE_ENTRY_TYPE;
}

static inline bool d_is_negative(const struct dentry *d)
{
	return __d_entry_type(d) == DCACHE_MISS_TYPE;
}

static inline bool d_is_positive(const struct dentry *d)
{
	return !d_is_negative(d);
}

static inline bool d_is_dir(const struct dentry *d)
{
	return __d_entry_type(d) == DCACHE_DIRECTORY_TYPE;
}

/* Can we walk into it?  (d_can_lookup: only directories have ->lookup) */
static inline bool d_can_lookup(const struct dentry *d)
{
	return d_is_dir(d);
}

static inline bool d_is_symlink(const struct dentry *d)
{
	return __d_entry_type(d) == DCACHE_SYMLINK_TYPE;
}

static inline bool d_is_reg(const struct dentry *d)
{
	return __d_entry_type(d) == DCACHE_REGULAR_TYPE;
}

static inline struct dentry *d_parent(const struct dentry *d)
{
	/* acquire: the parent's fields were initialized before it was linked */
	return smp_load_acquire(&((struct dentry *)d)->d_parent);
}

/* d_inode for a holder of d_lock or a counted reference (stable then). */
static inline struct inode *d_inode(const struct dentry *d)
{
	/* acquire: pairs with the release in __d_set_inode_and_type() */
	return smp_load_acquire(&((struct dentry *)d)->d_inode);
}

static inline bool IS_ROOT(const struct dentry *d)
{
	return d_parent(d) == d;
}

/* removed from its directory (rmdir, unlink, renamed over); a root never is */
static inline bool d_unlinked(const struct dentry *d)
{
	return d_unhashed(d) && !IS_ROOT(d);
}

static inline int d_count(const struct dentry *d)
{
	return lockref_count(&d->d_lockref);
}

static inline void d_lock(struct dentry *d)
{
	lockref_lock(&d->d_lockref);
}

static inline void d_unlock(struct dentry *d)
{
	lockref_unlock(&d->d_lockref);
}

/* d_name as a qstr; stable only under d_lock, rename_lock or the parent's i_rwsem. */
static inline struct qstr d_qstr(const struct dentry *d)
{
	struct qstr q;

	q.hash_len = READ_ONCE(((struct dentry *)d)->d_hash_len);
	q.name = smp_load_acquire(&((struct dentry *)d)->d_name);
	return q;
}

/*
 * dentry_cmp - compare a dentry's name with @len bytes at @ct.  The
 * dentry's name is read a word at a time with relaxed atomic loads: under
 * RCU it may be rewritten by a concurrent rename (copy_name), which the
 * caller's later d_seq check catches; what matters here is that the load
 * neither faults nor races.  Dentry names are 8-byte aligned and padded.
 */
static inline bool dentry_cmp(const char *cs, const char *ct, unsigned int len)
{
	const _Atomic uint64_t *w = (const _Atomic uint64_t *)(const void *)cs;

	for (;;) {
		uint64_t a = atomic_load_explicit(w, memory_order_relaxed);
		uint64_t b = load_word(ct);

		if (len < 8)
			return !((a ^ b) & bytemask_from_count(len));
		if (a != b)
			return false;
		w++;
		ct += 8;
		len -= 8;
		if (!len)
			return true;
	}
}

/*
 * dentry_cmp_last - dentry_cmp() with the name's last word given whole, its
 * bytes past the name cleared (hash_name_last()): stored names are zero
 * there too (store_inline_name(), alloc_name(), and renames copy whole
 * words), so that word is one comparison, not a masked one.  A name of
 * fewer than eight bytes, most of a path's, is a load and a compare.
 */
static inline bool dentry_cmp_last(const char *cs, const char *ct, unsigned int len,
				   uint64_t last)
{
	const _Atomic uint64_t *w = (const _Atomic uint64_t *)(const void *)cs;

	if (likely(len < 8))	/* never 0: a component has a byte */
		return atomic_load_explicit(w, memory_order_relaxed) == last;
	for (; len >= 8; len -= 8, w++, ct += 8)
		if (atomic_load_explicit(w, memory_order_relaxed) != load_word(ct))
			return false;
	/* a multiple of 8 has no last partial word (and d_iname may end here) */
	return !len || atomic_load_explicit(w, memory_order_relaxed) == last;
}

/* ---- the cache ---- */

int dcache_init(unsigned int hash_bits);
void dcache_exit(void);

extern struct hlist_bl_head *dentry_hashtable;
extern unsigned int d_hash_shift;

static inline struct hlist_bl_head *d_hash(uint32_t hash)
{
	return dentry_hashtable + (hash >> d_hash_shift);
}

struct dentry *d_alloc(struct dentry *parent, const struct qstr *name);
struct dentry *d_make_root(struct super_block *sb, struct inode *inode);
void d_add(struct dentry *dentry, struct inode *inode);
void d_instantiate(struct dentry *dentry, struct inode *inode);
void d_delete(struct dentry *dentry);
void __d_drop(struct dentry *dentry);
void d_drop(struct dentry *dentry);
void d_move(struct dentry *dentry, struct dentry *target);
void d_exchange(struct dentry *dentry1, struct dentry *dentry2);
bool is_subdir(struct dentry *new_dentry, struct dentry *old_dentry);
void d_set_mounted(struct dentry *dentry);
void d_clear_mounted(struct dentry *dentry);
void d_set_norcu(struct dentry *dentry);
void dont_mount(struct dentry *dentry);
bool d_cant_mount(const struct dentry *dentry);

struct dentry *__d_lookup(const struct dentry *parent, const struct qstr *name);
struct dentry *__d_lookup_lockref(const struct dentry *parent, const struct qstr *name);
struct dentry *d_lookup(const struct dentry *parent, const struct qstr *name);

extern seqlock_t rename_lock;

/*
 * d_lookup_with - a hash lookup that a concurrent rename cannot fool: a
 * miss is retried while rename_lock moved (the entry may have been on its
 * way to another chain while we walked this one).  Inline, so that a
 * constant @lookup becomes a direct call.
 */
static inline struct dentry *d_lookup_with(struct dentry *(*lookup)(const struct dentry *,
								   const struct qstr *),
					   const struct dentry *parent, const struct qstr *name)
{
	for (;;) {
		unsigned int seq = read_seqbegin(&rename_lock);
		struct dentry *d = lookup(parent, name);

		if (d || !read_seqretry(&rename_lock, seq))
			return d;
		nb_count(NB_CTR_RENAME_RETRY);
	}
}

struct dentry *dget(struct dentry *dentry);
void dput(struct dentry *dentry);
struct dentry *dget_parent(struct dentry *dentry);
struct dentry *dlock_dget(struct dentry *dentry);
void dlock_dput(struct dentry *dentry);
struct dentry *dlock_dget_parent(struct dentry *dentry);
void shrink_dcache_for_umount(struct super_block *sb);
void shrink_dcache_parent(struct dentry *parent);
long prune_dcache_sb(struct super_block *sb, long nr_to_scan);
void d_set_d_op(struct dentry *dentry, const struct dentry_operations *op);
struct dentry *d_alloc_parallel(struct dentry *parent, const struct qstr *name);
void d_lookup_done(struct dentry *dentry);
void nb_set_dentry_budget(long n);	/* unused dentries allowed, 0: no limit */
long nb_dentry_unused(void);

static inline bool d_in_lookup(const struct dentry *d)
{
	return d_flags(d) & DCACHE_PAR_LOOKUP;
}

/*
 * __d_lookup_rcu - RCU-walk's hash lookup: store-free.  Returns a candidate
 * and, in *seqp, its d_seq sampled before the checks; the caller must
 * validate the parent (hand over hand) and, before using anything it read
 * from the child, the child against *seqp.  Inline: it is most of every
 * component an RCU walk takes.
 */
struct dentry *__d_lookup_rcu_op_compare(const struct dentry *parent, const struct qstr *name,
					 unsigned int *seqp);

static inline struct dentry *__d_lookup_rcu_last(const struct dentry *parent, uint64_t hash_len,
						 const char *name, uint64_t last,
						 unsigned int *seqp)
{
	struct hlist_bl_node *node;

	if (unlikely(d_flags(parent) & DCACHE_OP_COMPARE)) {
		struct qstr q = { { .hash_len = hash_len }, .name = name };

		return __d_lookup_rcu_op_compare(parent, &q, seqp);
	}

	if (NB_DEBUG_ON && last != name_last_word(name, hashlen_len(hash_len)))
		nb_bug("lookup", "__d_lookup_rcu_last: last word %016llx is not the name's",
		       (unsigned long long)last);
	for (node = hlist_bl_first_rcu(d_hash(hashlen_hash(hash_len))); node;
	     node = hlist_bl_next_rcu(node)) {
		struct dentry *d = container_of(node, struct dentry, d_hash);
		/* first: the checks below are only as good as what this sample
		 * covers (sampled after them, it can validate a dentry a rename
		 * moved since they passed) */
		unsigned int seq = zoo(LAST_DSEQ_LATE) ? 0 : raw_seqcount_begin(&d->d_seq);

		debug_check_magic(d, &d->d_magic, DENTRY_MAGIC, "dentry", "__d_lookup_rcu");
		if (d_parent(d) != parent)
			continue;
		if (d_unhashed(d))
			continue;
		if (READ_ONCE(d->d_hash_len) != hash_len)
			continue;
		if (!dentry_cmp_last(READ_ONCE(d->d_name), name, hashlen_len(hash_len), last))
			continue;
		/* a match: a rename now must make the caller's check of seq fail */
		debug_delay();
		if (zoo(LAST_DSEQ_LATE))
			seq = raw_seqcount_begin(&d->d_seq);
		*seqp = seq;
		return d;
	}
	return NULL;
}

static inline struct dentry *__d_lookup_rcu(const struct dentry *parent,
					    const struct qstr *name, unsigned int *seqp)
{
	return __d_lookup_rcu_last(parent, name->hash_len, name->name,
				   name_last_word(name->name, name->len), seqp);
}

#endif /* NB_DCACHE_H */
