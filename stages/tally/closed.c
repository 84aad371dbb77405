/*
 * bin/tally close, publish, restate and overlay: closing a month and
 * rerunning a closed one (tally.h; README.md, "Closing a month").
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/wait.h>
#include <jansson.h>
#include "close.h"
#include "date.h"
#include "frozen.h"
#include "fsutil.h"
#include "holidays.h"
#include "inbox.h"
#include "invoice.h"
#include "lock.h"
#include "monthfail.h"
#include "outfile.h"
#include "period.h"
#include "problems.h"
#include "journal.h"
#include "psaapi.h"
#include "psafiles.h"
#include "pull.h"
#include "push.h"
#include "restate.h"
#include "runtime.h"
#include "secret.h"
#include "settings.h"
#include "sources.h"
#include "strbuf.h"
#include "summary.h"
#include "tempfile.h"
#include "xalloc.h"
#include "tally.h"
#include "banned.h"

/* --- close ----------------------------------------------------------------- */

static const char close_usage[] =
	"usage: bin/tally close --month YYYY-MM --config DIR --state DIR --closed-at TIME OUTDIR\n"
	"\n"
	"Gives the month's invoices their final numbers from DIR/ledger.csv,\n"
	"freezes them in STATE/closed/YYYY-MM/ and rewrites OUTDIR's\n"
	"invoice-lines.csv and invoices.json with them (lib/close.h); export\n"
	"then runs again. Refused (exit 1) for a month closed already, with\n"
	"blocking problems, without invoices, or whose OUTDIR is not what the\n"
	"inputs give. A close whose outputs were not all rewritten (killed\n"
	"after its commit point) rewrites them.\n"
	"TALLY_CRASH_AT=frozen|ledger-new|commit|ledger|outputs stops a close\n"
	"there, as a crash would, for tests.\n";

/* TALLY_CRASH_AT=<point>: a close stops there, as kill -9 would stop it */
static void crash_point(const char *point, void *ctx)
{
	const char *at = getenv("TALLY_CRASH_AT");

	(void)ctx;
	if (at && !strcmp(at, point)) {
		fflush(NULL);
		_exit(9);
	}
}

static void write_file(const char *path, const struct strbuf *sb)
{
	struct error e;

	if (fs_write(path, sb->buf, sb->len, &e))
		die_error(&e);
}

/* the frozen bytes as OUTDIR's invoices (lines first, invoices.json last) */
static void write_final(const char *lines_path, const char *json_path,
			const struct strbuf *json, const struct strbuf *csv,
			close_point_fn point)
{
	write_file(lines_path, csv);
	if (point)
		point("outputs", NULL);
	write_file(json_path, json);
}

/* 1 when OUTDIR's summary.json says the month is closed */
static int summary_closed(const char *outdir, const char *month)
{
	json_t *root = summary_load(outdir, month, NULL);
	int closed = root && summary_is_closed(root);

	json_decref(root);
	return closed;
}

