/*
 * The PSA plan: PSA contract units against billed quantities, and where
 * each change goes. The rules are in psafiles.h; psawrite.c writes the
 * files.
 */
#include <stdlib.h>
#include <string.h>
#include "csvcols.h"
#include "date.h"
#include "decimal.h"
#include "extsort.h"
#include "period.h"
#include "psafiles.h"
#include "psaunits.h"
#include "strbuf.h"
#include "strmap.h"
#include "xalloc.h"
#include "banned.h"

const char *recon_status_name(enum recon_status s)
{
	static const char *const names[] = {
		"new", "up", "down", "same", "missing in vendor", "not compared",
	};
	return s < RS_COUNT ? names[s] : "?";
}

const char *psa_change_name(enum psa_change c)
{
	static const char *const names[] = {
		"", "adjustment", "addition update", "new addition",
		"for review",
	};
	return c < PC_COUNT ? names[c] : "?";
}

const char *psa_change_file(enum psa_change c)
{
	static const char *const files[] = {
		NULL,
		"psa/autotask-contract-service-adjustments.csv",
		"psa/connectwise-addition-updates.csv",
		"psa/connectwise-agreement-additions.csv",
		"psa/units-for-review.csv",
	};
	return c < PC_COUNT ? files[c] : NULL;
}

int psa_id_is_integer(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n > 18 || s[0] == '0')
		return 0;
	for (size_t i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return 0;
	return 1;
}

/* the first two distinct values met (contracts of a company, service ids
 * of a product) */
struct two {
	char *first, *second;
};

/*
 * The plan is built in one pass over the records of the month's files
 * sorted by company and product (an extsort: memory does not grow with
 * the lines). Keys: "company\0" for what is the company's (its name, its
 * contracts in effect), sorting before "company\0product\0" for what is a
 * line's; equal keys keep the order they were added in, which is the
 * order the files were read in (rounded.csv, invoice-lines.csv,
 * mapped.csv, the PSA units), so the first name met and the last
 * rounded row are the ones the files give. The payload starts with its
 * tag.
 */
enum {
	TAG_NAME = 'N',		/* company: a name (text) */
	TAG_CONTRACT = 'C',	/* company: a contract in effect (text) */
	TAG_ROUNDED = 'R',	/* line: struct rounded_rec, rounding */
	TAG_PRICE = 'P',	/* line: struct price_rec, unit_price text */
	TAG_UNITS = 'U',	/* line: struct units_rec, 3 ids */
};

struct rounded_rec {
	int64_t exact, billed;
};

struct price_rec {
	const struct currency *cur;
	long line;
};

struct units_rec {
	long line;
	int64_t units, price;
	int has_price;
};

#define SORT_BUDGET ((size_t)16 << 20)
#define STAKE_BUDGET ((size_t)8 << 20)

struct psa_store {
	struct spill byid;	/* packed lines, by company and product */
	struct extsort stake;	/* key: stake_key; payload: packed line */
	int have_stake, stake_taken;
};

struct build {
	struct psa_plan *p;
	const struct settings *s;
	struct psa_units u;
	struct extsort sort;	/* the records above */
	struct strmap product_name;
	struct strmap services;	/* product -> struct two: service ids */
	struct strmap billed_products; /* services.csv psa_product_id */
	int have_services;
	size_t alloc, walloc;
	const char *file;	/* the file being read, for errors */
	char *lines_path;	/* invoice-lines.csv, for its prices' errors */
	struct strbuf key, rec;
	struct strbuf last_company, last_name; /* the last name record */
	/* the company being settled, and its line */
	struct strbuf company;
	char *company_name;
	struct two contracts;
	int have_line;
	struct recon_line line;
	struct strbuf pack;
	struct psa_store *store; /* where the lines go, or NULL: p->lines */
	struct error *e;
};

static void two_add_v(struct two *t, const char *v)
{
	if (!t->first)
		t->first = xstrdup(v);
	else if (!t->second && strcmp(t->first, v))
		t->second = xstrdup(v);
}

static void two_add(struct strmap *m, const char *key, const char *v)
{
	int created;
	void **slot = strmap_slot(m, key, strlen(key), &created);

	if (created)
		*slot = xcalloc(1, sizeof(struct two));
	two_add_v(*slot, v);
}

static void two_clear(struct two *t)
{
	free(t->first);
	free(t->second);
	t->first = t->second = NULL;
}

static void two_free_all(struct strmap *m)
{
	size_t pos = 0;
	struct strmap_entry *en;

	while ((en = strmap_next(m, &pos)))
		two_clear(en->value);
	strmap_free_values(m);
}

