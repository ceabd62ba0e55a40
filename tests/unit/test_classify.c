/*
 * test_classify.c — protocol classification from first bytes, and the
 * ClientHello reader, checked against bytes captured from real clients
 * (tests/captures, see its README) and against hand-built edge cases.
 *
 * Every call goes through ingress_test_exact(), which copies the prefix into
 * a heap block of exactly that size, so the ASan build catches any read past n.
 */
#include <CUnit/CUnit.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "ingress/classify.h"

/* ---- helpers --------------------------------------------------------- */

struct ingress_test_file {
	uint8_t *p;
	size_t n;
};

/* Loads ../captures/NAME (cwd is tests/unit); n == 0 and a failed assertion
 * when it is missing. */
static struct ingress_test_file ingress_test_load(const char *name)
{
	struct ingress_test_file f = {NULL, 0};
	char path[256];
	snprintf(path, sizeof(path), "../captures/%s", name);
	FILE *fp = fopen(path, "rb");
	CU_ASSERT_PTR_NOT_NULL_FATAL(fp);
	struct buf b;
	buf_init(&b);
	uint8_t chunk[4096];
	size_t got;
	while ((got = fread(chunk, 1, sizeof(chunk), fp)) > 0)
		buf_append(&b, chunk, got);
	fclose(fp);
	f.p = b.data; /* taken over from the buf; freed with free() */
	f.n = b.len;
	CU_ASSERT(f.n > 0);
	return f;
}

static enum ingress_proto ingress_test_classify(const uint8_t *p, size_t n)
{
	uint8_t *copy = malloc(n ? n : 1);
	CU_ASSERT_PTR_NOT_NULL_FATAL(copy);
	if (n)
		memcpy(copy, p, n);
	enum ingress_proto r = ingress_classify(copy, n);
	free(copy);
	return r;
}

static int ingress_test_hello(const uint8_t *p, size_t n, struct tls_hello *out)
{
	uint8_t *copy = malloc(n ? n : 1);
	CU_ASSERT_PTR_NOT_NULL_FATAL(copy);
	if (n)
		memcpy(copy, p, n);
	int r = ingress_parse_client_hello(copy, n, out);
	free(copy);
	return r;
}

/*
 * The smallest prefix length at which the answer is no longer NEED_MORE, and
 * checks on the way: every shorter prefix says NEED_MORE, every longer one
 * (up to the whole input) says the same as the decision.  Returns n + 1 if
 * never decided.
 */
static size_t ingress_test_decide(const uint8_t *p, size_t n, enum ingress_proto *out)
{
	size_t at = n + 1;
	*out = INGRESS_NEED_MORE;
	for (size_t k = 0; k <= n; k++) {
		enum ingress_proto r = ingress_test_classify(p, k);
		if (at > n) {
			if (r != INGRESS_NEED_MORE) {
				at = k;
				*out = r;
			}
		} else if (r != *out) {
			CU_FAIL("answer changed after the decision point");
			return at;
		}
	}
	return at;
}

/* ---- captures -------------------------------------------------------- */

static const struct {
	const char *file;
	enum ingress_proto proto;
	size_t decided_at; /* prefix length where the answer becomes final */
} ingress_test_captures[] = {
	{"pg_psql_sslrequire.bin", INGRESS_PG_SSL, 8},
	{"pg_asyncpg_sslrequest.bin", INGRESS_PG_SSL, 8},
	{"pg_psql_startup.bin", INGRESS_PG_STARTUP, 7},
	{"pg_psycopg2_startup.bin", INGRESS_PG_STARTUP, 7},
	{"pg_asyncpg_startup.bin", INGRESS_PG_STARTUP, 7},
	{"pg_node_pg_startup.bin", INGRESS_PG_STARTUP, 7},
	{"tls_openssl_alpn_postgresql.bin", INGRESS_TLS, 6},
	{"tls_openssl_alpn_h2_http11.bin", INGRESS_TLS, 6},
	{"tls_curl_https_sni.bin", INGRESS_TLS, 6},
	{"http1_curl_get.bin", INGRESS_HTTP1, 4},
	{"http2_curl_prior_knowledge.bin", INGRESS_HTTP2, 24},
	{"tds_tsql_prelogin.bin", INGRESS_TDS, 4},
	{"tds_pymssql_prelogin.bin", INGRESS_TDS, 4},
	{"tds_tedious_prelogin.bin", INGRESS_TDS, 4},
	{"tds_mssql_python_prelogin.bin", INGRESS_TDS, 4},
	{"tns_oracledb_connect.bin", INGRESS_TNS, 6},
	{"tns_oracledb_connect_long.bin", INGRESS_TNS, 6},
	{"tns_node_oracledb_connect.bin", INGRESS_TNS, 6},
	{"drda_ibm_db_excsat.bin", INGRESS_DRDA, 10},
	{"drda_derby_excsat.bin", INGRESS_DRDA, 10},
	{"unknown_ssh_banner.bin", INGRESS_UNKNOWN, 3},
	{"unknown_random.bin", INGRESS_UNKNOWN, 4},
};

