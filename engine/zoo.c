/*
 * The bug zoo's catalogue and switch (see zoo.h).
 */
#include <errno.h>
#include <string.h>

#include "engine.h"
#include "zoo.h"

#ifdef NB_ZOO
enum nb_zoo_bug nb_zoo_bug;
#endif

static const struct nb_zoo_entry zoo_catalogue[ZOO_MAX] = {
	[ZOO_REVALIDATE_INODE_TWICE] = {
		"revalidate-inode-twice", "rcuwalk,rcufull",
		"nfs's d_revalidate in RCU mode checks d_inode, then reads it again to use it",
		"ceph_d_revalidate (2019, Al Viro's review of ->d_revalidate under RCU): "
		"d_inode read twice, NULL the second time after a concurrent unlink",
		"nfs",
	},
	[ZOO_GET_LINK_NULL_DENTRY] = {
		"get-link-null-dentry", "rcuwalk,rcufull",
		"nfs's ->get_link uses the dentry it is given, which in RCU mode is NULL",
		"the 2019 ->get_link audit: a get_link called under RCU gets no dentry and "
		"must not touch one (several filesystems did)",
		"nfs",
	},
	[ZOO_PRUNE_FREES_FSDATA] = {
		"prune-frees-fsdata", "rcuwalk,rcufull",
		"casefold's d_prune frees the directory's d_fsdata at once, while a lockless "
		"d_hash or d_compare may be reading it",
		"Al Viro's 2019 rule for ->d_prune and ->d_release: they overlap lockless "
		"d_hash, d_compare, d_revalidate and d_manage, so must not free what those "
		"use without an RCU delay",
		"casefold",
	},
	[ZOO_AUTOFS_RELEASE_NORCU] = {
		"autofs-release-norcu", "rcuwalk,rcufull",
		"autofs's d_release frees a trigger's autofs_info at once, while a lockless "
		"d_manage may be reading it",
		"autofs_dentry_release() and autofs_free_ino()'s plain kfree (Al Viro, 2019): "
		"autofs_d_manage() in RCU mode reads the info of a dentry being killed",
		NULL,
	},
	[ZOO_OPEN_DENTRY_NORCU] = {
		"open-dentry-norcu", "dlock,lockref",
		"an open file's dentry is freed at once at its last put (the close after an "
		"unlink), while a walker that found the name before the unlink may read it",
		"the DCACHE_RCUACCESS whack-a-mole ended by 5467a68cbf68 (\"dcache: sort the "
		"freeing-without-RCU-delay mess for good\", Linux 5.1): the RCU delay was "
		"opt-in and the paths that needed it kept being missed",
		NULL,
	},
	[ZOO_SYMLINK_FREE_NORCU] = {
		"symlink-free-norcu", "rcuwalk,rcufull",
		"a symlink body is freed when its inode dies, not a grace period later",
		"the 2019 use-after-frees in debugfs, bpf, jffs2, ubifs and ceph: ->i_link "
		"freed with the inode's last iput() while an RCU walker was reading it",
		NULL,
	},
	[ZOO_DENTRY_FREE_NORCU] = {
		"dentry-free-norcu", "dlock,lockref,rcuwalk,rcufull",
		"a dead dentry and its external name are freed at once, not after RCU",
		"autofs freeing ->d_release data with a plain kfree (2019); the reason "
		"dentries themselves are freed through call_rcu",
		NULL,
	},
	[ZOO_INODE_REFETCH] = {
		"inode-refetch", "rcuwalk,rcufull",
		"under RCU, d_inode is read again instead of the inode the walk validated",
		"d_inode read twice under RCU and found NULL once a concurrent unlink made "
		"the dentry negative: why nameidata caches the inode it checked",
		NULL,
	},
	[ZOO_SKIP_PARENT_SEQ] = {
		"skip-parent-seq", "rcuwalk,rcufull",
		"lookup_fast() does not re-check the parent's d_seq after finding the child",
		"the hand-over-hand rule of RCU-walk: without it the child may be found in a "
		"parent that had already moved",
		NULL,
	},
	[ZOO_SKIP_MOUNT_SEQ] = {
		"skip-mount-seq", "rcufull",
		"mount crossings, down and up ('..'), are not validated against the walk's "
		"m_seq, and stat under RCU checks d_seq only",
		"the second sequence count the 2024 stat-under-RCU design must check (in "
		"rcuwalk the final legitimize_mnt() re-checks m_seq and hides the omission)",
		NULL,
	},
	[ZOO_GET_NOT_DEAD] = {
		"get-not-dead", "lockref,rcuwalk,rcufull",
		"legitimizing takes a plain lockref_get() instead of lockref_get_not_dead()",
		"a reference on a dentry that is already being killed: the reason "
		"lockref_get_not_dead() exists",
		NULL,
	},
	[ZOO_RENAME_NO_SEQ] = {
		"rename-no-seq", "rcuwalk,rcufull",
		"d_move() changes parent and name without the d_seq write sections",
		"the d_seq recheck that makes an RCU walk through a concurrent rename see a "
		"consistent (parent, name) or restart",
		NULL,
	},
	[ZOO_MNT_NO_BARRIER] = {
		"mnt-no-barrier", "dlock,lockref,rcuwalk,rcufull",
		"__legitimize_mnt() re-reads mount_lock without a full barrier after taking "
		"its count",
		"the store-load race between legitimize_mnt() and umount's busy check: both "
		"miss the other and a busy mount is unmounted",
		NULL,
	},
	[ZOO_DOTDOT_ESCAPE] = {
		"dotdot-escape", "dlock,lockref,rcuwalk,rcufull",
		"'..' in a scoped (RESOLVE_IN_ROOT) walk skips the rename_lock and mount_lock "
		"re-check",
		"the escape from a root that the kernel's openat2 rename_attack test hunts: "
		"a rename moves the walker out from under its root between two '..'",
		NULL,
	},
	[ZOO_ANCESTORS_NO_RECHECK] = {
		"ancestors-no-recheck", "rcuwalk,rcufull",
		"the RCU ancestor walk does not recheck a dentry's d_seq after sampling its "
		"parent's",
		"the hand-over-hand rule of RCU-walk, upward: without it the walk reports a "
		"parent the child had already left by the time the parent was sampled",
		NULL,
	},
	[ZOO_LEGITIMIZE_CURRENT_MSEQ] = {
		"legitimize-current-mseq", "rcuwalk,rcufull",
		"legitimize_path() checks the mount it takes against mount_lock as it reads "
		"now, not the m_seq the walk sampled",
		"legitimize_mnt(mnt, nd->m_seq): a fresh sample hides an umount that "
		"finished during the walk, and the walker holds a mount that is gone",
		NULL,
	},
	[ZOO_LAST_DSEQ_LATE] = {
		"last-dseq-late", "rcuwalk,rcufull",
		"__d_lookup_rcu() samples the child's d_seq after its parent and name checks",
		"the order __d_lookup_rcu() documents (seq first, then the checks): sampled "
		"late, the seq validates a child that a rename moved after it matched",
		NULL,
	},
	[ZOO_RENAME_OUTSIDE_DSEQ] = {
		"rename-outside-dseq", "rcuwalk,rcufull",
		"an exchange moves its target outside any d_seq write section (the source "
		"keeps its own)",
		"__d_move()'s second, nested write section, on the target: without it a "
		"walker standing on the target validates it across the move and walks on "
		"from its new place",
		NULL,
	},
	[ZOO_STAT_ATTRS_OUTSIDE_WINDOW] = {
		"stat-attrs-outside-window", "rcufull",
		"stat under RCU validates d_seq and m_seq first and copies the attributes "
		"afterwards",
		"the ordering the 2024 stat-under-RCU design must keep: only attributes read "
		"before the final check belong to the object the walk validated",
		NULL,
	},
	[ZOO_GETCWD_NO_RENAME_LOCK] = {
		"getcwd-no-rename-lock", "rcuwalk,rcufull",
		"getcwd's lockless pass up d_parent is not checked against rename_lock, "
		"so a rename during it is kept: names and parents of different moments",
		"232d2d60aa54 (\"dcache: Translating dentry into pathname without taking "
		"rename_lock\", 3.12): its retry after a rename did not start over and "
		"getcwd answered \"/\" (fixed by ede4cebce16f, \"prepend_path() needs to "
		"reinitialize dentry/vfsmount/mnt on restarts\"; xfstests generic/028)",
		NULL,
	},
	[ZOO_RESOLVE_CACHED_UNLAZY] = {
		"resolve-cached-unlazy", "rcuwalk,rcufull",
		"RESOLVE_CACHED leaves RCU mode instead of failing with -EAGAIN: "
		"try_to_unlazy() and try_to_unlazy_next() skip their LOOKUP_CACHED check",
		"6c6ec2b0a3e0 (\"fs: add support for LOOKUP_CACHED\") and its fix "
		"eacd9aa8cede (\"fix handling of nd->depth on LOOKUP_CACHED failures in "
		"try_to_unlazy*\", b93a6e389bdc7 in a backport tree), which moved the check "
		"into legitimize_links(); Chris Mason's December 2025 review found "
		"`nd->depth && !legitimize_links(nd)` skipping it at depth 0, so io_uring's "
		"non-blocking open could block in lookup_slow",
		NULL,
	},
};

int nb_zoo_count(void)
{
	return ZOO_MAX - 1;
}

const struct nb_zoo_entry *nb_zoo_entry(int i)
{
	return i >= 1 && i < ZOO_MAX ? &zoo_catalogue[i] : NULL;
}

bool nb_zoo_built(void)
{
#ifdef NB_ZOO
	return true;
#else
	return false;
#endif
}

int nb_zoo_select(const char *name)
{
	int i;

	for (i = 1; i < ZOO_MAX; i++)
		if (!strcmp(zoo_catalogue[i].name, name)) {
#ifdef NB_ZOO
			nb_zoo_bug = (enum nb_zoo_bug)i;
			return 0;
#else
			return -ENOSYS;
#endif
		}
	return -EINVAL;
}
