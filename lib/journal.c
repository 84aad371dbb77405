#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "csvwrite.h"
#include "fsutil.h"
#include "journal.h"
#include "strbuf.h"
#include "xalloc.h"
#include "banned.h"

#define J_HEADER "line,event,ref,file,row,status,id,note,run_at"
#define J_FIELDS 9
#define J_FIRST 2	/* the line of the first record */

static const char *const names[] = {
	"intent", "applied", "refused", "failed", "unknown", "resolved", "torn",
};

const char *journal_event_name(enum journal_event ev)
{
	return names[ev];
}

static int event_parse(const char *s, enum journal_event *ev)
{
	for (size_t i = 0; i < sizeof(names) / sizeof(*names); i++)
		if (!strcmp(s, names[i])) {
			*ev = (enum journal_event)i;
			return 0;
		}
	return -1;
}

/* a line number: digits without a leading zero, or "" for 0 */
static int number(const char *s, long *out)
{
	long v = 0;
	size_t n = strlen(s);

	*out = 0;
	if (!n)
		return 0;
	if (n > 12 || strspn(s, "0123456789") != n || s[0] == '0')
		return -1;
	for (size_t i = 0; i < n; i++)
		v = v * 10 + (s[i] - '0');
	*out = v;
	return 0;
}

static void record_free(struct journal_record *r)
{
	free(r->file);
	free(r->row);
	free(r->status);
	free(r->id);
	free(r->note);
	free(r->run_at);
}

void journal_release(struct journal *j)
{
	for (size_t i = 0; i < j->n; i++)
		record_free(&j->rec[i]);
	free(j->rec);
	if (j->fd >= 0)
		close(j->fd);
	free(j->path);
	memset(j, 0, sizeof(*j));
	j->fd = -1;
}

static int damaged(const struct journal *j, long line, const char *why,
		   struct error *e)
{
	return error_at(e, ERR_REFUSED, line, "%s:%ld: the push journal is damaged (%s): it is only ever appended to by make push; restore it from a backup",
			j->path, line, why);
}

/*
 * Split one line (no line end) of CSV as csvwrite writes it into at most
 * max fields (copies into f). Returns the number of fields, or -1 for a
 * quote never closed or a stray quote.
 */
static int split(const char *s, size_t n, char **f, int max)
{
	struct strbuf sb = STRBUF_INIT;
	size_t i = 0;
	int k = 0;

	for (;;) {
		strbuf_reset(&sb);
		if (i < n && s[i] == '"') {
			for (i++;; i++) {
				if (i >= n)
					goto bad;
				if (s[i] == '"') {
					if (i + 1 < n && s[i + 1] == '"') {
						strbuf_addch(&sb, '"');
						i++;
						continue;
					}
					i++;
					break;
				}
				strbuf_addch(&sb, s[i]);
			}
			if (i < n && s[i] != ',')
				goto bad;
		} else {
			for (; i < n && s[i] != ','; i++) {
				if (s[i] == '"')
					goto bad;
				strbuf_addch(&sb, s[i]);
			}
		}
		if (k == max)
			goto bad;
		f[k++] = xstrdup(sb.buf);
		if (i >= n)
			break;
		i++;	/* the comma */
	}
	strbuf_release(&sb);
	return k;
bad:
	strbuf_release(&sb);
	while (k > 0)
		free(f[--k]);
	return -1;
}

