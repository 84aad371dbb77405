/*
 * The month's archive and its manifest; the layout is in bundle.h.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <jansson.h>
#include <zip.h>
#include "bundle.h"
#include "date.h"
#include "fsutil.h"
#include "inbox.h"
#include "sha256.h"
#include "strbuf.h"
#include "version.h"
#include "xalloc.h"
#include "outfile.h"
#include "period.h"
#include "tempfile.h"
#include "banned.h"

struct entry {
	char *name;		/* in the archive / manifest */
	char *path;		/* on disk, or NULL for summary.json */
	uint64_t bytes;
	char sha[65];
	uint64_t size;		/* from lstat: to share out step 1 */
	int group;		/* which parts archive step 1 puts it in */
	zip_int64_t part;	/* its index in that parts archive, or -1 */
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
	l->v[l->n].part = -1;
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

/* every output under dir/rel, recursively */
static int walk(struct list *l, const char *dir, const char *rel,
		const char *zipname, const char *skip, struct error *e)
{
	struct strbuf path = STRBUF_INIT, r = STRBUF_INIT;
	struct fs_names names = FS_NAMES_INIT;
	struct stat st;
	int ret;

	strbuf_addf(&path, "%s%s%s", dir, *rel ? "/" : "", rel);
	ret = fs_list(path.buf, NULL, 0, &names, e);
	for (size_t i = 0; !ret && i < names.n; i++) {
		const char *n = names.v[i];

		if (fs_is_temp(n))
			continue;
		strbuf_reset(&r);
		strbuf_addf(&r, "%s%s%s", rel, *rel ? "/" : "", n);
		if (!strcmp(r.buf, zipname) || !strcmp(r.buf, "in") ||
		    !strcmp(r.buf, "summary.json") ||
		    (skip && !strcmp(r.buf, skip)))
			continue;
		strbuf_reset(&path);
		strbuf_addf(&path, "%s/%s", dir, r.buf);
		if (lstat(path.buf, &st) != 0)
			ret = error_set(e, ERR_IO, "%s: %s", path.buf, strerror(errno));
		else if (S_ISDIR(st.st_mode))
			ret = walk(l, dir, r.buf, zipname, skip, e);
		else if (S_ISREG(st.st_mode)) {
			list_add(l, r.buf, path.buf);
			l->v[l->n - 1].size = (uint64_t)st.st_size;
		}
	}
	fs_names_release(&names);
	strbuf_release(&path);
	strbuf_release(&r);
	return ret;
}

/*
 * The name .tally/inbox.list ("<safe>\t<name>" lines, beside dir: OUT/M/in)
 * gives the link safe, or NULL: a zip member's link points to its
 * archive, and is named "archive.zip:member.csv" by the list (caller
 * frees).
 */
static char *listed_name(const char *dir, const char *safe)
{
	struct strbuf path = STRBUF_INIT, list = STRBUF_INIT;
	struct error ignored;
	size_t n = strlen(safe);
	char *name = NULL;

	strbuf_addf(&path, "%s/../" INBOX_STAMPS "inbox.list", dir);
	if (strbuf_read_file(&list, path.buf, 1, &ignored) == 0)
		for (const char *l = list.buf; *l && !name; ) {
			size_t len = strcspn(l, "\n");

			if (len > n && !memcmp(l, safe, n) && l[n] == '\t')
				name = xstrndup(l + n + 1, len - n - 1);
			l += len + (l[len] == '\n');
		}
	strbuf_release(&path);
	strbuf_release(&list);
	return name;
}

/* the regular files of dir; in_links: the inbox's links, named by their
 * targets; config: the month's configuration only (inbox_config_of_month) */
static int files_of(struct list *l, const char *dir, int in_links,
		    int config, struct error *e)
{
	struct strbuf path = STRBUF_INIT;
	struct fs_names names = FS_NAMES_INIT;
	struct stat st;
	struct list tmp = { 0 };
	size_t i;

	if (fs_list(dir, NULL, FS_MISSING_OK, &names, e))
		return -1;
	for (i = 0; i < names.n; i++) {
		strbuf_reset(&path);
		strbuf_addf(&path, "%s/%s", dir, names.v[i]);
		if (config && !inbox_config_of_month(names.v[i]))
			continue;
		if (stat(path.buf, &st) == 0 && S_ISREG(st.st_mode))
			list_add(&tmp, names.v[i], path.buf);
	}
	fs_names_release(&names);
	for (i = 0; i < tmp.n; i++) {
		char target[4096];
		ssize_t k;
		const char *name = tmp.v[i].name;
		char *listed = in_links ? listed_name(dir, name) : NULL;

		if (listed && strchr(listed, ':')) {
			name = listed;
		} else if (in_links && (k = readlink(tmp.v[i].path, target,
						     sizeof(target) - 1)) > 0) {
			const char *slash;

			target[k] = '\0';
			slash = strrchr(target, '/');
			name = slash ? slash + 1 : target;
		}
		list_add(l, name, tmp.v[i].path);
		free(listed);
	}
	list_release(&tmp);
	strbuf_release(&path);
	return 0;
}

