/*
 * The kernel strategy: the same operations through real system calls on a
 * real tree, so the engine's strategies can be measured beside the thing
 * they model, on the same machine, in the same harness.
 *
 * The tree lives in a directory of its own (kernel_start): a private
 * tmpfs mounted in this process's own mount namespace when it may make one,
 * else a fresh directory under TMPDIR on whatever filesystem that is.
 * Contexts resolve absolute paths from that directory and relative ones from
 * their working directory, with the *at() calls; so "/a/b" is two
 * components, as in the engine.  (A ".." above that directory would leave
 * it: the workloads never ask for one.)  An absolute symlink target is
 * stored with the directory's path in front, so that it resolves inside it.
 *
 * The kernel keeps no counters we can read: only operations are counted.
 * All of this is the kernel backend (nb_backend_kernel, at the end): the
 * runners ask it what it can do and what to record, never whether it is
 * the kernel.
 */
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdint.h>
#include <limits.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <linux/openat2.h>
#include <sys/sysmacros.h>
#include <sys/vfs.h>
#include <unistd.h>

#include "ctx.h"
#include "engine.h"
#include "percpu.h"

#ifndef TMPFS_MAGIC
#define TMPFS_MAGIC	0x01021994
#endif

static char kernel_base[PATH_MAX];
static char kernel_real_base[PATH_MAX];	/* kernel_base as getcwd(2) spells it */
static char kernel_how[512];		/* how kernel_base was made, for results */
static int kernel_rootfd = -1;
static struct nb_kstat kernel_root;	/* the tree's directory: where ancestor_next stops */
static bool kernel_private_ns, kernel_mounted;

static void kernel_stop(void);
static void kernel_ctx_release(struct nb_ctx *ctx);
static int kernel_fstatat(int dirfd, const char *rel, int flags, struct nb_kstat *st);

/*
 * Descriptors: the context's table (engine/file.h) holds each real one
 * under the number the engine would have given, lowest free first, so
 * that both answer the same "fd N"; the process's own table is shared by
 * every thread, as will-it-scale's threads share theirs.
 */
#define KFD(fd)		((void *)(intptr_t)((fd) + 1))
#define KFD_REAL(p)	((int)(intptr_t)(p) - 1)


/* Once per process: our own mount namespace, propagating nothing back. */
static void enter_private_namespace(void)
{
	static bool tried;

	if (tried)
		return;
	tried = true;
	if (unshare(CLONE_NEWNS))
		return;
	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL))
		return;
	kernel_private_ns = true;
}

/* A fresh directory for the tree; the hash size is the engine's concern. */
static int kernel_start(unsigned int hash_bits)
{
	const char *tmp = getenv("TMPDIR");
	char *how = kernel_how;
	size_t n = sizeof(kernel_how);
	struct statfs sfs;

	(void)hash_bits;
	if (kernel_rootfd >= 0)
		kernel_stop();
	enter_private_namespace();
	snprintf(kernel_base, sizeof(kernel_base), "%s/nameibench-kernel-XXXXXX",
		 tmp && *tmp ? tmp : "/tmp");
	if (!mkdtemp(kernel_base))
		return -errno;
	kernel_mounted = kernel_private_ns &&
			 !mount("nameibench", kernel_base, "tmpfs", 0, "mode=0755");
	kernel_rootfd = open(kernel_base, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (kernel_rootfd < 0) {
		int err = -errno;

		kernel_stop();
		return err;
	}
	kernel_fstatat(kernel_rootfd, "", AT_EMPTY_PATH, &kernel_root);
	/* no symlink on the way (TMPDIR's), as the kernel's getcwd answers */
	if (!realpath(kernel_base, kernel_real_base))
		snprintf(kernel_real_base, sizeof(kernel_real_base), "%s", kernel_base);
	if (kernel_mounted)
		snprintf(how, n, "a private tmpfs at %.360s, in this process's own mount namespace",
			 kernel_base);
	else
		snprintf(how, n, "the directory %.360s on %s (no permission to mount a private "
			 "tmpfs: the results include that filesystem)", kernel_base,
			 !fstatfs(kernel_rootfd, &sfs) && sfs.f_type == TMPFS_MAGIC ?
			 "a shared tmpfs" : "the host's filesystem");
	return 0;
}

static int remove_entry(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)sb;
	(void)flag;
	(void)ftw;
	return remove(path) && errno != ENOENT ? -1 : 0;
}