int journal_open(struct journal *j, const char *path, struct error *e)
{
	struct strbuf text = STRBUF_INIT;
	const char *p, *end;
	long line = 0;
	int ret = -1, r;

	memset(j, 0, sizeof(*j));
	j->fd = -1;
	j->path = xstrdup(path);
	j->next_line = J_FIRST;
	r = strbuf_read_file(&text, path, 1, e);
	if (r)
		return r < 0 ? -1 : 0;	/* missing: an empty journal */
	p = text.buf;
	end = text.buf + text.len;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);
		char *f[J_FIELDS + 1];
		struct journal_record rec;
		long num;
		int k;

		line++;
		if (!nl) {
			/* cut short by a crash while it was written */
			j->torn_line = line;
			break;
		}
		if (line == 1) {
			if (n == strlen(J_HEADER) + 1 && p[n - 1] == '\r' &&
			    !memcmp(p, J_HEADER, n - 1)) {
				damaged(j, 1, "line ends changed to CRLF, as an editor or a copy through Windows saves it; make push writes LF only: turn them back to LF (dos2unix) only if nothing else was edited", e);
				goto out;
			}
			if (n != strlen(J_HEADER) || memcmp(p, J_HEADER, n)) {
				damaged(j, 1, "not the columns of a push journal", e);
				goto out;
			}
			p = nl + 1;
			continue;
		}
		k = split(p, n, f, J_FIELDS + 1);
		p = nl + 1;
		if (k < 0 || k != J_FIELDS) {
			int skip = 0;

			for (int i = 0; i < k; i++)
				free(f[i]);
			/* a line a crash cut short, marked by the next record */
			if (nl + 1 < end) {
				const char *nl2 = memchr(nl + 1, '\n', (size_t)(end - nl - 1));
				char *g[J_FIELDS + 1];
				int m = nl2 ? split(nl + 1, (size_t)(nl2 - nl - 1), g, J_FIELDS + 1) : -1;

				skip = m == J_FIELDS && !strcmp(g[1], "torn") &&
				       number(g[2], &num) == 0 && num == line;
				for (int i = 0; i < m; i++)
					free(g[i]);
			}
			if (skip)
				continue;
			damaged(j, line, "wrong number of fields", e);
			goto out;
		}
		memset(&rec, 0, sizeof(rec));
		if (number(f[0], &num) || num != line) {
			damaged(j, line, "its line field is not its line", e);
		} else if (event_parse(f[1], &rec.event) ||
			   number(f[2], &rec.ref) ||
			   (rec.event == J_INTENT) != (rec.ref == 0) ||
			   rec.ref >= line) {
			damaged(j, line, "bad event or ref", e);
		} else if (rec.event != J_INTENT && rec.event != J_TORN &&
			   (!journal_at(j, rec.ref) ||
			    journal_at(j, rec.ref)->event != J_INTENT)) {
			damaged(j, line, "its ref is not an intent", e);
		} else if (rec.event == J_RESOLVED && strcmp(f[5], "yes") &&
			   strcmp(f[5], "no")) {
			damaged(j, line, "resolved neither yes nor no", e);
		} else {
			rec.line = line;
			rec.file = f[3];
			rec.row = f[4];
			rec.status = f[5];
			rec.id = f[6];
			rec.note = f[7];
			rec.run_at = f[8];
			free(f[0]);
			free(f[1]);
			free(f[2]);
			XGROW(j->rec, j->alloc, j->n + 1);
			j->rec[j->n++] = rec;
			continue;
		}
		for (int i = 0; i < k; i++)
			free(f[i]);
		goto out;
	}
	if (line == 0 || (line == 1 && j->torn_line)) {
		/* made, then killed before its header was whole */
		j->torn_line = 0;
		ret = text.len ? damaged(j, 1, "not the columns of a push journal", e) : 0;
		goto out;
	}
	j->next_line = line + 1;
	if (j->torn_line)
		j->next_line = j->torn_line + 1;
	ret = 0;
out:
	strbuf_release(&text);
	return ret;
}

const struct journal_record *journal_at(const struct journal *j, long line)
{
	/* records are in line order */
	size_t lo = 0, hi = j->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (j->rec[mid].line < line)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < j->n && j->rec[lo].line == line ? &j->rec[lo] : NULL;
}

