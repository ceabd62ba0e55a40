/*
 * mysql_errors.c — a statement's error in MySQL's own errno and words.
 *
 * The engine reports canonical errors with PostgreSQL-style (or SQLite's)
 * messages.  mysql_wire.c maps their codes to errnos; this file goes one step
 * further for the errors whose text clients and frameworks read, using the
 * statement that failed and, where needed, the catalog:
 *
 *   unique violation   1062 "Duplicate entry '<value>' for key '<table>.<key>'"
 *                      (MySQL 8.0's form).  The key is the unique index whose
 *                      columns the store names: PRIMARY, an index's own name,
 *                      or — for a UNIQUE written on a column, which SQLite names
 *                      sqlite_autoindex_* — the first column's name, as MySQL
 *                      names such keys.  The value is found in the statement
 *                      when it is an INSERT ... VALUES or an UPDATE ... SET
 *                      whose key columns are given as literals or parameters
 *                      (of several rows, the first that repeats an earlier
 *                      row's key or finds it in the table); otherwise the
 *                      message says "Duplicate entry for key '<table>.<key>'".
 *   unknown table      DROP TABLE: 1051 "Unknown table '<db>.<t>'"; any other
 *                      statement: 1146 "Table '<db>.<t>' doesn't exist".
 *
 * Cost: nothing on success; on a unique violation one SHOW INDEX (and, for an
 * INSERT without a column list, one SELECT ... LIMIT 0; for a multi-row INSERT,
 * up to one key lookup per row) through the session.
 *
 * INTERFACE ROUTINES
 *   mysql_put_stmt_err   write ERR for `err`, raised by statement `sql` with `params`
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/arena.h"
#include "proto/mysql/mysql_conn.h"
#include "sql/lexer.h"

#define MY_KEY_COLS 16
#define MY_VALUE_MAX 64 /* MySQL shows at most this much of a duplicate value */

/* ---- the statement's tokens --------------------------------------------- */

#define MY_TOKS_MAX 4096

struct my_toks {
	struct sql_lexer lx;
	struct sql_token t[MY_TOKS_MAX];
	int n;
};

/* Tokenize sql[0..len) up to its first ';' (at most MY_TOKS_MAX tokens).  0, or -1 on a lexing error. */
static int my_toks_read(struct my_toks *k, const char *sql, size_t len)
{
	sql_lex_init(&k->lx, DIALECT_MYSQL, sql, len);
	k->n = 0;
	while (k->n < MY_TOKS_MAX) {
		struct sql_token *t = &k->t[k->n];
		if (sql_lex_next(&k->lx, t) < 0)
			return -1;
		if (t->kind == TK_EOF || (t->kind == TK_OP && t->len == 1 && k->lx.s[t->off] == ';'))
			break;
		k->n++;
	}
	return 0;
}

static int my_tok_is(const struct my_toks *k, int i, const char *word)
{
	return i >= 0 && i < k->n && sql_tok_is(&k->lx, &k->t[i], word);
}

static int my_tok_op(const struct my_toks *k, int i, char ch)
{
	return i >= 0 && i < k->n && k->t[i].kind == TK_OP && k->t[i].len == 1 && k->lx.s[k->t[i].off] == ch;
}

/* The identifier at token i, unquoted, into out (cap bytes).  1, or 0 when it is not one. */
static int my_tok_ident(struct arena *a, const struct my_toks *k, int i, char *out, size_t cap)
{
	if (i < 0 || i >= k->n)
		return 0;
	const struct sql_token *t = &k->t[i];
	if (t->kind == TK_IDENT) {
		snprintf(out, cap, "%.*s", (int)t->len, k->lx.s + t->off);
		return 1;
	}
	if (t->kind == TK_QIDENT) {
		size_t n;
		char *v = sql_lex_decode(a, &k->lx, t, &n);
		if (!v)
			return 0;
		snprintf(out, cap, "%s", v);
		return 1;
	}
	return 0;
}

/* A possibly qualified name at token *i (a, a.b): its last part into out; *i moves past it. */
static int my_tok_name(struct arena *a, const struct my_toks *k, int *i, char *out, size_t cap)
{
	if (!my_tok_ident(a, k, *i, out, cap))
		return 0;
	(*i)++;
	while (my_tok_op(k, *i, '.') && my_tok_ident(a, k, *i + 1, out, cap))
		*i += 2;
	return 1;
}

