/*
 * parse.c - benchstat's projection syntax: the tokenizer shared with the
 * filter language and the projection parser (benchproc/internal/parse).
 *
 * The tokenizer is a value (a byte position) so the parser can look ahead
 * and back up, as Go's does; the first error wins, and reporting one moves
 * the tokenizer to the end, which ends parsing.  Offsets are bytes of the
 * query and count the spaces before a token, as benchstat's do.
 */
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "parse.h"
#include "linre.h"

enum {
	TOK_EOF = 0,
	TOK_WORD = 'w',
	TOK_QUOTED = 'q',
	TOK_REGEXP = 'r',
	TOK_AND = 'A',
	TOK_OR = 'O'
};

struct tok {
	int kind;
	size_t off;
	char *text; /* words only; owned by the parser's scratch */
};

struct parser {
	const char *q;
	size_t len;
	struct cstat__perror *err;
	bool failed;
	bool nomem;
	struct cstat__buf word; /* the last word's text */
	unsigned depth;		/* nesting of parentheses and negations */
};

/* Deeper nesting is refused rather than recursed into. */
#define MAX_DEPTH 200

static bool
is_op(unsigned long c)
{
	return c == '(' || c == ')' || c == ':' || c == '@' || c == ',';
}

static bool
is_start_op(unsigned long c)
{
	return is_op(c) || c == '-' || c == '*';
}

/* Records the first error at byte pos. */
static void
fail(struct parser *p, size_t pos, const char *msg)
{
	if (p->failed)
		return;
	p->failed = true;
	p->err->off = pos;
	snprintf(p->err->msg, sizeof(p->err->msg), "%s", msg);
}

static int
hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static bool
put_utf8(struct cstat__buf *b, unsigned long c)
{
	char u[4];
	size_t n;

	if (c < 0x80) {
		u[0] = (char)c, n = 1;
	} else if (c < 0x800) {
		u[0] = (char)(0xc0 | c >> 6), u[1] = (char)(0x80 | (c & 0x3f));
		n = 2;
	} else if (c < 0x10000) {
		u[0] = (char)(0xe0 | c >> 12);
		u[1] = (char)(0x80 | ((c >> 6) & 0x3f));
		u[2] = (char)(0x80 | (c & 0x3f));
		n = 3;
	} else {
		u[0] = (char)(0xf0 | c >> 18);
		u[1] = (char)(0x80 | ((c >> 12) & 0x3f));
		u[2] = (char)(0x80 | ((c >> 6) & 0x3f));
		u[3] = (char)(0x80 | (c & 0x3f));
		n = 4;
	}
	return cstat__buf_add(b, u, n) == 0;
}

/*
 * Go's strconv.Unquote of the double-quoted string s[0..n) (quotes
 * included) into b.  Returns false for a bad escape or a newline.
 */
static bool
unquote(const char *s, size_t n, struct cstat__buf *b, bool *nomem)
{
	b->len = 0;
	if (cstat__buf_reserve(b, n)) {
		*nomem = true;
		return false;
	}
	b->data[0] = '\0';
	for (size_t i = 1; i + 1 < n;) {
		unsigned char c = (unsigned char)s[i];
		if (c == '\n')
			return false;
		if (c != '\\') {
			cstat__buf_addc(b, (char)c);
			i++;
			continue;
		}
		if (i + 2 >= n)
			return false;
		char e = s[i + 1];
		i += 2;
		const char *simple = "a\ab\bf\fn\nr\rt\tv\v\\\\\"\"";
		const char *m = strchr(simple, e);
		if (e && m && (m - simple) % 2 == 0) {
			cstat__buf_addc(b, m[1]);
			continue;
		}
		int digits = e == 'x' ? 2 : e == 'u' ? 4 : e == 'U' ? 8 : 0;
		if (digits) {
			unsigned long v = 0;
			for (int k = 0; k < digits; k++, i++) {
				int h = i + 1 < n ? hexval(s[i]) : -1;
				if (h < 0)
					return false;
				v = v << 4 | (unsigned long)h;
			}
			if (e == 'x') {
				cstat__buf_addc(b, (char)v);
			} else {
				if (v > 0x10ffff ||
				    (v >= 0xd800 && v <= 0xdfff))
					return false;
				if (!put_utf8(b, v)) {
					*nomem = true;
					return false;
				}
			}
			continue;
		}
		if (e >= '0' && e <= '7') {
			unsigned v = (unsigned)(e - '0');
			for (int k = 0; k < 2; k++, i++) {
				if (i + 1 >= n || s[i] < '0' || s[i] > '7')
					return false;
				v = v * 8 + (unsigned)(s[i] - '0');
			}
			if (v > 255)
				return false;
			cstat__buf_addc(b, (char)v);
			continue;
		}
		return false;
	}
	return true;
}

