/*
 * server.h — the kernel-socket transport: listeners, loops, connections.
 *
 * One thread per loop; each loop opens its own SO_REUSEPORT listening
 * socket for every enabled port, so the kernel spreads new connections over
 * loops and no lock is taken on the accept path.  A connection lives on the
 * loop that accepted it for its whole life.
 *
 * INTERFACE ROUTINES
 *   server_run    bind every listener, print the ready line, serve until server_stop()
 *   server_stop   ask every loop to finish (async-signal-safe)
 */
#ifndef ROSETTA_NET_SERVER_H
#define ROSETTA_NET_SERVER_H

#include "net/conn.h"

/* Returns 0 after a clean stop, -1 if a listener could not be opened. */
int server_run(const struct server_env *env);
void server_stop(void);

#endif