int cmd_close(int argc, char **argv)
{
	struct month_arg month = { 0 };
	const char *config = NULL, *statedir = NULL, *closed_at = NULL;
	const struct opt opts[] = {
		{ "--month", OPT_MONTH, &month },
		{ "--config", OPT_STRING, &config },
		{ "--state", OPT_STRING, &statedir },
		{ "--closed-at", OPT_STRING, &closed_at },
		OPT_END,
	};
	struct strbuf fj = STRBUF_INIT, fc = STRBUF_INIT;
	struct state state = STATE_INIT;
	struct settings st;
	struct cal_extra extra;
	struct period period;
	struct invoice_run run;
	struct problems probs;
	struct close_invoice *ci;
	struct frozen_plan plan = FROZEN_PLAN_INIT;
	struct error e;
	char **dirs, *lines_path, *json_path, *rounded, *mapped;
	char **num, (*tot)[48], date[11];
	const char *outdir;
	size_t i, n, first;

	if (options_parse(argc, argv, opts, close_usage, &dirs) != 1 ||
	    !month.text || !config || !statedir || !closed_at || !*closed_at)
		usage_error(close_usage, "--month, --config, --state, --closed-at and OUTDIR are needed");
	outdir = dirs[0];
	lines_path = path_join(outdir, "invoice-lines.csv");
	json_path = path_join(outdir, "invoices.json");
	if (period_load(&period, &st, &extra, config, month.text, &e))
		die_error(&e);
	open_state(&state, statedir, 1);

	if ((n = state_month(&state, period.month, &first)) > 0) {
		const struct ledger_row *r = &state.ledger.row[first];

		if (state_frozen(&state, period.month, &fj, &fc, &e))
			die_error(&e);
		if (fs_same_as(json_path, fj.buf, fj.len) &&
		    fs_same_as(lines_path, fc.buf, fc.len) &&
		    summary_closed(outdir, period.month))
			die(EXIT_REFUSED, "%s is already closed (%s/ledger.csv:%ld, %zu invoices from %s): closing twice is refused",
			    period.month, statedir, r->line, n, r->number);
		/* closed, but stopped before its outputs were all rewritten */
		write_final(lines_path, json_path, &fj, &fc, NULL);
		warn("%s was closed (%s/ledger.csv:%ld, %zu invoices from %s) but its outputs were not all final yet: rewritten with the final numbers",
		     period.month, statedir, r->line, n, r->number);
		goto done;
	}

	/* the invoices the inputs give now, which must be OUTDIR's */
	rounded = path_join(outdir, "rounded.csv");
	mapped = path_join(outdir, "mapped.csv");
	if (problems_open(&probs, NULL, "invoice", &e) ||
	    invoice_run_compute(&run, &period, &st, config, rounded, mapped,
				&probs, &e))
		die_error(&e);
	free(rounded);
	free(mapped);
	if (probs.nblocking)
		die(EXIT_REFUSED, "cannot close %s: %zu blocking problem%s (missing prices): fix them and run make invoice first",
		    period.month, probs.nblocking,
		    probs.nblocking == 1 ? "" : "s");
	if (invoice_render(&run, &fj, &fc, &e))
		die_error(&e);
	if (!fs_same_as(json_path, fj.buf, fj.len) ||
	    !fs_same_as(lines_path, fc.buf, fc.len))
		die(EXIT_REFUSED, "cannot close %s: %s is not what the inputs give now: run make invoice and check it first",
		    period.month, json_path);
	if (!run.ninv)
		die(EXIT_REFUSED, "cannot close %s: it has no invoices",
		    period.month);

	/* the final numbers, the frozen files, the ledger: lib/close.h */
	num = xcalloc(run.ninv, sizeof(*num));
	ci = xcalloc(run.ninv, sizeof(*ci));
	tot = xcalloc(run.ninv, sizeof(*tot));
	if (state_next_numbers(&state, st.invoice_prefix, run.ninv, num, &e))
		die_error(&e);
	date_format(date, period.invoice_date);
	for (i = 0; i < run.ninv; i++) {
		free(run.inv[i].number);
		run.inv[i].number = num[i];	/* the run owns it now */
		ci[i].number = num[i];
		ci[i].company_id = run.inv[i].line[0].company_id;
		ci[i].currency = run.inv[i].currency->code;
		ci[i].total = money_format(tot[i], run.inv[i].total,
					   run.inv[i].currency);
		ci[i].invoice_date = date;
	}
	invoice_run_set_final(&run, closed_at);
	strbuf_reset(&fj);
	strbuf_reset(&fc);
	if (invoice_render(&run, &fj, &fc, &e) ||
	    frozen_plan(&plan, outdir, config, &e) ||
	    state_close_month(&state, period.month, closed_at, ci, run.ninv,
			      &fj, &fc, plan.v, plan.n, crash_point, NULL, &e))
		die_error(&e);
	write_final(lines_path, json_path, &fj, &fc, crash_point);
	warn("closed %s: %zu invoice%s, %s to %s, in %s/ledger.csv",
	     period.month, run.ninv, run.ninv == 1 ? "" : "s", num[0],
	     num[run.ninv - 1], statedir);
	free(num);
	free(ci);
	free(tot);
	frozen_plan_release(&plan);
	invoice_run_release(&run);
done:
	state_release(&state);
	holidays_release(&extra);
	strbuf_release(&fj);
	strbuf_release(&fc);
	free(lines_path);
	free(json_path);
	free(dirs);
	return EXIT_DONE;
}

/* --- publish, restate ------------------------------------------------------ */

