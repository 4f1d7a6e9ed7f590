/*
 * nameibench topology: the machine (or a synthetic one) and the placement a
 * run would use, so that placement can be checked for machines the user
 * does not have.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "args.h"
#include "nameibench.h"
#include "results.h"
#include "topo.h"

static void usage(FILE *f)
{
	fprintf(f,
		"usage: nameibench topology [--pin POLICY] [--threads N] [--cpus LIST]\n"
		"                           [--synthetic SPEC] [--json]\n"
		"\n"
		"Print the machine's topology (packages, NUMA nodes, cores, PUs) and the\n"
		"placement of N worker threads under POLICY (default cores; N defaults to\n"
		"the number of PUs).  Only the PUs this process may run on count (its\n"
		"affinity mask and cgroup cpuset, narrowed by --cpus LIST, e.g. 0-3,6).\n"
		"--synthetic describes a machine in hwloc's syntax,\n"
		"e.g. 'pack:2 core:16 pu:2'; its placements are shown, never bound.\n"
		"--json prints the same as one object: packages, numa_nodes, cores, pus,\n"
		"cpuset, cpuset_from, synthetic, policy, threads, oversubscribed, and\n"
		"placement (per thread: pu_os, pu_logical, core, package).\n"
		"\n"
		"policies: compact (PUs in logical order, SMT siblings together), cores (one\n"
		"thread per core before any sibling), scatter (spread over packages and NUMA\n"
		"nodes), none (no binding)\n");
}

static void topology_json(const struct topo *tp, const struct placement *pl)
{
	int i;

	printf("{\"packages\": %d, \"numa_nodes\": %d, \"cores\": %d, \"pus\": %d, "
	       "\"cpuset\": ", tp->packages, tp->numa_nodes, tp->cores, tp->pus);
	json_string(stdout, tp->synthetic ? "" : tp->cpuset);
	printf(", \"cpuset_from\": ");
	json_string(stdout, tp->synthetic ? "synthetic" : tp->cpuset_from);
	printf(", \"synthetic\": %s, \"policy\": \"%s\", \"threads\": %d, "
	       "\"oversubscribed\": %s,\n \"placement\": [", tp->synthetic ? "true" : "false",
	       pin_policy_name(pl->policy), pl->threads, pl->oversubscribed ? "true" : "false");
	for (i = 0; i < pl->threads; i++)
		printf("%s\n  {\"pu_os\": %d, \"pu_logical\": %d, \"core\": %d, \"package\": %d}",
		       i ? "," : "", pl->pu_os[i], pl->pu_logical[i], pl->core_logical[i],
		       pl->package_logical[i]);
	printf("\n]}\n");
}

/* The machine, in words, then where each thread would run. */
static void topology_print(const struct topo *tp, const struct placement *pl)
{
	char summary[256];

	topo_summary(tp, summary, sizeof(summary));
	printf("topology: %s\n", summary);
	if (!tp->synthetic)
		printf("PUs: %s (%s)\n", tp->cpuset, tp->cpuset_from);
	placement_print(stdout, pl);
}

int cmd_topology(int argc, char **argv)
{
	const char *synthetic = NULL, *cpus = NULL;
	char why[512];
	enum pin_policy policy = PIN_CORES;
	struct placement pl;
	struct topo tp;
	long threads = 0;
	bool json = false;
	int i, err;

	for (i = 1; i < argc; i++) {
		const char *v;

		if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
			usage(stdout);
			return 0;
		} else if (!strcmp(argv[i], "--json")) {
			json = true;
		} else if ((v = arg_value(argc, argv, &i, "--pin"))) {
			if (pin_policy_parse(v, &policy))
				return arg_error("topology", "unknown pin policy '%s' "
						 "(known: compact, cores, scatter, none)", v);
		} else if ((v = arg_value(argc, argv, &i, "--threads"))) {
			if (arg_long(v, 1, 1 << 20, &threads))
				return arg_error("topology", "--threads must be a whole number "
						 "from 1, not '%s'", v);
		} else if ((v = arg_value(argc, argv, &i, "--cpus"))) {
			cpus = v;
		} else if ((v = arg_value(argc, argv, &i, "--synthetic"))) {
			synthetic = v;
		} else if (arg_missing) {
			return arg_error("topology", "%s needs a value", argv[i]);
		} else {
			return arg_error("topology", "unknown argument '%s' (see 'nameibench "
					 "topology --help')", argv[i]);
		}
	}
	err = topo_load(&tp, synthetic);
	if (err)
		return arg_error("topology", synthetic ? "cannot build the synthetic topology '%s'"
				 : "cannot read this machine's topology%s", synthetic ? synthetic : "");
	if (topo_restrict(&tp, cpus, why, sizeof(why))) {
		topo_free(&tp);
		return arg_error("topology", "%s", why);
	}
	if (!threads)
		threads = tp.pus;
	err = placement_make(&tp, policy, (int)threads, &pl);
	if (err) {
		topo_free(&tp);
		return arg_error("topology", "cannot place %ld threads: %s", threads, strerror(-err));
	}
	if (json)
		topology_json(&tp, &pl);
	else
		topology_print(&tp, &pl);
	placement_free(&pl);
	topo_free(&tp);
	return 0;
}
