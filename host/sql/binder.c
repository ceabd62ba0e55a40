/*
 * binder.c — infer parameter and result types over the AST (see binder.h).
 *
 * A scope is the list of relations a FROM clause (or an INSERT/UPDATE/
 * DELETE target) brings in, chained to the enclosing query's scope for
 * correlated subqueries.  Expressions are typed bottom-up; an `expect`
 * type flows down into parameters: the type a parameter receives is the
 * first one its context demands (a compared column, an assigned column, a
 * cast, LIMIT).  Typing rules follow PostgreSQL (int4 literals, int8
 * count/sum, numeric division for MySQL, float8 distances); a function the
 * table below does not know leaves its type RT_UNKNOWN.
 *
 * Invariants
 *   1. The binder never fails for what it does not understand: only a
 *      relation the catalog says does not exist is an error.
 *   2. Every parameter ordinal 1..nparams has an entry in param_types.
 */
#include "sql/binder.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

struct bind_rel {
	const char *name; /* alias, or the relation's own name */
	int ncols;
	struct column_desc *cols;
};

struct bind_scope {
	struct bind_scope *parent;
	int n, cap;
	struct bind_rel *rels;
};

struct bind_cte {
	struct bind_cte *next;
	const char *name;
	int ncols;
	struct column_desc *cols;
};

struct binder {
	struct arena *a;
	const struct ast_stmt *s;
	const struct bind_catalog *cat;
	enum rtype *params;
	int nparams;
	struct bind_cte *ctes;
	struct rerr *err;
	int failed;
	int depth;
};

#define BIND_MAX_DEPTH 200

static enum rtype bind_expr(struct binder *b, const struct ast_expr *e, struct bind_scope *sc, enum rtype expect);
static int bind_query(struct binder *b, const struct ast_query *q, struct bind_scope *parent,
		      const enum rtype *expect, int nexpect, int *ncols, struct column_desc **cols);
static int bind_body(struct binder *b, const struct ast_body *body, struct bind_scope *parent,
		     const enum rtype *expect, int nexpect, int *ncols, struct column_desc **cols);

/* ---- scopes and the catalog ------------------------------------------ */

static void bind_scope_add(struct binder *b, struct bind_scope *sc, const char *name, int ncols,
			   struct column_desc *cols)
{
	if (sc->n == sc->cap) {
		int cap = sc->cap ? sc->cap * 2 : 4;
		struct bind_rel *r = arena_alloc(b->a, sizeof(*r) * (size_t)cap);
		if (sc->n)
			memcpy(r, sc->rels, sizeof(*r) * (size_t)sc->n);
		sc->rels = r;
		sc->cap = cap;
	}
	sc->rels[sc->n++] = (struct bind_rel){name, ncols, cols};
}

/* The columns of a named relation: a CTE in scope, else the catalog.  -1 when unknown. */
static int bind_relation(struct binder *b, const struct ast_name *name, struct column_desc **cols)
{
	if (name->n == 1)
		for (struct bind_cte *c = b->ctes; c; c = c->next)
			if (!strcasecmp(c->name, name->parts[0].s)) {
				*cols = c->cols;
				return c->ncols;
			}
	if (!b->cat || !b->cat->columns)
		return -1;
	return b->cat->columns(b->cat->ctx, name, b->a, cols);
}

static const char *bind_name_text(const struct ast_name *n)
{
	return n->n ? n->parts[n->n - 1].s : "?";
}

static int bind_undefined_table(struct binder *b, const struct ast_name *name, size_t off)
{
	if (!b->failed) {
		rerr_set(b->err, ERR_UNDEFINED_TABLE, "relation \"%s\" does not exist", bind_name_text(name));
		b->err->position = (int)off + 1;
		b->failed = 1;
	}
	return -1;
}

/* Offset of a name in the statement text, for the error position. */
static size_t bind_name_off(const struct binder *b, const struct ast_name *name)
{
	const char *s = name->n ? name->parts[0].s : NULL;
	if (!s || !b->s->sql)
		return 0;
	const char *hit = strcasestr(b->s->sql, s);
	return hit && (size_t)(hit - b->s->sql) < b->s->len ? (size_t)(hit - b->s->sql) : 0;
}

static enum rtype bind_column(struct binder *b, const struct ast_name *n, struct bind_scope *sc)
{
	(void)b;
	const char *col = n->parts[n->n - 1].s;
	const char *rel = n->n >= 2 ? n->parts[n->n - 2].s : NULL;
	for (; sc; sc = sc->parent)
		for (int i = 0; i < sc->n; i++) {
			struct bind_rel *r = &sc->rels[i];
			if (rel && (!r->name || strcasecmp(r->name, rel)))
				continue;
			for (int j = 0; j < r->ncols; j++)
				if (r->cols[j].name && !strcasecmp(r->cols[j].name, col))
					return r->cols[j].type;
		}
	return RT_UNKNOWN;
}

/* ---- type rules ------------------------------------------------------- */

static int bind_numeric_rank(enum rtype t)
{
	switch (t) {
	case RT_INT2: return 1;
	case RT_INT4: return 2;
	case RT_INT8: return 3;
	case RT_NUMERIC: return 4;
	case RT_FLOAT4: return 5;
	case RT_FLOAT8: return 6;
	default: return 0;
	}
}

