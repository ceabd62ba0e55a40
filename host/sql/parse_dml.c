/*
 * parse_dml.c — INSERT (VALUES, SELECT, DEFAULT VALUES, MySQL SET form,
 * REPLACE, IGNORE), ON CONFLICT, MySQL ON DUPLICATE KEY UPDATE, UPDATE,
 * DELETE, RETURNING.
 */
#include <string.h>

#include "sql/parse_int.h"

static int p_returning(struct parser *p, int *n, struct ast_target **v)
{
	if (!p_accept(p, "returning"))
		return 0;
	return p_targets(p, n, v);
}

/* a = e, (a, b) = (e, f), t.a = e; `end` stops at a keyword that ends the list. */
static int p_assignments(struct parser *p, int *n, struct ast_assign **v)
{
	int cap = 4;
	*v = arena_alloc(p->a, (size_t)cap * sizeof(**v));
	*n = 0;
	do {
		if (*n == cap) {
			struct ast_assign *nv = arena_alloc(p->a, (size_t)cap * 2 * sizeof(*nv));
			memcpy(nv, *v, (size_t)cap * sizeof(*nv));
			*v = nv;
			cap *= 2;
		}
		struct ast_assign *a = &(*v)[(*n)++];
		if (p_is(p, "(")) {
			if (p_ident_list(p, &a->ncols, &a->cols) < 0)
				return -1;
		} else {
			struct ast_name name;
			if (p_name(p, &name) < 0)
				return -1;
			a->ncols = 1;
			a->cols = arena_alloc(p->a, sizeof(*a->cols));
			a->cols[0] = name.parts[name.n - 1];
		}
		if (p_expect(p, "=") < 0)
			return -1;
		p->in_values++; /* SET x = DEFAULT */
		int rc = p_expr(p, &a->e);
		p->in_values--;
		if (rc < 0)
			return -1;
	} while (p_accept(p, ","));
	return 0;
}

static int p_on_conflict(struct parser *p, struct ast_insert *ins)
{
	struct ast_upsert *u = arena_alloc(p->a, sizeof(*u));
	if (p_is(p, "(")) {
		p_next(p);
		/* conflict target: columns (or index expressions, which we keep when they are columns) */
		int cap = 4;
		u->target = arena_alloc(p->a, (size_t)cap * sizeof(*u->target));
		do {
			if (u->ntarget == cap) {
				struct ast_ident *nv = arena_alloc(p->a, (size_t)cap * 2 * sizeof(*nv));
				memcpy(nv, u->target, (size_t)cap * sizeof(*nv));
				u->target = nv;
				cap *= 2;
			}
			if (p_ident(p, &u->target[u->ntarget++]) < 0)
				return -1;
			if (p_is(p, "collate") || p_is(p, "("))
				return p_unsupported(p, "ON CONFLICT on an expression");
		} while (p_accept(p, ","));
		if (p_expect(p, ")") < 0)
			return -1;
		if (p_accept(p, "where") && p_expr(p, &u->target_where) < 0)
			return -1;
	} else if (p_accept2(p, "on", "constraint")) {
		struct ast_ident c;
		if (p_ident(p, &c) < 0)
			return -1;
		u->constraint = c.s;
	}
	if (p_expect(p, "do") < 0)
		return -1;
	if (p_accept(p, "nothing")) {
		u->do_nothing = 1;
	} else {
		if (p_expect(p, "update") < 0 || p_expect(p, "set") < 0)
			return -1;
		if (p_assignments(p, &u->nset, &u->set) < 0)
			return -1;
		if (p_accept(p, "where") && p_expr(p, &u->where) < 0)
			return -1;
	}
	if (!u->do_nothing && !u->ntarget && !u->constraint)
		return p_syntax(p);
	ins->upsert = u;
	return 0;
}

/* MySQL SET a = 1, b = 2 as one VALUES row. */
static int p_insert_set(struct parser *p, struct ast_insert *ins)
{
	int n;
	struct ast_assign *set;
	if (p_assignments(p, &n, &set) < 0)
		return -1;
	ins->ncols = n;
	ins->cols = arena_alloc(p->a, (size_t)n * sizeof(*ins->cols));
	struct ast_select *s = arena_alloc(p->a, sizeof(*s));
	s->nvalues = 1;
	s->values = arena_alloc(p->a, sizeof(*s->values));
	s->values[0].n = n;
	s->values[0].v = arena_alloc(p->a, (size_t)n * sizeof(*s->values[0].v));
	for (int k = 0; k < n; k++) {
		if (set[k].ncols != 1)
			return p_syntax(p);
		ins->cols[k] = set[k].cols[0];
		s->values[0].v[k] = set[k].e;
	}
	ins->source = arena_alloc(p->a, sizeof(*ins->source));
	ins->source->body = arena_alloc(p->a, sizeof(*ins->source->body));
	ins->source->body->select = s;
	return 0;
}

