#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "cfgtable.h"
#include "csvwrite.h"
#include "exzip.h"
#include "frozen.h"
#include "inbox.h"
#include "summary.h"
#include "fsutil.h"
#include "outfile.h"
#include "sha256.h"
#include "strbuf.h"
#include "xalloc.h"
#include "banned.h"

static const char hint[] = STATE_HINT;

static int kind_ok(const char *kind)
{
	return !strcmp(kind, "inbox") || !strcmp(kind, "config");
}

/* a name that is one entry of a folder: no '/', not "." or ".." */
static int name_ok(const char *name)
{
	return *name && !strchr(name, '/') && strcmp(name, ".") &&
	       strcmp(name, "..");
}

int frozen_write(const char *dir, const struct frozen_input *in, size_t n,
		 struct error *e)
{
	struct outfile o;
	char *sub[2] = { path_join(dir, "inbox"), path_join(dir, "config") };
	char *list = path_join(dir, FROZEN_INPUTS);
	int ret = -1;

	if (fs_mkdir(sub[0], e) || fs_mkdir(sub[1], e) ||
	    outfile_open(&o, list, e))
		goto out;
	fputs("kind,name,safe,sha256\n", o.fp);
	for (size_t i = 0; i < n; i++) {
		const struct frozen_input *f = &in[i];
		int k = !strcmp(f->kind, "config");
		const char *file = f->file ? f->file : f->name;
		char *to, hex[65];
		const char *row[4];

		if (!kind_ok(f->kind) || !name_ok(file)) {
			error_set(e, ERR_IO, "%s: cannot freeze (\"%s\")", f->path,
				  f->name);
			goto fail;
		}
		to = path_join(sub[k], file);
		/* an archive two members come from is copied once */
		if ((!(f->file && fs_exists(to)) && fs_copy(f->path, to, e)) ||
		    sha256_file(to, hex, NULL, e)) {
			free(to);
			goto fail;
		}
		free(to);
		if (f->sha256 && strcmp(hex, f->sha256)) {
			error_set(e, ERR_REFUSED, "%s: changed while the month was being closed: run make invoice, check it, then close",
				  f->path);
			goto fail;
		}
		row[0] = f->kind;
		row[1] = f->name;
		row[2] = f->safe;
		row[3] = hex;
		csv_putrow(o.fp, row, 4);
	}
	if (outfile_commit(&o, e) || fs_dir_fsync(sub[0], e) ||
	    fs_dir_fsync(sub[1], e) || fs_dir_fsync(dir, e))
		goto out;
	ret = 0;
	goto out;
fail:
	outfile_abort(&o);
out:
	free(sub[0]);
	free(sub[1]);
	free(list);
	return ret;
}

static const struct cfg_column cols[] = {
	{ "kind", CFG_REQUIRED }, { "name", CFG_REQUIRED },
	{ "safe", CFG_REQUIRED }, { "sha256", CFG_REQUIRED },
};

int frozen_load(struct frozen *f, const char *dir, struct error *e)
{
	struct cfgtable t;
	char *list = path_join(dir, FROZEN_INPUTS);
	struct stat st;
	int ret = -1;

	memset(f, 0, sizeof(*f));
	if (stat(list, &st) != 0 && errno == ENOENT) {
		free(list);
		return 1;
	}
	error_clear(e);
	if (cfgtable_load(&t, list, cols, 4, e))
		goto out;
	for (size_t r = 0; r < cfgtable_rows(&t); r++) {
		const char *kind = cfgtable_get(&t, r, 0);
		const char *name = cfgtable_get(&t, r, 1);
		const char *sha = cfgtable_get(&t, r, 3);
		long line = cfgtable_line(&t, r);
		struct frozen_entry *x;
		char hex[65];
		char *copy;
		int bad;

		if (cfgtable_bad(&t, r, e))
			goto out;
		if (!kind_ok(kind) || strlen(sha) != 64 ||
		    !(name_ok(name) || exzip_archive_len(name))) {
			error_set(e, ERR_IO, "%s:%ld: not a row tally wrote (\"%s\"): %s",
				  list, line, name, hint);
			goto out;
		}
		{
			char *sub = path_join(dir, kind);
			size_t an = exzip_archive_len(name);

			copy = path_join(sub, name);
			/* a member's row: the archive's copy */
			if (an && !fs_exists(copy)) {
				char *archive = xstrndup(name, an);

				free(copy);
				copy = path_join(sub, archive);
				free(archive);
			}
			free(sub);
		}
		bad = sha256_file(copy, hex, NULL, e);
		if (!bad && strcmp(hex, sha))
			bad = error_set(e, ERR_IO, "%s: does not match its SHA-256 in %s:%ld: changed outside tally; %s",
					copy, list, line, hint);
		free(copy);
		if (bad)
			goto out;
		XGROW(f->v, f->alloc, f->n + 1);
		x = &f->v[f->n++];
		x->kind = xstrdup(kind);
		x->name = xstrdup(name);
		x->safe = xstrdup(cfgtable_get(&t, r, 2));
		memcpy(x->sha256, sha, 65);
	}
	ret = 0;
out:
	cfgtable_release(&t);
	free(list);
	return ret;
}

