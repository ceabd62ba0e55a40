# Rosetta — one build for everything.
#
#   make            build build/release/rosettad
#   make run        install what is missing, build, init ./data (demo/demo) and serve on loopback
#   make test       install what is missing; CUnit suites (release and ASan+UBSan builds),
#                   then the real-client suites against the sanitized server
#   make fuzz       libFuzzer harnesses, FUZZ_SECONDS each (clang)
#   make bench-sql  Rosetta side by side with PostgreSQL 15 and MariaDB 10.11 (docs/performance.md)
#   make bench-vector  exact top-k: the accelerator's CPU backend beside FAISS and numpy (docs/performance.md)
#   make clean
#
# Objects live in build/<mode>/ so the release and sanitizer builds never mix.

CC      ?= cc
MODE    ?= release
BUILD   := build/$(MODE)
PYTHON  ?= python3
VENV    := .venv
DATA    ?= data
FUZZ_SECONDS ?= 30
JOBS    ?= $(shell nproc 2>/dev/null || echo 2)

WARN    := -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes
CFLAGS_BASE := -std=c11 -D_GNU_SOURCE -g -Ihost $(WARN)
LIBS    := -lssl -lcrypto -lsqlite3 -lopenblas -lpthread -lm

ifeq ($(MODE),asan)
  CFLAGS_MODE := -O1 -fno-omit-frame-pointer -fsanitize=address,undefined -fno-sanitize-recover=undefined
  LDFLAGS_MODE := -fsanitize=address,undefined
else
  CFLAGS_MODE := -O2
  LDFLAGS_MODE :=
endif

CFLAGS  := $(CFLAGS_BASE) $(CFLAGS_MODE) $(EXTRA_CFLAGS)
LDFLAGS := $(LDFLAGS_MODE)

