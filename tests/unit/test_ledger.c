/*
 * The ledger of final numbers (lib/ledger.c) and the run locks
 * (lib/lock.c).
 *
 * The reference ledger of case 1 was computed outside tally, with the
 * shell's sha256sum over the bytes before each chain field:
 *   printf '<header>\nINV-000001,...,<zeros>,' | sha256sum   -> row chain
 *   printf '<all of that>\n#end,1,,,,,,,' | sha256sum       -> end chain
 * Each damage case (edit, cut, removed row, moved row) must be an error
 * naming the file and the line, never a ledger with other numbers.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>
#include "ledger.h"
#include "lock.h"
#include "strbuf.h"
#include "banned.h"

#define ZEROS "0000000000000000000000000000000000000000000000000000000000000000"
#define ONES  "1111111111111111111111111111111111111111111111111111111111111111"

static const char ref_ledger[] =
	LEDGER_HEADER "\n"
	"INV-000001,2026-10,1001,USD,48.71,2026-11-02,2026-11-05T09:12:00Z,"
	ZEROS ",2f753c9435f69acfe2414434849b8ab9af0645c04c5f8dc6f4f99d8649f20bbf\n"
	"#end,1,,,,,,,16f0278d4b0d042bc915c9c47ce56476c78a90c77838bee34758d018f709089d\n";

#define SCRATCH_NAME "test_ledger"
#include "scratch.h"

static char *path(const char *name)
{
	static char buf[128];

	snprintf(buf, sizeof(buf), "%s/%s", scratch_dir, name);
	return buf;
}

static void put(const char *name, const char *text, size_t n)
{
	FILE *fp = fopen(path(name), "wb");

	assert_non_null(fp);
	assert_int_equal(fwrite(text, 1, n, fp), n);
	assert_int_equal(fclose(fp), 0);
}

static void add(struct ledger *l, const char *number, const char *month,
		const char *cid, const char *cur, const char *total,
		const char *frozen)
{
	struct ledger_row r;
	struct error e;

	memset(&r, 0, sizeof(r));
	r.number = (char *)number;
	snprintf(r.month, sizeof(r.month), "%s", month);
	r.company_id = (char *)cid;
	snprintf(r.currency, sizeof(r.currency), "%s", cur);
	r.total = (char *)total;
	snprintf(r.invoice_date, sizeof(r.invoice_date), "2026-11-02");
	r.closed_at = "2026-11-05T09:12:00Z";
	memcpy(r.frozen_sha256, frozen, 65);
	if (ledger_append(l, &r, &e))
		fail_msg("append %s: %s", number, e.msg);
}

/* a three-row ledger over two months, written by tally, as text */
static void three_rows(struct strbuf *sb)
{
	struct ledger l = LEDGER_INIT;

	add(&l, "INV-000001", "2026-10", "1001", "EUR", "10.00", ZEROS);
	add(&l, "INV-000002", "2026-10", "1001", "USD", "48.71", ZEROS);
	add(&l, "INV-000003", "2026-11", "1002", "JPY", "5000", ONES);
	ledger_format(&l, sb);
	ledger_release(&l);
}

/* load text as a ledger: 0, or -1 with the message in msg */
static int load_text(const char *text, size_t n, struct ledger *l,
		     struct error *e)
{
	put("ledger.csv", text, n);
	return ledger_load(l, path("ledger.csv"), e);
}

static void expect_error(const char *text, size_t n, const char *want)
{
	struct ledger l = LEDGER_INIT;
	struct error e;
	char full[256];

	snprintf(full, sizeof(full), "%s/ledger.csv:%s", scratch_dir, want);
	if (load_text(text, n, &l, &e) == 0)
		fail_msg("loaded, expected error \"%s\"", want);
	if (strncmp(e.msg, full, strlen(full)) != 0)
		fail_msg("error \"%s\", expected it to start \"%s\"", e.msg, full);
	assert_int_equal(l.n, 0);
}

