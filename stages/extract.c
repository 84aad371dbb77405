/*
 * extract: one inbox file in, its usage normalised out (README.md "Files
 * between stages / extract"); or, with --make-rules, the make rules that
 * extract every file of the inbox.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "date.h"
#include "eprintf.h"
#include "extract.h"
#include "inbox.h"
#include "profile.h"
#include "strbuf.h"
#include "xalloc.h"
#include "banned.h"

static const char usage[] =
	"usage: extract --month YYYY-MM [--profiles DIR] [--name NAME] -o OUT/M/extract/S.csv FILE\n"
	"       extract --make-rules --month YYYY-MM --inbox DIR --dir OUT/M [--profiles DIR]\n"
	"\n"
	"Reads FILE, recognises its format by its header row (the profiles in\n"
	"DIR, default tally's schemas/sources) and writes S.rejects.csv,\n"
	"S.problems.csv, S.json and last S.csv: the file's usage in MONTH, one\n"
	"row per series with a column per day. NAME is how the user knows the\n"
	"file (default: FILE's base name), used in every output and message.\n"
	"\n"
	"  --refuse WHY   do not read FILE; record a blocking file-refused problem\n"
	"                 (--make-rules uses it for files it cannot pass on)\n"
	"  --make-rules   print the make rules that extract every file of the\n"
	"                 inbox into OUT/M/extract/, link OUT/M/in/<safe name> to\n"
	"                 each file and remove the outputs of files now gone\n"
	"\n"
	"Exit: 0 done (data problems are in S.problems.csv), 2 usage or\n"
	"configuration error, 3 I/O error.\n";

static void usage_error(const char *what, const char *value)
{
	if (value)
		warn("%s (\"%s\")", what, value);
	else
		warn("%s", what);
	fputs(usage, stderr);
	exit(2);
}

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

	if (exe) {
		char *slash = strrchr(exe, '/');

		if (slash) {
			*slash = '\0';
			strbuf_addf(&sb, "%s/../schemas/sources", exe);
			if (stat(sb.buf, &st) == 0 && S_ISDIR(st.st_mode)) {
				free(exe);
				return strbuf_detach(&sb);
			}
		}
		free(exe);
	}
	strbuf_release(&sb);
	return xstrdup("schemas/sources");
}

static const char *base_name(const char *path)
{
	const char *s = strrchr(path, '/');

	return s ? s + 1 : path;
}

int main(int argc, char **argv)
{
	const char *month = NULL, *profiles = NULL, *name = NULL, *out = NULL;
	const char *file = NULL, *inbox = NULL, *dir = NULL, *refuse = NULL;
	int make_rules = 0, y, m;
	struct error e;

	eprintf_init("extract");
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		const char **opt = NULL;

		if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
			fputs(usage, stdout);
			return 0;
		} else if (!strcmp(a, "--make-rules")) {
			make_rules = 1;
			continue;
		} else if (!strcmp(a, "--month")) {
			opt = &month;
		} else if (!strcmp(a, "--profiles")) {
			opt = &profiles;
		} else if (!strcmp(a, "--name")) {
			opt = &name;
		} else if (!strcmp(a, "-o")) {
			opt = &out;
		} else if (!strcmp(a, "--inbox")) {
			opt = &inbox;
		} else if (!strcmp(a, "--dir")) {
			opt = &dir;
		} else if (!strcmp(a, "--refuse")) {
			opt = &refuse;
		} else if (a[0] == '-' && a[1]) {
			usage_error("unknown option", a);
		} else if (!file) {
			file = a;
			continue;
		} else {
			usage_error("more than one file", a);
		}
		if (i + 1 >= argc)
			usage_error("option needs a value", a);
		*opt = argv[++i];
	}
	if (!month)
		usage_error("--month is required", NULL);
	if (month_parse(month, &y, &m))
		usage_error("bad month: expected YYYY-MM from 2000-01 to 2099-12", month);

	if (make_rules) {
		struct inbox in;

		if (!inbox || !dir || file || out || name || refuse)
			usage_error("--make-rules takes --month, --inbox, --dir and --profiles only", NULL);
		if (inbox_scan(&in, inbox, &e))
			die(3, "%s", e.msg);
		if (inbox_link(&in, inbox, dir, &e))
			die(3, "%s", e.msg);
		inbox_rules(stdout, &in, month, dir, profiles);
		inbox_release(&in);
		if (fflush(stdout) != 0 || ferror(stdout))
			die(3, "cannot write the rules:");
		return 0;
	}

	if (inbox || dir)
		usage_error("--inbox and --dir go with --make-rules", NULL);
	if (!out || !file)
		usage_error("-o and FILE are required", NULL);
	if (strlen(out) < 5 || strcmp(out + strlen(out) - 4, ".csv"))
		usage_error("-o must name a .csv file", out);
	{
		struct extract_opts o = { 0 };
		struct extract_result r;
		struct profiles ps;
		struct strbuf shown = STRBUF_INIT;
		char *stem, *pdir = profiles ? xstrdup(profiles) : default_profiles();

		if (profiles_load(&ps, pdir, &e))
			die(2, "%s", e.msg);
		free(pdir);
		o.name = name ? name : base_name(file);
		if (!inbox_name_ok(o.name)) {
			inbox_name_escape(o.name, &shown);
			o.name = shown.buf;
			if (!refuse)
				refuse = "its name holds a control character or bytes that are not UTF-8; rename the file";
		}
		o.path = file;
		o.out = out;
		o.year = y;
		o.month = m;
		o.profiles = &ps;
		o.refuse = refuse;
		if (extract_file(&o, &r, &e))
			die(3, "%s", e.msg);
		/* blocking problems are told at once; warnings wait for export */
		if (r.first_blocking) {
			if (r.first_blocking_line > 0)
				warn("%s:%ld: %s", o.name, r.first_blocking_line,
				     r.first_blocking);
			else
				warn("%s: %s", o.name, r.first_blocking);
			if (r.nblocking > 1) {
				stem = extract_stem(out);
				warn("%s: %zu more blocking problem%s, see %s.problems.csv",
				     o.name, r.nblocking - 1,
				     r.nblocking == 2 ? "" : "s", stem);
				free(stem);
			}
			free(r.first_blocking);
		}
		strbuf_release(&shown);
		profiles_release(&ps);
	}
	return 0;
}
