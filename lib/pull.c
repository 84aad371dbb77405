#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <jansson.h>
#include "date.h"
#include "fsutil.h"
#include "http.h"
#include "period.h"
#include "pull.h"
#include "psaapi.h"
#include "psapull.h"
#include "secret.h"
#include "xalloc.h"
#include "banned.h"

/* truto-users: pages of one directory, at most (a loop that never ends
 * is the server's bug, not a directory's size) */
#define PULL_MAX_PAGES 10000

void pull_result_release(struct pull_result *r)
{
	free(r->file);
	memset(r, 0, sizeof(*r));
}

void pull_json_string(struct strbuf *out, const char *s)
{
	json_t *j = json_string(s);
	char *t = j ? json_dumps(j, JSON_ENCODE_ANY) : NULL;

	strbuf_addstr(out, t ? t : "\"\"");
	free(t);
	json_decref(j);
}

int pull_write(const char *inbox, const char *name, const struct strbuf *data,
	       struct error *e)
{
	struct strbuf hidden = STRBUF_INIT;
	char *path = path_join(inbox, name);
	int r = -1;

	if (secret_in(data->buf, data->len)) {
		error_set(e, ERR_NET, "the answer for %s quotes a secret, so it is not written",
			  path);
		goto out;
	}
	/* hidden, and this process's own: two pulls at once never meet */
	strbuf_addf(&hidden, "%s/.%s.%ld", inbox, name, (long)getpid());
	if (fs_mkdirs(inbox, e) ||
	    fs_write(hidden.buf, data->buf, data->len, e))
		goto out;
	if (rename(hidden.buf, path) != 0) {
		error_set(e, ERR_IO, "%s: cannot rename into place: %s", path,
			  strerror(errno));
		unlink(hidden.buf);
		goto out;
	}
	r = fs_dir_fsync(inbox, e);
out:
	strbuf_release(&hidden);
	free(path);
	return r;
}

/* the client of a source, its CA file added */
static int client(struct http_client *c, const char *ca_file, struct error *e)
{
	return http_client_init(c, ca_file, e);
}

static int pull_keeper(const struct sources *s, const struct source *src,
		       const char *inbox, const struct pull_when *w,
		       struct pull_result *r, struct error *e)
{
	struct strbuf url = STRBUF_INIT, hdr = STRBUF_INIT, out = STRBUF_INIT;
	struct strbuf name = STRBUF_INIT, key = STRBUF_INIT;
	struct http_response rs = HTTP_RESPONSE_INIT;
	struct http_client c;
	const char *token, *headers[3];
	char num[16];
	json_t *body;
	int ret = -1;

	strbuf_addf(&key, "%s.token_env", src->key);
	if (sources_env(s, key.buf, src->token_env, 1, &token, e) ||
	    client(&c, src->ca_file, e))
		goto out0;
	strbuf_addf(&url, "%s/bi_api/rest/public/msp/billing-usage", src->url);
	snprintf(num, sizeof(num), "%d", w->m);
	http_query_add(&url, "month", num);
	snprintf(num, sizeof(num), "%d", w->y);
	http_query_add(&url, "year", num);
	strbuf_addf(&hdr, "x-api-token: %s", token);
	headers[0] = hdr.buf;
	headers[1] = "Accept: application/json";
	headers[2] = NULL;
	{
		struct http_request rq = { HTTP_GET, url.buf, headers, NULL, 0 };

		if (http_send(&c, &rq, &rs, e))
			goto out;
	}
	/* the body is kept as its bytes; it must be JSON all the same */
	strbuf_reset(&key);
	strbuf_addf(&key, "GET %.*s", (int)strcspn(url.buf, "?"), url.buf);
	if (http_json(&rs, key.buf, &body, e)) {
		goto out;
	}
	json_decref(body);
	strbuf_addf(&out, "{\"source\": \"keeper-msp-billing\", \"month\": \"%s\", \"response\": ",
		    w->month);
	strbuf_add(&out, rs.body.buf, rs.body.len);
	strbuf_addstr(&out, "}\n");
	strbuf_addf(&name, "pull-%s-%s.json", src->name, w->month);
	if (pull_write(inbox, name.buf, &out, e))
		goto out;
	r->file = path_join(inbox, name.buf);
	r->pages = 1;
	snprintf(r->what, sizeof(r->what), "keeper-msp-billing, %s", w->month);
	ret = 0;
out:
	http_client_release(&c);
out0:
	http_response_release(&rs);
	strbuf_release(&url);
	strbuf_release(&hdr);
	strbuf_release(&out);
	strbuf_release(&name);
	strbuf_release(&key);
	return ret;
}

static int pull_truto(const struct sources *s, const struct source *src,
		      const char *inbox, const struct pull_when *w,
		      struct pull_result *r, struct error *e)
{
	struct strbuf url = STRBUF_INIT, hdr = STRBUF_INIT, out = STRBUF_INIT;
	struct strbuf name = STRBUF_INIT, key = STRBUF_INIT, base = STRBUF_INIT;
	struct http_response rs = HTTP_RESPONSE_INIT;
	struct http_client c;
	const char *token, *headers[3];
	char *cursor = NULL, num[16], day[11];
	json_t *users = json_array();
	size_t pages = 0, i;
	json_t *u;
	int ret = -1;

