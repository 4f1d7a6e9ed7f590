/*
 * Workloads: the built-in ones, spec files, building the tree, and the
 * per-thread operation streams (see workload.h).
 */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../engine/compiler.h"
#include "workload.h"

#define MAX_ENTRIES	2000000L	/* files and directories a tree may have */

#define TREE(d, f, n)	.depth = (d), .fanout = (f), .files = (n)
#define DEFAULT_FS	"tmpfs"		/* the key's default: the engine's root type */
#define STAT_ONLY	.mix = { [ROP_STAT] = 1 }
/* a will-it-scale test: its tree (files directly under one directory), paths and operation */
#define WIS(test, what, paths, op)						\
	{ .name = "wis-" test, .summary = "will-it-scale " test ": " what, TREE(2, 1, 1),	\
	  .dist = DIST_##paths, .mix = { [ROP_##op] = 1 } }

static const struct workload builtins[] = {
	{ .name = "noop", .summary = "the harness alone, no engine operation: the floor every "
	  "figure stands on", .noop = true, TREE(1, 1, 1), STAT_ONLY },
	{ .name = "stat-disjoint", .summary = "each thread stats its own file at depth 5 "
	  "(fxmark MRPL)", TREE(5, 1, 1), .dist = DIST_DISJOINT, STAT_ONLY },
	{ .name = "stat-shared", .summary = "stat random files of a depth-5, fan-out-8 tree "
	  "(fxmark MRPM)", TREE(5, 8, 8), STAT_ONLY },
	{ .name = "stat-hot", .summary = "every thread stats one file at depth 5 (fxmark MRPH, "
	  "will-it-scale same-file stat)", TREE(5, 1, 1), .dist = DIST_HOT, STAT_ONLY },
	{ .name = "stat-negative", .summary = "stat names that do not exist, in existing "
	  "directories", TREE(5, 8, 8), .shape = SHAPE_NEGATIVE, STAT_ONLY },
	{ .name = "stat-dotdot", .summary = "stat paths that step down, up with '..' and down "
	  "again at every level", TREE(5, 8, 8), .shape = SHAPE_DOTDOT, STAT_ONLY },
	{ .name = "stat-symlink", .summary = "stat paths through a symlink at the top level",
	  TREE(5, 8, 8), .shape = SHAPE_SYMLINK, STAT_ONLY },
	{ .name = "stat-mountpoint", .summary = "stat paths that cross a mountpoint",
	  TREE(5, 8, 8), .shape = SHAPE_MOUNTPOINT, STAT_ONLY },
	{ .name = "rename-churn", .summary = "stat-shared readers while a writer renames "
	  "directories back and forth", TREE(5, 8, 8), STAT_ONLY, .writers = 1,
	  .wop = WOP_RENAME, .writer_rate = 1000 },
	{ .name = "mount-churn", .summary = "readers crossing a mountpoint while a writer "
	  "mounts and unmounts elsewhere", TREE(5, 8, 8), .shape = SHAPE_MOUNTPOINT, STAT_ONLY,
	  .writers = 1, .wop = WOP_MOUNT, .writer_rate = 200 },
	{ .name = "create-unlink", .summary = "stat-shared readers while a writer creates and "
	  "unlinks files in their directories", TREE(5, 8, 8), STAT_ONLY, .writers = 1,
	  .wop = WOP_CREATE_UNLINK, .writer_rate = 2000 },
	{ .name = "mixed", .summary = "stat, lstat, ancestor walks and creates on a zipf-skewed "
	  "tree, with rename churn", TREE(5, 8, 8), .dist = DIST_ZIPF, .zipf_s = 1.0,
	  .mix = { [ROP_STAT] = 70, [ROP_LSTAT] = 15, [ROP_ANCESTORS] = 5, [ROP_MUTATE] = 10 },
	  .writers = 1, .wop = WOP_RENAME, .writer_rate = 200 },
	{ .name = "ancestors", .summary = "walk_ancestors from files at depth 5",
	  TREE(5, 8, 8), .mix = { [ROP_ANCESTORS] = 1 } },
	{ .name = "ancestors-iter", .summary = "the reference-taking ancestor iterator from files "
	  "at depth 5 (ancestors' twin)", TREE(5, 8, 8), .mix = { [ROP_ANCESTORS_ITER] = 1 } },
	{ .name = "getcwd", .summary = "getcwd from a directory at depth 4 (each reader in the "
	  "one its first path is in): prepend_path up to the root", TREE(5, 8, 8),
	  .mix = { [ROP_GETCWD] = 1 } },
	{ .name = "getcwd-rename", .summary = "getcwd while a writer renames directories above the "
	  "readers' back and forth: rename_lock moves under the lockless pass", TREE(5, 8, 8),
	  .mix = { [ROP_GETCWD] = 1 }, .writers = 1, .wop = WOP_RENAME, .writer_rate = 1000 },
	{ .name = "ancestors-rename", .summary = "ancestors while a writer renames directories "
	  "above the files back and forth: walks that restart", TREE(5, 8, 8),
	  .mix = { [ROP_ANCESTORS] = 1 }, .writers = 1, .wop = WOP_RENAME, .writer_rate = 1000 },
	{ .name = "ancestors-iter-rename", .summary = "ancestors-iter under the same renames "
	  "(ancestors-rename's twin)", TREE(5, 8, 8), .mix = { [ROP_ANCESTORS_ITER] = 1 },
	  .writers = 1, .wop = WOP_RENAME, .writer_rate = 1000 },
	/*
	 * will-it-scale's tests by name: files directly under one temporary
	 * directory (/0 here; /tmp there), a private one per task (1) or one
	 * shared (2); open2 and unlink2 in a directory of the task's own
	 */
	WIS("stat1", "stat a private file", PRIVATE, STAT),
	WIS("stat2", "stat one shared file", HOT, STAT),
	WIS("fstat1", "fstat a descriptor of a private file", PRIVATE, FSTAT),
	WIS("fstat2", "fstat a descriptor of one shared file", HOT, FSTAT),
	WIS("open1", "open and close a private file in one shared directory", PRIVATE, OPEN),
	WIS("open2", "open and close a file in a private directory", DISJOINT, OPEN),
	WIS("open3", "open and close one shared file", HOT, OPEN),
	WIS("access1", "access(R_OK) a private file", PRIVATE, ACCESS),
	WIS("access2", "access(R_OK) one shared file", HOT, ACCESS),
	WIS("unlink1", "create (open O_CREAT), close and unlink a private file in one shared "
	    "directory", PRIVATE, UNLINK),
	WIS("unlink2", "create, close and unlink a file in a private directory", DISJOINT, UNLINK),
	WIS("getppid1", "getppid: what entering the kernel costs at all (an engine strategy: "
	    "one call through its table)", HOT, GETPPID),
	/* filesystem types: what a filesystem that keeps dentries changes */
	{ .name = "stat-negative-disk", .summary = "stat-negative on the disk type: the misses' "
	  "negative dentries stay cached", TREE(5, 8, 8), .shape = SHAPE_NEGATIVE, STAT_ONLY,
	  .fs = "disk" },
	{ .name = "path-search", .summary = "a PATH search: stat a name in 8 sibling directories "
	  "in turn until found (on average 7 of 9 tries miss)", TREE(3, 8, 8),
	  .shape = SHAPE_SEARCH, STAT_ONLY },
	{ .name = "path-search-disk", .summary = "path-search on the disk type: the misses' "
	  "negative dentries stay cached", TREE(3, 8, 8), .shape = SHAPE_SEARCH, STAT_ONLY,
	  .fs = "disk" },
	{ .name = "miss-one-dir", .summary = "every thread stats missing names of its own in one "
	  "directory: each goes to lookup_slow (i_rwsem shared)", TREE(2, 1, 64),
	  .shape = SHAPE_NEGATIVE, STAT_ONLY },
	{ .name = "miss-one-dir-excl", .summary = "miss-one-dir with lookup_slow taking i_rwsem "
	  "exclusively, as before Linux 4.7", TREE(2, 1, 64), .shape = SHAPE_NEGATIVE, STAT_ONLY,
	  .fs = "tmpfs,lookup=exclusive" },
	{ .name = "stat-shared-disk", .summary = "stat-shared on the disk type: every dentry kept "
	  "cached, none evicted (stat-budget's twin)", TREE(5, 8, 8), STAT_ONLY, .fs = "disk" },
	{ .name = "stat-budget", .summary = "stat-shared on the disk type with 512 unused dentries "
	  "allowed: the shrinker evicts what the next stats need", TREE(5, 8, 8), STAT_ONLY,
	  .fs = "disk", .dentry_budget = 512 },
	/* a filesystem that doubts its dentries: RCU-walk with and without lockless revalidation */
	{ .name = "stat-hot-nfs", .summary = "stat-hot on nfs: every component revalidated, in RCU "
	  "mode from cached data", TREE(5, 1, 1), .dist = DIST_HOT, STAT_ONLY, .fs = "nfs" },
	{ .name = "stat-hot-nfs-echild", .summary = "stat-hot on nfs,reval=echild: revalidation "
	  "cannot be done in RCU mode, every walk unlazies", TREE(5, 1, 1), .dist = DIST_HOT,
	  STAT_ONLY, .fs = "nfs,reval=echild" },
	{ .name = "stat-shared-nfs", .summary = "stat-shared on nfs: every component revalidated, "
	  "in RCU mode from cached data", TREE(5, 8, 8), STAT_ONLY, .fs = "nfs" },
	{ .name = "stat-shared-nfs-echild", .summary = "stat-shared on nfs,reval=echild: "
	  "revalidation cannot be done in RCU mode, every walk unlazies", TREE(5, 8, 8), STAT_ONLY,
	  .fs = "nfs,reval=echild" },
	/* automounts: each top directory a trigger the tree's making mounted */
	{ .name = "stat-shared-autofs", .summary = "stat-shared on an autofs map: every walk "
	  "crosses a mounted trigger, asking d_manage in RCU mode", TREE(5, 8, 8), STAT_ONLY,
	  .fs = "autofs" },
	{ .name = "automount-steady", .summary = "stat the 8 triggers of an autofs map, each "
	  "mounted once: d_manage in RCU mode, then the mount's root (automount-storm's twin)",
	  TREE(2, 8, 1), .shape = SHAPE_TRIGGER, STAT_ONLY, .fs = "autofs" },
	{ .name = "automount-storm", .summary = "automount-steady while a writer expires the "
	  "triggers and makes them anew: walks meet expiries and race to automount",
	  TREE(2, 8, 1), .shape = SHAPE_TRIGGER, STAT_ONLY, .writers = 1, .wop = WOP_EXPIRE,
	  .fs = "autofs" },
};

const struct workload *workload_builtins(int *n)
{
	*n = (int)(sizeof(builtins) / sizeof(builtins[0]));
	return builtins;
}

const struct workload *workload_builtin(const char *name)
{
	int i, n;
	const struct workload *b = workload_builtins(&n);

	for (i = 0; i < n; i++)
		if (!strcmp(b[i].name, name))
			return &b[i];
	return NULL;
}

static const char *const dist_names[] = { "uniform", "zipf", "hot", "disjoint", "private" };
static const char *const shape_names[] = { "plain", "negative", "dotdot", "symlink", "mountpoint",
					    "search", "trigger" };
static const char *const wop_names[] = { "none", "rename", "mount", "create-unlink", "expire" };
static const char *const rop_names[] = { "stat", "lstat", "ancestors", "mutate", "open", "fstat",
					  "access", "unlink", "getppid", "ancestors-iter",
					  "getcwd" };

const char *wl_dist_name(enum wl_dist d) { return dist_names[d]; }
const char *wl_shape_name(enum wl_shape s) { return shape_names[s]; }
const char *wl_wop_name(enum wl_wop w) { return wop_names[w]; }
const char *wl_rop_name(enum wl_rop r) { return rop_names[r]; }

static int name_index(const char *const *names, int n, const char *v)
{
	int i;

	for (i = 0; i < n; i++)
		if (!strcmp(names[i], v))
			return i;
	return -1;
}

/* ---- spec files ---- */

static int spec_error(char *err, size_t n, const char *file, int line, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));

