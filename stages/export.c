/*
 * export: the month's outputs for people and the PSA: problems.csv and,
 * last, summary.json (lib/summary.h), the workbook reconciliation-M.xlsx
 * (lib/workbook.h), the PSA files in psa/ (lib/psafiles.h) and the
 * archive tally-M.zip (lib/bundle.h).
 *
 * The workbook is written by a thread while the PSA files are written
 * and the archive's other entries deflated: on a big month the two take
 * seconds each, and a machine has two cores. The thread starts first,
 * with the Daily sheet, while the month's problems, PSA plan and summary
 * are gathered, and waits for them at its gate (wb_ready). When the
 * workbook fails, export says why and stops before the archive and
 * summary.json (exit 3), so make runs it again; when export fails first,
 * the thread stops at its next row (or at its gate) and writes nothing
 * before the process ends. Without the workbook (--no-workbook), the
 * archive's entries are deflated by two threads instead
 * (bundle_input.threads).
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "bundle.h"
#include "fsutil.h"
#include "holidays.h"
#include "period.h"
#include "psafiles.h"
#include "runtime.h"
#include "settings.h"
#include "strbuf.h"
#include "summary.h"
#include "tempfile.h"
#include "workbook.h"
#include "banned.h"

const char program_name[] = "export";

static const char usage[] =
	"usage: bin/export --month YYYY-MM --config DIR [--no-workbook] OUTDIR\n"
	"\n"
	"Gathers the problems of every stage of the month in OUTDIR into\n"
	"OUTDIR/problems.csv and writes the workbook\n"
	"OUTDIR/reconciliation-YYYY-MM.xlsx, the PSA files OUTDIR/psa/*.csv,\n"
	"the archive OUTDIR/tally-YYYY-MM.zip and last OUTDIR/summary.json.\n"
	"Reads DIR/settings.json and DIR/holidays.csv for the dates,\n"
	"DIR/services.csv for the PSA side, and lists DIR in the archive.\n"
	"--no-workbook leaves the workbook out (and removes an old one): for\n"
	"months too big for a spreadsheet, and for make bench to time it.\n"
	"\n"
	"Exit: 0 done, 2 usage or configuration error, 3 I/O error.\n";

/* the thread writing the workbook */
static volatile int wb_stopping;	/* workbook_input.stop */
static struct {
	pthread_t thread;
	int running;		/* started and not joined */
	const char *path;
	const struct workbook_input *in;
	struct error e;
	int failed;
} wb;

static void *wb_run(void *arg)
{
	(void)arg;
	wb.failed = workbook_write(wb.path, wb.in, &wb.e) != 0;
	return NULL;
}

/*
 * The gate between the Daily sheet and the rest: shut until the main
 * thread has gathered what the other sheets read (1), or gives up (-1)
 */
static struct {
	pthread_mutex_t mu;
	pthread_cond_t cv;
	int state;
} gate = { PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, 0 };

/* workbook_input.ready: wait at the gate */
static int wb_ready(void *arg)
{
	int st;

	(void)arg;
	pthread_mutex_lock(&gate.mu);
	while (!gate.state)
		pthread_cond_wait(&gate.cv, &gate.mu);
	st = gate.state;
	pthread_mutex_unlock(&gate.mu);
	return st < 0;
}

static void gate_open(int state)
{
	pthread_mutex_lock(&gate.mu);
	gate.state = state;
	pthread_cond_broadcast(&gate.cv);
	pthread_mutex_unlock(&gate.mu);
}

/*
 * At exit (export failed while the thread writes): the thread stops at
 * its next row, writes nothing and removes its temporary file, before the
 * cleanup of tempfile.h runs (registered after that cleanup is installed,
 * this handler runs before it), so no file is made after that cleanup.
 * The thread may wait at its gate: opened here, it gives up there.
 */
static void wb_stop(void)
{
	if (!wb.running)
		return;
	wb_stopping = 1;
	gate_open(-1);
	pthread_join(wb.thread, NULL);
	wb.running = 0;
}

static void wb_start(const char *path, const struct workbook_input *in)
{
	wb.path = path;
	wb.in = in;
	tempfile_install();	/* so that wb_stop runs before its cleanup */
	atexit(wb_stop);
	if (pthread_create(&wb.thread, NULL, wb_run, NULL) != 0)
		die(EXIT_IO, "cannot start the thread writing the workbook");
	wb.running = 1;
}

