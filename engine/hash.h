/*
 * Name hashing and comparison, a word at a time.
 *
 * Path components are hashed eight bytes per step while scanning for the
 * terminating '/' or NUL, as fs/namei.c's hash_name() does; the salt is the
 * parent dentry, so the hash of a name already identifies its dcache chain.
 * The salt enters at the final fold, not at the start as in Linux: the
 * name's words are mixed without it, so the out-of-order core hashes the
 * next component while the lookup of this one, which yields the salt, is
 * still waiting on memory; only an xor, one multiply and a shift lie
 * between a found dentry and its child's bucket.
 *
 * Word-at-a-time loads may read up to seven bytes past the end of a
 * component.  Every buffer scanned here (struct filename, symlink bodies,
 * names stored in dentries) is therefore padded with at least NB_NAME_PAD
 * zero bytes after its terminator, so no load ever leaves its allocation:
 * the code stays defined C and AddressSanitizer-clean.
 *
 * The mixing function is our own: an xor-multiply-rotate step per word
 * (one 64-bit multiply) and a multiplicative fold.  It is not
 * cryptographic; it only has to spread similar names ("f1", "f2", ...)
 * over the buckets, which tests/unit/test_hash.c measures.
 */
#ifndef NB_HASH_H
#define NB_HASH_H

#include <string.h>

#include "compiler.h"

#define NB_NAME_PAD	8

/* hash_len: hash in the low 32 bits, length in the high 32 (hashlen_create) */
#define hashlen_hash(hl)	((uint32_t)(hl))
#define hashlen_len(hl)		((uint32_t)((hl) >> 32))
#define hashlen_create(h, l)	(((uint64_t)(l) << 32) | (uint32_t)(h))

#define WORD_ONES	UINT64_C(0x0101010101010101)
#define WORD_HIGHS	UINT64_C(0x8080808080808080)
#define WORD_SLASHES	(WORD_ONES * (uint64_t)'/')

#define HASH_MUL1	UINT64_C(0x9e3779b97f4a7c15)
#define HASH_MUL2	UINT64_C(0xc2b2ae3d27d4eb4f)

static inline uint64_t load_word(const char *p)
{
	uint64_t w;

	memcpy(&w, p, sizeof(w));	/* unaligned load, one instruction on x86 */
	return w;
}

/*
 * has_zero_byte - nonzero iff some byte of @a is zero.  The lowest set bit
 * is exact (bytes above the first zero may be false positives, which we
 * never look at), so ctz/8 is the index of the first zero byte.
 */
static inline uint64_t has_zero_byte(uint64_t a)
{
	return (a - WORD_ONES) & ~a & WORD_HIGHS;
}

/* Mask of the bytes below byte index @n (0..7, never 8), little-endian:
 * a shift and a subtraction, no branch. */
static inline uint64_t bytemask_from_count(unsigned int n)
{
	return (UINT64_C(1) << (8 * n)) - 1;
}

/*
 * zero_bytemask - from has_zero_byte()'s result @m (nonzero), the mask of
 * the bytes below the first zero byte: its exact lowest set bit is bit
 * 8k + 7 for byte k, so isolate it and shift it down to bit 8k.  The
 * kernel's create_zero_mask() does the same with the same bits.
 */
static inline uint64_t zero_bytemask(uint64_t m)
{
	return ((m & -m) >> 7) - 1;
}

static inline uint64_t rol64(uint64_t w, unsigned int s)
{
	return (w << s) | (w >> (64 - s));
}

static inline uint64_t hash_mix(uint64_t h, uint64_t a)
{
	return rol64((h ^ a) * HASH_MUL1, 29);
}

static inline uint32_t hash_fold(uint64_t h, unsigned int len)
{
	h ^= len;
	h *= HASH_MUL2;
	return (uint32_t)(h >> 32);
}

/* The fold multiplies: the pointer's bits need no mixing before it. */
static inline uint64_t hash_salt(const void *salt)
{
	return (uint64_t)(uintptr_t)salt;
}

/*
 * hash_name_last - hash the component at @name (ended by '/' or NUL) and
 * return its hash_len; in *@lastp, the component's last word with the bytes
 * past its end cleared (0 if its length is a multiple of 8), which the
 * hashing computed anyway and dentry_cmp_last() compares whole.  @name
 * must be padded as described above.
 */
static inline uint64_t hash_name_last(const void *salt, const char *name, uint64_t *lastp)
{
	uint64_t h = 0, a, m;
	unsigned int len = 0;

	for (;;) {
		a = load_word(name + len);
		m = has_zero_byte(a) | has_zero_byte(a ^ WORD_SLASHES);
		if (likely(m))	/* most components fit in a word */
			break;
		h = hash_mix(h, a);
		len += 8;
	}
	a &= zero_bytemask(m);
	*lastp = a;
	h = hash_mix(h, a);
	len += (unsigned int)__builtin_ctzll(m) / 8;
	return hashlen_create(hash_fold(h ^ hash_salt(salt), len), len);
}

static inline uint64_t hash_name(const void *salt, const char *name)
{
	uint64_t last;

	return hash_name_last(salt, name, &last);
}

/* What hash_name_last() leaves in *lastp, for @len bytes at padded @name. */
static inline uint64_t name_last_word(const char *name, unsigned int len)
{
	return load_word(name + (len & ~7u)) & bytemask_from_count(len & 7);
}

/*
 * full_name_hash - the same hash for a name of known length (no terminator
 * needed, no overread): used when a name is not part of a path buffer.
 */
static inline uint32_t full_name_hash(const void *salt, const char *name, unsigned int len)
{
	uint64_t h = 0, a = 0;
	unsigned int i = 0;

	for (; i + 8 <= len; i += 8)
		h = hash_mix(h, load_word(name + i));
	memcpy(&a, name + i, len - i);
	h = hash_mix(h, a);
	return hash_fold(h ^ hash_salt(salt), len);
}

#endif /* NB_HASH_H */
