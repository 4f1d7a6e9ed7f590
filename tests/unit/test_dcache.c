/*
 * The dentry cache on its own: insert, lookup, remove, rename, the end of
 * a dentry's life, external names, and the lockref rules.  Every test ends
 * with the live-object census back where it started: nothing leaked,
 * nothing freed twice (that would go negative).
 */
#include "check.h"
#include "engine.h"
#include "fs.h"
#include "mount.h"

struct name {
	struct qstr q;
	char buf[300];
};

/* A qstr hashed for @parent, in a padded buffer as the walk would have it. */
static struct qstr *mkname(struct name *n, struct dentry *parent, const char *s)
{
	size_t len = strlen(s);

	memset(n->buf, 0, sizeof(n->buf));
	memcpy(n->buf, s, len);
	n->q.name = n->buf;
	n->q.len = (uint32_t)len;
	n->q.hash = full_name_hash(parent, s, (unsigned int)len);
	return &n->q;
}

static struct dentry *sb_root(void)
{
	return init_mnt_ns.root->mnt_root;
}

static struct nb_census base;

static void begin(void)
{
	rcu_barrier();
	nb_census(&base);
}

static void end(void)
{
	struct nb_census now;

	rcu_barrier();
	nb_census(&now);
	CHECK_EQ(now.dentries, base.dentries);
	CHECK_EQ(now.external_names, base.external_names);
	CHECK_EQ(now.inodes, base.inodes);
}

/* A positive, hashed child, as the filesystem would make it (pinned). */
static struct dentry *mkchild(struct dentry *parent, const char *s, unsigned int mode)
{
	struct name n;
	struct dentry *d = d_alloc(parent, mkname(&n, parent, s));

	d_add(d, new_inode(parent->d_sb, mode));
	return d;		/* count 1: stands in for the filesystem's pin */
}

static void test_alloc_add_lookup_drop(void)
{
	struct dentry *root = sb_root(), *d, *found;
	struct name n;
	int root_count;

	begin();
	root_count = d_count(root);
	d = d_alloc(root, mkname(&n, root, "a"));
	CHECK_EQ(d_count(root), root_count + 1);	/* a child pins its parent */
	CHECK(d_unhashed(d));
	CHECK(!__d_lookup(root, &n.q));			/* not hashed yet */
	d_add(d, NULL);
	CHECK(d_is_negative(d));
	found = __d_lookup(root, mkname(&n, root, "a"));
	CHECK(found == d);
	CHECK_EQ(d_count(d), 2);
	CHECK(!__d_lookup(root, mkname(&n, root, "b")));
	CHECK(!__d_lookup(root, mkname(&n, root, "aa")));
	dput(found);
	d_drop(d);
	CHECK(!__d_lookup(root, mkname(&n, root, "a")));
	dput(d);
	CHECK_EQ(d_count(root), root_count);
	end();
}

static void test_lookup_is_per_parent(void)
{
	struct dentry *root = sb_root(), *p1, *p2, *c1, *c2;
	struct name n;

	begin();
	p1 = mkchild(root, "p1", S_IFDIR);
	p2 = mkchild(root, "p2", S_IFDIR);
	c1 = mkchild(p1, "same", S_IFREG);
	c2 = mkchild(p2, "same", S_IFREG);
	CHECK(d_lookup(p1, mkname(&n, p1, "same")) == c1);
	CHECK(d_lookup(p2, mkname(&n, p2, "same")) == c2);
	/* the hash is salted by the parent: p2's hash of "same" in p1 finds nothing */
	mkname(&n, p2, "same");
	CHECK(!d_lookup(p1, &n.q));
	dput(c1);
	dput(c2);
	dput(c1);
	dput(c2);
	dput(p1);
	dput(p2);
	end();
}

static void test_d_move(void)
{
	struct dentry *root = sb_root(), *dir, *d, *target, *found;
	struct name n;
	struct qstr q;
	int dir_count;

	begin();
	dir = mkchild(root, "dir", S_IFDIR);
	d = mkchild(root, "old", S_IFREG);
	target = d_alloc(dir, mkname(&n, dir, "new"));
	d_add(target, NULL);
	dir_count = d_count(dir);

	d_move(d, target);
	CHECK(d_parent(d) == dir);
	CHECK_EQ(d_count(dir), dir_count + 1);		/* d now pins dir */
	q = d_qstr(d);
	CHECK_EQ(q.len, 3);
	CHECK(!memcmp(q.name, "new", 3));
	CHECK(d_unhashed(target));
	CHECK(!d_lookup(root, mkname(&n, root, "old")));
	found = d_lookup(dir, mkname(&n, dir, "new"));
	CHECK(found == d);
	dput(found);
	dput(target);
	dput(d);
	dput(dir);
	end();
}

