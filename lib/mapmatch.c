/*
 * Matching vendor names to PSA names, and suggestions: the rules are in
 * mapmatch.h.
 */
#include <stdlib.h>
#include <string.h>
#include "mapping.h"
#include "mapmatch.h"
#include "strbuf.h"
#include "xalloc.h"
#include "banned.h"

/* --- names and tokens ------------------------------------------------------ */

void map_key2(struct strbuf *k, const char *a, const char *b)
{
	strbuf_reset(k);
	strbuf_addstr(k, a);
	strbuf_addch(k, '\0');
	strbuf_addstr(k, b);
}

static int is_blank(int c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' ||
	       c == '\f';
}

static int lower(int c)
{
	return c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c;
}

void map_normalise(const char *s, struct strbuf *out)
{
	int pending = 0, any = 0;

	for (; *s; s++) {
		if (is_blank((unsigned char)*s)) {
			pending = any;
			continue;
		}
		if (pending)
			strbuf_addch(out, ' ');
		pending = 0;
		any = 1;
		strbuf_addch(out, (char)lower((unsigned char)*s));
	}
}

/* words that say nothing about which company or product is meant */
static const char *const stopwords[] = {
	"ag", "and", "bv", "co", "company", "corp", "corporation", "gmbh",
	"inc", "incorporated", "limited", "llc", "llp", "ltd", "of", "plc",
	"pty", "sa", "the",
};

static int is_stopword(const char *w, size_t n)
{
	for (size_t i = 0; i < sizeof(stopwords) / sizeof(*stopwords); i++)
		if (strlen(stopwords[i]) == n && !memcmp(stopwords[i], w, n))
			return 1;
	return 0;
}

static int is_word_byte(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || c >= 0x80;
}

/*
 * The distinct tokens of s (lower case), sorted, as one buffer of
 * NUL-terminated words; *n is their number. The caller frees the result.
 */
static int cmp_cstr(const void *x, const void *y)
{
	return strcmp(*(char *const *)x, *(char *const *)y);
}

static char **tokens_of(const char *s, size_t *n)
{
	char **v = NULL;
	size_t alloc = 0, k = 0;

	*n = 0;
	while (*s) {
		const char *w;
		char *t;
		size_t len;

		while (*s && !is_word_byte((unsigned char)*s))
			s++;
		w = s;
		while (*s && is_word_byte((unsigned char)*s))
			s++;
		len = (size_t)(s - w);
		if (!len)
			continue;
		t = xstrndup(w, len);
		for (size_t i = 0; i < len; i++)
			t[i] = (char)lower((unsigned char)t[i]);
		if (is_stopword(t, len)) {
			free(t);
			continue;
		}
		XGROW(v, alloc, *n + 1);
		v[(*n)++] = t;
	}
	if (!*n)
		return v;
	if (*n > 1)	/* qsort(NULL, 0) is undefined */
		qsort(v, *n, sizeof(*v), cmp_cstr);
	for (size_t i = 0; i < *n; i++) {
		if (k && !strcmp(v[k - 1], v[i])) {
			free(v[i]);
			continue;
		}
		v[k++] = v[i];
	}
	*n = k;
	return v;
}

