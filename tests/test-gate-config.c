/*
 * test-gate-config.c - the regression gate's settings: defaults, names every
 * key of cstat_gate_config_set() with good and bad values, how threshold rules
 * rank, ignore patterns, unit directions, the explain lines, and the JSON
 * config file with the line (and column) of every error.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "cstat.h"
#include "gate.h"
#include "testutil.h"

static cstat_gate_config *
new_config(void)
{
	cstat_gate_config *c = NULL;

	assert_int_equal(cstat_gate_config_new(&c), 0);
	assert_non_null(c);
	return c;
}

static void
set_ok(cstat_gate_config *c, const char *key, const char *value)
{
	struct cstat_diag d = {0};
	int rc = cstat_gate_config_set(c, key, value, &d);

	if (rc)
		fail_msg("%s %s: %s", key, value, d.message);
}

/* A bad setting is refused with msg and leaves a fresh config as it was. */
static void
set_bad(const char *key, const char *value, const char *msg)
{
	cstat_gate_config *c = new_config();
	struct cstat_diag d = {.file = "stale", .line = 9, .column = 9};

	assert_int_equal(cstat_gate_config_set(c, key, value, &d),
			 CSTAT_EINVAL);
	assert_null(d.file);
	assert_int_equal(d.line, 0);
	assert_int_equal(d.column, 0);
	assert_string_equal(d.message, msg);
	assert_true(c->alpha == 0.05);
	assert_true(c->confidence == 0.95);
	assert_int_equal(c->correction, CSTAT_CORRECTION_HOLM);
	assert_true(c->threshold == 0.05);
	assert_string_equal(c->threshold_source, "default");
	assert_int_equal(c->nrules, 0);
	assert_int_equal(c->nignores, 0);
	assert_int_equal(c->nbetters, 0);
	cstat_gate_config_free(c);
}

static int
load(cstat_gate_config *c, const char *json, struct cstat_diag *d)
{
	return cstat_gate_config_load_mem(c, json, strlen(json), "cfg.json", d);
}

/* A config that fails with code at line:column (0: not given) and msg. */
static void
load_bad(const char *json, int code, unsigned long line, unsigned long column,
	 const char *msg)
{
	cstat_gate_config *c = new_config();
	struct cstat_diag d = {0};

	assert_int_equal(load(c, json, &d), code);
	assert_string_equal(d.file, "cfg.json");
	assert_string_equal(d.message, msg);
	assert_int_equal(d.line, line);
	assert_int_equal(d.column, column);
	assert_null(c->cur_source);
	cstat_gate_config_free(c);
}

static void
test_gate_config_new_has_the_defaults(void **state)
{
	(void)state;
	cstat_gate_config *c = new_config();

	assert_true(c->alpha == 0.05);
	assert_true(c->confidence == 0.95);
	assert_int_equal(c->correction, CSTAT_CORRECTION_HOLM);
	assert_true(c->threshold == 0.05);
	assert_string_equal(c->threshold_source, "default");
	assert_int_equal(c->nrules, 0);
	assert_int_equal(c->nignores, 0);
	assert_int_equal(c->nbetters, 0);
	assert_null(c->cur_source);
	cstat_gate_config_free(c);
	cstat_gate_config_free(NULL);
	assert_int_equal(cstat_gate_config_new(NULL), CSTAT_EINVAL);
}

static void
test_names_are_static_or_null(void **state)
{
	(void)state;
	assert_string_equal(cstat_verdict_name(CSTAT_UNCHANGED), "unchanged");
	assert_string_equal(cstat_verdict_name(CSTAT_IMPROVEMENT),
			    "improvement");
	assert_string_equal(cstat_verdict_name(CSTAT_REGRESSION), "regression");
	assert_string_equal(cstat_verdict_name(CSTAT_INCONCLUSIVE),
			    "inconclusive");
	assert_null(cstat_verdict_name(-1));
	assert_null(cstat_verdict_name(4));
	assert_string_equal(cstat_correction_name(CSTAT_CORRECTION_HOLM),
			    "holm");
	assert_string_equal(cstat_correction_name(CSTAT_CORRECTION_BH), "bh");
	assert_string_equal(cstat_correction_name(CSTAT_CORRECTION_NONE),
			    "none");
	assert_null(cstat_correction_name(-1));
	assert_null(cstat_correction_name(3));
}

static void
test_parse_pct_good_and_bad(void **state)
{
	(void)state;
	static const char *const bad[] = {
		"5",   "%",    "",     "-5%",  " 5%",	 "5% ",
		"5 %", "5%%",  "nan%", "inf%", "1e999%", "0x10%",
		"5x%", "+-5%", ".%",   "5e%",  "-0%",	 "++5%",
	};
	double v;

	/* Exactly representable inputs divide to the nearest double. */
	assert_int_equal(cstat__parse_pct("5%", &v), 0);
	assert_true(v == 0.05);
	assert_int_equal(cstat__parse_pct("0.5%", &v), 0);
	assert_true(v == 0.005);
	assert_int_equal(cstat__parse_pct("+10%", &v), 0);
	assert_true(v == 0.10);
	assert_int_equal(cstat__parse_pct("0%", &v), 0);
	assert_true(v == 0);
	assert_int_equal(cstat__parse_pct("2.5%", &v), 0);
	assert_true(v == 0.025);
	assert_int_equal(cstat__parse_pct("250%", &v), 0);
	assert_true(v == 2.5);
	assert_int_equal(cstat__parse_pct("1e1%", &v), 0);
	assert_true(v == 0.1);
	assert_int_equal(cstat__parse_pct(".5%", &v), 0);
	assert_true(v == 0.005);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		v = 42;
		if (cstat__parse_pct(bad[i], &v) != CSTAT_EINVAL)
			fail_msg("\"%s\" was taken", bad[i]);
		assert_true(v == 42);
	}
	assert_int_equal(cstat__parse_pct(NULL, &v), CSTAT_EINVAL);
}

static void
test_gate_config_set_alpha_and_confidence(void **state)
{
	(void)state;
	static const char *const bad[] = {
		"2", "0",   "1",    "abc",   " 0.1", "0.1 ",  "0.1x",
		"",  "nan", "-0.5", "0x0.1", "inf",  "1e-400"};
	cstat_gate_config *c = new_config();
	char msg[128];

	set_ok(c, "alpha", "0.01");
	assert_true(c->alpha == 0.01);
	set_ok(c, "alpha", "5e-2");
	assert_true(c->alpha == 0.05);
	set_ok(c, "confidence", "0.99");
	assert_true(c->confidence == 0.99);
	set_ok(c, "confidence", ".9");
	assert_true(c->confidence == 0.9);
	cstat_gate_config_free(c);
	set_bad("alpha", "2", "alpha \"2\": want a number between 0 and 1");
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snprintf(msg, sizeof(msg),
			 "alpha \"%s\": want a number between 0 and 1", bad[i]);
		set_bad("alpha", bad[i], msg);
		snprintf(msg, sizeof(msg),
			 "confidence \"%s\": want a number between 0 and 1",
			 bad[i]);
		set_bad("confidence", bad[i], msg);
	}
}