static enum rtype bind_promote(enum rtype l, enum rtype r)
{
	int rl = bind_numeric_rank(l), rr = bind_numeric_rank(r);
	if (!rl || !rr)
		return rl ? l : rr ? r : RT_UNKNOWN;
	enum rtype t = rl >= rr ? l : r;
	return t == RT_INT2 ? RT_INT4 : t; /* int2 arithmetic yields int4, as PostgreSQL */
}

static int bind_is_mysql(const struct binder *b)
{
	return b->s->dialect == DIALECT_MYSQL;
}

static enum rtype bind_literal(const struct binder *b, const struct ast_expr *e)
{
	switch (e->u.lit.kind) {
	case LIT_INT: {
		if (bind_is_mysql(b))
			return RT_INT8; /* MySQL types integer literals as BIGINT */
		long long v = strtoll(e->u.lit.text, NULL, 10);
		return (v >= -2147483648LL && v <= 2147483647LL) ? RT_INT4 : RT_INT8;
	}
	case LIT_NUMERIC:
		return RT_NUMERIC;
	case LIT_FLOAT:
		return RT_FLOAT8;
	case LIT_STRING:
		return RT_TEXT;
	case LIT_BYTES:
	case LIT_BITS:
		return RT_BYTEA;
	case LIT_BOOL:
		return bind_is_mysql(b) ? RT_INT8 : RT_BOOL;
	default:
		return RT_UNKNOWN;
	}
}

static enum rtype bind_param(struct binder *b, const struct ast_expr *e, enum rtype expect)
{
	int ord = e->u.param.ordinal;
	if (ord < 1 || ord > b->nparams)
		return RT_UNKNOWN;
	if (b->params[ord - 1] == RT_UNKNOWN && expect != RT_UNKNOWN)
		b->params[ord - 1] = expect;
	return b->params[ord - 1];
}

/* Functions whose value is an array of their first argument's type (see engine/sqlite_array.c). */
static int bind_func_is_array(const char *fn)
{
	static const char *const fns[] = {"rosetta_array", "rosetta_array_sub", "array_agg", "array_append",
					  "array_prepend", "array_cat", "array_remove"};
	for (size_t i = 0; i < sizeof(fns) / sizeof(fns[0]); i++)
		if (!strcmp(fn, fns[i]))
			return 1;
	return 0;
}

/*
 * Whether an expression is an array: a constructor, array_agg, a cast to
 * an array type, or a column of a derived table that is one.
 */
static int bind_is_array(const struct ast_expr *e, struct bind_scope *sc)
{
	if (!e)
		return 0;
	switch (e->kind) {
	case AST_CAST:
		return e->u.cast.type.array;
	case AST_FUNC: {
		const char *fn = e->u.func.name.parts[e->u.func.name.n - 1].s;
		char lower[32];
		size_t i = 0;
		for (; fn[i] && i + 1 < sizeof(lower); i++)
			lower[i] = (char)((fn[i] >= 'A' && fn[i] <= 'Z') ? fn[i] + 32 : fn[i]);
		lower[i] = 0;
		return bind_func_is_array(lower);
	}
	case AST_COLUMN: {
		const struct ast_name *n = &e->u.column;
		const char *col = n->parts[n->n - 1].s;
		const char *rel = n->n >= 2 ? n->parts[n->n - 2].s : NULL;
		for (; sc; sc = sc->parent)
			for (int i = 0; i < sc->n; i++) {
				struct bind_rel *r = &sc->rels[i];
				if (rel && (!r->name || strcasecmp(r->name, rel)))
					continue;
				for (int j = 0; j < r->ncols; j++)
					if (r->cols[j].name && !strcasecmp(r->cols[j].name, col))
						return r->cols[j].array;
			}
		return 0;
	}
	case AST_COLLATE:
		return bind_is_array(e->u.collate.arg, sc);
	default:
		return 0;
	}
}

