#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include "error.h"
#include "strbuf.h"
#include "xalloc.h"
#include "banned.h"

char strbuf_empty[1];

void strbuf_init(struct strbuf *sb)
{
	sb->len = sb->alloc = 0;
	sb->buf = strbuf_empty;
}

void strbuf_release(struct strbuf *sb)
{
	if (sb->alloc)
		free(sb->buf);
	strbuf_init(sb);
}

char *strbuf_detach(struct strbuf *sb)
{
	char *s = sb->alloc ? sb->buf : xstrdup("");

	strbuf_init(sb);
	return s;
}

void strbuf_grow(struct strbuf *sb, size_t extra)
{
	size_t need = sb->len + extra + 1;

	if (need <= sb->alloc)
		return;
	if (!sb->alloc)
		sb->buf = NULL;
	XGROW(sb->buf, sb->alloc, need);
	if (!sb->len)
		sb->buf[0] = '\0';
}

void strbuf_add(struct strbuf *sb, const void *data, size_t len)
{
	strbuf_grow(sb, len);
	if (len)	/* data may be NULL then: memcpy(_, NULL, 0) is undefined */
		memcpy(sb->buf + sb->len, data, len);
	sb->len += len;
	sb->buf[sb->len] = '\0';
}

void strbuf_addstr(struct strbuf *sb, const char *s)
{
	strbuf_add(sb, s, strlen(s));
}

void strbuf_addch(struct strbuf *sb, int c)
{
	strbuf_grow(sb, 1);
	sb->buf[sb->len++] = (char)c;
	sb->buf[sb->len] = '\0';
}

void strbuf_vaddf(struct strbuf *sb, const char *fmt, va_list ap)
{
	va_list again;
	int n;

	va_copy(again, ap);
	n = vsnprintf(sb->buf + sb->len, sb->alloc ? sb->alloc - sb->len : 0,
		      fmt, ap);
	if (n < 0) {
		va_end(again);
		return;
	}
	if (!sb->alloc || (size_t)n >= sb->alloc - sb->len) {
		strbuf_grow(sb, (size_t)n);
		vsnprintf(sb->buf + sb->len, sb->alloc - sb->len, fmt, again);
	}
	va_end(again);
	sb->len += (size_t)n;
}

void strbuf_addf(struct strbuf *sb, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	strbuf_vaddf(sb, fmt, ap);
	va_end(ap);
}

void strbuf_reset(struct strbuf *sb)
{
	sb->len = 0;
	if (sb->alloc)
		sb->buf[0] = '\0';
}

void strbuf_setlen(struct strbuf *sb, size_t len)
{
	if (len < sb->len) {
		sb->len = len;
		sb->buf[len] = '\0';
	}
}

char *path_join(const char *dir, const char *name)
{
	struct strbuf sb = STRBUF_INIT;
	size_t n = strlen(dir);

	strbuf_addstr(&sb, dir);
	if (n && dir[n - 1] != '/')
		strbuf_addch(&sb, '/');
	strbuf_addstr(&sb, name);
	return strbuf_detach(&sb);
}

int strbuf_read_file(struct strbuf *sb, const char *path, int missing_ok,
		     struct error *e)
{
	FILE *fp = fopen(path, "rb");
	char buf[65536];
	size_t got;

	if (!fp) {
		if (missing_ok && errno == ENOENT)
			return 1;
		return error_set(e, ERR_IO, "%s: cannot open: %s", path, strerror(errno));
	}
	while ((got = fread(buf, 1, sizeof(buf), fp)) > 0)
		strbuf_add(sb, buf, got);
	if (ferror(fp)) {
		int saved = errno;

		fclose(fp);
		return error_set(e, ERR_IO, "%s: cannot read: %s", path, strerror(saved));
	}
	fclose(fp);
	return 0;
}
