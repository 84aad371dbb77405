/*
 * Business-day calendars: the public holidays of the US, Ireland and Japan
 * by rule, for invoice dates (README.md, "Calendars"). This comment
 * is the specification; tests/unit/test_calendar.c checks it against the
 * official published lists for 2024 to 2030.
 *
 * Years. Rules are applied for 2000 to 2100: billing months run from
 * 2000-01 to 2099-12 (CAL_MIN_YEAR..CAL_MAX_YEAR), and the invoice date of
 * December 2099 falls in January 2100, so 2100 is computed too. Each rule
 * applies from the year it began; nothing before 2000 is modelled. Outside
 * 2000..2100 only weekends and the extra dates are days off.
 *
 * Days off of a year (cal_holidays) are every public holiday on its own
 * date, also when that date is a Saturday or Sunday, plus every observed,
 * substitute, citizens' or bank-closure day that falls in that year. Each
 * date appears once. A business day is a Monday to Friday that is none of
 * these and not an extra date (config/holidays.csv). CAL_NONE: weekends
 * and extra dates only.
 *
 * US: federal holidays, 5 U.S.C. 6103(a):
 *   New Year's Day                      January 1
 *   Birthday of Martin Luther King, Jr. third Monday in January
 *   Washington's Birthday               third Monday in February
 *   Memorial Day                        last Monday in May
 *   Juneteenth National Independence Day June 19, from 2021 (Pub. L.
 *                                       117-17, 2021-06-17)
 *   Independence Day                    July 4
 *   Labor Day                           first Monday in September
 *   Columbus Day                        second Monday in October
 *   Veterans Day                        November 11
 *   Thanksgiving Day                    fourth Thursday in November
 *   Christmas Day                       December 25
 * Observed days (5 U.S.C. 6103(b), Executive Order 11582, OPM's federal
 * holidays list): a holiday on a Saturday is observed on the Friday
 * before, one on a Sunday on the Monday after. New Year's Day on a
 * Saturday is observed on Friday December 31 of the previous year (2027-12-31
 * for 2028-01-01), which is then a day off of that previous year.
 * Not included: Inauguration Day (Washington DC area only) and one-off
 * closures by executive order (e.g. 2024-12-24): add them to
 * config/holidays.csv.
 *
 * IE: public holidays, Organisation of Working Time Act 1997, schedule 2,
 * as amended in 2022 (St Brigid's Day from 2023, and a once-off public
 * holiday on 2022-03-18), as listed by citizensinformation.ie:
 *   New Year's Day         January 1
 *   St Brigid's Day        from 2023: the first Monday in February, or
 *                          February 1 when that is a Friday
 *   St Patrick's Day       March 17
 *   Easter Monday          the Monday after Easter Sunday (Gregorian
 *                          computus, Meeus/Jones/Butcher)
 *   May Bank Holiday       first Monday in May
 *   June Bank Holiday      first Monday in June
 *   August Bank Holiday    first Monday in August
 *   October Bank Holiday   last Monday in October
 *   Christmas Day          December 25
 *   St Stephen's Day       December 26
 *   one-off public holiday 2022-03-18 (Covid-19 recognition)
 * Good Friday is not a public holiday in Ireland (it is not in schedule 2);
 * a company that closes on it adds it to config/holidays.csv.
 * Substitute days: the Act itself gives an employee a day off in lieu for
 * a holiday on a weekend; banks, the Central Bank and public offices close
 * on the next weekday instead, and tally follows them. Each holiday on a
 * Saturday or Sunday, taken in date order, gives the next Monday to
 * Friday that is neither a holiday nor an earlier substitute. So when two
 * holidays fall on one weekend both get a day: Christmas on a Saturday
 * and St Stephen's on the Sunday give Monday 27 and Tuesday 28 (2021,
 * 2027); Christmas on a Sunday gives Tuesday 27, Monday 26 being St
 * Stephen's Day (2022); St Stephen's on a Saturday gives Monday 28 (2026).
 *
 * JP: Act on National Holidays (国民の祝日に関する法律, Act No. 178 of
 * 1948) with its amendments, as published by the Cabinet Office:
 *   New Year's Day            January 1
 *   Coming of Age Day         second Monday in January (from 2000)
 *   National Foundation Day   February 11
 *   The Emperor's Birthday    December 23 up to 2018; none in 2019;
 *                             February 23 from 2020
 *   Vernal Equinox Day        March floor(20.8431 + 0.242194 (y - 1980)
 *                             - floor((y - 1980) / 4)), 1980..2099;
 *                             21.8510 for 2100 (the day the National
 *                             Astronomical Observatory announces; the
 *                             formula is computed in units of 10^-6)
 *   Showa Day                 April 29, from 2007 (Greenery Day before)
 *   Constitution Memorial Day May 3
 *   Greenery Day              May 4, from 2007 (before, May 4 was a
 *                             citizens' holiday by the rule below)
 *   Children's Day            May 5
 *   Marine Day                July 20 up to 2002; third Monday in July
 *                             from 2003; 2020-07-23; 2021-07-22
 *   Mountain Day              August 11, from 2016; 2020-08-10; 2021-08-08
 *   Respect for the Aged Day  September 15 up to 2002; third Monday in
 *                             September from 2003
 *   Autumnal Equinox Day      September floor(23.2488 + 0.242194 (y - 1980)
 *                             - floor((y - 1980) / 4)); 24.2488 for 2100
 *   Health and Sports Day     second Monday in October, 2000 to 2019;
 *   / Sports Day              named Sports Day from 2020; 2020-07-24,
 *                             2021-07-23 (the Tokyo Olympics special
 *                             measures acts moved Marine, Sports and
 *                             Mountain Day in 2020 and 2021)
 *   Culture Day               November 3
 *   Labour Thanksgiving Day   November 23
 *   2019 (accession of the Emperor, Act No. 99 of 2018): Enthronement Day
 *   2019-05-01 and the Enthronement Ceremony Day 2019-10-22, treated as
 *   national holidays; 2019-04-30 and 2019-05-02 follow as citizens'
 *   holidays.
 * Substitute holiday (article 3(2)): up to 2006, when a national holiday
 * falls on a Sunday the Monday after is a holiday; from 2007, the next day
 * that is not a national holiday is (2025-05-06 for May 4 on a Sunday).
 * Citizens' holiday (article 3(3)): a day that is not a national holiday,
 * not a Sunday and not a substitute holiday, between two national
 * holidays (2026-09-22, 2019-04-30).
 * Bank closure: banks close on December 31, January 2 and January 3
 * (Banking Act enforcement order, article 5), so these are days off too.
 *
 * Names are static English strings; an observed or substitute day is
 * named after its holiday ("Independence Day (observed)").
 */
