/*
 * deparse_expr.c — expressions to SQLite SQL.
 *
 * Every compound expression is parenthesised, so SQLite's precedence never
 * matters.  The translations that carry each ecosystem's semantics:
 *
 *   a / b        PG-like: rosetta_div(a, b) (integer division for integers,
 *                22012 on zero); MySQL-like: rosetta_mysql_div (decimal
 *                division, NULL on zero)
 *   a % b        rosetta_mod (22012 on zero) / SQLite % (NULL on zero)
 *   a DIV b      rosetta_intdiv;  a ^ b (PG) pow() (SQLite math functions)
 *   a REGEXP b   rosetta_regexp(a, b, icase) (POSIX extended; icase where LIKE is)
 *   a LIKE b     case-sensitive dialects: rosetta_like(a, b, esc);
 *                case-insensitive dialects and ILIKE: a LIKE b ESCAPE '\'
 *                (SQLite's LIKE folds ASCII only)
 *   a <=> b      MySQL: a IS b;  pgvector <-> <#> <=>: l2_distance,
 *                negative_inner_product, cosine_distance (engine/vector_sqlite.c);
 *                x::vector(n): vector_in(x, n)
 *   TRUE FALSE   1 0
 *   CAST         to SQLite affinities (INTEGER, REAL, NUMERIC, TEXT, BLOB),
 *                boolean through rosetta_bool; typed literals (DATE '..')
 *                stay strings
 *   EXTRACT      strftime()
 *   ts +/- INTERVAL '1 day'   datetime(ts, '+1 days'); MySQL DATE_ADD/DATE_SUB too
 *   functions    the dialect's rewrite table (sql/dialect/<d>.c)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <sqlite3.h>

#include "sql/deparse_int.h"

int dp_unsupported(struct deparser *d, const char *what)
{
	return rerr_set(d->err, ERR_FEATURE_NOT_SUPPORTED, "%s is not supported", what);
}

void dp_str(struct deparser *d, const char *s) { buf_append(d->out, s, strlen(s)); }

void dp_ident(struct deparser *d, const char *s)
{
	int simple = (s[0] >= 'a' && s[0] <= 'z') || s[0] == '_';
	for (const char *c = s; *c && simple; c++)
		simple = (*c >= 'a' && *c <= 'z') || (*c >= '0' && *c <= '9') || *c == '_';
	if (simple && !sqlite3_keyword_check(s, (int)strlen(s))) {
		dp_str(d, s);
		return;
	}
	buf_put_u8(d->out, '"');
	for (const char *c = s; *c; c++) {
		if (*c == '"')
			buf_put_u8(d->out, '"');
		buf_put_u8(d->out, (uint8_t)*c);
	}
	buf_put_u8(d->out, '"');
}

/*
 * A relation name: the store has one schema per database, so the qualifier is
 * dropped, except information_schema, whose relations are the store's
 * information_schema_<name> catalogs (engine/catalog_pg.c) so that they never
 * collide with a user table of the same name; pg_catalog's are the bare names.
 */
void dp_table(struct deparser *d, const struct ast_name *n)
{
	const char *rel = n->parts[n->n - 1].s;
	if (n->n >= 2 && !strcasecmp(n->parts[n->n - 2].s, "information_schema")) {
		char name[160];
		snprintf(name, sizeof(name), "information_schema_%s", rel);
		dp_ident(d, name);
		return;
	}
	dp_ident(d, rel);
}

void dp_string_lit(struct deparser *d, const char *s, size_t n)
{
	buf_put_u8(d->out, '\'');
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '\'')
			buf_put_u8(d->out, '\'');
		buf_put_u8(d->out, (uint8_t)s[i]);
	}
	buf_put_u8(d->out, '\'');
}

int dp_exprs(struct deparser *d, const struct ast_expr_list *l)
{
	for (int k = 0; k < l->n; k++) {
		if (k)
			dp_str(d, ", ");
		if (dp_expr(d, l->v[k]) < 0)
			return -1;
	}
	return 0;
}

static int dp_call(struct deparser *d, const char *fn, const struct ast_expr *a, const struct ast_expr *b)
{
	dp_str(d, fn);
	dp_str(d, "(");
	if (dp_expr(d, a) < 0)
		return -1;
	if (b) {
		dp_str(d, ", ");
		if (dp_expr(d, b) < 0)
			return -1;
	}
	dp_str(d, ")");
	return 0;
}

