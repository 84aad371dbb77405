#ifndef FUZZ_H
#define FUZZ_H
/*
 * What every fuzz target of tests/fuzz/ shares (README.md, "Fuzzing").
 * A target is tests/fuzz/fuzz_<reader>.c defining LLVMFuzzerTestOneInput
 * over one reader of lib/, with tests/fuzz/fuzz_<reader>.seeds naming its
 * seed files (globs, one a line, from the repository's root); `make fuzz`
 * builds each with libFuzzer, AddressSanitizer and UBSan and runs it.
 *
 * The readers take paths, so an input is written to a file of the
 * target's scratch folder first (fuzz_file), under the name the reader
 * expects. Besides not crashing (ASan catches a read or write outside a
 * buffer), each target checks what the reader promises: FUZZ_CHECK aborts
 * with the condition and the line, and libFuzzer keeps the input.
 *
 * The checks every reader shares (fuzz_check_error): a failed call fills
 * its error with a code and a message, which is NUL-terminated inside
 * its buffer, of one line per error shown (no line end of the input
 * slips in), and leaves no temporary
 * file (*.tmp*) in the scratch folder.
 */
#include <dirent.h>
#include <signal.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "error.h"

#define FUZZ_CHECK(c) do { if (!(c)) { \
	fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #c); \
	abort(); } } while (0)

/*
 * libFuzzer's own signal handlers (SIGALRM is its -timeout clock), kept
 * at the first input: the readers' temporary files register handlers of
 * their own (lib/tempfile.c), which fuzz_signals takes back after each.
 */
static const int fuzz_sigs[] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGPIPE, SIGALRM };
static struct sigaction fuzz_sa[sizeof(fuzz_sigs) / sizeof(fuzz_sigs[0])];

static __attribute__((unused)) void fuzz_signals(void)
{
	for (size_t i = 0; i < sizeof(fuzz_sigs) / sizeof(fuzz_sigs[0]); i++)
		sigaction(fuzz_sigs[i], &fuzz_sa[i], NULL);
}

/* the scratch folder: one per process, made at the first call */
static __attribute__((unused)) const char *fuzz_dir(void)
{
	static char dir[64];

	if (!dir[0]) {
		for (size_t i = 0; i < sizeof(fuzz_sigs) / sizeof(fuzz_sigs[0]); i++)
			sigaction(fuzz_sigs[i], NULL, &fuzz_sa[i]);
		const char *base = access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp";

		snprintf(dir, sizeof(dir), "%s/tally-fuzz.XXXXXX", base);
		FUZZ_CHECK(mkdtemp(dir) != NULL);
	}
	return dir;
}

/* fuzz_dir()/name (a static buffer: one path at a time per slot) */
static __attribute__((unused)) const char *fuzz_path(const char *name)
{
	static char path[4][256];
	static int slot;

	slot = (slot + 1) % 4;
	snprintf(path[slot], sizeof(path[slot]), "%s/%s", fuzz_dir(), name);
	return path[slot];
}

/* data[0..size) as the file fuzz_dir()/name; returns its path */
static __attribute__((unused)) const char *fuzz_file(const char *name, const uint8_t *data, size_t size)
{
	const char *path = fuzz_path(name);
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	size_t done = 0;

	FUZZ_CHECK(fd >= 0);
	while (done < size) {
		ssize_t w = write(fd, data + done, size - done);

		FUZZ_CHECK(w > 0);
		done += (size_t)w;
	}
	FUZZ_CHECK(close(fd) == 0);
	return path;
}

/* no file of the scratch folder is a temporary one (*.tmp*) */
static __attribute__((unused)) void fuzz_no_temp(void)
{
	DIR *d = opendir(fuzz_dir());
	struct dirent *de;

	FUZZ_CHECK(d != NULL);
	while ((de = readdir(d)))
		FUZZ_CHECK(strstr(de->d_name, ".tmp") == NULL);
	closedir(d);
}

/* what a reader's return rc and error e must be (see above) */
static __attribute__((unused)) void fuzz_check_error(int rc, const struct error *e)
{
	FUZZ_CHECK(rc == 0 || rc == -1);
	if (rc == -1) {
		const char *end = memchr(e->msg, '\0', sizeof(e->msg));
		long lines = 1;

		FUZZ_CHECK(e->code >= ERR_IO && e->code <= ERR_FILE_SIZE);
		FUZZ_CHECK(end != NULL && end > e->msg);
		for (const char *p = e->msg; p < end; p++)
			lines += *p == '\n';
		/* one line per error shown: no line end of the input in it */
		FUZZ_CHECK(e->n >= 1 && e->shown <= e->n);
		if (lines != e->shown)
			fprintf(stderr, "message (%d shown): %s\n", e->shown, e->msg);
		FUZZ_CHECK(lines == e->shown);
	}
	fuzz_no_temp();
	fuzz_signals();
}

/* remove fuzz_dir()/name (the next input starts without it) */
static __attribute__((unused)) void fuzz_remove(const char *name)
{
	unlink(fuzz_path(name));
}
#endif
