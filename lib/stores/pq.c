/*
 * pq.c - libpq opened on demand (pq.h says why).
 */
#include <dlfcn.h>
#include <stdio.h>
#include <string.h>

#include "cstat.h"
#include "pq.h"

/* Each slot of the table and the name libpq exports its function under. */
#define PQ_FUNCTIONS(X)                                                        \
	X(connectdb, PQconnectdb)                                              \
	X(finish, PQfinish)                                                    \
	X(status, PQstatus)                                                    \
	X(errorMessage, PQerrorMessage)                                        \
	X(exec, PQexec)                                                        \
	X(execParams, PQexecParams)                                            \
	X(sendQueryParams, PQsendQueryParams)                                  \
	X(setSingleRowMode, PQsetSingleRowMode)                                \
	X(getResult, PQgetResult)                                              \
	X(resultStatus, PQresultStatus)                                        \
	X(resultErrorMessage, PQresultErrorMessage)                            \
	X(resultErrorField, PQresultErrorField)                                \
	X(ntuples, PQntuples)                                                  \
	X(getvalue, PQgetvalue)                                                \
	X(getlength, PQgetlength)                                              \
	X(getisnull, PQgetisnull)                                              \
	X(cmdTuples, PQcmdTuples)                                              \
	X(clear, PQclear)                                                      \
	X(conninfoParse, PQconninfoParse)                                      \
	X(conninfoFree, PQconninfoFree)                                        \
	X(freemem, PQfreemem)                                                  \
	X(setNoticeProcessor, PQsetNoticeProcessor)

/* Functions of newer libpq only: their slots stay NULL in an older one,
 * and the callers do without (pipeline mode: libpq 14). */
#define PQ_OPTIONAL(X)                                                         \
	X(enterPipelineMode, PQenterPipelineMode)                              \
	X(exitPipelineMode, PQexitPipelineMode)                                \
	X(pipelineSync, PQpipelineSync)

/* dlsym() gives a void *, which POSIX lets us read as a function
 * pointer: memcpy does it without a cast that ISO C warns about. */
#define PQ_LOOKUP(slot, name)                                                  \
	do {                                                                   \
		void *f = dlsym(q->dl, #name);                                 \
		if (!f) {                                                      \
			snprintf(why, size, "%s lacks %s (a libpq too old)",   \
				 CSTAT__PQ_SONAME, #name);                     \
			cstat__pq_unload(q);                                   \
			return CSTAT_EIO;                                      \
		}                                                              \
		memcpy(&q->slot, &f, sizeof(f));                               \
	} while (0);

#define PQ_LOOKUP_OPTIONAL(slot, name)                                         \
	do {                                                                   \
		void *f = dlsym(q->dl, #name);                                 \
		if (f)                                                         \
			memcpy(&q->slot, &f, sizeof(f));                       \
	} while (0);

int
cstat__pq_load(struct cstat__pq *q, char *why, size_t size)
{
	memset(q, 0, sizeof(*q));
	/* RTLD_NODELETE: libpq and the libraries it brings stay mapped after
	 * the store closes.  Unmapping them before exit crashed
	 * LeakSanitizer's exit-time scan (cbaseline export -format html on a
	 * database, in CI's sanitizer build); a store is opened once or twice
	 * per process, so keeping them costs nothing a process notices.
	 * RTLD_LAZY: the libraries built without -z now (Kerberos, GMP,
	 * libffi) bind a function when it is first called, as when linked,
	 * and a Unix socket or TLS connection calls few of them: 2.2 M of the
	 * 14.8 M instructions the loader spent on libpq and its twenty-two
	 * libraries (docs/performance.md "One benchmark on the database, the
	 * warm read").  libpq itself and most of the others are built with
	 * -z now and bind at once whatever this says; every function of the
	 * table is looked up below, so a libpq that lacks one still fails
	 * here. */
	q->dl = dlopen(CSTAT__PQ_SONAME,
		       RTLD_LAZY | RTLD_LOCAL | RTLD_NODELETE);
	if (!q->dl) {
		snprintf(why, size,
			 "the PostgreSQL store needs libpq (%s): install "
			 "Debian's libpq5",
			 CSTAT__PQ_SONAME);
		return CSTAT_EIO;
	}
	PQ_FUNCTIONS(PQ_LOOKUP)
	PQ_OPTIONAL(PQ_LOOKUP_OPTIONAL)
	return 0;
}

void
cstat__pq_unload(struct cstat__pq *q)
{
	if (q->dl)
		dlclose(q->dl);
	memset(q, 0, sizeof(*q));
}
