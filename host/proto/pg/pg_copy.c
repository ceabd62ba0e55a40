/*
 * pg_copy.c — COPY ... FROM STDIN and COPY ... TO STDOUT, in text, CSV and
 * binary formats.
 *
 * The bulk path of psql's \copy, psycopg2's copy_expert, psycopg 3's
 * cursor.copy(), asyncpg's copy_records_to_table / copy_from_table, JDBC's
 * CopyManager and node's pg-copy-streams.  COPY is PostgreSQL's own
 * statement, so it is recognised and parsed here, in the PostgreSQL handler,
 * and runs through the session's prepared-statement API: a multi-row INSERT
 * prepared once and run per batch of rows (see PG_COPY_BATCH_PARAMS).  A COPY
 * outside a transaction runs in one of its own, so it loads all rows or
 * none, as PostgreSQL's does.  The binary format's framing is
 * pg_copy_binary.c; its values are Bind's binary forms (pg_rows.c).
 *
 *   READY --Query "COPY t FROM STDIN"--> COPY_IN  [CopyInResponse]
 *   COPY_IN --CopyData--> COPY_IN                 (complete records decoded and inserted a batch at a
 *                                                  time; the first error is kept, later data skipped)
 *   COPY_IN --CopyDone--> READY                   [CommandComplete "COPY n" or ErrorResponse; 'Z']
 *   COPY_IN --CopyFail--> READY                   [ErrorResponse 57014; 'Z']
 *   READY --Query "COPY t TO STDOUT"--> READY     [CopyOutResponse, CopyData per row (binary: the header
 *                                                  rides in the first, the trailer follows), CopyDone, 'C', 'Z']
 *
 * Records may be split anywhere across CopyData messages; a partial record
 * is carried to the next one.  Column types come from the target table
 * ("SELECT cols FROM t"), so a binary field is read as its column's type.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/arena.h"
#include "core/log.h"
#include "proto/pg/pg_conn.h"
#include "proto/pg/pg_copy_binary.h"
#include "proto/pg/pg_types.h"
#include "sql/lexer.h"

#define PG_COPY_MAX_LINE (64u << 20)

/* ---- statement parsing -------------------------------------------------- */

struct pg_copy_stmt {
	char target[512];   /* table name as written (quotes kept), or "" for a query */
	const char *query_text; /* COPY (query) TO STDOUT */
	size_t query_len;
	char cols[2048];    /* "(a, b)" as written, or "" */
	int from;           /* FROM STDIN (1) or TO STDOUT (0) */
	int csv, header, binary;
	char delim;
	int delim_given;
	char quote;
	char null_str[64];
	int null_given;
};

/*
 * The statement is read with the shared tokenizer under PostgreSQL's rules
 * (sql/lexer.h): "quoted" names, '..' and E'..' and $$..$$ strings, nested
 * block comments.  A token the lexer cannot finish (an unterminated quote or
 * comment) ends the token stream and sets `bad`; pg_copy_parse then reports
 * it as the statement's error, whatever else went wrong after it.
 */
struct pg_copy_lex {
	struct sql_lexer lx;
	struct sql_token t; /* the current token */
	int bad;
	struct arena arena; /* decoded literals */
};

static void pg_copy_next(struct pg_copy_lex *k)
{
	if (k->t.kind == TK_EOF)
		return;
	if (sql_lex_next(&k->lx, &k->t) < 0) {
		k->bad = 1;
		k->t.kind = TK_EOF;
	}
}

static int pg_copy_is(const struct pg_copy_lex *k, const char *word)
{
	return sql_tok_is(&k->lx, &k->t, word);
}

/* The current token is one of the boolean words (ASCII case-insensitive): 1 true, 0 false, -1 neither. */
static int pg_copy_bool_word(const struct pg_copy_lex *k)
{
	if (pg_copy_is(k, "TRUE") || pg_copy_is(k, "ON"))
		return 1;
	if (pg_copy_is(k, "FALSE") || pg_copy_is(k, "OFF"))
		return 0;
	return -1;
}

/* At a '(': moves to its matching ')' and returns 0, or -1 at the end of the text (unbalanced). */
static int pg_copy_skip_parens(struct pg_copy_lex *k)
{
	int depth = 0;
	for (; k->t.kind != TK_EOF; pg_copy_next(k)) {
		if (pg_copy_is(k, "("))
			depth++;
		else if (pg_copy_is(k, ")") && --depth == 0)
			return 0;
	}
	return -1;
}

