/*
 * mysql_wire_test.c — MySQL framing and packets, the auth scrambles, and the
 * handler driven in memory (no socket): greeting, login with both plugins,
 * a query, errors, oversized and out-of-order packets.
 */
#include <CUnit/CUnit.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auth/userstore.h"
#include "engine/store.h"
#include "net/conn.h"
#include "proto/mysql/mysql.h"
#include "proto/mysql/mysql_auth.h"
#include "proto/mysql/mysql_wire.h"

/* ---- lenenc and framing -------------------------------------------------- */

static void lenenc_integers_round_trip_at_every_width(void)
{
	static const struct {
		uint64_t v;
		size_t len;
		uint8_t first;
	} cases[] = {
		{0, 1, 0x00}, {250, 1, 0xfa}, {251, 3, 0xfc}, {0xffff, 3, 0xfc}, {0x10000, 4, 0xfd},
		{0xffffff, 4, 0xfd}, {0x1000000, 9, 0xfe}, {0xffffffffffffffffull, 9, 0xfe},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct buf b;
		buf_init(&b);
		mysql_put_lenenc_int(&b, cases[i].v);
		CU_ASSERT_EQUAL(b.len, cases[i].len);
		CU_ASSERT_EQUAL(b.data[0], cases[i].first);
		struct mysql_rd r = {.p = b.data, .n = b.len};
		CU_ASSERT_EQUAL(mysql_get_lenenc_int(&r, NULL), cases[i].v);
		CU_ASSERT_FALSE(r.bad);
		CU_ASSERT_EQUAL(r.pos, b.len);
		buf_free(&b);
	}
	/* 0xfb is NULL only where NULL is allowed; truncated integers are bad, not garbage */
	uint8_t null_byte = 0xfb, short_u16[] = {0xfc, 0x01};
	int is_null = 0;
	struct mysql_rd r = {.p = &null_byte, .n = 1};
	mysql_get_lenenc_int(&r, &is_null);
	CU_ASSERT_TRUE(is_null);
	r = (struct mysql_rd){.p = &null_byte, .n = 1};
	mysql_get_lenenc_int(&r, NULL);
	CU_ASSERT_TRUE(r.bad);
	r = (struct mysql_rd){.p = short_u16, .n = 2};
	CU_ASSERT_EQUAL(mysql_get_lenenc_int(&r, NULL), 0);
	CU_ASSERT_TRUE(r.bad);
	/* a string longer than the payload */
	uint8_t long_str[] = {5, 'a', 'b'};
	size_t n;
	r = (struct mysql_rd){.p = long_str, .n = 3};
	CU_ASSERT_PTR_NULL(mysql_get_lenenc_str(&r, &n));
	CU_ASSERT_TRUE(r.bad);
}

static void frames_whole_partial_and_oversized_packets(void)
{
	struct buf scratch;
	buf_init(&scratch);
	struct mysql_packet pk;
	uint8_t pkt[] = {3, 0, 0, 7, 'a', 'b', 'c', 0xee};
	CU_ASSERT_EQUAL(mysql_frame(pkt, 3, 1000, &scratch, &pk), 0);       /* header incomplete */
	CU_ASSERT_EQUAL(mysql_frame(pkt, 6, 1000, &scratch, &pk), 0);       /* payload incomplete */
	CU_ASSERT_EQUAL(mysql_frame(pkt, sizeof(pkt), 1000, &scratch, &pk), 7); /* one packet, not the next byte */
	CU_ASSERT_EQUAL(pk.len, 3);
	CU_ASSERT_EQUAL(pk.seq, 7);
	CU_ASSERT(memcmp(pk.payload, "abc", 3) == 0);
	CU_ASSERT_EQUAL(mysql_frame(pkt, sizeof(pkt), 2, &scratch, &pk), -1); /* refused from the length word */
	buf_free(&scratch);
}

