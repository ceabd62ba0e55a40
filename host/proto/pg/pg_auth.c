/*
 * pg_auth.c — authentication (the method DATA/hba.conf names: SCRAM-SHA-256,
 * md5, cleartext password, trust, reject) and the start of a session.
 *
 * A cleartext password is refused on a connection without TLS unless the
 * server was started with allow-cleartext (development only).  md5 checks
 * the stored md5 verifier against the salted response; it never needs the
 * password.
 * An unknown user is answered exactly like a known one with a wrong
 * password (a mock verifier derived from the server secret), so that a
 * failed login never reveals which user names exist.  SCRAM-SHA-256-PLUS is
 * offered on TLS connections, binding the exchange to our certificate.
 */
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <string.h>

#include "auth/hba.h"
#include "auth/userstore.h"
#include "core/log.h"
#include "engine/cancel.h"

#include <openssl/rand.h>
#include "net/tls.h"
#include "proto/pg/pg_conn.h"
#include "proto/pg/pg_types.h"

#define PG_AUTH_OK 0
#define PG_AUTH_CLEARTEXT 3
#define PG_AUTH_MD5 5
#define PG_AUTH_SASL 10
#define PG_AUTH_SASL_CONTINUE 11
#define PG_AUTH_SASL_FINAL 12

static void pg_put_auth(struct buf *b, uint32_t code, const void *data, size_t n)
{
	size_t at = pg_msg_begin(b, 'R');
	buf_put_be32(b, code);
	buf_append(b, data, n);
	pg_msg_end(b, at);
}

static int pg_auth_complete(struct conn *c, struct pg_conn *pc);
static int pg_auth_fail(struct conn *c, struct pg_conn *pc, const char *why);

/* The peer's address without its port, for hba matching. */
static void pg_peer_addr(const char *peer, char *out, size_t cap)
{
	snprintf(out, cap, "%s", peer);
	char *colon = strrchr(out, ':');
	if (colon)
		*colon = 0;
}

int pg_auth_begin(struct conn *c, struct pg_conn *pc)
{
	const struct user *u = c->env->users ? userstore_find(c->env->users, pc->user) : NULL;
	char addr[64];
	pg_peer_addr(c->peer, addr, sizeof(addr));
	pc->method = hba_match(c->env->hba, c->tls != NULL, pc->database, pc->user, addr);
	switch (pc->method) {
	case HBA_REJECT: {
		char msg[400];
		snprintf(msg, sizeof(msg), "pg_hba.conf rejects connection for host \"%s\", user \"%s\", database \"%s\", %s",
			 addr, pc->user, pc->database, c->tls ? "SSL encryption" : "no encryption");
		log_warn("auth_rejected", "protocol=pg conn=%llu peer=%s user=%s", (unsigned long long)c->id, c->peer, pc->user);
		pg_put_error_msg(&c->out, ERR_INVALID_AUTHORIZATION, 1, msg);
		return -1;
	}
	case HBA_TRUST:
		if (!u) {
			char msg[160];
			snprintf(msg, sizeof(msg), "role \"%s\" does not exist", pc->user);
			pg_put_error_msg(&c->out, ERR_INVALID_AUTHORIZATION, 1, msg);
			return -1;
		}
		return pg_auth_complete(c, pc);
	case HBA_PASSWORD:
		if (!c->tls && !c->env->cfg->allow_cleartext) {
			pg_put_error_msg(&c->out, ERR_INVALID_AUTHORIZATION, 1,
					 "password authentication needs an encrypted connection; connect with sslmode=require");
			return -1;
		}
		pc->user_known = u && u->has_scram;
		pg_put_auth(&c->out, PG_AUTH_CLEARTEXT, NULL, 0);
		pc->state = PG_PASSWORD;
		return 0;
	case HBA_MD5:
		pc->user_known = u && u->has_md5;
		if (RAND_bytes(pc->md5_salt, sizeof(pc->md5_salt)) != 1) {
			pg_put_error_msg(&c->out, ERR_INTERNAL, 1, "no randomness for the md5 salt");
			return -1;
		}
		pg_put_auth(&c->out, PG_AUTH_MD5, pc->md5_salt, sizeof(pc->md5_salt));
		pc->state = PG_PASSWORD;
		return 0;
	default:
		break;
	}
	if (u && u->has_scram) {
		pc->verifier = u->scram;
		pc->user_known = 1;
	} else {
		scram_mock_verifier(pc->user, c->env->secret, sizeof(c->env->secret), &pc->verifier);
	}
	uint8_t cb[64];
	size_t cblen = 0;
	pc->plus_offered = c->tls && tls_conn_server_end_point(c->tls, cb, &cblen) == 0;
	pc->scram = scram_server_new(NULL, pc->plus_offered, pc->plus_offered ? cb : NULL, cblen);
	if (!pc->scram) {
		pg_put_error_msg(&c->out, ERR_INTERNAL, 1, "out of memory");
		return -1;
	}
	size_t at = pg_msg_begin(&c->out, 'R');
	buf_put_be32(&c->out, PG_AUTH_SASL);
	if (pc->plus_offered)
		buf_put_cstr(&c->out, "SCRAM-SHA-256-PLUS");
	buf_put_cstr(&c->out, "SCRAM-SHA-256");
	buf_put_u8(&c->out, 0);
	pg_msg_end(&c->out, at);
	pc->state = PG_SASL_INITIAL;
	return 0;
}

