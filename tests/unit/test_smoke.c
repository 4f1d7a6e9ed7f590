/*
 * The concurrent smoke test: for each strategy (and RCU flavor), readers
 * resolve paths at full speed while writers rename directories back and
 * forth (in one directory and across two), mount and unmount, and create
 * and unlink; every answer is checked against what could have been true
 * at some instant during the operation:
 *
 *  - an object that never moves is always found, always the same object;
 *  - a name that never exists is never found;
 *  - a path through a directory being renamed finds the moving object or
 *    nothing (ENOENT), never another object and never another error;
 *    "m/x/../.." may land in either of the directories m moves between
 *    (the kernel's "a/b/.." race), never elsewhere;
 *  - a path through a mountpoint sees the covered directory or the root
 *    of a mounted filesystem; ".." from there is the mountpoint's parent,
 *    or, if a lazy umount detached the mount between the two steps, the
 *    detached root itself (Linux's follow_dotdot stays put at the root of
 *    a mount with no parent: each step held at some instant, in order);
 *  - ancestors of a file that never moves are exactly its directories;
 *  - a symlink replaced by rename over it, again and again, reads as one
 *    of the two bodies it alternates between, whole, never ENOENT (the
 *    rename replaces it atomically): the bodies of the replaced ones are
 *    freed while lockless readlinks (rcufull's) may be copying them;
 *  - -ECHILD never reaches the caller, and writers get the answers their
 *    own operations must get.
 *
 * When the run ends the tree is torn down and the engine shut down: the
 * census must then be zero (no reference or object left over).
 *
 * A run lasts at least --seconds and until the work demanded is done
 * (READS_MIN lookups, ROUNDS_MIN rounds of each writer), so that a busy
 * machine makes it longer, never a weaker verdict; one that cannot do that
 * work in TOO_SLOW_S fails as too slow to judge.
 *
 * Usage: test_smoke [--strategy S] [--flavor memb|qsbr] [--seconds N]
 * (default: every strategy, with the build's RCU flavor: memb in build/,
 * QSBR in build/qsbr/; --flavor naming the other one runs nothing).
 */
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "check.h"
#include "engine.h"

#define READERS		3
#define MAX_REPORTS	5
#define READS_MIN	5000		/* lookups checked, at least */
#define ROUNDS_MIN	100		/* rounds of each writer, at least */
#define TOO_SLOW_S	120		/* ... or the machine is too slow to judge */

static const struct nb_strategy *S;
static _Atomic int stop;
static _Atomic long violations, reads, writes;
static _Atomic long rounds[3];		/* each writer's: renamer, mounter, creator */
static pthread_mutex_t report_lock = PTHREAD_MUTEX_INITIALIZER;

/* the objects whose identity the oracle knows, filled in by setup() */
static uint64_t ino_file, ino_d3, ino_d2, ino_d1, ino_stable, ino_root;
static uint64_t ino_moving_f, ino_movedir, ino_p1, ino_p2, ino_px, ino_mnt, ino_under;
static unsigned int dev_root;

static void violation(const char *what, const char *path, int err, const struct nb_kstat *st)
{
	long n = atomic_fetch_add(&violations, 1);

	if (n >= MAX_REPORTS)
		return;
	pthread_mutex_lock(&report_lock);
	if (err)
		printf("    violation [%s]: %s %s -> err %s\n", S->name, what, path, nb_errno_name(err));
	else
		printf("    violation [%s]: %s %s -> ino=%" PRIu64 " dev=%u type=%s\n", S->name,
		       what, path, st->ino, st->dev, nb_type_name(st->type));
	pthread_mutex_unlock(&report_lock);
}

static int do_stat(struct nb_ctx *ctx, const char *path, struct nb_kstat *st)
{
	memset(st, 0, sizeof(*st));
	atomic_fetch_add_explicit(&reads, 1, memory_order_relaxed);
	return S->stat(ctx, path, st);
}

/* Must be found, and be this object. */
static void expect_always(struct nb_ctx *ctx, const char *path, uint64_t ino, enum nb_type type)
{
	struct nb_kstat st;
	int err = do_stat(ctx, path, &st);

	if (err || st.ino != ino || st.type != type || st.dev != dev_root)
		violation("never-moving object", path, err, &st);
}