/* The current token's value when it is a string literal (in the lexer's arena, NUL-terminated), else NULL. */
static const char *pg_copy_string(struct pg_copy_lex *k, size_t *n)
{
	if (k->t.kind != TK_STRING)
		return NULL;
	return sql_lex_decode(&k->arena, &k->lx, &k->t, n);
}

/* The current bare word upper-cased into out (truncated to cap - 1), for messages and comparisons. */
static void pg_copy_word(const struct pg_copy_lex *k, char *out, size_t cap)
{
	size_t n = 0;
	for (; n < k->t.len && n + 1 < cap; n++)
		out[n] = (char)toupper((unsigned char)k->lx.s[k->t.off + n]);
	out[n] = 0;
}

/* An option's value where a single one-byte character is required (DELIMITER, QUOTE). */
static int pg_copy_one_char(const char *val, size_t n, const char *what, char *out, struct rerr *err)
{
	if (n != 1)
		return rerr_set(err, ERR_FEATURE_NOT_SUPPORTED, "COPY %s must be a single one-byte character", what);
	*out = val[0];
	return 0;
}

/* Options: WITH (FORMAT csv, HEADER, DELIMITER ',', NULL '', QUOTE '"') or the old CSV HEADER DELIMITER AS ',' form.
 * Each option moves past its own value, if it has one; the current token is then the next option's. */
static int pg_copy_options(struct pg_copy_lex *k, struct pg_copy_stmt *st, struct rerr *err)
{
	char kw[32];
	while (k->t.kind != TK_EOF) {
		if (pg_copy_is(k, "(") || pg_copy_is(k, ")") || pg_copy_is(k, ",") || pg_copy_is(k, ";")) {
			pg_copy_next(k);
			continue;
		}
		if (k->t.kind != TK_IDENT)
			return rerr_set(err, ERR_SYNTAX_ERROR, "syntax error in COPY options");
		pg_copy_word(k, kw, sizeof(kw));
		pg_copy_next(k);
		const char *val;
		size_t n;
		if (!strcmp(kw, "WITH") || !strcmp(kw, "AS")) {
			continue;
		} else if (!strcmp(kw, "FORMAT")) {
			char word[64];
			if (k->t.kind == TK_IDENT) {
				pg_copy_word(k, word, sizeof(word));
				val = word;
			} else if (!(val = pg_copy_string(k, &n))) {
				return rerr_set(err, ERR_SYNTAX_ERROR, "syntax error in COPY FORMAT");
			}
			if (!strcasecmp(val, "csv"))
				st->csv = 1;
			else if (!strcasecmp(val, "binary"))
				st->binary = 1;
			else if (strcasecmp(val, "text"))
				return rerr_set(err, ERR_INVALID_PARAMETER_VALUE, "COPY format \"%s\" not recognized", val);
			pg_copy_next(k);
		} else if (!strcmp(kw, "CSV")) {
			st->csv = 1;
		} else if (!strcmp(kw, "BINARY")) {
			st->binary = 1;
		} else if (!strcmp(kw, "HEADER")) {
			int b = pg_copy_bool_word(k);
			st->header = b != 0;
			if (b >= 0)
				pg_copy_next(k);
		} else if (!strcmp(kw, "DELIMITER") || !strcmp(kw, "NULL") || !strcmp(kw, "QUOTE") || !strcmp(kw, "ESCAPE")) {
			if ((!strcmp(kw, "DELIMITER") || !strcmp(kw, "NULL")) && pg_copy_is(k, "AS"))
				pg_copy_next(k);
			if (!(val = pg_copy_string(k, &n)))
				return rerr_set(err, ERR_SYNTAX_ERROR, "syntax error in COPY %s", kw);
			if (!strcmp(kw, "DELIMITER")) {
				if (pg_copy_one_char(val, n, "delimiter", &st->delim, err) < 0)
					return -1;
				st->delim_given = 1;
			} else if (!strcmp(kw, "QUOTE")) {
				if (pg_copy_one_char(val, n, "quote", &st->quote, err) < 0)
					return -1;
			} else if (!strcmp(kw, "NULL")) {
				snprintf(st->null_str, sizeof(st->null_str), "%s", val);
				st->null_given = 1;
			} /* ESCAPE: read; the CSV reader takes the quote as the escape */
			pg_copy_next(k);
		} else if (!strcmp(kw, "ENCODING") || !strcmp(kw, "FREEZE") || !strcmp(kw, "FORCE_QUOTE") ||
			   !strcmp(kw, "FORCE_NOT_NULL") || !strcmp(kw, "FORCE_NULL")) {
			/* accepted; UTF-8 is the only encoding and the rest do not change what is loaded.
			 * The value, if any: 'x', (cols), ON/OFF/TRUE/FALSE (FREEZE ON, as pgbench writes it), *, 0, 1. */
			if (pg_copy_is(k, "(")) {
				pg_copy_skip_parens(k);
				pg_copy_next(k);
			} else if (k->t.kind == TK_STRING || pg_copy_bool_word(k) >= 0 || pg_copy_is(k, "*") ||
				   (k->t.kind == TK_INT && k->t.len == 1 &&
				    (k->lx.s[k->t.off] == '0' || k->lx.s[k->t.off] == '1'))) {
				pg_copy_next(k);
			}
		} else {
			return rerr_set(err, ERR_SYNTAX_ERROR, "option \"%s\" not recognized", kw);
		}
	}
	return 0;
}

