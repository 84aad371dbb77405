/*
 * An HTTP answer as tally handles it (lib/http.h). libcurl reads the
 * status line and the headers off the wire; what tally does with them is
 * fuzzed here, from an input laid out as the answer itself:
 *
 *     HTTP/1.1 429 Too Many Requests\r\n
 *     Retry-After: Wed, 21 Oct 2026 07:28:00 GMT\r\n
 *     \r\n
 *     {"message": "slow down"}
 *
 * The status goes through http_verdict for each method and transport,
 * each Retry-After through http_retry_after, the body through
 * http_server_message (the server's words as a message) and http_json
 * (the body as JSON, as pull and push read it).
 * Checks: a verdict is one of the five; a wait is at least 0; the
 * server's message is one line without control characters, at most three
 * 300-byte parts; a body that is not JSON gives a malformed-JSON error.
 */
#include <ctype.h>
#include "fuzz.h"
#include "http.h"
#include "strbuf.h"

static void check_message(const char *body, size_t len)
{
	struct strbuf out = STRBUF_INIT;

	http_server_message(body, len, &out);
	FUZZ_CHECK(out.len <= 3 * 300 + 2 * 2);
	FUZZ_CHECK(strlen(out.buf) == out.len);
	for (size_t i = 0; i < out.len; i++) {
		unsigned char c = (unsigned char)out.buf[i];

		FUZZ_CHECK(c >= 0x20 && c != 0x7f);
	}
	strbuf_release(&out);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *p = (const char *)data, *end = p + size;
	struct http_response rs = HTTP_RESPONSE_INIT;
	struct error e = { 0 };
	long status = 0;
	json_t *j = NULL;
	int first = 1;

	/* the head: lines up to a blank one */
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = (size_t)((nl ? nl : end) - p);
		char line[512];

		if (n && p[n - 1] == '\r')
			n--;
		if (n >= sizeof(line))
			n = sizeof(line) - 1;
		memcpy(line, p, n);
		line[n] = '\0';
		p = nl ? nl + 1 : end;
		if (!n && !first)
			break;
		if (first) {
			const char *s = strchr(line, ' ');

			for (s = s ? s + 1 : line; isdigit((unsigned char)*s) &&
			     status < 100000; s++)
				status = status * 10 + (*s - '0');
			first = 0;
		} else if (!strncasecmp(line, "Retry-After:", 12)) {
			long secs = -1;

			if (http_retry_after(line + 12, (time_t)1790000000, &secs) == 0)
				FUZZ_CHECK(secs >= 0);
		}
	}
	for (int m = HTTP_GET; m <= HTTP_POST_CREATE; m++)
		for (int t = HTTP_T_ANSWER; t <= HTTP_T_TOOBIG; t++) {
			enum http_verdict v = http_verdict((enum http_method)m,
							   (enum http_transport)t, status);

			FUZZ_CHECK(v >= HTTP_V_DONE && v <= HTTP_V_UNKNOWN);
			/* only a 2xx answer is done */
			if (v == HTTP_V_DONE)
				FUZZ_CHECK(t == HTTP_T_ANSWER && status >= 200 && status < 300);
		}
	check_message(p, (size_t)(end - p));
	strbuf_add(&rs.body, p, (size_t)(end - p));
	if (http_json(&rs, "GET https://example.test/x", &j, &e) == 0) {
		FUZZ_CHECK(j != NULL);
		json_decref(j);
	} else {
		FUZZ_CHECK(e.code == ERR_NET && strstr(e.msg, "malformed JSON"));
		fuzz_check_error(-1, &e);
	}
	http_response_release(&rs);
	return 0;
}
