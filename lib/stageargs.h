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
#endif
