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
	char *path;
	int y, m, i;

	eprintf_init("round");
	for (i = 1; i < argc; i++) {
		const char *s = argv[i];

		if (!strcmp(s, "--help")) {
			fputs(usage_text, stdout);
			return 0;
		} else if (!strcmp(s, "--month") && i + 1 < argc) {
			month = argv[++i];
		} else if (!strcmp(s, "-o") && i + 1 < argc) {
			outdir = argv[++i];
		} else if (s[0] == '-' && s[1]) {
			warn("unknown option (\"%s\")", s);
			usage();
		} else if (!input) {
			input = s;
		} else {
			warn("more than one input (\"%s\")", s);
			usage();
		}
	}
	if (!month || !outdir || !input)
		usage();
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
	return 0;
}
