/*
 * JSON with exact numbers (jsonexact.h): the pre-pass, the number texts,
 * the row paths.
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "jsonexact.h"
#include "strbuf.h"
#include "textin.h"
#include "xalloc.h"
#include "banned.h"

static int is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* s[0..n) is a JSON number: -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)? */
static int number_ok(const char *s, size_t n)
{
	size_t i = 0, k;

	if (i < n && s[i] == '-')
		i++;
	if (i < n && s[i] == '0') {
		i++;
	} else {
		for (k = i; i < n && is_digit(s[i]); i++)
			;
		if (i == k)
			return 0;
	}
	if (i < n && s[i] == '.') {
		for (k = ++i; i < n && is_digit(s[i]); i++)
			;
		if (i == k)
			return 0;
	}
	if (i < n && (s[i] == 'e' || s[i] == 'E')) {
		i++;
		if (i < n && (s[i] == '+' || s[i] == '-'))
			i++;
		for (k = i; i < n && is_digit(s[i]); i++)
			;
		if (i == k)
			return 0;
	}
	return i == n;
}

static int number_char(char c)
{
	return is_digit(c) || c == '-' || c == '+' || c == '.' || c == 'e' ||
	       c == 'E';
}

static void note_line(struct jx_doc *d, long line)
{
	XGROW(d->lines, d->alloc, d->nlines + 1);
	d->lines[d->nlines++] = line;
}

static int syntax(struct jx_doc *d, struct error *e, const char *name,
		  long line, const char *why)
{
	snprintf(d->why, sizeof(d->why), "%s", why);
	return error_at(e, ERR_SYNTAX, line, "%s:%ld: not valid JSON: %s",
			name, line, why);
}

/* numbers to marked strings, into out; the containers' lines into d */
static int prepass(struct jx_doc *d, const char *s, size_t n, const char *name,
		   struct strbuf *out, struct error *e)
{
	long line = 1;
	size_t i = 0, j;

	strbuf_grow(out, n + n / 4 + 16);
	while (i < n) {
		char c = s[i];

		if (c == '"') {
			for (j = i + 1; j < n && s[j] != '"'; j++) {
				if (s[j] == '\n')
					line++;
				if (s[j] != '\\')
					continue;
				if (j + 5 < n && s[j + 1] == 'u' &&
				    !memcmp(s + j + 2, "0000", 4))
					return syntax(d, e, name, line,
						      "a string holds \\u0000");
				/* the escaped character, if the text has one */
				if (j + 1 < n)
					j++;
			}
			if (j < n)
				j++;
			strbuf_add(out, s + i, j - i);
			i = j;
			continue;
		}
		if (c == '-' || is_digit(c)) {
			for (j = i; j < n && number_char(s[j]); j++)
				;
			if (!number_ok(s + i, j - i)) {
				char v[48];

				snprintf(v, sizeof(v), "bad number (\"%.*s\")",
					 (int)(j - i > 30 ? 30 : j - i), s + i);
				return syntax(d, e, name, line, v);
			}
			strbuf_addstr(out, "\"\\u0000");
			strbuf_add(out, s + i, j - i);
			strbuf_addch(out, '"');
			i = j;
			continue;
		}
		if (c == '{' || c == '[')
			note_line(d, line);
		else if (c == '\n')
			line++;
		strbuf_addch(out, c);
		i++;
	}
	return 0;
}

int jx_parse(struct jx_doc *d, const char *text, size_t n, const char *name,
	     struct error *e)
{
	struct strbuf marked = STRBUF_INIT;
	json_error_t je;
	int ret = 0;

	memset(d, 0, sizeof(*d));
	if (prepass(d, text, n, name, &marked, e)) {
		ret = -1;
	} else {
		d->root = json_loadb(marked.buf, marked.len,
				     JSON_ALLOW_NUL | JSON_REJECT_DUPLICATES, &je);
		if (!d->root)
			ret = syntax(d, e, name, je.line, je.text);
	}
	strbuf_release(&marked);
	if (ret) {
		char why[sizeof(d->why)];

		memcpy(why, d->why, sizeof(why));
		jx_release(d);
		memcpy(d->why, why, sizeof(why));
	}
	return ret;
}

