#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "average.h"
#include "avsnap.h"
#include "csvpull.h"
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

void avg_series_free(struct avg_series *s)
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
		avg_series_free(en->value);
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

static void conflict(struct avg *a, struct problems *p, uint32_t file,
		     const char *vendor, const char *account_id,
		     const char *sku, const char *when,
		     const struct dup_place *got, const struct dup_place *used)
{
	struct strbuf msg = STRBUF_INIT;

	a->conflicts++;
	a->series_conflicts++;
	/* read file by file, the conflicts came in file order */
	if (file < a->conflict_file)
		a->conflict_order = 1;
	a->conflict_file = file;
	dup_conflict_message(&msg, vendor, account_id, sku, when, got, used);
	problem_add(p, SEV_BLOCKING, "conflict", got->file, got->line, "%s",
		    msg.buf);
	strbuf_release(&msg);
}

static const char *kind_name(enum avg_kind k)
{
	return k == AVG_DAILY ? "daily" : "monthly";
}

struct avg_series *avg_series_join(struct avg *a, struct avg_series **cur,
				   const char *vendor, const char *account_id,
				   const char *account_name, const char *sku,
				   enum avg_kind kind, uint32_t file,
				   uint32_t line, struct problems *p)
{
	struct avg_series *s;

	if (!*cur) {
		s = xcalloc(1, sizeof(*s));
		s->vendor = xstrdup(vendor);
		s->account_id = xstrdup(account_id);
		s->account_name = xstrdup(account_name);
		s->sku = xstrdup(sku);
		s->kind = kind;
		s->first_file = file;
		s->first_line = line;
		*cur = s;
		return s;
	}
	s = *cur;
	if (s->kind != kind) {
		struct dup_place got = { a->files[file], (long)line,
					 kind_name(kind) };
		struct dup_place used = { a->files[s->first_file],
					  (long)s->first_line,
					  kind_name(s->kind) };

		conflict(a, p, file, vendor, account_id, sku, NULL, &got, &used);
		return NULL;
	}
	return s;
}

struct avg_series *avg_series_get(struct avg *a, const char *vendor,
				  const char *account_id,
				  const char *account_name, const char *sku,
				  enum avg_kind kind, uint32_t file,
				  uint32_t line, struct problems *p)
{
	key_of(&a->key, vendor, account_id, sku);
	return avg_series_join(a, (struct avg_series **)strmap_slot(&a->series,
				a->key.buf, a->key.len, NULL),
			       vendor, account_id, account_name, sku, kind,
			       file, line, p);
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
	conflict(a, p, file, s->vendor, s->account_id, s->sku, when, &got,
		 &used);
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
	conflict(a, p, file, s->vendor, s->account_id, s->sku,
		 "for the month", &got, &used);
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
	struct avg_series **cur;	/* streaming: the key's series so far */
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
	if (r->cur)
		s = avg_series_join(a, r->cur, field(row, r->col[C_VENDOR]),
				    field(row, r->col[C_ACCOUNT]),
				    field(row, r->col[C_NAME]),
				    field(row, r->col[C_SKU]), k, r->file,
				    (uint32_t)line, r->p);
	else
		s = avg_series_get(a, field(row, r->col[C_VENDOR]),
				   field(row, r->col[C_ACCOUNT]),
				   field(row, r->col[C_NAME]),
				   field(row, r->col[C_SKU]), k, r->file,
				   (uint32_t)line, r->p);
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
 * "account_id", "date"}): 1 (after avsnap_begin when begin is set), or 0
 * for any other file.
 */
static int snapshot_of(struct avg *a, const char *path, uint32_t file,
		       int begin)
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
		if (begin)
			avsnap_begin(a, v, acc, day, file);
		ret = 1;
	}
	json_decref(root);
	strbuf_release(&js);
	return ret;
}

static int read_extract(struct avg *a, const char *path, uint32_t file,
			struct problems *p, struct error *e)
{
	struct reader r;
	int ret;

	memset(&r, 0, sizeof(r));
	r.a = a;
	r.p = p;
	r.path = path;
	r.e = e;
	r.file = file;
	r.snapshot = snapshot_of(a, path, r.file, 1);
	ret = csv_read(path, read_row, &r, e);
	if (ret == 1 && r.skip)
		return 1;
	return ret ? -1 : 0;
}

