#include <stdio.h>
#include <string.h>
#include "error.h"
#include "money.h"
#include "banned.h"

static const struct currency currencies[] = {
	{ "AUD", 2, NULL }, { "CAD", 2, NULL }, { "CHF", 2, NULL },
	{ "DKK", 2, NULL }, { "EUR", 2, "\xe2\x82\xac" },
	{ "GBP", 2, "\xc2\xa3" }, { "JPY", 0, "\xc2\xa5" },
	{ "NOK", 2, NULL }, { "NZD", 2, NULL }, { "SEK", 2, NULL },
	{ "USD", 2, "$" }, { "ZAR", 2, NULL },
};
#define NCUR (sizeof(currencies) / sizeof(*currencies))

const struct currency *currency_find(const char *code)
{
	for (size_t i = 0; i < NCUR; i++)
		if (!strcmp(currencies[i].code, code))
			return &currencies[i];
	return NULL;
}

const char *currency_codes(void)
{
	static char text[NCUR * 5 + 8];

	if (!*text)
		for (size_t i = 0; i < NCUR; i++) {
			size_t n = strlen(text);

			snprintf(text + n, sizeof(text) - n, "%s%s",
				 i == 0 ? "" : i + 1 == NCUR ? " or " : ", ",
				 currencies[i].code);
		}
	return text;
}

static int upper(char c)
{
	return c >= 'A' && c <= 'Z';
}

const struct currency *currency_by_symbol(const char *s, size_t *symlen)
{
	for (size_t i = 0; i < NCUR; i++) {
		const char *sym = currencies[i].symbol;

		if (sym && !strncmp(s, sym, strlen(sym))) {
			*symlen = strlen(sym);
			return &currencies[i];
		}
	}
	/* an ISO code written before the number, as Commander does: AUD3.75 */
	if (upper(s[0]) && upper(s[1]) && upper(s[2]) && s[3] >= '0' &&
	    s[3] <= '9') {
		char code[4] = { s[0], s[1], s[2], '\0' };
		const struct currency *c = currency_find(code);

		if (c)
			*symlen = 3;
		return c;
	}
	return NULL;
}

int64_t money_amount(int64_t qty, int64_t price, const struct currency *cur)
{
	/* qty * price is in 10^-8 units; the minor unit is 10^-exp */
	__int128 v = (__int128)qty * price;

	return (int64_t)dec_div_round(v, dec_pow10(8 - cur->exp), ROUND_NEAREST);
}

int64_t money_tax(int64_t amount, int64_t rate)
{
	return (int64_t)dec_div_round((__int128)amount * rate, RATE_SCALE,
				      ROUND_NEAREST);
}

char *money_format(char *buf, int64_t minor, const struct currency *cur)
{
	return ratio_format(buf, minor, 1, cur->exp, cur->exp);
}

char *price_format(char *buf, int64_t price)
{
	return dec_format(buf, price, 4, 2);
}

int money_abs_cmp(int64_t a, int ea, int64_t b, int eb)
{
	__int128 x = (__int128)(a < 0 ? -a : a) * dec_pow10(4 - ea);
	__int128 y = (__int128)(b < 0 ? -b : b) * dec_pow10(4 - eb);

	return x < y ? -1 : x > y;
}

int price_parse(const char *s, int64_t *out, struct error *e)
{
	if (dec_parse(s, strlen(s), 4, out, e) != 0)
		return -1;
	if (*out < 0)
		return error_set(e, ERR_RANGE, "negative price");
	return 0;
}
