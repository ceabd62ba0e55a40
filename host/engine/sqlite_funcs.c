/*
 * sqlite_funcs.c — the deparser's SQL functions (see sqlite_funcs.h).
 */
#include "engine/sqlite_funcs.h"

#include <ctype.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include <openssl/evp.h>

static int sf_is_zero(sqlite3_value *v, int type)
{
	return type == SQLITE_INTEGER ? sqlite3_value_int64(v) == 0 : sqlite3_value_double(v) == 0.0;
}

/* The start of div, mod and /: NULL in, NULL out; a zero divisor is 22012.  1 when the result is set. */
static int sf_div_operands(sqlite3_context *ctx, int argc, sqlite3_value **argv, int *ta, int *tb)
{
	if (sqlite_funcs_any_null(argc, argv)) {
		sqlite3_result_null(ctx);
		return 1;
	}
	*ta = sqlite_funcs_numeric_type(argv[0]);
	*tb = sqlite_funcs_numeric_type(argv[1]);
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
	if (sqlite_funcs_any_null(argc, argv) || sf_is_zero(argv[1], sqlite_funcs_numeric_type(argv[1]))) {
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
	if (sqlite_funcs_any_null(argc, argv) || sf_is_zero(argv[1], sqlite_funcs_numeric_type(argv[1]))) {
		sqlite3_result_null(ctx);
		return;
	}
	if (sqlite_funcs_numeric_type(argv[0]) == SQLITE_INTEGER && sqlite_funcs_numeric_type(argv[1]) == SQLITE_INTEGER) {
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
	if (sqlite_funcs_any_null(argc, argv)) {
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
	int ta = sqlite_funcs_numeric_type(a), tb = sqlite_funcs_numeric_type(b);
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
	if (sqlite_funcs_any_null(argc, argv)) {
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
	if (sqlite_funcs_any_null(argc, argv) || sf_is_zero(argv[1], sqlite_funcs_numeric_type(argv[1]))) {
		sqlite3_result_null(ctx);
		return;
	}
	if (sqlite_funcs_numeric_type(argv[0]) == SQLITE_INTEGER && sqlite_funcs_numeric_type(argv[1]) == SQLITE_INTEGER) {
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
	if (sqlite_funcs_any_null(argc, argv)) {
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
	if (sqlite_funcs_any_null(argc, argv)) {
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
	if (sqlite_funcs_any_null(argc, argv)) {
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
	if (sqlite_funcs_any_null(argc, argv)) {
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
	if (sqlite_funcs_any_null(argc, argv)) {
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
	if (sqlite_funcs_any_null(argc, argv)) {
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
	if (sqlite_funcs_any_null(argc, argv)) {
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
	if (sqlite_funcs_any_null(argc, argv)) {
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
	if (sqlite_funcs_numeric_type(argv[0]) == SQLITE_INTEGER)
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
	if (rc == SQLITE_OK)
		rc = sqlite_datetime_register(db);
	return rc != SQLITE_OK ? rc : sqlite_array_register(db);
}
