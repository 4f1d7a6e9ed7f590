/*
 * The engine as a backend (struct nb_backend, engine.h): its lifetime and
 * a context's root and working directory.  The other backend, the real
 * kernel, is engine/kernel.c; every strategy of engine/namei.c names this
 * one.
 */
#include <stdbool.h>

#include "census.h"
#include "ctx.h"
#include "engine.h"
#include "rcu.h"

int nb_engine_init(unsigned int hash_bits)
{
	int err = census_init();

	if (err)
		return err;
	err = dcache_init(hash_bits);
	if (err)
		return err;
	err = mnt_init(0);
	if (err)
		dcache_exit();
	return err;
}

/* Every context must be gone.  Tears the namespace down and waits for RCU. */
void nb_engine_exit(void)
{
	mnt_exit();
	rcu_barrier();
	dcache_exit();
}

static int engine_ctx_init(struct nb_ctx *ctx)
{
	ctx->root.mnt = init_mnt_ns.root;
	ctx->root.dentry = init_mnt_ns.root->mnt_root;
	path_get(&ctx->root);
	ctx->pwd = ctx->root;
	path_get(&ctx->pwd);
	return 0;
}

/* exit_files: what the context left open is closed, as at exit */
static void close_files(struct nb_ctx *ctx)
{
	unsigned int fd;

	for (fd = 0; fd < ctx->files.max_fds; fd++)
		if (ctx->files.slot[fd])
			ctx->strategy->close(ctx, (int)fd);
	fdtable_free(&ctx->files);
}

static void engine_ctx_release(struct nb_ctx *ctx)
{
	close_files(ctx);
	path_put(&ctx->pwd);
	path_put(&ctx->root);
}

static bool engine_can_mount(void)
{
	return true;
}

const struct nb_backend nb_backend_engine = {
	.name		= "engine",
	.start		= nb_engine_init,
	.stop		= nb_engine_exit,
	.ctx_init	= engine_ctx_init,
	.ctx_release	= engine_ctx_release,
	.can_mount	= engine_can_mount,
	.counters	= true,
	.simulated	= true,
	.own_namespace	= true,
	.fs_types	= true,
};
