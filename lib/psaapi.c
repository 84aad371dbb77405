#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "jsonnum.h"
#include "psaapi.h"
#include "secret.h"
#include "xalloc.h"
#include "banned.h"

static char *line(const char *name, const char *value)
{
	struct strbuf sb = STRBUF_INIT;

	strbuf_addf(&sb, "%s: %s", name, value);
	return strbuf_detach(&sb);
}

int psa_api_open(struct psa_api *a, const struct sources *s, struct error *e)
{
	const struct psa_source *p = &s->psa;
	struct strbuf origin = STRBUF_INIT;
	size_t n = 0;

	memset(a, 0, sizeof(*a));
	a->type = p->type;
	if (p->type == PSA_AUTOTASK) {
		const char *user, *secret, *code;
		struct strbuf url = STRBUF_INIT;

		if (sources_env(s, "psa.username_env", p->username_env, 0, &user, e) ||
		    sources_env(s, "psa.secret_env", p->secret_env, 1, &secret, e) ||
		    sources_env(s, "psa.integration_code_env",
				p->integration_code_env, 1, &code, e))
			return -1;
		a->hdr[0] = line("ApiIntegrationCode", code);
		a->hdr[1] = line("UserName", user);
		a->hdr[2] = line("Secret", secret);
		strbuf_addstr(&url, p->zone_lookup_url);
		http_query_add(&url, "user", user);
		a->lookup = strbuf_detach(&url);
	} else {
		const char *company, *pub, *priv, *client;
		struct strbuf cred = STRBUF_INIT, b64 = STRBUF_INIT;

		if (sources_env(s, "psa.company_env", p->company_env, 0, &company, e) ||
		    sources_env(s, "psa.public_key_env", p->public_key_env, 1, &pub, e) ||
		    sources_env(s, "psa.private_key_env", p->private_key_env, 1, &priv, e) ||
		    sources_env(s, "psa.client_id_env", p->client_id_env, 0, &client, e))
			return -1;
		strbuf_addf(&cred, "%s+%s:%s", company, pub, priv);
		http_base64(cred.buf, cred.len, &b64);
		secret_add(b64.buf);
		strbuf_reset(&cred);
		strbuf_addf(&cred, "Basic %s", b64.buf);
		a->hdr[0] = line("Authorization", cred.buf);
		strbuf_release(&cred);
		strbuf_release(&b64);
		a->hdr[1] = line("clientId", client);
		a->base = xstrdup(p->url);
		http_url_origin(a->base, &origin);
		a->origin = strbuf_detach(&origin);
	}
	for (int i = 0; i < 3; i++)
		if (a->hdr[i])
			a->headers[n++] = a->hdr[i];
	a->headers[n++] = "Content-Type: application/json";
	a->headers[n++] = "Accept: application/json";
	a->headers[n] = NULL;
	return http_client_init(&a->http, p->ca_file, e);
}

void psa_api_release(struct psa_api *a)
{
	http_client_release(&a->http);
	for (int i = 0; i < 3; i++)
		free(a->hdr[i]);
	free(a->lookup);
	free(a->base);
	free(a->origin);
	memset(a, 0, sizeof(*a));
}

int psa_api_get_json(struct psa_api *a, const char *url, json_t **out,
		     struct error *e)
{
	struct http_request rq = { HTTP_GET, url, a->headers, NULL, 0 };
	struct http_response rs = HTTP_RESPONSE_INIT;
	struct strbuf what = STRBUF_INIT;
	int r;

	if (http_send(&a->http, &rq, &rs, e)) {
		http_response_release(&rs);
		return -1;
	}
	strbuf_addf(&what, "GET %.*s", (int)strcspn(url, "?"), url);
	r = http_json(&rs, what.buf, out, e);
	strbuf_release(&what);
	http_response_release(&rs);
	return r;
}

int psa_api_zone(struct psa_api *a, struct error *e)
{
	struct strbuf base = STRBUF_INIT, origin = STRBUF_INIT;
	json_t *root, *url;
	const char *u;

	if (a->type != PSA_AUTOTASK)
		return 0;
	if (psa_api_get_json(a, a->lookup, &root, e))
		return -1;
	url = json_object_get(root, "url");
	u = json_is_string(url) ? json_string_value(url) : NULL;
	if (!u || !http_url_allowed(u) || strpbrk(u, "?#")) {
		char *t = jsonnum_show(url);

		error_set(e, ERR_NET, "GET %.*s: the zone's \"url\" is not an https:// URL (%s)",
			  (int)strcspn(a->lookup, "?"), a->lookup, t);
		free(t);
		json_decref(root);
		return -1;
	}
	strbuf_addstr(&base, u);
	if (base.buf[base.len - 1] != '/')
		strbuf_addch(&base, '/');
	json_decref(root);
	http_url_origin(base.buf, &origin);
	free(a->base);
	free(a->origin);
	a->base = strbuf_detach(&base);
	a->origin = strbuf_detach(&origin);
	return 0;
}

int psa_api_next_url(const struct psa_api *a, const char *next,
		     struct strbuf *out, struct error *e)
{
	size_t on = strlen(a->origin);

	if (next[0] == '/' && next[1] != '/') {
		strbuf_addstr(out, a->origin);
		strbuf_addstr(out, next);
		return 0;
	}
	if (!strncmp(next, a->origin, on) && (next[on] == '/' || next[on] == '?') &&
	    http_url_allowed(next)) {
		strbuf_addstr(out, next);
		return 0;
	}
	return error_set(e, ERR_NET, "nextPageUrl leads away from %s (\"%.*s\"): not followed",
			 a->origin, (int)strcspn(next, "?"), next);
}
