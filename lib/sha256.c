/*
 * SHA-256 through OpenSSL's one-shot-state API (SHA256_CTX is a plain
 * struct, so a state can be copied; OpenSSL 3 marks the API deprecated in
 * favour of EVP, whose contexts cannot be copied by value).
 */
#define OPENSSL_SUPPRESS_DEPRECATED
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include "sha256.h"
#include "banned.h"

void sha256_init(struct sha256 *c)
{
	SHA256_Init(&c->ctx);
	c->len = 0;
}

void sha256_update(struct sha256 *c, const void *data, size_t n)
{
	SHA256_Update(&c->ctx, data, n);
	c->len += n;
}

void sha256_final_hex(struct sha256 *c, char hex[65])
{
	static const char digits[] = "0123456789abcdef";
	unsigned char md[SHA256_DIGEST_LENGTH];
	int i;

	SHA256_Final(md, &c->ctx);
	for (i = 0; i < SHA256_DIGEST_LENGTH; i++) {
		hex[2 * i] = digits[md[i] >> 4];
		hex[2 * i + 1] = digits[md[i] & 15];
	}
	hex[64] = '\0';
}

int sha256_file(const char *path, char hex[65], uint64_t *bytes,
		struct error *e)
{
	unsigned char buf[65536];
	struct sha256 c;
	FILE *fp = fopen(path, "rb");
	size_t n;

	if (!fp)
		return error_set(e, ERR_IO, "%s: cannot open: %s", path, strerror(errno));
	sha256_init(&c);
	while ((n = fread(buf, 1, sizeof(buf), fp)) > 0)
		sha256_update(&c, buf, n);
	if (ferror(fp)) {
		int saved = errno;
		fclose(fp);
		return error_set(e, ERR_IO, "%s: read failed: %s", path, strerror(saved));
	}
	fclose(fp);
	if (bytes)
		*bytes = c.len;
	sha256_final_hex(&c, hex);
	return 0;
}
