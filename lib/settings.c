#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "settings.h"
#include "strbuf.h"
#include "banned.h"

void settings_init(struct settings *s)
{
	memset(s, 0, sizeof(*s));
	s->psa = PSA_AUTOTASK;
	s->calendar = CAL_US;
	s->currency = currency_find("USD");
	memcpy(s->invoice_prefix, "INV", 4);
	s->payment_terms_days = 30;
	s->tax_rate = 0;
	s->gap_days = GAP_ERROR;
	s->rounding = ROUND_NEAREST;
	s->rounding_set = 0;
	snprintf(s->active_statuses[0], sizeof(s->active_statuses[0]), "active");
	s->nactive_statuses = 1;
}

const char *psa_name(enum psa p)
{
	return p == PSA_AUTOTASK ? "autotask" : "connectwise";
}

const char *gap_mode_name(enum gap_mode g)
{
	return g == GAP_ERROR ? "error" : g == GAP_ZERO ? "zero" : "carry";
}

static int bad(struct error *e, const char *path, const char *key,
	       const char *why, json_t *v)
{
	/* 15 digits show a JSON number as the user wrote it (0.0825) */
	char *txt = json_dumps(v, JSON_ENCODE_ANY | JSON_COMPACT |
			       JSON_REAL_PRECISION(15));
	int r = error_add(e, ERR_CONFIG, 0, "%s: %s: %s (%s)", path, key, why,
			  txt ? txt : "?");

	free(txt);
	return r;
}

static const char *str(json_t *v)
{
	return json_is_string(v) ? json_string_value(v) : NULL;
}

int settings_read(struct settings *s, const char *config, struct error *e)
{
	char *path = path_join(config, "settings.json");
	int r;

	settings_init(s);
	r = settings_load(s, path, e);
	free(path);
	return r;
}

int settings_load(struct settings *s, const char *path, struct error *e)
{
	json_error_t je;
	json_t *root, *v;
	const char *key;
	struct stat st;
	int ret = -1;

	error_clear(e);
	if (stat(path, &st) != 0 && errno == ENOENT)
		goto defaults;
	root = json_load_file(path, JSON_REJECT_DUPLICATES, &je);
	if (!root)
		return error_set(e, ERR_CONFIG, "%s:%d: %s", path, je.line, je.text);
	if (!json_is_object(root)) {
		error_set(e, ERR_CONFIG, "%s: not a JSON object", path);
		goto out;
	}
	json_object_foreach(root, key, v) {
		const char *t = str(v);

		if (!strcmp(key, "psa")) {
			if (t && !strcmp(t, "autotask"))
				s->psa = PSA_AUTOTASK;
			else if (t && !strcmp(t, "connectwise"))
				s->psa = PSA_CONNECTWISE;
			else {
				bad(e, path, key, "must be \"autotask\" or \"connectwise\"", v);
				continue;
			}
		} else if (!strcmp(key, "calendar")) {
			if (!t || cal_parse(t, &s->calendar)) {
				bad(e, path, key, "must be \"US\", \"IE\", \"JP\" or \"none\"", v);
				continue;
			}
		} else if (!strcmp(key, "currency")) {
			if (!t || !(s->currency = currency_find(t))) {
				char why[128];

				snprintf(why, sizeof(why), "must be a currency code tally knows: %s", currency_codes());
				bad(e, path, key, why, v);
				continue;
			}
		} else if (!strcmp(key, "invoice_prefix")) {
			size_t n = t ? strlen(t) : 0;
			int okp = n > 0 && n < sizeof(s->invoice_prefix);

			for (size_t i = 0; okp && i < n; i++)
				if (!((t[i] >= 'A' && t[i] <= 'Z') ||
				      (t[i] >= 'a' && t[i] <= 'z') ||
				      (t[i] >= '0' && t[i] <= '9') ||
				      t[i] == '-' || t[i] == '_'))
					okp = 0;
			if (!okp) {
				bad(e, path, key, "must be 1 to 32 letters, digits, '-' or '_'", v);
				continue;
			}
			memcpy(s->invoice_prefix, t, n + 1);
		} else if (!strcmp(key, "payment_terms_days")) {
			json_int_t d;

			if (!json_is_integer(v) || (d = json_integer_value(v)) < 0 ||
			    d > 365) {
				bad(e, path, key, "must be a whole number of days from 0 to 365", v);
				continue;
			}
			s->payment_terms_days = (int)d;
		} else if (!strcmp(key, "tax_rate")) {
			int64_t r;

			if (json_is_number(v)) {
				bad(e, path, key, "must be a string such as \"0.0825\", not a JSON number", v);
				continue;
			}
			if (!t || dec_parse(t, strlen(t), 6, &r, NULL) || r < 0 ||
			    r >= RATE_SCALE) {
				bad(e, path, key, "must be a rate below 1 with up to 6 decimals, such as \"0.0825\" for 8.25 %", v);
				continue;
			}
			s->tax_rate = r;
		} else if (!strcmp(key, "gap_days")) {
			if (t && !strcmp(t, "error"))
				s->gap_days = GAP_ERROR;
			else if (t && !strcmp(t, "zero"))
				s->gap_days = GAP_ZERO;
			else if (t && !strcmp(t, "carry"))
				s->gap_days = GAP_CARRY;
			else {
				bad(e, path, key, "must be \"error\", \"zero\" or \"carry\"", v);
				continue;
			}
		} else if (!strcmp(key, "rounding")) {
			if (json_is_null(v))
				continue;	/* the PSA's default */
			if (!t || rounding_parse(t, &s->rounding)) {
				bad(e, path, key, "must be \"nearest\", \"half-even\", \"up\", \"down\", \"none\" or null (the PSA's default)", v);
				continue;
			}
			s->rounding_set = 1;
		} else if (!strcmp(key, "active_statuses")) {
			size_t i, n = json_is_array(v) ? json_array_size(v) : 0;
			int okv = n > 0 && n <= SETTINGS_MAX_STATUSES;

			for (i = 0; okv && i < n; i++) {
				const char *a = str(json_array_get(v, i));

				okv = a && *a && strlen(a) < sizeof(s->active_statuses[0]);
			}
			if (!okv) {
				bad(e, path, key, "must be a non-empty array of the directory statuses that count, such as [\"active\"] (up to 16 strings)", v);
				continue;
			}
			for (i = 0; i < n; i++)
				snprintf(s->active_statuses[i], sizeof(s->active_statuses[i]),
					 "%s", str(json_array_get(v, i)));
			s->nactive_statuses = (int)n;
		} else {
			bad(e, path, key, "unknown key: the keys are psa, calendar, currency, invoice_prefix, payment_terms_days, tax_rate, gap_days, rounding and active_statuses", v);
			continue;
		}
	}
	ret = e && e->n ? -1 : 0;
out:
	json_decref(root);
	if (ret)
		return ret;
defaults:
	if (!s->rounding_set)
		s->rounding = s->psa == PSA_AUTOTASK ? ROUND_NEAREST : ROUND_NONE;
	if (s->psa == PSA_AUTOTASK && s->rounding == ROUND_NONE)
		return error_set(e, ERR_CONFIG, "%s: rounding: autotask takes whole units only (\"none\")", path);
	return 0;
}

int settings_status_active(const struct settings *s, const char *status,
			   size_t n)
{
	for (int i = 0; i < s->nactive_statuses; i++)
		if (strlen(s->active_statuses[i]) == n &&
		    !memcmp(s->active_statuses[i], status, n))
			return 1;
	return 0;
}