static const char publish_usage[] =
	"usage: bin/tally publish --month YYYY-MM --state DIR FROM TO\n"
	"\n"
	"A closed month's rerun in FROM (OUT/.rerun/M), from its frozen inputs\n"
	"(STATE/closed/YYYY-MM/): when its invoices are the frozen ones, byte\n"
	"for byte, TO (OUT/M) is made to hold what FROM holds (only the files\n"
	"that differ are written). Otherwise nothing in TO changes but\n"
	"TO/restatement.csv, the list of changes, and the exit is 1; so too\n"
	"when the rerun has blocking problems. (A month closed before tally\n"
	"froze inputs reruns from the current inbox, and an old\n"
	"TO/restatement.csv is removed when nothing changed.)\n";

static const char restate_usage[] =
	"usage: bin/tally restate --month YYYY-MM --state DIR COMPARE TO\n"
	"\n"
	"A closed month run again on the current inbox and config, over its\n"
	"frozen inputs, in COMPARE (OUT/.compare/M): when its invoices are the\n"
	"frozen ones, an old TO/restatement.csv is removed and the month stands;\n"
	"otherwise TO/restatement.csv lists each change (invoice, product, old\n"
	"and new quantity and amount, or date) and the exit is 1. When COMPARE\n"
	"has blocking problems, they are listed, an old TO/restatement.csv is\n"
	"removed and the exit is 1. Nothing else in TO changes.\n";

/* a closed month that would change: the list, restatement.csv, exit 1 */
static void restate(const char *month, const char *path, const char *why,
		    const struct restatement *rs)
{
	struct strbuf sb = STRBUF_INIT;
	struct outfile o;
	struct error e;

	if (outfile_open(&o, path, &e))
		die_error(&e);
	restate_write_csv(rs, o.fp);
	if (outfile_commit(&o, &e))
		die_error(&e);
	warn("%s is closed and %s give other invoices; nothing was changed",
	     month, why);
	for (size_t i = 0; i < rs->n; i++) {
		strbuf_reset(&sb);
		restate_describe(&rs->row[i], &sb);
		warn("  %s", sb.buf);
	}
	warn("%zu change%s in %s, listed in %s: raise a credit note or bill the difference next month",
	     rs->n, rs->n == 1 ? "" : "s", month, path);
	strbuf_release(&sb);
	exit(EXIT_REFUSED);
}

/*
 * The invoices of run (OUT/.rerun/M or OUT/.compare/M) against the frozen
 * ones of month: returns when they are the same; otherwise writes
 * to/restatement.csv, says why (why: what gives the other invoices) and
 * exits 1.
 */
static void compare_frozen(const char *month, const char *statedir,
			   const char *run, const char *to, const char *why)
{
	struct strbuf fj = STRBUF_INIT, fc = STRBUF_INIT, now = STRBUF_INIT;
	struct state state = STATE_INIT;
	struct error e;
	char *json = path_join(run, "invoices.json");
	char *lines = path_join(run, "invoice-lines.csv");
	char *rpath = path_join(to, "restatement.csv");
	int same_csv;

	open_state(&state, statedir, 0);
	if (state_frozen(&state, month, &fj, &fc, &e))
		die_error(&e);
	state_release(&state);
	same_csv = fs_same_as(lines, fc.buf, fc.len);
	if (!fs_same_as(json, fj.buf, fj.len) || !same_csv) {
		struct restatement rs = RESTATEMENT_INIT;

		if (strbuf_read_file(&now, json, 0, &e) ||
		    restate_diff(&rs, fj.buf, fj.len, now.buf, now.len,
				 !same_csv, &e))
			die_error(&e);
		restate(month, rpath, why, &rs);
	}
	strbuf_release(&fj);
	strbuf_release(&fc);
	strbuf_release(&now);
	free(json);
	free(lines);
	free(rpath);
}

/* TO/restatement.csv removed: the month stands as closed */
static void unrestate(const char *to)
{
	char *rpath = path_join(to, "restatement.csv");
	struct error e;

	if (unlink(rpath) != 0 && errno != ENOENT) {
		error_set(&e, ERR_IO, "%s: cannot remove: %s", rpath,
			  strerror(errno));
		die_error(&e);
	}
	free(rpath);
}

