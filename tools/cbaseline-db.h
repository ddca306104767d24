/*
 * cbaseline-db.h - cbaseline's commands on a shared store (a PostgreSQL
 * database, cstat_store_*()), through a private copy of what the command
 * reads (cbaseline-db.c).
 */
#ifndef CSTAT_TOOLS_CBASELINE_DB_H
#define CSTAT_TOOLS_CBASELINE_DB_H

/* A command run on a store directory dir: the exit status. */
typedef int (*db_run_fn)(void *ctx, const char *dir, const char *cmd, int argc,
			 char **argv);

/*
 * Runs command cmd (argc/argv as run_command() hands them over: flags,
 * "--", NAME and FILES) on the shared store at location, for the project
 * $CSTAT_PROJECT (else "default"): what the command reads is copied from
 * the database into a private directory, run() runs the command there,
 * and what it wrote (record, save, rm, prune) goes back to the database.
 * Messages name the location, without its password, in place of the
 * directory.
 * @return the command's exit status; 2 after saying why it could not run.
 */
int db_command(const char *location, const char *cmd, int argc, char **argv,
	       db_run_fn run, void *ctx);

/* The index in argv of merge's OTHER_STORE when it is a shared store
 * (argv as db_command()'s), else -1. */
int db_merge_other(int argc, char **argv);

/*
 * merge (argv as db_command()'s) of the shared store OTHER_STORE into the
 * store directory dir: the shared store is copied into a private
 * directory and run() merges that in.
 * @return merge's exit status; 2 after saying why it could not run.
 */
int db_merge_into_dir(const char *dir, int argc, char **argv, db_run_fn run,
		      void *ctx);

#endif
