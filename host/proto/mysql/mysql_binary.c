/*
 * mysql_binary.c — the binary protocol's values: COM_STMT_EXECUTE parameters
 * in, binary result rows out.
 *
 * Values out are encoded as the MySQL type the column definition announced
 * (mysql_type_of), whatever kind the dynamically typed store produced, so a
 * driver that converts by the column type (mysql-connector, Connector/J)
 * always reads what it expects:
 *
 *   TINY 1, SHORT/YEAR 2, LONG/INT24 4, LONGLONG 8 bytes, little endian
 *   FLOAT 4, DOUBLE 8 bytes, IEEE-754 little endian
 *   DATE, DATETIME, TIMESTAMP   length byte 0/4/7/11, then year u16, month, day,
 *                               hour, minute, second, microseconds u32
 *   TIME                        length byte 0/8/12, then negative, days u32, hour,
 *                               minute, second, microseconds u32
 *   everything else             a length-encoded string, the text protocol's bytes
 *                               (NEWDECIMAL digits, strings, blobs, JSON)
 *
 * Values in: each MySQL type a driver sends becomes a canonical struct rvalue:
 * integers RV_INT (an unsigned BIGINT past INT64_MAX becomes its decimal text),
 * FLOAT/DOUBLE RV_FLOAT, DECIMAL and strings RV_TEXT, blobs RV_BLOB, and the
 * date/time types their canonical text 'YYYY-MM-DD HH:MM:SS[.ffffff]'.
 *
 * INTERFACE ROUTINES
 *   mysql_put_binary_value    one non-NULL value of a binary row
 *   mysql_get_binary_param    one parameter value of COM_STMT_EXECUTE
 *   mysql_decode_exec_params  the whole parameter block (NULL bitmap, types, values)
 *   mysql_binary_row_begin / mysql_binary_row_null   a binary row's header and NULL bitmap
 */
#include "proto/mysql/mysql_binary.h"

#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/bits.h"

/* The integer types and their width on the wire (little endian, two's complement).  Whether
 * a value in is signed is the parameter's unsigned flag, not its type; out, the column's
 * type decides the width and the bytes are the same either way. */
static const struct mysql_int_width {
	uint8_t type;
	uint8_t width;
} mysql_int_widths[] = {
	{MYSQL_TYPE_TINY, 1},
	{MYSQL_TYPE_SHORT, 2},
	{MYSQL_TYPE_YEAR, 2},
	{MYSQL_TYPE_INT24, 4}, /* sent as 4 bytes, like LONG */
	{MYSQL_TYPE_LONG, 4},
	{MYSQL_TYPE_LONGLONG, 8},
};

/* The wire width of an integer type, or 0 for any other type. */
static int mysql_int_width_of(uint8_t type)
{
	for (size_t i = 0; i < sizeof(mysql_int_widths) / sizeof(mysql_int_widths[0]); i++)
		if (mysql_int_widths[i].type == type)
			return mysql_int_widths[i].width;
	return 0;
}

/* ---- values out ------------------------------------------------------ */

static int64_t mysql_value_int(const struct rvalue *v)
{
	char tmp[32];
	size_t n;
	switch (v->kind) {
	case RV_INT:
		return v->i;
	case RV_FLOAT:
		if (isnan(v->f))
			return 0;
		if (v->f >= 9.2233720368547758e18)
			return INT64_MAX;
		if (v->f <= -9.2233720368547758e18)
			return INT64_MIN;
		return (int64_t)llround(v->f);
	case RV_TEXT:
	case RV_BLOB:
		n = v->n < sizeof(tmp) - 1 ? v->n : sizeof(tmp) - 1;
		memcpy(tmp, v->p, n);
		tmp[n] = 0;
		if (n == 1 && (tmp[0] == 't' || tmp[0] == 'f'))
			return tmp[0] == 't';
		return strtoll(tmp, NULL, 10);
	default:
		return 0;
	}
}

