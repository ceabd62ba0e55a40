/*
 * fuzz_mysql.c — libFuzzer harness for the MySQL handler (framing, auth, dispatch).
 *
 * The first input byte picks where the connection starts:
 *   even  -> just after the greeting (HandshakeResponse41 / SSLRequest, the
 *            caching_sha2 exchange, RSA blocks, AuthSwitch replies);
 *   odd   -> an authenticated session in the command phase (COM_QUERY with
 *            multi-statements, COM_INIT_DB, COM_FIELD_LIST, COM_SET_OPTION,
 *            KILL, COM_STMT_*, anything else).
 * The second byte picks where the rest is cut in two, so packets also arrive
 * split across two input() calls.  The handler must never crash, leak or read
 * outside the bytes it was given, whatever it is fed.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auth/userstore.h"
#include "core/log.h"
#include "engine/session.h"
#include "engine/store.h"
#include "proto/mysql/mysql.h"
#include "proto/mysql/mysql_conn.h"

static struct config cfg;
static struct server_env env;

static void fuzz_mysql_init(void)
{
	static char dir[] = "/tmp/rosetta-fuzz-mysql-XXXXXX";
	char path[128];
	struct rerr err;
	if (!mkdtemp(dir))
		abort();
	config_defaults(&cfg);
	env.cfg = &cfg;
	snprintf(path, sizeof(path), "%s/db", dir);
	env.store = store_open_sqlite(path, &err);
	if (!env.store || store_create_database(env.store, "demo", &err) < 0)
		abort();
	snprintf(path, sizeof(path), "%s/users", dir);
	if (userstore_load(path, &env.users) < 0 || userstore_set_password(env.users, path, "demo", "demo") < 0)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int ready;
	if (!ready) {
		log_set_level(LOG_ERROR);
		fuzz_mysql_init();
		ready = 1;
	}
	if (size < 2)
		return 0;
	struct conn c;
	memset(&c, 0, sizeof(c));
	c.env = &env;
	c.proto = &mysql_handler;
	c.id = 7;
	snprintf(c.peer, sizeof(c.peer), "127.0.0.1:1");
	if (mysql_handler.open(&c) < 0)
		return 0;
	if (data[0] & 1) {
		struct mysql_conn *mc = c.proto_state;
		mc->caps = CLIENT_PROTOCOL_41 | CLIENT_SECURE_CONNECTION | CLIENT_PLUGIN_AUTH | CLIENT_MULTI_STATEMENTS |
			   CLIENT_MULTI_RESULTS | CLIENT_TRANSACTIONS | ((data[0] & 2) ? CLIENT_DEPRECATE_EOF : 0);
		mc->multi_statements = 1;
		snprintf(mc->user, sizeof(mc->user), "demo");
		if (mysql_session_start(&c, mc, "demo", "demo") == 0) {
			mc->state = MY_COMMAND;
			c.authenticated = 1;
		}
		buf_reset(&c.out);
	}
	const uint8_t *p = data + 2;
	size_t n = size - 2;
	size_t cut = n ? data[1] % (n + 1) : 0;
	buf_append(&c.in, p, cut);
	int rc = mysql_handler.input(&c);
	if (rc == 0 && !(c.want & (CONN_WANT_CLOSE | CONN_WANT_TLS))) {
		buf_append(&c.in, p + cut, n - cut);
		mysql_handler.input(&c);
	}
	mysql_handler.close(&c);
	buf_free(&c.in);
	buf_free(&c.out);
	return 0;
}
