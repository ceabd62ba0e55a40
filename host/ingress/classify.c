/*
 * classify.c — tell a connection's protocol from its first bytes, and read
 * SNI and ALPN out of a TLS ClientHello (contract in classify.h).
 *
 * Every function here is pure: it looks at [p, p+n) and nothing else, keeps
 * no state and allocates nothing, so the router may call it again each time
 * more bytes arrive and a fuzzer may call it on anything.
 *
 * INTERFACE ROUTINES
 *   ingress_classify            first bytes -> enum ingress_proto
 *   ingress_proto_name          enum -> stable lower-case name for logs
 *   ingress_parse_client_hello  a TLS ClientHello record -> SNI and ALPN list
 *
 * SIGNATURES (offsets in bytes; BE = big-endian; all bounds inclusive)
 *
 *   tls         16 03 v  L(2)  01 ..      v <= 04, record length L in 4..16384,
 *                                         handshake type ClientHello; decided at 6
 *   pg-ssl      00 00 00 08  04 d2 16 2f                           decided at 8
 *   pg-gssenc   00 00 00 08  04 d2 16 30                           decided at 8
 *   pg-cancel   len(4)       04 d2 16 2e  len 16..268 (protocol 3.2 allows
 *                                         secret keys up to 256 bytes); at 8
 *   pg-startup  len(4)       00 03 00 xx  len 8..10000 (the PostgreSQL
 *                                         server's own cap), any minor; at 7
 *   tds         12 01 len(2) ..           len 8..32768             decided at 4
 *   tns         len(2) 00 00 01 00        len >= 8, checksum 0     decided at 6
 *            or 00 00 len(2) 01 00        the 4-byte length of TNS >= 315
 *   drda        len(2) d0 f  cor(2) ll(2) 10 41                    decided at 10
 *                                         DSS len 10..0x7fff, f & 0x0f == 1
 *                                         (request DSS), DDM ll 4..len-6,
 *                                         code point EXCSAT
 *   http1       a method token and a space: "GET " "POST " "PUT " "DELETE "
 *               "HEAD " "OPTIONS " "PATCH " "CONNECT "             decided at <= 8
 *   http2       "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"                 decided at 24
 *
 * What real clients send (tests/captures holds one file per client):
 *   - Every TNS client seen (python-oracledb and node-oracledb thin) sends its
 *     CONNECT with the 2-byte length and a zero checksum: the 4-byte length is
 *     only switched on once ACCEPT has agreed a version >= 315.  The 4-byte
 *     form is accepted anyway, for a client that reuses negotiated settings.
 *   - TLS clients put record version 03 01 on the ClientHello whatever they
 *     then negotiate.
 *   - IBM's CLI driver and Derby's client both chain EXCSAT with more DSSs
 *     (format byte 0x41: chained request), correlation id 1.
 *
 * INVARIANTS
 *   1. The signatures are pairwise disjoint: no byte string matches two.
 *      Byte 0 alone parts tls (16), tds (12), http (letters) and pg (00) from
 *      one another.  tns has zero bytes 2..3 (2-byte form: not tds, whose
 *      length is >= 8, nor drda's d0, nor http) or zero bytes 0..1 (4-byte
 *      form: not drda, whose DSS length is >= 10); it differs from pg at byte
 *      4 (01, against 00 or 04) and from tls at byte 5 (00, against 01).  drda's
 *      d0 at byte 2 is no pg length (<= 10000), tds length (<= 32768) or tls
 *      version (<= 04), and no http letter.
 *   2. Each signature is decided by its first 24 bytes at most.
 *   3. Hence the answer is monotone: once ingress_classify() returns anything
 *      but INGRESS_NEED_MORE for a prefix, it returns the same for every
 *      longer input that starts with that prefix.  The fuzz harness checks it.
 *   4. INGRESS_NEED_MORE means some signature can still match.  A signature is
 *      rejected as soon as a byte (or the range of a partly received length
 *      field) rules it out, so garbage is UNKNOWN at the first impossible byte.
 */
#include "ingress/classify.h"

#include <string.h>

/* The verdict of one signature on a prefix. */
enum ingress_match {
	INGRESS_M_NO,    /* no extension of the prefix can match */
	INGRESS_M_MAYBE, /* some extension can match; read more */
	INGRESS_M_YES,   /* matched; more bytes cannot change it */
};

