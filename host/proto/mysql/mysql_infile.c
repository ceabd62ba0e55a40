/*
 * mysql_infile.c — LOAD DATA LOCAL INFILE: the server asks the client for a
 * file and inserts its rows as they stream in.
 *
 *   LOAD DATA [LOW_PRIORITY | CONCURRENT] LOCAL INFILE 'path' [REPLACE | IGNORE]
 *     INTO TABLE t [CHARACTER SET cs]
 *     [{FIELDS | COLUMNS} [TERMINATED BY 's'] [[OPTIONALLY] ENCLOSED BY 'c'] [ESCAPED BY 'c']]
 *     [LINES [STARTING BY 's'] [TERMINATED BY 's']]
 *     [IGNORE n {LINES | ROWS}] [(col, ...)]
 *
 * The exchange: the server answers the COM_QUERY with 0xfb and the file
 * name; the client sends the file's bytes in packets of any size and an
 * empty packet at the end; the server answers OK ("Records: N ...") or ERR.
 * The client sends its whole file even when the server fails early, so an
 * error is kept until the empty packet.
 *
 * Rows are parsed as the bytes arrive (a partial row waits for the next
 * packet) and inserted in batches through one prepared multi-row INSERT,
 * inside one transaction (the caller's, or one opened here and committed at
 * the end), so memory is bounded by one batch plus the longest row and a
 * packet, whatever the file's size.
 *
 * Field rules are MySQL's: the escape character introduces \0 \b \n \r \t \Z
 * and \N (NULL); an enclosed field ends at the enclosing character followed
 * by a terminator, and a doubled enclosing character is one; with ENCLOSED
 * BY set, an unenclosed NULL is NULL; missing fields are NULL, extra ones
 * are dropped.
 *
 * INTERFACE ROUTINES
 *   mysql_infile_start     recognise the statement, check it, ask for the file
 *   mysql_infile_packet    one packet of the file (empty: the end; answers OK or ERR)
 *   mysql_infile_abandon   release the load (connection closing mid-transfer)
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/arena.h"
#include "proto/mysql/mysql_conn.h"
#include "sql/lexer.h"

#define INFILE_MAX_COLS 4096
/* Parameters per batch INSERT.  Small on purpose: the store finds each "?NNN" by a linear
 * search over the statement's parameter names, so binding costs O(params^2) per batch. */
#define INFILE_MAX_PARAMS 64
#define INFILE_MAX_BATCH 500      /* rows per INSERT */
#define INFILE_MAX_ROW (64u << 20) /* a row that long without a terminator is refused */

struct mysql_infile {
	/* format */
	char field_term[16], line_term[16], line_start[16];
	int enclose, escape;      /* -1 when none */
	long ignore_lines;
	/* target */
	int ncols;
	struct session_stmt *batch_stmt; /* INSERT of `batch` rows */
	struct session_stmt *one_stmt;   /* INSERT of one row (the tail) */
	char *insert_head;               /* "INSERT INTO t (cols) VALUES " */
	int batch;
	int began_txn;
	/* streaming */
	struct buf pending;              /* bytes not yet parsed into rows */
	struct arena arena;              /* the current batch's field values */
	struct rvalue *vals;             /* batch * ncols */
	int rows_in_batch;
	uint64_t records;
	int failed;
	struct rerr err;
};

/* ---- the statement ------------------------------------------------------ */

/*
 * The statement is read with the shared tokenizer under MySQL's rules
 * (sql/lexer.h): backslash escapes in '..' and "..", `backtick` names, #,
 * -- and block comments.  A ';' ends the statement; text after it is not
 * read.  A token the lexer cannot finish (an unterminated string or
 * comment) is a syntax error wherever it falls.
 */
struct infile_lex {
	struct sql_lexer lx;
	struct sql_token t; /* the current token; TK_EOF and a bad token stay current */
	int bad;            /* t is the lexer's failure: spans to the end, matches nothing */
};

static void infile_next(struct infile_lex *k)
{
	if (k->t.kind == TK_EOF || k->bad)
		return;
	if (sql_lex_next(&k->lx, &k->t) < 0) {
		k->t.kind = TK_OP;
		k->bad = 1;
	} else if (sql_tok_is(&k->lx, &k->t, ";")) {
		k->t.kind = TK_EOF;
	}
}

