/*
 * parse_txn.c — statements the engine answers itself, without the store
 * running them as SQL: BEGIN / START TRANSACTION / COMMIT / END / ROLLBACK /
 * ABORT / SAVEPOINT / RELEASE / ROLLBACK TO, SET (PG and MySQL forms,
 * SET NAMES, SET TRANSACTION), SHOW and DESCRIBE, USE, and PostgreSQL's
 * cursors (DECLARE / FETCH / MOVE / CLOSE).
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "sql/parse_int.h"

/* ISOLATION LEVEL x | READ ONLY | READ WRITE | [NOT] DEFERRABLE | WITH CONSISTENT SNAPSHOT, comma-separated. */
static int p_txn_modes(struct parser *p, struct ast_txn *t)
{
	do {
		if (p_accept2(p, "isolation", "level")) {
			if (p_accept(p, "serializable"))
				t->isolation = ISO_SERIALIZABLE;
			else if (p_accept2(p, "repeatable", "read"))
				t->isolation = ISO_REPEATABLE_READ;
			else if (p_accept2(p, "read", "committed"))
				t->isolation = ISO_READ_COMMITTED;
			else if (p_accept2(p, "read", "uncommitted"))
				t->isolation = ISO_READ_UNCOMMITTED;
			else
				return p_syntax(p);
		} else if (p_accept2(p, "read", "only")) {
			t->read_only = 1;
		} else if (p_accept2(p, "read", "write")) {
			t->read_only = 2;
		} else if (p_accept(p, "deferrable") || p_accept2(p, "not", "deferrable")) {
		} else if (p_accept(p, "with")) {
			if (p_expect(p, "consistent") < 0 || p_expect(p, "snapshot") < 0)
				return -1;
		} else {
			return 0;
		}
	} while (p_accept(p, ","));
	return 0;
}

static int p_savepoint_name(struct parser *p, struct ast_txn *t) { return p_ident_any(p, &t->savepoint); }

int p_txn(struct parser *p, struct ast_stmt *s)
{
	struct ast_txn *t = arena_alloc(p->a, sizeof(*t));
	s->u.txn = t;
	int start = p_is(p, "start");
	if (p_accept(p, "begin") || p_accept(p, "start")) {
		s->kind = AST_BEGIN;
		if (!p_accept(p, "work") && !p_accept(p, "transaction") && !p_accept(p, "tran") && start)
			return p_syntax(p);
		return p_txn_modes(p, t);
	}
	if (p_accept(p, "commit") || p_accept(p, "end")) {
		s->kind = AST_COMMIT;
		(void)(p_accept(p, "work") || p_accept(p, "transaction") || p_accept(p, "tran"));
		if (p_accept(p, "and")) {
			t->chain = !p_accept(p, "no");
			if (p_expect(p, "chain") < 0)
				return -1;
		}
		return 0;
	}
	if (p_accept(p, "rollback") || p_accept(p, "abort")) {
		s->kind = AST_ROLLBACK;
		(void)(p_accept(p, "work") || p_accept(p, "transaction") || p_accept(p, "tran"));
		if (p_accept(p, "to")) {
			s->kind = AST_ROLLBACK_TO;
			p_accept(p, "savepoint");
			return p_savepoint_name(p, t);
		}
		if (p_accept(p, "and")) {
			t->chain = !p_accept(p, "no");
			if (p_expect(p, "chain") < 0)
				return -1;
		}
		return 0;
	}
	if (p_accept(p, "savepoint")) {
		s->kind = AST_SAVEPOINT;
		return p_savepoint_name(p, t);
	}
	p_next(p); /* RELEASE */
	s->kind = AST_RELEASE;
	p_accept(p, "savepoint");
	return p_savepoint_name(p, t);
}

/* A SET value: an expression, or a bare word (on, off, default, public). */
static int p_set_value(struct parser *p, struct ast_expr **out)
{
	const struct sql_token *t = p_tok(p);
	const struct sql_token *n = p_peek(p, 1);
	int ends = n->kind == TK_EOF || sql_tok_is(&p->lx, n, ";") || sql_tok_is(&p->lx, n, ",");
	if (t->kind == TK_IDENT && ends && !p_is(p, "true") && !p_is(p, "false") && !p_is(p, "null")) {
		struct ast_expr *e = p_new_expr(p, AST_LIT, t->off);
		e->u.lit.kind = LIT_STRING;
		e->u.lit.text = p_lower(p, t);
		e->u.lit.len = t->len;
		p_next(p);
		*out = e;
		return 0;
	}
	return p_expr(p, out);
}

