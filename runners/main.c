/*
 * nameibench: a benchmark and stress-test suite for pathname-lookup
 * scalability.  This file dispatches to the subcommands.
 */
#include <stdio.h>
#include <string.h>

#include "../engine/engine.h"
#include "../stress/stress.h"
#include "args.h"
#include "nameibench.h"

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

static int cmd_strategies(int argc, char **argv)
{
	(void)argv;
	if (argc > 1) {
		if (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help")) {
			printf("usage: nameibench strategies\n\n"
			       "Print each strategy's name and a summary, one per line.\n");
			return 0;
		}
		fprintf(stderr, "nameibench strategies: takes no arguments ('%s')\n", argv[1]);
		return 2;
	}
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