/* Result types of the functions drivers and ORMs use most; RT_UNKNOWN for others. */
static enum rtype bind_func_type(struct binder *b, const char *fn, enum rtype first, int star)
{
	static const struct {
		const char *name;
		enum rtype type;
	} fixed[] = {
		{"count", RT_INT8}, {"length", RT_INT4}, {"char_length", RT_INT4}, {"octet_length", RT_INT4},
		{"character_length", RT_INT4}, {"strpos", RT_INT4}, {"position", RT_INT4}, {"instr", RT_INT4},
		{"lower", RT_TEXT}, {"upper", RT_TEXT}, {"substr", RT_TEXT}, {"substring", RT_TEXT},
		{"trim", RT_TEXT}, {"ltrim", RT_TEXT}, {"rtrim", RT_TEXT}, {"replace", RT_TEXT},
		{"concat", RT_TEXT}, {"concat_ws", RT_TEXT}, {"left", RT_TEXT}, {"right", RT_TEXT},
		{"lpad", RT_TEXT}, {"rpad", RT_TEXT}, {"repeat", RT_TEXT}, {"reverse", RT_TEXT},
		{"md5", RT_TEXT}, {"to_char", RT_TEXT}, {"string_agg", RT_TEXT}, {"group_concat", RT_TEXT},
		{"version", RT_TEXT}, {"current_schema", RT_TEXT}, {"current_database", RT_TEXT},
		{"current_user", RT_TEXT}, {"session_user", RT_TEXT}, {"database", RT_TEXT}, {"user", RT_TEXT},
		{"format_type", RT_TEXT}, {"pg_get_userbyid", RT_TEXT}, {"quote_ident", RT_TEXT},
		{"now", RT_TIMESTAMPTZ}, {"statement_timestamp", RT_TIMESTAMPTZ}, {"clock_timestamp", RT_TIMESTAMPTZ},
		{"transaction_timestamp", RT_TIMESTAMPTZ}, {"sysdate", RT_TIMESTAMP}, {"curdate", RT_DATE},
		{"random", RT_FLOAT8}, {"rand", RT_FLOAT8}, {"pi", RT_FLOAT8}, {"sqrt", RT_FLOAT8},
		{"exp", RT_FLOAT8}, {"ln", RT_FLOAT8}, {"log", RT_FLOAT8}, {"power", RT_FLOAT8}, {"pow", RT_FLOAT8},
		{"l2_distance", RT_FLOAT8}, {"cosine_distance", RT_FLOAT8}, {"inner_product", RT_FLOAT8},
		{"negative_inner_product", RT_FLOAT8}, {"l1_distance", RT_FLOAT8}, {"vector_norm", RT_FLOAT8},
		{"vec_distance_euclidean", RT_FLOAT8}, {"vec_distance_cosine", RT_FLOAT8}, {"vec_distance", RT_FLOAT8},
		{"vector_dims", RT_INT4}, {"vector_dim", RT_INT4}, {"vec_totext", RT_TEXT}, {"vector_to_string", RT_TEXT},
		{"vec_fromtext", RT_VECTOR}, {"string_to_vector", RT_VECTOR},
		{"pg_table_is_visible", RT_BOOL}, {"has_table_privilege", RT_BOOL}, {"bool_and", RT_BOOL},
		{"bool_or", RT_BOOL}, {"every", RT_BOOL}, {"row_number", RT_INT8}, {"rank", RT_INT8},
		{"dense_rank", RT_INT8}, {"ntile", RT_INT4}, {"last_insert_id", RT_INT8},
		{"gen_random_uuid", RT_UUID}, {"uuid", RT_TEXT},
		{"initcap", RT_TEXT}, {"split_part", RT_TEXT}, {"substring_index", RT_TEXT}, {"chr", RT_TEXT},
		{"format", RT_TEXT}, {"date_format", RT_TEXT}, {"datediff", RT_INT8}, {"div", RT_NUMERIC},
		{"date_trunc", RT_TIMESTAMP}, {"array_to_string", RT_TEXT}, {"rosetta_any_eq", RT_BOOL},
		{"array_length", RT_INT4}, {"array_upper", RT_INT4}, {"array_lower", RT_INT4}, {"cardinality", RT_INT4},
		{"array_position", RT_INT4},
		{"generate_subscripts", RT_INT4}, {"json_build_object", RT_JSON}, {"pg_get_serial_sequence", RT_TEXT},
	};
	for (size_t i = 0; i < sizeof(fixed) / sizeof(fixed[0]); i++)
		if (!strcmp(fn, fixed[i].name))
			return fixed[i].type;
	(void)star;
	if (!strcmp(fn, "sum")) {
		if (first == RT_INT2 || first == RT_INT4)
			return bind_is_mysql(b) ? RT_NUMERIC : RT_INT8;
		if (first == RT_INT8)
			return RT_NUMERIC;
		return first == RT_FLOAT4 ? RT_FLOAT4 : first;
	}
	if (!strcmp(fn, "avg")) {
		int r = bind_numeric_rank(first);
		return r >= 5 ? RT_FLOAT8 : r ? RT_NUMERIC : RT_UNKNOWN;
	}
	if (!strcmp(fn, "min") || !strcmp(fn, "max") || !strcmp(fn, "coalesce") || !strcmp(fn, "ifnull") ||
	    !strcmp(fn, "nvl") || !strcmp(fn, "nullif") || !strcmp(fn, "greatest") || !strcmp(fn, "least") ||
	    !strcmp(fn, "abs") || !strcmp(fn, "ceil") || !strcmp(fn, "ceiling") || !strcmp(fn, "floor") ||
	    !strcmp(fn, "lag") || !strcmp(fn, "lead") || !strcmp(fn, "first_value") || !strcmp(fn, "last_value") ||
	    !strcmp(fn, "mod") || bind_func_is_array(fn))
		return first; /* arrays: the element type */
	if (!strcmp(fn, "round") || !strcmp(fn, "trunc"))
		return bind_numeric_rank(first) >= 5 ? RT_FLOAT8 : first == RT_UNKNOWN ? RT_UNKNOWN : RT_NUMERIC;
	return RT_UNKNOWN;
}

static void bind_lower(char *dst, const char *src, size_t cap)
{
	size_t i = 0;
	for (; src[i] && i + 1 < cap; i++)
		dst[i] = (char)((src[i] >= 'A' && src[i] <= 'Z') ? src[i] + 32 : src[i]);
	dst[i] = 0;
}

static enum rtype bind_func(struct binder *b, const struct ast_expr *e, struct bind_scope *sc)
{
	enum rtype first = RT_UNKNOWN;
	for (int i = 0; i < e->u.func.args.n; i++) {
		enum rtype t = bind_expr(b, e->u.func.args.v[i], sc, i == 0 ? RT_UNKNOWN : first);
		if (i == 0 || first == RT_UNKNOWN)
			first = t;
	}
	if (e->u.func.filter)
		bind_expr(b, e->u.func.filter, sc, RT_BOOL);
	for (int i = 0; i < e->u.func.norder; i++)
		bind_expr(b, e->u.func.order[i].e, sc, RT_UNKNOWN);
	if (e->u.func.over) {
		for (int i = 0; i < e->u.func.over->partition.n; i++)
			bind_expr(b, e->u.func.over->partition.v[i], sc, RT_UNKNOWN);
		for (int i = 0; i < e->u.func.over->norder; i++)
			bind_expr(b, e->u.func.over->order[i].e, sc, RT_UNKNOWN);
	}
	char fn[64];
	bind_lower(fn, bind_name_text(&e->u.func.name), sizeof(fn));
	return bind_func_type(b, fn, first, e->u.func.star);
}