static double mysql_value_float(const struct rvalue *v)
{
	char tmp[64];
	size_t n;
	switch (v->kind) {
	case RV_FLOAT:
		return v->f;
	case RV_INT:
		return (double)v->i;
	case RV_TEXT:
	case RV_BLOB:
		n = v->n < sizeof(tmp) - 1 ? v->n : sizeof(tmp) - 1;
		memcpy(tmp, v->p, n);
		tmp[n] = 0;
		return strtod(tmp, NULL);
	default:
		return 0;
	}
}

/* Up to `max` digits at s[*i..n) as an integer; -1 when there is none. */
static long mysql_digits(const uint8_t *s, size_t n, size_t *i, int max)
{
	long v = 0;
	int k = 0;
	while (*i < n && k < max && s[*i] >= '0' && s[*i] <= '9') {
		v = v * 10 + (s[*i] - '0');
		(*i)++;
		k++;
	}
	return k ? v : -1;
}

/* ".ffffff" at s[*i..n) as microseconds (more digits are cut, fewer padded). */
static long mysql_fraction(const uint8_t *s, size_t n, size_t *i)
{
	if (*i >= n || s[*i] != '.')
		return 0;
	(*i)++;
	long us = 0;
	int k = 0;
	for (; *i < n && s[*i] >= '0' && s[*i] <= '9'; (*i)++, k++)
		if (k < 6)
			us = us * 10 + (s[*i] - '0');
	for (; k < 6; k++)
		us *= 10;
	return us;
}

struct mysql_tm {
	int neg;
	long year, month, day, hour, minute, second, usec;
};

/* 'HH:MM[:SS[.f]]' with any number of hour digits and an optional sign. */
static int mysql_parse_clock(const uint8_t *s, size_t n, size_t *i, struct mysql_tm *tm)
{
	if (*i < n && (s[*i] == '-' || s[*i] == '+'))
		tm->neg = s[(*i)++] == '-';
	tm->hour = mysql_digits(s, n, i, 9);
	if (tm->hour < 0 || *i >= n || s[*i] != ':')
		return -1;
	(*i)++;
	tm->minute = mysql_digits(s, n, i, 2);
	if (tm->minute < 0)
		return -1;
	tm->second = 0;
	if (*i < n && s[*i] == ':') {
		(*i)++;
		tm->second = mysql_digits(s, n, i, 2);
		if (tm->second < 0)
			return -1;
	}
	tm->usec = mysql_fraction(s, n, i);
	return 0;
}

/* 'YYYY-MM-DD[( |T)HH:MM:SS[.f]][zone]'; the zone is ignored (stored values are UTC). */
static int mysql_parse_datetime(const uint8_t *s, size_t n, struct mysql_tm *tm)
{
	size_t i = 0;
	memset(tm, 0, sizeof(*tm));
	tm->year = mysql_digits(s, n, &i, 4);
	if (tm->year < 0 || i >= n || s[i++] != '-')
		return -1;
	tm->month = mysql_digits(s, n, &i, 2);
	if (tm->month < 0 || i >= n || s[i++] != '-')
		return -1;
	tm->day = mysql_digits(s, n, &i, 2);
	if (tm->day < 0)
		return -1;
	if (i < n && (s[i] == ' ' || s[i] == 'T')) {
		i++;
		if (mysql_parse_clock(s, n, &i, tm) < 0 || tm->neg || tm->hour > 23)
			return -1;
	}
	return 0;
}

