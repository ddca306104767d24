/*
 * gate.h - the regression gate's internals, shared by the settings
 * (gate-config.c), the judge (gate.c) and the reports (gate-render.c).
 *
 * The public side is in cstat.h: cstat_gate_config holds what a team
 * decided (alpha, correction, thresholds, ignore patterns, directions),
 * cstat_gate holds the verdict on every comparison of some tables.
 */
#ifndef CSTAT_GATE_H
#define CSTAT_GATE_H

#include <pthread.h>

#include "cstat-private.h"

/* A threshold rule: which comparisons it selects and the threshold. */
struct cstat__rule {
	char *bench;	  /* fnmatch pattern over the row label, or NULL */
	char *unit;	  /* exact unit, or NULL */
	int cls;	  /* enum cstat_unit_class, or -1 */
	double threshold; /* a fraction: 0.05 is 5% */
	char *text;	  /* the rule as written: "bench:Enc*,unit:B/op=10%" */
	char *source;	  /* "flag" or "FILE:LINE" */
};

/* A unit's direction set by the settings ("better" key). */
struct cstat__better {
	char *unit;
	bool higher;
	char *source;
};

struct cstat__ignore {
	char *pattern;
	char *source;
};

/* What the threshold is applied to. */
enum cstat__threshold_on {
	CSTAT__ON_ESTIMATE = 0, /* the point estimate (default) */
	CSTAT__ON_INTERVAL = 1, /* the whole confidence interval */
};

/*
 * One series of a history given with cstat_gate_config_set_history(): the
 * run-to-run spread of one benchmark in one unit and configuration.
 */
struct cstat__noise {
	char *config, *unit, *name; /* the key, as a check spells it */
	double spread;	  /* SD of the log run medians; NaN when too few */
	size_t runs;	  /* the runs the spread is from (kept ones) */
	size_t first;	  /* the first of them, a run number of the history */
	size_t set_aside; /* runs left out as broken (far from the rest) */
	bool exact;	  /* assume=exact: no run-to-run noise to speak of */
};

struct cstat_gate_config {
	size_t max_size;	/* the largest file load() reads */
	double alpha;		/* default 0.05 */
	double confidence;	/* default 0.95 */
	int correction;		/* enum cstat_correction; default holm */
	double threshold;	/* default 0.05 */
	int threshold_on;	/* enum cstat__threshold_on */
	char *threshold_source; /* "default", "flag" or "FILE:LINE" */
	struct cstat__rule *rules;
	size_t nrules, rules_cap;
	struct cstat__ignore *ignores;
	size_t nignores, ignores_cap;
	struct cstat__better *betters;
	size_t nbetters, betters_cap;
	/* Where the next setting comes from, for sources; NULL is "flag". */
	const char *cur_source;
	/* The history's spreads (gate-noise.c), sorted by key; noise_from is
	 * NULL without a history. */
	struct cstat__noise *noise;
	size_t nnoise;
	char *noise_from;
	size_t noise_nruns; /* runs in the history */
	bool noise_cut;	    /* those are the last runs of a longer one */
	double noise_alpha; /* family-wise level of the noise bound */
	/* The machine-fingerprint keys, comma-separated (the "fingerprint"
	 * setting); CSTAT_DEFAULT_FINGERPRINT until set. */
	char *fingerprint;
	/* The exponent rule: the rise of a scaling exponent allowed, the
	 * rule as written (NULL: the default) and where it came from. */
	double exponent_rise;
	char *exponent_text;
	char *exponent_source;
};

/* The rise of a scaling exponent allowed by default. */
#define CSTAT__EXPONENT_RISE 0.1

/* Fewest runs a spread is estimated from, and the most recent ones used. */
#define CSTAT__NOISE_MIN_RUNS 5
#define CSTAT__NOISE_MAX_RUNS 30

/* Frees the spreads a config holds (gate-noise.c). */
void cstat__gate_noise_release(cstat_gate_config *c);

