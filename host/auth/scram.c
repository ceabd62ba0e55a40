/*
 * scram.c — SCRAM-SHA-256 server (RFC 5802, RFC 7677), sans-IO.
 *
 * The server side of one SCRAM exchange, and the verifiers it checks
 * against.  No socket and no framing: the protocol handler (PostgreSQL's
 * SASLInitialResponse/SASLResponse, or any other ecosystem's) hands in the
 * bytes of one client message and sends back what is appended to `out`.
 *
 * INTERFACE ROUTINES
 *   scram_make_verifier      password + salt + iterations -> verifier (PBKDF2)
 *   scram_verifier_format    verifier -> PostgreSQL's text form
 *   scram_verifier_parse     PostgreSQL's text form -> verifier
 *   scram_verifier_matches   does a password produce this verifier (constant time)
 *   scram_mock_verifier      deterministic fake verifier for an unknown user
 *   scram_server_new / _free one exchange
 *   scram_server_first       client-first-message -> server-first-message
 *   scram_server_final       client-final-message -> server-final-message
 *
 * State diagram of struct scram_server (scram_server.state):
 *
 *   NEW --scram_server_first--> SENT_FIRST --scram_server_final--> DONE_OK
 *    |                              |                         \--> FAILED
 *    \--(bad message)--> FAILED <---/
 *
 * Any call in a state other than the one it expects moves to FAILED and
 * returns SCRAM_FAIL; FAILED and DONE_OK are final.
 *
 * Invariants
 *   1. Every client message is at most SCRAM_MSG_MAX bytes and is read only
 *      within [msg, msg + len); it need not be NUL-terminated and a NUL
 *      inside it is a malformed message.
 *   2. In SENT_FIRST, `client_first` holds the whole client-first-message,
 *      its first `gs2_len` bytes are the gs2 header, and `server_first`
 *      holds exactly what was appended to `out`.
 *   3. The proof is checked by recomputing StoredKey and comparing it in
 *      constant time; a mismatch, a malformed message and a binding mismatch
 *      all give the same SCRAM_FAIL, so a client learns nothing about which.
 *
 * Channel binding (RFC 5802 §6, RFC 5929 tls-server-end-point): the gs2
 * header is "n,," (client cannot bind), "y,," (client can, but believes the
 * server cannot) or "p=tls-server-end-point,," (the client chose -PLUS).
 * The client echoes the header, followed by the binding data when it chose
 * "p", base64-encoded in c=; we check it byte for byte.
 */
#include "auth/scram.h"

#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>
#include <openssl/sha.h>

/* Bound on one client message; PostgreSQL clients send well under 200 bytes. */
#define SCRAM_MSG_MAX 1024
/* Bound on the server's own nonce (ours is 24 base64 characters). */
#define SCRAM_NONCE_MAX 64
#define SCRAM_RANDOM_NONCE_BYTES 18
#define SCRAM_RANDOM_SALT_BYTES 16
#define SCRAM_MOCK_SALT_BYTES 16
#define SCRAM_VERIFIER_PREFIX "SCRAM-SHA-256$"
#define SCRAM_CBIND_NAME "tls-server-end-point"
#define SCRAM_MECH "SCRAM-SHA-256"
#define SCRAM_MECH_PLUS "SCRAM-SHA-256-PLUS"

/* base64 of n bytes, without the NUL. */
#define SCRAM_B64_LEN(n) (((n) + 2) / 3 * 4)

enum scram_state {
	SCRAM_STATE_NEW,
	SCRAM_STATE_SENT_FIRST,
	SCRAM_STATE_DONE_OK,
	SCRAM_STATE_FAILED,
};

struct scram_server {
	enum scram_state state;
	int plus_offered;
	uint8_t *cbind; /* owned copy of the connection's binding data, or NULL */
	size_t cbind_len;
	char server_nonce[SCRAM_NONCE_MAX + 1];
	size_t server_nonce_len;