static int dp_infix(struct deparser *d, const char *op, const struct ast_expr *l, const struct ast_expr *r)
{
	dp_str(d, "(");
	if (dp_expr(d, l) < 0)
		return -1;
	dp_str(d, op);
	if (dp_expr(d, r) < 0)
		return -1;
	dp_str(d, ")");
	return 0;
}

static int dp_is_interval(const struct ast_expr *e)
{
	return e->kind == AST_CAST && e->u.cast.typed_literal && e->u.cast.type.type == RT_INTERVAL &&
	       e->u.cast.arg->kind == AST_LIT && e->u.cast.arg->u.lit.kind == LIT_STRING;
}

/* ts +/- INTERVAL '1 day 2 hours': datetime(ts, '+1 days', '+2 hours'). */
static int dp_interval_arith(struct deparser *d, const struct ast_expr *ts, const struct ast_expr *iv, int negate)
{
	static const struct { const char *unit, *mod; int mult; } units[] = {
		{"year", "years", 1}, {"years", "years", 1}, {"y", "years", 1},
		{"month", "months", 1}, {"months", "months", 1}, {"mon", "months", 1}, {"mons", "months", 1},
		{"week", "days", 7}, {"weeks", "days", 7},
		{"day", "days", 1}, {"days", "days", 1}, {"d", "days", 1},
		{"hour", "hours", 1}, {"hours", "hours", 1}, {"h", "hours", 1},
		{"minute", "minutes", 1}, {"minutes", "minutes", 1}, {"min", "minutes", 1}, {"mins", "minutes", 1},
		{"second", "seconds", 1}, {"seconds", "seconds", 1}, {"sec", "seconds", 1}, {"secs", "seconds", 1},
		{"s", "seconds", 1},
	};
	const char *s = iv->u.cast.arg->u.lit.text;
	dp_str(d, "datetime(");
	if (dp_expr(d, ts) < 0)
		return -1;
	while (*s) {
		while (*s == ' ')
			s++;
		if (!*s)
			break;
		char *end;
		double v = strtod(s, &end);
		if (end == s)
			return rerr_set(d->err, ERR_FEATURE_NOT_SUPPORTED, "interval \"%s\" is not supported",
					iv->u.cast.arg->u.lit.text);
		s = end;
		while (*s == ' ')
			s++;
		size_t n = 0;
		while (s[n] && s[n] != ' ')
			n++;
		size_t k;
		for (k = 0; k < sizeof(units) / sizeof(units[0]); k++)
			if (strlen(units[k].unit) == n && !strncasecmp(s, units[k].unit, n))
				break;
		if (k == sizeof(units) / sizeof(units[0]))
			return rerr_set(d->err, ERR_FEATURE_NOT_SUPPORTED, "interval \"%s\" is not supported",
					iv->u.cast.arg->u.lit.text);
		s += n;
		buf_printf(d->out, ", '%+.17g %s'", (negate ? -v : v) * units[k].mult, units[k].mod);
	}
	dp_str(d, ")");
	return 0;
}

