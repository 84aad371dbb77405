/*
 * extract: one inbox file in, its usage normalised out (lib/extract.h;
 * README.md, "What comes out").
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "extract.h"
#include "exzip.h"
#include "fsutil.h"
#include "inbox.h"
#include "profile.h"
#include "runtime.h"
#include "strbuf.h"
#include "xalloc.h"
#include "banned.h"

const char program_name[] = "extract";

static const char usage[] =
	"usage: bin/extract --month YYYY-MM [--profiles DIR] [--name NAME] [--member N] [--config DIR] [--quiet] -o OUT/M/extract/S.csv FILE\n"
	"\n"
	"Reads FILE, recognises its format by its content (a CSV header row or\n"
	"a JSON document's rows, against the profiles in DIR, default tally's\n"
	"schemas/sources) and writes S.rejects.csv,\n"
	"S.problems.csv, S.json and last S.csv: the file's usage in MONTH, one\n"
	"row per series with a column per day. NAME is how the user knows the\n"
	"file, in every output and message: by default the name of the inbox\n"
	"file FILE links to (make passes OUT/M/in/<safe name>), else FILE's.\n"
	"A file that cannot be read (not a regular file, a name with a control\n"
	"character) is recorded as a blocking file-refused problem. The first\n"
	"blocking problem is also told on stderr, but with --quiet (make passes\n"
	"it: its last lines list the month's blocking problems).\n"
	"A zip archive is read one member at a time: member N of its central\n"
	"directory (0 the first), from --member or, for OUT/M/in/<safe>, from\n"
	"the stamp bin/tally inbox wrote (OUT/M/.tally/in/<safe>), named\n"
	"NAME:<member path>; inflated beside S.csv, never elsewhere.\n"
	"A directory snapshot counts the statuses of DIR/settings.json's\n"
	"active_statuses (default [\"active\"]).\n"
	"\n"
	"Exit: 0 done (data problems are in S.problems.csv), 2 usage or\n"
	"configuration error, 3 I/O error.\n";

/*
 * The profiles shipped with tally: schemas/sources beside the bin/ folder
 * this program is in, so bin/extract works from any folder; else
 * schemas/sources under the current folder.
 */
static char *default_profiles(void)
{
	char *exe = realpath("/proc/self/exe", NULL);
	struct strbuf sb = STRBUF_INIT;
	struct stat st;
	char *slash = exe ? strrchr(exe, '/') : NULL;

	if (slash) {
		*slash = '\0';
		strbuf_addf(&sb, "%s/../schemas/sources", exe);
		if (stat(sb.buf, &st) == 0 && S_ISDIR(st.st_mode)) {
			free(exe);
			return strbuf_detach(&sb);
		}
	}
	free(exe);
	strbuf_release(&sb);
	return xstrdup("schemas/sources");
}

/*
 * The member of a zip archive that file, OUT/M/in/<safe>, stands for:
 * the "member N" line of its stamp OUT/M/.tally/in/<safe>, or -1.
 */
static long stamp_member(const char *file)
{
	const char *slash = strrchr(file, '/');
	struct strbuf path = STRBUF_INIT, text = STRBUF_INIT;
	struct error ignored;
	long member = -1;

	strbuf_addf(&path, "%.*s/../" INBOX_STAMPS "in/%s",
		    slash ? (int)(slash - file) : 1, slash ? file : ".",
		    slash ? slash + 1 : file);
	if (strbuf_read_file(&text, path.buf, 0, &ignored) == 0) {
		const char *m = strstr(text.buf, "\nmember ");
		char *end;

		if (m) {
			member = strtol(m + 8, &end, 10);
			if (*end != '\n' || member < 0)
				member = -1;
		}
	}
	strbuf_release(&path);
	strbuf_release(&text);
	return member;
}

/* the inbox name of file: the base name of what it links to, or its own */
static char *inbox_name(const char *file)
{
	char target[PATH_MAX + 1];
	ssize_t n = readlink(file, target, sizeof(target) - 1);
	const char *s, *path = file;

	if (n > 0) {
		target[n] = '\0';
		path = target;
	}
	s = strrchr(path, '/');
	return xstrdup(s ? s + 1 : path);
}

int program_main(int argc, char **argv)
{
	struct month_arg month = { 0 };
	const char *profiles = NULL, *name = NULL, *out = NULL, *member = NULL;
	const char *config = NULL;
	int quiet = 0;
	const struct opt opts[] = {
		{ "--month", OPT_MONTH, &month },
		{ "--profiles", OPT_STRING, &profiles },
		{ "--name", OPT_STRING, &name },
		{ "--member", OPT_STRING, &member },
		{ "--config", OPT_STRING, &config },
		{ "-o", OPT_STRING, &out },
		{ "--quiet", OPT_FLAG, &quiet },
		OPT_END,
	};
	struct extract_opts o = { 0 };
	struct extract_result r;
	struct profiles ps;
	struct strbuf shown = STRBUF_INIT;
	struct error e;
	struct stat st;
	char **files, *pdir, *own_name, *member_name = NULL;
	size_t n;

	if (options_parse(argc, argv, opts, usage, &files) != 1)
		usage_error(usage, "one FILE is needed");
	if (!month.text)
		usage_error(usage, "--month is needed");
	if (!out)
		usage_error(usage, "-o is needed");
	n = strlen(out);
	if (n < 5 || strcmp(out + n - 4, ".csv"))
		usage_error(usage, "-o must name a .csv file (\"%s\")", out);

	/* FILE itself must be there; what it links to may not be (refused) */
	if (lstat(files[0], &st) != 0)
		die(EXIT_IO, "%s: cannot open:", files[0]);
	pdir = profiles ? xstrdup(profiles) : default_profiles();
	if (profiles_load(&ps, pdir, &e))
		die_error(&e);
	free(pdir);
	own_name = name ? NULL : inbox_name(files[0]);
	o.name = name ? name : own_name;
	o.refuse = inbox_refusal(files[0], o.name);
	if (!inbox_name_ok(o.name)) {
		inbox_name_escape(o.name, &shown);
		o.name = shown.buf;
	}
	o.path = files[0];
	o.out = out;
	o.year = month.y;
	o.month = month.m;
	o.profiles = &ps;
	o.config = config;
	if (!o.refuse && exzip_is_zip_name(o.name)) {
		long index = member ? -1 : stamp_member(files[0]);
		char *end;

		if (member) {
			index = strtol(member, &end, 10);
			if (!*member || *end || index < 0)
				usage_error(usage, "--member must be a whole number (\"%s\")", member);
		}
		if (exzip_extract(&o, files[0], index, &member_name, &r, &e))
			die_error(&e);
		o.name = member_name;
	} else if (extract_file(&o, &r, &e)) {
		die_error(&e);
	}
	/* blocking problems are told at once (but with --quiet); warnings
	 * wait for export */
	if (r.first_blocking && !quiet) {
		if (r.first_blocking_line > 0)
			warn("%s:%ld: %s", o.name, r.first_blocking_line,
			     r.first_blocking);
		else
			warn("%s: %s", o.name, r.first_blocking);
		if (r.nblocking > 1) {
			char *stem = extract_stem(out);

			warn("%s: %zu more blocking problem%s, see %s.problems.csv",
			     o.name, r.nblocking - 1,
			     r.nblocking == 2 ? "" : "s", stem);
			free(stem);
		}
	}
	free(r.first_blocking);
	strbuf_release(&shown);
	profiles_release(&ps);
	free(own_name);
	free(member_name);
	free(files);
	return EXIT_DONE;
}
