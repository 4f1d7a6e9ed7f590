/*
 * The stress test (stress.c) and its oracle (model.c): a subcommand of
 * nameibench, reached from runners/main.c and reaching the engine only
 * through engine/engine.h (and runners/args.h, the command-line helpers).
 */
#ifndef NB_STRESS_H
#define NB_STRESS_H

int cmd_stress(int argc, char **argv);

#endif /* NB_STRESS_H */
