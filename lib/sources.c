#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <jansson.h>
#include "http.h"
#include "jsonnum.h"
#include "secret.h"
#include "sources.h"
#include "strbuf.h"
#include "xalloc.h"
#include "banned.h"

const char *source_type_name(enum source_type t)
{
	return t == SOURCE_KEEPER ? "keeper-msp-billing" : "truto-users";
}

/* what is being read, for messages: the file and the key path */
struct reader {
	const char *path;
	const char *dir;	/* the folder of path, for relative ca_file */
	struct error *e;
};

static int bad(struct reader *r, const char *obj, const char *key,
	       const char *why, const json_t *v)
{
	char *txt = v ? jsonnum_show(v) : NULL;

	if (txt)
		error_set(r->e, ERR_CONFIG, "%s: %s%s%s: %s (%s)", r->path, obj,
			  *obj ? "." : "", key, why, txt);
	else
		error_set(r->e, ERR_CONFIG, "%s: %s%s%s: %s", r->path, obj,
			  *obj ? "." : "", key, why);
	free(txt);
	return -1;
}

/*
 * An unknown key: its value is never shown (it may be a secret written
 * in the file by mistake), and a key that looks like a secret's says
 * where a secret goes.
 */
static int unknown_key(struct reader *r, const char *obj, const char *key,
		       const char *what)
{
	static const char *const secretish[] = { "token", "secret", "key",
						 "password", "pass" };
	char why[256];

	snprintf(why, sizeof(why), "unknown key of %s (its value is not shown)", what);
	for (size_t i = 0; i < sizeof(secretish) / sizeof(*secretish); i++)
		if (strstr(key, secretish[i])) {
			snprintf(why, sizeof(why),
				 "unknown key of %s (its value is not shown): a secret never goes in sources.json; put it in an environment variable and name that variable in %s_env",
				 what, key);
			break;
		}
	return bad(r, obj, key, why, NULL);
}

static int plain_text(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return 0;
	return 1;
}

/* a non-empty string without control characters, copied into *out */
static int get_text(struct reader *r, const char *obj, const char *key,
		    const json_t *v, char **out)
{
	const char *t = json_is_string(v) ? json_string_value(v) : NULL;

	if (!t || !*t || !plain_text(t))
		return bad(r, obj, key, "must be a non-empty string", v);
	*out = xstrdup(t);
	return 0;
}

static int get_url(struct reader *r, const char *obj, const char *key,
		   const json_t *v, char **out)
{
	const char *t = json_is_string(v) ? json_string_value(v) : NULL;
	size_t n;

	if (!t || !http_url_allowed(t) || strpbrk(t, "?#"))
		return bad(r, obj, key, "must be an https:// URL (http:// only for 127.0.0.1 and localhost) without a query", v);
	n = strlen(t);
	while (n > 8 && t[n - 1] == '/')
		n--;
	*out = xstrndup(t, n);
	return 0;
}

static int get_env(struct reader *r, const char *obj, const char *key,
		   const json_t *v, char **out)
{
	const char *t = json_is_string(v) ? json_string_value(v) : NULL;
	size_t n = t ? strlen(t) : 0;
	int ok = n > 0 && n <= 128 && !(t[0] >= '0' && t[0] <= '9');

	for (size_t i = 0; ok && i < n; i++)
		ok = (t[i] >= 'A' && t[i] <= 'Z') || (t[i] >= 'a' && t[i] <= 'z') ||
		     (t[i] >= '0' && t[i] <= '9') || t[i] == '_';
	if (!ok)
		return bad(r, obj, key, "must be the name of an environment variable (letters, digits, '_'; the secret itself never stands here; its value is not shown)", NULL);
	*out = xstrdup(t);
	return 0;
}

static int get_name(struct reader *r, const char *obj, const json_t *v,
		    char **out)
{
	const char *t = json_is_string(v) ? json_string_value(v) : NULL;
	size_t n = t ? strlen(t) : 0;
	int ok = n >= 1 && n <= 64;

	for (size_t i = 0; ok && i < n; i++)
		ok = (t[i] >= 'A' && t[i] <= 'Z') || (t[i] >= 'a' && t[i] <= 'z') ||
		     (t[i] >= '0' && t[i] <= '9') || t[i] == '_' || t[i] == '-';
	if (!ok)
		return bad(r, obj, "name", "must be 1 to 64 of A-Z a-z 0-9 _ -", v);
	*out = xstrdup(t);
	return 0;
}

static int get_ca(struct reader *r, const char *obj, const json_t *v,
		  char **out)
{
	char *t;

	if (get_text(r, obj, "ca_file", v, &t))
		return -1;
	if (t[0] == '/' || !*r->dir) {
		*out = t;
	} else {
		*out = path_join(r->dir, t);
		free(t);
	}
	return 0;
}

