/*
 * mysql_binary_test.c — the MySQL binary protocol: result values encoded as their
 * column's type, COM_STMT_EXECUTE parameters decoded, malformed blocks refused.
 */
#include <CUnit/CUnit.h>
#include <string.h>

#include "proto/mysql/mysql_binary.h"

static struct rvalue rv_int(int64_t i)
{
	struct rvalue v = {.kind = RV_INT, .i = i};
	return v;
}

static struct rvalue rv_float(double f)
{
	struct rvalue v = {.kind = RV_FLOAT, .f = f};
	return v;
}

static struct rvalue rv_text(const char *s)
{
	struct rvalue v = {.kind = RV_TEXT, .p = (const uint8_t *)s, .n = strlen(s)};
	return v;
}

/* Encode one value; compare with the expected bytes. */
static int encodes_as(enum rtype t, int32_t typmod, struct rvalue v, const void *want, size_t n)
{
	struct buf b;
	buf_init(&b);
	mysql_put_binary_value(&b, t, typmod, &v);
	int ok = b.len == n && memcmp(b.data, want, n) == 0;
	buf_free(&b);
	return ok;
}

static void integers_are_little_endian_of_their_width(void)
{
	CU_ASSERT(encodes_as(RT_BOOL, -1, rv_int(1), "\x01", 1));
	CU_ASSERT(encodes_as(RT_INT2, -1, rv_int(-2), "\xfe\xff", 2));
	CU_ASSERT(encodes_as(RT_INT4, -1, rv_int(0x01020304), "\x04\x03\x02\x01", 4));
	CU_ASSERT(encodes_as(RT_INT8, -1, rv_int(-1), "\xff\xff\xff\xff\xff\xff\xff\xff", 8));
	/* the dynamically typed store may hand a float or text to an integer column */
	CU_ASSERT(encodes_as(RT_INT4, -1, rv_float(41.6), "\x2a\x00\x00\x00", 4));
	CU_ASSERT(encodes_as(RT_INT8, -1, rv_text("7"), "\x07\x00\x00\x00\x00\x00\x00\x00", 8));
}

static void floats_are_ieee_little_endian(void)
{
	float f = 1.5f;
	double d = -0.25;
	uint8_t wf[4], wd[8];
	memcpy(wf, &f, 4);
	memcpy(wd, &d, 8);
	CU_ASSERT(encodes_as(RT_FLOAT4, -1, rv_float(1.5), wf, 4));
	CU_ASSERT(encodes_as(RT_FLOAT8, -1, rv_float(-0.25), wd, 8));
	CU_ASSERT(encodes_as(RT_FLOAT8, -1, rv_text("-0.25"), wd, 8));
}

static void strings_and_decimals_are_length_encoded(void)
{
	CU_ASSERT(encodes_as(RT_TEXT, -1, rv_text("héllo"), "\x06h\xc3\xa9llo", 7));
	CU_ASSERT(encodes_as(RT_VARCHAR, 20, rv_text(""), "\x00", 1));
	CU_ASSERT(encodes_as(RT_NUMERIC, -1, rv_text("12.50"), "\x05" "12.50", 6));
	CU_ASSERT(encodes_as(RT_JSON, -1, rv_text("{\"a\":1}"), "\x07{\"a\":1}", 8));
	struct rvalue blob = {.kind = RV_BLOB, .p = (const uint8_t *)"\x00\xff", .n = 2};
	CU_ASSERT(encodes_as(RT_BYTEA, -1, blob, "\x02\x00\xff", 3));
}

static void dates_and_times_use_their_short_forms(void)
{
	CU_ASSERT(encodes_as(RT_DATE, -1, rv_text("2024-02-29"), "\x04\xe8\x07\x02\x1d", 5));
	CU_ASSERT(encodes_as(RT_TIMESTAMP, -1, rv_text("2024-02-29 00:00:00"), "\x04\xe8\x07\x02\x1d", 5));
	CU_ASSERT(encodes_as(RT_TIMESTAMP, -1, rv_text("2024-02-29 13:14:15"), "\x07\xe8\x07\x02\x1d\x0d\x0e\x0f", 8));
	CU_ASSERT(encodes_as(RT_TIMESTAMP, -1, rv_text("2024-02-29T13:14:15.5"),
			     "\x0b\xe8\x07\x02\x1d\x0d\x0e\x0f\x20\xa1\x07\x00", 12));
	CU_ASSERT(encodes_as(RT_TIMESTAMPTZ, -1, rv_text("2024-02-29 13:14:15+00"), "\x07\xe8\x07\x02\x1d\x0d\x0e\x0f", 8));
	CU_ASSERT(encodes_as(RT_DATE, -1, rv_text("0000-00-00"), "\x00", 1));
	CU_ASSERT(encodes_as(RT_DATE, -1, rv_text("not a date"), "\x00", 1));
	CU_ASSERT(encodes_as(RT_TIME, -1, rv_text("00:00:00"), "\x00", 1));
	CU_ASSERT(encodes_as(RT_TIME, -1, rv_text("13:14:15"), "\x08\x00\x00\x00\x00\x00\x0d\x0e\x0f", 9));
	CU_ASSERT(encodes_as(RT_TIME, -1, rv_text("-50:00:01.000002"),
			     "\x0c\x01\x02\x00\x00\x00\x02\x00\x01\x02\x00\x00\x00", 13));
}

