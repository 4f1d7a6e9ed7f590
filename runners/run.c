/*
 * nameibench run (one point), nameibench sweep (many), nameibench list.
 *
 * A sweep keeps one file per finished point in DIR/points/, each written
 * atomically, and regenerates DIR/results.csv and DIR/results.json from
 * them after every point: a crash or kill -9 loses at most the point in
 * flight, and a rerun with the same DIR skips every point already there.
 */
#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <inttypes.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "args.h"
#include "bench.h"
#include "nameibench.h"
#include "results.h"

static volatile sig_atomic_t interrupted;

static void on_sigint(int sig)
{
	(void)sig;
	interrupted = 1;
	/* a second ^C kills as usual */
	signal(SIGINT, SIG_DFL);
}

/* Options run and sweep share. */
struct common {
	double duration, warmup;
	enum pin_policy pin;
	long seed;
	const char *slow_strategy;	/* --inject-delay STRATEGY=NS */
	long slow_ns;
	const char *cpus;		/* --cpus LIST, or NULL */
	const char *syscall_cost;	/* --syscall-cost: "0", "auto" or NS */
	double syscall_ns;		/* what it came to (resolve_syscall_cost) */
	uint64_t spin_iters;
};

/* Every field: what no option sets must read as none, not as the stack's garbage. */
static void common_defaults(struct common *c)
{
	*c = (struct common){ .duration = 2.0, .warmup = 0.5, .pin = PIN_CORES, .seed = 1,
			      .syscall_cost = "0" };
}

/*
 * --syscall-cost: the nanoseconds every engine operation is to cost more,
 * as the kernel's entry and exit would (auto: getppid() measured here and
 * now), as a calibrated spin.  Announced, since it changes every figure.
 */
static void resolve_syscall_cost(const char *cmd, struct common *c)
{
	double measured = 0;

	if (!strcmp(c->syscall_cost, "0"))
		return;
	c->syscall_ns = !strcmp(c->syscall_cost, "auto") ? nb_syscall_null_ns(5, 20000000)
							 : atof(c->syscall_cost);
	c->spin_iters = bench_spin_calibrate(c->syscall_ns, &measured);
	fprintf(stderr, "%s: --syscall-cost %s: engine strategies spin %" PRIu64 " iterations "
		"(%.1f ns) after every operation, for a system call's %.1f ns%s\n", cmd,
		c->syscall_cost, c->spin_iters, measured, c->syscall_ns,
		!strcmp(c->syscall_cost, "auto") ? " (getppid, measured now)" : "");
}

/* The --syscall-cost of @s's points: a backend that enters the kernel pays its own. */
static void apply_syscall_cost(const struct common *c, struct bench_config *cfg)
{
	bool priced = cfg->strategy->backend->simulated;

	cfg->syscall_cost_ns = priced ? c->syscall_ns : 0;
	cfg->spin_iters = priced ? c->spin_iters : 0;
}

/* --inject-delay STRATEGY=NS: 1, or 2 after the one-line error */
static int parse_inject_delay(const char *cmd, const char *v, struct common *c)
{
	const char *eq = strchr(v, '=');
	static char name[32];

	if (!eq || eq == v || (size_t)(eq - v) >= sizeof(name))
		return arg_error(cmd, "--inject-delay needs STRATEGY=NANOSECONDS, not '%s'", v);
	memcpy(name, v, (size_t)(eq - v));
	name[eq - v] = '\0';
	if (!nb_strategy_find(name)) {
		nb_unknown_strategy(cmd[0] == 'r' ? "nameibench run" : "nameibench sweep", name);
		return 2;
	}
	if (arg_long(eq + 1, 1, 10000000, &c->slow_ns))
		return arg_error(cmd, "--inject-delay: '%s' is not nanoseconds from 1 to 10000000",
				 eq + 1);
	c->slow_strategy = name;
	return 1;
}

/* The delay --inject-delay asks of @s's readers: 0 for every other strategy. */
static uint64_t injected_delay(const struct common *c, const struct nb_strategy *s)
{
	return c->slow_strategy && !strcmp(c->slow_strategy, s->name) ? (uint64_t)c->slow_ns : 0;
}

/*
 * common_option - parse one of the shared options at argv[*i].  Returns 1
 * if it was one, 0 if not, 2 (after the one-line error) if it was bad.
 */
static int common_option(const char *cmd, int argc, char **argv, int *i, struct common *c)
{
	const char *v;

	if ((v = arg_value(argc, argv, i, "--duration"))) {
		if (arg_double(v, 0.01, 86400, &c->duration))
			return arg_error(cmd, "--duration must be seconds from 0.01 to 86400, not '%s'", v);
	} else if ((v = arg_value(argc, argv, i, "--warmup"))) {
		if (arg_double(v, 0, 3600, &c->warmup))
			return arg_error(cmd, "--warmup must be seconds from 0 to 3600, not '%s'", v);
	} else if ((v = arg_value(argc, argv, i, "--pin"))) {
		if (pin_policy_parse(v, &c->pin))
			return arg_error(cmd, "unknown pin policy '%s' (known: compact, cores, "
					 "scatter, none)", v);
	} else if ((v = arg_value(argc, argv, i, "--seed"))) {
		if (arg_long(v, 0, 1L << 62, &c->seed))
			return arg_error(cmd, "--seed must be a whole number, not '%s'", v);
	} else if ((v = arg_value(argc, argv, i, "--inject-delay"))) {
		return parse_inject_delay(cmd, v, c);
	} else if ((v = arg_value(argc, argv, i, "--rcu-flavor"))) {
		if (nb_rcu_select(v))
			return arg_error(cmd, "unknown RCU flavor '%s' (known: memb, qsbr)", v);
	} else if ((v = arg_value(argc, argv, i, "--cpus"))) {
		c->cpus = v;
	} else if ((v = arg_value(argc, argv, i, "--syscall-cost"))) {
		double ns;

		if (strcmp(v, "auto") && strcmp(v, "0") && arg_double(v, 1, 1000000, &ns))
			return arg_error(cmd, "--syscall-cost must be auto or nanoseconds from 1 to "
					 "1000000, not '%s'", v);
		c->syscall_cost = v;
	} else {
		return 0;
	}
	return 1;
}

static const char common_usage[] =
	"  --duration SEC   measured time per point (default 2)\n"
	"  --warmup SEC     discarded time before it (default 0.5)\n"
	"  --pin POLICY     compact, cores (default), scatter or none\n"
	"  --seed N         the paths' random seed (default 1)\n"
	"  --rcu-flavor F   memb (default) or qsbr\n"
	"  --cpus LIST      run only on these PUs (OS indexes, taskset's list syntax:\n"
	"                   0-3,6); always within the affinity mask and cgroup cpuset\n"
	"                   this process inherited, which placement respects anyway\n"
	"  --syscall-cost NS|auto\n"
	"                   add a system call's entry and exit to every operation of\n"
	"                   the engine's strategies: a calibrated spin of NS ns (auto:\n"
	"                   getppid() measured at start); recorded in every point\n"
	"  --inject-delay STRATEGY=NS\n"
	"                   slow STRATEGY down on purpose: its readers spin NS ns\n"
	"                   after every operation (recorded in the results; for\n"
	"                   checking that 'nameibench compare' catches a slowdown)\n";

static int check_threads(const char *cmd, long threads, const struct workload *wl)
{
	if (threads + wl->writers > 1000)
		return arg_error(cmd, "%ld readers and %d writers are more than the 1000 threads "
				 "the engine can register", threads, wl->writers);
	return 0;
}

/*
 * The process-wide setup both commands need: a registered thread, the
 * topology cut to the PUs we may use.
 */
static int start(const char *cmd, struct topo *tp, struct common *c)
{
	int err = nb_thread_start();
	char why[512];

	if (err)
		return arg_error(cmd, "cannot register the main thread: %s", nb_errno_name(err));
	if (topo_load(tp, NULL)) {
		nb_thread_stop();
		return arg_error(cmd, "cannot read this machine's topology with hwloc");
	}
	if (topo_restrict(tp, c->cpus, why, sizeof(why))) {
		topo_free(tp);
		nb_thread_stop();
		return arg_error(cmd, "%s", why);
	}
	signal(SIGINT, on_sigint);
	return 0;
}

