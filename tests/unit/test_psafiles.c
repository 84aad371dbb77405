/*
 * PSA files (lib/psafiles.c, psaunits.c, psawrite.c). On the hand-written
 * month of tests/data/month-psa (its README lists the cases): the
 * reconciliation statuses, the money at stake and its order, the files
 * byte for byte, the unplaced changes as warnings, and a month without a
 * PSA contract units file. Then a table of small months, one placing rule
 * each (the rules of psafiles.h): which file and kind a change goes into,
 * or the warning that says why it cannot be placed.
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
#include "psafiles.h"
#include "settings.h"
#include "strbuf.h"
#include "banned.h"

#define DATA "tests/data/month-psa"

static char *slurp(const char *path)
{
	struct strbuf sb = STRBUF_INIT;
	struct error e;

	if (strbuf_read_file(&sb, path, 0, &e)) {
		strbuf_release(&sb);
		return NULL;
	}
	return strbuf_detach(&sb);
}

static void build(struct psa_plan *p, const char *monthdir, enum psa psa)
{
	struct settings s;
	struct error e;

	settings_init(&s);
	s.psa = psa;
	if (psa_plan_build(p, monthdir, DATA "/config", &s, 2026, 10, 0, &e))
		fail_msg("%s", e.msg);
}

/* a scratch folder: a copy of the month (without its units file), so
 * psa/ is written there, or an empty one */
enum scratch { COPY, COPY_NO_UNITS, EMPTY };

static char *scratch_month(enum scratch how)
{
	char tmpl[] = "/tmp/tally-psa-XXXXXX";
	struct strbuf cmd = STRBUF_INIT;
	char *d = mkdtemp(tmpl);

	assert_non_null(d);
	if (how == EMPTY)
		strbuf_addf(&cmd, "true");
	else
		strbuf_addf(&cmd, "cp -r " DATA "/month/. %s/", d);
	if (how == COPY_NO_UNITS)
		strbuf_addf(&cmd, " && rm %s/extract/PSA_units.*", d);
	assert_int_equal(system(cmd.buf), 0);
	strbuf_release(&cmd);
	return strdup(d);
}

static void rm_rf(char *d)
{
	struct strbuf cmd = STRBUF_INIT;

	strbuf_addf(&cmd, "rm -rf %s", d);
	assert_int_equal(system(cmd.buf), 0);
	strbuf_release(&cmd);
	free(d);
}

static const struct want {
	const char *company, *product, *status;
	int64_t billed, units, diff;	/* QTY units */
	int64_t money;			/* cents */
	int placed;
} want_autotask[] = {
	/* sorted by money at stake: |diff x price| */
	/* 1: 7 x 4.50 */ { "1004", "KPR-BUS", "new", 70000, 0, 70000, 3150, 0 },
	/* 2: -4 x 4.50 (PSA's price) */
	{ "1007", "KPR-BUS", "missing in vendor", 0, 40000, -40000, -1800, 1 },
	/* 3: 6 - 9 = -3 x 4.50; ties 4, company 1002 first */
	{ "1002", "KPR-BUS", "down", 60000, 90000, -30000, -1350, 1 },
	/* 4: +3 x 4.50 */ { "1003", "KPR-BUS", "new", 30000, 0, 30000, 1350, 1 },
	/* 5: 10 - 8 = +2 x 4.50 */
	{ "1001", "KPR-BUS", "up", 100000, 80000, 20000, 900, 1 },
	/* 6: -1 x 6.75 */
	{ "1003", "KPR-ENT", "missing in vendor", 0, 10000, -10000, -675, 1 },
	/* 7: +1 x 2.00, no service id */
	{ "1005", "KPR-NEW", "new", 10000, 0, 10000, 200, 0 },
	/* 8, 9: no money at stake, by company id */
	{ "1001", "KPR-ENT", "same", 20000, 20000, 0, 0, 0 },
	{ "1006", "KPR-BUS", "same", 0, 0, 0, 0, 0 },
};

static void test_statuses_and_order(void **state)
{
	struct psa_plan p;
	size_t i;

	build(&p, DATA "/month", PSA_AUTOTASK);
	assert_int_equal(p.have_units, 1);
	assert_string_equal(p.units_file, "PSA units.csv");
	assert_int_equal(p.nunits_left, 0);
	assert_int_equal(p.other_rows, 1);	/* 1005 OTHER-AV */
	assert_int_equal(p.n, 9);
	for (i = 0; i < p.n; i++) {
		const struct recon_line *l = &p.lines[i];
		const struct want *w = &want_autotask[i];

		if (strcmp(l->company_id, w->company) ||
		    strcmp(l->product_id, w->product) ||
		    strcmp(recon_status_name(l->status), w->status) ||
		    l->billed != w->billed || l->units != w->units ||
		    l->diff != w->diff || l->placed != w->placed ||
		    (w->money && l->money != w->money))
			fail_msg("case %zu: got %s %s %s billed %lld units %lld "
				 "diff %lld money %lld placed %d", i + 1,
				 l->company_id, l->product_id,
				 recon_status_name(l->status),
				 (long long)l->billed, (long long)l->units,
				 (long long)l->diff, (long long)l->money,
				 l->placed);
	}
	assert_int_equal(p.count[RS_NEW], 3);
	assert_int_equal(p.count[RS_UP], 1);
	assert_int_equal(p.count[RS_DOWN], 1);
	assert_int_equal(p.count[RS_SAME], 2);
	assert_int_equal(p.count[RS_MISSING], 2);
	assert_int_equal(p.nchanges, 7);
	assert_int_equal(p.nplaced, 5);
	/* names: invoice lines first, then mapped.csv, then the PSA file */
	assert_string_equal(p.lines[0].company_name, "Caf\xc3\xa9 M\xc3\xbcller GmbH");
	assert_string_equal(p.lines[1].company_name, "Summit");
	assert_string_equal(p.lines[8].company_name,
			    "=HYPERLINK(\"http://evil\",\"x\")");
	psa_plan_release(&p);
}

