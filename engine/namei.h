/*
 * Path walking: lookup flags and the path a walk is given (getname).  The
 * walk itself is engine/namei.c, compiled once per strategy; what an
 * operation does once its dentries are found is engine/vfs.c (vfs.h).
 */
#ifndef NB_NAMEI_H
#define NB_NAMEI_H

#include "dcache.h"
#include "fs.h"
#include "mount.h"

#define MAXSYMLINKS	40

/* lookup flags (nd->flags) */
#define LOOKUP_FOLLOW		0x0001	/* follow a trailing symlink */
#define LOOKUP_DIRECTORY	0x0002	/* the result must be a directory */
#define LOOKUP_AUTOMOUNT	0x0004	/* a trailing automount trigger is mounted (stat) */
#define LOOKUP_PARENT		0x0010	/* inside link_path_walk, not at the last component */
#define LOOKUP_REVAL		0x0020	/* -ESTALE once: every d_revalidate asks the server */
#define LOOKUP_RCU		0x0040	/* RCU-walk mode */
#define LOOKUP_MOUNTPOINT	0x0080	/* umount: step onto what is mounted on the result */
#define LOOKUP_OPEN		0x0100	/* open(2), not O_PATH: a trailing trigger is mounted */
#define LOOKUP_CREATE		0x0200	/* lookup_one_qstr_excl: a negative result is wanted */
#define LOOKUP_EXCL		0x0400	/* ... and a positive one is EEXIST */
/* openat2(2)'s RESOLVE_ flags, as build_open_flags() turns them into these */
#define LOOKUP_NO_SYMLINKS	0x010000 /* RESOLVE_NO_SYMLINKS: any symlink to follow is -ELOOP */
#define LOOKUP_NO_MAGICLINKS	0x020000 /* RESOLVE_NO_MAGICLINKS: accepted, and changes
					  * nothing: the engine has no magic links (procfs's
					  * nd_jump_link(), the one place Linux tests it) */
#define LOOKUP_NO_XDEV		0x040000 /* RESOLVE_NO_XDEV: crossing a mount is -EXDEV */
#define LOOKUP_BENEATH		0x080000 /* RESOLVE_BENEATH: the start is the root, and
					  * no jump to it ("/", '..' at it) is allowed */
#define LOOKUP_IN_ROOT		0x100000 /* RESOLVE_IN_ROOT: the start is the root */
#define LOOKUP_CACHED		0x200000 /* RESOLVE_CACHED: the dcache alone, never block:
					  * -EAGAIN where RCU-walk would have to leave */
#define LOOKUP_IS_SCOPED	(LOOKUP_BENEATH | LOOKUP_IN_ROOT) /* '..' never leaves nd->root */

/* nd->state */
#define ND_ROOT_PRESET		0x1	/* nd->root is the caller's (held by it) */
#define ND_ROOT_GRABBED		0x2
#define ND_JUMPED		0x4	/* the walk ends where no name led: "/", ".", "..", a mount */

/* nd->last_type */
enum { LAST_NORM, LAST_ROOT, LAST_DOT, LAST_DOTDOT };

/* A path as the engine sees it: copied, bounded and padded (getname). */
struct filename {
	unsigned int len;
	char name[PATH_MAX + NB_NAME_PAD];
};

int getname(struct filename *fn, const char *path);
int getname_check(const char *path, size_t *len);

#endif /* NB_NAMEI_H */
