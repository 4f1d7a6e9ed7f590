/*
 * Filesystem types through the VFS: what a type keeps in the dcache and
 * for how long, and what the VFS does around a filesystem's ->lookup.
 *
 *  - disk keeps dentries after their last user (positive and negative, on
 *    the superblock's LRU), so a second stat of a missing name is answered
 *    in RCU mode with no shared write, where tmpfs must look it up again;
 *  - the shrinker evicts them (on demand, or over the unused-dentry
 *    budget) and nothing a lookup answers changes;
 *  - removing a directory, or renaming over one, takes its cached negative
 *    children with it, and an unmount (or the engine's exit) takes
 *    everything;
 *  - lookups racing the shrinker and the budget's reclaim still get the
 *    right answers;
 *  - d_alloc_parallel: a second lookup of a name in lookup waits for the
 *    first and gets its dentry; a lookup of another name does not wait;
 *  - mount's type and option parsing.
 *
 * Every test is run for every strategy, twice: on a tmpfs root with a disk
 * mounted on /d, and with disk as the root's type (nb_fs_select).  Each
 * test ends with the census where it began; each pass ends with the
 * engine shut down and the census empty.  Nothing here waits by the
 * clock or depends on the machine's speed: the two-thread tests wait for
 * a counter or a flag, the race runs a fixed number of rounds.
 */
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>

#include "check.h"
#include "ctx.h"
#include "engine.h"
#include "fs.h"
#include "mount.h"

static const struct nb_strategy *S;
static struct nb_ctx *ctx;
static bool disk_root;		/* this pass's root is disk: no mount on /d */
static struct nb_census base;

static void census_now(struct nb_census *c)
{
	rcu_barrier();
	nb_census(c);
}

static void check_census(const struct nb_census *want)
{
	struct nb_census now;

	census_now(&now);
	CHECK_EQ(now.mounts, want->mounts);
	CHECK_EQ(now.supers, want->supers);
	CHECK_EQ(now.inodes, want->inodes);
	CHECK_EQ(now.dentries, want->dentries);
	CHECK_EQ(now.external_names, want->external_names);
}

/* Where the disk under test is: "/d" (a mount) or "" (the root). */
static const char *D(void)
{
	return disk_root ? "" : "/d";
}

/* @rest under the disk under test; four buffers, for two-path calls. */
static const char *P(const char *rest)
{
	static char buf[4][256];
	static unsigned int i;
	char *b = buf[i++ % 4];

	snprintf(b, sizeof(buf[0]), "%s%s", D(), rest);
	return b;
}

/* The disk's root directory, to shrink (never the tmpfs root). */
static const char *DROOT(void)
{
	return disk_root ? "/" : "/d";
}

static void begin(void)
{
	ctx = nb_ctx_new(S);
	census_now(&base);
	if (!disk_root) {
		CHECK_EQ(S->mkdir(ctx, "/d"), 0);
		CHECK_EQ(S->mount(ctx, "/d", "disk"), 0);
	}
	/* nothing is left unused between tests: each one shrinks at its end */
	CHECK_EQ(nb_dentry_unused(), 0);
}

/* Everything the test made is gone, its unused dentries too. */
static void end(void)
{
	S->shrink(ctx, DROOT());
	CHECK_EQ(nb_dentry_unused(), 0);
	if (!disk_root) {
		CHECK_EQ(S->umount(ctx, "/d", 0), 0);
		CHECK_EQ(S->rmdir(ctx, "/d"), 0);
	}
	nb_ctx_free(ctx);
	check_census(&base);
}

static struct nb_kstat st(const char *path, int expect_err)
{
	struct nb_kstat s;

	memset(&s, 0, sizeof(s));
	CHECK_EQ(S->stat(ctx, path, &s), expect_err);
	return s;
}

/* What the calling thread's walks did, for deltas around one stat. */
struct walk_counts {
	uint64_t rcu_walk, rcu_done, unlazy, rmw, store;
};

static struct walk_counts walk_counts(void)
{
	return (struct walk_counts){
		.rcu_walk = nb_counter_self(NB_COUNTER_RCU_WALK),
		.rcu_done = nb_counter_self(NB_COUNTER_RCU_DONE),
		.unlazy = nb_counter_self(NB_COUNTER_UNLAZY),
		.rmw = nb_counter_self(NB_CTR_RMW),
		.store = nb_counter_self(NB_CTR_STORE),
	};
}

static struct walk_counts walk_delta(struct walk_counts a, struct walk_counts b)
{
	return (struct walk_counts){
		.rcu_walk = b.rcu_walk - a.rcu_walk, .rcu_done = b.rcu_done - a.rcu_done,
		.unlazy = b.unlazy - a.unlazy, .rmw = b.rmw - a.rmw, .store = b.store - a.store,
	};
}