static void test_unplaced_warnings(void **state)
{
	struct psa_plan p;

	build(&p, DATA "/month", PSA_AUTOTASK);
	assert_int_equal(p.nwarn, 2);
	assert_string_equal(p.warn[0].code, "psa-unplaced");
	assert_string_equal(p.warn[0].file, "PSA units.csv");
	assert_int_equal(p.warn[0].line, 0);
	assert_string_equal(p.warn[0].message,
		"change of +7 units for company 1004 and product KPR-BUS left "
		"out of psa/autotask-contract-service-adjustments.csv: no "
		"contract in effect for that company");
	assert_string_equal(p.warn[1].message,
		"change of +1 units for company 1005 and product KPR-NEW left "
		"out of psa/autotask-contract-service-adjustments.csv: no "
		"service id for that product");
	psa_plan_release(&p);
}

static void test_autotask_file(void **state)
{
	struct psa_plan p;
	struct error e;
	struct strbuf path = STRBUF_INIT;
	char *d = scratch_month(COPY), *got;

	build(&p, d, PSA_AUTOTASK);
	/* a file of another PSA left by an earlier run goes */
	strbuf_addf(&path, "mkdir -p %s/psa && touch %s/psa/connectwise-agreement-additions.csv", d, d);
	assert_int_equal(system(path.buf), 0);
	if (psa_plan_write(&p, d, &e))
		fail_msg("%s", e.msg);
	strbuf_reset(&path);
	strbuf_addf(&path, "%s/psa/autotask-contract-service-adjustments.csv", d);
	got = slurp(path.buf);
	assert_non_null(got);
	/* whole-unit changes, by company and product; effective 2026-11-01;
	 * the invoiced price for the service 71003 does not bill yet */
	assert_string_equal(got,
		"contractID,serviceID,unitChange,effectiveDate,adjustedUnitPrice\n"
		"71001,501,2,2026-11-01,\n"
		"71002,501,-3,2026-11-01,\n"
		"71003,501,3,2026-11-01,4.50\n"
		"71003,502,-1,2026-11-01,\n"
		"71007,501,-4,2026-11-01,\n");
	free(got);
	strbuf_reset(&path);
	strbuf_addf(&path, "%s/psa/connectwise-agreement-additions.csv", d);
	assert_int_not_equal(access(path.buf, F_OK), 0);
	strbuf_release(&path);
	psa_plan_release(&p);
	rm_rf(d);
}

static void test_connectwise_file(void **state)
{
	struct psa_plan p;
	struct error e;
	struct strbuf path = STRBUF_INIT;
	char *d = scratch_month(COPY), *got;

	build(&p, d, PSA_CONNECTWISE);
	/* the month's rows have no addition id: every change to a product
	 * billed today is unplaced, never a second addition; the products
	 * not billed yet are new additions on their company's only
	 * agreement (1005's is the one of its OTHER-AV row) */
	assert_int_equal(p.nchanges, 7);
	assert_int_equal(p.nplaced, 2);
	assert_int_equal(p.nwarn, 5);
	/* in company and product order */
	assert_string_equal(p.warn[0].message,
		"change of +2 units for company 1001 and product KPR-BUS left "
		"out of psa/connectwise-addition-updates.csv: billed today "
		"without a known addition_id (a new addition would bill it "
		"twice)");
	assert_int_equal(p.warn[0].line, 2);
	assert_string_equal(p.warn[3].message,
		"change of +7 units for company 1004 and product KPR-BUS left "
		"out of psa/connectwise-agreement-additions.csv: no contract "
		"in effect for that company");
	assert_int_equal(p.warn[3].line, 0);
	assert_string_equal(p.warn[4].message,
		"change of -4 units for company 1007 and product KPR-BUS left "
		"out of psa/connectwise-addition-updates.csv: billed today "
		"without a known addition_id (a new addition would bill it "
		"twice)");
	assert_int_equal(p.warn[4].line, 7);
	assert_int_equal(p.nfiles, 2);
	if (psa_plan_write(&p, d, &e))
		fail_msg("%s", e.msg);
	strbuf_addf(&path, "%s/psa/connectwise-agreement-additions.csv", d);
	got = slurp(path.buf);
	assert_non_null(got);
	/* absolute quantities at the invoiced price */
	assert_string_equal(got,
		"agreementId,productIdentifier,quantity,unitPrice,effectiveDate,billCustomer\n"
		"71003,KPR-BUS,3,4.50,2026-11-01,Billable\n"
		"71005,KPR-NEW,1,2.00,2026-11-01,Billable\n");
	free(got);
	strbuf_reset(&path);
	strbuf_addf(&path, "%s/psa/connectwise-addition-updates.csv", d);
	got = slurp(path.buf);
	assert_non_null(got);
	assert_string_equal(got,
		"agreementId,additionId,productIdentifier,quantity,previousQuantity,effectiveDate\n");
	free(got);
	strbuf_release(&path);
	psa_plan_release(&p);
	rm_rf(d);
}