/* COPY name [(cols)] | COPY (query): the source or target, into st.  The current token is the one after COPY. */
static int pg_copy_target(struct pg_copy_lex *k, struct pg_copy_stmt *st, struct rerr *err)
{
	const char *sql = k->lx.s;
	if (pg_copy_is(k, "(")) {
		size_t open = k->t.off;
		if (pg_copy_skip_parens(k) == 0) {
			st->query_text = sql + open + 1;
			st->query_len = k->t.off - open - 1;
			pg_copy_next(k);
		} /* unbalanced: the end of the text, and no FROM/TO */
		return 0;
	}
	size_t n = 0;
	while (k->t.kind == TK_IDENT || k->t.kind == TK_QIDENT) {
		if (n + k->t.len + 2 > sizeof(st->target))
			return rerr_set(err, ERR_PROGRAM_LIMIT_EXCEEDED, "COPY table name too long");
		memcpy(st->target + n, sql + k->t.off, k->t.len);
		n += k->t.len;
		pg_copy_next(k);
		if (!pg_copy_is(k, "."))
			break;
		st->target[n++] = '.';
		pg_copy_next(k);
	}
	st->target[n] = 0;
	if (!n)
		return rerr_set(err, ERR_SYNTAX_ERROR, "syntax error at or near \"COPY\"");
	if (pg_copy_is(k, "(")) {
		size_t open = k->t.off;
		if (pg_copy_skip_parens(k) == 0) {
			size_t end = k->t.off + 1;
			if (end - open >= sizeof(st->cols))
				return rerr_set(err, ERR_PROGRAM_LIMIT_EXCEEDED, "COPY column list too long");
			memcpy(st->cols, sql + open, end - open);
			st->cols[end - open] = 0;
			pg_copy_next(k);
		}
	}
	return 0;
}

/* Everything after COPY; -1 with err set when it is not a COPY this server runs. */
static int pg_copy_clauses(struct pg_copy_lex *k, struct pg_copy_stmt *st, struct rerr *err)
{
	if (pg_copy_target(k, st, err) < 0)
		return -1;
	int from = pg_copy_is(k, "FROM"), to = pg_copy_is(k, "TO");
	pg_copy_next(k);
	if (from && pg_copy_is(k, "STDIN")) {
		st->from = 1;
	} else if (to && pg_copy_is(k, "STDOUT")) {
		st->from = 0;
	} else {
		return rerr_set(err, ERR_FEATURE_NOT_SUPPORTED,
				"COPY to or from a file is not supported; use COPY ... FROM STDIN or TO STDOUT (psql's \\copy)");
	}
	if (st->from && st->query_text)
		return rerr_set(err, ERR_SYNTAX_ERROR, "COPY FROM STDIN takes a table, not a query");
	pg_copy_next(k);
	if (pg_copy_options(k, st, err) < 0)
		return -1;
	if (st->csv && !st->null_given)
		st->null_str[0] = 0;
	else if (!st->null_given)
		strcpy(st->null_str, "\\N");
	if (st->csv && !st->delim_given)
		st->delim = ',';
	if (st->binary && (st->csv || st->header || st->null_given || st->delim != '\t'))
		return rerr_set(err, ERR_SYNTAX_ERROR, "cannot specify %s in BINARY mode",
				st->csv ? "CSV" : st->header ? "HEADER" : st->null_given ? "NULL" : "DELIMITER");
	return 0;
}

