#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "csvread.h"
#include "exzip.h"
#include "fsutil.h"
#include "sha256.h"
#include "stamp.h"
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
	in->e[in->n].archive = NULL;
	in->e[in->n].member = -1;
	in->n++;
	settle(in);
}

/* why an entry of the inbox is not read at all, or NULL to read it */
static const char *skip_reason(const char *name, const struct stat *st)
{
	if (name[0] == '.')
		return "hidden: its name starts with \".\"";
	if (S_ISLNK(st->st_mode))
		return "a link: tally follows no link, copy the file itself into the inbox";
	if (S_ISDIR(st->st_mode))
		return "a folder: tally reads no subfolder, move its files into the inbox";
	if (!S_ISREG(st->st_mode))
		return "not a regular file";
	return NULL;
}

/* the members of the zip archive at path (named name) as entries; 0
 * when it gives none (refused as a whole, or no member read): the
 * archive is then an entry of its own */
static int add_members(struct inbox *in, const char *path, const char *name)
{
	struct exzip_list l;
	struct error ignored;
	struct strbuf sb = STRBUF_INIT;
	size_t n = 0;

	if (exzip_list(path, &l, &ignored) == 0)
		for (n = 0; n < l.n; n++) {
			strbuf_reset(&sb);
			strbuf_addf(&sb, "%s:%s", name, l.v[n].name);
			XGROW(in->e, in->alloc, in->n + 1);
			in->e[in->n].name = strbuf_detach(&sb);
			in->e[in->n].safe = NULL;
			in->e[in->n].refuse = NULL;
			in->e[in->n].archive = xstrdup(name);
			in->e[in->n].member = l.v[n].index;
			in->n++;
		}
	/* its members not read are listed as the inbox's entries are */
	for (size_t k = 0; n > 0 && k < l.nskip; k++) {
		strbuf_reset(&sb);
		strbuf_addf(&sb, "%s:%s", name, l.skip[k].name);
		XGROW(in->skip, in->askip, in->nskip + 1);
		in->skip[in->nskip].name = strbuf_detach(&sb);
		in->skip[in->nskip].why = l.skip[k].why;
		in->nskip++;
	}
	exzip_list_release(&l);
	strbuf_release(&sb);
	return n > 0;
}

static int entry_order(const void *a, const void *b)
{
	return strcmp(((const struct inbox_entry *)a)->name,
		      ((const struct inbox_entry *)b)->name);
}

int inbox_scan(struct inbox *in, const char *dir, struct error *e)
{
	struct fs_names names = FS_NAMES_INIT;
	struct strbuf path = STRBUF_INIT;

	memset(in, 0, sizeof(*in));
	if (fs_list(dir, NULL, FS_HIDDEN, &names, e))
		return -1;
	for (size_t i = 0; i < names.n; i++) {
		struct stat st;
		const char *why, *refuse;

		strbuf_reset(&path);
		strbuf_addf(&path, "%s/%s", dir, names.v[i]);
		if (lstat(path.buf, &st) == 0 &&
		    (why = skip_reason(names.v[i], &st))) {
			XGROW(in->skip, in->askip, in->nskip + 1);
			in->skip[in->nskip].name = xstrdup(names.v[i]);
			in->skip[in->nskip].why = why;
			in->nskip++;
			continue;
		}
		refuse = inbox_refusal(path.buf, names.v[i]);
		if (!refuse && exzip_is_zip_name(names.v[i]) &&
		    add_members(in, path.buf, names.v[i]))
			continue;
		XGROW(in->e, in->alloc, in->n + 1);
		in->e[in->n].name = xstrdup(names.v[i]);
		in->e[in->n].safe = NULL;
		in->e[in->n].refuse = refuse;
		in->e[in->n].archive = NULL;
		in->e[in->n].member = -1;
		in->n++;
	}
	fs_names_release(&names);
	strbuf_release(&path);
	/* an archive's members sort by their names, as files do */
	if (in->n > 1)
		qsort(in->e, in->n, sizeof(*in->e), entry_order);
	settle(in);
	return 0;
}

void inbox_release(struct inbox *in)
{
	for (size_t i = 0; i < in->n; i++) {
		free(in->e[i].name);
		free(in->e[i].safe);
		free(in->e[i].archive);
	}
	for (size_t i = 0; i < in->nskip; i++)
		free(in->skip[i].name);
	free(in->e);
	free(in->skip);
	memset(in, 0, sizeof(*in));
}

const char *inbox_refusal(const char *path, const char *name)
{
	struct stat st;
	char target[PATH_MAX + 1];
	ssize_t n;

	if (!inbox_name_ok(name))
		return "its name holds a control character or bytes that are not UTF-8; rename the file";
	/* the link in/<safe> names the entry: that one is followed, no other */
	if (lstat(path, &st) == 0 && S_ISLNK(st.st_mode) &&
	    (n = readlink(path, target, sizeof(target) - 1)) > 0) {
		target[n] = '\0';
		if (lstat(target, &st) == 0 && S_ISLNK(st.st_mode))
			return "it is a link: tally follows no link, copy the file itself into the inbox";
	}
	if (stat(path, &st) != 0)
		return "it cannot be read (was it removed?)";
	if (!S_ISREG(st.st_mode))
		return "not a regular file";
	return NULL;
}