	/* Filled by scram_server_first. */
	struct scram_verifier v;
	int uses_binding; /* gs2 flag was "p": c= must carry cbind after the header */
	char client_first[SCRAM_MSG_MAX];
	size_t client_first_len;
	size_t gs2_len;      /* the gs2 header is client_first[0 .. gs2_len) */
	size_t cnonce_off;   /* the client nonce inside client_first */
	size_t cnonce_len;
	struct buf server_first;
};

/* ---- primitives ---------------------------------------------------------- */

static int scram_hmac(const uint8_t *key, size_t key_len, const void *data, size_t len,
		      uint8_t out[SCRAM_KEY_LEN])
{
	unsigned int out_len = 0;
	if (!HMAC(EVP_sha256(), key, (int)key_len, data, len, out, &out_len))
		return -1;
	return out_len == SCRAM_KEY_LEN ? 0 : -1;
}

/*
 * Strict base64: length a multiple of 4, only the standard alphabet, at most
 * two '=' and only at the end.  EVP_DecodeBlock alone would skip leading
 * whitespace and count padding as zero bytes, so the '=' count is taken off
 * its result here.  Input is at most SCRAM_MSG_MAX characters.  Returns 0
 * and sets *out_len, or -1 (also when the result would not fit `cap`).
 */
static int scram_b64_decode(const char *in, size_t len, uint8_t *out, size_t cap,
			    size_t *out_len)
{
	uint8_t tmp[SCRAM_MSG_MAX / 4 * 3];

	if (len % 4 != 0 || len > SCRAM_MSG_MAX)
		return -1;
	size_t pad = 0;
	while (pad < 2 && pad < len && in[len - 1 - pad] == '=')
		pad++;
	for (size_t i = 0; i < len - pad; i++) {
		char c = in[i];
		int ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
			 (c >= '0' && c <= '9') || c == '+' || c == '/';
		if (!ok)
			return -1;
	}
	if (len == 0) {
		*out_len = 0;
		return 0;
	}
	int n = EVP_DecodeBlock(tmp, (const unsigned char *)in, (int)len);
	if (n < 0 || (size_t)n < pad || (size_t)n - pad > cap)
		return -1;
	*out_len = (size_t)n - pad;
	memcpy(out, tmp, *out_len);
	OPENSSL_cleanse(tmp, sizeof(tmp));
	return 0;
}

/* Writes the base64 of `in` and a NUL to `out`, which holds SCRAM_B64_LEN(len) + 1. */
static void scram_b64_encode(const uint8_t *in, size_t len, char *out)
{
	EVP_EncodeBlock((unsigned char *)out, in, (int)len);
}

static void scram_buf_put_b64(struct buf *b, const uint8_t *in, size_t len)
{
	char tmp[SCRAM_B64_LEN(SCRAM_MSG_MAX) + 1];
	assert(len <= SCRAM_MSG_MAX);
	scram_b64_encode(in, len, tmp);
	buf_append(b, tmp, strlen(tmp));
}

/* RFC 5802 "printable": %x21-2B / %x2D-7E, i.e. visible ASCII but ','. */
static int scram_is_printable(const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (s[i] < 0x21 || s[i] > 0x7e || s[i] == ',')
			return 0;
	return 1;
}

/*
 * The password bytes that enter PBKDF2.  RFC 7677 asks for SASLprep
 * (RFC 4013); PostgreSQL applies it when the password is valid UTF-8 and
 * SASLprep accepts it, and uses the raw bytes otherwise.  For printable
 * ASCII SASLprep is the identity, and ASCII control characters are
 * prohibited by it (so PostgreSQL falls back to the raw bytes): for every
 * ASCII password our verifier is the one PostgreSQL computes.  We do not
 * implement SASLprep's Unicode mapping and NFKC normalisation, so a
 * non-ASCII password is used as raw bytes; it works with our own verifiers
 * and with clients that send the same bytes, but may differ from a
 * verifier PostgreSQL made for a password that NFKC changes.
 */
static const char *scram_prepare_password(const char *password)
{
	return password;
}

