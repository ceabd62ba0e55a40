/*
 * slt_runner.c — runs sqllogictest files against an embedded session.
 *
 * Each file gets a fresh store in a temporary directory (database "demo")
 * and one session in the chosen dialect; its records run in order.  The
 * record format is SQLite's sqllogictest, with two additions that the
 * DuckDB and CockroachDB corpora use: results may be written one row per
 * line, and booleans print as the ecosystem's clients see them.  The
 * accepted format is documented in tests/slt/README.md; in short:
 *
 *   statement ok | statement error [SQLSTATE | mysql-errno | text]
 *   query <I|T|R...> [nosort|rowsort|valuesort] [label]  ...  ----  results
 *   hash-threshold N | halt | onlyif <dialect> | skipif <dialect> | # comment
 *
 * Output: for every failure "file:line: what", the SQL, expected and got;
 * per file "file: N passed, M failed, K skipped"; at the end the plain line
 * "N passed, M failed".  Exit status 0 when nothing failed, 1 when a record
 * failed, 2 on a usage or set-up error.
 *
 * INTERFACE (the command line)
 *   slt_runner --dialect pg|mysql [--verbose] FILE...
 *
 * Structure: slt_parse_* reads one record off a file's lines; slt_run_*
 * executes it through session_execute; slt_format_* turns one rvalue into
 * its printed form; slt_compare_* decides pass or fail.  Nothing here is
 * dialect-specific except the boolean rendering (slt_format_value) and the
 * onlyif/skipif names, which are sql_dialect_name()'s.
 */
#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <openssl/evp.h>
#include <regex.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/log.h"
#include "engine/session.h"
#include "engine/store.h"
#include "sql/dialect.h"

#define SLT_MAX_SHOWN 40 /* values printed per side of a failed comparison */

/* ---- small growable containers ---------------------------------------- */

struct strvec {
	char **v;
	size_t n, cap;
};

static void strvec_push(struct strvec *sv, char *s)
{
	if (sv->n == sv->cap) {
		size_t cap = sv->cap ? sv->cap * 2 : 16;
		char **v = realloc(sv->v, cap * sizeof(*v));
		if (!v) {
			fprintf(stderr, "slt_runner: out of memory\n");
			exit(2);
		}
		sv->v = v;
		sv->cap = cap;
	}
	sv->v[sv->n++] = s;
}

static void strvec_free(struct strvec *sv)
{
	for (size_t i = 0; i < sv->n; i++)
		free(sv->v[i]);
	free(sv->v);
	memset(sv, 0, sizeof(*sv));
}

static char *xstrdup(const char *s)
{
	char *d = strdup(s);
	if (!d) {
		fprintf(stderr, "slt_runner: out of memory\n");
		exit(2);
	}
	return d;
}

static char *xstrndup(const char *s, size_t n)
{
	char *d = malloc(n + 1);
	if (!d) {
		fprintf(stderr, "slt_runner: out of memory\n");
		exit(2);
	}
	memcpy(d, s, n);
	d[n] = 0;
	return d;
}

/* ---- the file as lines --------------------------------------------------- */

struct slt_file {
	const char *path;
	struct strvec lines; /* without their '\n' (and '\r') */
	size_t pos;          /* next line to read, 0-based */
};

static int slt_file_load(struct slt_file *f, const char *path)
{
	memset(f, 0, sizeof(*f));
	f->path = path;
	FILE *fp = fopen(path, "r");
	if (!fp)
		return -1;
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	while ((n = getline(&line, &cap, fp)) >= 0) {
		while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
			line[--n] = 0;
		strvec_push(&f->lines, xstrdup(line));
	}
	free(line);
	fclose(fp);
	return 0;
}

static int slt_blank(const char *s)
{
	while (*s == ' ' || *s == '\t')
		s++;
	return *s == 0;
}

/* ---- records --------------------------------------------------------------- */

enum slt_kind { SLT_STATEMENT_OK, SLT_STATEMENT_ERROR, SLT_QUERY, SLT_HASH_THRESHOLD, SLT_HALT, SLT_UNKNOWN };
enum slt_sort { SORT_NONE, SORT_ROW, SORT_VALUE };

