/*
 * parser.c — sql_parse (see parser.h): tokens, errors, names, types,
 * parameters, and the dispatch on a statement's first word.
 */
#include "sql/parser.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "sql/parse_int.h"

/* ---- tokens and errors ------------------------------------------------- */

int p_is(const struct parser *p, const char *word) { return sql_tok_is(&p->lx, p_tok(p), word); }

int p_peek_is(const struct parser *p, size_t k, const char *word) { return sql_tok_is(&p->lx, p_peek(p, k), word); }

int p_accept(struct parser *p, const char *word)
{
	if (!p_is(p, word))
		return 0;
	p_next(p);
	return 1;
}

int p_accept2(struct parser *p, const char *w1, const char *w2)
{
	if (!p_is(p, w1) || !p_peek_is(p, 1, w2))
		return 0;
	p_next(p);
	p_next(p);
	return 1;
}

int p_expect(struct parser *p, const char *word)
{
	return p_accept(p, word) ? 0 : p_syntax(p);
}

/* 1-based character (not byte) offset of byte `off`. */
int p_position(const struct parser *p, size_t off)
{
	int chars = 0;
	for (size_t i = 0; i < off && i < p->lx.len; i++)
		if (((unsigned char)p->lx.s[i] & 0xC0) != 0x80)
			chars++;
	return chars + 1;
}

int p_syntax_at(struct parser *p, const struct sql_token *t)
{
	if (t->kind == TK_EOF)
		rerr_set(p->err, ERR_SYNTAX_ERROR, "syntax error at end of input");
	else
		rerr_set(p->err, ERR_SYNTAX_ERROR, "syntax error at or near \"%.*s\"", (int)(t->len > 200 ? 200 : t->len),
			 p->lx.s + t->off);
	p->err->position = p_position(p, t->off);
	return -1;
}

int p_skip_parens(struct parser *p)
{
	int depth = 0;
	do {
		if (p_tok(p)->kind == TK_EOF)
			return p_syntax(p);
		if (p_is(p, "("))
			depth++;
		else if (p_is(p, ")"))
			depth--;
		p_next(p);
	} while (depth > 0);
	return 0;
}

int p_syntax(struct parser *p) { return p_syntax_at(p, p_tok(p)); }

int p_unsupported(struct parser *p, const char *what)
{
	rerr_set(p->err, ERR_FEATURE_NOT_SUPPORTED, "%s is not supported", what);
	p->err->position = p_position(p, p_tok(p)->off);
	return -1;
}

int p_enter(struct parser *p)
{
	if (++p->depth > PARSE_MAX_DEPTH) {
		rerr_set(p->err, ERR_PROGRAM_LIMIT_EXCEEDED, "statement is nested too deeply");
		p->err->position = p_position(p, p_tok(p)->off);
		return -1;
	}
	return 0;
}

/* Words that end an expression or a clause: never an implicit alias or a bare column. */
static const char *const p_reserved_words[] = {
	"all", "and", "any", "array", "as", "asc", "between", "both", "case", "cast", "check", "collate",
	"column", "constraint", "create", "cross", "default", "desc", "distinct", "do", "else", "end",
	"except", "exists", "false", "fetch", "for", "foreign", "from", "full", "group", "having", "ilike",
	"in", "inner", "intersect", "into", "is", "join", "lateral", "leading", "left", "like",
	"limit", "natural", "not", "null", "offset", "on", "or", "order", "outer", "primary",
	"references", "regexp", "returning", "right", "select", "similar", "some", "table", "then", "to",
	"trailing", "true", "union", "unique", "using", "values", "when", "where", "window", "with",
	"escape", "set", "connect", "minus", "qualify", NULL,
};

int p_is_reserved(const struct parser *p, const struct sql_token *t)
{
	if (t->kind != TK_IDENT)
		return 0;
	for (int k = 0; p_reserved_words[k]; k++)
		if (sql_tok_is(&p->lx, t, p_reserved_words[k]))
			return 1;
	/* operator words of one dialect only */
	if (p->r->mysql_ops && (sql_tok_is(&p->lx, t, "div") || sql_tok_is(&p->lx, t, "mod") ||
				   sql_tok_is(&p->lx, t, "xor") || sql_tok_is(&p->lx, t, "regexp") ||
				   sql_tok_is(&p->lx, t, "rlike")))
		return 1;
	if (p->r->top && sql_tok_is(&p->lx, t, "top"))
		return 1;
	return 0;
}