static int dp_binary(struct deparser *d, const struct ast_expr *e)
{
	const struct ast_expr *l = e->u.binary.l, *r = e->u.binary.r;
	if ((e->u.binary.op == AST_OP_ADD || e->u.binary.op == AST_OP_SUB) && dp_is_interval(r) && !dp_is_interval(l))
		return dp_interval_arith(d, l, r, e->u.binary.op == AST_OP_SUB);
	if (e->u.binary.op == AST_OP_ADD && dp_is_interval(l) && !dp_is_interval(r))
		return dp_interval_arith(d, r, l, 0);
	switch (e->u.binary.op) {
	case AST_OP_ADD: return dp_infix(d, " + ", l, r);
	case AST_OP_SUB: return dp_infix(d, " - ", l, r);
	case AST_OP_MUL: return dp_infix(d, " * ", l, r);
	case AST_OP_DIV: return dp_call(d, d->r->div == DIV_DECIMAL_NULL ? "rosetta_mysql_div" : "rosetta_div", l, r);
	case AST_OP_MOD: return d->r->div == DIV_DECIMAL_NULL ? dp_infix(d, " % ", l, r) : dp_call(d, "rosetta_mod", l, r);
	case AST_OP_INTDIV: return dp_call(d, "rosetta_intdiv", l, r);
	case AST_OP_POW: return dp_call(d, "pow", l, r);
	case AST_OP_EQ: return dp_infix(d, " = ", l, r);
	case AST_OP_NE: return dp_infix(d, " <> ", l, r);
	case AST_OP_LT: return dp_infix(d, " < ", l, r);
	case AST_OP_LE: return dp_infix(d, " <= ", l, r);
	case AST_OP_GT: return dp_infix(d, " > ", l, r);
	case AST_OP_GE: return dp_infix(d, " >= ", l, r);
	case AST_OP_NULLSAFE_EQ: return dp_infix(d, " IS ", l, r);
	case AST_OP_AND: return dp_infix(d, " AND ", l, r);
	case AST_OP_OR: return dp_infix(d, " OR ", l, r);
	case AST_OP_XOR:
		dp_str(d, "((");
		if (dp_expr(d, l) < 0)
			return -1;
		dp_str(d, " <> 0) <> (");
		if (dp_expr(d, r) < 0)
			return -1;
		dp_str(d, " <> 0))");
		return 0;
	case AST_OP_CONCAT: return dp_infix(d, " || ", l, r);
	case AST_OP_BITAND: return dp_infix(d, " & ", l, r);
	case AST_OP_BITOR: return dp_infix(d, " | ", l, r);
	case AST_OP_BITXOR: return dp_call(d, "rosetta_bitxor", l, r);
	case AST_OP_SHL: return dp_infix(d, " << ", l, r);
	case AST_OP_SHR: return dp_infix(d, " >> ", l, r);
	case AST_OP_JSON_GET: return dp_infix(d, " -> ", l, r);
	case AST_OP_JSON_GET_TEXT: return dp_infix(d, " ->> ", l, r);
	default: return dp_unsupported(d, "this operator");
	}
}

/* The SQLite affinity a canonical type casts to, or NULL for "leave the value alone". */
static const char *dp_affinity(enum rtype t)
{
	switch (t) {
	case RT_INT2: case RT_INT4: case RT_INT8: case RT_OID: return "INTEGER";
	case RT_FLOAT4: case RT_FLOAT8: return "REAL";
	case RT_NUMERIC: return "NUMERIC";
	case RT_BYTEA: return "BLOB";
	case RT_TEXT: case RT_VARCHAR: case RT_CHAR: case RT_DATE: case RT_TIME: case RT_TIMESTAMP:
	case RT_TIMESTAMPTZ: case RT_INTERVAL: case RT_JSON: case RT_UUID: case RT_CHAR1: return "TEXT";
	default: return NULL;
	}
}

/*
 * PostgreSQL's OID alias types, as psql and drivers cast with them:
 * 'name'::regclass is the relation's OID (to_regclass), oid::regclass its
 * name (a function in engine/catalog_pg.c: a subquery here would capture an
 * unqualified `oid`); likewise regtype, regnamespace, regrole.  `name` is text.
 * Returns 1 when `tname` is none of them (the caller goes on), 0 when written.
 */
static int dp_cast_oid_alias(struct deparser *d, const struct ast_expr *e, const char *tname)
{
	const char *dot = strrchr(tname, '.');
	const char *n = dot ? dot + 1 : tname;
	const struct ast_expr *arg = e->u.cast.arg;
	int from_text = arg && arg->kind == AST_LIT && arg->u.lit.kind == LIT_STRING;
	static const struct {
		const char *type, *by_name, *name_sql;
	} aliases[] = {
		{"regclass", "to_regclass", "rosetta_pg_relname(%s)"},
		{"regtype", "to_regtype", "format_type(%s, NULL)"},
		{"regnamespace", NULL, "rosetta_pg_nspname(%s)"},
		{"regrole", NULL, "rosetta_pg_rolname(%s)"},
		{"regproc", NULL, "rosetta_pg_proname(%s)"},
	};
	if (!strcmp(n, "name")) {
		dp_str(d, "CAST(");
		if (dp_expr(d, arg) < 0)
			return -1;
		dp_str(d, " AS TEXT)");
		return 0;
	}
	for (size_t i = 0; i < sizeof(aliases) / sizeof(aliases[0]); i++) {
		if (strcmp(n, aliases[i].type))
			continue;
		if (from_text && aliases[i].by_name)
			return dp_call(d, aliases[i].by_name, arg, NULL) < 0 ? -1 : 0;
		struct buf inner;
		buf_init(&inner);
		struct buf *saved = d->out;
		d->out = &inner;
		int rc = dp_expr(d, arg);
		d->out = saved;
		buf_put_u8(&inner, 0);
		if (rc == 0)
			buf_printf(d->out, aliases[i].name_sql, (const char *)inner.data);
		buf_free(&inner);
		return rc < 0 ? -1 : 0;
	}
	return 1;
}

