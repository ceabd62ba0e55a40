/*
 * hba.h — which authentication a connection must pass, by rules in a file.
 *
 * DATA/hba.conf, PostgreSQL's pg_hba.conf layout (first matching line wins):
 *
 *   # type      database  user   address          method
 *   hostssl     all       all    0.0.0.0/0        scram-sha-256
 *   host        demo      app    127.0.0.1/32     md5
 *   hostnossl   all       all    ::1/128          reject
 *
 * type: host (TLS or not), hostssl, hostnossl.  database and user: `all` or
 * a comma-separated list of names.  address: `all`, or an IPv4/IPv6 CIDR.
 * method: trust, reject, password, md5, scram-sha-256.  With no file, or
 * when no line matches, the method is scram-sha-256 (PostgreSQL would
 * reject on no match; scram is the safe default for a server with no file).
 *
 * INTERFACE ROUTINES
 *   hba_load    parse the file (a missing file is an empty rule set)
 *   hba_match   the method for (tls, database, user, peer address)
 *   hba_free
 */
#ifndef ROSETTA_AUTH_HBA_H
#define ROSETTA_AUTH_HBA_H

#include <stddef.h>

enum hba_method { HBA_SCRAM, HBA_MD5, HBA_PASSWORD, HBA_TRUST, HBA_REJECT };

struct hba;

/* Returns 0, or -1 with a message naming the line in `why`. */
int hba_load(const char *path, struct hba **out, char *why, size_t whylen);
/* `addr` is the peer's address without the port ("127.0.0.1", "::1"). */
enum hba_method hba_match(const struct hba *h, int tls, const char *database, const char *user, const char *addr);
const char *hba_method_name(enum hba_method m);
void hba_free(struct hba *h);

#endif
