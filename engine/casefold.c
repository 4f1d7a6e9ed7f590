/*
 * casefold: a case-insensitive filesystem, as ext4 and f2fs are with the
 * casefold feature and +F on a directory (fs/libfs.c's generic_ci_d_hash
 * and generic_ci_d_compare), over disk's tables.  Names keep the case
 * they were created with; "Foo", "FOO" and "foo" name one entry, and a
 * lookup of any of them finds it.  The folding is ASCII's (A-Z to a-z);
 * the kernel's is Unicode's (utf8 casefold), which costs more and changes
 * nothing of what is modelled here: where the dcache calls the
 * filesystem to hash and compare names, and what those calls may touch.
 *
 * The dcache learns of it through d_hash and d_compare: every component
 * under a casefolding directory is hashed by d_hash (link_path_walk), so
 * all cases of a name land on one hash chain, and every candidate on the
 * chain is matched by d_compare on the slow compare path, in RCU mode
 * against a name a rename may be rewriting (__d_lookup_rcu_op_compare).
 *
 * Whether a directory folds is the directory's (ext4 reads IS_CASEFOLDED
 * from its inode); here it lives in the directory's dentry, in d_fsdata,
 * so that the rule Al Viro spelt out in 2019 applies to something: a
 * lockless d_hash or d_compare may be reading it while the dentry is
 * killed, so ->d_prune must not free it and ->d_release frees it only
 * after a grace period (zoo: prune-frees-fsdata).
 *
 * Negative dentries are not kept (d_delete), as ext4 kept none in a
 * casefolded directory before Linux 6.6: a negative "FOO" would still
 * answer for "foo" after "foo" was created through another case.  A
 * rename to another case of the same name finds source and target to be
 * one inode and is a no-op (vfs_rename), as on ext4.  Option strict:
 * names that are not valid in the encoding (here: bytes past ASCII) are
 * -EINVAL, as with the kernel's strict encoding.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "casefold.h"
#include "debug.h"
#include "diskfs.h"
#include "fs.h"
#include "namei.h"
#include "rcu.h"
#include "zoo.h"

#define CASEFOLD_MAGIC	0xcf01d3a7u

struct casefold_info {			/* the superblock's: the encoding */
	bool strict;
};

/* A directory's d_fsdata: whether it folds.  Lockless readers reach it. */
struct casefold_dir {
	uint32_t magic;
	bool casefold;
	struct rcu_head rcu;
};

static const struct casefold_info *casefold_info(const struct super_block *sb)
{
	return ((const struct disk_sb *)sb->s_fs_info)->info;
}

/*
 * Does @dir fold?  Lockless callers (RCU mode) hold no reference on @dir,
 * which the shrinker may be killing: what d_fsdata points to must stay
 * readable until they leave their read-side section.  Acquire: pairs with
 * the release in casefold_new_dentry(), so the fields are initialized.
 */
static bool casefold_dir_folds(const struct dentry *dir, const char *where)
{
	const struct casefold_dir *cd =
		atomic_load_explicit(&((struct dentry *)dir)->d_fsdata, memory_order_acquire);

	if (!cd)
		return true;	/* its data could not be allocated: the type's default */
	/* a prune may free it now: correct code must not care (debug.h) */
	debug_delay();
	debug_check_magic(cd, &cd->magic, CASEFOLD_MAGIC, "casefold directory data", where);
	/* plain: written once, before the release that published cd */
	return cd->casefold;
}

static bool casefold_valid(const struct super_block *sb, const char *name, unsigned int len)
{
	unsigned int i;

	if (!casefold_info(sb)->strict)
		return true;
	for (i = 0; i < len; i++)
		if ((unsigned char)name[i] >= 0x80)
			return false;
	return true;
}

/* ->d_hash: the folded name's hash, salted with the directory as the walk's is */
static int casefold_d_hash(const struct dentry *dir, struct qstr *name)
{
	if (!casefold_dir_folds(dir, "casefold d_hash"))
		return 0;		/* the walk's own hash stands */
	/* any length: a name too long is ->lookup's ENAMETOOLONG, in the kernel's order */
	if (!casefold_valid(dir->d_sb, name->name, name->len))
		return -EINVAL;
	name->hash = casefold_hash(dir, name->name, name->len);
	return 0;
}

/*
 * ->d_compare: 0 if @dentry's name (@len bytes at @str) is @name folded.
 * In RCU mode @str may be rewritten by a concurrent rename: copied first,
 * a word at a time with relaxed atomic loads as dentry_cmp() reads it,
 * so the comparison runs on a stable string (as generic_ci_d_compare
 * copies an inline name); whatever it answers for a torn name, the
 * caller's d_seq check throws away.
 */
