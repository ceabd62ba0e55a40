/*
 * ast.h — the one syntax tree every dialect parses into.
 *
 * Every node lives in the arena the parser was given; nothing is freed
 * individually.  Strings are NUL-terminated arena copies.  Identifiers are
 * stored as the dialect means them: bare names folded (PG, Spark: lower;
 * Oracle, Db2, Snowflake: upper; MySQL, T-SQL: as written), quoted names
 * exactly as written with `quoted` set.
 *
 * What the binder needs is explicit in the tree:
 *   literals       AST_LIT with a kind (int, numeric, float, string, bytes,
 *                  bool, null) and its text; typed literals (DATE '..',
 *                  TIMESTAMP '..', INTERVAL '..') are AST_CAST of a string
 *                  literal with `typed_literal` set
 *   casts          AST_CAST with a struct ast_type: canonical rtype, typmod,
 *                  precision/scale/length, and the name as written
 *   columns        AST_COLUMN with up to three qualifiers (catalog.schema.
 *                  table.column) in a struct ast_name
 *   functions      AST_FUNC by (possibly qualified) name, args, DISTINCT,
 *                  `*` argument, OVER (...) window
 *   operators      AST_BINARY / AST_UNARY with an enum ast_op; the dialect's
 *                  meaning is already resolved (MySQL `||` is AST_OP_OR,
 *                  MySQL `<=>` AST_OP_NULLSAFE_EQ, pgvector `<=>` an
 *                  AST_DISTANCE)
 *   parameters     AST_PARAM with the unified ordinal (1-based) and the
 *                  spelling; the statement lists them all (struct ast_param)
 *
 * Dialect-specific syntax lands on the shared nodes: TOP n and FETCH FIRST
 * n ROWS ONLY become the query's `limit`, ROWNUM <= n in a WHERE becomes
 * `limit` too, FROM DUAL / SYSIBM.SYSDUMMY1 become an empty FROM, MySQL
 * ON DUPLICATE KEY UPDATE becomes an ast_upsert with no conflict target and
 * `from_duplicate_key` set, SERIAL / AUTO_INCREMENT / GENERATED AS IDENTITY
 * become `identity` on the column.
 */
#ifndef ROSETTA_SQL_AST_H
#define ROSETTA_SQL_AST_H

#include <stddef.h>
#include <stdint.h>

#include "engine/types.h"
#include "sql/dialect.h"

struct ast_query;

struct ast_ident {
	const char *s;
	int quoted;
};

/* A dotted name: parts[0..n-1], the last being the object itself. */
#define AST_NAME_MAX 4
struct ast_name {
	int n;
	struct ast_ident parts[AST_NAME_MAX];
};

struct ast_type {
	enum rtype type;    /* RT_UNKNOWN for a name the front-end does not know */
	int32_t typmod;     /* varchar/char length, vector dimension, numeric precision; -1 when none */
	int precision, scale; /* numeric(p,s); -1 when absent */
	int array;          /* int[] etc. */
	int serial;         /* SERIAL/BIGSERIAL/SMALLSERIAL pseudo-type */
	const char *name;   /* lower-case name as written, e.g. "character varying" */
};

enum ast_lit_kind { LIT_NULL, LIT_BOOL, LIT_INT, LIT_NUMERIC, LIT_FLOAT, LIT_STRING, LIT_BYTES, LIT_BITS };

enum ast_op {
	AST_OP_ADD, AST_OP_SUB, AST_OP_MUL, AST_OP_DIV, AST_OP_MOD, AST_OP_INTDIV, AST_OP_POW,
	AST_OP_EQ, AST_OP_NE, AST_OP_LT, AST_OP_LE, AST_OP_GT, AST_OP_GE, AST_OP_NULLSAFE_EQ,
	AST_OP_AND, AST_OP_OR, AST_OP_XOR, AST_OP_NOT,
	AST_OP_CONCAT,
	AST_OP_BITAND, AST_OP_BITOR, AST_OP_BITXOR, AST_OP_SHL, AST_OP_SHR, AST_OP_BITNOT,
	AST_OP_NEG, AST_OP_PLUS,
	AST_OP_JSON_GET, AST_OP_JSON_GET_TEXT, /* -> ->> */
};

