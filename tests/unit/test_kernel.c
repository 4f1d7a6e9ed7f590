/*
 * The kernel strategy's ancestor walks, which have no system call of their
 * own (engine/kernel.c): the iterator must yield exactly what stat says
 * each ancestor is, up to the tree's directory and no further; the
 * callback form (d_path) must resolve what the engine resolves and fail
 * as it fails, and hands no ancestor over.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>

#include "check.h"
#include "engine.h"

static const struct nb_strategy *S;
static struct nb_ctx *ctx;

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
}

/* The kernel strategy's openat2: SYS_openat2 from a mapped descriptor. */
static void test_openat2(void)
{
	struct nb_kstat a, b;
	int d, fd;

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
}

int main(void)
{
	check_suite = "unit/kernel";
	nb_thread_start();
	S = nb_strategy_find("kernel");
	if (!S || S->backend->start(0)) {
		printf("FAIL: %s: cannot start the kernel backend\n", check_suite);
		return 1;
	}
	ctx = nb_ctx_new(S);
	if (!ctx) {
		printf("FAIL: %s: no context\n", check_suite);
		return 1;
	}
	RUN(test_ancestor_iterator);
	RUN(test_openat2);
	nb_ctx_free(ctx);
	S->backend->stop();
	return CHECK_DONE();
}
