/*
 * deparse.c — statements to SQLite SQL (see deparse.h); expressions are in
 * deparse_expr.c.
 *
 * Statement-level translations:
 *   LIMIT/OFFSET, TOP n, FETCH FIRST n ROWS ONLY, ROWNUM <= n
 *                          LIMIT n [OFFSET m] (OFFSET alone: LIMIT -1 OFFSET m)
 *   FROM DUAL / SYSDUMMY1  no FROM (done by the parser)
 *   (VALUES ..) AS v(a,b)  (SELECT column1 AS a, column2 AS b FROM (VALUES ..))
 *   ON CONFLICT            SQLite's upsert, same syntax; INSERT .. SELECT gets
 *                          a WHERE true so SQLite's parser sees the upsert
 *   ON DUPLICATE KEY UPDATE  ON CONFLICT DO UPDATE (no target: any unique key,
 *                          as MySQL), VALUES(c) / new.c -> excluded.c
 *   INSERT IGNORE, REPLACE INSERT OR IGNORE, REPLACE
 *   VALUES (.., DEFAULT, ..)  the column is left out of the column list
 *   DELETE .. USING        DELETE .. WHERE rowid IN (SELECT t.rowid FROM t, using WHERE ..)
 *   UPDATE/DELETE .. ORDER BY .. LIMIT (MySQL)  rowid IN (SELECT .. LIMIT)
 *   TRUNCATE               DELETE FROM
 *   SERIAL / AUTO_INCREMENT / IDENTITY primary key
 *                          INTEGER PRIMARY KEY AUTOINCREMENT (ids never reused,
 *                          as sequences)
 *   column types           canonical names (sql_deparse_type_name)
 */
#include "sql/deparse.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "sql/deparse_int.h"

void sql_deparse_type_name(const struct ast_type *t, struct buf *out)
{
	switch (t->type) {
	case RT_BOOL: buf_printf(out, "bool"); break;
	case RT_INT2: buf_printf(out, "int2"); break;
	case RT_INT4: buf_printf(out, "int4"); break;
	case RT_INT8: buf_printf(out, "int8"); break;
	case RT_FLOAT4: buf_printf(out, "float4"); break;
	case RT_FLOAT8: buf_printf(out, "float8"); break;
	case RT_NUMERIC:
		if (t->precision > 0 && t->scale >= 0)
			buf_printf(out, "numeric(%d,%d)", t->precision, t->scale);
		else if (t->precision > 0)
			buf_printf(out, "numeric(%d)", t->precision);
		else
			buf_printf(out, "numeric");
		break;
	case RT_TEXT: buf_printf(out, "text"); break;
	case RT_VARCHAR: buf_printf(out, "varchar(%d)", t->typmod); break;
	case RT_CHAR: buf_printf(out, "bpchar(%d)", t->typmod); break;
	case RT_BYTEA: buf_printf(out, "bytea"); break;
	case RT_DATE: buf_printf(out, "date"); break;
	case RT_TIME: buf_printf(out, "time"); break;
	case RT_TIMESTAMP: buf_printf(out, "timestamp"); break;
	case RT_TIMESTAMPTZ: buf_printf(out, "timestamptz"); break;
	case RT_INTERVAL: buf_printf(out, "interval"); break;
	case RT_JSON: buf_printf(out, "json"); break;
	case RT_UUID: buf_printf(out, "uuid"); break;
	case RT_OID: buf_printf(out, "oid"); break;
	case RT_CHAR1: buf_printf(out, "char1"); break; /* types.c reads it back as "char" */
	case RT_VECTOR:
		if (t->typmod > 0)
			buf_printf(out, "vector(%d)", t->typmod);
		else
			buf_printf(out, "vector");
		break;
	case RT_UNKNOWN: buf_printf(out, "unknown"); break;
	}
}

/* ---- queries ------------------------------------------------------------ */

int dp_order(struct deparser *d, int n, const struct ast_order *o)
{
	dp_str(d, "ORDER BY ");
	for (int k = 0; k < n; k++) {
		if (k)
			dp_str(d, ", ");
		if (dp_expr(d, o[k].e) < 0)
			return -1;
		if (o[k].desc)
			dp_str(d, " DESC");
		int nulls = o[k].nulls;
		if (!nulls && d->r->nulls_high)
			nulls = o[k].desc ? 1 : 2;
		if (nulls == 1)
			dp_str(d, " NULLS FIRST");
		else if (nulls == 2)
			dp_str(d, " NULLS LAST");
	}
	return 0;
}