/* Bind a comparison's two sides so a parameter on either side takes the other's type. */
static void bind_pair(struct binder *b, const struct ast_expr *l, const struct ast_expr *r, struct bind_scope *sc)
{
	enum rtype tl = bind_expr(b, l, sc, RT_UNKNOWN);
	enum rtype tr = bind_expr(b, r, sc, tl);
	if (tl == RT_UNKNOWN && tr != RT_UNKNOWN)
		bind_expr(b, l, sc, tr);
}

static enum rtype bind_subquery_type(struct binder *b, const struct ast_query *q, struct bind_scope *sc)
{
	int n = 0;
	struct column_desc *cols = NULL;
	if (bind_query(b, q, sc, NULL, 0, &n, &cols) < 0 || n < 1)
		return RT_UNKNOWN;
	return cols[0].type;
}

static enum rtype bind_binary(struct binder *b, const struct ast_expr *e, struct bind_scope *sc, enum rtype expect)
{
	const struct ast_expr *l = e->u.binary.l, *r = e->u.binary.r;
	switch (e->u.binary.op) {
	case AST_OP_EQ: case AST_OP_NE: case AST_OP_LT: case AST_OP_LE: case AST_OP_GT: case AST_OP_GE:
	case AST_OP_NULLSAFE_EQ:
		bind_pair(b, l, r, sc);
		return bind_is_mysql(b) ? RT_INT8 : RT_BOOL;
	case AST_OP_AND: case AST_OP_OR: case AST_OP_XOR:
		bind_expr(b, l, sc, RT_BOOL);
		bind_expr(b, r, sc, RT_BOOL);
		return bind_is_mysql(b) ? RT_INT8 : RT_BOOL;
	case AST_OP_CONCAT:
		bind_expr(b, l, sc, RT_TEXT);
		bind_expr(b, r, sc, RT_TEXT);
		return RT_TEXT;
	case AST_OP_JSON_GET:
		bind_expr(b, l, sc, RT_JSON);
		bind_expr(b, r, sc, RT_TEXT);
		return RT_JSON;
	case AST_OP_JSON_GET_TEXT:
		bind_expr(b, l, sc, RT_JSON);
		bind_expr(b, r, sc, RT_TEXT);
		return RT_TEXT;
	default: {
		enum rtype tl = bind_expr(b, l, sc, expect);
		enum rtype tr = bind_expr(b, r, sc, tl != RT_UNKNOWN ? tl : expect);
		if (tl == RT_UNKNOWN && tr != RT_UNKNOWN)
			tl = bind_expr(b, l, sc, tr);
		enum rtype t = bind_promote(tl, tr);
		if (e->u.binary.op == AST_OP_DIV && bind_is_mysql(b) && bind_numeric_rank(t) && bind_numeric_rank(t) <= 4)
			return RT_NUMERIC; /* MySQL's / is exact division */
		if (e->u.binary.op == AST_OP_INTDIV)
			return RT_INT8;
		return t;
	}
	}
}

