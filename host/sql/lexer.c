/*
 * lexer.c — the SQL tokenizer (see lexer.h).
 */
#include "sql/lexer.h"

#include <string.h>
#include <strings.h>

void sql_lex_init(struct sql_lexer *lx, enum sql_dialect d, const char *s, size_t len)
{
	lx->s = s;
	lx->len = len;
	lx->pos = 0;
	lx->r = sql_rules(d);
}

static int lex_is_ident_start(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c >= 0x80;
}

static int lex_is_ident_char(unsigned char c)
{
	return lex_is_ident_start(c) || (c >= '0' && c <= '9') || c == '$';
}

static int lex_is_digit(unsigned char c) { return c >= '0' && c <= '9'; }

/* Skips white space and comments; -1 (lx->pos at the comment) when a block comment is unterminated. */
static int lex_skip_space(struct sql_lexer *lx)
{
	const char *s = lx->s;
	size_t n = lx->len, i = lx->pos;
	for (;;) {
		while (i < n && (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r' || s[i] == '\f' || s[i] == '\v'))
			i++;
		if (i + 1 < n && s[i] == '-' && s[i + 1] == '-') {
			while (i < n && s[i] != '\n')
				i++;
			continue;
		}
		if (i < n && s[i] == '#' && lx->r->hash_comment) {
			while (i < n && s[i] != '\n')
				i++;
			continue;
		}
		if (i + 1 < n && s[i] == '/' && s[i + 1] == '*') {
			size_t start = i;
			int depth = 1;
			i += 2;
			while (i < n && depth > 0) {
				if (i + 1 < n && s[i] == '*' && s[i + 1] == '/') {
					depth--;
					i += 2;
				} else if (i + 1 < n && s[i] == '/' && s[i + 1] == '*' && lx->r->nested_comments) {
					depth++;
					i += 2;
				} else {
					i++;
				}
			}
			if (depth > 0) {
				lx->pos = start;
				return -1;
			}
			continue;
		}
		break;
	}
	lx->pos = i;
	return 0;
}

/* The end of a quoted run opened at s[i] by `q` (closing `close`), or 0 when unterminated.
 * Doubling the closing quote escapes it; `bs` allows backslash escapes. */
static size_t lex_quoted_end(const char *s, size_t n, size_t i, char close, int bs)
{
	for (i++; i < n; i++) {
		if (bs && s[i] == '\\') {
			i++;
			continue;
		}
		if (s[i] == close) {
			if (i + 1 < n && s[i + 1] == close) {
				i++;
				continue;
			}
			return i + 1;
		}
	}
	return 0;
}

/* At a '$': the length of a dollar-quote tag ("$tag$" or "$$") starting here, else 0. */
static size_t lex_dollar_tag(const char *s, size_t n, size_t i)
{
	size_t j = i + 1;
	if (j < n && lex_is_digit((unsigned char)s[j]))
		return 0;
	while (j < n && s[j] != '$' && lex_is_ident_start((unsigned char)s[j]))
		j++;
	while (j < n && s[j] != '$' && lex_is_ident_char((unsigned char)s[j]))
		j++;
	return j < n && s[j] == '$' ? j - i + 1 : 0;
}

static const char *const lex_ops[] = {
	"<=>", "<->", "<#>", "<+>", "->>", "#>>", "!~*", "::", "||", "<=", ">=", "<>", "!=", "!~", "~*", "<<", ">>",
	"->", "#>", "@>", "<@", "&&", ":=", "=>", NULL,
};

static int lex_finish(struct sql_lexer *lx, struct sql_token *t, enum tok_kind k, size_t start, size_t end)
{
	t->kind = k;
	t->off = start;
	t->len = end - start;
	lx->pos = end;
	return 0;
}

static int lex_fail(struct sql_lexer *lx, struct sql_token *t, size_t start)
{
	t->kind = TK_STRING;
	t->off = start;
	t->len = lx->len - start;
	lx->pos = lx->len;
	return -1;
}

static int lex_string(struct sql_lexer *lx, struct sql_token *t, size_t start, size_t q, int bs)
{
	char close = lx->s[q];
	size_t e = lex_quoted_end(lx->s, lx->len, q, close, bs);
	if (!e)
		return lex_fail(lx, t, start);
	return lex_finish(lx, t, TK_STRING, start, e);
}

static int lex_number(struct sql_lexer *lx, struct sql_token *t, size_t i)
{
	const char *s = lx->s;
	size_t n = lx->len, start = i;
	enum tok_kind k = TK_INT;
	if (lx->r->backslash && i + 2 < n && s[i] == '0' && (s[i + 1] == 'x' || s[i + 1] == 'X')) {
		i += 2;
		while (i < n && ((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f') || (s[i] >= 'A' && s[i] <= 'F')))
			i++;
		return lex_finish(lx, t, TK_INT, start, i);
	}
	while (i < n && lex_is_digit((unsigned char)s[i]))
		i++;
	if (i < n && s[i] == '.' && !(i + 1 < n && s[i + 1] == '.')) {
		k = TK_NUMBER;
		i++;
		while (i < n && lex_is_digit((unsigned char)s[i]))
			i++;
	}
	if (i < n && (s[i] == 'e' || s[i] == 'E')) {
		size_t j = i + 1;
		if (j < n && (s[j] == '+' || s[j] == '-'))
			j++;
		if (j < n && lex_is_digit((unsigned char)s[j])) {
			k = TK_NUMBER;
			i = j;
			while (i < n && lex_is_digit((unsigned char)s[i]))
				i++;
		}
	}
	return lex_finish(lx, t, k, start, i);
}

int sql_lex_next(struct sql_lexer *lx, struct sql_token *t)
{
	const struct sql_rules *r = lx->r;
	t->quote = TQ_PLAIN;
	if (lex_skip_space(lx) < 0)
		return lex_fail(lx, t, lx->pos);
	const char *s = lx->s;
	size_t n = lx->len, i = lx->pos;
	if (i >= n)
		return lex_finish(lx, t, TK_EOF, n, n);
	unsigned char c = (unsigned char)s[i];
	unsigned char c1 = i + 1 < n ? (unsigned char)s[i + 1] : 0;

	/* prefixed strings: E'..', N'..', X'..', B'..' */
	if (c1 == '\'' && (c == 'e' || c == 'E') && r->e_strings) {
		t->quote = TQ_ESCAPE;
		return lex_string(lx, t, i, i + 1, 1);
	}
	if (c1 == '\'' && (c == 'n' || c == 'N')) {
		t->quote = TQ_NATIONAL;
		return lex_string(lx, t, i, i + 1, r->backslash);
	}
	if (c1 == '\'' && (c == 'x' || c == 'X' || c == 'b' || c == 'B')) {
		size_t e = lex_quoted_end(s, n, i + 1, '\'', 0);
		if (!e)
			return lex_fail(lx, t, i);
		return lex_finish(lx, t, (c == 'x' || c == 'X') ? TK_HEX : TK_BITS, i, e);
	}
	if (lex_is_ident_start(c) || (c == '#' && r->hash_ident && i + 1 < n && lex_is_ident_start(c1))) {
		size_t j = i + 1;
		while (j < n && lex_is_ident_char((unsigned char)s[j]))
			j++;
		return lex_finish(lx, t, TK_IDENT, i, j);
	}
	if (lex_is_digit(c) || (c == '.' && lex_is_digit(c1)))
		return lex_number(lx, t, i);
	if (c == '\'')
		return lex_string(lx, t, i, i, r->backslash);
	if (c == '"') {
		if (r->dq_ident) {
			size_t e = lex_quoted_end(s, n, i, '"', 0);
			return e ? lex_finish(lx, t, TK_QIDENT, i, e) : lex_fail(lx, t, i);
		}
		return lex_string(lx, t, i, i, r->backslash);
	}
	if (c == '`' && r->backtick) {
		size_t e = lex_quoted_end(s, n, i, '`', 0);
		return e ? lex_finish(lx, t, TK_QIDENT, i, e) : lex_fail(lx, t, i);
	}
	if (c == '[' && r->bracket) {
		size_t e = lex_quoted_end(s, n, i, ']', 0);
		return e ? lex_finish(lx, t, TK_QIDENT, i, e) : lex_fail(lx, t, i);
	}
	if (c == '$') {
		if (r->dollar_param && lex_is_digit(c1)) {
			size_t j = i + 1;
			while (j < n && lex_is_digit((unsigned char)s[j]))
				j++;
			return lex_finish(lx, t, TK_PARAM, i, j);
		}
		size_t tag = r->dollar_quote ? lex_dollar_tag(s, n, i) : 0;
		if (tag) {
			for (size_t j = i + tag; j + tag <= n; j++)
				if (s[j] == '$' && memcmp(s + j, s + i, tag) == 0) {
					t->quote = TQ_DOLLAR;
					return lex_finish(lx, t, TK_STRING, i, j + tag);
				}
			return lex_fail(lx, t, i);
		}
	}
	if (c == '?')
		return lex_finish(lx, t, TK_PARAM, i, i + 1);
	if (c == ':' && r->colon_param && c1 != ':' && c1 != '=' &&
	    (lex_is_ident_start(c1) || lex_is_digit(c1))) {
		size_t j = i + 1;
		while (j < n && lex_is_ident_char((unsigned char)s[j]))
			j++;
		return lex_finish(lx, t, TK_PARAM, i, j);
	}
	if (c == '@' && r->at_param && (lex_is_ident_start(c1) || c1 == '@')) {
		size_t j = i + 1;
		if (c1 == '@')
			j++; /* @@variable: an identifier-like parameter the engine answers */
		while (j < n && lex_is_ident_char((unsigned char)s[j]))
			j++;
		return lex_finish(lx, t, c1 == '@' ? TK_IDENT : TK_PARAM, i, j);
	}
	if (c == '@' && c1 == '@') { /* MySQL @@session.var: one word */
		size_t j = i + 2;
		while (j < n && (lex_is_ident_char((unsigned char)s[j]) || s[j] == '.'))
			j++;
		return lex_finish(lx, t, TK_IDENT, i, j);
	}
	for (int k = 0; lex_ops[k]; k++) {
		size_t l = strlen(lex_ops[k]);
		if (i + l <= n && memcmp(s + i, lex_ops[k], l) == 0)
			return lex_finish(lx, t, TK_OP, i, i + l);
	}
	return lex_finish(lx, t, TK_OP, i, i + 1);
}

int sql_tok_is(const struct sql_lexer *lx, const struct sql_token *t, const char *word)
{
	if (t->kind != TK_IDENT && t->kind != TK_OP)
		return 0;
	size_t l = strlen(word);
	return t->len == l && strncasecmp(lx->s + t->off, word, l) == 0;
}

static int lex_hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* One backslash escape at s[*i] (just after the backslash) appended to out. */
static size_t lex_unescape(const char *s, size_t end, size_t *i, char *out)
{
	char c = s[*i];
	switch (c) {
	case 'n': out[0] = '\n'; return 1;
	case 't': out[0] = '\t'; return 1;
	case 'r': out[0] = '\r'; return 1;
	case 'b': out[0] = '\b'; return 1;
	case 'f': out[0] = '\f'; return 1;
	case '0': out[0] = '\0'; return 1;
	case 'Z': out[0] = 26; return 1;
	case 'x': {
		int v = 0, k = 0;
		while (k < 2 && *i + 1 < end && lex_hexval(s[*i + 1]) >= 0) {
			v = v * 16 + lex_hexval(s[*i + 1]);
			(*i)++;
			k++;
		}
		if (!k) {
			out[0] = 'x';
			return 1;
		}
		out[0] = (char)v;
		return 1;
	}
	default: out[0] = c; return 1;
	}
}

char *sql_lex_decode(struct arena *a, const struct sql_lexer *lx, const struct sql_token *t, size_t *n)
{
	const char *s = lx->s + t->off;
	size_t len = t->len;
	char *out = arena_alloc(a, len + 1);
	size_t o = 0;
	if (t->kind == TK_HEX || t->kind == TK_BITS) {
		/* X'..': bytes from hex pairs; B'..': the digits as written (the binder converts) */
		size_t i = 2, end = len - 1;
		if (t->kind == TK_BITS) {
			memcpy(out, s + i, end - i);
			o = end - i;
		} else {
			for (; i + 1 < end; i += 2) {
				int h = lex_hexval(s[i]), l = lex_hexval(s[i + 1]);
				if (h < 0 || l < 0)
					break;
				out[o++] = (char)(h << 4 | l);
			}
		}
		out[o] = '\0';
		*n = o;
		return out;
	}
	if (t->quote == TQ_DOLLAR) {
		size_t tag = lex_dollar_tag(s, len, 0);
		o = len - 2 * tag;
		memcpy(out, s + tag, o);
		out[o] = '\0';
		*n = o;
		return out;
	}
	size_t i = 0;
	if (t->quote == TQ_ESCAPE || t->quote == TQ_NATIONAL)
		i = 1;
	char q = s[i];
	char close = q == '[' ? ']' : q;
	int bs = t->kind == TK_STRING && (t->quote == TQ_ESCAPE || lx->r->backslash);
	size_t end = len - 1;
	for (i++; i < end; i++) {
		if (bs && s[i] == '\\' && i + 1 < end) {
			i++;
			o += lex_unescape(s, end, &i, out + o);
			continue;
		}
		if (s[i] == close && i + 1 < end && s[i + 1] == close)
			i++;
		out[o++] = s[i];
	}
	out[o] = '\0';
	*n = o;
	return out;
}
