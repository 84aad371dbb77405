/*
 * Zip archives in the inbox (exzip.h): listing the members read, and one
 * member inflated under its checks and extracted.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zip.h>
#include "csvread.h"
#include "extract.h"
#include "exzip.h"
#include "outfile.h"
#include "strbuf.h"
#include "tempfile.h"
#include "xalloc.h"
#include "banned.h"

int exzip_is_zip_name(const char *name)
{
	size_t n = strlen(name);

	return n >= 4 && !strcasecmp(name + n - 4, ".zip");
}

size_t exzip_archive_len(const char *name)
{
	for (const char *s = name; *s && *s != '/'; s++)
		if (s - name >= 1 && !strncasecmp(s, ".zip:", 5))
			return (size_t)(s - name) + 4;
	return 0;
}

/* a folder entry (""), __MACOSX/, or a step starting with ".": why it
 * is not read; NULL to read it */
static const char *skipped(const char *name)
{
	size_t n = strlen(name);

	if (!n || name[n - 1] == '/')
		return "";
	if (!strncmp(name, "__MACOSX/", 9))
		return "macOS's resource data (__MACOSX/), not an export";
	for (const char *s = name; *s; ) {
		size_t k = strcspn(s, "/\\");

		if (k && s[0] == '.' && !(k == 2 && s[1] == '.'))
			return "hidden: its name (or a folder of it) starts with \".\"";
		s += k;
		s += *s != '\0';
	}
	return NULL;
}

/* why the member's name is refused, or NULL */
static const char *name_refusal(const char *name)
{
	if (name[0] == '/' || name[0] == '\\' ||
	    (((name[0] | 0x20) >= 'a' && (name[0] | 0x20) <= 'z') && name[1] == ':'))
		return "an absolute path in the archive";
	for (const char *s = name; *s; ) {
		size_t k = strcspn(s, "/\\");

		if (k == 2 && s[0] == '.' && s[1] == '.')
			return "a \"..\" step in its path";
		s += k;
		s += *s != '\0';
	}
	for (const unsigned char *s = (const unsigned char *)name; *s; s++)
		if (*s < 0x20 || *s == 0x7f)
			return "its name holds a control character";
	if (!utf8_valid(name, strlen(name)))
		return "its name is not UTF-8";
	if (exzip_is_zip_name(name))
		return "an archive inside the archive (archives are read one level deep)";
	return NULL;
}

/* why member i is refused before it is read, or NULL */
static const char *member_refusal(zip_t *za, zip_uint64_t i, const char *name,
				  const zip_stat_t *st)
{
	zip_uint8_t opsys;
	zip_uint32_t attr;
	const char *why = name_refusal(name);

	if (why)
		return why;
	if (zip_file_get_external_attributes(za, i, 0, &opsys, &attr) == 0 &&
	    opsys == ZIP_OPSYS_UNIX && ((attr >> 16) & S_IFMT) == S_IFLNK)
		return "a link (tally follows no link)";
	if ((st->valid & ZIP_STAT_ENCRYPTION_METHOD) &&
	    st->encryption_method != ZIP_EM_NONE)
		return "an encrypted member (tally reads no password): zip it again without one";
	return NULL;
}

static void member_add(struct exzip_list *l, long index, const char *name)
{
	XGROW(l->v, l->alloc, l->n + 1);
	l->v[l->n].index = index;
	l->v[l->n].name = xstrdup(name);
	l->n++;
}

void exzip_list_release(struct exzip_list *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->v[i].name);
	for (size_t i = 0; i < l->nskip; i++)
		free(l->skip[i].name);
	free(l->skip);
	free(l->v);
	memset(l, 0, sizeof(*l));
}

static zip_t *open_archive(const char *path, char *why, size_t whylen)
{
	int zerr = 0;
	zip_t *za = zip_open(path, ZIP_RDONLY | ZIP_CHECKCONS, &zerr);

	if (!za) {
		zip_error_t ze;

		zip_error_init_with_code(&ze, zerr);
		snprintf(why, whylen, "not a zip archive, or a damaged one (%s): zip it again",
			 zip_error_strerror(&ze));
		zip_error_fini(&ze);
	}
	return za;
}

