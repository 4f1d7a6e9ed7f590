/*
 * nameibench sh: the engine's scripting interface.
 *
 * Operations, one per line, run in order in one context that starts in an
 * empty root filesystem with its working directory at "/".  Exactly one
 * result line per operation; blank lines and comments print nothing.  Other
 * tools (the conformance tester among them) drive the engine through this
 * language, so its grammar and output are a stable interface: see
 * README.md, "The sh language".
 */
#include <ctype.h>
#include <limits.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../engine/engine.h"
#include "args.h"
#include "nameibench.h"

#define SH_MAX_TOKENS	5

enum sh_op {
	SH_MKDIR, SH_CREATE, SH_SYMLINK, SH_UNLINK, SH_RMDIR, SH_RENAME, SH_EXCHANGE,
	SH_MOUNT, SH_SHRINK, SH_UMOUNT, SH_STAT, SH_LSTAT, SH_STAT_IN_ROOT, SH_CD, SH_ANCESTORS,
	SH_COUNTERS, SH_SERVER_REMOVE, SH_EXPIRE, SH_READLINK, SH_ACCESS, SH_OPEN, SH_OPENAT,
	SH_OPENAT2, SH_CLOSE, SH_FSTAT, SH_STATX, SH_GETCWD,
};

static const struct sh_cmd {
	const char *name;
	enum sh_op op;
	int min_args, max_args;
	const char *usage;
} sh_cmds[] = {
	{ "mkdir",   SH_MKDIR,   1, 1, "mkdir P" },
	{ "create",  SH_CREATE,  1, 1, "create P" },
	{ "symlink", SH_SYMLINK, 2, 2, "symlink TARGET P" },
	{ "unlink",  SH_UNLINK,  1, 1, "unlink P" },
	{ "rmdir",   SH_RMDIR,   1, 1, "rmdir P" },
	{ "rename",  SH_RENAME,  2, 2, "rename OLD NEW" },
	{ "exchange", SH_EXCHANGE, 2, 2, "exchange P1 P2" },
	{ "mount",   SH_MOUNT,   1, 2, "mount P [TYPE[,OPTION...]]" },
	{ "shrink",  SH_SHRINK,  1, 1, "shrink P" },
	{ "nfs-server-remove", SH_SERVER_REMOVE, 1, 1, "nfs-server-remove P" },
	{ "expire",  SH_EXPIRE,  1, 1, "expire P" },
	{ "umount",  SH_UMOUNT,  1, 2, "umount P [lazy]" },
	{ "stat",    SH_STAT,    1, 1, "stat P" },
	{ "lstat",   SH_LSTAT,   1, 1, "lstat P" },
	{ "stat_in_root", SH_STAT_IN_ROOT, 2, 2, "stat_in_root ROOT P" },
	{ "readlink", SH_READLINK, 1, 2, "readlink P [SIZE]" },
	{ "access",  SH_ACCESS,  2, 2, "access P f|[r][w][x]" },
	{ "open",    SH_OPEN,    1, 2, "open P [FLAG,...]" },
	{ "openat",  SH_OPENAT,  2, 3, "openat DIRFD P [FLAG,...]" },
	{ "openat2", SH_OPENAT2, 2, 4, "openat2 DIRFD P [FLAG,...|-] [RESOLVE,...]" },
	{ "close",   SH_CLOSE,   1, 1, "close FD" },
	{ "fstat",   SH_FSTAT,   1, 1, "fstat FD" },
	{ "statx",   SH_STATX,   2, 3, "statx DIRFD P [nofollow,empty_path]" },
	{ "cd",      SH_CD,      1, 1, "cd P" },
	{ "getcwd",  SH_GETCWD,  0, 1, "getcwd [SIZE]" },
	{ "ancestors", SH_ANCESTORS, 1, 1, "ancestors P" },
	{ "counters", SH_COUNTERS, 0, 0, "counters" },
};

