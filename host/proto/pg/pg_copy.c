/*
 * pg_copy.c — COPY ... FROM STDIN and COPY ... TO STDOUT, text and CSV formats.
 *
 * The bulk path of psql's \copy, psycopg2's copy_expert/copy_from and
 * psycopg 3's cursor.copy().  COPY is PostgreSQL's own statement, so it is
 * recognised and parsed here, in the PostgreSQL handler, and runs through
 * the session's prepared-statement API: one INSERT prepared once, a portal
 * per row.  A COPY outside a transaction runs in one of its own, so it
 * loads all rows or none, as PostgreSQL's does.
 *
 *   READY --Query "COPY t FROM STDIN"--> COPY_IN  [CopyInResponse]
 *   COPY_IN --CopyData--> COPY_IN                 (complete lines inserted; the first error is kept)
 *   COPY_IN --CopyDone--> READY                   [CommandComplete "COPY n" or ErrorResponse; 'Z']
 *   COPY_IN --CopyFail--> READY                   [ErrorResponse 57014; 'Z']
 *   READY --Query "COPY t TO STDOUT"--> READY     [CopyOutResponse, CopyData per row, CopyDone, 'C', 'Z']
 *
 * Records may be split anywhere across CopyData messages; a partial line is
 * carried to the next one.  Binary COPY is refused (0A000).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/arena.h"
#include "core/log.h"
#include "proto/pg/pg_conn.h"
#include "proto/pg/pg_types.h"
#include "sql/split.h"

#define PG_COPY_MAX_LINE (64u << 20)

struct pg_copy {
	int csv;
	char delim;
	char quote;
	char *null_str;
	int header;
	struct session_stmt *insert;
	int ncols;
	uint32_t *oids;  /* parameter types, for decoding fields */
	struct buf line; /* the partial record carried between CopyData messages */
	struct arena arena;
	int64_t rows;
	int failed;
	struct rerr err;
	int own_txn;
};

/* ---- statement parsing -------------------------------------------------- */

struct pg_copy_stmt {
	char target[512];   /* table name as written (quotes kept), or "" for a query */
	const char *query_text; /* COPY (query) TO STDOUT */
	size_t query_len;
	char cols[2048];    /* "(a, b)" as written, or "" */
	int from;           /* FROM STDIN (1) or TO STDOUT (0) */
	int csv, header, binary;
	char delim;
	char quote;
	char null_str[64];
	int null_given;
};

/* Copy an identifier or dotted name at s[i..] (quoted parts kept); returns the position after it. */
static size_t pg_copy_name(const char *s, size_t len, size_t i, char *out, size_t cap)
{
	size_t n = 0;
	for (;;) {
		if (i < len && s[i] == '"') {
			size_t j = i + 1;
			while (j < len && !(s[j] == '"' && (j + 1 >= len || s[j + 1] != '"')))
				j += s[j] == '"' ? 2 : 1;
			j++;
			for (size_t k = i; k < j && k < len && n + 1 < cap; k++)
				out[n++] = s[k];
			i = j;
		} else {
			size_t j = i;
			while (j < len && (s[j] == '_' || (s[j] >= 'a' && s[j] <= 'z') || (s[j] >= 'A' && s[j] <= 'Z') ||
					   (s[j] >= '0' && s[j] <= '9') || s[j] == '$'))
				j++;
			if (j == i)
				break;
			for (size_t k = i; k < j && n + 1 < cap; k++)
				out[n++] = s[k];
			i = j;
		}
		if (i < len && s[i] == '.' && n + 1 < cap) {
			out[n++] = '.';
			i++;
			continue;
		}
		break;
	}
	out[n] = 0;
	return i;
}

/* The end of a parenthesised span starting at s[i] == '(' (quote-aware); len when unbalanced. */
static size_t pg_copy_paren_end(const char *s, size_t len, size_t i)
{
	int depth = 0;
	while (i < len) {
		char c = s[i];
		if (c == '\'' || c == '"') {
			i++;
			while (i < len && s[i] != c)
				i++;
		} else if (c == '(') {
			depth++;
		} else if (c == ')' && --depth == 0) {
			return i + 1;
		}
		i++;
	}
	return len;
}