static int casefold_d_compare(const struct dentry *dentry, unsigned int len, const char *str,
			      const struct qstr *name)
{
	uint64_t copy[(NAME_MAX + 8) / 8];
	const _Atomic uint64_t *w = (const _Atomic uint64_t *)(const void *)str;
	unsigned int i;

	if (len != name->len || len > NAME_MAX)
		return 1;
	if (!casefold_dir_folds(d_parent(dentry), "casefold d_compare"))
		return !dentry_cmp(str, name->name, len);
	for (i = 0; i < (len + 7) / 8; i++)
		copy[i] = atomic_load_explicit(&w[i], memory_order_relaxed);
	return casefold_cmp((const char *)copy, name->name, len) != 0;
}

/* ext4 before 6.6: no negative dentries in a casefolded directory */
static int casefold_d_delete(const struct dentry *dentry)
{
	return !READ_ONCE(((struct dentry *)dentry)->d_inode);
}

static void casefold_dir_free_rcu(struct rcu_head *head)
{
	rcu_callback_enter(head);
	nb_free(container_of(head, struct casefold_dir, rcu));
}

/* ->d_release: lockless d_hash/d_compare callers may still read it */
static void casefold_d_release(struct dentry *dentry)
{
	struct casefold_dir *cd = atomic_exchange(&dentry->d_fsdata, NULL);

	if (cd)
		call_rcu(&cd->rcu, casefold_dir_free_rcu);
}

/*
 * The zoo's ->d_prune: frees the directory's data at once, without the
 * grace period that lockless callers need (prune-frees-fsdata).
 */
static void casefold_d_prune_norcu(struct dentry *dentry)
{
	nb_free(atomic_exchange(&dentry->d_fsdata, NULL));
}

static const struct dentry_operations casefold_dentry_operations = {
	.d_hash		= casefold_d_hash,
	.d_compare	= casefold_d_compare,
	.d_delete	= casefold_d_delete,
	.d_release	= casefold_d_release,
};

static const struct dentry_operations casefold_dentry_operations_zoo = {
	.d_hash		= casefold_d_hash,
	.d_compare	= casefold_d_compare,
	.d_delete	= casefold_d_delete,
	.d_release	= casefold_d_release,
	.d_prune	= casefold_d_prune_norcu,
};

/* A directory's dentry gets its data before it is published (d_add). */
static void casefold_new_dentry(struct dentry *dentry, struct inode *inode)
{
	struct casefold_dir *cd;

	if (!inode || !S_ISDIR(inode->i_mode))
		return;
	cd = malloc(sizeof(*cd));
	if (!cd)
		return;		/* folds by the type's default */
	cd->magic = CASEFOLD_MAGIC;
	cd->casefold = true;
	/* release: pairs with the acquire in casefold_dir_folds() */
	atomic_store_explicit(&dentry->d_fsdata, cd, memory_order_release);
}

static const struct super_operations casefold_ops = {
	.destroy_inode	= disk_destroy_inode,
	.free_inode	= disk_free_inode,
	.kill_sb	= disk_kill_sb,
};

static const struct disk_flavor casefold_flavor = {
	.s_op		= &casefold_ops,
	.d_op		= &casefold_dentry_operations,
	.new_dentry	= casefold_new_dentry,
	.casefold	= true,
};

static const struct disk_flavor casefold_flavor_zoo = {
	.s_op		= &casefold_ops,
	.d_op		= &casefold_dentry_operations_zoo,
	.new_dentry	= casefold_new_dentry,
	.casefold	= true,
};

static int casefold_options(struct casefold_info *ci, const char *options)
{
	char opt[64];

	ci->strict = false;
	while (next_fs_option(&options, opt, sizeof(opt))) {
		if (!strcmp(opt, "strict"))
			ci->strict = true;
		else
			return -EINVAL;
	}
	return 0;
}

static int casefold_fill_super(struct super_block *sb, const char *options)
{
	struct casefold_info *ci = malloc(sizeof(*ci));
	int err = ci ? casefold_options(ci, options) : -ENOMEM;

	if (err) {
		free(ci);
		return err;
	}
	err = disk_fill_super_flavor(sb, zoo(PRUNE_FREES_FSDATA) ? &casefold_flavor_zoo
							      : &casefold_flavor, ci);
	if (err)
		return err;
	/* d_make_root() gave the root no operations: its children need d_hash too */
	d_set_d_op(sb->s_root, sb->s_d_op);
	casefold_new_dentry(sb->s_root, d_inode(sb->s_root));
	return 0;
}

static int casefold_check_options(const char *options)
{
	struct casefold_info ci;

	return casefold_options(&ci, options);
}

const struct file_system_type casefold_fs_type = {
	.name		= "casefold",
	.summary	= "case-insensitive over disk's tables (ext4 -O casefold): d_hash and "
			  "d_compare fold ASCII case, no negative dentries (strict)",
	.fill_super	= casefold_fill_super,
	.check_options	= casefold_check_options,
};