/* The column name the source ecosystem gives an unaliased expression (PostgreSQL's FigureColname). */
static const char *dp_pg_label(const struct ast_expr *e)
{
	switch (e->kind) {
	case AST_COLUMN: return e->u.column.parts[e->u.column.n - 1].s;
	case AST_FUNC: {
		const char *fn = e->u.func.name.parts[e->u.func.name.n - 1].s;
		if (!strcmp(fn, "rosetta_array") || !strcmp(fn, "rosetta_array_sub"))
			return "array";
		if (!strcmp(fn, "rosetta_array_get") && e->u.func.args.n == 2)
			return dp_pg_label(e->u.func.args.v[0]); /* conkey[1] is named conkey */
		if (!strcmp(fn, "rosetta_any_eq"))
			return "?column?";
		return fn;
	}
	case AST_CAST: {
		const char *inner = e->u.cast.typed_literal ? NULL : dp_pg_label(e->u.cast.arg);
		if (inner && strcmp(inner, "?column?"))
			return inner;
		const char *label = ast_type_label(e->u.cast.type.type); /* PostgreSQL names a cast constant by its type */
		return label ? label : e->u.cast.type.name ? e->u.cast.type.name : "?column?";
	}
	case AST_CASE: return "case";
	case AST_EXISTS: return "exists";
	case AST_LIT: return e->u.lit.kind == LIT_BOOL ? "bool" : "?column?";
	case AST_EXTRACT: return "extract";
	case AST_SPECIAL:
		switch (e->u.special.what) {
		case SPECIAL_CURRENT_TIMESTAMP: return "current_timestamp";
		case SPECIAL_CURRENT_DATE: return "current_date";
		case SPECIAL_CURRENT_TIME: return "current_time";
		case SPECIAL_LOCALTIMESTAMP: return "localtimestamp";
		case SPECIAL_CURRENT_USER: return "current_user";
		default: return "?column?";
		}
	case AST_SUBQUERY: {
		const struct ast_query *q = e->u.exists.sub;
		if (q->body->select && q->body->select->ntargets == 1 && !q->body->select->targets[0].alias.s)
			return dp_pg_label(q->body->select->targets[0].e);
		if (q->body->select && q->body->select->ntargets == 1)
			return q->body->select->targets[0].alias.s;
		return "?column?";
	}
	default: return "?column?";
	}
}

int dp_targets(struct deparser *d, int n, const struct ast_target *t)
{
	for (int k = 0; k < n; k++) {
		if (k)
			dp_str(d, ", ");
		if (dp_expr(d, t[k].e) < 0)
			return -1;
		if (t[k].alias.s) {
			dp_str(d, " AS ");
			dp_ident(d, t[k].alias.s);
		} else if (t[k].e->kind != AST_COLUMN && t[k].e->kind != AST_STAR) {
			/* PG-like dialects name the column as PostgreSQL does; the others by the text as written */
			dp_str(d, " AS ");
			if (d->r->dialect == DIALECT_PG) {
				buf_put_u8(d->out, '"');
				dp_str(d, dp_pg_label(t[k].e));
				buf_put_u8(d->out, '"');
			} else {
				/* MySQL names a string constant by its value, anything else by its text */
				const struct ast_expr *e = t[k].e;
				int lit = e->kind == AST_LIT && e->u.lit.kind == LIT_STRING;
				const char *txt = lit ? e->u.lit.text : t[k].src;
				size_t len = lit ? e->u.lit.len : t[k].len;
				buf_put_u8(d->out, '"');
				for (size_t i = 0; i < len; i++) {
					char c = txt[i];
					if (c == '"')
						buf_put_u8(d->out, '"');
					buf_put_u8(d->out, (uint8_t)c);
				}
				buf_put_u8(d->out, '"');
			}
		}
	}
	return 0;
}

