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
	int large;		/* a block over ARENA_CHUNK, alone */
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
	c->large = 1;
	if (a->chunk) {
		c->next = a->chunk->next;
		a->chunk->next = c;
	} else {
		a->chunk = c;
	}
	return c->mem;
}

/*
 * A chunk emptied by arena_reset (the only ones with nothing carved),
 * moved to the front, or NULL.
 */
static struct arena_chunk *reuse(struct arena *a)
{
	struct arena_chunk **pp, *c;

	for (pp = &a->chunk; (c = *pp); pp = &c->next)
		if (c->used == 0) {
			*pp = c->next;
			c->next = a->chunk;
			a->chunk = c;
			return c;
		}
	return NULL;
}

void *arena_alloc(struct arena *a, size_t n)
{
	struct arena_chunk *c = a->chunk;
	void *p;

	if (n > ARENA_CHUNK)
		return alloc_large(a, n);
	n = (n + 15) & ~(size_t)15;
	if (!c || c->used + n > ARENA_CHUNK) {
		c = reuse(a);
		if (c)
			goto carve;
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
carve:
	p = c->mem + c->used;
	c->used += n;
	memset(p, 0, n);
	return p;
}

/*
 * Every block given back at once, the chunks kept for the blocks to come
 * (their pages already faulted in), but for the large ones. Not in
 * arena.h, which is not this change's: exseries.c declares it too.
 */
void arena_reset(struct arena *a);
void arena_reset(struct arena *a)
{
	struct arena_chunk **pp = &a->chunk, *c;

	while ((c = *pp)) {
		if (c->large) {
			*pp = c->next;
			free(c->mem);
			free(c);
			continue;
		}
		c->used = 0;
		pp = &c->next;
	}
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