/* Both must hold. */
static enum ingress_match ingress_m_and(enum ingress_match a, enum ingress_match b)
{
	if (a == INGRESS_M_NO || b == INGRESS_M_NO)
		return INGRESS_M_NO;
	if (a == INGRESS_M_YES && b == INGRESS_M_YES)
		return INGRESS_M_YES;
	return INGRESS_M_MAYBE;
}

/* Either may hold. */
static enum ingress_match ingress_m_or(enum ingress_match a, enum ingress_match b)
{
	if (a == INGRESS_M_YES || b == INGRESS_M_YES)
		return INGRESS_M_YES;
	if (a == INGRESS_M_MAYBE || b == INGRESS_M_MAYBE)
		return INGRESS_M_MAYBE;
	return INGRESS_M_NO;
}

/* (p[off] & mask) == want; MAYBE while p[off] has not arrived. */
static enum ingress_match ingress_m_bits(const uint8_t *p, size_t n, size_t off,
					 uint8_t mask, uint8_t want)
{
	if (off >= n)
		return INGRESS_M_MAYBE;
	return (p[off] & mask) == want ? INGRESS_M_YES : INGRESS_M_NO;
}

static enum ingress_match ingress_m_byte(const uint8_t *p, size_t n, size_t off, uint8_t want)
{
	return ingress_m_bits(p, n, off, 0xff, want);
}

/*
 * The `width`-byte big-endian field at `off` lies in [lo, hi].  While only
 * some of its bytes have arrived the field can still be anything from the
 * known bytes followed by zeros to the known bytes followed by 0xff; the
 * answer is NO as soon as that span misses [lo, hi].  width <= 4.
 */
static enum ingress_match ingress_m_range(const uint8_t *p, size_t n, size_t off,
					  size_t width, uint32_t lo, uint32_t hi)
{
	uint32_t min = 0, max = 0;
	for (size_t i = 0; i < width; i++) {
		uint8_t lo_b = 0x00, hi_b = 0xff;
		if (off + i < n)
			lo_b = hi_b = p[off + i];
		min = (min << 8) | lo_b;
		max = (max << 8) | hi_b;
	}
	if (max < lo || min > hi)
		return INGRESS_M_NO;
	return off + width <= n ? INGRESS_M_YES : INGRESS_M_MAYBE;
}

/* The `len` bytes at `off` are those of `lit`. */
static enum ingress_match ingress_m_lit(const uint8_t *p, size_t n, size_t off,
					const char *lit, size_t len)
{
	size_t have = n <= off ? 0 : n - off < len ? n - off : len;
	if (have && memcmp(p + off, lit, have) != 0)
		return INGRESS_M_NO;
	return have == len ? INGRESS_M_YES : INGRESS_M_MAYBE;
}

static uint32_t ingress_be16(const uint8_t *p)
{
	return ((uint32_t)p[0] << 8) | p[1];
}

static uint32_t ingress_be24(const uint8_t *p)
{
	return ((uint32_t)p[0] << 16) | ((uint32_t)p[1] << 8) | p[2];
}

/* ---- signatures ------------------------------------------------------ */

#define INGRESS_TLS_MAX_RECORD 16384 /* 2^14: the plaintext record limit */

static enum ingress_match ingress_sig_tls(const uint8_t *p, size_t n)
{
	enum ingress_match m = ingress_m_byte(p, n, 0, 0x16);
	m = ingress_m_and(m, ingress_m_byte(p, n, 1, 0x03));
	m = ingress_m_and(m, ingress_m_range(p, n, 2, 1, 0x00, 0x04));
	m = ingress_m_and(m, ingress_m_range(p, n, 3, 2, 4, INGRESS_TLS_MAX_RECORD));
	return ingress_m_and(m, ingress_m_byte(p, n, 5, 0x01));
}

/* PostgreSQL's request codes: 1234 in the high half, 5678..5680 low. */
#define INGRESS_PG_SSL_CODE    "\x04\xd2\x16\x2f" /* 80877103 */
#define INGRESS_PG_GSSENC_CODE "\x04\xd2\x16\x30" /* 80877104 */
#define INGRESS_PG_CANCEL_CODE "\x04\xd2\x16\x2e" /* 80877102 */
#define INGRESS_PG_MAX_STARTUP 10000
#define INGRESS_PG_MAX_CANCEL  (12 + 256)

