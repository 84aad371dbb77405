/* an inbox .json file through extract (tests/fuzz/fuzz_extract.h) */
#include "fuzz_extract.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return fuzz_extract("json", data, size);
}