/* add a record of company (and product, unless NULL) */
static int rec_add(struct build *b, const char *company, const char *product,
		   int tag, const void *fixed, size_t nfixed,
		   const char *const *texts, size_t ntexts)
{
	strbuf_reset(&b->key);
	strbuf_add(&b->key, company, strlen(company) + 1);
	if (product)
		strbuf_add(&b->key, product, strlen(product) + 1);
	strbuf_reset(&b->rec);
	strbuf_addch(&b->rec, tag);
	strbuf_add(&b->rec, fixed, nfixed);
	for (size_t i = 0; i < ntexts; i++)
		strbuf_add(&b->rec, texts[i], strlen(texts[i]) + 1);
	return extsort_add(&b->sort, b->key.buf, b->key.len, b->rec.buf,
			   b->rec.len, b->e);
}

/* a company's name, unless it repeats the last one added */
static int company_name_add(struct build *b, const char *id, const char *name)
{
	if (!*name)
		return 0;
	if (b->last_name.len == strlen(name) && !strcmp(b->last_name.buf, name) &&
	    !strcmp(b->last_company.buf, id) && b->last_company.len == strlen(id))
		return 0;
	strbuf_reset(&b->last_company);
	strbuf_addstr(&b->last_company, id);
	strbuf_reset(&b->last_name);
	strbuf_addstr(&b->last_name, name);
	return rec_add(b, id, NULL, TAG_NAME, NULL, 0, &name, 1);
}

static void line_start(struct build *b, const char *company,
		       const char *product)
{
	struct recon_line *l = &b->line;

	memset(l, 0, sizeof(*l));
	l->company_id = xstrdup(company);
	l->product_id = xstrdup(product);
	l->rounding = xstrdup("");
	l->cur = b->s->currency;
	b->have_line = 1;
}

static void line_free(struct recon_line *l)
{
	free(l->company_id);
	free(l->company_name);
	free(l->product_id);
	free(l->product_name);
	free(l->rounding);
	free(l->contract_id);
	free(l->service_id);
	free(l->addition_id);
	free(l->note);
	memset(l, 0, sizeof(*l));
}

static void name_set(struct strmap *m, const char *id, const char *name)
{
	void **slot;
	int created;

	if (!*name)
		return;
	slot = strmap_slot(m, id, strlen(id), &created);
	if (created)
		*slot = xstrdup(name);
}

static int bad_number(struct build *b, long line, const char *what,
		      const char *v)
{
	return error_set(b->e, ERR_IO, "%s:%ld: bad %s (\"%s\")", b->file, line, what,
			 v);
}

static int on_rounded(const struct csvcols_row *r, void *vb)
{
	struct build *b = vb;
	struct rounded_rec rr;

	if (dec_parse_text(r->f[2], 4, &rr.exact))
		return bad_number(b, r->line, "exact_quantity", r->f[2]);
	if (dec_parse_text(r->f[4], 4, &rr.billed))
		return bad_number(b, r->line, "quantity", r->f[4]);
	return rec_add(b, r->f[0], r->f[1], TAG_ROUNDED, &rr, sizeof(rr),
		       (const char *const *)&r->f[3], 1);
}

/*
 * A price applies to a line of rounded.csv only, so it is checked when
 * its line is settled (a bad price of a line without usage is no error).
 */
static int on_invoice_line(const struct csvcols_row *r, void *vb)
{
	struct build *b = vb;
	struct price_rec pr;

	name_set(&b->product_name, r->f[2], r->f[3]);
	if (company_name_add(b, r->f[0], r->f[1]))
		return -1;
	pr.cur = currency_find(r->f[5]);
	pr.line = r->line;
	if (!pr.cur)
		return 0;
	return rec_add(b, r->f[0], r->f[2], TAG_PRICE, &pr, sizeof(pr),
		       (const char *const *)&r->f[4], 1);
}

static int on_mapped(const struct csvcols_row *r, void *vb)
{
	struct build *b = vb;

	name_set(&b->product_name, r->f[2], r->f[3]);
	return company_name_add(b, r->f[0], r->f[1]);
}

static int on_service(const struct csvcols_row *r, void *vb)
{
	struct build *b = vb;
	int created;

	if (*r->f[0])	/* a set: any non-NULL value */
		*strmap_slot(&b->billed_products, r->f[0], strlen(r->f[0]),
			     &created) = b;
	return 0;
}

