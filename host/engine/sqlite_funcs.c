/*
 * sqlite_funcs.c — the deparser's SQL functions (see sqlite_funcs.h).
 */
#include "engine/sqlite_funcs.h"

#include <ctype.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include <openssl/evp.h>

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

/* The start of div, mod and /: NULL in, NULL out; a zero divisor is 22012.  1 when the result is set. */
static int sf_div_operands(sqlite3_context *ctx, int argc, sqlite3_value **argv, int *ta, int *tb)
{
	if (sf_any_null(argc, argv)) {
		sqlite3_result_null(ctx);
		return 1;
	}
	*ta = sf_numeric_type(argv[0]);
	*tb = sf_numeric_type(argv[1]);
	if (sf_is_zero(argv[1], *tb)) {
		sqlite3_result_error(ctx, "[22012] division by zero", -1);
		return 1;
	}
	return 0;
}

static void sf_div(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	int ta, tb;
	if (sf_div_operands(ctx, argc, argv, &ta, &tb))
		return;
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
	int ta, tb;
	if (sf_div_operands(ctx, argc, argv, &ta, &tb))
		return;
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

/*
 * PG's boolean input: 0/1 in *out, or -1 when v is not a boolean.  Numbers are
 * true when non-zero; text is t/true/yes/on/1 or f/false/no/off/0 in any case,
 * trimmed, any unique prefix.  v must not be NULL.
 */
static int sf_bool_parse(sqlite3_value *v, int *out)
{
	int t = sqlite3_value_type(v);
	if (t == SQLITE_INTEGER || t == SQLITE_FLOAT) {
		*out = sqlite3_value_double(v) != 0.0;
		return 0;
	}
	const char *s = (const char *)sqlite3_value_text(v);
	if (!s)
		return -1;
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
			*out = words[k].v;
			return 0;
		}
	return -1;
}

static void sf_bool_error(sqlite3_context *ctx, sqlite3_value *v)
{
	char *msg = sqlite3_mprintf("[22P02] invalid input syntax for type boolean: \"%s\"", sqlite3_value_text(v));
	sqlite3_result_error(ctx, msg ? msg : "[22P02] invalid input syntax for type boolean", -1);
	sqlite3_free(msg);
}

