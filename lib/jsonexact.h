#ifndef JSONEXACT_H
#define JSONEXACT_H
/*
 * JSON documents whose numbers keep their source text (README.md, "What
 * goes in the inbox"): no number of an input file is ever carried as
 * binary floating point. A pre-pass turns every number token outside
 * strings into a marked string (a NUL, then the token) before jansson
 * parses the text, so 43.19 stays "43.19"; jx_number gives the text back.
 * The same pre-pass notes the line each object and array starts on, so a
 * row of the document can be named by its line.
 *
 * A document with "\u0000" in a string is refused (it would read as a
 * number); so are duplicate member names (jansson's
 * JSON_REJECT_DUPLICATES), which keeps members in document order.
 */
#include <jansson.h>
#include <stddef.h>
#include "error.h"

struct strbuf;

struct jx_doc {
	json_t *root;		/* owned; NULL when the parse failed */
	long *lines;		/* each object's and array's first line, in
				   document order */
	size_t nlines, alloc;
	char why[200];		/* after ERR_SYNTAX: what is wrong, for a
				   message ("bad number (\"01\")") */
};

/*
 * Parse text[0..n) (UTF-8); name is for messages. Returns 0, or -1 with e:
 * ERR_SYNTAX and the line for text that is not JSON (bad numbers, a
 * "\u0000", duplicate names included). d is empty after a failure but
 * for d->why.
 */
int jx_parse(struct jx_doc *d, const char *text, size_t n, const char *name,
	     struct error *e);
/*
 * Read path whole through textin.h (a BOM dropped, UTF-16 transcoded) and
 * parse it. Returns 0, or -1 with e: ERR_IO, ERR_ENCODING, ERR_FILE_SIZE
 * (more than max bytes of UTF-8), ERR_SYNTAX as jx_parse.
 */
int jx_load(struct jx_doc *d, const char *path, size_t max, struct error *e);
void jx_release(struct jx_doc *d);

/* 1 when v is a number of the document, with *s, *n its source text */
int jx_number(const json_t *v, const char **s, size_t *n);
/*
 * A number's text as a plain decimal, exactly (no floating point): the
 * exponent applied, leading zeros of the whole part and trailing zeros of
 * the fraction dropped ("4.3190e1" -> "43.19", "1E3" -> "1000", "2.50"
 * -> "2.5"). A writer that prints the shortest text of a double (Python,
 * JavaScript) gives that text. Appends to out and returns 0, or -1 (out
 * untouched) for an exponent past 400.
 */
int jx_decimal_text(const char *s, size_t n, struct strbuf *out);

/*
 * Paths to a document's rows (profile.h, "rows"): steps separated by
 * ".", each "name" (the member of an object), "[]" (each element of an
 * array) or "name[]" (both); names are [A-Za-z0-9_-]+. "[]" is the root
 * array's elements; "companies[].products[]" each element of "products"
 * in each element of the root object's "companies".
 */
int jx_path_valid(const char *path);

#define JX_MAXUP 8
struct jx_row {
	json_t *v;	/* borrowed from the document */
	long line;	/* its first line (an enclosing one for a scalar) */
	json_t *up[JX_MAXUP];	/* the values the path went through: up[k]
				   the one after its first k steps (up[0] the
				   root), for k below the steps and JX_MAXUP;
				   borrowed */
};

/*
 * The values path leads to, in document order: *rows (the caller frees)
 * and *n. Returns how many containers the last step went through (an
 * empty root array for "[]" gives 1 and no rows; a root object 0).
 */
size_t jx_select(const struct jx_doc *d, const char *path,
		 struct jx_row **rows, size_t *n);
#endif
