#ifndef HTTP_H
#define HTTP_H
/*
 * The one HTTP client of tally (README.md, "Pulling from the APIs",
 * "Pushing to the PSA"), over libcurl, for every request of make pull
 * and make push.
 *
 * Every request: a connect timeout of 10 s and a total of 60 s; TLS
 * always verified (a client may add a CA file to the system's, never turn
 * verification off); no redirect followed; curl's verbose output never
 * on; only http and https. Bodies are bytes (strbuf), sent and received
 * as they are.
 *
 * Retries, at most HTTP_TRIES tries in all, waiting between them from
 * 1 s doubling (1, 2, 4, 8 s) with +-20 % jitter, or what the answer's
 * Retry-After asks (seconds or an HTTP date) up to HTTP_MAX_WAIT_S; a
 * longer wait stops the request, naming it. What is retried depends on
 * the method (http_verdict):
 *
 *   GET          429 and 5xx answers, a timeout, a dropped connection, a
 *                connect failure
 *   PATCH        429 and 5xx answers (an update to a value: sending it
 *                twice does no harm) and a connect failure before it was
 *                sent; a timeout or a dropped connection after it was
 *                sent leaves its outcome unknown
 *   POST_CREATE  a request that creates, so that sending it twice creates
 *                twice: sent on a fresh connection, retried only where
 *                the server cannot have applied it (429, 503, a DNS, TCP
 *                or TLS connect failure before the request was sent);
 *                any other failure after sending (a 5xx, a timeout, a
 *                dropped connection) leaves its outcome unknown
 *
 * Any other 4xx stops at once with the status and the server's message.
 * Every message this module builds is masked (secret.h): a server that
 * quotes a secret is printed with "***" in its place.
 *
 * For tests only, two environment variables shorten the waits:
 * TALLY_TEST_HTTP_TIMEOUT_MS (the total timeout of a request, in ms) and
 * TALLY_TEST_HTTP_BACKOFF_MS (the first wait between tries, in ms).
 */
#include <stddef.h>
#include <time.h>
#include <jansson.h>
#include "error.h"
#include "strbuf.h"

#define HTTP_TRIES 5
#define HTTP_CONNECT_TIMEOUT_MS 10000L
#define HTTP_TOTAL_TIMEOUT_MS 60000L
#define HTTP_BACKOFF_MS 1000L
#define HTTP_MAX_WAIT_S 60L
/* an answer's body past this is refused (memory stays bounded) */
#define HTTP_MAX_BODY (256L << 20)

enum http_method { HTTP_GET, HTTP_PATCH, HTTP_POST_CREATE };

struct http_client {
	void *curl;		/* CURL *, owned; its connections are reused */
	struct strbuf ca;	/* the system's CA bundle and the added file */
	int have_ca;
	long total_ms, backoff_ms;
};

/*
 * A client; ca_file (may be NULL) is a PEM bundle added to the system's
 * CAs. Returns 0, or -1 with e (ERR_CONFIG when ca_file cannot be read,
 * ERR_IO when libcurl cannot start).
 */
int http_client_init(struct http_client *c, const char *ca_file,
		     struct error *e);
void http_client_release(struct http_client *c);

struct http_request {
	enum http_method method;
	const char *url;
	/* "Name: value" lines, NULL-ended (may hold secrets: never shown) */
	const char *const *headers;
	const char *body;	/* PATCH and POST: the bytes sent */
	size_t body_len;
};

enum http_outcome {
	HTTP_DONE,	/* a 2xx answer */
	HTTP_REFUSED,	/* a 4xx answer other than 429: not applied */
	HTTP_FAILED,	/* not applied (or, for a PATCH, harmless to send
			   again): nothing was sent, or the last try got a
			   429, a 5xx (GET, PATCH, and 503 to a POST), a
			   timeout (GET), or a Retry-After past the limit */
	HTTP_UNKNOWN,	/* sent, and whether it was applied is unknown */
};

