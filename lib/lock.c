/*
 * flock(2) locks: see lock.h. A first non-blocking try tells whether the
 * caller must wait (and say so); the second, blocking, try then waits.
 * EINTR is retried so a signal that is handled does not cost the lock.
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>
#include "lock.h"
#include "banned.h"

int lock_take(struct lock *l, const char *path, int flags,
	      lock_wait_fn waiting, void *ctx, struct error *e)
{
	int oflags = O_RDWR | O_CREAT | O_NOCTTY;
	int fd, r;

	if (!(flags & LOCK_INHERIT))
		oflags |= O_CLOEXEC;
	do
		fd = open(path, oflags, 0666);
	while (fd < 0 && errno == EINTR);
	if (fd < 0)
		return error_set(e, ERR_IO, "%s: cannot open the lock file: %s", path,
				 strerror(errno));
	do
		r = flock(fd, LOCK_EX | LOCK_NB);
	while (r != 0 && errno == EINTR);
	if (r != 0 && errno == EWOULDBLOCK) {
		if (flags & LOCK_NOWAIT) {
			close(fd);
			return 1;
		}
		if (waiting)
			waiting(path, ctx);
		do
			r = flock(fd, LOCK_EX);
		while (r != 0 && errno == EINTR);
	}
	if (r != 0) {
		int saved = errno;

		close(fd);
		return error_set(e, ERR_IO, "%s: cannot lock: %s", path,
				 strerror(saved));
	}
	l->fd = fd;
	return 0;
}

void lock_release(struct lock *l)
{
	if (l->fd >= 0)
		close(l->fd);
	l->fd = -1;
}
