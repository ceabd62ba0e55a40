/*
 * mysql.h — the MySQL protocol handler (client/server protocol 4.1, HandshakeV10).
 */
#ifndef ROSETTA_PROTO_MYSQL_H
#define ROSETTA_PROTO_MYSQL_H

#include "net/conn.h"

extern const struct proto_handler mysql_handler;

#endif