static int dp_cast(struct deparser *d, const struct ast_expr *e)
{
	const struct ast_type *t = &e->u.cast.type;
	if (e->u.cast.typed_literal)
		return dp_expr(d, e->u.cast.arg); /* the string; its type is in the AST */
	if (t->array) { /* arrays are held in their text form (engine/sqlite_array.c) */
		dp_str(d, "(");
		if (dp_expr(d, e->u.cast.arg) < 0)
			return -1;
		dp_str(d, ")");
		return 0;
	}
	if (t->type == RT_UNKNOWN && t->name && dp_cast_oid_alias(d, e, t->name) != 1)
		return d->err->code == ERR_SUCCESSFUL_COMPLETION ? 0 : -1;
	if (t->type == RT_UNKNOWN)
		return rerr_set(d->err, ERR_UNDEFINED_OBJECT, "type \"%s\" does not exist", t->name ? t->name : "?");
	if (t->type == RT_BOOL)
		return dp_call(d, "rosetta_bool", e->u.cast.arg, NULL);
	if (t->type == RT_VECTOR) { /* text or blob to the stored form, checking the dimension */
		dp_str(d, "vector_in(");
		if (dp_expr(d, e->u.cast.arg) < 0)
			return -1;
		if (t->typmod > 0)
			buf_printf(d->out, ", %d", (int)t->typmod);
		dp_str(d, ")");
		return 0;
	}
	dp_str(d, "CAST(");
	if (dp_expr(d, e->u.cast.arg) < 0)
		return -1;
	dp_str(d, " AS ");
	dp_str(d, dp_affinity(t->type));
	dp_str(d, ")");
	return 0;
}

static int dp_window(struct deparser *d, const struct ast_window *w)
{
	dp_str(d, " OVER ");
	if (w->ref) {
		dp_ident(d, w->ref);
		return 0;
	}
	dp_str(d, "(");
	const char *sep = "";
	if (w->partition.n) {
		dp_str(d, "PARTITION BY ");
		if (dp_exprs(d, &w->partition) < 0)
			return -1;
		sep = " ";
	}
	if (w->norder) {
		dp_str(d, sep);
		if (dp_order(d, w->norder, w->order) < 0)
			return -1;
		sep = " ";
	}
	if (w->frame) {
		dp_str(d, sep);
		dp_str(d, w->frame);
	}
	dp_str(d, ")");
	return 0;
}

static int dp_args_joined(struct deparser *d, const struct ast_expr_list *args, const char *pre, const char *post,
			  const char *sep)
{
	dp_str(d, "(");
	for (int k = 0; k < args->n; k++) {
		if (k)
			dp_str(d, sep);
		dp_str(d, pre);
		if (dp_expr(d, args->v[k]) < 0)
			return -1;
		dp_str(d, post);
	}
	dp_str(d, ")");
	return 0;
}

