#ifndef PINGSHEN_CQRENCODE_SHIM_H
#define PINGSHEN_CQRENCODE_SHIM_H
#include <qrencode.h>
#endif
