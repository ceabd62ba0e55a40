/*
 * userstore.c — the users file of a data directory (format in userstore.h).
 *
 * The whole file is read into an array of struct user at load time; a
 * change recomputes one user's verifiers, writes the whole file to
 * "<path>.tmp" (mode 0600, fsync) and renames it over the old one, so a
 * crash leaves either the old file or the new one, never a mix.  The
 * in-memory store changes only once the new file is in place, so a failed
 * write leaves memory and disk agreeing.
 *
 * INTERFACE ROUTINES
 *   userstore_load / userstore_free       read the file / release it
 *   userstore_find                        a user by name, or NULL (O(users))
 *   userstore_set_password                add or replace a user, rewrite the file
 *   userstore_count / userstore_at        iterate
 *   userstore_has_default_password        does any user still have a well-known password
 *
 * Invariants
 *   1. n <= cap; users[0 .. n) have valid, pairwise distinct names.
 *   2. A user's `extra` is NULL or a non-empty string of tab-separated
 *      "key=value" fields whose keys this version does not know.
 *
 * Parsing is strict about what it understands (a bad name, a known key with
 * a bad value, a field without '=', a duplicate user or key makes the whole
 * file malformed: a users file that half-loads could lock people out or let
 * the wrong one in) and tolerant of what it does not (unknown keys).
 */
#include "auth/userstore.h"

#include <assert.h>
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include "core/buf.h"

/* A users file is a few lines per user; anything this big is not one. */
#define USERSTORE_FILE_MAX (16u << 20)

struct userstore {
	struct user *users;
	size_t n;
	size_t cap;
};

/* ---- names and hex ------------------------------------------------------- */

/*
 * Non-empty, shorter than USER_NAME_MAX, no tab, newline, ':' or control
 * byte, and not starting with '#' (its line would read back as a comment).
 */
static int userstore_name_ok(const char *name, size_t len)
{
	if (len == 0 || len > USER_NAME_MAX - 1 || name[0] == '#')
		return 0;
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)name[i];
		if (c < 0x20 || c == 0x7f || c == ':')
			return 0;
	}
	return 1;
}

static void userstore_hex(const uint8_t *in, size_t n, char *out)
{
	static const char digits[] = "0123456789abcdef";
	for (size_t i = 0; i < n; i++) {
		out[2 * i] = digits[in[i] >> 4];
		out[2 * i + 1] = digits[in[i] & 15];
	}
	out[2 * n] = '\0';
}

static int userstore_hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Exactly 2*n hex digits -> n bytes.  0 or -1. */
static int userstore_unhex(const char *s, size_t len, uint8_t *out, size_t n)
{
	if (len != 2 * n)
		return -1;
	for (size_t i = 0; i < n; i++) {
		int hi = userstore_hex_digit(s[2 * i]);
		int lo = userstore_hex_digit(s[2 * i + 1]);
		if (hi < 0 || lo < 0)
			return -1;
		out[i] = (uint8_t)(hi << 4 | lo);
	}
	return 0;
}

/* ---- verifiers ----------------------------------------------------------- */

static int userstore_digest(const EVP_MD *md, const void *data, size_t len, uint8_t *out,
			    unsigned int want)
{
	unsigned int n = 0;
	if (!md || EVP_Digest(data, len, out, &n, md, NULL) != 1 || n != want)
		return -1;
	return 0;
}

