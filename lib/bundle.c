/*
 * The month's archive and its manifest; the layout is in bundle.h.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <jansson.h>
#include <zip.h>
#include "bundle.h"
#include "date.h"
#include "sha256.h"
#include "strbuf.h"
#include "version.h"
#include "xalloc.h"
#include "outfile.h"
#include "banned.h"

struct entry {
	char *name;		/* in the archive / manifest */
	char *path;		/* on disk, or NULL for summary.json */
	uint64_t bytes;
	char sha[65];
};

struct list {
	struct entry *v;
	size_t n, alloc;
};

static void list_add(struct list *l, const char *name, const char *path)
{
	XGROW(l->v, l->alloc, l->n + 1);
	memset(&l->v[l->n], 0, sizeof(l->v[0]));
	l->v[l->n].name = xstrdup(name);
	l->v[l->n].path = path ? xstrdup(path) : NULL;
	l->n++;
}

static void list_release(struct list *l)
{
	size_t i;

	for (i = 0; i < l->n; i++) {
		free(l->v[i].name);
		free(l->v[i].path);
	}
	free(l->v);
	memset(l, 0, sizeof(*l));
}

static int cmp_entry(const void *a, const void *b)
{
	return strcmp(((const struct entry *)a)->name,
		      ((const struct entry *)b)->name);
}

/* "<name>.tmp<digits>": an outfile's temporary file */
static int is_tmp(const char *name)
{
	const char *t = strstr(name, ".tmp");

	while (t) {
		const char *d = t + 4;

		while (*d >= '0' && *d <= '9')
			d++;
		if (!*d && d > t + 4)
			return 1;
		t = strstr(t + 1, ".tmp");
	}
	return 0;
}

/* every output under dir/rel, recursively */
static int walk(struct list *l, const char *dir, const char *rel,
		const char *zipname, struct error *e)
{
	struct strbuf path = STRBUF_INIT, r = STRBUF_INIT;
	DIR *d;
	struct dirent *de;
	struct stat st;
	int ret = 0;

	strbuf_addf(&path, "%s%s%s", dir, *rel ? "/" : "", rel);
	d = opendir(path.buf);
	if (!d) {
		ret = error_set(e, "%s: cannot read: %s", path.buf,
				strerror(errno));
		strbuf_release(&path);
		return ret;
	}
	while ((de = readdir(d)) && !ret) {
		const char *n = de->d_name;

		if (n[0] == '.' || is_tmp(n))
			continue;
		strbuf_reset(&r);
		strbuf_addf(&r, "%s%s%s", rel, *rel ? "/" : "", n);
		if (!strcmp(r.buf, zipname) || !strcmp(r.buf, "inbox.mk") ||
		    !strcmp(r.buf, "in") || !strcmp(r.buf, "summary.json"))
			continue;
		strbuf_reset(&path);
		strbuf_addf(&path, "%s/%s", dir, r.buf);
		if (lstat(path.buf, &st) != 0) {
			ret = error_set(e, "%s: %s", path.buf, strerror(errno));
			break;
		}
		if (S_ISDIR(st.st_mode))
			ret = walk(l, dir, r.buf, zipname, e);
		else if (S_ISREG(st.st_mode))
			list_add(l, r.buf, path.buf);
	}
	closedir(d);
	strbuf_release(&path);
	strbuf_release(&r);
	return ret;
}

/* regular files of dir (links followed), or links in dir when in_links:
 * named by the base name of what they point to */
static int files_of(struct list *l, const char *dir, int in_links,
		    struct error *e)
{
	struct strbuf path = STRBUF_INIT;
	DIR *d = opendir(dir);
	struct dirent *de;
	struct stat st;
	struct list tmp = { 0 };
	size_t i;

	if (!d) {
		if (errno == ENOENT)
			return 0;
		return error_set(e, "%s: cannot read: %s", dir, strerror(errno));
	}
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		strbuf_reset(&path);
		strbuf_addf(&path, "%s/%s", dir, de->d_name);
		if (stat(path.buf, &st) != 0 || !S_ISREG(st.st_mode))
			continue;
		list_add(&tmp, de->d_name, path.buf);
	}
	closedir(d);
	if (tmp.n > 1)	/* qsort(NULL, 0) is undefined */
		qsort(tmp.v, tmp.n, sizeof(*tmp.v), cmp_entry);
	for (i = 0; i < tmp.n; i++) {
		char target[4096];
		ssize_t k;
		const char *name = tmp.v[i].name;

		if (in_links && (k = readlink(tmp.v[i].path, target,
					      sizeof(target) - 1)) > 0) {
			const char *slash;

			target[k] = '\0';
			slash = strrchr(target, '/');
			name = slash ? slash + 1 : target;
		}
		list_add(l, name, tmp.v[i].path);
	}
	list_release(&tmp);
	strbuf_release(&path);
	return 0;
}

static int hash_all(struct list *l, const struct bundle_input *in,
		    struct error *e)
{
	size_t i;

	for (i = 0; i < l->n; i++) {
		struct entry *en = &l->v[i];

		if (en->path) {
			if (sha256_file(en->path, en->sha, &en->bytes, e))
				return -1;
		} else {
			struct sha256 c;

			sha256_init(&c);
			sha256_update(&c, in->summary, in->summary_len);
			en->bytes = in->summary_len;
			sha256_final_hex(&c, en->sha);
		}
	}
	return 0;
}

