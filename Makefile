# tally: a month of vendor licence-usage exports in, PSA-ready invoices out.
# `make demo` and `make test` are all a new machine needs; see README.md.

.DELETE_ON_ERROR:
.SUFFIXES:
.SECONDARY:
MAKEFLAGS += --no-builtin-rules
SHELL := /bin/bash

INBOX  ?= inbox
CONFIG ?= config
OUT    ?= out
STATE  ?= state
# the calendar month before today (only make reads the clock; stages never do)
MONTH  ?= $(shell date -d "$$(date +%Y-%m-01) -1 month" +%Y-%m)
# the month's outputs; a closed month (frozen in STATE/closed/) reruns its
# pipeline in a scratch folder, copied into place only when the invoices
# come out as frozen (README.md, "Closing a month")
MONTH_DIR := $(OUT)/$(MONTH)
CLOSED := $(wildcard $(STATE)/closed/$(MONTH)/invoices.json)
M := $(if $(CLOSED),$(OUT)/.rerun/$(MONTH),$(MONTH_DIR))
# when make close gives the month its numbers (the one clock read of a close)
CLOSED_AT ?= $(shell date -u +%Y-%m-%dT%H:%M:%SZ)

CC ?= cc
CFLAGS ?= -O2 -g
WARNINGS := -Wall -Wextra -Wstrict-prototypes -Wmissing-prototypes -Wvla \
	-Wformat-security -Wshadow -Wpointer-arith -Wno-unused-parameter
ifeq ($(DEVELOPER),1)
WARNINGS += -Werror
endif
ifeq ($(SANITIZE),1)
CFLAGS += -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all
LDFLAGS += -fsanitize=address,undefined
endif
ALL_CFLAGS = -std=c11 -D_GNU_SOURCE $(WARNINGS) $(CFLAGS) -Ilib $(PKG_CFLAGS)
PKGS := jansson xlsxwriter libzip libcurl libcrypto
PKG_CFLAGS = $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
LIBS = $(shell pkg-config --libs $(PKGS) 2>/dev/null) -lcsv

# --- Debian packages: installed when missing (SPEC.md section 2) --------------
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

