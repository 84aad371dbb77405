/*
 * External merge sort with a memory budget (extsort.h).
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "extsort.h"
#include "strbuf.h"
#include "xalloc.h"
#include "banned.h"

#define FANIN 64		/* runs merged at once */
#define RUN_BUFFER 65536	/* stdio buffer of a run being read */
#define HDR 8			/* u32 klen, u32 plen */

struct extsort_run {
	FILE *fp;
	char *rec;		/* the current record: header, key, payload */
	size_t cap;
	uint32_t klen, plen;
	int done;
};

void extsort_init(struct extsort *s, const char *dir, size_t budget)
{
	const char *env = getenv("TALLY_SORT_KIB");

	memset(s, 0, sizeof(*s));
	s->dir = xstrdup(dir);
	if (env && *env) {
		char *end;
		unsigned long kib = strtoul(env, &end, 10);

		if (!*end && kib > 0 && kib < (1UL << 30))
			budget = kib * 1024;
	}
	s->budget = budget < 1024 ? 1024 : budget;
}

size_t extsort_runs(const struct extsort *s)
{
	return s->spilled;
}

static int run_error(struct extsort *s, const char *what, struct error *e)
{
	return error_set(e, ERR_IO, "cannot %s a sort file in %s: %s", what,
			 s->dir, errno ? strerror(errno) : "short read");
}

/* a new, empty, unlinked run file */
static struct extsort_run *run_new(struct extsort *s, struct error *e)
{
	char *path = path_join(s->dir, ".sort.XXXXXX");
	struct extsort_run *r;
	int fd = mkstemp(path);
	FILE *fp;

	if (fd < 0) {
		free(path);
		run_error(s, "create", e);
		return NULL;
	}
	unlink(path);
	free(path);
	if (!(fp = fdopen(fd, "w+"))) {
		close(fd);
		run_error(s, "create", e);
		return NULL;
	}
	r = xcalloc(1, sizeof(*r));
	r->fp = fp;
	return r;
}

static void run_free(struct extsort_run *r)
{
	if (r->fp)
		fclose(r->fp);
	free(r->rec);
	free(r);
}

static int run_write(struct extsort *s, struct extsort_run *r, const char *rec,
		     struct error *e)
{
	uint32_t kl, pl;

	memcpy(&kl, rec, 4);
	memcpy(&pl, rec + 4, 4);
	errno = 0;
	if (fwrite(rec, 1, HDR + (size_t)kl + pl, r->fp) != HDR + (size_t)kl + pl)
		return run_error(s, "write", e);
	return 0;
}

/* the run written: flush it and go back to its start for reading */
static int run_rewind(struct extsort *s, struct extsort_run *r, struct error *e)
{
	errno = 0;
	if (fflush(r->fp) || ferror(r->fp))
		return run_error(s, "write", e);
	rewind(r->fp);
	setvbuf(r->fp, NULL, _IOFBF, RUN_BUFFER);
	return 0;
}

/* the run's next record into r->rec, or r->done */
static int run_read(struct extsort *s, struct extsort_run *r, struct error *e)
{
	char hdr[HDR];
	size_t got, n;

	errno = 0;
	got = fread(hdr, 1, HDR, r->fp);
	if (got == 0 && feof(r->fp)) {
		r->done = 1;
		return 0;
	}
	if (got != HDR)
		return run_error(s, "read", e);
	memcpy(&r->klen, hdr, 4);
	memcpy(&r->plen, hdr + 4, 4);
	n = (size_t)r->klen + r->plen;
	if (HDR + n > r->cap) {
		r->cap = HDR + n + 256;
		r->rec = xrealloc(r->rec, r->cap);
	}
	memcpy(r->rec, hdr, HDR);
	if (fread(r->rec + HDR, 1, n, r->fp) != n)
		return run_error(s, "read", e);
	return 0;
}

