#ifndef SETTINGS_H
#define SETTINGS_H
/*
 * config/settings.json (README.md, "settings.json"). Every key is
 * optional; defaults are in settings_init. Decimal settings (tax_rate) are
 * JSON strings: a JSON number there is refused, since JSON readers turn
 * numbers into binary floating point. Unknown keys and bad values are
 * configuration errors naming the key.
 */
#include <stdint.h>
#include "calendar.h"
#include "decimal.h"
#include "error.h"
#include "money.h"

enum psa { PSA_AUTOTASK, PSA_CONNECTWISE };
enum gap_mode { GAP_ERROR, GAP_ZERO, GAP_CARRY };
#define SETTINGS_MAX_STATUSES 16

struct settings {
	enum psa psa;			/* default autotask */
	enum calendar calendar;		/* default US */
	const struct currency *currency; /* default USD */
	char invoice_prefix[33];	/* default "INV" */
	int payment_terms_days;		/* default 30, 0..365 */
	int64_t tax_rate;		/* RATE_SCALE units, default 0 */
	enum gap_mode gap_days;		/* default error */
	enum rounding rounding;		/* settings' rounding, else PSA's */
	int rounding_set;		/* rounding came from the file */
	/* directory snapshots: the statuses whose users count (default
	   ["active"]; 1 to SETTINGS_MAX_STATUSES, each 1 to 63 bytes) */
	char active_statuses[SETTINGS_MAX_STATUSES][64];
	int nactive_statuses;
};

/* 1 when status (n bytes) is one of s's active_statuses, compared exactly */
int settings_status_active(const struct settings *s, const char *status,
			   size_t n);

void settings_init(struct settings *s);
/*
 * Read path into s (after settings_init). A missing file leaves the
 * defaults and returns 0. Returns -1 with e as "<path>: <key>: <why>
 * (\"<value>\")" on a bad file.
 */
int settings_load(struct settings *s, const char *path, struct error *e);
/* settings_init, then config/settings.json (settings_load) */
int settings_read(struct settings *s, const char *config, struct error *e);
const char *psa_name(enum psa p);
const char *gap_mode_name(enum gap_mode g);
#endif