static enum ingress_match ingress_sig_pg_ssl(const uint8_t *p, size_t n)
{
	return ingress_m_lit(p, n, 0, "\0\0\0\x08" INGRESS_PG_SSL_CODE, 8);
}

static enum ingress_match ingress_sig_pg_gssenc(const uint8_t *p, size_t n)
{
	return ingress_m_lit(p, n, 0, "\0\0\0\x08" INGRESS_PG_GSSENC_CODE, 8);
}

static enum ingress_match ingress_sig_pg_cancel(const uint8_t *p, size_t n)
{
	enum ingress_match m = ingress_m_range(p, n, 0, 4, 16, INGRESS_PG_MAX_CANCEL);
	return ingress_m_and(m, ingress_m_lit(p, n, 4, INGRESS_PG_CANCEL_CODE, 4));
}

static enum ingress_match ingress_sig_pg_startup(const uint8_t *p, size_t n)
{
	enum ingress_match m = ingress_m_range(p, n, 0, 4, 8, INGRESS_PG_MAX_STARTUP);
	m = ingress_m_and(m, ingress_m_byte(p, n, 4, 0x00));
	m = ingress_m_and(m, ingress_m_byte(p, n, 5, 0x03)); /* major 3, any minor */
	return ingress_m_and(m, ingress_m_byte(p, n, 6, 0x00));
}

#define INGRESS_TDS_PRELOGIN 0x12
#define INGRESS_TDS_EOM      0x01
#define INGRESS_TDS_MAX_PKT  32768

static enum ingress_match ingress_sig_tds(const uint8_t *p, size_t n)
{
	enum ingress_match m = ingress_m_byte(p, n, 0, INGRESS_TDS_PRELOGIN);
	m = ingress_m_and(m, ingress_m_byte(p, n, 1, INGRESS_TDS_EOM));
	return ingress_m_and(m, ingress_m_range(p, n, 2, 2, 8, INGRESS_TDS_MAX_PKT));
}

#define INGRESS_TNS_CONNECT 0x01

/*
 * TNS header: length, then (before version 315) a 2-byte packet checksum that
 * every client leaves zero, type, flags, header checksum.  Requiring the zero
 * checksum is what keeps the 2-byte form apart from TDS and DRDA; the 4-byte
 * form is told by its zero high half, which no 2-byte length >= 8 has.
 */
static enum ingress_match ingress_sig_tns(const uint8_t *p, size_t n)
{
	enum ingress_match m16 = ingress_m_range(p, n, 0, 2, 8, 0xffff);
	m16 = ingress_m_and(m16, ingress_m_range(p, n, 2, 2, 0, 0));
	enum ingress_match m32 = ingress_m_range(p, n, 0, 2, 0, 0);
	m32 = ingress_m_and(m32, ingress_m_range(p, n, 2, 2, 8, 0xffff));
	enum ingress_match m = ingress_m_or(m16, m32);
	m = ingress_m_and(m, ingress_m_byte(p, n, 4, INGRESS_TNS_CONNECT));
	return ingress_m_and(m, ingress_m_byte(p, n, 5, 0x00));
}

#define INGRESS_DRDA_MAGIC   0xd0
#define INGRESS_DRDA_RQSDSS  0x01   /* DSS type in the format byte's low nibble */
#define INGRESS_DRDA_MAX_DSS 0x7fff /* the high bit flags a continued DSS */

static enum ingress_match ingress_sig_drda(const uint8_t *p, size_t n)
{
	enum ingress_match m = ingress_m_range(p, n, 0, 2, 10, INGRESS_DRDA_MAX_DSS);
	m = ingress_m_and(m, ingress_m_byte(p, n, 2, INGRESS_DRDA_MAGIC));
	m = ingress_m_and(m, ingress_m_bits(p, n, 3, 0x0f, INGRESS_DRDA_RQSDSS));
	/* The command (DDM object) sits inside its DSS: 4 <= ll <= DSS len - 6. */
	uint32_t ddm_max = n >= 2 ? ingress_be16(p) : INGRESS_DRDA_MAX_DSS;
	ddm_max = ddm_max >= 10 ? ddm_max - 6 : 4;
	m = ingress_m_and(m, ingress_m_range(p, n, 6, 2, 4, ddm_max));
	m = ingress_m_and(m, ingress_m_byte(p, n, 8, 0x10)); /* EXCSAT 0x1041 */
	return ingress_m_and(m, ingress_m_byte(p, n, 9, 0x41));
}