static void sf_bool(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	(void)argc;
	int b;
	if (sqlite3_value_type(argv[0]) == SQLITE_NULL)
		sqlite3_result_null(ctx);
	else if (sf_bool_parse(argv[0], &b) < 0)
		sf_bool_error(ctx, argv[0]);
	else
		sqlite3_result_int(ctx, b);
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

/* ---- arithmetic functions ------------------------------------------------ */

/* MySQL MOD(): NULL on zero; integers stay integers; the sign follows a. */
static void sf_mod_fn(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	if (sf_any_null(argc, argv) || sf_is_zero(argv[1], sf_numeric_type(argv[1]))) {
		sqlite3_result_null(ctx);
		return;
	}
	if (sf_numeric_type(argv[0]) == SQLITE_INTEGER && sf_numeric_type(argv[1]) == SQLITE_INTEGER) {
		int64_t a = sqlite3_value_int64(argv[0]), b = sqlite3_value_int64(argv[1]);
		sqlite3_result_int64(ctx, b == -1 ? 0 : a % b);
		return;
	}
	sqlite3_result_double(ctx, fmod(sqlite3_value_double(argv[0]), sqlite3_value_double(argv[1])));
}

/* PG div(a, b): the integer quotient truncated toward zero; [22012] on zero. */
static void sf_div_fn(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	int ta, tb;
	if (sf_div_operands(ctx, argc, argv, &ta, &tb))
		return;
	if (ta == SQLITE_INTEGER && tb == SQLITE_INTEGER) {
		int64_t a = sqlite3_value_int64(argv[0]), b = sqlite3_value_int64(argv[1]);
		if (a == INT64_MIN && b == -1) {
			sqlite3_result_double(ctx, 9223372036854775808.0);
			return;
		}
		sqlite3_result_int64(ctx, a / b);
		return;
	}
	double q = trunc(sqlite3_value_double(argv[0]) / sqlite3_value_double(argv[1]));
	if (q >= -9e18 && q <= 9e18)
		sqlite3_result_int64(ctx, (int64_t)q);
	else
		sqlite3_result_double(ctx, q);
}

/* ---- aggregates ----------------------------------------------------------- */

struct sf_bool_agg {
	int seen;
	int value;
};

/* bool_and / every (user data 1) and bool_or (0): NULLs skipped, NULL when none. */
static void sf_bool_agg_step(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	(void)argc;
	if (sqlite3_value_type(argv[0]) == SQLITE_NULL)
		return;
	int is_and = *(int *)sqlite3_user_data(ctx), b;
	if (sf_bool_parse(argv[0], &b) < 0) {
		sf_bool_error(ctx, argv[0]);
		return;
	}
	struct sf_bool_agg *st = sqlite3_aggregate_context(ctx, sizeof(*st));
	if (!st) {
		sqlite3_result_error_nomem(ctx);
		return;
	}
	st->value = st->seen ? (is_and ? st->value && b : st->value || b) : b;
	st->seen = 1;
}

static void sf_bool_agg_final(sqlite3_context *ctx)
{
	struct sf_bool_agg *st = sqlite3_aggregate_context(ctx, 0);
	if (st && st->seen)
		sqlite3_result_int(ctx, st->value);
	else
		sqlite3_result_null(ctx);
}

/* ---- string functions ----------------------------------------------------- */
/* Lengths and positions count UTF-8 characters, as both ecosystems do with utf8mb4 / UTF8. */

/* The text of v (never NULL for a non-NULL v unless out of memory) and its byte length. */
static const unsigned char *sf_text(sqlite3_value *v, size_t *n)
{
	const unsigned char *s = sqlite3_value_text(v);
	*n = s ? (size_t)sqlite3_value_bytes(v) : 0;
	return s;
}

static size_t sf_nchars(const unsigned char *s, size_t n)
{
	size_t c = 0;
	for (size_t i = 0; i < n; i += sf_utf8_len(s + i, n - i))
		c++;
	return c;
}

/* Byte offset of character k (clamped to n). */
static size_t sf_char_off(const unsigned char *s, size_t n, size_t k)
{
	size_t i = 0;
	while (k-- && i < n)
		i += sf_utf8_len(s + i, n - i);
	return i;
}

/* Fetches argv[0] as text into s/n and argv[1] as an integer; 0, or -1 after setting the result. */
static int sf_text_int_args(sqlite3_context *ctx, int argc, sqlite3_value **argv, const unsigned char **s, size_t *n,
			    int64_t *k)
{
	if (sf_any_null(argc, argv)) {
		sqlite3_result_null(ctx);
		return -1;
	}
	*k = sqlite3_value_int64(argv[1]);
	if (!(*s = sf_text(argv[0], n))) {
		sqlite3_result_error_nomem(ctx);
		return -1;
	}
	return 0;
}

/*
 * left(s, n) / right(s, n).  User data: bit 0 = right, bit 1 = MySQL.  PG: a
 * negative n means all but the last (left) or first (right) |n| characters;
 * MySQL: a negative n gives ''.
 */
static void sf_left_right(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	int mode = *(int *)sqlite3_user_data(ctx), right = mode & 1, mysql = mode & 2;
	const unsigned char *s;
	size_t n;
	int64_t k;
	if (sf_text_int_args(ctx, argc, argv, &s, &n, &k) < 0)
		return;
	size_t len = sf_nchars(s, n), keep;
	if (k >= 0)
		keep = (uint64_t)k < len ? (size_t)k : len;
	else if (mysql)
		keep = 0;
	else
		keep = (uint64_t)-k < len ? len - (size_t)-k : 0;
	size_t from = right ? sf_char_off(s, n, len - keep) : 0;
	size_t to = right ? n : sf_char_off(s, n, keep);
	sqlite3_result_text(ctx, (const char *)s + from, (int)(to - from), SQLITE_TRANSIENT);
}

/* The longest result a function may build: SQLite's own limit on this connection. */
static int sf_too_long(sqlite3_context *ctx, uint64_t bytes)
{
	int lim = sqlite3_limit(sqlite3_context_db_handle(ctx), SQLITE_LIMIT_LENGTH, -1);
	if (bytes <= (uint64_t)lim)
		return 0;
	sqlite3_result_error(ctx, "[54000] requested length too large", -1);
	return 1;
}

/*
 * lpad(s, len [, fill]) / rpad.  User data: bit 0 = rpad, bit 1 = MySQL.  s
 * longer than len is cut to its first len characters.  PG: len <= 0 gives '',
 * an empty fill leaves s as it is; MySQL: len < 0 gives NULL, and so does an
 * empty fill when padding is needed.
 */
static void sf_pad(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	int mode = *(int *)sqlite3_user_data(ctx), right = mode & 1, mysql = mode & 2;
	const unsigned char *s, *fill = (const unsigned char *)" ";
	size_t n, fn = 1;
	int64_t len;
	if (sf_text_int_args(ctx, argc, argv, &s, &n, &len) < 0)
		return;
	if (argc > 2 && !(fill = sf_text(argv[2], &fn))) {
		sqlite3_result_error_nomem(ctx);
		return;
	}
	if (len < 0 && mysql) {
		sqlite3_result_null(ctx);
		return;
	}
	if (len <= 0) {
		sqlite3_result_text(ctx, "", 0, SQLITE_STATIC);
		return;
	}
	size_t have = sf_nchars(s, n);
	if ((uint64_t)len <= have) {
		sqlite3_result_text(ctx, (const char *)s, (int)sf_char_off(s, n, (size_t)len), SQLITE_TRANSIENT);
		return;
	}
	if (fn == 0) {
		if (mysql)
			sqlite3_result_null(ctx);
		else
			sqlite3_result_text(ctx, (const char *)s, (int)n, SQLITE_TRANSIENT);
		return;
	}
	size_t need = (size_t)len - have, fchars = sf_nchars(fill, fn);
	if (sf_too_long(ctx, (uint64_t)n + (uint64_t)need * 4))
		return;
	char *out = sqlite3_malloc64(n + need * 4 + 1);
	if (!out) {
		sqlite3_result_error_nomem(ctx);
		return;
	}
	size_t o = 0;
	if (right) {
		memcpy(out, s, n);
		o = n;
	}
	for (size_t i = 0; i < need; i++) {
		size_t c = sf_char_off(fill, fn, i % fchars), cl = sf_utf8_len(fill + c, fn - c);
		memcpy(out + o, fill + c, cl);
		o += cl;
	}
	if (!right) {
		memcpy(out + o, s, n);
		o += n;
	}
	sqlite3_result_text(ctx, out, (int)o, sqlite3_free);
}

/* repeat(s, n): '' when n <= 0. */
static void sf_repeat(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	const unsigned char *s;
	size_t n;
	int64_t k;
	if (sf_text_int_args(ctx, argc, argv, &s, &n, &k) < 0)
		return;
	if (k <= 0 || n == 0) {
		sqlite3_result_text(ctx, "", 0, SQLITE_STATIC);
		return;
	}
	if (k > INT32_MAX) {
		sqlite3_result_error(ctx, "[54000] requested length too large", -1);
		return;
	}
	if (sf_too_long(ctx, (uint64_t)n * (uint64_t)k))
		return;
	char *out = sqlite3_malloc64((uint64_t)n * (uint64_t)k + 1);
	if (!out) {
		sqlite3_result_error_nomem(ctx);
		return;
	}
	for (int64_t i = 0; i < k; i++)
		memcpy(out + (size_t)i * n, s, n);
	sqlite3_result_text64(ctx, out, (uint64_t)n * (uint64_t)k, sqlite3_free, SQLITE_UTF8);
}

/* reverse(s), by characters. */
static void sf_reverse(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	const unsigned char *s;
	size_t n;
	if (sf_any_null(argc, argv)) {
		sqlite3_result_null(ctx);
		return;
	}
	char *out;
	if (!(s = sf_text(argv[0], &n)) || !(out = sqlite3_malloc64(n + 1))) {
		sqlite3_result_error_nomem(ctx);
		return;
	}
	for (size_t i = 0; i < n;) {
		size_t cl = sf_utf8_len(s + i, n - i);
		memcpy(out + n - i - cl, s + i, cl);
		i += cl;
	}
	sqlite3_result_text(ctx, out, (int)n, sqlite3_free);
}

/* PG initcap(s): the first letter of each alphanumeric run upper-case, the rest lower (ASCII). */
static void sf_initcap(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	const unsigned char *s;
	size_t n;
	if (sf_any_null(argc, argv)) {
		sqlite3_result_null(ctx);
		return;
	}
	char *out;
	if (!(s = sf_text(argv[0], &n)) || !(out = sqlite3_malloc64(n + 1))) {
		sqlite3_result_error_nomem(ctx);
		return;
	}
	int in_word = 0;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = s[i];
		out[i] = (char)(in_word ? tolower(c) : toupper(c));
		in_word = isalnum(c) || c >= 0x80;
	}
	sqlite3_result_text(ctx, out, (int)n, sqlite3_free);
}

