#ifndef STAGEARGS_H
#define STAGEARGS_H
/*
 * The command line of daily-average, map and round:
 *   --help | --month YYYY-MM [--config DIR] -o OUTDIR INPUT...
 * Options and inputs may come in any order; "--" ends the options. The
 * strings are argv's (borrowed).
 */
#include "error.h"

struct stage_args {
	const char *month, *config, *outdir;
	const char **inputs;	/* owned: stage_args_release frees it */
	int ninputs;
};

/*
 * Parse argv; want_config asks for --config. Returns 0, 1 for --help, or
 * -1 when the line is wrong: e says why ("unknown option (\"-x\")"), or
 * is "" when only the usage applies (a required option is missing).
 * Only a 0 return leaves something to release.
 */
int stage_args_parse(struct stage_args *a, int argc, char **argv,
		     int want_config, struct error *e);
void stage_args_release(struct stage_args *a);
#endif