char *p_raw(struct parser *p, const struct sql_token *t) { return arena_strndup(p->a, p->lx.s + t->off, t->len); }

char *p_lower(struct parser *p, const struct sql_token *t)
{
	char *s = p_raw(p, t);
	for (char *c = s; *c; c++)
		*c = (char)tolower((unsigned char)*c);
	return s;
}

char *p_span(struct parser *p, size_t from, size_t to)
{
	return arena_strndup(p->a, p->lx.s + from, to > from ? to - from : 0);
}

/* ---- names -------------------------------------------------------------- */

static int p_ident_tok(struct parser *p, struct ast_ident *out)
{
	const struct sql_token *t = p_tok(p);
	if (t->kind == TK_QIDENT) {
		size_t n;
		out->s = sql_lex_decode(p->a, &p->lx, t, &n);
		out->quoted = 1;
		if (n == 0) {
			rerr_set(p->err, ERR_SYNTAX_ERROR, "zero-length delimited identifier at or near \"%.*s\"", (int)t->len,
				 p->lx.s + t->off);
			p->err->position = p_position(p, t->off);
			return -1;
		}
	} else if (t->kind == TK_IDENT) {
		char *s = p_raw(p, t);
		for (char *c = s; *c; c++)
			if (p->r->fold == FOLD_LOWER)
				*c = (char)tolower((unsigned char)*c);
			else if (p->r->fold == FOLD_UPPER)
				*c = (char)toupper((unsigned char)*c);
		out->s = s;
		out->quoted = 0;
	} else {
		return p_syntax(p);
	}
	p_next(p);
	return 0;
}

int p_ident(struct parser *p, struct ast_ident *out)
{
	if (p_is_reserved(p, p_tok(p)))
		return p_syntax(p);
	return p_ident_tok(p, out);
}

int p_ident_any(struct parser *p, struct ast_ident *out) { return p_ident_tok(p, out); }

int p_name(struct parser *p, struct ast_name *out)
{
	memset(out, 0, sizeof(*out));
	if (p_ident(p, &out->parts[0]) < 0)
		return -1;
	out->n = 1;
	while (p_is(p, ".") && (p_peek(p, 1)->kind == TK_IDENT || p_peek(p, 1)->kind == TK_QIDENT)) {
		if (out->n == AST_NAME_MAX)
			return p_syntax(p);
		p_next(p);
		if (p_ident_any(p, &out->parts[out->n++]) < 0)
			return -1;
	}
	return 0;
}

int p_ident_list(struct parser *p, int *n, struct ast_ident **v)
{
	if (p_expect(p, "(") < 0)
		return -1;
	int cap = 4;
	*v = arena_alloc(p->a, (size_t)cap * sizeof(**v));
	*n = 0;
	do {
		if (*n == cap) {
			struct ast_ident *nv = arena_alloc(p->a, (size_t)cap * 2 * sizeof(*nv));
			memcpy(nv, *v, (size_t)cap * sizeof(*nv));
			*v = nv;
			cap *= 2;
		}
		if (p_ident_any(p, &(*v)[(*n)++]) < 0)
			return -1;
	} while (p_accept(p, ","));
	return p_expect(p, ")");
}

/* ---- types -------------------------------------------------------------- */