/* First occurrence of d (dn > 0 bytes) in s[from..n), or NULL. */
static const unsigned char *sf_find(const unsigned char *s, size_t n, size_t from, const unsigned char *d, size_t dn)
{
	for (size_t i = from; i + dn <= n; i++)
		if (!memcmp(s + i, d, dn))
			return s + i;
	return NULL;
}

/*
 * PG split_part(s, delim, k): field k (1-based; negative counts from the end),
 * '' when there is no such field; [22023] for k = 0.
 */
static void sf_split_part(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	if (sf_any_null(argc, argv)) {
		sqlite3_result_null(ctx);
		return;
	}
	int64_t k = sqlite3_value_int64(argv[2]);
	if (k == 0) {
		sqlite3_result_error(ctx, "[22023] field position must not be zero", -1);
		return;
	}
	size_t n, dn;
	const unsigned char *s = sf_text(argv[0], &n), *d = sf_text(argv[1], &dn);
	if (!s || !d) {
		sqlite3_result_error_nomem(ctx);
		return;
	}
	if (n == 0 || dn == 0) {
		int whole = n && (k == 1 || k == -1);
		sqlite3_result_text(ctx, whole ? (const char *)s : "", whole ? (int)n : 0, SQLITE_TRANSIENT);
		return;
	}
	int64_t fields = 1;
	for (const unsigned char *p = s; (p = sf_find(s, n, (size_t)(p - s), d, dn)); p += dn)
		fields++;
	if (k < 0)
		k = fields + k + 1;
	if (k < 1 || k > fields) {
		sqlite3_result_text(ctx, "", 0, SQLITE_STATIC);
		return;
	}
	size_t from = 0;
	for (int64_t f = 1; f < k; f++)
		from = (size_t)(sf_find(s, n, from, d, dn) - s) + dn;
	const unsigned char *end = sf_find(s, n, from, d, dn);
	size_t to = end ? (size_t)(end - s) : n;
	sqlite3_result_text(ctx, (const char *)s + from, (int)(to - from), SQLITE_TRANSIENT);
}

/*
 * MySQL SUBSTRING_INDEX(s, delim, k): what precedes the k-th delim from the
 * left (k > 0) or follows the |k|-th from the right (k < 0); s when there are
 * fewer; '' when k = 0 or delim is ''.
 */
static void sf_substring_index(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	if (sf_any_null(argc, argv)) {
		sqlite3_result_null(ctx);
		return;
	}
	int64_t k = sqlite3_value_int64(argv[2]);
	size_t n, dn;
	const unsigned char *s = sf_text(argv[0], &n), *d = sf_text(argv[1], &dn);
	if (!s || !d) {
		sqlite3_result_error_nomem(ctx);
		return;
	}
	if (k == 0 || dn == 0) {
		sqlite3_result_text(ctx, "", 0, SQLITE_STATIC);
		return;
	}
	if (k > 0) {
		size_t from = 0;
		for (int64_t f = 0; f < k; f++) {
			const unsigned char *p = sf_find(s, n, from, d, dn);
			if (!p) {
				sqlite3_result_text(ctx, (const char *)s, (int)n, SQLITE_TRANSIENT);
				return;
			}
			if (f == k - 1) {
				sqlite3_result_text(ctx, (const char *)s, (int)(p - s), SQLITE_TRANSIENT);
				return;
			}
			from = (size_t)(p - s) + dn;
		}
	}
	size_t end = n; /* scan right to left */
	for (int64_t f = 0; f < -k; f++) {
		size_t i = end >= dn ? end - dn + 1 : 0;
		int hit = 0;
		while (i-- > 0)
			if (i + dn <= end && !memcmp(s + i, d, dn)) {
				hit = 1;
				break;
			}
		if (!hit) {
			sqlite3_result_text(ctx, (const char *)s, (int)n, SQLITE_TRANSIENT);
			return;
		}
		if (f == -k - 1) {
			sqlite3_result_text(ctx, (const char *)s + i + dn, (int)(n - i - dn), SQLITE_TRANSIENT);
			return;
		}
		end = i;
	}
	sqlite3_result_text(ctx, (const char *)s, (int)n, SQLITE_TRANSIENT);
}

/* concat_ws(sep, ...): NULL when sep is NULL; NULL arguments are skipped (both ecosystems). */
static void sf_concat_ws(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	if (argc < 1) {
		sqlite3_result_error(ctx, "[42883] function concat_ws() does not exist", -1);
		return;
	}
	if (sqlite3_value_type(argv[0]) == SQLITE_NULL) {
		sqlite3_result_null(ctx);
		return;
	}
	size_t sn, total = 0;
	const unsigned char *sep = sf_text(argv[0], &sn);
	if (!sep) {
		sqlite3_result_error_nomem(ctx);
		return;
	}
	for (int i = 1; i < argc; i++)
		if (sqlite3_value_type(argv[i]) != SQLITE_NULL) {
			size_t an;
			if (!sf_text(argv[i], &an)) {
				sqlite3_result_error_nomem(ctx);
				return;
			}
			total += an + sn;
		}
	if (sf_too_long(ctx, total))
		return;
	char *out = sqlite3_malloc64(total + 1);
	if (!out) {
		sqlite3_result_error_nomem(ctx);
		return;
	}
	size_t o = 0;
	int first = 1;
	for (int i = 1; i < argc; i++) {
		if (sqlite3_value_type(argv[i]) == SQLITE_NULL)
			continue;
		if (!first) {
			memcpy(out + o, sep, sn);
			o += sn;
		}
		first = 0;
		size_t an;
		const unsigned char *a = sf_text(argv[i], &an);
		memcpy(out + o, a, an);
		o += an;
	}
	sqlite3_result_text(ctx, out, (int)o, sqlite3_free);
}

/* octet_length(s): bytes of the text (MySQL LENGTH()). */
static void sf_octet_length(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	if (sf_any_null(argc, argv)) {
		sqlite3_result_null(ctx);
		return;
	}
	if (sqlite3_value_type(argv[0]) != SQLITE_BLOB)
		sqlite3_value_text(argv[0]);
	sqlite3_result_int64(ctx, sqlite3_value_bytes(argv[0]));
}

