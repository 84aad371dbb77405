/*
 * Mapping rules (lib/mapping.c): name normalisation for automatic matches,
 * suggestions by shared name tokens, and each configuration error of
 * accounts.csv, services.csv and psa-companies.csv with its message.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <dirent.h>
#include <cmocka.h>
#include "mapping.h"
#include "banned.h"

static const struct norm_case {
	const char *in, *want;
} norms[] = {
	/* 1 */ { "Acme Corp", "acme corp" },
	/* 2 */ { "  ACME   corp ", "acme corp" },
	/* 3 */ { "Acme\tCorp\r\n", "acme corp" },
	/* 4 */ { "", "" },
	/* 5 */ { "   ", "" },
	/* 6: only ASCII letters change case */
	/* 6 */ { "\xc3\x89" "COLE Sarl", "\xc3\x89" "cole sarl" },
	/* 7 */ { "A&B, Inc.", "a&b, inc." },
};

static void test_normalise(void **state)
{
	for (size_t i = 0; i < sizeof(norms) / sizeof(*norms); i++) {
		struct strbuf sb = STRBUF_INIT;

		map_normalise(norms[i].in, &sb);
		if (strcmp(sb.buf, norms[i].want))
			fail_msg("case %zu: \"%s\"", i + 1, sb.buf);
		strbuf_release(&sb);
	}
}

static char dir[64];

static void put(const char *name, const char *text)
{
	char path[128];
	FILE *fp;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	if (!text) {
		unlink(path);
		return;
	}
	fp = fopen(path, "w");
	assert_non_null(fp);
	fputs(text, fp);
	fclose(fp);
}

static int setup(void **state)
{
	memcpy(dir, "/tmp/test_mapping.XXXXXX", 25);
	return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
	put("accounts.csv", NULL);
	put("services.csv", NULL);
	put("psa-companies.csv", NULL);
	return rmdir(dir);
}

#define ACC "vendor,vendor_account_id,psa_company_id,psa_company_name,action\n"
#define SRV "vendor,sku,psa_product_id,psa_product_name,billing,rounding\n"
#define COM "psa_company_id,psa_company_name\n"

static void test_matches_and_suggestions(void **state)
{
	struct settings s;
	struct mapping m;
	struct error e;
	size_t first = 0;
	struct strbuf sb = STRBUF_INIT;

	settings_init(&s);
	put("accounts.csv", NULL);	/* missing: empty */
	put("services.csv", SRV "keeper,Enterprise,KE,Keeper Enterprise,average,\n");
	put("psa-companies.csv", COM "1001,Acme Corp\n1002,Acme Holdings\n"
	    "1003,Northwind Traders\n1004,Contoso Ltd\n1005,contoso  LTD\n"
	    "1006,Acme Northwind Partners\n");
	assert_int_equal(mapping_load(&m, dir, &s, &e), 0);
	assert_int_equal(mapping_name_matches(&m, "  ACME corp", &first), 1);
	assert_string_equal(m.companies[first].id, "1001");
	assert_int_equal(mapping_name_matches(&m, "Contoso Ltd", &first), 2);
	assert_string_equal(m.companies[first].id, "1004");
	assert_string_equal(m.companies[mapping_name_next(&m, first)].id, "1005");
	assert_int_equal(mapping_name_matches(&m, "Acme", &first), 0);
	assert_int_equal(mapping_name_matches(&m, "   ", &first), 0);

	mapping_suggest_companies(&m, "Acme Northwind", &sb);
	assert_string_equal(sb.buf, "1006 Acme Northwind Partners; 1001 Acme Corp; 1002 Acme Holdings");
	strbuf_reset(&sb);
	/* "ltd" and "inc" say nothing: no suggestion from them alone */
	mapping_suggest_companies(&m, "Yak Ltd Inc", &sb);
	assert_string_equal(sb.buf, "");
	mapping_suggest_products(&m, "Enterprise Plus", &sb);
	assert_string_equal(sb.buf, "KE Keeper Enterprise");
	strbuf_release(&sb);
	mapping_release(&m);
}

