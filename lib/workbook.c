/*
 * The reconciliation workbook; what it shows is in workbook.h.
 *
 * Each sheet is written top to bottom (constant-memory mode), from the
 * month's files as README.md lays them out. The Daily sheet is written
 * first, since it needs nothing the caller may still be gathering
 * (workbook_input.ready), and the Summary sheet last, since it counts
 * what the other sheets read.
 *
 * Here: the workbook made, its properties, its sheets in their order,
 * closed and published. The cells are in wbcell.c, the table sheets in
 * wbsheets.c, the Summary sheet and its counts in wbsummary.c.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <xlsxwriter.h>
#include "calendar.h"
#include "error.h"
#include "outfile.h"
#include "period.h"
#include "strbuf.h"
#include "strmap.h"
#include "tempfile.h"
#include "version.h"
#include "wbcell.h"
#include "wbsheets.h"
#include "wbsummary.h"
#include "progress.h"
#include "workbook.h"
#include "banned.h"

/* --- the workbook -------------------------------------------------------- */

static void wb_release(struct wb *b)
{
	size_t i;

	strbuf_release(&b->text);
	for (i = 0; i < b->nprod; i++) {
		free(b->prod[i].id);
		free(b->prod[i].name);
	}
	free(b->prod);
	strmap_release(&b->prodidx);
	for (i = 0; i < b->ncounts; i++)
		free(b->counts[i].key);
	free(b->counts);
}
/* the sheets after Reconciliation, in the order they are written */
static const struct {
	const char *what;	/* for the progress line */
	int (*fn)(struct wb *b, struct sheet *s);
	size_t sheet;
} steps[] = {
	{ "writing the Invoices sheet", wb_sheet_invoices, 2 },
	{ NULL, NULL, 3 },	/* Daily, written first: its place for b.cut */
	{ "writing the Unmapped sheet", wb_sheet_unmapped, 4 },
	{ "writing the Problems sheet", wb_sheet_problems, 5 },
	{ "writing the Rejects sheet", wb_sheet_rejects, 6 },
	{ "writing the Rounding sheet", wb_sheet_rounding, 7 },
	{ "writing the Summary sheet", wb_sheet_summary, 0 },
};


int workbook_write(const char *path, const struct workbook_input *in,
		   struct error *e)
{
	static const char *const names[] = {
		"Summary", "Reconciliation", "Invoices", "Daily", "Unmapped",
		"Problems", "Rejects", "Rounding",
	};
	lxw_workbook_options opt = { .constant_memory = 1, .tmpdir = NULL,
				     .use_zip64 = 1 };
	lxw_doc_properties props;
	struct sheet sh[8];
	struct wb b;
	struct strbuf tmp = STRBUF_INIT, title = STRBUF_INIT;
	lxw_error le;
	struct tempfile *tf;
	const char *daily_cut;
	int i, ret = -1;
	int32_t next = period_next_first(in->y, in->m);

	memset(&b, 0, sizeof(b));
	memset(sh, 0, sizeof(sh));
	strbuf_init(&b.text);
	b.in = in;
	b.e = e;
	tf = outfile_temp_name(path, &tmp);
	b.w = workbook_new_opt(tmp.buf, &opt);
	if (!b.w) {
		error_set(e, ERR_IO, "%s: cannot create the workbook", tmp.buf);
		tempfile_remove(tf);
		goto out;
	}
	strbuf_addf(&title, "Reconciliation %04d-%02d", in->y, in->m);
	memset(&props, 0, sizeof(props));
	props.title = title.buf;
	props.subject = "Vendor usage against invoices and PSA contract units";
	props.author = "tally";
	props.comments = "Written by tally " TALLY_VERSION;
	props.created = (time_t)next * 86400;
	workbook_set_properties(b.w, &props);
	for (i = 0; i < 8; i++)
		sh[i].ws = workbook_add_worksheet(b.w, names[i]);

	progress_begin("writing the Daily sheet");
	if (wb_sheet_daily(&b, &sh[3]))
		goto fail;
	daily_cut = b.cut;	/* said as if written in its place, below */
	b.cut = NULL;
	if (!b.stopped && in->ready && in->ready(in->ready_arg))
		b.stopped = 1;
	if (b.stopped) {
		error_set(e, ERR_IO, "%s: stopped before it was written", path);
		goto fail;
	}
	if (wb_read_invoices(&b))
		goto fail;
	if (in->invoice_date) {
		b.invoice_date = in->invoice_date;
		b.due_date = in->due_date;
	} else if (!b.have_dates) {
		b.invoice_date = cal_first_business_day(in->settings->calendar,
							next, NULL);
		b.due_date = b.invoice_date + in->settings->payment_terms_days;
	}
	progress_begin("writing the Reconciliation sheet");
	if (wb_sheet_reconciliation(&b, &sh[1]))
		goto fail;
	for (size_t k = 0; k < sizeof(steps) / sizeof(*steps); k++) {
		if (!steps[k].fn) {
			if (daily_cut)
				b.cut = daily_cut;
			continue;
		}
		progress_begin(steps[k].what);
		if (steps[k].fn(&b, &sh[steps[k].sheet]))
			goto fail;
	}
	if (b.stopped) {
		error_set(e, ERR_IO, "%s: stopped before it was written", path);
		goto fail;
	}
	progress_begin("packing the workbook");
	le = workbook_close(b.w);
	b.w = NULL;
	progress_begin(NULL);
	if (le != LXW_NO_ERROR) {
		error_set(e, ERR_IO, "%s: cannot write the workbook: %s", tmp.buf,
			  lxw_strerror(le));
		tempfile_remove(tf);
		goto out;
	}
	if (outfile_publish(tf, tmp.buf, path, e))
		goto out;
	ret = 0;
	goto out;
fail:
	/* libxlsxwriter's memory freed, nothing packed or written (its
	 * sheets' temporary files are unlinked already: tmpfile(3)) */
	lxw_workbook_free(b.w);
	b.w = NULL;
	tempfile_remove(tf);
out:
	wb_release(&b);
	strbuf_release(&tmp);
	strbuf_release(&title);
	return ret;
}
