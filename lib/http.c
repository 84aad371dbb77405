#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>
#include <curl/curl.h>
#include "http.h"
#include "secret.h"
#include "version.h"
#include "xalloc.h"
#include "banned.h"

/* --- the rules ------------------------------------------------------------- */

enum http_verdict http_verdict(enum http_method m, enum http_transport t,
			       long status)
{
	switch (t) {
	case HTTP_T_CONNECT:
		return HTTP_V_RETRY;
	case HTTP_T_FATAL:
		return HTTP_V_FAILED;
	case HTTP_T_TIMEOUT:
	case HTTP_T_DROPPED:
		return m == HTTP_GET ? HTTP_V_RETRY : HTTP_V_UNKNOWN;
	case HTTP_T_TOOBIG:
		return m == HTTP_GET ? HTTP_V_FAILED : HTTP_V_UNKNOWN;
	case HTTP_T_ANSWER:
		break;
	}
	if (status >= 200 && status <= 299)
		return HTTP_V_DONE;
	if (status == 429 || status == 503)
		return HTTP_V_RETRY;
	if (status >= 500 && status <= 599)
		return m == HTTP_POST_CREATE ? HTTP_V_UNKNOWN : HTTP_V_RETRY;
	if (status >= 400 && status <= 499)
		return HTTP_V_REFUSED;
	/* 1xx or 3xx as a final answer: not what was asked for */
	return m == HTTP_GET ? HTTP_V_FAILED : HTTP_V_UNKNOWN;
}

int http_retry_after(const char *value, time_t now, long *secs)
{
	size_t n;
	time_t t;

	while (*value == ' ' || *value == '\t')
		value++;
	n = strlen(value);
	while (n && (value[n - 1] == ' ' || value[n - 1] == '\t'))
		n--;
	if (!n)
		return -1;
	if (strspn(value, "0123456789") >= n) {
		long s = 0;

		for (size_t i = 0; i < n; i++) {
			if (s > 100000000L) {	/* years: "too long" is all */
				s = 100000001L;
				break;
			}
			s = s * 10 + (value[i] - '0');
		}
		*secs = s;
		return 0;
	}
	/* each of the three forms of an HTTP date names its month */
	{
		static const char *const months[] = {
			"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug",
			"Sep", "Oct", "Nov", "Dec", NULL
		};
		char *v = xstrndup(value, n);
		int named = 0;

		for (int i = 0; months[i] && !named; i++)
			named = strstr(v, months[i]) != NULL;
		t = named ? curl_getdate(v, NULL) : (time_t)-1;
		free(v);
	}
	if (t == (time_t)-1)
		return -1;
	*secs = t > now ? (long)(t - now) : 0;
	return 0;
}

long http_backoff_ms(long base_ms, int next, unsigned rnd)
{
	long ms = base_ms;

	for (int i = 2; i < next; i++)
		ms *= 2;
	/* 0.8 .. 1.2 in steps of 0.001 */
	return ms * (800 + (long)(rnd % 401)) / 1000;
}

static void add_clean(struct strbuf *out, const char *s, size_t n)
{
	size_t start = out->len;
	int blank = 1;

	for (size_t i = 0; i < n && out->len - start < 300; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c < 0x20 || c == 0x7f || c == ' ') {
			if (!blank)
				strbuf_addch(out, ' ');
			blank = 1;
		} else {
			strbuf_addch(out, (char)c);
			blank = 0;
		}
	}
	while (out->len > start && out->buf[out->len - 1] == ' ')
		out->buf[--out->len] = '\0';
}

/* a message member of a JSON error body, or NULL */
static const char *json_message(json_t *v)
{
	if (json_is_string(v))
		return json_string_value(v);
	if (json_is_object(v)) {
		json_t *m = json_object_get(v, "message");

		return json_is_string(m) ? json_string_value(m) : NULL;
	}
	return NULL;
}