static int dp_func(struct deparser *d, const struct ast_expr *e)
{
	const char *name = e->u.func.name.parts[e->u.func.name.n - 1].s;
	char lower[64];
	snprintf(lower, sizeof(lower), "%s", name);
	for (char *c = lower; *c; c++)
		if (*c >= 'A' && *c <= 'Z')
			*c = (char)(*c - 'A' + 'a');
	const struct sql_func_map *m = sql_rules_func(d->r, lower, strlen(lower));
	if (m && !e->u.func.over) {
		switch (m->how) {
		case FN_CONCAT_STRICT:
			if (!e->u.func.args.n)
				return dp_unsupported(d, "concat() without arguments");
			return dp_args_joined(d, &e->u.func.args, "(", ")", " || ");
		case FN_CONCAT_SKIP_NULLS:
			if (!e->u.func.args.n)
				return dp_unsupported(d, "concat() without arguments");
			return dp_args_joined(d, &e->u.func.args, "coalesce(", ", '')", " || ");
		case FN_NOW:
			dp_str(d, "CURRENT_TIMESTAMP");
			return 0;
		case FN_GREATEST:
		case FN_LEAST:
			dp_str(d, m->how == FN_GREATEST ? "rosetta_greatest" : "rosetta_least");
			return dp_args_joined(d, &e->u.func.args, "", "", ", ");
		case FN_DATE_ADD:
		case FN_DATE_SUB:
			if (e->u.func.args.n == 2 && dp_is_interval(e->u.func.args.v[1]))
				return dp_interval_arith(d, e->u.func.args.v[0], e->u.func.args.v[1], m->how == FN_DATE_SUB);
			return dp_unsupported(d, "DATE_ADD/DATE_SUB without an INTERVAL");
		case FN_RENAME:
			snprintf(lower, sizeof(lower), "%s", m->to);
			break;
		}
	}
	for (int k = 0; k < d->nsrf; k++)
		if (d->srf[k].e == e) {
			buf_printf(d->out, d->srf[k].subscripts ? "(rosetta_srf%d.key + 1)" : "rosetta_srf%d.value", d->srf[k].alias);
			return 0;
		}
	if (!strcmp(lower, "rosetta_field") && e->u.func.args.n == 2) {
		/* (x).field: of information_schema._pg_expandarray's (x, n) rows, x is the element and n its position;
		 * any other composite is held as its x */
		const struct ast_expr *rec = e->u.func.args.v[0];
		const char *field = e->u.func.args.v[1]->u.lit.text;
		int found = -1;
		for (int k = 0; k < d->nsrf && found < 0; k++)
			if (d->srf[k].e == rec)
				found = k;
		if (found < 0 && rec->kind == AST_FUNC && rec->u.func.args.n == 1 &&
		    !strcasecmp(rec->u.func.name.parts[rec->u.func.name.n - 1].s, "_pg_expandarray")) {
			/* the same call written again elsewhere in the SELECT (pgjdbc's getIndexInfo) */
			struct buf a;
			buf_init(&a);
			struct buf *saved = d->out;
			d->out = &a;
			int rc = dp_expr(d, rec->u.func.args.v[0]);
			d->out = saved;
			for (int k = 0; k < d->nsrf && found < 0 && rc == 0; k++)
				if (d->srf[k].arg && strlen(d->srf[k].arg) == a.len && !memcmp(d->srf[k].arg, a.data, a.len))
					found = k;
			buf_free(&a);
			if (rc < 0)
				return -1;
		}
		if (found >= 0 && (!strcmp(field, "n") || !strcmp(field, "x"))) {
			buf_printf(d->out, !strcmp(field, "n") ? "(rosetta_srf%d.key + 1)" : "rosetta_srf%d.value",
				   d->srf[found].alias);
			return 0;
		}
		if (strcmp(field, "x"))
			return dp_unsupported(d, "this composite field");
		return dp_expr(d, rec);
	}
	if (!strcmp(lower, "rosetta_array_sub") && e->u.func.args.n == 1 && e->u.func.args.v[0]->kind == AST_SUBQUERY) {
		dp_str(d, "(SELECT rosetta_array_agg(rosetta_elem) FROM (");
		if (dp_query(d, e->u.func.args.v[0]->u.exists.sub) < 0)
			return -1;
		dp_str(d, "))");
		return 0;
	}
	if (!strcmp(lower, "array_agg") && e->u.func.norder == 1 && e->u.func.args.n == 1 && !e->u.func.distinct &&
	    !e->u.func.over) { /* array_agg(x ORDER BY k): the aggregate sorts (SQLite 3.40 has no ordered aggregates) */
		dp_str(d, "rosetta_array_agg(");
		if (dp_expr(d, e->u.func.args.v[0]) < 0)
			return -1;
		dp_str(d, ", ");
		if (dp_expr(d, e->u.func.order[0].e) < 0)
			return -1;
		dp_str(d, e->u.func.order[0].desc ? ", 1)" : ", 0)");
		return 0;
	}
	if (e->u.func.norder)
		return dp_unsupported(d, "ORDER BY inside an aggregate");
	dp_ident(d, lower);
	dp_str(d, "(");
	if (e->u.func.star)
		dp_str(d, "*");
	if (e->u.func.distinct)
		dp_str(d, "DISTINCT ");
	if (dp_exprs(d, &e->u.func.args) < 0)
		return -1;
	dp_str(d, ")");
	if (e->u.func.filter) {
		dp_str(d, " FILTER (WHERE ");
		if (dp_expr(d, e->u.func.filter) < 0)
			return -1;
		dp_str(d, ")");
	}
	if (e->u.func.over && dp_window(d, e->u.func.over) < 0)
		return -1;
	return 0;
}

