/*
 * The case-insensitive type (engine/casefold.c) through the VFS:
 *
 *  - every case of a name names one entry, found in the dcache (d_hash
 *    puts the cases on one chain, d_compare matches them): no alias, no
 *    second dentry for a directory, EEXIST for a new name in another case;
 *  - the walk stays in RCU mode through d_hash and d_compare;
 *  - no negative dentry is kept (ext4 before 6.6), a positive one is;
 *  - renames: across directories named in other cases, to another case
 *    of the same name (a no-op, vfs_rename's source == target);
 *  - evicted directories are found again in any case;
 *  - strict rejects names past ASCII; the option parsing.
 *
 * Every test runs for every strategy on a casefold mount at /c of a tmpfs
 * root, and ends with the census where it began.
 */
#include <errno.h>

#include "check.h"
#include "ctx.h"
#include "engine.h"
#include "fs.h"

static const struct nb_strategy *S;
static struct nb_ctx *ctx;
static struct nb_census base;

static void census_now(struct nb_census *c)
{
	rcu_barrier();
	nb_census(c);
}

static void begin(const char *type)
{
	ctx = nb_ctx_new(S);
	census_now(&base);
	CHECK_EQ(S->mkdir(ctx, "/c"), 0);
	CHECK_EQ(S->mount(ctx, "/c", type), 0);
}

static void end(void)
{
	struct nb_census now;

	CHECK_EQ(S->umount(ctx, "/c", 0), 0);
	CHECK_EQ(S->rmdir(ctx, "/c"), 0);
	nb_ctx_free(ctx);
	census_now(&now);
	CHECK_EQ(now.mounts, base.mounts);
	CHECK_EQ(now.supers, base.supers);
	CHECK_EQ(now.inodes, base.inodes);
	CHECK_EQ(now.dentries, base.dentries);
}

static struct nb_kstat st(const char *path, int expect_err)
{
	struct nb_kstat s;

	memset(&s, 0, sizeof(s));
	CHECK_EQ(S->stat(ctx, path, &s), expect_err);
	return s;
}

static long dentries(void)
{
	struct nb_census c;

	census_now(&c);
	return (long)c.dentries;
}

static void test_every_case_names_one_entry(void)
{
	static const char *const cases[] = { "/c/dir/foo", "/c/DIR/FOO", "/c/dIr/fOo",
					     "/c/Dir/Foo" };
	struct nb_kstat f, d, s;
	long n;
	size_t i;

	begin("casefold");
	CHECK_EQ(S->mkdir(ctx, "/c/Dir"), 0);
	CHECK_EQ(S->create(ctx, "/c/Dir/Foo"), 0);
	f = st("/c/Dir/Foo", 0);
	d = st("/c/Dir", 0);
	n = dentries();
	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		s = st(cases[i], 0);
		CHECK_EQ(s.ino, f.ino);
		CHECK_EQ(s.type, NB_REG);
	}
	CHECK_EQ(st("/c/DIR", 0).ino, d.ino);
	CHECK_EQ(dentries(), n);			/* found in the dcache: no alias */
	CHECK_EQ(S->create(ctx, "/c/dir/FOO"), -EEXIST);
	CHECK_EQ(S->mkdir(ctx, "/c/DIR"), -EEXIST);
	CHECK_EQ(S->symlink(ctx, "x", "/c/DIR/fOO"), -EEXIST);
	st("/c/dir/fo", -ENOENT);
	st("/c/dir/fooo", -ENOENT);
	st("/c/dir/f0o", -ENOENT);
	CHECK_EQ(st("/c/dir", 0).nlink, 2);		/* one directory, not two */
	CHECK_EQ(S->unlink(ctx, "/c/DIR/FOO"), 0);
	st("/c/Dir/Foo", -ENOENT);
	CHECK_EQ(S->rmdir(ctx, "/c/dir"), 0);
	st("/c/Dir", -ENOENT);
	end();
}

/* A name found in another case, through two casefolding directories, in RCU mode. */
static void test_found_in_rcu_mode(void)
{
	uint64_t done, unlazy;

	begin("casefold");
	CHECK_EQ(S->mkdir(ctx, "/c/A"), 0);
	CHECK_EQ(S->mkdir(ctx, "/c/A/Bee"), 0);
	CHECK_EQ(S->create(ctx, "/c/A/Bee/File"), 0);
	st("/c/a/bEE/fILE", 0);
	done = nb_counter_self(NB_COUNTER_RCU_DONE);
	unlazy = nb_counter_self(NB_COUNTER_UNLAZY);
	st("/c/a/BEE/file", 0);
	if (S->walk_rcu) {
		CHECK_EQ(nb_counter_self(NB_COUNTER_RCU_DONE) - done, 1);
		CHECK_EQ(nb_counter_self(NB_COUNTER_UNLAZY) - unlazy, 0);
	}
	CHECK_EQ(S->unlink(ctx, "/c/a/bee/file"), 0);
	CHECK_EQ(S->rmdir(ctx, "/c/a/bee"), 0);
	CHECK_EQ(S->rmdir(ctx, "/c/a"), 0);
	end();
}

/* No negative dentry outlives its lookup; a positive one stays unused. */
static void test_no_negative_dentries(void)
{
	long n, unused;

	begin("casefold");
	CHECK_EQ(S->mkdir(ctx, "/c/d"), 0);
	n = dentries();
	unused = nb_dentry_unused();
	st("/c/d/missing", -ENOENT);
	st("/c/D/MISSING", -ENOENT);
	CHECK_EQ(dentries(), n);
	CHECK_EQ(nb_dentry_unused(), unused);
	/* created through a name another case of which was just missed */
	CHECK_EQ(S->create(ctx, "/c/d/Missing"), 0);
	CHECK_EQ(st("/c/d/missing", 0).type, NB_REG);
	CHECK_EQ(dentries(), n + 1);
	CHECK_EQ(S->unlink(ctx, "/c/d/MISSING"), 0);
	CHECK_EQ(S->rmdir(ctx, "/c/D"), 0);
	end();
}

