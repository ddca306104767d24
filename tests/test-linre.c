/*
 * test-linre.c - the filters' regexp engine: it must answer as glibc's
 * regexec did (the reference: regcomp/regexec in the C locale, on short
 * texts) for every pattern regcomp accepts, and take time linear in the
 * text (glibc took 15 s for /x+y/ on a 100,000-byte name).
 */
#include <regex.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "cstat-private.h"
#include "linre.h"
#include "parse.h"

/* Checks pat on each text against glibc; @return false if glibc refuses. */
static bool
same_as_glibc(const char *pat, const char *const *texts, size_t ntexts)
{
	regex_t ref;
	struct cstat__re *re;

	if (regcomp(&ref, pat, REG_EXTENDED | REG_NOSUB) != 0)
		return false;
	if (cstat__re_compile(pat, &re) != 0)
		fail_msg("glibc accepts /%s/, linre refuses it", pat);
	for (size_t i = 0; i < ntexts; i++) {
		bool want = regexec(&ref, texts[i], 0, NULL, 0) == 0;
		bool got =
			cstat__re_match(re, texts[i], strlen(texts[i]), NULL);
		if (want != got)
			fail_msg("/%s/ on \"%s\": glibc %d, linre %d", pat,
				 texts[i], want, got);
	}
	regfree(&ref);
	cstat__re_free(re);
	return true;
}

static const char *const texts[] = {
	"",	"a",	"b",
	"ab",	"ba",	"aab",
	"abab", "aaaa", "x",
	"xy",	"xxxy", "-",
	"a-b",	"]",	"[",
	"^",	"$",	"*",
	"a)",	"{1}",	"BenchmarkGet/size=10-8",
	"Get",	"Put",	"1",
	"42",	" ",	"\t",
	"A_z",	"a.b",	"\xc3\xa9",
	"\x7f", "a\nb", "x{,3}",
	"/",	"\\",
};
#define NTEXTS (sizeof(texts) / sizeof(texts[0]))

/* Patterns as the translator emits them, and glibc's edge cases. */
static void
test_table_matches_glibc(void **state)
{
	static const char *const pats[] = {
		"",
		"a",
		"ab",
		"a|b",
		"^a",
		"b$",
		"^$",
		"^(Get|Put)$",
		"x+y",
		"a*",
		"a+",
		"a?",
		"a{2}",
		"a{1,}",
		"a{,3}",
		"a{0}",
		"(ab){2}",
		"(a|)",
		"a||b",
		"()",
		"(){2}",
		"(^)*",
		"(^a)",
		"a^",
		"a$b",
		"a)",
		"[]a]",
		"[^]a]",
		"[a-]",
		"[--/]",
		"[[.-.]]",
		"[[=a=]]",
		"[[:alpha:]]",
		"[[:digit:]]+",
		"[[:space:]]",
		"[[:punct:]]",
		"[[:upper:]_]",
		"[[:cntrl:]]",
		"[[:xdigit:]]{2}",
		"[0-9]",
		"[^0-9]",
		"[0-9A-Za-z_]+",
		"[\t\n\f\r ]",
		"[^\t\n\f\r ]",
		".",
		"^.$",
		"^..$",
		"\\.",
		"a\\.b",
		"\\[",
		"\\]",
		"\\*",
		"\\{",
		"\\}",
		"\\(",
		"\\)",
		"\\|",
		"\\^",
		"\\$",
		"\\\\",
		"\\/",
		"size=[0-9]+",
		"^Benchmark[A-Z]",
		"(a|b)*b",
		"((a|b)(a|b))*$",
		"a{2,3}$",
		"^(a{1,2}){2}$",
		"(a*)*",
		"(a*)+b",
		"(a+|b+)+$",
		"^([^-]+-)*[0-9]$",
		"x{,3}",
		"[.]",
		"[*]",
		"[$]",
	};
	int accepted = 0;

	(void)state;
	for (size_t i = 0; i < sizeof(pats) / sizeof(pats[0]); i++)
		accepted += same_as_glibc(pats[i], texts, NTEXTS);
	/* Every pattern of the table is one glibc accepts. */
	assert_int_equal(accepted, sizeof(pats) / sizeof(pats[0]));
}

static uint64_t
splitmix(uint64_t *s)
{
	uint64_t z = (*s += 0x9e3779b97f4a7c15u);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
	return z ^ (z >> 31);
}

