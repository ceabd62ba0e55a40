/*
 * pg_extended.c — the extended query protocol: Parse, Bind, Describe, Execute,
 * Close, Flush, Sync.
 *
 * Statements and portals are kept in two short lists on the connection
 * (clients keep a few dozen at most; asyncpg's cache is 100).  An error in
 * any of these messages is reported once and the handler discards messages
 * up to the next Sync (pg_handler.c, SKIP_TO_SYNC), as PostgreSQL does.
 * Portals end with their transaction: at a Sync that finds no transaction
 * open, every portal is closed.
 */
#include <stdlib.h>
#include <string.h>

#include "core/arena.h"
#include "proto/pg/pg_conn.h"
#include "proto/pg/pg_types.h"
#include "sql/split.h"

#define PG_MAX_PARAMS 65535

static struct pg_stmt *pg_find_stmt(struct pg_conn *pc, const char *name, struct pg_stmt ***link)
{
	for (struct pg_stmt **l = &pc->stmts; *l; l = &(*l)->next)
		if (strcmp((*l)->name, name) == 0) {
			if (link)
				*link = l;
			return *l;
		}
	return NULL;
}

static struct pg_portal *pg_find_portal(struct pg_conn *pc, const char *name, struct pg_portal ***link)
{
	for (struct pg_portal **l = &pc->portals; *l; l = &(*l)->next)
		if (strcmp((*l)->name, name) == 0) {
			if (link)
				*link = l;
			return *l;
		}
	return NULL;
}

static void pg_portal_free(struct pg_conn *pc, struct pg_portal *p)
{
	if (p->name && p->name[0])
		session_cursor_detach(pc->session, p->name);
	session_portal_close(p->p);
	free(p->types);
	free(p->formats);
	free(p->name);
	free(p);
}

static void pg_stmt_free(struct pg_stmt *s)
{
	session_stmt_close(s->st);
	free(s->param_oids);
	free(s->name);
	free(s);
}

static void pg_drop_portal(struct pg_conn *pc, const char *name)
{
	struct pg_portal **link;
	struct pg_portal *p = pg_find_portal(pc, name, &link);
	if (p) {
		*link = p->next;
		pg_portal_free(pc, p);
	}
}

static void pg_drop_stmt(struct pg_conn *pc, const char *name)
{
	struct pg_stmt **link;
	struct pg_stmt *s = pg_find_stmt(pc, name, &link);
	if (s) {
		*link = s->next;
		pg_stmt_free(s);
	}
}

static void pg_close_portals(struct pg_conn *pc)
{
	while (pc->portals) {
		struct pg_portal *p = pc->portals;
		pc->portals = p->next;
		pg_portal_free(pc, p);
	}
}

void pg_extended_close_all(struct pg_conn *pc)
{
	pg_close_portals(pc);
	while (pc->stmts) {
		struct pg_stmt *s = pc->stmts;
		pc->stmts = s->next;
		pg_stmt_free(s);
	}
}

static int pg_malformed(struct rerr *err, const char *what)
{
	return rerr_set(err, ERR_PROTOCOL_VIOLATION, "invalid %s message format", what);
}

static int pg_parse(struct conn *c, struct pg_conn *pc, const struct pg_msg *m, struct rerr *err)
{
	struct pg_reader r;
	pg_rd_init(&r, m);
	const char *name = pg_rd_cstr(&r);
	const char *sql = pg_rd_cstr(&r);
	uint16_t n = pg_rd_u16(&r);
	const uint8_t *oids = pg_rd_bytes(&r, (size_t)n * 4);
	if (!name || !sql || r.bad || (n && !oids))
		return pg_malformed(err, "Parse");
	if (name[0] && pg_find_stmt(pc, name, NULL))
		return rerr_set(err, ERR_DUPLICATE_PREPARED_STATEMENT, "prepared statement \"%s\" already exists", name);
	size_t len = strlen(sql), end = sql_statement_end(sql, len, 0);
	if (sql_skip_space(sql, len, end) < len)
		return rerr_set(err, ERR_SYNTAX_ERROR, "cannot insert multiple commands into a prepared statement");

	struct session_stmt *st;
	if (session_prepare(pc->session, sql, len, &st, err) < 0)
		return -1;
	struct pg_stmt *ps = calloc(1, sizeof(*ps));
	int np = session_stmt_nparams(st);
	if (n > np)
		np = n;
	if (!ps || !(ps->name = strdup(name)) || !(ps->param_oids = calloc((size_t)np + 1, sizeof(uint32_t)))) {
		if (ps) {
			free(ps->name);
			free(ps);
		}
		session_stmt_close(st);
		return rerr_set(err, ERR_INTERNAL, "out of memory");
	}
	ps->st = st;
	ps->nparams = np;
	for (int i = 0; i < np; i++) {
		uint32_t oid = i < n ? rd_be32(oids + 4 * i) : 0;
		enum rtype t = session_stmt_param_type(st, i);
		ps->param_oids[i] = oid ? oid : pg_type_oid(t);
	}
	if (!name[0])
		pg_drop_stmt(pc, "");
	ps->next = pc->stmts;
	pc->stmts = ps;
	size_t at = pg_msg_begin(&c->out, '1');
	pg_msg_end(&c->out, at);
	return 0;
}