static const struct err_case {
	const char *accounts, *services, *companies, *settings_psa;
	const char *want;	/* after "<dir>/" */
} errs[] = {
	/* 1 */ { NULL, SRV "keeper,B,KB,Keeper B,avg,\n", NULL, NULL,
		  "services.csv:2: unknown billing, expected average or full_month (\"avg\")" },
	/* 2 */ { ACC "keeper,K1,1,A,Bill\n", NULL, NULL, NULL,
		  "accounts.csv:2: unknown action, expected bill or ignore (\"Bill\")" },
	/* 3 */ { NULL, SRV "keeper,B,KB,Keeper B,average,round\n", NULL, NULL,
		  "services.csv:2: unknown rounding, expected nearest, half-even, up, down, none or empty for the settings' (\"round\")" },
	/* 4 */ { ACC "keeper,K1,1,A,bill\nkeeper,K2,2,B,bill\nkeeper,K1,3,C,ignore\n",
		  NULL, NULL, NULL,
		  "accounts.csv:4: duplicate account, first on line 2 (\"keeper,K1\")" },
	/* 5 */ { NULL, SRV "keeper,B,KB,Keeper B,average,\nkeeper,B,KC,Keeper C,average,\n",
		  NULL, NULL,
		  "services.csv:3: duplicate service, first on line 2 (\"keeper,B\")" },
	/* 6 */ { "vendor,vendor_account_id,psa_company_id,action\n", NULL, NULL,
		  NULL, "accounts.csv:1: missing column (\"psa_company_name\")" },
	/* 7 */ { NULL, SRV "keeper,B,KB,Keeper B,average,down\n\nkeeper,B+,KB,Keeper B,full_month,\n",
		  NULL, NULL,
		  "services.csv:4: product KB has rounding nearest here and down on line 2 (\"\")" },
	/* 8 */ { NULL, SRV "keeper,B,KB,Keeper B,average,none\n", NULL, NULL,
		  "services.csv:2: rounding none, but autotask takes whole units only (\"none\")" },
	/* 9 */ { NULL, NULL, COM "1,A\n2,B\n1,C\n", NULL,
		  "psa-companies.csv:4: duplicate psa_company_id, first on line 2 (\"1\")" },
	/* 10 */ { ACC "keeper,K1,,A,bill\n", NULL, NULL, NULL,
		  "accounts.csv:2: empty psa_company_id for action bill (\"keeper,K1\")" },
	/* 11 */ { ACC "keeper,K1,1,A\n", NULL, NULL, NULL,
		  "accounts.csv:2: 4 fields where the header has 5 (\"keeper,K1,1,A\")" },
	/* 12 */ { NULL, SRV ",B,KB,Keeper B,average,\n", NULL, NULL,
		  "services.csv:2: empty vendor (\"\")" },
	/* 13: connectwise takes none, and the rounding check uses resolved values */
	/* 13 */ { NULL, SRV "keeper,B,KB,Keeper B,average,none\nkeeper,C,KB,Keeper B,average,\n",
		  NULL, "connectwise", NULL },
	/* 14: ignore needs no company */
	/* 14 */ { ACC "keeper,K1,,,ignore\n", NULL, NULL, NULL, NULL },
	/* 15: an empty file is an empty table */
	/* 15 */ { "", "", "", NULL, NULL },
};

