/*
 * The reconciliation workbook (lib/workbook.c), read back from its XML:
 * the hand-written month of tests/data/month-psa (its README lists the
 * cases) is written to a scratch folder, then the archive's parts are
 * checked as a spreadsheet program reads them. Expected values are worked
 * out by hand in the comments.
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
#include <zip.h>
#include "psafiles.h"
#include "settings.h"
#include "strbuf.h"
#include "summary.h"
#include "workbook.h"
#include "banned.h"

#define DATA "tests/data/month-psa"

static char dir[64];
static char xlsx[128];

/* entry name of the archive at path, NUL-terminated, or NULL */
static char *part(const char *path, const char *name)
{
	int err;
	zip_t *za = zip_open(path, ZIP_RDONLY, &err);
	zip_file_t *zf;
	zip_stat_t st;
	char *buf;

	if (!za)
		return NULL;
	if (zip_stat(za, name, 0, &st) || !(zf = zip_fopen(za, name, 0))) {
		zip_close(za);
		return NULL;
	}
	buf = malloc(st.size + 1);
	assert_int_equal(zip_fread(zf, buf, st.size), (zip_int64_t)st.size);
	buf[st.size] = '\0';
	zip_fclose(zf);
	zip_close(za);
	return buf;
}

/* summary.json's tree of the month, as export gives it to the workbook */
static json_t *month_summary(const char *monthdir)
{
	struct extract_docs docs;
	struct invoice_digest inv;
	struct problem_tally t;
	struct period per;
	struct strbuf path = STRBUF_INIT;
	struct error e;
	FILE *null = fopen("/dev/null", "w");
	/* 186 rows of one file found again in another (daily-average.json) */
	json_t *da = json_pack("{s:i,s:i,s:i}", "series", 0, "duplicates", 186,
			       "conflicts", 0), *root;

	strbuf_addf(&path, "%s/invoices.json", monthdir);
	if (extract_docs_load(&docs, monthdir, &e) ||
	    invoice_digest_load(&inv, path.buf, &e) ||
	    period_init(&per, "2026-10", CAL_US, NULL, 30, &e))
		fail_msg("%s", e.msg);
	problem_tally_init(&t, null);
	root = summary_build(&per, &docs, da, "daily-average.json", &inv,
			     path.buf, &t, &e);
	if (!root)
		fail_msg("%s", e.msg);
	problem_tally_release(&t);
	extract_docs_release(&docs);
	json_decref(da);
	fclose(null);
	strbuf_release(&path);
	return root;
}

/* the workbook of monthdir at out (config: workbook_input.configdir) */
static int try_month(const char *monthdir, const char *out,
		     const char *config, struct error *e)
{
	struct settings s;
	struct psa_plan p;
	struct workbook_input in;
	json_t *summary = month_summary(monthdir);
	int r;

	settings_init(&s);
	s.psa = PSA_AUTOTASK;
	if (psa_plan_build(&p, monthdir, DATA "/config", &s, 2026, 10, 0, e))
		fail_msg("%s", e->msg);
	memset(&in, 0, sizeof(in));
	in.monthdir = monthdir;
	in.configdir = config;
	in.y = 2026;
	in.m = 10;
	in.settings = &s;
	in.psa = &p;
	in.summary = summary;
	r = workbook_write(out, &in, e);
	psa_plan_release(&p);
	json_decref(summary);
	return r;
}

static void write_month(const char *monthdir, const char *out)
{
	struct error e;

	if (try_month(monthdir, out, NULL, &e))
		fail_msg("%s", e.msg);
}

/* a copy of the month in dir/name, its path in sb */
static void copy_month(struct strbuf *sb, const char *name)
{
	struct strbuf cmd = STRBUF_INIT;

	strbuf_reset(sb);
	strbuf_addf(sb, "%s/%s", dir, name);
	strbuf_addf(&cmd, "mkdir -p %s && cp -r " DATA "/month/. %s/", sb->buf,
		    sb->buf);
	assert_int_equal(system(cmd.buf), 0);
	strbuf_release(&cmd);
}

