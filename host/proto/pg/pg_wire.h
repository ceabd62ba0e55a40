/*
 * pg_wire.h — PostgreSQL message framing (decode) and formatting (encode).
 *
 * Decoding has picohttpparser's shape: give it the bytes received so far;
 * it returns how many bytes one whole message spans, 0 when the message is
 * not complete yet, or -1 when the length word is impossible.  Results point
 * into the caller's buffer; nothing is allocated.
 *
 * INTERFACE ROUTINES
 *   pg_frame / pg_frame_startup   one message (typed / startup phase) from a byte prefix
 *   pg_rd_*                       bounded readers over a message body
 *   pg_msg_begin / pg_msg_end     open a message in a buffer / patch its length
 *   pg_put_error                  ErrorResponse or NoticeResponse from a struct rerr
 *   pg_put_ready                  ReadyForQuery
 *   pg_put_param_status           ParameterStatus
 */
#ifndef ROSETTA_PROTO_PG_WIRE_H
#define ROSETTA_PROTO_PG_WIRE_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "core/buf.h"
#include "core/error.h"

#define PG_STARTUP_MAX 10000          /* as PostgreSQL's MAX_STARTUP_PACKET_LENGTH */
#define PG_AUTH_MESSAGE_MAX 8192      /* any message before authentication completes */
#define PG_MESSAGE_MAX (64u << 20)    /* any message after */

#define PG_CODE_SSL 80877103
#define PG_CODE_GSSENC 80877104
#define PG_CODE_CANCEL 80877102

struct pg_msg {
	uint8_t type;          /* 0 for startup-phase packets */
	const uint8_t *body;   /* after the length word */
	uint32_t len;          /* body length */
};

ssize_t pg_frame(const uint8_t *p, size_t n, size_t max, struct pg_msg *m);
ssize_t pg_frame_startup(const uint8_t *p, size_t n, struct pg_msg *m);

struct pg_reader {
	const uint8_t *p;
	size_t n, pos;
	int bad; /* set on any read past the end; reads then return zero values */
};

void pg_rd_init(struct pg_reader *r, const struct pg_msg *m);
uint32_t pg_rd_u32(struct pg_reader *r);
uint16_t pg_rd_u16(struct pg_reader *r);
/* A NUL-terminated string inside the body; NULL (and bad) when unterminated. */
const char *pg_rd_cstr(struct pg_reader *r);
const uint8_t *pg_rd_bytes(struct pg_reader *r, size_t n);

size_t pg_msg_begin(struct buf *b, char type);
void pg_msg_end(struct buf *b, size_t at);

/* `notice`: NoticeResponse ('N') instead of ErrorResponse ('E'); `fatal`: severity FATAL. */
void pg_put_error(struct buf *b, const struct rerr *e, int notice, int fatal);
/* Shorthand for an error built from a code and message. */
void pg_put_error_msg(struct buf *b, enum errcode code, int fatal, const char *msg);
void pg_put_ready(struct buf *b, char status);
void pg_put_param_status(struct buf *b, const char *name, const char *value);

#endif
