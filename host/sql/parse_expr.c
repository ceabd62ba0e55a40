/*
 * parse_expr.c — expressions, by precedence climbing over PostgreSQL's
 * operator precedence (lowest first):
 *
 *   OR (MySQL: ||, XOR)  <  AND (MySQL: &&)  <  NOT  <  IS, ISNULL, NOTNULL
 *   <  comparison (= <> != < > <= >=, MySQL <=>)  <  BETWEEN IN LIKE ILIKE
 *   <  other operators (|| <-> <#> <+> <=> -> ->> & | # << >>)  <  + -
 *   <  * / % DIV MOD  <  ^  <  unary + - ~  <  :: [] COLLATE  <  primary
 *
 * Each level is one function; each returns 0 with *out set or -1 with the
 * parser's error set.  The dialect decides what an operator means
 * (sql/dialect/rules.h), so the tree holds meanings, not spellings.
 */
#include <ctype.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "sql/parse_int.h"

struct ast_expr *p_new_expr(struct parser *p, enum ast_expr_kind k, size_t off)
{
	struct ast_expr *e = arena_alloc(p->a, sizeof(*e));
	e->kind = k;
	e->off = off;
	return e;
}

/* Operator chains are built iteratively but walked recursively (deparser, binder): bound them. */
static void p_count_operator(struct parser *p, size_t off)
{
	if (++p->operators == PARSE_MAX_OPERATORS && p->err->code == ERR_SUCCESSFUL_COMPLETION) {
		rerr_set(p->err, ERR_PROGRAM_LIMIT_EXCEEDED, "statement has too many operators (at most %d)",
			 PARSE_MAX_OPERATORS - 1);
		p->err->position = p_position(p, off);
	}
}

static struct ast_expr *p_binary(struct parser *p, enum ast_op op, struct ast_expr *l, struct ast_expr *r, size_t off)
{
	p_count_operator(p, off);
	struct ast_expr *e = p_new_expr(p, AST_BINARY, off);
	e->u.binary.op = op;
	e->u.binary.l = l;
	e->u.binary.r = r;
	return e;
}

static struct ast_expr *p_unary(struct parser *p, enum ast_op op, struct ast_expr *arg, size_t off)
{
	struct ast_expr *e = p_new_expr(p, AST_UNARY, off);
	e->u.unary.op = op;
	e->u.unary.arg = arg;
	return e;
}

static void p_list_push(struct parser *p, struct ast_expr_list *l, int *cap, struct ast_expr *e)
{
	if (l->n == *cap) {
		int nc = *cap ? *cap * 2 : 4;
		struct ast_expr **v = arena_alloc(p->a, (size_t)nc * sizeof(*v));
		if (l->n)
			memcpy(v, l->v, (size_t)l->n * sizeof(*v));
		l->v = v;
		*cap = nc;
	}
	l->v[l->n++] = e;
}

int p_expr_list(struct parser *p, struct ast_expr_list *out)
{
	int cap = 0;
	memset(out, 0, sizeof(*out));
	do {
		struct ast_expr *e;
		if (p_expr(p, &e) < 0)
			return -1;
		p_list_push(p, out, &cap, e);
	} while (p_accept(p, ","));
	return 0;
}

static int p_unary_level(struct parser *p, struct ast_expr **out);
static int p_other(struct parser *p, struct ast_expr **out);
static int p_not(struct parser *p, struct ast_expr **out);

/* ---- primaries --------------------------------------------------------- */

static int p_literal_string(struct parser *p, struct ast_expr **out)
{
	const struct sql_token *t = p_tok(p);
	struct ast_expr *e = p_new_expr(p, AST_LIT, t->off);
	size_t n;
	e->u.lit.text = sql_lex_decode(p->a, &p->lx, t, &n);
	e->u.lit.len = n;
	e->u.lit.kind = t->kind == TK_HEX ? LIT_BYTES : t->kind == TK_BITS ? LIT_BITS : LIT_STRING;
	p_next(p);
	/* adjacent string constants concatenate ('a' 'b'; PG requires a newline, MySQL does not) */
	while (e->u.lit.kind == LIT_STRING && p_tok(p)->kind == TK_STRING) {
		size_t m;
		const char *more = sql_lex_decode(p->a, &p->lx, p_tok(p), &m);
		char *cat = arena_alloc(p->a, n + m + 1);
		memcpy(cat, e->u.lit.text, n);
		memcpy(cat + n, more, m);
		n += m;
		e->u.lit.text = cat;
		e->u.lit.len = n;
		p_next(p);
	}
	*out = e;
	return 0;
}

static int p_window(struct parser *p, struct ast_window **out)
{
	struct ast_window *w = arena_alloc(p->a, sizeof(*w));
	if (p_tok(p)->kind == TK_IDENT || p_tok(p)->kind == TK_QIDENT) {
		struct ast_ident id;
		if (p_ident(p, &id) < 0)
			return -1;
		w->ref = id.s;
		*out = w;
		return 0;
	}
	if (p_expect(p, "(") < 0)
		return -1;
	if (p_accept2(p, "partition", "by") && p_expr_list(p, &w->partition) < 0)
		return -1;
	if (p_is(p, "order") && p_order_by(p, &w->norder, &w->order) < 0)
		return -1;
	if (p_is(p, "rows") || p_is(p, "range") || p_is(p, "groups")) {
		size_t start = p_tok(p)->off;
		int depth = 0;
		while (!(depth == 0 && p_is(p, ")"))) {
			if (p_tok(p)->kind == TK_EOF)
				return p_syntax(p);
			if (p_is(p, "("))
				depth++;
			else if (p_is(p, ")"))
				depth--;
			p_next(p);
		}
		w->frame = p_span(p, start, p_tok(p)->off);
	}
	if (p_expect(p, ")") < 0)
		return -1;
	*out = w;
	return 0;
}

