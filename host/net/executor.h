/*
 * executor.h — worker threads that run protocol handlers off the network loops.
 *
 * A loop never runs a statement: when a connection has input, the loop hands
 * the connection's handler call to the executor and stops reading from it;
 * a worker runs handler->input(), then posts the connection back to the
 * loop it came from (an eventfd wakes that loop).  So a slow statement
 * occupies one worker, never a loop, and a cancel arriving on another
 * connection is served while it runs.
 *
 * INTERFACE ROUTINES
 *   executor_start / executor_stop   the worker threads
 *   executor_submit                  queue a job (FIFO); any thread
 *   executor_backlog                 are jobs waiting for a worker?  any thread, a hint
 *   executor_yield_fd                an eventfd, readable while a job waits and no worker
 *                                    is free: a worker holding on to a connection between
 *                                    its requests (net/server.c sconn_linger) polls it and
 *                                    lets go
 *   executor_mailbox_*               a loop's completion queue and its eventfd
 *
 * Ownership: a submitted job belongs to the executor until it is posted to
 * its mailbox; the loop owns it again when it takes it out.
 */
#ifndef ROSETTA_NET_EXECUTOR_H
#define ROSETTA_NET_EXECUTOR_H

#include <pthread.h>

struct executor_mailbox;

struct executor_job {
	struct executor_job *next;
	void (*run)(struct executor_job *job);  /* on a worker */
	struct executor_mailbox *done;         /* where the finished job is posted */
};

struct executor_mailbox {
	pthread_mutex_t mu;
	struct executor_job *head, *tail;
	int fd; /* eventfd: readable while jobs wait */
};

int executor_start(int nworkers);
void executor_stop(void);
void executor_submit(struct executor_job *job);
/* Nonzero while jobs wait for a worker (read without the lock: a hint, not a promise). */
int executor_backlog(void);
/* Readable (POLLIN) while jobs wait and every worker is busy; only executor.c reads it. */
int executor_yield_fd(void);

int executor_mailbox_init(struct executor_mailbox *m);
void executor_mailbox_destroy(struct executor_mailbox *m);
/* Take every finished job (in completion order); clears the eventfd. */
struct executor_job *executor_mailbox_take(struct executor_mailbox *m);

#endif
