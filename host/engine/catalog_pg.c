/*
 * catalog_pg.c — PostgreSQL's system catalogs over the store's schema (see
 * catalog_pg.h).
 *
 * Each catalog is a row of cpg_tables: its column declaration and the
 * SELECT (over main.sqlite_master and pragma_table_info / pragma_index_list /
 * pragma_index_info / pragma_foreign_key_list) that fills it.  The module
 * "rosetta_catalog" (engine/catalog_vtab.c) turns a row into a read-only
 * virtual table whose rows are computed once per statement.  Virtual rather
 * than plain views because a view's computed columns have no declared type,
 * and the binder needs one to describe results.
 *
 * Cost: a catalog's first scan in a statement is O(relations) pragma calls;
 * later scans in the same statement (a join's inner side, a lookup function
 * per row) read the kept rows.  The shared views below are plain views,
 * recomputed where used, so the catalogs test membership in them with
 * uncorrelated `IN (SELECT ...)`, which SQLite evaluates once, never with a
 * correlated EXISTS per row.
 *
 * Three plain TEMP views hold what several catalogs share:
 *   rosetta_pg_rels  user tables and views
 *   rosetta_pg_idx   every index, with PostgreSQL's names (t_pkey,
 *                    t_col_key) for SQLite's automatic ones, and the
 *                    INTEGER PRIMARY KEY of a rowid table, which has none
 *   rosetta_pg_cons  primary key, unique and foreign key constraints, each
 *                    with its pg_get_constraintdef text
 */
#include "engine/catalog_pg.h"

#include <ctype.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "engine/catalog_vtab.h"
#include "engine/types.h"
#include "proto/pg/pg_types.h"

/* ---- SQL functions ------------------------------------------------------ */

/* A relation's OID: FNV-1a of its lower-cased name, in [16384, 2^31). */
static void cpg_relid(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	(void)argc;
	const unsigned char *s = sqlite3_value_text(argv[0]);
	if (!s) {
		sqlite3_result_null(ctx);
		return;
	}
	uint32_t h = 2166136261u;
	for (; *s; s++) {
		h ^= (uint32_t)tolower(*s);
		h *= 16777619u;
	}
	sqlite3_result_int64(ctx, 16384 + (sqlite3_int64)(h % (2147483648u - 16384u)));
}

static enum rtype cpg_decl_type(sqlite3_value *v, int32_t *typmod)
{
	const char *decl = (const char *)sqlite3_value_text(v);
	return rtype_from_decl(decl ? decl : "", typmod);
}


static void cpg_typoid(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	(void)argc;
	sqlite3_result_int64(ctx, (sqlite3_int64)pg_type_oid(cpg_decl_type(argv[0], NULL)));
}

static void cpg_typlen(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	(void)argc;
	sqlite3_result_int(ctx, pg_type_len(cpg_decl_type(argv[0], NULL)));
}

/* atttypmod as PostgreSQL stores it: varchar(n)/char(n) n+4, numeric(p,s) ((p<<16)|s)+4, vector(n) n. */
static void cpg_typmod(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	(void)argc;
	int32_t mod = -1;
	enum rtype t = cpg_decl_type(argv[0], &mod);
	const char *decl = (const char *)sqlite3_value_text(argv[0]);
	if (mod < 0 || !decl) {
		sqlite3_result_int(ctx, -1);
		return;
	}
	if (t == RT_VARCHAR || t == RT_CHAR)
		mod += 4;
	else if (t == RT_NUMERIC) {
		const char *comma = strchr(decl, ',');
		int scale = comma ? atoi(comma + 1) : 0;
		mod = ((mod << 16) | scale) + 4;
	} else if (t != RT_VECTOR)
		mod = -1;
	sqlite3_result_int(ctx, mod);
}

/* format_type(oid, typmod): PostgreSQL's SQL spelling of a type. */
static void cpg_format_type(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	if (sqlite3_value_type(argv[0]) == SQLITE_NULL) {
		sqlite3_result_null(ctx);
		return;
	}
	sqlite3_int64 oid = sqlite3_value_int64(argv[0]);
	int mod = argc > 1 && sqlite3_value_type(argv[1]) != SQLITE_NULL ? sqlite3_value_int(argv[1]) : -1;
	static const struct {
		sqlite3_int64 oid;
		const char *name;
	} names[] = {
		{16, "boolean"}, {17, "bytea"}, {18, "\"char\""}, {19, "name"}, {20, "bigint"}, {21, "smallint"},
		{23, "integer"}, {25, "text"}, {26, "oid"}, {114, "json"}, {700, "real"}, {701, "double precision"},
		{1042, "character"}, {1043, "character varying"}, {1082, "date"}, {1083, "time without time zone"},
		{1114, "timestamp without time zone"}, {1184, "timestamp with time zone"}, {1186, "interval"},
		{1700, "numeric"}, {2205, "regclass"}, {2206, "regtype"}, {2950, "uuid"}, {3802, "jsonb"},
		{CATALOG_PG_VECTOR_OID, "vector"},
	};
	const char *name = NULL, *suffix = "";
	for (int t = RT_BOOL; t <= RT_CHAR1; t++) /* an array type: its element's name and [] */
		if (pg_array_oid((enum rtype)t) == oid) {
			oid = pg_type_oid((enum rtype)t);
			suffix = "[]";
			mod = -1;
			break;
		}
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (names[i].oid == oid)
			name = names[i].name;
	if (!name) {
		sqlite3_result_text(ctx, "???", -1, SQLITE_STATIC);
		return;
	}
	char out[96];
	if (mod >= 4 && (oid == 1042 || oid == 1043))
		snprintf(out, sizeof(out), "%s(%d)", name, mod - 4);
	else if (mod >= 4 && oid == 1700)
		snprintf(out, sizeof(out), "%s(%d,%d)", name, ((mod - 4) >> 16) & 0xffff, (mod - 4) & 0xffff);
	else if (mod > 0 && oid == CATALOG_PG_VECTOR_OID)
		snprintf(out, sizeof(out), "%s(%d)", name, mod);
	else
		snprintf(out, sizeof(out), "%s%s", name, suffix);
	sqlite3_result_text(ctx, out, -1, SQLITE_TRANSIENT);
}