static void every_capture_is_classified_at_its_decision_point(void)
{
	for (size_t i = 0; i < sizeof(ingress_test_captures) / sizeof(ingress_test_captures[0]); i++) {
		struct ingress_test_file f = ingress_test_load(ingress_test_captures[i].file);
		enum ingress_proto got;
		size_t at = ingress_test_decide(f.p, f.n, &got);
		if (got != ingress_test_captures[i].proto || at != ingress_test_captures[i].decided_at)
			fprintf(stderr, "\n  %s: %s at %zu\n", ingress_test_captures[i].file,
				ingress_proto_name(got), at);
		CU_ASSERT_EQUAL(got, ingress_test_captures[i].proto);
		CU_ASSERT_EQUAL(at, ingress_test_captures[i].decided_at);
		CU_ASSERT(at <= 64);
		free(f.p);
	}
}

static void silence_needs_more(void)
{
	CU_ASSERT_EQUAL(ingress_classify(NULL, 0), INGRESS_NEED_MORE);
	CU_ASSERT_EQUAL(ingress_test_classify((const uint8_t *)"", 0), INGRESS_NEED_MORE);
}

static void garbage_is_unknown_at_the_first_impossible_byte(void)
{
	/* one byte rarely decides: almost any byte can start a TNS length */
	CU_ASSERT_EQUAL(ingress_test_classify((const uint8_t *)"\xff", 1), INGRESS_NEED_MORE);
	CU_ASSERT_EQUAL(ingress_test_classify((const uint8_t *)"\xff\xff\xff", 3), INGRESS_UNKNOWN);
	CU_ASSERT_EQUAL(ingress_test_classify((const uint8_t *)"SSH-2.0", 7), INGRESS_UNKNOWN);
	CU_ASSERT_EQUAL(ingress_test_classify((const uint8_t *)"get / HTTP/1.1", 14), INGRESS_UNKNOWN);
	uint8_t zeros[64] = {0};
	CU_ASSERT_EQUAL(ingress_test_classify(zeros, sizeof(zeros)), INGRESS_UNKNOWN);
}

/* ---- hand-built signatures the captures do not cover ------------------ */

static void pg_gssenc_and_cancel_requests_are_recognised(void)
{
	static const uint8_t gss[] = {0, 0, 0, 8, 0x04, 0xd2, 0x16, 0x30};
	static const uint8_t cancel[] = {0, 0, 0, 16, 0x04, 0xd2, 0x16, 0x2e, 0, 0, 0x30, 0x39, 1, 2, 3, 4};
	enum ingress_proto got;
	CU_ASSERT_EQUAL(ingress_test_decide(gss, sizeof(gss), &got), 8);
	CU_ASSERT_EQUAL(got, INGRESS_PG_GSSENC);
	CU_ASSERT_EQUAL(ingress_test_decide(cancel, sizeof(cancel), &got), 8);
	CU_ASSERT_EQUAL(got, INGRESS_PG_CANCEL);

	/* protocol 3.2 (PostgreSQL 18) allows a secret key of up to 256 bytes */
	uint8_t long_cancel[8] = {0, 0, 0x01, 0x0c, 0x04, 0xd2, 0x16, 0x2e};
	CU_ASSERT_EQUAL(ingress_test_classify(long_cancel, 8), INGRESS_PG_CANCEL);
	long_cancel[3] = 0x0d; /* 269: one byte more than the largest key */
	CU_ASSERT_EQUAL(ingress_test_classify(long_cancel, 8), INGRESS_UNKNOWN);

	/* SSLRequest and GSSENCRequest are always exactly 8 bytes long */
	static const uint8_t ssl_len9[] = {0, 0, 0, 9, 0x04, 0xd2, 0x16, 0x2f};
	CU_ASSERT_EQUAL(ingress_test_classify(ssl_len9, 8), INGRESS_UNKNOWN);
}

static void pg_startup_needs_protocol_3_and_a_sane_length(void)
{
	static const uint8_t v32[] = {0, 0, 0, 9, 0, 3, 0, 2, 0};
	CU_ASSERT_EQUAL(ingress_test_classify(v32, sizeof(v32)), INGRESS_PG_STARTUP);
	static const uint8_t v2[] = {0, 0, 0, 9, 0, 2, 0, 0, 0};
	CU_ASSERT_EQUAL(ingress_test_classify(v2, sizeof(v2)), INGRESS_UNKNOWN);
	static const uint8_t huge[] = {0, 0, 0x27, 0x11, 0, 3, 0, 0}; /* 10001 */
	CU_ASSERT_EQUAL(ingress_test_classify(huge, sizeof(huge)), INGRESS_UNKNOWN);
	static const uint8_t tiny[] = {0, 0, 0, 7, 0, 3, 0, 0};
	CU_ASSERT_EQUAL(ingress_test_classify(tiny, sizeof(tiny)), INGRESS_UNKNOWN);
	/* a length no PG message can have is rejected before the code arrives */
	CU_ASSERT_EQUAL(ingress_test_classify((const uint8_t *)"\x00\x01", 2), INGRESS_UNKNOWN);
}

