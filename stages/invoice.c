/*
 * invoice: rounded.csv + mapped.csv + config -> invoice-lines.csv,
 * invoice.problems.csv, invoices.json (committed last: make's target).
 * The rules are in lib/invoice.h and lib/prices.h.
 *
 * With --state, a month closed in STATE is recomputed and compared with
 * its frozen invoices (lib/close.h): the same gives the final outputs,
 * anything else changes nothing, lists the changes and exits 1. --close
 * closes the month; --lock and --publish serve the Makefile (a run's
 * lock, and copying a closed month's rerun into place).
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "close.h"
#include "date.h"
#include "eprintf.h"
#include "holidays.h"
#include "invoice.h"
#include "outfile.h"
#include "prices.h"
#include "problems.h"
#include "settings.h"
#include "stageargs.h"
#include "strbuf.h"
#include "xalloc.h"
#include "banned.h"

static const char usage_text[] =
	"usage: bin/invoice --month YYYY-MM [--config DIR] [--state DIR]\n"
	"                   [--restatement FILE] -o OUTDIR ROUNDED MAPPED\n"
	"       bin/invoice --close --state DIR --closed-at TIME --month YYYY-MM\n"
	"                   [--config DIR] -o OUTDIR ROUNDED MAPPED\n"
	"       bin/invoice --lock DIR [--state DIR] -- COMMAND [ARG...]\n"
	"       bin/invoice --publish FROM -o OUTDIR\n"
	"\n"
	"Prices the month's rounded quantities (ROUNDED, rounded.csv) with\n"
	"DIR/prices.csv, names them from MAPPED (mapped.csv) and writes\n"
	"OUTDIR/invoice-lines.csv, OUTDIR/invoice.problems.csv and\n"
	"OUTDIR/invoices.json. Reads DIR/settings.json, DIR/prices.csv and\n"
	"DIR/holidays.csv when they exist (DIR defaults to config).\n"
	"\n"
	"--state DIR: when the month is closed in DIR (ledger.csv, closed/),\n"
	"the outputs are the frozen invoices if the inputs still give them;\n"
	"otherwise nothing is written but FILE (default OUTDIR/restatement.csv),\n"
	"the list of changes, and the exit is 1.\n"
	"--close: gives the month's invoices their final numbers from\n"
	"DIR/ledger.csv, freezes them in DIR/closed/YYYY-MM/ and rewrites\n"
	"OUTDIR's invoices with them. Refused (exit 1) for a month closed\n"
	"already, with blocking problems, or whose OUTDIR is not what the\n"
	"inputs give. TALLY_CRASH_AT=frozen|ledger-new|commit|ledger|outputs\n"
	"stops a close there (as a crash would), for tests.\n"
	"--lock DIR: runs COMMAND holding the lock DIR.lock, saying so while\n"
	"it waits for another run; with --state, after recovering (and saying)\n"
	"an interrupted close.\n"
	"--publish FROM: copies the files of FROM that differ into OUTDIR.\n"
	"Exit: 0 done (missing prices are recorded as problems), 1 refused or\n"
	"a closed month would change, 2 usage or configuration error, 3 I/O\n"
	"error.\n";

static void usage(void)
{
	die(2, "usage: bin/invoice --month YYYY-MM [--config DIR] -o OUTDIR ROUNDED MAPPED");
}


static void on_wait(const char *path, void *ctx)
{
	fprintf(stderr, "tally: waiting for the lock on %s (another run)\n",
		(const char *)ctx);
}

static void print_notes(const struct strbuf *notes);

/*
 * --lock DIR [--state STATE] -- COMMAND: the lock stays with COMMAND
 * (exec, inherited). With --state, an interrupted close is recovered first
 * and said (every run passes here, so the next run after a crash says
 * whether the month was closed), and a damaged STATE stops the run.
 */
