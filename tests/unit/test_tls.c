/*
 * test_tls.c — TLS server sessions over memory buffers.
 *
 * A real OpenSSL client (its own SSL_CTX, its own memory BIOs, full
 * certificate verification against the generated certificate as its only
 * CA) talks to a tls_conn; the test moves ciphertext between the two by
 * hand.  Checked: handshake and version, ALPN and SNI, plaintext both ways
 * including across partial records, the TLS 1.2 cap, fatal input, close
 * handling, tls-server-end-point, configuration errors, and the generated
 * certificate itself.
 */
#include <CUnit/CUnit.h>
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "core/buf.h"
#include "net/tls.h"

static char tls_dir[64];
static char cert_path[128], key_path[128];
static char other_cert_path[128], other_key_path[128];
static struct tls_ctx *server_ctx;

static const char *const server_alpn[] = {"postgresql", "http/1.1", NULL};

/* ---- fixture: one certificate for the whole suite (RSA keygen is slow) -- */

static int tls_suite_init(void)
{
	strcpy(tls_dir, "/tmp/rosetta-tls-XXXXXX");
	if (!mkdtemp(tls_dir))
		return -1;
	snprintf(cert_path, sizeof(cert_path), "%s/cert.pem", tls_dir);
	snprintf(key_path, sizeof(key_path), "%s/key.pem", tls_dir);
	snprintf(other_cert_path, sizeof(other_cert_path), "%s/other-cert.pem", tls_dir);
	snprintf(other_key_path, sizeof(other_key_path), "%s/other-key.pem", tls_dir);
	/* A world-readable file already in place must still end up 0600. */
	int fd = open(other_key_path, O_WRONLY | O_CREAT, 0644);
	if (fd < 0)
		return -1;
	close(fd);
	if (tls_make_self_signed(cert_path, key_path, "rosetta-test") < 0 ||
	    tls_make_self_signed(other_cert_path, other_key_path, "other") < 0)
		return -1;
	server_ctx = tls_ctx_new(cert_path, key_path, server_alpn);
	return server_ctx ? 0 : -1;
}

static int tls_suite_cleanup(void)
{
	tls_ctx_free(server_ctx);
	server_ctx = NULL;
	DIR *d = opendir(tls_dir);
	if (d) {
		struct dirent *e;
		while ((e = readdir(d)) != NULL)
			if (e->d_name[0] != '.')
				unlinkat(dirfd(d), e->d_name, 0);
		closedir(d);
	}
	rmdir(tls_dir);
	return 0;
}

static X509 *load_cert(const char *path)
{
	FILE *f = fopen(path, "r");
	if (!f)
		return NULL;
	X509 *x = PEM_read_X509(f, NULL, NULL, NULL);
	fclose(f);
	return x;
}

static EVP_PKEY *load_key(const char *path)
{
	FILE *f = fopen(path, "r");
	if (!f)
		return NULL;
	EVP_PKEY *k = PEM_read_PrivateKey(f, NULL, NULL, NULL);
	fclose(f);
	return k;
}

/* ---- a client and a server session joined by hand-carried bytes -------- */

struct client_opts {
	const char *alpn;        /* wire format (length-prefixed names), or NULL */
	const char *sni;         /* host name to send, or NULL */
	const char *verify_host; /* DNS name the certificate must match, or NULL */
	const char *verify_ip;   /* IP address the certificate must match, or NULL */
	unsigned server_flags;   /* tls_conn_new() flags */
	size_t chunk;            /* client->server bytes per tls_conn_recv; 0 = all */
};

struct tls_pair {
	SSL_CTX *cctx;
	SSL *cli;
	BIO *cli_in;  /* server -> client ciphertext (owned by cli) */
	BIO *cli_out; /* client -> server ciphertext (owned by cli) */
	struct tls_conn *srv;
	struct buf srv_plain; /* plaintext the server has received */
	struct buf srv_out;   /* ciphertext the server produced, not yet delivered */
	int srv_rc;           /* first non-zero tls_conn_recv result, else 0 */
	size_t chunk;
};

