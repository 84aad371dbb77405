#include <stdlib.h>
#include <string.h>
#include "csvpull.h"
#include "banned.h"

int csv_pull_open(struct csv_pull *c, const char *path)
{
	memset(c, 0, sizeof(*c));
	strbuf_init(&c->rec);
	strbuf_init(&c->check);
	csv_splitter_init(&c->sp);
	c->fp = fopen(path, "r");
	return c->fp ? 0 : -1;
}

/*
 * The next record's text into c->rec: its physical lines until the
 * quotes are closed (csvwrite doubles a quote inside a quoted field, so
 * an odd count leaves one open). 1 with a record, 0 at the end, -1 when
 * a line holds what csvwrite never writes or the file ends in a quote.
 */
static int next_record(struct csv_pull *c)
{
	int quoted = 0;
	ssize_t got;

	strbuf_reset(&c->rec);
	c->row.line = c->phys + 1;
	do {
		got = getline(&c->line, &c->lcap, c->fp);
		if (got < 0)
			return quoted || ferror(c->fp) ? -1 : c->rec.len ? 1 : 0;
		c->phys++;
		/* CR, NUL, BOM, over-long lines: csvread.h's rules apply */
		if (memchr(c->line, '\r', (size_t)got) ||
		    strlen(c->line) != (size_t)got || got > CSV_MAX_FIELD ||
		    (c->phys == 1 && (unsigned char)c->line[0] >= 0xef))
			return -1;
		if (got && c->line[got - 1] == '\n')
			got--;
		else if (quoted)
			return -1;
		for (const char *q = c->line, *end = c->line + got;
		     (q = memchr(q, '"', (size_t)(end - q))); q++)
			quoted ^= 1;
		strbuf_add(&c->rec, c->line, (size_t)got);
		if (quoted)
			strbuf_addch(&c->rec, '\n');
	} while (quoted);
	/* a quoted field over the limit on lines under it: csv_read's error */
	return c->rec.len > CSV_MAX_FIELD ? -1 : 1;
}

int csv_pull_next(struct csv_pull *c)
{
	long line;
	int ret;

	if ((ret = next_record(c)) <= 0)
		return ret;
	line = c->row.line;
	csv_split(&c->sp, c->rec.buf, c->rec.len, &c->row);
	c->row.line = line;
	c->row.lines = c->phys - line + 1;
	if (c->sp.plain)
		return 1;	/* as csvwrite writes it: no check needed */
	strbuf_reset(&c->check);
	csv_row_format(&c->row, &c->check);
	if (c->check.len != c->rec.len ||
	    (c->rec.len && memcmp(c->check.buf, c->rec.buf, c->rec.len)))
		return -1;
	return 1;
}

void csv_pull_close(struct csv_pull *c)
{
	if (c->fp)
		fclose(c->fp);
	free(c->line);
	strbuf_release(&c->rec);
	strbuf_release(&c->check);
	csv_splitter_release(&c->sp);
	memset(c, 0, sizeof(*c));
}