struct slt_record {
	enum slt_kind kind;
	size_t line;        /* 1-based line of the record's header */
	int skip;           /* an onlyif/skipif excluded it */
	char *error_match;  /* statement error: expected SQLSTATE / errno / text, or NULL */
	char *types;        /* query: one letter per column */
	enum slt_sort sort;
	char *label;        /* query: optional label */
	int has_results;    /* query: a "----" line was present */
	long threshold;     /* hash-threshold */
	char *sql;          /* lines joined with '\n' */
	struct strvec expected;
	char *header;       /* the header line as written (for messages) */
};

static void slt_record_free(struct slt_record *r)
{
	free(r->error_match);
	free(r->types);
	free(r->label);
	free(r->sql);
	free(r->header);
	strvec_free(&r->expected);
	memset(r, 0, sizeof(*r));
}

/* Split a header into at most `max` space-separated words, in place. */
static int slt_words(char *s, char **w, int max)
{
	int n = 0;
	while (*s && n < max) {
		while (*s == ' ' || *s == '\t')
			s++;
		if (!*s)
			break;
		w[n++] = s;
		while (*s && *s != ' ' && *s != '\t')
			s++;
		if (*s)
			*s++ = 0;
	}
	return n;
}

/* Read lines up to a blank line (or `stop`, if non-NULL) into one '\n'-joined text. */
static char *slt_parse_block(struct slt_file *f, const char *stop, int *stopped)
{
	size_t len = 0;
	char *out = xstrdup("");
	if (stopped)
		*stopped = 0;
	while (f->pos < f->lines.n) {
		const char *l = f->lines.v[f->pos];
		if (slt_blank(l))
			break;
		if (stop && strcmp(l, stop) == 0) {
			f->pos++;
			*stopped = 1;
			break;
		}
		size_t ln = strlen(l);
		char *grown = realloc(out, len + ln + 2);
		if (!grown) {
			fprintf(stderr, "slt_runner: out of memory\n");
			exit(2);
		}
		out = grown;
		if (len)
			out[len++] = '\n';
		memcpy(out + len, l, ln + 1);
		len += ln;
		f->pos++;
	}
	return out;
}

/*
 * Read the next record.  Conditions (onlyif/skipif) and comments before it
 * are consumed; `dialect` decides whether the conditions skip it.
 * Returns 1 with *r filled, 0 at end of file.
 */
static int slt_parse_record(struct slt_file *f, const char *dialect, struct slt_record *r)
{
	memset(r, 0, sizeof(*r));
	for (;;) {
		if (f->pos >= f->lines.n)
			return 0;
		const char *l = f->lines.v[f->pos];
		if (slt_blank(l) || l[0] == '#') {
			f->pos++;
			continue;
		}
		char buf[256], *w[3] = {0};
		snprintf(buf, sizeof(buf), "%s", l);
		int n = slt_words(buf, w, 3);
		if (n >= 2 && (!strcmp(w[0], "onlyif") || !strcmp(w[0], "skipif"))) {
			int match = strcmp(w[1], dialect) == 0;
			if (w[0][0] == 'o' ? !match : match)
				r->skip = 1;
			f->pos++;
			continue;
		}
		break;
	}

	r->line = f->pos + 1;
	r->header = xstrdup(f->lines.v[f->pos]);
	char *hdr = xstrdup(r->header), *w[8] = {0};
	int n = slt_words(hdr, w, 8);
	f->pos++;

	if (!strcmp(w[0], "statement") && n >= 2 && !strcmp(w[1], "ok")) {
		r->kind = SLT_STATEMENT_OK;
		r->sql = slt_parse_block(f, NULL, NULL);
	} else if (!strcmp(w[0], "statement") && n >= 2 && !strcmp(w[1], "error")) {
		r->kind = SLT_STATEMENT_ERROR;
		/* the rest of the header after "error", as written (may hold spaces) */
		const char *rest = strstr(r->header, "error") + 5;
		while (*rest == ' ' || *rest == '\t')
			rest++;
		if (*rest)
			r->error_match = xstrdup(rest);
		r->sql = slt_parse_block(f, NULL, NULL);
	} else if (!strcmp(w[0], "query") && n >= 2) {
		r->kind = SLT_QUERY;
		r->types = xstrdup(w[1]);
		r->sort = SORT_NONE;
		int next = 2;
		if (n > 2) {
			if (!strcmp(w[2], "nosort")) {
				next = 3;
			} else if (!strcmp(w[2], "rowsort")) {
				r->sort = SORT_ROW;
				next = 3;
			} else if (!strcmp(w[2], "valuesort")) {
				r->sort = SORT_VALUE;
				next = 3;
			}
		}
		if (n > next)
			r->label = xstrdup(w[next]);
		r->sql = slt_parse_block(f, "----", &r->has_results);
		if (r->has_results) {
			while (f->pos < f->lines.n && !slt_blank(f->lines.v[f->pos]))
				strvec_push(&r->expected, xstrdup(f->lines.v[f->pos++]));
		}
	} else if (!strcmp(w[0], "hash-threshold") && n >= 2) {
		r->kind = SLT_HASH_THRESHOLD;
		r->threshold = strtol(w[1], NULL, 10);
	} else if (!strcmp(w[0], "halt")) {
		r->kind = SLT_HALT;
	} else {
		r->kind = SLT_UNKNOWN;
		free(slt_parse_block(f, NULL, NULL)); /* skip its body */
	}
	free(hdr);
	return 1;
}

