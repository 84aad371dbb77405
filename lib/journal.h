#ifndef JOURNAL_H
#define JOURNAL_H
/*
 * The push journal STATE/push/<MONTH>.csv (README.md, "The push
 * journal"): what make push sent to the PSA, so that a rerun, after a
 * crash or a kill at any point, sends only what was never applied.
 *
 *   line,event,ref,file,row,status,id,note,run_at
 *   2,intent,,autotask-contract-service-adjustments.csv,"101,501,3,2026-11-01,",,,,2026-11-04T10:00:00Z
 *   3,applied,2,autotask-contract-service-adjustments.csv,"101,501,3,2026-11-01,",201,7781,,2026-11-04T10:00:00Z
 *
 * One record a line, the header first (a field never holds a line end):
 *
 *   line    the record's own line in the file (checked on every read)
 *   event   intent     written (and made durable) before the request
 *           applied    a 2xx answer: never sent again
 *           refused    a 4xx answer: not applied; a later run sends it
 *           failed     not applied (nothing sent, or 429, 5xx or a
 *                      timeout after the last try where sending again
 *                      is safe): a later run sends it
 *           unknown    sent, then the connection dropped or timed out,
 *                      or a 5xx came back to a create-only POST: never
 *                      sent again on its own
 *           resolved   what the PSA shows for an unknown outcome, as a
 *                      person recorded it (status "yes" or "no")
 *           torn       the line ref was cut short by a crash while it
 *                      was written (no newline at its end) and is ignored
 *   ref     for every record but intent: the line of the intent it
 *           answers (torn: the line cut short)
 *   file    the psa/ file of the change; row: that file's line (every
 *           field, CSV as the file has it)
 *   status  the HTTP status (resolved: yes or no); id: the id the PSA
 *           returned; note: tally's words (the status and the server's
 *           message, masked); run_at: when make push ran (PUSHED_AT)
 *
 * A change (file and row) is applied when a record applied or resolved
 * yes answers one of its intents; otherwise its last intent decides:
 * refused, failed or resolved no send it again; unknown, or no outcome
 * at all (the run died after the intent), stop every run until a person
 * resolves it. The file is only appended to (O_APPEND), each record in
 * one write and fsynced with its folder before the caller goes on, and
 * never renumbered: a record whose line field is not its line is an
 * error naming the line, and so is any other damage.
 */
#include <stddef.h>
#include "error.h"

enum journal_event {
	J_INTENT, J_APPLIED, J_REFUSED, J_FAILED, J_UNKNOWN, J_RESOLVED,
	J_TORN,
};

struct journal_record {
	long line;
	enum journal_event event;
	long ref;		/* 0 when none */
	char *file, *row, *status, *id, *note, *run_at;	/* never NULL */
};

struct journal {
	char *path;
	struct journal_record *rec;
	size_t n, alloc;
	long next_line;		/* the line the next record takes */
	long torn_line;		/* a last line cut short, not yet marked, or 0 */
	int fd;			/* open for appending, or -1 */
};

/* the event's name in the file ("intent", ...) */
const char *journal_event_name(enum journal_event ev);

/*
 * Read the journal at path (a missing file is an empty journal; it is
 * made by the first journal_append, with its folder). Returns 0 (release
 * j in any case), or -1 with e (ERR_IO when it cannot be read, ERR_REFUSED
 * naming the file and line when it is damaged).
 */
int journal_open(struct journal *j, const char *path, struct error *e);
void journal_release(struct journal *j);

/*
 * Append one record (ref 0 for none; NULL strings read as ""), durably:
 * one write, fsync of the file and its folder. A line cut short by an
 * earlier crash is first ended and marked torn. *line (may be NULL) is
 * the record's line. Returns 0, or -1 with e (ERR_IO, or ERR_USAGE for a
 * field holding a line end).
 */
int journal_append(struct journal *j, enum journal_event ev, long ref,
		   const char *file, const char *row, const char *status,
		   const char *id, const char *note, const char *run_at,
		   long *line, struct error *e);

enum journal_state {
	JS_NEW,		/* never sent */
	JS_APPLIED,	/* applied: never sent again */
	JS_AGAIN,	/* sent before, not applied: to be sent again */
	JS_UNKNOWN,	/* sent, outcome unknown: a person must resolve it */
};

/*
 * The state of the change (file, row); *intent (may be NULL) is the line
 * of its last intent (0 when none), *answer (may be NULL) the record
 * that decided it (NULL when none).
 */
enum journal_state journal_state(const struct journal *j, const char *file,
				 const char *row, long *intent,
				 const struct journal_record **answer);

/* the record at line, or NULL */
const struct journal_record *journal_at(const struct journal *j, long line);

/*
 * The intents whose outcome is unknown (each change's last intent, in
 * line order) into *lines (the caller's to free); returns how many.
 */
size_t journal_unknowns(const struct journal *j, long **lines);
#endif
