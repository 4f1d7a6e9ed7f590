/*
 * nameibench stress: readers resolve paths at full speed while a writer
 * renames, exchanges, creates, removes, retargets symlinks, mounts and
 * unmounts, and every answer is checked against the oracle (model.c).
 *
 * The writer is the namespace's only mutator.  Before each change it says
 * what the model expects (0 or an errno: rename into a subtree is EINVAL,
 * over a non-empty directory ENOTEMPTY, across filesystems EXDEV, ...);
 * a different answer from the engine is a violation too.  After a change
 * that succeeded it applies the same change to the model under the next
 * version and publishes it.
 *
 * Readers work in batches: a batch of lookups back to back (so that they
 * race with the writer as densely as a benchmark does), each recording
 * the versions published before and after it, then the batch is checked.
 * A reader notes, from its own counters, whether a walk finished in RCU
 * mode, which the oracle holds to RCU-walk's stronger promise.
 *
 * Everything else a failure can look like is caught too: a crash (the
 * signal is reported), a memory-safety check in a debug build (nb_bug), a
 * hang (nothing completes for HANG_SECONDS), an object left over after
 * the engine is torn down (the census).
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <linux/openat2.h>

#include "../engine/engine.h"
#include "../runners/args.h"
#include "model.h"
#include "stress.h"

#define BATCH		32		/* lookups between checks */
#define PATHS		4096		/* pre-made paths per reader */
#define MAX_DEPTH	4		/* directories the writer nests */
#define MAX_MOUNTS	6
#define POPULATION	48		/* entries the writer keeps around */
#define HANG_SECONDS	10
#define READER_STACK	(64u << 20)	/* bytes: address space, touched only as needed */
#define STR_(x)		#x
#define STR(x)		STR_(x)

/* The writer's phases (writer_step). */
enum phase { PHASE_GENERAL, PHASE_MOUNT, PHASE_MOVE, PHASE_ATTACK, PHASES };

struct stress {
	const struct nb_strategy *s;
	double duration;
	int readers;
	uint64_t seed;
	bool quiet;
	unsigned int delays;		/* --delays */
	const char *bug;		/* --inject */
	const char *fs;			/* --fs: the root's type; NULL: by round */
	long budget;			/* --dentry-budget */
	long evicted;			/* by the writer's shrinks, this strategy */
	long automounted, expired;	/* autofs triggers made and mounted, expired */
	int fs_rounds[2];		/* rounds on a tmpfs root, on another type */
	struct model m;
	_Atomic bool stop;
	_Atomic int phase;		/* enum phase: the writer's, for the readers */
	_Atomic bool round_over;	/* the model is nearly full: start afresh */
	int rounds;
	long round_changes;		/* --round; 0: until the model is nearly full */
	long changes_before;		/* in the rounds before this one */
	/* the work demanded: at least this much, for at least the duration */
	long min_lookups, min_changes;	/* --min-lookups, --min-changes */
	int min_rounds;			/* --min-rounds */
	double max_duration;		/* --max-duration: then too slow to judge */
	bool too_slow;
	double waited;			/* the writer in model_throttle(), past rounds */
	_Atomic long lookups, unchecked, violations, changes, progress, writer_steps;
	pthread_mutex_t report_lock;
	bool failed;
	struct reader *rd;		/* this round's readers, for the hang report */
};

static struct stress *S_;		/* for the crash and bug reports */
static struct timespec t_start;

static double elapsed(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)(t.tv_sec - t_start.tv_sec) + (double)(t.tv_nsec - t_start.tv_nsec) / 1e9;
}

/* ---- failures ---- */

/* The first failure prints its report; the run stops. */
static bool fail_begin(struct stress *st, const char *how)
{
	pthread_mutex_lock(&st->report_lock);
	if (st->failed) {
		pthread_mutex_unlock(&st->report_lock);
		return false;
	}
	st->failed = true;
	atomic_store(&st->stop, true);
	printf("stress %s: FAIL (%s) after %.2f s", st->s->name, how, elapsed());
	return true;
}

static void fail_end(struct stress *st)
{
	fflush(stdout);
	pthread_mutex_unlock(&st->report_lock);
}

static void on_bug(const char *how, const char *msg)
{
	if (S_ && fail_begin(S_, how)) {
		printf(": %s\n", msg);
		fail_end(S_);
	} else {
		printf("stress: FAIL (%s): %s\n", how, msg);
		fflush(stdout);
	}
}

/* A crash: say so with what is async-signal-safe, then die of it. */
static void on_crash(int sig)
{
	char buf[160];
	const char *name = sig == SIGSEGV ? "SIGSEGV" : sig == SIGBUS ? "SIGBUS" :
			   sig == SIGFPE ? "SIGFPE" : sig == SIGILL ? "SIGILL" : "SIGABRT";
	long ms = (long)(elapsed() * 1000);
	int n = snprintf(buf, sizeof(buf), "stress %s: FAIL (crash) after %ld.%02ld s: %s\n",
			 S_ ? S_->s->name : "?", ms / 1000, (ms % 1000) / 10, name);

	if (n > 0 && write(STDOUT_FILENO, buf, (size_t)n) < 0)
		_exit(3);
	signal(sig, SIG_DFL);
	raise(sig);
}