static void infile_lex_init(struct infile_lex *k, const char *s, size_t len)
{
	sql_lex_init(&k->lx, DIALECT_MYSQL, s, len);
	k->t.kind = TK_OP;
	k->bad = 0;
	infile_next(k);
}

static int infile_is(const struct infile_lex *k, const char *word)
{
	return sql_tok_is(&k->lx, &k->t, word);
}

/* The current token is a string literal whose value is shorter than `cap`: copied NUL-terminated
 * into out, its length returned; -1 otherwise. */
static int infile_string(const struct infile_lex *k, char *out, size_t cap)
{
	if (k->t.kind != TK_STRING)
		return -1;
	struct arena a;
	arena_init(&a);
	size_t n;
	const char *v = sql_lex_decode(&a, &k->lx, &k->t, &n);
	int rc = -1;
	if (n < cap) {
		memcpy(out, v, n + 1);
		rc = (int)n;
	}
	arena_free(&a);
	return rc;
}

/* Is this statement text LOAD DATA?  Cheap: looks at the first two words only. */
static int infile_is_load_data(const char *sql, size_t len)
{
	struct infile_lex k;
	infile_lex_init(&k, sql, len);
	if (!infile_is(&k, "LOAD"))
		return 0;
	infile_next(&k);
	return infile_is(&k, "DATA");
}

struct infile_stmt {
	int local, replace, ignore;
	char path[1024];
	const char *table;     /* as written, possibly db.t */
	size_t table_n;
	const char *cols;      /* "(a, b)" as written, or NULL */
	size_t cols_n;
};

static int infile_syntax(struct rerr *err, const struct infile_lex *k)
{
	size_t n = k->t.len > 40 ? 40 : k->t.len;
	return rerr_set(err, ERR_SYNTAX_ERROR, "You have an error in your SQL syntax near '%.*s' in LOAD DATA",
			(int)n, k->lx.s + k->t.off);
}

/* `word` BY 'literal': the literal's value into out (shorter than cap); its length, or -1 after
 * setting a syntax error. */
static int infile_by_string(struct infile_lex *k, char *out, size_t cap, struct rerr *err)
{
	infile_next(k);
	if (!infile_is(k, "BY"))
		return infile_syntax(err, k);
	infile_next(k);
	int n = infile_string(k, out, cap);
	if (n < 0)
		return infile_syntax(err, k);
	return n;
}

/* FIELDS ... and LINES ...: the format clauses, into f. */
static int infile_parse_format(struct infile_lex *k, struct mysql_infile *f, struct rerr *err)
{
	char lit[16];
	if (infile_is(k, "FIELDS") || infile_is(k, "COLUMNS")) {
		infile_next(k);
		for (;;) {
			int n;
			if (infile_is(k, "TERMINATED")) {
				if ((n = infile_by_string(k, f->field_term, sizeof(f->field_term), err)) < 0)
					return -1;
				if (n == 0)
					return infile_syntax(err, k);
			} else if (infile_is(k, "OPTIONALLY") || infile_is(k, "ENCLOSED")) {
				if (infile_is(k, "OPTIONALLY"))
					infile_next(k);
				if (!infile_is(k, "ENCLOSED"))
					return infile_syntax(err, k);
				if ((n = infile_by_string(k, lit, sizeof(lit), err)) < 0)
					return -1;
				if (n > 1)
					return infile_syntax(err, k);
				f->enclose = n ? (unsigned char)lit[0] : -1;
			} else if (infile_is(k, "ESCAPED")) {
				if ((n = infile_by_string(k, lit, sizeof(lit), err)) < 0)
					return -1;
				if (n > 1)
					return infile_syntax(err, k);
				f->escape = n ? (unsigned char)lit[0] : -1;
			} else {
				break;
			}
			infile_next(k);
		}
	}
	if (infile_is(k, "LINES")) {
		infile_next(k);
		for (;;) {
			int starting = infile_is(k, "STARTING");
			if (!starting && !infile_is(k, "TERMINATED"))
				break;
			char *dst = starting ? f->line_start : f->line_term;
			int n = infile_by_string(k, dst, sizeof(f->line_term), err);
			if (n < 0)
				return -1;
			if (!starting && n == 0)
				return infile_syntax(err, k);
			infile_next(k);
		}
	}
	return 0;
}