/* monthdir/name made to hold text */
static void put_file(const char *monthdir, const char *name, const char *text)
{
	struct strbuf path = STRBUF_INIT;
	FILE *f;

	strbuf_addf(&path, "%s/%s", monthdir, name);
	f = fopen(path.buf, "w");
	assert_non_null(f);
	fputs(text, f);
	assert_int_equal(fclose(f), 0);
	strbuf_release(&path);
}

static int setup(void **state)
{
	snprintf(dir, sizeof(dir), "/tmp/tally-wb-XXXXXX");
	if (!mkdtemp(dir))
		return -1;
	snprintf(xlsx, sizeof(xlsx), "%s/reconciliation-2026-10.xlsx", dir);
	write_month(DATA "/month", xlsx);
	return 0;
}

static int teardown(void **state)
{
	struct strbuf cmd = STRBUF_INIT;

	strbuf_addf(&cmd, "rm -rf %s", dir);
	if (system(cmd.buf) != 0)
		return -1;
	strbuf_release(&cmd);
	return 0;
}

static void has(const char *xml, const char *want)
{
	if (!strstr(xml, want))
		fail_msg("missing: %s", want);
}

static void test_sheets_in_order(void **state)
{
	char *x = part(xlsx, "xl/workbook.xml");

	assert_non_null(x);
	has(x, "<sheets><sheet name=\"Summary\" sheetId=\"1\" r:id=\"rId1\"/>"
	       "<sheet name=\"Reconciliation\" sheetId=\"2\" r:id=\"rId2\"/>"
	       "<sheet name=\"Invoices\" sheetId=\"3\" r:id=\"rId3\"/>"
	       "<sheet name=\"Daily\" sheetId=\"4\" r:id=\"rId4\"/>"
	       "<sheet name=\"Unmapped\" sheetId=\"5\" r:id=\"rId5\"/>"
	       "<sheet name=\"Problems\" sheetId=\"6\" r:id=\"rId6\"/>"
	       "<sheet name=\"Rejects\" sheetId=\"7\" r:id=\"rId7\"/>"
	       "<sheet name=\"Rounding\" sheetId=\"8\" r:id=\"rId8\"/></sheets>");
	free(x);
}

static const struct table {
	const char *part;
	const char *pane;	/* the frozen header (and columns) */
	const char *filter;	/* the autofilter over header and rows */
} tables[] = {
	/* 1: 9 lines + header, 16 columns, company id and name frozen */
	{ "xl/worksheets/sheet2.xml",
	  "<pane xSplit=\"2\" ySplit=\"1\" topLeftCell=\"C2\" activePane=\"bottomRight\" state=\"frozen\"/>",
	  "<autoFilter ref=\"A1:P10\"/>" },
	/* 2: 6 invoice lines and 3 totals rows under each of the 5 invoices,
	 * 13 columns (the totals per currency below are outside) */
	{ "xl/worksheets/sheet3.xml",
	  "<pane xSplit=\"1\" ySplit=\"1\" topLeftCell=\"B2\" activePane=\"bottomRight\" state=\"frozen\"/>",
	  "<autoFilter ref=\"A1:M22\"/>" },
	/* 3: 7 series; 4 + 31 days + licence-days + average = 37 = AK */
	{ "xl/worksheets/sheet4.xml",
	  "<pane xSplit=\"4\" ySplit=\"1\" topLeftCell=\"E2\" activePane=\"bottomRight\" state=\"frozen\"/>",
	  "<autoFilter ref=\"A1:AK8\"/>" },
	/* 4: one automatic match */
	{ "xl/worksheets/sheet5.xml",
	  "<pane ySplit=\"1\" topLeftCell=\"A2\" activePane=\"bottomLeft\" state=\"frozen\"/>",
	  "<autoFilter ref=\"A1:J2\"/>" },
	/* 5: three problems */
	{ "xl/worksheets/sheet6.xml",
	  "<pane ySplit=\"1\" topLeftCell=\"A2\" activePane=\"bottomLeft\" state=\"frozen\"/>",
	  "<autoFilter ref=\"A1:F4\"/>" },
	/* 6: one rejected row */
	{ "xl/worksheets/sheet7.xml",
	  "<pane ySplit=\"1\" topLeftCell=\"A2\" activePane=\"bottomLeft\" state=\"frozen\"/>",
	  "<autoFilter ref=\"A1:D2\"/>" },
	/* 7: 7 rounded lines, 11 columns */
	{ "xl/worksheets/sheet8.xml",
	  "<pane ySplit=\"1\" topLeftCell=\"A2\" activePane=\"bottomLeft\" state=\"frozen\"/>",
	  "<autoFilter ref=\"A1:K8\"/>" },
};

