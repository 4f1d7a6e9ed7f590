/*
 * The path walk and the system calls built on it (after fs/namei.c),
 * compiled once per synchronization strategy: the Makefile builds this file
 * with -DNB_STRATEGY_<NAME>, and each object exports one table,
 * nb_strategy_<name>.  Everything else is static, so the per-component hot
 * path of each strategy is its own code with no indirect calls.
 *
 * The walk is the kernel's, function for function: path_init, then
 * link_path_walk() over every component but the last (walk_component ->
 * lookup_fast / lookup_slow -> step_into -> mount crossing and symlinks),
 * then the caller handles the last component (lookup_last, the create and
 * remove paths, open_last_lookups).  Its semantics are those of
 * path_resolution(7) on tmpfs, checked against the real kernel by
 * tests/conformance.
 *
 * Strategies in this file:
 *   global - REF-walk with every operation under one mutex: the
 *            correctness baseline, the big-kernel-lock design.
 */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "ctx.h"
#include "engine.h"
#include "namei.h"

#if defined(NB_STRATEGY_GLOBAL)
# define STRATEGY_NAME		"global"
# define STRATEGY_SUMMARY	"one lock held across every operation (the big-kernel-lock baseline)"
# define STRATEGY_TABLE		nb_strategy_global

static pthread_mutex_t global_lock = PTHREAD_MUTEX_INITIALIZER;

static inline void op_begin(void)
{
	pthread_mutex_lock(&global_lock);
}

static inline void op_end(void)
{
	pthread_mutex_unlock(&global_lock);
}
#else
# error "build engine/namei.c with -DNB_STRATEGY_<NAME> (see the Makefile)"
#endif

enum { WALK_TRAILING = 1, WALK_MORE = 2, WALK_NOFOLLOW = 4 };

struct nameidata {
	struct path	path;		/* where we are; counted */
	struct qstr	last;		/* the component being looked at */
	struct path	root;		/* counted once set (ND_ROOT_GRABBED) */
	struct inode	*inode;		/* path.dentry's inode */
	unsigned int	flags, state;
	int		last_type;
	unsigned int	depth;		/* symlinks being walked */
	int		total_link_count;
	struct saved {
		struct path link;	/* counted: keeps the body alive */
		const char *name;	/* where to resume after it */
	} stack[MAXSYMLINKS];
	struct nb_ctx	*ctx;
};

static void nd_init(struct nameidata *nd, struct nb_ctx *ctx)
{
	nd->path.mnt = NULL;
	nd->path.dentry = NULL;
	nd->root.mnt = NULL;
	nd->root.dentry = NULL;
	nd->depth = 0;
	nd->total_link_count = 0;
	nd->state = 0;
	nd->ctx = ctx;
}

/* ---- setup and teardown ---- */

static void set_root(struct nameidata *nd)
{
	nd->root = nd->ctx->root;
	path_get(&nd->root);
	nd->state |= ND_ROOT_GRABBED;
}

static void nd_jump_root(struct nameidata *nd)
{
	if (!nd->root.mnt)
		set_root(nd);
	if (nd->path.mnt)
		path_put(&nd->path);
	nd->path = nd->root;
	path_get(&nd->path);
	nd->inode = d_inode(nd->path.dentry);
}

static void put_link(struct nameidata *nd)
{
	struct saved *last = nd->stack + --nd->depth;

	path_put(&last->link);
}

static void terminate_walk(struct nameidata *nd)
{
	while (nd->depth)
		put_link(nd);
	if (nd->path.mnt) {
		path_put(&nd->path);
		nd->path.mnt = NULL;
		nd->path.dentry = NULL;
	}
	if (nd->state & ND_ROOT_GRABBED) {
		path_put(&nd->root);
		nd->state &= ~ND_ROOT_GRABBED;
	}
}

static const char *path_init(struct nameidata *nd, const struct filename *name,
			     unsigned int flags)
{
	const char *s = name->name;

	nd->flags = flags;
	if (*s == '/') {
		nd_jump_root(nd);
		return s;
	}
	nd->path = nd->ctx->pwd;
	path_get(&nd->path);
	nd->inode = d_inode(nd->path.dentry);
	return s;
}

