#ifndef VERSION_H
#define VERSION_H
/* tally's version, written into the month's manifest.json (bundle.c) */
#define TALLY_VERSION "0.1.0"
#endif
