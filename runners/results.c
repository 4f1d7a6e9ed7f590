/*
 * Result files and the context that makes them self-describing (see
 * results.h).  The build's own facts (commit, flags, liburcu version) come
 * from buildinfo.h, which the Makefile writes.
 */
#include <errno.h>
#include <stdarg.h>
#include <fcntl.h>
#include <inttypes.h>
#include <libgen.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include "buildinfo.h"
#include "results.h"

/* ---- JSON ---- */

void json_string(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			fprintf(f, "\\%c", c);
		else if (c == '\n')
			fputs("\\n", f);
		else if (c < 0x20)
			fprintf(f, "\\u%04x", c);
		else
			fputc(c, f);
	}
	fputc('"', f);
}

static void json_kv_str(FILE *f, const char *indent, const char *k, const char *v, bool last)
{
	fprintf(f, "%s\"%s\": ", indent, k);
	json_string(f, v);
	fputs(last ? "\n" : ",\n", f);
}

static void json_kv_num(FILE *f, const char *indent, const char *k, double v, bool last)
{
	fprintf(f, "%s\"%s\": %.6g%s\n", indent, k, v, last ? "" : ",");
}

static void json_kv_u64(FILE *f, const char *indent, const char *k, uint64_t v, bool last)
{
	fprintf(f, "%s\"%s\": %" PRIu64 "%s\n", indent, k, v, last ? "" : ",");
}

static void json_kv_bool(FILE *f, const char *indent, const char *k, bool v, bool last)
{
	fprintf(f, "%s\"%s\": %s%s\n", indent, k, v ? "true" : "false", last ? "" : ",");
}

/* ---- the context ---- */

static void cpu_model(char *buf, size_t n)
{
	FILE *f = fopen("/proc/cpuinfo", "r");
	char line[512];

	snprintf(buf, n, "unknown");
	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		char *colon = strchr(line, ':');

		if (!strncmp(line, "model name", 10) && colon) {
			colon += 2;
			colon[strcspn(colon, "\n")] = '\0';
			snprintf(buf, n, "%s", colon);
			break;
		}
	}
	fclose(f);
}

void context_collect(struct context *c, const struct topo *tp, enum pin_policy pin, int argc,
		     char **argv)
{
	struct utsname u;
	time_t now = time(NULL);
	unsigned int v = hwloc_get_api_version();
	size_t len = 0;
	int i;

	memset(c, 0, sizeof(*c));
	if (gethostname(c->hostname, sizeof(c->hostname) - 1))
		snprintf(c->hostname, sizeof(c->hostname), "unknown");
	cpu_model(c->cpu_model, sizeof(c->cpu_model));
	topo_summary(tp, c->topology, sizeof(c->topology));
	c->packages = tp->packages;
	c->numa_nodes = tp->numa_nodes;
	c->cores = tp->cores;
	c->pus = tp->pus;
	c->synthetic = tp->synthetic;
	if (!uname(&u))
		snprintf(c->kernel_release, sizeof(c->kernel_release), "%s %s %s", u.sysname,
			 u.release, u.machine);
#ifdef __clang__
	snprintf(c->compiler, sizeof(c->compiler), "clang %s", __clang_version__);
#else
	snprintf(c->compiler, sizeof(c->compiler), "gcc %s", __VERSION__);
#endif
	snprintf(c->cflags, sizeof(c->cflags), "%s", NB_CFLAGS);
	snprintf(c->urcu_version, sizeof(c->urcu_version), "%s", NB_URCU_VERSION);
	snprintf(c->hwloc_version, sizeof(c->hwloc_version), "%u.%u.%u", v >> 16, (v >> 8) & 0xff,
		 v & 0xff);
	snprintf(c->rcu_flavor, sizeof(c->rcu_flavor), "%s", nb_rcu_name());
	snprintf(c->git_commit, sizeof(c->git_commit), "%s", NB_GIT_COMMIT);
	c->git_dirty = NB_GIT_DIRTY;
	snprintf(c->pin_policy, sizeof(c->pin_policy), "%s", pin_policy_name(pin));
	snprintf(c->cpuset, sizeof(c->cpuset), "%s", tp->cpuset);
	c->cpuset_from = tp->cpuset_from ? tp->cpuset_from : "all PUs";
	machine_info_collect(&c->machine);
	for (i = 0; i < argc && len + 2 < sizeof(c->command); i++)
		len += (size_t)snprintf(c->command + len, sizeof(c->command) - len, "%s%s",
					i ? " " : "", argv[i]);
	strftime(c->start_utc, sizeof(c->start_utc), "%Y-%m-%dT%H:%M:%SZ", gmtime(&now));
}

