/*
 * tally: the month's control, one program with a command for each step
 * that is not a transform of files (after git's git.c dispatching to
 * builtin/): the locks of a run, make's view of the inbox, the
 * month's status, closing a month and publishing a closed month's rerun.
 * The stages (bin/extract ... bin/export) only read and write files;
 * everything that holds a lock, reads STATE or decides what a run may
 * change is here, over lib/.
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
#include "banned.h"

const char program_name[] = "";

static const char usage[] =
	"usage: bin/tally <command> [<options>] [<args>]\n"
	"\n"
	"The month's control; make runs these commands (README.md, \"How the\n"
	"house is laid out\"):\n"
	"  inbox    bring OUT/M in line with the inbox and config for make\n"
	"  lock     run a command holding the lock of a month's folder\n"
	"  run      run a stage; when it fails, mark the month as failed\n"
	"  status   print the short summary of a month\n"
	"  close    give a month's invoices their final numbers and freeze them\n"
	"  publish  put a closed month's rerun in place, or list what changed\n"
	"  overlay  the frozen files a closed month's comparison still takes\n"
	"  restate  compare a closed month with the current inbox and config\n"
	"  pull     fetch the API sources of config/sources.json into the inbox\n"
	"  push     send a month's psa/ changes to the PSA (or print the plan)\n"
	"Each command answers --help.\n";

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

/* open STATE (its lock, recovery, checks), saying what was recovered */
static void open_state(struct state *st, const char *dir, int create)
{
	struct strbuf notes = STRBUF_INIT;
	struct error e;
	int r = state_open(st, dir, create, NULL, NULL, &notes, &e);

	print_notes(&notes);
	strbuf_release(&notes);
	if (r)
		die_error(&e);
}

/* --- inbox ----------------------------------------------------------------- */

static const char inbox_usage[] =
	"usage: bin/tally inbox [--dry-run] [--month YYYY-MM] [--frozen DIR] --inbox DIR --config DIR OUTDIR\n"
	"\n"
	"Brings OUTDIR (OUT/M) in line with the inbox and the config folder for\n"
	"the month's Makefile: a link OUTDIR/in/<safe name> to each inbox file,\n"
	"and stamps under OUTDIR/.tally/ that change only when the content of\n"
	"an inbox or config file does, or when one is added or removed\n"
	"(lib/inbox.h, lib/stamp.h). Prints on one line the safe name of each\n"
	"inbox file; with --dry-run nothing is written and the line also names\n"
	"each stamp that would change as stale:<path>.\n"
	"With --month, an error (a full disk) marks the month failed as\n"
	"bin/tally run does. With --frozen STATE/closed/YYYY-MM (a closed\n"
	"month's frozen inputs, the --inbox and --config of its rerun), each\n"
	"file keeps the safe name it had when the month was closed.\n";

/*
 * OUTDIR of month marked as stopped at stage with exit status (errors:
 * the stage's message lines), and the last line that says so.
 */
static void mark_failed(const char *dir, const char *month, const char *stage,
			int status, const char *errors)
{
	struct error e;
	int written = month_failed(dir, month, stage, status, errors, &e) == 0;

	if (!written)
		warn("%s", e.msg);
	if (written)
		warn("%s stopped at %s by %s%s: %s/summary.json says \"failed\"; no workbook, bundle or PSA file of an earlier run is left",
		     month, stage, month_fail_cause(status),
		     status == 2 || status == 3 ? " (above)" : "", dir);
	else
		warn("%s stopped at %s by %s%s: no summary, workbook, bundle or PSA file of an earlier run is left in %s",
		     month, stage, month_fail_cause(status),
		     status == 2 || status == 3 ? " (above)" : "", dir);
}

/*
 * A closed month's frozen inbox (dir: STATE/closed/M) takes the safe names
 * make knew its files by when it was closed, after every copy is checked
 * against its SHA-256.
 */