void frozen_release(struct frozen *f)
{
	for (size_t i = 0; i < f->n; i++) {
		free(f->v[i].kind);
		free(f->v[i].name);
		free(f->v[i].safe);
	}
	free(f->v);
	memset(f, 0, sizeof(*f));
}

const struct frozen_entry *frozen_find(const struct frozen *f,
				       const char *kind, const char *name)
{
	for (size_t i = 0; i < f->n; i++)
		if (!strcmp(f->v[i].kind, kind) && !strcmp(f->v[i].name, name))
			return &f->v[i];
	return NULL;
}

/* --- what a close freezes ------------------------------------------------ */

static char *own(struct frozen_plan *p, char *s)
{
	XGROW(p->owned, p->aowned, p->nowned + 1);
	p->owned[p->nowned++] = s;
	return s;
}

/* the "sha256 <hex>" line of a stamp file, or NULL */
static char *stamp_sha(const char *path)
{
	struct strbuf sb = STRBUF_INIT;
	struct error ignored;
	char *hex = NULL;

	if (strbuf_read_file(&sb, path, 1, &ignored) == 0 &&
	    !strncmp(sb.buf, "sha256 ", 7) && sb.len >= 7 + 64)
		hex = xstrndup(sb.buf + 7, 64);
	strbuf_release(&sb);
	return hex;
}

/* config.list's SHA-256 of name ("<hex> <name>" lines), or NULL */
static char *listed_sha(const struct strbuf *list, const char *name)
{
	size_t n = strlen(name);

	for (const char *l = list->buf; l && *l; ) {
		const char *end = strchr(l, '\n');
		size_t len = end ? (size_t)(end - l) : strlen(l);

		if (len == 65 + n && l[64] == ' ' && !memcmp(l + 65, name, n))
			return xstrndup(l, 64);
		l = end ? end + 1 : NULL;
	}
	return NULL;
}

static void plan_add(struct frozen_plan *p, const char *kind, char *name,
		     char *safe, char *path, char *sha)
{
	struct frozen_input *f;
	size_t an = exzip_archive_len(name);
	const char *base = strrchr(path, '/');

	XGROW(p->v, p->alloc, p->n + 1);
	f = &p->v[p->n++];
	f->kind = kind;
	base = base ? base + 1 : path;
	/* a zip member: the archive it links to is the file frozen */
	f->file = an && strlen(base) == an && !strncmp(base, name, an) ?
		  own(p, xstrndup(name, an)) : NULL;
	f->name = own(p, name);
	f->safe = safe == name ? name : own(p, safe);
	f->path = own(p, path);
	f->sha256 = sha ? own(p, sha) : NULL;
}

int frozen_plan(struct frozen_plan *p, const char *monthdir,
		const char *config, struct error *e)
{
	struct extract_docs docs;
	struct fs_names names = FS_NAMES_INIT;
	struct strbuf list = STRBUF_INIT, sb = STRBUF_INIT;
	int ret = -1;

	memset(p, 0, sizeof(*p));
	if (extract_docs_load(&docs, monthdir, e))
		goto out;
	for (size_t i = 0; i < docs.n; i++) {
		const struct extract_doc *x = &docs.v[i];
		json_t *acc = json_object_get(json_object_get(x->doc, "rows"),
					      "accepted");
		const char *base = strrchr(x->json_path, '/');
		char *safe, *link, *target;

		if (!json_is_integer(acc) || json_integer_value(acc) <= 0)
			continue;
		base = base ? base + 1 : x->json_path;
		strbuf_reset(&sb);
		strbuf_addf(&sb, "%.*s.csv", (int)(strlen(base) - 5), base);
		safe = strbuf_detach(&sb);
		strbuf_addf(&sb, "%s/in/%s", monthdir, safe);
		link = strbuf_detach(&sb);
		target = realpath(link, NULL);
		if (!target) {
			error_set(e, ERR_IO, "%s: cannot follow: %s", link,
				  strerror(errno));
			free(link);
			free(safe);
			goto out;
		}
		free(link);
		strbuf_addf(&sb, "%s/" INBOX_STAMPS "in/%s", monthdir, safe);
		plan_add(p, "inbox", xstrdup(x->source_file), safe, target,
			 stamp_sha(sb.buf));
		strbuf_reset(&sb);
	}
	strbuf_addf(&sb, "%s/" INBOX_STAMPS "config.list", monthdir);
	if (strbuf_read_file(&list, sb.buf, 1, e) < 0 ||
	    fs_list(config, NULL, FS_MISSING_OK, &names, e))
		goto out;
	for (size_t i = 0; i < names.n; i++) {
		char *path = path_join(config, names.v[i]);
		struct stat st;
		char *name;

		if (stat(path, &st) != 0 || !S_ISREG(st.st_mode)) {
			free(path);
			continue;
		}
		name = xstrdup(names.v[i]);
		plan_add(p, "config", name, name, path, listed_sha(&list, name));
	}
	ret = 0;
out:
	extract_docs_release(&docs);
	fs_names_release(&names);
	strbuf_release(&list);
	strbuf_release(&sb);
	return ret;
}

void frozen_plan_release(struct frozen_plan *p)
{
	for (size_t i = 0; i < p->nowned; i++)
		free(p->owned[i]);
	free(p->owned);
	free(p->v);
	memset(p, 0, sizeof(*p));
}