/* SQL's trim([BOTH | LEADING | TRAILING] [chars] FROM s): trim/ltrim/rtrim(s [, chars]); `(` is next. */
static int p_trim_from(struct parser *p, size_t off, struct ast_expr **out)
{
	size_t save = p->i;
	int save_nparams = p->nparams, save_max = p->max_ordinal, save_auto = p->next_auto;
	p_next(p); /* ( */
	const char *fn = "trim";
	if (p_accept(p, "both"))
		fn = "trim";
	else if (p_accept(p, "leading"))
		fn = "ltrim";
	else if (p_accept(p, "trailing"))
		fn = "rtrim";
	struct ast_expr *chars = NULL, *s;
	if (!p_is(p, "from")) {
		if (p_expr(p, &chars) < 0)
			return -1;
		if (!p_is(p, "from")) { /* plain trim(x [, chars]): an ordinary call */
			if (strcmp(fn, "trim"))
				return p_syntax(p);
			p->i = save; /* parsed again as a call: its parameters are counted again */
			p->nparams = save_nparams;
			p->max_ordinal = save_max;
			p->next_auto = save_auto;
			return 1;
		}
	}
	p_next(p); /* FROM */
	if (p_expr(p, &s) < 0 || p_expect(p, ")") < 0)
		return -1;
	struct ast_expr *e = p_new_expr(p, AST_FUNC, off);
	e->u.func.name.n = 1;
	e->u.func.name.parts[0].s = fn;
	int cap = 0;
	p_list_push(p, &e->u.func.args, &cap, s);
	if (chars)
		p_list_push(p, &e->u.func.args, &cap, chars);
	*out = e;
	return 0;
}

/* name( ... ) with the name already read. */
static int p_func_call(struct parser *p, struct ast_name *name, size_t off, struct ast_expr **out)
{
	if (name->n == 1 && !name->parts[0].quoted && !strcasecmp(name->parts[0].s, "trim")) {
		int rc = p_trim_from(p, off, out);
		if (rc <= 0)
			return rc;
	}
	struct ast_expr *e = p_new_expr(p, AST_FUNC, off);
	e->u.func.name = *name;
	p_next(p); /* ( */
	if (p_is(p, "*")) {
		p_next(p);
		e->u.func.star = 1;
	} else if (!p_is(p, ")")) {
		if (p_accept(p, "distinct"))
			e->u.func.distinct = 1;
		else
			p_accept(p, "all");
		if (p_expr_list(p, &e->u.func.args) < 0)
			return -1;
		if (p_is(p, "order") && p_order_by(p, &e->u.func.norder, &e->u.func.order) < 0)
			return -1;
		if (p_accept(p, "separator")) { /* MySQL GROUP_CONCAT(x SEPARATOR ',') */
			struct ast_expr *sep;
			if (p_tok(p)->kind != TK_STRING)
				return p_syntax(p);
			if (p_literal_string(p, &sep) < 0)
				return -1;
			int cap = e->u.func.args.n;
			p_list_push(p, &e->u.func.args, &cap, sep);
		}
	}
	if (p_expect(p, ")") < 0)
		return -1;
	if (p_is(p, "within"))
		return p_unsupported(p, "WITHIN GROUP");
	if (p_accept(p, "filter")) {
		if (p_expect(p, "(") < 0 || p_expect(p, "where") < 0 || p_expr(p, &e->u.func.filter) < 0 ||
		    p_expect(p, ")") < 0)
			return -1;
	}
	if (p_accept(p, "over") && p_window(p, &e->u.func.over) < 0)
		return -1;
	*out = e;
	return 0;
}

static int p_case(struct parser *p, struct ast_expr **out)
{
	struct ast_expr *e = p_new_expr(p, AST_CASE, p_tok(p)->off);
	p_next(p);
	if (!p_is(p, "when") && p_expr(p, &e->u.case_.operand) < 0)
		return -1;
	int cap = 0;
	while (p_accept(p, "when")) {
		if (e->u.case_.nwhen == cap) {
			int nc = cap ? cap * 2 : 4;
			struct ast_when *v = arena_alloc(p->a, (size_t)nc * sizeof(*v));
			if (cap)
				memcpy(v, e->u.case_.when, (size_t)cap * sizeof(*v));
			e->u.case_.when = v;
			cap = nc;
		}
		struct ast_when *w = &e->u.case_.when[e->u.case_.nwhen++];
		if (p_expr(p, &w->cond) < 0 || p_expect(p, "then") < 0 || p_expr(p, &w->then) < 0)
			return -1;
	}
	if (!e->u.case_.nwhen)
		return p_syntax(p);
	if (p_accept(p, "else") && p_expr(p, &e->u.case_.else_) < 0)
		return -1;
	if (p_expect(p, "end") < 0)
		return -1;
	*out = e;
	return 0;
}

static struct ast_expr *p_cast_node(struct parser *p, struct ast_expr *arg, const struct ast_type *t, size_t off)
{
	struct ast_expr *e = p_new_expr(p, AST_CAST, off);
	e->u.cast.arg = arg;
	e->u.cast.type = *t;
	return e;
}

/* CAST(x AS t), TRY_CAST, MySQL CONVERT(x, t) and CONVERT(x USING cs), T-SQL CONVERT(t, x [, style]). */
static int p_cast_call(struct parser *p, struct ast_expr **out)
{
	size_t off = p_tok(p)->off;
	int convert = p_is(p, "convert");
	p_next(p);
	if (p_expect(p, "(") < 0)
		return -1;
	struct ast_expr *arg;
	struct ast_type t;
	if (convert && p->r->top) { /* T-SQL: CONVERT(type, expr [, style]) */
		if (p_type(p, &t) < 0 || p_expect(p, ",") < 0 || p_expr(p, &arg) < 0)
			return -1;
		if (p_accept(p, ",")) {
			struct ast_expr *style;
			if (p_expr(p, &style) < 0)
				return -1;
		}
	} else {
		if (p_expr(p, &arg) < 0)
			return -1;
		if (convert && p_accept(p, "using")) { /* a character set: the value is unchanged */
			struct ast_ident cs;
			if (p_ident_any(p, &cs) < 0 || p_expect(p, ")") < 0)
				return -1;
			*out = arg;
			return 0;
		}
		if (!(convert ? p_accept(p, ",") : p_accept(p, "as")))
			return p_syntax(p);
		if (p_type(p, &t) < 0)
			return -1;
	}
	if (p_expect(p, ")") < 0)
		return -1;
	*out = p_cast_node(p, arg, &t, off);
	return 0;
}

