#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "xalloc.h"
#include "banned.h"

static void oom(void)
{
	fputs("tally: out of memory\n", stderr);
	exit(3);
}

void *xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);
	if (!p)
		oom();
	return p;
}

void *xcalloc(size_t nmemb, size_t size)
{
	void *p = calloc(nmemb ? nmemb : 1, size ? size : 1);
	if (!p)
		oom();
	return p;
}

void *xrealloc(void *p, size_t n)
{
	p = realloc(p, n ? n : 1);
	if (!p)
		oom();
	return p;
}

char *xstrndup(const char *s, size_t n)
{
	char *d = xmalloc(n + 1);
	memcpy(d, s, n);
	d[n] = '\0';
	return d;
}

char *xstrdup(const char *s)
{
	return xstrndup(s, strlen(s));
}

void xgrow(void **p, size_t *alloc, size_t n, size_t sz)
{
	size_t a;

	if (n <= *alloc)
		return;
	a = *alloc ? *alloc : 16;
	while (a < n)
		a += a / 2 + 16;
	if (a > ((size_t)-1) / sz)
		oom();
	*p = xrealloc(*p, a * sz);
	*alloc = a;
}
