/*
 * mysql_update.c — the changed-only UPDATE rewrite (see mysql_update.h).
 *
 * Works on tokens, not on the AST: the rewrite is MySQL text in, MySQL text
 * out, copying the statement's own spans (its comments and spelling kept) and
 * adding only "(", ") AND NOT (", "<=>" and the like between them.
 *
 * Statement shape recognised, at parenthesis depth 0:
 *
 *   UPDATE [LOW_PRIORITY] [IGNORE] name[.name] [[AS] alias]
 *     SET col = expr [, col = expr ...] [WHERE cond] [ORDER BY ...]
 *
 * Cost: one pass of the lexer over the statement, only for statements whose
 * first word is UPDATE.
 */
#include "sql/dialect/mysql_update.h"

#include <stdlib.h>
#include <string.h>

#include "sql/lexer.h"

#define MU_ASSIGN_MAX 256

struct mu_toks {
	struct sql_lexer lx;
	struct sql_token *t;
	int n, cap;
	int *param; /* per token: its 0-based parameter number, or -1 */
};

static int mu_lex(struct mu_toks *k, const char *sql, size_t len)
{
	sql_lex_init(&k->lx, DIALECT_MYSQL, sql, len);
	int params = 0;
	for (;;) {
		if (k->n == k->cap) {
			int cap = k->cap ? 2 * k->cap : 64;
			struct sql_token *t = realloc(k->t, sizeof(*t) * (size_t)cap);
			if (!t)
				return -1;
			k->t = t;
			int *p = realloc(k->param, sizeof(*p) * (size_t)cap);
			if (!p)
				return -1;
			k->param = p;
			k->cap = cap;
		}
		struct sql_token *t = &k->t[k->n];
		if (sql_lex_next(&k->lx, t) < 0)
			return 0; /* unterminated: leave it to the parser's error */
		if (t->kind == TK_EOF || (t->kind == TK_OP && t->len == 1 && sql[t->off] == ';'))
			return 1;
		k->param[k->n] = t->kind == TK_PARAM ? params++ : -1;
		k->n++;
	}
}

static int mu_is(const struct mu_toks *k, int i, const char *word)
{
	return i >= 0 && i < k->n && k->t[i].kind == TK_IDENT && sql_tok_is(&k->lx, &k->t[i], word);
}

static int mu_op(const struct mu_toks *k, int i, const char *op)
{
	size_t n = strlen(op);
	return i >= 0 && i < k->n && k->t[i].kind == TK_OP && k->t[i].len == n && !memcmp(k->lx.s + k->t[i].off, op, n);
}

static int mu_name(const struct mu_toks *k, int i)
{
	return i >= 0 && i < k->n && (k->t[i].kind == TK_IDENT || k->t[i].kind == TK_QIDENT);
}

/* The end of a SET expression or WHERE condition starting at i: the first ',' (when `comma`), WHERE,
 * ORDER or LIMIT at depth 0, or the end.  -1 when the parentheses do not balance. */
static int mu_clause_end(const struct mu_toks *k, int i, int comma)
{
	int depth = 0;
	for (; i < k->n; i++) {
		if (mu_op(k, i, "("))
			depth++;
		else if (mu_op(k, i, ")")) {
			if (--depth < 0)
				return -1;
		} else if (depth == 0 && ((comma && mu_op(k, i, ",")) || mu_is(k, i, "WHERE") || mu_is(k, i, "ORDER") ||
					  mu_is(k, i, "LIMIT")))
			return i;
	}
	return depth == 0 ? i : -1;
}

/* An output text and the original parameter numbers of its `?`, in order. */
struct mu_out {
	struct buf *b;
	int *map;
	int n, cap;
	int oom;
};

/* Append tokens [from, to) with the text between them. */
static void mu_copy(struct mu_out *o, const struct mu_toks *k, int from, int to)
{
	if (from >= to)
		return;
	size_t a = k->t[from].off, z = k->t[to - 1].off + k->t[to - 1].len;
	buf_append(o->b, k->lx.s + a, z - a);
	for (int i = from; i < to; i++) {
		if (k->param[i] < 0)
			continue;
		if (o->n == o->cap) {
			int cap = o->cap ? 2 * o->cap : 16;
			int *m = realloc(o->map, sizeof(*m) * (size_t)cap);
			if (!m) {
				o->oom = 1;
				return;
			}
			o->map = m;
			o->cap = cap;
		}
		o->map[o->n++] = k->param[i];
	}
}

static void mu_text(struct mu_out *o, const char *s)
{
	buf_append(o->b, s, strlen(s));
}

struct mu_assign {
	int col, col_end;   /* [col, col_end): the column as written */
	int expr, expr_end; /* [expr, expr_end) */
};

