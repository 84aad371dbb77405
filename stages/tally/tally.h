#ifndef TALLY_H
#define TALLY_H
/*
 * bin/tally's commands (after git's builtin.h): each cmd_<name> takes the
 * command's own argv (argv[0] is its name) and returns the exit code.
 *   stages/tally.c        the dispatch, and what the commands share
 *   stages/tally/month.c  inbox, lock, run, status: a run of the month
 *   stages/tally/closed.c close, publish, restate, overlay: closed months
 *   stages/tally/net.c    pull, push: the APIs
 */
#include "close.h"
#include "strbuf.h"

int cmd_inbox(int argc, char **argv);
int cmd_lock(int argc, char **argv);
int cmd_run(int argc, char **argv);
int cmd_status(int argc, char **argv);
int cmd_close(int argc, char **argv);
int cmd_publish(int argc, char **argv);
int cmd_restate(int argc, char **argv);
int cmd_overlay(int argc, char **argv);
int cmd_pull(int argc, char **argv);
int cmd_push(int argc, char **argv);

/* each line of notes (state_open's) as a message */
void print_notes(const struct strbuf *notes);
/* open STATE (its lock, recovery, checks), saying what was recovered */
void open_state(struct state *st, const char *dir, int create);
/*
 * The month's summary of dir on stdout and, with blocking problems, the
 * first ten and its last line on stderr (only then, when blocked_only);
 * the number of blocking problems (1 for a run that stopped early).
 */
long print_status(const char *month, const char *dir, int blocked_only);
#endif
