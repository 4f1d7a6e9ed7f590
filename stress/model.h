/*
 * The stress test's oracle: a versioned model of the namespace, and a
 * checker that decides whether an answer a lookup gave could have been
 * given.
 *
 * Versions.  The stress writer is the only thread that changes the
 * namespace.  After each successful change it applies the same change to
 * the model under the next version number and only then publishes that
 * number (model_publish).  A reader samples the published version before
 * a lookup (s0) and after it (s1); everything up to s0 was done before the
 * lookup began, and the change the writer may have been making meanwhile
 * is s1 + 1, never later: the lookup saw the namespace somewhere in
 * versions s0 .. s1 + 1, its window.
 *
 * The model keeps, for every directory entry (a directory and a name), for
 * every object's place (its parent and name, or that it died), and for
 * every mount, the last values with the version each took effect: enough
 * to say what the namespace looked like at any version of a reader's
 * window.
 *
 * What is checked (model_check):
 *  - global: the whole answer was true at one version of the window;
 *  - every other strategy: each step of the walk (a component, a '..', a
 *    mount crossing) held at some version of the window, and those
 *    versions never go backwards: the guarantee Linux gives;
 *  - a walk that finished in RCU mode (no unlazy, no restart) promises
 *    more, and is held to it: each step still held when the next one was
 *    taken (the d_seq hand-over-hand), and the mount table did not change
 *    between its first and last step (m_seq);
 *  - a scoped lookup (stat_in_root) never takes a '..' from outside its
 *    root; it may answer EAGAIN, or EXDEV, only if a rename or a mount
 *    change falls in its window;
 *  - attributes: each link count and size a stat or an ancestor walk
 *    returns held, under tmpfs's rules (model.c), at a version where that
 *    object was the answer: the walk's version for global; otherwise at
 *    some version from the step that found the object on (before the next
 *    step, for an ancestor), each attribute on its own, since stat reads
 *    them one by one while a directory's change may be half made; and
 *    for attributes copied under RCU (rcufull's stat, an ancestor walk
 *    that finished in RCU mode), no later than the object's d_seq held;
 *  - an ancestor walk that finished in RCU mode (walk_ancestors_rcu, no
 *    restart) is held to that walk's own promise: each object had not
 *    moved when its parent was sampled, and the mount table did not change
 *    from its first step to its last;
 *  - getcwd (LK_GETCWD), for every strategy: the path is the one its
 *    working directory had at one version of the window (prepend_path
 *    validates a whole pass against rename_lock and mount_lock), built as
 *    d_path builds it, an unlinked object keeping its last name and a
 *    detached mount's root giving "(unreachable)"; ENOENT only if the
 *    directory was unlinked by the window's end, ERANGE only if a path of
 *    the window does not fit.
 *
 * Every lookup is checked: the writer never outruns the history.  Lookups
 * are checked after the fact, a batch at a time, so what matters is the
 * oldest lookup not yet checked.  Each reader publishes a floor, the s0 of
 * its oldest unchecked lookup (MODEL_IDLE between batches: a reader that
 * is descheduled there holds up nobody), and two things keep every window
 * inside what the model has:
 *  - a cell keeps MODEL_HISTORY_SMALL values until dropping its oldest
 *    would lose one a lookup below the lowest floor may need; then it grows,
 *    once, to MODEL_HISTORY: only the few cells that change fast while a
 *    reader is slow pay for a long history;
 *  - the writer, between two steps (model_throttle), waits while the
 *    lowest floor is so far behind that its next step could give a window
 *    of MODEL_WINDOW versions or more, which is also as much as a grown
 *    cell keeps and as many versions as an atomic check tries.
 * So the change rate is the writer's own while the readers keep up (their
 * floors trail by a batch, far less than MODEL_WINDOW), and a reader that
 * is descheduled in the middle of a batch (more readers than PUs, a busy
 * machine) costs the writer a wait, counted in m->waited, never a lookup
 * left unchecked.  The floor is published before the batch samples its
 * first s0, and read by the writer after it published its last version,
 * each side with a full fence between (model_reader_begin, floor_scan):
 * a floor the writer misses belongs to a batch whose s0s are no older
 * than what it had published.  The search remembers the states it ruled
 * out, so its steps grow with the states a window has, not with the ways
 * of reaching them.  A check that still gives up (a search of NODE_LIMIT
 * steps, an ancestor list past MODEL_ANCESTORS) is counted as unchecked,
 * and a run that has one fails.
 *
 * Readers take no lock: the writer changes a cell inside that cell's own
 * sequence count (a reader that raced retries), objects never move (their
 * array is allocated once, MODEL_OBJECTS long), and the lists of events
 * only grow, each entry written before its count is published.
 */
