/*
 * autofs: an automounting filesystem (after fs/autofs), its daemon built
 * in.  The root of an autofs mount is an indirect map: every directory
 * made in it is a trigger (DCACHE_NEED_AUTOMOUNT | DCACHE_MANAGE_TRANSIT).
 * The first walk through a trigger, or a stat of it, finds nothing
 * mounted there and calls ->d_automount, which mounts a fresh filesystem
 * of the map's type (type=NAME, default tmpfs) on it, as the daemon
 * would; later walks cross that mount in RCU mode, asking ->d_manage
 * first.  Files and symlinks in the root are tmpfs's (the daemon's own
 * view: here every process is the daemon).
 *
 * Expiry (`expire P`, autofs_expire_indirect and the daemon's umount and
 * rmdir in one step): the trigger is marked expiring, a grace period lets
 * every RCU walker either see the mark or leave, the automounted
 * filesystem is unmounted if idle, and the trigger is removed.  While it
 * is marked, ->d_manage answers -ECHILD in RCU mode and makes REF-walk
 * wait, and ->d_automount waits, so no walk mounts anew on a trigger
 * being expired; one that waited finds it gone (ENOENT).
 *
 * The daemon is the context that mounted the map (as Linux's is the
 * mounter's process group, autofs_oz_mode): a trigger is pending from its
 * mkdir until the daemon's own first walk through it mounts it, and until
 * then another's walk mounts nothing there and sees the trigger itself,
 * an empty directory (it does not wait: under the global strategy's one
 * lock the daemon could never come).  A map mounted as the engine's root
 * has no daemon: nothing is pending, anyone's walk mounts.
 *
 * Each trigger's state is its d_fsdata (struct autofs_info, autofs's
 * own), which the lockless ->d_manage reads: ->d_release frees it only
 * after a grace period, as Al Viro's 2019 review found autofs did not
 * (zoo: autofs-release-norcu).
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ctx.h"
#include "debug.h"
#include "fs.h"
#include "mount.h"
#include "namei.h"
#include "rcu.h"
#include "shmem.h"
#include "vfs.h"
#include "zoo.h"

#define AUTOFS_MAGIC		0xa0f5a0f5u
#define AUTOFS_INF_EXPIRING	0x1u
#define AUTOFS_INF_PENDING	0x2u	/* made, not yet mounted by the daemon */

struct autofs_sb_info {
	char type[32];			/* what d_automount mounts */
	struct nb_ctx *daemon;		/* the mounter; NULL: everyone */
	pthread_mutex_t lock;		/* the expiring marks and their waiters */
	pthread_cond_t changed;		/* a flag cleared */
};

struct autofs_info {			/* a trigger's d_fsdata */
	uint32_t magic;
	_Atomic unsigned int flags;
	struct rcu_head rcu;
};

static struct autofs_sb_info *autofs_sbi(const struct super_block *sb)
{
	return sb->s_fs_info;
}

/* acquire: pairs with the release in autofs_mkdir(), so the fields are set */
static struct autofs_info *autofs_dentry_ino(const struct dentry *dentry)
{
	return atomic_load_explicit(&((struct dentry *)dentry)->d_fsdata, memory_order_acquire);
}

static bool autofs_oz_mode(const struct autofs_sb_info *sbi)
{
	return !sbi->daemon || sbi->daemon == nb_current;
}

static unsigned int autofs_flags(const struct autofs_info *ino)
{
	return atomic_load_explicit(&((struct autofs_info *)ino)->flags, memory_order_acquire);
}

static bool autofs_expiring(const struct autofs_info *ino)
{
	return autofs_flags(ino) & AUTOFS_INF_EXPIRING;
}

/*
 * Wait until the expiry of @ino's trigger is over.  Offline meanwhile:
 * an expiry waits for a grace period, which a QSBR thread blocked here
 * would hold up; REF-walk holds references here, no read-side section.
 */
static void autofs_expire_wait(struct autofs_sb_info *sbi, struct autofs_info *ino)
{
	rcu_thread_offline();
	pthread_mutex_lock(&sbi->lock);
	while (autofs_expiring(ino))
		pthread_cond_wait(&sbi->changed, &sbi->lock);
	pthread_mutex_unlock(&sbi->lock);
	rcu_thread_online();
}

/* Clear @bits on @ino and wake whoever waits for it. */
static void autofs_clear(struct autofs_sb_info *sbi, struct autofs_info *ino, unsigned int bits)
{
	pthread_mutex_lock(&sbi->lock);
	atomic_fetch_and_explicit(&ino->flags, ~bits, memory_order_release);
	pthread_cond_broadcast(&sbi->changed);
	pthread_mutex_unlock(&sbi->lock);
}

/*
 * ->d_manage: may the walk cross @path's trigger now?  In RCU mode it may
 * not block: an expiry under way is -ECHILD.  The trigger may be dying
 * under an RCU walker (an expiry's rmdir): its info must still be there.
 */
