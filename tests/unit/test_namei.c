/*
 * Namespace operations through a strategy's table: what each one does to
 * the tree, and what the kernel comparison cannot see: reference counts
 * and object lifetimes (a lazily unmounted filesystem lives exactly as
 * long as a working directory inside it), the mount hash, device and
 * inode numbering, and getname's limits.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>

#include "check.h"
#include "ctx.h"
#include "engine.h"
#include "mount.h"

static const struct nb_strategy *S;
static struct nb_ctx *ctx;
static struct nb_census base;

static void census_now(struct nb_census *c)
{
	rcu_barrier();
	nb_census(c);
}

static void begin(void)
{
	ctx = nb_ctx_new(S);
	census_now(&base);
}

/* Remove what the test made, then everything must be as before. */
static void end(void)
{
	struct nb_census now;

	nb_ctx_free(ctx);
	census_now(&now);
	CHECK_EQ(now.mounts, base.mounts);
	CHECK_EQ(now.supers, base.supers);
	CHECK_EQ(now.inodes, base.inodes);
	CHECK_EQ(now.dentries, base.dentries);
}

/* A counted reference to the child @name of @parent, or NULL. */
static struct dentry *child_of(struct dentry *parent, const char *name)
{
	char buf[64] = { 0 };
	size_t len = strlen(name);
	struct qstr q;

	memcpy(buf, name, len);
	q.name = buf;
	q.len = (uint32_t)len;
	q.hash = full_name_hash(parent, name, (unsigned int)len);
	return d_lookup(parent, &q);
}

static struct nb_kstat st(const char *path, int expect_err)
{
	struct nb_kstat s;

	memset(&s, 0, sizeof(s));
	CHECK_EQ(S->stat(ctx, path, &s), expect_err);
	return s;
}

static void test_getname_limits(void)
{
	struct filename fn;
	char *p = malloc(PATH_MAX + 1);

	memset(p, 'a', PATH_MAX);
	p[PATH_MAX - 1] = '\0';			/* 4095 bytes */
	CHECK_EQ(getname(&fn, p), 0);
	CHECK_EQ(fn.len, PATH_MAX - 1);
	CHECK(!memcmp(fn.name + fn.len, "\0\0\0\0\0\0\0\0", NB_NAME_PAD));
	p[PATH_MAX - 1] = 'a';
	p[PATH_MAX] = '\0';			/* 4096 bytes */
	CHECK_EQ(getname(&fn, p), -ENAMETOOLONG);
	CHECK_EQ(getname(&fn, ""), -ENOENT);
	free(p);
}

static void test_create_and_remove_each_type(void)
{
	struct nb_kstat s, d;

	begin();
	CHECK_EQ(S->mkdir(ctx, "/d"), 0);
	CHECK_EQ(S->create(ctx, "/d/f"), 0);
	CHECK_EQ(S->symlink(ctx, "f", "/d/l"), 0);
	s = st("/d/l", 0);
	CHECK_EQ(s.type, NB_REG);
	CHECK_EQ(S->lstat(ctx, "/d/l", &s), 0);
	CHECK_EQ(s.type, NB_LNK);
	CHECK_EQ(s.size, 1);
	d = st("/d", 0);
	CHECK_EQ(d.nlink, 2);
	CHECK_EQ(d.size, 80);
	CHECK_EQ(S->unlink(ctx, "/d/l"), 0);
	CHECK_EQ(S->unlink(ctx, "/d/f"), 0);
	CHECK_EQ(S->rmdir(ctx, "/d"), 0);
	st("/d", -ENOENT);
	end();
}

static void test_inode_numbers_are_never_reused(void)
{
	struct nb_kstat a, b;

	begin();
	CHECK_EQ(S->create(ctx, "/f"), 0);
	a = st("/f", 0);
	CHECK_EQ(S->unlink(ctx, "/f"), 0);
	CHECK_EQ(S->create(ctx, "/f"), 0);
	b = st("/f", 0);
	CHECK(b.ino > a.ino);
	CHECK_EQ(b.dev, a.dev);
	CHECK_EQ(S->unlink(ctx, "/f"), 0);
	end();
}

