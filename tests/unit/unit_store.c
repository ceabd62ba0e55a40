/*
 * unit_store.c — temporary stores for the unit suites (see unit_store.h).
 */
#include "unit_store.h"

#include <stdio.h>
#include <stdlib.h>

struct store *unit_store_open(char dir[UNIT_STORE_DIR_MAX], const char *name)
{
	snprintf(dir, UNIT_STORE_DIR_MAX, "/tmp/rosetta-%s-XXXXXX", name);
	if (!mkdtemp(dir))
		return NULL;
	struct rerr err;
	struct store *s = store_open_sqlite(dir, &err);
	if (s && store_create_database(s, "demo", &err) < 0) {
		store_close(s);
		s = NULL;
	}
	return s;
}

int unit_store_remove(struct store *s, const char *dir)
{
	if (s)
		store_close(s);
	char cmd[UNIT_STORE_DIR_MAX + 16];
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	return system(cmd) == 0 ? 0 : -1;
}
