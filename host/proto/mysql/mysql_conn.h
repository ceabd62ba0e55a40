/*
 * mysql_conn.h — per-connection state of the MySQL handler (internal).
 *
 * State diagram of mysql_conn.state, with the function for each transition:
 *
 *   (open) ------------------------------> HANDSHAKE    [mysql_open: HandshakeV10]
 *   HANDSHAKE --SSLRequest---------------> HANDSHAKE    [mysql_auth_handshake: CONN_WANT_TLS]
 *   HANDSHAKE --HandshakeResponse41------> AUTH         [mysql_auth_handshake]
 *   HANDSHAKE --token verifies-----------> COMMAND      [mysql_auth_handshake: (0x01 0x03,) OK]
 *   AUTH --plugin exchange (switch, fast/full caching_sha2, RSA)--> AUTH [mysql_auth_continue]
 *   AUTH --verified----------------------> COMMAND      [mysql_auth_continue: OK]
 *   AUTH --wrong password----------------> (closed)     [ERR 1045]
 *   COMMAND --COM_QUERY------------------> COMMAND      [mysql_query]
 *   COMMAND --COM_STMT_*-----------------> COMMAND      [mysql_stmt_command]
 *   COMMAND --COM_QUERY LOAD DATA LOCAL--> INFILE       [mysql_infile_start: 0xfb + file name]
 *   INFILE --data packets, empty packet--> COMMAND      [mysql_infile_packet: OK or ERR]
 *   COMMAND --COM_CHANGE_USER------------> AUTH / COMMAND [mysql_auth_change_user]
 *   any --COM_QUIT / malformed packet----> (closed)
 */
#ifndef ROSETTA_PROTO_MYSQL_CONN_H
#define ROSETTA_PROTO_MYSQL_CONN_H

#include <stdint.h>

#include "engine/session.h"
#include "net/conn.h"
#include "proto/mysql/mysql_wire.h"

enum mysql_state { MY_HANDSHAKE, MY_AUTH, MY_COMMAND, MY_INFILE };

struct mysql_stmt;   /* mysql_stmt.c */
struct mysql_infile; /* mysql_infile.c */

struct mysql_conn {
	enum mysql_state state;
	uint8_t seq;               /* next sequence id to send */
	uint32_t caps;             /* capabilities in force (offered & requested) */
	uint32_t thread_id;        /* connection id (CONNECTION_ID(), KILL) */
	char user[64];
	char database[64];
	uint8_t scramble[20];
	struct session *session;
	int autocommit;            /* not kept up to date: mysql_status() reads the session's @@autocommit */
	uint16_t warnings;         /* of the last statement */
	struct buf scratch;        /* reassembled split packets */
	struct mysql_stmt *stmts;  /* prepared statements, by id */
	uint32_t next_stmt_id;
	struct mysql_infile *infile;
	void *auth;                /* mysql_auth.c's exchange state */
	/* my1 additions (mysql_handler.c / mysql_query.c) */
	int multi_statements;      /* CLIENT_MULTI_STATEMENTS, or COM_SET_OPTION since */
	int kill_registered;       /* in the KILL registry and cancel.h's */
	volatile int killed;       /* KILL CONNECTION from another connection: close at the next packet */
	uint64_t questions;        /* statements run (COM_STATISTICS) */
};

/* The status flags an OK/EOF carries now (IN_TRANS, AUTOCOMMIT). */
uint16_t mysql_status(const struct mysql_conn *mc);

/* mysql_handler.c: open a session for `user` on `database` ("" = the default database), replacing
 * the connection's current one (its transaction is rolled back).  0, or -1 with ERR written
 * (1049 for an unknown database). */
int mysql_session_start(struct conn *c, struct mysql_conn *mc, const char *user, const char *database);
/* KILL [CONNECTION|QUERY] id: 0 (OK written, with MORE_RESULTS when `more`), 1 (ERR written),
 * or -1 when the connection killed itself (ERR written; close). */
int mysql_kill(struct conn *c, struct mysql_conn *mc, uint32_t id, int query_only, int more);
/* mysql_query.c: COM_FIELD_LIST (payload with its command byte). */
int mysql_field_list(struct conn *c, struct mysql_conn *mc, const uint8_t *p, size_t n);

/* mysql_query.c: text protocol (COM_QUERY): result sets, OK, ERR, multi-statements. */
int mysql_query(struct conn *c, struct mysql_conn *mc, const char *sql, size_t len);
/* Write a result set's column count and definitions (and the EOF that follows them when
 * the client did not ask for DEPRECATE_EOF); shared by the text and binary protocols. */
void mysql_put_columns(struct buf *out, struct mysql_conn *mc, int n, const struct column_desc *cols);

/* mysql_stmt.c: COM_STMT_PREPARE / EXECUTE / SEND_LONG_DATA / CLOSE / RESET / FETCH.
 * `p` is the whole payload (command byte first).  0, or -1 to close. */
int mysql_stmt_command(struct conn *c, struct mysql_conn *mc, const uint8_t *p, size_t n);
void mysql_stmt_close_all(struct mysql_conn *mc);

/* mysql_errors.c: write ERR for `err`, raised by statement sql[0..len) (NULL when not known) run
 * with `params` (a prepared statement's values, or NULL), in MySQL's errno and words: 1062
 * "Duplicate entry 'v' for key 't.k'", 1051 for DROP TABLE of a missing table, 1146 "Table 'db.t'
 * doesn't exist"; other errors as mysql_put_err() writes them.  May run catalog queries. */
void mysql_put_stmt_err(struct conn *c, struct mysql_conn *mc, const struct rerr *err, const char *sql, size_t len,
			const struct rvalue *params, int nparams);

/* mysql_changed.c: when sql[0..len) is a single-table UPDATE, run it counting MySQL's way: returns 1
 * with *rc = session_execute's result (res->rows = rows changed, *matched = rows matched); 0 when
 * the statement is not one it handles (nothing ran). */
int mysql_update_text(struct mysql_conn *mc, const char *sql, size_t len, const struct result_sink *sink,
		      struct stmt_result *res, struct rerr *err, uint64_t *matched, int *rc);

/* mysql_infile.c: LOAD DATA LOCAL INFILE.  mysql_infile_start returns 0 when `sql` is
 * not one (nothing written), 1 when the request for the file was sent (state INFILE),
 * -1 on error (ERR written). */
int mysql_infile_start(struct conn *c, struct mysql_conn *mc, const char *sql, size_t len);
int mysql_infile_packet(struct conn *c, struct mysql_conn *mc, const uint8_t *p, size_t n);
void mysql_infile_abandon(struct mysql_conn *mc);

#endif
