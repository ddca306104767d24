/*
 * linre.c - a Pike VM for the POSIX extended regexps of filters (linre.h).
 *
 * The pattern is parsed into a tree (siblings linked, so only group
 * nesting recurses), counted repeats are expanded into copies (the
 * translator keeps their product at 1000 or less), and the program is run
 * over the text once with a set of threads: each byte advances every live
 * thread, a thread is added at most once per position, so the cost is
 * bounded by (length + 1) x (program size).
 */
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cstat-private.h"
#include "linre.h"

enum rkind { R_BYTE, R_SET, R_BOL, R_EOL, R_CAT, R_ALT, R_REP };

struct rnode {
	enum rkind kind;
	int c;	  /* R_BYTE: the byte; R_SET: the set's index */
	int min;  /* R_REP */
	int max;  /* R_REP; -1 when open */
	int kid;  /* R_CAT, R_ALT, R_REP: first child, or -1 */
	int next; /* the next sibling, or -1 */
};

enum opcode { OP_BYTE, OP_SET, OP_SPLIT, OP_JMP, OP_BOL, OP_EOL, OP_MATCH };

struct inst {
	enum opcode op;
	int x; /* the byte, the set, or a jump target */
	int y; /* OP_SPLIT: the second target */
};

struct byteset {
	uint8_t bit[32];
};

struct cstat__re {
	struct inst *prog;
	int nprog;
	struct byteset *sets;
	int nsets;
	/*
	 * Scratch kept between matches (one filter matches every result):
	 * mark[pc] is the position (+ base + 1) pc was last added at, so
	 * raising base by the text's length + 1 clears it.
	 */
	size_t *mark;
	int *buf;
	size_t base;
};

struct rparser {
	const char *s;
	size_t i;
	struct rnode *node;
	int nnode, cap;
	struct byteset *sets;
	int nsets, setcap;
	int rc;
};

static int
new_node(struct rparser *p, enum rkind kind)
{
	if (p->rc)
		return -1;
	if (p->nnode == p->cap) {
		int cap = p->cap ? 2 * p->cap : 64;
		struct rnode *n = realloc(p->node, (size_t)cap * sizeof(*n));
		if (!n) {
			p->rc = CSTAT_ENOMEM;
			return -1;
		}
		p->node = n, p->cap = cap;
	}
	p->node[p->nnode] = (struct rnode){kind, 0, 0, 0, -1, -1};
	return p->nnode++;
}

static int
new_set(struct rparser *p)
{
	if (p->nsets == p->setcap) {
		int cap = p->setcap ? 2 * p->setcap : 8;
		struct byteset *s = realloc(p->sets, (size_t)cap * sizeof(*s));
		if (!s) {
			p->rc = CSTAT_ENOMEM;
			return -1;
		}
		p->sets = s, p->setcap = cap;
	}
	memset(&p->sets[p->nsets], 0, sizeof(p->sets[0]));
	return p->nsets++;
}

static void
set_add(struct byteset *s, unsigned c)
{
	s->bit[c >> 3] = (uint8_t)(s->bit[c >> 3] | 1u << (c & 7));
}

static bool
set_has(const struct byteset *s, unsigned c)
{
	return s->bit[c >> 3] >> (c & 7) & 1;
}

/* The C locale's [:name:] classes. */
static bool
class_has(const char *name, size_t n, int c)
{
	static const struct {
		const char *name;
		const char *ranges; /* pairs of first and last byte */
	} cls[] = {
		{"alpha", "AZaz"},     {"digit", "09"},
		{"alnum", "09AZaz"},   {"upper", "AZ"},
		{"lower", "az"},       {"space", "\t\r  "},
		{"blank", "\t\t  "},   {"xdigit", "09AFaf"},
		{"punct", "!/:@[`{~"}, {"print", " ~"},
		{"graph", "!~"},       {"cntrl", "\001\037\177\177"},
	};
	for (size_t k = 0; k < sizeof(cls) / sizeof(cls[0]); k++) {
		if (strlen(cls[k].name) != n || memcmp(cls[k].name, name, n))
			continue;
		for (const char *r = cls[k].ranges; *r; r += 2)
			if (c >= (unsigned char)r[0] &&
			    c <= (unsigned char)r[1])
				return true;
		/* cntrl includes NUL, which texts never hold. */
		return false;
	}
	return false;
}