static void test_without_units(void **state)
{
	struct psa_plan p;
	struct error e;
	struct strbuf path = STRBUF_INIT;
	char *d = scratch_month(COPY_NO_UNITS), *got;
	json_t *j;
	size_t i;

	build(&p, d, PSA_AUTOTASK);
	assert_int_equal(p.have_units, 0);
	assert_int_equal(p.n, 7);	/* the vendor's lines only */
	for (i = 0; i < p.n; i++)
		assert_string_equal(recon_status_name(p.lines[i].status),
				    "not compared");
	assert_int_equal(p.nchanges, 0);
	assert_int_equal(p.nwarn, 1);
	assert_string_equal(p.warn[0].code, "no-psa-units");
	assert_string_equal(p.warn[0].file, "");
	assert_string_equal(p.warn[0].message,
		"no PSA contract units file in the inbox: nothing to compare "
		"with, psa/units-for-review.csv lists the billed quantities");
	if (psa_plan_write(&p, d, &e))
		fail_msg("%s", e.msg);
	strbuf_addf(&path, "%s/psa/units-for-review.csv", d);
	got = slurp(path.buf);
	assert_non_null(got);
	/* billed quantities as they are; 1006 rounds to 0 and is left out */
	assert_string_equal(got,
		"psa_company_id,psa_company_name,psa_product_id,psa_product_name,quantity,unit_price,currency,effectiveDate\n"
		"1001,Acme Dental Group,KPR-BUS,Keeper Business,10,4.50,USD,2026-11-01\n"
		"1001,Acme Dental Group,KPR-ENT,Keeper Enterprise,2,6.75,USD,2026-11-01\n"
		"1002,Baker & Sons Plumbing,KPR-BUS,Keeper Business,6,4.50,USD,2026-11-01\n"
		"1003,\"Smith, Jones & Partners LLP\",KPR-BUS,Keeper Business,3,4.50,USD,2026-11-01\n"
		"1004,Caf\xc3\xa9 M\xc3\xbcller GmbH,KPR-BUS,Keeper Business,7,4.50,USD,2026-11-01\n"
		"1005,Northwind Logistics Inc.,KPR-NEW,Keeper New Thing,1,2.00,USD,2026-11-01\n");
	free(got);
	strbuf_reset(&path);
	strbuf_addf(&path, "%s/psa/autotask-contract-service-adjustments.csv", d);
	assert_int_not_equal(access(path.buf, F_OK), 0);
	/* blocked, the review file holds no quantity either */
	psa_plan_release(&p);
	{
		struct settings st;

		settings_init(&st);
		if (psa_plan_build(&p, d, DATA "/config", &st, 2026, 10, 1, &e) ||
		    psa_plan_write(&p, d, &e))
			fail_msg("%s", e.msg);
	}
	strbuf_reset(&path);
	strbuf_addf(&path, "%s/psa/units-for-review.csv", d);
	got = slurp(path.buf);
	assert_non_null(got);
	assert_string_equal(got,
		"psa_company_id,psa_company_name,psa_product_id,psa_product_name,quantity,unit_price,currency,effectiveDate\n");
	free(got);
	j = psa_plan_summary(&p);
	assert_true(json_is_true(json_object_get(j, "blocked")));
	assert_true(json_is_false(json_object_get(j, "compared")));
	assert_string_equal(json_string_value(json_array_get(
		json_object_get(j, "files"), 0)), "psa/units-for-review.csv");
	assert_int_equal(json_array_size(json_object_get(j, "files")), 1);
	json_decref(j);
	strbuf_release(&path);
	psa_plan_release(&p);
	rm_rf(d);
}

static void test_summary(void **state)
{
	struct psa_plan p;
	json_t *j;
	char *s;

	build(&p, DATA "/month", PSA_AUTOTASK);
	j = psa_plan_summary(&p);
	s = json_dumps(j, JSON_COMPACT | JSON_PRESERVE_ORDER);
	assert_string_equal(s,
		"{\"psa\":\"autotask\",\"units_file\":\"PSA units.csv\","
		"\"units_files_left\":[],\"compared\":true,"
		"\"effective_date\":\"2026-11-01\",\"lines\":9,"
		"\"status\":{\"new\":3,\"up\":1,"
		"\"down\":1,\"same\":2,\"missing in vendor\":2},\"changes\":7,"
		"\"placed\":5,\"unplaced\":2,\"other_rows\":1,"
		"\"other_periods\":0,\"blocked\":false,"
		"\"files\":[\"psa/autotask-contract-service-adjustments.csv\"]}");
	free(s);
	json_decref(j);
	psa_plan_release(&p);
}

/* --- the placing rules, one small month each --------------------------- */

/*
 * A month of one line per billed company and product, and a PSA units
 * file. billed: "company,product,quantity" lines (an invoice line at
 * 4.50 USD each when the quantity is not 0); units: "contract,company,
 * product,units,service_id,addition_id,start_date,end_date" lines, the
 * rows of "PSA units.csv" from line 2 on; older: the rows of an older
 * units file ("A units.csv"), or NULL. services.csv maps KPR-BUS and
 * KPR-ENT (so AV-PRO is not tally's).
 */
struct place_case {
	const char *what;
	enum psa psa;
	int blocked;
	long rejected;		/* rows the units file had rejected */
	const char *billed, *units, *older;
	const char *want[PSA_MAX_FILES];	/* the files, in p.files order */
	const char *warnings;	/* each warning's message and "\n" */
};

#define AT_HEAD "contractID,serviceID,unitChange,effectiveDate,adjustedUnitPrice\n"
#define CW_UPD "agreementId,additionId,productIdentifier,quantity,previousQuantity,effectiveDate\n"
#define CW_NEW "agreementId,productIdentifier,quantity,unitPrice,effectiveDate,billCustomer\n"
#define AT_LEFT "left out of psa/autotask-contract-service-adjustments.csv: "
#define CW_LEFT_UPD "left out of psa/connectwise-addition-updates.csv: "
#define CW_LEFT_NEW "left out of psa/connectwise-agreement-additions.csv: "