static void splits_and_reassembles_payloads_over_16_mib(void)
{
	size_t len = 2 * (size_t)MYSQL_SPLIT + 10;
	struct buf out, scratch;
	buf_init(&out);
	buf_init(&scratch);
	uint8_t seq = 3;
	size_t at = mysql_packet_begin(&out, &seq);
	buf_reserve(&out, len);
	for (size_t i = 0; i < len; i++)
		out.data[out.len++] = (uint8_t)(i * 7);
	mysql_packet_end(&out, at, &seq);
	CU_ASSERT_EQUAL(out.len, len + 3 * 4);
	CU_ASSERT_EQUAL(seq, 6);
	CU_ASSERT(out.data[0] == 0xff && out.data[1] == 0xff && out.data[2] == 0xff && out.data[3] == 3);
	size_t third = 2 * ((size_t)MYSQL_SPLIT + 4);
	CU_ASSERT_EQUAL(out.data[third], 10);
	CU_ASSERT_EQUAL(out.data[third + 3], 5);
	struct mysql_packet pk;
	CU_ASSERT_EQUAL(mysql_frame(out.data, out.len - 1, SIZE_MAX, &scratch, &pk), 0); /* last part short */
	CU_ASSERT_EQUAL(mysql_frame(out.data, out.len, len - 1, &scratch, &pk), -1);
	CU_ASSERT_EQUAL(mysql_frame(out.data, out.len, SIZE_MAX, &scratch, &pk), (ssize_t)out.len);
	CU_ASSERT_EQUAL(pk.len, len);
	CU_ASSERT_EQUAL(pk.seq, 5);
	int same = 1;
	for (size_t i = 0; i < len && same; i++)
		same = pk.payload[i] == (uint8_t)(i * 7);
	CU_ASSERT_TRUE(same);
	/* exactly 16 MiB - 1 is followed by an empty packet */
	buf_reset(&out);
	seq = 0;
	at = mysql_packet_begin(&out, &seq);
	buf_reserve(&out, MYSQL_SPLIT);
	memset(out.data + out.len, 'x', MYSQL_SPLIT);
	out.len += MYSQL_SPLIT;
	mysql_packet_end(&out, at, &seq);
	CU_ASSERT_EQUAL(out.len, (size_t)MYSQL_SPLIT + 8);
	CU_ASSERT_EQUAL(seq, 2);
	CU_ASSERT(out.data[out.len - 4] == 0 && out.data[out.len - 1] == 1);
	buf_free(&out);
	buf_free(&scratch);
}

static void ok_and_err_packets_have_the_41_layout(void)
{
	struct buf b;
	buf_init(&b);
	uint8_t seq = 1;
	mysql_put_ok(&b, &seq, CLIENT_PROTOCOL_41, 0x00, 300, 7, SERVER_STATUS_AUTOCOMMIT, 2, NULL);
	static const uint8_t ok[] = {9, 0, 0, 1, 0x00, 0xfc, 0x2c, 0x01, 7, 0x02, 0x00, 0x02, 0x00};
	CU_ASSERT_EQUAL(b.len, sizeof(ok));
	CU_ASSERT(memcmp(b.data, ok, sizeof(ok)) == 0);
	CU_ASSERT_EQUAL(seq, 2);
	buf_reset(&b);
	mysql_put_err_code(&b, &seq, CLIENT_PROTOCOL_41, ERR_UNIQUE_VIOLATION, "dup %d", 1);
	CU_ASSERT_EQUAL(b.data[3], 2);
	CU_ASSERT_EQUAL(b.data[4], 0xff);
	CU_ASSERT_EQUAL(b.data[5] | b.data[6] << 8, 1062);
	CU_ASSERT(memcmp(b.data + 7, "#23000dup 1", 11) == 0);
	CU_ASSERT_EQUAL(b.len, 4 + 1 + 2 + 6 + 5);
	buf_reset(&b);
	mysql_put_eof(&b, &seq, SERVER_STATUS_IN_TRANS, 0);
	static const uint8_t eof[] = {5, 0, 0, 3, 0xfe, 0, 0, 1, 0};
	CU_ASSERT(memcmp(b.data, eof, sizeof(eof)) == 0);
	CU_ASSERT_STRING_EQUAL(mysql_sqlstate(1146), "42S02");
	CU_ASSERT_STRING_EQUAL(mysql_sqlstate(1064), "42000");
	CU_ASSERT_STRING_EQUAL(mysql_sqlstate(9999), "HY000");
	buf_free(&b);
}