static int p_extract(struct parser *p, struct ast_expr **out)
{
	struct ast_expr *e = p_new_expr(p, AST_EXTRACT, p_tok(p)->off);
	p_next(p);
	if (p_expect(p, "(") < 0)
		return -1;
	const struct sql_token *f = p_tok(p);
	if (f->kind != TK_IDENT && f->kind != TK_STRING)
		return p_syntax(p);
	if (f->kind == TK_STRING) {
		size_t n;
		char *s = sql_lex_decode(p->a, &p->lx, f, &n);
		for (char *c = s; *c; c++)
			*c = (char)tolower((unsigned char)*c);
		e->u.extract.field = s;
	} else {
		e->u.extract.field = p_lower(p, f);
	}
	p_next(p);
	if (p_expect(p, "from") < 0 || p_expr(p, &e->u.extract.arg) < 0 || p_expect(p, ")") < 0)
		return -1;
	*out = e;
	return 0;
}

/* DATE '...', TIMESTAMP '...', INTERVAL '1 day', MySQL INTERVAL 1 DAY. */
static int p_typed_literal(struct parser *p, struct ast_expr **out)
{
	size_t off = p_tok(p)->off;
	struct ast_type t;
	int interval = p_is(p, "interval");
	if (interval) {
		memset(&t, 0, sizeof(t));
		t.type = RT_INTERVAL;
		t.typmod = t.precision = t.scale = -1;
		t.name = "interval";
		p_next(p);
	} else {
		/* the type words run up to the string */
		size_t save = p->i;
		if (p_type(p, &t) < 0)
			return -1;
		if (p_tok(p)->kind != TK_STRING) {
			p->i = save;
			return p_syntax(p);
		}
	}
	struct ast_expr *lit;
	if (p_tok(p)->kind == TK_STRING) {
		if (p_literal_string(p, &lit) < 0)
			return -1;
		if (interval) { /* INTERVAL '1' DAY: the unit follows */
			static const char *const units[] = {"year", "month", "day", "hour", "minute", "second", "week", NULL};
			for (int k = 0; units[k]; k++)
				if (p_is(p, units[k]) || (p_tok(p)->kind == TK_IDENT && p_tok(p)->len == strlen(units[k]) + 1 &&
							   sql_tok_is(&p->lx, p_tok(p), units[k]))) {
					char *s = arena_alloc(p->a, lit->u.lit.len + 16);
					snprintf(s, lit->u.lit.len + 16, "%s %s", lit->u.lit.text, units[k]);
					lit->u.lit.text = s;
					lit->u.lit.len = strlen(s);
					p_next(p);
					if (p_accept(p, "to"))
						p_next(p);
					break;
				}
		}
	} else if (interval) { /* MySQL INTERVAL <expr> <unit> */
		if (p_other(p, &lit) < 0)
			return -1;
		if (p_tok(p)->kind != TK_IDENT)
			return p_syntax(p);
		if (lit->kind != AST_LIT || (lit->u.lit.kind != LIT_INT && lit->u.lit.kind != LIT_NUMERIC))
			return p_unsupported(p, "INTERVAL with a computed quantity");
		char *unit = p_lower(p, p_tok(p));
		p_next(p);
		struct ast_expr *s = p_new_expr(p, AST_LIT, lit->off);
		size_t m = lit->u.lit.len + strlen(unit) + 2;
		char *txt = arena_alloc(p->a, m);
		snprintf(txt, m, "%s %s", lit->u.lit.text, unit);
		s->u.lit.kind = LIT_STRING;
		s->u.lit.text = txt;
		s->u.lit.len = strlen(txt);
		lit = s;
	} else {
		return p_syntax(p);
	}
	struct ast_expr *e = p_cast_node(p, lit, &t, off);
	e->u.cast.typed_literal = 1;
	*out = e;
	return 0;
}

static int p_special(struct parser *p, enum ast_special what, struct ast_expr **out)
{
	struct ast_expr *e = p_new_expr(p, AST_SPECIAL, p_tok(p)->off);
	e->u.special.what = what;
	p_next(p);
	if (p_accept(p, "(")) { /* CURRENT_TIMESTAMP(3), CURRENT_DATE() in MySQL */
		if (!p_is(p, ")")) {
			struct ast_expr *prec;
			if (p_expr(p, &prec) < 0)
				return -1;
		}
		if (p_expect(p, ")") < 0)
			return -1;
	}
	*out = e;
	return 0;
}