static void test_frozen_and_filtered(void **state)
{
	size_t i;

	for (i = 0; i < sizeof(tables) / sizeof(*tables); i++) {
		char *x = part(xlsx, tables[i].part);

		if (!x)
			fail_msg("case %zu: no %s", i + 1, tables[i].part);
		if (!strstr(x, tables[i].pane) || !strstr(x, tables[i].filter))
			fail_msg("case %zu: %s lacks %s or %s", i + 1,
				 tables[i].part, tables[i].pane,
				 tables[i].filter);
		/* columns sized, not left at the default */
		has(x, "customWidth=\"1\"");
		free(x);
	}
}

/* the string cell of ref, with any style: "<c r="E2" s="3" t="inlineStr"><is><t>new</t>" */
static void has_text(const char *xml, const char *ref, const char *text)
{
	struct strbuf a = STRBUF_INIT, b = STRBUF_INIT;
	const char *p;

	strbuf_addf(&a, "<c r=\"%s\" ", ref);
	strbuf_addf(&b, "t=\"inlineStr\"><is><t>%s</t></is></c>", text);
	p = strstr(xml, a.buf);
	if (!p)
		fail_msg("no cell %s", ref);
	p = strchr(p, '>');
	if (strncmp(p - (strlen(b.buf) - strlen(strstr(b.buf, ">"))),
		    b.buf, strlen(b.buf)))
		fail_msg("cell %s is not the text %s", ref, text);
	strbuf_release(&a);
	strbuf_release(&b);
}

/* the number cell of ref: "<c r="K2" s="7"><v>31.5</v></c>" */
static void has_number(const char *xml, const char *ref, const char *v)
{
	struct strbuf a = STRBUF_INIT, b = STRBUF_INIT;
	const char *p;

	strbuf_addf(&a, "<c r=\"%s\" s=\"", ref);
	strbuf_addf(&b, "\"><v>%s</v></c>", v);
	p = strstr(xml, a.buf);
	if (!p)
		fail_msg("no styled cell %s", ref);
	p += a.len;
	while (*p >= '0' && *p <= '9')
		p++;
	if (strncmp(p, b.buf, b.len))
		fail_msg("cell %s is not the number %s", ref, v);
	strbuf_release(&a);
	strbuf_release(&b);
}

static void test_statuses(void **state)
{
	/* sorted by money at stake, as test_psafiles works out */
	static const char *const want[] = {
		"new", "missing in vendor", "down", "new", "up",
		"missing in vendor", "new", "same", "same",
	};
	char *x = part(xlsx, "xl/worksheets/sheet2.xml");
	char ref[8];
	size_t i;

	assert_non_null(x);
	for (i = 0; i < 9; i++) {
		snprintf(ref, sizeof(ref), "E%zu", i + 2);
		has_text(x, ref, want[i]);
	}
	/* the file and kind of change each line went into, or why not */
	has_text(x, "P2", "unplaced: no contract in effect for that company");
	has_text(x, "M3", "71007");
	has_text(x, "N3", "501");
	has_text(x, "O3", "psa/autotask-contract-service-adjustments.csv");
	has_text(x, "P3", "adjustment");
	has_text(x, "P5", "adjustment (a new service, at the invoiced price)");
	has_text(x, "P8", "unplaced: no service id for that product");
	has_text(x, "P9", "no change");
	free(x);
}