/* A run of digits (not MySQL's 0x.. integer). */
static int infile_is_count(const struct infile_lex *k)
{
	if (k->t.kind != TK_INT)
		return 0;
	for (size_t i = 0; i < k->t.len; i++)
		if (k->lx.s[k->t.off + i] < '0' || k->lx.s[k->t.off + i] > '9')
			return 0;
	return 1;
}

static int infile_is_name(const struct infile_lex *k)
{
	return k->t.kind == TK_IDENT || k->t.kind == TK_QIDENT;
}

static int infile_parse(const char *sql, size_t len, struct infile_stmt *st, struct mysql_infile *f,
			struct rerr *err)
{
	struct infile_lex k;
	infile_lex_init(&k, sql, len); /* LOAD */
	infile_next(&k);                /* DATA */
	infile_next(&k);
	if (infile_is(&k, "LOW_PRIORITY") || infile_is(&k, "CONCURRENT"))
		infile_next(&k);
	if (infile_is(&k, "LOCAL")) {
		st->local = 1;
		infile_next(&k);
	}
	if (!infile_is(&k, "INFILE"))
		return infile_syntax(err, &k);
	infile_next(&k);
	if (infile_string(&k, st->path, sizeof(st->path)) < 0)
		return infile_syntax(err, &k);
	infile_next(&k);
	if (infile_is(&k, "REPLACE") || infile_is(&k, "IGNORE")) {
		st->replace = infile_is(&k, "REPLACE");
		st->ignore = !st->replace;
		infile_next(&k);
	}
	if (!infile_is(&k, "INTO"))
		return infile_syntax(err, &k);
	infile_next(&k);
	if (!infile_is(&k, "TABLE"))
		return infile_syntax(err, &k);
	infile_next(&k);
	if (!infile_is_name(&k))
		return infile_syntax(err, &k);
	st->table = sql + k.t.off;
	st->table_n = k.t.len;
	infile_next(&k);
	if (infile_is(&k, ".")) {
		infile_next(&k);
		if (!infile_is_name(&k))
			return infile_syntax(err, &k);
		st->table_n = k.t.off + k.t.len - (size_t)(st->table - sql);
		infile_next(&k);
	}
	if (infile_is(&k, "CHARACTER") || infile_is(&k, "CHARSET")) {
		if (infile_is(&k, "CHARACTER"))
			infile_next(&k); /* SET */
		infile_next(&k);         /* the charset: utf8mb4 is all we read */
		infile_next(&k);
	}
	if (infile_parse_format(&k, f, err) < 0)
		return -1;
	if (infile_is(&k, "IGNORE")) {
		infile_next(&k);
		if (!infile_is_count(&k))
			return infile_syntax(err, &k);
		f->ignore_lines = strtol(sql + k.t.off, NULL, 10);
		infile_next(&k);
		if (!infile_is(&k, "LINES") && !infile_is(&k, "ROWS"))
			return infile_syntax(err, &k);
		infile_next(&k);
	}
	if (infile_is(&k, "(")) {
		st->cols = sql + k.t.off;
		int depth = 1;
		while (depth > 0) {
			infile_next(&k);
			if (k.t.kind == TK_EOF || k.bad)
				return infile_syntax(err, &k);
			if (sql[k.t.off] == '@') /* @var or @@var */
				return rerr_set(err, ERR_FEATURE_NOT_SUPPORTED, "LOAD DATA into user variables is not supported");
			depth += infile_is(&k, "(") - infile_is(&k, ")");
		}
		st->cols_n = k.t.off + 1 - (size_t)(st->cols - sql);
		infile_next(&k);
	}
	if (infile_is(&k, "SET"))
		return rerr_set(err, ERR_FEATURE_NOT_SUPPORTED, "LOAD DATA ... SET is not supported");
	if (k.t.kind != TK_EOF)
		return infile_syntax(err, &k);
	return 0;
}

/* ---- the target --------------------------------------------------------- */