/* ---- executing ------------------------------------------------------------- */

struct slt_result {
	const char *types;     /* the query's type letters */
	int is_pg;             /* booleans print true/false (pg) or 1/0 (mysql) */
	int ncols;             /* -1 until the columns callback */
	int nrows;
	int col_types_cap;
	enum rtype *col_types;
	struct strvec values;  /* printed values, row-major */
};

static void slt_printable(char *s)
{
	/* as sqllogictest does: control characters print as '@' */
	for (; *s; s++)
		if ((unsigned char)*s < ' ')
			*s = '@';
}

/*
 * The printed form of one value of a column whose letter is `t` (I, T, R)
 * and whose engine type is `rt`.  Returns a malloc'd string.
 *
 *   NULL -> "NULL"; empty text -> "(empty)".
 *   I: integers as %lld; a float prints as %.3f (so a float where an
 *      integer was expected shows, rather than being truncated away);
 *      text as written (numeric results may arrive as text).
 *   R: any number, or text that reads fully as one, as %.3f.
 *   T: text as is; integers as %lld; floats as %.15g.
 *   A boolean column (RT_BOOL) holding an integer prints true/false in pg
 *   and 1/0 in mysql, what each ecosystem's clients receive.
 */
static char *slt_format_value(char t, enum rtype rt, int is_pg, const struct rvalue *v)
{
	char buf[64];
	switch (v->kind) {
	case RV_NULL:
		return xstrdup("NULL");
	case RV_INT:
		if (rt == RT_BOOL && is_pg)
			return xstrdup(v->i ? "true" : "false");
		if (t == 'R')
			snprintf(buf, sizeof(buf), "%.3f", (double)v->i);
		else
			snprintf(buf, sizeof(buf), "%" PRId64, v->i);
		return xstrdup(buf);
	case RV_FLOAT:
		if (t == 'T')
			snprintf(buf, sizeof(buf), "%.15g", v->f);
		else
			snprintf(buf, sizeof(buf), "%.3f", v->f);
		return xstrdup(buf);
	case RV_TEXT:
	case RV_BLOB:
	default: {
		if (v->n == 0)
			return xstrdup("(empty)");
		char *s = xstrndup((const char *)v->p, v->n);
		if (t == 'R') {
			char *end;
			errno = 0;
			double d = strtod(s, &end);
			if (end != s && *end == 0 && errno == 0) {
				snprintf(buf, sizeof(buf), "%.3f", d);
				free(s);
				return xstrdup(buf);
			}
		}
		if (rt == RT_BOOL && !is_pg && (!strcmp(s, "t") || !strcmp(s, "true") ||
						 !strcmp(s, "f") || !strcmp(s, "false"))) {
			int b = s[0] == 't';
			free(s);
			return xstrdup(b ? "1" : "0");
		}
		slt_printable(s);
		return s;
	}
	}
}

static int slt_on_columns(void *ctx, int n, const struct column_desc *cols)
{
	struct slt_result *r = ctx;
	r->ncols = n;
	if (n > r->col_types_cap) {
		enum rtype *ct = realloc(r->col_types, (size_t)n * sizeof(*ct));
		if (!ct)
			return -1;
		r->col_types = ct;
		r->col_types_cap = n;
	}
	for (int i = 0; i < n; i++)
		r->col_types[i] = cols[i].type;
	return 0;
}

