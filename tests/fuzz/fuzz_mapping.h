#ifndef FUZZ_MAPPING_H
#define FUZZ_MAPPING_H
/*
 * One mapping file of config/ (accounts.csv, services.csv,
 * psa-companies.csv) through mapping_load (lib/mapping.h), the other
 * mapping files missing: every error names the file and a line of it.
 * Each fuzz_<file>.c is this with its file's name.
 */
#include "fuzz_config.h"
#include "mapping.h"

static inline int fuzz_mapping_file(const char *name, const uint8_t *data,
				    size_t size)
{
	struct settings s;
	struct mapping m;
	struct error e = { 0 };
	int rc;

	settings_init(&s);
	memset(&m, 0, sizeof(m));
	fuzz_config_file(name, data, size);
	rc = mapping_load(&m, fuzz_path("config"), &s, &e);
	fuzz_check_error(rc, &e);
	if (rc == -1) {
		FUZZ_CHECK(e.code == ERR_CONFIG || e.code == ERR_IO);
		FUZZ_CHECK(strstr(e.msg, name) != NULL);
		FUZZ_CHECK(e.line >= 0 && (size_t)e.line <= fuzz_lines(data, size));
	}
	mapping_release(&m);
	return 0;
}
#endif