static int dp_from(struct deparser *d, const struct ast_from *f)
{
	switch (f->kind) {
	case FROM_TABLE:
		dp_table(d, &f->table);
		break;
	case FROM_FUNC: {
		const struct ast_expr *fn = f->func;
		if (fn->kind == AST_FUNC && fn->u.func.args.n == 1 &&
		    !strcasecmp(fn->u.func.name.parts[fn->u.func.name.n - 1].s, "unnest")) {
			/* FROM unnest(a) x: one column named by the column alias, else the alias (PostgreSQL's rule) */
			const char *col = f->ncolaliases ? f->colaliases[0].s : f->alias.s ? f->alias.s : "unnest";
			dp_str(d, "(SELECT value AS ");
			dp_ident(d, col);
			if (f->ordinality) {
				dp_str(d, ", key + 1 AS ");
				dp_ident(d, f->ncolaliases > 1 ? f->colaliases[1].s : "ordinality");
			}
			dp_str(d, " FROM json_each(rosetta_array_json(");
			if (dp_expr(d, fn->u.func.args.v[0]) < 0)
				return -1;
			dp_str(d, ")) ORDER BY key)");
			break;
		}
		if (fn->kind == AST_FUNC && (fn->u.func.args.n == 2 || fn->u.func.args.n == 3) &&
		    !strcasecmp(fn->u.func.name.parts[fn->u.func.name.n - 1].s, "generate_series")) {
			/* FROM generate_series(lo, hi [, step]) s over integers: a recursive CTE, one column named as above */
			const char *col = f->ncolaliases ? f->colaliases[0].s : f->alias.s ? f->alias.s : "generate_series";
			const struct ast_expr *const *a = (const struct ast_expr *const *)fn->u.func.args.v;
			dp_str(d, "(WITH RECURSIVE rosetta_gs(v, hi, step) AS (SELECT ");
			if (dp_expr(d, a[0]) < 0)
				return -1;
			dp_str(d, ", ");
			if (dp_expr(d, a[1]) < 0)
				return -1;
			dp_str(d, ", ");
			if (fn->u.func.args.n == 3) {
				if (dp_expr(d, a[2]) < 0)
					return -1;
			} else {
				dp_str(d, "1");
			}
			dp_str(d, " UNION ALL SELECT v + step, hi, step FROM rosetta_gs WHERE step <> 0 AND"
				  " CASE WHEN step > 0 THEN v + step <= hi ELSE v + step >= hi END)"
				  " SELECT v AS ");
			dp_ident(d, col);
			dp_str(d, " FROM rosetta_gs WHERE CASE WHEN step > 0 THEN v <= hi ELSE v >= hi END)");
			break;
		}
		if (f->ordinality || (f->ncolaliases && fn->kind == AST_FUNC)) {
			/* a scalar function as a one-row relation (pg_partition_ancestors(x) WITH ORDINALITY a(relid, depth)) */
			const char *col = f->ncolaliases ? f->colaliases[0].s : f->alias.s ? f->alias.s : "value";
			dp_str(d, "(SELECT ");
			if (dp_expr(d, fn) < 0)
				return -1;
			dp_str(d, " AS ");
			dp_ident(d, col);
			if (f->ordinality) {
				dp_str(d, ", 1 AS ");
				dp_ident(d, f->ncolaliases > 1 ? f->colaliases[1].s : "ordinality");
			}
			dp_str(d, ")");
			break;
		}
		if (dp_expr(d, f->func) < 0)
			return -1;
		break;
	}
	case FROM_SUBQUERY:
	case FROM_VALUES:
		if (f->ncolaliases && f->kind == FROM_VALUES) {
			dp_str(d, "(SELECT ");
			for (int k = 0; k < f->ncolaliases; k++) {
				char col[24];
				snprintf(col, sizeof(col), "%scolumn%d AS ", k ? ", " : "", k + 1);
				dp_str(d, col);
				dp_ident(d, f->colaliases[k].s);
			}
			dp_str(d, " FROM (");
			if (dp_query(d, f->sub) < 0)
				return -1;
			dp_str(d, "))");
		} else {
			if (f->ncolaliases)
				return dp_unsupported(d, "column aliases on a subquery in FROM");
			dp_str(d, "(");
			if (dp_query(d, f->sub) < 0)
				return -1;
			dp_str(d, ")");
		}
		break;
	case FROM_JOIN: {
		static const char *const kinds[] = {" JOIN ", " LEFT JOIN ", " RIGHT JOIN ", " FULL JOIN ", " CROSS JOIN "};
		if (dp_from(d, f->left) < 0)
			return -1;
		if (f->comma)
			dp_str(d, ", ");
		else {
			if (f->natural)
				dp_str(d, " NATURAL");
			dp_str(d, kinds[f->join]);
		}
		int paren = f->right->kind == FROM_JOIN;
		if (paren)
			dp_str(d, "(");
		if (dp_from(d, f->right) < 0)
			return -1;
		if (paren)
			dp_str(d, ")");
		if (f->on) {
			dp_str(d, " ON ");
			if (dp_expr(d, f->on) < 0)
				return -1;
		} else if (f->nusing) {
			dp_str(d, " USING (");
			for (int k = 0; k < f->nusing; k++) {
				if (k)
					dp_str(d, ", ");
				dp_ident(d, f->using_[k].s);
			}
			dp_str(d, ")");
		}
		return 0;
	}
	}
	if (f->lateral)
		return dp_unsupported(d, "LATERAL");
	if (f->alias.s) {
		dp_str(d, " AS ");
		dp_ident(d, f->alias.s);
	}
	return 0;
}

/*
 * Set-returning targets: PostgreSQL runs unnest(a) and generate_subscripts(a, 1)
 * in a SELECT list once per element, zipping several of them by position.
 * Here each distinct array is a json_each joined to the FROM list, the
 * later ones on the same key as the first; the targets read its value or
 * key + 1.  Writes the join text to `joins` (empty when there are none).
 */
static int dp_collect_srfs(struct deparser *d, const struct ast_select *s, struct buf *joins)
{
	struct buf *saved = d->out;
	struct buf args[DP_MAX_SRF];
	int nargs = 0, first_alias = 0, rc = 0;
	for (int k = 0; k < s->ntargets && rc == 0; k++) {
		const struct ast_expr *e = s->targets[k].e;
		if (e && e->kind == AST_FUNC && e->u.func.args.n == 2 && !strcmp(e->u.func.name.parts[0].s, "rosetta_field"))
			e = e->u.func.args.v[0]; /* (information_schema._pg_expandarray(a)).n */
		if (!e || e->kind != AST_FUNC || e->u.func.over)
			continue;
		const char *fn = e->u.func.name.parts[e->u.func.name.n - 1].s;
		int subs = !strcasecmp(fn, "generate_subscripts") && e->u.func.args.n == 2;
		if (!subs && !((!strcasecmp(fn, "unnest") || !strcasecmp(fn, "_pg_expandarray")) && e->u.func.args.n == 1))
			continue;
		int dup = 0;
		for (int j = 0; j < d->nsrf; j++)
			dup |= d->srf[j].e == e;
		if (dup)
			continue;
		if (d->nsrf == DP_MAX_SRF) {
			rc = dp_unsupported(d, "this many set-returning functions in one SELECT");
			break;
		}
		struct buf a;
		buf_init(&a);
		d->out = &a;
		rc = dp_expr(d, e->u.func.args.v[0]);
		d->out = saved;
		int same = -1;
		for (int j = 0; j < nargs && rc == 0; j++)
			if (args[j].len == a.len && !memcmp(args[j].data, a.data, a.len))
				same = j;
		if (rc < 0 || same >= 0) {
			if (same >= 0)
				d->srf[d->nsrf++] = (struct dp_srf){e, first_alias + same, subs, NULL};
			buf_free(&a);
			continue;
		}
		int alias = ++d->srf_next;
		if (!nargs)
			first_alias = alias;
		if (alias != first_alias + nargs) { /* aliases of one SELECT are consecutive */
			buf_free(&a);
			rc = dp_unsupported(d, "set-returning functions in this position");
			break;
		}
		args[nargs++] = a;
		char *copy = malloc(a.len + 1);
		if (copy) {
			memcpy(copy, a.data, a.len);
			copy[a.len] = 0;
		}
		d->srf[d->nsrf++] = (struct dp_srf){e, alias, subs, copy};
		if (alias == first_alias)
			buf_printf(joins, "json_each(rosetta_array_json(%.*s)) AS rosetta_srf%d", (int)a.len,
				   (const char *)a.data, alias);
		else
			buf_printf(joins, " JOIN json_each(rosetta_array_json(%.*s)) AS rosetta_srf%d ON rosetta_srf%d.key = rosetta_srf%d.key",
				   (int)a.len, (const char *)a.data, alias, alias, first_alias);
	}
	for (int j = 0; j < nargs; j++)
		buf_free(&args[j]);
	return rc;
}

