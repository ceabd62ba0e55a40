/*
 * fuzz_scram.c — libFuzzer harness for the SCRAM server and verifier parser.
 *
 * The input is split at its first 0 byte into a client-first-message and a
 * client-final-message (no 0 byte: only a client-first).  Each is copied to
 * a heap block of exactly its length, so AddressSanitizer catches any read
 * past `len`.  The exchange runs under the three channel-binding set-ups a
 * server can be in (plain only; -PLUS offered, client chose plain; client
 * chose -PLUS).  The verifier, server nonce and binding data are fixed and
 * equal to the RFC 7677 §3 example, so the input
 *   "n,,n=user,r=rOprNGfwEbeRWgbNEkqO" 0x00
 *   "c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ="
 * reaches the success path and makes a useful seed.  The whole input is
 * also fed, NUL-terminated, to scram_verifier_parse.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "auth/scram.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FUZZ_SNONCE "%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0"

static const uint8_t fuzz_salt[16] = {
	0x5b, 0x6d, 0x99, 0x68, 0x9d, 0x12, 0x35, 0x8e,
	0xec, 0xa0, 0x4b, 0x14, 0x12, 0x36, 0xfa, 0x81,
}; /* base64 "W22ZaJ0SNY7soEsUEjb6gQ==" */

static const uint8_t fuzz_cbind[32] = {
	1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16,
	17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32,
};

static struct scram_verifier fuzz_verifier;
static int fuzz_ready;

/* An exact-size heap copy: one byte past `len` is out of bounds for ASan. */
static char *fuzz_copy(const uint8_t *p, size_t len)
{
	char *c = malloc(len ? len : 1);
	if (c && len)
		memcpy(c, p, len);
	return c;
}

static void fuzz_exchange(const char *mechanism, int plus_offered, const char *first,
			  size_t first_len, const char *final, size_t final_len, int has_final)
{
	struct scram_server *s = scram_server_new(FUZZ_SNONCE, plus_offered,
						  plus_offered ? fuzz_cbind : NULL,
						  plus_offered ? sizeof(fuzz_cbind) : 0);
	if (!s)
		abort();
	struct buf out;
	buf_init(&out);
	enum scram_result r = scram_server_first(s, mechanism, &fuzz_verifier, first, first_len,
						 &out);
	if (r == SCRAM_CONTINUE && has_final) {
		buf_reset(&out);
		r = scram_server_final(s, final, final_len, &out);
		if (r == SCRAM_OK && (out.len < 2 || memcmp(out.data, "v=", 2) != 0))
			abort();
	}
	buf_free(&out);
	scram_server_free(s);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (!fuzz_ready) {
		if (scram_make_verifier("pencil", fuzz_salt, sizeof(fuzz_salt),
					SCRAM_DEFAULT_ITERATIONS, &fuzz_verifier) < 0)
			abort();
		fuzz_ready = 1;
	}

	const uint8_t *zero = memchr(data, 0, size);
	size_t first_len = zero ? (size_t)(zero - data) : size;
	size_t final_len = zero ? size - first_len - 1 : 0;
	char *first = fuzz_copy(data, first_len);
	char *final = fuzz_copy(zero ? zero + 1 : data, final_len);
	if (!first || !final)
		abort();

	fuzz_exchange("SCRAM-SHA-256", 0, first, first_len, final, final_len, zero != NULL);
	fuzz_exchange("SCRAM-SHA-256", 1, first, first_len, final, final_len, zero != NULL);
	fuzz_exchange("SCRAM-SHA-256-PLUS", 1, first, first_len, final, final_len, zero != NULL);
	free(first);
	free(final);

	char *text = malloc(size + 1);
	if (!text)
		abort();
	memcpy(text, data, size);
	text[size] = '\0';
	struct scram_verifier v;
	if (scram_verifier_parse(text, &v) == 0) {
		char again[256];
		if (scram_verifier_format(&v, again, sizeof(again)) < 0)
			abort();
	}
	free(text);
	return 0;
}