static void test_config_errors(void **state)
{
	for (size_t i = 0; i < sizeof(errs) / sizeof(*errs); i++) {
		struct settings s;
		struct mapping m;
		struct error e;
		char want[512];
		int r;

		settings_init(&s);
		if (errs[i].settings_psa) {
			s.psa = PSA_CONNECTWISE;
			s.rounding = ROUND_NONE;
		}
		put("accounts.csv", errs[i].accounts);
		put("services.csv", errs[i].services);
		put("psa-companies.csv", errs[i].companies);
		memset(&e, 0, sizeof(e));
		r = mapping_load(&m, dir, &s, &e);
		mapping_release(&m);
		if (!errs[i].want) {
			if (r != 0)
				fail_msg("case %zu: %s", i + 1, e.msg);
			continue;
		}
		snprintf(want, sizeof(want), "%s/%s", dir, errs[i].want);
		if (r != -1 || strcmp(e.msg, want))
			fail_msg("case %zu: %d \"%s\"", i + 1, r, e.msg);
	}
}

/* --- mapping_run: the stream, its sorts, an input out of order ---------- */

static const char *const run_outs[] = {
	"mapped.csv", "unmapped-accounts.csv", "unmapped-services.csv",
	"auto-matched.csv", "map.problems.csv",
};
#define NOUTS (sizeof(run_outs) / sizeof(*run_outs))

#define DA "vendor,account_id,account_name,sku,days_in_month,days_with_usage,licence_days,min_daily,max_daily,daily_average\n"

/* 50 accounts of keeper and 5 of acronis, each its series as a block */
static void run_config(void)
{
	struct strbuf acc = STRBUF_INIT, com = STRBUF_INIT;

	strbuf_addstr(&acc, ACC "keeper,IGN,,,ignore\n");
	strbuf_addstr(&com, COM "1004,Contoso Ltd\n1005,contoso  LTD\n");
	for (int i = 0; i < 40; i++) {
		strbuf_addf(&com, "%d,Client %03d\n", 2000 + i, i);
		if (i % 7 != 3)	/* the others are matched by their name */
			strbuf_addf(&acc, "keeper,A%03d,%d,%s,bill\n", i,
				    2039 - i, i % 2 ? "" : "Named in accounts");
	}
	for (int i = 0; i < 5; i++)
		strbuf_addf(&acc, "acronis,T%d,%d,,bill\n", i, 2000 + i);
	put("accounts.csv", acc.buf);
	put("services.csv", SRV "keeper,Business,KB,Keeper Business,average,\n"
	    "keeper,Support,KS,Keeper Support,full_month,\n"
	    "acronis,Backup,AB,Acronis Backup,average,up\n");
	put("psa-companies.csv", com.buf);
	strbuf_release(&acc);
	strbuf_release(&com);
}

/* the blocks of series of daily-average.csv, in its order */
static size_t run_blocks(struct strbuf *b, size_t max)
{
	size_t n = 0;

	for (int i = 0; i < 5 && n < max; i++, n++) {
		strbuf_init(&b[n]);
		strbuf_addf(&b[n], "acronis,T%d,Tenant %d,Backup,31,31,%d,1,9,1.0\n",
			    i, i, 31 * (i + 1));
	}
	for (int i = 0; i < 50 && n < max; i++, n++) {
		const char *name = i < 40 ? NULL : i == 41 ? "Contoso Ltd" :
				   i == 42 ? "Acme Client" : "Stranger";
		char nm[32];

		if (!name) {
			snprintf(nm, sizeof(nm), "Client %03d", i);
			name = nm;
		}
		strbuf_init(&b[n]);
		/* the first series without a name: the account's is the next */
		strbuf_addf(&b[n], "keeper,A%03d,,Business,31,31,%d,1,9,1.0\n",
			    i, 310 + i);
		strbuf_addf(&b[n], "keeper,A%03d,%s,Old,31,20,%d,1,9,1.0\n",
			    i, name, i % 5 ? 62 : 0);
		strbuf_addf(&b[n], "keeper,A%03d,%s,Support,31,31,%d,0,%s,1.0\n",
			    i, name, 31 * 3, i % 3 ? "3" : "");
	}
	if (n < max) {
		strbuf_init(&b[n]);
		strbuf_addstr(&b[n++], "keeper,IGN,Ignored,Unknown,31,31,31,1,1,1.0\n");
	}
	return n;
}

