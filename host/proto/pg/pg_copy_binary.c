/*
 * pg_copy_binary.c — PostgreSQL's binary COPY format (see pg_copy_binary.h).
 *
 * The decoder is a state machine over the bytes a COPY FROM STDIN has
 * buffered so far; CopyData message boundaries mean nothing to it, so a
 * record may be split anywhere.  It copies nothing: fields point into the
 * caller's buffer and are decoded (pg_decode_param, binary format) and
 * inserted by pg_copy.c before the bytes are consumed.
 *
 *   SIGNATURE --19 bytes: signature, flags, extension length--> EXTENSION (length > 0) or TUPLES
 *   EXTENSION --extension bytes, in as many pieces as they arrive--> TUPLES
 *   TUPLES    --field count >= 0 and its fields--> TUPLES   (*tuple = 1)
 *   TUPLES    --field count -1 (trailer)---------> END
 *   END       --any byte---------------------------> error  ("received copy data after EOF marker")
 *
 * Checks, as PostgreSQL's CopyFrom makes them (all 22P04): the signature;
 * flags with the OID bit (bit 16) or any other critical bit (16-31) set;
 * a negative extension length; a tuple's field count other than the
 * target's column count; a field length below -1; bytes after the trailer;
 * and, at the end, a header or tuple left incomplete.  Flag bits 0-15 are
 * ignored, as the format asks readers to.  A field whose bytes are not a
 * value of its column's type (an int4 of 2 bytes) is reported by pg_copy.c
 * as 22P04 "incorrect binary data format" too, where PostgreSQL says 22P03
 * or 08P01 depending on the type.
 *
 * The encoder writes each tuple as a DataRow with every column binary and
 * retypes the message 'd'; the header rides in the first CopyData.
 */
#include "proto/pg/pg_copy_binary.h"

#include <string.h>

#include "proto/pg/pg_rows.h"
#include "proto/pg/pg_wire.h"

static const uint8_t pg_copy_bin_signature[11] = {'P', 'G', 'C', 'O', 'P', 'Y', '\n', 0377, '\r', '\n', 0};

#define PG_COPY_BIN_HEADER_LEN 19 /* signature, int32 flags, int32 extension length */
#define PG_COPY_BIN_OIDS_FLAG (1u << 16)

void pg_copy_bin_init(struct pg_copy_bin *d)
{
	d->stage = PG_COPY_BIN_SIGNATURE;
	d->skip = 0;
}

static long pg_copy_bin_header(struct pg_copy_bin *d, const uint8_t *p, size_t n, struct rerr *err)
{
	/* A wrong signature is reported as soon as its first differing byte arrives. */
	size_t have = n < sizeof(pg_copy_bin_signature) ? n : sizeof(pg_copy_bin_signature);
	if (memcmp(p, pg_copy_bin_signature, have) != 0)
		return rerr_set(err, ERR_BAD_COPY_FILE_FORMAT, "COPY file signature not recognized");
	if (n < PG_COPY_BIN_HEADER_LEN)
		return 0;
	uint32_t flags = rd_be32(p + 11);
	if (flags & PG_COPY_BIN_OIDS_FLAG)
		return rerr_set(err, ERR_BAD_COPY_FILE_FORMAT, "invalid COPY file header (WITH OIDS)");
	if (flags >> 16)
		return rerr_set(err, ERR_BAD_COPY_FILE_FORMAT, "unrecognized critical flags in COPY file header");
	int32_t ext = (int32_t)rd_be32(p + 15);
	if (ext < 0)
		return rerr_set(err, ERR_BAD_COPY_FILE_FORMAT, "invalid COPY file header (wrong length)");
	d->skip = (uint32_t)ext;
	d->stage = ext ? PG_COPY_BIN_EXTENSION : PG_COPY_BIN_TUPLES;
	return PG_COPY_BIN_HEADER_LEN;
}