static void test_numbers(void **state)
{
	char *x = part(xlsx, "xl/worksheets/sheet2.xml");

	assert_non_null(x);
	/* 1004 KPR-BUS: average 7, billed 7, +7 units x 4.50 = 31.50 */
	has_number(x, "F2", "7");
	has_number(x, "I2", "7");
	has_number(x, "J2", "4.5");
	has_number(x, "K2", "31.5");
	/* 1007: no usage, PSA 4: -4 units, -18.00 */
	has_number(x, "H3", "4");
	has_number(x, "I3", "-4");
	has_number(x, "K3", "-18");
	/* 1001 KPR-BUS: average 320/31 = 10.3226, billed 10, PSA 8 */
	has_number(x, "F6", "10.3226");
	has_number(x, "G6", "10");
	has_number(x, "H6", "8");
	/* net difference below: 31.50 - 18 - 13.50 + 13.50 + 9 - 6.75 + 2 */
	has_text(x, "J12", "Net difference");
	has_number(x, "K12", "17.75");
	free(x);

	x = part(xlsx, "xl/worksheets/sheet3.xml");
	assert_non_null(x);
	/* invoice date 2026-11-02 and due date 2026-12-02 as date serials */
	has_number(x, "B2", "46328");
	has_number(x, "C2", "46358");
	has_number(x, "L2", "45");
	/* DRAFT-1001's two lines, then its totals as invoices.json has them:
	 * 45 + 13.50 = 58.50, tax 0 */
	has_text(x, "F3", "KPR-ENT");
	has_number(x, "L3", "13.5");
	has_text(x, "A4", "DRAFT-1001");
	has_text(x, "E4", "Acme Dental Group");
	has_text(x, "K4", "Subtotal");
	has_number(x, "L4", "58.5");
	has_text(x, "K5", "Tax 0%");
	has_number(x, "L5", "0");
	has_text(x, "K6", "Total");
	has_number(x, "L6", "58.5");
	has_text(x, "M6", "USD");
	/* DRAFT-1002's line right below, the last invoice's total on row 22 */
	has_text(x, "A7", "DRAFT-1002");
	has_text(x, "F7", "KPR-BUS");
	has_text(x, "A22", "DRAFT-1005");
	has_text(x, "K22", "Total");
	has_number(x, "L22", "2");
	/* totals per currency: 45 + 13.50 + 27 + 13.50 + 31.50 + 2 */
	has_text(x, "H24", "5 invoices in USD");
	has_text(x, "K26", "Total");
	has_number(x, "L26", "132.5");
	free(x);

	x = part(xlsx, "xl/styles.xml");
	assert_non_null(x);
	has(x, "formatCode=\"yyyy-mm-dd\"");
	has(x, "formatCode=\"#,##0.00\"");
	has(x, "formatCode=\"#,##0.0000\"");
	free(x);

	x = part(xlsx, "xl/worksheets/sheet8.xml");
	assert_non_null(x);
	/* 1001 KPR-BUS rounded by -0.3226 x 4.50 = -1.4517 -> -1.45 */
	has_number(x, "H2", "-0.3226");
	has_number(x, "J2", "-1.45");
	/* moved in all: -1.45 + 0 + 2.25 (0.5 x 4.50) + 0 + 0 + 0 = 0.80 */
	has_number(x, "J10", "0.8");
	free(x);
}

static void test_formula_text_stays_text(void **state)
{
	static const char *const parts[] = {
		"xl/worksheets/sheet1.xml", "xl/worksheets/sheet2.xml",
		"xl/worksheets/sheet3.xml", "xl/worksheets/sheet4.xml",
		"xl/worksheets/sheet5.xml", "xl/worksheets/sheet6.xml",
		"xl/worksheets/sheet7.xml", "xl/worksheets/sheet8.xml",
	};
	const char *evil =
		"=HYPERLINK(\"http://evil\",\"x\")";
	size_t i;
	char *x;

	for (i = 0; i < 8; i++) {
		x = part(xlsx, parts[i]);
		assert_non_null(x);
		if (strstr(x, "<f>"))
			fail_msg("%s has a formula", parts[i]);
		free(x);
	}
	/* the company of 1006 on Reconciliation, last row */
	x = part(xlsx, "xl/worksheets/sheet2.xml");
	has_text(x, "B10", evil);
	free(x);
	/* the account of the Daily sheet's last series */
	x = part(xlsx, "xl/worksheets/sheet4.xml");
	has_text(x, "C8", evil);
	free(x);
}

