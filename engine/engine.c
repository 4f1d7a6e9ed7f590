/*
 * Contexts, the strategy registry, threads, and errno names; the engine's
 * own lifetime is its backend's (backend.c).
 */
#include <errno.h>
#include <fcntl.h>		/* O_ flags, Linux's own */
#include <stdlib.h>
#include <string.h>

#include "ctx.h"
#include "engine.h"
#include "fs.h"
#include "rcu.h"

/*
 * The strategies built (the Makefile's STRATEGIES, one NB_STRATEGY(name)
 * line each in the generated strategies.h): each is engine/namei.c
 * compiled with engine/strategy/<name>.h, exporting nb_strategy_<name>.
 */
#define NB_STRATEGY(name)	extern const struct nb_strategy nb_strategy_##name;
#include "strategies.h"
#undef NB_STRATEGY

static const struct nb_strategy *const strategies[] = {
#define NB_STRATEGY(name)	&nb_strategy_##name,
#include "strategies.h"
#undef NB_STRATEGY
	NULL,
};

/*
 * The filesystem types, registered as Linux's initcalls do, before
 * anything (main(), option parsing, nb_fs_select) can ask for one: from
 * here, the top of the engine, so that super.c need name none.
 */
__attribute__((constructor)) static void nb_register_filesystems(void)
{
	register_filesystem(&tmpfs_fs_type);
	register_filesystem(&disk_fs_type);
	register_filesystem(&nfs_fs_type);
	register_filesystem(&casefold_fs_type);
	register_filesystem(&autofs_fs_type);
}

const struct nb_strategy *const *nb_strategies(void)
{
	return strategies;
}

const struct nb_strategy *nb_strategy_find(const char *name)
{
	const struct nb_strategy *const *s;

	for (s = strategies; *s; s++)
		if (!strcmp((*s)->name, name))
			return *s;
	if (!strcmp(name, nb_strategy_kernel.name))
		return &nb_strategy_kernel;
	return NULL;
}

int nb_openat(const struct nb_strategy *s, struct nb_ctx *ctx, int dfd, const char *path,
	      int flags)
{
	if (flags & O_PATH)		/* O_PATH beats everything else */
		flags &= NB_O_PATH_FLAGS;
	return s->openat2(ctx, dfd, path, flags, 0);
}

int nb_thread_start(void)
{
	int err = nb_thread_register();

	if (!err)
		rcu_register_thread();
	return err;
}

void nb_thread_stop(void)
{
	rcu_unregister_thread();
	nb_thread_unregister();
}

void nb_thread_idle(void)
{
	rcu_thread_offline();
}

void nb_thread_active(void)
{
	rcu_thread_online();
}

struct nb_ctx *nb_ctx_new(const struct nb_strategy *strategy)
{
	struct nb_ctx *ctx = calloc(1, sizeof(*ctx));

	if (!ctx)
		return NULL;
	ctx->strategy = strategy;
	if (strategy->backend->ctx_init(ctx)) {
		free(ctx);
		return NULL;
	}
	return ctx;
}

void nb_ctx_free(struct nb_ctx *ctx)
{
	ctx->strategy->backend->ctx_release(ctx);
	free(ctx);
}


const struct nb_strategy *nb_ctx_strategy(const struct nb_ctx *ctx)
{
	return ctx->strategy;
}

/* ---- counters ---- */

int nb_counter_count(void)
{
	return NB_CTR_MAX;
}

int nb_op_kind_count(void)
{
	return NB_OP_MAX;
}

const char *nb_counter_label(int counter)
{
	return nb_counter_name((enum nb_counter)counter);
}

const char *nb_counter_about(int counter)
{
	return nb_counter_meaning((enum nb_counter)counter);
}

const char *nb_op_kind_label(int kind)
{
	return nb_op_name((enum nb_op)kind);
}

uint64_t nb_counter_total(int kind, int counter)
{
	uint64_t c[NB_OP_MAX][NB_CTR_MAX], sum = 0;
	int k;

	nb_counters_sum(c);
	if (kind >= 0)
		return c[kind][counter];
	for (k = 0; k < NB_OP_MAX; k++)
		sum += c[k][counter];
	return sum;
}

_Static_assert((int)NB_COUNTER_RCU_WALK == (int)NB_CTR_RCU_WALK &&
	       (int)NB_COUNTER_RCU_DONE == (int)NB_CTR_RCU_DONE &&
	       (int)NB_COUNTER_UNLAZY == (int)NB_CTR_UNLAZY &&
	       (int)NB_COUNTER_ECHILD == (int)NB_CTR_ECHILD,
	       "engine.h's counter numbers are percpu.h's");

uint64_t nb_counter_self(int counter)
{
	uint64_t sum = 0;
	int k;

	for (k = 0; k < NB_OP_MAX; k++)
		sum += READ_ONCE(nb_self->c[k][counter]);
	return sum;
}

uint64_t nb_namespace_seq(void)
{
	return (uint64_t)READ_ONCE(rename_lock.seqcount.sequence) << 32 |
	       READ_ONCE(mount_lock.seqcount.sequence);
}

void nb_counters_clear(void)
{
	nb_counters_reset();
}

const char *nb_type_name(enum nb_type type)
{
	switch (type) {
	case NB_DIR:
		return "dir";
	case NB_LNK:
		return "lnk";
	default:
		return "reg";
	}
}

const char *nb_errno_name(int err)
{
	static const struct {
		int err;
		const char *name;
	} names[] = {
		{ EPERM, "EPERM" }, { ENOENT, "ENOENT" }, { EIO, "EIO" },
		{ EBADF, "EBADF" }, { ECHILD, "ECHILD" }, { EAGAIN, "EAGAIN" },
		{ ENOMEM, "ENOMEM" }, { EACCES, "EACCES" }, { EFAULT, "EFAULT" },
		{ EBUSY, "EBUSY" }, { EEXIST, "EEXIST" }, { EXDEV, "EXDEV" },
		{ ENOTDIR, "ENOTDIR" }, { EISDIR, "EISDIR" }, { EINVAL, "EINVAL" },
		{ EMFILE, "EMFILE" }, { ENOSPC, "ENOSPC" }, { EROFS, "EROFS" },
		{ EMLINK, "EMLINK" }, { ENAMETOOLONG, "ENAMETOOLONG" },
		{ ENOTEMPTY, "ENOTEMPTY" }, { ELOOP, "ELOOP" }, { ESTALE, "ESTALE" },
		{ ENODEV, "ENODEV" }, { EOPNOTSUPP, "EOPNOTSUPP" }, { ENOSYS, "ENOSYS" },
		{ ERANGE, "ERANGE" },
	};
	size_t i;

	if (err < 0)
		err = -err;
	for (i = 0; i < ARRAY_SIZE(names); i++)
		if (names[i].err == err)
			return names[i].name;
	return "EUNKNOWN";
}