static const char *const ingress_http1_methods[] = {
	"GET ", "POST ", "PUT ", "DELETE ", "HEAD ", "OPTIONS ", "PATCH ", "CONNECT ",
};

static enum ingress_match ingress_sig_http1(const uint8_t *p, size_t n)
{
	enum ingress_match m = INGRESS_M_NO;
	for (size_t i = 0; i < sizeof(ingress_http1_methods) / sizeof(ingress_http1_methods[0]); i++) {
		const char *t = ingress_http1_methods[i];
		m = ingress_m_or(m, ingress_m_lit(p, n, 0, t, strlen(t)));
	}
	return m;
}

#define INGRESS_H2_PREFACE "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"

static enum ingress_match ingress_sig_http2(const uint8_t *p, size_t n)
{
	return ingress_m_lit(p, n, 0, INGRESS_H2_PREFACE, sizeof(INGRESS_H2_PREFACE) - 1);
}

static const struct {
	enum ingress_proto proto;
	enum ingress_match (*match)(const uint8_t *p, size_t n);
} ingress_sigs[] = {
	{INGRESS_TLS, ingress_sig_tls},
	{INGRESS_PG_SSL, ingress_sig_pg_ssl},
	{INGRESS_PG_GSSENC, ingress_sig_pg_gssenc},
	{INGRESS_PG_CANCEL, ingress_sig_pg_cancel},
	{INGRESS_PG_STARTUP, ingress_sig_pg_startup},
	{INGRESS_TDS, ingress_sig_tds},
	{INGRESS_TNS, ingress_sig_tns},
	{INGRESS_DRDA, ingress_sig_drda},
	{INGRESS_HTTP1, ingress_sig_http1},
	{INGRESS_HTTP2, ingress_sig_http2},
};

/*
 * Cost: every signature looks at no more than its first 24 bytes, so a call
 * is O(1) whatever n is.  Because the signatures are disjoint (invariant 1)
 * the first YES is the only YES.
 */
enum ingress_proto ingress_classify(const uint8_t *p, size_t n)
{
	int maybe = 0;
	if (n == 0)
		return INGRESS_NEED_MORE;
	for (size_t i = 0; i < sizeof(ingress_sigs) / sizeof(ingress_sigs[0]); i++) {
		enum ingress_match m = ingress_sigs[i].match(p, n);
		if (m == INGRESS_M_YES)
			return ingress_sigs[i].proto;
		if (m == INGRESS_M_MAYBE)
			maybe = 1;
	}
	return maybe ? INGRESS_NEED_MORE : INGRESS_UNKNOWN;
}

const char *ingress_proto_name(enum ingress_proto p)
{
	switch (p) {
	case INGRESS_NEED_MORE:  return "need-more";
	case INGRESS_UNKNOWN:    return "unknown";
	case INGRESS_TLS:        return "tls";
	case INGRESS_PG_STARTUP: return "pg-startup";
	case INGRESS_PG_SSL:     return "pg-ssl";
	case INGRESS_PG_GSSENC:  return "pg-gssenc";
	case INGRESS_PG_CANCEL:  return "pg-cancel";
	case INGRESS_TDS:        return "tds";
	case INGRESS_TNS:        return "tns";
	case INGRESS_DRDA:       return "drda";
	case INGRESS_HTTP1:      return "http1";
	case INGRESS_HTTP2:      return "http2";
	}
	return "invalid";
}

/* ---- ClientHello ----------------------------------------------------- */

/*
 * A hello bigger than one record (hundreds of kilobytes of extensions are
 * legal, though no client we know sends more than ~2 KB) is parsed only as
 * far as its first record goes: everything the SNI and ALPN decision needs is
 * near the front, and parsing one record keeps this function a walk over
 * contiguous bytes.  So a read can end in one of three ways, and the walk
 * below keeps two ends apart:
 *   - past `lim`, the end of the bytes we parse (the first record): the
 *     rest of the hello is in a later record, stop with what we have;
 *   - past the end declared by the enclosing length field: malformed.
 * When the hello fits its record the two ends coincide and every overrun is
 * malformed.
 */