/* A quoted option value 'x' at s[i]; returns the position after it, or 0 when absent. */
static size_t pg_copy_string(const char *s, size_t len, size_t i, char *out, size_t cap)
{
	if (i >= len || s[i] != '\'')
		return 0;
	size_t n = 0;
	i++;
	while (i < len) {
		if (s[i] == '\'') {
			if (i + 1 < len && s[i + 1] == '\'') {
				i++;
			} else {
				i++;
				break;
			}
		}
		if (n + 1 < cap)
			out[n++] = s[i];
		i++;
	}
	out[n] = 0;
	return i;
}

/* Options: WITH (FORMAT csv, HEADER, DELIMITER ',', NULL '', QUOTE '"') or the old CSV HEADER DELIMITER AS ',' form. */
static int pg_copy_options(const char *s, size_t len, size_t i, struct pg_copy_stmt *st, struct rerr *err)
{
	char kw[32], val[64];
	while ((i = sql_skip_space(s, len, i)) < len) {
		if (s[i] == '(' || s[i] == ')' || s[i] == ',' || s[i] == ';') {
			i++;
			continue;
		}
		size_t j = sql_read_keyword(s, len, i, kw, sizeof(kw));
		if (j == i)
			return rerr_set(err, ERR_SYNTAX_ERROR, "syntax error in COPY options");
		i = sql_skip_space(s, len, j);
		if (!strcmp(kw, "WITH") || !strcmp(kw, "AS"))
			continue;
		if (!strcmp(kw, "FORMAT")) {
			size_t k = sql_read_keyword(s, len, i, val, sizeof(val));
			if (k == i)
				k = pg_copy_string(s, len, i, val, sizeof(val));
			if (!k)
				return rerr_set(err, ERR_SYNTAX_ERROR, "syntax error in COPY FORMAT");
			i = k;
			if (!strcasecmp(val, "csv"))
				st->csv = 1;
			else if (!strcasecmp(val, "binary"))
				st->binary = 1;
			else if (strcasecmp(val, "text"))
				return rerr_set(err, ERR_INVALID_PARAMETER_VALUE, "COPY format \"%s\" not recognized", val);
		} else if (!strcmp(kw, "CSV")) {
			st->csv = 1;
		} else if (!strcmp(kw, "BINARY")) {
			st->binary = 1;
		} else if (!strcmp(kw, "HEADER")) {
			st->header = 1;
			size_t k = sql_read_keyword(s, len, i, val, sizeof(val));
			if (k != i && (!strcmp(val, "TRUE") || !strcmp(val, "ON") || !strcmp(val, "FALSE") || !strcmp(val, "OFF"))) {
				st->header = !strcmp(val, "TRUE") || !strcmp(val, "ON");
				i = k;
			}
		} else if (!strcmp(kw, "DELIMITER") || !strcmp(kw, "NULL") || !strcmp(kw, "QUOTE") || !strcmp(kw, "ESCAPE")) {
			if (!strcmp(kw, "DELIMITER") || !strcmp(kw, "NULL")) {
				size_t k = sql_read_keyword(s, len, i, val, sizeof(val));
				if (k != i && !strcmp(val, "AS"))
					i = sql_skip_space(s, len, k);
			}
			size_t k = pg_copy_string(s, len, i, val, sizeof(val));
			if (!k)
				return rerr_set(err, ERR_SYNTAX_ERROR, "syntax error in COPY %s", kw);
			i = k;
			if (!strcmp(kw, "DELIMITER")) {
				if (strlen(val) != 1)
					return rerr_set(err, ERR_FEATURE_NOT_SUPPORTED, "COPY delimiter must be a single one-byte character");
				st->delim = val[0];
			} else if (!strcmp(kw, "QUOTE")) {
				if (strlen(val) != 1)
					return rerr_set(err, ERR_FEATURE_NOT_SUPPORTED, "COPY quote must be a single one-byte character");
				st->quote = val[0];
			} else if (!strcmp(kw, "NULL")) {
				snprintf(st->null_str, sizeof(st->null_str), "%s", val);
				st->null_given = 1;
			}
		} else if (!strcmp(kw, "ENCODING") || !strcmp(kw, "FREEZE") || !strcmp(kw, "FORCE_QUOTE") ||
			   !strcmp(kw, "FORCE_NOT_NULL") || !strcmp(kw, "FORCE_NULL")) {
			/* accepted; UTF-8 is the only encoding and the rest do not change what is loaded */
			size_t k = pg_copy_string(s, len, i, val, sizeof(val));
			if (k)
				i = k;
			else if (i < len && s[i] == '(')
				i = pg_copy_paren_end(s, len, i);
			else if ((k = sql_read_keyword(s, len, i, val, sizeof(val))) != i &&
				 (!strcmp(val, "ON") || !strcmp(val, "OFF") || !strcmp(val, "TRUE") || !strcmp(val, "FALSE")))
				i = k; /* FREEZE ON, as pgbench writes it */
			else if (i < len && (s[i] == '*' || s[i] == '0' || s[i] == '1'))
				i++;
		} else {
			return rerr_set(err, ERR_SYNTAX_ERROR, "option \"%s\" not recognized", kw);
		}
	}
	return 0;
}

