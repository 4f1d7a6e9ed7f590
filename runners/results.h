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
};

struct point_id {
	int rep;
	uint64_t seed;
};

void context_collect(struct context *c, const struct topo *tp, enum pin_policy pin, int argc,
		     char **argv);
void context_json(FILE *f, const struct context *c, const char *indent);

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
