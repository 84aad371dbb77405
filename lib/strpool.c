/*
 * A pool of strings (strpool.h).
 */
#include <string.h>
#include "strpool.h"
#include "banned.h"

/* a block of the arena; a longer string gets a block of its own */
#define STRPOOL_BLOCK ((size_t)64 << 10)

char *strpool_addn(struct strpool *p, const char *s, size_t len)
{
	char *d;

	if (len + 1 > p->left) {
		if (len + 1 > STRPOOL_BLOCK / 4)
			d = arena_alloc(&p->arena, len + 1);
		else {
			p->cur = arena_alloc(&p->arena, STRPOOL_BLOCK);
			p->left = STRPOOL_BLOCK;
			d = NULL;
		}
		if (d) {
			memcpy(d, s, len);
			d[len] = '\0';
			return d;
		}
	}
	d = p->cur;
	memcpy(d, s, len);
	d[len] = '\0';
	p->cur += len + 1;
	p->left -= len + 1;
	return d;
}

char *strpool_add(struct strpool *p, const char *s)
{
	return strpool_addn(p, s, strlen(s));
}

void strpool_release(struct strpool *p)
{
	arena_release(&p->arena);
	p->cur = NULL;
	p->left = 0;
}
