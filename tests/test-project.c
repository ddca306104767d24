/*
 * test-project.c - projections (lib/project.c): how a result becomes a
 * table, row or column key, and how keys sort, as benchstat's benchproc
 * package does it (golang.org/x/perf/benchproc: its doc.go and syntax
 * documentation name the fields and sort orders used here).
 *
 * The contracts tested: equal projections give one key and different ones
 * different keys; each field's value (.name, .fullname, /key, a
 * configuration key, .config) as benchproc extracts it, "" when a result
 * lacks it; a label is the non-empty values joined by spaces (Key
 * StringValues); the orders first-observation, alphabetical, numeric and
 * fixed, the last also filtering.  Expected values are benchproc's rules
 * applied by hand to the names below.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "project.h"
#include "testutil.h"

struct fixture {
	struct cstat__strtab strs;
	struct cstat__proj p;
	struct cstat__buf label;
};

static int
setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	if (!f || cstat__strtab_init(&f->strs) ||
	    cstat__proj_init(&f->p, &f->strs))
		return -1;
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *f = *state;

	cstat__proj_release(&f->p);
	cstat__strtab_release(&f->strs);
	cstat__buf_release(&f->label);
	free(f);
	return 0;
}

/* A result named name in file, with configuration conf[0..n). */
static struct cstat_result
result(const char *name, const char *file, const struct cstat_config *conf,
       size_t n)
{
	struct cstat_result r = {0};

	r.file = file;
	r.name = name;
	r.name_len = strlen(name);
	r.config = conf;
	r.nconfig = n;
	return r;
}

/* The key of name (file "a.txt", no configuration). */
static uint32_t
key_of(struct fixture *f, const char *name)
{
	struct cstat_result r = result(name, "a.txt", NULL, 0);
	uint32_t key;

	assert_int_equal(cstat__proj_key(&f->p, &r, 0, &key), 0);
	return key;
}

/* The label of key. */
static const char *
label(struct fixture *f, uint32_t key)
{
	assert_int_equal(cstat__proj_label(&f->p, key, &f->label), 0);
	return f->label.data;
}

/* .name is the base name; /key a sub-benchmark's value, "" when the name
 * has no such key; /gomaxprocs the "-N" suffix. */
static void
test_name_fields(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(cstat__proj_add_field(&f->p, ".name", CSTAT__O_FIRST),
			 0);
	assert_int_equal(cstat__proj_add_field(&f->p, "/size", CSTAT__O_FIRST),
			 0);
	assert_int_equal(
		cstat__proj_add_field(&f->p, "/gomaxprocs", CSTAT__O_FIRST), 0);
	assert_string_equal(label(f, key_of(f, "Encode/size=10-8")),
			    "Encode 10 8");
	assert_string_equal(label(f, key_of(f, "Decode-4")), "Decode 4");
	assert_string_equal(label(f, key_of(f, "Plain")), "Plain");
}

/* Equal projections are one key; .fullname tells apart what .name does
 * not; a name key named by another projection leaves .fullname. */
static void
test_keys_equal_when_projections_equal(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(
		cstat__proj_add_field(&f->p, ".fullname", CSTAT__O_FIRST), 0);
	uint32_t a = key_of(f, "Encode/size=10-8");
	uint32_t b = key_of(f, "Encode/size=20-8");
	assert_int_not_equal(a, b);
	assert_int_equal(key_of(f, "Encode/size=10-8"), a);
	assert_string_equal(label(f, a), "Encode/size=10-8");

	struct fixture *g = calloc(1, sizeof(*g));
	assert_non_null(g);
	assert_int_equal(cstat__strtab_init(&g->strs), 0);
	assert_int_equal(cstat__proj_init(&g->p, &g->strs), 0);
	assert_int_equal(
		cstat__proj_add_field(&g->p, ".fullname", CSTAT__O_FIRST), 0);
	assert_int_equal(cstat__proj_exclude_name(&g->p, "/size"), 0);
	/* benchproc's extractFullExcluded: with /size a column, both sizes
	 * are the same row. */
	uint32_t c = key_of(g, "Encode/size=10-8");
	assert_int_equal(key_of(g, "Encode/size=20-8"), c);
	assert_string_equal(label(g, c), "Encode-8");
	teardown((void **)&g);
}

/* A configuration key's value, "" when a result's file lacks it; .file
 * the result's file. */
static void
test_config_and_file_fields(void **state)
{
	struct fixture *f = *state;
	const struct cstat_config linux_amd64[] = {{"goos", "linux"},
						   {"goarch", "amd64"}};
	const struct cstat_config darwin[] = {{"goos", "darwin"}};
	uint32_t key;

	assert_int_equal(cstat__proj_add_field(&f->p, ".file", CSTAT__O_FIRST),
			 0);
	assert_int_equal(cstat__proj_add_field(&f->p, "goarch", CSTAT__O_FIRST),
			 0);
	struct cstat_result r = result("X", "old.txt", linux_amd64, 2);
	assert_int_equal(cstat__proj_key(&f->p, &r, 0, &key), 0);
	assert_string_equal(label(f, key), "old.txt amd64");
	r = result("X", "new.txt", darwin, 1);
	assert_int_equal(cstat__proj_key(&f->p, &r, 0, &key), 0);
	assert_string_equal(label(f, key), "new.txt");
}

/* .config: every configuration key not named elsewhere; results that
 * differ in any of them differ, and an excluded key splits nothing. */
