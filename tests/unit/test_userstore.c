/*
 * test_userstore.c — the users file: verifiers written and read back, the
 * file's mode and content (never a password), unknown keys kept, default
 * passwords detected, bad names and malformed files refused.
 */
#include <CUnit/CUnit.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "auth/userstore.h"

/* A fresh directory per test, and the users file inside it. */
struct userstore_test_dir {
	char dir[64];
	char path[96];
};

static void userstore_test_mkdir(struct userstore_test_dir *t)
{
	strcpy(t->dir, "/tmp/rosetta-userstore-XXXXXX");
	CU_ASSERT_PTR_NOT_NULL_FATAL(mkdtemp(t->dir));
	snprintf(t->path, sizeof(t->path), "%s/users", t->dir);
}

static void userstore_test_rmdir(struct userstore_test_dir *t)
{
	char tmp[128];
	snprintf(tmp, sizeof(tmp), "%s.tmp", t->path);
	unlink(tmp);
	unlink(t->path);
	rmdir(t->dir);
}

static void userstore_test_write(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	fputs(text, f);
	fclose(f);
}

/* The whole file, NUL-terminated; caller frees. */
static char *userstore_test_read(const char *path)
{
	FILE *f = fopen(path, "rb");
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	char *data = calloc(1, 65536);
	size_t n = fread(data, 1, 65535, f);
	data[n] = '\0';
	fclose(f);
	return data;
}

static void userstore_test_digest(const char *md_name, const void *in, size_t len, uint8_t *out)
{
	unsigned int n;
	EVP_Digest(in, len, out, &n, EVP_get_digestbyname(md_name), NULL);
}

static void userstore_test_hex(const uint8_t *in, size_t n, char *out)
{
	for (size_t i = 0; i < n; i++)
		sprintf(out + 2 * i, "%02x", in[i]);
}

/* ---- tests --------------------------------------------------------------- */

static void set_then_reload_keeps_every_verifier(void)
{
	struct userstore_test_dir t;
	userstore_test_mkdir(&t);
	struct userstore *us;
	CU_ASSERT_EQUAL_FATAL(userstore_load(t.path, &us), 0);
	CU_ASSERT_EQUAL(userstore_count(us), 0);
	CU_ASSERT_EQUAL(userstore_set_password(us, t.path, "alice", "Tr0ub4dor&3"), 0);
	CU_ASSERT_EQUAL(userstore_set_password(us, t.path, "bob", "correct horse battery"), 0);
	CU_ASSERT_EQUAL(userstore_count(us), 2);
	userstore_free(us);

	CU_ASSERT_EQUAL_FATAL(userstore_load(t.path, &us), 0);
	CU_ASSERT_EQUAL(userstore_count(us), 2);
	CU_ASSERT_PTR_NULL(userstore_find(us, "carol"));
	CU_ASSERT_PTR_NULL(userstore_find(us, "Alice")); /* case-sensitive */
	const struct user *a = userstore_find(us, "alice");
	const struct user *b = userstore_find(us, "bob");
	CU_ASSERT_PTR_NOT_NULL_FATAL(a);
	CU_ASSERT_PTR_NOT_NULL_FATAL(b);
	CU_ASSERT_PTR_EQUAL(userstore_at(us, 0), a);
	CU_ASSERT_PTR_EQUAL(userstore_at(us, 1), b);
	CU_ASSERT_PTR_NULL(userstore_at(us, 2));

	/* scram */
	CU_ASSERT_TRUE(a->has_scram);
	CU_ASSERT_EQUAL(a->scram.iterations, 4096);
	CU_ASSERT_EQUAL(a->scram.salt_len, 16);
	CU_ASSERT_TRUE(scram_verifier_matches(&a->scram, "Tr0ub4dor&3"));
	CU_ASSERT_FALSE(scram_verifier_matches(&a->scram, "correct horse battery"));
	CU_ASSERT_TRUE(scram_verifier_matches(&b->scram, "correct horse battery"));
	CU_ASSERT(memcmp(a->scram.salt, b->scram.salt, 16) != 0);

	/* md5 = "md5" + hex(md5(password || user)) */
	uint8_t d[32];
	char hex[65], want[70];
	userstore_test_digest("MD5", "Tr0ub4dor&3alice", 16, d);
	userstore_test_hex(d, 16, hex);
	snprintf(want, sizeof(want), "md5%s", hex);
	CU_ASSERT_TRUE(a->has_md5);
	CU_ASSERT_STRING_EQUAL(a->md5, want);

	/* mysql_native = SHA1(SHA1(password)) */
	uint8_t once[20], twice[20];
	userstore_test_digest("SHA1", "Tr0ub4dor&3", 11, once);
	userstore_test_digest("SHA1", once, 20, twice);
	CU_ASSERT_TRUE(a->has_mysql_native);
	CU_ASSERT(memcmp(a->mysql_native, twice, 20) == 0);

	/* sha256x2 = SHA256(SHA256(password)) */
	uint8_t s1[32], s2[32];
	userstore_test_digest("SHA256", "Tr0ub4dor&3", 11, s1);
	userstore_test_digest("SHA256", s1, 32, s2);
	CU_ASSERT_TRUE(a->has_sha256x2);
	CU_ASSERT(memcmp(a->sha256x2, s2, 32) == 0);
	CU_ASSERT_PTR_NULL(a->extra);

	/* Replacing a password changes the verifiers, not the count. */
	CU_ASSERT_EQUAL(userstore_set_password(us, t.path, "alice", "n3w-Passw0rd"), 0);
	CU_ASSERT_EQUAL(userstore_count(us), 2);
	a = userstore_find(us, "alice");
	CU_ASSERT_TRUE(scram_verifier_matches(&a->scram, "n3w-Passw0rd"));
	CU_ASSERT_FALSE(scram_verifier_matches(&a->scram, "Tr0ub4dor&3"));
	userstore_free(us);
	userstore_test_rmdir(&t);
}