/* 1: the reference ledger, byte for byte, both ways */
static void test_reference(void **state)
{
	struct ledger l = LEDGER_INIT;
	struct strbuf sb = STRBUF_INIT;
	struct error e;

	add(&l, "INV-000001", "2026-10", "1001", "USD", "48.71", ZEROS);
	ledger_format(&l, &sb);
	assert_string_equal(sb.buf, ref_ledger);
	ledger_release(&l);

	assert_int_equal(load_text(ref_ledger, strlen(ref_ledger), &l, &e), 0);
	assert_int_equal(l.n, 1);
	assert_string_equal(l.row[0].number, "INV-000001");
	assert_int_equal(l.row[0].seq, 1);
	assert_string_equal(l.row[0].month, "2026-10");
	assert_string_equal(l.row[0].company_id, "1001");
	assert_string_equal(l.row[0].currency, "USD");
	assert_string_equal(l.row[0].total, "48.71");
	assert_string_equal(l.row[0].invoice_date, "2026-11-02");
	assert_string_equal(l.row[0].closed_at, "2026-11-05T09:12:00Z");
	assert_int_equal(l.row[0].line, 2);
	ledger_release(&l);
	strbuf_release(&sb);
}

/* 2: no file is an empty ledger; write + load round trip; months */
static void test_round_trip(void **state)
{
	struct ledger l = LEDGER_INIT;
	struct strbuf sb = STRBUF_INIT;
	struct error e;
	size_t first = 99;

	assert_int_equal(ledger_load(&l, path("none.csv"), &e), 0);
	assert_int_equal(l.n, 0);

	add(&l, "INV-000001", "2026-10", "1001", "EUR", "10.00", ZEROS);
	add(&l, "INV-000002", "2026-10", "a,\"b\"", "USD", "48.71", ZEROS);
	add(&l, "X_Y-000003", "2026-09", "1002", "JPY", "5000", ONES);
	assert_int_equal(ledger_write(&l, path("ledger.csv"), &e), 0);
	ledger_release(&l);
	assert_int_equal(ledger_load(&l, path("ledger.csv"), &e), 0);
	assert_int_equal(l.n, 3);
	assert_string_equal(l.row[1].company_id, "a,\"b\"");
	assert_string_equal(l.row[2].number, "X_Y-000003");
	assert_int_equal(l.row[2].line, 4);
	assert_int_equal(ledger_month(&l, "2026-10", &first), 2);
	assert_int_equal(first, 0);
	assert_int_equal(ledger_month(&l, "2026-09", &first), 1);
	assert_int_equal(first, 2);
	assert_int_equal(ledger_month(&l, "2026-11", &first), 0);
	ledger_release(&l);

	/* an empty ledger written is still a ledger */
	assert_int_equal(ledger_write(&l, path("empty.csv"), &e), 0);
	assert_int_equal(ledger_load(&l, path("empty.csv"), &e), 0);
	assert_int_equal(l.n, 0);
	strbuf_release(&sb);
}

/* 3: hand edits: the first line touched is named */
static void test_edits(void **state)
{
	struct strbuf sb = STRBUF_INIT;
	char *p;

	three_rows(&sb);
	/* 3a: a total changed on line 3 */
	p = strstr(sb.buf, "48.71");
	p[0] = '5';
	expect_error(sb.buf, sb.len, "3: chain checksum does not match");
	p[0] = '4';
	/* 3b: a currency changed on line 2 */
	p = strstr(sb.buf, "EUR");
	p[0] = 'G';
	p[1] = 'B';
	p[2] = 'P';
	expect_error(sb.buf, sb.len, "2: chain checksum does not match");
	memcpy(p, "EUR", 3);
	/* 3c: the header changed */
	sb.buf[0] = 'N';
	expect_error(sb.buf, sb.len, "1: not a tally ledger");
	sb.buf[0] = 'n';
	/* 3d: a chain digit changed on the #end line */
	sb.buf[sb.len - 2] = sb.buf[sb.len - 2] == '0' ? '1' : '0';
	expect_error(sb.buf, sb.len, "5: chain checksum does not match");
	strbuf_release(&sb);
}