static void kernel_stop(void)
{
	if (kernel_rootfd >= 0)
		close(kernel_rootfd);
	kernel_rootfd = -1;
	if (kernel_mounted)
		umount2(kernel_base, MNT_DETACH);
	else if (kernel_base[0])
		nftw(kernel_base, remove_entry, 64, FTW_DEPTH | FTW_PHYS | FTW_MOUNT);
	if (kernel_base[0])
		rmdir(kernel_base);
	kernel_mounted = false;
	kernel_base[0] = '\0';
}

/* Mounting needs the private namespace. */
static bool kernel_can_mount(void)
{
	return kernel_mounted;
}

/*
 * The type of the mount the tree's directory is on: the line of
 * /proc/self/mountinfo with its device number (field 3, major:minor) and,
 * after the " - " separator, the filesystem type.  statfs's f_type would
 * name ext2, ext3 and ext4 alike.
 */
static void kernel_fstype(char *buf, size_t n)
{
	FILE *f = fopen("/proc/self/mountinfo", "r");
	char line[4096];
	struct stat st;

	snprintf(buf, n, "unknown");
	if (!f)
		return;
	if (kernel_rootfd < 0 || fstat(kernel_rootfd, &st)) {
		fclose(f);
		return;
	}
	while (fgets(line, sizeof(line), f)) {
		unsigned int maj, min;
		char *sep = strstr(line, " - "), type[64];

		if (sscanf(line, "%*d %*d %u:%u", &maj, &min) != 2 || !sep ||
		    makedev(maj, min) != st.st_dev || sscanf(sep + 3, "%63s", type) != 1)
			continue;
		snprintf(buf, n, "%s", type);	/* the last match is the mount on top */
	}
	fclose(f);
}

static uint64_t mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* The median over @batches of ns per call of @call, each batch ~@batch_ns. */
static double median_batches(void (*call)(void), int batches, uint64_t batch_ns)
{
	double v[32];
	int b;

	if (batches > 32)
		batches = 32;
	for (b = 0; b < batches; b++) {
		uint64_t t0 = mono_ns(), t, calls = 0;

		do {
			for (int i = 0; i < 256; i++)
				call();
			calls += 256;
			t = mono_ns();
		} while (t - t0 < batch_ns);
		v[b] = (double)(t - t0) / (double)calls;
	}
	qsort(v, (size_t)batches, sizeof(v[0]), cmp_double);
	return v[batches / 2];
}

static void call_getppid(void)
{
	/* the system call itself: glibc could one day cache the answer */
	syscall(SYS_getppid);
}

static void call_fstat(void)
{
	struct stat st;

	fstat(kernel_rootfd, &st);
}

double nb_syscall_null_ns(int batches, uint64_t batch_ns)
{
	return median_batches(call_getppid, batches, batch_ns);
}

/* Where the tree is and what the kernel costs outside any walk, on this PU. */
static void kernel_describe(struct nb_backend_info *info)
{
	snprintf(info->tree, sizeof(info->tree), "%s", kernel_how);
	kernel_fstype(info->fs, sizeof(info->fs));
	info->getppid_ns = nb_syscall_null_ns(3, 10000000);
	info->fstat_fd_ns = kernel_rootfd < 0 ? -1 : median_batches(call_fstat, 3, 10000000);
}

/* Every kcwd a context takes gets a number no other ever had (kernel_getcwd). */
static _Atomic unsigned long kernel_cwd_gen;

static int kernel_ctx_init(struct nb_ctx *ctx)
{
	if (kernel_rootfd < 0)
		return -ENOENT;
	ctx->kroot = dup(kernel_rootfd);
	ctx->kcwd = dup(kernel_rootfd);
	ctx->kcwd_gen = atomic_fetch_add(&kernel_cwd_gen, 1) + 1;
	if (ctx->kroot < 0 || ctx->kcwd < 0) {
		kernel_ctx_release(ctx);
		return -EMFILE;
	}
	return 0;
}

