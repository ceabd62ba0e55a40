/*
 * pg_binary.c — PostgreSQL's binary formats for date/time, numeric and uuid.
 *
 * The engine keeps these values in their canonical text forms (ISO 8601
 * "2024-01-02 03:04:05.123456[+hh[:mm]]", decimal digits, hex uuid), which
 * is what the store's date functions read.  Binary-format clients (asyncpg
 * asks binary for every type it knows) get PostgreSQL's wire forms:
 *
 *   date          int32 days since 2000-01-01
 *   time          int64 microseconds since midnight
 *   timestamp     int64 microseconds since 2000-01-01 00:00:00
 *   timestamptz   the same, in UTC
 *   uuid          16 bytes
 *   numeric       int16 ndigits, int16 weight, int16 sign, int16 dscale,
 *                 then ndigits base-10000 digits
 *   interval      int64 microseconds, int32 days, int32 months; the text
 *                 is kept as written ("1 day 02:00:00", "90 minutes",
 *                 "1 year 2 mons", "-01:30"), read here in PostgreSQL's
 *                 postgres style: quantities with units, and [-]hh:mm[:ss[.f]]
 *
 * INTERFACE ROUTINES
 *   pg_binary_from_text   canonical text -> binary wire value (appended, without length)
 *   pg_binary_to_text     binary wire value -> canonical text
 * Both return 0, or -1 when the input is not a value of the type (the caller
 * reports 22P02/22007 or 08P01).
 */
#include "proto/pg/pg_binary.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define PG_EPOCH_JDN 2451545 /* Julian day number of 2000-01-01 */
#define USECS_PER_DAY 86400000000LL

/* Days from the civil date to the Julian day number (proleptic Gregorian). */
static long pg_jdn(int y, int m, int d)
{
	int a = (14 - m) / 12;
	long yy = (long)y + 4800 - a;
	int mm = m + 12 * a - 3;
	return d + (153 * mm + 2) / 5 + 365 * yy + yy / 4 - yy / 100 + yy / 400 - 32045;
}

static void pg_civil(long jdn, int *y, int *m, int *d)
{
	long a = jdn + 32044, b = (4 * a + 3) / 146097, c = a - 146097 * b / 4;
	long dd = (4 * c + 3) / 1461, e = c - 1461 * dd / 4, mm = (5 * e + 2) / 153;
	*d = (int)(e - (153 * mm + 2) / 5 + 1);
	*m = (int)(mm + 3 - 12 * (mm / 10));
	*y = (int)(100 * b + dd - 4800 + mm / 10);
}

static void pg_put_be64(struct buf *b, uint64_t v)
{
	buf_put_be32(b, (uint32_t)(v >> 32));
	buf_put_be32(b, (uint32_t)v);
}

static int64_t pg_rd_be64(const uint8_t *p)
{
	return (int64_t)((uint64_t)rd_be32(p) << 32 | rd_be32(p + 4));
}

/* "HH:MM[:SS[.ffffff]]" at s; microseconds since midnight in *usec; returns chars used or -1. */
static int pg_parse_time(const char *s, int64_t *usec)
{
	int h, mi, n = 0;
	double sec = 0;
	if (sscanf(s, "%2d:%2d%n", &h, &mi, &n) != 2)
		return -1;
	if (s[n] == ':') {
		int k = 0;
		if (sscanf(s + n + 1, "%lf%n", &sec, &k) != 1)
			return -1;
		n += 1 + k;
	}
	if (h > 24 || mi > 59 || sec < 0 || sec >= 61)
		return -1;
	*usec = ((int64_t)h * 3600 + mi * 60) * 1000000LL + (int64_t)(sec * 1e6 + 0.5);
	return n;
}

/* A trailing zone "+hh", "-hh:mm", "Z", " UTC"; seconds east of UTC in *off. */
static int pg_parse_zone(const char *s, int *off)
{
	*off = 0;
	while (*s == ' ')
		s++;
	if (!*s || !strcmp(s, "Z") || !strcasecmp(s, "UTC"))
		return 0;
	if (*s != '+' && *s != '-')
		return -1;
	int sign = *s == '-' ? -1 : 1, h = 0, m = 0;
	if (sscanf(s + 1, "%2d:%2d", &h, &m) < 1 && sscanf(s + 1, "%2d%2d", &h, &m) < 1)
		return -1;
	*off = sign * (h * 3600 + m * 60);
	return 0;
}

