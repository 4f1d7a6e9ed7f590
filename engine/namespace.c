/*
 * The mount tree (after fs/namespace.c).
 *
 * A mount is attached under namespace_sem and, for the instant the tree
 * and hash change, mount_lock held for writing: lockless walkers that
 * sampled mount_lock (nd->m_seq) can tell that a crossing they made may
 * not be one a locked walker could have made.
 *
 * References: an attached mount holds one reference to itself (the
 * namespace's), one to its parent mount and one to its mountpoint dentry.
 * A path holds one to its mount.  Unmounting detaches at once; the
 * struct lives on while paths (a working directory, say) still use it, and
 * its filesystem dies with its last reference.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "census.h"
#include "ctx.h"
#include "debug.h"
#include "engine.h"
#include "fs.h"
#include "mount.h"
#include "zoo.h"

seqlock_t mount_lock;
struct mnt_namespace init_mnt_ns;

static pthread_mutex_t namespace_sem = PTHREAD_MUTEX_INITIALIZER;
static struct hlist_bl_head *mount_hashtable;
static unsigned int m_hash_mask;

#define M_HASH_BITS_DEFAULT	12

static struct hlist_bl_head *m_hash(const struct mount *parent, const struct dentry *dentry)
{
	uint64_t h = (uint64_t)(uintptr_t)parent * HASH_MUL1 ^
		     (uint64_t)(uintptr_t)dentry * HASH_MUL2;

	return mount_hashtable + ((h >> 32) & m_hash_mask);
}

/* ---- references ---- */

static long mnt_get_count(const struct mount *mnt)
{
	return pcpu_sum(mnt->mnt_pcp);
}

static void mnt_free_rcu(struct rcu_head *head)
{
	struct mount *mnt = container_of(head, struct mount, mnt_rcu);

	rcu_callback_enter(head);
	/* a legitimize_mnt() that lost against us has taken its count back */
	if (NB_DEBUG_ON && mnt_get_count(mnt) != 0)
		nb_bug("refcount", "mount %p freed with %ld references", (void *)mnt,
		       mnt_get_count(mnt));
	pcpu_free(mnt->mnt_pcp);
	nb_free(mnt);
}

/*
 * cleanup_mnt - the last reference to a detached mount is gone: release
 * its root and its share of the superblock, which dies with its last mount.
 */
static void cleanup_mnt(struct mount *mnt)
{
	struct super_block *sb = mnt->mnt_sb;

	dput(mnt->mnt_root);
	nb_count(NB_CTR_RMW);
	if (atomic_fetch_sub_explicit(&sb->s_active, 1, memory_order_acq_rel) == 1)
		kill_sb(sb);
	census_add(CENSUS_MOUNT, -1);
	call_rcu(&mnt->mnt_rcu, mnt_free_rcu);
}

/*
 * mntput - mntput_no_expire(): while the mount is in the namespace the
 * namespace holds a reference it only drops a grace period after clearing
 * mnt_ns, so seeing mnt_ns under RCU means ours is not the last one: a
 * per-CPU decrement is all it takes.  Otherwise count exactly, under
 * mount_lock, against __legitimize_mnt().
 */
void mntput(struct mount *mnt)
{
	long count;

	nb_count(NB_CTR_REF);
	rcu_read_lock();
	if (likely(READ_ONCE(mnt->mnt_ns))) {
		pcpu_add(mnt->mnt_pcp, -1);
		rcu_read_unlock();
		return;
	}
	write_seqlock(&mount_lock);
	/* if __legitimize_mnt() did not see us take mount_lock, we see its
	 * increment here; pairs with the fence in __legitimize_mnt() */
	smp_mb();
	pcpu_add(mnt->mnt_pcp, -1);
	count = mnt_get_count(mnt);
	if (count != 0 || (READ_ONCE(mnt->mnt_flags) & MNT_DOOMED)) {
		rcu_read_unlock();
		write_sequnlock(&mount_lock);
		return;
	}
	atomic_fetch_or_explicit(&mnt->mnt_flags, MNT_DOOMED, memory_order_relaxed);
	rcu_read_unlock();
	write_sequnlock(&mount_lock);
	cleanup_mnt(mnt);
}

void path_get(const struct path *path)
{
	mntget(path->mnt);
	dget(path->dentry);
}

void path_put(const struct path *path)
{
	dput(path->dentry);
	mntput(path->mnt);
}

/* ---- lookup ---- */

