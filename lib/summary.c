/*
 * export's gathering: problems.csv and summary.json (layouts in
 * summary.h).
 *
 * jansson ownership, as used here: json_load_file(), json_object(),
 * json_array(), json_string(), json_integer() return a new reference,
 * the caller's; json_object_set_new() and json_array_append_new() steal
 * the value's reference (also when they fail); json_object_set() and
 * json_array_append() take a reference of their own (the caller keeps
 * its); json_object_get() and json_array_get() borrow: the value lives as
 * long as its container, and is not decref'd by the caller.
 */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include "csvcols.h"
#include "csvread.h"
#include "date.h"
#include "decimal.h"
#include "fsutil.h"
#include "money.h"
#include "outfile.h"
#include "strbuf.h"
#include "summary.h"
#include "xalloc.h"
#include "csvwrite.h"
#include "banned.h"

/* --- extract/<S>.json ---------------------------------------------------- */

static int doc_order(const void *a, const void *b)
{
	const struct extract_doc *x = a, *y = b;
	int c = strcmp(x->source_file, y->source_file);

	return c ? c : strcmp(x->json_path, y->json_path);
}

int extract_docs_load(struct extract_docs *d, const char *monthdir,
		      struct error *e)
{
	struct fs_names names = FS_NAMES_INIT;
	char *dir = path_join(monthdir, "extract");
	int ret = 0;

	memset(d, 0, sizeof(*d));
	if (fs_list(dir, ".json", FS_MISSING_OK, &names, e))
		ret = -1;
	for (size_t i = 0; !ret && i < names.n; i++) {
		const char *name = names.v[i];
		struct extract_doc *x;
		struct strbuf path = STRBUF_INIT;
		json_error_t je;
		json_t *sf;

		XGROW(d->v, d->alloc, d->n + 1);
		x = &d->v[d->n++];
		memset(x, 0, sizeof(*x));
		x->json_path = path_join(dir, name);
		strbuf_addf(&path, "%s/%.*s.problems.csv", dir,
			    (int)(strlen(name) - 5), name);
		x->problems_path = strbuf_detach(&path);
		x->doc = json_load_file(x->json_path, JSON_REJECT_DUPLICATES, &je);
		if (!x->doc) {
			ret = error_set(e, ERR_IO, "%s:%d: %s", x->json_path, je.line,
					je.text);
			break;
		}
		sf = json_object_get(x->doc, "source_file");	/* borrowed */
		if (!json_is_string(sf)) {
			ret = error_set(e, ERR_IO, "%s: missing or malformed key (\"source_file\")",
					x->json_path);
			break;
		}
		x->source_file = json_string_value(sf);	/* lives with x->doc */
	}
	fs_names_release(&names);
	free(dir);
	if (ret) {
		extract_docs_release(d);
		return ret;
	}
	if (d->n > 1)	/* qsort(NULL, 0) is undefined */
		qsort(d->v, d->n, sizeof(*d->v), doc_order);
	return 0;
}

void extract_docs_release(struct extract_docs *d)
{
	for (size_t i = 0; i < d->n; i++) {
		free(d->v[i].json_path);
		free(d->v[i].problems_path);
		json_decref(d->v[i].doc);
	}
	free(d->v);
	memset(d, 0, sizeof(*d));
}

/* --- problems ------------------------------------------------------------- */

static const char *const problem_cols[] = {
	"severity", "stage", "code", "file", "line", "message",
};
#define NPCOL (sizeof(problem_cols) / sizeof(*problem_cols))

void problem_tally_init(struct problem_tally *t, FILE *out)
{
	memset(t, 0, sizeof(*t));
	t->out = out;
	csv_putrow(out, problem_cols, NPCOL);
}

static void count(struct problem_tally *t, enum severity sev, const char *code)
{
	int created;
	void **slot = strmap_slot(&t->by_code, code, strlen(code), &created);

	if (created)
		*slot = xcalloc(1, sizeof(size_t));
	(*(size_t *)*slot)++;
	if (sev == SEV_BLOCKING)
		t->blocking++;
	else
		t->warning++;
}

