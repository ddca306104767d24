/*
 * pg-record.c - a minimal client of the PostgreSQL store for the process
 * tests (tests/postgresql.py): records runs of one input, or prints a
 * history's bytes.
 *
 *   pg-record record LOCATION HISTORY N INPUT [retry]
 *     records N runs of INPUT (each a new run id) to HISTORY, printing
 *     "begin" before each and "done ID added|again" once it is stored
 *     (flushed, so a killed client leaves what it knew); with retry,
 *     each run is recorded a second time, which must add nothing.
 *     N of 0 records until killed.
 *   pg-record read LOCATION HISTORY
 *     writes the history's bytes to stdout.
 *
 * The project is $CSTAT_PROJECT, else "default".  Exit status 0, or 1
 * with the store's message on stderr.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cstat.h"

static cstat_run *
run_of(const char *path, struct cstat_diag *d)
{
	cstat_reader *r = NULL;
	cstat_run *run = NULL;
	const struct cstat_result *res;
	int rc = cstat_reader_new(&r);

	rc = rc ? rc : cstat_run_new(&run);
	rc = rc ? rc : cstat_reader_open(r, path, "x", d);
	while (!rc && (rc = cstat_reader_next(r, &res, d)) == 1)
		rc = cstat_run_add(run, res, r);
	rc = rc ? rc : cstat_run_set(run, "created", "2026-11-01T10:00:00Z");
	cstat_reader_free(r);
	if (rc) {
		cstat_run_free(run);
		return NULL;
	}
	return run;
}

static int
append(cstat_store *s, const char *history, const cstat_run *r, bool *added,
       struct cstat_diag *d)
{
	char *line = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&line, &len);
	int rc = f ? cstat_run_write(r, false, f) : CSTAT_ENOMEM;

	if (f && fclose(f) && !rc)
		rc = CSTAT_ENOMEM;
	if (!rc)
		rc = cstat_store_record(s, history, line, len, added, d);
	free(line);
	return rc;
}

static int
record(cstat_store *s, const char *history, long n, const char *input,
       bool retry, struct cstat_diag *d)
{
	/* INPUT is read once and each record given a new id, so that the
	 * client's time is in records, where case_kill's kills must land,
	 * not in reading the same file again (slow under a sanitizer). */
	cstat_run *r = run_of(input, d);

	if (!r)
		return 1;
	for (long i = 0; n == 0 || i < n; i++) {
		cstat_run *fresh = NULL;
		bool added;
		int rc = cstat_run_new(&fresh);

		if (!rc)
			rc = cstat_run_set(r, "id", cstat_run_get(fresh, "id"));
		cstat_run_free(fresh);
		if (rc) {
			cstat_run_free(r);
			return 1;
		}
		for (int k = 0; k < (retry ? 2 : 1); k++) {
			printf("begin\n");
			fflush(stdout);
			rc = append(s, history, r, &added, d);
			if (rc) {
				cstat_run_free(r);
				return 1;
			}
			printf("done %s %s\n", cstat_run_get(r, "id"),
			       added ? "added" : "again");
			fflush(stdout);
		}
	}
	cstat_run_free(r);
	return 0;
}

int
main(int argc, char **argv)
{
	cstat_store *s;
	struct cstat_diag d;
	int rc;

	memset(&d, 0, sizeof(d));
	if (argc < 4 || (strcmp(argv[1], "record") == 0 && argc < 6)) {
		fprintf(stderr, "usage: pg-record record LOCATION HISTORY N "
				"INPUT [retry] | read LOCATION HISTORY\n");
		return 2;
	}
	if (cstat_store_open(&s, argv[2], getenv("CSTAT_PROJECT"), &d)) {
		fprintf(stderr, "pg-record: %s\n", d.message);
		return 1;
	}
	if (strcmp(argv[1], "record") == 0) {
		rc = record(s, argv[3], strtol(argv[4], NULL, 10), argv[5],
			    argc > 6 && strcmp(argv[6], "retry") == 0, &d);
	} else {
		char *bytes;
		size_t len;
		rc = cstat_store_history(s, argv[3], &bytes, &len, &d) ? 1 : 0;
		if (!rc) {
			fwrite(bytes, 1, len, stdout);
			free(bytes);
		}
	}
	if (rc)
		fprintf(stderr, "pg-record: %s\n", d.message);
	cstat_store_close(s);
	return rc;
}