/*
 * The first column of `sql` with ?1 bound to argv[0], or NULL.  The function's
 * user data is the catalogs' state: the query is theirs (catalog_vtab.h), so it
 * reads the statement's catalog rows instead of dropping them.
 */
static void cpg_lookup(sqlite3_context *ctx, const char *sql, sqlite3_value *key)
{
	sqlite3 *db = sqlite3_context_db_handle(ctx);
	struct catalog_vtab_conn *cv = sqlite3_user_data(ctx);
	sqlite3_stmt *st = NULL;
	catalog_vtab_nested_begin(cv);
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK) {
		sqlite3_result_error(ctx, sqlite3_errmsg(db), -1);
	} else {
		if (key)
			sqlite3_bind_value(st, 1, key);
		if (sqlite3_step(st) == SQLITE_ROW)
			sqlite3_result_value(ctx, sqlite3_column_value(st, 0));
		else
			sqlite3_result_null(ctx);
	}
	sqlite3_finalize(st);
	catalog_vtab_nested_end(cv);
}

/* oid::regclass, ::regnamespace, ::regrole, ::regproc: the object's name (the deparser calls these). */
static void cpg_relname(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	(void)argc;
	cpg_lookup(ctx, "SELECT relname FROM pg_class WHERE oid = ?1", argv[0]);
}

static void cpg_nspname(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	(void)argc;
	cpg_lookup(ctx, "SELECT nspname FROM pg_namespace WHERE oid = ?1", argv[0]);
}

static void cpg_rolname(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	(void)argc;
	cpg_lookup(ctx, "SELECT rolname FROM pg_roles WHERE oid = ?1", argv[0]);
}

static void cpg_proname(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	(void)argc;
	cpg_lookup(ctx, "SELECT proname FROM pg_proc WHERE oid = ?1", argv[0]);
}

/* pg_get_indexdef(oid [, column, pretty]): the CREATE INDEX text, or with column k > 0 that column's name. */
static void cpg_indexdef(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	if (argc == 3 && sqlite3_value_int(argv[1]) > 0) {
		char *q = sqlite3_mprintf("SELECT j.value FROM temp.rosetta_pg_idx i, json_each('[\"' || replace(i.cols, ', ', '\",\"')"
					  " || '\"]') j WHERE rosetta_pg_relid(i.relname) = ?1 AND j.key = %d",
					  sqlite3_value_int(argv[1]) - 1);
		if (!q) {
			sqlite3_result_error_nomem(ctx);
			return;
		}
		cpg_lookup(ctx, q, argv[0]);
		sqlite3_free(q);
		return;
	}
	cpg_lookup(ctx, "SELECT indexdef FROM temp.rosetta_pg_idx WHERE rosetta_pg_relid(relname) = ?1", argv[0]);
}

static void cpg_constraintdef(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	(void)argc;
	cpg_lookup(ctx, "SELECT def FROM temp.rosetta_pg_cons WHERE oid = ?1", argv[0]);
}

static void cpg_viewdef(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	(void)argc;
	cpg_lookup(ctx,
		   "SELECT ltrim(substr(sql, instr(upper(sql), ' AS ') + 4)) FROM main.sqlite_master"
		   " WHERE type = 'view' AND rosetta_pg_relid(name) = ?1",
		   argv[0]);
}

/* pg_get_expr(text, relid): the catalogs keep expressions as text already. */
static void cpg_first_arg(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	(void)argc;
	sqlite3_result_value(ctx, argv[0]);
}

/* set_config(name, value, is_local): the value, as PostgreSQL returns it; the setting is not kept (asyncpg's jit toggle). */
static void cpg_second_arg(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	(void)argc;
	sqlite3_result_value(ctx, argv[1]);
}

static void cpg_null(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	(void)argc;
	(void)argv;
	sqlite3_result_null(ctx);
}

static void cpg_true(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	(void)argc;
	(void)argv;
	sqlite3_result_int(ctx, 1);
}

/* The function's user data as text. */
static void cpg_text(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	(void)argc;
	(void)argv;
	sqlite3_result_text(ctx, sqlite3_user_data(ctx), -1, SQLITE_STATIC);
}

static void cpg_userbyid(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	(void)argc;
	(void)argv;
	cpg_lookup(ctx, "SELECT current_user()", NULL);
}

static void cpg_backend_pid(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	(void)argc;
	(void)argv;
	sqlite3_result_int64(ctx, (sqlite3_int64)getpid());
}

/* to_regtype('name') / to_regclass('name'): the OID, or NULL when there is none. */
static void cpg_to_regtype(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	(void)argc;
	cpg_lookup(ctx, "SELECT oid FROM temp.pg_type WHERE typname = lower(trim(?1))", argv[0]);
}

/* 'name'::regclass: the OID of a relation by name (public. or pg_catalog. allowed), or an OID written as digits. */
static void cpg_to_regclass(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	(void)argc;
	const char *s = (const char *)sqlite3_value_text(argv[0]);
	if (s && *s && strspn(s, "0123456789") == strlen(s)) {
		sqlite3_result_int64(ctx, strtoll(s, NULL, 10));
		return;
	}
	cpg_lookup(ctx,
		   "SELECT oid FROM temp.pg_class WHERE relname = CASE WHEN ?1 LIKE 'public.%' THEN substr(?1, 8)"
		   " WHEN ?1 LIKE 'pg_catalog.%' THEN substr(?1, 12) ELSE ?1 END",
		   argv[0]);
}

static void cpg_quote_ident(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	(void)argc;
	const unsigned char *s = sqlite3_value_text(argv[0]);
	if (!s) {
		sqlite3_result_null(ctx);
		return;
	}
	int simple = (*s >= 'a' && *s <= 'z') || *s == '_';
	for (const unsigned char *c = s; *c && simple; c++)
		simple = (*c >= 'a' && *c <= 'z') || (*c >= '0' && *c <= '9') || *c == '_';
	if (simple) {
		sqlite3_result_value(ctx, argv[0]);
		return;
	}
	char *q = sqlite3_mprintf("\"%w\"", (const char *)s);
	sqlite3_result_text(ctx, q, -1, sqlite3_free);
}

static void cpg_regex_free(void *p)
{
	regfree(p);
	free(p);
}

