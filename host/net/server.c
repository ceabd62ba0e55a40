/*
 * server.c — kernel sockets with epoll, one loop per thread (see server.h).
 *
 * Life of a connection (struct sconn):
 *
 *   accepted --bytes / silence--> [router] --handler--> SERVING --close/EOF/error--> destroyed
 *   SERVING --input--> BUSY (handler->input() on an executor worker, socket not read)
 *   BUSY --worker done (mailbox)--> SERVING: output encoded and flushed
 *                                    |  \--refuse------------------------------------^
 *                                    \--ClientHello--> TLS handshake --done--> [router again]
 *   SERVING --CONN_WANT_TLS--> plaintext reply flushed, TLS handshake, SERVING (encrypted)
 *
 * Invariants
 *   1. Bytes reach the socket only through `wire`; with TLS they are
 *      ciphertext, produced from `c.out` in order (sconn_encode).
 *   2. While `wire` holds more than SCONN_WIRE_HIGH bytes the connection is
 *      not read from (output backpressure); reading resumes below SCONN_WIRE_LOW.
 *   3. An sconn is freed only by sconn_destroy, which unregisters it from the
 *      loop first (so no pending event can reach freed memory).
 *   4. While `busy`, only the worker touches c.in, c.out, wire, the TLS
 *      state and the handler's state; the loop touches none of them and
 *      frees nothing (a destroy while busy is deferred to the job's return).
 *   4a. A worker that has sent its reply may read the next request itself
 *      (sconn_linger) — still under invariant 4, so `in` and `active_ms`
 *      are its own until the job returns.
 *   5. A handler's long result does not pile up in c.out: past CONN_DRAIN_AT
 *      it calls c.drain (sconn_drain), which, on the worker and under
 *      invariant 4, encodes and writes the socket until `wire` is empty,
 *      waiting in poll() while the peer is slow.  The loop never waits on a
 *      peer; a worker does, for its own connection only.
 */
#include "net/server.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stddef.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "core/log.h"
#include "ingress/router.h"
#include "net/executor.h"
#include "net/loop.h"
#include "net/tls.h"

#define SCONN_READ_CHUNK 16384
#define SCONN_READ_BUDGET (256 * 1024) /* per event, for fairness between connections */
#define SCONN_WIRE_HIGH (4u << 20)
#define SCONN_WIRE_LOW (1u << 20)
#define SERVER_TICK_MS 100
#define SCONN_DRAIN_POLL_MS 100 /* how often a worker waiting on a slow peer looks at shutdown */
#define SCONN_LINGER_MS 5        /* a worker's wait for the same client's next request */
#define SCONN_LINGER_ROUNDS 64   /* requests served in a row before the loop sees the connection */

struct server_loop;

struct sconn {
	struct conn c;
	struct loop_io io;
	struct server_loop *sl;
	struct sconn *prev, *next;
	struct sconn *pend_prev, *pend_next; /* on sl->pending until authenticated */
	int pending;
	struct buf wire;   /* bytes for the socket */
	int routed;        /* a handler was chosen and opened */
	int tls_routing;   /* TLS started by the router: route again once the handshake is done */
	int paused;        /* reading stopped by backpressure */
	int busy;          /* a worker is running the handler (invariant 4) */
	int detached;      /* taken out of epoll while busy (the peer hung up) */
	const char *doomed; /* destroy, for this reason, when the worker returns */
	struct executor_job job;
	int64_t created_ms;
	int64_t active_ms;
};

struct server_listener {
	struct loop_io io;
	enum listener_kind kind;
	struct server_loop *sl;
};

struct server_loop {
	pthread_t thread;
	int index;
	struct loop *loop;
	const struct server_env *env;
	struct server_listener listeners[LISTEN__COUNT];
	int nlisteners;
	struct sconn *conns;
	struct sconn *pending; /* connections not yet authenticated: the ones the tick's timers watch */
	struct executor_mailbox mailbox; /* jobs finished by workers */
	struct loop_io mailbox_io;
	int nbusy;
	int failed;
};

static volatile sig_atomic_t server_stopping;
static atomic_int server_nconns;
static atomic_uint_fast64_t server_next_id = 1;
static pthread_mutex_t server_ready_mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t server_ready_cv = PTHREAD_COND_INITIALIZER;
static int server_nready;