static void file_is_private_and_holds_no_password(void)
{
	struct userstore_test_dir t;
	userstore_test_mkdir(&t);
	struct userstore *us;
	CU_ASSERT_EQUAL_FATAL(userstore_load(t.path, &us), 0);
	/* Leave a world-readable temporary behind: the rewrite must not inherit its mode. */
	char tmp[128];
	snprintf(tmp, sizeof(tmp), "%s.tmp", t.path);
	userstore_test_write(tmp, "stale");
	chmod(tmp, 0644);
	CU_ASSERT_EQUAL(userstore_set_password(us, t.path, "alice", "Xyzzy-Plugh-42"), 0);
	CU_ASSERT_EQUAL(userstore_set_password(us, t.path, "bob", "Quux-Frob-97"), 0);

	struct stat st;
	CU_ASSERT_EQUAL_FATAL(stat(t.path, &st), 0);
	CU_ASSERT_EQUAL(st.st_mode & 0777, 0600);
	CU_ASSERT_NOT_EQUAL(access(tmp, F_OK), 0); /* renamed away */

	char *text = userstore_test_read(t.path);
	CU_ASSERT_PTR_NULL(strstr(text, "Xyzzy"));
	CU_ASSERT_PTR_NULL(strstr(text, "Plugh"));
	CU_ASSERT_PTR_NULL(strstr(text, "Quux-Frob"));
	CU_ASSERT_PTR_NOT_NULL(strstr(text, "alice\tscram=SCRAM-SHA-256$4096:"));
	CU_ASSERT_PTR_NOT_NULL(strstr(text, "\tmd5=md5"));
	CU_ASSERT_PTR_NOT_NULL(strstr(text, "\tmysql_native="));
	CU_ASSERT_PTR_NOT_NULL(strstr(text, "\tsha256x2="));
	free(text);
	userstore_free(us);
	userstore_test_rmdir(&t);
}

