/*
 * mysql_auth.c — the MySQL connection phase: greeting, TLS upgrade,
 * mysql_native_password and caching_sha2_password, COM_CHANGE_USER.
 *
 * Verifiers come from the user store (auth/userstore.h): SHA1(SHA1(pw)) for
 * mysql_native_password and SHA256(SHA256(pw)) for caching_sha2_password.
 * Neither needs the password, and no password is ever kept.
 *
 * caching_sha2_password, as the server sees it:
 *
 *   token verifies against the scramble (fast path) --> 0x01 0x03, OK
 *   otherwise (or mysql-auth-cache = 0) -------------> 0x01 0x04 "perform full authentication"
 *     TLS:   client sends the password, NUL-terminated, in the clear (inside TLS)
 *     plain: client sends 0x02 (asks for our RSA public key) --> 0x01 + PEM;
 *            then RSA-OAEP(password NUL XOR scramble, cycled) --> decrypted here
 *   SHA256(SHA256(password)) == stored --> OK, else ERR 1045
 *
 * A client that starts with another plugin (sha256_password, mysql_clear_password,
 * ed25519, ...), or with mysql_native_password for a user who has no native
 * verifier, gets an AuthSwitchRequest to caching_sha2_password.  An unknown
 * user is refused exactly like a wrong password, after the same exchange, so a
 * failed login never tells which user names exist.  The RSA key pair is made
 * once per server start, on first use.
 *
 * INTERFACE ROUTINES: see mysql_auth.h.
 */
#include "proto/mysql/mysql_auth.h"
#include "proto/mysql/mysql_types.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/rsa.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auth/userstore.h"
#include "core/log.h"
#include "net/tls.h"

#define MYSQL_PLUGIN_NATIVE "mysql_native_password"
#define MYSQL_PLUGIN_SHA2 "caching_sha2_password"
#define MYSQL_HANDSHAKE_RESPONSE_MIN 32

enum mysql_auth_step {
	AUTH_SWITCHED,   /* AuthSwitchRequest sent: the next packet is a caching_sha2 token */
	AUTH_FULL,       /* 0x01 0x04 sent: password (TLS), 0x02 or RSA-encrypted password (plain) */
};

struct mysql_auth {
	enum mysql_auth_step step;
	char user[64];
	char database[64];
	int change_user;     /* COM_CHANGE_USER: reset the session on success */
	int switched;        /* an AuthSwitchRequest was sent (at most one) */
	int used_password;   /* a non-empty token or password was sent */
};

/* ---- the scramble math ------------------------------------------------- */

static int mysql_digest(const EVP_MD *md, const void *a, size_t an, const void *b, size_t bn, uint8_t *out)
{
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	unsigned int len = 0;
	int ok = ctx && EVP_DigestInit_ex(ctx, md, NULL) == 1 && EVP_DigestUpdate(ctx, a, an) == 1 &&
		 (!b || EVP_DigestUpdate(ctx, b, bn) == 1) && EVP_DigestFinal_ex(ctx, out, &len) == 1;
	EVP_MD_CTX_free(ctx);
	return ok ? 0 : -1;
}

int mysql_native_token(const char *pw, const uint8_t scramble[20], uint8_t out[20])
{
	uint8_t h1[20], h2[20], h3[20];
	if (mysql_digest(EVP_sha1(), pw, strlen(pw), NULL, 0, h1) < 0 ||
	    mysql_digest(EVP_sha1(), h1, 20, NULL, 0, h2) < 0 ||
	    mysql_digest(EVP_sha1(), scramble, 20, h2, 20, h3) < 0)
		return -1;
	for (int i = 0; i < 20; i++)
		out[i] = h1[i] ^ h3[i];
	return 0;
}