void server_stop(void)
{
	server_stopping = 1;
}

static int64_t server_now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* ---- connections ------------------------------------------------------ */

/* The pending list: connections still authenticating, which the tick watches for timeouts. */
static void sconn_pending_add(struct sconn *s)
{
	struct server_loop *sl = s->sl;
	s->pend_prev = NULL;
	s->pend_next = sl->pending;
	if (sl->pending)
		sl->pending->pend_prev = s;
	sl->pending = s;
	s->pending = 1;
}

static void sconn_pending_del(struct sconn *s)
{
	if (!s->pending)
		return;
	if (s->pend_prev)
		s->pend_prev->pend_next = s->pend_next;
	else
		s->sl->pending = s->pend_next;
	if (s->pend_next)
		s->pend_next->pend_prev = s->pend_prev;
	s->pending = 0;
}

static void sconn_destroy(struct sconn *s, const char *why)
{
	struct server_loop *sl = s->sl;
	if (s->busy) {
		s->doomed = why;
		return;
	}
	log_debug("conn_close", "conn=%llu peer=%s reason=%s", (unsigned long long)s->c.id, s->c.peer, why);
	if (s->routed && s->c.proto)
		s->c.proto->close(&s->c);
	if (!s->detached)
		loop_del(sl->loop, &s->io);
	close(s->io.fd);
	if (s->c.tls)
		tls_conn_free(s->c.tls);
	buf_free(&s->c.in);
	buf_free(&s->c.out);
	buf_free(&s->wire);
	if (s->prev)
		s->prev->next = s->next;
	else
		sl->conns = s->next;
	if (s->next)
		s->next->prev = s->prev;
	sconn_pending_del(s);
	free(s);
	atomic_fetch_sub(&server_nconns, 1);
}

/* Move the handler's output to the wire, encrypting when TLS is active. */
static int sconn_encode(struct sconn *s)
{
	struct buf *out = &s->c.out;
	if (buf_unread(out) == 0)
		return 0;
	if (s->c.tls) {
		if (tls_conn_send(s->c.tls, buf_rptr(out), buf_unread(out), &s->wire) < 0)
			return -1;
		buf_reset(out);
	} else if (buf_unread(&s->wire) == 0) {
		struct buf t = s->wire; /* hand the buffer over instead of copying it */
		s->wire = *out;
		*out = t;
		buf_reset(out);
	} else {
		buf_append(&s->wire, buf_rptr(out), buf_unread(out));
		buf_reset(out);
	}
	return 0;
}

/* Write what the socket takes; keep write interest while bytes remain. 0 or -1. */
static int sconn_flush(struct sconn *s)
{
	while (buf_unread(&s->wire) > 0) {
		ssize_t n = send(s->io.fd, buf_rptr(&s->wire), buf_unread(&s->wire), MSG_NOSIGNAL);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				break;
			return -1;
		}
		buf_consume(&s->wire, (size_t)n);
	}
	size_t pending = buf_unread(&s->wire);
	if (pending == 0 && s->wire.cap > (1u << 20))
		buf_free(&s->wire); /* do not keep a large result's buffer on an idle connection */
	if (pending > SCONN_WIRE_HIGH)
		s->paused = 1;
	else if (pending < SCONN_WIRE_LOW)
		s->paused = 0;
	unsigned ev = (s->paused || s->busy ? 0 : LOOP_READ) | (pending ? LOOP_WRITE : 0);
	return s->detached ? 0 : loop_mod(s->sl->loop, &s->io, ev);
}

static int sconn_start_tls(struct sconn *s, unsigned flags)
{
	if (!s->c.env->tls) {
		log_warn("tls_unavailable", "conn=%llu peer=%s", (unsigned long long)s->c.id, s->c.peer);
		return -1;
	}
	s->c.tls = tls_conn_new(s->c.env->tls, flags);
	return s->c.tls ? 0 : -1;
}