/*
 * The next key or operator token after position *pos; on return *pos is
 * where the token ends.  Word text is in p->word.
 */
static struct tok next_tok(struct parser *p, size_t *pos, bool allow_re);

/* The next key or operator token (tokenizer.keyOrOp). */
static struct tok
next(struct parser *p, size_t *pos)
{
	return next_tok(p, pos, false);
}

static struct tok regexp_tok(struct parser *p, size_t i, size_t *pos);

/*
 * The next token after *pos: a word, a quoted word, an operator, or, when
 * allow_re, a /regexp/ (tokenizer.valueOrOp); *pos moves past it.
 */
static struct tok
next_tok(struct parser *p, size_t *pos, bool allow_re)
{
	const unsigned char *q = (const unsigned char *)p->q;
	size_t i = *pos;

	while (i < p->len) {
		unsigned long c;
		size_t w;
		if (is_start_op(q[i])) {
			*pos = i + 1;
			return (struct tok){q[i], i, NULL};
		}
		if (q[i] == ' ') {
			i++;
			continue;
		}
		w = cstat__utf8_decode(q + i, p->len - i, &c);
		if (cstat__unicode_space(c)) {
			i += w;
			continue;
		}
		if (allow_re && q[i] == '/')
			return regexp_tok(p, i, pos);
		if (q[i] == '"') {
			size_t e = i + 1;
			while (e < p->len && (q[e] != '"' || q[e - 1] == '\\'))
				e++;
			if (e == p->len) {
				fail(p, i, "missing end quote");
				*pos = p->len;
				return (struct tok){TOK_EOF, i, NULL};
			}
			if (!unquote(p->q + i, e + 1 - i, &p->word,
				     &p->nomem)) {
				fail(p, i,
				     p->nomem ? "out of memory"
					      : "bad escape sequence");
				*pos = p->len;
				return (struct tok){TOK_EOF, i, NULL};
			}
			*pos = e + 1;
			return (struct tok){TOK_QUOTED, i, p->word.data};
		}
		/* A bare word runs to a space or an operator ("-" and "*"
		 * only count at the start of a word). */
		size_t e = i;
		while (e < p->len) {
			w = cstat__utf8_decode(q + e, p->len - e, &c);
			if (cstat__unicode_space(c) || is_op(c))
				break;
			e += w;
		}
		p->word.len = 0;
		if (cstat__buf_add(&p->word, p->q + i, e - i)) {
			p->nomem = true;
			fail(p, i, "out of memory");
			*pos = p->len;
			return (struct tok){TOK_EOF, i, NULL};
		}
		*pos = e;
		int kind = strcmp(p->word.data, "AND") == 0  ? TOK_AND
			   : strcmp(p->word.data, "OR") == 0 ? TOK_OR
							     : TOK_WORD;
		return (struct tok){kind, i, p->word.data};
	}
	*pos = p->len;
	return (struct tok){TOK_EOF, p->len, NULL};
}

/* Reports msg at *pos and moves to the end (Go's tokenizer.error). */
static void
error_at(struct parser *p, size_t *pos, const char *msg)
{
	fail(p, *pos, msg);
	*pos = p->len;
}

static char *
dup_word(struct parser *p, const char *s)
{
	char *d = strdup(s ? s : "");

	if (!d)
		p->nomem = true;
	return d;
}

