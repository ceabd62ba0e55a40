/*
 * pg_array_wire_test.c — PostgreSQL arrays on the wire (proto/pg/pg_rows.h): binary
 * array parameters become the engine's text form, array columns go out in the
 * binary array form, and an array of arrays is refused rather than recursed into.
 */
#include <CUnit/CUnit.h>
#include <stdint.h>
#include <string.h>

#include "core/arena.h"
#include "core/buf.h"
#include "core/error.h"
#include "proto/pg/pg_rows.h"

/* A one-dimensional binary array of int4 elements; INT32_MIN stands for NULL. */
static void int4_array(struct buf *b, uint32_t elem_oid, const int32_t *v, int n)
{
	buf_put_be32(b, n ? 1 : 0);
	buf_put_be32(b, 0);
	buf_put_be32(b, elem_oid);
	if (n) {
		buf_put_be32(b, (uint32_t)n);
		buf_put_be32(b, 1);
	}
	for (int i = 0; i < n; i++) {
		if (v[i] == INT32_MIN) {
			buf_put_be32(b, 0xffffffffu);
		} else {
			buf_put_be32(b, 4);
			buf_put_be32(b, (uint32_t)v[i]);
		}
	}
}

static void binary_int_array_parameter_becomes_text(void)
{
	struct arena a;
	arena_init(&a);
	struct buf b;
	buf_init(&b);
	int32_t v[] = {1, INT32_MIN, -3};
	int4_array(&b, 23, v, 3);
	struct rvalue out;
	struct rerr err;
	rerr_clear(&err);
	CU_ASSERT_EQUAL_FATAL(pg_decode_param(&a, 1007, 1, b.data, (int32_t)b.len, &out, &err), 0);
	CU_ASSERT_EQUAL(out.kind, RV_TEXT);
	CU_ASSERT_EQUAL(out.n, strlen("{1,NULL,-3}"));
	CU_ASSERT_NSTRING_EQUAL(out.p, "{1,NULL,-3}", out.n);
	buf_free(&b);
	arena_free(&a);
}

static void array_of_arrays_is_refused(void)
{
	struct arena a;
	arena_init(&a);
	struct buf inner, outer;
	buf_init(&inner);
	buf_init(&outer);
	int32_t v[] = {7};
	int4_array(&inner, 23, v, 1);
	/* an int4[] whose one element claims to be an int4[] itself */
	buf_put_be32(&outer, 1);
	buf_put_be32(&outer, 0);
	buf_put_be32(&outer, 1007);
	buf_put_be32(&outer, 1);
	buf_put_be32(&outer, 1);
	buf_put_be32(&outer, (uint32_t)inner.len);
	buf_append(&outer, inner.data, inner.len);
	struct rvalue out;
	struct rerr err;
	rerr_clear(&err);
	CU_ASSERT_EQUAL(pg_decode_param(&a, 1007, 1, outer.data, (int32_t)outer.len, &out, &err), -1);
	CU_ASSERT_EQUAL(err.code, ERR_PROTOCOL_VIOLATION);
	buf_free(&inner);
	buf_free(&outer);
	arena_free(&a);
}

static void text_array_column_goes_out_in_binary(void)
{
	static const char stored[] = "{a,\"b c\",NULL,\"\"}";
	struct rvalue v = {.kind = RV_TEXT, .p = (const uint8_t *)stored, .n = sizeof(stored) - 1};
	enum rtype t = (enum rtype)(PG_ROW_ARRAY | RT_TEXT);
	int16_t binary = 1;
	struct pg_formats f = {1, &binary};
	struct buf b;
	buf_init(&b);
	struct rerr err;
	rerr_clear(&err);
	CU_ASSERT_EQUAL_FATAL(pg_put_data_row(&b, 1, &t, &v, &f, &err), 0);
	/* 'D', length, 1 column, then the value: its length and the array */
	static const uint8_t want[] = {
		0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 25, /* one dimension, has nulls, element text */
		0, 0, 0, 4, 0, 0, 0, 1,              /* four elements from index 1 */
		0, 0, 0, 1, 'a', 0, 0, 0, 3, 'b', ' ', 'c', 0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0,
	};
	CU_ASSERT_EQUAL_FATAL(b.len, 1 + 4 + 2 + 4 + sizeof(want));
	CU_ASSERT_EQUAL(b.data[0], 'D');
	CU_ASSERT_EQUAL(rd_be32(b.data + 7), sizeof(want));
	CU_ASSERT_EQUAL(memcmp(b.data + 11, want, sizeof(want)), 0);
	buf_free(&b);
}

void suite_pg_array_wire(void);
void suite_pg_array_wire(void)
{
	CU_pSuite s = CU_add_suite("pg_array_wire", NULL, NULL);
	CU_add_test(s, "a binary int4[] parameter becomes the text form", binary_int_array_parameter_becomes_text);
	CU_add_test(s, "an array of arrays is refused, not recursed into", array_of_arrays_is_refused);
	CU_add_test(s, "a text[] column goes out in the binary array form", text_array_column_goes_out_in_binary);
}