/* PG chr(code): the character with that code point; [54000] for 0 and non-characters. */
static void sf_chr(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	if (sf_any_null(argc, argv)) {
		sqlite3_result_null(ctx);
		return;
	}
	int64_t c = sqlite3_value_int64(argv[0]);
	if (c == 0) {
		sqlite3_result_error(ctx, "[54000] null character not permitted", -1);
		return;
	}
	if (c < 0 || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF)) {
		char *msg = sqlite3_mprintf("[54000] requested character %s for encoding: %lld",
					    c >= 0xD800 && c <= 0xDFFF ? "not valid" : "too large", (long long)c);
		sqlite3_result_error(ctx, msg ? msg : "[54000] requested character too large for encoding", -1);
		sqlite3_free(msg);
		return;
	}
	unsigned char b[4];
	int n;
	if (c < 0x80) {
		b[0] = (unsigned char)c;
		n = 1;
	} else if (c < 0x800) {
		b[0] = (unsigned char)(0xC0 | (c >> 6));
		b[1] = (unsigned char)(0x80 | (c & 0x3F));
		n = 2;
	} else if (c < 0x10000) {
		b[0] = (unsigned char)(0xE0 | (c >> 12));
		b[1] = (unsigned char)(0x80 | ((c >> 6) & 0x3F));
		b[2] = (unsigned char)(0x80 | (c & 0x3F));
		n = 3;
	} else {
		b[0] = (unsigned char)(0xF0 | (c >> 18));
		b[1] = (unsigned char)(0x80 | ((c >> 12) & 0x3F));
		b[2] = (unsigned char)(0x80 | ((c >> 6) & 0x3F));
		b[3] = (unsigned char)(0x80 | (c & 0x3F));
		n = 4;
	}
	sqlite3_result_text(ctx, (const char *)b, n, SQLITE_TRANSIENT);
}

/* md5(s): lower-case hex of the MD5 of the text (or blob) bytes. */
static void sf_md5(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	if (sf_any_null(argc, argv)) {
		sqlite3_result_null(ctx);
		return;
	}
	const void *p = sqlite3_value_type(argv[0]) == SQLITE_BLOB ? sqlite3_value_blob(argv[0])
								    : (const void *)sqlite3_value_text(argv[0]);
	size_t n = (size_t)sqlite3_value_bytes(argv[0]);
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdn = 0;
	if ((!p && n) || !EVP_Digest(p ? p : "", n, md, &mdn, EVP_md5(), NULL)) {
		sqlite3_result_error(ctx, "[XX000] could not compute MD5 hash", -1);
		return;
	}
	char hex[2 * EVP_MAX_MD_SIZE + 1];
	for (unsigned int i = 0; i < mdn; i++)
		snprintf(hex + 2 * i, 3, "%02x", md[i]);
	sqlite3_result_text(ctx, hex, (int)(2 * mdn), SQLITE_TRANSIENT);
}

/* Appends to a bounded output buffer; fmt output is cut at the end of the buffer. */
struct sf_out {
	char *p;
	size_t n, cap;
};

static void sf_put(struct sf_out *o, const char *s, size_t n)
{
	if (o->n + n >= o->cap)
		n = o->cap - 1 - o->n;
	memcpy(o->p + o->n, s, n);
	o->n += n;
	o->p[o->n] = 0;
}

