/*
 * mysql_query.c — the text protocol: COM_QUERY and COM_FIELD_LIST.
 *
 * A COM_QUERY text holds one statement, or several when the client asked for
 * CLIENT_MULTI_STATEMENTS.  Each statement answers with a result set (column
 * count, ColumnDefinition41 per column, [EOF], rows, EOF or OK-as-EOF under
 * CLIENT_DEPRECATE_EOF) or an OK (affected rows, last insert id, status,
 * warnings); every answer but the last carries SERVER_MORE_RESULTS_EXISTS.
 * The first error ends the text with ERR.  USE and KILL are the
 * connection's business and are served here; everything else goes to the
 * session in the MySQL dialect.
 *
 * INTERFACE ROUTINES
 *   mysql_query          serve one COM_QUERY text
 *   mysql_put_columns    column count, definitions and (without DEPRECATE_EOF) EOF
 *   mysql_field_list     COM_FIELD_LIST (the mariadb CLI's table completion)
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "proto/mysql/mysql_conn.h"
#include "proto/mysql/mysql_types.h"

#define MYSQL_MAX_COLS 4096

struct mysql_rows {
	struct conn *c;
	struct mysql_conn *mc;
	int ncols;
	enum rtype types[MYSQL_MAX_COLS];
	uint16_t warnings;
};

void mysql_put_columns(struct buf *out, struct mysql_conn *mc, int n, const struct column_desc *cols)
{
	size_t at = mysql_packet_begin(out, &mc->seq);
	mysql_put_lenenc_int(out, (uint64_t)n);
	mysql_packet_end(out, at, &mc->seq);
	for (int i = 0; i < n; i++)
		mysql_put_column_def(out, &mc->seq, &cols[i], mc->database);
	if (!(mc->caps & CLIENT_DEPRECATE_EOF))
		mysql_put_eof(out, &mc->seq, mysql_status(mc), 0);
}

static int mysql_sink_columns(void *ctx, int n, const struct column_desc *cols)
{
	struct mysql_rows *rs = ctx;
	if (n > MYSQL_MAX_COLS)
		return -1;
	rs->ncols = n;
	for (int i = 0; i < n; i++)
		rs->types[i] = mysql_column_rtype(&cols[i]);
	mysql_put_columns(&rs->c->out, rs->mc, n, cols);
	return 0;
}

static int mysql_sink_row(void *ctx, int n, const struct rvalue *vals)
{
	struct mysql_rows *rs = ctx;
	struct buf *out = &rs->c->out;
	size_t at = mysql_packet_begin(out, &rs->mc->seq);
	for (int i = 0; i < n; i++)
		mysql_put_text_value(out, i < rs->ncols ? rs->types[i] : RT_TEXT, &vals[i]);
	mysql_packet_end(out, at, &rs->mc->seq);
	return conn_out_drain(rs->c) < 0 ? -1 : 0; /* a long result streams out (conn.h) */
}

static void mysql_sink_notice(void *ctx, const struct rerr *e)
{
	(void)e;
	struct mysql_rows *rs = ctx;
	if (rs->warnings < UINT16_MAX)
		rs->warnings++;
}

static int mysql_query_text(struct conn *c, struct mysql_conn *mc, const char *sql, size_t len);

/* ---- a lexical scan in MySQL's rules (backslash escapes, # comments) ---- */

static size_t mysql_skip_space(const char *s, size_t len, size_t pos)
{
	while (pos < len) {
		char ch = s[pos];
		if (ch == ' ' || ch == '\t' || ch == '\n' || ch == '\r' || ch == '\f' || ch == '\v' || ch == ';') {
			pos++;
		} else if (ch == '#' || (ch == '-' && pos + 2 < len && s[pos + 1] == '-' &&
					 (s[pos + 2] == ' ' || s[pos + 2] == '\t' || s[pos + 2] == '\n'))) {
			while (pos < len && s[pos] != '\n')
				pos++;
		} else if (ch == '-' && pos + 2 == len && s[pos + 1] == '-') {
			pos = len;
		} else if (ch == '/' && pos + 1 < len && s[pos + 1] == '*' && !(pos + 2 < len && s[pos + 2] == '!')) {
			const char *e = pos + 2 < len ? memmem(s + pos + 2, len - pos - 2, "*/", 2) : NULL;
			pos = e ? (size_t)(e - s) + 2 : len;
		} else {
			break;
		}
	}
	return pos;
}

