/*
 * The census's counters (census.h), and the engine's count of what is
 * alive for nb_census().  Its own file: every object cache below the
 * engine's entry points adds to it, and none of them should depend on
 * those entry points.
 */
#include <pthread.h>
#include <stdbool.h>

#include "census.h"
#include "engine.h"

pcpu_t census_pcpu[CENSUS_MAX];

int census_init(void)
{
	static pthread_mutex_t once = PTHREAD_MUTEX_INITIALIZER;
	static bool done;
	int i, err = 0;

	pthread_mutex_lock(&once);
	for (i = 0; !done && i < CENSUS_MAX && !err; i++)
		err = pcpu_alloc(&census_pcpu[i]);
	done = !err;
	pthread_mutex_unlock(&once);
	return err;
}

void nb_census(struct nb_census *c)
{
	c->dentries = census_read(CENSUS_DENTRY);
	c->external_names = census_read(CENSUS_EXTNAME);
	c->inodes = census_read(CENSUS_INODE);
	c->supers = census_read(CENSUS_SUPER);
	c->mounts = census_read(CENSUS_MOUNT);
}