#include <string.h>
#include "calendar.h"
#include "date.h"
#include "banned.h"

#define RULES_MIN_YEAR 2000
#define RULES_MAX_YEAR 2100
#define MAXDAYS 48

struct list {
	struct holiday h[MAXDAYS];
	size_t n;
};

int cal_parse(const char *s, enum calendar *out)
{
	if (!strcmp(s, "US"))
		*out = CAL_US;
	else if (!strcmp(s, "IE"))
		*out = CAL_IE;
	else if (!strcmp(s, "JP"))
		*out = CAL_JP;
	else if (!strcmp(s, "none"))
		*out = CAL_NONE;
	else
		return -1;
	return 0;
}

const char *cal_name(enum calendar c)
{
	switch (c) {
	case CAL_US:
		return "US";
	case CAL_IE:
		return "IE";
	case CAL_JP:
		return "JP";
	case CAL_NONE:
	default:
		return "none";
	}
}

static int find(const struct list *l, int32_t day)
{
	for (size_t i = 0; i < l->n; i++)
		if (l->h[i].day == day)
			return (int)i;
	return -1;
}

/* add day unless it is already a day off (the first name wins) */
static void add(struct list *l, int32_t day, const char *name)
{
	if (find(l, day) >= 0 || l->n == MAXDAYS)
		return;
	l->h[l->n].day = day;
	l->h[l->n].name = name;
	l->n++;
}

static void sort(struct list *l)
{
	for (size_t i = 1; i < l->n; i++) {
		struct holiday t = l->h[i];
		size_t j = i;

		for (; j > 0 && l->h[j - 1].day > t.day; j--)
			l->h[j] = l->h[j - 1];
		l->h[j] = t;
	}
}