/* 1 when the closed month has frozen inputs (closed by this tally) */
static int has_frozen_inputs(const char *statedir, const char *month)
{
	struct strbuf p = STRBUF_INIT;
	int yes;

	strbuf_addf(&p, "%s/" STATE_CLOSED "/%s/" FROZEN_INPUTS, statedir,
		    month);
	yes = fs_exists(p.buf);
	strbuf_release(&p);
	return yes;
}

int cmd_publish(int argc, char **argv)
{
	struct month_arg month = { 0 };
	const char *statedir = NULL;
	const struct opt opts[] = {
		{ "--month", OPT_MONTH, &month },
		{ "--state", OPT_STRING, &statedir },
		OPT_END,
	};
	struct error e;
	char **dirs;
	const char *from, *to;
	size_t copied = 0;
	int frozen;

	if (options_parse(argc, argv, opts, publish_usage, &dirs) != 2 ||
	    !month.text || !statedir)
		usage_error(publish_usage, "--month, --state, FROM and TO are needed");
	from = dirs[0];
	to = dirs[1];
	frozen = has_frozen_inputs(statedir, month.text);
	compare_frozen(month.text, statedir, from, to,
		       frozen ? "its frozen inputs now (this version of tally)"
			      : "its inputs now");
	/* a rerun with blocking problems is not published either */
	if (print_status(month.text, from, 1) > 0)
		return EXIT_REFUSED;
	if (fs_sync_tree(from, to, &copied, &e) ||
	    fs_prune_tree(to, from, "restatement.csv", &e) ||
	    fs_dir_fsync(to, &e))
		die_error(&e);
	if (!frozen)
		unrestate(to);
	free(dirs);
	return EXIT_DONE;
}

int cmd_restate(int argc, char **argv)
{
	struct month_arg month = { 0 };
	const char *statedir = NULL;
	const struct opt opts[] = {
		{ "--month", OPT_MONTH, &month },
		{ "--state", OPT_STRING, &statedir },
		OPT_END,
	};
	struct strbuf out = STRBUF_INIT;
	struct error e;
	char **dirs, *probs;
	json_t *root;
	long nblock;

	if (options_parse(argc, argv, opts, restate_usage, &dirs) != 2 ||
	    !month.text || !statedir)
		usage_error(restate_usage, "--month, --state, COMPARE and TO are needed");
	probs = path_join(dirs[0], "problems.csv");
	if (!(root = summary_load(dirs[0], month.text, &e)))
		die_error(&e);
	if (summary_is_failed(root))
		die(EXIT_REFUSED, "%s is closed, and its comparison with the current inbox and config stopped (%s/summary.json); nothing was changed",
		    month.text, dirs[0]);
	nblock = json_integer_value(json_object_get(json_object_get(root, "problems"), "blocking"));
	json_decref(root);
	if (nblock > 0) {
		if (summary_blocking_list(probs, 10, &out, &e) < 0)
			die_error(&e);
		fputs(out.buf, stderr);
		/* an old list of changes no longer says what the inbox holds */
		unrestate(dirs[1]);
		die(EXIT_REFUSED, "%s is closed, and the current inbox and config have %ld blocking problem%s for it (%s): fix them or take the files out (a corrected export replaces the closed one when it has its name); nothing was changed",
		    month.text, nblock, nblock == 1 ? "" : "s", probs);
	}
	compare_frozen(month.text, statedir, dirs[0], dirs[1],
		       "the current inbox and config");
	unrestate(dirs[1]);
	warn("%s is closed: reproduced from its frozen inputs; the current inbox and config change none of its invoices",
	     month.text);
	strbuf_release(&out);
	free(probs);
	free(dirs);
	return EXIT_DONE;
}

/* --- overlay --------------------------------------------------------------- */

static const char overlay_usage[] =
	"usage: bin/tally overlay --frozen DIR --from RERUN OUTDIR\n"
	"\n"
	"For the comparison of a closed month with the current inbox: OUTDIR\n"
	"(OUT/.compare/M) has extracted every file of the current inbox, RERUN\n"
	"(OUT/.rerun/M) every frozen one of DIR (STATE/closed/M). The frozen\n"
	"extracts that the month still takes are copied into OUTDIR/extract/\n"
	"as frozen@<S>.* and printed on one line: each frozen file but those\n"
	"replaced by a current file of the same name with rows in the month. A\n"
	"frozen file missing from the inbox is no change, and neither is one\n"
	"whose name now holds other months only.\n";

