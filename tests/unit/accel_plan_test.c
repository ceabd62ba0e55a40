/*
 * accel_plan_test.c — nearest-neighbour queries through the planner hook
 * (engine/plan_vector.c) and the column mirror, on a real store through the
 * session API: the accelerated `ORDER BY distance, id LIMIT k` returns
 * exactly the brute-force ids (every row's distance from the same SQL
 * function, sorted by (distance, id)) in the PostgreSQL and the MySQL
 * dialect, with filters; a transaction that wrote the table sees its own
 * writes; committed writes reach the mirror; the shape test takes what it
 * should and nothing else.
 */
#include <CUnit/CUnit.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "accel/mirror.h"
#include "core/arena.h"
#include "core/buf.h"
#include "engine/plan_vector.h"
#include "engine/session.h"
#include "engine/store.h"
#include "sql/parser.h"

void suite_accel_plan(void);

#define AP_ROWS 3000
#define AP_DIM 16

static char ap_dir[64];
static struct store *ap_store;
static uint64_t ap_rs = 0xdeadbeefcafef00dull;

static uint64_t ap_rnd(void)
{
	ap_rs ^= ap_rs << 13;
	ap_rs ^= ap_rs >> 7;
	ap_rs ^= ap_rs << 17;
	return ap_rs;
}

static double ap_unit(void)
{
	return (double)(ap_rnd() >> 11) / 9007199254740992.0 * 2 - 1;
}

struct ap_rows {
	int n;
	int64_t id[AP_ROWS + 16];
	double d[AP_ROWS + 16];
};

static int ap_columns(void *ctx, int n, const struct column_desc *cols)
{
	(void)ctx;
	(void)n;
	(void)cols;
	return 0;
}

static int ap_row(void *ctx, int n, const struct rvalue *v)
{
	struct ap_rows *r = ctx;
	if (r->n >= AP_ROWS + 16)
		return -1;
	r->id[r->n] = v[0].kind == RV_INT ? v[0].i : -1;
	r->d[r->n] = n > 1 ? (v[1].kind == RV_FLOAT ? v[1].f : v[1].kind == RV_INT ? (double)v[1].i : -1) : 0;
	r->n++;
	return 0;
}

static int ap_exec(struct session *s, const char *sql, struct ap_rows *rows)
{
	struct result_sink sink = {rows, ap_columns, ap_row, NULL};
	struct stmt_result res;
	struct rerr err;
	size_t used;
	if (rows)
		rows->n = 0;
	int rc = session_execute(s, sql, strlen(sql), &used, rows ? &sink : NULL, &res, &err);
	if (rc < 0)
		fprintf(stderr, "accel_plan_test: %s: %s\n", sql, err.message);
	return rc;
}

static void ap_vec(char *out, size_t cap, const float *v)
{
	size_t o = 0;
	o += (size_t)snprintf(out + o, cap - o, "[");
	for (int i = 0; i < AP_DIM; i++)
		o += (size_t)snprintf(out + o, cap - o, "%s%.9g", i ? "," : "", (double)v[i]);
	snprintf(out + o, cap - o, "]");
}