static const struct place_case places[] = {
	/* 1 */ { "Autotask: up, down, new, missing and same", PSA_AUTOTASK, 0, 0,
		  "1001,KPR-BUS,10\n1002,KPR-BUS,6\n1003,KPR-BUS,3\n1001,KPR-ENT,2\n",
		  "71001,1001,KPR-BUS,8,501,,,\n71001,1001,KPR-ENT,2,502,,,\n"
		  "71002,1002,KPR-BUS,9,501,,,\n71003,1003,KPR-ENT,1,502,,,\n", NULL,
		  { AT_HEAD "71001,501,2,2026-11-01,\n71002,501,-3,2026-11-01,\n"
		    "71003,501,3,2026-11-01,4.50\n71003,502,-1,2026-11-01,\n" }, "" },
	/* 2 */ { "no contract for the company", PSA_AUTOTASK, 0, 0,
		  "1001,KPR-BUS,7\n1004,KPR-BUS,7\n", "71001,1001,KPR-BUS,7,501,,,\n", NULL,
		  { AT_HEAD },
		  "change of +7 units for company 1004 and product KPR-BUS " AT_LEFT
		  "no contract in effect for that company\n" },
	/* 3 */ { "its only contract ended before the effective date", PSA_AUTOTASK, 0, 0,
		  "1001,KPR-ENT,2\n", "71001,1001,KPR-BUS,5,501,,2026-01-01,2026-10-31\n", NULL,
		  { AT_HEAD },
		  "change of +2 units for company 1001 and product KPR-ENT " AT_LEFT
		  "no contract in effect for that company\n" },
	/* 4 */ { "several contracts in effect (one of a product not tally's)", PSA_AUTOTASK, 0, 0,
		  "1001,KPR-BUS,5\n1001,KPR-ENT,2\n1002,KPR-ENT,1\n",
		  "71001,1001,KPR-BUS,5,501,,,\n71009,1001,AV-PRO,1,900,,,\n"
		  "71002,1002,KPR-ENT,1,502,,,\n", NULL,
		  { AT_HEAD },
		  "change of +2 units for company 1001 and product KPR-ENT " AT_LEFT
		  "several contracts in effect for that company (71001, 71009)\n" },
	/* 5 */ { "no service id for the product", PSA_AUTOTASK, 0, 0,
		  "1001,KPR-BUS,5\n1001,KPR-ENT,2\n", "71001,1001,KPR-BUS,5,501,,,\n", NULL,
		  { AT_HEAD },
		  "change of +2 units for company 1001 and product KPR-ENT " AT_LEFT
		  "no service id for that product\n" },
	/* 6 */ { "several service ids for the product", PSA_AUTOTASK, 0, 0,
		  "1001,KPR-BUS,5\n1001,KPR-ENT,2\n1002,KPR-ENT,1\n1003,KPR-ENT,1\n",
		  "71001,1001,KPR-BUS,5,501,,,\n71002,1002,KPR-ENT,1,502,,,\n"
		  "71003,1003,KPR-ENT,1,512,,,\n", NULL,
		  { AT_HEAD },
		  "change of +2 units for company 1001 and product KPR-ENT " AT_LEFT
		  "several service ids for that product (502, 512)\n" },
	/* 7 */ { "ids of the wrong kind: text, a leading zero, a service id", PSA_AUTOTASK, 0, 0,
		  "1001,KPR-BUS,6\n1002,KPR-BUS,6\n1003,KPR-BUS,6\n",
		  "AT-1001,1001,KPR-BUS,5,501,,,\n071002,1002,KPR-BUS,5,501,,,\n"
		  "71003,1003,KPR-BUS,5,S-501,,,\n", NULL,
		  { AT_HEAD },
		  "change of +1 units for company 1001 and product KPR-BUS " AT_LEFT
		  "contract id (\"AT-1001\") is not an Autotask id (a whole number)\n"
		  "change of +1 units for company 1002 and product KPR-BUS " AT_LEFT
		  "contract id (\"071002\") is not an Autotask id (a whole number)\n"
		  "change of +1 units for company 1003 and product KPR-BUS " AT_LEFT
		  "service id (\"S-501\") is not an Autotask id (a whole number)\n" },
	/* 8 */ { "two rows in effect, 4.5 and 4: never summed silently", PSA_AUTOTASK, 0, 0,
		  "1001,KPR-BUS,9\n",
		  "71001,1001,KPR-BUS,4.5,501,,,\n71001,1001,KPR-BUS,4,501,,,\n", NULL,
		  { AT_HEAD },
		  "change of +0.5 units for company 1001 and product KPR-BUS " AT_LEFT
		  "2 rows in effect on 2026-11-01: line 2 (4.5 units) and line 3 "
		  "(4 units)\n" },
	/* 9 */ { "two rows in effect whose sum is billed: a warning all the same", PSA_AUTOTASK, 0, 0,
		  "1001,KPR-BUS,8\n",
		  "71001,1001,KPR-BUS,5,501,,,\n71002,1001,KPR-BUS,3,501,,,\n"
		  "71002,1001,KPR-BUS,1,501,,2026-11-01,\n", NULL,
		  { AT_HEAD },
		  "change of -1 units for company 1001 and product KPR-BUS " AT_LEFT
		  "3 rows in effect on 2026-11-01: line 2 (5 units) and line 3 "
		  "(3 units) and 1 more\n" },
	/* 10 */ { "two rows in effect, no difference", PSA_AUTOTASK, 0, 0,
		  "1001,KPR-BUS,8\n",
		  "71001,1001,KPR-BUS,5,501,,,\n71002,1001,KPR-BUS,3,501,,,\n", NULL,
		  { AT_HEAD },
		  "company 1001 and product KPR-BUS " AT_LEFT
		  "2 rows in effect on 2026-11-01: line 2 (5 units) and line 3 "
		  "(3 units)\n" },
	/* 11 */ { "Autotask: PSA units that are not whole", PSA_AUTOTASK, 0, 0,
		  "1001,KPR-BUS,5\n1002,KPR-BUS,0\n",
		  "71001,1001,KPR-BUS,4.5,501,,,\n71002,1002,KPR-BUS,0.25,501,,,\n", NULL,
		  { AT_HEAD },
		  "change of +0.5 units for company 1001 and product KPR-BUS " AT_LEFT
		  "PSA units not whole (4.5, line 2): Autotask takes whole units only\n"
		  "change of -0.25 units for company 1002 and product KPR-BUS " AT_LEFT
		  "PSA units not whole (0.25, line 3): Autotask takes whole units only\n" },
	/* 12 */ { "periods: the row in effect on the 1st of the next month", PSA_AUTOTASK, 0, 0,
		  "1001,KPR-BUS,10\n1002,KPR-BUS,10\n",
		  "71001,1001,KPR-BUS,5,501,,2026-10-01,2026-10-31\n"
		  "71001,1001,KPR-BUS,8,501,,2026-11-01,2026-11-30\n"
		  "71001,1001,KPR-BUS,9,501,,2026-12-01,\n"
		  "71002,1002,KPR-BUS,7,501,,,2026-11-01\n", NULL,
		  { AT_HEAD "71001,501,2,2026-11-01,\n71002,501,3,2026-11-01,\n" }, "" },
	/* 13 */ { "rejected rows: no new service, changes to billed ones go", PSA_AUTOTASK, 0, 1,
		  "1001,KPR-BUS,10\n1001,KPR-ENT,2\n", "71001,1001,KPR-BUS,8,501,,,\n", NULL,
		  { AT_HEAD "71001,501,2,2026-11-01,\n" },
		  "change of +2 units for company 1001 and product KPR-ENT " AT_LEFT
		  "1 row of the PSA units file rejected (see its rejects): one may "
		  "bill it already\n" },
	/* 14 */ { "products no services.csv row maps to: left alone", PSA_AUTOTASK, 0, 0,
		  "1001,KPR-BUS,1\n",
		  "71001,1001,KPR-BUS,1,501,,,\n71001,1001,AV-PRO,3,900,,,\n"
		  "71001,1001,AV-PRO,2.5,900,,,\n", NULL,
		  { AT_HEAD }, "" },
	/* 15 */ { "a blocked month: the file with its header only", PSA_AUTOTASK, 1, 0,
		  "1001,KPR-BUS,10\n1003,KPR-BUS,3\n",
		  "71001,1001,KPR-BUS,8,501,,,\n71003,1003,KPR-ENT,1,502,,,\n", NULL,
		  { AT_HEAD }, "" },
	/* 16 */ { "the newest of two units files by name", PSA_AUTOTASK, 0, 0,
		  "1001,KPR-BUS,10\n", "71001,1001,KPR-BUS,8,501,,,\n",
		  "71001,1001,KPR-BUS,99,501,,,\n",
		  { AT_HEAD "71001,501,2,2026-11-01,\n" }, "" },
	/* 17 */ { "ConnectWise: updates of additions billed today, and new ones", PSA_CONNECTWISE, 0, 0,
		  "1001,KPR-BUS,10\n1001,KPR-ENT,2\n1002,KPR-BUS,6\n1003,KPR-BUS,3.25\n",
		  "5001,1001,KPR-BUS,8,,90011,,\n5001,1001,KPR-ENT,2,,90012,,\n"
		  "5002,1002,KPR-BUS,9,,90021,,\n5003,1003,KPR-ENT,1,,90031,,\n", NULL,
		  { CW_UPD "5001,90011,KPR-BUS,10,8,2026-11-01\n"
		    "5002,90021,KPR-BUS,6,9,2026-11-01\n"
		    "5003,90031,KPR-ENT,0,1,2026-11-01\n",
		    CW_NEW "5003,KPR-BUS,3.25,4.50,2026-11-01,Billable\n" }, "" },
	/* 18 */ { "ConnectWise: billed without an addition id, never a new addition", PSA_CONNECTWISE, 0, 0,
		  "1001,KPR-BUS,10\n", "5001,1001,KPR-BUS,8,,,,\n", NULL,
		  { CW_UPD, CW_NEW },
		  "change of +2 units for company 1001 and product KPR-BUS " CW_LEFT_UPD
		  "billed today without a known addition_id (a new addition would "
		  "bill it twice)\n" },
	/* 19 */ { "ConnectWise: an addition id or agreement id of the wrong kind", PSA_CONNECTWISE, 0, 0,
		  "1001,KPR-BUS,10\n1002,KPR-ENT,1\n",
		  "5001,1001,KPR-BUS,8,,A-1,,\nAG-5002,1002,KPR-BUS,1,,90021,,\n", NULL,
		  { CW_UPD, CW_NEW },
		  "change of +2 units for company 1001 and product KPR-BUS " CW_LEFT_UPD
		  "addition id (\"A-1\") is not a ConnectWise id (a whole number)\n"
		  "change of -1 units for company 1002 and product KPR-BUS " CW_LEFT_UPD
		  "agreement id (\"AG-5002\") is not a ConnectWise id (a whole number)\n"
		  "change of +1 units for company 1002 and product KPR-ENT " CW_LEFT_NEW
		  "agreement id (\"AG-5002\") is not a ConnectWise id (a whole number)\n" },
	/* 20 */ { "ConnectWise: units that are not whole are fine", PSA_CONNECTWISE, 0, 0,
		  "1001,KPR-BUS,5.25\n", "5001,1001,KPR-BUS,4.5,,90011,,\n", NULL,
		  { CW_UPD "5001,90011,KPR-BUS,5.25,4.5,2026-11-01\n", CW_NEW }, "" },
	/* 21 */ { "ConnectWise: two additions in effect", PSA_CONNECTWISE, 0, 0,
		  "1001,KPR-BUS,9\n",
		  "5001,1001,KPR-BUS,4.5,,90011,,\n5001,1001,KPR-BUS,4,,90012,,\n", NULL,
		  { CW_UPD, CW_NEW },
		  "change of +0.5 units for company 1001 and product KPR-BUS " CW_LEFT_UPD
		  "2 rows in effect on 2026-11-01: line 2 (4.5 units) and line 3 "
		  "(4 units)\n" },
	/* 22 */ { "ConnectWise, blocked: both files with their header only", PSA_CONNECTWISE, 1, 0,
		  "1001,KPR-BUS,10\n1002,KPR-BUS,2\n",
		  "5001,1001,KPR-BUS,8,,90011,,\n5002,1002,KPR-ENT,1,,90021,,\n", NULL,
		  { CW_UPD, CW_NEW }, "" },
};

