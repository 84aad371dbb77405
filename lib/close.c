/*
 * Closing a month: the protocol, its recovery and the restatement of a
 * closed month are described in close.h. Every rename that matters is
 * followed by an fsync of its folder, so "renamed" means "on disk".
 */
#include <dirent.h>
#include <errno.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "close.h"
#include "date.h"
#include "invoice.h"
#include "outfile.h"
#include "sha256.h"
#include "xalloc.h"
#include "strbuf.h"
#include "banned.h"

static const char hint[] = "restore STATE from a backup; tally never renumbers";

static char *month_dir(const struct state *s, const char *month, int tmp)
{
	struct strbuf sb = STRBUF_INIT;

	if (tmp)
		strbuf_addf(&sb, "%s/" STATE_CLOSED "/.%s.tmp", s->dir, month);
	else
		strbuf_addf(&sb, "%s/" STATE_CLOSED "/%s", s->dir, month);
	return strbuf_detach(&sb);
}

static void note(struct strbuf *notes, const char *fmt, const char *a,
		 const char *b)
{
	if (!notes)
		return;
	if (notes->len)
		strbuf_addch(notes, '\n');
	strbuf_addf(notes, fmt, a, b);
}

static int is_dir(const char *path)
{
	struct stat st;

	return lstat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

static int exists(const char *path)
{
	struct stat st;

	return lstat(path, &st) == 0;
}

/* "YYYY-MM" */
static int is_month_name(const char *s)
{
	int y, m;

	return strlen(s) == 7 && month_parse(s, &y, &m) == 0;
}

/* remove path and, for a folder, everything in it (links are not followed) */
static int remove_tree(const char *path, struct error *e)
{
	DIR *d;
	struct dirent *de;

	if (!is_dir(path)) {
		if (unlink(path) != 0 && errno != ENOENT)
			return error_set(e, "%s: cannot remove: %s", path,
					 strerror(errno));
		return 0;
	}
	d = opendir(path);
	if (!d)
		return error_set(e, "%s: cannot read folder: %s", path,
				 strerror(errno));
	while ((de = readdir(d))) {
		char *p;
		int r;

		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		p = path_join(path, de->d_name);
		r = remove_tree(p, e);
		free(p);
		if (r) {
			closedir(d);
			return -1;
		}
	}
	closedir(d);
	if (rmdir(path) != 0)
		return error_set(e, "%s: cannot remove: %s", path,
				 strerror(errno));
	return 0;
}

static int write_file(const char *path, const char *data, size_t len,
		      struct error *e)
{
	struct outfile o;

	if (outfile_open(&o, path, e))
		return -1;
	fwrite(data, 1, len, o.fp);
	return outfile_commit(&o, e);
}

static void frozen_hash(const struct strbuf *json, const struct strbuf *csv,
			char hex[65])
{
	struct sha256 c;

	sha256_init(&c);
	sha256_update(&c, json->buf, json->len);
	sha256_update(&c, csv->buf, csv->len);
	sha256_final_hex(&c, hex);
}

/* read closed/<month>'s files and check them against frozen_sha256 */
static int frozen_check(const struct state *s, const struct ledger *l,
			const char *ledger_path, const char *month,
			struct strbuf *json, struct strbuf *csv,
			struct error *e)
{
	char *dir = month_dir(s, month, 0);
	char *pj = path_join(dir, "invoices.json");
	char *pc = path_join(dir, "invoice-lines.csv");
	char hex[65];
	size_t first, n = ledger_month(l, month, &first);
	int ret = -1;

	if (!n) {
		error_set(e, "%s: frozen invoices without rows in %s: the ledger was replaced or cut; %s",
			  dir, ledger_path, hint);
		goto out;
	}
	if (strbuf_read_file(json, pj, 0, e) || strbuf_read_file(csv, pc, 0, e))
		goto out;
	frozen_hash(json, csv, hex);
	if (strcmp(hex, l->row[first].frozen_sha256) != 0) {
		error_set(e, "%s: frozen invoices do not match their checksum in %s:%ld: changed outside tally; %s",
			  dir, ledger_path, l->row[first].line, hint);
		goto out;
	}
	ret = 0;
out:
	free(dir);
	free(pj);
	free(pc);
	return ret;
}

/* --- opening: lock, recovery, checks ---------------------------------------- */

static int same_row(const struct ledger_row *a, const struct ledger_row *b)
{
	return !strcmp(a->number, b->number) && !strcmp(a->month, b->month) &&
	       !strcmp(a->company_id, b->company_id) &&
	       !strcmp(a->currency, b->currency) &&
	       !strcmp(a->total, b->total) &&
	       !strcmp(a->invoice_date, b->invoice_date) &&
	       !strcmp(a->closed_at, b->closed_at) &&
	       !strcmp(a->frozen_sha256, b->frozen_sha256);
}

/* remove the temporary files of outfile left by a killed write */
static int remove_temps(const char *dir, struct error *e)
{
	DIR *d = opendir(dir);
	struct dirent *de;

	if (!d)
		return error_set(e, "%s: cannot read folder: %s", dir,
				 strerror(errno));
	while ((de = readdir(d))) {
		if (!strncmp(de->d_name, STATE_LEDGER ".tmp", strlen(STATE_LEDGER ".tmp")) ||
		    !strncmp(de->d_name, STATE_LEDGER ".new.tmp", strlen(STATE_LEDGER ".new.tmp"))) {
			char *p = path_join(dir, de->d_name);

			unlink(p);
			free(p);
		}
	}
	closedir(d);
	return 0;
}

/*
 * Finish a close that passed its commit point: ledger.csv.new extends
 * ledger.csv by the rows of months whose frozen folders exist.
 * Returns 1 finished, 0 not applicable (a leftover), -1 error.
 */
static int finish_close(struct state *s, const char *lpath, const char *npath,
			struct strbuf *notes, struct error *e)
{
	struct ledger old = LEDGER_INIT, nw = LEDGER_INIT;
	struct error ignored;
	size_t i, with = 0, without = 0;
	int ret = -1;

	if (ledger_load(&old, lpath, e))
		goto out;
	if (ledger_load(&nw, npath, &ignored)) {
		ret = 0;	/* not a ledger we wrote whole: a leftover */
		goto out;
	}
	if (nw.n <= old.n) {
		ret = 0;
		goto out;
	}
	for (i = 0; i < old.n; i++)
		if (!same_row(&old.row[i], &nw.row[i])) {
			ret = 0;
			goto out;
		}
	for (i = old.n; i < nw.n; i++) {
		char *d = month_dir(s, nw.row[i].month, 0);

		if (is_dir(d) && !ledger_month(&old, nw.row[i].month, &(size_t){0}))
			with++;
		else
			without++;
		free(d);
	}
	if (!with) {
		ret = 0;
		goto out;
	}
	if (without) {
		error_set(e, "%s: adds rows for months with and without frozen folders: an interrupted close cannot be finished; %s",
			  npath, hint);
		goto out;
	}
	for (i = old.n; i < nw.n; i++) {
		struct strbuf j = STRBUF_INIT, c = STRBUF_INIT;
		int r;

		if (i > old.n && !strcmp(nw.row[i].month, nw.row[i - 1].month))
			continue;
		r = frozen_check(s, &nw, npath, nw.row[i].month, &j, &c, e);
		strbuf_release(&j);
		strbuf_release(&c);
		if (r)
			goto out;
	}
	if (rename(npath, lpath) != 0) {
		error_set(e, "%s: cannot rename into place: %s", lpath,
			  strerror(errno));
		goto out;
	}
	if (dir_fsync(s->dir, e))
		goto out;
	{
		const struct ledger_row *a = &nw.row[old.n], *b = &nw.row[nw.n - 1];
		struct strbuf range = STRBUF_INIT;

		strbuf_addf(&range, "%s to %s", a->number, b->number);
		note(notes, "%s: the close of %s was interrupted after its commit point and is now finished: the month is closed (",
		     lpath, a->month);
		strbuf_addf(notes, "%s)", range.buf);
		strbuf_release(&range);
	}
	ret = 1;
out:
	ledger_release(&old);
	ledger_release(&nw);
	return ret;
}

static int recover(struct state *s, struct strbuf *notes, struct error *e)
{
	char *closed = path_join(s->dir, STATE_CLOSED);
	char *lpath = path_join(s->dir, STATE_LEDGER);
	char *npath = path_join(s->dir, STATE_LEDGER ".new");
	int rolled = 0, ret = -1;

	if (is_dir(closed)) {
		DIR *d = opendir(closed);
		struct dirent *de;

		if (!d) {
			error_set(e, "%s: cannot read folder: %s", closed,
				  strerror(errno));
			goto out;
		}
		while ((de = readdir(d))) {
			size_t n = strlen(de->d_name);
			char month[8], *p;

			/* ".YYYY-MM.tmp" */
			if (n != 12 || de->d_name[0] != '.' ||
			    strcmp(de->d_name + 8, ".tmp") != 0)
				continue;
			memcpy(month, de->d_name + 1, 7);
			month[7] = '\0';
			if (!is_month_name(month))
				continue;
			p = path_join(closed, de->d_name);
			if (remove_tree(p, e)) {
				free(p);
				closedir(d);
				goto out;
			}
			note(notes, "%s: the close of %s was interrupted before its commit point and is rolled back: the month is not closed",
			     p, month);
			free(p);
			rolled = 1;
		}
		closedir(d);
		if (rolled && dir_fsync(closed, e))
			goto out;
	}
	if (exists(npath)) {
		int r = rolled ? 0 : finish_close(s, lpath, npath, notes, e);

		if (r < 0)
			goto out;
		if (r == 0 && unlink(npath) != 0 && errno != ENOENT) {
			error_set(e, "%s: cannot remove: %s", npath,
				  strerror(errno));
			goto out;
		}
	}
	if (remove_temps(s->dir, e))
		goto out;
	ret = 0;
out:
	free(closed);
	free(lpath);
	free(npath);
	return ret;
}

/* every ledger month has its frozen folder, matching; every folder its rows */
static int check_closed(struct state *s, struct error *e)
{
	char *closed = path_join(s->dir, STATE_CLOSED);
	char *lpath = path_join(s->dir, STATE_LEDGER);
	size_t i;
	int ret = -1;

	for (i = 0; i < s->ledger.n; i++) {
		struct strbuf j = STRBUF_INIT, c = STRBUF_INIT;
		const struct ledger_row *r = &s->ledger.row[i];
		char *d;
		int bad;

		if (i && !strcmp(r->month, s->ledger.row[i - 1].month))
			continue;
		d = month_dir(s, r->month, 0);
		if (!is_dir(d)) {
			error_set(e, "%s: missing, but %s:%ld closes %s; %s", d,
				  lpath, r->line, r->month, hint);
			free(d);
			goto out;
		}
		free(d);
		bad = frozen_check(s, &s->ledger, lpath, r->month, &j, &c, e);
		strbuf_release(&j);
		strbuf_release(&c);
		if (bad)
			goto out;
	}
	if (is_dir(closed)) {
		DIR *d = opendir(closed);
		struct dirent *de;

		if (!d) {
			error_set(e, "%s: cannot read folder: %s", closed,
				  strerror(errno));
			goto out;
		}
		while ((de = readdir(d))) {
			size_t first;

			if (!is_month_name(de->d_name) ||
			    ledger_month(&s->ledger, de->d_name, &first))
				continue;
			error_set(e, "%s/%s: frozen invoices without rows in %s: the ledger was replaced or cut; %s",
				  closed, de->d_name, lpath, hint);
			closedir(d);
			goto out;
		}
		closedir(d);
	}
	ret = 0;
out:
	free(closed);
	free(lpath);
	return ret;
}

int state_open(struct state *s, const char *dir, int create,
	       lock_wait_fn waiting, void *ctx, struct strbuf *notes,
	       struct error *e)
{
	char *p;

	s->dir = xstrdup(dir);
	if (!is_dir(dir)) {
		if (!create)
			return 0;
		if (mkdir(dir, 0777) != 0 && errno != EEXIST) {
			error_set(e, "%s: cannot create folder: %s", dir,
				  strerror(errno));
			goto fail;
		}
	}
	p = path_join(dir, STATE_LOCK);
	if (lock_take(&s->lock, p, 0, waiting, ctx, e)) {
		free(p);
		goto fail;
	}
	free(p);
	if (recover(s, notes, e))
		goto fail;
	p = path_join(dir, STATE_LEDGER);
	if (ledger_load(&s->ledger, p, e)) {
		free(p);
		goto fail;
	}
	free(p);
	if (check_closed(s, e))
		goto fail;
	return 0;
fail:
	state_release(s);
	return -1;
}

void state_release(struct state *s)
{
	lock_release(&s->lock);
	ledger_release(&s->ledger);
	free(s->dir);
	s->dir = NULL;
}

size_t state_month(const struct state *s, const char *month, size_t *first)
{
	return ledger_month(&s->ledger, month, first);
}

int state_frozen(const struct state *s, const char *month,
		 struct strbuf *json, struct strbuf *csv, struct error *e)
{
	char *lpath = path_join(s->dir, STATE_LEDGER);
	int r = frozen_check(s, &s->ledger, lpath, month, json, csv, e);

	free(lpath);
	return r;
}

int state_next_numbers(const struct state *s, const char *prefix, size_t n,
		       char **out, struct error *e)
{
	size_t i;

	for (i = 0; i < n; i++) {
		char buf[LEDGER_PREFIX_MAX + 16];

		if (ledger_number(buf, sizeof(buf), prefix,
				  (long)(s->ledger.n + i + 1), e)) {
			while (i--)
				free(out[i]);
			return -1;
		}
		out[i] = xstrdup(buf);
	}
	return 0;
}

/* --- the close ---------------------------------------------------------------- */

static void drop_rows(struct ledger *l, size_t keep)
{
	while (l->n > keep) {
		struct ledger_row *r = &l->row[--l->n];

		free(r->number);
		free(r->company_id);
		free(r->total);
		free(r->closed_at);
	}
}

int state_close_month(struct state *s, const char *month,
		      const char *closed_at, const struct close_invoice *inv,
		      size_t n, const struct strbuf *json,
		      const struct strbuf *csv, close_point_fn point,
		      void *ctx, struct error *e)
{
	char *closed = path_join(s->dir, STATE_CLOSED);
	char *tmp = month_dir(s, month, 1), *final = month_dir(s, month, 0);
	char *lpath = path_join(s->dir, STATE_LEDGER);
	char *npath = path_join(s->dir, STATE_LEDGER ".new");
	char *p;
	char hex[65];
	size_t i, first, keep = s->ledger.n;
	int committed = 0, bad, ret = -1;

	if (state_month(s, month, &first)) {
		error_set(e, "%s is already closed (%s:%ld, %s): closing twice is refused",
			  month, lpath, s->ledger.row[first].line,
			  s->ledger.row[first].number);
		goto out;
	}
	if (!n) {
		error_set(e, "%s has no invoices: nothing to close", month);
		goto out;
	}
	for (i = 1; i < n; i++) {
		int c = strcmp(inv[i - 1].company_id, inv[i].company_id);

		if (c > 0 || (c == 0 && strcmp(inv[i - 1].currency, inv[i].currency) >= 0)) {
			error_set(e, "invoices out of order (psa_company_id, currency) (\"%s\")",
				  inv[i].company_id);
			goto out;
		}
	}
	/* the ledger rows, checked before anything is written */
	frozen_hash(json, csv, hex);
	for (i = 0; i < n; i++) {
		struct ledger_row r;

		memset(&r, 0, sizeof(r));
		r.number = (char *)inv[i].number;
		snprintf(r.month, sizeof(r.month), "%s", month);
		r.company_id = (char *)inv[i].company_id;
		snprintf(r.currency, sizeof(r.currency), "%s", inv[i].currency);
		r.total = (char *)inv[i].total;
		snprintf(r.invoice_date, sizeof(r.invoice_date), "%s",
			 inv[i].invoice_date);
		r.closed_at = (char *)closed_at;
		memcpy(r.frozen_sha256, hex, 65);
		if (ledger_append(&s->ledger, &r, e))
			goto out;
	}

	/* 1. the frozen folder, under its temporary name */
	if (mkdir(closed, 0777) != 0 && errno != EEXIST) {
		error_set(e, "%s: cannot create folder: %s", closed,
			  strerror(errno));
		goto out;
	}
	if (exists(tmp) && remove_tree(tmp, e))
		goto out;
	if (mkdir(tmp, 0777) != 0) {
		error_set(e, "%s: cannot create folder: %s", tmp, strerror(errno));
		goto out;
	}
	p = path_join(tmp, "invoice-lines.csv");
	bad = write_file(p, csv->buf, csv->len, e);
	free(p);
	if (bad)
		goto out;
	p = path_join(tmp, "invoices.json");
	bad = write_file(p, json->buf, json->len, e);
	free(p);
	if (bad || dir_fsync(tmp, e) || dir_fsync(closed, e) ||
	    dir_fsync(s->dir, e))
		goto out;
	if (point)
		point("frozen", ctx);

	/* 2. the next ledger, beside the current one */
	if (ledger_write(&s->ledger, npath, e))
		goto out;
	if (point)
		point("ledger-new", ctx);

	/* 3. the commit point */
	if (rename(tmp, final) != 0) {
		error_set(e, "%s: cannot rename into place: %s", final,
			  strerror(errno));
		goto out;
	}
	committed = 1;
	if (dir_fsync(closed, e))
		goto out;
	if (point)
		point("commit", ctx);

	/* 4. the ledger */
	if (rename(npath, lpath) != 0) {
		error_set(e, "%s: cannot rename into place: %s", lpath,
			  strerror(errno));
		goto out;
	}
	if (dir_fsync(s->dir, e))
		goto out;
	for (i = keep; i < s->ledger.n; i++)
		s->ledger.row[i].line = (long)i + 2;
	if (point)
		point("ledger", ctx);
	ret = 0;
out:
	if (ret && !committed) {
		struct error ignored;

		drop_rows(&s->ledger, keep);
		if (exists(tmp))
			remove_tree(tmp, &ignored);
		unlink(npath);
	} else if (ret) {
		size_t k = strlen(e->msg);

		snprintf(e->msg + k, sizeof(e->msg) - k,
			 "; %s is closed all the same: the next run finishes it",
			 month);
	}
	free(closed);
	free(tmp);
	free(final);
	free(lpath);
	free(npath);
	return ret;
}

/* --- publishing a closed month's rerun ---------------------------------------- */

/* 1 when the files at a and b hold the same bytes (b may be missing) */
static int same_bytes(const char *a, const char *b, struct error *e)
{
	FILE *fa, *fb;
	char ba[65536], bb[65536];
	int same = 1;

	fb = fopen(b, "rb");
	if (!fb)
		return 0;
	fa = fopen(a, "rb");
	if (!fa) {
		fclose(fb);
		return error_set(e, "%s: cannot open: %s", a, strerror(errno));
	}
	for (;;) {
		size_t na = fread(ba, 1, sizeof(ba), fa);
		size_t nb = fread(bb, 1, sizeof(bb), fb);

		if (na != nb || memcmp(ba, bb, na) != 0) {
			same = 0;
			break;
		}
		if (na == 0)
			break;
	}
	if (ferror(fa)) {
		fclose(fa);
		fclose(fb);
		return error_set(e, "%s: cannot read", a);
	}
	fclose(fa);
	fclose(fb);
	return same;
}

static int copy_file(const char *from, const char *to, struct error *e)
{
	struct outfile o;
	FILE *fp = fopen(from, "rb");
	char buf[65536];
	size_t got;

	if (!fp)
		return error_set(e, "%s: cannot open: %s", from, strerror(errno));
	if (outfile_open(&o, to, e)) {
		fclose(fp);
		return -1;
	}
	while ((got = fread(buf, 1, sizeof(buf), fp)) > 0)
		fwrite(buf, 1, got, o.fp);
	if (ferror(fp)) {
		fclose(fp);
		outfile_abort(&o);
		return error_set(e, "%s: cannot read", from);
	}
	fclose(fp);
	return outfile_commit(&o, e);
}

static int skip_name(const char *name)
{
	return name[0] == '.' || !strcmp(name, "inbox.mk") ||
	       !strcmp(name, "restatement.csv") || strstr(name, ".tmp");
}

static int publish_dir(const char *from, const char *to, size_t *copied,
		       struct error *e)
{
	DIR *d = opendir(from);
	struct dirent *de;
	int ret = 0;

	if (!d)
		return error_set(e, "%s: cannot read folder: %s", from,
				 strerror(errno));
	if (mkdir(to, 0777) != 0 && errno != EEXIST) {
		closedir(d);
		return error_set(e, "%s: cannot create folder: %s", to,
				 strerror(errno));
	}
	while (!ret && (de = readdir(d))) {
		char *a, *b;
		struct stat st;

		if (skip_name(de->d_name))
			continue;
		a = path_join(from, de->d_name);
		b = path_join(to, de->d_name);
		if (lstat(a, &st) != 0)
			ret = error_set(e, "%s: cannot stat: %s", a,
					strerror(errno));
		else if (S_ISDIR(st.st_mode))
			ret = publish_dir(a, b, copied, e);
		else if (S_ISREG(st.st_mode)) {
			int same = same_bytes(a, b, e);

			if (same < 0)
				ret = -1;
			else if (!same) {
				ret = copy_file(a, b, e);
				if (!ret)
					++*copied;
			}
		}
		free(a);
		free(b);
	}
	closedir(d);
	return ret;
}

int close_publish(const char *from, const char *to, size_t *copied,
		  struct error *e)
{
	char *r;

	*copied = 0;
	if (publish_dir(from, to, copied, e))
		return -1;
	r = path_join(to, "restatement.csv");
	if (unlink(r) != 0 && errno != ENOENT) {
		error_set(e, "%s: cannot remove: %s", r, strerror(errno));
		free(r);
		return -1;
	}
	free(r);
	return dir_fsync(to, e);
}

/* --- the invoices of a run, as frozen ------------------------------------------ */

int close_render(const struct invoice_run *r, struct strbuf *json,
		 struct strbuf *csv, struct error *e)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&buf, &len);
	int bad;

	if (!fp)
		return error_set(e, "cannot render invoices: %s", strerror(errno));
	bad = invoice_write_json(r, fp, e);
	if (fclose(fp) != 0 && !bad)
		bad = error_set(e, "cannot render invoices: %s", strerror(errno));
	if (!bad)
		strbuf_add(json, buf, len);
	free(buf);
	if (bad)
		return -1;
	buf = NULL;
	len = 0;
	fp = open_memstream(&buf, &len);
	if (!fp)
		return error_set(e, "cannot render invoices: %s", strerror(errno));
	invoice_write_lines(r, fp);
	if (fclose(fp) != 0) {
		free(buf);
		return error_set(e, "cannot render invoices: %s", strerror(errno));
	}
	strbuf_add(csv, buf, len);
	free(buf);
	return 0;
}

