/*
 * analyses.h - reading the inputs a second time for the analyses that need
 * each value in run order (the built tables keep them sorted): the
 * data-quality warnings of cregress and of cstat's HTML page, and
 * cregress -scaling (analyses.c).
 */
#ifndef CSTAT_TOOLS_ANALYSES_H
#define CSTAT_TOOLS_ANALYSES_H

#include <stdbool.h>

#include "cstat.h"

/* Whether some input is standard input, which cannot be read twice. */
bool analyses_stdin(const cstat_inputs *in);

/*
 * Reads every input of in again on r (a fresh reader, with the tool's
 * limits), in order, each result into dg and s
 * (either may be NULL; s's input i is in's input i), then runs dg and
 * builds s.  Malformed lines are skipped without a word: the first reading
 * reported them.  *d describes a reader's error.
 * @return 0 or an error code (CSTAT_ENOMEM, a reader's error).
 */
int analyses_read(const cstat_inputs *in, cstat_reader *r, cstat_diagnose *dg,
		  cstat_scaling *s, struct cstat_diag *d);

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
 * cregress: starts reading the inputs again, on a thread of its own while
 * the gate reads and judges them, into the data-quality diagnostics
 * (unless diagnose is false, or an input is standard input: then there
 * are none) and, when key is set, the scaling analysis in key, fitted at
 * 1 - (1 - confidence) / 2 so that the change of k has an interval of at
 * least the gate's confidence.  Without a thread, reads them here.
 * @return 0, or 2 after saying why on stderr.
 */
int analyses_start(const char *prog, const cstat_gate_config *gc,
		   const cstat_inputs *in, const char *key, bool diagnose,
		   struct analyses *a);
/*
 * Waits for the reading analyses_start() began and hands what it read to
 * the gate.
 * @return 0, or 2 after saying why on stderr.
 */
int analyses_gate(const char *prog, cstat_gate *g, struct analyses *a);
/* Waits for the reading if it still runs, and frees the analyses. */
void analyses_free(struct analyses *a);

#endif /* CSTAT_TOOLS_ANALYSES_H */