static int scram_derive(const char *password, const uint8_t *salt, size_t salt_len,
			int iterations, struct scram_verifier *out)
{
	const char *pw = scram_prepare_password(password);
	uint8_t salted[SCRAM_KEY_LEN];
	uint8_t client_key[SCRAM_KEY_LEN];
	int rc = -1;

	if (!PKCS5_PBKDF2_HMAC(pw, (int)strlen(pw), salt, (int)salt_len, iterations,
			       EVP_sha256(), SCRAM_KEY_LEN, salted))
		goto out;
	if (scram_hmac(salted, sizeof(salted), "Client Key", 10, client_key) < 0 ||
	    scram_hmac(salted, sizeof(salted), "Server Key", 10, out->server_key) < 0)
		goto out;
	SHA256(client_key, sizeof(client_key), out->stored_key);
	rc = 0;
out:
	OPENSSL_cleanse(salted, sizeof(salted));
	OPENSSL_cleanse(client_key, sizeof(client_key));
	return rc;
}

/* ---- verifiers ----------------------------------------------------------- */

int scram_make_verifier(const char *password, const uint8_t *salt, size_t salt_len,
			int iterations, struct scram_verifier *out)
{
	if (!password || !out || iterations < 1)
		return -1;
	memset(out, 0, sizeof(*out));
	if (salt) {
		if (salt_len == 0 || salt_len > SCRAM_MAX_SALT)
			return -1;
		memcpy(out->salt, salt, salt_len);
		out->salt_len = salt_len;
	} else {
		if (RAND_bytes(out->salt, SCRAM_RANDOM_SALT_BYTES) != 1)
			return -1;
		out->salt_len = SCRAM_RANDOM_SALT_BYTES;
	}
	out->iterations = iterations;
	return scram_derive(password, out->salt, out->salt_len, iterations, out);
}

int scram_verifier_format(const struct scram_verifier *v, char *out, size_t cap)
{
	char salt[SCRAM_B64_LEN(SCRAM_MAX_SALT) + 1];
	char stored[SCRAM_B64_LEN(SCRAM_KEY_LEN) + 1];
	char server[SCRAM_B64_LEN(SCRAM_KEY_LEN) + 1];

	if (!v || !out || v->salt_len == 0 || v->salt_len > SCRAM_MAX_SALT || v->iterations < 1)
		return -1;
	scram_b64_encode(v->salt, v->salt_len, salt);
	scram_b64_encode(v->stored_key, SCRAM_KEY_LEN, stored);
	scram_b64_encode(v->server_key, SCRAM_KEY_LEN, server);
	int n = snprintf(out, cap, SCRAM_VERIFIER_PREFIX "%d:%s$%s:%s", v->iterations, salt,
			 stored, server);
	if (n < 0 || (size_t)n >= cap) {
		if (cap)
			out[0] = '\0';
		return -1;
	}
	return 0;
}

/* Decodes base64 text [s, e) into `out`; it must give exactly `want` bytes, or 1..cap if want is 0. */
static int scram_parse_b64_field(const char *s, const char *e, uint8_t *out, size_t cap,
				 size_t want, size_t *got)
{
	size_t n;
	if (scram_b64_decode(s, (size_t)(e - s), out, cap, &n) < 0 || n == 0)
		return -1;
	if (want && n != want)
		return -1;
	if (got)
		*got = n;
	return 0;
}

