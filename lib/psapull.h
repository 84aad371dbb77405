#ifndef PSAPULL_H
#define PSAPULL_H
/*
 * The PSA's current contract units, as make pull writes them (README.md,
 * "Pulling from the APIs"): a PSA contract units file of the inbox
 *
 *   contract_id,psa_company_id,psa_product_id,units,psa_company_name,
 *   psa_product_name,unit_price,service_id,contract_service_id,
 *   addition_id,start_date,end_date
 *
 * holding the rows in effect on the effective date (the 1st of the month
 * after MONTH), in the order the API gives them.
 *
 * Autotask: GET <zone>V1.0/ContractServiceUnits/query?search=<json> (the
 * periods that end on or after the effective date), then
 * GET <zone>V1.0/Contracts/query?search=<json> for the contracts'
 * companyID (at most 100 ids a request), each followed through
 * pageDetails.nextPageUrl until it is null. A row: contract_id =
 * contractID, psa_company_id = the contract's companyID, psa_product_id =
 * service_id = serviceID, units, unit_price = price, contract_service_id
 * = contractServiceID, start_date and end_date from startDate and
 * endDate; a period is in effect when it starts on or before the date
 * and ends on or after it.
 *
 * ConnectWise: GET <url>/finance/agreements?page=N&pageSize=1000, then
 * for each agreement in effect (not cancelledFlag, started, not ended
 * unless noEndingDateFlag) GET <url>/finance/agreements/<id>/additions
 * ?page=N&pageSize=1000, each until a page comes back short. A row:
 * contract_id = the agreement's id, psa_company_id and psa_company_name =
 * its company's id and name, psa_product_id = the addition's
 * product.identifier, psa_product_name = product.description, units =
 * quantity, unit_price = unitPrice, addition_id = the addition's id,
 * start_date = effectiveDate, end_date = the day before cancelledDate.
 * Additions with a cancelledDate on or before the effective date, or an
 * effectiveDate after it, are not billed that day and are left out.
 *
 * Ids are the APIs' integers; units and prices their shortest decimal
 * text (jsonnum.h), at most 4 decimals; dates the first 10 characters of
 * the APIs' date-times. Anything else is an error naming the record.
 */
#include <stddef.h>
#include <stdint.h>
#include "error.h"
#include "psaapi.h"
#include "strbuf.h"

#define PSA_UNITS_HEADER "contract_id,psa_company_id,psa_product_id,units," \
	"psa_company_name,psa_product_name,unit_price,service_id," \
	"contract_service_id,addition_id,start_date,end_date"

/*
 * The units in effect on the day effective into csv (header and rows,
 * appended); *rows and *pages count them and the requests that gave
 * them. The zone must have been found (psa_api_zone). Returns 0, or -1
 * with e (ERR_NET).
 */
int psa_pull_units(struct psa_api *a, int32_t effective, struct strbuf *csv,
		   size_t *rows, size_t *pages, struct error *e);
#endif
