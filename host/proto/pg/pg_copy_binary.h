/*
 * pg_copy_binary.h — PostgreSQL's binary COPY format: a sans-IO decoder and
 * the encoder's framing (see pg_copy_binary.c).
 *
 * A binary COPY stream is
 *
 *   header   11-byte signature "PGCOPY\n\377\r\n\0", int32 flags,
 *            int32 header-extension length, then that many bytes (skipped)
 *   tuples   int16 field count, then per field int32 length (-1 for NULL)
 *            and that many bytes, the type's binary send/recv form
 *   trailer  int16 -1
 *
 * all integers big-endian.  A tuple's bytes are a DataRow's body, which is
 * how the encoder writes them (pg_put_data_row with every format binary).
 *
 * INTERFACE ROUTINES
 *   pg_copy_bin_init          a decoder positioned before the header
 *   pg_copy_bin_next          decode the next header part, tuple or trailer from buffered bytes
 *   pg_copy_bin_finish        at end of data: was the stream complete?
 *   pg_copy_bin_put_tuple     CopyData with one tuple (the first one carries the header)
 *   pg_copy_bin_put_trailer   CopyData with the trailer (and the header, when no tuple was sent)
 */
#ifndef ROSETTA_PROTO_PG_COPY_BINARY_H
#define ROSETTA_PROTO_PG_COPY_BINARY_H

#include <stddef.h>
#include <stdint.h>

#include "core/buf.h"
#include "core/error.h"
#include "engine/types.h"

/* One decoded field: p points into the caller's bytes, NULL for SQL NULL. */
struct pg_copy_field {
	const uint8_t *p;
	int32_t len;
};

enum pg_copy_bin_stage {
	PG_COPY_BIN_SIGNATURE, /* expecting signature + flags + extension length */
	PG_COPY_BIN_EXTENSION, /* skipping header-extension bytes */
	PG_COPY_BIN_TUPLES,    /* expecting a tuple or the trailer */
	PG_COPY_BIN_END,       /* the trailer was read: nothing may follow */
};

struct pg_copy_bin {
	enum pg_copy_bin_stage stage;
	uint32_t skip; /* header-extension bytes still to skip */
};

void pg_copy_bin_init(struct pg_copy_bin *d);

/*
 * Decode from p[0..n), the caller's buffered, not yet consumed bytes.
 * Returns the bytes consumed (> 0), 0 when p[0..n) does not hold the next
 * item whole (call again with more), or -1 when the stream is malformed
 * (err: 22P04 bad_copy_file_format; the decoder must not be called again).
 * When a tuple was decoded *tuple is 1 and fields[0..ncols) point into p;
 * for header parts and the trailer *tuple is 0.  A tuple whose field count
 * is not `ncols` is malformed.  Never reads outside p[0..n).
 */
long pg_copy_bin_next(struct pg_copy_bin *d, const uint8_t *p, size_t n, int ncols, struct pg_copy_field *fields,
		      int *tuple, struct rerr *err);

/* At CopyDone with `left` bytes not consumed: 0 when the stream ended cleanly
 * (after the trailer, or between tuples, as PostgreSQL allows), else -1 (22P04). */
int pg_copy_bin_finish(const struct pg_copy_bin *d, size_t left, struct rerr *err);

/*
 * The encoder.  PostgreSQL sends the header in the same CopyData message as
 * the first tuple (or as the trailer, when there are no rows), and clients
 * rely on it (psycopg 3 parses each message as one row): `with_header` puts
 * it there.  put_tuple returns 0, or -1 with err (nothing written) when a
 * column's type has no binary form.
 */
int pg_copy_bin_put_tuple(struct buf *out, int with_header, int n, const enum rtype *types, const struct rvalue *vals,
			  struct rerr *err);
void pg_copy_bin_put_trailer(struct buf *out, int with_header);

#endif
