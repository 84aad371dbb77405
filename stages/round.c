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

int main(int argc, char **argv)
{
	const char *outdir = NULL, *input = NULL;
	struct billing_groups g;
	struct problems probs;
	struct outfile out;
	struct error e;
	struct stage_args args;
	char *path;
	int y, m;

	eprintf_init("round");
	stage_args_get(&args, argc, argv, STAGE_ONE_INPUT, usage_text);
	outdir = args.outdir;
	input = args.inputs[0];
	y = args.y;
	m = args.m;

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
