/*
 * The kernel strategy where the conformance tests cannot see it (they run
 * the kernel through kernelsh.py, not through this strategy):
 *  - getcwd: the real system call, in a thread of its own fs_struct, its
 *    answer cut to the tree ("/" is the tree's directory) and ERANGE
 *    judged on that, as the engine's;
 *  - openat2: SYS_openat2 from a mapped descriptor;
 *  - the ancestor walks, which have no system call of their own: the
 *    iterator must yield exactly what stat says each ancestor is, up to
 *    the tree's directory and no further; the callback form (d_path) must
 *    resolve what the engine resolves and fail as it fails, and hands no
 *    ancestor over.
 */
#include <errno.h>
#include <pthread.h>
#include <fcntl.h>
#include <linux/openat2.h>

#include "check.h"
#include "engine.h"

static const struct nb_strategy *S;

static void check_cwd(struct nb_ctx *ctx, const char *want)
{
	char buf[256];		/* the tree's paths here are short */
	int n = S->getcwd(ctx, buf, sizeof(buf));

	CHECK_EQ(n, (int)strlen(want) + 1);
	if (n > 0)
		CHECK_STR(buf, want);
}

static void test_getcwd_in_the_tree(void)
{
	struct nb_ctx *ctx = nb_ctx_new(S);
	char buf[8];

	CHECK(ctx != NULL);
	if (!ctx)
		return;
	check_cwd(ctx, "/");
	CHECK_EQ(S->mkdir(ctx, "/a"), 0);
	CHECK_EQ(S->mkdir(ctx, "/a/b"), 0);
	CHECK_EQ(S->chdir(ctx, "/a/b"), 0);
	check_cwd(ctx, "/a/b");
	/* the tree's path with its NUL fits, the host's would not */
	CHECK_EQ(S->getcwd(ctx, buf, 5), 5);
	CHECK_EQ(S->getcwd(ctx, buf, 4), -ERANGE);
	CHECK_EQ(S->rename(ctx, "/a", "/c"), 0);
	check_cwd(ctx, "/c/b");
	CHECK_EQ(S->rmdir(ctx, "/c/b"), 0);
	CHECK_EQ(S->getcwd(ctx, buf, sizeof(buf)), -ENOENT);
	CHECK_EQ(S->chdir(ctx, "/"), 0);
	if (S->backend->can_mount()) {
		CHECK_EQ(S->mount(ctx, "/c", NULL), 0);
		CHECK_EQ(S->mkdir(ctx, "/c/d"), 0);
		CHECK_EQ(S->chdir(ctx, "/c/d"), 0);
		check_cwd(ctx, "/c/d");
		CHECK_EQ(S->umount(ctx, "/c", NB_UMOUNT_LAZY), 0);
		check_cwd(ctx, "(unreachable)/d");
		CHECK_EQ(S->chdir(ctx, "/"), 0);
	}
	CHECK_EQ(S->rmdir(ctx, "/c"), 0);
	nb_ctx_free(ctx);
}

/* Another thread's context: its own working directory, not this one's. */
static void *other_thread(void *arg)
{
	struct nb_ctx *ctx;

	(void)arg;
	if (nb_thread_start())
		return (void *)1;
	ctx = nb_ctx_new(S);
	if (!ctx)
		return (void *)1;
	check_cwd(ctx, "/");
	CHECK_EQ(S->chdir(ctx, "/t/u"), 0);
	check_cwd(ctx, "/t/u");
	nb_ctx_free(ctx);
	nb_thread_stop();
	return NULL;
}

static void test_getcwd_per_thread(void)
{
	struct nb_ctx *ctx = nb_ctx_new(S);
	pthread_t t;
	void *ret = (void *)1;

	CHECK(ctx != NULL);
	if (!ctx)
		return;
	CHECK_EQ(S->mkdir(ctx, "/t"), 0);
	CHECK_EQ(S->mkdir(ctx, "/t/u"), 0);
	CHECK_EQ(S->chdir(ctx, "/t"), 0);
	CHECK_EQ(pthread_create(&t, NULL, other_thread, NULL), 0);
	CHECK_EQ(pthread_join(t, &ret), 0);
	CHECK(ret == NULL);
	check_cwd(ctx, "/t");
	CHECK_EQ(S->chdir(ctx, "/"), 0);
	CHECK_EQ(S->rmdir(ctx, "/t/u"), 0);
	CHECK_EQ(S->rmdir(ctx, "/t"), 0);
	nb_ctx_free(ctx);
}

static int count_calls(void *arg, const struct nb_kstat *st)
{
	(void)st;
	++*(int *)arg;
	return 0;
}