#ifndef NB_MODEL_H
#define NB_MODEL_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "../engine/engine.h"

#define MODEL_HISTORY_SMALL	16	/* values a cell keeps at first */
#define MODEL_WINDOW	512		/* a window spans fewer versions (model_throttle) */
#define MODEL_HISTORY	MODEL_WINDOW	/* values a cell keeps once it grows (model.c) */
#define MODEL_NAMES	11		/* the names the stress namespace uses */
#define MODEL_ANCESTORS	32		/* the longest ancestor list checked */
#define MODEL_OBJECTS	(1u << 22)	/* objects a run can create */
#define MODEL_EVENTS	(1u << 22)	/* mount or rename events a run can log */
#define MODEL_STEP	4		/* the most versions between model_throttle() calls */
#define MODEL_IDLE	UINT64_MAX	/* a reader's floor: no lookup of its unchecked */

typedef uint32_t mref;			/* an object of the model; 0: none */

enum mtype { MT_NONE, MT_DIR, MT_REG, MT_LNK };

/* The names; an index into this table is how the model names an entry. */
extern const char *const model_names[MODEL_NAMES];
enum { NAME_A, NAME_B, NAME_C, NAME_D, NAME_E, NAME_S, NAME_O, NAME_L, NAME_M, NAME_T,
       NAME_LONG };
int model_name_index(const char *name, size_t len);	/* -1: not one of ours */

struct mcell;

struct mobj {
	uint8_t type;			/* enum mtype */
	bool fsroot;			/* the root of a filesystem */
	bool casefold;			/* on a casefold filesystem: names compare folded */
	bool autofs;			/* an autofs root: a directory made in it is a trigger */
	uint64_t last_ino;		/* an autofs root: its filesystem's newest inode */
	unsigned int dev;
	uint64_t ino;
	const char *body;		/* a symlink's target, kept once per text */
	mref same_id;			/* the object made before it with its dev and ino */
	/* cells, allocated on first use and then published (release) */
	struct mcell *_Atomic where;	/* parent and name (or dead), see model.c */
	struct mcell *_Atomic mounted;	/* directories: the root mounted directly here */
	struct mcell *_Atomic mountpoint;	/* filesystem roots: where it is mounted */
	struct mcell *_Atomic child[MODEL_NAMES];	/* directories: entries */
	struct mcell *_Atomic attr;	/* directories: link count and size, see model.c */
};

/* A reader's floor (model_reader_begin): in a cache line of its own. */
struct model_floor {
	_Atomic uint64_t s0;		/* no unchecked lookup began before this */
} __attribute__((aligned(64)));

