/*
 * pg_simple_query.c — the simple Query protocol: one text, one or more statements.
 *
 * For each statement: RowDescription and DataRows when it returns rows,
 * then CommandComplete; the first error ends the text with ErrorResponse.
 * ReadyForQuery follows in every case, carrying the transaction status.
 * Rows are encoded straight into the connection's output as the session
 * produces them, and handed to the transport every CONN_DRAIN_AT bytes
 * (conn_out_drain), so a result of any size streams out.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "proto/pg/pg_conn.h"
#include "proto/pg/pg_rows.h"
#include "proto/pg/pg_types.h"

struct pg_row_ctx {
	struct conn *c;
	enum rtype types[1664];
	struct pg_formats text;
	struct rerr err;
};

static int pg_sink_columns(void *ctx, int n, const struct column_desc *cols)
{
	struct pg_row_ctx *rc = ctx;
	for (int i = 0; i < n; i++)
		rc->types[i] = pg_row_type(&cols[i]);
	pg_put_row_description(&rc->c->out, n, cols, &rc->text);
	return 0;
}

static int pg_sink_row(void *ctx, int n, const struct rvalue *vals)
{
	struct pg_row_ctx *rc = ctx;
	if (pg_put_data_row(&rc->c->out, n, rc->types, vals, &rc->text, &rc->err) < 0)
		return -1;
	return conn_out_drain(rc->c) < 0 ? -1 : 0;
}

static void pg_sink_notice(void *ctx, const struct rerr *e)
{
	struct pg_row_ctx *rc = ctx;
	pg_put_error(&rc->c->out, e, 1, 0);
}

char pg_txn_status(const struct pg_conn *pc)
{
	switch (session_txn_state(pc->session)) {
	case TXN_OPEN:
		return 'T';
	case TXN_FAILED:
		return 'E';
	default:
		return 'I';
	}
}

void pg_put_command_complete(struct buf *b, const struct stmt_result *res)
{
	size_t at = pg_msg_begin(b, 'C');
	switch (res->kind) {
	case STMT_SELECT:
		buf_printf(b, "SELECT %" PRId64, res->rows);
		break;
	case STMT_INSERT:
		buf_printf(b, "INSERT 0 %" PRId64, res->rows);
		break;
	case STMT_UPDATE:
		buf_printf(b, "UPDATE %" PRId64, res->rows);
		break;
	case STMT_DELETE:
		buf_printf(b, "DELETE %" PRId64, res->rows);
		break;
	default:
		if (res->returned_rows)
			buf_printf(b, "SELECT %" PRId64, res->rows);
		else
			buf_printf(b, "%s", res->verb);
	}
	buf_put_u8(b, 0);
	pg_msg_end(b, at);
}

int pg_simple_query(struct conn *c, struct pg_conn *pc, const struct pg_msg *m)
{
	if (m->len == 0 || m->body[m->len - 1] != 0) {
		pg_put_error_msg(&c->out, ERR_PROTOCOL_VIOLATION, 1, "invalid string in message");
		return -1;
	}
	static _Thread_local struct pg_row_ctx rc;
	rc.c = c;
	const struct result_sink sink = {
		.ctx = &rc, .columns = pg_sink_columns, .row = pg_sink_row, .notice = pg_sink_notice,
	};
	const char *sql = (const char *)m->body;
	size_t len = m->len - 1, pos = 0;
	int any = 0;
	struct rerr cerr;
	int copy = pg_copy_start(c, pc, sql, len, &cerr);
	if (copy != 0) {
		if (copy < 0)
			pg_put_error(&c->out, &cerr, 0, 0);
		if (pc->state != PG_COPY_IN) /* COPY FROM STDIN answers 'Z' when its data is done */
			pg_put_ready(&c->out, pg_txn_status(pc));
		return 0;
	}
	while (pos < len) {
		struct stmt_result res;
		struct rerr err;
		size_t used = 0;
		int rc_exec = session_execute(pc->session, sql + pos, len - pos, &used, &sink, &res, &err);
		if (rc_exec < 0) {
			if (err.position > 0)
				err.position += (int)pos;
			pg_put_error(&c->out, &err, 0, 0);
			any = 1;
			break;
		}
		pos += used ? used : len - pos;
		if (res.kind == STMT_EMPTY)
			continue;
		pg_put_command_complete(&c->out, &res);
		any = 1;
	}
	if (!any) {
		size_t at = pg_msg_begin(&c->out, 'I'); /* EmptyQueryResponse */
		pg_msg_end(&c->out, at);
	}
	pg_put_ready(&c->out, pg_txn_status(pc));
	return 0;
}
