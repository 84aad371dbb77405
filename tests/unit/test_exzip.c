/*
 * Zip archives in the inbox (lib/exzip.c): member names, the members an
 * archive's directory gives (skipped entries, whole-archive refusals),
 * one member extracted (refusals of a member), and the inbox entries a
 * zip becomes (lib/inbox.c). The golden cases 1030-1042 run the same
 * through make.
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
#include <zip.h>
#include "extract.h"
#include "exzip.h"
#include "inbox.h"
#include "profile.h"
#include "settings.h"
#include "strbuf.h"
#define SCRATCH_NAME "tally-test-exzip"
#include "scratch.h"
#include "banned.h"

static const char usage[] =
	"date,vendor,account_id,account_name,sku,quantity\n"
	"2026-10-01,acronis,A-1,Alpha LLC,backup,2\n";

/* an archive at scratch/name of members (name, data, unix mode; NULL-ended) */
struct member {
	const char *name, *data;
	unsigned mode;
};

static char *make_zip(const char *name, const struct member *m)
{
	struct strbuf path = STRBUF_INIT;
	zip_t *za;
	int err;

	strbuf_addf(&path, "%s/%s", scratch_dir, name);
	za = zip_open(path.buf, ZIP_CREATE | ZIP_TRUNCATE, &err);
	assert_non_null(za);
	for (; m->name; m++) {
		zip_source_t *src = zip_source_buffer(za, m->data, strlen(m->data), 0);
		zip_int64_t i = zip_file_add(za, m->name, src, ZIP_FL_ENC_UTF_8);

		assert_true(i >= 0);
		if (m->mode)
			assert_int_equal(zip_file_set_external_attributes(za, (zip_uint64_t)i, 0,
									  ZIP_OPSYS_UNIX,
									  (zip_uint32_t)m->mode << 16), 0);
	}
	assert_int_equal(zip_close(za), 0);
	return strbuf_detach(&path);
}

static void test_names(void **state)
{
	assert_true(exzip_is_zip_name("a.zip"));
	assert_true(exzip_is_zip_name("A.ZIP"));
	assert_false(exzip_is_zip_name("a.zip.csv"));
	assert_false(exzip_is_zip_name("zip"));
	/* the archive's part of a member's inbox name */
	assert_int_equal(exzip_archive_len("a.zip:x/y.csv"), 5);
	assert_int_equal(exzip_archive_len("Oct exports.ZIP:k.csv"), 15);
	assert_int_equal(exzip_archive_len("a.zip:b.zip:c.csv"), 5);
	assert_int_equal(exzip_archive_len("notes.csv"), 0);
	assert_int_equal(exzip_archive_len(".zip:x"), 0);
	assert_int_equal(exzip_archive_len("dir/a.zip:x"), 0);
}

static void test_list(void **state)
{
	static const struct member m[] = {
		{ "oct/", "", 0 },
		{ "oct/b.csv", usage, 0 },
		{ "__MACOSX/oct/._b.csv", "x", 0 },
		{ "oct/.DS_Store", "x", 0 },
		{ ".git/config", "x", 0 },
		{ "a.csv", usage, 0 },
		{ "../up.csv", usage, 0 },
		{ NULL, NULL, 0 },
	};
	char *path = make_zip("x.zip", m);
	struct exzip_list l;
	struct error e;

	assert_int_equal(exzip_list(path, &l, &e), 0);
	assert_string_equal(l.refuse, "");
	/* folders, __MACOSX/ and hidden steps skipped; ".." is listed, to be
	 * refused with its name when it is read */
	assert_int_equal(l.n, 3);
	assert_string_equal(l.v[0].name, "oct/b.csv");
	assert_int_equal(l.v[0].index, 1);
	assert_string_equal(l.v[1].name, "a.csv");
	assert_string_equal(l.v[2].name, "../up.csv");
	exzip_list_release(&l);
	free(path);
}

/* a name without zip's UTF-8 flag is CP437: 0x82 is é */
static void test_list_cp437(void **state)
{
	struct strbuf path = STRBUF_INIT;
	struct exzip_list l;
	struct error e;
	zip_t *za;
	int err;

	strbuf_addf(&path, "%s/dos.zip", scratch_dir);
	za = zip_open(path.buf, ZIP_CREATE | ZIP_TRUNCATE, &err);
	assert_non_null(za);
	assert_true(zip_file_add(za, "caf\x82.csv",
				 zip_source_buffer(za, usage, strlen(usage), 0),
				 ZIP_FL_ENC_CP437) >= 0);
	assert_int_equal(zip_close(za), 0);
	assert_int_equal(exzip_list(path.buf, &l, &e), 0);
	assert_int_equal(l.n, 1);
	assert_string_equal(l.v[0].name, "caf\xc3\xa9.csv");
	exzip_list_release(&l);
	strbuf_release(&path);
}

static void test_list_refused(void **state)
{
	struct strbuf path = STRBUF_INIT;
	struct exzip_list l;
	struct error e;
	FILE *fp;

	strbuf_addf(&path, "%s/bad.zip", scratch_dir);
	fp = fopen(path.buf, "wb");
	assert_non_null(fp);
	fputs("PK\003\004 not really", fp);
	fclose(fp);
	assert_int_equal(exzip_list(path.buf, &l, &e), 0);
	assert_non_null(strstr(l.refuse, "not a zip archive, or a damaged one"));
	assert_int_equal(l.n, 0);
	exzip_list_release(&l);
	/* a file that cannot be opened is an I/O error, not a refusal */
	strbuf_addstr(&path, ".gone");
	assert_int_equal(exzip_list(path.buf, &l, &e), -1);
	assert_int_equal(e.code, ERR_IO);
	exzip_list_release(&l);
	strbuf_release(&path);
}

