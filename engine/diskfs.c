/*
 * disk: a filesystem whose directories live outside the dcache, as on
 * ext4 or xfs, so that the dcache is only a cache of them.
 *
 * Each directory inode keeps its entries in a table of its own
 * (i_private: name -> inode, holding a reference to each inode; the
 * "disk").  ->lookup reads it, under the directory's i_rwsem held shared,
 * and answers with a positive or a negative dentry; both are kept when
 * their last user lets go (no pin, no d_delete), on the superblock's LRU,
 * until the shrinker evicts them (prune_dcache_sb: under the unused-dentry
 * budget, or on demand).  So a second stat of a missing name finds the
 * negative dentry and can finish in RCU mode, where on tmpfs every miss
 * goes to ->lookup; and after an eviction the next walk finds the name
 * again through ->lookup.
 *
 * Links and sizes are tmpfs's (libfs.c): a type changes speed, never
 * answers, and the conformance tester holds it to the kernel's tmpfs.
 * Inodes themselves are never evicted: the tables hold them, as if the
 * inode cache were large enough (what is modelled is the dcache).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "casefold.h"
#include "diskfs.h"
#include "fs.h"
#include "vfs.h"

struct disk_entry {
	struct disk_entry *next;
	struct inode *inode;		/* a reference of the table's */
	uint32_t hash, len;
	char name[];
};

struct disk_dir {
	struct disk_entry **buckets;
	unsigned int nbuckets;		/* a power of two */
	unsigned long nr;
	bool casefold;			/* names compared folded (casefold.c) */
	struct disk_dir *next;		/* disk_kill_sb's work list */
};

static struct disk_dir *disk_dir(const struct inode *dir)
{
	return dir->i_private;
}

static struct disk_dir *disk_dir_new(const struct super_block *sb)
{
	struct disk_dir *t = calloc(1, sizeof(*t));

	if (t && !(t->buckets = calloc(8, sizeof(*t->buckets)))) {
		free(t);
		return NULL;
	}
	if (t) {
		t->nbuckets = 8;
		t->casefold = disk_flavor(sb)->casefold;
	}
	return t;
}

static bool disk_name_eq(const struct disk_dir *t, const char *a, const char *b, uint32_t len)
{
	return t->casefold ? !casefold_cmp(a, b, len) : !memcmp(a, b, len);
}

static struct disk_entry **disk_slot(struct disk_dir *t, const struct qstr *name, uint32_t hash)
{
	struct disk_entry **p = &t->buckets[hash & (t->nbuckets - 1)];

	for (; *p; p = &(*p)->next)
		if ((*p)->hash == hash && (*p)->len == name->len &&
		    disk_name_eq(t, (*p)->name, name->name, name->len))
			break;
	return p;
}

/* A casefolding directory hashes the folded name: "Foo" and "foo" share a slot. */
static uint32_t disk_hash(const struct disk_dir *t, const struct qstr *name)
{
	return t->casefold ? casefold_hash(NULL, name->name, name->len)
			   : full_name_hash(NULL, name->name, name->len);
}

/* The inode @name names in @dir, or NULL; caller holds @dir's i_rwsem. */
struct inode *disk_find(struct inode *dir, const struct qstr *name)
{
	struct disk_entry *e = *disk_slot(disk_dir(dir), name, disk_hash(disk_dir(dir), name));

	return e ? e->inode : NULL;
}

/* Double the buckets past one entry per bucket; a failure only costs speed. */
static void disk_grow(struct disk_dir *t)
{
	unsigned int n = t->nbuckets * 2, i;
	struct disk_entry **b = calloc(n, sizeof(*b));

	if (!b)
		return;
	for (i = 0; i < t->nbuckets; i++)
		while (t->buckets[i]) {
			struct disk_entry *e = t->buckets[i];

			t->buckets[i] = e->next;
			e->next = b[e->hash & (n - 1)];
			b[e->hash & (n - 1)] = e;
		}
	free(t->buckets);
	t->buckets = b;
	t->nbuckets = n;
}