/* ---- one component ---- */

static struct dentry *lookup_fast(struct nameidata *nd)
{
	/*
	 * No rename_lock retry: a false negative from a concurrent rename
	 * falls back to lookup_slow(), which looks again under the lock.
	 */
	return __d_lookup(nd->path.dentry, &nd->last);
}

/*
 * traverse_mounts - step onto whatever is mounted on @path, topmost first.
 * On entry path->mnt is borrowed from the nameidata; on return, if we
 * moved, path->mnt is a counted reference of its own.
 */
static int traverse_mounts(struct path *path)
{
	unsigned int flags = d_flags(path->dentry);
	bool need_mntput = false;

	while (flags & DCACHE_MOUNTED) {
		struct mount *mounted = lookup_mnt(path);

		if (!mounted)
			break;
		dput(path->dentry);
		if (need_mntput)
			mntput(path->mnt);
		path->mnt = mounted;
		path->dentry = dget(mounted->mnt_root);
		flags = d_flags(path->dentry);
		need_mntput = true;
	}
	if (unlikely((flags & DCACHE_ENTRY_TYPE) == DCACHE_MISS_TYPE))
		return -ENOENT;
	return 0;
}

static int handle_mounts(struct nameidata *nd, struct dentry *dentry, struct path *path)
{
	int ret;

	path->mnt = nd->path.mnt;
	path->dentry = dentry;
	ret = traverse_mounts(path);
	if (unlikely(ret)) {
		dput(path->dentry);
		if (path->mnt != nd->path.mnt)
			mntput(path->mnt);
	}
	return ret;
}

static const char *pick_link(struct nameidata *nd, struct path *link, struct inode *inode)
{
	struct saved *last;
	const char *res;

	if (unlikely(nd->total_link_count++ >= MAXSYMLINKS)) {
		path_put(link);
		return ERR_PTR(-ELOOP);
	}
	last = nd->stack + nd->depth++;
	last->link = *link;
	res = inode->i_link;
	if (*res == '/') {
		nd_jump_root(nd);
		while (*++res == '/')
			;
	}
	if (*res)
		return res;
	/* a pure jump ("/"): nothing left of the body to walk */
	put_link(nd);
	return NULL;
}

/*
 * step_into - move onto @dentry (whose reference we consume), crossing
 * mounts; a symlink that must be followed is pushed and its body returned.
 */
static const char *step_into(struct nameidata *nd, int flags, struct dentry *dentry)
{
	struct path path;
	struct inode *inode;
	int err = handle_mounts(nd, dentry, &path);

	if (err < 0)
		return ERR_PTR(err);
	inode = d_inode(path.dentry);
	if (likely(!d_is_symlink(path.dentry)) ||
	    ((flags & WALK_TRAILING) && !(nd->flags & LOOKUP_FOLLOW)) ||
	    (flags & WALK_NOFOLLOW)) {
		dput(nd->path.dentry);
		if (nd->path.mnt != path.mnt)
			mntput(nd->path.mnt);
		nd->path = path;
		nd->inode = inode;
		return NULL;
	}
	if (path.mnt == nd->path.mnt)
		mntget(path.mnt);
	return pick_link(nd, &path, inode);
}

/*
 * choose_mountpoint - where ".." goes from the root of mount @m: up the
 * mount tree to the first mountpoint that is not itself a mount's root,
 * unless we reach @root first.  Under mount_lock, so the links are stable.
 */
static bool choose_mountpoint(struct mount *m, const struct path *root, struct path *path)
{
	bool found = false;

	read_seqlock_excl(&mount_lock);
	while (mnt_has_parent(m)) {
		struct dentry *mountpoint = mnt_mountpoint(m);

		m = mnt_parent(m);
		if (unlikely(root->dentry == mountpoint && root->mnt == m))
			break;
		if (mountpoint != m->mnt_root) {
			path->mnt = mntget(m);
			path->dentry = dget(mountpoint);
			found = true;
			break;
		}
	}
	read_sequnlock_excl(&mount_lock);
	return found;
}

