#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "fsutil.h"
#include "outfile.h"
#include "strbuf.h"
#include "xalloc.h"
#include "banned.h"

static int cmp_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), k = strlen(suffix);

	return n >= k && !strcmp(s + n - k, suffix);
}

int fs_list(const char *dir, const char *suffix, unsigned flags,
	    struct fs_names *out, struct error *e)
{
	struct dirent *de;
	DIR *d = opendir(dir);
	size_t first = out->n;

	if (!d) {
		if ((flags & FS_MISSING_OK) && errno == ENOENT)
			return 0;
		return error_set(e, ERR_IO, "%s: cannot read the folder: %s",
				 dir, strerror(errno));
	}
	while ((errno = 0, de = readdir(d))) {
		const char *n = de->d_name;

		if (!strcmp(n, ".") || !strcmp(n, ".."))
			continue;
		if (n[0] == '.' && !(flags & FS_HIDDEN))
			continue;
		if (suffix && *suffix && !ends_with(n, suffix))
			continue;
		XGROW(out->v, out->alloc, out->n + 1);
		out->v[out->n++] = xstrdup(n);
	}
	if (errno) {
		int saved = errno;

		closedir(d);
		return error_set(e, ERR_IO, "%s: cannot read the folder: %s",
				 dir, strerror(saved));
	}
	closedir(d);
	if (out->n - first > 1)	/* qsort(NULL, 0) is undefined */
		qsort(out->v + first, out->n - first, sizeof(*out->v), cmp_name);
	return 0;
}

void fs_names_release(struct fs_names *n)
{
	for (size_t i = 0; i < n->n; i++)
		free(n->v[i]);
	free(n->v);
	n->v = NULL;
	n->n = n->alloc = 0;
}

int fs_is_dir(const char *path)
{
	struct stat st;

	return lstat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

int fs_exists(const char *path)
{
	struct stat st;

	return lstat(path, &st) == 0;
}

int fs_mkdir(const char *path, struct error *e)
{
	if (mkdir(path, 0777) != 0 && errno != EEXIST)
		return error_set(e, ERR_IO, "%s: cannot create the folder: %s",
				 path, strerror(errno));
	return 0;
}

int fs_mkdirs(const char *path, struct error *e)
{
	char *copy = xstrdup(path);
	int ret = 0;

	for (char *s = copy + 1; *s && !ret; s++)
		if (*s == '/') {
			*s = '\0';
			if (!fs_is_dir(copy))
				ret = fs_mkdir(copy, e);
			*s = '/';
		}
	if (!ret)
		ret = fs_mkdir(copy, e);
	free(copy);
	return ret;
}

int fs_remove_tree(const char *path, struct error *e)
{
	struct fs_names names = FS_NAMES_INIT;
	int ret = 0;

	if (!fs_is_dir(path)) {
		if (unlink(path) != 0 && errno != ENOENT)
			return error_set(e, ERR_IO, "%s: cannot remove: %s",
					 path, strerror(errno));
		return 0;
	}
	if (fs_list(path, NULL, FS_HIDDEN, &names, e))
		return -1;
	for (size_t i = 0; i < names.n && !ret; i++) {
		char *p = path_join(path, names.v[i]);

		ret = fs_remove_tree(p, e);
		free(p);
	}
	fs_names_release(&names);
	if (!ret && rmdir(path) != 0)
		ret = error_set(e, ERR_IO, "%s: cannot remove: %s", path,
				strerror(errno));
	return ret;
}

int fs_same_bytes(const char *a, const char *b, struct error *e)
{
	char ba[65536], bb[65536];
	FILE *fa, *fb = fopen(b, "rb");
	int same = 1;

	if (!fb)
		return 0;
	fa = fopen(a, "rb");
	if (!fa) {
		fclose(fb);
		return error_set(e, ERR_IO, "%s: cannot open: %s", a,
				 strerror(errno));
	}
	for (;;) {
		size_t na = fread(ba, 1, sizeof(ba), fa);
		size_t nb = fread(bb, 1, sizeof(bb), fb);

		if (na != nb || memcmp(ba, bb, na) != 0) {
			same = 0;
			break;
		}
		if (na == 0)
			break;
	}
	if (ferror(fa))
		same = error_set(e, ERR_IO, "%s: cannot read", a);
	fclose(fa);
	fclose(fb);
	return same;
}

int fs_same_as(const char *path, const char *data, size_t len)
{
	FILE *fp = fopen(path, "rb");
	char buf[65536];
	size_t got, off = 0;
	int same = 1;

	if (!fp)
		return 0;
	while (same && (got = fread(buf, 1, sizeof(buf), fp)) > 0) {
		if (off + got > len || memcmp(data + off, buf, got))
			same = 0;
		off += got;
	}
	if (ferror(fp))
		same = 0;
	fclose(fp);
	return same && off == len;
}

int fs_copy(const char *from, const char *to, struct error *e)
{
	struct outfile o;
	FILE *fp = fopen(from, "rb");
	char buf[65536];
	size_t got;

	if (!fp)
		return error_set(e, ERR_IO, "%s: cannot open: %s", from,
				 strerror(errno));
	if (outfile_open(&o, to, e)) {
		fclose(fp);
		return -1;
	}
	while ((got = fread(buf, 1, sizeof(buf), fp)) > 0)
		fwrite(buf, 1, got, o.fp);
	if (ferror(fp)) {
		fclose(fp);
		outfile_abort(&o);
		return error_set(e, ERR_IO, "%s: cannot read", from);
	}
	fclose(fp);
	return outfile_commit(&o, e);
}

int fs_write(const char *path, const char *data, size_t len,
	     struct error *e)
{
	struct outfile o;

	if (outfile_open(&o, path, e))
		return -1;
	fwrite(data, 1, len, o.fp);
	return outfile_commit(&o, e);
}

int fs_dir_fsync(const char *dir, struct error *e)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	if (fd < 0)
		return error_set(e, ERR_IO, "%s: cannot open folder: %s", dir,
				 strerror(errno));
	if (fsync(fd) != 0 && errno != EINVAL) {
		int saved = errno;

		close(fd);
		return error_set(e, ERR_IO, "%s: cannot sync folder: %s", dir,
				 strerror(saved));
	}
	close(fd);
	return 0;
}

