#ifndef DECIMAL_H
#define DECIMAL_H
/*
 * Exact decimal numbers (README.md, "The rules": "Exact numbers"). No binary
 * floating point anywhere: a decimal is an int64_t scaled by a power of
 * ten fixed by its use:
 *
 *   quantity    QTY_SCALE = 10^4  (input quantities have up to 4 decimals)
 *   unit price  PRICE_SCALE = 10^4 (up to 4 decimals)
 *   rate        RATE_SCALE = 10^6 (tax_rate, up to 6 decimals)
 *
 * An exact average is a ratio num / den, num in QTY units (licence-days)
 * and den the days of the month; it is never stored rounded.
 *
 * Rounding rules, named as in README.md and settings:
 *   nearest    to the nearest integer, ties away from zero (2.5 -> 3)
 *   half-even  to the nearest integer, ties to the even one (2.5 -> 2)
 *   up         away from zero (2.0001 -> 3)
 *   down       toward zero (2.9999 -> 2)
 *   none       to 2 decimals, ties away from zero (2.345 -> 2.35)
 * Reference values are the unit tests in tests/unit/test_decimal.c.
 */
#include <stddef.h>
#include <stdint.h>

#define QTY_SCALE 10000
#define PRICE_SCALE 10000
#define RATE_SCALE 1000000
/*
 * largest magnitude accepted by dec_parse, in whole units (with 5 or 6
 * decimals the 64-bit result caps it lower, near 9.2 x 10^12)
 */
#define DEC_MAX_UNITS 100000000000000LL /* 10^14 */

/* 10^n for n in 0..DEC_POW10_MAX: the one table of powers of ten */
#define DEC_POW10_MAX 18
int64_t dec_pow10(int n);

enum rounding { ROUND_NEAREST, ROUND_HALF_EVEN, ROUND_UP, ROUND_DOWN, ROUND_NONE };

/*
 * Parse s[0..n) as [-]digits[.digits] with at most maxdec decimals
 * (0..6) and whole part below DEC_MAX_UNITS; *out = value * 10^maxdec.
 * No blanks, exponents, signs other than a leading '-', thousands
 * separators or bare '.'. Returns 0, or -1 with e saying why.
 */
struct error;
int dec_parse(const char *s, size_t n, int maxdec, int64_t *out,
	      struct error *e);
/*
 * A decimal a month file between stages holds ("12", "-0.2500", and
 * "+0.25" as rounded.csv writes a delta): dec_parse of the NUL-terminated
 * s after an optional '+'. 0 or -1.
 */
int dec_parse_text(const char *s, int maxdec, int64_t *out);
/* dec_parse for QTY_SCALE (4 decimals) on a NUL-terminated string */
int qty_parse(const char *s, int64_t *out, struct error *e);

/*
 * Divide num by den (den > 0) to an integer by the rule mode (ROUND_NONE
 * is treated as nearest). Exact in 128 bits.
 */
__int128 dec_div_round(__int128 num, __int128 den, enum rounding mode);

/*
 * Round the ratio num/den (num in QTY units) to the billed quantity by
 * mode: whole units, or 2 decimals for ROUND_NONE. Result in QTY units.
 */
int64_t qty_round(int64_t num, int64_t den, enum rounding mode);

/*
 * Write num/den (num scaled by 10^scale_exp) as decimal text with exactly
 * `decimals` places, ties away from zero, into buf (at least 48 bytes).
 * Returns buf. Example: ratio_format(buf, 1000000, 31, 4, 4) = "3.2258".
 */
char *ratio_format(char *buf, int64_t num, int64_t den, int scale_exp,
		   int decimals);
/*
 * The shortest decimal text of v / 10^scale_exp (scale_exp 0..6) that
 * shows it exactly, with at least min_decimals places, into buf (at least
 * 48 bytes); returns buf. The one routine for "shortest decimal text":
 * quantities dec_format(q, 4, 0) = "12", "2.5"; prices dec_format(p, 4,
 * 2) = "3.75", "0.1234", "175.00"; rates dec_format(r, 6, 0) = "0.0825".
 */
char *dec_format(char *buf, int64_t v, int scale_exp, int min_decimals);
/* a QTY value with the fewest decimals that show it exactly ("12", "2.5") */
char *qty_format(char *buf, int64_t q);
/* a QTY value with exactly `decimals` places (rounded ties away) */
char *qty_format_fixed(char *buf, int64_t q, int decimals);

int rounding_parse(const char *s, enum rounding *out);
const char *rounding_name(enum rounding r);
#endif
