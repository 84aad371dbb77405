/*
 * The workbook's cells: the format cache, rows, the cell writers, a table
 * sheet's header row and its finishing; the contract is in wbcell.h.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <xlsxwriter.h>
#include "csvread.h"
#include "decimal.h"
#include "strbuf.h"
#include "wbcell.h"
#include "banned.h"

#define MAXTEXT 32000		/* bytes of one text cell */

lxw_format *wb_fmt(struct wb *b, enum fkind kind, int exp,
		   lxw_color_t bg, int bold)
{
	struct fmtc *c;
	lxw_format *f;
	size_t i;

	for (i = 0; i < b->nfc; i++) {
		c = &b->fc[i];
		if (c->kind == kind && c->exp == exp && c->bg == bg &&
		    c->bold == bold)
			return c->f;
	}
	if (b->nfc == sizeof(b->fc) / sizeof(*b->fc))
		return NULL;
	f = workbook_add_format(b->w);
	switch (kind) {
	case F_HEAD:
	case F_HEAD_R:
	case F_DAYHEAD:
		format_set_bold(f);
		format_set_bg_color(f, 0xD9E1F2);
		format_set_bottom(f, LXW_BORDER_THIN);
		format_set_text_wrap(f);
		format_set_align(f, LXW_ALIGN_VERTICAL_TOP);
		if (kind == F_HEAD_R)	/* over numbers, which sit right */
			format_set_align(f, LXW_ALIGN_RIGHT);
		if (kind == F_DAYHEAD) {
			format_set_num_format(f, "ddd d");
			format_set_align(f, LXW_ALIGN_CENTER);
		}
		break;
	case F_TITLE:
		format_set_bold(f);
		format_set_font_size(f, 14);
		break;
	case F_LABEL:
		format_set_bold(f);
		break;
	case F_LABEL_R:	/* a label beside the number it names */
		format_set_bold(f);
		format_set_align(f, LXW_ALIGN_RIGHT);
		break;
	case F_DATE:
		format_set_num_format(f, "yyyy-mm-dd");
		format_set_align(f, LXW_ALIGN_LEFT);
		break;
	case F_INT:
		format_set_num_format(f, "#,##0");
		break;
	case F_INT_LEFT:
		format_set_num_format(f, "#,##0");
		format_set_align(f, LXW_ALIGN_LEFT);
		break;
	case F_QTY:
		format_set_num_format(f, "#,##0.##;-#,##0.##;0");
		break;
	case F_QTY4:
		format_set_num_format(f, "#,##0.0000");
		break;
	case F_PRICE:
		format_set_num_format(f, "#,##0.00##");
		break;
	case F_MONEY:
		format_set_num_format(f, exp == 0 ? "#,##0" : exp == 3 ?
				      "#,##0.000" : "#,##0.00");
		break;
	case F_WRAP:	/* a long message: lines within the column */
		format_set_text_wrap(f);
		break;
	case F_LINE:
		format_set_align(f, LXW_ALIGN_LEFT);
		break;
	case F_DIM:
		format_set_font_color(f, 0x808080);
		break;
	case F_CODE:	/* a currency code beside an amount */
		format_set_align(f, LXW_ALIGN_CENTER);
		break;
	case F_TEXT:
		break;
	}
	if (bold)
		format_set_bold(f);
	if (bg)
		format_set_bg_color(f, bg);
	c = &b->fc[b->nfc++];
	c->kind = kind;
	c->exp = exp;
	c->bg = bg;
	c->bold = bold;
	c->f = f;
	return f;
}

int wb_row_next(struct wb *b, struct sheet *s, const char *name)
{
	if (s->full)
		return -1;
	if (b->in->stop && *b->in->stop) {	/* the caller gives up */
		s->full = 1;
		b->stopped = 1;
		return -1;
	}
	if (s->row >= MAXROW) {
		s->full = 1;
		b->cut = name;
		return -1;
	}
	s->row++;
	return 0;
}

static size_t utf8_chars(const char *s, size_t n)
{
	size_t i, c = 0;

	for (i = 0; i < n; i++)
		if (((unsigned char)s[i] & 0xc0) != 0x80)
			c++;
	return c;
}

void wb_widen(struct sheet *s, int col, size_t chars)
{
	if (col < MAXCOL && chars > s->width[col])
		s->width[col] = (unsigned)chars;
}

/* s with invalid UTF-8 bytes replaced by U+FFFD, cut at MAXTEXT bytes */
static const char *clean_text(struct wb *b, const char *s)
{
	size_t n = strlen(s), i = 0;

	if (n <= MAXTEXT && utf8_valid(s, n))
		return s;
	strbuf_reset(&b->text);
	while (i < n && b->text.len < MAXTEXT) {
		unsigned c = (unsigned char)s[i];
		size_t k = c < 0x80 ? 1 : (c & 0xe0) == 0xc0 ? 2 :
			   (c & 0xf0) == 0xe0 ? 3 : (c & 0xf8) == 0xf0 ? 4 : 0;

		if (k && i + k <= n && utf8_valid(s + i, k)) {
			strbuf_add(&b->text, s + i, k);
			i += k;
		} else {
			strbuf_addstr(&b->text, "\xef\xbf\xbd");
			i++;
		}
	}
	if (i < n)
		strbuf_addstr(&b->text, " [cut]");
	return b->text.buf;
}

