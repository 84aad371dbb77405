/*
 * A directory snapshot (inbox format 4; README.md, "What goes in the
 * inbox"): the users of one directory on one day, inside tally's
 * envelope {"vendor", "account_id", "account_name", "snapshot_date",
 * "result": [users]}, read through its profile (the names of the user's
 * id, status and licences). One file is one snapshot: its extract holds
 * the seats it counts per SKU (kind "snapshot"), written on every day of
 * MONTH from the snapshot's date on (from the 1st when it is older), and
 * its <S>.json names the directory and date ("snapshot"), so that
 * daily-average (avsnap.h) uses, for each day, the latest snapshot of the
 * directory on or before it.
 *
 * Counting: a user whose status is one of settings.json's
 * active_statuses (default ["active"], compared exactly) counts 1 for
 * each distinct licence it holds (SKU: the licence's name, or its id when
 * the name is absent or empty), or 1 for the SKU "users" when it holds no
 * licence (licenses absent, null or empty). "inactive", "deleted" and
 * "invited" do not count; any other status does not count either and
 * gets one unknown-status warning per file and value, with its number of
 * users. A user id counts once per snapshot: its first entry; a later
 * entry of the same id is a duplicate (accepted, not counted again).
 * Every user is a row: accepted, rejected (no id, no status, a licence
 * without name or id) or, for a snapshot dated after MONTH, out of month.
 * Memory grows with the users of one document (read whole, as every JSON
 * file is) and its SKUs, not with the month's files.
 */
#include <stdlib.h>
#include <string.h>
#include <jansson.h>
#include "date.h"
#include "decimal.h"
#include "exint.h"
#include "jsonexact.h"
#include "settings.h"
#include "strmap.h"
#include "xalloc.h"
#include "banned.h"

/* the statuses that never count and are no surprise (Truto's own) */
static const char *const known_off[] = { "inactive", "deleted", "invited", NULL };

/* a string member's text, or a number's literal (ids may be numbers) */
static int text_of(json_t *v, const char **s, size_t *n)
{
	if (jx_number(v, s, n))
		return 0;
	if (json_is_string(v)) {
		*s = json_string_value(v);
		*n = json_string_length(v);
		return 0;
	}
	return -1;
}

static int envelope_text(json_t *root, const char *key, const char **s,
			 size_t *n)
{
	json_t *v = json_object_get(root, key);

	return text_of(v, s, n) == 0 && *n > 0 ? 0 : -1;
}

struct counted {
	long users;
	long line;	/* the first user's */
};

/* a row rejected for reason (no cells: its raw text is its line) */
static void reject(struct ex *x, long line, const char *why, const char *v,
		   size_t vn)
{
	struct csv_row row = { 0 };

	row.line = line;
	row.lines = 1;
	row.utf8_ok = 1;
	strbuf_reset(&x->msg);
	strbuf_addstr(&x->msg, why);
	if (v) {
		strbuf_addch(&x->msg, ' ');
		ex_add_quoted(&x->msg, v, vn);
	}
	ex_reject(x, &row, 1);
}

/*
 * The SKUs of a user's licences into skus (distinct, "users" when none):
 * 0, or -1 after rejecting the row.
 */
static int user_skus(struct ex *x, json_t *lic, long line, struct strmap *skus)
{
	size_t i;
	json_t *l;

	strmap_release(skus);
	if (!lic || json_is_null(lic) ||
	    (json_is_array(lic) && json_array_size(lic) == 0)) {
		*strmap_slot(skus, "users", 5, NULL) = skus;
		return 0;
	}
	if (!json_is_array(lic)) {
		reject(x, line, "licenses is not a JSON array", NULL, 0);
		return -1;
	}
	json_array_foreach(lic, i, l) {
		const char *s = NULL;
		size_t n = 0;

		if (!json_is_object(l)) {
			reject(x, line, "a licence that is not a JSON object", NULL, 0);
			return -1;
		}
		if (text_of(json_object_get(l, "name"), &s, &n) || n == 0)
			if (text_of(json_object_get(l, "id"), &s, &n) || n == 0) {
				reject(x, line, "a licence without a name or an id", NULL, 0);
				return -1;
			}
		*strmap_slot(skus, s, n, NULL) = skus;
	}
	return 0;
}

static int cmp_key(const void *a, const void *b)
{
	return strcmp((*(struct strmap_entry *const *)a)->key,
		      (*(struct strmap_entry *const *)b)->key);
}

/* one unknown-status warning per value, in byte order of the values */
static void unknown_statuses(struct ex *x, struct strmap *unknown)
{
	struct strmap_entry **v = xcalloc(unknown->n + 1, sizeof(*v));
	struct strmap_entry *en;
	size_t pos = 0, n = 0;

	while ((en = strmap_next(unknown, &pos)))
		v[n++] = en;
	if (n > 1)
		qsort(v, n, sizeof(*v), cmp_key);
	for (size_t i = 0; i < n; i++) {
		const struct counted *c = v[i]->value;

		strbuf_reset(&x->msg);
		ex_add_quoted_text(&x->msg, v[i]->key, strlen(v[i]->key));
		problem_add(&x->pr, SEV_WARNING, "unknown-status", x->o->name,
			    c->line,
			    "directory status %s (%ld user%s, the first here) is not one tally knows (active, inactive, deleted, invited): not counted; to count it, add it to active_statuses in settings.json",
			    x->msg.buf, c->users, c->users == 1 ? "" : "s");
	}
	free(v);
}