void http_server_message(const char *body, size_t len, struct strbuf *out)
{
	static const char *const keys[] = {
		"message", "error_description", "error", "detail", NULL
	};
	struct strbuf msg = STRBUF_INIT;
	json_t *root = len ? json_loadb(body, len, JSON_DECODE_ANY, NULL) : NULL;

	if (json_is_object(root)) {
		for (int i = 0; keys[i] && !msg.len; i++) {
			const char *m = json_message(json_object_get(root, keys[i]));

			if (m)
				add_clean(&msg, m, strlen(m));
		}
		if (!msg.len) {
			json_t *errs = json_object_get(root, "errors");
			size_t i;
			json_t *x;

			json_array_foreach(errs, i, x) {
				const char *m = json_message(x);

				size_t was = msg.len;

				if (!m || i >= 3)
					continue;
				if (msg.len)
					strbuf_addstr(&msg, "; ");
				add_clean(&msg, m, strlen(m));
				/* an entry with no text to show adds no "; " */
				if (msg.len == was + (was ? 2 : 0))
					strbuf_setlen(&msg, was);
			}
		}
	}
	if (!msg.len)
		add_clean(&msg, body, len);
	json_decref(root);
	/* mask in a copy big enough for the text */
	{
		char *t = xmalloc(msg.len * 3 + 4);

		memcpy(t, msg.buf, msg.len + 1);
		secret_mask(t, msg.len * 3 + 4);
		strbuf_addstr(out, t);
		free(t);
	}
	strbuf_release(&msg);
}

static int host_char_ok(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_';
}

int http_url_allowed(const char *url)
{
	const char *host, *end;

	for (const char *p = url; *p; p++)
		if ((unsigned char)*p <= ' ' || *p == 0x7f)
			return 0;
	if (!strncmp(url, "https://", 8)) {
		host = url + 8;
	} else if (!strncmp(url, "http://", 7)) {
		host = url + 7;
		end = host + strcspn(host, ":/?#");
		if (!((end - host == 9 && !strncmp(host, "127.0.0.1", 9)) ||
		      (end - host == 9 && !strncmp(host, "localhost", 9))))
			return 0;
	} else {
		return 0;
	}
	end = host + strcspn(host, ":/?#");
	if (end == host)
		return 0;
	for (const char *p = host; p < end; p++)
		if (!host_char_ok(*p))
			return 0;
	if (*end == ':') {
		const char *q = end + 1;
		size_t nd = strspn(q, "0123456789");

		if (nd < 1 || nd > 5 || (q[nd] && q[nd] != '/' && q[nd] != '?' &&
					 q[nd] != '#'))
			return 0;
	}
	return 1;
}

int http_url_origin(const char *url, struct strbuf *out)
{
	const char *p = strstr(url, "://");

	if (!p)
		return -1;
	p += 3;
	p += strcspn(p, "/?#");
	strbuf_add(out, url, (size_t)(p - url));
	return 0;
}

void http_query_add(struct strbuf *url, const char *key, const char *value)
{
	static const char hex[] = "0123456789ABCDEF";

	strbuf_addch(url, strchr(url->buf, '?') ? '&' : '?');
	strbuf_addstr(url, key);
	strbuf_addch(url, '=');
	for (const unsigned char *p = (const unsigned char *)value; *p; p++) {
		if ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') ||
		    (*p >= '0' && *p <= '9') || *p == '-' || *p == '.' ||
		    *p == '_' || *p == '~') {
			strbuf_addch(url, (char)*p);
		} else {
			strbuf_addch(url, '%');
			strbuf_addch(url, hex[*p >> 4]);
			strbuf_addch(url, hex[*p & 15]);
		}
	}
}

void http_base64(const char *data, size_t len, struct strbuf *out)
{
	static const char tab[] =
		"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	const unsigned char *d = (const unsigned char *)data;
	size_t i;

	for (i = 0; i + 2 < len; i += 3) {
		strbuf_addch(out, tab[d[i] >> 2]);
		strbuf_addch(out, tab[((d[i] & 3) << 4) | (d[i + 1] >> 4)]);
		strbuf_addch(out, tab[((d[i + 1] & 15) << 2) | (d[i + 2] >> 6)]);
		strbuf_addch(out, tab[d[i + 2] & 63]);
	}
	if (i < len) {
		strbuf_addch(out, tab[d[i] >> 2]);
		if (i + 1 < len) {
			strbuf_addch(out, tab[((d[i] & 3) << 4) | (d[i + 1] >> 4)]);
			strbuf_addch(out, tab[(d[i + 1] & 15) << 2]);
		} else {
			strbuf_addch(out, tab[(d[i] & 3) << 4]);
			strbuf_addch(out, '=');
		}
		strbuf_addch(out, '=');
	}
}

/* --- the client ------------------------------------------------------------ */

