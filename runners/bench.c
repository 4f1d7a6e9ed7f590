/*
 * One measurement (see bench.h).
 *
 * What the harness itself costs is what the noop workload measures: a
 * worker's loop is an operation, a store of its count to its own padded
 * slot, and every 64th time a stop check and two clock reads.  Nothing a
 * worker touches is written by another thread while it runs.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../engine/compiler.h"
#include "bench.h"

struct slot {
	_Atomic uint64_t ops;
	_Atomic uint64_t errors;
} __attribute__((aligned(64)));

struct run;

struct worker {
	struct run *run;
	int index;			/* in the placement: readers first, then writers */
	bool writer;
	bool registered;		/* nb_thread_start() succeeded */
	uint64_t *hist;			/* LAT_BUCKETS, the worker's own */
	uint64_t lat_max;
	int err;
};

/*
 * The start gate: each worker checks in once it is set up and waits; the
 * main thread opens the gate when every worker it managed to start has
 * checked in.  A barrier would be sized before the first pthread_create
 * and could never be passed if a later one failed.
 */
struct gate {
	pthread_mutex_t lock;
	pthread_cond_t cond;	/* an arrival, or the gate opening */
	int arrived;
	bool open;
};

/*
 * What the workers and the main thread share, in one allocation: the gate,
 * the flags, the slots, the workers (their errors and maxima), and for
 * processes their histograms.  For processes (--tasks processes, the
 * kernel strategy only) it is a MAP_SHARED mapping made before the forks,
 * so that every child writes where the parent reads.
 */
struct run_shared {
	struct gate start;
	_Atomic int stop, measuring;
};

struct run {
	const struct bench_config *cfg;
	struct placement *pl;
	bool processes;			/* the workers are forked children */
	struct run_shared *sh;
	void *arena;			/* sh, slots, workers (and hists), arena_size bytes */
	size_t arena_size;
	struct slot *slots;
	struct worker *workers;
	int nworkers;
	/* the main thread's: the tree's context, the workers, and the counts
	 * each had done when the measured time began, at each second, and at
	 * its end; the event counters at its beginning and end */
	bool backend_up;		/* started: run_free() stops it */
	struct nb_ctx *ctx;
	pthread_t *tid;
	pid_t *pid;			/* processes: the children */
	uint64_t *ops_start, *ops_prev, *ops_end;
	double c0[NB_COUNTERS_MAX], c1[NB_COUNTERS_MAX];
};

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static void sleep_until(uint64_t t)
{
	struct timespec ts = { .tv_sec = (time_t)(t / 1000000000u),
			       .tv_nsec = (long)(t % 1000000000u) };

	while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL) == EINTR)
		;
}

/* @pshared: the workers are processes, the gate in memory they all map */
static int gate_init(struct gate *g, bool pshared)
{
	pthread_mutexattr_t ma;
	pthread_condattr_t ca;
	int share = pshared ? PTHREAD_PROCESS_SHARED : PTHREAD_PROCESS_PRIVATE, e;

	*g = (struct gate){ .arrived = 0 };
	pthread_mutexattr_init(&ma);
	pthread_condattr_init(&ca);
	e = pthread_mutexattr_setpshared(&ma, share);
	if (!e)
		e = pthread_condattr_setpshared(&ca, share);
	if (!e)
		e = pthread_mutex_init(&g->lock, &ma);
	if (!e && (e = pthread_cond_init(&g->cond, &ca)))
		pthread_mutex_destroy(&g->lock);
	pthread_condattr_destroy(&ca);
	pthread_mutexattr_destroy(&ma);
	return -e;
}

static void gate_wait(struct gate *g)
{
	pthread_mutex_lock(&g->lock);
	g->arrived++;
	pthread_cond_broadcast(&g->cond);
	while (!g->open)
		pthread_cond_wait(&g->cond, &g->lock);
	pthread_mutex_unlock(&g->lock);
}

/*
 * Once @n workers have checked in, let them all through.  A worker that
 * is a process can die before it checks in (@gone says, looked at every
 * 100 ms): then the gate opens for the rest, which find the stop flag set.
 */
static void gate_open(struct gate *g, int n, bool (*gone)(void *), void *arg)
{
	pthread_mutex_lock(&g->lock);
	while (g->arrived < n) {
		struct timespec ts;

		if (!gone) {
			pthread_cond_wait(&g->cond, &g->lock);
			continue;
		}
		clock_gettime(CLOCK_REALTIME, &ts);
		ts.tv_nsec += 100000000;
		if (ts.tv_nsec >= 1000000000) {
			ts.tv_sec++;
			ts.tv_nsec -= 1000000000;
		}
		if (pthread_cond_timedwait(&g->cond, &g->lock, &ts) == ETIMEDOUT && gone(arg))
			break;
	}
	g->open = true;
	pthread_cond_broadcast(&g->cond);
	pthread_mutex_unlock(&g->lock);
}

static void gate_destroy(struct gate *g)
{
	pthread_cond_destroy(&g->cond);
	pthread_mutex_destroy(&g->lock);
}

