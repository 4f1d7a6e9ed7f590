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
int cmd_runtest(int argc, char **argv);
int cmd_sweep(int argc, char **argv);
int cmd_list(int argc, char **argv);
int cmd_compare(int argc, char **argv);
int cmd_topology(int argc, char **argv);

struct nb_strategy;
/* Run an sh script against a fresh engine (sh.c; the fuzzer uses it). */
int nb_sh_script(const struct nb_strategy *strategy, unsigned int hash_bits, FILE *in,
		 FILE *out, FILE *diag, int *malformed);

#endif /* NB_NAMEIBENCH_H */
