/*
 * daily-average: the month's extract files in, one row per series out
 * (lib/average.h; README.md, "Daily average", "Duplicates", "Gap days").
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "average.h"
#include "outfile.h"
#include "problems.h"
#include "runtime.h"
#include "settings.h"
#include "strbuf.h"
#include "xalloc.h"
#include "banned.h"

const char program_name[] = "daily-average";

static const char usage[] =
	"usage: bin/daily-average --month YYYY-MM --config DIR -o OUTDIR [EXTRACT.csv...]\n"
	"\n"
	"Merges the month's extract files (each S.csv with S.json beside it) into\n"
	"one row per vendor, account and SKU: OUTDIR/daily-average.csv, daily.csv,\n"
	"daily-average.json and daily-average.problems.csv. Reads DIR/settings.json\n"
	"(gap_days). PSA contract units files are skipped.\n"
	"\n"
	"Exit: 0 done (data problems are in daily-average.problems.csv), 2 usage\n"
	"or configuration error, 3 I/O error.\n";

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

/* the sorted extract files merged key by key (average.h, the stream) */
static void stream(struct avg *a, struct avg_stream *st,
		   struct problems *probs, const char *outdir)
{
	struct outfile avg_out, daily_out, json_out;
	struct error e;

	output_open(&daily_out, outdir, "daily.csv");
	output_open(&avg_out, outdir, "daily-average.csv");
	avg_daily_head(a, daily_out.fp);
	avg_averages_head(avg_out.fp);
	st->daily = daily_out.fp;
	st->averages = avg_out.fp;
	if (avg_stream_write(a, st, probs, &e))
		die_error(&e);
	output_commit(&daily_out);
	output_open(&json_out, outdir, "daily-average.json");
	avg_write_json(a, st->nseries, json_out.fp);
	output_commit(&json_out);
	if (problems_commit(probs, &e))
		die_error(&e);
	output_commit(&avg_out);
	avg_stream_release(st);
}

/* every series in one table: inputs the stream cannot take */
static void in_memory(struct avg *a, const struct input *in, size_t nin,
		      enum gap_mode mode, struct problems *probs,
		      const char *outdir)
{
	struct outfile avg_out, daily_out, json_out;
	struct avg_series **v;
	struct error e;
	size_t n;

	for (size_t k = 0; k < nin; k++)
		if (avg_read_extract(a, in[k].path, in[k].name, probs, &e) < 0)
			die_error(&e);
	avg_settle(a, mode, probs);
	v = avg_sorted(a, &n);

	output_open(&daily_out, outdir, "daily.csv");
	avg_write_daily(a, v, n, daily_out.fp);
	output_commit(&daily_out);
	output_open(&json_out, outdir, "daily-average.json");
	avg_write_json(a, n, json_out.fp);
	output_commit(&json_out);
	if (problems_commit(probs, &e))
		die_error(&e);
	output_open(&avg_out, outdir, "daily-average.csv");
	avg_write_averages(a, v, n, avg_out.fp);
	output_commit(&avg_out);
	free(v);
}

int program_main(int argc, char **argv)
{
	struct month_arg month = { 0 };
	const char *config = NULL, *outdir = NULL;
	const struct opt opts[] = {
		{ "--month", OPT_MONTH, &month },
		{ "--config", OPT_STRING, &config },
		{ "-o", OPT_STRING, &outdir },
		OPT_END,
	};
	struct settings settings;
	struct problems probs;
	struct avg_stream st;
	struct input *in;
	struct error e;
	struct avg a;
	char **inputs, **names;
	const char **paths;
	size_t nin;

	nin = (size_t)options_parse(argc, argv, opts, usage, &inputs);
	/* no extract file at all is a month of an empty inbox (export says so) */
	if (!month.text || !config || !outdir)
		usage_error(usage, "--month, --config and -o are needed");
	if (settings_read(&settings, config, &e))
		die_error(&e);

	in = xcalloc(nin ? nin : 1, sizeof(*in));
	paths = xcalloc(nin ? nin : 1, sizeof(*paths));
	names = xcalloc(nin ? nin : 1, sizeof(*names));
	for (size_t i = 0; i < nin; i++) {
		in[i].path = inputs[i];
		in[i].name = avg_source_name(inputs[i]);
	}
	if (nin > 1)	/* qsort(NULL, 0) is undefined */
		qsort(in, nin, sizeof(*in), cmp_input);

	problems_output(&probs, outdir, "daily-average.problems.csv");
	avg_init(&a, month.y, month.m);
	for (size_t k = 0; k < nin; k++) {
		paths[k] = in[k].path;
		names[k] = in[k].name;
	}
	if (avg_stream_plan(&a, &st, paths, names, nin, settings.gap_days) == 0)
		stream(&a, &st, &probs, outdir);
	else
		in_memory(&a, in, nin, settings.gap_days, &probs, outdir);
	avg_release(&a);
	free(paths);
	free(names);
	for (size_t k = 0; k < nin; k++)
		free(in[k].name);
	free(in);
	free(inputs);
	return EXIT_DONE;
}