enum ast_distance { DIST_L2, DIST_INNER, DIST_COSINE, DIST_L1 }; /* <->  <#>  <=>  <+> */

enum ast_like { LIKE_LIKE, LIKE_ILIKE, LIKE_REGEXP, LIKE_REGEXP_CI }; /* REGEXP_CI: PostgreSQL's ~* */

enum ast_is { IS_NULL, IS_TRUE, IS_FALSE, IS_UNKNOWN, IS_DISTINCT };

enum ast_special {
	SPECIAL_CURRENT_TIMESTAMP, SPECIAL_CURRENT_DATE, SPECIAL_CURRENT_TIME,
	SPECIAL_LOCALTIMESTAMP, SPECIAL_CURRENT_USER, SPECIAL_ROWNUM,
};

enum ast_expr_kind {
	AST_LIT, AST_COLUMN, AST_STAR, AST_PARAM, AST_UNARY, AST_BINARY, AST_FUNC, AST_CAST,
	AST_CASE, AST_IN, AST_EXISTS, AST_SUBQUERY, AST_BETWEEN, AST_LIKE, AST_IS, AST_DISTANCE,
	AST_EXTRACT, AST_SPECIAL, AST_DEFAULT, AST_ROW, AST_VARIABLE, AST_COLLATE,
};

struct ast_expr;

struct ast_expr_list {
	int n;
	struct ast_expr **v;
};

struct ast_order {
	struct ast_expr *e;
	int desc;
	int nulls; /* 0 default, 1 NULLS FIRST, 2 NULLS LAST */
};

struct ast_window {
	struct ast_expr_list partition;
	int norder;
	struct ast_order *order;
	const char *frame; /* ROWS/RANGE clause as written, or NULL */
	const char *ref;   /* OVER w */
};

struct ast_when {
	struct ast_expr *cond, *then;
};

struct ast_expr {
	enum ast_expr_kind kind;
	size_t off; /* byte offset in the statement text, for error positions */
	union {
		struct { enum ast_lit_kind kind; const char *text; size_t len; int b; } lit;
		struct ast_name column;                 /* AST_COLUMN */
		struct ast_name star;                   /* AST_STAR: qualifier parts (n may be 0) */
		struct { int ordinal; const char *spelling; } param;
		struct { enum ast_op op; struct ast_expr *arg; } unary;
		struct { enum ast_op op; struct ast_expr *l, *r; } binary;
		struct {
			struct ast_name name;
			struct ast_expr_list args;
			int distinct, star;
			int norder; struct ast_order *order; /* aggregate ORDER BY (string_agg) */
			struct ast_expr *filter;
			struct ast_window *over;
		} func;
		struct { struct ast_expr *arg; struct ast_type type; int typed_literal; } cast;
		struct { struct ast_expr *operand; int nwhen; struct ast_when *when; struct ast_expr *else_; } case_;
		struct { struct ast_expr *arg; int not_; struct ast_expr_list list; struct ast_query *sub; } in;
		struct { struct ast_query *sub; } exists;   /* AST_EXISTS, AST_SUBQUERY */
		struct { struct ast_expr *arg, *lo, *hi; int not_, symmetric; } between;
		struct { struct ast_expr *arg, *pattern, *escape; enum ast_like op; int not_; } like;
		struct { struct ast_expr *arg, *rhs; enum ast_is what; int not_; } is;
		struct { struct ast_expr *l, *r; enum ast_distance metric; } distance;
		struct { const char *field; struct ast_expr *arg; } extract; /* field lower-case */
		struct { enum ast_special what; } special;
		struct ast_expr_list row;               /* AST_ROW: (a, b, ...) */
		struct { const char *name; } variable;  /* @@var, @var */
		struct { struct ast_expr *arg; const char *collation; } collate;
	} u;
};

/* ---- queries ---------------------------------------------------------- */

enum ast_join { JOIN_INNER, JOIN_LEFT, JOIN_RIGHT, JOIN_FULL, JOIN_CROSS };

