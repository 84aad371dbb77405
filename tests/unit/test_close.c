/*
 * Closing months (lib/close.c): numbers across months, refusals, a crash
 * at each named point of the protocol (a child process _exit()s there, as
 * kill -9 would stop it) and what the next open says, checks of frozen
 * files, the restatement of a changed month, and publishing a rerun.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>
#include "close.h"
#include "fsutil.h"
#include "restate.h"
#include "banned.h"

#define SCRATCH_NAME "test_close"
#include "scratch.h"

static const char *path(const char *name)
{
	static char buf[4][160];
	static int k;

	k = (k + 1) % 4;
	snprintf(buf[k], sizeof(buf[k]), "%s/%s", scratch_dir, name);
	return buf[k];
}

static int exists(const char *p)
{
	struct stat st;

	return lstat(p, &st) == 0;
}

static void put(const char *name, const char *text)
{
	FILE *fp = fopen(path(name), "wb");

	assert_non_null(fp);
	fputs(text, fp);
	assert_int_equal(fclose(fp), 0);
}

static void slurp(const char *name, struct strbuf *sb)
{
	struct error e;

	assert_int_equal(strbuf_read_file(sb, path(name), 0, &e), 0);
}

/* open STATE (dir/state), failing the test on error; notes into *notes */
static void open_state(struct state *s, struct strbuf *notes)
{
	struct error e;

	if (state_open(s, path("state"), 1, NULL, NULL, notes, &e))
		fail_msg("state_open: %s", e.msg);
}

/* close month with companies cids (one currency each) as frozen text */
static int close_month(struct state *s, const char *month, size_t n,
		       const char *const *cids, const char *const *curs,
		       close_point_fn point, struct error *e)
{
	struct close_invoice inv[8];
	struct strbuf json = STRBUF_INIT, csv = STRBUF_INIT;
	char *num[8];
	size_t i;
	int r;

	if (state_next_numbers(s, "INV", n, num, e))
		return -1;
	strbuf_addf(&json, "{\"month\": \"%s\", \"invoices\": [", month);
	for (i = 0; i < n; i++) {
		inv[i].number = num[i];
		inv[i].company_id = cids[i];
		inv[i].currency = curs[i];
		inv[i].total = "10.00";
		inv[i].invoice_date = "2026-11-02";
		strbuf_addf(&json, "%s\"%s\"", i ? ", " : "", num[i]);
		strbuf_addf(&csv, "%s,%s\n", num[i], cids[i]);
	}
	strbuf_addstr(&json, "]}\n");
	r = state_close_month(s, month, "2026-11-05T09:12:00Z", inv, n, &json,
			      &csv, NULL, 0, point, NULL, e);
	for (i = 0; i < n; i++)
		free(num[i]);
	strbuf_release(&json);
	strbuf_release(&csv);
	return r;
}

static const char *const cids3[] = { "1001", "1001", "1002" };
static const char *const curs3[] = { "EUR", "USD", "USD" };

/* 1: numbers across two months, out of order; refusals */
static void test_numbers(void **state)
{
	struct state s = STATE_INIT;
	struct strbuf notes = STRBUF_INIT, sb = STRBUF_INIT;
	struct error e;
	size_t first;

	/* 1a: no STATE folder: nothing closed, nothing created */
	assert_int_equal(state_open(&s, path("state"), 0, NULL, NULL, &notes,
				    &e), 0);
	assert_int_equal(state_month(&s, "2026-10", &first), 0);
	state_release(&s);
	assert_false(exists(path("state")));

	open_state(&s, &notes);
	assert_int_equal(close_month(&s, "2026-10", 3, cids3, curs3, NULL, &e), 0);
	assert_int_equal(state_month(&s, "2026-10", &first), 3);
	assert_string_equal(s.ledger.row[2].number, "INV-000003");
	assert_int_equal(s.ledger.row[2].line, 4);
	/* 1b: twice is refused, and names the ledger line */
	assert_int_equal(close_month(&s, "2026-10", 3, cids3, curs3, NULL, &e), -1);
	assert_non_null(strstr(e.msg, "2026-10 is already closed ("));
	assert_non_null(strstr(e.msg, "ledger.csv:2, INV-000001)"));
	/* 1c: an earlier month later: numbers go on */
	assert_int_equal(close_month(&s, "2026-09", 1, cids3, curs3, NULL, &e), 0);
	assert_string_equal(s.ledger.row[3].number, "INV-000004");
	/* 1d: nothing to close; invoices out of order */
	assert_int_equal(close_month(&s, "2026-11", 0, cids3, curs3, NULL, &e), -1);
	assert_non_null(strstr(e.msg, "no invoices"));
	{
		static const char *const c2[] = { "1002", "1001" };

		assert_int_equal(close_month(&s, "2026-11", 2, c2, curs3, NULL, &e), -1);
		assert_non_null(strstr(e.msg, "out of order"));
	}
	assert_int_equal(s.ledger.n, 4);
	assert_false(exists(path("state/closed/.2026-11.tmp")));
	state_release(&s);

	/* 1e: reopened: the same ledger, the frozen bytes as written */
	open_state(&s, &notes);
	assert_int_equal(notes.len, 0);
	assert_int_equal(s.ledger.n, 4);
	assert_int_equal(state_frozen(&s, "2026-10", &sb, &notes, &e), 0);
	assert_string_equal(sb.buf,
		"{\"month\": \"2026-10\", \"invoices\": [\"INV-000001\", \"INV-000002\", \"INV-000003\"]}\n");
	assert_string_equal(notes.buf,
		"INV-000001,1001\nINV-000002,1001\nINV-000003,1002\n");
	state_release(&s);
	strbuf_release(&sb);
	strbuf_release(&notes);
}