int mysql_sha2_token(const char *pw, const uint8_t scramble[20], uint8_t out[32])
{
	uint8_t h1[32], h2[32], h3[32];
	if (mysql_digest(EVP_sha256(), pw, strlen(pw), NULL, 0, h1) < 0 ||
	    mysql_digest(EVP_sha256(), h1, 32, NULL, 0, h2) < 0 ||
	    mysql_digest(EVP_sha256(), h2, 32, scramble, 20, h3) < 0)
		return -1;
	for (int i = 0; i < 32; i++)
		out[i] = h1[i] ^ h3[i];
	return 0;
}

int mysql_native_check(const uint8_t stored[20], const uint8_t scramble[20], const uint8_t *token, size_t n)
{
	uint8_t h[20], cand[20], check[20];
	if (n != 20 || mysql_digest(EVP_sha1(), scramble, 20, stored, 20, h) < 0)
		return 0;
	for (int i = 0; i < 20; i++)
		cand[i] = token[i] ^ h[i]; /* SHA1(pw), if the token is right */
	if (mysql_digest(EVP_sha1(), cand, 20, NULL, 0, check) < 0)
		return 0;
	return CRYPTO_memcmp(check, stored, 20) == 0;
}

int mysql_sha2_fast_check(const uint8_t stored[32], const uint8_t scramble[20], const uint8_t *token, size_t n)
{
	uint8_t h[32], cand[32], check[32];
	if (n != 32 || mysql_digest(EVP_sha256(), stored, 32, scramble, 20, h) < 0)
		return 0;
	for (int i = 0; i < 32; i++)
		cand[i] = token[i] ^ h[i]; /* SHA256(pw), if the token is right */
	if (mysql_digest(EVP_sha256(), cand, 32, NULL, 0, check) < 0)
		return 0;
	return CRYPTO_memcmp(check, stored, 32) == 0;
}

static int mysql_sha2_full_check(const uint8_t stored[32], const uint8_t *pw, size_t n)
{
	uint8_t h1[32], h2[32];
	if (mysql_digest(EVP_sha256(), pw, n, NULL, 0, h1) < 0 || mysql_digest(EVP_sha256(), h1, 32, NULL, 0, h2) < 0)
		return 0;
	return CRYPTO_memcmp(h2, stored, 32) == 0;
}

/* ---- the server's RSA key (full authentication on plain connections) --- */

static pthread_once_t mysql_rsa_once = PTHREAD_ONCE_INIT;
static EVP_PKEY *mysql_rsa_key;
static char *mysql_rsa_pem;
static size_t mysql_rsa_pem_len;

static void mysql_rsa_make(void)
{
	EVP_PKEY *key = EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)2048);
	if (!key)
		return;
	BIO *bio = BIO_new(BIO_s_mem());
	char *data = NULL;
	long len;
	if (!bio || PEM_write_bio_PUBKEY(bio, key) != 1 || (len = BIO_get_mem_data(bio, &data)) <= 0 ||
	    !(mysql_rsa_pem = malloc((size_t)len))) {
		BIO_free(bio);
		EVP_PKEY_free(key);
		return;
	}
	memcpy(mysql_rsa_pem, data, (size_t)len);
	mysql_rsa_pem_len = (size_t)len;
	BIO_free(bio);
	mysql_rsa_key = key;
}

/* Decrypt an RSA-OAEP (SHA-1) block into out (cap bytes).  Returns the length or -1. */
static int mysql_rsa_decrypt(const uint8_t *in, size_t n, uint8_t *out, size_t cap)
{
	pthread_once(&mysql_rsa_once, mysql_rsa_make);
	if (!mysql_rsa_key)
		return -1;
	EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new(mysql_rsa_key, NULL);
	size_t outlen = cap;
	int ok = ctx && EVP_PKEY_decrypt_init(ctx) == 1 && EVP_PKEY_CTX_set_rsa_padding(ctx, RSA_PKCS1_OAEP_PADDING) == 1 &&
		 EVP_PKEY_decrypt(ctx, out, &outlen, in, n) == 1;
	EVP_PKEY_CTX_free(ctx);
	return ok ? (int)outlen : -1;
}

/* ---- packets ------------------------------------------------------------ */

