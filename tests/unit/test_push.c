/*
 * The changes of a month's psa/ files (lib/push.c): the exact request
 * bodies, numbers as the files' text, and every value that cannot be sent
 * refused naming its line. Numbered tables; a failure names its case.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <cmocka.h>
#include "push.h"
#include "banned.h"

#define SCRATCH_NAME "test_push"
#include "scratch.h"

#define AT "autotask-contract-service-adjustments.csv"
#define UPD "connectwise-addition-updates.csv"
#define ADD "connectwise-agreement-additions.csv"

static void put(const char *name, const char *text)
{
	char path[256];
	FILE *fp;

	snprintf(path, sizeof(path), "%s/psa", scratch_dir);
	mkdir(path, 0755);
	snprintf(path, sizeof(path), "%s/psa/%s", scratch_dir, name);
	fp = fopen(path, "w");
	assert_non_null(fp);
	fputs(text, fp);
	assert_int_equal(fclose(fp), 0);
}

static void test_bodies(void **state)
{
	struct push_plan p;
	struct error e;

	put(AT, "contractID,serviceID,unitChange,effectiveDate,adjustedUnitPrice\n"
		"101,501,3,2026-11-01,\n"
		"102,502,-12,2026-11-01,4.35\n");
	assert_int_equal(push_plan_load(&p, scratch_dir, "2026-10", PSA_AUTOTASK, &e), 0);
	assert_int_equal(p.n, 2);
	assert_int_equal(p.v[0].method, HTTP_POST_CREATE);
	assert_string_equal(p.v[0].path, "V1.0/ContractServiceAdjustments");
	assert_string_equal(p.v[0].body, "{\"contractID\": 101, \"serviceID\": 501, \"unitChange\": 3, \"effectiveDate\": \"2026-11-01T00:00:00\"}");
	assert_string_equal(p.v[1].body, "{\"contractID\": 102, \"serviceID\": 502, \"unitChange\": -12, \"effectiveDate\": \"2026-11-01T00:00:00\", \"adjustedUnitPrice\": 4.35}");
	assert_string_equal(p.v[1].row, "102,502,-12,2026-11-01,4.35");
	assert_int_equal(p.v[1].line, 3);
	push_plan_release(&p);

	/* the 4-column layout (no adjustedUnitPrice) is sent too; December's
	 * effective date is the 1st of January */
	put(AT, "contractID,serviceID,unitChange,effectiveDate\n7,8,1,2027-01-01\n");
	assert_int_equal(push_plan_load(&p, scratch_dir, "2026-12", PSA_AUTOTASK, &e), 0);
	assert_string_equal(p.v[0].body, "{\"contractID\": 7, \"serviceID\": 8, \"unitChange\": 1, \"effectiveDate\": \"2027-01-01T00:00:00\"}");
	push_plan_release(&p);

	/* ConnectWise: updates first, then new additions; quotes escaped */
	put(UPD, "agreementId,additionId,productIdentifier,quantity,previousQuantity,effectiveDate\n"
		 "7,70001,KPR-BUS,2.5,0,2026-11-01\n");
	put(ADD, "agreementId,productIdentifier,quantity,unitPrice,effectiveDate,billCustomer\n"
		 "7,\"KPR \"\"X\"\"\",0,175.00,2026-11-01,Billable\n");
	assert_int_equal(push_plan_load(&p, scratch_dir, "2026-10", PSA_CONNECTWISE, &e), 0);
	assert_int_equal(p.n, 2);
	assert_int_equal(p.v[0].method, HTTP_PATCH);
	assert_string_equal(p.v[0].path, "/finance/agreements/7/additions/70001");
	assert_string_equal(p.v[0].body, "[{\"op\": \"replace\", \"path\": \"quantity\", \"value\": 2.5}]");
	assert_int_equal(p.v[1].method, HTTP_POST_CREATE);
	assert_string_equal(p.v[1].path, "/finance/agreements/7/additions");
	assert_string_equal(p.v[1].body, "{\"product\": {\"identifier\": \"KPR \\\"X\\\"\"}, \"quantity\": 0, \"unitPrice\": 175.00, \"effectiveDate\": \"2026-11-01T00:00:00Z\", \"billCustomer\": \"Billable\"}");
	push_plan_release(&p);
}

