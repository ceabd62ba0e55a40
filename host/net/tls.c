/*
 * tls.c — TLS server sessions over memory BIOs (see tls.h for the contract).
 *
 * Each session is an OpenSSL SSL object whose two BIOs are memory buffers:
 * `rbio` holds ciphertext received from the peer and not yet consumed by
 * the record layer, `wbio` collects the records OpenSSL wants sent.  Nothing
 * ever blocks, so OpenSSL only reports SSL_ERROR_WANT_READ ("feed me more
 * bytes") and never WANT_WRITE: a memory BIO grows instead of refusing.
 *
 * INTERFACE ROUTINES
 *   tls_ctx_new / tls_ctx_free      SSL_CTX with certificate chain, key, ALPN list
 *   tls_conn_new / tls_conn_free    SSL in accept state plus its two memory BIOs
 *   tls_conn_recv                   rbio <- ciphertext; handshake, then SSL_read
 *   tls_conn_send                   SSL_write; wbio -> cipher_out
 *   tls_conn_handshake_done         handshake completed flag
 *   tls_conn_alpn/_sni/_version/_cipher   what the handshake negotiated
 *   tls_conn_close_notify           SSL_shutdown (one direction), drain wbio
 *   tls_conn_server_end_point       RFC 5929 tls-server-end-point hash
 *
 * Session states
 *
 *     HANDSHAKE   --(SSL_do_handshake == 1)--> OPEN         [tls_conn_recv]
 *     HANDSHAKE   --(fatal error)------------> FAILED       [tls_conn_recv]
 *     OPEN        --(fatal error)------------> FAILED       [tls_conn_recv, tls_conn_send]
 *     OPEN        --(peer close_notify)------> PEER_CLOSED  [tls_conn_recv returns 1]
 *
 *   FAILED is terminal: every later recv/send returns -1 at once, because
 *   OpenSSL forbids further I/O on an SSL that has seen a fatal error.
 *   PEER_CLOSED still sends (a half-close), and recv keeps returning 1.
 *   Plaintext that arrived before the close_notify, in the same call, is
 *   already in plain_in when recv returns 1.
 *
 * Invariants
 *   1. After every public call returns, wbio is empty: anything OpenSSL
 *      produced (handshake flight, ticket, alert, data) is in the caller's
 *      cipher_out.  The caller therefore never has to poll for output.
 *   2. The thread's OpenSSL error queue is empty when a public call
 *      returns, so one session's errors are never blamed on another.
 *   3. Once `failed` is set no SSL_* I/O call is made on the session again.
 */
#include "net/tls.h"

#include <limits.h>
#include <string.h>

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include "core/log.h"

struct tls_ctx {
	SSL_CTX *ssl_ctx;
	/* Server ALPN list in wire format (length byte, name, ...), preference order. */
	unsigned char *alpn;
	size_t alpn_len;
};

struct tls_conn {
	SSL *ssl;
	BIO *rbio; /* owned by ssl */
	BIO *wbio; /* owned by ssl */
	int handshake_done;
	int failed;
	char alpn[256]; /* NUL-terminated copy of the selected protocol; "" if none */
};

/* Plaintext is read in steps of one maximal TLS record. */
#define TLS_READ_STEP 16384
/* Plaintext is written in slices so wbio never holds more than one slice. */
#define TLS_WRITE_STEP (64 * 1024)

/*
 * Log the oldest error on the thread's OpenSSL queue (the root cause; later
 * entries are wrappers added on the way out) and empty the queue.
 */
static void tls_log_openssl_error(enum log_level lvl, const char *event, const char *what)
{
	unsigned long e = ERR_get_error();
	const char *reason = NULL;
	if (e && ERR_SYSTEM_ERROR(e))
		reason = strerror(ERR_GET_REASON(e));
	else if (e)
		reason = ERR_reason_error_string(e);
	const char *lib = e ? ERR_lib_error_string(e) : NULL;
	log_msg(lvl, event, "what=\"%s\" lib=\"%s\" reason=\"%s\"", what, lib ? lib : "-",
		reason ? reason : "unknown");
	ERR_clear_error();
}