/* Route an unrouted connection.  Returns 1 routed, 0 waiting, -1 close. */
static int sconn_route(struct sconn *s, int silent)
{
	if (s->c.tls && !tls_conn_handshake_done(s->c.tls))
		return 0;
	struct route_input in = {
		.via = s->c.via,
		.bytes = buf_rptr(&s->c.in),
		.n = buf_unread(&s->c.in),
		.tls_active = s->c.tls != NULL,
		.alpn = s->c.tls ? tls_conn_alpn(s->c.tls) : NULL,
		.silent = silent,
	};
	struct route_decision d;
	router_route(&in, &d);
	switch (d.action) {
	case ROUTE_NEED_MORE:
		return 0;
	case ROUTE_START_TLS: {
		struct buf hello = s->c.in; /* the ClientHello becomes the TLS session's input */
		buf_init(&s->c.in);
		int rc = sconn_start_tls(s, 0);
		if (rc == 0)
			rc = tls_conn_recv(s->c.tls, buf_rptr(&hello), buf_unread(&hello), &s->c.in, &s->wire);
		buf_free(&hello);
		if (rc != 0)
			return -1;
		s->tls_routing = 1;
		return sconn_route(s, 0);
	}
	case ROUTE_HANDLER:
		s->c.proto = d.handler;
		if (d.handler->open(&s->c) < 0) {
			s->c.proto = NULL;
			return -1;
		}
		s->routed = 1;
		log_debug("conn_routed", "conn=%llu peer=%s protocol=%s tls=%d", (unsigned long long)s->c.id,
			  s->c.peer, d.protocol, s->c.tls != NULL);
		return 1;
	case ROUTE_REFUSE:
	default:
		log_info("protocol_not_served", "conn=%llu peer=%s protocol=%s listener=%s",
			 (unsigned long long)s->c.id, s->c.peer, d.protocol, listener_names[s->c.via]);
		return -1;
	}
}

/* Push the handler's output out and act on its requests (TLS, close). */
static void sconn_output(struct sconn *s)
{
	if (sconn_encode(s) < 0) {
		sconn_destroy(s, "tls-error");
		return;
	}
	if (s->c.want & CONN_WANT_TLS) {
		int early_hello = (s->c.want & CONN_WANT_TLS_INPUT) && buf_unread(&s->c.in) > 0;
		s->c.want &= ~(CONN_WANT_TLS | CONN_WANT_TLS_INPUT);
		if (early_hello) { /* the ClientHello is already here: it starts the TLS session's input */
			struct buf hello = s->c.in;
			buf_init(&s->c.in);
			if (sconn_start_tls(s, 0) < 0 ||
			    tls_conn_recv(s->c.tls, buf_rptr(&hello), buf_unread(&hello), &s->c.in, &s->wire) != 0)
				s->c.want |= CONN_WANT_CLOSE;
			buf_free(&hello);
		} else if (buf_unread(&s->c.in) > 0) {
			/* bytes sent before the handshake could be injected by a man in the middle */
			log_warn("protocol_violation", "conn=%llu peer=%s what=data-before-tls",
				 (unsigned long long)s->c.id, s->c.peer);
			s->c.want |= CONN_WANT_CLOSE;
		} else if (sconn_start_tls(s, 0) < 0) {
			s->c.want |= CONN_WANT_CLOSE;
		}
	}
	if (sconn_flush(s) < 0) {
		sconn_destroy(s, "write-error");
		return;
	}
	if ((s->c.want & CONN_WANT_CLOSE) && buf_unread(&s->wire) == 0)
		sconn_destroy(s, "handler");
}

/* Write what the socket takes now, without touching epoll (a worker's send). */
static void sconn_send_now(struct sconn *s)
{
	while (buf_unread(&s->wire) > 0) {
		ssize_t n = send(s->io.fd, buf_rptr(&s->wire), buf_unread(&s->wire), MSG_NOSIGNAL);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return; /* EAGAIN, or an error the loop's flush will meet again */
		buf_consume(&s->wire, (size_t)n);
	}
}

