/*
 * mysql_stmt.c — MySQL prepared statements: COM_STMT_PREPARE, EXECUTE,
 * SEND_LONG_DATA, CLOSE, RESET and FETCH, over the session's prepared
 * statements and portals.
 *
 * A statement is a session_stmt plus what the binary protocol keeps between
 * commands: the parameter types of the last execute (a client may send them
 * once and then execute with new-params-bound 0), the long data sent for each
 * parameter since the last execute, and at most one open read-only cursor.
 *
 * Invariants
 *   1. Statement ids are never reused on a connection (next_stmt_id only grows).
 *   2. A cursor is a suspended session portal; it is closed by the next
 *      EXECUTE of its statement, by RESET, by CLOSE, and when its last row
 *      has been fetched.  No other command touches it.
 *   3. Long data is dropped after every EXECUTE and by RESET, as MySQL does.
 *   4. Nothing a client sends makes this module fail the connection: a bad
 *      payload is answered with ERR (EXECUTE, PREPARE, FETCH, RESET) or, for
 *      the commands MySQL never answers (SEND_LONG_DATA, CLOSE), ignored —
 *      a long-data error is reported by the next EXECUTE.
 *
 * Cursor states of a statement, with the function for each transition:
 *
 *   NONE --EXECUTE flags=CURSOR_TYPE_READ_ONLY, rows--> OPEN    [mysql_stmt_execute: columns, EOF+CURSOR_EXISTS]
 *   OPEN --FETCH n, rows remain----------------------> OPEN    [mysql_stmt_fetch: n rows, EOF+CURSOR_EXISTS]
 *   OPEN --FETCH n, exhausted------------------------> NONE    [mysql_stmt_fetch: rows, EOF+LAST_ROW_SENT]
 *   OPEN --EXECUTE / RESET / CLOSE--------------------> NONE    [mysql_stmt_cursor_close]
 *
 * INTERFACE ROUTINES
 *   mysql_stmt_command     one COM_STMT_* command (payload with its command byte)
 *   mysql_stmt_close_all   release every statement of a connection
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "proto/mysql/mysql_binary.h"
#include "proto/mysql/mysql_conn.h"
#include "sql/dialect/mysql_update.h"
#include "sql/split.h"

#define MYSQL_LONG_DATA_MAX (256u << 20) /* per statement, across its parameters */

struct mysql_stmt {
	struct mysql_stmt *next;
	uint32_t id;
	struct session_stmt *st;
	int nparams, ncols;
	const struct column_desc *cols;
	uint8_t *types;                  /* 2 * nparams: type, flags (0x80 unsigned) */
	int types_bound;
	struct mysql_long_data *longdata; /* nparams */
	size_t longdata_bytes;
	int longdata_overflow;
	struct session_portal *cursor;
	char *sql;                       /* the statement's text, for MySQL's error messages */
	size_t sql_len;
	int *run_map;                    /* prepared as a changed-only UPDATE (mysql_changed.c): for each of */
	int run_nparams;                 /* its run_nparams parameters, the client's parameter; else NULL */
};

/* ---- replies ------------------------------------------------------------ */

static void mysql_stmt_err(struct conn *c, struct mysql_conn *mc, int my_errno, const char *sqlstate,
			   const char *fmt, ...) __attribute__((format(printf, 5, 6)));

/* An ERR with an errno of MySQL's own (not from the canonical table). */
static void mysql_stmt_err(struct conn *c, struct mysql_conn *mc, int my_errno, const char *sqlstate,
			   const char *fmt, ...)
{
	char msg[256];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	mysql_put_err_raw(&c->out, &mc->seq, mc->caps, my_errno, sqlstate, msg);
}

/* The end of a result set: EOF, or an OK with header 0xfe under CLIENT_DEPRECATE_EOF. */
static void mysql_stmt_put_end(struct conn *c, struct mysql_conn *mc, uint16_t status)
{
	if (mc->caps & CLIENT_DEPRECATE_EOF)
		mysql_put_ok(&c->out, &mc->seq, mc->caps, 0xfe, 0, 0, status, mc->warnings, NULL);
	else
		mysql_put_eof(&c->out, &mc->seq, status, mc->warnings);
}

/* ---- the statement list ------------------------------------------------- */

