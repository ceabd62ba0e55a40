/*
 * mysql_handler.c — the MySQL handler: framing, sequence ids, dispatch by
 * state and command, sessions, and KILL.
 *
 * The state machine is drawn in mysql_conn.h.  This file frames packets out
 * of c->in (reassembling 16 MiB splits), checks their sequence ids, and hands
 * each to the function its state and command byte name: the connection phase
 * to mysql_auth.c, COM_QUERY to mysql_query.c, COM_STMT_* to mysql_stmt.c,
 * LOAD DATA LOCAL's data to mysql_infile.c.  Small commands (PING, INIT_DB,
 * SET_OPTION, STATISTICS, RESET_CONNECTION, PROCESS_KILL) are served here.
 *
 * Invariants
 *   1. Before authentication no packet may exceed MYSQL_AUTH_PACKET_MAX, after
 *      it MYSQL_PACKET_MAX (@@max_allowed_packet); a longer length word is
 *      answered with ERR 1153 and a close, before the announced bytes arrive.
 *   2. A command starts with sequence id 0, each connection-phase packet with
 *      the id after our last one; anything else is ERR 1156 and a close.
 *   3. A connection is in the KILL registry (and cancel.h's) exactly while it
 *      has a session; it leaves both before the session is closed.
 *
 * INTERFACE ROUTINES
 *   mysql_handler        the struct proto_handler (open/input/close/cancel)
 *   mysql_status         the status flags an OK/EOF carries now
 *   mysql_session_start  open (or replace) the connection's session
 *   mysql_kill           KILL [QUERY|CONNECTION] id, COM_PROCESS_KILL
 */
#include <openssl/rand.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "core/log.h"
#include "engine/cancel.h"
#include "engine/store.h"
#include "proto/mysql/mysql.h"
#include "proto/mysql/mysql_auth.h"
#include "proto/mysql/mysql_conn.h"

#define MYSQL_AUTH_PACKET_MAX (64u * 1024)
#define MYSQL_PACKET_MAX (64u * 1024 * 1024 + 64)

/* ---- the KILL registry: thread id -> connection ------------------------- */

struct mysql_kill_entry {
	struct mysql_kill_entry *next;
	uint32_t id;
	struct mysql_conn *mc;
};

static pthread_mutex_t mysql_kill_mu = PTHREAD_MUTEX_INITIALIZER;
static struct mysql_kill_entry *mysql_kill_list[256];
static pthread_once_t mysql_key_once = PTHREAD_ONCE_INIT;
static uint32_t mysql_cancel_key; /* cancel.h wants a key; KILL has none, so one per server start */
static time_t mysql_started;

static void mysql_key_make(void)
{
	if (RAND_bytes((unsigned char *)&mysql_cancel_key, sizeof(mysql_cancel_key)) != 1)
		mysql_cancel_key = (uint32_t)time(NULL) ^ 0x5bd1e995u;
	mysql_started = time(NULL);
}

static void mysql_kill_register(struct mysql_conn *mc)
{
	struct mysql_kill_entry *e = malloc(sizeof(*e));
	if (!e)
		return;
	e->id = mc->thread_id;
	e->mc = mc;
	pthread_mutex_lock(&mysql_kill_mu);
	e->next = mysql_kill_list[mc->thread_id % 256];
	mysql_kill_list[mc->thread_id % 256] = e;
	pthread_mutex_unlock(&mysql_kill_mu);
	cancel_register(mc->thread_id, mysql_cancel_key, mc->session);
	mc->kill_registered = 1;
}

static void mysql_kill_unregister(struct mysql_conn *mc)
{
	if (!mc->kill_registered)
		return;
	cancel_unregister(mc->thread_id);
	pthread_mutex_lock(&mysql_kill_mu);
	for (struct mysql_kill_entry **l = &mysql_kill_list[mc->thread_id % 256]; *l; l = &(*l)->next)
		if ((*l)->mc == mc) {
			struct mysql_kill_entry *e = *l;
			*l = e->next;
			free(e);
			break;
		}
	pthread_mutex_unlock(&mysql_kill_mu);
	mc->kill_registered = 0;
}