/* ---- run ---- */

struct one_point {
	const struct bench_config *cfg;
	const struct bench_result *res;
	const struct point_id *id;
	const struct context *ctx;
};

static void fill_json(FILE *f, void *arg)
{
	struct one_point *p = arg;

	point_json(f, p->cfg, p->res, p->id, p->ctx);
}

static void fill_csv(FILE *f, void *arg)
{
	struct one_point *p = arg;

	point_csv_header(f);
	point_csv_row(f, p->cfg, p->res, p->id, p->ctx->rcu_flavor);
}

static void run_usage(FILE *f)
{
	fprintf(f,
		"usage: nameibench run --strategy S --workload W --threads N|auto [OPTIONS]\n"
		"\n"
		"Measure one point: build W's tree, start N pinned reader threads (and W's\n"
		"writers), release them together, discard the warmup, measure, and print\n"
		"throughput, per-thread spread, latency percentiles and the strategy's\n"
		"counters per operation.  W is a built-in workload ('nameibench list') or a\n"
		".wl file; NAME@RATE is built-in NAME with each writer at RATE operations\n"
		"per second (0: as fast as it can), e.g. rename-churn@10000.  --threads auto\n"
		"is one reader per PU this process may use.  The summary says what else\n"
		"the machine was doing meanwhile (load, other processes' share of our PUs,\n"
		"time stolen by a hypervisor).\n"
		"\n"
		"options:\n"
		"%s"
		"  --tasks MODEL    threads (default) or processes: the kernel strategy's\n"
		"                   workers as processes of their own, sharing no\n"
		"                   descriptor table (will-it-scale's _processes tests)\n"
		"  --format F       summary (default) or wis: will-it-scale's output, a\n"
		"                   min/max/total line per second and the average\n"
		"                   (--duration then a whole number of seconds)\n"
		"  --json FILE      write the point, with its context, as JSON\n"
		"  --csv FILE       write it as CSV (header and one row)\n", common_usage);
}

/* --tasks threads|processes: 0, or 2 after the one-line error */
static int parse_tasks(const char *cmd, const char *v, enum task_model *tasks)
{
	if (!strcmp(v, "threads"))
		*tasks = TASKS_THREADS;
	else if (!strcmp(v, "processes"))
		*tasks = TASKS_PROCESSES;
	else
		return arg_error(cmd, "--tasks must be threads or processes, not '%s'", v);
	return 0;
}

/* --tasks processes forks kernel workers: the engine's contexts live in this process */
static int check_tasks(const char *cmd, enum task_model tasks, const struct nb_strategy *s)
{
	if (tasks == TASKS_PROCESSES && s->backend->simulated)
		return arg_error(cmd, "--tasks processes runs only the kernel strategy (the engine's "
				 "contexts live in this one process), not '%s'", s->name);
	return 0;
}

static bool whole_seconds(double d)
{
	return d >= 1 && d == (double)(long)d;
}

/* What "nameibench run" was asked for. */
struct run_args {
	const char *strategy, *workload, *json, *csv;
	long threads;			/* -1: auto */
	enum task_model tasks;
	bool wis;			/* --format wis */
	struct common c;
};

/* 0: parsed; -1: help printed (exit 0); else the exit status. */
static int run_parse(int argc, char **argv, struct run_args *a)
{
	const char *v;
	int i, r;

	common_defaults(&a->c);
	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
			run_usage(stdout);
			return -1;
		}
		if ((r = common_option("run", argc, argv, &i, &a->c)))
			if (r == 2)
				return 2;
		if (r)
			continue;
		if ((v = arg_value(argc, argv, &i, "--strategy")))
			a->strategy = v;
		else if ((v = arg_value(argc, argv, &i, "--workload")))
			a->workload = v;
		else if ((v = arg_value(argc, argv, &i, "--threads"))) {
			if (!strcmp(v, "auto"))
				a->threads = -1;
			else if (arg_long(v, 1, 1000, &a->threads))
				return arg_error("run", "--threads must be a whole number from 1 to "
						 "1000 or auto, not '%s'", v);
		} else if ((v = arg_value(argc, argv, &i, "--tasks"))) {
			if (parse_tasks("run", v, &a->tasks))
				return 2;
		} else if ((v = arg_value(argc, argv, &i, "--format"))) {
			if (strcmp(v, "summary") && strcmp(v, "wis"))
				return arg_error("run", "--format must be summary or wis, not '%s'", v);
			a->wis = !strcmp(v, "wis");
		} else if ((v = arg_value(argc, argv, &i, "--json")))
			a->json = v;
		else if ((v = arg_value(argc, argv, &i, "--csv")))
			a->csv = v;
		else if (arg_missing)
			return arg_error("run", "%s needs a value", argv[i]);
		else
			return arg_error("run", "unknown argument '%s' (see 'nameibench run --help')",
					 argv[i]);
	}
	if (!a->strategy || !a->workload || !a->threads)
		return arg_error("run", "--strategy, --workload and --threads are required");
	if (a->wis && !whole_seconds(a->c.duration))
		return arg_error("run", "--format wis reports whole seconds: --duration must be a "
				 "whole number of them, not %g", a->c.duration);
	return 0;
}

/* The point to measure, from @a: 0, or the exit status. */
static int run_config(struct run_args *a, struct bench_config *cfg, struct topo *tp)
{
	char err[512];

	cfg->strategy = nb_strategy_find(a->strategy);
	if (!cfg->strategy) {
		nb_unknown_strategy("nameibench run", a->strategy);
		return 2;
	}
	if (workload_load(a->workload, &cfg->wl, err, sizeof(err)))
		return arg_error("run", "%s", err);
	if (check_tasks("run", a->tasks, cfg->strategy))
		return 2;
	cfg->tasks = a->tasks;
	if (a->threads > 0 && check_threads("run", a->threads, &cfg->wl))
		return 2;
	if (start("run", tp, &a->c))
		return 2;
	if (a->threads < 0)
		a->threads = tp->pus;
	resolve_syscall_cost("run", &a->c);
	cfg->threads = (int)a->threads;
	cfg->duration = a->c.duration;
	cfg->warmup = a->c.warmup;
	cfg->seed = (uint64_t)a->c.seed;
	cfg->topo = tp;
	cfg->pin = a->c.pin;
	cfg->interrupted = &interrupted;
	cfg->inject_delay_ns = injected_delay(&a->c, cfg->strategy);
	apply_syscall_cost(&a->c, cfg);
	return 0;
}

/* The summary, then the result files asked for: the exit status. */
static int run_report(const struct run_args *a, const struct one_point *p)
{
	int r = 0;

	if (a->wis) {
		bench_print_wis(stdout, p->cfg, p->res);
	} else {
		bench_print_summary(stdout, p->cfg, p->res);
		machine_info_print(stdout, &p->ctx->machine);
		printf("  PUs          %s (%s)\n", p->ctx->cpuset, p->ctx->cpuset_from);
	}
	if (a->json && (r = write_atomically(a->json, fill_json, (void *)p)))
		fprintf(stderr, "nameibench run: cannot write %s: %s\n", a->json, strerror(-r));
	if (!r && a->csv && (r = write_atomically(a->csv, fill_csv, (void *)p)))
		fprintf(stderr, "nameibench run: cannot write %s: %s\n", a->csv, strerror(-r));
	return r ? 1 : 0;
}

