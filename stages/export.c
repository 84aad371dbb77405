/*
 * export: the month's outputs for people and the PSA.
 *
 *   bin/export --month M --config DIR OUTDIR
 *     gathers every stage's problems into OUTDIR/problems.csv and the
 *     month's accounting into OUTDIR/summary.json (committed last: make's
 *     target), and writes the workbook reconciliation-M.xlsx, the PSA
 *     files in psa/ and the archive tally-M.zip. Layouts:
 *     lib/summary.h, lib/workbook.h, lib/psafiles.h, lib/bundle.h.
 *   bin/export --status --month M OUTDIR
 *     prints the short summary of OUTDIR/summary.json ("tally: ..." lines
 *     on stdout); with blocking problems its last line goes to stderr,
 *     "tally: N blocking problems in M, see OUTDIR/problems.csv", and the
 *     exit is 1.
 *
 * The workbook is written by a child process while this one writes the
 * PSA files and deflates the archive's other entries (lib/bundle.h): on
 * a big month the two take seconds each, and a machine has two cores.
 * If this process fails first, it stops the child and removes its
 * temporary file; if the child fails, it has said why, and export stops
 * before the archive with exit 3.
 *
 * A month without any inbox file gets a blocking no-input problem here:
 * export is the one stage that sees the whole month's list of extract
 * files (with no inbox file no extract runs at all).
 */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "bundle.h"
#include "date.h"
#include "eprintf.h"
#include "holidays.h"
#include "invoice.h"
#include "outfile.h"
#include "psafiles.h"
#include "settings.h"
#include "stageargs.h"
#include "strbuf.h"
#include "summary.h"
#include "invoicescan.h"
#include "workbook.h"
#include "banned.h"

static const char usage_text[] =
	"usage: bin/export --month YYYY-MM [--config DIR] [--no-workbook] OUTDIR\n"
	"       bin/export --status --month YYYY-MM OUTDIR\n"
	"\n"
	"Gathers the problems of every stage of the month in OUTDIR into\n"
	"OUTDIR/problems.csv and writes OUTDIR/summary.json, the workbook\n"
	"OUTDIR/reconciliation-YYYY-MM.xlsx, the PSA files OUTDIR/psa/*.csv and\n"
	"the archive OUTDIR/tally-YYYY-MM.zip. Reads\n"
	"DIR/settings.json and DIR/holidays.csv for the invoice date (DIR\n"
	"defaults to config).\n"
	"--no-workbook leaves the workbook out (and removes an old one): for\n"
	"months too big for a spreadsheet, and for make bench to time it.\n"
	"With --status, prints the month's summary from OUTDIR/summary.json.\n"
	"Exit: 0 done, 1 (--status) the month has blocking problems, 2 usage or\n"
	"configuration error, 3 I/O error.\n";

static void usage(void)
{
	die(2, "usage: bin/export [--status] --month YYYY-MM [--config DIR] OUTDIR");
}

/* the child writing the workbook: pid 0 when there is none (any more) */
static struct {
	pid_t pid;
	const char *path;
} wbchild;

/* at exit of the parent, if the child is still there */
static void wbchild_stop(void)
{
	char tmp[4096];

	if (wbchild.pid <= 0)
		return;
	kill(wbchild.pid, SIGTERM);
	while (waitpid(wbchild.pid, NULL, 0) < 0 && errno == EINTR)
		;
	snprintf(tmp, sizeof(tmp), "%s.tmp%ld", wbchild.path,
		 (long)wbchild.pid);
	unlink(tmp);
	wbchild.pid = 0;
}

static void wbchild_start(const char *path, const struct workbook_input *in)
{
	struct error e;
	pid_t pid;

	fflush(NULL);
	pid = fork();
	if (pid < 0)
		die(3, "cannot start the process writing the workbook:");
	if (pid == 0) {
		if (workbook_write(path, in, &e)) {
			warn("%s", e.msg);
			_exit(3);
		}
		_exit(0);
	}
	wbchild.pid = pid;
	wbchild.path = path;
	atexit(wbchild_stop);
}

