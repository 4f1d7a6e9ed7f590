/*
 * Command-line helpers shared by the subcommands: "--name VALUE" and
 * "--name=VALUE", checked numbers, and the one-line error every bad
 * argument gets (exit status 2).
 */
#ifndef NB_ARGS_H
#define NB_ARGS_H

#include <stdbool.h>
#include <stdio.h>

/* Set by arg_value() when the option matched but its value is missing. */
extern bool arg_missing;

/*
 * arg_value - if argv[*i] is @name ("--name V" or "--name=V"), return V
 * (advancing *i past it) or NULL with arg_missing set; NULL otherwise.
 */
const char *arg_value(int argc, char **argv, int *i, const char *name);

int arg_long(const char *s, long min, long max, long *out);
int arg_double(const char *s, double min, double max, double *out);

/* "nameibench CMD: message" on standard error; returns 2. */
int arg_error(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/*
 * arg_exec_build - run the build beside this binary, with the same
 * arguments: this binary's path with @drop taken off its end (if it ends
 * so) and @add put on ("bin/nameibench" -> "bin/nameibench-zoo").  Returns
 * only if that build is not there, with the path it tried in @path ("" if
 * this binary's own could not be read).
 */
void arg_exec_build(char **argv, const char *drop, const char *add, char *path, size_t n);

/* One line per strategy, "<indent>name  summary". */
void nb_print_strategies(FILE *f, const char *indent);
/* "<who>: unknown strategy 'x' (known: a, b, ...)" on standard error. */
void nb_unknown_strategy(const char *who, const char *name);

/* One line per filesystem type, "<indent>name  summary". */
void nb_print_fs_types(FILE *f, const char *indent);
/*
 * arg_fs_select - nb_fs_select(@spec), or "<who>: unknown filesystem type
 * 'x' (known: ...)" on standard error and 2.
 */
int arg_fs_select(const char *who, const char *spec);

#endif /* NB_ARGS_H */