int scram_verifier_parse(const char *text, struct scram_verifier *out)
{
	struct scram_verifier v;
	size_t plen = strlen(SCRAM_VERIFIER_PREFIX);

	if (!text || !out)
		return -1;
	size_t len = strnlen(text, 512);
	if (len >= 512 || len < plen || memcmp(text, SCRAM_VERIFIER_PREFIX, plen) != 0)
		return -1;
	memset(&v, 0, sizeof(v));

	const char *p = text + plen, *end = text + len;
	/* <iter>: decimal, no sign, no leading zero, fits an int. */
	long iter = 0;
	const char *digits = p;
	while (p < end && *p >= '0' && *p <= '9') {
		iter = iter * 10 + (*p - '0');
		if (iter > 0x7fffffffL)
			return -1;
		p++;
	}
	if (p == digits || (*digits == '0') || p == end || *p != ':')
		return -1;
	v.iterations = (int)iter;

	const char *salt = ++p;
	const char *dollar = memchr(salt, '$', (size_t)(end - salt));
	if (!dollar)
		return -1;
	const char *stored = dollar + 1;
	const char *colon = memchr(stored, ':', (size_t)(end - stored));
	if (!colon)
		return -1;
	const char *server = colon + 1;
	if (scram_parse_b64_field(salt, dollar, v.salt, SCRAM_MAX_SALT, 0, &v.salt_len) < 0 ||
	    scram_parse_b64_field(stored, colon, v.stored_key, SCRAM_KEY_LEN, SCRAM_KEY_LEN,
				  NULL) < 0 ||
	    scram_parse_b64_field(server, end, v.server_key, SCRAM_KEY_LEN, SCRAM_KEY_LEN,
				  NULL) < 0)
		return -1;
	*out = v;
	return 0;
}

int scram_verifier_matches(const struct scram_verifier *v, const char *password)
{
	struct scram_verifier mine;
	if (!v || !password || v->salt_len == 0 || v->salt_len > SCRAM_MAX_SALT ||
	    v->iterations < 1)
		return 0;
	if (scram_derive(password, v->salt, v->salt_len, v->iterations, &mine) < 0)
		return 0;
	/* Evaluate both comparisons so the time does not depend on which differs. */
	int diff = CRYPTO_memcmp(mine.stored_key, v->stored_key, SCRAM_KEY_LEN);
	diff |= CRYPTO_memcmp(mine.server_key, v->server_key, SCRAM_KEY_LEN);
	OPENSSL_cleanse(&mine, sizeof(mine));
	return diff == 0;
}

/*
 * HMAC(secret, label || user).  No PBKDF2: a mock verifier must cost the
 * same for every unknown user and be cheap, since anyone can ask for one.
 */
static void scram_mock_hmac(const uint8_t *secret, size_t secret_len, const char *label,
			    const char *user, uint8_t out[SCRAM_KEY_LEN])
{
	struct buf b;
	buf_init(&b);
	buf_append(&b, label, strlen(label));
	buf_append(&b, user, strlen(user));
	if (scram_hmac(secret, secret_len, b.data, b.len, out) < 0)
		memset(out, 0, SCRAM_KEY_LEN);
	buf_free(&b);
}

void scram_mock_verifier(const char *user, const uint8_t *secret, size_t secret_len,
			 struct scram_verifier *out)
{
	uint8_t digest[SCRAM_KEY_LEN];
	static const uint8_t no_secret[1];

	if (!user)
		user = "";
	if (!secret)
		secret = no_secret, secret_len = 0;
	memset(out, 0, sizeof(*out));
	scram_mock_hmac(secret, secret_len, "", user, digest);
	memcpy(out->salt, digest, SCRAM_MOCK_SALT_BYTES);
	out->salt_len = SCRAM_MOCK_SALT_BYTES;
	out->iterations = SCRAM_DEFAULT_ITERATIONS;
	scram_mock_hmac(secret, secret_len, "stored", user, out->stored_key);
	scram_mock_hmac(secret, secret_len, "server", user, out->server_key);
}

/* ---- message parsing ----------------------------------------------------- */

/* A read position inside one client message; never moves past `end`. */
struct scram_cursor {
	const char *p;
	const char *end;
};

/*
 * Reads one attribute "<letter>=<value>" up to the next ',' or the end; the
 * ',' is left for scram_next.  Value may be empty (the caller decides).
 */