/* Parse COPY; returns 1 when `sql` is a COPY statement (parsed or not), 0 otherwise. */
static int pg_copy_parse(const char *sql, size_t len, struct pg_copy_stmt *st, struct rerr *err)
{
	char kw[16];
	memset(st, 0, sizeof(*st));
	st->delim = '\t';
	st->quote = '"';
	rerr_clear(err);
	size_t i = sql_read_keyword(sql, len, sql_skip_space(sql, len, 0), kw, sizeof(kw));
	if (strcmp(kw, "COPY") != 0)
		return 0;
	i = sql_skip_space(sql, len, i);
	if (i < len && sql[i] == '(') {
		size_t end = pg_copy_paren_end(sql, len, i);
		st->query_text = sql + i + 1;
		st->query_len = end - i - 2;
		i = end;
	} else {
		i = pg_copy_name(sql, len, i, st->target, sizeof(st->target));
		if (!st->target[0]) {
			rerr_set(err, ERR_SYNTAX_ERROR, "syntax error at or near \"COPY\"");
			return 1;
		}
		i = sql_skip_space(sql, len, i);
		if (i < len && sql[i] == '(') {
			size_t end = pg_copy_paren_end(sql, len, i);
			if (end - i >= sizeof(st->cols)) {
				rerr_set(err, ERR_PROGRAM_LIMIT_EXCEEDED, "COPY column list too long");
				return 1;
			}
			memcpy(st->cols, sql + i, end - i);
			st->cols[end - i] = 0;
			i = end;
		}
	}
	char dir[16], where[16];
	i = sql_read_keyword(sql, len, sql_skip_space(sql, len, i), dir, sizeof(dir));
	i = sql_read_keyword(sql, len, sql_skip_space(sql, len, i), where, sizeof(where));
	if (!strcmp(dir, "FROM") && !strcmp(where, "STDIN")) {
		st->from = 1;
	} else if (!strcmp(dir, "TO") && !strcmp(where, "STDOUT")) {
		st->from = 0;
	} else {
		rerr_set(err, ERR_FEATURE_NOT_SUPPORTED,
			 "COPY to or from a file is not supported; use COPY ... FROM STDIN or TO STDOUT (psql's \\copy)");
		return 1;
	}
	if (st->from && st->query_text) {
		rerr_set(err, ERR_SYNTAX_ERROR, "COPY FROM STDIN takes a table, not a query");
		return 1;
	}
	if (pg_copy_options(sql, len, i, st, err) < 0)
		return 1;
	if (st->csv && !st->null_given)
		st->null_str[0] = 0;
	else if (!st->null_given)
		strcpy(st->null_str, "\\N");
	if (st->csv && st->delim == '\t' && !strstr(sql, "DELIMITER") && !strstr(sql, "delimiter"))
		st->delim = ',';
	if (st->binary)
		rerr_set(err, ERR_FEATURE_NOT_SUPPORTED, "COPY in binary format is not supported yet");
	return 1;
}

