#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "average.h"
#include "avsnap.h"
#include "csvread.h"
#include "date.h"
#include "decimal.h"
#include "duplicate.h"
#include "outfile.h"
#include "strbuf.h"
#include "xalloc.h"
#include "csvwrite.h"
#include "banned.h"

void avg_init(struct avg *a, int year, int month)
{
	memset(a, 0, sizeof(*a));
	a->year = year;
	a->month = month;
	a->dim = days_in_month(year, month);
	strbuf_init(&a->key);
}

static void series_free(struct avg_series *s)
{
	free(s->vendor);
	free(s->account_id);
	free(s->account_name);
	free(s->sku);
	free(s);
}

void avg_release(struct avg *a)
{
	size_t pos = 0;
	struct strmap_entry *en;

	while ((en = strmap_next(&a->series, &pos)))
		series_free(en->value);
	strmap_release(&a->series);
	strmap_free_values(&a->vendors);
	for (size_t i = 0; i < a->nfiles; i++)
		free(a->files[i]);
	free(a->files);
	strbuf_release(&a->key);
	avsnap_free(a);
	memset(a, 0, sizeof(*a));
}

uint32_t avg_add_file(struct avg *a, const char *source_file)
{
	XGROW(a->files, a->falloc, a->nfiles + 1);
	a->files[a->nfiles] = xstrdup(source_file);
	return (uint32_t)a->nfiles++;
}

char *avg_source_name(const char *path)
{
	size_t n = strlen(path);
	const char *slash = strrchr(path, '/');
	char *name = NULL;

	if (n > 4 && !strcmp(path + n - 4, ".csv")) {
		struct strbuf js = STRBUF_INIT;
		json_t *root, *v;

		strbuf_add(&js, path, n - 4);
		strbuf_addstr(&js, ".json");
		root = json_load_file(js.buf, 0, NULL);
		v = json_object_get(root, "source_file");	/* borrowed */
		if (json_is_string(v))
			name = xstrdup(json_string_value(v));
		json_decref(root);
		strbuf_release(&js);
	}
	return name ? name : xstrdup(slash ? slash + 1 : path);
}

static void key_of(struct strbuf *k, const char *vendor,
		   const char *account_id, const char *sku)
{
	strbuf_reset(k);
	strbuf_addstr(k, vendor);
	strbuf_addch(k, '\0');
	strbuf_addstr(k, account_id);
	strbuf_addch(k, '\0');
	strbuf_addstr(k, sku);
}

static void conflict(struct avg *a, struct problems *p, const char *vendor,
		     const char *account_id, const char *sku, const char *when,
		     const struct dup_place *got, const struct dup_place *used)
{
	struct strbuf msg = STRBUF_INIT;

	a->conflicts++;
	dup_conflict_message(&msg, vendor, account_id, sku, when, got, used);
	problem_add(p, SEV_BLOCKING, "conflict", got->file, got->line, "%s",
		    msg.buf);
	strbuf_release(&msg);
}

static const char *kind_name(enum avg_kind k)
{
	return k == AVG_DAILY ? "daily" : "monthly";
}

struct avg_series *avg_series_get(struct avg *a, const char *vendor,
				  const char *account_id,
				  const char *account_name, const char *sku,
				  enum avg_kind kind, uint32_t file,
				  uint32_t line, struct problems *p)
{
	struct avg_series *s;
	void **slot;
	int created;

	key_of(&a->key, vendor, account_id, sku);
	slot = strmap_slot(&a->series, a->key.buf, a->key.len, &created);
	if (created) {
		s = xcalloc(1, sizeof(*s));
		s->vendor = xstrdup(vendor);
		s->account_id = xstrdup(account_id);
		s->account_name = xstrdup(account_name);
		s->sku = xstrdup(sku);
		s->kind = kind;
		s->first_file = file;
		s->first_line = line;
		*slot = s;
		return s;
	}
	s = *slot;
	if (s->kind != kind) {
		struct dup_place got = { a->files[file], (long)line,
					 kind_name(kind) };
		struct dup_place used = { a->files[s->first_file],
					  (long)s->first_line,
					  kind_name(s->kind) };

		conflict(a, p, vendor, account_id, sku, NULL, &got, &used);
		return NULL;
	}
	return s;
}

