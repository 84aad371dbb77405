/*
 * xlsxfloor IN.xlsx OUT.xlsx: the least libxlsxwriter needs to write the
 * cells of the workbook IN (reconciliation-M.xlsx as export wrote it), for
 * `make bench` to print beside the real workbook (README.md, "Speed and
 * size"). Every sheet of IN, in its order and with its name, with the same
 * cells: the same numbers (the text of each <v>, read back as a double)
 * and the same strings, in constant-memory mode as export uses, but no
 * format, no column width, no frozen pane or filter, no chart, no blank
 * cell (a blank with only a format is no cell without the format).
 *
 * First IN's cells are read into a temporary file of records (untimed),
 * then the workbook OUT is written from it: that part alone is timed,
 * wall milliseconds on stdout (the records come from the page cache, a
 * few tens of milliseconds for this month). OUT is removed.
 *
 * The sheets are read as libxlsxwriter writes them: <c r="A1" ...> with an
 * optional t="inlineStr" (then <is><t>text</t></is>) or a <v> number; the
 * five XML entities are undone. A formula or other type stops it.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <xlsxwriter.h>
#include <zip.h>

#define MAXSHEETS 64

static void fail(const char *what)
{
	fprintf(stderr, "xlsxfloor: %s\n", what);
	exit(3);
}

/* a whole entry of the archive, NUL-terminated; NULL when not there */
static char *entry(zip_t *za, const char *name, size_t *len)
{
	zip_stat_t st;
	zip_file_t *zf;
	char *buf;

	if (zip_stat(za, name, 0, &st) || !(zf = zip_fopen(za, name, 0)))
		return NULL;
	buf = malloc(st.size + 1);
	if (!buf || zip_fread(zf, buf, st.size) != (zip_int64_t)st.size)
		fail("cannot read the workbook");
	zip_fclose(zf);
	buf[st.size] = 0;
	*len = st.size;
	return buf;
}

/* s[0..n) with the XML entities undone, into out (NUL-terminated) */
static size_t unescape(const char *s, size_t n, char *out)
{
	static const struct { const char *e; char c; } ents[] = {
		{ "&amp;", '&' }, { "&lt;", '<' }, { "&gt;", '>' },
		{ "&quot;", '"' }, { "&apos;", '\'' },
	};
	size_t i = 0, k = 0, j;

	while (i < n) {
		if (s[i] == '&') {
			for (j = 0; j < 5; j++) {
				size_t el = strlen(ents[j].e);

				if (i + el <= n && !memcmp(s + i, ents[j].e, el)) {
					out[k++] = ents[j].c;
					i += el;
					break;
				}
			}
			if (j < 5)
				continue;
		}
		out[k++] = s[i++];
	}
	out[k] = 0;
	return k;
}

/* "AK12" -> col 36, row 11 */
static void cellref(const char *p, uint32_t *row, uint32_t *col)
{
	uint32_t c = 0, r = 0;

	while (*p >= 'A' && *p <= 'Z')
		c = c * 26 + (uint32_t)(*p++ - 'A' + 1);
	while (*p >= '0' && *p <= '9')
		r = r * 10 + (uint32_t)(*p++ - '0');
	*col = c - 1;
	*row = r - 1;
}

/*
 * The records: a sheet starts with 'S' u32 namelen name; a cell is 'N'
 * u32 row u32 col double, or 'T' u32 row u32 col u32 len text.
 */
static void put(FILE *fp, const void *p, size_t n)
{
	if (fwrite(p, 1, n, fp) != n)
		fail("cannot write the records");
}

static void read_sheet(const char *x, FILE *rec, char *tmp)
{
	const char *p = strstr(x, "<sheetData");

	while (p && (p = strstr(p, "<c r=\""))) {
		const char *end = strchr(p, '>'), *q;
		uint32_t row, col, len;
		int str;

		if (!end)
			fail("a cell without its end");
		cellref(p + 6, &row, &col);
		str = 0;
		for (q = p; q < end; q++)
			if (!strncmp(q, " t=\"", 4)) {
				if (strncmp(q + 4, "inlineStr\"", 10))
					fail("a cell of a type not written by export");
				str = 1;
			}
		if (end[-1] == '/') {	/* a blank: no cell on the floor */
			p = end;
			continue;
		}
		if (str) {
			/* <t> or <t xml:space="preserve"> */
			const char *t = strstr(end, "<t"), *te;

			if (!t || !(t = strchr(t, '>')) || !(te = strstr(t, "</t>")))
				fail("a string cell without its text");
			t -= 2;
			len = (uint32_t)unescape(t + 3, (size_t)(te - t - 3), tmp);
			put(rec, "T", 1);
			put(rec, &row, 4);
			put(rec, &col, 4);
			put(rec, &len, 4);
			put(rec, tmp, len);
			p = te;
		} else {
			const char *v = strstr(end, "<v>");
			double d;

			if (!v || strncmp(end, "><v>", 4))
				fail("a cell neither number nor string (a formula?)");
			d = strtod(v + 3, NULL);
			put(rec, "N", 1);
			put(rec, &row, 4);
			put(rec, &col, 4);
			put(rec, &d, sizeof(d));
			p = v;
		}
	}
}