/* Move every byte OpenSSL queued in wbio to the caller's buffer (invariant 1). */
static void tls_drain_wbio(struct tls_conn *t, struct buf *cipher_out)
{
	size_t pending;
	while ((pending = BIO_ctrl_pending(t->wbio)) > 0) {
		int step = pending > INT_MAX ? INT_MAX : (int)pending;
		buf_reserve(cipher_out, (size_t)step);
		int got = BIO_read(t->wbio, cipher_out->data + cipher_out->len, step);
		if (got <= 0)
			break;
		cipher_out->len += (size_t)got;
	}
}

/* Refuse encrypted keys instead of prompting: a server must never read the terminal. */
static int tls_no_passphrase(char *buf, int size, int rwflag, void *userdata)
{
	(void)buf;
	(void)size;
	(void)rwflag;
	(void)userdata;
	return 0;
}

/*
 * ALPN selection: the first protocol in the server's list that the client
 * also offered (server preference).  With no overlap, NOACK lets the
 * handshake go on without ALPN instead of failing with no_application_protocol,
 * so a client that offers only, say, "h2" still reaches a protocol that can
 * tell it what went wrong in its own terms.
 */
static int tls_alpn_select(SSL *ssl, const unsigned char **out, unsigned char *outlen,
			   const unsigned char *in, unsigned int inlen, void *arg)
{
	(void)ssl;
	const struct tls_ctx *ctx = arg;
	for (size_t s = 0; s < ctx->alpn_len; s += 1u + ctx->alpn[s]) {
		const unsigned char *name = ctx->alpn + s + 1;
		unsigned char name_len = ctx->alpn[s];
		for (unsigned int c = 0; c < inlen; c += 1u + in[c]) {
			/* OpenSSL has validated the client list's framing; stay defensive. */
			if (c + 1u + in[c] > inlen)
				break;
			if (in[c] == name_len && memcmp(in + c + 1, name, name_len) == 0) {
				*out = name;
				*outlen = name_len;
				return SSL_TLSEXT_ERR_OK;
			}
		}
	}
	return SSL_TLSEXT_ERR_NOACK;
}

/* Build the wire-format ALPN list; -1 if a name is empty or longer than 255 bytes. */
static int tls_ctx_set_alpn(struct tls_ctx *ctx, const char *const *alpn)
{
	size_t total = 0;
	for (size_t i = 0; alpn[i]; i++) {
		size_t n = strlen(alpn[i]);
		if (n == 0 || n > 255) {
			log_error("tls_config", "what=\"alpn\" reason=\"protocol name must be 1..255 bytes\"");
			return -1;
		}
		total += 1 + n;
	}
	if (total == 0)
		return 0;
	ctx->alpn = OPENSSL_malloc(total);
	if (!ctx->alpn)
		return -1;
	size_t at = 0;
	for (size_t i = 0; alpn[i]; i++) {
		size_t n = strlen(alpn[i]);
		ctx->alpn[at++] = (unsigned char)n;
		memcpy(ctx->alpn + at, alpn[i], n);
		at += n;
	}
	ctx->alpn_len = total;
	return 0;
}

struct tls_ctx *tls_ctx_new(const char *cert_path, const char *key_path, const char *const *alpn)
{
	struct tls_ctx *ctx = OPENSSL_zalloc(sizeof(*ctx));
	if (!ctx)
		return NULL;
	ERR_clear_error();
	ctx->ssl_ctx = SSL_CTX_new(TLS_server_method());
	if (!ctx->ssl_ctx) {
		tls_log_openssl_error(LOG_ERROR, "tls_config", "SSL_CTX_new");
		goto fail;
	}
	SSL_CTX_set_default_passwd_cb(ctx->ssl_ctx, tls_no_passphrase);
	if (!SSL_CTX_set_min_proto_version(ctx->ssl_ctx, TLS1_2_VERSION)) {
		tls_log_openssl_error(LOG_ERROR, "tls_config", "min_proto_version");
		goto fail;
	}
	/* Renegotiation buys nothing for a database and has a history of attacks. */
	SSL_CTX_set_options(ctx->ssl_ctx, SSL_OP_NO_RENEGOTIATION);

