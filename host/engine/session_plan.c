/*
 * session_plan.c — statement text to a plan: parse in the session's dialect,
 * bind against the catalog, deparse for the store.
 *
 *   text --sql_parse--> AST --sql_bind--> types --sql_deparse_sqlite--> store SQL
 *                        \--BEGIN/COMMIT/ROLLBACK--> PLAN_TXN
 *                        \--SET / SET TRANSACTION--> PLAN_SET
 *                        \--SHOW x-----------------> a one-row SELECT of the value
 *
 * Transition rule: text the front-end cannot parse yet goes to the store
 * as written (classified by its leading keywords), so nothing that worked
 * before the front-end existed stops working while it grows; if the store
 * then reports a syntax error too, the parser's error (PostgreSQL's words
 * and position) is the one returned (session_plan_store_error).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/buf.h"
#include "engine/catalog.h"
#include "engine/session_int.h"
#include "sql/deparse.h"
#include "sql/parser.h"
#include "sql/rewrite.h"
#include "sql/split.h"

/* Classify text the front-end could not parse, by its leading words. */
static enum stmt_kind session_plan_classify(const char *sql, size_t len, struct stmt_result *res)
{
	char w1[32], w2[32];
	size_t p = sql_skip_space(sql, len, 0);
	if (p >= len || sql[p] == ';')
		return STMT_EMPTY;
	p = sql_read_keyword(sql, len, p, w1, sizeof(w1));
	size_t q = sql_read_keyword(sql, len, sql_skip_space(sql, len, p), w2, sizeof(w2));
	snprintf(res->verb, sizeof(res->verb), "%s", w1[0] ? w1 : "?");

	if (!strcmp(w1, "BEGIN") || (!strcmp(w1, "START") && !strcmp(w2, "TRANSACTION")))
		return STMT_BEGIN;
	if (!strcmp(w1, "COMMIT") || !strcmp(w1, "END"))
		return STMT_COMMIT;
	if ((!strcmp(w1, "ROLLBACK") || !strcmp(w1, "ABORT")) && strcmp(w2, "TO") != 0)
		return STMT_ROLLBACK;
	if (!strcmp(w1, "SELECT") || !strcmp(w1, "WITH") || !strcmp(w1, "VALUES") || !strcmp(w1, "TABLE"))
		return STMT_SELECT;
	if (!strcmp(w1, "INSERT") || !strcmp(w1, "REPLACE"))
		return STMT_INSERT;
	if (!strcmp(w1, "UPDATE"))
		return STMT_UPDATE;
	if (!strcmp(w1, "DELETE"))
		return STMT_DELETE;
	if ((!strcmp(w1, "CREATE") || !strcmp(w1, "DROP") || !strcmp(w1, "ALTER")) && w2[0]) {
		if (!strcmp(w2, "UNIQUE") || !strcmp(w2, "TEMP") || !strcmp(w2, "TEMPORARY"))
			sql_read_keyword(sql, len, sql_skip_space(sql, len, q), w2, sizeof(w2));
		snprintf(res->verb, sizeof(res->verb), "%s %s", w1, w2);
	}
	return STMT_OTHER;
}

static enum stmt_kind session_plan_kind(enum ast_stmt_kind k)
{
	switch (k) {
	case AST_SELECT: case AST_EXPLAIN: case AST_SHOW:
		return STMT_SELECT;
	case AST_INSERT:
		return STMT_INSERT;
	case AST_UPDATE:
		return STMT_UPDATE;
	case AST_DELETE:
		return STMT_DELETE;
	case AST_BEGIN:
		return STMT_BEGIN;
	case AST_COMMIT:
		return STMT_COMMIT;
	case AST_ROLLBACK:
		return STMT_ROLLBACK;
	default:
		return STMT_OTHER;
	}
}

