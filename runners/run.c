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
};

static void common_defaults(struct common *c)
{
	c->duration = 2.0;
	c->warmup = 0.5;
	c->pin = PIN_CORES;
	c->seed = 1;
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

/* The process-wide setup both commands need: a registered thread, the topology. */
static int start(const char *cmd, struct topo *tp)
{
	int err = nb_thread_start();

	if (err)
		return arg_error(cmd, "cannot register the main thread: %s", nb_errno_name(err));
	if (topo_load(tp, NULL))
		return arg_error(cmd, "cannot read this machine's topology with hwloc");
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
		"usage: nameibench run --strategy S --workload W --threads N [OPTIONS]\n"
		"\n"
		"Measure one point: build W's tree, start N pinned reader threads (and W's\n"
		"writers), release them together, discard the warmup, measure, and print\n"
		"throughput, per-thread spread, latency percentiles and the strategy's\n"
		"counters per operation.  W is a built-in workload ('nameibench list') or a\n"
		".wl file; NAME@RATE is built-in NAME with each writer at RATE operations\n"
		"per second (0: as fast as it can), e.g. rename-churn@10000.\n"
		"\n"
		"options:\n"
		"%s"
		"  --json FILE      write the point, with its context, as JSON\n"
		"  --csv FILE       write it as CSV (header and one row)\n", common_usage);
}

int cmd_run(int argc, char **argv)
{
	const char *strategy = NULL, *workload = NULL, *json = NULL, *csv = NULL, *v;
	struct bench_config cfg = { 0 };
	struct bench_result res;
	struct common c;
	struct context ctx;
	struct point_id id = { .rep = 1 };
	struct topo tp;
	char err[512];
	long threads = 0;
	int i, r, rc;

	common_defaults(&c);
	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
			run_usage(stdout);
			return 0;
		}
		if ((r = common_option("run", argc, argv, &i, &c)))
			if (r == 2)
				return 2;
		if (r)
			continue;
		if ((v = arg_value(argc, argv, &i, "--strategy")))
			strategy = v;
		else if ((v = arg_value(argc, argv, &i, "--workload")))
			workload = v;
		else if ((v = arg_value(argc, argv, &i, "--threads"))) {
			if (arg_long(v, 1, 1000, &threads))
				return arg_error("run", "--threads must be a whole number from 1 to "
						 "1000, not '%s'", v);
		} else if ((v = arg_value(argc, argv, &i, "--json")))
			json = v;
		else if ((v = arg_value(argc, argv, &i, "--csv")))
			csv = v;
		else if (arg_missing)
			return arg_error("run", "%s needs a value", argv[i]);
		else
			return arg_error("run", "unknown argument '%s' (see 'nameibench run --help')",
					 argv[i]);
	}
	if (!strategy || !workload || !threads)
		return arg_error("run", "--strategy, --workload and --threads are required");
	cfg.strategy = nb_strategy_find(strategy);
	if (!cfg.strategy) {
		nb_unknown_strategy("nameibench run", strategy);
		return 2;
	}
	if (workload_load(workload, &cfg.wl, err, sizeof(err)))
		return arg_error("run", "%s", err);
	if (check_threads("run", threads, &cfg.wl))
		return 2;
	if (start("run", &tp))
		return 2;
	cfg.threads = (int)threads;
	cfg.duration = c.duration;
	cfg.warmup = c.warmup;
	cfg.seed = (uint64_t)c.seed;
	cfg.topo = &tp;
	cfg.pin = c.pin;
	cfg.interrupted = &interrupted;
	cfg.inject_delay_ns = injected_delay(&c, cfg.strategy);
	id.seed = cfg.seed;
	context_collect(&ctx, &tp, c.pin, argc + 1, argv - 1);

	r = bench_run(&cfg, &res, err, sizeof(err));
	if (r == -EINTR) {
		fprintf(stderr, "nameibench run: interrupted; nothing written\n");
		rc = 130;
	} else if (r) {
		fprintf(stderr, "nameibench run: %s\n", err);
		rc = 1;
	} else {
		struct one_point p = { &cfg, &res, &id, &ctx };

		bench_print_summary(stdout, &cfg, &res);
		if (json && (r = write_atomically(json, fill_json, &p)))
			fprintf(stderr, "nameibench run: cannot write %s: %s\n", json, strerror(-r));
		if (!r && csv && (r = write_atomically(csv, fill_csv, &p)))
			fprintf(stderr, "nameibench run: cannot write %s: %s\n", csv, strerror(-r));
		rc = r ? 1 : 0;
	}
	if (!r)
		bench_result_free(&res);
	topo_free(&tp);
	nb_thread_stop();
	return rc;
}

