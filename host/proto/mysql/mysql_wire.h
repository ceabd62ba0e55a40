/*
 * mysql_wire.h — MySQL client/server protocol framing and the generic packets.
 *
 * Every packet is a 3-byte little-endian payload length, a 1-byte sequence
 * id, then the payload.  A payload of 0xffffff bytes or more is sent as
 * several packets, each full one followed by the next, the last shorter
 * (possibly empty).  The sequence id starts at 0 with each command the
 * client sends and increases by one with every packet either side sends.
 *
 * INTERFACE ROUTINES
 *   mysql_frame            the next complete logical packet in a byte range (reassembling splits)
 *   mysql_packet_begin/end  write one logical packet into a buffer (splitting at 16 MiB)
 *   mysql_put_lenenc_int / _str, mysql_put_u16/u24/u32/u64 (little endian)
 *   mysql_get_lenenc_int / _str  readers over a struct mysql_rd cursor
 *   mysql_put_ok / mysql_put_err / mysql_put_eof
 */
#ifndef ROSETTA_PROTO_MYSQL_WIRE_H
#define ROSETTA_PROTO_MYSQL_WIRE_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "core/buf.h"
#include "core/error.h"

#define MYSQL_SPLIT 0xffffffu /* a payload this long continues in the next packet */

/* Capability flags (the server offers, the client chooses). */
#define CLIENT_LONG_PASSWORD 0x00000001u
#define CLIENT_FOUND_ROWS 0x00000002u
#define CLIENT_LONG_FLAG 0x00000004u
#define CLIENT_CONNECT_WITH_DB 0x00000008u
#define CLIENT_NO_SCHEMA 0x00000010u
#define CLIENT_COMPRESS 0x00000020u
#define CLIENT_ODBC 0x00000040u
#define CLIENT_LOCAL_FILES 0x00000080u
#define CLIENT_IGNORE_SPACE 0x00000100u
#define CLIENT_PROTOCOL_41 0x00000200u
#define CLIENT_INTERACTIVE 0x00000400u
#define CLIENT_SSL 0x00000800u
#define CLIENT_IGNORE_SIGPIPE 0x00001000u
#define CLIENT_TRANSACTIONS 0x00002000u
#define CLIENT_RESERVED 0x00004000u
#define CLIENT_SECURE_CONNECTION 0x00008000u
#define CLIENT_MULTI_STATEMENTS 0x00010000u
#define CLIENT_MULTI_RESULTS 0x00020000u
#define CLIENT_PS_MULTI_RESULTS 0x00040000u
#define CLIENT_PLUGIN_AUTH 0x00080000u
#define CLIENT_CONNECT_ATTRS 0x00100000u
#define CLIENT_PLUGIN_AUTH_LENENC_CLIENT_DATA 0x00200000u
#define CLIENT_CAN_HANDLE_EXPIRED_PASSWORDS 0x00400000u
#define CLIENT_SESSION_TRACK 0x00800000u
#define CLIENT_DEPRECATE_EOF 0x01000000u
#define CLIENT_QUERY_ATTRIBUTES 0x08000000u

/* Server status flags (OK, EOF). */
#define SERVER_STATUS_IN_TRANS 0x0001u
#define SERVER_STATUS_AUTOCOMMIT 0x0002u
#define SERVER_MORE_RESULTS_EXISTS 0x0008u
#define SERVER_STATUS_CURSOR_EXISTS 0x0040u
#define SERVER_STATUS_LAST_ROW_SENT 0x0080u
#define SERVER_STATUS_NO_BACKSLASH_ESCAPES 0x0200u
#define SERVER_SESSION_STATE_CHANGED 0x4000u