static void unknown_keys_survive_a_rewrite(void)
{
	struct userstore_test_dir t;
	userstore_test_mkdir(&t);
	struct userstore *us;
	CU_ASSERT_EQUAL_FATAL(userstore_load(t.path, &us), 0);
	CU_ASSERT_EQUAL(userstore_set_password(us, t.path, "alice", "Xyzzy-Plugh-42"), 0);
	userstore_free(us);

	/* A later version added a key to alice's line; add comments and blanks too. */
	char *text = userstore_test_read(t.path);
	char edited[70000];
	text[strcspn(text, "\n")] = '\0';
	snprintf(edited, sizeof(edited), "# users\n\n%s\tfuture=abc=def\tnote=x\n", text);
	free(text);
	userstore_test_write(t.path, edited);

	CU_ASSERT_EQUAL_FATAL(userstore_load(t.path, &us), 0);
	const struct user *a = userstore_find(us, "alice");
	CU_ASSERT_PTR_NOT_NULL_FATAL(a);
	CU_ASSERT_PTR_NOT_NULL_FATAL(a->extra);
	CU_ASSERT_STRING_EQUAL(a->extra, "future=abc=def\tnote=x");
	CU_ASSERT_TRUE(scram_verifier_matches(&a->scram, "Xyzzy-Plugh-42"));

	/* Rewriting for another user keeps alice's unknown keys. */
	CU_ASSERT_EQUAL(userstore_set_password(us, t.path, "bob", "Quux-Frob-97"), 0);
	userstore_free(us);
	CU_ASSERT_EQUAL_FATAL(userstore_load(t.path, &us), 0);
	a = userstore_find(us, "alice");
	CU_ASSERT_PTR_NOT_NULL_FATAL(a);
	CU_ASSERT_PTR_NOT_NULL_FATAL(a->extra);
	CU_ASSERT_STRING_EQUAL(a->extra, "future=abc=def\tnote=x");
	text = userstore_test_read(t.path);
	CU_ASSERT_PTR_NOT_NULL(strstr(text, "\tfuture=abc=def\tnote=x\n"));
	free(text);
	userstore_free(us);
	userstore_test_rmdir(&t);
}

static void default_passwords_are_detected(void)
{
	struct userstore_test_dir t;
	userstore_test_mkdir(&t);
	struct userstore *us;
	CU_ASSERT_EQUAL_FATAL(userstore_load(t.path, &us), 0);
	CU_ASSERT_FALSE(userstore_has_default_password(us));
	CU_ASSERT_EQUAL(userstore_set_password(us, t.path, "demo", "demo"), 0);
	CU_ASSERT_TRUE(userstore_has_default_password(us));
	CU_ASSERT_EQUAL(userstore_set_password(us, t.path, "demo", "a-Strong-0ne!"), 0);
	CU_ASSERT_FALSE(userstore_has_default_password(us));
	CU_ASSERT_EQUAL(userstore_set_password(us, t.path, "admin", "admin"), 0);
	CU_ASSERT_TRUE(userstore_has_default_password(us));
	CU_ASSERT_EQUAL(userstore_set_password(us, t.path, "admin", ""), 0);
	CU_ASSERT_TRUE(userstore_has_default_password(us));
	CU_ASSERT_EQUAL(userstore_set_password(us, t.path, "admin", "0ther-Strong"), 0);
	CU_ASSERT_FALSE(userstore_has_default_password(us));
	userstore_free(us);
	userstore_test_rmdir(&t);
}

static void bad_names_are_refused(void)
{
	struct userstore_test_dir t;
	userstore_test_mkdir(&t);
	struct userstore *us;
	CU_ASSERT_EQUAL_FATAL(userstore_load(t.path, &us), 0);
	char longest[USER_NAME_MAX], too_long[USER_NAME_MAX + 1];
	memset(longest, 'a', sizeof(longest));
	longest[USER_NAME_MAX - 1] = '\0';
	memset(too_long, 'b', sizeof(too_long));
	too_long[USER_NAME_MAX] = '\0';
	const char *bad[] = {"", "a\tb", "a\nb", "a:b", "a\x01" "b", "a\x7f", "a\rb", "#x", too_long};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		CU_ASSERT_EQUAL(userstore_set_password(us, t.path, bad[i], "pw-Long-enough"), -1);
	CU_ASSERT_EQUAL(userstore_count(us), 0);
	CU_ASSERT_NOT_EQUAL(access(t.path, F_OK), 0); /* nothing written */
	CU_ASSERT_EQUAL(userstore_set_password(us, t.path, longest, "pw-Long-enough"), 0);
	CU_ASSERT_EQUAL(userstore_set_password(us, t.path, "J\xc3\xbcrgen O'Neil", "pw"), 0);
	CU_ASSERT_EQUAL(userstore_count(us), 2);
	userstore_free(us);
	userstore_test_rmdir(&t);
}

