#ifndef PINGSHEN_CLIBZIP_SHIM_H
#define PINGSHEN_CLIBZIP_SHIM_H
#include <zip.h>
/* crc32 for ZipAssembler (libzip itself links zlib). */
#include <zlib.h>
#endif