static int missing(struct reader *r, const char *obj, const char *key)
{
	return bad(r, obj, key, "is missing", NULL);
}

static int load_source(struct reader *r, struct source *s, const char *obj,
		       json_t *o)
{
	const char *key;
	json_t *v, *type = json_object_get(o, "type");
	const char *t = json_is_string(type) ? json_string_value(type) : NULL;

	if (!t)
		return type ? bad(r, obj, "type", "must be \"keeper-msp-billing\" or \"truto-users\"", type)
			    : missing(r, obj, "type");
	if (!strcmp(t, "keeper-msp-billing"))
		s->type = SOURCE_KEEPER;
	else if (!strcmp(t, "truto-users"))
		s->type = SOURCE_TRUTO;
	else
		return bad(r, obj, "type", "must be \"keeper-msp-billing\" or \"truto-users\"", type);
	s->limit = 100;
	json_object_foreach(o, key, v) {
		int truto = s->type == SOURCE_TRUTO;
		int rc;

		if (!strcmp(key, "type"))
			continue;
		if (!strcmp(key, "name"))
			rc = get_name(r, obj, v, &s->name);
		else if (!strcmp(key, "url"))
			rc = get_url(r, obj, key, v, &s->url);
		else if (!strcmp(key, "token_env"))
			rc = get_env(r, obj, key, v, &s->token_env);
		else if (!strcmp(key, "ca_file"))
			rc = get_ca(r, obj, v, &s->ca_file);
		else if (truto && !strcmp(key, "integrated_account_id"))
			rc = get_text(r, obj, key, v, &s->integrated_account_id);
		else if (truto && !strcmp(key, "vendor"))
			rc = get_text(r, obj, key, v, &s->vendor);
		else if (truto && !strcmp(key, "account_id"))
			rc = get_text(r, obj, key, v, &s->account_id);
		else if (truto && !strcmp(key, "account_name"))
			rc = get_text(r, obj, key, v, &s->account_name);
		else if (truto && !strcmp(key, "limit")) {
			json_int_t l = json_is_integer(v) ? json_integer_value(v) : 0;

			rc = 0;
			if (l < 1 || l > 1000)
				rc = bad(r, obj, key, "must be a whole number from 1 to 1000", v);
			s->limit = (int)l;
		} else {
			char what[64];

			snprintf(what, sizeof(what), "a %s source", t);
			rc = unknown_key(r, obj, key, what);
		}
		if (rc)
			return -1;
	}
	if (!s->name)
		return missing(r, obj, "name");
	if (!s->url)
		return missing(r, obj, "url");
	if (!s->token_env)
		return missing(r, obj, "token_env");
	if (s->type == SOURCE_TRUTO) {
		if (!s->integrated_account_id)
			return missing(r, obj, "integrated_account_id");
		if (!s->vendor)
			return missing(r, obj, "vendor");
		if (!s->account_id)
			return missing(r, obj, "account_id");
		if (!s->account_name)
			return missing(r, obj, "account_name");
	}
	return 0;
}

static int load_psa(struct reader *r, struct psa_source *p, json_t *o)
{
	static const char obj[] = "psa";
	const char *key;
	json_t *v, *type = json_object_get(o, "type");
	const char *t = json_is_string(type) ? json_string_value(type) : NULL;
	int at;

	if (!t)
		return type ? bad(r, obj, "type", "must be \"autotask\" or \"connectwise\"", type)
			    : missing(r, obj, "type");
	if (!strcmp(t, "autotask"))
		p->type = PSA_AUTOTASK;
	else if (!strcmp(t, "connectwise"))
		p->type = PSA_CONNECTWISE;
	else
		return bad(r, obj, "type", "must be \"autotask\" or \"connectwise\"", type);
	at = p->type == PSA_AUTOTASK;
	json_object_foreach(o, key, v) {
		int rc;

		if (!strcmp(key, "type"))
			continue;
		if (!strcmp(key, "ca_file"))
			rc = get_ca(r, obj, v, &p->ca_file);
		else if (at && !strcmp(key, "zone_lookup_url"))
			rc = get_url(r, obj, key, v, &p->zone_lookup_url);
		else if (at && !strcmp(key, "username_env"))
			rc = get_env(r, obj, key, v, &p->username_env);
		else if (at && !strcmp(key, "secret_env"))
			rc = get_env(r, obj, key, v, &p->secret_env);
		else if (at && !strcmp(key, "integration_code_env"))
			rc = get_env(r, obj, key, v, &p->integration_code_env);
		else if (!at && !strcmp(key, "url"))
			rc = get_url(r, obj, key, v, &p->url);
		else if (!at && !strcmp(key, "company_env"))
			rc = get_env(r, obj, key, v, &p->company_env);
		else if (!at && !strcmp(key, "public_key_env"))
			rc = get_env(r, obj, key, v, &p->public_key_env);
		else if (!at && !strcmp(key, "private_key_env"))
			rc = get_env(r, obj, key, v, &p->private_key_env);
		else if (!at && !strcmp(key, "client_id_env"))
			rc = get_env(r, obj, key, v, &p->client_id_env);
		else {
			char what[64];

			snprintf(what, sizeof(what), "the %s psa", t);
			rc = unknown_key(r, obj, key, what);
		}
		if (rc)
			return -1;
	}
	if (at) {
		if (!p->zone_lookup_url)
			return missing(r, obj, "zone_lookup_url");
		if (!p->username_env)
			return missing(r, obj, "username_env");
		if (!p->secret_env)
			return missing(r, obj, "secret_env");
		if (!p->integration_code_env)
			return missing(r, obj, "integration_code_env");
	} else {
		if (!p->url)
			return missing(r, obj, "url");
		if (!p->company_env)
			return missing(r, obj, "company_env");
		if (!p->public_key_env)
			return missing(r, obj, "public_key_env");
		if (!p->private_key_env)
			return missing(r, obj, "private_key_env");
		if (!p->client_id_env)
			return missing(r, obj, "client_id_env");
	}
	p->present = 1;
	return 0;
}