static void malformed_files_are_refused(void)
{
	struct userstore_test_dir t;
	userstore_test_mkdir(&t);
	const char *bad[] = {
		"alice\tmd5=md5zz\n",                                  /* bad md5 */
		"alice\tmd5=0123456789abcdef0123456789abcdef\n",       /* no md5 prefix */
		"alice\tmysql_native=abcd\n",                          /* short */
		"alice\tsha256x2=xyz\n",
		"alice\tscram=SCRAM-SHA-256$4096:garbage\n",
		"alice\tnovalue\n",                                    /* field without '=' */
		"alice\t=v\n",                                         /* empty key */
		"a:b\tnote=x\n",                                       /* bad name */
		"alice\tnote=1\nalice\tnote=2\n",                      /* duplicate user */
		"alice\tnote=1\tnote=2\n",                             /* duplicate key */
		"alice\tmd5=md50123456789abcdef0123456789abcdef\tmd5=md50123456789abcdef0123456789abcdef\n",
		"\tnote=x\n",                                          /* empty name */
		"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\n",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct userstore *us = (struct userstore *)1;
		userstore_test_write(t.path, bad[i]);
		CU_ASSERT_EQUAL(userstore_load(t.path, &us), -1);
		CU_ASSERT_PTR_NULL(us);
	}

	/* Tolerated: comments, blank lines, a trailing tab, upper-case hex, no final newline. */
	struct userstore *us;
	userstore_test_write(t.path, "# c\n\nalice\tmd5=md50123456789ABCDEF0123456789abcdef\t\n"
				     "bob");
	CU_ASSERT_EQUAL_FATAL(userstore_load(t.path, &us), 0);
	CU_ASSERT_EQUAL(userstore_count(us), 2);
	const struct user *a = userstore_find(us, "alice");
	CU_ASSERT_PTR_NOT_NULL_FATAL(a);
	CU_ASSERT_STRING_EQUAL(a->md5, "md50123456789abcdef0123456789abcdef");
	CU_ASSERT_FALSE(a->has_scram);
	CU_ASSERT_PTR_NOT_NULL(userstore_find(us, "bob"));
	userstore_free(us);
	userstore_test_rmdir(&t);
}

static void missing_file_is_an_empty_store(void)
{
	struct userstore *us = NULL;
	CU_ASSERT_EQUAL_FATAL(userstore_load("/tmp/rosetta-no-such-dir/users", &us), 0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(us);
	CU_ASSERT_EQUAL(userstore_count(us), 0);
	CU_ASSERT_PTR_NULL(userstore_find(us, "demo"));
	CU_ASSERT_FALSE(userstore_has_default_password(us));
	/* Writing into a directory that does not exist fails and changes nothing. */
	CU_ASSERT_EQUAL(userstore_set_password(us, "/tmp/rosetta-no-such-dir/users", "demo", "x"),
			-1);
	CU_ASSERT_EQUAL(userstore_count(us), 0);
	userstore_free(us);
}

void suite_userstore(void);
void suite_userstore(void)
{
	CU_pSuite s = CU_add_suite("userstore", NULL, NULL);
	CU_add_test(s, "set then reload keeps every verifier", set_then_reload_keeps_every_verifier);
	CU_add_test(s, "file is private and holds no password", file_is_private_and_holds_no_password);
	CU_add_test(s, "unknown keys survive a rewrite", unknown_keys_survive_a_rewrite);
	CU_add_test(s, "default passwords are detected", default_passwords_are_detected);
	CU_add_test(s, "bad names are refused", bad_names_are_refused);
	CU_add_test(s, "malformed files are refused", malformed_files_are_refused);
	CU_add_test(s, "missing file is an empty store", missing_file_is_an_empty_store);
}
