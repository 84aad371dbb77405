#ifndef FUZZ_CONFIG_H
#define FUZZ_CONFIG_H
/*
 * The configuration files' targets: an input as one file of a config
 * folder (fuzz_dir()/config/<name>, the others missing), a fresh folder
 * for each input.
 */
#include <sys/stat.h>
#include "fuzz.h"

static __attribute__((unused)) const char *fuzz_config_file(const char *name, const uint8_t *data,
				    size_t size)
{
	static char rel[64];

	mkdir(fuzz_path("config"), 0700);
	snprintf(rel, sizeof(rel), "config/%s", name);
	return fuzz_file(rel, data, size);
}

/* count of lines of data (a last line without its end counts) */
static __attribute__((unused)) size_t fuzz_lines(const uint8_t *data, size_t size)
{
	size_t n = 0;

	for (size_t i = 0; i < size; i++)
		n += data[i] == '\n' || (data[i] == '\r' &&
					 (i + 1 == size || data[i + 1] != '\n'));
	return n + (size && data[size - 1] != '\n' && data[size - 1] != '\r');
}
#endif
