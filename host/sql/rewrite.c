/*
 * rewrite.c — catalog-aware AST rewrites (see rewrite.h).
 *
 * The catalog is asked once per statement for the target table.  A value
 * that is DEFAULT is left alone (the column default applies); NULL passes
 * through vector_in as NULL.
 */
#include "sql/rewrite.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

static struct ast_expr *rewrite_vector_in(struct arena *a, struct ast_expr *e, int32_t dims)
{
	if (!e || e->kind == AST_DEFAULT)
		return e;
	struct ast_expr *f = arena_alloc(a, sizeof(*f));
	f->kind = AST_FUNC;
	f->off = e->off;
	f->u.func.name.n = 1;
	f->u.func.name.parts[0].s = "vector_in";
	int n = dims > 0 ? 2 : 1;
	f->u.func.args.n = n;
	f->u.func.args.v = arena_alloc(a, sizeof(struct ast_expr *) * 2);
	f->u.func.args.v[0] = e;
	if (n == 2) {
		struct ast_expr *lit = arena_alloc(a, sizeof(*lit));
		char num[16];
		snprintf(num, sizeof(num), "%d", (int)dims);
		lit->kind = AST_LIT;
		lit->off = e->off;
		lit->u.lit.kind = LIT_INT;
		lit->u.lit.text = arena_strndup(a, num, strlen(num));
		lit->u.lit.len = strlen(num);
		f->u.func.args.v[1] = lit;
	}
	return f;
}

/* The declared column at `name`, or NULL. */
static const struct column_desc *rewrite_col(int ncols, const struct column_desc *cols, const char *name)
{
	for (int i = 0; i < ncols; i++)
		if (cols[i].name && !strcasecmp(cols[i].name, name))
			return &cols[i];
	return NULL;
}

static void rewrite_assignments(struct arena *a, int nset, struct ast_assign *set, int ncols,
				const struct column_desc *cols)
{
	for (int i = 0; i < nset; i++) {
		if (set[i].ncols != 1)
			continue;
		const struct column_desc *c = rewrite_col(ncols, cols, set[i].cols[0].s);
		if (c && c->type == RT_VECTOR)
			set[i].e = rewrite_vector_in(a, set[i].e, c->typmod);
	}
}

static void rewrite_insert(struct arena *a, struct ast_insert *ins, int ncols, const struct column_desc *cols)
{
	int width = ins->ncols ? ins->ncols : ncols;
	const struct column_desc **target = arena_alloc(a, sizeof(*target) * ((size_t)width + 1));
	int any = 0;
	for (int i = 0; i < width; i++) {
		target[i] = ins->ncols ? rewrite_col(ncols, cols, ins->cols[i].s) : &cols[i];
		any |= target[i] && target[i]->type == RT_VECTOR;
	}
	if (ins->upsert)
		rewrite_assignments(a, ins->upsert->nset, ins->upsert->set, ncols, cols);
	if (!any || !ins->source || !ins->source->body || ins->source->body->op != SETOP_NONE)
		return;
	struct ast_select *sel = ins->source->body->select;
	if (!sel)
		return;
	if (sel->values) {
		for (int r = 0; r < sel->nvalues; r++)
			for (int c = 0; c < sel->values[r].n && c < width; c++)
				if (target[c] && target[c]->type == RT_VECTOR)
					sel->values[r].v[c] = rewrite_vector_in(a, sel->values[r].v[c], target[c]->typmod);
		return;
	}
	for (int c = 0; c < sel->ntargets && c < width; c++) /* INSERT ... SELECT */
		if (target[c] && target[c]->type == RT_VECTOR && sel->targets[c].e && sel->targets[c].e->kind != AST_STAR)
			sel->targets[c].e = rewrite_vector_in(a, sel->targets[c].e, target[c]->typmod);
}

int sql_rewrite_writes(struct arena *a, struct ast_stmt *s, const struct bind_catalog *cat)
{
	const struct ast_name *table;
	if (s->kind == AST_INSERT)
		table = &s->u.insert->table;
	else if (s->kind == AST_UPDATE)
		table = &s->u.update->table;
	else
		return 0;
	struct column_desc *cols = NULL;
	int ncols = cat && cat->columns ? cat->columns(cat->ctx, table, a, &cols) : -1;
	if (ncols <= 0)
		return 0;
	int has_vector = 0;
	for (int i = 0; i < ncols; i++)
		has_vector |= cols[i].type == RT_VECTOR;
	if (!has_vector)
		return 0;
	if (s->kind == AST_INSERT)
		rewrite_insert(a, s->u.insert, ncols, cols);
	else
		rewrite_assignments(a, s->u.update->nset, s->u.update->set, ncols, cols);
	return 0;
}
