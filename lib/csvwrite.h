#ifndef CSVWRITE_H
#define CSVWRITE_H
/*
 * CSV output, RFC 4180, the one quoting rule of every file tally writes
 * (the files between stages, the ledger, the rejects' raw column): a
 * field is quoted when it holds a comma, a quote, a CR or an LF, or when
 * it begins or ends with a blank or a tab (which readers trim); a quote
 * inside is doubled. Rows end in LF.
 */
#include <stddef.h>
#include <stdio.h>

struct strbuf;

/* 1 when the field s[0..n) must be quoted */
int csv_needs_quotes(const char *s, size_t n);
/* append the field s[0..n), quoted when it must be, to out */
void csv_quote_add(struct strbuf *out, const char *s, size_t n);

/* write one field (NULL reads as "") */
void csv_put(FILE *fp, const char *field);
void csv_putn(FILE *fp, const char *field, size_t len);
/* write a whole row of n fields and its LF */
void csv_putrow(FILE *fp, const char *const *fields, size_t n);
/* separators: csv_sep before every field but the first, csv_eol after */
#define csv_sep(fp) putc(',', (fp))
#define csv_eol(fp) putc('\n', (fp))
#endif