/* How many `?` parameters come before token i. */
static int my_params_before(const struct my_toks *k, int i)
{
	int n = 0;
	for (int j = 0; j < i && j < k->n; j++)
		if (k->t[j].kind == TK_PARAM)
			n++;
	return n;
}

/* ---- values ------------------------------------------------------------- */

/* The value a one-token expression at token i (optionally after a unary minus) stands for,
 * ending before token `end`, appended to out.  1, or 0 when it is not such an expression. */
static int my_value_text(struct arena *a, const struct my_toks *k, int i, int end, const struct rvalue *params,
			 int nparams, struct buf *out)
{
	int neg = 0;
	if (my_tok_op(k, i, '-')) {
		neg = 1;
		i++;
	}
	if (i + 1 != end || i >= k->n)
		return 0;
	const struct sql_token *t = &k->t[i];
	switch (t->kind) {
	case TK_INT:
	case TK_NUMBER:
		if (neg)
			buf_put_u8(out, '-');
		buf_append(out, k->lx.s + t->off, t->len);
		return 1;
	case TK_STRING:
	case TK_HEX: {
		size_t n;
		char *v = neg ? NULL : sql_lex_decode(a, &k->lx, t, &n);
		if (!v)
			return 0;
		buf_append(out, v, n);
		return 1;
	}
	case TK_PARAM: {
		int p = my_params_before(k, i);
		if (neg || !params || p >= nparams)
			return 0;
		const struct rvalue *v = &params[p];
		char num[64];
		switch (v->kind) {
		case RV_INT:
			snprintf(num, sizeof(num), "%lld", (long long)v->i);
			buf_append(out, num, strlen(num));
			return 1;
		case RV_FLOAT:
			snprintf(num, sizeof(num), "%.15g", v->f);
			buf_append(out, num, strlen(num));
			return 1;
		case RV_TEXT:
		case RV_BLOB:
			buf_append(out, v->p, v->n);
			return 1;
		default:
			return 0;
		}
	}
	default:
		return 0;
	}
}

/* The end of the expression starting at token i: the first ',' or ')' at depth 0 or, when `clause`
 * (an UPDATE's SET list), the first WHERE, ORDER or LIMIT at depth 0. */
static int my_expr_end(const struct my_toks *k, int i, int clause)
{
	int depth = 0;
	for (; i < k->n; i++) {
		if (my_tok_op(k, i, '('))
			depth++;
		else if (my_tok_op(k, i, ')')) {
			if (depth == 0)
				return i;
			depth--;
		} else if (depth == 0 && (my_tok_op(k, i, ',') || (clause && (my_tok_is(k, i, "WHERE") ||
									   my_tok_is(k, i, "ORDER") ||
									   my_tok_is(k, i, "LIMIT")))))
			return i;
	}
	return i;
}

struct my_colnames {
	struct arena *a;
	char **names;
	int n;
};

static int my_colnames_columns(void *ctx, int n, const struct column_desc *cols)
{
	struct my_colnames *cn = ctx;
	cn->names = arena_alloc(cn->a, sizeof(char *) * (size_t)(n + 1));
	for (int i = 0; i < n; i++)
		cn->names[i] = arena_strndup(cn->a, cols[i].name, strlen(cols[i].name));
	cn->n = n;
	return 0;
}

static void my_quote_ident(struct buf *b, const char *name)
{
	buf_put_u8(b, '`');
	for (const char *p = name; *p; p++) {
		if (*p == '`')
			buf_put_u8(b, '`');
		buf_put_u8(b, (uint8_t)*p);
	}
	buf_put_u8(b, '`');
}

/* Run `q` through the session with `sink`; 0 or -1. */
static int my_run(struct mysql_conn *mc, const struct buf *q, const struct result_sink *sink)
{
	struct stmt_result res;
	struct rerr err;
	size_t used;
	return session_execute(mc->session, (const char *)q->data, q->len, &used, sink, &res, &err);
}