/* A column reference, t.*, or a function call, starting at an identifier. */
static int p_name_expr(struct parser *p, struct ast_expr **out)
{
	size_t off = p_tok(p)->off;
	struct ast_name name;
	memset(&name, 0, sizeof(name));
	if (p->in_upsert && p_is(p, "values") && p_peek_is(p, 1, "(")) {
		/* MySQL VALUES(col) in ON DUPLICATE KEY UPDATE: the proposed row, SQLite's excluded.col */
		p->i += 2;
		struct ast_expr *e = p_new_expr(p, AST_COLUMN, off);
		e->u.column.n = 2;
		e->u.column.parts[0].s = "excluded";
		if (p_ident(p, &e->u.column.parts[1]) < 0 || p_expect(p, ")") < 0)
			return -1;
		*out = e;
		return 0;
	}
	int fn_word = p_peek_is(p, 1, "(") && (p_is(p, "left") || p_is(p, "right") || p_is(p, "replace"));
	if (fn_word ? p_ident_any(p, &name.parts[0]) : p_ident(p, &name.parts[0]))
		return -1;
	name.n = 1;
	while (p_is(p, ".")) {
		if (p_peek_is(p, 1, "*")) {
			p_next(p);
			p_next(p);
			struct ast_expr *e = p_new_expr(p, AST_STAR, off);
			e->u.star = name;
			*out = e;
			return 0;
		}
		if (name.n == AST_NAME_MAX)
			return p_syntax(p);
		p_next(p);
		if (p_ident_any(p, &name.parts[name.n++]) < 0)
			return -1;
	}
	if (p_is(p, "("))
		return p_func_call(p, &name, off, out);
	const struct sql_func_map *now = name.n == 1 && !name.parts[0].quoted
						 ? sql_rules_func(p->r, p->lx.s + off, p->toks[p->i - 1].len)
						 : NULL;
	if (now && now->bare) { /* Oracle SYSDATE, Snowflake SYSDATE: a function without parentheses */
		struct ast_expr *e = p_new_expr(p, AST_SPECIAL, off);
		e->u.special.what = SPECIAL_CURRENT_TIMESTAMP;
		*out = e;
		return 0;
	}
	if (p->upsert_alias && name.n == 2 && !strcmp(name.parts[0].s, p->upsert_alias))
		name.parts[0].s = "excluded"; /* MySQL INSERT ... AS new ON DUPLICATE KEY UPDATE a = new.a */
	struct ast_expr *e = p_new_expr(p, AST_COLUMN, off);
	e->u.column = name;
	*out = e;
	return 0;
}

/* A call of one of the engine's own functions (names the deparser knows: sqlite_array.c). */
static struct ast_expr *p_internal_call(struct parser *p, const char *fn, size_t off)
{
	struct ast_expr *e = p_new_expr(p, AST_FUNC, off);
	e->u.func.name.n = 1;
	e->u.func.name.parts[0].s = fn;
	return e;
}

/*
 * ARRAY[a, b, ...] is rosetta_array(a, b, ...); ARRAY(subquery) is
 * rosetta_array_sub(subquery), whose single column the deparser aggregates.
 */
static int p_array(struct parser *p, struct ast_expr **out)
{
	size_t off = p_tok(p)->off;
	p_next(p);
	if (p_accept(p, "(")) {
		if (!p_query_starts(p))
			return p_syntax(p);
		struct ast_expr *sub = p_new_expr(p, AST_SUBQUERY, p_tok(p)->off);
		if (p_query(p, &sub->u.exists.sub) < 0 || p_expect(p, ")") < 0)
			return -1;
		/* the deparser aggregates the column by this name (see sqlite_array.c) */
		const struct ast_body *b = sub->u.exists.sub->body;
		while (b->op != SETOP_NONE)
			b = b->l;
		if (b->paren || b->select->values || b->select->ntargets != 1 || b->select->targets[0].e->kind == AST_STAR)
			return p_unsupported(p, "ARRAY(subquery) that is not one column");
		b->select->targets[0].alias.s = "rosetta_elem";
		b->select->targets[0].alias.quoted = 0;
		struct ast_expr *e = p_internal_call(p, "rosetta_array_sub", off);
		int cap = 0;
		p_list_push(p, &e->u.func.args, &cap, sub);
		*out = e;
		return 0;
	}
	if (p_expect(p, "[") < 0)
		return -1;
	struct ast_expr *e = p_internal_call(p, "rosetta_array", off);
	if (!p_is(p, "]") && p_expr_list(p, &e->u.func.args) < 0)
		return -1;
	if (p_expect(p, "]") < 0)
		return -1;
	*out = e;
	return 0;
}