static void mysql_put_datetime(struct buf *b, uint8_t type, const struct rvalue *v)
{
	struct mysql_tm tm;
	if ((v->kind != RV_TEXT && v->kind != RV_BLOB) || mysql_parse_datetime(v->p, v->n, &tm) < 0) {
		buf_put_u8(b, 0); /* zero date: what MySQL sends for a value it cannot read */
		return;
	}
	uint8_t len = type == MYSQL_TYPE_DATE ? 4 : tm.usec ? 11 : (tm.hour || tm.minute || tm.second) ? 7 : 4;
	if (!tm.year && !tm.month && !tm.day && len == 4)
		len = 0;
	buf_put_u8(b, len);
	if (len == 0)
		return;
	mysql_put_u16(b, (uint16_t)tm.year);
	buf_put_u8(b, (uint8_t)tm.month);
	buf_put_u8(b, (uint8_t)tm.day);
	if (len >= 7) {
		buf_put_u8(b, (uint8_t)tm.hour);
		buf_put_u8(b, (uint8_t)tm.minute);
		buf_put_u8(b, (uint8_t)tm.second);
	}
	if (len == 11)
		mysql_put_u32(b, (uint32_t)tm.usec);
}

static void mysql_put_time(struct buf *b, const struct rvalue *v)
{
	struct mysql_tm tm;
	memset(&tm, 0, sizeof(tm));
	size_t i = 0;
	if (v->kind == RV_TEXT || v->kind == RV_BLOB) {
		/* a timestamp's text: keep its clock part */
		struct mysql_tm dt;
		if (mysql_parse_datetime(v->p, v->n, &dt) == 0 && v->n > 10)
			tm = dt;
		else if (mysql_parse_clock(v->p, v->n, &i, &tm) < 0)
			memset(&tm, 0, sizeof(tm));
	} else if (v->kind == RV_INT || v->kind == RV_FLOAT) { /* seconds */
		double secs = mysql_value_float(v);
		tm.neg = secs < 0;
		secs = fabs(secs);
		if (!(secs <= 3020399)) /* NaN, or past MySQL's largest TIME, 838:59:59 */
			secs = 3020399;
		tm.hour = (long)(secs / 3600);
		tm.minute = (long)fmod(secs / 60, 60);
		tm.second = (long)fmod(secs, 60);
	}
	long days = tm.hour / 24, hour = tm.hour % 24;
	if (!days && !hour && !tm.minute && !tm.second && !tm.usec) {
		buf_put_u8(b, 0);
		return;
	}
	buf_put_u8(b, tm.usec ? 12 : 8);
	buf_put_u8(b, (uint8_t)tm.neg);
	mysql_put_u32(b, (uint32_t)days);
	buf_put_u8(b, (uint8_t)hour);
	buf_put_u8(b, (uint8_t)tm.minute);
	buf_put_u8(b, (uint8_t)tm.second);
	if (tm.usec)
		mysql_put_u32(b, (uint32_t)tm.usec);
}

void mysql_put_binary_value(struct buf *b, enum rtype t, int32_t typmod, const struct rvalue *v)
{
	struct mysql_coltype ct;
	mysql_type_of(t, typmod, &ct);
	int width = mysql_int_width_of(ct.type);
	if (width) {
		int64_t x = mysql_value_int(v);
		uint8_t le[8];
		if (t == RT_BOOL)
			x = x != 0;
		for (int i = 0; i < width; i++)
			le[i] = (uint8_t)((uint64_t)x >> (8 * i));
		buf_append(b, le, (size_t)width);
		return;
	}
	switch (ct.type) {
	case MYSQL_TYPE_FLOAT:
		mysql_put_u32(b, f32_bits((float)mysql_value_float(v)));
		return;
	case MYSQL_TYPE_DOUBLE:
		mysql_put_u64(b, f64_bits(mysql_value_float(v)));
		return;
	case MYSQL_TYPE_DATE:
	case MYSQL_TYPE_DATETIME:
	case MYSQL_TYPE_TIMESTAMP:
		mysql_put_datetime(b, ct.type, v);
		return;
	case MYSQL_TYPE_TIME:
		mysql_put_time(b, v);
		return;
	default:
		if (v->kind == RV_NULL) /* the caller sets the NULL bit; never a 0xfb here */
			mysql_put_lenenc_str(b, "", 0);
		else
			mysql_put_text_value(b, t, v);
		return;
	}
}

