/*
 * main.c — rosettad: `init` a data directory, or `serve` it.
 *
 *   rosettad init  --data DIR [--user NAME --password PW] [--database NAME]
 *   rosettad serve --data DIR [--config FILE] [--listen ADDR] [--pg-port N] [--mysql-port N]
 *                  [--tds-port N] [--drda-port N] [--tns-port N] [--https-port N]
 *                  [--http-port N] [--unified-port N] [--threads N] [--log-debug 1] ...
 *
 * Every `--key value` of serve is a config key (core/config.h), so a config
 * file offers the same settings; the command line wins over the file.
 *
 * A data directory holds:
 *   DIR/db/<database>.db     the embedded store (SQLite, WAL)
 *   DIR/users                user names and password verifiers (auth/userstore.h)
 *   DIR/server.crt, .key     the TLS certificate and key (self-signed at init)
 */
#include <arpa/inet.h>
#include <errno.h>
#include <limits.h>
#include <openssl/rand.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "auth/hba.h"
#include "auth/userstore.h"
#include "core/config.h"
#include "core/log.h"
#include "engine/store.h"
#include "net/server.h"
#include "net/tls.h"

static void usage(FILE *f)
{
	fprintf(f,
		"usage: rosettad init  --data DIR [--user NAME --password PW] [--database NAME]\n"
		"       rosettad serve --data DIR [--config FILE] [--listen ADDR] [--<listener>-port N] ...\n"
		"listeners: pg mysql tds drda tns https http unified (port 0 turns one off)\n");
}

static int path_join(char *out, size_t cap, const char *dir, const char *name)
{
	int n = snprintf(out, cap, "%s/%s", dir, name);
	return (n < 0 || (size_t)n >= cap) ? -1 : 0;
}

static int cmd_init(int argc, char **argv)
{
	const char *data = NULL, *user = NULL, *password = NULL, *database = "demo";
	for (int i = 2; i < argc; i++) {
		if (i + 1 >= argc) {
			usage(stderr);
			return 2;
		}
		if (!strcmp(argv[i], "--data"))
			data = argv[++i];
		else if (!strcmp(argv[i], "--user"))
			user = argv[++i];
		else if (!strcmp(argv[i], "--password"))
			password = argv[++i];
		else if (!strcmp(argv[i], "--database"))
			database = argv[++i];
		else {
			usage(stderr);
			return 2;
		}
	}
	if (!data || (!user) != (!password)) {
		usage(stderr);
		return 2;
	}
	if (mkdir(data, 0700) < 0 && errno != EEXIST) {
		fprintf(stderr, "rosettad: cannot create %s: %s\n", data, strerror(errno));
		return 1;
	}
	char path[PATH_MAX], key[PATH_MAX];
	struct rerr err;
	path_join(path, sizeof(path), data, "db");
	struct store *store = store_open_sqlite(path, &err);
	if (!store) {
		fprintf(stderr, "rosettad: %s\n", err.message);
		return 1;
	}
	if (!store_database_exists(store, database) && store_create_database(store, database, &err) < 0) {
		fprintf(stderr, "rosettad: %s\n", err.message);
		store_close(store);
		return 1;
	}
	store_close(store);

	path_join(path, sizeof(path), data, "users");
	struct userstore *us;
	if (userstore_load(path, &us) < 0) {
		fprintf(stderr, "rosettad: malformed user file %s\n", path);
		return 1;
	}
	if (user && userstore_set_password(us, path, user, password) < 0) {
		fprintf(stderr, "rosettad: cannot set the password of \"%s\"\n", user);
		userstore_free(us);
		return 1;
	}
	userstore_free(us);

	path_join(path, sizeof(path), data, "server.crt");
	path_join(key, sizeof(key), data, "server.key");
	if (access(path, F_OK) != 0 && tls_make_self_signed(path, key, "rosetta") < 0) {
		fprintf(stderr, "rosettad: cannot create a TLS certificate in %s\n", data);
		return 1;
	}
	printf("initialised %s (database \"%s\"%s%s)\n", data, database, user ? ", user " : "", user ? user : "");
	return 0;
}