/* Offset just past the first statement's ';' (or the end). */
static size_t mysql_statement_end(const char *s, size_t len, size_t pos)
{
	while (pos < len) {
		char ch = s[pos];
		if (ch == '\'' || ch == '"' || ch == '`') {
			pos++;
			while (pos < len && s[pos] != ch) {
				if (s[pos] == '\\' && ch != '`')
					pos++;
				pos++;
			}
			pos++;
		} else if (ch == '#' || (ch == '-' && pos + 1 < len && s[pos + 1] == '-')) {
			while (pos < len && s[pos] != '\n')
				pos++;
		} else if (ch == '/' && pos + 1 < len && s[pos + 1] == '*') {
			const char *e = pos + 2 < len ? memmem(s + pos + 2, len - pos - 2, "*/", 2) : NULL;
			pos = e ? (size_t)(e - s) + 2 : len;
		} else if (ch == ';') {
			return pos + 1;
		} else {
			pos++;
		}
	}
	return len;
}

/* The next bare word at pos, upper-cased into out; returns the position after it. */
static size_t mysql_word(const char *s, size_t len, size_t pos, char *out, size_t cap)
{
	size_t n = 0;
	while (pos < len && n + 1 < cap &&
	       ((s[pos] >= 'A' && s[pos] <= 'Z') || (s[pos] >= 'a' && s[pos] <= 'z') || s[pos] == '_')) {
		out[n++] = (char)(s[pos] >= 'a' ? s[pos] - 32 : s[pos]);
		pos++;
	}
	out[n] = 0;
	return pos;
}

static void mysql_put_syntax_error(struct conn *c, struct mysql_conn *mc, const char *near, size_t n)
{
	char msg[256];
	snprintf(msg, sizeof(msg),
		 "You have an error in your SQL syntax; check the manual that corresponds to your MySQL server "
		 "version for the right syntax to use near '%.*s' at line 1",
		 (int)(n > 80 ? 80 : n), near);
	mysql_put_err_raw(&c->out, &mc->seq, mc->caps, 1064, "42000", msg);
}

/* USE db / KILL [CONNECTION|QUERY] id.  1 served (OK or ERR written; *failed on ERR), 0 not one. */
static int mysql_connection_statement(struct conn *c, struct mysql_conn *mc, const char *s, size_t len, int more,
				      int *failed, int *close_after)
{
	char w[16];
	size_t pos = mysql_word(s, len, 0, w, sizeof(w));
	*failed = 0;
	if (!strcmp(w, "USE")) {
		pos = mysql_skip_space(s, len, pos);
		char db[64];
		size_t n = 0;
		char q = pos < len && (s[pos] == '`' || s[pos] == '"' || s[pos] == '\'') ? s[pos++] : 0;
		while (pos < len && n + 1 < sizeof(db) && s[pos] != q && (q || (s[pos] != ';' && s[pos] != ' ' &&
									      s[pos] != '\n' && s[pos] != '\t')))
			db[n++] = s[pos++];
		db[n] = 0;
		if (n == 0) {
			mysql_put_syntax_error(c, mc, s, len);
			*failed = 1;
			return 1;
		}
		if (mysql_session_start(c, mc, mc->user, db) < 0) {
			*failed = 1;
			return 1;
		}
		mysql_put_ok(&c->out, &mc->seq, mc->caps, 0x00, 0, 0,
			     (uint16_t)(mysql_status(mc) | (more ? SERVER_MORE_RESULTS_EXISTS : 0)), 0, NULL);
		return 1;
	}
	if (!strcmp(w, "KILL")) {
		pos = mysql_skip_space(s, len, pos);
		size_t after = mysql_word(s, len, pos, w, sizeof(w));
		int query_only = 0;
		if (!strcmp(w, "QUERY")) {
			query_only = 1;
			pos = mysql_skip_space(s, len, after);
		} else if (!strcmp(w, "CONNECTION")) {
			pos = mysql_skip_space(s, len, after);
		}
		char num[24];
		size_t n = 0;
		while (pos < len && s[pos] >= '0' && s[pos] <= '9' && n + 1 < sizeof(num))
			num[n++] = s[pos++];
		num[n] = 0;
		if (n == 0 || mysql_skip_space(s, len, pos) < len) {
			mysql_put_syntax_error(c, mc, s, len);
			*failed = 1;
			return 1;
		}
		unsigned long long id = strtoull(num, NULL, 10);
		int rc = mysql_kill(c, mc, (uint32_t)id, query_only, more);
		if (rc < 0)
			*close_after = 1;
		*failed = rc != 0;
		return 1;
	}
	return 0;
}

