/*
 * classify.h — which protocol is this connection speaking, from its first bytes.
 *
 * Pure functions over a byte prefix: no state, no allocation, no socket.
 * The router calls ingress_classify() each time more bytes arrive until the
 * answer is not INGRESS_NEED_MORE.  A client that sends nothing is a MySQL
 * client waiting for the server's greeting; that decision (a timeout) is the
 * router's, not this module's.
 *
 * Signatures (see docs/architecture.md for the byte layouts):
 *   TLS ClientHello    16 03 0x ..  (record type handshake, version 3.x) then handshake type 01
 *   PG SSLRequest      00 00 00 08  04 d2 16 2f
 *   PG GSSENCRequest   00 00 00 08  04 d2 16 30
 *   PG CancelRequest   len(4)       04 d2 16 2e   (len 16..268: protocol 3.2 keys up to 256 bytes)
 *   PG StartupMessage  len(4)       00 03 00 xx   (protocol 3.x)
 *   TDS PRELOGIN       12 01 len(2) ..            (type 0x12, status EOM)
 *   TNS CONNECT        len(2) 00 00 01 00         (type 1 at offset 4, zero checksum)
 *                      00 00 len(2) 01 00         (the 4-byte length of TNS >= 315)
 *   DRDA EXCSAT        len(2) d0 ..  ..  ..  len(2) 10 41
 *   HTTP/1.x           "GET " "POST " "PUT " "DELETE " "HEAD " "OPTIONS " "PATCH " "CONNECT "
 *   HTTP/2 preface     "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"
 *
 * INTERFACE ROUTINES
 *   ingress_classify         first bytes -> enum ingress_proto
 *   ingress_proto_name       enum -> stable lower-case name for logs
 *   ingress_parse_client_hello  a TLS ClientHello -> SNI and ALPN list
 */
#ifndef ROSETTA_INGRESS_CLASSIFY_H
#define ROSETTA_INGRESS_CLASSIFY_H

#include <stddef.h>
#include <stdint.h>

enum ingress_proto {
	INGRESS_NEED_MORE = 0, /* the prefix is consistent with some protocol; read more */
	INGRESS_UNKNOWN,       /* matches nothing we speak */
	INGRESS_TLS,           /* TLS ClientHello */
	INGRESS_PG_STARTUP,
	INGRESS_PG_SSL,
	INGRESS_PG_GSSENC,
	INGRESS_PG_CANCEL,
	INGRESS_TDS,
	INGRESS_TNS,
	INGRESS_DRDA,
	INGRESS_HTTP1,
	INGRESS_HTTP2,
};

/*
 * Classify a connection from the bytes received so far (`n` may be 0).
 * Never needs more than 64 bytes to decide; with 64 or more bytes it never
 * returns INGRESS_NEED_MORE.
 */
enum ingress_proto ingress_classify(const uint8_t *p, size_t n);
const char *ingress_proto_name(enum ingress_proto p);

#define INGRESS_MAX_ALPN 8

struct tls_hello {
	char sni[256];                   /* "" when absent */
	int alpn_count;
	char alpn[INGRESS_MAX_ALPN][32]; /* protocols in the client's order; longer names are skipped */
};

/*
 * Parse a TLS ClientHello record (starting at the record header) for SNI and
 * ALPN.  Returns the length of the record carrying the hello when that record
 * is complete (a hello spanning several records is parsed as far as the first
 * one goes), -2 when more bytes are needed, -1 when malformed.  `*out` is
 * cleared on -1 and -2.  Reads only within [p, p+n).
 */
int ingress_parse_client_hello(const uint8_t *p, size_t n, struct tls_hello *out);

#endif
