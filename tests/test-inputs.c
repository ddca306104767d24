/*
 * test-inputs.c - command-line inputs: plain paths, "-", label=path and the
 * "#N" names of a path given twice (benchfmt.Files; the edge-samefile and
 * edge-labels conformance cases).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "cstat.h"

static void
test_inputs_new_splits_labels_at_first_equals(void **state)
{
	(void)state;
	const char *args[] = {"A=a.txt", "b.txt", "-", "X=y=z.txt", "L=-"};
	cstat_inputs *in;

	assert_int_equal(cstat_inputs_new(&in, args, 5), 0);
	assert_int_equal(cstat_inputs_count(in), 5);
	assert_string_equal(cstat_inputs_get(in, 0)->label, "A");
	assert_string_equal(cstat_inputs_get(in, 0)->path, "a.txt");
	assert_string_equal(cstat_inputs_get(in, 1)->label, "b.txt");
	assert_string_equal(cstat_inputs_get(in, 1)->path, "b.txt");
	assert_string_equal(cstat_inputs_get(in, 2)->path, "-");
	assert_string_equal(cstat_inputs_get(in, 3)->label, "X");
	assert_string_equal(cstat_inputs_get(in, 3)->path, "y=z.txt");
	assert_string_equal(cstat_inputs_get(in, 4)->path, "-");
	assert_null(cstat_inputs_get(in, 5));
	cstat_inputs_free(in);
}

static void
test_inputs_new_numbers_repeated_paths(void **state)
{
	(void)state;
	const char *args[] = {"a.txt", "b.txt", "a.txt", "L=a.txt", "L=a.txt"};
	cstat_inputs *in;

	assert_int_equal(cstat_inputs_new(&in, args, 5), 0);
	assert_string_equal(cstat_inputs_get(in, 0)->label, "a.txt#0");
	assert_string_equal(cstat_inputs_get(in, 1)->label, "b.txt");
	assert_string_equal(cstat_inputs_get(in, 2)->label, "a.txt#1");
	/* Labels are never disambiguated. */
	assert_string_equal(cstat_inputs_get(in, 3)->label, "L");
	assert_string_equal(cstat_inputs_get(in, 4)->label, "L");
	assert_string_equal(cstat_inputs_get(in, 2)->path, "a.txt");
	cstat_inputs_free(in);
}

static void
test_inputs_new_rejects_empty_list(void **state)
{
	(void)state;
	cstat_inputs *in = (cstat_inputs *)1;

	assert_int_equal(cstat_inputs_new(&in, NULL, 0), CSTAT_EINVAL);
	assert_null(in);
	cstat_inputs_free(NULL);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_inputs_new_splits_labels_at_first_equals),
		cmocka_unit_test(test_inputs_new_numbers_repeated_paths),
		cmocka_unit_test(test_inputs_new_rejects_empty_list),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