static void install_crash_handlers(void)
{
	static const int sigs[] = { SIGSEGV, SIGBUS, SIGFPE, SIGILL };
	size_t i;

	for (i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		signal(sigs[i], on_crash);
}

/* ---- random numbers ---- */

static uint64_t rnd(uint64_t *x)
{
	/* xorshift64*: small, fast, good enough to choose operations */
	*x ^= *x >> 12;
	*x ^= *x << 25;
	*x ^= *x >> 27;
	return *x * UINT64_C(2685821657736338717);
}

static unsigned int pick(uint64_t *x, unsigned int n)
{
	return (unsigned int)(rnd(x) % n);
}

/* ---- the writer ---- */

struct writer {
	struct stress *st;
	struct nb_ctx *ctx;
	uint64_t rng;
	int population;
	unsigned long steps;
};

/* An entry the writer reached by path: a directory, a name, its path. */
struct entry {
	mref dir;
	int name;
	mref obj;			/* 0: no such entry (yet) */
	char path[512];
	int depth;
};

static const int entry_names[] = { NAME_A, NAME_B, NAME_C, NAME_D, NAME_E, NAME_L, NAME_M,
				   NAME_LONG };

/*
 * random_dir - a directory reachable by path: a random descent from "/",
 * through mounts (to the top of each stack), at most MAX_DEPTH down.
 */
static mref random_dir(struct writer *w, char *path, size_t n, int *depth)
{
	struct model *m = &w->st->m;
	mref d = model_top(m, m->root);
	int lvl = 0;

	snprintf(path, n, "%s", "");
	while (lvl < MAX_DEPTH - 1 && pick(&w->rng, 3)) {
		int name = entry_names[pick(&w->rng, sizeof(entry_names) / sizeof(entry_names[0]))];
		mref c = model_child(m, d, name);
		size_t len = strlen(path);

		if (!c || m->obj[c].type != MT_DIR)
			break;
		snprintf(path + len, n - len, "/%s", model_names[name]);
		d = model_top(m, c);
		lvl++;
	}
	*depth = lvl;
	return d;
}

static void random_entry(struct writer *w, struct entry *e)
{
	struct model *m = &w->st->m;
	size_t len;

	e->dir = random_dir(w, e->path, sizeof(e->path), &e->depth);
	e->name = entry_names[pick(&w->rng, sizeof(entry_names) / sizeof(entry_names[0]))];
	len = strlen(e->path);
	snprintf(e->path + len, sizeof(e->path) - len, "/%s", model_names[e->name]);
	e->obj = model_child(m, e->dir, e->name);
}

/* The protected names: "/s" (the scoped root) stays put. */
static bool protected(const struct writer *w, const struct entry *e)
{
	return e->dir == w->st->m.root && e->name == NAME_S;
}

static void writer_violation(struct writer *w, const char *op, const char *a, const char *b,
			     int got, const char *want)
{
	struct stress *st = w->st;

	if (!fail_begin(st, "oracle"))
		return;
	printf(": the writer's %s %s%s%s returned %s, the model says %s\n", op, a, b ? " " : "",
	       b ? b : "", got ? nb_errno_name(got) : "0", want);
	fail_end(st);
}

static void check_result(struct writer *w, const char *op, const char *a, const char *b,
			 int got, int want)
{
	if (got != want)
		writer_violation(w, op, a, b, got, want ? nb_errno_name(want) : "0");
}

/* Learn the identity of what the writer just made. */
static bool identify(struct writer *w, const char *path, struct nb_kstat *kst)
{
	int err = w->st->s->lstat(w->ctx, path, kst);

	if (err)
		writer_violation(w, "lstat of what it just made:", path, NULL, err, "0");
	return !err;
}

static enum mtype ktype(const struct nb_kstat *k)
{
	return k->type == NB_DIR ? MT_DIR : k->type == NB_LNK ? MT_LNK : MT_REG;
}

/*
 * A symlink's target: "/" or not, then up to two "." or "..", then any
 * name (a symlink too, perhaps).  Only the last component names an entry:
 * a link inside a body is then always its tail, which the walk follows in
 * place of the body (as Linux drops a used-up link from nd->stack), so
 * links nest no deeper than the lookup's own path puts them.  A body that
 * went down through entries ("a/L/b") could nest links forty deep, and the
 * oracle, choosing a version for every link it follows, would face a
 * number of walks exponential in the depth: past NODE_LIMIT on windows of
 * a few dozen versions.
 */
static void random_body(struct writer *w, char *buf, size_t n)
{
	static const char *const last[] = { "a", "b", "c", "d", "e", "L", "..", ".", "m", "o" };
	static const char *const dots[] = { "..", "." };
	int k = (int)pick(&w->rng, 3), i;
	size_t len = 0;

	buf[0] = '\0';
	if (pick(&w->rng, 10) < 3)
		len += (size_t)snprintf(buf, n, "/");
	for (i = 0; i < k && len < n; i++)
		len += (size_t)snprintf(buf + len, n - len, "%s/", dots[pick(&w->rng, 2)]);
	if (len < n)
		snprintf(buf + len, n - len, "%s", last[pick(&w->rng, sizeof(last) / sizeof(last[0]))]);
}

/*
 * op_trigger - a directory made in an autofs root is a trigger, pending
 * until the daemon (the writer, which mounted the map) walks through it
 * and mounts the map's filesystem there; till then a reader's walk sees
 * the trigger itself, an empty directory.  Two changes, as the engine
 * makes them: the trigger (its parent's links and size change at once,
 * which walks that copy them under RCU see before any mount), then the
 * mount, made by the writer's stat, which learns its device; readers that
 * then mount too lose to it.  The trigger's inode number, which no lookup
 * here can ask for, is the next of its filesystem's: those are handed out
 * in order, and every inode of an autofs filesystem is the writer's.
 */
static void op_trigger(struct writer *w, struct entry *e)
{
	struct stress *st = w->st;
	struct model *m = &st->m;
	struct nb_kstat k;
	uint64_t ino = m->obj[e->dir].last_ino + 1;
	mref t;
	int err = st->s->mkdir(w->ctx, e->path);

	check_result(w, "mkdir (an autofs trigger)", e->path, NULL, err, e->obj ? -EEXIST : 0);
	if (err)
		return;
	model_begin(m, "mkdir %s (an autofs trigger, %u:%" PRIu64 ")", e->path,
		    m->obj[e->dir].dev, ino);
	t = model_add(m, e->dir, e->name, MT_DIR, m->obj[e->dir].dev, ino, NULL);
	m->obj[e->dir].last_ino = ino;
	model_publish(m);
	w->population++;
	err = st->s->stat(w->ctx, e->path, &k);
	if (err || k.ino != 1 || k.type != NB_DIR) {
		writer_violation(w, "stat (automounting) of the trigger it just made:", e->path, NULL,
				 err, "0, the root of what it mounted");
		return;
	}
	model_begin(m, "automount %s (dev %u)", e->path, k.dev);
	model_mount(m, t, k.dev);
	model_publish(m);
	st->automounted++;
}

static bool is_trigger(const struct model *m, const struct entry *e)
{
	return e->obj && m->obj[e->dir].autofs && m->obj[e->obj].type == MT_DIR;
}

/*
 * op_expire - the automount daemon's expiry of a trigger: what is mounted
 * on it unmounted, if idle, and the trigger removed, as one change (no
 * walk mounts on a trigger being expired: autofs holds them back).
 */
static void op_expire(struct writer *w, struct entry *e)
{
	struct stress *st = w->st;
	struct model *m = &st->m;
	mref fs = model_mounted_on(m, e->obj);
	int n = st->s->expire(w->ctx, e->path);

	if (n < 0 || n > 1) {
		writer_violation(w, "expire", e->path, NULL, n < 0 ? n : -EIO, "0 or 1 expired");
		return;
	}
	if (!n)
		return;		/* busy: a reader holds what is mounted there */
	model_begin(m, "expire %s (dev %u)", e->path, m->obj[fs].dev);
	model_umount(m, fs);
	model_remove(m, e->dir, e->name);
	model_publish(m);
	w->population--;
	st->expired++;
}

static void op_create(struct writer *w, struct entry *e, enum mtype type)
{
	struct stress *st = w->st;
	const struct nb_strategy *s = st->s;
	struct nb_kstat k;
	char body[64];
	int err, want = e->obj ? -EEXIST : 0;

	if ((type == MT_DIR && e->depth >= MAX_DEPTH - 1) || model_full(&st->m))
		return;
	if (type == MT_DIR && st->m.obj[e->dir].autofs) {
		op_trigger(w, e);
		return;
	}
	if (type == MT_LNK)
		random_body(w, body, sizeof(body));
	err = type == MT_DIR ? s->mkdir(w->ctx, e->path) :
	      type == MT_REG ? s->create(w->ctx, e->path) : s->symlink(w->ctx, body, e->path);
	check_result(w, type == MT_DIR ? "mkdir" : type == MT_REG ? "create" : "symlink",
		     type == MT_LNK ? body : e->path, type == MT_LNK ? e->path : NULL, err, want);
	if (err || !identify(w, e->path, &k))
		return;
	model_begin(&st->m, "%s %s%s%s (%u:%" PRIu64 ")", type == MT_DIR ? "mkdir" :
		    type == MT_REG ? "create" : "symlink", e->path, type == MT_LNK ? " -> " : "",
		    type == MT_LNK ? body : "", k.dev, k.ino);
	model_add(&st->m, e->dir, e->name, ktype(&k), k.dev, k.ino, type == MT_LNK ? body : NULL);
	if (st->m.obj[e->dir].autofs)
		st->m.obj[e->dir].last_ino = k.ino;	/* for op_trigger */
	model_publish(&st->m);
	w->population++;
}

/*
 * A file removed while open, one in two: the unlink leaves the dentry to
 * the file, and the close's final dput frees it, after a grace period,
 * since a walker may have found the name before the unlink (the zoo's
 * open-dentry-norcu frees it at once).  Opening what the model says is a
 * regular file must succeed.
 */
static int open_for_removal(struct writer *w, const struct entry *e)
{
	int fd = nb_openat(w->st->s, w->ctx, AT_FDCWD, e->path, O_RDONLY);

	check_result(w, "open", e->path, NULL, fd < 0 ? fd : 0, 0);
	return fd;
}

static void op_remove(struct writer *w, struct entry *e)
{
	struct stress *st = w->st;
	struct model *m = &st->m;
	bool dir;
	int err, want, fd = -1;

	if (!e->obj || protected(w, e))
		return;
	dir = m->obj[e->obj].type == MT_DIR;
	if (m->obj[e->obj].type == MT_REG && pick(&w->rng, 2))
		fd = open_for_removal(w, e);
	if (dir)
		want = model_mounted_on(m, e->obj) ? -EBUSY :
		       !model_is_empty(m, e->obj) ? -ENOTEMPTY : 0;
	else
		want = 0;
	err = dir ? st->s->rmdir(w->ctx, e->path) : st->s->unlink(w->ctx, e->path);
	check_result(w, dir ? "rmdir" : "unlink", e->path, NULL, err, want);
	if (!err) {
		model_begin(m, "%s %s", dir ? "rmdir" : "unlink", e->path);
		model_remove(m, e->dir, e->name);
		model_publish(m);
		w->population--;
	}
	if (fd >= 0)
		check_result(w, "close", e->path, NULL, st->s->close(w->ctx, fd), 0);
}

/* What renameat2 must answer, from the model (the kernel's order of checks). */
static int expect_rename(struct writer *w, const struct entry *a, const struct entry *b,
			 bool exchange)
{
	struct model *m = &w->st->m;
	mref x = a->obj, y = b->obj;
	bool xdir;

	if (model_fs_root(m, a->dir) != model_fs_root(m, b->dir))
		return -EXDEV;
	if (!x || (exchange && !y))
		return -ENOENT;
	if (a->dir != b->dir) {
		/* lock_rename()'s trap */
		if (model_is_ancestor(m, x, b->dir))
			return -EINVAL;
		if (y && model_is_ancestor(m, y, a->dir))
			return exchange ? -EINVAL : -ENOTEMPTY;
	}
	if (x == y)
		return 0;
	xdir = m->obj[x].type == MT_DIR;
	if (y && !exchange) {
		bool ydir = m->obj[y].type == MT_DIR;

		if (xdir && !ydir)
			return -ENOTDIR;
		if (!xdir && ydir)
			return -EISDIR;
	}
	if (model_mounted_on(m, x) || (y && model_mounted_on(m, y)))
		return -EBUSY;
	if (y && !exchange && m->obj[y].type == MT_DIR && !model_is_empty(m, y))
		return -ENOTEMPTY;
	return 0;
}

static void op_rename(struct writer *w, struct entry *a, struct entry *b, bool exchange)
{
	struct stress *st = w->st;
	struct model *m = &st->m;
	int want, err;

	if (protected(w, a) || protected(w, b))
		return;
	/* keep the tree shallow: nothing moves a directory too deep */
	if (a->obj && m->obj[a->obj].type == MT_DIR && b->depth >= MAX_DEPTH - 1)
		return;
	if (exchange && b->obj && m->obj[b->obj].type == MT_DIR && a->depth >= MAX_DEPTH - 1)
		return;
	want = expect_rename(w, a, b, exchange);
	err = exchange ? st->s->exchange(w->ctx, a->path, b->path) :
			 st->s->rename(w->ctx, a->path, b->path);
	check_result(w, exchange ? "exchange" : "rename", a->path, b->path, err, want);
	if (err || a->obj == b->obj)
		return;
	model_begin(m, "%s %s %s", exchange ? "exchange" : "rename", a->path, b->path);
	if (exchange) {
		model_exchange(m, a->dir, a->name, b->dir, b->name);
	} else {
		if (b->obj)
			w->population--;
		model_rename(m, a->dir, a->name, b->dir, b->name);
	}
	model_publish(m);
}

/* The openat2 rename_attack move: "/s/c" and "/o" trade places. */
static void op_attack(struct writer *w)
{
	struct model *m = &w->st->m;
	mref s = model_child(m, m->root, NAME_S);
	struct entry a = { .dir = s, .name = NAME_C, .path = "/s/c", .depth = 1 };
	struct entry b = { .dir = m->root, .name = NAME_O, .path = "/o", .depth = 0 };

	if (!s)
		return;
	a.obj = model_child(m, s, NAME_C);
	b.obj = model_child(m, m->root, NAME_O);
	op_rename(w, &a, &b, true);
}

/* A symlink points elsewhere: a new one under the temporary name, renamed over. */
static void op_retarget(struct writer *w, struct entry *e)
{
	struct model *m = &w->st->m;
	struct entry t = *e;
	size_t cut;

	if (!e->obj || m->obj[e->obj].type != MT_LNK)
		return;
	t.name = NAME_T;
	cut = strlen(e->path) - strlen(model_names[e->name]);
	snprintf(t.path + cut, sizeof(t.path) - cut, "%s", model_names[NAME_T]);
	t.obj = model_child(m, t.dir, NAME_T);
	if (t.obj)
		op_remove(w, &t);
	t.obj = 0;
	if (atomic_load(&w->st->stop))
		return;
	op_create(w, &t, MT_LNK);
	t.obj = model_child(m, t.dir, NAME_T);
	if (t.obj && !atomic_load(&w->st->stop))
		op_rename(w, &t, e, false);
}

/*
 * The filesystems the writer mounts, at random: each answers as tmpfs
 * does, so the model need not know which is where; what differs is the
 * dcache under the readers (negative dentries kept, the LRU, eviction,
 * lookup_slow's lock, revalidation, d_hash and d_compare).  casefold
 * answers as tmpfs because the model's names differ in more than case.
 */
static const char *const mount_types[] = {
	"tmpfs", "disk", "disk,lookup=exclusive", "nfs", "nfs,interval=0", "nfs,reval=echild",
	"casefold", "casefold,strict", "autofs", "autofs,type=disk",
};

/* The writer's own mounts attached: automounts come and go with their triggers. */
static uint32_t writer_mounts(const struct model *m)
{
	uint32_t i, n = 0;

	for (i = 0; i < m->nattached; i++) {
		mref mp = model_mountpoint(m, m->attached[i]);

		n += !(mp && model_parent(m, mp) && m->obj[model_parent(m, mp)].autofs);
	}
	return n;
}

static void op_mount_type(struct writer *w, struct entry *e, const char *type)
{
	struct stress *st = w->st;
	struct model *m = &st->m;
	struct nb_kstat k;
	mref top, root;
	int err;

	if (!e->obj || m->obj[e->obj].type != MT_DIR || writer_mounts(m) >= MAX_MOUNTS ||
	    model_full(m))
		return;
	top = model_top(m, e->obj);
	err = st->s->mount(w->ctx, e->path, type);
	check_result(w, "mount", e->path, NULL, err, 0);
	if (err || st->s->stat(w->ctx, e->path, &k)) {
		if (!err)
			writer_violation(w, "stat of the mount it just made:", e->path, NULL, -EIO,
					 "0");
		return;
	}
	model_begin(m, "mount %s (dev %u)", e->path, k.dev);
	root = model_mount(m, top, k.dev);
	if (!strncmp(type, "casefold", 8))
		model_fs_casefold(m, root);
	if (!strncmp(type, "autofs", 6))
		model_fs_autofs(m, root);
	model_publish(m);
}

/* A mount of any type but autofs, whose maps map_churn() places. */
static void op_mount(struct writer *w, struct entry *e)
{
	const char *type;

	do
		type = mount_types[pick(&w->rng, sizeof(mount_types) / sizeof(mount_types[0]))];
	while (!strncmp(type, "autofs", 6));
	op_mount_type(w, e, type);
}

/*
 * Unmount the top of whatever is mounted on the entry, sync or lazy.
 * Returns false if a sync umount found the mount busy.
 */
static bool op_umount(struct writer *w, struct entry *e, bool lazy)
{
	struct stress *st = w->st;
	struct model *m = &st->m;
	mref top;
	uint32_t i;
	bool submounts = false;
	int err;

	if (!e->obj || !model_mounted_on(m, e->obj))
		return true;
	top = model_top(m, e->obj);
	/* an automount: the daemon's expiry, never a bare umount (readers would mount anew) */
	if (is_trigger(m, e) && top == model_mounted_on(m, e->obj)) {
		op_expire(w, e);
		return true;
	}
	for (i = 0; i < m->nattached; i++)
		if (model_fs_root(m, model_mountpoint(m, m->attached[i])) == top)
			submounts = true;
	err = st->s->umount(w->ctx, e->path, lazy ? NB_UMOUNT_LAZY : 0);
	/* a sync umount is EBUSY while anyone, a reader say, holds the mount */
	if (!lazy && err == -EBUSY)
		return false;
	check_result(w, lazy ? "umount (lazy)" : "umount", e->path, NULL, err,
		     !lazy && submounts ? -EBUSY : 0);
	if (err)
		return true;
	model_begin(m, "umount%s %s (dev %u)", lazy ? " lazy" : "", e->path, m->obj[top].dev);
	model_umount(m, top);
	model_publish(m);
	return true;
}

/* An entry at the top: where the phases below concentrate their churn. */
/*
 * op_shrink - the shrinker on demand, on the root's filesystem or on what
 * is mounted on the entry, while the readers walk through the dentries it
 * kills.  An eviction is not a change of the namespace (the next walk
 * finds the name again through ->lookup), so the model is not told: any
 * answer it makes wrong is a violation the readers report.
 */
static void op_shrink(struct writer *w, struct entry *e)
{
	struct stress *st = w->st;
	const char *path = e->obj && model_mounted_on(&st->m, e->obj) ? e->path : "/";
	int n = st->s->shrink(w->ctx, path);

	if (n < 0)
		writer_violation(w, "shrink", path, NULL, n, "a count of dentries");
	else
		st->evicted += n;
}

static void top_entry(struct writer *w, struct entry *e, const int *names, int n)
{
	struct model *m = &w->st->m;

	e->dir = model_top(m, m->root);
	e->name = names[pick(&w->rng, (unsigned int)n)];
	e->depth = 0;
	snprintf(e->path, sizeof(e->path), "/%s", model_names[e->name]);
	e->obj = model_child(m, e->dir, e->name);
}

/* Make room for a mount: lazily unmount one of those there are. */
static void umount_some(struct writer *w)
{
	struct model *m = &w->st->m;
	mref r = m->attached[pick(&w->rng, m->nattached)];
	mref mp = model_mountpoint(m, r);
	struct entry e = { .dir = model_parent(m, mp), .name = model_name_of(m, mp), .obj = mp };

	if (e.dir && model_path(m, mp, e.path, sizeof(e.path)) == 0)
		op_umount(w, &e, true);
}

/*
 * A non-lazy umount of a mount readers are crossing, tried again while it
 * is busy, then lazy.  Every try that finds it idle races with a reader's
 * legitimize_mnt(): its count increment against the umount's count check,
 * the store-load race the full barriers there exist for; an EBUSY try
 * costs no version, so many tries make that race dense.
 */
#define UMOUNT_TRIES	64

static void umount_hard(struct writer *w, struct entry *e)
{
	int i;

	for (i = 0; i < UMOUNT_TRIES && !atomic_load(&w->st->stop); i++)
		if (op_umount(w, e, false))
			return;
	op_umount(w, e, true);
}

/*
 * Trigger churn in the autofs map mounted on @map: a trigger made (and
 * mounted) or expired, among the names readers' hot paths walk through
 * ("/m/a/..").
 */
static void child_entry(struct writer *w, const struct entry *parent, int name, struct entry *e);

static void trigger_churn(struct writer *w, const struct entry *map)
{
	static const int names[] = { NAME_M, NAME_A, NAME_B };
	struct entry t;

	child_entry(w, map, names[pick(&w->rng, 3)], &t);
	if (!t.obj)
		op_create(w, &t, MT_DIR);
	else if (is_trigger(&w->st->m, &t))
		op_umount(w, &t, false);
}

/*
 * The general mix's automounts: trigger churn in an autofs map mounted on
 * a top name readers' paths go through ("/c/a/.."), or such a map mounted
 * where none is.  Not on the mount phase's names (m, a, b), whose
 * unmounts must find idle mounts to race legitimize_mnt(), which a map
 * with mounted triggers never is.
 */
static void map_churn(struct writer *w)
{
	static const int names[] = { NAME_C, NAME_D, NAME_E };
	struct model *m = &w->st->m;
	struct entry e;

	top_entry(w, &e, names, 3);
	if (!e.obj || m->obj[e.obj].type != MT_DIR)
		return;
	if (!model_mounted_on(m, e.obj)) {
		op_mount_type(w, &e, pick(&w->rng, 2) ? "autofs" : "autofs,type=disk");
		return;
	}
	if (m->obj[model_top(m, e.obj)].autofs)
		trigger_churn(w, &e);
}

/*
 * Mount churn on the directories readers cross most: mount, then try a
 * non-lazy umount (EBUSY while a reader holds the mount, and then lazy).
 */
static void mount_phase(struct writer *w)
{
	static const int names[] = { NAME_M, NAME_A, NAME_B };
	struct entry e;

	if (writer_mounts(&w->st->m) >= MAX_MOUNTS - 1)
		umount_some(w);
	top_entry(w, &e, names, 3);
	if (!e.obj)
		op_create(w, &e, MT_DIR);
	else if (w->st->m.obj[e.obj].type != MT_DIR)
		op_remove(w, &e);
	else if (!model_mounted_on(&w->st->m, e.obj))
		op_mount(w, &e);
	else
		umount_hard(w, &e);
}

/* @e: the entry @name in the directory @parent names. */
static void child_entry(struct writer *w, const struct entry *parent, int name, struct entry *e)
{
	e->dir = model_top(&w->st->m, parent->obj);
	e->name = name;
	e->depth = parent->depth + 1;
	snprintf(e->path, sizeof(e->path), "%.400s/%s", parent->path, model_names[name]);
	e->obj = model_child(&w->st->m, e->dir, name);
}

static bool is_dir(const struct writer *w, mref x)
{
	return x && w->st->m.obj[x].type == MT_DIR;
}

/* An entry in @dir made or removed: @dir's link count and size change. */
static void toggle_entry(struct writer *w, const struct entry *dir, int name)
{
	struct entry e;

	if (!is_dir(w, dir->obj) || model_mounted_on(&w->st->m, dir->obj))
		return;
	child_entry(w, dir, name, &e);
	if (e.obj)
		op_remove(w, &e);
	else
		op_create(w, &e, pick(&w->rng, 2) ? MT_DIR : MT_REG);
}

/*
 * Directories near the top move, and gain and lose entries, under readers:
 * among the top's names, and between two top directories ("/a/c" and
 * "/b/d" trade places), so that a walk standing on one, going down or up,
 * finds a different parent there if it misses the move.  A move between
 * parents comes right after an entry made or removed in the directory
 * that moves: an ancestor walk that copied the directory's attributes
 * before the first change and read its parent after the second holds a
 * list no version had, which is how a walk up that misses the move shows
 * (one move alone leaves a list that was true a moment later).
 */
static void move_phase(struct writer *w)
{
	static const int names[] = { NAME_A, NAME_B, NAME_C, NAME_D };
	struct entry a, b, c, d;
	unsigned int r = pick(&w->rng, 10);

	/* the moves between parents keep to /a and /b, where walks climb */
	top_entry(w, &a, names, r < 3 || r >= 8 ? 4 : 2);
	if (r < 3) {
		top_entry(w, &b, names, 4);
		op_rename(w, &a, &b, r < 2);
		return;
	}
	if (!is_dir(w, a.obj)) {
		if (!a.obj)
			op_create(w, &a, MT_DIR);
		return;
	}
	child_entry(w, &a, names[pick(&w->rng, 2)], &c);
	top_entry(w, &b, names, 2);
	if (r < 8 && is_dir(w, b.obj) && b.obj != a.obj) {
		child_entry(w, &b, names[pick(&w->rng, 2)], &d);
		toggle_entry(w, &c, names[pick(&w->rng, 2)]);
		op_rename(w, &c, &d, r < 6);
	} else {
		toggle_entry(w, &a, c.name);
	}
}

/*
 * The rename attack of the kernel's openat2 selftest: /s/c and /o are
 * exchanged again and again while scoped walkers rooted at /s climb out of
 * /s/c/a or /s/c/b with '..' chains.  A walker inside the directory that
 * moves out reaches '..'s outside the root unless the rename_lock check
 * stops it.  One change in eight keeps the pieces there.
 */
static void attack_phase(struct writer *w)
{
	struct model *m = &w->st->m;
	struct entry e = { .dir = model_child(m, m->root, NAME_S), .name = NAME_C,
			   .path = "/s/c", .depth = 1 };

	if (pick(&w->rng, 8)) {
		op_attack(w);
		return;
	}
	if (!e.dir || m->obj[e.dir].type != MT_DIR || model_mounted_on(m, e.dir))
		return;
	e.obj = model_child(m, e.dir, NAME_C);
	if (!e.obj) {
		op_create(w, &e, MT_DIR);
		return;
	}
	if (m->obj[e.obj].type != MT_DIR || model_mounted_on(m, e.obj))
		return;
	e.dir = e.obj;
	e.name = pick(&w->rng, 2) ? NAME_A : NAME_B;
	e.depth = 2;
	snprintf(e.path, sizeof(e.path), "/s/c/%s", model_names[e.name]);
	e.obj = model_child(m, e.dir, e.name);
	if (!e.obj)
		op_create(w, &e, MT_DIR);
}

/*
 * writer_step - one change.  The writer works in phases of PHASE_OPS
 * changes: the general mix, then mount churn where readers cross, then
 * directories near the top moving under readers: each phase makes its
 * kind of race dense for a while.
 */
#define PHASE_OPS	2048

static void writer_step(struct writer *w)
{
	struct entry a, b;
	unsigned int r = pick(&w->rng, 100);
	bool grow = w->population < POPULATION;

	int phase = (int)((w->steps++ / PHASE_OPS) % PHASES);

	atomic_store_explicit(&w->st->phase, phase, memory_order_relaxed);
	switch (phase) {
	case PHASE_MOUNT:
		mount_phase(w);
		return;
	case PHASE_ATTACK:
		attack_phase(w);
		return;
	case PHASE_MOVE:
		if (pick(&w->rng, 4)) {
			move_phase(w);
			return;
		}
		break;
	}
	random_entry(w, &a);
	if (r < 10) {
		op_attack(w);
	} else if (r < 32) {
		random_entry(w, &b);
		op_rename(w, &a, &b, false);
	} else if (r < 44) {
		random_entry(w, &b);
		op_rename(w, &a, &b, true);
	} else if (r < 68) {
		if (a.obj && grow)
			return;
		op_create(w, &a, pick(&w->rng, 5) < 2 ? MT_DIR : pick(&w->rng, 3) ? MT_REG : MT_LNK);
	} else if (r < 80) {
		if (!grow || pick(&w->rng, 4) == 0)
			op_remove(w, &a);
	} else if (r < 85) {
		op_retarget(w, &a);
	} else if (r < 88) {
		op_shrink(w, &a);
	} else if (r < 92) {
		op_mount(w, &a);
	} else if (r < 96) {
		op_umount(w, &a, pick(&w->rng, 2));
	} else {
		map_churn(w);
	}
}

static void *writer_main(void *arg)
{
	struct writer *w = arg;
	struct stress *st = w->st;

	if (nb_thread_start())
		abort();
	w->ctx = nb_ctx_new(st->s);
	if (!w->ctx)
		abort();
	while (!atomic_load(&st->stop)) {
		if (model_fill(&st->m) > 0.9 ||
		    (st->round_changes && st->m.ver >= (uint64_t)st->round_changes)) {
			atomic_store(&st->round_over, true);
			break;
		}
		/* between steps, never inside one: a checker may be waiting for
		 * the version a step makes */
		if (!model_throttle(&st->m, &st->stop))
			break;
		model_writer_busy(&st->m, true);
		writer_step(w);
		model_writer_busy(&st->m, false);
		atomic_fetch_add_explicit(&st->progress, 1, memory_order_relaxed);
		atomic_fetch_add_explicit(&st->writer_steps, 1, memory_order_relaxed);
		atomic_store_explicit(&st->changes, st->changes_before + (long)st->m.ver,
				      memory_order_relaxed);
	}
	nb_ctx_free(w->ctx);
	nb_thread_stop();
	return NULL;
}

/* ---- readers ---- */

struct reader {
	struct stress *st;
	int index;
	uint64_t rng;
	struct nb_ctx *ctx;
	struct reader_paths {		/* made once a round, PATHS of each kind */
		char plain[PATHS][64];	/* for stat and ancestors */
		char scoped[PATHS][64];	/* for stat_in_root */
		char hot[PATHS][64];	/* into the churned mounts */
		char attack[PATHS][64];	/* '..' chains out of /s/c, in root /s */
		char moving[PATHS][64];	/* down through moving directories */
		char climb[PATHS][64];	/* up from below them: "/a/c/b" */
	} *p;
	struct lookup_record rec[BATCH];
	/* where the reader is, for the hang report: lookup i of its batch
	 * (0 <= i < BATCH), or checking lookup i (BATCH + i) */
	_Atomic int at;
};

/*
 * A path through the directories the mount and move phases churn, with
 * the '..' that makes a walker cross back over what just changed.
 */
static void hot_path(uint64_t *rng, char *buf, size_t n, bool inside)
{
	static const char *const hot[] = { "m", "a", "b" };
	static const char *const any[] = { "a", "b", "c", "d", "m", "L" };
	static const char *const shapes[] = { "/%s/..", "/%s/../%s", "/%s/./..", "/%s/%s/..",
					      "/%s/../%s/..", "%s/%s", "/%s/%s/../..", "/%s",
					      "%s/.", "/%s/" };
	/* the shapes that end in the directory, or the mount, they entered:
	 * their walks legitimize that mount last */
	static const char *const ending_inside[] = { "/%s", "/%s/", "%s/.", "/%s/.", "/%s/%s/.." };
	const char *x = hot[pick(rng, 3)], *y = any[pick(rng, 6)];

	if (inside)
		snprintf(buf, n, ending_inside[pick(rng, sizeof(ending_inside) /
						       sizeof(ending_inside[0]))], x, y);
	else
		snprintf(buf, n, shapes[pick(rng, sizeof(shapes) / sizeof(shapes[0]))], x, y);
}

/*
 * @k components down through the directories move_phase() renames
 * ("/a/c", "/b/d/a"): a walk standing on one when it moves must notice, by
 * its d_seq, before it takes the next step from there, going down or (an
 * ancestor walk from three down) going up.
 */
static void moving_path(uint64_t *rng, char *buf, size_t n, int k, bool climb)
{
	static const char *const names[] = { "a", "b", "c", "d" };
	int i;
	size_t len = 0;

	/* below the top, move_phase() moves and changes only "a" and "b",
	 * and between parents only in /a and /b */
	for (i = 0; i < k && len + 3 < n; i++)
		len += (size_t)snprintf(buf + len, n - len, "/%s",
					names[pick(rng, i || climb ? 2 : 4)]);
}

/* A '..' chain out of /s/c/a or /s/c/b, for a walk rooted at /s. */
static void attack_path(uint64_t *rng, char *buf, size_t n)
{
	static const char *const shapes[] = { "c/%s/../../..", "c/%s/../../../..", "c/%s/../../../c",
					      "c/%s/../../../o", "c/%s/../../c/%s/../../..",
					      "c/%s/../..", "c/%s/.." };
	const char *x = pick(rng, 2) ? "a" : "b", *y = pick(rng, 2) ? "a" : "b";

	snprintf(buf, n, shapes[pick(rng, sizeof(shapes) / sizeof(shapes[0]))], x, y);
}

static void make_path(uint64_t *rng, char *buf, size_t n, bool scoped)
{
	static const char *const plain[] = { "a", "b", "c", "d", "e", "a", "b", "c", "L", "L",
		"m", "m", "..", "..", ".", "o", "s",
		"a-name-long-enough-to-live-outside-the-dentry-itself" };
	static const char *const inroot[] = { "c", "c", "..", "..", "..", "s", "o", "a", "L" };
	const char *const *set = scoped ? inroot : plain;
	unsigned int nset = scoped ? sizeof(inroot) / sizeof(inroot[0]) :
				     sizeof(plain) / sizeof(plain[0]);
	int k = 1 + (int)pick(rng, scoped ? 6 : 5), i;
	size_t len = 0;

	if (!scoped && pick(rng, 3) == 0) {
		hot_path(rng, buf, n, false);
		return;
	}
	if (!scoped || pick(rng, 4) == 0)
		len += (size_t)snprintf(buf, n, "%s", pick(rng, 5) ? "/" : "");
	else
		buf[0] = '\0';
	for (i = 0; i < k; i++) {
		const char *c = set[pick(rng, nset)];

		if (len + strlen(c) + 2 >= n)
			break;
		len += (size_t)snprintf(buf + len, n - len, "%s%s", i && len ? "/" : "", c);
	}
	if (pick(rng, 20) == 0 && len + 1 < n)
		snprintf(buf + len, n - len, "/");
	/* one in eight in other cases: the same names where a casefold
	 * filesystem folds them (d_hash, d_compare), none elsewhere */
	if (pick(rng, 8) == 0)
		for (i = 0; buf[i]; i++)
			buf[i] = (char)(buf[i] >= 'a' && buf[i] <= 'z' ? buf[i] - 32 :
					buf[i] >= 'A' && buf[i] <= 'Z' ? buf[i] + 32 : buf[i]);
}

/*
 * The ancestor walk's callback: each element, and the version published
 * when the walk handed it over, which bounds when the walk stood on it.
 */
struct collect {
	struct lookup_record *r;
	struct model *m;
};

static int collect_ancestor(void *arg, const struct nb_kstat *st)
{
	struct collect *col = arg;
	struct lookup_record *r = col->r;

	if (!st) {
		r->nanc = 0;		/* a restart: forget what was seen */
		r->anc_rcu = false;	/* ... and the REF-walk gives the rest */
		return 0;
	}
	if (r->nanc < 0 || r->nanc == MODEL_ANCESTORS) {
		r->nanc = -1;
		return 1;
	}
	/* what the walk read of this element before the call, before what
	 * we read of the version; pairs with the writer's fences in
	 * model_writer_busy() and model_publish(), as s1's does */
	atomic_thread_fence(memory_order_seq_cst);
	r->anc_by[r->nanc] = atomic_load_explicit(&col->m->published, memory_order_relaxed);
	r->anc[r->nanc++] = *st;
	return 0;
}

/*
 * The iterator's steps, collected as the callback's are: each handed over
 * when ancestor_next() returns it, so collect_ancestor() records the
 * version by then.
 */
static int iterate_ancestors(const struct nb_strategy *s, struct nb_ctx *ctx, const char *path,
			     struct collect *col)
{
	struct nb_ancestor_iter it;
	struct nb_kstat st;
	int err = s->ancestor_first(ctx, path, &it, &st);

	if (err)
		return err;
	do {
		if (collect_ancestor(col, &st)) {
			s->ancestor_stop(&it);	/* too long to record: stop early */
			return 0;
		}
	} while (s->ancestor_next(&it, &st));
	return 0;
}

/* The ancestor walk in either form, one in two each. */
static enum lookup_kind ancestor_form(struct reader *rd)
{
	return pick(&rd->rng, 2) ? LK_ANCESTORS : LK_ANCESTORS_ITER;
}

/* One lookup in eight is openat2(RESOLVE_CACHED) of a plain path. */
static void choose_cached(struct reader *rd, struct lookup_record *r)
{
	if (pick(&rd->rng, 8))
		return;
	r->kind = LK_CACHED;
	r->path = rd->p->plain[pick(&rd->rng, PATHS)];
}

/* Which lookup next: its kind, path and root, following the writer's phase. */
static void choose_lookup(struct reader *rd, struct lookup_record *r)
{
	static const char *const roots[] = { "/s", "/s", "/s", "/m", "/a", "/b" };
	struct stress *st = rd->st;
	unsigned int k = pick(&rd->rng, 100);

	r->kind = k < 40 ? LK_STAT : k < 45 ? LK_GETCWD : k < 60 ? LK_LSTAT : k < 80 ? LK_IN_ROOT :
		  ancestor_form(rd);
	r->path = r->kind == LK_IN_ROOT ? rd->p->scoped[pick(&rd->rng, PATHS)] :
					  rd->p->plain[pick(&rd->rng, PATHS)];
	/* mostly "/s", where the rename attack is; sometimes a churned mount */
	r->root = roots[pick(&rd->rng, sizeof(roots) / sizeof(roots[0]))];
	/* three lookups in four follow what the writer's phase churns */
	switch (atomic_load_explicit(&st->phase, memory_order_relaxed)) {
	case PHASE_ATTACK:	/* /s/c exchanged: climb out of it (rooted as above:
				 * all at /s leaves global's longer windows
				 * beyond the model's history too often) */
		if (pick(&rd->rng, 4)) {
			r->kind = LK_IN_ROOT;
			r->path = rd->p->attack[pick(&rd->rng, PATHS)];
		}
		break;
	case PHASE_MOVE:	/* directories at the top move: descend through
				 * them, or climb from below them */
		if (!pick(&rd->rng, 4))
			break;
		r->kind = k < 35 ? LK_STAT : k < 50 ? LK_LSTAT : k < 75 ? LK_GETCWD : ancestor_form(rd);
		/* getcwd from below them: each name and parent on the way up moves */
		r->path = lk_ancestors(r->kind) || r->kind == LK_GETCWD ?
			  rd->p->climb[pick(&rd->rng, PATHS)] : rd->p->moving[pick(&rd->rng, PATHS)];
		break;
	case PHASE_MOUNT:	/* mounts churn: end inside them */
		if (k < 80 && pick(&rd->rng, 4)) {
			r->kind = k < 60 ? LK_STAT : LK_LSTAT;
			r->path = rd->p->hot[pick(&rd->rng, PATHS)];
		}
		break;
	}
	choose_cached(rd, r);
}

/*
 * LK_CACHED: openat2(@path, RESOLVE_CACHED) as io_uring's non-blocking
 * open makes it, then what the descriptor stands on (fstat, holding the
 * file's reference) and close.
 */
static int cached_lookup(const struct nb_strategy *s, struct nb_ctx *ctx, const char *path,
			 struct nb_kstat *st)
{
	int fd = s->openat2(ctx, AT_FDCWD, path, O_RDONLY, RESOLVE_CACHED), err;

	if (fd < 0)
		return fd;
	err = s->fstat(ctx, fd, st);
	s->close(ctx, fd);
	return err;
}

static void reader_violation(struct reader *rd, const struct lookup_record *r,
			     const char *why);

/*
 * Back to "/" at once: every other lookup resolves a relative path from
 * there (the model's), and a working directory holds its mount busy.
 */
static void leave_cwd(struct reader *rd)
{
	if (rd->st->s->chdir(rd->ctx, "/"))
		reader_violation(rd, NULL, "chdir(\"/\") failed");
}

/*
 * getcwd's working directory: the reader's context goes into @r's path,
 * or the nearest of its prefixes that is a directory now (the moving
 * directories come and go: a walk up needs one to stand in), and learns
 * which object it stands on (stat of "." looks nothing up), before the
 * window opens.  False, back at "/", if that fails (a prefix gone
 * meanwhile): the record becomes a stat of the path.
 */
static bool enter_cwd(struct reader *rd, struct lookup_record *r)
{
	const struct nb_strategy *s = rd->st->s;
	char *slash;

	snprintf(r->dir, sizeof(r->dir), "%s", r->path);
	r->path = r->dir;
	while (s->chdir(rd->ctx, r->dir)) {
		slash = strrchr(r->dir, '/');
		if (!slash || slash == r->dir)
			break;
		*slash = '\0';
	}
	if (!s->stat(rd->ctx, ".", &r->st))
		return true;
	leave_cwd(rd);
	r->kind = LK_STAT;
	return false;
}

/*
 * One lookup, between the versions published before (s0) and after (s1)
 * it, with what the reader's own counters say about how the walk went:
 * whether it finished in RCU mode (no unlazy, no restart), and so whether
 * a strategy that answers stat under RCU (rcufull) copied the attributes
 * there, before the walk's last d_seq check; every other strategy copies
 * them holding a reference.
 */
static void one_lookup(struct reader *rd, struct lookup_record *r)
{
	struct stress *st = rd->st;
	const struct nb_strategy *s = st->s;
	struct model *m = &st->m;
	uint64_t walks, done, unlazy, echild, seq;

	choose_lookup(rd, r);
	r->nanc = 0;
	r->anc_rcu = true;		/* until collect_ancestor() hears of a restart */
	memset(&r->st, 0, sizeof(r->st));
	if (r->kind == LK_GETCWD)
		enter_cwd(rd, r);
	walks = nb_counter_self(NB_COUNTER_RCU_WALK);
	done = nb_counter_self(NB_COUNTER_RCU_DONE);
	unlazy = nb_counter_self(NB_COUNTER_UNLAZY);
	echild = nb_counter_self(NB_COUNTER_ECHILD);
	/* acquire: everything up to s0 is visible to the lookup */
	r->s0 = atomic_load_explicit(&m->published, memory_order_acquire);
	seq = nb_namespace_seq();
	switch (r->kind) {
	case LK_STAT:
		r->err = s->stat(rd->ctx, r->path, &r->st);
		break;
	case LK_LSTAT:
		r->err = s->lstat(rd->ctx, r->path, &r->st);
		break;
	case LK_IN_ROOT:
		r->err = s->stat_in_root(rd->ctx, r->root, r->path, &r->st);
		break;
	case LK_ANCESTORS:
		r->err = s->ancestors(rd->ctx, r->path, collect_ancestor,
				      &(struct collect){ .r = r, .m = m });
		break;
	case LK_ANCESTORS_ITER:
		r->err = iterate_ancestors(s, rd->ctx, r->path, &(struct collect){ .r = r, .m = m });
		break;
	case LK_GETCWD:
		r->err = s->getcwd(rd->ctx, r->cwd, sizeof(r->cwd));
		break;
	case LK_CACHED:
		r->err = cached_lookup(s, rd->ctx, r->path, &r->st);
		break;
	}
	/* nothing the lookup saw comes after what s1 says; pairs with the
	 * writer's fences in model_writer_busy() and model_publish() */
	atomic_thread_fence(memory_order_seq_cst);
	r->s1 = atomic_load_explicit(&m->published, memory_order_relaxed);
	r->seq_moved = nb_namespace_seq() != seq;
	walks = nb_counter_self(NB_COUNTER_RCU_WALK) - walks;
	r->rcu_complete = !lk_ancestors(r->kind) && !r->err && walks &&
			  nb_counter_self(NB_COUNTER_RCU_DONE) - done == walks &&
			  nb_counter_self(NB_COUNTER_UNLAZY) == unlazy &&
			  nb_counter_self(NB_COUNTER_ECHILD) == echild;
	/* fstat copies the attributes holding the file's reference */
	r->attrs_rcu = r->rcu_complete && r->kind != LK_IN_ROOT && r->kind != LK_CACHED &&
		       s->stat_under_rcu;
	/* fstat reads them after the open, not at the walk's version */
	r->attrs_unknown = r->kind == LK_CACHED;
	r->left_rcu = nb_counter_self(NB_COUNTER_UNLAZY) != unlazy ||
		      nb_counter_self(NB_COUNTER_ECHILD) != echild;
	/* an RCU strategy tries the ancestor walk in RCU mode first */
	r->anc_rcu = r->anc_rcu && r->kind == LK_ANCESTORS && !r->err && walks;
	if (r->kind == LK_GETCWD)
		leave_cwd(rd);
}

/*
 * Under one lock an answer is true of one version; else step by step.  The
 * ancestor iterator takes the lock once a step, so even there its answer
 * is a sequence of versions.
 */
static enum check_mode check_mode_of(const struct stress *st, const struct lookup_record *r)
{
	return st->s->one_lock && r->kind != LK_ANCESTORS_ITER ? CHECK_ATOMIC : CHECK_STEPS;
}

static void reader_violation(struct reader *rd, const struct lookup_record *r, const char *why)
{
	struct stress *st = rd->st;

	if (!fail_begin(st, "oracle"))
		return;
	printf(": %s\n", why);
	if (r)
		model_check(&st->m, r, check_mode_of(st, r), stdout);
	fail_end(st);
}

/* Check one record; false: a violation, reported, and the run stops. */
static bool check_one(struct reader *rd, const struct lookup_record *r)
{
	struct stress *st = rd->st;
	enum check_result res;

	if (r->err == -ECHILD) {
		reader_violation(rd, NULL, "-ECHILD escaped from a lookup");
		return false;
	}
	res = model_check(&st->m, r, check_mode_of(st, r), NULL);
	if (res == CHECK_VIOLATION) {
		atomic_fetch_add_explicit(&st->violations, 1, memory_order_relaxed);
		reader_violation(rd, r, "an answer the namespace never allowed");
		return false;
	}
	if (res == CHECK_UNCHECKED &&
	    atomic_fetch_add_explicit(&st->unchecked, 1, memory_order_relaxed) < 3) {
		/* what to build a test from: the lookup, and why it was not judged */
		pthread_mutex_lock(&st->report_lock);
		printf("stress %s: unchecked: %s%s%s \"%s\"%s: %s\n", st->s->name,
		       model_kind_name(r->kind), r->kind == LK_IN_ROOT ? " root " : "",
		       r->kind == LK_IN_ROOT ? r->root : "", r->path,
		       r->rcu_complete || r->anc_rcu ? " (finished in RCU mode)" : "",
		       model_unchecked_why());
		fflush(stdout);
		pthread_mutex_unlock(&st->report_lock);
	} else if (res == CHECK_OK) {
		atomic_fetch_add_explicit(&st->lookups, 1, memory_order_relaxed);
	}
	return true;
}

/* The batch's records in order, the floor raised past each one checked. */
static void check_batch(struct reader *rd)
{
	struct stress *st = rd->st;
	int i;

	for (i = 0; i < BATCH && !atomic_load(&st->stop); i++) {
		atomic_store_explicit(&rd->at, BATCH + i, memory_order_relaxed);
		if (!check_one(rd, &rd->rec[i]))
			return;
		if (i + 1 < BATCH)
			model_reader_checked(&st->m, rd->index, rd->rec[i + 1].s0);
	}
}

static void *reader_main(void *arg)
{
	struct reader *rd = arg;
	struct stress *st = rd->st;
	int i;

	if (nb_thread_start())
		abort();
	rd->ctx = nb_ctx_new(st->s);
	if (!rd->ctx)
		abort();
	while (!atomic_load(&st->stop)) {
		/* the writer does not outrun the history these lookups need */
		model_reader_begin(&st->m, rd->index);
		for (i = 0; i < BATCH; i++) {
			atomic_store_explicit(&rd->at, i, memory_order_relaxed);
			one_lookup(rd, &rd->rec[i]);
		}
		/* checking takes a while: a QSBR reader must not hold up grace periods */
		nb_thread_idle();
		check_batch(rd);
		/* checked, or the run is over: hold up the writer no longer */
		model_reader_checked(&st->m, rd->index, MODEL_IDLE);
		nb_thread_active();
		atomic_fetch_add_explicit(&st->progress, 1, memory_order_relaxed);
	}
	nb_ctx_free(rd->ctx);
	nb_thread_stop();
	return NULL;
}

/* ---- the run ---- */

/* The starting tree: "/s" with "/s/c" in it, "/o", and a few more. */
static int populate(struct stress *st, struct nb_ctx *ctx)
{
	static const char *const dirs[] = { "/s", "/s/c", "/o", "/a", "/b", "/a/c", "/b/d",
					    "/s/c/a", "/o/b" };
	static const char *const files[] = { "/c", "/a/d", "/s/a", "/o/c" };
	struct model *m = &st->m;
	struct nb_kstat k;
	size_t i;
	int err;

	for (i = 0; i < sizeof(dirs) / sizeof(dirs[0]) + sizeof(files) / sizeof(files[0]); i++) {
		bool dir = i < sizeof(dirs) / sizeof(dirs[0]);
		const char *p = dir ? dirs[i] : files[i - sizeof(dirs) / sizeof(dirs[0])];
		const char *slash = strrchr(p, '/');
		char parent[64];
		mref d = m->root;
		const char *q;

		err = dir ? st->s->mkdir(ctx, p) : st->s->create(ctx, p);
		if (!err)
			err = st->s->lstat(ctx, p, &k);
		if (err)
			return err;
		snprintf(parent, sizeof(parent), "%.*s", (int)(slash - p), p);
		for (q = parent; *q; ) {
			const char *e = strchr(q + 1, '/');
			size_t len = e ? (size_t)(e - q - 1) : strlen(q + 1);

			d = model_child(m, d, model_name_index(q + 1, len));
			q += len + 1;
		}
		model_throttle(m, &st->stop);	/* no reader yet: at once */
		model_begin(m, "%s %s (%u:%" PRIu64 ")", dir ? "mkdir" : "create", p, k.dev, k.ino);
		model_add(m, d, model_name_index(slash + 1, strlen(slash + 1)),
			  dir ? MT_DIR : MT_REG, k.dev, k.ino, NULL);
		model_publish(m);
	}
	return 0;
}

static void progress_line(struct stress *st, double t)
{
	if (st->quiet)
		return;
	fprintf(stderr, "stress %s: %.0f/%.0f s: %ld lookups checked, %ld changes, %ld violations\n",
		st->s->name, t, st->duration, atomic_load(&st->lookups), atomic_load(&st->changes),
		atomic_load(&st->violations));
}

/* Has the run done the work demanded of it (the rounds: completed)? */
static bool demands_met(struct stress *st)
{
	return atomic_load(&st->lookups) >= st->min_lookups &&
	       atomic_load(&st->changes) >= st->min_changes && st->rounds >= st->min_rounds;
}

/* The duration is over, and the work demanded done; or it is too late. */
static bool run_over(struct stress *st, double t)
{
	if (t >= st->duration && demands_met(st))
		return true;
	if (t >= st->max_duration)
		st->too_slow = true;
	return st->too_slow;
}

static void hang(struct stress *st, const char *what)
{
	if (fail_begin(st, "hang")) {
		printf(": %s\n", what);
		fail_end(st);
	}
	fflush(stdout);
	_exit(1);	/* the stuck threads cannot be joined */
}

/* The writer has waited HANG_SECONDS for reader @who: say where it is. */
static void hang_held_up(struct stress *st, int who)
{
	int at = atomic_load_explicit(&st->rd[who].at, memory_order_relaxed);
	char why[160];

	snprintf(why, sizeof(why), "the writer waited %d s for reader %d, which is %s %s %d "
		 "of its batch of %d", HANG_SECONDS, who,
		 at < BATCH ? "still in" : "checking", at < BATCH ? "lookup" : "the lookup",
		 (at < BATCH ? at : at - BATCH) + 1, BATCH);
	hang(st, why);
}

/* Wait out the duration and the work demanded, watching for a hang. */
static void supervise(struct stress *st)
{
	long last = -1, last_steps = -1, last_search = -1;
	double last_change = 0, last_step = 0, next_line = 1;

	while (!atomic_load(&st->stop) && !atomic_load(&st->round_over)) {
		double t = elapsed();
		/* a lookup or a change done, or a check's search going on */
		long search = atomic_load_explicit(&st->m.search_steps, memory_order_relaxed);
		long p = atomic_load(&st->progress) + search;
		long steps = atomic_load(&st->writer_steps);
		int who = atomic_load_explicit(&st->m.waiting_for, memory_order_relaxed);
		struct timespec ts = { 0, 20 * 1000 * 1000 };

		if (run_over(st, t))
			break;
		if (p != last) {
			last = p;
			last_change = t;
		} else if (t - last_change > HANG_SECONDS) {
			hang(st, "no reader or writer finished anything, and no check searched, for "
			     STR(HANG_SECONDS) " s");
		}
		if (steps != last_steps || who < 0 || search != last_search) {
			last_steps = steps;
			last_search = search;
			last_step = t;
		} else if (t - last_step > HANG_SECONDS) {
			hang_held_up(st, who);
		}
		if (t >= next_line) {
			progress_line(st, t);
			next_line += 1;
		}
		nanosleep(&ts, NULL);
	}
	atomic_store(&st->stop, true);
}

static int teardown_check(struct stress *st)
{
	struct nb_census c;

	nb_census(&c);
	if (c.dentries || c.external_names || c.inodes || c.supers || c.mounts) {
		if (fail_begin(st, "refcount")) {
			printf(": after teardown %ld dentries, %ld names, %ld inodes, %ld superblocks "
			       "and %ld mounts are still alive\n", c.dentries, c.external_names,
			       c.inodes, c.supers, c.mounts);
			fail_end(st);
		}
		return 1;
	}
	return 0;
}

/*
 * One round: a fresh engine and namespace, the writer and the readers
 * until the duration is up or the model is nearly full, then the teardown
 * check.  A long run is a sequence of rounds, so the model's fixed
 * capacity never bounds the duration.
 */
/* Reader @i of this round: its own random stream and its paths, made once. */
static int reader_make(struct stress *st, struct reader *rd, int i)
{
	uint64_t rng = st->seed * 7919 + (uint64_t)i * 104729 + 1 +
		       (uint64_t)st->rounds * 0x632be5ab;
	int j;

	rd->st = st;
	rd->index = i;
	rd->rng = rng;
	rd->p = calloc(1, sizeof(*rd->p));
	if (!rd->p)
		return -ENOMEM;
	for (j = 0; j < PATHS; j++) {
		make_path(&rng, rd->p->plain[j], sizeof(rd->p->plain[j]), false);
		make_path(&rng, rd->p->scoped[j], sizeof(rd->p->scoped[j]), true);
		hot_path(&rng, rd->p->hot[j], sizeof(rd->p->hot[j]), true);
		attack_path(&rng, rd->p->attack[j], sizeof(rd->p->attack[j]));
		moving_path(&rng, rd->p->moving[j], sizeof(rd->p->moving[j]),
			    2 + (int)pick(&rng, 2), false);
		moving_path(&rng, rd->p->climb[j], sizeof(rd->p->climb[j]), 3, true);
	}
	return 0;
}

/*
 * The writer, then the readers: 0, or -EAGAIN when one could not start,
 * after those that did were told to stop and joined (none is left running
 * on a round being torn down).
 */
static int round_threads(struct stress *st, struct writer *w, pthread_t *wt, pthread_t *rt,
			 struct reader *rd)
{
	pthread_attr_t attr;
	int i;

	if (pthread_create(wt, NULL, writer_main, w))
		return -EAGAIN;
	/* a check of a long window recurses deep, with arrays of MODEL_WINDOW
	 * versions in its frames: room to spare, in the sanitized builds too */
	pthread_attr_init(&attr);
	pthread_attr_setstacksize(&attr, READER_STACK);
	for (i = 0; i < st->readers; i++)
		if (pthread_create(&rt[i], &attr, reader_main, &rd[i]))
			break;
	pthread_attr_destroy(&attr);
	if (i == st->readers)
		return 0;
	atomic_store(&st->stop, true);
	pthread_join(*wt, NULL);
	while (i--)
		pthread_join(rt[i], NULL);
	return -EAGAIN;
}

/* A fresh engine, its root in a fresh model, the starting tree. */
static int round_begin(struct stress *st, struct nb_ctx **ctx)
{
	struct nb_kstat root;
	/* a root that keeps unused dentries (disk, nfs), or tmpfs's */
	bool disk = st->fs ? !!strncmp(st->fs, "tmpfs", 5) : st->rounds % 2;
	int err = nb_fs_select(st->fs ? st->fs : disk ? "disk" : "tmpfs");

	if (err)
		return err;
	st->fs_rounds[disk]++;
	nb_set_dentry_budget(st->budget);
	err = nb_engine_init(12);	/* a small hash: chains shared, races on them */

	if (err)
		return err;
	*ctx = nb_ctx_new(st->s);
	if (!*ctx)
		return -ENOMEM;
	err = st->s->stat(*ctx, "/", &root);
	if (!err)
		err = model_init(&st->m, root.dev, root.ino);
	if (!err && st->fs && !strncmp(st->fs, "casefold", 8))
		model_fs_casefold(&st->m, st->m.root);
	if (!err)
		err = model_readers(&st->m, st->readers);
	if (!err)
		err = populate(st, *ctx);
	return err;
}

static int stress_round(struct stress *st)
{
	pthread_t wt, *rt = calloc((size_t)st->readers, sizeof(*rt));
	struct reader *rd = calloc((size_t)st->readers, sizeof(*rd));
	struct writer w = { .st = st, .rng = st->seed * 2 + 1 + (uint64_t)st->rounds * 0x9e3779b9,
			    .population = 4 };
	struct nb_ctx *ctx = NULL;
	int i, err;

	if (!rt || !rd)
		return -ENOMEM;
	err = round_begin(st, &ctx);
	for (i = 0; i < st->readers && !err; i++)
		err = reader_make(st, &rd[i], i);
	if (err)
		return err;
	st->rd = rd;
	atomic_store(&st->round_over, false);
	atomic_store(&st->stop, false);
	/* the main thread only watches and waits: under QSBR an online thread
	 * that never passes a quiescent state holds up every grace period, and
	 * the writer's umount waits for one */
	nb_thread_idle();
	err = round_threads(st, &w, &wt, rt, rd);
	if (!err)
		supervise(st);
	if (!err)
		pthread_join(wt, NULL);
	for (i = 0; i < st->readers && !err; i++)
		pthread_join(rt[i], NULL);
	for (i = 0; i < st->readers; i++)
		free(rd[i].p);
	nb_thread_active();
	if (err)
		return err;
	nb_ctx_free(ctx);
	if (!st->failed) {
		nb_engine_exit();
		teardown_check(st);
	}
	st->changes_before += (long)st->m.ver;
	st->rounds++;
	st->waited += st->m.waited;
	model_destroy(&st->m);
	free(rt);
	free(rd);
	return 0;
}

static int stress_one(struct stress *st)
{
	int err;

	st->rounds = 0;
	st->changes_before = 0;
	st->waited = 0;
	st->too_slow = false;
	clock_gettime(CLOCK_MONOTONIC, &t_start);
	do {
		err = stress_round(st);
	} while (!err && !st->failed && !run_over(st, elapsed()));
	return err;
}

/* ---- the command ---- */

static void stress_usage(FILE *f)
{
	fprintf(f,
		"usage: nameibench stress --strategy S|all [OPTIONS]\n"
		"       nameibench stress --list-bugs\n"
		"\n"
		"Readers resolve paths (stat, lstat, stat_in_root, ancestor walks) and ask\n"
		"getcwd in directories they go into, at full speed, while a writer renames\n"
		"and exchanges directories, creates and removes, retargets\n"
		"symlinks, mounts and unmounts, and evicts unused dentries; every answer is\n"
		"checked against a model of the namespace that the writer keeps.  Prints a\n"
		"verdict line; exit status 0 when\n"
		"every answer was possible, 1 with the first violation explained when not\n"
		"(or when the checker could not judge some answer: 'FAIL (unchecked)'),\n"
		"3 when the work demanded (--min-*) was not done within --max-duration.\n"
		"A run is a sequence of rounds, each on a fresh namespace and ending with a\n"
		"check that every reference was dropped and every object freed.\n"
		"\n"
		"options:\n"
		"  --strategy S     global, dlock, lockref, rcuwalk, rcufull, or all\n"
		"  --duration SEC   how long each strategy runs (default 10)\n"
		"  --threads N      reader threads (default: the number of PUs, at least 2)\n"
		"  --seed N         the random seed (default 1)\n"
		"  --inject BUG     switch on one bug of the zoo (--list-bugs; needs the zoo\n"
		"                   build, bin/nameibench-zoo: make zoo-build)\n"
		"  --rcu-flavor F   memb (default) or qsbr\n"
		"  --fs TYPE[,OPTION...]  the root's filesystem type (default: tmpfs and disk,\n"
		"                   round by round); the writer mounts tmpfs, disk,\n"
		"                   disk,lookup=exclusive, nfs (three ways) and casefold\n"
		"                   (plain and strict) at random either way\n"
		"  --dentry-budget N  unused dentries kept before d_alloc reclaims, racing\n"
		"                   the readers (default 64; 0: only the writer's shrinks)\n"
		"  --delays N       in the debug builds (asan, tsan, zoo), a walker spins a few\n"
		"                   microseconds at one step in N (default 256; 0: never)\n"
		"  --round N        end a round after N changes (default: when the model's\n"
		"                   fixed-size log is nearly full, some millions)\n"
		"  --min-lookups N  go on past the duration until N lookups are checked\n"
		"  --min-changes N  ... and until the writer has made N changes\n"
		"  --min-rounds N   ... and until N rounds are complete\n"
		"  --max-duration SEC  give up after SEC (default 600, or the duration if\n"
		"                   longer): the verdict is then 'too slow to judge', exit 3\n"
		"  --quiet          no progress lines\n"
		"\n"
		"Every lookup is checked: the writer never runs further ahead of the oldest\n"
		"lookup not yet checked than the model's history covers; it waits instead,\n"
		"and the verdict says for what share of the time it did.\n");
}

static int list_bugs(void)
{
	int i;

	for (i = 1; i <= nb_zoo_count(); i++) {
		const struct nb_zoo_entry *e = nb_zoo_entry(i);

		printf("%-19s %s\n%-19s   strategies: %s\n%-19s   reproduces: %s\n", e->name,
		       e->summary, "", e->strategies, "", e->history);
		if (e->fs)
			printf("%-19s   root filesystem: %s\n", "", e->fs);
	}
	return 0;
}

static bool in_list(const char *list, const char *name)
{
	size_t n = strlen(name);
	const char *p = list;

	while ((p = strstr(p, name))) {
		if ((p == list || p[-1] == ',') && (p[n] == ',' || !p[n]))
			return true;
		p += n;
	}
	return false;
}

/* --inject in a build without the zoo: the zoo build is next to us. */
static int exec_zoo_build(char **argv)
{
	char zoo[4200];

	arg_exec_build(argv - 1, "", "-zoo", zoo, sizeof(zoo));
	return arg_error("stress", "--inject needs the zoo build (bin/nameibench-zoo, made by "
			 "'make zoo-build'), and this binary has none");
}

static long default_readers(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);

	return n < 2 ? 2 : n;
}

