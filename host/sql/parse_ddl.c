/*
 * parse_ddl.c — CREATE/ALTER/DROP of tables, indexes, views, schemas,
 * databases and extensions; TRUNCATE.
 *
 * Column types become canonical (struct ast_type); SERIAL/BIGSERIAL,
 * MySQL AUTO_INCREMENT, T-SQL IDENTITY(1,1) and GENERATED .. AS IDENTITY
 * all become ast_column_def.identity.  Storage options that have no
 * meaning on the embedded store (ENGINE=, CHARSET=, TABLESPACE, WITH (..))
 * are read and dropped.
 */
#include <stdio.h>
#include <string.h>

#include "sql/parse_int.h"

static void *p_grow(struct parser *p, void *v, int n, int *cap, size_t size)
{
	if (n < *cap)
		return v;
	int nc = *cap ? *cap * 2 : 4;
	void *nv = arena_alloc(p->a, (size_t)nc * size);
	if (n)
		memcpy(nv, v, (size_t)n * size);
	*cap = nc;
	return nv;
}

static int p_ref_action(struct parser *p, const char **out)
{
	static const char *const acts[][2] = {
		{"cascade", "CASCADE"}, {"restrict", "RESTRICT"}, {"set null", "SET NULL"},
		{"set default", "SET DEFAULT"}, {"no action", "NO ACTION"},
	};
	for (size_t k = 0; k < sizeof(acts) / sizeof(acts[0]); k++) {
		const char *w = acts[k][0];
		const char *sp = strchr(w, ' ');
		if (sp) {
			char w1[8];
			memcpy(w1, w, (size_t)(sp - w));
			w1[sp - w] = '\0';
			if (p_accept2(p, w1, sp + 1)) {
				*out = acts[k][1];
				return 0;
			}
		} else if (p_accept(p, w)) {
			*out = acts[k][1];
			return 0;
		}
	}
	return p_syntax(p);
}

static int p_references(struct parser *p, struct ast_constraint *c)
{
	c->kind = CONS_FOREIGN;
	if (p_name(p, &c->ref_table) < 0)
		return -1;
	if (p_is(p, "(") && p_ident_list(p, &c->nref_cols, &c->ref_cols) < 0)
		return -1;
	for (;;) {
		if (p_accept(p, "match")) {
			p_next(p);
		} else if (p_accept2(p, "on", "delete")) {
			if (p_ref_action(p, &c->on_delete) < 0)
				return -1;
		} else if (p_accept2(p, "on", "update")) {
			if (p_ref_action(p, &c->on_update) < 0)
				return -1;
		} else if (p_accept(p, "deferrable") || p_accept2(p, "not", "deferrable") ||
			   p_accept2(p, "initially", "deferred") || p_accept2(p, "initially", "immediate")) {
		} else {
			return 0;
		}
	}
}

static int p_check(struct parser *p, struct ast_constraint *c)
{
	c->kind = CONS_CHECK;
	if (p_expect(p, "(") < 0 || p_expr(p, &c->check) < 0 || p_expect(p, ")") < 0)
		return -1;
	p_accept2(p, "no", "inherit");
	return 0;
}

/* GENERATED {ALWAYS | BY DEFAULT} AS IDENTITY [( options )] */
static int p_identity(struct parser *p, struct ast_column_def *col)
{
	if (p_accept(p, "always"))
		col->identity = IDENT_ALWAYS;
	else if (p_accept2(p, "by", "default"))
		col->identity = IDENT_BY_DEFAULT;
	else
		return p_syntax(p);
	if (p_expect(p, "as") < 0)
		return -1;
	if (p_is(p, "("))
		return p_unsupported(p, "generated columns");
	if (p_expect(p, "identity") < 0)
		return -1;
	if (p_is(p, "(") && p_skip_parens(p) < 0)
		return -1;
	return 0;
}