/* ---- latency histograms ---- */

static unsigned int lat_bucket(uint64_t ns)
{
	unsigned int e, b;

	if (ns < 16)
		return (unsigned int)ns;
	e = 63u - (unsigned int)__builtin_clzll(ns);
	b = 16 + (e - 4) * 16 + (unsigned int)((ns >> (e - 4)) & 15);
	return b < LAT_BUCKETS ? b : LAT_BUCKETS - 1;
}

/* The middle of a bucket. */
static uint64_t lat_value(unsigned int b)
{
	unsigned int e, sub;

	if (b < 16)
		return b;
	e = (b - 16) / 16 + 4;
	sub = (b - 16) % 16;
	return ((uint64_t)(16 + sub) << (e - 4)) + ((UINT64_C(1) << (e - 4)) >> 1);
}

static uint64_t lat_percentile(const uint64_t *h, uint64_t total, double p)
{
	uint64_t want = (uint64_t)(p * (double)total + 0.999999), seen = 0;
	unsigned int b;

	for (b = 0; b < LAT_BUCKETS; b++) {
		seen += h[b];
		if (seen >= want && h[b])
			return lat_value(b);
	}
	return 0;
}

/* ---- workers ---- */

static int count_ancestor(void *arg, const struct nb_kstat *st)
{
	(void)arg;
	(void)st;
	return 0;
}

/* the ancestor iterator to the root: a step, a counted reference, at a time */
static int walk_ancestors_iter(const struct nb_strategy *s, struct nb_ctx *ctx, const char *path)
{
	struct nb_ancestor_iter it;
	struct nb_kstat kst;
	int err = s->ancestor_first(ctx, path, &it, &kst);

	if (err)
		return err;
	/* 0 at the root, with everything released */
	while (s->ancestor_next(&it, &kst))
		;
	return 0;
}

/* will-it-scale's open1..3 and unlink1..2 loops: open, close, and maybe unlink */
static int open_close(const struct nb_strategy *s, struct nb_ctx *ctx, const char *path,
		      int flags)
{
	int fd = nb_openat(s, ctx, AT_FDCWD, path, flags);

	if (fd < 0)
		return fd;
	return s->close(ctx, fd);
}

static int reader_op(const struct nb_strategy *s, struct nb_ctx *ctx, struct wl_stream *st,
		     unsigned int k, unsigned int *toggle)
{
	struct nb_kstat kst;
	int err;

	switch (st->op[k]) {
	case ROP_STAT:
		return s->stat(ctx, st->path[k], &kst);
	case ROP_LSTAT:
		return s->lstat(ctx, st->path[k], &kst);
	case ROP_ANCESTORS:
		return s->ancestors(ctx, st->path[k], count_ancestor, NULL);
	case ROP_ANCESTORS_ITER:
		return walk_ancestors_iter(s, ctx, st->path[k]);
	case ROP_OPEN:
		return open_close(s, ctx, st->path[k], O_RDWR);
	case ROP_FSTAT:
		return s->fstat(ctx, st->fd, &kst);
	case ROP_ACCESS:
		return s->access(ctx, st->path[k], R_OK);
	case ROP_UNLINK:
		err = open_close(s, ctx, st->path[k], O_RDWR | O_CREAT);
		return err ? err : s->unlink(ctx, st->path[k]);
	case ROP_GETPPID:
		return s->getppid(ctx) < 0 ? -EIO : 0;
	case ROP_GETCWD: {
		char buf[PATH_MAX];
		int n = s->getcwd(ctx, buf, sizeof(buf));

		return n < 0 ? n : 0;
	}
	default:
		return (*toggle ^= 1) ? s->create(ctx, st->mutate) : s->unlink(ctx, st->mutate);
	}
}

/*
 * What a reader does before the start: fstat's descriptor, opened on its
 * first path (will-it-scale's fstat1/fstat2 open theirs in their setup;
 * closed with the context), and getcwd's working directory, the one its
 * first path is in.
 */
static int stream_prepare(const struct bench_config *cfg, struct nb_ctx *ctx,
			  struct wl_stream *st)
{
	const struct nb_strategy *s = cfg->strategy;
	char dir[1024];

	if (cfg->wl.mix[ROP_FSTAT]) {
		st->fd = nb_openat(s, ctx, AT_FDCWD, st->path[0], O_RDONLY);
		if (st->fd < 0)
			return st->fd;
	}
	if (!cfg->wl.mix[ROP_GETCWD])
		return 0;
	snprintf(dir, sizeof(dir), "%s", st->path[0]);
	*strrchr(dir, '/') = '\0';
	return s->chdir(ctx, *dir ? dir : "/");
}