int ex_read_snapshot(struct ex *x, const struct jx_doc *d,
		     const struct jx_row *rows, size_t n, char *const *names,
		     struct error *e)
{
	struct settings st;
	struct strmap ids = STRMAP_INIT, skus = STRMAP_INIT, unknown = STRMAP_INIT;
	const char *vendor, *acc, *name = NULL, *date;
	size_t vn, an, nn = 0, dn;
	int32_t day;
	int start, after;
	int y, m, dd;

	settings_init(&st);
	if (x->o->config && settings_read(&st, x->o->config, e))
		return -1;
	if (envelope_text(d->root, "vendor", &vendor, &vn) ||
	    envelope_text(d->root, "account_id", &acc, &an) ||
	    envelope_text(d->root, "snapshot_date", &date, &dn) ||
	    date_parse_fmt(date, dn, "YYYY-MM-DD", &day)) {
		ex_blocking(x, "unknown-format", 1,
			    "a directory snapshot without its envelope: \"vendor\", \"account_id\" and \"snapshot_date\" (YYYY-MM-DD) beside \"result\", as make pull writes them: no usage is taken from it");
		x->phase = PH_UNKNOWN;
		return 0;
	}
	envelope_text(d->root, "account_name", &name, &nn);
	x->snap = 1;
	x->snap_vendor = xstrndup(vendor, vn);
	x->snap_account = xstrndup(acc, an);
	x->snap_date = day;
	after = day >= x->first + x->ndays;
	start = day < x->first ? 0 : (int)(day - x->first);
	/* the months it covers: its own, through MONTH when it carries on */
	civil_from_days(day, &y, &m, &dd);
	for (;;) {
		ex_months_add(x, y, m);
		if (after || (y == x->o->year && m == x->o->month) ||
		    y > x->o->year)
			break;
		if (++m > 12) {
			m = 1;
			y++;
		}
	}
	for (size_t i = 0; i < n; i++) {
		json_t *o = rows[i].v, *v;
		long line = rows[i].line;
		const char *id, *status;
		size_t idn, sn;
		int created;

		x->r->rows.read++;
		if (!json_is_object(o)) {
			reject(x, line, "not a JSON object", NULL, 0);
			continue;
		}
		if (text_of(json_object_get(o, names[x->col[PF_USER_ID]]), &id, &idn) ||
		    idn == 0) {
			reject(x, line, "empty user id", NULL, 0);
			continue;
		}
		v = json_object_get(o, names[x->col[PF_STATUS]]);
		if (!json_is_string(v) || jx_number(v, &status, &sn) ||
		    json_string_length(v) == 0) {
			reject(x, line, "empty status", NULL, 0);
			continue;
		}
		status = json_string_value(v);
		sn = json_string_length(v);
		if (user_skus(x, x->col[PF_LICENSES] >= 0 ?
			      json_object_get(o, names[x->col[PF_LICENSES]]) : NULL,
			      line, &skus))
			continue;
		if (after) {
			x->r->rows.out_of_month++;
			continue;
		}
		x->r->rows.accepted++;
		*strmap_slot(&ids, id, idn, &created) = &ids;
		if (!created) {
			x->r->rows.duplicates++;	/* its first entry counted */
			continue;
		}
		if (settings_status_active(&st, status, sn)) {
			struct strmap_entry *en;
			size_t pos = 0;

			while ((en = strmap_next(&skus, &pos))) {
				struct exseries *s = exseries_get(&x->series, x->snap_vendor,
								  vn, x->snap_account, an,
								  en->key, strlen(en->key),
								  &created);

				if (created) {
					s->line = line;
					if (nn)
						s->account_name = xstrndup(name, nn);
				}
				s->total += QTY_SCALE;
			}
		} else {
			int k;

			for (k = 0; known_off[k]; k++)
				if (strlen(known_off[k]) == sn &&
				    !memcmp(known_off[k], status, sn))
					break;
			if (!known_off[k]) {
				void **slot = strmap_slot(&unknown, status, sn, &created);
				struct counted *c;

				if (created) {
					*slot = xcalloc(1, sizeof(struct counted));
					((struct counted *)*slot)->line = line;
				}
				c = *slot;
				c->users++;
			}
		}
	}
	/* the seats counted, on each day of MONTH from the snapshot on */
	for (size_t k = 0; k < x->series.n; k++) {
		struct exseries *s = x->series.all[k];

		for (int i = start; i < x->ndays; i++) {
			s->day[i].q = s->total;
			s->day[i].line = s->line;
		}
	}
	unknown_statuses(x, &unknown);
	strmap_free_values(&unknown);
	strmap_release(&ids);
	strmap_release(&skus);
	return 0;
}