static void sf_putf(struct sf_out *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void sf_putf(struct sf_out *o, const char *fmt, ...)
{
	char tmp[64];
	va_list ap;
	va_start(ap, fmt);
	int k = vsnprintf(tmp, sizeof(tmp), fmt, ap);
	va_end(ap);
	if (k > 0)
		sf_put(o, tmp, (size_t)k < sizeof(tmp) ? (size_t)k : sizeof(tmp) - 1);
}

/*
 * MySQL FORMAT(x, d): x rounded to d decimals (0..30) with ',' between
 * thousands, as the en_US locale writes it.
 */
static void sf_mysql_format(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	if (sqlite3_value_type(argv[0]) == SQLITE_NULL || sqlite3_value_type(argv[1]) == SQLITE_NULL) {
		sqlite3_result_null(ctx);
		return;
	}
	(void)argc;
	int64_t d = sqlite3_value_int64(argv[1]);
	d = d < 0 ? 0 : d > 30 ? 30 : d;
	char num[400], out[540];
	if (sf_numeric_type(argv[0]) == SQLITE_INTEGER)
		snprintf(num, sizeof(num), "%lld", (long long)sqlite3_value_int64(argv[0]));
	else
		snprintf(num, sizeof(num), "%.*f", (int)d, sqlite3_value_double(argv[0]));
	const char *dot = strchr(num, '.'), *digits = num + (num[0] == '-');
	size_t ilen = (size_t)((dot ? dot : num + strlen(num)) - digits), o = 0;
	if (num[0] == '-')
		out[o++] = '-';
	for (size_t i = 0; i < ilen; i++) {
		if (i && (ilen - i) % 3 == 0)
			out[o++] = ',';
		out[o++] = digits[i];
	}
	if (d > 0) {
		out[o++] = '.';
		for (int64_t i = 0; i < d; i++)
			out[o++] = dot && dot[1 + i] ? dot[1 + i] : '0';
	}
	sqlite3_result_text(ctx, out, (int)o, SQLITE_TRANSIENT);
}

/* ---- date and time -------------------------------------------------------- */
/* Dates and timestamps are stored as text: 'YYYY-MM-DD[ HH:MM:SS[.ffffff]][+TZ]'. */

struct sf_tm {
	int year, mon, day, hour, min, sec, usec;
	int has_time;
};

static int sf_leap(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int sf_mdays(int y, int m)
{
	static const int d[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	return m == 2 && sf_leap(y) ? 29 : d[m - 1];
}

/* Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil). */
static int64_t sf_days(int y, int m, int d)
{
	y -= m <= 2;
	int64_t era = (y >= 0 ? y : y - 399) / 400;
	int64_t yoe = y - era * 400;
	int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

static void sf_civil(int64_t z, int *y, int *m, int *d)
{
	z += 719468;
	int64_t era = (z >= 0 ? z : z - 146096) / 146097;
	int64_t doe = z - era * 146097;
	int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	int64_t mp = (5 * doy + 2) / 153;
	*d = (int)(doy - (153 * mp + 2) / 5 + 1);
	*m = (int)(mp < 10 ? mp + 3 : mp - 9);
	*y = (int)(yoe + era * 400 + (*m <= 2));
}

/* Parses a stored date or timestamp (a 'T' separator is accepted; a zone suffix ignored). 0 or -1. */
static int sf_parse_tm(const char *s, struct sf_tm *t)
{
	memset(t, 0, sizeof(*t));
	while (isspace((unsigned char)*s))
		s++;
	int used = 0;
	if (sscanf(s, "%d-%d-%d%n", &t->year, &t->mon, &t->day, &used) != 3 || used < 8)
		return -1;
	if (t->mon < 1 || t->mon > 12 || t->day < 1 || t->day > sf_mdays(t->year, t->mon))
		return -1;
	s += used;
	if ((*s == ' ' || *s == 'T') && isdigit((unsigned char)s[1])) {
		if (sscanf(s + 1, "%d:%d%n", &t->hour, &t->min, &used) != 2)
			return -1;
		s += 1 + used;
		if (*s == ':') {
			if (sscanf(s + 1, "%d%n", &t->sec, &used) != 1)
				return -1;
			s += 1 + used;
			if (*s == '.') {
				int digits = 0;
				for (s++; isdigit((unsigned char)*s); s++, digits++)
					if (digits < 6)
						t->usec = t->usec * 10 + (*s - '0');
				for (; digits < 6; digits++)
					t->usec *= 10;
			}
		}
		if (t->hour > 24 || t->min > 59 || t->sec > 60)
			return -1;
		t->has_time = 1;
	}
	return 0;
}

/* A value as a date/time: 0, or -1 (not parseable; v must not be NULL). */
static int sf_value_tm(sqlite3_value *v, struct sf_tm *t)
{
	const char *s = (const char *)sqlite3_value_text(v);
	return s ? sf_parse_tm(s, t) : -1;
}

static void sf_result_timestamp(sqlite3_context *ctx, const struct sf_tm *t)
{
	char out[48];
	if (t->usec)
		snprintf(out, sizeof(out), "%04d-%02d-%02d %02d:%02d:%02d.%06d", t->year, t->mon, t->day, t->hour, t->min,
			 t->sec, t->usec);
	else
		snprintf(out, sizeof(out), "%04d-%02d-%02d %02d:%02d:%02d", t->year, t->mon, t->day, t->hour, t->min,
			 t->sec);
	size_t n = strlen(out);
	while (t->usec && out[n - 1] == '0')
		n--;
	sqlite3_result_text(ctx, out, (int)n, SQLITE_TRANSIENT);
}

static const char *const sf_month_names[] = {"January", "February", "March",     "April",   "May",      "June",
					     "July",    "August",   "September", "October", "November", "December"};
static const char *const sf_day_names[] = {"Sunday",   "Monday", "Tuesday", "Wednesday",
					   "Thursday", "Friday", "Saturday"};

/* 0 = Sunday. */
static int sf_weekday(const struct sf_tm *t)
{
	int64_t w = (sf_days(t->year, t->mon, t->day) + 4) % 7;
	return (int)(w < 0 ? w + 7 : w);
}

static int sf_yday(const struct sf_tm *t)
{
	return (int)(sf_days(t->year, t->mon, t->day) - sf_days(t->year, 1, 1)) + 1;
}

/*
 * PG date_trunc(field, ts): ts with every field below `field` at its minimum
 * (week: the Monday).  [22023] for an unknown field, [22007] for bad input.
 */
static void sf_date_trunc(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	if (sf_any_null(argc, argv)) {
		sqlite3_result_null(ctx);
		return;
	}
	const char *field = (const char *)sqlite3_value_text(argv[0]);
	struct sf_tm t;
	if (!field || sf_value_tm(argv[1], &t) < 0) {
		char *msg = sqlite3_mprintf("[22007] invalid input syntax for type timestamp: \"%s\"",
					    sqlite3_value_text(argv[1]));
		sqlite3_result_error(ctx, msg ? msg : "[22007] invalid input syntax for type timestamp", -1);
		sqlite3_free(msg);
		return;
	}
	static const char *const fields[] = {"microseconds", "milliseconds", "second", "minute", "hour", "day",
					     "week", "month", "quarter", "year", "decade", "century", "millennium"};
	int f = -1;
	for (int i = 0; i < (int)(sizeof(fields) / sizeof(fields[0])); i++)
		if (!strcasecmp(field, fields[i]))
			f = i;
	if (f < 0) {
		char *msg = sqlite3_mprintf("[22023] unit \"%s\" not recognized for type timestamp without time zone", field);
		sqlite3_result_error(ctx, msg ? msg : "[22023] unit not recognized", -1);
		sqlite3_free(msg);
		return;
	}
	if (f >= 1)
		t.usec = f == 1 ? t.usec / 1000 * 1000 : 0;
	if (f >= 3)
		t.sec = 0;
	if (f >= 4)
		t.min = 0;
	if (f >= 5)
		t.hour = 0;
	if (f == 6) {
		int64_t z = sf_days(t.year, t.mon, t.day) - (sf_weekday(&t) + 6) % 7;
		sf_civil(z, &t.year, &t.mon, &t.day);
	}
	if (f >= 7)
		t.day = 1;
	if (f == 8)
		t.mon = (t.mon - 1) / 3 * 3 + 1;
	if (f >= 9)
		t.mon = 1;
	if (f == 10)
		t.year -= ((t.year % 10) + 10) % 10;
	if (f == 11)
		t.year = t.year > 0 ? (t.year - 1) / 100 * 100 + 1 : t.year;
	if (f == 12)
		t.year = t.year > 0 ? (t.year - 1) / 1000 * 1000 + 1 : t.year;
	sf_result_timestamp(ctx, &t);
}

/* MySQL DATEDIFF(a, b): days from b to a, by their date parts; NULL when either is not a date. */
static void sf_datediff(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	struct sf_tm a, b;
	if (sf_any_null(argc, argv) || sf_value_tm(argv[0], &a) < 0 || sf_value_tm(argv[1], &b) < 0) {
		sqlite3_result_null(ctx);
		return;
	}
	sqlite3_result_int64(ctx, sf_days(a.year, a.mon, a.day) - sf_days(b.year, b.mon, b.day));
}

/* The 12-hour clock hour. */
static int sf_hour12(int h)
{
	return h % 12 == 0 ? 12 : h % 12;
}

/* MySQL DATE_FORMAT(d, fmt): %-specifiers; an unknown %c is c.  NULL when d is not a date. */
static void sf_date_format(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	struct sf_tm t;
	if (sf_any_null(argc, argv) || sf_value_tm(argv[0], &t) < 0) {
		sqlite3_result_null(ctx);
		return;
	}
	const char *f = (const char *)sqlite3_value_text(argv[1]);
	char buf[1024];
	struct sf_out o = {buf, 0, sizeof(buf)};
	buf[0] = 0;
	for (; f && *f; f++) {
		if (*f != '%' || !f[1]) {
			sf_put(&o, f, 1);
			continue;
		}
		int wd = sf_weekday(&t);
		switch (*++f) {
		case 'Y': sf_putf(&o, "%04d", t.year); break;
		case 'y': sf_putf(&o, "%02d", t.year % 100); break;
		case 'm': sf_putf(&o, "%02d", t.mon); break;
		case 'c': sf_putf(&o, "%d", t.mon); break;
		case 'M': sf_putf(&o, "%s", sf_month_names[t.mon - 1]); break;
		case 'b': sf_putf(&o, "%.3s", sf_month_names[t.mon - 1]); break;
		case 'd': sf_putf(&o, "%02d", t.day); break;
		case 'e': sf_putf(&o, "%d", t.day); break;
		case 'D': {
			int d = t.day;
			const char *sfx = (d / 10 == 1) ? "th" : d % 10 == 1 ? "st" : d % 10 == 2 ? "nd" : d % 10 == 3 ? "rd" : "th";
			sf_putf(&o, "%d%s", d, sfx);
			break;
		}
		case 'j': sf_putf(&o, "%03d", sf_yday(&t)); break;
		case 'W': sf_putf(&o, "%s", sf_day_names[wd]); break;
		case 'a': sf_putf(&o, "%.3s", sf_day_names[wd]); break;
		case 'w': sf_putf(&o, "%d", wd); break;
		case 'H': sf_putf(&o, "%02d", t.hour); break;
		case 'k': sf_putf(&o, "%d", t.hour); break;
		case 'h': case 'I': sf_putf(&o, "%02d", sf_hour12(t.hour)); break;
		case 'l': sf_putf(&o, "%d", sf_hour12(t.hour)); break;
		case 'i': sf_putf(&o, "%02d", t.min); break;
		case 'S': case 's': sf_putf(&o, "%02d", t.sec); break;
		case 'f': sf_putf(&o, "%06d", t.usec); break;
		case 'p': sf_putf(&o, "%s", t.hour < 12 ? "AM" : "PM"); break;
		case 'T': sf_putf(&o, "%02d:%02d:%02d", t.hour, t.min, t.sec); break;
		case 'r': sf_putf(&o, "%02d:%02d:%02d %s", sf_hour12(t.hour), t.min, t.sec, t.hour < 12 ? "AM" : "PM"); break;
		default: sf_put(&o, f, 1); break;
		}
	}
	sqlite3_result_text(ctx, buf, (int)o.n, SQLITE_TRANSIENT);
}

/* Case-sensitive prefix test that also reports the length. */
static int sf_pfx(const char *s, const char *p, size_t *n)
{
	*n = strlen(p);
	return !strncmp(s, p, *n);
}

/* A name in PG's case pattern: "MONTH", "Month" or "month" (k = 2, 1, 0), padded to 9 unless fm. */
static void sf_put_name(struct sf_out *o, const char *name, int k, size_t maxlen, int fm)
{
	char tmp[16] = {0};
	size_t n = strlen(name);
	if (n > maxlen)
		n = maxlen;
	for (size_t i = 0; i < n; i++)
		tmp[i] = (char)(k == 2 ? toupper((unsigned char)name[i]) : k == 0 ? tolower((unsigned char)name[i]) : name[i]);
	sf_put(o, tmp, n);
	if (!fm && maxlen > 3)
		for (; n < 9; n++)
			sf_put(o, " ", 1);
}

/* PG to_char(timestamp, fmt) for the common template patterns. */
static void sf_to_char_time(struct sf_out *o, const struct sf_tm *t, const char *f)
{
	while (*f) {
		size_t n;
		int fm = 0;
		if (sf_pfx(f, "FM", &n) || sf_pfx(f, "fm", &n)) {
			fm = 1;
			f += n;
			if (!*f)
				break;
		}
		const char *num = fm ? "%d" : NULL;
		int h12 = sf_hour12(t->hour), wd = sf_weekday(t);
		if (*f == '"') { /* quoted literal text */
			for (f++; *f && *f != '"'; f++) {
				if (*f == '\\' && f[1])
					f++;
				sf_put(o, f, 1);
			}
			if (*f)
				f++;
			continue;
		}
		if (sf_pfx(f, "YYYY", &n)) sf_putf(o, num ? num : "%04d", t->year);
		else if (sf_pfx(f, "YYY", &n)) sf_putf(o, num ? num : "%03d", t->year % 1000);
		else if (sf_pfx(f, "YY", &n)) sf_putf(o, num ? num : "%02d", t->year % 100);
		else if (sf_pfx(f, "Y", &n)) sf_putf(o, "%d", t->year % 10);
		else if (sf_pfx(f, "HH24", &n)) sf_putf(o, num ? num : "%02d", t->hour);
		else if (sf_pfx(f, "HH12", &n) || sf_pfx(f, "HH", &n)) sf_putf(o, num ? num : "%02d", h12);
		else if (sf_pfx(f, "MI", &n)) sf_putf(o, num ? num : "%02d", t->min);
		else if (sf_pfx(f, "SS", &n)) sf_putf(o, num ? num : "%02d", t->sec);
		else if (sf_pfx(f, "MS", &n)) sf_putf(o, num ? num : "%03d", t->usec / 1000);
		else if (sf_pfx(f, "US", &n)) sf_putf(o, num ? num : "%06d", t->usec);
		else if (sf_pfx(f, "AM", &n) || sf_pfx(f, "PM", &n)) sf_put(o, t->hour < 12 ? "AM" : "PM", 2);
		else if (sf_pfx(f, "am", &n) || sf_pfx(f, "pm", &n)) sf_put(o, t->hour < 12 ? "am" : "pm", 2);
		else if (sf_pfx(f, "A.M.", &n) || sf_pfx(f, "P.M.", &n)) sf_put(o, t->hour < 12 ? "A.M." : "P.M.", 4);
		else if (sf_pfx(f, "a.m.", &n) || sf_pfx(f, "p.m.", &n)) sf_put(o, t->hour < 12 ? "a.m." : "p.m.", 4);
		else if (sf_pfx(f, "MONTH", &n)) sf_put_name(o, sf_month_names[t->mon - 1], 2, 9, fm);
		else if (sf_pfx(f, "Month", &n)) sf_put_name(o, sf_month_names[t->mon - 1], 1, 9, fm);
		else if (sf_pfx(f, "month", &n)) sf_put_name(o, sf_month_names[t->mon - 1], 0, 9, fm);
		else if (sf_pfx(f, "MON", &n)) sf_put_name(o, sf_month_names[t->mon - 1], 2, 3, fm);
		else if (sf_pfx(f, "Mon", &n)) sf_put_name(o, sf_month_names[t->mon - 1], 1, 3, fm);
		else if (sf_pfx(f, "mon", &n)) sf_put_name(o, sf_month_names[t->mon - 1], 0, 3, fm);
		else if (sf_pfx(f, "MM", &n)) sf_putf(o, num ? num : "%02d", t->mon);
		else if (sf_pfx(f, "DAY", &n)) sf_put_name(o, sf_day_names[wd], 2, 9, fm);
		else if (sf_pfx(f, "Day", &n)) sf_put_name(o, sf_day_names[wd], 1, 9, fm);
		else if (sf_pfx(f, "day", &n)) sf_put_name(o, sf_day_names[wd], 0, 9, fm);
		else if (sf_pfx(f, "DY", &n)) sf_put_name(o, sf_day_names[wd], 2, 3, fm);
		else if (sf_pfx(f, "Dy", &n)) sf_put_name(o, sf_day_names[wd], 1, 3, fm);
		else if (sf_pfx(f, "dy", &n)) sf_put_name(o, sf_day_names[wd], 0, 3, fm);
		else if (sf_pfx(f, "DDD", &n)) sf_putf(o, num ? num : "%03d", sf_yday(t));
		else if (sf_pfx(f, "DD", &n)) sf_putf(o, num ? num : "%02d", t->day);
		else if (sf_pfx(f, "D", &n)) sf_putf(o, "%d", wd + 1);
		else if (sf_pfx(f, "Q", &n)) sf_putf(o, "%d", (t->mon - 1) / 3 + 1);
		else {
			n = *f == '\\' && f[1] ? 2 : 1;
			sf_put(o, f + n - 1, 1);
		}
		f += n;
	}
}

/*
 * PG to_char(number, fmt) for the common numeric patterns: 9 (digit, blank
 * when leading), 0 (digit, zero when leading), . or D (decimal point), , or G
 * (group separator), S / MI (sign), FM (no padding, no trailing zeros in 9
 * positions).  Without S or MI a sign position precedes the first digit.  A
 * value too wide for the pattern prints as '#'s.  Other characters are copied.
 */
enum { SF_NUM_KEEP, SF_NUM_PAD, SF_NUM_DEC9 };

struct sf_num_out {
	char c[256];
	unsigned char kind[256];
	int n;
};

static void sf_num_put(struct sf_num_out *r, char c, int kind)
{
	if (r->n < (int)sizeof(r->c)) {
		r->c[r->n] = c;
		r->kind[r->n++] = (unsigned char)kind;
	}
}

static int sf_is_fm(const char *p)
{
	return (p[0] == 'F' || p[0] == 'f') && (p[1] == 'M' || p[1] == 'm');
}

static int sf_is_mi(const char *p)
{
	return (p[0] == 'M' || p[0] == 'm') && (p[1] == 'I' || p[1] == 'i');
}

static void sf_to_char_num(struct sf_out *o, double v, const char *f)
{
	int fm = 0, ipos = 0, dpos = 0, seen_dot = 0, zero_from = -1, explicit_sign = 0, lead_s = 0;
	for (const char *p = f; *p; p++) {
		if (sf_is_fm(p) || sf_is_mi(p)) {
			fm |= sf_is_fm(p);
			explicit_sign |= sf_is_mi(p);
			p++;
		} else if ((*p == '9' || *p == '0') && seen_dot) {
			dpos++;
		} else if (*p == '9' || *p == '0') {
			if (*p == '0' && zero_from < 0)
				zero_from = ipos;
			ipos++;
		} else if (*p == '.' || *p == 'D' || *p == 'd') {
			seen_dot = 1;
		} else if (*p == 'S' || *p == 's') {
			if (ipos == 0 && !seen_dot)
				lead_s = 1; /* a leading S sits just before the first digit */
			else
				explicit_sign = 1;
		}
	}
	if (dpos > 60)
		dpos = 60;
	char digits[400];
	snprintf(digits, sizeof(digits), "%.*f", dpos, fabs(v));
	char *dot = strchr(digits, '.');
	const char *dec = dot ? dot + 1 : "";
	int ilen = dot ? (int)(dot - digits) : (int)strlen(digits);
	if (ilen == 1 && digits[0] == '0')
		ilen = 0; /* a zero integer part prints only where the pattern has a 0 (or as the last digit) */
	int neg = v < 0 && strspn(digits, "0.") != strlen(digits);
	int overflow = ilen > ipos;
	struct sf_num_out r = {.n = 0};
	int printed = 0, ip = 0, dp = 0, sign_done = explicit_sign;
	char plus = lead_s ? '+' : ' ';
	seen_dot = 0;
	for (const char *p = f; *p; p++) {
		if (sf_is_fm(p)) {
			p++;
			continue;
		}
		if ((*p == '9' || *p == '0') && !seen_dot) {
			int di = ip - (ipos - ilen);
			int zero = zero_from >= 0 && ip >= zero_from, last = ip == ipos - 1 && ilen == 0 && dpos == 0;
			if (overflow) {
				if (!sign_done)
					sf_num_put(&r, ' ', SF_NUM_PAD);
				sign_done = 1;
				sf_num_put(&r, '#', SF_NUM_KEEP);
			} else if (di >= 0 || zero || last) {
				if (!sign_done)
					sf_num_put(&r, neg ? '-' : plus, neg || lead_s ? SF_NUM_KEEP : SF_NUM_PAD);
				sign_done = 1;
				sf_num_put(&r, di >= 0 ? digits[di] : '0', SF_NUM_KEEP);
				printed = 1;
			} else {
				sf_num_put(&r, ' ', SF_NUM_PAD);
			}
			ip++;
		} else if (*p == '9' || *p == '0') {
			sf_num_put(&r, overflow ? '#' : dec[dp], *p == '9' ? SF_NUM_DEC9 : SF_NUM_KEEP);
			dp++;
		} else if (*p == '.' || *p == 'D' || *p == 'd') {
			if (!sign_done && !overflow)
				sf_num_put(&r, neg ? '-' : plus, neg || lead_s ? SF_NUM_KEEP : SF_NUM_PAD);
			sign_done = 1;
			sf_num_put(&r, overflow ? '#' : '.', SF_NUM_KEEP);
			seen_dot = 1;
		} else if (*p == ',' || *p == 'G' || *p == 'g') {
			if (overflow || printed)
				sf_num_put(&r, overflow ? '#' : ',', SF_NUM_KEEP);
			else
				sf_num_put(&r, ' ', SF_NUM_PAD);
		} else if ((*p == 'S' || *p == 's') && !lead_s) {
			sf_num_put(&r, neg ? '-' : '+', SF_NUM_KEEP);
		} else if (*p == 'S' || *p == 's') {
			continue;
		} else if (sf_is_mi(p)) {
			sf_num_put(&r, neg ? '-' : ' ', neg ? SF_NUM_KEEP : SF_NUM_PAD);
			p++;
		} else {
			sf_num_put(&r, *p, SF_NUM_KEEP);
		}
	}
	if (fm) /* trailing zeros in 9 positions go, from the last decimal digit back */
		for (int i = r.n - 1; i >= 0; i--) {
			if (r.kind[i] == SF_NUM_DEC9 && r.c[i] == '0')
				r.kind[i] = SF_NUM_PAD;
			else if (r.kind[i] != SF_NUM_PAD)
				break;
		}
	for (int i = 0; i < r.n; i++)
		if (!fm || r.kind[i] != SF_NUM_PAD)
			sf_put(o, &r.c[i], 1);
}

/* PG to_char(value, fmt): numbers by the numeric template, dates and timestamps by the date one. */
static void sf_to_char(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	if (sf_any_null(argc, argv)) {
		sqlite3_result_null(ctx);
		return;
	}
	const char *f = (const char *)sqlite3_value_text(argv[1]);
	if (!f) {
		sqlite3_result_error_nomem(ctx);
		return;
	}
	char buf[1024];
	struct sf_out o = {buf, 0, sizeof(buf)};
	buf[0] = 0;
	int t = sqlite3_value_type(argv[0]);
	struct sf_tm tm;
	if (t == SQLITE_TEXT && sf_value_tm(argv[0], &tm) == 0)
		sf_to_char_time(&o, &tm, f);
	else if (t == SQLITE_INTEGER || t == SQLITE_FLOAT || sf_numeric_type(argv[0]) != SQLITE_TEXT)
		sf_to_char_num(&o, sqlite3_value_double(argv[0]), f);
	else {
		char *msg = sqlite3_mprintf("[22007] invalid input syntax for type timestamp: \"%s\"",
					    sqlite3_value_text(argv[0]));
		sqlite3_result_error(ctx, msg ? msg : "[22007] invalid input syntax for type timestamp", -1);
		sqlite3_free(msg);
		return;
	}
	sqlite3_result_text(ctx, buf, (int)o.n, SQLITE_TRANSIENT);
}

/* ---- session information -------------------------------------------------- */

/* MySQL LAST_INSERT_ID(): the rowid of this connection's last INSERT. */
static void sf_last_insert_id(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	(void)argc;
	(void)argv;
	sqlite3_result_int64(ctx, sqlite3_last_insert_rowid(sqlite3_context_db_handle(ctx)));
}

/* PG current_schema(): every table lives in the one schema, public. */
static void sf_current_schema(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	(void)argc;
	(void)argv;
	sqlite3_result_text(ctx, "public", -1, SQLITE_STATIC);
}

static int sf_greatest_sign = 1, sf_least_sign = -1;
static int sf_mode_left = 0, sf_mode_right = 1, sf_mode_mysql_left = 2, sf_mode_mysql_right = 3;
static int sf_agg_and = 1, sf_agg_or = 0;

int sqlite_funcs_register(sqlite3 *db)
{
	static const struct {
		const char *name;
		int nargs;
		void (*fn)(sqlite3_context *, int, sqlite3_value **);
		int deterministic;
		int *user;
	} fns[] = {
		{"rosetta_div", 2, sf_div, 1, NULL},          {"rosetta_mysql_div", 2, sf_mysql_div, 1, NULL},
		{"rosetta_mod", 2, sf_mod, 1, NULL},          {"rosetta_intdiv", 2, sf_intdiv, 1, NULL},
		{"rosetta_bitxor", 2, sf_bitxor, 1, NULL},
		{"rosetta_like", 2, sf_like, 1, NULL},        {"rosetta_like", 3, sf_like, 1, NULL},
		{"rosetta_bool", 1, sf_bool, 1, NULL},        {"rosetta_random", 0, sf_random, 0, NULL},
		{"rosetta_locate", 2, sf_locate, 1, NULL},
		{"rosetta_greatest", -1, sf_extreme, 1, &sf_greatest_sign},
		{"rosetta_least", -1, sf_extreme, 1, &sf_least_sign},
		{"mod", 2, sf_mod_fn, 1, NULL},               {"div", 2, sf_div_fn, 1, NULL},
		{"left", 2, sf_left_right, 1, &sf_mode_left}, {"right", 2, sf_left_right, 1, &sf_mode_right},
		{"rosetta_mysql_left", 2, sf_left_right, 1, &sf_mode_mysql_left},
		{"rosetta_mysql_right", 2, sf_left_right, 1, &sf_mode_mysql_right},
		{"lpad", 2, sf_pad, 1, &sf_mode_left},        {"lpad", 3, sf_pad, 1, &sf_mode_left},
		{"rpad", 2, sf_pad, 1, &sf_mode_right},       {"rpad", 3, sf_pad, 1, &sf_mode_right},
		{"rosetta_mysql_lpad", 3, sf_pad, 1, &sf_mode_mysql_left},
		{"rosetta_mysql_rpad", 3, sf_pad, 1, &sf_mode_mysql_right},
		{"repeat", 2, sf_repeat, 1, NULL},            {"reverse", 1, sf_reverse, 1, NULL},
		{"initcap", 1, sf_initcap, 1, NULL},          {"split_part", 3, sf_split_part, 1, NULL},
		{"substring_index", 3, sf_substring_index, 1, NULL},
		{"concat_ws", -1, sf_concat_ws, 1, NULL},     {"octet_length", 1, sf_octet_length, 1, NULL},
		{"chr", 1, sf_chr, 1, NULL},                  {"md5", 1, sf_md5, 1, NULL},
		{"rosetta_mysql_format", 2, sf_mysql_format, 1, NULL},
		{"rosetta_mysql_format", 3, sf_mysql_format, 1, NULL},
		{"to_char", 2, sf_to_char, 1, NULL},          {"date_trunc", 2, sf_date_trunc, 1, NULL},
		{"datediff", 2, sf_datediff, 1, NULL},        {"date_format", 2, sf_date_format, 1, NULL},
		{"last_insert_id", 0, sf_last_insert_id, 0, NULL},
		{"current_schema", 0, sf_current_schema, 1, NULL},
	};
	for (size_t i = 0; i < sizeof(fns) / sizeof(fns[0]); i++) {
		int flags = SQLITE_UTF8 | SQLITE_INNOCUOUS | (fns[i].deterministic ? SQLITE_DETERMINISTIC : 0);
		int rc = sqlite3_create_function_v2(db, fns[i].name, fns[i].nargs, flags, fns[i].user, fns[i].fn, NULL,
						    NULL, NULL);
		if (rc != SQLITE_OK)
			return rc;
	}
	static const struct {
		const char *name;
		int *user;
	} aggs[] = {{"bool_and", &sf_agg_and}, {"every", &sf_agg_and}, {"bool_or", &sf_agg_or}};
	for (size_t i = 0; i < sizeof(aggs) / sizeof(aggs[0]); i++) {
		int rc = sqlite3_create_function_v2(db, aggs[i].name, 1, SQLITE_UTF8 | SQLITE_INNOCUOUS | SQLITE_DETERMINISTIC,
						    aggs[i].user, NULL, sf_bool_agg_step, sf_bool_agg_final, NULL);
		if (rc != SQLITE_OK)
			return rc;
	}
	int rc = sqlite_mysql_register(db);
	return rc != SQLITE_OK ? rc : sqlite_array_register(db);
}