static int rec_cmp(const char *a, const char *b)
{
	uint32_t ka, kb;
	int c;

	memcpy(&ka, a, 4);
	memcpy(&kb, b, 4);
	c = memcmp(a + HDR, b + HDR, ka < kb ? ka : kb);
	if (c)
		return c;
	return ka < kb ? -1 : ka > kb;
}

static const char *sort_base;	/* qsort has no context argument */

static int off_cmp(const void *x, const void *y)
{
	size_t a = *(const size_t *)x, b = *(const size_t *)y;
	int c = rec_cmp(sort_base + a, sort_base + b);

	/* equal keys: the earlier record (lower offset) first */
	return c ? c : (a > b) - (a < b);
}

static void sort_buffer(struct extsort *s)
{
	if (s->n > 1) {
		sort_base = s->buf;
		qsort(s->off, s->n, sizeof(*s->off), off_cmp);
		sort_base = NULL;
	}
}

/* the buffer sorted into a new run, and the buffer empty again */
static int spill(struct extsort *s, struct error *e)
{
	struct extsort_run *r;

	sort_buffer(s);
	if (!(r = run_new(s, e)))
		return -1;
	XGROW(s->run, s->arun, s->nrun + 1);
	s->run[s->nrun++] = r;
	s->spilled++;
	setvbuf(r->fp, NULL, _IOFBF, RUN_BUFFER);
	for (size_t i = 0; i < s->n; i++)
		if (run_write(s, r, s->buf + s->off[i], e))
			return -1;
	s->n = 0;
	s->used = 0;
	return 0;
}

int extsort_add(struct extsort *s, const void *key, size_t klen,
		const void *payload, size_t plen, struct error *e)
{
	size_t need = HDR + klen + plen;
	uint32_t kl = (uint32_t)klen, pl = (uint32_t)plen;

	if (klen > UINT32_MAX / 2 || plen > UINT32_MAX / 2)
		return error_set(e, ERR_IO, "a sort record of %zu bytes is too large",
				 klen + plen);
	if (s->n && s->used + need + (s->n + 1) * sizeof(*s->off) > s->budget &&
	    spill(s, e))
		return -1;
	if (s->used + need > s->cap) {
		/* the whole budget at once: pages untouched cost nothing */
		size_t cap = s->budget > s->used + need ? s->budget : s->used + need;

		s->buf = xrealloc(s->buf, cap);
		s->cap = cap;
	}
	memcpy(s->buf + s->used, &kl, 4);
	memcpy(s->buf + s->used + 4, &pl, 4);
	if (klen)
		memcpy(s->buf + s->used + HDR, key, klen);
	if (plen)
		memcpy(s->buf + s->used + HDR + klen, payload, plen);
	XGROW(s->off, s->alloc, s->n + 1);
	s->off[s->n++] = s->used;
	s->used += need;
	s->nrecords++;
	return 0;
}

/* --- merging ------------------------------------------------------------------ */

/* run a before run b in the merge: the smaller key, else the older run */
static int heap_less(struct extsort_run **run, size_t a, size_t b)
{
	int c = rec_cmp(run[a]->rec, run[b]->rec);

	return c ? c < 0 : a < b;
}

static void heap_down(struct extsort_run **run, size_t *heap, size_t n, size_t i)
{
	for (;;) {
		size_t l = 2 * i + 1, m = i, t;

		if (l < n && heap_less(run, heap[l], heap[m]))
			m = l;
		if (l + 1 < n && heap_less(run, heap[l + 1], heap[m]))
			m = l + 1;
		if (m == i)
			return;
		t = heap[i];
		heap[i] = heap[m];
		heap[m] = t;
		i = m;
	}
}

struct extsort_merge {
	struct extsort_run **run;
	size_t *heap, n;
	int started;
};