/* 4: truncation, removed and moved rows */
static void test_cuts(void **state)
{
	struct strbuf sb = STRBUF_INIT, t = STRBUF_INIT;
	const char *l3, *l4, *end;

	three_rows(&sb);
	l3 = strchr(strchr(sb.buf, '\n') + 1, '\n') + 1;
	l4 = strchr(l3, '\n') + 1;
	end = strstr(sb.buf, "#end");
	/* 4a: cut after a whole row: no #end line */
	expect_error(sb.buf, (size_t)(end - sb.buf),
		     "4: the ledger ends without its #end line");
	/* 4b: cut in the middle of a row */
	expect_error(sb.buf, (size_t)(l4 - sb.buf) + 20,
		     "4: the last line is cut short");
	/* 4c: an empty file */
	expect_error("", 0, "1: empty file");
	/* 4d: row 2 of 3 removed (line 3 is then the third row) */
	strbuf_add(&t, sb.buf, (size_t)(l3 - sb.buf));
	strbuf_addstr(&t, l4);
	expect_error(t.buf, t.len, "3: chain checksum does not match");
	strbuf_reset(&t);
	/* 4e: text after #end */
	strbuf_add(&t, sb.buf, sb.len);
	strbuf_addstr(&t, "INV-000004\n");
	expect_error(t.buf, t.len, "6: text after the #end line");
	strbuf_release(&t);
	strbuf_release(&sb);
}

/* 5: what tally's own writer refuses to read back (checked past the chain) */
static void test_semantics(void **state)
{
	struct ledger l = LEDGER_INIT;
	struct strbuf sb = STRBUF_INIT;

	/* 5a: rows of a month out of order */
	add(&l, "INV-000001", "2026-10", "1002", "USD", "1.00", ZEROS);
	add(&l, "INV-000002", "2026-10", "1001", "USD", "1.00", ZEROS);
	ledger_format(&l, &sb);
	expect_error(sb.buf, sb.len, "3: rows of 2026-10 out of order");
	ledger_release(&l);
	strbuf_reset(&sb);
	/* 5b: a month's rows apart */
	add(&l, "INV-000001", "2026-10", "1001", "USD", "1.00", ZEROS);
	add(&l, "INV-000002", "2026-11", "1001", "USD", "1.00", ONES);
	add(&l, "INV-000003", "2026-10", "1002", "USD", "1.00", ZEROS);
	ledger_format(&l, &sb);
	expect_error(sb.buf, sb.len, "4: rows of 2026-10 apart from its other rows (line 2)");
	ledger_release(&l);
	strbuf_reset(&sb);
	/* 5c: one month, two frozen checksums */
	add(&l, "INV-000001", "2026-10", "1001", "USD", "1.00", ZEROS);
	add(&l, "INV-000002", "2026-10", "1002", "USD", "1.00", ONES);
	ledger_format(&l, &sb);
	expect_error(sb.buf, sb.len, "3: frozen_sha256 differs");
	ledger_release(&l);
	strbuf_release(&sb);
}

