/*
 * test_scram.c — SCRAM-SHA-256 server: the RFC 7677 §3 exchange end to end,
 * refused proofs and nonces, malformed messages, channel-binding rules, and
 * the verifier text form.  The client side is computed here with OpenSSL so
 * that the server is checked against an independent implementation.
 */
#include <CUnit/CUnit.h>
#include <string.h>

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/sha.h>

#include "auth/scram.h"

#define RFC_SALT_B64 "W22ZaJ0SNY7soEsUEjb6gQ=="
#define RFC_CNONCE "rOprNGfwEbeRWgbNEkqO"
#define RFC_SNONCE "%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0"
#define RFC_CLIENT_FIRST "n,,n=user,r=" RFC_CNONCE
#define RFC_SERVER_FIRST "r=" RFC_CNONCE RFC_SNONCE ",s=" RFC_SALT_B64 ",i=4096"
#define RFC_CLIENT_FINAL \
	"c=biws,r=" RFC_CNONCE RFC_SNONCE ",p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ="
#define RFC_SERVER_FINAL "v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4="

static const uint8_t test_cbind[32] = {
	0x10, 0x21, 0x32, 0x43, 0x54, 0x65, 0x76, 0x87, 0x98, 0xa9, 0xba,
	0xcb, 0xdc, 0xed, 0xfe, 0x0f, 0x01, 0x12, 0x23, 0x34, 0x45, 0x56,
	0x67, 0x78, 0x89, 0x9a, 0xab, 0xbc, 0xcd, 0xde, 0xef, 0xf0,
};

/* ---- helpers: an independent client ------------------------------------- */

static size_t scram_test_unb64(const char *in, uint8_t *out)
{
	size_t len = strlen(in), pad = 0;
	while (pad < len && in[len - 1 - pad] == '=')
		pad++;
	int n = EVP_DecodeBlock(out, (const unsigned char *)in, (int)len);
	return n < 0 ? 0 : (size_t)n - pad;
}

static void scram_test_b64(const uint8_t *in, size_t len, char *out)
{
	EVP_EncodeBlock((unsigned char *)out, in, (int)len);
}

static void scram_test_rfc_verifier(struct scram_verifier *v)
{
	uint8_t salt[32];
	size_t n = scram_test_unb64(RFC_SALT_B64, salt);
	CU_ASSERT_EQUAL_FATAL(n, 16);
	CU_ASSERT_EQUAL_FATAL(scram_make_verifier("pencil", salt, n, 4096, v), 0);
}

/* ClientProof = ClientKey XOR HMAC(SHA256(ClientKey), AuthMessage), as a client computes it. */
static void scram_test_client_proof(const char *password, const struct scram_verifier *v,
				    const char *auth_message, char *proof_b64)
{
	uint8_t salted[32], client_key[32], stored[32], sig[32], proof[32];
	unsigned int n;
	PKCS5_PBKDF2_HMAC(password, (int)strlen(password), v->salt, (int)v->salt_len,
			  v->iterations, EVP_sha256(), 32, salted);
	HMAC(EVP_sha256(), salted, 32, (const uint8_t *)"Client Key", 10, client_key, &n);
	SHA256(client_key, 32, stored);
	HMAC(EVP_sha256(), stored, 32, (const uint8_t *)auth_message, strlen(auth_message), sig,
	     &n);
	for (int i = 0; i < 32; i++)
		proof[i] = client_key[i] ^ sig[i];
	scram_test_b64(proof, 32, proof_b64);
}

/*
 * Runs a whole exchange as a correct client with `gs2` header and, when the
 * header is "p=...", `client_cbind` appended in c=.  Returns the result of
 * the last step taken (SCRAM_FAIL at the first step if refused there).
 */
