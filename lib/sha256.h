#ifndef SHA256_H
#define SHA256_H
/*
 * SHA-256 (FIPS 180-4), for the manifest of the month's archive and the
 * ledger's checksums, computed by OpenSSL's libcrypto (which libcurl
 * brings along), whose SHA-256 uses the processor's SHA instructions:
 * the benchmark month hashes some 250 MB. Checked against the FIPS 180-4
 * example vectors in tests/unit/test_bundle.c.
 *
 * A struct sha256 is a plain value: copying it copies the state (the
 * ledger's chain hashes a prefix, then goes on from the copy).
 */
#include <stddef.h>
#include <stdint.h>
#include <openssl/sha.h>
#include "error.h"

struct sha256 {
	SHA256_CTX ctx;
	uint64_t len;		/* bytes hashed so far */
};

void sha256_init(struct sha256 *c);
void sha256_update(struct sha256 *c, const void *data, size_t n);
/* the digest as 64 lower-case hex digits and a NUL into hex[65] */
void sha256_final_hex(struct sha256 *c, char hex[65]);
/* hash the whole file at path; 0, or -1 with e naming the file */
int sha256_file(const char *path, char hex[65], uint64_t *bytes,
		struct error *e);
#endif