static void test_rename_keeps_identity_and_frees_victim(void)
{
	struct nb_kstat a, b;
	struct nb_census mid;

	begin();
	CHECK_EQ(S->mkdir(ctx, "/a"), 0);
	CHECK_EQ(S->mkdir(ctx, "/b"), 0);
	a = st("/a", 0);
	census_now(&mid);
	CHECK_EQ(S->rename(ctx, "/a", "/b"), 0);
	b = st("/b", 0);
	CHECK_EQ(b.ino, a.ino);
	st("/a", -ENOENT);
	census_now(&base);
	/* the replaced directory died: one dentry and one inode fewer */
	CHECK_EQ(base.dentries, mid.dentries - 1);
	CHECK_EQ(base.inodes, mid.inodes - 1);
	CHECK_EQ(S->rmdir(ctx, "/b"), 0);
	census_now(&base);
	end();
}

static void test_removed_cwd_lives_until_left(void)
{
	struct nb_census mid;
	struct nb_kstat s;

	begin();
	CHECK_EQ(S->mkdir(ctx, "/gone"), 0);
	CHECK_EQ(S->chdir(ctx, "/gone"), 0);
	CHECK_EQ(S->rmdir(ctx, "/gone"), 0);
	s = st(".", 0);
	CHECK_EQ(s.nlink, 0);
	census_now(&mid);
	CHECK_EQ(mid.dentries, base.dentries + 1);	/* kept by the cwd alone */
	CHECK_EQ(S->chdir(ctx, "/"), 0);
	end();
}

/*
 * getcwd through inline names (up to 40 bytes, exactly 40 filling d_iname
 * with no zero after it) and external ones, across a rename that changes
 * one for the other, and a path longer than PATH_MAX: ENAMETOOLONG, as
 * Linux's, however big the buffer (the path is built in a page).
 */
static void test_getcwd_names_and_length(void)
{
	char n40[41], n255[256], buf[PATH_MAX], want[PATH_MAX + 1];
	int i;

	begin();
	memset(n40, 'i', 40);
	n40[40] = '\0';
	memset(n255, 'x', 255);
	n255[255] = '\0';
	CHECK_EQ(S->mkdir(ctx, "/d"), 0);
	CHECK_EQ(S->chdir(ctx, "/d"), 0);
	CHECK_EQ(S->mkdir(ctx, n40), 0);
	CHECK_EQ(S->chdir(ctx, n40), 0);
	snprintf(want, sizeof(want), "/d/%s", n40);
	CHECK_EQ(S->getcwd(ctx, buf, sizeof(buf)), (int)strlen(want) + 1);
	CHECK_EQ(strcmp(buf, want), 0);
	CHECK_EQ(S->rename(ctx, "/d", "/e"), 0);
	snprintf(want, sizeof(want), "/e/%s", n40);
	CHECK_EQ(S->getcwd(ctx, buf, sizeof(buf)), (int)strlen(want) + 1);
	CHECK_EQ(strcmp(buf, want), 0);
	CHECK_EQ(S->chdir(ctx, "/"), 0);
	snprintf(buf, sizeof(buf), "/e/%s", n40);
	snprintf(want, sizeof(want), "/e/%s", n255);
	CHECK_EQ(S->rename(ctx, buf, want), 0);		/* inline to external */
	CHECK_EQ(S->chdir(ctx, want), 0);
	CHECK_EQ(S->getcwd(ctx, buf, sizeof(buf)), (int)strlen(want) + 1);
	CHECK_EQ(strcmp(buf, want), 0);
	CHECK_EQ(S->getcwd(ctx, buf, strlen(want)), -ERANGE);
	/* 16 more of them: 259 + 16 * 256 bytes, past PATH_MAX */
	for (i = 0; i < 16; i++) {
		CHECK_EQ(S->mkdir(ctx, n255), 0);
		CHECK_EQ(S->chdir(ctx, n255), 0);
	}
	CHECK_EQ(S->getcwd(ctx, buf, sizeof(buf)), -ENAMETOOLONG);
	for (i = 0; i < 16; i++) {
		CHECK_EQ(S->chdir(ctx, ".."), 0);
		CHECK_EQ(S->rmdir(ctx, n255), 0);
	}
	CHECK_EQ(S->chdir(ctx, "/"), 0);
	snprintf(want, sizeof(want), "/e/%s", n255);
	CHECK_EQ(S->rmdir(ctx, want), 0);
	CHECK_EQ(S->rmdir(ctx, "/e"), 0);
	end();
}

