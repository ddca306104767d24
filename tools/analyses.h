/*
 * analyses.h - the analyses cregress and cstat's HTML page add to their
 * output: the data-quality warnings, which the builder checks on each
 * cell's values in run order as it builds, keeping the strong findings
 * (cstat_builder_diagnose_strong()), and cregress -scaling, for which the
 * inputs are read a second time (analyses.c).
 */
#ifndef CSTAT_TOOLS_ANALYSES_H
#define CSTAT_TOOLS_ANALYSES_H

#include <stdbool.h>

#include "cstat.h"

/* Whether some input is standard input, which cannot be read twice. */
bool analyses_stdin(const cstat_inputs *in);

/*
 * Reads every input of in again on r (a fresh reader, with the tool's
 * limits), in order, each result into s (s's input i is in's input i),
 * then builds s.  Malformed lines are skipped without a word: the first
 * reading reported them.  *d describes a reader's error.
 * @return 0 or an error code (CSTAT_ENOMEM, a reader's error).
 */
int analyses_read(const cstat_inputs *in, cstat_reader *r, cstat_scaling *s,
		  struct cstat_diag *d);

/* What cregress adds to its gate: the analyses it owns until the gate is
 * freed (analyses_free() after cstat_gate_free()), and the thread that
 * reads them. */
struct analyses {
	cstat_diagnose *dg;
	cstat_scaling *s;
	const cstat_inputs *in;
	cstat_reader *r;
	struct cstat_diag d;
	int rc;
	bool running;
	unsigned long thread; /* a pthread_t, when running */
};

/*
 * cregress: makes the data-quality diagnostics (unless diagnose is false;
 * the builder fills them: analyses_builder()) and, when key is set, starts
 * reading the inputs again, on a thread of its own while the gate reads
 * and judges them, into the scaling analysis in key, fitted at
 * 1 - (1 - confidence) / 2 so that the change of k has an interval of at
 * least the gate's confidence.  Without a thread, reads them here.
 * @return 0, or 2 after saying why on stderr.
 */
int analyses_start(const char *prog, const cstat_gate_config *gc,
		   const cstat_inputs *in, const char *key, bool diagnose,
		   struct analyses *a);
/*
 * Has builder b run the data-quality checks as it builds (when
 * analyses_start() was asked for them): each cell's values in run order,
 * without reading the inputs again.  Call it before building.
 * @return 0, or 2 after saying why on stderr.
 */
int analyses_builder(const char *prog, cstat_builder *b, struct analyses *a);
/*
 * Waits for the reading analyses_start() began, runs the checks, and hands
 * them and what it read to the gate.
 * @return 0, or 2 after saying why on stderr.
 */
int analyses_gate(const char *prog, cstat_gate *g, struct analyses *a);
/* Waits for the reading if it still runs, and frees the analyses. */
void analyses_free(struct analyses *a);

#endif /* CSTAT_TOOLS_ANALYSES_H */