/* Everything a worker allocates, it allocates after binding (first touch). */
static int worker_setup(struct worker *w, struct nb_ctx **ctx)
{
	const struct bench_config *cfg = w->run->cfg;

	w->err = placement_bind(cfg->topo, w->run->pl, w->index);
	/* a forked worker is a copy of the main thread, registered already */
	if (!w->err && !w->run->processes && !(w->err = nb_thread_start()))
		w->registered = true;
	if (w->err)
		return w->err;
	if (!w->run->processes)		/* a process's is in the shared arena */
		w->hist = calloc(LAT_BUCKETS, sizeof(*w->hist));
	*ctx = cfg->wl.noop ? NULL : nb_ctx_new(cfg->strategy);
	if (!w->hist || (!cfg->wl.noop && !*ctx))
		w->err = -ENOMEM;
	return w->err;
}

/*
 * inject_delay - spin for @ns: a deliberate, known slowdown (--inject-delay)
 * that lets a user check that 'nameibench compare' sees what it should.
 * It spins rather than sleeps so the thread stays on its CPU, as a slower
 * lookup would.
 */
static void inject_delay(uint64_t ns)
{
	uint64_t end = now_ns() + ns;

	while (now_ns() < end)
		cpu_relax();
}

static void *reader_main(void *arg)
{
	struct worker *w = arg;
	struct run *run = w->run;
	const struct bench_config *cfg = run->cfg;
	const struct nb_strategy *s = cfg->strategy;
	struct slot *slot = &run->slots[w->index];
	struct wl_stream st = { .arena = NULL };
	struct nb_ctx *ctx = NULL;
	uint64_t n = 0, errors = 0;
	unsigned int toggle = 0;
	const uint64_t delay = cfg->inject_delay_ns, spin = cfg->spin_iters;
	int ready = worker_setup(w, &ctx);

	if (!ready && !cfg->wl.noop)
		ready = w->err = wl_stream_make(&cfg->wl, w->index, cfg->threads, cfg->seed, &st);
	if (!ready && !cfg->wl.noop)
		ready = w->err = stream_prepare(cfg, ctx, &st);
	gate_wait(&run->sh->start);
	if (ready)
		goto out;
	for (;;) {
		unsigned int k = (unsigned int)n & (WL_STREAM - 1);
		int err = 0;

		if (__builtin_expect(!(n & (LAT_SAMPLE - 1)), 0)) {
			uint64_t t0, dt;

			if (atomic_load_explicit(&run->sh->stop, memory_order_relaxed))
				break;
			t0 = now_ns();
			if (!cfg->wl.noop)
				err = reader_op(s, ctx, &st, k, &toggle);
			dt = now_ns() - t0;
			if (atomic_load_explicit(&run->sh->measuring, memory_order_relaxed)) {
				w->hist[lat_bucket(dt)]++;
				if (dt > w->lat_max)
					w->lat_max = dt;
			}
		} else if (cfg->wl.noop) {
			__asm__ __volatile__("" ::: "memory");
		} else {
			err = reader_op(s, ctx, &st, k, &toggle);
		}
		if (__builtin_expect(delay != 0, 0))
			inject_delay(delay);
		if (__builtin_expect(spin != 0, 0))
			bench_spin(spin);
		if (__builtin_expect(err, 0))
			atomic_store_explicit(&slot->errors, ++errors, memory_order_relaxed);
		atomic_store_explicit(&slot->ops, ++n, memory_order_relaxed);
	}
out:
	wl_stream_free(&st);
	if (ctx)
		nb_ctx_free(ctx);
	if (w->registered)
		nb_thread_stop();
	return NULL;
}

static void *writer_main(void *arg)
{
	struct worker *w = arg;
	struct run *run = w->run;
	const struct bench_config *cfg = run->cfg;
	struct slot *slot = &run->slots[w->index];
	int writer = w->index - cfg->threads;
	double gap = cfg->wl.writer_rate > 0 ? 1e9 / cfg->wl.writer_rate : 0;
	struct nb_ctx *ctx = NULL;
	uint64_t n = 0, errors = 0, next;
	int ready = worker_setup(w, &ctx);

	gate_wait(&run->sh->start);
	next = now_ns();
	while (!ready && !atomic_load_explicit(&run->sh->stop, memory_order_relaxed)) {
		if (wl_writer_step(&cfg->wl, cfg->strategy, ctx, writer, n))
			atomic_store_explicit(&slot->errors, ++errors, memory_order_relaxed);
		atomic_store_explicit(&slot->ops, ++n, memory_order_relaxed);
		if (gap > 0) {
			next += (uint64_t)gap;
			if (now_ns() < next) {
				/* rate limiting: a QSBR thread waits offline */
				nb_thread_idle();
				sleep_until(next);
				nb_thread_active();
			}
		}
	}
	if (ctx)
		nb_ctx_free(ctx);
	if (w->registered)
		nb_thread_stop();
	return NULL;
}

/* ---- the point ---- */

static void counters_now(double *c)
{
	int i;

	for (i = 0; i < nb_counter_count(); i++)
		c[i] = (double)nb_counter_total(-1, i);
}

/*
 * What the kernel costs before and after any walk, measured where the
 * first reader will run (the main thread moves there for it, then back to
 * the whole allowed set): three batches of 10 ms per call, the median.
 */
