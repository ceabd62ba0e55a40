/*
 * mysql_update.h — MySQL's "changed rows" for UPDATE, as a statement rewrite.
 *
 * MySQL counts an UPDATE's affected rows as the rows whose values actually
 * changed, unless the client set CLIENT_FOUND_ROWS (then: the rows matched),
 * and its OK packet says both: "Rows matched: n  Changed: m  Warnings: w".
 * The store counts rows matched.  mysql_update_rewrite() turns a single-table
 * UPDATE into one that skips the rows it would leave as they are:
 *
 *   UPDATE t SET a = e1, b = e2 WHERE c ORDER BY o
 *   -> UPDATE t SET a = e1, b = e2 WHERE (c) AND NOT (a <=> (e1) AND b <=> (e2)) ORDER BY o
 *
 * and writes the query that counts the rows matched but left unchanged, so a
 * caller can report both numbers:
 *
 *   SELECT COUNT(*) FROM t WHERE (c) AND (a <=> (e1) AND b <=> (e2))
 *
 * Both evaluate e1, e2 against the row as it was, as the store's UPDATE does.
 * Not rewritten (return 0): multi-table UPDATEs, UPDATE ... LIMIT (the limit
 * counts matched rows), SET x = DEFAULT, and anything not recognised.
 *
 * INTERFACE ROUTINES
 *   mysql_update_rewrite   the changed-only UPDATE, its parameter map and the unchanged-rows count
 */
#ifndef ROSETTA_SQL_DIALECT_MYSQL_UPDATE_H
#define ROSETTA_SQL_DIALECT_MYSQL_UPDATE_H

#include <stddef.h>

#include "core/buf.h"

struct mysql_update_rewrite {
	struct buf update;  /* the changed-only UPDATE */
	struct buf count;   /* SELECT COUNT(*) of the matched rows it leaves unchanged */
	int *param_map;     /* for each `?` of `update` in order, the 0-based number of the original's */
	int nparams;        /* `?` in `update` */
	int *count_map;     /* the same for `count` */
	int count_params;
};

/*
 * Rewrite the first statement of sql[0..len) when it is a single-table UPDATE.
 * Returns 1 (rw filled; release with mysql_update_rewrite_free), 0 when the
 * statement is not one this rewrite handles (rw untouched), -1 out of memory.
 */
int mysql_update_rewrite(const char *sql, size_t len, struct mysql_update_rewrite *rw);
void mysql_update_rewrite_free(struct mysql_update_rewrite *rw);

#endif