int sources_load(struct sources *s, const char *path, struct error *e)
{
	struct reader r = { path, NULL, e };
	json_error_t je;
	json_t *root, *v;
	const char *key, *slash = strrchr(path, '/');
	char *dir = slash ? xstrndup(path, (size_t)(slash - path)) : xstrdup("");
	int ret = -1;

	memset(s, 0, sizeof(*s));
	s->path = xstrdup(path);
	r.dir = dir;
	root = json_load_file(path, JSON_REJECT_DUPLICATES, &je);
	if (!root) {
		struct stat st;

		if (stat(path, &st) != 0 && errno == ENOENT)
			error_set(e, ERR_CONFIG, "%s: missing: make pull and make push read the APIs to use from it (README.md, \"Pulling from the APIs\")",
				  path);
		else
			error_set(e, ERR_CONFIG, "%s:%d: %s", path, je.line, je.text);
		free(dir);
		return -1;
	}
	if (!json_is_object(root)) {
		error_set(e, ERR_CONFIG, "%s: not a JSON object", path);
		goto out;
	}
	json_object_foreach(root, key, v) {
		if (!strcmp(key, "sources")) {
			size_t i;
			json_t *x;

			if (!json_is_array(v)) {
				bad(&r, "", key, "must be an array of sources", v);
				goto out;
			}
			s->v = xcalloc(json_array_size(v) + 1, sizeof(*s->v));
			json_array_foreach(v, i, x) {
				struct source *src = &s->v[s->n++];
				char obj[32];

				snprintf(obj, sizeof(obj), "sources[%zu]", i);
				src->key = xstrdup(obj);
				if (!json_is_object(x)) {
					bad(&r, "", obj, "must be an object", x);
					goto out;
				}
				if (load_source(&r, src, obj, x))
					goto out;
				for (size_t j = 0; j + 1 < s->n; j++)
					if (!strcmp(s->v[j].name, src->name)) {
						bad(&r, obj, "name", "is the name of another source",
						    json_object_get(x, "name"));
						goto out;
					}
			}
		} else if (!strcmp(key, "psa")) {
			if (!json_is_object(v)) {
				bad(&r, "", key, "must be an object", v);
				goto out;
			}
			if (load_psa(&r, &s->psa, v))
				goto out;
		} else {
			unknown_key(&r, "", key, "sources.json");
			goto out;
		}
	}
	ret = 0;
out:
	json_decref(root);
	free(dir);
	return ret;
}

void sources_release(struct sources *s)
{
	for (size_t i = 0; i < s->n; i++) {
		struct source *x = &s->v[i];

		free(x->key);
		free(x->name);
		free(x->url);
		free(x->token_env);
		free(x->ca_file);
		free(x->integrated_account_id);
		free(x->vendor);
		free(x->account_id);
		free(x->account_name);
	}
	free(s->v);
	free(s->psa.ca_file);
	free(s->psa.zone_lookup_url);
	free(s->psa.username_env);
	free(s->psa.secret_env);
	free(s->psa.integration_code_env);
	free(s->psa.url);
	free(s->psa.company_env);
	free(s->psa.public_key_env);
	free(s->psa.private_key_env);
	free(s->psa.client_id_env);
	free(s->path);
	memset(s, 0, sizeof(*s));
}

int sources_env(const struct sources *s, const char *key, const char *var,
		int secret, const char **out, struct error *e)
{
	const char *v = getenv(var);

	if (!v || !*v)
		return error_set(e, ERR_CONFIG, "%s: %s: the environment variable %s is not set",
				 s->path, key, var);
	if (secret)
		secret_add(v);
	*out = v;
	return 0;
}