static struct dentry *follow_dotdot(struct nameidata *nd)
{
	if (path_equal(&nd->path, &nd->root))
		goto in_root;
	if (unlikely(nd->path.dentry == nd->path.mnt->mnt_root)) {
		struct path path;

		if (!choose_mountpoint(nd->path.mnt, &nd->root, &path))
			goto in_root;
		path_put(&nd->path);
		nd->path = path;
		nd->inode = d_inode(path.dentry);
	}
	/* mounts are whole filesystems, so the parent is always connected */
	return dget_parent(nd->path.dentry);

in_root:
	return dget(nd->path.dentry);
}

static const char *handle_dots(struct nameidata *nd, int type)
{
	struct dentry *parent;

	if (type != LAST_DOTDOT)
		return NULL;
	if (!nd->root.mnt)
		set_root(nd);
	parent = follow_dotdot(nd);
	/* a ".." that lands on a mounted-on directory enters the mount */
	return step_into(nd, WALK_NOFOLLOW, parent);
}

static const char *walk_component(struct nameidata *nd, int flags)
{
	struct dentry *dentry;

	/*
	 * "." and ".." are special - ".." especially so because it has to be
	 * able to know about the current root directory and parent
	 * relationships.
	 */
	if (unlikely(nd->last_type != LAST_NORM)) {
		if (!(flags & WALK_MORE) && nd->depth)
			put_link(nd);
		return handle_dots(nd, nd->last_type);
	}
	dentry = lookup_fast(nd);
	if (unlikely(!dentry)) {
		dentry = lookup_slow(&nd->last, nd->path.dentry);
		if (IS_ERR(dentry))
			return ERR_CAST(dentry);
	}
	if (!(flags & WALK_MORE) && nd->depth)
		put_link(nd);
	return step_into(nd, flags, dentry);
}

/* ---- the walk ---- */

/*
 * link_path_walk - resolve every component but the last, leaving it in
 * nd->last / nd->last_type.  Symlinks met on the way are walked through
 * nd->stack; the last component of a symlink body in the middle of a path
 * is always followed.
 */
static int link_path_walk(const char *name, struct nameidata *nd)
{
	int depth = 0;		/* depth <= nd->depth */

	nd->last_type = LAST_ROOT;
	nd->flags |= LOOKUP_PARENT;
	if (IS_ERR(name))
		return (int)PTR_ERR(name);
	while (*name == '/')
		name++;
	if (!*name)
		return 0;

	/* At this point we know we have a real path component. */
	for (;;) {
		const char *link;
		uint64_t hash_len;
		int type;

		hash_len = hash_name(nd->path.dentry, name);
		type = LAST_NORM;
		if (name[0] == '.') {
			switch (hashlen_len(hash_len)) {
			case 2:
				if (name[1] == '.')
					type = LAST_DOTDOT;
				break;
			case 1:
				type = LAST_DOT;
			}
		}
		nd->last.hash_len = hash_len;
		nd->last.name = name;
		nd->last_type = type;

		name += hashlen_len(hash_len);
		if (!*name)
			goto OK;
		/* it was a '/': skip it and any that follow */
		do {
			name++;
		} while (unlikely(*name == '/'));
		if (unlikely(!*name)) {
OK:
			/* pathname or trailing symlink body done */
			if (!depth) {
				nd->flags &= ~LOOKUP_PARENT;
				return 0;
			}
			/* last component of a nested symlink */
			name = nd->stack[--depth].name;
			link = walk_component(nd, 0);
		} else {
			/* not the last component */
			link = walk_component(nd, WALK_MORE);
		}
		if (unlikely(link)) {
			if (IS_ERR(link))
				return (int)PTR_ERR(link);
			/* a symlink to follow */
			nd->stack[depth++].name = name;
			name = link;
			continue;
		}
		if (unlikely(!d_can_lookup(nd->path.dentry)))
			return -ENOTDIR;
	}
}