static void test_ancestor_iterator(void)
{
	static const char *const chain[] = { "/a/b/c/f", "/a/b/c", "/a/b", "/a", "/" };
	struct nb_ancestor_iter it;
	struct nb_kstat st, want;
	int i, more, calls = 0;
	struct nb_ctx *ctx = nb_ctx_new(S);

	CHECK(ctx != NULL);
	if (!ctx)
		return;
	CHECK_EQ(S->mkdir(ctx, "/a"), 0);
	CHECK_EQ(S->mkdir(ctx, "/a/b"), 0);
	CHECK_EQ(S->mkdir(ctx, "/a/b/c"), 0);
	CHECK_EQ(S->create(ctx, "/a/b/c/f"), 0);
	CHECK_EQ(S->ancestor_first(ctx, "/a/b/c/f", &it, &st), 0);
	for (i = 0, more = 1; more && i < (int)ARRAY_SIZE(chain); i++) {
		CHECK_EQ(S->stat(ctx, chain[i], &want), 0);
		CHECK_EQ(st.ino, want.ino);
		CHECK_EQ(st.dev, want.dev);
		more = S->ancestor_next(&it, &st);
	}
	CHECK_EQ(i, ARRAY_SIZE(chain));		/* the tree's directory was the last */
	CHECK_EQ(more, 0);
	CHECK_EQ(S->ancestor_first(ctx, "/a/nope", &it, &st), -ENOENT);
	CHECK_EQ(S->ancestor_first(ctx, "/a/b/c/f/x", &it, &st), -ENOTDIR);
	/* abandoned half way */
	CHECK_EQ(S->ancestor_first(ctx, "/a/b", &it, &st), 0);
	CHECK_EQ(S->ancestor_next(&it, &st), 1);
	S->ancestor_stop(&it);
	CHECK_EQ(S->ancestors(ctx, "/a/b/c/f", count_calls, &calls), 0);
	CHECK_EQ(S->ancestors(ctx, "/a/nope", count_calls, &calls), -ENOENT);
	CHECK_EQ(calls, 0);			/* d_path names them, hands none over */
	nb_ctx_free(ctx);
}

/* The kernel strategy's openat2: SYS_openat2 from a mapped descriptor. */
static void test_openat2(void)
{
	struct nb_kstat a, b;
	int d, fd;
	struct nb_ctx *ctx = nb_ctx_new(S);

	CHECK(ctx != NULL);
	if (!ctx)
		return;
	CHECK_EQ(S->mkdir(ctx, "/k"), 0);
	CHECK_EQ(S->create(ctx, "/k/f"), 0);
	d = nb_openat(S, ctx, AT_FDCWD, "/k", O_PATH | O_DIRECTORY);
	CHECK(d >= 0);
	CHECK_EQ(S->openat2(ctx, d, "..", O_RDONLY, RESOLVE_BENEATH), -EXDEV);
	CHECK_EQ(S->openat2(ctx, d, "/k", O_RDONLY, RESOLVE_BENEATH), -EXDEV);
	CHECK_EQ(S->openat2(ctx, d, "f", O_RDONLY, RESOLVE_BENEATH | RESOLVE_IN_ROOT), -EINVAL);
	fd = S->openat2(ctx, d, "/f", O_RDONLY, RESOLVE_IN_ROOT);
	CHECK(fd >= 0);
	CHECK_EQ(S->fstat(ctx, fd, &a), 0);
	CHECK_EQ(S->stat(ctx, "/k/f", &b), 0);
	CHECK_EQ(a.ino, b.ino);
	CHECK_EQ(S->close(ctx, fd), 0);
	/* a name no walk has looked up: no dentry, positive or negative */
	CHECK_EQ(S->openat2(ctx, d, "never-looked-up", O_RDONLY, RESOLVE_CACHED), -EAGAIN);
	CHECK_EQ(S->openat2(ctx, d, "f", O_RDONLY | O_CREAT, RESOLVE_CACHED), -EAGAIN);
	CHECK_EQ(S->openat2(ctx, d, "f", O_PATH | O_WRONLY, 0), -EINVAL);
	fd = nb_openat(S, ctx, d, "f", O_PATH | O_WRONLY);	/* open(2) drops O_WRONLY */
	CHECK(fd >= 0);
	CHECK_EQ(S->close(ctx, fd), 0);
	CHECK_EQ(S->close(ctx, d), 0);
	nb_ctx_free(ctx);
}

int main(void)
{
	int err;

	check_suite = "unit/kernel";
	nb_thread_start();
	S = nb_strategy_find("kernel");
	err = S->backend->start(0);
	if (err) {
		printf("SKIP: %s: no tree for the kernel strategy here (%s)\n", check_suite,
		       nb_errno_name(err));
		nb_thread_stop();
		return 0;
	}
	RUN(test_getcwd_in_the_tree);
	RUN(test_getcwd_per_thread);
	RUN(test_ancestor_iterator);
	RUN(test_openat2);
	S->backend->stop();
	nb_thread_stop();
	return CHECK_DONE();
}