static json_t *parse_invoices(const char *text, size_t len, const char *what,
			      struct error *e);
static const char *jstr(json_t *o, const char *key);
static json_t *find_invoice(json_t *arr, const char *cid, const char *cur);

long close_renumber(struct invoice_run *r, const char *frozen, size_t len,
		    struct error *e)
{
	json_t *root = parse_invoices(frozen, len, "frozen invoices", e);
	json_t *arr;
	size_t i;
	long found = 0;

	if (!root)
		return -1;
	arr = json_object_get(root, "invoices");
	for (i = 0; i < r->ninv; i++) {
		struct invoice *inv = &r->inv[i];
		json_t *v = find_invoice(arr, inv->line[0].company_id,
					 inv->currency->code);

		if (!v)
			continue;
		free(inv->number);
		inv->number = xstrdup(jstr(v, "invoice_number"));
		found++;
	}
	json_decref(root);
	return found;
}

int close_compare(const struct state *s, const char *month,
		  struct invoice_run *r, struct strbuf *json,
		  struct strbuf *csv, struct restatement *rs,
		  struct error *e)
{
	struct strbuf fj = STRBUF_INIT, fc = STRBUF_INIT;
	json_t *root = NULL;
	char *closed_at = NULL;
	int ret = -1;

	if (state_frozen(s, month, &fj, &fc, e))
		goto out;
	if (!(root = parse_invoices(fj.buf, fj.len, "frozen invoices", e)) ||
	    close_renumber(r, fj.buf, fj.len, e) < 0)
		goto out;
	closed_at = xstrdup(jstr(root, "closed_at"));
	r->status = "final";
	r->closed_at = closed_at;
	if (close_render(r, json, csv, e))
		goto out;
	r->closed_at = NULL;	/* borrowed from closed_at, freed below */
	if (json->len == fj.len && csv->len == fc.len &&
	    !memcmp(json->buf, fj.buf, fj.len) &&
	    !memcmp(csv->buf, fc.buf, fc.len)) {
		ret = 0;
		goto out;
	}
	if (restate_diff(rs, fj.buf, fj.len, json->buf, json->len,
			 csv->len != fc.len || memcmp(csv->buf, fc.buf, fc.len),
			 e))
		goto out;
	ret = 1;
out:
	r->closed_at = NULL;
	json_decref(root);
	free(closed_at);
	strbuf_release(&fj);
	strbuf_release(&fc);
	return ret;
}