/*
 * conn.drain: send everything the handler has produced so far, from the worker
 * running input() (invariant 4 makes c.out, wire and the TLS state ours), so a
 * large result streams out instead of being held whole.  Blocks in poll() while
 * the socket is full — the peer reads at its own pace, as a PostgreSQL backend
 * waits on a slow client.  Gives up when the peer is gone (a send error: reset,
 * broken pipe), when the server is stopping, or when the peer took nothing for
 * idle-timeout (when set); then the output is discarded, CONN_WANT_CLOSE set,
 * and -1 returned, so the handler fails its statement and the connection closes
 * (its transaction rolls back in the handler's close).  Cost: one send() per
 * CONN_DRAIN_AT bytes when the peer keeps up.
 */
static int sconn_drain(struct conn *c)
{
	struct sconn *s = (struct sconn *)((char *)c - offsetof(struct sconn, c));
	if (!s->busy)
		return 0; /* not from input() on a worker: leave the bytes to the loop */
	const char *why = NULL;
	if (c->want & CONN_WANT_CLOSE)
		why = "closing";
	else if (sconn_encode(s) < 0)
		why = "tls-error";
	int64_t idle_ms = (int64_t)c->env->cfg->idle_timeout_s * 1000;
	int64_t progress_ms = server_now_ms();
	while (!why && buf_unread(&s->wire) > 0) {
		ssize_t n = send(s->io.fd, buf_rptr(&s->wire), buf_unread(&s->wire), MSG_NOSIGNAL);
		if (n > 0) {
			buf_consume(&s->wire, (size_t)n);
			progress_ms = server_now_ms();
			continue;
		}
		if (n < 0 && errno == EINTR)
			continue;
		if (n == 0 || (errno != EAGAIN && errno != EWOULDBLOCK)) {
			why = "write-error";
		} else if (server_stopping) {
			why = "shutdown";
		} else if (idle_ms > 0 && server_now_ms() - progress_ms >= idle_ms) {
			why = "idle-timeout";
		} else {
			struct pollfd p = {.fd = s->io.fd, .events = POLLOUT};
			poll(&p, 1, SCONN_DRAIN_POLL_MS); /* an error or hang-up shows in the next send */
		}
	}
	if (!why) {
		buf_reset(&s->wire);
		return 0;
	}
	log_info("result_abandoned", "conn=%llu peer=%s reason=%s", (unsigned long long)c->id, c->peer, why);
	buf_reset(&c->out);
	buf_reset(&s->wire);
	c->want |= CONN_WANT_CLOSE;
	return -1;
}

/*
 * On a worker: the handler consumes what has arrived, and the reply goes to
 * the socket from here.  While `busy` the loop touches neither `wire` nor the
 * TLS state (invariant 4), so the worker may; sending now spares the reply a
 * hop through the loop thread, which matters for one-row round trips.  What
 * the socket does not take, and a reply that must precede a TLS handshake,
 * the loop sends when the job comes back.
 */
static int sconn_read(struct sconn *s);

/*
 * After its reply went out, a worker waits for the same client's next request
 * and serves it too, as a PostgreSQL backend blocks in recv(): a client in a
 * request-reply loop (pgbench, an ORM's statements one after another) then
 * skips the trip through the loop thread — the epoll re-arm, the eventfd and
 * two thread wake-ups, which cost more than a point query.  The wait is one
 * ppoll (a blocked thread, no timer ticks) on the socket and on the
 * executor's yield eventfd, so the worker lets go the moment another job
 * finds every worker busy; else after SCONN_LINGER_MS of silence, and after
 * SCONN_LINGER_ROUNDS requests in a row.  1 when there is input to serve.
 */
static int sconn_linger(struct sconn *s, int round)
{
	if (round >= SCONN_LINGER_ROUNDS || server_stopping || !s->routed || s->c.want ||
	    buf_unread(&s->wire) > 0 || executor_backlog())
		return 0;
	struct pollfd p[2] = {{.fd = s->io.fd, .events = POLLIN}, {.fd = executor_yield_fd(), .events = POLLIN}};
	struct timespec ts = {.tv_sec = 0, .tv_nsec = SCONN_LINGER_MS * 1000000L};
	int n = ppoll(p, 2, &ts, NULL);
	if (n <= 0 || (p[1].revents & POLLIN))
		return 0; /* silence, a signal, or a job waiting for this thread */
	if (!(p[0].revents & POLLIN))
		return 0; /* an error or hang-up: the loop deals with it */
	size_t before = buf_unread(&s->c.in);
	if (sconn_read(s) < 0)
		return 0; /* the peer closed: the loop hears it too */
	return buf_unread(&s->c.in) > before;
}