static int slt_on_row(void *ctx, int n, const struct rvalue *vals)
{
	struct slt_result *r = ctx;
	size_t nt = r->types ? strlen(r->types) : 0;
	for (int i = 0; i < n; i++) {
		char t = (size_t)i < nt ? r->types[i] : 'T';
		enum rtype rt = i < r->ncols && r->col_types ? r->col_types[i] : RT_UNKNOWN;
		strvec_push(&r->values, slt_format_value(t, rt, r->is_pg, &vals[i]));
	}
	r->nrows++;
	return 0;
}

static void slt_on_notice(void *ctx, const struct rerr *notice)
{
	(void)ctx;
	(void)notice;
}

/*
 * Run every statement of `sql` in order; stop at the first error.
 * Returns 0, or -1 with *err filled.  Rows of every statement go to `res`.
 */
static int slt_run_sql(struct session *s, const char *sql, struct slt_result *res, struct rerr *err)
{
	struct result_sink sink = {res, slt_on_columns, slt_on_row, slt_on_notice};
	size_t len = strlen(sql), off = 0;
	while (off < len) {
		struct stmt_result sr;
		size_t used = 0;
		if (session_execute(s, sql + off, len - off, &used, &sink, &sr, err) < 0)
			return -1;
		if (used == 0)
			break;
		off += used;
	}
	return 0;
}

/* ---- comparing --------------------------------------------------------------- */

static int slt_cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static size_t slt_sort_ncols;

static int slt_cmp_row(const void *a, const void *b)
{
	char *const *ra = *(char **const *)a, *const *rb = *(char **const *)b;
	for (size_t i = 0; i < slt_sort_ncols; i++) {
		int c = strcmp(ra[i], rb[i]);
		if (c)
			return c;
	}
	return 0;
}

/* Sort values in place: rows by their printed values, column by column (rowsort), or all values. */
static void slt_sort(struct strvec *vals, size_t ncols, enum slt_sort sort)
{
	if (sort == SORT_VALUE) {
		qsort(vals->v, vals->n, sizeof(char *), slt_cmp_str);
	} else if (sort == SORT_ROW && ncols > 0 && vals->n > 0) {
		size_t nrows = vals->n / ncols;
		char ***rows = malloc(nrows * sizeof(*rows));
		char **copy = malloc(vals->n * sizeof(*copy));
		if (!rows || !copy) {
			fprintf(stderr, "slt_runner: out of memory\n");
			exit(2);
		}
		for (size_t i = 0; i < nrows; i++)
			rows[i] = vals->v + i * ncols;
		slt_sort_ncols = ncols;
		qsort(rows, nrows, sizeof(*rows), slt_cmp_row);
		for (size_t i = 0; i < nrows; i++)
			memcpy(copy + i * ncols, rows[i], ncols * sizeof(char *));
		memcpy(vals->v, copy, vals->n * sizeof(char *));
		free(rows);
		free(copy);
	}
}

/* sqllogictest's hash: MD5 over every value followed by "\n", as lowercase hex. */
static void slt_md5(const struct strvec *vals, char out[33])
{
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;
	EVP_DigestInit_ex(ctx, EVP_md5(), NULL);
	for (size_t i = 0; i < vals->n; i++) {
		EVP_DigestUpdate(ctx, vals->v[i], strlen(vals->v[i]));
		EVP_DigestUpdate(ctx, "\n", 1);
	}
	EVP_DigestFinal_ex(ctx, md, &mdlen);
	EVP_MD_CTX_free(ctx);
	for (unsigned int i = 0; i < 16; i++)
		snprintf(out + 2 * i, 3, "%02x", md[i]);
}

/* "N values hashing to <32 hex>": returns 1 and fills n / hash. */
static int slt_parse_hash_line(const char *l, long *n, char hash[33])
{
	char h[64];
	if (sscanf(l, "%ld values hashing to %63s", n, h) != 2 || strlen(h) != 32)
		return 0;
	for (int i = 0; i < 32; i++) {
		char c = h[i];
		if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')))
			return 0;
	}
	memcpy(hash, h, 33);
	return 1;
}

/*
 * Compare printed results with the expected lines.  Accepted layouts:
 *   one value per line (lines == values), one row per line with values
 *   separated by single spaces (lines == rows, more than one column), or a
 *   single "N values hashing to H" line.
 */
