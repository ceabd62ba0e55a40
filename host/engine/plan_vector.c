/*
 * plan_vector.c — nearest-neighbour queries through the accelerator (the
 * shape and the rewrite are in plan_vector.h).
 *
 *   AST --plan_vector_recognize--> shape (table, vector column, query vector, metric, k)
 *       --session holds a write lock or a snapshot?--> leave to the store
 *       --mirror_acquire--> columnar copy of committed data
 *       --pv_filter--> accel filter program (or: leave to the store)
 *       --accel_filter, accel_topk--> k rowids
 *       --copy of the AST + "AND rowid IN (...)" + ", rowid"--> sql_deparse_sqlite --> p->text
 *
 * Invariants
 *   1. The rewrite only narrows the rows the store reads to the ones the
 *      unchanged query would return, so a statement this file leaves alone
 *      and one it rewrites return the same rows (ties: by rowid).
 *   2. Every refusal is silent: the statement then runs on the store as
 *      planned.  Only the query's own faults are errors, and those the
 *      store reports the same way, so this file reports none.
 *   3. The filter program accepts a predicate only where its semantics and
 *      SQLite's agree on every row: integer columns against integers,
 *      float columns against numbers (read by SQLite itself), booleans
 *      against 0/1, text (binary collation) against strings by equality;
 *      the mirror vouches that the stored values have those kinds.
 *
 * INTERFACE ROUTINES (plan_vector.h)
 *   plan_vector, plan_vector_recognize
 */
#include "engine/plan_vector.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "accel/accel.h"
#include "accel/mirror.h"
#include "core/log.h"
#include "engine/session_int.h"
#include "sql/deparse.h"

#define PV_MAX_DEPTH 48

/* ---- recognizing the shape ---------------------------------------------- */

static const char *pv_func_name(const struct ast_expr *e)
{
	return e->u.func.name.n ? e->u.func.name.parts[e->u.func.name.n - 1].s : "";
}

/* Functions a target may call: row-wise, deterministic, no aggregates. */
static int pv_scalar_func(const char *name)
{
	static const char *const ok[] = {
		"l2_distance", "cosine_distance", "negative_inner_product", "inner_product", "l1_distance",
		"vec_distance_euclidean", "vec_distance_cosine", "vec_distance", "vector_dims", "vector_dim",
		"vector_norm", "vec_totext", "vec_fromtext", "vector_to_string", "string_to_vector", "to_vector",
		"from_vector", "coalesce", "lower", "upper", "length", "abs", NULL,
	};
	for (int i = 0; ok[i]; i++)
		if (!strcasecmp(name, ok[i]))
			return 1;
	return 0;
}

/* A row-wise expression (no aggregate, window, subquery or parameter): its value on a row depends on that row only. */
static int pv_scalar(const struct ast_expr *e, int depth)
{
	if (!e)
		return 1;
	if (depth > PV_MAX_DEPTH)
		return 0;
	switch (e->kind) {
	case AST_LIT: case AST_COLUMN: case AST_STAR:
		return 1;
	case AST_DISTANCE:
		return pv_scalar(e->u.distance.l, depth + 1) && pv_scalar(e->u.distance.r, depth + 1);
	case AST_CAST:
		return pv_scalar(e->u.cast.arg, depth + 1);
	case AST_UNARY:
		return pv_scalar(e->u.unary.arg, depth + 1);
	case AST_BINARY:
		return pv_scalar(e->u.binary.l, depth + 1) && pv_scalar(e->u.binary.r, depth + 1);
	case AST_IS:
		return pv_scalar(e->u.is.arg, depth + 1) && pv_scalar(e->u.is.rhs, depth + 1);
	case AST_FUNC:
		if (e->u.func.over || e->u.func.star || e->u.func.distinct || e->u.func.filter || e->u.func.norder ||
		    !pv_scalar_func(pv_func_name(e)))
			return 0;
		for (int i = 0; i < e->u.func.args.n; i++)
			if (!pv_scalar(e->u.func.args.v[i], depth + 1))
				return 0;
		return 1;
	default:
		return 0;
	}
}

