#ifndef EPRINTF_H
#define EPRINTF_H
/*
 * Messages of a stage program, after sbase's eprintf.c: every line starts
 * with "tally <stage>: " (set once by eprintf_init), and a format ending in
 * ':' gets ": strerror(errno)" appended. die() exits with the given code
 * (SPEC.md: 2 usage/config, 3 I/O). Only stages/ call these; lib/ returns
 * errors in a caller's buffer instead.
 */
#include <stdarg.h>
void eprintf_init(const char *stage);
const char *eprintf_stage(void);
void warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void die(int code, const char *fmt, ...)
	__attribute__((format(printf, 2, 3), noreturn));
#endif