static int dp_select_core(struct deparser *d, const struct ast_select *s);

static int dp_select(struct deparser *d, const struct ast_select *s)
{
	int saved_n = d->nsrf;
	struct dp_srf saved[DP_MAX_SRF];
	memcpy(saved, d->srf, sizeof(saved));
	d->nsrf = 0;
	int rc = dp_select_core(d, s);
	for (int k = 0; k < d->nsrf; k++)
		free(d->srf[k].arg);
	d->nsrf = saved_n;
	memcpy(d->srf, saved, sizeof(saved));
	return rc;
}

static int dp_select_core(struct deparser *d, const struct ast_select *s)
{
	if (s->values) {
		dp_str(d, "VALUES ");
		for (int k = 0; k < s->nvalues; k++) {
			dp_str(d, k ? ", (" : "(");
			if (dp_exprs(d, &s->values[k]) < 0)
				return -1;
			dp_str(d, ")");
		}
		return 0;
	}
	if (s->distinct_on.n)
		return dp_unsupported(d, "DISTINCT ON");
	struct buf srfs;
	buf_init(&srfs);
	if (dp_collect_srfs(d, s, &srfs) < 0) {
		buf_free(&srfs);
		return -1;
	}
	dp_str(d, s->distinct ? "SELECT DISTINCT " : "SELECT ");
	if (dp_targets(d, s->ntargets, s->targets) < 0) {
		buf_free(&srfs);
		return -1;
	}
	if (s->from) {
		dp_str(d, " FROM ");
		if (dp_from(d, s->from) < 0) {
			buf_free(&srfs);
			return -1;
		}
	}
	if (srfs.len) {
		dp_str(d, s->from ? ", " : " FROM ");
		buf_append(d->out, srfs.data, srfs.len);
	}
	buf_free(&srfs);
	if (s->where) {
		dp_str(d, " WHERE ");
		if (dp_expr(d, s->where) < 0)
			return -1;
	}
	if (s->group_by.n) {
		dp_str(d, " GROUP BY ");
		if (dp_exprs(d, &s->group_by) < 0)
			return -1;
	}
	if (s->having) {
		dp_str(d, " HAVING ");
		if (dp_expr(d, s->having) < 0)
			return -1;
	}
	return 0;
}

static int dp_body(struct deparser *d, const struct ast_body *b, int in_compound)
{
	if (b->paren) {
		const struct ast_query *q = b->paren;
		if (!in_compound)
			return dp_query(d, q);
		/* SQLite's compound members cannot carry parentheses, ORDER BY or LIMIT */
		dp_str(d, "SELECT * FROM (");
		if (dp_query(d, q) < 0)
			return -1;
		dp_str(d, ")");
		return 0;
	}
	if (b->op == SETOP_NONE)
		return dp_select(d, b->select);
	if (b->all && b->op != SETOP_UNION)
		return dp_unsupported(d, b->op == SETOP_INTERSECT ? "INTERSECT ALL" : "EXCEPT ALL");
	if (dp_body(d, b->l, 1) < 0)
		return -1;
	dp_str(d, b->op == SETOP_UNION ? (b->all ? " UNION ALL " : " UNION ") : b->op == SETOP_INTERSECT ? " INTERSECT " : " EXCEPT ");
	if (b->r->op != SETOP_NONE && !b->r->paren) {
		/* a right-nested set operation (INTERSECT binds tighter): SQLite evaluates left to right */
		dp_str(d, "SELECT * FROM (");
		if (dp_body(d, b->r, 0) < 0)
			return -1;
		dp_str(d, ")");
		return 0;
	}
	return dp_body(d, b->r, 1);
}

static int dp_with(struct deparser *d, int recursive, int n, const struct ast_cte *c)
{
	if (!n)
		return 0;
	dp_str(d, recursive ? "WITH RECURSIVE " : "WITH ");
	for (int k = 0; k < n; k++) {
		if (k)
			dp_str(d, ", ");
		dp_ident(d, c[k].name.s);
		if (c[k].ncols) {
			dp_str(d, "(");
			for (int j = 0; j < c[k].ncols; j++) {
				if (j)
					dp_str(d, ", ");
				dp_ident(d, c[k].cols[j].s);
			}
			dp_str(d, ")");
		}
		dp_str(d, " AS (");
		if (dp_query(d, c[k].q) < 0)
			return -1;
		dp_str(d, ")");
	}
	dp_str(d, " ");
	return 0;
}

static int dp_limit(struct deparser *d, const struct ast_expr *limit, const struct ast_expr *offset)
{
	if (!limit && !offset)
		return 0;
	dp_str(d, " LIMIT ");
	if (limit) {
		if (dp_expr(d, limit) < 0)
			return -1;
	} else {
		dp_str(d, "-1");
	}
	if (offset) {
		dp_str(d, " OFFSET ");
		if (dp_expr(d, offset) < 0)
			return -1;
	}
	return 0;
}