static uint32_t mysql_server_caps(const struct conn *c)
{
	uint32_t caps = CLIENT_LONG_PASSWORD | CLIENT_FOUND_ROWS | CLIENT_LONG_FLAG | CLIENT_CONNECT_WITH_DB |
			CLIENT_LOCAL_FILES | CLIENT_PROTOCOL_41 | CLIENT_TRANSACTIONS | CLIENT_SECURE_CONNECTION |
			CLIENT_MULTI_STATEMENTS | CLIENT_MULTI_RESULTS | CLIENT_PS_MULTI_RESULTS | CLIENT_PLUGIN_AUTH |
			CLIENT_CONNECT_ATTRS | CLIENT_PLUGIN_AUTH_LENENC_CLIENT_DATA | CLIENT_DEPRECATE_EOF;
	if (c->env && c->env->tls)
		caps |= CLIENT_SSL;
	return caps;
}

static void mysql_new_scramble(struct mysql_conn *mc)
{
	if (RAND_bytes(mc->scramble, sizeof(mc->scramble)) != 1)
		memset(mc->scramble, 0x55, sizeof(mc->scramble));
	for (size_t i = 0; i < sizeof(mc->scramble); i++) /* printable ASCII, never NUL: old clients strlen() it */
		mc->scramble[i] = (uint8_t)(0x21 + mc->scramble[i] % 0x5e);
}

void mysql_put_greeting(struct conn *c, struct mysql_conn *mc)
{
	mysql_new_scramble(mc);
	uint32_t caps = mysql_server_caps(c);
	const char *version = c->env && c->env->cfg && c->env->cfg->mysql_version[0] ? c->env->cfg->mysql_version
										       : "8.0.40-rosetta";
	size_t at = mysql_packet_begin(&c->out, &mc->seq);
	buf_put_u8(&c->out, 10);
	buf_put_cstr(&c->out, version);
	mysql_put_u32(&c->out, mc->thread_id);
	buf_append(&c->out, mc->scramble, 8);
	buf_put_u8(&c->out, 0);
	mysql_put_u16(&c->out, (uint16_t)caps);
	buf_put_u8(&c->out, MYSQL_CHARSET_UTF8MB4);
	mysql_put_u16(&c->out, SERVER_STATUS_AUTOCOMMIT);
	mysql_put_u16(&c->out, (uint16_t)(caps >> 16));
	buf_put_u8(&c->out, MYSQL_SCRAMBLE_LEN + 1);
	static const uint8_t reserved[10];
	buf_append(&c->out, reserved, sizeof(reserved));
	buf_append(&c->out, mc->scramble + 8, MYSQL_SCRAMBLE_LEN - 8);
	buf_put_u8(&c->out, 0);
	buf_put_cstr(&c->out, MYSQL_PLUGIN_SHA2);
	mysql_packet_end(&c->out, at, &mc->seq);
}

/* AuthMoreData: 0x01 then `data`. */
static void mysql_put_more_data(struct conn *c, struct mysql_conn *mc, const void *data, size_t n)
{
	size_t at = mysql_packet_begin(&c->out, &mc->seq);
	buf_put_u8(&c->out, 0x01);
	buf_append(&c->out, data, n);
	mysql_packet_end(&c->out, at, &mc->seq);
}

static void mysql_peer_host(const struct conn *c, char *out, size_t cap)
{
	snprintf(out, cap, "%s", c->peer);
	char *colon = strrchr(out, ':');
	if (colon)
		*colon = 0;
}

static int mysql_auth_fail(struct conn *c, struct mysql_conn *mc, struct mysql_auth *a, const char *why)
{
	char host[64], msg[256];
	mysql_peer_host(c, host, sizeof(host));
	log_warn("auth_failed", "protocol=mysql conn=%llu peer=%s user=%s reason=%s", (unsigned long long)c->id,
		 c->peer, a->user, why);
	snprintf(msg, sizeof(msg), "Access denied for user '%s'@'%s' (using password: %s)", a->user, host,
		 a->used_password ? "YES" : "NO");
	mysql_put_err_raw(&c->out, &mc->seq, mc->caps, 1045, "28000", msg);
	return -1;
}

