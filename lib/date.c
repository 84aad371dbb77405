#include <string.h>
#include <strings.h>
#include "date.h"
#include "banned.h"

int32_t days_from_civil(int y, int m, int d)
{
	int era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

void civil_from_days(int32_t z, int *y, int *m, int *d)
{
	int era, doe, yoe, doy, mp;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*d = doy - (153 * mp + 2) / 5 + 1;
	*m = mp < 10 ? mp + 3 : mp - 9;
	*y = yoe + era * 400 + (*m <= 2);
}

int date_weekday(int32_t day)
{
	/* 1970-01-01 was a Thursday */
	int w = (int)((day + 4) % 7);

	return w < 0 ? w + 7 : w;
}

int is_leap_year(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

int days_in_month(int y, int m)
{
	static const int dim[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };

	if (m == 2 && is_leap_year(y))
		return 29;
	return dim[m - 1];
}

int date_valid(int y, int m, int d)
{
	return y >= 1900 && y <= 2199 && m >= 1 && m <= 12 && d >= 1 &&
	       d <= days_in_month(y, m);
}

/* n digits at s into *v; 0 or -1 */
static int digits(const char *s, size_t n, int *v)
{
	*v = 0;
	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		*v = *v * 10 + (s[i] - '0');
	}
	return 0;
}

/* 1 or 2 digits ending at the separator sep; advances *i */
static int small(const char *s, size_t n, size_t *i, char sep, int *v)
{
	size_t j = *i;

	while (j < n && s[j] != sep)
		j++;
	if (j - *i < 1 || j - *i > 2 || digits(s + *i, j - *i, v))
		return -1;
	*i = j;
	return 0;
}

int date_parse_fmt(const char *s, size_t n, const char *fmt, int32_t *out)
{
	int y, m, d;

	if (!strcmp(fmt, "YYYY-MM-DD") || !strcmp(fmt, "YYYY/MM/DD")) {
		char sep = fmt[4];

		if (n != 10 || s[4] != sep || s[7] != sep ||
		    digits(s, 4, &y) || digits(s + 5, 2, &m) ||
		    digits(s + 8, 2, &d))
			return -1;
	} else if (!strcmp(fmt, "MM/DD/YYYY") || !strcmp(fmt, "DD/MM/YYYY")) {
		int a, b;

		if (n != 10 || s[2] != '/' || s[5] != '/' ||
		    digits(s, 2, &a) || digits(s + 3, 2, &b) ||
		    digits(s + 6, 4, &y))
			return -1;
		m = fmt[0] == 'M' ? a : b;
		d = fmt[0] == 'M' ? b : a;
	} else if (!strcmp(fmt, "M/D/YYYY")) {
		size_t i = 0;

		if (small(s, n, &i, '/', &m) || i >= n)
			return -1;
		i++;
		if (small(s, n, &i, '/', &d) || i >= n)
			return -1;
		i++;
		if (n - i != 4 || digits(s + i, 4, &y))
			return -1;
	} else {
		return -1;
	}
	if (!date_valid(y, m, d))
		return -1;
	*out = days_from_civil(y, m, d);
	return 0;
}

int date_parse(const char *s, int32_t *out)
{
	return date_parse_fmt(s, strlen(s), "YYYY-MM-DD", out);
}

char *date_format(char *buf, int32_t day)
{
	int y, m, d;

	civil_from_days(day, &y, &m, &d);
	buf[0] = (char)('0' + y / 1000 % 10);
	buf[1] = (char)('0' + y / 100 % 10);
	buf[2] = (char)('0' + y / 10 % 10);
	buf[3] = (char)('0' + y % 10);
	buf[4] = '-';
	buf[5] = (char)('0' + m / 10);
	buf[6] = (char)('0' + m % 10);
	buf[7] = '-';
	buf[8] = (char)('0' + d / 10);
	buf[9] = (char)('0' + d % 10);
	buf[10] = '\0';
	return buf;
}

int month_parse(const char *s, int *y, int *m)
{
	if (strlen(s) != 7 || s[4] != '-' || digits(s, 4, y) ||
	    digits(s + 5, 2, m) || *m < 1 || *m > 12 || *y < 2000 || *y > 2099)
		return -1;
	return 0;
}

static const char *const months[] = {
	"January", "February", "March", "April", "May", "June", "July",
	"August", "September", "October", "November", "December",
};

const char *month_name(int m)
{
	return months[m - 1];
}

int month_from_name(const char *s, size_t n)
{
	for (int i = 0; i < 12; i++)
		if (strlen(months[i]) == n && !strncasecmp(s, months[i], n))
			return i + 1;
	return 0;
}