static int scram_attr(struct scram_cursor *c, char *attr, const char **val, size_t *vlen)
{
	if (c->end - c->p < 2)
		return -1;
	char a = c->p[0];
	if (!((a >= 'a' && a <= 'z') || (a >= 'A' && a <= 'Z')) || c->p[1] != '=')
		return -1;
	const char *v = c->p + 2;
	const char *comma = memchr(v, ',', (size_t)(c->end - v));
	const char *stop = comma ? comma : c->end;
	*attr = a;
	*val = v;
	*vlen = (size_t)(stop - v);
	c->p = stop;
	return 0;
}

/* Consumes the ',' between attributes; 0 if there was one, -1 at the end. */
static int scram_next(struct scram_cursor *c)
{
	if (c->p >= c->end || *c->p != ',')
		return -1;
	c->p++;
	return 0;
}

/* Common entry checks on a client message. */
static int scram_msg_ok(const char *msg, size_t len)
{
	return msg && len > 0 && len <= SCRAM_MSG_MAX && !memchr(msg, '\0', len);
}

/*
 * Which gs2 flags this server accepts for the chosen mechanism:
 *   SCRAM-SHA-256-PLUS  only "p=tls-server-end-point", only when -PLUS was
 *                       advertised and binding data exists;
 *   SCRAM-SHA-256       "n"; "y" only when -PLUS was not advertised (else a
 *                       man in the middle stripped it: a downgrade).
 */
static int scram_flag_allowed(const struct scram_server *s, int plus, char flag)
{
	if (plus)
		return flag == 'p' && s->plus_offered && s->cbind_len > 0;
	if (flag == 'n')
		return 1;
	if (flag == 'y')
		return !s->plus_offered;
	return 0;
}

/*
 * Parses the client-first-message into `s`:
 *   gs2-header "," authzid? "," client-first-message-bare
 *   bare = "n=" user "," "r=" nonce ["," extensions]
 * Returns 0 or -1.
 */
static int scram_parse_client_first(struct scram_server *s, int plus, const char *msg,
				    size_t len)
{
	struct scram_cursor c = {msg, msg + len};
	char flag = msg[0];
	char attr;
	const char *val;
	size_t vlen;

	/* gs2-cbind-flag */
	if (flag == 'n' || flag == 'y') {
		c.p++;
	} else if (flag == 'p') {
		if (scram_attr(&c, &attr, &val, &vlen) < 0 ||
		    vlen != strlen(SCRAM_CBIND_NAME) ||
		    memcmp(val, SCRAM_CBIND_NAME, vlen) != 0)
			return -1;
	} else {
		return -1;
	}
	if (!scram_flag_allowed(s, plus, flag))
		return -1;
	if (scram_next(&c) < 0)
		return -1;
	/* authzid: PostgreSQL refuses one, and so do we; only the empty form passes. */
	if (scram_next(&c) < 0)
		return -1;
	s->gs2_len = (size_t)(c.p - msg);
	s->uses_binding = flag == 'p';

	/* client-first-message-bare; "m=" is reserved for mandatory extensions. */
	if (scram_attr(&c, &attr, &val, &vlen) < 0 || attr != 'n')
		return -1;
	/* The user name is ignored: the caller chose the verifier at startup. */
	if (scram_next(&c) < 0 || scram_attr(&c, &attr, &val, &vlen) < 0 || attr != 'r')
		return -1;
	if (vlen == 0 || !scram_is_printable(val, vlen))
		return -1;
	s->cnonce_off = (size_t)(val - msg);
	s->cnonce_len = vlen;
	/* Optional extensions, ignored. */
	while (c.p < c.end) {
		if (scram_next(&c) < 0 || scram_attr(&c, &attr, &val, &vlen) < 0)
			return -1;
	}
	return 0;
}

/* ---- exchange ------------------------------------------------------------ */