/* rosetta_regexp(s, pattern, icase): POSIX extended match anywhere in s; the compiled pattern is cached per statement. */
static void cpg_regexp(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	(void)argc;
	const char *s = (const char *)sqlite3_value_text(argv[0]);
	const char *pat = (const char *)sqlite3_value_text(argv[1]);
	if (!s || !pat) {
		sqlite3_result_null(ctx);
		return;
	}
	regex_t *re = sqlite3_get_auxdata(ctx, 1);
	if (!re) {
		re = malloc(sizeof(*re));
		int flags = REG_EXTENDED | REG_NOSUB | (sqlite3_value_int(argv[2]) ? REG_ICASE : 0);
		if (!re || regcomp(re, pat, flags) != 0) {
			free(re);
			sqlite3_result_error(ctx, "[2201B] invalid regular expression", -1);
			return;
		}
		sqlite3_set_auxdata(ctx, 1, re, cpg_regex_free);
		re = sqlite3_get_auxdata(ctx, 1);
		if (!re) { /* SQLite freed it already (out of memory) */
			sqlite3_result_error_nomem(ctx);
			return;
		}
	}
	sqlite3_result_int(ctx, regexec(re, s, 0, NULL, 0) == 0);
}

static const struct {
	const char *name;
	int nargs;
	void (*fn)(sqlite3_context *, int, sqlite3_value **);
	const char *text; /* user data for cpg_text */
} cpg_functions[] = {
	{"rosetta_pg_relid", 1, cpg_relid, NULL},
	{"rosetta_pg_typoid", 1, cpg_typoid, NULL},
	{"rosetta_pg_typlen", 1, cpg_typlen, NULL},
	{"rosetta_pg_typmod", 1, cpg_typmod, NULL},
	{"rosetta_regexp", 3, cpg_regexp, NULL},
	{"rosetta_pg_relname", 1, cpg_relname, NULL},
	{"rosetta_pg_nspname", 1, cpg_nspname, NULL},
	{"rosetta_pg_rolname", 1, cpg_rolname, NULL},
	{"rosetta_pg_proname", 1, cpg_proname, NULL},
	{"format_type", 2, cpg_format_type, NULL},
	{"pg_get_indexdef", 1, cpg_indexdef, NULL},
	{"pg_get_indexdef", 3, cpg_indexdef, NULL},
	{"pg_get_constraintdef", 1, cpg_constraintdef, NULL},
	{"pg_get_constraintdef", 2, cpg_constraintdef, NULL},
	{"pg_get_viewdef", 1, cpg_viewdef, NULL},
	{"pg_get_viewdef", 2, cpg_viewdef, NULL},
	{"pg_get_expr", 2, cpg_first_arg, NULL},
	{"pg_get_expr", 3, cpg_first_arg, NULL},
	{"obj_description", 1, cpg_null, NULL},
	{"obj_description", 2, cpg_null, NULL},
	{"col_description", 2, cpg_null, NULL},
	{"shobj_description", 2, cpg_null, NULL},
	{"pg_get_statisticsobjdef_columns", 1, cpg_null, NULL},
	{"pg_relation_is_publishable", 1, cpg_null, NULL},
	{"set_config", 3, cpg_second_arg, NULL},
	{"pg_partition_ancestors", 1, cpg_null, NULL}, /* no partitions: (a NULL row where PostgreSQL has none) */
	{"pg_get_triggerdef", 1, cpg_null, NULL},
	{"pg_get_triggerdef", 2, cpg_null, NULL},
	{"pg_get_ruledef", 1, cpg_null, NULL},
	{"pg_get_ruledef", 2, cpg_null, NULL},
	{"pg_get_partkeydef", 1, cpg_null, NULL},
	{"pg_get_partition_constraintdef", 1, cpg_null, NULL},
	{"pg_get_serial_sequence", 2, cpg_null, NULL}, /* SERIAL is the store's rowid: no sequence object */
	{"pg_table_is_visible", 1, cpg_true, NULL},
	{"pg_type_is_visible", 1, cpg_true, NULL},
	{"has_table_privilege", 2, cpg_true, NULL},
	{"has_table_privilege", 3, cpg_true, NULL},
	{"has_schema_privilege", 2, cpg_true, NULL},
	{"has_schema_privilege", 3, cpg_true, NULL},
	{"has_database_privilege", 2, cpg_true, NULL},
	{"has_database_privilege", 3, cpg_true, NULL},
	{"pg_get_userbyid", 1, cpg_userbyid, NULL},
	{"pg_backend_pid", 0, cpg_backend_pid, NULL},
	{"to_regtype", 1, cpg_to_regtype, NULL},
	{"to_regclass", 1, cpg_to_regclass, NULL},
	{"quote_ident", 1, cpg_quote_ident, NULL},
	{"current_schema", 0, cpg_text, "public"},
	{"current_schemas", 1, cpg_text, "{public}"},
	{"pg_encoding_to_char", 1, cpg_text, "UTF8"},
	/* SQLAlchemy reads the version with r".*(?:PostgreSQL|EnterpriseDB) (\d+)\.?(\d+)?(?:\.(\d+))?" */
	{"version", 0, cpg_text,
	 "PostgreSQL 15.0 (Rosetta) on x86_64-pc-linux-gnu, compiled by cc, 64-bit"},
};

/* ---- the catalogs ------------------------------------------------------- */

#define CPG_USER_RELS "main.sqlite_master WHERE type IN ('table','view') AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\'"