static void test_mount_hash_and_lifetimes(void)
{
	struct nb_census mid;
	struct nb_kstat under, root, again;
	struct dentry *mp;
	struct mount *m;

	begin();
	CHECK_EQ(S->mkdir(ctx, "/m"), 0);
	under = st("/m", 0);
	CHECK_EQ(S->mount(ctx, "/m", NULL), 0);
	root = st("/m", 0);
	CHECK(root.dev != under.dev);
	CHECK_EQ(root.ino, 1);

	/* the mount is in the hash under (parent mount, mountpoint) */
	mp = child_of(ctx->root.dentry, "m");
	CHECK(mp && d_mountpoint(mp));
	if (mp) {
		rcu_read_lock();
		m = __lookup_mnt(ctx->root.mnt, mp);
		rcu_read_unlock();
		CHECK(m && m->mnt_sb->s_dev == root.dev);
		CHECK(m && mnt_parent(m) == ctx->root.mnt && mnt_mountpoint(m) == mp);
		dput(mp);
	}

	/* lazy umount with the cwd inside: detached at once, alive until left */
	CHECK_EQ(S->mkdir(ctx, "/m/in"), 0);
	CHECK_EQ(S->chdir(ctx, "/m/in"), 0);
	CHECK_EQ(S->umount(ctx, "/m", 0), -EBUSY);
	CHECK_EQ(S->umount(ctx, "/m", NB_UMOUNT_LAZY), 0);
	again = st("/m", 0);
	CHECK_EQ(again.ino, under.ino);
	CHECK_EQ(again.dev, under.dev);
	census_now(&mid);
	CHECK_EQ(mid.mounts, base.mounts + 1);
	CHECK_EQ(mid.supers, base.supers + 1);
	CHECK_EQ(S->mkdir(ctx, "sub"), 0);		/* the detached tree still works */
	st("sub", 0);
	CHECK_EQ(S->chdir(ctx, "/"), 0);		/* last reference: the filesystem dies */
	census_now(&mid);
	CHECK_EQ(mid.mounts, base.mounts);
	CHECK_EQ(mid.supers, base.supers);
	CHECK_EQ(S->rmdir(ctx, "/m"), 0);
	end();
}

static void test_device_numbers_are_reused_lowest_first(void)
{
	struct nb_kstat a, b, c, d;

	begin();
	CHECK_EQ(S->mkdir(ctx, "/x"), 0);
	CHECK_EQ(S->mkdir(ctx, "/y"), 0);
	CHECK_EQ(S->mount(ctx, "/x", NULL), 0);
	CHECK_EQ(S->mount(ctx, "/y", NULL), 0);
	a = st("/x", 0);
	b = st("/y", 0);
	CHECK(a.dev < b.dev);
	CHECK_EQ(S->umount(ctx, "/x", 0), 0);
	CHECK_EQ(S->mount(ctx, "/x", NULL), 0);
	c = st("/x", 0);
	CHECK_EQ(c.dev, a.dev);			/* as get_anon_bdev: lowest free */
	CHECK_EQ(S->umount(ctx, "/x", 0), 0);
	CHECK_EQ(S->umount(ctx, "/y", 0), 0);
	CHECK_EQ(S->mount(ctx, "/y", NULL), 0);
	d = st("/y", 0);
	CHECK_EQ(d.dev, a.dev);
	CHECK_EQ(S->umount(ctx, "/y", 0), 0);
	CHECK_EQ(S->rmdir(ctx, "/x"), 0);
	CHECK_EQ(S->rmdir(ctx, "/y"), 0);
	end();
}