static void sh_usage(FILE *f)
{
	size_t i;

	fprintf(f,
		"usage: nameibench sh [--strategy NAME] [FILE]\n"
		"\n"
		"Run namespace operations, one per line, from FILE (or standard input)\n"
		"against a fresh engine: an empty root filesystem, working directory \"/\".\n"
		"Prints exactly one line per operation: \"ok\", \"err ENAME\" (the Linux\n"
		"errno name), or for stat/lstat\n"
		"  ok ino=N dev=N type=dir|reg|lnk nlink=N size=N\n"
		"open, openat and openat2 print \"ok fd=N\": descriptors are the context's\n"
		"own, the lowest free first from 0.  Their FLAGs: rdonly (the default),\n"
		"wronly, rdwr, creat, excl, trunc, directory, nofollow, path, or '-'.\n"
		"openat2's RESOLVE words (openat2(2)'s RESOLVE_ flags, none by default):\n"
		"beneath, in_root, no_xdev, no_symlinks, no_magiclinks, cached.  A DIRFD\n"
		"is a descriptor or cwd (AT_FDCWD); statx's flags are nofollow and\n"
		"empty_path, or '-'.\n"
		"readlink prints \"ok len=N target=BODY\", the first N bytes of the symlink's\n"
		"body read into a buffer of SIZE bytes (default 4096, 0 to 4096 allowed).\n"
		"getcwd prints \"ok len=N cwd=PATH\", N counting the NUL as getcwd(2) does,\n"
		"into a buffer of SIZE bytes (the same range): ERANGE if PATH does not fit,\n"
		"ENOENT if the directory was removed.\n"
		"ancestors prints \"ok\" and the inode numbers of P and of each ancestor up to\n"
		"\"/\", crossing mounts upward as \"..\" does; counters prints \"ok\" and, for\n"
		"each kind of operation run so far, KIND.COUNTER=N pairs (see README.md).\n"
		"Blank lines and lines starting with '#' print nothing.  Paths are single\n"
		"words; \"\" stands for the empty path.  A malformed line prints\n"
		"\"err EINVAL\", is reported on standard error, and makes the exit status 2.\n"
		"\n"
		"operations:\n");
	for (i = 0; i < ARRAY_SIZE(sh_cmds); i++)
		fprintf(f, "  %s\n", sh_cmds[i].usage);
	fprintf(f,
		"\n"
		"options:\n"
		"  --strategy NAME  synchronization strategy (default: global); one of:\n");
	nb_print_strategies(f, "                     ");
	fprintf(f,
		"  --fs TYPE[,OPTION...]\n"
		"                   the root's filesystem type, and a mount's that names\n"
		"                   none (default: tmpfs); one of:\n");
	nb_print_fs_types(f, "                     ");
	fprintf(f,
		"  --dentry-budget N  unused dentries kept before the allocator reclaims\n"
		"                   (default: 0, no limit)\n"
		"  --rcu-flavor F   liburcu flavor: memb (default) or qsbr\n"
		"  -h, --help       show this help\n");
}

static const struct sh_cmd *sh_find(const char *name)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(sh_cmds); i++)
		if (!strcmp(sh_cmds[i].name, name))
			return &sh_cmds[i];
	return NULL;
}

/* Split @line in place; returns the token count, or -1 if there are too many. */
static int sh_tokenize(char *line, char **tok)
{
	int n = 0;
	char *p = line;

	for (;;) {
		while (*p && isspace((unsigned char)*p))
			p++;
		if (!*p)
			return n;
		if (n == SH_MAX_TOKENS)
			return -1;
		tok[n++] = p;
		while (*p && !isspace((unsigned char)*p))
			p++;
		if (*p)
			*p++ = '\0';
	}
}

/* The token "" is the empty path. */
static const char *sh_path(const char *tok)
{
	return strcmp(tok, "\"\"") ? tok : "";
}

static void print_result(FILE *out, int err)
{
	if (err)
		fprintf(out, "err %s\n", nb_errno_name(err));
	else
		fputs("ok\n", out);
}