/* The text of a constant vector operand: 'literal', 'literal'::vector, VEC_FromText('literal'). */
static const char *pv_vector_text(const struct ast_expr *e)
{
	if (e->kind == AST_LIT && e->u.lit.kind == LIT_STRING)
		return e->u.lit.text;
	if (e->kind == AST_CAST && (e->u.cast.type.type == RT_VECTOR || e->u.cast.type.type == RT_UNKNOWN))
		return pv_vector_text(e->u.cast.arg);
	if (e->kind == AST_FUNC && e->u.func.args.n == 1 &&
	    (!strcasecmp(pv_func_name(e), "vec_fromtext") || !strcasecmp(pv_func_name(e), "string_to_vector") ||
	     !strcasecmp(pv_func_name(e), "to_vector")))
		return pv_vector_text(e->u.func.args.v[0]);
	return NULL;
}

/* Is `e` a column of the FROM table (bare, or qualified by its name or alias)? */
static int pv_own_column(const struct ast_expr *e, const struct ast_from *from)
{
	if (e->kind != AST_COLUMN || e->u.column.n < 1 || e->u.column.n > 2)
		return 0;
	if (e->u.column.n == 1)
		return 1;
	const char *qual = e->u.column.parts[0].s;
	const char *table = from->table.parts[from->table.n - 1].s;
	return from->alias.s ? !strcasecmp(qual, from->alias.s) : !strcasecmp(qual, table);
}

static const char *pv_column_name(const struct ast_expr *e)
{
	return e->u.column.parts[e->u.column.n - 1].s;
}

static int pv_distance(const struct ast_expr *e, const struct ast_from *from, struct plan_vector_shape *out)
{
	const struct ast_expr *l, *r;
	if (e->kind == AST_DISTANCE) {
		switch (e->u.distance.metric) {
		case DIST_L2: out->metric = VECTOR_L2; break;
		case DIST_INNER: out->metric = VECTOR_NEGATIVE_INNER_PRODUCT; break;
		case DIST_COSINE: out->metric = VECTOR_COSINE; break;
		default: return 0;
		}
		l = e->u.distance.l;
		r = e->u.distance.r;
	} else if (e->kind == AST_FUNC && e->u.func.args.n == 2 && !e->u.func.over && !e->u.func.distinct) {
		const char *n = pv_func_name(e);
		if (!strcasecmp(n, "l2_distance") || !strcasecmp(n, "vec_distance_euclidean") || !strcasecmp(n, "vec_distance"))
			out->metric = VECTOR_L2;
		else if (!strcasecmp(n, "cosine_distance") || !strcasecmp(n, "vec_distance_cosine"))
			out->metric = VECTOR_COSINE;
		else if (!strcasecmp(n, "negative_inner_product"))
			out->metric = VECTOR_NEGATIVE_INNER_PRODUCT;
		else
			return 0;
		l = e->u.func.args.v[0];
		r = e->u.func.args.v[1];
	} else {
		return 0;
	}
	if (pv_own_column(l, from) && (out->qtext = pv_vector_text(r)))
		out->col = l;
	else if (pv_own_column(r, from) && (out->qtext = pv_vector_text(l)))
		out->col = r;
	else
		return 0;
	out->dist = e;
	return 1;
}