/* Declared names (one or two words, lower-case) and their canonical type. */
static const struct {
	const char *name;
	enum rtype type;
	int identity; /* the serial pseudo-types */
} p_types[] = {
	{"smallint", RT_INT2, 0}, {"int2", RT_INT2, 0}, {"tinyint", RT_INT2, 0},
	{"integer", RT_INT4, 0}, {"int", RT_INT4, 0}, {"int4", RT_INT4, 0}, {"mediumint", RT_INT4, 0},
	{"bigint", RT_INT8, 0}, {"int8", RT_INT8, 0},
	{"smallserial", RT_INT2, 1}, {"serial2", RT_INT2, 1}, {"serial", RT_INT4, 1}, {"serial4", RT_INT4, 1},
	{"bigserial", RT_INT8, 1}, {"serial8", RT_INT8, 1},
	{"real", RT_FLOAT4, 0}, {"float4", RT_FLOAT4, 0}, {"binary_float", RT_FLOAT4, 0},
	{"float", RT_FLOAT8, 0}, {"float8", RT_FLOAT8, 0}, {"double", RT_FLOAT8, 0}, {"binary_double", RT_FLOAT8, 0},
	{"numeric", RT_NUMERIC, 0}, {"decimal", RT_NUMERIC, 0}, {"dec", RT_NUMERIC, 0}, {"number", RT_NUMERIC, 0},
	{"money", RT_NUMERIC, 0},
	{"text", RT_TEXT, 0}, {"tinytext", RT_TEXT, 0}, {"mediumtext", RT_TEXT, 0}, {"longtext", RT_TEXT, 0},
	{"clob", RT_TEXT, 0}, {"nclob", RT_TEXT, 0}, {"string", RT_TEXT, 0}, {"ntext", RT_TEXT, 0},
	{"citext", RT_TEXT, 0}, {"name", RT_TEXT, 0}, {"enum", RT_TEXT, 0}, {"set", RT_TEXT, 0},
	{"varchar", RT_VARCHAR, 0}, {"varchar2", RT_VARCHAR, 0}, {"nvarchar", RT_VARCHAR, 0},
	{"nvarchar2", RT_VARCHAR, 0},
	{"char", RT_CHAR, 0}, {"character", RT_CHAR, 0}, {"nchar", RT_CHAR, 0}, {"bpchar", RT_CHAR, 0},
	{"bytea", RT_BYTEA, 0}, {"blob", RT_BYTEA, 0}, {"tinyblob", RT_BYTEA, 0}, {"mediumblob", RT_BYTEA, 0},
	{"longblob", RT_BYTEA, 0}, {"binary", RT_BYTEA, 0}, {"varbinary", RT_BYTEA, 0}, {"raw", RT_BYTEA, 0},
	{"image", RT_BYTEA, 0},
	{"boolean", RT_BOOL, 0}, {"bool", RT_BOOL, 0}, {"bit", RT_BOOL, 0},
	{"date", RT_DATE, 0},
	{"time", RT_TIME, 0}, {"timetz", RT_TIME, 0},
	{"timestamp", RT_TIMESTAMP, 0}, {"datetime", RT_TIMESTAMP, 0}, {"datetime2", RT_TIMESTAMP, 0},
	{"smalldatetime", RT_TIMESTAMP, 0}, {"timestamp_ntz", RT_TIMESTAMP, 0},
	{"timestamptz", RT_TIMESTAMPTZ, 0}, {"datetimeoffset", RT_TIMESTAMPTZ, 0},
	{"timestamp_tz", RT_TIMESTAMPTZ, 0}, {"timestamp_ltz", RT_TIMESTAMPTZ, 0},
	{"interval", RT_INTERVAL, 0},
	{"json", RT_JSON, 0}, {"jsonb", RT_JSON, 0}, {"variant", RT_JSON, 0}, {"object", RT_JSON, 0},
	{"uuid", RT_UUID, 0}, {"uniqueidentifier", RT_UUID, 0},
	{"vector", RT_VECTOR, 0},
	{"oid", RT_OID, 0}, {"xid", RT_INT8, 0}, /* xid: unsigned 32-bit in PG */
};

static int p_int_token(struct parser *p, int *v)
{
	const struct sql_token *t = p_tok(p);
	if (t->kind != TK_INT)
		return p_syntax(p);
	long n = 0; /* the text is not NUL-terminated: read the token's digits only */
	for (size_t k = 0; k < t->len && n <= 1000000000; k++)
		if (p->lx.s[t->off + k] >= '0' && p->lx.s[t->off + k] <= '9')
			n = n * 10 + (p->lx.s[t->off + k] - '0');
	*v = n > 1000000000 ? 1000000000 : (int)n;
	p_next(p);
	return 0;
}