/*
 * Random patterns over a small alphabet (seed 1, 6,000 patterns; those
 * glibc refuses are skipped) on every text of up to 5 bytes over "ab-".
 */
static void
test_random_patterns_match_glibc(void **state)
{
	static const char *const toks[] = {
		"a",	 "b",		"-",	".",	"|",	"(",
		")",	 "*",		"+",	"?",	"^",	"$",
		"{2}",	 "{1,2}",	"{,2}", "{0,}", "[ab]", "[^a]",
		"[a-b]", "[[:alpha:]]", "\\-",	"()",
	};
	enum { NTOK = sizeof(toks) / sizeof(toks[0]) };
	static char bufs[400][8];
	const char *all[400];
	size_t nall = 0;
	uint64_t seed = 1;
	int accepted = 0;

	(void)state;
	/* Every string of length 0 to 5 over a, b and -: 364 texts. */
	for (int len = 0; len <= 5; len++) {
		int total = 1;
		for (int k = 0; k < len; k++)
			total *= 3;
		for (int v = 0; v < total; v++) {
			int x = v;
			for (int k = 0; k < len; k++, x /= 3)
				bufs[nall][k] = "ab-"[x % 3];
			bufs[nall][len] = '\0';
			all[nall] = bufs[nall];
			nall++;
		}
	}
	for (int n = 0; n < 6000; n++) {
		char pat[128] = "";
		int ntok = 1 + (int)(splitmix(&seed) % 8);
		for (int k = 0; k < ntok; k++)
			strcat(pat, toks[splitmix(&seed) % NTOK]);
		accepted += same_as_glibc(pat, all, nall);
	}
	printf("random: %d of 6000 patterns accepted by glibc, each on "
	       "%zu texts\n",
	       accepted, nall);
	assert_true(accepted > 2000);
}

/* The filter of issue 14: linear steps on a 100,000-byte name. */
static void
test_long_name_is_linear(void **state)
{
	struct cstat__fnode *f;
	struct cstat__perror e;
	size_t len = 100000;
	char *name = malloc(len + 1);
	unsigned long long steps = 0;

	(void)state;
	assert_non_null(name);
	memset(name, 'x', len);
	name[len] = '\0';
	assert_int_equal(cstat__parse_filter(".fullname:/x+y/", &f, &e), 0);
	assert_int_equal(f->kind, CSTAT__FN_MATCH);
	assert_false(cstat__re_match(f->re, name, len, &steps));
	printf("/x+y/ on %zu bytes: %llu steps\n", len, steps);
	/* A handful of threads per byte; glibc's backtracking did ~len^2. */
	assert_true(steps < 10 * (unsigned long long)len);
	name[len - 1] = 'y';
	assert_true(cstat__re_match(f->re, name, len, NULL));
	cstat__filter_free(f);

	/* Nested repetition, the classic exponential case for backtrackers. */
	assert_int_equal(cstat__parse_filter(".name:/^(x+x+)+$/", &f, &e), 0);
	name[len - 1] = 'y';
	steps = 0;
	assert_false(cstat__re_match(f->re, name, len, &steps));
	printf("/^(x+x+)+$/ on %zu bytes: %llu steps\n", len, steps);
	assert_true(steps < 50 * (unsigned long long)len);
	/* Half the name, half the steps (within 1%): linear, not len^2. */
	unsigned long long half = 0;
	name[len / 2 - 1] = 'y';
	assert_false(cstat__re_match(f->re, name, len / 2, &half));
	assert_true(steps < 2 * half + half / 50);
	cstat__filter_free(f);
	free(name);
}

/* Counted repeats are expanded; the program stays within its bound. */
static void
test_counted_repeats(void **state)
{
	struct cstat__re *re;
	char text[1002];

	(void)state;
	assert_int_equal(cstat__re_compile("^(a{10}){100}$", &re), 0);
	memset(text, 'a', 1000);
	text[1000] = '\0';
	assert_true(cstat__re_match(re, text, 1000, NULL));
	assert_false(cstat__re_match(re, text, 999, NULL));
	cstat__re_free(re);
	assert_int_equal(cstat__re_compile("a{1001}", &re), CSTAT_ESYNTAX);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_table_matches_glibc),
		cmocka_unit_test(test_random_patterns_match_glibc),
		cmocka_unit_test(test_long_name_is_linear),
		cmocka_unit_test(test_counted_repeats),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