enum ast_from_kind { FROM_TABLE, FROM_SUBQUERY, FROM_JOIN, FROM_FUNC, FROM_VALUES };

struct ast_from {
	enum ast_from_kind kind;
	struct ast_name table;        /* FROM_TABLE */
	struct ast_query *sub;        /* FROM_SUBQUERY, FROM_VALUES */
	struct ast_expr *func;        /* FROM_FUNC */
	int ordinality;               /* FROM_FUNC WITH ORDINALITY: a last column numbering the rows */
	int lateral;
	struct ast_ident alias;       /* alias.s NULL when none */
	int ncolaliases;
	struct ast_ident *colaliases;
	/* FROM_JOIN */
	enum ast_join join;
	int natural;
	int comma;                    /* FROM a, b (a CROSS JOIN that keeps the planner free) */
	struct ast_from *left, *right;
	struct ast_expr *on;
	int nusing;
	struct ast_ident *using_;
};

struct ast_target {
	struct ast_expr *e;
	struct ast_ident alias; /* alias.s NULL when none */
	const char *src;        /* the expression's source text (in the caller's text), for implicit */
	size_t len;             /* column names */
};

struct ast_select {
	int distinct;
	struct ast_expr_list distinct_on;
	int ntargets;
	struct ast_target *targets;
	struct ast_from *from; /* NULL when none */
	struct ast_expr *where;
	struct ast_expr_list group_by;
	struct ast_expr *having;
	struct ast_expr_list *values; /* VALUES rows (a SELECT core that is a VALUES list); nvalues rows */
	int nvalues;
};

enum ast_setop { SETOP_NONE, SETOP_UNION, SETOP_INTERSECT, SETOP_EXCEPT };

/* A query body: a SELECT core, or a set operation of two bodies. */
struct ast_body {
	enum ast_setop op;
	int all;
	struct ast_select *select;   /* SETOP_NONE */
	struct ast_body *l, *r;      /* set operations */
	struct ast_query *paren;     /* a parenthesised query with its own ORDER/LIMIT */
};

struct ast_cte {
	struct ast_ident name;
	int ncols;
	struct ast_ident *cols;
	struct ast_query *q;
};

struct ast_query {
	int recursive;
	int nctes;
	struct ast_cte *ctes;
	struct ast_body *body;
	int norder;
	struct ast_order *order;
	struct ast_expr *limit, *offset;
	int for_update; /* FOR UPDATE / FOR SHARE: parsed and ignored by SQLite */
};

/* ---- data modification ------------------------------------------------ */

struct ast_assign {
	int ncols;              /* 1, or n for (a, b) = (...) */
	struct ast_ident *cols;
	struct ast_expr *e;
};

struct ast_upsert {
	int from_duplicate_key; /* MySQL ON DUPLICATE KEY UPDATE: any unique key */
	int ntarget;
	struct ast_ident *target; /* ON CONFLICT (cols) */
	const char *constraint;   /* ON CONFLICT ON CONSTRAINT name */
	struct ast_expr *target_where;
	int do_nothing;
	int nset;
	struct ast_assign *set;
	struct ast_expr *where;
	struct ast_ident new_alias; /* MySQL VALUES (...) AS new */
};

struct ast_insert {
	int nctes; struct ast_cte *ctes; int recursive;
	struct ast_name table;
	struct ast_ident alias;
	int ncols;
	struct ast_ident *cols;
	struct ast_query *source; /* VALUES or SELECT; NULL with default_values */
	int default_values;
	int replace;              /* MySQL REPLACE INTO */
	int ignore;               /* MySQL INSERT IGNORE */
	struct ast_upsert *upsert;
	int nreturning;
	struct ast_target *returning;
};

struct ast_update {
	int nctes; struct ast_cte *ctes; int recursive;
	struct ast_name table;
	struct ast_ident alias;
	int nset;
	struct ast_assign *set;
	struct ast_from *from;
	struct ast_expr *where;
	int nreturning;
	struct ast_target *returning;
	int norder; struct ast_order *order; struct ast_expr *limit; /* MySQL */
};

