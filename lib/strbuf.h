#ifndef STRBUF_H
#define STRBUF_H
#include <stdarg.h>
#include <stddef.h>
/*
 * A growable NUL-terminated byte buffer (git's strbuf, cut down).
 * STRBUF_INIT is an empty buffer that owns nothing; strbuf_release frees
 * and leaves it empty again; strbuf_detach hands the string to the caller.
 */
struct strbuf {
	size_t len, alloc;
	char *buf;
};
extern char strbuf_empty[];
#define STRBUF_INIT { 0, 0, strbuf_empty }
void strbuf_init(struct strbuf *sb);
void strbuf_release(struct strbuf *sb);
char *strbuf_detach(struct strbuf *sb);
void strbuf_grow(struct strbuf *sb, size_t extra);
void strbuf_add(struct strbuf *sb, const void *data, size_t len);
void strbuf_addstr(struct strbuf *sb, const char *s);
void strbuf_addch(struct strbuf *sb, int c);
void strbuf_addf(struct strbuf *sb, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void strbuf_vaddf(struct strbuf *sb, const char *fmt, va_list ap);
void strbuf_reset(struct strbuf *sb);
/* cut sb to its first len bytes (a longer len changes nothing) */
void strbuf_setlen(struct strbuf *sb, size_t len);
/*
 * Append the whole file at path to sb. Returns 0, 1 when the file does
 * not exist and missing_ok is set, or -1 with e naming the file.
 */
struct error;
int strbuf_read_file(struct strbuf *sb, const char *path, int missing_ok,
		     struct error *e);
/* "dir/name" (one '/' between them), a new string for the caller to free */
char *path_join(const char *dir, const char *name);
#endif