static struct mysql_stmt *mysql_stmt_find(struct mysql_conn *mc, uint32_t id, struct mysql_stmt ***link)
{
	if (id == 0xffffffffu) /* MariaDB: the statement prepared last */
		id = mc->next_stmt_id - 1;
	for (struct mysql_stmt **l = &mc->stmts; *l; l = &(*l)->next)
		if ((*l)->id == id) {
			if (link)
				*link = l;
			return *l;
		}
	return NULL;
}

static void mysql_stmt_cursor_close(struct mysql_stmt *ms)
{
	if (ms->cursor) {
		session_portal_close(ms->cursor);
		ms->cursor = NULL;
	}
}

static void mysql_stmt_drop_long_data(struct mysql_stmt *ms)
{
	for (int i = 0; i < ms->nparams; i++) {
		buf_free(&ms->longdata[i].data);
		ms->longdata[i].present = 0;
	}
	ms->longdata_bytes = 0;
	ms->longdata_overflow = 0;
}

static void mysql_stmt_free(struct mysql_stmt *ms)
{
	mysql_stmt_cursor_close(ms);
	if (ms->longdata)
		mysql_stmt_drop_long_data(ms);
	session_stmt_close(ms->st);
	free(ms->longdata);
	free(ms->types);
	free(ms->sql);
	free(ms->run_map);
	free(ms);
}

void mysql_stmt_close_all(struct mysql_conn *mc)
{
	while (mc->stmts) {
		struct mysql_stmt *ms = mc->stmts;
		mc->stmts = ms->next;
		mysql_stmt_free(ms);
	}
}

/* ---- COM_STMT_PREPARE --------------------------------------------------- */

/* A client without CLIENT_FOUND_ROWS is told an UPDATE's changed rows: prepare the changed-only form
 * (sql/dialect/mysql_update.h).  On success *st, *map (per parameter of *st, the client's),
 * *run_np and *np (the client's parameter count); else *np stays -1 and nothing is prepared. */
static void mysql_stmt_prepare_changed(struct mysql_conn *mc, const char *sql, size_t len, struct session_stmt **st,
				       int **map, int *run_np, int *np)
{
	size_t i = 0;
	while (i < len && (sql[i] == ' ' || sql[i] == '\t' || sql[i] == '\r' || sql[i] == '\n'))
		i++;
	struct mysql_update_rewrite rw;
	if (len - i < 7 || strncasecmp(sql + i, "UPDATE", 6) != 0 || mysql_update_rewrite(sql, len, &rw) != 1)
		return;
	struct rerr err;
	if (session_prepare(mc->session, (const char *)rw.update.data, rw.update.len, st, &err) == 0) {
		if (session_stmt_nparams(*st) == rw.nparams) {
			int n = 0;
			for (int j = 0; j < rw.nparams; j++)
				if (rw.param_map[j] + 1 > n)
					n = rw.param_map[j] + 1;
			*map = rw.param_map;
			rw.param_map = NULL;
			*run_np = rw.nparams;
			*np = n;
		} else {
			session_stmt_close(*st);
		}
	}
	mysql_update_rewrite_free(&rw);
}

