#include <errno.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "date.h"
#include "fsutil.h"
#include "jsonexact.h"
#include "profile.h"
#include "strbuf.h"
#include "xalloc.h"
#include "banned.h"

static const char *const field_names[PF_COUNT] = {
	[PF_DATE] = "date", [PF_VENDOR] = "vendor",
	[PF_ACCOUNT_ID] = "account_id", [PF_ACCOUNT_NAME] = "account_name",
	[PF_SKU] = "sku", [PF_SKU_NAME] = "sku_name",
	[PF_QUANTITY] = "quantity", [PF_MAX_DAILY] = "max_daily",
	[PF_UNIT_PRICE] = "unit_price", [PF_CURRENCY] = "currency",
	[PF_CONTRACT_ID] = "contract_id",
	[PF_PSA_COMPANY_ID] = "psa_company_id",
	[PF_PSA_PRODUCT_ID] = "psa_product_id", [PF_UNITS] = "units",
	[PF_PSA_COMPANY_NAME] = "psa_company_name",
	[PF_PSA_PRODUCT_NAME] = "psa_product_name",
	[PF_SERVICE_ID] = "service_id",
	[PF_CONTRACT_SERVICE_ID] = "contract_service_id",
	[PF_ADDITION_ID] = "addition_id", [PF_START_DATE] = "start_date",
	[PF_END_DATE] = "end_date", [PF_USER_ID] = "user_id",
	[PF_STATUS] = "status", [PF_LICENSES] = "licenses",
	[PF_IGNORE] = "ignore",
};

static const char *const kind_names[] = {
	[PK_DAILY] = "daily", [PK_MONTHLY] = "monthly-licence-days",
	[PK_PSA_UNITS] = "psa-units", [PK_SNAPSHOT] = "directory-snapshot",
};

/* fields each kind may use, and those it must have (as required columns) */
static const unsigned long usage_fields =
	1UL << PF_DATE | 1UL << PF_VENDOR | 1UL << PF_ACCOUNT_ID |
	1UL << PF_ACCOUNT_NAME | 1UL << PF_SKU | 1UL << PF_SKU_NAME |
	1UL << PF_QUANTITY | 1UL << PF_MAX_DAILY | 1UL << PF_UNIT_PRICE |
	1UL << PF_CURRENCY | 1UL << PF_IGNORE;
static const unsigned long psa_fields =
	1UL << PF_CONTRACT_ID | 1UL << PF_PSA_COMPANY_ID |
	1UL << PF_PSA_PRODUCT_ID | 1UL << PF_UNITS |
	1UL << PF_PSA_COMPANY_NAME | 1UL << PF_PSA_PRODUCT_NAME |
	1UL << PF_UNIT_PRICE | 1UL << PF_SERVICE_ID |
	1UL << PF_CONTRACT_SERVICE_ID | 1UL << PF_ADDITION_ID |
	1UL << PF_START_DATE | 1UL << PF_END_DATE | 1UL << PF_IGNORE;
static const unsigned long snapshot_fields =
	1UL << PF_USER_ID | 1UL << PF_STATUS | 1UL << PF_LICENSES |
	1UL << PF_IGNORE;
static const unsigned long must[] = {
	[PK_DAILY] = 1UL << PF_DATE | 1UL << PF_ACCOUNT_ID | 1UL << PF_SKU |
		     1UL << PF_QUANTITY,
	[PK_MONTHLY] = 1UL << PF_ACCOUNT_ID | 1UL << PF_SKU |
		       1UL << PF_QUANTITY,
	[PK_PSA_UNITS] = 1UL << PF_CONTRACT_ID | 1UL << PF_PSA_COMPANY_ID |
			 1UL << PF_PSA_PRODUCT_ID | 1UL << PF_UNITS,
	[PK_SNAPSHOT] = 1UL << PF_USER_ID | 1UL << PF_STATUS,
};

static const char *const date_formats_known[] = {
	"YYYY-MM-DD", "MM/DD/YYYY", "DD/MM/YYYY", "YYYY/MM/DD", "M/D/YYYY",
};

