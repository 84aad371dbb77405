#ifndef XALLOC_H
#define XALLOC_H
#include <stddef.h>
/*
 * Allocation that cannot fail: on exhaustion the process prints
 * "tally: out of memory" and exits 3 (the one place lib/ exits, as in
 * sbase's ealloc.c). Callers own what is returned and free() it.
 */
void *xmalloc(size_t n);
void *xcalloc(size_t nmemb, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
/* grow *p (of *alloc elements of size sz) to hold at least n elements */
void xgrow(void **p, size_t *alloc, size_t n, size_t sz);
#define XGROW(p, alloc, n) xgrow((void **)&(p), &(alloc), (n), sizeof(*(p)))
#endif