int plan_vector_recognize(const struct ast_stmt *ast, struct plan_vector_shape *out)
{
	memset(out, 0, sizeof(*out));
	if (!ast || ast->kind != AST_SELECT || ast->nparams)
		return 0;
	const struct ast_query *q = ast->u.query;
	if (!q || q->nctes || q->norder < 1 || q->norder > 2 || q->order[0].desc || q->offset || q->for_update ||
	    !q->limit)
		return 0;
	const struct ast_body *body = q->body;
	if (!body || body->op != SETOP_NONE || body->paren || !body->select)
		return 0;
	const struct ast_select *sel = body->select;
	if (sel->distinct || sel->distinct_on.n || sel->group_by.n || sel->having || sel->values || !sel->from ||
	    sel->from->kind != FROM_TABLE || sel->from->table.n < 1)
		return 0;
	for (int i = 0; i < sel->ntargets; i++)
		if (!pv_scalar(sel->targets[i].e, 0))
			return 0;
	const struct ast_expr *lim = q->limit;
	if (lim->kind != AST_LIT || lim->u.lit.kind != LIT_INT)
		return 0;
	errno = 0;
	char *end;
	long long k = strtoll(lim->u.lit.text, &end, 10);
	if (errno || *end || k < 1 || k > ACCEL_MAX_K)
		return 0;

	const struct ast_expr *e = q->order[0].e;
	if (e->kind == AST_LIT && e->u.lit.kind == LIT_INT) {
		long long i = strtoll(e->u.lit.text, NULL, 10);
		if (i < 1 || i > sel->ntargets)
			return 0;
		e = sel->targets[i - 1].e;
	} else if (e->kind == AST_COLUMN && e->u.column.n == 1) {
		for (int i = 0; i < sel->ntargets; i++)
			if (sel->targets[i].alias.s && !strcasecmp(sel->targets[i].alias.s, pv_column_name(e))) {
				e = sel->targets[i].e;
				break;
			}
	}
	if (!pv_distance(e, sel->from, out))
		return 0;
	if (q->norder == 2) {
		const struct ast_expr *t = q->order[1].e;
		if (q->order[1].desc || !pv_own_column(t, sel->from))
			return 0;
		out->tiebreak = pv_column_name(t);
	}
	out->q = q;
	out->sel = sel;
	out->k = k;
	return 1;
}

/* ---- the filter program ------------------------------------------------- */

struct pv_ctx {
	struct session *s;
	const struct mirror *m;
	const struct ast_from *from;
	struct accel_filter f;
};

/* A numeric literal, possibly negated, read by SQLite itself (the store's own rounding). */
static int pv_number(struct pv_ctx *c, const struct ast_expr *e, struct rvalue *out)
{
	int neg = 0;
	if (e->kind == AST_UNARY && e->u.unary.op == AST_OP_NEG) {
		neg = 1;
		e = e->u.unary.arg;
	}
	if (e->kind != AST_LIT || (e->u.lit.kind != LIT_INT && e->u.lit.kind != LIT_NUMERIC && e->u.lit.kind != LIT_FLOAT))
		return -1;
	const char *t = e->u.lit.text;
	if (!t || !*t || strspn(t, "0123456789.eE+-") != strlen(t) || strlen(t) > 64)
		return -1;
	char sql[96];
	snprintf(sql, sizeof(sql), "SELECT %s(%s)", neg ? "-" : "", t);
	struct store_stmt *st = NULL;
	struct rerr err;
	size_t used;
	if (store_prepare(c->s->sc, sql, strlen(sql), &st, &used, &err) < 0 || !st)
		return -1;
	int rc = -1;
	if (store_step(st, &err) == 1) {
		store_col_value(st, 0, out);
		rc = out->kind == RV_INT || out->kind == RV_FLOAT ? 0 : -1;
	}
	store_finalize(st);
	return rc;
}

/* A constant for a column of kind `type`; -1 when the pair is not one invariant 3 allows. */
static int pv_const(struct pv_ctx *c, int col, const struct ast_expr *e, union accel_value *v)
{
	enum accel_coltype type = c->m->table.cols[col].type;
	if (type == ACCEL_COL_DICT) {
		if (e->kind != AST_LIT || e->u.lit.kind != LIT_STRING)
			return -1;
		v->i = mirror_dict_code(c->m, col, e->u.lit.text, strlen(e->u.lit.text));
		return 0;
	}
	if (e->kind == AST_LIT && e->u.lit.kind == LIT_BOOL && type != ACCEL_COL_F64) {
		v->i = e->u.lit.b ? 1 : 0; /* deparsed as 1 / 0 */
		return 0;
	}
	struct rvalue n;
	if (pv_number(c, e, &n) < 0)
		return -1;
	if (type == ACCEL_COL_F64) {
		if (n.kind == RV_INT && (n.i <= -((int64_t)1 << 53) || n.i >= ((int64_t)1 << 53)))
			return -1;
		v->f = n.kind == RV_INT ? (double)n.i : n.f;
		return 0;
	}
	if (n.kind != RV_INT)
		return -1; /* an integer column against 2.5: SQLite compares numerically; not modelled */
	v->i = n.i;
	return 0;
}

