/*
 * The HTTP client's rules (lib/http.c) and the masking of secrets
 * (lib/secret.c), without a network: what each method retries, the forms
 * of Retry-After, the backoff's bounds, the server's message, the URLs
 * allowed, query encoding and base64. Requests themselves are tested by
 * the golden cases 6NNN and 7NNN against tests/http/server.py.
 * Numbered tables; a failure names its case.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>
#include "http.h"
#include "secret.h"
#include "strbuf.h"
#include "banned.h"

static const struct verdict_case {
	enum http_method m;
	enum http_transport t;
	long status;
	enum http_verdict want;
} verdicts[] = {
	/* 1 */ { HTTP_GET, HTTP_T_ANSWER, 200, HTTP_V_DONE },
	/* 2 */ { HTTP_GET, HTTP_T_ANSWER, 204, HTTP_V_DONE },
	/* 3 */ { HTTP_GET, HTTP_T_ANSWER, 429, HTTP_V_RETRY },
	/* 4 */ { HTTP_GET, HTTP_T_ANSWER, 500, HTTP_V_RETRY },
	/* 5 */ { HTTP_GET, HTTP_T_ANSWER, 503, HTTP_V_RETRY },
	/* 6 */ { HTTP_GET, HTTP_T_ANSWER, 401, HTTP_V_REFUSED },
	/* 7 */ { HTTP_GET, HTTP_T_ANSWER, 404, HTTP_V_REFUSED },
	/* 8 */ { HTTP_GET, HTTP_T_ANSWER, 301, HTTP_V_FAILED },	/* no redirects */
	/* 9 */ { HTTP_GET, HTTP_T_TIMEOUT, 0, HTTP_V_RETRY },
	/* 10 */ { HTTP_GET, HTTP_T_DROPPED, 0, HTTP_V_RETRY },
	/* 11 */ { HTTP_GET, HTTP_T_CONNECT, 0, HTTP_V_RETRY },
	/* 12 */ { HTTP_GET, HTTP_T_FATAL, 0, HTTP_V_FAILED },	/* TLS verification */
	/* 13 */ { HTTP_GET, HTTP_T_TOOBIG, 0, HTTP_V_FAILED },
	/* 14 */ { HTTP_POST_CREATE, HTTP_T_ANSWER, 201, HTTP_V_DONE },
	/* 15 */ { HTTP_POST_CREATE, HTTP_T_ANSWER, 429, HTTP_V_RETRY },
	/* 16 */ { HTTP_POST_CREATE, HTTP_T_ANSWER, 503, HTTP_V_RETRY },
	/* 17 */ { HTTP_POST_CREATE, HTTP_T_ANSWER, 500, HTTP_V_UNKNOWN },
	/* 18 */ { HTTP_POST_CREATE, HTTP_T_ANSWER, 502, HTTP_V_UNKNOWN },
	/* 19 */ { HTTP_POST_CREATE, HTTP_T_ANSWER, 504, HTTP_V_UNKNOWN },
	/* 20 */ { HTTP_POST_CREATE, HTTP_T_ANSWER, 400, HTTP_V_REFUSED },
	/* 21 */ { HTTP_POST_CREATE, HTTP_T_TIMEOUT, 0, HTTP_V_UNKNOWN },
	/* 22 */ { HTTP_POST_CREATE, HTTP_T_DROPPED, 0, HTTP_V_UNKNOWN },
	/* 23 */ { HTTP_POST_CREATE, HTTP_T_CONNECT, 0, HTTP_V_RETRY },
	/* 24 */ { HTTP_POST_CREATE, HTTP_T_FATAL, 0, HTTP_V_FAILED },
	/* 25 */ { HTTP_POST_CREATE, HTTP_T_TOOBIG, 0, HTTP_V_UNKNOWN },
	/* 26 */ { HTTP_POST_CREATE, HTTP_T_ANSWER, 302, HTTP_V_UNKNOWN },
	/* 27 */ { HTTP_PATCH, HTTP_T_ANSWER, 200, HTTP_V_DONE },
	/* 28 */ { HTTP_PATCH, HTTP_T_ANSWER, 500, HTTP_V_RETRY },	/* idempotent */
	/* 29 */ { HTTP_PATCH, HTTP_T_ANSWER, 429, HTTP_V_RETRY },
	/* 30 */ { HTTP_PATCH, HTTP_T_ANSWER, 409, HTTP_V_REFUSED },
	/* 31 */ { HTTP_PATCH, HTTP_T_TIMEOUT, 0, HTTP_V_UNKNOWN },
	/* 32 */ { HTTP_PATCH, HTTP_T_DROPPED, 0, HTTP_V_UNKNOWN },
	/* 33 */ { HTTP_PATCH, HTTP_T_CONNECT, 0, HTTP_V_RETRY },
};