/* readlink P [SIZE]: the body as far as a buffer of @size bytes holds it */
static void print_readlink(FILE *out, struct nb_ctx *ctx, const struct nb_strategy *s,
			   const char *path, size_t size)
{
	char buf[PATH_MAX];
	int n = s->readlink ? s->readlink(ctx, path, buf, size) : -ENOSYS;

	if (n < 0)
		print_result(out, n);
	else
		fprintf(out, "ok len=%d target=%.*s\n", n, n, buf);
}

/* getcwd [SIZE]: the working directory's path, in a buffer of @size bytes */
static void print_getcwd(FILE *out, struct nb_ctx *ctx, const struct nb_strategy *s,
			 size_t size)
{
	char buf[PATH_MAX];
	int n = s->getcwd ? s->getcwd(ctx, buf, size) : -ENOSYS;

	if (n < 0)
		print_result(out, n);
	else
		fprintf(out, "ok len=%d cwd=%s\n", n, buf);
}

/* access's MODE: "f" (F_OK), or r, w and x each at most once, in that order */
static int sh_access_mode(const char *w)
{
	static const struct { char c; int bit; } bits[] = { { 'r', R_OK }, { 'w', W_OK },
							      { 'x', X_OK } };
	int mode = 0;
	size_t i;

	if (!strcmp(w, "f"))
		return F_OK;
	for (i = 0; i < ARRAY_SIZE(bits); i++)
		if (*w == bits[i].c) {
			mode |= bits[i].bit;
			w++;
		}
	return *w || !mode ? -1 : mode;
}

/* a readlink or getcwd SIZE: digits only, 0 to PATH_MAX */
static bool sh_size_ok(const char *w)
{
	size_t i, n = strlen(w);

	for (i = 0; i < n; i++)
		if (w[i] < '0' || w[i] > '9')
			return false;
	return n > 0 && n <= 4 && atoi(w) <= PATH_MAX;
}

/* A comma-separated list of flag names, or '-' for none: the bits, or -1. */
struct sh_flag {
	const char *name;
	int bits;
};

static int sh_flag_list(const char *w, const struct sh_flag *flags, size_t n)
{
	int bits = 0;

	if (!strcmp(w, "-"))
		return 0;
	while (*w) {
		size_t len = strcspn(w, ","), i;

		for (i = 0; i < n; i++)
			if (strlen(flags[i].name) == len && !strncmp(w, flags[i].name, len))
				break;
		if (i == n)
			return -1;
		bits |= flags[i].bits;
		w += len;
		if (*w == ',' && !*++w)
			return -1;	/* a trailing comma */
	}
	return bits;
}

static const struct sh_flag sh_open_flags[] = {
	{ "rdonly", O_RDONLY }, { "wronly", O_WRONLY }, { "rdwr", O_RDWR },
	{ "creat", O_CREAT }, { "excl", O_EXCL }, { "trunc", O_TRUNC },
	{ "directory", O_DIRECTORY }, { "nofollow", O_NOFOLLOW }, { "path", O_PATH },
};

static const struct sh_flag sh_resolve_flags[] = {
	{ "beneath", RESOLVE_BENEATH }, { "in_root", RESOLVE_IN_ROOT },
	{ "no_xdev", RESOLVE_NO_XDEV }, { "no_symlinks", RESOLVE_NO_SYMLINKS },
	{ "no_magiclinks", RESOLVE_NO_MAGICLINKS }, { "cached", RESOLVE_CACHED },
};

static const struct sh_flag sh_statx_flags[] = {
	{ "nofollow", AT_SYMLINK_NOFOLLOW }, { "empty_path", AT_EMPTY_PATH },
};

/* open's flags: the list, or rdonly alone where none is given */
static int sh_open_mode(const char *w)
{
	return w ? sh_flag_list(w, sh_open_flags, ARRAY_SIZE(sh_open_flags)) : O_RDONLY;
}

/* openat2's resolve words: none where none are given */
static int sh_resolve_mode(const char *w)
{
	return w ? sh_flag_list(w, sh_resolve_flags, ARRAY_SIZE(sh_resolve_flags)) : 0;
}