/* The id AUTO_INCREMENT gave the last INSERT (the store's rowid), for the OK packet. */
struct mysql_id_sink {
	int64_t id;
};

static int mysql_id_row(void *ctx, int n, const struct rvalue *vals)
{
	struct mysql_id_sink *is = ctx;
	if (n == 1 && vals[0].kind == RV_INT)
		is->id = vals[0].i;
	return 0;
}

static int64_t mysql_last_insert_id(struct mysql_conn *mc)
{
	static const char q[] = "SELECT last_insert_id()";
	struct mysql_id_sink is = {0};
	const struct result_sink sink = {.ctx = &is, .row = mysql_id_row};
	struct stmt_result res;
	struct rerr err;
	size_t used;
	if (session_execute(mc->session, q, sizeof(q) - 1, &used, &sink, &res, &err) < 0)
		return 0;
	return is.id;
}

static int mysql_is_word_char(char ch)
{
	return ch == '_' || (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9');
}

/* Decode the quoted string at s[pos] (MySQL escapes, doubled quotes) into out; returns the position
 * after its closing quote, and sets *has_nul when it holds a NUL byte. */
static size_t mysql_decode_string(const char *s, size_t len, size_t pos, struct buf *out, int *has_nul)
{
	char q = s[pos++];
	*has_nul = 0;
	while (pos < len) {
		char ch = s[pos++];
		if (ch == q) {
			if (pos < len && s[pos] == q) { /* '' inside '...' */
				buf_put_u8(out, (uint8_t)q);
				pos++;
				continue;
			}
			return pos;
		}
		if (ch == '\\' && pos < len) {
			char e = s[pos++];
			static const char from[] = "0'\"bnrtZ\\", to[] = {0, '\'', '"', 8, '\n', '\r', '\t', 26, '\\'};
			const char *f = memchr(from, e, sizeof(from) - 1);
			if (f) {
				ch = to[f - from];
			} else if (e == '%' || e == '_') { /* kept with their backslash, for LIKE */
				buf_put_u8(out, '\\');
				ch = e;
			} else {
				ch = e;
			}
		}
		if (ch == 0)
			*has_nul = 1;
		buf_put_u8(out, (uint8_t)ch);
	}
	return len;
}

/*
 * MySQL takes a NUL byte in a quoted string, raw or as \0, as itself (mysql-connector sends
 * BLOB bytes that way); the engine's text literals cannot hold one.  Such strings become
 * X'..' literals (an introducer such as _binary before them is dropped).  Returns sql
 * itself when nothing needs it, else the rewritten text in *tmp.
 */
static const char *mysql_nul_strings_to_hex(const char *sql, size_t *len, struct buf *tmp)
{
	if (!memchr(sql, 0, *len) && !memmem(sql, *len, "\\0", 2))
		return sql;
	static const char hex[] = "0123456789ABCDEF";
	struct buf lit;
	buf_init(&lit);
	buf_reset(tmp);
	size_t n = *len, pos = 0, copied = 0;
	while (pos < n) {
		char ch = sql[pos];
		if (ch == '`') {
			const char *e = memchr(sql + pos + 1, '`', n - pos - 1);
			pos = e ? (size_t)(e - sql) + 1 : n;
		} else if (ch == '#' || (ch == '-' && pos + 2 < n && sql[pos + 1] == '-' && sql[pos + 2] == ' ')) {
			while (pos < n && sql[pos] != '\n')
				pos++;
		} else if (ch == '/' && pos + 1 < n && sql[pos + 1] == '*') {
			const char *e = pos + 2 < n ? memmem(sql + pos + 2, n - pos - 2, "*/", 2) : NULL;
			pos = e ? (size_t)(e - sql) + 2 : n;
		} else if (ch == '\'' || ch == '"') {
			int has_nul;
			buf_reset(&lit);
			size_t end = mysql_decode_string(sql, n, pos, &lit, &has_nul);
			if (has_nul) {
				size_t start = pos;
				while (start > copied && sql[start - 1] == ' ')
					start--;
				size_t w = start;
				while (w > copied && mysql_is_word_char(sql[w - 1]))
					w--;
				if (w < start && sql[w] == '_')
					start = w; /* _binary'..', _utf8mb4'..' */
				else
					start = pos;
				buf_append(tmp, sql + copied, start - copied);
				buf_reserve(tmp, 3 + 2 * lit.len);
				buf_append(tmp, "X'", 2);
				for (size_t i = 0; i < lit.len; i++) {
					tmp->data[tmp->len++] = (uint8_t)hex[lit.data[i] >> 4];
					tmp->data[tmp->len++] = (uint8_t)hex[lit.data[i] & 15];
				}
				buf_put_u8(tmp, '\'');
				copied = end;
			}
			pos = end;
		} else {
			pos++;
		}
	}
	buf_free(&lit);
	if (copied == 0)
		return sql;
	buf_append(tmp, sql + copied, n - copied);
	*len = tmp->len;
	return (const char *)tmp->data;
}

int mysql_query(struct conn *c, struct mysql_conn *mc, const char *sql, size_t len)
{
	struct buf nul_free;
	buf_init(&nul_free);
	sql = mysql_nul_strings_to_hex(sql, &len, &nul_free);
	int rc = mysql_query_text(c, mc, sql, len);
	buf_free(&nul_free);
	return rc;
}

static int mysql_query_text(struct conn *c, struct mysql_conn *mc, const char *sql, size_t len)
{
	int infile = mysql_infile_start(c, mc, sql, len);
	if (infile != 0)
		return 0; /* the file is asked for (state INFILE), or ERR was written */
	size_t pos = mysql_skip_space(sql, len, 0);
	if (pos >= len) {
		mysql_put_err_raw(&c->out, &mc->seq, mc->caps, 1065, "42000", "Query was empty");
		return 0;
	}
	if (!mc->multi_statements) {
		size_t end = mysql_statement_end(sql, len, pos);
		size_t next = mysql_skip_space(sql, len, end);
		if (next < len) {
			mysql_put_syntax_error(c, mc, sql + next, len - next);
			return 0;
		}
	}
	static _Thread_local struct mysql_rows rs;
	rs.c = c;
	rs.mc = mc;
	const struct result_sink sink = {
		.ctx = &rs, .columns = mysql_sink_columns, .row = mysql_sink_row, .notice = mysql_sink_notice,
	};
	int close_after = 0;
	while (pos < len) {
		rs.ncols = 0;
		rs.warnings = 0;
		mc->questions++;
		size_t end = mysql_statement_end(sql, len, pos);
		if (end > len)
			end = len; /* an unterminated quote runs to the end */
		int failed;
		int more_guess = mysql_skip_space(sql, len, end) < len;
		if (mysql_connection_statement(c, mc, sql + pos, end - pos, more_guess, &failed, &close_after)) {
			if (failed || close_after)
				break;
			pos = mysql_skip_space(sql, len, end);
			continue;
		}
		struct stmt_result res;
		struct rerr err;
		size_t used = 0;
		uint64_t matched = 0;
		int rc, counted = mysql_update_text(mc, sql + pos, end - pos, &sink, &res, &err, &matched, &rc);
		if (!counted)
			rc = session_execute(mc->session, sql + pos, len - pos, &used, &sink, &res, &err);
		else
			used = end - pos;
		mc->warnings = rs.warnings;
		if (rc < 0) {
			mysql_put_stmt_err(c, mc, &err, sql + pos, end - pos, NULL, 0);
			break;
		}
		pos = mysql_skip_space(sql, len, pos + (used ? used : len - pos));
		uint16_t status = mysql_status(mc);
		if (pos < len)
			status |= SERVER_MORE_RESULTS_EXISTS;
		if (res.kind == STMT_EMPTY && pos < len)
			continue;
		if (res.returned_rows) {
			if (mc->caps & CLIENT_DEPRECATE_EOF)
				mysql_put_ok(&c->out, &mc->seq, mc->caps, 0xfe, 0, 0, status, rs.warnings, NULL);
			else
				mysql_put_eof(&c->out, &mc->seq, status, rs.warnings);
			continue;
		}
		uint64_t affected = 0, insert_id = 0;
		if (res.kind == STMT_INSERT || res.kind == STMT_UPDATE || res.kind == STMT_DELETE)
			affected = res.rows > 0 ? (uint64_t)res.rows : 0;
		if (res.kind == STMT_INSERT && res.rows > 0) {
			int64_t last = mysql_last_insert_id(mc);
			if (last > 0) /* MySQL reports the first id a multi-row INSERT generated */
				insert_id = (uint64_t)(last - res.rows + 1 > 0 ? last - res.rows + 1 : last);
		}
		char info[96] = "";
		if (counted) { /* MySQL's words, two spaces apart */
			snprintf(info, sizeof(info), "Rows matched: %llu  Changed: %llu  Warnings: %u",
				 (unsigned long long)matched, (unsigned long long)affected, (unsigned)rs.warnings);
			if (mc->caps & CLIENT_FOUND_ROWS)
				affected = matched;
		}
		mysql_put_ok(&c->out, &mc->seq, mc->caps, 0x00, affected, insert_id, status, rs.warnings, info);
	}
	return close_after ? -1 : 0;
}

/* COM_FIELD_LIST: the table's column definitions (each with an empty default), then EOF. */
struct mysql_fields {
	struct conn *c;
	struct mysql_conn *mc;
	int done;
};

static int mysql_fields_columns(void *ctx, int n, const struct column_desc *cols)
{
	struct mysql_fields *f = ctx;
	for (int i = 0; i < n; i++) {
		/* a column definition plus the lenenc default value field COM_FIELD_LIST adds */
		struct buf def;
		buf_init(&def);
		uint8_t seq = 0;
		mysql_put_column_def(&def, &seq, &cols[i], f->mc->database);
		size_t at = mysql_packet_begin(&f->c->out, &f->mc->seq);
		buf_append(&f->c->out, def.data + 4, def.len - 4);
		buf_put_u8(&f->c->out, 0xfb);
		mysql_packet_end(&f->c->out, at, &f->mc->seq);
		buf_free(&def);
	}
	f->done = 1;
	return 0;
}

int mysql_field_list(struct conn *c, struct mysql_conn *mc, const uint8_t *p, size_t n)
{
	struct mysql_rd r = {.p = p, .n = n, .pos = 1};
	size_t tlen;
	const char *table = mysql_get_cstr(&r, &tlen);
	if (!table) { /* the table name may also run to the end without a NUL */
		table = (const char *)p + 1;
		tlen = n - 1;
	}
	if (tlen == 0 || tlen > 64 || memchr(table, '`', tlen)) {
		mysql_put_err_raw(&c->out, &mc->seq, mc->caps, 1146, "42S02", "Table doesn't exist");
		return 0;
	}
	char sql[128];
	snprintf(sql, sizeof(sql), "SELECT * FROM `%.*s` LIMIT 0", (int)tlen, table);
	struct mysql_fields f = {.c = c, .mc = mc};
	const struct result_sink sink = {.ctx = &f, .columns = mysql_fields_columns};
	struct stmt_result res;
	struct rerr err;
	size_t used;
	if (session_execute(mc->session, sql, strlen(sql), &used, &sink, &res, &err) < 0) {
		mysql_put_err(&c->out, &mc->seq, mc->caps, &err);
		return 0;
	}
	if (mc->caps & CLIENT_DEPRECATE_EOF)
		mysql_put_ok(&c->out, &mc->seq, mc->caps, 0xfe, 0, 0, mysql_status(mc), 0, NULL);
	else
		mysql_put_eof(&c->out, &mc->seq, mysql_status(mc), 0);
	return 0;
}