static int p_set_one(struct parser *p, struct ast_stmt *s, struct ast_set *set)
{
	if (p_accept(p, "session")) {
		if (p_accept(p, "characteristics")) {
			if (p_expect(p, "as") < 0)
				return -1;
		}
		set->scope = SET_SESSION;
	} else if (p_accept(p, "local")) {
		set->scope = SET_LOCAL;
	} else if (p_accept(p, "global") || p_accept(p, "persist")) {
		set->scope = SET_GLOBAL;
	}
	if (p_accept(p, "transaction")) {
		s->kind = AST_SET_TRANSACTION;
		set->name = "transaction";
		return p_txn_modes(p, &set->txn);
	}
	if (p_accept(p, "names")) {
		set->name = "names";
		struct ast_expr *v;
		if (p_is(p, "default")) {
			p_next(p);
			set->to_default = 1;
			return 0;
		}
		if (p_set_value(p, &v) < 0)
			return -1;
		set->value.n = 1;
		set->value.v = arena_alloc(p->a, sizeof(*set->value.v));
		set->value.v[0] = v;
		if (p_accept(p, "collate")) {
			if (p_tok(p)->kind == TK_STRING) {
				size_t n;
				set->collation = sql_lex_decode(p->a, &p->lx, p_tok(p), &n);
			} else {
				set->collation = p_lower(p, p_tok(p));
			}
			p_next(p);
		}
		if (p->r->mysql_ops && p_accept(p, ",")) {
			set->next = arena_alloc(p->a, sizeof(*set->next));
			return p_set_one(p, s, set->next);
		}
		return 0;
	}
	if (p_accept2(p, "time", "zone")) {
		set->name = "timezone";
	} else if (p_accept2(p, "character", "set") || p_accept(p, "charset")) {
		set->name = "character_set";
	} else {
		/* name, dotted name, @var, @@var, @@session.var */
		const struct sql_token *t = p_tok(p);
		size_t start = t->off;
		if (p_is(p, "@")) {
			p_next(p);
			if (p_tok(p)->kind != TK_IDENT)
				return p_syntax(p);
		} else if (t->kind != TK_IDENT && t->kind != TK_QIDENT) {
			return p_syntax(p);
		}
		p_next(p);
		while (p_is(p, ".") && (p_peek(p, 1)->kind == TK_IDENT || p_peek(p, 1)->kind == TK_QIDENT))
			p->i += 2;
		const struct sql_token *last = &p->toks[p->i - 1];
		char *name = p_span(p, start, last->off + last->len);
		for (char *c = name; *c; c++)
			*c = (char)tolower((unsigned char)*c);
		set->name = name;
		if (!p_accept(p, "=") && !p_accept(p, "to") && !p_accept(p, ":="))
			return p_syntax(p);
	}
	if (p_accept(p, "default")) {
		set->to_default = 1;
		return 0;
	}
	if (p->r->mysql_ops) { /* one value; a comma starts the next assignment */
		struct ast_expr *v;
		if (p_set_value(p, &v) < 0)
			return -1;
		set->value.n = 1;
		set->value.v = arena_alloc(p->a, sizeof(*set->value.v));
		set->value.v[0] = v;
		if (p_accept(p, ",")) {
			set->next = arena_alloc(p->a, sizeof(*set->next));
			return p_set_one(p, s, set->next);
		}
		return 0;
	}
	int cap = 4;
	set->value.v = arena_alloc(p->a, (size_t)cap * sizeof(*set->value.v));
	do {
		if (set->value.n == cap) {
			struct ast_expr **nv = arena_alloc(p->a, (size_t)cap * 2 * sizeof(*nv));
			memcpy(nv, set->value.v, (size_t)cap * sizeof(*nv));
			set->value.v = nv;
			cap *= 2;
		}
		if (p_set_value(p, &set->value.v[set->value.n++]) < 0)
			return -1;
	} while (p_accept(p, ","));
	return 0;
}

int p_set(struct parser *p, struct ast_stmt *s)
{
	struct ast_set *set = arena_alloc(p->a, sizeof(*set));
	s->kind = AST_SET;
	s->u.set = set;
	p_next(p); /* SET */
	return p_set_one(p, s, set);
}