int fs_dir_fsync_parent(const char *path, struct error *e)
{
	char *copy = xstrdup(path);
	int r = fs_dir_fsync(dirname(copy), e);

	free(copy);
	return r;
}

int fs_is_temp(const char *name)
{
	for (const char *t = strstr(name, ".tmp"); t; t = strstr(t + 1, ".tmp")) {
		const char *d = t + 4;

		while (*d >= '0' && *d <= '9')
			d++;
		if (d == t + 4)
			continue;
		if (!*d || (*d == '.' && strlen(d + 1) == 6 && !strchr(d + 1, '.')))
			return 1;
	}
	return 0;
}

int fs_sync_tree(const char *from, const char *to, size_t *copied,
		 struct error *e)
{
	struct fs_names names = FS_NAMES_INIT;
	int ret = 0;

	if (fs_list(from, NULL, 0, &names, e) || fs_mkdir(to, e)) {
		fs_names_release(&names);
		return -1;
	}
	for (size_t i = 0; i < names.n && !ret; i++) {
		char *a, *b;
		struct stat st;

		if (fs_is_temp(names.v[i]))
			continue;
		a = path_join(from, names.v[i]);
		b = path_join(to, names.v[i]);
		if (lstat(a, &st) != 0)
			ret = error_set(e, ERR_IO, "%s: cannot stat: %s", a,
					strerror(errno));
		else if (S_ISDIR(st.st_mode))
			ret = fs_sync_tree(a, b, copied, e);
		else if (S_ISREG(st.st_mode)) {
			int same = fs_same_bytes(a, b, e);

			if (same < 0)
				ret = -1;
			else if (!same && !(ret = fs_copy(a, b, e)))
				++*copied;
		}
		free(a);
		free(b);
	}
	fs_names_release(&names);
	return ret;
}

int fs_prune_tree(const char *to, const char *from, const char *keep,
		  struct error *e)
{
	struct fs_names names = FS_NAMES_INIT;
	int ret = 0;

	if (fs_list(to, NULL, FS_MISSING_OK, &names, e))
		return -1;
	for (size_t i = 0; i < names.n && !ret; i++) {
		char *a = path_join(to, names.v[i]);
		char *b = path_join(from, names.v[i]);
		struct stat st, sf;

		if (keep && !strcmp(names.v[i], keep)) {
			/* left alone */
		} else if (lstat(a, &st) != 0) {
			ret = error_set(e, ERR_IO, "%s: cannot stat: %s", a,
					strerror(errno));
		} else if (S_ISDIR(st.st_mode)) {
			ret = fs_prune_tree(a, b, NULL, e);
		} else if (lstat(b, &sf) != 0 && errno == ENOENT &&
			   unlink(a) != 0 && errno != ENOENT) {
			ret = error_set(e, ERR_IO, "%s: cannot remove: %s", a,
					strerror(errno));
		}
		free(a);
		free(b);
	}
	fs_names_release(&names);
	return ret;
}

int fs_sweep_temps(const char *dir, size_t *removed, struct error *e)
{
	struct fs_names names = FS_NAMES_INIT;
	int ret = 0;

	if (fs_list(dir, NULL, FS_HIDDEN | FS_MISSING_OK, &names, e))
		return -1;
	for (size_t i = 0; i < names.n && !ret; i++) {
		char *p = path_join(dir, names.v[i]);
		struct stat st;

		if (lstat(p, &st) == 0) {
			if (S_ISDIR(st.st_mode))
				ret = fs_sweep_temps(p, removed, e);
			else if (S_ISREG(st.st_mode) && fs_is_temp(names.v[i])) {
				if (unlink(p) != 0 && errno != ENOENT)
					ret = error_set(e, ERR_IO,
							"%s: cannot remove: %s",
							p, strerror(errno));
				else
					++*removed;
			}
		}
		free(p);
	}
	fs_names_release(&names);
	return ret;
}