static int is_loopback(const char *addr)
{
	struct in_addr a4;
	struct in6_addr a6;
	if (!strcmp(addr, "localhost"))
		return 1;
	if (inet_pton(AF_INET, addr, &a4) == 1)
		return (ntohl(a4.s_addr) >> 24) == 127;
	if (inet_pton(AF_INET6, addr, &a6) == 1)
		return IN6_IS_ADDR_LOOPBACK(&a6);
	return 0;
}

static void on_signal(int sig)
{
	(void)sig;
	server_stop();
}

static int cmd_serve(int argc, char **argv)
{
	struct config cfg;
	char why[512];
	config_defaults(&cfg);
	for (int i = 2; i + 1 < argc; i += 2) /* the config file first, so flags override it */
		if (!strcmp(argv[i], "--config") && config_load_file(&cfg, argv[i + 1], why, sizeof(why)) < 0) {
			fprintf(stderr, "rosettad: %s\n", why);
			return 2;
		}
	for (int i = 2; i < argc; i += 2) {
		if (strncmp(argv[i], "--", 2) != 0 || i + 1 >= argc) {
			usage(stderr);
			return 2;
		}
		if (!strcmp(argv[i], "--config"))
			continue;
		if (config_set(&cfg, argv[i] + 2, argv[i + 1], why, sizeof(why)) < 0) {
			fprintf(stderr, "rosettad: %s\n", why);
			return 2;
		}
	}
	if (!cfg.data_dir[0]) {
		usage(stderr);
		return 2;
	}
	if (cfg.log_debug)
		log_set_level(LOG_DEBUG);

	char path[PATH_MAX], key[PATH_MAX];
	struct rerr err;
	struct server_env env;
	memset(&env, 0, sizeof(env));
	env.cfg = &cfg;

	path_join(path, sizeof(path), cfg.data_dir, "users");
	if (access(path, F_OK) != 0) {
		fprintf(stderr, "rosettad: %s is not a data directory (run: rosettad init --data %s --user NAME --password PW)\n",
			cfg.data_dir, cfg.data_dir);
		return 1;
	}
	if (userstore_load(path, &env.users) < 0) {
		fprintf(stderr, "rosettad: malformed user file %s\n", path);
		return 1;
	}
	if (!is_loopback(cfg.listen) && userstore_has_default_password(env.users)) {
		fprintf(stderr, "rosettad: refusing to listen on %s: a user still has a default password "
				"(set a new one with: rosettad init --data %s --user NAME --password PW)\n",
			cfg.listen, cfg.data_dir);
		userstore_free(env.users);
		return 1;
	}
	path_join(path, sizeof(path), cfg.data_dir, "hba.conf");
	if (hba_load(path, &env.hba, why, sizeof(why)) < 0) {
		fprintf(stderr, "rosettad: %s\n", why);
		userstore_free(env.users);
		return 1;
	}
	path_join(path, sizeof(path), cfg.data_dir, "server.crt");
	path_join(key, sizeof(key), cfg.data_dir, "server.key");
	static const char *const alpn[] = {"postgresql", "http/1.1", NULL};
	env.tls = tls_ctx_new(path, key, alpn);
	if (!env.tls)
		log_warn("tls_disabled", "cert=%s msg=\"no usable certificate and key; clients asking for TLS are refused\"", path);

	path_join(path, sizeof(path), cfg.data_dir, "db");
	env.store = store_open_sqlite(path, &err);
	if (!env.store) {
		fprintf(stderr, "rosettad: %s\n", err.message);
		return 1;
	}
	if (RAND_bytes(env.secret, sizeof(env.secret)) != 1) {
		fprintf(stderr, "rosettad: no randomness available\n");
		return 1;
	}

	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);

	int rc = server_run(&env);

	store_close(env.store);
	tls_ctx_free(env.tls);
	hba_free(env.hba);
	userstore_free(env.users);
	return rc == 0 ? 0 : 1;
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		usage(stderr);
		return 2;
	}
	if (!strcmp(argv[1], "init"))
		return cmd_init(argc, argv);
	if (!strcmp(argv[1], "serve"))
		return cmd_serve(argc, argv);
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "help")) {
		usage(stdout);
		return 0;
	}
	usage(stderr);
	return 2;
}
