#include <stdio.h>
#include "eprintf.h"
int main(void) { eprintf_init("extract"); return 0; }