int mysql_kill(struct conn *c, struct mysql_conn *mc, uint32_t id, int query_only, int more)
{
	if (id == mc->thread_id) {
		mysql_put_err_raw(&c->out, &mc->seq, mc->caps, 1317, "70100", "Query execution was interrupted");
		return query_only ? 1 : -1;
	}
	int found = 0;
	pthread_mutex_lock(&mysql_kill_mu);
	for (struct mysql_kill_entry *e = mysql_kill_list[id % 256]; e; e = e->next)
		if (e->id == id) {
			found = 1;
			if (!query_only)
				e->mc->killed = 1;
			break;
		}
	pthread_mutex_unlock(&mysql_kill_mu);
	if (!found) {
		char msg[64];
		snprintf(msg, sizeof(msg), "Unknown thread id: %u", id);
		mysql_put_err_raw(&c->out, &mc->seq, mc->caps, 1094, "HY000", msg);
		return 1;
	}
	cancel_request(id, mysql_cancel_key); /* interrupt what it runs now, if anything */
	log_info("kill", "protocol=mysql conn=%llu target=%u what=%s", (unsigned long long)c->id, id,
		 query_only ? "query" : "connection");
	mysql_put_ok(&c->out, &mc->seq, mc->caps, 0x00, 0, 0,
		     (uint16_t)(mysql_status(mc) | (more ? SERVER_MORE_RESULTS_EXISTS : 0)), 0, NULL);
	return 0;
}

/* ---- sessions ----------------------------------------------------------- */

uint16_t mysql_status(const struct mysql_conn *mc)
{
	uint16_t st = 0;
	if (!mc->session)
		return SERVER_STATUS_AUTOCOMMIT;
	if (session_txn_state(mc->session) != TXN_IDLE)
		st |= SERVER_STATUS_IN_TRANS;
	const char *ac = session_get_var(mc->session, "autocommit");
	if (!ac || !(!strcmp(ac, "0") || !strcasecmp(ac, "off") || !strcasecmp(ac, "false")))
		st |= SERVER_STATUS_AUTOCOMMIT;
	return st;
}

/* The database a client that named none works in: its user's, else demo, else the first. */
static void mysql_default_database(struct conn *c, const char *user, char *out, size_t cap)
{
	struct store *st = c->env->store;
	if (store_database_exists(st, user)) {
		snprintf(out, cap, "%s", user);
		return;
	}
	if (store_database_exists(st, "demo")) {
		snprintf(out, cap, "demo");
		return;
	}
	struct buf names;
	buf_init(&names);
	out[0] = 0;
	if (store_list_databases(st, &names) > 0 && names.len > 0) /* NUL-separated names */
		snprintf(out, cap, "%.*s", (int)strnlen((const char *)names.data, names.len), (const char *)names.data);
	buf_free(&names);
}