/* --- restatements --------------------------------------------------------------- */

static const char *jstr(json_t *o, const char *key)
{
	const char *s = json_string_value(json_object_get(o, key));

	return s ? s : "";
}

/* the invoice of old with company and currency in arr, or NULL */
static json_t *find_invoice(json_t *arr, const char *cid, const char *cur)
{
	size_t i;
	json_t *v;

	json_array_foreach(arr, i, v)
		if (!strcmp(jstr(v, "psa_company_id"), cid) &&
		    !strcmp(jstr(v, "currency"), cur))
			return v;
	return NULL;
}

static json_t *find_line(json_t *inv, const char *pid)
{
	json_t *arr = json_object_get(inv, "lines"), *v;
	size_t i;

	json_array_foreach(arr, i, v)
		if (!strcmp(jstr(v, "psa_product_id"), pid))
			return v;
	return NULL;
}

static void add_row(struct restatement *r, const char *number,
		    json_t *inv, const char *pid, const char *change,
		    const char *oq, const char *nq, const char *oa,
		    const char *na, const char *detail)
{
	struct restate_row *w;

	XGROW(r->row, r->alloc, r->n + 1);
	w = &r->row[r->n++];
	w->number = xstrdup(number);
	w->company_id = xstrdup(jstr(inv, "psa_company_id"));
	w->currency = xstrdup(jstr(inv, "currency"));
	w->product_id = xstrdup(pid);
	w->change = xstrdup(change);
	w->old_quantity = xstrdup(oq);
	w->new_quantity = xstrdup(nq);
	w->old_amount = xstrdup(oa);
	w->new_amount = xstrdup(na);
	w->detail = xstrdup(detail);
}

