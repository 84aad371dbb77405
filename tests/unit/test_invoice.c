/*
 * Draft invoices (lib/invoice.c, lib/holidays.c): invoice and due dates
 * by calendar, numbers per company and currency, totals with the tax
 * rounded once, and the tax rate's text. Numbered tables; a failure names
 * its case.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>
#include <jansson.h>
#include "date.h"
#include "error.h"
#include "holidays.h"
#include "invoice.h"
#include "money.h"
#include "problems.h"
#include "settings.h"
#include "strbuf.h"
#include "xalloc.h"
#include "banned.h"

static const struct date_case {
	const char *month;
	enum calendar cal;
	const char *extra;	/* one extra day off, or NULL */
	int terms;
	const char *invoice, *due;
} dates[] = {
	/* 1: 2026-11-01 is a Sunday */
	{ "2026-10", CAL_US, NULL, 30, "2026-11-02", "2026-12-02" },
	/* 2: New Year's Day 2027 is a Friday */
	{ "2026-12", CAL_US, NULL, 30, "2027-01-04", "2027-02-03" },
	/* 3: 2023-01-01 a Sunday, observed Monday 01-02 */
	{ "2022-12", CAL_US, NULL, 30, "2023-01-03", "2023-02-02" },
	/* 4: 2022-01-01 a Saturday (observed 2021-12-31): Monday is open */
	{ "2021-12", CAL_US, NULL, 0, "2022-01-03", "2022-01-03" },
	/* 5: Labor Day 2025 is Monday 09-01 */
	{ "2025-08", CAL_US, NULL, 30, "2025-09-02", "2025-10-02" },
	/* 6: an extra day off from holidays.csv */
	{ "2026-10", CAL_US, "2026-11-02", 30, "2026-11-03", "2026-12-03" },
	/* 7: a plain Thursday */
	{ "2026-09", CAL_IE, NULL, 30, "2026-10-01", "2026-10-31" },
	/* 8: August bank holiday, Monday 2026-08-03 */
	{ "2026-07", CAL_IE, NULL, 30, "2026-08-04", "2026-09-03" },
	/* 9: St Brigid's Day, Monday 2026-02-02 (due in a 28-day February) */
	{ "2026-01", CAL_IE, NULL, 30, "2026-02-03", "2026-03-05" },
	/* 10: bank closure Dec 31 - Jan 3, then Monday */
	{ "2026-12", CAL_JP, NULL, 14, "2027-01-04", "2027-01-18" },
	/* 11: 2019's enthronement holidays, May 1 to May 6 */
	{ "2019-04", CAL_JP, NULL, 30, "2019-05-07", "2019-06-06" },
	/* 12: no calendar: weekends only, New Year's Day is a Friday */
	{ "2026-12", CAL_NONE, NULL, 30, "2027-01-01", "2027-01-31" },
	/* 13: leap February's end, first of March a Wednesday */
	{ "2028-02", CAL_NONE, NULL, 365, "2028-03-01", "2029-03-01" },
};

static void test_dates(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(dates) / sizeof(*dates); i++) {
		const struct date_case *c = &dates[i];
		struct cal_extra x = { NULL, 0 };
		struct period p;
		struct error e;
		int32_t extra;
		char inv[11], due[11];

		if (c->extra) {
			assert_int_equal(date_parse(c->extra, &extra), 0);
			x.days = &extra;
			x.n = 1;
		}
		assert_int_equal(period_init(&p, c->month, c->cal, &x, c->terms, &e), 0);
		date_format(inv, p.invoice_date);
		date_format(due, p.due_date);
		if (strcmp(inv, c->invoice) || strcmp(due, c->due))
			fail_msg("case %zu: got %s due %s, want %s due %s", i + 1,
				 inv, due, c->invoice, c->due);
	}
}

static void test_period(void **state)
{
	struct period p;
	struct error e;
	char a[11], b[11];

	(void)state;
	assert_int_equal(period_init(&p, "2028-02", CAL_US, NULL, 30, &e), 0);
	assert_string_equal(p.month, "2028-02");
	assert_string_equal(date_format(a, p.start), "2028-02-01");
	assert_string_equal(date_format(b, p.end), "2028-02-29");
	assert_int_equal(period_init(&p, "2026-13", CAL_US, NULL, 30, &e), -1);
	assert_int_equal(period_init(&p, "1999-12", CAL_US, NULL, 30, &e), -1);
	assert_int_equal(period_init(&p, "26-10", CAL_US, NULL, 30, &e), -1);
}