int p_insert(struct parser *p, struct ast_stmt *s)
{
	struct ast_insert *ins = arena_alloc(p->a, sizeof(*ins));
	s->kind = AST_INSERT;
	s->u.insert = ins;
	if (p_accept(p, "replace")) {
		if (!p->r->mysql_ops)
			return p_syntax_at(p, &p->toks[p->i - 1]);
		ins->replace = 1;
	} else {
		p_next(p); /* INSERT */
	}
	if (p->r->mysql_ops) {
		(void)(p_accept(p, "low_priority") || p_accept(p, "delayed") || p_accept(p, "high_priority"));
		ins->ignore = p_accept(p, "ignore");
	}
	if (!p_accept(p, "into") && !p->r->mysql_ops)
		return p_syntax(p);
	if (p_name(p, &ins->table) < 0)
		return -1;
	if (p_accept(p, "as") && p_ident(p, &ins->alias) < 0)
		return -1;
	if (p_is(p, "(") && !p_query_starts(p) && p_ident_list(p, &ins->ncols, &ins->cols) < 0)
		return -1;
	if (p_accept2(p, "default", "values")) {
		ins->default_values = 1;
	} else if (p->r->mysql_ops && p_accept(p, "set")) {
		if (p_insert_set(p, ins) < 0)
			return -1;
	} else {
		if (!p_query_starts(p))
			return p_syntax(p);
		if (p_query(p, &ins->source) < 0)
			return -1;
	}
	if (p->r->on_duplicate && p_is(p, "as") && !p_peek_is(p, 1, "(")) {
		struct ast_upsert *u = arena_alloc(p->a, sizeof(*u));
		p_next(p);
		if (p_ident(p, &u->new_alias) < 0)
			return -1;
		ins->upsert = u;
	}
	if (p_accept2(p, "on", "conflict")) {
		if (p_on_conflict(p, ins) < 0)
			return -1;
	} else if (p->r->on_duplicate && p_accept2(p, "on", "duplicate")) {
		if (p_expect(p, "key") < 0 || p_expect(p, "update") < 0)
			return -1;
		struct ast_upsert *u = ins->upsert ? ins->upsert : arena_alloc(p->a, sizeof(*u));
		u->from_duplicate_key = 1;
		p->in_upsert = 1;
		p->upsert_alias = u->new_alias.s;
		int rc = p_assignments(p, &u->nset, &u->set);
		p->in_upsert = 0;
		p->upsert_alias = NULL;
		if (rc < 0)
			return -1;
		ins->upsert = u;
	} else if (ins->upsert) {
		return p_syntax(p);
	}
	return p_returning(p, &ins->nreturning, &ins->returning);
}

/* ORDER BY / LIMIT on MySQL UPDATE and DELETE. */
static int p_dml_limit(struct parser *p, int *norder, struct ast_order **order, struct ast_expr **limit)
{
	if (!p->r->mysql_ops)
		return 0;
	if (p_is(p, "order") && p_order_by(p, norder, order) < 0)
		return -1;
	if (p_accept(p, "limit") && p_expr(p, limit) < 0)
		return -1;
	return 0;
}

static int p_target_table(struct parser *p, struct ast_name *table, struct ast_ident *alias)
{
	p_accept(p, "only");
	if (p_name(p, table) < 0)
		return -1;
	p_accept(p, "*");
	int as = p_accept(p, "as");
	const struct sql_token *t = p_tok(p);
	if (t->kind == TK_QIDENT || (t->kind == TK_IDENT && !p_is_reserved(p, t) && !p_is(p, "set")))
		return p_ident(p, alias);
	return as ? p_syntax(p) : 0;
}

int p_update(struct parser *p, struct ast_stmt *s)
{
	struct ast_update *u = arena_alloc(p->a, sizeof(*u));
	s->kind = AST_UPDATE;
	s->u.update = u;
	p_next(p);
	if (p->r->mysql_ops)
		(void)(p_accept(p, "low_priority") + p_accept(p, "ignore"));
	if (p_target_table(p, &u->table, &u->alias) < 0)
		return -1;
	if (p_is(p, ",") || p_is(p, "join") || p_is(p, "inner") || p_is(p, "left"))
		return p_unsupported(p, "multiple-table UPDATE");
	if (p_expect(p, "set") < 0 || p_assignments(p, &u->nset, &u->set) < 0)
		return -1;
	if (p_accept(p, "from") && p_from_list(p, &u->from) < 0)
		return -1;
	if (p_accept(p, "where")) {
		if (p_is(p, "current"))
			return p_unsupported(p, "WHERE CURRENT OF");
		if (p_expr(p, &u->where) < 0)
			return -1;
	}
	if (p_dml_limit(p, &u->norder, &u->order, &u->limit) < 0)
		return -1;
	return p_returning(p, &u->nreturning, &u->returning);
}

int p_delete(struct parser *p, struct ast_stmt *s)
{
	struct ast_delete *d = arena_alloc(p->a, sizeof(*d));
	s->kind = AST_DELETE;
	s->u.del = d;
	p_next(p);
	if (p->r->mysql_ops)
		(void)(p_accept(p, "low_priority") + p_accept(p, "quick") + p_accept(p, "ignore"));
	if (!p_accept(p, "from") && !p->r->top && !p->r->mysql_ops)
		return p_syntax(p);
	if (p_target_table(p, &d->table, &d->alias) < 0)
		return -1;
	if (p_is(p, ",") || p_is(p, "join"))
		return p_unsupported(p, "multiple-table DELETE");
	if (p_accept(p, "using") && p_from_list(p, &d->using_) < 0)
		return -1;
	if (p_accept(p, "where")) {
		if (p_is(p, "current"))
			return p_unsupported(p, "WHERE CURRENT OF");
		if (p_expr(p, &d->where) < 0)
			return -1;
	}
	if (p_dml_limit(p, &d->norder, &d->order, &d->limit) < 0)
		return -1;
	return p_returning(p, &d->nreturning, &d->returning);
}
