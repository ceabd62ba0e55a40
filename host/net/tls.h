/*
 * tls.h — TLS server sessions over memory BIOs (OpenSSL).
 *
 * No function here touches a socket.  The transport hands received
 * ciphertext to tls_conn_recv() and gets plaintext back; it hands plaintext
 * to tls_conn_send() and gets ciphertext records to write.  The same code
 * therefore runs on kernel sockets, on the DPDK stack, and in unit tests
 * that connect an OpenSSL client to this server through two buffers.
 *
 * INTERFACE ROUTINES
 *   tls_ctx_new / tls_ctx_free      server context: certificate, key, ALPN list, TLS >= 1.2
 *   tls_conn_new / tls_conn_free    one server session on a connection
 *   tls_conn_recv                   ciphertext in -> plaintext out (+ handshake records out)
 *   tls_conn_send                   plaintext in -> ciphertext records out
 *   tls_conn_handshake_done         1 once the handshake has completed
 *   tls_conn_alpn / _sni / _version negotiated ALPN protocol, SNI host name, "TLSv1.3"...
 *   tls_conn_close_notify           queue a close_notify alert
 *   tls_conn_server_end_point       tls-server-end-point channel binding data (RFC 5929)
 *   tls_make_self_signed            write a new self-signed certificate and key (PEM)
 *
 * Errors never abort: every failure returns -1 and, where a reason is
 * known, writes it to the log.  A failed session must simply be closed.
 */
#ifndef ROSETTA_NET_TLS_H
#define ROSETTA_NET_TLS_H

#include <stddef.h>
#include <stdint.h>

#include "core/buf.h"

struct tls_ctx;
struct tls_conn;

/*
 * Create a server context from PEM files (an encrypted key is refused, never prompted for).  `alpn` is a NULL-terminated list
 * of protocol names the server offers, in preference order (e.g.
 * {"postgresql", "http/1.1", NULL}); it may be NULL.  When the client offers
 * ALPN and none of its protocols is ours, the handshake still succeeds with
 * no protocol selected.  Minimum version TLS 1.2.  Returns NULL on failure.
 */
struct tls_ctx *tls_ctx_new(const char *cert_path, const char *key_path, const char *const *alpn);
void tls_ctx_free(struct tls_ctx *ctx);

/* Flags for tls_conn_new(). */
#define TLS_CONN_MAX_TLS12 0x1 /* cap this session at TLS 1.2 (TDS PRELOGIN-wrapped TLS) */

/* NULL on failure or an unknown flag. */
struct tls_conn *tls_conn_new(struct tls_ctx *ctx, unsigned flags);
void tls_conn_free(struct tls_conn *t);

/*
 * Feed `n` bytes of ciphertext from the peer.  Decrypted application data is
 * appended to `plain_in`; records the server must send (handshake messages,
 * session tickets, alerts) are appended to `cipher_out`.  Partial records are
 * buffered inside the session.  Returns 0, or -1 on a fatal TLS error (an
 * alert may already be in cipher_out; flush it, then close), or 1 when the
 * peer sent close_notify (plaintext that came before it is in plain_in).
 * After -1 the session stays failed: every later call returns -1.
 */
int tls_conn_recv(struct tls_conn *t, const uint8_t *cipher, size_t n,
		  struct buf *plain_in, struct buf *cipher_out);

/*
 * Encrypt `n` bytes of plaintext, appending records to `cipher_out`.
 * Must be called only after the handshake is done.  Returns 0 or -1.
 */
int tls_conn_send(struct tls_conn *t, const uint8_t *plain, size_t n, struct buf *cipher_out);

int tls_conn_handshake_done(const struct tls_conn *t);
const char *tls_conn_alpn(const struct tls_conn *t);    /* NULL when none was selected */
const char *tls_conn_sni(const struct tls_conn *t);     /* NULL when the client sent none */
const char *tls_conn_version(const struct tls_conn *t); /* e.g. "TLSv1.3"; meaningful after the handshake */
const char *tls_conn_cipher(const struct tls_conn *t);
int tls_conn_close_notify(struct tls_conn *t, struct buf *cipher_out);

/*
 * tls-server-end-point channel binding data: the hash of the server
 * certificate with the certificate's signature hash (SHA-256 when that is
 * MD5 or SHA-1), as RFC 5929 §4.1 says.  Writes up to 64 bytes to `out` and
 * the length to `*len`.  Returns 0 or -1.
 */
int tls_conn_server_end_point(const struct tls_conn *t, uint8_t out[64], size_t *len);

/*
 * Generate an RSA-2048 (or P-256) key and a self-signed X.509 certificate
 * valid for ten years with subject CN=`cn` and subjectAltName DNS:localhost,
 * IP:127.0.0.1, IP:::1.  Writes both as PEM; the key file gets mode 0600.
 * Returns 0 or -1.
 */
int tls_make_self_signed(const char *cert_path, const char *key_path, const char *cn);

#endif
