/*
 * pg_conn.h — per-connection state of the PostgreSQL handler (internal).
 *
 * State diagram of pg_conn.state, with the function for each transition:
 *
 *   STARTUP --SSLRequest------------------> STARTUP (TLS)   [pg_startup: 'S', CONN_WANT_TLS]
 *   STARTUP --GSSENCRequest---------------> STARTUP         [pg_startup: 'N']
 *   STARTUP --CancelRequest---------------> (closed)        [pg_startup]
 *   STARTUP --StartupMessage--------------> SASL_INITIAL    [pg_auth_begin: AuthenticationSASL]
 *   STARTUP --StartupMessage (hba: md5, password)--> PASSWORD [pg_auth_begin: AuthenticationMD5Password/CleartextPassword]
 *   STARTUP --StartupMessage (hba: trust)--> READY          [pg_auth_begin]
 *   PASSWORD --PasswordMessage (ok)-------> READY           [pg_auth_message]
 *   SASL_INITIAL --SASLInitialResponse----> SASL_FINAL      [pg_auth_initial: SASLContinue]
 *   SASL_FINAL --SASLResponse (ok)--------> READY           [pg_auth_final: SASLFinal, AuthOk, status, key, 'Z']
 *   SASL_* --bad proof / malformed--------> (closed)        [FATAL 28P01 / 08P01]
 *   READY --Query-------------------------> READY           [pg_simple_query]
 *   READY --Parse/Bind/Describe/Execute/Close/Flush--> READY [pg_extended_message]
 *   READY --Sync--------------------------> READY           [pg_extended_message: 'Z']
 *   READY --error in an extended message--> SKIP_TO_SYNC    [ErrorResponse]
 *   SKIP_TO_SYNC --Sync-------------------> READY           ['Z']
 *   READY --Query "COPY .. FROM STDIN"----> COPY_IN         [pg_copy_start: CopyInResponse]
 *   COPY_IN --CopyData/CopyDone/CopyFail--> READY           [pg_copy_message]
 *   any --Terminate / protocol violation--> (closed)
 */
#ifndef ROSETTA_PROTO_PG_CONN_H
#define ROSETTA_PROTO_PG_CONN_H

#include <stdint.h>

#include "auth/scram.h"
#include "engine/session.h"
#include "net/conn.h"
#include "proto/pg/pg_rows.h"
#include "proto/pg/pg_wire.h"

enum pg_state { PG_STARTUP, PG_SASL_INITIAL, PG_SASL_FINAL, PG_PASSWORD, PG_READY, PG_SKIP_TO_SYNC, PG_COPY_IN };

struct pg_copy;

/* A prepared statement of the extended protocol ("" is the unnamed one). */
struct pg_stmt {
	struct pg_stmt *next;
	char *name;
	struct session_stmt *st;
	int nparams;
	uint32_t *param_oids; /* what the client declared, else what the engine inferred */
};

/* A portal: a bound statement, possibly part-way through its rows. */
struct pg_portal {
	struct pg_portal *next;
	char *name;
	struct session_portal *p;
	int ncols;
	enum rtype *types;
	int16_t *formats;
	struct pg_formats fmt;
	const struct column_desc *cols;
};

struct pg_conn {
	enum pg_state state;
	char user[64];
	char database[64];
	char application_name[64];
	int user_known;            /* the user exists (else a mock verifier answers) */
	int plus_offered;          /* SCRAM-SHA-256-PLUS was advertised */
	int method;                /* enum hba_method chosen at startup */
	uint8_t md5_salt[4];
	struct scram_verifier verifier;
	struct scram_server *scram;
	struct session *session;
	uint32_t backend_pid, backend_key;
	int cancel_registered;
	struct pg_stmt *stmts;
	struct pg_portal *portals;
	struct pg_copy *copy; /* COPY_IN */
};

/* pg_startup.c */
int pg_startup(struct conn *c, struct pg_conn *pc, const struct pg_msg *m);
/* pg_auth.c */
int pg_auth_begin(struct conn *c, struct pg_conn *pc);
int pg_auth_message(struct conn *c, struct pg_conn *pc, const struct pg_msg *m);
/* pg_simple_query.c */
int pg_simple_query(struct conn *c, struct pg_conn *pc, const struct pg_msg *m);
char pg_txn_status(const struct pg_conn *pc);
void pg_put_command_complete(struct buf *b, const struct stmt_result *res);
/* pg_copy.c: 0 not a COPY, 1 started (or done, for TO STDOUT), -1 error in err */
int pg_copy_start(struct conn *c, struct pg_conn *pc, const char *sql, size_t len, struct rerr *err);
int pg_copy_message(struct conn *c, struct pg_conn *pc, const struct pg_msg *m);
void pg_copy_abandon(struct pg_conn *pc);
/* pg_extended.c */
int pg_extended_message(struct conn *c, struct pg_conn *pc, const struct pg_msg *m);
void pg_extended_close_all(struct pg_conn *pc);

#endif