static int pair_open(struct tls_pair *p, struct tls_ctx *sctx, const struct client_opts *o)
{
	memset(p, 0, sizeof(*p));
	buf_init(&p->srv_plain);
	buf_init(&p->srv_out);
	p->chunk = o->chunk;
	p->srv = tls_conn_new(sctx, o->server_flags);
	p->cctx = SSL_CTX_new(TLS_client_method());
	if (!p->srv || !p->cctx)
		return -1;
	if (SSL_CTX_load_verify_locations(p->cctx, cert_path, NULL) != 1)
		return -1;
	SSL_CTX_set_verify(p->cctx, SSL_VERIFY_PEER, NULL);
	p->cli = SSL_new(p->cctx);
	p->cli_in = BIO_new(BIO_s_mem());
	p->cli_out = BIO_new(BIO_s_mem());
	if (!p->cli || !p->cli_in || !p->cli_out)
		return -1;
	SSL_set_bio(p->cli, p->cli_in, p->cli_out);
	SSL_set_connect_state(p->cli);
	if (o->alpn && SSL_set_alpn_protos(p->cli, (const unsigned char *)o->alpn,
					   (unsigned)strlen(o->alpn)) != 0)
		return -1;
	if (o->sni && SSL_set_tlsext_host_name(p->cli, o->sni) != 1)
		return -1;
	if (o->verify_host && SSL_set1_host(p->cli, o->verify_host) != 1)
		return -1;
	if (o->verify_ip && X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(p->cli), o->verify_ip) != 1)
		return -1;
	return 0;
}

static void pair_close(struct tls_pair *p)
{
	SSL_free(p->cli); /* frees cli_in and cli_out */
	SSL_CTX_free(p->cctx);
	tls_conn_free(p->srv);
	buf_free(&p->srv_plain);
	buf_free(&p->srv_out);
	ERR_clear_error();
}

/* Carry whatever is pending in both directions once; returns bytes moved. */
static size_t pair_pump(struct tls_pair *p)
{
	size_t moved = 0;
	size_t pending = BIO_ctrl_pending(p->cli_out);
	if (pending > 0) {
		uint8_t *tmp = malloc(pending);
		int got = BIO_read(p->cli_out, tmp, (int)pending);
		size_t step = p->chunk ? p->chunk : (size_t)got;
		for (size_t at = 0; got > 0 && at < (size_t)got; at += step) {
			size_t n = (size_t)got - at < step ? (size_t)got - at : step;
			int rc = tls_conn_recv(p->srv, tmp + at, n, &p->srv_plain, &p->srv_out);
			if (rc != 0 && p->srv_rc == 0)
				p->srv_rc = rc;
			if (rc != 0)
				break;
		}
		free(tmp);
		moved += pending;
	}
	if (buf_unread(&p->srv_out) > 0) {
		moved += buf_unread(&p->srv_out);
		BIO_write(p->cli_in, buf_rptr(&p->srv_out), (int)buf_unread(&p->srv_out));
		buf_consume(&p->srv_out, buf_unread(&p->srv_out));
	}
	return moved;
}

/* Drive both handshakes; 0 when both sides completed. */
static int pair_handshake(struct tls_pair *p)
{
	for (int round = 0; round < 50; round++) {
		int cli_rc = SSL_do_handshake(p->cli);
		int cli_failed = cli_rc <= 0 && SSL_get_error(p->cli, cli_rc) != SSL_ERROR_WANT_READ;
		size_t moved = pair_pump(p);
		if (cli_failed || p->srv_rc != 0)
			return -1;
		if (cli_rc == 1 && tls_conn_handshake_done(p->srv) && moved == 0)
			return 0;
	}
	return -1;
}

/* Read exactly `want` plaintext bytes on the client into `out`; 0 or -1. */
static int client_read(struct tls_pair *p, struct buf *out, size_t want)
{
	for (int idle = 0; buf_unread(out) < want && idle < 3;) {
		buf_reserve(out, 16384);
		int r = SSL_read(p->cli, out->data + out->len, 16384);
		if (r > 0) {
			out->len += (size_t)r;
			idle = 0;
			continue;
		}
		if (SSL_get_error(p->cli, r) != SSL_ERROR_WANT_READ)
			return -1;
		if (pair_pump(p) == 0)
			idle++;
	}
	return buf_unread(out) == want ? 0 : -1;
}

