/*
 * bin/tally pull and push: the APIs at both ends (tally.h; README.md,
 * "Pulling from the APIs", "Pushing to the PSA").
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

int cmd_pull(int argc, char **argv)
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

int cmd_push(int argc, char **argv)
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

