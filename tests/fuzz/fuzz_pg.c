/*
 * fuzz_pg.c — libFuzzer harness for the PostgreSQL handler (decoder and dispatch).
 *
 * The first input byte picks where the connection starts:
 *   even  -> the startup phase (SSLRequest, StartupMessage, SASL exchange);
 *   odd   -> an authenticated session in READY (Query, extended-protocol
 *            messages, Sync, Terminate, anything else).
 * The second byte picks where the rest is cut in two, so messages also arrive
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
#include "proto/pg/pg.h"
#include "proto/pg/pg_conn.h"

static struct config cfg;
static struct server_env env;

static void fuzz_pg_init(void)
{
	static char dir[] = "/tmp/rosetta-fuzz-pg-XXXXXX";
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
		fuzz_pg_init();
		ready = 1;
	}
	if (size < 2)
		return 0;
	struct conn c;
	memset(&c, 0, sizeof(c));
	c.env = &env;
	c.proto = &pg_handler;
	if (pg_handler.open(&c) < 0)
		return 0;
	if (data[0] & 1) {
		struct pg_conn *pc = c.proto_state;
		struct session_opts opts = {.abort_txn_on_error = 1};
		struct rerr err;
		if (session_open(env.store, "demo", "demo", &opts, &pc->session, &err) == 0) {
			pc->state = PG_READY;
			c.authenticated = 1;
		}
	}
	const uint8_t *p = data + 2;
	size_t n = size - 2;
	size_t cut = n ? data[1] % (n + 1) : 0;
	buf_append(&c.in, p, cut);
	int rc = pg_handler.input(&c);
	if (rc == 0 && !(c.want & (CONN_WANT_CLOSE | CONN_WANT_TLS))) {
		buf_append(&c.in, p + cut, n - cut);
		pg_handler.input(&c);
	}
	pg_handler.close(&c);
	buf_free(&c.in);
	buf_free(&c.out);
	return 0;
}
