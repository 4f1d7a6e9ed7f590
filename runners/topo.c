/*
 * Topology and placement (see topo.h).
 */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "topo.h"

static const char *const policy_names[] = {
	[PIN_COMPACT] = "compact", [PIN_CORES] = "cores", [PIN_SCATTER] = "scatter",
	[PIN_NONE] = "none",
};

int pin_policy_parse(const char *name, enum pin_policy *p)
{
	unsigned int i;

	for (i = 0; i < sizeof(policy_names) / sizeof(policy_names[0]); i++) {
		if (!strcmp(name, policy_names[i])) {
			*p = (enum pin_policy)i;
			return 0;
		}
	}
	return -EINVAL;
}

const char *pin_policy_name(enum pin_policy p)
{
	return policy_names[p];
}

static int count(hwloc_topology_t t, hwloc_obj_type_t type)
{
	int n = hwloc_get_nbobjs_by_type(t, type);

	return n < 0 ? 0 : n;
}

static void topo_count(struct topo *tp)
{
	tp->packages = count(tp->t, HWLOC_OBJ_PACKAGE);
	tp->numa_nodes = count(tp->t, HWLOC_OBJ_NUMANODE);
	tp->cores = count(tp->t, HWLOC_OBJ_CORE);
	tp->pus = count(tp->t, HWLOC_OBJ_PU);
	hwloc_bitmap_list_snprintf(tp->cpuset, sizeof(tp->cpuset),
				   hwloc_get_root_obj(tp->t)->cpuset);
}

int topo_load(struct topo *tp, const char *synthetic)
{
	memset(tp, 0, sizeof(*tp));
	if (hwloc_topology_init(&tp->t))
		return -ENOMEM;
	if (synthetic && hwloc_topology_set_synthetic(tp->t, synthetic)) {
		hwloc_topology_destroy(tp->t);
		return -EINVAL;
	}
	if (hwloc_topology_load(tp->t)) {
		hwloc_topology_destroy(tp->t);
		return -EIO;
	}
	tp->synthetic = synthetic != NULL;
	tp->cpuset_from = "all PUs";
	topo_count(tp);
	return tp->pus > 0 ? 0 : -EIO;
}

/* "0-3,6": digits, commas and dashes only, as taskset -c and hwloc-bind write them. */
static int parse_cpu_list(const char *s, hwloc_bitmap_t set)
{
	if (!*s || s[strspn(s, "0123456789,-")] || hwloc_bitmap_list_sscanf(set, s) ||
	    hwloc_bitmap_iszero(set) || hwloc_bitmap_weight(set) < 0)
		return -EINVAL;
	return 0;
}

int topo_restrict(struct topo *tp, const char *cpus, char *err, size_t errlen)
{
	hwloc_bitmap_t allowed = hwloc_bitmap_dup(hwloc_topology_get_allowed_cpuset(tp->t));
	hwloc_bitmap_t mask = hwloc_bitmap_alloc(), want = hwloc_bitmap_alloc();
	char list[256];
	int e = 0;

	if (!allowed || !mask || !want) {
		e = -ENOMEM;
		snprintf(err, errlen, "out of memory");
		goto out;
	}
	if (tp->synthetic) {
		/* an imagined machine: no affinity to honour, and never bound */
		if (cpus) {
			e = -EINVAL;
			snprintf(err, errlen, "--cpus does not apply to a synthetic topology");
		}
		goto out;
	}
	/* the thread's own mask: taskset, sched_setaffinity, a parent's binding */
	if (!hwloc_get_cpubind(tp->t, mask, HWLOC_CPUBIND_THREAD)) {
		if (!hwloc_bitmap_isincluded(allowed, mask))
			tp->cpuset_from = "affinity mask";
		hwloc_bitmap_and(allowed, allowed, mask);
	}
	hwloc_bitmap_list_snprintf(list, sizeof(list), allowed);
	if (cpus) {
		if (parse_cpu_list(cpus, want)) {
			e = -EINVAL;
			snprintf(err, errlen, "--cpus needs a list of PUs such as 0-3,6, not '%s'",
				 cpus);
			goto out;
		}
		if (!hwloc_bitmap_isincluded(want, allowed)) {
			e = -EINVAL;
			snprintf(err, errlen, "--cpus %s: this process may only run on PUs %s", cpus,
				 list);
			goto out;
		}
		hwloc_bitmap_copy(allowed, want);
		tp->cpuset_from = "--cpus";
	}
	if (hwloc_bitmap_iszero(allowed) ||
	    hwloc_topology_restrict(tp->t, allowed, HWLOC_RESTRICT_FLAG_REMOVE_CPULESS)) {
		e = -EINVAL;
		snprintf(err, errlen, "cannot restrict the topology to PUs %s", list);
		goto out;
	}
	topo_count(tp);
	if (tp->pus <= 0) {
		e = -EINVAL;
		snprintf(err, errlen, "no PU left to run on");
	}
out:
	hwloc_bitmap_free(allowed);
	hwloc_bitmap_free(mask);
	hwloc_bitmap_free(want);
	return e;
}

