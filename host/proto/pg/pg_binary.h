/*
 * pg_binary.h — PostgreSQL binary wire forms of date/time, numeric and uuid
 * values, to and from the engine's canonical text forms (see pg_binary.c).
 */
#ifndef ROSETTA_PROTO_PG_BINARY_H
#define ROSETTA_PROTO_PG_BINARY_H

#include <stddef.h>
#include <stdint.h>

#include "core/buf.h"
#include "engine/types.h"

/* `s` NUL-terminated; appends the binary value (no length word) to `out`.  0 or -1. */
int pg_binary_from_text(enum rtype t, const char *s, struct buf *out);
/* Writes a NUL-terminated canonical text form into out[0..cap).  0 or -1. */
int pg_binary_to_text(enum rtype t, const uint8_t *p, size_t n, char *out, size_t cap);

#endif