static void add_line(struct invoice_run *r, const char *company,
		     const char *product, int64_t qty, int64_t price,
		     const char *cur)
{
	struct invoice_line *l;

	XGROW(r->lines, r->alloc, r->nlines + 1);
	l = &r->lines[r->nlines++];
	memset(l, 0, sizeof(*l));
	l->company_id = xstrdup(company);
	l->company_name = xstrdup("");
	l->product_id = xstrdup(product);
	l->product_name = xstrdup("");
	l->exact_quantity = xstrdup("");
	l->quantity = xstrdup("");
	l->qty = qty;
	l->unit_price = price;
	l->currency = currency_find(cur);
	l->amount = money_amount(qty, price, l->currency);
}

static void test_grouping(void **state)
{
	static const struct inv_case {
		const char *number, *cur;
		size_t nlines;
		int64_t subtotal, tax, total;
	} want[] = {
		/* 1: 0.06 + 0.13 = 0.19; tax 0.015675 -> 0.02 once (per
		 * line it would be 0.00 + 0.01) */
		{ "DRAFT-1001", "USD", 2, 19, 2, 21 },
		/* 2: two currencies: both numbers carry the currency;
		 * 7 x 333.3333 = 2333.3331 -> 2333, tax 192.4725 -> 192 */
		{ "DRAFT-1002-JPY", "JPY", 1, 2333, 192, 2525 },
		/* 3: 12 x 3.75 = 45.00, tax 3.7125 -> 3.71 */
		{ "DRAFT-1002-USD", "USD", 1, 4500, 371, 4871 },
		/* 4: byte order of ids: "999" after "1002" */
		{ "DRAFT-999", "EUR", 1, 100, 8, 108 },
	};
	struct period p;
	struct invoice_run r;
	struct error e;

	(void)state;
	assert_int_equal(period_init(&p, "2026-10", CAL_US, NULL, 30, &e), 0);
	invoice_run_init(&r, &p, 82500);	/* 0.0825 */
	add_line(&r, "999", "A", 10000, 10000, "EUR");
	add_line(&r, "1002", "BUS", 120000, 37500, "USD");
	add_line(&r, "1001", "STOR", 25000, 500, "USD");
	add_line(&r, "1002", "BUS-JP", 70000, 3333333, "JPY");
	add_line(&r, "1001", "BREACH", 20000, 300, "USD");
	invoice_run_finish(&r);
	assert_int_equal(r.ninv, sizeof(want) / sizeof(*want));
	for (size_t i = 0; i < r.ninv; i++) {
		const struct invoice *inv = &r.inv[i];
		const struct inv_case *w = &want[i];

		if (strcmp(inv->number, w->number) || strcmp(inv->currency->code, w->cur) ||
		    inv->nlines != w->nlines || inv->subtotal != w->subtotal ||
		    inv->tax != w->tax || inv->total != w->total)
			fail_msg("case %zu: got %s %s %zu lines %lld %lld %lld", i + 1,
				 inv->number, inv->currency->code, inv->nlines,
				 (long long)inv->subtotal, (long long)inv->tax,
				 (long long)inv->total);
	}
	/* lines by product id within an invoice */
	assert_string_equal(r.inv[0].line[0].product_id, "BREACH");
	assert_string_equal(r.inv[0].line[1].product_id, "STOR");
	invoice_run_release(&r);
}

static void test_rate_format(void **state)
{
	char buf[48];

	(void)state;
	assert_string_equal(rate_format(buf, 0), "0");
	assert_string_equal(rate_format(buf, 82500), "0.0825");
	assert_string_equal(rate_format(buf, 100000), "0.1");
	assert_string_equal(rate_format(buf, 1), "0.000001");
	assert_string_equal(rate_format(buf, 999999), "0.999999");
}

static void test_holidays(void **state)
{
	char path[] = "/tmp/test_invoice.XXXXXX";
	struct cal_extra x;
	struct error e;
	char want[200], d[11];
	FILE *fp;
	int fd;

	(void)state;
	fd = mkstemp(path);
	assert_true(fd >= 0);
	fp = fdopen(fd, "w");
	fputs("date,name\n2026-12-24,\"Eve, closed\"\n2026-11-02,Offsite\n2026-12-24,again\n", fp);
	fclose(fp);
	assert_int_equal(holidays_load(&x, path, &e), 0);
	assert_int_equal(x.n, 2);	/* sorted, repeats once */
	assert_string_equal(date_format(d, x.days[0]), "2026-11-02");
	assert_string_equal(date_format(d, x.days[1]), "2026-12-24");
	holidays_release(&x);

	fp = fopen(path, "w");
	fputs("date\n2026-12-24\n2026-02-29\n", fp);
	fclose(fp);
	assert_int_equal(holidays_load(&x, path, &e), -1);
	assert_int_equal(e.code, ERR_CONFIG);
	assert_int_equal(e.line, 3);
	snprintf(want, sizeof(want), "%s:3: no such day in the calendar (\"2026-02-29\")", path);
	assert_string_equal(e.msg, want);
	assert_null(x.days);
	unlink(path);

	assert_int_equal(holidays_load(&x, "/nonexistent/holidays.csv", &e), 0);
	assert_int_equal(x.n, 0);
}