static void sconn_run_input(struct executor_job *job)
{
	struct sconn *s = (struct sconn *)((char *)job - offsetof(struct sconn, job));
	for (int round = 0;; round++) {
		if (s->c.proto->input(&s->c) < 0)
			s->c.want |= CONN_WANT_CLOSE;
		buf_compact(&s->c.in);
		if ((s->c.want & CONN_WANT_TLS) || sconn_encode(s) < 0)
			return;
		sconn_send_now(s);
		if (!sconn_linger(s, round))
			return;
	}
}

/* Route if needed, then hand the input to a worker; output follows in server_on_mailbox. */
static void sconn_process(struct sconn *s, int silent)
{
	if (s->busy)
		return;
	if (!s->routed) {
		int r = sconn_route(s, silent);
		if (r < 0) {
			sconn_encode(s);
			sconn_flush(s);
			sconn_destroy(s, "refused");
			return;
		}
	}
	if (s->routed && buf_unread(&s->c.in) > 0 && !(s->c.want & CONN_WANT_CLOSE)) {
		if (sconn_encode(s) < 0) { /* what routing produced goes first */
			sconn_destroy(s, "tls-error");
			return;
		}
		s->busy = 1;
		s->sl->nbusy++;
		if (sconn_flush(s) < 0) { /* stops reading while busy */
			s->busy = 0;
			s->sl->nbusy--;
			sconn_destroy(s, "write-error");
			return;
		}
		s->job.run = sconn_run_input;
		s->job.done = &s->sl->mailbox;
		executor_submit(&s->job);
		return;
	}
	sconn_output(s);
}

/* Workers hand connections back here. */
static void server_on_mailbox(struct loop *l, struct loop_io *io, unsigned ev)
{
	(void)ev;
	struct server_loop *sl = io->data;
	struct executor_job *job = executor_mailbox_take(&sl->mailbox);
	while (job) {
		struct executor_job *next = job->next;
		struct sconn *s = (struct sconn *)((char *)job - offsetof(struct sconn, job));
		s->busy = 0;
		sl->nbusy--;
		s->active_ms = server_now_ms();
		if (s->detached) {
			s->detached = 0;
			if (loop_add(l, &s->io, LOOP_READ) < 0 && !s->doomed)
				s->doomed = "epoll";
		}
		if (s->doomed)
			sconn_destroy(s, s->doomed);
		else
			sconn_output(s);
		job = next;
	}
}

/* Read what is there (up to a budget).  Returns 0, or -1 when the connection is gone. */
static int sconn_read(struct sconn *s)
{
	size_t total = 0;
	uint8_t chunk[SCONN_READ_CHUNK];
	while (total < SCONN_READ_BUDGET) {
		ssize_t n;
		size_t want;
		if (s->c.tls) {
			want = sizeof(chunk);
			n = recv(s->io.fd, chunk, want, 0);
		} else {
			buf_compact(&s->c.in);
			buf_reserve(&s->c.in, SCONN_READ_CHUNK);
			want = s->c.in.cap - s->c.in.len;
			n = recv(s->io.fd, s->c.in.data + s->c.in.len, want, 0);
		}
		if (n == 0)
			return -1;
		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				break;
			return -1;
		}
		total += (size_t)n;
		if (s->c.tls) {
			int r = tls_conn_recv(s->c.tls, chunk, (size_t)n, &s->c.in, &s->wire);
			if (r != 0) {
				sconn_flush(s); /* best effort: the alert */
				return -1;
			}
		} else {
			s->c.in.len += (size_t)n;
		}
		/* A short read drained the socket: the loop's epoll and the linger's ppoll are
		 * level-triggered, so what arrives later is heard there, and one recv() per
		 * request is saved (the one that would only say EAGAIN). */
		if ((size_t)n < want)
			break;
	}
	s->active_ms = server_now_ms();
	return 0;
}