static enum scram_result scram_test_exchange(const char *mechanism, int plus_offered,
					     const uint8_t *server_cbind, size_t server_cbind_len,
					     const char *gs2, const uint8_t *client_cbind,
					     size_t client_cbind_len)
{
	struct scram_verifier v;
	scram_test_rfc_verifier(&v);
	struct scram_server *s = scram_server_new(RFC_SNONCE, plus_offered, server_cbind,
						  server_cbind_len);
	CU_ASSERT_PTR_NOT_NULL_FATAL(s);

	char bare[] = "n=,r=" RFC_CNONCE;
	char first[256];
	snprintf(first, sizeof(first), "%s%s", gs2, bare);
	struct buf out;
	buf_init(&out);
	enum scram_result r = scram_server_first(s, mechanism, &v, first, strlen(first), &out);
	if (r != SCRAM_CONTINUE)
		goto done;

	char server_first[512];
	memcpy(server_first, out.data, out.len);
	server_first[out.len] = '\0';
	buf_reset(&out);

	uint8_t header[256];
	size_t hlen = strlen(gs2);
	memcpy(header, gs2, hlen);
	if (gs2[0] == 'p') {
		memcpy(header + hlen, client_cbind, client_cbind_len);
		hlen += client_cbind_len;
	}
	char c_b64[512];
	scram_test_b64(header, hlen, c_b64);
	/* r= repeats the nonce of server-first, which ends at its first ','. */
	size_t nonce_len = (size_t)(strchr(server_first, ',') - server_first);
	char wo_proof[1100];
	snprintf(wo_proof, sizeof(wo_proof), "c=%s,%.*s", c_b64, (int)nonce_len, server_first);

	char auth[2048];
	snprintf(auth, sizeof(auth), "%s,%s,%s", bare, server_first, wo_proof);
	char proof[64];
	scram_test_client_proof("pencil", &v, auth, proof);
	char final[1200];
	snprintf(final, sizeof(final), "%s,p=%s", wo_proof, proof);
	r = scram_server_final(s, final, strlen(final), &out);
done:
	buf_free(&out);
	scram_server_free(s);
	return r;
}