# --- build: one library, one pattern rule per stage ---------------------------
LIB_SRC := $(wildcard lib/*.c)
LIB_OBJ := $(LIB_SRC:.c=.o)
LIB_HDR := $(wildcard lib/*.h)
STAGES := extract daily-average map round invoice export
BINS := $(addprefix bin/,$(STAGES))

.PHONY: all
all: $(BINS)

bin/.deps:
	@$(MAKE) --no-print-directory deps

lib/%.o: lib/%.c $(LIB_HDR) | bin/.deps
	$(CC) $(ALL_CFLAGS) -c -o $@ $<

lib/libtally.a: $(LIB_OBJ)
	$(AR) rcs $@ $^

bin/%: stages/%.c lib/libtally.a $(LIB_HDR) | bin/.deps
	$(CC) $(ALL_CFLAGS) -o $@ $< lib/libtally.a $(LDFLAGS) $(LIBS)

# --- the month: SPEC.md section 3 ----------------------------------------------
MONTH_OK = $(shell printf '%s' '$(MONTH)' | grep -Ex '20[0-9]{2}-(0[1-9]|1[0-2])')
ifneq ($(filter invoice close month-invoice month-close,$(MAKECMDGOALS)),)
ifeq ($(MONTH_OK),)
$(shell printf 'tally: bad MONTH ("%s"): expected YYYY-MM from 2000-01 to 2099-12\n' '$(MONTH)' >&2)
$(error usage error)
endif
endif

cfg = $(wildcard $(CONFIG)/$(1))
# a stage's command; `make bench` sets RUN to a wrapper that measures it
run = $(if $(RUN),$(RUN) $(1) )bin/$(1)

# extract: one rule per inbox file, written by bin/extract --make-rules into
# $(M)/inbox.mk (names with spaces or parentheses become safe names, linked
# from $(M)/in/). It defines EXTRACTS, the extract outputs in name order.
# Read inside the run's lock only (month-invoice, and make close's check).
ifneq ($(filter month-invoice $(M)/%,$(MAKECMDGOALS)),)
$(M)/inbox.mk: $(INBOX) bin/extract
	@mkdir -p $(M)/extract $(M)/in
	bin/extract --make-rules --month $(MONTH) --inbox $(INBOX) --dir $(M) >$@.tmp && mv $@.tmp $@
-include $(M)/inbox.mk
endif

$(M)/daily-average.csv $(M)/daily.csv $(M)/daily-average.json $(M)/daily-average.problems.csv &: \
		$(EXTRACTS) $(M)/inbox.mk bin/daily-average $(call cfg,settings.json)
	$(call run,daily-average) --month $(MONTH) --config $(CONFIG) -o $(M) $(EXTRACTS)

$(M)/mapped.csv $(M)/unmapped-accounts.csv $(M)/unmapped-services.csv $(M)/auto-matched.csv $(M)/map.problems.csv &: \
		$(M)/daily-average.csv bin/map $(call cfg,settings.json) \
		$(call cfg,accounts.csv) $(call cfg,services.csv) $(call cfg,psa-companies.csv)
	$(call run,map) --month $(MONTH) --config $(CONFIG) -o $(M) $(M)/daily-average.csv

$(M)/rounded.csv $(M)/round.problems.csv &: $(M)/mapped.csv bin/round
	$(call run,round) --month $(MONTH) -o $(M) $(M)/mapped.csv

# --state: a closed month gives its frozen invoices, or fails with the
# changes in $(MONTH_DIR)/restatement.csv and writes nothing else
$(M)/invoices.json $(M)/invoice-lines.csv $(M)/invoice.problems.csv &: \
		$(M)/rounded.csv $(M)/mapped.csv bin/invoice $(call cfg,settings.json) \
		$(call cfg,prices.csv) $(call cfg,holidays.csv) $(CLOSED)
	$(call run,invoice) --month $(MONTH) --config $(CONFIG) --state $(STATE) \
		--restatement $(MONTH_DIR)/restatement.csv -o $(M) $(M)/rounded.csv $(M)/mapped.csv

$(M)/summary.json $(M)/problems.csv &: \
		$(M)/invoices.json $(M)/round.problems.csv $(M)/map.problems.csv \
		$(M)/daily-average.problems.csv $(M)/daily-average.json $(EXTRACTS) bin/export $(call cfg,settings.json)
	$(call run,export) --month $(MONTH) --config $(CONFIG) $(M)

# The whole run holds the lock $(OUT)/$(MONTH).lock (bin/invoice --lock),
# so two runs on one month go one after the other; before it starts, an
# interrupted close is finished or rolled back, and said.
.PHONY: invoice month-invoice
invoice: bin/invoice
	@mkdir -p $(OUT)
	@bin/invoice --lock $(MONTH_DIR) --state $(STATE) -- $(MAKE) --no-print-directory month-invoice MONTH=$(MONTH)

month-invoice: $(M)/summary.json
ifneq ($(CLOSED),)
	@if bin/export --status --month $(MONTH) $(M) >/dev/null 2>&1; then \
	  bin/invoice --publish $(M) -o $(MONTH_DIR); \
	else bin/export --status --month $(MONTH) $(M); exit 1; fi
endif
	@bin/export --status --month $(MONTH) $(MONTH_DIR)

# close: only a month whose outputs are up to date with inbox and config and
# free of blocking problems; then final numbers (STATE/ledger.csv), frozen
# copies (STATE/closed/M/), the month's outputs rewritten with them.
.PHONY: close month-close
close: bin/invoice bin/export
	@mkdir -p $(OUT)
	@bin/invoice --lock $(MONTH_DIR) --state $(STATE) -- $(MAKE) --no-print-directory month-close MONTH=$(MONTH) CLOSED_AT='$(CLOSED_AT)'

month-close:
ifeq ($(CLOSED),)
	@[ -f $(M)/summary.json ] || \
	{ echo "tally: cannot close $(MONTH): it was never run: run make invoice MONTH=$(MONTH), check it, then close" >&2; exit 1; }
	@$(MAKE) --no-print-directory -q $(M)/summary.json MONTH=$(MONTH) || \
	{ echo "tally: cannot close $(MONTH): its outputs are not up to date with $(INBOX) and $(CONFIG): run make invoice MONTH=$(MONTH), check it, then close" >&2; exit 1; }
	@bin/export --status --month $(MONTH) $(M) >/dev/null || \
	{ echo "tally: cannot close $(MONTH) with blocking problems: fix them, run make invoice MONTH=$(MONTH), then close" >&2; exit 1; }
endif
	bin/invoice --close --state $(STATE) --closed-at '$(CLOSED_AT)' --month $(MONTH) --config $(CONFIG) \
		-o $(MONTH_DIR) $(MONTH_DIR)/rounded.csv $(MONTH_DIR)/mapped.csv
	$(call run,export) --month $(MONTH) --config $(CONFIG) $(MONTH_DIR)

# --- demo, tests, benchmark ----------------------------------------------------
.PHONY: demo
demo: all
	@$(MAKE) --no-print-directory invoice MONTH=2026-10 INBOX=fixtures/demo/inbox \
		CONFIG=fixtures/demo/config OUT=out/demo STATE=out/demo/state
	@echo "demo: workbook out/demo/2026-10/reconciliation-2026-10.xlsx, every output in out/demo/2026-10/"

UNIT_SRC := $(wildcard tests/unit/test_*.c)
UNIT_BIN := $(patsubst tests/unit/%.c,bin/tests/%,$(UNIT_SRC))

bin/tests/%: tests/unit/%.c lib/libtally.a $(LIB_HDR) $(wildcard tests/unit/*.h) | bin/.deps
	@mkdir -p bin/tests
	$(CC) $(ALL_CFLAGS) -o $@ $< lib/libtally.a $(LDFLAGS) $(LIBS) -lcmocka

.PHONY: test
test: all $(UNIT_BIN)
	@CASES='$(CASES)' LC_ALL=C bash tests/run $(UNIT_BIN)

bin/bench/%: tests/bench/%.c
	@mkdir -p bin/bench
	$(CC) -O2 -Wall -o $@ $< $(LDFLAGS) $(LIBS)

.PHONY: bench
bench: all bin/bench/gen bin/bench/measure bin/bench/xlsxfloor
	@bash tests/bench/run

.PHONY: clean
clean:
	rm -rf bin lib/*.o lib/libtally.a out
