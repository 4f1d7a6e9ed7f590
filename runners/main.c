/*
 * nameibench: a benchmark and stress-test suite for pathname-lookup
 * scalability.  This file dispatches to the subcommands.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "../engine/engine.h"
#include "../stress/stress.h"
#include "args.h"
#include "nameibench.h"
#include "results.h"

static int cmd_strategies(int argc, char **argv);
static int cmd_counters(int argc, char **argv);

static const struct command {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *summary;
} commands[] = {
	{ "run", cmd_run, "measure one point: a strategy, a workload, a thread count" },
	{ "runtest", cmd_runtest, "will-it-scale's runtest.py: a workload at 1..N tasks, its CSV" },
	{ "sweep", cmd_sweep, "measure many points into a results folder (resumable)" },
	{ "compare", cmd_compare, "compare two results folders: %change, noise, regressions" },
	{ "list", cmd_list, "list the built-in workloads" },
	{ "topology", cmd_topology, "show the machine and where threads would run" },
	{ "stress", cmd_stress, "check every strategy's answers under churn against an oracle" },
	{ "sh", cmd_sh, "run namespace operations from a script, one result line each" },
	{ "strategies", cmd_strategies, "list the synchronization strategies, one per line" },
	{ "counters", cmd_counters, "list the engine's event counters and what each counts" },
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

static int cmd_counters(int argc, char **argv)
{
	bool json = argc > 1 && !strcmp(argv[1], "--json");
	int i;

	if (argc > 1 && (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help"))) {
		printf("usage: nameibench counters [--json]\n\n"
		       "The engine's event counters, in the order results list them, and what\n"
		       "each counts; with --json, a list of {name, meaning}.\n");
		return 0;
	}
	if ((argc > 1 && !json) || argc > 2) {
		fprintf(stderr, "nameibench counters: unknown argument '%s' (see 'nameibench "
			"counters --help')\n", argv[argc > 2 ? 2 : 1]);
		return 2;
	}
	printf("%s", json ? "[" : "");
	for (i = 0; i < nb_counter_count(); i++) {
		if (!json) {
			printf("%-20s %s\n", nb_counter_label(i), nb_counter_about(i));
			continue;
		}
		printf("%s\n  {\"name\": ", i ? "," : "");
		json_string(stdout, nb_counter_label(i));
		printf(", \"meaning\": ");
		json_string(stdout, nb_counter_about(i));
		printf("}");
	}
	printf("%s", json ? "\n]\n" : "");
	return 0;
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

/*
 * --rcu-flavor F, anywhere on the line, for the other flavor's build: run
 * that build (beside this one, "-qsbr" added or taken off) with the same
 * arguments.  Returns only if it is not there: the exit status then.
 */
static int other_flavor(char **argv, const char *flavor)
{
	char other[4200];

	arg_exec_build(argv, "-qsbr", strcmp(flavor, "qsbr") ? "" : "-qsbr", other, sizeof(other));
	fprintf(stderr, "nameibench: --rcu-flavor %s needs the %s build (%s; 'make' builds "
		"bin/nameibench and bin/nameibench-qsbr), and there is none beside this one\n",
		flavor, flavor, other[0] ? other : "not found");
	return 2;
}

static const char *flavor_asked(int argc, char **argv)
{
	int i;

	for (i = 1; i < argc; i++) {
		if (!strncmp(argv[i], "--rcu-flavor=", 13))
			return argv[i] + 13;
		if (!strcmp(argv[i], "--rcu-flavor") && i + 1 < argc)
			return argv[i + 1];
	}
	return NULL;
}

int main(int argc, char **argv)
{
	const char *flavor = flavor_asked(argc, argv);
	size_t i;

	if (argc < 2) {
		usage(stderr);
		return 2;
	}
	if (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help") || !strcmp(argv[1], "help")) {
		usage(stdout);
		return 0;
	}
	/* an unknown flavor is the command's to refuse, in its own words */
	if (flavor && nb_rcu_select(flavor) == -ENOEXEC)
		return other_flavor(argv, flavor);
	for (i = 0; i < ARRAY_SIZE(commands); i++)
		if (!strcmp(argv[1], commands[i].name))
			return commands[i].fn(argc - 1, argv + 1);
	fprintf(stderr, "nameibench: unknown command '%s' (see 'nameibench --help')\n", argv[1]);
	return 2;
}
