/*
 * RCU for the engine: liburcu, memb flavor in bin/nameibench, QSBR in
 * bin/nameibench-qsbr.  As liburcu builds one library per flavor, the
 * engine is built once per flavor (NB_FLAVOR_QSBR): nb_rcu_flavor is a
 * constant, every branch on it below is folded away, and the read side
 * is the flavor's own inline code.  --rcu-flavor asks for a build, and the
 * command line runs the other one (runners/main.c).
 *
 * memb: readers bracket each critical section with rcu_read_lock/unlock
 *       (a thread-local counter; the writer side uses membarrier).
 * qsbr: the kernel's model.  Read-side sections are free; instead each
 *       thread reports a quiescent state between operations, and a thread
 *       that stops doing operations must go offline (nb_thread_offline),
 *       or grace periods would wait for it.
 *
 * Every thread that touches the engine registers with nb_thread_online()
 * (engine.h).  Objects a lockless reader could reach (dentries, external
 * names, inodes with their symlink bodies, mounts, superblocks) are only
 * ever freed from an RCU callback, and every callback starts with
 * rcu_callback_enter().
 *
 * ThreadSanitizer cannot see liburcu's grace periods (they are built from
 * membarrier and plain loads), so under TSan the read side releases, and
 * every callback acquires, one synchronization token; call_rcu() releases
 * the object, which the callback acquires too.  That tells TSan what RCU
 * guarantees: every reader that could see the object is done with it, and
 * whatever the updater did before call_rcu() happened before the free.
 */
#ifndef NB_RCU_H
#define NB_RCU_H

#ifndef _LGPL_SOURCE
#define _LGPL_SOURCE
#endif
#include <urcu/urcu-memb.h>
#include <urcu/urcu-qsbr.h>

/*
 * urcu/call-rcu.h is included once, under the first flavor's names; the
 * second flavor's call_rcu and barrier are declared here.
 */
void urcu_qsbr_call_rcu(struct rcu_head *head, void (*func)(struct rcu_head *head));
void urcu_qsbr_barrier(void);

enum nb_rcu_flavor { NB_RCU_MEMB, NB_RCU_QSBR };

#ifdef NB_FLAVOR_QSBR
#define nb_rcu_flavor	NB_RCU_QSBR
#else
#define nb_rcu_flavor	NB_RCU_MEMB
#endif

#if defined(__SANITIZE_THREAD__)
# define NB_TSAN 1
#elif defined(__has_feature)
# if __has_feature(thread_sanitizer)
#  define NB_TSAN 1
# endif
#endif

#ifdef NB_TSAN
void __tsan_acquire(void *addr);
void __tsan_release(void *addr);
extern char nb_rcu_tsan_token;
# define rcu_tsan_release(a)	__tsan_release(a)
# define rcu_tsan_acquire(a)	__tsan_acquire(a)
#else
# define rcu_tsan_release(a)	((void)(a))
# define rcu_tsan_acquire(a)	((void)(a))
#endif

static inline void rcu_read_lock(void)
{
	if (nb_rcu_flavor == NB_RCU_QSBR)
		urcu_qsbr_read_lock();
	else
		urcu_memb_read_lock();
}

static inline void rcu_read_unlock(void)
{
#ifdef NB_TSAN
	rcu_tsan_release(&nb_rcu_tsan_token);
#endif
	if (nb_rcu_flavor == NB_RCU_QSBR)
		urcu_qsbr_read_unlock();
	else
		urcu_memb_read_unlock();
}

/* Between operations: a quiescent state (QSBR only; free for memb). */
static inline void rcu_quiescent_state(void)
{
	if (nb_rcu_flavor == NB_RCU_QSBR) {
#ifdef NB_TSAN
		rcu_tsan_release(&nb_rcu_tsan_token);
#endif
		urcu_qsbr_quiescent_state();
	}
}

static inline void call_rcu(struct rcu_head *head, void (*func)(struct rcu_head *))
{
	rcu_tsan_release(head);
	if (nb_rcu_flavor == NB_RCU_QSBR)
		urcu_qsbr_call_rcu(head, func);
	else
		urcu_memb_call_rcu(head, func);
}

/* First thing in every RCU callback. */
static inline void rcu_callback_enter(struct rcu_head *head)
{
#ifdef NB_TSAN
	rcu_tsan_acquire(head);
	rcu_tsan_acquire(&nb_rcu_tsan_token);
#else
	(void)head;
#endif
}

/* "memb" or "qsbr": 0 if it is this build's, -ENOEXEC if the other's, else -EINVAL */
int nb_rcu_select(const char *name);
const char *nb_rcu_name(void);
void synchronize_rcu(void);
void rcu_barrier(void);
void rcu_register_thread(void);
void rcu_unregister_thread(void);
void rcu_thread_offline(void);
void rcu_thread_online(void);

#endif /* NB_RCU_H */
