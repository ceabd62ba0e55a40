/*
 * hba.c — authentication rules by connection type, database, user, address (see hba.h).
 */
#include "auth/hba.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define HBA_FIELD 256

struct hba_rule {
	int type; /* 0 host, 1 hostssl, 2 hostnossl */
	char database[HBA_FIELD];
	char user[HBA_FIELD];
	int any_addr;
	int family;
	unsigned char addr[16];
	int prefix;
	enum hba_method method;
};

struct hba {
	int n;
	struct hba_rule *rules;
};

static const char *const hba_methods[] = {
	[HBA_SCRAM] = "scram-sha-256", [HBA_MD5] = "md5", [HBA_PASSWORD] = "password",
	[HBA_TRUST] = "trust",         [HBA_REJECT] = "reject",
};

const char *hba_method_name(enum hba_method m)
{
	return hba_methods[m];
}

static int hba_parse_cidr(const char *text, struct hba_rule *r)
{
	char ip[64];
	const char *slash = strchr(text, '/');
	size_t n = slash ? (size_t)(slash - text) : strlen(text);
	if (n >= sizeof(ip))
		return -1;
	memcpy(ip, text, n);
	ip[n] = 0;
	if (inet_pton(AF_INET, ip, r->addr) == 1) {
		r->family = AF_INET;
		r->prefix = 32;
	} else if (inet_pton(AF_INET6, ip, r->addr) == 1) {
		r->family = AF_INET6;
		r->prefix = 128;
	} else {
		return -1;
	}
	if (slash) {
		char *end;
		long p = strtol(slash + 1, &end, 10);
		if (*end || p < 0 || p > r->prefix)
			return -1;
		r->prefix = (int)p;
	}
	return 0;
}

int hba_load(const char *path, struct hba **out, char *why, size_t whylen)
{
	struct hba *h = calloc(1, sizeof(*h));
	if (!h)
		return -1;
	*out = h;
	FILE *f = fopen(path, "r");
	if (!f)
		return errno == ENOENT ? 0 : (snprintf(why, whylen, "cannot open %s: %s", path, strerror(errno)), -1);
	char line[1024];
	int lineno = 0, cap = 0;
	while (fgets(line, sizeof(line), f)) {
		lineno++;
		char *hash = strchr(line, '#');
		if (hash)
			*hash = 0;
		char type[32], db[HBA_FIELD], user[HBA_FIELD], addr[80], method[32];
		int k = sscanf(line, "%31s %255s %255s %79s %31s", type, db, user, addr, method);
		if (k <= 0)
			continue;
		struct hba_rule r;
		memset(&r, 0, sizeof(r));
		if (k != 5)
			goto bad;
		if (!strcmp(type, "host"))
			r.type = 0;
		else if (!strcmp(type, "hostssl"))
			r.type = 1;
		else if (!strcmp(type, "hostnossl"))
			r.type = 2;
		else
			goto bad;
		snprintf(r.database, sizeof(r.database), "%s", db);
		snprintf(r.user, sizeof(r.user), "%s", user);
		if (!strcmp(addr, "all") || !strcmp(addr, "0.0.0.0/0") || !strcmp(addr, "::/0"))
			r.any_addr = 1;
		else if (hba_parse_cidr(addr, &r) < 0)
			goto bad;
		int found = 0;
		for (int m = 0; m <= HBA_REJECT; m++)
			if (!strcmp(method, hba_methods[m])) {
				r.method = (enum hba_method)m;
				found = 1;
			}
		if (!found)
			goto bad;
		if (h->n == cap) {
			cap = cap ? cap * 2 : 8;
			struct hba_rule *nr = realloc(h->rules, sizeof(*nr) * (size_t)cap);
			if (!nr)
				goto bad;
			h->rules = nr;
		}
		h->rules[h->n++] = r;
		continue;
	bad:
		snprintf(why, whylen, "%s:%d: invalid line (type database user address method)", path, lineno);
		fclose(f);
		return -1;
	}
	fclose(f);
	return 0;
}

/* `name` in a comma-separated list, or the list is "all". */
static int hba_list_has(const char *list, const char *name)
{
	if (!strcmp(list, "all"))
		return 1;
	size_t n = strlen(name);
	for (const char *p = list; *p;) {
		const char *comma = strchr(p, ',');
		size_t len = comma ? (size_t)(comma - p) : strlen(p);
		if (len == n && !memcmp(p, name, n))
			return 1;
		if (!comma)
			break;
		p = comma + 1;
	}
	return 0;
}

static int hba_addr_matches(const struct hba_rule *r, const char *addr)
{
	if (r->any_addr)
		return 1;
	unsigned char a[16];
	if (inet_pton(r->family, addr, a) != 1)
		return 0;
	int full = r->prefix / 8, rest = r->prefix % 8;
	if (memcmp(a, r->addr, (size_t)full) != 0)
		return 0;
	if (rest) {
		unsigned char mask = (unsigned char)(0xff << (8 - rest));
		if ((a[full] & mask) != (r->addr[full] & mask))
			return 0;
	}
	return 1;
}

enum hba_method hba_match(const struct hba *h, int tls, const char *database, const char *user, const char *addr)
{
	for (int i = 0; h && i < h->n; i++) {
		const struct hba_rule *r = &h->rules[i];
		if ((r->type == 1 && !tls) || (r->type == 2 && tls))
			continue;
		if (hba_list_has(r->database, database) && hba_list_has(r->user, user) && hba_addr_matches(r, addr))
			return r->method;
	}
	return HBA_SCRAM;
}

void hba_free(struct hba *h)
{
	if (!h)
		return;
	free(h->rules);
	free(h);
}
