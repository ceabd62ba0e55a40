/*
 * mysql_binary.h — the binary protocol's parameter block (internal to proto/mysql).
 *
 * mysql_put_binary_value and mysql_get_binary_param (one value each way) are
 * declared in mysql_types.h; this header adds what mysql_stmt.c and the
 * fuzzer share: the decoder of a whole COM_STMT_EXECUTE parameter block.
 *
 * INTERFACE ROUTINES
 *   mysql_binary_row_begin    a binary row's header and NULL bitmap
 *   mysql_decode_exec_params  NULL bitmap, types, values -> struct rvalue[]
 */
#ifndef ROSETTA_PROTO_MYSQL_BINARY_H
#define ROSETTA_PROTO_MYSQL_BINARY_H

#include <stdint.h>

#include "proto/mysql/mysql_types.h"

/* mysql_get_binary_param appends at most this many bytes to `scratch` per call
 * (a formatted date, time or unsigned 64-bit integer).  A caller that keeps
 * pointers into scratch across calls reserves nparams * this much first, so
 * the buffer never moves. */
#define MYSQL_BINARY_SCRATCH_MAX 64

/* COM_STMT_EXECUTE flags. */
#define MYSQL_CURSOR_TYPE_READ_ONLY 0x01u
#define MYSQL_PARAMETER_COUNT_AVAILABLE 0x08u

/* Data a client sent with COM_STMT_SEND_LONG_DATA for one parameter. */
struct mysql_long_data {
	struct buf data;
	int present;
};

/*
 * Decode the parameter block of COM_STMT_EXECUTE (everything after the
 * iteration count) for a statement of `nparams` parameters.
 *
 *   types      2 * nparams bytes (type, flags); read from the payload when the
 *              new-params-bound flag is 1, else used as the previous execute left them
 *   *bound     whether `types` holds types (set here when the payload brings them)
 *   longdata   nparams entries or NULL; a parameter with data present takes its value
 *              from there and has none in the payload
 *   caps       the connection's capabilities (CLIENT_QUERY_ATTRIBUTES changes the layout);
 *              query attributes beyond nparams are read and ignored
 *   vals       nparams values out; bytes point into the payload, longdata or scratch
 *
 * Returns 0, or -1 with *err (08S01/HY000 for a malformed or short block).
 */
int mysql_decode_exec_params(struct mysql_rd *r, uint8_t flags, uint32_t caps, int nparams, uint8_t *types,
			     int *bound, const struct mysql_long_data *longdata, struct rvalue *vals,
			     struct buf *scratch, struct rerr *err);

/* Start a binary result row (inside an open packet): 0x00 and a zeroed NULL bitmap of
 * offset 2; returns the bitmap's offset in b for mysql_binary_row_null. */
size_t mysql_binary_row_begin(struct buf *b, int ncols);
void mysql_binary_row_null(struct buf *b, size_t bitmap_at, int col);

#endif