/* The key's value, its columns' values joined by '-' as MySQL shows a composite key. */
static int my_key_value(struct arena *a, const struct my_toks *k, const int *start, const int *end, int ncols,
			const struct rvalue *params, int nparams, struct buf *out)
{
	for (int j = 0; j < ncols; j++) {
		if (start[j] < 0)
			return 0;
		if (j > 0)
			buf_put_u8(out, '-');
		if (!my_value_text(a, k, start[j], end[j], params, nparams, out))
			return 0;
	}
	return 1;
}

/* v[0..n) is one of the NUL-terminated strings in `seen`. */
static int my_seen(const struct buf *seen, const uint8_t *v, size_t n)
{
	for (size_t at = 0; at < seen->len;) {
		size_t len = strlen((const char *)seen->data + at);
		if (len == n && memcmp(seen->data + at, v, n) == 0)
			return 1;
		at += len + 1;
	}
	return 0;
}

/* The SQL for the one-token value at token i: its own text, or a parameter's value as a literal. */
static int my_value_sql(const struct my_toks *k, int i, int end, const struct rvalue *params, int nparams,
			struct buf *q)
{
	if (my_tok_op(k, i, '-'))
		i++;
	if (i + 1 != end || i >= k->n)
		return 0;
	size_t from = k->t[end - 1].off + k->t[end - 1].len;
	if (k->t[i].kind != TK_PARAM) {
		size_t a = k->t[i].off;
		if (i > 0 && my_tok_op(k, i - 1, '-'))
			a = k->t[i - 1].off;
		buf_append(q, k->lx.s + a, from - a);
		return 1;
	}
	int p = my_params_before(k, i);
	if (!params || p >= nparams)
		return 0;
	const struct rvalue *v = &params[p];
	static const char hex[] = "0123456789ABCDEF";
	switch (v->kind) {
	case RV_INT:
		buf_printf(q, "%lld", (long long)v->i);
		return 1;
	case RV_FLOAT:
		buf_printf(q, "%.17g", v->f);
		return 1;
	case RV_TEXT:
		buf_put_u8(q, '\'');
		for (size_t j = 0; j < v->n; j++) {
			if (v->p[j] == '\'' || v->p[j] == '\\')
				buf_put_u8(q, v->p[j]);
			buf_put_u8(q, v->p[j]);
		}
		buf_put_u8(q, '\'');
		return 1;
	case RV_BLOB:
		buf_append(q, "X'", 2);
		for (size_t j = 0; j < v->n; j++) {
			buf_put_u8(q, (uint8_t)hex[v->p[j] >> 4]);
			buf_put_u8(q, (uint8_t)hex[v->p[j] & 15]);
		}
		buf_put_u8(q, '\'');
		return 1;
	default:
		return 0;
	}
}

static int my_count_row(void *ctx, int n, const struct rvalue *vals)
{
	int64_t *count = ctx;
	if (n >= 1 && vals[0].kind == RV_INT)
		*count = vals[0].i;
	return 0;
}

/* Whether `table` already holds a row with this key (the failed statement changed nothing). */
static int my_key_exists(struct mysql_conn *mc, const struct my_toks *k, const char *table, char cols[][64],
			 int ncols, const int *start, const int *end, const struct rvalue *params, int nparams)
{
	struct buf q;
	buf_init(&q);
	buf_append(&q, "SELECT COUNT(*) FROM ", 21);
	my_quote_ident(&q, table);
	int ok = 1;
	for (int j = 0; j < ncols && ok; j++) {
		buf_append(&q, j ? " AND " : " WHERE ", j ? 5 : 7);
		my_quote_ident(&q, cols[j]);
		buf_append(&q, " = ", 3);
		ok = my_value_sql(k, start[j], end[j], params, nparams, &q);
	}
	int64_t count = 0;
	const struct result_sink sink = {.ctx = &count, .row = my_count_row};
	if (ok && my_run(mc, &q, &sink) < 0)
		count = 0;
	buf_free(&q);
	return ok && count > 0;
}

/*
 * The duplicate value of key columns cols[0..ncols) of `table`, joined by '-' as MySQL shows a
 * composite key, from a one-row INSERT ... VALUES or an UPDATE ... SET.  1 (in out), or 0.
 */