static void slurp(FILE *fp, struct strbuf *out)
{
	char buf[4096];
	size_t n;

	rewind(fp);
	while ((n = fread(buf, 1, sizeof(buf), fp)) > 0)
		strbuf_add(out, buf, n);
}

/*
 * mapping_run over input text; the five outputs, each after a line
 * "== <name>", into out. Returns mapping_run's value (e its error).
 */
static int run_text(const char *text, struct strbuf *out, struct error *e)
{
	struct settings s;
	struct mapping m;
	struct map_outputs o;
	struct problems p;
	FILE *fp[NOUTS];
	char input[128];
	int r;

	settings_init(&s);
	assert_int_equal(mapping_load(&m, dir, &s, e), 0);
	snprintf(input, sizeof(input), "%s/daily-average.csv", dir);
	put("daily-average.csv", text);
	for (size_t i = 0; i < NOUTS; i++)
		assert_non_null(fp[i] = tmpfile());
	o.mapped = fp[0];
	o.unmapped_accounts = fp[1];
	o.unmapped_services = fp[2];
	o.auto_matched = fp[3];
	o.dir = dir;
	memset(&p, 0, sizeof(p));
	p.stage = "map";
	p.out.fp = fp[4];
	r = mapping_run(&m, input, 31, &o, &p, e);
	strbuf_reset(out);
	for (size_t i = 0; i < NOUTS; i++) {
		strbuf_addf(out, "== %s\n", run_outs[i]);
		slurp(fp[i], out);
		fclose(fp[i]);
	}
	put("daily-average.csv", NULL);
	mapping_release(&m);
	return r;
}

/* nothing left in dir but the config files: the sorts' runs unlinked */
static void assert_dir_clean(void)
{
	DIR *d = opendir(dir);
	struct dirent *de;

	assert_non_null(d);
	while ((de = readdir(d)))
		if (strcmp(de->d_name, ".") && strcmp(de->d_name, "..") &&
		    strcmp(de->d_name, "accounts.csv") &&
		    strcmp(de->d_name, "services.csv") &&
		    strcmp(de->d_name, "psa-companies.csv"))
			fail_msg("left in the folder: %s", de->d_name);
	closedir(d);
}

/* the rank of a problem line's code, in the problems file's order */
static int code_rank(const char *line)
{
	static const char *const codes[] = {
		",auto-matched,", ",unmapped-account,", ",unmapped-service,",
		",full-month-average,",
	};

	for (int i = 0; i < 4; i++)
		if (strstr(line, codes[i]))
			return i;
	return -1;
}