static int frozen_names(struct inbox *in, const char *dir, struct error *e)
{
	struct frozen f = FROZEN_INIT;
	int r = frozen_load(&f, dir, e);

	for (size_t i = 0; r == 0 && i < in->n; i++) {
		const struct frozen_entry *x = frozen_find(&f, "inbox",
							   in->e[i].name);

		if (!x) {
			r = error_set(e, ERR_IO, "%s/inbox/%s: not in %s/" FROZEN_INPUTS ": %s",
				      dir, in->e[i].name, dir, STATE_HINT);
			break;
		}
		free(in->e[i].safe);
		in->e[i].safe = xstrdup(x->safe);
	}
	frozen_release(&f);
	return r < 0 ? -1 : 0;
}

static int cmd_inbox(int argc, char **argv)
{
	const char *inbox = NULL, *config = NULL, *frozen = NULL;
	struct month_arg month = { 0 };
	int dry_run = 0;
	const struct opt opts[] = {
		{ "--inbox", OPT_STRING, &inbox },
		{ "--config", OPT_STRING, &config },
		{ "--dry-run", OPT_FLAG, &dry_run },
		{ "--month", OPT_MONTH, &month },
		{ "--frozen", OPT_STRING, &frozen },
		OPT_END,
	};
	struct strbuf stale = STRBUF_INIT;
	struct inbox in;
	struct error e;
	char **dirs;

	if (options_parse(argc, argv, opts, inbox_usage, &dirs) != 1 ||
	    !inbox || !config)
		usage_error(inbox_usage, "--inbox, --config and OUTDIR are needed");
	if (inbox_scan(&in, inbox, &e) ||
	    (frozen && frozen_names(&in, frozen, &e)) ||
	    inbox_sync(&in, inbox, config, dirs[0], dry_run, &stale, &e)) {
		/* a run that cannot even start leaves no old result either */
		struct strbuf lines = STRBUF_INIT;

		if (!month.text || dry_run)
			die_error(&e);
		for (const char *p = e.msg; *p; ) {
			size_t n = strcspn(p, "\n");

			strbuf_addf(&lines, "tally: %.*s\n", (int)n, p);
			p += n + (p[n] == '\n');
		}
		fputs(lines.buf, stderr);
		mark_failed(dirs[0], month.text, "inbox", exit_code_of(&e),
			    lines.buf);
		exit(exit_code_of(&e));
	}
	for (size_t i = 0; i < in.n; i++)
		printf("%s%s", i ? " " : "", in.e[i].safe);
	if (dry_run) {
		/* " <path>" each */
		for (const char *p = stale.buf; *p; ) {
			const char *end = strchr(p + 1, ' ');
			int n = end ? (int)(end - p - 1) : (int)strlen(p + 1);

			printf("%sstale:%.*s", in.n || p != stale.buf ? " " : "",
			       n, p + 1);
			p += n + 1;
		}
	}
	putchar('\n');
	inbox_release(&in);
	strbuf_release(&stale);
	free(dirs);
	return EXIT_DONE;
}

/* --- lock ------------------------------------------------------------------ */

static const char lock_usage[] =
	"usage: bin/tally lock [--state DIR] [--sweep DIR[:DIR...]] LOCKDIR -- COMMAND [ARG...]\n"
	"\n"
	"Runs COMMAND holding the lock LOCKDIR.lock (saying so while it waits\n"
	"for another run), so that two runs on one month go one after the other.\n"
	"Before COMMAND starts, the temporary files that a killed run left under\n"
	"LOCKDIR (and the --sweep folders) are removed, and with --state an\n"
	"interrupted close of STATE is finished or rolled back, and said.\n";

static void on_wait(const char *path, void *ctx)
{
	(void)path;
	warn("waiting for the lock on %s (another run)", (const char *)ctx);
}

static void sweep(const char *dir)
{
	struct error e;
	size_t removed = 0;

	if (dir && fs_sweep_temps(dir, &removed, &e))
		die_error(&e);
}

