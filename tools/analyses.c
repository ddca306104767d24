/*
 * analyses.c - the inputs read a second time, one result at a time, into
 * the analyses that need the run order (analyses.h).
 */
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "analyses.h"
#include "cli.h"

bool
analyses_stdin(const cstat_inputs *in)
{
	for (size_t i = 0; i < cstat_inputs_count(in); i++)
		if (strcmp(cstat_inputs_get(in, i)->path, "-") == 0)
			return true;
	return false;
}

int
analyses_read(const cstat_inputs *in, cstat_reader *r, cstat_scaling *s,
	      struct cstat_diag *d)
{
	const struct cstat_result *res;
	int rc = 0;

	for (size_t i = 0; !rc && i < cstat_inputs_count(in); i++) {
		rc = cstat_reader_open_input(r, cstat_inputs_get(in, i), d);
		int k;
		while (!rc && (k = cstat_reader_next(r, &res, d)) != 0)
			if (k == 1)
				rc = cstat_scaling_add(s, i, res);
			else if (k != CSTAT_ESYNTAX)
				rc = k;
	}
	return rc ? rc : cstat_scaling_build(s);
}

static void *
read_main(void *arg)
{
	struct analyses *a = arg;

	/* The diagnostics come from the builder (analyses_builder()). */
	a->rc = analyses_read(a->in, a->r, a->s, &a->d);
	return NULL;
}

static void
join(struct analyses *a)
{
	if (a->running)
		pthread_join((pthread_t)a->thread, NULL);
	a->running = false;
}

void
analyses_free(struct analyses *a)
{
	join(a);
	cstat_reader_free(a->r);
	cstat_diagnose_free(a->dg);
	cstat_scaling_free(a->s);
	a->r = NULL;
	a->dg = NULL;
	a->s = NULL;
}

int
analyses_start(const char *prog, const cstat_gate_config *gc,
	       const cstat_inputs *in, const char *key, bool diagnose,
	       struct analyses *a)
{
	struct cstat_diagnose_opts o = {cstat_gate_config_get(gc, "alpha"),
					cstat_gate_config_get(gc, "threshold"),
					0};
	double conf = 1 - (1 - cstat_gate_config_get(gc, "confidence")) / 2;
	int rc;

	memset(&a->d, 0, sizeof(a->d));
	a->in = in;
	a->rc = 0;
	if (key && analyses_stdin(in)) {
		fprintf(stderr,
			"%s: -scaling reads the inputs again, which standard "
			"input cannot be\n",
			prog);
		return 2;
	}
	if (!diagnose && !key)
		return 0;
	rc = diagnose ? cstat_diagnose_new(&o, &a->dg) : 0;
	if (!rc && !key)
		return 0; /* nothing to read again */
	if (!rc)
		rc = cstat_reader_new(&a->r);
	if (!rc && key) {
		rc = cstat_scaling_new(&a->s, key, cstat_inputs_count(in),
				       conf);
		if (rc == CSTAT_EINVAL) {
			fprintf(stderr,
				"%s: -scaling %s: want a sub-benchmark key "
				"such as /n\n",
				prog, key);
			return 2;
		}
	}
	if (rc) {
		fprintf(stderr, "%s: %s\n", prog, cstat_strerror(rc));
		return 2;
	}
	if (cli_reader_limits(prog, a->r, NULL))
		return 2;
	pthread_t th;
	if (pthread_create(&th, NULL, read_main, a) == 0) {
		a->thread = (unsigned long)th;
		a->running = true;
	} else {
		read_main(a);
	}
	return 0;
}

int
analyses_gate(const char *prog, cstat_gate *g, struct analyses *a)
{
	int rc;

	join(a);
	rc = a->rc;
	if (!rc && a->dg)
		rc = cstat_diagnose_run(a->dg);
	if (!rc && a->dg) {
		int n = cstat_gate_add_diagnose(g, a->dg);
		rc = n < 0 ? n : 0;
	}
	if (!rc && a->s)
		rc = cstat_gate_add_scaling(g, a->s);
	if (rc) {
		if (a->d.message[0])
			cli_print_error(prog, rc, &a->d);
		else
			fprintf(stderr, "%s: %s\n", prog, cstat_strerror(rc));
		return 2;
	}
	return 0;
}

int
analyses_builder(const char *prog, cstat_builder *b, struct analyses *a)
{
	int rc = a->dg ? cstat_builder_diagnose_strong(b, a->dg) : 0;

	if (rc)
		fprintf(stderr, "%s: %s\n", prog, cstat_strerror(rc));
	return rc ? 2 : 0;
}
