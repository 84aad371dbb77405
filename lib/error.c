#include <stdarg.h>
#include <stdio.h>
#include "error.h"
#include "banned.h"

static int verror(struct error *e, int code, long line, const char *fmt,
		  va_list ap)
{
	if (!e)
		return -1;
	e->code = code;
	e->line = line;
	vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
	return -1;
}

int error_set(struct error *e, int code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	verror(e, code, 0, fmt, ap);
	va_end(ap);
	return -1;
}

int error_at(struct error *e, int code, long line, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	verror(e, code, line, fmt, ap);
	va_end(ap);
	return -1;
}
