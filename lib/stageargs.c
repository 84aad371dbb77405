#include <stdlib.h>
#include <string.h>
#include "stageargs.h"
#include "xalloc.h"
#include "banned.h"

int stage_args_parse(struct stage_args *a, int argc, char **argv,
		     int want_config, struct error *e)
{
	int i, options = 1;

	memset(a, 0, sizeof(*a));
	a->inputs = xcalloc((size_t)argc + 1, sizeof(*a->inputs));
	e->msg[0] = '\0';
	for (i = 1; i < argc; i++) {
		const char *s = argv[i];

		if (options && !strcmp(s, "--help")) {
			stage_args_release(a);
			return 1;
		}
		if (options && !strcmp(s, "--month") && i + 1 < argc)
			a->month = argv[++i];
		else if (options && want_config && !strcmp(s, "--config") &&
			 i + 1 < argc)
			a->config = argv[++i];
		else if (options && !strcmp(s, "-o") && i + 1 < argc)
			a->outdir = argv[++i];
		else if (options && !strcmp(s, "--"))
			options = 0;
		else if (options && s[0] == '-' && s[1]) {
			stage_args_release(a);
			return error_set(e, "unknown option (\"%s\")", s);
		}
		else
			a->inputs[a->ninputs++] = s;
	}
	if (!a->month || !a->outdir || (want_config && !a->config)) {
		stage_args_release(a);
		return -1;
	}
	return 0;
}

void stage_args_release(struct stage_args *a)
{
	free(a->inputs);
	a->inputs = NULL;
	a->ninputs = 0;
}