int p_type(struct parser *p, struct ast_type *out)
{
	memset(out, 0, sizeof(*out));
	out->typmod = -1;
	out->precision = out->scale = -1;
	const struct sql_token *t = p_tok(p);
	if (t->kind != TK_IDENT && t->kind != TK_QIDENT)
		return p_syntax(p);
	size_t start = t->off;
	int quoted = t->kind == TK_QIDENT;
	char *w = quoted ? (char *)sql_lex_decode(p->a, &p->lx, t, &(size_t){0}) : p_lower(p, t);
	p_next(p);
	/* schema-qualified type names: pg_catalog.int4, public.vector, pg_catalog."char" */
	while (p_is(p, ".") && (p_peek(p, 1)->kind == TK_IDENT || p_peek(p, 1)->kind == TK_QIDENT)) {
		p_next(p);
		t = p_tok(p);
		quoted = t->kind == TK_QIDENT;
		w = quoted ? (char *)sql_lex_decode(p->a, &p->lx, t, &(size_t){0}) : p_lower(p, t);
		start = t->off;
		p_next(p);
	}
	/* multi-word names */
	if (!strcmp(w, "double"))
		p_accept(p, "precision");
	else if (!strcmp(w, "character") || !strcmp(w, "char") || !strcmp(w, "national") || !strcmp(w, "nchar")) {
		if (!strcmp(w, "national"))
			(void)(p_accept(p, "character") || p_accept(p, "char"));
		if (p_accept(p, "varying"))
			w = "varchar";
		else if (!strcmp(w, "national"))
			w = "nchar";
	} else if (!strcmp(w, "signed") || !strcmp(w, "unsigned")) { /* MySQL CAST(x AS SIGNED [INTEGER]) */
		(void)(p_accept(p, "integer") || p_accept(p, "int"));
		w = "bigint";
	} else if (!strcmp(w, "long") && p_is(p, "raw")) {
		p_next(p);
		w = "raw";
	}
	size_t k;
	for (k = 0; k < sizeof(p_types) / sizeof(p_types[0]); k++)
		if (!strcmp(p_types[k].name, w))
			break;
	if (quoted && !strcmp(w, "char")) /* "char" quoted is PostgreSQL's one-byte type */
		out->type = RT_CHAR1;
	else if (k < sizeof(p_types) / sizeof(p_types[0])) {
		out->type = p_types[k].type;
		out->serial = p_types[k].identity;
	}
	/* MySQL ENUM('a','b') / SET(...): the list is the domain, the type is text */
	if (p_is(p, "(") && (!strcmp(w, "enum") || !strcmp(w, "set"))) {
		int depth = 0;
		do {
			if (p_is(p, "("))
				depth++;
			else if (p_is(p, ")"))
				depth--;
			else if (p_tok(p)->kind == TK_EOF)
				return p_syntax(p);
			p_next(p);
		} while (depth > 0);
	} else if (p_accept(p, "(")) {
		if (p_is(p, "max") || p_is(p, "MAX")) { /* nvarchar(max) */
			p_next(p);
			if (out->type == RT_VARCHAR)
				out->type = RT_TEXT;
		} else {
			int a1;
			if (p_int_token(p, &a1) < 0)
				return -1;
			out->precision = a1;
			if (p_accept(p, ",")) {
				int a2;
				if (p_accept(p, "-")) {
					if (p_int_token(p, &a2) < 0)
						return -1;
					a2 = -a2;
				} else if (p_int_token(p, &a2) < 0) {
					return -1;
				}
				out->scale = a2;
			}
			(void)(p_accept(p, "byte") || p_accept(p, "char"));
		}
		if (p_expect(p, ")") < 0)
			return -1;
	}
	/* time zones */
	if (out->type == RT_TIMESTAMP || out->type == RT_TIME) {
		if (p_is(p, "with") && p_peek_is(p, 1, "time") && p_peek_is(p, 2, "zone")) {
			p->i += 3;
			if (out->type == RT_TIMESTAMP)
				out->type = RT_TIMESTAMPTZ;
		} else if (p_is(p, "without") && p_peek_is(p, 1, "time") && p_peek_is(p, 2, "zone")) {
			p->i += 3;
		} else if (p_is(p, "with") && p_peek_is(p, 1, "local") && p_peek_is(p, 2, "time")) {
			p->i += 3;
			p_accept(p, "zone");
			out->type = RT_TIMESTAMPTZ;
		}
	}
	if (out->type == RT_INTERVAL) { /* INTERVAL DAY TO SECOND and friends */
		static const char *const fields[] = {"year", "month", "day", "hour", "minute", "second", NULL};
		for (int f = 0; fields[f]; f++)
			if (p_accept(p, fields[f])) {
				if (p_accept(p, "to"))
					for (int g = 0; fields[g]; g++)
						p_accept(p, fields[g]);
				break;
			}
	}
	/* MySQL modifiers: INT UNSIGNED needs int8's range */
	for (;;) {
		if (p_accept(p, "unsigned")) {
			if (out->type == RT_INT4)
				out->type = RT_INT8;
			else if (out->type == RT_INT2)
				out->type = RT_INT4;
		} else if (!p_accept(p, "signed") && !p_accept(p, "zerofill")) {
			break;
		}
	}
	while (p_is(p, "[") && p_peek_is(p, 1, "]")) {
		p->i += 2;
		out->array = 1;
	}
	if (p_accept(p, "array"))
		out->array = 1;

	/* typmods as the canonical types carry them */
	switch (out->type) {
	case RT_VARCHAR:
		if (out->precision < 0)
			out->type = RT_TEXT;
		else
			out->typmod = out->precision;
		break;
	case RT_CHAR:
		out->typmod = out->precision < 0 ? 1 : out->precision;
		break;
	case RT_VECTOR:
		out->typmod = out->precision;
		break;
	case RT_NUMERIC:
		out->typmod = out->precision;
		if (!strcmp(w, "number") && out->precision > 0 && out->scale <= 0 && out->precision <= 18)
			out->type = out->precision <= 9 ? RT_INT4 : RT_INT8; /* Oracle NUMBER(p) */
		break;
	case RT_FLOAT8:
		if (!strcmp(w, "float") && ((out->precision > 0 && out->precision <= 24) ||
					    (out->precision < 0 && p->d == DIALECT_MYSQL)))
			out->type = RT_FLOAT4; /* float(p <= 24); MySQL FLOAT is single precision */
		break;
	case RT_BOOL:
		if (!strcmp(w, "bit") && out->precision > 1)
			out->type = RT_BYTEA;
		break;
	case RT_INT2:
		if (!strcmp(w, "tinyint") && out->precision == 1 && p->d == DIALECT_MYSQL)
			out->type = RT_BOOL; /* MySQL's BOOLEAN is TINYINT(1) */
		break;
	default:
		break;
	}
	const struct sql_token *last = &p->toks[p->i - 1];
	out->name = p_span(p, start, last->off + last->len);
	for (char *c = (char *)out->name; *c; c++)
		*c = (char)tolower((unsigned char)*c);
	return 0;
}

