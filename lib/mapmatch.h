#ifndef MAPMATCH_H
#define MAPMATCH_H
/*
 * Names and suggestions for the mapping (README.md, "Mapping"):
 *
 *   map_normalise  a name trimmed, runs of blanks squeezed to one space,
 *                  ASCII letters in lower case: two names are the same
 *                  company when these are equal;
 *   suggestions    the items (PSA companies, or the products of
 *                  services.csv) sharing the most name tokens with a
 *                  vendor's name: letters and digits in lower case, words
 *                  such as "inc" or "ltd" left out; at most 3, ties in
 *                  byte order of id.
 */
#include <stddef.h>
#include "strbuf.h"
#include "strmap.h"

struct map_index;

/* "a\0b" into k (reset first): the key of a pair of ids */
void map_key2(struct strbuf *k, const char *a, const char *b);

/* a list of indices under a key: add one, get (made empty) the key's */
void map_index_add(struct map_index *x, size_t i);
struct map_index *map_index_slot(struct strmap *m, const char *key,
				 size_t klen);
/* free every list of m, and m */
void map_index_map_free(struct strmap *m);

/* items found by their name tokens; owned, freed by map_suggest_free */
struct map_suggest;
struct map_suggest *map_suggest_new(void);
void map_suggest_free(struct map_suggest *g);
/* add an item (id and name copied) found by the tokens of text */
void map_suggest_add(struct map_suggest *g, const char *id,
		     const char *name, const char *text);
/* the best 3 items for query as "<id> <name>; ..." appended to out */
void map_suggest_query(const struct map_suggest *g, const char *query,
		       struct strbuf *out);
#endif