int mysql_session_start(struct conn *c, struct mysql_conn *mc, const char *user, const char *database)
{
	char db[64];
	if (database && *database)
		snprintf(db, sizeof(db), "%s", database);
	else
		mysql_default_database(c, user, db, sizeof(db));
	struct session_opts opts = {.dialect = DIALECT_MYSQL, .abort_txn_on_error = 0};
	struct session *s = NULL;
	struct rerr err;
	if (mc->session && !mc->auth && !strcmp(db, mc->database))
		return 0; /* USE of the database in use: nothing changes */
	if (!*db || !store_database_exists(c->env->store, db)) {
		char msg[128];
		snprintf(msg, sizeof(msg), "Unknown database '%s'", db);
		mysql_put_err_raw(&c->out, &mc->seq, mc->caps, 1049, "42000", msg);
		return -1;
	}
	if (session_open(c->env->store, user, db, &opts, &s, &err) < 0) {
		if (err.code == ERR_INVALID_CATALOG_NAME) {
			char msg[128];
			snprintf(msg, sizeof(msg), "Unknown database '%s'", db);
			mysql_put_err_raw(&c->out, &mc->seq, mc->caps, 1049, "42000", msg);
		} else {
			mysql_put_err(&c->out, &mc->seq, mc->caps, &err);
		}
		return -1;
	}
	char id[16];
	snprintf(id, sizeof(id), "%u", mc->thread_id);
	session_set_var(s, "pseudo_thread_id", id, &err);
	if (c->env->cfg && c->env->cfg->mysql_version[0])
		session_set_var(s, "version", c->env->cfg->mysql_version, &err);
	if (mc->session) {
		const char *ac = session_get_var(mc->session, "autocommit"); /* USE keeps the session's autocommit */
		if (ac && !mc->auth)
			session_set_var(s, "autocommit", ac, &err);
	}
	if (mc->session && !mc->auth && session_txn_state(mc->session) == TXN_OPEN) {
		/* USE another database: MySQL keeps the transaction; each database here is its own store, so commit */
		struct stmt_result res;
		size_t used;
		session_execute(mc->session, "COMMIT", 6, &used, NULL, &res, &err);
	}
	mysql_kill_unregister(mc);
	/* prepared statements and a pending LOAD DATA live in the old session: they go with it
	 * (MySQL keeps statements across USE; here a later EXECUTE gets 1243) */
	mysql_stmt_close_all(mc);
	mysql_infile_abandon(mc);
	session_close(mc->session);
	mc->session = s;
	snprintf(mc->database, sizeof(mc->database), "%s", db);
	mysql_kill_register(mc);
	return 0;
}

/* ---- commands ----------------------------------------------------------- */

static void mysql_put_eof_or_ok(struct conn *c, struct mysql_conn *mc)
{
	if (mc->caps & CLIENT_DEPRECATE_EOF)
		mysql_put_ok(&c->out, &mc->seq, mc->caps, 0xfe, 0, 0, mysql_status(mc), 0, NULL);
	else
		mysql_put_eof(&c->out, &mc->seq, mysql_status(mc), 0);
}

static int mysql_init_db(struct conn *c, struct mysql_conn *mc, const uint8_t *p, size_t n)
{
	char db[64];
	if (n - 1 >= sizeof(db) || memchr(p + 1, 0, n - 1)) {
		mysql_put_err_raw(&c->out, &mc->seq, mc->caps, 1049, "42000", "Unknown database");
		return 0;
	}
	memcpy(db, p + 1, n - 1);
	db[n - 1] = 0;
	if (mysql_session_start(c, mc, mc->user, db) == 0)
		mysql_put_ok(&c->out, &mc->seq, mc->caps, 0x00, 0, 0, mysql_status(mc), 0, NULL);
	return 0;
}

static int mysql_statistics(struct conn *c, struct mysql_conn *mc)
{
	char msg[256];
	long up = (long)(time(NULL) - mysql_started);
	snprintf(msg, sizeof(msg),
		 "Uptime: %ld  Threads: 1  Questions: %llu  Slow queries: 0  Opens: 0  Flush tables: 0  "
		 "Open tables: 0  Queries per second avg: %.3f",
		 up, (unsigned long long)mc->questions, up > 0 ? (double)mc->questions / (double)up : 0.0);
	size_t at = mysql_packet_begin(&c->out, &mc->seq);
	buf_append(&c->out, msg, strlen(msg));
	mysql_packet_end(&c->out, at, &mc->seq);
	return 0;
}

static int mysql_reset_connection(struct conn *c, struct mysql_conn *mc)
{
	mysql_stmt_close_all(mc);
	mysql_infile_abandon(mc);
	char db[64];
	snprintf(db, sizeof(db), "%s", mc->database);
	mysql_kill_unregister(mc); /* before the session goes */
	session_close(mc->session); /* a fresh session: transaction rolled back, variables reset */
	mc->session = NULL;
	if (mysql_session_start(c, mc, mc->user, db) < 0)
		return -1;
	mysql_put_ok(&c->out, &mc->seq, mc->caps, 0x00, 0, 0, mysql_status(mc), 0, NULL);
	return 0;
}