/* the whole archive: its declared sizes; l->refuse when refused */
static void check_archive(zip_t *za, struct exzip_list *l, int keep)
{
	zip_int64_t n = zip_get_num_entries(za, 0);
	long long total = 0;

	for (zip_int64_t i = 0; i < n; i++) {
		zip_stat_t st;
		const char *name = zip_get_name(za, (zip_uint64_t)i, ZIP_FL_ENC_STRICT);
		const char *why;

		if (!name || zip_stat_index(za, (zip_uint64_t)i, ZIP_FL_ENC_STRICT, &st)) {
			snprintf(l->refuse, sizeof(l->refuse),
				 "a damaged archive (entry %lld cannot be read: %s): zip it again",
				 (long long)i + 1, zip_strerror(za));
			break;
		}
		if ((why = skipped(name))) {
			if (keep && *why) {
				XGROW(l->skip, l->askip, l->nskip + 1);
				l->skip[l->nskip].name = xstrdup(name);
				l->skip[l->nskip++].why = why;
			}
			continue;
		}
		total += (long long)st.size;
		if (total > EXZIP_MAX_TOTAL) {
			snprintf(l->refuse, sizeof(l->refuse),
				 "more than %lld MiB uncompressed in all (a zip bomb?): unzip it and drop its files in the inbox",
				 EXZIP_MAX_TOTAL >> 20);
			break;
		}
		if ((long long)st.size > EXZIP_RATIO_FLOOR &&
		    st.size / EXZIP_MAX_RATIO > st.comp_size) {
			snprintf(l->refuse, sizeof(l->refuse),
				 "member \"%s\" would inflate to more than %d times its compressed size (a zip bomb)",
				 name, EXZIP_MAX_RATIO);
			break;
		}
		if (keep)
			member_add(l, (long)i, name);
	}
	if (l->refuse[0]) {
		for (size_t k = 0; k < l->n; k++)
			free(l->v[k].name);
		l->n = 0;
		for (size_t k = 0; k < l->nskip; k++)
			free(l->skip[k].name);
		l->nskip = 0;
	}
}

int exzip_list(const char *path, struct exzip_list *l, struct error *e)
{
	zip_t *za;

	memset(l, 0, sizeof(*l));
	if (access(path, R_OK) != 0)
		return error_set(e, ERR_IO, "%s: cannot open: %s", path,
				 strerror(errno));
	za = open_archive(path, l->refuse, sizeof(l->refuse));
	if (!za)
		return 0;
	check_archive(za, l, 1);
	zip_discard(za);
	return 0;
}

/* --- one member ------------------------------------------------------------ */

/*
 * Inflate member i into the file fp: 0; 1 with why set when the member
 * is refused; -1 with e on a write error.
 */
static int inflate_to(zip_t *za, zip_uint64_t i, const zip_stat_t *st,
		      FILE *fp, const char *tmp, char *why, size_t whylen,
		      struct error *e)
{
	zip_file_t *zf = zip_fopen_index(za, i, 0);
	char buf[65536];
	long long got = 0;
	zip_int64_t k;
	int ret = 0;

	if (!zf) {
		snprintf(why, whylen, "it cannot be read (%s): zip it again",
			 zip_strerror(za));
		return 1;
	}
	while ((k = zip_fread(zf, buf, sizeof(buf))) > 0) {
		if (got == 0 && k >= 4 && !memcmp(buf, "PK\x03\x04", 4)) {
			snprintf(why, whylen, "an archive inside the archive (archives are read one level deep)");
			ret = 1;
			break;
		}
		got += k;
		if ((st->valid & ZIP_STAT_SIZE) && (zip_uint64_t)got > st->size) {
			snprintf(why, whylen, "its data is longer than its header says (a damaged archive, or a zip bomb)");
			ret = 1;
			break;
		}
		if (got > EXZIP_RATIO_FLOOR &&
		    (zip_uint64_t)got / EXZIP_MAX_RATIO > st->comp_size) {
			snprintf(why, whylen, "it inflates to more than %d times its compressed size (a zip bomb)",
				 EXZIP_MAX_RATIO);
			ret = 1;
			break;
		}
		if (fwrite(buf, 1, (size_t)k, fp) != (size_t)k) {
			ret = error_set(e, ERR_IO, "%s: cannot write: %s", tmp,
					strerror(errno));
			break;
		}
	}
	if (k < 0 && ret == 0) {
		zip_error_t *ze = zip_file_get_error(zf);

		if (zip_error_code_zip(ze) == ZIP_ER_CRC)
			snprintf(why, whylen, "a bad checksum (CRC): the member is damaged: zip it again");
		else
			snprintf(why, whylen, "it cannot be inflated (%s): zip it again",
				 zip_error_strerror(ze));
		ret = 1;
	}
	zip_fclose(zf);
	return ret;
}