int dp_query(struct deparser *d, const struct ast_query *q)
{
	if (dp_with(d, q->recursive, q->nctes, q->ctes) < 0)
		return -1;
	int wrap = q->body->paren && (q->norder || q->limit || q->offset);
	if (wrap)
		dp_str(d, "SELECT * FROM (");
	if (dp_body(d, q->body, 0) < 0)
		return -1;
	if (wrap)
		dp_str(d, ")");
	if (q->norder) {
		dp_str(d, " ");
		if (dp_order(d, q->norder, q->order) < 0)
			return -1;
	}
	return dp_limit(d, q->limit, q->offset);
}

/* ---- data modification --------------------------------------------------- */

static void dp_ident_list(struct deparser *d, int n, const struct ast_ident *v)
{
	dp_str(d, "(");
	for (int k = 0; k < n; k++) {
		if (k)
			dp_str(d, ", ");
		dp_ident(d, v[k].s);
	}
	dp_str(d, ")");
}

static int dp_assignments(struct deparser *d, int n, const struct ast_assign *a)
{
	for (int k = 0; k < n; k++) {
		if (k)
			dp_str(d, ", ");
		if (a[k].ncols == 1)
			dp_ident(d, a[k].cols[0].s);
		else
			dp_ident_list(d, a[k].ncols, a[k].cols);
		dp_str(d, " = ");
		if (a[k].e->kind == AST_DEFAULT)
			return dp_unsupported(d, "SET column = DEFAULT");
		if (dp_expr(d, a[k].e) < 0)
			return -1;
	}
	return 0;
}

static int dp_returning(struct deparser *d, int n, const struct ast_target *t)
{
	if (!n)
		return 0;
	dp_str(d, " RETURNING ");
	return dp_targets(d, n, t);
}

/* VALUES rows with DEFAULT: the columns that are DEFAULT in every row are left out. */
static int dp_insert_values(struct deparser *d, const struct ast_insert *ins, const struct ast_select *s)
{
	int width = s->nvalues ? s->values[0].n : 0;
	int dropped = 0;
	unsigned char *skip = NULL;
	unsigned char stack[64];
	for (int r = 0; r < s->nvalues; r++)
		for (int c = 0; c < s->values[r].n; c++)
			if (s->values[r].v[c]->kind == AST_DEFAULT)
				dropped = 1;
	if (dropped) {
		if (!ins->ncols || width > (int)sizeof(stack))
			return dp_unsupported(d, "DEFAULT in VALUES without a column list");
		skip = stack;
		for (int c = 0; c < width; c++) {
			int n = 0;
			for (int r = 0; r < s->nvalues; r++)
				n += s->values[r].n == width && s->values[r].v[c]->kind == AST_DEFAULT;
			if (n && n != s->nvalues)
				return dp_unsupported(d, "DEFAULT in some rows of a multi-row VALUES");
			skip[c] = n > 0;
		}
	}
	int kept = 0;
	for (int c = 0; c < width; c++)
		kept += !(skip && skip[c]);
	if (ins->ncols) {
		if (!kept) {
			dp_str(d, " DEFAULT VALUES");
			return 0;
		}
		dp_str(d, " (");
		for (int c = 0, o = 0; c < ins->ncols; c++) {
			if (skip && c < width && skip[c])
				continue;
			if (o++)
				dp_str(d, ", ");
			dp_ident(d, ins->cols[c].s);
		}
		dp_str(d, ")");
	}
	dp_str(d, " VALUES ");
	for (int r = 0; r < s->nvalues; r++) {
		dp_str(d, r ? ", (" : "(");
		for (int c = 0, o = 0; c < s->values[r].n; c++) {
			if (skip && skip[c])
				continue;
			if (o++)
				dp_str(d, ", ");
			if (dp_expr(d, s->values[r].v[c]) < 0)
				return -1;
		}
		dp_str(d, ")");
	}
	return 0;
}

static int dp_insert(struct deparser *d, const struct ast_insert *ins)
{
	if (dp_with(d, ins->recursive, ins->nctes, ins->ctes) < 0)
		return -1;
	dp_str(d, ins->replace ? "REPLACE INTO " : ins->ignore ? "INSERT OR IGNORE INTO " : "INSERT INTO ");
	dp_table(d, &ins->table);
	if (ins->alias.s) {
		dp_str(d, " AS ");
		dp_ident(d, ins->alias.s);
	}
	const struct ast_query *src = ins->source;
	if (ins->default_values) {
		dp_str(d, " DEFAULT VALUES");
	} else if (src->body->select && src->body->select->values && !src->nctes && !src->norder && !src->limit) {
		if (dp_insert_values(d, ins, src->body->select) < 0)
			return -1;
	} else {
		if (ins->ncols) {
			dp_str(d, " ");
			dp_ident_list(d, ins->ncols, ins->cols);
		}
		dp_str(d, " ");
		if (ins->upsert) /* "INSERT .. SELECT .. ON CONFLICT" needs a WHERE for SQLite's parser */
			dp_str(d, "SELECT * FROM (");
		if (dp_query(d, src) < 0)
			return -1;
		if (ins->upsert)
			dp_str(d, ") WHERE true");
	}
	const struct ast_upsert *u = ins->upsert;
	if (u) {
		if (u->constraint)
			return dp_unsupported(d, "ON CONFLICT ON CONSTRAINT");
		dp_str(d, " ON CONFLICT");
		if (u->ntarget) {
			dp_str(d, " ");
			dp_ident_list(d, u->ntarget, u->target);
			if (u->target_where) {
				dp_str(d, " WHERE ");
				if (dp_expr(d, u->target_where) < 0)
					return -1;
			}
		}
		if (u->do_nothing) {
			dp_str(d, " DO NOTHING");
		} else {
			dp_str(d, " DO UPDATE SET ");
			if (dp_assignments(d, u->nset, u->set) < 0)
				return -1;
			if (u->where) {
				dp_str(d, " WHERE ");
				if (dp_expr(d, u->where) < 0)
					return -1;
			}
		}
	}
	return dp_returning(d, ins->nreturning, ins->returning);
}