static const char *session_plan_text(struct session *s, const char *fmt, const char *a, const char *b)
{
	char tmp[512];
	int n = snprintf(tmp, sizeof(tmp), fmt, a, b ? b : "");
	if (n < 0 || (size_t)n >= sizeof(tmp))
		n = 0;
	return arena_strndup(&s->arena, tmp, (size_t)n);
}


/* Append `v` as a SQL string literal. */
static void plan_put_literal(struct buf *q, const char *v)
{
	buf_printf(q, "'");
	for (; *v; v++)
		buf_printf(q, *v == '\'' ? "''" : "%c", *v);
	buf_printf(q, "'");
}

struct plan_rows {
	struct buf *q;
	int n;
};

static void plan_put_var_row(void *ctx, const char *name, const char *value)
{
	struct plan_rows *r = ctx;
	buf_printf(r->q, "%s(", r->n++ ? ", " : "");
	plan_put_literal(r->q, name);
	buf_printf(r->q, ", ");
	plan_put_literal(r->q, value ? value : "");
	buf_printf(r->q, ")");
}

/* MySQL's name for a canonical declared type, in SQL over pragma_table_info's `type`. */
static const char plan_mysql_type_sql[] =
	"CASE WHEN type = 'INTEGER' THEN 'int' WHEN type LIKE 'int4%' THEN 'int' WHEN type LIKE 'int8%' THEN 'bigint' "
	"WHEN type LIKE 'int2%' THEN 'smallint' WHEN type LIKE 'float8%' THEN 'double' WHEN type LIKE 'float4%' THEN 'float' "
	"WHEN type LIKE 'bool%' THEN 'tinyint(1)' WHEN type LIKE 'numeric%' THEN replace(type, 'numeric', 'decimal') "
	"WHEN type LIKE 'bpchar%' THEN replace(type, 'bpchar', 'char') WHEN type = 'timestamptz' THEN 'timestamp' "
	"WHEN type = 'timestamp' THEN 'datetime' WHEN type = 'bytea' THEN 'blob' ELSE lower(type) END";

static int plan_mysql_table_exists(struct session *s, const struct ast_show *sh, struct buf *q)
{
	(void)q;
	struct column_desc *cols;
	struct arena a;
	arena_init(&a);
	int n = catalog_columns(s->sc, &sh->from, &a, &cols);
	arena_free(&a);
	return n >= 0;
}

/*
 * SHOW CREATE TABLE in MySQL's own layout (backquoted names, one column a line,
 * PRIMARY KEY / UNIQUE KEY / KEY / FOREIGN KEY lines, ENGINE and CHARSET), which
 * ORMs parse to reflect a table, built over pragma_table_info and friends.
 */