static int dp_like(struct deparser *d, const struct ast_expr *e)
{
	const struct ast_expr *esc = e->u.like.escape;
	if (e->u.like.op == LIKE_REGEXP || e->u.like.op == LIKE_REGEXP_CI) { /* POSIX extended (engine/catalog_pg.c) */
		dp_str(d, e->u.like.not_ ? "(NOT rosetta_regexp(" : "rosetta_regexp(");
		if (dp_expr(d, e->u.like.arg) < 0)
			return -1;
		dp_str(d, ", ");
		if (dp_expr(d, e->u.like.pattern) < 0)
			return -1;
		dp_str(d, e->u.like.op == LIKE_REGEXP_CI || d->r->like_ci ? ", 1)" : ", 0)");
		if (e->u.like.not_)
			dp_str(d, ")");
		return 0;
	}
	if (e->u.like.op == LIKE_LIKE && !d->r->like_ci) {
		dp_str(d, e->u.like.not_ ? "(NOT rosetta_like(" : "rosetta_like(");
		if (dp_expr(d, e->u.like.arg) < 0)
			return -1;
		dp_str(d, ", ");
		if (dp_expr(d, e->u.like.pattern) < 0)
			return -1;
		dp_str(d, ", ");
		if (esc) {
			if (dp_expr(d, esc) < 0)
				return -1;
		} else {
			dp_str(d, "'\\'");
		}
		dp_str(d, e->u.like.not_ ? "))" : ")");
		return 0;
	}
	dp_str(d, "(");
	if (dp_expr(d, e->u.like.arg) < 0)
		return -1;
	dp_str(d, e->u.like.not_ ? " NOT LIKE " : " LIKE ");
	if (dp_expr(d, e->u.like.pattern) < 0)
		return -1;
	dp_str(d, " ESCAPE ");
	if (esc) {
		if (dp_expr(d, esc) < 0)
			return -1;
	} else {
		dp_str(d, "'\\'");
	}
	dp_str(d, ")");
	return 0;
}

static int dp_extract(struct deparser *d, const struct ast_expr *e)
{
	static const struct { const char *field, *fmt, *cast; } f[] = {
		{"year", "%Y", "INTEGER"},   {"month", "%m", "INTEGER"}, {"day", "%d", "INTEGER"},
		{"hour", "%H", "INTEGER"},   {"minute", "%M", "INTEGER"}, {"second", "%f", "REAL"},
		{"dow", "%w", "INTEGER"},    {"doy", "%j", "INTEGER"},   {"epoch", "%s", "INTEGER"},
		{"week", "%W", "INTEGER"},
	};
	for (size_t k = 0; k < sizeof(f) / sizeof(f[0]); k++)
		if (!strcmp(e->u.extract.field, f[k].field)) {
			dp_str(d, "CAST(strftime('");
			dp_str(d, f[k].fmt);
			dp_str(d, "', ");
			if (dp_expr(d, e->u.extract.arg) < 0)
				return -1;
			dp_str(d, ") AS ");
			dp_str(d, f[k].cast);
			dp_str(d, ")");
			return 0;
		}
	return rerr_set(d->err, ERR_FEATURE_NOT_SUPPORTED, "EXTRACT(%s ...) is not supported", e->u.extract.field);
}

