/*
 * A libFuzzer target for the sh language and the path walk behind it
 * (make fuzz SECONDS=N).
 *
 * An input is a strategy byte followed by an sh script.  The script runs
 * on a fresh engine with that strategy (global, dlock, lockref, rcuwalk or
 * rcufull), and again with global; besides the sanitizers' own checks
 * (the fuzz build is ASan + UBSan + the engine's debug checks), the target
 * aborts when
 *  - the two strategies answer any line differently: one thread alone
 *    must see the same namespace whatever the locking (the counters line
 *    is the exception: unlazy and restart counts are the strategy's own);
 *  - anything is still alive after the engine is torn down: every
 *    reference a script's operations took was dropped.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../engine/engine.h"
#include "../../runners/nameibench.h"

static const char *const strategies[] = { "global", "dlock", "lockref", "rcuwalk", "rcufull" };

/* A small hash: a script makes a few hundred dentries, and a fresh engine
 * per run must not cost a megabyte table.  Shared chains are a test too. */
#define FUZZ_HASH_BITS	8

/* Malformed lines are what a fuzzer mostly writes: not worth a message. */
static FILE *quiet;

/* Run @script with @strategy; the output, with counters lines blanked. */
static char *run(const char *strategy, const uint8_t *script, size_t len)
{
	FILE *in = fmemopen((void *)script, len, "r"), *out;
	char *text = NULL, *p;
	size_t n = 0;
	int malformed = 0, err;
	struct nb_census c;

	if (!len)
		in = fopen("/dev/null", "r");	/* fmemopen() refuses a zero size */
	out = open_memstream(&text, &n);
	if (!in || !out)
		abort();
	if (!quiet)
		quiet = fopen("/dev/null", "w");
	err = nb_sh_script(nb_strategy_find(strategy), FUZZ_HASH_BITS, in, out,
			   quiet ? quiet : stderr, &malformed);
	if (err > 0)
		abort();			/* the engine could not start */
	fclose(in);
	fclose(out);
	nb_census(&c);
	if (c.dentries || c.external_names || c.inodes || c.supers || c.mounts) {
		fprintf(stderr, "fuzz_sh: %s left %ld dentries, %ld names, %ld inodes, %ld supers, "
			"%ld mounts alive after teardown\n", strategy, c.dentries,
			c.external_names, c.inodes, c.supers, c.mounts);
		abort();
	}
	/* "ok lookup.ops=3 lookup.unlazy=1 ...": the strategy's own counts */
	for (p = text; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : NULL) {
		char *end = strchr(p, '\n'), *eq = strchr(p, '=');

		if (!strncmp(p, "ok ", 3) && end && eq && eq < end &&
		    memchr(p + 3, '.', (size_t)(eq - p - 3)))
			memset(p + 2, ' ', (size_t)(end - p - 2));
	}
	return text;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *strategy;
	char *a, *b;

	if (size < 1)
		return 0;
	strategy = strategies[data[0] % (sizeof(strategies) / sizeof(strategies[0]))];
	a = run(strategy, data + 1, size - 1);
	if (strcmp(strategy, "global")) {
		b = run("global", data + 1, size - 1);
		if (strcmp(a, b)) {
			fprintf(stderr, "fuzz_sh: %s and global answered differently\n--- %s\n%s"
				"--- global\n%s", strategy, strategy, a, b);
			abort();
		}
		free(b);
	}
	free(a);
	return 0;
}