/* One projection field (parseField). */
static void
parse_field(struct parser *p, size_t *pos, struct cstat__pfield *f)
{
	size_t at = *pos;
	struct tok key = next(p, &at);

	memset(f, 0, sizeof(*f));
	if (key.kind != TOK_WORD && key.kind != TOK_QUOTED) {
		error_at(p, pos, "expected key");
		return;
	}
	*pos = at;
	f->key = dup_word(p, key.text);
	f->key_off = key.off;
	f->order = dup_word(p, "first");
	/* benchstat measures the unquoted key here. */
	f->order_off = key.off + (f->key ? strlen(f->key) : 0);
	struct tok sep = next(p, &at);
	if (sep.kind != '@')
		return;
	*pos = at;
	struct tok order = next(p, &at);
	f->order_off = order.off;
	if (order.kind == TOK_WORD || order.kind == TOK_QUOTED) {
		free(f->order);
		f->order = dup_word(p, order.text);
		*pos = at;
		return;
	}
	if (order.kind == '(') {
		free(f->order);
		f->order = dup_word(p, "fixed");
		*pos = at;
		for (;;) {
			struct tok t = next(p, &at);
			if (t.kind == TOK_WORD || t.kind == TOK_QUOTED) {
				*pos = at;
				char **nf =
					realloc(f->fixed,
						(f->nfixed + 1) * sizeof(*nf));
				if (!nf) {
					p->nomem = true;
					return;
				}
				f->fixed = nf;
				f->fixed[f->nfixed++] = dup_word(p, t.text);
			} else if (t.kind == ')') {
				if (f->nfixed == 0)
					error_at(p, pos, "nothing to match");
				else
					*pos = at;
				return;
			} else {
				error_at(p, pos, "missing )");
				return;
			}
		}
	}
	error_at(p, pos, "expected named sort order or parenthesized list");
}

/* strconv.Quote for a token's text, in the ASCII range. */
static void
go_quote(const char *s, char *out, size_t size)
{
	size_t n = 0;

	out[n++] = '"';
	for (; *s && n + 6 < size; s++) {
		unsigned char c = (unsigned char)*s;
		const char *esc = c == '"'    ? "\\\""
				  : c == '\\' ? "\\\\"
				  : c == '\n' ? "\\n"
				  : c == '\t' ? "\\t"
				  : c == '\r' ? "\\r"
					      : NULL;
		if (esc) {
			n += (size_t)snprintf(out + n, size - n, "%s", esc);
		} else if (c < 0x20 || c == 0x7f) {
			n += (size_t)snprintf(out + n, size - n, "\\x%02x", c);
		} else {
			out[n++] = (char)c;
		}
	}
	out[n++] = '"';
	out[n] = '\0';
}

int
cstat__parse_projection(const char *q, struct cstat__pfield **out, size_t *n,
			struct cstat__perror *err)
{
	struct parser p = {q, strlen(q), err, false, false, {0}, 0};
	struct cstat__pfield *fields = NULL;
	size_t nf = 0, pos = 0;

	*out = NULL;
	*n = 0;
	for (;;) {
		size_t at = pos;
		struct tok t = next(&p, &at);
		if (t.kind == TOK_EOF)
			break;
		if (t.kind == ',' && nf > 0)
			pos = at;
		struct cstat__pfield *grown =
			realloc(fields, (nf + 1) * sizeof(*fields));
		if (!grown) {
			p.nomem = true;
			break;
		}
		fields = grown;
		parse_field(&p, &pos, &fields[nf++]);
		if (p.nomem)
			break;
	}
	if (!p.nomem) {
		/* Anything left over is an error (tokenizer.end). */
		size_t at = pos;
		struct tok t = next(&p, &at);
		if (t.kind != TOK_EOF) {
			char quoted[128], msg[160];
			go_quote(t.text ? t.text : (char[2]){(char)t.kind, 0},
				 quoted, sizeof(quoted));
			snprintf(msg, sizeof(msg), "unexpected %s", quoted);
			fail(&p, pos, msg);
		}
	}
	cstat__buf_release(&p.word);
	if (p.nomem || p.failed) {
		cstat__pfields_free(fields, nf);
		return p.nomem ? CSTAT_ENOMEM : CSTAT_ESYNTAX;
	}
	*out = fields;
	*n = nf;
	return 0;
}

