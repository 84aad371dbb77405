#ifndef FUZZ_EXTRACT_H
#define FUZZ_EXTRACT_H
/*
 * The inbox readers' targets: one inbox file, named "f.<ext>", through
 * extract_file (lib/extract.h) for MONTH 2026-10 with the profiles of
 * schemas/sources/, as bin/extract reads it. A target for another inbox
 * format (a zip, a snapshot) is this with its extension:
 *
 *     #include "fuzz_extract.h"
 *     int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
 *     {
 *             return fuzz_extract("zip", data, size);
 *     }
 *
 * Checks: the row accounting (read = accepted + rejected + out_of_month
 * + preamble, every count at least 0, duplicates among the accepted);
 * a file refused or not read counts no data row; on success the four
 * outputs are there, on failure none is half written; no temporary file
 * is left; the first blocking problem is named when there is one.
 */
#include <sys/stat.h>
#include "extract.h"
#include "profile.h"
#include "fuzz.h"

#ifndef TALLY_ROOT
#define TALLY_ROOT "."
#endif

static int fuzz_exists(const char *name)
{
	struct stat st;

	return stat(fuzz_path(name), &st) == 0;
}

/*
 * What every extract must leave (the checks above), for the result of a
 * call that wrote outs; then outs and the input name are removed.
 */
static void fuzz_extract_check(int rc, const struct extract_result *r,
			       const struct error *e, const char *name)
{
	static const char *const outs[] = {
		"f.out.csv", "f.out.json", "f.out.rejects.csv",
		"f.out.problems.csv",
	};

	fuzz_check_error(rc, e);
	if (rc == 0) {
		const struct extract_rows *n = &r->rows;

		FUZZ_CHECK(n->accepted >= 0 && n->rejected >= 0 &&
			   n->out_of_month >= 0 && n->preamble >= 0);
		FUZZ_CHECK(n->read == n->accepted + n->rejected +
			   n->out_of_month + n->preamble);
		FUZZ_CHECK(n->duplicates >= 0 && n->duplicates <= n->accepted);
		FUZZ_CHECK(r->series >= 0 && r->series <= n->accepted);
		/* no profile, no data row */
		if (!r->format)
			FUZZ_CHECK(n->accepted + n->rejected + n->out_of_month == 0);
		FUZZ_CHECK((r->nblocking > 0) == (r->first_blocking != NULL));
		for (size_t i = 0; i < sizeof(outs) / sizeof(outs[0]); i++)
			FUZZ_CHECK(fuzz_exists(outs[i]));
	} else {
		FUZZ_CHECK(!fuzz_exists("f.out.csv"));
	}
	for (size_t i = 0; i < sizeof(outs) / sizeof(outs[0]); i++)
		fuzz_remove(outs[i]);
	if (name)
		fuzz_remove(name);
}

static const struct profiles *fuzz_profiles(void)
{
	static struct profiles ps;
	static int loaded;
	struct error e = { 0 };

	if (!loaded) {
		FUZZ_CHECK(profiles_load(&ps, TALLY_ROOT "/schemas/sources", &e) == 0);
		loaded = 1;
	}
	return &ps;
}

/* extract's options for the file name under the scratch folder */
static struct extract_opts fuzz_extract_opts(const char *name)
{
	struct extract_opts o = { 0 };

	o.name = name;
	o.path = fuzz_path(name);
	o.out = fuzz_path("f.out.csv");
	o.year = 2026;
	o.month = 10;
	o.profiles = fuzz_profiles();
	return o;
}

static __attribute__((unused)) int fuzz_extract(const char *ext, const uint8_t *data, size_t size)
{
	struct extract_opts o;
	struct extract_result r = { 0 };
	struct error e = { 0 };
	char name[32];
	int rc;

	snprintf(name, sizeof(name), "f.%s", ext);
	fuzz_file(name, data, size);
	o = fuzz_extract_opts(name);
	rc = extract_file(&o, &r, &e);
	fuzz_extract_check(rc, &r, &e, name);
	free(r.first_blocking);
	return 0;
}
#endif
