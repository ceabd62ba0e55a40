/*
 * sqlite_datetime.c — the date and time functions of sqlite_funcs.h, and PG's
 * to_char, whose numeric templates share the date templates' output buffer
 * and field-by-field reader.  Dates and timestamps are stored as text
 * ('YYYY-MM-DD[ HH:MM:SS[.ffffff]][+TZ]'), so each function parses its
 * arguments into a struct sf_tm and formats from that; nothing here reads the
 * clock or the time zone database.
 *
 *   to_char(v, fmt)        PG numeric and date/time templates
 *   date_trunc(field, ts)  PG
 *   datediff(a, b)         MySQL
 *   date_format(d, fmt)    MySQL
 */
#include "engine/sqlite_funcs.h"

#include <ctype.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

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
	if (sqlite_funcs_any_null(argc, argv)) {
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
	if (sqlite_funcs_any_null(argc, argv) || sf_value_tm(argv[0], &a) < 0 || sf_value_tm(argv[1], &b) < 0) {
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
	if (sqlite_funcs_any_null(argc, argv) || sf_value_tm(argv[0], &t) < 0) {
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
	if (sqlite_funcs_any_null(argc, argv)) {
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
	else if (t == SQLITE_INTEGER || t == SQLITE_FLOAT || sqlite_funcs_numeric_type(argv[0]) != SQLITE_TEXT)
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

int sqlite_datetime_register(sqlite3 *db)
{
	static const struct {
		const char *name;
		void (*fn)(sqlite3_context *, int, sqlite3_value **);
	} fns[] = {
		{"to_char", sf_to_char}, {"date_trunc", sf_date_trunc}, {"datediff", sf_datediff}, {"date_format", sf_date_format},
	};
	for (size_t i = 0; i < sizeof(fns) / sizeof(fns[0]); i++) {
		int rc = sqlite3_create_function_v2(db, fns[i].name, 2, SQLITE_UTF8 | SQLITE_INNOCUOUS | SQLITE_DETERMINISTIC,
						    NULL, fns[i].fn, NULL, NULL, NULL);
		if (rc != SQLITE_OK)
			return rc;
	}
	return SQLITE_OK;
}