int jx_load(struct jx_doc *d, const char *path, size_t max, struct error *e)
{
	struct strbuf sb = STRBUF_INIT;
	struct textin t;
	char buf[65536];
	long got;
	int ret = -1;

	memset(d, 0, sizeof(*d));
	if (textin_open(&t, path, e))
		return -1;
	while ((got = textin_read(&t, buf, sizeof(buf), e)) > 0) {
		if (sb.len + (size_t)got > max) {
			error_set(e, ERR_FILE_SIZE, "%s: over %zu MiB", path,
				  max >> 20);
			goto out;
		}
		strbuf_add(&sb, buf, (size_t)got);
	}
	if (got == 0)
		ret = jx_parse(d, sb.buf, sb.len, path, e);
out:
	textin_close(&t);
	strbuf_release(&sb);
	return ret;
}

void jx_release(struct jx_doc *d)
{
	json_decref(d->root);
	free(d->lines);
	memset(d, 0, sizeof(*d));
}

int jx_number(const json_t *v, const char **s, size_t *n)
{
	if (!json_is_string(v) || json_string_length(v) < 2 ||
	    json_string_value(v)[0] != '\0')
		return 0;
	*s = json_string_value(v) + 1;
	*n = json_string_length(v) - 1;
	return 1;
}

int jx_decimal_text(const char *s, size_t n, struct strbuf *out)
{
	struct strbuf dig = STRBUF_INIT;
	size_t i = 0, whole = 0, b, k;
	long exp = 0, point;
	int neg = 0, eneg = 0;

	if (i < n && s[i] == '-') {
		neg = 1;
		i++;
	}
	for (; i < n && is_digit(s[i]); i++, whole++)
		strbuf_addch(&dig, s[i]);
	if (i < n && s[i] == '.')
		for (i++; i < n && is_digit(s[i]); i++)
			strbuf_addch(&dig, s[i]);
	if (i < n && (s[i] == 'e' || s[i] == 'E')) {
		i++;
		if (i < n && (s[i] == '+' || s[i] == '-'))
			eneg = s[i++] == '-';
		for (; i < n && is_digit(s[i]); i++) {
			exp = exp * 10 + (s[i] - '0');
			if (exp > 400) {
				strbuf_release(&dig);
				return -1;
			}
		}
	}
	point = (long)whole + (eneg ? -exp : exp);
	/* dig holds every digit; the point goes after point of them */
	if (neg)
		strbuf_addch(out, '-');
	b = out->len;
	if (point <= 0) {
		strbuf_addstr(out, "0.");
		for (long z = point; z < 0; z++)
			strbuf_addch(out, '0');
		strbuf_add(out, dig.buf, dig.len);
	} else if ((size_t)point >= dig.len) {
		strbuf_add(out, dig.buf, dig.len);
		for (size_t z = dig.len; z < (size_t)point; z++)
			strbuf_addch(out, '0');
	} else {
		strbuf_add(out, dig.buf, (size_t)point);
		strbuf_addch(out, '.');
		strbuf_add(out, dig.buf + point, dig.len - (size_t)point);
	}
	strbuf_release(&dig);
	/* leading zeros of the whole part, trailing ones of the fraction */
	for (k = b; k + 1 < out->len && out->buf[k] == '0' &&
		    out->buf[k + 1] != '.'; k++)
		;
	if (k > b) {
		memmove(out->buf + b, out->buf + k, out->len - k);
		out->len -= k - b;
	}
	if (memchr(out->buf + b, '.', out->len - b)) {
		while (out->buf[out->len - 1] == '0')
			out->len--;
		if (out->buf[out->len - 1] == '.')
			out->len--;
	}
	out->buf[out->len] = '\0';
	return 0;
}

