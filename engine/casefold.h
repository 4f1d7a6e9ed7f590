/*
 * casefold.c's folding (ASCII: A-Z to a-z), which disk's tables share with
 * its d_hash and d_compare: a name must land in one table slot and on one
 * hash chain in every case.  Here, not in casefold.c, so that diskfs.c
 * needs nothing of the type built on it.
 */
#ifndef NB_CASEFOLD_H
#define NB_CASEFOLD_H

#include <stdint.h>

#include "hash.h"

static inline unsigned char casefold_char(unsigned char c)
{
	return c >= 'A' && c <= 'Z' ? (unsigned char)(c + 'a' - 'A') : c;
}

/* 0 if @a and @b, @len bytes each, are one name folded; memcmp-like otherwise. */
static inline int casefold_cmp(const char *a, const char *b, unsigned int len)
{
	unsigned int i;

	for (i = 0; i < len; i++)
		if (casefold_char((unsigned char)a[i]) != casefold_char((unsigned char)b[i]))
			return casefold_char((unsigned char)a[i]) < casefold_char((unsigned char)b[i]) ? -1 : 1;
	return 0;
}

/* full_name_hash() of the folded name: every case of it hashes alike. */
static inline uint32_t casefold_hash(const void *salt, const char *name, unsigned int len)
{
	uint64_t h = 0, a = 0;
	unsigned int i;

	for (i = 0; i < len; i++) {
		a |= (uint64_t)casefold_char((unsigned char)name[i]) << (8 * (i & 7));
		if ((i & 7) == 7) {
			h = hash_mix(h, a);
			a = 0;
		}
	}
	h = hash_mix(h, a);
	return hash_fold(h ^ hash_salt(salt), len);
}

#endif /* NB_CASEFOLD_H */
