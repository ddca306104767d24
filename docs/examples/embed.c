/*
 * embed.c - using libcstat from your own program.
 *
 * Reads two benchmark files, builds benchstat's comparison and then does
 * two things with it: prints the standard text table, and walks the tables
 * itself to list every significant change, the way a CI tool or a
 * dashboard would.
 *
 * Build:  cc embed.c $(pkg-config --cflags --libs libcstat) -o embed
 * Run:    ./embed old.txt new.txt
 */
#include <stdio.h>
#include <stdlib.h>

#include <cstat.h>

static int
read_file(cstat_reader *r, cstat_builder *b, const char *path)
{
	struct cstat_diag d;
	char msg[1024];
	int rc = cstat_reader_open(r, path, NULL, &d);

	for (;;) {
		const struct cstat_result *res;
		if (rc == 0)
			rc = cstat_reader_next(r, &res, &d);
		if (rc == 0)
			return 0; /* end of file */
		if (rc == 1) {
			rc = cstat_builder_add(b, res);
			continue;
		}
		cstat_diag_format(&d, msg, sizeof(msg));
		fprintf(stderr, "embed: %s\n", msg);
		if (rc != CSTAT_ESYNTAX)
			return rc; /* fatal; a syntax error skips the line */
		rc = 0;
	}
}

int
main(int argc, char **argv)
{
	cstat_reader *reader = NULL;
	cstat_builder *builder = NULL;
	cstat_tables *tables = NULL;
	struct cstat_diag d;
	int rc;

	if (argc != 3) {
		fprintf(stderr, "usage: embed old.txt new.txt\n");
		return 2;
	}
	rc = cstat_reader_new(&reader);
	if (!rc)
		rc = cstat_builder_new(&builder, NULL, &d);
	if (!rc)
		rc = read_file(reader, builder, argv[1]);
	if (!rc)
		rc = read_file(reader, builder, argv[2]);
	if (!rc) {
		/* The defaults (alpha 0.05, confidence 0.95), with the
		 * reader's Unit metadata. */
		struct cstat_stats_opts opts = CSTAT_STATS_OPTS_INIT;
		opts.units = reader;
		rc = cstat_builder_build(builder, &opts, &tables);
	}
	if (rc) {
		fprintf(stderr, "embed: %s\n", cstat_strerror(rc));
		goto out;
	}

	/* 1. The same table cstat prints. */
	rc = cstat_tables_write(tables, CSTAT_FORMAT_TEXT, stdout, stderr);

	/* 2. Our own report: every significant change. */
	printf("\nsignificant changes:\n");
	for (size_t t = 0; t < cstat_tables_count(tables); t++) {
		for (size_t r = 0; r < cstat_table_rows(tables, t); r++) {
			struct cstat_cell c;
			cstat_table_cell(tables, t, r, 1, &c);
			if (!c.present || !c.has_comparison || !c.significant)
				continue;
			printf("%s %s: %+.2f%% (p=%.3f)\n",
			       cstat_table_row_label(tables, t, r),
			       cstat_table_unit(tables, t), c.delta * 100, c.p);
		}
	}
out:
	cstat_tables_free(tables);
	cstat_builder_free(builder);
	cstat_reader_free(reader);
	return rc ? 1 : 0;
}