/* Commands (first payload byte of a client packet in the command phase). */
enum mysql_command {
	COM_SLEEP = 0x00, COM_QUIT = 0x01, COM_INIT_DB = 0x02, COM_QUERY = 0x03,
	COM_FIELD_LIST = 0x04, COM_STATISTICS = 0x09, COM_PROCESS_KILL = 0x0c, COM_PING = 0x0e,
	COM_CHANGE_USER = 0x11, COM_STMT_PREPARE = 0x16, COM_STMT_EXECUTE = 0x17,
	COM_STMT_SEND_LONG_DATA = 0x18, COM_STMT_CLOSE = 0x19, COM_STMT_RESET = 0x1a,
	COM_SET_OPTION = 0x1b, COM_STMT_FETCH = 0x1c, COM_RESET_CONNECTION = 0x1f,
};

/* One logical packet: the payload (contiguous, reassembled when it was split). */
struct mysql_packet {
	const uint8_t *payload;
	size_t len;
	uint8_t seq;    /* sequence id of its last physical packet */
	uint8_t first_seq; /* ... and of its first (the same unless split) */
};

/*
 * Frame the next logical packet out of p[0..n).  Returns the bytes it spans
 * (consume them after using the packet), 0 when incomplete, -1 when the total
 * payload would exceed `max`.  A split payload is copied into *scratch, which
 * out->payload then points into; an unsplit one points into p.
 */
ssize_t mysql_frame(const uint8_t *p, size_t n, size_t max, struct buf *scratch,
		    struct mysql_packet *out);

/* Start a packet with sequence id *seq; returns the offset to pass to _end. */
size_t mysql_packet_begin(struct buf *out, uint8_t *seq);
/* Finish it: write the length, split at 16 MiB (each extra header takes the next id). */
void mysql_packet_end(struct buf *out, size_t at, uint8_t *seq);

void mysql_put_u16(struct buf *b, uint16_t v);
void mysql_put_u24(struct buf *b, uint32_t v);
void mysql_put_u32(struct buf *b, uint32_t v);
void mysql_put_u64(struct buf *b, uint64_t v);
void mysql_put_lenenc_int(struct buf *b, uint64_t v);
void mysql_put_lenenc_str(struct buf *b, const void *p, size_t n);

/* A bounds-checked reader: any read past the end sets `bad` and yields zeros. */
struct mysql_rd {
	const uint8_t *p;
	size_t n, pos;
	int bad;
};
uint8_t mysql_get_u8(struct mysql_rd *r);
uint16_t mysql_get_u16(struct mysql_rd *r);
uint32_t mysql_get_u24(struct mysql_rd *r);
uint32_t mysql_get_u32(struct mysql_rd *r);
uint64_t mysql_get_u64(struct mysql_rd *r);
uint64_t mysql_get_lenenc_int(struct mysql_rd *r, int *is_null); /* 0xfb is NULL when is_null != NULL */
const uint8_t *mysql_get_bytes(struct mysql_rd *r, size_t len);
const uint8_t *mysql_get_lenenc_str(struct mysql_rd *r, size_t *len);
const char *mysql_get_cstr(struct mysql_rd *r, size_t *len); /* NUL-terminated within the payload */

/* OK (header 0x00, or 0xfe when it replaces EOF under CLIENT_DEPRECATE_EOF). */
void mysql_put_ok(struct buf *out, uint8_t *seq, uint32_t caps, uint8_t header, uint64_t affected,
		  uint64_t insert_id, uint16_t status, uint16_t warnings, const char *info);
/* ERR with errno and SQLSTATE from the canonical error table. */
void mysql_put_err(struct buf *out, uint8_t *seq, uint32_t caps, const struct rerr *e);
void mysql_put_err_code(struct buf *out, uint8_t *seq, uint32_t caps, enum errcode code, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));
/* ERR with an explicit MySQL errno and SQLSTATE (conditions with no canonical row, e.g. 1094). */
void mysql_put_err_raw(struct buf *out, uint8_t *seq, uint32_t caps, int my_errno, const char *sqlstate,
		       const char *msg);
/* The SQLSTATE MySQL sends with `my_errno` ("HY000" when it has none of its own). */
const char *mysql_sqlstate(int my_errno);
/* EOF (only without CLIENT_DEPRECATE_EOF). */
void mysql_put_eof(struct buf *out, uint8_t *seq, uint16_t status, uint16_t warnings);

#endif
