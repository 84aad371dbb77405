#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "outfile.h"
#include "period.h"
#include "problems.h"
#include "progress.h"
#include "runtime.h"
#include "strbuf.h"
#include "xalloc.h"
#include "banned.h"

/*
 * One message line, "tally <program>: <what>" (a format ending in ':'
 * gets strerror(errno) added), on stderr; with keep, also appended to the
 * file $TALLY_ERRORS when it is set: make gives each stage one, so that
 * bin/tally failed can name in summary.json what stopped a run.
 */
/* --- progress on a terminal (progress.h) ---------------------------------- */

static pthread_mutex_t shown_lock = PTHREAD_MUTEX_INITIALIZER;
static int64_t started_ns, last_ns, after_ns = 2000000000;
static int shown;		/* a progress line is on the terminal */

static int64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/* the progress line off the terminal, before a message or at the end */
static void progress_clear(void)
{
	pthread_mutex_lock(&shown_lock);
	if (shown)
		fputs("\r\033[K", stderr);
	shown = 0;
	pthread_mutex_unlock(&shown_lock);
}

/* a step past two seconds, at most four times a second, on one line */
static void on_progress(const char *what, uint64_t done, uint64_t total)
{
	int64_t t = now_ns();

	if (t - started_ns < after_ns || t - last_ns < 250000000)
		return;
	pthread_mutex_lock(&shown_lock);
	last_ns = t;
	if (*program_name)
		fprintf(stderr, "\rtally %s: ", program_name);
	else
		fputs("\rtally: ", stderr);
	if (total)
		fprintf(stderr, "%s, %u%%", what,
			(unsigned)(done >= total ? 99 : done * 100 / total));
	else if (done)
		fprintf(stderr, "%s, %llu", what, (unsigned long long)done);
	else
		fprintf(stderr, "%s", what);
	fprintf(stderr, " (%llds)\033[K",
		(long long)((t - started_ns) / 1000000000));
	fflush(stderr);
	shown = 1;
	pthread_mutex_unlock(&shown_lock);
}

/*
 * On a terminal only, and not when TALLY_PROGRESS=0; after two seconds,
 * or TALLY_PROGRESS_AFTER_MS (for tests).
 */
static void progress_start(void)
{
	const char *env = getenv("TALLY_PROGRESS");
	const char *after = getenv("TALLY_PROGRESS_AFTER_MS");

	if (!isatty(2) || (env && !strcmp(env, "0")))
		return;
	if (after && *after && strspn(after, "0123456789") == strlen(after) &&
	    strlen(after) < 7)
		after_ns = (int64_t)strtol(after, NULL, 10) * 1000000;
	started_ns = now_ns();
	progress_set(on_progress);
	atexit(progress_clear);
}

/* --- messages ------------------------------------------------------------ */

static void vsay(int keep, const char *fmt, va_list ap)
{
	int saved = errno;
	size_t n = strlen(fmt);
	struct strbuf sb = STRBUF_INIT;
	const char *path;
	FILE *fp;

	if (*program_name)
		strbuf_addf(&sb, "tally %s: ", program_name);
	else
		strbuf_addstr(&sb, "tally: ");
	strbuf_vaddf(&sb, fmt, ap);
	if (n && fmt[n - 1] == ':')
		strbuf_addf(&sb, " %s", strerror(saved));
	strbuf_addch(&sb, '\n');
	progress_clear();
	fputs(sb.buf, stderr);
	if (keep && (path = getenv("TALLY_ERRORS")) && *path &&
	    (fp = fopen(path, "a"))) {
		fputs(sb.buf, fp);
		fclose(fp);
	}
	strbuf_release(&sb);
}