/* What the backend records about where it ran, measured on the first reader's PU. */
static void backend_describe(const struct bench_config *cfg, struct bench_result *res)
{
	const struct nb_backend *be = cfg->strategy->backend;
	bool moved;

	if (!be->describe)
		return;
	moved = placement_bind(cfg->topo, &res->placement, 0) == 0 && res->placement.real;
	be->describe(&res->backend);
	machine_user(res->user, sizeof(res->user));
	res->described = true;
	if (moved)
		topo_bind_allowed(cfg->topo);
}

/*
 * The workload's filesystem and dentry budget are the engine's defaults
 * when it starts (nb_fs_select before nb_engine_init): set for every
 * point, so that no point inherits the one before's.  A backend with a
 * filesystem of its own takes neither (workload_unsupported skips it).
 */
static int backend_start(const struct bench_config *cfg, struct bench_result *res, char *err,
			 size_t errlen)
{
	const struct nb_backend *be = cfg->strategy->backend;
	int e = be->fs_types ? nb_fs_select(cfg->wl.fs) : 0;

	if (e) {
		snprintf(err, errlen, "cannot select filesystem '%s': %s", cfg->wl.fs,
			 nb_errno_name(e));
		return e;
	}
	if (be->fs_types)
		nb_set_dentry_budget(cfg->wl.dentry_budget);
	e = be->start(0);
	if (e) {
		snprintf(err, errlen, "cannot start the %s backend: %s (%s)", be->name,
			 nb_errno_name(e), strerror(-e));
		return e;
	}
	backend_describe(cfg, res);
	return 0;
}

static void backend_stop(const struct bench_config *cfg)
{
	cfg->strategy->backend->stop();
}

static void summarize(const struct run *run, const uint64_t *start, const uint64_t *end,
		      struct bench_result *res)
{
	const struct bench_config *cfg = run->cfg;
	uint64_t merged[LAT_BUCKETS] = { 0 };
	int i;
	unsigned int b;

	res->thread_min = -1;
	for (i = 0; i < run->nworkers; i++) {
		uint64_t ops = end[i] - start[i];
		double rate = (double)ops / res->measured_s;

		if (run->workers[i].writer) {
			res->writer_ops += ops;
			continue;
		}
		res->reader_ops += ops;
		if (res->thread_min < 0 || rate < res->thread_min)
			res->thread_min = rate;
		if (rate > res->thread_max)
			res->thread_max = rate;
		for (b = 0; b < LAT_BUCKETS; b++)
			merged[b] += run->workers[i].hist[b];
		if (run->workers[i].lat_max > res->lat_max)
			res->lat_max = run->workers[i].lat_max;
	}
	for (b = 0; b < LAT_BUCKETS; b++)
		res->lat_samples += merged[b];
	res->lat_p50 = lat_percentile(merged, res->lat_samples, 0.50);
	res->lat_p90 = lat_percentile(merged, res->lat_samples, 0.90);
	res->lat_p99 = lat_percentile(merged, res->lat_samples, 0.99);
	res->lat_p999 = lat_percentile(merged, res->lat_samples, 0.999);
	res->reader_ops_per_sec = (double)res->reader_ops / res->measured_s;
	res->writer_ops_per_sec = (double)res->writer_ops / res->measured_s;
	res->ops_per_sec = res->reader_ops_per_sec + res->writer_ops_per_sec;
	(void)cfg;
}

/*
 * A worker as a thread, or as a process (--tasks processes): a child of
 * its own, with no descriptor table or address space shared, as
 * will-it-scale's _processes tests run.  It dies with us (PR_SET_PDEATHSIG)
 * and leaves by _exit(), so that nothing of the parent's (stdio buffers,
 * atexit handlers) runs twice.
 */
static int worker_spawn(struct run *run, struct worker *w)
{
	void *(*fn)(void *) = w->writer ? writer_main : reader_main;
	pid_t parent = getpid(), pid;

	if (!run->processes)
		return pthread_create(&run->tid[w->index], NULL, fn, w);
	pid = fork();
	if (pid < 0)
		return errno;
	if (pid == 0) {
		if (prctl(PR_SET_PDEATHSIG, SIGKILL) || getppid() != parent)
			_exit(1);
		fn(w);
		_exit(0);
	}
	run->pid[w->index] = pid;
	return 0;
}

/* For the gate: has a worker process ended (left unreaped for worker_join)? */
static bool worker_gone(void *arg)
{
	struct run *run = arg;
	int i;

	for (i = 0; i < run->nworkers; i++) {
		siginfo_t info = { .si_pid = 0 };

		if (!waitid(P_PID, (id_t)run->pid[i], &info, WEXITED | WNOHANG | WNOWAIT) &&
		    info.si_pid) {
			atomic_store(&run->sh->stop, 1);
			return true;
		}
	}
	return false;
}

