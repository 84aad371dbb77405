#include <string.h>
#include "csvwrite.h"
#include "strbuf.h"
#include "banned.h"

static int is_blank(char c)
{
	return c == ' ' || c == '\t';
}

int csv_needs_quotes(const char *s, size_t n)
{
	if (n && (is_blank(s[0]) || is_blank(s[n - 1])))
		return 1;
	for (size_t i = 0; i < n; i++)
		if (s[i] == ',' || s[i] == '"' || s[i] == '\n' || s[i] == '\r')
			return 1;
	return 0;
}

void csv_quote_add(struct strbuf *out, const char *s, size_t n)
{
	if (!csv_needs_quotes(s, n)) {
		strbuf_add(out, s, n);
		return;
	}
	strbuf_addch(out, '"');
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '"')
			strbuf_addch(out, '"');
		strbuf_addch(out, s[i]);
	}
	strbuf_addch(out, '"');
}

void csv_putn(FILE *fp, const char *s, size_t n)
{
	if (!csv_needs_quotes(s, n)) {
		fwrite(s, 1, n, fp);
		return;
	}
	putc('"', fp);
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '"')
			putc('"', fp);
		putc(s[i], fp);
	}
	putc('"', fp);
}

void csv_put(FILE *fp, const char *s)
{
	csv_putn(fp, s ? s : "", s ? strlen(s) : 0);
}

void csv_putrow(FILE *fp, const char *const *f, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (i)
			csv_sep(fp);
		csv_put(fp, f[i]);
	}
	csv_eol(fp);
}