static int cmd_lock(int argc, char **argv)
{
	const char *statedir = NULL, *extra = NULL;
	const struct opt opts[] = {
		{ "--state", OPT_STRING, &statedir },
		{ "--sweep", OPT_STRING, &extra },
		OPT_END,
	};
	struct lock l = LOCK_INIT;
	struct strbuf path = STRBUF_INIT;
	struct error e;
	char **args;

	if (options_parse(argc, argv, opts, lock_usage, &args) < 2)
		usage_error(lock_usage, "LOCKDIR and COMMAND are needed");
	strbuf_addf(&path, "%s.lock", args[0]);
	/* the lock stays with COMMAND (exec, inherited) */
	if (lock_take(&l, path.buf, LOCK_INHERIT, on_wait, args[0], &e))
		die_error(&e);
	strbuf_release(&path);
	sweep(args[0]);
	/* --sweep DIR[:DIR...] (make's folders hold no ':') */
	for (const char *p = extra; p && *p; ) {
		size_t n = strcspn(p, ":");
		char *d = xstrndup(p, n);

		sweep(d);
		free(d);
		p += n + (p[n] == ':');
	}
	if (statedir) {
		struct state st = STATE_INIT;

		open_state(&st, statedir, 0);
		state_release(&st);
	}
	fflush(NULL);
	execvp(args[1], args + 1);
	die(EXIT_IO, "%s: cannot run:", args[1]);
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

static int cmd_overlay(int argc, char **argv)
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

/* --- run ------------------------------------------------------------------- */

static const char run_usage[] =
	"usage: bin/tally run --stage NAME --month YYYY-MM OUTDIR -- COMMAND [ARG...]\n"
	"\n"
	"Runs COMMAND, the stage NAME of the month in OUTDIR (OUT/M), and exits\n"
	"as it does. When it fails (a configuration or I/O error, or killed), no\n"
	"output of an earlier run is left to pass for this one: the workbook,\n"
	"the bundle, the PSA files, problems.csv and the invoices are removed\n"
	"and OUTDIR/summary.json says \"failed\", naming the stage and its\n"
	"messages (lib/monthfail.h); the last line says what stopped the run.\n";

/* the file COMMAND's messages go to ($TALLY_ERRORS), read back */
static void read_errors(const char *path, struct strbuf *out)
{
	struct error ignored;

	if (strbuf_read_file(out, path, 1, &ignored) < 0)
		strbuf_reset(out);
}

static int cmd_run(int argc, char **argv)
{
	struct month_arg month = { 0 };
	const char *stage = NULL;
	const struct opt opts[] = {
		{ "--stage", OPT_STRING, &stage },
		{ "--month", OPT_MONTH, &month },
		OPT_END,
	};
	struct strbuf path = STRBUF_INIT, errs = STRBUF_INIT;
	struct tempfile *t;
	struct error e;
	char **args;
	int status, wst;
	pid_t pid;

	if (options_parse(argc, argv, opts, run_usage, &args) < 2 || !stage ||
	    !month.text)
		usage_error(run_usage, "--stage, --month, OUTDIR and COMMAND are needed");
	strbuf_addf(&path, "%s/" INBOX_STAMPS, args[0]);
	if (fs_mkdirs(path.buf, &e))
		die_error(&e);
	strbuf_addf(&path, "errors.%s.tmp%ld", stage, (long)getpid());
	t = tempfile_register(path.buf);
	unlink(path.buf);
	fflush(NULL);
	/* a Ctrl-C reaches the stage; this waits for it to end, then says so */
	signal(SIGINT, SIG_IGN);
	signal(SIGTERM, SIG_IGN);
	signal(SIGQUIT, SIG_IGN);
	if ((pid = fork()) < 0)
		die(EXIT_IO, "cannot start %s:", args[1]);
	if (pid == 0) {
		signal(SIGINT, SIG_DFL);
		signal(SIGTERM, SIG_DFL);
		signal(SIGQUIT, SIG_DFL);
		setenv("TALLY_ERRORS", path.buf, 1);
		execvp(args[1], args + 1);
		warn("%s: cannot run:", args[1]);
		_exit(EXIT_IO);
	}
	while (waitpid(pid, &wst, 0) < 0)
		if (errno != EINTR)
			die(EXIT_IO, "waiting for %s:", args[1]);
	status = WIFEXITED(wst) ? WEXITSTATUS(wst) : 128 + WTERMSIG(wst);
	if (status != 0) {
		read_errors(path.buf, &errs);
		mark_failed(args[0], month.text, stage, status, errs.buf);
	}
	tempfile_remove(t);
	strbuf_release(&path);
	strbuf_release(&errs);
	free(args);
	return status;
}

/* --- status ---------------------------------------------------------------- */

static const char status_usage[] =
	"usage: bin/tally status --month YYYY-MM OUTDIR\n"
	"\n"
	"Prints the short summary of the month from OUTDIR/summary.json\n"
	"(\"tally: ...\" lines on stdout). With blocking problems, the first 10\n"
	"of them go to stderr with the file and line each concerns, then \"and\n"
	"N more\", then the last line, \"tally: N blocking problems in M, see\n"
	"OUTDIR/problems.csv\", and the exit is 1.\n";

/* a JSON string's text, "?" when it is not one */
static const char *text_of(json_t *v)
{
	return json_is_string(v) ? json_string_value(v) : "?";
}

/*
 * The month's summary on stdout and, with blocking problems, its last line
 * on stderr (only then, when blocked_only); the number of blocking
 * problems.
 */
static long print_status(const char *month, const char *dir, int blocked_only)
{
	struct strbuf out = STRBUF_INIT, last = STRBUF_INIT;
	char *probs = path_join(dir, "problems.csv");
	struct error e;
	json_t *root = summary_load(dir, month, &e);
	long nblock;

	if (!root)
		die_error(&e);
	if (summary_is_failed(root)) {
		json_t *f = json_object_get(root, "failed");
		json_t *errs = json_object_get(f, "errors");
		size_t i;
		json_t *v;

		json_array_foreach(errs, i, v)
			if (json_is_string(v))
				fprintf(stderr, "%s\n", json_string_value(v));
		warn("%s: the last run stopped at %s by %s: fix it and run make invoice MONTH=%s again",
		     month, text_of(json_object_get(f, "stage")),
		     text_of(json_object_get(f, "cause")), month);
		json_decref(root);
		free(probs);
		return 1;
	}
	nblock = summary_status(root, probs, &out, &last, &e);
	if (nblock < 0)
		die(EXIT_IO, "%s/summary.json: %s", dir, e.msg);
	if (blocked_only && nblock == 0)
		goto out;
	fputs(out.buf, stdout);
	if (fflush(stdout) != 0)
		die(EXIT_IO, "stdout:");
	if (nblock > 0) {
		/* what blocks it, where: the first ten, then the count */
		strbuf_reset(&out);
		if (summary_blocking_list(probs, 10, &out, &e) < 0)
			die_error(&e);
		fputs(out.buf, stderr);
	}
	fputs(last.buf, stderr);
out:
	json_decref(root);
	strbuf_release(&out);
	strbuf_release(&last);
	free(probs);
	return nblock;
}

static int cmd_status(int argc, char **argv)
{
	struct month_arg month = { 0 };
	const struct opt opts[] = {
		{ "--month", OPT_MONTH, &month },
		OPT_END,
	};
	char **dirs;
	long nblock;

	if (options_parse(argc, argv, opts, status_usage, &dirs) != 1 ||
	    !month.text)
		usage_error(status_usage, "--month and OUTDIR are needed");
	nblock = print_status(month.text, dirs[0], 0);
	free(dirs);
	return nblock > 0 ? EXIT_REFUSED : EXIT_DONE;
}

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

static int cmd_close(int argc, char **argv)
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

static int cmd_publish(int argc, char **argv)
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

static int cmd_restate(int argc, char **argv)
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

/* --- pull ----------------------------------------------------------------- */

static const char pull_usage[] =
	"usage: bin/tally pull --month YYYY-MM --today YYYY-MM-DD --config DIR --inbox DIR\n"
	"\n"
	"Fetches every source of DIR/sources.json, each on its own, into the\n"
	"inbox (lib/pull.h): Keeper's MSP billing usage of the month, a Truto\n"
	"user directory as a snapshot of TODAY (the day of the pull, UTC), the\n"
	"PSA's contract units in effect on the 1st of the month after. A source\n"
	"that fails writes nothing and leaves earlier files alone; the others\n"
	"still run. Exit 0 when every source was pulled, 1 when a request\n"
	"failed, 2 on a usage or configuration error (an environment variable\n"
	"not set included), 3 when the inbox cannot be written.\n";

/* a message that may hold what a server said, with every secret masked */
static void warn_masked(const char *what, struct error *e)
{
	secret_mask(e->msg, sizeof(e->msg));
	warn("%s: %s", what, e->msg);
}

static int cmd_pull(int argc, char **argv)
{
	struct month_arg month = { 0 };
	const char *config = NULL, *inbox = NULL, *today = NULL;
	const struct opt opts[] = {
		{ "--month", OPT_MONTH, &month },
		{ "--today", OPT_STRING, &today },
		{ "--config", OPT_STRING, &config },
		{ "--inbox", OPT_STRING, &inbox },
		OPT_END,
	};
	struct sources src;
	struct pull_when w;
	struct error e;
	char **rest, *path;
	size_t failed = 0, all;
	enum exit_code code = EXIT_DONE;

	if (options_parse(argc, argv, opts, pull_usage, &rest) != 0 ||
	    !month.text || !config || !inbox || !today)
		usage_error(pull_usage, "--month, --today, --config and --inbox are needed");
	free(rest);
	w.month = month.text;
	w.y = month.y;
	w.m = month.m;
	if (date_parse(today, &w.today))
		usage_error(pull_usage, "bad --today (\"%s\"): expected YYYY-MM-DD", today);
	path = path_join(config, "sources.json");
	if (sources_load(&src, path, &e))
		die_error(&e);
	free(path);
	all = src.n + (src.psa.present ? 1 : 0);
	if (!all)
		die(EXIT_USAGE, "%s: no source and no psa: nothing to pull", src.path);
	for (size_t i = 0; i <= src.n; i++) {
		struct pull_result r;
		char what[96];
		int rc;

		if (i == src.n && !src.psa.present)
			break;
		snprintf(what, sizeof(what), "pull %s", i < src.n ? src.v[i].name : "psa");
		rc = i < src.n ? pull_source(&src, &src.v[i], inbox, &w, &r, &e)
			       : pull_psa(&src, inbox, &w, &r, &e);
		if (rc) {
			enum exit_code c = exit_code_of(&e);

			warn_masked(what, &e);
			warn("%s: nothing written; earlier files left as they were", what);
			if (c > code)
				code = c;
			failed++;
			continue;
		}
		warn("%s (%s): %s", what, r.what, r.file);
		pull_result_release(&r);
	}
	if (failed)
		warn("%zu of %zu sources failed; %s", failed, all,
		     failed == all ? "nothing was pulled" : "the others were pulled");
	sources_release(&src);
	return code;
}

/* --- push ----------------------------------------------------------------- */

static const char push_usage[] =
	"usage: bin/tally push --month YYYY-MM --config DIR --state DIR --at TIME [--apply] OUTDIR\n"
	"   or: bin/tally push --month YYYY-MM --config DIR --state DIR --at TIME --resolve LINE --applied yes|no OUTDIR\n"
	"\n"
	"Sends the changes of OUTDIR/psa/ (OUT/M) to the PSA of DIR/sources.json,\n"
	"one at a time in the order of the files, each recorded in\n"
	"STATE/push/YYYY-MM.csv before and after (lib/push.h, lib/journal.h);\n"
	"without --apply it prints the plan and sends nothing at all. A change\n"
	"applied already is never sent again; the run stops at the first change\n"
	"that fails or whose outcome is unknown. --resolve records what the PSA\n"
	"shows for the unknown outcome of journal line LINE. Refused (exit 1) for\n"
	"a month blocked or never run; exit 2 when sources.json's psa is not\n"
	"settings.json's. TIME (PUSHED_AT) goes into each record.\n"
	"TALLY_CRASH_AT=push-intent|push-sent|push-recorded[:N] stops the run\n"
	"there (at the Nth change sent, default the first), as a crash would,\n"
	"for tests.\n";

static void push_crash(const char *point, size_t n, void *ctx)
{
	const char *at = getenv("TALLY_CRASH_AT");
	size_t len = strlen(point);
	char want[24];

	(void)ctx;
	if (!at || strncmp(at, point, len) || (at[len] && at[len] != ':'))
		return;
	snprintf(want, sizeof(want), "%zu", n);
	if (at[len] ? !strcmp(at + len + 1, want) : n == 1) {
		fflush(NULL);
		_exit(9);
	}
}

/* the month may be pushed (lib/push.h), or the run stops saying why */
static void push_month_ok(const char *month, const char *outdir)
{
	struct error e;

	if (push_month_check(month, outdir, &e))
		die_error(&e);
}

/* how to record what the PSA shows for the unknown intent at line */
static void push_resolve_hint(const char *month, const struct push_change *c,
			      const struct journal_record *r)
{
	struct strbuf sb = STRBUF_INIT;

	if (c)
		push_how_to_check(c, &sb);
	else
		strbuf_addf(&sb, "in the PSA, the change of %s: %s", r->file, r->row);
	warn("  it is never sent again on its own: check %s", sb.buf);
	warn("  then record what you found: make push MONTH=%s RESOLVE=%ld APPLIED=yes (it is there) or APPLIED=no (it is not: the next run sends it)",
	     month, r->line);
	strbuf_release(&sb);
}

static int push_resolve(const char *month, struct journal *j,
			const char *line_text, const char *applied,
			const char *run_at)
{
	const struct journal_record *r;
	struct error e;

	if (strcmp(applied, "yes") && strcmp(applied, "no"))
		usage_error(push_usage, "--applied takes yes or no (\"%s\")", applied);
	if (push_record_answer(j, line_text, !strcmp(applied, "yes"), run_at,
			       &r, &e))
		die_error(&e);
	warn("recorded in %s: line %ld (%s: %s) %s: the next make push MONTH=%s APPLY=1 %s",
	     j->path, r->ref, r->file, r->row,
	     !strcmp(applied, "yes") ? "was applied" : "was not applied", month,
	     !strcmp(applied, "yes") ? "never sends it again" : "sends it again");
	return EXIT_DONE;
}

static void push_print_plan(const struct push_plan *p,
			    const struct psa_source *psa, const char *month,
			    const char *journal)
{
	struct strbuf sb = STRBUF_INIT;
	size_t todo = 0, done = 0, unknown = 0;
	const char *base = psa->type == PSA_AUTOTASK ? "<zone url>" : psa->url;

	printf("push plan for %s (%s): %zu change%s; nothing is sent without APPLY=1\n",
	       month, psa_name(p->psa), p->n, p->n == 1 ? "" : "s");
	if (psa->type == PSA_AUTOTASK)
		printf("  every request with the headers ApiIntegrationCode, UserName and Secret (from %s, %s and %s) and Content-Type: application/json, to the zone of the API user\n",
		       psa->integration_code_env, psa->username_env, psa->secret_env);
	else
		printf("  every request with the headers Authorization: Basic (from %s, %s and %s), clientId (from %s) and Content-Type: application/json\n",
		       psa->company_env, psa->public_key_env, psa->private_key_env,
		       psa->client_id_env);
	for (size_t i = 0; i < p->n; i++) {
		const struct push_change *c = &p->v[i];

		strbuf_reset(&sb);
		push_describe(c, &sb);
		printf("  %zu. %s\n", i + 1, sb.buf);
		if (c->state == JS_APPLIED) {
			printf("     applied already (%s:%ld%s%s)\n", journal,
			       c->answer ? c->answer->line : c->intent,
			       c->answer && *c->answer->id ? ", id " : "",
			       c->answer ? c->answer->id : "");
			done++;
			continue;
		}
		if (c->state == JS_UNKNOWN) {
			printf("     outcome unknown (%s:%ld): to be resolved first\n",
			       journal, c->intent);
			unknown++;
			continue;
		}
		strbuf_reset(&sb);
		push_request_text(c, base, &sb);
		printf("     %s%s\n", c->state == JS_AGAIN ? "again: " : "", sb.buf);
		todo++;
	}
	printf("%zu to send, %zu applied already%s", todo, done,
	       unknown ? "" : "\n");
	if (unknown)
		printf(", %zu unknown: resolve %s first\n", unknown,
		       unknown == 1 ? "it" : "them");
	strbuf_release(&sb);
}

static int cmd_push(int argc, char **argv)
{
	struct month_arg month = { 0 };
	const char *config = NULL, *statedir = NULL, *at = NULL;
	const char *resolve = NULL, *applied = NULL;
	int apply = 0, api_open = 0;
	const struct opt opts[] = {
		{ "--month", OPT_MONTH, &month },
		{ "--config", OPT_STRING, &config },
		{ "--state", OPT_STRING, &statedir },
		{ "--at", OPT_STRING, &at },
		{ "--apply", OPT_FLAG, &apply },
		{ "--resolve", OPT_STRING, &resolve },
		{ "--applied", OPT_STRING, &applied },
		OPT_END,
	};
	const struct push_hooks hooks = { push_crash, NULL };
	struct state state = STATE_INIT;
	struct strbuf jpath = STRBUF_INIT, sb = STRBUF_INIT;
	struct push_plan plan = { 0 };
	struct settings st;
	struct sources src;
	struct psa_plan recon;
	struct journal j;
	struct psa_api api;
	struct error e;
	char **dirs, *path, id[32];
	const char *outdir;
	size_t sent = 0, done = 0, nunknown;
	long *unknown = NULL;
	enum exit_code code = EXIT_DONE;

	if (options_parse(argc, argv, opts, push_usage, &dirs) != 1 ||
	    !month.text || !config || !statedir || !at)
		usage_error(push_usage, "--month, --config, --state, --at and OUTDIR are needed");
	if (!resolve != !applied || (resolve && apply))
		usage_error(push_usage, "--resolve goes with --applied, and without --apply");
	outdir = dirs[0];
	if (settings_read(&st, config, &e))
		die_error(&e);
	path = path_join(config, "sources.json");
	if (sources_load(&src, path, &e))
		die_error(&e);
	free(path);
	if (!src.psa.present)
		die(EXIT_USAGE, "%s: no \"psa\": make push sends to the PSA named there (README.md, \"Setting up the PSA\")",
		    src.path);
	if (src.psa.type != st.psa)
		die(EXIT_USAGE, "cannot push %s: the psa of %s is %s, but settings.json's psa is %s (the psa/ files are %s's)",
		    month.text, src.path, psa_name(src.psa.type), psa_name(st.psa),
		    psa_name(st.psa));
	if (!resolve)
		push_month_ok(month.text, outdir);
	/* the plan only reads: a STATE not made yet stays so */
	open_state(&state, statedir, apply || resolve);
	strbuf_addf(&jpath, "%s/push/%s.csv", statedir, month.text);
	if (journal_open(&j, jpath.buf, &e))
		die_error(&e);
	if (resolve) {
		code = push_resolve(month.text, &j, resolve, applied, at);
		goto out;
	}
	if (push_plan_load(&plan, outdir, month.text, st.psa, &e))
		die_error(&e);
	if (psa_plan_build(&recon, outdir, config, &st, month.y, month.m, 0, &e) == 0)
		push_plan_explain(&plan, &recon);
	psa_plan_release(&recon);
	push_plan_state(&plan, &j);
	if (!apply) {
		push_print_plan(&plan, &src.psa, month.text, jpath.buf);
		goto out;
	}
	nunknown = journal_unknowns(&j, &unknown);
	for (size_t i = 0; i < nunknown; i++) {
		const struct journal_record *r = journal_at(&j, unknown[i]);
		const struct push_change *c = push_plan_find(&plan, r->file, r->row);

		strbuf_reset(&sb);
		if (c)
			push_describe(c, &sb);
		else
			strbuf_addf(&sb, "%s, row \"%s\"", r->file, r->row);
		warn("cannot push %s: the outcome of the change of journal line %ld is unknown (%s:%ld): %s",
		     month.text, r->line, j.path, r->line, sb.buf);
		push_resolve_hint(month.text, c, r);
		code = EXIT_REFUSED;
	}
	if (code)
		goto out;
	for (size_t i = 0; i < plan.n; i++)
		done += plan.v[i].state == JS_APPLIED;
	if (done == plan.n) {
		warn("nothing to push for %s: %zu change%s, all applied already (%s)",
		     month.text, plan.n, plan.n == 1 ? "" : "s", j.path);
		goto out;
	}
	if (psa_api_open(&api, &src, &e))
		die_error(&e);
	api_open = 1;
	if (psa_api_zone(&api, &e)) {
		secret_mask(e.msg, sizeof(e.msg));
		die(EXIT_REFUSED, "cannot push %s: %s: nothing was sent", month.text, e.msg);
	}
	for (size_t i = 0; i < plan.n; i++) {
		struct push_change *c = &plan.v[i];

		if (c->state == JS_APPLIED)
			continue;
		strbuf_reset(&sb);
		push_describe(c, &sb);
		if (push_send(c, &api, &j, at, ++sent, &hooks, id, sizeof(id), &e)) {
			secret_mask(e.msg, sizeof(e.msg));
			warn("push %s: change %zu of %zu (%s:%ld), %s: %s", month.text,
			     i + 1, plan.n, c->file, c->line, sb.buf, e.msg);
			if (c->state == JS_UNKNOWN) {
				const struct journal_record *r = journal_at(&j, c->intent);

				if (r)
					push_resolve_hint(month.text, c, r);
			} else if (e.code == ERR_NET) {
				int refused = j.n && j.rec[j.n - 1].event == J_REFUSED;

				warn("  it was not applied: %s, then make push MONTH=%s APPLY=1 sends it again",
				     refused ? "fix what the PSA says" : "wait a while",
				     month.text);
			}
			warn("push of %s stopped: %zu of %zu changes applied; the rest wait for the next run (%s)",
			     month.text, done, plan.n, j.path);
			code = exit_code_of(&e);
			goto out;
		}
		done++;
		warn("push %s: change %zu of %zu, %s: applied (%s%s)", month.text,
		     i + 1, plan.n, sb.buf, *id ? "id " : "no id returned",
		     id);
	}
	warn("pushed %s: %zu of %zu changes applied, %zu by this run (%s)",
	     month.text, done, plan.n, sent, j.path);
out:
	if (api_open)
		psa_api_release(&api);
	free(unknown);
	journal_release(&j);
	state_release(&state);
	push_plan_release(&plan);
	sources_release(&src);
	strbuf_release(&jpath);
	strbuf_release(&sb);
	free(dirs);
	return code;
}

/* --- the commands ------------------------------------------------------------ */

static const struct command {
	const char *name;
	int (*run)(int argc, char **argv);
} commands[] = {
	{ "inbox", cmd_inbox },
	{ "lock", cmd_lock },
	{ "run", cmd_run },
	{ "overlay", cmd_overlay },
	{ "status", cmd_status },
	{ "close", cmd_close },
	{ "publish", cmd_publish },
	{ "restate", cmd_restate },
	{ "pull", cmd_pull },
	{ "push", cmd_push },
};

int program_main(int argc, char **argv)
{
	if (argc < 2)
		usage_error(usage, "a command is needed");
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") ||
	    !strcmp(argv[1], "help")) {
		fputs(usage, stdout);
		return EXIT_DONE;
	}
	for (size_t i = 0; i < sizeof(commands) / sizeof(*commands); i++)
		if (!strcmp(argv[1], commands[i].name))
			return commands[i].run(argc - 1, argv + 1);
	usage_error(usage, "unknown command (\"%s\")", argv[1]);
}