int cmd_run(int argc, char **argv)
{
	struct run_args a = { 0 };
	struct bench_config cfg = { 0 };
	struct bench_result res;
	struct context ctx;
	struct point_id id = { .rep = 1 };
	struct fingerprint fp;
	struct topo tp;
	char err[512];
	int r, rc;

	rc = run_parse(argc, argv, &a);
	if (!rc)
		rc = run_config(&a, &cfg, &tp);
	if (rc)
		return rc < 0 ? 0 : rc;
	id.seed = cfg.seed;
	context_collect(&ctx, &tp, a.c.pin, argc + 1, argv - 1);
	fingerprint_make(&fp, &cfg, &ctx, cfg.seed, a.c.syscall_cost);
	id.fp = &fp;
	r = bench_run(&cfg, &res, err, sizeof(err));
	if (r == -EINTR) {
		fprintf(stderr, "nameibench run: interrupted; nothing written\n");
		rc = 130;
	} else if (r) {
		fprintf(stderr, "nameibench run: %s\n", err);
		rc = 1;
	} else {
		struct one_point p = { &cfg, &res, &id, &ctx };

		rc = run_report(&a, &p);
		bench_result_free(&res);
	}
	fingerprint_free(&fp);
	topo_free(&tp);
	nb_thread_stop();
	return rc;
}

/* ---- runtest: will-it-scale's runtest.py ---- */

static int split_list(char *s, char **words, int max);

/*
 * runtest.py's table: for 1, 2, ... tasks, the average of a _processes and
 * a _threads run and the machine's idle share meanwhile (/proc/stat's
 * "cpu" line before and after, idle + iowait over everything), and a
 * linear column, the one-task figure times the tasks.
 */
struct wis_row {
	int tasks;
	long long processes, threads;	/* -1: not measured (runtest.py's own mark) */
	double processes_idle, threads_idle;
};

struct wis_table {
	struct wis_row *rows;
	int n;
	long long linear;
};

static void cpu_ticks(unsigned long long *busy, unsigned long long *idle)
{
	unsigned long long v[10] = { 0 };
	FILE *f = fopen("/proc/stat", "r");
	int i;

	*busy = *idle = 0;
	if (!f)
		return;
	if (fscanf(f, "cpu %llu %llu %llu %llu %llu %llu %llu %llu %llu %llu", &v[0], &v[1], &v[2],
		   &v[3], &v[4], &v[5], &v[6], &v[7], &v[8], &v[9]) >= 4) {
		for (i = 0; i < 10; i++)
			*busy += i == 3 || i == 4 ? 0 : v[i];
		*idle = v[3] + v[4];
	}
	fclose(f);
}

static void fill_wis_csv(FILE *f, void *arg)
{
	const struct wis_table *t = arg;
	int i;

	fprintf(f, "tasks,processes,processes_idle,threads,threads_idle,linear\n0,0,100,0,100,0\n");
	for (i = 0; i < t->n; i++)
		fprintf(f, "%d,%lld,%0.2f,%lld,%0.2f,%lld\n", t->rows[i].tasks, t->rows[i].processes,
			t->rows[i].processes_idle, t->rows[i].threads, t->rows[i].threads_idle,
			t->linear * t->rows[i].tasks);
}

static void fill_title(FILE *f, void *arg)
{
	const struct bench_config *cfg = arg;

	fprintf(f, "%s (nameibench %s, %s)\n", cfg->wl.summary, cfg->wl.name, cfg->strategy->name);
}

/* One run of runtest's table: its average, -1 if skipped; -EINTR or an error. */
static long long wis_point(struct bench_config *cfg, enum task_model tasks, double *idle_pct)
{
	struct bench_result res;
	unsigned long long b0, i0, b1, i1;
	char err[512];
	long long avg = -1;
	int r;

	cfg->tasks = tasks;
	cpu_ticks(&b0, &i0);
	r = bench_run(cfg, &res, err, sizeof(err));
	cpu_ticks(&b1, &i1);
	*idle_pct = b1 + i1 > b0 + i0 ? 100.0 * (double)(i1 - i0) / (double)(b1 + i1 - b0 - i0)
				      : 0;
	if (r) {
		if (r != -EINTR)
			fprintf(stderr, "nameibench runtest: %s\n", err);
		return r;
	}
	if (!res.skipped[0]) {
		avg = (long long)bench_wis_average(cfg, &res);
	} else {
		fprintf(stderr, "nameibench runtest: %d tasks skipped: %s\n", cfg->threads,
			res.skipped);
	}
	bench_result_free(&res);
	return avg;
}

static void runtest_usage(FILE *f)
{
	fprintf(f,
		"usage: nameibench runtest WORKLOAD [--strategy S] [--counts N,...] [OPTIONS]\n"
		"\n"
		"will-it-scale's runtest.py: WORKLOAD (a wis-* test, or any workload) at 1, 2,\n"
		"... tasks up to one per PU (or the --counts given), and its CSV on standard\n"
		"output, tasks,processes,processes_idle,threads,threads_idle,linear, that its\n"
		"postprocess.py plots.  The kernel strategy runs each count twice, as\n"
		"processes (--tasks processes: no descriptor table shared) and as threads;\n"
		"an engine strategy's contexts have private descriptor tables, as processes\n"
		"do, so its figure is in the processes column and threads is -1 (not\n"
		"measured, runtest.py's mark).  Each run is --duration whole seconds (default\n"
		"5, as runtest.py's) after --warmup; its per-second lines are will-it-scale's\n"
		"(nameibench run --format wis).  Progress goes to standard error.\n"
		"\n"
		"options:\n"
		"  --strategy S     default kernel\n"
		"  --counts LIST    the task counts, e.g. 1,2,4 (default 1 to the PUs)\n"
		"  --output BASE    also write BASE.csv and BASE.title (postprocess.py's\n"
		"                   input), rewritten after every row\n"
		"%s", common_usage);
}

struct runtest_args {
	const char *workload, *strategy, *output;
	int counts[64], ncounts;
	struct common c;
};

static int parse_counts(const char *v, struct runtest_args *a)
{
	char buf[512], *words[64];
	int n, i;
	long x;

	snprintf(buf, sizeof(buf), "%s", v);
	n = split_list(buf, words, 64);
	for (i = 0; i < n; i++) {
		if (arg_long(words[i], 1, 1000, &x))
			return arg_error("runtest", "--counts is task counts from 1 to 1000, not '%s'",
					 words[i]);
		a->counts[i] = (int)x;
	}
	a->ncounts = n;
	return n ? 0 : arg_error("runtest", "--counts names no task count");
}

/* 0: parsed; -1: help printed; else the exit status. */
static int runtest_parse(int argc, char **argv, struct runtest_args *a)
{
	const char *v;
	int i, r;

	common_defaults(&a->c);
	a->c.duration = 5;
	a->strategy = "kernel";
	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
			runtest_usage(stdout);
			return -1;
		}
		if ((r = common_option("runtest", argc, argv, &i, &a->c)) == 2)
			return 2;
		if (r)
			continue;
		if ((v = arg_value(argc, argv, &i, "--strategy")))
			a->strategy = v;
		else if ((v = arg_value(argc, argv, &i, "--output")))
			a->output = v;
		else if ((v = arg_value(argc, argv, &i, "--counts"))) {
			if (parse_counts(v, a))
				return 2;
		} else if (arg_missing)
			return arg_error("runtest", "%s needs a value", argv[i]);
		else if (argv[i][0] == '-' || a->workload)
			return arg_error("runtest", "unknown argument '%s' (see 'nameibench runtest "
					 "--help')", argv[i]);
		else
			a->workload = argv[i];
	}
	if (!a->workload)
		return arg_error("runtest", "which workload? (e.g. wis-open3; 'nameibench list')");
	if (!whole_seconds(a->c.duration))
		return arg_error("runtest", "--duration must be a whole number of seconds, not %g",
				 a->c.duration);
	return 0;
}

