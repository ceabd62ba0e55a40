/*
 * pg_copy_stmt_test.c — the COPY statement as pg_copy_start reads it: which
 * texts are COPY at all, each option's effect on the bytes COPY TO STDOUT
 * writes and COPY FROM STDIN reads, and the SQLSTATE of a COPY it refuses.
 * The handler runs on a real SQLite store with no socket: a struct conn's
 * `out` collects what it would send.
 */
#include <CUnit/CUnit.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/session.h"
#include "engine/store.h"
#include "unit_store.h"
#include "net/conn.h"
#include "proto/pg/pg_conn.h"
#include "proto/pg/pg_wire.h"

static char dir[UNIT_STORE_DIR_MAX];
static struct store *store;

static int setup(void)
{
	store = unit_store_open(dir, "pgcopy");
	return store ? 0 : -1;
}

static int teardown(void)
{
	return unit_store_remove(store, dir);
}

struct copy_fixture {
	struct conn c;
	struct pg_conn pc;
};

static void open_fixture(struct copy_fixture *f)
{
	memset(f, 0, sizeof(*f));
	struct rerr err;
	struct session_opts o = {.abort_txn_on_error = 1};
	CU_ASSERT_EQUAL_FATAL(session_open(store, "demo", "demo", &o, &f->pc.session, &err), 0);
	f->pc.state = PG_READY;
}

static void close_fixture(struct copy_fixture *f)
{
	if (f->pc.copy)
		pg_copy_abandon(&f->pc);
	session_close(f->pc.session);
	buf_free(&f->c.out);
}

static void exec_ok(struct copy_fixture *f, const char *sql)
{
	struct stmt_result res;
	struct rerr err;
	size_t used;
	CU_ASSERT_EQUAL_FATAL(session_execute(f->pc.session, sql, strlen(sql), &used, NULL, &res, &err), 0);
}

/* pg_copy_start on `sql`; *code gets the error's code (ERR_SUCCESSFUL_COMPLETION when none). */
static int start(struct copy_fixture *f, const char *sql, enum errcode *code)
{
	struct rerr err;
	rerr_clear(&err);
	buf_reset(&f->c.out);
	int rc = pg_copy_start(&f->c, &f->pc, sql, strlen(sql), &err);
	*code = rc < 0 ? err.code : ERR_SUCCESSFUL_COMPLETION;
	return rc;
}

/* The index-th message of `type` in out: its body and length, or NULL. */
static const uint8_t *out_msg(const struct copy_fixture *f, char type, int index, uint32_t *len)
{
	size_t i = 0;
	while (i + 5 <= f->c.out.len) {
		uint32_t l = rd_be32(f->c.out.data + i + 1);
		if (f->c.out.data[i] == (uint8_t)type && index-- == 0) {
			*len = l - 4;
			return f->c.out.data + i + 5;
		}
		i += 1 + l;
	}
	return NULL;
}

/* Every CopyData body in out, joined, NUL-terminated into `text`. */
static void copy_data_text(const struct copy_fixture *f, char *text, size_t cap)
{
	size_t n = 0;
	uint32_t len;
	const uint8_t *d;
	for (int k = 0; (d = out_msg(f, 'd', k, &len)) != NULL; k++)
		for (uint32_t i = 0; i < len && n + 1 < cap; i++)
			text[n++] = (char)d[i];
	text[n] = 0;
}

/* COPY ... TO STDOUT of `sql`: the text it wrote; fails the test if it was refused. */
static void copy_out(struct copy_fixture *f, const char *sql, char *text, size_t cap)
{
	enum errcode code;
	text[0] = 0;
	CU_ASSERT_EQUAL(start(f, sql, &code), 1);
	CU_ASSERT_EQUAL(code, ERR_SUCCESSFUL_COMPLETION);
	copy_data_text(f, text, cap);
}

static void feed_copy_message(struct copy_fixture *f, char type, const char *body)
{
	struct pg_msg m = {.type = (uint8_t)type, .body = (const uint8_t *)body, .len = (uint32_t)strlen(body)};
	CU_ASSERT_EQUAL(pg_copy_message(&f->c, &f->pc, &m), 0);
}

static void statements_other_than_copy_are_left_alone(void)
{
	struct copy_fixture f;
	open_fixture(&f);
	enum errcode code;
	CU_ASSERT_EQUAL(start(&f, "select 1", &code), 0);
	CU_ASSERT_EQUAL(start(&f, "copyright", &code), 0);
	CU_ASSERT_EQUAL(start(&f, "select 'copy t to stdout'", &code), 0);
	CU_ASSERT_EQUAL(start(&f, "", &code), 0);
	CU_ASSERT_EQUAL(f.c.out.len, 0);
	close_fixture(&f);
}