/* Count the columns the rows fill: the list given, or the table's. */
static int infile_count_columns(struct mysql_conn *mc, const struct infile_stmt *st, struct rerr *err)
{
	if (st->cols) {
		int n = 1, depth = 0;
		struct infile_lex k;
		for (infile_lex_init(&k, st->cols, st->cols_n); k.t.kind != TK_EOF && !k.bad; infile_next(&k)) {
			depth += infile_is(&k, "(") - infile_is(&k, ")");
			if (depth == 1 && infile_is(&k, ","))
				n++;
		}
		return n;
	}
	struct buf q;
	buf_init(&q);
	buf_printf(&q, "SELECT * FROM %.*s LIMIT 0", (int)st->table_n, st->table);
	struct session_stmt *probe;
	int rc = session_prepare(mc->session, (const char *)q.data, q.len, &probe, err);
	buf_free(&q);
	if (rc < 0)
		return -1;
	int n;
	session_stmt_columns(probe, &n);
	session_stmt_close(probe);
	return n;
}

/* "INSERT INTO t (cols) VALUES (?, ...), ..." for `rows` rows. */
static int infile_prepare_insert(struct mysql_conn *mc, struct mysql_infile *f, int rows, struct session_stmt **out,
				 struct rerr *err)
{
	struct buf q;
	buf_init(&q);
	buf_printf(&q, "%s", f->insert_head);
	for (int r = 0; r < rows; r++) {
		buf_printf(&q, r ? ",(" : "(");
		for (int i = 0; i < f->ncols; i++)
			buf_printf(&q, i ? ",?" : "?");
		buf_put_u8(&q, ')');
	}
	int rc = session_prepare(mc->session, (const char *)q.data, q.len, out, err);
	buf_free(&q);
	if (rc == 0 && session_stmt_nparams(*out) != rows * f->ncols) {
		int np = session_stmt_nparams(*out);
		session_stmt_close(*out);
		*out = NULL;
		return rerr_set(err, ERR_SYNTAX_ERROR, "LOAD DATA: the INSERT has %d parameters, expected %d", np,
				rows * f->ncols);
	}
	return rc;
}

static int infile_run(struct session_stmt *st, const struct rvalue *vals, int n, struct rerr *err)
{
	struct session_portal *p;
	if (session_portal_open(st, vals, n, &p, err) < 0)
		return -1;
	struct stmt_result res;
	int suspended;
	int rc = session_portal_run(p, 0, NULL, &res, &suspended, err);
	session_portal_close(p);
	return rc;
}

/* Insert the rows collected so far. */
static int infile_flush(struct mysql_conn *mc, struct mysql_infile *f)
{
	if (f->rows_in_batch == 0)
		return 0;
	int rc = 0;
	if (f->rows_in_batch == f->batch) {
		if (!f->batch_stmt)
			rc = infile_prepare_insert(mc, f, f->batch, &f->batch_stmt, &f->err);
		if (rc == 0)
			rc = infile_run(f->batch_stmt, f->vals, f->batch * f->ncols, &f->err);
	} else {
		if (!f->one_stmt)
			rc = infile_prepare_insert(mc, f, 1, &f->one_stmt, &f->err);
		for (int r = 0; rc == 0 && r < f->rows_in_batch; r++)
			rc = infile_run(f->one_stmt, f->vals + (size_t)r * (size_t)f->ncols, f->ncols, &f->err);
	}
	if (rc == 0)
		f->records += (uint64_t)f->rows_in_batch;
	f->rows_in_batch = 0;
	arena_reset(&f->arena);
	return rc;
}

/* ---- rows --------------------------------------------------------------- */

static int infile_at(const uint8_t *p, size_t n, size_t i, const char *lit)
{
	size_t k = strlen(lit);
	return k && i + k <= n && memcmp(p + i, lit, k) == 0;
}