static void sconn_on_io(struct loop *l, struct loop_io *io, unsigned ev)
{
	struct sconn *s = io->data;
	if (s->busy) {
		/* only a hang-up reaches us now (no interest is registered); stop
		 * hearing it until the worker is done, instead of spinning on it */
		loop_del(l, io);
		s->detached = 1;
		return;
	}
	if (ev & LOOP_WRITE) {
		if (sconn_flush(s) < 0) {
			sconn_destroy(s, "write-error");
			return;
		}
		if ((s->c.want & CONN_WANT_CLOSE) && buf_unread(&s->wire) == 0) {
			sconn_destroy(s, "handler");
			return;
		}
	}
	if ((ev & LOOP_READ) && !s->paused) {
		if (sconn_read(s) < 0) {
			sconn_destroy(s, "peer-closed");
			return;
		}
		sconn_process(s, 0);
	}
}

static void sconn_peer_name(int fd, char *out, size_t cap)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);
	char host[INET6_ADDRSTRLEN] = "?";
	int port = 0;
	if (getpeername(fd, (struct sockaddr *)&ss, &len) == 0) {
		if (ss.ss_family == AF_INET) {
			struct sockaddr_in *a = (struct sockaddr_in *)&ss;
			inet_ntop(AF_INET, &a->sin_addr, host, sizeof(host));
			port = ntohs(a->sin_port);
		} else if (ss.ss_family == AF_INET6) {
			struct sockaddr_in6 *a = (struct sockaddr_in6 *)&ss;
			inet_ntop(AF_INET6, &a->sin6_addr, host, sizeof(host));
			port = ntohs(a->sin6_port);
		}
	}
	snprintf(out, cap, "%s:%d", host, port);
}

static void server_on_accept(struct loop *l, struct loop_io *io, unsigned ev)
{
	(void)ev;
	struct server_listener *ls = io->data;
	struct server_loop *sl = ls->sl;
	for (int i = 0; i < 64; i++) {
		int fd = accept4(io->fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (fd < 0) {
			if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR && errno != ECONNABORTED)
				log_warn("accept_failed", "listener=%s error=\"%s\"", listener_names[ls->kind], strerror(errno));
			return;
		}
		if (atomic_fetch_add(&server_nconns, 1) >= sl->env->cfg->max_connections) {
			atomic_fetch_sub(&server_nconns, 1);
			log_warn("too_many_connections", "listener=%s limit=%d", listener_names[ls->kind],
				 sl->env->cfg->max_connections);
			close(fd);
			continue;
		}
		int one = 1;
		setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
		struct sconn *s = calloc(1, sizeof(*s));
		if (!s) {
			close(fd);
			atomic_fetch_sub(&server_nconns, 1);
			continue;
		}
		s->sl = sl;
		s->c.env = sl->env;
		s->c.via = ls->kind;
		s->c.id = atomic_fetch_add(&server_next_id, 1);
		sconn_peer_name(fd, s->c.peer, sizeof(s->c.peer));
		s->io.fd = fd;
		s->io.cb = sconn_on_io;
		s->io.data = s;
		s->c.drain = sconn_drain;
		s->created_ms = s->active_ms = server_now_ms();
		if (loop_add(l, &s->io, LOOP_READ) < 0) {
			close(fd);
			free(s);
			atomic_fetch_sub(&server_nconns, 1);
			continue;
		}
		s->next = sl->conns;
		if (sl->conns)
			sl->conns->prev = s;
		sl->conns = s;
		sconn_pending_add(s);
		log_debug("conn_open", "conn=%llu peer=%s listener=%s", (unsigned long long)s->c.id, s->c.peer,
			  listener_names[ls->kind]);
		if (ls->kind == LISTEN_MYSQL)
			sconn_process(s, 0); /* the server speaks first */
	}
}

/*
 * Timers, once per tick: unified-port silence and the authentication timeout
 * over the connections still authenticating (each leaves that list at its
 * first tick after logging in), and the idle timeout, when one is set, over
 * all of them.  A tick therefore costs O(connections logging in), not
 * O(connections): ten thousand idle sessions cost it nothing.
 */
