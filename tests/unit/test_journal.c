/*
 * The push journal (lib/journal.c): records appended and read back, the
 * state of a change after each sequence of records, a line cut short by
 * a crash, and every kind of damage refused naming its line. Numbered
 * tables; a failure names its case.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "journal.h"
#include "strbuf.h"
#include "banned.h"

#define SCRATCH_NAME "test_journal"
#include "scratch.h"

static const char *jpath(void)
{
	static char p[128];

	snprintf(p, sizeof(p), "%s/push/2026-10.csv", scratch_dir);
	return p;
}

static void put(const char *text)
{
	char cmd[256];
	FILE *fp;

	snprintf(cmd, sizeof(cmd), "mkdir -p %s/push", scratch_dir);
	assert_int_equal(system(cmd), 0);
	fp = fopen(jpath(), "w");
	assert_non_null(fp);
	fputs(text, fp);
	assert_int_equal(fclose(fp), 0);
}

static char *slurp(void)
{
	struct strbuf sb = STRBUF_INIT;

	assert_int_equal(strbuf_read_file(&sb, jpath(), 0, NULL), 0);
	return strbuf_detach(&sb);
}

#define F "autotask-contract-service-adjustments.csv"

static void test_append_and_read(void **state)
{
	struct journal j;
	struct error e;
	long line, intent;
	const struct journal_record *ans;
	char *text;

	assert_int_equal(journal_open(&j, jpath(), &e), 0);	/* missing: empty */
	assert_int_equal(journal_state(&j, F, "101,501,3,2026-11-01,", &intent, &ans), JS_NEW);
	assert_int_equal(journal_append(&j, J_INTENT, 0, F, "101,501,3,2026-11-01,",
					NULL, NULL, NULL, "2026-11-04T10:00:00Z", &line, &e), 0);
	assert_int_equal(line, 2);
	assert_int_equal(journal_state(&j, F, "101,501,3,2026-11-01,", &intent, NULL), JS_UNKNOWN);
	assert_int_equal(intent, 2);
	assert_int_equal(journal_append(&j, J_APPLIED, 2, F, "101,501,3,2026-11-01,",
					"201", "7781", NULL, "2026-11-04T10:00:00Z", &line, &e), 0);
	assert_int_equal(line, 3);
	journal_release(&j);

	text = slurp();
	assert_string_equal(text,
		"line,event,ref,file,row,status,id,note,run_at\n"
		"2,intent,," F ",\"101,501,3,2026-11-01,\",,,,2026-11-04T10:00:00Z\n"
		"3,applied,2," F ",\"101,501,3,2026-11-01,\",201,7781,,2026-11-04T10:00:00Z\n");
	free(text);

	assert_int_equal(journal_open(&j, jpath(), &e), 0);
	assert_int_equal(j.n, 2);
	assert_int_equal(journal_state(&j, F, "101,501,3,2026-11-01,", &intent, &ans), JS_APPLIED);
	assert_int_equal(intent, 2);
	assert_string_equal(ans->id, "7781");
	/* another change is new; quotes and commas round-trip */
	assert_int_equal(journal_state(&j, F, "102,501,-3,2026-11-01,", NULL, NULL), JS_NEW);
	assert_int_equal(journal_append(&j, J_INTENT, 0, "connectwise-agreement-additions.csv",
					"7,\"Keeper, \"\"Business\"\"\",4,4.50,2026-11-01,Billable",
					NULL, NULL, "note, with \"quotes\"", "t", &line, &e), 0);
	assert_int_equal(line, 4);
	journal_release(&j);
	assert_int_equal(journal_open(&j, jpath(), &e), 0);
	assert_string_equal(j.rec[2].row, "7,\"Keeper, \"\"Business\"\"\",4,4.50,2026-11-01,Billable");
	assert_string_equal(j.rec[2].note, "note, with \"quotes\"");
	/* a line end in a field would make two lines of one record */
	assert_int_equal(journal_append(&j, J_INTENT, 0, F, "a\nb", NULL, NULL, NULL, NULL, NULL, &e), -1);
	assert_int_equal(j.n, 3);
	journal_release(&j);
}