static int my_dup_value(struct arena *a, struct mysql_conn *mc, const struct my_toks *k, const char *table,
			char cols[][64], int ncols, const struct rvalue *params, int nparams, struct buf *out)
{
	char name[64];
	int start[MY_KEY_COLS], end[MY_KEY_COLS];
	for (int j = 0; j < ncols; j++)
		start[j] = -1;
	int i = 0;
	if (my_tok_is(k, 0, "INSERT")) {
		i = 1;
		while (my_tok_is(k, i, "IGNORE") || my_tok_is(k, i, "LOW_PRIORITY") || my_tok_is(k, i, "HIGH_PRIORITY") ||
		       my_tok_is(k, i, "DELAYED"))
			i++;
		if (my_tok_is(k, i, "INTO"))
			i++;
		if (!my_tok_name(a, k, &i, name, sizeof(name)))
			return 0;
		char **names = NULL;
		int nnames = 0;
		if (my_tok_op(k, i, '(')) { /* the column list */
			names = arena_alloc(a, sizeof(char *) * MY_TOKS_MAX);
			i++;
			while (i < k->n && !my_tok_op(k, i, ')')) {
				char col[64];
				if (!my_tok_name(a, k, &i, col, sizeof(col)))
					return 0;
				names[nnames++] = arena_strndup(a, col, strlen(col));
				if (my_tok_op(k, i, ','))
					i++;
			}
			i++;
		} else { /* the table's columns, in order */
			struct buf q;
			buf_init(&q);
			buf_append(&q, "SELECT * FROM ", 14);
			my_quote_ident(&q, table);
			buf_append(&q, " LIMIT 0", 8);
			struct my_colnames cn = {.a = a};
			const struct result_sink sink = {.ctx = &cn, .columns = my_colnames_columns};
			int rc = my_run(mc, &q, &sink);
			buf_free(&q);
			if (rc < 0 || !cn.names)
				return 0;
			names = cn.names;
			nnames = cn.n;
		}
		if (!(my_tok_is(k, i, "VALUES") || my_tok_is(k, i, "VALUE")) || !my_tok_op(k, i + 1, '('))
			return 0;
		/* The first row whose key repeats an earlier row's or is already in the table. */
		struct buf seen; /* earlier rows' keys, each NUL-terminated */
		buf_init(&seen);
		int found = 0;
		for (i++;;) {
			i++; /* past ( */
			for (int j = 0; j < ncols; j++)
				start[j] = -1;
			for (int col = 0; col < nnames; col++) {
				int e = my_expr_end(k, i, 0);
				for (int j = 0; j < ncols; j++)
					if (!strcasecmp(names[col], cols[j])) {
						start[j] = i;
						end[j] = e;
					}
				i = e;
				if (!my_tok_op(k, e, ','))
					break;
				i++;
			}
			if (!my_tok_op(k, i, ')'))
				break;
			int last = !(my_tok_op(k, i + 1, ',') && my_tok_op(k, i + 2, '('));
			size_t mark = out->len;
			if (!my_key_value(a, k, start, end, ncols, params, nparams, out))
				break;
			if ((last && seen.len == 0) || my_seen(&seen, out->data + mark, out->len - mark) ||
			    my_key_exists(mc, k, table, cols, ncols, start, end, params, nparams)) {
				found = 1;
				break;
			}
			buf_append(&seen, out->data + mark, out->len - mark);
			buf_put_u8(&seen, 0);
			out->len = mark;
			if (last)
				break;
			i += 2;
		}
		buf_free(&seen);
		return found;
	} else if (my_tok_is(k, 0, "UPDATE")) {
		for (i = 1; i < k->n && !my_tok_is(k, i, "SET"); i++)
			;
		i++;
		for (;;) {
			char col[64];
			if (!my_tok_name(a, k, &i, col, sizeof(col)) || !my_tok_op(k, i, '='))
				return 0;
			int e = my_expr_end(k, i + 1, 1);
			for (int j = 0; j < ncols; j++)
				if (!strcasecmp(col, cols[j])) {
					start[j] = i + 1;
					end[j] = e;
				}
			if (!my_tok_op(k, e, ','))
				break;
			i = e + 1;
		}
	} else {
		return 0;
	}
	return my_key_value(a, k, start, end, ncols, params, nparams, out);
}

/* ---- the key ------------------------------------------------------------ */