static enum rtype bind_expr(struct binder *b, const struct ast_expr *e, struct bind_scope *sc, enum rtype expect)
{
	if (!e || b->depth > BIND_MAX_DEPTH)
		return RT_UNKNOWN;
	b->depth++;
	enum rtype t = RT_UNKNOWN;
	switch (e->kind) {
	case AST_LIT:
		t = bind_literal(b, e);
		break;
	case AST_COLUMN:
		t = bind_column(b, &e->u.column, sc);
		break;
	case AST_PARAM:
		t = bind_param(b, e, expect);
		break;
	case AST_UNARY:
		t = bind_expr(b, e->u.unary.arg, sc, e->u.unary.op == AST_OP_NOT ? RT_BOOL : expect);
		if (e->u.unary.op == AST_OP_NOT)
			t = bind_is_mysql(b) ? RT_INT8 : RT_BOOL;
		break;
	case AST_BINARY:
		t = bind_binary(b, e, sc, expect);
		break;
	case AST_FUNC:
		t = bind_func(b, e, sc);
		break;
	case AST_CAST:
		bind_expr(b, e->u.cast.arg, sc,
			  e->u.cast.type.array ? (enum rtype)(RT_ARRAY_OF | (int)e->u.cast.type.type) : e->u.cast.type.type);
		t = e->u.cast.type.type;
		break;
	case AST_CASE: {
		enum rtype op = bind_expr(b, e->u.case_.operand, sc, RT_UNKNOWN);
		for (int i = 0; i < e->u.case_.nwhen; i++) {
			bind_expr(b, e->u.case_.when[i].cond, sc, e->u.case_.operand ? op : RT_BOOL);
			enum rtype th = bind_expr(b, e->u.case_.when[i].then, sc, t != RT_UNKNOWN ? t : expect);
			if (t == RT_UNKNOWN)
				t = th;
		}
		enum rtype el = bind_expr(b, e->u.case_.else_, sc, t != RT_UNKNOWN ? t : expect);
		if (t == RT_UNKNOWN)
			t = el;
		break;
	}
	case AST_IN: {
		enum rtype a = bind_expr(b, e->u.in.arg, sc, RT_UNKNOWN);
		for (int i = 0; i < e->u.in.list.n; i++) {
			enum rtype it = bind_expr(b, e->u.in.list.v[i], sc, a);
			if (a == RT_UNKNOWN && it != RT_UNKNOWN)
				a = bind_expr(b, e->u.in.arg, sc, it);
		}
		if (e->u.in.sub) {
			enum rtype st = bind_subquery_type(b, e->u.in.sub, sc);
			if (a == RT_UNKNOWN && st != RT_UNKNOWN)
				bind_expr(b, e->u.in.arg, sc, st);
		}
		t = bind_is_mysql(b) ? RT_INT8 : RT_BOOL;
		break;
	}
	case AST_EXISTS:
		bind_subquery_type(b, e->u.exists.sub, sc);
		t = bind_is_mysql(b) ? RT_INT8 : RT_BOOL;
		break;
	case AST_SUBQUERY:
		t = bind_subquery_type(b, e->u.exists.sub, sc);
		break;
	case AST_BETWEEN: {
		enum rtype a = bind_expr(b, e->u.between.arg, sc, RT_UNKNOWN);
		enum rtype lo = bind_expr(b, e->u.between.lo, sc, a);
		bind_expr(b, e->u.between.hi, sc, a != RT_UNKNOWN ? a : lo);
		if (a == RT_UNKNOWN && lo != RT_UNKNOWN)
			bind_expr(b, e->u.between.arg, sc, lo);
		t = bind_is_mysql(b) ? RT_INT8 : RT_BOOL;
		break;
	}
	case AST_LIKE:
		bind_expr(b, e->u.like.arg, sc, RT_TEXT);
		bind_expr(b, e->u.like.pattern, sc, RT_TEXT);
		bind_expr(b, e->u.like.escape, sc, RT_TEXT);
		t = bind_is_mysql(b) ? RT_INT8 : RT_BOOL;
		break;
	case AST_IS:
		if (e->u.is.rhs)
			bind_pair(b, e->u.is.arg, e->u.is.rhs, sc);
		else
			bind_expr(b, e->u.is.arg, sc, RT_UNKNOWN);
		t = bind_is_mysql(b) ? RT_INT8 : RT_BOOL;
		break;
	case AST_DISTANCE:
		bind_expr(b, e->u.distance.l, sc, RT_VECTOR);
		bind_expr(b, e->u.distance.r, sc, RT_VECTOR);
		t = RT_FLOAT8;
		break;
	case AST_EXTRACT:
		bind_expr(b, e->u.extract.arg, sc, RT_UNKNOWN);
		t = bind_is_mysql(b) ? RT_INT8 : RT_NUMERIC;
		break;
	case AST_SPECIAL:
		switch (e->u.special.what) {
		case SPECIAL_CURRENT_TIMESTAMP: t = bind_is_mysql(b) ? RT_TIMESTAMP : RT_TIMESTAMPTZ; break;
		case SPECIAL_LOCALTIMESTAMP: t = RT_TIMESTAMP; break;
		case SPECIAL_CURRENT_DATE: t = RT_DATE; break;
		case SPECIAL_CURRENT_TIME: t = RT_TIME; break;
		case SPECIAL_CURRENT_USER: t = RT_TEXT; break;
		case SPECIAL_ROWNUM: t = RT_INT8; break;
		}
		break;
	case AST_ROW:
		for (int i = 0; i < e->u.row.n; i++)
			bind_expr(b, e->u.row.v[i], sc, RT_UNKNOWN);
		break;
	case AST_COLLATE:
		t = bind_expr(b, e->u.collate.arg, sc, expect);
		break;
	default:
		break;
	}
	b->depth--;
	return t;
}

/* ---- names of result columns ----------------------------------------- */

static const char *bind_type_column_name(enum rtype t)
{
	const char *label = ast_type_label(t);
	return label ? label : rtype_name(t);
}

/* PostgreSQL's rule (FigureColname): a column's name, a function's name, "?column?". */
static const char *bind_pg_name(struct binder *b, const struct ast_expr *e)
{
	if (!e)
		return "?column?";
	switch (e->kind) {
	case AST_COLUMN:
		return bind_name_text(&e->u.column);
	case AST_FUNC: {
		char fn[64];
		bind_lower(fn, bind_name_text(&e->u.func.name), sizeof(fn));
		if (!strcmp(fn, "rosetta_array") || !strcmp(fn, "rosetta_array_sub"))
			return "array";
		if (!strcmp(fn, "rosetta_array_get") && e->u.func.args.n == 2)
			return bind_pg_name(b, e->u.func.args.v[0]);
		if (!strcmp(fn, "rosetta_any_eq"))
			return "?column?";
		return arena_strndup(b->a, fn, strlen(fn));
	}
	case AST_CAST: {
		const char *inner = bind_pg_name(b, e->u.cast.arg);
		if (strcmp(inner, "?column?") != 0)
			return inner;
		return bind_type_column_name(e->u.cast.type.type); /* select 1::int8 names its column int8 */
	}
	case AST_CASE:
		return "case";
	case AST_EXISTS:
		return "exists";
	case AST_SPECIAL:
		switch (e->u.special.what) {
		case SPECIAL_CURRENT_TIMESTAMP: return "current_timestamp";
		case SPECIAL_CURRENT_DATE: return "current_date";
		case SPECIAL_CURRENT_TIME: return "current_time";
		case SPECIAL_LOCALTIMESTAMP: return "localtimestamp";
		case SPECIAL_CURRENT_USER: return "current_user";
		case SPECIAL_ROWNUM: return "rownum";
		}
		return "?column?";
	case AST_COLLATE:
		return bind_pg_name(b, e->u.collate.arg);
	default:
		return "?column?";
	}
}

