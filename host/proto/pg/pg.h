/*
 * pg.h — the PostgreSQL protocol handler (frontend/backend protocol 3.0).
 */
#ifndef ROSETTA_PROTO_PG_H
#define ROSETTA_PROTO_PG_H

#include "net/conn.h"

extern const struct proto_handler pg_handler;

#endif
