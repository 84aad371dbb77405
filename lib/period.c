#include <stdlib.h>
#include <string.h>
#include "date.h"
#include "holidays.h"
#include "period.h"
#include "settings.h"
#include "strbuf.h"
#include "banned.h"

int period_month(const char *s, int *y, int *m, struct error *e)
{
	if (month_parse(s, y, m))
		return error_set(e, ERR_USAGE,
				 "bad month (\"%s\"): expected YYYY-MM from 2000-01 to 2099-12",
				 s);
	return 0;
}

int32_t period_next_first(int y, int m)
{
	return days_from_civil(m == 12 ? y + 1 : y, m == 12 ? 1 : m + 1, 1);
}

int period_init(struct period *p, const char *month, enum calendar cal,
		const struct cal_extra *x, int terms, struct error *e)
{
	if (period_month(month, &p->y, &p->m, e))
		return -1;
	memcpy(p->month, month, 7);
	p->month[7] = '\0';
	p->start = days_from_civil(p->y, p->m, 1);
	p->end = days_from_civil(p->y, p->m, days_in_month(p->y, p->m));
	p->next = period_next_first(p->y, p->m);
	p->invoice_date = cal_first_business_day(cal, p->next, x);
	p->due_date = p->invoice_date + terms;
	return 0;
}

int period_load(struct period *p, struct settings *s, struct cal_extra *extra,
		const char *config, const char *month, struct error *e)
{
	char *path;
	int r;

	extra->days = NULL;
	extra->n = 0;
	if (settings_read(s, config, e))
		return -1;
	path = path_join(config, "holidays.csv");
	r = holidays_load(extra, path, e);
	free(path);
	if (r)
		return -1;
	return period_init(p, month, s->calendar, extra, s->payment_terms_days,
			   e);
}
