/*
 * test_buf.c — growable buffers: append, big-endian helpers, consume/compact.
 */
#include <CUnit/CUnit.h>
#include <stdint.h>
#include <string.h>

#include "core/buf.h"

static void appends_and_reads_big_endian(void)
{
	struct buf b;
	buf_init(&b);
	buf_put_u8(&b, 'R');
	buf_put_be32(&b, 0x01020304);
	buf_put_be16(&b, 0xa1b2);
	buf_put_cstr(&b, "hi");
	CU_ASSERT_EQUAL(b.len, 1 + 4 + 2 + 3);
	CU_ASSERT_EQUAL(rd_be32(b.data + 1), 0x01020304);
	CU_ASSERT_EQUAL(rd_be16(b.data + 5), 0xa1b2);
	CU_ASSERT_STRING_EQUAL((char *)b.data + 7, "hi");
	buf_patch_be32(&b, 1, 7);
	CU_ASSERT_EQUAL(rd_be32(b.data + 1), 7);
	buf_free(&b);
}

static void consume_and_compact_keep_unread_bytes(void)
{
	struct buf b;
	buf_init(&b);
	for (int i = 0; i < 1000; i++)
		buf_put_u8(&b, (uint8_t)i);
	buf_consume(&b, 990);
	CU_ASSERT_EQUAL(buf_unread(&b), 10);
	buf_compact(&b);
	CU_ASSERT_EQUAL(b.rpos, 0);
	CU_ASSERT_EQUAL(b.data[0], (uint8_t)990);
	buf_consume(&b, 10);
	CU_ASSERT_EQUAL(b.len, 0); /* fully read buffers rewind */
	buf_printf(&b, "%d-%s", 42, "x");
	CU_ASSERT_EQUAL(b.len, 4);
	CU_ASSERT(memcmp(b.data, "42-x", 4) == 0);
	buf_free(&b);
}

void suite_buf(void);
void suite_buf(void)
{
	CU_pSuite s = CU_add_suite("buf", NULL, NULL);
	CU_add_test(s, "appends and reads big-endian", appends_and_reads_big_endian);
	CU_add_test(s, "consume and compact keep unread bytes", consume_and_compact_keep_unread_bytes);
}

#include "core/arena.h"

static void arena_allocates_aligned_zeroed_and_resets(void)
{
	struct arena a;
	arena_init(&a);
	char *s = arena_strndup(&a, "hello world", 5);
	CU_ASSERT_STRING_EQUAL(s, "hello");
	void *big = arena_alloc(&a, 100000); /* larger than a block */
	CU_ASSERT_PTR_NOT_NULL(big);
	CU_ASSERT_EQUAL(((unsigned char *)big)[99999], 0);
	for (int i = 0; i < 1000; i++) {
		void *p = arena_alloc(&a, 24);
		CU_ASSERT_EQUAL((uintptr_t)p % 16, 0);
	}
	CU_ASSERT(arena_bytes(&a) >= 100000 + 24 * 1000);
	arena_reset(&a);
	CU_ASSERT_EQUAL(arena_bytes(&a), 0);
	CU_ASSERT_PTR_NOT_NULL(arena_alloc(&a, 10));
	arena_free(&a);
}

void suite_arena(void);
void suite_arena(void)
{
	CU_pSuite s = CU_add_suite("arena", NULL, NULL);
	CU_add_test(s, "allocates aligned, zeroed, and resets", arena_allocates_aligned_zeroed_and_resets);
}
