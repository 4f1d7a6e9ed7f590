/*
 * Namespace operations once the dentries are found (after the non-walking
 * half of fs/namei.c): permission-free versions of may_create/may_delete,
 * the vfs_* entry points that call the filesystem, lock_rename(), and the
 * slow lookups that consult the filesystem under the directory lock.
 *
 * The engine runs as root on a filesystem with no permission bits in play,
 * so every inode_permission() check of the kernel passes and is left out;
 * every other check is here, in the kernel's order, because the order
 * decides which errno a caller sees.
 */
#include <errno.h>
#include <string.h>

#include "namei.h"
#include "vfs.h"

/* What getname() refuses: 0, or its error (for a caller that checks first). */
int getname_check(const char *path, size_t *lenp)
{
	size_t len = strnlen(path, PATH_MAX);

	*lenp = len;
	/* PATH_MAX counts the terminator */
	if (len == PATH_MAX)
		return -ENAMETOOLONG;
	return len ? 0 : -ENOENT;
}

int getname(struct filename *fn, const char *path)
{
	size_t len;
	int err = getname_check(path, &len);

	if (err)
		return err;
	memcpy(fn->name, path, len);
	memset(fn->name + len, 0, NB_NAME_PAD);
	fn->len = (unsigned int)len;
	return 0;
}

/* ---- lookups under the directory lock ---- */

/*
 * d_alloc_and_lookup - a dcache miss: allocate the dentry and ask the
 * filesystem, which hashes it (negative, here) or fails.
 */
struct dentry *d_alloc_and_lookup(struct dentry *dir, const struct qstr *name)
{
	struct dentry *dentry = d_alloc(dir, name), *old;

	if (unlikely(!dentry))
		return ERR_PTR(-ENOMEM);
	old = d_inode(dir)->i_op->lookup(d_inode(dir), dentry, 0);
	if (unlikely(old)) {
		dput(dentry);
		return old;
	}
	return dentry;
}

/*
 * lookup_one_qstr_excl - find or create the dentry for @name in @base,
 * whose inode the caller holds locked exclusively.  Without LOOKUP_CREATE
 * a negative result is ENOENT; with LOOKUP_EXCL a positive one is EEXIST.
 */
struct dentry *lookup_one_qstr_excl(const struct qstr *name, struct dentry *base,
				    unsigned int flags)
{
	struct dentry *dentry = d_lookup(base, name);
	struct inode *dir = d_inode(base);

	if (!dentry) {
		/* don't create a child of a dead directory */
		if (unlikely(IS_DEADDIR(dir)))
			return ERR_PTR(-ENOENT);
		dentry = d_alloc_and_lookup(base, name);
		if (IS_ERR(dentry))
			return dentry;
	}
	if (d_is_negative(dentry) && !(flags & LOOKUP_CREATE)) {
		dput(dentry);
		return ERR_PTR(-ENOENT);
	}
	if (d_is_positive(dentry) && (flags & LOOKUP_EXCL)) {
		dput(dentry);
		return ERR_PTR(-EEXIST);
	}
	return dentry;
}

/*
 * __lookup_slow - ask the filesystem about a name the dcache did not have,
 * through d_alloc_parallel(): only the first of several lookups of one
 * name calls ->lookup; the others wait for it and take its answer.
 */
static struct dentry *__lookup_slow(const struct qstr *name, struct dentry *dir)
{
	struct inode *inode = d_inode(dir);
	struct dentry *dentry, *old;

	/* don't go there if it's already dead */
	if (unlikely(IS_DEADDIR(inode)))
		return ERR_PTR(-ENOENT);
	dentry = d_alloc_parallel(dir, name);
	/*
	 * Linux revalidates a dentry found here; one is found only if a
	 * lookup of the name finished since lookup_fast() missed it, so it
	 * is as fresh as a revalidation would make it (and nfs's check takes
	 * the directory lock we hold, which lookup=exclusive holds
	 * exclusively).
	 */
	if (IS_ERR(dentry) || !d_in_lookup(dentry))
		return dentry;
	old = inode->i_op->lookup(inode, dentry, 0);
	d_lookup_done(dentry);
	if (unlikely(old)) {
		dput(dentry);
		dentry = old;
	}
	return dentry;
}