static long env_ms(const char *name, long dflt)
{
	const char *v = getenv(name);
	long ms = 0;

	if (!v || !*v || strspn(v, "0123456789") != strlen(v) || strlen(v) > 7)
		return dflt;
	for (const char *p = v; *p; p++)
		ms = ms * 10 + (*p - '0');
	return ms > 0 ? ms : dflt;
}

int http_client_init(struct http_client *c, const char *ca_file,
		     struct error *e)
{
	static int global;

	memset(c, 0, sizeof(*c));
	strbuf_init(&c->ca);
	c->total_ms = env_ms("TALLY_TEST_HTTP_TIMEOUT_MS", HTTP_TOTAL_TIMEOUT_MS);
	c->backoff_ms = env_ms("TALLY_TEST_HTTP_BACKOFF_MS", HTTP_BACKOFF_MS);
	if (!global) {
		if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
			return error_set(e, ERR_IO, "libcurl cannot start");
		global = 1;
	}
	c->curl = curl_easy_init();
	if (!c->curl)
		return error_set(e, ERR_IO, "libcurl cannot start");
	if (ca_file) {
		char *sys = NULL;

		/* the system's bundle first, so that ca_file adds to it */
		if (curl_easy_getinfo(c->curl, CURLINFO_CAINFO, &sys) == CURLE_OK &&
		    sys && strbuf_read_file(&c->ca, sys, 1, NULL) == 0)
			strbuf_addch(&c->ca, '\n');
		if (strbuf_read_file(&c->ca, ca_file, 0, e)) {
			e->code = ERR_CONFIG;
			http_client_release(c);
			return -1;
		}
		c->have_ca = 1;
	}
	return 0;
}

void http_client_release(struct http_client *c)
{
	if (c->curl)
		curl_easy_cleanup(c->curl);
	c->curl = NULL;
	strbuf_release(&c->ca);
}

void http_response_release(struct http_response *rs)
{
	strbuf_release(&rs->body);
	rs->status = 0;
	rs->tries = 0;
	rs->wait_asked = 0;
	rs->outcome = HTTP_DONE;
}

static size_t on_body(char *data, size_t size, size_t n, void *ctx)
{
	struct strbuf *sb = ctx;
	size_t len = size * n;

	if (sb->len + len > (size_t)HTTP_MAX_BODY)
		return 0;	/* CURLE_WRITE_ERROR */
	strbuf_add(sb, data, len);
	return len;
}

static const char *method_name(enum http_method m)
{
	return m == HTTP_GET ? "GET" : m == HTTP_PATCH ? "PATCH" : "POST";
}

/* the proxies of the environment, but never for the local host */
static char *noproxy(void)
{
	const char *v = getenv("no_proxy");
	struct strbuf sb = STRBUF_INIT;

	if (!v || !*v)
		v = getenv("NO_PROXY");
	if (v && *v) {
		strbuf_addstr(&sb, v);
		strbuf_addch(&sb, ',');
	}
	strbuf_addstr(&sb, "127.0.0.1,localhost");
	return strbuf_detach(&sb);
}

struct try_result {
	enum http_transport transport;
	int tls;		/* the server's certificate was not trusted */
	long status;
	char curl_error[CURL_ERROR_SIZE];
	char retry_after[64];
};

static void one_try(struct http_client *c, const struct http_request *rq,
		    struct curl_slist *headers, const char *nop,
		    struct strbuf *body, struct try_result *tr)
{
	CURL *h = c->curl;
	CURLcode rc;
	long sent = 0;
	struct curl_header *ra = NULL;

