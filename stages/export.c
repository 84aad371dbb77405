#include <stdio.h>
#include "eprintf.h"
int main(void) { eprintf_init("export"); return 0; }