static void
test_gate_config_set_correction(void **state)
{
	(void)state;
	cstat_gate_config *c = new_config();

	set_ok(c, "correction", "bh");
	assert_int_equal(c->correction, CSTAT_CORRECTION_BH);
	set_ok(c, "correction", "none");
	assert_int_equal(c->correction, CSTAT_CORRECTION_NONE);
	set_ok(c, "correction", "holm");
	assert_int_equal(c->correction, CSTAT_CORRECTION_HOLM);
	cstat_gate_config_free(c);
	set_bad("correction", "foo",
		"correction \"foo\": want holm, bh or none");
	set_bad("correction", "HOLM",
		"correction \"HOLM\": want holm, bh or none");
	set_bad("correction", "", "correction \"\": want holm, bh or none");
}

/* What the threshold applies to: the estimate (default) or the interval,
 * from a flag or the config file, checked alike. */
static void
test_gate_config_threshold_on(void **state)
{
	(void)state;
	cstat_gate_config *c = new_config();
	struct cstat_diag d = {0};

	assert_int_equal(c->threshold_on, CSTAT__ON_ESTIMATE);
	set_ok(c, "threshold_on", "interval");
	assert_int_equal(c->threshold_on, CSTAT__ON_INTERVAL);
	set_ok(c, "threshold_on", "estimate");
	assert_int_equal(c->threshold_on, CSTAT__ON_ESTIMATE);
	assert_int_equal(load(c, "{\"threshold_on\": \"interval\"}", &d), 0);
	assert_int_equal(c->threshold_on, CSTAT__ON_INTERVAL);
	cstat_gate_config_free(c);
	assert_string_equal(cstat__gate_threshold_on_name(0), "estimate");
	assert_string_equal(cstat__gate_threshold_on_name(1), "interval");
	assert_null(cstat__gate_threshold_on_name(2));
	set_bad("threshold_on", "median",
		"threshold_on \"median\": want estimate or interval");
	set_bad("threshold_on", "",
		"threshold_on \"\": want estimate or interval");
	load_bad("{\n\"threshold_on\": true}", CSTAT_EINVAL, 2, 0,
		 "\"threshold_on\" must be a string");
	load_bad("{\"alpha\": 0.1,\n \"threshold_on\": \"both\"}", CSTAT_EINVAL,
		 2, 0, "threshold_on \"both\": want estimate or interval");
}

static void
test_gate_config_set_default_threshold(void **state)
{
	(void)state;
	cstat_gate_config *c = new_config();

	set_ok(c, "threshold", "7%");
	assert_true(c->threshold == 0.07);
	assert_string_equal(c->threshold_source, "flag");
	assert_int_equal(c->nrules, 0);
	c->cur_source = "team.json:4";
	set_ok(c, "threshold", "2.5%");
	assert_true(c->threshold == 0.025);
	assert_string_equal(c->threshold_source, "team.json:4");
	cstat_gate_config_free(c);
	set_bad("threshold", "5",
		"threshold \"5\": want a percentage such as 5%");
	set_bad("threshold", "-5%",
		"threshold \"-5%\": want a percentage such as 5%");
	set_bad("threshold", "",
		"threshold \"\": want a percentage such as 5%");
}

/* Checks rule i against what it should hold. */
static void
assert_rule(const cstat_gate_config *c, size_t i, const char *bench,
	    const char *unit, int cls, double threshold, const char *text,
	    const char *source)
{
	assert_true(i < c->nrules);
	const struct cstat__rule *r = &c->rules[i];
	if (bench)
		assert_string_equal(r->bench, bench);
	else
		assert_null(r->bench);
	if (unit)
		assert_string_equal(r->unit, unit);
	else
		assert_null(r->unit);
	assert_int_equal(r->cls, cls);
	assert_true(r->threshold == threshold);
	assert_string_equal(r->text, text);
	assert_string_equal(r->source, source);
}

static void
test_gate_config_set_threshold_rules(void **state)
{
	(void)state;
	cstat_gate_config *c = new_config();

	set_ok(c, "threshold", "class:time=3%");
	set_ok(c, "threshold", "unit:B/op=10%");
	set_ok(c, "threshold", "bench:Encode*=8%");
	set_ok(c, "threshold", "bench:Encode*,class:memory=2.5%");
	set_ok(c, "threshold", "bench:Decode/*,unit:sec/op=4%");
	/* An '=' in a glob belongs to it: the value splits at the last. */
	set_ok(c, "threshold", "bench:Enc/a=1?b=2,unit:B/op=1%");
	c->cur_source = "cfg.json:7";
	set_ok(c, "threshold", "unit:frames/s=0%");
	assert_int_equal(c->nrules, 7);
	assert_rule(c, 0, NULL, NULL, CSTAT_CLASS_TIME, 0.03, "class:time=3%",
		    "flag");
	assert_rule(c, 1, NULL, "B/op", -1, 0.10, "unit:B/op=10%", "flag");
	assert_rule(c, 2, "Encode*", NULL, -1, 0.08, "bench:Encode*=8%",
		    "flag");
	assert_rule(c, 3, "Encode*", NULL, CSTAT_CLASS_MEMORY, 0.025,
		    "bench:Encode*,class:memory=2.5%", "flag");
	assert_rule(c, 4, "Decode/*", "sec/op", -1, 0.04,
		    "bench:Decode/*,unit:sec/op=4%", "flag");
	assert_rule(c, 5, "Enc/a=1?b=2", "B/op", -1, 0.01,
		    "bench:Enc/a=1?b=2,unit:B/op=1%", "flag");
	assert_rule(c, 6, NULL, "frames/s", -1, 0, "unit:frames/s=0%",
		    "cfg.json:7");
	/* Rules leave the default alone. */
	assert_true(c->threshold == 0.05);
	assert_string_equal(c->threshold_source, "default");
	cstat_gate_config_free(c);
}

static void
test_gate_config_set_threshold_rule_errors(void **state)
{
	(void)state;
	set_bad("threshold", "class:cpu=5%",
		"threshold \"class:cpu=5%\": unknown unit class \"cpu\" (want "
		"time, memory, allocs, throughput or other)");
	set_bad("threshold", "class:time=5",
		"threshold \"class:time=5\": want a percentage such as 5%");
	set_bad("threshold", "class:time=",
		"threshold \"class:time=\": want a percentage such as 5%");
	set_bad("threshold", "unit:a/op,unit:b/op=5%",
		"threshold \"unit:a/op,unit:b/op=5%\": more than one unit: "
		"selector");
	set_bad("threshold", "class:time,class:memory=5%",
		"threshold \"class:time,class:memory=5%\": more than one "
		"class: selector");
	set_bad("threshold", "bench:A,bench:B=5%",
		"threshold \"bench:A,bench:B=5%\": more than one bench: "
		"selector");
	set_bad("threshold", "class:time,unit:B/op=5%",
		"threshold \"class:time,unit:B/op=5%\": a rule selects a unit "
		"or a class, not both");
	set_bad("threshold", "bench:A,class:time,unit:B/op=5%",
		"threshold \"bench:A,class:time,unit:B/op=5%\": a rule selects "
		"a unit or a class, not both");
	set_bad("threshold", "bench:=5%",
		"threshold \"bench:=5%\": empty bench: pattern");
	set_bad("threshold", "bench:,unit:B/op=5%",
		"threshold \"bench:,unit:B/op=5%\": empty bench: pattern");
	set_bad("threshold", "unit:=5%", "threshold \"unit:=5%\": empty unit");
	set_bad("threshold", "=5%", "threshold \"=5%\": empty selector");
	set_bad("threshold", ",class:time=5%",
		"threshold \",class:time=5%\": empty selector");
	set_bad("threshold", "cls:time=5%",
		"threshold \"cls:time=5%\": unknown selector \"cls:time\" "
		"(want "
		"bench:GLOB, class:NAME or unit:UNIT)");
	set_bad("threshold", "bench:A,foo=5%",
		"threshold \"bench:A,foo=5%\": unknown selector \"foo\" (want "
		"bench:GLOB, class:NAME or unit:UNIT)");
	set_bad("threshold", "bench:A/x=1,y=2,unit:B/op=5%",
		"threshold \"bench:A/x=1,y=2,unit:B/op=5%\": unknown selector "
		"\"y=2\" (want bench:GLOB, class:NAME or unit:UNIT)");
	set_bad("threshold", "bench:A,,unit:B/op=5%",
		"threshold \"bench:A,,unit:B/op=5%\": empty selector");
	set_bad("threshold", "class:time,=5%",
		"threshold \"class:time,=5%\": empty selector");
	set_bad("threshold", "Encode*=5%",
		"threshold \"Encode*=5%\": unknown selector \"Encode*\" (want "
		"bench:GLOB, class:NAME or unit:UNIT)");
}

