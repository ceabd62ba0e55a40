/*
 * parse_select.c — queries: WITH, SELECT cores, set operations, FROM and
 * joins, ORDER BY, and every dialect's way of limiting rows (LIMIT/OFFSET,
 * MySQL LIMIT a,b, TOP n, FETCH FIRST n ROWS ONLY, OFFSET n ROWS, Oracle
 * ROWNUM <= n), all of which land in ast_query.limit/offset.
 */
#include <string.h>
#include <strings.h>

#include "sql/parse_int.h"

int p_query_starts(const struct parser *p)
{
	if (p_is(p, "select") || p_is(p, "with") || p_is(p, "values") || (p_is(p, "table") && p_peek(p, 1)->kind != TK_OP))
		return 1;
	/* ((select ...)) */
	size_t k = 0;
	while (p_peek_is(p, k, "("))
		k++;
	return k > 0 && (p_peek_is(p, k, "select") || p_peek_is(p, k, "with") || p_peek_is(p, k, "values"));
}

int p_order_by(struct parser *p, int *n, struct ast_order **v)
{
	if (p_expect(p, "order") < 0 || p_expect(p, "by") < 0)
		return -1;
	int cap = 4;
	*v = arena_alloc(p->a, (size_t)cap * sizeof(**v));
	*n = 0;
	do {
		if (*n == cap) {
			struct ast_order *nv = arena_alloc(p->a, (size_t)cap * 2 * sizeof(*nv));
			memcpy(nv, *v, (size_t)cap * sizeof(*nv));
			*v = nv;
			cap *= 2;
		}
		struct ast_order *o = &(*v)[(*n)++];
		if (p_expr(p, &o->e) < 0)
			return -1;
		if (p_accept(p, "desc"))
			o->desc = 1;
		else
			p_accept(p, "asc");
		if (p_accept(p, "nulls")) {
			if (p_accept(p, "first"))
				o->nulls = 1;
			else if (p_accept(p, "last"))
				o->nulls = 2;
			else
				return p_syntax(p);
		}
	} while (p_accept(p, ","));
	return 0;
}

int p_with(struct parser *p, int *recursive, int *n, struct ast_cte **v)
{
	if (p_expect(p, "with") < 0)
		return -1;
	*recursive = p_accept(p, "recursive");
	int cap = 2;
	*v = arena_alloc(p->a, (size_t)cap * sizeof(**v));
	*n = 0;
	do {
		if (*n == cap) {
			struct ast_cte *nv = arena_alloc(p->a, (size_t)cap * 2 * sizeof(*nv));
			memcpy(nv, *v, (size_t)cap * sizeof(*nv));
			*v = nv;
			cap *= 2;
		}
		struct ast_cte *c = &(*v)[(*n)++];
		if (p_ident(p, &c->name) < 0)
			return -1;
		if (p_is(p, "(") && p_ident_list(p, &c->ncols, &c->cols) < 0)
			return -1;
		if (p_expect(p, "as") < 0)
			return -1;
		if (p_accept(p, "not"))
			p_accept(p, "materialized");
		else
			p_accept(p, "materialized");
		if (p_expect(p, "(") < 0 || p_query(p, &c->q) < 0 || p_expect(p, ")") < 0)
			return -1;
	} while (p_accept(p, ","));
	return 0;
}

/* [AS] alias; a bare alias may not be a reserved word.  Strings are aliases in MySQL. */
static int p_alias(struct parser *p, struct ast_ident *out, int allow_string)
{
	int as = p_accept(p, "as");
	const struct sql_token *t = p_tok(p);
	if (t->kind == TK_QIDENT || (t->kind == TK_IDENT && !p_is_reserved(p, t)))
		return p_ident_any(p, out);
	if (t->kind == TK_STRING && (as || allow_string)) {
		size_t n;
		out->s = sql_lex_decode(p->a, &p->lx, t, &n);
		out->quoted = 1;
		p_next(p);
		return 0;
	}
	return as ? p_syntax(p) : 0;
}

