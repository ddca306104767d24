/*
 * test-error.c - the messages the library builds (lib/error.c,
 * error-private.h): the codes' descriptions and names from cstat.h's one
 * list, diagnostics filled and formatted, and a system error's wording and
 * code.
 *
 * Expected texts come from cstat.h (CSTAT_ERRNO_MAP and
 * cstat_diag_format()'s comment) and from Go's messages for the same
 * errno values (syscall.Errno.Error(): "no such file or directory",
 * "no space left on device"), which the tools print as Go's benchstat
 * does.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "cstat-private.h"

/* Every code of the list has its text and name; others are unknown. */
static void
test_strerror_and_names(void **state)
{
	(void)state;
#define CHECK_CODE(name, value, text)                                          \
	assert_int_equal(CSTAT_E##name, value);                                \
	assert_string_equal(cstat_strerror(value), text);                      \
	assert_string_equal(cstat_err_name(value), "CSTAT_E" #name);
	CSTAT_ERRNO_MAP(CHECK_CODE)
#undef CHECK_CODE
	assert_string_equal(cstat_strerror(0), "success");
	assert_string_equal(cstat_strerror(-1000), "unknown error");
	assert_string_equal(cstat_strerror(1), "unknown error");
	assert_string_equal(cstat_err_name(-1000), "CSTAT_UNKNOWN");
}

/* cstat__diag_set() fills every field, cuts a long message short, and
 * does nothing without a diagnostic. */
static void
test_diag_set(void **state)
{
	struct cstat_diag d = {0};
	char buf[600], longer[700];

	(void)state;
	cstat__diag_set(&d, "new.txt", 3, 7, "bad %s %d", "value", 42);
	assert_string_equal(d.file, "new.txt");
	assert_int_equal(d.line, 3);
	assert_int_equal(d.column, 7);
	assert_string_equal(d.message, "bad value 42");
	assert_int_equal(cstat_diag_format(&d, buf, sizeof(buf)),
			 strlen("new.txt:3:7: bad value 42"));
	assert_string_equal(buf, "new.txt:3:7: bad value 42");
	cstat__diag_set(&d, "new.txt", 3, 0, "x");
	cstat_diag_format(&d, buf, sizeof(buf));
	assert_string_equal(buf, "new.txt:3: x");
	cstat__diag_set(&d, NULL, 0, 0, "no place");
	cstat_diag_format(&d, buf, sizeof(buf));
	assert_string_equal(buf, "no place");

	memset(longer, 'm', sizeof(longer) - 1);
	longer[sizeof(longer) - 1] = '\0';
	cstat__diag_set(&d, "f", 1, 1, "%s", longer);
	assert_int_equal(strlen(d.message), sizeof(d.message) - 1);
	cstat__diag_set(NULL, "f", 1, 1, "%s", "ignored");
}

/* Go's words for the errors the tools report, lower-case first. */
static void
test_errno_text(void **state)
{
	static const struct {
		int err;
		const char *text;
	} cases[] = {
		{ENOENT, "no such file or directory"},
		{EACCES, "permission denied"},
		{EISDIR, "is a directory"},
		{ENOTDIR, "not a directory"},
		{ENOSPC, "no space left on device"},
		{EROFS, "read-only file system"},
		{EEXIST, "file exists"},
	};
	char buf[128];

	(void)state;
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		cstat__errno_text(cases[i].err, buf, sizeof(buf));
		assert_string_equal(buf, cases[i].text);
	}
	cstat__errno_text(ENOENT, buf, 5);
	assert_string_equal(buf, "no s");
}

/* The CSTAT_E* code of each errno value; CSTAT_EIO for the others. */
static void
test_errno_code(void **state)
{
	(void)state;
	assert_int_equal(cstat__errno_code(ENOENT), CSTAT_ENOENT);
	assert_int_equal(cstat__errno_code(EACCES), CSTAT_EACCES);
	assert_int_equal(cstat__errno_code(EPERM), CSTAT_EACCES);
	assert_int_equal(cstat__errno_code(EISDIR), CSTAT_EISDIR);
	assert_int_equal(cstat__errno_code(ENOMEM), CSTAT_ENOMEM);
	assert_int_equal(cstat__errno_code(ENOSPC), CSTAT_ENOSPC);
	assert_int_equal(cstat__errno_code(EDQUOT), CSTAT_ENOSPC);
	assert_int_equal(cstat__errno_code(EINVAL), CSTAT_EIO);
	assert_int_equal(cstat__errno_code(EIO), CSTAT_EIO);
	assert_int_equal(cstat__errno_code(0), CSTAT_EIO);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_strerror_and_names),
		cmocka_unit_test(test_diag_set),
		cmocka_unit_test(test_errno_text),
		cmocka_unit_test(test_errno_code),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
