/*
 * Machine topology and thread placement, with hwloc.
 *
 * A placement maps worker i to one PU.  Policies:
 *   compact - PUs in hwloc logical order: SMT siblings together;
 *   cores   - one thread per physical core before any SMT sibling;
 *   scatter - spread over packages and NUMA nodes (hwloc_distrib);
 *   none    - no binding.
 * More threads than PUs wrap around the same order (and say so).  A
 * synthetic topology (hwloc's "pack:2 core:16 pu:2" syntax) can be
 * placed but never bound: its placements are labeled as not real.
 */
#ifndef NB_TOPO_H
#define NB_TOPO_H

#include <hwloc.h>
#include <stdbool.h>
#include <stdio.h>

enum pin_policy { PIN_COMPACT, PIN_CORES, PIN_SCATTER, PIN_NONE };

struct topo {
	hwloc_topology_t t;
	bool synthetic;
	int packages, numa_nodes, cores, pus;	/* of the allowed set, after topo_restrict() */
	char cpuset[256];		/* the allowed PUs' OS indexes, in list syntax ("0-3,6") */
	const char *cpuset_from;	/* "all PUs", "affinity mask" or "--cpus" */
};

struct placement {
	enum pin_policy policy;
	int threads;
	bool real;			/* bound on this machine, not synthetic or none */
	bool oversubscribed;		/* more threads than PUs */
	int *pu_logical;		/* per thread; -1 with policy none */
	int *pu_os;			/* the OS index the thread runs on */
	int *core_logical;
	int *package_logical;
};

int topo_load(struct topo *tp, const char *synthetic);	/* NULL: this machine */
/*
 * topo_restrict - keep only the PUs this process may run on: the cgroup
 * cpuset (hwloc leaves the others out of the topology), the calling
 * thread's affinity mask (taskset) and, if @cpus is not NULL, that list.
 * 0, or -EINVAL with a one-line reason in @err.
 */
int topo_restrict(struct topo *tp, const char *cpus, char *err, size_t errlen);
void topo_free(struct topo *tp);
void topo_summary(const struct topo *tp, char *buf, size_t n);

int pin_policy_parse(const char *name, enum pin_policy *p);
const char *pin_policy_name(enum pin_policy p);

int placement_make(const struct topo *tp, enum pin_policy policy, int threads,
		   struct placement *pl);
void placement_free(struct placement *pl);
/* Bind the calling thread to worker @i's PU (a no-op unless real). */
int placement_bind(const struct topo *tp, const struct placement *pl, int i);
void placement_print(FILE *f, const struct placement *pl);
/* Let the calling thread run anywhere in the allowed set again. */
int topo_bind_allowed(const struct topo *tp);

#endif /* NB_TOPO_H */