/* 6: numbers: format, prefixes, the end of the sequence, append checks */
static void test_numbers(void **state)
{
	struct ledger l = LEDGER_INIT;
	struct ledger_row r;
	struct error e;
	char buf[64];

	assert_int_equal(ledger_number(buf, sizeof(buf), "INV", 1, &e), 0);
	assert_string_equal(buf, "INV-000001");
	assert_int_equal(ledger_number(buf, sizeof(buf), "A-b_9", 999999, &e), 0);
	assert_string_equal(buf, "A-b_9-999999");
	assert_int_equal(ledger_number(buf, sizeof(buf), "INV", 1000000, &e), -1);
	assert_non_null(strstr(e.msg, "the ledger is full"));
	assert_int_equal(ledger_number(buf, sizeof(buf), "", 1, &e), -1);
	assert_int_equal(ledger_number(buf, sizeof(buf), "IN V", 1, &e), -1);
	assert_int_equal(ledger_number(buf, sizeof(buf), "INV/", 1, &e), -1);
	assert_int_equal(ledger_number(buf, sizeof(buf),
		"ABCDEFGHIJABCDEFGHIJABCDEFGHIJABC", 1, &e), -1);

	memset(&r, 0, sizeof(r));
	r.number = "INV-000002";	/* the first must be 000001 */
	memcpy(r.month, "2026-10", 8);
	r.company_id = "1001";
	memcpy(r.currency, "USD", 4);
	r.total = "1.00";
	memcpy(r.invoice_date, "2026-11-02", 11);
	r.closed_at = "now";
	memcpy(r.frozen_sha256, ZEROS, 65);
	assert_int_equal(ledger_append(&l, &r, &e), -1);
	assert_non_null(strstr(e.msg, "out of sequence"));
	r.number = "INV-000001";
	r.company_id = "10\n01";
	assert_int_equal(ledger_append(&l, &r, &e), -1);
	r.company_id = "1001";
	r.total = "1,00";
	assert_int_equal(ledger_append(&l, &r, &e), -1);
	r.total = "1.00";
	assert_int_equal(ledger_append(&l, &r, &e), 0);
	assert_int_equal(l.n, 1);
	ledger_release(&l);
}

/* 7: a lock held by another process: busy, waited for, then taken */
static int waited;

static void on_wait(const char *p, void *ctx)
{
	waited++;
}

static void test_lock(void **state)
{
	struct lock a = LOCK_INIT, b = LOCK_INIT;
	struct error e;
	int go[2], held[2], status;
	pid_t pid;
	char c;

	assert_int_equal(pipe(go), 0);
	assert_int_equal(pipe(held), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		struct lock k = LOCK_INIT;

		if (lock_take(&k, path("x.lock"), 0, NULL, NULL, &e))
			_exit(1);
		if (write(held[1], "h", 1) != 1 || read(go[0], &c, 1) != 1)
			_exit(2);
		usleep(200000);
		_exit(0);	/* the lock goes with the process */
	}
	assert_int_equal(read(held[0], &c, 1), 1);
	/* 7a: busy */
	assert_int_equal(lock_take(&a, path("x.lock"), LOCK_NOWAIT, on_wait,
				   NULL, &e), 1);
	assert_int_equal(waited, 0);
	assert_int_equal(a.fd, -1);
	/* 7b: waited for, with one message */
	assert_int_equal(write(go[1], "g", 1), 1);
	assert_int_equal(lock_take(&a, path("x.lock"), 0, on_wait, NULL, &e), 0);
	assert_int_equal(waited, 1);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_int_equal(WEXITSTATUS(status), 0);
	/* 7c: held here: another descriptor is refused, release frees it */
	assert_int_equal(lock_take(&b, path("x.lock"), LOCK_NOWAIT, NULL, NULL,
				   &e), 1);
	lock_release(&a);
	assert_int_equal(lock_take(&b, path("x.lock"), LOCK_NOWAIT, NULL, NULL,
				   &e), 0);
	lock_release(&b);
	lock_release(&b);	/* twice is harmless */
	/* 7d: a folder that does not exist */
	assert_int_equal(lock_take(&a, path("no/x.lock"), 0, NULL, NULL, &e), -1);
	assert_non_null(strstr(e.msg, "no/x.lock: cannot open the lock file"));
	close(go[0]);
	close(go[1]);
	close(held[0]);
	close(held[1]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_reference, scratch_setup, scratch_teardown),
		cmocka_unit_test_setup_teardown(test_round_trip, scratch_setup, scratch_teardown),
		cmocka_unit_test_setup_teardown(test_edits, scratch_setup, scratch_teardown),
		cmocka_unit_test_setup_teardown(test_cuts, scratch_setup, scratch_teardown),
		cmocka_unit_test_setup_teardown(test_semantics, scratch_setup, scratch_teardown),
		cmocka_unit_test_setup_teardown(test_numbers, scratch_setup, scratch_teardown),
		cmocka_unit_test_setup_teardown(test_lock, scratch_setup, scratch_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
