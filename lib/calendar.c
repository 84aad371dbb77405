/* placeholder until the calendar rules land: weekends only */
#include <string.h>
#include "calendar.h"
#include "date.h"
#include "banned.h"

int cal_parse(const char *s, enum calendar *out)
{
	if (!strcmp(s, "US")) *out = CAL_US;
	else if (!strcmp(s, "IE")) *out = CAL_IE;
	else if (!strcmp(s, "JP")) *out = CAL_JP;
	else if (!strcmp(s, "none")) *out = CAL_NONE;
	else return -1;
	return 0;
}
const char *cal_name(enum calendar c) { return c == CAL_US ? "US" : c == CAL_IE ? "IE" : c == CAL_JP ? "JP" : "none"; }
size_t cal_holidays(enum calendar c, int y, struct holiday *out, size_t max) { (void)c; (void)y; (void)out; (void)max; return 0; }
const char *cal_holiday_name(enum calendar c, int32_t day) { (void)c; (void)day; return NULL; }
int cal_is_business_day(enum calendar c, int32_t day, const struct cal_extra *x)
{
	int w = date_weekday(day);
	(void)c;
	if (w == 0 || w == 6) return 0;
	for (size_t i = 0; x && i < x->n; i++) if (x->days[i] == day) return 0;
	return 1;
}
int32_t cal_first_business_day(enum calendar c, int32_t day, const struct cal_extra *x)
{
	while (!cal_is_business_day(c, day, x)) day++;
	return day;
}
