/*
 * tls_cert.c — a self-signed server certificate for first start and tests.
 *
 * `rosettad init` and the test suites need a certificate without asking the
 * user to run openssl by hand.  The certificate names the loopback host in
 * every form a client may verify against, so a client given the certificate
 * as its CA can use full verification (verify-full, sslmode=verify-full,
 * TrustServerCertificate=false) against localhost.
 *
 * INTERFACE ROUTINES
 *   tls_make_self_signed    RSA-2048 key + X.509 v3 certificate, both PEM
 *
 * Invariants
 *   1. The key file is created with mode 0600 and never readable by others,
 *      even for an instant, even when it already existed.
 *   2. The certificate is a leaf (CA:FALSE, serverAuth): it is trusted only
 *      as itself, never as an issuer of other certificates.
 */
#include "net/tls.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "core/log.h"

#define TLS_CERT_DAYS (10 * 365 + 3) /* ten years, counting leap days */
#define TLS_CERT_BACKDATE_SECONDS (60 * 60) /* tolerate a client clock an hour behind */
#define TLS_CERT_SAN "DNS:localhost,IP:127.0.0.1,IP:::1"

/* Add one v3 extension written in openssl.cnf syntax; 0 or -1. */
static int tls_cert_add_ext(X509 *x, int nid, const char *value)
{
	X509V3_CTX v3;
	X509V3_set_ctx(&v3, x, x, NULL, NULL, 0);
	X509_EXTENSION *ext = X509V3_EXT_nconf_nid(NULL, &v3, nid, value);
	if (!ext)
		return -1;
	int ok = X509_add_ext(x, ext, -1);
	X509_EXTENSION_free(ext);
	return ok ? 0 : -1;
}

/*
 * A random positive serial of at most 159 bits, so that its DER encoding
 * stays within the 20 octets RFC 5280 §4.1.2.2 allows.
 */
static int tls_cert_set_serial(X509 *x)
{
	BIGNUM *bn = BN_new();
	int ok = bn && BN_rand(bn, 159, BN_RAND_TOP_ANY, BN_RAND_BOTTOM_ANY) &&
		 (!BN_is_zero(bn) || BN_one(bn)) &&
		 BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(x)) != NULL;
	BN_free(bn);
	return ok ? 0 : -1;
}

static X509 *tls_cert_build(EVP_PKEY *pkey, const char *cn)
{
	X509 *x = X509_new();
	if (!x)
		return NULL;
	X509_NAME *name = X509_get_subject_name(x);
	if (!X509_set_version(x, X509_VERSION_3) || tls_cert_set_serial(x) < 0 ||
	    !X509_gmtime_adj(X509_getm_notBefore(x), -TLS_CERT_BACKDATE_SECONDS) ||
	    !X509_time_adj_ex(X509_getm_notAfter(x), TLS_CERT_DAYS, 0, NULL) ||
	    !X509_set_pubkey(x, pkey) ||
	    !X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8, (const unsigned char *)cn, -1, -1, 0) ||
	    !X509_set_issuer_name(x, name) ||
	    tls_cert_add_ext(x, NID_basic_constraints, "critical,CA:FALSE") < 0 ||
	    tls_cert_add_ext(x, NID_key_usage, "critical,digitalSignature,keyEncipherment") < 0 ||
	    tls_cert_add_ext(x, NID_ext_key_usage, "serverAuth") < 0 ||
	    tls_cert_add_ext(x, NID_subject_key_identifier, "hash") < 0 ||
	    tls_cert_add_ext(x, NID_subject_alt_name, TLS_CERT_SAN) < 0 ||
	    X509_sign(x, pkey, EVP_sha256()) <= 0) {
		X509_free(x);
		return NULL;
	}
	return x;
}

/* Open `path` for writing with `mode`, truncating; fchmod covers an existing file. */
static FILE *tls_cert_open(const char *path, mode_t mode)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
	if (fd < 0)
		return NULL;
	if (fchmod(fd, mode) < 0) {
		close(fd);
		return NULL;
	}
	FILE *f = fdopen(fd, "w");
	if (!f)
		close(fd);
	return f;
}

int tls_make_self_signed(const char *cert_path, const char *key_path, const char *cn)
{
	int rc = -1, closed, saved_errno;
	X509 *x = NULL;
	FILE *f = NULL;
	ERR_clear_error();
	EVP_PKEY *pkey = EVP_RSA_gen(2048);
	if (!pkey)
		goto out;
	x = tls_cert_build(pkey, cn);
	if (!x)
		goto out;

	/* Invariant 1: the key never exists with a wider mode than 0600. */
	f = tls_cert_open(key_path, 0600);
	if (!f || !PEM_write_PrivateKey(f, pkey, NULL, NULL, 0, NULL, NULL))
		goto out;
	closed = fclose(f);
	f = NULL;
	if (closed != 0)
		goto out;

	f = tls_cert_open(cert_path, 0644);
	if (!f || !PEM_write_X509(f, x))
		goto out;
	closed = fclose(f);
	f = NULL;
	if (closed != 0)
		goto out;
	rc = 0;

out:
	saved_errno = errno;
	if (f)
		fclose(f);
	if (rc < 0) {
		/* An empty OpenSSL queue means the failure was a file operation. */
		unsigned long e = ERR_get_error();
		const char *reason = e ? ERR_reason_error_string(e) : strerror(saved_errno);
		log_error("tls_cert", "cert=\"%s\" key=\"%s\" reason=\"%s\"", cert_path, key_path,
			  reason ? reason : "unknown");
	}
	ERR_clear_error();
	X509_free(x);
	EVP_PKEY_free(pkey);
	return rc;
}
