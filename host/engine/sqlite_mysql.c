/*
 * sqlite_mysql.c — MySQL's functions whose results differ from SQLite's built-ins of
 * the same name; the MySQL dialect (sql/dialect/mysql.c) renames calls to them.
 *
 *   rosetta_mysql_hex(x)   HEX(): a number as its 64-bit two's-complement value in
 *                          upper-case hexadecimal (HEX(255) = 'FF', HEX(-1) =
 *                          'FFFFFFFFFFFFFFFF'), a string or blob byte by byte
 *                          (HEX('abc') = '616263'); NULL for NULL, where SQLite's
 *                          hex() gives '' and reads numbers as their text
 */
#include "engine/sqlite_funcs.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

static void sm_hex(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	(void)argc;
	static const char digits[] = "0123456789ABCDEF";
	switch (sqlite3_value_type(argv[0])) {
	case SQLITE_NULL:
		sqlite3_result_null(ctx);
		return;
	case SQLITE_INTEGER:
	case SQLITE_FLOAT: {
		unsigned long long v = sqlite3_value_type(argv[0]) == SQLITE_INTEGER
					       ? (unsigned long long)sqlite3_value_int64(argv[0])
					       : (unsigned long long)llround(sqlite3_value_double(argv[0]));
		char out[17];
		int n = snprintf(out, sizeof(out), "%llX", v);
		sqlite3_result_text(ctx, out, n, SQLITE_TRANSIENT);
		return;
	}
	default: {
		const unsigned char *p = sqlite3_value_blob(argv[0]);
		int n = sqlite3_value_bytes(argv[0]);
		char *out = sqlite3_malloc64((sqlite3_uint64)n * 2 + 1);
		if (!out) {
			sqlite3_result_error_nomem(ctx);
			return;
		}
		for (int i = 0; i < n; i++) {
			out[2 * i] = digits[p[i] >> 4];
			out[2 * i + 1] = digits[p[i] & 15];
		}
		sqlite3_result_text(ctx, out, n * 2, sqlite3_free);
	}
	}
}

int sqlite_mysql_register(sqlite3 *db)
{
	return sqlite3_create_function_v2(db, "rosetta_mysql_hex", 1,
					  SQLITE_UTF8 | SQLITE_INNOCUOUS | SQLITE_DETERMINISTIC, NULL, sm_hex, NULL, NULL,
					  NULL);
}