/* The mount attached on (@parent, @dentry), if any.  Caller holds RCU or mount_lock. */
struct mount *__lookup_mnt(const struct mount *parent, const struct dentry *dentry)
{
	struct hlist_bl_node *node;

	for (node = hlist_bl_first_rcu(m_hash(parent, dentry)); node;
	     node = hlist_bl_next_rcu(node)) {
		struct mount *m = container_of(node, struct mount, mnt_hash);

		debug_check_magic(m, &m->mnt_magic, MOUNT_MAGIC, "mount", "__lookup_mnt");
		if (mnt_parent(m) == parent && mnt_mountpoint(m) == dentry)
			return m;
	}
	return NULL;
}

/*
 * __legitimize_mnt - turn a mount found under RCU into a counted reference,
 * valid only if mount_lock did not move since @seq.  Returns 0 with the
 * reference held, 1 with none, -1 with one the caller must mntput().
 *
 * The increment must be visible before we re-read mount_lock: an umount
 * bumps mount_lock (taking it for writing) before it reads the count, so
 * either it sees our reference (EBUSY) or we see its bump and back off.
 * Against a sync umount, or a mount already DOOMED, our increment is simply
 * taken back: the umounter owns its teardown, and RCU keeps the struct
 * alive until we are done.
 */
int __legitimize_mnt(struct mount *mnt, unsigned int seq)
{
	if (read_seqretry(&mount_lock, seq))
		return 1;
	if (!mnt)
		return 0;
	debug_store_pressure();
	mntget(mnt);
	/* full fence: the increment is ordered before the re-read of
	 * mount_lock; pairs with the fence in path_umount() and mntput() */
	if (!zoo(MNT_NO_BARRIER))
		smp_mb();
	if (likely(!read_seqretry(&mount_lock, seq)))
		return 0;
	nb_count(NB_CTR_SEQ_RETRY);
	if (READ_ONCE(mnt->mnt_flags) & MNT_SYNC_UMOUNT) {
		pcpu_add(mnt->mnt_pcp, -1);
		return 1;
	}
	write_seqlock(&mount_lock);
	if (unlikely(READ_ONCE(mnt->mnt_flags) & MNT_DOOMED)) {
		pcpu_add(mnt->mnt_pcp, -1);
		write_sequnlock(&mount_lock);
		return 1;
	}
	write_sequnlock(&mount_lock);
	return -1;
}

static bool legitimize_mnt(struct mount *mnt, unsigned int seq)
{
	int res = __legitimize_mnt(mnt, seq);

	if (likely(!res))
		return true;
	if (unlikely(res < 0))
		mntput(mnt);
	return false;
}

/* lookup_mnt - counted reference to the mount on @path, or NULL. */
struct mount *lookup_mnt(const struct path *path)
{
	struct mount *m;
	unsigned int seq;

	rcu_read_lock();
	do {
		seq = read_seqbegin(&mount_lock);
		m = __lookup_mnt(path->mnt, path->dentry);
	} while (!legitimize_mnt(m, seq));
	rcu_read_unlock();
	return m;
}

/*
 * is_local_mountpoint - is something mounted on @dentry in our namespace?
 * With a single namespace and no bind mounts, DCACHE_MOUNTED is exact: it
 * is set at attach and cleared at detach, both under mount_lock.
 */
bool is_local_mountpoint(const struct dentry *dentry)
{
	return d_mountpoint(dentry);
}

/*
 * path_is_under - is @path1 at or below @path2, crossing mounts upward?
 * Under mount_lock (excluding writers) and, for the dentry chain, a
 * rename_lock read section retried until no rename raced with it.
 */
bool path_is_under(const struct path *path1, const struct path *path2)
{
	struct mount *mnt = path1->mnt;
	struct dentry *dentry = path1->dentry;
	bool res;

	read_seqlock_excl(&mount_lock);
	while (mnt != path2->mnt && mnt_has_parent(mnt)) {
		dentry = mnt_mountpoint(mnt);
		mnt = mnt_parent(mnt);
	}
	res = mnt == path2->mnt && is_subdir(dentry, path2->dentry);
	read_sequnlock_excl(&mount_lock);
	return res;
}

/* ---- the tree ---- */

static struct mount *alloc_mnt(struct super_block *sb)
{
	struct mount *mnt = calloc(1, sizeof(*mnt));