static void test_verdicts(void **state)
{
	int bad = 0;

	for (size_t i = 0; i < sizeof(verdicts) / sizeof(*verdicts); i++) {
		const struct verdict_case *c = &verdicts[i];
		enum http_verdict v = http_verdict(c->m, c->t, c->status);

		if (v != c->want) {
			print_error("case %zu: verdict %d, want %d\n", i + 1,
				    (int)v, (int)c->want);
			bad = 1;
		}
	}
	assert_int_equal(bad, 0);
}

/* 2026-10-21 07:28:00 UTC */
#define NOW 1792567680L

static const struct retry_case {
	const char *value;
	int ok;
	long secs;
} retries[] = {
	/* 1 */ { "1", 1, 1 },
	/* 2 */ { "0", 1, 0 },
	/* 3 */ { "120", 1, 120 },
	/* 4 */ { " 30 ", 1, 30 },
	/* 5 */ { "99999999999999999999", 1, 100000001 },	/* "too long", no overflow */
	/* 6 */ { "Wed, 21 Oct 2026 07:28:30 GMT", 1, 30 },	/* IMF-fixdate */
	/* 7 */ { "Wednesday, 21-Oct-26 07:29:00 GMT", 1, 60 },	/* RFC 850 */
	/* 8 */ { "Wed Oct 21 07:30:00 2026", 1, 120 },	/* asctime */
	/* 9 */ { "Wed, 21 Oct 2026 07:00:00 GMT", 1, 0 },	/* past: at once */
	/* 10 */ { "Thu, 22 Oct 2026 07:28:00 GMT", 1, 86400 },
	/* 11 */ { "", 0, 0 },
	/* 12 */ { "soon", 0, 0 },
	/* 13 */ { "-5", 0, 0 },
	/* 14 */ { "1.5", 0, 0 },
	/* 15 */ { "5 s", 0, 0 },
	/* 16 */ { "2026-10-21T07:28:30Z", 0, 0 },	/* not an HTTP date */
};

static void test_retry_after(void **state)
{
	int bad = 0;

	for (size_t i = 0; i < sizeof(retries) / sizeof(*retries); i++) {
		const struct retry_case *c = &retries[i];
		long s = -7;
		int r = http_retry_after(c->value, (time_t)NOW, &s);

		if ((r == 0) != c->ok || (c->ok && s != c->secs)) {
			print_error("case %zu: \"%s\": %s %ld, want %s %ld\n",
				    i + 1, c->value, r ? "refused" : "ok", s,
				    c->ok ? "ok" : "refused", c->secs);
			bad = 1;
		}
	}
	assert_int_equal(bad, 0);
}

