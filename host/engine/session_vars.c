/*
 * session_vars.c — session variables: SET, SHOW, and the values drivers read.
 *
 * A variable SET in the session shadows its default; names are compared
 * case-insensitively (PostgreSQL folds them).  SET accepts any name, as a
 * driver setting an option the engine does not act on (extra_float_digits,
 * statement_timeout) must not fail; SHOW of a name that is neither set nor
 * known is 42704, as in PostgreSQL.  The isolation variables also steer
 * the session's transactions (session.c).
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "engine/session_int.h"

static const char *const session_var_defaults[][2] = {
	{"server_version", "15.0"},
	{"server_version_num", "150000"},
	{"server_encoding", "UTF8"},
	{"client_encoding", "UTF8"},
	{"datestyle", "ISO, MDY"},
	{"intervalstyle", "postgres"},
	{"timezone", "UTC"},
	{"integer_datetimes", "on"},
	{"standard_conforming_strings", "on"},
	{"transaction_isolation", "read committed"},
	{"default_transaction_isolation", "read committed"},
	{"transaction_read_only", "off"},
	{"default_transaction_read_only", "off"},
	{"search_path", "\"$user\", public"},
	{"max_identifier_length", "63"},
	{"application_name", ""},
	{"lc_collate", "C"},
	{"lc_ctype", "C"},
	{"is_superuser", "off"},
	{"extra_float_digits", "1"},
	{"bytea_output", "hex"},
	{"statement_timeout", "0"},
};

/* What MySQL drivers and ORMs read at connect (SELECT @@x, SHOW VARIABLES). */
static const char *const session_var_mysql_defaults[][2] = {
	{"version", "8.0.36-rosetta"},
	{"version_comment", "Rosetta"},
	{"version_compile_os", "Linux"},
	{"sql_mode", "ONLY_FULL_GROUP_BY,STRICT_TRANS_TABLES,NO_ZERO_IN_DATE,NO_ZERO_DATE,"
		     "ERROR_FOR_DIVISION_BY_ZERO,NO_ENGINE_SUBSTITUTION"},
	{"transaction_isolation", "READ-COMMITTED"},
	{"tx_isolation", "READ-COMMITTED"},
	{"transaction_read_only", "0"},
	{"tx_read_only", "0"},
	{"lower_case_table_names", "0"},
	{"max_allowed_packet", "67108864"},
	{"character_set_client", "utf8mb4"},
	{"character_set_connection", "utf8mb4"},
	{"character_set_results", "utf8mb4"},
	{"character_set_server", "utf8mb4"},
	{"character_set_database", "utf8mb4"},
	{"collation_connection", "utf8mb4_0900_ai_ci"},
	{"collation_server", "utf8mb4_0900_ai_ci"},
	{"collation_database", "utf8mb4_0900_ai_ci"},
	{"time_zone", "+00:00"},
	{"system_time_zone", "UTC"},
	{"autocommit", "1"},
	{"wait_timeout", "28800"},
	{"interactive_timeout", "28800"},
	{"net_write_timeout", "60"},
	{"auto_increment_increment", "1"},
	{"sql_select_limit", "18446744073709551615"},
	{"have_ssl", "YES"},
	{"performance_schema", "0"},
	{"license", "Apache-2.0"},
	{"init_connect", ""},
};

static int session_var_is_default(const struct session *s, const char *name)
{
	if (s->opts.dialect == DIALECT_MYSQL) {
		for (size_t i = 0; i < sizeof(session_var_mysql_defaults) / sizeof(session_var_mysql_defaults[0]); i++)
			if (!strcasecmp(session_var_mysql_defaults[i][0], name))
				return 1;
		return 0;
	}
	for (size_t i = 0; i < sizeof(session_var_defaults) / sizeof(session_var_defaults[0]); i++)
		if (!strcasecmp(session_var_defaults[i][0], name))
			return 1;
	return 0;
}

static enum ast_isolation session_var_isolation(const char *v)
{
	if (!strcasecmp(v, "serializable"))
		return ISO_SERIALIZABLE;
	if (!strcasecmp(v, "repeatable read") || !strcasecmp(v, "repeatable-read"))
		return ISO_REPEATABLE_READ;
	if (!strcasecmp(v, "read uncommitted") || !strcasecmp(v, "read-uncommitted"))
		return ISO_READ_UNCOMMITTED;
	return ISO_READ_COMMITTED;
}

