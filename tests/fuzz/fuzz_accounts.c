/* config/accounts.csv through mapping_load (fuzz_mapping.h) */
#include "fuzz_mapping.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return fuzz_mapping_file("accounts.csv", data, size);
}