/* The second of two stats of @path, a missing name: what its walk did. */
static struct walk_counts second_miss(const char *path)
{
	struct walk_counts before;

	st(path, -ENOENT);
	before = walk_counts();
	st(path, -ENOENT);
	return walk_delta(before, walk_counts());
}

/* ---- 1: disk keeps negative dentries; tmpfs does not ---- */

/*
 * On disk the first miss leaves a negative dentry behind (unused, on the
 * LRU), and the second stat finds it: under rcuwalk and rcufull the walk
 * ends in RCU mode with ENOENT and writes nothing shared.  On tmpfs the
 * negative dentry died at its last dput, so the second miss is a miss
 * again: the walk unlazies to ask ->lookup.
 */
static void test_disk_second_miss_stays_in_rcu(void)
{
	struct nb_census one, two;
	struct walk_counts d;

	begin();
	census_now(&one);
	st(P("/missing"), -ENOENT);
	census_now(&two);
	CHECK_EQ(two.dentries, one.dentries + 1);	/* the negative dentry, kept */
	CHECK_EQ(nb_dentry_unused(), 1);
	d = second_miss(P("/missing"));
	census_now(&one);
	CHECK_EQ(one.dentries, two.dentries);		/* found, not made again */
	if (S->walk_rcu) {
		CHECK_EQ(d.rcu_walk, 1);
		CHECK_EQ(d.rcu_done, 1);
		CHECK_EQ(d.unlazy, 0);
		CHECK_EQ(d.rmw, 0);
		CHECK_EQ(d.store, 0);
	}
	/* the same below a directory the disk keeps unused */
	CHECK_EQ(S->mkdir(ctx, P("/dir")), 0);
	d = second_miss(P("/dir/missing"));
	if (S->walk_rcu) {
		CHECK_EQ(d.rcu_done, 1);
		CHECK_EQ(d.unlazy, 0);
		CHECK_EQ(d.rmw, 0);
		CHECK_EQ(d.store, 0);
	}
	CHECK_EQ(S->rmdir(ctx, P("/dir")), 0);
	end();
}

/* Only on a tmpfs root (the disk-root pass has no tmpfs to stat). */
static void test_tmpfs_second_miss_unlazies(void)
{
	struct nb_census one, two;
	struct walk_counts d;

	ctx = nb_ctx_new(S);
	census_now(&one);
	d = second_miss("/missing");
	census_now(&two);
	CHECK_EQ(two.dentries, one.dentries);		/* nothing kept */
	CHECK_EQ(nb_dentry_unused(), 0);
	if (S->walk_rcu) {
		CHECK_EQ(d.rcu_walk, 1);
		CHECK_EQ(d.unlazy, 1);
		CHECK_EQ(d.rcu_done, 0);
	}
	nb_ctx_free(ctx);
}

/* ---- 2: unused dentries and the shrinker on demand ---- */

static void test_shrink_evicts_unused_answers_unchanged(void)
{
	static const char *const missing[] = { "/nope", "/a/nope", "/a/b/nope" };
	struct nb_kstat a, b, f, g, s;
	uint64_t evict;
	int n;
	size_t i;

	begin();
	/* each name made or missed is one more unused dentry when the op ends */
	CHECK_EQ(S->mkdir(ctx, P("/a")), 0);
	CHECK_EQ(nb_dentry_unused(), 1);
	CHECK_EQ(S->mkdir(ctx, P("/a/b")), 0);
	CHECK_EQ(nb_dentry_unused(), 2);
	CHECK_EQ(S->create(ctx, P("/a/b/f")), 0);
	CHECK_EQ(nb_dentry_unused(), 3);
	CHECK_EQ(S->create(ctx, P("/g")), 0);
	CHECK_EQ(nb_dentry_unused(), 4);
	for (i = 0; i < ARRAY_SIZE(missing); i++) {
		st(P(missing[i]), -ENOENT);
		CHECK_EQ(nb_dentry_unused(), 5 + (long)i);
	}
	a = st(P("/a"), 0);
	b = st(P("/a/b"), 0);
	f = st(P("/a/b/f"), 0);
	g = st(P("/g"), 0);
	CHECK_EQ(nb_dentry_unused(), 7);		/* found again, none made */

	evict = nb_counter_self(NB_CTR_EVICT);
	n = S->shrink(ctx, DROOT());
	CHECK_EQ(n, 7);
	CHECK_EQ(nb_counter_self(NB_CTR_EVICT) - evict, 7);
	CHECK_EQ(nb_dentry_unused(), 0);
	CHECK_EQ(S->shrink(ctx, DROOT()), 0);		/* nothing left to evict */

	/* ->lookup finds every name again, as it was */
	s = st(P("/a/b/f"), 0);
	CHECK_EQ(s.ino, f.ino);
	CHECK_EQ(s.type, NB_REG);
	s = st(P("/a/b"), 0);
	CHECK_EQ(s.ino, b.ino);
	CHECK_EQ(s.nlink, b.nlink);
	CHECK_EQ(s.size, b.size);
	s = st(P("/a"), 0);
	CHECK_EQ(s.ino, a.ino);
	CHECK_EQ(s.nlink, a.nlink);
	s = st(P("/g"), 0);
	CHECK_EQ(s.ino, g.ino);
	CHECK_EQ(s.dev, g.dev);
	for (i = 0; i < ARRAY_SIZE(missing); i++)
		st(P(missing[i]), -ENOENT);
	CHECK(nb_dentry_unused() > 0);

	CHECK_EQ(S->unlink(ctx, P("/a/b/f")), 0);
	CHECK_EQ(S->unlink(ctx, P("/g")), 0);
	CHECK_EQ(S->rmdir(ctx, P("/a/b")), 0);
	CHECK_EQ(S->rmdir(ctx, P("/a")), 0);
	end();
}