struct model {
	_Atomic uint64_t published;	/* the last complete version */
	_Atomic int busy;		/* the writer is making version published + 1 */
	uint64_t ver;			/* the writer's current version */
	struct mobj *obj;		/* MODEL_OBJECTS of them, never moved */
	uint32_t nobj;
	char **bodies;			/* symlink bodies, one per text (open addressing) */
	size_t body_slots, nbodies;
	mref root;			/* "/" */
	/* objects by dev and ino (model_find): open addressing, the newest
	 * of each pair in its slot, stored with release once made */
	mref _Atomic *by_id;
	mref *attached;			/* the filesystem roots mounted now */
	uint32_t nattached;
	uint64_t *mount_events;		/* versions that changed the mount table */
	_Atomic size_t n_mount_events;
	uint64_t *ns_events;		/* ... or bumped rename_lock or mount_lock */
	_Atomic size_t n_ns_events;
	char (*log)[128];		/* what each recent version did */
	_Atomic uint64_t *log_ver;
	size_t log_size;
	/* the history's bound (model_throttle), the writer's alone but floor[] */
	struct model_floor *floor;	/* one per reader */
	int nfloors;
	uint64_t need;			/* every floor must reach this before the next step */
	uint64_t safe;			/* no unchecked lookup began before this (last scan) */
	int step_versions;		/* versions since the last model_throttle() */
	_Atomic int waiting_for;	/* the reader the writer waits for; -1: none */
	_Atomic long search_steps;	/* checks' steps, by thousands: a long check is
					 * work under way, not a hang */
	double waited;			/* seconds the writer waited in model_throttle() */
};

int model_init(struct model *m, unsigned int root_dev, uint64_t root_ino);
void model_destroy(struct model *m);

/* ---- the writer (holds no lock; model_begin takes it) ---- */

