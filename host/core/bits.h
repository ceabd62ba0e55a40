/*
 * bits.h — IEEE 754 floats as the bit patterns the wire protocols carry.
 *
 * PostgreSQL's binary float4/float8 and MySQL's binary FLOAT/DOUBLE are the
 * value's bits in an integer (big- or little-endian on the wire, which the
 * caller's put/get function decides); memcpy is the defined way to move them.
 */
#ifndef ROSETTA_CORE_BITS_H
#define ROSETTA_CORE_BITS_H

#include <stdint.h>
#include <string.h>

static inline uint32_t f32_bits(float f) { uint32_t u; memcpy(&u, &f, sizeof(u)); return u; }
static inline float f32_from_bits(uint32_t u) { float f; memcpy(&f, &u, sizeof(f)); return f; }
static inline uint64_t f64_bits(double d) { uint64_t u; memcpy(&u, &d, sizeof(u)); return u; }
static inline double f64_from_bits(uint64_t u) { double d; memcpy(&d, &u, sizeof(d)); return d; }

#endif