/*
 * Fills k->noise, noise_spread and noise_runs from the history's spread
 * of k's series, for a family of m comparisons (gate-noise.c): NaN, NaN
 * and the runs found when there is no history, the unit is exact, or the
 * series has fewer than CSTAT__NOISE_MIN_RUNS usable runs.  config is as
 * for cstat__gate_noise_find(); NULL when no series can match.
 */
void cstat__gate_noise_apply(const cstat_gate_config *c, const char *config,
			     struct cstat_check *k, size_t m);

/*
 * The history series of k, or NULL: matched by config, k's table's key
 * without the fingerprint keys (cstat__gate_table_config()), so that a
 * comparison across machines finds the history of either.
 */
const struct cstat__noise *cstat__gate_noise_find(const cstat_gate_config *c,
						  const char *config,
						  const struct cstat_check *k);

/* "k:v k:v" for table i's key, as the gate spells a check's config,
 * without the keys in the comma-separated list skip (NULL: none);
 * malloc'd, or NULL when out of memory. */
char *cstat__gate_table_config(const cstat_tables *t, size_t i,
			       const char *skip);

/* cstat__gate_table_config() into b, emptied first (its NUL written).
 * @return 0 or CSTAT_ENOMEM. */
int cstat__gate_table_config_buf(const cstat_tables *t, size_t i,
				 const char *skip, struct cstat__buf *b);

/*
 * Whether tables a and b have the same config text (the same
 * cstat__gate_table_config(t, ., NULL)), found without writing it: the
 * keys' fields are compared where their sequences differ, so two keys of
 * thousands of fields that differ in a few cost those few.
 */
bool cstat__gate_same_table_config(const cstat_tables *t, size_t a, size_t b);

/* The one-sided quantile the noise bound uses: runs - 1 degrees of freedom
 * at c->noise_alpha / m. */
double cstat__gate_noise_quantile(const cstat_gate_config *c, size_t runs,
				  size_t m);

/*
 * Parses a percentage such as "5%", "0.5%" or "+10%" into a fraction.
 * @return 0, or CSTAT_EINVAL if s is not a finite, non-negative number
 *         followed by '%'.
 */
int cstat__parse_pct(const char *s, double *out);

/*
 * The rule that sets the threshold of a comparison of benchmark name in
 * unit (of class cls): the most specific match, the last among equals.
 * @return its index in c->rules, or -1 when the default applies.
 */
long cstat__gate_rule_for(const cstat_gate_config *c, const char *name,
			  const char *unit, int cls);

/*
 * Whether the benchmark glob pattern matches name, or name without its
 * "-N" GOMAXPROCS suffix ("Encode/j*" matches "Encode/json-8").
 */
bool cstat__gate_glob_matches(const char *pattern, const char *name);

/* The first ignore pattern that matches name, or NULL. */
const struct cstat__ignore *cstat__gate_ignored_by(const cstat_gate_config *c,
						   const char *name);

/* The direction the settings give unit: 1 higher is better, 0 lower is
 * better, -1 not set (the last setting for the unit wins). */
int cstat__gate_better(const cstat_gate_config *c, const char *unit,
		       const char **source);

/*
 * Writes every rule that matches (name, unit, cls), one per line, in
 * specificity order, marking the one that applies with "*" (or the default
 * when none matches).
 * @return 0 or CSTAT_EIO.
 */
int cstat__gate_explain_rules(const cstat_gate_config *c, const char *name,
			      const char *unit, int cls, FILE *out);

/* "estimate" or "interval". */
const char *cstat__gate_threshold_on_name(int on);

struct cstat__ucache;

/*
 * The confidence interval of the relative change of y against x (both
 * sorted ascending, finite): with additive false, exp(.) - 1 of the
 * Hodges-Lehmann interval of log(y) - log(x) (every value must be > 0);
 * with additive true, the interval of y - x divided by |base_center|.
 * Unbounded ends are -1 or -inf and +inf; NaN when undefined.
 * @return 0, CSTAT_EINVAL or CSTAT_ENOMEM.
 */