	memset(tr, 0, sizeof(*tr));
	strbuf_reset(body);
	curl_easy_reset(h);
	curl_easy_setopt(h, CURLOPT_URL, rq->url);
	curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L);
	curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(h, CURLOPT_VERBOSE, 0L);
	curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, HTTP_CONNECT_TIMEOUT_MS);
	curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, c->total_ms);
	curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, 1L);
	curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, 2L);
	if (c->have_ca) {
		struct curl_blob blob = { c->ca.buf, c->ca.len, CURL_BLOB_COPY };

		curl_easy_setopt(h, CURLOPT_CAINFO_BLOB, &blob);
	}
	curl_easy_setopt(h, CURLOPT_NOPROXY, nop);
	curl_easy_setopt(h, CURLOPT_USERAGENT, "tally/" TALLY_VERSION);
	curl_easy_setopt(h, CURLOPT_HTTPHEADER, headers);
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(h, CURLOPT_WRITEDATA, body);
	curl_easy_setopt(h, CURLOPT_ERRORBUFFER, tr->curl_error);
	if (rq->method == HTTP_GET) {
		curl_easy_setopt(h, CURLOPT_HTTPGET, 1L);
	} else {
		curl_easy_setopt(h, CURLOPT_POST, 1L);
		curl_easy_setopt(h, CURLOPT_POSTFIELDS, rq->body ? rq->body : "");
		curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE,
				 (curl_off_t)rq->body_len);
		if (rq->method == HTTP_PATCH)
			curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, "PATCH");
	}
	if (rq->method == HTTP_POST_CREATE) {
		/* no connection the server may have closed under us */
		curl_easy_setopt(h, CURLOPT_FRESH_CONNECT, 1L);
		curl_easy_setopt(h, CURLOPT_FORBID_REUSE, 1L);
	}
	rc = curl_easy_perform(h);
	curl_easy_getinfo(h, CURLINFO_REQUEST_SIZE, &sent);
	curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &tr->status);
	if (!tr->curl_error[0])
		snprintf(tr->curl_error, sizeof(tr->curl_error), "%s",
			 curl_easy_strerror(rc));
	switch (rc) {
	case CURLE_OK:
		tr->transport = HTTP_T_ANSWER;
		break;
	case CURLE_COULDNT_RESOLVE_HOST:
	case CURLE_COULDNT_RESOLVE_PROXY:
	case CURLE_COULDNT_CONNECT:
	case CURLE_SSL_CONNECT_ERROR:
		tr->transport = sent ? HTTP_T_DROPPED : HTTP_T_CONNECT;
		break;
	case CURLE_PEER_FAILED_VERIFICATION:
		tr->tls = 1;
		tr->transport = HTTP_T_FATAL;
		break;
	case CURLE_SSL_CACERT_BADFILE:
	case CURLE_SSL_CERTPROBLEM:
	case CURLE_UNSUPPORTED_PROTOCOL:
	case CURLE_URL_MALFORMAT:
		tr->transport = HTTP_T_FATAL;
		break;
	case CURLE_OPERATION_TIMEDOUT:
		tr->transport = sent ? HTTP_T_TIMEOUT : HTTP_T_CONNECT;
		break;
	case CURLE_WRITE_ERROR:
		tr->transport = HTTP_T_TOOBIG;
		break;
	default:
		tr->transport = sent ? HTTP_T_DROPPED : HTTP_T_CONNECT;
		break;
	}
	if (tr->transport != HTTP_T_ANSWER)
		tr->status = 0;
	if (tr->transport == HTTP_T_ANSWER &&
	    curl_easy_header(h, "Retry-After", 0, CURLH_HEADER, -1, &ra) ==
	    CURLHE_OK && ra && ra->value)
		snprintf(tr->retry_after, sizeof(tr->retry_after), "%s",
			 ra->value);
}

static void sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
		;
}

static unsigned random_unsigned(void)
{
	unsigned r = 0;

	if (getrandom(&r, sizeof(r), 0) != (ssize_t)sizeof(r))
		r = (unsigned)time(NULL);
	return r;
}

/* "<METHOD> <url without its query>" */
static void describe(struct strbuf *sb, const struct http_request *rq)
{
	strbuf_addf(sb, "%s %.*s", method_name(rq->method),
		    (int)strcspn(rq->url, "?#"), rq->url);
}

/* the status and the server's message: "HTTP 401 (\"...\")" */
static void describe_answer(struct strbuf *sb, long status,
			    const struct strbuf *body)
{
	struct strbuf m = STRBUF_INIT;

	strbuf_addf(sb, "HTTP %ld", status);
	http_server_message(body->buf, body->len, &m);
	if (m.len)
		strbuf_addf(sb, " (\"%s\")", m.buf);
	strbuf_release(&m);
}