struct http_response {
	enum http_outcome outcome;
	long status;		/* the last answer's HTTP status, 0 if none */
	int tries;
	long wait_asked;	/* a Retry-After past the limit, in s, or 0 */
	struct strbuf body;	/* the last answer's body */
};
#define HTTP_RESPONSE_INIT { HTTP_DONE, 0, 0, 0, STRBUF_INIT }

/*
 * Send rq by the rules above into rs (released first). Returns 0 for a
 * 2xx answer, or -1 with e (ERR_NET) saying what happened:
 * "<METHOD> <url without its query>: HTTP 401 (\"<server message>\")",
 * "...: no answer within 60 s after 5 tries", "...: after the request was
 * sent: HTTP 500: whether it was applied is unknown", and rs->outcome
 * saying which it was.
 */
int http_send(struct http_client *c, const struct http_request *rq,
	      struct http_response *rs, struct error *e);
void http_response_release(struct http_response *rs);

/*
 * rs's body as JSON (any value; integers stay integers, duplicate keys
 * refused) into *out (a new reference). Returns 0, or -1 with e
 * (ERR_NET): "<what>: malformed JSON (line L, column C: <why>)".
 */
int http_json(const struct http_response *rs, const char *what,
	      json_t **out, struct error *e);

/* --- the rules, one function each (tests/unit/test_http.c) ------------- */

/* what went wrong below HTTP on a try */
enum http_transport {
	HTTP_T_ANSWER,	/* an answer came (its status says the rest) */
	HTTP_T_CONNECT,	/* DNS, TCP or TLS connect failure: nothing sent */
	HTTP_T_FATAL,	/* nothing sent, and trying again cannot help (TLS
			   verification, a bad URL) */
	HTTP_T_TIMEOUT,	/* sent, then no whole answer in time */
	HTTP_T_DROPPED,	/* sent, then the connection dropped */
	HTTP_T_TOOBIG,	/* the answer's body is over HTTP_MAX_BODY */
};

enum http_verdict {
	HTTP_V_DONE, HTTP_V_RETRY, HTTP_V_REFUSED, HTTP_V_FAILED,
	HTTP_V_UNKNOWN,
};

/* the verdict on one try by method, transport and status (see above) */
enum http_verdict http_verdict(enum http_method m, enum http_transport t,
			       long status);

/*
 * Retry-After's value: whole seconds ("120") or an HTTP date ("Wed, 21
 * Oct 2026 07:28:00 GMT", and the obsolete RFC 850 and asctime forms),
 * as seconds from now (0 for a date past). Returns 0, or -1 when the
 * value is neither.
 */
int http_retry_after(const char *value, time_t now, long *secs);

/*
 * The wait before try number next (2..HTTP_TRIES), in ms: base_ms x
 * 2^(next - 2), times 0.8 to 1.2 by rnd (any value).
 */
long http_backoff_ms(long base_ms, int next, unsigned rnd);

/*
 * The server's message in body[0..len) for a person: a JSON body's
 * "message", "error_description", "error" (a string or an object's
 * "message"), "detail" or "errors" (strings, or objects' "message"s);
 * otherwise the text itself. Control characters read as blanks, runs of
 * blanks as one, cut at 300 bytes, secrets masked. Appended to out;
 * nothing for an empty body.
 */
void http_server_message(const char *body, size_t len, struct strbuf *out);

/*
 * 1 when url may be used: "https://<host>...", or "http://127.0.0.1" and
 * "http://localhost" (with any port), for tests. The host must not be
 * empty and no blank or control character may appear.
 */
int http_url_allowed(const char *url);

/*
 * The origin "scheme://host[:port]" of url into out (appended). Returns
 * 0, or -1 when url has no "://".
 */
int http_url_origin(const char *url, struct strbuf *out);

/* append "?key=value" (or "&key=value") to url, value percent-encoded */
void http_query_add(struct strbuf *url, const char *key, const char *value);

/* standard base64 of data[0..len), appended to out */
void http_base64(const char *data, size_t len, struct strbuf *out);
#endif
