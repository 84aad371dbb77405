/*
 * An input file read as UTF-8 (textin.h): the BOM decides the form; UTF-16
 * is transcoded through a small buffer of raw bytes.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include "textin.h"
#include "banned.h"

const char *textin_form_name(enum textin_form f)
{
	return f == TEXTIN_UTF16LE ? "UTF-16LE" :
	       f == TEXTIN_UTF16BE ? "UTF-16BE" : "UTF-8";
}

/* keep at least want raw bytes ready unless the file ends first */
static int fill(struct textin *t, size_t want, struct error *e)
{
	size_t n;

	if (t->rlen - t->rpos >= want || t->eof)
		return 0;
	memmove(t->raw, t->raw + t->rpos, t->rlen - t->rpos);
	t->rlen -= t->rpos;
	t->rpos = 0;
	while (t->rlen < sizeof(t->raw) && !t->eof) {
		n = fread(t->raw + t->rlen, 1, sizeof(t->raw) - t->rlen, t->fp);
		if (n == 0) {
			if (ferror(t->fp))
				return error_set(e, ERR_IO, "%s: read error: %s",
						 t->path, strerror(errno));
			t->eof = 1;
		}
		t->rlen += n;
	}
	return 0;
}

int textin_open(struct textin *t, const char *path, struct error *e)
{
	memset(t, 0, sizeof(*t));
	t->path = path;
	t->line = 1;
	t->fp = fopen(path, "rb");
	if (!t->fp)
		return error_set(e, ERR_IO, "%s: cannot open: %s", path,
				 strerror(errno));
	if (fill(t, 3, e)) {
		textin_close(t);
		return -1;
	}
	if (t->rlen >= 3 && !memcmp(t->raw, "\xef\xbb\xbf", 3)) {
		t->rpos = 3;
	} else if (t->rlen >= 2 && t->raw[0] == 0xff && t->raw[1] == 0xfe) {
		t->form = TEXTIN_UTF16LE;
		t->rpos = 2;
	} else if (t->rlen >= 2 && t->raw[0] == 0xfe && t->raw[1] == 0xff) {
		t->form = TEXTIN_UTF16BE;
		t->rpos = 2;
	}
	return 0;
}

void textin_close(struct textin *t)
{
	if (t->fp)
		fclose(t->fp);
	t->fp = NULL;
}

/* the next UTF-16 code unit; 1, 0 at the end, -1 on an odd last byte */
static int unit(struct textin *t, unsigned *u, struct error *e)
{
	const unsigned char *b;

	if (fill(t, 2, e))
		return -1;
	if (t->rlen - t->rpos == 0)
		return 0;
	if (t->rlen - t->rpos == 1)
		return error_at(e, ERR_ENCODING, t->line,
				"%s:%ld: %s ends after an odd number of bytes",
				t->path, t->line, textin_form_name(t->form));
	b = t->raw + t->rpos;
	*u = t->form == TEXTIN_UTF16LE ? (unsigned)(b[0] | b[1] << 8) :
					 (unsigned)(b[0] << 8 | b[1]);
	t->rpos += 2;
	return 1;
}

static int lone_surrogate(struct textin *t, unsigned u, struct error *e)
{
	return error_at(e, ERR_ENCODING, t->line,
			"%s:%ld: %s holds half a surrogate pair (U+%04X)",
			t->path, t->line, textin_form_name(t->form), u);
}

/* the next character of UTF-16 as UTF-8 into t->pend: 1, 0 at the end, -1 */
static int next_char(struct textin *t, struct error *e)
{
	unsigned u, lo, cp;
	int r = unit(t, &u, e);
	char *p = t->pend;

	if (r <= 0)
		return r;
	if (u >= 0xdc00 && u <= 0xdfff)
		return lone_surrogate(t, u, e);
	cp = u;
	if (u >= 0xd800 && u <= 0xdbff) {
		r = unit(t, &lo, e);
		if (r < 0)
			return -1;
		if (r == 0 || lo < 0xdc00 || lo > 0xdfff)
			return lone_surrogate(t, u, e);
		cp = 0x10000 + ((u - 0xd800) << 10) + (lo - 0xdc00);
	}
	if (cp < 0x80) {
		p[0] = (char)cp;
		t->plen = 1;
	} else if (cp < 0x800) {
		p[0] = (char)(0xc0 | cp >> 6);
		p[1] = (char)(0x80 | (cp & 0x3f));
		t->plen = 2;
	} else if (cp < 0x10000) {
		p[0] = (char)(0xe0 | cp >> 12);
		p[1] = (char)(0x80 | (cp >> 6 & 0x3f));
		p[2] = (char)(0x80 | (cp & 0x3f));
		t->plen = 3;
	} else {
		p[0] = (char)(0xf0 | cp >> 18);
		p[1] = (char)(0x80 | (cp >> 12 & 0x3f));
		p[2] = (char)(0x80 | (cp >> 6 & 0x3f));
		p[3] = (char)(0x80 | (cp & 0x3f));
		t->plen = 4;
	}
	t->ppos = 0;
	if (cp == '\n')
		t->line++;
	return 1;
}

long textin_read(struct textin *t, char *buf, size_t cap, struct error *e)
{
	size_t out = 0, n;

	if (t->form == TEXTIN_PLAIN) {
		/* what the BOM check read first, then straight from the file */
		if (t->rpos < t->rlen) {
			n = t->rlen - t->rpos;
			if (n > cap)
				n = cap;
			memcpy(buf, t->raw + t->rpos, n);
			t->rpos += n;
			return (long)n;
		}
		if (t->eof)
			return 0;
		n = fread(buf, 1, cap, t->fp);
		if (n == 0 && ferror(t->fp))
			return error_set(e, ERR_IO, "%s: read error: %s", t->path,
					 strerror(errno));
		if (n == 0)
			t->eof = 1;
		return (long)n;
	}
	while (out < cap) {
		if (t->ppos == t->plen) {
			int r = next_char(t, e);

			if (r < 0)
				return -1;
			if (r == 0)
				break;
		}
		while (t->ppos < t->plen && out < cap)
			buf[out++] = t->pend[t->ppos++];
	}
	return (long)out;
}
