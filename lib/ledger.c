/*
 * The ledger of final invoice numbers: format and checks in ledger.h.
 *
 * Reading keeps one running SHA-256 over the file: at each line a copy of
 * it, fed the line up to its chain field, must give that field; then the
 * whole line is fed. So the check is one pass, and the first line whose
 * chain fails is the first line an edit touched.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "date.h"
#include "csvwrite.h"
#include "fsutil.h"
#include "ledger.h"
#include "outfile.h"
#include "sha256.h"
#include "strbuf.h"
#include "xalloc.h"
#include "banned.h"

#define NFIELDS 9
#define HEXLEN 64

static const char hint[] = "restore it from a backup; tally never renumbers";

/* --- small checks --------------------------------------------------------- */

static int is_prefix_char(int c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
	       (c >= '0' && c <= '9') || c == '_' || c == '-';
}

static int is_hex64(const char *s)
{
	size_t i;

	for (i = 0; i < HEXLEN; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			return 0;
	return s[HEXLEN] == '\0';
}

static int is_currency(const char *s)
{
	return strlen(s) == 3 && s[0] >= 'A' && s[0] <= 'Z' &&
	       s[1] >= 'A' && s[1] <= 'Z' && s[2] >= 'A' && s[2] <= 'Z';
}

/* decimal text: digits, optionally a point and digits */
static int is_decimal(const char *s)
{
	const char *p = s;

	while (*p >= '0' && *p <= '9')
		p++;
	if (p == s)
		return 0;
	if (*p == '.') {
		const char *q = ++p;

		while (*p >= '0' && *p <= '9')
			p++;
		if (p == q)
			return 0;
	}
	return *p == '\0';
}

static int is_date(const char *s)
{
	int32_t d;

	return strlen(s) == 10 && date_parse(s, &d) == 0;
}

static int is_month(const char *s)
{
	int y, m;

	return strlen(s) == 7 && month_parse(s, &y, &m) == 0;
}

/* a text field of the ledger: not empty, no control characters */
static int is_text(const char *s)
{
	if (!*s)
		return 0;
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return 0;
	return 1;
}

/* the seq of "<prefix>-<NNNNNN>", or -1 */
static long number_seq(const char *s)
{
	size_t n = strlen(s), i;
	long v = 0;

	if (n < 8 || n > LEDGER_PREFIX_MAX + 7 || s[n - 7] != '-')
		return -1;
	for (i = 0; i < n - 7; i++)
		if (!is_prefix_char((unsigned char)s[i]))
			return -1;
	for (i = n - 6; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v;
}

int ledger_number(char *buf, size_t size, const char *prefix, long seq,
		  struct error *e)
{
	size_t i, n = strlen(prefix);

	if (n < 1 || n > LEDGER_PREFIX_MAX)
		return error_set(e, ERR_IO, "invoice_prefix: 1 to %d characters expected (\"%s\")",
				 LEDGER_PREFIX_MAX, prefix);
	for (i = 0; i < n; i++)
		if (!is_prefix_char((unsigned char)prefix[i]))
			return error_set(e, ERR_IO, "invoice_prefix: only A-Z a-z 0-9 _ - allowed (\"%s\")",
					 prefix);
	if (seq < 1 || seq > LEDGER_MAX_SEQ)
		return error_set(e, ERR_IO, "invoice number %ld is past %ld: the ledger is full",
				 seq, LEDGER_MAX_SEQ);
	if ((size_t)snprintf(buf, size, "%s-%06ld", prefix, seq) >= size)
		return error_set(e, ERR_IO, "invoice number too long (\"%s\")", prefix);
	return 0;
}

/* --- reading -------------------------------------------------------------- */

/*
 * Split one line (no newline) into fields, undoing csv_put's quoting.
 * Returns the number of fields (up to max), or -1 for a malformed quote.
 * Fields are appended NUL-terminated to sb; off[i] is field i's offset.
 */
static int split_line(const char *s, size_t n, struct strbuf *sb,
		      size_t *off, int max)
{
	size_t i = 0;
	int nf = 0;

	strbuf_reset(sb);
	for (;;) {
		if (nf == max)
			return max + 1;
		off[nf++] = sb->len;
		if (i < n && s[i] == '"') {
			i++;
			for (;;) {
				if (i >= n)
					return -1;
				if (s[i] == '"') {
					if (i + 1 < n && s[i + 1] == '"') {
						strbuf_addch(sb, '"');
						i += 2;
						continue;
					}
					i++;
					break;
				}
				strbuf_addch(sb, s[i++]);
			}
			if (i < n && s[i] != ',')
				return -1;
		} else {
			while (i < n && s[i] != ',') {
				if (s[i] == '"' || s[i] == '\r')
					return -1;
				strbuf_addch(sb, s[i++]);
			}
		}
		strbuf_addch(sb, '\0');
		if (i >= n)
			return nf;
		i++;	/* the comma */
	}
}

static int check_row(struct ledger *l, const char *path, long line,
		     const char *f, const size_t *off, struct error *e)
{
	struct ledger_row r;
	const char *number = f + off[0], *month = f + off[1];
	const char *cid = f + off[2], *cur = f + off[3], *total = f + off[4];
	const char *idate = f + off[5], *cat = f + off[6], *frozen = f + off[7];
	long seq = number_seq(number);
	long want = (long)l->n + 1;

	if (seq < 0)
		return error_set(e, ERR_IO, "%s:%ld: not an invoice number <prefix>-<NNNNNN> (\"%s\"); %s",
				 path, line, number, hint);
	if (seq != want)
		return error_set(e, ERR_IO, "%s:%ld: invoice number out of sequence, expected number %06ld (\"%s\"); %s",
				 path, line, want, number, hint);
	if (!is_month(month))
		return error_set(e, ERR_IO, "%s:%ld: bad month (\"%s\"); %s", path, line,
				 month, hint);
	if (!is_text(cid))
		return error_set(e, ERR_IO, "%s:%ld: bad psa_company_id (\"%s\"); %s",
				 path, line, cid, hint);
	if (!is_currency(cur))
		return error_set(e, ERR_IO, "%s:%ld: bad currency (\"%s\"); %s", path,
				 line, cur, hint);
	if (!is_decimal(total))
		return error_set(e, ERR_IO, "%s:%ld: bad total (\"%s\"); %s", path, line,
				 total, hint);
	if (!is_date(idate))
		return error_set(e, ERR_IO, "%s:%ld: bad invoice_date (\"%s\"); %s", path,
				 line, idate, hint);
	if (!is_text(cat))
		return error_set(e, ERR_IO, "%s:%ld: bad closed_at (\"%s\"); %s", path,
				 line, cat, hint);
	if (!is_hex64(frozen))
		return error_set(e, ERR_IO, "%s:%ld: bad frozen_sha256 (\"%s\"); %s", path,
				 line, frozen, hint);
	if (l->n) {
		const struct ledger_row *p = &l->row[l->n - 1];

		if (strcmp(p->month, month) == 0) {
			int c = strcmp(p->company_id, cid);

			if (c > 0 || (c == 0 && strcmp(p->currency, cur) >= 0))
				return error_set(e, ERR_IO, "%s:%ld: rows of %s out of order (psa_company_id, currency) (\"%s\"); %s",
						 path, line, month, cid, hint);
			if (strcmp(p->frozen_sha256, frozen) != 0)
				return error_set(e, ERR_IO, "%s:%ld: frozen_sha256 differs from the line before, in one month (\"%s\"); %s",
						 path, line, frozen, hint);
		} else {
			size_t first;

			if (ledger_month(l, month, &first))
				return error_set(e, ERR_IO, "%s:%ld: rows of %s apart from its other rows (line %ld) (\"%s\"); %s",
						 path, line, month,
						 l->row[first].line, number, hint);
		}
	}
	r.seq = seq;
	r.number = (char *)number;
	memcpy(r.month, month, 8);
	r.company_id = (char *)cid;
	memcpy(r.currency, cur, 4);
	r.total = (char *)total;
	memcpy(r.invoice_date, idate, 11);
	r.closed_at = (char *)cat;
	memcpy(r.frozen_sha256, frozen, 65);
	if (ledger_append(l, &r, e))
		return -1;
	l->row[l->n - 1].line = line;
	return 0;
}

int ledger_load(struct ledger *l, const char *path, struct error *e)
{
	struct strbuf file = STRBUF_INIT, fields = STRBUF_INIT;
	struct sha256 run, c;
	char hex[65];
	size_t off[NFIELDS + 1], pos, hlen = strlen(LEDGER_HEADER);
	long line = 0;
	int missing, ended = 0, ret = -1;

	if ((missing = strbuf_read_file(&file, path, 1, e)) < 0)
		goto out;
	if (missing) {
		ret = 0;
		goto out;
	}
	if (file.len == 0) {
		error_set(e, ERR_IO, "%s:1: empty file: the ledger was truncated; %s",
			  path, hint);
		goto out;
	}
	sha256_init(&run);
	for (pos = 0; pos < file.len;) {
		const char *s = file.buf + pos;
		const char *nl = memchr(s, '\n', file.len - pos);
		size_t n;
		int nf;

		line++;
		if (!nl) {
			error_set(e, ERR_IO, "%s:%ld: the last line is cut short: the ledger was truncated; %s",
				  path, line, hint);
			goto out;
		}
		n = (size_t)(nl - s);
		if (ended) {
			error_set(e, ERR_IO, "%s:%ld: text after the #end line; %s", path,
				  line, hint);
			goto out;
		}
		if (n && s[n - 1] == '\r') {
			error_set(e, ERR_IO, "%s:%ld: line ends changed to CRLF (an editor or a copy through Windows saved it): tally writes LF only, so the ledger was changed outside tally; restore it from a backup, or turn its line ends back to LF (dos2unix): the chain checksums then tell whether anything else changed; tally never renumbers",
				  path, line);
			goto out;
		}
		if (line == 1) {
			if (n != hlen || memcmp(s, LEDGER_HEADER, hlen) != 0) {
				error_set(e, ERR_IO, "%s:1: not a tally ledger: the header must read %s; %s",
					  path, LEDGER_HEADER, hint);
				goto out;
			}
			goto next;
		}
		/* the chain: the last 64 bytes, after a comma */
		if (n < HEXLEN + 1 || s[n - HEXLEN - 1] != ',') {
			error_set(e, ERR_IO, "%s:%ld: no chain checksum at the end of the line: the ledger was edited or cut; %s",
				  path, line, hint);
			goto out;
		}
		c = run;
		sha256_update(&c, s, n - HEXLEN);
		sha256_final_hex(&c, hex);
		if (memcmp(hex, s + n - HEXLEN, HEXLEN) != 0) {
			error_set(e, ERR_IO, "%s:%ld: chain checksum does not match: the ledger was changed outside tally at or before this line; %s",
				  path, line, hint);
			goto out;
		}
		nf = split_line(s, n, &fields, off, NFIELDS);
		if (nf != NFIELDS) {
			error_set(e, ERR_IO, "%s:%ld: %d fields, %d expected; %s", path,
				  line, nf, NFIELDS, hint);
			goto out;
		}
		if (strcmp(fields.buf + off[0], "#end") == 0) {
			char want[32];
			int k;

			snprintf(want, sizeof(want), "%zu", l->n);
			for (k = 2; k < NFIELDS - 1; k++)
				if (fields.buf[off[k]])
					break;
			if (strcmp(fields.buf + off[1], want) != 0 || k < NFIELDS - 1) {
				error_set(e, ERR_IO, "%s:%ld: the #end line does not close %zu rows (\"%s\"); %s",
					  path, line, l->n, fields.buf + off[1], hint);
				goto out;
			}
			ended = 1;
			goto next;
		}
		if (check_row(l, path, line, fields.buf, off, e))
			goto out;
next:
		sha256_update(&run, s, n + 1);
		pos += n + 1;
	}
	if (!ended) {
		error_set(e, ERR_IO, "%s:%ld: the ledger ends without its #end line: it was truncated; %s",
			  path, line, hint);
		goto out;
	}
	ret = 0;
out:
	strbuf_release(&file);
	strbuf_release(&fields);
	if (ret)
		ledger_release(l);
	return ret;
}

size_t ledger_month(const struct ledger *l, const char *month, size_t *first)
{
	size_t i, n = 0;

	for (i = 0; i < l->n; i++)
		if (strcmp(l->row[i].month, month) == 0) {
			if (!n)
				*first = i;
			n++;
		}
	return n;
}

int ledger_append(struct ledger *l, const struct ledger_row *r,
		  struct error *e)
{
	struct ledger_row *d;
	long want = (long)l->n + 1;

	if (number_seq(r->number) != want)
		return error_set(e, ERR_IO, "invoice number out of sequence, expected number %06ld (\"%s\")",
				 want, r->number);
	if (!is_month(r->month) || !is_text(r->company_id) ||
	    !is_currency(r->currency) || !is_decimal(r->total) ||
	    !is_date(r->invoice_date) || !is_text(r->closed_at) ||
	    !is_hex64(r->frozen_sha256))
		return error_set(e, ERR_IO, "%s: a field cannot be stored in the ledger (\"%s\" \"%s\" \"%s\" \"%s\" \"%s\")",
				 r->number, r->company_id, r->currency,
				 r->total, r->invoice_date, r->closed_at);
	XGROW(l->row, l->alloc, l->n + 1);
	d = &l->row[l->n++];
	*d = *r;
	d->seq = want;
	d->number = xstrdup(r->number);
	d->company_id = xstrdup(r->company_id);
	d->total = xstrdup(r->total);
	d->closed_at = xstrdup(r->closed_at);
	d->line = 0;
	return 0;
}

/* --- writing -------------------------------------------------------------- */

/* append the chain field (hash of everything before it) and the newline */
static void add_chain(struct strbuf *out)
{
	struct sha256 c;
	char hex[65];

	strbuf_addch(out, ',');
	sha256_init(&c);
	sha256_update(&c, out->buf, out->len);
	sha256_final_hex(&c, hex);
	strbuf_addstr(out, hex);
	strbuf_addch(out, '\n');
}

void ledger_format(const struct ledger *l, struct strbuf *out)
{
	size_t i;

	/*
	 * The running hash is recomputed from the start for every line: a
	 * ledger holds thousands of rows, not millions, and this keeps the
	 * writer obviously equal to the definition.
	 */
	strbuf_addstr(out, LEDGER_HEADER "\n");
	for (i = 0; i < l->n; i++) {
		const struct ledger_row *r = &l->row[i];
		const char *f[8] = { r->number, r->month, r->company_id,
				     r->currency, r->total, r->invoice_date,
				     r->closed_at, r->frozen_sha256 };
		int k;

		for (k = 0; k < 8; k++) {
			if (k)
				strbuf_addch(out, ',');
			csv_quote_add(out, f[k], strlen(f[k]));
		}
		add_chain(out);
	}
	strbuf_addf(out, "#end,%zu,,,,,,", l->n);
	add_chain(out);
}

int ledger_write(const struct ledger *l, const char *path, struct error *e)
{
	struct strbuf sb = STRBUF_INIT;
	struct outfile o;

	ledger_format(l, &sb);
	if (outfile_open(&o, path, e)) {
		strbuf_release(&sb);
		return -1;
	}
	fwrite(sb.buf, 1, sb.len, o.fp);
	strbuf_release(&sb);
	if (outfile_commit(&o, e))
		return -1;
	return fs_dir_fsync_parent(path, e);
}

void ledger_release(struct ledger *l)
{
	size_t i;

	for (i = 0; i < l->n; i++) {
		free(l->row[i].number);
		free(l->row[i].company_id);
		free(l->row[i].total);
		free(l->row[i].closed_at);
	}
	free(l->row);
	l->row = NULL;
	l->n = l->alloc = 0;
}