/* ---- 3: the unused-dentry budget ---- */

#define BUDGET		8
#define TREE_DIRS	4
#define TREE_FILES	16

/*
 * How far over the budget the count may be when an operation ends.  The
 * allocator reclaims before each allocation (dcache_reclaim): over the
 * budget by k, it scans 2k from the LRU's head.  At U >= 2N unused that
 * scan covers the whole list and then U - 2N of it again, so it leaves at
 * most 2N whatever DCACHE_REFERENCED says; below 2N the count is already
 * within bounds.  On top of that: what the operation puts on the LRU after
 * its last allocation (its path's dentries: a directory and a file here,
 * 2), and parents that the evictions leave unused (a dentry's last child
 * going puts it back on the LRU: one per directory, TREE_DIRS).
 */
#define UNUSED_BOUND	(2 * BUDGET + 2 + TREE_DIRS)

static long max_unused;

static void note_unused(void)
{
	if (nb_dentry_unused() > max_unused)
		max_unused = nb_dentry_unused();
}

static void tree_name(char *buf, size_t n, int dir, int file, const char *what)
{
	if (file < 0)
		snprintf(buf, n, "%s/t%d", D(), dir);
	else
		snprintf(buf, n, "%s/t%d/%s%d", D(), dir, what, file);
}

static void test_dentry_budget_bounds_unused(void)
{
	uint64_t ino[TREE_DIRS][TREE_FILES], evict;
	char path[256];
	int i, j, pass;

	begin();
	max_unused = 0;
	evict = nb_counter_self(NB_CTR_EVICT);
	nb_set_dentry_budget(BUDGET);
	for (i = 0; i < TREE_DIRS; i++) {
		tree_name(path, sizeof(path), i, -1, "");
		CHECK_EQ(S->mkdir(ctx, path), 0);
		note_unused();
		for (j = 0; j < TREE_FILES; j++) {
			tree_name(path, sizeof(path), i, j, "f");
			CHECK_EQ(S->create(ctx, path), 0);
			ino[i][j] = st(path, 0).ino;
			note_unused();
		}
	}
	/* twice over the tree: the second pass finds what the first evicted */
	for (pass = 0; pass < 2; pass++)
		for (i = 0; i < TREE_DIRS; i++)
			for (j = 0; j < TREE_FILES; j++) {
				tree_name(path, sizeof(path), i, j, "f");
				CHECK_EQ(st(path, 0).ino, ino[i][j]);
				note_unused();
				tree_name(path, sizeof(path), i, j, "missing");
				st(path, -ENOENT);
				note_unused();
			}
	CHECK(max_unused <= UNUSED_BOUND);
	/* far more names than the budget went through the dcache: it evicted */
	CHECK(nb_counter_self(NB_CTR_EVICT) - evict >= TREE_DIRS * TREE_FILES);
	nb_set_dentry_budget(0);
	if (check_failures)
		printf("    budget %d: at most %ld unused (bound %d)\n", BUDGET, max_unused,
		       UNUSED_BOUND);
	for (i = 0; i < TREE_DIRS; i++) {
		for (j = 0; j < TREE_FILES; j++) {
			tree_name(path, sizeof(path), i, j, "f");
			CHECK_EQ(S->unlink(ctx, path), 0);
		}
		tree_name(path, sizeof(path), i, -1, "");
		CHECK_EQ(S->rmdir(ctx, path), 0);
	}
	end();
}

/* ---- 4: removing directories with cached negative children ---- */

static void miss_children(const char *dir, int n)
{
	char path[300];
	int i;

	for (i = 0; i < n; i++) {
		snprintf(path, sizeof(path), "%s/n%d", dir, i);
		st(path, -ENOENT);
	}
}