int exzip_extract(struct extract_opts *o, const char *zip, long index,
		  char **name_out, struct extract_result *r,
		  struct error *e)
{
	struct strbuf name = STRBUF_INIT, tmp = STRBUF_INIT, why = STRBUF_INIT;
	struct exzip_list l;
	struct tempfile *tf = NULL;
	char whybuf[320] = "";
	char *stem = extract_stem(o->out);
	zip_t *za;
	zip_stat_t st;
	const char *mname, *refuse;
	FILE *fp = NULL;
	int ret = -1, rc;

	memset(&l, 0, sizeof(l));
	strbuf_addstr(&name, o->name);
	o->refuse_code = "zip-refused";
	za = open_archive(zip, l.refuse, sizeof(l.refuse));
	if (za)
		check_archive(za, &l, 0);
	if (l.refuse[0]) {
		strbuf_addf(&why, "archive refused: %s; no member of it is read", l.refuse);
		goto refused;
	}
	if (index < 0) {
		/* listed as the archive itself: it gives no member to read */
		strbuf_addstr(&why, "archive refused: it holds no file tally reads (folders, __MACOSX/ and hidden files are skipped)");
		goto refused;
	}
	if (index >= zip_get_num_entries(za, 0) ||
	    !(mname = zip_get_name(za, (zip_uint64_t)index, ZIP_FL_ENC_STRICT)) ||
	    zip_stat_index(za, (zip_uint64_t)index, ZIP_FL_ENC_STRICT, &st)) {
		strbuf_addf(&why, "archive refused: it has no member %ld (it changed while it was read?): run again", index + 1);
		goto refused;
	}
	strbuf_addf(&name, ":%s", mname);
	if ((refuse = member_refusal(za, (zip_uint64_t)index, mname, &st))) {
		strbuf_addf(&why, "member refused: %s; no usage is taken from it", refuse);
		goto refused;
	}
	strbuf_addf(&tmp, "%s.member", stem);
	{
		struct strbuf t = STRBUF_INIT;

		tf = outfile_temp_name(tmp.buf, &t);
		strbuf_release(&tmp);
		tmp = t;
	}
	fp = fopen(tmp.buf, "wb");
	if (!fp) {
		error_set(e, ERR_IO, "%s: cannot create: %s", tmp.buf, strerror(errno));
		goto out;
	}
	rc = inflate_to(za, (zip_uint64_t)index, &st, fp, tmp.buf, whybuf,
			sizeof(whybuf), e);
	if (fclose(fp) != 0 && rc == 0)
		rc = error_set(e, ERR_IO, "%s: cannot write: %s", tmp.buf,
			       strerror(errno));
	fp = NULL;
	if (rc < 0)
		goto out;
	if (rc > 0) {
		strbuf_addf(&why, "member refused: %s; no usage is taken from it", whybuf);
		goto refused;
	}
	zip_discard(za);
	za = NULL;
	o->name = name.buf;
	o->path = tmp.buf;
	o->refuse = NULL;
	ret = extract_file(o, r, e);
	goto out;
refused:
	o->name = name.buf;
	o->refuse = why.buf;
	ret = extract_file(o, r, e);
out:
	if (fp)
		fclose(fp);
	if (tf)
		tempfile_remove(tf);
	if (za)
		zip_discard(za);
	o->name = NULL;
	o->refuse = NULL;
	o->path = NULL;
	*name_out = strbuf_detach(&name);
	strbuf_release(&tmp);
	strbuf_release(&why);
	exzip_list_release(&l);
	free(stem);
	return ret;
}