static void server_tick(struct server_loop *sl)
{
	const struct config *cfg = sl->env->cfg;
	int64_t now = server_now_ms();
	for (struct sconn *s = sl->pending, *next; s; s = next) {
		next = s->pend_next;
		if (s->c.authenticated) {
			sconn_pending_del(s);
		} else if (s->busy) {
			continue;
		} else if (!s->routed && !s->c.tls && buf_unread(&s->c.in) == 0 &&
			   now - s->created_ms >= cfg->unified_silence_ms && s->c.via == LISTEN_UNIFIED) {
			sconn_process(s, 1);
		} else if (now - s->created_ms >= (int64_t)cfg->auth_timeout_s * 1000) {
			log_info("auth_timeout", "conn=%llu peer=%s", (unsigned long long)s->c.id, s->c.peer);
			sconn_destroy(s, "auth-timeout");
		}
	}
	if (!cfg->idle_timeout_s)
		return;
	for (struct sconn *s = sl->conns, *next; s; s = next) {
		next = s->next;
		if (!s->busy && now - s->active_ms >= (int64_t)cfg->idle_timeout_s * 1000) {
			log_info("idle_timeout", "conn=%llu peer=%s", (unsigned long long)s->c.id, s->c.peer);
			sconn_destroy(s, "idle-timeout");
		}
	}
}

/* ---- listeners and loops --------------------------------------------- */

/*
 * A listening socket on addr:port.  Every loop binds its own with SO_REUSEPORT
 * (the kernel spreads connections across them); `exclusive` binds without it,
 * which fails while any other socket holds the port — even another process's
 * SO_REUSEPORT one — so a second server cannot silently share our port.
 */
static int server_listen(const char *addr, int port, int exclusive, char *why, size_t whylen)
{
	struct sockaddr_storage ss;
	socklen_t len;
	memset(&ss, 0, sizeof(ss));
	const char *a = strcmp(addr, "localhost") == 0 ? "127.0.0.1" : strcmp(addr, "*") == 0 ? "0.0.0.0" : addr;
	struct sockaddr_in *v4 = (struct sockaddr_in *)&ss;
	struct sockaddr_in6 *v6 = (struct sockaddr_in6 *)&ss;
	if (inet_pton(AF_INET, a, &v4->sin_addr) == 1) {
		v4->sin_family = AF_INET;
		v4->sin_port = htons((uint16_t)port);
		len = sizeof(*v4);
	} else if (inet_pton(AF_INET6, a, &v6->sin6_addr) == 1) {
		v6->sin6_family = AF_INET6;
		v6->sin6_port = htons((uint16_t)port);
		len = sizeof(*v6);
	} else {
		snprintf(why, whylen, "invalid listen address \"%s\"", addr);
		return -1;
	}
	int fd = socket(ss.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		snprintf(why, whylen, "socket: %s", strerror(errno));
		return -1;
	}
	int one = 1;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (!exclusive)
		setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &one, sizeof(one));
	if (bind(fd, (struct sockaddr *)&ss, len) < 0 || listen(fd, 1024) < 0) {
		snprintf(why, whylen, "cannot listen on %s port %d: %s", addr, port, strerror(errno));
		close(fd);
		return -1;
	}
	return fd;
}