int cstat__gate_interval(struct cstat__ucache *uc, const double *x, size_t nx,
			 const double *y, size_t ny, double base_center,
			 double confidence, bool additive, double *lo,
			 double *hi);

/*
 * The Hodges-Lehmann shift of y against x (the median of the differences
 * y[j] - x[i]) and its interval (their k-th smallest and largest, k from
 * the U distribution), x and y sorted ascending: the same doubles as
 * sorting all the differences gives.  NaN when a value is not finite;
 * -inf and +inf when the samples are too small for the confidence.
 * @return 0, CSTAT_EINVAL or CSTAT_ENOMEM.
 */
int cstat__gate_hodges_lehmann(struct cstat__ucache *uc, const double *x,
			       size_t nx, const double *y, size_t ny,
			       double confidence, double *shift, double *lo,
			       double *hi);

/* The values per side a U test of n + n values needs to reach level: the
 * least n with 2 / C(2n, n) <= level, or 0 when even 1000 cannot. */
size_t cstat__gate_samples_needed(double level);

/*
 * The detectable change's simulation for n values a side, for run
 * planning (plan.c), so that a plan and -aa's detectable change come from
 * the same replicates: reps pairs of standard normal samples (a fixed
 * seed per n; -aa takes 10,000, whose first reps these are), and for each
 * the least shift of the second sample at which the U test reaches level
 * (+inf when it never can), the difference of the medians, and the lower
 * end of the Hodges-Lehmann interval at confidence.  The three arrays of
 * reps are malloc'd, the caller's to free; NULL on failure.
 * @return 0 or CSTAT_ENOMEM.
 */
int cstat__gate_power_sim(struct cstat__ucache *uc, size_t n, double level,
			  double confidence, size_t reps, double **test,
			  double **med, double **low);

/* A comparison that an ignore pattern left out, for explain. */
struct cstat__ignored {
	const char *name, *unit;
	const char *config; /* for a gate without tables; else NULL */
	const char *pattern, *source;
	size_t table; /* with tables: its config is this table's */
};

/*
 * The config texts of a gate's tables, written the first time one is
 * asked for (a report's printed rows, cstat_gate_get()): a gate over n
 * tables of n keys each would otherwise keep n * n bytes of text that its
 * reports mostly never print.  Reports on two threads ask at once, so a
 * lock guards it.
 */
struct cstat__gate_texts {
	pthread_mutex_t lock;
	const char **by_table; /* NULL until written */
	struct cstat__arena strs;
	size_t failed; /* texts that could not be written (out of memory) */
};

struct cstat_gate {
	const cstat_tables *t;
	const cstat_gate_config *c;
	cstat_gate_config *own_c; /* the defaults, when given no settings */
	struct cstat_check *checks;
	size_t n;
	bool *equal;	    /* by check: every value on both sides the same */
	double *detectable; /* by check, when calibrated; else NULL */
	size_t tally[4];
	/* The family the correction is over: tested comparisons, without
	 * assume=exact ones and those whose values are all equal. */
	size_t family;
	struct cstat__ignored *ignored;
	size_t nignored;
	struct cstat__arena strs; /* reasons */
	/* The tables' config texts, written when asked for; NULL for a
	 * gate without tables (its checks' config is all there is). */
	struct cstat__gate_texts *texts;
	/* The scaling exponents judged (cstat_gate_add_scaling();
	 * gate-extra.c), their tally by verdict, and the analysis they come
	 * from. */
	const cstat_scaling *scaling;
	struct cstat_scaling_check *scal;
	size_t nscal;
	size_t scal_tally[4];
	/* The data-quality findings shown as warnings
	 * (cstat_gate_add_diagnose()): the cells with a strong finding other
	 * than too few values, which the verdicts say already. */
	const cstat_diagnose *diag;
	const struct cstat_diagnosis **warn;
	size_t nwarn;
	/* Made by cstat__gate_new_verdicts(): what the verdicts do not need
	 * is not measured. */
	bool verdicts_only;
	/* The threads the gate was made with (1 or 2): the text report
	 * formats its rows on as many. */
	unsigned threads;
};

