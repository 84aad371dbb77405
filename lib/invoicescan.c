#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <jansson.h>
#include "date.h"
#include "decimal.h"
#include "invoicescan.h"
#include "strbuf.h"
#include "banned.h"

struct scan {
	struct strbuf head;	/* the document without the array elements */
	struct strbuf elem;	/* the element being read */
	struct invoice_digest *d;	/* what the invoices add up to */
	int depth, in_str, esc;
	int key_invoices;	/* the last key at depth 1 was "invoices" */
	int in_array;		/* inside the invoices array (depth 2) */
	struct strbuf key;	/* a depth-1 string being read */
	int err;
	size_t kstart, klen;	/* the invoice's last key in elem */
	int want_lines;		/* after "lines": (the '[' to come) */
	int in_lines;		/* inside an invoice's "lines", counted */
	struct jcount lines;
};

int jcount_feed(struct jcount *k, int c)
{
	if (k->in_str) {
		if (k->esc)
			k->esc = 0;
		else if (c == '\\')
			k->esc = 1;
		else if (c == '"')
			k->in_str = 0;
		return 0;
	}
	switch (c) {
	case ' ': case '\t': case '\n': case '\r':
		return 0;
	case '"':
		k->in_str = 1;
		break;
	case '{': case '[':
		k->depth++;
		break;
	case '}':
		k->depth--;
		break;
	case ']':
		if (k->depth-- == 0) {
			if (k->any)
				k->n++;
			return 1;
		}
		break;
	case ',':
		if (k->depth == 0)
			k->n++;
		break;
	}
	k->any = 1;
	return 0;
}

static int bad_key(struct error *e, const char *path, const char *key)
{
	return error_set(e, ERR_IO, "%s: missing or malformed key (\"%s\")", path, key);
}

/* an invoice's money text in minor units of cur */
static int money_of(json_t *inv, const char *key, const struct currency *cur,
		    int64_t *v)
{
	const char *t = json_string_value(json_object_get(inv, key));

	return !t || dec_parse(t, strlen(t), cur->exp, v, NULL) ? -1 : 0;
}

static int add_invoice(struct scan *s, const char *path, struct error *e)
{
	static const char *const money_keys[] = { "subtotal", "tax", "total" };
	struct invoice_digest *d = s->d;
	json_error_t je;
	json_t *inv = json_loadb(s->elem.buf, s->elem.len,
				 JSON_REJECT_DUPLICATES, &je);
	const struct currency *cur;
	struct invoice_total *t;
	int64_t v[3];
	size_t k;
	int32_t day;

	if (!inv || !json_is_object(inv)) {
		json_decref(inv);
		return error_set(e, ERR_IO, "%s: an invoice: %s", path,
				 inv ? "not an object" : je.text);
	}
	cur = currency_find(json_string_value(json_object_get(inv, "currency")) ?
			    json_string_value(json_object_get(inv, "currency")) : "");
	if (!cur) {
		json_decref(inv);
		return bad_key(e, path, "invoices[].currency");
	}
	for (k = 0; k < 3; k++)
		if (money_of(inv, money_keys[k], cur, &v[k])) {
			char key[32];

			json_decref(inv);
			snprintf(key, sizeof(key), "invoices[].%s", money_keys[k]);
			return bad_key(e, path, key);
		}
	for (k = 0; k < d->ncur && d->cur[k].cur != cur; k++)
		;
	if (k == d->ncur) {
		if (d->ncur == DIGEST_MAXCUR) {
			json_decref(inv);
			return error_set(e, ERR_IO, "%s: more than %d currencies", path,
					 DIGEST_MAXCUR);
		}
		memset(&d->cur[k], 0, sizeof(d->cur[k]));
		d->cur[d->ncur++].cur = cur;
	}
	t = &d->cur[k];
	t->invoices++;
	t->subtotal += v[0];
	t->tax += v[1];
	t->total += v[2];
	d->ninvoices++;
	d->nlines += (size_t)json_integer_value(json_object_get(inv, "lines"));
	if (!d->have_dates &&
	    json_string_value(json_object_get(inv, "invoice_date")) &&
	    !date_parse(json_string_value(json_object_get(inv, "invoice_date")), &day)) {
		d->invoice_date = day;
		d->due_date = day;
		if (json_string_value(json_object_get(inv, "due_date")))
			date_parse(json_string_value(json_object_get(inv, "due_date")),
				   &d->due_date);
		d->have_dates = 1;
	}
	json_decref(inv);
	strbuf_reset(&s->elem);
	return 0;
}

