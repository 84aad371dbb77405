/*
 * The benchmark month (README.md, "Speed and size"): Keeper Commander daily exports
 * for NCOMP managed companies over October 2026, from a fixed seed, plus
 * the config that maps and prices all of them. Usage: gen DIR [NCOMP]
 * writes DIR/inbox/Keeper Billing Report (1..4).csv and DIR/config/.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static uint64_t state = 0x7a11c0ffee2026ULL;

static uint64_t next(void)
{
	uint64_t z = (state += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static const char *const skus[] = { "Business", "Enterprise", "1TB",
	"Advanced Reporting & Alerts Module", "MSP Dedicated Service & Support",
	"Compliance Reports" };
static const char *const rates[] = { "$3.75", "$5.00", "$10.00", "$1.00",
	"$150.00", "$1.25" };
static const char *const ids[] = { "KPR-BUS", "KPR-ENT", "KPR-1TB",
	"KPR-ARAM", "KPR-SUPPORT", "KPR-COMP" };
static const char *const prices[] = { "4.50", "6.75", "12.00", "1.50",
	"175.00", "1.95" };
#define NSKU 6
#define FILES 4

static FILE *xopen(const char *dir, const char *name)
{
	char path[4096];
	FILE *fp;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	fp = fopen(path, "w");
	if (!fp) {
		fprintf(stderr, "gen: %s: %s\n", path, strerror(errno));
		exit(3);
	}
	return fp;
}

int main(int argc, char **argv)
{
	char dir[4096], name[256], cname[128];
	long ncomp = argc > 2 ? strtol(argv[2], NULL, 10) : 20000;
	long c, per;
	FILE *acc, *comp, *svc, *pr, *fp;
	int f, d, s;

	if (argc < 2) {
		fprintf(stderr, "usage: gen DIR [NCOMP]\n");
		return 2;
	}
	snprintf(dir, sizeof(dir), "%s/inbox", argv[1]);
	mkdir(argv[1], 0777);
	mkdir(dir, 0777);
	snprintf(dir, sizeof(dir), "%s/config", argv[1]);
	mkdir(dir, 0777);
	acc = xopen(dir, "accounts.csv");
	comp = xopen(dir, "psa-companies.csv");
	svc = xopen(dir, "services.csv");
	pr = xopen(dir, "prices.csv");
	fp = xopen(dir, "settings.json");
	fputs("{\"psa\": \"autotask\", \"calendar\": \"US\", \"currency\": \"USD\", \"gap_days\": \"error\"}\n", fp);
	fclose(fp);
	fputs("vendor,vendor_account_id,psa_company_id,psa_company_name,action\n", acc);
	fputs("psa_company_id,psa_company_name\n", comp);
	fputs("vendor,sku,psa_product_id,psa_product_name,billing,rounding\n", svc);
	fputs("psa_product_id,unit_price,currency,effective_from,psa_company_id\n", pr);
	for (s = 0; s < NSKU; s++) {
		fprintf(svc, "keeper,%s,%s,Keeper %s,%s,\n", skus[s], ids[s],
			skus[s], s == 4 ? "full_month" : "average");
		fprintf(pr, "%s,%s,USD,2025-01-01,\n", ids[s], prices[s]);
	}
	per = (ncomp + FILES - 1) / FILES;
	snprintf(dir, sizeof(dir), "%s/inbox", argv[1]);
	for (f = 0; f < FILES; f++) {
		long lo = f * per, hi = lo + per < ncomp ? lo + per : ncomp;
		struct { int n, sku[NSKU], base[NSKU]; } *co;

		snprintf(name, sizeof(name), "Keeper Billing Report (%d).csv", f + 1);
		fp = xopen(dir, name);
		fputs("\r\nConsumption Billing Statement: October 2026\r\n\r\n"
		      "date,company,company_id,product,licenses,rate\r\n", fp);
		co = calloc((size_t)(hi - lo), sizeof(*co));
		for (c = lo; c < hi; c++) {
			int used[NSKU] = { 0 }, k = 2 + (int)(next() % 6);

			co[c - lo].n = 0;
			for (s = 0; s < k; s++) {
				int j = (int)(next() % NSKU);

				if (used[j])
					continue;
				used[j] = 1;
				co[c - lo].sku[co[c - lo].n] = j;
				co[c - lo].base[co[c - lo].n++] =
					j == 4 ? 1 : 1 + (int)(next() % 400);
			}
			if (c % 7 == 3)
				snprintf(cname, sizeof(cname), "\"Smith, Jones %06ld\"", c);
			else
				snprintf(cname, sizeof(cname), "Client %06ld", c);
			fprintf(acc, "keeper,%ld,%ld,%s,bill\n", 5000000 + c, 10000 + c, cname);
			fprintf(comp, "%ld,%s\n", 10000 + c, cname);
		}
		for (d = 1; d <= 31; d++)
			for (c = lo; c < hi; c++) {
				if (c % 7 == 3)
					snprintf(cname, sizeof(cname), "\"Smith, Jones %06ld\"", c);
				else
					snprintf(cname, sizeof(cname), "Client %06ld", c);
				for (s = 0; s < co[c - lo].n; s++) {
					int j = co[c - lo].sku[s];
					int n = co[c - lo].base[s];

					if (j != 4)
						n += (int)(next() % 7) - 3;
					if (n < 0)
						n = 0;
					fprintf(fp, "2026-10-%02d,%s,%ld,%s,%d,%s\r\n", d,
						cname, 5000000 + c, skus[j], n, rates[j]);
				}
			}
		free(co);
		fclose(fp);
	}
	fclose(acc);
	fclose(comp);
	fclose(svc);
	fclose(pr);
	return 0;
}