/*
 * lookup_slow - a dcache miss during a walk: ask the filesystem with the
 * directory's i_rwsem held shared, as Linux has since 4.7, so that misses
 * of different names in one directory proceed in parallel and only
 * lookups of the same name wait for one another (d_alloc_parallel).
 * Every other change to the directory's entries holds the lock
 * exclusively.  A superblock mounted with lookup=exclusive takes it
 * exclusively here too, as every filesystem did before 4.7: the same
 * answers, and misses in one directory one at a time.
 */
struct dentry *lookup_slow(const struct qstr *name, struct dentry *dir)
{
	struct inode *inode = d_inode(dir);
	struct dentry *dentry;

	if (unlikely(dir->d_sb->s_flags & SB_LOOKUP_EXCL)) {
		inode_lock(inode);
		dentry = __lookup_slow(name, dir);
		inode_unlock(inode);
		return dentry;
	}
	inode_lock_shared(inode);
	dentry = __lookup_slow(name, dir);
	inode_unlock_shared(inode);
	return dentry;
}

/* ---- rename locking ---- */

/*
 * lock_two_directories - p1 != p2, same filesystem, s_vfs_rename_mutex
 * held (so no directory changes parent under us).  Lock ancestors first.
 * Returns the child of the common ancestor on the path to the other one
 * (the "trap" a rename must not move or replace), NULL if neither is an
 * ancestor of the other.
 */
static struct dentry *lock_two_directories(struct dentry *p1, struct dentry *p2)
{
	struct dentry *p = p1, *q = p2, *r;

	while ((r = d_parent(p)) != p2 && r != p)
		p = r;
	if (r == p2) {
		/* p is a child of p2 and an ancestor of p1 or p1 itself */
		inode_lock(d_inode(p2));
		inode_lock(d_inode(p1));
		return p;
	}
	/* p is the root of p1's tree; p2 is not on the path from p to p1 */
	while ((r = d_parent(q)) != p1 && r != p && r != q)
		q = r;
	if (r == p1) {
		/* q is a child of p1 and an ancestor of p2 or p2 itself */
		inode_lock(d_inode(p1));
		inode_lock(d_inode(p2));
		return q;
	}
	/* both descend from p */
	inode_lock(d_inode(p1));
	inode_lock(d_inode(p2));
	return NULL;
}

struct dentry *lock_rename(struct dentry *p1, struct dentry *p2)
{
	if (p1 == p2) {
		inode_lock(d_inode(p1));
		return NULL;
	}
	mutex_lock(&p1->d_sb->s_vfs_rename_mutex);
	return lock_two_directories(p1, p2);
}

void unlock_rename(struct dentry *p1, struct dentry *p2)
{
	inode_unlock(d_inode(p1));
	if (p1 != p2) {
		inode_unlock(d_inode(p2));
		mutex_unlock(&p1->d_sb->s_vfs_rename_mutex);
	}
}

/* ---- checks ---- */

/* may_delete: can @victim be removed from @dir, and is it the right type? */
static int may_delete(struct inode *dir, struct dentry *victim, bool isdir)
{
	if (d_is_negative(victim))
		return -ENOENT;
	if (isdir) {
		if (!d_is_dir(victim))
			return -ENOTDIR;
		if (IS_ROOT(victim))
			return -EBUSY;
	} else if (d_is_dir(victim)) {
		return -EISDIR;
	}
	if (IS_DEADDIR(dir))
		return -ENOENT;
	return 0;
}

static int may_create(struct inode *dir, struct dentry *child)
{
	if (d_inode(child))
		return -EEXIST;
	if (IS_DEADDIR(dir))
		return -ENOENT;
	return 0;
}

/* ---- operations ---- */

int vfs_mkdir(struct inode *dir, struct dentry *dentry)
{
	int error = may_create(dir, dentry);

	return error ? error : dir->i_op->mkdir(dir, dentry);
}

int vfs_create(struct inode *dir, struct dentry *dentry)
{
	int error = may_create(dir, dentry);

	return error ? error : dir->i_op->create(dir, dentry);
}

