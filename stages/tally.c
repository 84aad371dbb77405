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
#include "tally/tally.h"
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

void print_notes(const struct strbuf *notes)
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
void open_state(struct state *st, const char *dir, int create)
{
	struct strbuf notes = STRBUF_INIT;
	struct error e;
	int r = state_open(st, dir, create, NULL, NULL, &notes, &e);

	print_notes(&notes);
	strbuf_release(&notes);
	if (r)
		die_error(&e);
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

