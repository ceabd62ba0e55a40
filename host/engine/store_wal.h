/*
 * store_wal.h — coordination of the sessions writing one SQLite database file:
 * group commit and write-lock hand-over (see store_wal.c).
 *
 * INTERFACE ROUTINES
 *   store_wal_for          the coordination record of a database file (created on first use)
 *   store_wal_committed    after a commit: wake waiting writers, return once the commit is durable
 *   store_wal_released     after a rollback: wake waiting writers
 *   store_wal_busy         SQLite busy handler: wait for the writer ahead of us, up to a limit
 */
#ifndef ROSETTA_ENGINE_STORE_WAL_H
#define ROSETTA_ENGINE_STORE_WAL_H

#include <stdint.h>

struct store_wal;

/* A session's place in the queue for the write lock (one per connection). */
struct store_wal_waiter {
	struct store_wal *wal;
	int64_t since_ms;  /* when the current wait began */
	int timeout_ms;    /* give up (SQLITE_BUSY) after this long */
};

/* NULL only when out of memory or the path is too long. */
struct store_wal *store_wal_for(const char *db_path);
/* Blocks for at most about two fsyncs.  Thread-safe. */
void store_wal_committed(struct store_wal *w);
void store_wal_released(struct store_wal *w);
/* sqlite3_busy_handler callback; `arg` is a struct store_wal_waiter.  1 retry, 0 give up. */
int store_wal_busy(void *arg, int count);

#endif
