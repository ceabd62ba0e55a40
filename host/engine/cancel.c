/*
 * cancel.c — the registry of cancellable sessions (see cancel.h).
 *
 * An open-addressed table would do for millions of sessions; a chained hash
 * of 1024 buckets is plenty for the connection limit and keeps removal
 * trivial.  The key comparison is constant-time so a wrong key reveals
 * nothing about the right one.
 */
#include "engine/cancel.h"

#include <openssl/crypto.h>
#include <pthread.h>
#include <stdlib.h>

#include "engine/session.h"

#define CANCEL_BUCKETS 1024

struct cancel_entry {
	struct cancel_entry *next;
	uint32_t id, key;
	struct session *s;
};

static pthread_mutex_t cancel_mu = PTHREAD_MUTEX_INITIALIZER;
static struct cancel_entry *cancel_table[CANCEL_BUCKETS];

int cancel_register(uint32_t id, uint32_t key, struct session *s)
{
	struct cancel_entry *e = malloc(sizeof(*e));
	if (!e)
		return -1;
	e->id = id;
	e->key = key;
	e->s = s;
	pthread_mutex_lock(&cancel_mu);
	e->next = cancel_table[id % CANCEL_BUCKETS];
	cancel_table[id % CANCEL_BUCKETS] = e;
	pthread_mutex_unlock(&cancel_mu);
	return 0;
}

void cancel_unregister(uint32_t id)
{
	pthread_mutex_lock(&cancel_mu);
	for (struct cancel_entry **l = &cancel_table[id % CANCEL_BUCKETS]; *l; l = &(*l)->next)
		if ((*l)->id == id) {
			struct cancel_entry *e = *l;
			*l = e->next;
			free(e);
			break;
		}
	pthread_mutex_unlock(&cancel_mu);
}

int cancel_request(uint32_t id, uint32_t key)
{
	int found = 0;
	pthread_mutex_lock(&cancel_mu);
	for (struct cancel_entry *e = cancel_table[id % CANCEL_BUCKETS]; e; e = e->next)
		if (e->id == id && CRYPTO_memcmp(&e->key, &key, sizeof(key)) == 0) {
			session_cancel(e->s);
			found = 1;
			break;
		}
	pthread_mutex_unlock(&cancel_mu);
	return found;
}