/* The table, row by row, each written out as soon as it is measured. */
static int runtest_rows(struct runtest_args *a, struct bench_config *cfg, struct wis_table *t)
{
	bool kernel = !cfg->strategy->backend->simulated;
	int i;

	for (i = 0; i < a->ncounts; i++) {
		struct wis_row *row = &t->rows[t->n];

		*row = (struct wis_row){ .tasks = a->counts[i], .processes = -1, .threads = -1 };
		cfg->threads = a->counts[i];
		fprintf(stderr, "nameibench runtest: %s on %s, %d of %d: %d tasks\n", cfg->wl.name,
			cfg->strategy->name, i + 1, a->ncounts, row->tasks);
		row->processes = wis_point(cfg, kernel ? TASKS_PROCESSES : TASKS_THREADS,
					   &row->processes_idle);
		if (kernel && row->processes >= -1)
			row->threads = wis_point(cfg, TASKS_THREADS, &row->threads_idle);
		else
			row->threads_idle = 100;
		if (row->processes < -1 || row->threads < -1)
			return (int)(row->processes < -1 ? row->processes : row->threads);
		if (t->n == 0 && row->tasks == 1)
			t->linear = row->processes > row->threads ? row->processes : row->threads;
		t->n++;
		if (a->output) {
			char path[4096];
			int r;

			snprintf(path, sizeof(path), "%s.csv", a->output);
			if ((r = write_atomically(path, fill_wis_csv, t))) {
				fprintf(stderr, "nameibench runtest: cannot write %s: %s\n", path,
					strerror(-r));
				return r;
			}
		}
	}
	return 0;
}

int cmd_runtest(int argc, char **argv)
{
	struct runtest_args a = { 0 };
	struct bench_config cfg = { 0 };
	struct wis_table t = { 0 };
	struct topo tp;
	char err[512], path[4096];
	int rc, i, r;

	if ((rc = runtest_parse(argc, argv, &a)))
		return rc < 0 ? 0 : rc;
	if (!(cfg.strategy = nb_strategy_find(a.strategy))) {
		nb_unknown_strategy("nameibench runtest", a.strategy);
		return 2;
	}
	if (workload_load(a.workload, &cfg.wl, err, sizeof(err)))
		return arg_error("runtest", "%s", err);
	if (start("runtest", &tp, &a.c))
		return 2;
	if (!a.ncounts)		/* runtest.py's: 1 to the PUs, step 1 */
		for (i = 0; i < tp.pus && i < 64; i++)
			a.counts[a.ncounts++] = i + 1;
	for (i = 0; i < a.ncounts; i++)
		if ((rc = check_threads("runtest", a.counts[i], &cfg.wl)))
			goto out;
	resolve_syscall_cost("runtest", &a.c);
	cfg.duration = a.c.duration;
	cfg.warmup = a.c.warmup;
	cfg.seed = (uint64_t)a.c.seed;
	cfg.topo = &tp;
	cfg.pin = a.c.pin;
	cfg.interrupted = &interrupted;
	apply_syscall_cost(&a.c, &cfg);
	snprintf(path, sizeof(path), "%s.title", a.output ? a.output : "");
	if (a.output && (r = write_atomically(path, fill_title, &cfg))) {
		rc = arg_error("runtest", "cannot write %s: %s", path, strerror(-r));
		goto out;
	}
	t.rows = calloc((size_t)a.ncounts, sizeof(*t.rows));
	r = t.rows ? runtest_rows(&a, &cfg, &t) : -ENOMEM;
	fill_wis_csv(stdout, &t);
	rc = r == -EINTR ? 130 : r ? 1 : 0;
	if (r == -EINTR)
		fprintf(stderr, "nameibench runtest: interrupted; the %d rows measured are kept\n", t.n);
	free(t.rows);
out:
	topo_free(&tp);
	nb_thread_stop();
	return rc;
}

/* ---- sweep ---- */

/* How many repetitions each point gets: a fixed number, or until it is certain enough. */
struct reps_policy {
	bool automatic;
	long reps;			/* fixed */
	long min, max;			/* auto: at least, at most */
	double target_pct;		/* auto: the 95% interval's half-width, % of the mean */
	double time_cap;		/* auto: no new round after this many seconds; 0: none */
};

/* One point's repetitions so far, and why they stopped. */
struct group {
	int s, w, t;			/* indexes into the sweep's lists */
	int n;				/* repetitions done */
	double *v;			/* their ops/s */
	int nv;				/* how many of them were measured (not skipped) */
	bool skipped;
	const char *stopped;		/* NULL while it goes on */
};

struct sweep {
	const struct nb_strategy *strategies[32];
	int nstrategies;
	struct workload *workloads;
	int nworkloads;
	int threads[64];
	int nthreads;
	struct reps_policy rp;
	const char *out;
	char out_buf[4096];		/* --new-on-change: the folder used instead */
	bool new_on_change;
	struct group *groups;
	int ngroups;
};

/* "a,b,c" into at most @max words (modified in place). */
static int split_list(char *s, char **words, int max)
{
	int n = 0;
	char *save = NULL, *w;

	for (w = strtok_r(s, ",", &save); w; w = strtok_r(NULL, ",", &save)) {
		if (n == max)
			return -1;
		words[n++] = w;
	}
	return n;
}

static int parse_strategies(char *list, struct sweep *sw)
{
	char *words[32];
	const struct nb_strategy *const *s;
	int n, i;

	if (!strcmp(list, "all")) {
		for (s = nb_strategies(); *s; s++)
			sw->strategies[sw->nstrategies++] = *s;
		sw->strategies[sw->nstrategies++] = &nb_strategy_kernel;
		return 0;
	}
	n = split_list(list, words, 32);
	if (n <= 0)
		return arg_error("sweep", "--strategies needs a comma-separated list, or all");
	for (i = 0; i < n; i++) {
		sw->strategies[i] = nb_strategy_find(words[i]);
		if (!sw->strategies[i]) {
			nb_unknown_strategy("nameibench sweep", words[i]);
			return 2;
		}
	}
	sw->nstrategies = n;
	return 0;
}

static int parse_workloads(char *list, struct sweep *sw)
{
	char *words[64], err[512];
	int n, i;

	n = split_list(list, words, 64);
	if (n <= 0)
		return arg_error("sweep", "--workloads needs a comma-separated list");
	sw->workloads = calloc((size_t)n, sizeof(*sw->workloads));
	for (i = 0; i < n; i++)
		if (workload_load(words[i], &sw->workloads[i], err, sizeof(err)))
			return arg_error("sweep", "%s", err);
	sw->nworkloads = n;
	return 0;
}

/* "1,2,4" or "auto": 1, 2, 4, ... below the PU count, and the PU count. */
static int parse_threads(char *list, struct sweep *sw, int pus)
{
	char *words[64];
	int n, i;

	if (!strcmp(list, "auto")) {
		for (i = 1; i < pus && sw->nthreads < 63; i *= 2)
			sw->threads[sw->nthreads++] = i;
		sw->threads[sw->nthreads++] = pus;
		return 0;
	}
	n = split_list(list, words, 64);
	if (n <= 0)
		return arg_error("sweep", "--threads needs a comma-separated list, or auto");
	for (i = 0; i < n; i++) {
		long t;

		if (arg_long(words[i], 1, 1000, &t))
			return arg_error("sweep", "--threads: '%s' is not a whole number from 1 to "
					 "1000", words[i]);
		sw->threads[i] = (int)t;
	}
	sw->nthreads = n;
	return 0;
}

static void point_file(char *buf, size_t n, const char *dir, const struct nb_strategy *s,
		       const struct workload *wl, int threads, int rep, const char *ext)
{
	snprintf(buf, n, "%s/points/%s--%s--t%04d--r%03d.%s", dir, s->name, wl->name, threads,
		 rep, ext);
}

/* The point files of DIR, sorted: the rows of results.csv/json, in order. */
static int list_points(const char *dir, const char *ext, char ***names)
{
	char path[4096];
	struct dirent **ents;
	int n, i, k = 0;
	size_t el = strlen(ext);

	snprintf(path, sizeof(path), "%s/points", dir);
	n = scandir(path, &ents, NULL, alphasort);
	if (n < 0)
		return -errno;
	*names = calloc((size_t)n + 1, sizeof(**names));
	for (i = 0; i < n; i++) {
		size_t l = strlen(ents[i]->d_name);

		if (l > el + 1 && !strcmp(ents[i]->d_name + l - el, ext) &&
		    ents[i]->d_name[l - el - 1] == '.' && !strstr(ents[i]->d_name, ".tmp.")) {
			(*names)[k] = malloc(strlen(path) + l + 2);
			sprintf((*names)[k++], "%s/%s", path, ents[i]->d_name);
		}
		free(ents[i]);
	}
	free(ents);
	return k;
}

