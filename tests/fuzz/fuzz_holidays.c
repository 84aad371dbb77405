/*
 * config/holidays.csv (lib/holidays.h): the days come sorted without
 * repeats, no more of them than lines; errors name the file and line.
 */
#include "fuzz_config.h"
#include "holidays.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cal_extra x;
	struct error e = { 0 };
	int rc;

	rc = holidays_load(&x, fuzz_config_file("holidays.csv", data, size), &e);
	fuzz_check_error(rc, &e);
	if (rc == 0) {
		FUZZ_CHECK(x.n <= fuzz_lines(data, size));
		for (size_t i = 1; i < x.n; i++)
			FUZZ_CHECK(x.days[i - 1] < x.days[i]);
	} else {
		FUZZ_CHECK(e.code == ERR_CONFIG || e.code == ERR_IO);
		FUZZ_CHECK(strstr(e.msg, "holidays.csv") != NULL);
		FUZZ_CHECK(e.line >= 0 && (size_t)e.line <= fuzz_lines(data, size));
	}
	holidays_release(&x);
	return 0;
}
