/*
 * inputs.c - turns command-line input names into paths and column labels.
 *
 * benchstat accepts "path", "-" and "label=path" (split at the first '=').
 * The label, or the path as typed, names the column.  An unlabelled path
 * given more than once would make two columns with one name, so each
 * occurrence becomes "path#0", "path#1", ... (benchfmt.Files).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cstat-private.h"

struct cstat_inputs {
	struct cstat_input *items;
	size_t n;
	struct cstat__arena arena;
};

void
cstat_inputs_free(cstat_inputs *in)
{
	if (!in)
		return;
	cstat__arena_release(&in->arena);
	free(in->items);
	free(in);
}

int
cstat_inputs_new(cstat_inputs **out, const char *const *args, size_t n)
{
	cstat_inputs *in;
	bool *labelled = NULL;

	if (!out)
		return CSTAT_EINVAL;
	*out = NULL;
	if (n == 0 || !args)
		return CSTAT_EINVAL;
	for (size_t i = 0; i < n; i++)
		if (!args[i])
			return CSTAT_EINVAL;
	in = calloc(1, sizeof(*in));
	if (!in)
		return CSTAT_ENOMEM;
	cstat__arena_init(&in->arena);
	in->items = calloc(n, sizeof(*in->items));
	labelled = calloc(n, sizeof(*labelled));
	if (!in->items || !labelled)
		goto out_nomem;
	in->n = n;
	for (size_t i = 0; i < n; i++) {
		const char *eq = strchr(args[i], '=');
		if (eq) {
			in->items[i].label = cstat__arena_strndup(
				&in->arena, args[i], (size_t)(eq - args[i]));
			in->items[i].path = eq + 1;
			labelled[i] = true;
			if (!in->items[i].label)
				goto out_nomem;
		} else {
			in->items[i].label = args[i];
			in->items[i].path = args[i];
		}
	}
	for (size_t i = 0; i < n; i++) {
		if (labelled[i])
			continue;
		size_t count = 0, index = 0;
		for (size_t j = 0; j < n; j++) {
			if (labelled[j] || strcmp(args[j], args[i]) != 0)
				continue;
			if (j < i)
				index++;
			count++;
		}
		if (count < 2)
			continue;
		size_t len = strlen(args[i]) + 24;
		char *s = cstat__arena_alloc(&in->arena, len);
		if (!s)
			goto out_nomem;
		snprintf(s, len, "%s#%zu", args[i], index);
		in->items[i].label = s;
	}
	free(labelled);
	*out = in;
	return 0;

out_nomem:
	free(labelled);
	cstat_inputs_free(in);
	return CSTAT_ENOMEM;
}

size_t
cstat_inputs_count(const cstat_inputs *in)
{
	return in ? in->n : 0;
}

const struct cstat_input *
cstat_inputs_get(const cstat_inputs *in, size_t i)
{
	if (!in || i >= in->n)
		return NULL;
	return &in->items[i];
}
