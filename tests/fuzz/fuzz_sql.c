/*
 * fuzz_sql.c — libFuzzer harness for the SQL front-end (host/sql).
 *
 * The first byte picks the dialect (modulo DIALECT__COUNT); the rest is SQL
 * text.  Every statement is parsed in turn (sql_parse) and each parsed one
 * deparsed (sql_deparse_sqlite); the arena is reset per input.  Besides
 * memory errors it traps on a broken contract (parser.h):
 *   - *used advances within the input, so the loop ends;
 *   - a failure sets an error code, and a syntax error a position inside
 *     the text (1 .. characters + 1);
 *   - parameters are sorted by ordinal, each at least 1, without duplicates.
 * Seeds: tests/fuzz/corpus/fuzz_sql (first byte: 0 pg, 1 mysql, 2 tsql, 3 db2,
 * 4 oracle, 5 snowflake, 6 spark).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sql/deparse.h"
#include "sql/parser.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct arena fuzz_sql_arena;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	enum sql_dialect d = (enum sql_dialect)(data[0] % DIALECT__COUNT);
	size_t n = size - 1;
	/* a copy of exactly n bytes, so that ASan sees any read past the text */
	char *sql = malloc(n ? n : 1);
	if (!sql)
		abort();
	memcpy(sql, data + 1, n);
	size_t pos = 0;
	struct buf out;
	buf_init(&out);
	while (pos < n) {
		struct ast_stmt *s;
		size_t used = 0;
		struct rerr err;
		int rc = sql_parse(&fuzz_sql_arena, d, sql + pos, n - pos, &s, &used, &err);
		if (used == 0 || used > n - pos)
			abort();
		if (rc < 0) {
			if (err.code == ERR_SUCCESSFUL_COMPLETION)
				abort();
			if (err.code == ERR_SYNTAX_ERROR && (err.position < 1 || (size_t)err.position > n - pos + 1))
				abort();
		} else if (s) {
			for (int k = 0; k < s->nparams; k++)
				if (s->params[k].ordinal < 1 || (k && s->params[k].ordinal <= s->params[k - 1].ordinal))
					abort();
			buf_reset(&out);
			if (sql_deparse_sqlite(s, &out, &err) < 0 && err.code == ERR_SUCCESSFUL_COMPLETION)
				abort();
		}
		pos += used;
		arena_reset(&fuzz_sql_arena);
	}
	buf_free(&out);
	free(sql);
	return 0;
}