/* Read a format-code list: 0 codes, 1 for all, or exactly `expect`. */
static int pg_read_formats(struct pg_reader *r, int expect, uint16_t *n, int16_t **codes)
{
	*n = pg_rd_u16(r);
	*codes = NULL;
	if (r->bad || (*n > 1 && *n != expect))
		return -1;
	if (*n == 0)
		return 0;
	*codes = calloc(*n, sizeof(int16_t));
	if (!*codes)
		return -1;
	for (int i = 0; i < *n; i++) {
		(*codes)[i] = (int16_t)pg_rd_u16(r);
		if ((*codes)[i] != 0 && (*codes)[i] != 1) {
			free(*codes);
			*codes = NULL;
			return -1;
		}
	}
	return r->bad ? -1 : 0;
}

static int pg_bind(struct conn *c, struct pg_conn *pc, const struct pg_msg *m, struct rerr *err)
{
	struct pg_reader r;
	pg_rd_init(&r, m);
	const char *portal = pg_rd_cstr(&r);
	const char *name = pg_rd_cstr(&r);
	if (!portal || !name)
		return pg_malformed(err, "Bind");
	struct pg_stmt *ps = pg_find_stmt(pc, name, NULL);
	if (!ps)
		return rerr_set(err, ERR_INVALID_SQL_STATEMENT_NAME, "prepared statement \"%s\" does not exist", name);
	if (portal[0] && pg_find_portal(pc, portal, NULL))
		return rerr_set(err, ERR_DUPLICATE_CURSOR, "cursor \"%s\" already exists", portal);

	uint16_t nfmt;
	int16_t *pfmt;
	if (pg_read_formats(&r, ps->nparams, &nfmt, &pfmt) < 0)
		return pg_malformed(err, "Bind");
	uint16_t np = pg_rd_u16(&r);
	if (r.bad) {
		free(pfmt);
		return pg_malformed(err, "Bind");
	}
	if (np != ps->nparams) {
		free(pfmt);
		return rerr_set(err, ERR_PROTOCOL_VIOLATION,
				"bind message supplies %d parameters, but prepared statement \"%s\" requires %d", np,
				name, ps->nparams);
	}
	struct arena a;
	arena_init(&a);
	struct rvalue *vals = arena_alloc(&a, sizeof(*vals) * ((size_t)np + 1));
	int rc = 0;
	for (int i = 0; i < np && rc == 0; i++) {
		int32_t len = (int32_t)pg_rd_u32(&r);
		const uint8_t *p = len >= 0 ? pg_rd_bytes(&r, (size_t)len) : NULL;
		if (r.bad || len < -1) {
			rc = pg_malformed(err, "Bind");
			break;
		}
		int fmt = nfmt == 0 ? 0 : nfmt == 1 ? pfmt[0] : pfmt[i];
		rc = pg_decode_param(&a, ps->param_oids[i], fmt, len >= 0 ? p : NULL, len, &vals[i], err);
		if (rc == 0 && len >= 0 && !p)
			rc = pg_malformed(err, "Bind");
	}
	free(pfmt);
	struct pg_portal *pp = NULL;
	uint16_t nres = 0;
	int16_t *rfmt = NULL;
	if (rc == 0) {
		int ncols;
		session_stmt_columns(ps->st, &ncols);
		if (pg_read_formats(&r, ncols, &nres, &rfmt) < 0)
			rc = pg_malformed(err, "Bind");
	}
	if (rc == 0 && !(pp = calloc(1, sizeof(*pp))))
		rc = rerr_set(err, ERR_INTERNAL, "out of memory");
	if (rc == 0)
		rc = session_portal_open(ps->st, vals, np, &pp->p, err);
	arena_free(&a);
	if (rc < 0) {
		free(rfmt);
		free(pp);
		return -1;
	}
	pp->cols = session_stmt_columns(ps->st, &pp->ncols);
	pp->types = calloc((size_t)pp->ncols + 1, sizeof(enum rtype));
	if (!pp->types) {
		free(rfmt);
		pg_portal_free(pc, pp);
		return rerr_set(err, ERR_INTERNAL, "out of memory");
	}
	/* a named portal is a cursor too: FETCH and MOVE reach it by name */
	if (portal[0] && session_cursor_attach(pc->session, portal, ps->st, pp->p, err) < 0) {
		free(rfmt);
		pg_portal_free(pc, pp);
		return -1;
	}
	pp->name = strdup(portal);
	if (!pp->name) {
		free(rfmt);
		session_cursor_detach(pc->session, portal);
		pg_portal_free(pc, pp);
		return rerr_set(err, ERR_INTERNAL, "out of memory");
	}
	for (int i = 0; i < pp->ncols; i++)
		pp->types[i] = pg_row_type(&pp->cols[i]);
	pp->formats = rfmt;
	pp->fmt.n = nres;
	pp->fmt.codes = rfmt;
	if (!portal[0])
		pg_drop_portal(pc, "");
	pp->next = pc->portals;
	pc->portals = pp;
	size_t at = pg_msg_begin(&c->out, '2');
	pg_msg_end(&c->out, at);
	return 0;
}