size_t mysql_binary_row_begin(struct buf *b, int ncols)
{
	buf_put_u8(b, 0x00);
	size_t at = b->len, n = ((size_t)ncols + 7 + 2) / 8;
	buf_reserve(b, n);
	memset(b->data + b->len, 0, n);
	b->len += n;
	return at;
}

void mysql_binary_row_null(struct buf *b, size_t bitmap_at, int col)
{
	int bit = col + 2;
	b->data[bitmap_at + (size_t)(bit / 8)] |= (uint8_t)(1u << (bit % 8));
}

/* ---- values in ------------------------------------------------------- */

static int mysql_bad_param(struct rerr *err, uint8_t type)
{
	return rerr_set(err, ERR_PROTOCOL_VIOLATION, "malformed value of MySQL type %u in COM_STMT_EXECUTE", type);
}

/* Append formatted text to scratch and point v at it. */
static void mysql_param_text(struct buf *scratch, struct rvalue *v, const char *text, size_t n)
{
	size_t at = scratch->len;
	buf_append(scratch, text, n);
	v->kind = RV_TEXT;
	v->p = scratch->data + at;
	v->n = n;
}

static int mysql_get_temporal(struct mysql_rd *r, uint8_t type, struct rvalue *v, struct buf *scratch,
			      struct rerr *err)
{
	uint8_t len = mysql_get_u8(r);
	const uint8_t *p = mysql_get_bytes(r, len);
	if (r->bad || !p)
		return mysql_bad_param(err, type);
	char text[MYSQL_BINARY_SCRATCH_MAX];
	int n;
	struct mysql_rd f = {p, len, 0, 0};
	if (type == MYSQL_TYPE_TIME) {
		if (len != 0 && len != 8 && len != 12)
			return mysql_bad_param(err, type);
		int neg = len ? mysql_get_u8(&f) : 0;
		uint32_t days = len ? mysql_get_u32(&f) : 0;
		unsigned h = len ? mysql_get_u8(&f) : 0, mi = len ? mysql_get_u8(&f) : 0, s = len ? mysql_get_u8(&f) : 0;
		uint32_t us = len == 12 ? mysql_get_u32(&f) : 0;
		if (days > 100000)
			return mysql_bad_param(err, type);
		/* Fields past their range carry over, as MySQL's own reading does (mysql-connector's
		 * C extension sends a timedelta's seconds in the microseconds field). */
		uint64_t total = (((uint64_t)days * 24 + h) * 3600 + (uint64_t)mi * 60 + s) * 1000000u + us;
		uint64_t secs = total / 1000000u, frac = total % 1000000u;
		n = snprintf(text, sizeof(text), "%s%02llu:%02u:%02u", neg ? "-" : "", (unsigned long long)(secs / 3600),
			     (unsigned)(secs / 60 % 60), (unsigned)(secs % 60));
		if (frac)
			n += snprintf(text + n, sizeof(text) - (size_t)n, ".%06u", (unsigned)frac);
	} else {
		if (len != 0 && len != 4 && len != 7 && len != 11)
			return mysql_bad_param(err, type);
		unsigned y = len ? mysql_get_u16(&f) : 0, mo = len ? mysql_get_u8(&f) : 0, d = len ? mysql_get_u8(&f) : 0;
		unsigned h = len >= 7 ? mysql_get_u8(&f) : 0, mi = len >= 7 ? mysql_get_u8(&f) : 0;
		unsigned s = len >= 7 ? mysql_get_u8(&f) : 0;
		uint32_t us = len == 11 ? mysql_get_u32(&f) : 0;
		if (y > 9999 || mo > 12 || d > 31 || h > 23 || mi > 59 || s > 59 || us > 999999)
			return mysql_bad_param(err, type);
		if (type == MYSQL_TYPE_DATE)
			n = snprintf(text, sizeof(text), "%04u-%02u-%02u", y, mo, d);
		else
			n = snprintf(text, sizeof(text), "%04u-%02u-%02u %02u:%02u:%02u", y, mo, d, h, mi, s);
		if (us && type != MYSQL_TYPE_DATE)
			n += snprintf(text + n, sizeof(text) - (size_t)n, ".%06u", us);
	}
	mysql_param_text(scratch, v, text, (size_t)n);
	return 0;
}