static int p_primary(struct parser *p, struct ast_expr **out)
{
	const struct sql_token *t = p_tok(p);
	size_t off = t->off;
	switch (t->kind) {
	case TK_INT:
	case TK_NUMBER: {
		struct ast_expr *e = p_new_expr(p, AST_LIT, off);
		e->u.lit.text = p_raw(p, t);
		e->u.lit.len = t->len;
		if (t->kind == TK_INT) {
			/* beyond int8 an integer constant is numeric */
			e->u.lit.kind = t->len < 19 || (t->len == 19 && strcmp(e->u.lit.text, "9223372036854775807") <= 0) ||
						(t->len > 2 && e->u.lit.text[1] == 'x')
					    ? LIT_INT
					    : LIT_NUMERIC;
		} else {
			int expo = memchr(e->u.lit.text, 'e', t->len) || memchr(e->u.lit.text, 'E', t->len);
			e->u.lit.kind = expo ? LIT_FLOAT : LIT_NUMERIC;
		}
		p_next(p);
		*out = e;
		return 0;
	}
	case TK_STRING:
	case TK_HEX:
	case TK_BITS:
		return p_literal_string(p, out);
	case TK_PARAM: {
		struct ast_expr *e = p_new_expr(p, AST_PARAM, off);
		if (p_param(p, t, &e->u.param.ordinal) < 0)
			return -1;
		e->u.param.spelling = p_raw(p, t);
		p_next(p);
		*out = e;
		return 0;
	}
	case TK_OP:
		if (p_is(p, "(")) {
			p_next(p);
			if (p_query_starts(p)) {
				struct ast_expr *e = p_new_expr(p, AST_SUBQUERY, off);
				if (p_query(p, &e->u.exists.sub) < 0 || p_expect(p, ")") < 0)
					return -1;
				*out = e;
				return 0;
			}
			struct ast_expr *first;
			if (p_expr(p, &first) < 0)
				return -1;
			if (p_is(p, ",")) {
				struct ast_expr *e = p_new_expr(p, AST_ROW, off);
				int cap = 0;
				p_list_push(p, &e->u.row, &cap, first);
				while (p_accept(p, ",")) {
					struct ast_expr *x;
					if (p_expr(p, &x) < 0)
						return -1;
					p_list_push(p, &e->u.row, &cap, x);
				}
				first = e;
			}
			if (p_expect(p, ")") < 0)
				return -1;
			*out = first;
			return 0;
		}
		if (p_is(p, "*")) {
			p_next(p);
			*out = p_new_expr(p, AST_STAR, off);
			return 0;
		}
		if (p_is(p, "@") && p_peek(p, 1)->kind == TK_IDENT && p_peek(p, 1)->off == off + 1) {
			p_next(p); /* MySQL @user_variable */
			struct ast_expr *e = p_new_expr(p, AST_VARIABLE, off);
			e->u.variable.name = p_span(p, off, p_tok(p)->off + p_tok(p)->len);
			p_next(p);
			*out = e;
			return 0;
		}
		return p_syntax(p);
	case TK_QIDENT:
		return p_name_expr(p, out);
	case TK_IDENT:
		break;
	default:
		return p_syntax(p);
	}
	if (p->lx.s[off] == '@') { /* @@variable */
		struct ast_expr *e = p_new_expr(p, AST_VARIABLE, off);
		e->u.variable.name = p_lower(p, t);
		p_next(p);
		*out = e;
		return 0;
	}
	if (p_is(p, "true") || p_is(p, "false")) {
		struct ast_expr *e = p_new_expr(p, AST_LIT, off);
		e->u.lit.kind = LIT_BOOL;
		e->u.lit.b = p_is(p, "true");
		e->u.lit.text = e->u.lit.b ? "true" : "false";
		p_next(p);
		*out = e;
		return 0;
	}
	if (p_is(p, "null")) {
		struct ast_expr *e = p_new_expr(p, AST_LIT, off);
		e->u.lit.kind = LIT_NULL;
		e->u.lit.text = "NULL";
		p_next(p);
		*out = e;
		return 0;
	}
	if (p_is(p, "case"))
		return p_case(p, out);
	if ((p_is(p, "cast") || p_is(p, "try_cast") || p_is(p, "convert")) && p_peek_is(p, 1, "("))
		return p_cast_call(p, out);
	if (p_is(p, "extract") && p_peek_is(p, 1, "("))
		return p_extract(p, out);
	if (p_is(p, "exists")) {
		struct ast_expr *e = p_new_expr(p, AST_EXISTS, off);
		p_next(p);
		if (p_expect(p, "(") < 0 || p_query(p, &e->u.exists.sub) < 0 || p_expect(p, ")") < 0)
			return -1;
		*out = e;
		return 0;
	}
	if (p_is(p, "default") && p->in_values) {
		p_next(p);
		*out = p_new_expr(p, AST_DEFAULT, off);
		return 0;
	}
	if (p_is(p, "interval") || ((p_is(p, "date") || p_is(p, "time") || p_is(p, "timestamp") ||
				     p_is(p, "timestamptz") || p_is(p, "datetime")) &&
				    (p_peek(p, 1)->kind == TK_STRING || p_peek_is(p, 1, "with") || p_peek_is(p, 1, "without"))))
		return p_typed_literal(p, out);
	if (p_is(p, "current_timestamp") || p_is(p, "localtimestamp") || p_is(p, "localtime"))
		return p_special(p, p_is(p, "current_timestamp") ? SPECIAL_CURRENT_TIMESTAMP : SPECIAL_LOCALTIMESTAMP, out);
	if (p_is(p, "current") && (p_peek_is(p, 1, "date") || p_peek_is(p, 1, "timestamp") || p_peek_is(p, 1, "time"))) {
		p_next(p); /* Db2: CURRENT DATE, CURRENT TIMESTAMP */
		return p_special(p, p_is(p, "date") ? SPECIAL_CURRENT_DATE : p_is(p, "time") ? SPECIAL_CURRENT_TIME
											: SPECIAL_CURRENT_TIMESTAMP, out);
	}
	if (p_is(p, "current_date"))
		return p_special(p, SPECIAL_CURRENT_DATE, out);
	if (p_is(p, "current_time"))
		return p_special(p, SPECIAL_CURRENT_TIME, out);
	if ((p_is(p, "current_user") || p_is(p, "session_user")) && !p_peek_is(p, 1, "."))
		return p_special(p, SPECIAL_CURRENT_USER, out);
	if (p_is(p, "current_catalog") && !p_peek_is(p, 1, ".") && !p_peek_is(p, 1, "(") && !p->r->mysql_ops) {
		p_next(p); /* SQL's name for PostgreSQL's current_database() */
		*out = p_internal_call(p, "current_database", off);
		return 0;
	}
	if (p->r->rownum && p_is(p, "rownum")) {
		p_next(p);
		struct ast_expr *e = p_new_expr(p, AST_SPECIAL, off);
		e->u.special.what = SPECIAL_ROWNUM;
		*out = e;
		return 0;
	}
	if (p_is(p, "array") && (p_peek_is(p, 1, "[") || p_peek_is(p, 1, "(")))
		return p_array(p, out);
	if (p_is(p, "row") && p_peek_is(p, 1, "["))
		return p_unsupported(p, "ARRAY constructors");
	return p_name_expr(p, out);
}

/* ---- postfix and unary --------------------------------------------------- */