/* start merging run[0..n): each rewound, its first record read */
static int merge_start(struct extsort *s, struct extsort_merge *m,
		       struct extsort_run **run, size_t n, struct error *e)
{
	m->run = run;
	m->heap = xcalloc(n + 1, sizeof(*m->heap));
	m->n = 0;
	m->started = 0;
	for (size_t i = 0; i < n; i++) {
		if (run_rewind(s, run[i], e) || run_read(s, run[i], e))
			return -1;
		if (!run[i]->done)
			m->heap[m->n++] = i;
	}
	for (size_t i = m->n / 2; i-- > 0;)
		heap_down(m->run, m->heap, m->n, i);
	return 0;
}

/* the smallest record left (1), or 0 at the end */
static int merge_next(struct extsort *s, struct extsort_merge *m, const char **rec,
		      struct error *e)
{
	if (m->started && m->n) {
		/* the record given last time is used: move its run on */
		struct extsort_run *r = m->run[m->heap[0]];

		if (run_read(s, r, e))
			return -1;
		if (r->done)
			m->heap[0] = m->heap[--m->n];
		heap_down(m->run, m->heap, m->n, 0);
	}
	m->started = 1;
	if (!m->n)
		return 0;
	*rec = m->run[m->heap[0]]->rec;
	return 1;
}

/* more runs than FANIN: merge consecutive groups of them into one each */
static int cascade(struct extsort *s, struct error *e)
{
	while (s->nrun > FANIN) {
		size_t nnew = 0;

		for (size_t g = 0; g < s->nrun; g += FANIN) {
			size_t n = s->nrun - g < FANIN ? s->nrun - g : FANIN;
			struct extsort_run *out = run_new(s, e);
			struct extsort_merge m;
			const char *rec;
			int r = 0;

			if (!out)
				return -1;
			setvbuf(out->fp, NULL, _IOFBF, RUN_BUFFER);
			if (merge_start(s, &m, s->run + g, n, e))
				r = -1;
			while (!r && (r = merge_next(s, &m, &rec, e)) == 1)
				r = run_write(s, out, rec, e);
			free(m.heap);
			for (size_t i = 0; i < n; i++)
				run_free(s->run[g + i]);
			s->run[nnew++] = out;
			if (r < 0) {
				s->nrun = nnew;
				return -1;
			}
		}
		s->nrun = nnew;
	}
	return 0;
}

static void set_out(const char *rec, const char **key, size_t *klen,
		    const char **payload, size_t *plen)
{
	uint32_t kl, pl;

	memcpy(&kl, rec, 4);
	memcpy(&pl, rec + 4, 4);
	*key = rec + HDR;
	*klen = kl;
	*payload = rec + HDR + kl;
	*plen = pl;
}

int extsort_next(struct extsort *s, const char **key, size_t *klen,
		 const char **payload, size_t *plen, struct error *e)
{
	const char *rec;
	int r;

	if (!s->reading) {
		s->reading = 1;
		if (!s->nrun) {
			sort_buffer(s);
		} else {
			struct extsort_merge *m;

			if (s->n && spill(s, e))
				return -1;
			free(s->buf);
			free(s->off);
			s->buf = NULL;
			s->off = NULL;
			s->cap = s->alloc = 0;
			if (cascade(s, e))
				return -1;
			m = s->merge = xcalloc(1, sizeof(*m));
			if (merge_start(s, m, s->run, s->nrun, e))
				return -1;
		}
	}
	if (!s->nrun) {
		if (s->pos >= s->n)
			return 0;
		set_out(s->buf + s->off[s->pos++], key, klen, payload, plen);
		return 1;
	}
	r = merge_next(s, s->merge, &rec, e);
	if (r == 1)
		set_out(rec, key, klen, payload, plen);
	return r;
}

void extsort_release(struct extsort *s)
{
	if (s->merge) {
		free(s->merge->heap);
		free(s->merge);
	}
	for (size_t i = 0; i < s->nrun; i++)
		run_free(s->run[i]);
	free(s->run);
	free(s->buf);
	free(s->off);
	free(s->dir);
	memset(s, 0, sizeof(*s));
}
