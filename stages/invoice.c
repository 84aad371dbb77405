/*
 * invoice: rounded.csv + mapped.csv + config -> invoice-lines.csv,
 * invoice.problems.csv, invoices.json (committed last: make's target).
 * The rules are in lib/invoice.h and lib/prices.h.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "eprintf.h"
#include "holidays.h"
#include "invoice.h"
#include "outfile.h"
#include "prices.h"
#include "problems.h"
#include "settings.h"
#include "strbuf.h"
#include "banned.h"

static const char usage_text[] =
	"usage: bin/invoice --month YYYY-MM [--config DIR] -o OUTDIR ROUNDED MAPPED\n"
	"\n"
	"Prices the month's rounded quantities (ROUNDED, rounded.csv) with\n"
	"DIR/prices.csv, names them from MAPPED (mapped.csv) and writes\n"
	"OUTDIR/invoice-lines.csv, OUTDIR/invoice.problems.csv and\n"
	"OUTDIR/invoices.json. Reads DIR/settings.json, DIR/prices.csv and\n"
	"DIR/holidays.csv when they exist (DIR defaults to config).\n"
	"Exit: 0 done (missing prices are recorded as problems), 2 usage or\n"
	"configuration error, 3 I/O error.\n";

static void usage(void)
{
	die(2, "usage: bin/invoice --month YYYY-MM [--config DIR] -o OUTDIR ROUNDED MAPPED");
}

static char *path_in(const char *dir, const char *name)
{
	struct strbuf sb = STRBUF_INIT;

	strbuf_addf(&sb, "%s/%s", dir, name);
	return strbuf_detach(&sb);
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "month", required_argument, NULL, 'm' },
		{ "config", required_argument, NULL, 'c' },
		{ "output", required_argument, NULL, 'o' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *month = NULL, *config = "config", *outdir = NULL;
	char *settings_path, *prices_path, *holidays_path;
	char *lines_path, *probs_path, *json_path;
	struct invoice_names names = INVOICE_NAMES_INIT;
	struct prices prices = PRICES_INIT;
	struct settings st;
	struct cal_extra extra;
	struct period period;
	struct invoice_run run;
	struct problems probs;
	struct outfile lines, json;
	struct error e;
	int c, r;

	eprintf_init("invoice");
	opterr = 0;
	while ((c = getopt_long(argc, argv, "o:", opts, NULL)) != -1) {
		switch (c) {
		case 'm': month = optarg; break;
		case 'c': config = optarg; break;
		case 'o': outdir = optarg; break;
		case 'h': fputs(usage_text, stdout); return 0;
		default: usage();
		}
	}
	if (!month || !outdir || argc - optind != 2)
		usage();

	settings_path = path_in(config, "settings.json");
	prices_path = path_in(config, "prices.csv");
	holidays_path = path_in(config, "holidays.csv");
	settings_init(&st);
	if (settings_load(&st, settings_path, &e))
		die(2, "%s", e.msg);
	if ((r = holidays_load(&extra, holidays_path, &e)))
		die(r == HOLIDAYS_EIO ? 3 : 2, "%s", e.msg);
	if (period_init(&period, month, st.calendar, &extra,
			st.payment_terms_days, &e))
		die(2, "%s", e.msg);
	if ((r = prices_load(&prices, prices_path, st.currency, &e)))
		die(r == PRICES_EIO ? 3 : 2, "%s", e.msg);
	if (invoice_names_load(&names, argv[optind + 1], &e))
		die(3, "%s", e.msg);

	lines_path = path_in(outdir, "invoice-lines.csv");
	probs_path = path_in(outdir, "invoice.problems.csv");
	json_path = path_in(outdir, "invoices.json");
	if (problems_open(&probs, probs_path, "invoice", &e))
		die(3, "%s", e.msg);
	invoice_run_init(&run, &period, st.tax_rate);
	if (invoice_read_rounded(&run, argv[optind], &names, &prices,
				 prices_path, &probs, &e)) {
		problems_abort(&probs);
		die(3, "%s", e.msg);
	}
	invoice_run_finish(&run);

	if (outfile_open(&lines, lines_path, &e)) {
		problems_abort(&probs);
		die(3, "%s", e.msg);
	}
	invoice_write_lines(&run, lines.fp);
	if (outfile_open(&json, json_path, &e)) {
		outfile_abort(&lines);
		problems_abort(&probs);
		die(3, "%s", e.msg);
	}
	if (invoice_write_json(&run, json.fp, &e)) {
		outfile_abort(&json);
		outfile_abort(&lines);
		problems_abort(&probs);
		die(3, "%s", e.msg);
	}
	/* invoices.json last: it is make's target */
	if (outfile_commit(&lines, &e)) {
		outfile_abort(&json);
		problems_abort(&probs);
		die(3, "%s", e.msg);
	}
	if (problems_commit(&probs, &e)) {
		outfile_abort(&json);
		die(3, "%s", e.msg);
	}
	if (outfile_commit(&json, &e))
		die(3, "%s", e.msg);

	invoice_run_release(&run);
	invoice_names_release(&names);
	prices_release(&prices);
	holidays_release(&extra);
	free(settings_path);
	free(prices_path);
	free(holidays_path);
	free(lines_path);
	free(probs_path);
	free(json_path);
	return 0;
}