/* 2: a crash at each point: closed or not, said once, then it goes on */
static void crash_at_point(const char *point, void *ctx)
{
	if (!strcmp(point, (const char *)getenv("TEST_CRASH_AT")))
		_exit(9);
}

static const struct crash_case {
	const char *point;
	int closed;		/* the month is closed afterwards */
	const char *note;	/* what the next open says, or "" */
} crash_cases[] = {
	/* 2a */ { "frozen", 0, "before its commit point and is rolled back: the month is not closed" },
	/* 2b */ { "ledger-new", 0, "before its commit point and is rolled back: the month is not closed" },
	/* 2c */ { "commit", 1, "after its commit point and is now finished: the month is closed (INV-000002 to INV-000004)" },
	/* 2d */ { "ledger", 1, "" },
};

static void test_crash(void **state)
{
	size_t k;

	for (k = 0; k < sizeof(crash_cases) / sizeof(crash_cases[0]); k++) {
		const struct crash_case *c = &crash_cases[k];
		struct state s = STATE_INIT;
		struct strbuf notes = STRBUF_INIT;
		struct error e;
		size_t first;
		pid_t pid;
		int status;

		assert_int_equal(system("rm -rf \"$TEST_DIR\"/state"), 0);
		open_state(&s, &notes);
		assert_int_equal(close_month(&s, "2026-09", 1, cids3, curs3, NULL, &e), 0);
		state_release(&s);
		setenv("TEST_CRASH_AT", c->point, 1);
		pid = fork();
		assert_true(pid >= 0);
		if (pid == 0) {
			open_state(&s, &notes);
			close_month(&s, "2026-10", 3, cids3, curs3,
				    crash_at_point, &e);
			_exit(0);
		}
		assert_int_equal(waitpid(pid, &status, 0), pid);
		if (WEXITSTATUS(status) != 9)
			fail_msg("case %s: exit %d", c->point, WEXITSTATUS(status));

		open_state(&s, &notes);
		if (!*c->note)
			assert_int_equal(notes.len, 0);
		else if (!strstr(notes.buf, c->note) || !strstr(notes.buf, "2026-10"))
			fail_msg("case %s: notes \"%s\"", c->point, notes.buf);
		assert_int_equal(state_month(&s, "2026-10", &first) == 3, c->closed);
		assert_int_equal(exists(path("state/closed/2026-10")), c->closed);
		assert_false(exists(path("state/closed/.2026-10.tmp")));
		assert_false(exists(path("state/ledger.csv.new")));
		/* and it goes on: the next close gets the next numbers */
		if (!c->closed)
			assert_int_equal(close_month(&s, "2026-10", 3, cids3,
						     curs3, NULL, &e), 0);
		assert_int_equal(close_month(&s, "2026-11", 1, cids3, curs3, NULL, &e), 0);
		assert_string_equal(s.ledger.row[4].number, "INV-000005");
		state_release(&s);
		/* said once: a second open has nothing to say */
		strbuf_reset(&notes);
		open_state(&s, &notes);
		assert_int_equal(notes.len, 0);
		state_release(&s);
		strbuf_release(&notes);
	}
}