static int p_column_def(struct parser *p, struct ast_column_def *col)
{
	int cap = 0;
	if (p_ident(p, &col->name) < 0 || p_type(p, &col->type) < 0)
		return -1;
	if (col->type.serial)
		col->identity = IDENT_SERIAL;
	for (;;) {
		const char *cname = NULL;
		if (p_accept(p, "constraint")) {
			struct ast_ident n;
			if (p_ident(p, &n) < 0)
				return -1;
			cname = n.s;
		}
		if (p_accept2(p, "not", "null")) {
			col->not_null = 1;
		} else if (p_accept(p, "null")) {
			col->not_null = 0;
		} else if (p_accept2(p, "primary", "key")) {
			col->primary_key = 1;
			(void)(p_accept(p, "asc") || p_accept(p, "desc"));
			if (p_accept(p, "autoincrement"))
				col->identity = IDENT_AUTO_INCREMENT;
		} else if (p_accept(p, "unique")) {
			col->unique = 1;
			p_accept(p, "key");
		} else if (p->r->mysql_ops && p_accept(p, "key")) {
			col->primary_key = 1; /* MySQL: KEY in a column definition means PRIMARY KEY */
		} else if (p_accept(p, "default")) {
			if (p_expr(p, &col->default_) < 0)
				return -1;
		} else if (p_is(p, "check") || p_is(p, "references")) {
			col->cons = p_grow(p, col->cons, col->ncons, &cap, sizeof(*col->cons));
			struct ast_constraint *c = &col->cons[col->ncons++];
			memset(c, 0, sizeof(*c));
			c->name = cname;
			int rc = p_accept(p, "check") ? p_check(p, c) : (p_next(p), p_references(p, c));
			if (rc < 0)
				return -1;
		} else if (p_accept(p, "generated")) {
			if (p_identity(p, col) < 0)
				return -1;
		} else if (p_accept(p, "auto_increment") || p_accept(p, "autoincrement")) {
			col->identity = IDENT_AUTO_INCREMENT;
		} else if (p_accept(p, "identity")) { /* T-SQL IDENTITY(1,1) */
			col->identity = IDENT_BY_DEFAULT;
			if (p_accept(p, "(")) {
				while (!p_accept(p, ")")) {
					if (p_tok(p)->kind == TK_EOF)
						return p_syntax(p);
					p_next(p);
				}
			}
		} else if (p_accept(p, "collate")) {
			struct ast_ident c;
			if (p_tok(p)->kind == TK_STRING) {
				size_t n;
				col->collation = sql_lex_decode(p->a, &p->lx, p_tok(p), &n);
				p_next(p);
			} else if (p_ident_any(p, &c) < 0) {
				return -1;
			} else {
				col->collation = c.s;
			}
		} else if (p->r->mysql_ops && p_accept(p, "comment")) {
			if (p_tok(p)->kind != TK_STRING)
				return p_syntax(p);
			p_next(p);
		} else if (p->r->mysql_ops && p_accept2(p, "on", "update")) {
			struct ast_expr *ignored; /* ON UPDATE CURRENT_TIMESTAMP: not kept by the store */
			if (p_expr(p, &ignored) < 0)
				return -1;
		} else if (p->r->mysql_ops && (p_accept(p, "character") || p_accept(p, "charset"))) {
			p_accept(p, "set");
			p_next(p);
		} else {
			return cname ? p_syntax(p) : 0;
		}
	}
}