static void test_failed_operations_leak_nothing(void)
{
	static const char *bad[] = {
		"/nope/x", "/f/x", "/f/", "/l/", "/l/x", "/a/..", "/", "",
	};
	struct nb_kstat s;
	size_t i;

	begin();
	CHECK_EQ(S->create(ctx, "/f"), 0);
	CHECK_EQ(S->symlink(ctx, "l", "/l"), 0);
	CHECK_EQ(S->mkdir(ctx, "/a"), 0);
	census_now(&base);
	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		S->mkdir(ctx, bad[i]);
		S->create(ctx, bad[i]);
		S->rmdir(ctx, bad[i]);
		S->unlink(ctx, bad[i]);
		S->rename(ctx, bad[i], "/a");
		S->rename(ctx, "/a", bad[i]);
		S->stat(ctx, bad[i], &s);
		S->chdir(ctx, bad[i]);
		S->mount(ctx, bad[i], NULL);
		S->umount(ctx, bad[i], 0);
	}
	CHECK_EQ(S->chdir(ctx, "/"), 0);
	end();
	ctx = nb_ctx_new(S);
	CHECK_EQ(S->unlink(ctx, "/f"), 0);
	CHECK_EQ(S->unlink(ctx, "/l"), 0);
	CHECK_EQ(S->rmdir(ctx, "/a"), 0);
	nb_ctx_free(ctx);
}

static int collect_ino(void *arg, const struct nb_kstat *st)
{
	uint64_t *v = arg;

	if (!st)
		v[0] = 0;
	else if (v[0] < 15)
		v[++v[0]] = st->ino;
	return 0;
}

/* The REF-walk iterator and the callback walk visit the same objects. */
static void test_ancestor_iterator(void)
{
	uint64_t cb[16] = { 0 }, it_inos[16] = { 0 };
	struct nb_ancestor_iter it;
	struct nb_kstat st;
	int more;

	begin();
	CHECK_EQ(S->mkdir(ctx, "/a"), 0);
	CHECK_EQ(S->mkdir(ctx, "/a/m"), 0);
	CHECK_EQ(S->mount(ctx, "/a/m", NULL), 0);
	CHECK_EQ(S->mkdir(ctx, "/a/m/b"), 0);
	CHECK_EQ(S->create(ctx, "/a/m/b/f"), 0);
	CHECK_EQ(S->ancestors(ctx, "/a/m/b/f", collect_ino, cb), 0);
	CHECK_EQ(cb[0], 5);	/* f, b, the mount's root, a, / */
	CHECK_EQ(S->ancestor_first(ctx, "/a/m/b/f", &it, &st), 0);
	for (more = 1; more && it_inos[0] < 15; more = S->ancestor_next(&it, &st))
		it_inos[++it_inos[0]] = st.ino;
	CHECK(!memcmp(cb, it_inos, sizeof(cb)));
	CHECK_EQ(S->ancestor_first(ctx, "/nope", &it, &st), -ENOENT);
	/* abandoned half way: the reference it holds is dropped */
	CHECK_EQ(S->ancestor_first(ctx, "/a/m/b/f", &it, &st), 0);
	CHECK_EQ(S->ancestor_next(&it, &st), 1);
	S->ancestor_stop(&it);
	CHECK_EQ(S->unlink(ctx, "/a/m/b/f"), 0);
	CHECK_EQ(S->rmdir(ctx, "/a/m/b"), 0);
	CHECK_EQ(S->umount(ctx, "/a/m", 0), 0);
	CHECK_EQ(S->rmdir(ctx, "/a/m"), 0);
	CHECK_EQ(S->rmdir(ctx, "/a"), 0);
	end();
}

