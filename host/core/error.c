/*
 * error.c — canonical errors (see error.h); the maps are errcodes.def.
 */
#include "core/error.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

struct errcode_row {
	const char *name;
	const char *sqlstate;
	int mysql, tds, ora, db2, snowflake;
};

static const struct errcode_row errcode_rows[ERR__COUNT] = {
#define ERRCODE(name, sqlstate, my, tds, ora, db2, sf) {#name, sqlstate, my, tds, ora, db2, sf},
#include "core/errcodes.def"
#undef ERRCODE
};

static const struct errcode_row *errcode_row(enum errcode c)
{
	if ((unsigned)c >= ERR__COUNT)
		c = ERR_INTERNAL;
	return &errcode_rows[c];
}

void rerr_clear(struct rerr *e)
{
	memset(e, 0, sizeof(*e));
	e->code = ERR_SUCCESSFUL_COMPLETION;
}

int rerr_set(struct rerr *e, enum errcode code, const char *fmt, ...)
{
	rerr_clear(e);
	e->code = code;
	e->severity = SEV_ERROR;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(e->message, sizeof(e->message), fmt, ap);
	va_end(ap);
	return -1;
}

void rerr_detail(struct rerr *e, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(e->detail, sizeof(e->detail), fmt, ap);
	va_end(ap);
}

const char *errcode_sqlstate(enum errcode c) { return errcode_row(c)->sqlstate; }
int errcode_mysql(enum errcode c) { return errcode_row(c)->mysql ? errcode_row(c)->mysql : errcode_rows[ERR_INTERNAL].mysql; }
int errcode_tds(enum errcode c) { return errcode_row(c)->tds ? errcode_row(c)->tds : errcode_rows[ERR_INTERNAL].tds; }
int errcode_ora(enum errcode c) { return errcode_row(c)->ora ? errcode_row(c)->ora : errcode_rows[ERR_INTERNAL].ora; }
int errcode_db2(enum errcode c) { return errcode_row(c)->db2 ? errcode_row(c)->db2 : errcode_rows[ERR_INTERNAL].db2; }
int errcode_snowflake(enum errcode c) { return errcode_row(c)->snowflake ? errcode_row(c)->snowflake : errcode_rows[ERR_INTERNAL].snowflake; }
const char *errcode_name(enum errcode c) { return errcode_row(c)->name; }

enum errcode errcode_from_sqlstate(const char *sqlstate)
{
	for (int i = 0; i < ERR__COUNT; i++)
		if (strcmp(errcode_rows[i].sqlstate, sqlstate) == 0)
			return (enum errcode)i;
	return ERR_INTERNAL;
}
