/*
 * buf.h — growable byte buffers with a read cursor.
 *
 * A struct buf is the unit every layer exchanges bytes in: the transport
 * appends received bytes to a connection's input buffer, a protocol handler
 * consumes from it and appends replies to the output buffer, and the
 * transport drains that.  Bytes between `rpos` and `len` are unread; a
 * consumer advances `rpos` and buf_compact() reclaims the prefix.
 *
 * INTERFACE ROUTINES
 *   buf_init / buf_free         set up an empty buffer / release its memory
 *   buf_reserve                 make room for n more bytes at the end
 *   buf_append / buf_put_*      append raw bytes / big-endian integers / a C string
 *   buf_unread / buf_consume    unread bytes / mark n bytes read
 *   buf_compact                 drop the read prefix (O(unread))
 *   buf_reset                   empty the buffer, keep its memory
 *
 * Invariants
 *   1. rpos <= len <= cap.
 *   2. data is NULL iff cap == 0.
 *
 * Allocation failure is fatal (the process aborts in buf_reserve): a server
 * that cannot allocate a few KiB cannot meaningfully answer anybody.  Callers
 * bound what they append from untrusted input (see each protocol's limits).
 */
#ifndef ROSETTA_CORE_BUF_H
#define ROSETTA_CORE_BUF_H

#include <stddef.h>
#include <stdint.h>

struct buf {
	uint8_t *data;
	size_t len;  /* bytes written */
	size_t rpos; /* bytes already consumed by the reader */
	size_t cap;
};

void buf_init(struct buf *b);
void buf_free(struct buf *b);
void buf_reset(struct buf *b);
void buf_reserve(struct buf *b, size_t n);
void buf_append(struct buf *b, const void *p, size_t n);
void buf_put_u8(struct buf *b, uint8_t v);
void buf_put_be16(struct buf *b, uint16_t v);
void buf_put_be32(struct buf *b, uint32_t v);
void buf_put_cstr(struct buf *b, const char *s); /* includes the NUL */
void buf_printf(struct buf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3))); /* no NUL appended */
void buf_consume(struct buf *b, size_t n);
void buf_compact(struct buf *b);

static inline size_t buf_unread(const struct buf *b) { return b->len - b->rpos; }
static inline const uint8_t *buf_rptr(const struct buf *b) { return b->data + b->rpos; }

/* Overwrite 4 bytes at offset `at` with a big-endian value (length back-patching). */
void buf_patch_be32(struct buf *b, size_t at, uint32_t v);

static inline uint16_t rd_be16(const uint8_t *p) { return (uint16_t)(p[0] << 8 | p[1]); }
static inline uint32_t rd_be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

#endif
