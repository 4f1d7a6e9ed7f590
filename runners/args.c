/*
 * Command-line helpers (see args.h).
 */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../engine/engine.h"
#include "args.h"

bool arg_missing;

const char *arg_value(int argc, char **argv, int *i, const char *name)
{
	size_t n = strlen(name);
	const char *a = argv[*i];

	/* a miss leaves arg_missing alone: a caller tries each name in turn and
	 * asks arg_missing after the last, which must still see the one that
	 * matched with its value missing */
	if (strncmp(a, name, n) || (a[n] && a[n] != '='))
		return NULL;
	arg_missing = false;
	if (a[n] == '=')
		return a + n + 1;
	if (*i + 1 >= argc) {
		arg_missing = true;
		return NULL;
	}
	return argv[++*i];
}

int arg_long(const char *s, long min, long max, long *out)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || end == s || *end || v < min || v > max)
		return -EINVAL;
	*out = v;
	return 0;
}

int arg_double(const char *s, double min, double max, double *out)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(s, &end);
	if (errno || end == s || *end || !isfinite(v) || v < min || v > max)
		return -EINVAL;
	*out = v;
	return 0;
}

int arg_error(const char *cmd, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "nameibench %s: ", cmd);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return 2;
}

void arg_exec_build(char **argv, const char *drop, const char *add, char *path, size_t n)
{
	char exe[4096];
	ssize_t len = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	size_t k = strlen(drop);

	path[0] = '\0';
	if (len <= 0)
		return;
	exe[len] = '\0';
	if (k && (size_t)len > k && !strcmp(exe + len - k, drop))
		exe[len - k] = '\0';
	snprintf(path, n, "%s%s", exe, add);
	if (!access(path, X_OK)) {
		argv[0] = path;
		execv(path, argv);
	}
}

void nb_print_strategies(FILE *f, const char *indent)
{
	const struct nb_strategy *const *s;

	for (s = nb_strategies(); *s; s++)
		fprintf(f, "%s%-9s %s\n", indent, (*s)->name, (*s)->summary);
	fprintf(f, "%s%-9s %s\n", indent, nb_strategy_kernel.name, nb_strategy_kernel.summary);
}

void nb_unknown_strategy(const char *who, const char *name)
{
	const struct nb_strategy *const *s;

	fprintf(stderr, "%s: unknown strategy '%s' (known:", who, name);
	for (s = nb_strategies(); *s; s++)
		fprintf(stderr, "%s %s", s == nb_strategies() ? "" : ",", (*s)->name);
	fprintf(stderr, ", %s)\n", nb_strategy_kernel.name);
}

void nb_print_fs_types(FILE *f, const char *indent)
{
	struct nb_fs_type_info t[16];
	int i, n = nb_fs_types(t, 16);

	for (i = 0; i < n && i < 16; i++)
		fprintf(f, "%s%-9s %s\n", indent, t[i].name, t[i].summary);
}

int arg_fs_select(const char *who, const char *spec)
{
	struct nb_fs_type_info t[16];
	int i, n, err = nb_fs_select(spec);

	if (!err)
		return 0;
	if (err == -EINVAL)
		return arg_error(who, "filesystem spec too long: '%s'", spec);
	n = nb_fs_types(t, 16);
	fprintf(stderr, "nameibench %s: unknown filesystem type in '%s' (known:", who, spec);
	for (i = 0; i < n && i < 16; i++)
		fprintf(stderr, "%s %s", i ? "," : "", t[i].name);
	fputs(")\n", stderr);
	return 2;
}