static int spec_error(char *err, size_t n, const char *file, int line, const char *fmt, ...)
{
	va_list ap;
	int len = line ? snprintf(err, n, "%s:%d: ", file, line) : snprintf(err, n, "%s: ", file);

	va_start(ap, fmt);
	vsnprintf(err + len, n - (size_t)len, fmt, ap);
	va_end(ap);
	return -EINVAL;
}

static char *trim(char *s)
{
	char *e;

	while (isspace((unsigned char)*s))
		s++;
	e = s + strlen(s);
	while (e > s && isspace((unsigned char)e[-1]))
		*--e = '\0';
	return s;
}

static bool parse_int(const char *v, long lo, long hi, int *out)
{
	char *end;
	long x = strtol(v, &end, 10);

	if (end == v || *end || x < lo || x > hi)
		return false;
	*out = (int)x;
	return true;
}

static bool parse_num(const char *v, double lo, double hi, double *out)
{
	char *end;
	double x = strtod(v, &end);

	if (end == v || *end || !isfinite(x) || x < lo || x > hi)
		return false;
	*out = x;
	return true;
}

/* "stat:70 lstat:30": weights of the readers' operations */
static bool parse_mix(char *v, int *mix)
{
	char *save = NULL, *tok;

	memset(mix, 0, sizeof(int) * ROP_MAX);
	for (tok = strtok_r(v, " \t,", &save); tok; tok = strtok_r(NULL, " \t,", &save)) {
		char *colon = strchr(tok, ':');
		int op, w;

		if (!colon)
			return false;
		*colon = '\0';
		op = name_index(rop_names, ROP_MAX, tok);
		if (op < 0 || !parse_int(colon + 1, 0, 1000000, &w))
			return false;
		mix[op] = w;
	}
	return true;
}