/* the n-th weekday wd (0 = Sunday) of y-m; n = -1 for the last one */
static int32_t nth(int y, int m, int wd, int n)
{
	int32_t d;

	if (n > 0) {
		d = days_from_civil(y, m, 1);
		d += (wd - date_weekday(d) + 7) % 7;
		return d + 7 * (n - 1);
	}
	d = days_from_civil(y, m, days_in_month(y, m));
	return d - (date_weekday(d) - wd + 7) % 7;
}

static int32_t ymd(int y, int m, int d)
{
	return days_from_civil(y, m, d);
}

/* Easter Sunday (Gregorian; Meeus/Jones/Butcher) */
static int32_t easter(int y)
{
	int a = y % 19, b = y / 100, c = y % 100, d = b / 4, e = b % 4;
	int f = (b + 8) / 25, g = (b - f + 1) / 3;
	int h = (19 * a + b - d - g + 15) % 30;
	int i = c / 4, k = c % 4;
	int l = (32 + 2 * e + 2 * i - h - k) % 7;
	int m = (a + 11 * h + 22 * l) / 451;
	int month = (h + l - 7 * m + 114) / 31;
	int day = (h + l - 7 * m + 114) % 31 + 1;

	return ymd(y, month, day);
}

/* ---- US ---------------------------------------------------------------- */

struct us_rule {
	const char *name, *observed;
};

static const struct us_rule us_new_year = {
	"New Year's Day", "New Year's Day (observed)" };

/* the holiday on its date, and its observed day when that differs */
static void us_add(struct list *l, int y, int32_t day, const struct us_rule *r)
{
	int w = date_weekday(day);
	int32_t obs = w == 6 ? day - 1 : w == 0 ? day + 1 : day;
	int oy, om, od;

	civil_from_days(day, &oy, &om, &od);
	if (oy == y)
		add(l, day, r->name);
	civil_from_days(obs, &oy, &om, &od);
	if (obs != day && oy == y)
		add(l, obs, r->observed);
}

static void us_year(struct list *l, int y)
{
	static const struct us_rule mlk = {
		"Birthday of Martin Luther King, Jr.",
		"Birthday of Martin Luther King, Jr. (observed)" };
	static const struct us_rule wash = {
		"Washington's Birthday", "Washington's Birthday (observed)" };
	static const struct us_rule mem = {
		"Memorial Day", "Memorial Day (observed)" };
	static const struct us_rule june = {
		"Juneteenth National Independence Day",
		"Juneteenth National Independence Day (observed)" };
	static const struct us_rule indep = {
		"Independence Day", "Independence Day (observed)" };
	static const struct us_rule labor = {
		"Labor Day", "Labor Day (observed)" };
	static const struct us_rule colum = {
		"Columbus Day", "Columbus Day (observed)" };
	static const struct us_rule vet = {
		"Veterans Day", "Veterans Day (observed)" };
	static const struct us_rule thanks = {
		"Thanksgiving Day", "Thanksgiving Day (observed)" };
	static const struct us_rule xmas = {
		"Christmas Day", "Christmas Day (observed)" };

	us_add(l, y, ymd(y, 1, 1), &us_new_year);
	us_add(l, y, nth(y, 1, 1, 3), &mlk);
	us_add(l, y, nth(y, 2, 1, 3), &wash);
	us_add(l, y, nth(y, 5, 1, -1), &mem);
	if (y >= 2021)
		us_add(l, y, ymd(y, 6, 19), &june);
	us_add(l, y, ymd(y, 7, 4), &indep);
	us_add(l, y, nth(y, 9, 1, 1), &labor);
	us_add(l, y, nth(y, 10, 1, 2), &colum);
	us_add(l, y, ymd(y, 11, 11), &vet);
	us_add(l, y, nth(y, 11, 4, 4), &thanks);
	us_add(l, y, ymd(y, 12, 25), &xmas);
	/* next year's January 1 on a Saturday is observed on this Dec 31 */
	us_add(l, y, ymd(y + 1, 1, 1), &us_new_year);
}

/* ---- IE ---------------------------------------------------------------- */

struct ie_rule {
	const char *name, *substitute;
};

