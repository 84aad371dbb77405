#ifndef MONEY_H
#define MONEY_H
/*
 * Money (README.md, "The rules": "Amounts").
 *
 * Representation: an amount is int64_t minor units of its currency (cents
 * for USD, EUR, GBP; yen for JPY, which has no minor unit); the number of
 * decimals is the currency's ISO 4217 exponent, from the table in money.c.
 * Unit prices are PRICE_SCALE (10^4) units, quantities QTY_SCALE (10^4).
 *
 * Rule: amount = quantity x unit_price, computed exactly in 128 bits, then
 * rounded once, half away from zero, to the minor unit (per invoice line).
 * Tax = subtotal x tax_rate, rounded the same way, once per invoice.
 * Reference values: 3 x 3.7500 USD = 11.25; 0.3333 x 1.0000 USD = 0.33;
 * 2.5 x 0.0500 USD = 0.13 (0.125 rounds away); 7 x 333.3333 JPY = 2333;
 * tax 0.0825 on 100.05 USD = 8.25 (8.254125).
 */
#include <stdint.h>
#include "decimal.h"

struct currency {
	const char *code;	/* ISO 4217, upper case */
	int exp;		/* decimals of the minor unit */
	const char *symbol;	/* as vendors print it, or NULL */
};

/* the currency with that code, or NULL when tally does not know it */
const struct currency *currency_find(const char *code);
/* the codes tally knows, for messages: "AUD, CAD, ... USD or ZAR" */
const char *currency_codes(void);
/*
 * The currency a NUL-terminated price text starts with: a symbol ("$",
 * "€", "£", "¥") or a known ISO code right before a digit ("AUD3.75"),
 * with *symlen its length; or NULL.
 */
const struct currency *currency_by_symbol(const char *s, size_t *symlen);

/* quantity (QTY units) x price (PRICE units) in minor units of cur */
int64_t money_amount(int64_t qty, int64_t price, const struct currency *cur);
/* amount x rate (RATE units), rounded half away to the minor unit */
int64_t money_tax(int64_t amount, int64_t rate);
/* minor units as decimal text with the currency's decimals ("1234.50") */
char *money_format(char *buf, int64_t minor, const struct currency *cur);
/* unit price as decimal text with 2 to 4 decimals ("3.75", "0.1234") */
char *price_format(char *buf, int64_t price);
/* compare |a| x 10^(4-ea) and |b| x 10^(4-eb) (money of two currencies) */
int money_abs_cmp(int64_t a, int ea, int64_t b, int eb);
/* a unit price: decimal with up to 4 decimals, not negative */
int price_parse(const char *s, int64_t *out, struct error *e);
#endif