static void put_file(const char *dir, const char *name, const char *text)
{
	struct strbuf path = STRBUF_INIT;
	FILE *fp;

	strbuf_addf(&path, "%s/%s", dir, name);
	fp = fopen(path.buf, "w");
	assert_non_null(fp);
	fputs(text, fp);
	assert_int_equal(fclose(fp), 0);
	strbuf_release(&path);
}

/* the next line of *s (its end cut off), or NULL at the end */
static char *next_line(const char **s)
{
	const char *nl;
	char *l;

	if (!**s)
		return NULL;
	nl = strchr(*s, '\n');
	if (!nl)
		nl = *s + strlen(*s);
	l = strndup(*s, (size_t)(nl - *s));
	*s = *nl ? nl + 1 : nl;
	return l;
}

/* the i-th comma-separated field of line (0-based; "" past the end) */
static const char *nth(const char *line, int i, char *buf, size_t n)
{
	const char *c;
	size_t len;

	for (; i > 0 && line; i--) {
		line = strchr(line, ',');
		if (line)
			line++;
	}
	if (!line)
		return "";
	c = strchr(line, ',');
	len = c ? (size_t)(c - line) : strlen(line);
	assert_true(len < n);
	memcpy(buf, line, len);
	buf[len] = '\0';
	return buf;
}