/* one row of the PSA contract units file read */
static int units_row(struct build *b, const struct psa_row *r)
{
	struct psa_plan *p = b->p;
	int in = psa_row_in_effect(r, p->effective);
	struct units_rec ur;
	const char *ids[3];

	name_set(&b->product_name, r->product_id, r->product_name);
	if (company_name_add(b, r->company_id, r->company_name))
		return -1;
	if (in && rec_add(b, r->company_id, NULL, TAG_CONTRACT, NULL, 0,
			  (const char *const *)&r->contract_id, 1))
		return -1;
	if (b->have_services &&
	    !strmap_get(&b->billed_products, r->product_id,
			strlen(r->product_id))) {
		p->other_rows++;
		return 0;
	}
	if (*r->service_id)
		two_add(&b->services, r->product_id, r->service_id);
	if (!in) {
		p->other_periods++;
		return 0;
	}
	memset(&ur, 0, sizeof(ur));
	ur.line = r->line;
	ur.units = r->units;
	ur.has_price = r->has_price;
	ur.price = r->price;
	ids[0] = r->contract_id;
	ids[1] = r->service_id;
	ids[2] = r->addition_id;
	return rec_add(b, r->company_id, r->product_id, TAG_UNITS, &ur,
		       sizeof(ur), ids, 3);
}

static int on_units(const struct psa_row *r, void *vb)
{
	return units_row(vb, r);
}

/* a line's record (after the tag) applied to b->line */
static int line_apply(struct build *b, const char *pl, size_t plen)
{
	struct recon_line *l = &b->line;
	int tag = pl[0];

	pl++;
	if (tag == TAG_ROUNDED) {
		struct rounded_rec rr;

		memcpy(&rr, pl, sizeof(rr));
		l->exact = rr.exact;
		l->billed = rr.billed;
		free(l->rounding);
		l->rounding = xstrdup(pl + sizeof(rr));
		l->has_vendor = 1;
	} else if (tag == TAG_PRICE) {
		struct price_rec pr;
		const char *text = pl + sizeof(pr);

		memcpy(&pr, pl, sizeof(pr));
		if (!l->has_vendor)	/* only rounded.csv's lines */
			return 0;
		if (price_parse(text, &l->price, NULL))
			return error_set(b->e, ERR_IO, "%s:%ld: bad %s (\"%s\")",
					 b->lines_path, pr.line, "unit_price",
					 text);
		l->has_price = 1;
		l->price_invoiced = 1;
		l->cur = pr.cur;
	} else if (tag == TAG_UNITS) {
		struct units_rec ur;
		const char *contract = pl + sizeof(ur);
		const char *service = contract + strlen(contract) + 1;
		const char *addition = service + strlen(service) + 1;

		memcpy(&ur, pl, sizeof(ur));
		if (l->nrows == 0) {
			l->line = ur.line;
			l->units1 = ur.units;
			l->contract_id = xstrdup(contract);
			if (*service)
				l->service_id = xstrdup(service);
			if (*addition)
				l->addition_id = xstrdup(addition);
		} else if (l->nrows == 1) {
			l->line2 = ur.line;
			l->units2 = ur.units;
		}
		l->nrows++;
		l->has_units = 1;
		l->units += ur.units;
		if (!l->has_price && ur.has_price) {
			l->has_price = 1;
			l->price = ur.price;
		}
	}
	(void)plen;
	return 0;
}

static void warn_add(struct build *b, const char *code, const char *file,
		     long line, char *msg)
{
	struct psa_plan *p = b->p;
	struct psa_warning *w;

	XGROW(p->warn, b->walloc, p->nwarn + 1);
	w = &p->warn[p->nwarn++];
	w->code = code;
	w->file = xstrdup(file ? file : "");
	w->line = line;
	w->message = msg;
}

static int64_t abs64(int64_t v)
{
	return v < 0 ? -v : v;
}

static int cmp_stake(const void *va, const void *vb)
{
	const struct recon_line *a = va, *b = vb;
	int c;

	c = money_abs_cmp(b->has_price ? b->money : 0, b->cur->exp,
			  a->has_price ? a->money : 0, a->cur->exp);
	if (c)
		return c;
	if (abs64(a->diff) != abs64(b->diff))
		return abs64(a->diff) < abs64(b->diff) ? 1 : -1;
	c = strcmp(a->company_id, b->company_id);
	return c ? c : strcmp(a->product_id, b->product_id);
}

static int not_id(struct strbuf *why, const char *what, const char *v,
		  const char *psa)
{
	strbuf_addf(why, "%s (\"%s\") is not %s id (a whole number)", what, v,
		    psa);
	return -1;
}

/* the contract of a line: its row's, or the company's only one in effect */
static int contract(struct build *b, struct recon_line *l,
		    struct strbuf *why)
{
	const struct two *c;