static int mysql_stmt_prepare(struct conn *c, struct mysql_conn *mc, const char *sql, size_t len)
{
	struct rerr err;
	size_t end = sql_statement_end(sql, len, 0);
	if (sql_skip_space(sql, len, end) < len) {
		mysql_stmt_err(c, mc, 1064, "42000",
			       "You have an error in your SQL syntax; a prepared statement holds one statement");
		return 0;
	}
	struct session_stmt *st;
	int *run_map = NULL, run_np = 0, np = -1;
	if (!(mc->caps & CLIENT_FOUND_ROWS))
		mysql_stmt_prepare_changed(mc, sql, len, &st, &run_map, &run_np, &np);
	if (np < 0 && session_prepare(mc->session, sql, len, &st, &err) < 0) {
		mysql_put_stmt_err(c, mc, &err, sql, len, NULL, 0);
		return 0;
	}
	if (np < 0)
		np = session_stmt_nparams(st);
	struct mysql_stmt *ms = calloc(1, sizeof(*ms));
	if (!ms || !(ms->types = calloc(2 * (size_t)np + 2, 1)) ||
	    !(ms->longdata = calloc((size_t)np + 1, sizeof(*ms->longdata))) || !(ms->sql = malloc(len + 1))) {
		if (ms) {
			free(ms->types);
			free(ms->longdata);
		}
		free(ms);
		free(run_map);
		session_stmt_close(st);
		mysql_put_err_code(&c->out, &mc->seq, mc->caps, ERR_INTERNAL, "out of memory");
		return 0;
	}
	memcpy(ms->sql, sql, len);
	ms->sql[len] = 0;
	ms->sql_len = len;
	ms->st = st;
	ms->nparams = np;
	ms->run_map = run_map;
	ms->run_nparams = run_np;
	ms->cols = session_stmt_columns(st, &ms->ncols);
	if (mc->next_stmt_id == 0)
		mc->next_stmt_id = 1; /* ids start at 1, as MySQL's do */
	ms->id = mc->next_stmt_id++;
	ms->next = mc->stmts;
	mc->stmts = ms;

	size_t at = mysql_packet_begin(&c->out, &mc->seq);
	buf_put_u8(&c->out, 0x00);
	mysql_put_u32(&c->out, ms->id);
	mysql_put_u16(&c->out, (uint16_t)ms->ncols);
	mysql_put_u16(&c->out, (uint16_t)ms->nparams);
	buf_put_u8(&c->out, 0x00);
	mysql_put_u16(&c->out, 0);
	mysql_packet_end(&c->out, at, &mc->seq);
	if (np > 0) {
		for (int i = 0; i < np; i++) {
			struct column_desc pd = {.name = "?", .type = RT_UNKNOWN, .typmod = -1, .table = NULL};
			mysql_put_column_def(&c->out, &mc->seq, &pd, "");
		}
		if (!(mc->caps & CLIENT_DEPRECATE_EOF))
			mysql_put_eof(&c->out, &mc->seq, mysql_status(mc), 0);
	}
	if (ms->ncols > 0) {
		for (int i = 0; i < ms->ncols; i++)
			mysql_put_column_def(&c->out, &mc->seq, &ms->cols[i], mc->database);
		if (!(mc->caps & CLIENT_DEPRECATE_EOF))
			mysql_put_eof(&c->out, &mc->seq, mysql_status(mc), 0);
	}
	return 0;
}

/* ---- result rows -------------------------------------------------------- */

struct mysql_rows_ctx {
	struct conn *c;
	struct mysql_conn *mc;
	const struct column_desc *cols;
	int ncols;
	int described; /* the column definitions have been sent */
	int drained;   /* rows went to the transport: an error can no longer replace them */
};

static int mysql_stmt_row(void *ctx, int n, const struct rvalue *vals)
{
	struct mysql_rows_ctx *x = ctx;
	if (!x->described)
		return 0; /* rows without columns cannot be sent; never happens for a store plan */
	struct buf *b = &x->c->out;
	size_t at = mysql_packet_begin(b, &x->mc->seq);
	size_t bitmap = mysql_binary_row_begin(b, n);
	for (int i = 0; i < n; i++) {
		if (vals[i].kind == RV_NULL) {
			mysql_binary_row_null(b, bitmap, i);
			continue;
		}
		enum rtype t = i < x->ncols ? mysql_column_rtype(&x->cols[i]) : RT_UNKNOWN;
		int32_t typmod = i < x->ncols ? x->cols[i].typmod : -1;
		mysql_put_binary_value(b, t, typmod, &vals[i]);
	}
	mysql_packet_end(b, at, &x->mc->seq);
	int d = conn_out_drain(x->c); /* a long result streams out (conn.h) */
	if (d != 0)
		x->drained = 1; /* sent, or discarded when the peer is gone: `out` was reset either way */
	return d < 0 ? -1 : 0;
}

static void mysql_stmt_notice(void *ctx, const struct rerr *e)
{
	(void)e;
	struct mysql_rows_ctx *x = ctx;
	if (x->mc->warnings < 0xffff)
		x->mc->warnings++;
}

static void mysql_stmt_put_coldefs(struct conn *c, struct mysql_conn *mc, int n, const struct column_desc *cols);

/* Columns known only when the statement runs (SHOW and the other statements the session
 * plans again at execution): send their definitions now; libmysqlclient and the drivers
 * take a column count at EXECUTE that differs from PREPARE's. */
