/*
 * The extract stage's series table: the contract is exseries.h.
 */
#include <stdlib.h>
#include <string.h>
#include "exseries.h"
#include "money.h"
#include "xalloc.h"
#include "banned.h"

/* arena.c's: every block given back, the chunks kept (not in arena.h) */
void arena_reset(struct arena *a);

/* the series table: open addressing, linear probing, at most half full */
struct exseries_slot {
	uint64_t hash;
	struct exseries *s;
};

void exseries_init(struct exseries_table *t)
{
	memset(t, 0, sizeof(*t));
	arena_init(&t->arena);
	arena_init(&t->ent_arena);
	strbuf_init(&t->key);
}

void exseries_init_compact(struct exseries_table *t)
{
	exseries_init(t);
	t->compact = 1;
}

/* a fast 64-bit hash of the key, 8 bytes at a time */
static uint64_t key_hash(const char *s, size_t n)
{
	uint64_t h = 0x9e3779b97f4a7c15ULL ^ n, w;

	while (n >= 8) {
		memcpy(&w, s, 8);
		h = (h ^ w) * 0xff51afd7ed558ccdULL;
		h ^= h >> 32;
		s += 8;
		n -= 8;
	}
	w = 0;
	memcpy(&w, s, n);
	h = (h ^ w) * 0xc4ceb9fe1a85ec53ULL;
	h ^= h >> 29;
	h *= 0xff51afd7ed558ccdULL;
	return h ^ (h >> 32);
}

static void table_grow(struct exseries_table *t)
{
	size_t cap = t->cap ? t->cap * 2 : 1024, i, j;
	struct exseries_slot *n = xcalloc(cap, sizeof(*n));

	for (i = 0; i < t->cap; i++) {
		if (!t->tab[i].s)
			continue;
		for (j = t->tab[i].hash & (cap - 1); n[j].s; j = (j + 1) & (cap - 1))
			;
		n[j] = t->tab[i];
	}
	free(t->tab);
	t->tab = n;
	t->cap = cap;
}

static void *carve(struct exseries_table *t, size_t n)
{
	t->bytes += (n + 15) & ~(size_t)15;
	return arena_alloc(&t->arena, n);
}

static struct exseries *series_new(struct exseries_table *t, uint64_t h,
				   size_t vn, size_t an)
{
	size_t kl = t->key.len + 1;
	size_t koff = (sizeof(struct exseries) + 7) & ~(size_t)7;
	size_t doff = (koff + kl + 15) & ~(size_t)15;
	size_t size = t->compact ? koff + kl :
		      doff + EXSERIES_DAYS * sizeof(struct exseries_day);
	char *block = carve(t, size);
	struct exseries *s = (struct exseries *)block;

	memcpy(block + koff, t->key.buf, kl);
	s->hash = h;
	s->klen = (uint32_t)t->key.len;
	s->vendor = block + koff;
	s->aoff = (uint32_t)(vn + 1);
	s->soff = (uint32_t)(vn + 1 + an + 1);
	if (!t->compact)
		s->day = (struct exseries_day *)(block + doff);
	XGROW(t->all, t->alloc, t->n + 1);
	t->all[t->n++] = s;
	return s;
}

struct exseries *exseries_get(struct exseries_table *t, const char *vendor,
			      size_t vn, const char *acc, size_t an,
			      const char *sku, size_t sn, int *created)
{
	struct strbuf *k = &t->key;
	struct exseries *s;
	uint64_t h;
	size_t i;

	strbuf_reset(k);
	strbuf_grow(k, vn + an + sn + 2);
	memcpy(k->buf, vendor, vn);
	k->buf[vn] = '\0';
	memcpy(k->buf + vn + 1, acc, an);
	k->buf[vn + 1 + an] = '\0';
	memcpy(k->buf + vn + an + 2, sku, sn);
	k->len = vn + an + sn + 2;
	k->buf[k->len] = '\0';
	*created = 0;
	/* exports are often grouped by series: try the previous row's */
	if (t->last && t->last->klen == k->len &&
	    !memcmp(t->last->vendor, k->buf, k->len))
		return t->last;
	if ((t->n + 1) * 2 > t->cap)
		table_grow(t);
	h = key_hash(k->buf, k->len);
	for (i = h & (t->cap - 1); (s = t->tab[i].s); i = (i + 1) & (t->cap - 1))
		if (t->tab[i].hash == h && s->klen == k->len &&
		    !memcmp(s->vendor, k->buf, k->len))
			return t->last = s;
	s = series_new(t, h, vn, an);
	t->tab[i].hash = h;
	t->tab[i].s = s;
	*created = 1;
	return t->last = s;
}