	if (!mnt)
		return NULL;
	if (pcpu_alloc(&mnt->mnt_pcp)) {
		free(mnt);
		return NULL;
	}
	INIT_HLIST_BL_NODE(&mnt->mnt_hash);
	mnt->mnt_magic = MOUNT_MAGIC;
	atomic_init(&mnt->mnt_parent, mnt);
	mnt->mnt_root = dget(sb->s_root);
	atomic_init(&mnt->mnt_mountpoint, mnt->mnt_root);
	mnt->mnt_sb = sb;
	atomic_init(&mnt->mnt_flags, 0);
	atomic_init(&mnt->mnt_ns, NULL);
	pcpu_add(mnt->mnt_pcp, 1);	/* the creator's reference */
	INIT_LIST_HEAD(&mnt->mnt_mounts);
	INIT_LIST_HEAD(&mnt->mnt_child);
	INIT_LIST_HEAD(&mnt->mnt_list);
	census_add(CENSUS_MOUNT, 1);
	return mnt;
}

/*
 * vfs_create_mount - a fresh filesystem and its (not yet attached) mount,
 * which holds the caller's reference, the superblock's s_active and a
 * reference to the root dentry.
 */
static struct mount *vfs_create_mount(const char *spec)
{
	const char *options;
	const struct file_system_type *type = get_fs_type(spec, &options);
	struct super_block *sb;
	struct mount *mnt;

	if (!type)
		return ERR_PTR(-ENODEV);
	sb = sget(type, options);
	if (IS_ERR(sb))
		return ERR_CAST(sb);
	mnt = alloc_mnt(sb);
	if (!mnt) {
		kill_sb(sb);
		return ERR_PTR(-ENOMEM);
	}
	return mnt;
}

/* ---- the default filesystem: the root's, and a mount's that names none ---- */

static char default_fs[128] = "tmpfs";

int nb_fs_select(const char *spec)
{
	const char *options;

	if (strlen(spec) >= sizeof(default_fs))
		return -EINVAL;
	if (!get_fs_type(spec, &options))
		return -ENODEV;
	strcpy(default_fs, spec);
	return 0;
}

const char *nb_fs_default(void)
{
	return default_fs;
}

/* Caller holds namespace_sem and mount_lock for writing. */
static void attach_mnt(struct mount *mnt, struct mount *parent, struct dentry *mp)
{
	mntget(parent);
	atomic_store_explicit(&mnt->mnt_mountpoint, mp, memory_order_relaxed);
	/* release: mountpoint and root are set before the mount is reachable
	 * through mnt_parent or the hash; pairs with mnt_parent()'s acquire */
	smp_store_release(&mnt->mnt_parent, parent);
	WRITE_ONCE(mnt->mnt_ns, &init_mnt_ns);
	list_add_tail(&mnt->mnt_child, &parent->mnt_mounts);
	list_add_tail(&mnt->mnt_list, &init_mnt_ns.list);
	hlist_bl_add_head_rcu(&mnt->mnt_hash, m_hash(parent, mp));
}

static void collect_tree(struct mount *mnt, struct mount ***v, size_t *n, size_t *cap)
{
	struct mount *child;

	if (*n == *cap) {
		*cap = *cap ? 2 * *cap : 16;
		*v = realloc(*v, *cap * sizeof(**v));
		if (!*v)
			abort();	/* no way to unmount half a tree */
	}
	(*v)[(*n)++] = mnt;
	list_for_each_entry(child, &mnt->mnt_mounts, mnt_child)
		collect_tree(child, v, n, cap);
}

/*
 * umount_tree - detach @mnt and everything mounted below it.  Each mount
 * loses its place in the hash and the tree (its parent becomes itself) in
 * one mount_lock write section; what the detached mounts held (mountpoint
 * dentries, the namespace's reference) is released by the caller after
 * the locks are dropped, through the returned array.
 * Caller holds namespace_sem and mount_lock for writing.
 */
static struct mount **umount_tree(struct mount *mnt, bool sync, size_t *nr,
				  struct dentry ***mps)
{
	struct mount **v = NULL;
	struct dentry **dv;
	size_t n = 0, cap = 0, i;