int p_targets(struct parser *p, int *n, struct ast_target **v)
{
	int cap = 8;
	*v = arena_alloc(p->a, (size_t)cap * sizeof(**v));
	*n = 0;
	do {
		if (*n == cap) {
			struct ast_target *nv = arena_alloc(p->a, (size_t)cap * 2 * sizeof(*nv));
			memcpy(nv, *v, (size_t)cap * sizeof(*nv));
			*v = nv;
			cap *= 2;
		}
		struct ast_target *t = &(*v)[(*n)++];
		size_t off = p_tok(p)->off;
		if (p_expr(p, &t->e) < 0)
			return -1;
		const struct sql_token *last = &p->toks[p->i - 1];
		t->src = p->lx.s + off;
		t->len = last->off + last->len - off;
		if (t->e->kind != AST_STAR && p_alias(p, &t->alias, !p->r->dq_ident) < 0)
			return -1;
	} while (p_accept(p, ","));
	return 0;
}

static int p_from_item(struct parser *p, struct ast_from **out);

static int p_table_alias(struct parser *p, struct ast_from *f)
{
	if (p_alias(p, &f->alias, 0) < 0)
		return -1;
	if (f->alias.s && p_is(p, "(") && p_ident_list(p, &f->ncolaliases, &f->colaliases) < 0)
		return -1;
	return 0;
}

static int p_is_dummy(const struct parser *p, const struct ast_name *n)
{
	const char *const *d = p->r->dummy_tables;
	for (; d && *d; d++) {
		char full[128] = "";
		for (int k = 0; k < n->n; k++) {
			if (k)
				strncat(full, ".", sizeof(full) - strlen(full) - 1);
			strncat(full, n->parts[k].s, sizeof(full) - strlen(full) - 1);
		}
		if (!strcasecmp(full, *d))
			return 1;
	}
	return 0;
}

/* A table, a (subquery), a (join), a function, or LATERAL (subquery). */
static int p_from_primary(struct parser *p, struct ast_from **out)
{
	struct ast_from *f = arena_alloc(p->a, sizeof(*f));
	if (p_accept(p, "lateral"))
		f->lateral = 1;
	if (p_is(p, "(")) {
		if (p_enter(p) < 0)
			return -1;
		p_next(p);
		if (p_query_starts(p)) {
			f->kind = p_is(p, "values") ? FROM_VALUES : FROM_SUBQUERY;
			if (p_query(p, &f->sub) < 0 || p_expect(p, ")") < 0)
				return -1;
			if (p_table_alias(p, f) < 0)
				return -1;
		} else {
			struct ast_from *inner;
			if (p_from_item(p, &inner) < 0 || p_expect(p, ")") < 0)
				return -1;
			f = inner;
			if (!f->alias.s && p_table_alias(p, f) < 0)
				return -1;
		}
		p_leave(p);
		*out = f;
		return 0;
	}
	if (p_name(p, &f->table) < 0)
		return -1;
	if (p_is(p, "(")) { /* a table function: generate_series(1, 3) */
		struct ast_expr *e = p_new_expr(p, AST_FUNC, p_tok(p)->off);
		e->u.func.name = f->table;
		p_next(p);
		if (!p_is(p, ")") && p_expr_list(p, &e->u.func.args) < 0)
			return -1;
		if (p_expect(p, ")") < 0)
			return -1;
		f->kind = FROM_FUNC;
		f->func = e;
		if (p_is(p, "with") && p_peek_is(p, 1, "ordinality")) {
			p->i += 2;
			f->ordinality = 1;
		}
	} else {
		f->kind = FROM_TABLE;
	}
	if (p_table_alias(p, f) < 0)
		return -1;
	/* T-SQL table hints: WITH (NOLOCK); MySQL index hints: USE/FORCE/IGNORE INDEX (...) */
	if (p->r->top && p_is(p, "with") && p_peek_is(p, 1, "(")) {
		p_next(p);
		int nh;
		struct ast_ident *hints;
		if (p_ident_list(p, &nh, &hints) < 0)
			return -1;
	}
	while (p->r->mysql_ops && (p_is(p, "use") || p_is(p, "force") || p_is(p, "ignore")) &&
	       (p_peek_is(p, 1, "index") || p_peek_is(p, 1, "key"))) {
		p->i += 2;
		if (p_accept(p, "for")) {
			if (!p_accept(p, "join") && !p_accept2(p, "order", "by") && !p_accept2(p, "group", "by"))
				return p_syntax(p);
		}
		int nh;
		struct ast_ident *hints;
		if (p_is(p, "(") && p_peek_is(p, 1, ")"))
			p->i += 2;
		else if (p_ident_list(p, &nh, &hints) < 0)
			return -1;
	}
	*out = f;
	return 0;
}