struct ast_delete {
	int nctes; struct ast_cte *ctes; int recursive;
	struct ast_name table;
	struct ast_ident alias;
	struct ast_from *using_;
	struct ast_expr *where;
	int nreturning;
	struct ast_target *returning;
	int norder; struct ast_order *order; struct ast_expr *limit; /* MySQL */
};

/* ---- definitions ------------------------------------------------------ */

enum ast_constraint_kind { CONS_PRIMARY, CONS_UNIQUE, CONS_CHECK, CONS_FOREIGN, CONS_NOT_NULL, CONS_NULL, CONS_DEFAULT };

struct ast_constraint {
	enum ast_constraint_kind kind;
	const char *name;          /* CONSTRAINT name, or NULL */
	int ncols;                 /* table constraints: the columns */
	struct ast_ident *cols;
	struct ast_expr *check;
	struct ast_name ref_table; /* FOREIGN KEY / REFERENCES */
	int nref_cols;
	struct ast_ident *ref_cols;
	const char *on_delete, *on_update; /* "CASCADE", "SET NULL", ... */
};

enum ast_identity { IDENT_NONE, IDENT_SERIAL, IDENT_AUTO_INCREMENT, IDENT_ALWAYS, IDENT_BY_DEFAULT };

struct ast_column_def {
	struct ast_ident name;
	struct ast_type type;
	int not_null, primary_key, unique;
	enum ast_identity identity;
	struct ast_expr *default_;
	int ncons;
	struct ast_constraint *cons; /* CHECK and REFERENCES on the column */
	const char *collation;
};

struct ast_create_table {
	int if_not_exists, temporary;
	struct ast_name name;
	int ncols;
	struct ast_column_def *cols;
	int ncons;
	struct ast_constraint *cons;
	struct ast_query *as; /* CREATE TABLE .. AS query */
};

enum ast_alter_kind { ALTER_ADD_COLUMN, ALTER_DROP_COLUMN, ALTER_RENAME_COLUMN, ALTER_RENAME_TABLE, ALTER_ADD_CONSTRAINT };

struct ast_alter_table {
	struct ast_name table;
	int if_exists;
	enum ast_alter_kind what;
	struct ast_column_def *col; /* ADD COLUMN */
	struct ast_constraint *cons;
	int col_if_exists, col_if_not_exists;
	struct ast_ident name, new_name; /* DROP / RENAME COLUMN; RENAME TO in new_name */
};

struct ast_index_col {
	struct ast_expr *e;
	int desc;
	const char *opclass;
};

struct ast_create_index {
	int unique, if_not_exists;
	struct ast_ident name; /* s NULL when unnamed (PG) */
	struct ast_name table;
	const char *method;    /* USING btree/hnsw/ivfflat, or NULL */
	int ncols;
	struct ast_index_col *cols;
	struct ast_expr *where;
};

struct ast_create_view {
	int or_replace, if_not_exists, temporary;
	struct ast_name name;
	int ncols;
	struct ast_ident *cols;
	struct ast_query *q;
};

enum ast_object { OBJ_TABLE, OBJ_INDEX, OBJ_VIEW, OBJ_SCHEMA, OBJ_DATABASE, OBJ_SEQUENCE, OBJ_EXTENSION };

/* DROP, TRUNCATE, CREATE SCHEMA/DATABASE/EXTENSION: an object kind and names. */
struct ast_objects {
	enum ast_object what;
	int if_exists, if_not_exists, cascade;
	int n;
	struct ast_name *names;
	struct ast_name on_table; /* MySQL DROP INDEX i ON t */
};

/* ---- session and transaction control ---------------------------------- */

enum ast_isolation { ISO_DEFAULT, ISO_READ_UNCOMMITTED, ISO_READ_COMMITTED, ISO_REPEATABLE_READ, ISO_SERIALIZABLE };

struct ast_txn {
	enum ast_isolation isolation;
	int read_only;  /* 1 READ ONLY, 2 READ WRITE, 0 unspecified */
	int chain;      /* COMMIT AND CHAIN */
	struct ast_ident savepoint; /* SAVEPOINT / RELEASE / ROLLBACK TO */
};

enum ast_set_scope { SET_DEFAULT, SET_SESSION, SET_LOCAL, SET_GLOBAL };