static void tns_accepts_the_four_byte_length_too(void)
{
	struct ingress_test_file f = ingress_test_load("tns_oracledb_connect.bin");
	CU_ASSERT_FATAL(f.n >= 8 && f.n < 65536);
	/* the same CONNECT as a version >= 315 peer would frame it: BE32 length */
	uint8_t *four = malloc(f.n);
	CU_ASSERT_PTR_NOT_NULL_FATAL(four);
	memcpy(four, f.p, f.n);
	four[0] = 0;
	four[1] = 0;
	four[2] = (uint8_t)(f.n >> 8);
	four[3] = (uint8_t)f.n;
	enum ingress_proto got;
	CU_ASSERT_EQUAL(ingress_test_decide(four, f.n, &got), 6);
	CU_ASSERT_EQUAL(got, INGRESS_TNS);

	/* a non-zero packet checksum is not TNS (and keeps TNS apart from DRDA) */
	memcpy(four, f.p, f.n);
	four[3] = 0x01;
	CU_ASSERT_EQUAL(ingress_test_classify(four, f.n), INGRESS_UNKNOWN);
	/* type 6 (DATA) is never a first packet */
	memcpy(four, f.p, f.n);
	four[4] = 0x06;
	CU_ASSERT_EQUAL(ingress_test_classify(four, f.n), INGRESS_UNKNOWN);
	/* lengths under the 8-byte header */
	static const uint8_t short_len[] = {0, 7, 0, 0, 1, 0};
	CU_ASSERT_EQUAL(ingress_test_classify(short_len, sizeof(short_len)), INGRESS_UNKNOWN);
	static const uint8_t short_len32[] = {0, 0, 0, 7, 1, 0};
	CU_ASSERT_EQUAL(ingress_test_classify(short_len32, sizeof(short_len32)), INGRESS_UNKNOWN);
	free(four);
	free(f.p);
}

static void tds_needs_eom_and_a_sane_length(void)
{
	static const uint8_t ok[] = {0x12, 0x01, 0x00, 0x08};
	CU_ASSERT_EQUAL(ingress_test_classify(ok, 4), INGRESS_TDS);
	static const uint8_t not_eom[] = {0x12, 0x00, 0x00, 0x3a};
	CU_ASSERT_EQUAL(ingress_test_classify(not_eom, 4), INGRESS_UNKNOWN);
	static const uint8_t short_len[] = {0x12, 0x01, 0x00, 0x07};
	CU_ASSERT_EQUAL(ingress_test_classify(short_len, 4), INGRESS_UNKNOWN);
	static const uint8_t long_len[] = {0x12, 0x01, 0x80, 0x01};
	CU_ASSERT_EQUAL(ingress_test_classify(long_len, 4), INGRESS_UNKNOWN);
	/* a partial length is judged by the values it can still take: 0x80xx may
	 * be 0x8000, 0x81xx is too long whatever follows */
	CU_ASSERT_EQUAL(ingress_test_classify(long_len, 3), INGRESS_NEED_MORE);
	CU_ASSERT_EQUAL(ingress_test_classify((const uint8_t *)"\x12\x01\x81", 3), INGRESS_UNKNOWN);
}

static void drda_needs_excsat_in_a_request_dss(void)
{
	struct ingress_test_file f = ingress_test_load("drda_derby_excsat.bin");
	CU_ASSERT_FATAL(f.n >= 10);
	uint8_t m[10];
	memcpy(m, f.p, 10);
	m[9] = 0x6d; /* ACCSEC 0x106d is not a first command */
	CU_ASSERT_EQUAL(ingress_test_classify(m, 10), INGRESS_UNKNOWN);
	memcpy(m, f.p, 10);
	m[3] = 0x42; /* a reply DSS from a client */
	CU_ASSERT_EQUAL(ingress_test_classify(m, 10), INGRESS_UNKNOWN);
	memcpy(m, f.p, 10);
	m[7] = (uint8_t)(f.p[1] - 5); /* DDM object one byte longer than its DSS allows */
	CU_ASSERT_EQUAL(ingress_test_classify(m, 10), INGRESS_UNKNOWN);
	free(f.p);
}