static void expect_never(struct nb_ctx *ctx, const char *path)
{
	struct nb_kstat st;
	int err = do_stat(ctx, path, &st);

	if (err != -ENOENT)
		violation("never-existing name", path, err, &st);
}

/* Found as one of @inos (on the root filesystem), or ENOENT. */
static void expect_one_of(struct nb_ctx *ctx, const char *path, const uint64_t *inos, int n)
{
	struct nb_kstat st;
	int err = do_stat(ctx, path, &st), i;

	if (err == -ENOENT)
		return;
	if (!err && st.dev == dev_root)
		for (i = 0; i < n; i++)
			if (st.ino == inos[i])
				return;
	violation("moving object", path, err, &st);
}

static bool is_mount_root(const struct nb_kstat *st)
{
	return st->type == NB_DIR && st->dev != dev_root && st->ino == 1;
}

/* The mountpoint: the covered directory, or the root of a mounted tmpfs. */
static void expect_mountpoint(struct nb_ctx *ctx, const char *path)
{
	struct nb_kstat st;
	int err = do_stat(ctx, path, &st);

	if (!err && ((st.type == NB_DIR && st.dev == dev_root && st.ino == ino_under) ||
		     is_mount_root(&st)))
		return;
	violation("mountpoint", path, err, &st);
}

/* ".." from the mountpoint: its parent, or a root just detached under us. */
static void expect_mountpoint_parent(struct nb_ctx *ctx, const char *path)
{
	struct nb_kstat st;
	int err = do_stat(ctx, path, &st);

	if (!err && ((st.type == NB_DIR && st.dev == dev_root && st.ino == ino_mnt) ||
		     is_mount_root(&st)))
		return;
	violation("parent of the mountpoint", path, err, &st);
}

static void expect_regular_or_enoent(struct nb_ctx *ctx, const char *path)
{
	struct nb_kstat st;
	int err = do_stat(ctx, path, &st);

	if (err == -ENOENT || (!err && st.type == NB_REG && st.dev == dev_root))
		return;
	violation("created and unlinked file", path, err, &st);
}

struct ancestors { uint64_t ino[16]; int n, restarts; };

static int collect(void *arg, const struct nb_kstat *st)
{
	struct ancestors *a = arg;

	if (!st) {
		a->n = 0;
		a->restarts++;
	} else if (a->n < 16) {
		a->ino[a->n++] = st->ino;
	}
	return 0;
}

static void expect_ancestors(struct nb_ctx *ctx)
{
	const uint64_t want[] = { ino_file, ino_d3, ino_d2, ino_d1, ino_stable, ino_root };
	struct ancestors a = { .n = 0 };
	int err = S->ancestors(ctx, "/stable/d1/d2/d3/file", collect, &a);

	atomic_fetch_add_explicit(&reads, 1, memory_order_relaxed);
	if (err || a.n != 6 || memcmp(a.ino, want, sizeof(want)))
		violation("ancestors of", "/stable/d1/d2/d3/file", err,
			  &(struct nb_kstat){ .ino = a.n ? a.ino[0] : 0 });
}

/* bodies a writer alternates at /sl/cur; one longer than a dentry's inline name */
static const char *const link_bodies[2] = {
	"a/body/longer/than/forty/bytes/so/that/it/lives/in/its/own/allocation", "b",
};

static void expect_link(struct nb_ctx *ctx, const char *path)
{
	char buf[128];
	int n = S->readlink(ctx, path, buf, sizeof(buf)), i;

	atomic_fetch_add_explicit(&reads, 1, memory_order_relaxed);
	for (i = 0; i < 2 && n >= 0; i++)
		if ((size_t)n == strlen(link_bodies[i]) && !memcmp(buf, link_bodies[i], (size_t)n))
			return;
	violation("replaced symlink's body", path, n < 0 ? n : 0,
		  &(struct nb_kstat){ .type = NB_LNK, .size = n });
}