static int pg_parse_timestamp(const char *s, int with_zone, int64_t *out)
{
	int y, mo, d, n = 0;
	if (sscanf(s, "%d-%2d-%2d%n", &y, &mo, &d, &n) != 3 || mo < 1 || mo > 12 || d < 1 || d > 31)
		return -1;
	int64_t usec = 0;
	const char *rest = s + n;
	if (*rest == ' ' || *rest == 'T') {
		int k = pg_parse_time(rest + 1, &usec);
		if (k < 0)
			return -1;
		rest += 1 + k;
	}
	int off = 0;
	if (pg_parse_zone(rest, &off) < 0)
		return -1;
	if (!with_zone)
		off = 0;
	*out = (int64_t)(pg_jdn(y, mo, d) - PG_EPOCH_JDN) * USECS_PER_DAY + usec - (int64_t)off * 1000000LL;
	return 0;
}

/* Decimal text -> PostgreSQL's base-10000 numeric. */
static int pg_numeric_from_text(const char *s, struct buf *out)
{
	int neg = 0;
	while (isspace((unsigned char)*s))
		s++;
	if (*s == '-' || *s == '+')
		neg = *s++ == '-';
	if (!strcasecmp(s, "nan")) {
		buf_put_be16(out, 0);
		buf_put_be16(out, 0);
		buf_put_be16(out, 0xC000);
		buf_put_be16(out, 0);
		return 0;
	}
	char digits[1100];
	size_t nd = 0, point = (size_t)-1;
	for (; *s; s++) {
		if (*s == '.' && point == (size_t)-1)
			point = nd;
		else if (isdigit((unsigned char)*s) && nd < sizeof(digits) - 8)
			digits[nd++] = *s;
		else if (*s == 'e' || *s == 'E' || !isspace((unsigned char)*s))
			return -1; /* exponents: the caller sends these as float text */
	}
	if (nd == 0)
		return -1;
	if (point == (size_t)-1)
		point = nd;
	int dscale = (int)(nd - point);
	/* pad the integer part on the left and the fraction on the right to groups of 4 */
	int lead = (int)((4 - point % 4) % 4);
	char padded[1120];
	memset(padded, '0', (size_t)lead);
	memcpy(padded + lead, digits, nd);
	size_t total = (size_t)lead + nd;
	while (total % 4)
		padded[total++] = '0';
	int ngroups = (int)(total / 4), int_groups = (int)(((size_t)lead + point) / 4);
	uint16_t groups[280];
	for (int g = 0; g < ngroups; g++)
		groups[g] = (uint16_t)((padded[4 * g] - '0') * 1000 + (padded[4 * g + 1] - '0') * 100 +
				       (padded[4 * g + 2] - '0') * 10 + (padded[4 * g + 3] - '0'));
	int first = 0, last = ngroups - 1;
	while (first < ngroups && groups[first] == 0)
		first++;
	while (last >= first && groups[last] == 0)
		last--;
	int n = last >= first ? last - first + 1 : 0;
	int weight = n ? int_groups - 1 - first : 0;
	buf_put_be16(out, (uint16_t)n);
	buf_put_be16(out, (uint16_t)(int16_t)weight);
	buf_put_be16(out, n && neg ? 0x4000 : 0);
	buf_put_be16(out, (uint16_t)dscale);
	for (int g = first; g <= last; g++)
		buf_put_be16(out, groups[g]);
	return 0;
}

