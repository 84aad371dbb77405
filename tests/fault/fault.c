/*
 * Fault injection for tests/fault/sweep: an LD_PRELOAD shim that makes
 * one call of a tally program fail, as a full disk, a failing disk or an
 * exhausted memory would.
 *
 *   TALLY_FAULT=FUNC:N    the Nth call of FUNC fails (FUNC: write, fsync,
 *                         rename, open or malloc), and only that one
 *   TALLY_FAULT_PROG=P    in the program named P only (bin/P; by default
 *                         every program the shim is loaded in)
 *   TALLY_FAULT_COUNT=F   count the calls instead, appending "P FUNC N"
 *                         to F at each program's exit
 *
 * write covers write(2) and stdio's fwrite, fflush and fclose (a stream
 * fails as a full disk makes it: ENOSPC, its error flag set); open covers
 * open, openat and fopen (EIO, a disk that fails); malloc covers
 * malloc, calloc and realloc (ENOMEM; not built with FAULT_NO_MALLOC,
 * for programs under AddressSanitizer, whose malloc must stay theirs).
 * Calls made before the shim's constructor runs are not counted.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

enum { F_WRITE, F_FSYNC, F_RENAME, F_OPEN, F_MALLOC, F_N };
static const char *const names[F_N] = { "write", "fsync", "rename", "open", "malloc" };
static long calls[F_N];
static int armed, target = -1, counting;
static long nth;
static char count_file[512];

extern void *__libc_malloc(size_t);
extern void *__libc_calloc(size_t, size_t);
extern void *__libc_realloc(void *, size_t);

__attribute__((constructor)) static void fault_init(void)
{
	const char *f = getenv("TALLY_FAULT"), *p = getenv("TALLY_FAULT_PROG");
	const char *c = getenv("TALLY_FAULT_COUNT");

	if (p && *p && strcmp(p, program_invocation_short_name))
		return;
	if (c && *c) {
		snprintf(count_file, sizeof(count_file), "%s", c);
		counting = 1;
	}
	if (f) {
		const char *colon = strchr(f, ':');

		for (int i = 0; i < F_N && colon; i++)
			if (strlen(names[i]) == (size_t)(colon - f) &&
			    !strncmp(f, names[i], (size_t)(colon - f)))
				target = i;
		if (colon)
			nth = strtol(colon + 1, NULL, 10);
	}
	armed = counting || (target >= 0 && nth > 0);
}

__attribute__((destructor)) static void fault_fini(void)
{
	char line[256];
	int fd, n = 0;

	if (!counting)
		return;
	armed = 0;
	for (int i = 0; i < F_N; i++)
		n += snprintf(line + n, sizeof(line) - (size_t)n, "%s %s %ld\n",
			      program_invocation_short_name, names[i], calls[i]);
	fd = open(count_file, O_WRONLY | O_APPEND | O_CREAT, 0600);
	if (fd >= 0) {
		ssize_t w = write(fd, line, (size_t)n);

		(void)w;
		close(fd);
	}
}

/* 1 when this call of f is the one that fails */
static int fail(int f)
{
	if (!armed)
		return 0;
	calls[f]++;
	return !counting && f == target && calls[f] == nth;
}

#define REAL(ret, name, ...) \
	static ret (*real)(__VA_ARGS__); \
	if (!real) \
		real = (ret (*)(__VA_ARGS__))dlsym(RTLD_NEXT, name)

ssize_t write(int fd, const void *buf, size_t n)
{
	REAL(ssize_t, "write", int, const void *, size_t);
	if (fail(F_WRITE)) {
		errno = ENOSPC;
		return -1;
	}
	return real(fd, buf, n);
}

size_t fwrite(const void *buf, size_t size, size_t n, FILE *fp)
{
	REAL(size_t, "fwrite", const void *, size_t, size_t, FILE *);
	if (fail(F_WRITE)) {
		errno = ENOSPC;
		fp->_flags |= 0x20;	/* glibc's _IO_ERR_SEEN: ferror(fp) */
		return 0;
	}
	return real(buf, size, n, fp);
}

int fflush(FILE *fp)
{
	REAL(int, "fflush", FILE *);
	if (fp && fail(F_WRITE)) {
		errno = ENOSPC;
		fp->_flags |= 0x20;
		return EOF;
	}
	return real(fp);
}

int fclose(FILE *fp)
{
	REAL(int, "fclose", FILE *);
	if (fail(F_WRITE)) {
		real(fp);
		errno = ENOSPC;
		return EOF;
	}
	return real(fp);
}

int fsync(int fd)
{
	REAL(int, "fsync", int);
	if (fail(F_FSYNC)) {
		errno = EIO;
		return -1;
	}
	return real(fd);
}

int rename(const char *a, const char *b)
{
	REAL(int, "rename", const char *, const char *);
	if (fail(F_RENAME)) {
		errno = EIO;
		return -1;
	}
	return real(a, b);
}

int open(const char *path, int flags, ...)
{
	va_list ap;
	mode_t mode;

	REAL(int, "open", const char *, int, ...);
	va_start(ap, flags);
	mode = (mode_t)va_arg(ap, int);
	va_end(ap);
	if (fail(F_OPEN)) {
		errno = EIO;
		return -1;
	}
	return real(path, flags, mode);
}

int open64(const char *path, int flags, ...)
{
	va_list ap;
	mode_t mode;

	REAL(int, "open64", const char *, int, ...);
	va_start(ap, flags);
	mode = (mode_t)va_arg(ap, int);
	va_end(ap);
	if (fail(F_OPEN)) {
		errno = EIO;
		return -1;
	}
	return real(path, flags, mode);
}

int openat(int dir, const char *path, int flags, ...)
{
	va_list ap;
	mode_t mode;

	REAL(int, "openat", int, const char *, int, ...);
	va_start(ap, flags);
	mode = (mode_t)va_arg(ap, int);
	va_end(ap);
	if (fail(F_OPEN)) {
		errno = EIO;
		return -1;
	}
	return real(dir, path, flags, mode);
}

FILE *fopen(const char *path, const char *mode)
{
	REAL(FILE *, "fopen", const char *, const char *);
	if (fail(F_OPEN)) {
		errno = EIO;
		return NULL;
	}
	return real(path, mode);
}

FILE *fopen64(const char *path, const char *mode)
{
	REAL(FILE *, "fopen64", const char *, const char *);
	if (fail(F_OPEN)) {
		errno = EIO;
		return NULL;
	}
	return real(path, mode);
}

#ifndef FAULT_NO_MALLOC
void *malloc(size_t n)
{
	if (fail(F_MALLOC)) {
		errno = ENOMEM;
		return NULL;
	}
	return __libc_malloc(n);
}

void *calloc(size_t a, size_t b)
{
	if (fail(F_MALLOC)) {
		errno = ENOMEM;
		return NULL;
	}
	return __libc_calloc(a, b);
}

void *realloc(void *p, size_t n)
{
	if (fail(F_MALLOC)) {
		errno = ENOMEM;
		return NULL;
	}
	return __libc_realloc(p, n);
}
#endif