static const char *lookup_last(struct nameidata *nd)
{
	/* a trailing slash: follow, and insist on a directory */
	if (nd->last_type == LAST_NORM && nd->last.name[nd->last.len])
		nd->flags |= LOOKUP_FOLLOW | LOOKUP_DIRECTORY;
	return walk_component(nd, WALK_TRAILING);
}

static int handle_lookup_down(struct nameidata *nd)
{
	dget(nd->path.dentry);
	return (int)PTR_ERR(step_into(nd, WALK_NOFOLLOW, nd->path.dentry));
}

/* Returns 0 with a counted *path, or an error. */
static int path_lookupat(struct nameidata *nd, const struct filename *name,
			 unsigned int flags, struct path *path)
{
	const char *s = path_init(nd, name, flags);
	int err;

	while (!(err = link_path_walk(s, nd)) && (s = lookup_last(nd)) != NULL)
		;
	if (!err && (nd->flags & LOOKUP_MOUNTPOINT))
		err = handle_lookup_down(nd);
	if (!err && (nd->flags & LOOKUP_DIRECTORY))
		if (!d_can_lookup(nd->path.dentry))
			err = -ENOTDIR;
	if (!err) {
		*path = nd->path;
		nd->path.mnt = NULL;
		nd->path.dentry = NULL;
	}
	terminate_walk(nd);
	return err;
}

static int filename_lookup(struct nb_ctx *ctx, const char *pathname, unsigned int flags,
			   struct path *path)
{
	struct filename name;
	struct nameidata nd;
	int err = getname(&name, pathname);

	if (err)
		return err;
	nd_init(&nd, ctx);
	return path_lookupat(&nd, &name, flags, path);
}

/* Walk to the parent of the last component; *last points into @name. */
static int filename_parentat(struct nb_ctx *ctx, const struct filename *name,
			     struct path *parent, struct qstr *last, int *type)
{
	struct nameidata nd;
	const char *s;
	int err;

	nd_init(&nd, ctx);
	s = path_init(&nd, name, 0);
	err = link_path_walk(s, &nd);
	if (!err) {
		*parent = nd.path;
		*last = nd.last;
		*type = nd.last_type;
		nd.path.mnt = NULL;
		nd.path.dentry = NULL;
	}
	terminate_walk(&nd);
	return err;
}

/* ---- stat ---- */

static void generic_fillattr(const struct path *path, struct nb_kstat *st)
{
	struct inode *inode = d_inode(path->dentry);

	st->ino = inode->i_ino;
	st->dev = inode->i_sb->s_dev;
	st->type = S_ISDIR(inode->i_mode) ? NB_DIR : S_ISLNK(inode->i_mode) ? NB_LNK : NB_REG;
	st->nlink = inode_nlink(inode);
	st->size = READ_ONCE(inode->i_size);
}

static int vfs_statx(struct nb_ctx *ctx, const char *pathname, unsigned int flags,
		     struct nb_kstat *st)
{
	struct path path;
	int err = filename_lookup(ctx, pathname, flags, &path);

	if (err)
		return err;
	generic_fillattr(&path, st);
	path_put(&path);
	return 0;
}

/* ---- creation ---- */

/*
 * filename_create - the parent locked and a negative dentry for the last
 * component, or an error.  "foo/" only names a directory to be created.
 */
static struct dentry *filename_create(struct nb_ctx *ctx, const struct filename *name,
				      struct path *path, bool want_dir)
{
	struct dentry *dentry;
	struct qstr last;
	unsigned int create_flags = LOOKUP_CREATE | LOOKUP_EXCL;
	int type, err;