static int p_postfix(struct parser *p, struct ast_expr **out)
{
	if (p_primary(p, out) < 0)
		return -1;
	for (;;) {
		if (p_is(p, "::")) {
			size_t off = p_tok(p)->off;
			p_next(p);
			struct ast_type t;
			if (p_type(p, &t) < 0)
				return -1;
			*out = p_cast_node(p, *out, &t, off);
		} else if (p_is(p, ".") && p->i > 0 && sql_tok_is(&p->lx, &p->toks[p->i - 1], ")") &&
			   (p_peek(p, 1)->kind == TK_IDENT || p_peek(p, 1)->kind == TK_QIDENT)) {
			/* (composite).field: rosetta_field(composite, 'field'), which the deparser resolves */
			size_t off = p_tok(p)->off;
			p_next(p);
			struct ast_ident field;
			if (p_ident_any(p, &field) < 0)
				return -1;
			struct ast_expr *name = p_new_expr(p, AST_LIT, off);
			name->u.lit.kind = LIT_STRING;
			name->u.lit.text = field.s;
			name->u.lit.len = strlen(field.s);
			struct ast_expr *e = p_internal_call(p, "rosetta_field", off);
			int cap = 0;
			p_list_push(p, &e->u.func.args, &cap, *out);
			p_list_push(p, &e->u.func.args, &cap, name);
			*out = e;
		} else if (p_is(p, "[")) {
			size_t off = p_tok(p)->off;
			p_next(p);
			struct ast_expr *idx;
			if (p_expr(p, &idx) < 0)
				return -1;
			if (p_is(p, ":"))
				return p_unsupported(p, "array slices");
			if (p_expect(p, "]") < 0)
				return -1;
			struct ast_expr *e = p_internal_call(p, "rosetta_array_get", off);
			int cap = 0;
			p_list_push(p, &e->u.func.args, &cap, *out);
			p_list_push(p, &e->u.func.args, &cap, idx);
			*out = e;
		} else if (p_is(p, "collate")) {
			struct ast_expr *e = p_new_expr(p, AST_COLLATE, p_tok(p)->off);
			p_next(p);
			struct ast_name coll;
			if (p_tok(p)->kind == TK_STRING) {
				size_t n;
				e->u.collate.collation = sql_lex_decode(p->a, &p->lx, p_tok(p), &n);
				p_next(p);
			} else {
				if (p_name(p, &coll) < 0)
					return -1;
				e->u.collate.collation = coll.parts[coll.n - 1].s;
			}
			e->u.collate.arg = *out;
			*out = e;
		} else {
			return 0;
		}
	}
}

static int p_unary_level(struct parser *p, struct ast_expr **out)
{
	size_t off = p_tok(p)->off;
	enum ast_op op;
	if (p_is(p, "-"))
		op = AST_OP_NEG;
	else if (p_is(p, "+"))
		op = AST_OP_PLUS;
	else if (p_is(p, "~"))
		op = AST_OP_BITNOT;
	else if (p_is(p, "!") && p->r->mysql_ops)
		op = AST_OP_NOT;
	else
		return p_postfix(p, out);
	p_next(p);
	if (p_enter(p) < 0)
		return -1;
	struct ast_expr *arg;
	if (p_unary_level(p, &arg) < 0)
		return -1;
	p_leave(p);
	/* fold -<number> into the literal: -9223372036854775808 is an int8 */
	if (op == AST_OP_NEG && arg->kind == AST_LIT && (arg->u.lit.kind == LIT_INT || arg->u.lit.kind == LIT_NUMERIC ||
							 arg->u.lit.kind == LIT_FLOAT) && arg->u.lit.text[0] != '-') {
		char *s = arena_alloc(p->a, arg->u.lit.len + 2);
		s[0] = '-';
		memcpy(s + 1, arg->u.lit.text, arg->u.lit.len);
		arg->u.lit.text = s;
		arg->u.lit.len++;
		if (arg->u.lit.kind == LIT_NUMERIC && !strcmp(s, "-9223372036854775808"))
			arg->u.lit.kind = LIT_INT;
		arg->off = off;
		*out = arg;
		return 0;
	}
	*out = p_unary(p, op, arg, off);
	return 0;
}

/* ---- binary levels ------------------------------------------------------- */

static int p_pow(struct parser *p, struct ast_expr **out)
{
	if (p_unary_level(p, out) < 0)
		return -1;
	while (p_is(p, "^")) {
		size_t off = p_tok(p)->off;
		p_next(p);
		struct ast_expr *r;
		if (p_unary_level(p, &r) < 0)
			return -1;
		*out = p_binary(p, p->r->caret_pow ? AST_OP_POW : AST_OP_BITXOR, *out, r, off);
	}
	return 0;
}

static int p_mul(struct parser *p, struct ast_expr **out)
{
	if (p_pow(p, out) < 0)
		return -1;
	for (;;) {
		enum ast_op op;
		if (p_is(p, "*"))
			op = AST_OP_MUL;
		else if (p_is(p, "/"))
			op = AST_OP_DIV;
		else if (p_is(p, "%"))
			op = AST_OP_MOD;
		else if (p->r->mysql_ops && p_is(p, "div"))
			op = AST_OP_INTDIV;
		else if (p->r->mysql_ops && p_is(p, "mod"))
			op = AST_OP_MOD;
		else
			return 0;
		size_t off = p_tok(p)->off;
		p_next(p);
		struct ast_expr *r;
		if (p_pow(p, &r) < 0)
			return -1;
		*out = p_binary(p, op, *out, r, off);
	}
}

static int p_add(struct parser *p, struct ast_expr **out)
{
	if (p_mul(p, out) < 0)
		return -1;
	for (;;) {
		enum ast_op op;
		if (p_is(p, "+"))
			op = AST_OP_ADD;
		else if (p_is(p, "-"))
			op = AST_OP_SUB;
		else
			return 0;
		size_t off = p_tok(p)->off;
		p_next(p);
		struct ast_expr *r;
		if (p_mul(p, &r) < 0)
			return -1;
		*out = p_binary(p, op, *out, r, off);
	}
}

/* Operators of PostgreSQL's "any other operator" precedence. */
static int p_other(struct parser *p, struct ast_expr **out)
{
	if (p_add(p, out) < 0)
		return -1;
	for (;;) {
		size_t off = p_tok(p)->off;
		int dist = -1;
		enum ast_op op;
		if (p_is(p, "||") && p->r->pipes_concat)
			op = AST_OP_CONCAT;
		else if (p_is(p, "<->"))
			dist = DIST_L2;
		else if (p_is(p, "<#>"))
			dist = DIST_INNER;
		else if (p_is(p, "<+>"))
			dist = DIST_L1;
		else if (p_is(p, "<=>") && !p->r->spaceship_nullsafe)
			dist = DIST_COSINE;
		else if (p_is(p, "->"))
			op = AST_OP_JSON_GET;
		else if (p_is(p, "->>"))
			op = AST_OP_JSON_GET_TEXT;
		else if (p_is(p, "&"))
			op = AST_OP_BITAND;
		else if (p_is(p, "|"))
			op = AST_OP_BITOR;
		else if (p_is(p, "#") && !p->r->hash_comment)
			op = AST_OP_BITXOR;
		else if (p_is(p, "<<"))
			op = AST_OP_SHL;
		else if (p_is(p, ">>"))
			op = AST_OP_SHR;
		else
			return 0;
		p_next(p);
		struct ast_expr *r;
		if (p_add(p, &r) < 0)
			return -1;
		if (dist >= 0) {
			struct ast_expr *e = p_new_expr(p, AST_DISTANCE, off);
			e->u.distance.l = *out;
			e->u.distance.r = r;
			e->u.distance.metric = (enum ast_distance)dist;
			*out = e;
		} else {
			*out = p_binary(p, op, *out, r, off);
		}
	}
}

