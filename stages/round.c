/*
 * round: mapped.csv in, rounded.csv out (SPEC.md section 5 "Rounding";
 * README "Files between stages"). Series of one PSA company and product
 * are added as licence-days and rounded once; the rules are in
 * lib/billing.c.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "billing.h"
#include "date.h"
#include "eprintf.h"
#include "outfile.h"
#include "problems.h"
#include "strbuf.h"
#include "stageargs.h"
#include "banned.h"

static const char usage_text[] =
	"usage: round --month YYYY-MM -o OUTDIR MAPPED.csv\n"
	"\n"
	"Adds the mapped series of each PSA company and product and rounds the\n"
	"sum once by the product's rounding: OUTDIR/rounded.csv and\n"
	"round.problems.csv (quantities rounded to 0).\n";

static void usage(void)
{
	fputs(usage_text, stderr);
	exit(2);
}

int main(int argc, char **argv)
{
	const char *month = NULL, *outdir = NULL, *input = NULL;
	struct billing_groups g;
	struct problems probs;
	struct outfile out;
	struct error e;
	struct stage_args args;
	char *path;
	int y, m;

	eprintf_init("round");
	switch (stage_args_parse(&args, argc, argv, 0, &e)) {
	case 1:
		fputs(usage_text, stdout);
		return 0;
	case -1:
		if (*e.msg)
			warn("%s", e.msg);
		usage();
	}
	if (args.ninputs != 1) {
		if (args.ninputs > 1)
			warn("more than one input (\"%s\")", args.inputs[1]);
		usage();
	}
	month = args.month;
	outdir = args.outdir;
	input = args.inputs[0];
	if (month_parse(month, &y, &m))
		die(2, "bad month (\"%s\"): expected YYYY-MM from 2000-01 to 2099-12",
		    month);

	billing_groups_init(&g, days_in_month(y, m));
	if (billing_groups_read(&g, input, &e))
		die(3, "%s", e.msg);

	path = path_join(outdir, "round.problems.csv");
	if (problems_open(&probs, path, "round", &e))
		die(3, "%s", e.msg);
	free(path);
	path = path_join(outdir, "rounded.csv");
	if (outfile_open(&out, path, &e)) {
		problems_abort(&probs);
		die(3, "%s", e.msg);
	}
	free(path);
	billing_write_rounded(&g, out.fp, &probs, input);
	if (problems_commit(&probs, &e)) {
		outfile_abort(&out);
		die(3, "%s", e.msg);
	}
	if (outfile_commit(&out, &e))
		die(3, "%s", e.msg);
	billing_groups_release(&g);
	stage_args_release(&args);
	return 0;
}
