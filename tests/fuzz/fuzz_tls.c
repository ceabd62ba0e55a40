/*
 * fuzz_tls.c — libFuzzer harness for the TLS server session (net/tls.c).
 *
 * Every input is what a client sent on a fresh connection.  It is fed to a
 * new tls_conn in two calls, split at data[0] % size, so record reassembly
 * across calls is exercised as well as OpenSSL's parsers behind it.  The
 * property checked is the one tls.h promises: no crash, no leak, no
 * sanitizer report, and a result of -1, 0 or 1 whatever the bytes.
 *
 * The certificate, key and context are made once, on the first input, in a
 * mkdtemp directory; the context lives until the process exits.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "core/buf.h"
#include "core/log.h"
#include "net/tls.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct tls_ctx *fuzz_tls_ctx(void)
{
	static struct tls_ctx *ctx;
	if (ctx)
		return ctx;
	char dir[] = "/tmp/rosetta-fuzz-tls-XXXXXX";
	char cert[64], key[64];
	if (!mkdtemp(dir))
		abort();
	snprintf(cert, sizeof(cert), "%s/cert.pem", dir);
	snprintf(key, sizeof(key), "%s/key.pem", dir);
	static const char *const alpn[] = {"postgresql", "http/1.1", NULL};
	if (tls_make_self_signed(cert, key, "fuzz") < 0)
		abort();
	ctx = tls_ctx_new(cert, key, alpn);
	/* OpenSSL has read both files; the directory is not needed any more. */
	unlink(cert);
	unlink(key);
	rmdir(dir);
	if (!ctx)
		abort();
	/* Every rejected input would otherwise log a line. */
	log_set_level(LOG_ERROR);
	return ctx;
}

static int fuzz_tls_feed(struct tls_conn *t, const uint8_t *p, size_t n, struct buf *plain,
			 struct buf *out)
{
	int rc = tls_conn_recv(t, p, n, plain, out);
	if (rc < -1 || rc > 1)
		abort();
	return rc;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct tls_ctx *ctx = fuzz_tls_ctx();
	struct tls_conn *t = tls_conn_new(ctx, 0);
	if (!t)
		abort();
	struct buf plain, out;
	buf_init(&plain);
	buf_init(&out);

	size_t cut = size ? data[0] % size : 0;
	if (fuzz_tls_feed(t, data, cut, &plain, &out) == 0)
		fuzz_tls_feed(t, data + cut, size - cut, &plain, &out);

	buf_free(&plain);
	buf_free(&out);
	tls_conn_free(t);
	return 0;
}