/*
 * Leaves filesystems mounted (stacked, nested, one with a working directory
 * that was lazily detached) for nb_engine_exit() to tear down, which the
 * census after it checks.
 */
static void test_exit_with_mounts_attached(void)
{
	struct nb_ctx *other;

	ctx = nb_ctx_new(S);
	CHECK_EQ(S->mkdir(ctx, "/keep"), 0);
	CHECK_EQ(S->mount(ctx, "/keep", NULL), 0);
	CHECK_EQ(S->mkdir(ctx, "/keep/x"), 0);
	CHECK_EQ(S->mount(ctx, "/keep/x", NULL), 0);
	CHECK_EQ(S->mount(ctx, "/keep/x", NULL), 0);
	CHECK_EQ(S->mount(ctx, "/", NULL), 0);
	CHECK_EQ(S->mkdir(ctx, "/lazy"), 0);
	CHECK_EQ(S->mount(ctx, "/lazy", NULL), 0);
	other = nb_ctx_new(S);
	CHECK_EQ(S->chdir(other, "/lazy"), 0);
	CHECK_EQ(S->umount(ctx, "/lazy", NB_UMOUNT_LAZY), 0);
	nb_ctx_free(other);
	nb_ctx_free(ctx);
}

/* ---- openat2's resolve flags (expected answers from fs/namei.c's rules) ---- */

/* openat2 with @resolve; the object it opened, or the error, in *@ino */
static int open2(int dfd, const char *path, int flags, uint64_t resolve)
{
	return S->openat2(ctx, dfd, path, flags, resolve);
}

/* The inode number an open of @path with @resolve from @dfd lands on (then
 * closed), or the error (negative). */
static long landed(int dfd, const char *path, uint64_t resolve)
{
	struct nb_kstat k;
	int fd = open2(dfd, path, O_RDONLY, resolve);

	if (fd < 0)
		return fd;
	CHECK_EQ(S->fstat(ctx, fd, &k), 0);
	CHECK_EQ(S->close(ctx, fd), 0);
	return (long)k.ino;
}

static long ino_of(const char *path)
{
	return (long)st(path, 0).ino;
}

/* Take away what a test made, children first (NULL-terminated). */
static void remove_all(const char *const *paths)
{
	for (; *paths; paths++)
		CHECK(!S->unlink(ctx, *paths) || !S->rmdir(ctx, *paths));
}

/*
 * RESOLVE_BENEATH: the start is the root; '..' at it (follow_dotdot's
 * in_root), an absolute path (path_init's nd_jump_root) and an absolute
 * symlink (pick_link's) are -EXDEV, wherever they would have led; inside,
 * '..' works and a relative symlink that stays inside is followed.
 */
static void test_resolve_beneath(void)
{
	int a;

	begin();
	CHECK_EQ(S->mkdir(ctx, "/a"), 0);
	CHECK_EQ(S->mkdir(ctx, "/a/b"), 0);
	CHECK_EQ(S->create(ctx, "/a/f"), 0);
	CHECK_EQ(S->symlink(ctx, "/a/f", "/a/b/abs"), 0);
	CHECK_EQ(S->symlink(ctx, "../f", "/a/b/up"), 0);
	a = nb_openat(S, ctx, AT_FDCWD, "/a", O_PATH | O_DIRECTORY);
	CHECK_EQ(a, 0);
	CHECK_EQ(landed(a, "b", RESOLVE_BENEATH), ino_of("/a/b"));
	CHECK_EQ(landed(a, "b/..", RESOLVE_BENEATH), ino_of("/a"));
	CHECK_EQ(landed(a, "b/up", RESOLVE_BENEATH), ino_of("/a/f"));
	CHECK_EQ(landed(a, "..", RESOLVE_BENEATH), -EXDEV);
	CHECK_EQ(landed(a, "b/../../a", RESOLVE_BENEATH), -EXDEV);
	CHECK_EQ(landed(a, "/a", RESOLVE_BENEATH), -EXDEV);
	CHECK_EQ(landed(99, "/a", RESOLVE_BENEATH), -EXDEV);	/* never reads the dfd */
	CHECK_EQ(landed(a, "b/abs", RESOLVE_BENEATH), -EXDEV);
	CHECK_EQ(landed(AT_FDCWD, "..", RESOLVE_BENEATH), -EXDEV);	/* at "/", still its root */
	CHECK_EQ(S->close(ctx, a), 0);
	remove_all((const char *[]){ "/a/b/up", "/a/b/abs", "/a/f", "/a/b", "/a", NULL });
	end();
}