static bool
class_known(const char *name, size_t n)
{
	static const char *const names[] = {"alpha", "digit", "alnum", "upper",
					    "lower", "space", "blank", "xdigit",
					    "punct", "print", "graph", "cntrl"};
	for (size_t k = 0; k < sizeof(names) / sizeof(names[0]); k++)
		if (strlen(names[k]) == n && !memcmp(names[k], name, n))
			return true;
	return false;
}

/*
 * One element of a bracket expression at p->s[p->i]: a byte, or "[.c.]"
 * or "[=c=]" (*c is set), or "[:name:]" (*c is -1, the class added).
 */
static bool
bracket_elem(struct rparser *p, struct byteset *set, int *c)
{
	const char *s = p->s;
	size_t i = p->i;

	if (s[i] == '[' &&
	    (s[i + 1] == '.' || s[i + 1] == '=' || s[i + 1] == ':')) {
		char d = s[i + 1];
		const char *end = strchr(s + i + 2, d);
		while (end && end[1] != ']')
			end = strchr(end + 1, d);
		if (!end)
			return false;
		size_t n = (size_t)(end - (s + i + 2));
		p->i = (size_t)(end + 2 - s);
		if (d == ':') {
			if (!class_known(s + i + 2, n))
				return false;
			for (int b = 1; b < 256; b++)
				if (class_has(s + i + 2, n, b))
					set_add(set, (unsigned)b);
			*c = -1;
			return true;
		}
		if (n != 1)
			return false;
		*c = (unsigned char)s[i + 2];
		return true;
	}
	if (!s[i])
		return false;
	*c = (unsigned char)s[i];
	p->i = i + 1;
	return true;
}

/* A bracket expression; p->i is just past the "[". */
static int
parse_bracket(struct rparser *p)
{
	int idx = new_set(p);
	bool neg = false, first = true;

	if (idx < 0)
		return -1;
	if (p->s[p->i] == '^')
		neg = true, p->i++;
	struct byteset set = {{0}};
	while (first || p->s[p->i] != ']') {
		int lo, hi;
		if (!p->s[p->i] || !bracket_elem(p, &set, &lo))
			goto bad;
		first = false;
		if (lo >= 0 && p->s[p->i] == '-' && p->s[p->i + 1] != ']' &&
		    p->s[p->i + 1]) {
			p->i++;
			if (!bracket_elem(p, &set, &hi) || hi < lo)
				goto bad;
			if (p->s[p->i] == '-' && p->s[p->i + 1] != ']')
				goto bad; /* "[a-c-e]" */
			for (int b = lo; b <= hi; b++)
				set_add(&set, (unsigned)b);
		} else if (lo >= 0) {
			set_add(&set, (unsigned)lo);
		}
	}
	p->i++;
	for (unsigned b = 0; b < 256; b++)
		if (set_has(&set, b) != neg)
			set_add(&p->sets[idx], b);
	int n = new_node(p, R_SET);
	if (n >= 0)
		p->node[n].c = idx;
	return n;
bad:
	if (!p->rc)
		p->rc = CSTAT_ESYNTAX;
	return -1;
}

static int parse_alt(struct rparser *p, int depth);

/* The number at p->s[p->i], or -1 when none; counts over 1000 fail. */
static int
parse_count(struct rparser *p)
{
	int v = -1;

	while (p->s[p->i] >= '0' && p->s[p->i] <= '9') {
		v = (v < 0 ? 0 : v * 10) + (p->s[p->i++] - '0');
		if (v > 1000)
			return -2;
	}
	return v;
}