int p_show(struct parser *p, struct ast_stmt *s)
{
	struct ast_show *sh = arena_alloc(p->a, sizeof(*sh));
	s->kind = AST_SHOW;
	s->u.show = sh;
	int describe = !p_is(p, "show");
	p_next(p);
	int cap = 4;
	sh->words = arena_alloc(p->a, (size_t)cap * sizeof(*sh->words));
	if (describe) {
		sh->words[sh->nwords++] = "columns";
		return p_name(p, &sh->from);
	}
	while (p_tok(p)->kind == TK_IDENT && !p_is(p, "from") && !p_is(p, "in") && !p_is(p, "like") &&
	       !p_is(p, "where")) {
		if (sh->nwords == cap) {
			const char **nv = arena_alloc(p->a, (size_t)cap * 2 * sizeof(*nv));
			memcpy(nv, sh->words, (size_t)cap * sizeof(*nv));
			sh->words = nv;
			cap *= 2;
		}
		sh->words[sh->nwords++] = p_lower(p, p_tok(p));
		p_next(p);
		if (sh->nwords == 2 && !strcmp(sh->words[0], "create")) /* SHOW CREATE TABLE t */
			return p_name(p, &sh->from);
		if (p_is(p, ".") && sh->nwords == 1) { /* SHOW a.b: a dotted setting name */
			size_t start = p->toks[p->i - 1].off;
			while (p_is(p, ".") && p_peek(p, 1)->kind == TK_IDENT)
				p->i += 2;
			const struct sql_token *last = &p->toks[p->i - 1];
			char *w = p_span(p, start, last->off + last->len);
			for (char *c = w; *c; c++)
				*c = (char)tolower((unsigned char)*c);
			sh->words[0] = w;
		}
	}
	if (!sh->nwords)
		return p_syntax(p);
	while (p_accept(p, "from") || p_accept(p, "in")) {
		struct ast_name n;
		if (p_name(p, &n) < 0)
			return -1;
		if (!sh->from.n)
			sh->from = n;
		else if (sh->from.n < AST_NAME_MAX) { /* SHOW COLUMNS FROM t FROM db: db.t */
			struct ast_name q = n;
			q.parts[q.n++] = sh->from.parts[sh->from.n - 1];
			sh->from = q;
		}
	}
	if (p_accept(p, "like")) {
		if (p_tok(p)->kind != TK_STRING)
			return p_syntax(p);
		size_t n;
		sh->like = sql_lex_decode(p->a, &p->lx, p_tok(p), &n);
		p_next(p);
	} else if (p_is(p, "where")) {
		return p_unsupported(p, "SHOW ... WHERE");
	}
	return 0;
}

/*
 * DECLARE name [BINARY] [ASENSITIVE | INSENSITIVE] [[NO] SCROLL] CURSOR [{WITH | WITHOUT} HOLD] FOR query
 * FETCH | MOVE [NEXT | FORWARD [n | ALL] | ALL | n] [FROM | IN] name
 * CLOSE name | ALL
 * Only forward motion: PRIOR, BACKWARD, ABSOLUTE, RELATIVE, FIRST, LAST are refused.
 */
int p_cursor(struct parser *p, struct ast_stmt *s)
{
	struct ast_cursor *c = arena_alloc(p->a, sizeof(*c));
	memset(c, 0, sizeof(*c));
	s->u.cursor = c;
	if (p_accept(p, "declare")) {
		s->kind = AST_DECLARE_CURSOR;
		if (p_ident(p, &c->name) < 0)
			return -1;
		for (;;) {
			if (p_accept(p, "binary"))
				c->binary = 1;
			else if (p_accept(p, "insensitive") || p_accept(p, "asensitive"))
				;
			else if (p_accept2(p, "no", "scroll"))
				;
			else if (p_is(p, "scroll"))
				return p_unsupported(p, "SCROLL cursors");
			else
				break;
		}
		if (p_expect(p, "cursor") < 0)
			return -1;
		if (p_accept2(p, "with", "hold"))
			c->hold = 1;
		else
			p_accept2(p, "without", "hold");
		if (p_expect(p, "for") < 0)
			return -1;
		c->query_off = p_tok(p)->off;
		if (!p_query_starts(p))
			return p_syntax(p);
		return p_query(p, &c->query);
	}
	if (p_accept(p, "close")) {
		s->kind = AST_CLOSE_CURSOR;
		if (p_accept(p, "all"))
			return 0;
		return p_ident(p, &c->name);
	}
	s->kind = AST_FETCH;
	c->move = p_is(p, "move");
	p_next(p);
	c->count = 1;
	if (p_is(p, "prior") || p_is(p, "backward") || p_is(p, "absolute") || p_is(p, "relative") ||
	    p_is(p, "first") || p_is(p, "last"))
		return p_unsupported(p, "scrolling a cursor backward or to a position");
	if (p_accept(p, "next")) {
		c->count = 1;
	} else if (p_accept(p, "all")) {
		c->count = -1;
	} else {
		p_accept(p, "forward");
		if (p_accept(p, "all")) {
			c->count = -1;
		} else if (p_tok(p)->kind == TK_INT) {
			c->count = strtoll(p_raw(p, p_tok(p)), NULL, 10);
			p_next(p);
		}
	}
	if (!p_accept(p, "from"))
		p_accept(p, "in");
	return p_ident(p, &c->name);
}