struct copy_ctx {
	struct problem_tally *t;
	const char *path;
	int seen_header;
	struct error *e;
};

static int copy_row(const struct csv_row *row, void *vc)
{
	struct copy_ctx *c = vc;
	enum severity sev;
	size_t i;

	if (row->n == 0)
		return 0;
	if (!c->seen_header) {
		c->seen_header = 1;
		for (i = 0; i < NPCOL; i++)
			if (row->n != NPCOL || strcmp(row->f[i], problem_cols[i]))
				return error_set(c->e, ERR_IO, "%s:%ld: not a problems file, expected the header %s,%s,%s,%s,%s,%s",
						 c->path, row->line, problem_cols[0],
						 problem_cols[1], problem_cols[2],
						 problem_cols[3], problem_cols[4],
						 problem_cols[5]);
		return 0;
	}
	if (row->n != NPCOL)
		return error_set(c->e, ERR_IO, "%s:%ld: expected %zu fields, found %zu",
				 c->path, row->line, NPCOL, row->n);
	if (!strcmp(row->f[0], "blocking"))
		sev = SEV_BLOCKING;
	else if (!strcmp(row->f[0], "warning"))
		sev = SEV_WARNING;
	else
		return error_set(c->e, ERR_IO, "%s:%ld: bad severity (\"%s\")", c->path,
				 row->line, row->f[0]);
	if (!*row->f[2])
		return error_set(c->e, ERR_IO, "%s:%ld: empty code (\"\")", c->path,
				 row->line);
	csv_putrow(c->t->out, (const char *const *)row->f, NPCOL);
	count(c->t, sev, row->f[2]);
	return 0;
}

int problem_tally_copy(struct problem_tally *t, const char *path,
		       struct error *e)
{
	struct copy_ctx c = { t, path, 0, e };

	if (csv_read(path, copy_row, &c, e))
		return -1;
	if (!c.seen_header)
		return error_set(e, ERR_IO, "%s: empty file, expected the header of a problems file",
				 path);
	return 0;
}

void problem_tally_add(struct problem_tally *t, enum severity sev,
		       const char *code, const char *file, long line,
		       const char *message)
{
	char num[24];
	const char *f[NPCOL];

	snprintf(num, sizeof(num), "%ld", line);
	f[0] = severity_name(sev);
	f[1] = "export";
	f[2] = code;
	f[3] = file ? file : "";
	f[4] = line > 0 ? num : "";
	f[5] = message;
	csv_putrow(t->out, f, NPCOL);
	count(t, sev, code);
}

void problem_tally_release(struct problem_tally *t)
{
	strmap_free_values(&t->by_code);
}

/* --- summary.json --------------------------------------------------------- */

static const char *const row_keys[] = {
	"read", "accepted", "rejected", "out_of_month", "preamble", "duplicates",
};
#define NROWK (sizeof(row_keys) / sizeof(*row_keys))

/* a non-negative integer member of o, or -1 */
static json_int_t get_count(json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);	/* borrowed */

	if (!json_is_integer(v) || json_integer_value(v) < 0)
		return -1;
	return json_integer_value(v);
}

static int bad_key(struct error *e, const char *path, const char *key)
{
	return error_set(e, ERR_IO, "%s: missing or malformed key (\"%s\")", path, key);
}

/* copy one extract/<S>.json into a files[] entry, adding its rows to sum */
static json_t *file_entry(const struct extract_doc *x, json_int_t *sum,
			  struct error *e)
{
	json_t *o, *rows, *v, *months;
	json_t *src = x->doc;
	json_int_t n;
	size_t i;

