#include <stdlib.h>
#include <string.h>
#include "secret.h"
#include "strbuf.h"
#include "xalloc.h"
#include "banned.h"

static char **values;
static size_t nvalues, alloc;

void secret_add(const char *value)
{
	if (!value || !*value)
		return;
	for (size_t i = 0; i < nvalues; i++)
		if (!strcmp(values[i], value))
			return;
	XGROW(values, alloc, nvalues + 1);
	values[nvalues++] = xstrdup(value);
}

int secret_in(const char *data, size_t len)
{
	for (size_t i = 0; i < nvalues; i++)
		if (memmem(data, len, values[i], strlen(values[i])))
			return 1;
	return 0;
}

/* the registered value that starts at p and is longest, or NULL */
static const char *match(const char *p)
{
	const char *best = NULL;
	size_t bestn = 0;

	for (size_t i = 0; i < nvalues; i++) {
		size_t n = strlen(values[i]);

		if (n > bestn && !strncmp(p, values[i], n)) {
			best = values[i];
			bestn = n;
		}
	}
	return best;
}

void secret_mask(char *buf, size_t size)
{
	struct strbuf out = STRBUF_INIT;
	int changed = 0;

	if (!nvalues || !size)
		return;
	for (const char *p = buf; *p; ) {
		const char *m = match(p);

		if (m) {
			strbuf_addstr(&out, "***");
			p += strlen(m);
			changed = 1;
		} else {
			strbuf_addch(&out, *p++);
		}
	}
	if (changed) {
		size_t n = out.len < size - 1 ? out.len : size - 1;

		memcpy(buf, out.buf, n);
		buf[n] = '\0';
	}
	strbuf_release(&out);
}

void secret_clear(void)
{
	for (size_t i = 0; i < nvalues; i++)
		free(values[i]);
	free(values);
	values = NULL;
	nvalues = alloc = 0;
}