/* Verified: start the session (the database may be refused) and say OK. */
static int mysql_auth_done(struct conn *c, struct mysql_conn *mc, struct mysql_auth *a)
{
	if (a->change_user)
		mysql_stmt_close_all(mc);
	if (mysql_session_start(c, mc, a->user, a->database) < 0)
		return -1;
	snprintf(mc->user, sizeof(mc->user), "%s", a->user);
	mc->state = MY_COMMAND;
	if (!c->authenticated)
		log_info("login", "protocol=mysql conn=%llu peer=%s user=%s database=%s tls=%s",
			 (unsigned long long)c->id, c->peer, a->user, mc->database,
			 c->tls ? tls_conn_version(c->tls) : "off");
	c->authenticated = 1;
	free(mc->auth);
	mc->auth = NULL;
	mysql_put_ok(&c->out, &mc->seq, mc->caps, 0x00, 0, 0, mysql_status(mc), 0, NULL);
	return 0;
}

static const struct user *mysql_auth_user(const struct conn *c, const struct mysql_auth *a)
{
	return c->env && c->env->users ? userstore_find(c->env->users, a->user) : NULL;
}

/* The client's first token, under the plugin it named. */
static int mysql_auth_token(struct conn *c, struct mysql_conn *mc, struct mysql_auth *a, const char *plugin,
			    const uint8_t *tok, size_t tlen)
{
	const struct user *u = mysql_auth_user(c, a);
	a->used_password = tlen > 0;
	if (!strcmp(plugin, MYSQL_PLUGIN_NATIVE) && tlen > 0) { /* empty: a client without the plugin; switch */
		if (u && u->has_mysql_native && mysql_native_check(u->mysql_native, mc->scramble, tok, tlen))
			return mysql_auth_done(c, mc, a);
		/* an account with only a caching_sha2 verifier is asked to switch, as MySQL asks a client
		 * of an account on caching_sha2_password (Connector/J always starts with the native plugin) */
		if (!(u && !u->has_mysql_native && u->has_sha256x2 && !a->switched))
			return mysql_auth_fail(c, mc, a, u ? "bad-password" : "unknown-user");
	}
	if (!strcmp(plugin, MYSQL_PLUGIN_SHA2)) {
		int cache = !c->env || !c->env->cfg || c->env->cfg->mysql_auth_cache;
		if (tlen == 1 && tok[0] == 0)
			tlen = 0; /* some clients send a lone NUL for an empty password */
		if (cache && u && u->has_sha256x2 && mysql_sha2_fast_check(u->sha256x2, mc->scramble, tok, tlen)) {
			static const uint8_t fast_ok = 0x03;
			mysql_put_more_data(c, mc, &fast_ok, 1);
			return mysql_auth_done(c, mc, a);
		}
		if (tlen == 0 && a->switched) /* an empty password: nothing to verify further */
			return mysql_auth_fail(c, mc, a, u ? "bad-password" : "unknown-user");
		if (tlen > 0) {
			static const uint8_t full = 0x04;
			mysql_put_more_data(c, mc, &full, 1);
			a->step = AUTH_FULL;
			mc->state = MY_AUTH;
			return 0;
		}
		/* no token (libmysqlclient's COM_CHANGE_USER): ask for one, below */
	}
	/* Another plugin, or no token: ask for ours (a fresh scramble after COM_CHANGE_USER). */
	if (a->switched)
		return mysql_auth_fail(c, mc, a, "no-token");
	if (a->change_user)
		mysql_new_scramble(mc);
	a->switched = 1;
	size_t at = mysql_packet_begin(&c->out, &mc->seq);
	buf_put_u8(&c->out, 0xfe);
	buf_put_cstr(&c->out, MYSQL_PLUGIN_SHA2);
	buf_append(&c->out, mc->scramble, MYSQL_SCRAMBLE_LEN);
	buf_put_u8(&c->out, 0);
	mysql_packet_end(&c->out, at, &mc->seq);
	a->step = AUTH_SWITCHED;
	mc->state = MY_AUTH;
	return 0;
}

