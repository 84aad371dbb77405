#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include "error.h"
#include "banned.h"

/*
 * A message is one line, whatever the values it quotes hold: a line end
 * or another control character of the input (a quoted field spanning
 * lines, jansson's "near '...'") is written as its escape (\n, \r, \t,
 * \xHH), cut to the buffer.
 */
static void one_line(char *s, size_t cap)
{
	char tmp[sizeof(((struct error *)0)->msg)];
	size_t o = 0;

	if (cap > sizeof(tmp))
		cap = sizeof(tmp);
	for (const char *p = s; *p && o + 5 < cap; p++) {
		unsigned char c = (unsigned char)*p;

		if (c >= 0x20 && c != 0x7f) {
			tmp[o++] = (char)c;
		} else if (c == '\n' || c == '\r' || c == '\t') {
			tmp[o++] = '\\';
			tmp[o++] = c == '\n' ? 'n' : c == '\r' ? 'r' : 't';
		} else {
			o += (size_t)snprintf(tmp + o, cap - o, "\\x%02x", c);
		}
	}
	tmp[o] = '\0';
	memcpy(s, tmp, o + 1);
}

static int verror(struct error *e, int code, long line, const char *fmt,
		  va_list ap)
{
	if (!e)
		return -1;
	e->code = code;
	e->line = line;
	e->n = 1;
	e->shown = 1;
	vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
	one_line(e->msg, sizeof(e->msg));
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

void error_clear(struct error *e)
{
	if (e) {
		e->code = 0;
		e->line = 0;
		e->n = 0;
		e->shown = 0;
		e->msg[0] = '\0';
	}
}

int error_add(struct error *e, int code, long line, const char *fmt, ...)
{
	va_list ap;
	char one[sizeof(e->msg)];
	size_t len;
	int n;

	if (!e)
		return -1;
	va_start(ap, fmt);
	if (e->n <= 0) {
		verror(e, code, line, fmt, ap);
		va_end(ap);
		return -1;
	}
	n = vsnprintf(one, sizeof(one), fmt, ap);
	va_end(ap);
	if (n >= 0) {
		one_line(one, sizeof(one));
		n = (int)strlen(one);
	}
	/* a line is shown whole or not at all: beyond room, only counted */
	len = strlen(e->msg);
	if (e->shown < ERROR_MAX_LINES && n >= 0 &&
	    len + 1 + (size_t)n < sizeof(e->msg)) {
		e->msg[len] = '\n';
		memcpy(e->msg + len + 1, one, (size_t)n + 1);
		e->shown++;
	}
	e->n++;
	return -1;
}