static void *reader(void *arg)
{
	const uint64_t mover[] = { ino_moving_f };
	const uint64_t px_parents[] = { ino_p1, ino_p2 };
	const uint64_t movedir[] = { ino_movedir };
	struct nb_ctx *ctx;
	unsigned int i = (unsigned int)(uintptr_t)arg;

	nb_thread_start();
	ctx = nb_ctx_new(S);
	while (!atomic_load_explicit(&stop, memory_order_relaxed)) {
		switch (i++ % 13) {
		case 0: expect_always(ctx, "/stable/d1/d2/d3/file", ino_file, NB_REG); break;
		case 1: expect_always(ctx, "/stable/d1/../d1/d2/./d3//file", ino_file, NB_REG); break;
		case 2: expect_always(ctx, "/stable/link/d3/file", ino_file, NB_REG); break;
		case 3: expect_never(ctx, "/stable/d1/d2/nothere"); break;
		case 4: expect_one_of(ctx, "/r/a/sub/f", mover, 1); break;
		case 5: expect_one_of(ctx, "/r/b/sub/..", movedir, 1); break;
		case 6: expect_one_of(ctx, "/x/p1/m/y/../..", px_parents, 2); break;
		case 7: expect_one_of(ctx, "/x/p2/m/y/../..", px_parents, 2); break;
		case 8: expect_mountpoint(ctx, "/mnt/point"); break;
		case 9: expect_mountpoint_parent(ctx, "/mnt/point/.."); break;
		case 10: expect_regular_or_enoent(ctx, "/cu/f"); expect_never(ctx, "/cu/g"); break;
		case 11: expect_ancestors(ctx); break;
		case 12: expect_link(ctx, "/sl/cur"); break;
		}
	}
	nb_ctx_free(ctx);
	nb_thread_stop();
	return NULL;
}

static void writer_expect(const char *op, int err, int allowed)
{
	atomic_fetch_add_explicit(&writes, 1, memory_order_relaxed);
	if (err && err != allowed) {
		long n = atomic_fetch_add(&violations, 1);

		if (n < MAX_REPORTS)
			printf("    violation [%s]: writer %s -> err %s\n", S->name, op, nb_errno_name(err));
	}
}

static void *renamer(void *arg)
{
	struct nb_ctx *ctx;

	(void)arg;
	nb_thread_start();
	ctx = nb_ctx_new(S);
	while (!atomic_load_explicit(&stop, memory_order_relaxed)) {
		writer_expect("rename /r/a /r/b", S->rename(ctx, "/r/a", "/r/b"), 0);
		writer_expect("rename /x/p1/m /x/p2/m", S->rename(ctx, "/x/p1/m", "/x/p2/m"), 0);
		writer_expect("rename /r/b /r/a", S->rename(ctx, "/r/b", "/r/a"), 0);
		writer_expect("rename /x/p2/m /x/p1/m", S->rename(ctx, "/x/p2/m", "/x/p1/m"), 0);
		atomic_fetch_add_explicit(&rounds[0], 1, memory_order_relaxed);
	}
	nb_ctx_free(ctx);
	nb_thread_stop();
	return NULL;
}

static void *mounter(void *arg)
{
	struct nb_ctx *ctx;
	unsigned int i = 0;

	(void)arg;
	nb_thread_start();
	ctx = nb_ctx_new(S);
	while (!atomic_load_explicit(&stop, memory_order_relaxed)) {
		writer_expect("mount /mnt/point", S->mount(ctx, "/mnt/point", NULL), 0);
		writer_expect("mkdir /mnt/point/in", S->mkdir(ctx, "/mnt/point/in"), 0);
		if (i++ & 1) {
			writer_expect("umount lazy", S->umount(ctx, "/mnt/point", NB_UMOUNT_LAZY), 0);
		} else {
			int err;

			/* a reader may hold it for an instant: EBUSY, then lazily */
			while ((err = S->umount(ctx, "/mnt/point", 0)) == -EBUSY &&
			       !atomic_load_explicit(&stop, memory_order_relaxed))
				;
			if (err == -EBUSY)
				err = S->umount(ctx, "/mnt/point", NB_UMOUNT_LAZY);
			writer_expect("umount", err, 0);
		}
		atomic_fetch_add_explicit(&rounds[1], 1, memory_order_relaxed);
	}
	nb_ctx_free(ctx);
	nb_thread_stop();
	return NULL;
}