static int sh_statx_mode(const char *w)
{
	return w ? sh_flag_list(w, sh_statx_flags, ARRAY_SIZE(sh_statx_flags)) : 0;
}

/* A descriptor: digits (up to 6), or "cwd" for a DIRFD; SH_BAD_FD if neither */
#define SH_BAD_FD	INT_MIN

static int sh_fd(const char *w, bool dirfd)
{
	if (dirfd && !strcmp(w, "cwd"))
		return AT_FDCWD;
	if (!*w || strspn(w, "0123456789") != strlen(w) || strlen(w) > 6)
		return SH_BAD_FD;
	return atoi(w);
}

static void print_fd(FILE *out, int fd)
{
	if (fd < 0)
		print_result(out, fd);
	else
		fprintf(out, "ok fd=%d\n", fd);
}

static void print_stat(FILE *out, int err, const struct nb_kstat *st)
{
	if (err) {
		print_result(out, err);
		return;
	}
	fprintf(out, "ok ino=%" PRIu64 " dev=%u type=%s nlink=%u size=%" PRId64 "\n",
		st->ino, st->dev, nb_type_name(st->type), st->nlink, st->size);
}

/* ancestors: the inode numbers seen, reset by a restart notice */
struct ancestor_list {
	uint64_t *ino;
	size_t n, cap;
	int nomem;
};

static int collect_ancestor(void *arg, const struct nb_kstat *st)
{
	struct ancestor_list *l = arg;

	if (!st) {
		l->n = 0;
		return 0;
	}
	if (l->n == l->cap) {
		size_t cap = l->cap ? 2 * l->cap : 64;
		uint64_t *p = realloc(l->ino, cap * sizeof(*p));

		if (!p) {
			l->nomem = 1;
			return 1;	/* stop the walk */
		}
		l->ino = p;
		l->cap = cap;
	}
	l->ino[l->n++] = st->ino;
	return 0;
}

static void print_ancestors(FILE *out, struct nb_ctx *ctx, const char *path)
{
	struct ancestor_list l = { NULL, 0, 0, 0 };
	int err = nb_ctx_strategy(ctx)->ancestors(ctx, path, collect_ancestor, &l);
	size_t i;

	if (!err && l.nomem)
		err = -ENOMEM;
	if (err) {
		print_result(out, err);
	} else {
		fputs("ok", out);
		for (i = 0; i < l.n; i++)
			fprintf(out, " %" PRIu64, l.ino[i]);
		fputc('\n', out);
	}
	free(l.ino);
}

static void print_counters(FILE *out)
{
	int k, c;

	fputs("ok", out);
	for (k = 0; k < nb_op_kind_count(); k++) {
		if (!nb_counter_total(k, 0))
			continue;	/* counter 0 is "ops" */
		for (c = 0; c < nb_counter_count(); c++)
			fprintf(out, " %s.%s=%" PRIu64, nb_op_kind_label(k), nb_counter_label(c),
				nb_counter_total(k, c));
	}
	fputc('\n', out);
}

