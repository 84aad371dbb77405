#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "problems.h"
#include "strbuf.h"
#include "csvwrite.h"
#include "xalloc.h"
#include "banned.h"

const char *severity_name(enum severity s)
{
	return s == SEV_BLOCKING ? "blocking" : "warning";
}

int problems_open(struct problems *p, const char *path, const char *stage,
		  struct error *e)
{
	const char *slash = path ? strrchr(path, '/') : NULL;

	p->stage = stage;
	p->nblocking = p->nwarning = 0;
	p->dir = slash ? xstrndup(path, (size_t)(slash - path) + 1) : NULL;
	memset(&p->out, 0, sizeof(p->out));
	if (!path)
		return 0;
	if (outfile_open(&p->out, path, e))
		return -1;
	fputs("severity,stage,code,file,line,message\n", p->out.fp);
	return 0;
}

void problem_add(struct problems *p, enum severity sev, const char *code,
		 const char *file, long line, const char *fmt, ...)
{
	struct strbuf msg = STRBUF_INIT;
	char num[24];
	va_list ap;

	va_start(ap, fmt);
	strbuf_vaddf(&msg, fmt, ap);
	va_end(ap);
	snprintf(num, sizeof(num), "%ld", line);
	if (file && p->dir && !strncmp(file, p->dir, strlen(p->dir)))
		file += strlen(p->dir);
	if (p->out.fp) {
		const char *f[] = { severity_name(sev), p->stage, code,
				    file ? file : "", line > 0 ? num : "",
				    msg.buf };
		csv_putrow(p->out.fp, f, 6);
	}
	if (sev == SEV_BLOCKING)
		p->nblocking++;
	else
		p->nwarning++;
	strbuf_release(&msg);
}

int problems_commit(struct problems *p, struct error *e)
{
	free(p->dir);
	p->dir = NULL;
	return p->out.fp ? outfile_commit(&p->out, e) : 0;
}

void problems_abort(struct problems *p)
{
	free(p->dir);
	p->dir = NULL;
	outfile_abort(&p->out);
}