void
cstat__pfields_free(struct cstat__pfield *f, size_t n)
{
	if (!f)
		return;
	for (size_t i = 0; i < n; i++) {
		free(f[i].key);
		free(f[i].order);
		for (size_t k = 0; k < f[i].nfixed; k++)
			free(f[i].fixed[k]);
		free(f[i].fixed);
	}
	free(f);
}

size_t
cstat__syntax_error_format(const char *q, const struct cstat__perror *err,
			   char *buf, size_t size)
{
	const unsigned char *s = (const unsigned char *)q;
	size_t len = strlen(q), cols = 0;

	/* Characters that print before the offset (unicode.IsGraphic): all
	 * but control characters here. */
	for (size_t i = 0; i < len && i < err->off;) {
		unsigned long c;
		size_t w = cstat__utf8_decode(s + i, len - i, &c);
		if (!(c < 0x20 || (c >= 0x7f && c < 0xa0)))
			cols++;
		i += w;
	}
	int n = snprintf(buf, size, "syntax error: %s\n\t%s\n\t%*s^", err->msg,
			 q, (int)cols, "");
	return n < 0 ? 0 : (size_t)n;
}

/* ---------------------------------------------------------------------- */
/* Filters (benchproc/internal/parse/filter.go and benchproc/filter.go). */

/*
 * Where a /regexp/ ends: the first "/" outside brackets and parentheses
 * (regexpParseUntil), or SIZE_MAX.
 */
static size_t
regexp_end(const char *s, size_t n)
{
	int cs = 0, cp = 0;

	for (size_t i = 0; i < n;) {
		if (cs == 0 && cp == 0 && s[i] == '/')
			return i;
		switch (s[i]) {
		case '[':
			cs++;
			break;
		case ']':
			if (--cs < 0)
				cs = 0;
			break;
		case '(':
			if (cs == 0)
				cp++;
			break;
		case ')':
			if (cs == 0)
				cp--;
			break;
		case '\\':
			i++;
			break;
		}
		i++;
	}
	return SIZE_MAX;
}

/*
 * Translates the Go (RE2) regexp src[0..n) into POSIX extended syntax: the
 * parts real filters use (literals, ".", classes, "\d \w \s" and their
 * negations, escaped punctuation, alternation, groups, anchors and
 * repetition).  Anything else (flags, non-greedy repetition, \b, \pL, ...)
 * is refused with a message in *why.
 */
/* The deepest group nesting a regexp may have (Go's maxHeight). */
#define RE_MAX_DEPTH 1000

/* The decimal number at src[*k], capped at 100000; -1 when none. */
static long
re_number(const char *src, size_t n, size_t *k)
{
	long v = -1;

	for (; *k < n && src[*k] >= '0' && src[*k] <= '9'; (*k)++) {
		v = v < 0 ? src[*k] - '0' : v * 10 + (src[*k] - '0');
		if (v > 100000)
			v = 100000;
	}
	return v;
}

/*
 * The repetition count "{min}", "{min,}" or "{min,max}" at src[i] (the
 * "{"), Go's way: the factor a nested repeat multiplies by is max, or min
 * when max is open, and only a count with min or max of 2 or more is
 * checked.  @return false when the braces are not a count.
 */
static bool
re_count(const char *src, size_t n, size_t i, long *count, bool *two)
{
	size_t k = i + 1;
	long lo, hi;

	lo = re_number(src, n, &k);
	if (lo < 0 || k >= n)
		return false;
	hi = lo;
	if (src[k] == ',') {
		k++;
		hi = re_number(src, n, &k);
	}
	if (k >= n || src[k] != '}')
		return false;
	*count = hi >= 0 ? hi : lo;
	*two = lo >= 2 || hi >= 2;
	return true;
}