/* BETWEEN, IN, LIKE, ILIKE, REGEXP (optionally NOT). */
static int p_predicate(struct parser *p, struct ast_expr **out)
{
	if (p_other(p, out) < 0)
		return -1;
	for (;;) {
		size_t off = p_tok(p)->off;
		int not_ = 0;
		size_t k = 0;
		if (p_is(p, "not")) {
			not_ = 1;
			k = 1;
		}
		const struct sql_token *t = p_peek(p, k);
		int is_regexp = p->r->mysql_ops && (sql_tok_is(&p->lx, t, "regexp") || sql_tok_is(&p->lx, t, "rlike"));
		/* PostgreSQL's regex matches: ~ ~* !~ !~*, also spelled OPERATOR(pg_catalog.~) as psql writes them */
		int regex_op = 0, ntok = 1;
		if (!p->r->mysql_ops && !not_) {
			if (sql_tok_is(&p->lx, t, "operator") && sql_tok_is(&p->lx, p_peek(p, 1), "(")) {
				int j = 2;
				while (p_peek(p, j)->kind == TK_IDENT && sql_tok_is(&p->lx, p_peek(p, j + 1), "."))
					j += 2;
				if (sql_tok_is(&p->lx, p_peek(p, j + 1), ")")) {
					t = p_peek(p, j);
					ntok = j + 2;
				}
			}
			if (sql_tok_is(&p->lx, t, "~"))
				regex_op = 1;
			else if (sql_tok_is(&p->lx, t, "~*"))
				regex_op = 2;
			else if (sql_tok_is(&p->lx, t, "!~"))
				regex_op = 3;
			else if (sql_tok_is(&p->lx, t, "!~*"))
				regex_op = 4;
		}
		if (regex_op) {
			p->i += ntok;
			struct ast_expr *e = p_new_expr(p, AST_LIKE, off);
			e->u.like.not_ = regex_op >= 3;
			e->u.like.arg = *out;
			e->u.like.op = (regex_op == 2 || regex_op == 4) ? LIKE_REGEXP_CI : LIKE_REGEXP;
			if (p_other(p, &e->u.like.pattern) < 0)
				return -1;
			*out = e;
			continue;
		}
		if (sql_tok_is(&p->lx, t, "between")) {
			p->i += k + 1;
			struct ast_expr *e = p_new_expr(p, AST_BETWEEN, off);
			e->u.between.not_ = not_;
			e->u.between.arg = *out;
			if (p_accept(p, "symmetric"))
				e->u.between.symmetric = 1;
			if (p_other(p, &e->u.between.lo) < 0 || p_expect(p, "and") < 0 || p_other(p, &e->u.between.hi) < 0)
				return -1;
			*out = e;
		} else if (sql_tok_is(&p->lx, t, "in")) {
			p->i += k + 1;
			struct ast_expr *e = p_new_expr(p, AST_IN, off);
			e->u.in.not_ = not_;
			e->u.in.arg = *out;
			if (p_expect(p, "(") < 0)
				return -1;
			if (p_query_starts(p)) {
				if (p_query(p, &e->u.in.sub) < 0)
					return -1;
			} else if (p_expr_list(p, &e->u.in.list) < 0) {
				return -1;
			}
			if (p_expect(p, ")") < 0)
				return -1;
			*out = e;
		} else if (sql_tok_is(&p->lx, t, "like") || sql_tok_is(&p->lx, t, "ilike") || is_regexp) {
			p->i += k + 1;
			struct ast_expr *e = p_new_expr(p, AST_LIKE, off);
			e->u.like.not_ = not_;
			e->u.like.arg = *out;
			e->u.like.op = is_regexp ? LIKE_REGEXP : sql_tok_is(&p->lx, t, "ilike") ? LIKE_ILIKE : LIKE_LIKE;
			if (p_other(p, &e->u.like.pattern) < 0)
				return -1;
			if (p_accept(p, "escape") && p_other(p, &e->u.like.escape) < 0)
				return -1;
			*out = e;
		} else if (sql_tok_is(&p->lx, t, "similar")) {
			return p_unsupported(p, "SIMILAR TO");
		} else {
			return 0;
		}
	}
}

/*
 * x op ANY/SOME/ALL (subquery or array): = ANY is IN, <> ALL is NOT IN; over
 * an ARRAY[...] constructor the list is the IN list, over any other array
 * value it is rosetta_any_eq(x, array) (NOT of it for <> ALL).
 */