static void ie_year(struct list *l, int y)
{
	static const struct ie_rule
		newyear = { "New Year's Day", "New Year's Day (substitute)" },
		brigid = { "St Brigid's Day", "St Brigid's Day (substitute)" },
		patrick = { "St Patrick's Day", "St Patrick's Day (substitute)" },
		easter_mon = { "Easter Monday", "Easter Monday (substitute)" },
		may = { "May Bank Holiday", "May Bank Holiday (substitute)" },
		june = { "June Bank Holiday", "June Bank Holiday (substitute)" },
		aug = { "August Bank Holiday",
			"August Bank Holiday (substitute)" },
		oct = { "October Bank Holiday",
			"October Bank Holiday (substitute)" },
		covid = { "Public Holiday (Covid-19)",
			  "Public Holiday (Covid-19) (substitute)" },
		xmas = { "Christmas Day", "Christmas Day (substitute)" },
		stephen = { "St Stephen's Day", "St Stephen's Day (substitute)" };
	struct {
		int32_t day;
		const struct ie_rule *r;
	} hol[12];
	size_t n = 0, i;

#define IE(d, rule) (hol[n].day = (d), hol[n].r = &(rule), n++)
	IE(ymd(y, 1, 1), newyear);
	if (y >= 2023)
		IE(date_weekday(ymd(y, 2, 1)) == 5 ? ymd(y, 2, 1) :
		   nth(y, 2, 1, 1), brigid);
	IE(ymd(y, 3, 17), patrick);
	if (y == 2022)
		IE(ymd(2022, 3, 18), covid);
	IE(easter(y) + 1, easter_mon);
	IE(nth(y, 5, 1, 1), may);
	IE(nth(y, 6, 1, 1), june);
	IE(nth(y, 8, 1, 1), aug);
	IE(nth(y, 10, 1, -1), oct);
	IE(ymd(y, 12, 25), xmas);
	IE(ymd(y, 12, 26), stephen);
#undef IE
	/* in date order (Easter Monday may come before St Patrick's) */
	for (i = 1; i < n; i++)
		for (size_t j = i; j > 0 && hol[j - 1].day > hol[j].day; j--) {
			int32_t td = hol[j].day;
			const struct ie_rule *tr = hol[j].r;

			hol[j].day = hol[j - 1].day;
			hol[j].r = hol[j - 1].r;
			hol[j - 1].day = td;
			hol[j - 1].r = tr;
		}
	for (i = 0; i < n; i++)
		add(l, hol[i].day, hol[i].r->name);
	for (i = 0; i < n; i++) {
		int32_t d = hol[i].day;
		int w = date_weekday(d);

		if (w != 0 && w != 6)
			continue;
		do
			d++;
		while (date_weekday(d) == 0 || date_weekday(d) == 6 ||
		       find(l, d) >= 0);
		add(l, d, hol[i].r->substitute);
	}
}

/* ---- JP ---------------------------------------------------------------- */

/* day of March (vernal) or September (autumnal) of the equinox holiday */
static int jp_equinox(int y, int autumnal)
{
	/* the constants in units of 10^-6 day */
	int64_t base = y <= 2099 ? (autumnal ? 23248800 : 20843100) :
				   (autumnal ? 24248800 : 21851000);

	return (int)((base + 242194LL * (y - 1980)) / 1000000 - (y - 1980) / 4);
}

