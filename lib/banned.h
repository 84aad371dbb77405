#ifndef BANNED_H
#define BANNED_H
/*
 * Functions tally must not use (after git's banned.h). Parsers of data are
 * bounded and strict (qty_parse, date_parse, ...); output goes through
 * snprintf or strbuf; dates are computed by calendar arithmetic, never by
 * the C library's time zone machinery.
 */
#define BANNED(func) sorry_##func##_is_a_banned_function

#undef atoi
#define atoi(x) BANNED(atoi)
#undef atol
#define atol(x) BANNED(atol)
#undef atof
#define atof(x) BANNED(atof)
#undef strtod
#define strtod(x, y) BANNED(strtod)
#undef sscanf
#define sscanf(...) BANNED(sscanf)
#undef sprintf
#define sprintf(...) BANNED(sprintf)
#undef vsprintf
#define vsprintf(...) BANNED(vsprintf)
#undef strcpy
#define strcpy(x, y) BANNED(strcpy)
#undef strcat
#define strcat(x, y) BANNED(strcat)
#undef gmtime
#define gmtime(x) BANNED(gmtime)
#undef localtime
#define localtime(x) BANNED(localtime)

#endif