/* X'...' for a byte string; one reserve, no per-byte formatting (a 20 MB BLOB literal). */
static void dp_hex_lit(struct deparser *d, const uint8_t *p, size_t n)
{
	static const char digits[] = "0123456789ABCDEF";
	buf_reserve(d->out, 2 * n + 3);
	char *o = (char *)d->out->data + d->out->len;
	*o++ = 'X';
	*o++ = '\'';
	for (size_t k = 0; k < n; k++) {
		*o++ = digits[p[k] >> 4];
		*o++ = digits[p[k] & 15];
	}
	*o++ = '\'';
	d->out->len += 2 * n + 3;
}

int dp_expr(struct deparser *d, const struct ast_expr *e)
{
	char tmp[32];
	switch (e->kind) {
	case AST_LIT:
		switch (e->u.lit.kind) {
		case LIT_NULL: dp_str(d, "NULL"); return 0;
		case LIT_BOOL: dp_str(d, e->u.lit.b ? "1" : "0"); return 0;
		case LIT_INT: case LIT_NUMERIC: case LIT_FLOAT:
			buf_append(d->out, e->u.lit.text, e->u.lit.len);
			return 0;
		case LIT_BYTES:
			dp_hex_lit(d, (const uint8_t *)e->u.lit.text, e->u.lit.len);
			return 0;
		case LIT_STRING: case LIT_BITS:
			dp_string_lit(d, e->u.lit.text, e->u.lit.len);
			return 0;
		}
		return 0;
	case AST_COLUMN: {
		const struct ast_name *n = &e->u.column;
		int first = n->n > 2 ? n->n - 2 : 0; /* table.column: schema and catalog are dropped */
		for (int k = first; k < n->n; k++) {
			if (k > first)
				dp_str(d, ".");
			dp_ident(d, n->parts[k].s);
		}
		return 0;
	}
	case AST_STAR:
		if (e->u.star.n) {
			dp_ident(d, e->u.star.parts[e->u.star.n - 1].s);
			dp_str(d, ".");
		}
		dp_str(d, "*");
		return 0;
	case AST_PARAM:
		snprintf(tmp, sizeof(tmp), "?%d", e->u.param.ordinal);
		dp_str(d, tmp);
		return 0;
	case AST_UNARY: {
		const char *op = e->u.unary.op == AST_OP_NEG ? "-" : e->u.unary.op == AST_OP_NOT ? "NOT " :
				 e->u.unary.op == AST_OP_BITNOT ? "~" : "+";
		dp_str(d, "(");
		dp_str(d, op);
		if (dp_expr(d, e->u.unary.arg) < 0)
			return -1;
		dp_str(d, ")");
		return 0;
	}
	case AST_BINARY:
		return dp_binary(d, e);
	case AST_FUNC:
		return dp_func(d, e);
	case AST_CAST:
		return dp_cast(d, e);
	case AST_CASE:
		dp_str(d, "CASE");
		if (e->u.case_.operand) {
			dp_str(d, " ");
			if (dp_expr(d, e->u.case_.operand) < 0)
				return -1;
		}
		for (int k = 0; k < e->u.case_.nwhen; k++) {
			dp_str(d, " WHEN ");
			if (dp_expr(d, e->u.case_.when[k].cond) < 0)
				return -1;
			dp_str(d, " THEN ");
			if (dp_expr(d, e->u.case_.when[k].then) < 0)
				return -1;
		}
		if (e->u.case_.else_) {
			dp_str(d, " ELSE ");
			if (dp_expr(d, e->u.case_.else_) < 0)
				return -1;
		}
		dp_str(d, " END");
		return 0;
	case AST_IN:
		dp_str(d, "(");
		if (dp_expr(d, e->u.in.arg) < 0)
			return -1;
		dp_str(d, e->u.in.not_ ? " NOT IN (" : " IN (");
		if (e->u.in.sub ? dp_query(d, e->u.in.sub) : dp_exprs(d, &e->u.in.list))
			return -1;
		dp_str(d, "))");
		return 0;
	case AST_EXISTS:
	case AST_SUBQUERY:
		dp_str(d, e->kind == AST_EXISTS ? "EXISTS (" : "(");
		if (dp_query(d, e->u.exists.sub) < 0)
			return -1;
		dp_str(d, ")");
		return 0;
	case AST_BETWEEN:
		if (e->u.between.symmetric)
			return dp_unsupported(d, "BETWEEN SYMMETRIC");
		dp_str(d, "(");
		if (dp_expr(d, e->u.between.arg) < 0)
			return -1;
		dp_str(d, e->u.between.not_ ? " NOT BETWEEN " : " BETWEEN ");
		if (dp_expr(d, e->u.between.lo) < 0)
			return -1;
		dp_str(d, " AND ");
		if (dp_expr(d, e->u.between.hi) < 0)
			return -1;
		dp_str(d, ")");
		return 0;
	case AST_LIKE:
		return dp_like(d, e);
	case AST_IS:
		dp_str(d, "(");
		if (dp_expr(d, e->u.is.arg) < 0)
			return -1;
		switch (e->u.is.what) {
		case IS_NULL: case IS_UNKNOWN: dp_str(d, e->u.is.not_ ? " IS NOT NULL" : " IS NULL"); break;
		case IS_TRUE: dp_str(d, e->u.is.not_ ? " IS NOT TRUE" : " IS TRUE"); break;
		case IS_FALSE: dp_str(d, e->u.is.not_ ? " IS NOT FALSE" : " IS FALSE"); break;
		case IS_DISTINCT:
			dp_str(d, e->u.is.not_ ? " IS " : " IS NOT ");
			if (dp_expr(d, e->u.is.rhs) < 0)
				return -1;
			break;
		}
		dp_str(d, ")");
		return 0;
	case AST_DISTANCE: {
		/* engine/vector_sqlite.c registers these */
		static const char *const fn[] = {"l2_distance", "negative_inner_product", "cosine_distance", "l1_distance"};
		return dp_call(d, fn[e->u.distance.metric], e->u.distance.l, e->u.distance.r);
	}
	case AST_EXTRACT:
		return dp_extract(d, e);
	case AST_SPECIAL:
		switch (e->u.special.what) {
		case SPECIAL_CURRENT_TIMESTAMP: case SPECIAL_LOCALTIMESTAMP: dp_str(d, "CURRENT_TIMESTAMP"); return 0;
		case SPECIAL_CURRENT_DATE: dp_str(d, "CURRENT_DATE"); return 0;
		case SPECIAL_CURRENT_TIME: dp_str(d, "CURRENT_TIME"); return 0;
		case SPECIAL_CURRENT_USER: dp_str(d, "rosetta_current_user()"); return 0;
		case SPECIAL_ROWNUM: return dp_unsupported(d, "ROWNUM outside WHERE ROWNUM <= n");
		}
		return 0;
	case AST_DEFAULT:
		return dp_unsupported(d, "DEFAULT in this position");
	case AST_ROW:
		dp_str(d, "(");
		if (dp_exprs(d, &e->u.row) < 0)
			return -1;
		dp_str(d, ")");
		return 0;
	case AST_VARIABLE: { /* @@[session.|global.]name and @user_var: the session answers (rosetta_var) */
		const char *n = e->u.variable.name;
		int user_var = n[0] == '@' && n[1] != '@';
		while (*n == '@')
			n++;
		if (!strncasecmp(n, "session.", 8) || !strncasecmp(n, "global.", 7) || !strncasecmp(n, "local.", 6))
			n = strchr(n, '.') + 1;
		dp_str(d, "rosetta_var('");
		if (user_var)
			dp_str(d, "@");
		for (; *n; n++) {
			char ch[2] = {*n == '\'' ? 0 : *n, 0};
			if (ch[0])
				dp_str(d, ch);
		}
		dp_str(d, "')");
		return 0;
	}
	case AST_COLLATE: {
		const char *c = e->u.collate.collation;
		size_t n = strlen(c);
		const char *sq = n > 3 && !strcasecmp(c + n - 3, "_ci") ? "NOCASE" : "BINARY";
		dp_str(d, "(");
		if (dp_expr(d, e->u.collate.arg) < 0)
			return -1;
		dp_str(d, " COLLATE ");
		dp_str(d, sq);
		dp_str(d, ")");
		return 0;
	}
	}
	return dp_unsupported(d, "this expression");
}
