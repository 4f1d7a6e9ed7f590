/*
 * The bug zoo: deliberately broken variants of the engine, each a real
 * class of lookup bug, switched on one at a time (nb_zoo_select) so that
 * the stress test can prove it catches them, as rcutorture proves itself
 * against a broken RCU.
 *
 * Only the stress build has them (NB_ZOO, bin/nameibench-zoo): elsewhere
 * zoo(BUG) is the constant 0 and the compiler removes every injected
 * branch, so the benchmark build's hot paths are the correct code alone.
 */
#ifndef NB_ZOO_H
#define NB_ZOO_H

#include "compiler.h"

enum nb_zoo_bug {
	ZOO_NONE,
	ZOO_SYMLINK_FREE_NORCU,	/* symlink body freed without a grace period */
	ZOO_DENTRY_FREE_NORCU,	/* dentry and external name freed at once */
	ZOO_INODE_REFETCH,	/* d_inode read again under RCU */
	ZOO_SKIP_PARENT_SEQ,	/* lookup_fast() without the parent's d_seq recheck */
	ZOO_SKIP_MOUNT_SEQ,	/* mount crossings not validated against m_seq */
	ZOO_GET_NOT_DEAD,	/* legitimize with lockref_get, not get_not_dead */
	ZOO_RENAME_NO_SEQ,	/* d_move() without the d_seq write sections */
	ZOO_MNT_NO_BARRIER,	/* __legitimize_mnt() without its full barrier */
	ZOO_DOTDOT_ESCAPE,	/* scoped '..' without the rename/mount re-check */
	ZOO_ANCESTORS_NO_RECHECK,	/* the ancestor walk not hand over hand */
	ZOO_LEGITIMIZE_CURRENT_MSEQ,	/* legitimize against mount_lock as it is now */
	ZOO_LAST_DSEQ_LATE,	/* __d_lookup_rcu samples d_seq after its checks */
	ZOO_RENAME_OUTSIDE_DSEQ,	/* an exchange's target outside d_seq */
	ZOO_STAT_ATTRS_OUTSIDE_WINDOW,	/* stat under RCU copies after validating */
	ZOO_REVALIDATE_INODE_TWICE,	/* nfs's RCU d_revalidate reads d_inode twice */
	ZOO_GET_LINK_NULL_DENTRY,	/* nfs's get_link uses the dentry it has not got */
	ZOO_PRUNE_FREES_FSDATA,	/* casefold's d_prune frees what d_hash/d_compare read */
	ZOO_AUTOFS_RELEASE_NORCU,	/* autofs's d_release frees what d_manage reads, at once */
	ZOO_OPEN_DENTRY_NORCU,	/* an open file's dentry freed at once at its last put */
	ZOO_GETCWD_NO_RENAME_LOCK,	/* getcwd's lockless pass not checked against rename_lock */
	ZOO_RESOLVE_CACHED_UNLAZY,	/* RESOLVE_CACHED leaves RCU mode instead of -EAGAIN */
	ZOO_MAX
};

#ifdef NB_ZOO
extern enum nb_zoo_bug nb_zoo_bug;
# define zoo(bug)	unlikely(nb_zoo_bug == ZOO_##bug)
#else
# define zoo(bug)	0
#endif

#endif /* NB_ZOO_H */
