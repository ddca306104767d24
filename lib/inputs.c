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
#include "readers/readers.h"

struct cstat_inputs {
	struct cstat_input *items;
	size_t n;
	bool *own; /* whether input i named its format ("FORMAT:path") */
	struct cstat__arena arena;
};

void
cstat_inputs_free(cstat_inputs *in)
{
	if (!in)
		return;
	cstat__arena_release(&in->arena);
	free(in->items);
	free(in->own);
	free(in);
}

/*
 * Splits "FORMAT:path" when FORMAT is an input format's name (anything
 * else before a colon is part of the path, as in "C:/x" or "a:b.txt").
 * @return whether it did.
 */
static bool
format_prefix(struct cstat_input *it)
{
	const char *colon = strchr(it->path, ':');

	if (!colon || colon == it->path || (size_t)(colon - it->path) > 31)
		return false;

	char name[32];

	memcpy(name, it->path, (size_t)(colon - it->path));
	name[colon - it->path] = '\0';

	const struct cstat__format *f = cstat__format_named(name);

	if (!f)
		return false;
	it->format = f->name;
	it->path = colon + 1;
	return true;
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
	in->own = calloc(n, sizeof(*in->own));
	labelled = calloc(n, sizeof(*labelled));
	if (!in->items || !in->own || !labelled)
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
		in->own[i] = format_prefix(&in->items[i]);
		if (in->own[i] && !labelled[i])
			in->items[i].label = in->items[i].path;
	}
	for (size_t i = 0; i < n; i++) {
		if (labelled[i])
			continue;
		size_t count = 0, index = 0;
		for (size_t j = 0; j < n; j++) {
			if (labelled[j] ||
			    strcmp(in->items[j].path, in->items[i].path) != 0)
				continue;
			if (j < i)
				index++;
			count++;
		}
		if (count < 2)
			continue;
		size_t len = strlen(in->items[i].path) + 24;
		char *s = cstat__arena_alloc(&in->arena, len);
		if (!s)
			goto out_nomem;
		snprintf(s, len, "%s#%zu", in->items[i].path, index);
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

int
cstat_inputs_set_format(cstat_inputs *in, const char *name)
{
	const struct cstat__format *f = NULL;

	if (!in || (name && !(f = cstat__format_named(name))))
		return CSTAT_EINVAL;
	for (size_t i = 0; i < in->n; i++)
		if (!in->own[i])
			in->items[i].format = f ? f->name : NULL;
	return 0;
}