/* MySQL UPDATE/DELETE .. ORDER BY .. LIMIT n: the rows chosen by rowid. */
static int dp_rowid_limit(struct deparser *d, const struct ast_name *t, const struct ast_ident *alias,
			  const struct ast_expr *where, int norder, const struct ast_order *order,
			  const struct ast_expr *limit)
{
	dp_str(d, " WHERE rowid IN (SELECT rowid FROM ");
	dp_table(d, t);
	if (alias->s) { /* the subquery's own alias, so `x.col` in WHERE and ORDER BY means its row */
		dp_str(d, " AS ");
		dp_ident(d, alias->s);
	}
	if (where) {
		dp_str(d, " WHERE ");
		if (dp_expr(d, where) < 0)
			return -1;
	}
	if (norder) {
		dp_str(d, " ");
		if (dp_order(d, norder, order) < 0)
			return -1;
	}
	if (dp_limit(d, limit, NULL) < 0)
		return -1;
	dp_str(d, ")");
	return 0;
}

static int dp_update(struct deparser *d, const struct ast_update *u)
{
	if (dp_with(d, u->recursive, u->nctes, u->ctes) < 0)
		return -1;
	dp_str(d, "UPDATE ");
	dp_table(d, &u->table);
	if (u->alias.s) {
		dp_str(d, " AS ");
		dp_ident(d, u->alias.s);
	}
	dp_str(d, " SET ");
	if (dp_assignments(d, u->nset, u->set) < 0)
		return -1;
	if (u->from) {
		dp_str(d, " FROM ");
		if (dp_from(d, u->from) < 0)
			return -1;
	}
	if (u->limit || u->norder) {
		if (dp_rowid_limit(d, &u->table, &u->alias, u->where, u->norder, u->order, u->limit) < 0)
			return -1;
	} else if (u->where) {
		dp_str(d, " WHERE ");
		if (dp_expr(d, u->where) < 0)
			return -1;
	}
	return dp_returning(d, u->nreturning, u->returning);
}

static int dp_delete(struct deparser *d, const struct ast_delete *x)
{
	if (dp_with(d, x->recursive, x->nctes, x->ctes) < 0)
		return -1;
	dp_str(d, "DELETE FROM ");
	dp_table(d, &x->table);
	if (x->using_) {
		/* DELETE FROM t [AS a] USING u WHERE c: the rows of t that join */
		dp_str(d, " WHERE rowid IN (SELECT ");
		dp_ident(d, x->alias.s ? x->alias.s : x->table.parts[x->table.n - 1].s);
		dp_str(d, ".rowid FROM ");
		dp_table(d, &x->table);
		if (x->alias.s) {
			dp_str(d, " AS ");
			dp_ident(d, x->alias.s);
		}
		dp_str(d, ", ");
		if (dp_from(d, x->using_) < 0)
			return -1;
		if (x->where) {
			dp_str(d, " WHERE ");
			if (dp_expr(d, x->where) < 0)
				return -1;
		}
		dp_str(d, ")");
	} else {
		if (x->alias.s) {
			dp_str(d, " AS ");
			dp_ident(d, x->alias.s);
		}
		if (x->limit || x->norder) {
			if (dp_rowid_limit(d, &x->table, &x->alias, x->where, x->norder, x->order, x->limit) < 0)
				return -1;
		} else if (x->where) {
			dp_str(d, " WHERE ");
			if (dp_expr(d, x->where) < 0)
				return -1;
		}
	}
	return dp_returning(d, x->nreturning, x->returning);
}

/* ---- definitions --------------------------------------------------------- */

static int dp_constraint_tail(struct deparser *d, const struct ast_constraint *c)
{
	if (c->kind == CONS_CHECK) {
		dp_str(d, "CHECK (");
		if (dp_expr(d, c->check) < 0)
			return -1;
		dp_str(d, ")");
		return 0;
	}
	if (c->kind == CONS_FOREIGN) {
		dp_str(d, "REFERENCES ");
		dp_table(d, &c->ref_table);
		if (c->nref_cols) {
			dp_str(d, " ");
			dp_ident_list(d, c->nref_cols, c->ref_cols);
		}
		if (c->on_delete) {
			dp_str(d, " ON DELETE ");
			dp_str(d, c->on_delete);
		}
		if (c->on_update) {
			dp_str(d, " ON UPDATE ");
			dp_str(d, c->on_update);
		}
	}
	return 0;
}

/* The single-column table PRIMARY KEY naming `col`, if any. */
static int dp_table_pk_is(const struct ast_create_table *t, const char *col)
{
	for (int k = 0; k < t->ncons; k++)
		if (t->cons[k].kind == CONS_PRIMARY && t->cons[k].ncols == 1 && !strcmp(t->cons[k].cols[0].s, col))
			return 1;
	return 0;
}

