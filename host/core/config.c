/*
 * config.c — configuration keys, defaults and the config file (see config.h).
 */
#include "core/config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *const listener_names[LISTEN__COUNT] = {
	[LISTEN_PG] = "pg",     [LISTEN_MYSQL] = "mysql", [LISTEN_TDS] = "tds",
	[LISTEN_DRDA] = "drda", [LISTEN_TNS] = "tns",     [LISTEN_HTTPS] = "https",
	[LISTEN_HTTP] = "http", [LISTEN_UNIFIED] = "unified",
};

void config_defaults(struct config *c)
{
	memset(c, 0, sizeof(*c));
	strcpy(c->listen, "127.0.0.1");
	c->port[LISTEN_PG] = 5432;
	c->port[LISTEN_MYSQL] = 3306;
	c->port[LISTEN_TDS] = 1433;
	c->port[LISTEN_DRDA] = 50000;
	c->port[LISTEN_TNS] = 1521;
	c->port[LISTEN_HTTPS] = 443;
	c->port[LISTEN_HTTP] = 0;
	c->port[LISTEN_UNIFIED] = 6543;
	c->max_connections = 10000;
	c->idle_timeout_s = 0;
	c->auth_timeout_s = 60; /* PostgreSQL's authentication_timeout */
	c->unified_silence_ms = 300;
	strcpy(c->mysql_version, "8.0.40-rosetta");
	c->mysql_auth_cache = 1;
}

static int config_int(const char *v, int lo, int hi, int *out)
{
	char *end;
	errno = 0;
	long x = strtol(v, &end, 10);
	if (errno || end == v || *end || x < lo || x > hi)
		return -1;
	*out = (int)x;
	return 0;
}

int config_set(struct config *c, const char *key, const char *value, char *why, size_t whylen)
{
	for (int i = 0; i < LISTEN__COUNT; i++) {
		char name[32];
		snprintf(name, sizeof(name), "%s-port", listener_names[i]);
		if (strcmp(key, name) == 0) {
			if (config_int(value, 0, 65535, &c->port[i]) < 0)
				goto bad_value;
			return 0;
		}
	}
	if (!strcmp(key, "data")) {
		if (strlen(value) >= sizeof(c->data_dir))
			goto bad_value;
		strcpy(c->data_dir, value);
	} else if (!strcmp(key, "listen")) {
		if (strlen(value) >= sizeof(c->listen))
			goto bad_value;
		strcpy(c->listen, value);
	} else if (!strcmp(key, "threads")) {
		if (config_int(value, 0, 256, &c->threads) < 0)
			goto bad_value;
	} else if (!strcmp(key, "workers")) {
		if (config_int(value, 0, 4096, &c->workers) < 0)
			goto bad_value;
	} else if (!strcmp(key, "max-connections")) {
		if (config_int(value, 1, 1000000, &c->max_connections) < 0)
			goto bad_value;
	} else if (!strcmp(key, "idle-timeout")) {
		if (config_int(value, 0, 86400 * 365, &c->idle_timeout_s) < 0)
			goto bad_value;
	} else if (!strcmp(key, "auth-timeout")) {
		if (config_int(value, 1, 3600, &c->auth_timeout_s) < 0)
			goto bad_value;
	} else if (!strcmp(key, "unified-silence-ms")) {
		if (config_int(value, 10, 60000, &c->unified_silence_ms) < 0)
			goto bad_value;
	} else if (!strcmp(key, "allow-cleartext")) {
		if (config_int(value, 0, 1, &c->allow_cleartext) < 0)
			goto bad_value;
	} else if (!strcmp(key, "mysql-version")) {
		if (!*value || strlen(value) >= sizeof(c->mysql_version))
			goto bad_value;
		strcpy(c->mysql_version, value);
	} else if (!strcmp(key, "mysql-auth-cache")) {
		if (config_int(value, 0, 1, &c->mysql_auth_cache) < 0)
			goto bad_value;
	} else if (!strcmp(key, "log-debug")) {
		if (config_int(value, 0, 1, &c->log_debug) < 0)
			goto bad_value;
	} else {
		snprintf(why, whylen, "unknown setting \"%s\"", key);
		return -1;
	}
	return 0;
bad_value:
	snprintf(why, whylen, "invalid value \"%s\" for \"%s\"", value, key);
	return -1;
}

static char *config_trim(char *s)
{
	while (*s == ' ' || *s == '\t')
		s++;
	char *e = s + strlen(s);
	while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\n' || e[-1] == '\r'))
		*--e = 0;
	return s;
}

int config_load_file(struct config *c, const char *path, char *why, size_t whylen)
{
	FILE *f = fopen(path, "r");
	if (!f) {
		snprintf(why, whylen, "cannot open config file \"%s\": %s", path, strerror(errno));
		return -1;
	}
	char line[1024];
	int lineno = 0;
	while (fgets(line, sizeof(line), f)) {
		lineno++;
		char *hash = strchr(line, '#');
		if (hash)
			*hash = 0;
		char *s = config_trim(line);
		if (!*s)
			continue;
		char *eq = strchr(s, '=');
		if (!eq) {
			snprintf(why, whylen, "%s:%d: expected key = value", path, lineno);
			fclose(f);
			return -1;
		}
		*eq = 0;
		char inner[256];
		if (config_set(c, config_trim(s), config_trim(eq + 1), inner, sizeof(inner)) < 0) {
			snprintf(why, whylen, "%s:%d: %s", path, lineno, inner);
			fclose(f);
			return -1;
		}
	}
	fclose(f);
	return 0;
}