static int write_all(int fd, const char *p, size_t n)
{
	while (n) {
		ssize_t w = write(fd, p, n);

		if (w < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

static int sync_out(struct journal *j, const char *data, size_t len,
		    struct error *e)
{
	if (write_all(j->fd, data, len) || fsync(j->fd))
		return error_set(e, ERR_IO, "%s: cannot write: %s", j->path,
				 strerror(errno));
	return fs_dir_fsync_parent(j->path, e);
}

static int open_for_append(struct journal *j, struct error *e)
{
	char *dir, *slash;
	struct stat st;

	if (j->fd >= 0)
		return 0;
	dir = xstrdup(j->path);
	slash = strrchr(dir, '/');
	if (slash) {
		*slash = '\0';
		if (fs_mkdirs(dir, e) || fs_dir_fsync_parent(dir, e)) {
			free(dir);
			return -1;
		}
	}
	free(dir);
	j->fd = open(j->path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
	if (j->fd < 0 || fstat(j->fd, &st))
		return error_set(e, ERR_IO, "%s: cannot open: %s", j->path,
				 strerror(errno));
	if (st.st_size == 0) {
		static const char head[] = J_HEADER "\n";

		if (sync_out(j, head, sizeof(head) - 1, e))
			return -1;
		j->next_line = J_FIRST;
	}
	return 0;
}

static void add_field(struct strbuf *sb, const char *s, int first)
{
	if (!first)
		strbuf_addch(sb, ',');
	s = s ? s : "";
	csv_quote_add(sb, s, strlen(s));
}

static void add_record(struct journal *j, const struct journal_record *r)
{
	XGROW(j->rec, j->alloc, j->n + 1);
	j->rec[j->n++] = *r;
}

int journal_append(struct journal *j, enum journal_event ev, long ref,
		   const char *file, const char *row, const char *status,
		   const char *id, const char *note, const char *run_at,
		   long *line, struct error *e)
{
	const char *const f[] = { file, row, status, id, note, run_at };
	struct strbuf sb = STRBUF_INIT;
	struct journal_record r;
	char num[24];

	for (size_t i = 0; i < sizeof(f) / sizeof(*f); i++)
		if (f[i] && strpbrk(f[i], "\r\n"))
			return error_set(e, ERR_USAGE, "%s: a field holds a line end: not recorded",
					 j->path);
	if (open_for_append(j, e))
		return -1;
	if (j->torn_line) {
		/* end the line a crash cut short, and say so */
		strbuf_addch(&sb, '\n');
		snprintf(num, sizeof(num), "%ld", j->next_line);
		add_field(&sb, num, 1);
		add_field(&sb, "torn", 0);
		snprintf(num, sizeof(num), "%ld", j->torn_line);
		add_field(&sb, num, 0);
		for (int i = 0; i < 6; i++)
			add_field(&sb, "", 0);
		strbuf_addch(&sb, '\n');
		if (sync_out(j, sb.buf, sb.len, e)) {
			strbuf_release(&sb);
			return -1;
		}
		memset(&r, 0, sizeof(r));
		r.line = j->next_line++;
		r.event = J_TORN;
		r.ref = j->torn_line;
		r.file = xstrdup("");
		r.row = xstrdup("");
		r.status = xstrdup("");
		r.id = xstrdup("");
		r.note = xstrdup("");
		r.run_at = xstrdup("");
		add_record(j, &r);
		j->torn_line = 0;
		strbuf_reset(&sb);
	}
	snprintf(num, sizeof(num), "%ld", j->next_line);
	add_field(&sb, num, 1);
	add_field(&sb, names[ev], 0);
	if (ref)
		snprintf(num, sizeof(num), "%ld", ref);
	add_field(&sb, ref ? num : "", 0);
	for (size_t i = 0; i < sizeof(f) / sizeof(*f); i++)
		add_field(&sb, f[i], 0);
	strbuf_addch(&sb, '\n');
	if (sync_out(j, sb.buf, sb.len, e)) {
		strbuf_release(&sb);
		return -1;
	}
	strbuf_release(&sb);
	memset(&r, 0, sizeof(r));
	r.line = j->next_line++;
	r.event = ev;
	r.ref = ref;
	r.file = xstrdup(file ? file : "");
	r.row = xstrdup(row ? row : "");
	r.status = xstrdup(status ? status : "");
	r.id = xstrdup(id ? id : "");
	r.note = xstrdup(note ? note : "");
	r.run_at = xstrdup(run_at ? run_at : "");
	add_record(j, &r);
	if (line)
		*line = r.line;
	return 0;
}

static int same_change(const struct journal_record *r, const char *file,
		       const char *row)
{
	return !strcmp(r->file, file) && !strcmp(r->row, row);
}

enum journal_state journal_state(const struct journal *j, const char *file,
				 const char *row, long *intent,
				 const struct journal_record **answer)
{
	const struct journal_record *last = NULL, *decided = NULL;
	enum journal_state st = JS_NEW;

	for (size_t i = 0; i < j->n; i++) {
		const struct journal_record *r = &j->rec[i];

		if (r->event == J_TORN || !same_change(r, file, row))
			continue;
		if (r->event == J_INTENT) {
			last = r;
			continue;
		}
		/* an outcome of this change's intent */
		if (r->event == J_APPLIED ||
		    (r->event == J_RESOLVED && !strcmp(r->status, "yes"))) {
			if (intent)
				*intent = r->ref;
			if (answer)
				*answer = r;
			return JS_APPLIED;
		}
	}
	if (intent)
		*intent = last ? last->line : 0;
	if (!last) {
		if (answer)
			*answer = NULL;
		return JS_NEW;
	}
	st = JS_UNKNOWN;	/* no outcome: the run died after the intent */
	for (size_t i = 0; i < j->n; i++) {
		const struct journal_record *r = &j->rec[i];

		if (r->ref != last->line || r->event == J_TORN)
			continue;
		decided = r;
		if (r->event == J_REFUSED || r->event == J_FAILED ||
		    r->event == J_RESOLVED)
			st = JS_AGAIN;	/* resolved yes returned above */
		else if (r->event == J_UNKNOWN)
			st = JS_UNKNOWN;
	}
	if (answer)
		*answer = decided;
	return st;
}

size_t journal_unknowns(const struct journal *j, long **lines)
{
	size_t n = 0, alloc = 0;

	*lines = NULL;
	for (size_t i = 0; i < j->n; i++) {
		const struct journal_record *r = &j->rec[i];
		long intent;

		if (r->event != J_INTENT)
			continue;
		if (journal_state(j, r->file, r->row, &intent, NULL) == JS_UNKNOWN &&
		    intent == r->line) {
			XGROW(*lines, alloc, n + 1);
			(*lines)[n++] = r->line;
		}
	}
	return n;
}
