# nameibench
#
#   make report        the main job: build, run the default sweep into results/<UTC time>/,
#                      draw the plots and write report.html (QUICK=1: a shorter sweep;
#                      RESULTS=DIR: redraw DIR without measuring; an interrupted run
#                      resumes when started again, FRESH=1 starts a new one)
#   make               build bin/nameibench and bin/nameibench-qsbr, the engine once
#                      per RCU flavor (installs missing Debian packages first)
#   make check         build and run every test, also under AddressSanitizer and
#                      ThreadSanitizer; ends with "N passed, N failed"
#                      (ONLY=NAME: only the suites so named, e.g. cli, asan/stress,
#                      asan; LIST=1: name the suites and the time each took last)
#   make asan, make tsan   build the sanitized variants (build/asan, build/tsan)
#   make conformance   a longer differential run against the real kernel:
#                      make conformance SEED=7 OPS=100000 [STRATEGY=global]
#   make stress        every strategy under churn, checked by the oracle, 60 s each
#                      in the plain, ASan and TSan builds (DURATION=SEC, SEED=N)
#   make zoo           every bug of the zoo against the stress test: a table of
#                      bug, strategy, detected, time and how (ZOO_CHANGES=3000000)
#   make soak          stress over seeds, strategies, builds and reader counts until
#                      HOURS=N (1) are up or a run fails (results/soak-<UTC time>/)
#   make fuzz          fuzz the sh language and the path walk: make fuzz SECONDS=600
#   make bench         the engine against the hardware and the kernel: a table, the
#                      targets with PASS/FAIL, results/bench-<UTC time>.json (QUICK=1)
#   make clean

.DEFAULT_GOAL := all
.DELETE_ON_ERROR:
.SUFFIXES:
MAKEFLAGS += --no-builtin-rules

BUILD    ?= build
BIN      ?= bin/nameibench
OPT      ?= -O2
CFLAGS   := -std=gnu11 $(OPT) -g -Wall -Wextra -Werror -D_GNU_SOURCE $(EXTRA_CFLAGS)
LDFLAGS  += $(EXTRA_LDFLAGS)
PYTHON   ?= python3

SEED     ?= 1
OPS      ?= 100000
STRATEGY ?= global

# One path walk per strategy: engine/namei.c is compiled once with each
# engine/strategy/<name>.h.  A new strategy is its file and its name here.
STRATEGIES  := global dlock lockref rcuwalk rcufull
ENGINE_SRCS := engine/dcache.c engine/inode.c engine/super.c engine/libfs.c engine/shmem.c \
               engine/diskfs.c engine/nfs.c engine/casefold.c engine/autofs.c engine/namespace.c \
               engine/vfs.c engine/engine.c engine/percpu.c engine/rcu.c engine/kernel.c \
               engine/debug.c engine/zoo.c engine/slab.c engine/census.c engine/backend.c \
               engine/file.c
# The parts above the engine, one way down: runners -> workloads -> engine,
# stress -> engine (README.md, "Architecture").
WORKLOAD_SRCS := workloads/workload.c
STRESS_SRCS := stress/stress.c stress/model.c
RUNNER_SRCS := runners/main.c runners/sh.c runners/args.c runners/topo.c runners/topology.c \
               runners/machine.c runners/bench.c runners/results.c runners/run.c \
               runners/compare.c
UNIT_SRCS   := $(wildcard tests/unit/test_*.c) stress/test_model.c

ENGINE_OBJS := $(patsubst %.c,$(BUILD)/%.o,$(ENGINE_SRCS)) \
               $(foreach s,$(STRATEGIES),$(BUILD)/engine/namei-$(s).o)
RUNNER_OBJS := $(patsubst %.c,$(BUILD)/%.o,$(RUNNER_SRCS) $(WORKLOAD_SRCS) $(STRESS_SRCS))
UNIT_BINS   := $(patsubst %.c,$(BUILD)/tests/%,$(notdir $(UNIT_SRCS)))
ENGINE_LIB  := $(BUILD)/libnbengine.a

# Library flags come from pkg-config, after scripts/deps.sh has made sure
# the packages are there: build/config.mk is generated, then make restarts.
ifeq ($(filter clean help,$(MAKECMDGOALS)),)
include $(BUILD)/config.mk
endif

$(BUILD)/config.mk: scripts/deps.sh Makefile
	@mkdir -p $(BUILD)
	@scripts/deps.sh
	@{ echo "PKG_CFLAGS := $$(pkg-config --cflags liburcu-memb liburcu-qsbr hwloc)"; \
	   echo "PKG_LIBS := $$(pkg-config --libs liburcu-memb liburcu-qsbr hwloc) -lpthread"; } > $@.tmp
	@mv $@.tmp $@

