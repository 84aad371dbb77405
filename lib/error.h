#ifndef ERROR_H
#define ERROR_H
/*
 * lib/ never prints and never exits (but for xalloc): a function that can
 * fail returns 0 on success or -1 and fills the caller's struct error with
 * one lower-case line (git's api-error-handling). The caller prefixes it
 * with the stage and decides the exit code.
 */
struct error {
	char msg[1024];
};
/* fill e (when not NULL) and return -1 */
int error_set(struct error *e, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
#endif
