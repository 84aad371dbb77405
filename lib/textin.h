#ifndef TEXTIN_H
#define TEXTIN_H
/*
 * An input file read as UTF-8 text, whatever Unicode form it was saved in
 * (README.md, "What goes in the inbox"): the readers of inbox files
 * (csvread.h, jsonexact.h) take their bytes from here.
 *
 *   EF BB BF   UTF-8 with a BOM: the BOM is dropped
 *   FF FE      UTF-16LE with a BOM (what PowerShell's ">" writes)
 *   FE FF      UTF-16BE with a BOM
 *   otherwise  the bytes as they are (UTF-8 or not: the reader checks)
 *
 * UTF-16 is transcoded to UTF-8 as it is read, a small buffer at a time,
 * so memory does not grow with the file; a BOM inside the text is kept
 * (U+FEFF, as in UTF-8). Line ends are not touched, so a UTF-16 file
 * gives the bytes of its UTF-8 equivalent, line for line.
 *
 * UTF-16 that breaks off after an odd number of bytes, or holds half a
 * surrogate pair, is an error of code ERR_ENCODING whose line is the
 * physical line it is on (error.h).
 */
#include <stddef.h>
#include <stdio.h>
#include "error.h"

enum textin_form { TEXTIN_PLAIN, TEXTIN_UTF16LE, TEXTIN_UTF16BE };

struct textin {
	FILE *fp;
	const char *path;	/* borrowed, for messages */
	enum textin_form form;
	unsigned char raw[16384];	/* bytes read and not yet used */
	size_t rpos, rlen;
	char pend[4];		/* UTF-8 of a character not yet handed out */
	size_t ppos, plen;
	long line;		/* physical line of the transcoded text so far */
	int eof;		/* fread reached the end */
};

/* open path and look at its BOM: 0, or -1 with e (ERR_IO) */
int textin_open(struct textin *t, const char *path, struct error *e);
/*
 * Up to cap (> 0) bytes of UTF-8 into buf. Returns how many (0 only at
 * the end of the file), or -1 with e: ERR_IO on a read error,
 * ERR_ENCODING for broken UTF-16 (the message names path and line).
 */
long textin_read(struct textin *t, char *buf, size_t cap, struct error *e);
void textin_close(struct textin *t);
/* the file's form, for messages: "UTF-8", "UTF-16LE", "UTF-16BE" */
const char *textin_form_name(enum textin_form f);
#endif
