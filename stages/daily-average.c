/*
 * daily-average: the month's extract files in, one row per series out
 * (SPEC.md section 5 "Daily average", "Duplicates", "Gap days"; README
 * "Files between stages"). The rules are in lib/average.c.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "average.h"
#include "date.h"
#include "eprintf.h"
#include "outfile.h"
#include "problems.h"
#include "settings.h"
#include "strbuf.h"
#include "xalloc.h"
#include "stageargs.h"
#include "banned.h"

static const char usage_text[] =
	"usage: daily-average --month YYYY-MM --config DIR -o OUTDIR EXTRACT.csv...\n"
	"\n"
	"Merges the month's extract files (each S.csv with S.json beside it) into\n"
	"one row per vendor, account and SKU: OUTDIR/daily-average.csv, daily.csv,\n"
	"daily-average.json and daily-average.problems.csv. Reads DIR/settings.json\n"
	"(gap_days). PSA contract units files are skipped.\n";

struct input {
	const char *path;
	char *name;
};

static int cmp_input(const void *x, const void *y)
{
	const struct input *a = x, *b = y;
	int c = strcmp(a->name, b->name);

	return c ? c : strcmp(a->path, b->path);
}

static void open_out(struct outfile *o, const char *dir, const char *name)
{
	struct error e;
	char *path = path_join(dir, name);

	if (outfile_open(o, path, &e))
		die(3, "%s", e.msg);
	free(path);
}

static void commit(struct outfile *o)
{
	struct error e;

	if (outfile_commit(o, &e))
		die(3, "%s", e.msg);
}

int main(int argc, char **argv)
{
	const char *config = NULL, *outdir = NULL;
	struct settings settings;
	struct problems probs;
	struct outfile avg_out, daily_out, json_out;
	struct input *in;
	struct avg_series **v;
	struct error e;
	struct stage_args args;
	struct avg a;
	size_t nin = 0, n;
	int y, m, i;
	char *path;

	eprintf_init("daily-average");
	stage_args_get(&args, argc, argv, STAGE_CONFIG, usage_text);
	config = args.config;
	outdir = args.outdir;
	y = args.y;
	m = args.m;
	stage_settings(&settings, config);

	in = xcalloc((size_t)args.ninputs + 1, sizeof(*in));
	for (i = 0; i < args.ninputs; i++) {
		in[nin].path = args.inputs[i];
		in[nin++].name = avg_source_name(args.inputs[i]);
	}
	qsort(in, nin, sizeof(*in), cmp_input);

	path = path_join(outdir, "daily-average.problems.csv");
	if (problems_open(&probs, path, "daily-average", &e))
		die(3, "%s", e.msg);
	free(path);
	avg_init(&a, y, m);
	for (size_t k = 0; k < nin; k++) {
		if (avg_read_extract(&a, in[k].path, in[k].name, &probs, &e) < 0) {
			problems_abort(&probs);
			die(3, "%s", e.msg);
		}
	}
	avg_settle(&a, settings.gap_days, &probs);
	v = avg_sorted(&a, &n);

	open_out(&daily_out, outdir, "daily.csv");
	avg_write_daily(&a, v, n, daily_out.fp);
	commit(&daily_out);
	open_out(&json_out, outdir, "daily-average.json");
	avg_write_json(&a, n, json_out.fp);
	commit(&json_out);
	if (problems_commit(&probs, &e))
		die(3, "%s", e.msg);
	open_out(&avg_out, outdir, "daily-average.csv");
	avg_write_averages(&a, v, n, avg_out.fp);
	commit(&avg_out);

	free(v);
	avg_release(&a);
	for (size_t k = 0; k < nin; k++)
		free(in[k].name);
	free(in);
	stage_args_release(&args);
	return 0;
}
