/*
 * Self-describing results: the run's context (machine, build, command),
 * one JSON object and one CSV row per point, written so that a crash
 * loses nothing already finished (write to a temporary file, fsync,
 * rename).
 */
#ifndef NB_RESULTS_H
#define NB_RESULTS_H

#include <stdbool.h>
#include <stdio.h>

#include "bench.h"
#include "machine.h"

struct context {
	char hostname[256], cpu_model[256], topology[256];
	int packages, numa_nodes, cores, pus;
	bool synthetic;
	char kernel_release[256], compiler[256], cflags[512];
	char urcu_version[32], hwloc_version[32], rcu_flavor[8];
	char git_commit[64];
	bool git_dirty;
	char command[4096];
	char pin_policy[16];
	char start_utc[32];
	char cpuset[256];		/* the PUs the run may use, list syntax */
	const char *cpuset_from;
	struct machine_info machine;
};

/*
 * Everything that shapes a point's measurement besides its strategy,
 * workload, thread count and repetition: a sweep resumed into a folder
 * whose points carry another fingerprint would mix runs measured
 * differently, so it refuses and names the first key that differs.
 */
#define FP_KEYS 13
struct fingerprint {
	int n;
	const char *key[FP_KEYS];
	char *value[FP_KEYS];
};

struct point_id {
	int rep;
	uint64_t seed;
	const struct fingerprint *fp;	/* NULL: none recorded */
	const char *reps_policy;	/* a JSON object, or NULL */
};

void context_collect(struct context *c, const struct topo *tp, enum pin_policy pin, int argc,
		     char **argv);
void context_json(FILE *f, const struct context *c, const char *indent);

/* @syscall_cost: "0", "auto" or the nanoseconds asked for, as given. */
void fingerprint_make(struct fingerprint *fp, const struct bench_config *cfg,
		      const struct context *ctx, uint64_t base_seed, const char *syscall_cost);
void fingerprint_free(struct fingerprint *fp);
/*
 * fingerprint_diff - compare @fp with @stored, the text of a point file:
 * 0 if its "fingerprint" holds every key with the same value; else 1 with
 * the first key that differs in *@key and its stored value in @old ("" if
 * the file has no such key, or no fingerprint at all: *@key "fingerprint").
 */
int fingerprint_diff(const struct fingerprint *fp, const char *stored, const char **key,
		     char *old, size_t n);
/* The workload's full definition, as one JSON object. */
void workload_spec_json(FILE *f, const struct workload *wl);

/* The CSV columns, fixed; the first five are strategy,workload,threads,rep,ops_per_sec. */
void point_csv_header(FILE *f);
void point_csv_row(FILE *f, const struct bench_config *cfg, const struct bench_result *res,
		   const struct point_id *id, const char *rcu_flavor);
void point_json(FILE *f, const struct bench_config *cfg, const struct bench_result *res,
		const struct point_id *id, const struct context *ctx);

/*
 * write_atomically - call @fill to write @path's content through a
 * temporary file in the same directory, fsync it and rename it into
 * place: a reader (or a crash) sees the old file or the new one.
 */
int write_atomically(const char *path, void (*fill)(FILE *f, void *arg), void *arg);

void json_string(FILE *f, const char *s);

#endif /* NB_RESULTS_H */
