/*
 * scram.h — SCRAM-SHA-256 (RFC 5802, RFC 7677), server side, sans-IO.
 *
 * The server keeps only a verifier (salt, iteration count, StoredKey,
 * ServerKey), never the password.  The exchange is two steps: the client's
 * first message yields the server's first message; the client's final
 * message yields the server's final message (ServerSignature) or a failure.
 *
 * INTERFACE ROUTINES
 *   scram_make_verifier      password + salt + iterations -> verifier
 *   scram_verifier_format    verifier -> "SCRAM-SHA-256$<iter>:<salt>$<StoredKey>:<ServerKey>"
 *   scram_verifier_parse     the same text -> verifier
 *   scram_verifier_matches   does this password produce this verifier (constant time)
 *   scram_mock_verifier      a stable fake verifier for an unknown user, so that
 *                            a failed login does not reveal whether the user exists
 *   scram_server_new / _free one exchange
 *   scram_server_first       client-first-message -> server-first-message
 *   scram_server_final       client-final-message -> server-final-message, or failure
 *
 * State diagram of struct scram_server:
 *
 *   NEW --scram_server_first--> SENT_FIRST --scram_server_final--> DONE_OK
 *    |                              |                         \--> FAILED
 *    \--(bad message)--> FAILED <---/
 *
 * Channel binding: gs2 header "n,," (client does not support it), "y,," (client
 * supports it, thinks the server does not), or "p=tls-server-end-point,,"
 * (SCRAM-SHA-256-PLUS).  The caller says which mechanism it advertised and
 * passes the channel-binding data; "y" is refused when the server advertised
 * -PLUS (a downgrade), "p" is refused when no binding data is given.
 */
#ifndef ROSETTA_AUTH_SCRAM_H
#define ROSETTA_AUTH_SCRAM_H

#include <stddef.h>
#include <stdint.h>

#include "core/buf.h"

#define SCRAM_KEY_LEN 32
#define SCRAM_MAX_SALT 64
#define SCRAM_DEFAULT_ITERATIONS 4096

struct scram_verifier {
	uint8_t salt[SCRAM_MAX_SALT];
	size_t salt_len;
	int iterations;
	uint8_t stored_key[SCRAM_KEY_LEN];
	uint8_t server_key[SCRAM_KEY_LEN];
};

/* Returns 0 or -1.  `salt` NULL means: draw 16 random bytes. */
int scram_make_verifier(const char *password, const uint8_t *salt, size_t salt_len,
			int iterations, struct scram_verifier *out);
/* Writes a NUL-terminated string; returns 0, or -1 if `cap` is too small (256 suffices). */
int scram_verifier_format(const struct scram_verifier *v, char *out, size_t cap);
int scram_verifier_parse(const char *text, struct scram_verifier *out);
int scram_verifier_matches(const struct scram_verifier *v, const char *password); /* 1 or 0 */
/* Derive a verifier for `user` from a per-server secret; deterministic. */
void scram_mock_verifier(const char *user, const uint8_t *secret, size_t secret_len,
			 struct scram_verifier *out);

enum scram_result {
	SCRAM_CONTINUE = 0, /* send `out` and wait for the next client message */
	SCRAM_OK = 1,       /* authenticated; send `out` (server-final-message) */
	SCRAM_FAIL = -1,    /* refused: bad proof, malformed message, binding mismatch */
};

struct scram_server;

/*
 * `server_nonce` NULL means: draw 18 random bytes and base64 them (tests pass
 * a fixed nonce to reproduce RFC 7677 §3).  Returns NULL for an unusable
 * nonce (empty, over 64 characters, ',' or non-printable) or out of memory.
 * SCRAM-SHA-256-PLUS is accepted only when `plus_offered`.  `plus_offered`: the server
 * advertised SCRAM-SHA-256-PLUS.  `cbind`/`cbind_len`: tls-server-end-point
 * data of this connection, or NULL/0 when not on TLS.
 */
struct scram_server *scram_server_new(const char *server_nonce, int plus_offered,
				      const uint8_t *cbind, size_t cbind_len);
void scram_server_free(struct scram_server *s);

/*
 * `mechanism` is what the client chose ("SCRAM-SHA-256" or "SCRAM-SHA-256-PLUS");
 * `v` the verifier of the user (or a mock one).  Appends server-first-message
 * to `out`.  Returns SCRAM_CONTINUE or SCRAM_FAIL.
 */
enum scram_result scram_server_first(struct scram_server *s, const char *mechanism,
				     const struct scram_verifier *v,
				     const char *msg, size_t len, struct buf *out);
/* Appends server-final-message ("v=...") to `out` on success.  SCRAM_OK or SCRAM_FAIL. */
enum scram_result scram_server_final(struct scram_server *s, const char *msg, size_t len,
				     struct buf *out);

#endif