static int mysql_command(struct conn *c, struct mysql_conn *mc, const uint8_t *p, size_t n)
{
	if (n == 0) {
		mysql_put_err_raw(&c->out, &mc->seq, mc->caps, 1047, "08S01", "Malformed packet");
		return -1;
	}
	switch (p[0]) {
	case COM_QUIT:
		return -1;
	case COM_QUERY:
		return mysql_query(c, mc, (const char *)p + 1, n - 1);
	case COM_INIT_DB:
		return mysql_init_db(c, mc, p, n);
	case COM_PING:
		mysql_put_ok(&c->out, &mc->seq, mc->caps, 0x00, 0, 0, mysql_status(mc), 0, NULL);
		return 0;
	case COM_FIELD_LIST:
		return mysql_field_list(c, mc, p, n);
	case COM_STATISTICS:
		return mysql_statistics(c, mc);
	case COM_PROCESS_KILL: {
		struct mysql_rd r = {.p = p, .n = n, .pos = 1};
		uint32_t id = mysql_get_u32(&r);
		if (r.bad) {
			mysql_put_err_raw(&c->out, &mc->seq, mc->caps, 1047, "08S01", "Malformed COM_PROCESS_KILL");
			return 0;
		}
		return mysql_kill(c, mc, id, 0, 0) < 0 ? -1 : 0;
	}
	case 0x0d: /* COM_DEBUG */
		mysql_put_eof_or_ok(c, mc);
		return 0;
	case COM_CHANGE_USER:
		return mysql_auth_change_user(c, mc, p, n);
	case COM_RESET_CONNECTION:
		return mysql_reset_connection(c, mc);
	case COM_SET_OPTION: {
		struct mysql_rd r = {.p = p, .n = n, .pos = 1};
		uint16_t opt = mysql_get_u16(&r);
		if (r.bad || opt > 1) {
			mysql_put_err_raw(&c->out, &mc->seq, mc->caps, 1047, "08S01", "Unknown command");
			return 0;
		}
		mc->multi_statements = opt == 0;
		mysql_put_eof_or_ok(c, mc);
		return 0;
	}
	case COM_STMT_PREPARE:
	case COM_STMT_EXECUTE:
	case COM_STMT_SEND_LONG_DATA:
	case COM_STMT_CLOSE:
	case COM_STMT_RESET:
	case COM_STMT_FETCH:
		return mysql_stmt_command(c, mc, p, n);
	default:
		mysql_put_err_raw(&c->out, &mc->seq, mc->caps, 1047, "08S01", "Unknown command");
		return 0;
	}
}

/* ---- framing and the handler -------------------------------------------- */

static int mysql_open(struct conn *c)
{
	struct mysql_conn *mc = calloc(1, sizeof(*mc));
	if (!mc)
		return -1;
	pthread_once(&mysql_key_once, mysql_key_make);
	mc->state = MY_HANDSHAKE;
	mc->thread_id = (uint32_t)(c->id & 0x7fffffff);
	if (mc->thread_id == 0)
		mc->thread_id = 1;
	mc->autocommit = 1;
	buf_init(&mc->scratch);
	c->proto_state = mc;
	mysql_put_greeting(c, mc);
	return 0;
}

static void mysql_close(struct conn *c)
{
	struct mysql_conn *mc = c->proto_state;
	if (!mc)
		return;
	if (mc->session && session_txn_state(mc->session) != TXN_IDLE)
		log_info("txn_abandoned", "protocol=mysql conn=%llu peer=%s", (unsigned long long)c->id, c->peer);
	mysql_kill_unregister(mc); /* before the session goes: no KILL may reach it after */
	mysql_infile_abandon(mc);
	mysql_stmt_close_all(mc);
	session_close(mc->session);
	mysql_auth_free(mc);
	buf_free(&mc->scratch);
	free(mc);
	c->proto_state = NULL;
}

