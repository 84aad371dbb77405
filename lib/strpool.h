#ifndef STRPOOL_H
#define STRPOOL_H
/*
 * Many small strings that live and die together (the mapping's 200,000
 * accounts and companies): copied end to end into blocks of an arena
 * (arena.h), without malloc's header and rounding for each, and freed at
 * once by strpool_release. STRPOOL_INIT, or a zeroed struct, is an empty
 * pool. Allocation cannot fail (xalloc.h).
 */
#include <stddef.h>
#include "arena.h"

struct strpool {
	struct arena arena;
	char *cur;		/* the free part of the current block */
	size_t left;
};

#define STRPOOL_INIT { ARENA_INIT, NULL, 0 }
/* s[0..len) and a NUL, copied; valid until strpool_release */
char *strpool_addn(struct strpool *p, const char *s, size_t len);
char *strpool_add(struct strpool *p, const char *s);
void strpool_release(struct strpool *p);
#endif
