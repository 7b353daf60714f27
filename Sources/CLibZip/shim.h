#ifndef PINGSHEN_CLIBZIP_SHIM_H
#define PINGSHEN_CLIBZIP_SHIM_H
#include <zip.h>
#endif