/* ---- sweep ---- */

struct sweep {
	const struct nb_strategy *strategies[32];
	int nstrategies;
	struct workload *workloads;
	int nworkloads;
	int threads[64];
	int nthreads;
	long reps;
	const char *out;
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
		"                        --out DIR [--reps R] [OPTIONS]\n"
		"\n"
		"Measure every point (strategy x workload x threads x repetition), in an\n"
		"order that interleaves them so that drift spreads evenly.  Each finished\n"
		"point is kept at once in DIR/points/ and DIR/results.csv and results.json are\n"
		"rewritten; DIR/context.json describes the machine and the build.  Running\n"
		"again with the same DIR skips the points already there (resume).\n"
		"\n"
		"  --strategies LIST  comma-separated, or all (the engine's and kernel)\n"
		"  --workloads LIST   built-in names (NAME@RATE: writers at RATE ops/s each)\n"
		"                     or .wl files, comma-separated\n"
		"  --threads LIST     e.g. 1,2,4, or auto (1, 2, 4, ... and the PU count)\n"
		"  --reps R           repetitions of every point (default 1)\n"
		"  --out DIR          where the results go\n"
		"%s", common_usage);
}

static int sweep_interrupted(int kept, int total, const struct sweep *sw,
			     const struct context *ctx)
{
	fprintf(stderr, "\nsweep: interrupted; %d of %d points are done and kept in %s.\n"
		"sweep: to resume, run the same command again:\n  %s\n", kept, total, sw->out,
		ctx->command);
	return 130;
}

/* Every point of the plan, in order; returns the exit status. */
static int sweep_points(struct sweep *sw, const struct common *c, struct topo *tp,
			const struct context *ctx)
{
	int total = (int)sw->reps * sw->nthreads * sw->nworkloads * sw->nstrategies;
	int done = 0, measured = 0, skipped = 0, k = 0, r;
	char err[512], path[4096];
	double spent = 0;
	struct stat sb;

	/* count what a previous run left, for the message and the ETA */
	for (long rep = 1; rep <= sw->reps; rep++)
		for (int t = 0; t < sw->nthreads; t++)
			for (int w = 0; w < sw->nworkloads; w++)
				for (int s = 0; s < sw->nstrategies; s++) {
					point_file(path, sizeof(path), sw->out, sw->strategies[s],
						   &sw->workloads[w], sw->threads[t], (int)rep, "json");
					done += !stat(path, &sb);
				}
	fprintf(stderr, "sweep: %d points into %s\n", total, sw->out);
	if (done)
		fprintf(stderr, "sweep: %d already done there, resuming\n", done);

	/* repetitions outermost: drift over the run spreads over every point */
	for (long rep = 1; rep <= sw->reps; rep++)
	for (int t = 0; t < sw->nthreads; t++)
	for (int w = 0; w < sw->nworkloads; w++)
	for (int s = 0; s < sw->nstrategies; s++) {
		struct bench_config cfg = {
			.strategy = sw->strategies[s], .wl = sw->workloads[w],
			.threads = sw->threads[t], .duration = c->duration, .warmup = c->warmup,
			.seed = (uint64_t)c->seed + (uint64_t)rep - 1, .topo = tp, .pin = c->pin,
			.interrupted = &interrupted,
			.inject_delay_ns = injected_delay(c, sw->strategies[s]),
		};
		struct point_id id = { .rep = (int)rep, .seed = cfg.seed };
		struct bench_result res;
		struct one_point p = { &cfg, &res, &id, ctx };
		char csvp[4096], jsonp[4096], when[32];
		double t0;

		k++;
		point_file(jsonp, sizeof(jsonp), sw->out, cfg.strategy, &cfg.wl, cfg.threads,
			   id.rep, "json");
		point_file(csvp, sizeof(csvp), sw->out, cfg.strategy, &cfg.wl, cfg.threads,
			   id.rep, "csv");
		if (!stat(jsonp, &sb) && !stat(csvp, &sb))
			continue;
		t0 = now_s();
		r = bench_run(&cfg, &res, err, sizeof(err));
		if (r == -EINTR)	/* the point in flight is abandoned */
			return sweep_interrupted(done + measured + skipped, total, sw, ctx);
		if (r) {
			fprintf(stderr, "nameibench sweep: %s %s threads=%d: %s\n", cfg.strategy->name,
				cfg.wl.name, cfg.threads, err);
			return 1;
		}
		/* the CSV row first: a JSON file is what marks a point done */
		if ((r = write_atomically(csvp, fill_point_csv, &p)) ||
		    (r = write_atomically(jsonp, fill_json, &p)) || (r = regenerate(sw->out))) {
			fprintf(stderr, "nameibench sweep: cannot write results in %s: %s\n", sw->out,
				strerror(-r));
			bench_result_free(&res);
			return 1;
		}
		spent += now_s() - t0;
		if (res.skipped[0])
			skipped++;
		else
			measured++;
		eta(when, sizeof(when), spent / (measured + skipped) *
		    (total - done - measured - skipped));
		fprintf(stderr, "[%d/%d] %s %s threads=%d rep=%d: ", k, total, cfg.strategy->name,
			cfg.wl.name, cfg.threads, id.rep);
		if (res.skipped[0])
			fprintf(stderr, "skipped, %s", res.skipped);
		else
			fprintf(stderr, "%.3g ops/s", res.ops_per_sec);
		fprintf(stderr, "  (ETA %s)\n", when);
		bench_result_free(&res);
		/* ^C after the last sample: this point is whole and kept */
		if (interrupted)
			return sweep_interrupted(done + measured + skipped, total, sw, ctx);
	}
	if ((r = regenerate(sw->out)))
		return arg_error("sweep", "cannot write results in %s: %s", sw->out, strerror(-r));
	fprintf(stderr, "sweep: done: %d measured, %d skipped, %d already there; results in "
		"%s/results.csv and results.json\n", measured, skipped, done, sw->out);
	return 0;
}

