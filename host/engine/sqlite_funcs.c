/*
 * sqlite_funcs.c — the deparser's SQL functions (see sqlite_funcs.h).
 */
#include "engine/sqlite_funcs.h"

#include <ctype.h>
#include <stdint.h>
#include <string.h>
#include <strings.h>

/* The numeric class of an argument after PG-like coercion of text. */
static int sf_numeric_type(sqlite3_value *v)
{
	int t = sqlite3_value_type(v);
	if (t == SQLITE_TEXT || t == SQLITE_BLOB)
		t = sqlite3_value_numeric_type(v);
	return t;
}

static int sf_any_null(int argc, sqlite3_value **argv)
{
	for (int i = 0; i < argc; i++)
		if (sqlite3_value_type(argv[i]) == SQLITE_NULL)
			return 1;
	return 0;
}

static int sf_is_zero(sqlite3_value *v, int type)
{
	return type == SQLITE_INTEGER ? sqlite3_value_int64(v) == 0 : sqlite3_value_double(v) == 0.0;
}

static void sf_div(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	if (sf_any_null(argc, argv)) {
		sqlite3_result_null(ctx);
		return;
	}
	int ta = sf_numeric_type(argv[0]), tb = sf_numeric_type(argv[1]);
	if (sf_is_zero(argv[1], tb)) {
		sqlite3_result_error(ctx, "[22012] division by zero", -1);
		return;
	}
	if (ta == SQLITE_INTEGER && tb == SQLITE_INTEGER) {
		int64_t a = sqlite3_value_int64(argv[0]), b = sqlite3_value_int64(argv[1]);
		if (a == INT64_MIN && b == -1) {
			sqlite3_result_error(ctx, "[22003] bigint out of range", -1);
			return;
		}
		sqlite3_result_int64(ctx, a / b);
		return;
	}
	sqlite3_result_double(ctx, sqlite3_value_double(argv[0]) / sqlite3_value_double(argv[1]));
}

static void sf_mysql_div(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	if (sf_any_null(argc, argv) || sf_is_zero(argv[1], sf_numeric_type(argv[1]))) {
		sqlite3_result_null(ctx);
		return;
	}
	sqlite3_result_double(ctx, sqlite3_value_double(argv[0]) / sqlite3_value_double(argv[1]));
}

static void sf_mod(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	if (sf_any_null(argc, argv)) {
		sqlite3_result_null(ctx);
		return;
	}
	int ta = sf_numeric_type(argv[0]), tb = sf_numeric_type(argv[1]);
	if (sf_is_zero(argv[1], tb)) {
		sqlite3_result_error(ctx, "[22012] division by zero", -1);
		return;
	}
	if (ta == SQLITE_INTEGER && tb == SQLITE_INTEGER) {
		int64_t a = sqlite3_value_int64(argv[0]), b = sqlite3_value_int64(argv[1]);
		sqlite3_result_int64(ctx, b == -1 ? 0 : a % b);
		return;
	}
	double a = sqlite3_value_double(argv[0]), b = sqlite3_value_double(argv[1]);
	double q = a / b;
	if (q > 9e18 || q < -9e18) {
		sqlite3_result_error(ctx, "[22003] value out of range", -1);
		return;
	}
	sqlite3_result_double(ctx, a - b * (double)(int64_t)q);
}

static void sf_intdiv(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	if (sf_any_null(argc, argv) || sf_is_zero(argv[1], sf_numeric_type(argv[1]))) {
		sqlite3_result_null(ctx);
		return;
	}
	if (sf_numeric_type(argv[0]) == SQLITE_INTEGER && sf_numeric_type(argv[1]) == SQLITE_INTEGER) {
		int64_t a = sqlite3_value_int64(argv[0]), b = sqlite3_value_int64(argv[1]);
		sqlite3_result_int64(ctx, (a == INT64_MIN && b == -1) ? INT64_MIN : a / b);
		return;
	}
	double q = sqlite3_value_double(argv[0]) / sqlite3_value_double(argv[1]);
	if (q > 9e18 || q < -9e18) {
		sqlite3_result_error(ctx, "[22003] BIGINT value is out of range", -1);
		return;
	}
	sqlite3_result_int64(ctx, (int64_t)q);
}

static void sf_bitxor(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	if (sf_any_null(argc, argv)) {
		sqlite3_result_null(ctx);
		return;
	}
	sqlite3_result_int64(ctx, sqlite3_value_int64(argv[0]) ^ sqlite3_value_int64(argv[1]));
}