static void test_renames(void)
{
	struct nb_kstat f;

	begin("casefold");
	CHECK_EQ(S->mkdir(ctx, "/c/One"), 0);
	CHECK_EQ(S->mkdir(ctx, "/c/Two"), 0);
	CHECK_EQ(S->create(ctx, "/c/One/f"), 0);
	f = st("/c/one/F", 0);
	CHECK_EQ(S->rename(ctx, "/c/ONE/F", "/c/two/Moved"), 0);
	st("/c/One/f", -ENOENT);
	CHECK_EQ(st("/c/TWO/MOVED", 0).ino, f.ino);
	/* another case of the same name: one inode, nothing to do */
	CHECK_EQ(S->rename(ctx, "/c/two/moved", "/c/Two/MOVED"), 0);
	CHECK_EQ(st("/c/two/Moved", 0).ino, f.ino);
	/* over an existing name in another case */
	CHECK_EQ(S->create(ctx, "/c/Two/victim"), 0);
	CHECK_EQ(S->rename(ctx, "/c/two/moved", "/c/two/VICTIM"), 0);
	CHECK_EQ(st("/c/Two/Victim", 0).ino, f.ino);
	st("/c/two/moved", -ENOENT);
	CHECK_EQ(st("/c/TWO", 0).nlink, 2);
	CHECK_EQ(S->exchange(ctx, "/c/one", "/c/TWO"), 0);
	CHECK_EQ(st("/c/One/victim", 0).ino, f.ino);
	CHECK_EQ(S->unlink(ctx, "/c/ONE/VICTIM"), 0);
	CHECK_EQ(S->rmdir(ctx, "/c/one"), 0);
	CHECK_EQ(S->rmdir(ctx, "/c/two"), 0);
	end();
}

/* The shrinker evicts the tree; every case finds it again through ->lookup. */
static void test_evicted_found_again(void)
{
	struct nb_kstat a, f, s;

	begin("casefold");
	CHECK_EQ(S->mkdir(ctx, "/c/Top"), 0);
	CHECK_EQ(S->mkdir(ctx, "/c/Top/Mid"), 0);
	CHECK_EQ(S->create(ctx, "/c/Top/Mid/Leaf"), 0);
	a = st("/c/Top/Mid", 0);
	f = st("/c/Top/Mid/Leaf", 0);
	CHECK_EQ(S->shrink(ctx, "/c"), 3);
	CHECK_EQ(nb_dentry_unused(), 0);
	s = st("/c/TOP/MID/LEAF", 0);
	CHECK_EQ(s.ino, f.ino);
	CHECK_EQ(st("/c/top/mid", 0).ino, a.ino);
	CHECK_EQ(S->shrink(ctx, "/c"), 3);
	CHECK_EQ(S->unlink(ctx, "/c/top/mid/leaf"), 0);
	CHECK_EQ(S->rmdir(ctx, "/c/TOP/MID"), 0);
	CHECK_EQ(S->rmdir(ctx, "/c/Top"), 0);
	end();
}

/* strict: names not valid in the encoding are EINVAL; without it they are names */
static void test_strict_and_options(void)
{
	begin("casefold,strict");
	CHECK_EQ(S->create(ctx, "/c/caf\xc3\xa9"), -EINVAL);
	st("/c/caf\xc3\xa9", -EINVAL);
	CHECK_EQ(S->create(ctx, "/c/Cafe"), 0);
	CHECK_EQ(S->unlink(ctx, "/c/CAFE"), 0);
	end();
	begin("casefold");
	CHECK_EQ(S->create(ctx, "/c/caf\xc3\xa9"), 0);
	st("/c/CAF\xc3\xa9", 0);
	st("/c/CAF\xc3\x89", -ENOENT);		/* only ASCII folds */
	CHECK_EQ(S->unlink(ctx, "/c/caf\xc3\xa9"), 0);
	end();
	ctx = nb_ctx_new(S);
	CHECK_EQ(S->mkdir(ctx, "/x"), 0);
	CHECK_EQ(S->mount(ctx, "/x", "casefold,bogus"), -EINVAL);
	CHECK_EQ(S->mount(ctx, "/x", "casefold,strict,strict"), 0);
	CHECK_EQ(S->umount(ctx, "/x", 0), 0);
	CHECK_EQ(S->rmdir(ctx, "/x"), 0);
	nb_ctx_free(ctx);
}

int main(void)
{
	const struct nb_strategy *const *s;
	static char suite[64];

	nb_thread_start();
	for (s = nb_strategies(); *s; s++) {
		S = *s;
		snprintf(suite, sizeof(suite), "unit/casefold[%s]", S->name);
		check_suite = suite;
		if (nb_engine_init(16)) {
			printf("FAIL: %s: engine init\n", suite);
			check_failed_tests++;
			continue;
		}
		RUN(test_every_case_names_one_entry);
		RUN(test_found_in_rcu_mode);
		RUN(test_no_negative_dentries);
		RUN(test_renames);
		RUN(test_evicted_found_again);
		RUN(test_strict_and_options);
		nb_engine_exit();
		CHECK_EMPTY_CENSUS();
	}
	nb_thread_stop();
	return CHECK_DONE();
}
