/*
 * A minimal unit-test harness.  Each test is a function; RUN() runs it and
 * prints "PASS: <suite>: <test>" or "FAIL: <suite>: <test>" plus the first
 * failed check with its line, the format tests/run.py counts.  The exit
 * status is 1 if anything failed.
 */
#ifndef NB_CHECK_H
#define NB_CHECK_H

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifndef ARRAY_SIZE
#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
#endif

static const char *check_suite = "unit";
static int check_failed_tests;
static int check_failures;	/* in the current test */
static char check_first[512];

#define CHECK(cond) do {							\
	if (!(cond)) {								\
		if (!check_failures++)						\
			snprintf(check_first, sizeof(check_first),		\
				 "%s:%d: %s", __FILE__, __LINE__, #cond);	\
	}									\
} while (0)

#define CHECK_EQ(a, b) do {							\
	long long check_a_ = (long long)(a), check_b_ = (long long)(b);		\
	if (check_a_ != check_b_) {						\
		if (!check_failures++)						\
			snprintf(check_first, sizeof(check_first),		\
				 "%s:%d: %s == %s (%lld != %lld)", __FILE__,	\
				 __LINE__, #a, #b, check_a_, check_b_);		\
	}									\
} while (0)

#define CHECK_STR(a, b) do {							\
	const char *check_a_ = (a), *check_b_ = (b);				\
	if (strcmp(check_a_, check_b_)) {					\
		if (!check_failures++)						\
			snprintf(check_first, sizeof(check_first),		\
				 "%s:%d: %s is \"%s\", not \"%s\"", __FILE__,	\
				 __LINE__, #a, check_a_, check_b_);		\
	}									\
} while (0)

#define RUN(fn) do {								\
	check_failures = 0;							\
	fn();									\
	if (check_failures) {							\
		check_failed_tests++;						\
		printf("FAIL: %s: %s: %s (%d failed checks)\n", check_suite,	\
		       #fn, check_first, check_failures);			\
	} else {								\
		printf("PASS: %s: %s\n", check_suite, #fn);			\
	}									\
	fflush(stdout);								\
} while (0)

#define CHECK_DONE()	(check_failed_tests ? 1 : 0)

/*
 * CHECK_EMPTY_CENSUS - after nb_engine_exit(): every dentry, name, inode,
 * superblock and mount the engine ever allocated has been freed.
 */
#define CHECK_EMPTY_CENSUS() do {						\
	struct nb_census check_c_;						\
									\
	nb_census(&check_c_);							\
	check_failures = 0;							\
	CHECK_EQ(check_c_.dentries, 0);						\
	CHECK_EQ(check_c_.external_names, 0);					\
	CHECK_EQ(check_c_.inodes, 0);						\
	CHECK_EQ(check_c_.supers, 0);						\
	CHECK_EQ(check_c_.mounts, 0);						\
	if (check_failures) {							\
		check_failed_tests++;						\
		printf("FAIL: %s: engine exit frees everything: %s\n",		\
		       check_suite, check_first);				\
	} else {								\
		printf("PASS: %s: engine exit frees everything\n", check_suite); \
	}									\
} while (0)

#endif /* NB_CHECK_H */