/* --- paths -------------------------------------------------------------- */

struct step {
	const char *name;	/* NULL: "[]" */
	size_t len;
};

/* path into steps (*steps for the caller to free); -1 when not valid */
static int path_steps(const char *path, struct step **steps, size_t *n)
{
	size_t alloc = 0, i = 0;

	*steps = NULL;
	*n = 0;
	if (!*path)
		return -1;
	for (;;) {
		size_t k = i;

		while (path[k] && (is_digit(path[k]) || path[k] == '_' ||
				   path[k] == '-' ||
				   (path[k] >= 'a' && path[k] <= 'z') ||
				   (path[k] >= 'A' && path[k] <= 'Z')))
			k++;
		if (k > i) {
			XGROW(*steps, alloc, *n + 1);
			(*steps)[(*n)++] = (struct step){ path + i, k - i };
		}
		while (path[k] == '[' && path[k + 1] == ']') {
			XGROW(*steps, alloc, *n + 1);
			(*steps)[(*n)++] = (struct step){ NULL, 0 };
			k += 2;
		}
		if (k == i)
			break;	/* an empty step */
		if (!path[k])
			return 0;
		if (path[k] != '.' || !path[k + 1])
			break;
		i = k + 1;
	}
	free(*steps);
	*steps = NULL;
	*n = 0;
	return -1;
}

int jx_path_valid(const char *path)
{
	struct step *s;
	size_t n;
	int ok = path_steps(path, &s, &n) == 0;

	free(s);
	return ok;
}

struct walk {
	const struct jx_doc *d;
	const struct step *steps;
	size_t nsteps;
	size_t ord;		/* containers seen, in document order */
	size_t found;		/* containers the last step went through */
	struct jx_row *rows;
	size_t n, alloc;
	json_t *up[JX_MAXUP];	/* the values the steps matched so far reached */
};

/* pre-order, so ord follows the document; at = steps matched, or -1 */
static void walk(struct walk *w, json_t *v, long at, long line)
{
	const char *key;
	json_t *c;
	size_t i;

	if (json_is_object(v) || json_is_array(v)) {
		if (w->ord < w->d->nlines)
			line = w->d->lines[w->ord];
		w->ord++;
	}
	if (at >= 0 && at < JX_MAXUP)
		w->up[at] = v;
	if (at == (long)w->nsteps) {
		XGROW(w->rows, w->alloc, w->n + 1);
		w->rows[w->n] = (struct jx_row){ v, line, { NULL } };
		for (long k = 0; k < at && k < JX_MAXUP; k++)
			w->rows[w->n].up[k] = w->up[k];
		w->n++;
		at = -1;
	}
	if (json_is_object(v)) {
		const struct step *s = at >= 0 ? &w->steps[at] : NULL;

		json_object_foreach(v, key, c) {
			long next = -1;

			if (s && s->name && strlen(key) == s->len &&
			    !memcmp(key, s->name, s->len)) {
				next = at + 1;
				if (next == (long)w->nsteps)
					w->found++;
			}
			walk(w, c, next, line);
		}
	} else if (json_is_array(v)) {
		int into = at >= 0 && !w->steps[at].name;

		if (into && at + 1 == (long)w->nsteps)
			w->found++;
		json_array_foreach(v, i, c)
			walk(w, c, into ? at + 1 : -1, line);
	}
}

size_t jx_select(const struct jx_doc *d, const char *path,
		 struct jx_row **rows, size_t *n)
{
	struct walk w;
	struct step *steps;
	size_t ns;

	*rows = NULL;
	*n = 0;
	if (!d->root || path_steps(path, &steps, &ns))
		return 0;
	memset(&w, 0, sizeof(w));
	w.d = d;
	w.steps = steps;
	w.nsteps = ns;
	walk(&w, d->root, 0, 1);
	free(steps);
	*rows = w.rows;
	*n = w.n;
	return w.found;
}