/* The repetition "{m}", "{m,}", "{m,n}" or "{,n}"; p->i is past "{". */
static bool
parse_interval(struct rparser *p, int *min, int *max)
{
	*min = parse_count(p);
	*max = *min;
	if (*min == -2)
		return false;
	if (p->s[p->i] == ',') {
		p->i++;
		*max = parse_count(p);
		if (*max == -2)
			return false;
		if (*min < 0)
			*min = 0;
	} else if (*min < 0) {
		return false;
	}
	if (p->s[p->i++] != '}')
		return false;
	return *max < 0 || *max >= *min;
}

static int
parse_atom(struct rparser *p, int depth, bool *anchor)
{
	char c = p->s[p->i++];
	int n;

	*anchor = false;
	switch (c) {
	case '(':
		n = parse_alt(p, depth + 1);
		if (p->s[p->i] != ')') {
			if (!p->rc)
				p->rc = CSTAT_ESYNTAX;
			return -1;
		}
		p->i++;
		return n;
	case '.':
		n = new_node(p, R_SET);
		if (n >= 0) {
			int idx = new_set(p);
			if (idx < 0)
				return -1;
			memset(&p->sets[idx], 0xff, sizeof(p->sets[idx]));
			p->node[n].c = idx;
		}
		return n;
	case '^':
	case '$':
		*anchor = true;
		return new_node(p, c == '^' ? R_BOL : R_EOL);
	case '[':
		return parse_bracket(p);
	case '*':
	case '+':
	case '?':
	case '{':
		p->rc = CSTAT_ESYNTAX; /* nothing to repeat */
		return -1;
	case '\\':
		c = p->s[p->i++];
		if (!c) {
			p->rc = CSTAT_ESYNTAX;
			return -1;
		}
		break;
	default:
		break;
	}
	n = new_node(p, R_BYTE);
	if (n >= 0)
		p->node[n].c = (unsigned char)c;
	return n;
}

/* An atom and the repetitions that follow it. */
static int
parse_piece(struct rparser *p, int depth)
{
	bool anchor;
	int n = parse_atom(p, depth, &anchor);

	for (;;) {
		char c = p->s[p->i];
		int min, max;
		if (c == '*')
			min = 0, max = -1;
		else if (c == '+')
			min = 1, max = -1;
		else if (c == '?')
			min = 0, max = 1;
		else if (c != '{')
			return n;
		p->i++;
		if (anchor || (c == '{' && !parse_interval(p, &min, &max))) {
			if (!p->rc)
				p->rc = CSTAT_ESYNTAX;
			return -1;
		}
		int r = new_node(p, R_REP);
		if (r < 0 || n < 0)
			return -1;
		p->node[r].min = min, p->node[r].max = max, p->node[r].kid = n;
		n = r;
	}
}

/* A branch: pieces up to "|", ")" inside a group, or the end. */
static int
parse_cat(struct rparser *p, int depth)
{
	int cat = new_node(p, R_CAT), last = -1;

	while (!p->rc && p->s[p->i] && p->s[p->i] != '|' &&
	       !(p->s[p->i] == ')' && depth > 0)) {
		int n = parse_piece(p, depth);
		if (n < 0)
			return -1;
		if (last < 0)
			p->node[cat].kid = n;
		else
			p->node[last].next = n;
		last = n;
	}
	return p->rc ? -1 : cat;
}

static int
parse_alt(struct rparser *p, int depth)
{
	int alt = new_node(p, R_ALT), last = -1;

	for (;;) {
		int n = parse_cat(p, depth);
		if (n < 0)
			return -1;
		if (last < 0)
			p->node[alt].kid = n;
		else
			p->node[last].next = n;
		last = n;
		if (p->s[p->i] != '|')
			return alt;
		p->i++;
	}
}

struct gen {
	const struct rnode *node;
	struct inst *prog;
	int n, cap;
	int rc;
};