static int dp_column_def(struct deparser *d, const struct ast_column_def *c, int is_pk)
{
	dp_ident(d, c->name.s);
	if (c->type.type == RT_UNKNOWN)
		return rerr_set(d->err, ERR_UNDEFINED_OBJECT, "type \"%s\" does not exist", c->type.name ? c->type.name : "?");
	if (c->identity != IDENT_NONE) {
		if (!is_pk)
			return dp_unsupported(d, "an identity (SERIAL, AUTO_INCREMENT) column that is not the primary key");
		/* the rowid alias: SQLite insists on the exact name INTEGER */
		dp_str(d, " INTEGER PRIMARY KEY AUTOINCREMENT");
	} else {
		dp_str(d, " ");
		sql_deparse_type_name(&c->type, d->out);
		if (c->type.array) /* read back by engine/types.c as an array of the type */
			dp_str(d, " array");
		if (c->primary_key)
			dp_str(d, " PRIMARY KEY");
	}
	if (c->not_null)
		dp_str(d, " NOT NULL");
	if (c->collation) { /* MySQL *_ci collations compare case-insensitively */
		size_t n = strlen(c->collation);
		dp_str(d, n > 3 && !strcmp(c->collation + n - 3, "_ci") ? " COLLATE NOCASE" : " COLLATE BINARY");
	}
	if (c->unique)
		dp_str(d, " UNIQUE");
	if (c->default_) {
		dp_str(d, " DEFAULT (");
		if (dp_expr(d, c->default_) < 0)
			return -1;
		dp_str(d, ")");
	}
	for (int k = 0; k < c->ncons; k++) {
		dp_str(d, " ");
		if (dp_constraint_tail(d, &c->cons[k]) < 0)
			return -1;
	}
	return 0;
}

static int dp_create_table(struct deparser *d, const struct ast_create_table *t)
{
	dp_str(d, t->temporary ? "CREATE TEMP TABLE " : "CREATE TABLE ");
	if (t->if_not_exists)
		dp_str(d, "IF NOT EXISTS ");
	dp_table(d, &t->name);
	if (t->as) {
		dp_str(d, " AS ");
		return dp_query(d, t->as);
	}
	dp_str(d, " (");
	const char *identity_pk = NULL;
	for (int k = 0; k < t->ncols; k++) {
		const struct ast_column_def *c = &t->cols[k];
		int is_pk = c->primary_key || dp_table_pk_is(t, c->name.s);
		if (k)
			dp_str(d, ", ");
		if (dp_column_def(d, c, is_pk) < 0)
			return -1;
		if (c->identity != IDENT_NONE)
			identity_pk = c->name.s;
	}
	for (int k = 0; k < t->ncons; k++) {
		const struct ast_constraint *c = &t->cons[k];
		if (c->kind == CONS_PRIMARY && identity_pk && c->ncols == 1 && !strcmp(c->cols[0].s, identity_pk))
			continue; /* already the column's INTEGER PRIMARY KEY */
		dp_str(d, ", ");
		if (c->name) {
			dp_str(d, "CONSTRAINT ");
			dp_ident(d, c->name);
			dp_str(d, " ");
		}
		switch (c->kind) {
		case CONS_PRIMARY: dp_str(d, "PRIMARY KEY "); dp_ident_list(d, c->ncols, c->cols); break;
		case CONS_UNIQUE: dp_str(d, "UNIQUE "); dp_ident_list(d, c->ncols, c->cols); break;
		case CONS_FOREIGN:
			dp_str(d, "FOREIGN KEY ");
			dp_ident_list(d, c->ncols, c->cols);
			dp_str(d, " ");
			/* fall through */
		default:
			if (dp_constraint_tail(d, c) < 0)
				return -1;
		}
	}
	dp_str(d, ")");
	return 0;
}

static int dp_create_index(struct deparser *d, const struct ast_create_index *x)
{
	dp_str(d, x->unique ? "CREATE UNIQUE INDEX " : "CREATE INDEX ");
	if (x->if_not_exists)
		dp_str(d, "IF NOT EXISTS ");
	if (x->name.s) {
		dp_ident(d, x->name.s);
	} else { /* PostgreSQL's default name: table_col_idx */
		struct buf name;
		buf_init(&name);
		buf_printf(&name, "%s", x->table.parts[x->table.n - 1].s);
		for (int k = 0; k < x->ncols; k++)
			if (x->cols[k].e->kind == AST_COLUMN)
				buf_printf(&name, "_%s", x->cols[k].e->u.column.parts[x->cols[k].e->u.column.n - 1].s);
		buf_printf(&name, "_idx");
		buf_put_u8(&name, 0);
		dp_ident(d, (const char *)name.data);
		buf_free(&name);
	}
	dp_str(d, " ON ");
	dp_table(d, &x->table);
	dp_str(d, " (");
	for (int k = 0; k < x->ncols; k++) {
		if (k)
			dp_str(d, ", ");
		if (dp_expr(d, x->cols[k].e) < 0)
			return -1;
		if (x->cols[k].desc)
			dp_str(d, " DESC");
	}
	dp_str(d, ")");
	if (x->where) {
		dp_str(d, " WHERE ");
		if (dp_expr(d, x->where) < 0)
			return -1;
	}
	return 0;
}

