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
 *   - Output back-pressure (`drain`): a handler that produces a long result
 *     calls conn_out_drain() after each complete message it appends (a
 *     DataRow, a MySQL row packet), never in the middle of one.  Once `out`
 *     holds CONN_DRAIN_AT bytes or more, that calls the transport's `drain`,
 *     which sends what `out` holds — through TLS when it is active — before
 *     returning, blocking the calling thread while the peer is slow to read;
 *     so a result of any size needs about CONN_DRAIN_AT of buffer, not its
 *     whole size.  `drain` may swap or reset `out`'s memory: offsets into
 *     `out` taken before the call are void after it (a handler that rewinds
 *     `out` on error must not rewind across a drain).  It returns 0, or -1
 *     when the peer is gone, the server is stopping, or the peer read
 *     nothing for the idle timeout; then `out` is discarded, CONN_WANT_CLOSE
 *     is set, and the handler fails the statement (the session sees an error
 *     and the connection's close rolls its transaction back).  Only input()
 *     may call it, on the thread running input().  Transports without a
 *     synchronous path, the fuzzers and the unit tests leave `drain` NULL:
 *     the bytes then simply accumulate in `out`.
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
	/* Set by the transport, or NULL: send `out` now (see the contract above). 0 or -1. */
	int (*drain)(struct conn *c);
};

/* Bytes of pending output at which conn_out_drain() hands them to the transport. */
#define CONN_DRAIN_AT (256u * 1024)

/*
 * Output back-pressure for a handler appending a long result (contract above):
 * 0 when nothing was done, 1 when `out` was sent (and may have been swapped or
 * reset), -1 when the peer is gone (CONN_WANT_CLOSE is set; fail the statement).
 */
static inline int conn_out_drain(struct conn *c)
{
	if (!c->drain || buf_unread(&c->out) < CONN_DRAIN_AT)
		return 0;
	return c->drain(c) < 0 ? -1 : 1;
}

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
