/*
 * gate-config.c - the regression gate's settings: their defaults, one
 * setting at a time as cregress's flags give them (cstat_gate_config_set()),
 * a JSON config file (cstat_gate_config_load()), and the lookups the judge
 * makes for a comparison: which threshold rule applies, whether an ignore
 * pattern leaves it out, and which direction the settings give its unit.
 *
 * The config file is one JSON object.  Every key is optional:
 *
 *   {
 *     "version": 1,
 *     "alpha": 0.05,
 *     "confidence": 0.95,
 *     "correction": "holm",
 *     "threshold": "5%",
 *     "threshold_on": "estimate",
 *     "classes": {"time": "3%", "memory": "10%"},
 *     "units": {
 *       "B/op": {"threshold": "10%"},
 *       "frames/s": {"better": "higher"},
 *       "score": {"threshold": "2%", "better": "higher"}
 *     },
 *     "benchmarks": [
 *       {"match": "Encode*", "threshold": "8%"},
 *       {"match": "Decode/Big*", "unit": "sec/op", "threshold": "4%"},
 *       {"match": "X*", "class": "time", "threshold": "1%"}
 *     ],
 *     "ignore": ["Flaky*", "Experimental*"]
 *   }
 *
 *   version     a number; if present it must be 1.
 *   alpha       a number in (0, 1), as -alpha.
 *   confidence  a number in (0, 1), as -confidence.
 *   correction  "holm", "bh" or "none", as -correction.
 *   threshold_on  "estimate" or "interval", as -threshold-on: whether the
 *               change or its whole confidence interval must pass the
 *               threshold.
 *   threshold   a percentage string: the default threshold.  (A selector
 *               is not allowed here: rules go in classes, units and
 *               benchmarks.)
 *   classes     an object from a unit class name (time, memory, allocs,
 *               throughput, other) to a percentage string: the rule
 *               "class:NAME=PCT".
 *   units       an object from a unit (as cstat prints it, e.g. "sec/op",
 *               "B/op") to an object with "threshold" (a percentage
 *               string: the rule "unit:UNIT=PCT") and/or "better"
 *               ("higher" or "lower": as -better UNIT=DIR).  An entry must
 *               set at least one of them.
 *   benchmarks  an array of objects, each with "match" (a glob of
 *               benchmark names, required), "threshold" (a percentage
 *               string, required), and at most one of "unit" (a unit) and
 *               "class" (a unit class name): the rule
 *               "bench:GLOB[,unit:UNIT|,class:NAME]=PCT".
 *   ignore      an array of globs, as -ignore.
 *   fingerprint an array of configuration keys that describe the machine
 *               ([] for none), as -fingerprint: comparisons match across
 *               them, with a warning when they differ.
 *   exponent    a number >= 0 (or a string such as "+0.1"): the rise of
 *               the scaling exponent allowed (cregress -scaling), as the
 *               rule -threshold exponent=D.
 *
 * Settings apply in the order written, through the same code as
 * cstat_gate_config_set(), so a file and flags mean the same.  A rule, an
 * ignore pattern or a direction from the file records "FILE:LINE" as its
 * source: the line of its value (for a benchmarks entry, of its "match").
 * Nothing is ignored: an unknown key, a key given twice in one object, a
 * value of the wrong type or a bad value is an error naming the file and
 * the line.  On an error, the settings written before it have been applied
 * to the config already (cregress stops anyway).
 *
 * cJSON builds the values but records no positions, so the text is first
 * checked by a strict JSON scanner of our own (jscan.c, RFC 8259), which gives
 * syntax errors an exact line and column and records where every value
 * starts.  cJSON keeps members and elements in the order written, so the
 * scanner's values (in document order, with subtree sizes) are walked in
 * step with cJSON's tree.
 */
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "gate.h"
#include "jscan.h"
#include "numfmt.h"
#include "units.h"

/* ------------------------------------------------------------------------
 * Names.
 */

static const char *const verdict_names[] = {
	"unchanged",
	"improvement",
	"regression",
	"inconclusive",
};

static const char *const correction_names[] = {"holm", "bh", "none"};

static const char *const threshold_on_names[] = {"estimate", "interval"};

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

const char *
cstat_verdict_name(int verdict)
{
	if (verdict < 0 || (size_t)verdict >= COUNT(verdict_names))
		return NULL;
	return verdict_names[verdict];
}

const char *
cstat_correction_name(int correction)
{
	if (correction < 0 || (size_t)correction >= COUNT(correction_names))
		return NULL;
	return correction_names[correction];
}

const char *
cstat__gate_threshold_on_name(int on)
{
	if (on < 0 || (size_t)on >= COUNT(threshold_on_names))
		return NULL;
	return threshold_on_names[on];
}

/* The index of the len bytes at s in names, or -1. */
static int
name_index(const char *s, size_t len, const char *const *names, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (strlen(names[i]) == len && memcmp(names[i], s, len) == 0)
			return (int)i;
	return -1;
}

/* ------------------------------------------------------------------------
 * Numbers and percentages.
 */

static bool
is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/*
 * Whether the len bytes at s are a plain decimal number: an optional sign,
 * digits with an optional fraction, and an optional exponent.  Go's
 * ParseFloat alone would also take '_', hex, "inf" and "nan".
 */
static bool
is_decimal(const char *s, size_t len)
{
	size_t i = 0, digits = 0, exp_digits = 0;

	if (i < len && (s[i] == '+' || s[i] == '-'))
		i++;
	for (; i < len && is_digit(s[i]); i++)
		digits++;
	if (i < len && s[i] == '.')
		for (i++; i < len && is_digit(s[i]); i++)
			digits++;
	if (!digits)
		return false;
	if (i < len && (s[i] == 'e' || s[i] == 'E')) {
		i++;
		if (i < len && (s[i] == '+' || s[i] == '-'))
			i++;
		for (; i < len && is_digit(s[i]); i++)
			exp_digits++;
		if (!exp_digits)
			return false;
	}
	return i == len;
}

