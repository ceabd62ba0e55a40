/*
 * run_tests.c — the CUnit runner.  Every test file in tests/unit declares its
 * suites as functions `void suite_<name>(void)` that add a suite and its
 * tests to the registry; the Makefile collects those names into suites.inc.
 * Run from tests/unit/ so that tests find their fixtures under ../captures.
 */
#include <CUnit/Basic.h>
#include <stdio.h>

#define SUITE(fn) void fn(void);
#include "suites.inc"
#undef SUITE

int main(void)
{
	if (CU_initialize_registry() != CUE_SUCCESS)
		return 2;
#define SUITE(fn) fn();
#include "suites.inc"
#undef SUITE
	CU_basic_set_mode(CU_BRM_NORMAL);
	CU_basic_run_tests();
	unsigned failed = CU_get_number_of_failures() + CU_get_number_of_suites_failed();
	CU_cleanup_registry();
	return failed ? 1 : 0;
}
