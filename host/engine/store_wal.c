/*
 * store_wal.c — one fsync for many commits, and the write lock handed over
 * without sleeping.
 *
 * Every session has its own SQLite connection; SQLite lets one of them write
 * a database file at a time.  Two things decide how fast writers go:
 *
 * Group commit.  With synchronous=FULL SQLite fsyncs the WAL inside every
 * COMMIT while it still holds the write lock, so writers queue behind each
 * other's fsyncs: one commit per fsync at most.  Instead the store runs
 * synchronous=NORMAL (a COMMIT writes its WAL frames without an fsync;
 * checkpoints and WAL restarts are still synced, so the file stays
 * consistent) and SQLite's WAL hook — called after every commit, once the
 * write lock is released — calls store_wal_committed() before the session
 * sees its COMMIT succeed.  The first caller fsyncs the WAL for every commit
 * made before its fsync began; later arrivals wait for the next one.  The
 * promise to clients is unchanged: an acknowledged COMMIT is on disk.  What
 * changes is visibility: another session can read a commit a few
 * milliseconds before it is durable, as in InnoDB (committed in memory, locks
 * released, then the log flushed); PostgreSQL waits for the flush before
 * showing a commit.  A crash in that window loses only commits whose writers
 * were never told they succeeded, and any commit that read them came later
 * in the same WAL and is lost with them.
 *
 * Lock hand-over.  SQLite's own busy timeout polls with sleeps growing to
 * 100 ms, so a writer waiting behind a short transaction sleeps far longer
 * than the transaction lasts.  Here a waiting writer blocks on a condition
 * variable that commits and rollbacks broadcast, with a short timed wait
 * (STORE_WAL_POLL_MS) as the backstop for a release that happens between
 * SQLite's failed attempt and the wait.
 *
 * Invariants, per database file (struct store_wal):
 *   1. durable <= committed; ticket t is durable once durable >= t.
 *   2. A flush covers every ticket issued before it started: it reads
 *      `committed` before fdatasync(), and a ticket is issued after its
 *      commit's frames were written.
 *   3. At most one flush runs per file (`flushing`).
 */
#include "engine/store_wal.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "core/log.h"

#define STORE_WAL_POLL_MS 2

struct store_wal {
	struct store_wal *next;
	char path[PATH_MAX]; /* the WAL file: <database>-wal */
	pthread_mutex_t mu;
	pthread_cond_t durable_cv;  /* a flush finished */
	pthread_cond_t released_cv; /* the write lock was released */
	uint64_t committed, durable;
	uint64_t releases;
	int flushing;
};

static pthread_mutex_t store_wal_list_mu = PTHREAD_MUTEX_INITIALIZER;
static struct store_wal *store_wal_list; /* one per database file, kept for the process's life */

static int64_t store_wal_now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

struct store_wal *store_wal_for(const char *db_path)
{
	char path[PATH_MAX];
	int n = snprintf(path, sizeof(path), "%s-wal", db_path);
	if (n < 0 || (size_t)n >= sizeof(path))
		return NULL;
	pthread_mutex_lock(&store_wal_list_mu);
	struct store_wal *w = store_wal_list;
	while (w && strcmp(w->path, path) != 0)
		w = w->next;
	if (!w && (w = calloc(1, sizeof(*w))) != NULL) {
		memcpy(w->path, path, (size_t)n + 1);
		pthread_mutex_init(&w->mu, NULL);
		pthread_cond_init(&w->durable_cv, NULL);
		pthread_condattr_t ca;
		pthread_condattr_init(&ca);
		pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
		pthread_cond_init(&w->released_cv, &ca);
		pthread_condattr_destroy(&ca);
		w->next = store_wal_list;
		store_wal_list = w;
	}
	pthread_mutex_unlock(&store_wal_list_mu);
	return w;
}

/* fdatasync the WAL.  Opened per flush: SQLite deletes and recreates the file
 * when the last connection closes, so a kept descriptor could go stale. */
static int store_wal_sync_file(const char *path)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return errno == ENOENT ? 0 : -1; /* no WAL: its last checkpoint synced the database */
	int rc;
	do
		rc = fdatasync(fd);
	while (rc < 0 && errno == EINTR);
	int saved = errno;
	close(fd);
	errno = saved;
	return rc;
}

void store_wal_released(struct store_wal *w)
{
	pthread_mutex_lock(&w->mu);
	w->releases++;
	pthread_cond_broadcast(&w->released_cv);
	pthread_mutex_unlock(&w->mu);
}

void store_wal_committed(struct store_wal *w)
{
	pthread_mutex_lock(&w->mu);
	w->releases++;
	pthread_cond_broadcast(&w->released_cv); /* the next writer goes while we wait for the disk */
	uint64_t ticket = ++w->committed;
	while (w->durable < ticket) {
		if (w->flushing) {
			pthread_cond_wait(&w->durable_cv, &w->mu);
			continue;
		}
		w->flushing = 1;
		uint64_t covers = w->committed;
		pthread_mutex_unlock(&w->mu);
		if (store_wal_sync_file(w->path) < 0) {
			/* As PostgreSQL does on a failed fsync: the kernel may have dropped the
			 * dirty pages, so no later fsync can be trusted to cover them. */
			log_error("wal_fsync_failed", "file=%s error=\"%s\"", w->path, strerror(errno));
			abort();
		}
		pthread_mutex_lock(&w->mu);
		w->durable = covers;
		w->flushing = 0;
		pthread_cond_broadcast(&w->durable_cv);
	}
	pthread_mutex_unlock(&w->mu);
}

int store_wal_busy(void *arg, int count)
{
	struct store_wal_waiter *q = arg;
	int64_t now = store_wal_now_ms();
	if (count == 0)
		q->since_ms = now;
	if (now - q->since_ms >= q->timeout_ms)
		return 0;
	struct store_wal *w = q->wal;
	if (!w) { /* no coordination record: plain polling */
		usleep(STORE_WAL_POLL_MS * 1000);
		return 1;
	}
	struct timespec until;
	clock_gettime(CLOCK_MONOTONIC, &until);
	until.tv_nsec += STORE_WAL_POLL_MS * 1000000L;
	if (until.tv_nsec >= 1000000000L) {
		until.tv_sec++;
		until.tv_nsec -= 1000000000L;
	}
	pthread_mutex_lock(&w->mu);
	uint64_t seen = w->releases;
	while (w->releases == seen) {
		if (pthread_cond_timedwait(&w->released_cv, &w->mu, &until) == ETIMEDOUT)
			break;
	}
	pthread_mutex_unlock(&w->mu);
	return 1;
}