static bool
translate_re(const char *src, size_t n, struct cstat__buf *b, const char **why)
{
	bool in_class = false, last_rep = false;
	int rc = 0;
	/*
	 * Go refuses a counted repeat whose nested counts multiply past
	 * 1000 ("((a{1000}){1000}){1000}"), which glibc would expand into
	 * an automaton of 10^9 copies.  weight is that product for the last
	 * atom, group[d] the largest product inside open group d.
	 */
	long weight = 1, group[RE_MAX_DEPTH + 1];
	size_t depth = 0;

	group[0] = 1;
	b->len = 0;
	for (size_t i = 0; i < n && !rc; i++) {
		char c = src[i];
		/* Whether the last thing emitted was a repetition operator. */
		bool prev_rep = last_rep;
		last_rep = false;
		if (!in_class && (c == '\\' || c == '['))
			weight = 1;
		if (c == '\\') {
			if (i + 1 >= n) {
				*why = "trailing backslash";
				return false;
			}
			char e = src[++i];
			const char *cls = NULL;
			switch (e) {
			case 'd':
				cls = in_class ? "0-9" : "[0-9]";
				break;
			case 'w':
				cls = in_class ? "0-9A-Za-z_" : "[0-9A-Za-z_]";
				break;
			case 's':
				cls = in_class ? "\t\n\f\r " : "[\t\n\f\r ]";
				break;
			case 'D':
				cls = in_class ? NULL : "[^0-9]";
				break;
			case 'W':
				cls = in_class ? NULL : "[^0-9A-Za-z_]";
				break;
			case 'S':
				cls = in_class ? NULL : "[^\t\n\f\r ]";
				break;
			default:
				break;
			}
			if (cls) {
				rc = cstat__buf_adds(b, cls);
				continue;
			}
			if ((e >= 'a' && e <= 'z') || (e >= 'A' && e <= 'Z') ||
			    (e >= '0' && e <= '9') ||
			    (unsigned char)e >= 0x80) {
				*why = "unsupported escape";
				return false;
			}
			if (in_class) {
				if (e == ']' || e == '\\' || e == '^' ||
				    e == '-') {
					*why = "unsupported escape in class";
					return false;
				}
				rc = cstat__buf_addc(b, e);
			} else {
				rc = cstat__buf_addc(b, '\\');
				if (!rc)
					rc = cstat__buf_addc(b, e);
			}
			continue;
		}
		if (in_class) {
			if (c == ']')
				in_class = false;
			rc = cstat__buf_addc(b, c);
			continue;
		}
		if (c == '[') {
			in_class = true;
			rc = cstat__buf_addc(b, c);
			/* A leading "^" and "]" belong to the class. */
			if (!rc && i + 1 < n && src[i + 1] == '^')
				rc = cstat__buf_addc(b, src[++i]);
			if (!rc && i + 1 < n && src[i + 1] == ']')
				rc = cstat__buf_addc(b, src[++i]);
			continue;
		}
		if (c == '(' && i + 1 < n && src[i + 1] == '?') {
			*why = "unsupported flags or group";
			return false;
		}
		if ((c == '*' || c == '+' || c == '?' || c == '}') &&
		    i + 1 < n && src[i + 1] == '?') {
			*why = "unsupported non-greedy repetition";
			return false;
		}
		/*
		 * Go refuses "a**" and counts over 1000; so do we, which also
		 * keeps regcomp from building enormous automata.
		 */
		bool rep = c == '*' || c == '+' || c == '?' || c == '{';
		if (rep && prev_rep) {
			*why = "invalid nested repetition operator";
			return false;
		}
		if (c == '{') {
			size_t k = i + 1;
			long count;
			bool two;
			while (k < n && src[k] != '}') {
				if (src[k] >= '0' && src[k] <= '9' &&
				    strtol(src + k, NULL, 10) > 1000) {
					*why = "invalid repeat count";
					return false;
				}
				k++;
			}
			if (re_count(src, n, i, &count, &two)) {
				if (two && count * weight > 1000) {
					*why = "invalid repeat size";
					return false;
				}
				weight = count ? count * weight : 1;
				if (weight > group[depth])
					group[depth] = weight;
			}
			if (k < n) {
				rc = cstat__buf_add(b, src + i, k + 1 - i);
				i = k;
				last_rep = true;
				continue;
			}
		}
		if (c == '(') {
			if (depth == RE_MAX_DEPTH) {
				*why = "expression nests too deeply";
				return false;
			}
			group[++depth] = 1;
		} else if (c == ')' && depth > 0) {
			weight = group[depth--];
			if (weight > group[depth])
				group[depth] = weight;
		} else if (!rep) {
			weight = 1;
		}
		last_rep = rep;
		rc = cstat__buf_addc(b, c);
	}
	if (!rc)
		rc = cstat__buf_reserve(b, 0);
	if (rc) {
		*why = "out of memory";
		return false;
	}
	b->data[b->len] = '\0';
	return true;
}

