/*
 * executor.c — a fixed pool of worker threads over one FIFO (see executor.h).
 *
 * One mutex guards the queue; jobs are whole handler calls (a message or a
 * pipeline of messages), so the lock is taken twice per request, not per
 * row.  Workers exit when executor_stop() finds the queue drained.
 *
 * The yield eventfd is written when a job is queued and no worker waits for
 * one (at most once until the queue drains, so a busy pool costs a write and
 * a read per backlog, not per job); the worker that empties the queue reads
 * it back to zero.
 */
#include "net/executor.h"

#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/eventfd.h>
#include <unistd.h>

static pthread_mutex_t executor_mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t executor_cv = PTHREAD_COND_INITIALIZER;
static struct executor_job *executor_head, *executor_tail;
static int executor_stopping;
static pthread_t *executor_threads;
static int executor_nthreads;
static atomic_int executor_queued; /* jobs in the queue */
static int executor_idle;          /* workers waiting for a job, under executor_mu */
static int executor_yield = -1;    /* eventfd: readable while a job waits for a busy pool */
static int executor_yield_set;     /* under executor_mu: the eventfd's count is nonzero */

static void executor_post(struct executor_job *job)
{
	struct executor_mailbox *m = job->done;
	pthread_mutex_lock(&m->mu);
	job->next = NULL;
	if (m->tail)
		m->tail->next = job;
	else
		m->head = job;
	m->tail = job;
	pthread_mutex_unlock(&m->mu);
	uint64_t one = 1;
	ssize_t w = write(m->fd, &one, sizeof(one));
	(void)w;
}

static void *executor_worker(void *arg)
{
	(void)arg;
	for (;;) {
		pthread_mutex_lock(&executor_mu);
		while (!executor_head && !executor_stopping) {
			executor_idle++;
			pthread_cond_wait(&executor_cv, &executor_mu);
			executor_idle--;
		}
		struct executor_job *job = executor_head;
		if (!job) {
			pthread_mutex_unlock(&executor_mu);
			return NULL;
		}
		executor_head = job->next;
		if (!executor_head) {
			executor_tail = NULL;
			if (executor_yield_set) { /* nothing waits any more: lingering workers may stay */
				uint64_t n;
				ssize_t r = read(executor_yield, &n, sizeof(n));
				(void)r;
				executor_yield_set = 0;
			}
		}
		atomic_fetch_sub_explicit(&executor_queued, 1, memory_order_relaxed);
		pthread_mutex_unlock(&executor_mu);
		job->run(job);
		executor_post(job);
	}
}

int executor_start(int nworkers)
{
	executor_stopping = 0;
	executor_yield = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	if (executor_yield < 0)
		return -1;
	executor_threads = calloc((size_t)nworkers, sizeof(pthread_t));
	if (!executor_threads)
		return -1;
	for (int i = 0; i < nworkers; i++) {
		if (pthread_create(&executor_threads[i], NULL, executor_worker, NULL) != 0)
			return -1;
		executor_nthreads++;
	}
	return 0;
}

void executor_stop(void)
{
	pthread_mutex_lock(&executor_mu);
	executor_stopping = 1;
	pthread_cond_broadcast(&executor_cv);
	pthread_mutex_unlock(&executor_mu);
	for (int i = 0; i < executor_nthreads; i++)
		pthread_join(executor_threads[i], NULL);
	free(executor_threads);
	executor_threads = NULL;
	executor_nthreads = 0;
	close(executor_yield);
	executor_yield = -1;
	executor_yield_set = 0;
}

void executor_submit(struct executor_job *job)
{
	job->next = NULL;
	pthread_mutex_lock(&executor_mu);
	if (executor_tail)
		executor_tail->next = job;
	else
		executor_head = job;
	executor_tail = job;
	atomic_fetch_add_explicit(&executor_queued, 1, memory_order_relaxed);
	if (executor_idle == 0 && !executor_yield_set) { /* every worker is busy or lingering */
		uint64_t one = 1;
		ssize_t w = write(executor_yield, &one, sizeof(one));
		(void)w;
		executor_yield_set = 1;
	}
	pthread_cond_signal(&executor_cv);
	pthread_mutex_unlock(&executor_mu);
}

int executor_yield_fd(void)
{
	return executor_yield;
}

int executor_backlog(void)
{
	return atomic_load_explicit(&executor_queued, memory_order_relaxed) > 0;
}

int executor_mailbox_init(struct executor_mailbox *m)
{
	pthread_mutex_init(&m->mu, NULL);
	m->head = m->tail = NULL;
	m->fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	return m->fd < 0 ? -1 : 0;
}

void executor_mailbox_destroy(struct executor_mailbox *m)
{
	close(m->fd);
	pthread_mutex_destroy(&m->mu);
}

struct executor_job *executor_mailbox_take(struct executor_mailbox *m)
{
	uint64_t n;
	ssize_t r = read(m->fd, &n, sizeof(n));
	(void)r;
	pthread_mutex_lock(&m->mu);
	struct executor_job *jobs = m->head;
	m->head = m->tail = NULL;
	pthread_mutex_unlock(&m->mu);
	return jobs;
}
