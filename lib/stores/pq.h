/*
 * pq.h - libpq, loaded when a PostgreSQL store is opened rather than when
 * the program starts.
 *
 * libpq brings some twenty libraries with it (TLS, Kerberos, LDAP): linked
 * into libcstat they cost every program 6 MB of memory and the time to
 * load them, although only cbaseline with a database location ever talks
 * to a server.  So the PostgreSQL store opens Debian's libpq.so.5 itself
 * and keeps the functions it calls in a table of its own (no global state:
 * each open store holds its table and handle, and the dynamic linker
 * counts the handles).  libpq-fe.h still gives every type and signature,
 * so the compiler checks each call as before.
 */
#ifndef CSTAT_STORES_PQ_H
#define CSTAT_STORES_PQ_H

#include <stddef.h>

#include <libpq-fe.h>

/* The library as the dynamic linker finds it: libpq5's soname. */
#define CSTAT__PQ_SONAME "libpq.so.5"

struct cstat__pq {
	void *dl;
	PGconn *(*connectdb)(const char *conninfo);
	void (*finish)(PGconn *conn);
	ConnStatusType (*status)(const PGconn *conn);
	char *(*errorMessage)(const PGconn *conn);
	PGresult *(*exec)(PGconn *conn, const char *query);
	PGresult *(*execParams)(PGconn *conn, const char *command, int nParams,
				const Oid *paramTypes,
				const char *const *paramValues,
				const int *paramLengths,
				const int *paramFormats, int resultFormat);
	int (*sendQueryParams)(PGconn *conn, const char *command, int nParams,
			       const Oid *paramTypes,
			       const char *const *paramValues,
			       const int *paramLengths, const int *paramFormats,
			       int resultFormat);
	int (*setSingleRowMode)(PGconn *conn);
	PGresult *(*getResult)(PGconn *conn);
	ExecStatusType (*resultStatus)(const PGresult *res);
	char *(*resultErrorMessage)(const PGresult *res);
	char *(*resultErrorField)(const PGresult *res, int fieldcode);
	int (*ntuples)(const PGresult *res);
	char *(*getvalue)(const PGresult *res, int tup_num, int field_num);
	int (*getlength)(const PGresult *res, int tup_num, int field_num);
	int (*getisnull)(const PGresult *res, int tup_num, int field_num);
	char *(*cmdTuples)(PGresult *res);
	void (*clear)(PGresult *res);
	PQconninfoOption *(*conninfoParse)(const char *conninfo, char **errmsg);
	void (*conninfoFree)(PQconninfoOption *connOptions);
	void (*freemem)(void *ptr);
	PQnoticeProcessor (*setNoticeProcessor)(PGconn *conn,
						PQnoticeProcessor proc,
						void *arg);
	/* NULL in a libpq before 14 (pq.c's PQ_OPTIONAL). */
	int (*enterPipelineMode)(PGconn *conn);
	int (*exitPipelineMode)(PGconn *conn);
	int (*pipelineSync)(PGconn *conn);
};

/*
 * Opens libpq and fills q.  On failure q is zeroed and why holds a
 * sentence saying what is missing (the library, or a function in it).
 * @return 0 or CSTAT_EIO.
 */
int cstat__pq_load(struct cstat__pq *q, char *why, size_t size);

/* Closes what cstat__pq_load() opened; a zeroed q is a harmless no-op. */
void cstat__pq_unload(struct cstat__pq *q);

#endif