/* bundle_input.wait: the workbook is written, or the child said why not */
static int wbchild_wait(void *arg, struct error *e)
{
	int status;
	pid_t pid = wbchild.pid;

	(void)arg;
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return error_set(e, "%s: cannot wait for its writer: %s",
					 wbchild.path, strerror(errno));
	wbchild.pid = 0;
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return 0;
	return error_set(e, "%s: not written, so neither is the archive",
			 wbchild.path);
}

/* a JSON input of the month; missing or malformed is an I/O error */
static json_t *load_json(const char *path)
{
	json_error_t je;
	json_t *j = json_load_file(path, JSON_REJECT_DUPLICATES, &je);

	if (!j)
		die(3, "%s:%d: %s", path, je.line, je.text);
	return j;	/* a new reference, the caller's */
}

static int status(const char *month, const char *outdir)
{
	struct strbuf out = STRBUF_INIT, last = STRBUF_INIT;
	char *path = path_join(outdir, "summary.json");
	char *probs = path_join(outdir, "problems.csv");
	json_t *root = load_json(path);
	json_t *m = json_object_get(root, "month");	/* borrowed */
	struct error e;
	long nblock;

	if (!json_is_string(m) || strcmp(json_string_value(m), month))
		die(2, "%s: not the summary of %s (\"%s\")", path, month,
		    json_is_string(m) ? json_string_value(m) : "");
	nblock = summary_status(root, probs, &out, &last, &e);
	if (nblock < 0)
		die(3, "%s: %s", path, e.msg);
	fputs(out.buf, stdout);
	if (fflush(stdout) != 0)
		die(3, "stdout:");
	if (nblock > 0)
		fputs(last.buf, stderr);
	json_decref(root);
	strbuf_release(&out);
	strbuf_release(&last);
	free(path);
	free(probs);
	return nblock > 0 ? 1 : 0;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "month", required_argument, NULL, 'm' },
		{ "config", required_argument, NULL, 'c' },
		{ "status", no_argument, NULL, 's' },
		{ "no-workbook", no_argument, NULL, 'W' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	/* stages' problem files after extract's, in pipeline order */
	static const char *const stage_problems[] = {
		"daily-average.problems.csv", "map.problems.csv",
		"round.problems.csv", "invoice.problems.csv",
	};
	const char *month = NULL, *config = "config", *outdir;
	int c, want_status = 0, no_workbook = 0;
	char *daily_path, *invoices_path;
	char *problems_path, *summary_path;
	struct settings st;
	struct cal_extra extra;
	struct period period;
	struct extract_docs docs;
	struct problem_tally tally;
	struct outfile problems_out, summary_out;
	struct psa_plan plan;
	struct workbook_input wbin;
	struct bundle_input bin;
	char *xlsx_path, *xlsx_name, *summary_text = NULL;
	size_t summary_len = 0;
	FILE *mem;
	json_t *daily, *summary;
	struct invoice_digest invoices;
	struct error e;
	size_t i;

	eprintf_init("export");
	opterr = 0;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'm': month = optarg; break;
		case 'c': config = optarg; break;
		case 's': want_status = 1; break;
		case 'W': no_workbook = 1; break;
		case 'h': fputs(usage_text, stdout); return 0;
		default: usage();
		}
	}
	if (!month || argc - optind != 1)
		usage();
	outdir = argv[optind];
	{
		int y, m;

		if (month_parse(month, &y, &m))
			die(2, "bad month, expected YYYY-MM from 2000-01 to 2099-12 (\"%s\")",
			    month);
	}
	if (want_status)
		return status(month, outdir);

	/* configuration: the invoice date of the month */
	stage_period(&period, &st, &extra, config, month);

	/* gather: every input of the month must be there (exit 3 naming it) */
	if (extract_docs_load(&docs, outdir, &e))
		die(3, "%s", e.msg);
	daily_path = path_join(outdir, "daily-average.json");
	invoices_path = path_join(outdir, "invoices.json");
	daily = load_json(daily_path);
	/* added up one invoice at a time (invoicescan.h) */
	if (invoice_digest_load(&invoices, invoices_path, &e))
		die(3, "%s", e.msg);

	problems_path = path_join(outdir, "problems.csv");
	if (outfile_open(&problems_out, problems_path, &e))
		die(3, "%s", e.msg);
	problem_tally_init(&tally, problems_out.fp);
	for (i = 0; i < docs.n; i++)
		if (problem_tally_copy(&tally, docs.v[i].problems_path, &e))
			goto io_error;
	for (i = 0; i < sizeof(stage_problems) / sizeof(*stage_problems); i++) {
		char *p = path_join(outdir, stage_problems[i]);
		int bad = problem_tally_copy(&tally, p, &e);

		free(p);
		if (bad)
			goto io_error;
	}
	if (docs.n == 0) {
		struct strbuf msg = STRBUF_INIT;

		strbuf_addf(&msg, "no input files for %s: the inbox is empty, so nothing can be billed",
			    month);
		problem_tally_add(&tally, SEV_BLOCKING, "no-input", "", 0, msg.buf);
		strbuf_release(&msg);
	}
	/* the PSA side: its psa-unplaced and no-psa-units warnings */
	if (psa_plan_build(&plan, outdir, config, &st, period.y, period.m, &e))
		goto io_error;
	for (i = 0; i < plan.nwarn; i++)
		problem_tally_add(&tally, SEV_WARNING, plan.warn[i].code,
				  plan.warn[i].file, plan.warn[i].line,
				  plan.warn[i].message);
	summary = summary_build(&period, &docs, daily, daily_path, &invoices,
				invoices_path, &tally, &e);
	if (!summary)
		goto io_error;
	json_object_set_new(summary, "psa", psa_plan_summary(&plan));
	if (outfile_commit(&problems_out, &e))
		die(3, "%s", e.msg);

	/* the workbook reads problems.csv, then the PSA files, then the
	 * archive of it all with summary.json's text from memory */
	{
		struct strbuf name = STRBUF_INIT;

		strbuf_addf(&name, "reconciliation-%s.xlsx", period.month);
		xlsx_path = path_join(outdir, name.buf);
		xlsx_name = strbuf_detach(&name);
	}
	memset(&wbin, 0, sizeof(wbin));
	wbin.monthdir = outdir;
	wbin.y = period.y;
	wbin.m = period.m;
	wbin.settings = &st;
	wbin.psa = &plan;
	wbin.invoice_date = period.invoice_date;
	wbin.due_date = period.due_date;
	wbin.invoices = &invoices;
	if (no_workbook) {
		if (unlink(xlsx_path) != 0 && errno != ENOENT)
			die(3, "%s: cannot remove:", xlsx_path);
	} else {
		wbchild_start(xlsx_path, &wbin);
	}
	if (psa_plan_write(&plan, outdir, &e))
		die(3, "%s", e.msg);
	mem = open_memstream(&summary_text, &summary_len);
	if (!mem || summary_write(summary, mem) || fclose(mem) != 0)
		die(3, "summary.json: cannot write");
	memset(&bin, 0, sizeof(bin));
	bin.monthdir = outdir;
	bin.configdir = config;
	bin.y = period.y;
	bin.m = period.m;
	bin.psa = st.psa;
	bin.summary = summary_text;
	bin.summary_len = summary_len;
	if (!no_workbook) {
		bin.workbook = xlsx_name;
		bin.wait = wbchild_wait;
	}
	if (bundle_write(&bin, &e))
		die(3, "%s", e.msg);

	/* summary.json last: make's target */
	summary_path = path_join(outdir, "summary.json");
	if (outfile_open(&summary_out, summary_path, &e))
		die(3, "%s", e.msg);
	if (fwrite(summary_text, 1, summary_len, summary_out.fp) != summary_len) {
		outfile_abort(&summary_out);
		die(3, "%s: cannot write", summary_path);
	}
	if (outfile_commit(&summary_out, &e))
		die(3, "%s", e.msg);

	json_decref(summary);	/* frees the whole tree */
	psa_plan_release(&plan);
	free(summary_text);
	free(xlsx_path);
	free(xlsx_name);
	json_decref(daily);
	problem_tally_release(&tally);
	extract_docs_release(&docs);
	holidays_release(&extra);
	free(daily_path);
	free(invoices_path);
	free(problems_path);
	free(summary_path);
	return 0;

io_error:
	outfile_abort(&problems_out);
	die(3, "%s", e.msg);
}