static void test_backoff(void **state)
{
	/* 1 s doubling, +-20 %: the bounds at each try */
	assert_int_equal(http_backoff_ms(1000, 2, 0), 800);
	assert_int_equal(http_backoff_ms(1000, 2, 400), 1200);
	assert_int_equal(http_backoff_ms(1000, 2, 200), 1000);
	assert_int_equal(http_backoff_ms(1000, 2, 401), 800);	/* wraps */
	assert_int_equal(http_backoff_ms(1000, 3, 200), 2000);
	assert_int_equal(http_backoff_ms(1000, 4, 200), 4000);
	assert_int_equal(http_backoff_ms(1000, 5, 0), 6400);
	assert_int_equal(http_backoff_ms(1000, 5, 400), 9600);
	for (unsigned r = 0; r < 2000; r += 7) {
		long ms = http_backoff_ms(1000, 3, r);

		assert_true(ms >= 1600 && ms <= 2400);
	}
}

static const struct message_case {
	const char *body;
	const char *want;
} messages[] = {
	/* 1 */ { "{\"message\": \"invalid token\"}", "invalid token" },
	/* 2 */ { "{\"errors\": [\"Contract not found\", \"x\"]}", "Contract not found; x" },
	/* 3 */ { "{\"errors\": [{\"message\": \"a\"}, {\"message\": \"b\"}]}", "a; b" },
	/* 4 */ { "{\"code\": \"InvalidObject\", \"message\": \"quantity\\nbad\"}", "quantity bad" },
	/* 5 */ { "{\"error\": {\"message\": \"nested\"}}", "nested" },
	/* 6 */ { "{\"error\": \"unauthorized\", \"error_description\": \"expired\"}", "expired" },
	/* 7 */ { "Service   Unavailable\r\n", "Service Unavailable" },
	/* 8 */ { "", "" },
	/* 9 */ { "{\"other\": 1}", "{\"other\": 1}" },
	/* 10 */ { "{\"message\": \"bad token tok-SECRET-1 given\"}", "bad token *** given" },
	/* 11 */ { "echo tok-SECRET-1tok-SECRET-1", "echo ******" },
	/* 12 */ { "{\"errors\": [\"a\", \"\", \"b\"]}", "a; b" },
	/* 13 */ { "{\"errors\": [\"\", \"b\"]}", "b" },
};

static void test_server_message(void **state)
{
	int bad = 0;

	secret_clear();
	secret_add("tok-SECRET-1");
	for (size_t i = 0; i < sizeof(messages) / sizeof(*messages); i++) {
		struct strbuf sb = STRBUF_INIT;

		http_server_message(messages[i].body, strlen(messages[i].body),
				    &sb);
		if (strcmp(sb.buf, messages[i].want)) {
			print_error("case %zu: \"%s\", want \"%s\"\n", i + 1,
				    sb.buf, messages[i].want);
			bad = 1;
		}
		strbuf_release(&sb);
	}
	assert_int_equal(bad, 0);
	/* cut at 300 bytes */
	{
		char big[1000];
		struct strbuf sb = STRBUF_INIT;

		memset(big, 'x', sizeof(big));
		http_server_message(big, sizeof(big), &sb);
		assert_int_equal(sb.len, 300);
		strbuf_release(&sb);
	}
	secret_clear();
}

static void test_secret_mask(void **state)
{
	char buf[64];

	secret_clear();
	secret_add("abc");
	secret_add("abcdef");	/* the longest match is masked whole */
	secret_add("");		/* ignored */
	snprintf(buf, sizeof(buf), "x abcdef y abc z ab");
	secret_mask(buf, sizeof(buf));
	assert_string_equal(buf, "x *** y *** z ab");
	assert_true(secret_in("..abc..", 7));
	assert_false(secret_in("..ab..", 6));
	/* masking may lengthen a short secret: cut, never overflowed */
	secret_clear();
	secret_add("q");
	snprintf(buf, 8, "qqqqqqq");
	secret_mask(buf, 8);
	assert_string_equal(buf, "*******");
	secret_clear();
	snprintf(buf, sizeof(buf), "nothing registered");
	secret_mask(buf, sizeof(buf));
	assert_string_equal(buf, "nothing registered");
}

