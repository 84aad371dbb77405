#include <stdio.h>
#include <string.h>
#include "progress.h"
#include "banned.h"

static progress_fn hook;
static _Thread_local const char *label;

void progress_set(progress_fn fn)
{
	hook = fn;
}

void progress_begin(const char *what)
{
	label = what;
	if (hook && what)
		hook(what, 0, 0);
}

void progress(uint64_t done, uint64_t total)
{
	if (hook && label)
		hook(label, done, total);
}

void progress_bytes(const char *path, uint64_t done, uint64_t total)
{
	char what[160];
	const char *base;

	if (!hook)
		return;
	if (label) {
		hook(label, done, total);
		return;
	}
	base = strrchr(path, '/');
	snprintf(what, sizeof(what), "reading %s", base ? base + 1 : path);
	hook(what, done, total);
}