/*
 * rmdir finds the directory empty in the filesystem's table; the dcache
 * still has its negative children, which shrink_dcache_parent kills
 * first, so that only the removed directory's own dentry (now negative,
 * kept) remains of the four.
 */
static void test_rmdir_with_negative_children(void)
{
	struct nb_census before, now;

	begin();
	census_now(&before);
	CHECK_EQ(S->mkdir(ctx, P("/e")), 0);
	miss_children(P("/e"), 3);
	census_now(&now);
	CHECK_EQ(now.dentries, before.dentries + 4);
	CHECK_EQ(S->rmdir(ctx, P("/e")), 0);
	census_now(&now);
	CHECK_EQ(now.dentries, before.dentries + 1);	/* "e", negative */
	CHECK_EQ(now.inodes, before.inodes);
	CHECK_EQ(nb_dentry_unused(), 1);
	st(P("/e"), -ENOENT);
	st(P("/e/n0"), -ENOENT);
	CHECK_EQ(S->mkdir(ctx, P("/e")), 0);		/* the name is free again */
	st(P("/e/n0"), -ENOENT);
	CHECK_EQ(S->rmdir(ctx, P("/e")), 0);
	end();
}

/*
 * A rename over an empty directory: the victim's negative children go
 * before it does (shrink_dcache_parent in vfs_rename), and the victim's
 * dentry dies unhashed at its last dput.  What is left is the moved
 * directory, under the victim's name.
 */
static void test_rename_over_dir_with_negative_children(void)
{
	struct nb_census before, now;
	struct nb_kstat src;

	begin();
	census_now(&before);
	CHECK_EQ(S->mkdir(ctx, P("/src")), 0);
	CHECK_EQ(S->mkdir(ctx, P("/dst")), 0);
	src = st(P("/src"), 0);
	miss_children(P("/dst"), 3);
	census_now(&now);
	CHECK_EQ(now.dentries, before.dentries + 5);
	CHECK_EQ(S->rename(ctx, P("/src"), P("/dst")), 0);
	census_now(&now);
	CHECK_EQ(now.dentries, before.dentries + 1);
	CHECK_EQ(now.inodes, before.inodes + 1);
	CHECK_EQ(st(P("/dst"), 0).ino, src.ino);
	st(P("/src"), -ENOENT);
	st(P("/dst/n0"), -ENOENT);
	CHECK_EQ(S->rmdir(ctx, P("/dst")), 0);
	end();
}

/*
 * An unmount with a tree of unused dentries, positive and negative, at
 * every depth: shrink_dcache_for_umount kills them all (a dentry in use
 * there is a BUG, which aborts), the LRU's count goes with them, and
 * nothing is left.
 */
static void test_umount_with_unused_dentries(void)
{
	struct nb_census before;
	char path[256];
	int i, j;

	begin();
	census_now(&before);
	CHECK_EQ(S->mkdir(ctx, P("/u")), 0);
	CHECK_EQ(S->mount(ctx, P("/u"), "disk"), 0);
	for (i = 0; i < 8; i++) {
		snprintf(path, sizeof(path), "%s/u/d%d", D(), i);
		CHECK_EQ(S->mkdir(ctx, path), 0);
		snprintf(path, sizeof(path), "%s/u/d%d/sub", D(), i);
		CHECK_EQ(S->mkdir(ctx, path), 0);
		miss_children(path, 4);
		for (j = 0; j < 8; j++) {
			snprintf(path, sizeof(path), "%s/u/d%d/sub/f%d", D(), i, j);
			CHECK_EQ(S->create(ctx, path), 0);
		}
		snprintf(path, sizeof(path), "%s/u/d%d", D(), i);
		miss_children(path, 4);
	}
	CHECK(nb_dentry_unused() >= 8 * (2 + 4 + 8 + 4));
	CHECK_EQ(S->umount(ctx, P("/u"), 0), 0);
	CHECK_EQ(S->rmdir(ctx, P("/u")), 0);
	S->shrink(ctx, DROOT());
	CHECK_EQ(nb_dentry_unused(), 0);
	check_census(&before);
	end();
}

/* ---- the shrinker against lookups ---- */

#define RACE_FILES	16
#define RACE_READERS	2
#define RACE_ROUNDS	300

static uint64_t race_ino[RACE_FILES];
static _Atomic int race_readers_left;
static _Atomic long race_wrong;

