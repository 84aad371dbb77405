#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "csvread.h"
#include "inbox.h"
#include "strmap.h"
#include "xalloc.h"
#include "banned.h"

static int safe_byte(unsigned char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
	       (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';
}

static int ends_csv(const char *s, size_t n)
{
	return n >= 4 && !memcmp(s + n - 4, ".csv", 4);
}

void inbox_safe_name(const char *name, struct strbuf *out)
{
	for (const char *s = name; *s; s++)
		if (safe_byte((unsigned char)*s))
			strbuf_addch(out, *s);
		else if (s == name || safe_byte((unsigned char)s[-1]))
			strbuf_addch(out, '_');
	if (!ends_csv(out->buf, out->len))
		strbuf_addstr(out, ".csv");
}

int inbox_name_ok(const char *name)
{
	for (const unsigned char *s = (const unsigned char *)name; *s; s++)
		if (*s < 0x20 || *s == 0x7f)
			return 0;
	return utf8_valid(name, strlen(name));
}

void inbox_name_escape(const char *name, struct strbuf *out)
{
	size_t n = strlen(name), i = 0;

	while (i < n) {
		unsigned char c = (unsigned char)name[i];
		size_t k = c < 0x80 ? 1 : c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : 2;

		if (c < 0x20 || c == 0x7f || c == '\\' ||
		    (c >= 0x80 && (i + k > n || !utf8_valid(name + i, k)))) {
			if (c == '\\')
				strbuf_addstr(out, "\\\\");
			else
				strbuf_addf(out, "\\x%02x", c);
			i++;
			continue;
		}
		strbuf_add(out, name + i, k);
		i += k;
	}
}

static const char *const suffixes[] = { ".csv", ".json", ".rejects.csv",
					 ".problems.csv" };
#define NSUFFIX (sizeof(suffixes) / sizeof(*suffixes))

static int stem_taken(struct strmap *used, const char *stem)
{
	struct strbuf sb = STRBUF_INIT;
	int taken = 0;

	for (size_t i = 0; i < NSUFFIX && !taken; i++) {
		strbuf_reset(&sb);
		strbuf_addf(&sb, "%s%s", stem, suffixes[i]);
		taken = strmap_get(used, sb.buf, sb.len) != NULL;
	}
	strbuf_release(&sb);
	return taken;
}

static void stem_take(struct strmap *used, const char *stem)
{
	struct strbuf sb = STRBUF_INIT;

	for (size_t i = 0; i < NSUFFIX; i++) {
		strbuf_reset(&sb);
		strbuf_addf(&sb, "%s%s", stem, suffixes[i]);
		*strmap_slot(used, sb.buf, sb.len, NULL) = (void *)suffixes[i];
	}
	strbuf_release(&sb);
}

/* safe names for every entry, settled in order */
static void settle(struct inbox *in)
{
	struct strmap used = STRMAP_INIT;
	struct strbuf nat = STRBUF_INIT, stem = STRBUF_INIT;

	for (size_t i = 0; i < in->n; i++) {
		int k = 1;

		strbuf_reset(&nat);
		inbox_safe_name(in->e[i].name, &nat);
		nat.len -= 4;
		nat.buf[nat.len] = '\0';
		strbuf_reset(&stem);
		strbuf_addstr(&stem, nat.buf);
		while (stem_taken(&used, stem.buf)) {
			strbuf_reset(&stem);
			strbuf_addf(&stem, "%s-%d", nat.buf, ++k);
		}
		stem_take(&used, stem.buf);
		strbuf_addstr(&stem, ".csv");
		free(in->e[i].safe);
		in->e[i].safe = strbuf_detach(&stem);
	}
	strmap_release(&used);
	strbuf_release(&nat);
	strbuf_release(&stem);
}

void inbox_add(struct inbox *in, const char *name, const char *refuse)
{
	XGROW(in->e, in->alloc, in->n + 1);
	in->e[in->n].name = xstrdup(name);
	in->e[in->n].safe = NULL;
	in->e[in->n].refuse = refuse;
	in->n++;
	settle(in);
}

static int by_name(const void *a, const void *b)
{
	return strcmp(((const struct inbox_entry *)a)->name,
		      ((const struct inbox_entry *)b)->name);
}

int inbox_scan(struct inbox *in, const char *dir, struct error *e)
{
	struct strbuf path = STRBUF_INIT;
	struct dirent *de;
	DIR *d;

	memset(in, 0, sizeof(*in));
	d = opendir(dir);
	if (!d)
		return error_set(e, "%s: cannot open the inbox: %s", dir,
				 strerror(errno));
	while ((de = readdir(d))) {
		struct stat st;
		const char *refuse = NULL;

		if (de->d_name[0] == '.')
			continue;
		strbuf_reset(&path);
		strbuf_addf(&path, "%s/%s", dir, de->d_name);
		if (stat(path.buf, &st) != 0)
			refuse = "it cannot be read (a broken link?)";
		else if (S_ISDIR(st.st_mode))
			continue;
		else if (!S_ISREG(st.st_mode))
			refuse = "not a regular file";
		if (!refuse && !inbox_name_ok(de->d_name))
			refuse = "its name holds a control character or bytes that are not UTF-8; rename the file";
		XGROW(in->e, in->alloc, in->n + 1);
		in->e[in->n].name = xstrdup(de->d_name);
		in->e[in->n].safe = NULL;
		in->e[in->n].refuse = refuse;
		in->n++;
	}
	closedir(d);
	strbuf_release(&path);
	if (in->n > 1)	/* qsort(NULL, 0) is undefined */
		qsort(in->e, in->n, sizeof(*in->e), by_name);
	settle(in);
	return 0;
}

void inbox_release(struct inbox *in)
{
	for (size_t i = 0; i < in->n; i++) {
		free(in->e[i].name);
		free(in->e[i].safe);
	}
	free(in->e);
	memset(in, 0, sizeof(*in));
}

static int mkdir_p1(const char *path, struct error *e)
{
	if (mkdir(path, 0777) != 0 && errno != EEXIST)
		return error_set(e, "%s: cannot create: %s", path, strerror(errno));
	return 0;
}

/*
 * Link at path pointing to target, replaced atomically when different.
 * Returns 1 when the link was made or changed, 0 when it was right, -1
 * with e.
 */
static int link_to(const char *path, const char *target, struct error *e)
{
	char buf[PATH_MAX + 1];
	ssize_t n = readlink(path, buf, sizeof(buf) - 1);
	struct strbuf tmp = STRBUF_INIT;
	int ret = 0;

	if (n >= 0) {
		buf[n] = '\0';
		if (!strcmp(buf, target))
			return 0;
	}
	strbuf_addf(&tmp, "%s.tmp%ld", path, (long)getpid());
	unlink(tmp.buf);
	ret = 1;
	if (symlink(target, tmp.buf) != 0)
		ret = error_set(e, "%s: cannot create a link: %s", tmp.buf,
				strerror(errno));
	else if (rename(tmp.buf, path) != 0) {
		ret = error_set(e, "%s: cannot rename into place: %s", path,
				strerror(errno));
		unlink(tmp.buf);
	}
	strbuf_release(&tmp);
	return ret;
}

/* remove from folder what keep does not hold (links only when links) */
static int prune(const char *folder, struct strmap *keep, int links,
		 struct error *e)
{
	struct strbuf path = STRBUF_INIT;
	struct dirent *de;
	DIR *d = opendir(folder);
	int ret = 0;

	if (!d)
		return error_set(e, "%s: cannot open: %s", folder, strerror(errno));
	while ((de = readdir(d))) {
		struct stat st;

		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		if (strmap_get(keep, de->d_name, strlen(de->d_name)))
			continue;
		strbuf_reset(&path);
		strbuf_addf(&path, "%s/%s", folder, de->d_name);
		if (lstat(path.buf, &st) != 0)
			continue;
		if (links ? !S_ISLNK(st.st_mode) : S_ISDIR(st.st_mode))
			continue;
		if (unlink(path.buf) != 0 && errno != ENOENT) {
			ret = error_set(e, "%s: cannot remove: %s", path.buf,
					strerror(errno));
			break;
		}
	}
	closedir(d);
	strbuf_release(&path);
	return ret;
}

static char keep_mark[1];

int inbox_link(const struct inbox *in, const char *dir, const char *outdir,
	       struct error *e)
{
	struct strmap links = STRMAP_INIT, outs = STRMAP_INIT;
	struct strbuf p = STRBUF_INIT, t = STRBUF_INIT;
	char *absdir = realpath(dir, NULL);
	int ret = -1;

	if (!absdir) {
		error_set(e, "%s: cannot resolve: %s", dir, strerror(errno));
		goto out;
	}
	strbuf_addf(&p, "%s/in", outdir);
	if (mkdir_p1(outdir, e) || mkdir_p1(p.buf, e))
		goto out;
	strbuf_reset(&p);
	strbuf_addf(&p, "%s/extract", outdir);
	if (mkdir_p1(p.buf, e))
		goto out;
	for (size_t i = 0; i < in->n; i++) {
		const struct inbox_entry *en = &in->e[i];
		size_t sl = strlen(en->safe) - 4;
		int changed = 1;

		if (!en->refuse) {
			*strmap_slot(&links, en->safe, strlen(en->safe), NULL) = keep_mark;
			strbuf_reset(&p);
			strbuf_addf(&p, "%s/in/%s", outdir, en->safe);
			strbuf_reset(&t);
			strbuf_addf(&t, "%s/%s", absdir, en->name);
			changed = link_to(p.buf, t.buf, e);
			if (changed < 0)
				goto out;
		}
		/*
		 * Outputs under this safe name made from another file (the
		 * link now points elsewhere) are out of date whatever their
		 * time; a refused file's are remade on every run.
		 */
		for (size_t k = 0; k < NSUFFIX; k++) {
			strbuf_reset(&t);
			strbuf_add(&t, en->safe, sl);
			strbuf_addstr(&t, suffixes[k]);
			*strmap_slot(&outs, t.buf, t.len, NULL) = keep_mark;
			if (!changed)
				continue;
			strbuf_reset(&p);
			strbuf_addf(&p, "%s/extract/%s", outdir, t.buf);
			if (unlink(p.buf) != 0 && errno != ENOENT) {
				error_set(e, "%s: cannot remove: %s", p.buf, strerror(errno));
				goto out;
			}
		}
	}
	strbuf_reset(&p);
	strbuf_addf(&p, "%s/in", outdir);
	if (prune(p.buf, &links, 1, e))
		goto out;
	strbuf_reset(&p);
	strbuf_addf(&p, "%s/extract", outdir);
	if (prune(p.buf, &outs, 0, e))
		goto out;
	ret = 0;
out:
	free(absdir);
	strmap_release(&links);
	strmap_release(&outs);
	strbuf_release(&p);
	strbuf_release(&t);
	return ret;
}

/* s single-quoted for the shell, with $ doubled for make */
static void put_quoted(FILE *fp, const char *s)
{
	putc('\'', fp);
	for (; *s; s++) {
		if (*s == '\'')
			fputs("'\\''", fp);
		else if (*s == '$')
			fputs("$$", fp);
		else
			putc(*s, fp);
	}
	putc('\'', fp);
}

void inbox_rules(FILE *fp, const struct inbox *in, const char *month,
		 const char *outdir, const char *profiles)
{
	const char *pdir = profiles ? profiles : "schemas/sources";
	struct strbuf name = STRBUF_INIT;
	size_t i, k;

	fputs("EXTRACTS :=", fp);
	for (i = 0; i < in->n; i++)
		fprintf(fp, " %s/extract/%s", outdir, in->e[i].safe);
	putc('\n', fp);
	for (i = 0; i < in->n; i++) {
		const struct inbox_entry *en = &in->e[i];
		int sl = (int)strlen(en->safe) - 4;

		for (k = 0; k < NSUFFIX; k++)
			fprintf(fp, "%s%s/extract/%.*s%s", k ? " " : "", outdir,
				sl, en->safe, suffixes[k]);
		fputs(" &:", fp);
		if (!en->refuse)
			fprintf(fp, " %s/in/%s", outdir, en->safe);
		fprintf(fp, " bin/extract $(wildcard %s/*.json)\n", pdir);
		fprintf(fp, "\t$(call run,extract) --month %s", month);
		if (profiles) {
			fputs(" --profiles ", fp);
			put_quoted(fp, profiles);
		}
		fputs(" --name ", fp);
		strbuf_reset(&name);
		if (en->refuse && !inbox_name_ok(en->name))
			inbox_name_escape(en->name, &name);
		else
			strbuf_addstr(&name, en->name);
		put_quoted(fp, name.buf);
		if (en->refuse) {
			fputs(" --refuse ", fp);
			put_quoted(fp, en->refuse);
		}
		fprintf(fp, " -o %s/extract/%s ", outdir, en->safe);
		if (en->refuse)
			fputs("/dev/null\n", fp);
		else
			fprintf(fp, "%s/in/%s\n", outdir, en->safe);
	}
	strbuf_release(&name);
}