/* The exponent rule: exponent=D, D >= 0, "+" allowed; the last one wins,
 * from a flag or the config file's "exponent" (a number or a string). */
static void
test_gate_config_exponent_rule(void **state)
{
	(void)state;
	cstat_gate_config *c = new_config();
	struct cstat_diag d = {0};

	/* The default: 0.1, from nowhere. */
	assert_true(cstat_gate_config_get(c, "exponent") == 0.1);
	assert_null(c->exponent_text);
	assert_string_equal(c->exponent_source, "default");
	set_ok(c, "threshold", "exponent=+0.25");
	assert_true(cstat_gate_config_get(c, "exponent") == 0.25);
	assert_string_equal(c->exponent_text, "exponent=+0.25");
	assert_string_equal(c->exponent_source, "flag");
	set_ok(c, "threshold", "exponent=0");
	assert_true(c->exponent_rise == 0);
	/* Not a threshold rule, and the default threshold stays. */
	assert_int_equal(c->nrules, 0);
	assert_true(c->threshold == 0.05);
	assert_int_equal(load(c, "{\"exponent\": 0.5}", &d), 0);
	assert_true(c->exponent_rise == 0.5);
	assert_string_equal(c->exponent_source, "cfg.json:1");
	assert_int_equal(load(c, "{\"exponent\": \"+1\"}", &d), 0);
	assert_true(c->exponent_rise == 1);
	assert_string_equal(c->exponent_text, "exponent=+1");
	assert_true(isnan(cstat_gate_config_get(c, "nope")));
	assert_true(cstat_gate_config_get(c, "threshold") == 0.05);
	cstat_gate_config_free(c);
	set_bad("threshold", "exponent=-0.1",
		"threshold \"exponent=-0.1\": want exponent=D, D the rise of "
		"the scaling exponent allowed, a number >= 0 such as 0.1");
	set_bad("threshold", "exponent=10%",
		"threshold \"exponent=10%\": want exponent=D, D the rise of "
		"the scaling exponent allowed, a number >= 0 such as 0.1");
	set_bad("threshold", "exponent=",
		"threshold \"exponent=\": want exponent=D, D the rise of "
		"the scaling exponent allowed, a number >= 0 such as 0.1");
	load_bad("{\"exponent\": true}", CSTAT_EINVAL, 1, 0,
		 "\"exponent\" must be a number or a string");
	load_bad("{\"exponent\": -1}", CSTAT_EINVAL, 1, 0,
		 "threshold \"exponent=-1\": want exponent=D, D the rise of "
		 "the scaling exponent allowed, a number >= 0 such as 0.1");
}

static void
test_gate_config_set_ignore(void **state)
{
	(void)state;
	cstat_gate_config *c = new_config();

	set_ok(c, "ignore", "Flaky*");
	c->cur_source = "cfg.json:3";
	set_ok(c, "ignore", "Exp/*");
	assert_int_equal(c->nignores, 2);
	assert_string_equal(c->ignores[0].pattern, "Flaky*");
	assert_string_equal(c->ignores[0].source, "flag");
	assert_string_equal(c->ignores[1].pattern, "Exp/*");
	assert_string_equal(c->ignores[1].source, "cfg.json:3");
	cstat_gate_config_free(c);
	set_bad("ignore", "", "ignore \"\": want a pattern of benchmark names");
}

static void
test_gate_config_set_better(void **state)
{
	(void)state;
	cstat_gate_config *c = new_config();
	const char *src = "stale";

	assert_int_equal(cstat__gate_better(c, "score", &src), -1);
	assert_null(src);
	set_ok(c, "better", "score=higher");
	set_ok(c, "better", "frames/s=higher");
	c->cur_source = "cfg.json:9";
	set_ok(c, "better", "score=lower");
	assert_int_equal(c->nbetters, 3);
	/* The last setting for a unit wins. */
	assert_int_equal(cstat__gate_better(c, "score", &src), 0);
	assert_string_equal(src, "cfg.json:9");
	assert_int_equal(cstat__gate_better(c, "frames/s", &src), 1);
	assert_string_equal(src, "flag");
	assert_int_equal(cstat__gate_better(c, "frames/s", NULL), 1);
	assert_int_equal(cstat__gate_better(c, "frames", &src), -1);
	assert_null(src);
	/* A unit may hold '=': the value splits at the last one. */
	set_ok(c, "better", "a=b=higher");
	assert_int_equal(cstat__gate_better(c, "a=b", NULL), 1);
	cstat_gate_config_free(c);
	set_bad("better", "score=up",
		"better \"score=up\": want UNIT=higher or UNIT=lower");
	set_bad("better", "=higher",
		"better \"=higher\": want UNIT=higher or UNIT=lower");
	set_bad("better", "higher",
		"better \"higher\": want UNIT=higher or UNIT=lower");
	set_bad("better", "score=Higher",
		"better \"score=Higher\": want UNIT=higher or UNIT=lower");
}

static void
test_gate_config_set_refuses_unknown_keys(void **state)
{
	(void)state;
	cstat_gate_config *c = new_config();
	struct cstat_diag d = {0};

	set_bad("colour", "red", "unknown setting \"colour\"");
	set_bad("Alpha", "0.1", "unknown setting \"Alpha\"");
	assert_int_equal(cstat_gate_config_set(NULL, "alpha", "0.1", &d),
			 CSTAT_EINVAL);
	assert_int_equal(cstat_gate_config_set(c, NULL, "0.1", &d),
			 CSTAT_EINVAL);
	assert_int_equal(cstat_gate_config_set(c, "alpha", NULL, NULL),
			 CSTAT_EINVAL);
	/* No diagnostic is needed. */
	assert_int_equal(cstat_gate_config_set(c, "alpha", "7", NULL),
			 CSTAT_EINVAL);
	assert_true(c->alpha == 0.05);
	cstat_gate_config_free(c);
}