/* PRIMARY KEY (..), UNIQUE (..), CHECK (..), FOREIGN KEY (..) REFERENCES ..; 1 when none starts here. */
static int p_table_constraint(struct parser *p, struct ast_constraint *c)
{
	memset(c, 0, sizeof(*c));
	if (p_accept(p, "constraint")) {
		struct ast_ident n;
		if (p_ident(p, &n) < 0)
			return -1;
		c->name = n.s;
	}
	if (p_accept2(p, "primary", "key")) {
		c->kind = CONS_PRIMARY;
	} else if (p_accept(p, "unique")) {
		c->kind = CONS_UNIQUE;
		if (p_accept(p, "key") || p_accept(p, "index") || p_tok(p)->kind != TK_OP) {
			struct ast_ident n; /* MySQL UNIQUE KEY name (..) */
			if (!p_is(p, "(") && p_ident(p, &n) < 0)
				return -1;
		}
	} else if (p_accept(p, "check")) {
		return p_check(p, c);
	} else if (p_accept2(p, "foreign", "key")) {
		if (p_ident_list(p, &c->ncols, &c->cols) < 0 || p_expect(p, "references") < 0)
			return -1;
		return p_references(p, c);
	} else {
		return c->name ? p_syntax(p) : 1;
	}
	if (p_accept(p, "using")) /* MySQL USING BTREE */
		p_next(p);
	if (p_ident_list(p, &c->ncols, &c->cols) < 0)
		return -1;
	return 0;
}

/* MySQL KEY/INDEX name (cols) and FULLTEXT/SPATIAL ones inside CREATE TABLE: secondary indexes, dropped. */
static int p_skip_mysql_index(struct parser *p)
{
	(void)(p_accept(p, "fulltext") || p_accept(p, "spatial"));
	if (!p_accept(p, "key") && !p_accept(p, "index"))
		return 1;
	if (!p_is(p, "(")) {
		struct ast_ident n;
		if (p_ident(p, &n) < 0)
			return -1;
	}
	return p_skip_parens(p);
}

/* Storage options after the column list (ENGINE=InnoDB, DEFAULT CHARSET=.., WITH (..), TABLESPACE x):
 * from a known first word to the end of the statement (or an AS query). */
static void p_table_options(struct parser *p)
{
	static const char *const opts[] = {"engine", "default", "charset", "character", "collate", "auto_increment",
					   "comment", "row_format", "with", "without", "tablespace", "stored", NULL};
	int known = 0;
	for (int k = 0; opts[k]; k++)
		known |= p_is(p, opts[k]);
	if (!known)
		return;
	while (!p_is(p, ";") && p_tok(p)->kind != TK_EOF && !p_is(p, "as"))
		p_next(p);
}

static int p_create_table(struct parser *p, struct ast_stmt *s, int temporary)
{
	struct ast_create_table *t = arena_alloc(p->a, sizeof(*t));
	s->kind = AST_CREATE_TABLE;
	s->u.create_table = t;
	t->temporary = temporary;
	if (p_accept(p, "if")) {
		if (p_expect(p, "not") < 0 || p_expect(p, "exists") < 0)
			return -1;
		t->if_not_exists = 1;
	}
	if (p_name(p, &t->name) < 0)
		return -1;
	if (p_is(p, "like") || p_is(p, "partition") || p_is(p, "of"))
		return p_unsupported(p, "this form of CREATE TABLE");
	if (p_accept(p, "(")) {
		int ccap = 0, kcap = 0;
		do {
			int rc = p->r->mysql_ops ? p_skip_mysql_index(p) : 1;
			if (rc < 0)
				return -1;
			if (rc == 0)
				continue;
			t->cons = p_grow(p, t->cons, t->ncons, &kcap, sizeof(*t->cons));
			rc = p_table_constraint(p, &t->cons[t->ncons]);
			if (rc < 0)
				return -1;
			if (rc == 0) {
				t->ncons++;
				continue;
			}
			if (p_is(p, "like") || p_is(p, "exclude"))
				return p_unsupported(p, "this table element");
			t->cols = p_grow(p, t->cols, t->ncols, &ccap, sizeof(*t->cols));
			memset(&t->cols[t->ncols], 0, sizeof(t->cols[0]));
			if (p_column_def(p, &t->cols[t->ncols++]) < 0)
				return -1;
		} while (p_accept(p, ","));
		if (p_expect(p, ")") < 0)
			return -1;
	}
	p_table_options(p);
	if (p_accept(p, "as")) {
		if (p_query(p, &t->as) < 0)
			return -1;
		if (p_accept(p, "with")) {
			p_accept(p, "no");
			if (p_expect(p, "data") < 0)
				return -1;
		}
	} else if (!t->ncols) {
		return p_syntax(p);
	}
	return 0;
}