static int ap_setup(void)
{
	strcpy(ap_dir, "/tmp/rosetta-accel-XXXXXX");
	if (!mkdtemp(ap_dir))
		return -1;
	struct rerr err;
	ap_store = store_open_sqlite(ap_dir, &err);
	if (!ap_store || store_create_database(ap_store, "demo", &err) < 0)
		return -1;
	struct session *s;
	struct session_opts o = {DIALECT_PG, 1};
	if (session_open(ap_store, "demo", "demo", &o, &s, &err) < 0)
		return -1;
	if (ap_exec(s, "create table ap (id integer primary key, cat text, n int4, price float8, flag bool, v vector(16))",
		    NULL) < 0)
		return -1;
	static const char *cats[] = {"'a'", "'b'", "'c'", "'d'", "NULL"};
	struct buf q;
	buf_init(&q);
	float prev[AP_DIM];
	for (int i = 1; i <= AP_ROWS; i++) {
		if (q.len == 0)
			buf_printf(&q, "insert into ap values ");
		else
			buf_printf(&q, ", ");
		float v[AP_DIM];
		for (int j = 0; j < AP_DIM; j++)
			v[j] = i % 50 == 0 ? prev[j] : (float)ap_unit(); /* every 50th repeats the previous vector: ties */
		memcpy(prev, v, sizeof(v));
		char vt[512];
		ap_vec(vt, sizeof(vt), v);
		char n[16];
		if (i % 31 == 0)
			snprintf(n, sizeof(n), "NULL");
		else
			snprintf(n, sizeof(n), "%d", (int)(ap_rnd() % 100));
		buf_printf(&q, "(%d, %s, %s, %.2f, %s, '%s')", i, cats[ap_rnd() % 5], n, (double)(ap_rnd() % 100000) / 100,
			   ap_rnd() % 2 ? "true" : "false", vt);
		if (i % 500 == 0) {
			buf_put_u8(&q, 0);
			if (ap_exec(s, (const char *)q.data, NULL) < 0)
				return -1;
			buf_reset(&q);
		}
	}
	buf_free(&q);
	session_close(s);
	return 0;
}

static int ap_teardown(void)
{
	store_close(ap_store);
	char cmd[128];
	snprintf(cmd, sizeof(cmd), "rm -rf %s", ap_dir);
	return system(cmd) == 0 ? 0 : -1;
}

static int ap_cmp(const void *a, const void *b)
{
	const double *x = a, *y = b; /* (d, id) pairs */
	if (x[0] != y[0])
		return x[0] < y[0] ? -1 : 1;
	return (x[1] > y[1]) - (x[1] < y[1]);
}

/* Brute force through the store (no ORDER BY / LIMIT: the planner leaves it alone). */
static int ap_brute(struct session *s, const char *dist, const char *where, int k, int64_t *ids)
{
	static struct ap_rows r;
	char sql[2048];
	snprintf(sql, sizeof(sql), "select id, %s from ap%s%s", dist, where ? " where " : "", where ? where : "");
	CU_ASSERT_EQUAL_FATAL(ap_exec(s, sql, &r), 0);
	double *pairs = malloc((size_t)r.n * 2 * sizeof(double) + 16);
	for (int i = 0; i < r.n; i++) {
		pairs[2 * i] = r.d[i];
		pairs[2 * i + 1] = (double)r.id[i];
	}
	qsort(pairs, (size_t)r.n, 2 * sizeof(double), ap_cmp);
	int c = r.n < k ? r.n : k;
	for (int i = 0; i < c; i++)
		ids[i] = (int64_t)pairs[2 * i + 1];
	free(pairs);
	return c;
}

static void ap_check(struct session *s, const char *dist, const char *where, int k)
{
	static struct ap_rows r;
	int64_t expect[AP_ROWS];
	int c = ap_brute(s, dist, where, k, expect);
	char sql[2048];
	snprintf(sql, sizeof(sql), "select id from ap%s%s order by %s, id limit %d", where ? " where " : "",
		 where ? where : "", dist, k);
	CU_ASSERT_EQUAL_FATAL(ap_exec(s, sql, &r), 0);
	CU_ASSERT_EQUAL(r.n, c);
	int same = r.n == c;
	for (int i = 0; same && i < c; i++)
		same = r.id[i] == expect[i];
	CU_ASSERT(same);
	if (!same)
		fprintf(stderr, "accel_plan_test: differs: %s\n", sql);
}

static const char *ap_filters[] = {
	NULL, "cat = 'a'", "n < 5", "n >= 50 and flag", "cat in ('b', 'c') and price between 100 and 600",
	"not (n > 10) or cat is null", "cat <> 'd' and n not in (1, 2, 3) and price > 250.5", "flag = false",
};