void avg_add_day(struct avg *a, struct avg_series *s, int day, int64_t count,
		 uint32_t file, uint32_t line, struct problems *p)
{
	uint32_t bit = 1u << (day - 1);
	char v1[48], v2[48], date[11], when[16];
	struct dup_place got, used;

	if (!(s->has & bit)) {
		s->has |= bit;
		s->day[day - 1] = count;
		s->file[day - 1] = file;
		s->line[day - 1] = line;
		return;
	}
	if (s->day[day - 1] == count) {
		a->duplicates++;
		return;
	}
	date_format(date, days_from_civil(a->year, a->month, day));
	snprintf(when, sizeof(when), "on %s", date);
	got = (struct dup_place){ a->files[file], (long)line,
				  qty_format(v1, count) };
	used = (struct dup_place){ a->files[s->file[day - 1]],
				   (long)s->line[day - 1],
				   qty_format(v2, s->day[day - 1]) };
	conflict(a, p, s->vendor, s->account_id, s->sku, when, &got, &used);
}

void avg_add_monthly(struct avg *a, struct avg_series *s, int64_t licence_days,
		     int has_max, int64_t max_daily, uint32_t file,
		     uint32_t line, struct problems *p)
{
	struct strbuf t1 = STRBUF_INIT, t2 = STRBUF_INIT;
	struct dup_place got, used;

	if (!s->has) {
		s->has = 1;
		s->licence_days = licence_days;
		s->has_max = has_max;
		s->max_daily = has_max ? max_daily : 0;
		s->first_file = file;
		s->first_line = line;
		return;
	}
	if (s->licence_days == licence_days && s->has_max == has_max &&
	    (!has_max || s->max_daily == max_daily)) {
		a->duplicates++;
		return;
	}
	dup_monthly_value(&t1, licence_days, has_max, max_daily);
	dup_monthly_value(&t2, s->licence_days, s->has_max, s->max_daily);
	got = (struct dup_place){ a->files[file], (long)line, t1.buf };
	used = (struct dup_place){ a->files[s->first_file],
				   (long)s->first_line, t2.buf };
	conflict(a, p, s->vendor, s->account_id, s->sku, "for the month",
		 &got, &used);
	strbuf_release(&t1);
	strbuf_release(&t2);
}

/* --- reading an extract file ------------------------------------------- */

enum { C_VENDOR, C_ACCOUNT, C_NAME, C_SKU, C_KIND, C_LDAYS, C_MAX, C_LINE,
       C_NFIXED };
static const char *const fixed_cols[C_NFIXED] = {
	"vendor", "account_id", "account_name", "sku", "kind",
	"licence_days", "max_daily", "line",
};

struct reader {
	struct avg *a;
	struct problems *p;
	const char *path;
	uint32_t file;
	int header_seen, skip;
	int snapshot;		/* the file is a directory snapshot */
	int col[C_NFIXED];
	int dcol[AVG_DAYS], lcol[AVG_DAYS];
	struct error *e;
};

/* a physical line number: digits, or "" for none (0); -1 when bad */
static long parse_line(const char *s)
{
	long v = 0;

	if (!*s)
		return 0;
	for (; *s; s++) {
		if (*s < '0' || *s > '9' || v > 100000000L)
			return -1;
		v = v * 10 + (*s - '0');
	}
	return v > UINT32_MAX ? -1 : v;
}

static int bad_field(struct reader *r, long line, const char *col,
		     const char *value)
{
	error_set(r->e, ERR_IO, "%s:%ld: bad %s in an extract file (\"%s\")", r->path,
		  line, col, value);
	return -1;
}

static int read_header(struct reader *r, const struct csv_row *row)
{
	char name[4];

	r->header_seen = 1;
	if (row->n >= 3 && !strcmp(row->f[0], "source_file") &&
	    !strcmp(row->f[1], "line") && !strcmp(row->f[2], "contract_id")) {
		r->skip = 1;
		return 1;
	}
	for (int i = 0; i < C_NFIXED; i++)
		if ((r->col[i] = csv_find(row, fixed_cols[i])) < 0) {
			error_set(r->e, ERR_IO, "%s:%ld: not an extract file: no column \"%s\"",
				  r->path, row->line, fixed_cols[i]);
			return -1;
		}
	for (int d = 1; d <= AVG_DAYS; d++) {
		snprintf(name, sizeof(name), "d%02d", d);
		r->dcol[d - 1] = csv_find(row, name);
		name[0] = 'l';
		r->lcol[d - 1] = csv_find(row, name);
		if (d <= r->a->dim && (r->dcol[d - 1] < 0 || r->lcol[d - 1] < 0)) {
			error_set(r->e, ERR_IO, "%s:%ld: not an extract file: no column \"d%02d\" or \"l%02d\"",
				  r->path, row->line, d, d);
			return -1;
		}
	}
	return 0;
}