/*
 * Parses the decimal number that is the len bytes at s (followed by a byte
 * that cannot continue a number, such as '%' or the NUL).
 * @return whether it is a finite decimal number.
 */
static bool
parse_decimal(const char *s, size_t len, double *out)
{
	double v;

	/* Go's parser, not strtod(), which follows the program's locale
	 * ("0.01" stops at the '.' under de_DE); on a plain decimal number
	 * it is correctly rounded too. */
	if (!is_decimal(s, len) || cstat__parse_float(s, len, &v) != 0)
		return false;
	if (!isfinite(v))
		return false;
	*out = v;
	return true;
}

int
cstat__parse_pct(const char *s, double *out)
{
	double v;

	if (!s)
		return CSTAT_EINVAL;
	size_t len = strlen(s);
	if (len < 2 || s[len - 1] != '%' || s[0] == '-')
		return CSTAT_EINVAL;
	if (!parse_decimal(s, len - 1, &v) || v < 0)
		return CSTAT_EINVAL;
	*out = v / 100;
	return 0;
}

/* ------------------------------------------------------------------------
 * The settings object.
 */

int
cstat_gate_config_new(cstat_gate_config **out)
{
	if (!out)
		return CSTAT_EINVAL;
	*out = NULL;
	cstat_gate_config *c = calloc(1, sizeof(*c));
	if (!c)
		return CSTAT_ENOMEM;
	c->max_size = CSTAT_DEFAULT_MAX_CONFIG;
	c->alpha = 0.05;
	c->confidence = 0.95;
	c->correction = CSTAT_CORRECTION_HOLM;
	c->threshold = 0.05;
	c->noise_alpha = 0.005;
	c->exponent_rise = CSTAT__EXPONENT_RISE;
	c->threshold_source = strdup("default");
	c->exponent_source = strdup("default");
	if (!c->threshold_source || !c->exponent_source) {
		free(c->threshold_source);
		free(c->exponent_source);
		free(c);
		return CSTAT_ENOMEM;
	}
	*out = c;
	return 0;
}

void
cstat_gate_config_free(cstat_gate_config *c)
{
	if (!c)
		return;
	for (size_t i = 0; i < c->nrules; i++) {
		free(c->rules[i].bench);
		free(c->rules[i].unit);
		free(c->rules[i].text);
		free(c->rules[i].source);
	}
	free(c->rules);
	for (size_t i = 0; i < c->nignores; i++) {
		free(c->ignores[i].pattern);
		free(c->ignores[i].source);
	}
	free(c->ignores);
	for (size_t i = 0; i < c->nbetters; i++) {
		free(c->betters[i].unit);
		free(c->betters[i].source);
	}
	free(c->betters);
	cstat__gate_noise_release(c);
	free(c->threshold_source);
	free(c->exponent_source);
	free(c->exponent_text);
	free(c->fingerprint);
	free(c);
}

/* Where a setting's messages point: a config file's line, or nowhere for
 * a flag (file NULL, line 0). */
struct origin {
	const char *file;
	unsigned long line;
	struct cstat_diag *d;
};