/* One quantity's unit: the months, days and microseconds it is worth.  0 when unknown. */
static int pg_interval_unit(const char *u, size_t n, int64_t *months, int64_t *days, int64_t *usecs)
{
	static const struct {
		const char *name;
		int64_t months, days, usecs;
	} units[] = {
		{"microseconds", 0, 0, 1}, {"microsecond", 0, 0, 1}, {"us", 0, 0, 1},
		{"milliseconds", 0, 0, 1000}, {"millisecond", 0, 0, 1000}, {"ms", 0, 0, 1000},
		{"seconds", 0, 0, 1000000}, {"second", 0, 0, 1000000}, {"secs", 0, 0, 1000000},
		{"sec", 0, 0, 1000000}, {"s", 0, 0, 1000000}, {"minutes", 0, 0, 60000000},
		{"minute", 0, 0, 60000000}, {"mins", 0, 0, 60000000}, {"min", 0, 0, 60000000},
		{"m", 0, 0, 60000000}, {"hours", 0, 0, 3600000000LL}, {"hour", 0, 0, 3600000000LL},
		{"hrs", 0, 0, 3600000000LL}, {"hr", 0, 0, 3600000000LL}, {"h", 0, 0, 3600000000LL},
		{"days", 0, 1, 0}, {"day", 0, 1, 0}, {"d", 0, 1, 0}, {"weeks", 0, 7, 0}, {"week", 0, 7, 0},
		{"w", 0, 7, 0}, {"months", 1, 0, 0}, {"month", 1, 0, 0}, {"mons", 1, 0, 0}, {"mon", 1, 0, 0},
		{"years", 12, 0, 0}, {"year", 12, 0, 0}, {"yrs", 12, 0, 0}, {"yr", 12, 0, 0}, {"y", 12, 0, 0},
		{"decades", 120, 0, 0}, {"decade", 120, 0, 0}, {"centuries", 1200, 0, 0}, {"century", 1200, 0, 0},
	};
	for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
		if (strlen(units[i].name) == n && !strncasecmp(units[i].name, u, n)) {
			*months = units[i].months;
			*days = units[i].days;
			*usecs = units[i].usecs;
			return 1;
		}
	}
	return 0;
}

/* [-]hh:mm[:ss[.ffffff]] at s -> signed microseconds; *end after it.  0 or -1. */
static int pg_parse_clock(const char *s, char **end, double *usecs)
{
	int neg = *s == '-';
	if (*s == '-' || *s == '+')
		s++;
	long h = strtol(s, end, 10), mi;
	double sec = 0;
	if (**end != ':' || !isdigit((unsigned char)(*end)[1]))
		return -1;
	mi = strtol(*end + 1, end, 10);
	if (**end == ':') {
		if (!isdigit((unsigned char)(*end)[1]))
			return -1;
		sec = strtod(*end + 1, end);
	}
	double v = ((double)h * 3600 + (double)mi * 60 + sec) * 1e6;
	*usecs = neg ? -v : v;
	return 0;
}

/* An interval's text (see the header comment) -> months, days, microseconds.  0 or -1. */
static int pg_parse_interval(const char *s, int32_t *months_out, int32_t *days_out, int64_t *usecs_out)
{
	double months = 0, days = 0, usecs = 0;
	int any = 0, ago = 0;
	for (;;) {
		while (isspace((unsigned char)*s) || *s == ',' || *s == '@')
			s++;
		if (!*s)
			break;
		if (!strncasecmp(s, "ago", 3) && !isalpha((unsigned char)s[3])) {
			ago = 1;
			s += 3;
			continue;
		}
		char *end;
		double q = strtod(s, &end);
		if (end == s)
			return -1;
		if (*end == ':') {
			double v;
			if (pg_parse_clock(s, &end, &v) < 0)
				return -1;
			usecs += v;
			s = end;
			any = 1;
			continue;
		}
		s = end;
		while (isspace((unsigned char)*s))
			s++;
		const char *u = s;
		while (isalpha((unsigned char)*s))
			s++;
		int64_t um = 0, ud = 0, uu = 1000000; /* a bare number is seconds */
		if (s > u && !pg_interval_unit(u, (size_t)(s - u), &um, &ud, &uu))
			return -1;
		/* fractions carry down as PostgreSQL's do: 1.5 months = 1 month 15 days */
		double m = q * (double)um, d = q * (double)ud;
		months += (double)(int64_t)m;
		d += (m - (double)(int64_t)m) * 30;
		days += (double)(int64_t)d;
		usecs += (d - (double)(int64_t)d) * (double)USECS_PER_DAY + q * (double)uu;
		any = 1;
	}
	if (!any)
		return -1;
	double sign = ago ? -1 : 1;
	*months_out = (int32_t)(sign * months);
	*days_out = (int32_t)(sign * days);
	usecs *= sign;
	*usecs_out = (int64_t)(usecs < 0 ? usecs - 0.5 : usecs + 0.5);
	return 0;
}

