#ifndef SECRET_H
#define SECRET_H
/*
 * The secrets of a run (README.md, "Pulling from the APIs": tokens, the
 * Autotask secret and integration code, the ConnectWise keys and the
 * Basic credential made of them). Each one comes from an environment
 * variable and is registered here when read, so that every message a
 * program prints, and every error text lib/ builds from what a server
 * said, can be masked: each occurrence of a registered value reads
 * "***". Nothing that holds a secret is ever written to a file, a log or
 * an output; secret_in() lets a caller refuse to write bytes that quote
 * one.
 *
 * The registry is the process's (like tempfile.h's); values are copied.
 * Values shorter than SECRET_MIN bytes are still registered and masked.
 */
#include <stddef.h>

/* register value (copied; "" and values already known are ignored) */
void secret_add(const char *value);
/* 1 when data[0..len) holds a registered value */
int secret_in(const char *data, size_t len);
/*
 * Mask every registered value in the NUL-terminated buf (of size bytes)
 * in place, cutting the text at size - 1 if masking lengthened it.
 */
void secret_mask(char *buf, size_t size);
/* forget every value (tests) */
void secret_clear(void);
#endif
