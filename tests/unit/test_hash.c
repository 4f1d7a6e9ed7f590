/*
 * Name hashing and comparison: component boundaries, agreement of the two
 * hash functions, spread over the dcache buckets, word-at-a-time compare.
 */
#include "check.h"
#include "dcache.h"
#include "hash.h"

/* A padded copy, as every buffer hash_name() scans must be. */
static const char *padded(char *buf, const char *s)
{
	size_t len = strlen(s);

	memcpy(buf, s, len);
	memset(buf + len, 0, NB_NAME_PAD);
	return buf;
}

static void test_component_length(void)
{
	char buf[128], s[100];
	int salt;
	unsigned int len;

	/* every length across several word boundaries, ended by NUL and by '/' */
	for (len = 1; len <= 40; len++) {
		memset(s, 'x', len);
		s[len] = '\0';
		CHECK_EQ(hashlen_len(hash_name(&salt, padded(buf, s))), len);
		s[len] = '/';
		s[len + 1] = 'y';
		s[len + 2] = '\0';
		CHECK_EQ(hashlen_len(hash_name(&salt, padded(buf, s))), len);
	}
	CHECK_EQ(hashlen_len(hash_name(&salt, padded(buf, "ab/cd"))), 2);
	CHECK_EQ(hashlen_len(hash_name(&salt, padded(buf, "abcdefgh/"))), 8);
	/* bytes >= 0x80 are not terminators */
	CHECK_EQ(hashlen_len(hash_name(&salt, padded(buf, "\xc3\xa9t\xc3\xa9"))), 5);
	CHECK_EQ(hashlen_len(hash_name(&salt, padded(buf, "\xff\xff\xff\xff\xff\xff\xff\xff\xff"))), 9);
}

static void test_hash_agrees_with_full_name_hash(void)
{
	char buf[128], s[100];
	int salt;
	unsigned int len;

	for (len = 1; len <= 64; len++) {
		unsigned int i;

		for (i = 0; i < len; i++)
			s[i] = (char)('a' + (i * 7 + len) % 26);
		s[len] = '\0';
		CHECK_EQ(hashlen_hash(hash_name(&salt, padded(buf, s))),
			 full_name_hash(&salt, s, len));
	}
}

static void test_hash_depends_on_salt_and_name(void)
{
	char buf[64];
	int a, b;

	CHECK(hash_name(&a, padded(buf, "name")) != hash_name(&b, padded(buf, "name")));
	CHECK(hash_name(&a, padded(buf, "name")) != hash_name(&a, padded(buf, "namf")));
	/* same length, same words but one: must differ */
	CHECK(hash_name(&a, padded(buf, "aaaaaaaab")) != hash_name(&a, padded(buf, "aaaaaaaac")));
}

/*
 * check_spread - hash "f0" ... "f<files - 1>" under @dirs parents @step
 * bytes apart from @base into 2^20 buckets: a good hash leaves about 1/e
 * of the buckets empty (Poisson(1)) and no long chain (one of 10 has
 * probability ~1e-7).
 */
static void check_spread(uintptr_t base, uintptr_t step, unsigned int dirs, unsigned int files)
{
	enum { BITS = 20 };
	size_t n = (size_t)dirs * files, empty = 0;
	unsigned char *count = calloc((size_t)1 << BITS, 1);
	char name[32];
	unsigned int d, i, max = 0;

	for (d = 0; d < dirs; d++)
		for (i = 0; i < files; i++) {
			int len = snprintf(name, sizeof(name), "f%u", i);
			const void *salt = (const void *)(base + (uintptr_t)d * step);
			uint32_t h = full_name_hash(salt, name, (unsigned int)len);
			unsigned char *c = &count[h >> (32 - BITS)];

			if (*c < 255)
				(*c)++;
		}
	for (i = 0; i < (1u << BITS); i++) {
		if (!count[i])
			empty++;
		if (count[i] > max)
			max = count[i];
	}
	free(count);
	CHECK(empty > (size_t)(0.35 * n) && empty < (size_t)(0.39 * n));
	CHECK(max <= 11);
}

/* A million sequential names under one parent (fixed: deterministic). */
static void test_spread_over_buckets(void)
{
	check_spread(0x7f5a3c001040, 0, 1, 1u << 20);
}

/*
 * The benchmark's trees: the same names under 1,024 sibling directories,
 * whose dentries lie 192 bytes apart in a slab.  The salt must separate
 * the siblings as well as the name separates the files.
 */
static void test_spread_over_siblings(void)
{
	check_spread(0x7f5a3c200000, 192, 1024, 1024);
}

static void test_dentry_cmp(void)
{
	_Atomic uint64_t stored[8];
	char path[80], name[72];
	unsigned int len, i;

	for (len = 1; len <= 60; len++) {
		for (i = 0; i < len; i++)
			name[i] = (char)('A' + i % 50);
		memset(stored, 0, sizeof(stored));
		memcpy((char *)stored, name, len);
		memcpy(path, name, len);
		path[len] = '/';	/* what follows the component must not matter */
		path[len + 1] = 'z';
		memset(path + len + 2, 0, 8);
		CHECK(dentry_cmp((const char *)stored, path, len));
		/* a difference in the last byte, and in the first */
		path[len - 1] ^= 1;
		CHECK(!dentry_cmp((const char *)stored, path, len));
		path[len - 1] ^= 1;
		path[0] ^= 0x20;
		CHECK(!dentry_cmp((const char *)stored, path, len));
	}
}

/*
 * dentry_cmp_last: the last word comes from hashing (hash_name_last), the
 * stored name is zero-padded as the dcache keeps it.  Equal names match;
 * a difference in any byte, or a stored name that is longer, does not.
 */
static void test_dentry_cmp_last(void)
{
	_Atomic uint64_t stored[10];
	char path[96], name[80];
	unsigned int len, i;

	for (len = 1; len <= 64; len++) {
		uint64_t last, hl;

		for (i = 0; i < len + 1; i++)
			name[i] = (char)('a' + (i * 5 + len) % 26);
		memcpy(path, name, len);
		path[len] = '/';
		path[len + 1] = 'z';
		memset(path + len + 2, 0, 8);
		hl = hash_name_last(NULL, path, &last);
		CHECK_EQ(hashlen_len(hl), len);
		CHECK_EQ(last, name_last_word(path, len));

		memset(stored, 0, sizeof(stored));
		memcpy((char *)stored, name, len);
		CHECK(dentry_cmp_last((const char *)stored, path, len, last));
		for (i = 0; i < len; i += len - 1 ? len - 1 : 1) {	/* first, last */
			path[i] ^= 1;
			CHECK(!dentry_cmp_last((const char *)stored, path, len,
					       name_last_word(path, len)));
			path[i] ^= 1;
		}
		/* the stored name is one byte longer: no match when the extra
		 * byte falls in the compared last word */
		memcpy((char *)stored, name, len + 1);
		if (len % 8)
			CHECK(!dentry_cmp_last((const char *)stored, path, len, last));
	}
}

int main(void)
{
	check_suite = "unit/hash";
	RUN(test_component_length);
	RUN(test_hash_agrees_with_full_name_hash);
	RUN(test_hash_depends_on_salt_and_name);
	RUN(test_spread_over_buckets);
	RUN(test_spread_over_siblings);
	RUN(test_dentry_cmp);
	RUN(test_dentry_cmp_last);
	return CHECK_DONE();
}