static void *server_loop_main(void *arg)
{
	struct server_loop *sl = arg;
	const struct config *cfg = sl->env->cfg;
	sl->loop = loop_new();
	if (!sl->loop || executor_mailbox_init(&sl->mailbox) < 0) {
		sl->failed = 1;
	} else {
		sl->mailbox_io.fd = sl->mailbox.fd;
		sl->mailbox_io.cb = server_on_mailbox;
		sl->mailbox_io.data = sl;
		loop_add(sl->loop, &sl->mailbox_io, LOOP_READ);
	}
	for (int k = 0; k < LISTEN__COUNT && !sl->failed; k++) {
		if (cfg->port[k] == 0)
			continue;
		char why[256];
		int fd = server_listen(cfg->listen, cfg->port[k], 0, why, sizeof(why));
		if (fd < 0) {
			log_error("listen_failed", "listener=%s msg=\"%s\"", listener_names[k], why);
			sl->failed = 1;
			break;
		}
		struct server_listener *ls = &sl->listeners[sl->nlisteners++];
		ls->kind = (enum listener_kind)k;
		ls->sl = sl;
		ls->io.fd = fd;
		ls->io.cb = server_on_accept;
		ls->io.data = ls;
		loop_add(sl->loop, &ls->io, LOOP_READ);
	}
	pthread_mutex_lock(&server_ready_mu);
	server_nready++;
	pthread_cond_broadcast(&server_ready_cv);
	pthread_mutex_unlock(&server_ready_mu);

	int64_t next_tick = server_now_ms() + SERVER_TICK_MS;
	while (!server_stopping && !sl->failed) {
		loop_poll(sl->loop, SERVER_TICK_MS);
		int64_t now = server_now_ms();
		if (now >= next_tick) {
			server_tick(sl);
			next_tick = now + SERVER_TICK_MS;
		}
	}
	for (int i = 0; i < sl->nlisteners; i++)
		close(sl->listeners[i].io.fd);
	/* connections whose statement is still running are interrupted, and go when their worker is done */
	for (struct sconn *s = sl->conns, *next; s; s = next) {
		next = s->next;
		if (s->busy && s->c.proto && s->c.proto->cancel)
			s->c.proto->cancel(&s->c);
		sconn_destroy(s, "shutdown");
	}
	while (sl->nbusy > 0 && sl->loop) {
		loop_poll(sl->loop, SERVER_TICK_MS);
		/* an interrupt stops only the statement running at that moment: repeat it */
		for (struct sconn *s = sl->conns; s; s = s->next)
			if (s->busy && s->c.proto && s->c.proto->cancel)
				s->c.proto->cancel(&s->c);
	}
	if (sl->loop) {
		executor_mailbox_destroy(&sl->mailbox);
		loop_free(sl->loop);
	}
	return NULL;
}

int server_run(const struct server_env *env)
{
	const struct config *cfg = env->cfg;
	int nloops = cfg->threads > 0 ? cfg->threads : (int)sysconf(_SC_NPROCESSORS_ONLN);
	if (nloops < 1)
		nloops = 1;
	struct server_loop *loops = calloc((size_t)nloops, sizeof(*loops));
	if (!loops)
		return -1;
	signal(SIGPIPE, SIG_IGN);
	for (int k = 0; k < LISTEN__COUNT; k++) { /* is each port ours alone? */
		char why[256];
		int fd = cfg->port[k] ? server_listen(cfg->listen, cfg->port[k], 1, why, sizeof(why)) : -2;
		if (fd == -1) {
			log_error("listen_failed", "listener=%s msg=\"%s\"", listener_names[k], why);
			free(loops);
			return -1;
		}
		if (fd >= 0)
			close(fd);
	}
	/* Workers sleep while a statement waits for the store's write lock, and the
	 * lock holder needs a free worker to commit: keep many more than cores. */
	int nworkers = cfg->workers > 0 ? cfg->workers : (16 * nloops > 64 ? 16 * nloops : 64);
	if (executor_start(nworkers) < 0) {
		free(loops);
		return -1;
	}
	for (int i = 0; i < nloops; i++) {
		loops[i].index = i;
		loops[i].env = env;
		pthread_create(&loops[i].thread, NULL, server_loop_main, &loops[i]);
	}
	pthread_mutex_lock(&server_ready_mu);
	while (server_nready < nloops)
		pthread_cond_wait(&server_ready_cv, &server_ready_mu);
	pthread_mutex_unlock(&server_ready_mu);

	int failed = 0;
	for (int i = 0; i < nloops; i++)
		failed |= loops[i].failed;
	if (failed) {
		server_stop();
	} else {
		char ports[256] = "";
		size_t off = 0;
		for (int k = 0; k < LISTEN__COUNT; k++)
			if (cfg->port[k])
				off += (size_t)snprintf(ports + off, sizeof(ports) - off, " %s=%d", listener_names[k], cfg->port[k]);
		log_info("ready", "listen=%s loops=%d workers=%d%s", cfg->listen, nloops, nworkers, ports);
		printf("rosettad ready listen=%s%s\n", cfg->listen, ports);
		fflush(stdout);
	}
	for (int i = 0; i < nloops; i++)
		pthread_join(loops[i].thread, NULL);
	executor_stop();
	free(loops);
	log_info("stopped", "clean=%d", !failed);
	return failed ? -1 : 0;
}
