/*
 * test_pg_handler.c — the PostgreSQL handler driven in memory, with no socket:
 * bytes in, bytes out.  A SCRAM client computed here with OpenSSL logs in, runs
 * statements and checks the replies byte by byte.  This is the sans-IO promise
 * in practice: the same handler the server runs, fed by a test.
 */
#include <CUnit/CUnit.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/sha.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auth/userstore.h"
#include "engine/store.h"
#include "net/conn.h"
#include "proto/pg/pg.h"
#include "proto/pg/pg_wire.h"

static char dir[64];
static struct config cfg;
static struct server_env env;

static int setup(void)
{
	strcpy(dir, "/tmp/rosetta-pg-XXXXXX");
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
	memset(env.secret, 7, sizeof(env.secret));
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

/* Feed bytes to the handler; returns its result.  c->out keeps what it wrote. */
static int feed(struct conn *c, const void *p, size_t n)
{
	buf_append(&c->in, p, n);
	return c->proto->input(c);
}

/* Find the index-th message of `type` in c->out; returns its body or NULL. */
static const uint8_t *find_msg(struct conn *c, char type, int index, uint32_t *len)
{
	size_t i = 0;
	while (i + 5 <= c->out.len) {
		uint32_t l = rd_be32(c->out.data + i + 1);
		if (c->out.data[i] == (uint8_t)type && index-- == 0) {
			*len = l - 4;
			return c->out.data + i + 5;
		}
		i += 1 + l;
	}
	return NULL;
}

static void startup(struct buf *b, const char *user, const char *db)
{
	size_t at = b->len;
	buf_put_be32(b, 0);
	buf_put_be32(b, 196608);
	buf_put_cstr(b, "user");
	buf_put_cstr(b, user);
	buf_put_cstr(b, "database");
	buf_put_cstr(b, db);
	buf_put_u8(b, 0);
	buf_patch_be32(b, at, (uint32_t)(b->len - at));
}

static void sasl_msg(struct buf *b, const char *mech, const char *data)
{
	size_t at = pg_msg_begin(b, 'p');
	if (mech) {
		buf_put_cstr(b, mech);
		buf_put_be32(b, (uint32_t)strlen(data));
	}
	buf_append(b, data, strlen(data));
	pg_msg_end(b, at);
}

/* The client side of SCRAM-SHA-256 (RFC 5802 §3), enough to log in. */
static void scram_client_final(const char *password, const char *client_first_bare, const char *server_first,
			       char *out, size_t cap)
{
	char nonce[128] = "", salt_b64[128] = "";
	int iter = 0;
	sscanf(server_first, "r=%127[^,],s=%127[^,],i=%d", nonce, salt_b64, &iter);
	uint8_t salt[128], salted[32], client_key[32], stored[32], sig[32], proof[32];
	int slen = EVP_DecodeBlock(salt, (const uint8_t *)salt_b64, (int)strlen(salt_b64));
	for (const char *p = salt_b64 + strlen(salt_b64); p > salt_b64 && p[-1] == '='; p--)
		slen--;
	PKCS5_PBKDF2_HMAC(password, (int)strlen(password), salt, slen, iter, EVP_sha256(), 32, salted);
	unsigned int l = 32;
	HMAC(EVP_sha256(), salted, 32, (const uint8_t *)"Client Key", 10, client_key, &l);
	SHA256(client_key, 32, stored);
	char without_proof[256], auth_msg[1024];
	snprintf(without_proof, sizeof(without_proof), "c=biws,r=%s", nonce);
	snprintf(auth_msg, sizeof(auth_msg), "%s,%s,%s", client_first_bare, server_first, without_proof);
	HMAC(EVP_sha256(), stored, 32, (const uint8_t *)auth_msg, strlen(auth_msg), sig, &l);
	for (int i = 0; i < 32; i++)
		proof[i] = client_key[i] ^ sig[i];
	char proof_b64[64];
	EVP_EncodeBlock((uint8_t *)proof_b64, proof, 32);
	snprintf(out, cap, "%s,p=%s", without_proof, proof_b64);
}

/* Log in as demo with `password`; returns the handler's result of the final step. */
static int login(struct conn *c, const char *password)
{
	memset(c, 0, sizeof(*c));
	c->env = &env;
	c->proto = &pg_handler;
	CU_ASSERT_EQUAL_FATAL(pg_handler.open(c), 0);
	struct buf b;
	buf_init(&b);
	startup(&b, "demo", "demo");
	CU_ASSERT_EQUAL(feed(c, b.data, b.len), 0);
	uint32_t len;
	const uint8_t *auth = find_msg(c, 'R', 0, &len);
	CU_ASSERT_PTR_NOT_NULL_FATAL(auth);
	CU_ASSERT_EQUAL(rd_be32(auth), 10); /* AuthenticationSASL */
	CU_ASSERT(memcmp(auth + 4, "SCRAM-SHA-256\0\0", 15) == 0); /* no -PLUS without TLS */
	buf_reset(&c->out);
	buf_reset(&b);
	sasl_msg(&b, "SCRAM-SHA-256", "n,,n=,r=clientnonce123");
	CU_ASSERT_EQUAL(feed(c, b.data, b.len), 0);
	const uint8_t *cont = find_msg(c, 'R', 0, &len);
	CU_ASSERT_PTR_NOT_NULL_FATAL(cont);
	CU_ASSERT_EQUAL(rd_be32(cont), 11);
	char server_first[256];
	snprintf(server_first, sizeof(server_first), "%.*s", (int)len - 4, (const char *)cont + 4);
	CU_ASSERT(strncmp(server_first, "r=clientnonce123", 16) == 0);
	char final[512];
	scram_client_final(password, "n=,r=clientnonce123", server_first, final, sizeof(final));
	buf_reset(&c->out);
	buf_reset(&b);
	sasl_msg(&b, NULL, final);
	int rc = feed(c, b.data, b.len);
	buf_free(&b);
	return rc;
}

static void end(struct conn *c)
{
	pg_handler.close(c);
	buf_free(&c->in);
	buf_free(&c->out);
}

static void scram_login_then_ready_for_query(void)
{
	struct conn c;
	CU_ASSERT_EQUAL(login(&c, "demo"), 0);
	uint32_t len;
	const uint8_t *final = find_msg(&c, 'R', 0, &len);
	CU_ASSERT_PTR_NOT_NULL_FATAL(final);
	CU_ASSERT_EQUAL(rd_be32(final), 12);
	CU_ASSERT(memcmp(final + 4, "v=", 2) == 0);
	const uint8_t *ok = find_msg(&c, 'R', 1, &len);
	CU_ASSERT_PTR_NOT_NULL_FATAL(ok);
	CU_ASSERT_EQUAL(rd_be32(ok), 0);
	CU_ASSERT_PTR_NOT_NULL(find_msg(&c, 'K', 0, &len));
	const uint8_t *z = find_msg(&c, 'Z', 0, &len);
	CU_ASSERT_PTR_NOT_NULL_FATAL(z);
	CU_ASSERT_EQUAL(z[0], 'I');
	CU_ASSERT(c.authenticated);
	end(&c);
}

static void wrong_password_gets_fatal_28P01(void)
{
	struct conn c;
	CU_ASSERT_EQUAL(login(&c, "wrong"), -1);
	uint32_t len;
	const uint8_t *e = find_msg(&c, 'E', 0, &len);
	CU_ASSERT_PTR_NOT_NULL_FATAL(e);
	CU_ASSERT(memmem(e, len, "SFATAL", 6) != NULL);
	CU_ASSERT(memmem(e, len, "C28P01", 6) != NULL);
	CU_ASSERT(!c.authenticated);
	end(&c);
}

static void query(struct conn *c, const char *sql)
{
	struct buf b;
	buf_init(&b);
	size_t at = pg_msg_begin(&b, 'Q');
	buf_put_cstr(&b, sql);
	pg_msg_end(&b, at);
	buf_reset(&c->out);
	CU_ASSERT_EQUAL(feed(c, b.data, b.len), 0);
	buf_free(&b);
}

static void simple_query_rows_tags_and_status(void)
{
	struct conn c;
	CU_ASSERT_EQUAL_FATAL(login(&c, "demo"), 0);
	query(&c, "create table h1 (id integer, f double precision, b boolean); insert into h1 values (1, 0.1, 1), (2, null, 0)");
	uint32_t len;
	const uint8_t *tag = find_msg(&c, 'C', 1, &len);
	CU_ASSERT_PTR_NOT_NULL_FATAL(tag);
	CU_ASSERT_STRING_EQUAL((const char *)tag, "INSERT 0 2");

	query(&c, "select id, f, b from h1 order by id");
	const uint8_t *t = find_msg(&c, 'T', 0, &len);
	CU_ASSERT_PTR_NOT_NULL_FATAL(t);
	CU_ASSERT_EQUAL(rd_be16(t), 3);
	CU_ASSERT_EQUAL(rd_be32(t + 2 + 3 + 4 + 2), 23); /* "id\0", table oid, attnum, then int4 */
	const uint8_t *d = find_msg(&c, 'D', 0, &len);
	CU_ASSERT_PTR_NOT_NULL_FATAL(d);
	CU_ASSERT_EQUAL(rd_be16(d), 3);
	CU_ASSERT_EQUAL(rd_be32(d + 2), 1);
	CU_ASSERT_EQUAL(d[6], '1');
	CU_ASSERT_EQUAL(rd_be32(d + 7), 3);
	CU_ASSERT(memcmp(d + 11, "0.1", 3) == 0); /* shortest round-trip float text */
	CU_ASSERT_EQUAL(rd_be32(d + 14), 1);
	CU_ASSERT_EQUAL(d[18], 't');
	const uint8_t *d2 = find_msg(&c, 'D', 1, &len);
	CU_ASSERT_PTR_NOT_NULL_FATAL(d2);
	CU_ASSERT_EQUAL(rd_be32(d2 + 2 + 4 + 1), 0xffffffffu); /* NULL */
	tag = find_msg(&c, 'C', 0, &len);
	CU_ASSERT_STRING_EQUAL((const char *)tag, "SELECT 2");

	query(&c, "begin; select * from nosuch");
	const uint8_t *e = find_msg(&c, 'E', 0, &len);
	CU_ASSERT_PTR_NOT_NULL_FATAL(e);
	CU_ASSERT(memmem(e, len, "C42P01", 6) != NULL);
	const uint8_t *z = find_msg(&c, 'Z', 0, &len);
	CU_ASSERT_EQUAL(z[0], 'E'); /* in a failed transaction */
	query(&c, "rollback");
	z = find_msg(&c, 'Z', 0, &len);
	CU_ASSERT_EQUAL(z[0], 'I');

	query(&c, "   ");
	CU_ASSERT_PTR_NOT_NULL(find_msg(&c, 'I', 0, &len)); /* EmptyQueryResponse */
	end(&c);
}

static void oversized_and_unknown_messages_close_with_08P01(void)
{
	struct conn c;
	CU_ASSERT_EQUAL_FATAL(login(&c, "demo"), 0);
	buf_reset(&c.out);
	uint8_t huge[5] = {'Q', 0x40, 0, 0, 0}; /* 1 GiB */
	CU_ASSERT_EQUAL(feed(&c, huge, sizeof(huge)), -1);
	uint32_t len;
	const uint8_t *e = find_msg(&c, 'E', 0, &len);
	CU_ASSERT_PTR_NOT_NULL_FATAL(e);
	CU_ASSERT(memmem(e, len, "C08P01", 6) != NULL);
	end(&c);

	CU_ASSERT_EQUAL_FATAL(login(&c, "demo"), 0);
	buf_reset(&c.out);
	uint8_t bad[5] = {'~', 0, 0, 0, 4};
	CU_ASSERT_EQUAL(feed(&c, bad, sizeof(bad)), -1);
	e = find_msg(&c, 'E', 0, &len);
	CU_ASSERT_PTR_NOT_NULL_FATAL(e);
	CU_ASSERT(memmem(e, len, "C08P01", 6) != NULL);
	end(&c);
}

static void ssl_request_without_tls_is_declined(void)
{
	struct conn c;
	memset(&c, 0, sizeof(c));
	c.env = &env; /* env.tls is NULL: no certificate */
	c.proto = &pg_handler;
	CU_ASSERT_EQUAL_FATAL(pg_handler.open(&c), 0);
	uint8_t ssl[8] = {0, 0, 0, 8, 0x04, 0xd2, 0x16, 0x2f};
	CU_ASSERT_EQUAL(feed(&c, ssl, 8), 0);
	CU_ASSERT_EQUAL(c.out.len, 1);
	CU_ASSERT_EQUAL(c.out.data[0], 'N');
	CU_ASSERT_EQUAL(c.want & CONN_WANT_TLS, 0);
	end(&c);
}

static void split_delivery_is_reassembled(void)
{
	/* The startup packet one byte at a time: nothing happens until it is whole. */
	struct conn c;
	memset(&c, 0, sizeof(c));
	c.env = &env;
	c.proto = &pg_handler;
	CU_ASSERT_EQUAL_FATAL(pg_handler.open(&c), 0);
	struct buf b;
	buf_init(&b);
	startup(&b, "demo", "demo");
	for (size_t i = 0; i + 1 < b.len; i++) {
		CU_ASSERT_EQUAL(feed(&c, b.data + i, 1), 0);
		CU_ASSERT_EQUAL(c.out.len, 0);
	}
	CU_ASSERT_EQUAL(feed(&c, b.data + b.len - 1, 1), 0);
	CU_ASSERT(c.out.len > 0 && c.out.data[0] == 'R');
	buf_free(&b);
	end(&c);
}


/* ---- extended query protocol ---- */

static void put_parse(struct buf *b, const char *name, const char *sql, int n, const uint32_t *oids)
{
	size_t at = pg_msg_begin(b, 'P');
	buf_put_cstr(b, name);
	buf_put_cstr(b, sql);
	buf_put_be16(b, (uint16_t)n);
	for (int i = 0; i < n; i++)
		buf_put_be32(b, oids[i]);
	pg_msg_end(b, at);
}

/* Bind with every parameter in text format and every result in `rfmt`. */
static void put_bind(struct buf *b, const char *portal, const char *stmt, int n, const char *const *vals, int rfmt)
{
	size_t at = pg_msg_begin(b, 'B');
	buf_put_cstr(b, portal);
	buf_put_cstr(b, stmt);
	buf_put_be16(b, 0);
	buf_put_be16(b, (uint16_t)n);
	for (int i = 0; i < n; i++) {
		if (!vals[i]) {
			buf_put_be32(b, 0xffffffffu);
			continue;
		}
		buf_put_be32(b, (uint32_t)strlen(vals[i]));
		buf_append(b, vals[i], strlen(vals[i]));
	}
	buf_put_be16(b, 1);
	buf_put_be16(b, (uint16_t)rfmt);
	pg_msg_end(b, at);
}

static void put_simple(struct buf *b, char type, char sub, const char *name)
{
	size_t at = pg_msg_begin(b, type);
	if (sub)
		buf_put_u8(b, (uint8_t)sub);
	if (name)
		buf_put_cstr(b, name);
	pg_msg_end(b, at);
}

static void put_execute(struct buf *b, const char *portal, uint32_t max_rows)
{
	size_t at = pg_msg_begin(b, 'E');
	buf_put_cstr(b, portal);
	buf_put_be32(b, max_rows);
	pg_msg_end(b, at);
}

static void extended_parse_bind_execute_with_row_limit(void)
{
	struct conn c;
	CU_ASSERT_EQUAL_FATAL(login(&c, "demo"), 0);
	query(&c, "create table x1 (v integer); insert into x1 values (1), (2), (3)");
	struct buf b;
	buf_init(&b);
	const uint32_t int4 = 23;
	put_parse(&b, "s1", "select v from x1 where v >= $1 order by v", 1, &int4);
	const char *const one[] = {"2"};
	put_bind(&b, "p1", "s1", 1, one, 1); /* binary results */
	put_simple(&b, 'D', 'S', "s1");
	put_execute(&b, "p1", 1);
	put_execute(&b, "p1", 0);
	put_simple(&b, 'S', 0, NULL);
	buf_reset(&c.out);
	CU_ASSERT_EQUAL(feed(&c, b.data, b.len), 0);
	uint32_t len;
	CU_ASSERT_PTR_NOT_NULL(find_msg(&c, '1', 0, &len)); /* ParseComplete */
	CU_ASSERT_PTR_NOT_NULL(find_msg(&c, '2', 0, &len)); /* BindComplete */
	const uint8_t *t = find_msg(&c, 't', 0, &len);     /* ParameterDescription */
	CU_ASSERT_PTR_NOT_NULL_FATAL(t);
	CU_ASSERT_EQUAL(rd_be16(t), 1);
	CU_ASSERT_EQUAL(rd_be32(t + 2), 23);
	const uint8_t *d = find_msg(&c, 'D', 0, &len);
	CU_ASSERT_PTR_NOT_NULL_FATAL(d);
	CU_ASSERT_EQUAL(rd_be32(d + 2), 4); /* binary int4 */
	CU_ASSERT_EQUAL(rd_be32(d + 6), 2);
	CU_ASSERT_PTR_NOT_NULL(find_msg(&c, 's', 0, &len)); /* PortalSuspended after one row */
	d = find_msg(&c, 'D', 1, &len);
	CU_ASSERT_PTR_NOT_NULL_FATAL(d);
	CU_ASSERT_EQUAL(rd_be32(d + 6), 3);
	const uint8_t *tag = find_msg(&c, 'C', 0, &len);
	CU_ASSERT_PTR_NOT_NULL_FATAL(tag);
	CU_ASSERT_STRING_EQUAL((const char *)tag, "SELECT 1");
	CU_ASSERT_PTR_NOT_NULL(find_msg(&c, 'Z', 0, &len));
	buf_free(&b);
	end(&c);
}

static void extended_errors_skip_to_sync(void)
{
	struct conn c;
	CU_ASSERT_EQUAL_FATAL(login(&c, "demo"), 0);
	struct buf b;
	buf_init(&b);
	const char *const none[] = {NULL};
	put_bind(&b, "", "nosuch", 0, none, 0);   /* unknown statement: 26000 */
	put_execute(&b, "", 0);                    /* skipped */
	put_simple(&b, 'S', 0, NULL);
	buf_reset(&c.out);
	CU_ASSERT_EQUAL(feed(&c, b.data, b.len), 0);
	uint32_t len;
	const uint8_t *e = find_msg(&c, 'E', 0, &len);
	CU_ASSERT_PTR_NOT_NULL_FATAL(e);
	CU_ASSERT(memmem(e, len, "C26000", 6) != NULL);
	CU_ASSERT_PTR_NULL(find_msg(&c, 'E', 1, &len)); /* the Execute was skipped, not answered */
	CU_ASSERT_PTR_NOT_NULL(find_msg(&c, 'Z', 0, &len));

	buf_reset(&b);
	put_parse(&b, "", "select $1", 0, NULL);
	put_bind(&b, "", "", 0, none, 0);          /* one parameter required, none given: 08P01 */
	put_simple(&b, 'S', 0, NULL);
	put_parse(&b, "", "select 1; select 2", 0, NULL); /* several statements: 42601 */
	put_simple(&b, 'S', 0, NULL);
	put_execute(&b, "nope", 0);                /* unknown portal: 34000 */
	put_simple(&b, 'S', 0, NULL);
	buf_reset(&c.out);
	CU_ASSERT_EQUAL(feed(&c, b.data, b.len), 0);
	e = find_msg(&c, 'E', 0, &len);
	CU_ASSERT_PTR_NOT_NULL_FATAL(e);
	CU_ASSERT(memmem(e, len, "C08P01", 6) != NULL);
	e = find_msg(&c, 'E', 1, &len);
	CU_ASSERT_PTR_NOT_NULL_FATAL(e);
	CU_ASSERT(memmem(e, len, "C42601", 6) != NULL);
	e = find_msg(&c, 'E', 2, &len);
	CU_ASSERT_PTR_NOT_NULL_FATAL(e);
	CU_ASSERT(memmem(e, len, "C34000", 6) != NULL);
	CU_ASSERT_PTR_NOT_NULL(find_msg(&c, 'Z', 2, &len));

	buf_reset(&b);
	put_parse(&b, "dup", "select 1", 0, NULL);
	put_parse(&b, "dup", "select 2", 0, NULL); /* 42P05 */
	put_simple(&b, 'S', 0, NULL);
	put_simple(&b, 'C', 'S', "dup");
	put_parse(&b, "dup", "select 2", 0, NULL); /* closed, so the name is free again */
	put_simple(&b, 'S', 0, NULL);
	buf_reset(&c.out);
	CU_ASSERT_EQUAL(feed(&c, b.data, b.len), 0);
	e = find_msg(&c, 'E', 0, &len);
	CU_ASSERT_PTR_NOT_NULL_FATAL(e);
	CU_ASSERT(memmem(e, len, "C42P05", 6) != NULL);
	CU_ASSERT_PTR_NOT_NULL(find_msg(&c, '3', 0, &len)); /* CloseComplete */
	CU_ASSERT_PTR_NOT_NULL(find_msg(&c, '1', 1, &len)); /* the second ParseComplete */
	CU_ASSERT_PTR_NULL(find_msg(&c, 'E', 1, &len));
	buf_free(&b);
	end(&c);
}

static void extended_bad_parameter_text_is_22P02(void)
{
	struct conn c;
	CU_ASSERT_EQUAL_FATAL(login(&c, "demo"), 0);
	struct buf b;
	buf_init(&b);
	const uint32_t int4 = 23;
	put_parse(&b, "", "select $1", 1, &int4);
	const char *const bad[] = {"12x"};
	put_bind(&b, "", "", 1, bad, 0);
	put_simple(&b, 'S', 0, NULL);
	buf_reset(&c.out);
	CU_ASSERT_EQUAL(feed(&c, b.data, b.len), 0);
	uint32_t len;
	const uint8_t *e = find_msg(&c, 'E', 0, &len);
	CU_ASSERT_PTR_NOT_NULL_FATAL(e);
	CU_ASSERT(memmem(e, len, "C22P02", 6) != NULL);
	buf_free(&b);
	end(&c);
}

static void put_copy_data(struct buf *b, const char *data)
{
	size_t at = pg_msg_begin(b, 'd');
	buf_append(b, data, strlen(data));
	pg_msg_end(b, at);
}

static void copy_from_stdin_with_records_split_across_messages(void)
{
	struct conn c;
	CU_ASSERT_EQUAL_FATAL(login(&c, "demo"), 0);
	query(&c, "create table cp1 (id integer, name text)");
	query(&c, "copy cp1 from stdin");
	uint32_t len;
	const uint8_t *g = find_msg(&c, 'G', 0, &len); /* CopyInResponse, and no ReadyForQuery yet */
	CU_ASSERT_PTR_NOT_NULL_FATAL(g);
	CU_ASSERT_EQUAL(rd_be16(g + 1), 2);
	CU_ASSERT_PTR_NULL(find_msg(&c, 'Z', 0, &len));
	struct buf b;
	buf_init(&b);
	put_copy_data(&b, "1\ton");      /* a record split in the middle */
	put_copy_data(&b, "e\n2\t\\N\n3\tt");
	put_copy_data(&b, "hree");       /* the last record has no newline */
	put_simple(&b, 'c', 0, NULL);    /* CopyDone */
	buf_reset(&c.out);
	CU_ASSERT_EQUAL(feed(&c, b.data, b.len), 0);
	const uint8_t *tag = find_msg(&c, 'C', 0, &len);
	CU_ASSERT_PTR_NOT_NULL_FATAL(tag);
	CU_ASSERT_STRING_EQUAL((const char *)tag, "COPY 3");
	CU_ASSERT_EQUAL(find_msg(&c, 'Z', 0, &len)[0], 'I');
	query(&c, "select count(*), count(name) from cp1");
	const uint8_t *d = find_msg(&c, 'D', 0, &len);
	CU_ASSERT_PTR_NOT_NULL_FATAL(d);
	CU_ASSERT_EQUAL(d[6], '3');
	CU_ASSERT_EQUAL(d[11], '2');

	query(&c, "copy cp1 from stdin");
	buf_reset(&b);
	put_copy_data(&b, "4\tfour\n");
	size_t at = pg_msg_begin(&b, 'f'); /* CopyFail */
	buf_put_cstr(&b, "client changed its mind");
	pg_msg_end(&b, at);
	buf_reset(&c.out);
	CU_ASSERT_EQUAL(feed(&c, b.data, b.len), 0);
	const uint8_t *e = find_msg(&c, 'E', 0, &len);
	CU_ASSERT_PTR_NOT_NULL_FATAL(e);
	CU_ASSERT(memmem(e, len, "C57014", 6) != NULL);
	query(&c, "select count(*) from cp1");
	d = find_msg(&c, 'D', 0, &len);
	CU_ASSERT_EQUAL(d[6], '3'); /* nothing of the failed COPY stayed */

	query(&c, "copy cp1 to '/etc/passwd'"); /* files on the server are refused */
	e = find_msg(&c, 'E', 0, &len);
	CU_ASSERT_PTR_NOT_NULL_FATAL(e);
	CU_ASSERT(memmem(e, len, "C0A000", 6) != NULL);
	buf_free(&b);
	end(&c);
}

void suite_pg_handler(void);
void suite_pg_handler(void)
{
	CU_pSuite s = CU_add_suite("pg_handler", setup, teardown);
	CU_add_test(s, "SCRAM login then ReadyForQuery", scram_login_then_ready_for_query);
	CU_add_test(s, "wrong password gets FATAL 28P01", wrong_password_gets_fatal_28P01);
	CU_add_test(s, "simple query: rows, tags and status", simple_query_rows_tags_and_status);
	CU_add_test(s, "oversized and unknown messages close with 08P01", oversized_and_unknown_messages_close_with_08P01);
	CU_add_test(s, "SSLRequest without TLS is declined", ssl_request_without_tls_is_declined);
	CU_add_test(s, "split delivery is reassembled", split_delivery_is_reassembled);
	CU_add_test(s, "extended: Parse/Bind/Execute with a row limit", extended_parse_bind_execute_with_row_limit);
	CU_add_test(s, "extended: errors skip to Sync", extended_errors_skip_to_sync);
	CU_add_test(s, "extended: bad parameter text is 22P02", extended_bad_parameter_text_is_22P02);
	CU_add_test(s, "COPY FROM STDIN with records split across messages", copy_from_stdin_with_records_split_across_messages);
}
