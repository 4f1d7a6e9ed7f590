# An example workload file: `nameibench run --workload workloads/example.wl ...`
# Every key is optional except name; the defaults are a depth-5, fan-out-8
# tree with 8 files per directory, uniform paths, stat only, no writers.

name        = zipf-lstat-churn
description = lstat on a zipf-skewed tree through '..' hops, while two writers create and unlink

# the tree: directories 0..fanout-1 on depth-1 levels, files f0.. in the leaves
depth       = 4
fanout      = 6
files       = 4

# which paths readers resolve: uniform, zipf (with its exponent), hot, disjoint
paths       = zipf
zipf        = 1.2
# their shape: plain, negative, dotdot, symlink, mountpoint, search, trigger
shape       = dotdot

# the readers' operations and their weights: stat, lstat, ancestors, mutate
mix         = lstat:80 stat:20

# writer threads, what they do (rename, mount, create-unlink, expire) and how fast
writers     = 2
writer      = create-unlink
writer_rate = 500

# the filesystem the tree is on, TYPE[,OPTION...]: tmpfs (the default) or
# disk, which keeps unused dentries (tmpfs,lookup=exclusive: lookup_slow
# under an exclusive i_rwsem); and how many unused dentries may be kept
# before the shrinker evicts (0: no cap; only disk keeps any)
fs            = tmpfs
dentry_budget = 0
