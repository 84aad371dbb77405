#ifndef PULL_H
#define PULL_H
/*
 * make pull (README.md, "Pulling from the APIs"): each source of
 * config/sources.json fetched on its own and written into the inbox as a
 * file of an inbox format, atomically (a hidden temporary file renamed
 * into place, so that a killed pull leaves nothing the month would
 * read), replacing a file of the same name:
 *
 *   keeper-msp-billing  pull-<name>-<MONTH>.json, the Keeper API response: GET
 *       <url>/bi_api/rest/public/msp/billing-usage?month=<m>&year=<y>
 *       with x-api-token; {"source": "keeper-msp-billing", "month":
 *       "<MONTH>", "response": <the body's bytes, unchanged>}
 *   truto-users         pull-<name>-<today>.json, a directory snapshot: GET
 *       <url>/unified/user-directory/users?integrated_account_id=<id>
 *       &limit=<limit>[&next_cursor=<cursor>] with a Bearer token, page
 *       after page until next_cursor is null, absent or ""; every page's
 *       users in one snapshot {"vendor", "account_id", "account_name",
 *       "snapshot_date", "result"} dated the day of the pull
 *   the psa             pull-psa-units-<today>.csv, PSA contract units (psapull.h)
 *
 * A source that fails writes nothing and leaves earlier files alone: a
 * request that fails, a body that is not JSON, a page without a "result"
 * array, an answer that quotes a secret (it is never written to a file).
 */
#include <stddef.h>
#include <stdint.h>
#include "error.h"
#include "sources.h"
#include "strbuf.h"

struct pull_result {
	char *file;		/* the inbox path written, owned */
	size_t pages;		/* requests that gave the data */
	size_t records;		/* users (truto), rows (psa) */
	char what[64];		/* e.g. "autotask, rows in effect on 2026-11-01" */
};

struct pull_when {
	const char *month;	/* "YYYY-MM" */
	int y, m;
	int32_t today;		/* the day of the pull (UTC), from make */
};

/*
 * Pull the source src of s into the folder inbox (made when missing).
 * Returns 0 with r filled (release it), or -1 with e: ERR_CONFIG for a
 * variable not set or a CA file that cannot be read, ERR_NET for a
 * request, ERR_IO for the inbox.
 */
int pull_source(const struct sources *s, const struct source *src,
		const char *inbox, const struct pull_when *w,
		struct pull_result *r, struct error *e);
/* the same for s's psa (s->psa.present) */
int pull_psa(const struct sources *s, const char *inbox,
	     const struct pull_when *w, struct pull_result *r,
	     struct error *e);
void pull_result_release(struct pull_result *r);

/*
 * Write data into inbox/name atomically: inbox/.name.<pid> first
 * (hidden, so never read as an inbox file), renamed into place, the
 * folder fsynced.
 * Data that holds a registered secret is refused (ERR_NET). 0 or -1.
 */
int pull_write(const char *inbox, const char *name, const struct strbuf *data,
	       struct error *e);

/* append s as a JSON string (quoted, escaped) to out */
void pull_json_string(struct strbuf *out, const char *s);
#endif
