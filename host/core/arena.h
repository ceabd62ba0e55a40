/*
 * arena.h — per-statement and per-message memory.
 *
 * Allocation is a pointer bump inside 8 KiB (or larger) blocks; nothing is
 * freed individually.  A failed request frees everything it allocated in one
 * place: arena_reset() or arena_free().  Pointers stay valid until then.
 *
 * INTERFACE ROUTINES
 *   arena_init / arena_free     an empty arena / release every block
 *   arena_reset                 forget every allocation, keep the first block
 *   arena_alloc                 n bytes, 16-byte aligned, zeroed
 *   arena_strndup / arena_memdup   copies (strndup adds a NUL)
 *   arena_bytes                 bytes handed out since the last reset (for limits)
 */
#ifndef ROSETTA_CORE_ARENA_H
#define ROSETTA_CORE_ARENA_H

#include <stddef.h>

struct arena_block;

struct arena {
	struct arena_block *head;
	size_t used_total;
};

void arena_init(struct arena *a);
void arena_free(struct arena *a);
void arena_reset(struct arena *a);
void *arena_alloc(struct arena *a, size_t n);
char *arena_strndup(struct arena *a, const char *s, size_t n);
void *arena_memdup(struct arena *a, const void *p, size_t n);
static inline size_t arena_bytes(const struct arena *a) { return a->used_total; }

#endif