static int mysql_packet(struct conn *c, struct mysql_conn *mc, const struct mysql_packet *pk)
{
	switch (mc->state) {
	case MY_HANDSHAKE:
	case MY_AUTH:
		if (pk->first_seq != mc->seq) {
			mysql_put_err_raw(&c->out, &mc->seq, mc->caps | CLIENT_PROTOCOL_41, 1156, "08S01",
					  "Got packets out of order");
			return -1;
		}
		mc->seq = (uint8_t)(pk->seq + 1);
		if (mc->state == MY_HANDSHAKE)
			return mysql_auth_handshake(c, mc, pk->payload, pk->len);
		return mysql_auth_continue(c, mc, pk->payload, pk->len);
	case MY_INFILE:
		mc->seq = (uint8_t)(pk->seq + 1);
		return mysql_infile_packet(c, mc, pk->payload, pk->len);
	case MY_COMMAND:
	default:
		if (pk->first_seq != 0) {
			mc->seq = (uint8_t)(pk->seq + 1);
			mysql_put_err_raw(&c->out, &mc->seq, mc->caps, 1156, "08S01", "Got packets out of order");
			return -1;
		}
		mc->seq = (uint8_t)(pk->seq + 1); /* after the last part of a split command */
		return mysql_command(c, mc, pk->payload, pk->len);
	}
}

static int mysql_input_packets(struct conn *c, struct mysql_conn *mc)
{
	while (buf_unread(&c->in) > 0 && !(c->want & (CONN_WANT_CLOSE | CONN_WANT_TLS))) {
		size_t max = mc->state == MY_COMMAND || mc->state == MY_INFILE ? MYSQL_PACKET_MAX : MYSQL_AUTH_PACKET_MAX;
		struct mysql_packet pk;
		ssize_t n = mysql_frame(buf_rptr(&c->in), buf_unread(&c->in), max, &mc->scratch, &pk);
		if (n == 0)
			return 0;
		if (n < 0) {
			log_warn("protocol_violation", "protocol=mysql conn=%llu peer=%s what=packet-too-large state=%d",
				 (unsigned long long)c->id, c->peer, mc->state);
			mysql_put_err_raw(&c->out, &mc->seq, mc->caps | CLIENT_PROTOCOL_41, 1153, "08S01",
					  "Got a packet bigger than 'max_allowed_packet' bytes");
			return -1;
		}
		if (mc->killed) { /* KILL from another connection: answer what it sends next, and close */
			mc->seq = (uint8_t)(pk.seq + 1);
			mysql_put_err_raw(&c->out, &mc->seq, mc->caps, 1927, "70100", "Connection was killed");
			return -1;
		}
		int rc = mysql_packet(c, mc, &pk);
		buf_consume(&c->in, (size_t)n);
		if (mc->scratch.cap > (1u << 20))
			buf_free(&mc->scratch); /* do not keep a large split packet's copy */
		if (rc < 0)
			return -1;
		if (mc->killed)
			return -1;
	}
	return 0;
}

static int mysql_input(struct conn *c)
{
	struct mysql_conn *mc = c->proto_state;
	int rc = mysql_input_packets(c, mc);
	session_idle(mc->session); /* lend the store connection out while the client thinks */
	return rc;
}

/* From the loop thread while a worker runs input(): the session outlives the call. */
static void mysql_cancel(struct conn *c)
{
	struct mysql_conn *mc = c->proto_state;
	if (mc && mc->session)
		session_cancel(mc->session);
}

const struct proto_handler mysql_handler = {
	.name = "mysql",
	.open = mysql_open,
	.input = mysql_input,
	.close = mysql_close,
	.cancel = mysql_cancel,
};