long workload_entries(const struct workload *wl)
{
	long dirs = 1, total = 0;
	int level;

	for (level = 1; level < wl->depth; level++) {
		dirs *= wl->fanout;
		total += dirs;
		if (total > MAX_ENTRIES)
			return MAX_ENTRIES + 1;
	}
	return total + dirs * wl->files;
}

/* Combinations that cannot mean anything. */
static int spec_check(const struct workload *wl, char *err, size_t n, const char *file)
{
	int i, sum = 0;

	for (i = 0; i < ROP_MAX; i++)
		sum += wl->mix[i];
	if (!wl->noop && !sum)
		return spec_error(err, n, file, 0, "the mix gives every operation weight 0");
	if (wl->writers && wl->wop == WOP_NONE)
		return spec_error(err, n, file, 0, "writers = %d but writer = none", wl->writers);
	if (!wl->writers && wl->wop != WOP_NONE)
		return spec_error(err, n, file, 0, "writer = %s but writers = 0", wop_names[wl->wop]);
	if (wl->wop == WOP_RENAME && wl->depth < 3)
		return spec_error(err, n, file, 0, "writer = rename renames second-level "
				  "directories: depth must be at least 3");
	if ((wl->wop == WOP_CREATE_UNLINK || wl->mix[ROP_MUTATE]) && wl->depth < 2)
		return spec_error(err, n, file, 0, "creating files needs directories: depth must "
				  "be at least 2");
	if ((wl->wop == WOP_EXPIRE || wl->shape == SHAPE_TRIGGER) && wl->depth < 2)
		return spec_error(err, n, file, 0, "%s the top directories: depth must be at "
				  "least 2", wl->wop == WOP_EXPIRE ? "writer = expire expires" :
				  "shape = trigger stats");
	if (wl->wop == WOP_EXPIRE && strncmp(wl->fs, "autofs", 6))
		return spec_error(err, n, file, 0, "writer = expire expires autofs triggers: "
				  "it needs fs = autofs");
	if ((wl->dist == DIST_DISJOINT || wl->dist == DIST_PRIVATE) && wl->shape != SHAPE_PLAIN)
		return spec_error(err, n, file, 0, "paths = %s only takes shape = plain",
				  dist_names[wl->dist]);
	if (wl->mix[ROP_UNLINK] && wl->dist != DIST_DISJOINT && wl->dist != DIST_PRIVATE)
		return spec_error(err, n, file, 0, "unlink removes the file it stands on: it needs "
				  "paths = private or disjoint, a file no other reader uses");
	if (wl->shape == SHAPE_SEARCH && wl->depth < 2)
		return spec_error(err, n, file, 0, "shape = search tries a name in the leaf "
				  "directories of one parent: depth must be at least 2");
	if (workload_entries(wl) > MAX_ENTRIES)
		return spec_error(err, n, file, 0, "the tree would have more than %ld entries",
				  MAX_ENTRIES);
	return 0;
}