/* bundle_input.wait: the workbook is written, or it says why not */
static int wb_wait(void *arg, struct error *e)
{
	(void)arg;
	pthread_join(wb.thread, NULL);
	wb.running = 0;
	if (!wb.failed)
		return 0;
	warn("%s", wb.e.msg);
	return error_set(e, ERR_IO, "%s: not written, so neither is the archive",
			 wb.path);
}

/*
 * OUTDIR/.tally/psa.list: the PSA files written, one a line, so make
 * knows them as outputs (a deleted one is made again)
 */
static void write_psa_list(const char *outdir, const struct psa_plan *p)
{
	struct strbuf path = STRBUF_INIT, list = STRBUF_INIT;
	struct error e;

	strbuf_addf(&path, "%s/.tally", outdir);
	if (fs_mkdir(path.buf, &e))
		die_error(&e);
	strbuf_addstr(&path, "/psa.list");
	for (size_t i = 0; i < p->nfiles; i++)
		strbuf_addf(&list, "%s\n", p->files[i]);
	if (fs_write(path.buf, list.buf, list.len, &e))
		die_error(&e);
	strbuf_release(&path);
	strbuf_release(&list);
}

static void write_summary(const char *outdir, const char *text, size_t len)
{
	char *path = path_join(outdir, "summary.json");
	struct error e;

	if (fs_write(path, text, len, &e))
		die_error(&e);
	free(path);
}

int program_main(int argc, char **argv)
{
	struct month_arg month = { 0 };
	const char *config = NULL;
	int no_workbook = 0;
	const struct opt opts[] = {
		{ "--month", OPT_MONTH, &month },
		{ "--config", OPT_STRING, &config },
		{ "--no-workbook", OPT_FLAG, &no_workbook },
		OPT_END,
	};
	struct month_summary ms;
	struct settings st;
	struct cal_extra extra;
	struct period period;
	struct workbook_input wbin;
	struct bundle_input bin;
	struct strbuf name = STRBUF_INIT;
	struct error e;
	char **dirs, *xlsx_path, *summary_text = NULL;
	const char *outdir;
	size_t summary_len = 0;
	FILE *mem;

	if (options_parse(argc, argv, opts, usage, &dirs) != 1 || !month.text ||
	    !config)
		usage_error(usage, "--month, --config and OUTDIR are needed");
	outdir = dirs[0];
	if (period_load(&period, &st, &extra, config, month.text, &e))
		die_error(&e);
	strbuf_addf(&name, "reconciliation-%s.xlsx", period.month);
	xlsx_path = path_join(outdir, name.buf);
	/* what the Daily sheet needs now; the rest behind the gate */
	memset(&wbin, 0, sizeof(wbin));
	wbin.monthdir = outdir;
	wbin.configdir = config;
	wbin.y = period.y;
	wbin.m = period.m;
	wbin.settings = &st;
	wbin.stop = &wb_stopping;
	wbin.ready = wb_ready;
	if (no_workbook) {
		if (unlink(xlsx_path) != 0 && errno != ENOENT)
			die(EXIT_IO, "%s: cannot remove:", xlsx_path);
	} else {
		wb_start(xlsx_path, &wbin);
	}
	if (summary_gather(&ms, &period, &st, outdir, config, !no_workbook,
			   &e))
		die_error(&e);
	/* summary.json's text first: the thread then only reads the tree */
	mem = open_memstream(&summary_text, &summary_len);
	if (!mem || summary_write(ms.root, mem) || fclose(mem) != 0)
		die(EXIT_IO, "summary.json: cannot write");
	wbin.psa = &ms.plan;
	wbin.summary = ms.root;
	wbin.invoice_date = period.invoice_date;
	wbin.due_date = period.due_date;
	wbin.invoices = &ms.invoices;
	gate_open(1);
	if (psa_plan_write(&ms.plan, outdir, &e))
		die_error(&e);
	write_psa_list(outdir, &ms.plan);
	memset(&bin, 0, sizeof(bin));
	bin.monthdir = outdir;
	bin.configdir = config;
	bin.y = period.y;
	bin.m = period.m;
	bin.psa = st.psa;
	bin.summary = summary_text;
	bin.summary_len = summary_len;
	if (!no_workbook) {
		bin.workbook = name.buf;
		bin.wait = wb_wait;
	}
	/* no workbook thread: the archive's deflate takes the second core */
	bin.threads = no_workbook ? 2 : 1;
	if (bundle_write(&bin, &e))
		die_error(&e);
	/* summary.json last: the stage's main output */
	write_summary(outdir, summary_text, summary_len);

	summary_release(&ms);
	holidays_release(&extra);
	strbuf_release(&name);
	free(summary_text);
	free(xlsx_path);
	free(dirs);
	return EXIT_DONE;
}