static int p_join_kind(struct parser *p, enum ast_join *kind, int *natural)
{
	size_t save = p->i;
	*natural = p_accept(p, "natural");
	if (p_accept(p, "join") || (p->r->mysql_ops && p_accept(p, "straight_join"))) {
		*kind = JOIN_INNER;
		return 1;
	}
	if (p_accept2(p, "inner", "join")) {
		*kind = JOIN_INNER;
		return 1;
	}
	if (p_accept2(p, "cross", "join")) {
		*kind = JOIN_CROSS;
		return 1;
	}
	enum ast_join k;
	if (p_is(p, "left"))
		k = JOIN_LEFT;
	else if (p_is(p, "right"))
		k = JOIN_RIGHT;
	else if (p_is(p, "full"))
		k = JOIN_FULL;
	else {
		p->i = save;
		return 0;
	}
	p_next(p);
	p_accept(p, "outer");
	if (!p_accept(p, "join")) {
		p->i = save;
		return 0;
	}
	*kind = k;
	return 1;
}

static int p_from_item(struct parser *p, struct ast_from **out)
{
	if (p_from_primary(p, out) < 0)
		return -1;
	for (;;) {
		enum ast_join kind;
		int natural;
		if (!p_join_kind(p, &kind, &natural)) {
			if (p_is(p, "cross") || p_is(p, "left") || p_is(p, "right") || p_is(p, "full") ||
			    p_is(p, "natural") || p_is(p, "inner"))
				return p_syntax_at(p, p_peek(p, 1));
			return 0;
		}
		struct ast_from *j = arena_alloc(p->a, sizeof(*j));
		j->kind = FROM_JOIN;
		j->join = kind;
		j->natural = natural;
		j->left = *out;
		if (p_from_primary(p, &j->right) < 0)
			return -1;
		if (kind != JOIN_CROSS && !natural) {
			if (p_accept(p, "on")) {
				if (p_expr(p, &j->on) < 0)
					return -1;
			} else if (p_accept(p, "using")) {
				if (p_ident_list(p, &j->nusing, &j->using_) < 0)
					return -1;
			} else if (kind != JOIN_INNER || !p->r->mysql_ops) {
				return p_syntax(p);
			}
		}
		*out = j;
	}
}

int p_from_list(struct parser *p, struct ast_from **out)
{
	if (p_from_item(p, out) < 0)
		return -1;
	while (p_accept(p, ",")) {
		struct ast_from *j = arena_alloc(p->a, sizeof(*j));
		j->kind = FROM_JOIN;
		j->join = JOIN_CROSS;
		j->comma = 1;
		j->left = *out;
		if (p_from_item(p, &j->right) < 0)
			return -1;
		*out = j;
	}
	return 0;
}