static void say(int keep, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static void say(int keep, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsay(keep, fmt, ap);
	va_end(ap);
}

void warn(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsay(0, fmt, ap);
	va_end(ap);
}

void die(enum exit_code code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsay(1, fmt, ap);
	va_end(ap);
	exit(code);
}

enum exit_code exit_code_of(const struct error *e)
{
	switch (e->code) {
	case ERR_USAGE:
	case ERR_CONFIG:
		return EXIT_USAGE;
	case ERR_REFUSED:
	case ERR_NET:
		return EXIT_REFUSED;
	default:
		return EXIT_IO;
	}
}

void die_error(const struct error *e)
{
	const char *p = e->msg;
	const char *nl;

	/* one message a line (error_add's), each with the program's prefix */
	while ((nl = strchr(p, '\n'))) {
		say(1, "%.*s", (int)(nl - p), p);
		p = nl + 1;
	}
	if (e->n > e->shown && e->shown > 0) {
		say(1, "%s", p);
		die(exit_code_of(e), "and %d more errors", e->n - e->shown);
	}
	die(exit_code_of(e), "%s", p);
}

void output_open(struct outfile *o, const char *dir, const char *name)
{
	char *path = path_join(dir, name);
	struct error e;

	if (outfile_open(o, path, &e))
		die_error(&e);
	free(path);
}

void output_commit(struct outfile *o)
{
	struct error e;

	if (outfile_commit(o, &e))
		die_error(&e);
}

void problems_output(struct problems *p, const char *dir, const char *name)
{
	char *path = path_join(dir, name);
	struct error e;

	if (problems_open(p, path, program_name, &e))
		die_error(&e);
	free(path);
}

/* the usage text's first paragraph: its "usage:" lines */
static void put_synopsis(const char *usage, FILE *fp)
{
	const char *end = strstr(usage, "\n\n");

	fwrite(usage, 1, end ? (size_t)(end - usage) + 1 : strlen(usage), fp);
}

void usage_error(const char *usage, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsay(1, fmt, ap);
	va_end(ap);
	put_synopsis(usage, stderr);
	exit(EXIT_USAGE);
}

static const struct opt *find(const struct opt *opts, const char *a,
			      size_t n)
{
	for (const struct opt *o = opts; o->name; o++)
		if (strlen(o->name) == n && !strncmp(o->name, a, n))
			return o;
	return NULL;
}

static void set(const struct opt *o, const char *v, const char *usage)
{
	struct error e;

	switch (o->kind) {
	case OPT_FLAG:
		if (*(int *)o->value)
			usage_error(usage, "option given twice (\"%s\")", o->name);
		*(int *)o->value = 1;
		break;
	case OPT_STRING:
		if (*(const char **)o->value)
			usage_error(usage, "option given twice (\"%s\")", o->name);
		*(const char **)o->value = v;
		break;
	case OPT_MONTH: {
		struct month_arg *m = o->value;

		if (m->text)
			usage_error(usage, "option given twice (\"%s\")", o->name);
		if (period_month(v, &m->y, &m->m, &e))
			usage_error(usage, "%s", e.msg);
		m->text = v;
		break;
	}
	}
}

int options_parse(int argc, char **argv, const struct opt *opts,
		  const char *usage, char ***operands)
{
	char **out = xcalloc((size_t)argc + 1, sizeof(*out));
	int i, n = 0, options = 1;

	for (i = 1; i < argc; i++) {
		const char *a = argv[i], *eq;
		const struct opt *o;
		size_t len;

		if (!options || a[0] != '-' || !a[1]) {
			out[n++] = argv[i];
			continue;
		}
		if (!strcmp(a, "--")) {
			options = 0;
			continue;
		}
		if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
			fputs(usage, stdout);
			exit(EXIT_DONE);
		}
		eq = a[1] == '-' ? strchr(a, '=') : NULL;
		len = eq ? (size_t)(eq - a) : strlen(a);
		o = find(opts, a, len);
		if (!o)
			usage_error(usage, "unknown option (\"%s\")", a);
		if (o->kind == OPT_FLAG) {
			if (eq)
				usage_error(usage, "option takes no value (\"%s\")", a);
			set(o, NULL, usage);
		} else if (eq) {
			set(o, eq + 1, usage);
		} else if (i + 1 < argc) {
			set(o, argv[++i], usage);
		} else {
			usage_error(usage, "option needs a value (\"%s\")", a);
		}
	}
	*operands = out;
	return n;
}

int main(int argc, char **argv)
{
	int r;

	/* a file size limit gives EFBIG, reported as a write error */
	signal(SIGXFSZ, SIG_IGN);
	progress_start();
	r = program_main(argc, argv);
	if (fflush(stdout) != 0 || ferror(stdout) || fclose(stdout) != 0)
		die(EXIT_IO, "cannot write the output:");
	return r;
}
