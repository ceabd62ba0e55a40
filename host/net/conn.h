/*
 * conn.h — the transport-neutral connection a protocol handler works on.
 *
 * A handler sees only this struct: decrypted bytes the peer sent (`in`),
 * bytes to send (`out`), and requests to the transport (`want`).  It never
 * reads or writes a socket, never calls OpenSSL on the wire, never sleeps.
 * The kernel-socket transport (host/net/server.c), a DPDK transport, the
 * fuzzers and the unit tests all drive handlers through this one struct.
 *
 * Contract with the transport:
 *   - The transport appends plaintext to `in` and calls handler->input();
 *     the handler consumes whole messages and leaves partial ones unread.
 *   - Whatever the handler appends to `out` is sent in order (encrypted when
 *     TLS is active).
 *   - CONN_WANT_TLS: after sending what is in `out` in plaintext, start a TLS
 *     server handshake; bytes the peer sent before the handshake are a
 *     protocol violation (buffer stuffing) and close the connection.
 *   - CONN_WANT_CLOSE: send what is in `out`, then close.
 */
#ifndef ROSETTA_NET_CONN_H
#define ROSETTA_NET_CONN_H

#include <stdint.h>

#include "core/buf.h"
#include "core/config.h"

struct userstore;
struct hba;
struct store;
struct tls_ctx;
struct tls_conn;
struct proto_handler;

/* What every connection can reach: read-only after start-up. */
struct server_env {
	const struct config *cfg;
	struct userstore *users;
	struct hba *hba; /* authentication rules (auth/hba.h); NULL means SCRAM for everyone */
	struct store *store;
	struct tls_ctx *tls;
	uint8_t secret[32]; /* random per start: mock SCRAM verifiers */
};

#define CONN_WANT_CLOSE 0x1
#define CONN_WANT_TLS 0x2
/* With CONN_WANT_TLS: bytes already received after the request are the start of the TLS
 * handshake (MySQL clients send their ClientHello right after SSLRequest, unanswered), so
 * they go to the TLS engine instead of closing the connection. */
#define CONN_WANT_TLS_INPUT 0x4

struct conn {
	struct buf in;
	struct buf out;
	unsigned want;
	const struct server_env *env;
	const struct proto_handler *proto;
	void *proto_state;
	struct tls_conn *tls; /* non-NULL once TLS is active */
	uint64_t id;
	char peer[64];        /* "127.0.0.1:51234" */
	enum listener_kind via;
	int authenticated;    /* set by the handler; until then the auth timeout applies */
};

/* A handler: a state machine fed bytes (see conn.h's contract). */
struct proto_handler {
	const char *name;
	/* Allocate c->proto_state; may write a greeting.  0, or -1 to close. */
	int (*open)(struct conn *c);
	/* Consume complete messages from c->in.  0, or -1 to close after sending c->out. */
	int (*input)(struct conn *c);
	/* Release c->proto_state.  Called exactly once per successful open. */
	void (*close)(struct conn *c);
	/* Interrupt what input() is running, from another thread (shutdown).  Optional. */
	void (*cancel)(struct conn *c);
};

#endif