static int run_locked(const char *dir, const char *statedir, char **cmd)
{
	struct lock l = LOCK_INIT;
	struct strbuf sb = STRBUF_INIT;
	struct error e;

	strbuf_addf(&sb, "%s.lock", dir);
	if (lock_take(&l, sb.buf, LOCK_INHERIT, on_wait, (void *)dir, &e))
		die(3, "%s", e.msg);
	strbuf_release(&sb);
	if (statedir) {
		struct state st = STATE_INIT;
		int r = state_open(&st, statedir, 0, NULL, NULL, &sb, &e);

		print_notes(&sb);
		if (r)
			die(3, "%s", e.msg);
		state_release(&st);
		strbuf_release(&sb);
	}
	fflush(NULL);
	execvp(cmd[0], cmd);
	die(3, "%s: cannot run:", cmd[0]);
}

/* TALLY_CRASH_AT=<point>: a close stops there, as kill -9 would stop it */
static void crash_point(const char *point, void *ctx)
{
	const char *at = getenv("TALLY_CRASH_AT");

	if (at && !strcmp(at, point)) {
		fflush(NULL);
		_exit(9);
	}
}

static void write_bytes(const char *path, const struct strbuf *sb)
{
	struct outfile o;
	struct error e;

	if (outfile_open(&o, path, &e))
		die(3, "%s", e.msg);
	fwrite(sb->buf, 1, sb->len, o.fp);
	if (outfile_commit(&o, &e))
		die(3, "%s", e.msg);
}

/* 1 when path holds exactly the bytes of sb */
static int same_file(const char *path, const struct strbuf *sb)
{
	FILE *fp = fopen(path, "rb");
	char buf[65536];
	size_t got, off = 0;
	int same = 1;

	if (!fp)
		return 0;
	while (same && (got = fread(buf, 1, sizeof(buf), fp)) > 0) {
		if (off + got > sb->len || memcmp(sb->buf + off, buf, got))
			same = 0;
		off += got;
	}
	fclose(fp);
	return same && off == sb->len;
}

/* 1 when OUTDIR/summary.json says the month is closed (export ran after) */
static int summary_closed(const char *outdir)
{
	struct strbuf sb = STRBUF_INIT;
	FILE *fp;
	char buf[4096];
	size_t got;
	int yes;

	strbuf_addf(&sb, "%s/summary.json", outdir);
	fp = fopen(sb.buf, "rb");
	strbuf_reset(&sb);
	if (!fp)
		return 0;
	while ((got = fread(buf, 1, sizeof(buf), fp)) > 0 && sb.len < 65536)
		strbuf_add(&sb, buf, got);
	fclose(fp);
	yes = strstr(sb.buf, "\"status\": \"closed\"") != NULL;
	strbuf_release(&sb);
	return yes;
}

/* the frozen bytes as OUTDIR's invoices (lines first, invoices.json last) */
static void write_final(const char *lines_path, const char *json_path,
			const struct strbuf *json, const struct strbuf *csv,
			close_point_fn point)
{
	write_bytes(lines_path, csv);
	if (point)
		point("outputs", NULL);
	write_bytes(json_path, json);
}

static void print_notes(const struct strbuf *notes)
{
	const char *p = notes->buf;

	while (*p) {
		const char *nl = strchr(p, '\n');
		int n = nl ? (int)(nl - p) : (int)strlen(p);

		warn("%.*s", n, p);
		p += n + (nl != NULL);
	}
}

static const char *first_number(const struct state *s, const char *month,
				size_t *n, long *line)
{
	size_t first;

	*n = state_month(s, month, &first);
	*line = s->ledger.row[first].line;
	return s->ledger.row[first].number;
}