static struct disk_entry *disk_entry_new(struct inode *dir, const struct qstr *name,
					 struct inode *inode)
{
	struct disk_entry *e = malloc(sizeof(*e) + name->len);

	if (!e)
		return NULL;
	e->inode = inode;
	e->hash = disk_hash(disk_dir(dir), name);
	e->len = name->len;
	memcpy(e->name, name->name, name->len);
	return e;
}

/* The table takes @e (not there yet) and the inode reference in it. */
static void disk_insert(struct inode *dir, struct disk_entry *e)
{
	struct disk_dir *t = disk_dir(dir);
	struct disk_entry **p = &t->buckets[e->hash & (t->nbuckets - 1)];

	e->next = *p;
	*p = e;
	if (++t->nr > t->nbuckets)
		disk_grow(t);
}

/* Take @name's entry out; returns it, with its inode reference. */
static struct disk_entry *disk_remove(struct inode *dir, const struct qstr *name)
{
	struct disk_dir *t = disk_dir(dir);
	struct disk_entry **p = disk_slot(t, name, disk_hash(t, name)), *e = *p;

	if (e) {
		*p = e->next;
		t->nr--;
	}
	return e;
}

static struct dentry *disk_lookup(struct inode *dir, struct dentry *dentry, unsigned int flags)
{
	struct qstr name = d_qstr(dentry);
	struct inode *inode;

	(void)flags;
	if (name.len > NAME_MAX)
		return ERR_PTR(-ENAMETOOLONG);
	if (unlikely(IS_STALE(dir)))
		return ERR_PTR(-ESTALE);	/* the server let go of the directory */
	inode = disk_find(dir, &name);
	if (inode)
		ihold(inode);		/* the dentry's */
	if (disk_flavor(dir->i_sb)->new_dentry)
		disk_flavor(dir->i_sb)->new_dentry(dentry, inode);
	d_add(dentry, inode);
	return NULL;
}

static const struct inode_operations disk_dir_inode_operations;

static int disk_mknod(struct inode *dir, struct dentry *dentry, unsigned int mode,
		      const char *target)
{
	struct qstr name = d_qstr(dentry);
	struct inode *inode;
	struct disk_entry *e;

	if (unlikely(IS_STALE(dir)))
		return -ESTALE;
	inode = simple_new_inode(dir, mode, target);
	e = inode ? disk_entry_new(dir, &name, inode) : NULL;

	if (e && S_ISDIR(mode)) {
		inode->i_op = &disk_dir_inode_operations;
		inode->i_private = disk_dir_new(dir->i_sb);
	}
	if (!e || (S_ISDIR(mode) && !inode->i_private)) {
		free(e);
		if (inode)
			iput(inode);
		return -ENOSPC;
	}
	if (disk_flavor(dir->i_sb)->new_inode)
		disk_flavor(dir->i_sb)->new_inode(inode);
	ihold(inode);		/* the table's */
	disk_insert(dir, e);
	simple_link_dir(dir, inode);
	if (disk_flavor(dir->i_sb)->new_dentry)
		disk_flavor(dir->i_sb)->new_dentry(dentry, inode);
	d_instantiate(dentry, inode);	/* with new_inode()'s reference */
	return 0;
}

static int disk_mkdir(struct inode *dir, struct dentry *dentry)
{
	return disk_mknod(dir, dentry, S_IFDIR, NULL);
}

static int disk_create(struct inode *dir, struct dentry *dentry)
{
	return disk_mknod(dir, dentry, S_IFREG, NULL);
}

static int disk_symlink(struct inode *dir, struct dentry *dentry, const char *target)
{
	int err = simple_symlink_len(target);

	return err ? err : disk_mknod(dir, dentry, S_IFLNK, target);
}

static void disk_entry_put(struct disk_entry *e)
{
	iput(e->inode);
	free(e);
}

/*
 * A name the client still caches may be gone from the server (another
 * client's server_remove): ENOENT, as the server answers; a directory it
 * let go of is ESTALE.  Neither happens without a second client.
 */