/* Mirror column of an expression that is one of the table's usable columns, or -1. */
static int pv_col(struct pv_ctx *c, const struct ast_expr *e)
{
	if (!pv_own_column(e, c->from))
		return -1;
	return mirror_column(c->m, pv_column_name(e));
}

static enum accel_op pv_flip(enum accel_op op)
{
	switch (op) {
	case ACCEL_OP_LT: return ACCEL_OP_GT;
	case ACCEL_OP_LE: return ACCEL_OP_GE;
	case ACCEL_OP_GT: return ACCEL_OP_LT;
	case ACCEL_OP_GE: return ACCEL_OP_LE;
	default: return op;
	}
}

static int pv_filter(struct pv_ctx *c, const struct ast_expr *e, int depth)
{
	if (depth > PV_MAX_DEPTH)
		return -1;
	switch (e->kind) {
	case AST_BINARY: {
		enum ast_op op = e->u.binary.op;
		if (op == AST_OP_AND || op == AST_OP_OR) {
			if (pv_filter(c, e->u.binary.l, depth + 1) < 0 || pv_filter(c, e->u.binary.r, depth + 1) < 0)
				return -1;
			return accel_filter_push_logic(&c->f, op == AST_OP_AND ? ACCEL_OP_AND : ACCEL_OP_OR);
		}
		enum accel_op aop;
		switch (op) {
		case AST_OP_EQ: aop = ACCEL_OP_EQ; break;
		case AST_OP_NE: aop = ACCEL_OP_NE; break;
		case AST_OP_LT: aop = ACCEL_OP_LT; break;
		case AST_OP_LE: aop = ACCEL_OP_LE; break;
		case AST_OP_GT: aop = ACCEL_OP_GT; break;
		case AST_OP_GE: aop = ACCEL_OP_GE; break;
		default: return -1;
		}
		const struct ast_expr *ce = e->u.binary.l, *ke = e->u.binary.r;
		int col = pv_col(c, ce);
		if (col < 0) {
			ce = e->u.binary.r;
			ke = e->u.binary.l;
			col = pv_col(c, ce);
			aop = pv_flip(aop);
		}
		union accel_value v;
		if (col < 0 || pv_const(c, col, ke, &v) < 0)
			return -1;
		if (c->m->table.cols[col].type == ACCEL_COL_DICT && aop != ACCEL_OP_EQ && aop != ACCEL_OP_NE)
			return -1;
		return accel_filter_push_cmp(&c->f, aop, col, v);
	}
	case AST_UNARY:
		if (e->u.unary.op != AST_OP_NOT || pv_filter(c, e->u.unary.arg, depth + 1) < 0)
			return -1;
		return accel_filter_push_logic(&c->f, ACCEL_OP_NOT);
	case AST_COLUMN: { /* WHERE flag */
		int col = pv_col(c, e);
		if (col < 0 || c->m->table.cols[col].type != ACCEL_COL_BOOL)
			return -1;
		return accel_filter_push_cmp(&c->f, ACCEL_OP_EQ, col, (union accel_value){.i = 1});
	}
	case AST_IS: {
		int col = pv_col(c, e->u.is.arg);
		if (col < 0 || e->u.is.what != IS_NULL)
			return -1;
		return accel_filter_push_null(&c->f, e->u.is.not_, col);
	}
	case AST_IN: {
		int col = pv_col(c, e->u.in.arg);
		if (col < 0 || e->u.in.sub || e->u.in.list.n < 1 || e->u.in.list.n > 4096)
			return -1;
		union accel_value *vals = malloc((size_t)e->u.in.list.n * sizeof(*vals));
		if (!vals)
			return -1;
		int rc = 0;
		for (int i = 0; i < e->u.in.list.n && rc == 0; i++)
			rc = pv_const(c, col, e->u.in.list.v[i], &vals[i]);
		if (rc == 0)
			rc = accel_filter_push_in(&c->f, e->u.in.not_, col, vals, e->u.in.list.n);
		free(vals);
		return rc;
	}
	case AST_BETWEEN: {
		int col = pv_col(c, e->u.between.arg);
		union accel_value lo, hi;
		if (col < 0 || e->u.between.symmetric || c->m->table.cols[col].type == ACCEL_COL_DICT ||
		    pv_const(c, col, e->u.between.lo, &lo) < 0 || pv_const(c, col, e->u.between.hi, &hi) < 0)
			return -1;
		return accel_filter_push_between(&c->f, e->u.between.not_, col, lo, hi);
	}
	default:
		return -1;
	}
}