static void get(FILE *fp, void *p, size_t n)
{
	if (fread(p, 1, n, fp) != n)
		fail("cannot read the records");
}

int main(int argc, char **argv)
{
	lxw_workbook_options opt = { .constant_memory = LXW_TRUE,
				     .use_zip64 = LXW_TRUE };
	lxw_workbook *wb;
	lxw_worksheet *ws = NULL;
	struct timespec t0, t1;
	zip_t *za;
	FILE *rec;
	char name[64], *wbx, *p, *tmp;
	size_t len, maxlen = 1 << 20;
	int err, n, i;

	if (argc != 3) {
		fprintf(stderr, "usage: xlsxfloor IN.xlsx OUT.xlsx\n");
		return 2;
	}
	za = zip_open(argv[1], ZIP_RDONLY, &err);
	if (!za)
		fail("cannot open the workbook");
	rec = tmpfile();
	tmp = malloc(maxlen);
	if (!rec || !tmp)
		fail("no temporary file");
	wbx = entry(za, "xl/workbook.xml", &len);
	if (!wbx)
		fail("no xl/workbook.xml");
	/* the sheets in order: <sheet name="..." sheetId= r:id="rIdN"/>, and
	 * libxlsxwriter's sheetN.xml is the Nth */
	for (p = wbx, n = 1; (p = strstr(p, "<sheet name=\"")); n++) {
		char part[64], *x;
		const char *e = strchr(p + 13, '"');
		uint32_t nl;

		if (!e || n > MAXSHEETS)
			fail("xl/workbook.xml: a sheet without a name");
		nl = (uint32_t)unescape(p + 13, (size_t)(e - p - 13), tmp);
		put(rec, "S", 1);
		put(rec, &nl, 4);
		put(rec, tmp, nl);
		snprintf(part, sizeof(part), "xl/worksheets/sheet%d.xml", n);
		x = entry(za, part, &len);
		if (!x)
			fail("a sheet of xl/workbook.xml is not in the archive");
		if (len + 1 > maxlen) {
			maxlen = len + 1;
			tmp = realloc(tmp, maxlen);
			if (!tmp)
				fail("out of memory");
		}
		read_sheet(x, rec, tmp);
		free(x);
		p = (char *)e;
	}
	free(wbx);
	zip_close(za);
	rewind(rec);

	clock_gettime(CLOCK_MONOTONIC, &t0);
	wb = workbook_new_opt(argv[2], &opt);
	if (!wb)
		fail("cannot create the floor's workbook");
	for (;;) {
		uint32_t row, col, l;
		int c = getc(rec);
		double d;

		if (c == EOF)
			break;
		if (c == 'S') {
			get(rec, &l, 4);
			get(rec, tmp, l);
			tmp[l] = 0;
			snprintf(name, sizeof(name), "%s", tmp);
			ws = workbook_add_worksheet(wb, name);
			if (!ws)
				fail("cannot add a sheet");
			continue;
		}
		get(rec, &row, 4);
		get(rec, &col, 4);
		if (c == 'N') {
			get(rec, &d, sizeof(d));
			worksheet_write_number(ws, row, (lxw_col_t)col, d, NULL);
		} else {
			get(rec, &l, 4);
			get(rec, tmp, l);
			tmp[l] = 0;
			worksheet_write_string(ws, row, (lxw_col_t)col, tmp, NULL);
		}
	}
	if (workbook_close(wb) != LXW_NO_ERROR)
		fail("cannot write the floor's workbook");
	clock_gettime(CLOCK_MONOTONIC, &t1);
	fclose(rec);
	free(tmp);
	unlink(argv[2]);
	i = (int)((t1.tv_sec - t0.tv_sec) * 1000 +
		  (t1.tv_nsec - t0.tv_nsec) / 1000000);
	printf("%d\n", i);
	return 0;
}
