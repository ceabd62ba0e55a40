/*
 * split.c — statement boundaries and leading keywords (see split.h).
 */
#include "sql/split.h"

#include <ctype.h>
#include <string.h>

size_t sql_skip_space(const char *s, size_t len, size_t i)
{
	while (i < len) {
		if (isspace((unsigned char)s[i])) {
			i++;
		} else if (s[i] == '-' && i + 1 < len && s[i + 1] == '-') {
			while (i < len && s[i] != '\n')
				i++;
		} else if (s[i] == '/' && i + 1 < len && s[i + 1] == '*') {
			int depth = 1;
			i += 2;
			while (i < len && depth > 0) {
				if (s[i] == '/' && i + 1 < len && s[i + 1] == '*') {
					depth++;
					i += 2;
				} else if (s[i] == '*' && i + 1 < len && s[i + 1] == '/') {
					depth--;
					i += 2;
				} else {
					i++;
				}
			}
		} else {
			break;
		}
	}
	return i;
}

/* At a '$': if a dollar-quote tag starts here, return its length ("$tag$"), else 0. */
static size_t sql_dollar_tag(const char *s, size_t len, size_t i)
{
	size_t j = i + 1;
	if (j < len && (isdigit((unsigned char)s[j])))
		return 0; /* $1 is a parameter */
	while (j < len && (isalnum((unsigned char)s[j]) || s[j] == '_'))
		j++;
	return (j < len && s[j] == '$') ? j - i + 1 : 0;
}

size_t sql_statement_end(const char *s, size_t len, size_t i)
{
	while (i < len) {
		char c = s[i];
		if (c == ';')
			return i + 1;
		if (c == '\'' || c == '"' || c == '`') {
			i++;
			while (i < len) {
				if (s[i] == c) {
					if (i + 1 < len && s[i + 1] == c) { /* doubled quote */
						i += 2;
						continue;
					}
					break;
				}
				if (s[i] == '\\' && c != '"' && i + 1 < len) /* E'..' and MySQL escapes */
					i++;
				i++;
			}
			i++;
		} else if ((c == '-' && i + 1 < len && s[i + 1] == '-') ||
			   (c == '/' && i + 1 < len && s[i + 1] == '*')) {
			i = sql_skip_space(s, len, i);
		} else if (c == '$') {
			size_t tag = sql_dollar_tag(s, len, i);
			if (tag == 0) {
				i++;
				continue;
			}
			size_t j = i + tag;
			while (j + tag <= len && memcmp(s + j, s + i, tag) != 0)
				j++;
			i = (j + tag <= len) ? j + tag : len;
		} else {
			i++;
		}
	}
	return len;
}

size_t sql_read_keyword(const char *s, size_t len, size_t i, char *out, size_t cap)
{
	size_t n = 0;
	if (cap)
		out[0] = 0;
	if (i >= len || !(isalpha((unsigned char)s[i]) || s[i] == '_'))
		return i;
	while (i < len && (isalnum((unsigned char)s[i]) || s[i] == '_')) {
		if (n + 1 < cap)
			out[n++] = (char)toupper((unsigned char)s[i]);
		i++;
	}
	if (cap)
		out[n] = 0;
	return i;
}