static void tokens_free(char **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

void map_index_add(struct map_index *x, size_t i)
{
	XGROW(x->v, x->alloc, x->n + 1);
	x->v[x->n++] = i;
}

void map_index_map_free(struct strmap *m)
{
	struct strmap_entry *en;
	size_t pos = 0;

	while ((en = strmap_next(m, &pos)))
		free(((struct map_index *)en->value)->v);
	strmap_free_values(m);
}

struct map_index *map_index_slot(struct strmap *m, const char *key,
				    size_t klen)
{
	void **slot = strmap_slot(m, key, klen, NULL);

	if (!*slot)
		*slot = xcalloc(1, sizeof(struct map_index));
	return *slot;
}

/* --- suggestions: items found by shared name tokens -------------------- */

struct map_suggest {
	char **ids, **names;	/* owned */
	size_t n, alloc;
	struct strmap tokens;	/* token -> map_index of items */
};

struct map_suggest *map_suggest_new(void)
{
	return xcalloc(1, sizeof(struct map_suggest));
}

void map_suggest_free(struct map_suggest *g)
{
	if (!g)
		return;
	for (size_t i = 0; i < g->n; i++) {
		free(g->ids[i]);
		free(g->names[i]);
	}
	free(g->ids);
	free(g->names);
	map_index_map_free(&g->tokens);
	free(g);
}

/* add an item found by the tokens of text */
void map_suggest_add(struct map_suggest *g, const char *id,
			const char *name, const char *text)
{
	size_t nt, i = g->n;
	char **t = tokens_of(text, &nt);

	XGROW(g->ids, g->alloc, g->n + 1);
	g->names = xrealloc(g->names, g->alloc * sizeof(*g->names));
	g->ids[i] = xstrdup(id);
	g->names[i] = xstrdup(name);
	g->n++;
	for (size_t k = 0; k < nt; k++)
		map_index_add(map_index_slot(&g->tokens, t[k], strlen(t[k])), i);
	tokens_free(t, nt);
}

struct scored {
	size_t item, score;
	const char *id;
};

static int cmp_scored(const void *x, const void *y)
{
	const struct scored *a = x, *b = y;

	if (a->score != b->score)
		return a->score > b->score ? -1 : 1;
	return strcmp(a->id, b->id);
}

void map_suggest_query(const struct map_suggest *g, const char *query,
		    struct strbuf *out)
{
	size_t nt, nhit = 0, alloc = 0, nbest = 0;
	char **t;
	size_t *score;
	struct scored *hit = NULL, best[3];

	if (!g || !g->n)
		return;
	t = tokens_of(query, &nt);
	score = xcalloc(g->n, sizeof(*score));
	for (size_t k = 0; k < nt; k++) {
		const struct map_index *x = strmap_get(&g->tokens, t[k],
						       strlen(t[k]));

		for (size_t j = 0; x && j < x->n; j++) {
			size_t i = x->v[j];

			/* tokens_of gave each item's tokens once */
			if (!score[i]++) {
				XGROW(hit, alloc, nhit + 1);
				hit[nhit++].item = i;
			}
		}
	}
	/* the best 3 in one pass: a full sort costs too much when a common
	 * word is shared by thousands of companies */
	for (size_t k = 0; k < nhit; k++) {
		struct scored c = { hit[k].item, score[hit[k].item],
				    g->ids[hit[k].item] };
		size_t j = nbest < 3 ? nbest++ : 3;

		while (j > 0 && cmp_scored(&c, &best[j - 1]) < 0) {
			if (j < 3)
				best[j] = best[j - 1];
			j--;
		}
		if (j < 3)
			best[j] = c;
	}
	for (size_t k = 0; k < nbest; k++) {
		if (k)
			strbuf_addstr(out, "; ");
		strbuf_addf(out, "%s %s", g->ids[best[k].item],
			    g->names[best[k].item]);
	}
	free(hit);
	free(score);
	tokens_free(t, nt);
}

void mapping_suggest_companies(const struct mapping *m, const char *name,
			       struct strbuf *out)
{
	map_suggest_query(m->company_sugg, name, out);
}

void mapping_suggest_products(const struct mapping *m, const char *sku,
			      struct strbuf *out)
{
	map_suggest_query(m->product_sugg, sku, out);
}

const struct map_index *mapping_name_matches(const struct mapping *m,
					     const char *name)
{
	struct strbuf n = STRBUF_INIT;
	const struct map_index *x;

	map_normalise(name, &n);
	x = n.len ? strmap_get(&m->names, n.buf, n.len) : NULL;
	strbuf_release(&n);
	return x;
}
