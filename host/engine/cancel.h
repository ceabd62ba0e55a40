/*
 * cancel.h — find a running session from another connection, to cancel it.
 *
 * PostgreSQL clients cancel by opening a new connection with the backend's
 * (pid, secret key); MySQL's KILL QUERY names a connection id.  Either way
 * the cancel arrives on a different connection, served on another thread,
 * than the statement it targets.  One lock orders registration, removal and
 * cancel, so a session is never interrupted after it was closed.
 *
 * INTERFACE ROUTINES
 *   cancel_register     make a session reachable by (id, key)
 *   cancel_unregister   before the session is closed
 *   cancel_request      interrupt the running statement of (id, key); 1 if found
 */
#ifndef ROSETTA_ENGINE_CANCEL_H
#define ROSETTA_ENGINE_CANCEL_H

#include <stdint.h>

struct session;

int cancel_register(uint32_t id, uint32_t key, struct session *s);
void cancel_unregister(uint32_t id);
int cancel_request(uint32_t id, uint32_t key);

#endif