static int hash_entry(struct entry *en, const struct bundle_input *in,
		      struct error *e)
{
	struct sha256 c;

	if (en->path)
		return sha256_file(en->path, en->sha, &en->bytes, e);
	sha256_init(&c);
	sha256_update(&c, in->summary, in->summary_len);
	en->bytes = in->summary_len;
	sha256_final_hex(&c, en->sha);
	return 0;
}

static int hash_all(struct list *l, const struct bundle_input *in,
		    struct error *e)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		if (hash_entry(&l->v[i], in, e))
			return -1;
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
	error_set(e, ERR_IO, "%s: %s", path, zip_strerror(za));
	zip_discard(za);
	unlink(path);
	return -1;
}

static zip_t *zip_create(const char *path, struct error *e)
{
	zip_error_t ze;
	zip_t *za;
	int zerr;

	unlink(path);
	za = zip_open(path, ZIP_CREATE | ZIP_TRUNCATE, &zerr);
	if (!za) {
		zip_error_init_with_code(&ze, zerr);
		error_set(e, ERR_IO, "%s: cannot create: %s", path,
			  zip_error_strerror(&ze));
		zip_error_fini(&ze);
	}
	return za;
}

static int add_entry(zip_t *za, const char *name, zip_source_t *src,
		     time_t mtime, zip_int64_t *idxp)
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
	if (idxp)
		*idxp = idx;
	if (zip_file_set_mtime(za, (zip_uint64_t)idx, mtime, 0) ||
	    zip_set_file_compression(za, (zip_uint64_t)idx,
				     store ? ZIP_CM_STORE : ZIP_CM_DEFLATE, 1) ||
	    zip_file_set_external_attributes(za, (zip_uint64_t)idx, 0,
					     ZIP_OPSYS_UNIX,
					     (zip_uint32_t)0100644 << 16))
		return -1;
	return 0;
}

static zip_source_t *source_of(zip_t *za, const struct entry *en,
			       const struct bundle_input *in)
{
	if (en->path)
		return zip_source_file(za, en->path, 0, -1);
	return zip_source_buffer(za, in->summary, in->summary_len, 0);
}

/*
 * Step 1 in n groups (n <= BUNDLE_THREADS_MAX) of about equal bytes: the
 * largest output first (of equal sizes, the first in l), each to the
 * group with the fewest bytes so far (of equals, the first).
 */
struct by_size {
	uint64_t size;
	size_t i;
};

static int cmp_by_size(const void *a, const void *b)
{
	const struct by_size *x = a, *y = b;

	if (x->size != y->size)
		return x->size > y->size ? -1 : 1;
	return x->i < y->i ? -1 : x->i > y->i;
}

static void split(struct list *l, int n)
{
	uint64_t sum[BUNDLE_THREADS_MAX] = { 0 };
	struct by_size *v = xmalloc((l->n ? l->n : 1) * sizeof(*v));
	size_t i;

	for (i = 0; i < l->n; i++) {
		v[i].size = l->v[i].size;
		v[i].i = i;
	}
	qsort(v, l->n, sizeof(*v), cmp_by_size);
	for (i = 0; i < l->n; i++) {
		int g = 0;

		for (int k = 1; k < n; k++)
			if (sum[k] < sum[g])
				g = k;
		l->v[v[i].i].group = g;
		sum[g] += v[i].size;
	}
	free(v);
}

/*
 * Step 1 for one group: its outputs hashed, then deflated into a new
 * archive at path (none for a group of no output: more threads than
 * outputs). Run by a thread of its own for every group but the first,
 * so it touches only its own entries and job, and nothing in it exits
 * (no xalloc) or registers a temporary file.
 */