/* a units file's extract: <stem>.csv and <stem>.json */
static void put_units(const char *dir, const char *name, const char *stem,
		      const char *rows, long rejected)
{
	struct strbuf csv = STRBUF_INIT, json = STRBUF_INIT, file = STRBUF_INIT;
	const char *s = rows;
	char *l, f[8][32];
	long line = 2;

	strbuf_addstr(&csv, "source_file,line,contract_id,psa_company_id,"
		      "psa_product_id,units,psa_company_name,psa_product_name,"
		      "unit_price,service_id,contract_service_id,addition_id,"
		      "start_date,end_date\n");
	while ((l = next_line(&s))) {
		for (int i = 0; i < 8; i++)
			nth(l, i, f[i], sizeof(f[i]));
		strbuf_addf(&csv, "%s,%ld,%s,%s,%s,%s,,,,%s,,%s,%s,%s\n", name,
			    line++, f[0], f[1], f[2], f[3], f[4], f[5], f[6],
			    f[7]);
		free(l);
	}
	strbuf_addf(&json, "{\"source_file\": \"%s\", \"extract\": "
		    "\"extract/%s.csv\", \"format\": \"psa-units\", \"months\": "
		    "[], \"series\": 0, \"rows\": {\"read\": %ld, \"accepted\": "
		    "%ld, \"rejected\": %ld, \"out_of_month\": 0, \"preamble\": "
		    "1, \"duplicates\": 0}}\n", name, stem, line - 1 + rejected,
		    line - 2, rejected);
	strbuf_addf(&file, "extract/%s.csv", stem);
	put_file(dir, file.buf, csv.buf);
	strbuf_reset(&file);
	strbuf_addf(&file, "extract/%s.json", stem);
	put_file(dir, file.buf, json.buf);
	strbuf_release(&csv);
	strbuf_release(&json);
	strbuf_release(&file);
}