static void plan_mysql_create_table(struct buf *q, const char *table)
{
	buf_printf(q, "SELECT ");
	plan_put_literal(q, table);
	buf_printf(q, " AS \"Table\", 'CREATE TABLE `' || ");
	plan_put_literal(q, table);
	buf_printf(q, " || '` (' || char(10) || (SELECT group_concat('  `' || name || '` ' || %s || "
		      "CASE WHEN \"notnull\" OR pk > 0 THEN ' NOT NULL' ELSE '' END || "
		      "CASE WHEN dflt_value IS NOT NULL THEN ' DEFAULT ' || dflt_value ELSE '' END || "
		      "CASE WHEN pk > 0 AND type = 'INTEGER' THEN ' AUTO_INCREMENT' ELSE '' END, ',' || char(10)) "
		      "FROM (SELECT * FROM pragma_table_info(", plan_mysql_type_sql);
	plan_put_literal(q, table);
	buf_printf(q, ") ORDER BY cid)) || COALESCE(',' || char(10) || '  PRIMARY KEY (' || (SELECT group_concat('`' || name || '`', ',') "
		      "FROM (SELECT name FROM pragma_table_info(");
	plan_put_literal(q, table);
	buf_printf(q, ") WHERE pk > 0 ORDER BY pk)) || ')', '') || COALESCE((SELECT group_concat(',' || char(10) || "
		      "CASE WHEN il.\"unique\" THEN '  UNIQUE KEY `' ELSE '  KEY `' END || "
		      "CASE WHEN il.name LIKE 'sqlite_autoindex%%' THEN (SELECT name FROM pragma_index_info(il.name) WHERE seqno = 0) "
		      "ELSE il.name END || '` (' || "
		      "(SELECT group_concat('`' || ii.name || '`', ',') FROM (SELECT name FROM pragma_index_info(il.name) ORDER BY seqno) ii) "
		      "|| ')', '') FROM pragma_index_list(");
	plan_put_literal(q, table);
	buf_printf(q, ") il WHERE il.origin <> 'pk'), '') || COALESCE((SELECT group_concat(',' || char(10) || '  CONSTRAINT `' || ");
	plan_put_literal(q, table);
	buf_printf(q, " || '_ibfk_' || (fk.id + 1) || '` FOREIGN KEY (' || fk.cols || ') REFERENCES `' || fk.tbl || '` (' || fk.refs || ')', '') "
		      "FROM (SELECT id, \"table\" AS tbl, group_concat('`' || \"from\" || '`', ',') AS cols, "
		      "group_concat('`' || \"to\" || '`', ',') AS refs FROM (SELECT * FROM pragma_foreign_key_list(");
	plan_put_literal(q, table);
	buf_printf(q, ") ORDER BY id, seq) GROUP BY id) fk), '') || char(10) || ') ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 "
		      "COLLATE=utf8mb4_0900_ai_ci' AS \"Create Table\"");
}

/*
 * MySQL's SHOW statements as SELECTs over the store's schema (so simple and
 * prepared execution need nothing special).  SHOW STATUS answers with no
 * rows: the server keeps no such counters yet.
 */