static void row_header_and_null_bitmap_have_offset_two(void)
{
	struct buf b;
	buf_init(&b);
	size_t at = mysql_binary_row_begin(&b, 7);
	CU_ASSERT_EQUAL(b.len, 1 + 2); /* (7 + 7 + 2) / 8 */
	CU_ASSERT_EQUAL(b.data[0], 0);
	mysql_binary_row_null(&b, at, 0);
	mysql_binary_row_null(&b, at, 6);
	CU_ASSERT_EQUAL(b.data[1], 0x04);
	CU_ASSERT_EQUAL(b.data[2], 0x01);
	buf_free(&b);
}

/* Decode one parameter of `type` from bytes. */
static int decode(uint8_t type, int uns, const void *p, size_t n, struct rvalue *v, struct buf *scratch)
{
	struct mysql_rd r = {p, n, 0, 0};
	struct rerr err;
	int rc = mysql_get_binary_param(&r, type, uns, v, scratch, &err);
	return rc == 0 && r.pos == n ? 0 : -1;
}

static int text_is(const struct rvalue *v, const char *s)
{
	return v->kind == RV_TEXT && v->n == strlen(s) && memcmp(v->p, s, v->n) == 0;
}

static void parameters_of_every_type_decode(void)
{
	struct buf s;
	buf_init(&s);
	buf_reserve(&s, 16 * MYSQL_BINARY_SCRATCH_MAX);
	struct rvalue v;
	CU_ASSERT(decode(MYSQL_TYPE_NULL, 0, "", 0, &v, &s) == 0 && v.kind == RV_NULL);
	CU_ASSERT(decode(MYSQL_TYPE_TINY, 0, "\xff", 1, &v, &s) == 0 && v.kind == RV_INT && v.i == -1);
	CU_ASSERT(decode(MYSQL_TYPE_TINY, 1, "\xff", 1, &v, &s) == 0 && v.i == 255);
	CU_ASSERT(decode(MYSQL_TYPE_SHORT, 0, "\x00\x80", 2, &v, &s) == 0 && v.i == -32768);
	CU_ASSERT(decode(MYSQL_TYPE_SHORT, 1, "\x00\x80", 2, &v, &s) == 0 && v.i == 32768);
	CU_ASSERT(decode(MYSQL_TYPE_LONG, 0, "\xff\xff\xff\xff", 4, &v, &s) == 0 && v.i == -1);
	CU_ASSERT(decode(MYSQL_TYPE_LONG, 1, "\xff\xff\xff\xff", 4, &v, &s) == 0 && v.i == 4294967295LL);
	CU_ASSERT(decode(MYSQL_TYPE_LONGLONG, 0, "\x01\x00\x00\x00\x00\x00\x00\x80", 8, &v, &s) == 0 &&
		  v.kind == RV_INT && v.i == INT64_MIN + 1);
	CU_ASSERT(decode(MYSQL_TYPE_LONGLONG, 1, "\xff\xff\xff\xff\xff\xff\xff\xff", 8, &v, &s) == 0 &&
		  text_is(&v, "18446744073709551615"));
	float f = 2.5f;
	double d = 1e100;
	CU_ASSERT(decode(MYSQL_TYPE_FLOAT, 0, &f, 4, &v, &s) == 0 && v.kind == RV_FLOAT && v.f == 2.5);
	CU_ASSERT(decode(MYSQL_TYPE_DOUBLE, 0, &d, 8, &v, &s) == 0 && v.kind == RV_FLOAT && v.f == 1e100);
	CU_ASSERT(decode(MYSQL_TYPE_NEWDECIMAL, 0, "\x04-1.5", 5, &v, &s) == 0 && text_is(&v, "-1.5"));
	CU_ASSERT(decode(MYSQL_TYPE_VAR_STRING, 0, "\x02hi", 3, &v, &s) == 0 && text_is(&v, "hi"));
	CU_ASSERT(decode(MYSQL_TYPE_STRING, 0, "\x00", 1, &v, &s) == 0 && text_is(&v, ""));
	CU_ASSERT(decode(MYSQL_TYPE_BLOB, 0, "\x02\x00\x01", 3, &v, &s) == 0 && v.kind == RV_BLOB && v.n == 2 &&
		  v.p[1] == 1);
	CU_ASSERT(decode(MYSQL_TYPE_DATE, 0, "\x04\xe8\x07\x02\x1d", 5, &v, &s) == 0 && text_is(&v, "2024-02-29"));
	CU_ASSERT(decode(MYSQL_TYPE_DATETIME, 0, "\x00", 1, &v, &s) == 0 && text_is(&v, "0000-00-00 00:00:00"));
	CU_ASSERT(decode(MYSQL_TYPE_DATETIME, 0, "\x07\xe8\x07\x02\x1d\x0d\x0e\x0f", 8, &v, &s) == 0 &&
		  text_is(&v, "2024-02-29 13:14:15"));
	CU_ASSERT(decode(MYSQL_TYPE_TIMESTAMP, 0, "\x0b\xe8\x07\x02\x1d\x0d\x0e\x0f\x01\x00\x00\x00", 12, &v, &s) == 0 &&
		  text_is(&v, "2024-02-29 13:14:15.000001"));
	CU_ASSERT(decode(MYSQL_TYPE_TIME, 0, "\x08\x01\x01\x00\x00\x00\x02\x03\x04", 9, &v, &s) == 0 &&
		  text_is(&v, "-26:03:04"));
	CU_ASSERT(decode(MYSQL_TYPE_TIME, 0, "\x00", 1, &v, &s) == 0 && text_is(&v, "00:00:00"));
	/* out-of-range fields carry over: 61 minutes, 2.5 s in microseconds */
	CU_ASSERT(decode(MYSQL_TYPE_TIME, 0, "\x0c\x00\x00\x00\x00\x00\x00\x3d\x00\xa0\x25\x26\x00", 13, &v, &s) == 0 &&
		  text_is(&v, "01:01:02.500000"));
	buf_free(&s);
}