/* Store field `col` of the current row (raw bytes, escapes still in them). */
static void infile_field(struct mysql_infile *f, int col, const uint8_t *p, size_t n, int enclosed)
{
	if (col >= f->ncols)
		return; /* extra fields are dropped */
	struct rvalue *v = &f->vals[(size_t)f->rows_in_batch * (size_t)f->ncols + (size_t)col];
	memset(v, 0, sizeof(*v));
	if (!enclosed && f->escape >= 0 && n == 2 && p[0] == f->escape && p[1] == 'N') {
		v->kind = RV_NULL;
		return;
	}
	if (!enclosed && f->enclose >= 0 && n == 4 && memcmp(p, "NULL", 4) == 0) {
		v->kind = RV_NULL;
		return;
	}
	uint8_t *out = arena_alloc(&f->arena, n + 1);
	size_t k = 0;
	for (size_t i = 0; i < n; i++) {
		uint8_t c = p[i];
		if (f->escape >= 0 && c == f->escape && i + 1 < n) {
			c = p[++i];
			switch (c) {
			case '0': c = 0; break;
			case 'b': c = '\b'; break;
			case 'n': c = '\n'; break;
			case 'r': c = '\r'; break;
			case 't': c = '\t'; break;
			case 'Z': c = 0x1a; break;
			case 'N': c = 'N'; break;
			default: break;
			}
		} else if (enclosed && c == f->enclose && i + 1 < n && p[i + 1] == f->enclose) {
			i++;
		}
		out[k++] = c;
	}
	v->kind = RV_TEXT;
	v->p = out;
	v->n = k;
}

/*
 * Parse one row from p[0..n).  Returns the bytes it used, 0 when the row is
 * not complete yet (and `final` is 0).  At the end of the file (`final`) a
 * last row without a line terminator is complete.
 */
static size_t infile_row(struct mysql_infile *f, const uint8_t *p, size_t n, int final, int store)
{
	size_t i = 0;
	if (f->line_start[0]) { /* skip to the prefix; a line without it is skipped */
		for (;;) {
			if (i >= n)
				return final ? n : 0;
			if (infile_at(p, n, i, f->line_start)) {
				i += strlen(f->line_start);
				break;
			}
			if (infile_at(p, n, i, f->line_term)) {
				i += strlen(f->line_term);
				if (!final && i >= n)
					return 0;
				return i; /* an empty skipped line */
			}
			i++;
		}
	}
	int col = 0;
	for (;;) {
		size_t start = i;
		int enclosed = 0;
		size_t fend;
		if (f->enclose >= 0 && i < n && p[i] == f->enclose) {
			enclosed = 1;
			i++;
			start = i;
			for (;;) {
				if (i >= n) { /* no closing enclose: wait, or at the end take the rest */
					if (!final)
						return 0;
					i = n;
					break;
				}
				if (f->escape >= 0 && p[i] == f->escape) {
					i += 2;
					continue;
				}
				if (p[i] == f->enclose) {
					if (i + 1 < n && p[i + 1] == f->enclose) {
						i += 2;
						continue;
					}
					if (i + 1 >= n && !final)
						return 0;
					if (i + 1 >= n || infile_at(p, n, i + 1, f->field_term) ||
					    infile_at(p, n, i + 1, f->line_term))
						break;
				}
				i++;
			}
			fend = i;
			if (i < n)
				i++; /* the closing enclose */
		} else {
			for (;;) {
				if (i >= n) {
					if (!final)
						return 0;
					break;
				}
				if (f->escape >= 0 && p[i] == f->escape) {
					i += 2;
					continue;
				}
				if (infile_at(p, n, i, f->field_term) || infile_at(p, n, i, f->line_term))
					break;
				i++;
			}
			if (i > n)
				i = n;
			fend = i;
		}
		if (store)
			infile_field(f, col, p + start, fend - start, enclosed);
		col++;
		if (i >= n) {
			if (!final)
				return 0;
			break;
		}
		if (infile_at(p, n, i, f->line_term)) {
			i += strlen(f->line_term);
			break;
		}
		if (infile_at(p, n, i, f->field_term)) {
			i += strlen(f->field_term);
			continue;
		}
		/* text after a closing enclose that is neither terminator: keep reading the field */
		while (i < n && !infile_at(p, n, i, f->field_term) && !infile_at(p, n, i, f->line_term))
			i++;
		if (i >= n && !final)
			return 0;
		if (i < n && infile_at(p, n, i, f->line_term)) {
			i += strlen(f->line_term);
			break;
		}
		if (i < n)
			i += strlen(f->field_term);
		else
			break;
	}
	if (store) {
		for (int k = col; k < f->ncols; k++) { /* missing fields */
			struct rvalue *v = &f->vals[(size_t)f->rows_in_batch * (size_t)f->ncols + (size_t)k];
			memset(v, 0, sizeof(*v));
			v->kind = RV_NULL;
		}
	}
	return i;
}