static int
emit(struct gen *g, enum opcode op, int x, int y)
{
	if (g->rc)
		return -1;
	if (g->n == g->cap) {
		if (g->cap >= CSTAT__RE_MAX_PROG) {
			g->rc = CSTAT_ESYNTAX;
			return -1;
		}
		int cap = g->cap ? 2 * g->cap : 64;
		struct inst *q = realloc(g->prog, (size_t)cap * sizeof(*q));
		if (!q) {
			g->rc = CSTAT_ENOMEM;
			return -1;
		}
		g->prog = q, g->cap = cap;
	}
	g->prog[g->n] = (struct inst){(enum opcode)op, x, y};
	return g->n++;
}

static void gen_node(struct gen *g, int n);

/* x{min,max}: min copies, then x* or (max - min) copies of x?. */
static void
gen_rep(struct gen *g, const struct rnode *r)
{
	for (int k = 0; k < r->min && !g->rc; k++)
		gen_node(g, r->kid);
	if (r->max < 0) {
		int split = emit(g, OP_SPLIT, 0, 0);
		gen_node(g, r->kid);
		emit(g, OP_JMP, split, 0);
		if (!g->rc)
			g->prog[split].x = split + 1, g->prog[split].y = g->n;
		return;
	}
	for (int k = r->min; k < r->max && !g->rc; k++) {
		int split = emit(g, OP_SPLIT, 0, 0);
		gen_node(g, r->kid);
		if (!g->rc)
			g->prog[split].x = split + 1, g->prog[split].y = g->n;
	}
}

static void
gen_alt(struct gen *g, const struct rnode *a)
{
	/* The jumps to the end are chained through their targets. */
	int chain = -1;

	for (int k = a->kid; k >= 0 && !g->rc; k = g->node[k].next) {
		int split = -1;
		if (g->node[k].next >= 0)
			split = emit(g, OP_SPLIT, 0, 0);
		gen_node(g, k);
		if (split < 0)
			break;
		int j = emit(g, OP_JMP, chain, 0);
		chain = j;
		if (!g->rc)
			g->prog[split].x = split + 1, g->prog[split].y = g->n;
	}
	while (!g->rc && chain >= 0) {
		int prev = g->prog[chain].x;
		g->prog[chain].x = g->n;
		chain = prev;
	}
}

static void
gen_node(struct gen *g, int n)
{
	const struct rnode *r = &g->node[n];

	switch (r->kind) {
	case R_BYTE:
		emit(g, OP_BYTE, r->c, 0);
		break;
	case R_SET:
		emit(g, OP_SET, r->c, 0);
		break;
	case R_BOL:
		emit(g, OP_BOL, 0, 0);
		break;
	case R_EOL:
		emit(g, OP_EOL, 0, 0);
		break;
	case R_CAT:
		for (int k = r->kid; k >= 0 && !g->rc; k = g->node[k].next)
			gen_node(g, k);
		break;
	case R_ALT:
		gen_alt(g, r);
		break;
	case R_REP:
		gen_rep(g, r);
		break;
	}
}

int
cstat__re_compile(const char *pat, struct cstat__re **out)
{
	struct rparser p = {.s = pat};
	struct gen g = {0};
	int root = parse_alt(&p, 0);

	*out = NULL;
	if (!p.rc && p.s[p.i])
		p.rc = CSTAT_ESYNTAX; /* a ")" the grammar left */
	if (!p.rc) {
		g.node = p.node;
		gen_node(&g, root);
		emit(&g, OP_MATCH, 0, 0);
		p.rc = g.rc;
	}
	free(p.node);
	struct cstat__re *re = p.rc ? NULL : malloc(sizeof(*re));
	if (!re) {
		free(g.prog);
		free(p.sets);
		return p.rc ? p.rc : CSTAT_ENOMEM;
	}
	*re = (struct cstat__re){g.prog, g.n, p.sets, p.nsets, NULL, NULL, 0};
	*out = re;
	return 0;
}