/* TOP n / TOP (n): a limit on the enclosing query. */
static int p_top(struct parser *p, struct ast_expr **limit)
{
	if (!p->r->top || !p_accept(p, "top"))
		return 0;
	if (p_is(p, "(")) {
		p_next(p);
		if (p_expr(p, limit) < 0 || p_expect(p, ")") < 0)
			return -1;
	} else {
		/* TOP 5 * FROM t: a bare count is one token, never an expression */
		const struct sql_token *t = p_tok(p);
		if (t->kind != TK_INT && t->kind != TK_PARAM)
			return p_syntax(p);
		struct ast_expr *e = p_new_expr(p, t->kind == TK_INT ? AST_LIT : AST_PARAM, t->off);
		if (t->kind == TK_INT) {
			e->u.lit.kind = LIT_INT;
			e->u.lit.text = p_raw(p, t);
			e->u.lit.len = t->len;
		} else {
			if (p_param(p, t, &e->u.param.ordinal) < 0)
				return -1;
			e->u.param.spelling = p_raw(p, t);
		}
		p_next(p);
		*limit = e;
	}
	if (p_is(p, "percent") || p_is(p, "with"))
		return p_unsupported(p, "TOP PERCENT / WITH TIES");
	return 0;
}

/* Oracle: a top-level conjunct ROWNUM <= n / ROWNUM < n becomes a limit. */
static struct ast_expr *p_rownum_limit(struct parser *p, struct ast_expr **where)
{
	struct ast_expr *w = *where;
	if (!w)
		return NULL;
	if (w->kind == AST_BINARY && w->u.binary.op == AST_OP_AND) {
		struct ast_expr *l = p_rownum_limit(p, &w->u.binary.l);
		if (l) {
			if (!w->u.binary.l)
				*where = w->u.binary.r;
			return l;
		}
		l = p_rownum_limit(p, &w->u.binary.r);
		if (l && !w->u.binary.r)
			*where = w->u.binary.l;
		return l;
	}
	if (w->kind != AST_BINARY || (w->u.binary.op != AST_OP_LE && w->u.binary.op != AST_OP_LT))
		return NULL;
	struct ast_expr *l = w->u.binary.l, *r = w->u.binary.r;
	if (l->kind != AST_SPECIAL || l->u.special.what != SPECIAL_ROWNUM)
		return NULL;
	*where = NULL;
	if (w->u.binary.op == AST_OP_LE)
		return r;
	struct ast_expr *one = p_new_expr(p, AST_LIT, r->off);
	one->u.lit.kind = LIT_INT;
	one->u.lit.text = "1";
	one->u.lit.len = 1;
	struct ast_expr *e = p_new_expr(p, AST_BINARY, r->off);
	e->u.binary.op = AST_OP_SUB;
	e->u.binary.l = r;
	e->u.binary.r = one;
	return e;
}

static int p_values(struct parser *p, struct ast_select *s)
{
	p_next(p); /* VALUES */
	int cap = 4;
	s->values = arena_alloc(p->a, (size_t)cap * sizeof(*s->values));
	p->in_values++;
	do {
		if (s->nvalues == cap) {
			struct ast_expr_list *v = arena_alloc(p->a, (size_t)cap * 2 * sizeof(*v));
			memcpy(v, s->values, (size_t)cap * sizeof(*v));
			s->values = v;
			cap *= 2;
		}
		p_accept(p, "row"); /* MySQL VALUES ROW(...) */
		if (p_expect(p, "(") < 0)
			return -1;
		struct ast_expr_list *row = &s->values[s->nvalues++];
		if (p_is(p, ")"))
			memset(row, 0, sizeof(*row)); /* MySQL VALUES () */
		else if (p_expr_list(p, row) < 0)
			return -1;
		if (p_expect(p, ")") < 0)
			return -1;
	} while (p_accept(p, ","));
	p->in_values--;
	return 0;
}