static const struct url_case {
	const char *url;
	int ok;
} urls[] = {
	/* 1 */ { "https://keepersecurity.com", 1 },
	/* 2 */ { "https://keepersecurity.eu/", 1 },
	/* 3 */ { "https://na.myconnectwise.net/v4_6_release/apis/3.0", 1 },
	/* 4 */ { "https://127.0.0.1:8443", 1 },
	/* 5 */ { "http://127.0.0.1", 1 },
	/* 6 */ { "http://127.0.0.1:40123/x", 1 },
	/* 7 */ { "http://localhost:8080", 1 },
	/* 8 */ { "http://keepersecurity.com", 0 },	/* plain HTTP elsewhere */
	/* 9 */ { "http://127.0.0.1.evil.com/", 0 },
	/* 10 */ { "http://localhost.evil.com", 0 },
	/* 11 */ { "http://127.0.0.2", 0 },
	/* 12 */ { "ftp://example.com", 0 },
	/* 13 */ { "https://", 0 },
	/* 14 */ { "https://a b.com", 0 },
	/* 15 */ { "https://example.com:", 0 },
	/* 16 */ { "https://example.com:99999999", 0 },
	/* 17 */ { "HTTPS://example.com", 0 },
	/* 18 */ { "https://user@example.com", 0 },	/* no credentials in URLs */
	/* 19 */ { "", 0 },
	/* 20 */ { "https://example.com\n", 0 },
};

static void test_url_allowed(void **state)
{
	int bad = 0;

	for (size_t i = 0; i < sizeof(urls) / sizeof(*urls); i++)
		if (http_url_allowed(urls[i].url) != urls[i].ok) {
			print_error("case %zu: \"%s\": want %s\n", i + 1,
				    urls[i].url, urls[i].ok ? "ok" : "refused");
			bad = 1;
		}
	assert_int_equal(bad, 0);
}

static void test_url_parts(void **state)
{
	struct strbuf sb = STRBUF_INIT;

	strbuf_addstr(&sb, "http://127.0.0.1:9/a");
	http_query_add(&sb, "user", "api@acme.com");
	http_query_add(&sb, "search", "{\"filter\":[1, 2]}");
	http_query_add(&sb, "c", "a-b_c.d~e");
	assert_string_equal(sb.buf, "http://127.0.0.1:9/a?user=api%40acme.com"
			    "&search=%7B%22filter%22%3A%5B1%2C%202%5D%7D&c=a-b_c.d~e");
	strbuf_reset(&sb);
	assert_int_equal(http_url_origin("https://h.example:8/V1.0/x?q", &sb), 0);
	assert_string_equal(sb.buf, "https://h.example:8");
	strbuf_reset(&sb);
	assert_int_equal(http_url_origin("http://127.0.0.1", &sb), 0);
	assert_string_equal(sb.buf, "http://127.0.0.1");
	assert_int_equal(http_url_origin("/relative", &sb), -1);
	strbuf_reset(&sb);
	/* RFC 4648's vectors, and ConnectWise's credential shape */
	http_base64("", 0, &sb);
	assert_string_equal(sb.buf, "");
	http_base64("f", 1, &sb);
	assert_string_equal(sb.buf, "Zg==");
	strbuf_reset(&sb);
	http_base64("fo", 2, &sb);
	assert_string_equal(sb.buf, "Zm8=");
	strbuf_reset(&sb);
	http_base64("foobar", 6, &sb);
	assert_string_equal(sb.buf, "Zm9vYmFy");
	strbuf_reset(&sb);
	http_base64("acme+pub:priv", 13, &sb);
	assert_string_equal(sb.buf, "YWNtZStwdWI6cHJpdg==");
	strbuf_release(&sb);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_verdicts),
		cmocka_unit_test(test_retry_after),
		cmocka_unit_test(test_backoff),
		cmocka_unit_test(test_server_message),
		cmocka_unit_test(test_secret_mask),
		cmocka_unit_test(test_url_allowed),
		cmocka_unit_test(test_url_parts),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
