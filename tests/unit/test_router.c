/*
 * test_router.c — routing decisions from listener, first bytes, TLS and silence.
 */
#include <CUnit/CUnit.h>
#include <string.h>
#include <unistd.h>
#include <stdlib.h>

#include "core/config.h"
#include "ingress/router.h"
#include "proto/pg/pg.h"

static struct route_decision route(enum listener_kind via, const void *p, size_t n, int tls, const char *alpn,
				   int silent)
{
	struct route_input in = {via, p, n, tls, alpn, silent};
	struct route_decision d;
	router_route(&in, &d);
	return d;
}

static const uint8_t ssl_request[8] = {0, 0, 0, 8, 0x04, 0xd2, 0x16, 0x2f};
static const uint8_t client_hello[6] = {0x16, 0x03, 0x01, 0x02, 0x00, 0x01};

static void pg_bytes_go_to_pg_on_any_port(void)
{
	struct route_decision d = route(LISTEN_PG, ssl_request, 8, 0, NULL, 0);
	CU_ASSERT_EQUAL(d.action, ROUTE_HANDLER);
	CU_ASSERT_PTR_EQUAL(d.handler, &pg_handler);
	d = route(LISTEN_UNIFIED, ssl_request, 8, 0, NULL, 0);
	CU_ASSERT_PTR_EQUAL(d.handler, &pg_handler);
	d = route(LISTEN_UNIFIED, ssl_request, 3, 0, NULL, 0);
	CU_ASSERT_EQUAL(d.action, ROUTE_NEED_MORE);
}

static void client_hello_starts_tls_then_alpn_decides(void)
{
	struct route_decision d = route(LISTEN_UNIFIED, client_hello, sizeof(client_hello), 0, NULL, 0);
	CU_ASSERT_EQUAL(d.action, ROUTE_START_TLS);
	d = route(LISTEN_UNIFIED, NULL, 0, 1, "postgresql", 0);
	CU_ASSERT_PTR_EQUAL(d.handler, &pg_handler); /* PostgreSQL 17 direct TLS */
	d = route(LISTEN_HTTPS, NULL, 0, 1, "http/1.1", 0);
	CU_ASSERT_EQUAL(d.action, ROUTE_REFUSE);
	CU_ASSERT_STRING_EQUAL(d.protocol, "http");
	d = route(LISTEN_UNIFIED, ssl_request, 8, 1, NULL, 0); /* no ALPN: the decrypted bytes decide */
	CU_ASSERT_PTR_EQUAL(d.handler, &pg_handler);
	d = route(LISTEN_UNIFIED, client_hello, sizeof(client_hello), 1, NULL, 0);
	CU_ASSERT_EQUAL(d.action, ROUTE_REFUSE);
}

static void silence_means_mysql_and_mysql_port_needs_no_bytes(void)
{
	struct route_decision d = route(LISTEN_UNIFIED, NULL, 0, 0, NULL, 0);
	CU_ASSERT_EQUAL(d.action, ROUTE_NEED_MORE);
	d = route(LISTEN_UNIFIED, NULL, 0, 0, NULL, 1);
	CU_ASSERT_STRING_EQUAL(d.protocol, "mysql");
	d = route(LISTEN_MYSQL, NULL, 0, 0, NULL, 0);
	CU_ASSERT_STRING_EQUAL(d.protocol, "mysql");
	CU_ASSERT_EQUAL(d.action, ROUTE_HANDLER); /* the server speaks first */
}

static void protocols_not_served_are_refused_by_name(void)
{
	const char http[] = "GET /pinecone/indexes HTTP/1.1\r\n";
	struct route_decision d = route(LISTEN_UNIFIED, http, strlen(http), 0, NULL, 0);
	CU_ASSERT_EQUAL(d.action, ROUTE_REFUSE);
	CU_ASSERT_STRING_EQUAL(d.protocol, "http");
	const uint8_t prelogin[8] = {0x12, 0x01, 0x00, 0x2f, 0x00, 0x00, 0x01, 0x00};
	d = route(LISTEN_TDS, prelogin, 8, 0, NULL, 0);
	CU_ASSERT_STRING_EQUAL(d.protocol, "tds");
	const char junk[64] = "\x7f\x7f\x7f\x7fthis is not any protocol we know of at all......";
	d = route(LISTEN_UNIFIED, junk, sizeof(junk), 0, NULL, 0);
	CU_ASSERT_EQUAL(d.action, ROUTE_REFUSE);
	CU_ASSERT_STRING_EQUAL(d.protocol, "unknown");
	d = route(LISTEN_PG, junk, sizeof(junk), 0, NULL, 0); /* the port's handler answers with 08P01 */
	CU_ASSERT_PTR_EQUAL(d.handler, &pg_handler);
	CU_ASSERT_PTR_NULL(router_handler_for("tns"));
	CU_ASSERT_PTR_EQUAL(router_handler_for("pg"), &pg_handler);
}

static void config_keys_and_file(void)
{
	struct config c;
	char why[256];
	config_defaults(&c);
	CU_ASSERT_EQUAL(c.port[LISTEN_PG], 5432);
	CU_ASSERT_EQUAL(c.port[LISTEN_UNIFIED], 6543);
	CU_ASSERT_EQUAL(c.port[LISTEN_HTTP], 0);
	CU_ASSERT_EQUAL(config_set(&c, "pg-port", "15432", why, sizeof(why)), 0);
	CU_ASSERT_EQUAL(c.port[LISTEN_PG], 15432);
	CU_ASSERT_EQUAL(config_set(&c, "pg-port", "70000", why, sizeof(why)), -1);
	CU_ASSERT_EQUAL(config_set(&c, "no-such-key", "1", why, sizeof(why)), -1);
	CU_ASSERT(strstr(why, "no-such-key") != NULL);
	char path[] = "/tmp/rosetta-conf-XXXXXX";
	int fd = mkstemp(path);
	CU_ASSERT_FATAL(fd >= 0);
	const char text[] = "# comment\nmysql-port = 0\n  listen=::1  \n";
	CU_ASSERT_EQUAL(write(fd, text, sizeof(text) - 1), (ssize_t)sizeof(text) - 1);
	close(fd);
	CU_ASSERT_EQUAL(config_load_file(&c, path, why, sizeof(why)), 0);
	CU_ASSERT_EQUAL(c.port[LISTEN_MYSQL], 0);
	CU_ASSERT_STRING_EQUAL(c.listen, "::1");
	unlink(path);
}

void suite_router(void);
void suite_router(void)
{
	CU_pSuite s = CU_add_suite("router", NULL, NULL);
	CU_add_test(s, "PostgreSQL bytes go to pg on any port", pg_bytes_go_to_pg_on_any_port);
	CU_add_test(s, "ClientHello starts TLS, then ALPN decides", client_hello_starts_tls_then_alpn_decides);
	CU_add_test(s, "silence means MySQL; MySQL's port needs no bytes", silence_means_mysql_and_mysql_port_needs_no_bytes);
	CU_add_test(s, "protocols not served are refused by name", protocols_not_served_are_refused_by_name);
	CU_add_test(s, "config keys and file", config_keys_and_file);
}
