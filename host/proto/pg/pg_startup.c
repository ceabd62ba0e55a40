/*
 * pg_startup.c — the startup phase: SSLRequest, GSSENCRequest, CancelRequest, StartupMessage.
 *
 * Protocol 3.0 only.  A client asking for a newer minor version, or sending
 * `_pq_.` protocol options, gets NegotiateProtocolVersion naming what we
 * speak and what we ignored, as PostgreSQL 11+ does.
 */
#include <stdio.h>
#include <string.h>

#include "core/log.h"
#include "engine/cancel.h"
#include "proto/pg/pg_conn.h"

static int pg_fatal(struct conn *c, enum errcode code, const char *msg)
{
	pg_put_error_msg(&c->out, code, 1, msg);
	return -1;
}

static void pg_negotiate_version(struct conn *c, uint16_t minor, const char **opts, int nopts)
{
	if (minor == 0 && nopts == 0)
		return;
	size_t at = pg_msg_begin(&c->out, 'v');
	buf_put_be32(&c->out, 0); /* newest minor version we support: 3.0 */
	buf_put_be32(&c->out, (uint32_t)nopts);
	for (int i = 0; i < nopts; i++)
		buf_put_cstr(&c->out, opts[i]);
	pg_msg_end(&c->out, at);
}

static void pg_copy_param(char *dst, size_t cap, const char *v)
{
	snprintf(dst, cap, "%s", v);
}

int pg_startup(struct conn *c, struct pg_conn *pc, const struct pg_msg *m)
{
	struct pg_reader r;
	pg_rd_init(&r, m);
	uint32_t code = pg_rd_u32(&r);

	if (code == PG_CODE_SSL) {
		if (c->tls)
			return pg_fatal(c, ERR_PROTOCOL_VIOLATION, "SSL already negotiated");
		if (!c->env->tls) {
			buf_put_u8(&c->out, 'N');
			return 0;
		}
		buf_put_u8(&c->out, 'S');
		c->want |= CONN_WANT_TLS;
		return 0;
	}
	if (code == PG_CODE_GSSENC) {
		buf_put_u8(&c->out, 'N'); /* GSSAPI encryption is not offered */
		return 0;
	}
	if (code == PG_CODE_CANCEL) {
		/* (pid, key) of the target backend; PostgreSQL answers nothing but a close */
		uint32_t pid = pg_rd_u32(&r), key = pg_rd_u32(&r);
		int found = !r.bad && cancel_request(pid, key);
		log_info("pg_cancel_request", "conn=%llu peer=%s pid=%u found=%d", (unsigned long long)c->id, c->peer,
			 pid, found);
		return -1;
	}
	uint16_t major = (uint16_t)(code >> 16), minor = (uint16_t)(code & 0xffff);
	if (major != 3) {
		char msg[128];
		snprintf(msg, sizeof(msg), "unsupported frontend protocol %u.%u: server supports 3.0 to 3.0",
			 major, minor);
		return pg_fatal(c, ERR_FEATURE_NOT_SUPPORTED, msg);
	}

	const char *unknown_opts[16];
	int nunknown = 0;
	for (;;) {
		const char *k = pg_rd_cstr(&r);
		if (!k)
			return pg_fatal(c, ERR_PROTOCOL_VIOLATION, "invalid startup packet layout: expected terminator as last byte");
		if (!*k)
			break;
		const char *v = pg_rd_cstr(&r);
		if (!v)
			return pg_fatal(c, ERR_PROTOCOL_VIOLATION, "invalid startup packet layout: expected terminator as last byte");
		if (!strcmp(k, "user"))
			pg_copy_param(pc->user, sizeof(pc->user), v);
		else if (!strcmp(k, "database"))
			pg_copy_param(pc->database, sizeof(pc->database), v);
		else if (!strcmp(k, "application_name"))
			pg_copy_param(pc->application_name, sizeof(pc->application_name), v);
		else if (!strncmp(k, "_pq_.", 5) && nunknown < 16)
			unknown_opts[nunknown++] = k;
		/* other GUCs (client_encoding, DateStyle, options...) are accepted and ignored */
	}
	if (!pc->user[0])
		return pg_fatal(c, ERR_INVALID_AUTHORIZATION, "no PostgreSQL user name specified in startup packet");
	if (!pc->database[0])
		pg_copy_param(pc->database, sizeof(pc->database), pc->user);
	pg_negotiate_version(c, minor, unknown_opts, nunknown);
	log_debug("pg_startup", "conn=%llu user=%s database=%s tls=%d", (unsigned long long)c->id, pc->user,
		  pc->database, c->tls != NULL);
	return pg_auth_begin(c, pc);
}
