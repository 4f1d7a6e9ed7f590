/*
 * nameibench: a benchmark and stress-test suite for pathname-lookup
 * scalability.  This file dispatches to the subcommands.
 */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "../engine/engine.h"
#include "../stress/stress.h"
#include "args.h"
#include "nameibench.h"
#include "results.h"

static int cmd_strategies(int argc, char **argv);

static const struct command {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *summary;
} commands[] = {
	{ "run", cmd_run, "measure one point: a strategy, a workload, a thread count" },
	{ "sweep", cmd_sweep, "measure many points into a results folder (resumable)" },
	{ "compare", cmd_compare, "compare two results folders: %change, noise, regressions" },
	{ "list", cmd_list, "list the built-in workloads" },
	{ "topology", cmd_topology, "show the machine and where threads would run" },
	{ "stress", cmd_stress, "check every strategy's answers under churn against an oracle" },
	{ "sh", cmd_sh, "run namespace operations from a script, one result line each" },
	{ "strategies", cmd_strategies, "list the synchronization strategies, one per line" },
};

/* The strategies as JSON, for the Python side: it keeps no list of its own. */
static void print_strategies_json(void)
{
	const struct nb_strategy *const *s = nb_strategies();
	const struct nb_strategy *one;
	bool first = true;

	printf("[");
	for (;;) {
		one = *s ? *s++ : &nb_strategy_kernel;
		printf("%s\n  {\"name\": ", first ? "" : ",");
		json_string(stdout, one->name);
		printf(", \"summary\": ");
		json_string(stdout, one->summary);
		printf(", \"backend\": ");
		json_string(stdout, one->backend->name);
		printf(", \"walk_rcu\": %s, \"stat_under_rcu\": %s, \"one_lock\": %s, "
		       "\"counters\": %s}", one->walk_rcu ? "true" : "false",
		       one->stat_under_rcu ? "true" : "false", one->one_lock ? "true" : "false",
		       one->backend->counters ? "true" : "false");
		first = false;
		if (one == &nb_strategy_kernel)
			break;
	}
	printf("\n]\n");
}

static int cmd_strategies(int argc, char **argv)
{
	bool json = argc > 1 && !strcmp(argv[1], "--json");

	if (argc > 1 && !json) {
		if (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help")) {
			printf("usage: nameibench strategies [--json]\n\n"
			       "Print each strategy's name and a summary, one per line; with --json,\n"
			       "a list of objects: name, summary, backend, walk_rcu (walks in RCU mode\n"
			       "first), stat_under_rcu, one_lock (every operation under one lock),\n"
			       "counters (event counters are kept).\n");
			return 0;
		}
		fprintf(stderr, "nameibench strategies: unknown argument '%s' (see 'nameibench "
			"strategies --help')\n", argv[1]);
		return 2;
	}
	if (argc > 2) {
		fprintf(stderr, "nameibench strategies: takes only --json ('%s')\n", argv[2]);
		return 2;
	}
	if (json)
		print_strategies_json();
	else
		nb_print_strategies(stdout, "");
	return 0;
}

static void usage(FILE *f)
{
	size_t i;

	fprintf(f,
		"usage: nameibench COMMAND [ARGS...]\n"
		"\n"
		"A user-space reimplementation of the Linux path-lookup engine (dcache,\n"
		"mounts, path walk) with pluggable synchronization strategies.\n"
		"\n"
		"commands:\n");
	for (i = 0; i < ARRAY_SIZE(commands); i++)
		fprintf(f, "  %-10s %s\n", commands[i].name, commands[i].summary);
	fprintf(f, "\nstrategies:\n");
	nb_print_strategies(f, "  ");
	fprintf(f, "\n'nameibench COMMAND --help' describes a command.\n");
}

int main(int argc, char **argv)
{
	size_t i;

	if (argc < 2) {
		usage(stderr);
		return 2;
	}
	if (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help") || !strcmp(argv[1], "help")) {
		usage(stdout);
		return 0;
	}
	for (i = 0; i < ARRAY_SIZE(commands); i++)
		if (!strcmp(argv[1], commands[i].name))
			return commands[i].fn(argc - 1, argv + 1);
	fprintf(stderr, "nameibench: unknown command '%s' (see 'nameibench --help')\n", argv[1]);
	return 2;
}