static struct mysql_auth *mysql_auth_new(struct mysql_conn *mc)
{
	free(mc->auth);
	mc->auth = calloc(1, sizeof(struct mysql_auth));
	return mc->auth;
}

static int mysql_auth_malformed(struct conn *c, struct mysql_conn *mc, const char *what)
{
	log_warn("protocol_violation", "protocol=mysql conn=%llu peer=%s what=%s", (unsigned long long)c->id, c->peer,
		 what);
	mysql_put_err_raw(&c->out, &mc->seq, mc->caps | CLIENT_PROTOCOL_41, 1043, "08S01", "Bad handshake");
	return -1;
}

static int mysql_copy_name(char *out, size_t cap, const char *s, size_t n)
{
	if (n >= cap || memchr(s, 0, n))
		return -1;
	memcpy(out, s, n);
	out[n] = 0;
	return 0;
}

int mysql_auth_handshake(struct conn *c, struct mysql_conn *mc, const uint8_t *p, size_t n)
{
	struct mysql_rd r = {.p = p, .n = n};
	uint32_t client = mysql_get_u32(&r);
	mysql_get_u32(&r); /* max packet size: ours is fixed */
	mysql_get_u8(&r);  /* character set: utf8mb4 whatever is asked */
	mysql_get_bytes(&r, 23);
	if (r.bad)
		return mysql_auth_malformed(c, mc, "short-handshake-response");
	if (!(client & CLIENT_PROTOCOL_41))
		return mysql_auth_malformed(c, mc, "pre-4.1-client");
	mc->caps = client & mysql_server_caps(c);
	mc->multi_statements = (mc->caps & CLIENT_MULTI_STATEMENTS) != 0;
	if (n == MYSQL_HANDSHAKE_RESPONSE_MIN && (client & CLIENT_SSL)) {
		if (!(mc->caps & CLIENT_SSL) || c->tls)
			return mysql_auth_malformed(c, mc, "unexpected-ssl-request");
		/* the full response follows inside TLS, sequence continuing; the client does not wait
		 * for an answer, so what follows the SSLRequest is its ClientHello */
		c->want |= CONN_WANT_TLS | CONN_WANT_TLS_INPUT;
		return 0;
	}
	struct mysql_auth *a = mysql_auth_new(mc);
	if (!a)
		return -1;
	size_t ulen, tlen = 0, dlen = 0, plen = 0;
	const char *user = mysql_get_cstr(&r, &ulen);
	const uint8_t *tok;
	if (mc->caps & CLIENT_PLUGIN_AUTH_LENENC_CLIENT_DATA)
		tok = mysql_get_lenenc_str(&r, &tlen);
	else if (mc->caps & CLIENT_SECURE_CONNECTION)
		tok = mysql_get_bytes(&r, tlen = mysql_get_u8(&r));
	else
		tok = (const uint8_t *)mysql_get_cstr(&r, &tlen);
	const char *db = NULL;
	if ((mc->caps & CLIENT_CONNECT_WITH_DB) && r.pos < r.n)
		db = mysql_get_cstr(&r, &dlen);
	const char *plugin = NULL;
	if ((mc->caps & CLIENT_PLUGIN_AUTH) && r.pos < r.n)
		plugin = mysql_get_cstr(&r, &plen);
	if (r.bad || !user || mysql_copy_name(a->user, sizeof(a->user), user, ulen) < 0 ||
	    (db && mysql_copy_name(a->database, sizeof(a->database), db, dlen) < 0))
		return mysql_auth_malformed(c, mc, "bad-handshake-response");
	/* Connection attributes (CLIENT_CONNECT_ATTRS) are not used. */
	return mysql_auth_token(c, mc, a, plugin && plen ? plugin : MYSQL_PLUGIN_NATIVE, tok ? tok : (const uint8_t *)"",
				tlen);
}