/*
 * The keys of a spec file, each a field of struct workload and how its
 * value is read; the error for a bad value is worked out from the same
 * entry ("depth must be a whole number from 1 to 32, not 'x'").
 */
enum spec_kind { SK_WORD, SK_TEXT, SK_INT, SK_NUM, SK_CHOICE, SK_MIX, SK_YESNO, SK_FS };

static const struct spec_key {
	const char *key;
	enum spec_kind kind;
	size_t off;			/* offsetof(struct workload, the field) */
	double lo, hi;			/* SK_INT, SK_NUM */
	const char *const *names;	/* SK_CHOICE: the values, in enum order */
	int nnames;
	const char *what;		/* SK_NUM: what the number is */
} spec_keys[] = {
#define F(field)	offsetof(struct workload, field)
	{ .key = "name", .kind = SK_WORD, .off = F(name) },
	{ .key = "description", .kind = SK_TEXT, .off = F(summary) },
	{ .key = "depth", .kind = SK_INT, .off = F(depth), .lo = 1, .hi = 32 },
	{ .key = "fanout", .kind = SK_INT, .off = F(fanout), .lo = 1, .hi = 64 },
	{ .key = "files", .kind = SK_INT, .off = F(files), .lo = 1, .hi = 4096 },
	{ .key = "paths", .kind = SK_CHOICE, .off = F(dist), .names = dist_names,
	  .nnames = ARRAY_SIZE(dist_names) },
	{ .key = "zipf", .kind = SK_NUM, .off = F(zipf_s), .lo = 0.01, .hi = 10,
	  .what = "a number from 0.01 to 10" },
	{ .key = "shape", .kind = SK_CHOICE, .off = F(shape), .names = shape_names, .nnames = 7 },
	{ .key = "mix", .kind = SK_MIX, .off = F(mix) },
	{ .key = "writers", .kind = SK_INT, .off = F(writers), .lo = 0, .hi = 64 },
	{ .key = "writer", .kind = SK_CHOICE, .off = F(wop), .names = wop_names, .nnames = 5 },
	{ .key = "writer_rate", .kind = SK_NUM, .off = F(writer_rate), .lo = 0, .hi = 1e9,
	  .what = "operations per second (0: flat out)" },
	{ .key = "noop", .kind = SK_YESNO, .off = F(noop) },
	{ .key = "fs", .kind = SK_FS, .off = F(fs) },
	{ .key = "dentry_budget", .kind = SK_INT, .off = F(dentry_budget), .lo = 0,
	  .hi = 1000000000 },
#undef F
};

/* "a, b, c or d" */
static void choices(char *buf, size_t n, const char *const *names, int nnames)
{
	size_t len = 0;
	int i;

	buf[0] = '\0';
	for (i = 0; i < nnames && len < n; i++)
		len += (size_t)snprintf(buf + len, n - len, "%s%s", i == 0 ? "" :
					i == nnames - 1 ? " or " : ", ", names[i]);
}

/*
 * fs = TYPE[,OPTION...]: a type the engine has, with options it takes
 * (nb_fs_check); the first option refused is named, each tried alone.
 */
static bool spec_fs(char *field, size_t size, const char *val, char *why, size_t n)
{
	struct nb_fs_type_info t[16];
	const char *names[16], *opt = strchr(val, ',');
	size_t typelen = opt ? (size_t)(opt - val) : strlen(val);
	char list[160], one[128];
	int i, types = nb_fs_types(t, 16), err = nb_fs_check(val);

	if (!err && strlen(val) < size) {
		snprintf(field, size, "%s", val);
		return true;
	}
	if (!err) {
		snprintf(why, n, "fs must be at most %zu characters, not '%s'", size - 1, val);
		return false;
	}
	if (err == -ENODEV) {
		for (i = 0; i < types && i < 16; i++)
			names[i] = t[i].name;
		choices(list, sizeof(list), names, types < 16 ? types : 16);
		snprintf(why, n, "fs: unknown filesystem type '%.*s' (known: %s)", (int)typelen,
			 val, list);
		return false;
	}
	while (opt && *opt) {
		size_t len = strcspn(++opt, ",");

		snprintf(one, sizeof(one), "%.*s,%.*s", (int)typelen, val, (int)len, opt);
		if (len && nb_fs_check(one)) {
			snprintf(why, n, "fs: %.*s takes no option '%.*s'", (int)typelen, val,
				 (int)len, opt);
			return false;
		}
		opt += len;
	}
	snprintf(why, n, "fs: %.*s does not take the options of '%s'", (int)typelen, val, val);
	return false;
}