static int fail(const struct origin *o, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Describes a bad setting in o->d. @return CSTAT_EINVAL. */
static int
fail(const struct origin *o, const char *fmt, ...)
{
	char msg[sizeof(((struct cstat_diag *)0)->message)];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	cstat__diag_set(o->d, o->file, o->line, 0, "%s", msg);
	return CSTAT_EINVAL;
}

/* A copy of the source the next setting records; NULL when out of memory. */
static char *
source_dup(const cstat_gate_config *c)
{
	return strdup(c->cur_source ? c->cur_source : "flag");
}

/* Copies the len bytes at s, or gives NULL for a NULL s. */
static int
dup_span(const char *s, size_t len, char **out)
{
	*out = NULL;
	if (!s)
		return 0;
	*out = strndup(s, len);
	return *out ? 0 : CSTAT_ENOMEM;
}

/* alpha and confidence: a number strictly between 0 and 1. */
static int
set_fraction(const char *key, const char *value, double *dst,
	     const struct origin *o)
{
	double v;

	if (!parse_decimal(value, strlen(value), &v) || !(v > 0 && v < 1))
		return fail(o, "%s \"%s\": want a number between 0 and 1", key,
			    value);
	*dst = v;
	return 0;
}

static int
set_correction(cstat_gate_config *c, const char *value, const struct origin *o)
{
	int k = name_index(value, strlen(value), correction_names,
			   COUNT(correction_names));

	if (k < 0)
		return fail(o, "correction \"%s\": want holm, bh or none",
			    value);
	c->correction = k;
	return 0;
}

static int
set_threshold_on(cstat_gate_config *c, const char *value,
		 const struct origin *o)
{
	int k = name_index(value, strlen(value), threshold_on_names,
			   COUNT(threshold_on_names));

	if (k < 0)
		return fail(o, "threshold_on \"%s\": want estimate or interval",
			    value);
	c->threshold_on = k;
	return 0;
}

static int
set_default_threshold(cstat_gate_config *c, const char *value,
		      const struct origin *o)
{
	double v;

	if (cstat__parse_pct(value, &v))
		return fail(o,
			    "threshold \"%s\": want a percentage such as 5%%",
			    value);
	char *src = source_dup(c);
	if (!src)
		return CSTAT_ENOMEM;
	free(c->threshold_source);
	c->threshold_source = src;
	c->threshold = v;
	return 0;
}

/* A rule's selector as written: each part NULL when absent. */
struct selector {
	const char *bench, *unit, *cls;
	size_t bench_len, unit_len, cls_len;
};

/*
 * Adds the rule sel=pct, written as text.  Both the flags and the config
 * file come here, so both are checked alike.
 */
static int
add_rule(cstat_gate_config *c, const struct selector *sel, const char *pct,
	 const char *text, const struct origin *o)
{
	struct cstat__rule r = {.cls = -1};

	if (sel->bench && !sel->bench_len)
		return fail(o, "threshold \"%s\": empty bench: pattern", text);
	if (sel->unit && !sel->unit_len)
		return fail(o, "threshold \"%s\": empty unit", text);
	if (sel->unit && sel->cls)
		return fail(o,
			    "threshold \"%s\": a rule selects a unit or a "
			    "class, not both",
			    text);
	if (sel->cls) {
		r.cls = cstat__unit_class_named(sel->cls, sel->cls_len);
		if (r.cls < 0)
			return fail(o,
				    "threshold \"%s\": unknown unit class "
				    "\"%.*s\" (want time, memory, allocs, "
				    "throughput or other)",
				    text, (int)sel->cls_len, sel->cls);
	}
	if (cstat__parse_pct(pct, &r.threshold))
		return fail(o,
			    "threshold \"%s\": want a percentage such as 5%%",
			    text);
	if (dup_span(sel->bench, sel->bench_len, &r.bench) ||
	    dup_span(sel->unit, sel->unit_len, &r.unit) ||
	    !(r.text = strdup(text)) || !(r.source = source_dup(c)) ||
	    cstat__grow((void **)&c->rules, &c->rules_cap, c->nrules + 1,
			sizeof(*c->rules)))
		goto out_nomem;
	c->rules[c->nrules++] = r;
	return 0;

out_nomem:
	free(r.bench);
	free(r.unit);
	free(r.text);
	free(r.source);
	return CSTAT_ENOMEM;
}

/* The length of the selector prefix ("bench:", "unit:", "class:") that
 * the bytes [p, end) start with, or 0. */
static size_t
part_prefix(const char *p, const char *end)
{
	static const char *const prefixes[] = {"bench:", "unit:", "class:"};

	for (size_t i = 0; i < COUNT(prefixes); i++) {
		size_t n = strlen(prefixes[i]);
		if ((size_t)(end - p) >= n && memcmp(p, prefixes[i], n) == 0)
			return n;
	}
	return 0;
}

/* Splits the selector [p, end) of the threshold value into sel. */
static int
parse_selector(const char *value, const char *p, const char *end,
	       struct selector *sel, const struct origin *o)
{
	memset(sel, 0, sizeof(*sel));
	for (;;) {
		/* Every ',' separates parts, so a misspelt part after a glob
		 * is an error rather than a longer glob ('?' matches a comma
		 * in a name). */
		const char *q = memchr(p, ',', (size_t)(end - p));
		if (!q)
			q = end;
		size_t n = part_prefix(p, q), len = (size_t)(q - p) - n;
		const char **slot = NULL;
		size_t *slot_len = NULL;

		if (q == p)
			return fail(o, "threshold \"%s\": empty selector",
				    value);
		if (n && p[0] == 'b')
			slot = &sel->bench, slot_len = &sel->bench_len;
		else if (n && p[0] == 'u')
			slot = &sel->unit, slot_len = &sel->unit_len;
		else if (n)
			slot = &sel->cls, slot_len = &sel->cls_len;
		else
			return fail(o,
				    "threshold \"%s\": unknown selector "
				    "\"%.*s\" (want bench:GLOB, class:NAME "
				    "or unit:UNIT)",
				    value, (int)(q - p), p);
		if (*slot)
			return fail(o,
				    "threshold \"%s\": more than one %.*s "
				    "selector",
				    value, (int)n, p);
		*slot = p + n;
		*slot_len = len;
		if (q == end)
			return 0;
		p = q + 1;
	}
}

/*
 * The exponent rule "exponent=D" (D a number >= 0, "+" allowed: "+0.1"):
 * how much a family's scaling exponent k may rise before the gate calls
 * it a regression.  One value for every family; the last one given wins.
 */
static int
set_exponent(cstat_gate_config *c, const char *value, const char *rise,
	     const struct origin *o)
{
	double v;
	char *text, *src;

	if (!parse_decimal(rise, strlen(rise), &v) || v < 0 || rise[0] == '-')
		return fail(o,
			    "threshold \"%s\": want exponent=D, D the rise "
			    "of the scaling exponent allowed, a number >= 0 "
			    "such as 0.1",
			    value);
	text = strdup(value);
	src = source_dup(c);
	if (!text || !src) {
		free(text);
		free(src);
		return CSTAT_ENOMEM;
	}
	free(c->exponent_text);
	free(c->exponent_source);
	c->exponent_text = text;
	c->exponent_source = src;
	c->exponent_rise = v;
	return 0;
}

static int
set_threshold(cstat_gate_config *c, const char *value, const struct origin *o)
{
	const char *eq = strrchr(value, '=');
	struct selector sel;
	int rc;

	if (strncmp(value, "exponent=", 9) == 0)
		return set_exponent(c, value, value + 9, o);
	if (!eq)
		return set_default_threshold(c, value, o);
	rc = parse_selector(value, value, eq, &sel, o);
	if (rc)
		return rc;
	return add_rule(c, &sel, eq + 1, value, o);
}

static int
set_ignore(cstat_gate_config *c, const char *value, const struct origin *o)
{
	struct cstat__ignore ig;

	if (!*value)
		return fail(o, "ignore \"\": want a pattern of benchmark "
			       "names");
	ig.pattern = strdup(value);
	ig.source = source_dup(c);
	if (!ig.pattern || !ig.source ||
	    cstat__grow((void **)&c->ignores, &c->ignores_cap, c->nignores + 1,
			sizeof(*c->ignores))) {
		free(ig.pattern);
		free(ig.source);
		return CSTAT_ENOMEM;
	}
	c->ignores[c->nignores++] = ig;
	return 0;
}

static int
set_better(cstat_gate_config *c, const char *value, const struct origin *o)
{
	const char *eq = strrchr(value, '=');
	struct cstat__better b;

	if (!eq || eq == value ||
	    (strcmp(eq + 1, "higher") != 0 && strcmp(eq + 1, "lower") != 0))
		return fail(o, "better \"%s\": want UNIT=higher or UNIT=lower",
			    value);
	b.higher = strcmp(eq + 1, "higher") == 0;
	b.unit = strndup(value, (size_t)(eq - value));
	b.source = source_dup(c);
	if (!b.unit || !b.source ||
	    cstat__grow((void **)&c->betters, &c->betters_cap, c->nbetters + 1,
			sizeof(*c->betters))) {
		free(b.unit);
		free(b.source);
		return CSTAT_ENOMEM;
	}
	c->betters[c->nbetters++] = b;
	return 0;
}

/*
 * The fingerprint keys, comma-separated ("" for none).  A key is a
 * configuration key or a name key ("/gomaxprocs"): not a projection of
 * its own (".file") and without spaces or ':', which no key has.
 */
static int
set_fingerprint(cstat_gate_config *c, const char *value, const struct origin *o)
{
	for (const char *p = value; *p;) {
		size_t n = strcspn(p, ",");
		if (!n || p[0] == '.' || strcspn(p, " \t:") < n)
			return fail(o,
				    "fingerprint \"%s\": want configuration "
				    "keys separated by ',' (such as "
				    "cpu,goos), or \"\" for none",
				    value);
		p += n + (p[n] == ',');
	}
	char *v = strdup(value);
	if (!v)
		return CSTAT_ENOMEM;
	free(c->fingerprint);
	c->fingerprint = v;
	return 0;
}

const char *
cstat_gate_config_fingerprint(const cstat_gate_config *c)
{
	if (!c)
		return NULL;
	return c->fingerprint ? c->fingerprint : CSTAT_DEFAULT_FINGERPRINT;
}

/* cstat_gate_config_set(), with messages pointing at o. */
static int
config_set(cstat_gate_config *c, const char *key, const char *value,
	   const struct origin *o)
{
	if (strcmp(key, "alpha") == 0)
		return set_fraction(key, value, &c->alpha, o);
	if (strcmp(key, "confidence") == 0)
		return set_fraction(key, value, &c->confidence, o);
	if (strcmp(key, "correction") == 0)
		return set_correction(c, value, o);
	if (strcmp(key, "threshold") == 0)
		return set_threshold(c, value, o);
	if (strcmp(key, "threshold_on") == 0)
		return set_threshold_on(c, value, o);
	if (strcmp(key, "ignore") == 0)
		return set_ignore(c, value, o);
	if (strcmp(key, "better") == 0)
		return set_better(c, value, o);
	if (strcmp(key, "noise-alpha") == 0)
		return set_fraction(key, value, &c->noise_alpha, o);
	if (strcmp(key, "fingerprint") == 0)
		return set_fingerprint(c, value, o);
	return fail(o, "unknown setting \"%s\"", key);
}

int
cstat_gate_config_set(cstat_gate_config *c, const char *key, const char *value,
		      struct cstat_diag *d)
{
	struct origin o = {NULL, 0, d};

	if (!c || !key || !value)
		return fail(&o, "invalid argument");
	return config_set(c, key, value, &o);
}

/* ------------------------------------------------------------------------
 * Lookups.
 */

/* How specific a rule is: bench+unit 5, bench+class 4, bench 3, unit 2,
 * class 1. */
static int
rule_rank(const struct cstat__rule *r)
{
	if (r->bench)
		return r->unit ? 5 : r->cls >= 0 ? 4 : 3;
	return r->unit ? 2 : r->cls >= 0 ? 1 : 0;
}

bool
cstat__gate_glob_matches(const char *pattern, const char *name)
{
	char small[256];
	size_t n = strlen(name), k = n;

	if (fnmatch(pattern, name, 0) == 0)
		return true;
	/* The "-N" suffix go test adds: digits after a '-', not the whole
	 * name. */
	while (k > 0 && name[k - 1] >= '0' && name[k - 1] <= '9')
		k--;
	if (k == n || k < 2 || name[k - 1] != '-')
		return false;
	k--;
	char *copy = k < sizeof(small) ? small : strndup(name, k);
	if (!copy)
		return false;
	if (copy == small) {
		memcpy(small, name, k);
		small[k] = '\0';
	}
	bool m = fnmatch(pattern, copy, 0) == 0;
	if (copy != small)
		free(copy);
	return m;
}

static bool
rule_matches(const struct cstat__rule *r, const char *name, const char *unit,
	     int cls)
{
	if (r->bench && (!name || !cstat__gate_glob_matches(r->bench, name)))
		return false;
	if (r->unit && (!unit || strcmp(r->unit, unit) != 0))
		return false;
	return r->cls < 0 || r->cls == cls;
}

long
cstat__gate_rule_for(const cstat_gate_config *c, const char *name,
		     const char *unit, int cls)
{
	long best = -1;
	int best_rank = 0;

	for (size_t i = 0; i < c->nrules; i++) {
		const struct cstat__rule *r = &c->rules[i];
		int rank = rule_rank(r);
		/* ">=": the last among equally specific rules wins. */
		if (rank >= best_rank && rule_matches(r, name, unit, cls)) {
			best = (long)i;
			best_rank = rank;
		}
	}
	return best;
}

const struct cstat__ignore *
cstat__gate_ignored_by(const cstat_gate_config *c, const char *name)
{
	if (!name)
		return NULL;
	for (size_t i = 0; i < c->nignores; i++)
		if (cstat__gate_glob_matches(c->ignores[i].pattern, name))
			return &c->ignores[i];
	return NULL;
}

int
cstat__gate_better(const cstat_gate_config *c, const char *unit,
		   const char **source)
{
	if (source)
		*source = NULL;
	if (!unit)
		return -1;
	for (size_t i = c->nbetters; i-- > 0;) {
		if (strcmp(c->betters[i].unit, unit) == 0) {
			if (source)
				*source = c->betters[i].source;
			return c->betters[i].higher ? 1 : 0;
		}
	}
	return -1;
}

/*
 * Writes, for example:
 *
 *   "  rules that match, most specific first (* applies):\n"
 *   "  * bench:Encode*,unit:sec/op=8%   (cregress.json:12)\n"
 *   "    class:time=3%   (flag)\n"
 *   "    default threshold 5%   (default)\n"
 *
 * Rules go by rank, then the later first; the default comes last.
 */
int
cstat__gate_explain_rules(const cstat_gate_config *c, const char *name,
			  const char *unit, int cls, FILE *out)
{
	long applied = cstat__gate_rule_for(c, name, unit, cls);
	char pct[40];

	if (fprintf(out,
		    "  rules that match, most specific first (* applies):\n") <
	    0)
		return CSTAT_EIO;
	for (int rank = 5; rank >= 1; rank--) {
		for (size_t i = c->nrules; i-- > 0;) {
			const struct cstat__rule *r = &c->rules[i];
			if (rule_rank(r) != rank ||
			    !rule_matches(r, name, unit, cls))
				continue;
			if (fprintf(out, "  %c %s   (%s)\n",
				    (long)i == applied ? '*' : ' ', r->text,
				    r->source) < 0)
				return CSTAT_EIO;
		}
	}
	cstat__fmt_c(pct, sizeof(pct), "%g", c->threshold * 100);
	if (fprintf(out, "  %c default threshold %s%%   (%s)\n",
		    applied < 0 ? '*' : ' ', pct, c->threshold_source) < 0)
		return CSTAT_EIO;
	return 0;
}

/* ------------------------------------------------------------------------
 * Applying a parsed config.
 */

struct walk {
	cstat_gate_config *c;
	const char *name;
	const char *data;
	const struct cstat__jnode *nodes;
	struct cstat__buf src; /* "NAME:LINE", the current source */
	struct cstat__buf tmp; /* text built for a setting */
	struct cstat_diag *d;
};

/* Where the context of a message goes: ` in "units" entry "B/op"`. */
#define WHERE_SIZE 320

static int walk_fail(const struct walk *w, unsigned long line, const char *fmt,
		     ...) __attribute__((format(printf, 3, 4)));

/* Reports a bad config at line. @return CSTAT_EINVAL. */
static int
walk_fail(const struct walk *w, unsigned long line, const char *fmt, ...)
{
	char msg[sizeof(((struct cstat_diag *)0)->message)];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	cstat__diag_set(w->d, w->name, line, 0, "%s", msg);
	return CSTAT_EINVAL;
}

/* Makes line the source of the next setting and of its messages. */
static int
walk_at(struct walk *w, unsigned long line, struct origin *o)
{
	w->src.len = 0;
	if (cstat__buf_printf(&w->src, "%s:%lu", w->name, line))
		return CSTAT_ENOMEM;
	w->c->cur_source = w->src.data;
	*o = (struct origin){w->name, line, w->d};
	return 0;
}

/* Fills w->tmp with the text of node i as written (for numbers). */
static int
walk_raw(struct walk *w, size_t i)
{
	const struct cstat__jnode *n = &w->nodes[i];

	w->tmp.len = 0;
	return cstat__buf_add(&w->tmp, w->data + n->off, n->end - n->off);
}

/* A member of an object, for finding keys written twice. */
struct key_ref {
	const char *name;
	size_t order; /* its place among the object's members */
	size_t node;  /* its value's node, for the line */
};

/* Orders members by key, then in the order written. */
static int
cmp_key_ref(const void *a, const void *b)
{
	const struct key_ref *x = a, *y = b;
	int c = strcmp(x->name, y->name);

	if (c)
		return c;
	return (x->order > y->order) - (x->order < y->order);
}

/*
 * Refuses a key written twice in the object at node i, naming the first
 * member (in the order written) whose key an earlier one has, as a reader
 * of the file meets it.  Sorting a copy of the keys keeps this n log n: a
 * config with 40,000 units used to spend seconds comparing every pair.
 * @return 0, CSTAT_EINVAL (described in w->d) or CSTAT_ENOMEM.
 */
static int
check_dups(const struct walk *w, const cJSON *obj, size_t i, const char *where)
{
	size_t n = 0, ki = i + 1, found;
	struct key_ref *keys;
	int rc = 0;

	for (const cJSON *k = obj->child; k; k = k->next)
		n++;
	if (n < 2)
		return 0;
	keys = malloc(n * sizeof(*keys));
	if (!keys)
		return CSTAT_ENOMEM;
	n = 0;
	for (const cJSON *k = obj->child; k;
	     ki += w->nodes[ki].size, k = k->next, n++)
		keys[n] = (struct key_ref){k->string, n, ki};
	qsort(keys, n, sizeof(*keys), cmp_key_ref);
	/* Each member after the first of a run of equal keys repeats one. */
	found = n;
	for (size_t j = 1; j < n; j++)
		if (strcmp(keys[j].name, keys[j - 1].name) == 0 &&
		    (found == n || keys[j].order < keys[found].order))
			found = j;
	if (found < n)
		rc = walk_fail(w, w->nodes[keys[found].node].key_line,
			       "duplicate key \"%s\"%s", keys[found].name,
			       where);
	free(keys);
	return rc;
}

static int
want_string(const struct walk *w, const cJSON *v, size_t i, const char *what)
{
	if (cJSON_IsString(v))
		return 0;
	return walk_fail(w, w->nodes[i].line, "%s must be a string", what);
}

static int
walk_version(struct walk *w, const cJSON *v, size_t i)
{
	int rc;

	if (!cJSON_IsNumber(v))
		return walk_fail(w, w->nodes[i].line,
				 "\"version\" must be a number");
	if (v->valuedouble == 1)
		return 0;
	rc = walk_raw(w, i);
	if (rc)
		return rc;
	return walk_fail(w, w->nodes[i].line,
			 "unsupported \"version\" %s (want 1)", w->tmp.data);
}

/* alpha and confidence: numbers, checked as their flags are. */
static int
walk_number(struct walk *w, const cJSON *v, size_t i)
{
	struct origin o;
	int rc;

	if (!cJSON_IsNumber(v))
		return walk_fail(w, w->nodes[i].line, "\"%s\" must be a number",
				 v->string);
	rc = walk_raw(w, i);
	if (!rc)
		rc = walk_at(w, w->nodes[i].line, &o);
	if (!rc)
		rc = config_set(w->c, v->string, w->tmp.data, &o);
	return rc;
}

static int
walk_correction(struct walk *w, const cJSON *v, size_t i)
{
	struct origin o;
	int rc = want_string(w, v, i, "\"correction\"");

	if (!rc)
		rc = walk_at(w, w->nodes[i].line, &o);
	if (!rc)
		rc = set_correction(w->c, v->valuestring, &o);
	return rc;
}

static int
walk_threshold_on(struct walk *w, const cJSON *v, size_t i)
{
	struct origin o;
	int rc = want_string(w, v, i, "\"threshold_on\"");

	if (!rc)
		rc = walk_at(w, w->nodes[i].line, &o);
	if (!rc)
		rc = set_threshold_on(w->c, v->valuestring, &o);
	return rc;
}

static int
walk_threshold(struct walk *w, const cJSON *v, size_t i)
{
	struct origin o;
	int rc = want_string(w, v, i, "\"threshold\"");

	if (!rc)
		rc = walk_at(w, w->nodes[i].line, &o);
	if (!rc)
		rc = set_default_threshold(w->c, v->valuestring, &o);
	return rc;
}

/* "exponent": a number or a string, as the rule exponent=D. */
static int
walk_exponent(struct walk *w, const cJSON *v, size_t i)
{
	struct origin o;
	int rc;

	if (cJSON_IsNumber(v))
		rc = walk_raw(w, i);
	else if (cJSON_IsString(v)) {
		w->tmp.len = 0;
		rc = cstat__buf_add(&w->tmp, v->valuestring,
				    strlen(v->valuestring) + 1);
	} else
		return walk_fail(w, w->nodes[i].line,
				 "\"exponent\" must be a number or a string");
	if (rc)
		return rc;
	char text[96];
	snprintf(text, sizeof(text), "exponent=%.80s", w->tmp.data);
	rc = walk_at(w, w->nodes[i].line, &o);
	if (!rc)
		rc = set_exponent(w->c, text, text + 9, &o);
	return rc;
}

/* Adds the rule sel=pct from line, its text built from fmt. */
static int walk_rule(struct walk *w, unsigned long line,
		     const struct selector *sel, const char *pct,
		     const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));

