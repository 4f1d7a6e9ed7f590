/*
 * The engine's public interface.
 *
 * One engine per process (the dcache and mount tables are global, as in
 * the kernel).  Each thread that uses it calls nb_thread_start() first and
 * nb_thread_stop() when done; under the QSBR flavor of RCU, a thread that
 * stops issuing operations for a while brackets the pause with
 * nb_thread_idle() / nb_thread_active(), or grace periods wait for it.  A context (struct nb_ctx) is what a task
 * is to the kernel: a root and a working directory; contexts are not shared
 * between threads.
 *
 * Operations go through a strategy: a table of functions, one per
 * synchronization scheme, chosen by name once (nb_strategy_find).  Only the
 * operation is dispatched through the table; each strategy's path walk is
 * compiled separately (engine/namei.c built once per strategy), so the
 * per-component hot path has no indirect calls.
 *
 * Errors are negative errno values (-ENOENT); nb_errno_name() gives the
 * name the scripting interface prints.
 */
#ifndef NB_ENGINE_H
#define NB_ENGINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct nb_ctx;

enum nb_type { NB_DIR, NB_REG, NB_LNK };

struct nb_kstat {
	uint64_t ino;
	unsigned int dev;
	enum nb_type type;
	unsigned int nlink;
	int64_t size;
};

/* umount flag: lazy detach (MNT_DETACH) */
#define NB_UMOUNT_LAZY	0x2

/*
 * An ancestor-walk callback: called for the starting object and then each
 * ancestor up to the context's root.  @st is NULL for a restart notice:
 * forget what was seen so far, the walk starts over (under RCU the
 * callback sees objects without any reference taken, and a failed
 * validation means some of them may not have been ancestors).  A nonzero
 * return stops the walk.
 */
typedef int (*nb_ancestor_fn)(void *arg, const struct nb_kstat *st);

/*
 * The REF-walk ancestor iterator: ancestor_first() resolves the path and
 * yields it; each ancestor_next() steps to the parent (returns 0 at the
 * root, having released everything); ancestor_stop() abandons a walk early.
 * Between steps the iterator holds a counted reference to where it is.
 */
struct nb_ancestor_iter {
	struct nb_ctx *ctx;
	void *mnt, *dentry;
};

/*
 * What carries a strategy's operations out: the engine, in this process,
 * or the real kernel through system calls (engine/kernel.c).  The runners
 * ask a backend what it can do and what to record, never which one it is.
 */
struct nb_backend_info {		/* where a run took place, for its result */
	char tree[512];			/* where the tree is built, and how */
	char fs[64];			/* that directory's filesystem type */
	double getppid_ns;		/* entering and leaving the kernel, this PU */
	double fstat_fd_ns;		/* fstat on an open file: the same, plus a stat */
};

struct nb_backend {
	const char *name;
	/* before the first context and after the last (@hash_bits as for
	 * nb_engine_init); start returns 0 or a negative errno */
	int (*start)(unsigned int hash_bits);
	void (*stop)(void);
	int (*ctx_init)(struct nb_ctx *ctx);
	void (*ctx_release)(struct nb_ctx *ctx);
	/* optional: what a result records; measures on the calling thread */
	void (*describe)(struct nb_backend_info *info);
	bool (*can_mount)(void);	/* do mount and umount work here? */
	bool counters;			/* its event counters count its operations */
	bool simulated;			/* enters no kernel: --syscall-cost prices that */
	bool own_namespace;		/* made from nothing at start: sh scripts and the
					 * stress test's writer may change anything in it */
	bool fs_types;			/* runs the engine's filesystem types and its
					 * dentry budget (nb_fs_select): else its own */
};

extern const struct nb_backend nb_backend_engine;	/* engine/backend.c */