/*
 * RESOLVE_IN_ROOT: the start is "/": an absolute path or symlink body
 * starts there (the dfd is read even for an absolute path), and '..'
 * stops there.
 */
static void test_resolve_in_root(void)
{
	int a;

	begin();
	CHECK_EQ(S->mkdir(ctx, "/a"), 0);
	CHECK_EQ(S->mkdir(ctx, "/a/b"), 0);
	CHECK_EQ(S->mkdir(ctx, "/b"), 0);
	CHECK_EQ(S->symlink(ctx, "/b", "/a/b/abs"), 0);
	a = nb_openat(S, ctx, AT_FDCWD, "/a", O_PATH);
	CHECK_EQ(a, 0);
	CHECK_EQ(landed(a, "/b", RESOLVE_IN_ROOT), ino_of("/a/b"));
	CHECK_EQ(landed(a, "b/abs", RESOLVE_IN_ROOT), ino_of("/a/b"));
	CHECK_EQ(landed(a, "../../b", RESOLVE_IN_ROOT), ino_of("/a/b"));
	CHECK_EQ(landed(a, "/", RESOLVE_IN_ROOT), ino_of("/a"));
	CHECK_EQ(landed(99, "/b", RESOLVE_IN_ROOT), -EBADF);
	CHECK_EQ(S->close(ctx, a), 0);
	remove_all((const char *[]){ "/a/b/abs", "/a/b", "/a", "/b", NULL });
	end();
}

/*
 * RESOLVE_NO_XDEV: a step onto a mount (traverse_mounts), '..' out of a
 * mount's root (follow_dotdot) and a symlink's jump to "/" from another
 * mount (nd_jump_root) are -EXDEV; an absolute path to path_init is not a
 * crossing, nor is a walk that stays in one mount.
 */
static void test_resolve_no_xdev(void)
{
	int m;

	begin();
	CHECK_EQ(S->mkdir(ctx, "/a"), 0);
	CHECK_EQ(S->mkdir(ctx, "/a/m"), 0);
	CHECK_EQ(S->mount(ctx, "/a/m", NULL), 0);
	CHECK_EQ(S->mkdir(ctx, "/a/m/d"), 0);
	CHECK_EQ(S->symlink(ctx, "/a", "/a/m/abs"), 0);
	m = nb_openat(S, ctx, AT_FDCWD, "/a/m", O_PATH);
	CHECK_EQ(m, 0);
	CHECK_EQ(landed(AT_FDCWD, "/a", RESOLVE_NO_XDEV), ino_of("/a"));
	CHECK_EQ(landed(AT_FDCWD, "/a/m", RESOLVE_NO_XDEV), -EXDEV);
	CHECK_EQ(landed(m, "d", RESOLVE_NO_XDEV), ino_of("/a/m/d"));
	CHECK_EQ(landed(m, "..", RESOLVE_NO_XDEV), -EXDEV);
	CHECK_EQ(landed(m, "d/../..", RESOLVE_NO_XDEV), -EXDEV);
	CHECK_EQ(landed(m, "abs", RESOLVE_NO_XDEV), -EXDEV);
	CHECK_EQ(landed(m, "..", 0), ino_of("/a"));
	CHECK_EQ(S->close(ctx, m), 0);
	CHECK_EQ(S->umount(ctx, "/a/m", 0), 0);
	remove_all((const char *[]){ "/a/m", "/a", NULL });
	end();
}