static void pg_dialect_equals_brute_force(void)
{
	struct session *s;
	struct rerr err;
	struct session_opts o = {DIALECT_PG, 1};
	CU_ASSERT_EQUAL_FATAL(session_open(ap_store, "demo", "demo", &o, &s, &err), 0);
	static const char *ops[] = {"<->", "<#>", "<=>"};
	for (int m = 0; m < 3; m++)
		for (size_t f = 0; f < sizeof(ap_filters) / sizeof(ap_filters[0]); f++) {
			float q[AP_DIM];
			for (int j = 0; j < AP_DIM; j++)
				q[j] = (float)ap_unit();
			char qt[512], dist[640];
			ap_vec(qt, sizeof(qt), q);
			snprintf(dist, sizeof(dist), "v %s '%s'", ops[m], qt);
			ap_check(s, dist, ap_filters[f], 10);
			ap_check(s, dist, ap_filters[f], 200);
		}
	CU_ASSERT(mirror_memory() > (size_t)AP_ROWS * AP_DIM * 4); /* the mirror was built, and is reported */
	session_close(s);
}

static void mysql_dialect_equals_brute_force(void)
{
	struct session *s;
	struct rerr err;
	struct session_opts o = {DIALECT_MYSQL, 0};
	CU_ASSERT_EQUAL_FATAL(session_open(ap_store, "demo", "demo", &o, &s, &err), 0);
	static const char *fns[] = {"VEC_DISTANCE_EUCLIDEAN", "VEC_DISTANCE_COSINE", "VEC_DISTANCE"};
	for (int m = 0; m < 3; m++)
		for (size_t f = 0; f < sizeof(ap_filters) / sizeof(ap_filters[0]); f++) {
			float q[AP_DIM];
			for (int j = 0; j < AP_DIM; j++)
				q[j] = (float)ap_unit();
			char qt[512], dist[700];
			ap_vec(qt, sizeof(qt), q);
			snprintf(dist, sizeof(dist), "%s(v, VEC_FromText('%s'))", fns[m], qt);
			ap_check(s, dist, ap_filters[f], 10);
		}
	session_close(s);
}

static void own_writes_and_commits_are_seen(void)
{
	struct session *s, *other;
	struct rerr err;
	struct session_opts o = {DIALECT_PG, 1};
	CU_ASSERT_EQUAL_FATAL(session_open(ap_store, "demo", "demo", &o, &s, &err), 0);
	CU_ASSERT_EQUAL_FATAL(session_open(ap_store, "demo", "demo", &o, &other, &err), 0);
	static struct ap_rows r;
	const char *q = "select id from ap where cat = 'a' order by v <-> '[0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0.001]', id limit 3";
	CU_ASSERT_EQUAL(ap_exec(s, "begin", NULL), 0);
	CU_ASSERT_EQUAL(ap_exec(s, "insert into ap values (9001, 'a', 1, 1, true, '[0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0]')", NULL), 0);
	CU_ASSERT_EQUAL(ap_exec(s, q, &r), 0);
	CU_ASSERT(r.n == 3 && r.id[0] == 9001); /* inside: its own write */
	CU_ASSERT_EQUAL(ap_exec(other, q, &r), 0);
	CU_ASSERT(r.n == 3 && r.id[0] != 9001); /* outside: not committed */
	CU_ASSERT_EQUAL(ap_exec(s, "commit", NULL), 0);
	CU_ASSERT_EQUAL(ap_exec(other, q, &r), 0);
	CU_ASSERT(r.n == 3 && r.id[0] == 9001); /* committed: the mirror follows */
	CU_ASSERT_EQUAL(ap_exec(s, "delete from ap where id = 9001", NULL), 0);
	CU_ASSERT_EQUAL(ap_exec(other, q, &r), 0);
	CU_ASSERT(r.n == 3 && r.id[0] != 9001);
	session_close(s);
	session_close(other);
}

static void case_insensitive_text_matches_like_the_store(void)
{
	struct session *s;
	struct rerr err;
	struct session_opts o = {DIALECT_MYSQL, 0};
	CU_ASSERT_EQUAL_FATAL(session_open(ap_store, "demo", "demo", &o, &s, &err), 0);
	CU_ASSERT_EQUAL_FATAL(ap_exec(s, "create table ap_ci (id int primary key, cat varchar(10) collate utf8mb4_general_ci, "
				     "v vector(2))", NULL), 0);
	CU_ASSERT_EQUAL_FATAL(ap_exec(s, "insert into ap_ci values (1, 'a', '[1,0]'), (2, 'A', '[1,0.1]'), (3, 'b', '[1,0.2]'), "
				     "(4, 'A', '[0.9,0]')", NULL), 0);
	static struct ap_rows r;
	CU_ASSERT_EQUAL(ap_exec(s, "select id from ap_ci where cat = 'a' order by VEC_DISTANCE_EUCLIDEAN(v, VEC_FromText('[1,0]')), id "
				   "limit 10", &r), 0);
	CU_ASSERT(r.n == 3 && r.id[0] == 1 && r.id[1] == 2 && r.id[2] == 4);
	session_close(s);
}