/* Full authentication: the password in the clear (TLS) or RSA-encrypted (plain). */
static int mysql_auth_full(struct conn *c, struct mysql_conn *mc, struct mysql_auth *a, const uint8_t *p, size_t n)
{
	const struct user *u = mysql_auth_user(c, a);
	uint8_t pw[512];
	size_t pwlen;
	if (c->tls) {
		if (n > sizeof(pw))
			return mysql_auth_fail(c, mc, a, "bad-password");
		memcpy(pw, p, n);
		pwlen = n;
	} else if (n == 1 && p[0] == 0x02) {
		pthread_once(&mysql_rsa_once, mysql_rsa_make);
		if (!mysql_rsa_pem) {
			mysql_put_err_raw(&c->out, &mc->seq, mc->caps, 1105, "HY000", "no RSA key for full authentication");
			return -1;
		}
		mysql_put_more_data(c, mc, mysql_rsa_pem, mysql_rsa_pem_len);
		return 0;
	} else {
		int m = mysql_rsa_decrypt(p, n, pw, sizeof(pw));
		if (m < 0)
			return mysql_auth_fail(c, mc, a, "bad-rsa-block");
		pwlen = (size_t)m;
		for (size_t i = 0; i < pwlen; i++)
			pw[i] ^= mc->scramble[i % MYSQL_SCRAMBLE_LEN];
	}
	if (pwlen > 0 && pw[pwlen - 1] == 0)
		pwlen--;
	int ok = u && u->has_sha256x2 && mysql_sha2_full_check(u->sha256x2, pw, pwlen);
	OPENSSL_cleanse(pw, sizeof(pw));
	if (!ok)
		return mysql_auth_fail(c, mc, a, u ? "bad-password" : "unknown-user");
	return mysql_auth_done(c, mc, a);
}

int mysql_auth_continue(struct conn *c, struct mysql_conn *mc, const uint8_t *p, size_t n)
{
	struct mysql_auth *a = mc->auth;
	if (!a)
		return -1;
	if (a->step == AUTH_SWITCHED)
		return mysql_auth_token(c, mc, a, MYSQL_PLUGIN_SHA2, p, n);
	return mysql_auth_full(c, mc, a, p, n);
}

int mysql_auth_change_user(struct conn *c, struct mysql_conn *mc, const uint8_t *p, size_t n)
{
	struct mysql_rd r = {.p = p, .n = n, .pos = 1};
	struct mysql_auth *a = mysql_auth_new(mc);
	if (!a)
		return -1;
	a->change_user = 1;
	size_t ulen, tlen = 0, dlen = 0, plen = 0;
	const char *user = mysql_get_cstr(&r, &ulen);
	const uint8_t *tok;
	if (mc->caps & CLIENT_SECURE_CONNECTION)
		tok = mysql_get_bytes(&r, tlen = mysql_get_u8(&r));
	else
		tok = (const uint8_t *)mysql_get_cstr(&r, &tlen);
	const char *db = mysql_get_cstr(&r, &dlen);
	const char *plugin = NULL;
	if (!r.bad && r.n - r.pos >= 2) {
		mysql_get_u16(&r); /* character set */
		if ((mc->caps & CLIENT_PLUGIN_AUTH) && r.pos < r.n)
			plugin = mysql_get_cstr(&r, &plen);
	}
	if (r.bad || !user || !db || mysql_copy_name(a->user, sizeof(a->user), user, ulen) < 0 ||
	    mysql_copy_name(a->database, sizeof(a->database), db, dlen) < 0) {
		mysql_put_err_raw(&c->out, &mc->seq, mc->caps, 1047, "08S01", "Malformed COM_CHANGE_USER");
		return -1;
	}
	return mysql_auth_token(c, mc, a, plugin && plen ? plugin : MYSQL_PLUGIN_NATIVE, tok ? tok : (const uint8_t *)"",
				tlen);
}

void mysql_auth_free(struct mysql_conn *mc)
{
	free(mc->auth);
	mc->auth = NULL;
}
