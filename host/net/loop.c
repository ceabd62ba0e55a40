/*
 * loop.c — the epoll event loop (see loop.h).
 *
 * A callback may unregister and free any loop_io, including its own and
 * ones whose events are still pending in this batch; pending events of an
 * io unregistered during the batch are dropped (the `gen` check below).
 */
#include "net/loop.h"

#include <errno.h>
#include <stdlib.h>
#include <sys/epoll.h>
#include <unistd.h>

#define LOOP_BATCH 256

struct loop {
	int epfd;
	struct epoll_event ev[LOOP_BATCH];
	struct loop_io *deleted[LOOP_BATCH]; /* ios removed while dispatching a batch */
	int ndeleted;
	int dispatching;
};

struct loop *loop_new(void)
{
	struct loop *l = calloc(1, sizeof(*l));
	if (!l)
		return NULL;
	l->epfd = epoll_create1(EPOLL_CLOEXEC);
	if (l->epfd < 0) {
		free(l);
		return NULL;
	}
	return l;
}

void loop_free(struct loop *l)
{
	if (!l)
		return;
	close(l->epfd);
	free(l);
}

static uint32_t loop_epoll_mask(unsigned events)
{
	return (events & LOOP_READ ? EPOLLIN | EPOLLRDHUP : 0) | (events & LOOP_WRITE ? EPOLLOUT : 0);
}

int loop_add(struct loop *l, struct loop_io *io, unsigned events)
{
	struct epoll_event e = {.events = loop_epoll_mask(events), .data.ptr = io};
	if (epoll_ctl(l->epfd, EPOLL_CTL_ADD, io->fd, &e) < 0)
		return -1;
	io->events = events;
	return 0;
}

int loop_mod(struct loop *l, struct loop_io *io, unsigned events)
{
	if (io->events == events)
		return 0;
	struct epoll_event e = {.events = loop_epoll_mask(events), .data.ptr = io};
	if (epoll_ctl(l->epfd, EPOLL_CTL_MOD, io->fd, &e) < 0)
		return -1;
	io->events = events;
	return 0;
}

void loop_del(struct loop *l, struct loop_io *io)
{
	epoll_ctl(l->epfd, EPOLL_CTL_DEL, io->fd, NULL);
	io->events = 0;
	if (l->dispatching && l->ndeleted < LOOP_BATCH)
		l->deleted[l->ndeleted++] = io;
}

static int loop_was_deleted(struct loop *l, struct loop_io *io)
{
	for (int i = 0; i < l->ndeleted; i++)
		if (l->deleted[i] == io)
			return 1;
	return 0;
}

int loop_poll(struct loop *l, int timeout_ms)
{
	int n = epoll_wait(l->epfd, l->ev, LOOP_BATCH, timeout_ms);
	if (n < 0)
		return errno == EINTR ? 0 : -1;
	l->dispatching = 1;
	l->ndeleted = 0;
	for (int i = 0; i < n; i++) {
		struct loop_io *io = l->ev[i].data.ptr;
		/* An io freed earlier in this batch may have had its memory reused;
		 * never touch it.  (Its address is still in `deleted`.) */
		if (l->ndeleted && loop_was_deleted(l, io))
			continue;
		uint32_t e = l->ev[i].events;
		unsigned ev = 0;
		if (e & (EPOLLIN | EPOLLRDHUP | EPOLLHUP | EPOLLERR))
			ev |= LOOP_READ;
		if (e & (EPOLLOUT | EPOLLHUP | EPOLLERR))
			ev |= LOOP_WRITE;
		io->cb(l, io, ev);
	}
	l->dispatching = 0;
	l->ndeleted = 0;
	return n;
}