static struct tok
regexp_tok(struct parser *p, size_t i, size_t *pos)
{
	size_t end = regexp_end(p->q + i + 1, p->len - i - 1);
	const char *why;

	if (end == SIZE_MAX) {
		fail(p, i, "missing close \"/\"");
		*pos = p->len;
		return (struct tok){TOK_EOF, i, NULL};
	}
	end += i + 1; /* the closing "/" */
	p->word.len = 0;
	if (cstat__buf_add(&p->word, p->q + i + 1, end - i - 1)) {
		p->nomem = true;
		fail(p, i, "out of memory");
		*pos = p->len;
		return (struct tok){TOK_EOF, i, NULL};
	}
	struct cstat__buf posix = {0};
	regex_t re;
	bool ok = translate_re(p->word.data, p->word.len, &posix, &why);
	/*
	 * regcomp decides which patterns are valid, as it always has; our
	 * own engine (linre.h) matches them in linear time.
	 */
	if (ok && regcomp(&re, posix.data, REG_EXTENDED | REG_NOSUB) != 0) {
		ok = false;
		why = "invalid regexp";
	} else if (ok) {
		struct cstat__re *lin;
		int rc = cstat__re_compile(posix.data, &lin);
		regfree(&re);
		cstat__re_free(lin);
		if (rc) {
			ok = false;
			why = rc == CSTAT_ENOMEM ? "out of memory"
						 : "regexp too large";
		}
	}
	cstat__buf_release(&posix);
	if (!ok) {
		char msg[200];
		snprintf(msg, sizeof(msg), "error parsing regexp: %s: `%s`",
			 why, p->word.data);
		fail(p, i, msg);
		*pos = p->len;
		return (struct tok){TOK_EOF, i, NULL};
	}
	size_t after = end + 1;
	if (after < p->len) {
		unsigned long c;
		cstat__utf8_decode((const unsigned char *)p->q + after,
				   p->len - after, &c);
		if (!(cstat__unicode_space(c) || is_start_op(c))) {
			fail(p, after,
			     "regexp must be followed by space or an "
			     "operator (unescaped \"/\"?)");
			*pos = p->len;
			return (struct tok){TOK_EOF, i, NULL};
		}
	}
	*pos = after;
	return (struct tok){TOK_REGEXP, i, p->word.data};
}

static struct cstat__fnode *
fnode(struct parser *p, enum cstat__fkind kind)
{
	struct cstat__fnode *n = calloc(1, sizeof(*n));

	if (!n)
		p->nomem = true;
	else
		n->kind = kind;
	return n;
}

static bool
fnode_add(struct parser *p, struct cstat__fnode *parent,
	  struct cstat__fnode *kid)
{
	struct cstat__fnode **k =
		realloc(parent->kids, (parent->nkids + 1) * sizeof(*k));

	if (!k) {
		p->nomem = true;
		cstat__filter_free(kid);
		return false;
	}
	parent->kids = k;
	k[parent->nkids++] = kid;
	return true;
}

/*
 * Adds q to the AND or OR node *group, creating the node around *first (the
 * one operand so far) on the first call.  Out of memory marks the parser and
 * frees what could not be attached.
 */
