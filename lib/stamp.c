#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include "fsutil.h"
#include "sha256.h"
#include "stamp.h"
#include "strbuf.h"
#include "banned.h"

int stamp_set(const char *path, const char *text, int dry_run,
	      struct error *e)
{
	size_t n = strlen(text);

	if (fs_same_as(path, text, n))
		return 0;
	if (dry_run)
		return 1;
	return fs_write(path, text, n, e) ? -1 : 1;
}

/* what the cache keeps of a file's stat */
static void stat_key(const struct stat *st, struct strbuf *out)
{
	strbuf_addf(out, "%ju %ju %jd %jd.%09ld %jd.%09ld ",
		    (uintmax_t)st->st_dev, (uintmax_t)st->st_ino,
		    (intmax_t)st->st_size, (intmax_t)st->st_mtim.tv_sec,
		    st->st_mtim.tv_nsec, (intmax_t)st->st_ctim.tv_sec,
		    st->st_ctim.tv_nsec);
}

int stamp_hash(const char *path, const char *cache, int dry_run,
	       char hex[65], struct error *e)
{
	struct strbuf key = STRBUF_INIT, old = STRBUF_INIT;
	struct timespec now;
	struct stat st;
	int ret = -1;

	if (stat(path, &st) != 0)
		return error_set(e, ERR_IO, "%s: cannot read: %s", path,
				 strerror(errno));
	stat_key(&st, &key);
	if (strbuf_read_file(&old, cache, 1, NULL) == 0 &&
	    old.len == key.len + 65 && !memcmp(old.buf, key.buf, key.len) &&
	    old.buf[old.len - 1] == '\n') {
		memcpy(hex, old.buf + key.len, 64);
		hex[64] = '\0';
		ret = 0;
		goto out;
	}
	if (sha256_file(path, hex, NULL, e))
		goto out;
	ret = 0;
	clock_gettime(CLOCK_REALTIME, &now);
	if (dry_run || st.st_mtim.tv_sec > now.tv_sec - 2 ||
	    st.st_ctim.tv_sec > now.tv_sec - 2)
		goto out;	/* racy: hash it again next time */
	strbuf_addstr(&key, hex);
	strbuf_addch(&key, '\n');
	if (stamp_set(cache, key.buf, 0, e) < 0)
		ret = -1;
out:
	strbuf_release(&key);
	strbuf_release(&old);
	return ret;
}