static int disk_server_check(struct inode *dir, const struct qstr *name)
{
	if (unlikely(IS_STALE(dir)))
		return -ESTALE;
	if (unlikely(!disk_find(dir, name)))
		return -ENOENT;
	return 0;
}

static int disk_unlink(struct inode *dir, struct dentry *dentry)
{
	struct qstr name = d_qstr(dentry);
	int err = disk_server_check(dir, &name);
	struct disk_entry *e;

	if (err)
		return err;
	e = disk_remove(dir, &name);
	simple_unlink_dir(dir, e->inode);
	disk_entry_put(e);	/* the dentry still holds the inode */
	return 0;
}

static int disk_rmdir(struct inode *dir, struct dentry *dentry)
{
	struct qstr name = d_qstr(dentry);
	int err = disk_server_check(dir, &name);

	if (err)
		return err;
	if (disk_dir(d_inode(dentry))->nr)
		return -ENOTEMPTY;
	return disk_unlink(dir, dentry);
}

static void disk_exchange(struct inode *old_dir, const struct qstr *old_name,
			  struct inode *new_dir, const struct qstr *new_name)
{
	struct disk_dir *ot = disk_dir(old_dir), *nt = disk_dir(new_dir);
	struct disk_entry *a = *disk_slot(ot, old_name, disk_hash(ot, old_name));
	struct disk_entry *b = *disk_slot(nt, new_name, disk_hash(nt, new_name));
	struct inode *t = a->inode;

	a->inode = b->inode;
	b->inode = t;
}

static int disk_rename(struct inode *old_dir, struct dentry *old_dentry,
		       struct inode *new_dir, struct dentry *new_dentry, unsigned int flags)
{
	struct qstr old_name = d_qstr(old_dentry), new_name = d_qstr(new_dentry);
	struct inode *source = d_inode(old_dentry), *victim = d_inode(new_dentry);
	struct disk_entry *e, *moved;
	int err = disk_server_check(old_dir, &old_name);

	if (!err && IS_STALE(new_dir))
		err = -ESTALE;
	if (!err && victim)
		err = disk_server_check(new_dir, &new_name);
	if (err)
		return err;
	if (flags & RENAME_EXCHANGE) {
		disk_exchange(old_dir, &old_name, new_dir, &new_name);
		simple_rename_dirs(old_dir, new_dir, source, victim, flags);
		return 0;
	}
	if (victim && S_ISDIR(victim->i_mode) && disk_dir(victim)->nr)
		return -ENOTEMPTY;
	/* the new entry first: nothing has changed if that fails */
	moved = disk_entry_new(new_dir, &new_name, source);
	if (!moved)
		return -ENOSPC;
	simple_rename_dirs(old_dir, new_dir, source, victim, flags);
	if (victim)
		disk_entry_put(disk_remove(new_dir, &new_name));
	e = disk_remove(old_dir, &old_name);
	free(e);		/* its inode reference goes to the new entry */
	disk_insert(new_dir, moved);
	return 0;
}

/*
 * disk_server_remove - another client removes @name from @dir on the
 * server (nfs's second client): the entry leaves the table, whose inode
 * reference goes, and the inode's handle is stale (S_STALE).  Nothing in
 * the dcache is told, nor are the cached attributes (links, sizes) that
 * this client holds; it finds out when it revalidates.  A directory must
 * be empty on the server, as rmdir wants.  Caller holds @dir's i_rwsem
 * exclusively.
 */
int disk_server_remove(struct inode *dir, const struct qstr *name)
{
	struct inode *inode;
	struct disk_entry *e;

	if (IS_STALE(dir))
		return -ESTALE;
	inode = disk_find(dir, name);
	if (!inode)
		return -ENOENT;
	if (S_ISDIR(inode->i_mode) && disk_dir(inode)->nr)
		return -ENOTEMPTY;
	atomic_fetch_or_explicit(&inode->i_flags, S_STALE, memory_order_relaxed);
	e = disk_remove(dir, name);
	disk_entry_put(e);
	return 0;
}

