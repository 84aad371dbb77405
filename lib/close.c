/*
 * Closing a month: the protocol, its recovery and the restatement of a
 * closed month are described in close.h. Every rename that matters is
 * followed by an fsync of its folder, so "renamed" means "on disk".
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "close.h"
#include "frozen.h"
#include "fsutil.h"
#include "date.h"
#include "sha256.h"
#include "xalloc.h"
#include "strbuf.h"
#include "csvwrite.h"
#include "banned.h"

static const char hint[] = STATE_HINT;

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

static int is_month_name(const char *s)
{
	int y, m;

	return strlen(s) == 7 && month_parse(s, &y, &m) == 0;
}

/* remove path and, for a folder, everything in it (links are not followed) */
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
		error_set(e, ERR_IO, "%s: frozen invoices without rows in %s: the ledger was replaced or cut; %s",
			  dir, ledger_path, hint);
		goto out;
	}
	if (strbuf_read_file(json, pj, 0, e) || strbuf_read_file(csv, pc, 0, e))
		goto out;
	frozen_hash(json, csv, hex);
	if (strcmp(hex, l->row[first].frozen_sha256) != 0) {
		error_set(e, ERR_IO, "%s: frozen invoices do not match their checksum in %s:%ld: changed outside tally; %s",
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
	struct fs_names names = FS_NAMES_INIT;

	if (fs_list(dir, NULL, 0, &names, e))
		return -1;
	for (size_t i = 0; i < names.n; i++) {
		const char *n = names.v[i];

		if (!strncmp(n, STATE_LEDGER ".tmp", strlen(STATE_LEDGER ".tmp")) ||
		    !strncmp(n, STATE_LEDGER ".new.tmp", strlen(STATE_LEDGER ".new.tmp"))) {
			char *p = path_join(dir, n);

			unlink(p);
			free(p);
		}
	}
	fs_names_release(&names);
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

		if (fs_is_dir(d) && !ledger_month(&old, nw.row[i].month, &(size_t){0}))
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
		error_set(e, ERR_IO, "%s: adds rows for months with and without frozen folders: an interrupted close cannot be finished; %s",
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
		error_set(e, ERR_IO, "%s: cannot rename into place: %s", lpath,
			  strerror(errno));
		goto out;
	}
	if (fs_dir_fsync(s->dir, e))
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

	if (fs_is_dir(closed)) {
		struct fs_names names = FS_NAMES_INIT;

		if (fs_list(closed, ".tmp", FS_HIDDEN, &names, e))
			goto out;
		for (size_t i = 0; i < names.n; i++) {
			const char *name = names.v[i];
			char month[8], *p;

			/* ".YYYY-MM.tmp" */
			if (strlen(name) != 12 || name[0] != '.')
				continue;
			memcpy(month, name + 1, 7);
			month[7] = '\0';
			if (!is_month_name(month))
				continue;
			p = path_join(closed, name);
			if (fs_remove_tree(p, e)) {
				free(p);
				fs_names_release(&names);
				goto out;
			}
			note(notes, "%s: the close of %s was interrupted before its commit point and is rolled back: the month is not closed",
			     p, month);
			free(p);
			rolled = 1;
		}
		fs_names_release(&names);
		if (rolled && fs_dir_fsync(closed, e))
			goto out;
	}
	if (fs_exists(npath)) {
		int r = rolled ? 0 : finish_close(s, lpath, npath, notes, e);

		if (r < 0)
			goto out;
		if (r == 0 && unlink(npath) != 0 && errno != ENOENT) {
			error_set(e, ERR_IO, "%s: cannot remove: %s", npath,
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
		if (!fs_is_dir(d)) {
			error_set(e, ERR_IO, "%s: missing, but %s:%ld closes %s; %s", d,
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
	if (fs_is_dir(closed)) {
		struct fs_names names = FS_NAMES_INIT;
		size_t first;

		if (fs_list(closed, NULL, 0, &names, e))
			goto out;
		for (size_t k = 0; k < names.n; k++) {
			if (!is_month_name(names.v[k]) ||
			    ledger_month(&s->ledger, names.v[k], &first))
				continue;
			error_set(e, ERR_IO, "%s/%s: frozen invoices without rows in %s: the ledger was replaced or cut; %s",
				  closed, names.v[k], lpath, hint);
			fs_names_release(&names);
			goto out;
		}
		fs_names_release(&names);
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
	if (!fs_is_dir(dir)) {
		if (!create)
			return 0;
		if (mkdir(dir, 0777) != 0 && errno != EEXIST) {
			error_set(e, ERR_IO, "%s: cannot create folder: %s", dir,
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
		      const struct strbuf *csv, const struct frozen_input *in,
		      size_t nin, close_point_fn point, void *ctx,
		      struct error *e)
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
		error_set(e, ERR_IO, "%s is already closed (%s:%ld, %s): closing twice is refused",
			  month, lpath, s->ledger.row[first].line,
			  s->ledger.row[first].number);
		goto out;
	}
	if (!n) {
		error_set(e, ERR_IO, "%s has no invoices: nothing to close", month);
		goto out;
	}
	for (i = 1; i < n; i++) {
		int c = strcmp(inv[i - 1].company_id, inv[i].company_id);

		if (c > 0 || (c == 0 && strcmp(inv[i - 1].currency, inv[i].currency) >= 0)) {
			error_set(e, ERR_IO, "invoices out of order (psa_company_id, currency) (\"%s\")",
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
		error_set(e, ERR_IO, "%s: cannot create folder: %s", closed,
			  strerror(errno));
		goto out;
	}
	if (fs_exists(tmp) && fs_remove_tree(tmp, e))
		goto out;
	if (mkdir(tmp, 0777) != 0) {
		error_set(e, ERR_IO, "%s: cannot create folder: %s", tmp, strerror(errno));
		goto out;
	}
	p = path_join(tmp, "invoice-lines.csv");
	bad = fs_write(p, csv->buf, csv->len, e);
	free(p);
	if (bad)
		goto out;
	p = path_join(tmp, "invoices.json");
	bad = fs_write(p, json->buf, json->len, e);
	free(p);
	if (bad || frozen_write(tmp, in, nin, e) || fs_dir_fsync(tmp, e) || fs_dir_fsync(closed, e) ||
	    fs_dir_fsync(s->dir, e))
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
		error_set(e, ERR_IO, "%s: cannot rename into place: %s", final,
			  strerror(errno));
		goto out;
	}
	committed = 1;
	if (fs_dir_fsync(closed, e))
		goto out;
	if (point)
		point("commit", ctx);

	/* 4. the ledger */
	if (rename(npath, lpath) != 0) {
		error_set(e, ERR_IO, "%s: cannot rename into place: %s", lpath,
			  strerror(errno));
		goto out;
	}
	if (fs_dir_fsync(s->dir, e))
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
		if (fs_exists(tmp))
			fs_remove_tree(tmp, &ignored);
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