/* 3: damage to STATE is an error naming what, never a renumbering */
static void test_damage(void **state)
{
	struct state s = STATE_INIT;
	struct strbuf notes = STRBUF_INIT, sb = STRBUF_INIT;
	struct error e;

	open_state(&s, &notes);
	assert_int_equal(close_month(&s, "2026-10", 3, cids3, curs3, NULL, &e), 0);
	state_release(&s);

	/* 3a: a frozen file edited */
	slurp("state/closed/2026-10/invoice-lines.csv", &sb);
	put("state/closed/2026-10/invoice-lines.csv", "INV-000001,1001\n");
	assert_int_equal(state_open(&s, path("state"), 1, NULL, NULL, &notes, &e), -1);
	assert_non_null(strstr(e.msg, "state/closed/2026-10: frozen invoices do not match their checksum in "));
	assert_non_null(strstr(e.msg, "state/ledger.csv:2: changed outside tally"));
	put("state/closed/2026-10/invoice-lines.csv", sb.buf);
	/* 3b: the frozen folder gone */
	assert_int_equal(rename(path("state/closed/2026-10"), path("x")), 0);
	assert_int_equal(state_open(&s, path("state"), 1, NULL, NULL, &notes, &e), -1);
	assert_non_null(strstr(e.msg, "state/closed/2026-10: missing, but "));
	assert_int_equal(rename(path("x"), path("state/closed/2026-10")), 0);
	/* 3c: the ledger gone (a frozen folder without rows) */
	assert_int_equal(rename(path("state/ledger.csv"), path("x")), 0);
	assert_int_equal(state_open(&s, path("state"), 1, NULL, NULL, &notes, &e), -1);
	assert_non_null(strstr(e.msg, "state/closed/2026-10: frozen invoices without rows in "));
	assert_int_equal(rename(path("x"), path("state/ledger.csv")), 0);
	/* 3d: whole again */
	open_state(&s, &notes);
	assert_int_equal(notes.len, 0);
	state_release(&s);
	strbuf_release(&sb);
	strbuf_release(&notes);
}

/* 4: restatements: each kind of difference, exactly once */
#define INV(n, cid, cur, date, lines) \
	"{\"invoice_number\": \"" n "\", \"psa_company_id\": \"" cid "\", " \
	"\"psa_company_name\": \"Acme\", \"currency\": \"" cur "\", " \
	"\"invoice_date\": \"" date "\", \"due_date\": \"2026-12-02\", " \
	"\"tax_rate\": \"0\", \"tax\": \"0.00\", \"total\": \"1.00\", " \
	"\"lines\": [" lines "]}"
#define LINE(pid, q, price, amt) \
	"{\"psa_product_id\": \"" pid "\", \"psa_product_name\": \"P\", " \
	"\"description\": \"P, October 2026\", \"exact_quantity\": \"" q "\", " \
	"\"quantity\": \"" q "\", \"unit_price\": \"" price "\", \"amount\": \"" amt "\"}"
#define DOC(invs) "{\"month\": \"2026-10\", \"status\": \"final\", \"invoices\": [" invs "]}"

static void diff(const char *a, const char *b, struct restatement *r)
{
	struct error e;

	if (restate_diff(r, a, strlen(a), b, strlen(b), 0, &e))
		fail_msg("restate_diff: %s", e.msg);
}