/* the month of case c in dir/month, its config in dir/config */
static void put_month(const char *dir, const struct place_case *c)
{
	struct strbuf path = STRBUF_INIT, rounded = STRBUF_INIT,
		      lines = STRBUF_INIT;
	const char *s = c->billed;
	char *l, co[32], pr[32], q[32];

	strbuf_addf(&path, "mkdir -p %s/month/extract %s/config", dir, dir);
	assert_int_equal(system(path.buf), 0);
	strbuf_reset(&path);
	strbuf_addf(&path, "%s/config", dir);
	put_file(path.buf, "services.csv",
		 "vendor,sku,psa_product_id,psa_product_name,billing,rounding\n"
		 "keeper,Business,KPR-BUS,Keeper Business,average,\n"
		 "keeper,Enterprise,KPR-ENT,Keeper Enterprise,average,\n");
	strbuf_addstr(&rounded, "psa_company_id,psa_product_id,exact_quantity,"
		      "rounding,quantity,delta\n");
	strbuf_addstr(&lines, "psa_company_id,psa_company_name,psa_product_id,"
		      "psa_product_name,unit_price,currency\n");
	while ((l = next_line(&s))) {
		nth(l, 0, co, sizeof(co));
		nth(l, 1, pr, sizeof(pr));
		nth(l, 2, q, sizeof(q));
		strbuf_addf(&rounded, "%s,%s,%s,nearest,%s,0.0000\n", co, pr, q,
			    q);
		if (strcmp(q, "0"))
			strbuf_addf(&lines, "%s,,%s,,4.50,USD\n", co, pr);
		free(l);
	}
	strbuf_reset(&path);
	strbuf_addf(&path, "%s/month", dir);
	put_file(path.buf, "rounded.csv", rounded.buf);
	put_file(path.buf, "invoice-lines.csv", lines.buf);
	put_units(path.buf, "PSA units.csv", "PSA_units", c->units, c->rejected);
	if (c->older)
		put_units(path.buf, "A units.csv", "A_units", c->older, 0);
	strbuf_release(&path);
	strbuf_release(&rounded);
	strbuf_release(&lines);
}

static void test_placing_rules(void **state)
{
	for (size_t i = 0; i < sizeof(places) / sizeof(*places); i++) {
		const struct place_case *c = &places[i];
		char *d = scratch_month(EMPTY);
		struct strbuf month = STRBUF_INIT, cfg = STRBUF_INIT,
			      warns = STRBUF_INIT, path = STRBUF_INIT;
		struct settings st;
		struct psa_plan p;
		struct error e;
		size_t k;

		put_month(d, c);
		strbuf_addf(&month, "%s/month", d);
		strbuf_addf(&cfg, "%s/config", d);
		settings_init(&st);
		st.psa = c->psa;
		if (psa_plan_build(&p, month.buf, cfg.buf, &st, 2026, 10,
				   c->blocked, &e))
			fail_msg("case %zu: %s", i + 1, e.msg);
		for (k = 0; k < p.nwarn; k++)
			strbuf_addf(&warns, "%s\n", p.warn[k].message);
		if (strcmp(warns.buf, c->warnings))
			fail_msg("case %zu (%s): warnings\n%s", i + 1, c->what,
				 warns.buf);
		if (psa_plan_write(&p, month.buf, &e))
			fail_msg("case %zu: %s", i + 1, e.msg);
		for (k = 0; k < PSA_MAX_FILES; k++) {
			char *got;

			if (!c->want[k]) {
				if (k != p.nfiles)
					fail_msg("case %zu: %zu files", i + 1,
						 p.nfiles);
				break;
			}
			strbuf_reset(&path);
			strbuf_addf(&path, "%s/%s", month.buf, p.files[k]);
			got = slurp(path.buf);
			if (!got || strcmp(got, c->want[k]))
				fail_msg("case %zu (%s): %s\n%s", i + 1, c->what,
					 p.files[k], got ? got : "(none)");
			free(got);
		}
		if (c->older) {
			assert_string_equal(p.units_file, "PSA units.csv");
			assert_int_equal(p.nunits_left, 1);
			assert_string_equal(p.units_left[0], "A units.csv");
		}
		psa_plan_release(&p);
		strbuf_release(&month);
		strbuf_release(&cfg);
		strbuf_release(&warns);
		strbuf_release(&path);
		rm_rf(d);
	}
}

/* other periods are counted, and are not duplicates */
static void test_periods_counted(void **state)
{
	const struct place_case *c = &places[11];
	char *d = scratch_month(EMPTY);
	struct strbuf month = STRBUF_INIT, cfg = STRBUF_INIT;
	struct settings st;
	struct psa_plan p;
	struct error e;

	put_month(d, c);
	strbuf_addf(&month, "%s/month", d);
	strbuf_addf(&cfg, "%s/config", d);
	settings_init(&st);
	if (psa_plan_build(&p, month.buf, cfg.buf, &st, 2026, 10, 0, &e))
		fail_msg("%s", e.msg);
	assert_int_equal(p.other_periods, 2);
	assert_int_equal(p.nwarn, 0);
	assert_int_equal(p.count[RS_UP], 2);
	psa_plan_release(&p);
	strbuf_release(&month);
	strbuf_release(&cfg);
	rm_rf(d);
}

static const struct id_case {
	const char *s;
	int want;
} ids[] = {
	/* 1 */ { "1", 1 },
	/* 2 */ { "29683001", 1 },
	/* 3 */ { "999999999999999999", 1 },	/* 18 digits */
	/* 4 */ { "1000000000000000000", 0 },	/* 19 */
	/* 5 */ { "0", 0 },
	/* 6 */ { "0501", 0 },
	/* 7 */ { "", 0 },
	/* 8 */ { "AT-1001", 0 },
	/* 9 */ { "-5", 0 },
	/* 10 */ { "+5", 0 },
	/* 11 */ { "5.0", 0 },
	/* 12 */ { "5 ", 0 },
	/* 13 */ { "\xef\xbc\x95", 0 },		/* a full-width 5 */
};

static void test_id_is_integer(void **state)
{
	for (size_t i = 0; i < sizeof(ids) / sizeof(*ids); i++)
		if (psa_id_is_integer(ids[i].s) != ids[i].want)
			fail_msg("case %zu: \"%s\"", i + 1, ids[i].s);
}