/*
 * Link at path pointing to target, replaced atomically when different.
 * Returns 0, or -1 with e.
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
	if (symlink(target, tmp.buf) != 0)
		ret = error_set(e, ERR_IO, "%s: cannot create a link: %s",
				tmp.buf, strerror(errno));
	else if (rename(tmp.buf, path) != 0) {
		ret = error_set(e, ERR_IO, "%s: cannot rename into place: %s",
				path, strerror(errno));
		unlink(tmp.buf);
	}
	strbuf_release(&tmp);
	return ret;
}

/* remove from folder what keep does not hold (links only when links) */
static int prune(const char *folder, struct strmap *keep, int links,
		 struct error *e)
{
	struct fs_names names = FS_NAMES_INIT;
	int ret = 0;

	if (fs_list(folder, NULL, FS_HIDDEN, &names, e))
		return -1;
	for (size_t i = 0; i < names.n && !ret; i++) {
		const char *n = names.v[i];
		char *path;
		struct stat st;

		if (strmap_get(keep, n, strlen(n)))
			continue;
		path = path_join(folder, n);
		if (lstat(path, &st) == 0 &&
		    (links ? S_ISLNK(st.st_mode) : !S_ISDIR(st.st_mode)) &&
		    unlink(path) != 0 && errno != ENOENT)
			ret = error_set(e, ERR_IO, "%s: cannot remove: %s", path,
					strerror(errno));
		free(path);
	}
	fs_names_release(&names);
	return ret;
}

static char keep_mark[1];

/* the configuration files a stage reads, each with a stamp */
const char *const inbox_config_files[] = {
	"settings.json", "accounts.csv", "services.csv", "psa-companies.csv",
	"prices.csv", "holidays.csv", NULL,
};

int inbox_config_of_month(const char *name)
{
	return strcmp(name, "sources.json") != 0;
}

struct sync {
	const char *monthdir;
	int dry_run;
	struct strbuf *stale;
	struct error *e;
};

/* set the stamp tdir/name to text, noting it when it changes */
static int stamp(struct sync *y, const char *sub, const char *name,
		 const char *text)
{
	struct strbuf path = STRBUF_INIT;
	int r;

	strbuf_addf(&path, "%s/" INBOX_STAMPS "%s%s", y->monthdir, sub, name);
	r = stamp_set(path.buf, text, y->dry_run, y->e);
	if (r > 0)
		strbuf_addf(y->stale, " %s", path.buf);
	strbuf_release(&path);
	return r < 0 ? -1 : 0;
}

static int sync_entries(struct sync *y, const struct inbox *in,
			const char *absdir)
{
	struct strmap links = STRMAP_INIT, outs = STRMAP_INIT;
	struct strbuf p = STRBUF_INIT, t = STRBUF_INIT, list = STRBUF_INIT;
	struct strbuf shown = STRBUF_INIT;
	const char *monthdir = y->monthdir;
	int ret = -1;

	for (size_t i = 0; i < in->n; i++) {
		const struct inbox_entry *en = &in->e[i];
		size_t sl = strlen(en->safe) - 4;
		char hex[65];

		strbuf_reset(&shown);
		inbox_name_escape(en->name, &shown);
		strbuf_addf(&list, "%s\t%s\n", en->safe, shown.buf);
		*strmap_slot(&links, en->safe, strlen(en->safe), NULL) = keep_mark;
		strbuf_reset(&t);
		strbuf_addf(&t, "%s/%s", absdir, en->archive ? en->archive : en->name);
		if (!y->dry_run) {
			strbuf_reset(&p);
			strbuf_addf(&p, "%s/in/%s", monthdir, en->safe);
			if (link_to(p.buf, t.buf, y->e))
				goto out;
		}
		/* the stamp: what the file is, and how the user knows it */
		strbuf_reset(&p);
		if (en->refuse) {
			strbuf_addf(&p, "refused %s\n", en->refuse);
		} else {
			struct strbuf cache = STRBUF_INIT;
			int bad;

			strbuf_addf(&cache, "%s/" INBOX_STAMPS "in/%s.stat",
				    monthdir, en->safe);
			bad = stamp_hash(t.buf, cache.buf, y->dry_run, hex, y->e);
			strbuf_release(&cache);
			if (bad)
				goto out;
			strbuf_addf(&p, "sha256 %s\n", hex);
		}
		strbuf_addf(&p, "name %s\n", shown.buf);
		if (en->member >= 0)
			strbuf_addf(&p, "member %ld\n", en->member);
		if (stamp(y, "in/", en->safe, p.buf))
			goto out;
		for (size_t k = 0; k < NSUFFIX; k++) {
			strbuf_reset(&t);
			strbuf_add(&t, en->safe, sl);
			strbuf_addstr(&t, suffixes[k]);
			*strmap_slot(&outs, t.buf, t.len, NULL) = keep_mark;
		}
	}
	if (stamp(y, "", "inbox.list", list.buf))
		goto out;
	strbuf_reset(&list);
	for (size_t i = 0; i < in->nskip; i++) {
		strbuf_reset(&shown);
		inbox_name_escape(in->skip[i].name, &shown);
		strbuf_addf(&list, "%s\t%s\n", shown.buf, in->skip[i].why);
	}
	if (stamp(y, "", "skipped.list", list.buf))
		goto out;
	if (!y->dry_run) {
		strbuf_reset(&p);
		strbuf_addf(&p, "%s/in", monthdir);
		if (prune(p.buf, &links, 1, y->e))
			goto out;
		strbuf_reset(&p);
		strbuf_addf(&p, "%s/extract", monthdir);
		if (prune(p.buf, &outs, 0, y->e))
			goto out;
		/* stamps and caches of entries gone */
		for (size_t i = 0; i < in->n; i++) {
			strbuf_reset(&t);
			strbuf_addf(&t, "%s.stat", in->e[i].safe);
			*strmap_slot(&links, t.buf, t.len, NULL) = keep_mark;
		}
		strbuf_reset(&p);
		strbuf_addf(&p, "%s/" INBOX_STAMPS "in", monthdir);
		if (prune(p.buf, &links, 0, y->e))
			goto out;
	}
	ret = 0;
out:
	strmap_release(&links);
	strmap_release(&outs);
	strbuf_release(&p);
	strbuf_release(&t);
	strbuf_release(&list);
	strbuf_release(&shown);
	return ret;
}

