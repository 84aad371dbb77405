/*
 * map: daily-average.csv in; mapped.csv, the lists to fix
 * (unmapped-accounts.csv, unmapped-services.csv, auto-matched.csv) and
 * map.problems.csv out (lib/mapping.h; README.md, "Mapping").
 */
#include <stdio.h>
#include <stdlib.h>
#include "date.h"
#include "mapping.h"
#include "outfile.h"
#include "problems.h"
#include "runtime.h"
#include "settings.h"
#include "strbuf.h"
#include "banned.h"

const char program_name[] = "map";

static const char usage[] =
	"usage: bin/map --month YYYY-MM --config DIR -o OUTDIR DAILY-AVERAGE.csv\n"
	"\n"
	"Maps vendor accounts to PSA companies and SKUs to PSA products with\n"
	"DIR/accounts.csv, DIR/services.csv, DIR/psa-companies.csv and\n"
	"DIR/settings.json: OUTDIR/mapped.csv, unmapped-accounts.csv,\n"
	"unmapped-services.csv, auto-matched.csv and map.problems.csv.\n"
	"\n"
	"Exit: 0 done (unmapped accounts and services are in map.problems.csv),\n"
	"2 usage or configuration error, 3 I/O error.\n";

enum { O_MAPPED, O_ACCOUNTS, O_SERVICES, O_AUTO, O_N };
static const char *const out_names[O_N] = {
	"mapped.csv", "unmapped-accounts.csv", "unmapped-services.csv",
	"auto-matched.csv",
};

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
	struct mapping mapping;
	struct problems probs;
	struct outfile out[O_N];
	struct map_outputs o;
	struct error e;
	char **inputs;

	if (options_parse(argc, argv, opts, usage, &inputs) != 1 ||
	    !month.text || !config || !outdir)
		usage_error(usage, "--month, --config, -o and one daily-average.csv are needed");
	if (settings_read(&settings, config, &e) ||
	    mapping_load(&mapping, config, &settings, &e))
		die_error(&e);

	problems_output(&probs, outdir, "map.problems.csv");
	for (int k = 0; k < O_N; k++)
		output_open(&out[k], outdir, out_names[k]);
	o.mapped = out[O_MAPPED].fp;
	o.unmapped_accounts = out[O_ACCOUNTS].fp;
	o.unmapped_services = out[O_SERVICES].fp;
	o.auto_matched = out[O_AUTO].fp;
	o.dir = outdir;
	if (mapping_run(&mapping, inputs[0], days_in_month(month.y, month.m),
			&o, &probs, &e))
		die_error(&e);
	/* mapped.csv, the stage's main output, last */
	for (int k = O_N - 1; k > O_MAPPED; k--)
		output_commit(&out[k]);
	if (problems_commit(&probs, &e))
		die_error(&e);
	output_commit(&out[O_MAPPED]);
	mapping_release(&mapping);
	free(inputs);
	return EXIT_DONE;
}
