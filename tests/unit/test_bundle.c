/*
 * The month's archive (lib/bundle.c) and SHA-256 (lib/sha256.c): the
 * FIPS 180-4 example vectors, then an archive of a scratch copy of
 * tests/data/month-psa with an inbox link, make's .tally/ stamps, a temporary
 * file and an old summary.json that must not go in, written by one thread
 * and by several.
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
#include <zip.h>
#include "bundle.h"
#include "sha256.h"
#include "strbuf.h"
#include "banned.h"

#define DATA "tests/data/month-psa"

static const struct vec {
	const char *msg;
	size_t repeat;
	const char *hex;
} vecs[] = {
	/* 1: FIPS 180-4 example "abc" (one block) */
	{ "abc", 1,
	  "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad" },
	/* 2: the 448-bit message (padding spills into a second block) */
	{ "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", 1,
	  "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1" },
	/* 3: the empty message */
	{ "", 1,
	  "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855" },
	/* 4: one million "a", fed 1 byte at a time in 10^6 updates */
	{ "a", 1000000,
	  "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0" },
	/* 5: 64 bytes, exactly one block before padding */
	{ "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef", 1,
	  "a8ae6e6ee929abea3afcfc5258c8ccd6f85273e0d4626d26c7279f3250f77c8e" },
};

static void test_sha256_vectors(void **state)
{
	size_t i, k;

	for (i = 0; i < sizeof(vecs) / sizeof(*vecs); i++) {
		struct sha256 c;
		char hex[65];

		sha256_init(&c);
		for (k = 0; k < vecs[i].repeat; k++)
			sha256_update(&c, vecs[i].msg, strlen(vecs[i].msg));
		sha256_final_hex(&c, hex);
		if (strcmp(hex, vecs[i].hex))
			fail_msg("case %zu: %s", i + 1, hex);
	}
}

static char dir[64];

static void sh(const char *fmt, const char *a)
{
	struct strbuf cmd = STRBUF_INIT;

	strbuf_addf(&cmd, fmt, a, a, a, a);
	assert_int_equal(system(cmd.buf), 0);
	strbuf_release(&cmd);
}

static int setup(void **state)
{
	snprintf(dir, sizeof(dir), "/tmp/tally-zip-XXXXXX");
	if (!mkdtemp(dir))
		return -1;
	/* a month, an inbox of one file linked from in/, make's stamps,
	 * temporary files of a run (tally's, libzip's) and last run's
	 * summary.json */
	sh("mkdir -p %s/out %s/inbox %s/out/in && cp -r " DATA "/month/. %s/out/", dir);
	sh("printf 'date,company\\n' > '%s/inbox/Keeper Billing Report.csv' && "
	   "ln -s '%s/inbox/Keeper Billing Report.csv' %s/out/in/Keeper_Billing_Report.csv", dir);
	sh("mkdir %s/out/.tally && echo absent > %s/out/.tally/inbox.list", dir);
	sh("echo half > %s/out/daily.csv.tmp4242 && echo half > %s/out/tally-2026-10.zip.tmp4242.AbC123 && echo '{\"old\": 1}' > %s/out/summary.json && touch %s/out/.lock", dir);
	return 0;
}

static int teardown(void **state)
{
	sh("rm -rf %s", dir);
	return 0;
}

static const char summary[] = "{\n  \"month\": \"2026-10\"\n}\n";

/* the archive of dir/<sub>, its outputs deflated by threads threads */
static void write_bundle_of(const char *sub, int threads)
{
	struct bundle_input in;
	struct strbuf m = STRBUF_INIT;
	struct error e;

	strbuf_addf(&m, "%s/%s", dir, sub);
	memset(&in, 0, sizeof(in));
	in.monthdir = m.buf;
	in.configdir = DATA "/config";
	in.y = 2026;
	in.m = 10;
	in.psa = PSA_AUTOTASK;
	in.summary = summary;
	in.summary_len = strlen(summary);
	in.threads = threads;
	if (bundle_write(&in, &e))
		fail_msg("%s", e.msg);
	strbuf_release(&m);
}

static void write_bundle(void)
{
	write_bundle_of("out", 0);
}

static char *zip_path(void)
{
	static char p[128];

	snprintf(p, sizeof(p), "%s/out/tally-2026-10.zip", dir);
	return p;
}

static char *entry(zip_t *za, const char *name)
{
	zip_stat_t st;
	zip_file_t *zf;
	char *buf;

	if (zip_stat(za, name, 0, &st) || !(zf = zip_fopen(za, name, 0)))
		fail_msg("no %s", name);
	buf = malloc(st.size + 1);
	assert_int_equal(zip_fread(zf, buf, st.size), (zip_int64_t)st.size);
	buf[st.size] = '\0';
	zip_fclose(zf);
	return buf;
}