static void test_external_names_are_shared_then_freed(void)
{
	static const char long_name[] = "a-name-longer-than-the-forty-bytes-kept-inline";
	struct dentry *root = sb_root(), *d, *target;
	struct nb_census mid;
	struct name n;

	begin();
	d = mkchild(root, "short", S_IFREG);
	target = d_alloc(root, mkname(&n, root, long_name));
	d_add(target, NULL);
	rcu_barrier();
	nb_census(&mid);
	CHECK_EQ(mid.external_names, base.external_names + 1);
	d_move(d, target);
	/* both dentries now use the one external name */
	CHECK(d_qstr(d).name == d_qstr(target).name);
	rcu_barrier();
	nb_census(&mid);
	CHECK_EQ(mid.external_names, base.external_names + 1);
	CHECK(d_lookup(root, mkname(&n, root, long_name)) == d);
	dput(d);
	dput(target);
	rcu_barrier();
	nb_census(&mid);
	CHECK_EQ(mid.external_names, base.external_names + 1);	/* d still uses it */
	dput(d);
	end();
}

static void test_d_delete(void)
{
	struct dentry *root = sb_root(), *a, *b;
	struct inode *inode;

	begin();
	/* the only user: the dentry turns negative in place */
	a = mkchild(root, "a", S_IFREG);
	d_delete(a);
	CHECK(d_is_negative(a));
	CHECK(!d_unhashed(a));
	dput(a);

	/* someone else still uses it: unhashed, the inode stays */
	b = mkchild(root, "b", S_IFREG);
	inode = d_inode(b);
	dget(b);
	d_delete(b);
	CHECK(d_unhashed(b));
	CHECK(d_inode(b) == inode);
	dput(b);
	dput(b);
	end();
}

static void test_dput_cascades_to_parents(void)
{
	struct dentry *root = sb_root(), *a, *b, *c;
	int root_count;

	begin();
	root_count = d_count(root);
	a = mkchild(root, "a", S_IFDIR);
	b = mkchild(a, "b", S_IFDIR);
	c = mkchild(b, "c", S_IFREG);
	d_drop(a);
	d_drop(b);
	d_drop(c);
	dput(a);	/* a survives: b pins it */
	dput(b);	/* b survives: c pins it */
	CHECK_EQ(d_count(root), root_count + 1);
	dput(c);	/* kills c, then b, then a */
	CHECK_EQ(d_count(root), root_count);
	end();
}

static void test_dget_parent_follows_rename(void)
{
	struct dentry *root = sb_root(), *p, *d, *target, *parent;
	struct name n;

	begin();
	p = mkchild(root, "p", S_IFDIR);
	d = mkchild(root, "d", S_IFDIR);
	parent = dget_parent(d);
	CHECK(parent == root);
	dput(parent);
	target = d_alloc(p, mkname(&n, p, "d"));
	d_add(target, NULL);
	d_move(d, target);
	parent = dget_parent(d);
	CHECK(parent == p);
	dput(parent);
	dput(target);
	dput(d);
	dput(p);
	end();
}

static void test_lockref_rules(void)
{
	struct lockref lr;

	lockref_init(&lr, 1);
	lockref_get(&lr);
	CHECK_EQ(lockref_count(&lr), 2);
	CHECK_EQ(lockref_put_return(&lr), 1);
	CHECK(lockref_get_not_zero(&lr));
	CHECK_EQ(lockref_count(&lr), 2);
	CHECK(lockref_put_or_lock(&lr));	/* 2 -> 1 without the lock */
	CHECK_EQ(lockref_count(&lr), 1);
	CHECK(!lockref_put_or_lock(&lr));	/* at 1: returns with the lock held */
	CHECK(lr.lock_count & LOCKREF_LOCKBIT);
	lockref_mark_dead(&lr);
	lockref_unlock(&lr);
	CHECK(__lockref_is_dead(&lr));
	CHECK(!lockref_get_not_dead(&lr));
	CHECK(!lockref_get_not_zero(&lr));
	CHECK_EQ(lockref_put_return(&lr), -1);	/* never below zero without the lock */
	CHECK_EQ(lockref_count(&lr), LOCKREF_DEAD);

	/* a held lock sends every operation to the slow path, which waits */
	lockref_init(&lr, 0);
	CHECK(!lockref_get_not_zero(&lr));
	CHECK(lockref_get_not_dead(&lr));
	CHECK_EQ(lockref_count(&lr), 1);
	lockref_lock(&lr);
	CHECK_EQ(lockref_put_return(&lr), -1);	/* no lockless put while locked */
	lockref_unlock(&lr);
	CHECK_EQ(lockref_count(&lr), 1);
}

int main(void)
{
	check_suite = "unit/dcache";
	nb_thread_start();
	if (nb_engine_init(16)) {
		printf("FAIL: unit/dcache: engine init\n");
		return 1;
	}
	RUN(test_alloc_add_lookup_drop);
	RUN(test_lookup_is_per_parent);
	RUN(test_d_move);
	RUN(test_external_names_are_shared_then_freed);
	RUN(test_d_delete);
	RUN(test_dput_cascades_to_parents);
	RUN(test_dget_parent_follows_rename);
	RUN(test_lockref_rules);
	nb_engine_exit();
	CHECK_EMPTY_CENSUS();
	nb_thread_stop();
	return CHECK_DONE();
}