/* The command line: what cmd_stress() runs. */
struct stress_args {
	const char *strategy, *bug_strategies;
	long threads, seed;
	double duration, max_duration;
	long delays, min_rounds;
};

/*
 * The numeric options: where each goes, its range, and what the error
 * calls it ("--duration must be seconds from 0.1 to 86400, not 'x'").
 */
static int number_option(int argc, char **argv, int *i, struct stress_args *a,
			 struct stress *st)
{
	const struct {
		const char *name;
		long *l;
		double *d;
		double lo, hi;
		const char *what;
	} opts[] = {
		{ "--duration", NULL, &a->duration, 0.1, 86400, "seconds from 0.1 to 86400" },
		{ "--threads", &a->threads, NULL, 1, 512, "a whole number from 1 to 512" },
		{ "--seed", &a->seed, NULL, 0, (double)(1L << 62), "a whole number" },
		{ "--round", &st->round_changes, NULL, 1, (double)(1L << 40), "a number of changes" },
		{ "--min-lookups", &st->min_lookups, NULL, 0, (double)(1L << 50),
		  "a number of lookups" },
		{ "--min-changes", &st->min_changes, NULL, 0, (double)(1L << 50),
		  "a number of changes" },
		{ "--min-rounds", &a->min_rounds, NULL, 0, 1 << 20, "a number of rounds" },
		{ "--max-duration", NULL, &a->max_duration, 0.1, 86400 * 7,
		  "seconds from 0.1 to 604800" },
		{ "--delays", &a->delays, NULL, 0, 1 << 30, "a whole number" },
		{ "--dentry-budget", &st->budget, NULL, 0, (double)(1L << 40), "a count" },
	};
	const char *v;
	size_t k;