static int mysql_stmt_columns(void *ctx, int n, const struct column_desc *cols)
{
	struct mysql_rows_ctx *x = ctx;
	if (x->described)
		return 0;
	mysql_stmt_put_coldefs(x->c, x->mc, n, cols);
	if (!(x->mc->caps & CLIENT_DEPRECATE_EOF))
		mysql_put_eof(&x->c->out, &x->mc->seq, mysql_status(x->mc), 0);
	x->cols = cols;
	x->ncols = n;
	x->described = 1;
	return 0;
}

/* The column count packet and the definitions (no EOF: the caller sends it with its status). */
static void mysql_stmt_put_coldefs(struct conn *c, struct mysql_conn *mc, int n, const struct column_desc *cols)
{
	size_t at = mysql_packet_begin(&c->out, &mc->seq);
	mysql_put_lenenc_int(&c->out, (uint64_t)n);
	mysql_packet_end(&c->out, at, &mc->seq);
	for (int i = 0; i < n; i++)
		mysql_put_column_def(&c->out, &mc->seq, &cols[i], mc->database);
}

static int mysql_stmt_lid_row(void *ctx, int n, const struct rvalue *vals)
{
	if (n > 0 && vals[0].kind == RV_INT)
		*(int64_t *)ctx = vals[0].i;
	return 0;
}

/* LAST_INSERT_ID() after an INSERT, asked of the session (0 when it cannot tell). */
static uint64_t mysql_stmt_last_insert_id(struct mysql_conn *mc)
{
	static const char q[] = "SELECT last_insert_id()";
	int64_t id = 0;
	struct result_sink sink = {.ctx = &id, .row = mysql_stmt_lid_row};
	struct stmt_result res;
	struct rerr err;
	size_t used;
	if (session_execute(mc->session, q, sizeof(q) - 1, &used, &sink, &res, &err) < 0)
		return 0;
	return id > 0 ? (uint64_t)id : 0;
}

/* ---- COM_STMT_EXECUTE --------------------------------------------------- */

/* A text-typed parameter sent as a blob is text: SQLite never finds a blob equal to a text. */
static void mysql_stmt_fix_kinds(const struct mysql_stmt *ms, struct rvalue *vals)
{
	for (int i = 0; i < ms->nparams; i++) {
		if (vals[i].kind != RV_BLOB)
			continue;
		int at = i;
		for (int j = 0; ms->run_map && j < ms->run_nparams; j++)
			if (ms->run_map[j] == i) {
				at = j;
				break;
			}
		enum rtype t = session_stmt_param_type(ms->st, at);
		if (t != RT_UNKNOWN && t != RT_BYTEA && t != RT_VECTOR)
			vals[i].kind = RV_TEXT;
	}
}