void
cstat__re_free(struct cstat__re *re)
{
	if (!re)
		return;
	free(re->prog);
	free(re->sets);
	free(re->mark);
	free(re->buf);
	free(re);
}

/* A set of program counters, with the position each was last added at. */
struct threads {
	int *pc;
	int n;
};

struct vm {
	const struct cstat__re *re;
	size_t *mark; /* the position + base + 1 each pc was last added at */
	int *stack;
	size_t base, pos, len;
	unsigned long long steps;
};

/*
 * Adds pc and what it reaches without reading a byte to t, at most once
 * per position.  @return true when the match instruction is reached.
 */
static bool
add_thread(struct vm *vm, struct threads *t, int pc)
{
	int sp = 0;

	vm->stack[sp++] = pc;
	while (sp > 0) {
		pc = vm->stack[--sp];
		if (vm->mark[pc] == vm->base + vm->pos + 1)
			continue;
		vm->mark[pc] = vm->base + vm->pos + 1;
		vm->steps++;
		const struct inst *in = &vm->re->prog[pc];
		switch (in->op) {
		case OP_JMP:
			vm->stack[sp++] = in->x;
			break;
		case OP_SPLIT:
			vm->stack[sp++] = in->y;
			vm->stack[sp++] = in->x;
			break;
		case OP_BOL:
			if (vm->pos == 0)
				vm->stack[sp++] = pc + 1;
			break;
		case OP_EOL:
			if (vm->pos == vm->len)
				vm->stack[sp++] = pc + 1;
			break;
		case OP_MATCH:
			return true;
		default:
			t->pc[t->n++] = pc;
			break;
		}
	}
	return false;
}

static bool
step_matches(const struct cstat__re *re, const struct inst *in, unsigned c)
{
	if (in->op == OP_BYTE)
		return (unsigned)in->x == c;
	return set_has(&re->sets[in->x], c);
}

static bool
run(struct vm *vm, const char *text, struct threads *cur, struct threads *nxt)
{
	for (vm->pos = 0;; vm->pos++) {
		/* A match may start anywhere: a new thread at each byte. */
		if (add_thread(vm, cur, 0))
			return true;
		if (vm->pos == vm->len)
			return false;
		unsigned c = (unsigned char)text[vm->pos];
		nxt->n = 0;
		vm->pos++;
		for (int k = 0; k < cur->n; k++) {
			const struct inst *in = &vm->re->prog[cur->pc[k]];
			vm->steps++;
			if (step_matches(vm->re, in, c) &&
			    add_thread(vm, nxt, cur->pc[k] + 1)) {
				return true;
			}
		}
		vm->pos--;
		struct threads tmp = *cur;
		*cur = *nxt, *nxt = tmp;
	}
}

bool
cstat__re_match(struct cstat__re *re, const char *text, size_t len,
		unsigned long long *steps)
{
	size_t np = (size_t)re->nprog;

	if (!re->mark || re->base > SIZE_MAX / 2 - len) {
		free(re->mark);
		free(re->buf);
		re->base = 0;
		re->mark = calloc(np, sizeof(*re->mark));
		/*
		 * Two thread lists of np, and a stack: each instruction is
		 * marked once per position and pushes at most two more.
		 */
		re->buf = malloc((4 * np + 4) * sizeof(*re->buf));
		if (!re->mark || !re->buf) {
			free(re->mark);
			free(re->buf);
			re->mark = NULL;
			re->buf = NULL;
			return false;
		}
	}
	struct vm vm = {re,  re->mark, re->buf + 2 * np + 2, re->base, 0,
			len, 0};
	struct threads cur = {re->buf, 0}, nxt = {re->buf + np + 1, 0};
	bool m = run(&vm, text, &cur, &nxt);
	re->base += len + 1;
	if (steps)
		*steps += vm.steps;
	return m;
}