static void
group_add(struct parser *p, enum cstat__fkind kind, struct cstat__fnode **group,
	  struct cstat__fnode **first, struct cstat__fnode *q)
{
	if (!*group) {
		*group = fnode(p, kind);
		if (*group && *first)
			fnode_add(p, *group, *first);
		else
			cstat__filter_free(*first);
		*first = NULL;
	}
	if (*group && q)
		fnode_add(p, *group, q);
	else
		cstat__filter_free(q);
}

/* A key:value match node for val (a word, quoted word or regexp). */
static struct cstat__fnode *
mk_match(struct parser *p, size_t off, const char *key, struct tok val)
{
	struct cstat__fnode *n = fnode(p, CSTAT__FN_MATCH);

	if (!n)
		return NULL;
	n->off = off;
	n->key = dup_word(p, key);
	if (val.kind == TOK_REGEXP) {
		struct cstat__buf posix = {0};
		const char *why;
		if (!translate_re(val.text, strlen(val.text), &posix, &why) ||
		    cstat__re_compile(posix.data, &n->re)) {
			n->re = NULL;
			p->nomem = true;
		}
		cstat__buf_release(&posix);
	} else {
		n->literal = dup_word(p, val.text);
	}
	return n;
}

static struct cstat__fnode *parse_expr(struct parser *p, size_t *pos);

/* match: "(" expr ")" | "-" match | "*" | key ":" value(s). */
static struct cstat__fnode *parse_match_at(struct parser *p, size_t *pos);

static struct cstat__fnode *
parse_match(struct parser *p, size_t *pos)
{
	struct cstat__fnode *n;

	if (p->depth >= MAX_DEPTH) {
		error_at(p, pos, "expression nested too deeply");
		return NULL;
	}
	p->depth++;
	n = parse_match_at(p, pos);
	p->depth--;
	return n;
}

static struct cstat__fnode *
parse_match_at(struct parser *p, size_t *pos)
{
	size_t start = *pos, at = *pos;
	struct tok t = next(p, &at);

	if (t.kind == '(') {
		struct cstat__fnode *q = parse_expr(p, &at);
		size_t at2 = at;
		if (next(p, &at2).kind != ')') {
			cstat__filter_free(q);
			error_at(p, &at, "missing \")\"");
			*pos = at;
			return NULL;
		}
		*pos = at2;
		return q;
	}
	if (t.kind == '-') {
		struct cstat__fnode *n = fnode(p, CSTAT__FN_NOT);
		struct cstat__fnode *q = parse_match(p, &at);
		*pos = at;
		if (!n || !q) {
			cstat__filter_free(n);
			cstat__filter_free(q);
			return NULL;
		}
		fnode_add(p, n, q);
		return n;
	}
	if (t.kind == '*') {
		*pos = at;
		return fnode(p, CSTAT__FN_AND);
	}
	if (t.kind == TOK_WORD || t.kind == TOK_QUOTED) {
		size_t off = t.off;
		char *key = dup_word(p, t.text);
		struct cstat__fnode *res = NULL;
		if (!key)
			return NULL;
		if (next(p, &at).kind != ':') {
			error_at(p, &start, "expected key:value");
			*pos = start;
			free(key);
			return NULL;
		}
		struct tok val = next_tok(p, &at, true);
		if (val.kind == TOK_WORD || val.kind == TOK_QUOTED ||
		    val.kind == TOK_REGEXP) {
			res = mk_match(p, off, key, val);
			*pos = at;
		} else if (val.kind == '(') {
			res = fnode(p, CSTAT__FN_OR);
			for (;;) {
				size_t at2 = at;
				struct tok v = next_tok(p, &at2, true);
				if (!(v.kind == TOK_WORD ||
				      v.kind == TOK_QUOTED ||
				      v.kind == TOK_REGEXP)) {
					error_at(p, &at, "expected value");
					break;
				}
				if (res)
					fnode_add(p, res,
						  mk_match(p, off, key, v));
				at = at2;
				v = next_tok(p, &at2, true);
				if (v.kind == ')') {
					at = at2;
					break;
				}
				if (v.kind != TOK_OR) {
					error_at(p, &at,
						 "value list must be "
						 "separated by OR");
					break;
				}
				at = at2;
			}
			*pos = at;
		} else {
			error_at(p, &start, "expected key:value");
			*pos = start;
		}
		free(key);
		if (p->failed) {
			cstat__filter_free(res);
			return NULL;
		}
		return res;
	}
	error_at(p, &start, "expected key:value or subexpression");
	*pos = start;
	return NULL;
}

