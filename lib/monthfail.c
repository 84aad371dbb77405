#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "fsutil.h"
#include "monthfail.h"
#include "outfile.h"
#include "summary.h"
#include "xalloc.h"
#include "banned.h"

const char *month_fail_cause(int status)
{
	if (status == 2)
		return "a configuration error";
	if (status == 3)
		return "an I/O or system error";
	if (status > 128)
		return "killed";
	return "an error";
}

static int remove_one(const char *dir, const char *name, struct error *e)
{
	char *p = path_join(dir, name);
	int ret = 0;

	if (fs_is_dir(p))
		ret = fs_remove_tree(p, e);
	else if (unlink(p) != 0 && errno != ENOENT)
		ret = error_set(e, ERR_IO, "%s: cannot remove: %s", p,
				strerror(errno));
	free(p);
	return ret;
}

/* the stage's message lines as a JSON array */
static json_t *error_lines(const char *errors)
{
	json_t *a = json_array();
	const char *p = errors, *nl;

	while (p && *p) {
		size_t n = (nl = strchr(p, '\n')) ? (size_t)(nl - p) : strlen(p);

		if (n)
			json_array_append_new(a, json_stringn(p, n));
		p += n + (nl != NULL);
	}
	return a;
}

int month_failed(const char *monthdir, const char *month, const char *stage,
		 int status, const char *errors, struct error *e)
{
	char xlsx[64], zip[64];
	const char *names[] = { xlsx, zip, "psa", "problems.csv",
				"invoices.json", "invoice-lines.csv" };
	json_t *root, *f;
	struct outfile o;
	struct error ignored;
	char *path;
	int ret = 0, written = 0;

	snprintf(xlsx, sizeof(xlsx), "reconciliation-%s.xlsx", month);
	snprintf(zip, sizeof(zip), "tally-%s.zip", month);
	for (size_t i = 0; i < sizeof(names) / sizeof(*names); i++)
		if (remove_one(monthdir, names[i], ret ? &ignored : e))
			ret = -1;

	root = json_object();
	f = json_object();
	json_object_set_new(root, "month", json_string(month));
	json_object_set_new(root, "status", json_string("failed"));
	json_object_set_new(f, "stage", json_string(stage));
	json_object_set_new(f, "exit", json_integer(status));
	json_object_set_new(f, "cause", json_string(month_fail_cause(status)));
	json_object_set_new(f, "errors", error_lines(errors));
	json_object_set_new(root, "failed", f);
	path = path_join(monthdir, "summary.json");
	if (fs_mkdir(monthdir, ret ? &ignored : e) ||
	    outfile_open(&o, path, ret ? &ignored : e)) {
		ret = -1;
	} else if (summary_write(root, o.fp)) {
		outfile_abort(&o);
		if (!ret)
			ret = error_set(e, ERR_IO, "%s: cannot write", path);
	} else if (!outfile_commit(&o, ret ? &ignored : e)) {
		written = 1;
	} else {
		ret = -1;
	}
	/* a summary of an earlier run never stays behind a failure */
	if (!written && unlink(path) != 0 && errno != ENOENT)
		ret = -1;
	free(path);
	json_decref(root);
	return ret;
}

int summary_is_failed(json_t *root)
{
	const char *st = json_string_value(json_object_get(root, "status"));

	return st && !strcmp(st, "failed");
}