void profiles_known(const struct profiles *ps, struct strbuf *sb)
{
	size_t k = 0;

	for (size_t i = 0; i < ps->n; i++)
		if (!ps->p[i].refuse)
			strbuf_addf(sb, "%s%s", k++ ? ", " : "", ps->p[i].format);
}

const char *pfield_name(enum pfield f)
{
	return f < PF_COUNT ? field_names[f] : NULL;
}

const char *pkind_name(enum pkind k)
{
	return kind_names[k];
}

static int field_parse(const char *s, enum pfield *out)
{
	for (int i = 0; i < PF_COUNT; i++)
		if (!strcmp(s, field_names[i])) {
			*out = (enum pfield)i;
			return 0;
		}
	return -1;
}

void profile_release(struct profile *p)
{
	size_t i, j;

	free(p->format);
	free(p->path);
	free(p->vendor);
	if (p->date_formats)
		for (i = 0; p->date_formats[i]; i++)
			free(p->date_formats[i]);
	free(p->date_formats);
	for (i = 0; i < p->ncols; i++) {
		for (j = 0; j < p->cols[i].nnames; j++)
			free(p->cols[i].names[j]);
		free(p->cols[i].names);
	}
	free(p->cols);
	free(p->rows);
	free(p->refuse);
	free(p->month_path);
	memset(p, 0, sizeof(*p));
}

static int bad(struct error *e, const char *path, const char *key,
	       const char *why)
{
	return error_set(e, ERR_CONFIG, "%s: %s: %s", path, key, why);
}

/* trimmed, non-empty, no control characters: a usable header name */
static int good_name(const char *s)
{
	size_t n = strlen(s);

	if (!n || s[0] == ' ' || s[n - 1] == ' ')
		return 0;
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
			return 0;
	return 1;
}

static int load_columns(struct profile *p, json_t *cols, struct error *e)
{
	unsigned long seen = 0, req = 0;
	/* a refusing profile only recognises: any field will do */
	unsigned long allowed = p->refuse ? psa_fields | usage_fields :
				p->kind == PK_PSA_UNITS ? psa_fields :
				p->kind == PK_SNAPSHOT ? snapshot_fields : usage_fields;
	size_t i, j, k, l;
	json_t *c;

	if (!json_is_array(cols) || json_array_size(cols) == 0)
		return bad(e, p->path, "columns", "expected a non-empty array");
	p->ncols = json_array_size(cols);
	p->cols = xcalloc(p->ncols, sizeof(*p->cols));
	json_array_foreach(cols, i, c) {
		struct pcolumn *pc = &p->cols[i];
		json_t *names, *v;
		const char *key;

		if (!json_is_object(c))
			return bad(e, p->path, "columns", "expected objects");
		json_object_foreach(c, key, v) {
			if (strcmp(key, "field") && strcmp(key, "names") &&
			    strcmp(key, "required"))
				return bad(e, p->path, key, "unknown key in a column");
		}
		v = json_object_get(c, "field");
		if (!json_is_string(v) || field_parse(json_string_value(v), &pc->field))
			return bad(e, p->path, "field", "expected one of the field names of profile.h");
		if (!(allowed & 1UL << pc->field))
			return bad(e, p->path, json_string_value(v),
				   "field not used by this quantity kind");
		if (pc->field != PF_IGNORE && (seen & 1UL << pc->field))
			return bad(e, p->path, json_string_value(v), "field given twice");
		seen |= 1UL << pc->field;
		v = json_object_get(c, "required");
		if (v && !json_is_boolean(v))
			return bad(e, p->path, "required", "expected true or false");
		pc->required = json_is_true(v);
		if (pc->required)
			req |= 1UL << pc->field;
		names = json_object_get(c, "names");
		if (!json_is_array(names) || json_array_size(names) == 0)
			return bad(e, p->path, "names", "expected a non-empty array of strings");
		pc->names = xcalloc(json_array_size(names), sizeof(char *));
		json_array_foreach(names, j, v) {
			if (!json_is_string(v) || !good_name(json_string_value(v)))
				return bad(e, p->path, "names", "expected trimmed, non-empty strings");
			pc->names[pc->nnames++] = xstrdup(json_string_value(v));
		}
	}
	/* a header name must say one column only */
	for (i = 0; i < p->ncols; i++)
		for (j = 0; j < p->cols[i].nnames; j++)
			for (k = i; k < p->ncols; k++)
				for (l = k == i ? j + 1 : 0; l < p->cols[k].nnames; l++)
					if (!strcasecmp(p->cols[i].names[j], p->cols[k].names[l]))
						return bad(e, p->path, p->cols[i].names[j],
							   "column name given twice");
	if (p->refuse)
		return 0;
	if ((req & must[p->kind]) != must[p->kind]) {
		for (i = 0; i < PF_COUNT; i++)
			if ((must[p->kind] & 1UL << i) && !(req & 1UL << i))
				return bad(e, p->path, field_names[i],
					   "this quantity kind needs it as a required column");
	}
	if (p->kind != PK_PSA_UNITS && p->kind != PK_SNAPSHOT) {
		if (!p->vendor && !(req & 1UL << PF_VENDOR))
			return bad(e, p->path, "vendor",
				   "give a fixed vendor or a required vendor column");
		if (p->vendor && (seen & 1UL << PF_VENDOR))
			return bad(e, p->path, "vendor",
				   "both a fixed vendor and a vendor column");
	}
	if (p->kind == PK_MONTHLY && (seen & 1UL << PF_DATE))
		return bad(e, p->path, "date", "a monthly profile has no date column");
	return 0;
}