static const char *bind_target_name(struct binder *b, const struct ast_target *t)
{
	if (t->alias.s)
		return t->alias.s;
	if (t->e && t->e->kind == AST_COLUMN)
		return bind_name_text(&t->e->u.column);
	if (bind_is_mysql(b) && t->src && t->len) /* MySQL names an expression by its text */
		return arena_strndup(b->a, t->src, t->len);
	return bind_pg_name(b, t->e);
}

/* ---- queries ----------------------------------------------------------- */

static int bind_from(struct binder *b, const struct ast_from *f, struct bind_scope *sc)
{
	if (!f)
		return 0;
	switch (f->kind) {
	case FROM_TABLE: {
		struct column_desc *cols = NULL;
		int n = bind_relation(b, &f->table, &cols);
		if (n < 0)
			return bind_undefined_table(b, &f->table, bind_name_off(b, &f->table));
		bind_scope_add(b, sc, f->alias.s ? f->alias.s : bind_name_text(&f->table), n, cols);
		return 0;
	}
	case FROM_SUBQUERY:
	case FROM_VALUES: {
		int n = 0;
		struct column_desc *cols = NULL;
		if (bind_query(b, f->sub, f->lateral ? sc : sc->parent, NULL, 0, &n, &cols) < 0)
			return -1;
		for (int i = 0; i < n && i < f->ncolaliases; i++)
			cols[i].name = f->colaliases[i].s;
		bind_scope_add(b, sc, f->alias.s, n, cols);
		return 0;
	}
	case FROM_JOIN:
		if (bind_from(b, f->left, sc) < 0 || bind_from(b, f->right, sc) < 0)
			return -1;
		bind_expr(b, f->on, sc, RT_BOOL);
		return 0;
	case FROM_FUNC: {
		bind_expr(b, f->func, sc, RT_UNKNOWN);
		const struct ast_expr *fn = f->func;
		if (fn->kind == AST_FUNC && fn->u.func.args.n >= 2 &&
		    !strcasecmp(bind_name_text(&fn->u.func.name), "generate_series")) {
			/* FROM generate_series(lo, hi) s(i): one column, of the bounds' type (int4 for int4 bounds) */
			enum rtype t = bind_expr(b, fn->u.func.args.v[0], sc, RT_UNKNOWN);
			if (t != RT_INT2 && t != RT_INT4 && t != RT_INT8)
				t = RT_INT4;
			struct column_desc *col = arena_alloc(b->a, sizeof(*col));
			col->name = f->ncolaliases ? f->colaliases[0].s : f->alias.s ? f->alias.s : "generate_series";
			col->type = t;
			col->typmod = -1;
			bind_scope_add(b, sc, f->alias.s ? f->alias.s : "generate_series", 1, col);
			return 0;
		}
		bind_scope_add(b, sc, f->alias.s, 0, NULL);
		return 0;
	}
	}
	return 0;
}

static void bind_cols_append(struct binder *b, int *n, int *cap, struct column_desc **cols, const char *name,
			     enum rtype t, int32_t typmod)
{
	if (*n == *cap) {
		int nc = *cap ? *cap * 2 : 8;
		struct column_desc *c = arena_alloc(b->a, sizeof(*c) * (size_t)nc);
		if (*n)
			memcpy(c, *cols, sizeof(*c) * (size_t)*n);
		*cols = c;
		*cap = nc;
	}
	(*cols)[*n] = (struct column_desc){name, t, typmod, NULL, 0};
	(*n)++;
}

/* Expand `*` or `t.*` into the scope's columns. */
static void bind_star(struct binder *b, const struct ast_expr *e, struct bind_scope *sc, int *n, int *cap,
		      struct column_desc **cols)
{
	const char *rel = e->u.star.n ? e->u.star.parts[e->u.star.n - 1].s : NULL;
	for (int i = 0; i < sc->n; i++) {
		struct bind_rel *r = &sc->rels[i];
		if (rel && (!r->name || strcasecmp(r->name, rel)))
			continue;
		for (int j = 0; j < r->ncols; j++) {
			bind_cols_append(b, n, cap, cols, r->cols[j].name, r->cols[j].type, r->cols[j].typmod);
			(*cols)[*n - 1].array = r->cols[j].array;
		}
	}
}

static int bind_targets(struct binder *b, int ntargets, const struct ast_target *targets, struct bind_scope *sc,
			const enum rtype *expect, int nexpect, int *ncols, struct column_desc **cols)
{
	int n = 0, cap = 0;
	struct column_desc *out = NULL;
	for (int i = 0; i < ntargets; i++) {
		const struct ast_target *t = &targets[i];
		if (t->e && t->e->kind == AST_STAR) {
			bind_star(b, t->e, sc, &n, &cap, &out);
			continue;
		}
		enum rtype ty = bind_expr(b, t->e, sc, i < nexpect ? expect[i] : RT_UNKNOWN);
		int32_t typmod = -1;
		if (t->e && t->e->kind == AST_CAST)
			typmod = t->e->u.cast.type.typmod;
		bind_cols_append(b, &n, &cap, &out, bind_target_name(b, t), ty, typmod);
		out[n - 1].array = bind_is_array(t->e, sc);
		if (out[n - 1].array)
			out[n - 1].typmod = -1;
	}
	*ncols = n;
	*cols = out;
	return 0;
}