static int
walk_rule(struct walk *w, unsigned long line, const struct selector *sel,
	  const char *pct, const char *fmt, ...)
{
	struct origin o;
	va_list ap;
	int n, rc;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	w->tmp.len = 0;
	if (n < 0 || cstat__buf_reserve(&w->tmp, (size_t)n))
		return CSTAT_ENOMEM;
	va_start(ap, fmt);
	vsnprintf(w->tmp.data, (size_t)n + 1, fmt, ap);
	va_end(ap);
	w->tmp.len = (size_t)n;
	rc = walk_at(w, line, &o);
	if (rc)
		return rc;
	return add_rule(w->c, sel, pct, w->tmp.data, &o);
}

static int
walk_classes(struct walk *w, const cJSON *v, size_t i)
{
	size_t ki = i + 1;
	int rc;

	if (!cJSON_IsObject(v))
		return walk_fail(w, w->nodes[i].line,
				 "\"classes\" must be an object");
	rc = check_dups(w, v, i, " in \"classes\"");
	for (const cJSON *k = v->child; k && !rc;
	     ki += w->nodes[ki].size, k = k->next) {
		struct selector sel = {.cls = k->string,
				       .cls_len = strlen(k->string)};
		if (!cJSON_IsString(k))
			return walk_fail(w, w->nodes[ki].line,
					 "\"classes\" entry \"%s\" must be a "
					 "string",
					 k->string);
		rc = walk_rule(w, w->nodes[ki].line, &sel, k->valuestring,
			       "class:%s=%s", k->string, k->valuestring);
	}
	return rc;
}

