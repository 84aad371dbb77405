/*
 * csvfloor FILE...: the least libcsv needs to parse the files, for `make
 * bench` to print beside extract (README.md, "Speed and size"): each file
 * read in 64 KiB blocks and parsed with callbacks that only count fields
 * and rows, one file after another on one core. Prints the wall
 * milliseconds on stdout, then the rows and fields on stderr.
 */
#include <fcntl.h>
#include <stdio.h>
#include <time.h>
#include <unistd.h>
#include <csv.h>

static long long fields, rows;

static void on_field(void *s, size_t n, void *data)
{
	(void)s;
	(void)n;
	(void)data;
	fields++;
}

static void on_row(int c, void *data)
{
	(void)c;
	(void)data;
	rows++;
}

int main(int argc, char **argv)
{
	static char buf[1 << 16];
	struct timespec t0, t1;
	struct csv_parser p;
	int i;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (i = 1; i < argc; i++) {
		int fd = open(argv[i], O_RDONLY);
		ssize_t n;

		if (fd < 0 || csv_init(&p, CSV_APPEND_NULL) != 0) {
			fprintf(stderr, "csvfloor: %s: cannot read\n", argv[i]);
			return 3;
		}
		while ((n = read(fd, buf, sizeof(buf))) > 0)
			if (csv_parse(&p, buf, (size_t)n, on_field, on_row,
				      NULL) != (size_t)n) {
				fprintf(stderr, "csvfloor: %s: %s\n", argv[i],
					csv_strerror(csv_error(&p)));
				return 3;
			}
		csv_fini(&p, on_field, on_row, NULL);
		csv_free(&p);
		close(fd);
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	printf("%lld\n", (long long)(t1.tv_sec - t0.tv_sec) * 1000 +
			     (t1.tv_nsec - t0.tv_nsec) / 1000000);
	fprintf(stderr, "csvfloor: %lld rows, %lld fields\n", rows, fields);
	return 0;
}