/* "field old -> new" for each of keys that differ, "; " between */
static void field_changes(struct strbuf *sb, json_t *a, json_t *b,
			  const char *const *keys)
{
	for (; *keys; keys++) {
		const char *x = jstr(a, *keys), *y = jstr(b, *keys);

		if (!strcmp(x, y))
			continue;
		if (sb->len)
			strbuf_addstr(sb, "; ");
		strbuf_addf(sb, "%s %s -> %s", *keys, x, y);
	}
}

static const char *const invoice_keys[] = {
	"psa_company_name", "invoice_date", "due_date", "tax_rate", NULL
};
/* exact_quantity first: diff_lines skips it when the quantity changed */
static const char *const line_keys[] = {
	"exact_quantity", "unit_price", "psa_product_name", "description", NULL
};

static void diff_lines(struct restatement *r, const char *number,
		       json_t *oinv, json_t *ninv)
{
	json_t *v;
	size_t i;

	json_array_foreach(json_object_get(oinv, "lines"), i, v) {
		const char *pid = jstr(v, "psa_product_id");
		json_t *w = ninv ? find_line(ninv, pid) : NULL;
		struct strbuf d = STRBUF_INIT;
		int qchanged;

		if (!w) {
			add_row(r, number, oinv, pid, "removed",
				jstr(v, "quantity"), "", jstr(v, "amount"), "",
				"");
			continue;
		}
		/* a new exact quantity says nothing more beside a new quantity */
		qchanged = strcmp(jstr(v, "quantity"), jstr(w, "quantity")) != 0;
		field_changes(&d, v, w, line_keys + qchanged);
		if (d.len || qchanged ||
		    strcmp(jstr(v, "amount"), jstr(w, "amount")))
			add_row(r, number, oinv, pid, "changed",
				jstr(v, "quantity"), jstr(w, "quantity"),
				jstr(v, "amount"), jstr(w, "amount"), d.buf);
		strbuf_release(&d);
	}
	if (!ninv)
		return;
	json_array_foreach(json_object_get(ninv, "lines"), i, v) {
		const char *pid = jstr(v, "psa_product_id");

		if (!oinv || !find_line(oinv, pid))
			add_row(r, number, ninv, pid, "added", "",
				jstr(v, "quantity"), "", jstr(v, "amount"), "");
	}
}

