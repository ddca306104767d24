/*
 * cli.c - Go-style flag parsing for the cstat tools (see cli.h).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "cstat.h"

static const struct cli_flag *
find(const struct cli_flag *flags, size_t n, const char *name, size_t len)
{
	for (size_t i = 0; i < n; i++)
		if (strlen(flags[i].name) == len &&
		    strncmp(flags[i].name, name, len) == 0)
			return &flags[i];
	return NULL;
}

static int
set_value(const char *prog, const struct cli_flag *f, const char *v)
{
	char *end;

	switch (f->kind) {
	case CLI_STRING:
		*(const char **)f->value = v;
		return 0;
	case CLI_FLOAT:
		errno = 0;
		double d = strtod(v, &end);
		if (*v == '\0' || *end != '\0' || errno == ERANGE) {
			fprintf(stderr,
				"%s: invalid value \"%s\" for flag -%s: "
				"parse error\n",
				prog, v, f->name);
			return 2;
		}
		*(double *)f->value = d;
		return 0;
	case CLI_LIST: {
		struct cli_list *l = f->value;
		if (l->n == CLI_LIST_MAX) {
			fprintf(stderr, "%s: too many -%s flags (at most %d)\n",
				prog, f->name, CLI_LIST_MAX);
			return 2;
		}
		l->v[l->n++] = v;
		return 0;
	}
	case CLI_BOOL:
		if (strcmp(v, "true") == 0 || strcmp(v, "1") == 0 ||
		    strcmp(v, "t") == 0 || strcmp(v, "T") == 0 ||
		    strcmp(v, "TRUE") == 0 || strcmp(v, "True") == 0) {
			*(bool *)f->value = true;
			return 0;
		}
		if (strcmp(v, "false") == 0 || strcmp(v, "0") == 0 ||
		    strcmp(v, "f") == 0 || strcmp(v, "F") == 0 ||
		    strcmp(v, "FALSE") == 0 || strcmp(v, "False") == 0) {
			*(bool *)f->value = false;
			return 0;
		}
		fprintf(stderr,
			"%s: invalid boolean value \"%s\" for -%s: parse "
			"error\n",
			prog, v, f->name);
		return 2;
	}
	return 2;
}

int
cli_parse(const char *prog, int argc, char **argv, const struct cli_flag *flags,
	  size_t n, int *first, bool *help)
{
	int i = 1;

	*help = false;
	while (i < argc) {
		const char *a = argv[i];
		if (a[0] != '-' || a[1] == '\0')
			break;
		a++;
		if (a[0] == '-') {
			a++;
			if (a[0] == '\0') {
				i++;
				break;
			}
		}
		if (a[0] == '-' || a[0] == '=') {
			fprintf(stderr, "%s: bad flag syntax: %s\n", prog,
				argv[i]);
			return 2;
		}
		const char *eq = strchr(a, '=');
		size_t len = eq ? (size_t)(eq - a) : strlen(a);
		if ((len == 1 && a[0] == 'h') ||
		    (len == 4 && strncmp(a, "help", 4) == 0)) {
			*help = true;
			i++;
			continue;
		}
		const struct cli_flag *f = find(flags, n, a, len);
		if (!f) {
			fprintf(stderr,
				"%s: flag provided but not defined: -%.*s\n",
				prog, (int)len, a);
			return 2;
		}
		i++;
		if (eq) {
			if (set_value(prog, f, eq + 1))
				return 2;
		} else if (f->kind == CLI_BOOL) {
			*(bool *)f->value = true;
		} else {
			if (i >= argc) {
				fprintf(stderr,
					"%s: flag needs an argument: -%s\n",
					prog, f->name);
				return 2;
			}
			if (set_value(prog, f, argv[i++]))
				return 2;
		}
	}
	*first = i;
	return 0;
}

int
cli_flag_arity(const struct cli_flag *flags, size_t n, const char *arg)
{
	const char *a =
		arg + (arg[0] == '-') + (arg[0] == '-' && arg[1] == '-');
	const char *eq = strchr(a, '=');
	size_t len = eq ? (size_t)(eq - a) : strlen(a);

	if ((len == 1 && a[0] == 'h') ||
	    (len == 4 && strncmp(a, "help", 4) == 0))
		return 0;
	const struct cli_flag *f = len ? find(flags, n, a, len) : NULL;
	if (!f)
		return -1;
	return eq || f->kind == CLI_BOOL ? 0 : 1;
}

void
cli_print_flags(const struct cli_flag *flags, size_t n, void *fp)
{
	FILE *out = fp;

	for (size_t i = 0; i < n; i++) {
		const struct cli_flag *f = &flags[i];
		if (f->arg)
			fprintf(out, "  -%s %s\n", f->name, f->arg);
		else
			fprintf(out, "  -%s\n", f->name);
		fprintf(out, "    \t%s", f->help);
		if (f->def)
			fprintf(out, " (default %s)", f->def);
		fputc('\n', out);
	}
}

bool
cli_version(const char *prog, int argc, char **argv,
	    const struct cli_flag *flags, size_t n)
{
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (a[0] != '-' || a[1] == '\0' || strcmp(a, "--") == 0)
			return false;
		const char *name = a + 1 + (a[1] == '-');
		if (strcmp(name, "version") == 0 ||
		    strcmp(name, "version=true") == 0) {
			printf("%s %s\n", prog, CSTAT_TOOL_VERSION);
			return true;
		}
		if (cli_flag_arity(flags, n, a) == 1)
			i++;
	}
	return false;
}

void
cli_print_version_flag(void *fp)
{
	fputs("  -version\n    \tprint the version and exit\n", fp);
}

void
cli_print_diag(const char *prog, const struct cstat_diag *d)
{
	char msg[1024];

	cstat_diag_format(d, msg, sizeof(msg));
	if (d->file && d->line && d->column)
		fprintf(stderr, "%s:%lu:%lu: %s\n", d->file, d->line, d->column,
			d->message);
	else if (d->line)
		fprintf(stderr, "%s\n", msg);
	else
		fprintf(stderr, "%s: %s\n", prog, msg);
}

void
cli_print_error(const char *prog, int rc, const struct cstat_diag *d)
{
	if (rc == CSTAT_ENOMEM || !d)
		fprintf(stderr, "%s: %s\n", prog, cstat_strerror(rc));
	else
		cli_print_diag(prog, d);
}

int
cli_write_error(int rc)
{
	if (rc == CSTAT_EIO && (errno == ENOSPC || errno == EDQUOT))
		return CSTAT_ENOSPC;
	return rc;
}

int
cli_finish_stdout(const char *prog, int status)
{
	errno = 0;
	if (fflush(stdout) == 0 && !ferror(stdout))
		return status;
	fprintf(stderr, "%s: write standard output: %s\n", prog,
		cstat_strerror(errno ? cli_write_error(CSTAT_EIO) : CSTAT_EIO));
	return 2;
}

int
cli_input_format(const char *prog, cstat_inputs *in, const char *name)
{
	if (!name || !*name || cstat_inputs_set_format(in, name) == 0)
		return 0;
	fprintf(stderr, "%s: -input-format must be one of", prog);
	for (size_t i = 0; i < cstat_input_formats_count(); i++)
		fprintf(stderr, "%s%s", i ? ", " : " ",
			cstat_input_format_name(i));
	fputc('\n', stderr);
	return 2;
}

void
cli_print_input_formats(void *fp)
{
	FILE *out = fp;

	int w = 0;

	fputs("Input formats (chosen by each input's content; -input-format "
	      "NAME, or\nNAME:file for one input, reads it as NAME; man "
	      "cstat,\n" CSTAT_DOCDIR "/formats.md):\n",
	      out);
	/* The names are ASCII: bytes are columns. */
	for (size_t i = 0; i < cstat_input_formats_count(); i++)
		if ((int)strlen(cstat_input_format_name(i)) > w)
			w = (int)strlen(cstat_input_format_name(i));
	for (size_t i = 0; i < cstat_input_formats_count(); i++)
		fprintf(out, "  %-*s %s\n", w, cstat_input_format_name(i),
			cstat_input_format_title(i));
	fputc('\n', out);
}