/* Set @k's field of @wl from @val; false, with why in @why, if it will not do. */
static bool spec_set(struct workload *wl, const struct spec_key *k, char *val, char *why,
		     size_t n)
{
	void *field = (char *)wl + k->off;
	char list[160];
	int idx;

	switch (k->kind) {
	case SK_WORD:
		if (!*val || strlen(val) >= sizeof(wl->name) || strpbrk(val, " \t,/")) {
			snprintf(why, n, "%s must be one word of at most %zu characters", k->key,
				 sizeof(wl->name) - 1);
			return false;
		}
		snprintf(field, sizeof(wl->name), "%s", val);
		return true;
	case SK_TEXT:
		snprintf(field, sizeof(wl->summary), "%s", val);
		return true;
	case SK_INT:
		if (parse_int(val, (long)k->lo, (long)k->hi, field))
			return true;
		snprintf(why, n, "%s must be a whole number from %.0f to %.0f, not '%s'", k->key,
			 k->lo, k->hi, val);
		return false;
	case SK_NUM:
		if (parse_num(val, k->lo, k->hi, field))
			return true;
		snprintf(why, n, "%s must be %s, not '%s'", k->key, k->what, val);
		return false;
	case SK_CHOICE:
		if ((idx = name_index(k->names, k->nnames, val)) >= 0) {
			/* the enums have no negative values: unsigned int is their
			 * type, and the names are in their order */
			*(unsigned int *)field = (unsigned int)idx;
			return true;
		}
		choices(list, sizeof(list), k->names, k->nnames);
		snprintf(why, n, "%s must be %s, not '%s'", k->key, list, val);
		return false;
	case SK_MIX:
		if (parse_mix(val, field))
			return true;
		choices(list, sizeof(list), rop_names, ROP_MAX);
		snprintf(why, n, "%s must be OP:WEIGHT pairs with OP one of %s", k->key, list);
		return false;
	case SK_YESNO:
		if (!strcmp(val, "yes") || !strcmp(val, "no")) {
			*(bool *)field = !strcmp(val, "yes");
			return true;
		}
		snprintf(why, n, "%s must be yes or no, not '%s'", k->key, val);
		return false;
	case SK_FS:
		return spec_fs(field, sizeof(wl->fs), val, why, n);
	}
	return false;
}

/* One "key = value" line (trimmed, not a comment): false, with why, if bad. */
static bool spec_line(struct workload *wl, char *s, char *why, size_t n)
{
	char *eq = strchr(s, '='), *key, list[256];
	size_t i, len = 0;

	if (!eq) {
		snprintf(why, n, "expected 'key = value'");
		return false;
	}
	*eq = '\0';
	key = trim(s);
	for (i = 0; i < ARRAY_SIZE(spec_keys); i++)
		if (!strcmp(key, spec_keys[i].key))
			return spec_set(wl, &spec_keys[i], trim(eq + 1), why, n);
	for (i = 0; i < ARRAY_SIZE(spec_keys) && len < sizeof(list); i++)
		len += (size_t)snprintf(list + len, sizeof(list) - len, "%s%s", i ? ", " : "",
					spec_keys[i].key);
	snprintf(why, n, "unknown key '%s' (known: %s)", key, list);
	return false;
}

static int spec_load(const char *file, struct workload *wl, char *err, size_t errlen)
{
	FILE *f = fopen(file, "r");
	char line[1024], why[512];
	int lineno = 0;

	if (!f)
		return spec_error(err, errlen, file, 0, "cannot read the workload file: %s",
				  strerror(errno));
	*wl = (struct workload){ TREE(5, 8, 8), STAT_ONLY, .fs = DEFAULT_FS };
	snprintf(wl->source, sizeof(wl->source), "%s", file);
	while (fgets(line, sizeof(line), f)) {
		char *s;

		lineno++;
		if (!strchr(line, '\n') && !feof(f)) {
			fclose(f);
			return spec_error(err, errlen, file, lineno, "line too long");
		}
		s = trim(line);
		if (*s && *s != '#' && !spec_line(wl, s, why, sizeof(why))) {
			fclose(f);
			return spec_error(err, errlen, file, lineno, "%s", why);
		}
	}
	fclose(f);
	/* zipf paths need an exponent: 1 unless one is given (zipf = 0 is refused) */
	if (wl->dist == DIST_ZIPF && wl->zipf_s == 0)
		wl->zipf_s = 1.0;
	if (!wl->name[0])
		return spec_error(err, errlen, file, 0, "no 'name = ...' line");
	if (!wl->summary[0])
		snprintf(wl->summary, sizeof(wl->summary), "from %s", file);
	return spec_check(wl, err, errlen, file);
}

/* A built-in, as a spec file would define it: every field set. */
static void builtin_copy(struct workload *wl, const struct workload *b)
{
	*wl = *b;
	if (!wl->fs[0])
		snprintf(wl->fs, sizeof(wl->fs), "%s", DEFAULT_FS);
	snprintf(wl->source, sizeof(wl->source), "built-in");
}

/*
 * NAME@RATE: a built-in workload with writers, at another writer rate
 * (operations per second each), named with the rate so that results keep
 * the points apart.
 */