static void fill_pattern(uint8_t *p, size_t n, uint32_t seed)
{
	for (size_t i = 0; i < n; i++) {
		seed = seed * 1103515245u + 12345u;
		p[i] = (uint8_t)(seed >> 16);
	}
}

/* ---- tests -------------------------------------------------------------- */

static void handshake_negotiates_tls13_with_verified_certificate(void)
{
	struct tls_pair p;
	struct client_opts o = {.verify_host = "localhost"};
	CU_ASSERT_FATAL(pair_open(&p, server_ctx, &o) == 0);
	CU_ASSERT_EQUAL(tls_conn_handshake_done(p.srv), 0);
	CU_ASSERT_EQUAL(pair_handshake(&p), 0);
	CU_ASSERT_EQUAL(tls_conn_handshake_done(p.srv), 1);
	CU_ASSERT_EQUAL(SSL_is_init_finished(p.cli), 1);
	CU_ASSERT_EQUAL(SSL_get_verify_result(p.cli), X509_V_OK);
	CU_ASSERT_STRING_EQUAL(tls_conn_version(p.srv), "TLSv1.3");
	CU_ASSERT_EQUAL(SSL_version(p.cli), TLS1_3_VERSION);
	CU_ASSERT_STRING_EQUAL(tls_conn_cipher(p.srv), SSL_get_cipher_name(p.cli));
	CU_ASSERT_PTR_NULL(tls_conn_alpn(p.srv)); /* the client offered none */
	CU_ASSERT_PTR_NULL(tls_conn_sni(p.srv));  /* the client sent none */
	pair_close(&p);
}

static void certificate_verifies_for_every_loopback_name(void)
{
	struct client_opts opts[] = {
		{.verify_host = "localhost"},
		{.verify_ip = "127.0.0.1"},
		{.verify_ip = "::1"},
	};
	for (size_t i = 0; i < sizeof(opts) / sizeof(opts[0]); i++) {
		struct tls_pair p;
		CU_ASSERT_FATAL(pair_open(&p, server_ctx, &opts[i]) == 0);
		CU_ASSERT_EQUAL(pair_handshake(&p), 0);
		CU_ASSERT_EQUAL(SSL_get_verify_result(p.cli), X509_V_OK);
		pair_close(&p);
	}
}

static void client_rejecting_certificate_fails_server_session(void)
{
	struct tls_pair p;
	struct client_opts o = {.verify_host = "db.example.com"};
	CU_ASSERT_FATAL(pair_open(&p, server_ctx, &o) == 0);
	CU_ASSERT_EQUAL(pair_handshake(&p), -1);
	CU_ASSERT_EQUAL(SSL_get_verify_result(p.cli), X509_V_ERR_HOSTNAME_MISMATCH);
	/* The client's bad_certificate alert reached the server. */
	CU_ASSERT_EQUAL(p.srv_rc, -1);
	CU_ASSERT_EQUAL(tls_conn_handshake_done(p.srv), 0);
	pair_close(&p);
}

static void alpn_selects_first_server_protocol_the_client_offers(void)
{
	static const struct {
		const char *offer;
		const char *want;
	} cases[] = {
		{"\x0apostgresql", "postgresql"},
		{"\x08http/1.1", "http/1.1"},
		/* Server order wins over client order. */
		{"\x08http/1.1\x0apostgresql", "postgresql"},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct tls_pair p;
		struct client_opts o = {.alpn = cases[i].offer, .verify_host = "localhost"};
		CU_ASSERT_FATAL(pair_open(&p, server_ctx, &o) == 0);
		CU_ASSERT_EQUAL(pair_handshake(&p), 0);
		CU_ASSERT_PTR_NOT_NULL_FATAL(tls_conn_alpn(p.srv));
		CU_ASSERT_STRING_EQUAL(tls_conn_alpn(p.srv), cases[i].want);
		const unsigned char *sel = NULL;
		unsigned int sel_len = 0;
		SSL_get0_alpn_selected(p.cli, &sel, &sel_len);
		CU_ASSERT_EQUAL(sel_len, strlen(cases[i].want));
		CU_ASSERT(sel && memcmp(sel, cases[i].want, sel_len) == 0);
		pair_close(&p);
	}
}

