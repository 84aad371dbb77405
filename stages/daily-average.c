#include <stdio.h>
#include "eprintf.h"
int main(void) { eprintf_init("daily-average"); return 0; }