static int session_plan_show_mysql(struct session *s, const struct ast_show *sh, const char *what,
				   struct session_plan *p, struct rerr *err)
{
	struct buf q;
	buf_init(&q);
	const char *table = sh->from.n ? sh->from.parts[sh->from.n - 1].s : NULL;
	const char *like_col = NULL;
	if (!strcmp(what, "databases") || !strcmp(what, "schemas")) {
		struct buf names;
		buf_init(&names);
		int n = store_list_databases(s->sc->store, &names);
		buf_printf(&q, "SELECT column1 AS \"Database\" FROM (VALUES ");
		const char *name = (const char *)names.data;
		for (int i = 0; i < n; i++, name += strlen(name) + 1) {
			buf_printf(&q, "%s(", i ? ", " : "");
			plan_put_literal(&q, name);
			buf_printf(&q, ")");
		}
		if (n <= 0)
			buf_printf(&q, "(NULL)");
		buf_printf(&q, ") WHERE column1 IS NOT NULL");
		buf_free(&names);
		like_col = "column1";
	} else if (!strcmp(what, "tables") || !strcmp(what, "full tables")) {
		buf_printf(&q, "SELECT name AS \"Tables_in_%s\"", s->database);
		if (!strcmp(what, "full tables"))
			buf_printf(&q, ", CASE type WHEN 'view' THEN 'VIEW' ELSE 'BASE TABLE' END AS \"Table_type\"");
		buf_printf(&q, " FROM sqlite_schema WHERE type IN ('table', 'view') AND name NOT LIKE 'sqlite\\_%%' ESCAPE '\\'");
		like_col = "name";
	} else if ((!strcmp(what, "columns") || !strcmp(what, "full columns") || !strcmp(what, "fields")) && table) {
		struct column_desc *cols;
		struct arena a;
		arena_init(&a);
		int n = catalog_columns(s->sc, &sh->from, &a, &cols);
		arena_free(&a);
		if (n < 0) {
			buf_free(&q);
			return rerr_set(err, ERR_UNDEFINED_TABLE, "Table '%s.%s' doesn't exist", s->database, table);
		}
		buf_printf(&q, "SELECT name AS \"Field\", %s AS \"Type\", CASE WHEN \"notnull\" OR pk > 0 THEN 'NO' ELSE 'YES' END AS \"Null\", "
			       "CASE WHEN pk > 0 THEN 'PRI' ELSE '' END AS \"Key\", dflt_value AS \"Default\", "
			       "CASE WHEN pk > 0 AND type = 'INTEGER' THEN 'auto_increment' ELSE '' END AS \"Extra\" FROM pragma_table_info(",
			   plan_mysql_type_sql);
		plan_put_literal(&q, table);
		buf_printf(&q, ") WHERE 1");
		like_col = "name";
	} else if (!strcmp(what, "variables") || !strcmp(what, "session variables") || !strcmp(what, "global variables")) {
		struct plan_rows r = {&q, 0};
		buf_printf(&q, "SELECT column1 AS \"Variable_name\", column2 AS \"Value\" FROM (VALUES ");
		session_var_each(s, plan_put_var_row, &r);
		buf_printf(&q, ") WHERE 1");
		like_col = "column1";
	} else if (!strcmp(what, "warnings") || !strcmp(what, "errors")) {
		buf_printf(&q, "SELECT '' AS \"Level\", 0 AS \"Code\", '' AS \"Message\" WHERE 0");
	} else if (!strcmp(what, "status") || !strcmp(what, "session status") || !strcmp(what, "global status")) {
		buf_printf(&q, "SELECT '' AS \"Variable_name\", '' AS \"Value\" WHERE 0");
	} else if (!strcmp(what, "create table") && table) {
		if (!plan_mysql_table_exists(s, sh, &q)) {
			buf_free(&q);
			return rerr_set(err, ERR_UNDEFINED_TABLE, "Table '%s.%s' doesn't exist", s->database, table);
		}
		plan_mysql_create_table(&q, table);
	} else if ((!strcmp(what, "index") || !strcmp(what, "indexes") || !strcmp(what, "keys")) && table) {
		buf_printf(&q, "SELECT ");
		plan_put_literal(&q, table);
		buf_printf(&q, " AS \"Table\", CASE WHEN il.\"unique\" THEN 0 ELSE 1 END AS \"Non_unique\", "
			       "CASE WHEN il.origin = 'pk' THEN 'PRIMARY' ELSE il.name END AS \"Key_name\", ii.seqno + 1 AS \"Seq_in_index\", "
			       "ii.name AS \"Column_name\", 'A' AS \"Collation\", NULL AS \"Cardinality\", NULL AS \"Sub_part\", "
			       "NULL AS \"Packed\", '' AS \"Null\", 'BTREE' AS \"Index_type\", '' AS \"Comment\", '' AS \"Index_comment\" "
			       "FROM pragma_index_list(");
		plan_put_literal(&q, table);
		buf_printf(&q, ") il, pragma_index_info(il.name) ii");
	} else {
		buf_free(&q);
		return rerr_set(err, ERR_FEATURE_NOT_SUPPORTED, "SHOW %s is not supported", what);
	}
	if (like_col && sh->like) {
		buf_printf(&q, " AND %s LIKE ", like_col);
		plan_put_literal(&q, sh->like);
	}
	if (like_col)
		buf_printf(&q, strcmp(like_col, "name") || !strstr(what, "olumns") ? " ORDER BY 1" : " ORDER BY cid");
	p->text = arena_strndup(&s->arena, (const char *)q.data, q.len);
	p->len = q.len;
	p->action = PLAN_STORE;
	buf_free(&q);
	return 0;
}