/* Every verifier of `password` for `name` into `u` (whose `extra` is untouched). */
static int userstore_compute(struct user *u, const char *name, const char *password)
{
	size_t nlen = strlen(name), plen = strlen(password);
	uint8_t md5[16];
	uint8_t sha1[20];
	uint8_t sha256[32];
	struct buf b;
	int rc = -1;

	assert(nlen < USER_NAME_MAX);
	memcpy(u->name, name, nlen + 1);

	if (scram_make_verifier(password, NULL, 0, SCRAM_DEFAULT_ITERATIONS, &u->scram) < 0)
		return -1;
	u->has_scram = 1;

	/* PostgreSQL md5: "md5" || hex(md5(password || username)). */
	buf_init(&b);
	buf_append(&b, password, plen);
	buf_append(&b, name, nlen);
	if (userstore_digest(EVP_md5(), b.data, b.len, md5, sizeof(md5)) < 0)
		goto out;
	memcpy(u->md5, "md5", 3);
	userstore_hex(md5, sizeof(md5), u->md5 + 3);
	u->has_md5 = 1;

	/* mysql_native_password: SHA1(SHA1(password)). */
	if (userstore_digest(EVP_sha1(), password, plen, sha1, sizeof(sha1)) < 0 ||
	    userstore_digest(EVP_sha1(), sha1, sizeof(sha1), u->mysql_native, 20) < 0)
		goto out;
	u->has_mysql_native = 1;

	/* caching_sha2_password fast path: SHA256(SHA256(password)). */
	if (userstore_digest(EVP_sha256(), password, plen, sha256, sizeof(sha256)) < 0 ||
	    userstore_digest(EVP_sha256(), sha256, sizeof(sha256), u->sha256x2, 32) < 0)
		goto out;
	u->has_sha256x2 = 1;
	rc = 0;
out:
	if (b.data)
		OPENSSL_cleanse(b.data, b.len);
	buf_free(&b);
	OPENSSL_cleanse(md5, sizeof(md5));
	OPENSSL_cleanse(sha1, sizeof(sha1));
	OPENSSL_cleanse(sha256, sizeof(sha256));
	return rc;
}

/* ---- parsing ------------------------------------------------------------- */

/* Appends one unknown field to u->extra (tab-separated).  0 or -1. */
static int userstore_add_extra(struct user *u, const char *field, size_t len)
{
	size_t old = u->extra ? strlen(u->extra) : 0;
	char *p = realloc(u->extra, old + (old ? 1 : 0) + len + 1);
	if (!p)
		return -1;
	if (old)
		p[old++] = '\t';
	memcpy(p + old, field, len);
	p[old + len] = '\0';
	u->extra = p;
	return 0;
}

/* Is field [f, f+len) a duplicate of a key already in u->extra? */
static int userstore_extra_has_key(const struct user *u, const char *key, size_t klen)
{
	const char *p = u->extra;
	while (p && *p) {
		const char *tab = strchr(p, '\t');
		size_t flen = tab ? (size_t)(tab - p) : strlen(p);
		if (flen > klen && p[klen] == '=' && memcmp(p, key, klen) == 0)
			return 1;
		p = tab ? tab + 1 : p + flen;
	}
	return 0;
}

/* One "key=value" field of a user's line.  0 or -1 (malformed). */
static int userstore_parse_field(struct user *u, const char *f, size_t len)
{
	const char *eq = memchr(f, '=', len);
	if (!eq || eq == f)
		return -1;
	size_t klen = (size_t)(eq - f);
	const char *val = eq + 1;
	size_t vlen = len - klen - 1;

	if (klen == 5 && memcmp(f, "scram", 5) == 0) {
		char text[256];
		if (u->has_scram || vlen >= sizeof(text))
			return -1;
		memcpy(text, val, vlen);
		text[vlen] = '\0';
		if (scram_verifier_parse(text, &u->scram) < 0)
			return -1;
		u->has_scram = 1;
	} else if (klen == 3 && memcmp(f, "md5", 3) == 0) {
		uint8_t digest[16];
		if (u->has_md5 || vlen != 35 || memcmp(val, "md5", 3) != 0 ||
		    userstore_unhex(val + 3, 32, digest, sizeof(digest)) < 0)
			return -1;
		/* Stored in canonical lower case: PostgreSQL compares the text. */
		memcpy(u->md5, "md5", 3);
		userstore_hex(digest, sizeof(digest), u->md5 + 3);
		u->has_md5 = 1;
	} else if (klen == 12 && memcmp(f, "mysql_native", 12) == 0) {
		if (u->has_mysql_native ||
		    userstore_unhex(val, vlen, u->mysql_native, sizeof(u->mysql_native)) < 0)
			return -1;
		u->has_mysql_native = 1;
	} else if (klen == 8 && memcmp(f, "sha256x2", 8) == 0) {
		if (u->has_sha256x2 ||
		    userstore_unhex(val, vlen, u->sha256x2, sizeof(u->sha256x2)) < 0)
			return -1;
		u->has_sha256x2 = 1;
	} else {
		if (userstore_extra_has_key(u, f, klen))
			return -1;
		return userstore_add_extra(u, f, len);
	}
	return 0;
}