ASAN_CFLAGS := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all -DNB_DEBUG
ASAN_BUILD  := build/asan
ASAN_BIN    := bin/nameibench-asan
ZOO_BUILD   := build/zoo
ZOO_BIN     := bin/nameibench-zoo
FUZZ_BUILD  := build/fuzz
FUZZ_BIN    := bin/nameibench-fuzz
FUZZ_CFLAGS := -fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=all \
               -fno-omit-frame-pointer -DNB_DEBUG
SECONDS     ?= 60
TSAN_BUILD  := build/tsan
TSAN_BIN    := bin/nameibench-tsan
# The engine once per RCU flavor, as liburcu is: memb in $(BIN), QSBR here
# (--rcu-flavor qsbr runs it); the read side has no flavor branch.
QSBR_BUILD  := build/qsbr
QSBR_BIN    := bin/nameibench-qsbr

.PHONY: all check conformance unit qsbr asan tsan zoo-build fuzz-build fuzz stress zoo soak bench report clean help

all: $(BIN) qsbr

$(BIN): $(RUNNER_OBJS) $(ENGINE_LIB)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -o $@ $^ $(LDFLAGS) $(PKG_LIBS) -lm

$(ENGINE_LIB): $(ENGINE_OBJS)
	@rm -f $@
	$(AR) rcs $@ $^

$(BUILD)/%.o: %.c
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(PKG_CFLAGS) -I$(BUILD) -MMD -MP -c -o $@ $<

# What the result files say about the build; rewritten only when it changes.
$(BUILD)/buildinfo.h: FORCE
	@mkdir -p $(@D)
	@{ echo '#define NB_GIT_COMMIT "'"$$(git rev-parse --short=12 HEAD 2>/dev/null || echo unknown)"'"'; \
	   echo "#define NB_GIT_DIRTY $$(test -z "$$(git status --porcelain 2>/dev/null)" && echo 0 || echo 1)"; \
	   echo '#define NB_CFLAGS "$(subst ",,$(CFLAGS))"'; \
	   echo '#define NB_URCU_VERSION "'"$$(pkg-config --modversion liburcu-memb)"'"'; } > $@.tmp
	@cmp -s $@.tmp $@ && rm -f $@.tmp || mv $@.tmp $@

$(BUILD)/runners/results.o: $(BUILD)/buildinfo.h

.PHONY: FORCE

$(BUILD)/engine/namei-%.o: engine/namei.c engine/strategy/%.h
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(PKG_CFLAGS) -DNB_STRATEGY_FILE='"strategy/$*.h"' \
		-MMD -MP -MT $@ -c -o $@ $<

# The registry's list (engine/engine.c): the strategies built, in order.
$(BUILD)/strategies.h: FORCE
	@mkdir -p $(@D)
	@printf 'NB_STRATEGY(%s)\n' $(STRATEGIES) > $@.tmp
	@cmp -s $@.tmp $@ && rm -f $@.tmp || mv $@.tmp $@

$(BUILD)/engine/engine.o: $(BUILD)/strategies.h

# The oracle's tests link the oracle too.
$(BUILD)/tests/test_model: stress/test_model.c $(BUILD)/stress/model.o $(ENGINE_LIB)
	@mkdir -p $(@D) $(dir $(BUILD)/$<)
	$(CC) $(CFLAGS) $(PKG_CFLAGS) -Iengine -MMD -MP -MF $(BUILD)/$(<:.c=.d) -o $@ $< \
		$(BUILD)/stress/model.o $(ENGINE_LIB) $(LDFLAGS) $(PKG_LIBS) -lm

$(BUILD)/tests/%: tests/unit/%.c $(ENGINE_LIB)
	@mkdir -p $(@D) $(dir $(BUILD)/$<)
	$(CC) $(CFLAGS) $(PKG_CFLAGS) -Iengine -MMD -MP -MF $(BUILD)/$(<:.c=.d) -o $@ $< \
		$(ENGINE_LIB) $(LDFLAGS) $(PKG_LIBS) -lm

unit: $(UNIT_BINS)

# The QSBR build, and its unit tests (make check runs them as qsbr/...).
qsbr:
	$(MAKE) BUILD=$(QSBR_BUILD) BIN=$(QSBR_BIN) EXTRA_CFLAGS="-DNB_FLAVOR_QSBR" $(QSBR_BIN) unit

asan:
	$(MAKE) BUILD=$(ASAN_BUILD) BIN=$(ASAN_BIN) OPT=-O1 EXTRA_CFLAGS="$(ASAN_CFLAGS)" \
		EXTRA_LDFLAGS="-fsanitize=address,undefined" $(ASAN_BIN) unit

# The stress build: the benchmark build plus the memory-safety checks and
# the bug zoo (engine/debug.h, engine/zoo.h).
zoo-build:
	$(MAKE) BUILD=$(ZOO_BUILD) BIN=$(ZOO_BIN) EXTRA_CFLAGS="-DNB_DEBUG -DNB_ZOO" $(ZOO_BIN)