/*
 * RESOLVE_NO_SYMLINKS: any symlink the walk would follow is -ELOOP (the
 * last component too, unless not followed); one it does not follow is
 * opened as itself (O_PATH | O_NOFOLLOW) or refused as one (may_open's
 * -ELOOP).  RESOLVE_NO_MAGICLINKS changes nothing: no magic links here.
 */
static void test_resolve_no_symlinks(void)
{
	int fd;

	begin();
	CHECK_EQ(S->mkdir(ctx, "/d"), 0);
	CHECK_EQ(S->create(ctx, "/d/f"), 0);
	CHECK_EQ(S->symlink(ctx, "f", "/d/l"), 0);
	CHECK_EQ(S->symlink(ctx, "/d", "/dl"), 0);
	CHECK_EQ(landed(AT_FDCWD, "/d/f", RESOLVE_NO_SYMLINKS), ino_of("/d/f"));
	CHECK_EQ(landed(AT_FDCWD, "/d/l", RESOLVE_NO_SYMLINKS), -ELOOP);
	CHECK_EQ(landed(AT_FDCWD, "/dl/f", RESOLVE_NO_SYMLINKS), -ELOOP);
	CHECK_EQ(open2(AT_FDCWD, "/d/l", O_NOFOLLOW, RESOLVE_NO_SYMLINKS), -ELOOP);
	fd = open2(AT_FDCWD, "/d/l", O_PATH | O_NOFOLLOW, RESOLVE_NO_SYMLINKS);
	CHECK_EQ(fd, 0);
	CHECK_EQ(S->close(ctx, fd), 0);
	CHECK_EQ(open2(AT_FDCWD, "/d/l/", O_PATH | O_NOFOLLOW, RESOLVE_NO_SYMLINKS), -ELOOP);
	CHECK_EQ(landed(AT_FDCWD, "/dl/l", RESOLVE_NO_MAGICLINKS), ino_of("/d/f"));
	remove_all((const char *[]){ "/dl", "/d/l", "/d/f", "/d", NULL });
	end();
}

/*
 * RESOLVE_CACHED: a walk the dcache alone answers, without blocking, is
 * answered; anything that would leave RCU-walk is -EAGAIN: a miss (on
 * tmpfs every absent name: no negative dentry is kept), ENOTDIR (only
 * REF-walk makes it stable), '..' out of a BENEATH root (follow_dotdot_rcu's
 * -ECHILD); errors RCU-walk gives itself stay (nd_jump_root's EXDEV,
 * pick_link's ELOOP); O_CREAT and O_TRUNC are refused before any walk.
 * The same answers from every strategy, RCU-walk or not.
 */