/* SHOW x: the value as a one-row SELECT, so simple and prepared execution need nothing special. */
static int session_plan_show(struct session *s, const struct ast_show *sh, struct session_plan *p, struct rerr *err)
{
	struct buf name;
	buf_init(&name);
	for (int i = 0; i < sh->nwords; i++)
		buf_printf(&name, "%s%s", i ? " " : "", sh->words[i]);
	buf_put_u8(&name, 0);
	const char *n = (const char *)name.data;
	if (s->opts.dialect == DIALECT_MYSQL) {
		int rc = session_plan_show_mysql(s, sh, n, p, err);
		buf_free(&name);
		return rc;
	}
	const char *var = !strcasecmp(n, "transaction isolation level") ? "transaction_isolation" : n;
	const char *value = session_var_get(s, var);
	if (!value) {
		rerr_set(err, s->opts.dialect == DIALECT_MYSQL ? ERR_FEATURE_NOT_SUPPORTED : ERR_UNDEFINED_OBJECT,
			 "unrecognized configuration parameter \"%s\"", n);
		buf_free(&name);
		return -1;
	}
	struct buf q;
	buf_init(&q);
	buf_printf(&q, "SELECT '");
	for (const char *c = value; *c; c++)
		buf_printf(&q, *c == '\'' ? "''" : "%c", *c);
	buf_printf(&q, "' AS \"");
	for (const char *c = var; *c; c++)
		buf_printf(&q, *c == '"' ? "\"\"" : "%c", *c);
	buf_printf(&q, "\"");
	p->text = arena_strndup(&s->arena, (const char *)q.data, q.len);
	p->len = q.len;
	p->action = PLAN_STORE;
	p->bound.ncols = 1;
	p->bound.cols = arena_alloc(&s->arena, sizeof(struct column_desc));
	p->bound.cols[0] = (struct column_desc){arena_strndup(&s->arena, var, strlen(var)), RT_TEXT, -1, NULL, 0};
	buf_free(&q);
	buf_free(&name);
	return 0;
}

/*
 * VACUUM and ANALYZE, PostgreSQL's maintenance: VACUUM has nothing to do on
 * the embedded store (WAL checkpoints reclaim space on their own), ANALYZE
 * gathers the store's own statistics.  pgbench -i runs both.
 */
static int session_plan_maintenance(struct session *s, const char *sql, size_t len, struct session_plan *p)
{
	char w1[16], w2[16];
	size_t i = sql_read_keyword(sql, len, sql_skip_space(sql, len, 0), w1, sizeof(w1));
	if (strcmp(w1, "VACUUM") && strcmp(w1, "ANALYZE"))
		return 0;
	snprintf(p->proto.verb, sizeof(p->proto.verb), "%s", w1);
	size_t j = sql_skip_space(sql, len, i);
	size_t k = sql_read_keyword(sql, len, j, w2, sizeof(w2));
	int analyze = !strcmp(w1, "ANALYZE") || !strcmp(w2, "ANALYZE");
	while (!strcmp(w2, "ANALYZE") || !strcmp(w2, "VERBOSE") || !strcmp(w2, "FULL") || !strcmp(w2, "FREEZE")) {
		j = sql_skip_space(sql, len, k);
		k = sql_read_keyword(sql, len, j, w2, sizeof(w2));
	}
	if (!analyze) {
		p->action = PLAN_NOOP;
		return 0;
	}
	const char *rest = sql + j;
	size_t rlen = len - j;
	while (rlen && (rest[rlen - 1] == ';' || rest[rlen - 1] == ' ' || rest[rlen - 1] == '\n'))
		rlen--;
	struct buf q;
	buf_init(&q);
	buf_printf(&q, "ANALYZE %.*s", (int)rlen, rest);
	p->text = arena_strndup(&s->arena, (const char *)q.data, q.len);
	p->len = q.len;
	p->action = PLAN_STORE;
	buf_free(&q);
	return 0;
}

