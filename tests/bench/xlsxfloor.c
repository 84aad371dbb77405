/*
 * xlsxfloor ROWS COLS FILE: the least a libxlsxwriter workbook of that size
 * costs, for `make bench` to print beside the real workbook. One sheet,
 * constant-memory mode as export uses, every cell a small whole number
 * with no format: no text, no styles, no other sheet. Times itself (wall
 * milliseconds on stdout) and removes FILE.
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>
#include <xlsxwriter.h>

int main(int argc, char **argv)
{
	lxw_workbook_options opt = { .constant_memory = LXW_TRUE };
	lxw_workbook *wb;
	lxw_worksheet *ws;
	struct timespec t0, t1;
	long rows, cols, r, c;

	if (argc != 4) {
		fprintf(stderr, "usage: xlsxfloor ROWS COLS FILE\n");
		return 2;
	}
	rows = atol(argv[1]);
	cols = atol(argv[2]);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	wb = workbook_new_opt(argv[3], &opt);
	ws = wb ? workbook_add_worksheet(wb, "Daily") : NULL;
	if (!ws) {
		fprintf(stderr, "xlsxfloor: %s: cannot create\n", argv[3]);
		return 3;
	}
	for (r = 0; r < rows; r++)
		for (c = 0; c < cols; c++)
			worksheet_write_number(ws, (lxw_row_t)r, (lxw_col_t)c,
					       100 + (r * 7 + c) % 400, NULL);
	if (workbook_close(wb) != LXW_NO_ERROR) {
		fprintf(stderr, "xlsxfloor: %s: cannot write\n", argv[3]);
		return 3;
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	unlink(argv[3]);
	printf("%lld\n", (long long)(t1.tv_sec - t0.tv_sec) * 1000 +
			     (t1.tv_nsec - t0.tv_nsec) / 1000000);
	return 0;
}