static void test_resolve_cached(void)
{
	begin();
	CHECK_EQ(S->mkdir(ctx, "/d"), 0);
	CHECK_EQ(S->create(ctx, "/d/f"), 0);
	CHECK_EQ(S->symlink(ctx, "f", "/d/l"), 0);
	CHECK_EQ(S->mkdir(ctx, "/d/m"), 0);
	CHECK_EQ(S->mount(ctx, "/d/m", NULL), 0);
	CHECK_EQ(landed(AT_FDCWD, "/d/f", RESOLVE_CACHED), ino_of("/d/f"));
	CHECK_EQ(landed(AT_FDCWD, "/d/l", RESOLVE_CACHED), ino_of("/d/f"));
	CHECK_EQ(landed(AT_FDCWD, "/d/m/..", RESOLVE_CACHED), ino_of("/d"));
	CHECK_EQ(landed(AT_FDCWD, "/d/nope", RESOLVE_CACHED), -EAGAIN);
	CHECK_EQ(landed(AT_FDCWD, "/d/nope", 0), -ENOENT);
	CHECK_EQ(landed(AT_FDCWD, "/d/nope", RESOLVE_CACHED), -EAGAIN);
	CHECK_EQ(landed(AT_FDCWD, "/d/f/x", RESOLVE_CACHED), -EAGAIN);
	CHECK_EQ(landed(AT_FDCWD, "/d/f/x", 0), -ENOTDIR);
	CHECK_EQ(landed(AT_FDCWD, "d/../..", RESOLVE_CACHED | RESOLVE_BENEATH), -EAGAIN);
	CHECK_EQ(landed(AT_FDCWD, "/d", RESOLVE_CACHED | RESOLVE_BENEATH), -EXDEV);
	CHECK_EQ(landed(AT_FDCWD, "/d/m", RESOLVE_CACHED | RESOLVE_NO_XDEV), -EAGAIN);
	CHECK_EQ(landed(AT_FDCWD, "/d/l", RESOLVE_CACHED | RESOLVE_NO_SYMLINKS), -ELOOP);
	CHECK_EQ(open2(AT_FDCWD, "/d/f", O_CREAT, RESOLVE_CACHED), -EAGAIN);
	CHECK_EQ(open2(AT_FDCWD, "/d/new", O_CREAT, RESOLVE_CACHED), -EAGAIN);
	st("/d/new", -ENOENT);
	CHECK_EQ(open2(AT_FDCWD, "/d/f", O_WRONLY | O_TRUNC, RESOLVE_CACHED), -EAGAIN);
	CHECK_EQ(S->umount(ctx, "/d/m", 0), 0);
	remove_all((const char *[]){ "/d/m", "/d/l", "/d/f", "/d", NULL });
	end();
}

/* build_open_flags: what openat2 refuses before it looks at the path */
static void test_resolve_refused(void)
{
	int fd;

	begin();
	CHECK_EQ(open2(AT_FDCWD, "/", O_RDONLY, RESOLVE_BENEATH | RESOLVE_IN_ROOT), -EINVAL);
	CHECK_EQ(open2(AT_FDCWD, "/", O_RDONLY, 0x40), -EINVAL);		/* no such bit */
	CHECK_EQ(open2(AT_FDCWD, "", O_RDONLY, RESOLVE_BENEATH | RESOLVE_IN_ROOT), -EINVAL);
	CHECK_EQ(open2(AT_FDCWD, "/", O_PATH | O_TRUNC, RESOLVE_CACHED), -EINVAL);
	CHECK_EQ(open2(AT_FDCWD, "/", O_PATH | O_WRONLY, 0), -EINVAL);
	/* open(2)'s O_PATH drops what openat2's refuses (build_open_how) */
	fd = nb_openat(S, ctx, AT_FDCWD, "/", O_PATH | O_WRONLY);
	CHECK_EQ(fd, 0);
	CHECK_EQ(S->close(ctx, fd), 0);
	end();
}

int main(void)
{
	const struct nb_strategy *const *s;

	nb_thread_start();
	for (s = nb_strategies(); *s; s++) {
		static char suite[64];

		S = *s;
		snprintf(suite, sizeof(suite), "unit/namei[%s]", S->name);
		check_suite = suite;
		if (nb_engine_init(16)) {
			printf("FAIL: %s: engine init\n", suite);
			return 1;
		}
		RUN(test_getname_limits);
		RUN(test_create_and_remove_each_type);
		RUN(test_inode_numbers_are_never_reused);
		RUN(test_rename_keeps_identity_and_frees_victim);
		RUN(test_removed_cwd_lives_until_left);
		RUN(test_getcwd_names_and_length);
		RUN(test_mount_hash_and_lifetimes);
		RUN(test_device_numbers_are_reused_lowest_first);
		RUN(test_failed_operations_leak_nothing);
		RUN(test_ancestor_iterator);
		RUN(test_exit_with_mounts_attached);
		RUN(test_resolve_beneath);
		RUN(test_resolve_in_root);
		RUN(test_resolve_no_xdev);
		RUN(test_resolve_no_symlinks);
		RUN(test_resolve_cached);
		RUN(test_resolve_refused);
		nb_engine_exit();
		CHECK_EMPTY_CENSUS();
	}
	nb_thread_stop();
	return CHECK_DONE();
}
