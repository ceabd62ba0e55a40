/*
 * mysql_changed.c — an UPDATE's "Rows matched" and "Changed", as MySQL counts them.
 *
 * MySQL's affected rows for UPDATE are the rows whose values changed, unless
 * the client set CLIENT_FOUND_ROWS (then the rows matched); its OK packet's
 * info says both ("Rows matched: 2  Changed: 1  Warnings: 0", which mysql2
 * reads as changedRows).  The store counts rows matched, so a text-protocol
 * UPDATE runs as sql/dialect/mysql_update.h rewrites it: first the count of
 * the matched rows it will leave unchanged, then the UPDATE restricted to the
 * rows that change.  matched = changed + unchanged.
 *
 * A prepared UPDATE from a client without CLIENT_FOUND_ROWS is prepared in its
 * changed-only form (mysql_stmt.c maps the parameters); it reports changed
 * rows and no info text.
 *
 * INTERFACE ROUTINES
 *   mysql_update_text    run a COM_QUERY UPDATE with both counts
 */
#include <string.h>
#include <strings.h>

#include "proto/mysql/mysql_conn.h"
#include "sql/dialect/mysql_update.h"

static int mysql_count_row(void *ctx, int n, const struct rvalue *vals)
{
	int64_t *count = ctx;
	if (n >= 1 && vals[0].kind == RV_INT)
		*count = vals[0].i;
	return 0;
}

int mysql_update_text(struct mysql_conn *mc, const char *sql, size_t len, const struct result_sink *sink,
		      struct stmt_result *res, struct rerr *err, uint64_t *matched, int *rc)
{
	size_t i = 0;
	while (i < len && (sql[i] == ' ' || sql[i] == '\t' || sql[i] == '\r' || sql[i] == '\n'))
		i++;
	if (len - i < 7 || strncasecmp(sql + i, "UPDATE", 6) != 0)
		return 0;
	struct mysql_update_rewrite rw;
	if (mysql_update_rewrite(sql, len, &rw) != 1)
		return 0;
	int64_t unchanged = -1;
	const struct result_sink count_sink = {.ctx = &unchanged, .row = mysql_count_row};
	struct stmt_result cres;
	struct rerr cerr;
	size_t used;
	if (session_execute(mc->session, (const char *)rw.count.data, rw.count.len, &used, &count_sink, &cres, &cerr) < 0 ||
	    unchanged < 0) {
		mysql_update_rewrite_free(&rw); /* the original reports whatever is wrong with it */
		return 0;
	}
	*rc = session_execute(mc->session, (const char *)rw.update.data, rw.update.len, &used, sink, res, err);
	mysql_update_rewrite_free(&rw);
	if (*rc < 0 && err->code == ERR_SYNTAX_ERROR)
		return 0; /* nothing ran: let the statement as written speak for itself */
	if (*rc == 0)
		*matched = (uint64_t)(res->rows > 0 ? res->rows : 0) + (uint64_t)unchanged;
	return 1;
}
