/*
 * RCU for the engine: liburcu's memb flavor, inlined (_LGPL_SOURCE).
 *
 * Every thread that touches the engine registers with nb_thread_online()
 * (engine.h): registered threads may enter read-side critical sections and
 * may queue callbacks with call_rcu().  Objects a lockless reader could
 * reach (dentries, external names, inodes with their symlink bodies,
 * mounts, superblocks) are only ever freed from an RCU callback.
 */
#ifndef NB_RCU_H
#define NB_RCU_H

#ifndef _LGPL_SOURCE
#define _LGPL_SOURCE
#endif
#include <urcu/urcu-memb.h>

#define rcu_read_lock		urcu_memb_read_lock
#define rcu_read_unlock		urcu_memb_read_unlock
#define call_rcu		urcu_memb_call_rcu
#define rcu_barrier		urcu_memb_barrier
#define synchronize_rcu		urcu_memb_synchronize_rcu
#define rcu_register_thread	urcu_memb_register_thread
#define rcu_unregister_thread	urcu_memb_unregister_thread

#endif /* NB_RCU_H */