	for (k = 0; k < sizeof(opts) / sizeof(opts[0]); k++) {
		if (!(v = arg_value(argc, argv, i, opts[k].name)))
			continue;
		if (opts[k].l ? arg_long(v, (long)opts[k].lo, (long)opts[k].hi, opts[k].l) :
		    arg_double(v, opts[k].lo, opts[k].hi, opts[k].d))
			return arg_error("stress", "%s must be %s, not '%s'", opts[k].name,
					 opts[k].what, v);
		return 1;
	}
	return 0;
}

/* 0: parsed; -1: done (help, the bug list), exit status 0; else that status. */
static int stress_parse(int argc, char **argv, struct stress_args *a, struct stress *st)
{
	const char *v;
	int i, r;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
			stress_usage(stdout);
			return -1;
		}
		if (!strcmp(argv[i], "--list-bugs"))
			return list_bugs() ? 1 : -1;
		if (!strcmp(argv[i], "--quiet")) {
			st->quiet = true;
		} else if ((v = arg_value(argc, argv, &i, "--strategy"))) {
			a->strategy = v;
		} else if ((v = arg_value(argc, argv, &i, "--inject"))) {
			st->bug = v;
		} else if ((v = arg_value(argc, argv, &i, "--rcu-flavor"))) {
			if (nb_rcu_select(v))
				return arg_error("stress", "unknown RCU flavor '%s' (known: memb, qsbr)",
						 v);
		} else if ((v = arg_value(argc, argv, &i, "--fs"))) {
			if (arg_fs_select("stress", v))
				return 2;
			st->fs = v;
		} else if ((r = number_option(argc, argv, &i, a, st))) {
			if (r != 1)
				return r;
		} else if (arg_missing) {
			return arg_error("stress", "%s needs a value", argv[i]);
		} else {
			return arg_error("stress", "unknown argument '%s' (see 'nameibench stress "
					 "--help')", argv[i]);
		}
	}
	return 0;
}