static void pg_put_no_data(struct buf *b)
{
	size_t at = pg_msg_begin(b, 'n');
	pg_msg_end(b, at);
}

static int pg_describe(struct conn *c, struct pg_conn *pc, const struct pg_msg *m, struct rerr *err)
{
	struct pg_reader r;
	pg_rd_init(&r, m);
	const uint8_t *kind = pg_rd_bytes(&r, 1);
	const char *name = pg_rd_cstr(&r);
	if (!kind || !name)
		return pg_malformed(err, "Describe");
	if (kind[0] == 'S') {
		struct pg_stmt *ps = pg_find_stmt(pc, name, NULL);
		if (!ps)
			return rerr_set(err, ERR_INVALID_SQL_STATEMENT_NAME, "prepared statement \"%s\" does not exist", name);
		size_t at = pg_msg_begin(&c->out, 't');
		buf_put_be16(&c->out, (uint16_t)ps->nparams);
		for (int i = 0; i < ps->nparams; i++)
			buf_put_be32(&c->out, ps->param_oids[i]);
		pg_msg_end(&c->out, at);
		int ncols;
		const struct column_desc *cols = session_stmt_columns(ps->st, &ncols);
		struct pg_formats text = {0, NULL};
		if (ncols > 0)
			pg_put_row_description(&c->out, ncols, cols, &text);
		else
			pg_put_no_data(&c->out);
		return 0;
	}
	if (kind[0] == 'P') {
		struct pg_portal *pp = pg_find_portal(pc, name, NULL);
		int ncur;
		const struct column_desc *cur = pp ? NULL : session_cursor_columns(pc->session, name, &ncur);
		if (cur) { /* a DECLAREd cursor is a portal too (psycopg 3 describes its server-side cursors so) */
			struct pg_formats text = {0, NULL};
			if (ncur > 0)
				pg_put_row_description(&c->out, ncur, cur, &text);
			else
				pg_put_no_data(&c->out);
			return 0;
		}
		if (!pp)
			return rerr_set(err, ERR_INVALID_CURSOR_NAME, "portal \"%s\" does not exist", name);
		if (pp->ncols > 0)
			pg_put_row_description(&c->out, pp->ncols, pp->cols, &pp->fmt);
		else
			pg_put_no_data(&c->out);
		return 0;
	}
	return rerr_set(err, ERR_PROTOCOL_VIOLATION, "invalid DESCRIBE message subtype %d", kind[0]);
}

