/*
 * config.h — server configuration: defaults, config file, command line.
 *
 * The config file holds `key = value` lines with the same keys as the
 * command-line flags (`pg-port = 5432`, `listen = 127.0.0.1`); '#' starts a
 * comment.  The command line overrides the file.  Port 0 turns a listener off.
 *
 * INTERFACE ROUTINES
 *   config_defaults   fill every field with its default
 *   config_set        set one key from its text value (file and flags share it)
 *   config_load_file  read a config file
 */
#ifndef ROSETTA_CORE_CONFIG_H
#define ROSETTA_CORE_CONFIG_H

#include <limits.h>
#include <stddef.h>

enum listener_kind {
	LISTEN_PG,
	LISTEN_MYSQL,
	LISTEN_TDS,
	LISTEN_DRDA,
	LISTEN_TNS,
	LISTEN_HTTPS,
	LISTEN_HTTP,
	LISTEN_UNIFIED,
	LISTEN__COUNT
};

struct config {
	char data_dir[PATH_MAX];
	char listen[64];
	int port[LISTEN__COUNT];
	int threads;               /* event loops; 0 = one per core */
	int workers;               /* executor threads running statements; 0 = max(64, 16 per loop) */
	int max_connections;
	int idle_timeout_s;        /* close connections idle this long; 0 = never */
	int auth_timeout_s;        /* close connections not authenticated within this */
	int unified_silence_ms;    /* silence on the unified port before assuming MySQL */
	int allow_cleartext;       /* dev only: cleartext passwords on unencrypted connections */
	int log_debug;
	char mysql_version[64];    /* the MySQL greeting's and @@version's server version */
	int mysql_auth_cache;      /* 0: every caching_sha2_password login does full authentication */
};

extern const char *const listener_names[LISTEN__COUNT]; /* "pg", "mysql", ... */

void config_defaults(struct config *c);
/* Returns 0, or -1 with a message in `why` (unknown key, bad value). */
int config_set(struct config *c, const char *key, const char *value, char *why, size_t whylen);
int config_load_file(struct config *c, const char *path, char *why, size_t whylen);

#endif
