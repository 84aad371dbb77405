/*
 * config/prices.csv (lib/prices.h): rows loaded never outnumber the
 * file's lines; every error names the file and a line of it.
 */
#include "fuzz_config.h"
#include "money.h"
#include "prices.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct prices p = PRICES_INIT;
	struct error e = { 0 };
	int rc;

	rc = prices_load(&p, fuzz_config_file("prices.csv", data, size),
			 currency_find("USD"), &e);
	fuzz_check_error(rc, &e);
	if (rc == 0) {
		FUZZ_CHECK(p.n <= fuzz_lines(data, size));
	} else {
		FUZZ_CHECK(e.code == ERR_CONFIG || e.code == ERR_IO);
		FUZZ_CHECK(strstr(e.msg, "prices.csv") != NULL);
		FUZZ_CHECK(e.line >= 0 && (size_t)e.line <= fuzz_lines(data, size));
	}
	prices_release(&p);
	return 0;
}