/* ---- the scrambles, against digests computed here ------------------------ */

static void sha(const EVP_MD *md, const void *a, size_t an, const void *b, size_t bn, uint8_t *out)
{
	EVP_MD_CTX *x = EVP_MD_CTX_new();
	unsigned int n;
	EVP_DigestInit_ex(x, md, NULL);
	EVP_DigestUpdate(x, a, an);
	if (b)
		EVP_DigestUpdate(x, b, bn);
	EVP_DigestFinal_ex(x, out, &n);
	EVP_MD_CTX_free(x);
}

static void scrambles_match_a_known_vector(void)
{
	const uint8_t scramble[20] = "abcdefghij0123456789";
	uint8_t tok[32], h1[32], h2[32], h3[32];
	/* mysql_native_password of "demo": a fixed vector (Python's hashlib), then the stored-verifier check */
	CU_ASSERT_EQUAL(mysql_native_token("demo", scramble, tok), 0);
	static const uint8_t native_vector[20] = {0x26, 0xf6, 0x34, 0xda, 0x5d, 0x76, 0xd8, 0xbb, 0xf0, 0x47,
						  0xdf, 0x7f, 0x26, 0x64, 0xea, 0x64, 0x03, 0xdd, 0x8a, 0xf6};
	sha(EVP_sha1(), "demo", 4, NULL, 0, h1);
	sha(EVP_sha1(), h1, 20, NULL, 0, h2);
	sha(EVP_sha1(), scramble, 20, h2, 20, h3);
	uint8_t expect[32];
	for (int i = 0; i < 20; i++)
		expect[i] = h1[i] ^ h3[i];
	CU_ASSERT(memcmp(tok, expect, 20) == 0);
	CU_ASSERT(memcmp(tok, native_vector, 20) == 0);
	CU_ASSERT_TRUE(mysql_native_check(h2, scramble, tok, 20));
	tok[0] ^= 1;
	CU_ASSERT_FALSE(mysql_native_check(h2, scramble, tok, 20));
	CU_ASSERT_FALSE(mysql_native_check(h2, scramble, tok, 19));
	/* caching_sha2_password fast path */
	CU_ASSERT_EQUAL(mysql_sha2_token("demo", scramble, tok), 0);
	sha(EVP_sha256(), "demo", 4, NULL, 0, h1);
	sha(EVP_sha256(), h1, 32, NULL, 0, h2);
	sha(EVP_sha256(), h2, 32, scramble, 20, h3);
	for (int i = 0; i < 32; i++)
		expect[i] = h1[i] ^ h3[i];
	CU_ASSERT(memcmp(tok, expect, 32) == 0);
	CU_ASSERT_TRUE(mysql_sha2_fast_check(h2, scramble, tok, 32));
	tok[31] ^= 0x80;
	CU_ASSERT_FALSE(mysql_sha2_fast_check(h2, scramble, tok, 32));
}

/* ---- the handler in memory ------------------------------------------------ */

static char dir[64];
static struct config cfg;
static struct server_env env;

static int setup(void)
{
	strcpy(dir, "/tmp/rosetta-my-XXXXXX");
	if (!mkdtemp(dir))
		return -1;
	char path[128];
	struct rerr err;
	config_defaults(&cfg);
	env.cfg = &cfg;
	snprintf(path, sizeof(path), "%s/db", dir);
	env.store = store_open_sqlite(path, &err);
	if (!env.store || store_create_database(env.store, "demo", &err) < 0)
		return -1;
	snprintf(path, sizeof(path), "%s/users", dir);
	if (userstore_load(path, &env.users) < 0 || userstore_set_password(env.users, path, "demo", "demo") < 0)
		return -1;
	return 0;
}