static void kernel_ctx_release(struct nb_ctx *ctx)
{
	unsigned int fd;

	for (fd = 0; fd < ctx->files.max_fds; fd++)
		if (ctx->files.slot[fd])
			close(KFD_REAL(ctx->files.slot[fd]));
	fdtable_free(&ctx->files);
	if (ctx->kroot >= 0)
		close(ctx->kroot);
	if (ctx->kcwd >= 0)
		close(ctx->kcwd);
}

/* The directory fd and the path relative to it that @path means. */
static const char *at(const struct nb_ctx *ctx, const char *path, int *dirfd)
{
	if (*path != '/') {
		*dirfd = ctx->kcwd;
		return path;
	}
	*dirfd = ctx->kroot;
	while (*path == '/')
		path++;
	return *path ? path : ".";
}

static int ret(int rc)
{
	return rc ? -errno : 0;
}

static int readlink_ret(ssize_t n)
{
	return n < 0 ? -errno : (int)n;
}

static int kstat(struct nb_ctx *ctx, const char *path, struct nb_kstat *st, int flags)
{
	int fd;
	const char *rel = at(ctx, path, &fd);

	/* the engine's empty path is ENOENT, as stat("") is */
	if (!*path)
		return -ENOENT;
	return kernel_fstatat(fd, rel, flags, st);
}

#define KERNEL_OP(kind, expr) ({					\
	enum nb_op prev_op_ = nb_op_enter(kind);			\
	int r_ = (expr);						\
	nb_op_leave(prev_op_);						\
	r_;								\
})

static int k_stat(struct nb_ctx *ctx, const char *path, struct nb_kstat *st)
{
	return KERNEL_OP(NB_OP_STAT, kstat(ctx, path, st, 0));
}

static int k_lstat(struct nb_ctx *ctx, const char *path, struct nb_kstat *st)
{
	return KERNEL_OP(NB_OP_LSTAT, kstat(ctx, path, st, AT_SYMLINK_NOFOLLOW));
}

static int k_mkdir(struct nb_ctx *ctx, const char *path)
{
	int fd;
	const char *rel = at(ctx, path, &fd);

	return KERNEL_OP(NB_OP_MKDIR, *path ? ret(mkdirat(fd, rel, 0755)) : -ENOENT);
}

static int do_create(int fd, const char *rel)
{
	int f = openat(fd, rel, O_CREAT | O_EXCL | O_RDONLY | O_CLOEXEC, 0644);

	if (f < 0)
		return -errno;
	close(f);
	return 0;
}

static int k_create(struct nb_ctx *ctx, const char *path)
{
	int fd;
	const char *rel = at(ctx, path, &fd);

	return KERNEL_OP(NB_OP_CREATE, *path ? do_create(fd, rel) : -ENOENT);
}

static int k_symlink(struct nb_ctx *ctx, const char *target, const char *path)
{
	char full[PATH_MAX * 2];
	int fd;
	const char *rel = at(ctx, path, &fd);

	if (*target == '/') {
		snprintf(full, sizeof(full), "%s%s", kernel_base, target);
		target = full;
	}
	return KERNEL_OP(NB_OP_SYMLINK, *path ? ret(symlinkat(target, fd, rel)) : -ENOENT);
}

static int k_unlink(struct nb_ctx *ctx, const char *path)
{
	int fd;
	const char *rel = at(ctx, path, &fd);

	return KERNEL_OP(NB_OP_UNLINK, *path ? ret(unlinkat(fd, rel, 0)) : -ENOENT);
}

static int k_rmdir(struct nb_ctx *ctx, const char *path)
{
	int fd;
	const char *rel = at(ctx, path, &fd);

	return KERNEL_OP(NB_OP_RMDIR, *path ? ret(unlinkat(fd, rel, AT_REMOVEDIR)) : -ENOENT);
}

static int k_rename(struct nb_ctx *ctx, const char *from, const char *to)
{
	int ofd, nfd;
	const char *orel = at(ctx, from, &ofd), *nrel = at(ctx, to, &nfd);

	return KERNEL_OP(NB_OP_RENAME, *from && *to ? ret(renameat(ofd, orel, nfd, nrel)) : -ENOENT);
}

static int k_exchange(struct nb_ctx *ctx, const char *from, const char *to)
{
	int ofd, nfd;
	const char *orel = at(ctx, from, &ofd), *nrel = at(ctx, to, &nfd);

	return KERNEL_OP(NB_OP_RENAME, *from && *to ?
			 ret(renameat2(ofd, orel, nfd, nrel, RENAME_EXCHANGE)) : -ENOENT);
}