struct pg_exec_ctx {
	struct conn *c;
	struct pg_portal *pp;
	struct rerr err;
};

static int pg_exec_row(void *ctx, int n, const struct rvalue *vals)
{
	struct pg_exec_ctx *x = ctx;
	if (pg_put_data_row(&x->c->out, n, x->pp->types, vals, &x->pp->fmt, &x->err) < 0)
		return -1;
	return conn_out_drain(x->c) < 0 ? -1 : 0; /* a long Execute streams out (conn.h) */
}

static void pg_exec_notice(void *ctx, const struct rerr *e)
{
	pg_put_error(&((struct pg_exec_ctx *)ctx)->c->out, e, 1, 0);
}

static int pg_execute(struct conn *c, struct pg_conn *pc, const struct pg_msg *m, struct rerr *err)
{
	struct pg_reader r;
	pg_rd_init(&r, m);
	const char *name = pg_rd_cstr(&r);
	int32_t max_rows = (int32_t)pg_rd_u32(&r);
	if (!name || r.bad)
		return pg_malformed(err, "Execute");
	struct pg_portal *pp = pg_find_portal(pc, name, NULL);
	if (!pp)
		return rerr_set(err, ERR_INVALID_CURSOR_NAME, "portal \"%s\" does not exist", name);
	struct pg_exec_ctx x = {.c = c, .pp = pp};
	rerr_clear(&x.err);
	struct result_sink sink = {.ctx = &x, .row = pg_exec_row, .notice = pg_exec_notice};
	struct stmt_result res;
	int suspended;
	if (session_portal_run(pp->p, max_rows > 0 ? max_rows : 0, &sink, &res, &suspended, err) < 0) {
		if (x.err.code != ERR_SUCCESSFUL_COMPLETION)
			*err = x.err; /* the row encoder's reason, not "client went away" */
		return -1;
	}
	if (res.kind == STMT_EMPTY) {
		size_t at = pg_msg_begin(&c->out, 'I');
		pg_msg_end(&c->out, at);
	} else if (suspended) {
		size_t at = pg_msg_begin(&c->out, 's');
		pg_msg_end(&c->out, at);
	} else {
		pg_put_command_complete(&c->out, &res);
	}
	return 0;
}

static int pg_close_msg(struct conn *c, struct pg_conn *pc, const struct pg_msg *m, struct rerr *err)
{
	struct pg_reader r;
	pg_rd_init(&r, m);
	const uint8_t *kind = pg_rd_bytes(&r, 1);
	const char *name = pg_rd_cstr(&r);
	if (!kind || !name)
		return pg_malformed(err, "Close");
	if (kind[0] == 'S')
		pg_drop_stmt(pc, name);
	else if (kind[0] == 'P')
		pg_drop_portal(pc, name);
	else
		return rerr_set(err, ERR_PROTOCOL_VIOLATION, "invalid CLOSE message subtype %d", kind[0]);
	size_t at = pg_msg_begin(&c->out, '3');
	pg_msg_end(&c->out, at);
	return 0;
}

int pg_extended_message(struct conn *c, struct pg_conn *pc, const struct pg_msg *m)
{
	struct rerr err;
	rerr_clear(&err);
	int rc = 0;
	switch (m->type) {
	case 'P':
		rc = pg_parse(c, pc, m, &err);
		break;
	case 'B':
		rc = pg_bind(c, pc, m, &err);
		break;
	case 'D':
		rc = pg_describe(c, pc, m, &err);
		break;
	case 'E':
		rc = pg_execute(c, pc, m, &err);
		break;
	case 'C':
		rc = pg_close_msg(c, pc, m, &err);
		break;
	case 'H': /* Flush: the transport sends everything after each input anyway */
		break;
	case 'S':
		if (session_txn_state(pc->session) == TXN_IDLE)
			pg_close_portals(pc); /* portals end with their transaction */
		pg_put_ready(&c->out, pg_txn_status(pc));
		break;
	default:
		rc = rerr_set(&err, ERR_PROTOCOL_VIOLATION, "invalid frontend message type %d", m->type);
	}
	if (rc < 0) {
		pg_put_error(&c->out, &err, 0, 0);
		pc->state = PG_SKIP_TO_SYNC;
	}
	return 0;
}