struct part_job {
	struct list *l;
	const struct bundle_input *in;
	int group;
	const char *path;
	time_t mtime;
	int ret;
	struct error e;
};

static int write_parts(struct part_job *j)
{
	struct list *l = j->l;
	zip_t *za;
	size_t i, n = 0;

	for (i = 0; i < l->n; i++) {
		if (l->v[i].group != j->group)
			continue;
		if (hash_entry(&l->v[i], j->in, &j->e))
			return -1;
		n++;
	}
	if (!n)
		return 0;
	if (!(za = zip_create(j->path, &j->e)))
		return -1;
	for (i = 0; i < l->n; i++)
		if (l->v[i].group == j->group &&
		    add_entry(za, l->v[i].name, source_of(za, &l->v[i], j->in),
			      j->mtime, &l->v[i].part))
			return zip_fail(za, j->path, &j->e);
	if (zip_close(za) != 0)
		return zip_fail(za, j->path, &j->e);
	return 0;
}

static void *part_run(void *arg)
{
	struct part_job *j = arg;

	j->ret = write_parts(j);
	return NULL;
}

/*
 * Step 1 whole: groups 1..n-1 in threads of their own, group 0 in the
 * caller's; a group whose thread cannot start is done here after it.
 * Every thread is joined before this returns, and the caller removes the
 * parts archives after, whatever failed. 0, or -1 with e the error of the
 * first group that failed.
 */
static int write_all_parts(struct part_job *jobs, int n, struct error *e)
{
	pthread_t th[BUNDLE_THREADS_MAX];
	int started[BUNDLE_THREADS_MAX] = { 0 };
	int g;

	for (g = 1; g < n; g++)
		started[g] = pthread_create(&th[g], NULL, part_run, &jobs[g]) == 0;
	jobs[0].ret = write_parts(&jobs[0]);
	for (g = 1; g < n; g++) {
		if (started[g])
			pthread_join(th[g], NULL);
		else
			jobs[g].ret = write_parts(&jobs[g]);
	}
	for (g = 0; g < n; g++)
		if (jobs[g].ret) {
			*e = jobs[g].e;
			return -1;
		}
	return 0;
}