static void copy_file(FILE *out, const char *path)
{
	FILE *in = fopen(path, "r");
	char buf[8192];
	size_t n;

	if (!in)
		return;
	while ((n = fread(buf, 1, sizeof(buf), in)) > 0)
		fwrite(buf, 1, n, out);
	fclose(in);
}

/* The whole of a small file, NUL-terminated; NULL if unreadable. */
static char *slurp(const char *path)
{
	FILE *f = fopen(path, "r");
	char *buf = NULL;
	size_t len = 0, cap = 0, n;

	if (!f)
		return NULL;
	do {
		if (len + 4096 + 1 > cap) {
			char *grown = realloc(buf, cap = (cap ? cap * 2 : 16384));

			if (!grown) {
				free(buf);
				fclose(f);
				return NULL;
			}
			buf = grown;
		}
		n = fread(buf + len, 1, 4096, f);
		len += n;
	} while (n > 0);
	fclose(f);
	buf[len] = '\0';
	return buf;
}

struct aggregate {
	char **files;
	int n;
};

static void fill_results_csv(FILE *f, void *arg)
{
	struct aggregate *a = arg;
	int i;

	point_csv_header(f);
	for (i = 0; i < a->n; i++)
		copy_file(f, a->files[i]);
}

static void fill_results_json(FILE *f, void *arg)
{
	struct aggregate *a = arg;
	int i;

	fputs("[\n", f);
	for (i = 0; i < a->n; i++) {
		if (i)
			fputs(",\n", f);
		copy_file(f, a->files[i]);
	}
	fputs("]\n", f);
}

static void free_names(char **names, int n)
{
	int i;

	for (i = 0; i < n; i++)
		free(names[i]);
	free(names);
}

/* results.csv and results.json from every point file of DIR. */
static int regenerate(const char *dir)
{
	struct aggregate a;
	char path[4096];
	int err;

	a.n = list_points(dir, "csv", &a.files);
	if (a.n < 0)
		return a.n;
	snprintf(path, sizeof(path), "%s/results.csv", dir);
	err = write_atomically(path, fill_results_csv, &a);
	free_names(a.files, a.n);
	if (err)
		return err;
	a.n = list_points(dir, "json", &a.files);
	if (a.n < 0)
		return a.n;
	snprintf(path, sizeof(path), "%s/results.json", dir);
	err = write_atomically(path, fill_results_json, &a);
	free_names(a.files, a.n);
	return err;
}

static void fill_context(FILE *f, void *arg)
{
	fputs("{\n", f);
	context_json(f, arg, "  ");
	fputs("}\n", f);
}

static void fill_point_csv(FILE *f, void *arg)
{
	struct one_point *p = arg;

	point_csv_row(f, p->cfg, p->res, p->id, p->ctx->rcu_flavor);
}

