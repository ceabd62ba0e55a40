/*
 * loop.h — a small epoll event loop, one per thread.
 *
 * Callers embed a struct loop_io per file descriptor; the loop calls its
 * callback with the ready events.  Nothing here allocates per event.
 *
 * INTERFACE ROUTINES
 *   loop_new / loop_free
 *   loop_add / loop_mod / loop_del    register, change interest, unregister
 *   loop_poll                         wait up to timeout_ms and dispatch ready fds
 */
#ifndef ROSETTA_NET_LOOP_H
#define ROSETTA_NET_LOOP_H

#define LOOP_READ 0x1
#define LOOP_WRITE 0x2

struct loop;
struct loop_io;

typedef void loop_cb(struct loop *l, struct loop_io *io, unsigned events);

struct loop_io {
	int fd;
	unsigned events; /* LOOP_READ | LOOP_WRITE currently registered */
	loop_cb *cb;
	void *data;
};

struct loop *loop_new(void);
void loop_free(struct loop *l);
int loop_add(struct loop *l, struct loop_io *io, unsigned events);
int loop_mod(struct loop *l, struct loop_io *io, unsigned events);
void loop_del(struct loop *l, struct loop_io *io);
/* Returns the number of events dispatched, or -1 on an epoll error other than EINTR. */
int loop_poll(struct loop *l, int timeout_ms);

#endif
