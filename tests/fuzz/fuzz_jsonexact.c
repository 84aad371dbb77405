/*
 * The JSON reader's parse (lib/jsonexact.h), on which every JSON input
 * rests (inbox .json files, the APIs' answers through the pulls): each
 * number of a parsed document keeps text that is a JSON number, whose
 * plain decimal (jx_decimal_text) is digits with at most one point; a
 * failed parse names a line within the text.
 */
#include "fuzz.h"
#include "jsonexact.h"
#include "strbuf.h"

static void walk(json_t *v, int depth)
{
	const char *s;
	size_t n, i;
	const char *k;
	json_t *x;

	FUZZ_CHECK(depth < 100000);
	if (jx_number(v, &s, &n)) {
		struct strbuf d = STRBUF_INIT;

		FUZZ_CHECK(n > 0 && strspn(s, "0123456789+-.eE") >= n);
		if (jx_decimal_text(s, n, &d) == 0) {
			size_t digits = strspn(d.buf + (d.buf[0] == '-'), "0123456789");
			const char *rest = d.buf + (d.buf[0] == '-') + digits;

			FUZZ_CHECK(digits > 0);
			FUZZ_CHECK(!*rest || (rest[0] == '.' &&
				   strspn(rest + 1, "0123456789") == strlen(rest + 1) &&
				   rest[1]));
		}
		strbuf_release(&d);
	} else if (json_is_object(v)) {
		json_object_foreach(v, k, x)
			walk(x, depth + 1);
	} else if (json_is_array(v)) {
		json_array_foreach(v, i, x)
			walk(x, depth + 1);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct jx_doc d;
	struct error e = { 0 };
	long lines = 1;
	int rc;

	for (size_t i = 0; i < size; i++)
		lines += data[i] == '\n';
	memset(&d, 0, sizeof(d));
	rc = jx_parse(&d, (const char *)data, size, "f.json", &e);
	fuzz_check_error(rc, &e);
	if (rc == 0) {
		FUZZ_CHECK(d.root != NULL);
		for (size_t i = 0; i < d.nlines; i++)
			FUZZ_CHECK(d.lines[i] >= 1 && d.lines[i] <= lines);
		walk(d.root, 0);
	} else {
		FUZZ_CHECK(d.root == NULL);
		FUZZ_CHECK(e.line >= 0 && e.line <= lines);
	}
	jx_release(&d);
	return 0;
}