static void test_entries(void **state)
{
	/* manifest first, then every output by path; no .tally/, in/,
	 * temporary or hidden file */
	static const char *const want[] = {
		"manifest.json", "auto-matched.csv", "daily-average.csv",
		"daily.csv", "extract/Keeper_Billing_Report.json",
		"extract/Keeper_Billing_Report.rejects.csv",
		"extract/PSA_units.csv", "extract/PSA_units.json",
		"invoice-lines.csv", "invoices.json", "mapped.csv",
		"problems.csv", "rounded.csv", "summary.json",
		"unmapped-accounts.csv", "unmapped-services.csv",
	};
	int err;
	zip_t *za;
	zip_int64_t i, n;
	char *s;

	write_bundle();
	za = zip_open(zip_path(), ZIP_RDONLY, &err);
	assert_non_null(za);
	n = zip_get_num_entries(za, 0);
	assert_int_equal(n, sizeof(want) / sizeof(*want));
	for (i = 0; i < n; i++) {
		zip_stat_t st;

		assert_int_equal(zip_stat_index(za, (zip_uint64_t)i, 0, &st), 0);
		if (strcmp(st.name, want[i]))
			fail_msg("entry %lld: %s, expected %s", (long long)i,
				 st.name, want[i]);
		/* 2026-11-01 00:00:00 UTC */
		assert_int_equal((long long)st.mtime, 1793491200LL);
	}
	/* summary.json as export is about to commit it, not the old one */
	s = entry(za, "summary.json");
	assert_string_equal(s, summary);
	free(s);
	zip_close(za);
}

static void test_manifest(void **state)
{
	int err;
	zip_t *za;
	char *s, hex[65];
	json_t *j, *o;
	json_error_t je;
	struct sha256 c;
	struct strbuf p = STRBUF_INIT;

	write_bundle();
	za = zip_open(zip_path(), ZIP_RDONLY, &err);
	assert_non_null(za);
	s = entry(za, "manifest.json");
	zip_close(za);
	j = json_loads(s, 0, &je);
	assert_non_null(j);
	/* keys in the documented order */
	assert_true(strstr(s, "\"tally_version\": \"0.1.0\",\n  \"month\": \"2026-10\",\n  \"psa\": \"autotask\",\n  \"inputs\"") != NULL);
	/* the input by its inbox name, through the link: 16 bytes */
	o = json_array_get(json_object_get(j, "inputs"), 0);
	assert_string_equal(json_string_value(json_object_get(o, "name")),
			    "Keeper Billing Report.csv");
	assert_int_equal(json_integer_value(json_object_get(o, "bytes")), 13);
	sha256_init(&c);
	sha256_update(&c, "date,company\n", 13);
	sha256_final_hex(&c, hex);
	assert_string_equal(json_string_value(json_object_get(o, "sha256")), hex);
	/* config: services.csv and settings.json, in byte order */
	assert_int_equal(json_array_size(json_object_get(j, "config")), 2);
	o = json_array_get(json_object_get(j, "config"), 1);
	assert_string_equal(json_string_value(json_object_get(o, "name")),
			    "settings.json");
	strbuf_addf(&p, DATA "/config/settings.json");
	assert_int_equal(sha256_file(p.buf, hex, NULL, NULL), 0);
	assert_string_equal(json_string_value(json_object_get(o, "sha256")), hex);
	/* outputs: the 15 entries after the manifest; summary.json hashed
	 * from memory */
	assert_int_equal(json_array_size(json_object_get(j, "outputs")), 15);
	o = json_array_get(json_object_get(j, "outputs"), 12);
	assert_string_equal(json_string_value(json_object_get(o, "name")),
			    "summary.json");
	sha256_init(&c);
	sha256_update(&c, summary, strlen(summary));
	sha256_final_hex(&c, hex);
	assert_string_equal(json_string_value(json_object_get(o, "sha256")), hex);
	json_decref(j);
	free(s);
	strbuf_release(&p);
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
	char *a, *b;
	size_t na, nb;

	write_bundle();
	a = slurp(zip_path(), &na);
	sleep(1);
	/* touched files, another zone: the same bytes */
	sh("touch %s/out/daily.csv", dir);
	setenv("TZ", "Asia/Tokyo", 1);
	write_bundle();
	b = slurp(zip_path(), &nb);
	assert_int_equal(na, nb);
	assert_memory_equal(a, b, na);
	free(a);
	free(b);
}

/*
 * The outputs deflated by 2, 3 or BUNDLE_THREADS_MAX threads (more asked
 * counts as that), each into its own parts archive: the same bytes as by
 * one, and no parts archive left. A month of summary.json alone by two:
 * one thread has nothing to deflate.
 */
static void test_threads(void **state)
{
	static const int threads[] = { 2, 3, BUNDLE_THREADS_MAX, 64 };
	char *a, *b;
	size_t na, nb, i;
	struct strbuf p = STRBUF_INIT;
	int err;
	zip_t *za;

	write_bundle_of("out", 1);
	a = slurp(zip_path(), &na);
	for (i = 0; i < sizeof(threads) / sizeof(*threads); i++) {
		write_bundle_of("out", threads[i]);
		b = slurp(zip_path(), &nb);
		if (na != nb || memcmp(a, b, na))
			fail_msg("%d threads: not the bytes of one", threads[i]);
		free(b);
		sh("! ls -a %s/out | grep parts", dir);
	}
	free(a);

	sh("mkdir %s/bare", dir);
	write_bundle_of("bare", 2);
	strbuf_addf(&p, "%s/bare/tally-2026-10.zip", dir);
	za = zip_open(p.buf, ZIP_RDONLY, &err);
	assert_non_null(za);
	assert_int_equal(zip_get_num_entries(za, 0), 2);
	a = entry(za, "summary.json");
	assert_string_equal(a, summary);
	free(a);
	zip_close(za);
	sh("! ls -a %s/bare | grep parts", dir);
	strbuf_release(&p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sha256_vectors),
		cmocka_unit_test(test_entries),
		cmocka_unit_test(test_manifest),
		cmocka_unit_test(test_same_bytes),
		cmocka_unit_test(test_threads),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