	if (l->contract_id)
		return 0;
	c = &b->contracts;
	if (!c->first) {
		strbuf_addstr(why, "no contract in effect for that company");
		return -1;
	}
	if (c->second) {
		strbuf_addf(why, "several contracts in effect for that company "
			    "(%s, %s)", c->first, c->second);
		return -1;
	}
	l->contract_id = xstrdup(c->first);
	return 0;
}

/* Autotask: contract and service ids of whole numbers */
static int place_autotask(struct build *b, struct recon_line *l,
			  struct strbuf *why)
{
	const struct two *svc;

	if (!psa_id_is_integer(l->contract_id))
		return not_id(why, "contract id", l->contract_id,
			      "an Autotask");
	if (!l->service_id) {
		svc = strmap_get(&b->services, l->product_id,
				 strlen(l->product_id));
		if (!svc) {
			strbuf_addstr(why, "no service id for that product");
			return -1;
		}
		if (svc->second) {
			strbuf_addf(why, "several service ids for that product "
				    "(%s, %s)", svc->first, svc->second);
			return -1;
		}
		l->service_id = xstrdup(svc->first);
	}
	if (!psa_id_is_integer(l->service_id))
		return not_id(why, "service id", l->service_id, "an Autotask");
	if (l->diff % QTY_SCALE) {
		strbuf_addstr(why, "the change is not in whole units");
		return -1;
	}
	l->kind = PC_ADJUSTMENT;
	return 0;
}

/* ConnectWise: an update of the addition billed today, or a new one */
static int place_connectwise(struct recon_line *l, struct strbuf *why)
{
	if (!psa_id_is_integer(l->contract_id))
		return not_id(why, "agreement id", l->contract_id,
			      "a ConnectWise");
	if (!l->has_units) {
		l->kind = PC_NEW_ADDITION;
		return 0;
	}
	if (!l->addition_id) {
		strbuf_addstr(why, "billed today without a known addition_id "
			      "(a new addition would bill it twice)");
		return -1;
	}
	if (!psa_id_is_integer(l->addition_id))
		return not_id(why, "addition id", l->addition_id,
			      "a ConnectWise");
	l->kind = PC_ADDITION_UPDATE;
	return 0;
}

/* where a change goes: 0, or -1 with why it cannot be placed */
static int place(struct build *b, struct recon_line *l, struct strbuf *why)
{
	char q1[48], q2[48], eff[11];
	int autotask = b->p->psa == PSA_AUTOTASK;

	if (l->nrows >= 2) {
		strbuf_addf(why, "%zu rows in effect on %s: line %ld (%s units) "
			    "and line %ld (%s units)", l->nrows,
			    date_format(eff, b->p->effective), l->line,
			    qty_format(q1, l->units1), l->line2,
			    qty_format(q2, l->units2));
		if (l->nrows > 2)
			strbuf_addf(why, " and %zu more", l->nrows - 2);
		return -1;
	}
	if (autotask && l->has_units && l->units % QTY_SCALE) {
		strbuf_addf(why, "PSA units not whole (%s, line %ld): Autotask "
			    "takes whole units only", qty_format(q1, l->units),
			    l->line);
		return -1;
	}
	if (!l->has_units && b->u.rejected) {
		strbuf_addf(why, "%ld row%s of the PSA units file rejected (see "
			    "its rejects): one may bill it already",
			    b->u.rejected, b->u.rejected == 1 ? "" : "s");
		return -1;
	}
	if (contract(b, l, why))
		return -1;
	if (autotask ? place_autotask(b, l, why) : place_connectwise(l, why))
		return -1;
	if (!l->has_units && !l->price_invoiced) {
		l->kind = PC_NONE;
		strbuf_addstr(why, "no invoiced price for it");
		return -1;
	}
	return 0;
}

/* the warning of a line that cannot be placed */
static void unplaced(struct build *b, struct recon_line *l, const char *why)
{
	struct psa_plan *p = b->p;
	struct strbuf sb = STRBUF_INIT;
	char q[48];
	const char *file = psa_change_file(
		p->psa == PSA_AUTOTASK ? PC_ADJUSTMENT :
		l->has_units ? PC_ADDITION_UPDATE : PC_NEW_ADDITION);

	l->note = xstrdup(why);
	if (l->diff)
		strbuf_addf(&sb, "change of %s%s units for company %s and "
			    "product %s left out of %s: %s",
			    l->diff > 0 ? "+" : "", qty_format(q, l->diff),
			    l->company_id, l->product_id, file, why);
	else
		strbuf_addf(&sb, "company %s and product %s left out of %s: "
			    "%s", l->company_id, l->product_id, file, why);
	warn_add(b, "psa-unplaced", p->units_file, l->line,
		 strbuf_detach(&sb));
	strbuf_release(&sb);
}