/* One tuple (or the trailer) at p[0..n); see pg_copy_bin_next. */
static long pg_copy_bin_tuple(struct pg_copy_bin *d, const uint8_t *p, size_t n, int ncols,
			      struct pg_copy_field *fields, int *tuple, struct rerr *err)
{
	if (n < 2)
		return 0;
	int16_t count = (int16_t)rd_be16(p);
	if (count == -1) {
		d->stage = PG_COPY_BIN_END;
		return 2;
	}
	if (count != ncols)
		return rerr_set(err, ERR_BAD_COPY_FILE_FORMAT, "row field count is %d, expected %d", count, ncols);
	size_t at = 2;
	for (int i = 0; i < ncols; i++) {
		if (n - at < 4)
			return 0;
		int32_t len = (int32_t)rd_be32(p + at);
		at += 4;
		if (len < -1)
			return rerr_set(err, ERR_BAD_COPY_FILE_FORMAT, "invalid field size");
		if (len == -1) {
			fields[i].p = NULL;
			fields[i].len = -1;
			continue;
		}
		if (n - at < (size_t)len)
			return 0;
		fields[i].p = p + at;
		fields[i].len = len;
		at += (size_t)len;
	}
	*tuple = 1;
	return (long)at;
}

long pg_copy_bin_next(struct pg_copy_bin *d, const uint8_t *p, size_t n, int ncols, struct pg_copy_field *fields,
		      int *tuple, struct rerr *err)
{
	*tuple = 0;
	if (n == 0)
		return 0;
	switch (d->stage) {
	case PG_COPY_BIN_SIGNATURE:
		return pg_copy_bin_header(d, p, n, err);
	case PG_COPY_BIN_EXTENSION: {
		size_t k = n < d->skip ? n : d->skip;
		d->skip -= (uint32_t)k;
		if (d->skip == 0)
			d->stage = PG_COPY_BIN_TUPLES;
		return (long)k;
	}
	case PG_COPY_BIN_TUPLES:
		return pg_copy_bin_tuple(d, p, n, ncols, fields, tuple, err);
	case PG_COPY_BIN_END:
		break;
	}
	return rerr_set(err, ERR_BAD_COPY_FILE_FORMAT, "received copy data after EOF marker");
}

int pg_copy_bin_finish(const struct pg_copy_bin *d, size_t left, struct rerr *err)
{
	if (d->stage == PG_COPY_BIN_SIGNATURE)
		return rerr_set(err, ERR_BAD_COPY_FILE_FORMAT,
				left < sizeof(pg_copy_bin_signature) ? "COPY file signature not recognized"
				: left < 15			     ? "invalid COPY file header (missing flags)"
								     : "invalid COPY file header (missing length)");
	if (d->stage == PG_COPY_BIN_EXTENSION)
		return rerr_set(err, ERR_BAD_COPY_FILE_FORMAT, "invalid COPY file header (wrong length)");
	if (left)
		return rerr_set(err, ERR_BAD_COPY_FILE_FORMAT, "unexpected EOF in COPY data");
	return 0;
}

/* Insert the 19-byte header at the start of the CopyData message at out->data[at]. */
static void pg_copy_bin_prepend_header(struct buf *out, size_t at)
{
	uint8_t header[PG_COPY_BIN_HEADER_LEN] = {0}; /* flags 0, no extension */
	memcpy(header, pg_copy_bin_signature, sizeof(pg_copy_bin_signature));
	size_t body = at + 5, n = out->len - body;
	buf_reserve(out, sizeof(header));
	memmove(out->data + body + sizeof(header), out->data + body, n);
	memcpy(out->data + body, header, sizeof(header));
	out->len += sizeof(header);
	pg_msg_end(out, at + 1);
}

int pg_copy_bin_put_tuple(struct buf *out, int with_header, int n, const enum rtype *types, const struct rvalue *vals,
			  struct rerr *err)
{
	/* A DataRow's body is a binary COPY tuple: write one and retype the message. */
	static const int16_t binary = 1;
	const struct pg_formats all_binary = {.n = 1, .codes = &binary};
	size_t at = out->len;
	if (pg_put_data_row(out, n, types, vals, &all_binary, err) < 0)
		return -1;
	out->data[at] = 'd';
	if (with_header)
		pg_copy_bin_prepend_header(out, at);
	return 0;
}

void pg_copy_bin_put_trailer(struct buf *out, int with_header)
{
	size_t at = out->len;
	size_t len_at = pg_msg_begin(out, 'd');
	buf_put_be16(out, 0xffff);
	pg_msg_end(out, len_at);
	if (with_header)
		pg_copy_bin_prepend_header(out, at);
}