static void test_run_orders(void **state)
{
	struct strbuf b[64], text = STRBUF_INIT, want = STRBUF_INIT,
		      got = STRBUF_INIT;
	struct error e;
	size_t n;
	const char *probs, *line;
	int rank = 0, count[4] = { 0 };

	run_config();
	n = run_blocks(b, 64);
	strbuf_addstr(&text, DA);
	for (size_t i = 0; i < n; i++)
		strbuf_addstr(&text, b[i].buf);
	unsetenv("TALLY_SORT_KIB");
	assert_int_equal(run_text(text.buf, &want, &e), 0);

	/* every sort spilling: the same bytes */
	setenv("TALLY_SORT_KIB", "1", 1);
	assert_int_equal(run_text(text.buf, &got, &e), 0);
	assert_string_equal(got.buf, want.buf);
	assert_dir_clean();

	/* the accounts' blocks in another order (5 is prime to their 56),
	 * spilling or not */
	assert_int_equal(n, 56);
	strbuf_reset(&text);
	strbuf_addstr(&text, DA);
	for (size_t i = 0; i < n; i++)
		strbuf_addstr(&text, b[(i * 5 + 3) % n].buf);
	assert_int_equal(run_text(text.buf, &got, &e), 0);
	assert_string_equal(got.buf, want.buf);
	unsetenv("TALLY_SORT_KIB");
	assert_int_equal(run_text(text.buf, &got, &e), 0);
	assert_string_equal(got.buf, want.buf);
	assert_dir_clean();

	/* what the outputs hold: mapped.csv by company then product */
	assert_non_null(strstr(want.buf, "== mapped.csv\nvendor,account_id,"));
	assert_non_null(strstr(want.buf, "match\nacronis,T0,Tenant 0,Backup,2000,Client 000,AB,"));
	assert_non_null(strstr(want.buf, "\nkeeper,A003,,Business,2003,Client 003,KB,Keeper Business,average,nearest,31,313,10.0968,auto\n"));
	assert_non_null(strstr(want.buf, "keeper,A000,,Business,2039,Named in accounts,KB,"));
	assert_non_null(strstr(want.buf, "keeper,A001,,Business,2038,Client 038,KB,"));
	assert_null(strstr(want.buf, "IGN"));
	assert_non_null(strstr(want.buf, "== unmapped-services.csv\nvendor,sku,psa_product_id,psa_product_name,billing,rounding,suggestion\nkeeper,Old,,Old,average,,\n== "));
	assert_non_null(strstr(want.buf, "keeper,A041,,Contoso Ltd,bill,1004 Contoso Ltd; 1005 contoso  LTD\n"));
	/* the problems: auto-matched, unmapped-account, unmapped-service,
	 * full-month-average, each list in its order */
	probs = strstr(want.buf, "== map.problems.csv\n");
	assert_non_null(probs);
	for (line = strchr(probs, '\n') + 1; *line; line = strchr(line, '\n') + 1) {
		int r = code_rank(line);

		assert_true(r >= rank);
		rank = r;
		count[r]++;
	}
	assert_int_equal(count[0], 6);	/* A003, A010, ..., A038 */
	assert_int_equal(count[1], 10);	/* A040 .. A049 */
	assert_int_equal(count[2], 1);
	assert_int_equal(count[3], 14);	/* no max: 0, 3, ..., 39 */
	for (size_t i = 0; i < n; i++)
		strbuf_release(&b[i]);
	strbuf_release(&text);
	strbuf_release(&want);
	strbuf_release(&got);
}

/* the errors of the input: a row's first, then max_daily too large */
static void test_run_errors(void **state)
{
	struct strbuf out = STRBUF_INIT;
	struct error e;
	char want[256];

	run_config();
	assert_int_equal(run_text(DA "keeper,A000,X,Support,31,31,31,0,99999999999999,1\n"
				  "keeper,A001,X,Support,31,31,31,0,99999999999999,1\n"
				  "keeper,A002,X,Business,30,31,31,0,1,1\n", &out, &e), -1);
	snprintf(want, sizeof(want), "%s/daily-average.csv:4: days_in_month is not the month's 31 (\"30\")", dir);
	assert_string_equal(e.msg, want);
	/* in order or not, the first line's */
	assert_int_equal(run_text(DA "keeper,A001,X,Support,31,31,31,0,99999999999999,1\n"
				  "keeper,A000,X,Support,31,31,31,0,99999999999999,1\n", &out, &e), -1);
	snprintf(want, sizeof(want), "%s/daily-average.csv:2: max_daily too large (\"Support\")", dir);
	assert_string_equal(e.msg, want);
	assert_int_equal(run_text(DA "keeper,A000,X,Business,31,31,31,0,1,1\n"
				  "keeper,A002,X,Support,31,31,31,0,1,1\n"
				  "keeper,A001,X,Support,31,31,31,0,99999999999999,1\n"
				  "keeper,A003,X,Support,31,31,31,0,99999999999999,1\n", &out, &e), -1);
	snprintf(want, sizeof(want), "%s/daily-average.csv:4: max_daily too large (\"Support\")", dir);
	assert_string_equal(e.msg, want);
	assert_dir_clean();
	strbuf_release(&out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_normalise),
		cmocka_unit_test_setup_teardown(test_matches_and_suggestions,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_config_errors, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_run_orders, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_run_errors, setup,
						teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