static int dp_create_view(struct deparser *d, const struct ast_create_view *v)
{
	if (v->or_replace) {
		dp_str(d, "DROP VIEW IF EXISTS ");
		dp_table(d, &v->name);
		dp_str(d, "; ");
	}
	dp_str(d, v->temporary ? "CREATE TEMP VIEW " : "CREATE VIEW ");
	if (v->if_not_exists)
		dp_str(d, "IF NOT EXISTS ");
	dp_table(d, &v->name);
	if (v->ncols) {
		dp_str(d, " ");
		dp_ident_list(d, v->ncols, v->cols);
	}
	dp_str(d, " AS ");
	return dp_query(d, v->q);
}

/*
 * ALTER TABLE t ADD PRIMARY KEY / UNIQUE (cols): SQLite cannot add a
 * constraint to a table, so a unique index named as PostgreSQL names the
 * constraint enforces it (duplicates fail with 23505).  NOT NULL is not
 * added to the primary key's columns; FOREIGN KEY and CHECK stay 0A000.
 */
static int dp_alter_add_key(struct deparser *d, const struct ast_alter_table *a)
{
	const struct ast_constraint *c = a->cons;
	if (!c || (c->kind != CONS_PRIMARY && c->kind != CONS_UNIQUE) || c->ncols < 1)
		return dp_unsupported(d, "ALTER TABLE ADD CONSTRAINT other than PRIMARY KEY or UNIQUE");
	struct buf name;
	buf_init(&name);
	if (c->name)
		buf_printf(&name, "%s", c->name);
	else if (c->kind == CONS_PRIMARY)
		buf_printf(&name, "%s_pkey", a->table.parts[a->table.n - 1].s);
	else
		buf_printf(&name, "%s_%s_key", a->table.parts[a->table.n - 1].s, c->cols[0].s);
	buf_put_u8(&name, 0);
	dp_str(d, "CREATE UNIQUE INDEX ");
	dp_ident(d, (const char *)name.data);
	buf_free(&name);
	dp_str(d, " ON ");
	dp_table(d, &a->table);
	dp_str(d, " ");
	dp_ident_list(d, c->ncols, c->cols);
	return 0;
}

static int dp_alter(struct deparser *d, const struct ast_alter_table *a)
{
	if (a->if_exists || a->col_if_exists || a->col_if_not_exists)
		return dp_unsupported(d, "IF [NOT] EXISTS in ALTER TABLE");
	if (a->what == ALTER_ADD_CONSTRAINT)
		return dp_alter_add_key(d, a);
	dp_str(d, "ALTER TABLE ");
	dp_table(d, &a->table);
	switch (a->what) {
	case ALTER_ADD_COLUMN:
		dp_str(d, " ADD COLUMN ");
		return dp_column_def(d, a->col, a->col->primary_key);
	case ALTER_DROP_COLUMN:
		dp_str(d, " DROP COLUMN ");
		dp_ident(d, a->name.s);
		return 0;
	case ALTER_RENAME_COLUMN:
		dp_str(d, " RENAME COLUMN ");
		dp_ident(d, a->name.s);
		dp_str(d, " TO ");
		dp_ident(d, a->new_name.s);
		return 0;
	case ALTER_RENAME_TABLE:
		dp_str(d, " RENAME TO ");
		dp_ident(d, a->new_name.s);
		return 0;
	case ALTER_ADD_CONSTRAINT:
		break;
	}
	return dp_unsupported(d, "ALTER TABLE ADD CONSTRAINT");
}

static int dp_drop(struct deparser *d, const struct ast_objects *o, int truncate)
{
	static const char *const what[] = {[OBJ_TABLE] = "TABLE", [OBJ_INDEX] = "INDEX", [OBJ_VIEW] = "VIEW"};
	if (!truncate && o->what != OBJ_TABLE && o->what != OBJ_INDEX && o->what != OBJ_VIEW)
		return dp_unsupported(d, "deparsing DROP SCHEMA/DATABASE/SEQUENCE/EXTENSION (the engine executes it)");
	for (int k = 0; k < o->n; k++) {
		if (k)
			dp_str(d, "; ");
		if (truncate) {
			dp_str(d, "DELETE FROM ");
		} else {
			dp_str(d, "DROP ");
			dp_str(d, what[o->what]);
			dp_str(d, o->if_exists ? " IF EXISTS " : " ");
		}
		dp_table(d, &o->names[k]);
	}
	return 0;
}

int sql_deparse_sqlite(const struct ast_stmt *s, struct buf *out, struct rerr *err)
{
	struct deparser d = {.out = out, .r = sql_rules(s->dialect), .s = s, .err = err};
	rerr_clear(err);
	switch (s->kind) {
	case AST_SELECT: return dp_query(&d, s->u.query);
	case AST_INSERT: return dp_insert(&d, s->u.insert);
	case AST_UPDATE: return dp_update(&d, s->u.update);
	case AST_DELETE: return dp_delete(&d, s->u.del);
	case AST_CREATE_TABLE: return dp_create_table(&d, s->u.create_table);
	case AST_ALTER_TABLE: return dp_alter(&d, s->u.alter);
	case AST_CREATE_INDEX: return dp_create_index(&d, s->u.create_index);
	case AST_CREATE_VIEW: return dp_create_view(&d, s->u.create_view);
	case AST_DROP: return dp_drop(&d, s->u.objects, 0);
	case AST_TRUNCATE: return dp_drop(&d, s->u.objects, 1);
	case AST_EXPLAIN: {
		dp_str(&d, "EXPLAIN QUERY PLAN ");
		return sql_deparse_sqlite(s->u.explain->stmt, out, err);
	}
	default:
		return rerr_set(err, ERR_FEATURE_NOT_SUPPORTED, "%s is executed by the engine, not by the store",
				ast_stmt_tag(s));
	}
}