/* Append to out[*k..cap) (truncating), for pg_format_interval. */
static void pg_iv_put(char *out, size_t cap, size_t *k, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static void pg_iv_put(char *out, size_t cap, size_t *k, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int w = vsnprintf(out + *k, cap - *k, fmt, ap);
	va_end(ap);
	if (w > 0)
		*k += (size_t)w < cap - *k ? (size_t)w : cap - *k - 1;
}

/* PostgreSQL's postgres-style output: "1 year 2 mons 3 days 04:05:06.5". */
static void pg_format_interval(int32_t months, int32_t days, int64_t usecs, char *out, size_t cap)
{
	size_t k = 0;
	out[0] = 0;
	int32_t years = months / 12, mons = months % 12;
	if (years)
		pg_iv_put(out, cap, &k, "%d year%s", years, years == 1 ? "" : "s");
	if (mons)
		pg_iv_put(out, cap, &k, "%s%d mon%s", k ? " " : "", mons, mons == 1 ? "" : "s");
	if (days)
		pg_iv_put(out, cap, &k, "%s%d day%s", k ? " " : "", days, days == 1 ? "" : "s");
	if (usecs || !k) {
		uint64_t a = usecs < 0 ? (uint64_t)0 - (uint64_t)usecs : (uint64_t)usecs;
		pg_iv_put(out, cap, &k, "%s%s%02llu:%02llu:%02llu", k ? " " : "", usecs < 0 ? "-" : "",
			  (unsigned long long)(a / 3600000000ULL), (unsigned long long)(a / 60000000ULL % 60),
			  (unsigned long long)(a / 1000000ULL % 60));
		if (a % 1000000ULL) {
			pg_iv_put(out, cap, &k, ".%06llu", (unsigned long long)(a % 1000000ULL));
			while (k > 0 && out[k - 1] == '0')
				out[--k] = 0;
		}
	}
}

static int pg_hexval(int c)
{
	return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

int pg_binary_from_text(enum rtype t, const char *s, struct buf *out)
{
	int64_t v;
	switch (t) {
	case RT_DATE: {
		int y, m, d;
		if (sscanf(s, "%d-%2d-%2d", &y, &m, &d) != 3 || m < 1 || m > 12 || d < 1 || d > 31)
			return -1;
		buf_put_be32(out, (uint32_t)(int32_t)(pg_jdn(y, m, d) - PG_EPOCH_JDN));
		return 0;
	}
	case RT_TIME:
		if (pg_parse_time(s, &v) < 0)
			return -1;
		pg_put_be64(out, (uint64_t)v);
		return 0;
	case RT_TIMESTAMP:
	case RT_TIMESTAMPTZ:
		if (pg_parse_timestamp(s, t == RT_TIMESTAMPTZ, &v) < 0)
			return -1;
		pg_put_be64(out, (uint64_t)v);
		return 0;
	case RT_UUID: {
		uint8_t u[16];
		int n = 0;
		for (const char *p = s; *p && n < 32; p++) {
			if (*p == '-' || *p == '{' || *p == '}')
				continue;
			int h = pg_hexval((unsigned char)*p);
			if (h < 0)
				return -1;
			if (n % 2 == 0)
				u[n / 2] = (uint8_t)(h << 4);
			else
				u[n / 2] |= (uint8_t)h;
			n++;
		}
		if (n != 32)
			return -1;
		buf_append(out, u, 16);
		return 0;
	}
	case RT_INTERVAL: {
		int32_t months, days;
		if (pg_parse_interval(s, &months, &days, &v) < 0)
			return -1;
		pg_put_be64(out, (uint64_t)v);
		buf_put_be32(out, (uint32_t)days);
		buf_put_be32(out, (uint32_t)months);
		return 0;
	}
	case RT_NUMERIC:
		return pg_numeric_from_text(s, out);
	default:
		return -1;
	}
}

static void pg_format_timestamp(int64_t v, int with_zone, char *out, size_t cap)
{
	int64_t days = v / USECS_PER_DAY, rem = v % USECS_PER_DAY;
	if (rem < 0) {
		rem += USECS_PER_DAY;
		days--;
	}
	int y, m, d;
	pg_civil(days + PG_EPOCH_JDN, &y, &m, &d);
	int64_t secs = rem / 1000000, us = rem % 1000000;
	int n = snprintf(out, cap, "%04d-%02d-%02d %02d:%02d:%02d", y, m, d, (int)(secs / 3600), (int)(secs / 60 % 60),
			 (int)(secs % 60));
	if (us && n > 0 && (size_t)n < cap)
		n += snprintf(out + n, cap - (size_t)n, ".%06lld", (long long)us);
	if (with_zone && n > 0 && (size_t)n < cap)
		snprintf(out + n, cap - (size_t)n, "+00");
}

int pg_binary_to_text(enum rtype t, const uint8_t *p, size_t n, char *out, size_t cap)
{
	switch (t) {
	case RT_DATE: {
		if (n != 4)
			return -1;
		int y, m, d;
		pg_civil((int32_t)rd_be32(p) + (long)PG_EPOCH_JDN, &y, &m, &d);
		snprintf(out, cap, "%04d-%02d-%02d", y, m, d);
		return 0;
	}
	case RT_TIME: {
		if (n != 8)
			return -1;
		int64_t v = pg_rd_be64(p), secs = v / 1000000, us = v % 1000000;
		int k = snprintf(out, cap, "%02d:%02d:%02d", (int)(secs / 3600), (int)(secs / 60 % 60), (int)(secs % 60));
		if (us && k > 0 && (size_t)k < cap)
			snprintf(out + k, cap - (size_t)k, ".%06lld", (long long)us);
		return 0;
	}
	case RT_TIMESTAMP:
	case RT_TIMESTAMPTZ:
		if (n != 8)
			return -1;
		pg_format_timestamp(pg_rd_be64(p), t == RT_TIMESTAMPTZ, out, cap);
		return 0;
	case RT_UUID:
		if (n != 16 || cap < 37)
			return -1;
		snprintf(out, cap, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", p[0], p[1], p[2],
			 p[3], p[4], p[5], p[6], p[7], p[8], p[9], p[10], p[11], p[12], p[13], p[14], p[15]);
		return 0;
	case RT_INTERVAL:
		if (n != 16)
			return -1;
		pg_format_interval((int32_t)rd_be32(p + 12), (int32_t)rd_be32(p + 8), pg_rd_be64(p), out, cap);
		return 0;
	case RT_NUMERIC: {
		if (n < 8)
			return -1;
		int nd = rd_be16(p), weight = (int16_t)rd_be16(p + 2), sign = rd_be16(p + 4), dscale = rd_be16(p + 6);
		if (n != 8 + 2 * (size_t)nd || dscale > 1000)
			return -1;
		if (sign == 0xC000) {
			snprintf(out, cap, "NaN");
			return 0;
		}
		struct buf t2;
		buf_init(&t2);
		if (sign == 0x4000)
			buf_put_u8(&t2, '-');
		if (weight < 0)
			buf_put_u8(&t2, '0');
		for (int g = 0; g <= weight; g++) {
			int dg = g < nd ? rd_be16(p + 8 + 2 * g) : 0;
			if (g == 0)
				buf_printf(&t2, "%d", dg);
			else
				buf_printf(&t2, "%04d", dg);
		}
		if (dscale > 0) {
			buf_put_u8(&t2, '.');
			int written = 0;
			for (int g = weight + 1; written < dscale; g++) {
				int dg = (g >= 0 && g < nd) ? rd_be16(p + 8 + 2 * g) % 10000 : 0;
				char four[5] = {(char)('0' + dg / 1000), (char)('0' + dg / 100 % 10), (char)('0' + dg / 10 % 10),
						(char)('0' + dg % 10), 0};
				for (int k = 0; k < 4 && written < dscale; k++, written++)
					buf_put_u8(&t2, (uint8_t)four[k]);
			}
		}
		int ok = t2.len < cap;
		if (ok) {
			memcpy(out, t2.data, t2.len);
			out[t2.len] = 0;
		}
		buf_free(&t2);
		return ok ? 0 : -1;
	}
	default:
		return -1;
	}
}