static void eta(char *buf, size_t n, double seconds)
{
	if (seconds < 60)
		snprintf(buf, n, "%.0fs", seconds);
	else if (seconds < 3600)
		snprintf(buf, n, "%dm%02ds", (int)seconds / 60, (int)seconds % 60);
	else
		snprintf(buf, n, "%dh%02dm", (int)seconds / 3600, (int)seconds / 60 % 60);
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void sweep_usage(FILE *f)
{
	fprintf(f,
		"usage: nameibench sweep --strategies LIST --workloads LIST --threads LIST\n"
		"                        --out DIR [--reps R|auto] [OPTIONS]\n"
		"\n"
		"Measure every point (strategy x workload x threads x repetition), with the\n"
		"repetitions outermost: round 1 measures every point once, round 2 again,\n"
		"and so on, so that drift over the run shows as a difference between rounds\n"
		"and spreads evenly over the points.  Each finished point is kept at once in\n"
		"DIR/points/ and DIR/results.csv and results.json are rewritten; DIR/context.json\n"
		"describes the machine and the build, DIR/reps.json how many repetitions\n"
		"each point took.  Running again with the same DIR skips the points already\n"
		"there (resume); if they were measured differently (another build, duration,\n"
		"warmup, pin policy, CPU set, RCU flavor, seed, injected delay, system-call\n"
		"cost or workload definition) it refuses and names the difference.\n"
		"\n"
		"  --strategies LIST  comma-separated, or all (the engine's and kernel)\n"
		"  --workloads LIST   built-in names (NAME@RATE: writers at RATE ops/s each)\n"
		"                     or .wl files, comma-separated\n"
		"  --threads LIST     e.g. 1,2,4, or auto (1, 2, 4, ... and the PU count)\n"
		"  --reps R|auto      repetitions of every point (default 1); auto: repeat a\n"
		"                     point until the 95%% interval of its mean is within the\n"
		"                     target, or a cap is reached:\n"
		"  --rep-target PCT   auto: the interval's half-width, %% of the mean (3)\n"
		"  --rep-min N        auto: repetitions every point gets at least (3)\n"
		"  --rep-max N        auto: and at most (10)\n"
		"  --time-cap SEC     auto: start no round after SEC seconds once every point\n"
		"                     has its minimum (default: no cap)\n"
		"  --out DIR          where the results go\n"
		"  --new-on-change    if DIR holds points measured differently, measure into\n"
		"                     a new folder DIR.2 (DIR.3, ...) instead of refusing; the\n"
		"                     first such folder measured as this sweep is resumed\n"
		"%s", common_usage);
}

static int sweep_interrupted(int kept, const struct sweep *sw, const struct context *ctx)
{
	fprintf(stderr, "\nsweep: interrupted; %d points are done and kept in %s.\n"
		"sweep: to resume, run the same command again:\n  %s\n", kept, sw->out,
		ctx->command);
	return 130;
}

/* ---- repetitions ---- */

/* Student's t, two-sided 95%, for 1 .. 30 degrees of freedom; 1.96 beyond. */
static double t95(int df)
{
	static const double t[] = {
		12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228,
		2.201, 2.179, 2.160, 2.145, 2.131, 2.120, 2.110, 2.101, 2.093, 2.086,
		2.080, 2.074, 2.069, 2.064, 2.060, 2.056, 2.052, 2.048, 2.045, 2.042,
	};

	return df < 1 ? 0 : df <= 30 ? t[df - 1] : 1.96;
}

static double group_mean(const struct group *g)
{
	double sum = 0;
	int i;

	for (i = 0; i < g->nv; i++)
		sum += g->v[i];
	return g->nv ? sum / g->nv : 0;
}

/* The 95% interval's half-width as a percentage of the mean; < 0 if undefined. */
static double group_ci_pct(const struct group *g)
{
	double m = group_mean(g), ss = 0;
	int i;

	if (g->nv < 2 || m <= 0)
		return -1;
	for (i = 0; i < g->nv; i++)
		ss += (g->v[i] - m) * (g->v[i] - m);
	return 100.0 * t95(g->nv - 1) * sqrt(ss / (g->nv - 1)) / sqrt(g->nv) / m;
}

static void policy_json(FILE *f, const struct reps_policy *rp)
{
	if (!rp->automatic) {
		fprintf(f, "{\"mode\": \"fixed\", \"reps\": %ld}", rp->reps);
		return;
	}
	fprintf(f, "{\"mode\": \"auto\", \"target_pct\": %g, \"min\": %ld, \"max\": %ld, "
		"\"time_cap_s\": ", rp->target_pct, rp->min, rp->max);
	if (rp->time_cap > 0)
		fprintf(f, "%g}", rp->time_cap);
	else
		fputs("null}", f);
}

static void fill_reps(FILE *f, void *arg)
{
	const struct sweep *sw = arg;
	int i;

	fputs("{\"policy\": ", f);
	policy_json(f, &sw->rp);
	fputs(",\n \"points\": [", f);
	for (i = 0; i < sw->ngroups; i++) {
		const struct group *g = &sw->groups[i];
		double ci = group_ci_pct(g);

		fprintf(f, "%s\n  {\"strategy\": \"%s\", \"workload\": ", i ? "," : "",
			sw->strategies[g->s]->name);
		json_string(f, sw->workloads[g->w].name);
		fprintf(f, ", \"threads\": %d, \"reps\": %d, \"mean\": %.6g, \"ci95_pct\": ",
			sw->threads[g->t], g->n, group_mean(g));
		if (ci >= 0)
			fprintf(f, "%.3g", ci);
		else
			fputs("null", f);
		fprintf(f, ", \"reached\": %s, \"stopped\": \"%s\"}",
			ci >= 0 && (!sw->rp.automatic || ci <= sw->rp.target_pct) ? "true" : "false",
			g->stopped ? g->stopped : "running");
	}
	fputs("\n]}\n", f);
}

/* After a round: which points take no more repetitions, and why. */
static int decide(struct sweep *sw)
{
	const struct reps_policy *rp = &sw->rp;
	int i, open = 0;

	for (i = 0; i < sw->ngroups; i++) {
		struct group *g = &sw->groups[i];
		double ci;

		if (g->stopped)
			continue;
		ci = group_ci_pct(g);
		if (g->skipped)
			g->stopped = "skipped";
		else if (!rp->automatic)
			g->stopped = g->n >= rp->reps ? "fixed" : NULL;
		else if (g->n >= rp->min && ci >= 0 && ci <= rp->target_pct)
			g->stopped = "target";
		else if (g->n >= rp->max)
			g->stopped = "max-reps";
		open += !g->stopped;
	}
	return open;
}

/* ops/s of a point CSV row (its fifth field); 0 if the point was skipped. */
static int point_value(const char *csv, double *v, bool *skipped)
{
	char *text = slurp(csv), *p;
	int field;

	if (!text)
		return -1;
	for (p = text, field = 0; *p && field < 4; p++)
		field += *p == ',';
	*skipped = *p == ',' || !*p;
	*v = *skipped ? 0 : atof(p);
	free(text);
	return 0;
}

/* ---- resume ---- */

/* @s cut around byte @at, for a one-line message. */
static void excerpt(char *buf, size_t n, const char *s, size_t at)
{
	size_t from = at > 24 ? at - 24 : 0;

	snprintf(buf, n, "%s%.60s%s", from ? "..." : "", s + from,
		 strlen(s + from) > 60 ? "..." : "");
}

static size_t first_difference(const char *a, const char *b)
{
	size_t i = 0;

	while (a[i] && a[i] == b[i])
		i++;
	return i;
}

/*
 * The first point file of DIR measured otherwise than this sweep would
 * measure it: 0 if none, else 1 with its difference in @why.  Files of
 * strategies or workloads this sweep does not plan are still judged on
 * everything but their workload's definition: results.json would mix them.
 */
static int measured_differently(const struct sweep *sw, const struct common *c,
				const struct context *ctx, const struct topo *tp, char *why,
				size_t n)
{
	char **files;
	int nf = list_points(sw->out, "json", &files), i, found = 0;

	for (i = 0; i < nf && !found; i++) {
		const char *base = strrchr(files[i], '/') + 1, *key;
		char sname[64] = "", wname[256] = "", old[4096];
		struct bench_config cfg = {
			.duration = c->duration, .warmup = c->warmup, .pin = c->pin, .topo = tp,
			.strategy = sw->strategies[0], .wl = sw->workloads[0],
		};
		struct fingerprint fp;
		char *text = slurp(files[i]);
		bool known_wl = false;
		int k;

		if (!text)
			continue;
		/* strategy--workload--tNNNN--rNNN.json: a workload's name may hold '-' */
		{
			const char *d1 = strstr(base, "--"), *d2 = d1 ? strstr(d1 + 2, "--t") : NULL;

			if (d1 && d2) {
				snprintf(sname, sizeof(sname), "%.*s", (int)(d1 - base), base);
				snprintf(wname, sizeof(wname), "%.*s", (int)(d2 - d1 - 2), d1 + 2);
			}
		}
		for (k = 0; k < sw->nstrategies; k++)
			if (!strcmp(sw->strategies[k]->name, sname))
				cfg.strategy = sw->strategies[k];
		for (k = 0; k < sw->nworkloads; k++)
			if (!strcmp(sw->workloads[k].name, wname)) {
				cfg.wl = sw->workloads[k];
				known_wl = true;
			}
		cfg.inject_delay_ns = injected_delay(c, cfg.strategy);
		fingerprint_make(&fp, &cfg, ctx, (uint64_t)c->seed, c->syscall_cost);
		if (!known_wl)
			fp.n--;		/* "workload", the last key: not ours to judge */
		if (fingerprint_diff(&fp, text, &key, old, sizeof(old))) {
			const char *now = "";
			char a[128], b[128];

			for (k = 0; k < fp.n; k++)
				if (!strcmp(fp.key[k], key))
					now = fp.value[k];
			if (!strcmp(key, "fingerprint"))
				snprintf(why, n, "points/%s records no fingerprint (an older nameibench "
					 "measured it)", base);
			else if (!strcmp(key, "workload")) {
				size_t at = first_difference(old, now);

				excerpt(a, sizeof(a), old, at);
				excerpt(b, sizeof(b), now, at);
				snprintf(why, n, "the definition of workload %s was '%s', now '%s'",
					 wname, a, b);
			} else {
				excerpt(a, sizeof(a), old, 0);
				excerpt(b, sizeof(b), now, 0);
				snprintf(why, n, "%s was '%s', now '%s'", key, a, b);
			}
			found = 1;
		}
		fingerprint_free(&fp);
		free(text);
	}
	if (nf > 0)
		free_names(files, nf);
	return found;
}

/*
 * --new-on-change: the first DIR.N that does not exist yet, or that holds
 * points measured as this sweep measures (an interrupted --new-on-change
 * run, resumed).
 */
static void next_free_folder(struct sweep *sw, const struct common *c,
			     const struct context *ctx, const struct topo *tp)
{
	const char *base = sw->out;
	char tmp[4000], why[4096];
	struct stat sb;
	int k;

	snprintf(tmp, sizeof(tmp), "%s", base);
	for (k = 2; k < 10000; k++) {
		snprintf(sw->out_buf, sizeof(sw->out_buf), "%s.%d", tmp, k);
		sw->out = sw->out_buf;
		if (stat(sw->out_buf, &sb) || !measured_differently(sw, c, ctx, tp, why, sizeof(why)))
			break;
	}
}

/* ---- the points ---- */

struct progress {
	int measured, skipped, kept;	/* this run; kept: already on disk */
	double spent;
};

/*
 * Repetition @rep of group @g: read from disk if a previous run left it,
 * else measured and written (the CSV row first: the JSON file is what
 * marks a point done).  0, 130 when interrupted, or 1.
 */
static int sweep_one(struct sweep *sw, struct group *g, int rep, const struct common *c,
		     struct topo *tp, const struct context *ctx, const char *policy,
		     struct progress *pg)
{
	struct bench_config cfg = {
		.strategy = sw->strategies[g->s], .wl = sw->workloads[g->w],
		.threads = sw->threads[g->t], .duration = c->duration, .warmup = c->warmup,
		.seed = (uint64_t)c->seed + (uint64_t)rep - 1, .topo = tp, .pin = c->pin,
		.interrupted = &interrupted,
		.inject_delay_ns = injected_delay(c, sw->strategies[g->s]),
	};
	struct fingerprint fp;
	struct point_id id = { .rep = rep, .seed = cfg.seed, .fp = &fp, .reps_policy = policy };
	struct bench_result res;
	struct one_point p = { &cfg, &res, &id, ctx };
	char csvp[4096], jsonp[4096], when[32], err[512];
	struct stat sb;
	double t0, value;
	bool skipped;
	int r, left, i;

	point_file(jsonp, sizeof(jsonp), sw->out, cfg.strategy, &cfg.wl, cfg.threads, rep, "json");
	point_file(csvp, sizeof(csvp), sw->out, cfg.strategy, &cfg.wl, cfg.threads, rep, "csv");
	if (!stat(jsonp, &sb) && !point_value(csvp, &value, &skipped)) {
		pg->kept++;
		goto count;
	}
	apply_syscall_cost(c, &cfg);
	fingerprint_make(&fp, &cfg, ctx, (uint64_t)c->seed, c->syscall_cost);
	t0 = now_s();
	r = bench_run(&cfg, &res, err, sizeof(err));
	if (r == -EINTR) {	/* the point in flight is abandoned */
		fingerprint_free(&fp);
		return sweep_interrupted(pg->kept + pg->measured + pg->skipped, sw, ctx);
	}
	if (r) {
		fingerprint_free(&fp);
		fprintf(stderr, "nameibench sweep: %s %s threads=%d: %s\n", cfg.strategy->name,
			cfg.wl.name, cfg.threads, err);
		return 1;
	}
	r = write_atomically(csvp, fill_point_csv, &p);
	if (!r)
		r = write_atomically(jsonp, fill_json, &p);
	if (!r)
		r = regenerate(sw->out);
	fingerprint_free(&fp);
	skipped = res.skipped[0] != '\0';
	value = res.ops_per_sec;
	if (r) {
		fprintf(stderr, "nameibench sweep: cannot write results in %s: %s\n", sw->out,
			strerror(-r));
		bench_result_free(&res);
		return 1;
	}
	pg->spent += now_s() - t0;
	if (skipped)
		pg->skipped++;
	else
		pg->measured++;
	/* the most points still to come: the fixed count, or auto's cap */
	for (i = 0, left = 0; i < sw->ngroups; i++)
		if (!sw->groups[i].stopped && !sw->groups[i].skipped)
			left += (int)(sw->rp.automatic ? sw->rp.max : sw->rp.reps) -
				sw->groups[i].n - (&sw->groups[i] == g);
	eta(when, sizeof(when), pg->spent / (pg->measured + pg->skipped) * left);
	fprintf(stderr, "[round %d, point %d of %d] %s %s threads=%d: ", rep,
		(int)(g - sw->groups) + 1, sw->ngroups, cfg.strategy->name, cfg.wl.name,
		cfg.threads);
	if (skipped)
		fprintf(stderr, "skipped, %s", res.skipped);
	else
		fprintf(stderr, "%.3g ops/s", res.ops_per_sec);
	fprintf(stderr, "  (ETA %s%s)\n", sw->rp.automatic ? "at most " : "", when);
	bench_result_free(&res);
count:
	g->n++;
	if (skipped)
		g->skipped = true;
	else
		g->v[g->nv++] = value;
	/* ^C after the last sample: this point is whole and kept */
	if (interrupted)
		return sweep_interrupted(pg->kept + pg->measured + pg->skipped, sw, ctx);
	return 0;
}

static int write_reps(struct sweep *sw)
{
	char path[4096];

	snprintf(path, sizeof(path), "%s/reps.json", sw->out);
	return write_atomically(path, fill_reps, sw);
}

/* The repetitions of the plan a previous run left in the folder. */
static int already_done(const struct sweep *sw)
{
	long most = sw->rp.automatic ? sw->rp.max : sw->rp.reps;
	char path[4096];
	struct stat sb;
	int i, n = 0;

	for (i = 0; i < sw->ngroups; i++)
		for (long rep = 1; rep <= most; rep++) {
			const struct group *g = &sw->groups[i];

			point_file(path, sizeof(path), sw->out, sw->strategies[g->s],
				   &sw->workloads[g->w], sw->threads[g->t], (int)rep, "json");
			n += !stat(path, &sb);
		}
	return n;
}

/* Every point of the plan, round by round; returns the exit status. */
static int sweep_points(struct sweep *sw, const struct common *c, struct topo *tp,
			const struct context *ctx)
{
	const struct reps_policy *rp = &sw->rp;
	long rounds = rp->automatic ? rp->max : rp->reps;
	struct progress pg = { 0 };
	char *policy = NULL;
	size_t plen = 0;
	FILE *pf = open_memstream(&policy, &plen);
	double t0 = now_s();
	int round, i, open = sw->ngroups, reached = 0, r = 0;

	if (pf) {
		policy_json(pf, rp);
		fclose(pf);
	}
	fprintf(stderr, "sweep: %d points x %s repetitions into %s\n", sw->ngroups,
		rp->automatic ? "auto" : "fixed", sw->out);
	if ((i = already_done(sw)))
		fprintf(stderr, "sweep: %d already done there, resuming\n", i);
	for (round = 1; round <= rounds && open && !r; round++) {
		if (rp->automatic && rp->time_cap > 0 && round > rp->min &&
		    now_s() - t0 > rp->time_cap) {
			for (i = 0; i < sw->ngroups; i++)
				if (!sw->groups[i].stopped)
					sw->groups[i].stopped = "time-cap";
			fprintf(stderr, "sweep: --time-cap %g s reached: no round %d\n", rp->time_cap,
				round);
			if ((r = write_reps(sw)))
				r = arg_error("sweep", "cannot write %s/reps.json: %s", sw->out,
					      strerror(-r));
			break;
		}
		for (i = 0; i < sw->ngroups && !r; i++)
			if (!sw->groups[i].stopped)
				r = sweep_one(sw, &sw->groups[i], round, c, tp, ctx, policy, &pg);
		if (r)
			break;
		open = decide(sw);
		if (rp->automatic)
			fprintf(stderr, "sweep: after round %d, %d of %d points are done, %d go on\n",
				round, sw->ngroups - open, sw->ngroups, open);
		if ((r = write_reps(sw))) {
			r = arg_error("sweep", "cannot write %s/reps.json: %s", sw->out, strerror(-r));
			break;
		}
	}
	free(policy);
	if (r)
		return r;
	if ((r = regenerate(sw->out)))
		return arg_error("sweep", "cannot write results in %s: %s", sw->out, strerror(-r));
	for (i = 0; i < sw->ngroups; i++)
		reached += sw->groups[i].stopped && !strcmp(sw->groups[i].stopped, "target");
	fprintf(stderr, "sweep: done: %d measured, %d skipped, %d already there; results in "
		"%s/results.csv and results.json\n", pg.measured, pg.skipped, pg.kept, sw->out);
	if (rp->automatic)
		fprintf(stderr, "sweep: %d of %d points reached +-%g%%; the rest stopped at a cap "
			"or were skipped (%s/reps.json)\n", reached, sw->ngroups, rp->target_pct,
			sw->out);
	return 0;
}

static int make_groups(struct sweep *sw)
{
	long most = sw->rp.automatic ? sw->rp.max : sw->rp.reps;
	int t, w, s, k = 0;

	sw->ngroups = sw->nthreads * sw->nworkloads * sw->nstrategies;
	sw->groups = calloc((size_t)sw->ngroups, sizeof(*sw->groups));
	if (!sw->groups)
		return -ENOMEM;
	for (t = 0; t < sw->nthreads; t++)
		for (w = 0; w < sw->nworkloads; w++)
			for (s = 0; s < sw->nstrategies; s++, k++) {
				sw->groups[k] = (struct group){ .s = s, .w = w, .t = t };
				sw->groups[k].v = calloc((size_t)most, sizeof(double));
				if (!sw->groups[k].v)
					return -ENOMEM;
			}
	return 0;
}

static void free_groups(struct sweep *sw)
{
	int i;

	for (i = 0; i < sw->ngroups && sw->groups; i++)
		free(sw->groups[i].v);
	free(sw->groups);
}

static int make_folder(const char *out)
{
	char path[4096];

	snprintf(path, sizeof(path), "%s/points", out);
	if ((mkdir(out, 0755) && errno != EEXIST) || (mkdir(path, 0755) && errno != EEXIST))
		return arg_error("sweep", "cannot create %s: %s", path, strerror(errno));
	return 0;
}

/* Checks that need the machine, the output folder, then the points. */
static int sweep_start(struct sweep *sw, struct common *c, const char *threads, int argc,
		       char **argv)
{
	struct context ctx;
	struct topo tp;
	struct stat sb;
	char path[4096], list[4096], why[4096];
	int rc = 2, r, i, t;

	if (start("sweep", &tp, c))
		return 2;
	snprintf(list, sizeof(list), "%s", threads);
	if (parse_threads(list, sw, tp.pus))
		goto out;
	for (i = 0; i < sw->nworkloads; i++)
		for (t = 0; t < sw->nthreads; t++)
			if (check_threads("sweep", sw->threads[t], &sw->workloads[i]))
				goto out;
	context_collect(&ctx, &tp, c->pin, argc + 1, argv - 1);
	if (measured_differently(sw, c, &ctx, &tp, why, sizeof(why))) {
		if (!sw->new_on_change) {
			arg_error("sweep", "%s holds points measured differently: %s (resume with "
				  "the options it was measured with, or add --new-on-change)", sw->out,
				  why);
			goto out;
		}
		fprintf(stderr, "sweep: %s holds points measured differently (%s); ", sw->out, why);
		next_free_folder(sw, c, &ctx, &tp);
		fprintf(stderr, "measuring into %s\n", sw->out);
	}
	if (make_folder(sw->out))
		goto out;
	resolve_syscall_cost("sweep", c);
	snprintf(path, sizeof(path), "%s/context.json", sw->out);
	if (stat(path, &sb) && (r = write_atomically(path, fill_context, &ctx))) {
		arg_error("sweep", "cannot write %s: %s", path, strerror(-r));
		goto out;
	}
	if (make_groups(sw)) {
		arg_error("sweep", "out of memory");
		goto out;
	}
	rc = sweep_points(sw, c, &tp, &ctx);
out:
	free_groups(sw);
	topo_free(&tp);
	nb_thread_stop();
	return rc;
}

/* --reps and the auto options, once all are read; 2 after an error. */
static int check_reps(const char *reps, struct reps_policy *rp)
{
	if (!strcmp(reps, "auto")) {
		rp->automatic = true;
		if (rp->min > rp->max)
			return arg_error("sweep", "--rep-min %ld is more than --rep-max %ld", rp->min,
					 rp->max);
		return 0;
	}
	if (arg_long(reps, 1, 1000, &rp->reps))
		return arg_error("sweep", "--reps must be a whole number from 1 to 1000 or auto, "
				 "not '%s'", reps);
	return 0;
}

/* One of sweep's own options at argv[*i]: 1, 0 if none, 2 after an error. */
static int sweep_option(int argc, char **argv, int *i, struct sweep *sw, const char **reps)
{
	struct reps_policy *rp = &sw->rp;
	const char *v;

	if ((v = arg_value(argc, argv, i, "--reps")))
		*reps = v;
	else if ((v = arg_value(argc, argv, i, "--rep-target"))) {
		if (arg_double(v, 0.0001, 100, &rp->target_pct))
			return arg_error("sweep", "--rep-target must be a percentage from 0.0001 to "
					 "100, not '%s'", v);
	} else if ((v = arg_value(argc, argv, i, "--rep-min"))) {
		if (arg_long(v, 2, 1000, &rp->min))
			return arg_error("sweep", "--rep-min must be a whole number from 2 to 1000, "
					 "not '%s'", v);
	} else if ((v = arg_value(argc, argv, i, "--rep-max"))) {
		if (arg_long(v, 2, 1000, &rp->max))
			return arg_error("sweep", "--rep-max must be a whole number from 2 to 1000, "
					 "not '%s'", v);
	} else if ((v = arg_value(argc, argv, i, "--time-cap"))) {
		if (arg_double(v, 1, 1e7, &rp->time_cap))
			return arg_error("sweep", "--time-cap must be seconds from 1, not '%s'", v);
	} else if ((v = arg_value(argc, argv, i, "--out")))
		sw->out = v;
	else if (!strcmp(argv[*i], "--new-on-change"))
		sw->new_on_change = true;
	else
		return 0;
	return 1;
}

int cmd_sweep(int argc, char **argv)
{
	const char *strategies = NULL, *workloads = NULL, *threads = NULL, *reps = "1", *v;
	struct sweep sw = { .rp = { .reps = 1, .min = 3, .max = 10, .target_pct = 3 } };
	struct common c;
	char list[4096];
	int i, r;

	common_defaults(&c);
	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
			sweep_usage(stdout);
			return 0;
		}
		if ((r = common_option("sweep", argc, argv, &i, &c)) ||
		    (r = sweep_option(argc, argv, &i, &sw, &reps))) {
			if (r == 2)
				return 2;
			continue;
		}
		if ((v = arg_value(argc, argv, &i, "--strategies")))
			strategies = v;
		else if ((v = arg_value(argc, argv, &i, "--workloads")))
			workloads = v;
		else if ((v = arg_value(argc, argv, &i, "--threads")))
			threads = v;
		else if (arg_missing)
			return arg_error("sweep", "%s needs a value", argv[i]);
		else
			return arg_error("sweep", "unknown argument '%s' (see 'nameibench sweep "
					 "--help')", argv[i]);
	}
	if (!strategies || !workloads || !threads || !sw.out)
		return arg_error("sweep", "--strategies, --workloads, --threads and --out are "
				 "required");
	if (check_reps(reps, &sw.rp))
		return 2;
	snprintf(list, sizeof(list), "%s", strategies);
	if (parse_strategies(list, &sw))
		return 2;
	snprintf(list, sizeof(list), "%s", workloads);
	r = parse_workloads(list, &sw);
	if (!r)
		r = sweep_start(&sw, &c, threads, argc, argv);
	free(sw.workloads);
	return r;
}