static void
test_gate_rule_for_most_specific_then_last(void **state)
{
	(void)state;
	cstat_gate_config *c = new_config();

	set_ok(c, "threshold", "bench:Enc*,unit:sec/op=5%"); /* 0 */
	set_ok(c, "threshold", "class:time=1%");	     /* 1 */
	set_ok(c, "threshold", "unit:sec/op=2%");	     /* 2 */
	set_ok(c, "threshold", "bench:Enc*=3%");	     /* 3 */
	set_ok(c, "threshold", "bench:Enc*,class:time=4%");  /* 4 */
	set_ok(c, "threshold", "bench:Dec*,unit:sec/op=6%"); /* 5 */
	set_ok(c, "threshold", "class:time=7%");	     /* 6 */

	/* bench+unit beats every later, less specific rule. */
	assert_int_equal(
		cstat__gate_rule_for(c, "EncodeX", "sec/op", CSTAT_CLASS_TIME),
		0);
	/* bench+class beats bench, unit and class. */
	assert_int_equal(
		cstat__gate_rule_for(c, "EncodeX", "ms/op", CSTAT_CLASS_TIME),
		4);
	/* bench beats unit... */
	assert_int_equal(
		cstat__gate_rule_for(c, "EncodeX", "B/op", CSTAT_CLASS_MEMORY),
		3);
	/* ...unit beats class... */
	assert_int_equal(
		cstat__gate_rule_for(c, "Parse", "sec/op", CSTAT_CLASS_TIME),
		2);
	/* ...and among equal classes the last one wins. */
	assert_int_equal(
		cstat__gate_rule_for(c, "Parse", "ms/op", CSTAT_CLASS_TIME), 6);
	/* A glob that does not match leaves the rule out. */
	assert_int_equal(
		cstat__gate_rule_for(c, "Decode", "sec/op", CSTAT_CLASS_TIME),
		5);
	assert_int_equal(
		cstat__gate_rule_for(c, "xDecode", "sec/op", CSTAT_CLASS_TIME),
		2);
	/* Nothing matches: the default. */
	assert_int_equal(
		cstat__gate_rule_for(c, "Parse", "B/op", CSTAT_CLASS_MEMORY),
		-1);
	set_ok(c, "threshold", "bench:Enc*,unit:sec/op=9%"); /* 7 */
	assert_int_equal(
		cstat__gate_rule_for(c, "EncodeX", "sec/op", CSTAT_CLASS_TIME),
		7);
	cstat_gate_config_free(c);
}

static void
test_gate_ignored_by_first_match(void **state)
{
	(void)state;
	cstat_gate_config *c = new_config();

	assert_null(cstat__gate_ignored_by(c, "FlakyNet"));
	set_ok(c, "ignore", "Flaky*");
	set_ok(c, "ignore", "Exp/*");
	set_ok(c, "ignore", "F*");
	assert_ptr_equal(cstat__gate_ignored_by(c, "FlakyNet"), &c->ignores[0]);
	assert_ptr_equal(cstat__gate_ignored_by(c, "Exp/a"), &c->ignores[1]);
	assert_ptr_equal(cstat__gate_ignored_by(c, "Fast"), &c->ignores[2]);
	assert_null(cstat__gate_ignored_by(c, "Stable"));
	assert_null(cstat__gate_ignored_by(c, "Exp"));
	assert_null(cstat__gate_ignored_by(c, NULL));
	cstat_gate_config_free(c);
}

static char *
explain(const cstat_gate_config *c, const char *name, const char *unit, int cls)
{
	char *text = NULL;
	size_t size = 0;
	FILE *f = open_memstream(&text, &size);

	assert_non_null(f);
	assert_int_equal(cstat__gate_explain_rules(c, name, unit, cls, f), 0);
	assert_int_equal(fclose(f), 0);
	return text;
}

static void
test_gate_explain_rules_lists_matches(void **state)
{
	(void)state;
	cstat_gate_config *c = new_config();
	char *text;

	c->cur_source = "cregress.json:12";
	set_ok(c, "threshold", "bench:Encode*,unit:sec/op=8%");
	c->cur_source = NULL;
	set_ok(c, "threshold", "class:time=3%");
	set_ok(c, "threshold", "unit:B/op=10%");
	set_ok(c, "threshold", "class:time=2.5%");
	set_ok(c, "threshold", "bench:Encode*=6%");
	text = explain(c, "EncodeFast", "sec/op", CSTAT_CLASS_TIME);
	assert_string_equal(
		text, "  rules that match, most specific first (* applies):\n"
		      "  * bench:Encode*,unit:sec/op=8%   (cregress.json:12)\n"
		      "    bench:Encode*=6%   (flag)\n"
		      "    class:time=2.5%   (flag)\n"
		      "    class:time=3%   (flag)\n"
		      "    default threshold 5%   (default)\n");
	free(text);
	text = explain(c, "Decode", "ms/op", CSTAT_CLASS_TIME);
	assert_string_equal(
		text, "  rules that match, most specific first (* applies):\n"
		      "  * class:time=2.5%   (flag)\n"
		      "    class:time=3%   (flag)\n"
		      "    default threshold 5%   (default)\n");
	free(text);
	set_ok(c, "threshold", "2.5%");
	text = explain(c, "Decode", "widgets", CSTAT_CLASS_OTHER);
	assert_string_equal(
		text, "  rules that match, most specific first (* applies):\n"
		      "  * default threshold 2.5%   (flag)\n");
	free(text);

	/* A stream that cannot be written. */
	FILE *ro = fopen("/dev/null", "r");
	assert_non_null(ro);
	assert_int_equal(cstat__gate_explain_rules(c, "Decode", "widgets",
						   CSTAT_CLASS_OTHER, ro),
			 CSTAT_EIO);
	fclose(ro);
	cstat_gate_config_free(c);
}

/* Every key.  Each C line below is one line of the text, but for line 16,
 * which takes two. */
static const char full_config[] =
	"{\n"
	"  \"version\": 1,\n"
	"  \"alpha\": 0.01,\n"
	"  \"confidence\": 0.9,\n"
	"  \"correction\": \"bh\",\n"
	"  \"threshold\": \"4%\",\n"
	"  \"classes\": {\"time\": \"3%\", \"memory\": \"10%\"},\n"
	"  \"units\": {\n"
	"    \"B/op\": {\"threshold\": \"12%\"},\n"
	"    \"frames/s\": {\"better\": \"higher\"},\n"
	"    \"score\": {\"threshold\": \"2%\",\n"
	"      \"better\": \"lower\"}\n"
	"  },\n"
	"  \"benchmarks\": [\n"
	"    {\"match\": \"Encode*\", \"threshold\": \"8%\"},\n"
	"    {\"match\": \"Decode/*\", \"unit\": \"sec/op\", "
	"\"threshold\": \"4.5%\"},\n"
	"    {\n"
	"      \"threshold\": \"1%\",\n"
	"      \"class\": \"time\",\n"
	"      \"match\": \"X*\"\n"
	"    }\n"
	"  ],\n"
	"  \"ignore\": [\"Flaky*\", \"Q\\\"{[\\\\*\",\n"
	"    \"Exp\\u00e9*\"]\n"
	"}\n";

