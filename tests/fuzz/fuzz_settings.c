/*
 * config/settings.json (lib/settings.h): a file read gives values in
 * their ranges, or an error naming the key.
 */
#include "fuzz_config.h"
#include "settings.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct settings s;
	struct error e = { 0 };
	int rc;

	settings_init(&s);
	rc = settings_load(&s, fuzz_config_file("settings.json", data, size), &e);
	fuzz_check_error(rc, &e);
	if (rc == 0) {
		FUZZ_CHECK(s.currency != NULL);
		FUZZ_CHECK(s.payment_terms_days >= 0 && s.payment_terms_days <= 365);
		FUZZ_CHECK(s.tax_rate >= 0);
		FUZZ_CHECK(memchr(s.invoice_prefix, '\0', sizeof(s.invoice_prefix)));
	} else {
		FUZZ_CHECK(e.code == ERR_CONFIG || e.code == ERR_IO);
		FUZZ_CHECK(strstr(e.msg, "settings.json") != NULL);
	}
	return 0;
}
