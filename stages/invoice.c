/*
 * invoice: rounded.csv + mapped.csv + config -> invoice-lines.csv,
 * invoice.problems.csv and, last, invoices.json (lib/invoice.h,
 * lib/prices.h; README.md, "Prices", "Invoices"). A draft month is
 * streamed a company at a time (invoice_stream); files not in map's and
 * round's order, any error, and a closed month's rerun (--numbers, whose
 * restatement compares the whole month) take the in-memory path.
 */
#include <stdio.h>
#include <stdlib.h>
#include "holidays.h"
#include "invoice.h"
#include "outfile.h"
#include "period.h"
#include "problems.h"
#include "restate.h"
#include "runtime.h"
#include "settings.h"
#include "strbuf.h"
#include "banned.h"

const char program_name[] = "invoice";

static const char usage[] =
	"usage: bin/invoice --month YYYY-MM --config DIR [--numbers FILE] -o OUTDIR ROUNDED MAPPED\n"
	"\n"
	"Prices the month's rounded quantities (ROUNDED, rounded.csv) with\n"
	"DIR/prices.csv, names them from MAPPED (mapped.csv) and writes\n"
	"OUTDIR/invoice-lines.csv, OUTDIR/invoice.problems.csv and\n"
	"OUTDIR/invoices.json. Reads DIR/settings.json and DIR/holidays.csv\n"
	"for the dates. The invoices are drafts, numbered DRAFT-<company>; with\n"
	"--numbers, FILE is a closed month's frozen invoices.json, whose final\n"
	"numbers, status and closed_at the invoices take.\n"
	"\n"
	"Exit: 0 done (missing prices are recorded as problems), 2 usage or\n"
	"configuration error, 3 I/O error.\n";

/*
 * A draft month a company at a time: 1 with the outputs committed, or 0
 * with them dropped (and probs opened again, empty) when the files are
 * not as map and round write them.
 */
static int streamed(const struct period *period, const struct settings *st,
		    const char *config, char **inputs, const char *outdir,
		    struct problems *probs)
{
	struct outfile lines, json;
	struct error e;

	output_open(&lines, outdir, "invoice-lines.csv");
	output_open(&json, outdir, "invoices.json");
	if (invoice_stream(period, st, config, inputs[0], inputs[1], lines.fp,
			   json.fp, probs)) {
		outfile_abort(&lines);
		outfile_abort(&json);
		problems_abort(probs);
		problems_output(probs, outdir, "invoice.problems.csv");
		return 0;
	}
	/* invoices.json, the main output, last */
	output_commit(&lines);
	if (problems_commit(probs, &e))
		die_error(&e);
	output_commit(&json);
	return 1;
}

/* the whole month in memory: a closed month's rerun, or files out of order */
static void in_memory(const struct period *period, const struct settings *st,
		      const char *config, char **inputs, const char *outdir,
		      const char *numbers, struct problems *probs)
{
	struct outfile lines, json;
	struct invoice_run run;
	struct error e;

	if (invoice_run_compute(&run, period, st, config, inputs[0],
				inputs[1], probs, &e))
		die_error(&e);
	if (numbers) {
		struct strbuf frozen = STRBUF_INIT;

		if (strbuf_read_file(&frozen, numbers, 0, &e) ||
		    restate_numbers(&run, frozen.buf, frozen.len, &e) < 0)
			die_error(&e);
		strbuf_release(&frozen);
	}
	/* written one invoice at a time; invoices.json, the main output, last */
	output_open(&lines, outdir, "invoice-lines.csv");
	invoice_write_lines(&run, lines.fp);
	output_open(&json, outdir, "invoices.json");
	if (invoice_write_json(&run, json.fp, &e))
		die_error(&e);
	output_commit(&lines);
	if (problems_commit(probs, &e))
		die_error(&e);
	output_commit(&json);
	invoice_run_release(&run);
}

int program_main(int argc, char **argv)
{
	struct month_arg month = { 0 };
	const char *config = NULL, *outdir = NULL, *numbers = NULL;
	const struct opt opts[] = {
		{ "--month", OPT_MONTH, &month },
		{ "--config", OPT_STRING, &config },
		{ "--numbers", OPT_STRING, &numbers },
		{ "-o", OPT_STRING, &outdir },
		OPT_END,
	};
	struct settings st;
	struct cal_extra extra;
	struct period period;
	struct problems probs;
	struct error e;
	char **inputs;

	if (options_parse(argc, argv, opts, usage, &inputs) != 2 ||
	    !month.text || !config || !outdir)
		usage_error(usage, "--month, --config, -o, ROUNDED and MAPPED are needed");
	if (period_load(&period, &st, &extra, config, month.text, &e))
		die_error(&e);
	problems_output(&probs, outdir, "invoice.problems.csv");
	if (numbers || !streamed(&period, &st, config, inputs, outdir, &probs))
		in_memory(&period, &st, config, inputs, outdir, numbers, &probs);
	holidays_release(&extra);
	free(inputs);
	return EXIT_DONE;
}