/* Length of the UTF-8 character at s (1 for a stray byte). */
static size_t sf_utf8_len(const unsigned char *s, size_t n)
{
	size_t l = s[0] < 0x80 ? 1 : s[0] < 0xE0 ? 2 : s[0] < 0xF0 ? 3 : 4;
	return l > n ? 1 : l;
}

/* Case-sensitive LIKE.  Iterative with one backtrack point per '%', O(n*m) worst case. */
static int sf_like_match(const unsigned char *s, size_t sn, const unsigned char *p, size_t pn, int esc)
{
	size_t si = 0, pi = 0, star_p = (size_t)-1, star_s = 0;
	while (si < sn) {
		if (pi < pn && p[pi] == '%') {
			while (pi < pn && p[pi] == '%')
				pi++;
			star_p = pi;
			star_s = si;
			continue;
		}
		if (pi < pn) {
			size_t cl = sf_utf8_len(s + si, sn - si);
			if (p[pi] == '_') {
				pi++;
				si += cl;
				continue;
			}
			size_t pp = pi;
			if (esc >= 0 && p[pp] == (unsigned char)esc && pp + 1 < pn)
				pp++;
			size_t pl = sf_utf8_len(p + pp, pn - pp);
			if (pl == cl && memcmp(p + pp, s + si, cl) == 0) {
				pi = pp + pl;
				si += cl;
				continue;
			}
		}
		if (star_p == (size_t)-1)
			return 0;
		star_s += sf_utf8_len(s + star_s, sn - star_s);
		si = star_s;
		pi = star_p;
	}
	while (pi < pn && p[pi] == '%')
		pi++;
	return pi == pn;
}

static void sf_like(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	if (sqlite3_value_type(argv[0]) == SQLITE_NULL || sqlite3_value_type(argv[1]) == SQLITE_NULL) {
		sqlite3_result_null(ctx);
		return;
	}
	const unsigned char *s = sqlite3_value_text(argv[0]);
	size_t sn = (size_t)sqlite3_value_bytes(argv[0]);
	const unsigned char *p = sqlite3_value_text(argv[1]);
	size_t pn = (size_t)sqlite3_value_bytes(argv[1]);
	int esc = -1;
	if (argc > 2 && sqlite3_value_type(argv[2]) != SQLITE_NULL) {
		const unsigned char *e = sqlite3_value_text(argv[2]);
		int en = sqlite3_value_bytes(argv[2]);
		if (en > 1) {
			sqlite3_result_error(ctx, "[22025] invalid escape string", -1);
			return;
		}
		if (en == 1)
			esc = e[0];
	}
	if (!s || !p) {
		sqlite3_result_error_nomem(ctx);
		return;
	}
	sqlite3_result_int(ctx, sf_like_match(s, sn, p, pn, esc));
}

static void sf_bool(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	(void)argc;
	int t = sqlite3_value_type(argv[0]);
	if (t == SQLITE_NULL) {
		sqlite3_result_null(ctx);
		return;
	}
	if (t == SQLITE_INTEGER || t == SQLITE_FLOAT) {
		sqlite3_result_int(ctx, sqlite3_value_double(argv[0]) != 0.0);
		return;
	}
	const char *s = (const char *)sqlite3_value_text(argv[0]);
	if (!s) {
		sqlite3_result_error_nomem(ctx);
		return;
	}
	while (isspace((unsigned char)*s))
		s++;
	size_t n = strlen(s);
	while (n && isspace((unsigned char)s[n - 1]))
		n--;
	static const struct { const char *word; int v; size_t min; } words[] = {
		{"true", 1, 1}, {"false", 0, 1}, {"yes", 1, 1}, {"no", 0, 1},
		{"on", 1, 2}, {"off", 0, 2}, {"1", 1, 1}, {"0", 0, 1},
	};
	for (size_t k = 0; k < sizeof(words) / sizeof(words[0]); k++)
		if (n >= words[k].min && n <= strlen(words[k].word) && strncasecmp(s, words[k].word, n) == 0) {
			sqlite3_result_int(ctx, words[k].v);
			return;
		}
	char *msg = sqlite3_mprintf("[22P02] invalid input syntax for type boolean: \"%s\"", sqlite3_value_text(argv[0]));
	sqlite3_result_error(ctx, msg ? msg : "[22P02] invalid input syntax for type boolean", -1);
	sqlite3_free(msg);
}