/* text is always a string cell: never a formula, number or date */
void cell_str(struct wb *b, struct sheet *s, int col, const char *v,
	      lxw_format *f)
{
	const char *t;

	if (s->full)
		return;
	if (!v || !*v) {
		if (f)
			worksheet_write_blank(s->ws, s->row, (lxw_col_t)col, f);
		return;
	}
	t = clean_text(b, v);
	worksheet_write_string(s->ws, s->row, (lxw_col_t)col, t, f);
	wb_widen(s, col, utf8_chars(t, strlen(t)));
}

void cell_wrap(struct wb *b, struct sheet *s, int col, const char *v,
	       lxw_format *f)
{
	size_t cap = col < MAXCOL && s->cap[col] ? s->cap[col] : 60, lines;

	cell_str(b, s, col, v, f);
	if (s->full || !v)
		return;
	/* a character is narrower than the width unit (a digit), so this
	 * many lines hold v even with words carried to the next line */
	lines = (utf8_chars(v, strlen(v)) + cap - 1) / cap;
	if (lines > 27)		/* 409 points, the tallest a row is */
		lines = 27;
	if (lines > 1)
		worksheet_set_row(s->ws, s->row, 15.0 * (double)lines, NULL);
}

/* digits and separators of v / 10^exp shown with `shown` decimals */
static size_t num_chars(int64_t v, int shown)
{
	uint64_t a = v < 0 ? -(uint64_t)v : (uint64_t)v;
	size_t d = 1;

	(void)shown;
	while (a >= 10) {
		a /= 10;
		d++;
	}
	return d + (d - 1) / 3 + (v < 0) + 2;
}

/*
 * The exact decimal v / 10^exp as a number cell: converted to double here
 * and nowhere else (one correctly rounded IEEE division).
 */
void cell_dec(struct wb *b, struct sheet *s, int col, int64_t v,
	      int exp, lxw_format *f, int shown)
{
	if (s->full)
		return;
	worksheet_write_number(s->ws, s->row, (lxw_col_t)col,
			       (double)v / (double)dec_pow10(exp), f);
	wb_widen(s, col, num_chars(v / dec_pow10(exp), shown) + (size_t)shown);
}

void cell_date(struct wb *b, struct sheet *s, int col, int32_t day,
	       lxw_format *f)
{
	if (s->full)
		return;
	worksheet_write_number(s->ws, s->row, (lxw_col_t)col,
			       (double)(day + EXCEL_1970), f);
	wb_widen(s, col, 10);
}

/* a quantity from a month file ("12.3456"): a number cell, else its text */
void cell_qtytext(struct wb *b, struct sheet *s, int col,
		  const char *v, lxw_format *f, int shown)
{
	int64_t q;

	if (!*v)
		return;
	if (dec_parse_text(v, 4, &q) == 0)
		cell_dec(b, s, col, q, 4, f, shown);
	else
		cell_str(b, s, col, v, NULL);
}

/* a line number from a month file: a number cell, else its text */
void cell_line(struct wb *b, struct sheet *s, int col, const char *v,
	       lxw_format *f)
{
	int64_t n;

	if (*v && dec_parse(v, strlen(v), 0, &n, NULL) == 0)
		cell_dec(b, s, col, n, 0, f, 0);
	else
		cell_str(b, s, col, v, f);
}

/* the header row; columns in the bit mask numeric are right-aligned */
void wb_header(struct wb *b, struct sheet *s, const char *const *h,
	       int n, unsigned numeric)
{
	int i;

	/* two lines: long headers wrap instead of widening number columns */
	worksheet_set_row(s->ws, 0, 30, NULL);
	for (i = 0; i < n; i++) {
		const char *sp = strchr(h[i], ' ');
		size_t w = strlen(h[i]);

		/* a long header wraps at its first blank: size for the
		 * longer half */
		if (sp && w > 16) {
			size_t a = (size_t)(sp - h[i]), c = w - a - 1;
			w = a > c ? a : c;
		}
		worksheet_write_string(s->ws, 0, (lxw_col_t)i, h[i],
				       wb_fmt(b, numeric >> i & 1 ? F_HEAD_R : F_HEAD,
					      0, 0, 0));
		wb_widen(s, i, w + 3);	/* room for the filter button */
	}
}

/* sizes, frozen header, filter over rows 0..last */
void wb_finish_table(struct sheet *s, int ncol, int freeze_cols,
		     lxw_row_t last)
{
	int i;

	for (i = 0; i < ncol && i < MAXCOL; i++) {
		double w = s->width[i] + 1, cap = s->cap[i] ? s->cap[i] : 60;

		if (w > cap)
			w = cap;
		worksheet_set_column(s->ws, (lxw_col_t)i, (lxw_col_t)i, w, NULL);
	}
	/* numbers are number cells: a text cell that looks like one is an
	 * id or a line of a file, text on purpose */
	worksheet_ignore_errors(s->ws, LXW_IGNORE_NUMBER_STORED_AS_TEXT,
				"A1:XFD1048576");
	worksheet_freeze_panes(s->ws, 1, (lxw_col_t)freeze_cols);
	worksheet_autofilter(s->ws, 0, 0, last ? last : 1,
			     (lxw_col_t)(ncol - 1));
	worksheet_repeat_rows(s->ws, 0, 0);
	worksheet_set_landscape(s->ws);
	worksheet_fit_to_pages(s->ws, 1, 0);
}
