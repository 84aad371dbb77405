/*
 * config/sources.json (lib/sources.h): every source read has a name of
 * 1 to 64 safe characters (unique), a url tally may use, a limit of 1
 * to 1000; an error names the file.
 */
#include "fuzz_config.h"
#include "http.h"
#include "sources.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sources s;
	struct error e = { 0 };
	int rc;

	memset(&s, 0, sizeof(s));
	rc = sources_load(&s, fuzz_config_file("sources.json", data, size), &e);
	fuzz_check_error(rc, &e);
	if (rc == 0) {
		for (size_t i = 0; i < s.n; i++) {
			const struct source *o = &s.v[i];
			size_t len = strlen(o->name);

			FUZZ_CHECK(len >= 1 && len <= 64);
			FUZZ_CHECK(strspn(o->name, "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
					  "abcdefghijklmnopqrstuvwxyz0123456789_-") == len);
			FUZZ_CHECK(http_url_allowed(o->url));
			FUZZ_CHECK(o->type != SOURCE_TRUTO ||
				   (o->limit >= 1 && o->limit <= 1000));
			for (size_t j = 0; j < i; j++)
				FUZZ_CHECK(strcmp(s.v[j].name, o->name) != 0);
		}
	} else {
		FUZZ_CHECK(strstr(e.msg, "sources.json") != NULL);
	}
	sources_release(&s);
	return 0;
}