/* One entry of "units": {"threshold": PCT, "better": DIR}. */
static int
walk_unit_entry(struct walk *w, const cJSON *e, size_t i)
{
	const char *unit = e->string;
	char where[WHERE_SIZE], what[WHERE_SIZE + 16];
	size_t ki = i + 1;
	struct origin o;
	int rc;

	snprintf(where, sizeof(where), " in \"units\" entry \"%s\"", unit);
	if (!cJSON_IsObject(e))
		return walk_fail(w, w->nodes[i].line,
				 "\"units\" entry \"%s\" must be an object",
				 unit);
	if (!e->child)
		return walk_fail(w, w->nodes[i].line,
				 "\"units\" entry \"%s\" sets neither "
				 "\"threshold\" nor \"better\"",
				 unit);
	rc = check_dups(w, e, i, where);
	for (const cJSON *k = e->child; k && !rc;
	     ki += w->nodes[ki].size, k = k->next) {
		bool threshold = strcmp(k->string, "threshold") == 0;
		if (!threshold && strcmp(k->string, "better") != 0)
			return walk_fail(w, w->nodes[ki].key_line,
					 "unknown key \"%s\"%s", k->string,
					 where);
		snprintf(what, sizeof(what), "\"%s\"%s", k->string, where);
		rc = want_string(w, k, ki, what);
		if (rc)
			return rc;
		if (threshold) {
			struct selector sel = {.unit = unit,
					       .unit_len = strlen(unit)};
			rc = walk_rule(w, w->nodes[ki].line, &sel,
				       k->valuestring, "unit:%s=%s", unit,
				       k->valuestring);
			continue;
		}
		w->tmp.len = 0;
		rc = cstat__buf_printf(&w->tmp, "%s=%s", unit, k->valuestring);
		if (!rc)
			rc = walk_at(w, w->nodes[ki].line, &o);
		if (!rc)
			rc = set_better(w->c, w->tmp.data, &o);
	}
	return rc;
}