static void sh_exec(struct nb_ctx *ctx, const struct sh_cmd *cmd, char **arg, FILE *out)
{
	const struct nb_strategy *s = nb_ctx_strategy(ctx);
	struct nb_kstat st;
	int err;

	switch (cmd->op) {
	case SH_MKDIR:
		print_result(out, s->mkdir(ctx, sh_path(arg[0])));
		break;
	case SH_CREATE:
		print_result(out, s->create(ctx, sh_path(arg[0])));
		break;
	case SH_SYMLINK:
		print_result(out, s->symlink(ctx, sh_path(arg[0]), sh_path(arg[1])));
		break;
	case SH_UNLINK:
		print_result(out, s->unlink(ctx, sh_path(arg[0])));
		break;
	case SH_RMDIR:
		print_result(out, s->rmdir(ctx, sh_path(arg[0])));
		break;
	case SH_RENAME:
		print_result(out, s->rename(ctx, sh_path(arg[0]), sh_path(arg[1])));
		break;
	case SH_EXCHANGE:
		print_result(out, s->exchange(ctx, sh_path(arg[0]), sh_path(arg[1])));
		break;
	case SH_MOUNT:
		print_result(out, s->mount(ctx, sh_path(arg[0]), arg[1]));
		break;
	case SH_SERVER_REMOVE:
		print_result(out, s->server_remove ? s->server_remove(ctx, sh_path(arg[0]))
						   : -ENOSYS);
		break;
	case SH_EXPIRE:
		err = s->expire ? s->expire(ctx, sh_path(arg[0])) : -ENOSYS;
		if (err < 0)
			print_result(out, err);
		else
			fprintf(out, "ok expired=%d\n", err);
		break;
	case SH_SHRINK:
		err = s->shrink(ctx, sh_path(arg[0]));
		if (err < 0)
			print_result(out, err);
		else
			fprintf(out, "ok evicted=%d\n", err);
		break;
	case SH_UMOUNT:
		print_result(out, s->umount(ctx, sh_path(arg[0]), arg[1] ? NB_UMOUNT_LAZY : 0));
		break;
	case SH_STAT:
		err = s->stat(ctx, sh_path(arg[0]), &st);
		print_stat(out, err, &st);
		break;
	case SH_LSTAT:
		err = s->lstat(ctx, sh_path(arg[0]), &st);
		print_stat(out, err, &st);
		break;
	case SH_STAT_IN_ROOT:
		err = s->stat_in_root(ctx, sh_path(arg[0]), sh_path(arg[1]), &st);
		print_stat(out, err, &st);
		break;
	case SH_READLINK:
		print_readlink(out, ctx, s, sh_path(arg[0]), arg[1] ? (size_t)atoi(arg[1]) : PATH_MAX);
		break;
	case SH_GETCWD:
		print_getcwd(out, ctx, s, arg[0] ? (size_t)atoi(arg[0]) : PATH_MAX);
		break;
	case SH_ACCESS:
		print_result(out, s->access ? s->access(ctx, sh_path(arg[0]), sh_access_mode(arg[1]))
					    : -ENOSYS);
		break;
	case SH_OPEN:
		print_fd(out, nb_openat(s, ctx, AT_FDCWD, sh_path(arg[0]), sh_open_mode(arg[1])));
		break;
	case SH_OPENAT:
		print_fd(out, nb_openat(s, ctx, sh_fd(arg[0], true), sh_path(arg[1]),
					sh_open_mode(arg[2])));
		break;
	case SH_OPENAT2:
		print_fd(out, s->openat2(ctx, sh_fd(arg[0], true), sh_path(arg[1]),
					 sh_open_mode(arg[2]), (uint64_t)sh_resolve_mode(arg[3])));
		break;
	case SH_CLOSE:
		print_result(out, s->close(ctx, sh_fd(arg[0], false)));
		break;
	case SH_FSTAT:
		err = s->fstat(ctx, sh_fd(arg[0], false), &st);
		print_stat(out, err, &st);
		break;
	case SH_STATX:
		err = s->statx(ctx, sh_fd(arg[0], true), sh_path(arg[1]), sh_statx_mode(arg[2]),
			       &st);
		print_stat(out, err, &st);
		break;
	case SH_CD:
		print_result(out, s->chdir(ctx, sh_path(arg[0])));
		break;
	case SH_ANCESTORS:
		print_ancestors(out, ctx, sh_path(arg[0]));
		break;
	case SH_COUNTERS:
		print_counters(out);
		break;
	}
}

