#ifndef SOURCES_H
#define SOURCES_H
/*
 * config/sources.json (README.md, "Pulling from the APIs"): where make
 * pull fetches from and make push sends to.
 *
 *   {"sources": [
 *      {"type": "keeper-msp-billing", "name": "keeper",
 *       "url": "https://keepersecurity.com", "token_env": "KEEPER_BILLING_TOKEN"},
 *      {"type": "truto-users", "name": "acme-keeper",
 *       "url": "https://api.truto.one", "token_env": "TRUTO_TOKEN",
 *       "integrated_account_id": "8c5d...", "limit": 100,
 *       "vendor": "keeper", "account_id": "3870001", "account_name": "Acme Dental"}],
 *    "psa": {"type": "autotask", "zone_lookup_url": "https://...",
 *       "username_env": "...", "secret_env": "...", "integration_code_env": "..."}}
 *
 * or a "psa" of type "connectwise" with "url", "company_env",
 * "public_key_env", "private_key_env" and "client_id_env". Every source
 * and the psa may have "ca_file", a PEM bundle added to the system's CAs
 * (a relative path is taken from the folder of sources.json).
 *
 * Rules: secrets never stand in the file, only the names of environment
 * variables (*_env: a letter or '_' then letters, digits or '_'); a url
 * is https://, or http://127.0.0.1 and http://localhost (for tests),
 * without a query (trailing '/' dropped); name is 1 to 64 of A-Z a-z 0-9
 * _ -, unique; limit is 1 to 1000 (default 100); "psa" is optional, and so
 * are "limit" and "ca_file"; every other key shown is required. An
 * unknown key or a bad value is a configuration error naming the key:
 * "config/sources.json: sources[1].limit: must be a whole number from 1
 * to 1000 (0)".
 */
#include <stddef.h>
#include "error.h"
#include "settings.h"

enum source_type { SOURCE_KEEPER, SOURCE_TRUTO };

struct source {
	enum source_type type;
	char *key;		/* "sources[1]", for messages */
	char *name;
	char *url;
	char *token_env;
	char *ca_file;		/* or NULL */
	/* truto-users */
	char *integrated_account_id;
	int limit;
	char *vendor, *account_id, *account_name;
};

struct psa_source {
	int present;
	enum psa type;
	char *ca_file;		/* or NULL */
	/* autotask */
	char *zone_lookup_url;
	char *username_env, *secret_env, *integration_code_env;
	/* connectwise */
	char *url;
	char *company_env, *public_key_env, *private_key_env, *client_id_env;
};

struct sources {
	char *path;		/* the file read */
	struct source *v;
	size_t n;
	struct psa_source psa;
};

/* the type's name as sources.json spells it: "keeper-msp-billing" */
const char *source_type_name(enum source_type t);

/*
 * Read path into s (zeroed first; release it in any case). A missing
 * file is an error too (ERR_CONFIG: make pull and make push need it).
 * Returns 0, or -1 with e (ERR_CONFIG, naming the key).
 */
int sources_load(struct sources *s, const char *path, struct error *e);
void sources_release(struct sources *s);

/*
 * The value of the environment variable var that key of sources.json
 * (e.g. "sources[0].token_env") names, into *out (the environment's).
 * With secret set the value is registered in secret.h, so that no
 * message shows it. Returns 0, or -1 with e (ERR_CONFIG) when it is not
 * set or empty: "<path>: <key>: the environment variable <var> is not
 * set".
 */
int sources_env(const struct sources *s, const char *key, const char *var,
		int secret, const char **out, struct error *e);
#endif