static int
walk_units(struct walk *w, const cJSON *v, size_t i)
{
	size_t ki = i + 1;
	int rc;

	if (!cJSON_IsObject(v))
		return walk_fail(w, w->nodes[i].line,
				 "\"units\" must be an object");
	rc = check_dups(w, v, i, " in \"units\"");
	for (const cJSON *k = v->child; k && !rc;
	     ki += w->nodes[ki].size, k = k->next)
		rc = walk_unit_entry(w, k, ki);
	return rc;
}

/* The keys of a "benchmarks" entry. */
enum { BENCH_MATCH, BENCH_UNIT, BENCH_CLASS, BENCH_THRESHOLD, BENCH_KEYS };

static const char *const bench_keys[BENCH_KEYS] = {"match", "unit", "class",
						   "threshold"};

/* Adds the rule of entry n of "benchmarks" (node i) from its fields. */
static int
bench_rule(struct walk *w, size_t i, size_t n, const cJSON **f,
	   const size_t *at)
{
	struct selector sel = {0};
	const char *pct;
	double v;

	if (!f[BENCH_MATCH] || !f[BENCH_THRESHOLD])
		return walk_fail(w, w->nodes[i].line,
				 "\"benchmarks\"[%zu] has no \"%s\"", n,
				 f[BENCH_MATCH] ? "threshold" : "match");
	sel.bench = f[BENCH_MATCH]->valuestring;
	sel.bench_len = strlen(sel.bench);
	if (f[BENCH_UNIT]) {
		sel.unit = f[BENCH_UNIT]->valuestring;
		sel.unit_len = strlen(sel.unit);
	}
	if (f[BENCH_CLASS]) {
		sel.cls = f[BENCH_CLASS]->valuestring;
		sel.cls_len = strlen(sel.cls);
	}
	pct = f[BENCH_THRESHOLD]->valuestring;
	/* The rule's source is its "match" line; a bad percentage is
	 * reported at its own line. */
	unsigned long line = cstat__parse_pct(pct, &v)
				     ? w->nodes[at[BENCH_THRESHOLD]].line
				     : w->nodes[at[BENCH_MATCH]].line;
	return walk_rule(w, line, &sel, pct, "bench:%s%s%s%s%s=%s", sel.bench,
			 sel.unit ? ",unit:" : "", sel.unit ? sel.unit : "",
			 sel.cls ? ",class:" : "", sel.cls ? sel.cls : "", pct);
}