/* andExpr: matches joined by AND or by juxtaposition. */
static struct cstat__fnode *
parse_and(struct parser *p, size_t *pos)
{
	struct cstat__fnode *first = parse_match(p, pos), *all = NULL;

	for (;;) {
		size_t at = *pos;
		struct tok op = next(p, &at);
		if (op.kind == TOK_AND) {
			*pos = at;
			continue;
		}
		if (op.kind == '(' || op.kind == '-' || op.kind == '*' ||
		    op.kind == TOK_WORD || op.kind == TOK_QUOTED) {
			group_add(p, CSTAT__FN_AND, &all, &first,
				  parse_match(p, pos));
			if (p->failed || p->nomem)
				break;
			continue;
		}
		if (op.kind == ')' || op.kind == TOK_OR || op.kind == TOK_EOF)
			break;
		char quoted[64], msg[100];
		go_quote((char[2]){(char)op.kind, 0}, quoted, sizeof(quoted));
		snprintf(msg, sizeof(msg), "unexpected %s", quoted);
		error_at(p, pos, msg);
		break;
	}
	return all ? all : first;
}

/* expr: andExprs joined by OR. */
static struct cstat__fnode *
parse_expr(struct parser *p, size_t *pos)
{
	struct cstat__fnode *first = parse_and(p, pos), *any = NULL;

	for (;;) {
		size_t at = *pos;
		if (next(p, &at).kind != TOK_OR || p->failed)
			break;
		*pos = at;
		group_add(p, CSTAT__FN_OR, &any, &first, parse_and(p, pos));
	}
	return any ? any : first;
}

/* Checks the keys of a parsed filter (NewFilter's walk). */
static void
check_keys(struct parser *p, const struct cstat__fnode *n)
{
	if (!n || p->failed)
		return;
	if (n->kind == CSTAT__FN_MATCH) {
		if (strcmp(n->key, ".config") == 0)
			fail(p, n->off,
			     ".config is only allowed in projections");
		else if (n->key[0] == '\0')
			fail(p, n->off, "key must not be empty");
		return;
	}
	for (size_t i = 0; i < n->nkids; i++)
		check_keys(p, n->kids[i]);
}

int
cstat__parse_filter(const char *q, struct cstat__fnode **out,
		    struct cstat__perror *err)
{
	struct parser p = {q, strlen(q), err, false, false, {0}, 0};
	size_t pos = 0;
	struct cstat__fnode *n = parse_expr(&p, &pos);

	*out = NULL;
	if (!p.failed && !p.nomem) {
		size_t at = pos;
		struct tok t = next(&p, &at);
		if (t.kind != TOK_EOF) {
			char quoted[128], msg[160];
			go_quote(t.text ? t.text : (char[2]){(char)t.kind, 0},
				 quoted, sizeof(quoted));
			snprintf(msg, sizeof(msg), "unexpected %s", quoted);
			fail(&p, pos, msg);
		}
	}
	check_keys(&p, n);
	cstat__buf_release(&p.word);
	if (p.nomem || p.failed || !n) {
		cstat__filter_free(n);
		if (!p.failed && !p.nomem)
			return CSTAT_ENOMEM;
		return p.nomem ? CSTAT_ENOMEM : CSTAT_ESYNTAX;
	}
	*out = n;
	return 0;
}

void
cstat__filter_free(struct cstat__fnode *n)
{
	if (!n)
		return;
	for (size_t i = 0; i < n->nkids; i++)
		cstat__filter_free(n->kids[i]);
	free(n->kids);
	free(n->key);
	free(n->literal);
	cstat__re_free(n->re);
	free(n);
}