static void http_methods_and_their_prefixes(void)
{
	static const char *const methods[] = {
		"GET ", "POST ", "PUT ", "DELETE ", "HEAD ", "OPTIONS ", "PATCH ", "CONNECT ",
	};
	for (size_t i = 0; i < sizeof(methods) / sizeof(methods[0]); i++) {
		char line[64];
		snprintf(line, sizeof(line), "%s/x HTTP/1.1\r\n\r\n", methods[i]);
		enum ingress_proto got;
		size_t at = ingress_test_decide((const uint8_t *)line, strlen(line), &got);
		CU_ASSERT_EQUAL(got, INGRESS_HTTP1);
		CU_ASSERT_EQUAL(at, strlen(methods[i]));
	}
	CU_ASSERT_EQUAL(ingress_test_classify((const uint8_t *)"OPTIO", 5), INGRESS_NEED_MORE);
	CU_ASSERT_EQUAL(ingress_test_classify((const uint8_t *)"GETX", 4), INGRESS_UNKNOWN);
	CU_ASSERT_EQUAL(ingress_test_classify((const uint8_t *)"PROPFIND ", 9), INGRESS_UNKNOWN);
	/* the HTTP/2 preface shares "P" with POST, PUT, PATCH and is decided only whole */
	CU_ASSERT_EQUAL(ingress_test_classify((const uint8_t *)"PRI * HTTP/2.0\r\n\r\nSM\r\n\r", 23), INGRESS_NEED_MORE);
	CU_ASSERT_EQUAL(ingress_test_classify((const uint8_t *)"PRI * HTTP/1.1", 14), INGRESS_UNKNOWN);
}

static void tls_needs_a_client_hello_record(void)
{
	static const uint8_t ok[] = {0x16, 0x03, 0x01, 0x00, 0x30, 0x01};
	CU_ASSERT_EQUAL(ingress_test_classify(ok, 6), INGRESS_TLS);
	static const uint8_t server_hello[] = {0x16, 0x03, 0x03, 0x00, 0x30, 0x02};
	CU_ASSERT_EQUAL(ingress_test_classify(server_hello, 6), INGRESS_UNKNOWN);
	static const uint8_t v35[] = {0x16, 0x03, 0x05};
	CU_ASSERT_EQUAL(ingress_test_classify(v35, 3), INGRESS_UNKNOWN);
	static const uint8_t alert[] = {0x15, 0x03, 0x01};
	CU_ASSERT_EQUAL(ingress_test_classify(alert, 3), INGRESS_UNKNOWN);
	static const uint8_t huge[] = {0x16, 0x03, 0x01, 0x40, 0x01, 0x01}; /* 16385 */
	CU_ASSERT_EQUAL(ingress_test_classify(huge, 6), INGRESS_UNKNOWN);
	/* 16 03 00 00 01 00 would be a TNS CONNECT of length 0x1603: byte 5 decides */
	static const uint8_t tns_like[] = {0x16, 0x03, 0x00, 0x00, 0x01, 0x00};
	CU_ASSERT_EQUAL(ingress_test_classify(tns_like, 5), INGRESS_NEED_MORE);
	CU_ASSERT_EQUAL(ingress_test_classify(tns_like, 6), INGRESS_TNS);
}

/*
 * Mutations of every capture: 64 bytes always decide, and a decision never
 * changes as bytes are added.  A cheap deterministic stand-in for the fuzzer.
 */
static void sixty_four_bytes_always_decide_and_decisions_stick(void)
{
	uint32_t seed = 12345;
	uint8_t buf[96];
	unsigned undecided = 0, changed = 0;
	for (size_t i = 0; i < sizeof(ingress_test_captures) / sizeof(ingress_test_captures[0]); i++) {
		struct ingress_test_file f = ingress_test_load(ingress_test_captures[i].file);
		for (int round = 0; round < 200; round++) {
			for (size_t j = 0; j < sizeof(buf); j++) {
				seed = seed * 1103515245u + 12345u;
				buf[j] = j < f.n ? f.p[j] : (uint8_t)(seed >> 16);
			}
			seed = seed * 1103515245u + 12345u;
			buf[(seed >> 16) % 24] ^= (uint8_t)(1u << ((seed >> 8) % 8));
			enum ingress_proto first = INGRESS_NEED_MORE;
			for (size_t k = 0; k <= sizeof(buf); k++) {
				enum ingress_proto r = ingress_classify(buf, k);
				if (k >= 64 && r == INGRESS_NEED_MORE)
					undecided++;
				if (first == INGRESS_NEED_MORE)
					first = r;
				else if (r != first)
					changed++;
			}
		}
		free(f.p);
	}
	CU_ASSERT_EQUAL(undecided, 0);
	CU_ASSERT_EQUAL(changed, 0);
}

