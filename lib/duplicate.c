#include "decimal.h"
#include "duplicate.h"
#include "banned.h"

void dup_conflict_message(struct strbuf *out, const char *vendor,
			  const char *account, const char *sku,
			  const char *when, const struct dup_place *got,
			  const struct dup_place *used)
{
	strbuf_addf(out, "%s account %s sku %s ", vendor, account, sku);
	if (when)
		strbuf_addf(out, "%s: %s:%ld has %s, %s:%ld has %s", when,
			    got->file, got->line, got->value, used->file,
			    used->line, used->value);
	else
		strbuf_addf(out, "is %s in %s:%ld and %s in %s:%ld", got->value,
			    got->file, got->line, used->value, used->file,
			    used->line);
	strbuf_addf(out, "; using %s:%ld", used->file, used->line);
}

void dup_monthly_value(struct strbuf *out, int64_t licence_days,
		       int has_max, int64_t max_daily)
{
	char a[48], b[48];

	if (has_max)
		strbuf_addf(out, "%s licence-days (max %s)",
			    qty_format(a, licence_days), qty_format(b, max_daily));
	else
		strbuf_addf(out, "%s licence-days", qty_format(a, licence_days));
}