/* ---- COPY TO STDOUT ------------------------------------------------------ */

struct pg_copy_out {
	struct conn *c;
	const struct pg_copy_stmt *st;
	enum rtype types[1664];
	struct buf field;
	int64_t rows;
};

/* One value's text, escaped for the format, appended to `line`. */
static void pg_copy_put_field(struct pg_copy_out *o, struct buf *line, enum rtype t, const struct rvalue *v)
{
	if (v->kind == RV_NULL) {
		buf_append(line, o->st->null_str, strlen(o->st->null_str));
		return;
	}
	buf_reset(&o->field);
	pg_put_text_value(&o->field, t, v); /* length word + text */
	const char *p = (const char *)o->field.data + 4;
	size_t n = o->field.len - 4;
	if (o->st->csv) {
		int needs = n == 0 || (n == strlen(o->st->null_str) && !memcmp(p, o->st->null_str, n));
		for (size_t i = 0; i < n && !needs; i++)
			needs = p[i] == o->st->delim || p[i] == o->st->quote || p[i] == '\n' || p[i] == '\r';
		if (!needs) {
			buf_append(line, p, n);
			return;
		}
		buf_put_u8(line, (uint8_t)o->st->quote);
		for (size_t i = 0; i < n; i++) {
			if (p[i] == o->st->quote)
				buf_put_u8(line, (uint8_t)o->st->quote);
			buf_put_u8(line, (uint8_t)p[i]);
		}
		buf_put_u8(line, (uint8_t)o->st->quote);
		return;
	}
	for (size_t i = 0; i < n; i++) {
		char ch = p[i];
		if (ch == '\\')
			buf_append(line, "\\\\", 2);
		else if (ch == '\n')
			buf_append(line, "\\n", 2);
		else if (ch == '\r')
			buf_append(line, "\\r", 2);
		else if (ch == '\t')
			buf_append(line, "\\t", 2);
		else if (ch == o->st->delim) {
			buf_put_u8(line, '\\');
			buf_put_u8(line, (uint8_t)ch);
		} else
			buf_put_u8(line, (uint8_t)ch);
	}
}

static int pg_copy_out_row(void *ctx, int n, const struct rvalue *vals)
{
	struct pg_copy_out *o = ctx;
	struct buf *b = &o->c->out;
	size_t at = pg_msg_begin(b, 'd');
	for (int i = 0; i < n; i++) {
		if (i)
			buf_put_u8(b, (uint8_t)o->st->delim);
		pg_copy_put_field(o, b, o->types[i], &vals[i]);
	}
	buf_put_u8(b, '\n');
	pg_msg_end(b, at);
	o->rows++;
	return 0;
}