/* Checks that need the machine, the output folder, then the points. */
static int sweep_start(struct sweep *sw, const struct common *c, const char *threads,
		       int argc, char **argv)
{
	struct context ctx;
	struct topo tp;
	struct stat sb;
	char path[4096], list[4096];
	int rc = 2, r, i, t;

	if (start("sweep", &tp))
		return 2;
	snprintf(list, sizeof(list), "%s", threads);
	if (parse_threads(list, sw, tp.pus))
		goto out;
	for (i = 0; i < sw->nworkloads; i++)
		for (t = 0; t < sw->nthreads; t++)
			if (check_threads("sweep", sw->threads[t], &sw->workloads[i]))
				goto out;
	snprintf(path, sizeof(path), "%s/points", sw->out);
	if ((mkdir(sw->out, 0755) && errno != EEXIST) || (mkdir(path, 0755) && errno != EEXIST)) {
		arg_error("sweep", "cannot create %s: %s", path, strerror(errno));
		goto out;
	}
	context_collect(&ctx, &tp, c->pin, argc + 1, argv - 1);
	snprintf(path, sizeof(path), "%s/context.json", sw->out);
	if (stat(path, &sb) && (r = write_atomically(path, fill_context, &ctx))) {
		arg_error("sweep", "cannot write %s: %s", path, strerror(-r));
		goto out;
	}
	rc = sweep_points(sw, c, &tp, &ctx);
out:
	topo_free(&tp);
	nb_thread_stop();
	return rc;
}

int cmd_sweep(int argc, char **argv)
{
	const char *strategies = NULL, *workloads = NULL, *threads = NULL, *v;
	struct sweep sw = { .reps = 1 };
	struct common c;
	char list[4096];
	int i, r;

	common_defaults(&c);
	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
			sweep_usage(stdout);
			return 0;
		}
		if ((r = common_option("sweep", argc, argv, &i, &c)))
			if (r == 2)
				return 2;
		if (r)
			continue;
		if ((v = arg_value(argc, argv, &i, "--strategies")))
			strategies = v;
		else if ((v = arg_value(argc, argv, &i, "--workloads")))
			workloads = v;
		else if ((v = arg_value(argc, argv, &i, "--threads")))
			threads = v;
		else if ((v = arg_value(argc, argv, &i, "--reps"))) {
			if (arg_long(v, 1, 1000, &sw.reps))
				return arg_error("sweep", "--reps must be a whole number from 1 to "
						 "1000, not '%s'", v);
		} else if ((v = arg_value(argc, argv, &i, "--out")))
			sw.out = v;
		else if (arg_missing)
			return arg_error("sweep", "%s needs a value", argv[i]);
		else
			return arg_error("sweep", "unknown argument '%s' (see 'nameibench sweep "
					 "--help')", argv[i]);
	}
	if (!strategies || !workloads || !threads || !sw.out)
		return arg_error("sweep", "--strategies, --workloads, --threads and --out are "
				 "required");
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

	if (argc > 1 && (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help"))) {
		printf("usage: nameibench list\n\nThe built-in workloads, one per line.\n");
		return 0;
	}
	if (argc > 1)
		return arg_error("list", "takes no arguments ('%s')", argv[1]);
	b = workload_builtins(&n);
	for (i = 0; i < n; i++)
		printf("%-16s %s\n", b[i].name, b[i].summary);
	return 0;
}