/* The strategy and the bug make sense together: 0, or the exit status. */
static int stress_check_args(struct stress_args *a, struct stress *st, char **argv)
{
	int i;

	if (!a->strategy)
		return arg_error("stress", "--strategy is required (a strategy, or all)");
	if (strcmp(a->strategy, "all")) {
		const struct nb_strategy *s = nb_strategy_find(a->strategy);

		if (!s) {
			nb_unknown_strategy("nameibench stress", a->strategy);
			return 2;
		}
		if (!s->backend->own_namespace)
			return arg_error("stress", "the %s strategy has no model to check it "
					 "against: stress tests the engine's strategies", s->name);
	}
	if (st->bug) {
		int err = nb_zoo_select(st->bug);

		if (err == -EINVAL)
			return arg_error("stress", "unknown bug '%s' (see 'nameibench stress "
					 "--list-bugs')", st->bug);
		if (err == -ENOSYS)
			return exec_zoo_build(argv);
		for (i = 1; strcmp(nb_zoo_entry(i)->name, st->bug); i++)
			;
		a->bug_strategies = nb_zoo_entry(i)->strategies;
		/* a filesystem's bug is only reached on that filesystem */
		if (!st->fs && nb_zoo_entry(i)->fs)
			st->fs = nb_zoo_entry(i)->fs;
		if (strcmp(a->strategy, "all") && !in_list(a->bug_strategies, a->strategy))
			return arg_error("stress", "%s is not a bug of %s (it is one of: %s)",
					 st->bug, a->strategy, a->bug_strategies);
	}
	if (a->max_duration < 0)
		a->max_duration = a->duration > 600 ? a->duration : 600;
	if (a->max_duration < a->duration)
		return arg_error("stress", "--max-duration (%g s) is shorter than --duration (%g s)",
				 a->max_duration, a->duration);
	return 0;
}