static int slt_compare(const struct slt_record *r, const struct strvec *got, int ncols, int nrows,
		       const char *got_hash)
{
	const struct strvec *ex = &r->expected;
	long hn;
	char hh[33];
	if (ex->n == 1 && slt_parse_hash_line(ex->v[0], &hn, hh))
		return hn == (long)got->n && strcmp(hh, got_hash) == 0;
	if (ex->n == got->n) {
		for (size_t i = 0; i < ex->n; i++)
			if (strcmp(ex->v[i], got->v[i]) != 0)
				return 0;
		return 1;
	}
	if (ncols > 1 && ex->n == (size_t)nrows) {
		for (int i = 0; i < nrows; i++) {
			const char *l = ex->v[i];
			for (int c = 0; c < ncols; c++) {
				const char *v = got->v[(size_t)i * (size_t)ncols + (size_t)c];
				size_t vn = strlen(v);
				if (strncmp(l, v, vn) != 0)
					return 0;
				l += vn;
				if (c < ncols - 1) {
					if (*l != ' ')
						return 0;
					l++;
				}
			}
			if (*l)
				return 0;
		}
		return 1;
	}
	return 0;
}

/* Does the error match the expectation written after "statement error"? */
static int slt_error_matches(const char *want, const struct rerr *err)
{
	if (!want)
		return 1;
	size_t n = strlen(want);
	const char *state = errcode_sqlstate(err->code);
	if (n == 5 && strspn(want, "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ") == 5)
		return strcmp(want, state) == 0;
	if (n >= 1 && n <= 4 && strspn(want, "0123456789") == n)
		return atoi(want) == errcode_mysql(err->code);
	if (strstr(err->message, want))
		return 1;
	regex_t re;
	if (regcomp(&re, want, REG_EXTENDED | REG_NOSUB) == 0) {
		int m = regexec(&re, err->message, 0, NULL, 0) == 0;
		regfree(&re);
		return m;
	}
	return 0;
}

/* ---- one file ---------------------------------------------------------------- */

struct slt_label {
	char *name;
	char hash[33];
	long n;
};

struct slt_ctx {
	const char *dialect;
	int is_pg;
	int verbose;
	long passed, failed, skipped;
	long threshold;
	struct slt_label *labels;
	size_t nlabels;
};