static int builtin_at_rate(const char *spec, struct workload *wl, char *err, size_t errlen)
{
	const char *at = strchr(spec, '@');
	char base[64];
	double rate;
	const struct workload *b;

	if (!at || (size_t)(at - spec) >= sizeof(base))
		return -ENOENT;
	memcpy(base, spec, (size_t)(at - spec));
	base[at - spec] = '\0';
	b = workload_builtin(base);
	if (!b)
		return -ENOENT;
	if (!b->writers) {
		snprintf(err, errlen, "'%s' has no writers to set the rate of", base);
		return -EINVAL;
	}
	if (!parse_num(at + 1, 0, 1e9, &rate)) {
		snprintf(err, errlen, "'%s': the writer rate after '@' must be operations per "
			 "second, not '%s'", spec, at + 1);
		return -EINVAL;
	}
	builtin_copy(wl, b);
	wl->writer_rate = rate;
	snprintf(wl->name, sizeof(wl->name), "%s", spec);
	return 0;
}

int workload_load(const char *spec, struct workload *wl, char *err, size_t errlen)
{
	const struct workload *b = workload_builtin(spec);
	int r = builtin_at_rate(spec, wl, err, errlen);

	if (r != -ENOENT)
		return r;
	if (b) {
		builtin_copy(wl, b);
		return 0;
	}
	if (!strchr(spec, '/') && !strstr(spec, ".wl")) {
		snprintf(err, errlen, "unknown workload '%s' (see 'nameibench list', or give a "
			 "path to a .wl file)", spec);
		return -EINVAL;
	}
	return spec_load(spec, wl, err, errlen);
}

bool workload_default_fs(const struct workload *wl)
{
	return !strcmp(wl->fs, DEFAULT_FS) && !wl->dentry_budget;
}

const char *workload_unsupported(const struct workload *wl, const struct nb_strategy *s)
{
	if ((wl->mix[ROP_ANCESTORS] && !s->ancestors) ||
	    (wl->mix[ROP_ANCESTORS_ITER] && !s->ancestor_first))
		return "this backend has no ancestor walk to call";
	if (wl->mix[ROP_GETCWD] && !s->getcwd)
		return "this backend has no getcwd to call";
	if ((wl->shape == SHAPE_MOUNTPOINT || wl->wop == WOP_MOUNT) && !s->backend->can_mount())
		return "mounting needs a private mount namespace (run as root)";
	if (!s->backend->fs_types && strcmp(wl->fs, DEFAULT_FS))
		return "the kernel's tree is on its own filesystem: no engine type or option (fs)";
	if (!s->backend->fs_types && wl->dentry_budget)
		return "the kernel's dcache takes no budget from us (dentry_budget)";
	return NULL;
}

/* ---- the tree ---- */

/* Where the tree lives: under the mount for the mountpoint shape. */
static const char *tree_prefix(const struct workload *wl)
{
	return wl->shape == SHAPE_MOUNTPOINT ? "/m" : "";
}

/*
 * A leaf's files: f0, f1, ... in each; for a PATH search c<k>, numbered
 * across the tree (@leaf is the leaf's index), so that a name is in one
 * leaf only and its siblings miss it.
 */
static int build_level(const struct workload *wl, const struct nb_strategy *s, struct nb_ctx *ctx,
		       char *path, size_t len, int level, long leaf)
{
	int i, err;

	if (level == wl->depth) {
		for (i = 0; i < wl->files; i++) {
			if (wl->shape == SHAPE_SEARCH)
				snprintf(path + len, 24, "/c%ld", leaf * wl->files + i);
			else
				snprintf(path + len, 16, "/f%d", i);
			if ((err = s->create(ctx, path)))
				return err;
		}
		return 0;
	}
	for (i = 0; i < wl->fanout; i++) {
		int n = snprintf(path + len, 16, "/%d", i);

		if ((err = s->mkdir(ctx, path)) ||
		    (err = build_level(wl, s, ctx, path, len + (size_t)n, level + 1,
				       leaf * wl->fanout + i)))
			return err;
		path[len] = '\0';
	}
	return 0;
}

int workload_build(const struct workload *wl, const struct nb_strategy *s, struct nb_ctx *ctx,
		   int readers, char *err, size_t errlen)
{
	char path[512];
	int i, r = 0;

	if (wl->noop)
		return 0;
	if (wl->shape == SHAPE_MOUNTPOINT && ((r = s->mkdir(ctx, "/m")) || (r = s->mount(ctx, "/m", NULL))))
		goto fail;
	if (wl->dist == DIST_DISJOINT) {
		/* one chain per reader: /t<k>/0/.../f<i> */
		for (i = 0; i < readers && !r; i++) {
			struct workload chain = *wl;
			int n = snprintf(path, sizeof(path), "/t%d", i);

			chain.fanout = 1;
			if (!(r = s->mkdir(ctx, path)))
				r = build_level(&chain, s, ctx, path, (size_t)n, 2, 0);
		}
	} else if (wl->dist == DIST_PRIVATE) {
		/* one shared directory chain, a file for each reader: f<k> */
		struct workload shared = *wl;

		shared.fanout = 1;
		shared.files = readers;
		strcpy(path, tree_prefix(wl));
		r = build_level(&shared, s, ctx, path, strlen(path), 1, 0);
	} else {
		strcpy(path, tree_prefix(wl));
		r = build_level(wl, s, ctx, path, strlen(path), 1, 0);
	}
	for (i = 0; !r && wl->shape == SHAPE_SYMLINK && i < wl->fanout; i++) {
		char target[16], link[16];

		snprintf(target, sizeof(target), "%d", i);
		snprintf(link, sizeof(link), "/l%d", i);
		r = s->symlink(ctx, target, link);
	}
	for (i = 0; !r && wl->wop == WOP_MOUNT && i < wl->writers; i++) {
		snprintf(path, sizeof(path), "/churn%d", i);
		r = s->mkdir(ctx, path);
	}
	if (!r)
		return 0;
fail:
	snprintf(err, errlen, "building the tree of '%s' failed: %s", wl->name, nb_errno_name(r));
	return r;
}

