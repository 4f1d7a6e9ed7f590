/*
 * The non-inline half of engine/rcu.h: flavor selection and the calls that
 * wait.  A QSBR thread that waits for a grace period (or for callbacks,
 * which wait for grace periods) goes offline while it does, or it would
 * wait for itself.
 */
#include <errno.h>
#include <string.h>

#include "rcu.h"

#ifdef NB_TSAN
char nb_rcu_tsan_token;
#endif

int nb_rcu_select(const char *name)
{
	if (strcmp(name, "memb") && strcmp(name, "qsbr"))
		return -EINVAL;
	return !strcmp(name, nb_rcu_name()) ? 0 : -ENOEXEC;
}

const char *nb_rcu_name(void)
{
	return nb_rcu_flavor == NB_RCU_QSBR ? "qsbr" : "memb";
}

/* Run @fn with this QSBR thread offline (if it was online). */
static void qsbr_offline_call(void (*fn)(void))
{
	int was_online = urcu_qsbr_read_ongoing();

	if (was_online)
		urcu_qsbr_thread_offline();
	fn();
	if (was_online)
		urcu_qsbr_thread_online();
}

void synchronize_rcu(void)
{
	if (nb_rcu_flavor == NB_RCU_QSBR)
		qsbr_offline_call(urcu_qsbr_synchronize_rcu);
	else
		urcu_memb_synchronize_rcu();
#ifdef NB_TSAN
	rcu_tsan_acquire(&nb_rcu_tsan_token);
#endif
}

void rcu_barrier(void)
{
	if (nb_rcu_flavor == NB_RCU_QSBR)
		qsbr_offline_call(urcu_qsbr_barrier);
	else
		urcu_memb_barrier();
}

void rcu_register_thread(void)
{
	if (nb_rcu_flavor == NB_RCU_QSBR)
		urcu_qsbr_register_thread();
	else
		urcu_memb_register_thread();
}

void rcu_unregister_thread(void)
{
	if (nb_rcu_flavor == NB_RCU_QSBR)
		urcu_qsbr_unregister_thread();
	else
		urcu_memb_unregister_thread();
}

void rcu_thread_offline(void)
{
	if (nb_rcu_flavor == NB_RCU_QSBR)
		urcu_qsbr_thread_offline();
}

void rcu_thread_online(void)
{
	if (nb_rcu_flavor == NB_RCU_QSBR)
		urcu_qsbr_thread_online();
}