static int mysql_stmt_execute(struct conn *c, struct mysql_conn *mc, struct mysql_rd *r)
{
	uint32_t id = mysql_get_u32(r);
	uint8_t flags = mysql_get_u8(r);
	mysql_get_u32(r); /* iteration count: always 1 */
	if (r->bad) {
		mysql_stmt_err(c, mc, 1835, "HY000", "Malformed communication packet.");
		return 0;
	}
	struct mysql_stmt *ms = mysql_stmt_find(mc, id, NULL);
	if (!ms) {
		mysql_stmt_err(c, mc, 1243, "HY000", "Unknown prepared statement handler (%u) given to mysqld_stmt_execute",
			       id);
		return 0;
	}
	mysql_stmt_cursor_close(ms);
	if (ms->longdata_overflow) {
		mysql_stmt_drop_long_data(ms);
		mysql_stmt_err(c, mc, 1153, "08S01", "Got a packet bigger than 'max_allowed_packet' bytes");
		return 0;
	}

	struct rerr err;
	rerr_clear(&err);
	struct buf scratch;
	buf_init(&scratch);
	buf_reserve(&scratch, (size_t)ms->nparams * MYSQL_BINARY_SCRATCH_MAX + 1);
	struct rvalue *vals = calloc((size_t)ms->nparams + 1, sizeof(*vals));
	int rc = vals ? 0 : rerr_set(&err, ERR_INTERNAL, "out of memory");
	if (rc == 0)
		rc = mysql_decode_exec_params(r, flags, mc->caps, ms->nparams, ms->types, &ms->types_bound,
					      ms->longdata, vals, &scratch, &err);
	if (rc < 0) {
		free(vals);
		buf_free(&scratch);
		mysql_stmt_drop_long_data(ms);
		if (err.code == ERR_PROTOCOL_VIOLATION)
			mysql_stmt_err(c, mc, 1210, "HY000", "Incorrect arguments to mysqld_stmt_execute (%s)",
				       err.message);
		else
			mysql_put_err(&c->out, &mc->seq, mc->caps, &err);
		return 0;
	}
	mysql_stmt_fix_kinds(ms, vals);
	struct session_portal *p;
	if (ms->run_map) { /* the changed-only UPDATE repeats the SET list's parameters */
		struct rvalue *run = calloc((size_t)ms->run_nparams + 1, sizeof(*run));
		if (!run)
			rc = rerr_set(&err, ERR_INTERNAL, "out of memory");
		for (int j = 0; run && j < ms->run_nparams; j++)
			run[j] = vals[ms->run_map[j]];
		if (run)
			rc = session_portal_open(ms->st, run, ms->run_nparams, &p, &err);
		free(run);
	} else {
		rc = session_portal_open(ms->st, vals, ms->nparams, &p, &err);
	}
	if (rc < 0) {
		mysql_put_stmt_err(c, mc, &err, ms->sql, ms->sql_len, vals, ms->nparams);
		free(vals);
		buf_free(&scratch);
		mysql_stmt_drop_long_data(ms);
		return 0;
	}

	mc->warnings = 0;
	struct mysql_rows_ctx x = {.c = c, .mc = mc, .cols = ms->cols, .ncols = ms->ncols};
	struct result_sink sink = {
		.ctx = &x, .columns = mysql_stmt_columns, .row = mysql_stmt_row, .notice = mysql_stmt_notice,
	};
	struct stmt_result res;
	int suspended = 0;
	if (ms->ncols > 0 && (flags & MYSQL_CURSOR_TYPE_READ_ONLY)) {
		/* A cursor: the columns now, the rows at COM_STMT_FETCH. */
		ms->cursor = p;
		free(vals);
		buf_free(&scratch);
		mysql_stmt_drop_long_data(ms);
		mysql_stmt_put_coldefs(c, mc, ms->ncols, ms->cols);
		mysql_stmt_put_end(c, mc, mysql_status(mc) | SERVER_STATUS_CURSOR_EXISTS);
		return 0;
	}
	size_t mark = c->out.len;
	uint8_t seq0 = mc->seq;
	if (ms->ncols > 0)
		mysql_stmt_columns(&x, ms->ncols, ms->cols);
	rc = session_portal_run(p, 0, &sink, &res, &suspended, &err);
	session_portal_close(p);
	if (rc < 0) {
		if (!x.drained) { /* an error replaces the half-built result; after rows went out, it follows them */
			c->out.len = mark;
			mc->seq = seq0;
		}
		mysql_put_stmt_err(c, mc, &err, ms->sql, ms->sql_len, vals, ms->nparams);
		free(vals);
		buf_free(&scratch);
		mysql_stmt_drop_long_data(ms);
		return 0;
	}
	free(vals);
	buf_free(&scratch);
	mysql_stmt_drop_long_data(ms);
	if (x.described) {
		mysql_stmt_put_end(c, mc, mysql_status(mc));
		return 0;
	}
	uint64_t affected = 0, insert_id = 0;
	if (res.kind == STMT_INSERT || res.kind == STMT_UPDATE || res.kind == STMT_DELETE)
		affected = res.rows > 0 ? (uint64_t)res.rows : 0;
	if (res.kind == STMT_INSERT && affected > 0) {
		uint64_t last = mysql_stmt_last_insert_id(mc); /* MySQL reports a multi-row INSERT's first id */
		insert_id = last >= affected ? last - affected + 1 : last;
	}
	mysql_put_ok(&c->out, &mc->seq, mc->caps, 0x00, affected, insert_id, mysql_status(mc), mc->warnings, NULL);
	return 0;
}

/* ---- COM_STMT_FETCH ----------------------------------------------------- */

