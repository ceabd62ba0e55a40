/*
 * test_hba.c — authentication rules: first match wins, lists, CIDR prefixes, TLS types.
 */
#include <CUnit/CUnit.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "auth/hba.h"

static struct hba *load(const char *text, int *rc)
{
	char path[] = "/tmp/rosetta-hba-XXXXXX";
	int fd = mkstemp(path);
	CU_ASSERT_FATAL(fd >= 0);
	CU_ASSERT_EQUAL(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
	struct hba *h = NULL;
	char why[256];
	*rc = hba_load(path, &h, why, sizeof(why));
	unlink(path);
	return h;
}

static void first_matching_rule_wins(void)
{
	int rc;
	struct hba *h = load("# comment\n"
			     "hostssl   all        all     all             scram-sha-256\n"
			     "host      demo,shop  app     10.1.0.0/16     md5\n"
			     "hostnossl all        app     all             reject\n"
			     "host      all        ops     ::1/128         trust\n"
			     "host      all        pw      192.168.1.7     password\n", &rc);
	CU_ASSERT_EQUAL_FATAL(rc, 0);
	CU_ASSERT_EQUAL(hba_match(h, 1, "demo", "app", "10.1.2.3"), HBA_SCRAM);   /* TLS: line 1 */
	CU_ASSERT_EQUAL(hba_match(h, 0, "demo", "app", "10.1.2.3"), HBA_MD5);     /* in the /16 */
	CU_ASSERT_EQUAL(hba_match(h, 0, "shop", "app", "10.1.255.1"), HBA_MD5);
	CU_ASSERT_EQUAL(hba_match(h, 0, "demo", "app", "10.2.0.1"), HBA_REJECT);  /* outside: next line */
	CU_ASSERT_EQUAL(hba_match(h, 0, "other", "app", "10.1.2.3"), HBA_REJECT); /* not in the list */
	CU_ASSERT_EQUAL(hba_match(h, 0, "demo", "ops", "::1"), HBA_TRUST);
	CU_ASSERT_EQUAL(hba_match(h, 0, "demo", "ops", "::2"), HBA_SCRAM);         /* no match: the default */
	CU_ASSERT_EQUAL(hba_match(h, 0, "demo", "pw", "192.168.1.7"), HBA_PASSWORD);
	CU_ASSERT_EQUAL(hba_match(h, 0, "demo", "pw", "192.168.1.8"), HBA_SCRAM);
	CU_ASSERT_STRING_EQUAL(hba_method_name(HBA_MD5), "md5");
	hba_free(h);
}

static void malformed_files_are_refused(void)
{
	const char *bad[] = {"host all all 127.0.0.1/33 md5\n", "host all all 127.0.0.1/32 kerberos\n",
			     "local all all trust\n", "host all all\n", "host all all 300.1.1.1 md5\n"};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		int rc;
		struct hba *h = load(bad[i], &rc);
		CU_ASSERT_EQUAL(rc, -1);
		hba_free(h);
	}
	struct hba *h = NULL;
	char why[64];
	CU_ASSERT_EQUAL(hba_load("/nonexistent/hba.conf", &h, why, sizeof(why)), 0); /* no file: defaults */
	CU_ASSERT_EQUAL(hba_match(h, 0, "demo", "demo", "127.0.0.1"), HBA_SCRAM);
	hba_free(h);
}

void suite_hba(void);
void suite_hba(void)
{
	CU_pSuite s = CU_add_suite("hba", NULL, NULL);
	CU_add_test(s, "first matching rule wins", first_matching_rule_wins);
	CU_add_test(s, "malformed files are refused", malformed_files_are_refused);
}
