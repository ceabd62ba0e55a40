/*
 * userstore.h — the users of a data directory and their password verifiers.
 *
 * The file (DATA/users) holds one user a line: the name, then tab-separated
 * key=value verifiers.  It never holds a password.  Keys:
 *   scram=SCRAM-SHA-256$<iter>:<salt b64>$<StoredKey b64>:<ServerKey b64>
 *   md5=md5<hex of md5(password || username)>          (PostgreSQL md5 auth)
 *   mysql_native=<hex of SHA1(SHA1(password))>          (mysql_native_password)
 *   sha256x2=<hex of SHA256(SHA256(password))>          (caching_sha2_password fast path)
 * Unknown keys are kept as they are (later issues add verifiers).  Lines
 * starting with '#' and blank lines are ignored.  Names are 1..63 bytes with
 * no tab, newline, ':', control byte or leading '#'.  Setting a password
 * drops that user's unknown keys (verifiers of the old password).  The file is rewritten
 * atomically (temporary file + rename) with mode 0600.
 *
 * INTERFACE ROUTINES
 *   userstore_load / userstore_free       read the file / release it
 *   userstore_find                        a user by name (case-sensitive), or NULL
 *   userstore_set_password                add or replace a user, rewrite the file
 *   userstore_count / userstore_at        iterate
 *   userstore_has_default_password        does any user still have a well-known password
 */
#ifndef ROSETTA_AUTH_USERSTORE_H
#define ROSETTA_AUTH_USERSTORE_H

#include <stddef.h>
#include <stdint.h>

#include "auth/scram.h"

#define USER_NAME_MAX 64

struct user {
	char name[USER_NAME_MAX];
	int has_scram;
	struct scram_verifier scram;
	int has_md5;
	char md5[36]; /* "md5" + 32 hex + NUL */
	int has_mysql_native;
	uint8_t mysql_native[20];
	int has_sha256x2;
	uint8_t sha256x2[32];
	char *extra; /* unknown key=value fields, tab-separated, kept verbatim; may be NULL */
};

struct userstore;

/* A missing file is an empty store (returns 0).  Returns -1 (and *out NULL) on a malformed file. */
int userstore_load(const char *path, struct userstore **out);
void userstore_free(struct userstore *us);
const struct user *userstore_find(const struct userstore *us, const char *name);
size_t userstore_count(const struct userstore *us);
const struct user *userstore_at(const struct userstore *us, size_t i);

/* Compute every verifier for `password`, store the user in `us` and rewrite `path`. 0 or -1. */
int userstore_set_password(struct userstore *us, const char *path, const char *name,
			   const char *password);

/*
 * 1 if some user's password is "demo", its own name, or empty (checked against
 * the SCRAM verifier); 0 otherwise.  Costs one PBKDF2 per candidate per user.
 */
int userstore_has_default_password(const struct userstore *us);

#endif
