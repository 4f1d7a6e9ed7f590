/*
 * Mounts and the mount namespace (after fs/mount.h and fs/namespace.c).
 *
 * The kernel splits a mount into struct vfsmount (what a path points at)
 * and struct mount (the tree links); here one struct serves both, so
 * path->mnt is a struct mount *.
 *
 * Every filesystem is mounted fresh (no bind mounts), so a superblock has
 * one mount and a dentry is the mountpoint of at most one attached mount.
 *
 * Locking: namespace_sem serializes mount and umount; changes to the mount
 * tree and hash are additionally made under mount_lock held for writing,
 * so lockless walkers can validate a crossing against their sample of it
 * (nd->m_seq).  Mounts are freed by RCU.
 *
 * Reference counts are per-CPU (mnt_pcp): taking or dropping a reference
 * touches only the calling thread's slot.  Only an unmounted mount needs
 * the exact sum, and the protocol that makes that safe is the kernel's:
 * while mnt_ns is set, the namespace holds a reference that is dropped
 * only a grace period after mnt_ns is cleared, so a mntput() that sees
 * mnt_ns set under RCU cannot be the last one.
 */
#ifndef NB_MOUNT_H
#define NB_MOUNT_H

#include <pthread.h>

#include "dcache.h"
#include "list.h"
#include "percpu.h"
#include "seqlock.h"

/* mnt_flags */
#define MNT_UMOUNT		0x1u	/* being (or been) unmounted */
#define MNT_SYNC_UMOUNT		0x2u	/* unmounted by a non-lazy umount */
#define MNT_LOCKED		0x4u	/* the namespace's root: cannot be unmounted */
#define MNT_DOOMED		0x8u	/* the last reference is gone */

/* umount flags (the value of <sys/mount.h>'s) */
#ifndef MNT_DETACH
#define MNT_DETACH		0x2
#endif

struct mnt_namespace;

struct mount {
	struct hlist_bl_node mnt_hash;		/* in mount_hashtable, by (parent, mountpoint) */
	uint32_t mnt_magic;			/* MOUNT_MAGIC while alive (debug.h) */
	_Atomic(struct mount *) mnt_parent;	/* itself when detached or the root */
	_Atomic(struct dentry *) mnt_mountpoint;
	struct dentry *mnt_root;		/* constant */
	struct super_block *mnt_sb;		/* constant */
	_Atomic unsigned int mnt_flags;
	_Atomic(struct mnt_namespace *) mnt_ns;	/* NULL once detached */
	pcpu_t mnt_pcp;				/* the reference count, per CPU */
	struct list_head mnt_mounts;		/* children, under namespace_sem */
	struct list_head mnt_child;
	struct list_head mnt_list;		/* in ns->list */
	struct rcu_head mnt_rcu;
};

struct mnt_namespace {
	struct mount *root;
	struct list_head list;			/* every attached mount */
};

extern seqlock_t mount_lock;
extern struct mnt_namespace init_mnt_ns;

int mnt_init(unsigned int hash_bits);
void mnt_exit(void);

static inline struct mount *mnt_parent(const struct mount *m)
{
	/* acquire: the parent mount was initialized before it was linked */
	return smp_load_acquire(&((struct mount *)m)->mnt_parent);
}

static inline struct dentry *mnt_mountpoint(const struct mount *m)
{
	return smp_load_acquire(&((struct mount *)m)->mnt_mountpoint);
}

static inline bool mnt_has_parent(const struct mount *m)
{
	return mnt_parent(m) != m;
}

static inline bool check_mnt(const struct mount *m)
{
	return READ_ONCE(((struct mount *)m)->mnt_ns) == &init_mnt_ns;
}

static inline bool path_mounted(const struct path *path)
{
	return path->mnt->mnt_root == path->dentry;
}

static inline struct mount *mntget(struct mount *mnt)
{
	nb_count(NB_CTR_REF);
	pcpu_add(mnt->mnt_pcp, 1);
	return mnt;
}

void mntput(struct mount *mnt);
void path_get(const struct path *path);
void path_put(const struct path *path);

struct mount *__lookup_mnt(const struct mount *parent, const struct dentry *dentry);
struct mount *lookup_mnt(const struct path *path);
int __legitimize_mnt(struct mount *mnt, unsigned int seq);
bool is_local_mountpoint(const struct dentry *dentry);
bool path_is_under(const struct path *path1, const struct path *path2);

int do_new_mount(const struct path *path, const char *type);
struct mount *vfs_kern_mount(const char *spec);
int finish_automount(struct mount *m, const struct path *path);
int path_umount(const struct path *path, int flags);

#endif /* NB_MOUNT_H */
