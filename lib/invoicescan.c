#include <errno.h>
#include <stdio.h>
#include <string.h>
#include "invoicescan.h"
#include "strbuf.h"
#include "banned.h"

struct scan {
	struct strbuf head;	/* the document without the array elements */
	struct strbuf elem;	/* the element being read */
	json_t *arr;		/* light invoices so far */
	int depth, in_str, esc;
	int key_invoices;	/* the last key at depth 1 was "invoices" */
	int in_array;		/* inside the invoices array (depth 2) */
	struct strbuf key;	/* a depth-1 string being read */
	int err;
};

/* what summary.c and workbook.c read of an invoice */
static const char *const kept[] = {
	"invoice_number", "psa_company_id", "currency", "invoice_date",
	"due_date", "subtotal", "tax", "total",
};

static int add_invoice(struct scan *s, const char *path, struct error *e)
{
	json_error_t je;
	json_t *inv = json_loadb(s->elem.buf, s->elem.len,
				 JSON_REJECT_DUPLICATES, &je);
	json_t *lines, *light;
	size_t k;

	if (!inv || !json_is_object(inv)) {
		json_decref(inv);
		return error_set(e, "%s: an invoice: %s", path,
				 inv ? "not an object" : je.text);
	}
	lines = json_object_get(inv, "lines");	/* borrowed */
	light = json_object();
	for (k = 0; k < sizeof(kept) / sizeof(*kept); k++) {
		json_t *v = json_object_get(inv, kept[k]);	/* borrowed */

		if (v)	/* json_object_set increments v's count */
			json_object_set(light, kept[k], v);
	}
	json_object_set_new(light, "line_count",
			    json_integer((json_int_t)json_array_size(lines)));
	json_decref(inv);
	json_array_append_new(s->arr, light);	/* steals light */
	strbuf_reset(&s->elem);
	return 0;
}

json_t *invoices_load_light(const char *path, struct error *e)
{
	struct scan s;
	char buf[1 << 16];
	size_t n, i;
	FILE *fp = fopen(path, "rb");
	json_t *doc = NULL;
	json_error_t je;

	if (!fp) {
		error_set(e, "%s: cannot open: %s", path, strerror(errno));
		return NULL;
	}
	memset(&s, 0, sizeof(s));
	strbuf_init(&s.head);
	strbuf_init(&s.elem);
	strbuf_init(&s.key);
	s.arr = json_array();
	while (!s.err && (n = fread(buf, 1, sizeof(buf), fp)) > 0) {
		for (i = 0; i < n && !s.err; i++) {
			char c = buf[i];
			int elem = s.in_array && (s.depth > 2 ||
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
				else if (c == '"')
					s.in_str = 0;
				else if (s.depth == 1)
					strbuf_addch(&s.key, c);
				continue;
			}
			switch (c) {
			case '"':
				s.in_str = 1;
				if (s.depth == 1)
					strbuf_reset(&s.key);
				break;
			case ':':
				if (s.depth == 1)
					s.key_invoices = !strcmp(s.key.buf, "invoices");
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
		error_set(e, "%s: read error: %s", path, strerror(errno));
		s.err = 1;
	}
	fclose(fp);
	if (!s.err && s.elem.len) {
		error_set(e, "%s: an invoice that is not an object", path);
		s.err = 1;
	}
	if (!s.err && s.depth != 0) {
		error_set(e, "%s: the JSON document is cut short", path);
		s.err = 1;
	}
	if (!s.err) {
		doc = json_loadb(s.head.buf, s.head.len, JSON_REJECT_DUPLICATES,
				 &je);
		if (!doc)
			error_set(e, "%s:%d: %s", path, je.line, je.text);
		else if (!json_is_array(json_object_get(doc, "invoices"))) {
			error_set(e, "%s: no \"invoices\" array", path);
			json_decref(doc);
			doc = NULL;
		} else {
			/* steals s.arr; the empty array of the head goes */
			json_object_set_new(doc, "invoices", s.arr);
			s.arr = NULL;
		}
	}
	json_decref(s.arr);
	strbuf_release(&s.head);
	strbuf_release(&s.elem);
	strbuf_release(&s.key);
	return doc;
}