struct nb_strategy {
	const char *name;
	const char *summary;
	const struct nb_backend *backend;
	bool walk_rcu;		/* walks in RCU mode first (WALK_RCU) */
	bool stat_under_rcu;	/* answers stat under RCU (STAT_UNDER_RCU) */
	bool one_lock;		/* every operation under one lock (ONE_LOCK) */
	int (*stat)(struct nb_ctx *ctx, const char *path, struct nb_kstat *st);
	int (*lstat)(struct nb_ctx *ctx, const char *path, struct nb_kstat *st);
	/* openat2(@root, @path, RESOLVE_IN_ROOT) and fstat: -EAGAIN on a race */
	int (*stat_in_root)(struct nb_ctx *ctx, const char *root, const char *path,
			    struct nb_kstat *st);
	int (*mkdir)(struct nb_ctx *ctx, const char *path);
	int (*create)(struct nb_ctx *ctx, const char *path);
	int (*symlink)(struct nb_ctx *ctx, const char *target, const char *path);
	int (*unlink)(struct nb_ctx *ctx, const char *path);
	int (*rmdir)(struct nb_ctx *ctx, const char *path);
	int (*rename)(struct nb_ctx *ctx, const char *oldpath, const char *newpath);
	/* renameat2(RENAME_EXCHANGE): both names must exist; they trade places */
	int (*exchange)(struct nb_ctx *ctx, const char *path1, const char *path2);
	/* a new filesystem of @type ("TYPE[,OPTION...]"; NULL: the default,
	 * nb_fs_select) on the directory @path names */
	int (*mount)(struct nb_ctx *ctx, const char *path, const char *type);
	int (*umount)(struct nb_ctx *ctx, const char *path, int flags);
	int (*chdir)(struct nb_ctx *ctx, const char *path);
	/* readlink(2): the first min(@size, its length) bytes of the body of
	 * the symlink @path names (not followed), no terminator; returns how
	 * many, -EINVAL for what is no symlink or a @size of 0 */
	int (*readlink)(struct nb_ctx *ctx, const char *path, char *buf, size_t size);
	/* access(2) as root: @mode is F_OK or R_OK|W_OK|X_OK bits; -EACCES
	 * for X_OK on a regular file (created 0644, no execute bit) */
	int (*access)(struct nb_ctx *ctx, const char *path, int mode);
	/* openat(2): a descriptor, the lowest free in the context's own table
	 * (which starts empty), or an error; @dfd is AT_FDCWD or a descriptor.
	 * @flags are Linux's O_ flags (fcntl.h), those the engine models: the
	 * access mode, O_CREAT (a regular file, 0644), O_EXCL, O_TRUNC,
	 * O_DIRECTORY, O_NOFOLLOW, O_PATH and O_CLOEXEC; any other is -EINVAL.
	 * openat2(2): @resolve is its RESOLVE_ flags (<linux/openat2.h>; 0 is
	 * openat), each with Linux's errors: NO_XDEV (-EXDEV at a mount),
	 * NO_SYMLINKS (-ELOOP at a symlink to follow), NO_MAGICLINKS (the
	 * engine has no magic links: it changes nothing), BENEATH (-EXDEV for
	 * "/", an absolute symlink or '..' out of @dfd), IN_ROOT (@dfd is "/"),
	 * CACHED (-EAGAIN unless the dcache alone answers without blocking; at
	 * once with O_CREAT or O_TRUNC); an unknown bit, or BENEATH with
	 * IN_ROOT, is -EINVAL */
	int (*openat2)(struct nb_ctx *ctx, int dfd, const char *path, int flags,
		       uint64_t resolve);	/* nb_openat() for openat(2) */
	int (*close)(struct nb_ctx *ctx, int fd);
	int (*fstat)(struct nb_ctx *ctx, int fd, struct nb_kstat *st);
	/* statx(2) with AT_SYMLINK_NOFOLLOW and AT_EMPTY_PATH ("" is @dfd's
	 * file, or the working directory for AT_FDCWD) */
	int (*statx)(struct nb_ctx *ctx, int dfd, const char *path, int flags,
		     struct nb_kstat *st);
	/* getppid(2): will-it-scale's getppid1, the cost of entering the
	 * kernel at all; the engine models no processes, so there it is one
	 * call through the strategy table that does nothing, the floor of
	 * every engine operation */
	int (*getppid)(struct nb_ctx *ctx);
	/* getcwd(2): the working directory's path from the context's root,
	 * NUL-terminated, into @buf; returns its length with the NUL, as the
	 * system call does.  -ENOENT if the directory was removed, -ERANGE if
	 * @size is too small; "(unreachable)" in front of a path that does
	 * not lead back to the root (a lazily unmounted mount's) */
	int (*getcwd)(struct nb_ctx *ctx, char *buf, size_t size);
	/* the shrinker on demand: kill every unused dentry of the filesystem
	 * @path is on; returns how many (NULL where the backend has none) */
	int (*shrink)(struct nb_ctx *ctx, const char *path);
	/* a second client removes @path on its filesystem's server, behind
	 * this one's dcache (nfs; -EOPNOTSUPP on other types; NULL where the
	 * backend has none): what -ESTALE and LOOKUP_REVAL are for */
	int (*server_remove)(struct nb_ctx *ctx, const char *path);
	/* expire the automount trigger @path names (autofs): 1 if what was
	 * mounted on it was idle and is gone with the trigger, 0 if busy
	 * (-EOPNOTSUPP elsewhere; NULL where the backend has none) */
	int (*expire)(struct nb_ctx *ctx, const char *path);
	/* the ancestor walk, both forms: NULL where the backend has none
	 * (workload_unsupported() refuses such points); the kernel's, which
	 * has no call for either, are d_path (the callback form, which names
	 * the ancestors and calls @fn for none) and an O_PATH descriptor a
	 * step at a time (engine/kernel.c) */
	int (*ancestors)(struct nb_ctx *ctx, const char *path, nb_ancestor_fn fn, void *arg);
	int (*ancestor_first)(struct nb_ctx *ctx, const char *path, struct nb_ancestor_iter *it,
			      struct nb_kstat *st);
	int (*ancestor_next)(struct nb_ancestor_iter *it, struct nb_kstat *st);
	void (*ancestor_stop)(struct nb_ancestor_iter *it);
};