/*
 * Check k's config text ("k:v k:v"): its table's, written on first use
 * and kept by the gate, or k->config for a gate without tables.  "" when
 * it could not be written (out of memory), which g->texts->failed counts:
 * cstat_gate_write() and cstat_gate_explain() then fail with
 * CSTAT_ENOMEM.  Safe to call from two threads.
 */
const char *cstat__gate_config(const cstat_gate *g,
			       const struct cstat_check *k);

/* The config text of an ignored comparison, as cstat__gate_config(). */
const char *cstat__gate_ignored_config(const cstat_gate *g,
				       const struct cstat__ignored *ig);

/* Whether checks a and b have the same config text, without writing it
 * for a gate with tables. */
bool cstat__gate_same_config(const cstat_gate *g, const struct cstat_check *a,
			     const struct cstat_check *b);

/* The findings a report shows as warnings of diagnosis g (gate-extra.c). */
unsigned cstat__gate_warn_bits(const struct cstat_diagnosis *g);

struct cstat__ostream;
/* Writes the HTML block of dg's warnings (nothing when there are none):
 * cstat's page, under its summary (gate-extra.c). */
void cstat__html_warnings(struct cstat__ostream *p, const cstat_diagnose *dg);

/*
 * cstat_gate_new_threaded() without units or calibration, for a reader of
 * the verdicts alone (the HTML page): unless the threshold is on the
 * interval, the Hodges-Lehmann shift and the change's interval, which no
 * verdict reads, are not measured and stay NaN (for assume=exact tables
 * they are the modes' difference, as always).  Every other field, the
 * verdicts and the tallies are those cstat_gate_new_threaded() gives.
 * @return 0, CSTAT_EINVAL or CSTAT_ENOMEM.
 */
int cstat__gate_new_verdicts(cstat_gate **out, const cstat_tables *t,
			     const cstat_gate_config *c, unsigned threads);

/* The reports (gate-render.c). */
int cstat__gate_write_text(const cstat_gate *g, FILE *out);
int cstat__gate_write_markdown(const cstat_gate *g, FILE *out);
int cstat__gate_write_json(const cstat_gate *g, FILE *out);
int cstat__gate_write_junit(const cstat_gate *g, bool strict, FILE *out);
int cstat__gate_write_github(const cstat_gate *g, bool strict, FILE *out);

/*
 * Formats a relative change as "+7.2%" (one decimal; two below 1%, so a
 * small change never prints as "+0.0%"), or "?" for NaN.
 */
void cstat__gate_fmt_change(double change, char *buf, size_t size);
/* The mark after an additive interval, and what it means. */
#define CSTAT__GATE_ADDITIVE_MARK "\xe2\x80\xa0" /* a dagger */
#define CSTAT__GATE_ADDITIVE_NOTE                                              \
	"\xe2\x80\xa0 additive interval: some value is <= 0"
#define CSTAT__GATE_ADDITIVE_FOOTNOTE                                          \
	"\xe2\x80\xa0 The interval is of the difference divided by the base "  \
	"median, because some value is <= 0; other intervals are of the "      \
	"ratio new/base."
/* Whether k shows an interval that is additive. */
bool cstat__gate_shows_additive(const struct cstat_check *k);
/* Formats "+7.2% [+5.9%, +8.4%]", the change and its interval, with the
 * additive mark when it is additive. */
void cstat__gate_fmt_change_ci(const struct cstat_check *k, char *buf,
			       size_t size);
/* Formats a value of unit with benchstat's scaling, without the unit:
 * "1.234µ" for 1.234e-6 sec/op, "1.500Ki" for 1536 B/op. */
void cstat__gate_fmt_value(double v, const char *unit, char *buf, size_t size);

#endif /* CSTAT_GATE_H */