static void
test_gate_config_load_applies_every_key(void **state)
{
	(void)state;
	cstat_gate_config *c = new_config();
	struct cstat_diag d = {0};

	assert_int_equal(load(c, full_config, &d), 0);
	assert_null(c->cur_source);
	assert_true(c->alpha == 0.01);
	assert_true(c->confidence == 0.9);
	assert_int_equal(c->correction, CSTAT_CORRECTION_BH);
	assert_true(c->threshold == 0.04);
	assert_string_equal(c->threshold_source, "cfg.json:6");
	assert_int_equal(c->nrules, 7);
	assert_rule(c, 0, NULL, NULL, CSTAT_CLASS_TIME, 0.03, "class:time=3%",
		    "cfg.json:7");
	assert_rule(c, 1, NULL, NULL, CSTAT_CLASS_MEMORY, 0.10,
		    "class:memory=10%", "cfg.json:7");
	assert_rule(c, 2, NULL, "B/op", -1, 0.12, "unit:B/op=12%",
		    "cfg.json:9");
	assert_rule(c, 3, NULL, "score", -1, 0.02, "unit:score=2%",
		    "cfg.json:11");
	assert_rule(c, 4, "Encode*", NULL, -1, 0.08, "bench:Encode*=8%",
		    "cfg.json:15");
	assert_rule(c, 5, "Decode/*", "sec/op", -1, 0.045,
		    "bench:Decode/*,unit:sec/op=4.5%", "cfg.json:16");
	/* A benchmarks entry's source is the line of its "match". */
	assert_rule(c, 6, "X*", NULL, CSTAT_CLASS_TIME, 0.01,
		    "bench:X*,class:time=1%", "cfg.json:20");
	assert_int_equal(c->nbetters, 2);
	assert_string_equal(c->betters[0].unit, "frames/s");
	assert_true(c->betters[0].higher);
	assert_string_equal(c->betters[0].source, "cfg.json:10");
	assert_string_equal(c->betters[1].unit, "score");
	assert_false(c->betters[1].higher);
	assert_string_equal(c->betters[1].source, "cfg.json:12");
	assert_int_equal(c->nignores, 3);
	assert_string_equal(c->ignores[0].pattern, "Flaky*");
	assert_string_equal(c->ignores[0].source, "cfg.json:23");
	assert_string_equal(c->ignores[1].pattern, "Q\"{[\\*");
	assert_string_equal(c->ignores[1].source, "cfg.json:23");
	assert_string_equal(c->ignores[2].pattern, "Exp\xc3\xa9*");
	assert_string_equal(c->ignores[2].source, "cfg.json:24");
	cstat_gate_config_free(c);
}

static void
test_gate_config_load_after_flags_in_order(void **state)
{
	(void)state;
	cstat_gate_config *c = new_config();
	struct cstat_diag d = {0};

	/* Whatever comes later wins: flags, then the file, then flags. */
	set_ok(c, "alpha", "0.1");
	set_ok(c, "threshold", "class:time=2%");
	c->cur_source = "earlier";
	assert_int_equal(load(c,
			      "{\"alpha\": 0.02, \"classes\": "
			      "{\"time\": \"6%\"}, \"version\": 1.0}",
			      &d),
			 0);
	/* The caller's source comes back. */
	assert_string_equal(c->cur_source, "earlier");
	c->cur_source = NULL;
	assert_true(c->alpha == 0.02);
	assert_int_equal(c->nrules, 2);
	assert_int_equal(
		cstat__gate_rule_for(c, "A", "sec/op", CSTAT_CLASS_TIME), 1);
	assert_string_equal(c->rules[1].source, "cfg.json:1");
	/* An empty object changes nothing. */
	assert_int_equal(load(c, " {} ", &d), 0);
	assert_int_equal(c->nrules, 2);
	/* Nor does a byte order mark. */
	assert_int_equal(load(c, "\xef\xbb\xbf{\"correction\": \"none\"}", &d),
			 0);
	assert_int_equal(c->correction, CSTAT_CORRECTION_NONE);
	cstat_gate_config_free(c);
}

static void
test_gate_config_load_syntax_errors(void **state)
{
	(void)state;
	char deep[256];

	/* A missing comma: the '"' of "B" is at line 3, column 5. */
	load_bad("{\n  \"ignore\": [\"A\"\n    \"B\"]\n}", CSTAT_ESYNTAX, 3, 5,
		 "invalid JSON: unexpected '\"' (want ',' or ']')");
	load_bad("{\n  \"alpha\": 0.01\n  \"correction\": \"bh\"\n}",
		 CSTAT_ESYNTAX, 3, 3,
		 "invalid JSON: unexpected '\"' (want ',' or '}')");
	/* Cut short: the position is the end of the text. */
	load_bad("{\"alpha\": 0.01", CSTAT_ESYNTAX, 1, 15,
		 "invalid JSON: unexpected end of input (want ',' or '}')");
	load_bad("{\"ignore\": [\"Fla", CSTAT_ESYNTAX, 1, 17,
		 "invalid JSON: unexpected end of input (want '\"' to end the "
		 "string)");
	load_bad("", CSTAT_ESYNTAX, 1, 1,
		 "invalid JSON: unexpected end of input (want a value)");
	load_bad("\n \n", CSTAT_ESYNTAX, 3, 1,
		 "invalid JSON: unexpected end of input (want a value)");
	load_bad("{}\n x", CSTAT_ESYNTAX, 2, 2,
		 "invalid JSON: unexpected data after the JSON value");
	load_bad("{} {}", CSTAT_ESYNTAX, 1, 4,
		 "invalid JSON: unexpected data after the JSON value");
	load_bad("{\"alpha\": 0.01,}", CSTAT_ESYNTAX, 1, 16,
		 "invalid JSON: unexpected '}' (want a string key)");
	load_bad("{\"ignore\": [\"A\",]}", CSTAT_ESYNTAX, 1, 17,
		 "invalid JSON: unexpected ']' (want a value)");
	load_bad("{alpha: 1}", CSTAT_ESYNTAX, 1, 2,
		 "invalid JSON: unexpected 'a' (want a string key or '}')");
	load_bad("{\"alpha\" 1}", CSTAT_ESYNTAX, 1, 10,
		 "invalid JSON: unexpected '1' (want ':')");
	/* Carriage returns are white space, not line ends. */
	load_bad("{\r\n  \"alpha\": x}", CSTAT_ESYNTAX, 2, 12,
		 "invalid JSON: unexpected 'x' (want a value)");
	load_bad("{\"alpha\": 01}", CSTAT_ESYNTAX, 1, 12,
		 "invalid JSON: unexpected '1' (want ',' or '}')");
	load_bad("{\"alpha\": +1}", CSTAT_ESYNTAX, 1, 11,
		 "invalid JSON: unexpected '+' (want a value)");
	load_bad("{\"alpha\": 1.}", CSTAT_ESYNTAX, 1, 13,
		 "invalid JSON: unexpected '}' (want a digit)");
	load_bad("{\"alpha\": -}", CSTAT_ESYNTAX, 1, 12,
		 "invalid JSON: unexpected '}' (want a digit)");
	load_bad("{\"alpha\": tru}", CSTAT_ESYNTAX, 1, 14,
		 "invalid JSON: unexpected '}' (want true)");
	load_bad("{\"ignore\": [\"a\tb\"]}", CSTAT_ESYNTAX, 1, 15,
		 "invalid JSON: control character 0x09 in a string");
	load_bad("{\"ignore\": [\"a\\qb\"]}", CSTAT_ESYNTAX, 1, 15,
		 "invalid JSON: invalid escape in a string");
	load_bad("{\"ignore\": [\"a\\u12g4\"]}", CSTAT_ESYNTAX, 1, 15,
		 "invalid JSON: invalid \\u escape in a string");
	load_bad("{\"ignore\": [\"a\\u0000\"]}", CSTAT_ESYNTAX, 1, 15,
		 "invalid JSON: \\u0000 in a string is not supported");
	load_bad("{\"ignore\": [\"\\ud800x\"]}", CSTAT_ESYNTAX, 1, 14,
		 "invalid JSON: unpaired surrogate \\ud800 in a string");
	load_bad("{\"ignore\": [\"\\udc00\"]}", CSTAT_ESYNTAX, 1, 14,
		 "invalid JSON: unpaired surrogate \\udc00 in a string");
	load_bad("{\"a\": \x01}", CSTAT_ESYNTAX, 1, 7,
		 "invalid JSON: unexpected byte 0x01 (want a value)");
	/* Too deep for the scanner's recursion. */
	memcpy(deep, "{\"x\":", 5);
	memset(deep + 5, '[', 100);
	deep[105] = '\0';
	load_bad(deep, CSTAT_ESYNTAX, 1, 69,
		 "invalid JSON: nested more than 64 deep");
}