	collect_tree(mnt, &v, &n, &cap);
	dv = calloc(n, sizeof(*dv));
	if (!dv)
		abort();
	for (i = 0; i < n; i++) {
		struct mount *p = v[i];
		struct mount *parent = mnt_parent(p);

		atomic_fetch_or_explicit(&p->mnt_flags,
					 MNT_UMOUNT | (sync ? MNT_SYNC_UMOUNT : 0),
					 memory_order_relaxed);
		WRITE_ONCE(p->mnt_ns, NULL);
		list_del_init(&p->mnt_list);
		if (parent != p) {
			struct dentry *mp = mnt_mountpoint(p);

			__hlist_bl_del(&p->mnt_hash);
			list_del_init(&p->mnt_child);
			d_clear_mounted(mp);
			dv[i] = mp;
			WRITE_ONCE(p->mnt_mountpoint, p->mnt_root);
			smp_store_release(&p->mnt_parent, p);
			/* the child's reference on its parent; never the last,
			 * the namespace's is still held */
			pcpu_add(parent->mnt_pcp, -1);
		}
	}
	*nr = n;
	*mps = dv;
	return v;
}

/*
 * release_umounted - namespace_unlock(): drop what umount_tree() detached,
 * once a grace period has passed since mnt_ns was cleared (see mntput()).
 * First the mountpoint references, then the namespace's reference to each
 * mount, submounts before their parents, so that a filesystem is only torn
 * down once nothing mounted on it still pins its dentries.  Called with no
 * lock held: a QSBR grace period waits for every online thread.
 */
static void release_umounted(struct mount **v, struct dentry **dv, size_t n)
{
	size_t i;

	synchronize_rcu();
	for (i = 0; i < n; i++)
		if (dv[i])
			dput(dv[i]);
	while (n--)
		mntput(v[n]);
	free(dv);
	free(v);
}

/* Busy: anything mounted below, or references beyond @refcnt. */
static bool propagate_mount_busy(struct mount *mnt, int refcnt)
{
	return !list_empty(&mnt->mnt_mounts) || mnt_get_count(mnt) > refcnt;
}

_Thread_local struct nb_ctx *nb_current;

/* vfs_kern_mount - a fresh filesystem of @spec, not attached (d_automount's) */
struct mount *vfs_kern_mount(const char *spec)
{
	return vfs_create_mount(spec);
}

/*
 * do_add_mount - attach @mnt (the caller's reference, consumed) on the
 * directory @path names.  @on_top: as lock_mount(), on top of whatever is
 * mounted there already, so stacked mounts are found topmost-first (mount
 * and its EBUSY-free stacking); otherwise, as finish_automount() wants,
 * not at all if something got there first: 1, and @mnt discarded.
 */
static int do_add_mount(struct mount *mnt, const struct path *path, bool on_top)
{
	struct path where = *path;
	struct mount *m;
	struct dentry *dentry, *p;
	int err = 0;

	path_get(&where);
	mutex_lock(&namespace_sem);
	for (;;) {
		dentry = where.dentry;
		if (!on_top && !d_cant_mount(dentry) && !READ_ONCE(where.mnt->mnt_ns)) {
			err = 1;	/* detached meanwhile: d_automount says so next */
			goto out;
		}
		if (d_cant_mount(dentry) || !READ_ONCE(where.mnt->mnt_ns)) {
			err = -ENOENT;
			goto out;
		}
		m = lookup_mnt(&where);
		if (!m)
			break;
		if (!on_top) {
			mntput(m);
			err = 1;	/* another walk's automount: cross that one */
			goto out;
		}
		path_put(&where);
		where.mnt = m;
		where.dentry = dget(m->mnt_root);
	}
	/* d_set_mounted(): no mounting on something already unlinked */
	write_seqlock(&rename_lock);
	for (p = d_parent(dentry); !IS_ROOT(p); p = d_parent(p)) {
		if (d_unhashed(p)) {
			err = -ENOENT;
			break;
		}
	}
	if (!err && d_unhashed(dentry) && !IS_ROOT(dentry))
		err = -ENOENT;
	write_sequnlock(&rename_lock);
	if (err)
		goto out;
	if (!check_mnt(where.mnt)) {
		err = -EINVAL;
		goto out;
	}
	/* graft_tree(): a directory can only be covered by a directory */
	if (!d_is_dir(dentry)) {
		err = -ENOTDIR;
		goto out;
	}
	/*
	 * The flag inside mount_lock's write section, with the hash entry
	 * (mnt_set_mountpoint under lock_mount_hash): a walk that sees
	 * DCACHE_MOUNTED and asks lookup_mnt() then finds the mount, where
	 * before it could see the flag alone (an automounting walk then asked
	 * d_automount again and again, to ELOOP).
	 */
	write_seqlock(&mount_lock);
	d_set_mounted(dentry);
	attach_mnt(mnt, where.mnt, dget(dentry));
	write_sequnlock(&mount_lock);
	mnt = NULL;	/* its reference is now the namespace's */
out:
	mutex_unlock(&namespace_sem);
	path_put(&where);
	if (mnt)
		mntput(mnt);
	return err;
}