	err = filename_parentat(ctx, name, path, &last, &type);
	if (err)
		return ERR_PTR(err);
	/* yucky last component or no last component at all? (foo/., foo/.., /////) */
	if (unlikely(type != LAST_NORM)) {
		path_put(path);
		return ERR_PTR(-EEXIST);
	}
	/* a trailing slash suppresses creation unless a directory is wanted */
	if (last.name[last.len] && !want_dir)
		create_flags &= ~LOOKUP_CREATE;
	inode_lock(d_inode(path->dentry));
	dentry = lookup_one_qstr_excl(&last, path->dentry, create_flags);
	if (IS_ERR(dentry)) {
		inode_unlock(d_inode(path->dentry));
		path_put(path);
	}
	return dentry;
}

static void done_path_create(struct path *path, struct dentry *dentry)
{
	dput(dentry);
	inode_unlock(d_inode(path->dentry));
	path_put(path);
}

static int do_mkdirat(struct nb_ctx *ctx, const char *pathname)
{
	struct filename name;
	struct dentry *dentry;
	struct path path;
	int err = getname(&name, pathname);

	if (err)
		return err;
	dentry = filename_create(ctx, &name, &path, true);
	if (IS_ERR(dentry))
		return (int)PTR_ERR(dentry);
	err = vfs_mkdir(d_inode(path.dentry), dentry);
	done_path_create(&path, dentry);
	return err;
}

static int do_symlinkat(struct nb_ctx *ctx, const char *target, const char *pathname)
{
	struct filename from, to;
	struct dentry *dentry;
	struct path path;
	int err = getname(&from, target);
	int err_to = getname(&to, pathname);

	if (err)
		return err;
	if (err_to)
		return err_to;
	dentry = filename_create(ctx, &to, &path, false);
	if (IS_ERR(dentry))
		return (int)PTR_ERR(dentry);
	err = vfs_symlink(d_inode(path.dentry), dentry, from.name);
	done_path_create(&path, dentry);
	return err;
}

/*
 * open(O_CREAT|O_EXCL): the last component is looked up (or created) under
 * the directory lock and never followed; whatever exists is EEXIST.
 */
static struct dentry *lookup_open(struct nameidata *nd, bool *created)
{
	struct dentry *dir = nd->path.dentry;
	struct inode *dir_inode = d_inode(dir);
	struct dentry *dentry;
	int err;

	if (unlikely(IS_DEADDIR(dir_inode)))
		return ERR_PTR(-ENOENT);
	dentry = d_lookup(dir, &nd->last);
	if (!dentry) {
		dentry = d_alloc_and_lookup(dir, &nd->last);
		if (IS_ERR(dentry))
			return dentry;
	}
	if (d_inode(dentry))
		return dentry;	/* cached positive dentry */
	*created = true;
	err = shmem_create(dir_inode, dentry);
	if (err) {
		dput(dentry);
		return ERR_PTR(err);
	}
	return dentry;
}

static const char *open_last_lookups(struct nameidata *nd, bool *created)
{
	struct dentry *dir = nd->path.dentry;
	struct dentry *dentry;

	if (nd->last_type != LAST_NORM) {
		if (nd->depth)
			put_link(nd);
		return handle_dots(nd, nd->last_type);
	}
	/* trailing slashes? */
	if (unlikely(nd->last.name[nd->last.len]))
		return ERR_PTR(-EISDIR);
	inode_lock(d_inode(dir));
	dentry = lookup_open(nd, created);
	inode_unlock(d_inode(dir));
	if (IS_ERR(dentry))
		return ERR_CAST(dentry);
	if (*created) {
		dput(nd->path.dentry);
		nd->path.dentry = dentry;
		return NULL;
	}
	if (nd->depth)
		put_link(nd);
	return step_into(nd, WALK_TRAILING, dentry);
}

static int do_open_creat_excl(struct nb_ctx *ctx, const char *pathname)
{
	struct filename name;
	struct nameidata nd;
	bool created = false;
	const char *s;
	int err = getname(&name, pathname);

	if (err)
		return err;
	nd_init(&nd, ctx);
	s = path_init(&nd, &name, 0);
	while (!(err = link_path_walk(s, &nd)) &&
	       (s = open_last_lookups(&nd, &created)) != NULL)
		;
	/* do_open(): O_EXCL on something that exists */
	if (!err && !created)
		err = -EEXIST;
	terminate_walk(&nd);
	return err;
}