static const char *field(const struct csv_row *row, int i)
{
	return i >= 0 && (size_t)i < row->n ? row->f[i] : "";
}

/* a snapshot's SKU: its count (the same on each day it gives) to avsnap.h */
static int snapshot_row(struct reader *r, const struct csv_row *row)
{
	const char *v;
	int64_t q;

	for (int d = 1; d <= r->a->dim; d++) {
		long line;

		v = field(row, r->dcol[d - 1]);
		if (!*v)
			continue;
		if (qty_parse(v, &q, NULL) || q < 0)
			return bad_field(r, row->line, "day count", v);
		v = field(row, r->lcol[d - 1]);
		if ((line = parse_line(v)) < 0)
			return bad_field(r, row->line, "day line", v);
		avsnap_add(r->a, field(row, r->col[C_NAME]),
			   field(row, r->col[C_SKU]), q, (uint32_t)line);
		break;
	}
	return 0;
}

static int read_row(const struct csv_row *row, void *vr)
{
	struct reader *r = vr;
	struct avg *a = r->a;
	struct avg_series *s;
	const char *kind, *v;
	enum avg_kind k;
	long line, dline[AVG_DAYS];
	int64_t q, max = 0, dq[AVG_DAYS];

	if (row->n == 0)
		return 0;
	if (!r->header_seen)
		return read_header(r, row);
	kind = field(row, r->col[C_KIND]);
	if (!strcmp(kind, "snapshot") && r->snapshot)
		return snapshot_row(r, row);
	if (!strcmp(kind, "daily"))
		k = AVG_DAILY;
	else if (!strcmp(kind, "monthly"))
		k = AVG_MONTHLY;
	else
		return bad_field(r, row->line, "kind", kind);
	v = field(row, r->col[C_LINE]);
	if ((line = parse_line(v)) < 0)
		return bad_field(r, row->line, "line", v);
	/* check every number before the row changes anything (dq[d - 1]
	 * -1: no count that day) */
	for (int d = 1; d <= AVG_DAYS && k == AVG_DAILY; d++) {
		dq[d - 1] = -1;
		v = field(row, r->dcol[d - 1]);
		if (!*v)
			continue;
		if (d > a->dim || qty_parse(v, &dq[d - 1], NULL) || dq[d - 1] < 0)
			return bad_field(r, row->line, "day count", v);
		v = field(row, r->lcol[d - 1]);
		if ((dline[d - 1] = parse_line(v)) < 0)
			return bad_field(r, row->line, "day line", v);
	}
	if (k == AVG_MONTHLY) {
		v = field(row, r->col[C_LDAYS]);
		if (qty_parse(v, &q, NULL) || q < 0)
			return bad_field(r, row->line, "licence_days", v);
		v = field(row, r->col[C_MAX]);
		if (*v && (qty_parse(v, &max, NULL) || max < 0))
			return bad_field(r, row->line, "max_daily", v);
	}
	s = avg_series_get(a, field(row, r->col[C_VENDOR]),
			   field(row, r->col[C_ACCOUNT]),
			   field(row, r->col[C_NAME]), field(row, r->col[C_SKU]),
			   k, r->file, (uint32_t)line, r->p);
	if (!s)
		return 0;
	if (k == AVG_MONTHLY) {
		avg_add_monthly(a, s, q, *field(row, r->col[C_MAX]) != '\0',
				max, r->file, (uint32_t)line, r->p);
		return 0;
	}
	for (int d = 1; d <= a->dim; d++)
		if (dq[d - 1] >= 0)
			avg_add_day(a, s, d, dq[d - 1], r->file,
				    (uint32_t)dline[d - 1], r->p);
	return 0;
}

/*
 * The "snapshot" of the JSON beside extract file path ({"vendor",
 * "account_id", "date"}): 1 after avsnap_begin, or 0 for any other file.
 */
static int snapshot_of(struct avg *a, const char *path, uint32_t file)
{
	size_t n = strlen(path);
	struct strbuf js = STRBUF_INIT;
	json_t *root, *sn;
	const char *v, *acc, *date;
	int32_t day;
	int ret = 0;

	if (n <= 4 || strcmp(path + n - 4, ".csv"))
		return 0;
	strbuf_add(&js, path, n - 4);
	strbuf_addstr(&js, ".json");
	root = json_load_file(js.buf, 0, NULL);
	sn = json_object_get(root, "snapshot");	/* borrowed */
	v = json_string_value(json_object_get(sn, "vendor"));
	acc = json_string_value(json_object_get(sn, "account_id"));
	date = json_string_value(json_object_get(sn, "date"));
	if (v && acc && date &&
	    date_parse_fmt(date, strlen(date), "YYYY-MM-DD", &day) == 0) {
		avsnap_begin(a, v, acc, day, file);
		ret = 1;
	}
	json_decref(root);
	strbuf_release(&js);
	return ret;
}