static void alpn_without_overlap_completes_without_protocol(void)
{
	struct tls_pair p;
	struct client_opts o = {.alpn = "\x03h2x", .verify_host = "localhost"};
	CU_ASSERT_FATAL(pair_open(&p, server_ctx, &o) == 0);
	CU_ASSERT_EQUAL(pair_handshake(&p), 0);
	CU_ASSERT_EQUAL(tls_conn_handshake_done(p.srv), 1);
	CU_ASSERT_PTR_NULL(tls_conn_alpn(p.srv));
	const unsigned char *sel = NULL;
	unsigned int sel_len = 0;
	SSL_get0_alpn_selected(p.cli, &sel, &sel_len);
	CU_ASSERT_EQUAL(sel_len, 0);
	pair_close(&p);
}

static void sni_host_name_is_recorded(void)
{
	struct tls_pair p;
	struct client_opts o = {.sni = "db.example.test", .verify_host = "localhost"};
	CU_ASSERT_FATAL(pair_open(&p, server_ctx, &o) == 0);
	CU_ASSERT_PTR_NULL(tls_conn_sni(p.srv)); /* not before the handshake */
	CU_ASSERT_EQUAL(pair_handshake(&p), 0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(tls_conn_sni(p.srv));
	CU_ASSERT_STRING_EQUAL(tls_conn_sni(p.srv), "db.example.test");
	pair_close(&p);
}

static void handshake_survives_one_byte_deliveries(void)
{
	struct tls_pair p;
	struct client_opts o = {.verify_host = "localhost", .chunk = 1};
	CU_ASSERT_FATAL(pair_open(&p, server_ctx, &o) == 0);
	CU_ASSERT_EQUAL(pair_handshake(&p), 0);
	CU_ASSERT_EQUAL(tls_conn_handshake_done(p.srv), 1);
	pair_close(&p);
}

static void plaintext_round_trips_both_ways(void)
{
	struct tls_pair p;
	struct client_opts o = {.verify_host = "localhost"};
	CU_ASSERT_FATAL(pair_open(&p, server_ctx, &o) == 0);
	CU_ASSERT_FATAL(pair_handshake(&p) == 0);

	/* Small messages. */
	CU_ASSERT_EQUAL(SSL_write(p.cli, "hello", 5), 5);
	pair_pump(&p);
	CU_ASSERT_EQUAL(p.srv_rc, 0);
	CU_ASSERT(buf_unread(&p.srv_plain) == 5 && memcmp(buf_rptr(&p.srv_plain), "hello", 5) == 0);
	buf_consume(&p.srv_plain, buf_unread(&p.srv_plain));

	CU_ASSERT_EQUAL(tls_conn_send(p.srv, (const uint8_t *)"world", 5, &p.srv_out), 0);
	CU_ASSERT(buf_unread(&p.srv_out) > 5); /* records, not plaintext */
	struct buf got;
	buf_init(&got);
	CU_ASSERT_EQUAL(client_read(&p, &got, 5), 0);
	CU_ASSERT(got.len == 5 && memcmp(got.data, "world", 5) == 0);
	buf_reset(&got);

	/* 1 MiB each way; client->server arrives in 1000-byte pieces that cut records. */
	size_t big_len = 1u << 20;
	uint8_t *big = malloc(big_len);
	CU_ASSERT_PTR_NOT_NULL_FATAL(big);
	fill_pattern(big, big_len, 7);

	CU_ASSERT_EQUAL(tls_conn_send(p.srv, big, big_len, &p.srv_out), 0);
	CU_ASSERT_EQUAL(client_read(&p, &got, big_len), 0);
	CU_ASSERT(got.len == big_len && memcmp(got.data, big, big_len) == 0);

	fill_pattern(big, big_len, 11);
	p.chunk = 1000;
	CU_ASSERT_EQUAL(SSL_write(p.cli, big, (int)big_len), (int)big_len);
	pair_pump(&p);
	CU_ASSERT_EQUAL(p.srv_rc, 0);
	CU_ASSERT_EQUAL(buf_unread(&p.srv_plain), big_len);
	CU_ASSERT(buf_unread(&p.srv_plain) == big_len &&
		  memcmp(buf_rptr(&p.srv_plain), big, big_len) == 0);

	free(big);
	buf_free(&got);
	pair_close(&p);
}

static void max_tls12_flag_negotiates_tls12(void)
{
	struct tls_pair p;
	struct client_opts o = {.alpn = "\x0apostgresql",
				.verify_host = "localhost",
				.server_flags = TLS_CONN_MAX_TLS12};
	CU_ASSERT_FATAL(pair_open(&p, server_ctx, &o) == 0);
	CU_ASSERT_EQUAL(pair_handshake(&p), 0);
	CU_ASSERT_STRING_EQUAL(tls_conn_version(p.srv), "TLSv1.2");
	CU_ASSERT_EQUAL(SSL_version(p.cli), TLS1_2_VERSION);
	CU_ASSERT_PTR_NOT_NULL(tls_conn_alpn(p.srv));

	CU_ASSERT_EQUAL(SSL_write(p.cli, "ping", 4), 4);
	pair_pump(&p);
	CU_ASSERT(buf_unread(&p.srv_plain) == 4 && memcmp(buf_rptr(&p.srv_plain), "ping", 4) == 0);
	CU_ASSERT_EQUAL(tls_conn_send(p.srv, (const uint8_t *)"pong", 4, &p.srv_out), 0);
	struct buf got;
	buf_init(&got);
	CU_ASSERT_EQUAL(client_read(&p, &got, 4), 0);
	CU_ASSERT(got.len == 4 && memcmp(got.data, "pong", 4) == 0);
	buf_free(&got);
	pair_close(&p);

	/* Unknown flags are refused rather than ignored. */
	CU_ASSERT_PTR_NULL(tls_conn_new(server_ctx, 0x80));
}

static void garbage_input_is_fatal_and_stays_fatal(void)
{
	struct buf plain, out;
	buf_init(&plain);
	buf_init(&out);

	/* A plaintext HTTP request on the TLS port. */
	static const char http[] = "GET / HTTP/1.1\r\n\r\n";
	struct tls_conn *t = tls_conn_new(server_ctx, 0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(t);
	CU_ASSERT_EQUAL(tls_conn_recv(t, (const uint8_t *)http, sizeof(http) - 1, &plain, &out), -1);
	CU_ASSERT_EQUAL(buf_unread(&plain), 0);
	CU_ASSERT_EQUAL(tls_conn_handshake_done(t), 0);
	/* The session is dead: later input and output are refused too. */
	CU_ASSERT_EQUAL(tls_conn_recv(t, (const uint8_t *)"\x16", 1, &plain, &out), -1);
	CU_ASSERT_EQUAL(tls_conn_send(t, (const uint8_t *)"x", 1, &out), -1);
	CU_ASSERT_EQUAL(tls_conn_close_notify(t, &out), -1);
	tls_conn_free(t);

	/* A well-framed but empty ClientHello: the decode_error alert is flushed. */
	static const uint8_t empty_hello[] = {0x16, 0x03, 0x01, 0x00, 0x04, 0x01, 0x00, 0x00, 0x00};
	buf_reset(&out);
	t = tls_conn_new(server_ctx, 0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(t);
	CU_ASSERT_EQUAL(tls_conn_recv(t, empty_hello, sizeof(empty_hello), &plain, &out), -1);
	CU_ASSERT(buf_unread(&out) >= 7 && out.data[0] == 0x15); /* an alert record */
	tls_conn_free(t);

	buf_free(&plain);
	buf_free(&out);
}

static void send_before_handshake_is_refused(void)
{
	struct buf out;
	buf_init(&out);
	struct tls_conn *t = tls_conn_new(server_ctx, 0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(t);
	CU_ASSERT_EQUAL(tls_conn_send(t, (const uint8_t *)"x", 1, &out), -1);
	CU_ASSERT_EQUAL(tls_conn_close_notify(t, &out), -1);
	CU_ASSERT_EQUAL(out.len, 0);
	tls_conn_free(t);
	buf_free(&out);
}

static void close_notify_is_reported_both_ways(void)
{
	/* Client closes: the server's recv returns 1. */
	struct tls_pair p;
	struct client_opts o = {.verify_host = "localhost"};
	CU_ASSERT_FATAL(pair_open(&p, server_ctx, &o) == 0);
	CU_ASSERT_FATAL(pair_handshake(&p) == 0);
	CU_ASSERT(SSL_shutdown(p.cli) >= 0);
	pair_pump(&p);
	CU_ASSERT_EQUAL(p.srv_rc, 1);
	pair_close(&p);

	/* Server closes: the client reads a clean end of stream. */
	CU_ASSERT_FATAL(pair_open(&p, server_ctx, &o) == 0);
	CU_ASSERT_FATAL(pair_handshake(&p) == 0);
	CU_ASSERT_EQUAL(tls_conn_close_notify(p.srv, &p.srv_out), 0);
	CU_ASSERT(buf_unread(&p.srv_out) > 0);
	pair_pump(&p);
	char c;
	int r = SSL_read(p.cli, &c, 1);
	CU_ASSERT_EQUAL(r, 0);
	CU_ASSERT_EQUAL(SSL_get_error(p.cli, r), SSL_ERROR_ZERO_RETURN);
	pair_close(&p);
}

static void server_end_point_is_sha256_of_certificate(void)
{
	struct tls_pair p;
	struct client_opts o = {.verify_host = "localhost"};
	CU_ASSERT_FATAL(pair_open(&p, server_ctx, &o) == 0);
	CU_ASSERT_FATAL(pair_handshake(&p) == 0);

	uint8_t cb[64];
	size_t cb_len = 0;
	CU_ASSERT_EQUAL(tls_conn_server_end_point(p.srv, cb, &cb_len), 0);
	CU_ASSERT_EQUAL(cb_len, 32);

	/* Independently: SHA-256 over the certificate's DER, from file and as the client saw it. */
	X509 *x = load_cert(cert_path);
	CU_ASSERT_PTR_NOT_NULL_FATAL(x);
	uint8_t want[EVP_MAX_MD_SIZE];
	unsigned int want_len = 0;
	CU_ASSERT_EQUAL(X509_digest(x, EVP_sha256(), want, &want_len), 1);
	CU_ASSERT(want_len == cb_len && memcmp(want, cb, cb_len) == 0);
	X509_free(x);

	const X509 *peer = SSL_get0_peer_certificate(p.cli);
	CU_ASSERT_PTR_NOT_NULL_FATAL(peer);
	CU_ASSERT_EQUAL(X509_digest(peer, EVP_sha256(), want, &want_len), 1);
	CU_ASSERT(want_len == cb_len && memcmp(want, cb, cb_len) == 0);
	pair_close(&p);
}

/*
 * Re-sign the suite certificate with `md`, load it into a fresh context and
 * return the channel binding; compare with `expect_md` over the DER.
 */
static void check_end_point_for_signature(const EVP_MD *md, const EVP_MD *expect_md, const char *name)
{
	char path[160];
	snprintf(path, sizeof(path), "%s/%s", tls_dir, name);
	X509 *x = load_cert(cert_path);
	EVP_PKEY *k = load_key(key_path);
	CU_ASSERT_FATAL(x && k);
	CU_ASSERT_FATAL(X509_sign(x, k, md) > 0);
	FILE *f = fopen(path, "w");
	CU_ASSERT_FATAL(f && PEM_write_X509(f, x));
	fclose(f);

	struct tls_ctx *ctx = tls_ctx_new(path, key_path, NULL);
	CU_ASSERT_PTR_NOT_NULL_FATAL(ctx);
	struct tls_conn *t = tls_conn_new(ctx, 0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(t);
	uint8_t cb[64];
	size_t cb_len = 0;
	CU_ASSERT_EQUAL(tls_conn_server_end_point(t, cb, &cb_len), 0);
	uint8_t want[EVP_MAX_MD_SIZE];
	unsigned int want_len = 0;
	CU_ASSERT_EQUAL(X509_digest(x, expect_md, want, &want_len), 1);
	CU_ASSERT_EQUAL(cb_len, want_len);
	CU_ASSERT(cb_len == want_len && memcmp(cb, want, cb_len) == 0);

	tls_conn_free(t);
	tls_ctx_free(ctx);
	X509_free(x);
	EVP_PKEY_free(k);
}

static void server_end_point_follows_signature_hash(void)
{
	check_end_point_for_signature(EVP_sha384(), EVP_sha384(), "cert-sha384.pem");
	check_end_point_for_signature(EVP_sha512(), EVP_sha512(), "cert-sha512.pem");
	/* RFC 5929 §4.1: SHA-1 (and MD5) signatures bind with SHA-256. */
	check_end_point_for_signature(EVP_sha1(), EVP_sha256(), "cert-sha1.pem");
}

static void bad_configuration_is_rejected(void)
{
	/* Key of another certificate. */
	CU_ASSERT_PTR_NULL(tls_ctx_new(cert_path, other_key_path, server_alpn));
	CU_ASSERT_PTR_NULL(tls_ctx_new(other_cert_path, key_path, NULL));
	/* Missing files. */
	char missing[160];
	snprintf(missing, sizeof(missing), "%s/missing.pem", tls_dir);
	CU_ASSERT_PTR_NULL(tls_ctx_new(missing, key_path, NULL));
	CU_ASSERT_PTR_NULL(tls_ctx_new(cert_path, missing, NULL));
	/* The key where the certificate should be, and vice versa. */
	CU_ASSERT_PTR_NULL(tls_ctx_new(key_path, cert_path, NULL));
	/* ALPN names must be 1..255 bytes. */
	static const char *const empty_name[] = {"postgresql", "", NULL};
	CU_ASSERT_PTR_NULL(tls_ctx_new(cert_path, key_path, empty_name));
	char long_name[300];
	memset(long_name, 'a', sizeof(long_name) - 1);
	long_name[sizeof(long_name) - 1] = '\0';
	const char *const too_long[] = {long_name, NULL};
	CU_ASSERT_PTR_NULL(tls_ctx_new(cert_path, key_path, too_long));
	/* The other pair is fine on its own, with or without ALPN. */
	struct tls_ctx *ctx = tls_ctx_new(other_cert_path, other_key_path, NULL);
	CU_ASSERT_PTR_NOT_NULL(ctx);
	tls_ctx_free(ctx);
	static const char *const none[] = {NULL};
	ctx = tls_ctx_new(other_cert_path, other_key_path, none);
	CU_ASSERT_PTR_NOT_NULL(ctx);
	tls_ctx_free(ctx);
	ERR_clear_error();
}

static void self_signed_certificate_names_loopback_and_protects_key(void)
{
	struct stat st;
	CU_ASSERT_FATAL(stat(key_path, &st) == 0);
	CU_ASSERT_EQUAL(st.st_mode & 0777, 0600);
	CU_ASSERT_FATAL(stat(other_key_path, &st) == 0); /* pre-existing as 0644 */
	CU_ASSERT_EQUAL(st.st_mode & 0777, 0600);

	X509 *x = load_cert(cert_path);
	EVP_PKEY *k = load_key(key_path);
	CU_ASSERT_FATAL(x && k);
	CU_ASSERT_EQUAL(X509_get_version(x), X509_VERSION_3);
	CU_ASSERT_EQUAL(X509_check_private_key(x, k), 1);
	CU_ASSERT_EQUAL(X509_get_signature_nid(x), NID_sha256WithRSAEncryption);
	CU_ASSERT_EQUAL(X509_NAME_cmp(X509_get_subject_name(x), X509_get_issuer_name(x)), 0);

	char cn[64] = "";
	X509_NAME_get_text_by_NID(X509_get_subject_name(x), NID_commonName, cn, sizeof(cn));
	CU_ASSERT_STRING_EQUAL(cn, "rosetta-test");

	CU_ASSERT_EQUAL(X509_check_host(x, "localhost", 0, 0, NULL), 1);
	CU_ASSERT_EQUAL(X509_check_ip_asc(x, "127.0.0.1", 0), 1);
	CU_ASSERT_EQUAL(X509_check_ip_asc(x, "::1", 0), 1);
	CU_ASSERT_EQUAL(X509_check_host(x, "example.com", 0, 0, NULL), 0);
	CU_ASSERT_EQUAL(X509_check_ca(x), 0); /* a leaf, not a CA */

	int days = 0, secs = 0;
	CU_ASSERT_EQUAL(ASN1_TIME_diff(&days, &secs, NULL, X509_get0_notAfter(x)), 1);
	CU_ASSERT(days >= 3650 - 1);
	CU_ASSERT(X509_cmp_current_time(X509_get0_notBefore(x)) < 0);

	/* Two certificates never share a serial number. */
	X509 *y = load_cert(other_cert_path);
	CU_ASSERT_FATAL(y != NULL);
	CU_ASSERT(ASN1_INTEGER_cmp(X509_get0_serialNumber(x), X509_get0_serialNumber(y)) != 0);

	X509_free(y);
	X509_free(x);
	EVP_PKEY_free(k);
}

static void self_signed_reports_unwritable_path(void)
{
	CU_ASSERT_EQUAL(tls_make_self_signed("/nonexistent-dir/cert.pem", "/nonexistent-dir/key.pem", "x"),
			-1);
}

void suite_tls(void);
void suite_tls(void)
{
	CU_pSuite s = CU_add_suite("tls", tls_suite_init, tls_suite_cleanup);
	CU_add_test(s, "handshake negotiates TLS 1.3 with verified certificate",
		    handshake_negotiates_tls13_with_verified_certificate);
	CU_add_test(s, "certificate verifies for every loopback name",
		    certificate_verifies_for_every_loopback_name);
	CU_add_test(s, "client rejecting certificate fails server session",
		    client_rejecting_certificate_fails_server_session);
	CU_add_test(s, "ALPN selects first server protocol the client offers",
		    alpn_selects_first_server_protocol_the_client_offers);
	CU_add_test(s, "ALPN without overlap completes without protocol",
		    alpn_without_overlap_completes_without_protocol);
	CU_add_test(s, "SNI host name is recorded", sni_host_name_is_recorded);
	CU_add_test(s, "handshake survives one-byte deliveries", handshake_survives_one_byte_deliveries);
	CU_add_test(s, "plaintext round trips both ways", plaintext_round_trips_both_ways);
	CU_add_test(s, "max TLS 1.2 flag negotiates TLS 1.2", max_tls12_flag_negotiates_tls12);
	CU_add_test(s, "garbage input is fatal and stays fatal", garbage_input_is_fatal_and_stays_fatal);
	CU_add_test(s, "send before handshake is refused", send_before_handshake_is_refused);
	CU_add_test(s, "close_notify is reported both ways", close_notify_is_reported_both_ways);
	CU_add_test(s, "server end point is SHA-256 of certificate",
		    server_end_point_is_sha256_of_certificate);
	CU_add_test(s, "server end point follows signature hash", server_end_point_follows_signature_hash);
	CU_add_test(s, "bad configuration is rejected", bad_configuration_is_rejected);
	CU_add_test(s, "self-signed certificate names loopback and protects key",
		    self_signed_certificate_names_loopback_and_protects_key);
	CU_add_test(s, "self-signed reports unwritable path", self_signed_reports_unwritable_path);
}