static int p_create_index(struct parser *p, struct ast_stmt *s, int unique)
{
	struct ast_create_index *x = arena_alloc(p->a, sizeof(*x));
	s->kind = AST_CREATE_INDEX;
	s->u.create_index = x;
	x->unique = unique;
	p_accept(p, "concurrently");
	if (p_accept(p, "if")) {
		if (p_expect(p, "not") < 0 || p_expect(p, "exists") < 0)
			return -1;
		x->if_not_exists = 1;
	}
	if (!p_is(p, "on") && p_ident(p, &x->name) < 0)
		return -1;
	if (p_accept(p, "using")) /* MySQL: CREATE INDEX i USING BTREE ON t */
		p_next(p);
	if (p_expect(p, "on") < 0)
		return -1;
	p_accept(p, "only");
	if (p_name(p, &x->table) < 0)
		return -1;
	if (p_accept(p, "using")) {
		x->method = p_lower(p, p_tok(p));
		p_next(p);
	}
	if (p_expect(p, "(") < 0)
		return -1;
	int cap = 0;
	do {
		x->cols = p_grow(p, x->cols, x->ncols, &cap, sizeof(*x->cols));
		struct ast_index_col *c = &x->cols[x->ncols++];
		memset(c, 0, sizeof(*c));
		if (p_expr(p, &c->e) < 0)
			return -1;
		if (p_tok(p)->kind == TK_IDENT && !p_is_reserved(p, p_tok(p)) && !p_is(p, "nulls")) {
			c->opclass = p_lower(p, p_tok(p));
			p_next(p);
		}
		if (p_accept(p, "desc"))
			c->desc = 1;
		else
			p_accept(p, "asc");
		if (p_accept(p, "nulls"))
			p_next(p);
	} while (p_accept(p, ","));
	if (p_expect(p, ")") < 0)
		return -1;
	if (p_accept(p, "include")) {
		int n;
		struct ast_ident *v;
		if (p_ident_list(p, &n, &v) < 0)
			return -1;
	}
	if (p_is(p, "with") && p_peek_is(p, 1, "(")) {
		p_next(p);
		if (p_skip_parens(p) < 0)
			return -1;
	}
	if (p_accept(p, "where") && p_expr(p, &x->where) < 0)
		return -1;
	return 0;
}

static int p_create_view(struct parser *p, struct ast_stmt *s, int or_replace, int temporary)
{
	struct ast_create_view *v = arena_alloc(p->a, sizeof(*v));
	s->kind = AST_CREATE_VIEW;
	s->u.create_view = v;
	v->or_replace = or_replace;
	v->temporary = temporary;
	if (p_accept(p, "if")) {
		if (p_expect(p, "not") < 0 || p_expect(p, "exists") < 0)
			return -1;
		v->if_not_exists = 1;
	}
	if (p_name(p, &v->name) < 0)
		return -1;
	if (p_is(p, "(") && p_ident_list(p, &v->ncols, &v->cols) < 0)
		return -1;
	if (p_expect(p, "as") < 0 || p_query(p, &v->q) < 0)
		return -1;
	if (p_accept(p, "with")) {
		(void)(p_accept(p, "cascaded") || p_accept(p, "local"));
		if (p_expect(p, "check") < 0 || p_expect(p, "option") < 0)
			return -1;
	}
	return 0;
}

/* CREATE SCHEMA / DATABASE / EXTENSION name: one name, options dropped. */
static int p_create_object(struct parser *p, struct ast_stmt *s, enum ast_stmt_kind kind, enum ast_object what)
{
	struct ast_objects *o = arena_alloc(p->a, sizeof(*o));
	s->kind = kind;
	s->u.objects = o;
	o->what = what;
	if (p_accept(p, "if")) {
		if (p_expect(p, "not") < 0 || p_expect(p, "exists") < 0)
			return -1;
		o->if_not_exists = 1;
	}
	o->n = 1;
	o->names = arena_alloc(p->a, sizeof(*o->names));
	if (p_name(p, &o->names[0]) < 0)
		return -1;
	while (!p_is(p, ";") && p_tok(p)->kind != TK_EOF) /* AUTHORIZATION, CHARACTER SET, WITH OWNER, ... */
		p_next(p);
	return 0;
}