/*
 * Where a line of the month goes, once all its records are read: its
 * names, status and placement (the warning of an unplaced change, in
 * company and product order as the lines come).
 */
static void settle_line(struct build *b, struct recon_line *l,
			struct strbuf *why)
{
	struct psa_plan *p = b->p;
	const char *pn = strmap_get(&b->product_name, l->product_id,
				    strlen(l->product_id));

	l->company_name = xstrdup(b->company_name ? b->company_name : "");
	l->product_name = xstrdup(pn ? pn : "");
	if (!l->has_vendor)
		l->billed = 0;
	l->diff = l->billed - l->units;
	if (l->has_price)
		l->money = money_amount(l->diff, l->price, l->cur);
	if (!p->have_units)
		l->status = RS_NOT_COMPARED;
	else if (!l->has_vendor)
		l->status = RS_MISSING;
	else if (!l->has_units)
		l->status = l->billed ? RS_NEW : RS_SAME;
	else
		l->status = l->diff > 0 ? RS_UP :
			    l->diff < 0 ? RS_DOWN : RS_SAME;
	p->count[l->status]++;
	if (!p->have_units) {
		if (l->has_vendor && l->billed)
			l->kind = PC_REVIEW;
		return;
	}
	l->change = l->diff != 0;
	p->nchanges += (size_t)l->change;
	if (!l->change && l->nrows < 2)
		return;
	strbuf_reset(why);
	if (place(b, l, why)) {
		l->kind = PC_NONE;
		unplaced(b, l, why->buf);
	} else if (l->change) {
		l->placed = 1;
		p->nplaced++;
	} else {
		l->kind = PC_NONE;
	}
}

/*
 * A line packed for the disk: the struct as it is (its pointers
 * meaningless but for cur, which is of this process), then each text
 * field as a byte (0: NULL, 1: text) and the text with its NUL.
 */
#define NTEXT 9
static char **text_fields(struct recon_line *l, char **v[NTEXT])
{
	v[0] = &l->company_id;
	v[1] = &l->company_name;
	v[2] = &l->product_id;
	v[3] = &l->product_name;
	v[4] = &l->rounding;
	v[5] = &l->contract_id;
	v[6] = &l->service_id;
	v[7] = &l->addition_id;
	v[8] = &l->note;
	return *v;
}

static void line_pack(struct strbuf *sb, struct recon_line *l)
{
	char **v[NTEXT];

	text_fields(l, v);
	strbuf_reset(sb);
	strbuf_add(sb, l, sizeof(*l));
	for (size_t i = 0; i < NTEXT; i++) {
		strbuf_addch(sb, *v[i] != NULL);
		if (*v[i])
			strbuf_add(sb, *v[i], strlen(*v[i]) + 1);
	}
}

/* rec into l, its texts pointing into rec (copies when own) */
static void line_unpack(struct recon_line *l, const char *rec, int own)
{
	char **v[NTEXT];
	const char *t = rec + sizeof(*l);

	memcpy(l, rec, sizeof(*l));
	text_fields(l, v);
	for (size_t i = 0; i < NTEXT; i++) {
		if (!*t++) {
			*v[i] = NULL;
			continue;
		}
		*v[i] = own ? xstrdup(t) : (char *)t;
		t += strlen(t) + 1;
	}
}

static void put_be(struct strbuf *sb, unsigned __int128 v, int bytes)
{
	while (bytes--)
		strbuf_addch(sb, (int)(unsigned char)(v >> (8 * bytes)));
}

/*
 * cmp_stake's order as bytes: the money at stake, largest first (at 4
 * decimals, as money_abs_cmp compares), the difference in units, largest
 * first, then company and product.
 */
static void stake_key(struct strbuf *sb, const struct recon_line *l)
{
	int64_t m = l->has_price ? l->money : 0;
	unsigned __int128 x = (unsigned __int128)(m < 0 ? -(__int128)m : m) *
			      (unsigned __int128)dec_pow10(4 - l->cur->exp);
	uint64_t d = (uint64_t)abs64(l->diff);

	strbuf_reset(sb);
	put_be(sb, ~x, 16);
	put_be(sb, ~d, 8);
	strbuf_add(sb, l->company_id, strlen(l->company_id) + 1);
	strbuf_add(sb, l->product_id, strlen(l->product_id) + 1);
}