/* Runs the RFC exchange with `final` as the client-final-message. */
static enum scram_result scram_test_rfc_final(const char *final, size_t len, struct buf *out)
{
	struct scram_verifier v;
	scram_test_rfc_verifier(&v);
	struct scram_server *s = scram_server_new(RFC_SNONCE, 0, NULL, 0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(s);
	enum scram_result r = scram_server_first(s, "SCRAM-SHA-256", &v, RFC_CLIENT_FIRST,
						 strlen(RFC_CLIENT_FIRST), out);
	CU_ASSERT_EQUAL(r, SCRAM_CONTINUE);
	buf_reset(out);
	r = scram_server_final(s, final, len, out);
	scram_server_free(s);
	return r;
}

static enum scram_result scram_test_first(const char *mechanism, int plus_offered,
					  const char *msg, size_t len)
{
	struct scram_verifier v;
	scram_mock_verifier("u", (const uint8_t *)"k", 1, &v);
	struct scram_server *s = scram_server_new("snonce", plus_offered,
						  plus_offered ? test_cbind : NULL,
						  plus_offered ? sizeof(test_cbind) : 0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(s);
	struct buf out;
	buf_init(&out);
	enum scram_result r = scram_server_first(s, mechanism, &v, msg, len, &out);
	if (r == SCRAM_FAIL)
		CU_ASSERT_EQUAL(out.len, 0);
	buf_free(&out);
	scram_server_free(s);
	return r;
}

/* ---- tests --------------------------------------------------------------- */

static void rfc7677_example_authenticates(void)
{
	struct scram_verifier v;
	scram_test_rfc_verifier(&v);
	struct scram_server *s = scram_server_new(RFC_SNONCE, 0, NULL, 0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(s);
	struct buf out;
	buf_init(&out);

	CU_ASSERT_EQUAL(scram_server_first(s, "SCRAM-SHA-256", &v, RFC_CLIENT_FIRST,
					   strlen(RFC_CLIENT_FIRST), &out),
			SCRAM_CONTINUE);
	CU_ASSERT_EQUAL(out.len, strlen(RFC_SERVER_FIRST));
	CU_ASSERT(out.len == strlen(RFC_SERVER_FIRST) &&
		  memcmp(out.data, RFC_SERVER_FIRST, out.len) == 0);
	buf_reset(&out);

	CU_ASSERT_EQUAL(scram_server_final(s, RFC_CLIENT_FINAL, strlen(RFC_CLIENT_FINAL), &out),
			SCRAM_OK);
	CU_ASSERT(out.len == strlen(RFC_SERVER_FINAL) &&
		  memcmp(out.data, RFC_SERVER_FINAL, out.len) == 0);

	/* DONE_OK is final: a replayed final message is refused. */
	buf_reset(&out);
	CU_ASSERT_EQUAL(scram_server_final(s, RFC_CLIENT_FINAL, strlen(RFC_CLIENT_FINAL), &out),
			SCRAM_FAIL);
	buf_free(&out);
	scram_server_free(s);
}

static void rfc_messages_need_no_nul_terminator(void)
{
	/* The message sits in a larger buffer; only `len` bytes belong to it. */
	char buf[sizeof(RFC_CLIENT_FINAL) + 8];
	memcpy(buf, RFC_CLIENT_FINAL, strlen(RFC_CLIENT_FINAL));
	memset(buf + strlen(RFC_CLIENT_FINAL), 'A', 8);
	struct buf out;
	buf_init(&out);
	CU_ASSERT_EQUAL(scram_test_rfc_final(buf, strlen(RFC_CLIENT_FINAL), &out), SCRAM_OK);
	buf_free(&out);
}

static void flipped_proof_byte_fails(void)
{
	char final[] = RFC_CLIENT_FINAL;
	/* "p=dHzb..." -> "p=eHzb...": the first proof byte changes. */
	char *p = strstr(final, ",p=") + 3;
	*p = 'e';
	struct buf out;
	buf_init(&out);
	CU_ASSERT_EQUAL(scram_test_rfc_final(final, strlen(final), &out), SCRAM_FAIL);
	CU_ASSERT_EQUAL(out.len, 0);
	buf_free(&out);
}

static void wrong_password_fails(void)
{
	struct scram_verifier v;
	uint8_t salt[32];
	size_t n = scram_test_unb64(RFC_SALT_B64, salt);
	CU_ASSERT_EQUAL_FATAL(scram_make_verifier("pencil2", salt, n, 4096, &v), 0);
	struct scram_server *s = scram_server_new(RFC_SNONCE, 0, NULL, 0);
	struct buf out;
	buf_init(&out);
	CU_ASSERT_EQUAL(scram_server_first(s, "SCRAM-SHA-256", &v, RFC_CLIENT_FIRST,
					   strlen(RFC_CLIENT_FIRST), &out),
			SCRAM_CONTINUE);
	buf_reset(&out);
	CU_ASSERT_EQUAL(scram_server_final(s, RFC_CLIENT_FINAL, strlen(RFC_CLIENT_FINAL), &out),
			SCRAM_FAIL);
	buf_free(&out);
	scram_server_free(s);
}

static void wrong_nonce_fails(void)
{
	struct buf out;
	buf_init(&out);
	const char *finals[] = {
		/* last server-nonce character changed */
		"c=biws,r=" RFC_CNONCE "%hvYDpWUa2RaTCAfuxFIlj)hNlF$k1,p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=",
		/* client nonce only */
		"c=biws,r=" RFC_CNONCE ",p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=",
		/* one character too many */
		"c=biws,r=" RFC_CNONCE RFC_SNONCE "x,p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=",
	};
	for (size_t i = 0; i < sizeof(finals) / sizeof(finals[0]); i++) {
		buf_reset(&out);
		CU_ASSERT_EQUAL(scram_test_rfc_final(finals[i], strlen(finals[i]), &out), SCRAM_FAIL);
	}
	buf_free(&out);
}

static void malformed_client_first_fails(void)
{
	const char *bad[] = {
		"",
		"n",
		"n,",
		"n,,",
		"n,,n=user",                       /* missing r= */
		"n,,n=user,",                      /* trailing comma */
		"n,,n=user,r=",                    /* empty nonce */
		"n,,r=abc",                        /* missing n= */
		"n,a=admin,n=user,r=abc",          /* authzid given */
		"n,,m=ext,n=user,r=abc",           /* mandatory extension */
		"x,,n=user,r=abc",                 /* unknown cbind flag */
		"n,,n=user,r=a\x01" "b",           /* non-printable nonce */
		"p=tls-unique,,n=user,r=abc",      /* unsupported binding type */
		"n,,n=user,r=abc,",                /* trailing comma after nonce */
		"n,,n=user,r=abc,=x",              /* extension without a name */
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		CU_ASSERT_EQUAL(scram_test_first("SCRAM-SHA-256", 0, bad[i], strlen(bad[i])),
				SCRAM_FAIL);

	/* An embedded NUL, a message over the bound, and an unknown mechanism. */
	CU_ASSERT_EQUAL(scram_test_first("SCRAM-SHA-256", 0, "n,,n=u\0,r=abc", 13), SCRAM_FAIL);
	char big[1100];
	memset(big, 'a', sizeof(big));
	memcpy(big, "n,,n=,r=", 8);
	CU_ASSERT_EQUAL(scram_test_first("SCRAM-SHA-256", 0, big, sizeof(big)), SCRAM_FAIL);
	CU_ASSERT_EQUAL(scram_test_first("SCRAM-SHA-1", 0, "n,,n=,r=abc", 11), SCRAM_FAIL);

	/* The same shape, well-formed, passes (extensions after r= are ignored). */
	CU_ASSERT_EQUAL(scram_test_first("SCRAM-SHA-256", 0, "n,,n=,r=abc", 11), SCRAM_CONTINUE);
	CU_ASSERT_EQUAL(scram_test_first("SCRAM-SHA-256", 0, "n,,n=u,r=abc,x=1", 16),
			SCRAM_CONTINUE);
}

static void malformed_client_final_fails(void)
{
	const char *bad[] = {
		"",
		"c=biws",
		"c=biws,r=" RFC_CNONCE RFC_SNONCE,                             /* no proof */
		"c=biws,r=" RFC_CNONCE RFC_SNONCE ",p=",                       /* empty proof */
		"c=biws,r=" RFC_CNONCE RFC_SNONCE ",p=dHzb!apWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=",
		"c=biws,r=" RFC_CNONCE RFC_SNONCE ",p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ",
		"c=biws,r=" RFC_CNONCE RFC_SNONCE ",p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=,x=1",
		"c=biws,r=" RFC_CNONCE RFC_SNONCE ",p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=,",
		"c=bi=s,r=" RFC_CNONCE RFC_SNONCE ",p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=",
		"c=eSws,r=" RFC_CNONCE RFC_SNONCE ",p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=", /* "y,," */
		"r=" RFC_CNONCE RFC_SNONCE ",c=biws,p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=",
		"c=biws,r=" RFC_CNONCE RFC_SNONCE ",p=AAAA",                  /* short proof */
	};
	struct buf out;
	buf_init(&out);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		buf_reset(&out);
		CU_ASSERT_EQUAL(scram_test_rfc_final(bad[i], strlen(bad[i]), &out), SCRAM_FAIL);
		CU_ASSERT_EQUAL(out.len, 0);
	}
	/* Every proper prefix of the good message is refused. */
	for (size_t n = 0; n < strlen(RFC_CLIENT_FINAL); n++) {
		buf_reset(&out);
		CU_ASSERT_EQUAL(scram_test_rfc_final(RFC_CLIENT_FINAL, n, &out), SCRAM_FAIL);
	}
	buf_free(&out);
}

static void final_before_first_fails(void)
{
	struct scram_server *s = scram_server_new(NULL, 0, NULL, 0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(s);
	struct buf out;
	buf_init(&out);
	CU_ASSERT_EQUAL(scram_server_final(s, RFC_CLIENT_FINAL, strlen(RFC_CLIENT_FINAL), &out),
			SCRAM_FAIL);
	buf_free(&out);
	scram_server_free(s);
	CU_ASSERT_PTR_NULL(scram_server_new("has,comma", 0, NULL, 0));
	CU_ASSERT_PTR_NULL(scram_server_new("", 0, NULL, 0));
}

static void random_server_nonce_is_appended(void)
{
	struct scram_verifier v;
	scram_mock_verifier("u", (const uint8_t *)"k", 1, &v);
	struct scram_server *s = scram_server_new(NULL, 0, NULL, 0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(s);
	struct buf out;
	buf_init(&out);
	CU_ASSERT_EQUAL(scram_server_first(s, "SCRAM-SHA-256", &v, "n,,n=,r=abc", 11, &out),
			SCRAM_CONTINUE);
	/* r=abc + 24 base64 characters (18 random bytes), then ",s=". */
	CU_ASSERT(out.len > 2 + 3 + 24 + 3 && memcmp(out.data, "r=abc", 5) == 0 &&
		  memcmp(out.data + 5 + 24, ",s=", 3) == 0);
	buf_free(&out);
	scram_server_free(s);
}

static void plus_with_correct_binding_succeeds(void)
{
	CU_ASSERT_EQUAL(scram_test_exchange("SCRAM-SHA-256-PLUS", 1, test_cbind, sizeof(test_cbind),
					    "p=tls-server-end-point,,", test_cbind,
					    sizeof(test_cbind)),
			SCRAM_OK);
}

static void plus_with_wrong_binding_fails(void)
{
	uint8_t other[32];
	memcpy(other, test_cbind, sizeof(other));
	other[31] ^= 1;
	CU_ASSERT_EQUAL(scram_test_exchange("SCRAM-SHA-256-PLUS", 1, test_cbind, sizeof(test_cbind),
					    "p=tls-server-end-point,,", other, sizeof(other)),
			SCRAM_FAIL);
	/* Binding data cut short. */
	CU_ASSERT_EQUAL(scram_test_exchange("SCRAM-SHA-256-PLUS", 1, test_cbind, sizeof(test_cbind),
					    "p=tls-server-end-point,,", test_cbind, 16),
			SCRAM_FAIL);
	/* -PLUS but the connection has no binding data (not on TLS). */
	CU_ASSERT_EQUAL(scram_test_exchange("SCRAM-SHA-256-PLUS", 1, NULL, 0,
					    "p=tls-server-end-point,,", test_cbind,
					    sizeof(test_cbind)),
			SCRAM_FAIL);
}

static void binding_flag_rules(void)
{
	/* Plain mechanism: "n" passes; "y" passes only when -PLUS was not offered. */
	CU_ASSERT_EQUAL(scram_test_exchange("SCRAM-SHA-256", 0, NULL, 0, "n,,", NULL, 0), SCRAM_OK);
	CU_ASSERT_EQUAL(scram_test_exchange("SCRAM-SHA-256", 1, test_cbind, sizeof(test_cbind),
					    "n,,", NULL, 0),
			SCRAM_OK);
	CU_ASSERT_EQUAL(scram_test_exchange("SCRAM-SHA-256", 0, NULL, 0, "y,,", NULL, 0), SCRAM_OK);
	/* "y" while -PLUS was offered: someone stripped -PLUS from the list. */
	CU_ASSERT_EQUAL(scram_test_exchange("SCRAM-SHA-256", 1, test_cbind, sizeof(test_cbind),
					    "y,,", NULL, 0),
			SCRAM_FAIL);
	/* "p" on the plain mechanism. */
	CU_ASSERT_EQUAL(scram_test_exchange("SCRAM-SHA-256", 1, test_cbind, sizeof(test_cbind),
					    "p=tls-server-end-point,,", test_cbind,
					    sizeof(test_cbind)),
			SCRAM_FAIL);
	/* -PLUS with "n" or "y". */
	CU_ASSERT_EQUAL(scram_test_exchange("SCRAM-SHA-256-PLUS", 1, test_cbind, sizeof(test_cbind),
					    "n,,", NULL, 0),
			SCRAM_FAIL);
	CU_ASSERT_EQUAL(scram_test_exchange("SCRAM-SHA-256-PLUS", 1, test_cbind, sizeof(test_cbind),
					    "y,,", NULL, 0),
			SCRAM_FAIL);
	/* -PLUS chosen although the server did not advertise it. */
	CU_ASSERT_EQUAL(scram_test_exchange("SCRAM-SHA-256-PLUS", 0, test_cbind, sizeof(test_cbind),
					    "p=tls-server-end-point,,", test_cbind,
					    sizeof(test_cbind)),
			SCRAM_FAIL);
}

static void verifier_text_round_trips(void)
{
	struct scram_verifier v, w;
	scram_test_rfc_verifier(&v);
	char text[256], again[256];
	CU_ASSERT_EQUAL_FATAL(scram_verifier_format(&v, text, sizeof(text)), 0);
	CU_ASSERT(strncmp(text, "SCRAM-SHA-256$4096:" RFC_SALT_B64 "$", 19 + 24 + 1) == 0);
	CU_ASSERT_EQUAL_FATAL(scram_verifier_parse(text, &w), 0);
	CU_ASSERT_EQUAL(w.iterations, 4096);
	CU_ASSERT_EQUAL(w.salt_len, 16);
	CU_ASSERT(memcmp(w.salt, v.salt, 16) == 0);
	CU_ASSERT(memcmp(w.stored_key, v.stored_key, 32) == 0);
	CU_ASSERT(memcmp(w.server_key, v.server_key, 32) == 0);
	CU_ASSERT_EQUAL(scram_verifier_format(&w, again, sizeof(again)), 0);
	CU_ASSERT_STRING_EQUAL(text, again);
	CU_ASSERT_EQUAL(scram_verifier_format(&v, again, 40), -1);
}

static void verifier_parse_rejects_garbage(void)
{
	struct scram_verifier v;
	const char *bad[] = {
		"",
		"SCRAM-SHA-256$",
		"md5abcdef",
		"SCRAM-SHA-256$4096:W22ZaJ0SNY7soEsUEjb6gQ==",
		"SCRAM-SHA-256$4096:W22ZaJ0SNY7soEsUEjb6gQ==$",
		"SCRAM-SHA-256$0:W22ZaJ0SNY7soEsUEjb6gQ==$AAAA:AAAA",
		"SCRAM-SHA-256$-1:W22ZaJ0SNY7soEsUEjb6gQ==$AAAA:AAAA",
		"SCRAM-SHA-256$99999999999:W22ZaJ0SNY7soEsUEjb6gQ==$AAAA:AAAA",
		"SCRAM-SHA-256$4096:W22ZaJ0SNY7soEsUEjb6gQ==$AAAA:AAAA", /* keys too short */
		"SCRAM-SHA-256$4096:$"
		"6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=:6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=",
		"SCRAM-SHA-256$4096:W22Z!J0SNY7soEsUEjb6gQ==$"
		"6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=:6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=",
		"SCRAM-SHA-256$4096:W22ZaJ0SNY7soEsUEjb6gQ==$"
		"6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=:6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=x",
		"SCRAM-SHA-256$4096:W22ZaJ0SNY7soEsUEjb6gQ==$"
		"6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		CU_ASSERT_EQUAL(scram_verifier_parse(bad[i], &v), -1);
	/* The good one of the same shape parses. */
	CU_ASSERT_EQUAL(scram_verifier_parse("SCRAM-SHA-256$4096:W22ZaJ0SNY7soEsUEjb6gQ==$"
					     "6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=:"
					     "6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=",
					     &v),
			0);
}

static void verifier_matches_only_its_password(void)
{
	struct scram_verifier v;
	scram_test_rfc_verifier(&v);
	CU_ASSERT_TRUE(scram_verifier_matches(&v, "pencil"));
	CU_ASSERT_FALSE(scram_verifier_matches(&v, "pencil "));
	CU_ASSERT_FALSE(scram_verifier_matches(&v, ""));

	struct scram_verifier r, e;
	CU_ASSERT_EQUAL_FATAL(scram_make_verifier("s3cr\xc3\xa9t", NULL, 0, 4096, &r), 0);
	CU_ASSERT_EQUAL(r.salt_len, 16);
	CU_ASSERT_TRUE(scram_verifier_matches(&r, "s3cr\xc3\xa9t"));
	CU_ASSERT_FALSE(scram_verifier_matches(&r, "pencil"));
	CU_ASSERT_EQUAL_FATAL(scram_make_verifier("", NULL, 0, 4096, &e), 0);
	CU_ASSERT_TRUE(scram_verifier_matches(&e, ""));
	CU_ASSERT_FALSE(scram_verifier_matches(&e, "demo"));
}

static void mock_verifier_is_deterministic(void)
{
	struct scram_verifier a, b, c;
	const uint8_t secret[] = "server secret";
	scram_mock_verifier("alice", secret, sizeof(secret) - 1, &a);
	scram_mock_verifier("alice", secret, sizeof(secret) - 1, &b);
	scram_mock_verifier("bob", secret, sizeof(secret) - 1, &c);
	CU_ASSERT(memcmp(&a, &b, sizeof(a)) == 0);
	CU_ASSERT(memcmp(a.salt, c.salt, a.salt_len) != 0);
	CU_ASSERT(memcmp(a.stored_key, c.stored_key, 32) != 0);
	CU_ASSERT_EQUAL(a.salt_len, 16);
	CU_ASSERT_EQUAL(a.iterations, 4096);

	/* salt = first 16 bytes of HMAC-SHA256(secret, user) */
	uint8_t mac[32];
	unsigned int n;
	HMAC(EVP_sha256(), secret, (int)sizeof(secret) - 1, (const uint8_t *)"alice", 5, mac, &n);
	CU_ASSERT(memcmp(a.salt, mac, 16) == 0);
	HMAC(EVP_sha256(), secret, (int)sizeof(secret) - 1, (const uint8_t *)"storedalice", 11,
	     mac, &n);
	CU_ASSERT(memcmp(a.stored_key, mac, 32) == 0);
	HMAC(EVP_sha256(), secret, (int)sizeof(secret) - 1, (const uint8_t *)"serveralice", 11,
	     mac, &n);
	CU_ASSERT(memcmp(a.server_key, mac, 32) == 0);

	/* Degenerate inputs still give a usable, stable verifier. */
	scram_mock_verifier("", NULL, 0, &b);
	scram_mock_verifier("", NULL, 0, &c);
	CU_ASSERT(memcmp(&b, &c, sizeof(b)) == 0);
	CU_ASSERT_EQUAL(b.salt_len, 16);
}

void suite_scram(void);
void suite_scram(void)
{
	CU_pSuite s = CU_add_suite("scram", NULL, NULL);
	CU_add_test(s, "RFC 7677 example authenticates", rfc7677_example_authenticates);
	CU_add_test(s, "messages need no NUL terminator", rfc_messages_need_no_nul_terminator);
	CU_add_test(s, "flipped proof byte fails", flipped_proof_byte_fails);
	CU_add_test(s, "wrong password fails", wrong_password_fails);
	CU_add_test(s, "wrong nonce fails", wrong_nonce_fails);
	CU_add_test(s, "malformed client-first fails", malformed_client_first_fails);
	CU_add_test(s, "malformed client-final fails", malformed_client_final_fails);
	CU_add_test(s, "final before first fails", final_before_first_fails);
	CU_add_test(s, "random server nonce is appended", random_server_nonce_is_appended);
	CU_add_test(s, "PLUS with correct binding succeeds", plus_with_correct_binding_succeeds);
	CU_add_test(s, "PLUS with wrong binding fails", plus_with_wrong_binding_fails);
	CU_add_test(s, "binding flag rules", binding_flag_rules);
	CU_add_test(s, "verifier text round trips", verifier_text_round_trips);
	CU_add_test(s, "verifier parse rejects garbage", verifier_parse_rejects_garbage);
	CU_add_test(s, "verifier matches only its password", verifier_matches_only_its_password);
	CU_add_test(s, "mock verifier is deterministic", mock_verifier_is_deterministic);
}