static void truncated_and_malformed_parameters_are_refused(void)
{
	struct buf s;
	buf_init(&s);
	buf_reserve(&s, 16 * MYSQL_BINARY_SCRATCH_MAX);
	struct rvalue v;
	CU_ASSERT(decode(MYSQL_TYPE_LONG, 0, "\x01\x02", 2, &v, &s) < 0);
	CU_ASSERT(decode(MYSQL_TYPE_LONGLONG, 0, "\x01", 1, &v, &s) < 0);
	CU_ASSERT(decode(MYSQL_TYPE_VAR_STRING, 0, "\x05" "ab", 3, &v, &s) < 0);
	CU_ASSERT(decode(MYSQL_TYPE_VAR_STRING, 0, "\xfb", 1, &v, &s) < 0);
	CU_ASSERT(decode(MYSQL_TYPE_DATE, 0, "\x05\xe8\x07\x02\x1d\x00", 6, &v, &s) < 0); /* bad length */
	CU_ASSERT(decode(MYSQL_TYPE_DATE, 0, "\x04\xe8\x07\x0d\x01", 5, &v, &s) < 0);     /* month 13 */
	CU_ASSERT(decode(MYSQL_TYPE_TIME, 0, "\x08\x00", 2, &v, &s) < 0);
	CU_ASSERT(decode(MYSQL_TYPE_TIME, 0, "\x08\x00\xa1\x86\x01\x00\x00\x00\x00", 9, &v, &s) < 0); /* 100001 days */
	CU_ASSERT(decode(0x63, 0, "\x00", 1, &v, &s) < 0); /* no such type */
	buf_free(&s);
}

static void an_execute_block_decodes_and_keeps_its_types(void)
{
	uint8_t types[4] = {0};
	int bound = 0;
	struct rvalue vals[2];
	struct buf s;
	buf_init(&s);
	struct rerr err;
	/* 2 params: bitmap (second NULL), new-params-bound 1, LONGLONG and VAR_STRING, value 5 */
	static const uint8_t block[] = {0x02, 0x01, 0x08, 0x00, 0xfd, 0x00, 5, 0, 0, 0, 0, 0, 0, 0};
	struct mysql_rd r = {block, sizeof(block), 0, 0};
	CU_ASSERT_EQUAL(mysql_decode_exec_params(&r, 0, 0, 2, types, &bound, NULL, vals, &s, &err), 0);
	CU_ASSERT(bound);
	CU_ASSERT(vals[0].kind == RV_INT && vals[0].i == 5);
	CU_ASSERT(vals[1].kind == RV_NULL);
	/* again without types: the previous ones apply; the second value is now a string */
	static const uint8_t again[] = {0x00, 0x00, 9, 0, 0, 0, 0, 0, 0, 0, 0x01, 'x'};
	struct mysql_rd r2 = {again, sizeof(again), 0, 0};
	CU_ASSERT_EQUAL(mysql_decode_exec_params(&r2, 0, 0, 2, types, &bound, NULL, vals, &s, &err), 0);
	CU_ASSERT(vals[0].i == 9 && text_is(&vals[1], "x"));
	/* long data replaces the payload's value */
	struct mysql_long_data ld[2];
	memset(ld, 0, sizeof(ld));
	buf_append(&ld[1].data, "big", 3);
	ld[1].present = 1;
	static const uint8_t withlong[] = {0x00, 0x00, 1, 0, 0, 0, 0, 0, 0, 0};
	struct mysql_rd r3 = {withlong, sizeof(withlong), 0, 0};
	CU_ASSERT_EQUAL(mysql_decode_exec_params(&r3, 0, 0, 2, types, &bound, ld, vals, &s, &err), 0);
	CU_ASSERT(vals[0].i == 1 && text_is(&vals[1], "big"));
	buf_free(&ld[1].data);
	buf_free(&s);
}

