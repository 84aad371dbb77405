/*
 * Matching vendor names to PSA names, and suggestions: the rules are in
 * mapmatch.h.
 */
#include <stdlib.h>
#include <string.h>
#include "mapping.h"
#include "mapmatch.h"
#include "strbuf.h"
#include "idxhash.h"
#include "strpool.h"
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

/* --- suggestions: items found by shared name tokens -------------------- */

#define NO_POSTING UINT32_MAX

struct posting {
	uint32_t item, prev;	/* prev: the token's posting before, or none */
};

struct map_suggest {
	map_suggest_item_fn item;	/* an item's id and name */
	const void *ctx;
	uint32_t *score;		/* per item; 0 between queries */
	uint32_t *hit;			/* a query's items of a score > 0 */
	size_t n, alloc;
	struct strpool pool;		/* the tokens */
	const char **tok;		/* each distinct token */
	uint32_t *last;			/* per token: its last posting */
	size_t ntok, talloc;
	struct idxhash tokens;		/* token -> tok */
	struct posting *post;
	size_t npost, palloc;
};

static const char *token_key(const void *ctx, uint32_t i,
			     struct strbuf *scratch, size_t *len)
{
	const struct map_suggest *g = ctx;

	*len = strlen(g->tok[i]);
	return g->tok[i];
}

struct map_suggest *map_suggest_new(map_suggest_item_fn item, const void *ctx)
{
	struct map_suggest *g = xcalloc(1, sizeof(struct map_suggest));

	g->item = item;
	g->ctx = ctx;
	idxhash_init(&g->tokens, token_key, g);
	return g;
}

void map_suggest_free(struct map_suggest *g)
{
	if (!g)
		return;
	free(g->score);
	free(g->hit);
	strpool_release(&g->pool);
	free(g->tok);
	free(g->last);
	idxhash_release(&g->tokens);
	free(g->post);
	free(g);
}

size_t map_suggest_count(const struct map_suggest *g)
{
	return g->n;
}

/* add the next item, found by the tokens of text */
void map_suggest_add(struct map_suggest *g, const char *text)
{
	size_t nt, i = g->n, alloc = g->alloc;
	char **t = tokens_of(text, &nt);

	XGROW(g->score, g->alloc, g->n + 1);
	if (g->alloc != alloc)
		g->hit = xrealloc(g->hit, g->alloc * sizeof(*g->hit));
	g->score[i] = 0;
	g->n++;
	for (size_t k = 0; k < nt; k++) {
		size_t len = strlen(t[k]);
		uint32_t *slot = idxhash_slot(&g->tokens, t[k], len);
		uint32_t tk;

		if (!*slot) {
			size_t talloc = g->talloc;

			XGROW(g->tok, g->talloc, g->ntok + 1);
			if (g->talloc != talloc)
				g->last = xrealloc(g->last, g->talloc * sizeof(*g->last));
			g->tok[g->ntok] = strpool_addn(&g->pool, t[k], len);
			g->last[g->ntok] = NO_POSTING;
			*slot = (uint32_t)++g->ntok;
		}
		tk = *slot - 1;
		XGROW(g->post, g->palloc, g->npost + 1);
		g->post[g->npost].item = (uint32_t)i;
		g->post[g->npost].prev = g->last[tk];
		g->last[tk] = (uint32_t)g->npost++;
	}
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
	size_t nt, nhit = 0, nbest = 0;
	char **t;
	uint32_t *score, *hit;
	struct scored best[3];

	if (!g || !g->n)
		return;
	t = tokens_of(query, &nt);
	score = g->score;
	hit = g->hit;
	for (size_t k = 0; k < nt; k++) {
		int64_t tk = idxhash_get(&g->tokens, t[k], strlen(t[k]));

		for (uint32_t p = tk < 0 ? NO_POSTING : g->last[tk];
		     p != NO_POSTING; p = g->post[p].prev) {
			size_t i = g->post[p].item;

			/* tokens_of gave each item's tokens once */
			if (!score[i]++)
				hit[nhit++] = (uint32_t)i;
		}
	}
	/* the best 3 in one pass: a full sort costs too much when a common
	 * word is shared by thousands of companies */
	for (size_t k = 0; k < nhit; k++) {
		struct scored c = { hit[k], score[hit[k]], NULL };
		const char *name;
		size_t j = nbest < 3 ? nbest++ : 3;

		g->item(g->ctx, c.item, &c.id, &name);
		while (j > 0 && cmp_scored(&c, &best[j - 1]) < 0) {
			if (j < 3)
				best[j] = best[j - 1];
			j--;
		}
		if (j < 3)
			best[j] = c;
	}
	for (size_t k = 0; k < nbest; k++) {
		const char *id, *name;

		g->item(g->ctx, best[k].item, &id, &name);
		if (k)
			strbuf_addstr(out, "; ");
		strbuf_addf(out, "%s %s", id, name);
	}
	for (size_t k = 0; k < nhit; k++)
		score[hit[k]] = 0;
	tokens_free(t, nt);
}

void mapping_suggest_companies(const struct mapping *m, const char *name,
			       struct strbuf *out)
{
	/* the companies' tokens indexed at the first need, in file order */
	for (size_t i = map_suggest_count(m->company_sugg); i < m->ncompanies; i++)
		map_suggest_add(m->company_sugg, m->companies[i].name);
	map_suggest_query(m->company_sugg, name, out);
}

void mapping_suggest_products(const struct mapping *m, const char *sku,
			      struct strbuf *out)
{
	map_suggest_query(m->product_sugg, sku, out);
}

size_t mapping_name_matches(const struct mapping *m, const char *name,
			    size_t *first)
{
	struct strbuf n = STRBUF_INIT;
	int64_t last = -1;
	size_t count = 0;

	map_normalise(name, &n);
	if (n.len)
		last = idxhash_get(&m->names, n.buf, n.len);
	strbuf_release(&n);
	if (last < 0)
		return 0;
	/* the index holds the last of the ring; the first comes after it */
	*first = m->same_name[last];
	for (size_t i = *first;; i = m->same_name[i]) {
		count++;
		if (i == (size_t)last)
			return count;
	}
}

size_t mapping_name_next(const struct mapping *m, size_t i)
{
	return m->same_name[i];
}