static void jp_year(struct list *l, int y)
{
	struct list nat;	/* national holidays ("国民の祝日") */
	int32_t d, first = ymd(y, 1, 1), last = ymd(y, 12, 31);

	nat.n = 0;
	add(&nat, ymd(y, 1, 1), "New Year's Day");
	add(&nat, nth(y, 1, 1, 2), "Coming of Age Day");
	add(&nat, ymd(y, 2, 11), "National Foundation Day");
	if (y >= 2020)
		add(&nat, ymd(y, 2, 23), "The Emperor's Birthday");
	add(&nat, ymd(y, 3, jp_equinox(y, 0)), "Vernal Equinox Day");
	add(&nat, ymd(y, 4, 29), y >= 2007 ? "Showa Day" : "Greenery Day");
	if (y == 2019)
		add(&nat, ymd(2019, 5, 1), "Enthronement Day");
	add(&nat, ymd(y, 5, 3), "Constitution Memorial Day");
	if (y >= 2007)
		add(&nat, ymd(y, 5, 4), "Greenery Day");
	add(&nat, ymd(y, 5, 5), "Children's Day");
	if (y == 2020)
		add(&nat, ymd(2020, 7, 23), "Marine Day");
	else if (y == 2021)
		add(&nat, ymd(2021, 7, 22), "Marine Day");
	else
		add(&nat, y >= 2003 ? nth(y, 7, 1, 3) : ymd(y, 7, 20),
		    "Marine Day");
	if (y == 2020)
		add(&nat, ymd(2020, 7, 24), "Sports Day");
	else if (y == 2021)
		add(&nat, ymd(2021, 7, 23), "Sports Day");
	if (y == 2020)
		add(&nat, ymd(2020, 8, 10), "Mountain Day");
	else if (y == 2021)
		add(&nat, ymd(2021, 8, 8), "Mountain Day");
	else if (y >= 2016)
		add(&nat, ymd(y, 8, 11), "Mountain Day");
	add(&nat, y >= 2003 ? nth(y, 9, 1, 3) : ymd(y, 9, 15),
	    "Respect for the Aged Day");
	add(&nat, ymd(y, 9, jp_equinox(y, 1)), "Autumnal Equinox Day");
	if (y <= 2019)
		add(&nat, nth(y, 10, 1, 2), "Health and Sports Day");
	else if (y >= 2022)
		add(&nat, nth(y, 10, 1, 2), "Sports Day");
	if (y == 2019)
		add(&nat, ymd(2019, 10, 22), "Enthronement Ceremony Day");
	add(&nat, ymd(y, 11, 3), "Culture Day");
	add(&nat, ymd(y, 11, 23), "Labour Thanksgiving Day");
	if (y <= 2018)
		add(&nat, ymd(y, 12, 23), "The Emperor's Birthday");

	for (size_t i = 0; i < nat.n; i++)
		add(l, nat.h[i].day, nat.h[i].name);
	/* substitute holidays */
	for (size_t i = 0; i < nat.n; i++) {
		if (date_weekday(nat.h[i].day) != 0)
			continue;
		d = nat.h[i].day + 1;
		if (y >= 2007)
			while (find(&nat, d) >= 0)
				d++;
		add(l, d, "Substitute Holiday");
	}
	/* citizens' holidays: between two national holidays */
	for (d = first + 1; d < last; d++)
		if (date_weekday(d) != 0 && find(&nat, d) < 0 &&
		    find(&nat, d - 1) >= 0 && find(&nat, d + 1) >= 0)
			add(l, d, "Citizens' Holiday");
	/* bank closure */
	add(l, ymd(y, 1, 2), "Bank Holiday");
	add(l, ymd(y, 1, 3), "Bank Holiday");
	add(l, ymd(y, 12, 31), "Bank Holiday");
}

/* ---- the interface ----------------------------------------------------- */

static void year_days(enum calendar c, int y, struct list *l)
{
	l->n = 0;
	if (y < RULES_MIN_YEAR || y > RULES_MAX_YEAR)
		return;
	switch (c) {
	case CAL_US:
		us_year(l, y);
		break;
	case CAL_IE:
		ie_year(l, y);
		break;
	case CAL_JP:
		jp_year(l, y);
		break;
	case CAL_NONE:
	default:
		break;
	}
	sort(l);
}

size_t cal_holidays(enum calendar c, int y, struct holiday *out, size_t max)
{
	struct list l;

	year_days(c, y, &l);
	for (size_t i = 0; i < l.n && i < max; i++)
		out[i] = l.h[i];
	return l.n;
}

const char *cal_holiday_name(enum calendar c, int32_t day)
{
	struct list l;
	int y, m, d, i;

	civil_from_days(day, &y, &m, &d);
	year_days(c, y, &l);
	i = find(&l, day);
	return i < 0 ? NULL : l.h[i].name;
}

static int is_extra(const struct cal_extra *x, int32_t day)
{
	size_t lo = 0, hi;

	if (!x)
		return 0;
	hi = x->n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (x->days[mid] == day)
			return 1;
		if (x->days[mid] < day)
			lo = mid + 1;
		else
			hi = mid;
	}
	return 0;
}

int cal_is_business_day(enum calendar c, int32_t day,
			const struct cal_extra *extra)
{
	int w = date_weekday(day);

	if (w == 0 || w == 6 || is_extra(extra, day))
		return 0;
	return cal_holiday_name(c, day) == NULL;
}

int32_t cal_first_business_day(enum calendar c, int32_t day,
			       const struct cal_extra *extra)
{
	while (!cal_is_business_day(c, day, extra))
		day++;
	return day;
}
