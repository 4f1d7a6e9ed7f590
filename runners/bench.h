/*
 * One measurement ("point"): a strategy, a workload, a thread count.
 *
 * bench_run() builds the workload's tree, starts the readers and writers
 * (each pinned, binding itself before it allocates anything), releases
 * them together from a barrier, discards the warmup, and measures for the
 * duration: each thread's operation count in a cache-line-padded slot only
 * it writes (the main thread reads them with relaxed loads, once a second,
 * for the timeline), latency sampled every 64th operation into per-thread
 * log-linear histograms, and the engine's counters before and after.
 */
#ifndef NB_BENCH_H
#define NB_BENCH_H

#include <signal.h>
#include <stdint.h>

#include "../engine/engine.h"
#include "machine.h"
#include "topo.h"
#include "../workloads/workload.h"

#define LAT_BUCKETS	(16 + 48 * 16)	/* log-linear: 16 linear steps per power of two */
#define LAT_SAMPLE	64		/* every 64th operation is timed */

/*
 * How the workers run: as threads of this process, or (the kernel
 * strategy only) as processes of their own, will-it-scale's two models:
 * processes share no descriptor table, so that the kernel's fdget() takes
 * no reference.
 */
enum task_model { TASKS_THREADS, TASKS_PROCESSES };

struct bench_config {
	const struct nb_strategy *strategy;
	enum task_model tasks;
	struct workload wl;
	int threads;			/* readers; the workload adds its writers */
	double duration, warmup;	/* seconds */
	uint64_t seed;
	const struct topo *topo;
	enum pin_policy pin;
	volatile sig_atomic_t *interrupted;	/* set: abandon the point */
	uint64_t inject_delay_ns;	/* busy-wait after every reader operation */
	/*
	 * --syscall-cost: what entering and leaving the kernel costs, added to
	 * every operation of an engine strategy as a calibrated spin of
	 * spin_iters iterations (bench_spin_calibrate); 0 for the kernel itself.
	 */
	double syscall_cost_ns;
	uint64_t spin_iters;
};

struct bench_result {
	char skipped[160];		/* non-empty: not measured, and why */
	/* where the backend ran, when it says (the kernel's tree, filesystem,
	 * user, and cost outside any walk) */
	struct nb_backend_info backend;
	bool described;
	char user[96];			/* who ran it, when described */
	double measured_s;
	uint64_t reader_ops, writer_ops, reader_errors, writer_errors;
	double ops_per_sec, reader_ops_per_sec, writer_ops_per_sec;
	double thread_min, thread_max;	/* readers' ops/s */
	uint64_t lat_p50, lat_p90, lat_p99, lat_p999, lat_max;	/* ns */
	uint64_t lat_samples;
	bool have_counters;		/* the kernel strategy has none */
	double per_op[NB_COUNTERS_MAX];	/* engine counters per operation, NB_CTR_* order */
	int ncounters;
	int seconds;			/* timeline rows */
	uint64_t *timeline;		/* [seconds][readers + writers] ops in each second */
	struct placement placement;
	struct machine_state ms;	/* the machine during the measured window */
};

/* 0 with *res to bench_result_free(), or an error (and nothing to free). */
int bench_run(const struct bench_config *cfg, struct bench_result *res, char *err, size_t errlen);
void bench_result_free(struct bench_result *res);
void bench_print_summary(FILE *f, const struct bench_config *cfg, const struct bench_result *res);
/*
 * The point in will-it-scale's output format: "testcase:", then a
 * "min:N max:N total:N" line per measured second (the readers' operations
 * that second, the least and most of one reader, and all of them), then
 * "average:N", the mean total per second (bench_wis_average()), which
 * its runtest.py reads.
 */
void bench_print_wis(FILE *f, const struct bench_config *cfg, const struct bench_result *res);
uint64_t bench_wis_average(const struct bench_config *cfg, const struct bench_result *res);

/*
 * The spin --syscall-cost adds: @iters iterations of a loop the compiler
 * cannot remove, about a cycle each.  bench_spin_calibrate() returns the
 * iterations that take @ns on this CPU (the median of five timings) and
 * what they measured, in *@measured_ns.
 */
static inline void bench_spin(uint64_t iters)
{
	for (uint64_t i = 0; i < iters; i++)
		__asm__ __volatile__("" : "+r"(i));
}
uint64_t bench_spin_calibrate(double ns, double *measured_ns);

#endif /* NB_BENCH_H */