/* ---- reader streams ---- */

static uint64_t splitmix64(uint64_t *x)
{
	uint64_t z = (*x += UINT64_C(0x9e3779b97f4a7c15));

	z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
	z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
	return z ^ (z >> 31);
}

static double uniform01(uint64_t *rng)
{
	return (double)(splitmix64(rng) >> 11) / 9007199254740992.0;
}

static long leaf_files(const struct workload *wl)
{
	long n = wl->files;
	int level;

	for (level = 1; level < wl->depth; level++)
		n *= wl->fanout;
	return n;
}

/* Zipf over @n ranks by inversion of the cumulative weights. */
static double *zipf_cdf(long n, double s)
{
	double *cdf = malloc((size_t)n * sizeof(*cdf)), sum = 0;
	long k;

	if (!cdf)
		return NULL;
	for (k = 0; k < n; k++)
		cdf[k] = (sum += pow((double)(k + 1), -s));
	for (k = 0; k < n; k++)
		cdf[k] /= sum;
	return cdf;
}

static long zipf_draw(const double *cdf, long n, uint64_t *rng)
{
	double u = uniform01(rng);
	long lo = 0, hi = n - 1;

	while (lo < hi) {
		long mid = (lo + hi) / 2;

		if (cdf[mid] < u)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* The directory digits of file index @i, most significant first. */
static void file_digits(const struct workload *wl, long i, int *digit, int *file)
{
	int level;

	*file = (int)(i % wl->files);
	i /= wl->files;
	for (level = wl->depth - 2; level >= 0; level--) {
		digit[level] = (int)(i % wl->fanout);
		i /= wl->fanout;
	}
}

/*
 * The path of file @i for @reader; for a PATH search, its name in the
 * @try-th directory of its search path (the leaf's siblings, in order).
 * A missing name is the reader's own (x<file>.r<reader>), so that on a
 * filesystem that keeps no negative dentry (tmpfs) no reader ever finds
 * another's in the moment it lives: every miss goes to ->lookup.
 */
static int format_path(const struct workload *wl, long i, int reader, int try, char *buf,
		       size_t n)
{
	int digit[32], file, level, len;

	if (wl->dist == DIST_DISJOINT) {
		len = snprintf(buf, n, "/t%d", reader);
		for (level = 2; level < wl->depth; level++)
			len += snprintf(buf + len, n - (size_t)len, "/0");
		return len + snprintf(buf + len, n - (size_t)len, "/f%ld", i % wl->files);
	}
	if (wl->dist == DIST_PRIVATE) {
		len = snprintf(buf, n, "%s", tree_prefix(wl));
		for (level = 1; level < wl->depth; level++)
			len += snprintf(buf + len, n - (size_t)len, "/0");
		return len + snprintf(buf + len, n - (size_t)len, "/f%d", reader);
	}
	file_digits(wl, i, digit, &file);
	if (wl->shape == SHAPE_TRIGGER)
		return snprintf(buf, n, "/%d", digit[0]);
	if (wl->shape == SHAPE_SEARCH)
		digit[wl->depth - 2] = try;
	len = snprintf(buf, n, "%s", tree_prefix(wl));
	for (level = 0; level < wl->depth - 1; level++) {
		if (level == 0 && wl->shape == SHAPE_SYMLINK)
			len += snprintf(buf + len, n - (size_t)len, "/l%d", digit[0]);
		else if (level > 0 && wl->shape == SHAPE_DOTDOT)
			len += snprintf(buf + len, n - (size_t)len, "/%d/../%d", digit[level],
					digit[level]);
		else
			len += snprintf(buf + len, n - (size_t)len, "/%d", digit[level]);
	}
	if (wl->shape == SHAPE_SEARCH)
		return len + snprintf(buf + len, n - (size_t)len, "/c%ld", i);
	if (wl->shape == SHAPE_NEGATIVE)
		return len + snprintf(buf + len, n - (size_t)len, "/x%d.r%d", file, reader);
	return len + snprintf(buf + len, n - (size_t)len, "/f%d", file);
}

/* The stats a PATH search for file @i makes: up to its own leaf, the last try. */
static int search_tries(const struct workload *wl, long i)
{
	return wl->shape == SHAPE_SEARCH ? (int)(i / wl->files % wl->fanout) + 1 : 1;
}

/* The next path's file index, by the workload's distribution. */
static long draw_file(const struct workload *wl, const double *cdf, long nfiles, uint64_t *rng)
{
	switch (wl->dist) {
	case DIST_HOT:
		return 0;
	case DIST_ZIPF:
		/* spread the ranks over the tree, not down one corner of it */
		return (long)(((uint64_t)zipf_draw(cdf, nfiles, rng) *
			       UINT64_C(0x9e3779b97f4a7c15)) % (uint64_t)nfiles);
	default:
		return (long)(splitmix64(rng) % (uint64_t)nfiles);
	}
}

/*
 * A reader's stream: WL_STREAM operations, each a path and what to do to
 * it.  A PATH search is one operation per try, one stat each as a shell
 * makes them (README.md says why an operation is a try, not a search); a
 * search that would run past the stream's end is drawn again, so that
 * every search in the stream ends at its name.
 */
int wl_stream_make(const struct workload *wl, int reader, int readers, uint64_t seed,
		   struct wl_stream *st)
{
	long nfiles = leaf_files(wl);
	uint64_t rng = seed * UINT64_C(0x2545f4914f6cdd1d) + (uint64_t)reader;
	double *cdf = NULL;
	int total = 0, i = 0, k, mix[ROP_MAX];
	size_t per = 32 + (size_t)wl->depth * 16, off = 0;
	char buf[1024];

	(void)readers;
	memset(st, 0, sizeof(*st));
	st->fd = -1;
	st->arena = malloc(per * WL_STREAM);
	if (!st->arena)
		return -ENOMEM;
	if (wl->dist == DIST_ZIPF && !(cdf = zipf_cdf(nfiles, wl->zipf_s))) {
		free(st->arena);
		return -ENOMEM;
	}
	for (k = 0; k < ROP_MAX; k++)
		total += (mix[k] = wl->mix[k]);
	while (i < WL_STREAM) {
		long idx = draw_file(wl, cdf, nfiles, &rng);
		int tries = search_tries(wl, idx), t;

		if (tries > WL_STREAM - i)
			continue;
		for (t = 0; t < tries; t++, i++) {
			int r, len = format_path(wl, idx, reader, t, buf, sizeof(buf));

			if ((size_t)len + 1 > per) {
				wl_stream_free(st);
				free(cdf);
				return -ENAMETOOLONG;
			}
			st->path[i] = memcpy(st->arena + off, buf, (size_t)len + 1);
			off += per;
			r = total ? (int)(splitmix64(&rng) % (uint64_t)total) : 0;
			for (k = 0; k < ROP_MAX - 1 && r >= mix[k]; k++)
				r -= mix[k];
			st->op[i] = (unsigned char)k;
		}
	}
	/* the reader's own file, beside its first path's file */
	snprintf(buf, sizeof(buf), "%s", st->path[0]);
	*strrchr(buf, '/') = '\0';
	snprintf(st->mutate, sizeof(st->mutate), "%.40s/r%d", buf, reader);
	free(cdf);
	return 0;
}

void wl_stream_free(struct wl_stream *st)
{
	free(st->arena);
	st->arena = NULL;
}

/* ---- writers ---- */

/*
 * The automount daemon's expiry and the map's remaking: a top directory
 * (each in turn, writer @w starting at the @w-th) expired, then made
 * again, a fresh trigger that the next walk through it mounts.  An expiry that finds
 * what is mounted busy leaves the trigger, and the remaking finds it:
 * neither is an error.
 */
static int expire_step(const struct nb_strategy *s, struct nb_ctx *ctx, int w, uint64_t n,
		       int fanout)
{
	char a[32];
	int err;

	snprintf(a, sizeof(a), "/%d", (int)(((uint64_t)w + n / 2) % (uint64_t)fanout));
	if (!(n & 1))
		return (err = s->expire ? s->expire(ctx, a) : -ENOSYS) < 0 ? err : 0;
	err = s->mkdir(ctx, a);
	return err == -EEXIST ? 0 : err;
}

int wl_writer_step(const struct workload *wl, const struct nb_strategy *s, struct nb_ctx *ctx,
		   int w, uint64_t n)
{
	char a[128], b[160];
	int err;

	switch (wl->wop) {
	case WOP_RENAME:
		/* a second-level directory, back and forth */
		snprintf(a, sizeof(a), "%s/%d/%d", tree_prefix(wl), w % wl->fanout,
			 (w / wl->fanout) % wl->fanout);
		snprintf(b, sizeof(b), "%s.moved", a);
		return n & 1 ? s->rename(ctx, b, a) : s->rename(ctx, a, b);
	case WOP_MOUNT:
		snprintf(a, sizeof(a), "/churn%d", w);
		if (!(n & 1))
			return s->mount(ctx, a, NULL);
		err = s->umount(ctx, a, 0);
		return err == -EBUSY ? s->umount(ctx, a, NB_UMOUNT_LAZY) : err;
	case WOP_CREATE_UNLINK: {
		/* a different leaf directory every two steps */
		long leaves = leaf_files(wl) / wl->files, leaf = (long)((n / 2 * 7919) % (uint64_t)leaves);
		int digit[32], file, level, len;

		file_digits(wl, leaf * wl->files, digit, &file);
		len = snprintf(a, sizeof(a), "%s", tree_prefix(wl));
		for (level = 0; level < wl->depth - 1; level++)
			len += snprintf(a + len, sizeof(a) - (size_t)len, "/%d", digit[level]);
		snprintf(a + len, sizeof(a) - (size_t)len, "/w%d", w);
		return n & 1 ? s->unlink(ctx, a) : s->create(ctx, a);
	}
	case WOP_EXPIRE:
		return expire_step(s, ctx, w, n, wl->fanout);
	case WOP_NONE:
		break;
	}
	return 0;
}