/* ---- parameters --------------------------------------------------------- */

static int p_param_has(const struct parser *p, int ordinal)
{
	if (ordinal > p->max_ordinal) /* the common case, O(1): ? and new names count upwards */
		return 0;
	for (int k = 0; k < p->nparams; k++)
		if (p->params[k].ordinal == ordinal)
			return 1;
	return 0;
}

static int p_param_record(struct parser *p, int ordinal, const struct sql_token *t)
{
	if (p_param_has(p, ordinal))
		return ordinal;
	if (ordinal > p->max_ordinal)
		p->max_ordinal = ordinal;
	if (p->nparams == p->cap) {
		int cap = p->cap ? p->cap * 2 : 8;
		struct ast_param *v = arena_alloc(p->a, (size_t)cap * sizeof(*v));
		if (p->nparams)
			memcpy(v, p->params, (size_t)p->nparams * sizeof(*v));
		p->params = v;
		p->cap = cap;
	}
	p->params[p->nparams].ordinal = ordinal;
	p->params[p->nparams].spelling = p_raw(p, t);
	p->params[p->nparams].off = t->off;
	p->nparams++;
	return ordinal;
}

#define PARAM_MAX 65535

int p_param(struct parser *p, const struct sql_token *t, int *ordinal)
{
	const char *s = p->lx.s + t->off;
	size_t n = t->len;
	int ord = 0;
	int numbered = 0;
	size_t digits = 1;
	if (s[0] == '@' && n > 2 && (s[1] == 'p' || s[1] == 'P'))
		digits = 2;
	if (s[0] != '?' && n > digits) {
		numbered = 1;
		for (size_t k = digits; k < n; k++)
			if (!isdigit((unsigned char)s[k]))
				numbered = 0;
	}
	if (s[0] == '?') {
		ord = ++p->next_auto;
	} else if (numbered) {
		long v = 0;
		for (size_t k = digits; k < n && v <= PARAM_MAX; k++)
			v = v * 10 + (s[k] - '0');
		if (v < 1 || v > PARAM_MAX) {
			rerr_set(p->err, ERR_SYNTAX_ERROR, "there is no parameter %.*s", (int)n, s);
			p->err->position = p_position(p, t->off);
			return -1;
		}
		ord = (int)v;
	} else {
		/* :name / @name: the same name is the same parameter; a new one takes the next free ordinal */
		for (int k = 0; k < p->nparams; k++) {
			const char *sp = p->params[k].spelling;
			if (strlen(sp) == n && strncasecmp(sp, s, n) == 0) {
				*ordinal = p->params[k].ordinal;
				return 0;
			}
		}
		ord = ++p->next_auto;
		while (p_param_has(p, ord))
			ord = ++p->next_auto;
	}
	if (ord > PARAM_MAX) {
		rerr_set(p->err, ERR_PROGRAM_LIMIT_EXCEEDED, "too many parameters");
		return -1;
	}
	*ordinal = p_param_record(p, ord, t);
	return 0;
}