static void userstore_user_clear(struct user *u)
{
	free(u->extra);
	OPENSSL_cleanse(u, sizeof(*u));
}

/* One non-blank, non-comment line: name, then tab-separated fields. */
static int userstore_parse_line(const char *line, size_t len, struct user *u)
{
	memset(u, 0, sizeof(*u));
	const char *tab = memchr(line, '\t', len);
	size_t nlen = tab ? (size_t)(tab - line) : len;
	if (!userstore_name_ok(line, nlen))
		return -1;
	memcpy(u->name, line, nlen);
	u->name[nlen] = '\0';

	const char *p = tab ? tab + 1 : line + len;
	const char *end = line + len;
	while (p < end) {
		const char *next = memchr(p, '\t', (size_t)(end - p));
		size_t flen = next ? (size_t)(next - p) : (size_t)(end - p);
		/* Empty fields (a trailing tab, two tabs) carry nothing; skip them. */
		if (flen > 0 && userstore_parse_field(u, p, flen) < 0) {
			userstore_user_clear(u);
			return -1;
		}
		p = next ? next + 1 : end;
	}
	return 0;
}

static int userstore_push(struct userstore *us, const struct user *u)
{
	if (us->n == us->cap) {
		size_t cap = us->cap ? us->cap * 2 : 8;
		struct user *p = realloc(us->users, cap * sizeof(*p));
		if (!p)
			return -1;
		us->users = p;
		us->cap = cap;
	}
	us->users[us->n++] = *u;
	return 0;
}

static int userstore_parse(struct userstore *us, const char *text, size_t len)
{
	const char *p = text, *end = text + len;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t llen = nl ? (size_t)(nl - p) : (size_t)(end - p);
		if (llen > 0 && p[0] != '#') {
			struct user u;
			if (memchr(p, '\0', llen) || userstore_parse_line(p, llen, &u) < 0)
				return -1;
			if (userstore_find(us, u.name) || userstore_push(us, &u) < 0) {
				userstore_user_clear(&u);
				return -1;
			}
		}
		p = nl ? nl + 1 : end;
	}
	return 0;
}

/* Reads the whole file.  1 with *data set, 0 if it does not exist, -1 on error. */
static int userstore_read_file(const char *path, char **data, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return errno == ENOENT ? 0 : -1;
	struct buf b;
	buf_init(&b);
	int rc = 1;
	for (;;) {
		buf_reserve(&b, 4096);
		size_t n = fread(b.data + b.len, 1, b.cap - b.len, f);
		b.len += n;
		if (b.len > USERSTORE_FILE_MAX) {
			rc = -1;
			break;
		}
		if (n == 0) {
			if (ferror(f))
				rc = -1;
			break;
		}
	}
	fclose(f);
	if (rc < 0) {
		buf_free(&b);
		return -1;
	}
	*data = (char *)b.data; /* may be NULL for an empty file */
	*len = b.len;
	return 1;
}

int userstore_load(const char *path, struct userstore **out)
{
	*out = NULL;
	struct userstore *us = calloc(1, sizeof(*us));
	if (!us)
		return -1;
	char *data = NULL;
	size_t len = 0;
	int r = userstore_read_file(path, &data, &len);
	if (r < 0 || (r > 0 && userstore_parse(us, data ? data : "", len) < 0)) {
		free(data);
		userstore_free(us);
		return -1;
	}
	free(data);
	*out = us;
	return 0;
}

void userstore_free(struct userstore *us)
{
	if (!us)
		return;
	for (size_t i = 0; i < us->n; i++)
		userstore_user_clear(&us->users[i]);
	free(us->users);
	free(us);
}

const struct user *userstore_find(const struct userstore *us, const char *name)
{
	if (!us || !name)
		return NULL;
	for (size_t i = 0; i < us->n; i++)
		if (strcmp(us->users[i].name, name) == 0)
			return &us->users[i];
	return NULL;
}

size_t userstore_count(const struct userstore *us)
{
	return us ? us->n : 0;
}

const struct user *userstore_at(const struct userstore *us, size_t i)
{
	return us && i < us->n ? &us->users[i] : NULL;
}

/* ---- writing ------------------------------------------------------------- */

