/*
 * fuzz_classify.c — libFuzzer harness for host/ingress/classify.c.
 *
 * Feeds every prefix of the input up to 64 bytes to ingress_classify() and the
 * whole input to ingress_parse_client_hello().  Each prefix ends where its
 * heap block ends, so that ASan sees any read past n.  Besides
 * memory errors it traps on a broken contract (classify.h):
 *   - 64 bytes always decide (never INGRESS_NEED_MORE);
 *   - once decided, the answer does not change as bytes are added;
 *   - a parsed hello's length lies within the input, its strings are
 *     terminated, its ALPN count is within bounds, and the same bytes cut to
 *     that length parse to the same answer;
 *   - a malformed hello leaves *out empty.
 * Seeds: tests/fuzz/corpus/fuzz_classify (copies of tests/captures).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ingress/classify.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static uint8_t *fuzz_classify_copy(const uint8_t *data, size_t n)
{
	uint8_t *p = malloc(n ? n : 1);
	if (!p)
		abort();
	if (n)
		memcpy(p, data, n);
	return p;
}

static void fuzz_classify_prefixes(const uint8_t *data, size_t size)
{
	size_t max = size < 64 ? size : 64;
	/* Each prefix sits at the very end of one block, so a read past it
	 * lands in ASan's redzone. */
	uint8_t *blk = fuzz_classify_copy(data, max);
	enum ingress_proto decided = INGRESS_NEED_MORE;
	for (size_t k = 0; k <= max; k++) {
		uint8_t *p = blk + (max - k);
		memmove(p, data, k);
		enum ingress_proto r = ingress_classify(p, k);
		if (ingress_proto_name(r) == NULL)
			__builtin_trap();
		if (k == 64 && r == INGRESS_NEED_MORE)
			__builtin_trap();
		if (decided == INGRESS_NEED_MORE)
			decided = r;
		else if (r != decided)
			__builtin_trap();
	}
	free(blk);
}

static void fuzz_classify_check_hello(const struct tls_hello *h)
{
	if (memchr(h->sni, '\0', sizeof(h->sni)) == NULL)
		__builtin_trap();
	if (h->alpn_count < 0 || h->alpn_count > INGRESS_MAX_ALPN)
		__builtin_trap();
	for (int i = 0; i < h->alpn_count; i++)
		if (memchr(h->alpn[i], '\0', sizeof(h->alpn[i])) == NULL || h->alpn[i][0] == '\0')
			__builtin_trap();
}

static void fuzz_classify_hello(const uint8_t *data, size_t size)
{
	struct tls_hello h;
	int r = ingress_parse_client_hello(data, size, &h);
	if (r < -2 || r == 0 || (r > 0 && (size_t)r > size))
		__builtin_trap();
	if (r < 0 && (h.sni[0] != '\0' || h.alpn_count != 0))
		__builtin_trap();
	fuzz_classify_check_hello(&h);
	if (r > 0) {
		/* The answer depends only on the bytes it claims to span. */
		struct tls_hello again;
		uint8_t *p = fuzz_classify_copy(data, (size_t)r);
		int r2 = ingress_parse_client_hello(p, (size_t)r, &again);
		free(p);
		if (r2 != r || memcmp(&h, &again, sizeof(h)) != 0)
			__builtin_trap();
		/* Every parsed hello classifies as TLS. */
		if (ingress_classify(data, size) != INGRESS_TLS)
			__builtin_trap();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_classify_prefixes(data, size);
	fuzz_classify_hello(data, size);
	return 0;
}