static int mysql_stmt_fetch(struct conn *c, struct mysql_conn *mc, struct mysql_rd *r)
{
	uint32_t id = mysql_get_u32(r);
	uint32_t want = mysql_get_u32(r);
	if (r->bad) {
		mysql_stmt_err(c, mc, 1835, "HY000", "Malformed communication packet.");
		return 0;
	}
	struct mysql_stmt *ms = mysql_stmt_find(mc, id, NULL);
	if (!ms) {
		mysql_stmt_err(c, mc, 1243, "HY000", "Unknown prepared statement handler (%u) given to mysqld_stmt_fetch",
			       id);
		return 0;
	}
	if (!ms->cursor) {
		mysql_stmt_err(c, mc, 1421, "HY000", "The statement (%u) has no open cursor.", id);
		return 0;
	}
	struct mysql_rows_ctx x = {.c = c, .mc = mc, .cols = ms->cols, .ncols = ms->ncols, .described = 1};
	struct result_sink sink = {.ctx = &x, .row = mysql_stmt_row, .notice = mysql_stmt_notice};
	struct stmt_result res;
	struct rerr err;
	int suspended = 0;
	size_t mark = c->out.len;
	uint8_t seq0 = mc->seq;
	int64_t max = want == 0 ? 1 : (int64_t)want;
	if (session_portal_run(ms->cursor, max, &sink, &res, &suspended, &err) < 0) {
		mysql_stmt_cursor_close(ms);
		if (!x.drained) {
			c->out.len = mark;
			mc->seq = seq0;
		}
		mysql_put_err(&c->out, &mc->seq, mc->caps, &err);
		return 0;
	}
	uint16_t status = mysql_status(mc);
	if (suspended) {
		status |= SERVER_STATUS_CURSOR_EXISTS;
	} else {
		status |= SERVER_STATUS_LAST_ROW_SENT;
		mysql_stmt_cursor_close(ms);
	}
	mysql_stmt_put_end(c, mc, status);
	return 0;
}

/* ---- COM_STMT_SEND_LONG_DATA, CLOSE, RESET ------------------------------- */

static void mysql_stmt_long_data(struct mysql_conn *mc, struct mysql_rd *r)
{
	uint32_t id = mysql_get_u32(r);
	uint16_t param = mysql_get_u16(r);
	if (r->bad)
		return;
	struct mysql_stmt *ms = mysql_stmt_find(mc, id, NULL);
	if (!ms || param >= ms->nparams)
		return; /* MySQL answers nothing; EXECUTE will not see the data */
	size_t n = r->n - r->pos;
	if (ms->longdata_bytes + n > MYSQL_LONG_DATA_MAX) {
		ms->longdata_overflow = 1;
		return;
	}
	buf_append(&ms->longdata[param].data, r->p + r->pos, n);
	ms->longdata[param].present = 1;
	ms->longdata_bytes += n;
	r->pos = r->n;
}

int mysql_stmt_command(struct conn *c, struct mysql_conn *mc, const uint8_t *p, size_t n)
{
	if (n == 0)
		return -1;
	struct mysql_rd r = {p + 1, n - 1, 0, 0};
	switch (p[0]) {
	case COM_STMT_PREPARE:
		return mysql_stmt_prepare(c, mc, (const char *)p + 1, n - 1);
	case COM_STMT_EXECUTE:
		return mysql_stmt_execute(c, mc, &r);
	case COM_STMT_FETCH:
		return mysql_stmt_fetch(c, mc, &r);
	case COM_STMT_SEND_LONG_DATA:
		mysql_stmt_long_data(mc, &r);
		return 0;
	case COM_STMT_CLOSE: {
		struct mysql_stmt **link;
		uint32_t id = mysql_get_u32(&r);
		struct mysql_stmt *ms = r.bad ? NULL : mysql_stmt_find(mc, id, &link);
		if (ms) {
			*link = ms->next;
			mysql_stmt_free(ms);
		}
		return 0;
	}
	case COM_STMT_RESET: {
		uint32_t id = mysql_get_u32(&r);
		struct mysql_stmt *ms = r.bad ? NULL : mysql_stmt_find(mc, id, NULL);
		if (!ms) {
			mysql_stmt_err(c, mc, 1243, "HY000", "Unknown prepared statement handler (%u) given to mysqld_stmt_reset",
				       id);
			return 0;
		}
		mysql_stmt_cursor_close(ms);
		mysql_stmt_drop_long_data(ms);
		mysql_put_ok(&c->out, &mc->seq, mc->caps, 0x00, 0, 0, mysql_status(mc), 0, NULL);
		return 0;
	}
	default:
		mysql_stmt_err(c, mc, 1047, "08S01", "Unknown command");
		return 0;
	}
}