static int pg_copy_to(struct conn *c, struct pg_conn *pc, const struct pg_copy_stmt *st, struct rerr *err)
{
	struct buf q;
	buf_init(&q);
	if (st->query_text)
		buf_append(&q, st->query_text, st->query_len);
	else
		buf_printf(&q, "SELECT %s FROM %s", st->cols[0] ? st->cols + 1 : "*", st->target);
	if (!st->query_text && st->cols[0]) /* "(a, b)" written as "a, b)": drop the closing parenthesis */
		for (size_t i = q.len; i > 0; i--)
			if (q.data[i - 1] == ')') {
				q.data[i - 1] = ' ';
				break;
			}
	struct session_stmt *sst;
	int rc = session_prepare(pc->session, (const char *)q.data, q.len, &sst, err);
	buf_free(&q);
	if (rc < 0)
		return -1;
	int ncols;
	const struct column_desc *cols = session_stmt_columns(sst, &ncols);
	struct pg_copy_out *o = calloc(1, sizeof(*o));
	if (!o) {
		session_stmt_close(sst);
		return rerr_set(err, ERR_INTERNAL, "out of memory");
	}
	o->c = c;
	o->st = st;
	for (int i = 0; i < ncols && i < 1664; i++)
		o->types[i] = cols[i].array ? RT_TEXT : cols[i].type; /* arrays: text form */
	size_t at = pg_msg_begin(&c->out, 'H');
	buf_put_u8(&c->out, 0);
	buf_put_be16(&c->out, (uint16_t)ncols);
	for (int i = 0; i < ncols; i++)
		buf_put_be16(&c->out, 0);
	pg_msg_end(&c->out, at);
	if (st->header && st->csv) {
		at = pg_msg_begin(&c->out, 'd');
		for (int i = 0; i < ncols; i++) {
			if (i)
				buf_put_u8(&c->out, (uint8_t)st->delim);
			struct rvalue v = {.kind = RV_TEXT, .p = (const uint8_t *)cols[i].name, .n = strlen(cols[i].name)};
			pg_copy_put_field(o, &c->out, RT_TEXT, &v);
		}
		buf_put_u8(&c->out, '\n');
		pg_msg_end(&c->out, at);
	}
	struct session_portal *portal;
	struct stmt_result res;
	int suspended;
	struct result_sink sink = {.ctx = o, .row = pg_copy_out_row};
	rc = session_portal_open(sst, NULL, 0, &portal, err);
	if (rc == 0) {
		rc = session_portal_run(portal, 0, &sink, &res, &suspended, err);
		session_portal_close(portal);
	}
	session_stmt_close(sst);
	if (rc == 0) {
		at = pg_msg_begin(&c->out, 'c');
		pg_msg_end(&c->out, at);
		at = pg_msg_begin(&c->out, 'C');
		buf_printf(&c->out, "COPY %lld", (long long)o->rows);
		buf_put_u8(&c->out, 0);
		pg_msg_end(&c->out, at);
	}
	buf_free(&o->field);
	free(o);
	return rc;
}

/* ---- COPY FROM STDIN ----------------------------------------------------- */

static void pg_copy_free(struct pg_copy *cp)
{
	if (!cp)
		return;
	session_stmt_close(cp->insert);
	buf_free(&cp->line);
	arena_free(&cp->arena);
	free(cp->oids);
	free(cp->null_str);
	free(cp);
}

static int pg_copy_from_begin(struct conn *c, struct pg_conn *pc, const struct pg_copy_stmt *st, struct rerr *err)
{
	/* The target's columns: as listed, else every column of the table. */
	struct buf q;
	buf_init(&q);
	int ncols = 0;
	if (st->cols[0]) {
		ncols = 1;
		for (const char *p = st->cols; *p; p++)
			ncols += *p == ',';
		buf_printf(&q, "INSERT INTO %s %s VALUES (", st->target, st->cols);
	} else {
		struct session_stmt *probe;
		buf_printf(&q, "SELECT * FROM %s", st->target);
		if (session_prepare(pc->session, (const char *)q.data, q.len, &probe, err) < 0) {
			buf_free(&q);
			return -1;
		}
		const struct column_desc *cols = session_stmt_columns(probe, &ncols);
		buf_reset(&q);
		buf_printf(&q, "INSERT INTO %s (", st->target);
		for (int i = 0; i < ncols; i++) {
			buf_printf(&q, "%s\"", i ? ", " : "");
			for (const char *p = cols[i].name; *p; p++)
				buf_printf(&q, *p == '"' ? "\"\"" : "%c", *p);
			buf_printf(&q, "\"");
		}
		buf_printf(&q, ") VALUES (");
		session_stmt_close(probe);
	}
	for (int i = 0; i < ncols; i++)
		buf_printf(&q, "%s$%d", i ? ", " : "", i + 1);
	buf_printf(&q, ")");

	struct pg_copy *cp = calloc(1, sizeof(*cp));
	if (!cp) {
		buf_free(&q);
		return rerr_set(err, ERR_INTERNAL, "out of memory");
	}
	arena_init(&cp->arena);
	cp->csv = st->csv;
	cp->delim = st->delim;
	cp->quote = st->quote;
	cp->header = st->header;
	cp->ncols = ncols;
	cp->null_str = strdup(st->null_str);
	cp->oids = calloc((size_t)ncols + 1, sizeof(uint32_t));
	if (session_txn_state(pc->session) == TXN_IDLE) { /* all rows or none */
		struct stmt_result r;
		size_t used;
		if (session_execute(pc->session, "BEGIN", 5, &used, NULL, &r, err) == 0)
			cp->own_txn = 1;
	}
	int rc = (!cp->null_str || !cp->oids) ? rerr_set(err, ERR_INTERNAL, "out of memory")
					      : session_prepare(pc->session, (const char *)q.data, q.len, &cp->insert, err);
	buf_free(&q);
	if (rc < 0) {
		if (cp->own_txn) {
			struct stmt_result r;
			struct rerr ignored;
			size_t used;
			session_execute(pc->session, "ROLLBACK", 8, &used, NULL, &r, &ignored);
		}
		pg_copy_free(cp);
		return -1;
	}
	for (int i = 0; i < ncols; i++)
		cp->oids[i] = pg_type_oid(session_stmt_param_type(cp->insert, i));
	pc->copy = cp;
	pc->state = PG_COPY_IN;
	size_t at = pg_msg_begin(&c->out, 'G');
	buf_put_u8(&c->out, 0);
	buf_put_be16(&c->out, (uint16_t)ncols);
	for (int i = 0; i < ncols; i++)
		buf_put_be16(&c->out, 0);
	pg_msg_end(&c->out, at);
	return 0;
}