/* Every file found as itself, every missing name missing, every round. */
static void *race_reader(void *arg)
{
	struct nb_ctx *c;
	struct nb_kstat s;
	char path[300];
	int r, i, err;

	(void)arg;
	nb_thread_start();
	c = nb_ctx_new(S);
	for (r = 0; r < RACE_ROUNDS; r++)
		for (i = 0; i < RACE_FILES; i++) {
			snprintf(path, sizeof(path), "%s/r/f%d", D(), i);
			err = S->stat(c, path, &s);
			if (err || s.ino != race_ino[i])
				atomic_fetch_add(&race_wrong, 1);
			snprintf(path, sizeof(path), "%s/r/missing%d", D(), i);
			if (S->stat(c, path, &s) != -ENOENT)
				atomic_fetch_add(&race_wrong, 1);
		}
	nb_ctx_free(c);
	atomic_fetch_sub(&race_readers_left, 1);
	nb_thread_stop();
	return NULL;
}

/* Evicts everything unused, over and over, until the readers are done. */
static void *race_shrinker(void *arg)
{
	struct nb_ctx *c;

	(void)arg;
	nb_thread_start();
	c = nb_ctx_new(S);
	while (atomic_load(&race_readers_left))
		if (S->shrink(c, DROOT()) < 0)
			atomic_fetch_add(&race_wrong, 1);
	nb_ctx_free(c);
	nb_thread_stop();
	return NULL;
}

/*
 * Readers walk a disk tree (the same missing names too, so that their
 * lookups meet in d_alloc_parallel) while a shrinker evicts under them and
 * the budget makes every allocation reclaim: an RCU walk through an
 * evicted dentry must fall back and find the name again, never another
 * answer.  The verdict does not depend on how the threads interleave.
 */
static void test_shrink_races_lookups(void)
{
	pthread_t t[RACE_READERS + 1];
	char path[300];
	int i;

	begin();
	CHECK_EQ(S->mkdir(ctx, P("/r")), 0);
	for (i = 0; i < RACE_FILES; i++) {
		snprintf(path, sizeof(path), "%s/r/f%d", D(), i);
		CHECK_EQ(S->create(ctx, path), 0);
		race_ino[i] = st(path, 0).ino;
	}
	atomic_store(&race_wrong, 0);
	atomic_store(&race_readers_left, RACE_READERS);
	nb_set_dentry_budget(4);
	for (i = 0; i < RACE_READERS; i++)
		pthread_create(&t[i], NULL, race_reader, NULL);
	pthread_create(&t[RACE_READERS], NULL, race_shrinker, NULL);
	nb_thread_idle();
	for (i = 0; i <= RACE_READERS; i++)
		pthread_join(t[i], NULL);
	nb_thread_active();
	nb_set_dentry_budget(0);
	CHECK_EQ(atomic_load(&race_wrong), 0);
	for (i = 0; i < RACE_FILES; i++) {
		snprintf(path, sizeof(path), "%s/r/f%d", D(), i);
		CHECK_EQ(S->unlink(ctx, path), 0);
	}
	CHECK_EQ(S->rmdir(ctx, P("/r")), 0);
	end();
}

/* ---- 5: d_alloc_parallel ---- */

struct name {
	struct qstr q;
	char buf[64];
};

/* A qstr hashed for @parent, in a padded buffer as the walk would have it. */
static struct qstr *mkname(struct name *n, struct dentry *parent, const char *s)
{
	size_t len = strlen(s);

	memset(n->buf, 0, sizeof(n->buf));
	memcpy(n->buf, s, len);
	n->q.name = n->buf;
	n->q.len = (uint32_t)len;
	n->q.hash = full_name_hash(parent, s, (unsigned int)len);
	return &n->q;
}

/* A second lookup, on a thread of its own. */
struct par_lookup {
	struct dentry *parent;
	const char *name;
	struct dentry *got;
	_Atomic int done;
};

static void *par_lookup_thread(void *arg)
{
	struct par_lookup *pl = arg;
	struct name n;

	nb_thread_start();
	pl->got = d_alloc_parallel(pl->parent, mkname(&n, pl->parent, pl->name));
	/* release: pl->got is written before the flag says so */
	atomic_store_explicit(&pl->done, 1, memory_order_release);
	nb_thread_stop();
	return NULL;
}

static uint64_t inlookup_waits(void)
{
	return nb_counter_total(-1, NB_CTR_INLOOKUP_WAIT);
}

/*
 * Until the other thread is done or has started waiting (counted before
 * it spins: from then on it cannot finish before we end our lookup).
 * Offline meanwhile (QSBR): the other thread frees a dentry of its own
 * through call_rcu, and grace periods must not wait for us.
 */
static bool wait_for_waiter_or_done(_Atomic int *done, uint64_t waits)
{
	bool waited;

	nb_thread_idle();
	for (;;) {
		if (atomic_load_explicit(done, memory_order_acquire)) {
			waited = false;
			break;
		}
		if (inlookup_waits() != waits) {
			waited = true;
			break;
		}
		sched_yield();
	}
	nb_thread_active();
	return waited;
}

static void join(pthread_t t)
{
	nb_thread_idle();
	pthread_join(t, NULL);
	nb_thread_active();
}