struct my_index_row {
	char key[64];
	int seq;
	char column[64];
};

struct my_indexes {
	struct my_index_row rows[256];
	int n;
};

static void my_value_str(const struct rvalue *v, char *out, size_t cap)
{
	if (v->kind == RV_TEXT || v->kind == RV_BLOB)
		snprintf(out, cap, "%.*s", (int)v->n, (const char *)v->p);
	else if (v->kind == RV_INT)
		snprintf(out, cap, "%lld", (long long)v->i);
	else
		out[0] = 0;
}

/* SHOW INDEX rows: Table, Non_unique, Key_name, Seq_in_index, Column_name, ... */
static int my_indexes_row(void *ctx, int n, const struct rvalue *vals)
{
	struct my_indexes *ix = ctx;
	if (n < 5 || ix->n >= (int)(sizeof(ix->rows) / sizeof(ix->rows[0])))
		return 0;
	char nonunique[8], seq[16];
	my_value_str(&vals[1], nonunique, sizeof(nonunique));
	if (strcmp(nonunique, "0") != 0)
		return 0;
	struct my_index_row *r = &ix->rows[ix->n++];
	my_value_str(&vals[2], r->key, sizeof(r->key));
	my_value_str(&vals[3], seq, sizeof(seq));
	r->seq = atoi(seq);
	my_value_str(&vals[4], r->column, sizeof(r->column));
	return 0;
}

/* MySQL's name of the unique key of `table` over exactly cols[0..ncols), into key. */
static void my_key_name(struct mysql_conn *mc, const char *table, char cols[][64], int ncols, char *key, size_t cap)
{
	snprintf(key, cap, "%.63s", ncols > 0 ? cols[0] : "PRIMARY");
	struct my_indexes *ix = calloc(1, sizeof(*ix));
	if (!ix)
		return;
	struct buf q;
	buf_init(&q);
	buf_append(&q, "SHOW INDEX FROM ", 16);
	my_quote_ident(&q, table);
	const struct result_sink sink = {.ctx = ix, .row = my_indexes_row};
	if (my_run(mc, &q, &sink) == 0) {
		for (int i = 0; i < ix->n; i++) {
			if (ix->rows[i].seq != 1)
				continue;
			int count = 0, match = 1;
			for (int j = 0; j < ix->n; j++) {
				if (strcmp(ix->rows[j].key, ix->rows[i].key) != 0)
					continue;
				count++;
				int s = ix->rows[j].seq;
				if (s < 1 || s > ncols || strcasecmp(ix->rows[j].column, cols[s - 1]) != 0)
					match = 0;
			}
			if (!match || count != ncols)
				continue;
			if (strncmp(ix->rows[i].key, "sqlite_autoindex_", 17) != 0)
				snprintf(key, cap, "%.63s", ix->rows[i].key);
			break;
		}
	}
	buf_free(&q);
	free(ix);
}

/* "UNIQUE constraint failed: t.a, t.b" -> table t, columns a, b.  The column count, or 0. */
static int my_parse_unique(const char *msg, char *table, size_t tcap, char cols[][64])
{
	static const char prefix[] = "UNIQUE constraint failed: ";
	const char *p = strstr(msg, prefix);
	if (!p)
		return 0;
	p += sizeof(prefix) - 1;
	int n = 0;
	while (*p && n < MY_KEY_COLS) {
		const char *dot = strchr(p, '.');
		const char *comma = strstr(p, ", ");
		if (!dot || (comma && comma < dot))
			return 0;
		snprintf(table, tcap, "%.*s", (int)(dot - p), p);
		const char *e = comma ? comma : p + strlen(p);
		snprintf(cols[n++], 64, "%.*s", (int)(e - dot - 1), dot + 1);
		p = comma ? comma + 2 : e;
	}
	return n;
}

