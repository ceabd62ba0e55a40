/*
 * mysql_auth.h — the connection phase of the MySQL handler (internal).
 *
 * INTERFACE ROUTINES
 *   mysql_put_greeting      HandshakeV10 (new scramble, capabilities, default plugin)
 *   mysql_auth_handshake    SSLRequest or HandshakeResponse41 (state HANDSHAKE)
 *   mysql_auth_continue     the plugin exchange (state AUTH): switch reply, full auth, RSA
 *   mysql_auth_change_user  COM_CHANGE_USER: authenticate again, then a new session
 *   mysql_auth_free         release the exchange state
 *   mysql_native_token / mysql_sha2_token   the client side of the scrambles (tests, fuzz seeds)
 *   mysql_native_check / mysql_sha2_fast_check   the server side against stored verifiers
 */
#ifndef ROSETTA_PROTO_MYSQL_AUTH_H
#define ROSETTA_PROTO_MYSQL_AUTH_H

#include <stddef.h>
#include <stdint.h>

#include "proto/mysql/mysql_conn.h"

#define MYSQL_SCRAMBLE_LEN 20

void mysql_put_greeting(struct conn *c, struct mysql_conn *mc);
int mysql_auth_handshake(struct conn *c, struct mysql_conn *mc, const uint8_t *p, size_t n);
int mysql_auth_continue(struct conn *c, struct mysql_conn *mc, const uint8_t *p, size_t n);
int mysql_auth_change_user(struct conn *c, struct mysql_conn *mc, const uint8_t *p, size_t n);
void mysql_auth_free(struct mysql_conn *mc);

/* mysql_native_password: SHA1(pw) XOR SHA1(scramble || SHA1(SHA1(pw))).  0 or -1. */
int mysql_native_token(const char *pw, const uint8_t scramble[20], uint8_t out[20]);
/* caching_sha2_password fast path: SHA256(pw) XOR SHA256(SHA256(SHA256(pw)) || scramble). */
int mysql_sha2_token(const char *pw, const uint8_t scramble[20], uint8_t out[32]);
/* 1 when `token` proves the password behind `stored` (SHA1(SHA1(pw)) / SHA256(SHA256(pw))). */
int mysql_native_check(const uint8_t stored[20], const uint8_t scramble[20], const uint8_t *token, size_t n);
int mysql_sha2_fast_check(const uint8_t stored[32], const uint8_t scramble[20], const uint8_t *token, size_t n);

#endif