static int ap_recognized(enum sql_dialect d, const char *sql)
{
	struct arena a;
	arena_init(&a);
	struct ast_stmt *ast = NULL;
	size_t used;
	struct rerr err;
	int ok = 0;
	struct plan_vector_shape sh;
	if (sql_parse(&a, d, sql, strlen(sql), &ast, &used, &err) == 0 && ast)
		ok = plan_vector_recognize(ast, &sh);
	arena_free(&a);
	return ok;
}

static void the_shape_test_takes_only_its_shape(void)
{
	CU_ASSERT_EQUAL(ap_recognized(DIALECT_PG, "select id from ap order by v <-> '[1,2]' limit 5"), 1);
	CU_ASSERT_EQUAL(ap_recognized(DIALECT_PG, "select id, v <=> '[1,2]' as d from ap where n = 1 order by d limit 5"), 1);
	CU_ASSERT_EQUAL(ap_recognized(DIALECT_PG, "select id, v <#> '[1,2]' from ap order by 2, id limit 5"), 1);
	CU_ASSERT_EQUAL(ap_recognized(DIALECT_PG, "select * from ap order by '[1,2]'::vector <-> v limit 5"), 1);
	CU_ASSERT_EQUAL(ap_recognized(DIALECT_MYSQL, "select id from ap order by VEC_DISTANCE_COSINE(v, VEC_FromText('[1,2]')) limit 5"), 1);
	/* not the shape */
	CU_ASSERT_EQUAL(ap_recognized(DIALECT_PG, "select id from ap order by v <-> '[1,2]' desc limit 5"), 0);
	CU_ASSERT_EQUAL(ap_recognized(DIALECT_PG, "select id from ap order by v <-> '[1,2]' limit 5 offset 2"), 0);
	CU_ASSERT_EQUAL(ap_recognized(DIALECT_PG, "select id from ap order by v <-> '[1,2]'"), 0);
	CU_ASSERT_EQUAL(ap_recognized(DIALECT_PG, "select id from ap order by v <-> $1 limit 5"), 0);
	CU_ASSERT_EQUAL(ap_recognized(DIALECT_PG, "select count(*) from ap order by v <-> '[1,2]' limit 5"), 0);
	CU_ASSERT_EQUAL(ap_recognized(DIALECT_PG, "select cat from ap group by cat order by min(v <-> '[1,2]') limit 5"), 0);
	CU_ASSERT_EQUAL(ap_recognized(DIALECT_PG, "select id from ap order by v <+> '[1,2]' limit 5"), 0);
	CU_ASSERT_EQUAL(ap_recognized(DIALECT_PG, "select id from ap order by v <-> w limit 5"), 0);
	CU_ASSERT_EQUAL(ap_recognized(DIALECT_PG, "select id from ap, bp order by v <-> '[1,2]' limit 5"), 0);
	CU_ASSERT_EQUAL(ap_recognized(DIALECT_PG, "select id from ap order by v <-> '[1,2]', cat desc limit 5"), 0);
}

void suite_accel_plan(void)
{
	CU_pSuite s = CU_add_suite("accel_plan", ap_setup, ap_teardown);
	CU_add_test(s, "PostgreSQL dialect equals brute force", pg_dialect_equals_brute_force);
	CU_add_test(s, "MySQL dialect equals brute force", mysql_dialect_equals_brute_force);
	CU_add_test(s, "own writes and commits are seen", own_writes_and_commits_are_seen);
	CU_add_test(s, "case-insensitive text matches like the store", case_insensitive_text_matches_like_the_store);
	CU_add_test(s, "the shape test takes only its shape", the_shape_test_takes_only_its_shape);
}
