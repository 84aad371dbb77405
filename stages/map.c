/*
 * map: daily-average.csv in; mapped.csv, the lists to fix
 * (unmapped-accounts.csv, unmapped-services.csv, auto-matched.csv) and
 * map.problems.csv out (SPEC.md section 5 "Mapping"; README "Files
 * between stages"). The rules are in lib/mapping.c and lib/billing.c.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "date.h"
#include "eprintf.h"
#include "mapping.h"
#include "outfile.h"
#include "problems.h"
#include "settings.h"
#include "strbuf.h"
#include "stageargs.h"
#include "banned.h"

static const char usage_text[] =
	"usage: map --month YYYY-MM --config DIR -o OUTDIR DAILY-AVERAGE.csv\n"
	"\n"
	"Maps vendor accounts to PSA companies and SKUs to PSA products with\n"
	"DIR/accounts.csv, DIR/services.csv, DIR/psa-companies.csv and\n"
	"DIR/settings.json: OUTDIR/mapped.csv, unmapped-accounts.csv,\n"
	"unmapped-services.csv, auto-matched.csv and map.problems.csv.\n";

enum { O_MAPPED, O_ACCOUNTS, O_SERVICES, O_AUTO, O_N };
static const char *const out_names[O_N] = {
	"mapped.csv", "unmapped-accounts.csv", "unmapped-services.csv",
	"auto-matched.csv",
};

int main(int argc, char **argv)
{
	const char *config = NULL, *outdir = NULL, *input = NULL;
	struct settings settings;
	struct mapping mapping;
	struct problems probs;
	struct outfile out[O_N];
	struct map_outputs o;
	struct error e;
	struct stage_args args;
	char *path;
	int y, m;

	eprintf_init("map");
	stage_args_get(&args, argc, argv, STAGE_CONFIG | STAGE_ONE_INPUT, usage_text);
	config = args.config;
	outdir = args.outdir;
	input = args.inputs[0];
	y = args.y;
	m = args.m;
	stage_settings(&settings, config);
	if (mapping_load(&mapping, config, &settings, &e))
		die(2, "%s", e.msg);

	path = path_join(outdir, "map.problems.csv");
	if (problems_open(&probs, path, "map", &e))
		die(3, "%s", e.msg);
	free(path);
	for (int k = 0; k < O_N; k++) {
		path = path_join(outdir, out_names[k]);
		if (outfile_open(&out[k], path, &e)) {
			while (k--)
				outfile_abort(&out[k]);
			problems_abort(&probs);
			die(3, "%s", e.msg);
		}
		free(path);
	}
	o.mapped = out[O_MAPPED].fp;
	o.unmapped_accounts = out[O_ACCOUNTS].fp;
	o.unmapped_services = out[O_SERVICES].fp;
	o.auto_matched = out[O_AUTO].fp;
	if (mapping_run(&mapping, input, days_in_month(y, m), &o, &probs, &e)) {
		for (int k = 0; k < O_N; k++)
			outfile_abort(&out[k]);
		problems_abort(&probs);
		die(3, "%s", e.msg);
	}
	/* mapped.csv, make's target, last */
	for (int k = O_N - 1; k > O_MAPPED; k--)
		if (outfile_commit(&out[k], &e))
			die(3, "%s", e.msg);
	if (problems_commit(&probs, &e) || outfile_commit(&out[O_MAPPED], &e))
		die(3, "%s", e.msg);
	mapping_release(&mapping);
	stage_args_release(&args);
	return 0;
}