static void
test_gate_config_load_unknown_and_duplicate_keys(void **state)
{
	(void)state;
	cstat_gate_config *c = new_config();
	struct cstat_diag d = {0};

	/* What came before the error has been applied. */
	assert_int_equal(load(c,
			      "{\n  \"alpha\": 0.01,\n  \"colour\": \"red\"\n"
			      "}",
			      &d),
			 CSTAT_EINVAL);
	assert_string_equal(d.file, "cfg.json");
	assert_int_equal(d.line, 3);
	assert_int_equal(d.column, 0);
	assert_string_equal(d.message, "unknown key \"colour\"");
	assert_true(c->alpha == 0.01);
	assert_null(c->cur_source);
	cstat_gate_config_free(c);

	load_bad("{\n \"alpha\": 0.01,\n \"alpha\": 0.02\n}", CSTAT_EINVAL, 3,
		 0, "duplicate key \"alpha\"");
	load_bad("{\"classes\": {\"time\": \"1%\",\n \"time\": \"2%\"}}",
		 CSTAT_EINVAL, 2, 0, "duplicate key \"time\" in \"classes\"");
	load_bad("{\"units\": {\"B/op\": {\"better\": \"higher\",\n"
		 "  \"better\": \"lower\"}}}",
		 CSTAT_EINVAL, 2, 0,
		 "duplicate key \"better\" in \"units\" entry \"B/op\"");
	load_bad("{\"units\": {\"a\": {\"better\": \"higher\"},\n"
		 "  \"a\": {\"better\": \"lower\"}}}",
		 CSTAT_EINVAL, 2, 0, "duplicate key \"a\" in \"units\"");
	load_bad(
		"{\"benchmarks\": [{\"match\": \"A\", \"threshold\": \"1%\"},\n"
		"  {\"match\": \"B\",\n   \"match\": \"C\"}]}",
		CSTAT_EINVAL, 3, 0,
		"duplicate key \"match\" in \"benchmarks\"[1]");
	load_bad("{\n\"units\": {\"B/op\": {\"colour\": \"x\"}}}", CSTAT_EINVAL,
		 2, 0, "unknown key \"colour\" in \"units\" entry \"B/op\"");
	load_bad("{\"benchmarks\": [\n"
		 "  {\"match\": \"A\", \"threshold\": \"1%\"},\n"
		 "  {\"match\": \"B\", \"threshold\": \"1%\"},\n"
		 "  {\"match\": \"C\", \"threshold\": \"1%\",\n"
		 "   \"x\": 1}]}",
		 CSTAT_EINVAL, 5, 0, "unknown key \"x\" in \"benchmarks\"[2]");
}

/*
 * A units object of n keys "uI/op", one a line from line 2, whose last key
 * is written as dup_of's instead (n when none).  The caller frees it.
 */
static char *
units_config(size_t n, size_t dup_of, size_t *len)
{
	size_t cap = 32 + n * 48, at = 0;
	char *s = malloc(cap);

	assert_non_null(s);
	at += (size_t)snprintf(s, cap, "{\"units\": {\n");
	for (size_t i = 0; i < n; i++)
		at += (size_t)snprintf(
			s + at, cap - at,
			"%s\"u%zu/op\": {\"better\": \"higher\"}\n",
			i ? "," : "", i == n - 1 && dup_of < n ? dup_of : i);
	at += (size_t)snprintf(s + at, cap - at, "}}\n");
	*len = at;
	return s;
}

/*
 * Duplicate keys at scale: the check sorts a copy of the keys (it used to
 * compare every pair: 40,000 units took 6 s), and must still name the
 * first member that repeats an earlier key, at its own line.
 */
static void
test_gate_config_load_duplicate_keys_at_scale(void **state)
{
	(void)state;
	const size_t n = 40000;
	struct cstat_diag d = {0};
	cstat_gate_config *c = new_config();
	size_t len;
	char *json = units_config(n, n, &len);

	/* 40,000 distinct keys load, every one applied. */
	assert_int_equal(
		cstat_gate_config_load_mem(c, json, len, "big.json", &d), 0);
	assert_int_equal(c->nbetters, n);
	cstat_gate_config_free(c);
	free(json);

	/* The last of 40,000 keys repeats the 8th: line n + 1 names it. */
	c = new_config();
	json = units_config(n, 7, &len);
	assert_int_equal(
		cstat_gate_config_load_mem(c, json, len, "big.json", &d),
		CSTAT_EINVAL);
	assert_int_equal(d.line, n + 1);
	assert_string_equal(d.message, "duplicate key \"u7/op\" in \"units\"");
	cstat_gate_config_free(c);
	free(json);

	/* Of two repeated keys, the one met first in the file is named, not
	 * the one that sorts first. */
	load_bad("{\"units\": {\"b\": {},\n \"a\": {},\n \"b\": {},\n"
		 " \"a\": {}}}",
		 CSTAT_EINVAL, 3, 0, "duplicate key \"b\" in \"units\"");
	load_bad("{\"units\": {\"x\": {}, \"y\": {},\n \"z\": {}, \"x\": {},\n"
		 " \"x\": {}}}",
		 CSTAT_EINVAL, 2, 0, "duplicate key \"x\" in \"units\"");
}

