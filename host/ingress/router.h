/*
 * router.h — from a listener and a connection's first bytes to a handler.
 *
 * A pure decision, so the same code serves every transport and is tested
 * without sockets.  The transport calls router_route() whenever bytes
 * arrive on an unrouted connection, when the unified port's silence timer
 * fires, and again after a TLS handshake it was told to start.
 *
 * INTERFACE ROUTINES
 *   router_route         decide: read more, start TLS, hand to a handler, or refuse
 *   router_handler_for   the handler serving a protocol name, NULL when not built yet
 */
#ifndef ROSETTA_INGRESS_ROUTER_H
#define ROSETTA_INGRESS_ROUTER_H

#include <stddef.h>
#include <stdint.h>

#include "core/config.h"
#include "net/conn.h"

enum route_action {
	ROUTE_NEED_MORE, /* wait for more bytes (or the silence timer) */
	ROUTE_START_TLS, /* a ClientHello: run the TLS handshake, then route again */
	ROUTE_HANDLER,   /* hand the connection to *handler */
	ROUTE_REFUSE,    /* log `protocol` and close cleanly */
};

struct route_input {
	enum listener_kind via;
	const uint8_t *bytes; /* plaintext received so far */
	size_t n;
	int tls_active;
	const char *alpn;     /* negotiated ALPN protocol, or NULL */
	int silent;           /* the silence timer fired with no bytes */
};

struct route_decision {
	enum route_action action;
	const struct proto_handler *handler;
	const char *protocol; /* what the peer speaks, for the log ("pg", "mysql", "tds", ...) */
};

void router_route(const struct route_input *in, struct route_decision *out);
const struct proto_handler *router_handler_for(const char *protocol);

#endif