/*
 * Engine lifetime.  hash_bits sizes the dcache hash (0: the default, 2^20).
 * The RCU flavor ("memb" or "qsbr") is the build's (engine/rcu.h):
 * nb_rcu_select() is 0 for it, -ENOEXEC for the other (whose build must be
 * run instead), -EINVAL for an unknown name.
 */
int nb_rcu_select(const char *flavor);
const char *nb_rcu_name(void);
int nb_engine_init(unsigned int hash_bits);

/*
 * Filesystem types (engine/fs.h): nb_fs_types() lists their names and what
 * each models (NULL-terminated pairs).  nb_fs_select() sets the default,
 * "TYPE[,OPTION...]": the root's type and what a mount naming no type
 * gets; before nb_engine_init.  0, -ENODEV for an unknown type, -EINVAL
 * for a spec too long (options are checked when a mount is made).
 * nb_set_dentry_budget() caps the unused dentries kept (0: no cap); the
 * allocator reclaims over it.
 */
struct nb_fs_type_info {
	const char *name;
	const char *summary;
};
int nb_fs_types(struct nb_fs_type_info *out, int max);
int nb_fs_select(const char *spec);
/*
 * nb_fs_check - would a mount of @spec be made: 0, -ENODEV for an unknown
 * type, -EINVAL for an option the type does not take; any time, with or
 * without an engine (what a workload file is checked with).
 */
int nb_fs_check(const char *spec);
const char *nb_fs_default(void);
void nb_set_dentry_budget(long n);
long nb_dentry_unused(void);
void nb_engine_exit(void);

int nb_thread_start(void);
void nb_thread_stop(void);
void nb_thread_idle(void);
void nb_thread_active(void);

struct nb_ctx *nb_ctx_new(const struct nb_strategy *strategy);
void nb_ctx_free(struct nb_ctx *ctx);
const struct nb_strategy *nb_ctx_strategy(const struct nb_ctx *ctx);

