/*
 * unit_store.h — a store in a temporary directory of its own, for suites that run
 * statements through a real session (test_session.c, pg_copy_stmt_test.c).
 */
#ifndef ROSETTA_TESTS_UNIT_STORE_H
#define ROSETTA_TESTS_UNIT_STORE_H

#include "engine/store.h"

#define UNIT_STORE_DIR_MAX 64

/* Make /tmp/rosetta-<name>-XXXXXX in dir and open an embedded store there with database "demo"; NULL on failure. */
struct store *unit_store_open(char dir[UNIT_STORE_DIR_MAX], const char *name);
/* Close the store and remove its directory: 0, or -1 when the directory could not be removed. */
int unit_store_remove(struct store *s, const char *dir);

#endif