/* ---- statements ---------------------------------------------------------- */

static int p_explain(struct parser *p, struct ast_stmt *s)
{
	struct ast_explain *e = arena_alloc(p->a, sizeof(*e));
	p_next(p);
	if (p_accept(p, "(")) {
		while (!p_is(p, ")")) {
			if (p_tok(p)->kind == TK_EOF)
				return p_syntax(p);
			if (p_is(p, "analyze"))
				e->analyze = 1;
			else if (p_is(p, "verbose"))
				e->verbose = 1;
			p_next(p);
		}
		p_next(p);
	}
	if (p_accept(p, "query") && p_expect(p, "plan") < 0)
		return -1;
	if (p_accept(p, "analyze"))
		e->analyze = 1;
	if (p_accept(p, "verbose"))
		e->verbose = 1;
	e->stmt = arena_alloc(p->a, sizeof(*e->stmt));
	e->stmt->dialect = p->d;
	if (p_enter(p) < 0 || p_statement(p, e->stmt) < 0)
		return -1;
	p_leave(p);
	s->kind = AST_EXPLAIN;
	s->u.explain = e;
	return 0;
}

static int p_select_stmt(struct parser *p, struct ast_stmt *s)
{
	s->kind = AST_SELECT;
	return p_query(p, &s->u.query);
}

