/*
 * catalog.c — relation columns from the store's schema (see catalog.h).
 *
 * A name of two or more parts names a schema: PostgreSQL's "public",
 * MySQL's current database, T-SQL's "dbo", Snowflake's "PUBLIC" and the
 * store's "main" all mean the default schema; the embedded store keeps one
 * schema per database today, so the qualifier only has to be one of those.
 * pg_catalog's relations are the bare names and information_schema's are
 * information_schema_<name> (catalog_pg.c), as the deparser writes them.
 * Cost: the store remembers a connection's answers while its schema stays
 * as it is (engine/sqlite_columns.c); the binder looks each relation up
 * once per statement.
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

	if (!strncasecmp(table, "pg_", 3) || !strncasecmp(table, "information_schema_", 19)) {
		/* the store creates its catalogs on a connection's first statement that names one */
		static const char probe[] = "SELECT 1 FROM temp.pg_namespace";
		struct store_stmt *st = NULL;
		struct rerr err;
		size_t used;
		if (store_prepare(sc, probe, sizeof(probe) - 1, &st, &used, &err) == 0 && st)
			store_finalize(st);
	}
	struct store_column *sc_cols;
	struct rerr err;
	int n = store_columns(sc, table, a, &sc_cols, &err);
	if (n == -1)
		return -1;
	if (n < 0)
		return 0; /* the store failed: unknown columns, as for another schema */
	struct column_desc *out = n ? arena_alloc(a, sizeof(*out) * (size_t)n) : NULL;
	for (int i = 0; i < n; i++) {
		out[i].name = sc_cols[i].name;
		enum rtype t = rtype_from_decl(sc_cols[i].decl, &out[i].typmod);
		out[i].type = (enum rtype)((int)t & ~RT_ARRAY_OF);
		out[i].table = NULL;
		out[i].array = ((int)t & RT_ARRAY_OF) != 0;
	}
	*cols = out;
	return n;
}
