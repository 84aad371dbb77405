/*
 * An inbox .zip archive (lib/exzip.h): its central directory listed as
 * bin/tally inbox lists it, then each member read (the first four) or the
 * whole archive refused, as bin/extract --member reads it. Checks, besides
 * extract's (tests/fuzz/fuzz_extract.h): a refused archive has no member
 * to read; every member listed or skipped has a name and a skipped one
 * its why; a member named with a control character gives no usage; the
 * inflated copy never outlives the call (no *.tmp* is left).
 */
#include <string.h>
#include "exzip.h"
#include "fuzz_extract.h"

static void fuzz_zip_one(long index, const char *name)
{
	struct extract_opts o = fuzz_extract_opts("f.zip");
	struct extract_result r = { 0 };
	struct error e = { 0 };
	char *member = NULL;
	int rc;

	rc = exzip_extract(&o, fuzz_path("f.zip"), index, &member, &r, &e);
	fuzz_extract_check(rc, &r, &e, NULL);
	if (rc == 0) {
		FUZZ_CHECK(member && strncmp(member, "f.zip", 5) == 0);
		for (const char *c = name; c && *c; c++)
			if ((unsigned char)*c < 0x20 || *c == 0x7f)
				FUZZ_CHECK(r.rows.accepted == 0);
	}
	free(member);
	free(r.first_blocking);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct exzip_list l = { 0 };
	struct error e = { 0 };
	int rc;

	fuzz_file("f.zip", data, size);
	rc = exzip_list(fuzz_path("f.zip"), &l, &e);
	fuzz_check_error(rc, &e);
	if (rc == 0) {
		if (l.refuse[0]) {
			FUZZ_CHECK(l.n == 0);
			fuzz_zip_one(-1, NULL);
		}
		for (size_t i = 0; i < l.n; i++)
			FUZZ_CHECK(l.v[i].name != NULL);
		for (size_t i = 0; i < l.nskip; i++)
			FUZZ_CHECK(l.skip[i].name && l.skip[i].why);
		for (size_t i = 0; i < l.n && i < 4; i++)
			fuzz_zip_one(l.v[i].index, l.v[i].name);
	}
	exzip_list_release(&l);
	fuzz_remove("f.zip");
	return 0;
}