static json_t *list_json(const struct list *l)
{
	json_t *a = json_array();
	size_t i;

	for (i = 0; i < l->n; i++) {
		json_t *o = json_object();

		json_object_set_new(o, "name", json_string(l->v[i].name));
		json_object_set_new(o, "bytes",
				    json_integer((json_int_t)l->v[i].bytes));
		json_object_set_new(o, "sha256", json_string(l->v[i].sha));
		json_array_append_new(a, o);
	}
	return a;
}

static int zip_fail(zip_t *za, const char *path, struct error *e)
{
	error_set(e, "%s: %s", path, zip_strerror(za));
	zip_discard(za);
	unlink(path);
	return -1;
}

static int add_entry(zip_t *za, const char *name, zip_source_t *src,
		     time_t mtime)
{
	size_t n = strlen(name);
	/* a workbook is a zip already: stored, not deflated again; the
	 * rest at zlib's fastest level (a big month's text compresses about
	 * as well, in a third of the time) */
	int store = n > 5 && !strcmp(name + n - 5, ".xlsx");
	zip_int64_t idx;

	if (!src)
		return -1;
	idx = zip_file_add(za, name, src, ZIP_FL_ENC_UTF_8 | ZIP_FL_OVERWRITE);
	if (idx < 0) {
		zip_source_free(src);
		return -1;
	}
	if (zip_file_set_mtime(za, (zip_uint64_t)idx, mtime, 0) ||
	    zip_set_file_compression(za, (zip_uint64_t)idx,
				     store ? ZIP_CM_STORE : ZIP_CM_DEFLATE, 1) ||
	    zip_file_set_external_attributes(za, (zip_uint64_t)idx, 0,
					     ZIP_OPSYS_UNIX,
					     (zip_uint32_t)0100644 << 16))
		return -1;
	return 0;
}

int bundle_write(const struct bundle_input *in, struct error *e)
{
	struct list out = { 0 }, inputs = { 0 }, config = { 0 };
	struct strbuf zipname = STRBUF_INIT, path = STRBUF_INIT,
		      tmp = STRBUF_INIT;
	char month[8];
	char *manifest = NULL;
	json_t *j;
	zip_t *za = NULL;
	int zerr, ret = -1;
	size_t i;
	time_t mtime = (time_t)days_from_civil(in->m == 12 ? in->y + 1 : in->y,
					       in->m == 12 ? 1 : in->m + 1, 1) *
		       86400;

	setenv("TZ", "UTC", 1);
	tzset();
	snprintf(month, sizeof(month), "%04d-%02d", in->y, in->m);
	strbuf_addf(&zipname, "tally-%s.zip", month);
	if (walk(&out, in->monthdir, "", zipname.buf, e))
		goto done;
	list_add(&out, "summary.json", NULL);
	if (out.n > 1)	/* qsort(NULL, 0) is undefined */
		qsort(out.v, out.n, sizeof(*out.v), cmp_entry);
	strbuf_addf(&path, "%s/in", in->monthdir);
	if (files_of(&inputs, path.buf, 1, e))
		goto done;
	if (in->configdir && files_of(&config, in->configdir, 0, e))
		goto done;
	if (hash_all(&out, in, e) || hash_all(&inputs, in, e) ||
	    hash_all(&config, in, e))
		goto done;

	j = json_object();
	json_object_set_new(j, "tally_version", json_string(TALLY_VERSION));
	json_object_set_new(j, "month", json_string(month));
	json_object_set_new(j, "psa", json_string(psa_name(in->psa)));
	json_object_set_new(j, "inputs", list_json(&inputs));
	json_object_set_new(j, "config", list_json(&config));
	json_object_set_new(j, "outputs", list_json(&out));
	{
		char *s = json_dumps(j, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
		size_t n = strlen(s);

		manifest = xmalloc(n + 2);
		memcpy(manifest, s, n);
		manifest[n] = '\n';
		manifest[n + 1] = '\0';
		free(s);
	}
	json_decref(j);

	strbuf_reset(&path);
	strbuf_addf(&path, "%s/%s", in->monthdir, zipname.buf);
	strbuf_addf(&tmp, "%s.tmp%ld", path.buf, (long)getpid());
	unlink(tmp.buf);
	za = zip_open(tmp.buf, ZIP_CREATE | ZIP_TRUNCATE, &zerr);
	if (!za) {
		zip_error_t ze;

		zip_error_init_with_code(&ze, zerr);
		error_set(e, "%s: cannot create: %s", tmp.buf,
			  zip_error_strerror(&ze));
		zip_error_fini(&ze);
		goto done;
	}
	if (add_entry(za, "manifest.json",
		      zip_source_buffer(za, manifest, strlen(manifest), 0),
		      mtime)) {
		zip_fail(za, tmp.buf, e);
		goto done;
	}
	for (i = 0; i < out.n; i++) {
		zip_source_t *src = out.v[i].path ?
			zip_source_file(za, out.v[i].path, 0, -1) :
			zip_source_buffer(za, in->summary, in->summary_len, 0);

		if (add_entry(za, out.v[i].name, src, mtime)) {
			zip_fail(za, tmp.buf, e);
			goto done;
		}
	}
	if (zip_close(za) != 0) {
		zip_fail(za, tmp.buf, e);
		goto done;
	}
	if (outfile_publish(tmp.buf, path.buf, e))
		goto done;
	ret = 0;
done:
	free(manifest);
	list_release(&out);
	list_release(&inputs);
	list_release(&config);
	strbuf_release(&zipname);
	strbuf_release(&path);
	strbuf_release(&tmp);
	return ret;
}