static const struct inode_operations disk_dir_inode_operations = {
	.lookup		= disk_lookup,
	.create		= disk_create,
	.mkdir		= disk_mkdir,
	.symlink	= disk_symlink,
	.unlink		= disk_unlink,
	.rmdir		= disk_rmdir,
	.rename		= disk_rename,
};

static void disk_dir_free(struct disk_dir *t)
{
	free(t->buckets);
	free(t);
}

/*
 * The table goes at once (only its directory's lock holders read it, and
 * an inode whose last reference went has none); a removed directory's is
 * empty.  The symlink body waits for a grace period (see shmem.c).
 */
void disk_destroy_inode(struct inode *inode)
{
	if (S_ISDIR(inode->i_mode) && inode->i_private)
		disk_dir_free(inode->i_private);
}

void disk_free_inode(struct inode *inode)
{
	if (S_ISLNK(inode->i_mode))
		simple_free_link(inode);
}

/*
 * disk_kill_sb - the dcache has let go of every dentry: release the
 * tables, which hold every inode but the root's.  Iterative (each table
 * is taken off its inode before the inode's last reference goes, so
 * destroy_inode finds none), because trees can be deeper than any stack.
 */
void disk_kill_sb(struct super_block *sb)
{
	struct disk_sb *dsb = sb->s_fs_info;
	struct inode *root = dsb ? dsb->root : NULL;
	struct disk_dir *todo = root ? root->i_private : NULL;

	if (!root) {
		free(dsb);
		return;
	}

	root->i_private = NULL;
	if (todo)
		todo->next = NULL;
	while (todo) {
		struct disk_dir *t = todo;
		unsigned int i;

		todo = t->next;
		for (i = 0; i < t->nbuckets; i++)
			while (t->buckets[i]) {
				struct disk_entry *e = t->buckets[i];
				struct disk_dir *sub = S_ISDIR(e->inode->i_mode) ?
						       e->inode->i_private : NULL;

				t->buckets[i] = e->next;
				if (sub) {
					e->inode->i_private = NULL;
					sub->next = todo;
					todo = sub;
				}
				disk_entry_put(e);
			}
		disk_dir_free(t);
	}
	iput(root);
	free(dsb->info);
	free(dsb);
}

static const struct super_operations disk_ops = {
	.destroy_inode	= disk_destroy_inode,
	.free_inode	= disk_free_inode,
	.kill_sb	= disk_kill_sb,
};

static const struct disk_flavor disk_plain = { .s_op = &disk_ops };

const struct disk_flavor *disk_flavor(const struct super_block *sb)
{
	return sb->s_fs_info ? ((struct disk_sb *)sb->s_fs_info)->flavor : &disk_plain;
}

/*
 * disk_fill_super_flavor - a disk superblock, with @f's operations on top
 * (nfs.c's revalidation and get_link): the tables are the same.
 */
int disk_fill_super_flavor(struct super_block *sb, const struct disk_flavor *f, void *info)
{
	struct disk_sb *dsb = calloc(1, sizeof(*dsb));
	struct inode *root;
	int err;

	if (!dsb)
		return -ENOMEM;
	dsb->flavor = f;
	dsb->info = info;
	sb->s_fs_info = dsb;
	sb->s_op = f->s_op;
	sb->s_d_op = f->d_op;
	err = simple_fill_root(sb, &disk_dir_inode_operations);
	if (err) {
		sb->s_fs_info = NULL;
		free(dsb);
		return err;
	}
	root = d_inode(sb->s_root);
	dsb->root = root;
	ihold(root);	/* the root's table outlives the root dentry */
	root->i_private = disk_dir_new(sb);
	return root->i_private ? 0 : -ENOMEM;
}

static int disk_fill_super(struct super_block *sb, const char *options)
{
	if (*options)
		return -EINVAL;
	return disk_fill_super_flavor(sb, &disk_plain, NULL);
}

const struct file_system_type disk_fs_type = {
	.name		= "disk",
	.summary	= "directories in tables of their own (ext4-like): positive and negative "
			  "dentries kept unused on an LRU until the shrinker evicts them",
	.fill_super	= disk_fill_super,
};