int p_statement(struct parser *p, struct ast_stmt *s)
{
	if (p_is(p, "with")) {
		/* WITH ... INSERT/UPDATE/DELETE: find the statement after the CTEs */
		size_t save = p->i;
		int save_nparams = p->nparams, save_max = p->max_ordinal, save_auto = p->next_auto;
		int rec, n;
		struct ast_cte *v;
		if (p_with(p, &rec, &n, &v) < 0)
			return -1;
		int r = 0;
		if (p_is(p, "insert"))
			r = p_insert(p, s);
		else if (p_is(p, "update"))
			r = p_update(p, s);
		else if (p_is(p, "delete"))
			r = p_delete(p, s);
		else {
			p->i = save; /* parsed again: its parameters are counted again */
			p->nparams = save_nparams;
			p->max_ordinal = save_max;
			p->next_auto = save_auto;
			return p_select_stmt(p, s);
		}
		if (r < 0)
			return -1;
		if (s->kind == AST_INSERT)
			s->u.insert->nctes = n, s->u.insert->ctes = v, s->u.insert->recursive = rec;
		else if (s->kind == AST_UPDATE)
			s->u.update->nctes = n, s->u.update->ctes = v, s->u.update->recursive = rec;
		else
			s->u.del->nctes = n, s->u.del->ctes = v, s->u.del->recursive = rec;
		return 0;
	}
	if (p_query_starts(p))
		return p_select_stmt(p, s);
	if (p_is(p, "insert") || p_is(p, "replace"))
		return p_insert(p, s);
	if (p_is(p, "update"))
		return p_update(p, s);
	if (p_is(p, "delete"))
		return p_delete(p, s);
	if (p_is(p, "create"))
		return p_create(p, s);
	if (p_is(p, "drop"))
		return p_drop(p, s);
	if (p_is(p, "alter"))
		return p_alter(p, s);
	if (p_is(p, "truncate"))
		return p_truncate(p, s);
	if (p_is(p, "begin") || p_is(p, "start") || p_is(p, "commit") || p_is(p, "end") || p_is(p, "rollback") ||
	    p_is(p, "abort") || p_is(p, "savepoint") || p_is(p, "release"))
		return p_txn(p, s);
	if (p_is(p, "set"))
		return p_set(p, s);
	if (p_is(p, "show") || p_is(p, "describe") || p_is(p, "desc"))
		return p_show(p, s);
	if (p_is(p, "explain"))
		return p_explain(p, s);
	if (!p->r->mysql_ops && (p_is(p, "declare") || p_is(p, "fetch") || p_is(p, "move") || p_is(p, "close")))
		return p_cursor(p, s);
	if (p_is(p, "use")) {
		p_next(p);
		s->kind = AST_USE;
		return p_ident_any(p, &s->u.use);
	}
	return p_syntax(p);
}

static int p_param_cmp(const void *x, const void *y)
{
	const struct ast_param *a = x, *b = y;
	return a->ordinal - b->ordinal;
}

/* Lexes the first statement into p->toks (ending with ';' if present, then TK_EOF). */
static int p_lex_statement(struct parser *p, size_t *end)
{
	size_t cap = 64;
	p->toks = arena_alloc(p->a, cap * sizeof(*p->toks));
	p->ntok = 0;
	for (;;) {
		struct sql_token t;
		int rc = sql_lex_next(&p->lx, &t);
		if (p->ntok + 2 > cap) {
			struct sql_token *v = arena_alloc(p->a, cap * 2 * sizeof(*v));
			memcpy(v, p->toks, cap * sizeof(*v));
			p->toks = v;
			cap *= 2;
		}
		if (rc < 0) {
			const char *s = p->lx.s + t.off;
			const char *what = s[0] == '/' ? "unterminated /* comment"
					   : (s[0] == '"' || s[0] == '`' || s[0] == '[') ? "unterminated quoted identifier"
					   : s[0] == '$' ? "unterminated dollar-quoted string"
							 : "unterminated quoted string";
			rerr_set(p->err, ERR_SYNTAX_ERROR, "%s at or near \"%.*s\"", what, (int)(t.len > 200 ? 200 : t.len), s);
			p->err->position = p_position(p, t.off);
			*end = p->lx.len;
			return -1;
		}
		p->toks[p->ntok++] = t;
		if (t.kind == TK_EOF) {
			*end = p->lx.len;
			return 0;
		}
		if (t.kind == TK_OP && t.len == 1 && p->lx.s[t.off] == ';') {
			*end = t.off + 1;
			struct sql_token e = {.kind = TK_EOF, .off = *end, .len = 0};
			p->toks[p->ntok++] = e;
			return 0;
		}
	}
}