void context_json(FILE *f, const struct context *c, const char *indent)
{
	json_kv_str(f, indent, "hostname", c->hostname, false);
	json_kv_str(f, indent, "cpu_model", c->cpu_model, false);
	json_kv_str(f, indent, "topology", c->topology, false);
	fprintf(f, "%s\"topology_counts\": {\"packages\": %d, \"numa_nodes\": %d, \"cores\": %d, "
		"\"pus\": %d},\n", indent, c->packages, c->numa_nodes, c->cores, c->pus);
	json_kv_bool(f, indent, "topology_synthetic", c->synthetic, false);
	json_kv_str(f, indent, "kernel", c->kernel_release, false);
	json_kv_str(f, indent, "compiler", c->compiler, false);
	json_kv_str(f, indent, "cflags", c->cflags, false);
	json_kv_str(f, indent, "liburcu_version", c->urcu_version, false);
	json_kv_str(f, indent, "rcu_flavor", c->rcu_flavor, false);
	json_kv_str(f, indent, "hwloc_version", c->hwloc_version, false);
	json_kv_str(f, indent, "git_commit", c->git_commit, false);
	json_kv_bool(f, indent, "git_dirty", c->git_dirty, false);
	json_kv_str(f, indent, "command", c->command, false);
	json_kv_str(f, indent, "pin_policy", c->pin_policy, false);
	json_kv_str(f, indent, "cpuset", c->cpuset, false);
	json_kv_str(f, indent, "cpuset_from", c->cpuset_from, false);
	machine_info_json(f, &c->machine, indent);
	fputs(",\n", f);
	json_kv_str(f, indent, "start_utc", c->start_utc, true);
}

/* ---- the fingerprint ---- */

static char *printed(void (*fill)(FILE *f, const void *arg), const void *arg)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	if (!f)
		return strdup("");
	fill(f, arg);
	fclose(f);
	return buf ? buf : strdup("");
}

static void fill_workload(FILE *f, const void *arg)
{
	workload_spec_json(f, arg);
}