# The fuzz target (tests/fuzz/fuzz_sh.c): clang's libFuzzer, ASan, UBSan.
fuzz-build:
	@scripts/deps.sh fuzz
	$(MAKE) CC=clang BUILD=$(FUZZ_BUILD) OPT=-O1 EXTRA_CFLAGS="$(FUZZ_CFLAGS)" $(FUZZ_BIN)

$(FUZZ_BIN): tests/fuzz/fuzz_sh.c $(BUILD)/runners/sh.o $(BUILD)/runners/args.o $(ENGINE_LIB)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(PKG_CFLAGS) -fsanitize=fuzzer,address,undefined -MMD -MP \
		-MF $(BUILD)/fuzz_sh.d -o $@ $^ $(LDFLAGS) $(PKG_LIBS) -lm

# make fuzz SECONDS=N: new inputs go to build/fuzz/corpus, the committed
# seeds stay as they are; a crash leaves its input in build/fuzz/.
fuzz: fuzz-build
	@mkdir -p $(FUZZ_BUILD)/corpus
	$(FUZZ_BIN) -max_total_time=$(SECONDS) -max_len=2048 -timeout=10 -print_final_stats=1 \
		-dict=tests/fuzz/sh.dict -artifact_prefix=$(FUZZ_BUILD)/ \
		$(FUZZ_BUILD)/corpus tests/fuzz/corpus

# GCC warns that TSan does not model atomic_thread_fence; every field the
# fences order is itself atomic, so the warning is noise here.
tsan:
	$(MAKE) BUILD=$(TSAN_BUILD) BIN=$(TSAN_BIN) OPT=-O1 EXTRA_CFLAGS="-fsanitize=thread -Wno-tsan -DNB_DEBUG" \
		EXTRA_LDFLAGS="-fsanitize=thread" $(TSAN_BIN) unit

# The ThreadSanitizer variant runs the unit tests (the concurrent smoke test
# among them) and a short stress run; its single-threaded command-line and
# conformance suites add nothing but minutes.  The zoo's fast bugs run once.
check: $(BIN) $(UNIT_BINS) qsbr asan tsan zoo-build
	TSAN_OPTIONS="suppressions=$(CURDIR)/tests/tsan.supp halt_on_error=1" \
	$(PYTHON) tests/run.py --zoo $(ZOO_BIN) --variant plain=$(BUILD),$(BIN) \
		--variant qsbr=$(QSBR_BUILD),$(QSBR_BIN),units \
		--variant asan=$(ASAN_BUILD),$(ASAN_BIN) \
		--variant tsan=$(TSAN_BUILD),$(TSAN_BIN),units \
		--times $(BUILD)/check-times.json $(if $(ONLY),--only '$(ONLY)') $(if $(LIST),--list)

DURATION    ?= 60
ZOO_CHANGES ?= 3000000

# The long runs of the stress suite; make check runs a few seconds of each.
stress: $(BIN) asan tsan
	$(BIN) stress --strategy all --duration $(DURATION) --seed $(SEED)
	$(BIN) stress --strategy all --duration $(DURATION) --seed $(SEED) --fs disk
	$(BIN) stress --strategy all --duration $(DURATION) --seed $(SEED) --fs nfs
	$(ASAN_BIN) stress --strategy all --duration $(DURATION) --seed $(SEED)
	TSAN_OPTIONS="suppressions=$(CURDIR)/tests/tsan.supp halt_on_error=1" \
	$(TSAN_BIN) stress --strategy all --duration $(DURATION) --seed $(SEED)

zoo: zoo-build
	$(PYTHON) stress/zoo.py --nameibench $(ZOO_BIN) --changes $(ZOO_CHANGES) --seed $(SEED)

HOURS ?= 1

soak: $(BIN) asan tsan
	$(PYTHON) stress/soak.py --hours $(HOURS) --seed $(SEED) --build plain=$(BIN) \
		--build asan=$(ASAN_BIN) --build tsan=$(TSAN_BIN)

bench: $(BIN)
	@scripts/deps.sh bench
	@$(PYTHON) measure/bench.py --nameibench $(BIN) $(if $(QUICK),--quick)

report: $(BIN)
	@$(PYTHON) measure/make_report.py --nameibench $(BIN) $(if $(RESULTS),--results $(RESULTS)) \
		$(if $(QUICK),--quick) $(if $(FRESH),--fresh)

conformance: $(BIN)
	$(PYTHON) tests/conformance/conformance.py --seed $(SEED) --ops $(OPS) --strategy $(STRATEGY) \
		--nameibench $(BIN)

clean:
	rm -rf $(BUILD) bin

help:
	@sed -n '3,/^#   make clean$$/s/^# \{0,1\}//p' Makefile

# A unit test's dependencies sit beside its source's path under $(BUILD).
-include $(ENGINE_OBJS:.o=.d) $(RUNNER_OBJS:.o=.d) $(patsubst %.c,$(BUILD)/%.d,$(UNIT_SRCS))
