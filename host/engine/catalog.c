/*
 * catalog.c — relation columns from the store's schema (see catalog.h).
 *
 * A name of two or more parts names a schema: PostgreSQL's "public",
 * MySQL's current database, T-SQL's "dbo", Snowflake's "PUBLIC" and the
 * store's "main" all mean the default schema; the embedded store keeps one
 * schema per database today, so the qualifier only has to be one of those.
 * pg_catalog's relations are the bare names and information_schema's are
 * information_schema_<name> (catalog_pg.c), as the deparser writes them.
 * Cost: one store statement per lookup (the binder looks each relation up
 * once per statement).
 */
#include "engine/catalog.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

static int catalog_default_schema(const char *s)
{
	static const char *const names[] = {"public", "main", "dbo", "default", "pg_temp", NULL};
	for (int i = 0; names[i]; i++)
		if (!strcasecmp(s, names[i]))
			return 1;
	return 0;
}

int catalog_columns(void *ctx, const struct ast_name *name, struct arena *a, struct column_desc **cols)
{
	struct store_conn *sc = ctx;
	if (name->n < 1)
		return -1;
	const char *table = name->parts[name->n - 1].s;
	char prefixed[128];
	if (name->n >= 2 && !strcasecmp(name->parts[name->n - 2].s, "information_schema")) {
		/* the deparser writes information_schema.x as the relation information_schema_x */
		snprintf(prefixed, sizeof(prefixed), "information_schema_%s", table);
		table = prefixed;
	} else if (name->n >= 2 && !catalog_default_schema(name->parts[name->n - 2].s) &&
		   strcasecmp(name->parts[name->n - 2].s, "pg_catalog") != 0) {
		return 0; /* another schema: unknown columns, not an error */
	}

	static const char sql[] = "SELECT name, type FROM pragma_table_info(?1)";
	struct store_stmt *st = NULL;
	struct rerr err;
	size_t used;
	if (!strncasecmp(table, "pg_", 3) || !strncasecmp(table, "information_schema_", 19)) {
		/* the store creates its catalogs on a connection's first statement that names one */
		static const char probe[] = "SELECT 1 FROM temp.pg_namespace";
		if (store_prepare(sc, probe, sizeof(probe) - 1, &st, &used, &err) == 0 && st)
			store_finalize(st);
		st = NULL;
	}
	if (store_prepare(sc, sql, sizeof(sql) - 1, &st, &used, &err) < 0 || !st)
		return 0;
	struct rvalue v = {.kind = RV_TEXT, .p = (const uint8_t *)table, .n = strlen(table)};
	int n = 0, cap = 0;
	struct column_desc *out = NULL;
	if (store_bind(st, 1, &v, &err) == 0) {
		while (store_step(st, &err) == 1) {
			struct rvalue colname, decl;
			store_col_value(st, 0, &colname);
			store_col_value(st, 1, &decl);
			if (n == cap) {
				int nc = cap ? cap * 2 : 16;
				struct column_desc *c = arena_alloc(a, sizeof(*c) * (size_t)nc);
				if (n)
					memcpy(c, out, sizeof(*c) * (size_t)n);
				out = c;
				cap = nc;
			}
			out[n].name = arena_strndup(a, (const char *)colname.p, colname.n);
			const char *d = decl.kind == RV_TEXT ? arena_strndup(a, (const char *)decl.p, decl.n) : "";
			enum rtype t = rtype_from_decl(d, &out[n].typmod);
			out[n].type = (enum rtype)((int)t & ~RT_ARRAY_OF);
			out[n].table = NULL;
			out[n].array = ((int)t & RT_ARRAY_OF) != 0;
			n++;
		}
	}
	store_finalize(st);
	if (n == 0) {
		/* pragma_table_info is empty for a missing relation; sqlite_master says which */
		static const char q2[] = "SELECT 1 FROM sqlite_master WHERE type IN ('table','view') AND name = ?1 COLLATE NOCASE"
					 " UNION ALL SELECT 1 FROM sqlite_temp_master WHERE name = ?1 COLLATE NOCASE";
		int found = 0;
		if (store_prepare(sc, q2, sizeof(q2) - 1, &st, &used, &err) == 0 && st) {
			if (store_bind(st, 1, &v, &err) == 0)
				found = store_step(st, &err) == 1;
			store_finalize(st);
		}
		if (!found)
			return -1;
	}
	*cols = out;
	return n;
}