struct scram_server *scram_server_new(const char *server_nonce, int plus_offered,
				      const uint8_t *cbind, size_t cbind_len)
{
	struct scram_server *s = calloc(1, sizeof(*s));
	if (!s)
		return NULL;
	s->state = SCRAM_STATE_NEW;
	s->plus_offered = plus_offered != 0;
	buf_init(&s->server_first);

	if (server_nonce) {
		size_t n = strnlen(server_nonce, SCRAM_NONCE_MAX + 1);
		if (n == 0 || n > SCRAM_NONCE_MAX || !scram_is_printable(server_nonce, n))
			goto fail;
		memcpy(s->server_nonce, server_nonce, n);
		s->server_nonce_len = n;
	} else {
		uint8_t raw[SCRAM_RANDOM_NONCE_BYTES];
		if (RAND_bytes(raw, sizeof(raw)) != 1)
			goto fail;
		scram_b64_encode(raw, sizeof(raw), s->server_nonce);
		s->server_nonce_len = strlen(s->server_nonce);
	}

	if (cbind && cbind_len > 0) {
		s->cbind = malloc(cbind_len);
		if (!s->cbind)
			goto fail;
		memcpy(s->cbind, cbind, cbind_len);
		s->cbind_len = cbind_len;
	}
	return s;
fail:
	free(s);
	return NULL;
}

void scram_server_free(struct scram_server *s)
{
	if (!s)
		return;
	free(s->cbind);
	buf_free(&s->server_first);
	OPENSSL_cleanse(s, sizeof(*s));
	free(s);
}

enum scram_result scram_server_first(struct scram_server *s, const char *mechanism,
				     const struct scram_verifier *v,
				     const char *msg, size_t len, struct buf *out)
{
	char salt[SCRAM_B64_LEN(SCRAM_MAX_SALT) + 1];
	int plus;

	if (!s)
		return SCRAM_FAIL;
	if (s->state != SCRAM_STATE_NEW)
		goto fail;
	if (!mechanism || !v || !out || !scram_msg_ok(msg, len))
		goto fail;
	if (strcmp(mechanism, SCRAM_MECH) == 0)
		plus = 0;
	else if (strcmp(mechanism, SCRAM_MECH_PLUS) == 0)
		plus = 1;
	else
		goto fail;
	if (v->salt_len == 0 || v->salt_len > SCRAM_MAX_SALT || v->iterations < 1)
		goto fail;
	if (scram_parse_client_first(s, plus, msg, len) < 0)
		goto fail;

	memcpy(s->client_first, msg, len);
	s->client_first_len = len;
	s->v = *v;

	/* server-first-message: r=<client nonce><server nonce>,s=<salt>,i=<iter> */
	scram_b64_encode(v->salt, v->salt_len, salt);
	buf_append(&s->server_first, "r=", 2);
	buf_append(&s->server_first, s->client_first + s->cnonce_off, s->cnonce_len);
	buf_append(&s->server_first, s->server_nonce, s->server_nonce_len);
	buf_printf(&s->server_first, ",s=%s,i=%d", salt, v->iterations);
	buf_append(out, s->server_first.data, s->server_first.len);
	s->state = SCRAM_STATE_SENT_FIRST;
	return SCRAM_CONTINUE;
fail:
	s->state = SCRAM_STATE_FAILED;
	return SCRAM_FAIL;
}

/* c= must decode to exactly the gs2 header, followed by cbind when the flag was "p". */
static int scram_check_binding(const struct scram_server *s, const char *val, size_t vlen)
{
	uint8_t got[SCRAM_MSG_MAX];
	size_t n;
	if (scram_b64_decode(val, vlen, got, sizeof(got), &n) < 0)
		return -1;
	size_t want = s->gs2_len + (s->uses_binding ? s->cbind_len : 0);
	if (n != want || memcmp(got, s->client_first, s->gs2_len) != 0)
		return -1;
	if (s->uses_binding && memcmp(got + s->gs2_len, s->cbind, s->cbind_len) != 0)
		return -1;
	return 0;
}

/* r= must be the client nonce followed by ours, exactly. */
static int scram_check_nonce(const struct scram_server *s, const char *val, size_t vlen)
{
	if (vlen != s->cnonce_len + s->server_nonce_len)
		return -1;
	if (memcmp(val, s->client_first + s->cnonce_off, s->cnonce_len) != 0)
		return -1;
	return memcmp(val + s->cnonce_len, s->server_nonce, s->server_nonce_len) == 0 ? 0 : -1;
}