static int teardown(void)
{
	userstore_free(env.users);
	store_close(env.store);
	char cmd[128];
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	return system(cmd) == 0 ? 0 : -1;
}

static void conn_init(struct conn *c)
{
	memset(c, 0, sizeof(*c));
	buf_init(&c->in);
	buf_init(&c->out);
	c->env = &env;
	c->proto = &mysql_handler;
	c->id = 42;
	snprintf(c->peer, sizeof(c->peer), "127.0.0.1:5000");
}

static void conn_free(struct conn *c)
{
	c->proto->close(c);
	buf_free(&c->in);
	buf_free(&c->out);
}

static void send_packet(struct conn *c, uint8_t seq, const void *p, size_t n)
{
	uint8_t h[4] = {(uint8_t)n, (uint8_t)(n >> 8), (uint8_t)(n >> 16), seq};
	buf_append(&c->in, h, 4);
	buf_append(&c->in, p, n);
}

/* The index-th packet in c->out (payload, length); NULL when there are fewer. */
static const uint8_t *out_packet(struct conn *c, int index, size_t *len)
{
	size_t i = 0;
	while (i + 4 <= c->out.len) {
		size_t l = c->out.data[i] | c->out.data[i + 1] << 8 | c->out.data[i + 2] << 16;
		if (index-- == 0) {
			*len = l;
			return c->out.data + i + 4;
		}
		i += 4 + l;
	}
	return NULL;
}

/* Read the scramble out of the greeting; then send a HandshakeResponse41. */
static void login(struct conn *c, const char *plugin, const char *pw, const char *db)
{
	size_t n;
	const uint8_t *g = out_packet(c, 0, &n);
	CU_ASSERT_PTR_NOT_NULL_FATAL(g);
	CU_ASSERT_EQUAL(g[0], 10);
	size_t v = strlen((const char *)g + 1);
	uint8_t scramble[20];
	memcpy(scramble, g + 1 + v + 1 + 4, 8);
	memcpy(scramble + 8, g + 1 + v + 1 + 4 + 8 + 1 + 2 + 1 + 2 + 2 + 1 + 10, 12);
	struct buf r;
	buf_init(&r);
	uint32_t caps = CLIENT_PROTOCOL_41 | CLIENT_SECURE_CONNECTION | CLIENT_PLUGIN_AUTH |
			CLIENT_PLUGIN_AUTH_LENENC_CLIENT_DATA | CLIENT_DEPRECATE_EOF | CLIENT_MULTI_STATEMENTS |
			CLIENT_TRANSACTIONS | (db ? CLIENT_CONNECT_WITH_DB : 0);
	mysql_put_u32(&r, caps);
	mysql_put_u32(&r, 1 << 24);
	buf_put_u8(&r, 45);
	uint8_t zero[23] = {0};
	buf_append(&r, zero, 23);
	buf_put_cstr(&r, "demo");
	uint8_t tok[32];
	if (!strcmp(plugin, "mysql_native_password")) {
		mysql_native_token(pw, scramble, tok);
		mysql_put_lenenc_str(&r, tok, 20);
	} else {
		mysql_sha2_token(pw, scramble, tok);
		mysql_put_lenenc_str(&r, tok, 32);
	}
	if (db)
		buf_put_cstr(&r, db);
	buf_put_cstr(&r, plugin);
	buf_reset(&c->out);
	send_packet(c, 1, r.data, r.len);
	buf_free(&r);
}

static int query(struct conn *c, const char *sql)
{
	struct buf q;
	buf_init(&q);
	buf_put_u8(&q, COM_QUERY);
	buf_append(&q, sql, strlen(sql));
	buf_reset(&c->out);
	send_packet(c, 0, q.data, q.len);
	buf_free(&q);
	return c->proto->input(c);
}