/* The shared views (see the file comment). */
static const char cpg_shared_views[] =
	/* the session's open cursors, kept by engine/session_cursor.c, read as pg_cursors */
	"CREATE TEMP TABLE rosetta_cursors (name text PRIMARY KEY, statement text, hold int, created text);"
	"CREATE TEMP VIEW rosetta_pg_rels AS SELECT name, type, sql FROM " CPG_USER_RELS ";"
	"CREATE TEMP VIEW rosetta_pg_idx0 AS"
	" SELECT r.name AS tbl, il.name AS sqlite_name, il.origin AS origin, il.\"unique\" AS isunique, il.partial AS partial"
	"  FROM temp.rosetta_pg_rels r, pragma_index_list(r.name) il WHERE r.type = 'table'"
	" UNION ALL SELECT r.name, NULL, 'pk', 1, 0 FROM temp.rosetta_pg_rels r WHERE r.type = 'table'"
	"  AND EXISTS (SELECT 1 FROM pragma_table_info(r.name) WHERE pk > 0)"
	"  AND NOT EXISTS (SELECT 1 FROM pragma_index_list(r.name) WHERE origin = 'pk');"
	"CREATE TEMP VIEW rosetta_pg_idx1 AS"
	" SELECT i.*,"
	"  CASE WHEN sqlite_name IS NULL"
	"   THEN (SELECT group_concat(name, ', ') FROM (SELECT name FROM pragma_table_info(tbl) WHERE pk > 0 ORDER BY pk))"
	"   ELSE (SELECT group_concat(name, ', ') FROM (SELECT name FROM pragma_index_info(sqlite_name) ORDER BY seqno)) END AS cols,"
	"  CASE WHEN sqlite_name IS NULL"
	"   THEN (SELECT group_concat(cid + 1, ' ') FROM (SELECT cid FROM pragma_table_info(tbl) WHERE pk > 0 ORDER BY pk))"
	"   ELSE (SELECT group_concat(cid + 1, ' ') FROM (SELECT cid FROM pragma_index_info(sqlite_name) ORDER BY seqno)) END AS attnums"
	" FROM temp.rosetta_pg_idx0 i;"
	"CREATE TEMP VIEW rosetta_pg_idx AS"
	" SELECT i.*, CASE origin WHEN 'pk' THEN tbl || '_pkey'"
	"   WHEN 'u' THEN tbl || '_' || replace(cols, ', ', '_') || '_key' ELSE sqlite_name END AS relname,"
	"  'CREATE ' || CASE WHEN isunique THEN 'UNIQUE ' ELSE '' END || 'INDEX ' ||"
	"   CASE origin WHEN 'pk' THEN tbl || '_pkey' WHEN 'u' THEN tbl || '_' || replace(cols, ', ', '_') || '_key'"
	"   ELSE sqlite_name END || ' ON public.' || tbl || ' USING btree (' || cols || ')' AS indexdef"
	" FROM temp.rosetta_pg_idx1 i;"
	"CREATE TEMP VIEW rosetta_pg_fk0 AS"
	" SELECT r.name AS tbl, f.id AS id, f.seq AS seq, f.\"table\" AS reftbl, f.\"from\" AS col,"
	"  coalesce(f.\"to\", (SELECT name FROM pragma_table_info(f.\"table\") WHERE pk = f.seq + 1)) AS refcol,"
	"  f.on_update AS on_update, f.on_delete AS on_delete"
	" FROM temp.rosetta_pg_rels r, pragma_foreign_key_list(r.name) f WHERE r.type = 'table';"
	"CREATE TEMP VIEW rosetta_pg_fk AS"
	" SELECT tbl, id, reftbl, group_concat(col, ', ') AS cols, group_concat(refcol, ', ') AS refcols,"
	"  '{' || group_concat((SELECT cid + 1 FROM pragma_table_info(tbl) p WHERE p.name = col), ',') || '}' AS conkey,"
	"  '{' || group_concat((SELECT cid + 1 FROM pragma_table_info(reftbl) p WHERE p.name = refcol), ',') || '}' AS confkey,"
	"  min(on_update) AS on_update, min(on_delete) AS on_delete"
	" FROM (SELECT * FROM temp.rosetta_pg_fk0 ORDER BY tbl, id, seq) GROUP BY tbl, id;"
	"CREATE TEMP VIEW rosetta_pg_cons AS"
	" SELECT rosetta_pg_relid('c:' || tbl || ':' || relname) AS oid, relname AS conname,"
	"  CASE origin WHEN 'pk' THEN 'p' ELSE 'u' END AS contype, tbl, rosetta_pg_relid(tbl) AS conrelid,"
	"  rosetta_pg_relid(relname) AS conindid, NULL AS reftbl, 0 AS confrelid,"
	"  '{' || replace(attnums, ' ', ',') || '}' AS conkey, NULL AS confkey, cols, NULL AS refcols,"
	"  CASE origin WHEN 'pk' THEN 'PRIMARY KEY (' ELSE 'UNIQUE (' END || cols || ')' AS def,"
	"  ' ' AS upd, ' ' AS del"
	" FROM temp.rosetta_pg_idx WHERE origin IN ('pk', 'u')"
	" UNION ALL SELECT rosetta_pg_relid('c:' || tbl || ':' || tbl || '_' || replace(cols, ', ', '_') || '_fkey'),"
	"  tbl || '_' || replace(cols, ', ', '_') || '_fkey', 'f', tbl, rosetta_pg_relid(tbl),"
	"  0, reftbl, rosetta_pg_relid(reftbl), conkey, confkey, cols, refcols,"
	"  'FOREIGN KEY (' || cols || ') REFERENCES ' || reftbl || '(' || refcols || ')'"
	"   || CASE on_update WHEN 'NO ACTION' THEN '' ELSE ' ON UPDATE ' || on_update END"
	"   || CASE on_delete WHEN 'NO ACTION' THEN '' ELSE ' ON DELETE ' || on_delete END,"
	"  CASE on_update WHEN 'CASCADE' THEN 'c' WHEN 'SET NULL' THEN 'n' WHEN 'SET DEFAULT' THEN 'd' WHEN 'RESTRICT' THEN 'r' ELSE 'a' END,"
	"  CASE on_delete WHEN 'CASCADE' THEN 'c' WHEN 'SET NULL' THEN 'n' WHEN 'SET DEFAULT' THEN 'd' WHEN 'RESTRICT' THEN 'r' ELSE 'a' END"
	" FROM temp.rosetta_pg_fk;";