	if (SSL_CTX_use_certificate_chain_file(ctx->ssl_ctx, cert_path) != 1) {
		tls_log_openssl_error(LOG_ERROR, "tls_config", cert_path);
		goto fail;
	}
	if (SSL_CTX_use_PrivateKey_file(ctx->ssl_ctx, key_path, SSL_FILETYPE_PEM) != 1) {
		tls_log_openssl_error(LOG_ERROR, "tls_config", key_path);
		goto fail;
	}
	/* A key of another type than the certificate loads fine; this catches it. */
	if (SSL_CTX_check_private_key(ctx->ssl_ctx) != 1) {
		tls_log_openssl_error(LOG_ERROR, "tls_config", "key does not match certificate");
		goto fail;
	}
	if (alpn && tls_ctx_set_alpn(ctx, alpn) < 0)
		goto fail;
	if (ctx->alpn_len)
		SSL_CTX_set_alpn_select_cb(ctx->ssl_ctx, tls_alpn_select, ctx);
	return ctx;

fail:
	tls_ctx_free(ctx);
	return NULL;
}

void tls_ctx_free(struct tls_ctx *ctx)
{
	if (!ctx)
		return;
	SSL_CTX_free(ctx->ssl_ctx);
	OPENSSL_free(ctx->alpn);
	OPENSSL_free(ctx);
}

struct tls_conn *tls_conn_new(struct tls_ctx *ctx, unsigned flags)
{
	if (flags & ~(unsigned)TLS_CONN_MAX_TLS12)
		return NULL;
	struct tls_conn *t = OPENSSL_zalloc(sizeof(*t));
	if (!t)
		return NULL;
	ERR_clear_error();
	t->ssl = SSL_new(ctx->ssl_ctx);
	BIO *rbio = BIO_new(BIO_s_mem());
	BIO *wbio = BIO_new(BIO_s_mem());
	if (!t->ssl || !rbio || !wbio) {
		BIO_free(rbio);
		BIO_free(wbio);
		tls_log_openssl_error(LOG_ERROR, "tls_conn", "SSL_new");
		tls_conn_free(t);
		return NULL;
	}
	SSL_set_bio(t->ssl, rbio, wbio); /* ssl owns both from here on */
	t->rbio = rbio;
	t->wbio = wbio;
	SSL_set_accept_state(t->ssl);
	if ((flags & TLS_CONN_MAX_TLS12) && !SSL_set_max_proto_version(t->ssl, TLS1_2_VERSION)) {
		tls_log_openssl_error(LOG_ERROR, "tls_conn", "max_proto_version");
		tls_conn_free(t);
		return NULL;
	}
	return t;
}

void tls_conn_free(struct tls_conn *t)
{
	if (!t)
		return;
	SSL_free(t->ssl);
	OPENSSL_free(t);
}

/* Record what the handshake settled that OpenSSL does not keep NUL-terminated. */
static void tls_conn_record_handshake(struct tls_conn *t)
{
	const unsigned char *p = NULL;
	unsigned int n = 0;
	SSL_get0_alpn_selected(t->ssl, &p, &n);
	if (p && n > 0 && n < sizeof(t->alpn)) {
		memcpy(t->alpn, p, n);
		t->alpn[n] = '\0';
	}
	t->handshake_done = 1;
}

/*
 * Classify the result `rc` of an SSL_* I/O call: 0 when OpenSSL merely needs
 * more ciphertext, 1 on close_notify, -1 (session marked FAILED, reason
 * logged) otherwise.
 */
static int tls_conn_classify(struct tls_conn *t, int rc, const char *what)
{
	switch (SSL_get_error(t->ssl, rc)) {
	case SSL_ERROR_WANT_READ:
		ERR_clear_error();
		return 0;
	case SSL_ERROR_ZERO_RETURN:
		ERR_clear_error();
		return 1;
	default:
		t->failed = 1;
		tls_log_openssl_error(LOG_WARN, "tls_error", what);
		return -1;
	}
}

int tls_conn_recv(struct tls_conn *t, const uint8_t *cipher, size_t n,
		  struct buf *plain_in, struct buf *cipher_out)
{
	if (t->failed)
		return -1;
	ERR_clear_error();
	while (n > 0) {
		int step = n > INT_MAX ? INT_MAX : (int)n;
		int put = BIO_write(t->rbio, cipher, step);
		if (put <= 0) {
			t->failed = 1;
			tls_log_openssl_error(LOG_WARN, "tls_error", "BIO_write");
			return -1;
		}
		cipher += put;
		n -= (size_t)put;
	}