static int autofs_d_manage(const struct path *path, bool rcu)
{
	struct autofs_info *ino = autofs_dentry_ino(path->dentry);

	if (!ino)
		return 0;
	/*
	 * An expiry may kill the trigger now: correct code must not care.
	 * Triggers are few, so the zoo's bug here gets a delay at every call
	 * (not one in --delays) for the stress test to meet the kill.
	 */
	debug_delays(zoo(AUTOFS_RELEASE_NORCU) ? 256 : 1);
	debug_check_magic(ino, &ino->magic, AUTOFS_MAGIC, "autofs_info", "autofs d_manage");
	if (!autofs_expiring(ino))
		return 0;
	if (rcu) {
		nb_count(NB_CTR_FS_ECHILD);
		return -ECHILD;
	}
	autofs_expire_wait(autofs_sbi(path->dentry->d_sb), ino);
	return 0;
}

/* ->d_automount: the daemon mounts the map's filesystem on the trigger. */
static struct mount *autofs_d_automount(struct path *path)
{
	struct autofs_info *ino = autofs_dentry_ino(path->dentry);
	struct autofs_sb_info *sbi = autofs_sbi(path->dentry->d_sb);
	struct mount *m;

	if (ino)
		autofs_expire_wait(sbi, ino);
	/* removed (an expiry's rmdir), or never made */
	if (d_unhashed(path->dentry) || !d_inode(path->dentry))
		return ERR_PTR(-ENOENT);
	if (!d_can_lookup(path->dentry))
		return ERR_PTR(-EISDIR);	/* only a directory is mounted on */
	if (d_mountpoint(path->dentry))
		return NULL;		/* another walk mounted it: cross that */
	/* a map a lazy umount detached mounts nothing, nor one the daemon has
	 * not mounted yet but for the daemon: the walk sees the trigger */
	if (!READ_ONCE(path->mnt->mnt_ns) ||
	    (ino && (autofs_flags(ino) & AUTOFS_INF_PENDING) && !autofs_oz_mode(sbi)))
		return ERR_PTR(-EISDIR);
	m = vfs_kern_mount(sbi->type);
	/* the daemon's first mount: the others may mount too now (any one wins) */
	if (ino && !IS_ERR(m) && (autofs_flags(ino) & AUTOFS_INF_PENDING))
		autofs_clear(sbi, ino, AUTOFS_INF_PENDING);
	return m;
}

static void autofs_info_free_rcu(struct rcu_head *head)
{
	rcu_callback_enter(head);
	nb_free(container_of(head, struct autofs_info, rcu));
}

/* ->d_release: lockless d_manage callers may still be reading the info */
static void autofs_d_release(struct dentry *dentry)
{
	struct autofs_info *ino = atomic_exchange(&dentry->d_fsdata, NULL);

	if (!ino)
		return;
	if (zoo(AUTOFS_RELEASE_NORCU))
		nb_free(ino);		/* autofs_free_ino()'s kfree, 2019 */
	else
		call_rcu(&ino->rcu, autofs_info_free_rcu);
}

static const struct dentry_operations autofs_dentry_operations = {
	.d_delete	= always_delete_dentry,
	.d_release	= autofs_d_release,
	.d_manage	= autofs_d_manage,
	.d_automount	= autofs_d_automount,
};

/*
 * A directory in the root is a trigger: its info and its flags are set
 * while it is still negative, so that no walk finds it positive and
 * unmanaged.
 */
static int autofs_mkdir(struct inode *dir, struct dentry *dentry)
{
	struct autofs_info *ino, *old;

	if (d_parent(dentry) != dir->i_sb->s_root)
		return shmem_mknod(dir, dentry, S_IFDIR, NULL);
	ino = malloc(sizeof(*ino));
	if (!ino)
		return -ENOSPC;
	ino->magic = AUTOFS_MAGIC;
	atomic_init(&ino->flags, autofs_sbi(dir->i_sb)->daemon ? AUTOFS_INF_PENDING : 0);
	/*
	 * release: pairs with the acquire in autofs_dentry_ino().  A negative
	 * dentry an expired trigger left may still carry the old info, which
	 * lockless d_manage callers may hold: a grace period for it too.
	 */
	old = atomic_exchange_explicit(&dentry->d_fsdata, ino, memory_order_release);
	if (old)
		call_rcu(&old->rcu, autofs_info_free_rcu);
	d_lock(dentry);
	WRITE_ONCE(dentry->d_flags,
		   d_flags(dentry) | DCACHE_NEED_AUTOMOUNT | DCACHE_MANAGE_TRANSIT);
	d_unlock(dentry);
	return shmem_mknod(dir, dentry, S_IFDIR, NULL);
}

/*
 * A trigger removed is no trigger (autofs_dir_rmdir clears the managed
 * flags): the dentry may stay, negative, and become a file's.  Its info
 * stays for lockless d_manage callers, until d_release.
 */