static void *creator(void *arg)
{
	struct nb_ctx *ctx;
	unsigned int i = 0;

	(void)arg;
	nb_thread_start();
	ctx = nb_ctx_new(S);
	while (!atomic_load_explicit(&stop, memory_order_relaxed)) {
		writer_expect("create /cu/f", S->create(ctx, "/cu/f"), 0);
		writer_expect("unlink /cu/f", S->unlink(ctx, "/cu/f"), 0);
		writer_expect("symlink BODY /sl/tmp",
			      S->symlink(ctx, link_bodies[++i & 1], "/sl/tmp"), 0);
		writer_expect("rename /sl/tmp /sl/cur", S->rename(ctx, "/sl/tmp", "/sl/cur"), 0);
		atomic_fetch_add_explicit(&rounds[2], 1, memory_order_relaxed);
	}
	nb_ctx_free(ctx);
	nb_thread_stop();
	return NULL;
}

static uint64_t ino_of(struct nb_ctx *ctx, const char *path)
{
	struct nb_kstat st;

	CHECK_EQ(S->stat(ctx, path, &st), 0);
	return st.ino;
}

static void setup(struct nb_ctx *ctx)
{
	static const char *const dirs[] = {
		"/stable", "/stable/d1", "/stable/d1/d2", "/stable/d1/d2/d3", "/r", "/r/a",
		"/r/a/sub", "/x", "/x/p1", "/x/p2", "/x/p1/m", "/x/p1/m/y", "/mnt", "/mnt/point",
		"/cu", "/sl",
	};
	struct nb_kstat st;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(dirs); i++)
		CHECK_EQ(S->mkdir(ctx, dirs[i]), 0);
	CHECK_EQ(S->create(ctx, "/stable/d1/d2/d3/file"), 0);
	CHECK_EQ(S->symlink(ctx, "d1/d2", "/stable/link"), 0);
	CHECK_EQ(S->create(ctx, "/r/a/sub/f"), 0);
	CHECK_EQ(S->symlink(ctx, link_bodies[0], "/sl/cur"), 0);
	CHECK_EQ(S->stat(ctx, "/", &st), 0);
	dev_root = st.dev;
	ino_root = st.ino;
	ino_file = ino_of(ctx, "/stable/d1/d2/d3/file");
	ino_d3 = ino_of(ctx, "/stable/d1/d2/d3");
	ino_d2 = ino_of(ctx, "/stable/d1/d2");
	ino_d1 = ino_of(ctx, "/stable/d1");
	ino_stable = ino_of(ctx, "/stable");
	ino_moving_f = ino_of(ctx, "/r/a/sub/f");
	ino_movedir = ino_of(ctx, "/r/a");
	ino_p1 = ino_of(ctx, "/x/p1");
	ino_p2 = ino_of(ctx, "/x/p2");
	ino_px = ino_of(ctx, "/x/p1/m");
	ino_mnt = ino_of(ctx, "/mnt");
	ino_under = ino_of(ctx, "/mnt/point");
}

/* Unmount everything, remove everything: the engine must be empty after. */
static void teardown(struct nb_ctx *ctx)
{
	static const char *const gone[] = {
		"/stable/d1/d2/d3/file", "/stable/link", "/stable/d1/d2/d3", "/stable/d1/d2",
		"/stable/d1", "/stable", "/r/a/sub/f", "/r/a/sub", "/r/a", "/r", "/x/p1/m/y",
		"/x/p1/m", "/x/p1", "/x/p2", "/x", "/mnt/point", "/mnt", "/cu", "/sl/cur", "/sl",
	};
	size_t i;

	while (!S->umount(ctx, "/mnt/point", 0))
		;
	for (i = 0; i < ARRAY_SIZE(gone); i++) {
		int err = S->unlink(ctx, gone[i]);

		if (err == -EISDIR)
			err = S->rmdir(ctx, gone[i]);
		CHECK_EQ(err, 0);
	}
}