int profile_load(struct profile *p, const char *path, struct error *e)
{
	json_error_t je;
	json_t *root, *v;
	const char *key;
	size_t i;
	int ret = -1;

	memset(p, 0, sizeof(*p));
	p->path = xstrdup(path);
	root = json_load_file(path, JSON_REJECT_DUPLICATES, &je);
	if (!root) {
		error_set(e, ERR_CONFIG, "%s:%d: %s", path, je.line, je.text);
		goto out;
	}
	if (!json_is_object(root)) {
		error_set(e, ERR_CONFIG, "%s: expected a JSON object", path);
		goto out;
	}
	json_object_foreach(root, key, v) {
		if (strcmp(key, "format") && strcmp(key, "description") &&
		    strcmp(key, "quantity") && strcmp(key, "vendor") &&
		    strcmp(key, "month") && strcmp(key, "date_formats") &&
		    strcmp(key, "columns") && strcmp(key, "$schema") &&
		    strcmp(key, "rows") && strcmp(key, "refuse") &&
		    strcmp(key, "numbers") && strcmp(key, "others")) {
			bad(e, path, key, "unknown key");
			goto out;
		}
	}
	v = json_object_get(root, "format");
	if (!json_is_string(v) || !*json_string_value(v) ||
	    strspn(json_string_value(v), "abcdefghijklmnopqrstuvwxyz0123456789-") !=
		    strlen(json_string_value(v))) {
		bad(e, path, "format", "expected an id of a-z, 0-9 and -");
		goto out;
	}
	p->format = xstrdup(json_string_value(v));
	v = json_object_get(root, "refuse");
	if (v && (!json_is_string(v) || !*json_string_value(v))) {
		bad(e, path, "refuse", "expected the text a user is told");
		goto out;
	}
	if (v)
		p->refuse = xstrdup(json_string_value(v));
	v = json_object_get(root, "rows");
	if (v && (!json_is_string(v) || !jx_path_valid(json_string_value(v)))) {
		bad(e, path, "rows",
		    "expected a path such as \"[]\" or \"companies[].products[]\"");
		goto out;
	}
	if (v)
		p->rows = xstrdup(json_string_value(v));
	if (p->refuse) {
		/* it only recognises: the keys that say how to read are not used */
		static const char *const unused[] = {
			"quantity", "vendor", "month", "date_formats",
		};

		for (i = 0; i < sizeof(unused) / sizeof(*unused); i++)
			if (json_object_get(root, unused[i])) {
				bad(e, path, unused[i], "not used by a profile that refuses");
				goto out;
			}
		goto columns;
	}
	v = json_object_get(root, "quantity");
	for (i = 0; i < 3; i++)
		if (json_is_string(v) && !strcmp(json_string_value(v), kind_names[i]))
			break;
	if (i == 3 && json_is_string(v) &&
	    !strcmp(json_string_value(v), "monthly-average")) {
		i = PK_MONTHLY;
		p->average = 1;
	} else if (i == 3 && json_is_string(v) &&
		   !strcmp(json_string_value(v), "directory-snapshot")) {
		i = 4;
	}
	if (i == 3) {
		bad(e, path, "quantity",
		    "expected \"daily\", \"monthly-licence-days\", \"monthly-average\", \"directory-snapshot\" or \"psa-units\"");
		goto out;
	}
	p->kind = i == 4 ? PK_SNAPSHOT : (enum pkind)i;
	if (p->kind == PK_SNAPSHOT && !p->rows) {
		bad(e, path, "quantity", "directory-snapshot is read from JSON only (a profile with \"rows\")");
		goto out;
	}
	v = json_object_get(root, "others");
	if (v && !(json_is_string(v) && !strcmp(json_string_value(v), "ignore") && p->rows)) {
		bad(e, path, "others", "expected \"ignore\", in a JSON profile");
		goto out;
	}
	p->others_ignored = v != NULL;
	if (p->average && !p->rows) {
		bad(e, path, "quantity", "monthly-average is read from JSON only (a profile with \"rows\")");
		goto out;
	}
	v = json_object_get(root, "numbers");
	if (v && !(json_is_string(v) && (!strcmp(json_string_value(v), "exact") ||
					 !strcmp(json_string_value(v), "shortest")))) {
		bad(e, path, "numbers", "expected \"exact\" or \"shortest\"");
		goto out;
	}
	p->shortest = v && !strcmp(json_string_value(v), "shortest");
	v = json_object_get(root, "vendor");
	if (v && (!json_is_string(v) || !good_name(json_string_value(v)) ||
		  p->kind == PK_PSA_UNITS || p->kind == PK_SNAPSHOT)) {
		bad(e, path, "vendor", p->kind == PK_PSA_UNITS ?
			    "not used by psa-units" : p->kind == PK_SNAPSHOT ?
			    "not used by directory-snapshot (its envelope says the vendor)" :
			    "expected a trimmed, non-empty string");
		goto out;
	}
	if (v)
		p->vendor = xstrdup(json_string_value(v));
	v = json_object_get(root, "month");
	if (v && p->rows && json_is_string(v) && strcmp(json_string_value(v), "title")) {
		if (!jx_path_valid(json_string_value(v)) ||
		    strchr(json_string_value(v), '[')) {
			bad(e, path, "month", "expected a path of members to the month, such as \"month\"");
			goto out;
		}
		p->month_path = xstrdup(json_string_value(v));
	} else if (v && !(json_is_string(v) && !strcmp(json_string_value(v), "title"))) {
		bad(e, path, "month", "expected \"title\"");
		goto out;
	}
	p->month_from_title = v != NULL && !p->month_path;
	if (p->kind == PK_MONTHLY && !p->month_from_title && !p->month_path) {
		bad(e, path, "month", p->rows ?
		    "a monthly JSON profile needs \"month\": the path to the month" :
		    "a monthly profile needs \"month\": \"title\"");
		goto out;
	}
	if (p->month_path && !p->average) {
		bad(e, path, "month", "a month path is for monthly-average");
		goto out;
	}
	v = json_object_get(root, "date_formats");
	if (p->kind == PK_DAILY) {
		json_t *f;

		if (!json_is_array(v) || json_array_size(v) == 0) {
			bad(e, path, "date_formats", "expected a non-empty array");
			goto out;
		}
		p->date_formats = xcalloc(json_array_size(v) + 1, sizeof(char *));
		json_array_foreach(v, i, f) {
			size_t k, nk = sizeof(date_formats_known) / sizeof(*date_formats_known);

			for (k = 0; k < nk; k++)
				if (json_is_string(f) &&
				    !strcmp(json_string_value(f), date_formats_known[k]))
					break;
			if (k == nk) {
				bad(e, path, "date_formats",
				    "expected YYYY-MM-DD, MM/DD/YYYY, DD/MM/YYYY, YYYY/MM/DD or M/D/YYYY");
				goto out;
			}
			p->date_formats[i] = xstrdup(date_formats_known[k]);
		}
	} else if (v) {
		bad(e, path, "date_formats", "only a daily profile has dates");
		goto out;
	}
	if (p->rows && p->month_from_title) {
		bad(e, path, "rows", "a JSON document has no title row to take the month from");
		goto out;
	}
columns:
	if (load_columns(p, json_object_get(root, "columns"), e))
		goto out;
	ret = 0;
out:
	json_decref(root);
	if (ret)
		profile_release(p);
	return ret;
}