void topo_free(struct topo *tp)
{
	hwloc_topology_destroy(tp->t);
}

void topo_summary(const struct topo *tp, char *buf, size_t n)
{
	snprintf(buf, n, "%d package%s, %d NUMA node%s, %d core%s, %d PU%s%s",
		 tp->packages, tp->packages == 1 ? "" : "s",
		 tp->numa_nodes, tp->numa_nodes == 1 ? "" : "s",
		 tp->cores, tp->cores == 1 ? "" : "s",
		 tp->pus, tp->pus == 1 ? "" : "s",
		 tp->synthetic ? " (synthetic)" : "");
}

/* ---- the order in which each policy hands out PUs ---- */

static hwloc_obj_t pu_at(const struct topo *tp, int logical)
{
	return hwloc_get_obj_by_type(tp->t, HWLOC_OBJ_PU, (unsigned int)logical);
}

static void order_compact(const struct topo *tp, int *order)
{
	int i;

	for (i = 0; i < tp->pus; i++)
		order[i] = i;
}

/* First PU of every core, then the second of every core, and so on. */
static void order_cores(const struct topo *tp, int *order)
{
	int n = 0, round, c;

	if (!tp->cores) {
		order_compact(tp, order);
		return;
	}
	for (round = 0; n < tp->pus; round++) {
		for (c = 0; c < tp->cores; c++) {
			hwloc_obj_t core = hwloc_get_obj_by_type(tp->t, HWLOC_OBJ_CORE, (unsigned int)c);
			hwloc_obj_t pu = hwloc_get_obj_inside_cpuset_by_type(tp->t, core->cpuset,
									     HWLOC_OBJ_PU,
									     (unsigned int)round);

			if (pu)
				order[n++] = (int)pu->logical_index;
		}
		if (round > tp->pus)	/* PUs outside any core: none left to find */
			break;
	}
	/* PUs that belong to no core, if the topology has any */
	for (c = 0; n < tp->pus && c < tp->pus; c++) {
		int k, seen = 0;

		for (k = 0; k < n; k++)
			seen |= order[k] == c;
		if (!seen)
			order[n++] = c;
	}
}

/*
 * hwloc_distrib of @n slots over the whole machine (n <= PUs), one
 * singlified PU per slot: the first slots land as far apart as they can.
 */
static int order_scatter(const struct topo *tp, int *order, int n)
{
	hwloc_obj_t root = hwloc_get_root_obj(tp->t);
	hwloc_cpuset_t *sets = calloc((size_t)n, sizeof(*sets));
	int i, err = 0;

	if (!sets)
		return -ENOMEM;
	if (hwloc_distrib(tp->t, &root, 1, sets, (unsigned int)n, INT_MAX, 0))
		err = -EINVAL;
	for (i = 0; i < n; i++) {
		if (!err && sets[i]) {
			hwloc_obj_t pu;

			hwloc_bitmap_singlify(sets[i]);
			pu = hwloc_get_obj_inside_cpuset_by_type(tp->t, sets[i], HWLOC_OBJ_PU, 0);
			order[i] = pu ? (int)pu->logical_index : i;
		}
		hwloc_bitmap_free(sets[i]);
	}
	free(sets);
	return err;
}