/* Parse and insert every complete row of the pending bytes. */
static void infile_consume(struct mysql_conn *mc, struct mysql_infile *f, int final)
{
	const uint8_t *p = buf_rptr(&f->pending);
	size_t n = buf_unread(&f->pending), used = 0;
	while (!f->failed && used < n) {
		int skip = f->ignore_lines > 0;
		size_t k = infile_row(f, p + used, n - used, final, !skip);
		if (k == 0)
			break;
		used += k;
		if (skip) {
			f->ignore_lines--;
			continue;
		}
		if (++f->rows_in_batch == f->batch && infile_flush(mc, f) < 0)
			f->failed = 1;
	}
	buf_consume(&f->pending, used);
	buf_compact(&f->pending);
	if (!f->failed && buf_unread(&f->pending) > INFILE_MAX_ROW) {
		rerr_set(&f->err, ERR_PROGRAM_LIMIT_EXCEEDED, "LOAD DATA: a row longer than %u bytes", INFILE_MAX_ROW);
		f->failed = 1;
	}
}

/* ---- the exchange ------------------------------------------------------- */

static void infile_free(struct mysql_infile *f)
{
	if (!f)
		return;
	session_stmt_close(f->batch_stmt);
	session_stmt_close(f->one_stmt);
	free(f->insert_head);
	free(f->vals);
	buf_free(&f->pending);
	arena_free(&f->arena);
	free(f);
}

static int infile_txn(struct mysql_conn *mc, const char *what, struct rerr *err)
{
	size_t used;
	struct stmt_result res;
	return session_execute(mc->session, what, strlen(what), &used, NULL, &res, err);
}

void mysql_infile_abandon(struct mysql_conn *mc)
{
	struct mysql_infile *f = mc->infile;
	if (!f)
		return;
	if (f->began_txn) {
		struct rerr err;
		infile_txn(mc, "ROLLBACK", &err);
	}
	infile_free(f);
	mc->infile = NULL;
}

static int infile_refuse(struct conn *c, struct mysql_conn *mc, int my_errno, const char *sqlstate, const char *msg)
{
	mysql_put_err_raw(&c->out, &mc->seq, mc->caps, my_errno, sqlstate, msg);
	return -1;
}

/* OK with its info as a length-encoded string: what MySQL servers send whether or not
 * CLIENT_SESSION_TRACK is on, and what libmariadb (the mariadb CLI) insists on reading. */
static void infile_put_ok(struct conn *c, struct mysql_conn *mc, uint64_t records, const char *info)
{
	size_t at = mysql_packet_begin(&c->out, &mc->seq);
	buf_put_u8(&c->out, 0x00);
	mysql_put_lenenc_int(&c->out, records);
	mysql_put_lenenc_int(&c->out, 0);
	mysql_put_u16(&c->out, mysql_status(mc));
	mysql_put_u16(&c->out, 0);
	mysql_put_lenenc_str(&c->out, info, strlen(info));
	mysql_packet_end(&c->out, at, &mc->seq);
}