int avg_read_extract(struct avg *a, const char *path, const char *source_file,
		     struct problems *p, struct error *e)
{
	struct reader r;
	int ret;

	memset(&r, 0, sizeof(r));
	r.a = a;
	r.p = p;
	r.path = path;
	r.e = e;
	r.file = avg_add_file(a, source_file);
	r.snapshot = snapshot_of(a, path, r.file);
	ret = csv_read(path, read_row, &r, e);
	if (ret == 1 && r.skip)
		return 1;
	return ret ? -1 : 0;
}

/* --- gap days and totals ------------------------------------------------ */

static struct avg_vendor *vendor_of(struct avg *a, const char *vendor)
{
	void **slot = strmap_slot(&a->vendors, vendor, strlen(vendor), NULL);

	if (!*slot)
		*slot = xcalloc(1, sizeof(struct avg_vendor));
	return *slot;
}

static int cmp_str(const void *x, const void *y)
{
	return strcmp(*(char *const *)x, *(char *const *)y);
}

/* the vendors that have gap days, sorted; the array is the caller's */
static const char **gap_vendors(const struct avg *a, size_t *n)
{
	const char **v = xcalloc(a->vendors.n + 1, sizeof(*v));
	struct strmap_entry *en;
	size_t pos = 0;

	*n = 0;
	while ((en = strmap_next(&a->vendors, &pos)))
		if (((struct avg_vendor *)en->value)->gaps)
			v[(*n)++] = en->key;
	if (*n > 1)	/* qsort(NULL, 0) is undefined */
		qsort(v, *n, sizeof(*v), cmp_str);
	return v;
}

void avg_settle(struct avg *a, enum gap_mode mode, struct problems *p)
{
	uint32_t month_days = (uint32_t)((1ull << a->dim) - 1);
	struct strmap_entry *en;
	const char **vendors;
	size_t pos = 0, nv;

	avsnap_settle(a, mode, p);
	while ((en = strmap_next(&a->series, &pos))) {
		struct avg_series *s = en->value;

		if (s->kind == AVG_DAILY && !s->snapshot)
			vendor_of(a, s->vendor)->has |= s->has;
	}
	pos = 0;
	while ((en = strmap_next(&a->vendors, &pos))) {
		struct avg_vendor *v = en->value;

		v->gaps = v->has ? month_days & ~v->has : 0;
	}
	vendors = gap_vendors(a, &nv);
	for (size_t i = 0; i < nv; i++) {
		uint32_t gaps = vendor_of(a, vendors[i])->gaps;
		char date[11];

		for (int d = 1; d <= a->dim; d++) {
			if (!(gaps & (1u << (d - 1))))
				continue;
			date_format(date, days_from_civil(a->year, a->month, d));
			problem_add(p, mode == GAP_ERROR ? SEV_BLOCKING : SEV_WARNING,
				    "gap-day", NULL, 0,
				    "%s has no rows on %s (gap_days %s: %s)",
				    vendors[i], date, gap_mode_name(mode),
				    mode == GAP_CARRY ? (d == 1 ? "counted as 0 on the first day" :
							 "each series uses the day before's count") :
				    "counted as 0");
		}
	}
	free(vendors);

	pos = 0;
	while ((en = strmap_next(&a->series, &pos))) {
		struct avg_series *s = en->value;
		uint32_t gaps;

		if (s->kind != AVG_DAILY)
			continue;
		gaps = s->snapshot ? 0 : vendor_of(a, s->vendor)->gaps;
		s->licence_days = 0;
		s->days_with_usage = 0;
		for (int d = 1; d <= a->dim; d++) {
			int64_t *c = &s->day[d - 1];

			if (gaps & (1u << (d - 1)))
				*c = mode == GAP_CARRY && d > 1 ? s->day[d - 2] : 0;
			else if (!(s->has & (1u << (d - 1))))
				*c = 0;
			s->licence_days += *c;
			s->days_with_usage += *c > 0;
			if (d == 1 || *c > s->max_daily)
				s->max_daily = *c;
			if (d == 1 || *c < s->min_daily)
				s->min_daily = *c;
		}
		s->has_max = 1;
	}
}

