/*
 * router.c — pick a protocol handler (see router.h).
 *
 * Rules, in order:
 *   1. MySQL's dedicated port: the server speaks first, so no bytes are awaited.
 *   2. After TLS: ALPN "postgresql" is PostgreSQL's direct TLS; "http/1.1" and
 *      "h2" are the HTTP gateway; without ALPN the decrypted bytes decide.
 *   3. A ClientHello starts TLS on any port but MySQL's.
 *   4. The classifier's verdict; silence on the unified port means MySQL.
 *   5. Bytes nobody recognises go to a dedicated port's own handler, which
 *      answers with its protocol's error; the unified port refuses them.
 * A protocol whose handler is not built yet is refused by name, so the log
 * says what the client was and the client sees a clean close.
 */
#include "ingress/router.h"

#include <string.h>

#include "ingress/classify.h"
#include "proto/mysql/mysql.h"
#include "proto/pg/pg.h"

static const struct {
	const char *protocol;
	const struct proto_handler *handler;
} router_handlers[] = {
	{"pg", &pg_handler},
	{"mysql", &mysql_handler},
	{"tds", NULL},
	{"tns", NULL},
	{"drda", NULL},
	{"http", NULL},
};

const struct proto_handler *router_handler_for(const char *protocol)
{
	for (size_t i = 0; i < sizeof(router_handlers) / sizeof(router_handlers[0]); i++)
		if (strcmp(router_handlers[i].protocol, protocol) == 0)
			return router_handlers[i].handler;
	return NULL;
}

/* The protocol a dedicated listener serves. */
static const char *router_listener_protocol(enum listener_kind via)
{
	switch (via) {
	case LISTEN_HTTPS:
	case LISTEN_HTTP:
		return "http";
	default:
		return listener_names[via];
	}
}

static void router_pick(const char *protocol, struct route_decision *out)
{
	out->protocol = protocol;
	out->handler = router_handler_for(protocol);
	out->action = out->handler ? ROUTE_HANDLER : ROUTE_REFUSE;
}

void router_route(const struct route_input *in, struct route_decision *out)
{
	memset(out, 0, sizeof(*out));
	if (in->via == LISTEN_MYSQL && !in->tls_active) {
		router_pick("mysql", out);
		return;
	}
	if (in->tls_active && in->alpn) {
		if (strcmp(in->alpn, "postgresql") == 0) {
			router_pick("pg", out);
			return;
		}
		if (strcmp(in->alpn, "http/1.1") == 0 || strcmp(in->alpn, "h2") == 0) {
			router_pick("http", out);
			return;
		}
	}
	if (in->n == 0) {
		if (in->silent && in->via == LISTEN_UNIFIED)
			router_pick("mysql", out);
		else if (in->silent)
			router_pick(router_listener_protocol(in->via), out);
		else
			out->action = ROUTE_NEED_MORE;
		return;
	}
	switch (ingress_classify(in->bytes, in->n)) {
	case INGRESS_NEED_MORE:
		out->action = ROUTE_NEED_MORE;
		return;
	case INGRESS_TLS:
		if (in->tls_active) { /* TLS inside TLS */
			out->action = ROUTE_REFUSE;
			out->protocol = "tls-in-tls";
		} else {
			out->action = ROUTE_START_TLS;
			out->protocol = "tls";
		}
		return;
	case INGRESS_PG_STARTUP:
	case INGRESS_PG_SSL:
	case INGRESS_PG_GSSENC:
	case INGRESS_PG_CANCEL:
		router_pick("pg", out);
		return;
	case INGRESS_TDS:
		router_pick("tds", out);
		return;
	case INGRESS_TNS:
		router_pick("tns", out);
		return;
	case INGRESS_DRDA:
		router_pick("drda", out);
		return;
	case INGRESS_HTTP1:
	case INGRESS_HTTP2:
		router_pick("http", out);
		return;
	case INGRESS_UNKNOWN:
	default:
		/* On a dedicated port the port's own handler answers, in its own
		 * ecosystem's words (PostgreSQL: 08P01); only the unified port has
		 * nobody to ask. */
		if (in->via != LISTEN_UNIFIED) {
			router_pick(router_listener_protocol(in->via), out);
			return;
		}
		out->action = ROUTE_REFUSE;
		out->protocol = "unknown";
		return;
	}
}