/* Entry n of "benchmarks", at node i. */
static int
walk_bench_entry(struct walk *w, const cJSON *e, size_t i, size_t n)
{
	const cJSON *f[BENCH_KEYS] = {0};
	size_t at[BENCH_KEYS] = {0}, ki = i + 1;
	char where[64], what[96];
	int rc;

	snprintf(where, sizeof(where), " in \"benchmarks\"[%zu]", n);
	if (!cJSON_IsObject(e))
		return walk_fail(w, w->nodes[i].line,
				 "\"benchmarks\"[%zu] must be an object", n);
	rc = check_dups(w, e, i, where);
	if (rc)
		return rc;
	for (const cJSON *k = e->child; k;
	     ki += w->nodes[ki].size, k = k->next) {
		int j = name_index(k->string, strlen(k->string), bench_keys,
				   BENCH_KEYS);
		if (j < 0)
			return walk_fail(w, w->nodes[ki].key_line,
					 "unknown key \"%s\"%s", k->string,
					 where);
		snprintf(what, sizeof(what), "\"%s\"%s", k->string, where);
		rc = want_string(w, k, ki, what);
		if (rc)
			return rc;
		f[j] = k;
		at[j] = ki;
	}
	return bench_rule(w, i, n, f, at);
}

static int
walk_benchmarks(struct walk *w, const cJSON *v, size_t i)
{
	size_t ki = i + 1, n = 0;
	int rc = 0;

	if (!cJSON_IsArray(v))
		return walk_fail(w, w->nodes[i].line,
				 "\"benchmarks\" must be an array");
	for (const cJSON *e = v->child; e && !rc;
	     ki += w->nodes[ki].size, e = e->next, n++)
		rc = walk_bench_entry(w, e, ki, n);
	return rc;
}

static int
walk_ignore(struct walk *w, const cJSON *v, size_t i)
{
	size_t ki = i + 1, n = 0;
	struct origin o;
	int rc = 0;

	if (!cJSON_IsArray(v))
		return walk_fail(w, w->nodes[i].line,
				 "\"ignore\" must be an array");
	for (const cJSON *e = v->child; e && !rc;
	     ki += w->nodes[ki].size, e = e->next, n++) {
		if (!cJSON_IsString(e))
			return walk_fail(w, w->nodes[ki].line,
					 "\"ignore\"[%zu] must be a string", n);
		rc = walk_at(w, w->nodes[ki].line, &o);
		if (!rc)
			rc = set_ignore(w->c, e->valuestring, &o);
	}
	return rc;
}