/* a closed month that would change: the list, restatement.csv, exit 1 */
static void restate(const char *month, const char *path,
		    const struct restatement *rs)
{
	struct outfile o;
	struct strbuf sb = STRBUF_INIT;
	struct error e;
	size_t i;

	if (outfile_open(&o, path, &e))
		die(3, "%s", e.msg);
	restate_write_csv(rs, o.fp);
	if (outfile_commit(&o, &e))
		die(3, "%s", e.msg);
	warn("%s is closed and its inputs now give other invoices; nothing was changed",
	     month);
	for (i = 0; i < rs->n; i++) {
		strbuf_reset(&sb);
		restate_describe(&rs->row[i], &sb);
		warn("  %s", sb.buf);
	}
	warn("%zu change%s in %s, listed in %s: raise a credit note or bill the difference next month",
	     rs->n, rs->n == 1 ? "" : "s", month, path);
	strbuf_release(&sb);
	exit(1);
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "month", required_argument, NULL, 'm' },
		{ "config", required_argument, NULL, 'c' },
		{ "output", required_argument, NULL, 'o' },
		{ "state", required_argument, NULL, 's' },
		{ "restatement", required_argument, NULL, 'r' },
		{ "close", no_argument, NULL, 'C' },
		{ "closed-at", required_argument, NULL, 'T' },
		{ "lock", required_argument, NULL, 'L' },
		{ "publish", required_argument, NULL, 'P' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *month = NULL, *config = "config", *outdir = NULL;
	const char *statedir = NULL, *restatement = NULL, *closed_at = NULL;
	const char *lockdir = NULL, *publish = NULL;
	char *prices_path;
	char *lines_path, *probs_path, *json_path, *restate_path;
	struct invoice_names names = INVOICE_NAMES_INIT;
	struct prices prices = PRICES_INIT;
	struct state state = STATE_INIT;
	struct strbuf notes = STRBUF_INIT, fj = STRBUF_INIT, fc = STRBUF_INIT;
	struct restatement rs = RESTATEMENT_INIT;
	struct settings st;
	struct cal_extra extra;
	struct period period;
	struct invoice_run run;
	struct problems probs;
	struct outfile lines, json;
	struct error e;
	int c, r, closing = 0, closed = 0;

	eprintf_init("invoice");
	opterr = 0;
	while ((c = getopt_long(argc, argv, "+o:", opts, NULL)) != -1) {
		switch (c) {
		case 'm': month = optarg; break;
		case 'c': config = optarg; break;
		case 'o': outdir = optarg; break;
		case 's': statedir = optarg; break;
		case 'r': restatement = optarg; break;
		case 'C': closing = 1; break;
		case 'T': closed_at = optarg; break;
		case 'L': lockdir = optarg; break;
		case 'P': publish = optarg; break;
		case 'h': fputs(usage_text, stdout); return 0;
		default: usage();
		}
	}
	if (lockdir) {
		if (optind >= argc || month || outdir || closing || publish)
			usage();
		return run_locked(lockdir, statedir, argv + optind);
	}
	if (publish) {
		size_t copied;

		if (!outdir || optind != argc || month || closing)
			usage();
		if (close_publish(publish, outdir, &copied, &e))
			die(3, "%s", e.msg);
		return 0;
	}
	if (!month || !outdir || argc - optind != 2 ||
	    (closing && (!statedir || !closed_at || !*closed_at)))
		usage();

	prices_path = path_join(config, "prices.csv");
	lines_path = path_join(outdir, "invoice-lines.csv");
	probs_path = path_join(outdir, "invoice.problems.csv");
	json_path = path_join(outdir, "invoices.json");
	restate_path = restatement ? xstrdup(restatement) :
		path_join(outdir, "restatement.csv");
	stage_period(&period, &st, &extra, config, month);

	invoice_run_init(&run, &period, st.tax_rate);
	if (statedir) {
		r = state_open(&state, statedir, closing, NULL, NULL, &notes, &e);
		print_notes(&notes);
		if (r)
			die(3, "%s", e.msg);
		closed = state_month(&state, period.month, &(size_t){0}) > 0;
	}
	if (closing && closed) {
		size_t n;
		long line;
		const char *num = first_number(&state, period.month, &n, &line);

		if (state_frozen(&state, period.month, &fj, &fc, &e))
			die(3, "%s", e.msg);
		if (same_file(json_path, &fj) && same_file(lines_path, &fc) &&
		    summary_closed(outdir))
			die(1, "%s is already closed (%s/ledger.csv:%ld, %zu invoices from %s): closing twice is refused",
			    period.month, statedir, line, n, num);
		/* closed, but stopped before its outputs were all rewritten */
		write_final(lines_path, json_path, &fj, &fc, NULL);
		warn("%s was closed (%s/ledger.csv:%ld, %zu invoices from %s) but its outputs were not all final yet: rewritten with the final numbers",
		     period.month, statedir, line, n, num);
		goto done;
	}

	if ((r = prices_load(&prices, prices_path, st.currency, &e)))
		die(r == PRICES_EIO ? 3 : 2, "%s", e.msg);
	if (invoice_names_load(&names, argv[optind + 1], &e))
		die(3, "%s", e.msg);
	/* a close reads the month again but leaves its problems file alone */
	if (problems_open(&probs, probs_path, "invoice", &e))
		die(3, "%s", e.msg);
	if (invoice_read_rounded(&run, argv[optind], &names, &prices,
				 prices_path, &probs, &e)) {
		problems_abort(&probs);
		die(3, "%s", e.msg);
	}
	invoice_run_finish(&run);

	if (closing) {
		struct close_invoice *ci;
		char **num;
		char (*tot)[48], date[11];
		size_t i;

		problems_abort(&probs);
		if (probs.nblocking)
			die(1, "cannot close %s: %zu blocking problem%s (missing prices): fix them and run make invoice first",
			    period.month, probs.nblocking,
			    probs.nblocking == 1 ? "" : "s");
		if (close_render(&run, &fj, &fc, &e))
			die(3, "%s", e.msg);
		if (!same_file(json_path, &fj) || !same_file(lines_path, &fc))
			die(1, "cannot close %s: %s is not what the inputs give now: run make invoice and check it first",
			    period.month, json_path);
		if (!run.ninv)
			die(1, "cannot close %s: it has no invoices", period.month);
		num = xcalloc(run.ninv, sizeof(*num));
		ci = xcalloc(run.ninv, sizeof(*ci));
		tot = xcalloc(run.ninv, sizeof(*tot));
		if (state_next_numbers(&state, st.invoice_prefix, run.ninv, num, &e))
			die(2, "%s", e.msg);
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
		run.status = "final";
		run.closed_at = closed_at;
		strbuf_reset(&fj);
		strbuf_reset(&fc);
		if (close_render(&run, &fj, &fc, &e))
			die(3, "%s", e.msg);
		if (state_close_month(&state, period.month, closed_at, ci,
				      run.ninv, &fj, &fc, crash_point, NULL, &e))
			die(3, "%s", e.msg);
		write_final(lines_path, json_path, &fj, &fc, crash_point);
		warn("closed %s: %zu invoice%s, %s to %s, in %s/ledger.csv",
		     period.month, run.ninv, run.ninv == 1 ? "" : "s", num[0],
		     num[run.ninv - 1], statedir);
		free(num);
		free(ci);
		free(tot);
		goto done;
	}

	if (closed) {
		r = close_compare(&state, period.month, &run, &fj, &fc, &rs, &e);
		if (r < 0) {
			problems_abort(&probs);
			die(3, "%s", e.msg);
		}
		if (r > 0) {
			problems_abort(&probs);
			restate(period.month, restate_path, &rs);
		}
		/* the frozen bytes; invoices.json last: it is make's target */
		write_bytes(lines_path, &fc);
		if (problems_commit(&probs, &e))
			die(3, "%s", e.msg);
		write_bytes(json_path, &fj);
		goto done;
	}
	state_release(&state);

	if (outfile_open(&lines, lines_path, &e)) {
		problems_abort(&probs);
		die(3, "%s", e.msg);
	}
	invoice_write_lines(&run, lines.fp);
	if (outfile_open(&json, json_path, &e)) {
		outfile_abort(&lines);
		problems_abort(&probs);
		die(3, "%s", e.msg);
	}
	if (invoice_write_json(&run, json.fp, &e)) {
		outfile_abort(&json);
		outfile_abort(&lines);
		problems_abort(&probs);
		die(3, "%s", e.msg);
	}
	/* invoices.json last: it is make's target */
	if (outfile_commit(&lines, &e)) {
		outfile_abort(&json);
		problems_abort(&probs);
		die(3, "%s", e.msg);
	}
	if (problems_commit(&probs, &e)) {
		outfile_abort(&json);
		die(3, "%s", e.msg);
	}
	if (outfile_commit(&json, &e))
		die(3, "%s", e.msg);

done:
	state_release(&state);
	restate_release(&rs);
	invoice_run_release(&run);
	invoice_names_release(&names);
	prices_release(&prices);
	holidays_release(&extra);
	strbuf_release(&notes);
	strbuf_release(&fj);
	strbuf_release(&fc);
	free(prices_path);
	free(lines_path);
	free(probs_path);
	free(json_path);
	free(restate_path);
	return 0;
}