/* the safe name of the current inbox file named name (inbox.list), or NULL */
static char *current_safe(const struct strbuf *list, const char *name)
{
	size_t n = strlen(name);

	for (const char *l = list->buf; l && *l; ) {
		const char *tab = strchr(l, '\t'), *end = strchr(l, '\n');
		size_t len = end ? (size_t)(end - l) : strlen(l);

		if (tab && tab < l + len && (size_t)(l + len - tab - 1) == n &&
		    !memcmp(tab + 1, name, n))
			return xstrndup(l, (size_t)(tab - l));
		l = end ? end + 1 : NULL;
	}
	return NULL;
}

/* 1 when the extract of safe name safe in dir has rows in the month */
static int has_month_rows(const char *dir, const char *safe)
{
	struct strbuf p = STRBUF_INIT;
	json_t *doc, *rows;
	int yes;

	strbuf_addf(&p, "%s/extract/%.*s.json", dir, (int)(strlen(safe) - 4),
		    safe);
	doc = json_load_file(p.buf, 0, NULL);
	rows = json_object_get(doc, "rows");
	yes = json_integer_value(json_object_get(rows, "accepted")) +
	      json_integer_value(json_object_get(rows, "rejected")) > 0;
	json_decref(doc);
	strbuf_release(&p);
	return yes;
}

/*
 * A frozen file's extract (S.csv, S.json, S.problems.csv, S.rejects.csv of
 * from/extract) copied into to/extract as frozen@S...: the comparison is a
 * month of its own, whose every file export counts ('@' is in no safe
 * name, so the copy meets no file of the inbox; bin/tally inbox removes it
 * before the next run, which copies it again).
 */
#define FROZEN_STEM "frozen@"
static void take_frozen(const char *from, const char *to, const char *safe)
{
	static const char *const suffix[] = {
		".csv", ".json", ".problems.csv", ".rejects.csv" };
	int stem = (int)strlen(safe) - 4;
	struct strbuf a = STRBUF_INIT, b = STRBUF_INIT;
	struct error e;

	for (size_t k = 0; k < sizeof(suffix) / sizeof(*suffix); k++) {
		strbuf_reset(&a);
		strbuf_reset(&b);
		strbuf_addf(&a, "%s/extract/%.*s%s", from, stem, safe, suffix[k]);
		strbuf_addf(&b, "%s/extract/" FROZEN_STEM "%.*s%s", to, stem,
			    safe, suffix[k]);
		if (fs_copy(a.buf, b.buf, &e))
			die_error(&e);
	}
	strbuf_release(&a);
	strbuf_release(&b);
}

int cmd_overlay(int argc, char **argv)
{
	const char *frozen = NULL, *from = NULL;
	const struct opt opts[] = {
		{ "--frozen", OPT_STRING, &frozen },
		{ "--from", OPT_STRING, &from },
		OPT_END,
	};
	struct frozen f = FROZEN_INIT;
	struct strbuf list = STRBUF_INIT, path = STRBUF_INIT;
	struct error e;
	const char *sep = "";
	char **dirs;

	if (options_parse(argc, argv, opts, overlay_usage, &dirs) != 1 ||
	    !frozen || !from)
		usage_error(overlay_usage, "--frozen, --from and OUTDIR are needed");
	strbuf_addf(&path, "%s/" INBOX_STAMPS "inbox.list", dirs[0]);
	if (frozen_load(&f, frozen, &e) < 0 ||
	    strbuf_read_file(&list, path.buf, 0, &e))
		die_error(&e);
	for (size_t i = 0; i < f.n; i++) {
		const struct frozen_entry *x = &f.v[i];
		char *now;
		int replaced;

		if (strcmp(x->kind, "inbox"))
			continue;
		now = current_safe(&list, x->name);
		replaced = now && has_month_rows(dirs[0], now);
		free(now);
		if (!replaced) {
			take_frozen(from, dirs[0], x->safe);
			printf("%s%s/extract/" FROZEN_STEM "%s", sep, dirs[0],
			       x->safe);
			sep = " ";
		}
	}
	putchar('\n');
	frozen_release(&f);
	strbuf_release(&list);
	strbuf_release(&path);
	free(dirs);
	return EXIT_DONE;
}