static void copy_to_stdout_follows_format_delimiter_null_and_header(void)
{
	struct copy_fixture f;
	open_fixture(&f);
	exec_ok(&f, "create table cps (id integer, name text, note text)");
	exec_ok(&f, "insert into cps values (1, 'a,b', null), (2, 'x\"y', 'z')");
	char text[512];

	copy_out(&f, "copy cps to stdout", text, sizeof(text)); /* text format, tab, \N */
	CU_ASSERT_STRING_EQUAL(text, "1\ta,b\t\\N\n2\tx\"y\tz\n");
	uint32_t len;
	const uint8_t *h = out_msg(&f, 'H', 0, &len);
	CU_ASSERT_PTR_NOT_NULL_FATAL(h);
	CU_ASSERT_EQUAL(h[0], 0);         /* textual */
	CU_ASSERT_EQUAL(rd_be16(h + 1), 3); /* columns */

	copy_out(&f, "COPY cps TO STDOUT WITH (FORMAT csv, HEADER true)", text, sizeof(text));
	CU_ASSERT_STRING_EQUAL(text, "id,name,note\n1,\"a,b\",\n2,\"x\"\"y\",z\n");

	copy_out(&f, "copy cps to stdout (format 'csv', header off)", text, sizeof(text));
	CU_ASSERT_STRING_EQUAL(text, "1,\"a,b\",\n2,\"x\"\"y\",z\n");

	/* the pre-9.0 spelling, with AS and a doubled quote in a literal */
	copy_out(&f, "copy cps to stdout csv header delimiter as '|' null as 'nil' quote ''''", text, sizeof(text));
	CU_ASSERT_STRING_EQUAL(text, "id|name|note\n1|a,b|nil\n2|x\"y|z\n");

	/* an E'' literal: its escapes are the value */
	copy_out(&f, "copy cps (id, note) to stdout (delimiter E'\\x3b', null E'\\\\N\\\\')", text, sizeof(text));
	CU_ASSERT_STRING_EQUAL(text, "1;\\N\\\n2;z\n");

	/* a quoted, qualified name, a column list, comments */
	copy_out(&f, "copy /* c */ \"main\".\"cps\" (\"id\") -- x\n to stdout;", text, sizeof(text));
	CU_ASSERT_STRING_EQUAL(text, "1\n2\n");

	/* a query, with parentheses and a ')' in a string inside it */
	copy_out(&f, "copy (select id, ')' || name from cps where id in (2) order by id) to stdout", text, sizeof(text));
	CU_ASSERT_STRING_EQUAL(text, "2\t)x\"y\n");

	/* options accepted for what they do not change */
	copy_out(&f, "copy cps (id) to stdout (format csv, force_quote *, encoding 'UTF8', freeze on)", text,
		 sizeof(text));
	CU_ASSERT_STRING_EQUAL(text, "1\n2\n");
	copy_out(&f, "copy cps (id) to stdout (format csv, force_not_null (id, name), freeze 1)", text, sizeof(text));
	CU_ASSERT_STRING_EQUAL(text, "1\n2\n");

	copy_out(&f, "copy cps (id) to stdout (format binary)", text, sizeof(text));
	h = out_msg(&f, 'H', 0, &len);
	CU_ASSERT_PTR_NOT_NULL_FATAL(h);
	CU_ASSERT_EQUAL(h[0], 1); /* binary */
	CU_ASSERT(memcmp(text, "PGCOPY\n\377\r\n", 10) == 0);
	close_fixture(&f);
}

static void copy_from_stdin_reads_with_the_options_given(void)
{
	struct copy_fixture f;
	open_fixture(&f);
	exec_ok(&f, "create table cpi (id integer, v text)");
	enum errcode code;
	CU_ASSERT_EQUAL(start(&f, "copy cpi from stdin with (format csv, delimiter ';', null 'NA', header)", &code), 1);
	CU_ASSERT_EQUAL(code, ERR_SUCCESSFUL_COMPLETION);
	CU_ASSERT_EQUAL(f.pc.state, PG_COPY_IN);
	uint32_t len;
	const uint8_t *g = out_msg(&f, 'G', 0, &len);
	CU_ASSERT_PTR_NOT_NULL_FATAL(g);
	CU_ASSERT_EQUAL(g[0], 0);
	CU_ASSERT_EQUAL(rd_be16(g + 1), 2);
	feed_copy_message(&f, 'd', "id;v\n1;NA\n2;\"a;b\"\n");
	feed_copy_message(&f, 'c', "");
	CU_ASSERT_EQUAL(f.pc.state, PG_READY);
	const uint8_t *tag = out_msg(&f, 'C', 0, &len);
	CU_ASSERT_PTR_NOT_NULL_FATAL(tag);
	CU_ASSERT_STRING_EQUAL((const char *)tag, "COPY 2");
	char text[256];
	copy_out(&f, "copy (select id, coalesce(v, 'null') from cpi order by id) to stdout", text, sizeof(text));
	CU_ASSERT_STRING_EQUAL(text, "1\tnull\n2\ta;b\n");
	close_fixture(&f);
}