/* One strategy's verdict line; its exit status (0 passed, 1 failed, 3 too slow). */
static int stress_verdict(struct stress *st)
{
	long unchecked = atomic_load(&st->unchecked);

	if (st->failed)
		return 1;
	if (st->too_slow) {
		printf("stress %s: too slow to judge: %ld of %ld lookups checked, %ld of %ld "
		       "changes, %d of %d rounds in %.1f s (0 violations, %ld unchecked)\n",
		       st->s->name, atomic_load(&st->lookups), st->min_lookups, st->changes_before,
		       st->min_changes, st->rounds, st->min_rounds, elapsed(), unchecked);
		return 3;
	}
	if (unchecked) {
		/* no wrong answer seen, but not every answer judged */
		printf("stress %s: FAIL (unchecked) after %.1f s: %ld lookups checked "
		       "(%ld unchecked), %ld changes, 0 violations: the checker gave up "
		       "on %ld lookups\n", st->s->name, elapsed(), atomic_load(&st->lookups),
		       unchecked, st->changes_before, unchecked);
		return 1;
	}
	printf("stress %s: PASS: %ld lookups checked (%ld unchecked), %ld changes, "
	       "0 violations, %d rounds (%d on a tmpfs root, %d on another type), %ld dentries "
	       "evicted by the writer, %ld autofs triggers automounted and %ld expired, %.1f s, "
	       "the writer waited %.1f%% of the time%s%s\n",
	       st->s->name, atomic_load(&st->lookups), unchecked, st->changes_before, st->rounds,
	       st->fs_rounds[0], st->fs_rounds[1], st->evicted, st->automounted, st->expired,
	       elapsed(),
	       100 * st->waited / elapsed(), st->bug ? ", injected bug not detected: " : "",
	       st->bug ? st->bug : "");
	return 0;
}

