#include <stdio.h>
#include <string.h>
#include "decimal.h"
#include "error.h"
#include "banned.h"

static const int64_t pow10tab[DEC_POW10_MAX + 1] = {
	1, 10, 100, 1000, 10000, 100000, 1000000, 10000000, 100000000,
	1000000000, 10000000000LL, 100000000000LL, 1000000000000LL,
	10000000000000LL, 100000000000000LL, 1000000000000000LL,
	10000000000000000LL, 100000000000000000LL, 1000000000000000000LL,
};

int64_t dec_pow10(int n)
{
	return pow10tab[n];
}

int dec_parse(const char *s, size_t n, int maxdec, int64_t *out,
	      struct error *e)
{
	size_t i = 0, intdigits = 0, fracdigits = 0;
	int64_t whole = 0, frac = 0;
	int neg = 0;

	if (n == 0)
		return error_set(e, ERR_SYNTAX, "empty number");
	if (s[0] == '-') {
		neg = 1;
		i++;
	}
	for (; i < n && s[i] >= '0' && s[i] <= '9'; i++) {
		if (whole >= DEC_MAX_UNITS / 10 + 1)
			return error_set(e, ERR_RANGE, "number too large");
		whole = whole * 10 + (s[i] - '0');
		intdigits++;
	}
	if (whole >= DEC_MAX_UNITS)
		return error_set(e, ERR_RANGE, "number too large");
	if (i < n && s[i] == '.') {
		i++;
		for (; i < n && s[i] >= '0' && s[i] <= '9'; i++) {
			if ((int)fracdigits == maxdec)
				return error_set(e, ERR_DECIMALS, "more than %d decimals",
						 maxdec);
			frac = frac * 10 + (s[i] - '0');
			fracdigits++;
		}
		if (fracdigits == 0)
			return error_set(e, ERR_SYNTAX, "not a number");
	}
	if (i != n || intdigits == 0)
		return error_set(e, ERR_SYNTAX, "not a number");
	frac *= pow10tab[maxdec - (int)fracdigits];
	/* with 5 or 6 decimals, 10^14 units no longer fit in 64 bits */
	if (whole > (INT64_MAX - frac) / pow10tab[maxdec])
		return error_set(e, ERR_RANGE, "number too large");
	*out = whole * pow10tab[maxdec] + frac;
	if (neg)
		*out = -*out;
	return 0;
}

int dec_parse_text(const char *s, int maxdec, int64_t *out)
{
	if (*s == '+')
		s++;
	return dec_parse(s, strlen(s), maxdec, out, NULL);
}

int qty_parse(const char *s, int64_t *out, struct error *e)
{
	return dec_parse(s, strlen(s), 4, out, e);
}

__int128 dec_div_round(__int128 num, __int128 den, enum rounding mode)
{
	__int128 q = num / den, r = num % den;	/* truncates toward zero */
	__int128 ar = r < 0 ? -r : r;
	int sign = num < 0 ? -1 : 1;

	if (r == 0)
		return q;
	switch (mode) {
	case ROUND_DOWN:
		return q;
	case ROUND_UP:
		return q + sign;
	case ROUND_HALF_EVEN:
		if (2 * ar > den || (2 * ar == den && (q % 2 != 0)))
			return q + sign;
		return q;
	case ROUND_NEAREST:
	case ROUND_NONE:
	default:
		return 2 * ar >= den ? q + sign : q;
	}
}

int64_t qty_round(int64_t num, int64_t den, enum rounding mode)
{
	if (mode == ROUND_NONE)
		return (int64_t)(dec_div_round((__int128)num, (__int128)den * 100,
					       ROUND_NEAREST) * 100);
	return (int64_t)(dec_div_round((__int128)num,
				       (__int128)den * QTY_SCALE, mode) *
			 QTY_SCALE);
}

char *ratio_format(char *buf, int64_t num, int64_t den, int scale_exp,
		   int decimals)
{
	/* value * 10^decimals = num * 10^decimals / (den * 10^scale_exp) */
	__int128 n = (__int128)num, d = (__int128)den;
	__int128 v, whole, frac;
	char tmp[48];
	int i = (int)sizeof(tmp), neg;

	if (decimals >= scale_exp)
		n *= pow10tab[decimals - scale_exp];
	else
		d *= pow10tab[scale_exp - decimals];
	v = dec_div_round(n, d, ROUND_NEAREST);
	neg = v < 0;
	if (neg)
		v = -v;
	whole = v / pow10tab[decimals];
	frac = v % pow10tab[decimals];
	tmp[--i] = '\0';
	for (int k = 0; k < decimals; k++) {
		tmp[--i] = (char)('0' + (int)(frac % 10));
		frac /= 10;
	}
	if (decimals)
		tmp[--i] = '.';
	do {
		tmp[--i] = (char)('0' + (int)(whole % 10));
		whole /= 10;
	} while (whole);
	if (neg)
		tmp[--i] = '-';
	memcpy(buf, tmp + i, sizeof(tmp) - (size_t)i);
	return buf;
}

char *qty_format_fixed(char *buf, int64_t q, int decimals)
{
	return ratio_format(buf, q, 1, 4, decimals);
}

char *dec_format(char *buf, int64_t v, int scale_exp, int min_decimals)
{
	uint64_t a = v < 0 ? -(uint64_t)v : (uint64_t)v;
	uint64_t p = (uint64_t)pow10tab[scale_exp];
	uint64_t whole = a / p, frac = a % p;
	int d = scale_exp;
	char tmp[48];
	int i = (int)sizeof(tmp);

	while (d > min_decimals && frac % 10 == 0) {
		frac /= 10;
		d--;
	}
	tmp[--i] = '\0';
	for (int k = 0; k < d; k++) {
		tmp[--i] = (char)('0' + frac % 10);
		frac /= 10;
	}
	if (d)
		tmp[--i] = '.';
	do {
		tmp[--i] = (char)('0' + whole % 10);
		whole /= 10;
	} while (whole);
	if (v < 0)
		tmp[--i] = '-';
	memcpy(buf, tmp + i, sizeof(tmp) - (size_t)i);
	return buf;
}

char *qty_format(char *buf, int64_t q)
{
	return dec_format(buf, q, 4, 0);
}

static const char *const rounding_names[] = {
	[ROUND_NEAREST] = "nearest",
	[ROUND_HALF_EVEN] = "half-even",
	[ROUND_UP] = "up",
	[ROUND_DOWN] = "down",
	[ROUND_NONE] = "none",
};

int rounding_parse(const char *s, enum rounding *out)
{
	for (size_t i = 0; i < sizeof(rounding_names) / sizeof(*rounding_names);
	     i++)
		if (!strcmp(s, rounding_names[i])) {
			*out = (enum rounding)i;
			return 0;
		}
	return -1;
}

const char *rounding_name(enum rounding r)
{
	return rounding_names[r];
}