/*
 * The main thread's lookup of "x" is in progress; a second lookup of "x"
 * must wait for it (and be seen waiting before it finishes), then return
 * the very dentry the first one hashed.
 */
static void test_d_alloc_parallel_same_name_waits(void)
{
	struct par_lookup pl = { .name = "x" };
	struct dentry *parent, *d;
	struct nb_census before;
	struct name n;
	pthread_t t;
	uint64_t waits;

	ctx = nb_ctx_new(S);
	census_now(&before);
	parent = ctx->root.dentry;
	d = d_alloc_parallel(parent, mkname(&n, parent, "x"));
	CHECK(!IS_ERR(d));
	if (IS_ERR(d)) {
		nb_ctx_free(ctx);
		return;
	}
	CHECK(d_in_lookup(d));
	CHECK(d_unhashed(d));
	pl.parent = parent;
	waits = inlookup_waits();
	pthread_create(&t, NULL, par_lookup_thread, &pl);
	/* it must wait: finishing first would mean it did not see our lookup */
	CHECK(wait_for_waiter_or_done(&pl.done, waits));
	CHECK(!atomic_load_explicit(&pl.done, memory_order_acquire));
	d_add(d, NULL);			/* what ->lookup does: ends the in-lookup state */
	CHECK(!d_in_lookup(d));
	d_lookup_done(d);
	join(t);
	CHECK(pl.got == d);
	CHECK_EQ(inlookup_waits() - waits, 1);
	if (pl.got && !IS_ERR(pl.got)) {
		CHECK(!d_unhashed(pl.got));
		CHECK(d_is_negative(pl.got));
		if (d_in_lookup(pl.got))	/* a lookup of its own, wrongly */
			d_lookup_done(pl.got);
		dput(pl.got);
	}
	dput(d);
	S->shrink(ctx, "/");
	check_census(&before);
	nb_ctx_free(ctx);
}

/*
 * Lookups that must not wait.  The main thread holds "x" in lookup in the
 * root and, in each of HELD directories d<i>, the name n<i>; a second
 * thread then looks up, one at a time, "y" in the root, "x" in another
 * directory, and for each i another name in d<i> and n<i> in another
 * directory.  With HELD four times the in-lookup hash's 1024 buckets,
 * nearly certainly some of those share a bucket with a held lookup, so a
 * match there that does not compare the name, or the parent, makes the
 * second thread wait, which the main thread sees.  (No two held lookups
 * share a name or a directory: such a bug cannot make the main thread
 * wait for itself.)
 */
#define HELD	4096

struct other_lookups {
	struct dentry *root, *dirs[HELD];
	long bad;		/* lookups that did not return their own, in lookup */
	_Atomic int done;
};

/* One lookup of @s in @parent that must be a new one: ended at once. */
static bool own_lookup(struct dentry *parent, const char *s)
{
	struct name n;
	struct dentry *d = d_alloc_parallel(parent, mkname(&n, parent, s));
	bool ok;

	if (!d || IS_ERR(d))
		return false;
	ok = d_in_lookup(d) && d_parent(d) == parent;
	d_lookup_done(d);
	dput(d);		/* unhashed: dies */
	return ok;
}

/*
 * Another directory than d<i>, at a distance (1 .. HELD - 1) that varies
 * with i: the hashes of one name under two parents are as correlated as
 * the parents' addresses, and one fixed distance may never share a bucket.
 */
static int other_dir(int i)
{
	return (i + 1 + i * 7919 % (HELD - 1)) % HELD;
}

static void *other_lookups_thread(void *arg)
{
	struct other_lookups *ol = arg;
	char s[32];
	int i;

	nb_thread_start();
	ol->bad += !own_lookup(ol->root, "y");
	ol->bad += !own_lookup(ol->dirs[0], "x");
	for (i = 0; i < HELD; i++) {
		snprintf(s, sizeof(s), "m%d", i);
		ol->bad += !own_lookup(ol->dirs[i], s);
		snprintf(s, sizeof(s), "n%d", i);
		ol->bad += !own_lookup(ol->dirs[other_dir(i)], s);
		rcu_quiescent_state();	/* its dead dentries' grace periods */
	}
	/* release: ol->bad is written before the flag says so */
	atomic_store_explicit(&ol->done, 1, memory_order_release);
	nb_thread_stop();
	return NULL;
}

/* /pdir/d<i>, made, and a reference to each in @ol; false on a failure. */
static bool make_dirs(struct other_lookups *ol)
{
	struct dentry *pdir;
	char s[64];
	struct name n;
	int i;

	CHECK_EQ(S->mkdir(ctx, "/pdir"), 0);
	pdir = d_lookup(ol->root, mkname(&n, ol->root, "pdir"));
	CHECK(pdir != NULL);
	for (i = 0; pdir && i < HELD; i++) {
		snprintf(s, sizeof(s), "/pdir/d%d", i);
		CHECK_EQ(S->mkdir(ctx, s), 0);
		ol->dirs[i] = d_lookup(pdir, mkname(&n, pdir, s + 6));
		CHECK(ol->dirs[i] != NULL);
	}
	if (pdir)
		dput(pdir);
	return !check_failures;
}

