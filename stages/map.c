#include <stdio.h>
#include "eprintf.h"
int main(void) { eprintf_init("map"); return 0; }
