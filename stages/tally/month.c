/*
 * bin/tally inbox, lock, run and status: what make asks of a run of the
 * month (tally.h).
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
 * against its SHA-256; the members of a frozen archive that gave the
 * month no rows (not frozen) are left out.
 */
static int frozen_names(struct inbox *in, const char *dir, struct error *e)
{
	struct frozen f = FROZEN_INIT;
	int r = frozen_load(&f, dir, e);

	for (size_t i = 0; r == 0 && i < in->n; i++) {
		const struct frozen_entry *x = frozen_find(&f, "inbox",
							   in->e[i].name);

		if (!x && in->e[i].archive) {
			/* a member of a frozen archive that gave no rows */
			free(in->e[i].name);
			free(in->e[i].safe);
			free(in->e[i].archive);
			memmove(&in->e[i], &in->e[i + 1],
				(in->n - i - 1) * sizeof(*in->e));
			in->n--;
			i--;
			continue;
		}
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

int cmd_inbox(int argc, char **argv)
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

int cmd_lock(int argc, char **argv)
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

int cmd_run(int argc, char **argv)
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
long print_status(const char *month, const char *dir, int blocked_only)
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

int cmd_status(int argc, char **argv)
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