	v = json_object_get(src, "extract");	/* borrowed */
	if (!json_is_string(v)) {
		bad_key(e, x->json_path, "extract");
		return NULL;
	}
	v = json_object_get(src, "format");
	if (!json_is_string(v) && !json_is_null(v)) {
		bad_key(e, x->json_path, "format");
		return NULL;
	}
	months = json_object_get(src, "months");
	if (!json_is_array(months)) {
		bad_key(e, x->json_path, "months");
		return NULL;
	}
	for (i = 0; i < json_array_size(months); i++)
		if (!json_is_string(json_array_get(months, i))) {
			bad_key(e, x->json_path, "months");
			return NULL;
		}
	if (get_count(src, "series") < 0) {
		bad_key(e, x->json_path, "series");
		return NULL;
	}
	v = json_object_get(src, "rows");
	if (!json_is_object(v)) {
		bad_key(e, x->json_path, "rows");
		return NULL;
	}
	rows = json_object();
	for (i = 0; i < NROWK; i++) {
		if ((n = get_count(v, row_keys[i])) < 0) {
			char key[32];

			snprintf(key, sizeof(key), "rows.%s", row_keys[i]);
			json_decref(rows);
			bad_key(e, x->json_path, key);
			return NULL;
		}
		sum[i] += n;
		json_object_set_new(rows, row_keys[i], json_integer(n));
	}
	o = json_object();
	/* json_object_set: o takes its own reference; src keeps its */
	json_object_set(o, "source_file", json_object_get(src, "source_file"));
	json_object_set(o, "extract", json_object_get(src, "extract"));
	json_object_set(o, "format", json_object_get(src, "format"));
	json_object_set_new(o, "months", json_deep_copy(months));
	json_object_set(o, "series", json_object_get(src, "series"));
	json_object_set_new(o, "rows", rows);	/* steals rows */
	return o;
}

static int cur_order(const void *a, const void *b)
{
	const struct invoice_total *x = a, *y = b;

	return strcmp(x->cur->code, y->cur->code);
}

/* totals per currency, by currency code: {"USD": {"subtotal", "tax", "total"}} */
static json_t *totals(const struct invoice_digest *inv)
{
	struct invoice_total t[DIGEST_MAXCUR];
	size_t k, nt = inv->ncur;
	json_t *o = json_object();

	memcpy(t, inv->cur, nt * sizeof(*t));
	if (nt > 1)	/* qsort(NULL, 0) is undefined */
		qsort(t, nt, sizeof(*t), cur_order);
	for (k = 0; k < nt; k++) {
		json_t *c = json_object();
		char buf[48];

		json_object_set_new(c, "subtotal",
				    json_string(money_format(buf, t[k].subtotal, t[k].cur)));
		json_object_set_new(c, "tax",
				    json_string(money_format(buf, t[k].tax, t[k].cur)));
		json_object_set_new(c, "total",
				    json_string(money_format(buf, t[k].total, t[k].cur)));
		json_object_set_new(o, t[k].cur->code, c);	/* steals c */
	}
	return o;
}