int p_create(struct parser *p, struct ast_stmt *s)
{
	p_next(p); /* CREATE */
	int or_replace = p_accept2(p, "or", "replace");
	int temporary = p_accept(p, "temporary") || p_accept(p, "temp");
	if (p_accept(p, "global") || p_accept(p, "local")) /* GLOBAL TEMPORARY (Oracle, Db2) */
		temporary = p_accept(p, "temporary") || p_accept(p, "temp");
	p_accept(p, "unlogged");
	if (p_accept(p, "table"))
		return p_create_table(p, s, temporary);
	if (p_accept(p, "view"))
		return p_create_view(p, s, or_replace, temporary);
	if (p_accept(p, "index"))
		return p_create_index(p, s, 0);
	if (p_accept2(p, "unique", "index"))
		return p_create_index(p, s, 1);
	if (p_accept(p, "schema"))
		return p_create_object(p, s, AST_CREATE_SCHEMA, OBJ_SCHEMA);
	if (p_accept(p, "database"))
		return p_create_object(p, s, AST_CREATE_DATABASE, OBJ_DATABASE);
	if (p_accept(p, "extension"))
		return p_create_object(p, s, AST_CREATE_EXTENSION, OBJ_EXTENSION);
	if (p_tok(p)->kind == TK_IDENT) {
		char what[64];
		snprintf(what, sizeof(what), "CREATE %.*s", (int)p_tok(p)->len, p->lx.s + p_tok(p)->off);
		for (char *c = what; *c; c++)
			if (*c >= 'a' && *c <= 'z')
				*c = (char)(*c - 'a' + 'A');
		return p_unsupported(p, what);
	}
	return p_syntax(p);
}

int p_drop(struct parser *p, struct ast_stmt *s)
{
	struct ast_objects *o = arena_alloc(p->a, sizeof(*o));
	s->kind = AST_DROP;
	s->u.objects = o;
	p_next(p); /* DROP */
	p_accept(p, "temporary");
	if (p_accept(p, "table"))
		o->what = OBJ_TABLE;
	else if (p_accept(p, "index"))
		o->what = OBJ_INDEX;
	else if (p_accept(p, "view"))
		o->what = OBJ_VIEW;
	else if (p_accept(p, "schema"))
		o->what = OBJ_SCHEMA;
	else if (p_accept(p, "database"))
		o->what = OBJ_DATABASE;
	else if (p_accept(p, "sequence"))
		o->what = OBJ_SEQUENCE;
	else if (p_accept(p, "extension"))
		o->what = OBJ_EXTENSION;
	else if (p_tok(p)->kind == TK_IDENT)
		return p_unsupported(p, "this DROP");
	else
		return p_syntax(p);
	p_accept(p, "concurrently");
	if (p_accept(p, "if")) {
		if (p_expect(p, "exists") < 0)
			return -1;
		o->if_exists = 1;
	}
	int cap = 0;
	do {
		o->names = p_grow(p, o->names, o->n, &cap, sizeof(*o->names));
		if (p_name(p, &o->names[o->n++]) < 0)
			return -1;
	} while (p_accept(p, ","));
	if (o->what == OBJ_INDEX && p_accept(p, "on") && p_name(p, &o->on_table) < 0)
		return -1;
	if (p_accept(p, "cascade"))
		o->cascade = 1;
	else
		p_accept(p, "restrict");
	p_accept(p, "purge"); /* Oracle */
	return 0;
}

