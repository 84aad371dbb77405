/*
 * PSA files (lib/psafiles.c) on the hand-written month of
 * tests/data/month-psa (its README lists the cases): the reconciliation
 * statuses, the money at stake and its order, the Autotask and
 * ConnectWise files byte for byte, the unplaced changes as warnings, and
 * a month without a PSA contract units file.
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
	if (psa_plan_build(p, monthdir, DATA "/config", &s, 2026, 10, &e))
		fail_msg("%s", e.msg);
}

/* a scratch folder: a copy of the month, so psa/ is written there */
static char *scratch_month(int without_units)
{
	char tmpl[] = "/tmp/tally-psa-XXXXXX";
	struct strbuf cmd = STRBUF_INIT;
	char *d = mkdtemp(tmpl);

	assert_non_null(d);
	strbuf_addf(&cmd, "cp -r " DATA "/month/. %s/", d);
	if (without_units)
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
	assert_int_equal(p.nunits_files, 1);
	assert_string_equal(p.units_files[0], "PSA units.csv");
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
		"contract for that company");
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
	char *d = scratch_month(0), *got;

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
	/* whole-unit changes, by company and product; effective 2026-11-01 */
	assert_string_equal(got,
		"contractID,serviceID,unitChange,effectiveDate\n"
		"C-1001,501,2,2026-11-01\n"
		"C-1002,501,-3,2026-11-01\n"
		"C-1003,501,3,2026-11-01\n"
		"C-1003,502,-1,2026-11-01\n"
		"C-1007,501,-4,2026-11-01\n");
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
	char *d = scratch_month(0), *got;

	build(&p, d, PSA_CONNECTWISE);
	/* ConnectWise needs no service id: only 1004 (no contract) is left */
	assert_int_equal(p.nplaced, 6);
	assert_int_equal(p.nwarn, 1);
	assert_string_equal(p.warn[0].message,
		"change of +7 units for company 1004 and product KPR-BUS left "
		"out of psa/connectwise-agreement-additions.csv: no contract "
		"for that company");
	if (psa_plan_write(&p, d, &e))
		fail_msg("%s", e.msg);
	strbuf_addf(&path, "%s/psa/connectwise-agreement-additions.csv", d);
	got = slurp(path.buf);
	assert_non_null(got);
	/* absolute quantities at the invoiced price (the PSA's when none) */
	assert_string_equal(got,
		"agreementId,productIdentifier,quantity,unitPrice,effectiveDate,billCustomer\n"
		"C-1001,KPR-BUS,10,4.50,2026-11-01,Billable\n"
		"C-1002,KPR-BUS,6,4.50,2026-11-01,Billable\n"
		"C-1003,KPR-BUS,3,4.50,2026-11-01,Billable\n"
		"C-1003,KPR-ENT,0,6.75,2026-11-01,Billable\n"
		"C-1005,KPR-NEW,1,2.00,2026-11-01,Billable\n"
		"C-1007,KPR-BUS,0,4.50,2026-11-01,Billable\n");
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
	char *d = scratch_month(1), *got;
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
	j = psa_plan_summary(&p);
	assert_true(json_is_false(json_object_get(j, "compared")));
	assert_string_equal(json_string_value(json_object_get(j, "file")),
			    "psa/units-for-review.csv");
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
		"{\"psa\":\"autotask\",\"units_files\":[\"PSA units.csv\"],"
		"\"compared\":true,\"lines\":9,\"status\":{\"new\":3,\"up\":1,"
		"\"down\":1,\"same\":2,\"missing in vendor\":2},\"changes\":7,"
		"\"placed\":5,\"unplaced\":2,\"other_rows\":1,"
		"\"file\":\"psa/autotask-contract-service-adjustments.csv\"}");
	free(s);
	json_decref(j);
	psa_plan_release(&p);
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
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
