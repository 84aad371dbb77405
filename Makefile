# tally: a month of vendor licence-usage exports in, PSA-ready invoices out.
# `make demo` and `make test` are all a new machine needs; see README.md.
#
# Every file a step writes is a target of that step, so a deleted output is
# made again. Inputs are judged by content: the stamps under OUT/M/.tally/
# change only when an inbox or config file's content, or its presence,
# changes (bin/tally inbox), so an older copy put in place or a removed
# file redoes exactly what reads it. No target is intermediate (each is
# named), so make never deletes one: they stay as the month's audit trail.

.DEFAULT_GOAL := all
.DELETE_ON_ERROR:
.SUFFIXES:
MAKEFLAGS += --no-builtin-rules
SHELL := /bin/bash

INBOX  ?= inbox
CONFIG ?= config
OUT    ?= out
STATE  ?= state

# `make -n`: print what a run would do; create, write or lock nothing
DRY_RUN := $(findstring n,$(firstword -$(MAKEFLAGS)))
# make -q (push's check that a month is up to date) looks and changes
# nothing either: the inbox is read as -n reads it, no month marked failed
QUESTION := $(findstring q,$(firstword -$(MAKEFLAGS)))

# --- what the user passes reaches programs as data ---------------------------
# MONTH must be exactly YYYY-MM from 2000-01 to 2099-12, and the folders
# (and CLOSED_AT) may hold no blank and no character that make or a shell
# would read as code. Both are checked on the unexpanded text ($(value)),
# before anything runs, and refused as usage errors naming the variable.
# make push needs MONTH given; make invoice and make pull take the default
MONTH_GIVEN := $(if $(filter undefined,$(origin MONTH)),,1)
ifeq ($(origin MONTH),undefined)
# the calendar month before today (only make reads the clock; stages never do)
MONTH := $(shell date -d "$$(date +%Y-%m-01) -1 month" +%Y-%m)
endif
digits := 0 1 2 3 4 5 6 7 8 9
_shape = $(if $2,$(call _shape,$(subst $(firstword $2),d,$1),$(wordlist 2,10,$2)),$1)
MONTH_TEXT := $(value MONTH)
MONTH_SHAPE := $(call _shape,$(MONTH_TEXT),$(digits))
# exactly dddd-dd (a blank anywhere leaves more than that), 20YY, 01..12
ifeq ($(and $(filter dddd-dd,$(MONTH_SHAPE)),$(if $(subst dddd-dd,,$(MONTH_SHAPE)),,ok),\
	$(filter 20%,$(MONTH_TEXT)),\
	$(filter 01 02 03 04 05 06 07 08 09 10 11 12,$(lastword $(subst -, ,$(MONTH_TEXT))))),)
$(file >>/dev/stderr,tally: bad MONTH ("$(MONTH_TEXT)"): expected YYYY-MM from 2000-01 to 2099-12)
$(error usage error)
endif
empty :=
space := $(empty) $(empty)
hash := \#
dollar := $$
code_chars := ' " ` \ ; & | < > ( ) $(hash) $(dollar)
path_chars := $(code_chars) * ? [ ] { } ! ~ % = :
is_bad = $(or $(findstring $(space),$(value $1)),$(strip \
	$(foreach c,$2,$(findstring $c,$(value $1)))))
bad_var = $(file >>/dev/stderr,tally: $1 ("$(value $1)") holds a blank or a character that make or a shell would read: $2)$(error usage error)
$(foreach v,INBOX CONFIG OUT STATE,$(if $(call is_bad,$v,$(path_chars)),\
	$(call bad_var,$v,use a folder without one (a link to it will do))))
