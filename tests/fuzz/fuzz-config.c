/*
 * fuzz-config.c - libFuzzer target for the gate's settings: the JSON config
 * loader and the flag-style settings.
 *
 * The whole input is loaded as a config file; then it is split at NUL
 * bytes into pairs of strings given to cstat_gate_config_set() as key and
 * value.  A config that loads is used: its rules are matched against a few
 * names and units and explained, so what the loader stored is read back.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cstat.h"
#include "gate.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const names[] = {"Encode/x=1-8", "Decode", ""};
	static const char *const units[] = {"sec/op", "B/op", "B/s", "x"};
	cstat_gate_config *c;
	struct cstat_diag d;
	char msg[1024];
	char *text;

	if (cstat_gate_config_new(&c))
		return 0;
	if (cstat_gate_config_load_mem(c, (const char *)data, size, "fuzz",
				       &d) != 0)
		cstat_diag_format(&d, msg, sizeof(msg));
	text = malloc(size + 1);
	if (text) {
		memcpy(text, data, size);
		text[size] = '\0';
		const char *part[8];
		size_t n = 0;
		for (char *p = text; n < 8 && p <= text + size; n++) {
			part[n] = p;
			p += strlen(p) + 1;
		}
		for (size_t i = 0; i + 1 < n; i += 2)
			if (cstat_gate_config_set(c, part[i], part[i + 1], &d))
				cstat_diag_format(&d, msg, sizeof(msg));
		free(text);
	}
	FILE *null = fopen("/dev/null", "w");
	for (size_t i = 0; i < 3; i++)
		for (size_t u = 0; u < 4; u++) {
			int cls = cstat_unit_class_of(units[u]);
			long r = cstat__gate_rule_for(c, names[i], units[u],
						      cls);
			if (r >= (long)c->nrules)
				abort();
			(void)cstat__gate_ignored_by(c, names[i]);
			(void)cstat__gate_better(c, units[u], NULL);
			if (null)
				cstat__gate_explain_rules(c, names[i], units[u],
							  cls, null);
		}
	if (null)
		fclose(null);
	cstat_gate_config_free(c);
	return 0;
}