static int p_select_core(struct parser *p, struct ast_select **out, struct ast_expr **top)
{
	struct ast_select *s = arena_alloc(p->a, sizeof(*s));
	*out = s;
	if (p_is(p, "values"))
		return p_values(p, s);
	if (p_accept(p, "table")) { /* TABLE t = SELECT * FROM t */
		struct ast_from *f = arena_alloc(p->a, sizeof(*f));
		f->kind = FROM_TABLE;
		if (p_name(p, &f->table) < 0)
			return -1;
		s->from = f;
		s->ntargets = 1;
		s->targets = arena_alloc(p->a, sizeof(*s->targets));
		s->targets[0].e = p_new_expr(p, AST_STAR, f->table.n ? 0 : 0);
		return 0;
	}
	if (p_expect(p, "select") < 0)
		return -1;
	if (p_top(p, top) < 0)
		return -1;
	if (p_accept(p, "distinct")) {
		s->distinct = 1;
		if (p_accept(p, "on")) {
			if (p_expect(p, "(") < 0 || p_expr_list(p, &s->distinct_on) < 0 || p_expect(p, ")") < 0)
				return -1;
		}
	} else {
		p_accept(p, "all");
	}
	if (p_top(p, top) < 0)
		return -1;
	/* MySQL SELECT modifiers that change nothing here */
	while (p->r->mysql_ops && (p_accept(p, "sql_calc_found_rows") || p_accept(p, "sql_no_cache") ||
				   p_accept(p, "sql_cache") || p_accept(p, "high_priority") || p_accept(p, "straight_join")))
		;
	if (!p_is(p, "from") && p_targets(p, &s->ntargets, &s->targets) < 0)
		return -1;
	if (p_is(p, "into"))
		return p_unsupported(p, "SELECT INTO");
	if (p_accept(p, "from")) {
		if (p_from_list(p, &s->from) < 0)
			return -1;
		if (s->from->kind == FROM_TABLE && !s->from->alias.s && p_is_dummy(p, &s->from->table))
			s->from = NULL;
	}
	if (p_accept(p, "where") && p_expr(p, &s->where) < 0)
		return -1;
	if (p_accept2(p, "group", "by")) {
		if (p_expr_list(p, &s->group_by) < 0)
			return -1;
		if (p->r->mysql_ops && p_accept(p, "with") && p_expect(p, "rollup") < 0)
			return -1;
	}
	if (p_accept(p, "having") && p_expr(p, &s->having) < 0)
		return -1;
	if (p_is(p, "window"))
		return p_unsupported(p, "WINDOW clause");
	return 0;
}

static int p_body(struct parser *p, struct ast_body **out, struct ast_expr **top);

static int p_body_primary(struct parser *p, struct ast_body **out, struct ast_expr **top)
{
	struct ast_body *b = arena_alloc(p->a, sizeof(*b));
	if (p_is(p, "(")) {
		if (p_enter(p) < 0)
			return -1;
		p_next(p);
		if (p_query(p, &b->paren) < 0 || p_expect(p, ")") < 0)
			return -1;
		p_leave(p);
		*out = b;
		return 0;
	}
	if (p_select_core(p, &b->select, top) < 0)
		return -1;
	*out = b;
	return 0;
}

static int p_body_term(struct parser *p, struct ast_body **out, struct ast_expr **top)
{
	if (p_body_primary(p, out, top) < 0)
		return -1;
	while (p_accept(p, "intersect")) {
		struct ast_body *b = arena_alloc(p->a, sizeof(*b));
		b->op = SETOP_INTERSECT;
		b->all = p_accept(p, "all");
		if (!b->all)
			p_accept(p, "distinct");
		b->l = *out;
		if (p_body_primary(p, &b->r, top) < 0)
			return -1;
		*out = b;
	}
	return 0;
}