static int pg_auth_fail(struct conn *c, struct pg_conn *pc, const char *why)
{
	char msg[160];
	log_warn("auth_failed", "protocol=pg conn=%llu peer=%s user=%s reason=%s", (unsigned long long)c->id,
		 c->peer, pc->user, why);
	snprintf(msg, sizeof(msg), "password authentication failed for user \"%s\"", pc->user);
	pg_put_error_msg(&c->out, ERR_INVALID_PASSWORD, 1, msg);
	return -1;
}

/* Authentication done: open the session and tell the client about it. */
static int pg_auth_complete(struct conn *c, struct pg_conn *pc)
{
	struct rerr err;
	struct session_opts opts = {.abort_txn_on_error = 1};
	pg_put_auth(&c->out, PG_AUTH_OK, NULL, 0);
	if (session_open(c->env->store, pc->user, pc->database, &opts, &pc->session, &err) < 0) {
		pg_put_error(&c->out, &err, 0, 1);
		return -1;
	}
	/* a startup parameter is the session's setting, as SET would make it */
	if (pc->application_name[0] && session_set_var(pc->session, "application_name", pc->application_name, &err) < 0) {
		pg_put_error(&c->out, &err, 0, 1);
		return -1;
	}
	static const char *const fixed[][2] = {
		{"server_version", "15.0"},
		{"server_encoding", "UTF8"},
		{"client_encoding", "UTF8"},
		{"DateStyle", "ISO, MDY"},
		{"IntervalStyle", "postgres"},
		{"TimeZone", "UTC"},
		{"integer_datetimes", "on"},
		{"standard_conforming_strings", "on"},
		{"is_superuser", "off"},
		{"default_transaction_read_only", "off"},
		{"in_hot_standby", "off"},
	};
	for (size_t i = 0; i < sizeof(fixed) / sizeof(fixed[0]); i++)
		pg_put_param_status(&c->out, fixed[i][0], fixed[i][1]);
	pg_put_param_status(&c->out, "application_name", pc->application_name);
	pg_put_param_status(&c->out, "session_authorization", pc->user);

	pc->backend_pid = (uint32_t)(c->id & 0x7fffffff);
	if (RAND_bytes((unsigned char *)&pc->backend_key, sizeof(pc->backend_key)) != 1) {
		pg_put_error_msg(&c->out, ERR_INTERNAL, 1, "no randomness for the cancel key");
		return -1;
	}
	if (cancel_register(pc->backend_pid, pc->backend_key, pc->session) < 0) {
		pg_put_error_msg(&c->out, ERR_INTERNAL, 1, "out of memory");
		return -1;
	}
	pc->cancel_registered = 1;
	size_t at = pg_msg_begin(&c->out, 'K');
	buf_put_be32(&c->out, pc->backend_pid);
	buf_put_be32(&c->out, pc->backend_key);
	pg_msg_end(&c->out, at);
	pg_put_ready(&c->out, 'I');
	pc->state = PG_READY;
	c->authenticated = 1;
	log_info("login", "protocol=pg conn=%llu peer=%s user=%s database=%s tls=%s", (unsigned long long)c->id,
		 c->peer, pc->user, pc->database, c->tls ? tls_conn_version(c->tls) : "off");
	return 0;
}