static json_t *parse_invoices(const char *text, size_t len, const char *what,
			      struct error *e)
{
	json_error_t je;
	json_t *root = json_loadb(text, len, 0, &je);

	if (!root || !json_is_array(json_object_get(root, "invoices"))) {
		json_decref(root);
		error_set(e, "%s: not an invoices.json (line %d: %s)", what,
			  je.line, root ? "no invoices" : je.text);
		return NULL;
	}
	return root;
}

int restate_diff(struct restatement *r, const char *old_json, size_t old_len,
		 const char *new_json, size_t new_len, int differs,
		 struct error *e)
{
	json_t *o = parse_invoices(old_json, old_len, "frozen invoices", e);
	json_t *n = o ? parse_invoices(new_json, new_len, "new invoices", e) : NULL;
	json_t *oa, *na, *v;
	size_t i, before = r->n;

	if (!o || !n) {
		json_decref(o);
		return -1;
	}
	oa = json_object_get(o, "invoices");
	na = json_object_get(n, "invoices");
	json_array_foreach(oa, i, v) {
		const char *number = jstr(v, "invoice_number");
		json_t *w = find_invoice(na, jstr(v, "psa_company_id"),
					 jstr(v, "currency"));
		struct strbuf d = STRBUF_INIT;

		if (w)
			field_changes(&d, v, w, invoice_keys);
		if (d.len)
			add_row(r, number, v, "", "invoice", "", "",
				jstr(v, "total"), jstr(w, "total"), d.buf);
		strbuf_release(&d);
		diff_lines(r, number, v, w);
	}
	json_array_foreach(na, i, v)
		if (!find_invoice(oa, jstr(v, "psa_company_id"),
				  jstr(v, "currency")))
			diff_lines(r, "", NULL, v);
	if (r->n == before && (differs || !json_equal(o, n))) {
		json_t *none = json_object();

		add_row(r, "", none, "", "invoice", "", "", "", "",
			"the invoices differ outside their lines");
		json_decref(none);
	}
	json_decref(o);
	json_decref(n);
	return 0;
}

