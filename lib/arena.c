/*
 * The memory arena: the contract is arena.h.
 */
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include "arena.h"
#include "xalloc.h"
#include "banned.h"

struct arena_chunk {
	struct arena_chunk *next;
	size_t used;
	char *mem;
};

void arena_init(struct arena *a)
{
	a->chunk = NULL;
}

/* a block over ARENA_CHUNK: a chunk of its own, behind the current one */
static void *alloc_large(struct arena *a, size_t n)
{
	struct arena_chunk *c = xcalloc(1, sizeof(*c));

	c->mem = xcalloc(1, n);
	c->used = ARENA_CHUNK;	/* full: never carved from */
	if (a->chunk) {
		c->next = a->chunk->next;
		a->chunk->next = c;
	} else {
		a->chunk = c;
	}
	return c->mem;
}

void *arena_alloc(struct arena *a, size_t n)
{
	struct arena_chunk *c = a->chunk;
	void *p;

	if (n > ARENA_CHUNK)
		return alloc_large(a, n);
	n = (n + 15) & ~(size_t)15;
	if (!c || c->used + n > ARENA_CHUNK) {
		c = xcalloc(1, sizeof(*c));
		c->mem = aligned_alloc(ARENA_CHUNK, ARENA_CHUNK);
		if (!c->mem)
			c->mem = xmalloc(ARENA_CHUNK);
#ifdef MADV_HUGEPAGE
		madvise(c->mem, ARENA_CHUNK, MADV_HUGEPAGE);
#endif
		c->next = a->chunk;
		a->chunk = c;
	}
	p = c->mem + c->used;
	c->used += n;
	memset(p, 0, n);
	return p;
}

void arena_release(struct arena *a)
{
	while (a->chunk) {
		struct arena_chunk *next = a->chunk->next;

		free(a->chunk->mem);
		free(a->chunk);
		a->chunk = next;
	}
}
