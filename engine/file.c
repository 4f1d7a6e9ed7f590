/*
 * The descriptor table (engine/file.h), as fs/file.c keeps it: the lowest
 * free descriptor first.  Shared by the engine and the kernel backend,
 * which keeps its real descriptors here under the numbers the engine
 * would have given, so that both answer the same "fd N".
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "file.h"

/* expand_files: room for descriptor @nr */
static int expand_files(struct fdtable *fdt, unsigned int nr)
{
	unsigned int max = fdt->max_fds ? fdt->max_fds : 16;
	void **slot;

	if (nr < fdt->max_fds)
		return 0;
	if (nr >= NB_NR_OPEN)
		return -EMFILE;
	while (max <= nr)
		max *= 2;
	slot = realloc(fdt->slot, max * sizeof(*slot));
	if (!slot)
		return -ENOMEM;
	memset(slot + fdt->max_fds, 0, (max - fdt->max_fds) * sizeof(*slot));
	fdt->slot = slot;
	fdt->max_fds = max;
	return 0;
}

/* Reserve the lowest free descriptor (fd_install fills it): fd or -EMFILE. */
int alloc_fd(struct fdtable *fdt)
{
	unsigned int fd = fdt->next_fd;
	int err;

	while (fd < fdt->max_fds && fdt->slot[fd])
		fd++;
	err = expand_files(fdt, fd);
	if (err)
		return err;
	fdt->next_fd = fd + 1;
	return (int)fd;
}

/* Give back a descriptor alloc_fd() reserved and nothing was installed in. */
void put_unused_fd(struct fdtable *fdt, int fd)
{
	if ((unsigned int)fd < fdt->next_fd)
		fdt->next_fd = (unsigned int)fd;
}

void fd_install(struct fdtable *fdt, int fd, void *obj)
{
	fdt->slot[fd] = obj;
}

/* fdget: the object @fd names, or NULL (EBADF) */
void *fd_lookup(const struct fdtable *fdt, int fd)
{
	if (fd < 0 || (unsigned int)fd >= fdt->max_fds)
		return NULL;
	return fdt->slot[fd];
}

/* close_fd's half: take @fd out of the table; what it named, or NULL */
void *fd_remove(struct fdtable *fdt, int fd)
{
	void *obj = fd_lookup(fdt, fd);

	if (obj) {
		fdt->slot[fd] = NULL;
		put_unused_fd(fdt, fd);
	}
	return obj;
}

/* Every descriptor must have been removed (the owner closes them first). */
void fdtable_free(struct fdtable *fdt)
{
	free(fdt->slot);
	fdt->slot = NULL;
	fdt->max_fds = fdt->next_fd = 0;
}