static void remove_dirs(struct other_lookups *ol)
{
	char s[64];
	int i;

	for (i = 0; i < HELD; i++) {
		if (ol->dirs[i])
			dput(ol->dirs[i]);
		snprintf(s, sizeof(s), "/pdir/d%d", i);
		S->rmdir(ctx, s);
	}
	CHECK_EQ(S->rmdir(ctx, "/pdir"), 0);
}

/* The main thread's lookups, n<i> in d<i> and "x" in the root (last). */
static void hold_lookups(struct other_lookups *ol, struct dentry **held)
{
	char s[32];
	struct name n;
	int i;

	for (i = 0; i <= HELD; i++) {
		struct dentry *dir = i == HELD ? ol->root : ol->dirs[i];

		snprintf(s, sizeof(s), i == HELD ? "x" : "n%d", i);
		held[i] = d_alloc_parallel(dir, mkname(&n, dir, s));
		CHECK(!IS_ERR(held[i]) && d_in_lookup(held[i]));
	}
}

static void end_lookups(struct dentry **held)
{
	int i;

	for (i = 0; i <= HELD; i++) {
		if (IS_ERR(held[i]))
			continue;
		if (d_in_lookup(held[i]))
			d_lookup_done(held[i]);
		dput(held[i]);
	}
}

static void test_d_alloc_parallel_other_name_does_not_wait(void)
{
	static struct other_lookups ol;
	static struct dentry *held[HELD + 1];
	struct nb_census before;
	pthread_t t;
	uint64_t waits;
	bool waited;
	int i;

	ctx = nb_ctx_new(S);
	memset(&ol, 0, sizeof(ol));
	census_now(&before);
	ol.root = ctx->root.dentry;
	if (make_dirs(&ol)) {
		hold_lookups(&ol, held);
		waits = inlookup_waits();
		pthread_create(&t, NULL, other_lookups_thread, &ol);
		waited = wait_for_waiter_or_done(&ol.done, waits);
		CHECK(!waited);
		/* it waits: end our lookups so that it can finish (and fail) */
		for (i = 0; waited && i <= HELD; i++)
			if (!IS_ERR(held[i]))
				d_lookup_done(held[i]);
		join(t);
		CHECK_EQ(inlookup_waits(), waits);
		CHECK_EQ(ol.bad, 0);
		for (i = 0; !waited && i <= HELD; i++)	/* ours are still in lookup */
			CHECK(IS_ERR(held[i]) || d_in_lookup(held[i]));
		end_lookups(held);
	}
	remove_dirs(&ol);
	S->shrink(ctx, "/");
	check_census(&before);
	nb_ctx_free(ctx);
}

/* ---- 6: mount's types and options ---- */

static struct super_block *sb_of(const char *name)
{
	struct dentry *root = ctx->root.dentry, *mp;
	struct super_block *sb = NULL;
	struct mount *m;
	struct name n;

	mp = d_lookup(root, mkname(&n, root, name));
	if (!mp)
		return NULL;
	rcu_read_lock();
	m = __lookup_mnt(ctx->root.mnt, mp);
	if (m)
		sb = m->mnt_sb;
	rcu_read_unlock();
	dput(mp);
	return sb;
}