static void describe_transport(struct strbuf *sb, const struct try_result *tr,
			       long total_ms)
{
	switch (tr->transport) {
	case HTTP_T_TIMEOUT:
		if (total_ms % 1000)
			strbuf_addf(sb, "no answer within %ld ms", total_ms);
		else
			strbuf_addf(sb, "no answer within %ld s", total_ms / 1000);
		break;
	case HTTP_T_TOOBIG:
		strbuf_addf(sb, "an answer over %ld MiB", HTTP_MAX_BODY >> 20);
		break;
	case HTTP_T_CONNECT:
		strbuf_addf(sb, "cannot connect (%s)", tr->curl_error);
		break;
	case HTTP_T_DROPPED:
		strbuf_addf(sb, "the connection dropped (%s)", tr->curl_error);
		break;
	default:
		strbuf_addf(sb, "%s", tr->curl_error);
		if (tr->tls)
			strbuf_addstr(sb, " (TLS is always verified: a server of a private CA needs \"ca_file\")");
		break;
	}
}

static int finish(struct http_response *rs, struct strbuf *msg,
		  enum http_outcome outcome, struct error *e)
{
	rs->outcome = outcome;
	error_set(e, ERR_NET, "%s", msg->buf);
	if (e)
		secret_mask(e->msg, sizeof(e->msg));
	strbuf_release(msg);
	return -1;
}

int http_send(struct http_client *c, const struct http_request *rq,
	      struct http_response *rs, struct error *e)
{
	struct curl_slist *headers = NULL;
	struct strbuf msg = STRBUF_INIT;
	struct try_result tr;
	enum http_verdict v = HTTP_V_FAILED;
	char *nop = noproxy();
	int tries;

	http_response_release(rs);
	for (const char *const *h = rq->headers; h && *h; h++)
		headers = curl_slist_append(headers, *h);
	if (rq->method != HTTP_GET)
		headers = curl_slist_append(headers, "Expect:");
	for (tries = 1; tries <= HTTP_TRIES; tries++) {
		long wait_ms, ra;

		one_try(c, rq, headers, nop, &rs->body, &tr);
		rs->tries = tries;
		rs->status = tr.status;
		v = http_verdict(rq->method, tr.transport, tr.status);
		if (v != HTTP_V_RETRY || tries == HTTP_TRIES)
			break;
		if (tr.retry_after[0] &&
		    http_retry_after(tr.retry_after, time(NULL), &ra) == 0) {
			if (ra > HTTP_MAX_WAIT_S) {
				rs->wait_asked = ra;
				describe(&msg, rq);
				strbuf_addstr(&msg, ": ");
				describe_answer(&msg, tr.status, &rs->body);
				strbuf_addf(&msg, ": the server asks to wait %ld s (Retry-After), more than %ld s: run again later",
					    ra, HTTP_MAX_WAIT_S);
				curl_slist_free_all(headers);
				free(nop);
				return finish(rs, &msg, HTTP_FAILED, e);
			}
			wait_ms = ra * 1000;
		} else {
			wait_ms = http_backoff_ms(c->backoff_ms, tries + 1,
						  random_unsigned());
		}
		sleep_ms(wait_ms);
	}
	curl_slist_free_all(headers);
	free(nop);
	if (v == HTTP_V_DONE) {
		rs->outcome = HTTP_DONE;
		return 0;
	}
	describe(&msg, rq);
	strbuf_addstr(&msg, ": ");
	if (v == HTTP_V_UNKNOWN)
		strbuf_addstr(&msg, "after the request was sent: ");
	if (tr.transport == HTTP_T_ANSWER)
		describe_answer(&msg, tr.status, &rs->body);
	else
		describe_transport(&msg, &tr, c->total_ms);
	if (v == HTTP_V_UNKNOWN) {
		strbuf_addstr(&msg, ": whether it was applied is unknown");
		return finish(rs, &msg, HTTP_UNKNOWN, e);
	}
	if (v == HTTP_V_REFUSED)
		return finish(rs, &msg, HTTP_REFUSED, e);
	if (rs->tries > 1)
		strbuf_addf(&msg, " after %d tries", rs->tries);
	return finish(rs, &msg, HTTP_FAILED, e);
}

int http_json(const struct http_response *rs, const char *what,
	      json_t **out, struct error *e)
{
	json_error_t je;

	*out = json_loadb(rs->body.buf, rs->body.len,
			  JSON_DECODE_ANY | JSON_REJECT_DUPLICATES, &je);
	if (*out)
		return 0;
	error_set(e, ERR_NET, "%s: malformed JSON (line %d, column %d: %s)",
		  what, je.line, je.column, je.text);
	if (e)
		secret_mask(e->msg, sizeof(e->msg));
	return -1;
}
