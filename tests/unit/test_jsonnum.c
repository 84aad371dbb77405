/*
 * Numbers and ids from API JSON (lib/jsonnum.c): the shortest decimal text
 * of a double, never its binary expansion; integers and decimal strings
 * exactly; anything past the decimals allowed refused. Numbered tables;
 * a failure names its case.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>
#include <jansson.h>
#include "jsonnum.h"
#include "banned.h"

static const struct num_case {
	const char *json;	/* as an API sends it */
	int maxdec;
	int ok;
	int64_t want;
} nums[] = {
	/* 1 */ { "43.19", 4, 1, 431900 },
	/* 2 */ { "4.35", 4, 1, 43500 },	/* 4.3499999999999996447... as a double */
	/* 3 */ { "0.1", 4, 1, 1000 },
	/* 4 */ { "12", 4, 1, 120000 },
	/* 5 */ { "12.0", 4, 1, 120000 },
	/* 6 */ { "1.2345", 4, 1, 12345 },
	/* 7 */ { "1.23456", 4, 0, 0 },	/* past 4 decimals */
	/* 8 */ { "-3", 0, 1, -3 },
	/* 9 */ { "2.5", 0, 0, 0 },	/* units must be whole here */
	/* 10 */ { "1e2", 4, 1, 1000000 },
	/* 11 */ { "1e-5", 4, 0, 0 },
	/* 12 */ { "1e20", 4, 0, 0 },	/* too large */
	/* 13 */ { "\"4.50\"", 4, 1, 45000 },	/* a decimal string, as text */
	/* 14 */ { "\"4,50\"", 4, 0, 0 },
	/* 15 */ { "true", 4, 0, 0 },
	/* 16 */ { "null", 4, 0, 0 },
	/* 17 */ { "-0.0", 4, 1, 0 },
	/* 18 */ { "99999999999.9999", 4, 1, 999999999999999 },
	/* 19 */ { "0.30000000000000004", 4, 0, 0 },	/* 0.1 + 0.2: not 0.3 */
	/* 20 */ { "1.00000000000000022", 4, 0, 0 },	/* 1 + 2^-52 */
	/* 21 */ { "100000000000000", 0, 0, 0 },	/* 10^14 */
};

static void test_decimal(void **state)
{
	int bad = 0;

	for (size_t i = 0; i < sizeof(nums) / sizeof(*nums); i++) {
		const struct num_case *c = &nums[i];
		json_t *v = json_loads(c->json, JSON_DECODE_ANY, NULL);
		int64_t out = -12345;
		int r;

		assert_non_null(v);
		r = jsonnum_decimal(v, c->maxdec, &out);
		if ((r == 0) != c->ok || (c->ok && out != c->want)) {
			print_error("case %zu: %s: %s %lld, want %s %lld\n", i + 1,
				    c->json, r ? "refused" : "ok", (long long)out,
				    c->ok ? "ok" : "refused", (long long)c->want);
			bad = 1;
		}
		json_decref(v);
	}
	assert_int_equal(bad, 0);
}

static const struct id_case {
	const char *json;
	const char *want;	/* NULL: refused */
} ids[] = {
	/* 1 */ { "29684103", "29684103" },
	/* 2 */ { "0", "0" },
	/* 3 */ { "\"1001\"", "1001" },
	/* 4 */ { "-1", NULL },
	/* 5 */ { "1.5", NULL },
	/* 6 */ { "\"C-1001\"", NULL },
	/* 7 */ { "\"\"", NULL },
	/* 8 */ { "null", NULL },
	/* 9 */ { "\"1234567890123456789\"", NULL },	/* 19 digits */
};

static void test_id(void **state)
{
	int bad = 0;

	for (size_t i = 0; i < sizeof(ids) / sizeof(*ids); i++) {
		json_t *v = json_loads(ids[i].json, JSON_DECODE_ANY, NULL);
		char buf[32] = "";
		int r = jsonnum_id(v, buf, sizeof(buf));

		if (ids[i].want ? (r || strcmp(buf, ids[i].want)) : !r) {
			print_error("case %zu: %s: got %s \"%s\"\n", i + 1,
				    ids[i].json, r ? "refused" : "ok", buf);
			bad = 1;
		}
		json_decref(v);
	}
	assert_int_equal(bad, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_decimal),
		cmocka_unit_test(test_id),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
