/*
 * round: mapped.csv in, rounded.csv out (lib/billing.h; README.md,
 * "Rounding"). Series of one PSA company and product are added as
 * licence-days and rounded once.
 */
#include <stdio.h>
#include <stdlib.h>
#include "billing.h"
#include "date.h"
#include "outfile.h"
#include "problems.h"
#include "runtime.h"
#include "strbuf.h"
#include "banned.h"

const char program_name[] = "round";

static const char usage[] =
	"usage: bin/round --month YYYY-MM -o OUTDIR MAPPED.csv\n"
	"\n"
	"Adds the mapped series of each PSA company and product and rounds the\n"
	"sum once by the product's rounding: OUTDIR/rounded.csv and\n"
	"round.problems.csv (quantities rounded to 0).\n"
	"\n"
	"Exit: 0 done, 2 usage error, 3 I/O error.\n";

int program_main(int argc, char **argv)
{
	struct month_arg month = { 0 };
	const char *outdir = NULL;
	const struct opt opts[] = {
		{ "--month", OPT_MONTH, &month },
		{ "-o", OPT_STRING, &outdir },
		OPT_END,
	};
	struct billing_groups g;
	struct problems probs;
	struct outfile out;
	struct error e;
	char **inputs;
	int dim, ret;

	if (options_parse(argc, argv, opts, usage, &inputs) != 1 ||
	    !month.text || !outdir)
		usage_error(usage, "--month, -o and one mapped.csv are needed");

	dim = days_in_month(month.y, month.m);
	problems_output(&probs, outdir, "round.problems.csv");
	output_open(&out, outdir, "rounded.csv");
	ret = billing_stream_rounded(dim, inputs[0], out.fp, &probs, inputs[0], &e);
	if (ret < 0)
		die_error(&e);
	if (ret > 0) {
		/* not in map's order: the whole table, written again */
		outfile_abort(&out);
		problems_abort(&probs);
		billing_groups_init(&g, dim);
		if (billing_groups_read(&g, inputs[0], &e))
			die_error(&e);
		problems_output(&probs, outdir, "round.problems.csv");
		output_open(&out, outdir, "rounded.csv");
		billing_write_rounded(&g, out.fp, &probs, inputs[0]);
		billing_groups_release(&g);
	}
	if (problems_commit(&probs, &e))
		die_error(&e);
	output_commit(&out);
	free(inputs);
	return EXIT_DONE;
}
