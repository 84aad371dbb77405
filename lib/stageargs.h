#ifndef STAGEARGS_H
#define STAGEARGS_H
/*
 * The command line of daily-average, map and round:
 *   --help | --month YYYY-MM [--config DIR] -o OUTDIR INPUT...
 * Options and inputs may come in any order; "--" ends the options. The
 * strings are argv's (borrowed).
 *
 * Like die() (eprintf.h), this is for stages and may end the process:
 * --help prints usage on stdout and exits 0; a wrong line says why (an
 * unknown option, more than one input) and prints usage on stderr, exit
 * 2; a bad month is die(2).
 */
#define STAGE_CONFIG 1		/* --config DIR is required */
#define STAGE_ONE_INPUT 2	/* exactly one input, else one or more */

struct stage_args {
	const char *month, *config, *outdir;
	int y, m;		/* the month */
	const char **inputs;	/* owned: stage_args_release frees it */
	int ninputs;
};

void stage_args_get(struct stage_args *a, int argc, char **argv,
		    unsigned flags, const char *usage);
void stage_args_release(struct stage_args *a);

/*
 * The configuration every stage reads the same way, ending the process
 * like die() on an error: exit 2 for a bad file (naming the file, line or
 * key), 3 when it cannot be read.
 *   stage_settings: settings_init, then CONFIG/settings.json into s.
 *   stage_period: stage_settings, CONFIG/holidays.csv into extra (the
 *   caller's, holidays_release it) and the month's period: its invoice
 *   and due dates.
 */
struct settings;
struct cal_extra;
struct period;
void stage_settings(struct settings *s, const char *config);
void stage_period(struct period *p, struct settings *s,
		  struct cal_extra *extra, const char *config,
		  const char *month);
#endif