/* PostgreSQL's built-in types the server reports (pg_types.c), plus vector; pg_type adds each one's array type. */
#define CPG_TYPE_ROWS                                                                                              \
	"VALUES (16,'bool',11,1,1,'b','B',1000),(17,'bytea',11,-1,0,'b','U',1001),(18,'char',11,1,1,'b','Z',1002),"  \
	"(19,'name',11,64,0,'b','S',1003),(20,'int8',11,8,1,'b','N',1016),(21,'int2',11,2,1,'b','N',1005),"           \
	"(23,'int4',11,4,1,'b','N',1007),(25,'text',11,-1,0,'b','S',1009),(26,'oid',11,4,1,'b','N',1028),"            \
	"(114,'json',11,-1,0,'b','U',199),(700,'float4',11,4,1,'b','N',1021),(701,'float8',11,8,1,'b','N',1022),"     \
	"(1042,'bpchar',11,-1,0,'b','S',1014),(1043,'varchar',11,-1,0,'b','S',1015),(1082,'date',11,4,1,'b','D',1182)," \
	"(1083,'time',11,8,1,'b','D',1183),(1114,'timestamp',11,8,1,'b','D',1115),"                                    \
	"(1184,'timestamptz',11,8,1,'b','D',1185),(1186,'interval',11,16,0,'b','T',1187),"                             \
	"(1700,'numeric',11,-1,0,'b','N',1231),(2205,'regclass',11,4,1,'b','N',2210),"                                 \
	"(2206,'regtype',11,4,1,'b','N',2211),(2950,'uuid',11,16,0,'b','U',2951),(3802,'jsonb',11,-1,0,'b','U',3807),"  \
	"(16385,'vector',2200,-1,0,'b','U',16386),(1560,'bit',11,-1,0,'b','V',1561)"

/* pragma_table_info row p of relation r is a SERIAL column: the store's INTEGER PRIMARY KEY AUTOINCREMENT. */
#define CPG_IS_SERIAL "p.pk = 1 AND p.type = 'INTEGER' AND r.sql LIKE '%AUTOINCREMENT%' AND p.dflt_value IS NULL"

