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

/* "a\0b" into k (reset first): the key of a pair of ids */
void map_key2(struct strbuf *k, const char *a, const char *b);

/*
 * Items found by their name tokens; owned, freed by map_suggest_free.
 * The items are the caller's (0, 1, ... in the order added), their id
 * and name given by item: each token is held once, each (token, item)
 * pair in 8 bytes, each item in 8: the index of 200,000 companies takes
 * some 12 MiB.
 */
typedef void (*map_suggest_item_fn)(const void *ctx, size_t i,
				    const char **id, const char **name);
struct map_suggest;
struct map_suggest *map_suggest_new(map_suggest_item_fn item, const void *ctx);
void map_suggest_free(struct map_suggest *g);
/* add the next item, found by the tokens of text */
void map_suggest_add(struct map_suggest *g, const char *text);
/* the items added so far */
size_t map_suggest_count(const struct map_suggest *g);
/*
 * The best 3 items for query as "<id> <name>; ..." appended to out. Not
 * reentrant: the scores are counted in arrays of g's (zero between
 * calls) rather than in arrays of the items' size allocated per call.
 */
void map_suggest_query(const struct map_suggest *g, const char *query,
		       struct strbuf *out);
#endif
