/*
 * STATE/ledger.csv (lib/ledger.h): a ledger that loads is written back
 * (ledger_write) byte for byte as ledger_format gives it, and that file
 * loads again to the same rows; an error names the file.
 */
#include "fuzz_config.h"
#include "ledger.h"
#include "strbuf.h"

static void load_text(const char *path, struct strbuf *out)
{
	FILE *fp = fopen(path, "rb");
	char buf[4096];
	size_t n;

	FUZZ_CHECK(fp != NULL);
	while ((n = fread(buf, 1, sizeof(buf), fp)) > 0)
		strbuf_add(out, buf, n);
	fclose(fp);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ledger l = LEDGER_INIT, again = LEDGER_INIT;
	struct error e = { 0 };
	int rc;

	rc = ledger_load(&l, fuzz_file("ledger.csv", data, size), &e);
	fuzz_check_error(rc, &e);
	if (rc == 0) {
		struct strbuf a = STRBUF_INIT, b = STRBUF_INIT, c = STRBUF_INIT;
		const char *path = fuzz_path("again.csv");

		ledger_format(&l, &a);
		FUZZ_CHECK(ledger_write(&l, path, &e) == 0);
		fuzz_no_temp();
		load_text(path, &b);
		FUZZ_CHECK(a.len == b.len && memcmp(a.buf, b.buf, a.len) == 0);
		FUZZ_CHECK(ledger_load(&again, path, &e) == 0);
		FUZZ_CHECK(again.n == l.n);
		ledger_format(&again, &c);
		FUZZ_CHECK(a.len == c.len && memcmp(a.buf, c.buf, a.len) == 0);
		strbuf_release(&a);
		strbuf_release(&b);
		strbuf_release(&c);
		fuzz_remove("again.csv");
	} else {
		FUZZ_CHECK(strstr(e.msg, "ledger.csv") != NULL);
	}
	ledger_release(&l);
	ledger_release(&again);
	return 0;
}
