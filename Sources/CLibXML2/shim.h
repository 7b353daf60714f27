#ifndef PINGSHEN_CLIBXML2_SHIM_H
#define PINGSHEN_CLIBXML2_SHIM_H
// Debian's libxml2 headers pull in the system ICU, which clashes with the ICU bundled in
// Foundation on Swift 6.3.x ("'U_MF_…' is not present in definition of 'enum UErrorCode'").
// We never touch xmlCharEncodingHandler, so ICU support can be hidden from Swift.
#include <libxml/xmlversion.h>
#undef LIBXML_ICU_ENABLED
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xmlerror.h>
#include <libxml/xmlsave.h>
#include <libxml/xmlwriter.h>
#include <libxml/xmlreader.h>
#endif
