#include <stdio.h>
#include "eprintf.h"
int main(void) { eprintf_init("round"); return 0; }
