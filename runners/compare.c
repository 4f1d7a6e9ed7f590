/*
 * nameibench compare: A/B comparison of two results folders.
 *
 * The statistics and the HTML live in plots/compare.py, beside the plots
 * it reuses; this command finds that script next to the binary (bin/..
 * /plots) and hands over to python3, so 'nameibench compare' and
 * 'python3 plots/compare.py' are the same program.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "nameibench.h"

/* @out = <the directory above the binary's>/plots/compare.py; 0 or -1 */
static int compare_script(char *out, size_t len)
{
	char exe[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	char *slash;
	int i;

	if (n <= 0)
		return -1;
	exe[n] = '\0';
	for (i = 0; i < 2; i++) {	/* .../bin/nameibench -> ... */
		slash = strrchr(exe, '/');
		if (!slash)
			return -1;
		*slash = '\0';
	}
	if ((size_t)snprintf(out, len, "%s/plots/compare.py", exe) >= len)
		return -1;
	return access(out, R_OK) ? -1 : 0;
}

int cmd_compare(int argc, char **argv)
{
	char script[PATH_MAX];
	char **args = calloc((size_t)argc + 3, sizeof(*args));
	int i;

	if (!args) {
		fprintf(stderr, "nameibench compare: out of memory\n");
		return 1;
	}
	if (compare_script(script, sizeof(script))) {
		fprintf(stderr, "nameibench compare: cannot find plots/compare.py beside this "
			"binary's folder; run 'python3 plots/compare.py' from the source tree\n");
		free(args);
		return 2;
	}
	args[0] = "python3";
	args[1] = script;
	for (i = 1; i < argc; i++)
		args[i + 1] = argv[i];
	setenv("NAMEIBENCH_PROG", "nameibench compare", 1);
	execvp("python3", args);
	fprintf(stderr, "nameibench compare: cannot run python3: %s\n", strerror(errno));
	free(args);
	return 2;
}
