/*
 * error.h — the canonical error object and its per-ecosystem maps.
 *
 * Every failure the engine reports carries an `enum errcode` (a row of
 * errcodes.def, hence a SQLSTATE) and a message in PostgreSQL's style.
 * Protocol handlers turn a struct rerr into their ecosystem's shape at the
 * edge: PostgreSQL's ErrorResponse fields, MySQL's errno + SQLSTATE, TDS
 * error numbers, ORA-nnnnn and so on — all read from the same row.
 *
 * INTERFACE ROUTINES
 *   rerr_set          fill an error (printf-style message)
 *   rerr_clear        reset to "no error"
 *   errcode_sqlstate / errcode_mysql / errcode_tds / errcode_ora / errcode_db2 / errcode_snowflake
 *   errcode_from_sqlstate   reverse lookup (INTERNAL when unknown)
 */
#ifndef ROSETTA_CORE_ERROR_H
#define ROSETTA_CORE_ERROR_H

enum errcode {
#define ERRCODE(name, sqlstate, my, tds, ora, db2, sf) ERR_##name,
#include "core/errcodes.def"
#undef ERRCODE
	ERR__COUNT
};

/* Severity as PostgreSQL names it; other ecosystems derive theirs. */
enum err_severity { SEV_ERROR, SEV_FATAL, SEV_WARNING, SEV_NOTICE };

#define RERR_MESSAGE_MAX 512
#define RERR_DETAIL_MAX 256

struct rerr {
	enum errcode code;
	enum err_severity severity;
	int position; /* 1-based character offset into the statement, 0 when unknown */
	char message[RERR_MESSAGE_MAX];
	char detail[RERR_DETAIL_MAX];
	char hint[RERR_DETAIL_MAX];
};

void rerr_clear(struct rerr *e);
/* Sets code, severity ERROR, message; clears detail, hint, position.  Returns -1 for `return rerr_set(...)`. */
int rerr_set(struct rerr *e, enum errcode code, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
void rerr_detail(struct rerr *e, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

const char *errcode_sqlstate(enum errcode c);
int errcode_mysql(enum errcode c);
int errcode_tds(enum errcode c);
int errcode_ora(enum errcode c);
int errcode_db2(enum errcode c);
int errcode_snowflake(enum errcode c);
const char *errcode_name(enum errcode c);
enum errcode errcode_from_sqlstate(const char *sqlstate);

#endif