static void test_mount_types_and_options(void)
{
	static const struct { const char *spec; int err; } bad[] = {
		{ "disk,bogus", -EINVAL }, { "tmpfs,size=1m", -EINVAL },
		{ "disk,lookup=exclusive,x", -EINVAL }, { "lookup=exclusive", -ENODEV },
		{ "nosuchfs", -ENODEV }, { "", -ENODEV }, { "disk2", -ENODEV },
		{ "dis", -ENODEV },
	};
	static const char *const good[] = {
		"disk,lookup=exclusive", "tmpfs,lookup=exclusive", "disk,lookup=shared",
		"disk", "tmpfs",
	};
	struct nb_census before, now;
	struct super_block *sb;
	struct nb_kstat s;
	unsigned int dev;
	size_t i;

	ctx = nb_ctx_new(S);
	CHECK_EQ(S->mkdir(ctx, "/x"), 0);
	census_now(&before);
	CHECK_EQ(S->mount(ctx, "/x", NULL), 0);		/* the lowest free device */
	dev = st("/x", 0).dev;
	CHECK_EQ(S->umount(ctx, "/x", 0), 0);
	for (i = 0; i < ARRAY_SIZE(bad); i++)
		CHECK_EQ(S->mount(ctx, "/x", bad[i].spec), bad[i].err);
	check_census(&before);				/* no superblock left over */
	for (i = 0; i < ARRAY_SIZE(good); i++) {
		bool excl = strstr(good[i], "lookup=exclusive") != NULL;

		CHECK_EQ(S->mount(ctx, "/x", good[i]), 0);
		s = st("/x", 0);
		CHECK_EQ(s.dev, dev);			/* failed mounts gave theirs back */
		CHECK_EQ(s.ino, 1);
		sb = sb_of("x");
		CHECK(sb != NULL);
		if (sb) {
			CHECK(sb->s_type == (strncmp(good[i], "disk", 4) ? &tmpfs_fs_type
									 : &disk_fs_type));
			CHECK_EQ(!!(sb->s_flags & SB_LOOKUP_EXCL), excl);
		}
		/* the same answers either way */
		CHECK_EQ(S->create(ctx, "/x/f"), 0);
		st("/x/f", 0);
		st("/x/nope", -ENOENT);
		CHECK_EQ(S->unlink(ctx, "/x/f"), 0);
		CHECK_EQ(S->umount(ctx, "/x", 0), 0);
	}
	census_now(&now);
	check_census(&before);
	CHECK_EQ(S->rmdir(ctx, "/x"), 0);
	S->shrink(ctx, "/");
	nb_ctx_free(ctx);
}

/* Before an engine starts: the default type's spec is checked as mount's. */
static void test_fs_select(void)
{
	static char longspec[200];

	CHECK_EQ(nb_fs_select("nosuchfs"), -ENODEV);
	CHECK_EQ(nb_fs_select(""), -ENODEV);
	memset(longspec, 'a', sizeof(longspec) - 1);
	CHECK_EQ(nb_fs_select(longspec), -EINVAL);
	CHECK_STR(nb_fs_default(), "tmpfs");		/* a failure changes nothing */
	CHECK_EQ(nb_fs_select("disk,lookup=exclusive"), 0);
	CHECK_STR(nb_fs_default(), "disk,lookup=exclusive");
	CHECK_EQ(nb_fs_select("tmpfs"), 0);
}

/*
 * Leaves a disk tree full of unused dentries, and a disk mount, for
 * nb_engine_exit() to tear down, which the census after it checks.
 */
static void test_exit_with_unused_dentries(void)
{
	ctx = nb_ctx_new(S);
	if (!disk_root) {
		CHECK_EQ(S->mkdir(ctx, "/d"), 0);
		CHECK_EQ(S->mount(ctx, "/d", "disk"), 0);
	}
	CHECK_EQ(S->mkdir(ctx, P("/keep")), 0);
	CHECK_EQ(S->create(ctx, P("/keep/f")), 0);
	miss_children(P("/keep"), 4);
	CHECK_EQ(S->mkdir(ctx, P("/keep/m")), 0);
	CHECK_EQ(S->mount(ctx, P("/keep/m"), "disk"), 0);
	CHECK_EQ(S->create(ctx, P("/keep/m/g")), 0);
	miss_children(P("/keep/m"), 4);
	CHECK(nb_dentry_unused() > 0);
	nb_ctx_free(ctx);
}

static void run_pass(const char *fs)
{
	static char suite[64];

	snprintf(suite, sizeof(suite), "unit/fs[%s,%s]", S->name, fs);
	check_suite = suite;
	disk_root = !strcmp(fs, "disk");
	if (nb_fs_select(fs) || nb_engine_init(16)) {
		printf("FAIL: %s: engine init\n", suite);
		check_failed_tests++;
		return;
	}
	RUN(test_disk_second_miss_stays_in_rcu);
	if (!disk_root)
		RUN(test_tmpfs_second_miss_unlazies);
	RUN(test_shrink_evicts_unused_answers_unchanged);
	RUN(test_dentry_budget_bounds_unused);
	RUN(test_rmdir_with_negative_children);
	RUN(test_rename_over_dir_with_negative_children);
	RUN(test_umount_with_unused_dentries);
	RUN(test_shrink_races_lookups);
	RUN(test_d_alloc_parallel_same_name_waits);
	RUN(test_d_alloc_parallel_other_name_does_not_wait);
	RUN(test_mount_types_and_options);
	RUN(test_exit_with_unused_dentries);
	nb_engine_exit();
	CHECK_EMPTY_CENSUS();
	CHECK_EQ(nb_fs_select("tmpfs"), 0);
}

int main(void)
{
	const struct nb_strategy *const *s;

	nb_thread_start();
	check_suite = "unit/fs";
	RUN(test_fs_select);
	for (s = nb_strategies(); *s; s++) {
		S = *s;
		run_pass("tmpfs");
		run_pass("disk");
	}
	nb_thread_stop();
	return CHECK_DONE();
}