/* --- output ---------------------------------------------------------------- */

static int cmp_series(const void *x, const void *y)
{
	const struct avg_series *a = *(struct avg_series *const *)x;
	const struct avg_series *b = *(struct avg_series *const *)y;
	int c;

	if ((c = strcmp(a->vendor, b->vendor)))
		return c;
	if ((c = strcmp(a->account_id, b->account_id)))
		return c;
	return strcmp(a->sku, b->sku);
}

struct avg_series **avg_sorted(const struct avg *a, size_t *n)
{
	struct avg_series **v = xcalloc(a->series.n + 1, sizeof(*v));
	struct strmap_entry *en;
	size_t pos = 0;

	*n = 0;
	while ((en = strmap_next(&a->series, &pos)))
		v[(*n)++] = en->value;
	if (*n > 1)	/* qsort(NULL, 0) is undefined */
		qsort(v, *n, sizeof(*v), cmp_series);
	return v;
}

void avg_write_averages(const struct avg *a, struct avg_series **v, size_t n,
			FILE *fp)
{
	fputs("vendor,account_id,account_name,sku,days_in_month,days_with_usage,"
	      "licence_days,min_daily,max_daily,daily_average\n", fp);
	for (size_t i = 0; i < n; i++) {
		const struct avg_series *s = v[i];
		char dim[8], dwu[8], ld[48], mn[48], mx[48], avg[48];
		int daily = s->kind == AVG_DAILY;
		const char *f[10];

		snprintf(dim, sizeof(dim), "%d", a->dim);
		snprintf(dwu, sizeof(dwu), "%d", s->days_with_usage);
		f[0] = s->vendor;
		f[1] = s->account_id;
		f[2] = s->account_name;
		f[3] = s->sku;
		f[4] = dim;
		f[5] = daily ? dwu : "";
		f[6] = qty_format(ld, s->licence_days);
		f[7] = daily ? qty_format(mn, s->min_daily) : "";
		f[8] = s->has_max ? qty_format(mx, s->max_daily) : "";
		f[9] = ratio_format(avg, s->licence_days, a->dim, 4, 4);
		csv_putrow(fp, f, 10);
	}
}

void avg_write_daily(const struct avg *a, struct avg_series **v, size_t n,
		     FILE *fp)
{
	char buf[48];

	fputs("vendor,account_id,account_name,sku", fp);
	for (int d = 1; d <= a->dim; d++)
		fprintf(fp, ",d%02d", d);
	csv_eol(fp);
	for (size_t i = 0; i < n; i++) {
		const struct avg_series *s = v[i];
		const char *f[4] = { s->vendor, s->account_id, s->account_name,
				     s->sku };

		for (int k = 0; k < 4; k++) {
			if (k)
				csv_sep(fp);
			csv_put(fp, f[k]);
		}
		for (int d = 1; d <= a->dim; d++) {
			csv_sep(fp);
			if (s->kind == AVG_DAILY)
				fputs(qty_format(buf, s->day[d - 1]), fp);
		}
		csv_eol(fp);
	}
}

void avg_write_json(const struct avg *a, size_t nseries, FILE *fp)
{
	json_t *root = json_object(), *gaps = json_object();
	const char **vendors;
	size_t nv;
	char *txt;

	json_object_set_new(root, "series", json_integer((json_int_t)nseries));
	json_object_set_new(root, "duplicates", json_integer(a->duplicates));
	json_object_set_new(root, "conflicts", json_integer(a->conflicts));
	vendors = gap_vendors(a, &nv);
	for (size_t i = 0; i < nv; i++) {
		uint32_t g = ((struct avg_vendor *)strmap_get(&a->vendors,
				vendors[i], strlen(vendors[i])))->gaps;
		json_t *days = json_array();
		char date[11];

		for (int d = 1; d <= a->dim; d++)
			if (g & (1u << (d - 1))) {
				date_format(date, days_from_civil(a->year, a->month, d));
				json_array_append_new(days, json_string(date));
			}
		json_object_set_new(gaps, vendors[i], days);	/* steals days */
	}
	free(vendors);
	json_object_set_new(root, "gap_days", gaps);	/* steals gaps */
	txt = json_dumps(root, JSON_PRESERVE_ORDER);
	fputs(txt, fp);
	fputc('\n', fp);
	free(txt);
	json_decref(root);
}
