/*
 * json.h - what the JSON writers and readers share over cJSON (json.c).
 * cJSON's own types stay out of the other headers: struct cJSON is only
 * declared here.
 */
#ifndef CSTAT_JSON_H
#define CSTAT_JSON_H

#include <stdbool.h>
#include <stddef.h>

#include "containers.h"

struct cJSON;

/*
 * Appends s[0..len) to b as a quoted JSON string: quotes, backslashes and
 * control characters escaped, and every byte that is not valid UTF-8
 * replaced by U+FFFD, so the output is valid JSON whatever s holds.
 * @return 0 or CSTAT_ENOMEM.
 */
int cstat__json_quote(struct cstat__buf *b, const char *s, size_t len);

/*
 * A cJSON string item for s quoted by cstat__json_quote() (a raw item):
 * cJSON_CreateString() copies bytes that are not UTF-8 as they are, and a
 * benchmark name can hold any bytes, so every writer of JSON uses this.
 * @return the item, or NULL when out of memory.
 */
struct cJSON *cstat__json_string(const char *s);
/*
 * Adds item to object o under key, or to array o when key is NULL; frees
 * item when that fails.  @return false when item is NULL (out of memory)
 * or could not be added.
 */
bool cstat__json_add(struct cJSON *o, const char *key, struct cJSON *item);
/* s as cstat__json_string() makes it; null for NULL. */
bool cstat__json_add_str(struct cJSON *o, const char *key, const char *s);
/*
 * v as Go's shortest round-trip text, not by cJSON (cJSON 1.7 prints 15
 * digits whenever they read back within an epsilon, so
 * 0.060000000000000005 would come out as 0.06); NaN and the infinities,
 * which are not JSON numbers, as null.
 */
bool cstat__json_add_num(struct cJSON *o, const char *key, double v);
/* n as a JSON integer. */
bool cstat__json_add_count(struct cJSON *o, const char *key, size_t n);

/*
 * cJSON_ParseWithLengthOpts(data, len, end, false) with the numbers read
 * in the "C" locale's syntax whatever the program's LC_NUMERIC: cJSON
 * hands strtod() the number with '.' swapped for the first byte of the
 * locale's decimal point, which misreads a multibyte one (ps_AF's).  The
 * "C" locale is current on this thread for the call only (uselocale()),
 * so other threads and the caller's locale are untouched.
 */
struct cJSON *cstat__json_parse(const char *data, size_t len, const char **end);

#endif /* CSTAT_JSON_H */