static const struct catalog_vtab_def cpg_tables[] = {
	{"pg_namespace", "oid oid, nspname text, nspowner oid, nspacl text",
	 "VALUES (11,'pg_catalog',10,NULL),(2200,'public',10,NULL),(13000,'information_schema',10,NULL)", 0},
	{"pg_class",
	 "oid oid, relname text, relnamespace oid, reltype oid, reloftype oid, relowner oid, relam oid,"
	 " relfilenode oid, reltablespace oid, relpages int4, reltuples float4, relallvisible int4, reltoastrelid oid,"
	 " relhasindex bool, relisshared bool, relpersistence char1, relkind char1, relnatts int2, relchecks int2,"
	 " relhasrules bool, relhastriggers bool, relhassubclass bool, relrowsecurity bool, relforcerowsecurity bool,"
	 " relispopulated bool, relreplident char1, relispartition bool, relrewrite oid, relfrozenxid int8,"
	 " relminmxid int8, relacl text, reloptions text, relpartbound text",
	 "SELECT rosetta_pg_relid(name), name, 2200, 0, 0, 10, CASE type WHEN 'table' THEN 2 ELSE 0 END, 0, 0, 0, -1, 0, 0,"
	 " r.name IN (SELECT tbl FROM temp.rosetta_pg_idx), 0, 'p', CASE type WHEN 'table' THEN 'r' ELSE 'v' END,"
	 " (SELECT count(*) FROM pragma_table_info(r.name)), 0, 0,"
	 " r.name IN (SELECT tbl FROM temp.rosetta_pg_fk0 UNION SELECT reftbl FROM temp.rosetta_pg_fk0)," /* psql's \d lists keys then */
	 " 0, 0, 0, 1, 'd', 0, 0, 0, 0, NULL, NULL, NULL"
	 " FROM temp.rosetta_pg_rels r"
	 " UNION ALL SELECT rosetta_pg_relid(relname), relname, 2200, 0, 0, 10, 403, 0, 0, 0, -1, 0, 0, 0, 0, 'p', 'i',"
	 " length(attnums) - length(replace(attnums, ' ', '')) + 1, 0, 0, 0, 0, 0, 0, 1, 'n', 0, 0, 0, 0, NULL, NULL, NULL"
	 " FROM temp.rosetta_pg_idx", 0},
	{"pg_attribute",
	 "attrelid oid, attname text, atttypid oid, attstattarget int4, attlen int2, attnum int2, attndims int4,"
	 " attcacheoff int4, atttypmod int4, attbyval bool, attalign char1, attstorage char1, attcompression char1,"
	 " attnotnull bool, atthasdef bool, atthasmissing bool, attidentity char1, attgenerated char1, attisdropped bool,"
	 " attislocal bool, attinhcount int4, attcollation oid, attacl text, attoptions text, attfdwoptions text,"
	 " attmissingval text",
	 "SELECT rosetta_pg_relid(r.name), p.name, rosetta_pg_typoid(p.type), -1, rosetta_pg_typlen(p.type), p.cid + 1, 0,"
	 " -1, rosetta_pg_typmod(p.type), 0, 'i', 'p', '', p.\"notnull\" OR p.pk > 0,"
	 " p.dflt_value IS NOT NULL OR (" CPG_IS_SERIAL "), 0, '', '',"
	 " 0, 1, 0, 0, NULL, NULL, NULL, NULL FROM temp.rosetta_pg_rels r, pragma_table_info(r.name) p", 0},
	{"pg_attrdef", "oid oid, adrelid oid, adnum int2, adbin text",
	 "SELECT rosetta_pg_relid('d:' || r.name || ':' || p.name), rosetta_pg_relid(r.name), p.cid + 1,"
	 " CASE WHEN p.dflt_value LIKE '(%)' THEN substr(p.dflt_value, 2, length(p.dflt_value) - 2) ELSE p.dflt_value END"
	 " FROM temp.rosetta_pg_rels r, pragma_table_info(r.name) p WHERE p.dflt_value IS NOT NULL"
	 /* a SERIAL column (the store's AUTOINCREMENT rowid) reads as PostgreSQL's sequence default */
	 " UNION ALL SELECT rosetta_pg_relid('d:' || r.name || ':' || p.name), rosetta_pg_relid(r.name), p.cid + 1,"
	 " 'nextval(''' || r.name || '_' || p.name || '_seq''::regclass)'"
	 " FROM temp.rosetta_pg_rels r, pragma_table_info(r.name) p WHERE " CPG_IS_SERIAL, 0},
	{"pg_type",
	 "oid oid, typname text, typnamespace oid, typowner oid, typlen int2, typbyval bool, typtype char1,"
	 " typcategory char1, typispreferred bool, typisdefined bool, typdelim char1, typrelid oid, typsubscript int8,"
	 " typelem oid, typarray oid, typinput text, typoutput text, typreceive text, typsend text, typmodin text,"
	 " typmodout text, typanalyze text, typalign char1, typstorage char1, typnotnull bool, typbasetype oid,"
	 " typtypmod int4, typndims int4, typcollation oid, typdefaultbin text, typdefault text, typacl text",
	 "SELECT column1, column2, column3, 10, column4, column5, column6, column7, 0, 1, ',', 0, 0, 0, column8,"
	 " column2 || 'in', column2 || 'out', column2 || 'recv', column2 || 'send', '-', '-', '-', 'i', 'p', 0, 0, -1, 0,"
	 " 0, NULL, NULL, NULL FROM (" CPG_TYPE_ROWS ")"
	 " UNION ALL SELECT column8, '_' || column2, column3, 10, -1, 0, 'b', 'A', 0, 1, ',', 0, 0, column1, 0,"
	 " 'array_in', 'array_out', 'array_recv', 'array_send', '-', '-', '-', 'i', 'x', 0, 0, -1, 0,"
	 " 0, NULL, NULL, NULL FROM (" CPG_TYPE_ROWS ")", 0},
	{"pg_index",
	 "indexrelid oid, indrelid oid, indnatts int2, indnkeyatts int2, indisunique bool, indnullsnotdistinct bool,"
	 " indisprimary bool, indisexclusion bool, indimmediate bool, indisclustered bool, indisvalid bool,"
	 " indcheckxmin bool, indisready bool, indislive bool, indisreplident bool, indkey text, indcollation text,"
	 " indclass text, indoption text, indexprs text, indpred text",
	 "SELECT rosetta_pg_relid(relname), rosetta_pg_relid(tbl), length(attnums) - length(replace(attnums, ' ', '')) + 1,"
	 " length(attnums) - length(replace(attnums, ' ', '')) + 1, isunique, 0, origin = 'pk', 0, 1, 0, 1, 0, 1, 1, 0,"
	 " attnums, NULL,"
	 /* indclass: each column's default operator class (pg_opclass: 10000 + the type's OID); indoption: no flags */
	 " (SELECT group_concat(10000 + rosetta_pg_typoid((SELECT type FROM pragma_table_info(tbl) WHERE cid + 1 = j.value)), ' ')"
	 "  FROM json_each('[' || replace(attnums, ' ', ',') || ']') j),"
	 " substr(replace(hex(zeroblob(length(attnums) - length(replace(attnums, ' ', '')) + 1)), '00', ' 0'), 2),"
	 " NULL, NULL FROM temp.rosetta_pg_idx", 0},
	{"pg_constraint",
	 "oid oid, conname text, connamespace oid, contype char1, condeferrable bool, condeferred bool,"
	 " convalidated bool, conrelid oid, contypid oid, conindid oid, conparentid oid, confrelid oid,"
	 " confupdtype char1, confdeltype char1, confmatchtype char1, conislocal bool, coninhcount int4, connoinherit bool,"
	 " conkey text, confkey text, conpfeqop text, conppeqop text, conffeqop text, confdelsetcols text,"
	 " conexclop text, conbin text",
	 "SELECT oid, conname, 2200, contype, 0, 0, 1, conrelid, 0, conindid, 0, confrelid, upd, del, 's', 1, 0, 1,"
	 " conkey, confkey, NULL, NULL, NULL, NULL, NULL, NULL FROM temp.rosetta_pg_cons", 0},
	{"pg_database",
	 "oid oid, datname text, datdba oid, encoding int4, datlocprovider char1, datistemplate bool,"
	 " datallowconn bool, datconnlimit int4, datfrozenxid int8, datminmxid int8, dattablespace oid,"
	 " datcollate text, datctype text, daticulocale text, datcollversion text, datacl text",
	 "SELECT 16384, current_database(), 10, 6, 'c', 0, 1, -1, 0, 0, 1663, 'C', 'C', NULL, NULL, NULL", 0},
	{"pg_roles",
	 "rolname text, rolsuper bool, rolinherit bool, rolcreaterole bool, rolcreatedb bool, rolcanlogin bool,"
	 " rolreplication bool, rolconnlimit int4, rolpassword text, rolvaliduntil text, rolbypassrls bool,"
	 " rolconfig text, oid oid",
	 "SELECT current_user(), 0, 1, 0, 0, 1, 0, -1, '********', NULL, 0, NULL, 10", 0},
	{"pg_authid",
	 "oid oid, rolname text, rolsuper bool, rolinherit bool, rolcreaterole bool, rolcreatedb bool,"
	 " rolcanlogin bool, rolreplication bool, rolbypassrls bool, rolconnlimit int4, rolpassword text,"
	 " rolvaliduntil text",
	 "SELECT 10, current_user(), 0, 1, 0, 0, 1, 0, 0, -1, NULL, NULL", 0},
	{"pg_user",
	 "usename text, usesysid oid, usecreatedb bool, usesuper bool, userepl bool, usebypassrls bool,"
	 " passwd text, valuntil text, useconfig text",
	 "SELECT current_user(), 10, 0, 0, 0, 0, '********', NULL, NULL", 0},
	{"pg_auth_members", "roleid oid, member oid, grantor oid, admin_option bool",
	 "SELECT 0, 0, 0, 0 WHERE 0", 0},
	{"pg_am", "oid oid, amname text, amhandler text, amtype char1, amcanorder bool",
	 "VALUES (2, 'heap', 'heap_tableam_handler', 't', 0), (403, 'btree', 'bthandler', 'i', 1)", 0},
	{"pg_proc",
	 "oid oid, proname text, pronamespace oid, proowner oid, prolang oid, prokind char1, proretset bool,"
	 " prorettype oid, pronargs int2, proargtypes text, prosrc text",
	 "SELECT 0, '', 0, 0, 0, 'f', 0, 0, 0, '', '' WHERE 0", 0},
	{"pg_description", "objoid oid, classoid oid, objsubid int4, description text",
	 "SELECT 0, 0, 0, '' WHERE 0", 0},
	{"pg_inherits", "inhrelid oid, inhparent oid, inhseqno int4, inhdetachpending bool",
	 "SELECT 0, 0, 0, 0 WHERE 0", 0},
	/* what the store has none of: empty, so psql's \d and the ORMs' reflection find nothing there */
	{"pg_policy",
	 "oid oid, polname text, polrelid oid, polcmd char1, polpermissive bool, polroles text, polqual text,"
	 " polwithcheck text",
	 "SELECT 0, '', 0, '', 1, '{0}', NULL, NULL WHERE 0", 0},
	{"pg_sequence",
	 "seqrelid oid, seqtypid oid, seqstart int8, seqincrement int8, seqmax int8, seqmin int8, seqcache int8,"
	 " seqcycle bool",
	 "SELECT 0, 0, 0, 0, 0, 0, 0, 0 WHERE 0", 0},
	{"pg_statistic_ext",
	 "oid oid, stxrelid oid, stxname text, stxnamespace oid, stxowner oid, stxstattarget int4, stxkeys text,"
	 " stxkind text, stxexprs text",
	 "SELECT 0, 0, '', 0, 0, 0, '', '', NULL WHERE 0", 0},
	{"pg_publication",
	 "oid oid, pubname text, pubowner oid, puballtables bool, pubinsert bool, pubupdate bool, pubdelete bool,"
	 " pubtruncate bool, pubviaroot bool",
	 "SELECT 0, '', 0, 0, 0, 0, 0, 0, 0 WHERE 0", 0},
	{"pg_publication_rel", "oid oid, prpubid oid, prrelid oid, prqual text, prattrs text",
	 "SELECT 0, 0, 0, NULL, NULL WHERE 0", 0},
	{"pg_publication_namespace", "oid oid, pnpubid oid, pnnspid oid", "SELECT 0, 0, 0 WHERE 0", 0},
	{"pg_trigger",
	 "oid oid, tgrelid oid, tgparentid oid, tgname text, tgfoid oid, tgtype int2, tgenabled char1,"
	 " tgisinternal bool, tgconstrrelid oid, tgconstrindid oid, tgconstraint oid, tgdeferrable bool,"
	 " tginitdeferred bool, tgnargs int2, tgattr text, tgargs text, tgqual text",
	 "SELECT 0, 0, 0, '', 0, 0, '', 0, 0, 0, 0, 0, 0, 0, '', '', NULL WHERE 0", 0},
	{"pg_rewrite", "oid oid, rulename text, ev_class oid, ev_type char1, ev_enabled char1, is_instead bool",
	 "SELECT 0, '', 0, '', '', 0 WHERE 0", 0},
	{"pg_partitioned_table", "partrelid oid, partstrat char1, partnatts int2, partdefid oid, partattrs text",
	 "SELECT 0, '', 0, 0, '' WHERE 0", 0},
	{"pg_foreign_table", "ftrelid oid, ftserver oid, ftoptions text", "SELECT 0, 0, NULL WHERE 0", 0},
	{"pg_opclass",
	 "oid oid, opcmethod oid, opcname text, opcnamespace oid, opcowner oid, opcfamily oid, opcintype oid,"
	 " opcdefault bool, opckeytype oid",
	 "SELECT 10000 + column1, 403, column2 || '_ops', 11, 10, 10000 + column1, column1, 1, 0 FROM (" CPG_TYPE_ROWS ")", 0},
	{"pg_cursors",
	 "name text, statement text, is_holdable bool, is_binary bool, is_scrollable bool, creation_time timestamptz",
	 "SELECT name, statement, hold, 0, 0, created FROM temp.rosetta_cursors", 1},
	{"pg_range", "rngtypid oid, rngsubtype oid, rngmultitypid oid, rngcollation oid, rngsubopc oid",
	 "SELECT 0, 0, 0, 0, 0 WHERE 0", 0},
	{"pg_enum", "oid oid, enumtypid oid, enumsortorder float4, enumlabel text", "SELECT 0, 0, 0, '' WHERE 0", 0},
	{"pg_tablespace", "oid oid, spcname text, spcowner oid, spcacl text, spcoptions text",
	 "VALUES (1663, 'pg_default', 10, NULL, NULL)", 0},
	{"pg_collation",
	 "oid oid, collname text, collnamespace oid, collowner oid, collprovider char1,"
	 " collisdeterministic bool, collencoding int4, collcollate text, collctype text",
	 "VALUES (100, 'default', 11, 10, 'd', 1, -1, NULL, NULL), (950, 'C', 11, 10, 'c', 1, -1, 'C', 'C')", 0},
	{"pg_extension",
	 "oid oid, extname text, extowner oid, extnamespace oid, extrelocatable bool, extversion text",
	 "VALUES (13500, 'plpgsql', 10, 11, 0, '1.0'), (16384, 'vector', 10, 2200, 1, '0.8.0')", 0},
	{"pg_stat_user_tables", "relid oid, schemaname text, relname text, seq_scan int8, n_live_tup int8",
	 "SELECT rosetta_pg_relid(name), 'public', name, 0, 0 FROM temp.rosetta_pg_rels WHERE type = 'table'", 0},
	{"pg_tables",
	 "schemaname text, tablename text, tableowner text, tablespace text, hasindexes bool, hasrules bool,"
	 " hastriggers bool, rowsecurity bool",
	 "SELECT 'public', name, current_user(), NULL, r.name IN (SELECT tbl FROM temp.rosetta_pg_idx),"
	 " 0, 0, 0 FROM temp.rosetta_pg_rels r WHERE type = 'table'", 0},
	{"pg_views", "schemaname text, viewname text, viewowner text, definition text",
	 "SELECT 'public', name, current_user(), pg_get_viewdef(rosetta_pg_relid(name)) FROM temp.rosetta_pg_rels"
	 " WHERE type = 'view'", 0},
	{"pg_indexes", "schemaname text, tablename text, indexname text, tablespace text, indexdef text",
	 "SELECT 'public', tbl, relname, NULL, indexdef FROM temp.rosetta_pg_idx", 0},
	{"information_schema_schemata",
	 "catalog_name text, schema_name text, schema_owner text, default_character_set_catalog text,"
	 " default_character_set_schema text, default_character_set_name text, sql_path text",
	 "SELECT current_database(), nspname, current_user(), NULL, NULL, NULL, NULL FROM temp.pg_namespace", 0},
	{"information_schema_tables",
	 "table_catalog text, table_schema text, table_name text, table_type text, self_referencing_column_name text,"
	 " reference_generation text, user_defined_type_catalog text, user_defined_type_schema text,"
	 " user_defined_type_name text, is_insertable_into text, is_typed text, commit_action text",
	 "SELECT current_database(), 'public', name, CASE type WHEN 'table' THEN 'BASE TABLE' ELSE 'VIEW' END,"
	 " NULL, NULL, NULL, NULL, NULL, CASE type WHEN 'table' THEN 'YES' ELSE 'NO' END, 'NO', NULL"
	 " FROM temp.rosetta_pg_rels", 0},
	{"information_schema_columns",
	 "table_catalog text, table_schema text, table_name text, column_name text, ordinal_position int4,"
	 " column_default text, is_nullable text, data_type text, character_maximum_length int4,"
	 " character_octet_length int4, numeric_precision int4, numeric_precision_radix int4, numeric_scale int4,"
	 " datetime_precision int4, udt_catalog text, udt_schema text, udt_name text, is_identity text,"
	 " is_generated text",
	 "SELECT current_database(), 'public', r.name, p.name, p.cid + 1,"
	 " CASE WHEN p.dflt_value LIKE '(%)' THEN substr(p.dflt_value, 2, length(p.dflt_value) - 2) ELSE p.dflt_value END,"
	 " CASE WHEN p.\"notnull\" OR p.pk > 0 THEN 'NO' ELSE 'YES' END,"
	 " CASE rosetta_pg_typoid(p.type) WHEN 1043 THEN 'character varying' WHEN 1042 THEN 'character'"
	 "  WHEN 16385 THEN 'USER-DEFINED' ELSE format_type(rosetta_pg_typoid(p.type), -1) END,"
	 " CASE WHEN rosetta_pg_typoid(p.type) IN (1042, 1043) AND rosetta_pg_typmod(p.type) > 4"
	 "  THEN rosetta_pg_typmod(p.type) - 4 END, NULL,"
	 " CASE rosetta_pg_typoid(p.type) WHEN 21 THEN 16 WHEN 23 THEN 32 WHEN 20 THEN 64 WHEN 700 THEN 24"
	 "  WHEN 701 THEN 53 END,"
	 " CASE WHEN rosetta_pg_typoid(p.type) IN (21, 23, 20, 700, 701) THEN 2 END, NULL, NULL,"
	 " current_database(), CASE rosetta_pg_typoid(p.type) WHEN 16385 THEN 'public' ELSE 'pg_catalog' END,"
	 " (SELECT typname FROM temp.pg_type WHERE oid = rosetta_pg_typoid(p.type)), 'NO', 'NEVER'"
	 " FROM temp.rosetta_pg_rels r, pragma_table_info(r.name) p", 0},
	{"information_schema_table_constraints",
	 "constraint_catalog text, constraint_schema text, constraint_name text, table_catalog text,"
	 " table_schema text, table_name text, constraint_type text, is_deferrable text, initially_deferred text,"
	 " enforced text",
	 "SELECT current_database(), 'public', conname, current_database(), 'public', tbl,"
	 " CASE contype WHEN 'p' THEN 'PRIMARY KEY' WHEN 'u' THEN 'UNIQUE' ELSE 'FOREIGN KEY' END, 'NO', 'NO', 'YES'"
	 " FROM temp.rosetta_pg_cons", 0},
	{"information_schema_key_column_usage",
	 "constraint_catalog text, constraint_schema text, constraint_name text, table_catalog text,"
	 " table_schema text, table_name text, column_name text, ordinal_position int4,"
	 " position_in_unique_constraint int4",
	 "SELECT current_database(), 'public', c.conname, current_database(), 'public', c.tbl, p.name,"
	 " k.key + 1, CASE c.contype WHEN 'f' THEN k.key + 1 END"
	 " FROM temp.rosetta_pg_cons c, json_each('[' || substr(c.conkey, 2, length(c.conkey) - 2) || ']') k,"
	 " pragma_table_info(c.tbl) p WHERE p.cid + 1 = k.value", 0},
	{"information_schema_views",
	 "table_catalog text, table_schema text, table_name text, view_definition text, check_option text,"
	 " is_updatable text, is_insertable_into text, is_trigger_updatable text, is_trigger_deletable text,"
	 " is_trigger_insertable_into text",
	 "SELECT current_database(), 'public', name, pg_get_viewdef(rosetta_pg_relid(name)), 'NONE', 'NO', 'NO', 'NO',"
	 " 'NO', 'NO' FROM temp.rosetta_pg_rels WHERE type = 'view'", 0},
};