/* mount(2) takes a path: reach the directory fd through /proc. */
static void host_path(const struct nb_ctx *ctx, const char *path, char *buf, size_t n)
{
	int fd;
	const char *rel = at(ctx, path, &fd);

	snprintf(buf, n, "/proc/self/fd/%d/%s", fd, rel);
}

/*
 * Only tmpfs: the kernel's other filesystems need a device, and the
 * engine's other types model them (README, "Filesystem types").
 */
static int k_mount(struct nb_ctx *ctx, const char *path, const char *type)
{
	char buf[PATH_MAX * 2];

	if (type && strcmp(type, "tmpfs"))
		return -ENODEV;
	if (!kernel_mounted)
		return -EPERM;
	host_path(ctx, path, buf, sizeof(buf));
	return KERNEL_OP(NB_OP_MOUNT, ret(mount("nameibench", buf, "tmpfs", 0, "mode=0755")));
}

static int k_umount(struct nb_ctx *ctx, const char *path, int flags)
{
	char buf[PATH_MAX * 2];

	if (!kernel_mounted)
		return -EPERM;
	host_path(ctx, path, buf, sizeof(buf));
	return KERNEL_OP(NB_OP_UMOUNT,
			 ret(umount2(buf, (flags & NB_UMOUNT_LAZY) ? MNT_DETACH : 0)));
}

static int k_readlink(struct nb_ctx *ctx, const char *path, char *buf, size_t size)
{
	int fd;
	const char *rel = at(ctx, path, &fd);
	if (!size || size > INT_MAX)
		return -EINVAL;		/* as the engine's: the system call takes an int */
	return KERNEL_OP(NB_OP_READLINK, *path ? readlink_ret(readlinkat(fd, rel, buf, size)) :
			 -ENOENT);
}

static int k_access(struct nb_ctx *ctx, const char *path, int mode)
{
	int fd;
	const char *rel = at(ctx, path, &fd);

	if (mode & ~(R_OK | W_OK | X_OK))
		return -EINVAL;		/* before any lookup, as the engine's */
	return KERNEL_OP(NB_OP_ACCESS, *path ? ret(faccessat(fd, rel, mode, 0)) : -ENOENT);
}

static int k_chdir(struct nb_ctx *ctx, const char *path)
{
	int fd;
	const char *rel = at(ctx, path, &fd);
	int nfd = *path ? openat(fd, rel, O_RDONLY | O_DIRECTORY | O_CLOEXEC) : -1;

	if (nfd < 0)
		return *path ? -errno : -ENOENT;
	close(ctx->kcwd);
	ctx->kcwd = nfd;
	ctx->kcwd_gen = atomic_fetch_add(&kernel_cwd_gen, 1) + 1;
	return 0;
}

/*
 * The tree's path for what getcwd(2) answers in the host's: the tree's
 * directory is the context's "/", and what is not under it (a lazily
 * unmounted mount's "(unreachable)/...") is left as it is.
 */
static const char *tree_path(const char *host)
{
	size_t n = strlen(kernel_real_base);

	if (strncmp(host, kernel_real_base, n) || (host[n] && host[n] != '/'))
		return host;
	return host[n] ? host + n : "/";
}

/*
 * A task's working directory is its fs_struct's, which threads share:
 * each thread that asks takes its own first (unshare(CLONE_FS)) and moves
 * into the context's directory, where it stays until another context (or
 * another chdir of this one) asks, so that a getcwd loop is one system
 * call a time, as will-it-scale's would be.  If the thread could not take
 * a working directory of its own, it moves for the call and back.
 */