/* An integer parameter of `width` bytes; signed unless the unsigned flag is set. */
static int mysql_get_int_param(struct mysql_rd *r, uint8_t type, int width, int unsigned_flag, struct rvalue *v,
			       struct buf *scratch, struct rerr *err)
{
	const uint8_t *le = mysql_get_bytes(r, (size_t)width);
	if (!le)
		return mysql_bad_param(err, type);
	uint64_t x = 0;
	for (int i = width - 1; i >= 0; i--)
		x = x << 8 | le[i];
	if (!unsigned_flag && width < 8 && (x >> (8 * width - 1)) != 0)
		x |= ~(uint64_t)0 << (8 * width); /* sign-extend */
	if (unsigned_flag && x > (uint64_t)INT64_MAX) { /* an unsigned BIGINT past int64: its text */
		char text[32];
		int n = snprintf(text, sizeof(text), "%" PRIu64, x);
		mysql_param_text(scratch, v, text, (size_t)n);
		return 0;
	}
	v->kind = RV_INT;
	v->i = (int64_t)x;
	return 0;
}

int mysql_get_binary_param(struct mysql_rd *r, uint8_t type, int unsigned_flag, struct rvalue *v,
			   struct buf *scratch, struct rerr *err)
{
	memset(v, 0, sizeof(*v));
	int width = mysql_int_width_of(type);
	if (width)
		return mysql_get_int_param(r, type, width, unsigned_flag, v, scratch, err);
	switch (type) {
	case MYSQL_TYPE_NULL:
		v->kind = RV_NULL;
		return 0;
	case MYSQL_TYPE_FLOAT:
		v->kind = RV_FLOAT;
		v->f = f32_from_bits(mysql_get_u32(r));
		break;
	case MYSQL_TYPE_DOUBLE:
		v->kind = RV_FLOAT;
		v->f = f64_from_bits(mysql_get_u64(r));
		break;
	case MYSQL_TYPE_DATE:
	case MYSQL_TYPE_DATETIME:
	case MYSQL_TYPE_TIMESTAMP:
	case MYSQL_TYPE_NEWDATE:
	case MYSQL_TYPE_TIME:
		return mysql_get_temporal(r, type == MYSQL_TYPE_NEWDATE ? MYSQL_TYPE_DATE : type, v, scratch, err);
	case MYSQL_TYPE_DECIMAL:
	case MYSQL_TYPE_NEWDECIMAL:
	case MYSQL_TYPE_VARCHAR:
	case MYSQL_TYPE_VAR_STRING:
	case MYSQL_TYPE_STRING:
	case MYSQL_TYPE_ENUM:
	case MYSQL_TYPE_SET:
	case MYSQL_TYPE_JSON:
		v->p = mysql_get_lenenc_str(r, &v->n);
		v->kind = RV_TEXT;
		break;
	case MYSQL_TYPE_TINY_BLOB:
	case MYSQL_TYPE_MEDIUM_BLOB:
	case MYSQL_TYPE_LONG_BLOB:
	case MYSQL_TYPE_BLOB:
	case MYSQL_TYPE_GEOMETRY:
	case MYSQL_TYPE_BIT:
	case MYSQL_TYPE_VECTOR:
		v->p = mysql_get_lenenc_str(r, &v->n);
		v->kind = RV_BLOB;
		break;
	default:
		return rerr_set(err, ERR_PROTOCOL_VIOLATION, "unknown MySQL parameter type %u", type);
	}
	if (r->bad) {
		memset(v, 0, sizeof(*v));
		return mysql_bad_param(err, type);
	}
	if ((v->kind == RV_TEXT || v->kind == RV_BLOB) && !v->p)
		v->p = (const uint8_t *)""; /* an empty string is not NULL */
	return 0;
}