static void a_malformed_execute_block_is_refused(void)
{
	uint8_t types[4] = {0};
	int bound = 0;
	struct rvalue vals[2];
	struct buf s;
	buf_init(&s);
	struct rerr err;
	/* no types ever sent */
	static const uint8_t notypes[] = {0x00, 0x00};
	struct mysql_rd r = {notypes, sizeof(notypes), 0, 0};
	CU_ASSERT_EQUAL(mysql_decode_exec_params(&r, 0, 0, 2, types, &bound, NULL, vals, &s, &err), -1);
	/* bitmap cut short */
	struct mysql_rd r2 = {notypes, 0, 0, 0};
	CU_ASSERT_EQUAL(mysql_decode_exec_params(&r2, 0, 0, 2, types, &bound, NULL, vals, &s, &err), -1);
	/* a value cut short */
	static const uint8_t shortval[] = {0x00, 0x01, 0x08, 0x00, 0x03, 0x00, 1, 2};
	struct mysql_rd r3 = {shortval, sizeof(shortval), 0, 0};
	CU_ASSERT_EQUAL(mysql_decode_exec_params(&r3, 0, 0, 2, types, &bound, NULL, vals, &s, &err), -1);
	/* with query attributes: a count smaller than the statement's parameters */
	static const uint8_t fewer[] = {0x01, 0x00, 0x01, 0x08, 0x00};
	struct mysql_rd r4 = {fewer, sizeof(fewer), 0, 0};
	CU_ASSERT_EQUAL(mysql_decode_exec_params(&r4, 0, CLIENT_QUERY_ATTRIBUTES, 2, types, &bound, NULL, vals, &s, &err),
			-1);
	buf_free(&s);
}

static void query_attributes_are_read_and_ignored(void)
{
	uint8_t types[2] = {0};
	int bound = 0;
	struct rvalue vals[1];
	struct buf s;
	buf_init(&s);
	struct rerr err;
	/* count 2 (1 param + 1 attribute), bitmap, bound, (TINY,"") (VAR_STRING,"a"), 7, "zz" */
	static const uint8_t block[] = {0x02, 0x00, 0x01, 0x01, 0x00, 0x00, 0xfd, 0x00, 0x01, 'a', 7, 0x02, 'z', 'z'};
	struct mysql_rd r = {block, sizeof(block), 0, 0};
	CU_ASSERT_EQUAL(mysql_decode_exec_params(&r, 0, CLIENT_QUERY_ATTRIBUTES, 1, types, &bound, NULL, vals, &s, &err),
			0);
	CU_ASSERT(vals[0].kind == RV_INT && vals[0].i == 7);
	CU_ASSERT_EQUAL(r.pos, sizeof(block));
	buf_free(&s);
}

void suite_mysql_binary(void);
void suite_mysql_binary(void)
{
	CU_pSuite s = CU_add_suite("mysql_binary", NULL, NULL);
	CU_add_test(s, "integers are little endian of their width", integers_are_little_endian_of_their_width);
	CU_add_test(s, "floats are IEEE little endian", floats_are_ieee_little_endian);
	CU_add_test(s, "strings and decimals are length encoded", strings_and_decimals_are_length_encoded);
	CU_add_test(s, "dates and times use their short forms", dates_and_times_use_their_short_forms);
	CU_add_test(s, "row header and NULL bitmap have offset two", row_header_and_null_bitmap_have_offset_two);
	CU_add_test(s, "parameters of every type decode", parameters_of_every_type_decode);
	CU_add_test(s, "truncated and malformed parameters are refused", truncated_and_malformed_parameters_are_refused);
	CU_add_test(s, "an execute block decodes and keeps its types", an_execute_block_decodes_and_keeps_its_types);
	CU_add_test(s, "a malformed execute block is refused", a_malformed_execute_block_is_refused);
	CU_add_test(s, "query attributes are read and ignored", query_attributes_are_read_and_ignored);
}