/* ---- removal ---- */

/* getname() and filename_parentat(): where every removal starts. */
static int user_path_parent(struct nb_ctx *ctx, const char *pathname, struct filename *name,
			    struct path *parent, struct qstr *last, int *type)
{
	int err = getname(name, pathname);

	return err ? err : filename_parentat(ctx, name, parent, last, type);
}

static int do_rmdir(struct nb_ctx *ctx, const char *pathname)
{
	struct filename name;
	struct dentry *dentry;
	struct path path;
	struct qstr last;
	int type, err = user_path_parent(ctx, pathname, &name, &path, &last, &type);

	if (err)
		return err;
	switch (type) {
	case LAST_DOTDOT:
		err = -ENOTEMPTY;
		goto exit;
	case LAST_DOT:
		err = -EINVAL;
		goto exit;
	case LAST_ROOT:
		err = -EBUSY;
		goto exit;
	}
	inode_lock(d_inode(path.dentry));
	dentry = lookup_one_qstr_excl(&last, path.dentry, 0);
	if (IS_ERR(dentry)) {
		err = (int)PTR_ERR(dentry);
	} else {
		err = vfs_rmdir(d_inode(path.dentry), dentry);
		dput(dentry);
	}
	inode_unlock(d_inode(path.dentry));
exit:
	path_put(&path);
	return err;
}

static int do_unlinkat(struct nb_ctx *ctx, const char *pathname)
{
	struct filename name;
	struct dentry *dentry;
	struct path path;
	struct qstr last;
	int type, err = user_path_parent(ctx, pathname, &name, &path, &last, &type);

	if (err)
		return err;
	if (type != LAST_NORM) {
		err = -EISDIR;
		goto exit;
	}
	inode_lock(d_inode(path.dentry));
	dentry = lookup_one_qstr_excl(&last, path.dentry, 0);
	if (IS_ERR(dentry)) {
		err = (int)PTR_ERR(dentry);
	} else {
		/* "why not before? because we want the correct error value" */
		if (last.name[last.len])
			err = d_is_dir(dentry) ? -EISDIR : -ENOTDIR;
		else
			err = vfs_unlink(d_inode(path.dentry), dentry);
		dput(dentry);
	}
	inode_unlock(d_inode(path.dentry));
exit:
	path_put(&path);
	return err;
}

/* ---- rename ---- */

static int do_renameat2(struct nb_ctx *ctx, const char *oldname, const char *newname)
{
	struct filename from, to;
	struct dentry *old_dentry, *new_dentry, *trap;
	struct path old_path, new_path;
	struct qstr old_last, new_last;
	int old_type, new_type;
	int err = getname(&from, oldname);
	int err_to = getname(&to, newname);

	if (err)
		return err;
	err = filename_parentat(ctx, &from, &old_path, &old_last, &old_type);
	if (err)
		return err;
	if (err_to) {
		err = err_to;
		goto exit1;
	}
	err = filename_parentat(ctx, &to, &new_path, &new_last, &new_type);
	if (err)
		goto exit1;

	err = -EXDEV;
	if (old_path.mnt != new_path.mnt)
		goto exit2;
	err = -EBUSY;
	if (old_type != LAST_NORM || new_type != LAST_NORM)
		goto exit2;

	trap = lock_rename(new_path.dentry, old_path.dentry);
	old_dentry = lookup_one_qstr_excl(&old_last, old_path.dentry, 0);
	err = (int)PTR_ERR(old_dentry);
	if (IS_ERR(old_dentry))
		goto exit3;
	new_dentry = lookup_one_qstr_excl(&new_last, new_path.dentry, LOOKUP_CREATE);
	err = (int)PTR_ERR(new_dentry);
	if (IS_ERR(new_dentry))
		goto exit4;
	/* unless the source is a directory trailing slashes give -ENOTDIR */
	if (!d_is_dir(old_dentry)) {
		err = -ENOTDIR;
		if (old_last.name[old_last.len] || new_last.name[new_last.len])
			goto exit5;
	}
	/* source should not be ancestor of target */
	err = -EINVAL;
	if (old_dentry == trap)
		goto exit5;
	/* target should not be an ancestor of source */
	err = -ENOTEMPTY;
	if (new_dentry == trap)
		goto exit5;
	err = vfs_rename(d_inode(old_path.dentry), old_dentry,
			 d_inode(new_path.dentry), new_dentry);
exit5:
	dput(new_dentry);
exit4:
	dput(old_dentry);
exit3:
	unlock_rename(new_path.dentry, old_path.dentry);
exit2:
	path_put(&new_path);
exit1:
	path_put(&old_path);
	return err;
}