static long kernel_getcwd_here(const struct nb_ctx *ctx, char *host, size_t size)
{
	static _Thread_local bool own_fs;
	static _Thread_local unsigned long here;	/* the kcwd_gen this thread is in */
	long n;
	int saved;

	if (!own_fs)
		own_fs = !unshare(CLONE_FS);
	if (own_fs && here == ctx->kcwd_gen)
		return syscall(SYS_getcwd, host, size) < 0 ? -errno : 0;
	if (own_fs) {
		if (fchdir(ctx->kcwd))
			return -errno;
		here = ctx->kcwd_gen;
		return syscall(SYS_getcwd, host, size) < 0 ? -errno : 0;
	}
	saved = open(".", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (saved < 0 || fchdir(ctx->kcwd)) {
		n = -errno;
		if (saved >= 0)
			close(saved);
		return n;
	}
	n = syscall(SYS_getcwd, host, size) < 0 ? -errno : 0;
	if (fchdir(saved) && !n)
		n = -errno;
	close(saved);
	return n;
}

/* The kernel gets a buffer big enough for the host's longer path; ERANGE
 * is judged on the tree's, as the engine's. */
static int kernel_getcwd(const struct nb_ctx *ctx, char *buf, size_t size)
{
	char host[PATH_MAX * 2];
	const char *path;
	long n = kernel_getcwd_here(ctx, host, sizeof(host));

	if (n < 0)
		return (int)n;
	path = tree_path(host);
	n = (long)strlen(path) + 1;
	if ((size_t)n > size)
		return -ERANGE;
	memcpy(buf, path, (size_t)n);
	return (int)n;
}

static int k_getcwd(struct nb_ctx *ctx, char *buf, size_t size)
{
	return KERNEL_OP(NB_OP_GETCWD, kernel_getcwd(ctx, buf, size));
}

static int kfd(const struct nb_ctx *ctx, int fd)
{
	void *p = fd_lookup(&ctx->files, fd);

	return p ? KFD_REAL(p) : -1;	/* -1: the kernel's own EBADF */
}

/* at() for a walk from @dfd: AT_FDCWD, or one of the context's */
static const char *at_dfd(const struct nb_ctx *ctx, int dfd, const char *path, int *dirfd)
{
	if (dfd == AT_FDCWD || *path == '/')
		return at(ctx, path, dirfd);
	*dirfd = kfd(ctx, dfd);
	return path;
}

/*
 * at_resolve - at_dfd() for openat2: a scoped walk's path goes to the
 * kernel as it is, from the descriptor it names (the working directory's
 * for AT_FDCWD): RESOLVE_BENEATH refuses an absolute one itself, and
 * RESOLVE_IN_ROOT resolves it in @dfd.  (An absolute symlink body carries
 * the private base in front, so under either, or RESOLVE_NO_XDEV, one
 * does not resolve as the engine's does: see k_stat_in_root.)
 */
static const char *at_resolve(const struct nb_ctx *ctx, int dfd, const char *path,
			      uint64_t resolve, int *dirfd)
{
	if (!(resolve & (RESOLVE_BENEATH | RESOLVE_IN_ROOT)))
		return at_dfd(ctx, dfd, path, dirfd);
	*dirfd = dfd == AT_FDCWD ? ctx->kcwd : kfd(ctx, dfd);
	return path;
}

/* openat2(2) itself: glibc has no wrapper before 2.41 */
static int sys_openat2(int dirfd, const char *path, int flags, uint64_t resolve)
{
	struct open_how how = {
		.flags = (uint64_t)(unsigned int)(flags | O_CLOEXEC),
		.mode = flags & O_CREAT ? 0644 : 0,	/* openat2 refuses a mode otherwise */
		.resolve = resolve,
	};

	return (int)syscall(SYS_openat2, dirfd, path, &how, sizeof(how));
}

static int kernel_open(struct nb_ctx *ctx, int dfd, const char *path, int flags,
		       uint64_t resolve)
{
	int dirfd, real, fd = alloc_fd(&ctx->files);
	const char *rel = at_resolve(ctx, dfd, path, resolve, &dirfd);

	if (fd < 0)
		return fd;
	real = sys_openat2(dirfd, rel, flags, resolve);
	if (real < 0) {
		put_unused_fd(&ctx->files, fd);
		return -errno;
	}
	fd_install(&ctx->files, fd, KFD(real));
	return fd;
}

static int k_openat2(struct nb_ctx *ctx, int dfd, const char *path, int flags,
		     uint64_t resolve)
{
	return KERNEL_OP(NB_OP_OPEN, kernel_open(ctx, dfd, path, flags, resolve));
}

static int kernel_close(struct nb_ctx *ctx, int fd)
{
	void *p = fd_remove(&ctx->files, fd);

	return p ? ret(close(KFD_REAL(p))) : -EBADF;
}

static int k_close(struct nb_ctx *ctx, int fd)
{
	return KERNEL_OP(NB_OP_CLOSE, kernel_close(ctx, fd));
}

static int kernel_fstatat(int dirfd, const char *rel, int flags, struct nb_kstat *st)
{
	struct stat s;

	if (fstatat(dirfd, rel, &s, flags))
		return -errno;
	st->ino = s.st_ino;
	st->dev = (unsigned int)s.st_dev;
	st->type = S_ISDIR(s.st_mode) ? NB_DIR : S_ISLNK(s.st_mode) ? NB_LNK : NB_REG;
	st->nlink = (unsigned int)s.st_nlink;
	st->size = s.st_size;
	return 0;
}

static int k_fstat(struct nb_ctx *ctx, int fd, struct nb_kstat *st)
{
	return KERNEL_OP(NB_OP_FSTAT, kernel_fstatat(kfd(ctx, fd), "", AT_EMPTY_PATH, st));
}

static int k_statx(struct nb_ctx *ctx, int dfd, const char *path, int flags,
		   struct nb_kstat *st)
{
	int dirfd;
	const char *rel = at_dfd(ctx, dfd, path, &dirfd);

	/* at() makes "/" "." for the *at() calls: "" stays "" */
	return KERNEL_OP(NB_OP_STAT, kernel_fstatat(dirfd, *path ? rel : "", flags, st));
}

/*
 * Not offered: the kernel strategy stores absolute symlink bodies with its
 * private base in front (so that they resolve inside it), and resolving
 * such a body in a root would look for the base inside the root.
 */
static int k_stat_in_root(struct nb_ctx *ctx, const char *root, const char *path,
			  struct nb_kstat *st)
{
	(void)ctx;
	(void)root;
	(void)path;
	(void)st;
	return -ENOSYS;
}

/*
 * The ancestor walk, for which the kernel has no call.  The callback form
 * is the kernel's own walk up, d_path() of the resolved file (a readlink
 * of /proc/self/fd/N: prepend_path() under RCU with rename_lock and
 * mount_lock sampled, retried locked when they moved); it names the
 * ancestors and hands none over, so @fn is never called, and it climbs to
 * the machine's root, past the tree's directory.  The iterator is the
 * reference-taking form step for step: an O_PATH descriptor (a counted
 * struct path) on each ancestor in turn, openat(fd, "..") and then the
 * close of the one below, up to the tree's directory (from a file, whose
 * ".." the kernel does not resolve, the first step is d_path's dirname).
 */
/* An O_PATH descriptor (a counted struct path) on what @path names, or -errno. */
static int kernel_open_path(struct nb_ctx *ctx, const char *path)
{
	int dfd, fd;
	const char *rel = at(ctx, path, &dfd);

	if (!*path)
		return -ENOENT;
	fd = openat(dfd, rel, O_PATH | O_CLOEXEC);
	return fd < 0 ? -errno : fd;
}

static int kernel_d_path(struct nb_ctx *ctx, const char *path)
{
	char proc[32], buf[PATH_MAX];
	int fd = kernel_open_path(ctx, path), err = 0;

	if (fd < 0)
		return fd;
	snprintf(proc, sizeof(proc), "/proc/self/fd/%d", fd);
	if (readlink(proc, buf, sizeof(buf)) < 0)
		err = -errno;
	close(fd);
	return err;
}

static int k_ancestors(struct nb_ctx *ctx, const char *path, nb_ancestor_fn fn, void *arg)
{
	(void)fn;
	(void)arg;
	return KERNEL_OP(NB_OP_ANCESTORS, kernel_d_path(ctx, path));
}

static int kernel_ancestor_first(struct nb_ctx *ctx, const char *path,
				 struct nb_ancestor_iter *it, struct nb_kstat *st)
{
	int fd = kernel_open_path(ctx, path), err;

	if (fd < 0)
		return fd;
	if ((err = kernel_fstatat(fd, "", AT_EMPTY_PATH, st))) {
		close(fd);
		return err;
	}
	*it = (struct nb_ancestor_iter){ .ctx = ctx, .dentry = KFD(fd) };
	return 0;
}

/*
 * The directory above @fd: openat(fd, "..") for a directory; a file has no
 * ".." the kernel resolves, so from a file the step is to the directory
 * its d_path names (/proc/self/fd/N, less the last component).
 */
static int kernel_parent(int fd, const struct nb_kstat *here)
{
	char proc[32], buf[PATH_MAX];
	ssize_t n;

	if (here->type == NB_DIR)
		return openat(fd, "..", O_PATH | O_CLOEXEC);
	snprintf(proc, sizeof(proc), "/proc/self/fd/%d", fd);
	n = readlink(proc, buf, sizeof(buf) - 1);
	if (n <= 0)
		return -1;
	buf[n] = '\0';
	*strrchr(buf, '/') = '\0';
	return open(*buf ? buf : "/", O_PATH | O_CLOEXEC);
}

/* 1 with the parent in *@st, or 0 at the tree's directory, everything closed */
static int kernel_ancestor_next(struct nb_ancestor_iter *it, struct nb_kstat *st)
{
	int fd = KFD_REAL(it->dentry), up = -1;
	struct nb_kstat here;

	if (!kernel_fstatat(fd, "", AT_EMPTY_PATH, &here) &&
	    !(here.dev == kernel_root.dev && here.ino == kernel_root.ino))
		up = kernel_parent(fd, &here);
	close(fd);
	it->dentry = up < 0 ? NULL : KFD(up);
	if (up < 0)
		return 0;
	if (!kernel_fstatat(up, "", AT_EMPTY_PATH, st))
		return 1;
	close(up);
	it->dentry = NULL;
	return 0;
}

static int k_ancestor_first(struct nb_ctx *ctx, const char *path, struct nb_ancestor_iter *it,
			    struct nb_kstat *st)
{
	return KERNEL_OP(NB_OP_ANCESTORS, kernel_ancestor_first(ctx, path, it, st));
}

static int k_ancestor_next(struct nb_ancestor_iter *it, struct nb_kstat *st)
{
	return KERNEL_OP(NB_OP_ANCESTORS, kernel_ancestor_next(it, st));
}

static void k_ancestor_stop(struct nb_ancestor_iter *it)
{
	if (it->dentry)
		close(KFD_REAL(it->dentry));
	it->dentry = NULL;
}

/* getppid(2): a system call that does nothing, the baseline of entering the kernel */
static int k_getppid(struct nb_ctx *ctx)
{
	(void)ctx;
	return (int)syscall(SYS_getppid);	/* as call_getppid: never a cached value */
}

const struct nb_backend nb_backend_kernel = {
	.name		= "kernel",
	.start		= kernel_start,
	.stop		= kernel_stop,
	.ctx_init	= kernel_ctx_init,
	.ctx_release	= kernel_ctx_release,
	.describe	= kernel_describe,
	.can_mount	= kernel_can_mount,
	.counters	= false,	/* the kernel's own are not ours to read */
	.simulated	= false,	/* it pays for its system calls itself */
	.own_namespace	= false,	/* the machine's: sh and stress stay out */
	.fs_types	= false,	/* the host's tmpfs (or TMPDIR's filesystem) */
};

const struct nb_strategy nb_strategy_kernel = {
	.name		= "kernel",
	.summary	= "the real Linux kernel through system calls, on a private tmpfs",
	.backend	= &nb_backend_kernel,
	.walk_rcu	= true,		/* Linux today: RCU-walk, REF-walk after unlazy */
	.stat_under_rcu	= false,
	.stat		= k_stat,
	.lstat		= k_lstat,
	.stat_in_root	= k_stat_in_root,
	.mkdir		= k_mkdir,
	.create		= k_create,
	.symlink	= k_symlink,
	.unlink		= k_unlink,
	.rmdir		= k_rmdir,
	.rename		= k_rename,
	.exchange	= k_exchange,
	.mount		= k_mount,
	.umount		= k_umount,
	.chdir		= k_chdir,
	.readlink	= k_readlink,
	.access		= k_access,
	.openat2	= k_openat2,
	.close		= k_close,
	.fstat		= k_fstat,
	.statx		= k_statx,
	.getppid	= k_getppid,
	/* no call for either form: d_path for the callback, an O_PATH
	 * descriptor a step at a time for the iterator (see k_ancestors) */
	.ancestors	= k_ancestors,
	.ancestor_first	= k_ancestor_first,
	.ancestor_next	= k_ancestor_next,
	.ancestor_stop	= k_ancestor_stop,
	.getcwd		= k_getcwd,
};