/* Parse COPY; returns 1 when `sql` is a COPY statement (parsed or not: err tells), 0 otherwise. */
static int pg_copy_parse(const char *sql, size_t len, struct pg_copy_stmt *st, struct rerr *err)
{
	memset(st, 0, sizeof(*st));
	st->delim = '\t';
	st->quote = '"';
	rerr_clear(err);
	struct pg_copy_lex k;
	memset(&k, 0, sizeof(k));
	sql_lex_init(&k.lx, DIALECT_PG, sql, len);
	k.t.kind = TK_OP;
	pg_copy_next(&k);
	if (!pg_copy_is(&k, "COPY"))
		return 0;
	arena_init(&k.arena);
	pg_copy_next(&k);
	pg_copy_clauses(&k, st, err);
	if (k.bad) { /* the lexer's failure explains whatever followed it */
		size_t n = k.lx.len - k.t.off;
		rerr_clear(err);
		rerr_set(err, ERR_SYNTAX_ERROR, "unterminated quoted string or comment at or near \"%.*s\"",
			 (int)(n > 20 ? 20 : n), sql + k.t.off);
	}
	arena_free(&k.arena);
	return 1;
}

/* ---- shared --------------------------------------------------------------- */

/* "SELECT <columns> FROM <target>": the columns COPY reads or writes, with their types. */
static void pg_copy_select_text(const struct pg_copy_stmt *st, struct buf *q)
{
	if (!st->cols[0]) {
		buf_printf(q, "SELECT * FROM %s", st->target);
		return;
	}
	size_t n = strlen(st->cols);
	/* "(a, b)" as written: drop the parentheses */
	buf_printf(q, "SELECT %.*s FROM %s", (int)(n >= 2 ? n - 2 : 0), st->cols + 1, st->target);
}

/* ---- COPY TO STDOUT ------------------------------------------------------ */

struct pg_copy_out {
	struct conn *c;
	const struct pg_copy_stmt *st;
	size_t null_len;
	enum rtype types[1664];
	struct buf field;
	int64_t rows;
	struct rerr err; /* binary: a column with no binary form */
};

/* Text format: bytes that must be escaped, by value (the delimiter is added per COPY). */
static int pg_copy_text_special(unsigned char ch, char delim)
{
	return ch == '\\' || ch == '\n' || ch == '\r' || ch == '\t' || ch == (unsigned char)delim;
}