static void userstore_format_user(struct buf *b, const struct user *u)
{
	char hex[65];
	buf_append(b, u->name, strlen(u->name));
	if (u->has_scram) {
		char text[256];
		if (scram_verifier_format(&u->scram, text, sizeof(text)) == 0)
			buf_printf(b, "\tscram=%s", text);
	}
	if (u->has_md5)
		buf_printf(b, "\tmd5=%s", u->md5);
	if (u->has_mysql_native) {
		userstore_hex(u->mysql_native, sizeof(u->mysql_native), hex);
		buf_printf(b, "\tmysql_native=%s", hex);
	}
	if (u->has_sha256x2) {
		userstore_hex(u->sha256x2, sizeof(u->sha256x2), hex);
		buf_printf(b, "\tsha256x2=%s", hex);
	}
	if (u->extra && u->extra[0])
		buf_printf(b, "\t%s", u->extra);
	buf_put_u8(b, '\n');
}

/* fsync the directory holding `path`, so the rename itself is durable. */
static void userstore_sync_dir(const char *path)
{
	char *copy = strdup(path);
	if (!copy)
		return;
	int fd = open(dirname(copy), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd >= 0) {
		fsync(fd);
		close(fd);
	}
	free(copy);
}

/* Writes `b` to path.tmp (0600), fsyncs it and renames it over `path`.  0 or -1. */
static int userstore_write_atomic(const char *path, const struct buf *b)
{
	struct buf tmp;
	buf_init(&tmp);
	buf_printf(&tmp, "%s.tmp", path);
	buf_put_u8(&tmp, '\0');
	const char *tmp_path = (const char *)tmp.data;
	int rc = -1;

	int fd = open(tmp_path, O_CREAT | O_TRUNC | O_WRONLY | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd < 0)
		goto out;
	/* A left-over path.tmp keeps its old mode through O_TRUNC; force 0600. */
	if (fchmod(fd, 0600) < 0)
		goto close_fail;
	for (size_t off = 0; off < b->len;) {
		ssize_t n = write(fd, b->data + off, b->len - off);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			goto close_fail;
		}
		off += (size_t)n;
	}
	if (fsync(fd) < 0)
		goto close_fail;
	if (close(fd) < 0) {
		unlink(tmp_path);
		goto out;
	}
	if (rename(tmp_path, path) < 0) {
		unlink(tmp_path);
		goto out;
	}
	userstore_sync_dir(path);
	rc = 0;
	goto out;
close_fail:
	close(fd);
	unlink(tmp_path);
out:
	buf_free(&tmp);
	return rc;
}

/*
 * Replacing an existing user's password drops that user's unknown fields:
 * they are verifiers of a newer version, computed from the old password,
 * and keeping them would let the old password go on working there.  Other
 * users' unknown fields are written back as they were.
 */
int userstore_set_password(struct userstore *us, const char *path, const char *name,
			   const char *password)
{
	struct user u;
	struct buf b;

	if (!us || !path || !name || !password || !userstore_name_ok(name, strlen(name)))
		return -1;
	memset(&u, 0, sizeof(u));
	if (userstore_compute(&u, name, password) < 0) {
		userstore_user_clear(&u);
		return -1;
	}

	/* Write the would-be store first; memory changes only once it is on disk. */
	struct user *old = (struct user *)userstore_find(us, name);
	buf_init(&b);
	for (size_t i = 0; i < us->n; i++)
		userstore_format_user(&b, &us->users[i] == old ? &u : &us->users[i]);
	if (!old)
		userstore_format_user(&b, &u);
	int rc = userstore_write_atomic(path, &b);
	if (b.data)
		OPENSSL_cleanse(b.data, b.cap);
	buf_free(&b);
	if (rc < 0) {
		userstore_user_clear(&u);
		return -1;
	}

	if (old) {
		userstore_user_clear(old);
		*old = u;
	} else if (userstore_push(us, &u) < 0) {
		/* The file has the user; memory will after the next load. */
		userstore_user_clear(&u);
		return -1;
	}
	return 0;
}

int userstore_has_default_password(const struct userstore *us)
{
	if (!us)
		return 0;
	for (size_t i = 0; i < us->n; i++) {
		const struct user *u = &us->users[i];
		if (!u->has_scram)
			continue;
		if (scram_verifier_matches(&u->scram, "demo") ||
		    scram_verifier_matches(&u->scram, u->name) ||
		    scram_verifier_matches(&u->scram, ""))
			return 1;
	}
	return 0;
}