/* Undo text-format escapes in place; returns the new length. */
static size_t pg_copy_unescape(char *s, size_t n)
{
	size_t o = 0;
	for (size_t i = 0; i < n; i++) {
		if (s[i] != '\\' || i + 1 >= n) {
			s[o++] = s[i];
			continue;
		}
		char e = s[++i];
		switch (e) {
		case 'n': s[o++] = '\n'; break;
		case 't': s[o++] = '\t'; break;
		case 'r': s[o++] = '\r'; break;
		case 'b': s[o++] = '\b'; break;
		case 'f': s[o++] = '\f'; break;
		case 'v': s[o++] = '\v'; break;
		case 'x': {
			int v = 0, k = 0;
			while (k < 2 && i + 1 < n && strchr("0123456789abcdefABCDEF", s[i + 1]) && s[i + 1]) {
				char h = s[++i];
				v = v * 16 + (h <= '9' ? h - '0' : (h | 32) - 'a' + 10);
				k++;
			}
			s[o++] = k ? (char)v : 'x';
			break;
		}
		default:
			if (e >= '0' && e <= '7') {
				int v = e - '0', k = 1;
				while (k < 3 && i + 1 < n && s[i + 1] >= '0' && s[i + 1] <= '7') {
					v = v * 8 + (s[++i] - '0');
					k++;
				}
				s[o++] = (char)v;
			} else {
				s[o++] = e; /* \\ and an escaped delimiter */
			}
		}
	}
	return o;
}

/* Split one record into fields (copied into the arena); returns the count or -1 on a bad CSV quote. */
static int pg_copy_fields(struct pg_copy *cp, const char *rec, size_t n, char **fields, size_t *lens, int *quoted,
			  int max)
{
	int nf = 0;
	size_t i = 0;
	for (;;) {
		if (nf == max)
			return max + 1; /* extra data */
		struct buf f;
		buf_init(&f);
		int q = 0;
		if (cp->csv) {
			while (i < n && rec[i] != cp->delim) {
				if (rec[i] == cp->quote) {
					q = 1;
					i++;
					while (i < n) {
						if (rec[i] == cp->quote) {
							if (i + 1 < n && rec[i + 1] == cp->quote) {
								buf_put_u8(&f, (uint8_t)cp->quote);
								i += 2;
								continue;
							}
							break;
						}
						buf_put_u8(&f, (uint8_t)rec[i++]);
					}
					if (i >= n) {
						buf_free(&f);
						return -1;
					}
					i++;
				} else {
					buf_put_u8(&f, (uint8_t)rec[i++]);
				}
			}
		} else {
			while (i < n && rec[i] != cp->delim) {
				if (rec[i] == '\\' && i + 1 < n)
					buf_put_u8(&f, (uint8_t)rec[i++]);
				buf_put_u8(&f, (uint8_t)rec[i++]);
			}
		}
		fields[nf] = arena_strndup(&cp->arena, f.len ? (const char *)f.data : "", f.len);
		lens[nf] = f.len;
		quoted[nf] = q;
		buf_free(&f);
		nf++;
		if (i >= n)
			return nf;
		i++; /* the delimiter */
	}
}