/*
 * invoices.json is written without jansson's tree but must be the bytes
 * jansson dumps for its content: names holding a quote, a backslash, a
 * tab, a control character and non-ASCII text, and an invoice of two
 * lines, read back and dumped again by jansson, give the same text.
 */
static void test_json_text(void **state)
{
	static const char *const names[] = {
		"Smith \"Dental\", Ltd", "back\\slash\ttab", "Zürich \x01 AG",
		"plain / slash",
	};
	struct period p;
	struct invoice_run r;
	struct strbuf json = STRBUF_INIT, csv = STRBUF_INIT;
	struct error e;
	json_error_t je;
	json_t *doc;
	char *again;
	size_t i;

	(void)state;
	assert_int_equal(period_init(&p, "2026-10", CAL_US, NULL, 30, &e), 0);
	invoice_run_init(&r, &p, 82500);
	for (i = 0; i < 4; i++) {
		add_line(&r, i < 2 ? "1001" : "1002", names[i], 10000, 37500, "USD");
		free(r.lines[r.nlines - 1].company_name);
		r.lines[r.nlines - 1].company_name = xstrdup(names[i]);
		free(r.lines[r.nlines - 1].product_name);
		r.lines[r.nlines - 1].product_name = xstrdup(names[3 - i]);
	}
	invoice_run_finish(&r);
	assert_int_equal(invoice_render(&r, &json, &csv, &e), 0);
	doc = json_loadb(json.buf, json.len, 0, &je);
	if (!doc)
		fail_msg("not JSON: %s", je.text);
	again = json_dumps(doc, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	assert_non_null(again);
	assert_int_equal(json.len, strlen(again) + 1);
	assert_memory_equal(json.buf, again, strlen(again));
	assert_int_equal(json.buf[json.len - 1], '\n');
	assert_non_null(strstr(json.buf, "\"Smith \\\"Dental\\\", Ltd\""));
	assert_non_null(strstr(json.buf, "Z\u00fcrich \\u0001 AG"));
	free(again);
	json_decref(doc);
	strbuf_release(&json);
	strbuf_release(&csv);
	invoice_run_release(&r);
}

/*
 * invoice_stream against the in-memory path: files in map's and round's
 * order give invoice_render's bytes and the same problems (two companies,
 * one billed in two currencies, a missing price, a quantity of 0, names
 * that need quoting, a company name that changes after its first row);
 * files out of order, or a row of rounded.csv not in mapped.csv, go to
 * the in-memory path (1).
 */
static char sdir[] = "/tmp/tally-test-invoice-XXXXXX";

static void put_file(const char *name, const char *text)
{
	char *path = path_join(sdir, name);
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	fputs(text, f);
	assert_int_equal(fclose(f), 0);
	free(path);
}

static const char prices_csv[] =
	"psa_product_id,unit_price,currency,effective_from,psa_company_id\n"
	"A,3.75,,2025-01-01,\n"
	"B,0.05,,2025-01-01,\n"
	"C,2.00,EUR,2025-01-01,1001\n";
static const char mapped_head[] =
	"vendor,psa_company_id,psa_company_name,psa_product_id,psa_product_name\n";
static const char rounded_head[] =
	"psa_company_id,psa_product_id,exact_quantity,rounding,quantity,delta\n";

static const struct stream_case {
	const char *mapped, *rounded;
	int ret;
} streams[] = {
	/* 1: in order */
	{ "k,1001,\"Smith \"\"Dental\"\", Ltd\",A,Alpha\n"
	  "k,1001,Other name,A,Alpha 2\n"
	  "k,1001,Other name,B,\n"
	  "k,1001,x,C,Gamma\n"
	  "k,1002,Beta Co,A,Alpha\n"
	  "k,1002,Beta Co,D,Delta\n"
	  "k,1003,Zero,A,Alpha\n"
	  "k,1004,Unbilled,Z,Zed\n",
	  "1001,A,3.0000,nearest,3,0.0000\n"
	  "1001,B,2.5000,none,2.50,0.0000\n"
	  "1001,C,7.0000,nearest,7,0.0000\n"
	  "1002,A,1.2000,nearest,1,-0.2000\n"
	  "1002,D,4.0000,nearest,4,0.0000\n"
	  "1003,A,0.2000,nearest,0,-0.2000\n", 0 },
	/* 2: no rows */
	{ "", "", 0 },
	/* 3: rounded.csv out of order */
	{ "k,1001,A Co,A,Alpha\nk,1002,B Co,A,Alpha\n",
	  "1002,A,1.0000,nearest,1,0.0000\n1001,A,1.0000,nearest,1,0.0000\n", 1 },
	/* 4: mapped.csv out of order after the last row billed */
	{ "k,1001,A Co,A,Alpha\nk,1003,C Co,A,Alpha\nk,1002,B Co,A,Alpha\n",
	  "1001,A,1.0000,nearest,1,0.0000\n", 1 },
	/* 5: a row not in mapped.csv */
	{ "k,1001,A Co,A,Alpha\n",
	  "1001,A,1.0000,nearest,1,0.0000\n1001,B,1.0000,nearest,1,0.0000\n", 1 },
	/* 6: a quoted field csvwrite would not quote */
	{ "k,1001,\"A Co\",A,Alpha\n", "1001,A,1.0000,nearest,1,0.0000\n", 1 },
};

static void test_stream(void **state)
{
	struct settings st;
	struct period p;
	struct error e;
	char *rounded, *mapped;

	(void)state;
	assert_non_null(mkdtemp(sdir));
	put_file("prices.csv", prices_csv);
	rounded = path_join(sdir, "rounded.csv");
	mapped = path_join(sdir, "mapped.csv");
	settings_init(&st);
	st.tax_rate = 82500;
	assert_int_equal(period_init(&p, "2026-10", CAL_US, NULL, 30, &e), 0);
	for (size_t i = 0; i < sizeof(streams) / sizeof(*streams); i++) {
		struct strbuf m = STRBUF_INIT, r = STRBUF_INIT;
		struct strbuf json = STRBUF_INIT, csv = STRBUF_INIT;
		struct problems p1, p2;
		struct invoice_run run;
		char *lbuf = NULL, *jbuf = NULL;
		size_t llen = 0, jlen = 0;
		FILE *lf = open_memstream(&lbuf, &llen);
		FILE *jf = open_memstream(&jbuf, &jlen);
		int ret;

		strbuf_addf(&m, "%s%s", mapped_head, streams[i].mapped);
		strbuf_addf(&r, "%s%s", rounded_head, streams[i].rounded);
		put_file("mapped.csv", m.buf);
		put_file("rounded.csv", r.buf);
		assert_int_equal(problems_open(&p1, NULL, "invoice", &e), 0);
		assert_int_equal(problems_open(&p2, NULL, "invoice", &e), 0);
		ret = invoice_stream(&p, &st, sdir, rounded, mapped, lf, jf, &p1);
		assert_int_equal(fclose(lf), 0);
		assert_int_equal(fclose(jf), 0);
		if (ret != streams[i].ret)
			fail_msg("case %zu: returned %d", i + 1, ret);
		if (ret == 0) {
			assert_int_equal(invoice_run_compute(&run, &p, &st, sdir, rounded,
							     mapped, &p2, &e), 0);
			assert_int_equal(invoice_render(&run, &json, &csv, &e), 0);
			if (jlen != json.len || memcmp(jbuf, json.buf, jlen) ||
			    llen != csv.len || memcmp(lbuf, csv.buf, llen))
				fail_msg("case %zu: not the in-memory bytes:\n%s\n%s", i + 1,
					 jbuf, lbuf);
			if (p1.nblocking != p2.nblocking || p1.nwarning != p2.nwarning)
				fail_msg("case %zu: other problems", i + 1);
			invoice_run_release(&run);
		}
		if (i == 0 && (!strstr(lbuf, "DRAFT-1001-EUR") ||
			       !strstr(lbuf, "DRAFT-1002,") || p1.nblocking != 1))
			fail_msg("case 1 is not the case meant:\n%s", lbuf);
		problems_commit(&p1, &e);
		problems_commit(&p2, &e);
		free(lbuf);
		free(jbuf);
		strbuf_release(&m);
		strbuf_release(&r);
		strbuf_release(&json);
		strbuf_release(&csv);
	}
	unlink(rounded);
	unlink(mapped);
	free(rounded);
	free(mapped);
	rounded = path_join(sdir, "prices.csv");
	unlink(rounded);
	free(rounded);
	assert_int_equal(rmdir(sdir), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_dates),
		cmocka_unit_test(test_period),
		cmocka_unit_test(test_grouping),
		cmocka_unit_test(test_json_text),
		cmocka_unit_test(test_stream),
		cmocka_unit_test(test_rate_format),
		cmocka_unit_test(test_holidays),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