static void test_restate(void **state)
{
	static const char old[] = DOC(
		INV("INV-000001", "1001", "USD", "2026-11-02",
		    LINE("A", "12", "3.75", "45.00") ", " LINE("B", "1", "1.00", "1.00")) ", "
		INV("INV-000002", "1002", "USD", "2026-11-02",
		    LINE("A", "3", "3.75", "11.25")));
	struct restatement r = RESTATEMENT_INIT;
	struct strbuf sb = STRBUF_INIT;
	char *buf = NULL;
	size_t len = 0;
	FILE *fp;

	/* 4a: the same: nothing */
	diff(old, old, &r);
	assert_int_equal(r.n, 0);
	/* 4a': the same JSON, but the caller saw other bytes differ: said */
	{
		struct error e;

		assert_int_equal(restate_diff(&r, old, strlen(old), old,
					      strlen(old), 1, &e), 0);
		assert_int_equal(r.n, 1);
		assert_string_equal(r.row[0].detail,
				    "the invoices differ outside their lines");
		restate_release(&r);
	}
	/* 4b: one count changed: exactly that line */
	diff(old, DOC(
		INV("INV-000001", "1001", "USD", "2026-11-02",
		    LINE("A", "13", "3.75", "48.75") ", " LINE("B", "1", "1.00", "1.00")) ", "
		INV("INV-000002", "1002", "USD", "2026-11-02",
		    LINE("A", "3", "3.75", "11.25"))), &r);
	assert_int_equal(r.n, 1);
	restate_describe(&r.row[0], &sb);
	assert_string_equal(sb.buf, "INV-000001 1001 USD A: quantity 12 -> 13, amount 45.00 -> 48.75");
	fp = open_memstream(&buf, &len);
	restate_write_csv(&r, fp);
	fclose(fp);
	assert_string_equal(buf, RESTATEMENT_HEADER "\n"
			    "INV-000001,1001,USD,A,changed,12,13,45.00,48.75,\n");
	free(buf);
	restate_release(&r);
	strbuf_reset(&sb);
	/* 4c: a line removed, a line added, a new invoice, a new price, a new date */
	diff(old, DOC(
		INV("INV-000001", "1001", "USD", "2026-11-03",
		    LINE("A", "12", "4.00", "48.00") ", " LINE("C", "2", "1.00", "2.00")) ", "
		INV("INV-000002", "1002", "USD", "2026-11-02",
		    LINE("A", "3", "3.75", "11.25")) ", "
		INV("DRAFT-1003", "1003", "EUR", "2026-11-02",
		    LINE("A", "1", "3.00", "3.00"))), &r);
	assert_int_equal(r.n, 5);
	assert_string_equal(r.row[0].change, "invoice");
	assert_string_equal(r.row[0].detail, "invoice_date 2026-11-02 -> 2026-11-03");
	assert_string_equal(r.row[1].change, "changed");
	assert_string_equal(r.row[1].detail, "unit_price 3.75 -> 4.00");
	assert_string_equal(r.row[1].new_amount, "48.00");
	assert_string_equal(r.row[2].change, "removed");
	assert_string_equal(r.row[2].product_id, "B");
	assert_string_equal(r.row[3].change, "added");
	assert_string_equal(r.row[3].product_id, "C");
	assert_string_equal(r.row[4].change, "added");
	assert_string_equal(r.row[4].number, "");
	assert_string_equal(r.row[4].company_id, "1003");
	assert_string_equal(r.row[4].currency, "EUR");
	restate_describe(&r.row[4], &sb);
	assert_string_equal(sb.buf, "(new invoice) 1003 EUR A: added, quantity 1, amount 3.00");
	restate_release(&r);
	/* 4d: an invoice gone */
	diff(old, DOC(INV("INV-000001", "1001", "USD", "2026-11-02",
		    LINE("A", "12", "3.75", "45.00") ", " LINE("B", "1", "1.00", "1.00"))), &r);
	assert_int_equal(r.n, 1);
	assert_string_equal(r.row[0].number, "INV-000002");
	assert_string_equal(r.row[0].change, "removed");
	assert_string_equal(r.row[0].old_amount, "11.25");
	restate_release(&r);
	strbuf_release(&sb);
}

/* 5: publishing a rerun: what differs, atomically; links and make's files not */
static void test_publish(void **state)
{
	struct strbuf sb = STRBUF_INIT;
	struct error e;
	size_t copied;

	assert_int_equal(mkdir(path("from"), 0777), 0);
	assert_int_equal(mkdir(path("from/extract"), 0777), 0);
	assert_int_equal(mkdir(path("from/in"), 0777), 0);
	assert_int_equal(mkdir(path("to"), 0777), 0);
	put("from/summary.json", "{}\n");
	put("from/extract/a.csv", "a\n");
	put("from/.tally", "X = 1\n");
	put("from/summary.json.tmp123", "half\n");
	put("from/.hidden", "h\n");
	assert_int_equal(symlink("/etc/hostname", path("from/in/link")), 0);
	put("to/summary.json", "{}\n");
	put("to/restatement.csv", "old\n");

	copied = 0;
	assert_int_equal(fs_sync_tree(path("from"), path("to"), &copied, &e), 0);
	assert_int_equal(copied, 1);	/* summary.json was the same already */
	slurp("to/extract/a.csv", &sb);
	assert_string_equal(sb.buf, "a\n");
	assert_true(exists(path("to/restatement.csv")));	/* not the tree's */
	assert_false(exists(path("to/.tally")));
	assert_false(exists(path("to/summary.json.tmp123")));
	assert_false(exists(path("to/.hidden")));
	assert_false(exists(path("to/in/link")));
	put("from/summary.json", "{\"x\": 1}\n");
	copied = 0;
	assert_int_equal(fs_sync_tree(path("from"), path("to"), &copied, &e), 0);
	assert_int_equal(copied, 1);
	strbuf_release(&sb);
}

static int setup_env(void **state)
{
	scratch_setup(state);
	setenv("TEST_DIR", scratch_dir, 1);
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_numbers, scratch_setup, scratch_teardown),
		cmocka_unit_test_setup_teardown(test_crash, setup_env, scratch_teardown),
		cmocka_unit_test_setup_teardown(test_damage, scratch_setup, scratch_teardown),
		cmocka_unit_test(test_restate),
		cmocka_unit_test_setup_teardown(test_publish, scratch_setup, scratch_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