static double now_s(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static long fewest_rounds(void)
{
	long n = atomic_load(&rounds[0]);
	int i;

	for (i = 1; i < 3; i++)
		if (atomic_load(&rounds[i]) < n)
			n = atomic_load(&rounds[i]);
	return n;
}

/*
 * Let the threads run for @seconds and until they have done the work
 * demanded; false if that took more than TOO_SLOW_S.  The main thread
 * looks every 10 ms: a wait for counts, not a synchronization.
 */
static bool run_for_work(double seconds)
{
	struct timespec tick = { .tv_nsec = 10 * 1000 * 1000 };
	double start = now_s(), t;

	while ((t = now_s() - start) < seconds || atomic_load(&reads) < READS_MIN ||
	       fewest_rounds() < ROUNDS_MIN) {
		if (t > TOO_SLOW_S)
			return false;
		nanosleep(&tick, NULL);
	}
	return true;
}

static void run_one(const struct nb_strategy *s, const char *flavor, double seconds)
{
	pthread_t r[READERS], w[3];
	struct nb_ctx *ctx;
	char name[64];
	bool judged;
	int i;

	S = s;
	snprintf(name, sizeof(name), "smoke[%s,%s]", s->name, flavor);
	check_suite = name;
	check_failures = 0;
	atomic_store(&stop, 0);
	atomic_store(&violations, 0);
	atomic_store(&reads, 0);
	atomic_store(&writes, 0);
	for (i = 0; i < 3; i++)
		atomic_store(&rounds[i], 0);

	nb_thread_start();
	if (nb_engine_init(16)) {
		printf("FAIL: %s: engine init\n", name);
		check_failed_tests++;
		return;
	}
	ctx = nb_ctx_new(S);
	setup(ctx);
	for (i = 0; i < READERS; i++)
		pthread_create(&r[i], NULL, reader, (void *)(uintptr_t)(i * 5));
	pthread_create(&w[0], NULL, renamer, NULL);
	pthread_create(&w[1], NULL, mounter, NULL);
	pthread_create(&w[2], NULL, creator, NULL);

	/* waiting for the work to be done, offline meanwhile */
	nb_thread_idle();
	judged = run_for_work(seconds);
	atomic_store(&stop, 1);
	for (i = 0; i < READERS; i++)
		pthread_join(r[i], NULL);
	for (i = 0; i < 3; i++)
		pthread_join(w[i], NULL);
	nb_thread_active();

	CHECK_EQ(atomic_load(&violations), 0);
	if (!judged)
		printf("    too slow to judge: %ld lookups and at least %ld rounds of each writer "
		       "in %d s (%d and %d demanded)\n", atomic_load(&reads), fewest_rounds(),
		       TOO_SLOW_S, READS_MIN, ROUNDS_MIN);
	CHECK(judged);
	teardown(ctx);
	nb_ctx_free(ctx);
	nb_engine_exit();
	{
		struct nb_census c;

		nb_census(&c);
		CHECK_EQ(c.dentries, 0);
		CHECK_EQ(c.external_names, 0);
		CHECK_EQ(c.inodes, 0);
		CHECK_EQ(c.supers, 0);
		CHECK_EQ(c.mounts, 0);
	}
	nb_thread_stop();
	if (check_failures) {
		check_failed_tests++;
		printf("FAIL: %s: %s (%ld reads, %ld writes, %ld violations)\n", name, check_first,
		       atomic_load(&reads), atomic_load(&writes), atomic_load(&violations));
	} else {
		printf("PASS: %s: %ld reads and %ld writes checked, engine empty after\n", name,
		       atomic_load(&reads), atomic_load(&writes));
	}
	fflush(stdout);
}

int main(int argc, char **argv)
{
	const char *only = NULL, *flavor = NULL;
	const struct nb_strategy *const *s;
	double seconds = 1.0;
	int i;

	for (i = 1; i + 1 < argc; i += 2) {
		if (!strcmp(argv[i], "--strategy"))
			only = argv[i + 1];
		else if (!strcmp(argv[i], "--flavor"))
			flavor = argv[i + 1];
		else if (!strcmp(argv[i], "--seconds"))
			seconds = atof(argv[i + 1]);
	}
	for (s = nb_strategies(); *s; s++) {
		if (only && strcmp(only, (*s)->name))
			continue;
		/* the flavor is the build's: build/qsbr's test_smoke runs QSBR */
		if (!flavor || !strcmp(flavor, nb_rcu_name()))
			run_one(*s, nb_rcu_name(), seconds);
	}
	return CHECK_DONE();
}