static int bind_select(struct binder *b, const struct ast_select *s, struct bind_scope *parent,
		       const enum rtype *expect, int nexpect, int *ncols, struct column_desc **cols)
{
	struct bind_scope sc = {.parent = parent};
	if (s->values) { /* VALUES (...), (...): types from the first row that says */
		int width = s->nvalues ? s->values[0].n : 0;
		struct column_desc *out = arena_alloc(b->a, sizeof(*out) * ((size_t)width + 1));
		for (int c = 0; c < width; c++) {
			out[c].typmod = -1;
			char name[24];
			snprintf(name, sizeof(name), "column%d", c + 1);
			out[c].name = arena_strndup(b->a, name, strlen(name));
		}
		for (int r = 0; r < s->nvalues; r++)
			for (int c = 0; c < s->values[r].n && c < width; c++) {
				enum rtype want = c < nexpect ? expect[c] : out[c].type;
				enum rtype t = bind_expr(b, s->values[r].v[c], &sc, want);
				if (out[c].type == RT_UNKNOWN)
					out[c].type = t;
			}
		*ncols = width;
		*cols = out;
		return 0;
	}
	if (bind_from(b, s->from, &sc) < 0)
		return -1;
	bind_expr(b, s->where, &sc, RT_BOOL);
	for (int i = 0; i < s->group_by.n; i++)
		bind_expr(b, s->group_by.v[i], &sc, RT_UNKNOWN);
	bind_expr(b, s->having, &sc, RT_BOOL);
	return bind_targets(b, s->ntargets, s->targets, &sc, expect, nexpect, ncols, cols);
}

static int bind_body(struct binder *b, const struct ast_body *body, struct bind_scope *parent,
		     const enum rtype *expect, int nexpect, int *ncols, struct column_desc **cols)
{
	if (!body)
		return 0;
	if (body->paren)
		return bind_query(b, body->paren, parent, expect, nexpect, ncols, cols);
	if (body->op == SETOP_NONE)
		return bind_select(b, body->select, parent, expect, nexpect, ncols, cols);
	int nl = 0, nr = 0;
	struct column_desc *cl = NULL, *cr = NULL;
	if (bind_body(b, body->l, parent, expect, nexpect, &nl, &cl) < 0 ||
	    bind_body(b, body->r, parent, expect, nexpect, &nr, &cr) < 0)
		return -1;
	for (int i = 0; i < nl && i < nr; i++)
		if (cl[i].type == RT_UNKNOWN)
			cl[i].type = cr[i].type;
	*ncols = nl;
	*cols = cl;
	return 0;
}

static int bind_ctes(struct binder *b, int n, const struct ast_cte *ctes, struct bind_scope *parent)
{
	for (int i = 0; i < n; i++) {
		struct bind_cte *c = arena_alloc(b->a, sizeof(*c));
		c->name = ctes[i].name.s;
		/* a recursive CTE may name itself: register it first, typed by its first branch */
		c->next = b->ctes;
		b->ctes = c;
		const struct ast_body *body = ctes[i].q ? ctes[i].q->body : NULL;
		if (body && body->op != SETOP_NONE && body->l) {
			/* recursive: the first branch types the columns the recursive branch reads */
			if (bind_body(b, body->l, parent, NULL, 0, &c->ncols, &c->cols) < 0)
				return -1;
			for (int j = 0; j < c->ncols && j < ctes[i].ncols; j++)
				c->cols[j].name = ctes[i].cols[j].s;
		}
		int qn = 0;
		struct column_desc *qcols = NULL; /* not c's own fields: bind_query clears its outputs first */
		if (bind_query(b, ctes[i].q, parent, NULL, 0, &qn, &qcols) < 0)
			return -1;
		c->ncols = qn;
		c->cols = qcols;
		for (int j = 0; j < c->ncols && j < ctes[i].ncols; j++)
			c->cols[j].name = ctes[i].cols[j].s;
	}
	return 0;
}

static int bind_query(struct binder *b, const struct ast_query *q, struct bind_scope *parent,
		      const enum rtype *expect, int nexpect, int *ncols, struct column_desc **cols)
{
	*ncols = 0;
	*cols = NULL;
	if (!q || b->depth > BIND_MAX_DEPTH)
		return 0;
	b->depth++;
	int rc = bind_ctes(b, q->nctes, q->ctes, parent);
	if (rc == 0)
		rc = bind_body(b, q->body, parent, expect, nexpect, ncols, cols);
	if (rc == 0) {
		/* ORDER BY sees the output columns (by alias) and the FROM scope; an
		 * output alias is the common case, so a scope of the outputs is enough. */
		struct bind_scope out = {.parent = parent};
		bind_scope_add(b, &out, NULL, *ncols, *cols);
		for (int i = 0; i < q->norder; i++)
			bind_expr(b, q->order[i].e, &out, RT_UNKNOWN);
		bind_expr(b, q->limit, &out, RT_INT8);
		bind_expr(b, q->offset, &out, RT_INT8);
	}
	b->depth--;
	return rc;
}

/* ---- data modification ------------------------------------------------ */

