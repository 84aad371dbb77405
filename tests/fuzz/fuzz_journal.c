/*
 * STATE/push/M.csv, the push journal (lib/journal.h): a journal that is
 * read has its records in line order, every string set, a torn line (if
 * any) after the records, and its unknown outcomes among its intents; a
 * damaged one is refused naming the file.
 */
#include "fuzz_config.h"
#include "journal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct journal j;
	struct error e = { 0 };
	int rc;

	memset(&j, 0, sizeof(j));
	rc = journal_open(&j, fuzz_file("journal.csv", data, size), &e);
	fuzz_check_error(rc, &e);
	if (rc == 0) {
		long *lines = NULL;
		size_t nu;

		for (size_t i = 0; i < j.n; i++) {
			const struct journal_record *r = &j.rec[i];

			FUZZ_CHECK(r->line >= 1 && (i == 0 || r->line > j.rec[i - 1].line));
			FUZZ_CHECK(r->file && r->row && r->status && r->id &&
				   r->note && r->run_at);
			FUZZ_CHECK(journal_at(&j, r->line) == r);
		}
		FUZZ_CHECK(j.next_line >= 1);
		FUZZ_CHECK(j.n == 0 || j.next_line > j.rec[j.n - 1].line);
		nu = journal_unknowns(&j, &lines);
		FUZZ_CHECK(nu <= j.n);
		for (size_t i = 0; i < nu; i++) {
			const struct journal_record *r = journal_at(&j, lines[i]);

			FUZZ_CHECK(r != NULL && r->event == J_INTENT);
		}
		free(lines);
	} else {
		FUZZ_CHECK(e.code == ERR_IO || e.code == ERR_REFUSED);
		FUZZ_CHECK(strstr(e.msg, "journal.csv") != NULL);
	}
	journal_release(&j);
	return 0;
}
