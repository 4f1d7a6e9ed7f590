/*
 * Open files and a context's descriptor table: what struct file and
 * files_struct are to the kernel (include/linux/fs.h, fs/file.c).
 *
 * A struct file holds a counted path (its mount and its dentry), so that a
 * mount with an open file on it is busy and an unlinked file that is still
 * open still stats.  The path is put by the strategy's own primitives at
 * the last close (fput in engine/namei.c); what is shared is the table.
 *
 * A context's table is its own, as a single-threaded process's is: nothing
 * but its thread ever reads it, so fdget() takes no reference (Linux skips
 * it too while files_struct's count is 1) and no lockless reader can
 * reach a struct file -- it is freed at its last fput, with no grace
 * period.  What a lockless walker can reach, the dentry, is put by dput(),
 * which frees it after one.
 */
#ifndef NB_FILE_H
#define NB_FILE_H

#include <stdbool.h>

#include "mount.h"

#define FMODE_READ	0x1
#define FMODE_WRITE	0x2
#define FMODE_PATH	0x4	/* O_PATH: a place in the namespace, no I/O */

struct file {
	struct path	f_path;		/* counted */
	struct inode	*f_inode;	/* f_path.dentry's, fixed at open */
	unsigned int	f_flags;	/* the open's O_ flags */
	unsigned int	f_mode;		/* FMODE_* */
};

/*
 * The descriptor table: the lowest free descriptor is the next one handed
 * out (POSIX), found from next_fd, below which none is free.
 */
struct fdtable {
	void		**slot;		/* struct file * (engine), or the kernel backend's */
	unsigned int	max_fds;	/* slots allocated */
	unsigned int	next_fd;
};

#define NB_NR_OPEN	65536		/* the table's limit: -EMFILE past it */

int alloc_fd(struct fdtable *fdt);
void put_unused_fd(struct fdtable *fdt, int fd);
void fd_install(struct fdtable *fdt, int fd, void *obj);
void *fd_lookup(const struct fdtable *fdt, int fd);
void *fd_remove(struct fdtable *fdt, int fd);
void fdtable_free(struct fdtable *fdt);

#endif /* NB_FILE_H */
