/*
 * pg_handler.c — the PostgreSQL handler: framing and dispatch by state.
 *
 * The state machine is drawn in pg_conn.h.  This file only frames messages
 * out of c->in and hands each to the function its state names; message
 * bodies are decoded where they are served (pg_startup.c, pg_auth.c,
 * pg_simple_query.c).  Limits: a startup packet is at most 10000 bytes, any
 * message before authentication at most 8 KiB, any message after at most
 * 64 MiB; a longer length word is a protocol violation (08P01) and closes
 * the connection without buffering the announced bytes.
 */
#include <stdlib.h>

#include "auth/scram.h"
#include "core/log.h"
#include "engine/cancel.h"
#include "proto/pg/pg.h"
#include "proto/pg/pg_conn.h"

static int pg_open(struct conn *c)
{
	struct pg_conn *pc = calloc(1, sizeof(*pc));
	if (!pc)
		return -1;
	pc->state = PG_STARTUP;
	c->proto_state = pc;
	return 0;
}

static void pg_close(struct conn *c)
{
	struct pg_conn *pc = c->proto_state;
	if (!pc)
		return;
	if (pc->session && session_txn_state(pc->session) != TXN_IDLE)
		log_info("txn_abandoned", "protocol=pg conn=%llu peer=%s", (unsigned long long)c->id, c->peer);
	if (pc->cancel_registered)
		cancel_unregister(pc->backend_pid); /* before the session goes: no cancel may reach it after */
	pg_copy_abandon(pc);
	pg_extended_close_all(pc); /* portals and statements before their session */
	session_close(pc->session);
	scram_server_free(pc->scram);
	free(pc);
	c->proto_state = NULL;
}

static int pg_ready_message(struct conn *c, struct pg_conn *pc, const struct pg_msg *m)
{
	switch (m->type) {
	case 'Q':
		return pg_simple_query(c, pc, m);
	case 'X':
		return -1;
	case 'P': case 'B': case 'D': case 'E': case 'C': case 'H': case 'S':
		return pg_extended_message(c, pc, m);
	case 'F':
		pg_put_error_msg(&c->out, ERR_FEATURE_NOT_SUPPORTED, 0, "the function call protocol is not supported");
		pg_put_ready(&c->out, pg_txn_status(pc));
		return 0;
	default: {
		struct rerr e;
		rerr_set(&e, ERR_PROTOCOL_VIOLATION, "invalid frontend message type %d", m->type);
		pg_put_error(&c->out, &e, 0, 1);
		return -1;
	}
	}
}

static int pg_input_messages(struct conn *c, struct pg_conn *pc)
{
	while (buf_unread(&c->in) > 0 && !(c->want & (CONN_WANT_CLOSE | CONN_WANT_TLS))) {
		struct pg_msg m;
		ssize_t n;
		if (pc->state == PG_STARTUP)
			n = pg_frame_startup(buf_rptr(&c->in), buf_unread(&c->in), &m);
		else
			n = pg_frame(buf_rptr(&c->in), buf_unread(&c->in),
				     pc->state >= PG_READY ? PG_MESSAGE_MAX : PG_AUTH_MESSAGE_MAX, &m);
		if (n == 0)
			return 0;
		if (n < 0) {
			log_warn("protocol_violation", "protocol=pg conn=%llu peer=%s what=bad-length state=%d",
				 (unsigned long long)c->id, c->peer, pc->state);
			pg_put_error_msg(&c->out, ERR_PROTOCOL_VIOLATION, 1,
					 pc->state == PG_STARTUP ? "invalid length of startup packet"
								 : "invalid message length");
			return -1;
		}
		int rc;
		switch (pc->state) {
		case PG_STARTUP:
			rc = pg_startup(c, pc, &m);
			break;
		case PG_SASL_INITIAL:
		case PG_SASL_FINAL:
		case PG_PASSWORD:
			rc = pg_auth_message(c, pc, &m);
			break;
		case PG_COPY_IN:
			rc = pg_copy_message(c, pc, &m);
			break;
		case PG_SKIP_TO_SYNC:
			rc = 0;
			if (m.type == 'S') {
				pc->state = PG_READY;
				pg_put_ready(&c->out, pg_txn_status(pc));
			} else if (m.type == 'X') {
				rc = -1;
			}
			break;
		default:
			rc = pg_ready_message(c, pc, &m);
			break;
		}
		buf_consume(&c->in, (size_t)n);
		if (rc < 0)
			return -1;
	}
	return 0;
}

static int pg_input(struct conn *c)
{
	struct pg_conn *pc = c->proto_state;
	int rc = pg_input_messages(c, pc);
	session_idle(pc->session); /* lend the store connection out while the client thinks */
	return rc;
}

/* From the loop thread while a worker runs input(): the session outlives the call. */
static void pg_cancel(struct conn *c)
{
	struct pg_conn *pc = c->proto_state;
	if (pc && pc->session)
		session_cancel(pc->session);
}

const struct proto_handler pg_handler = {
	.name = "pg",
	.open = pg_open,
	.input = pg_input,
	.close = pg_close,
	.cancel = pg_cancel,
};