static void
test_gate_config_load_wrong_types(void **state)
{
	(void)state;
	load_bad("{\"version\": \"1\"}", CSTAT_EINVAL, 1, 0,
		 "\"version\" must be a number");
	load_bad("{\n\"alpha\": \"0.01\"}", CSTAT_EINVAL, 2, 0,
		 "\"alpha\" must be a number");
	load_bad("{\"confidence\": null}", CSTAT_EINVAL, 1, 0,
		 "\"confidence\" must be a number");
	load_bad("{\"correction\": 1}", CSTAT_EINVAL, 1, 0,
		 "\"correction\" must be a string");
	load_bad("{\"threshold\": 5}", CSTAT_EINVAL, 1, 0,
		 "\"threshold\" must be a string");
	load_bad("{\"classes\": []}", CSTAT_EINVAL, 1, 0,
		 "\"classes\" must be an object");
	load_bad("{\"classes\": {\"time\": 3}}", CSTAT_EINVAL, 1, 0,
		 "\"classes\" entry \"time\" must be a string");
	load_bad("{\"units\": [\"B/op\"]}", CSTAT_EINVAL, 1, 0,
		 "\"units\" must be an object");
	load_bad("{\"units\": {\"B/op\": \"10%\"}}", CSTAT_EINVAL, 1, 0,
		 "\"units\" entry \"B/op\" must be an object");
	load_bad("{\"units\": {\"B/op\": {}}}", CSTAT_EINVAL, 1, 0,
		 "\"units\" entry \"B/op\" sets neither \"threshold\" nor "
		 "\"better\"");
	load_bad("{\"units\": {\"B/op\": {\"threshold\": 0.1}}}", CSTAT_EINVAL,
		 1, 0,
		 "\"threshold\" in \"units\" entry \"B/op\" must be a string");
	load_bad("{\"units\": {\"B/op\": {\"better\": true}}}", CSTAT_EINVAL, 1,
		 0, "\"better\" in \"units\" entry \"B/op\" must be a string");
	load_bad("{\"benchmarks\": {}}", CSTAT_EINVAL, 1, 0,
		 "\"benchmarks\" must be an array");
	load_bad("{\"benchmarks\": [\"Enc*\"]}", CSTAT_EINVAL, 1, 0,
		 "\"benchmarks\"[0] must be an object");
	load_bad("{\"benchmarks\": [{\"match\": [\"A\"], \"threshold\": "
		 "\"1%\"}]}",
		 CSTAT_EINVAL, 1, 0,
		 "\"match\" in \"benchmarks\"[0] must be a string");
	load_bad("{\"benchmarks\": [\n  {\"threshold\": \"1%\"}]}",
		 CSTAT_EINVAL, 2, 0, "\"benchmarks\"[0] has no \"match\"");
	load_bad(
		"{\"benchmarks\": [{\"match\": \"A\", \"threshold\": \"1%\"},\n"
		"  {\"match\": \"B\"}]}",
		CSTAT_EINVAL, 2, 0, "\"benchmarks\"[1] has no \"threshold\"");
	load_bad("{\"ignore\": \"Flaky*\"}", CSTAT_EINVAL, 1, 0,
		 "\"ignore\" must be an array");
	load_bad("{\"ignore\": [\"A\",\n 1]}", CSTAT_EINVAL, 2, 0,
		 "\"ignore\"[1] must be a string");
	load_bad("[{\"alpha\": 0.01}]", CSTAT_EINVAL, 1, 0,
		 "the config must be a JSON object");
	load_bad("\n\"alpha\"", CSTAT_EINVAL, 2, 0,
		 "the config must be a JSON object");
}

static void
test_gate_config_load_bad_values(void **state)
{
	(void)state;
	load_bad("{\"version\": 2}", CSTAT_EINVAL, 1, 0,
		 "unsupported \"version\" 2 (want 1)");
	load_bad("{\n  \"alpha\": 2\n}", CSTAT_EINVAL, 2, 0,
		 "alpha \"2\": want a number between 0 and 1");
	load_bad("{\"confidence\": 95e-2, \"confidence\": 1}", CSTAT_EINVAL, 1,
		 0, "duplicate key \"confidence\"");
	load_bad("{\"confidence\": -0.5}", CSTAT_EINVAL, 1, 0,
		 "confidence \"-0.5\": want a number between 0 and 1");
	load_bad("{\"correction\": \"Holm\"}", CSTAT_EINVAL, 1, 0,
		 "correction \"Holm\": want holm, bh or none");
	/* The default is a plain percentage: rules have their own keys. */
	load_bad("{\"threshold\": \"class:time=3%\"}", CSTAT_EINVAL, 1, 0,
		 "threshold \"class:time=3%\": want a percentage such as 5%");
	load_bad("{\"classes\": {\n  \"time\": \"3%\",\n  \"cpu\": \"5%\"}}",
		 CSTAT_EINVAL, 3, 0,
		 "threshold \"class:cpu=5%\": unknown unit class \"cpu\" (want "
		 "time, memory, allocs, throughput or other)");
	load_bad("{\"classes\": {\"time\": \"3\"}}", CSTAT_EINVAL, 1, 0,
		 "threshold \"class:time=3\": want a percentage such as 5%");
	load_bad("{\"units\": {\"\": {\"threshold\": \"3%\"}}}", CSTAT_EINVAL,
		 1, 0, "threshold \"unit:=3%\": empty unit");
	load_bad("{\"units\": {\"B/op\": {\"better\": \"up\"}}}", CSTAT_EINVAL,
		 1, 0, "better \"B/op=up\": want UNIT=higher or UNIT=lower");
	load_bad("{\"benchmarks\": [{\"match\": \"\", \"threshold\": \"1%\"}]}",
		 CSTAT_EINVAL, 1, 0,
		 "threshold \"bench:=1%\": empty bench: pattern");
	load_bad("{\"benchmarks\": [{\"match\": \"A\", \"unit\": \"B/op\",\n"
		 "  \"class\": \"time\", \"threshold\": \"1%\"}]}",
		 CSTAT_EINVAL, 1, 0,
		 "threshold \"bench:A,unit:B/op,class:time=1%\": a rule "
		 "selects a "
		 "unit or a class, not both");
	load_bad("{\"benchmarks\": [{\"match\": \"A\", \"class\": \"cpu\", "
		 "\"threshold\": \"1%\"}]}",
		 CSTAT_EINVAL, 1, 0,
		 "threshold \"bench:A,class:cpu=1%\": unknown unit class "
		 "\"cpu\" "
		 "(want time, memory, allocs, throughput or other)");
	/* A bad percentage is reported at its own line. */
	load_bad("{\"benchmarks\": [\n  {\"match\": \"A\",\n"
		 "   \"threshold\": \"1\"}]}",
		 CSTAT_EINVAL, 3, 0,
		 "threshold \"bench:A=1\": want a percentage such as 5%");
	load_bad("{\"ignore\": [\n\"\"]}", CSTAT_EINVAL, 2, 0,
		 "ignore \"\": want a pattern of benchmark names");
}