static void native_login_then_query_and_errors(void)
{
	struct conn c;
	conn_init(&c);
	CU_ASSERT_EQUAL_FATAL(c.proto->open(&c), 0);
	login(&c, "mysql_native_password", "demo", "demo");
	CU_ASSERT_EQUAL(c.proto->input(&c), 0);
	size_t n;
	const uint8_t *p = out_packet(&c, 0, &n);
	CU_ASSERT_PTR_NOT_NULL_FATAL(p);
	CU_ASSERT_EQUAL(p[0], 0x00); /* OK */
	CU_ASSERT_EQUAL(c.out.data[3], 2);
	CU_ASSERT_TRUE(c.authenticated);

	CU_ASSERT_EQUAL(query(&c, "SELECT 1 AS a, NULL AS b"), 0);
	p = out_packet(&c, 0, &n); /* column count */
	CU_ASSERT(p && n == 1 && p[0] == 2);
	p = out_packet(&c, 3, &n); /* the row: "1", NULL */
	CU_ASSERT(p && n == 3 && p[0] == 1 && p[1] == '1' && p[2] == 0xfb);
	p = out_packet(&c, 4, &n); /* OK as EOF */
	CU_ASSERT(p && p[0] == 0xfe && n >= 7);
	CU_ASSERT_PTR_NULL(out_packet(&c, 5, &n));

	CU_ASSERT_EQUAL(query(&c, "CREATE TABLE t (id INT AUTO_INCREMENT PRIMARY KEY, v INT UNIQUE); "
				  "INSERT INTO t (v) VALUES (10), (20)"), 0);
	p = out_packet(&c, 0, &n);
	CU_ASSERT(p && p[0] == 0x00 && (p[3] & SERVER_MORE_RESULTS_EXISTS));
	p = out_packet(&c, 1, &n);
	CU_ASSERT(p && p[0] == 0x00 && p[1] == 2 && p[2] == 1); /* 2 rows, first id 1 */

	CU_ASSERT_EQUAL(query(&c, "INSERT INTO t (v) VALUES (10)"), 0);
	p = out_packet(&c, 0, &n);
	CU_ASSERT(p && p[0] == 0xff && (p[1] | p[2] << 8) == 1062);
	CU_ASSERT_EQUAL(query(&c, "SELEC 1"), 0);
	p = out_packet(&c, 0, &n);
	CU_ASSERT(p && p[0] == 0xff && (p[1] | p[2] << 8) == 1064);
	CU_ASSERT_EQUAL(query(&c, "SELECT * FROM nope"), 0);
	p = out_packet(&c, 0, &n);
	CU_ASSERT(p && p[0] == 0xff && (p[1] | p[2] << 8) == 1146 && memcmp(p + 3, "#42S02", 6) == 0);

	/* unknown command: ERR 1047, connection stays */
	uint8_t cmd = 0x7f;
	buf_reset(&c.out);
	send_packet(&c, 0, &cmd, 1);
	CU_ASSERT_EQUAL(c.proto->input(&c), 0);
	p = out_packet(&c, 0, &n);
	CU_ASSERT(p && p[0] == 0xff && (p[1] | p[2] << 8) == 1047);
	/* a command with sequence id 3 is out of order: ERR 1156 and close */
	cmd = COM_PING;
	buf_reset(&c.out);
	send_packet(&c, 3, &cmd, 1);
	CU_ASSERT_EQUAL(c.proto->input(&c), -1);
	p = out_packet(&c, 0, &n);
	CU_ASSERT(p && p[0] == 0xff && (p[1] | p[2] << 8) == 1156);
	conn_free(&c);
}