/* SQLite's ordering of two non-NULL values: numbers < text < blobs. */
static int sf_compare(sqlite3_value *a, sqlite3_value *b)
{
	int ta = sf_numeric_type(a), tb = sf_numeric_type(b);
	int na = ta == SQLITE_INTEGER || ta == SQLITE_FLOAT, nb = tb == SQLITE_INTEGER || tb == SQLITE_FLOAT;
	if (na && nb) {
		if (ta == SQLITE_INTEGER && tb == SQLITE_INTEGER) {
			int64_t x = sqlite3_value_int64(a), y = sqlite3_value_int64(b);
			return x < y ? -1 : x > y;
		}
		double x = sqlite3_value_double(a), y = sqlite3_value_double(b);
		return x < y ? -1 : x > y;
	}
	if (na != nb)
		return na ? -1 : 1;
	int la = sqlite3_value_bytes(a), lb = sqlite3_value_bytes(b);
	const void *pa = sqlite3_value_type(a) == SQLITE_BLOB ? sqlite3_value_blob(a) : (const void *)sqlite3_value_text(a);
	const void *pb = sqlite3_value_type(b) == SQLITE_BLOB ? sqlite3_value_blob(b) : (const void *)sqlite3_value_text(b);
	int c = memcmp(pa ? pa : "", pb ? pb : "", (size_t)(la < lb ? la : lb));
	return c ? c : (la < lb ? -1 : la > lb);
}

static void sf_extreme(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	int sign = *(int *)sqlite3_user_data(ctx);
	sqlite3_value *best = NULL;
	for (int i = 0; i < argc; i++) {
		if (sqlite3_value_type(argv[i]) == SQLITE_NULL)
			continue;
		if (!best || sign * sf_compare(argv[i], best) > 0)
			best = argv[i];
	}
	if (best)
		sqlite3_result_value(ctx, best);
	else
		sqlite3_result_null(ctx);
}

static void sf_random(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	(void)argc;
	(void)argv;
	uint64_t r;
	sqlite3_randomness(sizeof(r), &r);
	sqlite3_result_double(ctx, (double)(r >> 11) / 9007199254740992.0);
}

static void sf_locate(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	if (sf_any_null(argc, argv)) {
		sqlite3_result_null(ctx);
		return;
	}
	const char *sub = (const char *)sqlite3_value_text(argv[0]);
	const char *s = (const char *)sqlite3_value_text(argv[1]);
	if (!sub || !s) {
		sqlite3_result_error_nomem(ctx);
		return;
	}
	const char *hit = strstr(s, sub);
	int64_t pos = 0;
	if (hit) /* characters, not bytes */
		for (const char *c = s; c <= hit; c++)
			pos += ((unsigned char)*c & 0xC0) != 0x80;
	sqlite3_result_int64(ctx, pos);
}

static int sf_greatest_sign = 1, sf_least_sign = -1;

int sqlite_funcs_register(sqlite3 *db)
{
	static const struct {
		const char *name;
		int nargs;
		void (*fn)(sqlite3_context *, int, sqlite3_value **);
		int deterministic;
	} fns[] = {
		{"rosetta_div", 2, sf_div, 1},       {"rosetta_mysql_div", 2, sf_mysql_div, 1},
		{"rosetta_mod", 2, sf_mod, 1},       {"rosetta_intdiv", 2, sf_intdiv, 1},
		{"rosetta_bitxor", 2, sf_bitxor, 1},
		{"rosetta_like", 2, sf_like, 1},     {"rosetta_like", 3, sf_like, 1},
		{"rosetta_bool", 1, sf_bool, 1},     {"rosetta_random", 0, sf_random, 0},
		{"rosetta_locate", 2, sf_locate, 1},
	};
	for (size_t i = 0; i < sizeof(fns) / sizeof(fns[0]); i++) {
		int flags = SQLITE_UTF8 | SQLITE_INNOCUOUS | (fns[i].deterministic ? SQLITE_DETERMINISTIC : 0);
		int rc = sqlite3_create_function_v2(db, fns[i].name, fns[i].nargs, flags, NULL, fns[i].fn, NULL, NULL, NULL);
		if (rc != SQLITE_OK)
			return rc;
	}
	int flags = SQLITE_UTF8 | SQLITE_INNOCUOUS | SQLITE_DETERMINISTIC;
	int rc = sqlite3_create_function_v2(db, "rosetta_greatest", -1, flags, &sf_greatest_sign, sf_extreme, NULL, NULL, NULL);
	if (rc == SQLITE_OK)
		rc = sqlite3_create_function_v2(db, "rosetta_least", -1, flags, &sf_least_sign, sf_extreme, NULL, NULL, NULL);
	return rc;
}