static int autofs_rmdir(struct inode *dir, struct dentry *dentry)
{
	int err = shmem_rmdir(dir, dentry);

	if (!err) {
		d_lock(dentry);
		WRITE_ONCE(dentry->d_flags, d_flags(dentry) &
			   ~(DCACHE_NEED_AUTOMOUNT | DCACHE_MANAGE_TRANSIT));
		d_unlock(dentry);
	}
	return err;
}

static const struct inode_operations autofs_dir_inode_operations = {
	.lookup		= shmem_lookup,
	.create		= shmem_create,
	.mkdir		= autofs_mkdir,
	.symlink	= shmem_symlink,
	.unlink		= shmem_unlink,
	.rmdir		= autofs_rmdir,
	.rename		= shmem_rename,
};

/*
 * autofs_expire - expire the trigger @path names (its dentry, not what is
 * mounted on it): 1 if what was mounted there was idle and is gone, with
 * the trigger; 0 if it was busy, or already expiring.  The caller holds a
 * reference on the trigger and on the autofs mount.
 */
static int autofs_expire(const struct path *path)
{
	struct dentry *trigger = path->dentry;
	struct autofs_sb_info *sbi = autofs_sbi(trigger->d_sb);
	struct autofs_info *ino = autofs_dentry_ino(trigger);
	struct inode *dir = d_inode(d_parent(trigger));
	struct mount *m;
	int err = 0;

	if (!ino)
		return -EINVAL;		/* the root, or a file */
	pthread_mutex_lock(&sbi->lock);
	if (autofs_expiring(ino)) {
		pthread_mutex_unlock(&sbi->lock);
		return 0;
	}
	atomic_fetch_or_explicit(&ino->flags, AUTOFS_INF_EXPIRING, memory_order_release);
	pthread_mutex_unlock(&sbi->lock);
	/* every RCU walker past d_manage before the mark has left */
	synchronize_rcu();
	m = lookup_mnt(path);
	if (m) {
		struct path top = { .mnt = m, .dentry = m->mnt_root };

		err = path_umount(&top, 0);
		mntput(m);
	}
	if (!err) {
		inode_lock(dir);
		err = d_unhashed(trigger) ? -ENOENT : vfs_rmdir(dir, trigger);
		inode_unlock(dir);
	}
	autofs_clear(sbi, ino, AUTOFS_INF_EXPIRING);
	if (err == -EBUSY)
		return 0;
	return err ? err : 1;
}

static void autofs_kill_sb(struct super_block *sb)
{
	struct autofs_sb_info *sbi = autofs_sbi(sb);

	if (!sbi)
		return;
	pthread_mutex_destroy(&sbi->lock);
	pthread_cond_destroy(&sbi->changed);
	free(sbi);
}

static const struct super_operations autofs_ops = {
	.destroy_inode	= shmem_destroy_inode,
	.free_inode	= shmem_free_inode,
	.kill_sb	= autofs_kill_sb,
	.expire		= autofs_expire,
};

/* type=NAME: the map's filesystem (a type that takes no option of its own here) */
static int autofs_options(struct autofs_sb_info *sbi, const char *options)
{
	char opt[64];

	snprintf(sbi->type, sizeof(sbi->type), "tmpfs");
	while (next_fs_option(&options, opt, sizeof(opt))) {
		if (strncmp(opt, "type=", 5) || !opt[5] || !strcmp(opt + 5, "autofs") ||
		    strlen(opt + 5) >= sizeof(sbi->type) || nb_fs_check(opt + 5))
			return -EINVAL;
		memcpy(sbi->type, opt + 5, strlen(opt + 5) + 1);
	}
	return 0;
}

static int autofs_fill_super(struct super_block *sb, const char *options)
{
	struct autofs_sb_info *sbi = calloc(1, sizeof(*sbi));
	int err = sbi ? autofs_options(sbi, options) : -ENOMEM;

	if (err) {
		free(sbi);
		return err;
	}
	pthread_mutex_init(&sbi->lock, NULL);
	pthread_cond_init(&sbi->changed, NULL);
	sbi->daemon = nb_current;	/* the mounter's: NULL for the engine's root */
	sb->s_fs_info = sbi;
	sb->s_op = &autofs_ops;
	sb->s_d_op = &autofs_dentry_operations;
	return simple_fill_root(sb, &autofs_dir_inode_operations);
}

static int autofs_check_options(const char *options)
{
	struct autofs_sb_info sbi;

	return autofs_options(&sbi, options);
}

const struct file_system_type autofs_fs_type = {
	.name		= "autofs",
	.summary	= "an indirect automount map: each directory made in its root is a "
			  "trigger that mounts a filesystem of type=NAME (tmpfs) when walked",
	.fill_super	= autofs_fill_super,
	.check_options	= autofs_check_options,
};