/* ---- mounts and the working directory ---- */

static int do_mount(struct nb_ctx *ctx, const char *pathname)
{
	struct path path;
	int err = filename_lookup(ctx, pathname, LOOKUP_FOLLOW, &path);

	if (err)
		return err;
	err = do_new_mount(&path);
	path_put(&path);
	return err;
}

static int do_umount(struct nb_ctx *ctx, const char *pathname, int flags)
{
	struct path path;
	int err = filename_lookup(ctx, pathname, LOOKUP_MOUNTPOINT | LOOKUP_FOLLOW, &path);

	if (err)
		return err;
	err = path_umount(&path, (flags & NB_UMOUNT_LAZY) ? MNT_DETACH : 0);
	path_put(&path);
	return err;
}

static int do_chdir(struct nb_ctx *ctx, const char *pathname)
{
	struct path path;
	int err = filename_lookup(ctx, pathname, LOOKUP_FOLLOW | LOOKUP_DIRECTORY, &path);

	if (err)
		return err;
	set_fs_pwd(ctx, &path);
	return 0;
}

/* ---- the strategy's table ---- */

static int op_stat(struct nb_ctx *ctx, const char *path, struct nb_kstat *st)
{
	int err;

	op_begin();
	err = vfs_statx(ctx, path, LOOKUP_FOLLOW, st);
	op_end();
	return err;
}

static int op_lstat(struct nb_ctx *ctx, const char *path, struct nb_kstat *st)
{
	int err;

	op_begin();
	err = vfs_statx(ctx, path, 0, st);
	op_end();
	return err;
}

#define DEFINE_OP1(opname, fn)						\
static int opname(struct nb_ctx *ctx, const char *a)			\
{									\
	int err;							\
									\
	op_begin();							\
	err = fn(ctx, a);						\
	op_end();							\
	return err;							\
}

#define DEFINE_OP2(opname, fn)						\
static int opname(struct nb_ctx *ctx, const char *a, const char *b)	\
{									\
	int err;							\
									\
	op_begin();							\
	err = fn(ctx, a, b);						\
	op_end();							\
	return err;							\
}

DEFINE_OP1(op_mkdir, do_mkdirat)
DEFINE_OP1(op_create, do_open_creat_excl)
DEFINE_OP1(op_unlink, do_unlinkat)
DEFINE_OP1(op_rmdir, do_rmdir)
DEFINE_OP1(op_mount, do_mount)
DEFINE_OP1(op_chdir, do_chdir)
DEFINE_OP2(op_symlink, do_symlinkat)
DEFINE_OP2(op_rename, do_renameat2)

static int op_umount(struct nb_ctx *ctx, const char *path, int flags)
{
	int err;

	op_begin();
	err = do_umount(ctx, path, flags);
	op_end();
	return err;
}

const struct nb_strategy STRATEGY_TABLE = {
	.name		= STRATEGY_NAME,
	.summary	= STRATEGY_SUMMARY,
	.stat		= op_stat,
	.lstat		= op_lstat,
	.mkdir		= op_mkdir,
	.create		= op_create,
	.symlink	= op_symlink,
	.unlink		= op_unlink,
	.rmdir		= op_rmdir,
	.rename		= op_rename,
	.mount		= op_mount,
	.umount		= op_umount,
	.chdir		= op_chdir,
};