/* One value's text, escaped for the format, appended to `line`. */
static void pg_copy_put_field(struct pg_copy_out *o, struct buf *line, enum rtype t, const struct rvalue *v)
{
	if (v->kind == RV_NULL) {
		buf_append(line, o->st->null_str, o->null_len);
		return;
	}
	buf_reset(&o->field);
	pg_put_text_value(&o->field, t, v); /* length word + text */
	const char *p = (const char *)o->field.data + 4;
	size_t n = o->field.len - 4;
	if (o->st->csv) {
		int needs = n == 0 || (n == o->null_len && !memcmp(p, o->st->null_str, n));
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
	/* Runs without special bytes go out in one append; most values are one run. */
	size_t run = 0;
	for (size_t i = 0; i < n; i++) {
		unsigned char ch = (unsigned char)p[i];
		if (!pg_copy_text_special(ch, o->st->delim))
			continue;
		buf_append(line, p + run, i - run);
		run = i + 1;
		char esc[2] = {'\\', (char)ch};
		if (ch == '\n')
			esc[1] = 'n';
		else if (ch == '\r')
			esc[1] = 'r';
		else if (ch == '\t')
			esc[1] = 't';
		buf_append(line, esc, 2);
	}
	buf_append(line, p + run, n - run);
}

static int pg_copy_out_row(void *ctx, int n, const struct rvalue *vals)
{
	struct pg_copy_out *o = ctx;
	struct buf *b = &o->c->out;
	if (o->st->binary) {
		if (pg_copy_bin_put_tuple(b, o->rows == 0, n, o->types, vals, &o->err) < 0)
			return -1;
		o->rows++;
		return conn_out_drain(o->c) < 0 ? -1 : 0; /* a long COPY streams out (conn.h) */
	}
	size_t at = pg_msg_begin(b, 'd');
	for (int i = 0; i < n; i++) {
		if (i)
			buf_put_u8(b, (uint8_t)o->st->delim);
		pg_copy_put_field(o, b, o->types[i], &vals[i]);
	}
	buf_put_u8(b, '\n');
	pg_msg_end(b, at);
	o->rows++;
	return conn_out_drain(o->c) < 0 ? -1 : 0;
}

/* CopyInResponse ('G') or CopyOutResponse ('H'): overall format, then one code per column. */
static void pg_copy_put_response(struct buf *out, char type, int binary, int ncols)
{
	size_t at = pg_msg_begin(out, type);
	buf_put_u8(out, (uint8_t)binary);
	buf_put_be16(out, (uint16_t)ncols);
	for (int i = 0; i < ncols; i++)
		buf_put_be16(out, (uint16_t)binary);
	pg_msg_end(out, at);
}

static int pg_copy_to(struct conn *c, struct pg_conn *pc, const struct pg_copy_stmt *st, struct rerr *err)
{
	struct buf q;
	buf_init(&q);
	if (st->query_text)
		buf_append(&q, st->query_text, st->query_len);
	else
		pg_copy_select_text(st, &q);
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
	o->null_len = strlen(st->null_str);
	for (int i = 0; i < ncols && i < 1664; i++)
		o->types[i] = st->binary ? pg_row_type(&cols[i]) : cols[i].array ? RT_TEXT : cols[i].type;
	pg_copy_put_response(&c->out, 'H', st->binary, ncols);
	if (st->header && st->csv) {
		size_t at = pg_msg_begin(&c->out, 'd');
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
		if (rc < 0 && o->err.code != ERR_SUCCESSFUL_COMPLETION)
			*err = o->err; /* the row callback's reason, not the engine's "stopped" */
	}
	session_stmt_close(sst);
	if (rc == 0) {
		if (st->binary)
			pg_copy_bin_put_trailer(&c->out, o->rows == 0);
		size_t at = pg_msg_begin(&c->out, 'c');
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

/*
 * Rows are inserted a batch at a time through one prepared multi-row INSERT
 * (one statement run per batch instead of per row); rows left over at the
 * end go through the one-row INSERT.  Decoded values live in the arena until
 * their batch is inserted.  Batches are kept to about PG_COPY_BATCH_PARAMS
 * parameters: with the store's parameter lookup linear, 4 rows a batch took 5%
 * fewer instructions than 1 row and 16 rows 29% more (callgrind, 3 columns); with
 * it O(1), 1M rows of 3 columns loaded no faster at 64 rows a batch (release,
 * 7.6-11.5 s either way on a loaded machine).
 */
#define PG_COPY_BATCH_PARAMS 12
#define PG_COPY_BATCH_MAX 64

struct pg_copy {
	int csv, binary;
	char delim;
	char quote;
	char *null_str;
	size_t null_len;
	int header;
	char target[512];               /* for error context: "COPY t, line n" */
	int ncols;
	uint32_t *oids;                 /* column types, for decoding fields */
	char **names;                   /* column names, for error context */
	struct session_stmt *insert;    /* one row */
	struct session_stmt *batch;     /* batch_rows rows, or NULL */
	int batch_rows;
	struct rvalue *pending;         /* batch_rows * ncols decoded values */
	int npending;
	const char **field;             /* one record's fields (text/CSV, in place in `line`) */
	size_t *field_len;
	int *field_quoted;
	struct pg_copy_field *bfield;   /* one binary tuple's fields */
	struct pg_copy_bin bin;
	struct buf line;                /* bytes received and not yet consumed */
	struct arena arena;
	int64_t rows;                   /* inserted */
	int64_t lineno;                 /* records read, the header included */
	int ended;                      /* text: the "\." end-of-data line was read */
	int failed;
	struct rerr err;
	int own_txn;
};

static void pg_copy_free(struct pg_copy *cp)
{
	if (!cp)
		return;
	session_stmt_close(cp->batch);
	session_stmt_close(cp->insert);
	buf_free(&cp->line);
	arena_free(&cp->arena);
	if (cp->names)
		for (int i = 0; i < cp->ncols; i++)
			free(cp->names[i]);
	free(cp->names);
	free(cp->oids);
	free(cp->pending);
	free(cp->field);
	free(cp->field_len);
	free(cp->field_quoted);
	free(cp->bfield);
	free(cp->null_str);
	free(cp);
}

/* "INSERT INTO t (cols) VALUES ($1, ..), .." for `rows` rows. */
static void pg_copy_insert_text(const struct pg_copy *cp, const struct column_desc *cols, const char *listed, int rows,
				struct buf *q)
{
	buf_printf(q, "INSERT INTO %s ", cp->target);
	if (listed[0]) {
		buf_printf(q, "%s", listed);
	} else {
		buf_put_u8(q, '(');
		for (int i = 0; i < cp->ncols; i++) {
			buf_printf(q, "%s\"", i ? ", " : "");
			for (const char *p = cols[i].name; *p; p++)
				buf_printf(q, *p == '"' ? "\"\"" : "%c", *p);
			buf_put_u8(q, '"');
		}
		buf_put_u8(q, ')');
	}
	buf_printf(q, " VALUES ");
	for (int r = 0, k = 1; r < rows; r++) {
		buf_printf(q, "%s(", r ? ", " : "");
		for (int i = 0; i < cp->ncols; i++)
			buf_printf(q, "%s$%d", i ? ", " : "", k++);
		buf_put_u8(q, ')');
	}
}

static int pg_copy_from_begin(struct conn *c, struct pg_conn *pc, const struct pg_copy_stmt *st, struct rerr *err)
{
	struct pg_copy *cp = calloc(1, sizeof(*cp));
	if (!cp)
		return rerr_set(err, ERR_INTERNAL, "out of memory");
	arena_init(&cp->arena);
	cp->csv = st->csv;
	cp->binary = st->binary;
	cp->delim = st->delim;
	cp->quote = st->quote;
	cp->header = st->header && !st->binary;
	cp->null_len = strlen(st->null_str);
	snprintf(cp->target, sizeof(cp->target), "%s", st->target);
	pg_copy_bin_init(&cp->bin);

	/* The target's columns, as listed or all of them, with their types. */
	struct buf q;
	buf_init(&q);
	pg_copy_select_text(st, &q);
	struct session_stmt *probe = NULL;
	int rc = session_prepare(pc->session, (const char *)q.data, q.len, &probe, err);
	if (rc == 0) {
		const struct column_desc *cols = session_stmt_columns(probe, &cp->ncols);
		size_t n = (size_t)cp->ncols + 1;
		cp->null_str = strdup(st->null_str);
		cp->oids = calloc(n, sizeof(*cp->oids));
		cp->names = calloc(n, sizeof(*cp->names));
		cp->field = calloc(n, sizeof(*cp->field));
		cp->field_len = calloc(n, sizeof(*cp->field_len));
		cp->field_quoted = calloc(n, sizeof(*cp->field_quoted));
		cp->bfield = calloc(n, sizeof(*cp->bfield));
		cp->batch_rows = cp->ncols ? PG_COPY_BATCH_PARAMS / cp->ncols : 1;
		if (cp->batch_rows < 1)
			cp->batch_rows = 1;
		if (cp->batch_rows > PG_COPY_BATCH_MAX)
			cp->batch_rows = PG_COPY_BATCH_MAX;
		cp->pending = calloc((size_t)cp->batch_rows * n, sizeof(*cp->pending));
		if (!cp->null_str || !cp->oids || !cp->names || !cp->field || !cp->field_len || !cp->field_quoted ||
		    !cp->bfield || !cp->pending)
			rc = rerr_set(err, ERR_INTERNAL, "out of memory");
		for (int i = 0; rc == 0 && i < cp->ncols; i++) {
			cp->oids[i] = cols[i].array ? pg_array_oid(cols[i].type) : pg_type_oid(cols[i].type);
			if (!(cp->names[i] = strdup(cols[i].name)))
				rc = rerr_set(err, ERR_INTERNAL, "out of memory");
		}
		if (rc == 0) {
			buf_reset(&q);
			pg_copy_insert_text(cp, cols, st->cols, 1, &q);
			rc = session_prepare(pc->session, (const char *)q.data, q.len, &cp->insert, err);
		}
		if (rc == 0 && cp->batch_rows > 1) {
			struct rerr ignored; /* no batch statement: every row goes through the one-row INSERT */
			buf_reset(&q);
			pg_copy_insert_text(cp, cols, st->cols, cp->batch_rows, &q);
			if (session_prepare(pc->session, (const char *)q.data, q.len, &cp->batch, &ignored) < 0)
				cp->batch = NULL;
		}
		session_stmt_close(probe);
	}
	buf_free(&q);
	if (rc == 0 && session_txn_state(pc->session) == TXN_IDLE) { /* all rows or none */
		struct stmt_result r;
		size_t used;
		if (session_execute(pc->session, "BEGIN", 5, &used, NULL, &r, err) < 0)
			rc = -1;
		else
			cp->own_txn = 1;
	}
	if (rc < 0) {
		pg_copy_free(cp);
		return -1;
	}
	pc->copy = cp;
	pc->state = PG_COPY_IN;
	pg_copy_put_response(&c->out, 'G', st->binary, cp->ncols);
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
			while (k < 2 && i + 1 < n && s[i + 1] && strchr("0123456789abcdefABCDEF", s[i + 1])) {
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

/*
 * Split one record into cp->field[], in place: CSV quotes are removed by
 * moving bytes left (a field never grows), text-format fields keep their
 * escapes (undone after the NULL test).  Returns the field count, max + 1
 * when there are more than `max`, or -1 on an unterminated CSV quote.
 */
static int pg_copy_fields(struct pg_copy *cp, char *rec, size_t n, int max)
{
	int nf = 0;
	size_t i = 0;
	for (;;) {
		if (nf == max)
			return max + 1; /* extra data */
		size_t start = i, w = i;
		int q = 0;
		if (cp->csv) {
			while (i < n && rec[i] != cp->delim) {
				if (rec[i] != cp->quote) {
					rec[w++] = rec[i++];
					continue;
				}
				q = 1;
				i++;
				for (;;) {
					if (i >= n)
						return -1;
					if (rec[i] == cp->quote) {
						if (i + 1 < n && rec[i + 1] == cp->quote) {
							rec[w++] = cp->quote;
							i += 2;
							continue;
						}
						i++;
						break;
					}
					rec[w++] = rec[i++];
				}
			}
		} else {
			while (i < n && rec[i] != cp->delim)
				i += rec[i] == '\\' && i + 1 < n ? 2 : 1;
			w = i;
		}
		cp->field[nf] = rec + start;
		cp->field_len[nf] = w - start;
		cp->field_quoted[nf] = q;
		nf++;
		if (i >= n)
			return nf;
		i++; /* the delimiter */
	}
}

/* Insert the pending rows: a full batch in one statement, a partial one row by row. */
static void pg_copy_flush(struct pg_copy *cp)
{
	int whole = cp->batch && cp->npending == cp->batch_rows;
	for (int r = 0; r < cp->npending && !cp->failed; r += whole ? cp->npending : 1) {
		struct session_stmt *stmt = whole ? cp->batch : cp->insert;
		int nrows = whole ? cp->npending : 1;
		struct session_portal *portal;
		struct stmt_result res;
		int suspended;
		if (session_portal_open(stmt, cp->pending + (size_t)r * (size_t)cp->ncols, nrows * cp->ncols, &portal,
					&cp->err) < 0) {
			cp->failed = 1;
			break;
		}
		if (session_portal_run(portal, 0, NULL, &res, &suspended, &cp->err) < 0)
			cp->failed = 1;
		else
			cp->rows += nrows;
		session_portal_close(portal);
	}
	cp->npending = 0;
	arena_reset(&cp->arena);
}

/* The slot for the next row's values; the batch is flushed once it is full. */
static struct rvalue *pg_copy_next_row(struct pg_copy *cp)
{
	if (cp->npending == cp->batch_rows)
		pg_copy_flush(cp);
	return cp->pending + (size_t)cp->npending * (size_t)cp->ncols;
}

static void pg_copy_field_error(struct pg_copy *cp, int col)
{
	rerr_detail(&cp->err, "COPY %s, line %lld, column %s", cp->target, (long long)cp->lineno,
		    cp->names[col]);
	cp->failed = 1;
}

/* Decode and queue one text or CSV record; the first failure is kept and later records are skipped. */
static void pg_copy_record(struct pg_copy *cp, char *rec, size_t n)
{
	if (cp->failed || cp->ended)
		return;
	if (n > 0 && rec[n - 1] == '\r')
		n--;
	cp->lineno++;
	if (!cp->csv && n == 2 && rec[0] == '\\' && rec[1] == '.') {
		cp->ended = 1; /* the old end-of-data marker: what follows is ignored */
		return;
	}
	if (cp->header) {
		cp->header = 0;
		return;
	}
	int max = cp->ncols;
	int nf = pg_copy_fields(cp, rec, n, max);
	if (nf < 0) {
		rerr_set(&cp->err, ERR_BAD_COPY_FILE_FORMAT, "unterminated CSV quoted field");
		rerr_detail(&cp->err, "COPY %s, line %lld", cp->target, (long long)cp->lineno);
		cp->failed = 1;
		return;
	}
	if (nf != max) {
		if (nf < max)
			rerr_set(&cp->err, ERR_BAD_COPY_FILE_FORMAT, "missing data for column \"%s\"", cp->names[nf]);
		else
			rerr_set(&cp->err, ERR_BAD_COPY_FILE_FORMAT, "extra data after last expected column");
		rerr_detail(&cp->err, "COPY %s, line %lld", cp->target, (long long)cp->lineno);
		cp->failed = 1;
		return;
	}
	struct rvalue *vals = pg_copy_next_row(cp);
	if (cp->failed)
		return;
	for (int i = 0; i < nf; i++) {
		char *f = (char *)cp->field[i];
		size_t len = cp->field_len[i];
		int is_null = !cp->field_quoted[i] && len == cp->null_len && !memcmp(f, cp->null_str, len);
		if (!is_null && !cp->csv)
			len = pg_copy_unescape(f, len);
		if (pg_decode_param(&cp->arena, cp->oids[i], 0, is_null ? NULL : (const uint8_t *)f, (int32_t)len,
				    &vals[i], &cp->err) < 0) {
			pg_copy_field_error(cp, i);
			return;
		}
	}
	cp->npending++;
}

/* Decode and queue one binary tuple (fields point into cp->line). */
static void pg_copy_tuple(struct pg_copy *cp)
{
	cp->lineno++;
	struct rvalue *vals = pg_copy_next_row(cp);
	if (cp->failed)
		return;
	for (int i = 0; i < cp->ncols; i++) {
		const struct pg_copy_field *f = &cp->bfield[i];
		if (pg_decode_param(&cp->arena, cp->oids[i], 1, f->p, f->len, &vals[i], &cp->err) < 0) {
			if (cp->err.code == ERR_PROTOCOL_VIOLATION) /* a value of the wrong size for its type */
				rerr_set(&cp->err, ERR_BAD_COPY_FILE_FORMAT, "incorrect binary data format");
			pg_copy_field_error(cp, i);
			return;
		}
	}
	cp->npending++;
}

/* Consume every complete record (text, CSV) or item (binary) in cp->line. */
static void pg_copy_drain(struct pg_copy *cp, int final)
{
	static char none[1]; /* nothing buffered yet: line.data is NULL, and NULL + 0 is undefined */
	char *s = cp->line.data ? (char *)cp->line.data + cp->line.rpos : none;
	size_t n = buf_unread(&cp->line), start = 0;
	if (cp->binary) {
		while (!cp->failed && start < n) {
			int tuple;
			long k = pg_copy_bin_next(&cp->bin, (const uint8_t *)s + start, n - start, cp->ncols, cp->bfield,
						  &tuple, &cp->err);
			if (k < 0) {
				rerr_detail(&cp->err, "COPY %s, line %lld", cp->target, (long long)cp->lineno + 1);
				cp->failed = 1;
			}
			if (k <= 0)
				break;
			if (tuple)
				pg_copy_tuple(cp);
			start += (size_t)k;
		}
		if (final && !cp->failed && pg_copy_bin_finish(&cp->bin, n - start, &cp->err) < 0)
			cp->failed = 1;
	} else if (!cp->csv) { /* a newline always ends a text-format record: find each with memchr */
		char *nl;
		while (start < n && (nl = memchr(s + start, '\n', n - start)) != NULL) {
			pg_copy_record(cp, s + start, (size_t)(nl - (s + start)));
			start = (size_t)(nl - s) + 1;
		}
		if (final && start < n)
			pg_copy_record(cp, s + start, n - start);
	} else {
		int in_quote = 0;
		for (size_t i = 0; i < n; i++) {
			if (s[i] == cp->quote) {
				in_quote = !in_quote;
			} else if (s[i] == '\n' && !in_quote) {
				pg_copy_record(cp, s + start, i - start);
				start = i + 1;
			}
		}
		if (final && start < n)
			pg_copy_record(cp, s + start, n - start);
		else if (final && in_quote && !cp->failed) {
			rerr_set(&cp->err, ERR_BAD_COPY_FILE_FORMAT, "unterminated CSV quoted field");
			cp->failed = 1;
		}
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
		if (cp->failed)
			return 0;
		if (buf_unread(&cp->line) + m->len > PG_COPY_MAX_LINE) {
			rerr_set(&cp->err, ERR_PROGRAM_LIMIT_EXCEEDED, "COPY %s longer than %u bytes",
				 cp->binary ? "row" : "line", PG_COPY_MAX_LINE);
			cp->failed = 1;
			buf_reset(&cp->line);
			return 0;
		}
		buf_append(&cp->line, m->body, m->len);
		pg_copy_drain(cp, 0);
		return 0;
	case 'c':
		if (!cp->failed)
			pg_copy_drain(cp, 1);
		if (!cp->failed)
			pg_copy_flush(cp);
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
