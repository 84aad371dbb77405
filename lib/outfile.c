#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "outfile.h"
#include "strbuf.h"
#include "tempfile.h"
#include "xalloc.h"
#include "banned.h"

int outfile_open(struct outfile *o, const char *path, struct error *e)
{
	struct strbuf sb = STRBUF_INIT;

	strbuf_addf(&sb, "%s.tmp%ld", path, (long)getpid());
	o->path = xstrdup(path);
	o->tmp = strbuf_detach(&sb);
	o->tf = tempfile_register(o->tmp);
	o->fp = fopen(o->tmp, "wb");
	if (!o->fp) {
		error_set(e, ERR_IO, "%s: cannot create: %s", o->tmp, strerror(errno));
		tempfile_forget(o->tf);
		free(o->path);
		free(o->tmp);
		o->path = o->tmp = NULL;
		o->tf = NULL;
		return -1;
	}
	/* big outputs: 64 KiB writes instead of stdio's 4 KiB */
	setvbuf(o->fp, NULL, _IOFBF, 1 << 16);
	return 0;
}

static void outfile_clear(struct outfile *o)
{
	tempfile_forget(o->tf);
	o->tf = NULL;
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
		error_set(e, ERR_IO, "%s: write failed: %s", o->path, strerror(saved));
		tempfile_remove(o->tf);
		outfile_clear(o);
		return -1;
	}
	if (rename(o->tmp, o->path) != 0) {
		error_set(e, ERR_IO, "%s: cannot rename into place: %s", o->path,
			  strerror(errno));
		tempfile_remove(o->tf);
		outfile_clear(o);
		return -1;
	}
	outfile_clear(o);
	return 0;
}

struct tempfile *outfile_temp_name(const char *path, struct strbuf *tmp)
{
	strbuf_addf(tmp, "%s.tmp%ld", path, (long)getpid());
	return tempfile_register(tmp->buf);
}

int outfile_publish(struct tempfile *t, const char *tmp, const char *path,
		    struct error *e)
{
	int fd = open(tmp, O_RDONLY);

	if (fd < 0 || fsync(fd) != 0) {
		error_set(e, ERR_IO, "%s: write failed: %s", tmp, strerror(errno));
		if (fd >= 0)
			close(fd);
		tempfile_remove(t);
		return -1;
	}
	close(fd);
	if (rename(tmp, path) != 0) {
		error_set(e, ERR_IO, "%s: cannot rename into place: %s", path,
			  strerror(errno));
		tempfile_remove(t);
		return -1;
	}
	tempfile_forget(t);
	return 0;
}

void outfile_abort(struct outfile *o)
{
	if (o->fp)
		fclose(o->fp);
	tempfile_remove(o->tf);
	outfile_clear(o);
}