/* A byte count: digits and an optional K, M or G (powers of 1024). */
static bool
parse_bytes(const char *s, size_t *out)
{
	char *end;
	unsigned long long v;

	if (*s < '0' || *s > '9')
		return false;
	errno = 0;
	v = strtoull(s, &end, 10);
	int shift = *end == 'K' ? 10 : *end == 'M' ? 20 : *end == 'G' ? 30 : 0;
	if (shift)
		end++;
	if (errno || *end || v == 0 || v > (SIZE_MAX >> shift))
		return false;
	*out = (size_t)(v << shift);
	return true;
}

int
cli_reader_limits(const char *prog, struct cstat_reader *r, size_t *max_input)
{
	static const char *const names[] = {"CSTAT_MAX_LINE",
					    "CSTAT_MAX_INPUT"};
	size_t v[2] = {0, 0};

	for (size_t i = 0; i < 2; i++) {
		const char *e = getenv(names[i]);
		if (e && *e && !parse_bytes(e, &v[i])) {
			fprintf(stderr,
				"%s: %s must be a number of bytes, with an "
				"optional K, M or G\n",
				prog, names[i]);
			return 2;
		}
	}
	if (max_input)
		*max_input = v[1];
	if (r)
		cstat_reader_set_limits(r, v[0], v[1]);
	return 0;
}