/* Insert one record; the first failure is kept and later records are skipped. */
static void pg_copy_record(struct pg_conn *pc, struct pg_copy *cp, const char *rec, size_t n)
{
	if (cp->failed)
		return;
	if (n > 0 && rec[n - 1] == '\r')
		n--;
	if (!cp->csv && n == 2 && rec[0] == '\\' && rec[1] == '.')
		return; /* the old end-of-data marker */
	if (cp->header) {
		cp->header = 0;
		return;
	}
	arena_reset(&cp->arena);
	int max = cp->ncols;
	char **fields = arena_alloc(&cp->arena, sizeof(char *) * ((size_t)max + 1));
	size_t *lens = arena_alloc(&cp->arena, sizeof(size_t) * ((size_t)max + 1));
	int *quoted = arena_alloc(&cp->arena, sizeof(int) * ((size_t)max + 1));
	struct rvalue *vals = arena_alloc(&cp->arena, sizeof(struct rvalue) * ((size_t)max + 1));
	int nf = pg_copy_fields(cp, rec, n, fields, lens, quoted, max);
	if (nf < 0) {
		rerr_set(&cp->err, ERR_BAD_COPY_FILE_FORMAT, "unterminated CSV quoted field");
		cp->failed = 1;
		return;
	}
	if (nf != max) {
		rerr_set(&cp->err, ERR_BAD_COPY_FILE_FORMAT, nf < max ? "missing data for column %d" : "extra data after last expected column",
			 nf < max ? nf + 1 : max);
		rerr_detail(&cp->err, "COPY line %lld", (long long)cp->rows + 1);
		cp->failed = 1;
		return;
	}
	for (int i = 0; i < nf; i++) {
		int is_null = !quoted[i] && lens[i] == strlen(cp->null_str) && !memcmp(fields[i], cp->null_str, lens[i]);
		size_t len = lens[i];
		if (!is_null && !cp->csv)
			len = pg_copy_unescape(fields[i], len);
		if (pg_decode_param(&cp->arena, cp->oids[i], 0, is_null ? NULL : (const uint8_t *)fields[i], (int32_t)len,
				    &vals[i], &cp->err) < 0) {
			rerr_detail(&cp->err, "COPY line %lld, column %d", (long long)cp->rows + 1, i + 1);
			cp->failed = 1;
			return;
		}
	}
	struct session_portal *portal;
	struct stmt_result res;
	int suspended;
	if (session_portal_open(cp->insert, vals, nf, &portal, &cp->err) < 0) {
		cp->failed = 1;
		return;
	}
	if (session_portal_run(portal, 0, NULL, &res, &suspended, &cp->err) < 0)
		cp->failed = 1;
	else
		cp->rows++;
	session_portal_close(portal);
	(void)pc;
}

/* Consume every complete record in cp->line. */
static void pg_copy_drain(struct pg_conn *pc, struct pg_copy *cp, int final)
{
	const char *s = (const char *)buf_rptr(&cp->line);
	size_t n = buf_unread(&cp->line), start = 0;
	int in_quote = 0;
	for (size_t i = 0; i < n; i++) {
		if (cp->csv && s[i] == cp->quote)
			in_quote = !in_quote;
		else if (s[i] == '\n' && !in_quote) {
			pg_copy_record(pc, cp, s + start, i - start);
			start = i + 1;
		}
	}
	if (final && start < n)
		pg_copy_record(pc, cp, s + start, n - start);
	else if (final && in_quote && !cp->failed) {
		rerr_set(&cp->err, ERR_BAD_COPY_FILE_FORMAT, "unterminated CSV quoted field");
		cp->failed = 1;
	}
	buf_consume(&cp->line, final ? n : start);
	buf_compact(&cp->line);
}