static void sha2_fast_path_and_wrong_password(void)
{
	struct conn c;
	conn_init(&c);
	CU_ASSERT_EQUAL_FATAL(c.proto->open(&c), 0);
	login(&c, "caching_sha2_password", "demo", NULL);
	CU_ASSERT_EQUAL(c.proto->input(&c), 0);
	size_t n;
	const uint8_t *p = out_packet(&c, 0, &n);
	CU_ASSERT(p && n == 2 && p[0] == 0x01 && p[1] == 0x03); /* fast auth success */
	p = out_packet(&c, 1, &n);
	CU_ASSERT(p && p[0] == 0x00);
	CU_ASSERT_EQUAL(query(&c, "SELECT DATABASE(), CONNECTION_ID()"), 0);
	p = out_packet(&c, 3, &n);
	CU_ASSERT(p && n == 1 + 4 + 1 + 2 && memcmp(p + 1, "demo", 4) == 0 && memcmp(p + 6, "42", 2) == 0);
	conn_free(&c);

	conn_init(&c);
	CU_ASSERT_EQUAL_FATAL(c.proto->open(&c), 0);
	login(&c, "caching_sha2_password", "wrong", "demo");
	CU_ASSERT_EQUAL(c.proto->input(&c), 0);
	p = out_packet(&c, 0, &n);
	CU_ASSERT(p && n == 2 && p[0] == 0x01 && p[1] == 0x04); /* perform full authentication */
	buf_reset(&c.out);
	uint8_t key_request = 0x02;
	send_packet(&c, 3, &key_request, 1);
	CU_ASSERT_EQUAL(c.proto->input(&c), 0);
	p = out_packet(&c, 0, &n);
	CU_ASSERT(p && p[0] == 0x01 && n > 100 && memcmp(p + 1, "-----BEGIN PUBLIC KEY-----", 26) == 0);
	uint8_t junk[256] = {1};
	buf_reset(&c.out);
	send_packet(&c, 5, junk, sizeof(junk));
	CU_ASSERT_EQUAL(c.proto->input(&c), -1);
	p = out_packet(&c, 0, &n);
	CU_ASSERT(p && p[0] == 0xff && (p[1] | p[2] << 8) == 1045 && memcmp(p + 3, "#28000Access denied", 19) == 0);
	conn_free(&c);

	/* unknown database */
	conn_init(&c);
	CU_ASSERT_EQUAL_FATAL(c.proto->open(&c), 0);
	login(&c, "mysql_native_password", "demo", "nodb");
	CU_ASSERT_EQUAL(c.proto->input(&c), -1);
	p = out_packet(&c, 0, &n);
	CU_ASSERT(p && p[0] == 0xff && (p[1] | p[2] << 8) == 1049);
	conn_free(&c);
}

static void oversized_packet_before_auth_closes(void)
{
	struct conn c;
	conn_init(&c);
	CU_ASSERT_EQUAL_FATAL(c.proto->open(&c), 0);
	buf_reset(&c.out);
	uint8_t h[4] = {0xff, 0xff, 0xff, 1};
	buf_append(&c.in, h, 4);
	CU_ASSERT_EQUAL(c.proto->input(&c), -1);
	size_t n;
	const uint8_t *p = out_packet(&c, 0, &n);
	CU_ASSERT(p && p[0] == 0xff && (p[1] | p[2] << 8) == 1153);
	conn_free(&c);
}

void suite_mysql_wire(void);
void suite_mysql_wire(void)
{
	CU_pSuite s = CU_add_suite("mysql_wire", NULL, NULL);
	CU_add_test(s, "lenenc integers round trip at every width", lenenc_integers_round_trip_at_every_width);
	CU_add_test(s, "frames whole, partial and oversized packets", frames_whole_partial_and_oversized_packets);
	CU_add_test(s, "splits and reassembles payloads over 16 MiB", splits_and_reassembles_payloads_over_16_mib);
	CU_add_test(s, "OK and ERR packets have the 4.1 layout", ok_and_err_packets_have_the_41_layout);
	CU_add_test(s, "scrambles match a known vector", scrambles_match_a_known_vector);
}

void suite_mysql_handler(void);
void suite_mysql_handler(void)
{
	CU_pSuite s = CU_add_suite("mysql_handler", setup, teardown);
	CU_add_test(s, "native login, then queries and errors", native_login_then_query_and_errors);
	CU_add_test(s, "caching_sha2 fast path; wrong password after full auth", sha2_fast_path_and_wrong_password);
	CU_add_test(s, "oversized packet before auth closes", oversized_packet_before_auth_closes);
}