static void test_chart(void **state)
{
	char *x = part(xlsx, "xl/charts/chart1.xml");
	char *s1 = part(xlsx, "xl/worksheets/sheet1.xml");

	assert_non_null(x);
	has(x, "<a:t>Billed amount by product</a:t>");
	has(x, "<c:barDir val=\"bar\"/>");
	/* three products: names in column A, USD amounts in D */
	has(x, "<c:cat><c:strRef><c:f>Summary!$A$40:$A$42</c:f></c:strRef></c:cat>");
	has(x, "<c:val><c:numRef><c:f>Summary!$D$40:$D$42</c:f></c:numRef></c:val>");
	/* the amounts' axis says their currency */
	has(x, "<a:t>Amount (USD)</a:t>");
	/* the rows it reads: Keeper Business 45 + 27 + 13.50 + 31.50 */
	has_text(s1, "A40", "Keeper Business");
	has_number(s1, "D40", "117");
	has_number(s1, "D41", "13.5");
	has_number(s1, "D42", "2");
	has(s1, "<drawing r:id=\"rId1\"/>");
	free(x);
	free(s1);
}

static void test_summary_facts(void **state)
{
	char *x = part(xlsx, "xl/worksheets/sheet1.xml");

	assert_non_null(x);
	has_text(x, "A1", "Reconciliation of October 2026");
	has_number(x, "B3", "46296");	/* 2026-10-01 */
	has_number(x, "B4", "46326");	/* 2026-10-31 */
	has_text(x, "B7", "draft: no blocking problem");
	has_text(x, "B9", "PSA units.csv");
	has_text(x, "B11", "5; 2 could not be placed, see Problems");
	/* rows read: 195 + 7 files' rows */
	has_number(x, "B14", "202");
	/* duplicates: inside files (rows.duplicates of the extracts: 2 in
	 * Keeper_Billing_Report.json), and across files (summary.json's own
	 * "duplicates", from daily-average.json) */
	has_text(x, "A19", "Rows repeated in their file (counted once)");
	has_number(x, "B19", "2");
	has_text(x, "A20", "Rows also in another file (counted once)");
	has_number(x, "B20", "186");
	has_text(x, "H35", "Repeated in file");
	free(x);
	x = part(xlsx, "docProps/core.xml");
	has(x, "<dcterms:created xsi:type=\"dcterms:W3CDTF\">2026-11-01T00:00:00Z</dcterms:created>");
	free(x);
}

static char *slurp(const char *path, size_t *n)
{
	struct strbuf sb = STRBUF_INIT;
	struct error e;

	assert_int_equal(strbuf_read_file(&sb, path, 0, &e), 0);
	*n = sb.len;
	return strbuf_detach(&sb);
}

static void test_same_bytes(void **state)
{
	struct strbuf again = STRBUF_INIT;
	char *a, *b;
	size_t na, nb;

	sleep(1);	/* a clock in the bytes would show */
	strbuf_addf(&again, "%s/again.xlsx", dir);
	write_month(DATA "/month", again.buf);
	a = slurp(xlsx, &na);
	b = slurp(again.buf, &nb);
	assert_int_equal(na, nb);
	assert_memory_equal(a, b, na);
	free(a);
	free(b);
	strbuf_release(&again);
}

static void test_without_units(void **state)
{
	struct strbuf cmd = STRBUF_INIT, out = STRBUF_INIT;
	char *x;

	strbuf_addf(&cmd, "mkdir -p %s/nounits && cp -r " DATA "/month/. %s/nounits/ && rm %s/nounits/extract/PSA_units.*", dir, dir, dir);
	assert_int_equal(system(cmd.buf), 0);
	strbuf_reset(&cmd);
	strbuf_addf(&cmd, "%s/nounits", dir);
	strbuf_addf(&out, "%s/nounits.xlsx", dir);
	write_month(cmd.buf, out.buf);
	x = part(out.buf, "xl/worksheets/sheet1.xml");
	has_text(x, "B9", "none given: nothing to compare; "
		 "psa/units-for-review.csv lists the billed quantities");
	free(x);
	x = part(out.buf, "xl/worksheets/sheet2.xml");
	has_text(x, "E2", "not compared");
	has_text(x, "O2", "psa/units-for-review.csv");
	has_text(x, "P2", "for review");
	free(x);
	strbuf_release(&cmd);
	strbuf_release(&out);
}

