#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "outfile.h"
#include "strbuf.h"
#include "xalloc.h"
#include "banned.h"

int outfile_open(struct outfile *o, const char *path, struct error *e)
{
	struct strbuf sb = STRBUF_INIT;

	strbuf_addf(&sb, "%s.tmp%ld", path, (long)getpid());
	o->path = xstrdup(path);
	o->tmp = strbuf_detach(&sb);
	o->fp = fopen(o->tmp, "wb");
	if (!o->fp) {
		error_set(e, "%s: cannot create: %s", o->tmp, strerror(errno));
		free(o->path);
		free(o->tmp);
		o->path = o->tmp = NULL;
		return -1;
	}
	/* big outputs: 64 KiB writes instead of stdio's 4 KiB */
	setvbuf(o->fp, NULL, _IOFBF, 1 << 16);
	return 0;
}

static void outfile_clear(struct outfile *o)
{
	free(o->path);
	free(o->tmp);
	o->path = o->tmp = NULL;
	o->fp = NULL;
}

int outfile_commit(struct outfile *o, struct error *e)
{
	int bad = fflush(o->fp) != 0 || ferror(o->fp);
	int saved = errno;

	if (!bad && fsync(fileno(o->fp)) != 0 && errno != EINVAL) {
		bad = 1;
		saved = errno;
	}
	if (fclose(o->fp) != 0 && !bad) {
		bad = 1;
		saved = errno;
	}
	o->fp = NULL;
	if (bad) {
		error_set(e, "%s: write failed: %s", o->path, strerror(saved));
		unlink(o->tmp);
		outfile_clear(o);
		return -1;
	}
	if (rename(o->tmp, o->path) != 0) {
		error_set(e, "%s: cannot rename into place: %s", o->path,
			  strerror(errno));
		unlink(o->tmp);
		outfile_clear(o);
		return -1;
	}
	outfile_clear(o);
	return 0;
}

int outfile_publish(const char *tmp, const char *path, struct error *e)
{
	int fd = open(tmp, O_RDONLY);

	if (fd < 0 || fsync(fd) != 0) {
		error_set(e, "%s: write failed: %s", tmp, strerror(errno));
		if (fd >= 0)
			close(fd);
		unlink(tmp);
		return -1;
	}
	close(fd);
	if (rename(tmp, path) != 0) {
		error_set(e, "%s: cannot rename into place: %s", path,
			  strerror(errno));
		unlink(tmp);
		return -1;
	}
	return 0;
}

void outfile_abort(struct outfile *o)
{
	if (o->fp)
		fclose(o->fp);
	if (o->tmp)
		unlink(o->tmp);
	outfile_clear(o);
}

void csv_putn(FILE *fp, const char *s, size_t n)
{
	size_t i;
	int quote = n && (s[0] == ' ' || s[0] == '\t' || s[n - 1] == ' ' ||
			  s[n - 1] == '\t');

	for (i = 0; i < n && !quote; i++)
		if (s[i] == ',' || s[i] == '"' || s[i] == '\n' || s[i] == '\r')
			quote = 1;
	if (!quote) {
		fwrite(s, 1, n, fp);
		return;
	}
	putc('"', fp);
	for (i = 0; i < n; i++) {
		if (s[i] == '"')
			putc('"', fp);
		putc(s[i], fp);
	}
	putc('"', fp);
}

void csv_put(FILE *fp, const char *s)
{
	csv_putn(fp, s ? s : "", s ? strlen(s) : 0);
}

void csv_putrow(FILE *fp, const char *const *f, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (i)
			csv_sep(fp);
		csv_put(fp, f[i]);
	}
	csv_eol(fp);
}