/* the state of change "X" after the events, each answering the intent before it */
static const struct state_case {
	const char *events;	/* i intent, a applied, r refused, f failed,
				   u unknown, y resolved yes, n resolved no,
				   o an intent of another change */
	enum journal_state want;
} states[] = {
	/* 1 */ { "", JS_NEW },
	/* 2 */ { "i", JS_UNKNOWN },	/* the run died after the intent */
	/* 3 */ { "ia", JS_APPLIED },
	/* 4 */ { "ir", JS_AGAIN },
	/* 5 */ { "if", JS_AGAIN },
	/* 6 */ { "iu", JS_UNKNOWN },
	/* 7 */ { "iuy", JS_APPLIED },
	/* 8 */ { "iun", JS_AGAIN },
	/* 9 */ { "iri", JS_UNKNOWN },
	/* 10 */ { "iria", JS_APPLIED },
	/* 11 */ { "irfia", JS_APPLIED },
	/* 12 */ { "iuniu", JS_UNKNOWN },
	/* 13 */ { "iunir", JS_AGAIN },
	/* 14 */ { "o", JS_NEW },
	/* 15 */ { "oia", JS_APPLIED },
	/* 16 */ { "iy", JS_APPLIED },	/* resolved after the run died */
	/* 17 */ { "in", JS_AGAIN },
};

static void test_states(void **state)
{
	static const struct { char c; enum journal_event ev; const char *st; } map[] = {
		{ 'a', J_APPLIED, "201" }, { 'r', J_REFUSED, "400" },
		{ 'f', J_FAILED, "503" }, { 'u', J_UNKNOWN, "500" },
		{ 'y', J_RESOLVED, "yes" }, { 'n', J_RESOLVED, "no" },
	};
	int bad = 0;

	for (size_t i = 0; i < sizeof(states) / sizeof(*states); i++) {
		struct journal j;
		struct error e;
		long intent = 0, last = 0;
		char cmd[128];

		snprintf(cmd, sizeof(cmd), "rm -rf %s/push", scratch_dir);
		assert_int_equal(system(cmd), 0);
		assert_int_equal(journal_open(&j, jpath(), &e), 0);
		for (const char *p = states[i].events; *p; p++) {
			const char *row = *p == 'o' ? "other" : "X";

			if (*p == 'i' || *p == 'o') {
				assert_int_equal(journal_append(&j, J_INTENT, 0, F, row, NULL,
								NULL, NULL, NULL, &intent, &e), 0);
				if (*p == 'i')
					last = intent;
				continue;
			}
			for (size_t k = 0; k < sizeof(map) / sizeof(*map); k++)
				if (map[k].c == *p)
					assert_int_equal(journal_append(&j, map[k].ev, last, F, "X",
									map[k].st, NULL, NULL, NULL,
									NULL, &e), 0);
		}
		journal_release(&j);
		/* read back from the file, as the next run does */
		assert_int_equal(journal_open(&j, jpath(), &e), 0);
		if (journal_state(&j, F, "X", NULL, NULL) != states[i].want) {
			print_error("case %zu (\"%s\"): state %d, want %d\n", i + 1,
				    states[i].events,
				    (int)journal_state(&j, F, "X", NULL, NULL),
				    (int)states[i].want);
			bad = 1;
		}
		journal_release(&j);
	}
	assert_int_equal(bad, 0);
}

static void test_unknowns(void **state)
{
	struct journal j;
	struct error e;
	long *lines;

	put("line,event,ref,file,row,status,id,note,run_at\n"
	    "2,intent,,f,A,,,,\n"
	    "3,unknown,2,f,A,500,,,\n"
	    "4,intent,,f,B,,,,\n"
	    "5,applied,4,f,B,201,9,,\n"
	    "6,intent,,f,C,,,,\n"
	    "7,intent,,f,D,,,,\n"
	    "8,unknown,7,f,D,,,,\n"
	    "9,resolved,7,f,D,no,,,\n");
	assert_int_equal(journal_open(&j, jpath(), &e), 0);
	assert_int_equal(journal_unknowns(&j, &lines), 2);
	assert_int_equal(lines[0], 2);
	assert_int_equal(lines[1], 6);
	free(lines);
	assert_non_null(journal_at(&j, 5));
	assert_null(journal_at(&j, 10));
	journal_release(&j);
}

