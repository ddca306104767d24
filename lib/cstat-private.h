/*
 * cstat-private.h - internals shared by the modules of libcstat.
 *
 * Nothing here is part of the public interface.  This is an umbrella: the
 * internals are split by job into the headers below, and a module may
 * include this one to have them all (every module of the library did
 * before the split, and may go on doing so), or only the ones it uses.
 *
 *   containers.h  arena, buffer, string and sequence interning, the 64-bit
 *                 map, the value pool, hashing (containers.c, seqtab.c)
 *   text.h        UTF-8, widths, Markdown and CSV escapes, trimming (text.c)
 *   json.h        the JSON writers' and readers' helpers over cJSON (json.c)
 *   error-private.h  diagnostics and errno wording (error.c)
 *   reader.h      the reader's private entry points (reader.c)
 *   builder.h     the builder's private entry points (builder.c)
 */
#ifndef CSTAT_PRIVATE_H
#define CSTAT_PRIVATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "cstat.h"

#include "builder.h"
#include "containers.h"
#include "error-private.h"
#include "json.h"
#include "reader.h"
#include "text.h"

#define CSTAT__UNUSED(x) ((void)(x))

#endif /* CSTAT_PRIVATE_H */
