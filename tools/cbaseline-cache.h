/*
 * cbaseline-cache.h - the folders of cbaseline's cache on the client,
 * where a database's history read whole is kept between commands
 * (cbaseline-cache.c).
 */
#ifndef CBASELINE_CACHE_H
#define CBASELINE_CACHE_H

#include <stdbool.h>
#include <stddef.h>

/*
 * The cache's folder for history name of project at where (a location
 * without its password), made if missing and locked for the caller: its
 * fd, with its path written to path.  -1 when there is no cache
 * (CSTAT_CACHE=off, no home), when the folder or the cache's root is
 * refused (a symbolic link, not the user's, writable by others: said on
 * stderr), when another command holds its lock, or when it cannot be
 * made.  The caller then reads without it.
 */
int cache_open(const char *where, const char *project, const char *name,
	       char *path, size_t size);

/* Unlocks and closes what cache_open() opened; -1 is a harmless no-op. */
void cache_close(int fd);

#endif
