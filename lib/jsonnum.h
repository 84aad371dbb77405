#ifndef JSONNUM_H
#define JSONNUM_H
/*
 * Numbers and ids that an API gives in JSON, read exactly (README.md,
 * "The rules": "Exact numbers"). jansson reads a JSON integer as an
 * int64 and any other number as a double; tally never computes with the
 * double. A number with a fraction or an exponent is taken as the
 * shortest decimal text that reads back to the same double (4.35 stays
 * 4.35), which must have at most maxdec decimals; a decimal JSON string
 * ("4.35") is read as its text. The value is returned scaled by
 * 10^maxdec, as decimal.h's fixed point.
 *
 * Why the shortest text is exact here: a double of magnitude below
 * 10^14 whose shortest text has at most 4 decimals has at most 15
 * significant digits, so printing it with 15 significant digits gives
 * that text, and the text is checked to read back to the same double
 * (an int64 divided by a power of ten, both exact, is correctly rounded
 * by IEEE 754), so a double that needs more digits is refused.
 */
#include <stddef.h>
#include <stdint.h>
#include <jansson.h>

/*
 * v (an integer, a real or a decimal string) scaled by 10^maxdec
 * (maxdec 0..4) into *out. Returns 0, or -1 when v is not a number, has
 * more than maxdec decimals or is too large (magnitude 10^14 or more).
 */
int jsonnum_decimal(const json_t *v, int maxdec, int64_t *out);

/*
 * An id of an API record: a JSON integer of 0 or more, or a string of 1
 * to 18 digits, as decimal text into buf (size at least 20). Returns 0,
 * or -1 for anything else.
 */
int jsonnum_id(const json_t *v, char *buf, size_t size);

/* the JSON text of v for a message (a new string: free it) */
char *jsonnum_show(const json_t *v);
#endif