int avg_read_extract(struct avg *a, const char *path, const char *source_file,
		     struct problems *p, struct error *e)
{
	return read_extract(a, path, avg_add_file(a, source_file), p, e);
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

/* each vendor's gap days from the days it has rows on */
static void find_gaps(struct avg *a)
{
	uint32_t month_days = (uint32_t)((1ull << a->dim) - 1);
	struct strmap_entry *en;
	size_t pos = 0;

	while ((en = strmap_next(&a->vendors, &pos))) {
		struct avg_vendor *v = en->value;

		v->gaps = v->has ? month_days & ~v->has : 0;
	}
}

void avg_gap_problems(struct avg *a, enum gap_mode mode, struct problems *p)
{
	const char **vendors;
	size_t nv;

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
}

/* a daily series' days that count 0 or are gap days, and its totals */
void avg_settle_series(struct avg *a, struct avg_series *s,
		       enum gap_mode mode)
{
	uint32_t gaps;

	if (s->kind != AVG_DAILY)
		return;
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

/* a series' days into its vendor's, for the gap days */
static void vendor_days(struct avg *a, const struct avg_series *s)
{
	if (s->kind == AVG_DAILY && !s->snapshot)
		vendor_of(a, s->vendor)->has |= s->has;
}

void avg_settle(struct avg *a, enum gap_mode mode, struct problems *p)
{
	struct strmap_entry *en;
	size_t pos = 0;

	avsnap_settle(a, mode, p);
	while ((en = strmap_next(&a->series, &pos)))
		vendor_days(a, en->value);
	find_gaps(a);
	avg_gap_problems(a, mode, p);
	pos = 0;
	while ((en = strmap_next(&a->series, &pos)))
		avg_settle_series(a, en->value, mode);
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

void avg_averages_head(FILE *fp)
{
	fputs("vendor,account_id,account_name,sku,days_in_month,days_with_usage,"
	      "licence_days,min_daily,max_daily,daily_average\n", fp);
}

void avg_write_averages(const struct avg *a, struct avg_series **v, size_t n,
			FILE *fp)
{
	avg_averages_head(fp);
	for (size_t i = 0; i < n; i++)
		avg_average_row(a, v[i], fp);
}

void avg_average_row(const struct avg *a, const struct avg_series *s, FILE *fp)
{
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

void avg_daily_head(const struct avg *a, FILE *fp)
{
	fputs("vendor,account_id,account_name,sku", fp);
	for (int d = 1; d <= a->dim; d++)
		fprintf(fp, ",d%02d", d);
	csv_eol(fp);
}

void avg_write_daily(const struct avg *a, struct avg_series **v, size_t n,
		     FILE *fp)
{
	avg_daily_head(a, fp);
	for (size_t i = 0; i < n; i++)
		avg_daily_row(a, v[i], fp);
}

void avg_daily_row(const struct avg *a, const struct avg_series *s, FILE *fp)
{
	const char *f[4] = { s->vendor, s->account_id, s->account_name,
			     s->sku };
	char buf[48];

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

/* --- the stream: sorted extract files merged key by key ----------------- */

/*
 * one extract file read a record at a time (csvpull.h): a record not as
 * extract writes it (a stray quote, blanks around a field) stops the
 * stream, and the in-memory path reads the file, so the two never split
 * a line apart
 */
struct xin {
	struct csv_pull in;
	struct reader r;
	struct strbuf key;	/* its vendor \0 account_id \0 sku */
	struct strbuf prev;	/* the key before it, for the order check */
	int have;		/* a row is at hand */
};

/* byte order, a shorter key first: exseries.c's by_key */
static int key_cmp(const struct strbuf *a, const struct strbuf *b)
{
	size_t m = a->len < b->len ? a->len : b->len;
	int c = memcmp(a->buf, b->buf, m);

	return c ? c : (a->len > b->len) - (a->len < b->len);
}

/* the series key of the row at hand, checked to come after the last */
static int xin_key(struct xin *x)
{
	const struct reader *r = &x->r;
	const char *f[3] = { field(&x->in.row, r->col[C_VENDOR]),
			     field(&x->in.row, r->col[C_ACCOUNT]),
			     field(&x->in.row, r->col[C_SKU]) };
	struct strbuf t = x->prev;


	x->prev = x->key;
	x->key = t;
	key_of(&x->key, f[0], f[1], f[2]);
	if (x->prev.len && key_cmp(&x->key, &x->prev) < 0)
		return -1;	/* not sorted: never cut by extract */
	return 0;
}

/*
 * The next data row of x: 0 with x->have set, 0 with it clear at the end,
 * -1 when the file is not as extract writes it (or is not an extract
 * file, or is a PSA units file: the header's read_row decides).
 */
static int xin_next(struct xin *x)
{
	int ret;

	x->have = 0;
	for (;;) {
		if ((ret = csv_pull_next(&x->in)) <= 0)
			return ret;
		if (!x->in.row.n)
			continue;
		if (!x->r.header_seen) {
			ret = read_row(&x->in.row, &x->r);
			if (ret == 1)
				return 0;	/* a PSA units file: nothing */
			if (ret)
				return -1;
			continue;
		}
		if (strcmp(field(&x->in.row, x->r.col[C_KIND]), "daily") &&
		    strcmp(field(&x->in.row, x->r.col[C_KIND]), "monthly"))
			return -1;
		if (xin_key(x))
			return -1;
		x->have = 1;
		return 0;
	}
}

static void xin_close(struct xin *x)
{
	csv_pull_close(&x->in);
	strbuf_release(&x->key);
	strbuf_release(&x->prev);
}

/* the smallest key at hand, or NULL when every file is read */
static const struct strbuf *least_key(struct xin *in, size_t n)
{
	const struct strbuf *k = NULL;

	for (size_t i = 0; i < n; i++)
		if (in[i].have && (!k || key_cmp(&in[i].key, k) < 0))
			k = &in[i].key;
	return k;
}

static int same_key(const struct strbuf *a, const struct strbuf *b)
{
	return a->len == b->len && !memcmp(a->buf, b->buf, a->len);
}

static struct avg_series *series_copy(const struct avg_series *s)
{
	struct avg_series *c = xmalloc(sizeof(*c));

	*c = *s;
	c->vendor = xstrdup(s->vendor);
	c->account_id = xstrdup(s->account_id);
	c->account_name = xstrdup(s->account_name);
	c->sku = xstrdup(s->sku);
	return c;
}

/*
 * A directory snapshot's series (settled alone, avsnap.h) into the key's
 * series from the files, day by day as avsnap_settle adds them. 1 when
 * that is a conflict: its problem would come before avsnap_settle's.
 */
static int snapshot_days(struct avg *a, struct avg_series **cur,
			 const struct avg_series *sn, struct problems *p)
{
	long before = a->series_conflicts;

	if (!*cur) {
		*cur = series_copy(sn);
		return 0;
	}
	for (int d = 1; d <= a->dim; d++) {
		struct avg_series *s;

		if (!(sn->has & (1u << (d - 1))))
			continue;
		s = avg_series_join(a, cur, sn->vendor, sn->account_id,
				    sn->account_name, sn->sku, AVG_DAILY,
				    sn->file[d - 1], sn->line[d - 1], p);
		if (!s)
			continue;
		s->snapshot = 1;
		avg_add_day(a, s, d, sn->day[d - 1], sn->file[d - 1],
			    sn->line[d - 1], p);
	}
	return a->series_conflicts != before;
}

/*
 * One run over the files: pass 1 finds the vendors' days (and whether the
 * stream gives today's bytes at all), pass 2 writes. Returns 0, or 1 when
 * the in-memory path must read these files.
 */
static int stream_run(struct avg *a, struct avg_stream *st, int pass,
		      struct problems *p, struct error *e)
{
	struct xin *in = xcalloc(st->n ? st->n : 1, sizeof(*in));
	struct strbuf cur_key = STRBUF_INIT, snap_key = STRBUF_INIT;
	const struct strbuf *k;
	size_t j = 0;
	int ret = 0;

	for (size_t i = 0; i < st->n && !ret; i++) {
		struct xin *x = &in[i];

		x->r.a = a;
		x->r.p = p;
		x->r.path = st->paths[i];
		x->r.e = e;
		x->r.file = st->file[i];
		if (csv_pull_open(&x->in, st->paths[i]) || xin_next(x))
			ret = 1;
	}
	for (; !ret; strbuf_reset(&snap_key)) {
		const struct avg_series *sn = j < st->nsnap ? st->snap[j] : NULL;
		struct avg_series *cur = NULL;

		k = least_key(in, st->n);
		if (sn) {
			key_of(&snap_key, sn->vendor, sn->account_id, sn->sku);
			if (!k || key_cmp(&snap_key, k) < 0)
				k = &snap_key;
		}
		if (!k)
			break;
		strbuf_reset(&cur_key);
		strbuf_add(&cur_key, k->buf, k->len);
		for (size_t i = 0; i < st->n && !ret; i++) {
			struct xin *x = &in[i];

			while (!ret && x->have && same_key(&x->key, &cur_key)) {
				x->r.cur = &cur;
				if (read_row(&x->in.row, &x->r) || xin_next(x))
					ret = 1;
			}
		}
		if (!ret && sn && same_key(&snap_key, &cur_key)) {
			j++;
			if (snapshot_days(a, &cur, sn, p) && pass == 1)
				ret = 1;
		}
		if (!cur)
			continue;	/* a kind-conflicted row only: none */
		if (pass == 1) {
			vendor_days(a, cur);
		} else {
			avg_settle_series(a, cur, st->mode);
			avg_daily_row(a, cur, st->daily);
			avg_average_row(a, cur, st->averages);
			st->nseries++;
		}
		avg_series_free(cur);
	}
	for (size_t i = 0; i < st->n; i++)
		xin_close(&in[i]);
	free(in);
	strbuf_release(&cur_key);
	strbuf_release(&snap_key);
	return ret;
}

/* a's inputs as after avg_init, for the in-memory path */
static int no_stream(struct avg *a, struct avg_stream *st)
{
	int y = a->year, m = a->month;

	avg_release(a);
	avg_init(a, y, m);
	avg_stream_release(st);
	return 1;
}

/*
 * The directory snapshots among the inputs, read and settled alone into
 * a->series (avsnap.h) and sorted for the stream: 0, or 1 when they hold
 * rows of another kind or conflict with themselves (the in-memory path
 * then says so in its order).
 */
static int snapshots(struct avg *a, struct avg_stream *st,
		     const char *const *paths, const int *is_snap, size_t n)
{
	struct problems q;
	struct error e;

	problems_open(&q, NULL, "daily-average", &e);	/* counted only */
	for (size_t i = 0; i < n; i++)
		if (is_snap[i] && read_extract(a, paths[i], (uint32_t)i, &q, &e))
			return 1;
	if (a->series.n)
		return 1;
	avsnap_settle(a, st->mode, &q);
	if (a->series_conflicts)
		return 1;
	st->snap = avg_sorted(a, &st->nsnap);
	return 0;
}

int avg_stream_plan(struct avg *a, struct avg_stream *st,
		    const char *const *paths,
		    char *const *names, size_t n, enum gap_mode mode)
{
	int *is_snap = xcalloc(n ? n : 1, sizeof(*is_snap));
	struct problems q;
	struct error e;
	int nsnap = 0;

	memset(st, 0, sizeof(*st));
	st->mode = mode;
	st->paths = xcalloc(n ? n : 1, sizeof(*st->paths));
	st->file = xcalloc(n ? n : 1, sizeof(*st->file));
	for (size_t i = 0; i < n; i++) {
		uint32_t f = avg_add_file(a, names[i]);

		if ((is_snap[i] = snapshot_of(a, paths[i], f, 0))) {
			nsnap++;
			continue;
		}
		st->paths[st->n] = paths[i];
		st->file[st->n++] = f;
	}
	if (st->n > AVG_STREAM_FILES ||
	    (nsnap && snapshots(a, st, paths, is_snap, n))) {
		free(is_snap);
		return no_stream(a, st);
	}
	free(is_snap);
	problems_open(&q, NULL, "daily-average", &e);	/* counted only */
	if (stream_run(a, st, 1, &q, &e) || a->conflict_order)
		return no_stream(a, st);
	find_gaps(a);
	a->duplicates = a->conflicts = 0;
	a->conflict_file = 0;
	return 0;
}

/* avsnap_settle's problems once more, in their place after the files' */
static void snapshot_problems(struct avg *a, enum gap_mode mode,
			      struct problems *p)
{
	size_t pos = 0;
	struct strmap_entry *en;

	if (!a->snap)
		return;
	while ((en = strmap_next(&a->series, &pos)))
		avg_series_free(en->value);
	strmap_release(&a->series);
	memset(&a->series, 0, sizeof(a->series));
	avsnap_settle(a, mode, p);
}

int avg_stream_write(struct avg *a, struct avg_stream *st, struct problems *p,
		     struct error *e)
{
	if (stream_run(a, st, 2, p, e))
		return error_set(e, ERR_IO, "an extract file changed while daily-average read it; run make invoice again");
	snapshot_problems(a, st->mode, p);
	avg_gap_problems(a, st->mode, p);
	return 0;
}

void avg_stream_release(struct avg_stream *st)
{
	free(st->snap);
	free(st->paths);
	free(st->file);
	memset(st, 0, sizeof(*st));
}
