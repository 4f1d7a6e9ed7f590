/*
 * The nameibench command: one subcommand per file (sh.c, ...), dispatched
 * by main.c.
 */
#ifndef NB_NAMEIBENCH_H
#define NB_NAMEIBENCH_H

#include <stdio.h>

#ifndef ARRAY_SIZE
#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
#endif

int cmd_sh(int argc, char **argv);
int cmd_run(int argc, char **argv);
int cmd_sweep(int argc, char **argv);
int cmd_list(int argc, char **argv);
int cmd_compare(int argc, char **argv);
int cmd_stress(int argc, char **argv);
int cmd_topology(int argc, char **argv);

struct nb_strategy;
/* Run an sh script against a fresh engine (sh.c; the fuzzer uses it). */
int nb_sh_script(const struct nb_strategy *strategy, unsigned int hash_bits, FILE *in,
		 FILE *out, FILE *diag, int *malformed);

/* One line per strategy, "<indent>name  summary". */
void nb_print_strategies(FILE *f, const char *indent);
/* "<who>: unknown strategy 'x' (known: a, b, ...)" on standard error. */
void nb_unknown_strategy(const char *who, const char *name);

#endif /* NB_NAMEIBENCH_H */