static const struct damage_case {
	const char *text;
	long line;	/* the line the error names */
} damages[] = {
	/* 1 */ { "line,event,ref,file,row,status,id\n", 1 },
	/* 2 */ { "line,event,ref,file,row,status,id,note,run_at\n3,intent,,f,A,,,,\n", 2 },	/* renumbered */
	/* 3 */ { "line,event,ref,file,row,status,id,note,run_at\n2,sent,,f,A,,,,\n", 2 },
	/* 4 */ { "line,event,ref,file,row,status,id,note,run_at\n2,intent,1,f,A,,,,\n", 2 },
	/* 5 */ { "line,event,ref,file,row,status,id,note,run_at\n2,applied,,f,A,,,,\n", 2 },
	/* 6 */ { "line,event,ref,file,row,status,id,note,run_at\n2,intent,,f,A,,,,\n"
		  "3,applied,3,f,A,201,,,\n", 3 },	/* answers itself */
	/* 7 */ { "line,event,ref,file,row,status,id,note,run_at\n2,intent,,f,A,,,,\n"
		  "3,applied,2,f,A,201,,,\n4,resolved,3,f,A,yes,,,\n", 4 },	/* not an intent */
	/* 8 */ { "line,event,ref,file,row,status,id,note,run_at\n2,intent,,f,A,,,,\n"
		  "3,resolved,2,f,A,maybe,,,\n", 3 },
	/* 9 */ { "line,event,ref,file,row,status,id,note,run_at\n2,intent,,f,\"A,,,,\n"
		  "3,intent,,f,B,,,,\n", 2 },	/* cut, and not marked torn */
	/* 10 */ { "line,event,ref,file,row,status,id,note,run_at\n2,intent,,f,A,,,\n", 2 },
	/* 11 */ { "line,event,ref,file,row,status,id,note,run_at\n02,intent,,f,A,,,,\n", 2 },
	/* 12 */ { "line,event,ref,file,row,status,id,note,run_at\n\n", 2 },
};

static void test_damage(void **state)
{
	int bad = 0;

	for (size_t i = 0; i < sizeof(damages) / sizeof(*damages); i++) {
		struct journal j;
		struct error e;

		put(damages[i].text);
		if (journal_open(&j, jpath(), &e) == 0) {
			print_error("case %zu: read without an error\n", i + 1);
			bad = 1;
		} else if (e.code != ERR_REFUSED || e.line != damages[i].line ||
			   !strstr(e.msg, "the push journal is damaged")) {
			print_error("case %zu: %s (line %ld)\n", i + 1, e.msg, e.line);
			bad = 1;
		}
		journal_release(&j);
	}
	assert_int_equal(bad, 0);
}

static void test_torn(void **state)
{
	struct journal j;
	struct error e;
	long line;
	char *text;

	/* a crash while the applied record was written: no line end */
	put("line,event,ref,file,row,status,id,note,run_at\n"
	    "2,intent,,f,A,,,,t\n"
	    "3,applied,2,f,\"A");
	assert_int_equal(journal_open(&j, jpath(), &e), 0);
	assert_int_equal(j.n, 1);
	assert_int_equal(j.torn_line, 3);
	/* the change's outcome was lost: unknown, never sent again on its own */
	assert_int_equal(journal_state(&j, "f", "A", NULL, NULL), JS_UNKNOWN);
	assert_int_equal(journal_append(&j, J_RESOLVED, 2, "f", "A", "yes", NULL,
					NULL, "t2", &line, &e), 0);
	assert_int_equal(line, 5);
	journal_release(&j);
	text = slurp();
	assert_string_equal(text,
		"line,event,ref,file,row,status,id,note,run_at\n"
		"2,intent,,f,A,,,,t\n"
		"3,applied,2,f,\"A\n"
		"4,torn,3,,,,,,\n"
		"5,resolved,2,f,A,yes,,,t2\n");
	free(text);
	assert_int_equal(journal_open(&j, jpath(), &e), 0);
	assert_int_equal(j.n, 3);
	assert_int_equal(journal_state(&j, "f", "A", NULL, NULL), JS_APPLIED);
	journal_release(&j);

	/* an empty file (made, then killed before its header): empty */
	put("");
	assert_int_equal(journal_open(&j, jpath(), &e), 0);
	assert_int_equal(journal_append(&j, J_INTENT, 0, "f", "A", NULL, NULL, NULL,
					NULL, &line, &e), 0);
	assert_int_equal(line, 2);
	journal_release(&j);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_append_and_read, scratch_setup, scratch_teardown),
		cmocka_unit_test_setup_teardown(test_states, scratch_setup, scratch_teardown),
		cmocka_unit_test_setup_teardown(test_unknowns, scratch_setup, scratch_teardown),
		cmocka_unit_test_setup_teardown(test_damage, scratch_setup, scratch_teardown),
		cmocka_unit_test_setup_teardown(test_torn, scratch_setup, scratch_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
