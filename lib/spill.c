/*
 * Records in an unlinked temporary file, read back with pread (spill.h).
 * A record is a u32 length and its bytes.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "spill.h"
#include "strbuf.h"
#include "xalloc.h"
#include "banned.h"

#define SPILL_BUFFER ((size_t)256 << 10)

static int spill_error(const struct spill *s, const char *what,
		       struct error *e)
{
	return error_set(e, ERR_IO, "%s: cannot %s a temporary file: %s",
			 s->dir, what, errno ? strerror(errno) : "short read");
}

int spill_open(struct spill *s, const char *dir, struct error *e)
{
	char *path = path_join(dir, ".spill.XXXXXX");
	int fd;

	memset(s, 0, sizeof(*s));
	s->dir = xstrdup(dir);
	errno = 0;
	fd = mkstemp(path);
	if (fd >= 0)
		unlink(path);
	free(path);
	if (fd < 0 || !(s->fp = fdopen(fd, "w"))) {
		if (fd >= 0)
			close(fd);
		spill_error(s, "create", e);
		spill_release(s);
		return -1;
	}
	setvbuf(s->fp, NULL, _IOFBF, SPILL_BUFFER);
	return 0;
}

int spill_add(struct spill *s, const void *rec, size_t len, struct error *e)
{
	uint32_t n = (uint32_t)len;

	if (len > INT32_MAX)
		return error_set(e, ERR_IO, "a record of %zu bytes is too large", len);
	errno = 0;
	if (fwrite(&n, 4, 1, s->fp) != 1 || fwrite(rec, 1, len, s->fp) != len)
		return spill_error(s, "write", e);
	s->size += 4 + (off_t)len;
	s->nrecords++;
	return 0;
}

int spill_done(struct spill *s, struct error *e)
{
	errno = 0;
	if (fflush(s->fp) || ferror(s->fp))
		return spill_error(s, "write", e);
	s->done = 1;
	return 0;
}

void spill_release(struct spill *s)
{
	if (s->fp)
		fclose(s->fp);
	free(s->dir);
	memset(s, 0, sizeof(*s));
}

void spill_reader_init(struct spill_reader *r, const struct spill *s)
{
	memset(r, 0, sizeof(*r));
	r->s = s;
}

void spill_reader_rewind(struct spill_reader *r)
{
	r->pos = 0;
	r->have = r->at = 0;
}

/* n more bytes of the file at r->pos + r->at into dst; 0 or -1 */
static int fill(struct spill_reader *r, char *dst, size_t n, struct error *e)
{
	int fd = fileno(r->s->fp);

	while (n) {
		size_t k;

		if (r->at == r->have) {
			ssize_t got;

			r->pos += (off_t)r->have;
			r->have = r->at = 0;
			if (!r->buf) {
				r->cap = SPILL_BUFFER;
				r->buf = xmalloc(r->cap);
			}
			errno = 0;
			got = pread(fd, r->buf, r->cap, r->pos);
			if (got <= 0)
				return spill_error(r->s, "read", e);
			r->have = (size_t)got;
		}
		k = r->have - r->at < n ? r->have - r->at : n;
		memcpy(dst, r->buf + r->at, k);
		r->at += k;
		dst += k;
		n -= k;
	}
	return 0;
}

int spill_read(struct spill_reader *r, const char **rec, size_t *len,
	       struct error *e)
{
	uint32_t n;

	if (r->pos + (off_t)r->at >= r->s->size)
		return 0;
	if (r->at + 4 <= r->have) {
		memcpy(&n, r->buf + r->at, 4);
		r->at += 4;
	} else if (fill(r, (char *)&n, 4, e)) {
		return -1;
	}
	*len = n;
	/* whole in the buffer: no copy */
	if (r->at + n <= r->have) {
		*rec = r->buf + r->at;
		r->at += n;
		return 1;
	}
	if (n + 1 > r->reccap) {
		r->reccap = (size_t)n + 256;
		r->rec = xrealloc(r->rec, r->reccap);
	}
	if (fill(r, r->rec, n, e))
		return -1;
	*rec = r->rec;
	return 1;
}

void spill_reader_release(struct spill_reader *r)
{
	free(r->buf);
	free(r->rec);
	memset(r, 0, sizeof(*r));
}