static void my_put_duplicate(struct conn *c, struct mysql_conn *mc, const struct rerr *err, const char *sql,
			     size_t len, const struct rvalue *params, int nparams)
{
	char table[64], cols[MY_KEY_COLS][64], key[64];
	int ncols = my_parse_unique(err->message, table, sizeof(table), cols);
	if (ncols == 0) {
		mysql_put_err(&c->out, &mc->seq, mc->caps, err);
		return;
	}
	my_key_name(mc, table, cols, ncols, key, sizeof(key));
	struct arena a;
	arena_init(&a);
	struct buf value;
	buf_init(&value);
	struct my_toks *k = malloc(sizeof(*k));
	int known = k && sql && my_toks_read(k, sql, len) == 0 &&
		    my_dup_value(&a, mc, k, table, cols, ncols, params, nparams, &value);
	char msg[RERR_MESSAGE_MAX];
	if (known)
		snprintf(msg, sizeof(msg), "Duplicate entry '%.*s' for key '%s.%s'",
			 (int)(value.len > MY_VALUE_MAX ? MY_VALUE_MAX : value.len), (const char *)value.data, table, key);
	else
		snprintf(msg, sizeof(msg), "Duplicate entry for key '%s.%s'", table, key);
	mysql_put_err_raw(&c->out, &mc->seq, mc->caps, 1062, "23000", msg);
	free(k);
	buf_free(&value);
	arena_free(&a);
}

/* ---- unknown tables ----------------------------------------------------- */

/* The table an "does not exist" message names: relation "x", Table 'db.x', "no such table: x". */
static int my_missing_name(const char *msg, char *out, size_t cap)
{
	const char *p;
	if ((p = strstr(msg, "relation \"")) != NULL) {
		p += 10;
		const char *e = strchr(p, '"');
		if (!e)
			return 0;
		snprintf(out, cap, "%.*s", (int)(e - p), p);
		return 1;
	}
	if ((p = strstr(msg, "Table '")) != NULL) {
		p += 7;
		const char *e = strchr(p, '\'');
		if (!e)
			return 0;
		snprintf(out, cap, "%.*s", (int)(e - p), p);
		return 1;
	}
	if ((p = strstr(msg, "no such table: ")) != NULL) {
		snprintf(out, cap, "%s", p + 15);
		return 1;
	}
	return 0;
}

static void my_put_missing_table(struct conn *c, struct mysql_conn *mc, const struct rerr *err, const char *sql,
				 size_t len)
{
	char name[160], full[240];
	struct arena a;
	arena_init(&a);
	struct my_toks *k = malloc(sizeof(*k));
	int drop = k && sql && my_toks_read(k, sql, len) == 0 && my_tok_is(k, 0, "DROP") &&
		   (my_tok_is(k, 1, "TABLE") || (my_tok_is(k, 1, "TEMPORARY") && my_tok_is(k, 2, "TABLE")));
	int named = my_missing_name(err->message, name, sizeof(name));
	if (!named && drop) { /* the first table the statement names */
		int i = my_tok_is(k, 1, "TABLE") ? 2 : 3;
		if (my_tok_is(k, i, "IF") && my_tok_is(k, i + 1, "EXISTS"))
			i += 2;
		named = my_tok_name(&a, k, &i, name, sizeof(name));
	}
	free(k);
	arena_free(&a);
	if (!named) {
		mysql_put_err(&c->out, &mc->seq, mc->caps, err);
		return;
	}
	if (strchr(name, '.'))
		snprintf(full, sizeof(full), "%s", name);
	else
		snprintf(full, sizeof(full), "%s.%s", mc->database, name);
	char msg[RERR_MESSAGE_MAX];
	if (drop) {
		snprintf(msg, sizeof(msg), "Unknown table '%s'", full);
		mysql_put_err_raw(&c->out, &mc->seq, mc->caps, 1051, "42S02", msg);
	} else {
		snprintf(msg, sizeof(msg), "Table '%s' doesn't exist", full);
		mysql_put_err_raw(&c->out, &mc->seq, mc->caps, 1146, "42S02", msg);
	}
}

void mysql_put_stmt_err(struct conn *c, struct mysql_conn *mc, const struct rerr *err, const char *sql, size_t len,
			const struct rvalue *params, int nparams)
{
	if (err->code == ERR_UNIQUE_VIOLATION)
		my_put_duplicate(c, mc, err, sql, len, params, nparams);
	else if (err->code == ERR_UNDEFINED_TABLE)
		my_put_missing_table(c, mc, err, sql, len);
	else
		mysql_put_err(&c->out, &mc->seq, mc->caps, err);
}