int mysql_decode_exec_params(struct mysql_rd *r, uint8_t flags, uint32_t caps, int nparams, uint8_t *types,
			     int *bound, const struct mysql_long_data *longdata, struct rvalue *vals,
			     struct buf *scratch, struct rerr *err)
{
	uint64_t count = (uint64_t)nparams;
	int attrs = (caps & CLIENT_QUERY_ATTRIBUTES) != 0;
	if (attrs && (nparams > 0 || (flags & MYSQL_PARAMETER_COUNT_AVAILABLE)))
		count = mysql_get_lenenc_int(r, NULL);
	if (r->bad || count < (uint64_t)nparams || count > 65535)
		return rerr_set(err, ERR_PROTOCOL_VIOLATION, "malformed parameter count in COM_STMT_EXECUTE");
	if (count == 0)
		return 0;
	buf_reserve(scratch, (size_t)count * MYSQL_BINARY_SCRATCH_MAX); /* pointers into it must not move */
	const uint8_t *nulls = mysql_get_bytes(r, (size_t)(count + 7) / 8);
	uint8_t new_bound = mysql_get_u8(r);
	if (r->bad || !nulls)
		return rerr_set(err, ERR_PROTOCOL_VIOLATION, "malformed NULL bitmap in COM_STMT_EXECUTE");
	if (!new_bound && (!*bound || count > (uint64_t)nparams))
		return rerr_set(err, ERR_PROTOCOL_VIOLATION, "COM_STMT_EXECUTE without parameter types");
	/* Attributes beyond nparams have their types read into a local array, then dropped. */
	uint8_t attr_types[2 * 64];
	if (count - (uint64_t)nparams > 64)
		return rerr_set(err, ERR_PROGRAM_LIMIT_EXCEEDED, "too many query attributes");
	if (new_bound) {
		for (uint64_t i = 0; i < count; i++) {
			uint8_t *slot = i < (uint64_t)nparams ? types + 2 * i : attr_types + 2 * (i - (uint64_t)nparams);
			slot[0] = mysql_get_u8(r);
			slot[1] = mysql_get_u8(r);
			if (attrs) {
				size_t nlen;
				mysql_get_lenenc_str(r, &nlen);
			}
		}
		if (r->bad)
			return rerr_set(err, ERR_PROTOCOL_VIOLATION, "malformed parameter types in COM_STMT_EXECUTE");
		*bound = 1;
	}
	for (uint64_t i = 0; i < count; i++) {
		const uint8_t *t = i < (uint64_t)nparams ? types + 2 * i : attr_types + 2 * (i - (uint64_t)nparams);
		struct rvalue ignored, *v = i < (uint64_t)nparams ? &vals[i] : &ignored;
		if (nulls[i / 8] & (1u << (i % 8))) {
			memset(v, 0, sizeof(*v));
			v->kind = RV_NULL;
			continue;
		}
		if (longdata && i < (uint64_t)nparams && longdata[i].present) {
			int blob = t[0] == MYSQL_TYPE_BLOB || t[0] == MYSQL_TYPE_TINY_BLOB || t[0] == MYSQL_TYPE_MEDIUM_BLOB ||
				   t[0] == MYSQL_TYPE_LONG_BLOB || t[0] == MYSQL_TYPE_GEOMETRY;
			memset(v, 0, sizeof(*v));
			v->kind = blob ? RV_BLOB : RV_TEXT;
			v->p = longdata[i].data.data ? longdata[i].data.data : (const uint8_t *)"";
			v->n = longdata[i].data.len;
			continue;
		}
		if (mysql_get_binary_param(r, t[0], (t[1] & 0x80) != 0, v, scratch, err) < 0)
			return -1;
	}
	return 0;
}