/* a stamp per configuration file a stage reads, and one of the folder */
static int sync_config(struct sync *y, const char *config)
{
	struct fs_names names = FS_NAMES_INIT;
	struct strbuf path = STRBUF_INIT, text = STRBUF_INIT,
		      all = STRBUF_INIT;
	char hex[65];
	int ret = -1;

	for (size_t i = 0; inbox_config_files[i]; i++) {
		struct stat st;

		strbuf_reset(&path);
		strbuf_addf(&path, "%s/%s", config, inbox_config_files[i]);
		strbuf_reset(&text);
		if (stat(path.buf, &st) != 0 && errno == ENOENT) {
			strbuf_addstr(&text, "absent\n");
		} else {
			if (sha256_file(path.buf, hex, NULL, y->e))
				goto out;
			strbuf_addf(&text, "sha256 %s\n", hex);
		}
		if (stamp(y, "config/", inbox_config_files[i], text.buf))
			goto out;
	}
	/* every regular file of the folder, as the archive's manifest lists them */
	if (fs_list(config, NULL, FS_MISSING_OK, &names, y->e))
		goto out;
	for (size_t i = 0; i < names.n; i++) {
		struct stat st;

		strbuf_reset(&path);
		strbuf_addf(&path, "%s/%s", config, names.v[i]);
		if (!inbox_config_of_month(names.v[i]) ||
		    stat(path.buf, &st) != 0 || !S_ISREG(st.st_mode))
			continue;
		if (sha256_file(path.buf, hex, NULL, y->e))
			goto out;
		strbuf_reset(&text);
		inbox_name_escape(names.v[i], &text);
		strbuf_addf(&all, "%s %s\n", hex, text.buf);
	}
	if (stamp(y, "", "config.list", all.buf))
		goto out;
	ret = 0;
out:
	fs_names_release(&names);
	strbuf_release(&path);
	strbuf_release(&text);
	strbuf_release(&all);
	return ret;
}

int inbox_sync(const struct inbox *in, const char *dir, const char *config,
	       const char *monthdir, int dry_run, struct strbuf *stale,
	       struct error *e)
{
	static const char *const folders[] = {
		"", "/in", "/extract", "/" INBOX_STAMPS, "/" INBOX_STAMPS "in",
		"/" INBOX_STAMPS "config",
	};
	struct sync y = { monthdir, dry_run, stale, e };
	struct strbuf p = STRBUF_INIT;
	char *absdir = realpath(dir, NULL);
	int ret = -1;

	if (!absdir) {
		error_set(e, ERR_IO, "%s: cannot resolve: %s", dir, strerror(errno));
		goto out;
	}
	/* a dry run writes nothing: a folder not there yet stays so */
	for (size_t i = 0; !dry_run && i < sizeof(folders) / sizeof(*folders); i++) {
		strbuf_reset(&p);
		strbuf_addf(&p, "%s%s", monthdir, folders[i]);
		if ((i == 0 ? fs_mkdirs(p.buf, e) : fs_mkdir(p.buf, e)))
			goto out;
	}
	if (sync_entries(&y, in, absdir) || sync_config(&y, config))
		goto out;
	ret = 0;
out:
	free(absdir);
	strbuf_release(&p);
	return ret;
}