#define CPG_NTABLES (sizeof(cpg_tables) / sizeof(cpg_tables[0]))

int catalog_pg_install(sqlite3 *db)
{
	struct catalog_vtab_conn *cv = catalog_vtab_attach(db, "rosetta_catalog", cpg_tables, CPG_NTABLES);
	if (!cv)
		return SQLITE_NOMEM;
	int rc = SQLITE_OK;
	for (size_t i = 0; rc == SQLITE_OK && i < sizeof(cpg_functions) / sizeof(cpg_functions[0]); i++) {
		int det = cpg_functions[i].fn == cpg_relid || cpg_functions[i].fn == cpg_typoid ||
			  cpg_functions[i].fn == cpg_typlen || cpg_functions[i].fn == cpg_typmod ||
			  cpg_functions[i].fn == cpg_regexp || cpg_functions[i].fn == cpg_format_type;
		/* user data: cpg_text's text, else the catalogs' state, which cpg_lookup needs */
		void *data = cpg_functions[i].text ? (void *)cpg_functions[i].text : (void *)cv;
		rc = sqlite3_create_function_v2(db, cpg_functions[i].name, cpg_functions[i].nargs,
						SQLITE_UTF8 | (det ? SQLITE_DETERMINISTIC : 0), data, cpg_functions[i].fn,
						NULL, NULL, NULL);
	}
	return rc;
}

int catalog_pg_install_tables(sqlite3 *db)
{
	int rc = sqlite3_exec(db, cpg_shared_views, NULL, NULL, NULL);
	return rc == SQLITE_OK ? catalog_vtab_create(db, "rosetta_catalog", cpg_tables, CPG_NTABLES) : rc;
}