/* The descriptor and flag words of the descriptor commands; true if bad. */
static bool sh_bad_args(const struct sh_cmd *cmd, char **arg, long lineno, FILE *diag)
{
	const char *fd = NULL, *flags = NULL, *resolve = NULL, *what = NULL, *word;
	bool dirfd = false;

	switch (cmd->op) {
	case SH_OPEN:
		flags = arg[1];
		break;
	case SH_OPENAT2:
		resolve = arg[3];
		/* fall through */
	case SH_OPENAT:
	case SH_STATX:
		fd = arg[0];
		dirfd = true;
		flags = arg[2];
		break;
	case SH_CLOSE:
	case SH_FSTAT:
		fd = arg[0];
		break;
	default:
		return false;
	}
	if (fd && sh_fd(fd, dirfd) == SH_BAD_FD) {
		what = dirfd ? "a DIRFD is a descriptor number or cwd" : "an FD is a number";
		word = fd;
	} else if (flags && (cmd->op == SH_STATX ? sh_statx_mode(flags) :
			     sh_open_mode(flags)) < 0) {
		what = cmd->op == SH_STATX ? "statx's flags are nofollow, empty_path or -" :
		       "open's flags are rdonly, wronly, rdwr, creat, excl, trunc, directory, "
		       "nofollow, path or -";
		word = flags;
	} else if (resolve && sh_resolve_mode(resolve) < 0) {
		what = "openat2's resolve words are beneath, in_root, no_xdev, no_symlinks, "
		       "no_magiclinks, cached";
		word = resolve;
	}
	if (!what)
		return false;
	fprintf(diag, "nameibench sh: line %ld: %s, not '%s'\n", lineno, what, word);
	return true;
}

/*
 * sh_line - run one line.  Returns 0, or 1 if it was malformed (after
 * printing "err EINVAL" and the reason).
 */
static int sh_line(struct nb_ctx *ctx, char *line, size_t len, long lineno, FILE *out,
		   FILE *diag)
{
	char *tok[SH_MAX_TOKENS + 1] = { NULL };
	const struct sh_cmd *cmd;
	int n;

	if (strlen(line) != len) {
		fprintf(diag, "nameibench sh: line %ld: contains a NUL byte\n", lineno);
		goto malformed;
	}
	n = sh_tokenize(line, tok);
	if (n == 0 || tok[0][0] == '#')
		return 0;
	if (n < 0) {
		fprintf(diag, "nameibench sh: line %ld: too many words\n", lineno);
		goto malformed;
	}
	cmd = sh_find(tok[0]);
	if (!cmd) {
		fprintf(diag, "nameibench sh: line %ld: unknown operation '%s'\n",
			lineno, tok[0]);
		goto malformed;
	}
	if (n - 1 < cmd->min_args || n - 1 > cmd->max_args) {
		fprintf(diag, "nameibench sh: line %ld: wrong number of arguments, usage: %s\n",
			lineno, cmd->usage);
		goto malformed;
	}
	if (cmd->op == SH_READLINK && tok[2] && !sh_size_ok(tok[2])) {
		fprintf(diag, "nameibench sh: line %ld: readlink's SIZE is a whole number from 0 "
			"to %d, not '%s'\n", lineno, PATH_MAX, tok[2]);
		goto malformed;
	}
	if (cmd->op == SH_GETCWD && tok[1] && !sh_size_ok(tok[1])) {
		fprintf(diag, "nameibench sh: line %ld: getcwd's SIZE is a whole number from 0 "
			"to %d, not '%s'\n", lineno, PATH_MAX, tok[1]);
		goto malformed;
	}
	if (cmd->op == SH_ACCESS && sh_access_mode(tok[2]) < 0) {
		fprintf(diag, "nameibench sh: line %ld: access's MODE is f, or r, w and x in that "
			"order (rx, w, rwx), not '%s'\n", lineno, tok[2]);
		goto malformed;
	}
	if (sh_bad_args(cmd, tok + 1, lineno, diag))
		goto malformed;
	if (cmd->op == SH_UMOUNT && tok[2] && strcmp(tok[2], "lazy")) {
		fprintf(diag, "nameibench sh: line %ld: umount takes 'lazy' or nothing after "
			"the path, not '%s'\n", lineno, tok[2]);
		goto malformed;
	}
	sh_exec(ctx, cmd, tok + 1, out);
	return 0;

malformed:
	fputs("err EINVAL\n", out);
	return 1;
}

/*
 * nb_sh_script - run the script @in against a fresh engine with @strategy
 * and a dentry hash of 2^@hash_bits buckets (0: the default), results to
 * @out, malformed lines reported on @diag; *@malformed is set if a line
 * was.  Returns 0, a positive errno if the engine could not start, or a
 * negative errno if reading @in failed.  The fuzzer (tests/fuzz) calls it
 * too.
 */
