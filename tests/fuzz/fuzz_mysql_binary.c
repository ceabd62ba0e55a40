/*
 * fuzz_mysql_binary.c — libFuzzer harness for host/proto/mysql/mysql_binary.c: the
 * COM_STMT_EXECUTE parameter block decoder and the binary row encoder.
 *
 * Input layout: byte 0 = parameter count (low 4 bits) and whether types are
 * already bound from a previous execute (bit 4), whether the connection has
 * CLIENT_QUERY_ATTRIBUTES (bit 5), whether parameter 0 has long data (bit 6);
 * byte 1 = the execute flags; bytes 2..3 = previously bound types of parameter 0;
 * the rest = the parameter block, copied to a heap block of exactly its size so
 * ASan sees any read past it.
 *
 * Contract checks:
 *   - the decoder never reads past the block (r.pos <= size);
 *   - on success every text or blob value points inside the block, the long data
 *     or the scratch buffer, and is whole there;
 *   - every decoded value encodes as a binary row value of every canonical type
 *     without a crash, and a text value's encoding never exceeds its length plus
 *     a small header (dates, times and numbers are fixed-size).
 * Seeds: tests/fuzz/corpus/fuzz_mysql_binary.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "proto/mysql/mysql_binary.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int fuzz_inside(const uint8_t *p, size_t n, const uint8_t *lo, size_t len)
{
	return lo && p >= lo && p + n <= lo + len;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 4)
		return 0;
	int nparams = data[0] & 0x0f;
	int bound = (data[0] & 0x10) != 0;
	uint32_t caps = (data[0] & 0x20) ? CLIENT_QUERY_ATTRIBUTES : 0;
	int with_long = (data[0] & 0x40) != 0 && nparams > 0;
	uint8_t flags = data[1];
	size_t n = size - 4;
	uint8_t *block = malloc(n ? n : 1);
	if (!block)
		abort();
	memcpy(block, data + 4, n);

	uint8_t types[2 * 16] = {0};
	types[0] = data[2];
	types[1] = data[3];
	struct mysql_long_data ld[16];
	memset(ld, 0, sizeof(ld));
	if (with_long) {
		buf_append(&ld[0].data, "long data", 9);
		ld[0].present = 1;
	}
	struct rvalue vals[16];
	struct buf scratch;
	buf_init(&scratch);
	struct rerr err;
	struct mysql_rd r = {block, n, 0, 0};
	int rc = mysql_decode_exec_params(&r, flags, caps, nparams, types, &bound, ld, vals, &scratch, &err);
	if (r.pos > n)
		__builtin_trap();
	if (rc == 0) {
		for (int i = 0; i < nparams; i++) {
			const struct rvalue *v = &vals[i];
			if (v->kind != RV_TEXT && v->kind != RV_BLOB)
				continue;
			if (v->n && !fuzz_inside(v->p, v->n, block, n) && !fuzz_inside(v->p, v->n, ld[0].data.data, ld[0].data.len) &&
			    !fuzz_inside(v->p, v->n, scratch.data, scratch.len))
				__builtin_trap();
		}
		struct buf out;
		buf_init(&out);
		for (int i = 0; i < nparams; i++) {
			for (int t = RT_UNKNOWN; t <= RT_VECTOR; t++) {
				size_t before = out.len;
				mysql_put_binary_value(&out, (enum rtype)t, -1, &vals[i]);
				size_t grew = out.len - before;
				size_t limit = (vals[i].kind == RV_TEXT || vals[i].kind == RV_BLOB) ? 9 + 8 * vals[i].n + 64 : 64;
				if (grew > limit)
					__builtin_trap();
			}
			buf_reset(&out);
		}
		buf_free(&out);
	}
	buf_free(&ld[0].data);
	buf_free(&scratch);
	free(block);
	return 0;
}