static void proto_names_are_stable(void)
{
	CU_ASSERT_STRING_EQUAL(ingress_proto_name(INGRESS_NEED_MORE), "need-more");
	CU_ASSERT_STRING_EQUAL(ingress_proto_name(INGRESS_UNKNOWN), "unknown");
	CU_ASSERT_STRING_EQUAL(ingress_proto_name(INGRESS_TLS), "tls");
	CU_ASSERT_STRING_EQUAL(ingress_proto_name(INGRESS_PG_STARTUP), "pg-startup");
	CU_ASSERT_STRING_EQUAL(ingress_proto_name(INGRESS_PG_SSL), "pg-ssl");
	CU_ASSERT_STRING_EQUAL(ingress_proto_name(INGRESS_PG_GSSENC), "pg-gssenc");
	CU_ASSERT_STRING_EQUAL(ingress_proto_name(INGRESS_PG_CANCEL), "pg-cancel");
	CU_ASSERT_STRING_EQUAL(ingress_proto_name(INGRESS_TDS), "tds");
	CU_ASSERT_STRING_EQUAL(ingress_proto_name(INGRESS_TNS), "tns");
	CU_ASSERT_STRING_EQUAL(ingress_proto_name(INGRESS_DRDA), "drda");
	CU_ASSERT_STRING_EQUAL(ingress_proto_name(INGRESS_HTTP1), "http1");
	CU_ASSERT_STRING_EQUAL(ingress_proto_name(INGRESS_HTTP2), "http2");
	CU_ASSERT_STRING_EQUAL(ingress_proto_name((enum ingress_proto)99), "invalid");
}

/* ---- ClientHello ----------------------------------------------------- */

static void openssl_hellos_give_the_sni_and_alpn_asked_for(void)
{
	static const struct {
		const char *file;
		int alpn_count;
		const char *alpn[2];
	} cases[] = {
		{"tls_openssl_alpn_postgresql.bin", 1, {"postgresql", NULL}},
		{"tls_openssl_alpn_h2_http11.bin", 2, {"h2", "http/1.1"}},
		{"tls_curl_https_sni.bin", 2, {"h2", "http/1.1"}},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct ingress_test_file f = ingress_test_load(cases[i].file);
		struct tls_hello h;
		CU_ASSERT_EQUAL(ingress_test_hello(f.p, f.n, &h), (int)f.n);
		CU_ASSERT_STRING_EQUAL(h.sni, "db.example");
		CU_ASSERT_EQUAL_FATAL(h.alpn_count, cases[i].alpn_count);
		for (int j = 0; j < h.alpn_count; j++)
			CU_ASSERT_STRING_EQUAL(h.alpn[j], cases[i].alpn[j]);
		free(f.p);
	}
}

static void truncated_hellos_need_more(void)
{
	struct ingress_test_file f = ingress_test_load("tls_openssl_alpn_postgresql.bin");
	struct tls_hello h;
	for (size_t k = 0; k < f.n; k++) {
		int r = ingress_test_hello(f.p, k, &h);
		CU_ASSERT_EQUAL(r, -2);
		CU_ASSERT_EQUAL(h.sni[0], '\0');
		CU_ASSERT_EQUAL(h.alpn_count, 0);
	}
	free(f.p);
}

/* Patches the BE16 at `off` of a copy of the capture by `delta`; returns
 * what the parser makes of it. */
static int ingress_test_hello_patched(const struct ingress_test_file *f, size_t off, int delta)
{
	uint8_t *m = malloc(f->n);
	CU_ASSERT_PTR_NOT_NULL_FATAL(m);
	memcpy(m, f->p, f->n);
	unsigned v = (unsigned)((m[off] << 8 | m[off + 1]) + delta) & 0xffff;
	m[off] = (uint8_t)(v >> 8);
	m[off + 1] = (uint8_t)v;
	struct tls_hello h;
	int r = ingress_test_hello(m, f->n, &h);
	if (r == -1) {
		CU_ASSERT(h.sni[0] == '\0' && h.alpn_count == 0);
	}
	free(m);
	return r;
}

/* Offset of extension `type` in a one-record hello (at its type field). */
static size_t ingress_test_find_ext(const uint8_t *p, size_t n, unsigned type)
{
	size_t pos = 9 + 2 + 32;
	pos += 1 + p[pos];
	pos += 2 + (size_t)(p[pos] << 8 | p[pos + 1]);
	pos += 1 + p[pos];
	pos += 2;
	while (pos + 4 <= n) {
		unsigned t = (unsigned)(p[pos] << 8 | p[pos + 1]);
		if (t == type)
			return pos;
		pos += 4 + (size_t)(p[pos + 2] << 8 | p[pos + 3]);
	}
	CU_FAIL("extension not found");
	return 0;
}