/* Wait for worker @i; a process that did not end by returning is its error. */
static void worker_join(struct run *run, int i)
{
	int status;

	if (!run->processes) {
		pthread_join(run->tid[i], NULL);
		return;
	}
	while (waitpid(run->pid[i], &status, 0) < 0 && errno == EINTR)
		;
	if ((!WIFEXITED(status) || WEXITSTATUS(status)) && !run->workers[i].err)
		run->workers[i].err = -ECHILD;
}

/* The CPU-time clock of every worker, for the machine sampler. */
static void worker_clocks(const struct run *run, clockid_t *clocks)
{
	int i;

	for (i = 0; i < run->nworkers; i++) {
		int e = run->processes ? clock_getcpuclockid(run->pid[i], &clocks[i])
				       : pthread_getcpuclockid(run->tid[i], &clocks[i]);

		/* none: -1 is no clock id (clock_gettime fails, the sampler counts 0) */
		if (e)
			clocks[i] = (clockid_t)-1;
	}
}

/*
 * Start every worker and let them through the gate together.  When a
 * spawn fails, the workers already started are told to stop before the
 * gate opens, so they leave without measuring, and are joined.
 */
static int workers_start(struct run *run, char *err, size_t errlen)
{
	uint64_t *hists = (uint64_t *)(run->workers + run->nworkers);
	int i, rc = 0;

	for (i = 0; i < run->nworkers; i++) {
		struct worker *w = &run->workers[i];

		*w = (struct worker){ .run = run, .index = i, .writer = i >= run->cfg->threads };
		if (run->processes)
			w->hist = hists + (size_t)i * LAT_BUCKETS;
		rc = worker_spawn(run, w);
		if (unlikely(rc))
			break;
	}
	if (rc) {
		atomic_store(&run->sh->stop, 1);
		snprintf(err, errlen, "cannot start %s %d of %d: %s",
			 run->processes ? "process" : "thread", i + 1, run->nworkers, strerror(rc));
	}
	gate_open(&run->sh->start, i, run->processes ? worker_gone : NULL, run);
	if (!rc && atomic_load(&run->sh->stop)) {
		rc = ECHILD;
		snprintf(err, errlen, "a worker process died before the start");
	}
	if (!rc)
		return 0;
	while (i--)
		worker_join(run, i);
	return -rc;
}

/* The shared arena (struct run_shared): anonymous shared memory for processes. */
static int arena_alloc(struct run *run, int total)
{
	size_t size = sizeof(struct run_shared) + sizeof(struct slot) * (size_t)total +
		      sizeof(struct worker) * (size_t)total;

	size = (size + 63) & ~(size_t)63;
	if (run->processes)
		size += sizeof(uint64_t) * LAT_BUCKETS * (size_t)total;
	run->arena_size = size;
	if (run->processes) {
		run->arena = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS,
				  -1, 0);
		if (run->arena == MAP_FAILED)
			run->arena = NULL;
	} else if ((run->arena = aligned_alloc(64, (size + 63) & ~(size_t)63))) {
		memset(run->arena, 0, size);
	}
	if (!run->arena)
		return -ENOMEM;
	/* the slots first: aligned_alloc's and mmap's 64 bytes hold for them */
	run->slots = run->arena;
	run->sh = (struct run_shared *)(run->slots + total);
	run->workers = (struct worker *)(run->sh + 1);
	return 0;
}

static void arena_free(struct run *run)
{
	if (run->arena && run->processes)
		munmap(run->arena, run->arena_size);
	else
		free(run->arena);
	run->arena = NULL;
}

/*
 * bench_run in four steps: prepare (place the threads, start the backend,
 * build the tree, allocate), spawn (workers_start, above), measure (the
 * warm-up, then the timeline second by second), collect (stop and join
 * the workers, then sum up).  run_free() undoes prepare, whatever failed.
 */