static void fp_add(struct fingerprint *fp, const char *key, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void fp_add(struct fingerprint *fp, const char *key, const char *fmt, ...)
{
	va_list ap;
	char *v = NULL;

	va_start(ap, fmt);
	if (vasprintf(&v, fmt, ap) < 0)
		v = strdup("");
	va_end(ap);
	fp->key[fp->n] = key;
	fp->value[fp->n++] = v;
}

void fingerprint_make(struct fingerprint *fp, const struct bench_config *cfg,
		      const struct context *ctx, uint64_t base_seed, const char *syscall_cost)
{
	memset(fp, 0, sizeof(*fp));
	fp_add(fp, "commit", "%s", ctx->git_commit);
	fp_add(fp, "dirty", "%s", ctx->git_dirty ? "yes" : "no");
	fp_add(fp, "cflags", "%s", ctx->cflags);
	fp_add(fp, "compiler", "%s", ctx->compiler);
	fp_add(fp, "duration_s", "%g", cfg->duration);
	fp_add(fp, "warmup_s", "%g", cfg->warmup);
	fp_add(fp, "pin", "%s", pin_policy_name(cfg->pin));
	fp_add(fp, "cpuset", "%s", ctx->cpuset);
	fp_add(fp, "rcu_flavor", "%s", ctx->rcu_flavor);
	fp_add(fp, "seed", "%" PRIu64, base_seed);
	fp_add(fp, "injected_delay_ns", "%" PRIu64, cfg->inject_delay_ns);
	/* a backend that enters the kernel is never slowed, whatever was asked */
	fp_add(fp, "syscall_cost_ns", "%s", cfg->strategy->backend->simulated ? syscall_cost : "0");
	fp->key[fp->n] = "workload";
	fp->value[fp->n++] = printed(fill_workload, &cfg->wl);
}

void fingerprint_free(struct fingerprint *fp)
{
	int i;

	for (i = 0; i < fp->n; i++)
		free(fp->value[i]);
	fp->n = 0;
}

static void fingerprint_json(FILE *f, const struct fingerprint *fp)
{
	int i;

	fputc('{', f);
	for (i = 0; i < fp->n; i++) {
		fprintf(f, "%s\"%s\": ", i ? ", " : "", fp->key[i]);
		json_string(f, fp->value[i]);
	}
	fputc('}', f);
}

static void fill_pair(FILE *f, const void *arg)
{
	const char *const *kv = arg;

	fprintf(f, "\"%s\": ", kv[0]);
	json_string(f, kv[1]);
}

/* The stored value of @key in the fingerprint line @line, still escaped. */
static void stored_value(const char *line, const char *key, char *old, size_t n)
{
	char pat[64];
	const char *p;
	size_t k = 0;

	old[0] = '\0';
	snprintf(pat, sizeof(pat), "\"%s\": \"", key);
	p = strstr(line, pat);
	if (!p)
		return;
	for (p += strlen(pat); *p && *p != '"' && k + 1 < n; p++) {
		if (*p == '\\' && p[1])
			p++;
		old[k++] = *p;
	}
	old[k] = '\0';
}

int fingerprint_diff(const struct fingerprint *fp, const char *stored, const char **key,
		     char *old, size_t n)
{
	const char *line = strstr(stored, "\n  \"fingerprint\": {");
	char *end;
	int i;

	old[0] = '\0';
	if (!line) {
		*key = "fingerprint";
		return 1;
	}
	end = strchr(line + 1, '\n');
	for (i = 0; i < fp->n; i++) {
		const char *kv[2] = { fp->key[i], fp->value[i] };
		char *pair = printed(fill_pair, kv);
		const char *p = line;
		bool found = false;
		size_t len = strlen(pair);

		/* the pair, whole: followed by the next pair or the end of the object */
		while (!found && (p = strstr(p + 1, pair)) && (!end || p < end))
			found = p[len] == ',' || p[len] == '}';
		free(pair);
		if (!found) {
			*key = fp->key[i];
			if (end) {
				char *copy = strndup(line, (size_t)(end - line));

				stored_value(copy ? copy : line, fp->key[i], old, n);
				free(copy);
			} else {
				stored_value(line, fp->key[i], old, n);
			}
			return 1;
		}
	}
	return 0;
}

/* ---- one point ---- */

static const char *const csv_fixed[] = {
	"strategy", "workload", "threads", "rep", "ops_per_sec", "reader_ops_per_sec",
	"writer_ops_per_sec", "writers", "duration_s", "measured_s", "warmup_s",
	"per_thread_min_ops_per_sec", "per_thread_max_ops_per_sec", "reader_error_fraction",
	"lat_p50_ns", "lat_p90_ns", "lat_p99_ns", "lat_p999_ns", "lat_max_ns",
};

void point_csv_header(FILE *f)
{
	size_t i;
	int c;

	for (i = 0; i < sizeof(csv_fixed) / sizeof(csv_fixed[0]); i++)
		fprintf(f, "%s%s", i ? "," : "", csv_fixed[i]);
	for (c = 1; c < nb_counter_count(); c++)
		fprintf(f, ",%s_per_op", nb_counter_label(c));
	fprintf(f, ",pin,placement_real,rcu_flavor,seed,injected_delay_ns,skipped,syscall_cost_ns,"
		"cpuset,oversubscribed,foreign_share,steal_share,others_runnable_mean,fs,"
		"dentry_budget\n");
}

void point_csv_row(FILE *f, const struct bench_config *cfg, const struct bench_result *res,
		   const struct point_id *id, const char *rcu_flavor)
{
	bool ok = !res->skipped[0];
	int c;

	fprintf(f, "%s,%s,%d,%d,", cfg->strategy->name, cfg->wl.name, cfg->threads, id->rep);
	if (ok)
		fprintf(f, "%.1f,%.1f,%.1f,", res->ops_per_sec, res->reader_ops_per_sec,
			res->writer_ops_per_sec);
	else
		fputs(",,,", f);
	fprintf(f, "%d,%g,", cfg->wl.writers, cfg->duration);
	if (ok)
		fprintf(f, "%.4f,%g,%.1f,%.1f,%.6f,%" PRIu64 ",%" PRIu64 ",%" PRIu64 ",%" PRIu64
			",%" PRIu64, res->measured_s, cfg->warmup, res->thread_min, res->thread_max,
			res->reader_ops ? (double)res->reader_errors / (double)res->reader_ops : 0.0,
			res->lat_p50, res->lat_p90, res->lat_p99, res->lat_p999, res->lat_max);
	else
		fprintf(f, ",%g,,,,,,,,", cfg->warmup);
	for (c = 1; c < nb_counter_count(); c++) {
		if (ok && res->have_counters)
			fprintf(f, ",%.6g", res->per_op[c]);
		else
			fputc(',', f);
	}
	fprintf(f, ",%s,%s,%s,%" PRIu64 ",%" PRIu64 ",%s", pin_policy_name(cfg->pin),
		res->placement.real ? "yes" : "no", rcu_flavor, id->seed, cfg->inject_delay_ns,
		ok ? "" : res->skipped);
	/* a CPU list has commas: quoted, as RFC 4180 has it */
	fprintf(f, ",%.1f,\"%s\",%s,", cfg->syscall_cost_ns, cfg->topo->cpuset,
		res->placement.oversubscribed ? "yes" : "no");
	if (ok && res->ms.npus)
		fprintf(f, "%.4f,%.4f,%.3g", res->ms.foreign, res->ms.steal,
			res->ms.runnable_mean);
	else
		fputs(",,", f);
	/* "tmpfs,lookup=exclusive" has a comma too */
	fprintf(f, ",\"%s\",%d\n", cfg->wl.fs, cfg->wl.dentry_budget);
}

void workload_spec_json(FILE *f, const struct workload *wl)
{
	int i;

	fprintf(f, "{\"source\": ");
	json_string(f, wl->source);
	fprintf(f, ", \"summary\": ");
	json_string(f, wl->summary);
	fprintf(f, ", \"noop\": %s, \"depth\": %d, \"fanout\": %d, \"files\": %d, \"paths\": \"%s\", "
		"\"zipf\": %g, \"shape\": \"%s\", \"mix\": {", wl->noop ? "true" : "false",
		wl->depth, wl->fanout, wl->files, wl_dist_name(wl->dist), wl->zipf_s,
		wl_shape_name(wl->shape));
	for (i = 0; i < ROP_MAX; i++)
		fprintf(f, "%s\"%s\": %d", i ? ", " : "", wl_rop_name(i), wl->mix[i]);
	fprintf(f, "}, \"writers\": %d, \"writer\": \"%s\", \"writer_rate\": %g, \"fs\": ",
		wl->writers, wl_wop_name(wl->wop), wl->writer_rate);
	json_string(f, wl->fs);
	fprintf(f, ", \"dentry_budget\": %d}", wl->dentry_budget);
}

static void json_workload(FILE *f, const struct workload *wl)
{
	fputs("  \"workload_spec\": ", f);
	workload_spec_json(f, wl);
	fputs(",\n", f);
}

void point_json(FILE *f, const struct bench_config *cfg, const struct bench_result *res,
		const struct point_id *id, const struct context *ctx)
{
	const struct placement *pl = &res->placement;
	int total = cfg->threads + cfg->wl.writers, i, s;

	fputs("{\n", f);
	json_kv_str(f, "  ", "strategy", cfg->strategy->name, false);
	json_kv_str(f, "  ", "workload", cfg->wl.name, false);
	fprintf(f, "  \"tasks\": \"%s\",\n", cfg->tasks == TASKS_PROCESSES ? "processes" : "threads");
	fprintf(f, "  \"threads\": %d,\n  \"writers\": %d,\n  \"rep\": %d,\n  \"seed\": %" PRIu64 ",\n",
		cfg->threads, cfg->wl.writers, id->rep, id->seed);
	/* a deliberate slowdown must never pass for a measurement of the strategy */
	fprintf(f, "  \"injected_delay_ns\": %" PRIu64 ",\n", cfg->inject_delay_ns);
	fprintf(f, "  \"syscall_cost_ns\": %.1f,\n  \"syscall_cost_spin_iters\": %" PRIu64 ",\n",
		cfg->syscall_cost_ns, cfg->spin_iters);
	json_kv_str(f, "  ", "cpuset", cfg->topo->cpuset, false);
	fprintf(f, "  \"reps_policy\": %s,\n", id->reps_policy ? id->reps_policy : "null");
	/* one line: a resumed sweep compares it with its own (fingerprint_diff) */
	fputs("  \"fingerprint\": ", f);
	if (id->fp)
		fingerprint_json(f, id->fp);
	else
		fputs("null", f);
	fputs(",\n", f);
	json_workload(f, &cfg->wl);
	json_kv_num(f, "  ", "duration_s", cfg->duration, false);
	json_kv_num(f, "  ", "warmup_s", cfg->warmup, false);
	if (res->skipped[0]) {
		json_kv_str(f, "  ", "skipped", res->skipped, false);
	} else {
		fputs("  \"skipped\": null,\n", f);
		json_kv_num(f, "  ", "measured_s", res->measured_s, false);
		json_kv_num(f, "  ", "ops_per_sec", res->ops_per_sec, false);
		json_kv_num(f, "  ", "reader_ops_per_sec", res->reader_ops_per_sec, false);
		json_kv_num(f, "  ", "writer_ops_per_sec", res->writer_ops_per_sec, false);
		json_kv_u64(f, "  ", "reader_ops", res->reader_ops, false);
		json_kv_u64(f, "  ", "writer_ops", res->writer_ops, false);
		json_kv_u64(f, "  ", "reader_errors", res->reader_errors, false);
		json_kv_u64(f, "  ", "writer_errors", res->writer_errors, false);
		json_kv_num(f, "  ", "per_thread_min_ops_per_sec", res->thread_min, false);
		json_kv_num(f, "  ", "per_thread_max_ops_per_sec", res->thread_max, false);
		fprintf(f, "  \"latency_ns\": {\"p50\": %" PRIu64 ", \"p90\": %" PRIu64 ", \"p99\": %"
			PRIu64 ", \"p99_9\": %" PRIu64 ", \"max\": %" PRIu64 ", \"samples\": %" PRIu64
			", \"sampled_every\": %d},\n", res->lat_p50, res->lat_p90, res->lat_p99,
			res->lat_p999, res->lat_max, res->lat_samples, LAT_SAMPLE);
		if (res->have_counters) {
			fputs("  \"counters_per_op\": {", f);
			for (i = 1; i < res->ncounters; i++)
				fprintf(f, "%s\"%s\": %.6g", i > 1 ? ", " : "", nb_counter_label(i),
					res->per_op[i]);
			fputs("},\n", f);
		} else {
			fputs("  \"counters_per_op\": null,\n", f);
		}
		fputs("  \"timeline\": [", f);
		for (s = 0; s < res->seconds; s++) {
			fputs(s ? ",\n    [" : "\n    [", f);
			for (i = 0; i < total; i++)
				fprintf(f, "%s%" PRIu64, i ? ", " : "",
					res->timeline[(size_t)s * (size_t)total + (size_t)i]);
			fputc(']', f);
		}
		fputs("\n  ],\n", f);
	}
	json_kv_str(f, "  ", "pin", pin_policy_name(cfg->pin), false);
	fputs("  \"placement_pu_os\": [", f);
	for (i = 0; i < pl->threads; i++)
		fprintf(f, "%s%d", i ? ", " : "", pl->pu_os[i]);
	fputs("],\n", f);
	json_kv_bool(f, "  ", "placement_real", pl->real, false);
	json_kv_bool(f, "  ", "oversubscribed", pl->oversubscribed, false);
	machine_state_json(f, &res->ms, "  ");
	fputs(",\n", f);
	if (res->described) {		/* the keys were named for the one backend that says */
		json_kv_str(f, "  ", "kernel_tree", res->backend.tree, false);
		json_kv_str(f, "  ", "kernel_fs", res->backend.fs, false);
		json_kv_str(f, "  ", "kernel_user", res->user, false);
		fprintf(f, "  \"kernel_baseline\": {\"getppid_ns\": %.1f, \"fstat_fd_ns\": %.1f},\n",
			res->backend.getppid_ns, res->backend.fstat_fd_ns);
	}
	fputs("  \"context\": {\n", f);
	context_json(f, ctx, "    ");
	fputs("  }\n}\n", f);
}

/* ---- atomic files ---- */

int write_atomically(const char *path, void (*fill)(FILE *f, void *arg), void *arg)
{
	char tmp[4096], dir[4096];
	FILE *f;
	int fd, err = 0;

	snprintf(tmp, sizeof(tmp), "%s.tmp.%d", path, (int)getpid());
	f = fopen(tmp, "w");
	if (!f)
		return -errno;
	fill(f, arg);
	if (fflush(f) || fsync(fileno(f)))
		err = -errno;
	if (fclose(f) && !err)
		err = -errno;
	if (!err && rename(tmp, path))
		err = -errno;
	if (err) {
		unlink(tmp);
		return err;
	}
	/* the rename itself must reach the disk before we call the point done */
	snprintf(dir, sizeof(dir), "%s", path);
	fd = open(dirname(dir), O_RDONLY | O_DIRECTORY);
	if (fd >= 0) {
		fsync(fd);
		close(fd);
	}
	return 0;
}
