/*
 * log.h — structured log lines on stderr.
 *
 * One line per event: `ts=<RFC 3339> level=<lvl> event=<word> k=v k=v ...`.
 * The caller writes the key=value tail with printf formatting; values with
 * spaces should be quoted by the caller ("msg=\"%s\"").  Lines are written
 * with a single write(2), so lines from several loop threads never interleave.
 *
 * INTERFACE ROUTINES
 *   log_set_level     drop lines below this level
 *   log_msg           write one line
 *   log_debug/info/warn/error   shorthands
 */
#ifndef ROSETTA_CORE_LOG_H
#define ROSETTA_CORE_LOG_H

enum log_level { LOG_DEBUG, LOG_INFO, LOG_WARN, LOG_ERROR };

void log_set_level(enum log_level lvl);
int log_enabled(enum log_level lvl);
void log_msg(enum log_level lvl, const char *event, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#define log_debug(ev, ...) log_msg(LOG_DEBUG, ev, __VA_ARGS__)
#define log_info(ev, ...) log_msg(LOG_INFO, ev, __VA_ARGS__)
#define log_warn(ev, ...) log_msg(LOG_WARN, ev, __VA_ARGS__)
#define log_error(ev, ...) log_msg(LOG_ERROR, ev, __VA_ARGS__)

#endif