/* the line settled, kept, and b->line empty again */
static int line_end(struct build *b, struct strbuf *why)
{
	struct psa_plan *p = b->p;
	struct recon_line *l = &b->line;
	int ret = 0;

	if (!b->have_line)
		return 0;
	b->have_line = 0;
	settle_line(b, l, why);
	if (!b->store) {
		XGROW(p->lines, b->alloc, p->n + 1);
		p->lines[p->n++] = *l;	/* the line's texts move with it */
		memset(l, 0, sizeof(*l));
		return 0;
	}
	p->n++;
	line_pack(&b->pack, l);
	if (spill_add(&b->store->byid, b->pack.buf, b->pack.len, b->e))
		ret = -1;
	if (!ret && b->store->have_stake) {
		stake_key(why, l);
		if (extsort_add(&b->store->stake, why->buf, why->len,
				b->pack.buf, b->pack.len, b->e))
			ret = -1;
	}
	line_free(l);
	return ret;
}

/* the sorted records, a company and a line at a time */
static int settle(struct build *b)
{
	struct psa_plan *p = b->p;
	struct strbuf why = STRBUF_INIT;
	const char *key, *pl;
	size_t klen, plen;
	int r;

	while ((r = extsort_next(&b->sort, &key, &klen, &pl, &plen, b->e)) == 1) {
		size_t cl = strlen(key);
		int same_company = b->company.len == cl &&
				   !memcmp(b->company.buf, key, cl);
		const char *product = key + cl + 1;

		if (!same_company) {
			if (line_end(b, &why))
				goto fail;
			strbuf_reset(&b->company);
			strbuf_add(&b->company, key, cl);
			free(b->company_name);
			b->company_name = NULL;
			two_clear(&b->contracts);
		}
		if (klen == cl + 1) {	/* the company's */
			if (pl[0] == TAG_NAME && !b->company_name)
				b->company_name = xstrdup(pl + 1);
			else if (pl[0] == TAG_CONTRACT)
				two_add_v(&b->contracts, pl + 1);
			continue;
		}
		if (!b->have_line || strcmp(b->line.product_id, product)) {
			if (line_end(b, &why))
				goto fail;
			line_start(b, key, product);
		}
		if (line_apply(b, pl, plen))
			goto fail;
	}
	if (r < 0 || line_end(b, &why))
		goto fail;
	strbuf_release(&why);
	if (!p->have_units)
		warn_add(b, "no-psa-units", "", 0,
			 xstrdup("no PSA contract units file in the inbox: "
				 "nothing to compare with, psa/units-for-review.csv "
				 "lists the billed quantities"));
	/* in memory, the lines end sorted by money at stake (qsort(NULL, 0)
	 * is undefined) */
	if (!b->store && p->n > 1)
		qsort(p->lines, p->n, sizeof(*p->lines), cmp_stake);
	return 0;
fail:
	strbuf_release(&why);
	return -1;
}

static int read_month(struct build *b, struct strbuf *path,
		      const char *monthdir, const char *name,
		      const char *const *cols, size_t ncols, csvcols_fn fn)
{
	strbuf_reset(path);
	strbuf_addf(path, "%s/%s", monthdir, name);
	b->file = path->buf;
	return csvcols_read(path->buf, cols, ncols, 1, fn, b, b->e);
}

/* the files of the plan, in the order their changes are sent */
static void plan_files(struct psa_plan *p)
{
	if (!p->have_units) {
		p->files[p->nfiles++] = psa_change_file(PC_REVIEW);
	} else if (p->psa == PSA_AUTOTASK) {
		p->files[p->nfiles++] = psa_change_file(PC_ADJUSTMENT);
	} else {
		p->files[p->nfiles++] = psa_change_file(PC_ADDITION_UPDATE);
		p->files[p->nfiles++] = psa_change_file(PC_NEW_ADDITION);
	}
}

static int plan_make(struct psa_plan *p, const char *monthdir,
		     const char *configdir, const struct settings *s, int y,
		     int m, int blocked, struct psa_store *store,
		     struct error *e)
{
	static const char *const rounded_cols[] = {
		"psa_company_id", "psa_product_id", "exact_quantity",
		"rounding", "quantity",
	};
	static const char *const line_cols[] = {
		"psa_company_id", "psa_company_name", "psa_product_id",
		"psa_product_name", "unit_price", "currency",
	};
	static const char *const mapped_cols[] = {
		"psa_company_id", "psa_company_name", "psa_product_id",
		"psa_product_name",
	};
	static const char *const service_cols[] = { "psa_product_id" };
	struct build b;
	struct strbuf path = STRBUF_INIT;
	int ret = -1, r;
	size_t i;

