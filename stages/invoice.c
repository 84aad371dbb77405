#include <stdio.h>
#include "eprintf.h"
int main(void) { eprintf_init("invoice"); return 0; }
