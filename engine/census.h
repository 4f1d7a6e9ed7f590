/*
 * The census: how many dentries, external names, inodes, superblocks and
 * mounts are alive, kept in per-CPU counters so that counting costs no
 * shared write.  An object leaves the census when its RCU free is queued;
 * after rcu_barrier() the census is exactly what is allocated, which the
 * tests use to prove nothing leaked and nothing was freed twice.
 */
#ifndef NB_CENSUS_H
#define NB_CENSUS_H

#include "percpu.h"

enum census_kind {
	CENSUS_DENTRY, CENSUS_EXTNAME, CENSUS_INODE, CENSUS_SUPER, CENSUS_MOUNT, CENSUS_MAX
};

extern pcpu_t census_pcpu[CENSUS_MAX];

int census_init(void);

static inline void census_add(enum census_kind k, long n)
{
	pcpu_add(census_pcpu[k], n);
}

static inline long census_read(enum census_kind k)
{
	return pcpu_sum(census_pcpu[k]);
}

#endif /* NB_CENSUS_H */