/* Whether the projection q names key: a field "key" or "key@order". */
static bool
names_key(const char *q, const char *key, size_t len)
{
	for (const char *p = q; *p;) {
		size_t n = strcspn(p, ", \t");
		size_t k = strcspn(p, "@, \t");
		if (k == len && strncmp(p, key, len) == 0)
			return true;
		p += n;
		p += strspn(p, ", \t");
	}
	return false;
}

char *
cli_fingerprint_keys(const char *keys, const char *table, const char *row,
		     const char *col, const char *ignore)
{
	char *out = malloc(strlen(keys) + 1);
	size_t len = 0;

	if (!out)
		return NULL;
	for (const char *p = keys; *p;) {
		size_t n = strcspn(p, ",");
		if (n && !names_key(table, p, n) && !names_key(row, p, n) &&
		    !names_key(col, p, n) && !names_key(ignore, p, n)) {
			if (len)
				out[len++] = ',';
			memcpy(out + len, p, n);
			len += n;
		}
		p += n + (p[n] == ',');
	}
	out[len] = '\0';
	return out;
}

/* The comma-separated list keys without the keys the list drop names. */
static char *
drop_keys(const char *keys, const char *drop)
{
	return cli_fingerprint_keys(keys, drop, "", "", "");
}

/* Whether one of the inputs is standard input ("-"), which reads once. */
static bool
reads_stdin(const struct cstat_inputs *in)
{
	for (size_t i = 0; i < cstat_inputs_count(in); i++)
		if (strcmp(cstat_inputs_get(in, i)->path, "-") == 0)
			return true;
	return false;
}

int
cli_split_mixed(const char *prog, const struct cstat_builder *b,
		const struct cstat_inputs *in, const char *keys, char **less)
{
	char mixed[4096];

	*less = NULL;
	if (cstat_builder_watch_mixed(b, mixed, sizeof(mixed)) <= 0)
		return 0;
	if (reads_stdin(in)) {
		fprintf(stderr,
			"%s: %s differs within one input, so it cannot be "
			"matched across machines; standard input cannot be "
			"read again: give -fingerprint without it\n",
			prog, mixed);
		return 2;
	}
	*less = drop_keys(keys, mixed);
	if (!*less) {
		fprintf(stderr, "%s: %s\n", prog, cstat_strerror(CSTAT_ENOMEM));
		return 2;
	}
	return 1;
}

char *
cli_ignore_keys(const char *ignore, const char *keys, bool all)
{
	size_t len = strlen(ignore);
	char *out = malloc(len + strlen(keys) + 2);

	if (!out)
		return NULL;
	memcpy(out, ignore, len + 1);
	for (const char *p = keys; *p;) {
		size_t n = strcspn(p, ",");
		if (n && (all || p[0] == '/')) {
			if (len)
				out[len++] = ',';
			memcpy(out + len, p, n);
			len += n;
			out[len] = '\0';
		}
		p += n + (p[n] == ',');
	}
	return out;
}

int
cli_machine_warning(const char *prog, const struct cstat_builder *b,
		    bool strict)
{
	char diff[1024];
	int n = cstat_builder_watch_diff(b, diff, sizeof(diff));

	if (n <= 0)
		return 0;
	if (strict) {
		fprintf(stderr,
			"%s: compared across machines: %s; an error with "
			"-strict\n",
			prog, diff);
		return 2;
	}
	fprintf(stderr,
		"%s: warning: compared across machines: %s; -strict makes "
		"this an error\n",
		prog, diff);
	return 0;
}

int
cli_read_input(const char *prog, struct cstat_reader *r,
	       const struct cstat_input *in, size_t i,
	       int (*add)(void *ctx, size_t i, const struct cstat_result *res),
	       void *ctx)
{
	const struct cstat_result *res;
	struct cstat_diag d;
	char msg[1024];
	int rc = cstat_reader_open_input(r, in, &d);

	while (!rc) {
		rc = cstat_reader_next(r, &res, &d);
		if (rc == 1) {
			rc = add(ctx, i, res);
		} else if (rc == CSTAT_ESYNTAX) {
			cstat_diag_format(&d, msg, sizeof(msg));
			fprintf(stderr, "%s\n", msg);
			rc = 0;
		} else if (rc == 0) {
			return 0;
		}
	}
	if (rc == CSTAT_ENOMEM || rc == CSTAT_EINVAL || rc == CSTAT_ESTATE) {
		fprintf(stderr, "%s: %s\n", prog, cstat_strerror(rc));
	} else {
		cstat_diag_format(&d, msg, sizeof(msg));
		fprintf(stderr, "%s: %s\n", prog, msg);
	}
	return 1;
}