/* Per-thread event counters, summed over threads (see engine/percpu.h). */
#define NB_COUNTER_OPS	0		/* counter 0 counts operations */
#define NB_COUNTERS_MAX	32		/* nb_counter_count() is at most this */
int nb_counter_count(void);
int nb_op_kind_count(void);
const char *nb_counter_label(int counter);
const char *nb_counter_about(int counter);	/* what it counts, in words */
const char *nb_op_kind_label(int kind);
uint64_t nb_counter_total(int kind, int counter);	/* kind -1: all kinds */
uint64_t nb_counter_self(int counter);		/* the calling thread's, all kinds */
/*
 * rename_lock's and mount_lock's sequence counts together: what a scoped
 * lookup's EAGAIN depends on (they move with renames and mount changes,
 * and with the last reference to a detached mount going away).
 */
uint64_t nb_namespace_seq(void);
/* The counters a stress reader uses to tell how a walk went (nb_counter_self). */
enum { NB_COUNTER_RCU_WALK = 1, NB_COUNTER_RCU_DONE = 2, NB_COUNTER_UNLAZY = 3,
       NB_COUNTER_ECHILD = 4 };
void nb_counters_clear(void);

/*
 * nb_openat - openat(2) through the strategy's openat2: what Linux's
 * build_open_how() makes of open's flags, where O_PATH drops every flag it
 * does not permit (openat2 refuses them, -EINVAL), and no resolve flag.
 * @flags are Linux's O_ values, as openat2's (fcntl.h).
 */
int nb_openat(const struct nb_strategy *s, struct nb_ctx *ctx, int dfd, const char *path,
	      int flags);
/* the flags O_PATH permits (O_PATH_FLAGS; where fcntl.h is included) */
#define NB_O_PATH_FLAGS		(O_DIRECTORY | O_NOFOLLOW | O_PATH | O_CLOEXEC)

/*
 * Strategies, by name; NULL if unknown.  nb_strategies() lists the
 * engine's (NULL-terminated); "kernel" is found by name too.
 */
const struct nb_strategy *nb_strategy_find(const char *name);
const struct nb_strategy *const *nb_strategies(void);
extern const struct nb_strategy nb_strategy_kernel;

/*
 * A null system call's cost (getppid: entering and leaving the kernel),
 * measured on the calling thread, in ns per call: the median of @batches
 * batches of about @batch_ns each.
 */
double nb_syscall_null_ns(int batches, uint64_t batch_ns);

const char *nb_errno_name(int err);	/* "ENOENT" for -ENOENT or ENOENT */
const char *nb_type_name(enum nb_type type);

/*
 * The bug zoo (engine/zoo.h): deliberately broken variants for the stress
 * test to catch.  nb_zoo_entry(1 .. nb_zoo_count()) describes each; only
 * a build with NB_ZOO can switch one on (nb_zoo_select: -ENOSYS in other
 * builds, -EINVAL for an unknown name), before any thread starts.
 */
struct nb_zoo_entry {
	const char *name;
	const char *strategies;		/* where it is a bug: comma-separated */
	const char *summary;		/* what is broken */
	const char *history;		/* the real bug it reproduces */
	const char *fs;			/* the root the stress test needs to reach it, or NULL */
};
int nb_zoo_count(void);
const struct nb_zoo_entry *nb_zoo_entry(int i);
bool nb_zoo_built(void);
int nb_zoo_select(const char *name);

/*
 * Memory-safety checks (engine/debug.h) report a failure through this hook
 * (how it was caught: "poison", "refcount"; and what), then abort.
 */
typedef void (*nb_bug_hook_fn)(const char *how, const char *message);
void nb_set_bug_hook(nb_bug_hook_fn fn);
/* Debug builds: a walker spins a few microseconds at one step in @one_in. */
void nb_set_delays(unsigned int one_in);

/* Live object counts, for leak checks in tests. */
struct nb_census {
	long dentries, external_names, inodes, supers, mounts;
};
void nb_census(struct nb_census *c);

#endif /* NB_ENGINE_H */