int invoice_digest_load(struct invoice_digest *d, const char *path,
			struct error *e)
{
	struct scan s;
	char buf[1 << 16];
	size_t n, i;
	FILE *fp = fopen(path, "rb");
	json_t *doc = NULL;
	json_error_t je;

	memset(d, 0, sizeof(*d));
	if (!fp)
		return error_set(e, ERR_IO, "%s: cannot open: %s", path, strerror(errno));
	memset(&s, 0, sizeof(s));
	s.d = d;
	strbuf_init(&s.head);
	strbuf_init(&s.elem);
	strbuf_init(&s.key);
	while (!s.err && (n = fread(buf, 1, sizeof(buf), fp)) > 0) {
		for (i = 0; i < n && !s.err; i++) {
			char c = buf[i];
			int elem;

			if (s.in_lines) {	/* counted, not kept */
				if (jcount_feed(&s.lines, c)) {
					strbuf_addf(&s.elem, "%ld", s.lines.n);
					s.in_lines = 0;
				}
				continue;
			}
			if (s.want_lines && !s.in_str) {
				if (c == ' ' || c == '\n' || c == '\t' || c == '\r')
					continue;
				s.want_lines = 0;
				if (c == '[') {
					memset(&s.lines, 0, sizeof(s.lines));
					s.in_lines = 1;
					continue;
				}
			}
			elem = s.in_array && (s.depth > 2 ||
						  (s.depth == 2 && c != ']' &&
						   c != ',' && c != ' ' &&
						   c != '\n' && c != '\t' &&
						   c != '\r'));

			if (elem)
				strbuf_addch(&s.elem, c);
			else if (!(s.in_array && s.depth == 2 && c == ','))
				strbuf_addch(&s.head, c);	/* the head's array stays [] */
			if (s.in_str) {
				if (s.esc)
					s.esc = 0;
				else if (c == '\\')
					s.esc = 1;
				else if (c == '"') {
					s.in_str = 0;
					if (s.depth == 3)
						s.klen = s.elem.len - 1 - s.kstart;
				} else if (s.depth == 1)
					strbuf_addch(&s.key, c);
				continue;
			}
			switch (c) {
			case '"':
				s.in_str = 1;
				if (s.depth == 1)
					strbuf_reset(&s.key);
				s.kstart = s.elem.len;
				s.klen = 0;
				break;
			case ':':
				if (s.depth == 1)
					s.key_invoices = !strcmp(s.key.buf, "invoices");
				if (s.depth == 3 && s.in_array && s.klen == 5 &&
				    !memcmp(s.elem.buf + s.kstart, "lines", 5))
					s.want_lines = 1;
				break;
			case '{':
			case '[':
				s.depth++;
				if (s.depth == 2 && c == '[' && s.key_invoices)
					s.in_array = 1;
				break;
			case '}':
			case ']':
				s.depth--;
				if (s.in_array && s.depth == 2 && elem &&
				    add_invoice(&s, path, e))
					s.err = 1;
				if (s.depth == 1)
					s.in_array = 0;
				break;
			default:
				break;
			}
		}
	}
	if (!s.err && ferror(fp)) {
		error_set(e, ERR_IO, "%s: read error: %s", path, strerror(errno));
		s.err = 1;
	}
	fclose(fp);
	if (!s.err && s.elem.len) {
		error_set(e, ERR_IO, "%s: an invoice that is not an object", path);
		s.err = 1;
	}
	if (!s.err && s.depth != 0) {
		error_set(e, ERR_IO, "%s: the JSON document is cut short", path);
		s.err = 1;
	}
	if (!s.err) {
		doc = json_loadb(s.head.buf, s.head.len, JSON_REJECT_DUPLICATES,
				 &je);
		if (!doc) {
			error_set(e, ERR_IO, "%s:%d: %s", path, je.line, je.text);
			s.err = 1;
		} else if (!json_is_array(json_object_get(doc, "invoices"))) {
			bad_key(e, path, "invoices");
			s.err = 1;
		} else if (!json_string_value(json_object_get(doc, "month")) ||
			   strlen(json_string_value(json_object_get(doc, "month"))) != 7) {
			bad_key(e, path, "month");
			s.err = 1;
		} else {
			const char *st = json_string_value(json_object_get(doc, "status"));
			const char *at = json_string_value(json_object_get(doc, "closed_at"));

			memcpy(d->month, json_string_value(json_object_get(doc, "month")), 8);
			d->closed = st && !strcmp(st, "final");
			if (d->closed)
				snprintf(d->closed_at, sizeof(d->closed_at), "%s",
					 at ? at : "");
		}
	}
	json_decref(doc);
	strbuf_release(&s.head);
	strbuf_release(&s.elem);
	strbuf_release(&s.key);
	return s.err ? -1 : 0;
}
