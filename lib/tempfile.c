/*
 * The registry is a list of nodes that are never freed: a node is made
 * active once its path is in place and inactive before it may change, so
 * the cleanup, which may run in a signal handler at any point, reads only
 * whole paths and calls only unlink(2), which is async-signal-safe.
 */
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "tempfile.h"
#include "xalloc.h"
#include "banned.h"

struct tempfile {
	volatile sig_atomic_t active;
	pid_t owner;
	char *path;
	size_t cap;
	struct tempfile *volatile next;
};

static struct tempfile *volatile head;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static int installed;

static const int signals[] = {
	SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGPIPE, SIGALRM,
};

void tempfile_cleanup(void)
{
	pid_t me = getpid();

	for (struct tempfile *t = head; t; t = t->next)
		if (t->active && t->owner == me) {
			unlink(t->path);
			t->active = 0;
		}
}

static void on_signal(int sig)
{
	tempfile_cleanup();
	signal(sig, SIG_DFL);
	raise(sig);
}

static void install(void)
{
	atexit(tempfile_cleanup);
	for (size_t i = 0; i < sizeof(signals) / sizeof(*signals); i++) {
		struct sigaction old, sa;

		/* a signal the caller ignores (nohup) stays ignored */
		if (sigaction(signals[i], NULL, &old) == 0 &&
		    old.sa_handler == SIG_IGN)
			continue;
		memset(&sa, 0, sizeof(sa));
		sa.sa_handler = on_signal;
		sigemptyset(&sa.sa_mask);
		sigaction(signals[i], &sa, NULL);
	}
	installed = 1;
}

void tempfile_install(void)
{
	pthread_mutex_lock(&lock);
	if (!installed)
		install();
	pthread_mutex_unlock(&lock);
}

struct tempfile *tempfile_register(const char *path)
{
	size_t n = strlen(path) + 1;
	struct tempfile *t;

	pthread_mutex_lock(&lock);
	if (!installed)
		install();
	for (t = head; t && t->active; t = t->next)
		;
	if (!t) {
		t = xcalloc(1, sizeof(*t));
		t->next = head;
		__atomic_store_n(&head, t, __ATOMIC_RELEASE);
	}
	if (t->cap < n) {
		char *old = t->path;

		t->path = xmalloc(n);
		t->cap = n;
		free(old);
	}
	memcpy(t->path, path, n);
	t->owner = getpid();
	__atomic_thread_fence(__ATOMIC_RELEASE);
	t->active = 1;
	pthread_mutex_unlock(&lock);
	return t;
}

void tempfile_forget(struct tempfile *t)
{
	if (t)
		t->active = 0;
}

void tempfile_remove(struct tempfile *t)
{
	if (!t || !t->active)
		return;
	unlink(t->path);
	t->active = 0;
}