/* a problems.csv with blocking problems after warnings, as the stages
 * leave it (pipeline order) */
static const char problems[] =
	"severity,stage,code,file,line,message\n"
	"warning,extract,rejected-row,Keeper Billing Report.csv,42,bad date\n"
	"blocking,map,unmapped-account,config/accounts.csv,,keeper account 3870099 (\"Zeta\") is not in accounts.csv; add a row to config/accounts.csv with its PSA company id, then run make invoice again\n"
	"warning,round,rounded-to-zero,,,company 1006 product KPR-BUS rounds to 0 (0.2000)\n"
	"blocking,invoice,missing-price,config/prices.csv,,no price for KPR-NEW\n";

static void test_problems_blocking_first(void **state)
{
	struct strbuf m = STRBUF_INIT, out = STRBUF_INIT;
	char *x;

	copy_month(&m, "blocking");
	put_file(m.buf, "problems.csv", problems);
	strbuf_addf(&out, "%s/blocking.xlsx", dir);
	write_month(m.buf, out.buf);
	x = part(out.buf, "xl/worksheets/sheet6.xml");
	assert_non_null(x);
	/* 1: the blocking problems first, in the file's order */
	has_text(x, "A2", "blocking");
	has_text(x, "C2", "unmapped-account");
	has_text(x, "A3", "blocking");
	has_text(x, "C3", "missing-price");
	/* 2: then the warnings, in the file's order */
	has_text(x, "A4", "warning");
	has_text(x, "C4", "rejected-row");
	has_number(x, "E4", "42");
	has_text(x, "A5", "warning");
	has_text(x, "C5", "rounded-to-zero");
	/* 3: the message column as wide as the longest message up to 100
	 * characters (+1): the 141 characters of row 2 wrap on a row two
	 * lines tall; the line column has room beside it */
	has(x, "<col min=\"6\" max=\"6\" width=\"100.7109375\" customWidth=\"1\"/>");
	has(x, "<col min=\"5\" max=\"5\" width=\"9.7109375\" customWidth=\"1\"/>");
	has(x, "<row r=\"2\" ht=\"30\" customHeight=\"1\">");
	has(x, "<row r=\"3\">");
	free(x);
	x = part(out.buf, "xl/styles.xml");
	has(x, "wrapText=\"1\"");
	free(x);
	/* 4: Summary counts them all the same */
	x = part(out.buf, "xl/worksheets/sheet1.xml");
	has_text(x, "B7", "draft: 2 blocking problems");
	has_number(x, "B24", "2");
	has_number(x, "B25", "2");
	free(x);
	strbuf_release(&m);
	strbuf_release(&out);
}

static void test_text_not_flagged(void **state)
{
	static const char ignored[] = "<ignoredErrors><ignoredError "
		"sqref=\"A1:XFD1048576\" numberStoredAsText=\"1\"/></ignoredErrors>";
	char name[40];
	int i;
	char *x;

	/* every sheet: ids such as "1001" are text cells on purpose */
	for (i = 1; i <= 8; i++) {
		snprintf(name, sizeof(name), "xl/worksheets/sheet%d.xml", i);
		x = part(xlsx, name);
		assert_non_null(x);
		if (!strstr(x, ignored))
			fail_msg("%s: numbers stored as text are flagged", name);
		free(x);
	}
	/* the company id on Reconciliation is such a text cell */
	x = part(xlsx, "xl/worksheets/sheet2.xml");
	has_text(x, "A2", "1004");
	free(x);
}