void restate_write_csv(const struct restatement *r, FILE *fp)
{
	size_t i;

	fputs(RESTATEMENT_HEADER "\n", fp);
	for (i = 0; i < r->n; i++) {
		const struct restate_row *w = &r->row[i];
		const char *f[10] = { w->number, w->company_id, w->currency,
				      w->product_id, w->change,
				      w->old_quantity, w->new_quantity,
				      w->old_amount, w->new_amount, w->detail };

		csv_putrow(fp, f, 10);
	}
}

void restate_describe(const struct restate_row *w, struct strbuf *out)
{
	strbuf_addf(out, "%s %s %s", *w->number ? w->number : "(new invoice)",
		    w->company_id, w->currency);
	if (*w->product_id)
		strbuf_addf(out, " %s", w->product_id);
	strbuf_addstr(out, ": ");
	if (!strcmp(w->change, "added"))
		strbuf_addf(out, "added, quantity %s, amount %s",
			    w->new_quantity, w->new_amount);
	else if (!strcmp(w->change, "removed"))
		strbuf_addf(out, "removed, quantity %s, amount %s",
			    w->old_quantity, w->old_amount);
	else if (!strcmp(w->change, "changed"))
		strbuf_addf(out, "quantity %s -> %s, amount %s -> %s",
			    w->old_quantity, w->new_quantity, w->old_amount,
			    w->new_amount);
	else
		strbuf_addf(out, "total %s -> %s", w->old_amount,
			    w->new_amount);
	if (*w->detail)
		strbuf_addf(out, " (%s)", w->detail);
}

void restate_release(struct restatement *r)
{
	size_t i;

	for (i = 0; i < r->n; i++) {
		struct restate_row *w = &r->row[i];

		free(w->number);
		free(w->company_id);
		free(w->currency);
		free(w->product_id);
		free(w->change);
		free(w->old_quantity);
		free(w->new_quantity);
		free(w->old_amount);
		free(w->new_amount);
		free(w->detail);
	}
	free(r->row);
	r->row = NULL;
	r->n = r->alloc = 0;
}