/* ---- the rewrite -------------------------------------------------------- */

static struct ast_expr *pv_node(struct arena *a, enum ast_expr_kind kind)
{
	struct ast_expr *e = arena_alloc(a, sizeof(*e));
	e->kind = kind;
	return e;
}

static struct ast_expr *pv_column(struct arena *a, const char *name)
{
	struct ast_expr *e = pv_node(a, AST_COLUMN);
	e->u.column.n = 1;
	e->u.column.parts[0].s = arena_strndup(a, name, strlen(name));
	return e;
}

/* The statement again, reading only the rows whose `idcol` is in `ids`, ordering ties by rowid unless it names a key. */
static int pv_rewrite(struct session *s, struct session_plan *p, const struct plan_vector_shape *sh,
		      const char *idcol, const int64_t *ids, int n, struct rerr *err)
{
	struct arena *a = &s->arena;
	struct ast_expr *in = pv_node(a, AST_IN);
	in->u.in.arg = pv_column(a, idcol);
	in->u.in.list.n = n ? n : 1;
	in->u.in.list.v = arena_alloc(a, (size_t)in->u.in.list.n * sizeof(struct ast_expr *));
	for (int i = 0; i < n; i++) {
		char tmp[32];
		int len = snprintf(tmp, sizeof(tmp), "%lld", (long long)ids[i]);
		struct ast_expr *lit = pv_node(a, AST_LIT);
		lit->u.lit.kind = LIT_INT;
		lit->u.lit.text = arena_strndup(a, tmp, (size_t)len);
		lit->u.lit.len = (size_t)len;
		in->u.in.list.v[i] = lit;
	}
	if (!n) {
		struct ast_expr *null = pv_node(a, AST_LIT);
		null->u.lit.kind = LIT_NULL;
		in->u.in.list.v[0] = null;
	}

	struct ast_select *sel = arena_memdup(a, sh->sel, sizeof(*sh->sel));
	if (sel->where) {
		struct ast_expr *and = pv_node(a, AST_BINARY);
		and->u.binary.op = AST_OP_AND;
		and->u.binary.l = sel->where;
		and->u.binary.r = in;
		sel->where = and;
	} else {
		sel->where = in;
	}
	struct ast_body *body = arena_memdup(a, sh->q->body, sizeof(*sh->q->body));
	body->select = sel;
	struct ast_query *q = arena_memdup(a, sh->q, sizeof(*sh->q));
	q->body = body;
	if (!sh->tiebreak) {
		q->norder = 2;
		q->order = arena_alloc(a, 2 * sizeof(struct ast_order));
		q->order[0] = sh->q->order[0];
		q->order[1].e = pv_column(a, "rowid");
	}
	struct ast_stmt *st = arena_memdup(a, p->ast, sizeof(*p->ast));
	st->u.query = q;

	struct buf out;
	buf_init(&out);
	if (sql_deparse_sqlite(st, &out, err) < 0) {
		buf_free(&out);
		return -1;
	}
	p->text = arena_strndup(a, out.len ? (const char *)out.data : "", out.len);
	p->len = out.len;
	buf_free(&out);
	return 0;
}

