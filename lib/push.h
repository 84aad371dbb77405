#ifndef PUSH_H
#define PUSH_H
/*
 * make push (README.md, "Pushing to the PSA"): the changes of a month's
 * psa/ files sent to the PSA, one at a time, each recorded in the push
 * journal (journal.h) before it is sent and after.
 *
 * The changes, in the order of the files:
 *   Autotask     psa/autotask-contract-service-adjustments.csv
 *                (contractID,serviceID,unitChange,effectiveDate,
 *                adjustedUnitPrice, which may be left out): POST <zone url>V1.0/
 *                ContractServiceAdjustments, create-only, body
 *                {"contractID": <int>, "serviceID": <int>, "unitChange":
 *                <int>, "effectiveDate": "<date>T00:00:00"} plus
 *                "adjustedUnitPrice": <number> when the file gives one
 *   ConnectWise  psa/connectwise-addition-updates.csv first (agreementId,
 *                additionId,productIdentifier,quantity,previousQuantity,
 *                effectiveDate): PATCH <url>/finance/agreements/<id>/
 *                additions/<additionId>, body [{"op": "replace", "path":
 *                "quantity", "value": <quantity>}]; then
 *                psa/connectwise-agreement-additions.csv (agreementId,
 *                productIdentifier,quantity,unitPrice,effectiveDate,
 *                billCustomer): POST <url>/finance/agreements/<id>/
 *                additions, create-only, body {"product": {"identifier":
 *                "<productIdentifier>"}, "quantity": <number>,
 *                "unitPrice": <number>, "effectiveDate":
 *                "<date>T00:00:00Z", "billCustomer": "Billable"}
 *
 * Numbers in bodies are the files' decimal text, as written ("4.35"),
 * never a double's expansion; a value that is not a JSON number with at
 * most 4 decimals (integers for ids and unitChange) is refused, and so
 * is an effectiveDate other than the 1st of the month after MONTH, a
 * change given twice, or a file of the PSA that is missing.
 */
#include <stddef.h>
#include "error.h"
#include "http.h"
#include "journal.h"
#include "psaapi.h"
#include "psafiles.h"
#include "settings.h"
#include "strbuf.h"

enum push_kind { PUSH_AT_ADJUSTMENT, PUSH_CW_UPDATE, PUSH_CW_ADDITION };

struct push_change {
	enum push_kind kind;
	const char *file;	/* the psa/ file's name (static) */
	long line;		/* its line there */
	char *row;		/* the line's fields, CSV: the journal's key */
	char *contract;		/* contractID / agreementId */
	char *item;		/* serviceID / additionId / NULL */
	char *product;		/* productIdentifier, or NULL (Autotask) */
	char *quantity;		/* unitChange / the new quantity */
	char *previous;		/* previousQuantity, or NULL */
	char *effective;	/* YYYY-MM-DD */
	enum http_method method;
	char *path;		/* after the base: "V1.0/Contract..." or "/finance/..." */
	char *body;		/* the exact bytes sent */
	/* for people, from the month's reconciliation (may be NULL) */
	char *company, *company_name, *product_name;
	char *old_units, *new_units;
	/* the journal's word on it (push_plan_state) */
	enum journal_state state;
	long intent;		/* its last intent's line, or 0 */
	const struct journal_record *answer;
};

struct push_plan {
	enum psa psa;
	const char *month;
	struct push_change *v;
	size_t n, alloc;
};

/* the psa/ files of psa, in the order they are sent, NULL-ended */
const char *const *push_files(enum psa psa);

/*
 * The changes of monthdir/psa/ for settings' psa (month for the
 * effective date). Returns 0 (release p in any case), or -1 with e:
 * ERR_REFUSED for a missing file, ERR_IO naming the file and line for a
 * value that cannot be sent.
 */
int push_plan_load(struct push_plan *p, const char *monthdir,
		   const char *month, enum psa psa, struct error *e);
void push_plan_release(struct push_plan *p);

/*
 * Names and units for people from the month's reconciliation (psafiles.h):
 * the company and product of each change, and its old and new units.
 */
void push_plan_explain(struct push_plan *p, const struct psa_plan *recon);

/* each change's state in the journal j */
void push_plan_state(struct push_plan *p, const struct journal *j);

/*
 * One change for a person, appended to out:
 * "Alpha LLC (1001), Keeper Business (501): 8 -> 11 units".
 */
void push_describe(const struct push_change *c, struct strbuf *out);
/* its request: "POST <base>V1.0/ContractServiceAdjustments {...}" */
void push_request_text(const struct push_change *c, const char *base,
		       struct strbuf *out);
/*
 * How a person checks in the PSA whether the change was applied,
 * appended to out: "in Autotask, contract 101, service 501: is there an
 * adjustment of +3 units effective 2026-11-01?"
 */
void push_how_to_check(const struct push_change *c, struct strbuf *out);

/* the change (file, row) of p, or NULL */
const struct push_change *push_plan_find(const struct push_plan *p,
					 const char *file, const char *row);

/*
 * The month monthdir (OUT/M) may be pushed: it was run to the end and has
 * no blocking problem (summary.json). Returns 0, or -1 with e (ERR_REFUSED
 * saying why and what to run, ERR_IO for a summary that cannot be read).
 * That its psa/ files are up to date with its inputs is the Makefile's
 * check, as for make close.
 */
int push_month_check(const char *month, const char *monthdir,
		     struct error *e);

/*
 * Record what the PSA shows for the unknown outcome of the change whose
 * intent is at journal line line_text (digits): applied or not. Refused
 * (-1, ERR_REFUSED) for a line that is not an intent, or one whose outcome
 * is known already; otherwise 0 with *rec the record written.
 */
int push_record_answer(struct journal *j, const char *line_text, int applied,
		       const char *run_at, const struct journal_record **rec,
		       struct error *e);

/* what push_send reports, and where a test may stop it */
struct push_hooks {
	/* at "push-intent", "push-sent" and "push-recorded" of change n
	 * (1-based, counting the changes sent by this run); may not return */
	void (*point)(const char *name, size_t n, void *ctx);
	void *ctx;
};

/*
 * Send change c through a (its zone found) and record it in j, with
 * run_at: an intent first, durably, then the request, then its outcome.
 * n counts the changes this run sent (for h). Returns 0 when it was
 * applied (c->state JS_APPLIED, *id the id the PSA gave, or ""), or -1
 * with e (ERR_NET: c->state says whether it may be sent again,
 * JS_AGAIN, or JS_UNKNOWN; ERR_IO: the journal could not be written, and
 * nothing was sent after that).
 */
int push_send(struct push_change *c, struct psa_api *a, struct journal *j,
	      const char *run_at, size_t n, const struct push_hooks *h,
	      char *id, size_t idsize, struct error *e);
#endif