int cmd_stress(int argc, char **argv)
{
	struct stress_args a = { .threads = default_readers(), .seed = 1, .duration = 10,
				 .max_duration = -1, .delays = 256 };
	struct stress st;
	int rc;

	memset(&st, 0, sizeof(st));
	st.budget = 64;
	rc = stress_parse(argc, argv, &a, &st);
	if (!rc)
		rc = stress_check_args(&a, &st, argv);
	if (rc)
		return rc < 0 ? 0 : rc;
	st.duration = a.duration;
	st.max_duration = a.max_duration;
	st.min_rounds = (int)a.min_rounds;
	nb_set_delays((unsigned int)a.delays);
	st.readers = (int)a.threads;
	st.seed = (uint64_t)a.seed;
	pthread_mutex_init(&st.report_lock, NULL);
	S_ = &st;
	nb_set_bug_hook(on_bug);
	install_crash_handlers();
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (nb_thread_start())
		return arg_error("stress", "cannot register the main thread");
	for (const struct nb_strategy *const *sp = nb_strategies(); *sp && !rc; sp++) {
		int err;

		if (strcmp(a.strategy, "all") && strcmp(a.strategy, (*sp)->name))
			continue;
		if (a.bug_strategies && !in_list(a.bug_strategies, (*sp)->name))
			continue;
		st.s = *sp;
		st.failed = false;
		atomic_store(&st.stop, false);
		st.lookups = st.unchecked = st.violations = st.changes = st.progress = 0;
		st.writer_steps = 0;
		st.evicted = 0;
		st.automounted = st.expired = 0;
		st.fs_rounds[0] = st.fs_rounds[1] = 0;
		err = stress_one(&st);
		if (err) {
			fprintf(stderr, "nameibench stress: cannot run %s: %s\n", st.s->name,
				nb_errno_name(err));
			return 1;
		}
		rc = stress_verdict(&st);
	}
	nb_thread_stop();
	return rc;
}