int vfs_symlink(struct inode *dir, struct dentry *dentry, const char *target)
{
	int error = may_create(dir, dentry);

	return error ? error : dir->i_op->symlink(dir, dentry, target);
}

int vfs_unlink(struct inode *dir, struct dentry *dentry)
{
	struct inode *target = d_inode(dentry);
	int error = may_delete(dir, dentry, false);

	if (error)
		return error;
	inode_lock(target);
	if (is_local_mountpoint(dentry)) {
		error = -EBUSY;
	} else {
		error = dir->i_op->unlink(dir, dentry);
		if (!error)
			dont_mount(dentry);
	}
	inode_unlock(target);
	if (!error)
		d_delete(dentry);
	return error;
}

int vfs_rmdir(struct inode *dir, struct dentry *dentry)
{
	struct inode *inode;
	int error = may_delete(dir, dentry, true);

	if (error)
		return error;
	dget(dentry);
	inode = d_inode(dentry);
	inode_lock(inode);
	if (is_local_mountpoint(dentry)) {
		error = -EBUSY;
	} else {
		shrink_dcache_parent(dentry);
		error = dir->i_op->rmdir(dir, dentry);
		if (!error) {
			atomic_fetch_or_explicit(&inode->i_flags, S_DEAD, memory_order_relaxed);
			dont_mount(dentry);
		}
	}
	inode_unlock(inode);
	dput(dentry);
	if (!error)
		d_delete(dentry);
	return error;
}

/* Two non-directories (@b may be NULL), in address order. */
static void lock_two_nondirectories(struct inode *a, struct inode *b)
{
	if (b && (uintptr_t)b < (uintptr_t)a) {
		struct inode *t = a;

		a = b;
		b = t;
	}
	inode_lock(a);
	if (b)
		inode_lock(b);
}

/*
 * vfs_rename - the checks and locking of the kernel's vfs_rename().
 * Directories are locked ancestors first: the source when it changes
 * parent, the target when it is replaced or (RENAME_EXCHANGE) when it
 * changes parent too.
 */
int vfs_rename(struct inode *old_dir, struct dentry *old_dentry,
	       struct inode *new_dir, struct dentry *new_dentry, unsigned int flags)
{
	bool is_dir = d_is_dir(old_dentry);
	bool exchange = flags & RENAME_EXCHANGE;
	struct inode *source = d_inode(old_dentry);
	struct inode *target = d_inode(new_dentry);
	bool new_is_dir = false, lock_old_subdir, lock_new_subdir;
	int error;

	if (source == target)
		return 0;
	error = may_delete(old_dir, old_dentry, is_dir);
	if (error)
		return error;
	if (!target) {
		error = may_create(new_dir, new_dentry);
	} else {
		new_is_dir = d_is_dir(new_dentry);
		error = may_delete(new_dir, new_dentry, exchange ? new_is_dir : is_dir);
	}
	if (error)
		return error;

	dget(new_dentry);
	lock_old_subdir = new_dir != old_dir;
	lock_new_subdir = new_dir != old_dir || !exchange;
	if (is_dir) {
		if (lock_old_subdir)
			inode_lock(source);
		if (target && (!new_is_dir || lock_new_subdir))
			inode_lock(target);
	} else if (new_is_dir) {
		if (lock_new_subdir)
			inode_lock(target);
		inode_lock(source);
	} else {
		lock_two_nondirectories(source, target);
	}

	error = -EBUSY;
	if (is_local_mountpoint(old_dentry) || is_local_mountpoint(new_dentry))
		goto out;
	if (is_dir && target && !exchange)
		shrink_dcache_parent(new_dentry);
	error = old_dir->i_op->rename(old_dir, old_dentry, new_dir, new_dentry, flags);
	if (error)
		goto out;
	if (exchange) {
		d_exchange(old_dentry, new_dentry);
		goto out;
	}
	if (target) {
		if (is_dir)
			atomic_fetch_or_explicit(&target->i_flags, S_DEAD, memory_order_relaxed);
		dont_mount(new_dentry);
	}
	d_move(old_dentry, new_dentry);
out:
	if (!is_dir || lock_old_subdir)
		inode_unlock(source);
	if (target && (!new_is_dir || lock_new_subdir))
		inode_unlock(target);
	dput(new_dentry);
	return error;
}