/*
 * Checks the proof over AuthMessage = client-first-bare "," server-first ","
 * client-final-without-proof and, on success, writes ServerSignature.
 */
static int scram_check_proof(const struct scram_server *s, const char *final_wo_proof,
			     size_t wo_len, const uint8_t proof[SCRAM_KEY_LEN],
			     uint8_t server_sig[SCRAM_KEY_LEN])
{
	struct buf auth;
	uint8_t client_sig[SCRAM_KEY_LEN];
	uint8_t client_key[SCRAM_KEY_LEN];
	uint8_t stored[SCRAM_KEY_LEN];
	int rc = -1;

	buf_init(&auth);
	buf_append(&auth, s->client_first + s->gs2_len, s->client_first_len - s->gs2_len);
	buf_put_u8(&auth, ',');
	buf_append(&auth, s->server_first.data, s->server_first.len);
	buf_put_u8(&auth, ',');
	buf_append(&auth, final_wo_proof, wo_len);

	if (scram_hmac(s->v.stored_key, SCRAM_KEY_LEN, auth.data, auth.len, client_sig) < 0 ||
	    scram_hmac(s->v.server_key, SCRAM_KEY_LEN, auth.data, auth.len, server_sig) < 0)
		goto out;
	for (size_t i = 0; i < SCRAM_KEY_LEN; i++)
		client_key[i] = proof[i] ^ client_sig[i];
	SHA256(client_key, SCRAM_KEY_LEN, stored);
	if (CRYPTO_memcmp(stored, s->v.stored_key, SCRAM_KEY_LEN) == 0)
		rc = 0;
out:
	buf_free(&auth);
	OPENSSL_cleanse(client_key, sizeof(client_key));
	return rc;
}

/*
 * client-final-message = "c=" cbind "," "r=" nonce ["," extensions] "," "p=" proof
 * The proof must be the last attribute (RFC 5802 §7).
 */
enum scram_result scram_server_final(struct scram_server *s, const char *msg, size_t len,
				     struct buf *out)
{
	struct scram_cursor c;
	char attr;
	const char *val;
	size_t vlen;
	uint8_t proof[SCRAM_KEY_LEN];
	uint8_t server_sig[SCRAM_KEY_LEN];

	if (!s)
		return SCRAM_FAIL;
	if (s->state != SCRAM_STATE_SENT_FIRST || !out || !scram_msg_ok(msg, len))
		goto fail;
	assert(s->client_first_len > s->gs2_len && s->server_first.len > 0);

	c.p = msg;
	c.end = msg + len;
	if (scram_attr(&c, &attr, &val, &vlen) < 0 || attr != 'c' ||
	    scram_check_binding(s, val, vlen) < 0)
		goto fail;
	if (scram_next(&c) < 0 || scram_attr(&c, &attr, &val, &vlen) < 0 || attr != 'r' ||
	    scram_check_nonce(s, val, vlen) < 0)
		goto fail;
	/* Skip extensions up to p=; what precedes its ',' is the message without proof. */
	const char *wo_end;
	do {
		wo_end = c.p;
		if (scram_next(&c) < 0 || scram_attr(&c, &attr, &val, &vlen) < 0)
			goto fail;
	} while (attr != 'p');
	if (c.p != c.end)
		goto fail;
	size_t n;
	if (scram_b64_decode(val, vlen, proof, sizeof(proof), &n) < 0 || n != SCRAM_KEY_LEN)
		goto fail;
	if (scram_check_proof(s, msg, (size_t)(wo_end - msg), proof, server_sig) < 0)
		goto fail;

	buf_append(out, "v=", 2);
	scram_buf_put_b64(out, server_sig, SCRAM_KEY_LEN);
	s->state = SCRAM_STATE_DONE_OK;
	return SCRAM_OK;
fail:
	s->state = SCRAM_STATE_FAILED;
	return SCRAM_FAIL;
}