ifneq ($(origin CLOSED_AT),undefined)
$(if $(call is_bad,CLOSED_AT,$(code_chars)),$(call bad_var,CLOSED_AT,give a time such as 2026-11-05T09:12:00Z))
endif
ifneq ($(origin PUSHED_AT),undefined)
$(if $(call is_bad,PUSHED_AT,$(code_chars)),$(call bad_var,PUSHED_AT,give a time such as 2026-11-05T09:12:00Z))
endif
# make pull's TODAY is exactly YYYY-MM-DD (bin/tally checks the date);
# make push's APPLY is 1 or nothing, RESOLVE a journal line, APPLIED yes or no
bad_value = $(file >>/dev/stderr,tally: bad $1 ("$(value $1)"): $2)$(error usage error)
ifneq ($(origin TODAY),undefined)
ifneq ($(call _shape,$(value TODAY),$(digits)),dddd-dd-dd)
$(call bad_value,TODAY,expected the day of the pull as YYYY-MM-DD)
endif
endif
ifneq ($(origin APPLY),undefined)
$(if $(filter-out 1,$(value APPLY))$(findstring $(space),$(value APPLY)),$(call bad_value,APPLY,give APPLY=1 to send the changes (without APPLY the plan is printed)))
endif
ifneq ($(origin RESOLVE),undefined)
$(if $(or $(subst d,,$(call _shape,$(value RESOLVE),$(digits))),$(findstring $(space),$(value RESOLVE)),$(if $(value RESOLVE),,empty)),\
	$(call bad_value,RESOLVE,give the journal line that the unknown outcome's message names))
endif
ifneq ($(origin APPLIED),undefined)
$(if $(filter-out yes no,$(value APPLIED))$(findstring $(space),$(value APPLIED))$(if $(value APPLIED),,empty),\
	$(call bad_value,APPLIED,give APPLIED=yes when the PSA shows the change and APPLIED=no when it does not))
endif

CC ?= cc
CFLAGS ?= -O2 -g
WARNINGS := -Wall -Wextra -Wstrict-prototypes -Wmissing-prototypes -Wvla \
	-Wformat-security -Wshadow -Wpointer-arith -Wno-unused-parameter
ifeq ($(DEVELOPER),1)
WARNINGS += -Werror
endif
# (apart from CFLAGS and LDFLAGS, so that a CFLAGS given to make keeps them)
ifeq ($(SANITIZE),1)
SAN_FLAGS := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all
endif
PKGS := jansson xlsxwriter libzip libcurl libcrypto
PKG_CFLAGS = $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
ALL_CFLAGS = -std=c11 -D_GNU_SOURCE -pthread $(WARNINGS) $(CFLAGS) $(SAN_FLAGS) -Ilib -Istages/common $(PKG_CFLAGS)
ALL_LDFLAGS = $(LDFLAGS) $(SAN_FLAGS)
LIBS = $(shell pkg-config --libs $(PKGS) 2>/dev/null) -lcsv -pthread

# --- Debian packages: installed when missing (README.md) --------------------
DEBS := libcsv-dev libjansson-dev libxlsxwriter-dev libzip-dev \
	libcurl4-openssl-dev libssl-dev libcmocka-dev pkg-config python3-jsonschema
DEBS_MISSING = $(shell for p in $(DEBS); do dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q 'ok installed' || printf '%s ' $$p; done)

.PHONY: deps
deps:
	@missing='$(strip $(DEBS_MISSING))'; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	  elif sudo -n true 2>/dev/null; then sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	  else echo "tally: missing Debian packages; run: sudo apt-get install $$missing" >&2; exit 2; fi; \
	fi
	@mkdir -p bin && touch bin/.deps

# --- build: one library, one link rule for every program ---------------------
# lib/ is the library; stages/common/ the runtime every program links
# (main, messages, options); stages/<name>.c is bin/<name>.
LIB_OBJ := $(patsubst %.c,%.o,$(wildcard lib/*.c))
COMMON_OBJ := $(patsubst %.c,%.o,$(wildcard stages/common/*.c))
TALLY_OBJ := $(patsubst %.c,%.o,$(wildcard stages/tally/*.c))
HDR := $(wildcard lib/*.h stages/common/*.h)
PROGRAMS := $(patsubst stages/%.c,%,$(wildcard stages/*.c))
BINS := $(addprefix bin/,$(PROGRAMS))

.PHONY: all
all: $(BINS)
# the runtime's objects are kept (a pattern rule's prerequisites would not be)
.SECONDARY: $(COMMON_OBJ) $(TALLY_OBJ)

bin/.deps:
	@$(MAKE) --no-print-directory deps

# the flags a build used: changing them (SANITIZE=1, DEVELOPER=1) rebuilds
FLAGS := bin/.build-flags
export TALLY_BUILD_FLAGS := $(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS) $(LIBS)
ifneq ($(file <$(FLAGS)),$(TALLY_BUILD_FLAGS))
$(FLAGS): FORCE
endif
$(FLAGS): | bin/.deps
	@printf '%s\n' "$$TALLY_BUILD_FLAGS" >$@

%.o: %.c $(HDR) $(FLAGS)
	$(CC) $(ALL_CFLAGS) -c -o $@ $<

lib/libtally.a: $(LIB_OBJ)
	$(AR) rcs $@ $^

bin/%: stages/%.c $(COMMON_OBJ) lib/libtally.a $(HDR) $(FLAGS)
	$(CC) $(ALL_CFLAGS) -o $@ $< $(filter stages/tally/%.o,$^) $(COMMON_OBJ) lib/libtally.a $(ALL_LDFLAGS) $(LIBS)

# bin/tally's commands are files of their own (stages/tally/, tally.h)
bin/tally: $(TALLY_OBJ)
$(TALLY_OBJ): stages/tally/tally.h

.PHONY: FORCE
FORCE:

# --- the month: extract, daily-average, map, round, invoice, export ----------
# A closed month (frozen in STATE/closed/M/) is run twice, each run a make
# of its own (PASS): "frozen" reproduces it from its frozen inputs and
# config in OUT/.rerun/M, which bin/tally publish puts in place; "compare"
# runs the current inbox and config over the frozen inputs in
# OUT/.compare/M, which bin/tally restate compares with the frozen invoices
# (README.md, "Closing a month"). A month closed before tally froze inputs
# has no inputs.csv: its one rerun reads the current inbox.
MONTH_DIR := $(OUT)/$(MONTH)
FROZEN := $(STATE)/closed/$(MONTH)
CLOSED := $(wildcard $(FROZEN)/invoices.json)
FROZEN_IN := $(wildcard $(FROZEN)/inputs.csv)
RERUN := $(OUT)/.rerun/$(MONTH)
ifeq ($(PASS),compare)
M := $(OUT)/.compare/$(MONTH)
RUN_INBOX := $(INBOX)
RUN_CONFIG := $(CONFIG)
else ifneq ($(CLOSED),)
M := $(RERUN)
RUN_INBOX := $(if $(FROZEN_IN),$(FROZEN)/inbox,$(INBOX))
RUN_CONFIG := $(if $(FROZEN_IN),$(FROZEN)/config,$(CONFIG))
else
M := $(MONTH_DIR)
RUN_INBOX := $(INBOX)
RUN_CONFIG := $(CONFIG)
endif
T := $(M)/.tally
# when make close gives the month its numbers (the one clock read of a close)
CLOSED_AT ?= $(shell date -u +%Y-%m-%dT%H:%M:%SZ)
# a stage's command: bin/tally run marks the month failed when it fails (no
# output of an earlier run is left to pass for this one); `make bench` sets
# RUN to a wrapper that measures it
run = bin/tally run --stage $(1) --month $(MONTH) $(M) -- $(if $(RUN),$(RUN) $(1) )bin/$(1)
cfg = $(T)/config/$(1)

# The inbox and config as make sees them, read inside the run's lock: the
# safe name of each inbox file, and (with -n) the stamps that would change.
# (A closed month's month-invoice and close need none: its passes do, or
# the close is refused.)
ifneq ($(filter month-pass $(if $(CLOSED),,month-invoice month-close) $(M)/%,$(MAKECMDGOALS)),)
INBOX_WORDS := $(shell bin/tally inbox $(if $(DRY_RUN)$(QUESTION),--dry-run) --month $(MONTH) \
	$(if $(and $(CLOSED),$(FROZEN_IN),$(filter-out compare,$(PASS))),--frozen $(FROZEN)) \
	--inbox $(RUN_INBOX) --config $(RUN_CONFIG) $(M))
ifneq ($(.SHELLSTATUS),0)
$(error tally inbox failed, see above)
endif
STEMS := $(patsubst %.csv,%,$(filter-out stale:%,$(INBOX_WORDS)))
STALE := $(patsubst stale:%,%,$(filter stale:%,$(INBOX_WORDS)))
# the PSA files export wrote last: outputs too, so a deleted one is remade
PSA_FILES := $(addprefix $(M)/,$(file <$(T)/psa.list))
endif
EXTRACT_OUT = $(foreach s,$(STEMS),$(foreach x,.csv .json .rejects.csv .problems.csv,$(M)/extract/$s$x))
EXTRACTS = $(STEMS:%=$(M)/extract/%.csv)
# a closed month's comparison also takes the frozen files that no file of
# the current inbox replaces (bin/tally overlay, read when the step runs)
# (copied into its extract/ folder, so it is redone every run)
ifeq ($(PASS),compare)
OVERLAY = $$(bin/tally overlay --frozen $(FROZEN) --from $(RERUN) $(M))
OVERLAY_IN = FORCE
endif

# a dry run writes no stamp: those that would change are out of date
ifneq ($(STALE),)
$(STALE): FORCE ;
endif

$(M)/extract/%.csv $(M)/extract/%.json $(M)/extract/%.rejects.csv $(M)/extract/%.problems.csv: \
		$(T)/in/%.csv bin/extract $(wildcard schemas/sources/*.json) $(call cfg,settings.json)
	$(call run,extract) --month $(MONTH) --config $(RUN_CONFIG) --quiet -o $(M)/extract/$*.csv $(M)/in/$*.csv

# A step's outputs are grouped targets (&:): one run of its recipe makes
# them all. GNU make 4.3 does not carry a dry run of a grouped rule over to
# the steps after it, so a dry run uses plain rules, whose recipe prints
# once for each target asked for; it then asks each step for its first
# output only ($(call also,...) is empty).
GROUPED := $(if $(DRY_RUN),:,&:)
also = $(if $(DRY_RUN),,$(1))

$(M)/daily-average.csv $(M)/daily.csv $(M)/daily-average.json $(M)/daily-average.problems.csv $(GROUPED) \
		$(EXTRACT_OUT) $(T)/inbox.list bin/daily-average $(call cfg,settings.json) $(OVERLAY_IN)
	$(call run,daily-average) --month $(MONTH) --config $(RUN_CONFIG) -o $(M) $(EXTRACTS) $(OVERLAY)

$(M)/mapped.csv $(M)/unmapped-accounts.csv $(M)/unmapped-services.csv $(M)/auto-matched.csv $(M)/map.problems.csv $(GROUPED) \
		$(M)/daily-average.csv bin/map $(call cfg,settings.json) \
		$(call cfg,accounts.csv) $(call cfg,services.csv) $(call cfg,psa-companies.csv)
	$(call run,map) --month $(MONTH) --config $(RUN_CONFIG) -o $(M) $(M)/daily-average.csv

$(M)/rounded.csv $(M)/round.problems.csv $(GROUPED) $(M)/mapped.csv bin/round
	$(call run,round) --month $(MONTH) -o $(M) $(M)/mapped.csv

# a closed month's rerun takes its final numbers from the frozen invoices
$(M)/invoices.json $(M)/invoice-lines.csv $(M)/invoice.problems.csv $(GROUPED) \
		$(M)/rounded.csv $(M)/mapped.csv bin/invoice $(call cfg,settings.json) \
		$(call cfg,prices.csv) $(call cfg,holidays.csv) $(CLOSED)
	$(call run,invoice) --month $(MONTH) --config $(RUN_CONFIG) $(if $(CLOSED),--numbers $(CLOSED)) \
		-o $(M) $(M)/rounded.csv $(M)/mapped.csv

EXPORT_OUT = $(M)/summary.json $(M)/problems.csv $(M)/reconciliation-$(MONTH).xlsx \
	$(M)/tally-$(MONTH).zip $(T)/psa.list $(PSA_FILES)
$(EXPORT_OUT) $(GROUPED) $(M)/invoices.json $(M)/rounded.csv $(M)/mapped.csv $(M)/daily-average.csv \
		$(call also,$(M)/invoice-lines.csv $(M)/invoice.problems.csv $(M)/round.problems.csv \
		$(M)/map.problems.csv $(M)/unmapped-accounts.csv $(M)/unmapped-services.csv \
		$(M)/auto-matched.csv $(M)/daily.csv $(M)/daily-average.json \
		$(M)/daily-average.problems.csv) \
		$(EXTRACT_OUT) $(T)/inbox.list $(T)/skipped.list bin/export $(T)/config.list
	$(call run,export) --month $(MONTH) --config $(RUN_CONFIG) $(if $(filter compare,$(PASS)),--no-workbook) $(M)

# The whole run holds the lock OUT/MONTH.lock (bin/tally lock), so two runs
# on one month go one after the other; before it starts, what a killed run
# left is swept and an interrupted close is finished or rolled back.
LOCK = $(if $(DRY_RUN),,bin/tally lock --state $(STATE) $(if $(CLOSED),--sweep $(RERUN):$(OUT)/.compare/$(MONTH)) $(MONTH_DIR) --)

.PHONY: invoice month-invoice
invoice: all
	@mkdir -p $(OUT)
	@$(LOCK) $(MAKE) --no-print-directory month-invoice MONTH=$(MONTH)

# every output of the month, named: so none is intermediate, and a deleted
# one is made again
MONTH_OUT = $(EXTRACT_OUT) \
	$(addprefix $(M)/,daily-average.csv daily.csv daily-average.json daily-average.problems.csv \
	mapped.csv unmapped-accounts.csv unmapped-services.csv auto-matched.csv map.problems.csv \
	rounded.csv round.problems.csv invoice-lines.csv invoice.problems.csv invoices.json) \
	$(EXPORT_OUT)

ifeq ($(CLOSED),)
month-invoice: $(if $(DRY_RUN),$(M)/summary.json,$(MONTH_OUT))
	@bin/tally status --month $(MONTH) $(MONTH_DIR)
else
# (each $(MAKE) on a line of its own: make -n runs those lines, no other)
month-invoice:
	@$(MAKE) --no-print-directory month-pass PASS=frozen MONTH=$(MONTH)
	@bin/tally publish --month $(MONTH) --state $(STATE) $(RERUN) $(MONTH_DIR)
ifneq ($(and $(FROZEN_IN),$(if $(NO_COMPARE),,yes)),)
	@$(MAKE) --no-print-directory month-pass PASS=compare MONTH=$(MONTH)
	@bin/tally restate --month $(MONTH) --state $(STATE) $(OUT)/.compare/$(MONTH) $(MONTH_DIR)
endif
	@bin/tally status --month $(MONTH) $(MONTH_DIR)
endif

.PHONY: month-pass
month-pass: $(if $(DRY_RUN),$(M)/summary.json,$(if $(filter compare,$(PASS)),$(M)/summary.json,$(MONTH_OUT)))

# close: only a month whose outputs are up to date with inbox and config and
# free of blocking problems; then final numbers (STATE/ledger.csv), frozen
# copies (STATE/closed/M/), the month's outputs rewritten with them.
.PHONY: close month-close
close: all
	@mkdir -p $(OUT)
	@$(LOCK) $(MAKE) --no-print-directory month-close MONTH=$(MONTH) CLOSED_AT='$(CLOSED_AT)'

month-close:
ifeq ($(CLOSED),)
	@[ -f $(M)/summary.json ] || \
	{ echo "tally: cannot close $(MONTH): it was never run: run make invoice MONTH=$(MONTH), check it, then close" >&2; exit 1; }
	@$(MAKE) --no-print-directory -q $(MONTH_OUT) MONTH=$(MONTH) || \
	{ echo "tally: cannot close $(MONTH): its outputs are not up to date with $(INBOX) and $(CONFIG): run make invoice MONTH=$(MONTH), check it, then close" >&2; exit 1; }
	@bin/tally status --month $(MONTH) $(M) >/dev/null || \
	{ echo "tally: cannot close $(MONTH) with blocking problems: fix them, run make invoice MONTH=$(MONTH), then close" >&2; exit 1; }
endif
	bin/tally close --state $(STATE) --closed-at '$(CLOSED_AT)' --month $(MONTH) \
		--config $(CONFIG) $(MONTH_DIR)
	@$(MAKE) --no-print-directory month-invoice MONTH=$(MONTH) NO_COMPARE=1 >/dev/null

# --- the APIs: make pull and make push -------------------------------------------
# (README.md, "Pulling from the APIs"). The day of a pull (UTC) is the one
# clock read of make pull; bin/tally never reads the clock.
TODAY ?= $(shell date -u +%Y-%m-%d)

.PHONY: pull
pull: all
	@bin/tally pull --month $(MONTH) --today $(TODAY) --config $(CONFIG) --inbox $(INBOX)

# push: the changes of OUT/MONTH/psa/ sent to the PSA, one at a time, each
# recorded in STATE/push/MONTH.csv before and after (README.md, "Pushing
# to the PSA"); without APPLY=1 only the plan is printed. Under the
# month's lock and STATE's, only for a month whose outputs are up to date
# with its inputs (as make close checks). RESOLVE=<line> APPLIED=yes|no
# records what the PSA shows for an unknown outcome, and sends nothing.
PUSHED_AT ?= $(shell date -u +%Y-%m-%dT%H:%M:%SZ)
PUSH_ARGS = --month $(MONTH) --config $(CONFIG) --state $(STATE) --at '$(PUSHED_AT)' \
	$(if $(filter 1,$(APPLY)),--apply) $(if $(RESOLVE),--resolve $(RESOLVE) --applied '$(APPLIED)')

.PHONY: push month-push
push: all
	@$(if $(MONTH_GIVEN),:,echo "tally: make push needs the month: make push MONTH=YYYY-MM [APPLY=1]" >&2; exit 2)
	@$(if $(RESOLVE),$(if $(APPLIED),:,echo "tally: RESOLVE=$(RESOLVE) needs APPLIED=yes or APPLIED=no" >&2; exit 2),:)
	@mkdir -p $(OUT)
	@$(LOCK) $(MAKE) --no-print-directory month-push MONTH=$(MONTH) PUSHED_AT='$(PUSHED_AT)'

month-push:
ifeq ($(CLOSED)$(RESOLVE),)
	@[ -f $(M)/summary.json ] || \
	{ echo "tally: cannot push $(MONTH): it was never run: run make invoice MONTH=$(MONTH), check it, then push" >&2; exit 1; }
	@$(MAKE) --no-print-directory -q $(MONTH_OUT) MONTH=$(MONTH); rc=$$?; \
	if [ $$rc -eq 1 ]; then echo "tally: cannot push $(MONTH): its psa/ files are older than $(INBOX) and $(CONFIG): run make invoice MONTH=$(MONTH), check it, then push" >&2; exit 1; \
	elif [ $$rc -ne 0 ]; then echo "tally: cannot push $(MONTH): whether its psa/ files are up to date cannot be told (the error above): correct it, run make invoice MONTH=$(MONTH), check it, then push" >&2; exit 1; fi
endif
	@bin/tally push $(PUSH_ARGS) $(MONTH_DIR)

# --- demo, tests, benchmark ----------------------------------------------------
.PHONY: demo
demo: all
	@$(MAKE) --no-print-directory invoice MONTH=2026-10 INBOX=fixtures/demo/inbox \
		CONFIG=fixtures/demo/config OUT=out/demo STATE=out/demo/state
	@echo "demo: workbook out/demo/2026-10/reconciliation-2026-10.xlsx, every output in out/demo/2026-10/"

UNIT_BIN := $(patsubst tests/unit/%.c,bin/tests/%,$(wildcard tests/unit/test_*.c))

bin/tests/%: tests/unit/%.c lib/libtally.a $(HDR) $(wildcard tests/unit/*.h) $(FLAGS)
	@mkdir -p bin/tests
	$(CC) $(ALL_CFLAGS) -o $@ $< lib/libtally.a $(ALL_LDFLAGS) $(LIBS) -lcmocka

# Every unit program and golden case is a target of its own, so they run in
# parallel (one job per core unless make -j says otherwise); tests/summary
# prints the failures and, last, "N passed, N failed".
# CASES='10*' runs only the golden cases whose names match.
TEST_OUT := out/test
CASES ?= *
CASE_NAMES = $(shell cd tests/cases && for c in */cmd; do c=$${c%/cmd}; case $$c in ($(CASES)) echo $$c;; esac; done)
TEST_RESULTS = $(UNIT_BIN:bin/tests/%=$(TEST_OUT)/unit/%) $(CASE_NAMES:%=$(TEST_OUT)/case/%)
TEST_JOBS := $(if $(findstring jobserver,$(MAKEFLAGS)),,-j$(shell nproc))

.PHONY: test test-results
test: all $(UNIT_BIN)
	@rm -rf $(TEST_OUT) && mkdir -p $(TEST_OUT)/unit $(TEST_OUT)/case
	@$(MAKE) --no-print-directory -k $(TEST_JOBS) test-results
	@bash tests/summary $(TEST_RESULTS)

# (the cases are listed only for the goal that runs them: a month's run
# does not pay for the listing)
ifneq ($(filter test-results,$(MAKECMDGOALS)),)
test-results: $(TEST_RESULTS)
endif
$(TEST_OUT)/unit/%: FORCE
	@bash tests/run-unit bin/tests/$* $@
$(TEST_OUT)/case/%: FORCE
	@bash tests/run-case $* $@

# --- fuzzing: make fuzz [FUZZ_SECONDS=60] [FUZZ_TARGETS='csv json'] -----------
# Each tests/fuzz/fuzz_<reader>.c is a libFuzzer target over one reader of
# lib/ (README.md, "Fuzzing"), built with Debian's clang-14, AddressSanitizer
# and UBSan into out/fuzz/ (objects of its own, apart from bin/), seeded
# from the files its fuzz_<reader>.seeds names; tests/fuzz/run runs each
# for FUZZ_SECONDS, one after another, and keeps what they find in
# out/fuzz/ (corpus/, crashes, logs).
FUZZ_CC := clang-14
FUZZ_SECONDS ?= 60
FUZZ := out/fuzz
FUZZ_NAMES := $(patsubst tests/fuzz/fuzz_%.c,%,$(wildcard tests/fuzz/fuzz_*.c))
FUZZ_TARGETS ?= $(FUZZ_NAMES)
FUZZ_SAN := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
FUZZ_CFLAGS = -std=c11 -D_GNU_SOURCE -pthread -g -O1 $(WARNINGS) $(FUZZ_SAN) \
	-Ilib -Itests/fuzz $(PKG_CFLAGS)
FUZZ_LIB_OBJ := $(patsubst lib/%.c,$(FUZZ)/obj/%.o,$(wildcard lib/*.c))

$(FUZZ)/.deps:
	@$(MAKE) --no-print-directory deps DEBS='$(DEBS) clang-14 libclang-rt-14-dev'
	@mkdir -p $(FUZZ)/obj && touch $@

$(FUZZ)/obj/%.o: lib/%.c $(HDR) | $(FUZZ)/.deps
	$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link -c -o $@ $<

$(FUZZ)/libtally.a: $(FUZZ_LIB_OBJ)
	$(AR) rcs $@ $^

$(FUZZ)/fuzz_%: tests/fuzz/fuzz_%.c $(wildcard tests/fuzz/*.h) $(FUZZ)/libtally.a $(HDR)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer -o $@ $< $(FUZZ)/libtally.a $(FUZZ_SAN) $(LIBS)

.PHONY: fuzz
fuzz: $(FUZZ_TARGETS:%=$(FUZZ)/fuzz_%)
	@bash tests/fuzz/run $(FUZZ) $(FUZZ_SECONDS) $(FUZZ_TARGETS)

bin/bench/%: tests/bench/%.c
	@mkdir -p bin/bench
	$(CC) -O2 -Wall -o $@ $< $(ALL_LDFLAGS) $(LIBS)

.PHONY: bench
bench: all bin/bench/gen bin/bench/measure bin/bench/xlsxfloor bin/bench/csvfloor
	@bash tests/bench/run

.PHONY: clean
clean:
	rm -rf bin lib/*.o lib/libtally.a stages/common/*.o stages/tally/*.o out
