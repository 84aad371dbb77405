#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "eprintf.h"
#include "banned.h"

static const char *stage = "tally";

void eprintf_init(const char *name)
{
	stage = name;
}

const char *eprintf_stage(void)
{
	return stage;
}

static void vwarn(const char *fmt, va_list ap)
{
	int saved = errno;
	size_t n = strlen(fmt);

	fprintf(stderr, "tally %s: ", stage);
	vfprintf(stderr, fmt, ap);
	if (n && fmt[n - 1] == ':')
		fprintf(stderr, " %s", strerror(saved));
	fputc('\n', stderr);
}

void warn(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vwarn(fmt, ap);
	va_end(ap);
}

void die(int code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vwarn(fmt, ap);
	va_end(ap);
	exit(code);
}