static char *manifest_text(const struct bundle_input *in, const char *month,
			   const struct list *inputs,
			   const struct list *config, const struct list *out)
{
	json_t *j = json_object();
	char *s, *manifest;
	size_t n;

	json_object_set_new(j, "tally_version", json_string(TALLY_VERSION));
	json_object_set_new(j, "month", json_string(month));
	json_object_set_new(j, "psa", json_string(psa_name(in->psa)));
	json_object_set_new(j, "inputs", list_json(inputs));
	json_object_set_new(j, "config", list_json(config));
	json_object_set_new(j, "outputs", list_json(out));
	s = json_dumps(j, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	json_decref(j);
	n = strlen(s);
	manifest = xmalloc(n + 2);
	memcpy(manifest, s, n);
	manifest[n] = '\n';
	manifest[n + 1] = '\0';
	free(s);
	return manifest;
}

int bundle_write(const struct bundle_input *in, struct error *e)
{
	struct list out = { 0 }, inputs = { 0 }, config = { 0 };
	struct strbuf zipname = STRBUF_INIT, path = STRBUF_INIT,
		      tmp = STRBUF_INIT, parts[BUNDLE_THREADS_MAX];
	struct part_job jobs[BUNDLE_THREADS_MAX];
	char month[8];
	char *manifest = NULL;
	zip_t *za = NULL, *pz[BUNDLE_THREADS_MAX] = { 0 };
	struct tempfile *ttmp, *tparts[BUNDLE_THREADS_MAX];
	struct error hash_err;
	int zerr, ret = -1, g, hash_bad;
	int n = in->threads < 1 ? 1 :
		in->threads > BUNDLE_THREADS_MAX ? BUNDLE_THREADS_MAX : in->threads;
	size_t i;
	time_t mtime = (time_t)period_next_first(in->y, in->m) * 86400;

	setenv("TZ", "UTC", 1);
	tzset();
	snprintf(month, sizeof(month), "%04d-%02d", in->y, in->m);
	strbuf_addf(&path, "%s/tally-%s.zip", in->monthdir, month);
	ttmp = outfile_temp_name(path.buf, &tmp);
	/* tally-M.parts, tally-M.parts2, ...: each .tmp<pid> */
	for (g = 0; g < n; g++) {
		strbuf_init(&parts[g]);
		strbuf_reset(&zipname);
		strbuf_addf(&zipname, "%s/tally-%s.parts", in->monthdir, month);
		if (g)
			strbuf_addf(&zipname, "%d", g + 1);
		tparts[g] = outfile_temp_name(zipname.buf, &parts[g]);
	}
	strbuf_reset(&zipname);
	strbuf_addf(&zipname, "tally-%s.zip", month);
	if (walk(&out, in->monthdir, "", zipname.buf, in->workbook, e))
		goto done;
	list_add(&out, "summary.json", NULL);
	out.v[out.n - 1].size = in->summary_len;
	split(&out, n);
	for (g = 0; g < n; g++) {
		memset(&jobs[g], 0, sizeof(jobs[g]));
		jobs[g].l = &out;
		jobs[g].in = in;
		jobs[g].group = g;
		jobs[g].path = parts[g].buf;
		jobs[g].mtime = mtime;
	}
	if (write_all_parts(jobs, n, e))
		goto done;
	/*
	 * The inputs' and config's hashes while the workbook is still being
	 * written (on a big month a second or so of SHA-256 off the end);
	 * an error there is said after the workbook's, as when they came
	 * after it
	 */
	strbuf_reset(&path);
	strbuf_addf(&path, "%s/in", in->monthdir);
	memset(&hash_err, 0, sizeof(hash_err));
	hash_bad = files_of(&inputs, path.buf, 1, 0, &hash_err) ||
		   (in->configdir &&
		    files_of(&config, in->configdir, 0, 1, &hash_err)) ||
		   hash_all(&inputs, in, &hash_err) ||
		   hash_all(&config, in, &hash_err);
	if (in->workbook) {
		struct strbuf wb = STRBUF_INIT;

		if (in->wait(in->wait_arg, e))
			goto done;
		strbuf_addf(&wb, "%s/%s", in->monthdir, in->workbook);
		list_add(&out, in->workbook, wb.buf);
		strbuf_release(&wb);
		if (hash_entry(&out.v[out.n - 1], in, e))
			goto done;
	}
	qsort(out.v, out.n, sizeof(*out.v), cmp_entry);	/* n >= 1 */

	/* step 2: the manifest, the archive */
	if (hash_bad) {
		*e = hash_err;
		goto done;
	}
	manifest = manifest_text(in, month, &inputs, &config, &out);

	for (i = 0; i < out.n; i++) {
		g = out.v[i].group;
		if (out.v[i].part < 0 || pz[g])
			continue;
		pz[g] = zip_open(parts[g].buf, ZIP_RDONLY, &zerr);
		if (!pz[g]) {
			error_set(e, ERR_IO, "%s: cannot read back", parts[g].buf);
			goto done;
		}
	}
	if (!(za = zip_create(tmp.buf, e)))
		goto done;
	if (add_entry(za, "manifest.json",
		      zip_source_buffer(za, manifest, strlen(manifest), 0),
		      mtime, NULL)) {
		zip_fail(za, tmp.buf, e);
		goto done;
	}
	for (i = 0; i < out.n; i++) {
		const struct entry *en = &out.v[i];
		/* deflated in step 1: its bytes copied as they are */
		zip_source_t *src = en->part >= 0 ?
			zip_source_zip(za, pz[en->group], (zip_uint64_t)en->part,
				       ZIP_FL_COMPRESSED, 0, -1) :
			source_of(za, en, in);

		if (add_entry(za, en->name, src, mtime, NULL)) {
			zip_fail(za, tmp.buf, e);
			goto done;
		}
	}
	if (zip_close(za) != 0) {
		zip_fail(za, tmp.buf, e);
		goto done;
	}
	strbuf_reset(&path);
	strbuf_addf(&path, "%s/%s", in->monthdir, zipname.buf);
	if (outfile_publish(ttmp, tmp.buf, path.buf, e))
		goto done;
	ret = 0;
done:
	for (g = 0; g < n; g++) {
		if (pz[g])
			zip_discard(pz[g]);
		tempfile_remove(tparts[g]);
		strbuf_release(&parts[g]);
	}
	if (ret)
		tempfile_remove(ttmp);
	free(manifest);
	list_release(&out);
	list_release(&inputs);
	list_release(&config);
	strbuf_release(&zipname);
	strbuf_release(&path);
	strbuf_release(&tmp);
	return ret;
}