/* ---- the hook ----------------------------------------------------------- */

int plan_vector(struct session *s, struct session_plan *p, struct rerr *err)
{
	struct plan_vector_shape sh;
	if (p->action != PLAN_STORE || !p->ast || !plan_vector_recognize(p->ast, &sh))
		return 0;
	/* A transaction that wrote holds the write lock and must see its own
	 * writes; a snapshot must see its snapshot: the mirror shows neither. */
	if (s->store_txn ||
	    (s->txn != TXN_IDLE && s->isolation != ISO_READ_COMMITTED && s->isolation != ISO_READ_UNCOMMITTED))
		return 0;

	struct buf qv;
	buf_init(&qv);
	struct rerr qerr;
	int dim = vector_parse(sh.qtext, VECTOR_TYPMOD_ANY, &qv, &qerr);
	if (dim < 0) {
		buf_free(&qv);
		return 0; /* the store reports it, in the same words */
	}
	float *q = malloc((size_t)dim * sizeof(float));
	if (!q) {
		buf_free(&qv);
		return 0;
	}
	vector_decode(qv.data, (size_t)dim, q);
	buf_free(&qv);

	const struct ast_from *from = sh.sel->from;
	const char *table = from->table.parts[from->table.n - 1].s;
	struct mirror *m = NULL;
	struct rerr merr;
	uint64_t *bitmap = NULL;
	int64_t *ids = NULL;
	double *scores = NULL;
	struct pv_ctx c = {s, NULL, from, {0}};
	accel_filter_init(&c.f);
	int rc = 0;
	if (mirror_acquire(s->sc, table, pv_column_name(sh.col), &m, &merr) < 0) {
		log_debug("accel_skip", "table=%s reason=\"%s\"", table, merr.message);
		goto done;
	}
	c.m = m;
	/* Ties are broken by rowid, or by the primary key the query names (its values become the ids). */
	struct accel_vectors vecs = m->vectors;
	const char *idcol = "rowid";
	if (sh.tiebreak) {
		if (!m->pk_name || strcasecmp(sh.tiebreak, m->pk_name))
			goto done;
		if (!m->pk_is_rowid) {
			int pk = mirror_column(m, m->pk_name);
			if (pk < 0 || m->table.cols[pk].type != ACCEL_COL_I64 || m->cols[pk].has_null)
				goto done;
			vecs.ids = m->table.cols[pk].data;
		}
		idcol = m->pk_name;
	}
	if (!m->vec_ok || m->has_rowid_col || m->vectors.n == 0 || m->dim != dim ||
	    (sh.metric == VECTOR_COSINE && (m->has_zero || vector_norm(q, (size_t)dim) == 0)))
		goto done;
	struct accel_backend *b = accel_default();
	if (!b)
		goto done;
	if (sh.sel->where) {
		if (pv_filter(&c, sh.sel->where, 0) < 0)
			goto done;
		bitmap = malloc(ACCEL_BITMAP_WORDS(m->table.nrows) * sizeof(uint64_t));
		if (!bitmap || accel_filter(b, &c.f, &m->table, bitmap, &merr) < 0)
			goto done;
	}
	ids = malloc((size_t)sh.k * sizeof(int64_t));
	scores = malloc((size_t)sh.k * sizeof(double));
	int count = 0;
	struct accel_topk_req req = {sh.metric, q, 1, (int)sh.k, bitmap};
	struct accel_topk_result res = {ids, scores, &count};
	if (!ids || !scores || accel_topk(b, &vecs, &req, &res, &merr) < 0)
		goto done;
	log_debug("accel_topk", "table=%s rows=%zu k=%d found=%d", table, m->vectors.n, (int)sh.k, count);
	rc = pv_rewrite(s, p, &sh, idcol, ids, count, err);
done:
	accel_filter_free(&c.f);
	mirror_release(m);
	free(bitmap);
	free(ids);
	free(scores);
	free(q);
	return rc;
}