/* "a <=> (e1) AND b <=> (e2)" */
static void mu_unchanged(struct mu_out *o, const struct mu_toks *k, const struct mu_assign *as, int n)
{
	for (int j = 0; j < n; j++) {
		if (j > 0)
			mu_text(o, " AND ");
		mu_copy(o, k, as[j].col, as[j].col_end);
		mu_text(o, " <=> (");
		mu_copy(o, k, as[j].expr, as[j].expr_end);
		mu_text(o, ")");
	}
}

static int mu_parse_and_write(struct mu_toks *k, struct mu_out *u, struct mu_out *c)
{
	int i = 1;
	while (mu_is(k, i, "LOW_PRIORITY") || mu_is(k, i, "IGNORE"))
		i++;
	int table = i;
	if (!mu_name(k, i))
		return 0;
	i++;
	if (mu_op(k, i, ".") && mu_name(k, i + 1))
		i += 2;
	if (mu_is(k, i, "AS"))
		i++;
	if (!mu_is(k, i, "SET") && mu_name(k, i)) /* an alias */
		i++;
	int table_end = i;
	if (!mu_is(k, i, "SET"))
		return 0; /* a join, a table list, ... */
	i++;
	struct mu_assign as[MU_ASSIGN_MAX];
	int nas = 0;
	for (;;) {
		if (nas == MU_ASSIGN_MAX || !mu_name(k, i))
			return 0;
		as[nas].col = i++;
		while (mu_op(k, i, ".") && mu_name(k, i + 1))
			i += 2;
		as[nas].col_end = i;
		if (!mu_op(k, i, "="))
			return 0;
		as[nas].expr = ++i;
		int e = mu_clause_end(k, i, 1);
		if (e <= i || (e == i + 1 && mu_is(k, i, "DEFAULT")))
			return 0;
		as[nas++].expr_end = e;
		i = e;
		if (!mu_op(k, i, ","))
			break;
		i++;
	}
	int where = -1, cond = i, cond_end = i;
	if (mu_is(k, i, "WHERE")) {
		where = i;
		cond = i + 1;
		cond_end = mu_clause_end(k, cond, 0);
		if (cond_end <= cond)
			return 0;
		i = cond_end;
	}
	int rest = i;
	for (int j = rest; j < k->n; j++)
		if (mu_is(k, j, "LIMIT"))
			return 0; /* LIMIT counts the rows matched */
	if (rest < k->n && !mu_is(k, rest, "ORDER"))
		return 0;

	/* UPDATE ... SET ... WHERE (cond) AND NOT (unchanged) ORDER BY ... */
	if (where >= 0) {
		mu_copy(u, k, 0, where + 1);
		mu_text(u, " (");
		mu_copy(u, k, cond, cond_end);
		mu_text(u, ") AND NOT (");
	} else {
		mu_copy(u, k, 0, rest);
		mu_text(u, " WHERE NOT (");
	}
	mu_unchanged(u, k, as, nas);
	mu_text(u, ") ");
	mu_copy(u, k, rest, k->n);

	/* SELECT COUNT(*) FROM t [alias] WHERE (cond) AND (unchanged) */
	mu_text(c, "SELECT COUNT(*) FROM ");
	mu_copy(c, k, table, table_end);
	mu_text(c, " WHERE ");
	if (where >= 0) {
		mu_text(c, "(");
		mu_copy(c, k, cond, cond_end);
		mu_text(c, ") AND ");
	}
	mu_text(c, "(");
	mu_unchanged(c, k, as, nas);
	mu_text(c, ")");
	return u->oom || c->oom ? -1 : 1;
}

int mysql_update_rewrite(const char *sql, size_t len, struct mysql_update_rewrite *rw)
{
	struct mu_toks k = {0};
	int rc = mu_lex(&k, sql, len);
	if (rc <= 0 || !mu_is(&k, 0, "UPDATE")) {
		free(k.t);
		free(k.param);
		return rc < 0 ? -1 : 0;
	}
	struct buf ub, cb;
	buf_init(&ub);
	buf_init(&cb);
	struct mu_out u = {.b = &ub}, c = {.b = &cb};
	rc = mu_parse_and_write(&k, &u, &c);
	free(k.t);
	free(k.param);
	if (rc <= 0) {
		buf_free(&ub);
		buf_free(&cb);
		free(u.map);
		free(c.map);
		return rc;
	}
	rw->update = ub;
	rw->count = cb;
	rw->param_map = u.map;
	rw->nparams = u.n;
	rw->count_map = c.map;
	rw->count_params = c.n;
	return 1;
}

void mysql_update_rewrite_free(struct mysql_update_rewrite *rw)
{
	buf_free(&rw->update);
	buf_free(&rw->count);
	free(rw->param_map);
	free(rw->count_map);
	memset(rw, 0, sizeof(*rw));
}