int session_var_set(struct session *s, const char *name, const char *value, struct rerr *err)
{
	/* MySQL's SET @@session.x / @@x / SESSION x name the system variable x */
	if (name[0] == '@' && name[1] == '@') {
		name += 2;
		if (!strncasecmp(name, "session.", 8) || !strncasecmp(name, "local.", 6) || !strncasecmp(name, "global.", 7))
			name = strchr(name, '.') + 1;
	}
	if (!strcasecmp(name, "autocommit")) /* MySQL reads it back as 0 or 1, whatever was written */
		value = (!strcmp(value, "0") || !strcasecmp(value, "off") || !strcasecmp(value, "false")) ? "0" : "1";
	if (!strcasecmp(name, "default_transaction_isolation"))
		s->default_isolation = session_var_isolation(value);
	else if (!strcasecmp(name, "transaction_isolation"))
		s->next_isolation = session_var_isolation(value);
	for (struct session_var *v = s->vars; v; v = v->next)
		if (!strcasecmp(v->name, name)) {
			char *nv = strdup(value);
			if (!nv)
				return rerr_set(err, ERR_INTERNAL, "out of memory");
			free(v->value);
			v->value = nv;
			return 0;
		}
	struct session_var *v = calloc(1, sizeof(*v));
	if (!v || !(v->name = strdup(name)) || !(v->value = strdup(value))) {
		if (v)
			free(v->name);
		free(v);
		return rerr_set(err, ERR_INTERNAL, "out of memory");
	}
	for (char *p = v->name; *p; p++)
		if (*p >= 'A' && *p <= 'Z')
			*p = (char)(*p + 32);
	v->next = s->vars;
	s->vars = v;
	return 0;
}

const char *session_var_get(struct session *s, const char *name)
{
	if ((!strcasecmp(name, "transaction_isolation") || !strcasecmp(name, "tx_isolation")) && s->txn != TXN_IDLE) {
		static const char *const pg_levels[] = {"read committed", "read uncommitted", "read committed",
							"repeatable read", "serializable"};
		static const char *const my_levels[] = {"READ-COMMITTED", "READ-UNCOMMITTED", "READ-COMMITTED",
							"REPEATABLE-READ", "SERIALIZABLE"};
		return s->opts.dialect == DIALECT_MYSQL ? my_levels[s->isolation] : pg_levels[s->isolation];
	}
	for (struct session_var *v = s->vars; v; v = v->next)
		if (!strcasecmp(v->name, name))
			return v->value;
	if (s->opts.dialect == DIALECT_MYSQL) {
		for (size_t i = 0; i < sizeof(session_var_mysql_defaults) / sizeof(session_var_mysql_defaults[0]); i++)
			if (!strcasecmp(session_var_mysql_defaults[i][0], name))
				return session_var_mysql_defaults[i][1];
		return NULL;
	}
	for (size_t i = 0; i < sizeof(session_var_defaults) / sizeof(session_var_defaults[0]); i++)
		if (!strcasecmp(session_var_defaults[i][0], name))
			return session_var_defaults[i][1];
	if (!strcasecmp(name, "session_authorization"))
		return s->user;
	return NULL;
}

void session_vars_free(struct session *s)
{
	while (s->vars) {
		struct session_var *v = s->vars;
		s->vars = v->next;
		free(v->name);
		free(v->value);
		free(v);
	}
}

const char *session_get_var(struct session *s, const char *name)
{
	return session_var_get(s, name);
}

int session_set_var(struct session *s, const char *name, const char *value, struct rerr *err)
{
	return session_var_set(s, name, value, err);
}

const char *session_var_lookup(void *session, const char *name)
{
	return session_var_get(session, name);
}

/* Every variable the dialect knows (defaults and SETs), for SHOW VARIABLES: fn(name, value) per row. */
void session_var_each(struct session *s, void (*fn)(void *ctx, const char *name, const char *value), void *ctx)
{
	if (s->opts.dialect == DIALECT_MYSQL)
		for (size_t i = 0; i < sizeof(session_var_mysql_defaults) / sizeof(session_var_mysql_defaults[0]); i++)
			fn(ctx, session_var_mysql_defaults[i][0], session_var_get(s, session_var_mysql_defaults[i][0]));
	else
		for (size_t i = 0; i < sizeof(session_var_defaults) / sizeof(session_var_defaults[0]); i++)
			fn(ctx, session_var_defaults[i][0], session_var_get(s, session_var_defaults[i][0]));
	for (struct session_var *v = s->vars; v; v = v->next)
		if (v->name[0] != '@' && !session_var_is_default(s, v->name))
			fn(ctx, v->name, v->value);
}