/* The target table of INSERT/UPDATE/DELETE as a scope (also reachable as "excluded"). */
static int bind_target_table(struct binder *b, const struct ast_name *table, const struct ast_ident *alias,
			     struct bind_scope *sc, int *ncols, struct column_desc **cols)
{
	*ncols = bind_relation(b, table, cols);
	if (*ncols < 0)
		return bind_undefined_table(b, table, bind_name_off(b, table));
	bind_scope_add(b, sc, alias && alias->s ? alias->s : bind_name_text(table), *ncols, *cols);
	return 0;
}

/* What a value assigned to a column should be: its type, RT_ARRAY_OF | element for an array column. */
static enum rtype bind_col_want(const struct column_desc *c)
{
	return c->array ? (enum rtype)(RT_ARRAY_OF | (int)c->type) : c->type;
}

static enum rtype bind_col_type(int ncols, const struct column_desc *cols, const char *name)
{
	for (int i = 0; i < ncols; i++)
		if (cols[i].name && !strcasecmp(cols[i].name, name))
			return bind_col_want(&cols[i]);
	return RT_UNKNOWN;
}

static void bind_assignments(struct binder *b, int nset, const struct ast_assign *set, int ncols,
			     const struct column_desc *cols, struct bind_scope *sc)
{
	for (int i = 0; i < nset; i++) {
		enum rtype want = set[i].ncols == 1 ? bind_col_type(ncols, cols, set[i].cols[0].s) : RT_UNKNOWN;
		bind_expr(b, set[i].e, sc, want);
	}
}

static int bind_insert(struct binder *b, const struct ast_insert *ins, struct bind_result *out)
{
	struct bind_scope sc = {0};
	int ncols;
	struct column_desc *cols;
	if (bind_ctes(b, ins->nctes, ins->ctes, NULL) < 0 ||
	    bind_target_table(b, &ins->table, &ins->alias, &sc, &ncols, &cols) < 0)
		return -1;
	int nexpect = ins->ncols ? ins->ncols : ncols;
	enum rtype *expect = arena_alloc(b->a, sizeof(*expect) * ((size_t)nexpect + 1));
	for (int i = 0; i < nexpect; i++)
		expect[i] = ins->ncols ? bind_col_type(ncols, cols, ins->cols[i].s) : bind_col_want(&cols[i]);
	int n;
	struct column_desc *src;
	if (ins->source && bind_query(b, ins->source, NULL, expect, nexpect, &n, &src) < 0)
		return -1;
	if (ins->upsert) {
		bind_scope_add(b, &sc, "excluded", ncols, cols);
		if (ins->upsert->new_alias.s)
			bind_scope_add(b, &sc, ins->upsert->new_alias.s, ncols, cols);
		bind_assignments(b, ins->upsert->nset, ins->upsert->set, ncols, cols, &sc);
		bind_expr(b, ins->upsert->where, &sc, RT_BOOL);
	}
	return bind_targets(b, ins->nreturning, ins->returning, &sc, NULL, 0, &out->ncols, &out->cols);
}

static int bind_update(struct binder *b, const struct ast_update *up, struct bind_result *out)
{
	struct bind_scope sc = {0};
	int ncols;
	struct column_desc *cols;
	if (bind_ctes(b, up->nctes, up->ctes, NULL) < 0 ||
	    bind_target_table(b, &up->table, &up->alias, &sc, &ncols, &cols) < 0 || bind_from(b, up->from, &sc) < 0)
		return -1;
	bind_assignments(b, up->nset, up->set, ncols, cols, &sc);
	bind_expr(b, up->where, &sc, RT_BOOL);
	bind_expr(b, up->limit, &sc, RT_INT8);
	return bind_targets(b, up->nreturning, up->returning, &sc, NULL, 0, &out->ncols, &out->cols);
}

static int bind_delete(struct binder *b, const struct ast_delete *del, struct bind_result *out)
{
	struct bind_scope sc = {0};
	int ncols;
	struct column_desc *cols;
	if (bind_ctes(b, del->nctes, del->ctes, NULL) < 0 ||
	    bind_target_table(b, &del->table, &del->alias, &sc, &ncols, &cols) < 0 ||
	    bind_from(b, del->using_, &sc) < 0)
		return -1;
	bind_expr(b, del->where, &sc, RT_BOOL);
	bind_expr(b, del->limit, &sc, RT_INT8);
	return bind_targets(b, del->nreturning, del->returning, &sc, NULL, 0, &out->ncols, &out->cols);
}

int sql_bind(struct arena *a, const struct ast_stmt *s, const struct bind_catalog *cat, struct bind_result *out,
	     struct rerr *err)
{
	memset(out, 0, sizeof(*out));
	struct binder b = {.a = a, .s = s, .cat = cat, .err = err};
	b.nparams = s->nparams ? s->params[s->nparams - 1].ordinal : 0;
	b.params = arena_alloc(a, sizeof(*b.params) * ((size_t)b.nparams + 1));
	int rc = 0;
	switch (s->kind) {
	case AST_SELECT:
		rc = bind_query(&b, s->u.query, NULL, NULL, 0, &out->ncols, &out->cols);
		break;
	case AST_INSERT:
		rc = bind_insert(&b, s->u.insert, out);
		break;
	case AST_UPDATE:
		rc = bind_update(&b, s->u.update, out);
		break;
	case AST_DELETE:
		rc = bind_delete(&b, s->u.del, out);
		break;
	default:
		break; /* DDL and control statements: parameters stay untyped, no result */
	}
	out->nparams = b.nparams;
	out->param_types = b.params;
	return rc < 0 || b.failed ? -1 : 0;
}