void exseries_name(struct exseries_table *t, char **name, const char *s,
		   size_t n)
{
	if (!t->compact) {
		*name = xstrndup(s, n);
		return;
	}
	/* in the arena: a compact table's names go with its series */
	*name = carve(t, n + 1);
	memcpy(*name, s, n);
}

size_t exseries_bytes(const struct exseries_table *t)
{
	return t->bytes + t->ent_bytes + t->cap * sizeof(*t->tab) +
	       t->alloc * sizeof(*t->all);
}

size_t exseries_ent_bytes(const struct exseries_table *t)
{
	return t->ent_bytes;
}

/* --- entries ------------------------------------------------------------ */

/*
 * An entry is a byte, then varints (7 bits a byte, the low ones first):
 *
 *   0 L D dddd   a day's row (L: a later one), day ddddd, then its count
 *                (divided by 10000 when D: most counts are whole) and the
 *                line's distance from the entry before (zigzag)
 *   1000000 M    a monthly series' later row: its licence-days, max
 *                (when M) and line distance
 *   10000010     a row whose price was not understood: the line
 *                distance, the text's length and the text
 */
#define E_LATER 0x40
#define E_DIV 0x20
#define E_MONTH 0x80
#define E_BAD 0x82
#define QTY_WHOLE 10000

static size_t put_varint(unsigned char *p, uint64_t v)
{
	size_t n = 0;

	while (v >= 0x80) {
		p[n++] = (unsigned char)(v | 0x80);
		v >>= 7;
	}
	p[n++] = (unsigned char)v;
	return n;
}

/* 0 at the end of the buffer or on a varint too long */
static int get_varint(const unsigned char *p, size_t n, size_t *pos,
		      uint64_t *v)
{
	uint64_t r = 0;

	for (int shift = 0; shift < 64 && *pos < n; shift += 7) {
		unsigned char b = p[(*pos)++];

		r |= (uint64_t)(b & 0x7f) << shift;
		if (!(b & 0x80)) {
			*v = r;
			return 1;
		}
	}
	return 0;
}

static uint64_t zigzag(long d)
{
	return d < 0 ? ((uint64_t)-(d + 1) << 1) | 1 : (uint64_t)d << 1;
}

static long unzigzag(uint64_t v)
{
	return v & 1 ? -(long)(v >> 1) - 1 : (long)(v >> 1);
}

/* room for n more bytes of entries: buffers by 32 bytes, reused */
static void ent_room(struct exseries_table *t, struct exseries *s, size_t n)
{
	size_t need = (size_t)s->elen + n, cap, c;
	unsigned char *b;

	if (need <= s->ecap)
		return;
	cap = (need + 31) & ~(size_t)31;
	c = cap / 32 - 1;
	if (c < EXSERIES_CLASSES && t->free_ent[c]) {
		b = t->free_ent[c];
		memcpy(&t->free_ent[c], b, sizeof(void *));
	} else {
		if (c >= EXSERIES_CLASSES && cap < 2 * (size_t)s->ecap)
			cap = 2 * (size_t)s->ecap;
		t->ent_bytes += cap;
		b = arena_alloc(&t->ent_arena, cap);
	}
	if (s->elen)
		memcpy(b, s->ent, s->elen);
	c = s->ecap / 32 - 1;
	if (s->ecap && c < EXSERIES_CLASSES) {
		memcpy(s->ent, &t->free_ent[c], sizeof(void *));
		t->free_ent[c] = s->ent;
	}
	s->ent = b;
	s->ecap = (uint32_t)cap;
}

static size_t put_qty(unsigned char *p, unsigned char *head, int64_t q)
{
	if (q >= 0 && q % QTY_WHOLE == 0) {
		*head |= E_DIV;
		return put_varint(p, (uint64_t)(q / QTY_WHOLE));
	}
	return put_varint(p, (uint64_t)q);
}

