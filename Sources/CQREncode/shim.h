#ifndef PINGSHEN_CQRENCODE_SHIM_H
#define PINGSHEN_CQRENCODE_SHIM_H
#include <qrencode.h>

/* Encodes with the given mask pattern (0-7; -1: libqrencode chooses). Exported by libqrencode
   (3.x and 4.x) but declared only in its qrencode_inner.h, which is not installed: Pingshen
   chooses the mask itself (Documents/QRMask.swift), since libqrencode's choice evaluates eight
   full masked copies of the symbol and was most of a certificate's rendering time. */
extern QRcode *QRcode_encodeMask(QRinput *input, int mask);
#endif