/* "fingerprint": an array of keys, [] for none. */
static int
walk_fingerprint(struct walk *w, const cJSON *v, size_t i)
{
	struct cstat__buf list = {0};
	size_t ki = i + 1, n = 0;
	struct origin o;
	int rc = 0;

	if (!cJSON_IsArray(v))
		return walk_fail(w, w->nodes[i].line,
				 "\"fingerprint\" must be an array");
	for (const cJSON *e = v->child; e && !rc;
	     ki += w->nodes[ki].size, e = e->next, n++) {
		if (!cJSON_IsString(e) || !*e->valuestring ||
		    strchr(e->valuestring, ','))
			rc = walk_fail(w, w->nodes[ki].line,
				       "\"fingerprint\"[%zu] must be a key "
				       "(a string)",
				       n);
		else
			rc = cstat__buf_printf(&list, "%s%s", n ? "," : "",
					       e->valuestring);
	}
	if (!rc)
		rc = walk_at(w, w->nodes[i].line, &o);
	if (!rc)
		rc = set_fingerprint(w->c, list.data ? list.data : "", &o);
	cstat__buf_release(&list);
	return rc;
}

static const struct {
	const char *key;
	int (*apply)(struct walk *w, const cJSON *v, size_t i);
} top_keys[] = {
	{"version", walk_version},	   {"alpha", walk_number},
	{"confidence", walk_number},	   {"correction", walk_correction},
	{"threshold", walk_threshold},	   {"threshold_on", walk_threshold_on},
	{"classes", walk_classes},	   {"units", walk_units},
	{"benchmarks", walk_benchmarks},   {"ignore", walk_ignore},
	{"fingerprint", walk_fingerprint}, {"exponent", walk_exponent},
};

/* Applies the top-level object (node 0) in document order. */
static int
walk_top(struct walk *w, const cJSON *root)
{
	size_t ki = 1;
	int rc = check_dups(w, root, 0, "");

	for (const cJSON *k = root->child; k && !rc;
	     ki += w->nodes[ki].size, k = k->next) {
		size_t j = 0;
		while (j < COUNT(top_keys) &&
		       strcmp(top_keys[j].key, k->string))
			j++;
		if (j == COUNT(top_keys))
			return walk_fail(w, w->nodes[ki].key_line,
					 "unknown key \"%s\"", k->string);
		rc = top_keys[j].apply(w, k, ki);
	}
	return rc;
}

int
cstat_gate_config_load_mem(cstat_gate_config *c, const char *data, size_t len,
			   const char *name, struct cstat_diag *d)
{
	struct cstat__jnode *nodes = NULL;
	size_t n = 0;
	cJSON *root;
	int rc;

	if (!c || (!data && len))
		return CSTAT_EINVAL;
	data = data ? data : "";
	name = name ? name : "<memory>";
	rc = cstat__jscan(data, len, name, &nodes, &n, d);
	if (rc)
		goto out_free_nodes;
	if (data[nodes[0].off] != '{') {
		cstat__diag_set(d, name, nodes[0].line, 0,
				"the config must be a JSON object");
		rc = CSTAT_EINVAL;
		goto out_free_nodes;
	}
	/* The scanner is stricter than cJSON (it takes no control bytes,
	 * no "01", no long numbers), so cJSON fails only for memory. */
	root = cstat__json_parse(data, len, NULL);
	if (!root) {
		rc = CSTAT_ENOMEM;
		goto out_free_nodes;
	}
	struct walk w = {
		.c = c, .name = name, .data = data, .nodes = nodes, .d = d};
	const char *saved = c->cur_source;
	rc = walk_top(&w, root);
	c->cur_source = saved;
	cstat__buf_release(&w.src);
	cstat__buf_release(&w.tmp);
	cJSON_Delete(root);
out_free_nodes:
	free(nodes);
	return rc;
}

int
cstat_gate_config_set_max_size(cstat_gate_config *c, size_t max_bytes)
{
	if (!c)
		return CSTAT_EINVAL;
	c->max_size = max_bytes ? max_bytes : CSTAT_DEFAULT_MAX_CONFIG;
	return 0;
}

/*
 * Reads all of fd into *data (*len bytes), up to max bytes (EFBIG past
 * them: cregress -config /dev/zero must end).
 * @return 0 or an errno value.
 */
static int
read_all(int fd, char **data, size_t *len, size_t max)
{
	size_t cap = 0;

	for (;;) {
		if (*len > max)
			return EFBIG;
		if (cstat__grow((void **)data, &cap, *len + 65536, 1))
			return ENOMEM;
		ssize_t got = read(fd, *data + *len, cap - *len);
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0)
			return errno;
		if (got == 0)
			return 0;
		*len += (size_t)got;
	}
}

int
cstat_gate_config_load(cstat_gate_config *c, const char *path,
		       struct cstat_diag *d)
{
	char why[128], *data = NULL;
	size_t len = 0;
	int fd, err, rc;

	if (!c || !path)
		return CSTAT_EINVAL;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		err = errno;
		cstat__errno_text(err, why, sizeof(why));
		cstat__diag_set(d, NULL, 0, 0, "open %s: %s", path, why);
		return cstat__errno_code(err);
	}
	err = read_all(fd, &data, &len, c->max_size);
	close(fd);
	if (err) {
		free(data);
		if (err == ENOMEM)
			return CSTAT_ENOMEM;
		if (err == EFBIG) {
			cstat__diag_set(
				d, NULL, 0, 0,
				"read %s: file too large (over %zu bytes)",
				path, c->max_size);
			return CSTAT_EIO;
		}
		cstat__errno_text(err, why, sizeof(why));
		cstat__diag_set(d, NULL, 0, 0, "read %s: %s", path, why);
		return cstat__errno_code(err);
	}
	rc = cstat_gate_config_load_mem(c, data, len, path, d);
	free(data);
	return rc;
}