static int p_quantified(struct parser *p, enum ast_op op, struct ast_expr *l, size_t off, struct ast_expr **out)
{
	int all = p_is(p, "all");
	p_next(p);
	if (p_expect(p, "(") < 0)
		return -1;
	if (!((op == AST_OP_EQ && !all) || (op == AST_OP_NE && all)))
		return p_unsupported(p, "this ANY/ALL comparison");
	if (!p_query_starts(p)) {
		struct ast_expr *arr;
		if (p_expr(p, &arr) < 0 || p_expect(p, ")") < 0)
			return -1;
		struct ast_expr *ctor = arr;
		while (ctor->kind == AST_CAST && ctor->u.cast.type.array)
			ctor = ctor->u.cast.arg; /* ARRAY[...]::text[] */
		if (ctor->kind == AST_FUNC && ctor->u.func.name.n == 1 && !strcmp(ctor->u.func.name.parts[0].s, "rosetta_array"))
			arr = ctor;
		if (arr->kind == AST_FUNC && arr->u.func.name.n == 1 && !strcmp(arr->u.func.name.parts[0].s, "rosetta_array") &&
		    arr->u.func.args.n > 0) {
			struct ast_expr *e = p_new_expr(p, AST_IN, off);
			e->u.in.arg = l;
			e->u.in.not_ = all;
			e->u.in.list = arr->u.func.args;
			*out = e;
			return 0;
		}
		struct ast_expr *e = p_internal_call(p, "rosetta_any_eq", off);
		int cap = 0;
		p_list_push(p, &e->u.func.args, &cap, l);
		p_list_push(p, &e->u.func.args, &cap, arr);
		*out = all ? p_unary(p, AST_OP_NOT, e, off) : e;
		return 0;
	}
	struct ast_expr *e = p_new_expr(p, AST_IN, off);
	e->u.in.arg = l;
	e->u.in.not_ = all;
	if (p_query(p, &e->u.in.sub) < 0 || p_expect(p, ")") < 0)
		return -1;
	*out = e;
	return 0;
}

static int p_comparison(struct parser *p, struct ast_expr **out)
{
	if (p_predicate(p, out) < 0)
		return -1;
	for (;;) {
		enum ast_op op;
		if (p_is(p, "="))
			op = AST_OP_EQ;
		else if (p_is(p, "<>") || p_is(p, "!="))
			op = AST_OP_NE;
		else if (p_is(p, "<"))
			op = AST_OP_LT;
		else if (p_is(p, "<="))
			op = AST_OP_LE;
		else if (p_is(p, ">"))
			op = AST_OP_GT;
		else if (p_is(p, ">="))
			op = AST_OP_GE;
		else if (p_is(p, "<=>") && p->r->spaceship_nullsafe)
			op = AST_OP_NULLSAFE_EQ;
		else
			return 0;
		size_t off = p_tok(p)->off;
		p_next(p);
		if ((p_is(p, "any") || p_is(p, "some") || p_is(p, "all")) && p_peek_is(p, 1, "(")) {
			if (p_quantified(p, op, *out, off, out) < 0)
				return -1;
			continue;
		}
		struct ast_expr *r;
		if (p_predicate(p, &r) < 0)
			return -1;
		*out = p_binary(p, op, *out, r, off);
	}
}

static int p_is_level(struct parser *p, struct ast_expr **out)
{
	if (p_comparison(p, out) < 0)
		return -1;
	for (;;) {
		size_t off = p_tok(p)->off;
		if ((p_is(p, "isnull") || p_is(p, "notnull")) && !p_peek_is(p, 1, "(")) {
			struct ast_expr *e = p_new_expr(p, AST_IS, off);
			e->u.is.not_ = p_is(p, "notnull");
			e->u.is.what = IS_NULL;
			e->u.is.arg = *out;
			p_next(p);
			*out = e;
			continue;
		}
		if (!p_accept(p, "is"))
			return 0;
		struct ast_expr *e = p_new_expr(p, AST_IS, off);
		e->u.is.arg = *out;
		e->u.is.not_ = p_accept(p, "not");
		if (p_accept(p, "null"))
			e->u.is.what = IS_NULL;
		else if (p_accept(p, "true"))
			e->u.is.what = IS_TRUE;
		else if (p_accept(p, "false"))
			e->u.is.what = IS_FALSE;
		else if (p_accept(p, "unknown"))
			e->u.is.what = IS_UNKNOWN;
		else if (p_accept2(p, "distinct", "from")) {
			e->u.is.what = IS_DISTINCT;
			if (p_comparison(p, &e->u.is.rhs) < 0)
				return -1;
		} else {
			return p_syntax(p);
		}
		*out = e;
	}
}

static int p_not(struct parser *p, struct ast_expr **out)
{
	if (p_is(p, "not")) {
		size_t off = p_tok(p)->off;
		p_next(p);
		if (p_enter(p) < 0)
			return -1;
		struct ast_expr *arg;
		if (p_not(p, &arg) < 0)
			return -1;
		p_leave(p);
		*out = p_unary(p, AST_OP_NOT, arg, off);
		return 0;
	}
	return p_is_level(p, out);
}

static int p_and(struct parser *p, struct ast_expr **out)
{
	if (p_not(p, out) < 0)
		return -1;
	while (p_is(p, "and") || (p->r->mysql_ops && p_is(p, "&&"))) {
		size_t off = p_tok(p)->off;
		p_next(p);
		struct ast_expr *r;
		if (p_not(p, &r) < 0)
			return -1;
		*out = p_binary(p, AST_OP_AND, *out, r, off);
	}
	return 0;
}

static int p_xor(struct parser *p, struct ast_expr **out)
{
	if (p_and(p, out) < 0)
		return -1;
	while (p->r->mysql_ops && p_is(p, "xor")) {
		size_t off = p_tok(p)->off;
		p_next(p);
		struct ast_expr *r;
		if (p_and(p, &r) < 0)
			return -1;
		*out = p_binary(p, AST_OP_XOR, *out, r, off);
	}
	return 0;
}

static int p_or(struct parser *p, struct ast_expr **out)
{
	if (p_xor(p, out) < 0)
		return -1;
	while (p_is(p, "or") || (!p->r->pipes_concat && p_is(p, "||"))) {
		size_t off = p_tok(p)->off;
		p_next(p);
		struct ast_expr *r;
		if (p_xor(p, &r) < 0)
			return -1;
		*out = p_binary(p, AST_OP_OR, *out, r, off);
	}
	return 0;
}

int p_expr(struct parser *p, struct ast_expr **out)
{
	if (p_enter(p) < 0)
		return -1;
	int rc = p_or(p, out);
	p_leave(p);
	if (rc == 0 && p->operators >= PARSE_MAX_OPERATORS)
		return -1; /* the error was set where the limit was reached */
	return rc;
}