	strbuf_addf(&key, "%s.token_env", src->key);
	if (sources_env(s, key.buf, src->token_env, 1, &token, e) ||
	    client(&c, src->ca_file, e))
		goto out0;
	strbuf_addf(&hdr, "Authorization: Bearer %s", token);
	headers[0] = hdr.buf;
	headers[1] = "Accept: application/json";
	headers[2] = NULL;
	strbuf_addf(&base, "%s/unified/user-directory/users", src->url);
	snprintf(num, sizeof(num), "%d", src->limit);
	for (;;) {
		struct http_request rq = { HTTP_GET, NULL, headers, NULL, 0 };
		json_t *page, *result, *next;

		if (pages == PULL_MAX_PAGES) {
			error_set(e, ERR_NET, "GET %s: more than %d pages",
				  base.buf, PULL_MAX_PAGES);
			goto out;
		}
		strbuf_reset(&url);
		strbuf_add(&url, base.buf, base.len);
		http_query_add(&url, "integrated_account_id",
			       src->integrated_account_id);
		http_query_add(&url, "limit", num);
		if (cursor)
			http_query_add(&url, "next_cursor", cursor);
		rq.url = url.buf;
		if (http_send(&c, &rq, &rs, e))
			goto out;
		pages++;
		strbuf_reset(&key);
		strbuf_addf(&key, "GET %s: page %zu", base.buf, pages);
		if (http_json(&rs, key.buf, &page, e)) {
				goto out;
		}
		result = json_object_get(page, "result");
		if (!json_is_array(result)) {
			error_set(e, ERR_NET, "GET %s: page %zu has no \"result\" array",
				  base.buf, pages);
			json_decref(page);
			goto out;
		}
		json_array_extend(users, result);
		next = json_object_get(page, "next_cursor");
		if (next && !json_is_null(next) && !json_is_string(next)) {
			error_set(e, ERR_NET, "GET %s: page %zu: next_cursor is not a string",
				  base.buf, pages);
			json_decref(page);
			goto out;
		}
		if (!json_is_string(next) || !*json_string_value(next)) {
			json_decref(page);
			break;
		}
		if (cursor && !strcmp(cursor, json_string_value(next))) {
			error_set(e, ERR_NET, "GET %s: page %zu gives the same next_cursor again",
				  base.buf, pages);
			json_decref(page);
			goto out;
		}
		free(cursor);
		cursor = xstrdup(json_string_value(next));
		json_decref(page);
	}
	date_format(day, w->today);
	strbuf_addstr(&out, "{\"vendor\": ");
	pull_json_string(&out, src->vendor);
	strbuf_addstr(&out, ", \"account_id\": ");
	pull_json_string(&out, src->account_id);
	strbuf_addstr(&out, ", \"account_name\": ");
	pull_json_string(&out, src->account_name);
	strbuf_addf(&out, ", \"snapshot_date\": \"%s\",\n \"result\": [", day);
	json_array_foreach(users, i, u) {
		/* 17 digits: a number a user carries reads back the same */
		char *t = json_dumps(u, JSON_ENCODE_ANY | JSON_COMPACT |
				     JSON_REAL_PRECISION(17));

		strbuf_addstr(&out, i ? ",\n  " : "\n  ");
		strbuf_addstr(&out, t ? t : "null");
		free(t);
	}
	strbuf_addstr(&out, i ? "\n ]}\n" : "]}\n");
	strbuf_addf(&name, "pull-%s-%s.json", src->name, day);
	if (pull_write(inbox, name.buf, &out, e))
		goto out;
	r->file = path_join(inbox, name.buf);
	r->pages = pages;
	r->records = json_array_size(users);
	snprintf(r->what, sizeof(r->what), "truto-users, %zu page%s, %zu user%s",
		 pages, pages == 1 ? "" : "s", r->records,
		 r->records == 1 ? "" : "s");
	ret = 0;
out:
	http_client_release(&c);
out0:
	json_decref(users);
	free(cursor);
	http_response_release(&rs);
	strbuf_release(&url);
	strbuf_release(&hdr);
	strbuf_release(&out);
	strbuf_release(&name);
	strbuf_release(&key);
	strbuf_release(&base);
	return ret;
}

int pull_source(const struct sources *s, const struct source *src,
		const char *inbox, const struct pull_when *w,
		struct pull_result *r, struct error *e)
{
	memset(r, 0, sizeof(*r));
	if (src->type == SOURCE_KEEPER)
		return pull_keeper(s, src, inbox, w, r, e);
	return pull_truto(s, src, inbox, w, r, e);
}

int pull_psa(const struct sources *s, const char *inbox,
	     const struct pull_when *w, struct pull_result *r,
	     struct error *e)
{
	struct strbuf csv = STRBUF_INIT, name = STRBUF_INIT;
	struct psa_api a;
	int32_t eff = period_next_first(w->y, w->m);
	char day[11], effday[11];
	size_t rows = 0, pages = 0;
	int ret = -1;

	memset(r, 0, sizeof(*r));
	if (psa_api_open(&a, s, e))
		return -1;
	if (psa_api_zone(&a, e) ||
	    psa_pull_units(&a, eff, &csv, &rows, &pages, e))
		goto out;
	date_format(day, w->today);
	strbuf_addf(&name, "pull-psa-units-%s.csv", day);
	if (pull_write(inbox, name.buf, &csv, e))
		goto out;
	r->file = path_join(inbox, name.buf);
	r->records = rows;
	r->pages = pages;
	date_format(effday, eff);
	snprintf(r->what, sizeof(r->what), "%s, %zu row%s in effect on %s",
		 psa_name(s->psa.type), rows, rows == 1 ? "" : "s", effday);
	ret = 0;
out:
	psa_api_release(&a);
	strbuf_release(&csv);
	strbuf_release(&name);
	return ret;
}
