/*
 * array_text.h — reading PostgreSQL's one-dimensional array text form.
 *
 * The engine holds an array as its PostgreSQL text form, '{a,b,"c d",NULL}'
 * (engine/sqlite_array.c builds and queries them).  This reader splits one
 * into its elements: quotes and backslash escapes are undone, unquoted NULL
 * is a null element, a nested '{...}' is kept whole as one element, and the
 * int2vector/oidvector form "1 2 3" (pg_index.indkey) is read as well.
 * Used by the SQL array functions and by the PostgreSQL binary array input and output.
 */
#ifndef ROSETTA_ENGINE_ARRAY_TEXT_H
#define ROSETTA_ENGINE_ARRAY_TEXT_H

#include <stddef.h>

struct array_elem {
	const char *p; /* into array_text.mem; NUL-terminated */
	size_t n;
	int null, quoted;
};

struct array_text {
	char *mem; /* the decoded elements, back to back */
	int n, cap;
	struct array_elem *v;
};

/* Parse s[0..len).  Returns 0, or -1 on malformed input or no memory; free with array_text_free either way. */
int array_text_parse(const char *s, size_t len, struct array_text *a);
void array_text_free(struct array_text *a);

struct buf;
/* Append one element as array_out writes it: quoted, with backslash escapes, only when empty, NULL, or holding a brace, comma, quote, backslash or space. */
void array_text_put_elem(struct buf *b, const char *s, size_t n);

#endif