static void test_unmapped_config_folder(void **state)
{
	struct strbuf out = STRBUF_INIT;
	struct error e;
	char *x;

	/* 1: without a folder given, "config" */
	x = part(xlsx, "xl/worksheets/sheet5.xml");
	has_text(x, "I2", "config/accounts.csv");
	free(x);
	/* 2: the folder the run used, one '/' before the file */
	strbuf_addf(&out, "%s/config.xlsx", dir);
	if (try_month(DATA "/month", out.buf, "/srv/tally/cfg-2026/", &e))
		fail_msg("%s", e.msg);
	x = part(out.buf, "xl/worksheets/sheet5.xml");
	has_text(x, "I2", "/srv/tally/cfg-2026/accounts.csv");
	free(x);
	strbuf_release(&out);
}

/* invoices.json of two invoices, the first with tax 8.25% */
static const char two_invoices[] =
	"{\"month\": \"2026-10\", \"status\": \"draft\", \"invoices\": [\n"
	" {\"invoice_number\": \"DRAFT-1001\", \"psa_company_id\": \"1001\",\n"
	"  \"psa_company_name\": \"Acme {\\\"]\", \"currency\": \"USD\",\n"
	"  \"invoice_date\": \"2026-11-02\", \"due_date\": \"2026-12-02\",\n"
	"  \"lines\": [{\"amount\": \"45.00\"}, {\"amount\": \"13.50\"}],\n"
	"  \"subtotal\": \"58.50\", \"tax_rate\": \"0.0825\", \"tax\": \"4.83\",\n"
	"  \"total\": \"63.33\"},\n"
	" {\"invoice_number\": \"DRAFT-1002\", \"psa_company_id\": \"1002\",\n"
	"  \"psa_company_name\": \"Baker\", \"currency\": \"JPY\",\n"
	"  \"lines\": [{\"amount\": \"27\"}],\n"
	"  \"subtotal\": \"27\", \"tax_rate\": \"0.1\", \"tax\": \"3\", \"total\": \"30\"}\n"
	"]}\n";

static const char lines_head[] =
	"invoice_number,invoice_date,due_date,period_start,period_end,"
	"psa_company_id,psa_company_name,psa_product_id,psa_product_name,"
	"description,exact_quantity,quantity,unit_price,amount,currency\n";
static const char line_1001a[] =
	"DRAFT-1001,2026-11-02,2026-12-02,2026-10-01,2026-10-31,1001,Acme,"
	"KPR-BUS,Keeper Business,x,10.3226,10,4.50,45.00,USD\n";
static const char line_1001b[] =
	"DRAFT-1001,2026-11-02,2026-12-02,2026-10-01,2026-10-31,1001,Acme,"
	"KPR-ENT,Keeper Enterprise,x,2.0000,2,6.75,13.50,USD\n";
static const char line_1002[] =
	"DRAFT-1002,2026-11-02,2026-12-02,2026-10-01,2026-10-31,1002,Baker,"
	"KPR-BUS,Keeper Business,x,6,6,4.5,27,JPY\n";

/* the month with invoices.json and invoice-lines.csv (NULL: none) */
static int invoices_month(const char *name, const char *json,
			  const char *lines, struct strbuf *out,
			  struct error *e)
{
	struct strbuf m = STRBUF_INIT;
	int r;

	copy_month(&m, name);
	put_file(m.buf, "invoices.json", json);
	if (lines) {
		put_file(m.buf, "invoice-lines.csv", lines);
	} else {
		strbuf_reset(out);
		strbuf_addf(out, "%s/invoice-lines.csv", m.buf);
		assert_int_equal(unlink(out->buf), 0);
	}
	strbuf_reset(out);
	strbuf_addf(out, "%s/%s.xlsx", dir, name);
	r = try_month(m.buf, out->buf, NULL, e);
	strbuf_release(&m);
	return r;
}

