#!/usr/bin/env python3
"""A private PostgreSQL cluster for the tests of the PostgreSQL store.

initdb in a temporary folder (as the unprivileged "postgres" user when run
as root), fsync off, no TCP (listen_addresses=''), the Unix socket in the
folder; a database "cstat_test" owned by the superuser "cstat" (trusted on
the socket), and a role "cstat_runner" that must give its password
(scram-sha-256) and is granted nothing: the tests grant it what
docs/cbaseline.md gives a CI runner.  The cluster is stopped and its folder
removed at the end, even when the tests fail.

As a context manager:

    with PgCluster() as pg:
        pg.owner   # libpq key=value string of the owner
        pg.runner  # ... of the least-privilege role, with its password

As a command (for meson):

    pgcluster.py run -- COMMAND ARGS...

runs COMMAND with CSTAT_TEST_PG (the owner's string), CSTAT_TEST_PG_RUNNER
(the runner's) and CSTAT_TEST_PG_URI (the runner's as a URI) set, and
CSTAT_CACHE (cbaseline's cache on the client) in a temporary folder of its
own, removed after, and exits
with its status; 77 (meson's "skipped") when PostgreSQL's server programs
are not installed, saying so.
"""
import glob
import os
import pwd
import shutil
import signal
import subprocess
import sys
import tempfile

DB = "cstat_test"
RUNNER = "cstat_runner"
RUNNER_PASSWORD = "runner-Secr3t-pw"


def server_bindir():
    """The folder of initdb and pg_ctl, or None."""
    found = shutil.which("initdb")
    if found:  # through links, to the folder that holds createdb too
        return os.path.dirname(os.path.realpath(found))
    dirs = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"),
                  key=lambda p: int(p.split("/")[4])
                  if p.split("/")[4].isdigit() else 0)
    return os.path.dirname(dirs[-1]) if dirs else None


class PgCluster:
    def __init__(self):
        self.bindir = server_bindir()
        if not self.bindir:
            raise FileNotFoundError(
                "PostgreSQL's server programs (initdb, pg_ctl) are not "
                "installed: apt-get install postgresql")
        self.dir = None
        self.started = False

    def _as_server_user(self, args, **kw):
        """Runs a server program, as postgres when we are root."""
        if os.geteuid() == 0:
            args = ["runuser", "-u", "postgres", "--"] + args
        return subprocess.run(args, check=True, stdout=subprocess.PIPE,
                              stderr=subprocess.STDOUT, **kw)

    def _psql(self, sql):
        subprocess.run([os.path.join(self.bindir, "psql"), "-X", "-q",
                        "-v", "ON_ERROR_STOP=1", "-d", self.owner,
                        "-c", sql], check=True,
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE)

    def __enter__(self):
        self.dir = tempfile.mkdtemp(prefix="cstat-pg-")
        try:
            self._start()
        except BaseException:
            self.__exit__(None, None, None)
            raise
        return self

    def _start(self):
        if os.geteuid() == 0:
            pw = pwd.getpwnam("postgres")
            os.chown(self.dir, pw.pw_uid, pw.pw_gid)
        os.chmod(self.dir, 0o755)
        data = os.path.join(self.dir, "data")
        self._as_server_user([os.path.join(self.bindir, "initdb"),
                              "-D", data, "-A", "trust", "-U", "cstat",
                              "--no-sync", "-E", "UTF8", "--locale=C"])
        # The owner is trusted on the socket; every other role must give
        # its password, so the tests see real authentication failures.
        hba = ("local all cstat trust\n"
               "local all all scram-sha-256\n")
        hba_path = os.path.join(data, "pg_hba.conf")
        self._as_server_user(["sh", "-c", 'cat > "$1"', "sh", hba_path],
                             input=hba.encode())
        opts = ("-k %s -c listen_addresses='' -c fsync=off "
                "-c synchronous_commit=off -c full_page_writes=off "
                "-c max_connections=100" % self.dir)
        self._as_server_user([os.path.join(self.bindir, "pg_ctl"), "-D",
                              data, "-o", opts, "-l",
                              os.path.join(self.dir, "log"), "-w", "start"])
        self.started = True
        self.owner = "host=%s dbname=%s user=cstat" % (self.dir, DB)
        subprocess.run([os.path.join(self.bindir, "createdb"), "-h",
                        self.dir, "-U", "cstat", DB], check=True)
        self._psql("CREATE ROLE %s LOGIN PASSWORD '%s'"
                   % (RUNNER, RUNNER_PASSWORD))
        self.runner = "host=%s dbname=%s user=%s password=%s" % (
            self.dir, DB, RUNNER, RUNNER_PASSWORD)
        self.runner_uri = "postgresql://%s:%s@/%s?host=%s" % (
            RUNNER, RUNNER_PASSWORD, DB, self.dir)

    def stop(self, mode="fast"):
        if self.started:
            self._as_server_user([os.path.join(self.bindir, "pg_ctl"), "-D",
                                  os.path.join(self.dir, "data"), "-m",
                                  mode, "-w", "stop"])
            self.started = False

    def __exit__(self, *exc):
        try:
            self.stop("immediate")
        except subprocess.CalledProcessError:
            pass
        finally:
            if self.dir:
                shutil.rmtree(self.dir, ignore_errors=True)
                self.dir = None
        return False


def main(argv):
    if len(argv) < 3 or argv[1] != "run" or "--" not in argv:
        print("usage: pgcluster.py run -- COMMAND ARGS...", file=sys.stderr)
        return 2
    cmd = argv[argv.index("--") + 1:]
    # meson ends a test that runs too long with SIGTERM: stop the cluster
    # and remove its folder then too.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    try:
        cluster = PgCluster()
    except FileNotFoundError as e:
        print("skipped: %s" % e)
        return 77
    # cbaseline's cache on the client (docs/cbaseline.md) in a folder of
    # the test's own, never the user's home.
    cache = tempfile.mkdtemp(prefix="cstat-cache-")
    try:
        with cluster as pg:
            env = dict(os.environ, CSTAT_TEST_PG=pg.owner,
                       CSTAT_TEST_PG_RUNNER=pg.runner,
                       CSTAT_TEST_PG_URI=pg.runner_uri,
                       CSTAT_CACHE=os.path.join(cache, "cstat"))
            return subprocess.run(cmd, env=env).returncode
    finally:
        shutil.rmtree(cache, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main(sys.argv))