int p_truncate(struct parser *p, struct ast_stmt *s)
{
	struct ast_objects *o = arena_alloc(p->a, sizeof(*o));
	s->kind = AST_TRUNCATE;
	s->u.objects = o;
	o->what = OBJ_TABLE;
	p_next(p);
	p_accept(p, "table");
	p_accept(p, "only");
	int cap = 0;
	do {
		o->names = p_grow(p, o->names, o->n, &cap, sizeof(*o->names));
		if (p_name(p, &o->names[o->n++]) < 0)
			return -1;
	} while (p_accept(p, ","));
	if (p_accept(p, "restart") || p_accept(p, "continue")) {
		if (p_expect(p, "identity") < 0)
			return -1;
	}
	if (p_accept(p, "cascade"))
		o->cascade = 1;
	else
		p_accept(p, "restrict");
	return 0;
}

int p_alter(struct parser *p, struct ast_stmt *s)
{
	struct ast_alter_table *t = arena_alloc(p->a, sizeof(*t));
	p_next(p); /* ALTER */
	if (!p_accept(p, "table")) {
		if (p_tok(p)->kind == TK_IDENT)
			return p_unsupported(p, "this ALTER");
		return p_syntax(p);
	}
	s->kind = AST_ALTER_TABLE;
	s->u.alter = t;
	if (p_accept(p, "if")) {
		if (p_expect(p, "exists") < 0)
			return -1;
		t->if_exists = 1;
	}
	p_accept(p, "only");
	if (p_name(p, &t->table) < 0)
		return -1;
	if (p_accept(p, "add")) {
		/* ADD [COLUMN] definition, or ADD table_constraint (1 from p_table_constraint: none here) */
		struct ast_constraint c;
		int rc = p_accept(p, "column") ? 1 : p_table_constraint(p, &c);
		if (rc < 0)
			return -1;
		if (rc == 0) {
			t->what = ALTER_ADD_CONSTRAINT;
			t->cons = arena_memdup(p->a, &c, sizeof(c));
			return 0;
		}
		t->what = ALTER_ADD_COLUMN;
		if (p_accept(p, "if")) {
			if (p_expect(p, "not") < 0 || p_expect(p, "exists") < 0)
				return -1;
			t->col_if_not_exists = 1;
		}
		t->col = arena_alloc(p->a, sizeof(*t->col));
		if (p_column_def(p, t->col) < 0)
			return -1;
	} else if (p_accept(p, "drop")) {
		if (p_is(p, "constraint") || p_is(p, "primary") || p_is(p, "index") || p_is(p, "foreign"))
			return p_unsupported(p, "ALTER TABLE DROP CONSTRAINT");
		p_accept(p, "column");
		t->what = ALTER_DROP_COLUMN;
		if (p_accept(p, "if")) {
			if (p_expect(p, "exists") < 0)
				return -1;
			t->col_if_exists = 1;
		}
		if (p_ident(p, &t->name) < 0)
			return -1;
		(void)(p_accept(p, "cascade") || p_accept(p, "restrict"));
	} else if (p_accept(p, "rename")) {
		if (p_accept(p, "to") || (p->r->mysql_ops && p_accept(p, "as"))) {
			t->what = ALTER_RENAME_TABLE;
			struct ast_name n;
			if (p_name(p, &n) < 0)
				return -1;
			t->new_name = n.parts[n.n - 1];
			return 0;
		}
		if (p_is(p, "constraint") || p_is(p, "index") || p_is(p, "key"))
			return p_unsupported(p, "ALTER TABLE RENAME CONSTRAINT");
		p_accept(p, "column");
		t->what = ALTER_RENAME_COLUMN;
		if (p_ident(p, &t->name) < 0 || p_expect(p, "to") < 0 || p_ident(p, &t->new_name) < 0)
			return -1;
	} else if (p_tok(p)->kind == TK_IDENT) {
		return p_unsupported(p, "this ALTER TABLE action");
	} else {
		return p_syntax(p);
	}
	if (p_is(p, ","))
		return p_unsupported(p, "several ALTER TABLE actions in one statement");
	return 0;
}
