#ifndef PSAAPI_H
#define PSAAPI_H
/*
 * The PSA's API as make pull and make push talk to it (README.md,
 * "Setting up the PSA"): its secrets from the environment, the headers
 * every PSA request carries, and where requests go.
 *
 *   Autotask     ApiIntegrationCode, UserName, Secret (and Content-Type:
 *                application/json); requests go to the zone of the API
 *                user, found by GET <zone_lookup_url>?user=<username>,
 *                whose "url" (e.g. https://webservices5.autotask.net/
 *                ATServicesRest/) request paths such as
 *                "V1.0/ContractServiceUnits/query" are added to.
 *   ConnectWise  Authorization: Basic base64(<company>+<public key>:
 *                <private key>) and clientId; requests go to <url>.
 *
 * Secrets (secret.h): the Autotask secret and integration code, the
 * ConnectWise keys and the Basic credential; the Autotask user name, the
 * ConnectWise company and client id are not.
 */
#include <jansson.h>
#include "error.h"
#include "http.h"
#include "settings.h"
#include "sources.h"
#include "strbuf.h"

struct psa_api {
	enum psa type;
	struct http_client http;
	char *hdr[3];		/* the auth header lines, owned */
	const char *headers[6];	/* hdr, Content-Type, Accept; NULL-ended */
	char *lookup;		/* Autotask: the zone lookup URL with ?user= */
	char *base;		/* Autotask: the zone's url, ending in '/',
				   after psa_api_zone; ConnectWise: url */
	char *origin;		/* base's scheme://host[:port] */
};

/*
 * Read the secrets of s->psa from the environment and make the client.
 * No request is made. Returns 0 (release a in any case), or -1 with e
 * (ERR_CONFIG: a variable not set, a CA file that cannot be read).
 */
int psa_api_open(struct psa_api *a, const struct sources *s, struct error *e);
void psa_api_release(struct psa_api *a);

/*
 * Autotask: the zone lookup, a GET, setting a->base and a->origin (the
 * zone's url must be allowed by http_url_allowed). ConnectWise: nothing.
 * Returns 0, or -1 with e (ERR_NET).
 */
int psa_api_zone(struct psa_api *a, struct error *e);

/* GET url with the PSA's headers, the answer as JSON into *out (new) */
int psa_api_get_json(struct psa_api *a, const char *url, json_t **out,
		     struct error *e);

/*
 * The URL of a "nextPageUrl" an answer gave, into out (appended): an
 * absolute URL of base's origin, or a path ("/...") on it; a link to
 * another host is refused (the PSA's headers go with every request).
 * Returns 0, or -1 with e (ERR_NET).
 */
int psa_api_next_url(const struct psa_api *a, const char *next,
		     struct strbuf *out, struct error *e);
#endif