struct ast_set {
	enum ast_set_scope scope;
	const char *name;          /* lower-case, dotted as written ("search_path", "names", "@x") */
	struct ast_expr_list value; /* empty for SET x TO DEFAULT */
	int to_default;
	struct ast_txn txn;        /* SET [SESSION CHARACTERISTICS AS] TRANSACTION ... */
	const char *collation;     /* SET NAMES x COLLATE y */
	struct ast_set *next;      /* MySQL SET a = 1, b = 2: the following assignment */
};

struct ast_show {
	int nwords;
	const char **words; /* lower-case words after SHOW ("tables", "full tables", "server_version") */
	struct ast_name from;  /* SHOW COLUMNS FROM t / SHOW TABLES FROM db */
	const char *like;      /* SHOW ... LIKE 'pattern' */
};

/* PostgreSQL's cursors: DECLARE, FETCH, MOVE, CLOSE. */
struct ast_cursor {
	struct ast_ident name;   /* s NULL for CLOSE ALL */
	int hold;                /* DECLARE ... WITH HOLD */
	int binary;              /* DECLARE name BINARY CURSOR */
	struct ast_query *query; /* DECLARE: the query */
	size_t query_off;        /* DECLARE: where the query starts in the statement text */
	int64_t count;           /* FETCH/MOVE: how many rows forward; -1 for ALL */
	int move;                /* MOVE: skip the rows instead of returning them */
};

struct ast_stmt;

struct ast_explain {
	int analyze, verbose;
	struct ast_stmt *stmt;
};

/* ---- statements ------------------------------------------------------- */

enum ast_stmt_kind {
	AST_SELECT, AST_INSERT, AST_UPDATE, AST_DELETE,
	AST_CREATE_TABLE, AST_ALTER_TABLE, AST_CREATE_INDEX, AST_CREATE_VIEW,
	AST_DROP, AST_TRUNCATE, AST_CREATE_SCHEMA, AST_CREATE_DATABASE, AST_CREATE_EXTENSION,
	AST_BEGIN, AST_COMMIT, AST_ROLLBACK, AST_SAVEPOINT, AST_RELEASE, AST_ROLLBACK_TO,
	AST_SET, AST_SET_TRANSACTION, AST_SHOW, AST_USE, AST_EXPLAIN,
	AST_DECLARE_CURSOR, AST_FETCH, AST_CLOSE_CURSOR,
};

struct ast_param {
	int ordinal;          /* unified, 1-based */
	const char *spelling; /* "$1", "?", ":name", ":1", "@p1" */
	size_t off;           /* first appearance */
};

struct ast_stmt {
	enum ast_stmt_kind kind;
	enum sql_dialect dialect;
	const char *sql;  /* the statement text (points into the caller's text) */
	size_t len;
	int nparams;      /* distinct ordinals; max ordinal is params[nparams-1].ordinal */
	struct ast_param *params; /* sorted by ordinal */
	union {
		struct ast_query *query;
		struct ast_insert *insert;
		struct ast_update *update;
		struct ast_delete *del;
		struct ast_create_table *create_table;
		struct ast_alter_table *alter;
		struct ast_create_index *create_index;
		struct ast_create_view *create_view;
		struct ast_objects *objects;  /* DROP, TRUNCATE, CREATE SCHEMA/DATABASE/EXTENSION */
		struct ast_txn *txn;          /* BEGIN .. ROLLBACK TO */
		struct ast_set *set;          /* SET, SET TRANSACTION */
		struct ast_show *show;
		struct ast_ident use;         /* USE db */
		struct ast_explain *explain;
		struct ast_cursor *cursor;    /* DECLARE, FETCH, MOVE, CLOSE */
	} u;
};

/* The statement's tag as PostgreSQL's CommandComplete names it ("SELECT", "CREATE TABLE", ...). */
const char *ast_stmt_tag(const struct ast_stmt *s);
/* How PostgreSQL labels a column that is a cast to `t` ("int4", "bpchar", ...); NULL when it uses the type's own name. */
const char *ast_type_label(enum rtype t);

#endif