	memset(p, 0, sizeof(*p));
	memset(&b, 0, sizeof(b));
	p->psa = s->psa;
	p->y = y;
	p->m = m;
	p->effective = period_next_first(y, m);
	p->blocked = blocked != 0;
	b.p = p;
	b.s = s;
	b.e = e;
	b.store = store;
	strbuf_init(&b.key);
	strbuf_init(&b.rec);
	strbuf_init(&b.last_company);
	strbuf_init(&b.last_name);
	strbuf_init(&b.company);
	strbuf_init(&b.pack);
	extsort_init(&b.sort, monthdir, SORT_BUDGET);
	b.lines_path = path_join(monthdir, "invoice-lines.csv");

	if (read_month(&b, &path, monthdir, "rounded.csv", rounded_cols, 5, on_rounded) < 0)
		goto out;
	if (read_month(&b, &path, monthdir, "invoice-lines.csv", line_cols, 6, on_invoice_line) < 0)
		goto out;
	if (read_month(&b, &path, monthdir, "mapped.csv", mapped_cols, 4, on_mapped) < 0)
		goto out;
	if (configdir) {
		strbuf_reset(&path);
		strbuf_addf(&path, "%s/services.csv", configdir);
		b.file = path.buf;
		r = csvcols_read(path.buf, service_cols, 1, 1, on_service, &b,
				 e);
		if (r < 0)
			goto out;
		b.have_services = r == 0;
	}
	/* the units rows one at a time, into the sort */
	if (psa_units_each(&b.u, monthdir, on_units, &b, e))
		goto out;
	p->have_units = b.u.file != NULL;
	if (b.u.file)
		p->units_file = xstrdup(b.u.file);
	p->units_left = xcalloc(b.u.nleft + 1, sizeof(*p->units_left));
	for (i = 0; i < b.u.nleft; i++)
		p->units_left[p->nunits_left++] = xstrdup(b.u.left[i]);
	p->units_rejected = b.u.rejected;
	if (settle(&b) || (store && spill_done(&store->byid, e)))
		goto out;
	plan_files(p);
	ret = 0;
out:
	strbuf_release(&path);
	psa_units_release(&b.u);
	extsort_release(&b.sort);
	strbuf_release(&b.key);
	strbuf_release(&b.rec);
	strbuf_release(&b.last_company);
	strbuf_release(&b.last_name);
	strbuf_release(&b.company);
	strbuf_release(&b.pack);
	free(b.company_name);
	free(b.lines_path);
	two_clear(&b.contracts);
	line_free(&b.line);
	strmap_free_values(&b.product_name);
	two_free_all(&b.services);
	strmap_release(&b.billed_products);
	if (ret)
		psa_plan_release(p);
	return ret;
}

int psa_plan_build(struct psa_plan *p, const char *monthdir,
		   const char *configdir, const struct settings *s, int y,
		   int m, int blocked, struct error *e)
{
	return plan_make(p, monthdir, configdir, s, y, m, blocked, NULL, e);
}

static void store_free(struct psa_store *st)
{
	if (!st)
		return;
	spill_release(&st->byid);
	if (st->have_stake)
		extsort_release(&st->stake);
	free(st);
}

int psa_plan_stream(struct psa_plan *p, const char *monthdir,
		    const char *configdir, const struct settings *s, int y,
		    int m, int blocked, int by_stake, struct error *e)
{
	struct psa_store *st = xcalloc(1, sizeof(*st));

	memset(p, 0, sizeof(*p));
	if (spill_open(&st->byid, monthdir, e)) {
		store_free(st);
		return -1;
	}
	if (by_stake) {
		extsort_init(&st->stake, monthdir, STAKE_BUDGET);
		st->have_stake = 1;
	}
	if (plan_make(p, monthdir, configdir, s, y, m, blocked, st, e)) {
		store_free(st);
		return -1;
	}
	p->store = st;
	return 0;
}

/* --- reading the lines --------------------------------------------------- */

static int cmp_id_ptr(const void *va, const void *vb)
{
	const struct recon_line *a = *(const struct recon_line *const *)va;
	const struct recon_line *b = *(const struct recon_line *const *)vb;
	int c = strcmp(a->company_id, b->company_id);

	return c ? c : strcmp(a->product_id, b->product_id);
}

int psa_cursor_open(struct psa_cursor *c, const struct psa_plan *p,
		    enum psa_order order, struct error *e)
{
	memset(c, 0, sizeof(*c));
	c->p = p;
	c->order = order;
	if (!p->store) {
		if (order == PSA_BY_ID && p->n) {
			c->v = xcalloc(p->n, sizeof(*c->v));
			for (size_t i = 0; i < p->n; i++)
				c->v[i] = &p->lines[i];
			if (p->n > 1)
				qsort(c->v, p->n, sizeof(*c->v), cmp_id_ptr);
		}
		return 0;
	}
	if (order == PSA_BY_STAKE) {
		if (!p->store->have_stake || p->store->stake_taken)
			return error_set(e, ERR_IO, "the PSA plan's lines by money at stake are read once only");
		p->store->stake_taken = 1;
		return 0;
	}
	c->r = xmalloc(sizeof(*c->r));
	spill_reader_init(c->r, &p->store->byid);
	return 0;
}