static int p_body(struct parser *p, struct ast_body **out, struct ast_expr **top)
{
	if (p_body_term(p, out, top) < 0)
		return -1;
	for (;;) {
		enum ast_setop op;
		if (p_is(p, "union"))
			op = SETOP_UNION;
		else if (p_is(p, "except") || p_is(p, "minus"))
			op = SETOP_EXCEPT;
		else
			return 0;
		p_next(p);
		struct ast_body *b = arena_alloc(p->a, sizeof(*b));
		b->op = op;
		b->all = p_accept(p, "all");
		if (!b->all)
			p_accept(p, "distinct");
		b->l = *out;
		if (p_body_term(p, &b->r, top) < 0)
			return -1;
		*out = b;
	}
}

/* LIMIT / OFFSET / FETCH in any order any dialect writes them. */
static int p_limits(struct parser *p, struct ast_query *q)
{
	for (;;) {
		if (p_accept(p, "limit")) {
			if (p_accept(p, "all"))
				continue;
			struct ast_expr *a;
			if (p_expr(p, &a) < 0)
				return -1;
			if (p->r->limit_comma && p_accept(p, ",")) {
				q->offset = a;
				if (p_expr(p, &q->limit) < 0)
					return -1;
			} else {
				q->limit = a;
			}
		} else if (p_accept(p, "offset")) {
			if (p_expr(p, &q->offset) < 0)
				return -1;
			(void)(p_accept(p, "rows") || p_accept(p, "row"));
		} else if (p_accept(p, "fetch")) {
			(void)(p_accept(p, "approx") || p_accept(p, "approximate")); /* Oracle vector search */
			if (!p_accept(p, "first") && !p_accept(p, "next"))
				return p_syntax(p);
			if (!p_is(p, "row") && !p_is(p, "rows")) {
				if (p_expr(p, &q->limit) < 0)
					return -1;
			} else {
				struct ast_expr *one = p_new_expr(p, AST_LIT, p_tok(p)->off);
				one->u.lit.kind = LIT_INT;
				one->u.lit.text = "1";
				one->u.lit.len = 1;
				q->limit = one;
			}
			if (!p_accept(p, "rows") && !p_accept(p, "row"))
				return p_syntax(p);
			if (p_is(p, "with"))
				return p_unsupported(p, "FETCH FIRST ... WITH TIES");
			if (p_expect(p, "only") < 0)
				return -1;
		} else {
			return 0;
		}
	}
}

int p_query(struct parser *p, struct ast_query **out)
{
	if (p_enter(p) < 0)
		return -1;
	struct ast_query *q = arena_alloc(p->a, sizeof(*q));
	if (p_is(p, "with") && p_with(p, &q->recursive, &q->nctes, &q->ctes) < 0)
		return -1;
	struct ast_expr *top = NULL;
	if (p_body(p, &q->body, &top) < 0)
		return -1;
	if (p_is(p, "order") && p_order_by(p, &q->norder, &q->order) < 0)
		return -1;
	if (p_limits(p, q) < 0)
		return -1;
	if (top)
		q->limit = top;
	if (p->r->rownum && q->body->select && !q->limit) {
		struct ast_expr *l = p_rownum_limit(p, &q->body->select->where);
		if (l)
			q->limit = l;
	}
	while (p_accept(p, "for")) {
		if (!p_accept(p, "update") && !p_accept(p, "share") && !(p_accept(p, "no") && p_accept(p, "key")) &&
		    !p_accept(p, "key"))
			return p_syntax(p);
		(void)(p_accept(p, "update") || p_accept(p, "share"));
		if (p_accept(p, "of")) {
			struct ast_name n;
			do {
				if (p_name(p, &n) < 0)
					return -1;
			} while (p_accept(p, ","));
		}
		(void)(p_accept(p, "nowait") || p_accept2(p, "skip", "locked"));
		q->for_update = 1;
	}
	if (p->r->mysql_ops && p_accept2(p, "lock", "in")) {
		if (p_expect(p, "share") < 0 || p_expect(p, "mode") < 0)
			return -1;
		q->for_update = 1;
	}
	p_leave(p);
	*out = q;
	return 0;
}