int session_plan(struct session *s, const char *sql, size_t len, size_t *used, struct session_plan *p,
		 struct rerr *err)
{
	memset(p, 0, sizeof(*p));
	rerr_clear(err);
	arena_reset(&s->arena);
	struct ast_stmt *ast = NULL;
	*used = 0;
	if (sql_parse(&s->arena, s->opts.dialect, sql, len, &ast, used, &p->parse_err) < 0) {
		p->parse_failed = 1;
		size_t end = sql_statement_end(sql, len, 0);
		*used = end;
		p->proto.kind = session_plan_classify(sql, end, &p->proto);
		p->action = p->proto.kind == STMT_EMPTY ? PLAN_EMPTY
			    : (p->proto.kind == STMT_BEGIN || p->proto.kind == STMT_COMMIT || p->proto.kind == STMT_ROLLBACK)
				? PLAN_TXN
				: PLAN_STORE;
		p->text = sql;
		p->len = end;
		return session_plan_maintenance(s, sql, end, p);
	}
	if (*used == 0)
		*used = len;
	if (!ast) {
		p->action = PLAN_EMPTY;
		p->proto.kind = STMT_EMPTY;
		return 0;
	}
	p->ast = ast;
	p->proto.kind = session_plan_kind(ast->kind);
	snprintf(p->proto.verb, sizeof(p->proto.verb), "%s", ast_stmt_tag(ast));

	switch (ast->kind) {
	case AST_BEGIN:
		p->isolation = ast->u.txn ? ast->u.txn->isolation : ISO_DEFAULT;
		/* fall through */
	case AST_COMMIT:
	case AST_ROLLBACK:
		p->action = PLAN_TXN;
		return 0;
	case AST_SAVEPOINT:
		p->text = session_plan_text(s, "SAVEPOINT \"%s\"%s", ast->u.txn->savepoint.s, NULL);
		break;
	case AST_RELEASE:
		p->text = session_plan_text(s, "RELEASE SAVEPOINT \"%s\"%s", ast->u.txn->savepoint.s, NULL);
		break;
	case AST_ROLLBACK_TO:
		p->text = session_plan_text(s, "ROLLBACK TO SAVEPOINT \"%s\"%s", ast->u.txn->savepoint.s, NULL);
		snprintf(p->proto.verb, sizeof(p->proto.verb), "ROLLBACK");
		break;
	case AST_SET:
	case AST_SET_TRANSACTION:
		p->action = PLAN_SET;
		return 0;
	case AST_SHOW:
		return session_plan_show(s, ast->u.show, p, err);
	case AST_DECLARE_CURSOR:
	case AST_FETCH:
	case AST_CLOSE_CURSOR:
		return session_cursor_plan(s, ast, p, err);
	case AST_CREATE_EXTENSION: {
		/* pgvector's type and operators are built in; plpgsql is PostgreSQL's default */
		const struct ast_objects *o = ast->u.objects;
		for (int i = 0; o && i < o->n; i++) {
			const char *ext = o->names[i].n ? o->names[i].parts[o->names[i].n - 1].s : "";
			if (strcasecmp(ext, "vector") && strcasecmp(ext, "plpgsql"))
				return rerr_set(err, ERR_FEATURE_NOT_SUPPORTED, "extension \"%s\" is not available", ext);
		}
		p->action = PLAN_NOOP;
		return 0;
	}
	default: {
		struct bind_catalog cat = {s->sc, catalog_columns};
		if (sql_bind(&s->arena, ast, &cat, &p->bound, err) < 0)
			return -1;
		sql_rewrite_writes(&s->arena, ast, &cat);
		struct buf out;
		buf_init(&out);
		if (sql_deparse_sqlite(ast, &out, err) < 0) {
			buf_free(&out);
			return -1;
		}
		p->text = arena_strndup(&s->arena, out.len ? (const char *)out.data : "", out.len);
		p->len = out.len;
		buf_free(&out);
		p->action = PLAN_STORE;
		return 0;
	}
	}
	p->len = strlen(p->text);
	p->action = PLAN_STORE;
	return 0;
}

void session_plan_store_error(const struct session_plan *p, struct rerr *err)
{
	if (p->parse_failed && err->code == ERR_SYNTAX_ERROR && p->parse_err.code == ERR_SYNTAX_ERROR)
		*err = p->parse_err;
}