static void test_invoice_totals(void **state)
{
	struct strbuf out = STRBUF_INIT, lines = STRBUF_INIT;
	struct error e;
	char *x;

	/* 1: each invoice's lines, then its totals, in its currency; the
	 * tax rate shown; strings holding braces and brackets followed */
	strbuf_addf(&lines, "%s%s%s%s", lines_head, line_1001a, line_1001b,
		    line_1002);
	if (invoices_month("tax", two_invoices, lines.buf, &out, &e))
		fail_msg("%s", e.msg);
	x = part(out.buf, "xl/worksheets/sheet3.xml");
	has_number(x, "L3", "13.5");
	has_text(x, "K4", "Subtotal");
	has_number(x, "L4", "58.5");
	has_text(x, "K5", "Tax 8.25%");
	has_number(x, "L5", "4.83");
	has_text(x, "K6", "Total");
	has_number(x, "L6", "63.33");
	has_text(x, "E6", "Acme {\"]");
	has_text(x, "A7", "DRAFT-1002");
	has_number(x, "L7", "27");
	has_text(x, "K9", "Tax 10%");
	has_number(x, "L9", "3");
	has_number(x, "L10", "30");
	has_text(x, "M10", "JPY");
	has(x, "<autoFilter ref=\"A1:M10\"/>");
	free(x);

	/* 2: no invoice-lines.csv (a missing file is empty): the totals
	 * alone */
	if (invoices_month("nolines", two_invoices, NULL, &out, &e))
		fail_msg("%s", e.msg);
	x = part(out.buf, "xl/worksheets/sheet3.xml");
	has_text(x, "A2", "DRAFT-1001");
	has_text(x, "K2", "Subtotal");
	has_number(x, "L4", "63.33");
	has_text(x, "A5", "DRAFT-1002");
	has_number(x, "L7", "30");
	free(x);

	/* 3: files that disagree are an error naming them, no workbook */
	strbuf_reset(&lines);
	strbuf_addf(&lines, "%s%s%s", lines_head, line_1001a, line_1002);
	assert_int_equal(invoices_month("fewer", two_invoices, lines.buf,
					&out, &e), -1);
	assert_int_equal(e.code, ERR_IO);
	if (!strstr(e.msg, "fewer/invoices.json: invoice has 2 lines, ") ||
	    !strstr(e.msg, "fewer/invoice-lines.csv 1 (\"DRAFT-1001\")"))
		fail_msg("%s", e.msg);
	assert_int_equal(access(out.buf, F_OK), -1);
	strbuf_reset(&lines);
	strbuf_addf(&lines, "%s%s%s%s", lines_head, line_1001a, line_1001b,
		    line_1001b);
	assert_int_equal(invoices_month("more", two_invoices, lines.buf,
					&out, &e), -1);
	if (!strstr(e.msg, "more/invoices.json: invoice has 2 lines, "))
		fail_msg("%s", e.msg);
	strbuf_reset(&lines);
	strbuf_addf(&lines, "%s%s", lines_head, line_1002);
	assert_int_equal(invoices_month("other", two_invoices, lines.buf,
					&out, &e), -1);
	if (!strstr(e.msg, "other/invoice-lines.csv:2: invoice DRAFT-1002 JPY "
		    "where ") || !strstr(e.msg, "has DRAFT-1001 USD next"))
		fail_msg("%s", e.msg);
	strbuf_reset(&lines);
	strbuf_addf(&lines, "%s%s%s", lines_head, line_1001a, line_1001b);
	assert_int_equal(invoices_month("lacks", two_invoices, lines.buf,
					&out, &e), -1);
	if (!strstr(e.msg, "lacks/invoices.json: invoice not in ") ||
	    !strstr(e.msg, "lacks/invoice-lines.csv (\"DRAFT-1002\")"))
		fail_msg("%s", e.msg);
	strbuf_release(&out);
	strbuf_release(&lines);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sheets_in_order),
		cmocka_unit_test(test_frozen_and_filtered),
		cmocka_unit_test(test_statuses),
		cmocka_unit_test(test_numbers),
		cmocka_unit_test(test_formula_text_stays_text),
		cmocka_unit_test(test_chart),
		cmocka_unit_test(test_summary_facts),
		cmocka_unit_test(test_same_bytes),
		cmocka_unit_test(test_without_units),
		cmocka_unit_test(test_problems_blocking_first),
		cmocka_unit_test(test_text_not_flagged),
		cmocka_unit_test(test_unmapped_config_folder),
		cmocka_unit_test(test_invoice_totals),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