static const struct bad_case {
	const char *row;	/* a row of the Autotask file */
	const char *want;	/* in the message */
} bads[] = {
	/* 1 */ { "C-101,501,3,2026-11-01,", "contractID is not an integer id (\"C-101\")" },
	/* 2 */ { "101,,3,2026-11-01,", "serviceID is not an integer id (\"\")" },
	/* 3 */ { "101,501,0,2026-11-01,", "unitChange is not a whole number of units other than 0 (\"0\")" },
	/* 4 */ { "101,501,2.5,2026-11-01,", "unitChange is not a whole number" },
	/* 5 */ { "101,501,03,2026-11-01,", "unitChange is not a whole number" },	/* not JSON */
	/* 6 */ { "101,501,+3,2026-11-01,", "unitChange is not a whole number" },
	/* 7 */ { "101,501,1e3,2026-11-01,", "unitChange is not a whole number" },
	/* 8 */ { "101,501,-0,2026-11-01,", "unitChange is not a whole number" },
	/* 9 */ { "101,501,3,2026-12-01,", "effectiveDate is not the 1st of the month after the month pushed (\"2026-12-01\")" },
	/* 10 */ { "101,501,3,2026-11-01,4.12345", "adjustedUnitPrice is not a price with at most 4 decimals (\"4.12345\")" },
	/* 11 */ { "101,501,3,2026-11-01,.5", "adjustedUnitPrice is not a price" },
	/* 12 */ { "101,501,3,2026-11-01,-4.00", "adjustedUnitPrice is not a price" },
	/* 13 */ { "101,501,3,2026-11-01,4,00", "another number of fields" },
	/* 14 */ { "101,501,3,2026-11-01,\n101,501,3,2026-11-01,", ":3: the change of line 2 again" },
};

static void test_refused(void **state)
{
	int bad = 0;

	for (size_t i = 0; i < sizeof(bads) / sizeof(*bads); i++) {
		struct push_plan p;
		struct error e;
		char text[512];

		snprintf(text, sizeof(text),
			 "contractID,serviceID,unitChange,effectiveDate,adjustedUnitPrice\n%s\n",
			 bads[i].row);
		put(AT, text);
		if (push_plan_load(&p, scratch_dir, "2026-10", PSA_AUTOTASK, &e) == 0) {
			print_error("case %zu: loaded\n", i + 1);
			bad = 1;
		} else if (!strstr(e.msg, bads[i].want)) {
			print_error("case %zu: %s\n", i + 1, e.msg);
			bad = 1;
		}
		push_plan_release(&p);
	}
	assert_int_equal(bad, 0);
}

static void test_missing(void **state)
{
	struct push_plan p;
	struct error e;

	put(UPD, "agreementId,additionId,productIdentifier,quantity,previousQuantity,effectiveDate\n");
	/* ConnectWise needs both files: without the updates file, a product
	 * billed already would get a second addition */
	assert_int_equal(push_plan_load(&p, scratch_dir, "2026-10", PSA_CONNECTWISE, &e), -1);
	assert_int_equal(e.code, ERR_REFUSED);
	assert_non_null(strstr(e.msg, ADD " is missing"));
	push_plan_release(&p);
	put(ADD, "agreementId,productIdentifier,quantity,unitPrice,effectiveDate,billCustomer\n"
		 "7,KPR-BUS,3,4.50,2026-11-01,DoNotBill\n");
	assert_int_equal(push_plan_load(&p, scratch_dir, "2026-10", PSA_CONNECTWISE, &e), -1);
	assert_non_null(strstr(e.msg, "billCustomer is not Billable"));
	push_plan_release(&p);
	put(ADD, "agreementId,productIdentifier,quantity\n7,KPR-BUS,3\n");
	assert_int_equal(push_plan_load(&p, scratch_dir, "2026-10", PSA_CONNECTWISE, &e), -1);
	assert_non_null(strstr(e.msg, ":1: no column unitPrice"));
	push_plan_release(&p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_bodies, scratch_setup, scratch_teardown),
		cmocka_unit_test_setup_teardown(test_refused, scratch_setup, scratch_teardown),
		cmocka_unit_test_setup_teardown(test_missing, scratch_setup, scratch_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