int nb_sh_script(const struct nb_strategy *strategy, unsigned int hash_bits, FILE *in,
		 FILE *out, FILE *diag, int *malformed)
{
	struct nb_ctx *ctx;
	char *line = NULL;
	size_t cap = 0;
	ssize_t len;
	long lineno = 0;
	int err;

	err = nb_thread_start();
	if (!err)
		err = nb_engine_init(hash_bits);
	if (err)
		return err < 0 ? -err : err;
	ctx = nb_ctx_new(strategy);
	if (!ctx) {
		nb_engine_exit();
		nb_thread_stop();
		return ENOMEM;
	}
	while ((len = getline(&line, &cap, in)) >= 0) {
		lineno++;
		if (len && line[len - 1] == '\n')
			line[--len] = '\0';
		*malformed |= sh_line(ctx, line, (size_t)len, lineno, out, diag);
	}
	err = ferror(in) ? -errno : 0;
	free(line);
	nb_ctx_free(ctx);
	nb_engine_exit();
	nb_thread_stop();
	return err;
}

int cmd_sh(int argc, char **argv)
{
	const struct nb_strategy *strategy = nb_strategy_find("global");
	const char *file = NULL;
	FILE *in = stdin;
	int malformed = 0, i, err;

	for (i = 1; i < argc; i++) {
		const char *a = argv[i], *val;

		if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
			sh_usage(stdout);
			return 0;
		} else if ((val = arg_value(argc, argv, &i, "--strategy"))) {
			strategy = nb_strategy_find(val);
			if (!strategy) {
				nb_unknown_strategy("nameibench sh", val);
				return 2;
			}
			if (!strategy->backend->own_namespace)
				return arg_error("sh", "the %s strategy runs benchmarks; to run a "
						 "script on the kernel use tests/conformance/kernelsh.py",
						 strategy->name);
		} else if ((val = arg_value(argc, argv, &i, "--rcu-flavor"))) {
			if (nb_rcu_select(val))
				return arg_error("sh", "unknown RCU flavor '%s' (known: memb, qsbr)", val);
		} else if ((val = arg_value(argc, argv, &i, "--fs"))) {
			if (arg_fs_select("sh", val))
				return 2;
		} else if ((val = arg_value(argc, argv, &i, "--dentry-budget"))) {
			long n;

			if (arg_long(val, 0, LONG_MAX, &n))
				return arg_error("sh", "--dentry-budget wants a count, not '%s'", val);
			nb_set_dentry_budget(n);
		} else if (arg_missing) {
			return arg_error("sh", "%s needs a value", a);
		} else if (a[0] == '-' && a[1]) {
			return arg_error("sh", "unknown option '%s' (see 'nameibench sh --help')", a);
		} else if (file) {
			return arg_error("sh", "more than one FILE ('%s' and '%s')", file, a);
		} else {
			file = a;
		}
	}
	if (file && strcmp(file, "-")) {
		in = fopen(file, "r");
		if (!in)
			return arg_error("sh", "cannot open '%s': %s", file, strerror(errno));
	}

	err = nb_sh_script(strategy, 0, in, stdout, stderr, &malformed);
	if (err > 0) {
		fprintf(stderr, "nameibench sh: cannot start the engine: %s%s%s\n",
			nb_errno_name(-err), err == EINVAL ? ": an option its filesystem does not "
			"take, in --fs " : "", err == EINVAL ? nb_fs_default() : "");
		return 1;
	}
	if (in != stdin)
		fclose(in);
	if (err < 0) {
		fprintf(stderr, "nameibench sh: error reading %s: %s\n",
			file ? file : "standard input", strerror(-err));
		return 2;
	}
	if (fflush(stdout)) {
		fprintf(stderr, "nameibench sh: error writing results: %s\n", strerror(errno));
		return 1;
	}
	return malformed ? 2 : 0;
}