int psa_cursor_next(struct psa_cursor *c, const struct recon_line **l,
		    struct error *e)
{
	const char *rec, *key;
	size_t len, klen;
	int r;

	if (!c->p->store) {
		if (c->i >= c->p->n)
			return 0;
		*l = c->order == PSA_BY_ID ? c->v[c->i] : &c->p->lines[c->i];
		c->i++;
		return 1;
	}
	if (c->order == PSA_BY_STAKE)
		r = extsort_next(&c->p->store->stake, &key, &klen, &rec, &len, e);
	else
		r = spill_read(c->r, &rec, &len, e);
	if (r != 1)
		return r;
	line_unpack(&c->cur, rec, 0);
	*l = &c->cur;
	return 1;
}

static int id_cmp(const struct recon_line *l, const char *company,
		  const char *product)
{
	int k = strcmp(l->company_id, company);

	return k ? k : strcmp(l->product_id, product);
}

int psa_cursor_find(struct psa_cursor *c, const char *company,
		    const char *product, const struct recon_line **l,
		    struct error *e)
{
	int r, k;

	if (c->at && id_cmp(c->at, company, product) > 0) {
		/* asked out of order: from the start again */
		c->at = NULL;
		c->i = 0;
		if (c->r)
			spill_reader_rewind(c->r);
	}
	for (;;) {
		if (!c->at) {
			r = psa_cursor_next(c, &c->at, e);
			if (r <= 0) {
				/* past the end: the next find starts again */
				c->at = NULL;
				c->i = 0;
				if (c->r)
					spill_reader_rewind(c->r);
				return r;
			}
		}
		k = id_cmp(c->at, company, product);
		if (k > 0)
			return 0;
		if (k == 0) {
			*l = c->at;
			return 1;
		}
		c->at = NULL;
	}
}

void psa_cursor_release(struct psa_cursor *c)
{
	free(c->v);
	if (c->r) {
		spill_reader_release(c->r);
		free(c->r);
	}
	memset(c, 0, sizeof(*c));
}

json_t *psa_plan_summary(const struct psa_plan *p)
{
	json_t *j = json_object(), *left = json_array(), *st = json_object();
	json_t *files = json_array();
	char eff[11];
	size_t i;

	for (i = 0; i < p->nunits_left; i++)
		json_array_append_new(left, json_string(p->units_left[i]));
	for (i = 0; i < RS_COUNT; i++)
		if (p->count[i])
			json_object_set_new(st, recon_status_name(i),
					    json_integer((json_int_t)p->count[i]));
	for (i = 0; i < p->nfiles; i++)
		json_array_append_new(files, json_string(p->files[i]));
	json_object_set_new(j, "psa", json_string(psa_name(p->psa)));
	json_object_set_new(j, "units_file", p->units_file ?
			    json_string(p->units_file) : json_null());
	json_object_set_new(j, "units_files_left", left);
	json_object_set_new(j, "compared", json_boolean(p->have_units));
	json_object_set_new(j, "effective_date",
			    json_string(date_format(eff, p->effective)));
	json_object_set_new(j, "lines", json_integer((json_int_t)p->n));
	json_object_set_new(j, "status", st);
	json_object_set_new(j, "changes", json_integer((json_int_t)p->nchanges));
	json_object_set_new(j, "placed", json_integer((json_int_t)p->nplaced));
	json_object_set_new(j, "unplaced",
			    json_integer((json_int_t)(p->nchanges - p->nplaced)));
	json_object_set_new(j, "other_rows", json_integer((json_int_t)p->other_rows));
	json_object_set_new(j, "other_periods",
			    json_integer((json_int_t)p->other_periods));
	json_object_set_new(j, "blocked", json_boolean(p->blocked));
	json_object_set_new(j, "files", files);
	return j;
}

void psa_plan_release(struct psa_plan *p)
{
	size_t i;

	for (i = 0; p->lines && i < p->n; i++)
		line_free(&p->lines[i]);
	free(p->lines);
	free(p->units_file);
	for (i = 0; i < p->nunits_left; i++)
		free(p->units_left[i]);
	free(p->units_left);
	for (i = 0; i < p->nwarn; i++) {
		free(p->warn[i].file);
		free(p->warn[i].message);
	}
	free(p->warn);
	store_free(p->store);
	memset(p, 0, sizeof(*p));
}
