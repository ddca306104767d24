/*
 * cbaseline-cache.c - the folders of cbaseline's cache on the client
 * (cbaseline-cache.h, docs/cbaseline.md "A cache on the client").
 *
 * A database's history read whole (history, detect, export, forecast) is
 * kept in a folder of its own under $CSTAT_CACHE, else
 * $XDG_CACHE_HOME/cstat, else ~/.cache/cstat, named by a hash of the
 * location without its password, the project and the history: no
 * password is ever in a path or a file.  What the folder holds and how it
 * is kept current is the library's (cstat_store_history_cache()); this
 * file finds the folder, makes it (0700), refuses one that is a symbolic
 * link, not the user's or writable by others (saying so on stderr: the
 * command still runs, on a private copy), and locks it for the command
 * (flock, without waiting: a command that finds it locked reads a
 * private copy).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cbaseline-cache.h"

#define PROG "cbaseline"

/* The cache's root into buf: 0, or 1 when there is none (CSTAT_CACHE
 * "off", no home). */
static int
root_path(char *buf, size_t size)
{
	const char *env = getenv("CSTAT_CACHE");
	const char *xdg = getenv("XDG_CACHE_HOME");
	const char *home = getenv("HOME");
	int n;

	if (env && strcmp(env, "off") == 0)
		return 1;
	if (env && *env)
		n = snprintf(buf, size, "%s", env);
	else if (xdg && *xdg == '/')
		n = snprintf(buf, size, "%s/cstat", xdg);
	else if (home && *home)
		n = snprintf(buf, size, "%s/.cache/cstat", home);
	else
		return 1;
	return n > 0 && (size_t)n < size ? 0 : 1;
}

/* Makes path and the folders it lies in, each missing one 0700. */
static void
make_path(char *path)
{
	for (char *p = path + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		(void)mkdir(path, 0700);
		*p = '/';
	}
	(void)mkdir(path, 0700);
}

/* Why the folder open as fd is no place for the cache, or NULL. */
static const char *
unsafe(int fd)
{
	struct stat st;

	if (fstat(fd, &st) != 0 || !S_ISDIR(st.st_mode))
		return "it is not a folder";
	if (st.st_uid != geteuid())
		return "it is not the user's";
	if (st.st_mode & 022)
		return "others may write to it";
	return NULL;
}

/* Opens folder name of at (AT_FDCWD for a path) without following a
 * link, and checks it: its fd, or -1 after saying why it is refused
 * (*refused) or when it cannot be opened. */
static int
open_safe(int at, const char *name, const char *shown, bool *refused)
{
	struct stat st;
	const char *why = NULL;
	int fd;

	if (fstatat(at, name, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
	    S_ISLNK(st.st_mode))
		why = "it is a symbolic link";
	fd = why ? -1
		 : openat(at, name,
			  O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd >= 0 && (why = unsafe(fd)) != NULL) {
		close(fd);
		fd = -1;
	}
	if (why) {
		fprintf(stderr, "%s: the cache %s is not used: %s\n", PROG,
			shown, why);
		*refused = true;
	}
	return fd;
}

/* FNV-1a, 64 bits, of bytes[0..len) from h. */
static uint64_t
fnv(uint64_t h, const char *bytes, size_t len)
{
	for (size_t i = 0; i < len; i++)
		h = (h ^ (unsigned char)bytes[i]) * 0x100000001b3ULL;
	return h;
}

int
cache_open(const char *where, const char *project, const char *name, char *path,
	   size_t size)
{
	char root[1024], key[2048], sub[40];
	bool refused = false;
	int rfd, fd;
	int n = snprintf(key, sizeof(key), "%s%c%s%c%s", where, '\0',
			 project ? project : "default", '\0', name);

	if (n < 0 || (size_t)n >= sizeof(key) || root_path(root, sizeof(root)))
		return -1;
	/* Two hashes of 64 bits from two starts: the folder's name. */
	snprintf(
		sub, sizeof(sub), "%016llx%016llx",
		(unsigned long long)fnv(0xcbf29ce484222325ULL, key, (size_t)n),
		(unsigned long long)fnv(0x84222325cbf29ce4ULL, key, (size_t)n));
	make_path(root);
	if ((rfd = open_safe(AT_FDCWD, root, root, &refused)) < 0)
		return -1;
	n = snprintf(path, size, "%s/%s", root, sub);
	if (n < 0 || (size_t)n >= size) {
		close(rfd);
		return -1;
	}
	(void)mkdirat(rfd, sub, 0700);
	fd = open_safe(rfd, sub, path, &refused);
	close(rfd);
	if (fd >= 0 && flock(fd, LOCK_EX | LOCK_NB) != 0) {
		close(fd);
		fd = -1;
	}
	return fd;
}

void
cache_close(int fd)
{
	if (fd >= 0)
		close(fd); /* and its lock with it */
}
