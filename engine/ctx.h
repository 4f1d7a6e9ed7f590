/*
 * A context: what a task's fs_struct and files_struct are to the kernel, a
 * root and a working directory, each a counted path, and a descriptor table.
 * Private to one thread.
 */
#ifndef NB_CTX_H
#define NB_CTX_H

#include "engine.h"
#include "file.h"
#include "namei.h"

struct nb_ctx {
	struct path root;
	struct path pwd;
	const struct nb_strategy *strategy;
	struct fdtable files;	/* open files (the kernel backend: its own fds) */
	int kroot, kcwd;	/* the kernel strategy's "/" and working directory */
	unsigned long kcwd_gen;	/* ... and which kcwd, unique among all contexts' */
};

/*
 * The context of the operation this thread is running (Linux's current,
 * for what a filesystem asks of it: autofs, whether it is the daemon).
 * Set by every operation's entry (OP_BEGIN); defined in namespace.c.
 */
extern _Thread_local struct nb_ctx *nb_current;

/* set_fs_pwd: install @path (whose reference the context takes over). */
static inline void set_fs_pwd(struct nb_ctx *ctx, const struct path *path)
{
	struct path old = ctx->pwd;

	ctx->pwd = *path;
	path_put(&old);
}

#endif /* NB_CTX_H */
