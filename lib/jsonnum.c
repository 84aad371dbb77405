#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "decimal.h"
#include "jsonnum.h"
#include "xalloc.h"
#include "banned.h"

int jsonnum_decimal(const json_t *v, int maxdec, int64_t *out)
{
	char buf[64];
	int64_t r;

	if (maxdec < 0 || maxdec > 4)
		return -1;
	if (json_is_integer(v)) {
		json_int_t i = json_integer_value(v);

		if (i <= -DEC_MAX_UNITS || i >= DEC_MAX_UNITS)
			return -1;
		*out = (int64_t)i * dec_pow10(maxdec);
		return 0;
	}
	if (json_is_string(v)) {
		const char *s = json_string_value(v);

		return dec_parse(s, strlen(s), maxdec, out, NULL);
	}
	if (!json_is_real(v))
		return -1;
	{
		double d = json_real_value(v);

		if (!(d > -1e14 && d < 1e14))
			return -1;
		snprintf(buf, sizeof(buf), "%.15g", d);
		if (dec_parse(buf, strlen(buf), maxdec, &r, NULL))
			return -1;
		/* the text must read back to d: r / 10^maxdec, exactly rounded */
		if ((double)r / (double)dec_pow10(maxdec) != d)
			return -1;
	}
	*out = r;
	return 0;
}

int jsonnum_id(const json_t *v, char *buf, size_t size)
{
	if (size < 20)
		return -1;
	if (json_is_integer(v)) {
		json_int_t i = json_integer_value(v);

		if (i < 0)
			return -1;
		snprintf(buf, size, "%lld", (long long)i);
		return 0;
	}
	if (json_is_string(v)) {
		const char *s = json_string_value(v);
		size_t n = strlen(s);

		if (n < 1 || n > 18 || strspn(s, "0123456789") != n)
			return -1;
		memcpy(buf, s, n + 1);
		return 0;
	}
	return -1;
}

char *jsonnum_show(const json_t *v)
{
	char *t = v ? json_dumps(v, JSON_ENCODE_ANY | JSON_COMPACT |
				 JSON_REAL_PRECISION(15)) : NULL;

	return t ? t : xstrdup("null");
}
