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
 */
#ifndef NB_MOUNT_H
#define NB_MOUNT_H

#include <pthread.h>

#include "dcache.h"
#include "list.h"
#include "seqlock.h"

/* mnt_flags */
#define MNT_UMOUNT		0x1u	/* being (or been) unmounted */
#define MNT_SYNC_UMOUNT		0x2u	/* unmounted by a non-lazy umount */
#define MNT_NS_ROOT		0x4u	/* the namespace's root: cannot be unmounted */

/* umount flags */
#define MNT_DETACH		0x2

struct mnt_namespace;

struct mount {
	struct hlist_bl_node mnt_hash;		/* in mount_hashtable, by (parent, mountpoint) */
	_Atomic(struct mount *) mnt_parent;	/* itself when detached or the root */
	_Atomic(struct dentry *) mnt_mountpoint;
	struct dentry *mnt_root;		/* constant */
	struct super_block *mnt_sb;		/* constant */
	_Atomic unsigned int mnt_flags;
	_Atomic(struct mnt_namespace *) mnt_ns;	/* NULL once detached */
	_Atomic int mnt_count;
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

struct mount *mntget(struct mount *mnt);
void mntput(struct mount *mnt);
void path_get(const struct path *path);
void path_put(const struct path *path);

struct mount *__lookup_mnt(const struct mount *parent, const struct dentry *dentry);
struct mount *lookup_mnt(const struct path *path);
bool is_local_mountpoint(const struct dentry *dentry);

int do_new_mount(const struct path *path);
int path_umount(const struct path *path, int flags);

/* Statistics for tests. */
long mnt_nr_live(void);

#endif /* NB_MOUNT_H */