int profiles_load(struct profiles *ps, const char *dir, struct error *e)
{
	struct fs_names names = FS_NAMES_INIT;
	size_t i, j;
	int ret = 0;

	memset(ps, 0, sizeof(*ps));
	if (fs_list(dir, ".json", 0, &names, e))
		return error_set(e, ERR_CONFIG, "%s: cannot open the profiles folder: %s",
				 dir, strerror(errno));
	if (names.n == 0) {
		fs_names_release(&names);
		return error_set(e, ERR_CONFIG, "%s: no source profiles (*.json)", dir);
	}
	ps->p = xcalloc(names.n, sizeof(*ps->p));
	for (i = 0; i < names.n && !ret; i++) {
		char *path = path_join(dir, names.v[i]);

		ret = profile_load(&ps->p[ps->n], path, e);
		free(path);
		if (ret)
			break;
		for (j = 0; j < ps->n; j++)
			if (!strcmp(ps->p[j].format, ps->p[ps->n].format)) {
				ret = error_set(e, ERR_CONFIG, "%s: format: \"%s\" is also the format of %s",
						ps->p[ps->n].path, ps->p[ps->n].format,
						ps->p[j].path);
				profile_release(&ps->p[ps->n]);
				break;
			}
		if (!ret)
			ps->n++;
	}
	fs_names_release(&names);
	if (ret)
		profiles_release(ps);
	return ret;
}