static void corrupted_hello_lengths_are_malformed(void)
{
	struct ingress_test_file f = ingress_test_load("tls_openssl_alpn_h2_http11.bin");
	struct tls_hello h;
	CU_ASSERT_EQUAL_FATAL(ingress_test_hello(f.p, f.n, &h), (int)f.n);

	size_t sid = 9 + 2 + 32;
	size_t suites = sid + 1 + f.p[sid];
	size_t comp = suites + 2 + (size_t)(f.p[suites] << 8 | f.p[suites + 1]);
	size_t exts = comp + 1 + f.p[comp];
	size_t sni = ingress_test_find_ext(f.p, f.n, 0);
	size_t alpn = ingress_test_find_ext(f.p, f.n, 16);

	/* record length beyond the 2^14 plaintext limit */
	CU_ASSERT_EQUAL(ingress_test_hello_patched(&f, 3, 0x4000), -1);
	/* record too short for a handshake header */
	uint8_t tiny[] = {0x16, 0x03, 0x01, 0x00, 0x03, 0x01, 0x00, 0x00};
	CU_ASSERT_EQUAL(ingress_test_hello(tiny, sizeof(tiny), &h), -1);
	/* handshake length one short: the extensions overrun it */
	CU_ASSERT_EQUAL(ingress_test_hello_patched(&f, 7, -1), -1);
	/* cipher suites: odd, too long */
	CU_ASSERT_EQUAL(ingress_test_hello_patched(&f, suites, 1), -1);
	CU_ASSERT_EQUAL(ingress_test_hello_patched(&f, suites, 0x1000), -1);
	/* extensions block shorter or longer than the rest of the hello */
	CU_ASSERT_EQUAL(ingress_test_hello_patched(&f, exts, -1), -1);
	CU_ASSERT_EQUAL(ingress_test_hello_patched(&f, exts, 1), -1);
	/* SNI: extension, list and name lengths */
	CU_ASSERT_EQUAL(ingress_test_hello_patched(&f, sni + 2, 1), -1);
	CU_ASSERT_EQUAL(ingress_test_hello_patched(&f, sni + 4, 1), -1);
	CU_ASSERT_EQUAL(ingress_test_hello_patched(&f, sni + 7, 1), -1);
	CU_ASSERT_EQUAL(ingress_test_hello_patched(&f, sni + 7, -1), -1);
	/* ALPN: extension and list lengths; a name running past its list */
	CU_ASSERT_EQUAL(ingress_test_hello_patched(&f, alpn + 2, -1), -1);
	CU_ASSERT_EQUAL(ingress_test_hello_patched(&f, alpn + 4, 1), -1);
	CU_ASSERT_EQUAL(ingress_test_hello_patched(&f, alpn + 5, 0x20), -1); /* "h2" says 34 */

	/* session id over 32 bytes; wrong record type; not a ClientHello */
	uint8_t *m = malloc(f.n);
	CU_ASSERT_PTR_NOT_NULL_FATAL(m);
	memcpy(m, f.p, f.n);
	m[sid] = 33;
	CU_ASSERT_EQUAL(ingress_test_hello(m, f.n, &h), -1);
	memcpy(m, f.p, f.n);
	m[0] = 0x17;
	CU_ASSERT_EQUAL(ingress_test_hello(m, 1, &h), -1); /* known at the first byte */
	memcpy(m, f.p, f.n);
	m[5] = 0x02;
	CU_ASSERT_EQUAL(ingress_test_hello(m, 6, &h), -1); /* and before the record is whole */
	free(m);
	free(f.p);
}

/* ---- hand-built hellos ------------------------------------------------ */

/* Appends one extension; `body` may be NULL for `len` zero bytes. */
static void ingress_test_ext(struct buf *b, unsigned type, const void *body, size_t len)
{
	buf_put_be16(b, (uint16_t)type);
	buf_put_be16(b, (uint16_t)len);
	if (body)
		buf_append(b, body, len);
	else
		for (size_t i = 0; i < len; i++)
			buf_put_u8(b, 0);
}

static void ingress_test_sni_ext(struct buf *b, const char *name)
{
	size_t len = strlen(name);
	buf_put_be16(b, 0);
	buf_put_be16(b, (uint16_t)(len + 5));
	buf_put_be16(b, (uint16_t)(len + 3));
	buf_put_u8(b, 0);
	buf_put_be16(b, (uint16_t)len);
	buf_append(b, name, len);
}

static void ingress_test_alpn_ext(struct buf *b, const char *const *names, int count)
{
	size_t list = 0;
	for (int i = 0; i < count; i++)
		list += 1 + strlen(names[i]);
	buf_put_be16(b, 16);
	buf_put_be16(b, (uint16_t)(list + 2));
	buf_put_be16(b, (uint16_t)list);
	for (int i = 0; i < count; i++) {
		buf_put_u8(b, (uint8_t)strlen(names[i]));
		buf_append(b, names[i], strlen(names[i]));
	}
}

/*
 * A ClientHello handshake message (no record header) around the extension
 * bytes `ext`, or with no extensions block at all when ext is NULL.
 */
static void ingress_test_hello_msg(struct buf *out, const struct buf *ext)
{
	struct buf body;
	buf_init(&body);
	buf_put_be16(&body, 0x0303);
	for (int i = 0; i < 32; i++)
		buf_put_u8(&body, (uint8_t)i);
	buf_put_u8(&body, 0);             /* session id */
	buf_put_be16(&body, 2);
	buf_put_be16(&body, 0x1301);      /* TLS_AES_128_GCM_SHA256 */
	buf_put_u8(&body, 1);
	buf_put_u8(&body, 0);             /* null compression */
	if (ext) {
		buf_put_be16(&body, (uint16_t)ext->len);
		buf_append(&body, ext->data, ext->len);
	}
	buf_put_u8(out, 0x01);
	buf_put_u8(out, (uint8_t)(body.len >> 16));
	buf_put_be16(out, (uint16_t)body.len);
	buf_append(out, body.data, body.len);
	buf_free(&body);
}