static void
test_config_group(void **state)
{
	struct fixture *f = *state;
	const struct cstat_config a[] = {{"goos", "linux"}, {"cpu", "X"}};
	const struct cstat_config b[] = {{"goos", "linux"}, {"cpu", "Y"}};
	const struct cstat_config c[] = {{"goos", "darwin"}, {"cpu", "X"}};
	uint32_t ka, kb, kc;

	assert_int_equal(cstat__proj_add_config(&f->p), 0);
	assert_int_equal(cstat__proj_exclude_config(&f->p, "cpu"), 0);
	struct cstat_result r = result("X", "f", a, 2);
	assert_int_equal(cstat__proj_key(&f->p, &r, 0, &ka), 0);
	r = result("X", "f", b, 2);
	assert_int_equal(cstat__proj_key(&f->p, &r, 0, &kb), 0);
	r = result("X", "f", c, 2);
	assert_int_equal(cstat__proj_key(&f->p, &r, 0, &kc), 0);
	assert_int_equal(ka, kb); /* cpu is excluded */
	assert_int_not_equal(ka, kc);
	assert_string_equal(label(f, ka), "linux");
}

/* Sorts the keys of names[0..n) (projected in that order) and checks the
 * labels come out as want[0..n). */
static void
sorted_as(struct fixture *f, const char *const *names, const char *const *want,
	  size_t n)
{
	uint32_t keys[16];

	for (size_t i = 0; i < n; i++)
		keys[i] = key_of(f, names[i]);
	assert_int_equal(cstat__proj_sort(&f->p, keys, n), 0);
	for (size_t i = 0; i < n; i++)
		assert_string_equal(label(f, keys[i]), want[i]);
}

static const char *const sizes[] = {"X/n=10", "X/n=2k", "X/n=abc", "X/n=3",
				    "X/n=1Ki"};

/* First observation: the order the values were first projected in. */
static void
test_sort_first_observation(void **state)
{
	struct fixture *f = *state;
	static const char *const want[] = {"10", "2k", "abc", "3", "1Ki"};

	assert_int_equal(cstat__proj_add_field(&f->p, "/n", CSTAT__O_FIRST), 0);
	sorted_as(f, sizes, want, 5);
}

/* Alphabetical: bytewise. */
static void
test_sort_alpha(void **state)
{
	struct fixture *f = *state;
	static const char *const want[] = {"10", "1Ki", "2k", "3", "abc"};

	assert_int_equal(cstat__proj_add_field(&f->p, "/n", CSTAT__O_ALPHA), 0);
	sorted_as(f, sizes, want, 5);
}

/* Numeric: numbers with their SI or IEC prefix by value (3, 10, 1Ki =
 * 1024, 2k = 2000), then the rest. */
static void
test_sort_num(void **state)
{
	struct fixture *f = *state;
	static const char *const want[] = {"3", "10", "1Ki", "2k", "abc"};

	assert_int_equal(cstat__proj_add_field(&f->p, "/n", CSTAT__O_NUM), 0);
	sorted_as(f, sizes, want, 5);
}

/* Fixed: the listed order, and a value outside the list is not
 * accepted (benchproc filters it out). */
static void
test_sort_fixed_filters(void **state)
{
	struct fixture *f = *state;
	char *list[] = {"abc", "3", "10"};
	static const char *const names[] = {"X/n=10", "X/n=abc", "X/n=3"};
	static const char *const want[] = {"abc", "3", "10"};

	assert_int_equal(cstat__proj_add_field(&f->p, "/n", CSTAT__O_FIXED), 0);
	assert_int_equal(cstat__proj_set_fixed(&f->p, list, 3), 0);
	sorted_as(f, names, want, 3);
	struct cstat_result r = result("X/n=2k", "f", NULL, 0);
	assert_int_equal(cstat__proj_fill(&f->p, &r), 0);
	assert_false(cstat__proj_accepts(&f->p));
	r = result("X/n=3", "f", NULL, 0);
	assert_int_equal(cstat__proj_fill(&f->p, &r), 0);
	assert_true(cstat__proj_accepts(&f->p));
}

/* .unit takes the value given at intern time, not from the result. */
static void
test_unit_field(void **state)
{
	struct fixture *f = *state;
	uint32_t unit, k1, k2;

	assert_int_equal(cstat__proj_add_field(&f->p, ".name", CSTAT__O_FIRST),
			 0);
	assert_int_equal(cstat__proj_add_unit(&f->p), 0);
	assert_int_equal(cstat__strtab_intern(&f->strs, "sec/op", 6, &unit), 0);
	struct cstat_result r = result("X", "f", NULL, 0);
	assert_int_equal(cstat__proj_key(&f->p, &r, unit, &k1), 0);
	assert_int_equal(cstat__proj_key(&f->p, &r, 0, &k2), 0);
	assert_int_not_equal(k1, k2);
	assert_string_equal(label(f, k1), "X sec/op");
	assert_string_equal(label(f, k2), "X");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_name_fields, setup,
						teardown),
		cmocka_unit_test_setup_teardown(
			test_keys_equal_when_projections_equal, setup,
			teardown),
		cmocka_unit_test_setup_teardown(test_config_and_file_fields,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_config_group, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_sort_first_observation,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_sort_alpha, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_sort_num, setup, teardown),
		cmocka_unit_test_setup_teardown(test_sort_fixed_filters, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_unit_field, setup,
						teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