	int rc = 0;
	if (!t->handshake_done) {
		int r = SSL_do_handshake(t->ssl);
		if (r == 1) {
			tls_conn_record_handshake(t);
		} else {
			rc = tls_conn_classify(t, r, "handshake");
		}
	}
	/* The client's first data may arrive in the same flight as its Finished. */
	while (rc == 0 && t->handshake_done) {
		buf_reserve(plain_in, TLS_READ_STEP);
		int r = SSL_read(t->ssl, plain_in->data + plain_in->len, TLS_READ_STEP);
		if (r > 0) {
			plain_in->len += (size_t)r;
			continue;
		}
		rc = tls_conn_classify(t, r, "read");
		if (rc == 0)
			break;
	}
	tls_drain_wbio(t, cipher_out);
	return rc;
}

int tls_conn_send(struct tls_conn *t, const uint8_t *plain, size_t n, struct buf *cipher_out)
{
	if (t->failed || !t->handshake_done)
		return -1;
	ERR_clear_error();
	while (n > 0) {
		int step = n > TLS_WRITE_STEP ? TLS_WRITE_STEP : (int)n;
		int r = SSL_write(t->ssl, plain, step);
		if (r <= 0) {
			/* WANT_READ cannot happen with renegotiation off; treat all as fatal. */
			t->failed = 1;
			tls_log_openssl_error(LOG_WARN, "tls_error", "write");
			tls_drain_wbio(t, cipher_out);
			return -1;
		}
		plain += r;
		n -= (size_t)r;
		tls_drain_wbio(t, cipher_out);
	}
	return 0;
}

int tls_conn_handshake_done(const struct tls_conn *t)
{
	return t->handshake_done;
}

const char *tls_conn_alpn(const struct tls_conn *t)
{
	return t->alpn[0] ? t->alpn : NULL;
}

const char *tls_conn_sni(const struct tls_conn *t)
{
	if (!t->handshake_done)
		return NULL;
	/* Points into the SSL's own storage: valid until tls_conn_free(). */
	return SSL_get_servername(t->ssl, TLSEXT_NAMETYPE_host_name);
}

/* Meaningful once the handshake is done; before that OpenSSL reports its defaults. */
const char *tls_conn_version(const struct tls_conn *t)
{
	return SSL_get_version(t->ssl);
}

const char *tls_conn_cipher(const struct tls_conn *t)
{
	return SSL_CIPHER_get_name(SSL_get_current_cipher(t->ssl));
}

/*
 * Queue a close_notify.  OpenSSL refuses it during the handshake and after a
 * fatal error; both return -1 and the caller simply closes.  Returns 0 once
 * the alert is in cipher_out.
 */
int tls_conn_close_notify(struct tls_conn *t, struct buf *cipher_out)
{
	if (t->failed || !t->handshake_done)
		return -1;
	ERR_clear_error();
	int r = SSL_shutdown(t->ssl);
	tls_drain_wbio(t, cipher_out);
	ERR_clear_error();
	return r < 0 ? -1 : 0;
}

/*
 * RFC 5929 §4.1: hash the DER certificate with the hash of its signature
 * algorithm, except that MD5 and SHA-1 are replaced by SHA-256.  For
 * signatures without a single hash (Ed25519, unknown algorithms) the RFC
 * leaves the binding undefined; we fall back to SHA-256 so the caller always
 * gets a value, knowing a client may refuse channel binding for such a
 * certificate.  The certificate is the context's, so this works before the
 * handshake too.
 */
int tls_conn_server_end_point(const struct tls_conn *t, uint8_t out[64], size_t *len)
{
	X509 *cert = SSL_get_certificate(t->ssl);
	if (!cert)
		return -1;
	int md_nid = NID_undef;
	if (!X509_get_signature_info(cert, &md_nid, NULL, NULL, NULL)) {
		int pk_nid;
		if (!OBJ_find_sigid_algs(X509_get_signature_nid(cert), &md_nid, &pk_nid))
			md_nid = NID_undef;
	}
	const EVP_MD *md = NULL;
	if (md_nid != NID_undef && md_nid != NID_md5 && md_nid != NID_sha1)
		md = EVP_get_digestbynid(md_nid);
	if (!md || EVP_MD_get_size(md) <= 0 || EVP_MD_get_size(md) > 64)
		md = EVP_sha256();
	unsigned int n = 0;
	int ok = X509_digest(cert, md, out, &n);
	ERR_clear_error();
	if (!ok)
		return -1;
	*len = n;
	return 0;
}
