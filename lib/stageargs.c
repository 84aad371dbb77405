#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "date.h"
#include "eprintf.h"
#include "holidays.h"
#include "invoice.h"
#include "settings.h"
#include "stageargs.h"
#include "strbuf.h"
#include "xalloc.h"
#include "banned.h"

static void bad_line(const char *usage)
{
	fputs(usage, stderr);
	exit(2);
}

void stage_args_get(struct stage_args *a, int argc, char **argv,
		    unsigned flags, const char *usage)
{
	int i, options = 1;

	memset(a, 0, sizeof(*a));
	a->inputs = xcalloc((size_t)argc + 1, sizeof(*a->inputs));
	for (i = 1; i < argc; i++) {
		const char *s = argv[i];

		if (options && !strcmp(s, "--help")) {
			fputs(usage, stdout);
			exit(0);
		}
		if (options && !strcmp(s, "--month") && i + 1 < argc) {
			a->month = argv[++i];
		} else if (options && (flags & STAGE_CONFIG) &&
			   !strcmp(s, "--config") && i + 1 < argc) {
			a->config = argv[++i];
		} else if (options && !strcmp(s, "-o") && i + 1 < argc) {
			a->outdir = argv[++i];
		} else if (options && !strcmp(s, "--")) {
			options = 0;
		} else if (options && s[0] == '-' && s[1]) {
			warn("unknown option (\"%s\")", s);
			bad_line(usage);
		} else {
			if ((flags & STAGE_ONE_INPUT) && a->ninputs == 1) {
				warn("more than one input (\"%s\")", s);
				bad_line(usage);
			}
			a->inputs[a->ninputs++] = s;
		}
	}
	if (!a->month || !a->outdir || ((flags & STAGE_CONFIG) && !a->config) ||
	    ((flags & STAGE_ONE_INPUT) && a->ninputs != 1))
		bad_line(usage);
	if (month_parse(a->month, &a->y, &a->m))
		die(2, "bad month (\"%s\"): expected YYYY-MM from 2000-01 to 2099-12",
		    a->month);
}

void stage_args_release(struct stage_args *a)
{
	free(a->inputs);
	a->inputs = NULL;
	a->ninputs = 0;
}

void stage_settings(struct settings *s, const char *config)
{
	char *path = path_join(config, "settings.json");
	struct error e;

	settings_init(s);
	if (settings_load(s, path, &e))
		die(2, "%s", e.msg);
	free(path);
}

void stage_period(struct period *p, struct settings *s,
		  struct cal_extra *extra, const char *config,
		  const char *month)
{
	char *path = path_join(config, "holidays.csv");
	struct error e;
	int r;

	stage_settings(s, config);
	if ((r = holidays_load(extra, path, &e)))
		die(r == HOLIDAYS_EIO ? 3 : 2, "%s", e.msg);
	free(path);
	if (period_init(p, month, s->calendar, extra, s->payment_terms_days,
			&e))
		die(2, "%s", e.msg);
}
