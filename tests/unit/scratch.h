#ifndef SCRATCH_H
#define SCRATCH_H
/*
 * A cmocka test program's scratch folder: scratch_setup makes a new
 * /tmp/<SCRATCH_NAME>.XXXXXX in scratch_dir before each test,
 * scratch_teardown removes it with all it holds. Define SCRATCH_NAME
 * before including this header.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char scratch_dir[64];

static int scratch_setup(void **state)
{
	(void)state;
	snprintf(scratch_dir, sizeof(scratch_dir), "/tmp/%s.XXXXXX",
		 SCRATCH_NAME);
	return mkdtemp(scratch_dir) ? 0 : -1;
}

static int scratch_teardown(void **state)
{
	char cmd[128];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", scratch_dir);
	return system(cmd);
}
/* the entries of the scratch folder (a temporary file left behind shows) */
static size_t __attribute__((unused)) scratch_files(void)
{
	DIR *d = opendir(scratch_dir);
	struct dirent *de;
	size_t n = 0;

	if (!d)
		return (size_t)-1;
	while ((de = readdir(d)))
		if (strcmp(de->d_name, ".") && strcmp(de->d_name, ".."))
			n++;
	closedir(d);
	return n;
}
#endif