/* Start version m->ver + 1; its changes follow, then model_publish. */
void model_begin(struct model *m, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void model_publish(struct model *m);
/* An engine operation begins or ends that may change the namespace. */
void model_writer_busy(struct model *m, bool busy);

/*
 * model_throttle - wait until the next step's changes (at most MODEL_STEP
 * versions) can drop no value a lookup not yet checked may need, nor make
 * a window longer than the checker covers.  Called between steps, never
 * inside one (model_writer_busy() false): a checker may be waiting for the
 * step's version.  Returns false, at once, when *@stop is set.
 */
bool model_throttle(struct model *m, const _Atomic bool *stop);

bool model_full(const struct model *m);		/* no room for another object */
double model_fill(const struct model *m);	/* 0 .. 1: capacity used */
mref model_add(struct model *m, mref dir, int name, enum mtype type, unsigned int dev,
	       uint64_t ino, const char *body);
void model_remove(struct model *m, mref dir, int name);
void model_rename(struct model *m, mref from_dir, int from, mref to_dir, int to);
void model_exchange(struct model *m, mref dir1, int name1, mref dir2, int name2);
mref model_mount(struct model *m, mref dir, unsigned int dev);
/* the filesystem whose root is @fsroot (new, unpublished) is casefold */
void model_fs_casefold(struct model *m, mref fsroot);
/* ... is an autofs map (the writer's business: the checker never reads it) */
void model_fs_autofs(struct model *m, mref fsroot);
void model_umount(struct model *m, mref fsroot);	/* and everything below it */
void model_note_ns_event(struct model *m);		/* rename_lock or mount_lock moved */

/* The writer's view: the current version (no lock needed by the writer). */
mref model_child(const struct model *m, mref dir, int name);
mref model_parent(const struct model *m, mref obj);	/* 0 for a root or the dead */
int model_name_of(const struct model *m, mref obj);
mref model_mounted_on(const struct model *m, mref dir);
mref model_mountpoint(const struct model *m, mref fsroot);
mref model_top(const struct model *m, mref dir);	/* through stacked mounts */
bool model_is_empty(const struct model *m, mref dir);
bool model_is_ancestor(const struct model *m, mref anc, mref obj);	/* within one fs */
mref model_fs_root(const struct model *m, mref obj);
int model_path(const struct model *m, mref obj, char *buf, size_t n);	/* 0, or -1 */
/*
 * model_find - for a checker, without a lock: the newest object numbered
 * @dev, @ino whose history began by version @w (a filesystem mounted again
 * may reuse a dev and its inode numbers), else the newest (the root has
 * no history); 0 if none.
 */
mref model_find(const struct model *m, unsigned int dev, uint64_t ino, uint64_t w);

/* ---- readers ---- */

/* The readers, by index from 0: their floors, all MODEL_IDLE at first. */
int model_readers(struct model *m, int n);
/* Before a batch of lookups: publish the floor; the s0s sampled after it are not below it. */
void model_reader_begin(struct model *m, int reader);
/* The batch's lookups before @next_s0 are checked (MODEL_IDLE: all of them). */
void model_reader_checked(struct model *m, int reader, uint64_t next_s0);

/*
 * LK_ANCESTORS is the callback form of the ancestor walk (RCU first, REF
 * on a restart); LK_ANCESTORS_ITER the reference-taking iterator, whose
 * every step is path_walk_parent() as the callback's REF fallback takes
 * it, and so is checked as that fallback is (anc_rcu false).
 */
/*
 * LK_CACHED is openat2(RESOLVE_CACHED) of a path, then fstat and close:
 * -EAGAIN is always allowed, any other answer only from a walk that never
 * left RCU mode (left_rcu false), and then checked as stat's.  A strategy
 * with no RCU mode never leaves it, and is checked as stat.
 */
enum lookup_kind { LK_STAT, LK_LSTAT, LK_IN_ROOT, LK_ANCESTORS, LK_ANCESTORS_ITER,
		   LK_GETCWD, LK_CACHED };

static inline bool lk_ancestors(enum lookup_kind kind)
{
	return kind == LK_ANCESTORS || kind == LK_ANCESTORS_ITER;
}

#define MODEL_CWD_SIZE	512		/* LK_GETCWD's buffer */

struct lookup_record {
	enum lookup_kind kind;
	const char *path;
	const char *root;		/* LK_IN_ROOT */
	int err;			/* the answer: 0 or -errno (LK_GETCWD: or the length) */
	struct nb_kstat st;		/* ... and what it found (LK_GETCWD: the working
					 * directory, found by path before the call) */
	char cwd[MODEL_CWD_SIZE];	/* LK_GETCWD: the path getcwd gave */
	char dir[64];			/* ... and the one it went into (path points here) */
	struct nb_kstat anc[MODEL_ANCESTORS];
	/* the version published when the walk handed anc[i] over (its
	 * callback, after a full fence): what it copied of anc[i] held by
	 * then, or by the change in flight then; 0: not recorded */
	uint64_t anc_by[MODEL_ANCESTORS];
	int nanc;			/* -1: more than MODEL_ANCESTORS */
	uint64_t s0, s1;		/* the versions sampled before and after */
	bool rcu_complete;		/* the walk never left RCU mode */
	bool seq_moved;			/* rename_lock or mount_lock moved meanwhile */
	bool attrs_rcu;			/* st's attributes copied under RCU, validated
					 * by the walk's d_seq (rcufull's stat) */
	bool anc_rcu;			/* LK_ANCESTORS: that walk finished in RCU mode */
	bool left_rcu;			/* LK_CACHED: its walk unlazied or restarted */
	bool attrs_unknown;		/* nlink and size not recorded: identity only */
};

enum check_mode { CHECK_STEPS, CHECK_ATOMIC };	/* CHECK_ATOMIC: global */

enum check_result { CHECK_OK, CHECK_UNCHECKED, CHECK_VIOLATION };

/*
 * model_check - is @r's answer one the model allows?  Takes the read lock.
 * Waits (briefly) for the writer to finish the version the window may
 * include.  On a violation, writes a report a person can read to @report.
 */
enum check_result model_check(struct model *m, const struct lookup_record *r,
			      enum check_mode mode, FILE *report);
/* After CHECK_UNCHECKED: why, in words (this thread's last check). */
const char *model_unchecked_why(void);
const char *model_kind_name(enum lookup_kind kind);	/* "stat", "lstat", ... */

/* The window's upper end, once the writer has published what it needs. */
uint64_t model_window_end(struct model *m, uint64_t s1);

#endif /* NB_MODEL_H */