/* Frames a handshake message into records of at most `frag` bytes each. */
static void ingress_test_records(struct buf *out, const struct buf *msg, size_t frag)
{
	for (size_t at = 0; at < msg->len; at += frag) {
		size_t len = msg->len - at < frag ? msg->len - at : frag;
		buf_put_u8(out, 0x16);
		buf_put_be16(out, 0x0301);
		buf_put_be16(out, (uint16_t)len);
		buf_append(out, msg->data + at, len);
	}
}

static void hello_without_extensions_is_empty_but_valid(void)
{
	struct buf msg, rec;
	buf_init(&msg);
	buf_init(&rec);
	ingress_test_hello_msg(&msg, NULL);
	ingress_test_records(&rec, &msg, 16384);
	struct tls_hello h;
	CU_ASSERT_EQUAL(ingress_test_hello(rec.data, rec.len, &h), (int)rec.len);
	CU_ASSERT_STRING_EQUAL(h.sni, "");
	CU_ASSERT_EQUAL(h.alpn_count, 0);
	buf_free(&msg);
	buf_free(&rec);
}

static void alpn_keeps_order_and_skips_what_it_cannot_hold(void)
{
	static const char *const names[] = {
		"a", "this-protocol-name-is-longer-than-31", "b", "c", "d", "e", "f", "g", "h", "i",
	};
	struct buf ext, msg, rec;
	buf_init(&ext);
	buf_init(&msg);
	buf_init(&rec);
	ingress_test_ext(&ext, 0x000b, "\x01\x00", 2); /* ec_point_formats, ignored */
	ingress_test_alpn_ext(&ext, names, 10);
	ingress_test_hello_msg(&msg, &ext);
	ingress_test_records(&rec, &msg, 16384);
	struct tls_hello h;
	CU_ASSERT_EQUAL(ingress_test_hello(rec.data, rec.len, &h), (int)rec.len);
	CU_ASSERT_EQUAL_FATAL(h.alpn_count, INGRESS_MAX_ALPN);
	static const char *const want[] = {"a", "b", "c", "d", "e", "f", "g", "h"};
	for (int i = 0; i < INGRESS_MAX_ALPN; i++)
		CU_ASSERT_STRING_EQUAL(h.alpn[i], want[i]);
	CU_ASSERT_STRING_EQUAL(h.sni, "");
	buf_free(&ext);
	buf_free(&msg);
	buf_free(&rec);
}

static void duplicate_or_empty_names_are_malformed(void)
{
	static const char *const one[] = {"h2"};
	static const char *const empty[] = {""};
	struct tls_hello h;
	for (int c = 0; c < 4; c++) {
		struct buf ext, msg, rec;
		buf_init(&ext);
		buf_init(&msg);
		buf_init(&rec);
		if (c == 0) { /* two ALPN extensions */
			ingress_test_alpn_ext(&ext, one, 1);
			ingress_test_alpn_ext(&ext, one, 1);
		} else if (c == 1) { /* two server_name extensions */
			ingress_test_sni_ext(&ext, "a.example");
			ingress_test_sni_ext(&ext, "b.example");
		} else if (c == 2) { /* an empty ALPN name */
			ingress_test_alpn_ext(&ext, empty, 1);
		} else { /* a host name with a NUL inside */
			ingress_test_sni_ext(&ext, "a.example");
			ext.data[9] = '\0';
		}
		ingress_test_hello_msg(&msg, &ext);
		ingress_test_records(&rec, &msg, 16384);
		CU_ASSERT_EQUAL(ingress_test_hello(rec.data, rec.len, &h), -1);
		buf_free(&ext);
		buf_free(&msg);
		buf_free(&rec);
	}
}

static void overlong_host_name_is_left_out(void)
{
	char name[301];
	memset(name, 'a', 300);
	name[300] = '\0';
	struct buf ext, msg, rec;
	buf_init(&ext);
	buf_init(&msg);
	buf_init(&rec);
	ingress_test_sni_ext(&ext, name);
	ingress_test_hello_msg(&msg, &ext);
	ingress_test_records(&rec, &msg, 16384);
	struct tls_hello h;
	CU_ASSERT_EQUAL(ingress_test_hello(rec.data, rec.len, &h), (int)rec.len);
	CU_ASSERT_STRING_EQUAL(h.sni, "");
	buf_free(&ext);
	buf_free(&msg);
	buf_free(&rec);

	/* 255 bytes still fit */
	buf_init(&ext);
	buf_init(&msg);
	buf_init(&rec);
	name[255] = '\0';
	ingress_test_sni_ext(&ext, name);
	ingress_test_hello_msg(&msg, &ext);
	ingress_test_records(&rec, &msg, 16384);
	CU_ASSERT_EQUAL(ingress_test_hello(rec.data, rec.len, &h), (int)rec.len);
	CU_ASSERT_STRING_EQUAL(h.sni, name);
	buf_free(&ext);
	buf_free(&msg);
	buf_free(&rec);
}