static int ancestor_logical(hwloc_obj_t pu, hwloc_obj_type_t type)
{
	hwloc_obj_t o = hwloc_get_ancestor_obj_by_type(NULL, type, pu);

	return o ? (int)o->logical_index : -1;
}

int placement_make(const struct topo *tp, enum pin_policy policy, int threads,
		   struct placement *pl)
{
	int *order = calloc((size_t)tp->pus, sizeof(*order));
	int i, err = 0;

	memset(pl, 0, sizeof(*pl));
	pl->policy = policy;
	pl->threads = threads;
	pl->real = !tp->synthetic && policy != PIN_NONE;
	pl->oversubscribed = threads > tp->pus;
	pl->pu_logical = calloc((size_t)threads, sizeof(int));
	pl->pu_os = calloc((size_t)threads, sizeof(int));
	pl->core_logical = calloc((size_t)threads, sizeof(int));
	pl->package_logical = calloc((size_t)threads, sizeof(int));
	if (!order || !pl->pu_logical || !pl->pu_os || !pl->core_logical || !pl->package_logical) {
		free(order);
		placement_free(pl);
		return -ENOMEM;
	}
	switch (policy) {
	case PIN_COMPACT:
	case PIN_NONE:
		order_compact(tp, order);
		break;
	case PIN_CORES:
		order_cores(tp, order);
		break;
	case PIN_SCATTER:
		/* more threads than PUs: every PU, spread, then around again */
		err = order_scatter(tp, order, threads < tp->pus ? threads : tp->pus);
		break;
	}
	for (i = 0; i < threads && !err; i++) {
		int slots = policy == PIN_SCATTER && threads < tp->pus ? threads : tp->pus;
		hwloc_obj_t pu = pu_at(tp, order[i % slots]);

		if (policy == PIN_NONE) {
			pl->pu_logical[i] = pl->pu_os[i] = -1;
			pl->core_logical[i] = pl->package_logical[i] = -1;
			continue;
		}
		pl->pu_logical[i] = (int)pu->logical_index;
		pl->pu_os[i] = (int)pu->os_index;
		pl->core_logical[i] = ancestor_logical(pu, HWLOC_OBJ_CORE);
		pl->package_logical[i] = ancestor_logical(pu, HWLOC_OBJ_PACKAGE);
	}
	free(order);
	if (err)
		placement_free(pl);
	return err;
}

void placement_free(struct placement *pl)
{
	free(pl->pu_logical);
	free(pl->pu_os);
	free(pl->core_logical);
	free(pl->package_logical);
	pl->pu_logical = pl->pu_os = pl->core_logical = pl->package_logical = NULL;
}

int placement_bind(const struct topo *tp, const struct placement *pl, int i)
{
	hwloc_obj_t pu;

	if (!pl->real)
		return 0;
	pu = pu_at(tp, pl->pu_logical[i]);
	if (!pu || hwloc_set_cpubind(tp->t, pu->cpuset, HWLOC_CPUBIND_THREAD))
		return -errno;
	return 0;
}

int topo_bind_allowed(const struct topo *tp)
{
	if (tp->synthetic)
		return 0;
	return hwloc_set_cpubind(tp->t, hwloc_get_root_obj(tp->t)->cpuset, HWLOC_CPUBIND_THREAD)
	       ? -errno : 0;
}

void placement_print(FILE *f, const struct placement *pl)
{
	int i;

	fprintf(f, "placement: policy %s, %d thread%s%s%s\n", pin_policy_name(pl->policy),
		pl->threads, pl->threads == 1 ? "" : "s",
		pl->oversubscribed ? ", more threads than PUs (oversubscribed)" : "",
		pl->real ? "" : pl->policy == PIN_NONE ? ", not bound" :
		", synthetic topology: not bound");
	if (pl->policy == PIN_NONE)
		return;
	fprintf(f, "  thread  PU L#  PU P#  core L#  package L#\n");
	for (i = 0; i < pl->threads; i++)
		fprintf(f, "  %6d  %5d  %5d  %7d  %10d\n", i, pl->pu_logical[i], pl->pu_os[i],
			pl->core_logical[i], pl->package_logical[i]);
}