void exseries_ent_add(struct exseries_table *t, struct exseries *s,
		      const struct exseries_ent *e)
{
	unsigned char buf[40], *p = buf + 1;

	switch (e->kind) {
	case EXENT_DAY:
	case EXENT_DAY_LATER:
		buf[0] = (unsigned char)e->day |
			 (e->kind == EXENT_DAY_LATER ? E_LATER : 0);
		p += put_qty(p, buf, e->q);
		break;
	case EXENT_MONTH_LATER:
		buf[0] = E_MONTH | (e->has_max ? 1 : 0);
		p += put_varint(p, (uint64_t)e->q);
		if (e->has_max)
			p += put_varint(p, (uint64_t)e->max);
		break;
	case EXENT_BAD_PRICE:
		buf[0] = E_BAD;
		break;
	}
	p += put_varint(p, zigzag(e->line - s->last));
	s->last = e->line;
	if (e->kind == EXENT_BAD_PRICE)
		p += put_varint(p, e->vn);
	ent_room(t, s, (size_t)(p - buf) + (e->kind == EXENT_BAD_PRICE ? e->vn : 0));
	memcpy(s->ent + s->elen, buf, (size_t)(p - buf));
	s->elen += (uint32_t)(p - buf);
	if (e->kind == EXENT_BAD_PRICE) {
		memcpy(s->ent + s->elen, e->v, e->vn);
		s->elen += (uint32_t)e->vn;
	}
	if (e->kind == EXENT_DAY)
		s->mask |= 1u << e->day;
}

int exseries_ent_next(const unsigned char *buf, size_t n, size_t *pos,
		      long *last, struct exseries_ent *e)
{
	uint64_t v, d;
	unsigned char h;

	if (*pos >= n)
		return 0;
	memset(e, 0, sizeof(*e));
	h = buf[(*pos)++];
	if (!(h & E_MONTH)) {
		e->kind = h & E_LATER ? EXENT_DAY_LATER : EXENT_DAY;
		e->day = h & 0x1f;
		if (!get_varint(buf, n, pos, &v))
			return 0;
		e->q = h & E_DIV ? (int64_t)v * QTY_WHOLE : (int64_t)v;
	} else if (h == E_BAD) {
		e->kind = EXENT_BAD_PRICE;
	} else {
		e->kind = EXENT_MONTH_LATER;
		if (!get_varint(buf, n, pos, &v))
			return 0;
		e->q = (int64_t)v;
		e->has_max = h & 1;
		if (e->has_max) {
			if (!get_varint(buf, n, pos, &v))
				return 0;
			e->max = (int64_t)v;
		}
	}
	if (!get_varint(buf, n, pos, &d))
		return 0;
	*last += unzigzag(d);
	e->line = *last;
	if (e->kind == EXENT_BAD_PRICE) {
		if (!get_varint(buf, n, pos, &v) || v > n - *pos)
			return 0;
		e->v = (const char *)buf + *pos;
		e->vn = (size_t)v;
		*pos += (size_t)v;
	}
	return 1;
}

int exseries_day_find(const struct exseries_table *t, const struct exseries *s,
		      int i, int64_t *q, long *line)
{
	struct exseries_ent e;
	size_t pos = 0;
	long last = 0;

	if (!t->compact) {
		*q = s->day[i].q;
		*line = (long)s->day[i].line;
		return s->day[i].line != 0;
	}
	if (!(s->mask >> i & 1))
		return 0;
	while (exseries_ent_next(s->ent, s->elen, &pos, &last, &e))
		if (e.kind == EXENT_DAY && e.day == i) {
			*q = e.q;
			*line = e.line;
			return 1;
		}
	return 0;
}

void exseries_day_add(struct exseries_table *t, struct exseries *s, int i,
		      int64_t q, long line)
{
	struct exseries_ent e = { .kind = EXENT_DAY, .day = i, .q = q,
				  .line = line };

	if (!t->compact) {
		s->day[i].q = q;
		s->day[i].line = line;
		return;
	}
	exseries_ent_add(t, s, &e);
}

/* --- records ------------------------------------------------------------ */

/*
 * A record: the first line, a byte of flags, then what they say is there:
 * the names (length, bytes), the price and its currency's code (length,
 * bytes), the month's licence-days and max, and last the entries (their
 * length and bytes, read with exseries_ent_next).
 */
#define R_PRICE 1
#define R_MAX 2
#define R_ANAME 4
#define R_SNAME 8
#define R_CUR 16
#define R_MONTH 32
#define R_CONT 64

static void put(struct strbuf *out, uint64_t v)
{
	unsigned char b[10];

	strbuf_add(out, b, put_varint(b, v));
}

static void put_text(struct strbuf *out, const char *s, size_t n)
{
	put(out, n);
	if (n)	/* s may be NULL then: no entries */
		strbuf_add(out, s, n);
}