/* do_new_mount - mount a fresh filesystem of @type on the directory @path names */
int do_new_mount(const struct path *path, const char *type)
{
	struct mount *mnt = vfs_create_mount(type ? type : default_fs);

	if (IS_ERR(mnt))
		return (int)PTR_ERR(mnt);
	return do_add_mount(mnt, path, true);
}

/*
 * finish_automount - attach what ->d_automount made (a new mount, NULL if
 * it made none, or an error) on the trigger @path names, unless another
 * walk's automount got there first; either way the walk then crosses
 * what is mounted there.  Returns 0 or an error.
 */
int finish_automount(struct mount *m, const struct path *path)
{
	int err;

	if (IS_ERR(m))
		return (int)PTR_ERR(m);
	if (!m)
		return 0;
	err = do_add_mount(m, path, false);
	if (!err)
		nb_count(NB_CTR_AUTOMOUNT);
	return err > 0 ? 0 : err;
}

/*
 * path_umount - unmount the mount whose root @path names (the caller looked
 * it up with LOOKUP_MOUNTPOINT, so it is the topmost one).  Without
 * MNT_DETACH the mount must be idle: no submounts and no references but
 * the namespace's and the caller's.  Consumes nothing.
 */
int path_umount(const struct path *path, int flags)
{
	struct mount *mnt = path->mnt;
	struct mount **v = NULL;
	struct dentry **dv = NULL;
	size_t n = 0;
	int err;

	if (!path_mounted(path))
		return -EINVAL;
	if (!check_mnt(mnt))
		return -EINVAL;
	/*
	 * MNT_LOCKED: the namespace root.  Linux would remount a real root
	 * read-only (or detach it with MNT_DETACH); a task chrooted below the
	 * top of its filesystem, as the conformance tests run the kernel,
	 * gets EINVAL, because its "/" is not the root of a mount.
	 */
	if (READ_ONCE(mnt->mnt_flags) & MNT_LOCKED)
		return -EINVAL;

	mutex_lock(&namespace_sem);
	write_seqlock(&mount_lock);
	err = 0;
	if (flags & MNT_DETACH) {
		if (check_mnt(mnt))
			v = umount_tree(mnt, false, &n, &dv);
	} else {
		/* full fence: the sequence bump above is visible before we
		 * read the count; pairs with the fence in legitimize_mnt() */
		smp_mb();
		if (propagate_mount_busy(mnt, 2))
			err = -EBUSY;
		else
			v = umount_tree(mnt, true, &n, &dv);
	}
	write_sequnlock(&mount_lock);
	mutex_unlock(&namespace_sem);
	if (v)
		release_umounted(v, dv, n);
	return err;
}

/* ---- setup ---- */

int mnt_init(unsigned int hash_bits)
{
	struct mount *root;

	if (!hash_bits)
		hash_bits = M_HASH_BITS_DEFAULT;
	mount_hashtable = calloc((size_t)1 << hash_bits, sizeof(*mount_hashtable));
	if (!mount_hashtable)
		return -ENOMEM;
	m_hash_mask = (1u << hash_bits) - 1;
	seqlock_init(&mount_lock);
	INIT_LIST_HEAD(&init_mnt_ns.list);
	root = vfs_create_mount(default_fs);
	if (IS_ERR(root))
		return (int)PTR_ERR(root);
	atomic_init(&root->mnt_flags, MNT_LOCKED);
	WRITE_ONCE(root->mnt_ns, &init_mnt_ns);
	list_add_tail(&root->mnt_list, &init_mnt_ns.list);
	init_mnt_ns.root = root;
	return 0;
}

/* Detach everything and drop the namespace's references. */
void mnt_exit(void)
{
	struct mount **v;
	struct dentry **dv;
	size_t n;

	mutex_lock(&namespace_sem);
	write_seqlock(&mount_lock);
	v = umount_tree(init_mnt_ns.root, true, &n, &dv);
	write_sequnlock(&mount_lock);
	mutex_unlock(&namespace_sem);
	release_umounted(v, dv, n);
	init_mnt_ns.root = NULL;
	free(mount_hashtable);
	mount_hashtable = NULL;
}