static void
test_gate_config_load_reads_a_file(void **state)
{
	(void)state;
	static const char text[] = "{\n  \"ignore\": [\"Flaky*\"]\n}\n";
	cstat_gate_config *c = new_config();
	struct cstat_diag d = {0};
	char *path = temp_file(text, sizeof(text) - 1), want[64];

	assert_int_equal(cstat_gate_config_load(c, path, &d), 0);
	assert_int_equal(c->nignores, 1);
	snprintf(want, sizeof(want), "%s:2", path);
	assert_string_equal(c->ignores[0].source, want);
	unlink(path);
	free(path);

	/* Errors name the file as given. */
	path = temp_file("{\n\"alpha\": 3}", 13);
	assert_int_equal(cstat_gate_config_load(c, path, &d), CSTAT_EINVAL);
	assert_string_equal(d.file, path);
	assert_int_equal(d.line, 2);
	assert_string_equal(d.message,
			    "alpha \"3\": want a number between 0 and 1");
	unlink(path);
	free(path);

	assert_int_equal(
		cstat_gate_config_load(c, "/nonexistent/cregress.json", &d),
		CSTAT_ENOENT);
	assert_null(d.file);
	assert_int_equal(d.line, 0);
	assert_string_equal(d.message, "open /nonexistent/cregress.json: no "
				       "such file or directory");
	assert_int_equal(cstat_gate_config_load(c, "/", &d), CSTAT_EISDIR);
	assert_null(d.file);
	assert_string_equal(d.message, "read /: is a directory");
	assert_int_equal(cstat_gate_config_load(c, NULL, &d), CSTAT_EINVAL);
	assert_int_equal(cstat_gate_config_load(NULL, "x", &d), CSTAT_EINVAL);
	assert_int_equal(cstat_gate_config_load_mem(c, NULL, 3, "x", &d),
			 CSTAT_EINVAL);
	/* Nothing further was applied. */
	assert_int_equal(c->nignores, 1);
	assert_true(c->alpha == 0.05);
	cstat_gate_config_free(c);
}

static void
test_gate_config_load_mem_needs_no_nul(void **state)
{
	(void)state;
	/* Exactly the bytes given, so valgrind and ASan see a read past
	 * them. */
	char *text = malloc(15);
	cstat_gate_config *c = new_config();
	struct cstat_diag d = {0};

	assert_non_null(text);
	memcpy(text, "{\"alpha\": 0.02}", 15);
	assert_int_equal(cstat_gate_config_load_mem(c, text, 15, NULL, &d), 0);
	assert_true(c->alpha == 0.02);
	assert_int_equal(cstat_gate_config_load_mem(c, text, 14, NULL, &d),
			 CSTAT_ESYNTAX);
	assert_string_equal(d.file, "<memory>");
	assert_int_equal(d.line, 1);
	assert_int_equal(d.column, 15);
	assert_string_equal(
		d.message,
		"invalid JSON: unexpected end of input (want ',' or '}')");
	free(text);
	cstat_gate_config_free(c);
}

/* The fingerprint keys: the default list (the keys the readers give that
 * describe the machine, docs/cregress.md), set by a flag or the file. */
static void
test_gate_config_fingerprint(void **state)
{
	cstat_gate_config *c = new_config();
	struct cstat_diag d;

	(void)state;
	assert_string_equal(cstat_gate_config_fingerprint(c),
			    "cpu,goos,goarch,os,arch,host_name,num_cpus,"
			    "cpu_scaling_enabled");
	set_ok(c, "fingerprint", "cpu,/gomaxprocs");
	assert_string_equal(cstat_gate_config_fingerprint(c),
			    "cpu,/gomaxprocs");
	set_ok(c, "fingerprint", "");
	assert_string_equal(cstat_gate_config_fingerprint(c), "");
	assert_int_equal(
		load(c, "{\"fingerprint\": [\"cpu\", \"host_name\"]}", &d), 0);
	assert_string_equal(cstat_gate_config_fingerprint(c), "cpu,host_name");
	assert_int_equal(load(c, "{\"fingerprint\": []}", &d), 0);
	assert_string_equal(cstat_gate_config_fingerprint(c), "");
	assert_null(cstat_gate_config_fingerprint(NULL));
	cstat_gate_config_free(c);
	static const char msg[] =
		"\": want configuration keys separated by ',' (such as "
		"cpu,goos), or \"\" for none";
	char want[200];
	static const char *const bad[] = {".file", ",cpu", "cpu,,goos", "a b",
					  "cpu:x"};
	for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++) {
		snprintf(want, sizeof(want), "fingerprint \"%s%s", bad[i], msg);
		set_bad("fingerprint", bad[i], want);
	}
	load_bad("{\n\"fingerprint\": \"cpu\"}", CSTAT_EINVAL, 2, 0,
		 "\"fingerprint\" must be an array");
	load_bad("{\"fingerprint\": [\n\"cpu\", 1]}", CSTAT_EINVAL, 2, 0,
		 "\"fingerprint\"[1] must be a key (a string)");
}

/* Globs match with or without go test's -N suffix, and only that. */
static void
test_gate_glob_matches_without_suffix(void **state)
{
	(void)state;
	assert_true(cstat__gate_glob_matches("Encode/*", "Encode/json-8"));
	assert_true(cstat__gate_glob_matches("Encode/json", "Encode/json-8"));
	assert_true(cstat__gate_glob_matches("Encode/json-8", "Encode/json-8"));
	assert_true(cstat__gate_glob_matches("*-8", "Encode/json-8"));
	assert_false(
		cstat__gate_glob_matches("Encode/json-4", "Encode/json-8"));
	assert_false(cstat__gate_glob_matches("Encode/js", "Encode/json-8"));
	/* Not a suffix: the whole name, a '-' alone, no digits. */
	assert_false(cstat__gate_glob_matches("", "-8"));
	assert_false(cstat__gate_glob_matches("A", "A-"));
	assert_false(cstat__gate_glob_matches("A-", "A-x8"));
	/* Long names take the allocating path. */
	char name[600], pat[600];
	memset(name, 'x', 500);
	memcpy(name + 500, "-16", 4);
	memcpy(pat, name, 500);
	pat[500] = '\0';
	assert_true(cstat__gate_glob_matches(pat, name));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_gate_config_new_has_the_defaults),
		cmocka_unit_test(test_names_are_static_or_null),
		cmocka_unit_test(test_parse_pct_good_and_bad),
		cmocka_unit_test(test_gate_config_set_alpha_and_confidence),
		cmocka_unit_test(test_gate_config_set_correction),
		cmocka_unit_test(test_gate_config_threshold_on),
		cmocka_unit_test(test_gate_config_set_default_threshold),
		cmocka_unit_test(test_gate_config_set_threshold_rules),
		cmocka_unit_test(test_gate_config_set_threshold_rule_errors),
		cmocka_unit_test(test_gate_config_exponent_rule),
		cmocka_unit_test(test_gate_config_set_ignore),
		cmocka_unit_test(test_gate_config_set_better),
		cmocka_unit_test(test_gate_config_set_refuses_unknown_keys),
		cmocka_unit_test(test_gate_rule_for_most_specific_then_last),
		cmocka_unit_test(test_gate_ignored_by_first_match),
		cmocka_unit_test(test_gate_explain_rules_lists_matches),
		cmocka_unit_test(test_gate_config_load_applies_every_key),
		cmocka_unit_test(test_gate_config_load_after_flags_in_order),
		cmocka_unit_test(test_gate_config_load_syntax_errors),
		cmocka_unit_test(
			test_gate_config_load_unknown_and_duplicate_keys),
		cmocka_unit_test(test_gate_config_load_duplicate_keys_at_scale),
		cmocka_unit_test(test_gate_config_load_wrong_types),
		cmocka_unit_test(test_gate_config_load_bad_values),
		cmocka_unit_test(test_gate_config_load_reads_a_file),
		cmocka_unit_test(test_gate_config_load_mem_needs_no_nul),
		cmocka_unit_test(test_gate_config_fingerprint),
		cmocka_unit_test(test_gate_glob_matches_without_suffix),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