void exseries_encode(const struct exseries *s, struct strbuf *out)
{
	unsigned char f = (s->has_price ? R_PRICE : 0) | (s->has_max ? R_MAX : 0) |
			  (s->account_name ? R_ANAME : 0) |
			  (s->sku_name ? R_SNAME : 0) |
			  (s->has_price && s->cur ? R_CUR : 0) |
			  (s->total || s->max ? R_MONTH : 0) |
			  (s->written ? R_CONT : 0);

	put(out, (uint64_t)s->line);
	strbuf_addch(out, (char)f);
	if (s->account_name)
		put_text(out, s->account_name, strlen(s->account_name));
	if (s->sku_name)
		put_text(out, s->sku_name, strlen(s->sku_name));
	if (f & R_PRICE)
		put(out, (uint64_t)s->price);
	if (f & R_CUR)
		put_text(out, s->cur->code, strlen(s->cur->code));
	if (f & R_MONTH) {
		put(out, (uint64_t)s->total);
		put(out, (uint64_t)s->max);
	}
	put_text(out, (const char *)s->ent, s->elen);
}

static int get_text(const unsigned char *p, size_t n, size_t *pos,
		    const char **s, size_t *len)
{
	uint64_t v;

	if (!get_varint(p, n, pos, &v) || v > n - *pos)
		return -1;
	*s = (const char *)p + *pos;
	*len = (size_t)v;
	*pos += (size_t)v;
	return 0;
}

int exseries_decode(const char *buf, size_t n, struct exseries_rec *r)
{
	const unsigned char *p = (const unsigned char *)buf;
	size_t pos = 0, len;
	const char *s;
	uint64_t v;
	unsigned char f;

	memset(r, 0, sizeof(*r));
	if (!get_varint(p, n, &pos, &v) || pos >= n)
		return -1;
	r->line = (long)v;
	f = p[pos++];
	r->has_price = !!(f & R_PRICE);
	r->has_max = !!(f & R_MAX);
	r->cont = !!(f & R_CONT);
	if ((f & R_ANAME) && get_text(p, n, &pos, &r->account_name, &r->an))
		return -1;
	if ((f & R_SNAME) && get_text(p, n, &pos, &r->sku_name, &r->sn))
		return -1;
	if (f & R_PRICE) {
		if (!get_varint(p, n, &pos, &v))
			return -1;
		r->price = (int64_t)v;
	}
	if (f & R_CUR) {
		char code[16];

		if (get_text(p, n, &pos, &s, &len) || len >= sizeof(code))
			return -1;
		memcpy(code, s, len);
		code[len] = '\0';
		if (!(r->cur = currency_find(code)))
			return -1;
	}
	if (f & R_MONTH) {
		if (!get_varint(p, n, &pos, &v))
			return -1;
		r->total = (int64_t)v;
		if (!get_varint(p, n, &pos, &v))
			return -1;
		r->max = (int64_t)v;
	}
	if (get_text(p, n, &pos, &s, &r->elen))
		return -1;
	r->ent = (const unsigned char *)s;
	return pos == n ? 0 : -1;
}

/* --- the whole table ---------------------------------------------------- */

static int by_key(const void *a, const void *b)
{
	const struct exseries *s = *(struct exseries *const *)a;
	const struct exseries *t = *(struct exseries *const *)b;
	size_t n = s->klen < t->klen ? s->klen : t->klen;
	int c = memcmp(s->vendor, t->vendor, n);

	return c ? c : (s->klen > t->klen) - (s->klen < t->klen);
}

void exseries_sort(struct exseries_table *t)
{
	if (t->n > 1)	/* qsort(NULL, 0) is undefined */
		qsort(t->all, t->n, sizeof(*t->all), by_key);
}

static void free_names(struct exseries_table *t)
{
	if (t->compact)
		return;	/* in the arena */
	for (size_t i = 0; i < t->n; i++) {
		free(t->all[i]->account_name);
		free(t->all[i]->sku_name);
	}
}

void exseries_reset(struct exseries_table *t)
{
	free_names(t);
	t->n = 0;
	t->last = NULL;
	if (t->tab)
		memset(t->tab, 0, t->cap * sizeof(*t->tab));
	arena_reset(&t->arena);
	arena_reset(&t->ent_arena);
	memset(t->free_ent, 0, sizeof(t->free_ent));
	t->bytes = t->ent_bytes = 0;
}

void exseries_drop_entries(struct exseries_table *t)
{
	for (size_t i = 0; i < t->n; i++) {
		struct exseries *s = t->all[i];

		s->ent = NULL;
		s->elen = s->ecap = 0;
		s->mask = 0;
		s->last = 0;
		s->written = 1;
	}
	arena_reset(&t->ent_arena);
	memset(t->free_ent, 0, sizeof(t->free_ent));
	t->ent_bytes = 0;
}

void exseries_release(struct exseries_table *t)
{
	free_names(t);
	free(t->all);
	free(t->tab);
	arena_release(&t->arena);
	arena_release(&t->ent_arena);
	strbuf_release(&t->key);
}