/* md5 response = "md5" + hex(md5(hex-verifier || salt)), where the verifier is md5(password || user). */
static int pg_md5_matches(const char *stored, const uint8_t salt[4], const char *response)
{
	if (strlen(stored) != 35 || strncmp(stored, "md5", 3) != 0)
		return 0;
	uint8_t in[36], digest[16];
	memcpy(in, stored + 3, 32);
	memcpy(in + 32, salt, 4);
	unsigned int dlen = 0;
	if (EVP_Digest(in, sizeof(in), digest, &dlen, EVP_md5(), NULL) != 1)
		return 0;
	char expect[36] = "md5";
	for (int i = 0; i < 16; i++)
		snprintf(expect + 3 + 2 * i, 3, "%02x", digest[i]);
	return strlen(response) == 35 && CRYPTO_memcmp(expect, response, 35) == 0;
}

static int pg_auth_password(struct conn *c, struct pg_conn *pc, const struct pg_msg *m)
{
	struct pg_reader r;
	pg_rd_init(&r, m);
	const char *pw = pg_rd_cstr(&r);
	if (!pw) {
		pg_put_error_msg(&c->out, ERR_PROTOCOL_VIOLATION, 1, "malformed password message");
		return -1;
	}
	const struct user *u = userstore_find(c->env->users, pc->user);
	int ok = pc->user_known && u &&
		 (pc->method == HBA_MD5 ? pg_md5_matches(u->md5, pc->md5_salt, pw) : scram_verifier_matches(&u->scram, pw));
	if (!ok)
		return pg_auth_fail(c, pc, pc->user_known ? "bad-password" : "unknown-user");
	return pg_auth_complete(c, pc);
}

int pg_auth_message(struct conn *c, struct pg_conn *pc, const struct pg_msg *m)
{
	if (m->type != 'p') {
		pg_put_error_msg(&c->out, ERR_PROTOCOL_VIOLATION, 1,
				 pc->state == PG_PASSWORD ? "expected password response" : "expected SASL response");
		return -1;
	}
	if (pc->state == PG_PASSWORD)
		return pg_auth_password(c, pc, m);
	struct pg_reader r;
	pg_rd_init(&r, m);
	struct buf reply;
	buf_init(&reply);
	enum scram_result res;
	if (pc->state == PG_SASL_INITIAL) {
		const char *mech = pg_rd_cstr(&r);
		uint32_t len = pg_rd_u32(&r);
		const uint8_t *data = (len == 0xffffffffu) ? NULL : pg_rd_bytes(&r, len);
		if (!mech || r.bad || !data) {
			buf_free(&reply);
			pg_put_error_msg(&c->out, ERR_PROTOCOL_VIOLATION, 1, "malformed SASLInitialResponse message");
			return -1;
		}
		if (strcmp(mech, "SCRAM-SHA-256") != 0 &&
		    !(pc->plus_offered && strcmp(mech, "SCRAM-SHA-256-PLUS") == 0)) {
			buf_free(&reply);
			pg_put_error_msg(&c->out, ERR_PROTOCOL_VIOLATION, 1,
					 "client selected an invalid SASL authentication mechanism");
			return -1;
		}
		res = scram_server_first(pc->scram, mech, &pc->verifier, (const char *)data, len, &reply);
		if (res == SCRAM_CONTINUE) {
			pg_put_auth(&c->out, PG_AUTH_SASL_CONTINUE, reply.data, reply.len);
			pc->state = PG_SASL_FINAL;
		}
	} else {
		res = scram_server_final(pc->scram, (const char *)m->body, m->len, &reply);
		if (res == SCRAM_OK && pc->user_known)
			pg_put_auth(&c->out, PG_AUTH_SASL_FINAL, reply.data, reply.len);
	}
	buf_free(&reply);
	if (res == SCRAM_FAIL || (res == SCRAM_OK && !pc->user_known))
		return pg_auth_fail(c, pc, pc->user_known ? "bad-proof" : "unknown-user");
	if (res == SCRAM_OK) {
		scram_server_free(pc->scram);
		pc->scram = NULL;
		return pg_auth_complete(c, pc);
	}
	return 0;
}
