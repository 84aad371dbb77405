#ifndef ARENA_H
#define ARENA_H
/*
 * A memory arena for many small blocks that live and die together (the
 * extract stage's series): arena_alloc carves zeroed, 16-byte aligned
 * blocks from 2 MiB chunks, asking the kernel for huge pages where it
 * gives them, since page faults, not malloc, dominate when 20,000
 * companies' series are created; arena_release frees every block at
 * once. There is no free of one block.
 *
 * A block over ARENA_CHUNK bytes gets a chunk of its own. Allocation
 * cannot fail (xalloc.h). The struct is the caller's: ARENA_INIT or
 * arena_init makes an empty arena that owns nothing, and arena_release
 * leaves it empty again.
 */
#include <stddef.h>

#define ARENA_CHUNK ((size_t)2 << 20)

struct arena_chunk;
struct arena {
	struct arena_chunk *chunk;	/* the newest; the others behind it */
};

#define ARENA_INIT { NULL }
void arena_init(struct arena *a);
/* n zeroed bytes, valid until arena_release */
void *arena_alloc(struct arena *a, size_t n);
void arena_release(struct arena *a);
#endif
