/*
 * doc-gate.c - the sample-size table of docs/cregress.md is the code's:
 * every row "| m | level | n |" between the samples-table markers must
 * say what cstat__gate_samples_needed() says for alpha 0.05 shared among m
 * tested comparisons (holm or bh), so the doc cannot drift from the rule.
 * On a mismatch it prints the table as the code has it, to paste in.
 *
 * Usage: doc-gate docs/cregress.md
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cstat.h"
#include "gate.h"

#define BEGIN "<!-- samples-table -->"
#define END "<!-- /samples-table -->"

static const unsigned long sizes[] = {1,  2,  3,   5,	10,  20,
				      40, 50, 100, 200, 500, 1000};

static void
print_table(void)
{
	printf("%s\n| tested comparisons *m* | level a lone change needs "
	       "(0.05 / *m*) | values per side |\n|--:|--:|--:|\n",
	       BEGIN);
	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++)
		printf("| %lu | %g | %zu |\n", sizes[i],
		       0.05 / (double)sizes[i],
		       cstat__gate_samples_needed(0.05 / (double)sizes[i]));
	printf("%s\n", END);
}

int
main(int argc, char **argv)
{
	char line[512];
	int in = 0, rows = 0, bad = 0;
	FILE *f = argc == 2 ? fopen(argv[1], "r") : NULL;

	if (!f) {
		fprintf(stderr, "usage: doc-gate docs/cregress.md\n");
		return 2;
	}
	while (fgets(line, sizeof(line), f)) {
		unsigned long m;
		double level;
		size_t n;
		char lv[64];

		if (strncmp(line, BEGIN, strlen(BEGIN)) == 0)
			in = 1;
		else if (strncmp(line, END, strlen(END)) == 0)
			in = 2;
		if (in != 1 ||
		    sscanf(line, "| %lu | %lg | %zu |", &m, &level, &n) != 3)
			continue;
		rows++;
		snprintf(lv, sizeof(lv), "%g", 0.05 / (double)m);
		if (m == 0 ||
		    n != cstat__gate_samples_needed(0.05 / (double)m) ||
		    fabs(level - 0.05 / (double)m) > 1e-5 * level) {
			printf("docs: m=%lu says level %g, %zu values; the "
			       "code "
			       "says %s, %zu\n",
			       m, level, n, lv,
			       m ? cstat__gate_samples_needed(0.05 / (double)m)
				 : 0);
			bad++;
		}
	}
	fclose(f);
	if (in != 2 || rows < 10)
		printf("docs: no samples table with at least 10 rows between "
		       "%s and %s\n",
		       BEGIN, END);
	if (bad || in != 2 || rows < 10) {
		printf("the table as the code has it:\n\n");
		print_table();
		return 1;
	}
	printf("%d rows agree with cstat__gate_samples_needed()\n", rows);
	return 0;
}