/* ---- list ---- */

int cmd_list(int argc, char **argv)
{
	const struct workload *b;
	int n, i;

	bool json = argc > 1 && !strcmp(argv[1], "--json");
	struct workload *wls;
	char err[512];

	if (argc > 1 && (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help"))) {
		printf("usage: nameibench list [--json [WORKLOAD...]]\n\n"
		       "The built-in workloads, one per line.  With --json, an object of name:\n"
		       "{entries: the directories and files of one reader's tree, spec: the\n"
		       "definition, as a result file's workload_spec}, for the built-ins or for\n"
		       "the WORKLOADs named (built-in names or .wl files).\n");
		return 0;
	}
	if (argc > 1 && !json)
		return arg_error("list", "unknown argument '%s' (see 'nameibench list --help')",
				 argv[1]);
	if (!json) {
		int width = 0;

		b = workload_builtins(&n);
		for (i = 0; i < n; i++)
			width = (int)strlen(b[i].name) > width ? (int)strlen(b[i].name) : width;
		for (i = 0; i < n; i++)
			printf("%-*s %s\n", width, b[i].name, b[i].summary);
		return 0;
	}
	n = argc > 2 ? argc - 2 : 0;
	if (!n)
		workload_builtins(&n);
	wls = calloc((size_t)n, sizeof(*wls));
	if (!wls)
		return arg_error("list", "out of memory");
	for (i = 0; i < n; i++) {
		if (workload_load(argc > 2 ? argv[i + 2] : workload_builtins(&n)[i].name, &wls[i],
				  err, sizeof(err))) {
			free(wls);
			return arg_error("list", "%s", err);
		}
	}
	printf("{");
	for (i = 0; i < n; i++) {
		printf("%s\n  ", i ? "," : "");
		json_string(stdout, wls[i].name);
		printf(": {\"entries\": %ld, \"spec\": ", workload_entries(&wls[i]));
		workload_spec_json(stdout, &wls[i]);
		printf("}");
	}
	printf("\n}\n");
	free(wls);
	return 0;
}