static struct profiles ps;	/* r->format is borrowed from them */

/* extract member index of zip: the result's first blocking problem */
static char *extract_member(const char *zip, long index, char **name,
			    struct extract_result *r)
{
	struct extract_opts o = { 0 };
	struct strbuf out = STRBUF_INIT;
	struct error e;

	if (!ps.n)
		assert_int_equal(profiles_load(&ps, "schemas/sources", &e), 0);
	strbuf_addf(&out, "%s/m%ld.csv", scratch_dir, index);
	o.name = "x.zip";
	o.out = out.buf;
	o.year = 2026;
	o.month = 10;
	o.profiles = &ps;
	assert_int_equal(exzip_extract(&o, zip, index, name, r, &e), 0);
	strbuf_release(&out);
	return r->first_blocking;
}

static void test_extract(void **state)
{
	static const struct member m[] = {
		{ "ok.csv", usage, 0 },
		{ "link.csv", "/etc/passwd", 0120777 },
		{ "inner.zip", "PK\003\004", 0 },
		{ "content.csv", "PK\003\004 an archive by its bytes", 0 },
		{ "/abs.csv", usage, 0 },
		{ NULL, NULL, 0 },
	};
	char *zip = make_zip("x.zip", m), *name, *why;
	struct extract_result r;
	struct stat st;
	struct strbuf tmp = STRBUF_INIT;

	/* a good member: read as a file named archive:member, nothing left
	 * of its inflated copy */
	why = extract_member(zip, 0, &name, &r);
	assert_null(why);
	assert_string_equal(name, "x.zip:ok.csv");
	assert_string_equal(r.format, "generic-usage");
	assert_int_equal(r.rows.accepted, 1);
	free(name);
	strbuf_addf(&tmp, "%s/m0.member", scratch_dir);
	assert_int_not_equal(stat(tmp.buf, &st), 0);
	/* each refusal names the member; no usage is taken */
	why = extract_member(zip, 1, &name, &r);
	assert_string_equal(name, "x.zip:link.csv");
	assert_non_null(strstr(why, "a link"));
	assert_int_equal(r.rows.read, 0);
	free(why);
	free(name);
	why = extract_member(zip, 2, &name, &r);
	assert_non_null(strstr(why, "an archive inside the archive"));
	free(why);
	free(name);
	why = extract_member(zip, 3, &name, &r);
	assert_non_null(strstr(why, "an archive inside the archive"));
	free(why);
	free(name);
	why = extract_member(zip, 4, &name, &r);
	assert_non_null(strstr(why, "an absolute path"));
	free(why);
	free(name);
	strbuf_release(&tmp);
	free(zip);
}

static void test_inbox_entries(void **state)
{
	static const struct member m[] = {
		{ "b.csv", usage, 0 },
		{ "a b.csv", usage, 0 },
		{ NULL, NULL, 0 },
	};
	struct inbox in;
	struct error e;
	struct strbuf plain = STRBUF_INIT;
	char *zip = make_zip("Oct.zip", m);
	FILE *fp;

	strbuf_addf(&plain, "%s/Oct.zip.csv", scratch_dir);
	fp = fopen(plain.buf, "w");
	assert_non_null(fp);
	fputs(usage, fp);
	fclose(fp);
	assert_int_equal(inbox_scan(&in, scratch_dir, &e), 0);
	/* the members in byte order of their names, each its own safe name;
	 * a plain file whose name meets a member's gets -2 */
	assert_int_equal(in.n, 3);
	assert_string_equal(in.e[0].name, "Oct.zip.csv");
	assert_null(in.e[0].archive);
	assert_string_equal(in.e[1].name, "Oct.zip:a b.csv");
	assert_string_equal(in.e[1].safe, "Oct.zip_a_b.csv");
	assert_string_equal(in.e[1].archive, "Oct.zip");
	assert_int_equal(in.e[1].member, 1);
	assert_string_equal(in.e[2].name, "Oct.zip:b.csv");
	assert_string_equal(in.e[2].safe, "Oct.zip_b.csv");
	assert_int_equal(in.e[2].member, 0);
	inbox_release(&in);
	strbuf_release(&plain);
	free(zip);
}

static void test_active_statuses(void **state)
{
	struct settings s;

	settings_init(&s);
	assert_true(settings_status_active(&s, "active", 6));
	assert_false(settings_status_active(&s, "Active", 6));
	assert_false(settings_status_active(&s, "activ", 5));
	assert_false(settings_status_active(&s, "suspended", 9));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_names),
		cmocka_unit_test_setup_teardown(test_list, scratch_setup, scratch_teardown),
		cmocka_unit_test_setup_teardown(test_list_cp437, scratch_setup, scratch_teardown),
		cmocka_unit_test_setup_teardown(test_list_refused, scratch_setup, scratch_teardown),
		cmocka_unit_test_setup_teardown(test_extract, scratch_setup, scratch_teardown),
		cmocka_unit_test_setup_teardown(test_inbox_entries, scratch_setup, scratch_teardown),
		cmocka_unit_test(test_active_statuses),
	};

	int failed = cmocka_run_group_tests(tests, NULL, NULL);

	profiles_release(&ps);
	return failed;
}