static void refused_copies_keep_their_sqlstate(void)
{
	static const struct {
		const char *sql;
		enum errcode code;
	} cases[] = {
		{"copy cpe to '/etc/passwd'", ERR_FEATURE_NOT_SUPPORTED},
		{"copy cpe from '/tmp/x'", ERR_FEATURE_NOT_SUPPORTED},
		{"copy cpe from stdout", ERR_FEATURE_NOT_SUPPORTED},
		{"copy (select 1 to stdout", ERR_FEATURE_NOT_SUPPORTED}, /* unbalanced: no TO found */
		{"copy (select 1) from stdin", ERR_SYNTAX_ERROR},
		{"copy", ERR_SYNTAX_ERROR},
		{"copy 'cpe' from stdin", ERR_SYNTAX_ERROR},
		{"copy cpe from stdin (format xml)", ERR_INVALID_PARAMETER_VALUE},
		{"copy cpe from stdin (format)", ERR_SYNTAX_ERROR},
		{"copy cpe from stdin (delimiter ',,')", ERR_FEATURE_NOT_SUPPORTED},
		{"copy cpe from stdin (delimiter '')", ERR_FEATURE_NOT_SUPPORTED},
		{"copy cpe from stdin (quote 'ab')", ERR_FEATURE_NOT_SUPPORTED},
		{"copy cpe from stdin (delimiter)", ERR_SYNTAX_ERROR},
		{"copy cpe from stdin (null 1)", ERR_SYNTAX_ERROR},
		{"copy cpe from stdin (bogus true)", ERR_SYNTAX_ERROR},
		{"copy cpe from stdin (format csv = 1)", ERR_SYNTAX_ERROR},
		{"copy cpe from stdin (format binary, header)", ERR_SYNTAX_ERROR},
		{"copy cpe from stdin (format binary, null 'x')", ERR_SYNTAX_ERROR},
		{"copy cpe from stdin binary csv", ERR_SYNTAX_ERROR},
		{"copy cpe from stdin (null 'x)", ERR_SYNTAX_ERROR},           /* unterminated literal */
		{"copy \"cpe from stdin", ERR_SYNTAX_ERROR},                   /* unterminated name */
		{"copy cpe from stdin /* (format csv)", ERR_SYNTAX_ERROR},      /* unterminated comment */
	};
	struct copy_fixture f;
	open_fixture(&f);
	exec_ok(&f, "create table cpe (id integer)");
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		enum errcode code;
		int rc = start(&f, cases[i].sql, &code);
		if (rc != -1 || code != cases[i].code)
			fprintf(stderr, "\n%s: rc %d code %d, want %d\n", cases[i].sql, rc, (int)code, (int)cases[i].code);
		CU_ASSERT_EQUAL(rc, -1);
		CU_ASSERT_EQUAL(code, cases[i].code);
		CU_ASSERT_EQUAL(f.pc.state, PG_READY);
		CU_ASSERT_PTR_NULL(f.pc.copy);
	}
	close_fixture(&f);
}

void suite_pg_copy_stmt(void);
void suite_pg_copy_stmt(void)
{
	CU_pSuite s = CU_add_suite("pg_copy_stmt", setup, teardown);
	CU_add_test(s, "statements other than COPY are left alone", statements_other_than_copy_are_left_alone);
	CU_add_test(s, "COPY TO STDOUT follows FORMAT, DELIMITER, NULL and HEADER",
		    copy_to_stdout_follows_format_delimiter_null_and_header);
	CU_add_test(s, "COPY FROM STDIN reads with the options given", copy_from_stdin_reads_with_the_options_given);
	CU_add_test(s, "refused COPY statements keep their SQLSTATE", refused_copies_keep_their_sqlstate);
}
