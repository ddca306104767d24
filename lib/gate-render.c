/*
 * gate-render.c - the regression gate's reports.
 *
 * Five formats of the same verdicts: text for a person reading a CI log,
 * GitHub-flavoured Markdown for a pull-request comment or a step summary,
 * JSON for programs, JUnit XML for test dashboards and GitHub Actions
 * workflow commands for annotations.  Every report is written through the
 * one output stream (ostream.h), with the escaping its format needs; the
 * stream keeps the first write error and writes nothing after it, so each
 * function returns 0 or that error once (CSTAT_EIO, or CSTAT_ENOMEM when
 * the buffer or cJSON cannot allocate).  Nothing here needs the tables (g->t):
 * a report is made from the checks, the tallies and the settings alone.
 *
 * The JSON report, schema "cregress/1", is one object:
 *
 *   "schema"       "cregress/1".  Fields may be added under the same name;
 *                  a field that changes meaning or goes away changes it.
 *   "settings"     "alpha", "confidence" (numbers in (0, 1)), "correction"
 *                  ("holm", "bh" or "none"), "threshold" (the default
 *                  threshold as a fraction: 0.05 is 5%), "threshold_on"
 *                  ("estimate" or "interval": what the threshold is
 *                  applied to), "rules" (how many
 *                  threshold rules there are), "comparisons" (how many were
 *                  judged) and "tested" (how many had a U test: the family
 *                  the correction is over); with a history also
 *                  "noise_history" (its name), "noise_runs" (its runs)
 *                  and "noise_alpha".
 *   "summary"      "regression", "improvement", "unchanged", "inconclusive"
 *                  and "ignored" (counts), "status" and "strict_status"
 *                  (the exit status cregress gives without and with
 *                  -strict: 0 or 1).
 *   "comparisons"  one object per comparison, in table, row and column
 *                  order:
 *       "name", "unit", "config"   the row label, the unit and the table's
 *                                  configuration ("k:v k:v", may be "",
 *                                  values trimmed);
 *       "base", "new"              the column labels compared;
 *       "table", "row", "col"      where the comparison is in the tables
 *                                  (0-based; col is the new column);
 *       "verdict"                  "regression", "improvement",
 *                                  "unchanged" or "inconclusive";
 *       "reason"                   why it is inconclusive, else "";
 *       "unit_class"               "time", "memory", "allocs",
 *                                  "throughput" or "other";
 *       "better"                   "lower" or "higher";
 *       "direction_from"           what set the direction ("unit class",
 *                                  "Unit metadata", a config source...);
 *       "exact"                    true when the unit is assume=exact;
 *       "n_base", "n_new"          sample sizes (0 when missing);
 *       "base_center", "new_center" medians in the unit (modes if exact);
 *       "change", "change_lo", "change_hi"  the relative change and its
 *                                  confidence interval, fractions (0.072
 *                                  is +7.2%): the interval of the ratio
 *                                  (log scale), never below -1;
 *       "additive"                 true when the interval is instead that
 *                                  of the difference divided by the base
 *                                  median, because some value is <= 0;
 *       "shift", "shift_lo", "shift_hi"  the Hodges-Lehmann shift and its
 *                                  interval, in the unit;
 *       "p", "p_adjusted", "p_min" the U test's p-value, the p-value after
 *                                  the correction, and the smallest p-value
 *                                  the sample sizes allow;
 *       "threshold"                the threshold that applied, a fraction;
 *       "rule"                     the rule that set it, as written, or
 *                                  "default";
 *       "noise", "noise_spread", "noise_runs"  only with a history
 *                                  (cstat_gate_config_set_history()): the
 *                                  noise-aware threshold (a fraction), the
 *                                  SD of the log run medians it comes from,
 *                                  and the runs (null, null and the runs
 *                                  found when there is none);
 *       "detectable"               only when the gate was calibrated: the
 *                                  least relative change in the worse
 *                                  direction the gate flags with 80%
 *                                  power.
 *   "ignored"      one object per comparison an ignore pattern left out:
 *                  "name", "unit", "config", "pattern", "source".
 *
 * A number that is undefined (NaN or infinite) is written as null, and so
 * is a string the gate left unset.
 */
#include <math.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "gate.h"
#include "numfmt.h"
#include "ostream.h"
#include "units.h"

/* ---------------------------------------------------------------------- */
/* Numbers */

/* Holds any cstat__gate_fmt_change() text: a sign, up to 309 digits of a
 * finite percentage, the point, the decimals and "%". */
#define CHANGE_SIZE 330
/* Holds any cstat__gate_fmt_change_ci() text. */
#define CHANGE_CI_SIZE (3 * CHANGE_SIZE + 8)
/* Holds a percentage such as a threshold, and short numbers. */
#define SMALL_SIZE 64

/*
 * Writes the n strings one after another into buf, cut to size - 1 bytes
 * and terminated, as snprintf("%s%s...") would: the reports join many
 * short pieces per comparison, and stdio's formatting cost more than all
 * the rest of the line.
 */
static void
join(char *buf, size_t size, size_t n, const char *const *parts)
{
	size_t len = 0;

	if (size == 0)
		return;
	for (size_t i = 0; i < n; i++) {
		size_t l = strlen(parts[i]);
		if (l > size - 1 - len)
			l = size - 1 - len;
		memcpy(buf + len, parts[i], l);
		len += l;
	}
	buf[len] = '\0';
}

#define JOIN(buf, size, ...)                                                   \
	join(buf, size,                                                        \
	     sizeof((const char *[]){__VA_ARGS__}) / sizeof(char *),           \
	     (const char *[]){__VA_ARGS__})