int sql_parse(struct arena *a, enum sql_dialect d, const char *sql, size_t len, struct ast_stmt **out,
	      size_t *used, struct rerr *err)
{
	struct parser p;
	memset(&p, 0, sizeof(p));
	p.a = a;
	p.d = d;
	p.r = sql_rules(d);
	p.err = err;
	sql_lex_init(&p.lx, d, sql, len);
	*out = NULL;
	rerr_clear(err);
	size_t end = len;
	if (p_lex_statement(&p, &end) < 0) {
		*used = end;
		return -1;
	}
	*used = end;
	if (p_tok(&p)->kind == TK_EOF || p_is(&p, ";"))
		return 0;
	struct ast_stmt *s = arena_alloc(a, sizeof(*s));
	s->dialect = d;
	size_t start = p_tok(&p)->off;
	if (p_statement(&p, s) < 0)
		return -1;
	if (!p_is(&p, ";") && p_tok(&p)->kind != TK_EOF)
		return p_syntax(&p);
	s->sql = sql + start;
	s->len = p_tok(&p)->off - start;
	if (p.nparams > 1)
		qsort(p.params, (size_t)p.nparams, sizeof(*p.params), p_param_cmp);
	s->params = p.params;
	s->nparams = p.nparams;
	*out = s;
	return 0;
}

const char *ast_type_label(enum rtype t)
{
	switch (t) {
	case RT_INT2: return "int2";
	case RT_INT4: return "int4";
	case RT_INT8: return "int8";
	case RT_FLOAT4: return "float4";
	case RT_FLOAT8: return "float8";
	case RT_BOOL: return "bool";
	case RT_CHAR: return "bpchar";
	case RT_CHAR1: return "char";
	case RT_OID: return "oid";
	case RT_TEXT: return "text";
	case RT_VARCHAR: return "varchar";
	case RT_NUMERIC: return "numeric";
	case RT_BYTEA: return "bytea";
	case RT_DATE: return "date";
	case RT_TIME: return "time";
	case RT_TIMESTAMP: return "timestamp";
	case RT_INTERVAL: return "interval";
	case RT_UUID: return "uuid";
	case RT_VECTOR: return "vector";
	case RT_TIMESTAMPTZ: return "timestamptz";
	default: return NULL;
	}
}

const char *ast_stmt_tag(const struct ast_stmt *s)
{
	switch (s->kind) {
	case AST_SELECT: return "SELECT";
	case AST_INSERT: return "INSERT";
	case AST_UPDATE: return "UPDATE";
	case AST_DELETE: return "DELETE";
	case AST_CREATE_TABLE: return "CREATE TABLE";
	case AST_ALTER_TABLE: return "ALTER TABLE";
	case AST_CREATE_INDEX: return "CREATE INDEX";
	case AST_CREATE_VIEW: return "CREATE VIEW";
	case AST_DROP:
		switch (s->u.objects->what) {
		case OBJ_INDEX: return "DROP INDEX";
		case OBJ_VIEW: return "DROP VIEW";
		case OBJ_SCHEMA: return "DROP SCHEMA";
		case OBJ_DATABASE: return "DROP DATABASE";
		case OBJ_SEQUENCE: return "DROP SEQUENCE";
		case OBJ_EXTENSION: return "DROP EXTENSION";
		default: return "DROP TABLE";
		}
	case AST_TRUNCATE: return "TRUNCATE TABLE";
	case AST_CREATE_SCHEMA: return "CREATE SCHEMA";
	case AST_CREATE_DATABASE: return "CREATE DATABASE";
	case AST_CREATE_EXTENSION: return "CREATE EXTENSION";
	case AST_BEGIN: return "BEGIN";
	case AST_COMMIT: return "COMMIT";
	case AST_ROLLBACK: return "ROLLBACK";
	case AST_SAVEPOINT: return "SAVEPOINT";
	case AST_RELEASE: return "RELEASE";
	case AST_ROLLBACK_TO: return "ROLLBACK";
	case AST_SET: case AST_SET_TRANSACTION: return "SET";
	case AST_SHOW: return "SHOW";
	case AST_USE: return "USE";
	case AST_EXPLAIN: return "EXPLAIN";
	case AST_DECLARE_CURSOR: return "DECLARE CURSOR";
	case AST_FETCH: return s->u.cursor->move ? "MOVE" : "FETCH";
	case AST_CLOSE_CURSOR: return "CLOSE CURSOR";
	}
	return "?";
}