/* Place, start the backend, build the tree: 0, an error, or 1 if skipped. */
static int run_prepare(struct run *run, struct bench_result *res, char *err, size_t errlen)
{
	const struct bench_config *cfg = run->cfg;
	int total = cfg->threads + cfg->wl.writers, e;
	const char *why;

	memset(res, 0, sizeof(*res));
	res->ncounters = nb_counter_count();
	e = placement_make(cfg->topo, cfg->pin, total, &res->placement);
	if (e) {
		snprintf(err, errlen, "cannot place %d threads: %s", total, strerror(-e));
		return e;
	}
	run->pl = &res->placement;
	e = backend_start(cfg, res, err, errlen);
	if (e) {
		bench_result_free(res);
		return e;
	}
	why = workload_unsupported(&cfg->wl, cfg->strategy);
	if (why) {
		snprintf(res->skipped, sizeof(res->skipped), "%s", why);
		backend_stop(cfg);
		return 1;
	}
	run->backend_up = true;
	run->nworkers = total;
	run->ctx = nb_ctx_new(cfg->strategy);
	e = run->ctx ? workload_build(&cfg->wl, cfg->strategy, run->ctx, cfg->threads, err,
				      errlen) : -ENOMEM;
	if (e)
		return e;
	e = arena_alloc(run, total);
	run->tid = calloc((size_t)total, sizeof(*run->tid));
	run->pid = calloc((size_t)total, sizeof(*run->pid));
	run->ops_start = calloc((size_t)total, sizeof(*run->ops_start));
	run->ops_end = calloc((size_t)total, sizeof(*run->ops_end));
	run->ops_prev = calloc((size_t)total, sizeof(*run->ops_prev));
	res->seconds = (int)(cfg->duration + 0.999);
	res->timeline = calloc((size_t)res->seconds * (size_t)total, sizeof(*res->timeline));
	if (e || !run->tid || !run->pid || !run->ops_start || !run->ops_end ||
	    !run->ops_prev || !res->timeline) {
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	return 0;
}

/* The warm-up, then each second's counts into the timeline, then the end counts. */
static int run_measure(struct run *run, struct bench_result *res, char *err, size_t errlen)
{
	const struct bench_config *cfg = run->cfg;
	int total = run->nworkers, i, e = 0;
	struct machine_sampler ms;
	uint64_t t0 = now_ns(), tm0;
	clockid_t clocks[total];

	sleep_until(t0 + (uint64_t)(cfg->warmup * 1e9));
	for (i = 0; i < total; i++) {
		uint64_t *errors = run->workers[i].writer ? &res->writer_errors
							  : &res->reader_errors;

		run->ops_prev[i] = run->ops_start[i] = atomic_load_explicit(&run->slots[i].ops,
								    memory_order_relaxed);
		/* the window's errors, as its operations: the end's count less the
		 * start's (unsigned: subtracting first wraps and comes back exact) */
		*errors -= atomic_load_explicit(&run->slots[i].errors, memory_order_relaxed);
	}
	counters_now(run->c0);
	worker_clocks(run, clocks);
	machine_begin(&ms, &res->ms, cfg->topo->cpuset, res->placement.pu_os, clocks,
		      run->processes ? run->pid : NULL, total, res->seconds);
	tm0 = now_ns();
	atomic_store_explicit(&run->sh->measuring, 1, memory_order_relaxed);
	for (int s = 1; s <= res->seconds && !e; s++) {
		double at = s < cfg->duration ? s : cfg->duration;

		sleep_until(tm0 + (uint64_t)(at * 1e9));
		for (i = 0; i < total; i++) {
			uint64_t v = atomic_load_explicit(&run->slots[i].ops, memory_order_relaxed);

			res->timeline[(size_t)(s - 1) * (size_t)total + (size_t)i] = v - run->ops_prev[i];
			run->ops_prev[i] = v;
		}
		/* after the counts: reading /proc must not stretch the second measured */
		machine_tick(&ms);
		if (cfg->interrupted && *cfg->interrupted) {
			e = -EINTR;
			snprintf(err, errlen, "interrupted");
		}
	}
	res->measured_s = (double)(now_ns() - tm0) / 1e9;
	atomic_store_explicit(&run->sh->measuring, 0, memory_order_relaxed);
	for (i = 0; i < total; i++) {
		run->ops_end[i] = atomic_load_explicit(&run->slots[i].ops, memory_order_relaxed);
		if (run->workers[i].writer)
			res->writer_errors += atomic_load(&run->slots[i].errors);
		else
			res->reader_errors += atomic_load(&run->slots[i].errors);
	}
	counters_now(run->c1);
	machine_end(&ms);	/* before the stop: the threads' clocks must still exist */
	return e;
}

/* Stop and join the workers; then, if all went well, the result. */
static int run_collect(struct run *run, struct bench_result *res, int e, char *err,
		       size_t errlen)
{
	const struct bench_config *cfg = run->cfg;
	int i;

	atomic_store(&run->sh->stop, 1);
	for (i = 0; i < run->nworkers; i++)
		worker_join(run, i);
	for (i = 0; i < run->nworkers && !e; i++) {
		if (run->workers[i].err) {
			e = run->workers[i].err;
			snprintf(err, errlen, "worker %d could not start: %s", i,
				 e == -EINVAL || e == -EXDEV ? "cannot bind it to its PU" :
				 e == -ECHILD ? "its process died" : strerror(-e));
		}
	}
	if (!e) {
		double ops = run->c1[NB_COUNTER_OPS] - run->c0[NB_COUNTER_OPS];

		summarize(run, run->ops_start, run->ops_end, res);
		res->have_counters = cfg->strategy->backend->counters && !cfg->wl.noop;
		for (i = 0; i < res->ncounters; i++)
			res->per_op[i] = ops > 0 ? (run->c1[i] - run->c0[i]) / ops : 0;
	}
	return e;
}

static void run_free(struct run *run)
{
	int i;

	for (i = 0; i < run->nworkers && run->workers && !run->processes; i++)
		free(run->workers[i].hist);
	arena_free(run);
	free(run->tid);
	free(run->pid);
	free(run->ops_start);
	free(run->ops_end);
	free(run->ops_prev);
	if (run->ctx)
		nb_ctx_free(run->ctx);
	if (run->backend_up)
		backend_stop(run->cfg);
}

int bench_run(const struct bench_config *cfg, struct bench_result *res, char *err, size_t errlen)
{
	struct run run = { .cfg = cfg, .processes = cfg->tasks == TASKS_PROCESSES };
	int e;

	if (run.processes && cfg->strategy->backend->simulated) {
		snprintf(err, errlen, "--tasks processes is for the kernel strategy: the engine's "
			 "contexts live in this one process");
		return -EINVAL;
	}
	e = run_prepare(&run, res, err, errlen);

	if (e == 1)
		return 0;	/* skipped: res->skipped says why */
	if (e && !run.backend_up)
		return e;	/* nothing started; res already freed */
	if (!e) {
		e = gate_init(&run.sh->start, run.processes);
		if (e)
			snprintf(err, errlen, "cannot make the start gate: %s", strerror(-e));
	}
	if (!e) {
		/* the main thread sleeps while the workers run: a QSBR thread, offline */
		nb_thread_idle();
		e = workers_start(&run, err, errlen);
		if (!e)
			e = run_collect(&run, res, run_measure(&run, res, err, errlen), err, errlen);
		nb_thread_active();
		gate_destroy(&run.sh->start);
	}
	run_free(&run);
	/* a point that did not finish leaves nothing for the caller to free */
	if (e)
		bench_result_free(res);
	return e;
}

void bench_result_free(struct bench_result *res)
{
	free(res->timeline);
	res->timeline = NULL;
	placement_free(&res->placement);
	machine_state_free(&res->ms);
}

static void print_rate(FILE *f, double r)
{
	if (r >= 1e6)
		fprintf(f, "%.2f Mops/s", r / 1e6);
	else if (r >= 1e3)
		fprintf(f, "%.1f kops/s", r / 1e3);
	else
		fprintf(f, "%.0f ops/s", r);
}

static void print_ns(FILE *f, const char *label, uint64_t ns)
{
	if (ns >= 1000000)
		fprintf(f, " %s %.1f ms", label, (double)ns / 1e6);
	else if (ns >= 1000)
		fprintf(f, " %s %.1f us", label, (double)ns / 1e3);
	else
		fprintf(f, " %s %" PRIu64 " ns", label, ns);
}

/* The rates and latencies: the lines every measured point has. */
static void print_rates(FILE *f, const struct bench_config *cfg, const struct bench_result *res)
{
	fprintf(f, "  throughput   ");
	print_rate(f, res->ops_per_sec);
	if (cfg->wl.writers) {
		fprintf(f, "  (readers ");
		print_rate(f, res->reader_ops_per_sec);
		fprintf(f, ", writers ");
		print_rate(f, res->writer_ops_per_sec);
		fprintf(f, ")");
	}
	fprintf(f, "\n  per reader   min ");
	print_rate(f, res->thread_min);
	fprintf(f, ", max ");
	print_rate(f, res->thread_max);
	if (res->reader_errors)
		fprintf(f, "; %.1f%% of lookups answered an error",
			100.0 * (double)res->reader_errors / (double)(res->reader_ops ? res->reader_ops : 1));
	fprintf(f, "\n  latency     ");
	print_ns(f, "p50", res->lat_p50);
	print_ns(f, "p90", res->lat_p90);
	print_ns(f, "p99", res->lat_p99);
	print_ns(f, "p99.9", res->lat_p999);
	print_ns(f, "max", res->lat_max);
	fprintf(f, " (every %dth operation)\n", LAT_SAMPLE);
}

/* The readers' operations in measured second @sec: the least and most of one, and all. */
static uint64_t wis_second(const struct bench_config *cfg, const struct bench_result *res, int sec,
			   uint64_t *lo, uint64_t *hi)
{
	const uint64_t *row = res->timeline + (size_t)sec * (size_t)(cfg->threads + cfg->wl.writers);
	uint64_t all = 0;
	int i;

	*lo = UINT64_MAX;
	*hi = 0;
	for (i = 0; i < cfg->threads; i++) {
		*lo = row[i] < *lo ? row[i] : *lo;
		*hi = row[i] > *hi ? row[i] : *hi;
		all += row[i];
	}
	return all;
}

uint64_t bench_wis_average(const struct bench_config *cfg, const struct bench_result *res)
{
	uint64_t sum = 0, lo, hi;
	int sec;

	for (sec = 0; sec < res->seconds; sec++)
		sum += wis_second(cfg, res, sec, &lo, &hi);
	return res->seconds ? sum / (uint64_t)res->seconds : 0;
}

void bench_print_wis(FILE *f, const struct bench_config *cfg, const struct bench_result *res)
{
	uint64_t lo, hi, all;
	int sec;

	fprintf(f, "testcase:%s (nameibench %s, %s, %s)\n", cfg->wl.summary, cfg->wl.name,
		cfg->strategy->name, cfg->tasks == TASKS_PROCESSES ? "processes" : "threads");
	/* will-it-scale prints its warm-up seconds; ours (--warmup) are not sampled */
	fprintf(f, "warmup\nmeasurement\n");
	for (sec = 0; sec < res->seconds; sec++) {
		all = wis_second(cfg, res, sec, &lo, &hi);
		fprintf(f, "min:%" PRIu64 " max:%" PRIu64 " total:%" PRIu64 "\n", lo, hi, all);
	}
	fprintf(f, "average:%" PRIu64 "\n", bench_wis_average(cfg, res));
}

void bench_print_summary(FILE *f, const struct bench_config *cfg, const struct bench_result *res)
{
	const char *task = cfg->tasks == TASKS_PROCESSES ? "process" : "thread";
	int i;

	fprintf(f, "%s on %s, %d reader %s%s", cfg->strategy->name, cfg->wl.name, cfg->threads,
		task, cfg->threads == 1 ? "" : cfg->tasks == TASKS_PROCESSES ? "es" : "s");
	if (cfg->wl.writers)
		fprintf(f, " + %d %s writer%s", cfg->wl.writers, wl_wop_name(cfg->wl.wop),
			cfg->wl.writers == 1 ? "" : "s");
	if (res->skipped[0]) {
		fprintf(f, ": skipped, %s\n", res->skipped);
		return;
	}
	fprintf(f, ", %.2f s after %.2f s of warmup (pin %s%s%s)\n", res->measured_s, cfg->warmup,
		pin_policy_name(cfg->pin), res->placement.real ? "" : ", not bound",
		res->placement.oversubscribed ? ", more threads than PUs: oversubscribed" : "");
	if (!workload_default_fs(&cfg->wl)) {
		fprintf(f, "  filesystem   %s", cfg->wl.fs);
		if (cfg->wl.dentry_budget)
			fprintf(f, ", at most %d unused dentries kept (the shrinker evicts past it)",
				cfg->wl.dentry_budget);
		fputc('\n', f);
	}
	if (cfg->inject_delay_ns)
		fprintf(f, "  SLOWED ON PURPOSE: each reader spins %" PRIu64 " ns after every "
			"operation (--inject-delay)\n", cfg->inject_delay_ns);
	if (cfg->spin_iters)
		fprintf(f, "  with the kernel's entry cost: each reader spins %.0f ns after every "
			"operation, as a system call would cost (--syscall-cost)\n",
			cfg->syscall_cost_ns);
	print_rates(f, cfg, res);
	if (res->have_counters) {
		fprintf(f, "  per op      ");
		for (i = 1; i < res->ncounters; i++)
			if (res->per_op[i] != 0)
				fprintf(f, " %s=%.3g", nb_counter_label(i), res->per_op[i]);
		fprintf(f, "\n");
	}
	if (res->described) {
		fprintf(f, "  %s tree  %s: %s, as %s\n", cfg->strategy->backend->name,
			res->backend.fs, res->backend.tree, res->user);
		fprintf(f, "  %s cost  getppid %.0f ns (entering and leaving the kernel), "
			"fstat on an open file %.0f ns; per stat here %.0f ns a reader\n",
			cfg->strategy->backend->name, res->backend.getppid_ns,
			res->backend.fstat_fd_ns,
			res->reader_ops ? 1e9 * cfg->threads / res->reader_ops_per_sec : 0.0);
	}
	machine_state_print(f, &res->ms);
}

/* CPU time, not wall time: a calibration preempted halfway must not count the wait. */
static uint64_t thread_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* What one bench_spin(@iters) costs, loop exit included: the median of five. */
static double spin_call_ns(uint64_t iters, int calls)
{
	double per[5];
	int i, j;

	for (i = 0; i < 5; i++) {
		uint64_t t0 = thread_ns();

		for (j = 0; j < calls; j++)
			bench_spin(iters);
		per[i] = (double)(thread_ns() - t0) / calls;
	}
	for (i = 1; i < 5; i++)	/* insertion sort: the median of five */
		for (j = i; j > 0 && per[j] < per[j - 1]; j--) {
			double t = per[j];

			per[j] = per[j - 1];
			per[j - 1] = t;
		}
	return per[2];
}

/*
 * A first guess from one long loop, then three corrections at the size the
 * workers will use: a short spin pays its mispredicted exit every call.
 */
uint64_t bench_spin_calibrate(double ns, double *measured_ns)
{
	double per_iter = spin_call_ns(1u << 20, 1) / (double)(1u << 20), got = 0;
	uint64_t iters = ns > 0 && per_iter > 0 ? (uint64_t)(ns / per_iter + 0.5) : 0;
	int k;

	for (k = 0; k < 3 && iters; k++) {
		got = spin_call_ns(iters, 4096);
		if (got > 0)
			iters = (uint64_t)((double)iters * ns / got + 0.5);
		if (!iters)
			iters = 1;
	}
	if (measured_ns)
		*measured_ns = iters ? spin_call_ns(iters, 4096) : 0;
	return iters;
}
