/*
 * Superblocks and filesystem types (after fs/super.c and fs/filesystems.c):
 * a fresh filesystem of a type for each mount, and its end when the last
 * mount goes.
 *
 * Device numbers are allocated as the kernel allocates anonymous ones
 * (get_anon_bdev: the lowest free number) and released as soon as the
 * superblock dies, so that a sequence of mounts and unmounts produces the
 * same pattern of reuse here as on a real tmpfs.
 *
 * Above the dcache and the inodes: a superblock makes its root inode and
 * dentry and, at its end, has the dcache drop its tree; neither calls back.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "census.h"
#include "engine.h"
#include "debug.h"
#include "fs.h"
#include "rcu.h"

/* ---- anonymous device numbers ---- */

#define NB_MAX_DEV	(1u << 20)	/* the kernel's MINORMASK + 1 */

static pthread_mutex_t dev_lock = PTHREAD_MUTEX_INITIALIZER;
static uint64_t dev_bitmap[NB_MAX_DEV / 64];

/* Lowest free number, from 1: 0 means "no device". */
static int get_anon_dev(unsigned int *dev)
{
	unsigned int i;
	int ret = -EMFILE;

	mutex_lock(&dev_lock);
	for (i = 0; i < NB_MAX_DEV / 64; i++) {
		uint64_t free_bits = ~dev_bitmap[i] & (i == 0 ? ~UINT64_C(1) : ~UINT64_C(0));

		if (free_bits) {
			unsigned int bit = (unsigned int)__builtin_ctzll(free_bits);

			dev_bitmap[i] |= UINT64_C(1) << bit;
			*dev = i * 64 + bit;
			ret = 0;
			break;
		}
	}
	mutex_unlock(&dev_lock);
	return ret;
}

static void free_anon_dev(unsigned int dev)
{
	mutex_lock(&dev_lock);
	dev_bitmap[dev / 64] &= ~(UINT64_C(1) << (dev % 64));
	mutex_unlock(&dev_lock);
}

/* ---- filesystem types ---- */

/*
 * The types, in the order they were registered (and are listed): by
 * engine.c's initcall, before main(), so that this file, which every
 * type's superblock comes from, names none of them (autofs mounts, and
 * would be a call circle).  NULL-terminated.
 */
static const struct file_system_type *fs_types[16];

void register_filesystem(const struct file_system_type *type)
{
	size_t n = 0;

	while (fs_types[n])
		n++;
	if (n + 1 < ARRAY_SIZE(fs_types))
		fs_types[n] = type;
}

int nb_fs_types(struct nb_fs_type_info *out, int max)
{
	int n;

	for (n = 0; fs_types[n]; n++)
		if (n < max) {
			out[n].name = fs_types[n]->name;
			out[n].summary = fs_types[n]->summary;
		}
	return n;
}

/*
 * get_fs_type - the type a spec ("TYPE[,OPTION...]") names, as mount(2)'s
 * type argument, with *@options after its comma ("" if none); NULL if
 * there is no such type.
 */
const struct file_system_type *get_fs_type(const char *spec, const char **options)
{
	const char *comma = strchr(spec, ',');
	size_t len = comma ? (size_t)(comma - spec) : strlen(spec);
	const struct file_system_type *const *t;

	*options = comma ? comma + 1 : "";
	for (t = fs_types; *t; t++)
		if (strlen((*t)->name) == len && !strncmp((*t)->name, spec, len))
			return *t;
	return NULL;
}

/*
 * The options the VFS takes for itself, whatever the type; the rest go to
 * the type's fill_super in @rest.  "lookup=exclusive" makes lookup_slow
 * take the directory's i_rwsem exclusively, as every filesystem did
 * before Linux 4.7 (d_alloc_parallel), for comparison.
 */
static int sb_options(struct super_block *sb, const char *options, char *rest, size_t n)
{
	char opt[64];
	size_t used = 0;

	rest[0] = '\0';
	while (next_fs_option(&options, opt, sizeof(opt))) {
		size_t len = strlen(opt);

		if (!strcmp(opt, "lookup=exclusive")) {
			sb->s_flags |= SB_LOOKUP_EXCL;
			continue;
		}
		if (!strcmp(opt, "lookup=shared"))
			continue;
		if (used + len + 2 > n)
			return -EINVAL;
		if (used)
			rest[used++] = ',';
		memcpy(rest + used, opt, len + 1);
		used += len;
	}
	return 0;
}

/*
 * The same checks as sget's, without making anything: the VFS's options
 * on a superblock no one sees, and what is left for the type, which no
 * type here takes (shmem_fill_super and disk_fill_super refuse any; a
 * type that takes options of its own must be asked here too).
 */
int nb_fs_check(const char *spec)
{
	struct super_block scratch = { .s_flags = 0 };
	const char *options;
	const struct file_system_type *type = get_fs_type(spec, &options);
	char rest[256];

	if (!type)
		return -ENODEV;
	if (sb_options(&scratch, options, rest, sizeof(rest)))
		return -EINVAL;
	if (!rest[0])
		return 0;
	return type->check_options ? type->check_options(rest) : -EINVAL;
}

/* ---- superblocks ---- */

static void super_free_rcu(struct rcu_head *head)
{
	struct super_block *sb = container_of(head, struct super_block, s_rcu);

	rcu_callback_enter(head);
	pthread_mutex_destroy(&sb->s_vfs_rename_mutex);
	nb_free(sb);
}

/*
 * sget - a fresh, empty filesystem of @type (there is no sharing of
 * superblocks between mounts: every mount here is a new one): a
 * superblock with a root directory (inode 1), s_active 1 for the mount
 * the caller is about to create.  ERR_PTR(-EINVAL) for options the type
 * does not take, -ENOMEM, or -EMFILE when device numbers run out.
 */
struct super_block *sget(const struct file_system_type *type, const char *options)
{
	struct super_block *sb = calloc(1, sizeof(*sb));
	char rest[256];
	int err;

	if (!sb)
		return ERR_PTR(-ENOMEM);
	err = get_anon_dev(&sb->s_dev);
	if (err) {
		free(sb);
		return ERR_PTR(err);
	}
	sb->s_magic = SUPER_MAGIC;
	sb->s_type = type;
	atomic_init(&sb->s_next_ino, 1);
	atomic_init(&sb->s_active, 1);
	pthread_mutex_init(&sb->s_vfs_rename_mutex, NULL);
	spin_lock_init(&sb->s_dentry_lru.lock);
	INIT_LIST_HEAD(&sb->s_dentry_lru.list);
	census_add(CENSUS_SUPER, 1);
	err = sb_options(sb, options ? options : "", rest, sizeof(rest));
	if (!err)
		err = type->fill_super(sb, rest);
	if (err) {
		/* a root made before the failure goes as at the end of a mount */
		if (sb->s_root)
			kill_sb(sb);
		else {
			census_add(CENSUS_SUPER, -1);
			free_anon_dev(sb->s_dev);
			pthread_mutex_destroy(&sb->s_vfs_rename_mutex);
			free(sb);
		}
		return ERR_PTR(err);
	}
	return sb;
}

/*
 * kill_sb - the last mount is gone: kill every dentry (none is in use),
 * let the type free what it keeps besides (its own directory tables),
 * free the device number.
 */
void kill_sb(struct super_block *sb)
{
	shrink_dcache_for_umount(sb);
	if (sb->s_op && sb->s_op->kill_sb)
		sb->s_op->kill_sb(sb);
	free_anon_dev(sb->s_dev);
	census_add(CENSUS_SUPER, -1);
	call_rcu(&sb->s_rcu, super_free_rcu);
}