HOST_SRC  := $(shell find host -name '*.c' ! -name main.c | sort)
HOST_OBJ  := $(HOST_SRC:%.c=$(BUILD)/%.o)
UNIT_SRC  := $(sort $(wildcard tests/unit/*.c))
UNIT_OBJ  := $(UNIT_SRC:%.c=$(BUILD)/%.o)

.PHONY: all run test unit fuzz fuzz-smoke deps venv clean slt slt-run slt-pending clients-node clients-java bench-sql bench-vector

all: $(BUILD)/rosettad

$(BUILD)/librosetta.a: $(HOST_OBJ)
	@mkdir -p $(dir $@)
	rm -f $@ && ar rcs $@ $^

$(BUILD)/rosettad: $(BUILD)/host/main.o $(BUILD)/librosetta.a
	$(CC) $(LDFLAGS) -o $@ $^ $(LIBS)

$(BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -MMD -MP -c -o $@ $<

# Each tests/unit/*.c declares its suites as `void suite_<name>(void)`; the
# runner calls every one, so adding a test file needs no other edit.
$(BUILD)/tests/unit/suites.inc: $(UNIT_SRC)
	@mkdir -p $(dir $@)
	grep -ho '^void suite_[a-z0-9_]*(void)' $(UNIT_SRC) | sed 's/^void \(suite_[a-z0-9_]*\)(void)/SUITE(\1)/' | sort -u > $@

$(BUILD)/tests/unit/run_tests.o: CFLAGS += -I$(BUILD)/tests/unit
$(BUILD)/tests/unit/run_tests.o: $(BUILD)/tests/unit/suites.inc

$(BUILD)/unit_tests: $(UNIT_OBJ) $(BUILD)/librosetta.a
	$(CC) $(LDFLAGS) -o $@ $^ $(LIBS) -lcunit

-include $(shell find build -name '*.d' 2>/dev/null)

# ---- set-up -------------------------------------------------------------

deps:
	@scripts/install-deps.sh

$(VENV)/.installed: tests/clients/requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install -q --disable-pip-version-check -r tests/clients/requirements.txt
	touch $@

venv: $(VENV)/.installed

# ---- run ----------------------------------------------------------------

# Ports below 1024 need root; as another user the HTTPS listener moves to 8443.
RUN_FLAGS ?= $(if $(filter 0,$(shell id -u)),,--https-port 8443)

run: deps
	$(MAKE) all
	@test -f $(DATA)/users || $(BUILD)/rosettad init --data $(DATA) --user demo --password demo
	$(BUILD)/rosettad serve --data $(DATA) --listen 127.0.0.1 $(RUN_FLAGS)

# ---- tests --------------------------------------------------------------

unit: $(BUILD)/unit_tests
	cd tests/unit && ../../$(BUILD)/unit_tests

test: deps
	$(MAKE) venv
	$(MAKE) -j$(JOBS) MODE=release all build/release/unit_tests build/release/slt_runner
	$(MAKE) -j$(JOBS) MODE=asan all build/asan/unit_tests build/asan/slt_runner
	$(MAKE) MODE=release unit
	$(MAKE) MODE=asan unit
	$(MAKE) slt
	$(MAKE) -j$(JOBS) fuzz-smoke
	ROSETTAD=$(CURDIR)/build/asan/rosettad $(VENV)/bin/python -m pytest -q tests/clients
	$(MAKE) clients-node
	$(MAKE) clients-java

# ---- Node and Java client suites (real drivers: node-postgres, PostgreSQL JDBC) ----

ROSETTAD_CLIENTS ?= $(CURDIR)/build/asan/rosettad

tests/clients/node/node_modules/.package-lock.json: tests/clients/node/package-lock.json
	cd tests/clients/node && npm ci --no-audit --no-fund

clients-node: tests/clients/node/node_modules/.package-lock.json
	cd tests/clients/node && ROSETTAD=$(ROSETTAD_CLIENTS) node --test

clients-java:
	ROSETTAD=$(ROSETTAD_CLIENTS) mvn -B -ntp -f tests/clients/java/pom.xml test

# ---- SQL logic tests (tests/slt) ----------------------------------------

$(BUILD)/slt_runner: tests/slt/slt_runner.c $(BUILD)/librosetta.a
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $< $(BUILD)/librosetta.a $(LIBS)

# The corpus must pass in both dialects; the self-test must fail exactly as written.
slt-run: $(BUILD)/slt_runner
	$(BUILD)/slt_runner --dialect pg tests/slt/corpus/*.slt
	$(BUILD)/slt_runner --dialect mysql tests/slt/corpus/*.slt
	@out=$$($(BUILD)/slt_runner --dialect pg tests/slt/selftest/must_fail.slt | tail -1); \
	  test "$$out" = "3 passed, 11 failed" || { echo "slt self-test: expected '3 passed, 11 failed', got '$$out'"; exit 1; }

slt:
	$(MAKE) MODE=release slt-run
	$(MAKE) MODE=asan slt-run

# What the engine does not do yet: reports, never fails.
slt-pending: $(BUILD)/slt_runner
	-$(BUILD)/slt_runner --dialect pg tests/slt/pending/*.slt
	-$(BUILD)/slt_runner --dialect mysql tests/slt/pending/*.slt

# ---- benchmarks (never part of `make test`) ------------------------------

# Rosetta against PostgreSQL 15 and MariaDB 10.11, interleaved, medians as ratios;
# writes its section of docs/performance.md.  BENCH_ARGS e.g. "--seconds 5 --reps 1".
BENCH_ARGS ?=
bench-sql: deps
	@scripts/install-deps.sh postgresql-15 mariadb-server   # the peers; Debian starts no service here
	$(MAKE) venv
	$(MAKE) MODE=release all
	$(VENV)/bin/python tests/bench/sql/bench_sql.py --rosettad $(CURDIR)/build/release/rosettad $(BENCH_ARGS)

# Exact top-k: the accelerator's CPU backend beside FAISS IndexFlatL2 and numpy on the same
# data (1M x 128, 100k x 768); writes its section of docs/performance.md.  Its packages
# (tests/bench/requirements.txt) live in a venv of their own, never in .venv.
# VECTOR_BENCH_ARGS e.g. "--seconds 2" or "--small".
BENCH_VENV := build/bench-venv
VECTOR_BENCH_ARGS ?=
$(BENCH_VENV)/.installed: tests/bench/requirements.txt
	$(PYTHON) -m venv $(BENCH_VENV)
	$(BENCH_VENV)/bin/pip install -q --disable-pip-version-check -r tests/bench/requirements.txt
	touch $@

$(BUILD)/bench_vector: tests/bench/vector/bench_vector.c $(BUILD)/librosetta.a
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $< $(BUILD)/librosetta.a $(LIBS)

bench-vector: deps $(BENCH_VENV)/.installed
	$(MAKE) MODE=release BUILD=build/release build/release/bench_vector
	$(BENCH_VENV)/bin/python tests/bench/vector/run.py --bench $(CURDIR)/build/release/bench_vector $(VECTOR_BENCH_ARGS)

# ---- fuzzing (clang, libFuzzer) ----------------------------------------

FUZZ_SRC := $(sort $(wildcard tests/fuzz/fuzz_*.c))
FUZZ_BIN := $(FUZZ_SRC:tests/fuzz/%.c=build/fuzz/%)

build/fuzz/librosetta.a: $(HOST_SRC)
	$(MAKE) MODE=fuzz CC=clang EXTRA_CFLAGS="-O1 -fsanitize=fuzzer-no-link,address,undefined" build/fuzz/librosetta.a-inner
build/fuzz/librosetta.a-inner: $(HOST_OBJ)
	rm -f build/fuzz/librosetta.a && ar rcs build/fuzz/librosetta.a $^

build/fuzz/%: tests/fuzz/%.c build/fuzz/librosetta.a
	clang $(CFLAGS_BASE) -O1 -fsanitize=fuzzer,address,undefined -o $@ $< build/fuzz/librosetta.a $(LIBS)

fuzz: deps $(FUZZ_BIN)
	@for f in $(FUZZ_BIN); do \
	  n=$$(basename $$f); mkdir -p build/fuzz/corpus/$$n; \
	  seeds=tests/fuzz/corpus/$$n; [ -d $$seeds ] || seeds=; \
	  echo "== $$n ($(FUZZ_SECONDS)s)"; \
	  $$f -max_total_time=$(FUZZ_SECONDS) -print_final_stats=1 build/fuzz/corpus/$$n $$seeds || exit 1; \
	done

# Every harness replays its seed corpus once (no fuzzing): keeps them building and
# proves the seeds still run clean.  Long runs are `make fuzz`.
fuzz-smoke: $(FUZZ_BIN)
	@for f in $(FUZZ_BIN); do \
	  n=$$(basename $$f); seeds=tests/fuzz/corpus/$$n; \
	  if [ -d $$seeds ]; then args="-runs=0 $$seeds"; else args="-runs=1000"; fi; \
	  out=$$($$f $$args 2>&1) || { echo "$$out"; echo "$$n FAILED"; exit 1; }; \
	  echo "$$n: $$(echo "$$out" | tail -1)"; \
	done

clean:
	rm -rf build