/*
 * A hello split over several records: only the first record is parsed; what
 * it holds is reported, and the return is that record's length.
 */
static void hello_over_several_records_parses_the_first(void)
{
	static const char *const names[] = {"postgresql"};
	struct buf ext, msg, rec;
	buf_init(&ext);
	buf_init(&msg);
	buf_init(&rec);
	ingress_test_sni_ext(&ext, "db.example");
	ingress_test_alpn_ext(&ext, names, 1);
	ingress_test_ext(&ext, 21, NULL, 20000); /* padding past one record */
	ingress_test_hello_msg(&msg, &ext);
	ingress_test_records(&rec, &msg, 16384);
	struct tls_hello h;
	size_t first = 5 + 16384;
	CU_ASSERT(rec.len > first);
	CU_ASSERT_EQUAL(ingress_test_hello(rec.data, first - 1, &h), -2);
	CU_ASSERT_EQUAL(ingress_test_hello(rec.data, first, &h), (int)first);
	CU_ASSERT_STRING_EQUAL(h.sni, "db.example");
	CU_ASSERT_EQUAL_FATAL(h.alpn_count, 1);
	CU_ASSERT_STRING_EQUAL(h.alpn[0], "postgresql");
	CU_ASSERT_EQUAL(ingress_test_hello(rec.data, rec.len, &h), (int)first);
	buf_reset(&rec);

	/* cut inside the ALPN extension, before its first name: the SNI before
	 * it is still reported.  handshake header 4, version 2, random 32,
	 * session id 1, suites 4, compression 2, extensions length 2, server_name
	 * 19, then ALPN type, length and list length 6. */
	size_t cut = 4 + 2 + 32 + 1 + 4 + 2 + 2 + 19 + 6;
	ingress_test_records(&rec, &msg, cut);
	CU_ASSERT_EQUAL(ingress_test_hello(rec.data, rec.len, &h), (int)(5 + cut));
	CU_ASSERT_STRING_EQUAL(h.sni, "db.example");
	CU_ASSERT_EQUAL(h.alpn_count, 0);
	buf_free(&ext);
	buf_free(&msg);
	buf_free(&rec);
}

void suite_classify(void);
void suite_classify(void)
{
	CU_pSuite s = CU_add_suite("classify", NULL, NULL);
	CU_add_test(s, "every capture is classified at its decision point", every_capture_is_classified_at_its_decision_point);
	CU_add_test(s, "silence needs more", silence_needs_more);
	CU_add_test(s, "garbage is unknown at the first impossible byte", garbage_is_unknown_at_the_first_impossible_byte);
	CU_add_test(s, "pg gssenc and cancel requests are recognised", pg_gssenc_and_cancel_requests_are_recognised);
	CU_add_test(s, "pg startup needs protocol 3 and a sane length", pg_startup_needs_protocol_3_and_a_sane_length);
	CU_add_test(s, "tns accepts the four-byte length too", tns_accepts_the_four_byte_length_too);
	CU_add_test(s, "tds needs eom and a sane length", tds_needs_eom_and_a_sane_length);
	CU_add_test(s, "drda needs excsat in a request dss", drda_needs_excsat_in_a_request_dss);
	CU_add_test(s, "http methods and their prefixes", http_methods_and_their_prefixes);
	CU_add_test(s, "tls needs a client hello record", tls_needs_a_client_hello_record);
	CU_add_test(s, "64 bytes always decide and decisions stick", sixty_four_bytes_always_decide_and_decisions_stick);
	CU_add_test(s, "proto names are stable", proto_names_are_stable);
	CU_add_test(s, "openssl hellos give the sni and alpn asked for", openssl_hellos_give_the_sni_and_alpn_asked_for);
	CU_add_test(s, "truncated hellos need more", truncated_hellos_need_more);
	CU_add_test(s, "corrupted hello lengths are malformed", corrupted_hello_lengths_are_malformed);
	CU_add_test(s, "hello without extensions is empty but valid", hello_without_extensions_is_empty_but_valid);
	CU_add_test(s, "alpn keeps order and skips what it cannot hold", alpn_keeps_order_and_skips_what_it_cannot_hold);
	CU_add_test(s, "duplicate or empty names are malformed", duplicate_or_empty_names_are_malformed);
	CU_add_test(s, "overlong host name is left out", overlong_host_name_is_left_out);
	CU_add_test(s, "hello over several records parses the first", hello_over_several_records_parses_the_first);
}