int mysql_infile_start(struct conn *c, struct mysql_conn *mc, const char *sql, size_t len)
{
	if (!infile_is_load_data(sql, len))
		return 0;
	struct rerr err;
	rerr_clear(&err);
	struct mysql_infile *f = calloc(1, sizeof(*f));
	if (!f) {
		mysql_put_err_code(&c->out, &mc->seq, mc->caps, ERR_INTERNAL, "out of memory");
		return -1;
	}
	strcpy(f->field_term, "\t");
	strcpy(f->line_term, "\n");
	f->enclose = -1;
	f->escape = '\\';
	buf_init(&f->pending);
	arena_init(&f->arena);
	struct infile_stmt st;
	memset(&st, 0, sizeof(st));
	if (infile_parse(sql, len, &st, f, &err) < 0) {
		infile_free(f);
		mysql_put_err(&c->out, &mc->seq, mc->caps, &err);
		return -1;
	}
	if (!st.local) {
		infile_free(f);
		mysql_put_err_code(&c->out, &mc->seq, mc->caps, ERR_FEATURE_NOT_SUPPORTED,
				   "LOAD DATA INFILE reads the server's files: only LOAD DATA LOCAL INFILE is supported");
		return -1;
	}
	if (!(mc->caps & CLIENT_LOCAL_FILES)) {
		infile_free(f);
		return infile_refuse(c, mc, 1148, "42000", "The used command is not allowed with this MySQL version");
	}
	f->ncols = infile_count_columns(mc, &st, &err);
	if (f->ncols <= 0 || f->ncols > INFILE_MAX_COLS) {
		if (f->ncols == 0 || f->ncols > INFILE_MAX_COLS)
			rerr_set(&err, ERR_PROGRAM_LIMIT_EXCEEDED, "LOAD DATA into a table of no or too many columns");
		infile_free(f);
		mysql_put_err(&c->out, &mc->seq, mc->caps, &err);
		return -1;
	}
	struct buf head;
	buf_init(&head);
	buf_printf(&head, "%s INTO %.*s ", st.replace ? "REPLACE" : st.ignore ? "INSERT IGNORE" : "INSERT",
		   (int)st.table_n, st.table);
	if (st.cols)
		buf_printf(&head, "%.*s ", (int)st.cols_n, st.cols);
	buf_printf(&head, "VALUES ");
	buf_put_u8(&head, 0);
	f->insert_head = (char *)head.data; /* the buffer's memory is now the string's */
	f->batch = INFILE_MAX_PARAMS / f->ncols;
	if (f->batch > INFILE_MAX_BATCH)
		f->batch = INFILE_MAX_BATCH;
	if (f->batch < 1)
		f->batch = 1;
	f->vals = calloc((size_t)f->batch * (size_t)f->ncols, sizeof(*f->vals));
	if (!f->vals) {
		infile_free(f);
		mysql_put_err_code(&c->out, &mc->seq, mc->caps, ERR_INTERNAL, "out of memory");
		return -1;
	}
	if (session_txn_state(mc->session) == TXN_IDLE) {
		if (infile_txn(mc, "BEGIN", &err) < 0) {
			infile_free(f);
			mysql_put_err(&c->out, &mc->seq, mc->caps, &err);
			return -1;
		}
		f->began_txn = 1;
	}
	size_t at = mysql_packet_begin(&c->out, &mc->seq);
	buf_put_u8(&c->out, 0xfb);
	buf_append(&c->out, st.path, strlen(st.path));
	mysql_packet_end(&c->out, at, &mc->seq);
	mc->infile = f;
	mc->state = MY_INFILE;
	return 1;
}

int mysql_infile_packet(struct conn *c, struct mysql_conn *mc, const uint8_t *p, size_t n)
{
	struct mysql_infile *f = mc->infile;
	if (!f)
		return -1;
	if (n > 0) {
		if (!f->failed) {
			buf_append(&f->pending, p, n);
			infile_consume(mc, f, 0);
		}
		return 0;
	}
	/* the empty packet: the file is complete */
	if (!f->failed)
		infile_consume(mc, f, 1);
	if (!f->failed && infile_flush(mc, f) < 0)
		f->failed = 1;
	mc->state = MY_COMMAND;
	if (f->failed) {
		struct rerr err = f->err;
		mysql_infile_abandon(mc);
		mysql_put_err(&c->out, &mc->seq, mc->caps, &err);
		return 0;
	}
	struct rerr err;
	if (f->began_txn && infile_txn(mc, "COMMIT", &err) < 0) {
		f->began_txn = 0;
		mysql_infile_abandon(mc);
		mysql_put_err(&c->out, &mc->seq, mc->caps, &err);
		return 0;
	}
	f->began_txn = 0;
	char info[128];
	snprintf(info, sizeof(info), "Records: %llu  Deleted: 0  Skipped: 0  Warnings: 0",
		 (unsigned long long)f->records);
	uint64_t records = f->records;
	mysql_infile_abandon(mc);
	infile_put_ok(c, mc, records, info);
	return 0;
}