static void slt_fail_header(const struct slt_file *f, const struct slt_record *r, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void slt_fail_header(const struct slt_file *f, const struct slt_record *r, const char *fmt, ...)
{
	va_list ap;
	printf("%s:%zu: FAIL [%s] ", f->path, r->line, r->header);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n    sql:\n");
	const char *p = r->sql ? r->sql : "";
	while (*p) {
		const char *e = strchr(p, '\n');
		size_t n = e ? (size_t)(e - p) : strlen(p);
		printf("      %.*s\n", (int)n, p);
		p += n + (e ? 1 : 0);
	}
}

/* Print a result: as its hash when `hashed`, else up to SLT_MAX_SHOWN values. */
static void slt_print_values(const char *title, const struct strvec *v, int hashed, const char *hash)
{
	printf("    %s (%zu values):\n", title, v->n);
	if (hashed) {
		printf("      %zu values hashing to %s\n", v->n, hash);
		return;
	}
	for (size_t i = 0; i < v->n && i < SLT_MAX_SHOWN; i++)
		printf("      %s\n", v->v[i]);
	if (v->n > SLT_MAX_SHOWN)
		printf("      ... (%zu more)\n", v->n - SLT_MAX_SHOWN);
}

static void slt_run_query(struct slt_ctx *c, const struct slt_file *f, struct slt_record *r, struct session *s)
{
	struct slt_result res = {.types = r->types, .is_pg = c->is_pg, .ncols = -1};
	struct rerr err;
	int ok = 1;

	if (slt_run_sql(s, r->sql, &res, &err) < 0) {
		slt_fail_header(f, r, "query failed");
		printf("    error: %s %s\n", errcode_sqlstate(err.code), err.message);
		ok = 0;
		goto done;
	}
	int want_cols = (int)strlen(r->types);
	if (res.ncols != want_cols) {
		slt_fail_header(f, r, "wrong column count: expected %d, got %d", want_cols, res.ncols < 0 ? 0 : res.ncols);
		ok = 0;
		goto done;
	}
	for (int i = 0; i < want_cols; i++) {
		char t = r->types[i];
		if (t != 'I' && t != 'T' && t != 'R') {
			slt_fail_header(f, r, "unknown column type letter '%c' (use I, T or R)", t);
			ok = 0;
			goto done;
		}
	}
	slt_sort(&res.values, (size_t)res.ncols, r->sort);
	char hash[33];
	slt_md5(&res.values, hash);

	if (r->label) {
		struct slt_label *lb = NULL;
		for (size_t i = 0; i < c->nlabels; i++)
			if (!strcmp(c->labels[i].name, r->label))
				lb = &c->labels[i];
		if (lb && (lb->n != (long)res.values.n || strcmp(lb->hash, hash) != 0)) {
			slt_fail_header(f, r, "result differs from an earlier query labelled %s", r->label);
			printf("    earlier: %ld values hashing to %s\n    got:     %zu values hashing to %s\n",
			       lb->n, lb->hash, res.values.n, hash);
			ok = 0;
			goto done;
		}
		if (!lb) {
			struct slt_label *grown = realloc(c->labels, (c->nlabels + 1) * sizeof(*grown));
			if (!grown) {
				fprintf(stderr, "slt_runner: out of memory\n");
				exit(2);
			}
			c->labels = grown;
			c->labels[c->nlabels].name = xstrdup(r->label);
			memcpy(c->labels[c->nlabels].hash, hash, 33);
			c->labels[c->nlabels].n = (long)res.values.n;
			c->nlabels++;
		}
	}
	if (r->has_results && !slt_compare(r, &res.values, res.ncols, res.nrows, hash)) {
		slt_fail_header(f, r, "wrong result");
		printf("    expected (%zu lines):\n", r->expected.n);
		for (size_t i = 0; i < r->expected.n && i < SLT_MAX_SHOWN; i++)
			printf("      %s\n", r->expected.v[i]);
		if (r->expected.n > SLT_MAX_SHOWN)
			printf("      ... (%zu more)\n", r->expected.n - SLT_MAX_SHOWN);
		long hn;
		char hh[33];
		int hashed = (c->threshold > 0 && res.values.n > (size_t)c->threshold) ||
			     (r->expected.n == 1 && slt_parse_hash_line(r->expected.v[0], &hn, hh));
		slt_print_values("got", &res.values, hashed, hash);
		ok = 0;
	}
done:
	if (ok)
		c->passed++;
	else
		c->failed++;
	strvec_free(&res.values);
	free(res.col_types);
}

static void slt_run_statement(struct slt_ctx *c, const struct slt_file *f, struct slt_record *r, struct session *s)
{
	struct slt_result res = {.types = NULL, .is_pg = c->is_pg, .ncols = -1};
	struct rerr err;
	int rc = slt_run_sql(s, r->sql, &res, &err);
	int ok;
	if (r->kind == SLT_STATEMENT_OK) {
		ok = rc == 0;
		if (!ok) {
			slt_fail_header(f, r, "statement failed");
			printf("    error: %s %s\n", errcode_sqlstate(err.code), err.message);
		}
	} else if (rc == 0) {
		ok = 0;
		slt_fail_header(f, r, "statement succeeded, an error was expected");
	} else {
		ok = slt_error_matches(r->error_match, &err);
		if (!ok) {
			slt_fail_header(f, r, "wrong error");
			printf("    expected: %s\n    got:      %s (mysql %d) %s\n", r->error_match,
			       errcode_sqlstate(err.code), errcode_mysql(err.code), err.message);
		}
	}
	if (ok)
		c->passed++;
	else
		c->failed++;
	strvec_free(&res.values);
	free(res.col_types);
}

/* Remove the store's files and its directory (one level: the store makes no subdirectories). */
static void slt_remove_dir(const char *dir)
{
	DIR *d = opendir(dir);
	if (d) {
		struct dirent *e;
		char path[4096];
		while ((e = readdir(d)) != NULL) {
			if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
				continue;
			snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
			unlink(path);
		}
		closedir(d);
	}
	rmdir(dir);
}

/* Run one file; adds to the totals.  Returns -1 when the file could not be set up. */
static int slt_run_file(const char *path, enum sql_dialect dialect, int verbose, long *tot_pass, long *tot_fail)
{
	struct slt_file f;
	if (slt_file_load(&f, path) < 0) {
		fprintf(stderr, "slt_runner: %s: %s\n", path, strerror(errno));
		return -1;
	}
	const char *tmp = getenv("TMPDIR");
	char dir[4096];
	snprintf(dir, sizeof(dir), "%s/rosetta-slt-XXXXXX", tmp && *tmp ? tmp : "/tmp");
	if (!mkdtemp(dir)) {
		fprintf(stderr, "slt_runner: mkdtemp %s: %s\n", dir, strerror(errno));
		strvec_free(&f.lines);
		return -1;
	}
	struct rerr err;
	struct store *store = store_open_sqlite(dir, &err);
	struct session *s = NULL;
	struct session_opts opts = {.dialect = dialect, .abort_txn_on_error = dialect == DIALECT_PG};
	if (!store || store_create_database(store, "demo", &err) < 0 ||
	    session_open(store, "demo", "demo", &opts, &s, &err) < 0) {
		fprintf(stderr, "slt_runner: %s: cannot set up a store: %s\n", path, err.message);
		if (store)
			store_close(store);
		slt_remove_dir(dir);
		strvec_free(&f.lines);
		return -1;
	}

	struct slt_ctx c = {.dialect = sql_dialect_name(dialect), .is_pg = dialect == DIALECT_PG, .verbose = verbose};
	struct slt_record r;
	while (slt_parse_record(&f, c.dialect, &r)) {
		if (r.skip) {
			if (r.kind == SLT_STATEMENT_OK || r.kind == SLT_STATEMENT_ERROR || r.kind == SLT_QUERY)
				c.skipped++;
			slt_record_free(&r);
			continue;
		}
		if (verbose && r.kind != SLT_HASH_THRESHOLD)
			printf("%s:%zu: %s\n", path, r.line, r.header);
		int halt = 0;
		switch (r.kind) {
		case SLT_STATEMENT_OK:
		case SLT_STATEMENT_ERROR:
			slt_run_statement(&c, &f, &r, s);
			break;
		case SLT_QUERY:
			slt_run_query(&c, &f, &r, s);
			break;
		case SLT_HASH_THRESHOLD:
			c.threshold = r.threshold;
			break;
		case SLT_HALT:
			halt = 1;
			break;
		case SLT_UNKNOWN:
			slt_fail_header(&f, &r, "unknown record type");
			c.failed++;
			break;
		}
		slt_record_free(&r);
		if (halt)
			break;
	}
	printf("%s: %ld passed, %ld failed, %ld skipped\n", path, c.passed, c.failed, c.skipped);
	fflush(stdout);
	*tot_pass += c.passed;
	*tot_fail += c.failed;

	for (size_t i = 0; i < c.nlabels; i++)
		free(c.labels[i].name);
	free(c.labels);
	session_close(s);
	store_close(store);
	slt_remove_dir(dir);
	strvec_free(&f.lines);
	return 0;
}

static void slt_usage(void)
{
	fprintf(stderr, "usage: slt_runner --dialect pg|mysql [--verbose] FILE...\n");
}

int main(int argc, char **argv)
{
	int dialect = -1, verbose = 0, nfiles = 0;
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--dialect") && i + 1 < argc) {
			const char *name = argv[++i];
			for (int d = 0; d < DIALECT__COUNT; d++)
				if (!strcmp(name, sql_dialect_name((enum sql_dialect)d)))
					dialect = d;
			if (dialect != DIALECT_PG && dialect != DIALECT_MYSQL) {
				fprintf(stderr, "slt_runner: unsupported dialect \"%s\"\n", name);
				return 2;
			}
		} else if (!strcmp(argv[i], "--verbose") || !strcmp(argv[i], "-v")) {
			verbose = 1;
		} else if (argv[i][0] == '-') {
			slt_usage();
			return 2;
		} else {
			nfiles++;
		}
	}
	if (dialect < 0 || nfiles == 0) {
		slt_usage();
		return 2;
	}
	log_set_level(verbose ? LOG_INFO : LOG_WARN); /* the store's per-file "store_open" lines are noise */
	long passed = 0, failed = 0;
	int setup_failed = 0;
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--dialect")) {
			i++;
			continue;
		}
		if (argv[i][0] == '-')
			continue;
		if (slt_run_file(argv[i], (enum sql_dialect)dialect, verbose, &passed, &failed) < 0)
			setup_failed = 1;
	}
	printf("%ld passed, %ld failed\n", passed, failed);
	if (failed)
		return 1;
	return setup_failed ? 2 : 0;
}