struct ingress_rd {
	const uint8_t *p;
	size_t pos;
	size_t lim;
};

enum {
	INGRESS_RD_OK = 0,
	INGRESS_RD_CUT = 1, /* ran into `lim` inside a well-formed length */
	INGRESS_RD_BAD = -1,
};

/* Can `k` bytes at the cursor be read without passing `end` (a declared end)? */
static int ingress_rd_need(const struct ingress_rd *r, size_t k, size_t end)
{
	if (k > end - r->pos)
		return INGRESS_RD_BAD;
	if (r->pos + k > r->lim)
		return INGRESS_RD_CUT;
	return INGRESS_RD_OK;
}

/* Reads a `width`-byte BE length (1 or 2) and checks the block it announces
 * fits before `end`; on OK the cursor is at the block and *blk_end past it. */
static int ingress_rd_block(struct ingress_rd *r, size_t width, size_t end, size_t *blk_end)
{
	int rc = ingress_rd_need(r, width, end);
	if (rc != INGRESS_RD_OK)
		return rc;
	size_t len = width == 1 ? r->p[r->pos] : ingress_be16(r->p + r->pos);
	r->pos += width;
	if (len > end - r->pos)
		return INGRESS_RD_BAD;
	*blk_end = r->pos + len;
	return INGRESS_RD_OK;
}

/* server_name extension (RFC 6066): the host_name entry, byte for byte. */
static int ingress_hello_sni(struct ingress_rd *r, size_t ext_end, struct tls_hello *out)
{
	size_t list_end;
	int rc = ingress_rd_block(r, 2, ext_end, &list_end);
	if (rc != INGRESS_RD_OK)
		return rc;
	if (list_end != ext_end || list_end == r->pos)
		return INGRESS_RD_BAD;
	int seen_host = 0;
	while (r->pos < list_end) {
		if ((rc = ingress_rd_need(r, 1, list_end)) != INGRESS_RD_OK)
			return rc;
		uint8_t type = r->p[r->pos++];
		size_t name_end;
		if ((rc = ingress_rd_block(r, 2, list_end, &name_end)) != INGRESS_RD_OK)
			return rc;
		size_t len = name_end - r->pos;
		if ((rc = ingress_rd_need(r, len, name_end)) != INGRESS_RD_OK)
			return rc;
		if (type == 0) {
			/* RFC 6066: one name per type; a host name is never empty
			 * and never holds a NUL (which would cut the C string). */
			if (seen_host++ || len == 0 || memchr(r->p + r->pos, 0, len))
				return INGRESS_RD_BAD;
			/* Longer than any DNS name: leave sni empty, as for no SNI. */
			if (len < sizeof(out->sni)) {
				memcpy(out->sni, r->p + r->pos, len);
				out->sni[len] = '\0';
			}
		}
		r->pos = name_end;
	}
	return INGRESS_RD_OK;
}

/* application_layer_protocol_negotiation extension (RFC 7301). */
static int ingress_hello_alpn(struct ingress_rd *r, size_t ext_end, struct tls_hello *out)
{
	size_t list_end;
	int rc = ingress_rd_block(r, 2, ext_end, &list_end);
	if (rc != INGRESS_RD_OK)
		return rc;
	if (list_end != ext_end || list_end == r->pos)
		return INGRESS_RD_BAD;
	while (r->pos < list_end) {
		size_t name_end;
		if ((rc = ingress_rd_block(r, 1, list_end, &name_end)) != INGRESS_RD_OK)
			return rc;
		size_t len = name_end - r->pos;
		if (len == 0)
			return INGRESS_RD_BAD; /* RFC 7301: empty names are not allowed */
		if ((rc = ingress_rd_need(r, len, name_end)) != INGRESS_RD_OK)
			return rc;
		/* Names we cannot hold as C strings are skipped, as the header says
		 * of long ones; no protocol we speak has such a name. */
		if (len < sizeof(out->alpn[0]) && out->alpn_count < INGRESS_MAX_ALPN &&
		    !memchr(r->p + r->pos, 0, len)) {
			memcpy(out->alpn[out->alpn_count], r->p + r->pos, len);
			out->alpn[out->alpn_count][len] = '\0';
			out->alpn_count++;
		}
		r->pos = name_end;
	}
	return INGRESS_RD_OK;
}

