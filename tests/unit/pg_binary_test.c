/*
 * pg_binary_test.c — PostgreSQL binary wire forms (proto/pg/pg_binary.h), here the
 * interval: text as written -> (microseconds, days, months) -> PostgreSQL's text.
 */
#include <CUnit/CUnit.h>
#include <stdint.h>
#include <string.h>

#include "proto/pg/pg_binary.h"

static int64_t be64(const uint8_t *p)
{
	uint64_t v = 0;
	for (int i = 0; i < 8; i++)
		v = v << 8 | p[i];
	return (int64_t)v;
}

static int32_t be32(const uint8_t *p)
{
	return (int32_t)((uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3]);
}

/* Encode `text`; 0 and the three fields, or -1. */
static int interval(const char *text, int64_t *usecs, int32_t *days, int32_t *months)
{
	struct buf b;
	buf_init(&b);
	int rc = pg_binary_from_text(RT_INTERVAL, text, &b);
	if (rc == 0) {
		CU_ASSERT_EQUAL_FATAL(b.len, 16);
		*usecs = be64(b.data);
		*days = be32(b.data + 8);
		*months = be32(b.data + 12);
	}
	buf_free(&b);
	return rc;
}

static void interval_texts_become_months_days_and_microseconds(void)
{
	static const struct {
		const char *text;
		int64_t usecs;
		int32_t days, months;
	} cases[] = {
		{"1 day 02:00:00", 7200000000LL, 1, 0},
		{"90 minutes", 5400000000LL, 0, 0},
		{"1 year 2 mons 3 days", 0, 3, 14},
		{"-01:30", -5400000000LL, 0, 0},
		{"1.5 days", 43200000000LL, 1, 0},
		{"1.5 months", 0, 15, 1},
		{"3 hours ago", -10800000000LL, 0, 0},
		{"@ 2 weeks", 0, 14, 0},
		{"00:00:00.25", 250000, 0, 0},
		{"10", 10000000, 0, 0},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int64_t us;
		int32_t d, m;
		CU_ASSERT_EQUAL_FATAL(interval(cases[i].text, &us, &d, &m), 0);
		CU_ASSERT_EQUAL(us, cases[i].usecs);
		CU_ASSERT_EQUAL(d, cases[i].days);
		CU_ASSERT_EQUAL(m, cases[i].months);
	}
}

static void bad_interval_texts_are_refused(void)
{
	static const char *const bad[] = {"", "soon", "1 fortnight", "12:", "1 day x"};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		int64_t us;
		int32_t d, m;
		CU_ASSERT_EQUAL(interval(bad[i], &us, &d, &m), -1);
	}
}

static void binary_intervals_print_as_postgresql_does(void)
{
	static const struct {
		int64_t usecs;
		int32_t days, months;
		const char *text;
	} cases[] = {
		{0, 0, 0, "00:00:00"},
		{7200000000LL, 1, 0, "1 day 02:00:00"},
		{0, 3, 14, "1 year 2 mons 3 days"},
		{-5400000000LL, 0, 0, "-01:30:00"},
		{10800000005LL, 2, 0, "2 days 03:00:00.000005"},
		{500000, -1, -1, "-1 mons -1 days 00:00:00.5"},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		uint8_t w[16];
		uint64_t u = (uint64_t)cases[i].usecs;
		for (int k = 0; k < 8; k++)
			w[k] = (uint8_t)(u >> (56 - 8 * k));
		uint32_t d = (uint32_t)cases[i].days, m = (uint32_t)cases[i].months;
		for (int k = 0; k < 4; k++) {
			w[8 + k] = (uint8_t)(d >> (24 - 8 * k));
			w[12 + k] = (uint8_t)(m >> (24 - 8 * k));
		}
		char out[128];
		CU_ASSERT_EQUAL_FATAL(pg_binary_to_text(RT_INTERVAL, w, sizeof(w), out, sizeof(out)), 0);
		CU_ASSERT_STRING_EQUAL(out, cases[i].text);
	}
	char out[8];
	CU_ASSERT_EQUAL(pg_binary_to_text(RT_INTERVAL, (const uint8_t *)"short", 5, out, sizeof(out)), -1);
}

void suite_pg_binary(void);
void suite_pg_binary(void)
{
	CU_pSuite s = CU_add_suite("pg_binary", NULL, NULL);
	CU_add_test(s, "interval texts become months, days and microseconds",
		    interval_texts_become_months_days_and_microseconds);
	CU_add_test(s, "bad interval texts are refused", bad_interval_texts_are_refused);
	CU_add_test(s, "binary intervals print as PostgreSQL does", binary_intervals_print_as_postgresql_does);
}
