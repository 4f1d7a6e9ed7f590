/*
 * The machine a run measures on, and what else it was doing meanwhile.
 *
 * machine_info is what the machine is (read once per run, into
 * context.json): hypervisor, frequency driver and governor, SMT, the
 * kernel's mitigations, transparent huge pages, the command line, memory.
 *
 * machine_state is what it did during one point's measured window: the
 * load average and the runnable tasks that are not ours before and after
 * (and once a second), and, per PU the point ran on, the shares of its
 * time that our threads ran, that other processes ran ("foreign"), that
 * the hypervisor stole, and that it idled.  The PUs' time comes from
 * /proc/stat (in USER_HZ ticks), ours from our threads' CPU clocks, so a
 * share is only as fine as a tick over the window: a 0.3 s point on a
 * 100 Hz kernel sees 30 ticks per PU, about 3% each.
 */
#ifndef NB_MACHINE_H
#define NB_MACHINE_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#define MACHINE_VULNS	40

struct machine_info {
	char hypervisor[64];		/* "none", "KVM", ... */
	char cpufreq_driver[64], cpufreq_governor[64];	/* "" where unreadable */
	double cpu_mhz;			/* < 0 where unreadable */
	char smt[32];			/* /sys/devices/system/cpu/smt/control, "" if absent */
	int smt_active;			/* -1 if unknown */
	char thp[32], thp_defrag[32];
	char cmdline[2048];
	int nvulns;
	char vuln_name[MACHINE_VULNS][48], vuln_state[MACHINE_VULNS][160];
	uint64_t mem_total_kib, mem_available_kib;
	double loadavg[3];
	char user[96];			/* "root (uid 0)" */
};

void machine_info_collect(struct machine_info *m);
/* `"machine": {...}` with @indent, no trailing comma or newline. */
void machine_info_json(FILE *f, const struct machine_info *m, const char *indent);
void machine_info_print(FILE *f, const struct machine_info *m);

struct pu_share {
	int pu;				/* OS index */
	double ours, foreign, steal, idle;	/* shares of the PU's time, 0..1 */
	double mhz;			/* < 0 where unreadable */
};

struct machine_state {
	double load_before[3], load_after[3];
	int runnable_before, runnable_after, runnable_max;	/* other than ours */
	double runnable_mean;
	double steal, foreign, foreign_max;	/* over the PUs the point used */
	double machine_foreign;		/* every allowed PU, time not ours nor idle */
	int npus;
	struct pu_share *pus;
	int seconds;
	double (*rows)[3];		/* per second: runnable others, foreign, steal */
};

/* Samples one window; see machine_begin(). */
struct machine_sampler {
	int nallowed, nused, nthreads;
	int *allowed;			/* OS indexes of the allowed PUs */
	int *used;			/* indexes into allowed[] the point runs on */
	int *thread_pu;			/* per thread, index into allowed[], -1: unbound */
	clockid_t *clocks;		/* each worker's CPU-time clock */
	pid_t *procs;			/* the workers, if processes (else NULL: our threads) */
	uint64_t *cpu0, *cpu_tick;	/* the threads' CPU time (ns) at begin, at last tick */
	uint64_t (*ticks0)[3], (*ticks_tick)[3];	/* per allowed PU: busy, idle, steal */
	uint64_t t0, t_tick;
	double runnable_sum;
	int runnable_n;
	struct machine_state *out;
	int max_rows;
};

/*
 * machine_begin - start sampling into @out: @allowed is the list of PUs the
 * run may use, @thread_pu the PU (OS index, -1 for unbound) of each of the
 * @n workers whose CPU-time clocks are @clocks: our threads, or if @procs
 * is not NULL the child processes @procs (counted as ours, not as
 * others').  machine_tick() once a second adds a row,
 * machine_end() fills in the window.  Errors leave @out empty, never fail
 * the point: the machine state describes a measurement, it is not one.
 */
void machine_begin(struct machine_sampler *s, struct machine_state *out, const char *allowed,
		   const int *thread_pu, const clockid_t *clocks, const pid_t *procs, int n,
		   int max_rows);
void machine_tick(struct machine_sampler *s);
void machine_end(struct machine_sampler *s);
void machine_state_free(struct machine_state *ms);
void machine_state_json(FILE *f, const struct machine_state *ms, const char *indent);
void machine_state_print(FILE *f, const struct machine_state *ms);

/* The calling user, as "name (uid N)". */
void machine_user(char *buf, size_t n);


#endif /* NB_MACHINE_H */