void profiles_release(struct profiles *ps)
{
	for (size_t i = 0; i < ps->n; i++)
		profile_release(&ps->p[i]);
	free(ps->p);
	memset(ps, 0, sizeof(*ps));
}

/* s[0..n) trimmed of blanks equals name, ignoring ASCII case */
static int name_eq(const char *s, size_t n, const char *name)
{
	size_t l = strlen(name);

	while (n && (*s == ' ' || *s == '\t')) {
		s++;
		n--;
	}
	while (n && (s[n - 1] == ' ' || s[n - 1] == '\t'))
		n--;
	return n == l && !strncasecmp(s, name, n);
}

static int blank(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] != ' ' && s[i] != '\t')
			return 0;
	return 1;
}

int profile_match(const struct profile *p, char *const *cells,
		  const size_t *lens, size_t n, int col[PF_COUNT])
{
	int *used = xcalloc(p->ncols ? p->ncols : 1, sizeof(int));
	size_t i, c, k;
	int ok = 1;

	for (i = 0; i < PF_COUNT; i++)
		col[i] = -1;
	for (i = 0; i < n && ok; i++) {
		if (blank(cells[i], lens[i]))
			continue;
		for (c = 0; c < p->ncols; c++) {
			for (k = 0; k < p->cols[c].nnames; k++)
				if (name_eq(cells[i], lens[i], p->cols[c].names[k]))
					break;
			if (k < p->cols[c].nnames)
				break;
		}
		if (c == p->ncols && p->others_ignored)
			continue;
		if (c == p->ncols || used[c]) {
			ok = 0;
			break;
		}
		used[c] = 1;
		if (p->cols[c].field != PF_IGNORE)
			col[p->cols[c].field] = (int)i;
	}
	for (c = 0; c < p->ncols && ok; c++)
		if (p->cols[c].required && !used[c])
			ok = 0;
	free(used);
	return ok;
}
