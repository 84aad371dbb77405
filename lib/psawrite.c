/*
 * The files of psa/: each file of the plan written whole (its header
 * only for a month with blocking problems), the others tally writes
 * removed. The layouts are in psafiles.h.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "csvwrite.h"
#include "date.h"
#include "decimal.h"
#include "outfile.h"
#include "psafiles.h"
#include "strbuf.h"
#include "xalloc.h"
#include "banned.h"

static const char *head(enum psa_change c)
{
	switch (c) {
	case PC_ADJUSTMENT:
		return "contractID,serviceID,unitChange,effectiveDate,"
		       "adjustedUnitPrice\n";
	case PC_ADDITION_UPDATE:
		return "agreementId,additionId,productIdentifier,quantity,"
		       "previousQuantity,effectiveDate\n";
	case PC_NEW_ADDITION:
		return "agreementId,productIdentifier,quantity,unitPrice,"
		       "effectiveDate,billCustomer\n";
	default:
		return "psa_company_id,psa_company_name,psa_product_id,"
		       "psa_product_name,quantity,unit_price,currency,"
		       "effectiveDate\n";
	}
}

static void put_line(FILE *fp, enum psa_change c, const struct recon_line *l,
		     const char *eff)
{
	char q[48], q2[48], price[48];

	if (l->has_price)
		price_format(price, l->price);
	else
		price[0] = '\0';
	switch (c) {
	case PC_ADJUSTMENT: {
		/* the invoiced price for a service the contract lacks */
		const char *f[] = { l->contract_id, l->service_id,
				    qty_format(q, l->diff), eff,
				    l->has_units ? "" : price };
		csv_putrow(fp, f, 5);
		break;
	}
	case PC_ADDITION_UPDATE: {
		const char *f[] = { l->contract_id, l->addition_id,
				    l->product_id, qty_format(q, l->billed),
				    qty_format(q2, l->units), eff };
		csv_putrow(fp, f, 6);
		break;
	}
	case PC_NEW_ADDITION: {
		const char *f[] = { l->contract_id, l->product_id,
				    qty_format(q, l->billed), price, eff,
				    "Billable" };
		csv_putrow(fp, f, 6);
		break;
	}
	default: {
		const char *f[] = { l->company_id, l->company_name,
				    l->product_id, l->product_name,
				    qty_format(q, l->billed), price,
				    l->has_price ? l->cur->code : "", eff };
		csv_putrow(fp, f, 8);
		break;
	}
	}
}

/* one file: the lines of kind c, by company and product */
static int write_one(const struct psa_plan *p, const char *monthdir,
		     enum psa_change c, struct error *e)
{
	struct strbuf path = STRBUF_INIT;
	struct outfile o;
	struct psa_cursor cur;
	const struct recon_line *l;
	char eff[11];
	int r = 0;

	strbuf_addf(&path, "%s/%s", monthdir, psa_change_file(c));
	if (outfile_open(&o, path.buf, e)) {
		strbuf_release(&path);
		return -1;
	}
	strbuf_release(&path);
	date_format(eff, p->effective);
	fputs(head(c), o.fp);
	if (!p->blocked && psa_cursor_open(&cur, p, PSA_BY_ID, e) == 0) {
		while ((r = psa_cursor_next(&cur, &l, e)) == 1)
			if (l->kind == c)
				put_line(o.fp, c, l, eff);
		psa_cursor_release(&cur);
	} else if (!p->blocked) {
		r = -1;
	}
	if (r < 0) {
		outfile_abort(&o);
		return -1;
	}
	return outfile_commit(&o, e);
}

int psa_plan_write(const struct psa_plan *p, const char *monthdir,
		   struct error *e)
{
	struct strbuf path = STRBUF_INIT;
	size_t k;
	int c, mine, ret = -1;

	strbuf_addf(&path, "%s/psa", monthdir);
	if (mkdir(path.buf, 0777) && errno != EEXIST) {
		error_set(e, ERR_IO, "%s: cannot create: %s", path.buf, strerror(errno));
		goto out;
	}
	/* the plan's files written, tally's others removed */
	for (c = PC_ADJUSTMENT; c < PC_COUNT; c++) {
		const char *f = psa_change_file((enum psa_change)c);

		for (k = 0, mine = 0; k < p->nfiles; k++)
			mine |= !strcmp(p->files[k], f);
		if (mine) {
			if (write_one(p, monthdir, (enum psa_change)c, e))
				goto out;
			continue;
		}
		strbuf_reset(&path);
		strbuf_addf(&path, "%s/%s", monthdir, f);
		if (unlink(path.buf) && errno != ENOENT) {
			error_set(e, ERR_IO, "%s: cannot remove: %s", path.buf,
				  strerror(errno));
			goto out;
		}
	}
	ret = 0;
out:
	strbuf_release(&path);
	return ret;
}