#define INGRESS_EXT_SERVER_NAME 0
#define INGRESS_EXT_ALPN        16

/*
 * The ClientHello body in [r->pos, hello_end): legacy_version(2) random(32)
 * session_id<0..32> cipher_suites<2..2^16-2> compression_methods<1..2^8-1>
 * and, optionally, extensions<0..2^16-1> filling the rest exactly.
 */
static int ingress_hello_body(struct ingress_rd *r, size_t hello_end, struct tls_hello *out)
{
	size_t end;
	int rc = ingress_rd_need(r, 2 + 32, hello_end);
	if (rc != INGRESS_RD_OK)
		return rc;
	r->pos += 2 + 32;

	if ((rc = ingress_rd_block(r, 1, hello_end, &end)) != INGRESS_RD_OK)
		return rc;
	if (end - r->pos > 32)
		return INGRESS_RD_BAD;
	r->pos = end; /* skipping needs only the length, not the bytes */

	if ((rc = ingress_rd_block(r, 2, hello_end, &end)) != INGRESS_RD_OK)
		return rc;
	if (end == r->pos || (end - r->pos) % 2 != 0)
		return INGRESS_RD_BAD;
	r->pos = end;

	if ((rc = ingress_rd_block(r, 1, hello_end, &end)) != INGRESS_RD_OK)
		return rc;
	if (end == r->pos)
		return INGRESS_RD_BAD;
	r->pos = end;

	if (r->pos == hello_end)
		return INGRESS_RD_OK; /* no extensions at all: legal, if old */
	size_t exts_end;
	if ((rc = ingress_rd_block(r, 2, hello_end, &exts_end)) != INGRESS_RD_OK)
		return rc;
	if (exts_end != hello_end)
		return INGRESS_RD_BAD;

	int seen_sni = 0, seen_alpn = 0;
	while (r->pos < exts_end) {
		if ((rc = ingress_rd_need(r, 2, exts_end)) != INGRESS_RD_OK)
			return rc;
		uint32_t type = ingress_be16(r->p + r->pos);
		r->pos += 2;
		size_t ext_end;
		if ((rc = ingress_rd_block(r, 2, exts_end, &ext_end)) != INGRESS_RD_OK)
			return rc;
		if (type == INGRESS_EXT_SERVER_NAME) {
			if (seen_sni++) /* RFC 8446 4.2: each extension at most once */
				return INGRESS_RD_BAD;
			rc = ingress_hello_sni(r, ext_end, out);
		} else if (type == INGRESS_EXT_ALPN) {
			if (seen_alpn++)
				return INGRESS_RD_BAD;
			rc = ingress_hello_alpn(r, ext_end, out);
		}
		if (rc != INGRESS_RD_OK)
			return rc;
		r->pos = ext_end;
	}
	return INGRESS_RD_OK;
}

/*
 * Returns the length of the record that carries the hello, header included:
 * the bytes the hello spans when it fits one record, as every client we know
 * sends it.  For a hello continued in later records only the first record is
 * parsed (see above) and its length is returned; SNI or ALPN found only in
 * later records is not reported.  -2 until that first record is complete,
 * -1 as soon as a length or type is wrong.  *out is always filled: empty on
 * -1 and -2.
 */
int ingress_parse_client_hello(const uint8_t *p, size_t n, struct tls_hello *out)
{
	memset(out, 0, sizeof(*out));
	if (n >= 1 && p[0] != 0x16)
		return -1;
	if (n >= 2 && p[1] != 0x03)
		return -1;
	if (n >= 3 && p[2] > 0x04)
		return -1;
	if (n < 5)
		return -2;
	size_t rec_len = ingress_be16(p + 3);
	if (rec_len < 4 || rec_len > INGRESS_TLS_MAX_RECORD)
		return -1;
	if (n >= 6 && p[5] != 0x01)
		return -1;
	if (n < 5 + rec_len)
		return -2;

	size_t hello_len = ingress_be24(p + 6);
	struct ingress_rd r = {.p = p, .pos = 9, .lim = 5 + rec_len};
	size_t hello_end = 9 + hello_len; /* may lie past lim: a continued hello */
	int rc = ingress_hello_body(&r, hello_end, out);
	if (rc == INGRESS_RD_BAD) {
		memset(out, 0, sizeof(*out));
		return -1;
	}
	return (int)(5 + rec_len);
}
