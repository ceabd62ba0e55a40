/*
 * fuzz_accel_filter.c — libFuzzer harness for the accelerator's filter
 * programs (host/accel/accel_filter.c), the serialized form a program takes
 * to cross to a device.
 *
 * The input is decoded as a program; the decoder must refuse or accept
 * without reading past the input.  An accepted program that passes
 * accel_filter_check against a fixed four-column table (int64, float64,
 * bool, text codes; NULLs; 130 rows, so the last bitmap word is partial) is
 * evaluated by the CPU backend and by the row-at-a-time reference; it traps
 * when they differ, when a bit past the last row is set, or when encoding
 * the decoded program does not give back the same bytes.
 * Seeds: tests/fuzz/corpus/fuzz_accel_filter.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "accel/accel.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FZ_ROWS 130

static int64_t fz_i[FZ_ROWS];
static double fz_f[FZ_ROWS];
static uint8_t fz_b[FZ_ROWS];
static uint32_t fz_d[FZ_ROWS];
static uint64_t fz_ni[ACCEL_BITMAP_WORDS(FZ_ROWS)], fz_nf[ACCEL_BITMAP_WORDS(FZ_ROWS)];
static struct accel_column fz_cols[4];
static struct accel_table fz_table;

static void fz_init(void)
{
	if (fz_table.nrows)
		return;
	for (int r = 0; r < FZ_ROWS; r++) {
		fz_i[r] = r % 7 - 3;
		fz_f[r] = (r % 11) * 0.5 - 2;
		fz_b[r] = (uint8_t)(r % 3 == 0);
		fz_d[r] = (uint32_t)(r % 5);
		if (r % 9 == 0)
			fz_ni[r / 64] |= (uint64_t)1 << (r % 64);
		if (r % 13 == 0)
			fz_nf[r / 64] |= (uint64_t)1 << (r % 64);
	}
	fz_cols[0] = (struct accel_column){ACCEL_COL_I64, fz_i, fz_ni};
	fz_cols[1] = (struct accel_column){ACCEL_COL_F64, fz_f, fz_nf};
	fz_cols[2] = (struct accel_column){ACCEL_COL_BOOL, fz_b, NULL};
	fz_cols[3] = (struct accel_column){ACCEL_COL_DICT, fz_d, fz_ni};
	fz_table = (struct accel_table){FZ_ROWS, 4, fz_cols};
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fz_init();
	uint8_t *copy = malloc(size ? size : 1); /* exact-size block: ASan sees a read past the end */
	if (!copy)
		abort();
	if (size)
		memcpy(copy, data, size);
	struct accel_filter f;
	struct rerr err;
	if (accel_filter_decode(copy, size, &f, &err) == 0) {
		struct buf again;
		buf_init(&again);
		accel_filter_encode(&f, &again);
		if (again.len != size || memcmp(again.data, copy, size) != 0)
			abort();
		buf_free(&again);
		if (accel_filter_check(&f, &fz_table, &err) == 0) {
			uint64_t ref[ACCEL_BITMAP_WORDS(FZ_ROWS)], got[ACCEL_BITMAP_WORDS(FZ_ROWS)];
			accel_filter_eval_ref(&f, &fz_table, ref);
			if (accel_filter_eval_cpu(&f, &fz_table, got, &err) < 0)
				abort();
			if (memcmp(ref, got, sizeof(ref)) != 0)
				abort();
			if (got[ACCEL_BITMAP_WORDS(FZ_ROWS) - 1] >> (FZ_ROWS % 64))
				abort();
		}
		accel_filter_free(&f);
	}
	free(copy);
	return 0;
}
