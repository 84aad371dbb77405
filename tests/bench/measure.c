/*
 * measure STAGE CMD ARGS...: run CMD, then append to $TALLY_BENCH_LOG one
 * line "STAGE wall_ms maxrss_kib input_bytes input_rows cpu_ms" (inputs:
 * the arguments that are readable regular files, rows = their newlines;
 * cpu_ms: user and system time, which other work on a shared machine
 * changes less than the wall time).
 * Used by `make bench` through the Makefile's RUN variable.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int main(int argc, char **argv)
{
	struct rusage ru;
	long long t0, t1, bytes = 0, rows = 0;
	const char *log = getenv("TALLY_BENCH_LOG");
	int status, i;
	pid_t pid;

	if (argc < 3) {
		fprintf(stderr, "usage: measure STAGE CMD [ARGS...]\n");
		return 2;
	}
	t0 = now_ms();
	pid = fork();
	if (pid == 0) {
		execv(argv[2], argv + 2);
		fprintf(stderr, "measure: %s: %s\n", argv[2], strerror(errno));
		_exit(127);
	}
	if (pid < 0 || wait4(pid, &status, 0, &ru) < 0) {
		perror("measure");
		return 3;
	}
	t1 = now_ms();
	for (i = 3; i < argc; i++) {
		struct stat st;
		char buf[1 << 16];
		ssize_t n;
		int fd;

		if (stat(argv[i], &st) || !S_ISREG(st.st_mode) ||
		    (fd = open(argv[i], O_RDONLY)) < 0)
			continue;
		bytes += st.st_size;
		while ((n = read(fd, buf, sizeof(buf))) > 0)
			for (ssize_t k = 0; k < n; k++)
				rows += buf[k] == '\n';
		close(fd);
	}
	if (log) {
		FILE *fp = fopen(log, "a");

		if (fp) {
			fprintf(fp, "%s %lld %ld %lld %lld %lld\n", argv[1], t1 - t0,
				ru.ru_maxrss, bytes, rows,
				(long long)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1000 +
				(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1000);
			fclose(fp);
		}
	}
	return WIFEXITED(status) ? WEXITSTATUS(status) : 3;
}