static void pg_copy_finish(struct conn *c, struct pg_conn *pc, int ok, const struct rerr *e)
{
	struct pg_copy *cp = pc->copy;
	struct stmt_result r;
	struct rerr ignored;
	size_t used;
	if (ok && cp->own_txn && session_execute(pc->session, "COMMIT", 6, &used, NULL, &r, &ignored) < 0) {
		ok = 0;
		e = &ignored;
	}
	if (!ok) {
		if (cp->own_txn)
			session_execute(pc->session, "ROLLBACK", 8, &used, NULL, &r, &ignored);
		else
			session_fail(pc->session); /* a COPY that failed inside a transaction aborts it */
		pg_put_error(&c->out, e, 0, 0);
	} else {
		size_t at = pg_msg_begin(&c->out, 'C');
		buf_printf(&c->out, "COPY %lld", (long long)cp->rows);
		buf_put_u8(&c->out, 0);
		pg_msg_end(&c->out, at);
	}
	pc->copy = NULL;
	pc->state = PG_READY;
	pg_copy_free(cp);
	pg_put_ready(&c->out, pg_txn_status(pc));
}

int pg_copy_message(struct conn *c, struct pg_conn *pc, const struct pg_msg *m)
{
	struct pg_copy *cp = pc->copy;
	switch (m->type) {
	case 'd':
		if (buf_unread(&cp->line) + m->len > PG_COPY_MAX_LINE) {
			rerr_set(&cp->err, ERR_PROGRAM_LIMIT_EXCEEDED, "COPY line longer than %u bytes", PG_COPY_MAX_LINE);
			cp->failed = 1;
			buf_reset(&cp->line);
			return 0;
		}
		if (!cp->failed) {
			buf_append(&cp->line, m->body, m->len);
			pg_copy_drain(pc, cp, 0);
		}
		return 0;
	case 'c':
		if (!cp->failed)
			pg_copy_drain(pc, cp, 1);
		pg_copy_finish(c, pc, !cp->failed, &cp->err);
		return 0;
	case 'f': {
		struct rerr e;
		rerr_set(&e, ERR_QUERY_CANCELED, "COPY from stdin failed: %.*s", (int)(m->len ? m->len - 1 : 0),
			 (const char *)m->body);
		pg_copy_finish(c, pc, 0, &e);
		return 0;
	}
	case 'H':
	case 'S': /* ignored during COPY, as PostgreSQL does */
		return 0;
	default: {
		struct rerr e;
		rerr_set(&e, ERR_PROTOCOL_VIOLATION, "unexpected message type 0x%02X during COPY from stdin", m->type);
		pg_copy_finish(c, pc, 0, &e);
		return -1;
	}
	}
}

void pg_copy_abandon(struct pg_conn *pc)
{
	pg_copy_free(pc->copy);
	pc->copy = NULL;
}

int pg_copy_start(struct conn *c, struct pg_conn *pc, const char *sql, size_t len, struct rerr *err)
{
	struct pg_copy_stmt st;
	if (!pg_copy_parse(sql, len, &st, err))
		return 0;
	if (err->code != ERR_SUCCESSFUL_COMPLETION)
		return -1;
	if (session_txn_state(pc->session) == TXN_FAILED)
		return rerr_set(err, ERR_IN_FAILED_SQL_TRANSACTION,
				"current transaction is aborted, commands ignored until end of transaction block");
	int rc = st.from ? pg_copy_from_begin(c, pc, &st, err) : pg_copy_to(c, pc, &st, err);
	return rc < 0 ? -1 : 1;
}