static void test_change_names(void **state)
{
	assert_string_equal(psa_change_name(PC_NONE), "");
	assert_string_equal(psa_change_name(PC_ADJUSTMENT), "adjustment");
	assert_string_equal(psa_change_name(PC_ADDITION_UPDATE), "addition update");
	assert_string_equal(psa_change_name(PC_NEW_ADDITION), "new addition");
	assert_string_equal(psa_change_name(PC_REVIEW), "for review");
	assert_null(psa_change_file(PC_NONE));
	assert_string_equal(psa_change_file(PC_ADDITION_UPDATE),
			    "psa/connectwise-addition-updates.csv");
}

/* two lines the same, field by field (texts by value) */
static void same_line(const struct recon_line *a, const struct recon_line *b)
{
	const char *ta[] = { a->company_id, a->company_name, a->product_id,
			     a->product_name, a->rounding, a->contract_id,
			     a->service_id, a->addition_id, a->note };
	const char *tb[] = { b->company_id, b->company_name, b->product_id,
			     b->product_name, b->rounding, b->contract_id,
			     b->service_id, b->addition_id, b->note };

	for (size_t i = 0; i < sizeof(ta) / sizeof(*ta); i++) {
		if (!ta[i] || !tb[i])
			assert_ptr_equal(ta[i], tb[i]);
		else
			assert_string_equal(ta[i], tb[i]);
	}
	assert_int_equal(a->exact, b->exact);
	assert_int_equal(a->billed, b->billed);
	assert_int_equal(a->units, b->units);
	assert_int_equal(a->nrows, b->nrows);
	assert_int_equal(a->line, b->line);
	assert_int_equal(a->diff, b->diff);
	assert_int_equal(a->price, b->price);
	assert_int_equal(a->has_price, b->has_price);
	assert_ptr_equal(a->cur, b->cur);
	assert_int_equal(a->money, b->money);
	assert_int_equal(a->status, b->status);
	assert_int_equal(a->kind, b->kind);
	assert_int_equal(a->placed, b->placed);
}

/*
 * psa_plan_stream's lines on disk are psa_plan_build's: by money at
 * stake (once), by company and product (twice at once), found in order
 * and out of it; the counts and warnings are the same
 */
static void test_streamed_plan(void **state)
{
	static const enum psa psas[] = { PSA_AUTOTASK, PSA_CONNECTWISE };
	struct psa_cursor c, c2;
	const struct recon_line *l, *l2;
	struct error e;

	for (size_t k = 0; k < 2; k++) {
		struct psa_plan mem, disk;
		struct settings s;
		char *d = scratch_month(COPY);
		size_t i, n = 0;

		settings_init(&s);
		s.psa = psas[k];
		build(&mem, d, psas[k]);
		if (psa_plan_stream(&disk, d, DATA "/config", &s, 2026, 10, 0, 1,
				    &e))
			fail_msg("%s", e.msg);
		assert_null(disk.lines);
		assert_int_equal(disk.n, mem.n);
		assert_int_equal(disk.nchanges, mem.nchanges);
		assert_int_equal(disk.nplaced, mem.nplaced);
		assert_int_equal(disk.nwarn, mem.nwarn);
		for (i = 0; i < mem.nwarn; i++)
			assert_string_equal(disk.warn[i].message, mem.warn[i].message);
		assert_int_equal(psa_cursor_open(&c, &disk, PSA_BY_STAKE, &e), 0);
		while (psa_cursor_next(&c, &l, &e) == 1)
			same_line(l, &mem.lines[n++]);
		assert_int_equal(n, mem.n);
		psa_cursor_release(&c);
		assert_int_equal(psa_cursor_open(&c, &disk, PSA_BY_STAKE, &e), -1);

		/* by id: the in-memory plan's cursor and the spill's agree */
		assert_int_equal(psa_cursor_open(&c, &disk, PSA_BY_ID, &e), 0);
		assert_int_equal(psa_cursor_open(&c2, &mem, PSA_BY_ID, &e), 0);
		for (n = 0; psa_cursor_next(&c, &l, &e) == 1; n++) {
			assert_int_equal(psa_cursor_next(&c2, &l2, &e), 1);
			same_line(l, l2);
		}
		assert_int_equal(psa_cursor_next(&c2, &l2, &e), 0);
		assert_int_equal(n, mem.n);
		psa_cursor_release(&c);
		psa_cursor_release(&c2);

		/* find: backwards (from the start each time), then a miss */
		assert_int_equal(psa_cursor_open(&c, &disk, PSA_BY_ID, &e), 0);
		for (i = mem.n; i-- > 0; ) {
			assert_int_equal(psa_cursor_find(&c, mem.lines[i].company_id,
							 mem.lines[i].product_id,
							 &l, &e), 1);
			same_line(l, &mem.lines[i]);
		}
		assert_int_equal(psa_cursor_find(&c, "1001", "NO-SUCH", &l, &e), 0);
		assert_int_equal(psa_cursor_find(&c, "~", "", &l, &e), 0);
		assert_int_equal(psa_cursor_find(&c, mem.lines[0].company_id,
						 mem.lines[0].product_id, &l, &e), 1);
		psa_cursor_release(&c);
		psa_plan_release(&mem);
		psa_plan_release(&disk);
		rm_rf(d);
	}
	(void)state;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_statuses_and_order),
		cmocka_unit_test(test_unplaced_warnings),
		cmocka_unit_test(test_autotask_file),
		cmocka_unit_test(test_connectwise_file),
		cmocka_unit_test(test_without_units),
		cmocka_unit_test(test_summary),
		cmocka_unit_test(test_placing_rules),
		cmocka_unit_test(test_periods_counted),
		cmocka_unit_test(test_id_is_integer),
		cmocka_unit_test(test_change_names),
		cmocka_unit_test(test_streamed_plan),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
