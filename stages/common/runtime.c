#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "outfile.h"
#include "period.h"
#include "problems.h"
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
	r = program_main(argc, argv);
	if (fflush(stdout) != 0 || ferror(stdout) || fclose(stdout) != 0)
		die(EXIT_IO, "cannot write the output:");
	return r;
}
