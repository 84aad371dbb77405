#ifndef PROBLEMSTMP_H
#define PROBLEMSTMP_H
/*
 * Unit tests of stages that write problems (average, avsnap): a problems
 * list over a temporary file, and what it holds so far as one string.
 * Include after <cmocka.h> and "problems.h".
 */
#include <stdio.h>
#include <string.h>

static void problems_tmp(struct problems *p)
{
	memset(p, 0, sizeof(*p));
	p->stage = "test";
	p->out.fp = tmpfile();
	assert_non_null(p->out.fp);
}

/* the problems written so far, as one string (static buffer) */
static const char *problems_text(struct problems *p)
{
	static char buf[4096];
	size_t n;

	fflush(p->out.fp);
	rewind(p->out.fp);
	n = fread(buf, 1, sizeof(buf) - 1, p->out.fp);
	buf[n] = '\0';
	fseek(p->out.fp, 0, SEEK_END);
	return buf;
}
#endif