static int str_order(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static json_t *problems_json(const struct problem_tally *t)
{
	json_t *o = json_object(), *codes = json_object();
	char **keys = xcalloc(t->by_code.n + 1, sizeof(char *));
	struct strmap_entry *en;
	size_t pos = 0, n = 0;

	while ((en = strmap_next(&t->by_code, &pos)))
		keys[n++] = en->key;
	if (n > 1)	/* qsort(NULL, 0) is undefined */
		qsort(keys, n, sizeof(*keys), str_order);
	for (size_t i = 0; i < n; i++) {
		size_t *c = strmap_get(&t->by_code, keys[i], strlen(keys[i]));

		json_object_set_new(codes, keys[i], json_integer((json_int_t)*c));
	}
	free(keys);
	json_object_set_new(o, "blocking", json_integer((json_int_t)t->blocking));
	json_object_set_new(o, "warning", json_integer((json_int_t)t->warning));
	json_object_set_new(o, "by_code", codes);	/* steals codes */
	return o;
}

json_t *summary_build(const struct period *p, const struct extract_docs *d,
		      json_t *da, const char *daily_path,
		      const struct invoice_digest *inv,
		      const char *invoices_path, const struct problem_tally *t,
		      struct error *e)
{
	json_int_t sum[NROWK] = { 0 };
	json_t *root = json_object(), *period = json_object();
	json_t *files = json_array(), *rows = json_object(), *tot;
	static const char *const da_keys[] = { "series", "duplicates", "conflicts" };
	json_int_t dav[3];
	size_t i, ninv = 0;
	char buf[11];

	for (i = 0; i < 3; i++)
		if ((dav[i] = get_count(da, da_keys[i])) < 0) {
			bad_key(e, daily_path, da_keys[i]);
			goto fail;
		}
	for (i = 0; i < d->n; i++) {
		json_t *f = file_entry(&d->v[i], sum, e);

		if (!f)
			goto fail;
		json_array_append_new(files, f);	/* steals f */
	}
	if (strcmp(inv->month, p->month)) {
		error_set(e, ERR_IO, "%s: not the invoices of %s (\"%s\")", invoices_path,
			  p->month, inv->month);
		goto fail;
	}
	ninv = inv->ninvoices;
	tot = totals(inv);
	for (i = 0; i < NROWK; i++)
		json_object_set_new(rows, row_keys[i], json_integer(sum[i]));
	json_object_set_new(period, "start", json_string(date_format(buf, p->start)));
	json_object_set_new(period, "end", json_string(date_format(buf, p->end)));

	json_object_set_new(root, "month", json_string(p->month));
	json_object_set_new(root, "period", period);	/* steals each value */
	json_object_set_new(root, "invoice_date",
			    json_string(date_format(buf, p->invoice_date)));
	/* "closed" with closed_at once make close froze the month (close.h) */
	if (inv->closed) {
		json_object_set_new(root, "status", json_string("closed"));
		json_object_set_new(root, "closed_at", json_string(inv->closed_at));
	} else {
		json_object_set_new(root, "status", json_string("draft"));
	}
	json_object_set_new(root, "files", files);
	json_object_set_new(root, "rows", rows);
	for (i = 0; i < 3; i++)
		json_object_set_new(root, da_keys[i], json_integer(dav[i]));
	json_object_set_new(root, "invoices", json_integer((json_int_t)ninv));
	json_object_set_new(root, "totals", tot);
	json_object_set_new(root, "problems", problems_json(t));
	return root;
fail:
	json_decref(root);
	json_decref(period);
	json_decref(files);
	json_decref(rows);
	return NULL;
}

/* a JSON file of the month; missing or malformed is an I/O error */
static json_t *load_json(const char *path, struct error *e)
{
	json_error_t je;
	json_t *j = json_load_file(path, JSON_REJECT_DUPLICATES, &je);

	if (!j)
		error_set(e, ERR_IO, "%s:%d: %s", path, je.line, je.text);
	return j;	/* a new reference, the caller's */
}

static void month_rules(struct month_summary *ms, const struct period *p);

/* stages' problem files after extract's, in pipeline order */
static const char *const stage_problems[] = {
	"daily-average.problems.csv", "map.problems.csv",
	"round.problems.csv", "invoice.problems.csv",
};

static int gather_problems(struct month_summary *ms, const struct period *p,
			   const char *monthdir, struct error *e)
{
	struct problem_tally *t = &ms->tally;
	size_t i;

	for (i = 0; i < ms->docs.n; i++)
		if (problem_tally_copy(t, ms->docs.v[i].problems_path, e))
			return -1;
	for (i = 0; i < sizeof(stage_problems) / sizeof(*stage_problems); i++) {
		char *path = path_join(monthdir, stage_problems[i]);
		int bad = problem_tally_copy(t, path, e);

		free(path);
		if (bad)
			return -1;
	}
	month_rules(ms, p);
	return 0;
}

/* 1 when x is a file of usage (a format tally reads, not PSA units) */
static int is_usage(const struct extract_doc *x)
{
	const char *f = json_string_value(json_object_get(x->doc, "format"));

	return f && strcmp(f, "psa-units") != 0;
}

/*
 * The rules of the month as a whole (README.md, "The inbox across
 * months"): no usage file at all is a blocking no-input; usage files
 * whose rows all fall in other months are a blocking no-usage-in-month
 * naming the months the inbox covers and the command to run.
 */
static void month_rules(struct month_summary *ms, const struct period *p)
{
	struct strbuf msg = STRBUF_INIT, covered = STRBUF_INIT;
	const char *last = NULL;
	size_t usage = 0, in_month = 0;
	struct strmap months = STRMAP_INIT;
	char **keys;
	size_t n = 0, pos = 0;
	struct strmap_entry *en;

	for (size_t i = 0; i < ms->docs.n; i++) {
		const struct extract_doc *x = &ms->docs.v[i];
		json_t *m, *rows = json_object_get(x->doc, "rows");
		size_t k;

		if (!is_usage(x))
			continue;
		usage++;
		if (get_count(rows, "accepted") > 0)
			in_month++;
		json_array_foreach(json_object_get(x->doc, "months"), k, m)
			*strmap_slot(&months, json_string_value(m),
				     strlen(json_string_value(m)), NULL) = &months;
	}
	if (!ms->docs.n)
		strbuf_addf(&msg, "no input files for %s: the inbox is empty, so nothing can be billed",
			    p->month);
	else if (!usage && ms->tally.blocking == 0)
		strbuf_addf(&msg, "no usage file for %s: the inbox holds only PSA contract units, so nothing can be billed",
			    p->month);
	if (msg.len)
		problem_tally_add(&ms->tally, SEV_BLOCKING, "no-input", "", 0,
				  msg.buf);
	if (!usage || in_month || !months.n)
		goto out;
	keys = xcalloc(months.n, sizeof(*keys));
	while ((en = strmap_next(&months, &pos)))
		keys[n++] = en->key;
	qsort(keys, n, sizeof(*keys), str_order);
	for (size_t i = 0; i < n; i++)
		strbuf_addf(&covered, "%s%s", i ? ", " : "", keys[i]);
	last = keys[n - 1];
	strbuf_addf(&msg, "no usage in %s: the inbox covers %s: run make invoice MONTH=%s",
		    p->month, covered.buf, last);
	problem_tally_add(&ms->tally, SEV_BLOCKING, "no-usage-in-month", "", 0,
			  msg.buf);
	free(keys);
out:
	strmap_release(&months);
	strbuf_release(&msg);
	strbuf_release(&covered);
}

/*
 * The inbox entries not read (inbox.h: .tally/skipped.list, "<name>\t<why>"
 * lines), as summary.json's "skipped": [{"name", "why"}], set only when
 * there are some. A missing list is none.
 */
static int gather_skipped(json_t *root, const char *monthdir, struct error *e)
{
	char *path = path_join(monthdir, ".tally/skipped.list");
	struct strbuf sb = STRBUF_INIT;
	json_t *list = json_array();
	int ret = -1;

	if (strbuf_read_file(&sb, path, 1, e) < 0)
		goto out;
	for (char *p = sb.buf; *p; ) {
		char *end = strchr(p, '\n'), *tab;
		json_t *o;

		if (!end || !(tab = memchr(p, '\t', (size_t)(end - p)))) {
			error_set(e, ERR_IO, "%s: not a list of tally's", path);
			goto out;
		}
		o = json_object();
		json_object_set_new(o, "name", json_stringn(p, (size_t)(tab - p)));
		json_object_set_new(o, "why", json_stringn(tab + 1, (size_t)(end - tab - 1)));
		json_array_append_new(list, o);
		p = end + 1;
	}
	if (json_array_size(list))
		json_object_set(root, "skipped", list);
	ret = 0;
out:
	json_decref(list);
	strbuf_release(&sb);
	free(path);
	return ret;
}

/* the PSA side: its psa-unplaced and no-psa-units warnings */
static void gather_psa(struct month_summary *ms)
{
	for (size_t i = 0; i < ms->plan.nwarn; i++)
		problem_tally_add(&ms->tally, SEV_WARNING, ms->plan.warn[i].code,
				  ms->plan.warn[i].file, ms->plan.warn[i].line,
				  ms->plan.warn[i].message);
}

/*
 * invoices.json added up (invoice_digest_load) on a thread of its own
 * while the problems are gathered and the PSA plan made: on a big month
 * each takes a part of a second, and a machine has two cores.
 */
struct digest_job {
	struct invoice_digest *d;
	const char *path;
	struct error e;
	int ret;
	pthread_t thread;
	int running;
};

static void *digest_run(void *arg)
{
	struct digest_job *j = arg;

	j->ret = invoice_digest_load(j->d, j->path, &j->e);
	return NULL;
}

static void digest_start(struct digest_job *j)
{
	memset(&j->e, 0, sizeof(j->e));
	j->running = pthread_create(&j->thread, NULL, digest_run, j) == 0;
	if (!j->running)	/* no thread: here and now */
		digest_run(j);
}

/*
 * The digest's end: its error, when it has one, is the gather's (it
 * comes first, as when invoices.json was read before the rest); -1 then
 */
static int digest_join(struct digest_job *j, struct error *e)
{
	if (j->running)
		pthread_join(j->thread, NULL);
	j->running = 0;
	if (!j->ret)
		return 0;
	*e = j->e;
	return -1;
}

int summary_gather(struct month_summary *ms, const struct period *p,
		   const struct settings *s, const char *monthdir,
		   const char *config, int by_stake, struct error *e)
{
	char *daily_path = path_join(monthdir, "daily-average.json");
	char *invoices_path = path_join(monthdir, "invoices.json");
	char *problems_path = path_join(monthdir, "problems.csv");
	struct digest_job dj = { .d = &ms->invoices, .path = invoices_path };
	struct outfile out;
	json_t *daily = NULL;
	int ret = -1, open = 0;

	memset(ms, 0, sizeof(*ms));
	/* every input of the month must be there (naming it when not);
	 * jansson's hash seed is set by then, before a second thread */
	if (extract_docs_load(&ms->docs, monthdir, e) ||
	    !(daily = load_json(daily_path, e)))
		goto out;
	digest_start(&dj);
	if (outfile_open(&out, problems_path, e))
		goto out;
	open = 1;
	problem_tally_init(&ms->tally, out.fp);
	if (gather_problems(ms, p, monthdir, e))
		goto out;
	/* a full disk is said of problems.csv, the first file written,
	 * not of the plan's temporary files */
	if (fflush(out.fp) != 0 || ferror(out.fp)) {
		open = 0;
		outfile_commit(&out, e);
		goto out;
	}
	if (psa_plan_stream(&ms->plan, monthdir, config, s, p->y, p->m,
			    ms->tally.blocking != 0, by_stake, e))
		goto out;
	if (digest_join(&dj, e))
		goto out;
	gather_psa(ms);
	ms->root = summary_build(p, &ms->docs, daily, daily_path,
				 &ms->invoices, invoices_path, &ms->tally, e);
	if (!ms->root || gather_skipped(ms->root, monthdir, e))
		goto out;
	json_object_set_new(ms->root, "psa", psa_plan_summary(&ms->plan));
	open = 0;
	if (outfile_commit(&out, e))
		goto out;
	ret = 0;
out:
	if (digest_join(&dj, e))	/* an error of invoices.json comes first */
		ret = -1;
	if (open)
		outfile_abort(&out);
	json_decref(daily);
	free(daily_path);
	free(invoices_path);
	free(problems_path);
	return ret;
}

void summary_release(struct month_summary *ms)
{
	json_decref(ms->root);	/* frees the whole tree */
	psa_plan_release(&ms->plan);
	problem_tally_release(&ms->tally);
	extract_docs_release(&ms->docs);
	memset(ms, 0, sizeof(*ms));
}

struct blocking_list {
	size_t max, n;
	struct strbuf *out;
};

static int on_blocking(const struct csvcols_row *r, void *vb)
{
	struct blocking_list *b = vb;
	const char *const *f = r->f;	/* severity, file, line, message */

	if (strcmp(f[0], "blocking") || b->n++ >= b->max)
		return 0;
	strbuf_addstr(b->out, "tally: ");
	if (*f[1])
		strbuf_addf(b->out, "%s%s%s: ", f[1], *f[2] ? ":" : "", f[2]);
	strbuf_addf(b->out, "%s\n", f[3]);
	return 0;
}

long summary_blocking_list(const char *problems_path, size_t max,
			   struct strbuf *out, struct error *e)
{
	static const char *const cols[] = {
		"severity", "file", "line", "message",
	};
	struct blocking_list b = { max, 0, out };

	if (csvcols_read(problems_path, cols, 4, 0, on_blocking, &b, e))
		return -1;
	if (b.n > max)
		strbuf_addf(out, "tally: and %zu more\n", b.n - max);
	return (long)b.n;
}

json_t *summary_load(const char *monthdir, const char *month,
		     struct error *e)
{
	char *path = path_join(monthdir, "summary.json");
	json_t *root = load_json(path, e);
	json_t *m = json_object_get(root, "month");	/* borrowed */

	if (root && (!json_is_string(m) || strcmp(json_string_value(m), month))) {
		error_set(e, ERR_IO, "%s: not the summary of %s (\"%s\")", path,
			  month, json_is_string(m) ? json_string_value(m) : "");
		json_decref(root);
		root = NULL;
	}
	free(path);
	return root;
}

int summary_is_closed(json_t *root)
{
	const char *st = json_string_value(json_object_get(root, "status"));

	return st && !strcmp(st, "closed");
}

int summary_write(json_t *root, FILE *fp)
{
	if (json_dumpf(root, fp, JSON_INDENT(2) | JSON_PRESERVE_ORDER))
		return -1;
	return putc('\n', fp) == EOF ? -1 : 0;
}

/* --- --status ------------------------------------------------------------- */

static void count_words(struct strbuf *sb, json_int_t n, const char *one,
			const char *many)
{
	strbuf_addf(sb, "%lld %s", (long long)n, n == 1 ? one : many);
}

/*
 * The usage files of other months only, which a run leaves alone: "tally:
 * 2 files hold other months only, left alone: a.csv (2026-09), b.csv
 * (2026-11)", the first three named.
 */
static void other_months(struct strbuf *out, json_t *files)
{
	struct strbuf names = STRBUF_INIT;
	size_t i, n = 0;
	json_t *f;

	json_array_foreach(files, i, f) {
		const char *fmt = json_string_value(json_object_get(f, "format"));
		json_t *months = json_object_get(f, "months"), *m;
		size_t k;

		if (!fmt || !strcmp(fmt, "psa-units") || !json_array_size(months) ||
		    get_count(json_object_get(f, "rows"), "accepted") != 0)
			continue;
		if (n++ >= 3)
			continue;
		strbuf_addf(&names, "%s%s (", n > 1 ? ", " : "",
			    json_string_value(json_object_get(f, "source_file")));
		json_array_foreach(months, k, m)
			strbuf_addf(&names, "%s%s", k ? ", " : "", json_string_value(m));
		strbuf_addch(&names, ')');
	}
	if (n) {
		strbuf_addstr(out, "tally: ");
		count_words(out, (json_int_t)n, "file holds", "files hold");
		strbuf_addf(out, " other months only, left alone: %s%s\n", names.buf,
			    n > 3 ? ", ..." : "");
	}
	strbuf_release(&names);
}

/*
 * The inbox entries not read, one line each, the first five: "tally: not
 * read: sub: a folder: tally reads no subfolder, ...", then "tally: and N
 * more not read, see summary.json".
 */
static void skipped(struct strbuf *out, json_t *list)
{
	size_t i, n = json_array_size(list);
	json_t *o;

	json_array_foreach(list, i, o) {
		if (i == 5) {
			strbuf_addf(out, "tally: and %zu more not read, see summary.json\n",
				    n - i);
			break;
		}
		strbuf_addf(out, "tally: not read: %s: %s\n",
			    json_string_value(json_object_get(o, "name")),
			    json_string_value(json_object_get(o, "why")));
	}
}

long summary_status(json_t *root, const char *problems_path,
		    struct strbuf *out, struct strbuf *blocking_line,
		    struct error *e)
{
	json_t *month = json_object_get(root, "month");	/* borrowed */
	json_t *files = json_object_get(root, "files");
	json_t *rows = json_object_get(root, "rows");
	json_t *tot = json_object_get(root, "totals");
	json_t *probs = json_object_get(root, "problems");
	json_int_t series = get_count(root, "series");
	json_int_t ninv = get_count(root, "invoices");
	json_int_t nblock = get_count(probs, "blocking");
	json_int_t nwarn = get_count(probs, "warning");
	static const char *const paren_keys[] = {
		"rejected", "out_of_month", "preamble", "duplicates" };
	static const char *const paren_one[] = {
		"rejected", "out of month", "preamble", "duplicate" };
	static const char *const paren_many[] = {
		"rejected", "out of month", "preamble", "duplicates" };
	json_int_t nrows;
	const char *key, *sep;
	json_t *v;
	size_t i;
	int paren = 0;

	if (!json_is_string(month) || !json_is_array(files) ||
	    !json_is_object(rows) || !json_is_object(tot) || series < 0 ||
	    ninv < 0 || nblock < 0 || nwarn < 0 ||
	    (nrows = get_count(rows, "read")) < 0)
		return error_set(e, ERR_IO, "not a summary.json of tally");
	strbuf_reset(out);
	strbuf_reset(blocking_line);
	strbuf_addf(out, "tally: %s: ", json_string_value(month));
	count_words(out, (json_int_t)json_array_size(files), "file", "files");
	strbuf_addstr(out, ", ");
	count_words(out, nrows, "row", "rows");
	for (i = 0; i < sizeof(paren_keys) / sizeof(*paren_keys); i++) {
		json_int_t n = get_count(rows, paren_keys[i]);

		if (n <= 0)
			continue;
		strbuf_addstr(out, paren++ ? ", " : " (");
		count_words(out, n, paren_one[i], paren_many[i]);
	}
	if (paren)
		strbuf_addch(out, ')');
	strbuf_addstr(out, ", ");
	count_words(out, series, "series", "series");
	strbuf_addstr(out, ", ");
	count_words(out, ninv, "invoice", "invoices");
	strbuf_addstr(out, "\ntally: totals: ");
	sep = "";
	json_object_foreach(tot, key, v) {
		json_t *total = json_object_get(v, "total");	/* borrowed */

		if (!json_is_string(total))
			return error_set(e, ERR_IO, "not a summary.json of tally: totals.%s", key);
		strbuf_addf(out, "%s%s %s", sep, key, json_string_value(total));
		sep = ", ";
	}
	if (!*sep)
		strbuf_addstr(out, "none");
	strbuf_addch(out, '\n');
	/* rows found again in another file (the same export twice) */
	if (get_count(root, "duplicates") > 0) {
		strbuf_addstr(out, "tally: duplicates: ");
		count_words(out, get_count(root, "duplicates"), "row", "rows");
		strbuf_addstr(out, " also in another file, counted once\n");
	}
	other_months(out, files);
	skipped(out, json_object_get(root, "skipped"));
	if (nwarn > 0) {
		strbuf_addstr(out, "tally: ");
		count_words(out, nwarn, "warning", "warnings");
		strbuf_addf(out, ", see %s\n", problems_path);
	} else if (nblock == 0) {
		strbuf_addstr(out, "tally: no problems\n");
	}
	if (nblock > 0) {
		strbuf_addstr(blocking_line, "tally: ");
		count_words(blocking_line, nblock, "blocking problem",
			    "blocking problems");
		strbuf_addf(blocking_line, " in %s, see %s\n",
			    json_string_value(month), problems_path);
	}
	return (long)nblock;
}