/* The decimal digits of v, into buf of at least 21 bytes. */
static const char *
fmt_size(size_t v, char *buf)
{
	char *p = buf + 20;

	*p = '\0';
	do {
		*--p = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	return p;
}

void
cstat__gate_fmt_change(double change, char *buf, size_t size)
{
	char num[CSTAT__GO_FIXED_SIZE(CSTAT__GO_FIXED_MAXPREC)];
	double pct = change * 100, mag = fabs(pct);
	int prec = 1;

	if (size == 0)
		return;
	if (isnan(pct)) {
		snprintf(buf, size, "?");
		return;
	}
	if (isinf(pct)) {
		snprintf(buf, size, "%cInf%%", pct > 0 ? '+' : '-');
		return;
	}
	if (pct == 0) {
		JOIN(buf, size, "0.0%");
		return;
	}
	/*
	 * Below 1% two decimals, and below 0.005% as many as it takes to
	 * show the first significant digit, so that a change that is not
	 * zero never prints as zero.
	 */
	if (mag < 0.995)
		prec = 2;
	if (mag < 0.005) {
		prec = (int)-floor(log10(mag));
		if (prec > CSTAT__GO_FIXED_MAXPREC)
			prec = CSTAT__GO_FIXED_MAXPREC;
	}
	cstat__fmt_go_fixed(num, sizeof(num), mag, prec);
	JOIN(buf, size, pct < 0 ? "-" : "+", num, "%");
}

void
cstat__gate_fmt_change_ci(const struct cstat_check *k, char *buf, size_t size)
{
	char ch[CHANGE_SIZE], lo[CHANGE_SIZE], hi[CHANGE_SIZE];

	if (size == 0)
		return;
	cstat__gate_fmt_change(k->change, ch, sizeof(ch));
	if (isnan(k->change) || isnan(k->change_lo) || isnan(k->change_hi)) {
		snprintf(buf, size, "%s", ch);
		return;
	}
	cstat__gate_fmt_change(k->change_lo, lo, sizeof(lo));
	cstat__gate_fmt_change(k->change_hi, hi, sizeof(hi));
	JOIN(buf, size, ch, " [", lo, ", ", hi, "]",
	     k->additive ? CSTAT__GATE_ADDITIVE_MARK : "");
}

bool
cstat__gate_shows_additive(const struct cstat_check *k)
{
	return k->additive && k->n_base && k->n_new && !isnan(k->change) &&
	       !isnan(k->change_lo) && !isnan(k->change_hi);
}

void
cstat__gate_fmt_value(double v, const char *unit, char *buf, size_t size)
{
	if (size == 0)
		return;
	/* benchstat would print "NaNn" or "+InfT": the prefix means nothing
	 * there. */
	if (isnan(v))
		snprintf(buf, size, "NaN");
	else if (isinf(v))
		snprintf(buf, size, "%cInf", v > 0 ? '+' : '-');
	else
		cstat__scale_format(v, cstat__unit_scaling(unit ? unit : ""),
				    buf, size);
}

/*
 * Formats a fraction as a percentage with up to four decimals and no
 * trailing zeros: 0.05 is "5%", 0.005 is "0.5%", 0.95 is "95%".
 */
static void
fmt_pct(double frac, char *buf, size_t size)
{
	char num[CSTAT__GO_FIXED_SIZE(4)];
	size_t len;

	if (!isfinite(frac)) {
		snprintf(buf, size, "?%%");
		return;
	}
	len = cstat__fmt_go_fixed(num, sizeof(num), frac * 100, 4);
	if (len >= sizeof(num))
		len = sizeof(num) - 1;
	while (len > 0 && num[len - 1] == '0')
		len--;
	if (len > 0 && num[len - 1] == '.')
		len--;
	num[len] = '\0';
	JOIN(buf, size, strcmp(num, "-0") == 0 ? "0" : num, "%");
}

/* Formats a p-value as benchstat does, with three decimals. */
static void
fmt_p(double p, char *buf, size_t size)
{
	if (isnan(p))
		snprintf(buf, size, "?");
	else
		cstat__fmt_go_fixed(buf, size, p, 3);
}

/* ---------------------------------------------------------------------- */
/* The stream and the escapers */

/*
 * Every report is appended to one struct cstat__ostream (ostream.h): it
 * buffers, keeps the first write error and writes nothing after it, so the
 * functions below append without checking and each entry point returns
 * the error once, from cstat__os_close().  What the reports add to the
 * stream's own escapers (HTML, JSON, CSV) stays here: XML for JUnit, the
 * Markdown table cell and GitHub's workflow commands have no other user.
 */

/* What the text added through put() must be escaped for. */
enum esc {
	ESC_NONE,
	ESC_MD,	      /* a GitHub-flavoured Markdown table cell */
	ESC_XML_TEXT, /* XML character data */
	ESC_XML_ATTR, /* an XML attribute value in double quotes */
	ESC_GH_DATA,  /* the message of a workflow command */
	ESC_GH_PROP,  /* a property value of a workflow command */
};

/* A report being written: its stream, and the escaping of put(). */
struct report {
	struct cstat__ostream os;
	enum esc esc;
};

/* The replacement of an ASCII byte in Markdown and workflow commands, or
 * NULL to keep it. */
static const char *
esc_ascii(enum esc e, char ch)
{
	if (e == ESC_MD)
		return cstat__md_escape(ch);
	switch (ch) {
	case '%':
		return "%25";
	case '\r':
		return "%0D";
	case '\n':
		return "%0A";
	case ':':
		return e == ESC_GH_PROP ? "%3A" : NULL;
	case ',':
		return e == ESC_GH_PROP ? "%2C" : NULL;
	default:
		return NULL;
	}
}

/* The replacement of the character c (n bytes of UTF-8) in XML, or NULL to
 * keep it; "" drops it. */
static const char *
esc_xml(bool attr, unsigned long c, size_t n)
{
	switch (c) {
	case '&':
		return "&amp;";
	case '<':
		return "&lt;";
	case '>':
		return "&gt;";
	case '"':
		return "&quot;";
	case '\'':
		return "&apos;";
	/* A parser turns these into spaces in an attribute, unless they are
	 * character references. */
	case '\t':
		return attr ? "&#9;" : NULL;
	case '\n':
		return attr ? "&#10;" : NULL;
	case '\r':
		return attr ? "&#13;" : NULL;
	case 0xfffe:
	case 0xffff:
		return "\xef\xbf\xbd";
	default:
		break;
	}
	if (c < 0x20)
		return ""; /* XML 1.0 has no way to write these at all */
	/* Bytes that are not UTF-8 would make the document ill-formed. */
	if (c == 0xfffd && n == 1)
		return "\xef\xbf\xbd";
	return NULL;
}

/* The replacement of the character at p (its length in *n) for e, or NULL
 * to keep it; "" drops it. */
static const char *
esc_char(enum esc e, const unsigned char *p, size_t len, size_t *n)
{
	unsigned long c = p[0];

	*n = 1;
	if (e == ESC_XML_TEXT || e == ESC_XML_ATTR) {
		if (c >= 0x80)
			*n = cstat__utf8_decode(p, len, &c);
		return esc_xml(e == ESC_XML_ATTR, c, *n);
	}
	if (c >= 0x80) {
		/* Bytes that are not UTF-8 end a GFM table on GitHub: they
		 * become U+FFFD like Go's strings. */
		*n = cstat__utf8_decode(p, len, &c);
		return c == 0xfffd && *n == 1 ? "\xef\xbf\xbd" : NULL;
	}
	return esc_ascii(e, (char)c);
}

/* Adds the len bytes at s escaped for w->esc: the runs that need nothing
 * in one append each. */
static void
putn(struct report *w, const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, run = 0;

	if (w->esc == ESC_NONE) {
		cstat__os_put(&w->os, s, len);
		return;
	}
	while (i < len) {
		size_t n;
		const char *rep = esc_char(w->esc, p + i, len - i, &n);

		if (rep) {
			cstat__os_put(&w->os, s + run, i - run);
			cstat__os_adds(&w->os, rep);
			run = i + n;
		}
		i += n;
	}
	cstat__os_put(&w->os, s + run, len - run);
}

/* Adds s escaped for w->esc; NULL adds nothing. */
static void
put(struct report *w, const char *s)
{
	if (s)
		putn(w, s, strlen(s));
}

/* Adds s as it is, whatever w->esc. */
static void
raws(struct report *w, const char *s)
{
	cstat__os_adds(&w->os, s);
}

/*
 * put() of a short formatted text (numbers and words, never names):
 * formatted first, since the escaping must see the whole text; text that
 * needs no escaping goes through cstat__os_printf() instead.
 */
static void putf(struct report *w, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void
putf(struct report *w, const char *fmt, ...)
{
	char buf[512];
	va_list ap;
	int len;

	va_start(ap, fmt);
	len = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (len < 0) {
		cstat__os_fail(&w->os, CSTAT_EIO);
		return;
	}
	put(w, buf);
}

static const char *
str(const char *s)
{
	return s ? s : "";
}

static const char *
plural(size_t n)
{
	return n == 1 ? "" : "s";
}

/* ---------------------------------------------------------------------- */
/* What every report needs to know about the gate as a whole */

struct ctx {
	const cstat_gate *g;
	bool show_config; /* the comparisons come from several configs */
	bool show_labels; /* more than two column labels: say which pair */
	size_t tested;	  /* the family the correction is over */
	/* With a history: comparisons with a noise-aware threshold, and
	 * those (not exact) without one for want of runs. */
	size_t noise_have, noise_short;
};

static bool
same(const char *a, const char *b)
{
	/* The same pointer first: a table's rows share its strings. */
	return a == b || strcmp(str(a), str(b)) == 0;
}

/* Adds label to the (at most three) distinct labels seen so far. */
static void
see_label(const char **seen, size_t *n, const char *label)
{
	for (size_t i = 0; i < *n; i++)
		if (same(seen[i], label))
			return;
	if (*n < 3)
		seen[(*n)++] = label;
}

static void
ctx_init(struct ctx *x, const cstat_gate *g)
{
	const char *labels[3];
	size_t nlabels = 0;

	memset(x, 0, sizeof(*x));
	x->g = g;
	for (size_t i = 0; i < g->n; i++) {
		const struct cstat_check *k = &g->checks[i];

		/* Compared by their tables' keys: the texts are written only
		 * for the rows a report prints.  A table's checks are
		 * together, and the first check's table is compared once. */
		if (!x->show_config &&
		    (!g->t || i == 0 || k->table != k[-1].table) &&
		    !cstat__gate_same_config(g, k, &g->checks[0]))
			x->show_config = true;
		see_label(labels, &nlabels, k->base_label);
		see_label(labels, &nlabels, k->new_label);
	}
	x->tested = g->family;
	x->show_labels = nlabels > 2;
	for (size_t i = 0; g->c->noise_from && i < g->n; i++) {
		const struct cstat_check *k = &g->checks[i];

		if (!isnan(k->noise))
			x->noise_have++;
		else if (!k->exact)
			x->noise_short++;
	}
}

/*
 * "noise 6.9% from 30 runs", "no noise estimate: 3 runs" when the history
 * has too few, or "" (no history, or an exact unit).
 */
static void
fmt_noise(const cstat_gate *g, const struct cstat_check *k, char *buf,
	  size_t size)
{
	buf[0] = '\0';
	if (!g->c->noise_from)
		return;
	if (!isnan(k->noise))
		snprintf(buf, size, "noise %.*f%% from %zu runs",
			 k->noise < 0.00995 ? 2 : 1, k->noise * 100,
			 k->noise_runs);
	else if (!k->exact)
		snprintf(buf, size, "no noise estimate: %zu run%s",
			 k->noise_runs, k->noise_runs == 1 ? "" : "s");
}

static bool
has_rule(const struct cstat_check *k)
{
	return k->rule && *k->rule && strcmp(k->rule, "default") != 0;
}

static bool
both_sides(const struct cstat_check *k)
{
	return k->n_base > 0 && k->n_new > 0;
}

static const char *
correction_name(int correction)
{
	const char *s = cstat_correction_name(correction);

	return s ? s : "?";
}

/* The comparisons with verdict, as the gate counted them when it decided
 * (a pass over 60,000 comparisons of 272 bytes costs about a millisecond). */
static size_t
count_verdict(const cstat_gate *g, int verdict)
{
	return g->tally[verdict];
}

static void put_exponent_summary(struct report *w, const cstat_gate *g);

/* "2 regressions, 1 improvement, 37 unchanged, 3 inconclusive[, 4
 * ignored]" */
static void
put_summary(struct report *w, const cstat_gate *g)
{
	size_t r = g->tally[CSTAT_REGRESSION], i = g->tally[CSTAT_IMPROVEMENT];

	putf(w,
	     "%zu regression%s, %zu improvement%s, %zu unchanged, %zu "
	     "inconclusive",
	     r, plural(r), i, plural(i), g->tally[CSTAT_UNCHANGED],
	     g->tally[CSTAT_INCONCLUSIVE]);
	if (g->nignored)
		putf(w, ", %zu ignored", g->nignored);
	put_exponent_summary(w, g);
}

/* "alpha 0.05 (holm over 43 comparisons), 95% intervals, threshold 5%
 * unless a rule says otherwise" */
static void
put_settings(struct report *w, const struct ctx *x)
{
	const cstat_gate_config *c = x->g->c;
	char alpha[CSTAT__GO_FLOAT_SIZE], conf[SMALL_SIZE], thr[SMALL_SIZE];

	cstat__fmt_go_float(alpha, c->alpha);
	fmt_pct(c->confidence, conf, sizeof(conf));
	fmt_pct(c->threshold, thr, sizeof(thr));
	if (c->correction == CSTAT_CORRECTION_NONE)
		putf(w, "alpha %s (no correction, %zu tested comparison%s)",
		     alpha, x->tested, plural(x->tested));
	else
		putf(w, "alpha %s (%s over %zu tested comparison%s)", alpha,
		     correction_name(c->correction), x->tested,
		     plural(x->tested));
	putf(w, ", %s intervals, threshold %s%s (applied to the %s)", conf, thr,
	     c->nrules ? " unless a rule says otherwise" : "",
	     c->threshold_on == CSTAT__ON_INTERVAL ? "whole interval"
						   : "estimate");
	if (!c->noise_from)
		return;
	put(w, "; noise-aware thresholds from ");
	put(w, c->noise_from);
	/* A window of a longer history: its whole length is not counted
	 * (that would read the whole file the window spares). */
	if (c->noise_cut)
		putf(w, " (the last %zu of its runs)", c->noise_nruns);
	else
		putf(w, " (%zu run%s)", c->noise_nruns, plural(c->noise_nruns));
	putf(w, " for %zu comparison%s", x->noise_have, plural(x->noise_have));
	if (x->noise_short)
		putf(w, ", none for %zu (fewer than %d runs)", x->noise_short,
		     CSTAT__NOISE_MIN_RUNS);
}

/* Whether any comparison with verdict v (any when v < 0) shows an
 * additive interval. */
static bool
any_additive(const cstat_gate *g, int v)
{
	for (size_t i = 0; i < g->n; i++)
		if ((v < 0 || g->checks[i].verdict == v) &&
		    cstat__gate_shows_additive(&g->checks[i]))
			return true;
	return false;
}

/* The benchmark's name, and its config when there are several. */
static void
put_ident(struct report *w, const struct ctx *x, const struct cstat_check *k)
{
	put(w, str(k->name));
	if (x->show_config && *cstat__gate_config(x->g, k)) {
		put(w, " [");
		put(w, cstat__gate_config(x->g, k));
		put(w, "]");
	}
}

/* "new vs old", the columns compared. */
static void
put_labels(struct report *w, const struct cstat_check *k)
{
	put(w, str(k->new_label));
	put(w, " vs ");
	put(w, str(k->base_label));
}

/* "p=0.000 (adjusted 0.004)", or "p=0.000" without a correction. */
static void
fmt_p_pair(const struct ctx *x, const struct cstat_check *k, char *buf,
	   size_t size)
{
	char p[SMALL_SIZE], adj[SMALL_SIZE];

	fmt_p(k->p, p, sizeof(p));
	if (x->g->c->correction != CSTAT_CORRECTION_NONE &&
	    !isnan(k->p_adjusted)) {
		fmt_p(k->p_adjusted, adj, sizeof(adj));
		JOIN(buf, size, "p=", p, " (adjusted ", adj, ")");
	} else {
		JOIN(buf, size, "p=", p);
	}
}

/* "1.200µ → 1.286µ, +7.2% [+5.9%, +8.4%], p=0.000 (adjusted 0.004),
 * n=10+10"; only "n=10+0" when a side is missing. */
static void
put_numbers(struct report *w, const struct ctx *x, const struct cstat_check *k)
{
	char a[CSTAT__SCALE_SIZE], b[CSTAT__SCALE_SIZE], ch[CHANGE_CI_SIZE];

	if (both_sides(k)) {
		cstat__gate_fmt_value(k->base_center, k->unit, a, sizeof(a));
		cstat__gate_fmt_value(k->new_center, k->unit, b, sizeof(b));
		cstat__gate_fmt_change_ci(k, ch, sizeof(ch));
		put(w, a);
		put(w, " \xe2\x86\x92 ");
		put(w, b);
		put(w, ", ");
		put(w, ch);
		if (cstat__gate_shows_additive(k))
			put(w, " (" CSTAT__GATE_ADDITIVE_NOTE ")");
		put(w, ", ");
		if (!isnan(k->p)) {
			fmt_p_pair(x, k, ch, sizeof(ch));
			put(w, ch);
			put(w, ", ");
		}
	}
	putf(w, "n=%zu+%zu", k->n_base, k->n_new);
}

/* "threshold 5%" and the rule that set it, unless that is the default,
 * and the noise-aware threshold: "threshold 5% (noise 6.9% from 30
 * runs)". */
static void
put_threshold(struct report *w, const struct ctx *x,
	      const struct cstat_check *k)
{
	char thr[CHANGE_SIZE], noise[2 * SMALL_SIZE];

	fmt_pct(k->threshold, thr, sizeof(thr));
	fmt_noise(x->g, k, noise, sizeof(noise));
	put(w, "threshold ");
	put(w, thr);
	if (has_rule(k) || *noise)
		put(w, " (");
	if (has_rule(k))
		put(w, k->rule);
	if (has_rule(k) && *noise)
		put(w, "; ");
	put(w, noise);
	if (has_rule(k) || *noise)
		put(w, ")");
	if (x->g->c->threshold_on == CSTAT__ON_INTERVAL)
		put(w, " on the whole interval");
}

/*
 * One line about a comparison, for annotations and JUnit:
 * "NAME UNIT: 1.200µ → 1.286µ, +7.2% [+5.9%, +8.4%], p=0.000 (adjusted
 * 0.004), n=10+10, threshold 5%", or "NAME UNIT: REASON (NUMBERS)" when
 * inconclusive.  The config follows the name ("NAME [goos:linux]") when
 * there are several, the labels the unit ("UNIT (new vs old)") when there
 * are more than two.
 */
static void
put_describe(struct report *w, const struct ctx *x, const struct cstat_check *k)
{
	put_ident(w, x, k);
	put(w, " ");
	put(w, str(k->unit));
	if (x->show_labels) {
		put(w, " (");
		put_labels(w, k);
		put(w, ")");
	}
	put(w, ": ");
	if (k->verdict == CSTAT_INCONCLUSIVE) {
		put(w, str(k->reason));
		put(w, " (");
		put_numbers(w, x, k);
		put(w, ")");
		return;
	}
	put_numbers(w, x, k);
	put(w, ", ");
	put_threshold(w, x, k);
}

/* ---------------------------------------------------------------------- */
/* Text */

/*
 * The text report lists the comparisons of a section one per line in
 * aligned columns.  A cell is up to five pieces of text printed one after
 * another; the widths are counted in runes.
 */
enum tcol {
	T_NAME,
	T_CONFIG,
	T_LABELS,
	T_UNIT,
	T_BASE,
	T_ARROW,
	T_NEW,
	T_CHANGE,
	T_CI,
	T_P,
	T_N,
	T_THRESH,
	T_REASON,
	T_NCOL
};

/* What goes before each column, and whether it is right-aligned: the
 * groups (name, values, change, ...) are three spaces apart. */
static const struct {
	const char *sep;
	bool right;
} tcols[T_NCOL] = {
	[T_NAME] = {"", false},	     [T_CONFIG] = {" ", false},
	[T_LABELS] = {"   ", false}, [T_UNIT] = {"   ", false},
	[T_BASE] = {"   ", true},    [T_ARROW] = {" ", false},
	[T_NEW] = {" ", true},	     [T_CHANGE] = {"   ", true},
	[T_CI] = {" ", false},	     [T_P] = {"   ", false},
	[T_N] = {"   ", false},	     [T_THRESH] = {"   ", false},
	[T_REASON] = {"   ", false},
};

#define TPARTS 5

struct trow {
	const char *cell[T_NCOL][TPARTS];
	char base[CSTAT__SCALE_SIZE], new_[CSTAT__SCALE_SIZE];
	char change[CHANGE_SIZE], ci[CHANGE_CI_SIZE];
	char p[2 * SMALL_SIZE], n[SMALL_SIZE], thresh[SMALL_SIZE];
	char noise[3 * SMALL_SIZE];
};

/* The noise part of the threshold cell: "; noise 6.9% from 30 runs)"
 * after a rule, " (noise ...)" without one; "" when there is none. */
static void
trow_noise(struct trow *r, const struct ctx *x, const struct cstat_check *k)
{
	char noise[2 * SMALL_SIZE];

	fmt_noise(x->g, k, noise, sizeof(noise));
	r->noise[0] = '\0';
	if (*noise)
		snprintf(r->noise, sizeof(r->noise),
			 has_rule(k) ? "; %s)" : " (%s)", noise);
}

/* The numbers of a row that has both sides: the medians, the change, its
 * interval and the p-values ("" when there are none). */
static void
trow_numbers(struct trow *r, const struct ctx *x, const struct cstat_check *k)
{
	char lo[CHANGE_SIZE], hi[CHANGE_SIZE];

	cstat__gate_fmt_value(k->base_center, k->unit, r->base,
			      sizeof(r->base));
	cstat__gate_fmt_value(k->new_center, k->unit, r->new_, sizeof(r->new_));
	cstat__gate_fmt_change(k->change, r->change, sizeof(r->change));
	r->ci[0] = r->p[0] = '\0';
	if (!isnan(k->change) && !isnan(k->change_lo) && !isnan(k->change_hi)) {
		cstat__gate_fmt_change(k->change_lo, lo, sizeof(lo));
		cstat__gate_fmt_change(k->change_hi, hi, sizeof(hi));
		JOIN(r->ci, sizeof(r->ci), "[", lo, ", ", hi, "]",
		     k->additive ? CSTAT__GATE_ADDITIVE_MARK : "");
	}
	if (!isnan(k->p))
		fmt_p_pair(x, k, r->p, sizeof(r->p));
}

static void
trow_fill(struct trow *r, const struct ctx *x, const struct cstat_check *k)
{
	const char *(*c)[TPARTS] = r->cell;

	memset(r->cell, 0, sizeof(r->cell));
	c[T_NAME][0] = str(k->name);
	if (x->show_config && *cstat__gate_config(x->g, k)) {
		c[T_CONFIG][0] = "[";
		c[T_CONFIG][1] = cstat__gate_config(x->g, k);
		c[T_CONFIG][2] = "]";
	}
	if (x->show_labels) {
		c[T_LABELS][0] = str(k->new_label);
		c[T_LABELS][1] = " vs ";
		c[T_LABELS][2] = str(k->base_label);
	}
	c[T_UNIT][0] = str(k->unit);
	if (both_sides(k)) {
		trow_numbers(r, x, k);
		c[T_BASE][0] = r->base;
		c[T_ARROW][0] = "\xe2\x86\x92";
		c[T_NEW][0] = r->new_;
		c[T_CHANGE][0] = r->change;
		if (!isnan(k->change) && !isnan(k->change_lo) &&
		    !isnan(k->change_hi))
			c[T_CI][0] = r->ci;
		if (!isnan(k->p))
			c[T_P][0] = r->p;
	}
	char nb[21], nn[21];
	JOIN(r->n, sizeof(r->n), "n=", fmt_size(k->n_base, nb), "+",
	     fmt_size(k->n_new, nn));
	c[T_N][0] = r->n;
	if (k->verdict == CSTAT_INCONCLUSIVE) {
		c[T_REASON][0] = str(k->reason);
	} else {
		fmt_pct(k->threshold, r->thresh, sizeof(r->thresh));
		c[T_THRESH][0] = "threshold ";
		c[T_THRESH][1] = r->thresh;
		trow_noise(r, x, k);
		if (has_rule(k)) {
			c[T_THRESH][2] = " (";
			c[T_THRESH][3] = k->rule;
			c[T_THRESH][4] = *r->noise ? r->noise : ")";
		} else if (*r->noise) {
			c[T_THRESH][2] = r->noise;
		}
	}
}

/*
 * cstat__text_width() of s, counting ASCII and two-byte characters below
 * U+0300 (such as the µ of µs) itself, as one column each: no combining
 * or wide character is among them.  Anything else, or bytes that are not
 * well-formed UTF-8, goes to cstat__text_width().
 */
static size_t
text_width(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t len = strlen(s), i = 0, w = 0;
	uint64_t high = 0;

	/* Most strings are ASCII: eight bytes at a time. */
	for (; i + 8 <= len; i += 8) {
		uint64_t word;
		memcpy(&word, p + i, 8);
		high |= word;
	}
	for (; i < len; i++)
		high |= p[i];
	if (!(high & 0x8080808080808080u))
		return len;
	for (i = 0; i < len; w++) {
		if (p[i] < 0x80)
			i++;
		else if (p[i] >= 0xc2 && p[i] <= 0xcb &&
			 (p[i + 1] & 0xc0) == 0x80)
			i += 2;
		else
			return cstat__text_width(s);
	}
	return w;
}

static size_t
cell_width(const char *const *parts)
{
	size_t n = 0;

	for (size_t i = 0; i < TPARTS; i++)
		if (parts[i])
			n += text_width(parts[i]);
	return n;
}

static bool
cell_blank(const char *const *parts)
{
	for (size_t i = 0; i < TPARTS; i++)
		if (parts[i] && *parts[i])
			return false;
	return true;
}

/* Writes row r in columns of the widths (the plain path of
 * text_section()). */
static void
trow_write(struct report *w, const struct trow *r, const size_t *width)
{
	size_t last = 0;
	bool first = true;

	for (size_t col = 0; col < T_NCOL; col++)
		if (!cell_blank(r->cell[col]))
			last = col;
	raws(w, "  ");
	for (size_t col = 0; col <= last; col++) {
		const char *const *parts = r->cell[col];
		size_t pad = width[col] - cell_width(parts);

		if (width[col] == 0)
			continue;
		if (!first)
			raws(w, tcols[col].sep);
		first = false;
		if (tcols[col].right)
			cstat__os_fill(&w->os, ' ', pad);
		for (size_t i = 0; i < TPARTS; i++)
			if (parts[i])
				raws(w, parts[i]);
		if (!tcols[col].right && col < last)
			cstat__os_fill(&w->os, ' ', pad);
	}
	raws(w, "\n");
}

/* ---------------------------------------------------------------------- */
/* The scaling exponents and the data-quality warnings, in every report */

static const char *const warn_kinds[] = {"trend", "modes", "outliers", "noisy",
					 "few"};

/* An exponent with two decimals ("1.02"; with sign set "+0.31"), or
 * "-inf"/"inf", or "?" for NaN. */
static void
fmt_k(double v, bool sign, char *buf, size_t size)
{
	if (isnan(v))
		snprintf(buf, size, "?");
	else if (isinf(v))
		snprintf(buf, size, "%s", v < 0 ? "-inf" : "inf");
	else
		cstat__fmt_c(buf, size, sign ? "%+.2f" : "%.2f",
			     fabs(v) < 0.005 ? 0.0 : v);
}

/* "1.02 [0.98, 1.05]" */
static void
fmt_fit(const struct cstat_scaling_fit *f, char *buf, size_t size)
{
	char k[SMALL_SIZE], lo[SMALL_SIZE], hi[SMALL_SIZE];

	fmt_k(f->k, false, k, sizeof(k));
	fmt_k(f->lo, false, lo, sizeof(lo));
	fmt_k(f->hi, false, hi, sizeof(hi));
	if (isnan(f->k))
		snprintf(buf, size, "?");
	else
		snprintf(buf, size, "%s [%s, %s]", k, lo, hi);
}

/* "k 1.02 [0.98, 1.05] -> 2.01 [1.97, 2.05], change +0.99 [+0.92,
 * +1.07]" */
static void
put_exponent(struct report *w, const struct cstat_scaling_check *k)
{
	char a[4 * SMALL_SIZE], b[4 * SMALL_SIZE];
	char c[SMALL_SIZE], lo[SMALL_SIZE], hi[SMALL_SIZE];

	fmt_fit(k->base_fit, a, sizeof(a));
	fmt_fit(k->new_fit, b, sizeof(b));
	fmt_k(k->change, true, c, sizeof(c));
	fmt_k(k->change_lo, true, lo, sizeof(lo));
	fmt_k(k->change_hi, true, hi, sizeof(hi));
	putf(w, "k %s -> %s, change %s [%s, %s]", a, b, c, lo, hi);
}

/* "regression", or "inconclusive: why". */
static void
put_exponent_verdict(struct report *w, const struct cstat_scaling_check *k)
{
	put(w, cstat_verdict_name(k->verdict));
	if (k->verdict == CSTAT_INCONCLUSIVE) {
		put(w, ": ");
		put(w, k->reason);
	}
}

/* "exponents in n: each k at 97.5%, the change at >= 95%; a rise above
 * 0.1 fails (exponent=0.1, flag)" */
static void
put_exponent_settings(struct report *w, const cstat_gate *g)
{
	double c = cstat_scaling_confidence(g->scaling);
	char fit[SMALL_SIZE], both[SMALL_SIZE], rise[CSTAT__GO_FLOAT_SIZE];

	fmt_pct(c, fit, sizeof(fit));
	fmt_pct(2 * c - 1, both, sizeof(both));
	cstat__fmt_go_float(rise, g->c->exponent_rise);
	put(w, "scaling exponents in ");
	put(w, cstat_scaling_key(g->scaling));
	putf(w,
	     " (cost = c * n^k, Theil-Sen): each k with its %s Sen "
	     "interval, the change with one of at least %s; a rise above %s "
	     "fails (",
	     fit, both, rise);
	put(w, g->c->exponent_text ? g->c->exponent_text : "default");
	if (g->c->exponent_text) {
		put(w, ", ");
		put(w, g->c->exponent_source);
	}
	put(w, ")");
}

/* ", exponents: 1 regression, 3 unchanged" after the summary. */
static void
put_exponent_summary(struct report *w, const cstat_gate *g)
{
	static const int order[] = {CSTAT_REGRESSION, CSTAT_IMPROVEMENT,
				    CSTAT_UNCHANGED, CSTAT_INCONCLUSIVE};
	bool any = false;

	if (!g->scaling)
		return;
	put(w, "; exponents:");
	for (size_t i = 0; i < 4; i++) {
		size_t n = g->scal_tally[order[i]];
		if (!n && order[i] != CSTAT_REGRESSION)
			continue;
		putf(w, "%s %zu %s%s", any ? "," : "", n,
		     cstat_verdict_name(order[i]),
		     n != 1 && (order[i] == CSTAT_REGRESSION ||
				order[i] == CSTAT_IMPROVEMENT)
			     ? "s"
			     : "");
		any = true;
	}
}

/* One warning: "new.txt Parse-8 sec/op n=10: trend: values fall ...",
 * the fields apart by sep; with md, Markdown table cells. */
static void
put_warning(struct report *w, const struct cstat_diagnosis *d, unsigned bit,
	    const char *sep, bool md)
{
	char text[1024];
	size_t kind = 0;

	while ((1u << kind) != bit)
		kind++;
	cstat_diagnosis_text(d, bit, text, sizeof(text));
	put(w, d->input);
	raws(w, sep);
	put(w, d->name);
	raws(w, sep);
	put(w, d->unit);
	raws(w, sep);
	putf(w, md ? "%zu" : "n=%zu", d->n);
	raws(w, md ? sep : ": ");
	put(w, warn_kinds[kind]);
	put(w, ": ");
	put(w, text);
}

/* At most this many data-quality findings in a report a person reads (text,
 * Markdown, JUnit, GitHub); JSON keeps them all.  On a large suite a few
 * strong findings in a thousand cells still make hundreds of lines. */
#define WARN_SHOWN 20

/* How many findings the warnings hold in all (a cell may have several). */
static size_t
warn_findings(const cstat_gate *g)
{
	size_t n = 0;

	for (size_t i = 0; i < g->nwarn; i++)
		for (unsigned b = 1; b <= CSTAT_DIAG_FEW; b <<= 1)
			n += (cstat__gate_warn_bits(g->warn[i]) & b) != 0;
	return n;
}

/* The line after the shown findings when some were left out. */
static void
warn_more(struct report *w, size_t total, const char *pre, const char *post)
{
	if (total <= WARN_SHOWN)
		return;
	raws(w, pre);
	cstat__os_printf(&w->os,
			 "... and %zu more (cstat -diagnose prints them all)",
			 total - WARN_SHOWN);
	raws(w, post);
}

static void
extra_text(struct report *w, const cstat_gate *g)
{
	if (g->scaling) {
		raws(w, "\n");
		put_exponent_settings(w, g);
		raws(w, ":\n");
		size_t wf = 0, wu = 0;
		for (size_t i = 0; i < g->nscal; i++) {
			if (text_width(g->scal[i].family) > wf)
				wf = text_width(g->scal[i].family);
			if (text_width(g->scal[i].unit) > wu)
				wu = text_width(g->scal[i].unit);
		}
		for (size_t i = 0; i < g->nscal; i++) {
			const struct cstat_scaling_check *k = &g->scal[i];
			raws(w, "  ");
			put(w, k->family);
			cstat__os_printf(&w->os, "%*s",
					 (int)(wf + 2 - text_width(k->family)),
					 "");
			put(w, k->unit);
			cstat__os_printf(&w->os, "%*s",
					 (int)(wu + 2 - text_width(k->unit)),
					 "");
			put_exponent(w, k);
			raws(w, "  ");
			put_exponent_verdict(w, k);
			raws(w, "\n");
		}
	}
	if (!g->nwarn)
		return;
	raws(w, "\nData-quality warnings (strong findings; -no-diagnose hides "
		"them):\n");
	size_t shown = 0;
	for (size_t i = 0; i < g->nwarn; i++)
		for (unsigned b = 1; b <= CSTAT_DIAG_FEW; b <<= 1) {
			if (!(cstat__gate_warn_bits(g->warn[i]) & b) ||
			    shown++ >= WARN_SHOWN)
				continue;
			raws(w, "  ");
			put_warning(w, g->warn[i], b, "  ", false);
			raws(w, "\n");
		}
	warn_more(w, warn_findings(g), "  ", "\n");
}

static void
extra_markdown(struct report *w, const cstat_gate *g)
{
	if (g->scaling) {
		raws(w, "#### Scaling exponents\n\n");
		put_exponent_settings(w, g);
		raws(w, ".\n\n| family | unit | exponent | verdict |\n"
			"|---|---|---|---|\n");
		for (size_t i = 0; i < g->nscal; i++) {
			const struct cstat_scaling_check *k = &g->scal[i];
			raws(w, "| ");
			put(w, k->family);
			raws(w, " | ");
			put(w, k->unit);
			raws(w, " | ");
			put_exponent(w, k);
			raws(w, " | ");
			put_exponent_verdict(w, k);
			raws(w, " |\n");
		}
		raws(w, "\n");
	}
	if (!g->nwarn)
		return;
	raws(w, "#### Data-quality warnings\n\n"
		"| input | benchmark | unit | n | finding: what to do |\n"
		"|---|---|---|--:|---|\n");
	size_t shown = 0;
	for (size_t i = 0; i < g->nwarn; i++)
		for (unsigned b = 1; b <= CSTAT_DIAG_FEW; b <<= 1) {
			if (!(cstat__gate_warn_bits(g->warn[i]) & b) ||
			    shown++ >= WARN_SHOWN)
				continue;
			raws(w, "| ");
			put_warning(w, g->warn[i], b, " | ", true);
			raws(w, " |\n");
		}
	warn_more(w, warn_findings(g), "\n", "\n");
	raws(w, "\n");
}

/* ---------------------------------------------------------------------- */
/* JSON fields */

/* One member of a JSON object, by its kind; put in the order listed. */
enum jkind { J_STR, J_NUM, J_COUNT, J_BOOL };
struct jfield {
	const char *key;
	enum jkind kind;
	union {
		const char *s;
		double d;
		size_t n;
		bool b;
	} v;
};
#define JSTR(k, x)                                                             \
	{                                                                      \
		(k), J_STR,                                                    \
		{                                                              \
			.s = (x)                                               \
		}                                                              \
	}
#define JNUM(k, x)                                                             \
	{                                                                      \
		(k), J_NUM,                                                    \
		{                                                              \
			.d = (x)                                               \
		}                                                              \
	}
#define JCOUNT(k, x)                                                           \
	{                                                                      \
		(k), J_COUNT,                                                  \
		{                                                              \
			.n = (x)                                               \
		}                                                              \
	}
#define JBOOL(k, x)                                                            \
	{                                                                      \
		(k), J_BOOL,                                                   \
		{                                                              \
			.b = (x)                                               \
		}                                                              \
	}
#define NFIELDS(f) (sizeof(f) / sizeof((f)[0]))

/* Adds the n fields f to object o; false when one could not be added. */
static bool
json_fields(cJSON *o, const struct jfield *f, size_t n)
{
	bool ok = o != NULL;

	for (size_t i = 0; ok && i < n; i++)
		switch (f[i].kind) {
		case J_STR:
			ok = cstat__json_add_str(o, f[i].key, f[i].v.s);
			break;
		case J_NUM:
			ok = cstat__json_add_num(o, f[i].key, f[i].v.d);
			break;
		case J_COUNT:
			ok = cstat__json_add_count(o, f[i].key, f[i].v.n);
			break;
		case J_BOOL:
			ok = cstat__json_add(o, f[i].key,
					     cJSON_CreateBool(f[i].v.b));
			break;
		}
	return ok;
}

/* o when ok, else NULL with o freed: the end of every builder below. */
static cJSON *
json_done(cJSON *o, bool ok)
{
	if (!ok) {
		cJSON_Delete(o);
		return NULL;
	}
	return o;
}

static cJSON *
json_fit_of(const struct cstat_scaling_fit *f)
{
	const struct jfield fs[] = {
		JNUM("k", f->k),
		JNUM("lo", f->lo),
		JNUM("hi", f->hi),
		JCOUNT("points", f->npoints),
		JCOUNT("sizes", f->nsizes),
		JSTR("class", f->class_name),
	};
	cJSON *o = cJSON_CreateObject();

	return json_done(o, json_fields(o, fs, NFIELDS(fs)));
}

static cJSON *
json_exponent(const struct cstat_scaling_check *k)
{
	const struct jfield head[] = {
		JSTR("family", k->family),
		JSTR("unit", k->unit),
		JSTR("base", k->base_label),
		JSTR("new", k->new_label),
	};
	const struct jfield tail[] = {
		JNUM("change", k->change),
		JNUM("change_lo", k->change_lo),
		JNUM("change_hi", k->change_hi),
		JNUM("allowed", k->allowed),
		JSTR("verdict", cstat_verdict_name(k->verdict)),
		JSTR("reason", k->reason),
	};
	cJSON *o = cJSON_CreateObject();
	bool ok = json_fields(o, head, NFIELDS(head));

	ok = ok && cstat__json_add(o, "base_fit", json_fit_of(k->base_fit));
	ok = ok && cstat__json_add(o, "new_fit", json_fit_of(k->new_fit));
	ok = ok && json_fields(o, tail, NFIELDS(tail));
	return json_done(o, ok);
}

/* "scaling": {"key", "confidence", "allowed", "rule", "source",
 * "exponents": [...]} */
static cJSON *
json_scaling(const cstat_gate *g)
{
	const struct jfield fs[] = {
		JSTR("key", cstat_scaling_key(g->scaling)),
		JNUM("confidence", cstat_scaling_confidence(g->scaling)),
		JNUM("allowed", g->c->exponent_rise),
		JSTR("rule",
		     g->c->exponent_text ? g->c->exponent_text : "default"),
		JCOUNT("regression", g->scal_tally[CSTAT_REGRESSION]),
	};
	cJSON *o = cJSON_CreateObject(), *list = NULL;
	bool ok = json_fields(o, fs, NFIELDS(fs));

	ok = ok && cstat__json_add(o, "exponents", list = cJSON_CreateArray());
	for (size_t i = 0; ok && i < g->nscal; i++)
		ok = cstat__json_add(list, NULL, json_exponent(&g->scal[i]));
	return json_done(o, ok);
}

/* "warnings": one object per finding. */
static cJSON *
json_warnings(const cstat_gate *g)
{
	cJSON *list = cJSON_CreateArray();
	bool ok = list != NULL;
	char text[1024];

	for (size_t i = 0; ok && i < g->nwarn; i++)
		for (unsigned b = 1, kind = 0; ok && b <= CSTAT_DIAG_FEW;
		     b <<= 1, kind++) {
			const struct cstat_diagnosis *d = g->warn[i];
			cJSON *o;
			if (!(cstat__gate_warn_bits(d) & b))
				continue;
			cstat_diagnosis_text(d, b, text, sizeof(text));
			const struct jfield fs[] = {
				JSTR("input", d->input),
				JSTR("name", d->name),
				JSTR("unit", d->unit),
				JCOUNT("n", d->n),
				JSTR("check", warn_kinds[kind]),
				JSTR("message", text),
			};
			o = cJSON_CreateObject();
			ok = json_fields(o, fs, NFIELDS(fs));
			if (!ok)
				cJSON_Delete(o);
			else
				ok = cstat__json_add(list, NULL, o);
		}
	if (!ok) {
		cJSON_Delete(list);
		return NULL;
	}
	return list;
}

static bool
extra_json(cJSON *root, const cstat_gate *g)
{
	bool ok = true;

	if (g->scaling)
		ok = cstat__json_add(root, "scaling", json_scaling(g));
	if (ok && g->nwarn)
		ok = cstat__json_add(root, "warnings", json_warnings(g));
	return ok;
}

/* The exponents as JUnit test cases: a regression is a failure. */
static void
extra_junit_cases(struct report *w, const cstat_gate *g)
{
	for (size_t i = 0; i < g->nscal && !w->os.err; i++) {
		const struct cstat_scaling_check *k = &g->scal[i];

		raws(w, "    <testcase classname=\"cregress.scaling\" name=\"");
		w->esc = ESC_XML_ATTR;
		put(w, k->family);
		put(w, " ");
		put(w, k->unit);
		put(w, " exponent");
		w->esc = ESC_NONE;
		if (k->verdict == CSTAT_REGRESSION) {
			raws(w, "\">\n      <failure message=\"");
			w->esc = ESC_XML_ATTR;
			put_exponent(w, k);
			w->esc = ESC_NONE;
			raws(w, "\" type=\"regression\"/>\n    </testcase>\n");
			continue;
		}
		raws(w, "\">\n      <system-out>");
		w->esc = ESC_XML_TEXT;
		put_exponent_verdict(w, k);
		put(w, ": ");
		put_exponent(w, k);
		w->esc = ESC_NONE;
		raws(w, "</system-out>\n    </testcase>\n");
	}
}

/* The warnings as the suite's output. */
static void
extra_junit_out(struct report *w, const cstat_gate *g)
{
	if (!g->nwarn)
		return;
	raws(w, "    <system-out>");
	w->esc = ESC_XML_TEXT;
	put(w, "Data-quality warnings (strong findings):\n");
	size_t shown = 0;
	for (size_t i = 0; i < g->nwarn; i++)
		for (unsigned b = 1; b <= CSTAT_DIAG_FEW; b <<= 1) {
			if (!(cstat__gate_warn_bits(g->warn[i]) & b) ||
			    shown++ >= WARN_SHOWN)
				continue;
			put_warning(w, g->warn[i], b, " ", false);
			put(w, "\n");
		}
	warn_more(w, warn_findings(g), "", "\n");
	w->esc = ESC_NONE;
	raws(w, "</system-out>\n");
}

/* One annotation for every exponent regression (an error), one for every
 * warning (a warning): each takes one of GitHub's ten of its kind. */
static void
extra_github(struct report *w, const cstat_gate *g)
{
	bool first = true;

	if (g->scal_tally[CSTAT_REGRESSION]) {
		raws(w, "::error title=Scaling exponent regression::");
		for (size_t i = 0; i < g->nscal; i++) {
			const struct cstat_scaling_check *k = &g->scal[i];
			if (k->verdict != CSTAT_REGRESSION)
				continue;
			raws(w, first ? "" : "%0A");
			first = false;
			w->esc = ESC_GH_DATA;
			put(w, k->family);
			put(w, " ");
			put(w, k->unit);
			put(w, ": ");
			put_exponent(w, k);
			w->esc = ESC_NONE;
		}
		raws(w, "\n");
	}
	if (!g->nwarn)
		return;
	raws(w, "::warning title=Data quality::");
	first = true;
	size_t shown = 0;
	for (size_t i = 0; i < g->nwarn; i++)
		for (unsigned b = 1; b <= CSTAT_DIAG_FEW; b <<= 1) {
			if (!(cstat__gate_warn_bits(g->warn[i]) & b) ||
			    shown++ >= WARN_SHOWN)
				continue;
			raws(w, first ? "" : "%0A");
			first = false;
			w->esc = ESC_GH_DATA;
			put_warning(w, g->warn[i], b, " ", false);
			w->esc = ESC_NONE;
		}
	warn_more(w, warn_findings(g), "%0A", "");
	raws(w, "\n");
}

/*
 * A share of a section's rows as the width pass formatted them, kept for
 * the writing so that nothing is formatted twice: each row's cells, their
 * parts joined, one after another in text, and per row T_NCOL cells'
 * bytes then their T_NCOL widths (in columns of the terminal).
 */
struct tpart {
	const struct ctx *x;
	int verdict;
	size_t from, to; /* the checks looked at */
	size_t skip;	 /* the rows among them to pass over first */
	size_t expect;	 /* the rows to keep after those: then it stops */
	char *text;
	size_t len, cap;
	size_t text_mapped; /* cstat__prefault()'s marks */
	uint32_t *cell;
	size_t nrows, rcap;
	size_t cell_mapped;
	size_t width[T_NCOL]; /* the widest cell of each column */
	bool failed;	      /* out of memory, or a cell over 4 GB */
	bool additive;	      /* a row kept shows the additive mark */
};

/* The text a row takes, about (the large input's take 170 bytes): the
 * first guess at the room, so that growing seldom copies. */
#define TROW_GUESS 192

/* Room for one more row of at most more bytes; false when there is none. */
static bool
tpart_room(struct tpart *t, size_t more)
{
	if (t->len + more > t->cap) {
		size_t cap = t->cap ? 2 * t->cap : t->expect * TROW_GUESS;
		if (cap < 65536 ||
		    (!t->cap && t->expect > SIZE_MAX / TROW_GUESS))
			cap = 65536;
		while (cap < t->len + more)
			cap *= 2;
		char *b = realloc(t->text, cap);
		if (!b)
			return false;
		t->text = b;
		t->cap = cap;
	}
	if (t->nrows == t->rcap) {
		size_t cap = t->rcap ? 2 * t->rcap : t->expect ? t->expect : 1;
		uint32_t *c = cap <= SIZE_MAX / (2 * T_NCOL * sizeof(*c))
				      ? realloc(t->cell,
						cap * 2 * T_NCOL * sizeof(*c))
				      : NULL;
		if (!c)
			return false;
		t->cell = c;
		t->rcap = cap;
	}
	cstat__prefault(t->text, t->len + more, t->cap, &t->text_mapped);
	cstat__prefault(t->cell, (t->nrows + 1) * 2 * T_NCOL * sizeof(*t->cell),
			t->rcap * 2 * T_NCOL * sizeof(*t->cell),
			&t->cell_mapped);
	return true;
}

/* Keeps row r: its cells' text, bytes and widths. */
static void
tpart_add(struct tpart *t, const struct trow *r)
{
	size_t bytes[T_NCOL][TPARTS], total = 0;

	for (size_t col = 0; col < T_NCOL; col++)
		for (size_t i = 0; i < TPARTS; i++) {
			const char *part = r->cell[col][i];
			bytes[col][i] = part ? strlen(part) : 0;
			total += bytes[col][i];
		}
	if (total > UINT32_MAX || !tpart_room(t, total)) {
		t->failed = true;
		return;
	}
	uint32_t *c = &t->cell[t->nrows++ * 2 * T_NCOL];
	for (size_t col = 0; col < T_NCOL; col++) {
		size_t n = 0, w = cell_width(r->cell[col]);
		for (size_t i = 0; i < TPARTS; i++) {
			if (!bytes[col][i])
				continue;
			memcpy(t->text + t->len, r->cell[col][i],
			       bytes[col][i]);
			t->len += bytes[col][i];
			n += bytes[col][i];
		}
		if (w > t->width[col])
			t->width[col] = w;
		c[col] = (uint32_t)n;
		/* A cell's width is at most its bytes. */
		c[T_NCOL + col] = (uint32_t)(w < n ? w : n);
		t->failed |= w > n;
	}
}

/* The width pass over t's checks: each row of t's verdict kept. */
static void *
tpart_main(void *arg)
{
	struct tpart *t = arg;
	const cstat_gate *g = t->x->g;
	struct trow r;

	for (size_t i = t->from;
	     i < t->to && t->nrows < t->expect && !t->failed; i++) {
		const struct cstat_check *k = &g->checks[i];
		if (k->verdict != t->verdict)
			continue;
		if (t->skip) {
			t->skip--;
			continue;
		}
		trow_fill(&r, t->x, k);
		tpart_add(t, &r);
		t->additive |= cstat__gate_shows_additive(k);
	}
	return NULL;
}

/* Writes t's rows in columns of the widths, as trow_write() would. */
static void
tpart_write(struct report *w, const struct tpart *t, const size_t *width)
{
	const char *s = t->text;

	for (size_t r = 0; r < t->nrows && !w->os.err; r++) {
		const uint32_t *c = &t->cell[r * 2 * T_NCOL];
		size_t last = 0;
		bool first = true;

		for (size_t col = 0; col < T_NCOL; col++)
			if (c[col])
				last = col;
		raws(w, "  ");
		for (size_t col = 0; col <= last; col++) {
			size_t pad = width[col] - c[T_NCOL + col];

			if (width[col] == 0) {
				s += c[col];
				continue;
			}
			if (!first)
				raws(w, tcols[col].sep);
			first = false;
			if (tcols[col].right)
				cstat__os_fill(&w->os, ' ', pad);
			cstat__os_put(&w->os, s, c[col]);
			s += c[col];
			if (!tcols[col].right && col < last)
				cstat__os_fill(&w->os, ' ', pad);
		}
		raws(w, "\n");
	}
}

/* The section's rows formatted twice, one at a time: when keeping them
 * failed. */
static void
text_rows_plain(struct report *w, const struct ctx *x, int v)
{
	const cstat_gate *g = x->g;
	size_t width[T_NCOL] = {0};
	struct trow r;

	for (size_t i = 0; i < g->n; i++) {
		if (g->checks[i].verdict != v)
			continue;
		trow_fill(&r, x, &g->checks[i]);
		for (size_t col = 0; col < T_NCOL; col++) {
			size_t n = cell_width(r.cell[col]);
			if (n > width[col])
				width[col] = n;
		}
	}
	for (size_t i = 0; i < g->n && !w->os.err; i++) {
		if (g->checks[i].verdict != v)
			continue;
		trow_fill(&r, x, &g->checks[i]);
		trow_write(w, &r, width);
	}
}

/*
 * Writes the section of the comparisons with verdict v, if any.  The
 * widths need every row first: each row is formatted once and kept, the
 * two halves of the section's rows on two threads when the gate has them
 * and the section is long (a row depends on nothing but its comparison),
 * then written from what was kept.  The second half's thread finds where
 * its rows start itself, so that the main thread never walks the
 * comparisons but to format its own.  @return whether a row of the
 * section shows the additive mark.
 */
static bool
text_section(struct report *w, const struct ctx *x, int v, const char *title)
{
	const cstat_gate *g = x->g;
	size_t nrows = count_verdict(g, v), width[T_NCOL];
	struct tpart a = {.x = x, .verdict = v, .to = g->n, .expect = nrows};
	struct tpart b = a;
	pthread_t th;
	bool two = g->threads > 1 && nrows >= 2048;

	bool additive;

	if (nrows == 0)
		return false;
	raws(w, "\n");
	raws(w, title);
	raws(w, "\n");
	if (two) {
		/* Half the section's rows each: they can be anywhere, so the
		 * second half passes over the first's. */
		a.expect = b.skip = nrows / 2;
		b.expect = nrows - a.expect;
		two = pthread_create(&th, NULL, tpart_main, &b) == 0;
		if (!two)
			a.expect = nrows;
	}
	tpart_main(&a);
	if (two)
		pthread_join(th, NULL);
	additive = a.additive || b.additive;
	if (a.failed || b.failed) {
		text_rows_plain(w, x, v);
		additive = any_additive(g, v);
	} else {
		for (size_t col = 0; col < T_NCOL; col++)
			width[col] = a.width[col] > b.width[col] ? a.width[col]
								 : b.width[col];
		tpart_write(w, &a, width);
		tpart_write(w, &b, width);
	}
	free(a.text);
	free(a.cell);
	free(b.text);
	free(b.cell);
	return additive;
}

int
cstat__gate_write_text(const cstat_gate *g, FILE *out)
{
	struct report w = {.esc = ESC_NONE};
	struct ctx x;

	cstat__os_file(&w.os, out);
	ctx_init(&x, g);
	raws(&w, "cregress: ");
	put_settings(&w, &x);
	raws(&w, "\n");
	/* The sections' rows tell whether one shows the additive mark:
	 * their threads look, not another pass here. */
	bool additive = text_section(&w, &x, CSTAT_REGRESSION, "Regressions:");
	additive |= text_section(&w, &x, CSTAT_IMPROVEMENT, "Improvements:");
	additive |= text_section(&w, &x, CSTAT_INCONCLUSIVE, "Inconclusive:");
	extra_text(&w, g);
	if (additive)
		raws(&w, "\n" CSTAT__GATE_ADDITIVE_FOOTNOTE "\n");
	raws(&w, "\n");
	put_summary(&w, g);
	raws(&w, "\n");
	return cstat__os_close(&w.os);
}

/* ---------------------------------------------------------------------- */
/* Markdown */

enum mcol {
	M_NAME,
	M_CONFIG,
	M_LABELS,
	M_UNIT,
	M_BASE,
	M_NEW,
	M_CHANGE,
	M_P,
	M_N,
	M_THRESH,
	M_REASON,
	M_VERDICT,
};

static const struct {
	const char *head, *align;
} mcols[] = {
	[M_NAME] = {"Benchmark", ":--"},
	[M_CONFIG] = {"Config", ":--"},
	[M_LABELS] = {"Compared", ":--"},
	[M_UNIT] = {"Unit", ":--"},
	[M_BASE] = {"Base", "--:"},
	[M_NEW] = {"New", "--:"},
	[M_CHANGE] = {"Change [CI]", "--:"},
	[M_P] = {"p (adj.)", "--:"},
	[M_N] = {"n", "--:"},
	[M_THRESH] = {"Threshold", ":--"},
	[M_REASON] = {"Reason", ":--"},
	[M_VERDICT] = {"Verdict", ":--"},
};

static const enum mcol md_judged[] = {M_NAME, M_CONFIG, M_LABELS, M_UNIT,
				      M_BASE, M_NEW,	M_CHANGE, M_P,
				      M_N,    M_THRESH};
static const enum mcol md_inconclusive[] = {M_NAME,   M_CONFIG, M_LABELS,
					    M_UNIT,   M_BASE,	M_NEW,
					    M_CHANGE, M_N,	M_REASON};
static const enum mcol md_all[] = {M_NAME, M_CONFIG, M_LABELS, M_UNIT,
				   M_BASE, M_NEW,    M_CHANGE, M_P,
				   M_N,	   M_THRESH, M_VERDICT};

static bool
md_shown(const struct ctx *x, enum mcol col)
{
	if (col == M_CONFIG)
		return x->show_config;
	if (col == M_LABELS)
		return x->show_labels;
	return true;
}

/* "5% (RULE; noise 6.9% from 30 runs)", the rule and noise if any. */
static void
put_threshold_md(struct report *w, const struct ctx *x,
		 const struct cstat_check *k)
{
	char thr[CHANGE_SIZE], noise[2 * SMALL_SIZE];

	fmt_pct(k->threshold, thr, sizeof(thr));
	fmt_noise(x->g, k, noise, sizeof(noise));
	raws(w, thr);
	if (has_rule(k) || *noise)
		raws(w, " (");
	if (has_rule(k))
		put(w, k->rule);
	if (has_rule(k) && *noise)
		raws(w, "; ");
	raws(w, noise);
	if (has_rule(k) || *noise)
		raws(w, ")");
}

/* One cell's content; numbers are written as they are, names escaped. */
static void
md_cell(struct report *w, const struct ctx *x, const struct cstat_check *k,
	enum mcol col)
{
	char buf[CHANGE_CI_SIZE];
	bool none = x->g->c->correction == CSTAT_CORRECTION_NONE;

	switch (col) {
	case M_NAME:
		put(w, str(k->name));
		break;
	case M_CONFIG:
		put(w, cstat__gate_config(x->g, k));
		break;
	case M_LABELS:
		put(w, str(k->new_label));
		raws(w, " vs ");
		put(w, str(k->base_label));
		break;
	case M_UNIT:
		put(w, str(k->unit));
		break;
	case M_BASE:
	case M_NEW:
		if (!both_sides(k))
			break;
		cstat__gate_fmt_value(col == M_BASE ? k->base_center
						    : k->new_center,
				      k->unit, buf, sizeof(buf));
		raws(w, buf);
		break;
	case M_CHANGE:
		if (!both_sides(k))
			break;
		cstat__gate_fmt_change_ci(k, buf, sizeof(buf));
		raws(w, buf);
		break;
	case M_P:
		if (!both_sides(k) || isnan(k->p))
			break;
		fmt_p(k->p, buf, sizeof(buf));
		raws(w, buf);
		if (!none && !isnan(k->p_adjusted)) {
			fmt_p(k->p_adjusted, buf, sizeof(buf));
			raws(w, " (");
			raws(w, buf);
			raws(w, ")");
		}
		break;
	case M_N:
		snprintf(buf, sizeof(buf), "%zu+%zu", k->n_base, k->n_new);
		raws(w, buf);
		break;
	case M_THRESH:
		put_threshold_md(w, x, k);
		break;
	case M_REASON:
		put(w, str(k->reason));
		break;
	case M_VERDICT:
		if (k->verdict == CSTAT_REGRESSION)
			raws(w, "**");
		put(w, str(cstat_verdict_name(k->verdict)));
		if (k->verdict == CSTAT_REGRESSION)
			raws(w, "**");
		if (k->verdict == CSTAT_INCONCLUSIVE && k->reason &&
		    *k->reason) {
			raws(w, ": ");
			put(w, k->reason);
		}
		break;
	}
}

/* A table of the comparisons with verdict v (any when v < 0). */
static void
md_table(struct report *w, const struct ctx *x, const enum mcol *cols,
	 size_t ncols, int v)
{
	const cstat_gate *g = x->g;
	bool none = g->c->correction == CSTAT_CORRECTION_NONE;

	for (size_t j = 0; j < ncols; j++)
		if (md_shown(x, cols[j])) {
			raws(w, "| ");
			raws(w, cols[j] == M_P && none ? "p"
						       : mcols[cols[j]].head);
			raws(w, " ");
		}
	raws(w, "|\n");
	for (size_t j = 0; j < ncols; j++)
		if (md_shown(x, cols[j])) {
			raws(w, "|");
			raws(w, mcols[cols[j]].align);
		}
	raws(w, "|\n");
	for (size_t i = 0; i < g->n && !w->os.err; i++) {
		const struct cstat_check *k = &g->checks[i];

		if (v >= 0 && k->verdict != v)
			continue;
		for (size_t j = 0; j < ncols; j++)
			if (md_shown(x, cols[j])) {
				raws(w, "| ");
				md_cell(w, x, k, cols[j]);
				raws(w, " ");
			}
		raws(w, "|\n");
	}
}

int
cstat__gate_write_markdown(const cstat_gate *g, FILE *out)
{
	struct report w = {.esc = ESC_MD};
	struct ctx x;
	size_t nj = sizeof(md_judged) / sizeof(md_judged[0]);

	cstat__os_file(&w.os, out);
	ctx_init(&x, g);
	raws(&w, "### cregress: ");
	put_summary(&w, g);
	raws(&w, "\n\nSettings: ");
	put_settings(&w, &x);
	raws(&w, ".\n\n");
	if (count_verdict(g, CSTAT_REGRESSION)) {
		raws(&w, "#### Regressions\n\n");
		md_table(&w, &x, md_judged, nj, CSTAT_REGRESSION);
		raws(&w, "\n");
	} else {
		raws(&w, "No regressions.\n\n");
	}
	if (count_verdict(g, CSTAT_IMPROVEMENT)) {
		raws(&w, "#### Improvements\n\n");
		md_table(&w, &x, md_judged, nj, CSTAT_IMPROVEMENT);
		raws(&w, "\n");
	}
	if (count_verdict(g, CSTAT_INCONCLUSIVE)) {
		raws(&w, "#### Inconclusive\n\n");
		md_table(&w, &x, md_inconclusive,
			 sizeof(md_inconclusive) / sizeof(md_inconclusive[0]),
			 CSTAT_INCONCLUSIVE);
		raws(&w, "\n");
	}
	extra_markdown(&w, g);
	if (g->n) {
		cstat__os_printf(&w.os,
				 "<details><summary>All %zu comparison%s"
				 "</summary>\n\n",
				 g->n, plural(g->n));
		md_table(&w, &x, md_all, sizeof(md_all) / sizeof(md_all[0]),
			 -1);
		raws(&w, "\n</details>\n");
	}
	if (any_additive(g, -1))
		raws(&w, "\n" CSTAT__GATE_ADDITIVE_FOOTNOTE "\n");
	return cstat__os_close(&w.os);
}

/* ---------------------------------------------------------------------- */
/* JSON */

static cJSON *
json_settings(const struct ctx *x)
{
	const cstat_gate_config *c = x->g->c;
	const struct jfield fs[] = {
		JNUM("alpha", c->alpha),
		JNUM("confidence", c->confidence),
		JSTR("correction", cstat_correction_name(c->correction)),
		JNUM("threshold", c->threshold),
		JSTR("threshold_on",
		     cstat__gate_threshold_on_name(c->threshold_on)),
		JCOUNT("rules", c->nrules),
		JCOUNT("comparisons", x->g->n),
		JCOUNT("tested", x->tested),
	};
	const struct jfield noise[] = {
		JSTR("noise_history", c->noise_from),
		JCOUNT("noise_runs", c->noise_nruns),
		JNUM("noise_alpha", c->noise_alpha),
	};
	cJSON *o = cJSON_CreateObject();
	bool ok = json_fields(o, fs, NFIELDS(fs));

	const struct jfield cut[] = {JBOOL("noise_runs_cut", true)};

	if (c->noise_from)
		ok = ok && json_fields(o, noise, NFIELDS(noise));
	if (c->noise_from && c->noise_cut)
		ok = ok && json_fields(o, cut, NFIELDS(cut));
	return json_done(o, ok);
}

static cJSON *
json_summary(const cstat_gate *g)
{
	const struct jfield fs[] = {
		JCOUNT("regression", g->tally[CSTAT_REGRESSION]),
		JCOUNT("improvement", g->tally[CSTAT_IMPROVEMENT]),
		JCOUNT("unchanged", g->tally[CSTAT_UNCHANGED]),
		JCOUNT("inconclusive", g->tally[CSTAT_INCONCLUSIVE]),
		JCOUNT("ignored", g->nignored),
		JCOUNT("status", (size_t)cstat_gate_status(g, false)),
		JCOUNT("strict_status", (size_t)cstat_gate_status(g, true)),
	};
	cJSON *o = cJSON_CreateObject();

	return json_done(o, json_fields(o, fs, NFIELDS(fs)));
}

static cJSON *
json_check(const cstat_gate *g, size_t i)
{
	const struct cstat_check *k = &g->checks[i];
	const struct jfield fs[] = {
		JSTR("name", k->name),
		JSTR("unit", k->unit),
		JSTR("config", cstat__gate_config(g, k)),
		JSTR("base", k->base_label),
		JSTR("new", k->new_label),
		JCOUNT("table", k->table),
		JCOUNT("row", k->row),
		JCOUNT("col", k->col),
		JSTR("verdict", cstat_verdict_name(k->verdict)),
		JSTR("reason", k->reason),
		JSTR("unit_class", cstat_unit_class_name(k->unit_class)),
		JSTR("better", k->higher_better ? "higher" : "lower"),
		JSTR("direction_from", k->direction_from),
		JBOOL("exact", k->exact),
		JCOUNT("n_base", k->n_base),
		JCOUNT("n_new", k->n_new),
		JNUM("base_center", k->base_center),
		JNUM("new_center", k->new_center),
		JNUM("change", k->change),
		JNUM("change_lo", k->change_lo),
		JNUM("change_hi", k->change_hi),
		JBOOL("additive", k->additive),
		JNUM("shift", k->shift),
		JNUM("shift_lo", k->shift_lo),
		JNUM("shift_hi", k->shift_hi),
		JNUM("p", k->p),
		JNUM("p_adjusted", k->p_adjusted),
		JNUM("p_min", k->p_min),
		JNUM("threshold", k->threshold),
		JSTR("rule", k->rule),
	};
	const struct jfield noise[] = {
		JNUM("noise", k->noise),
		JNUM("noise_spread", k->noise_spread),
		JCOUNT("noise_runs", k->noise_runs),
	};
	cJSON *o = cJSON_CreateObject();
	bool ok = json_fields(o, fs, NFIELDS(fs));

	if (g->c->noise_from)
		ok = ok && json_fields(o, noise, NFIELDS(noise));
	if (ok && g->detectable)
		ok = cstat__json_add_num(o, "detectable", g->detectable[i]);
	return json_done(o, ok);
}

static cJSON *
json_ignored(const cstat_gate *g, const struct cstat__ignored *ig)
{
	const struct jfield fs[] = {
		JSTR("name", ig->name),
		JSTR("unit", ig->unit),
		JSTR("config", cstat__gate_ignored_config(g, ig)),
		JSTR("pattern", ig->pattern),
		JSTR("source", ig->source),
	};
	cJSON *o = cJSON_CreateObject();

	return json_done(o, json_fields(o, fs, NFIELDS(fs)));
}

/* The whole report as a cJSON tree, or NULL when out of memory. */
static cJSON *
json_report(const struct ctx *x)
{
	const cstat_gate *g = x->g;
	cJSON *root = cJSON_CreateObject(), *list = NULL, *ign = NULL;
	bool ok = root != NULL;

	ok = ok && cstat__json_add_str(root, "schema", "cregress/1");
	ok = ok && cstat__json_add(root, "settings", json_settings(x));
	ok = ok && cstat__json_add(root, "summary", json_summary(g));
	ok = ok &&
	     cstat__json_add(root, "comparisons", list = cJSON_CreateArray());
	for (size_t i = 0; ok && i < g->n; i++) {
		cJSON *item = json_check(g, i);

		ok = item && cJSON_AddItemToArray(list, item);
		if (!ok)
			cJSON_Delete(item);
	}
	ok = ok && cstat__json_add(root, "ignored", ign = cJSON_CreateArray());
	for (size_t i = 0; ok && i < g->nignored; i++) {
		cJSON *item = json_ignored(g, &g->ignored[i]);

		ok = item && cJSON_AddItemToArray(ign, item);
		if (!ok)
			cJSON_Delete(item);
	}
	ok = ok && extra_json(root, g);
	if (!ok) {
		cJSON_Delete(root);
		return NULL;
	}
	return root;
}

int
cstat__gate_write_json(const cstat_gate *g, FILE *out)
{
	struct cstat__ostream os;
	struct ctx x;
	cJSON *root;
	char *text;

	ctx_init(&x, g);
	root = json_report(&x);
	if (!root)
		return CSTAT_ENOMEM;
	text = cJSON_Print(root);
	cJSON_Delete(root);
	if (!text)
		return CSTAT_ENOMEM;
	cstat__os_file(&os, out);
	cstat__os_adds(&os, text);
	cstat__os_addc(&os, '\n');
	cJSON_free(text);
	return cstat__os_close(&os);
}

/* ---------------------------------------------------------------------- */
/* JUnit XML */

/*
 * A test case is one comparison, named "NAME UNIT" ("Encode/format=json-8
 * sec/op"): tools that key results by name alone (JUnit-to-CTRF
 * converters) keep one result per comparison.  When the report holds
 * several configurations, the keys that tell them apart follow in
 * brackets ("... sec/op [goos:darwin]"), and the columns compared when
 * there are more than two ("... (b.txt vs a.txt)"); a name that would
 * still repeat (configurations that differ only in white space) gets
 * " #2", " #3".  The class name is the configuration without the keys
 * that describe the machine (machine_key()): they change with the runner,
 * not with the code, so a dashboard that groups by class keeps its groups
 * from one runner to the next.
 */

/* Keys that describe the machine a benchmark ran on rather than the code. */
static bool
machine_key(const char *key)
{
	static const char *const keys[] = {"cpu",  "goos",     "goarch",
					   "host", "hostname", "kernel"};

	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		if (strcmp(key, keys[i]) == 0)
			return true;
	return false;
}

/* The trimmed value of key in table i, or NULL when the table has none. */
static const char *
table_value(const cstat_tables *t, size_t i, const char *key, size_t *len)
{
	const char *name, *value;

	for (size_t k = 0; cstat_table_key(t, i, k, &name, &value) == 0; k++)
		if (strcmp(name, key) == 0)
			return cstat__trim(value, len);
	return NULL;
}

/* Whether tables a and b show key differently (or one lacks it). */
static bool
key_differs(const cstat_tables *t, size_t a, size_t b, const char *key)
{
	size_t la = 0, lb = 0;
	const char *va = table_value(t, a, key, &la);
	const char *vb = table_value(t, b, key, &lb);

	if (!va || !vb)
		return va != vb;
	return la != lb || memcmp(va, vb, la) != 0;
}

struct junit {
	const struct ctx *x;
	const char **vary; /* keys whose values differ between test cases */
	size_t nvary, cap;
	struct cstat__buf names; /* every test case's name, NUL-ended */
	size_t *name_at;	 /* by check: where its name starts in names */
	size_t *dup; /* by check: 0, or its rank among equal names */
};

/* Whether key is one of j->vary. */
static bool
varies(const struct junit *j, const char *key)
{
	for (size_t i = 0; i < j->nvary; i++)
		if (strcmp(j->vary[i], key) == 0)
			return true;
	return false;
}

/* Adds key to j->vary unless it is there. */
static int
vary_add(struct junit *j, const char *key)
{
	if (varies(j, key))
		return 0;
	if (j->nvary == j->cap) {
		size_t cap = j->cap ? 2 * j->cap : 8;
		const char **p = realloc(j->vary, cap * sizeof(*p));

		if (!p)
			return CSTAT_ENOMEM;
		j->vary = p;
		j->cap = cap;
	}
	j->vary[j->nvary++] = key;
	return 0;
}

/* The keys, in the order the tables give them, whose values differ
 * between the tables of the checks (none without tables). */
static int
junit_vary(struct junit *j)
{
	const cstat_gate *g = j->x->g;
	const char *name, *value;
	int rc = 0;

	for (size_t i = 0; g->t && i < g->n && !rc; i++) {
		size_t a = g->checks[0].table, b = g->checks[i].table;

		if (i && b == g->checks[i - 1].table)
			continue;
		for (size_t k = 0;
		     !rc && cstat_table_key(g->t, b, k, &name, &value) == 0;
		     k++)
			if (key_differs(g->t, a, b, name))
				rc = vary_add(j, name);
		for (size_t k = 0;
		     !rc && cstat_table_key(g->t, a, k, &name, &value) == 0;
		     k++)
			if (key_differs(g->t, a, b, name))
				rc = vary_add(j, name);
	}
	return rc;
}

/* Appends " [k:v k:v]" of the keys of check k's table that vary, in the
 * table's order; without tables, its whole config when there are
 * several. */
static int
junit_name_keys(struct junit *j, const struct cstat_check *k)
{
	const struct ctx *x = j->x;
	struct cstat__buf *b = &j->names;
	const char *sep = " [", *name, *value;
	int rc = 0;

	if (!x->g->t)
		return x->show_config && *cstat__gate_config(x->g, k)
			       ? cstat__buf_printf(b, " [%s]",
						   cstat__gate_config(x->g, k))
			       : 0;
	for (size_t i = 0;
	     !rc && cstat_table_key(x->g->t, k->table, i, &name, &value) == 0;
	     i++) {
		size_t len;

		if (!varies(j, name))
			continue;
		value = cstat__trim(value, &len);
		rc = cstat__buf_printf(b, "%s%s:%.*s", sep, name, (int)len,
				       value);
		sep = " ";
	}
	if (!rc && sep[1] == '\0')
		rc = cstat__buf_addc(b, ']');
	return rc;
}

/* Appends check k's test case name to j->names, NUL included. */
static int
junit_name(struct junit *j, const struct cstat_check *k)
{
	struct cstat__buf *b = &j->names;
	int rc = cstat__buf_printf(b, "%s %s", str(k->name), str(k->unit));

	if (!rc)
		rc = junit_name_keys(j, k);
	if (!rc && j->x->show_labels)
		rc = cstat__buf_printf(b, " (%s vs %s)", str(k->new_label),
				       str(k->base_label));
	if (!rc)
		rc = cstat__buf_addc(b, '\0');
	return rc;
}

struct named {
	const char *s;
	size_t i;
};

static int
cmp_named(const void *pa, const void *pb)
{
	const struct named *a = pa, *b = pb;
	int r = strcmp(a->s, b->s);

	if (r)
		return r;
	return a->i < b->i ? -1 : a->i > b->i;
}

/* Numbers the names that repeat: j->dup[i] is 2, 3, ... for the second,
 * third, ... check of a name, in check order. */
static int
junit_dedup(struct junit *j)
{
	size_t n = j->x->g->n;
	struct named *v = malloc((n ? n : 1) * sizeof(*v));

	if (!v)
		return CSTAT_ENOMEM;
	for (size_t i = 0; i < n; i++)
		v[i] = (struct named){j->names.data + j->name_at[i], i};
	qsort(v, n, sizeof(*v), cmp_named);
	for (size_t i = 1, rank = 1; i < n; i++) {
		rank = strcmp(v[i].s, v[i - 1].s) == 0 ? rank + 1 : 1;
		if (rank > 1)
			j->dup[v[i].i] = rank;
	}
	free(v);
	return 0;
}

static void
junit_release(struct junit *j)
{
	free(j->vary);
	free(j->name_at);
	free(j->dup);
	cstat__buf_release(&j->names);
}

static int
junit_init(struct junit *j, const struct ctx *x)
{
	size_t n = x->g->n ? x->g->n : 1;
	int rc;

	memset(j, 0, sizeof(*j));
	j->x = x;
	j->name_at = malloc(n * sizeof(*j->name_at));
	j->dup = calloc(n, sizeof(*j->dup));
	rc = j->name_at && j->dup ? junit_vary(j) : CSTAT_ENOMEM;
	for (size_t i = 0; i < x->g->n && !rc; i++) {
		j->name_at[i] = j->names.len;
		rc = junit_name(j, &x->g->checks[i]);
	}
	if (!rc)
		rc = junit_dedup(j);
	if (rc)
		junit_release(j);
	return rc;
}

/* The class name of check k: its table's configuration without the
 * machine's keys, or "cregress" when nothing is left. */
static void
junit_classname(struct report *w, const cstat_gate *g,
		const struct cstat_check *k)
{
	const char *name, *value;
	bool any = false;

	for (size_t i = 0;
	     g->t && cstat_table_key(g->t, k->table, i, &name, &value) == 0;
	     i++) {
		size_t len;

		if (machine_key(name))
			continue;
		value = cstat__trim(value, &len);
		put(w, any ? " " : "");
		put(w, name);
		put(w, ":");
		putn(w, value, len);
		any = true;
	}
	if (!g->t && *cstat__gate_config(g, k)) {
		put(w, cstat__gate_config(g, k));
		any = true;
	}
	if (!any)
		put(w, "cregress");
}

/* "sec/op +10.1% [+8.8%, +11.3%] (p=0.000, adjusted 0.000), threshold
 * 5%": the unit, the change and what it was held to. */
static void
junit_message(struct report *w, const struct ctx *x,
	      const struct cstat_check *k)
{
	char ch[CHANGE_CI_SIZE], p[SMALL_SIZE], adj[SMALL_SIZE];

	put(w, str(k->unit));
	put(w, " ");
	cstat__gate_fmt_change_ci(k, ch, sizeof(ch));
	put(w, ch);
	if (!isnan(k->p)) {
		fmt_p(k->p, p, sizeof(p));
		fmt_p(k->p_adjusted, adj, sizeof(adj));
		if (x->g->c->correction != CSTAT_CORRECTION_NONE &&
		    !isnan(k->p_adjusted))
			putf(w, " (p=%s, adjusted %s)", p, adj);
		else
			putf(w, " (p=%s)", p);
	}
	put(w, ", ");
	put_threshold(w, x, k);
}

static void
junit_case(struct report *w, const struct junit *j, size_t i, bool strict)
{
	const struct ctx *x = j->x;
	const struct cstat_check *k = &x->g->checks[i];

	raws(w, "    <testcase classname=\"");
	w->esc = ESC_XML_ATTR;
	junit_classname(w, x->g, k);
	raws(w, "\" name=\"");
	put(w, j->names.data + j->name_at[i]);
	if (j->dup[i])
		putf(w, " #%zu", j->dup[i]);
	raws(w, "\">\n      ");
	if (k->verdict == CSTAT_REGRESSION) {
		raws(w, "<failure message=\"");
		junit_message(w, x, k);
		raws(w, "\" type=\"regression\">");
	} else if (k->verdict == CSTAT_INCONCLUSIVE) {
		raws(w, strict ? "<failure message=\"" : "<skipped message=\"");
		put(w, str(k->unit));
		put(w, " inconclusive: ");
		put(w, str(k->reason));
		if (!strict) {
			raws(w, "\"/>\n    </testcase>\n");
			w->esc = ESC_NONE;
			return;
		}
		raws(w, "\" type=\"inconclusive\">");
	} else {
		raws(w, "<system-out>");
		w->esc = ESC_XML_TEXT;
		put(w, str(cstat_verdict_name(k->verdict)));
		put(w, ": ");
	}
	w->esc = ESC_XML_TEXT;
	put_describe(w, x, k);
	w->esc = ESC_NONE;
	if (k->verdict == CSTAT_REGRESSION || k->verdict == CSTAT_INCONCLUSIVE)
		raws(w, "</failure>\n    </testcase>\n");
	else
		raws(w, "</system-out>\n    </testcase>\n");
}

static void
junit_properties(struct report *w, const cstat_gate_config *c)
{
	char num[CSTAT__GO_FLOAT_SIZE];

	raws(w, "    <properties>\n");
	cstat__fmt_go_float(num, c->alpha);
	cstat__os_printf(
		&w->os, "      <property name=\"alpha\" value=\"%s\"/>\n", num);
	cstat__fmt_go_float(num, c->confidence);
	cstat__os_printf(&w->os,
			 "      <property name=\"confidence\" value=\"%s\"/>\n",
			 num);
	cstat__os_printf(&w->os,
			 "      <property name=\"correction\" value=\"%s\"/>\n",
			 correction_name(c->correction));
	cstat__fmt_go_float(num, c->threshold);
	cstat__os_printf(&w->os,
			 "      <property name=\"threshold\" value=\"%s\"/>\n",
			 num);
	cstat__os_printf(
		&w->os,
		"      <property name=\"threshold_on\" value=\"%s\"/>\n",
		cstat__gate_threshold_on_name(c->threshold_on));
	if (c->noise_from) {
		raws(w, "      <property name=\"noise_history\" value=\"");
		w->esc = ESC_XML_ATTR;
		put(w, c->noise_from);
		w->esc = ESC_NONE;
		raws(w, "\"/>\n");
	}
	raws(w, "    </properties>\n");
}

int
cstat__gate_write_junit(const cstat_gate *g, bool strict, FILE *out)
{
	struct report w = {.esc = ESC_NONE};
	struct ctx x;
	struct junit j;
	size_t nincon = count_verdict(g, CSTAT_INCONCLUSIVE);
	size_t failures = count_verdict(g, CSTAT_REGRESSION) +
			  g->scal_tally[CSTAT_REGRESSION];
	size_t skipped = strict ? 0 : nincon;
	int rc;

	cstat__os_file(&w.os, out);
	ctx_init(&x, g);
	rc = junit_init(&j, &x);
	if (rc)
		return rc;
	if (strict)
		failures += nincon;
	raws(&w, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
	cstat__os_printf(
		&w.os,
		"<testsuites name=\"cregress\" tests=\"%zu\" failures=\"%zu\" "
		"errors=\"0\" skipped=\"%zu\">\n",
		g->n + g->nscal, failures, skipped);
	cstat__os_printf(
		&w.os,
		"  <testsuite name=\"cregress\" tests=\"%zu\" failures=\"%zu\" "
		"errors=\"0\" skipped=\"%zu\">\n",
		g->n + g->nscal, failures, skipped);
	junit_properties(&w, g->c);
	for (size_t i = 0; i < g->n && !w.os.err; i++)
		junit_case(&w, &j, i, strict);
	extra_junit_cases(&w, g);
	extra_junit_out(&w, g);
	raws(&w, "  </testsuite>\n</testsuites>\n");
	junit_release(&j);
	return cstat__os_close(&w.os);
}

/* ---------------------------------------------------------------------- */
/* GitHub Actions workflow commands */

/*
 * GitHub shows at most 10 annotations of each kind (error, warning,
 * notice) per step and drops the rest without a word, so the report makes
 * one annotation per benchmark and kind, with every unit of the benchmark
 * in its message, one line each (a root cause that slows a benchmark down
 * and makes it allocate more is one annotation, not two), and writes at
 * most GH_CAP of each kind.  What is left out is counted in a notice that
 * points to the job summary (the Markdown report); the notices' own cap
 * is shared with these counts, which come first.
 */
#define GH_CAP 10

enum gh_kind { GH_ERROR, GH_WARNING, GH_NOTICE, GH_NKINDS };

/* The kind of annotation check k gets, or GH_NKINDS for none. */
static enum gh_kind
gh_kind_of(const struct cstat_check *k, bool strict)
{
	switch (k->verdict) {
	case CSTAT_REGRESSION:
		return GH_ERROR;
	case CSTAT_INCONCLUSIVE:
		return strict ? GH_ERROR : GH_WARNING;
	case CSTAT_IMPROVEMENT:
		return GH_NOTICE;
	default:
		return GH_NKINDS;
	}
}

/* An annotated check, sorted so that a benchmark's checks of one kind
 * are together, in check order. */
struct gh_item {
	const struct cstat_check *k;
	const char *config; /* k's, written for the annotated checks only */
	enum gh_kind kind;
	size_t i;
};

static int
cmp_gh_item(const void *pa, const void *pb)
{
	const struct gh_item *a = pa, *b = pb;
	int r;

	if (a->kind != b->kind)
		return a->kind < b->kind ? -1 : 1;
	r = strcmp(str(a->k->name), str(b->k->name));
	if (!r)
		r = strcmp(a->config, b->config);
	if (!r)
		r = a->i < b->i ? -1 : a->i > b->i;
	return r;
}

/* A benchmark's annotation: items[at, at + n). */
struct gh_group {
	size_t at, n, first; /* first: its first check's index */
	enum gh_kind kind;
};

static int
cmp_gh_group(const void *pa, const void *pb)
{
	const struct gh_group *a = pa, *b = pb;

	if (a->first != b->first)
		return a->first < b->first ? -1 : 1;
	return a->kind < b->kind ? -1 : a->kind > b->kind;
}

static bool
gh_same(const struct gh_item *a, const struct gh_item *b)
{
	return a->kind == b->kind && same(a->k->name, b->k->name) &&
	       same(a->config, b->config);
}

/* The annotated checks (*items) and their groups in order of first
 * appearance (*groups, *ngroups). */
static int
gh_group(const cstat_gate *g, bool strict, struct gh_item **items,
	 struct gh_group **groups, size_t *ngroups)
{
	size_t n = 0, m = 0;
	struct gh_item *it = malloc((g->n ? g->n : 1) * sizeof(*it));
	struct gh_group *gr = malloc((g->n ? g->n : 1) * sizeof(*gr));

	if (!it || !gr) {
		free(it);
		free(gr);
		return CSTAT_ENOMEM;
	}
	for (size_t i = 0; i < g->n; i++) {
		enum gh_kind kind = gh_kind_of(&g->checks[i], strict);

		if (kind != GH_NKINDS)
			it[n++] = (struct gh_item){
				&g->checks[i],
				cstat__gate_config(g, &g->checks[i]), kind, i};
	}
	qsort(it, n, sizeof(*it), cmp_gh_item);
	for (size_t i = 0; i < n; i++) {
		if (i && gh_same(&it[i], &it[i - 1])) {
			gr[m - 1].n++;
			continue;
		}
		gr[m++] = (struct gh_group){i, 1, it[i].i, it[i].kind};
	}
	qsort(gr, m, sizeof(*gr), cmp_gh_group);
	*items = it;
	*groups = gr;
	*ngroups = m;
	return 0;
}

/* Writes one annotation: "::error title=Regression in NAME (sec/op,
 * B/op)::" and a line per check. */
static void
gh_write(struct report *w, const struct ctx *x, const struct gh_item *items,
	 const struct gh_group *gr)
{
	static const char *const cmd[] = {"error", "warning", "notice"};
	const struct gh_item *it = items + gr->at;
	bool regression = false;

	for (size_t i = 0; i < gr->n; i++)
		regression |= it[i].k->verdict == CSTAT_REGRESSION;
	raws(w, "::");
	raws(w, cmd[gr->kind]);
	raws(w, " title=");
	w->esc = ESC_GH_PROP;
	put(w, gr->kind == GH_NOTICE ? "Improvement in "
	       : regression	     ? "Regression in "
				     : "Inconclusive: ");
	put_ident(w, x, it[0].k);
	put(w, " (");
	for (size_t i = 0; i < gr->n; i++) {
		bool seen = false;

		for (size_t e = 0; e < i && !seen; e++)
			seen = same(it[e].k->unit, it[i].k->unit);
		if (seen)
			continue;
		put(w, i ? ", " : "");
		put(w, str(it[i].k->unit));
	}
	put(w, ")");
	w->esc = ESC_NONE;
	raws(w, "::");
	for (size_t i = 0; i < gr->n; i++) {
		if (i)
			raws(w, "%0A"); /* a line break in the message */
		w->esc = ESC_GH_DATA;
		put_describe(w, x, it[i].k);
		w->esc = ESC_NONE;
	}
	raws(w, "\n");
}

/* "::notice title=cregress::and 290 more benchmarks with regressions
 * (580 comparisons) not annotated; see the job summary" */
static void
gh_more(struct report *w, size_t groups, size_t checks, const char *what)
{
	raws(w, "::notice title=cregress::");
	w->esc = ESC_GH_DATA;
	putf(w,
	     "and %zu more benchmark%s with %s (%zu comparison%s) not "
	     "annotated; see the job summary",
	     groups, plural(groups), what, checks, plural(checks));
	w->esc = ESC_NONE;
	raws(w, "\n");
}

int
cstat__gate_write_github(const cstat_gate *g, bool strict, FILE *out)
{
	struct report w = {.esc = ESC_NONE};
	struct ctx x;
	struct gh_item *items;
	struct gh_group *groups;
	size_t ngroups, total[GH_NKINDS] = {0}, cap[GH_NKINDS];
	size_t shown[GH_NKINDS] = {0}, left[GH_NKINDS] = {0};
	int rc;

	cstat__os_file(&w.os, out);
	ctx_init(&x, g);
	rc = gh_group(g, strict, &items, &groups, &ngroups);
	if (rc)
		return rc;
	for (size_t i = 0; i < ngroups; i++)
		total[groups[i].kind]++;
	/* An exponent regression and the data-quality warnings take one
	 * annotation each. */
	cap[GH_ERROR] = GH_CAP - (g->scal_tally[CSTAT_REGRESSION] > 0);
	cap[GH_WARNING] = GH_CAP - (g->nwarn > 0);
	/* The counts of what is left out are notices too. */
	cap[GH_NOTICE] = GH_CAP - (total[GH_ERROR] > GH_CAP) -
			 (total[GH_WARNING] > GH_CAP);
	if (total[GH_NOTICE] > cap[GH_NOTICE])
		cap[GH_NOTICE]--;
	for (size_t i = 0; i < ngroups && !w.os.err; i++) {
		const struct gh_group *gr = &groups[i];

		if (shown[gr->kind] < cap[gr->kind]) {
			gh_write(&w, &x, items, gr);
			shown[gr->kind]++;
		} else {
			left[gr->kind] += gr->n;
		}
	}
	if (total[GH_ERROR] > shown[GH_ERROR])
		gh_more(&w, total[GH_ERROR] - shown[GH_ERROR], left[GH_ERROR],
			strict && g->tally[CSTAT_INCONCLUSIVE]
				? "regressions or inconclusive comparisons"
				: "regressions");
	if (total[GH_WARNING] > shown[GH_WARNING])
		gh_more(&w, total[GH_WARNING] - shown[GH_WARNING],
			left[GH_WARNING], "inconclusive comparisons");
	if (total[GH_NOTICE] > shown[GH_NOTICE])
		gh_more(&w, total[GH_NOTICE] - shown[GH_NOTICE],
			left[GH_NOTICE], "improvements");
	free(items);
	free(groups);
	extra_github(&w, g);
	raws(&w, "cregress: ");
	put_summary(&w, g);
	raws(&w, "\n");
	return cstat__os_close(&w.os);
}
