"""Real PostgreSQL faults on the test database, for processes started by the tests (issue 18).

A trigger on the inbound-mail table, switched by a one-row table, makes the raw write of
the store (the bare psycopg cursor's `UPDATE ... SET raw`) either fail with a real
`disk_full` error (SQLSTATE 53100) raised by the server, or wait on an advisory lock that
the test holds: the test then finds that backend in pg_stat_activity and ends it with
`pg_terminate_backend`, as an operator or a server restart would (MAIL.md, "Testing faults
without breaking the shared services": only that backend, never the cluster).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import psycopg

from tests.helpers import wait_for
from tests.workers import database_url

LOCK_KEY = 180018

SETUP = f"""
CREATE TABLE IF NOT EXISTS test_fault (mode text NOT NULL);
DELETE FROM test_fault;
INSERT INTO test_fault VALUES ('');
CREATE OR REPLACE FUNCTION test_fault_raw() RETURNS trigger AS $$
DECLARE
    wanted text;
BEGIN
    SELECT mode INTO wanted FROM test_fault;
    IF wanted = 'disk_full' THEN
        RAISE EXCEPTION 'could not extend file "base/1/2": No space left on device'
            USING ERRCODE = '53100',
                  HINT = 'Check free disk space.';
    ELSIF wanted = 'wait' THEN
        PERFORM pg_advisory_xact_lock({LOCK_KEY});
    END IF;
    RETURN NEW;
END
$$ LANGUAGE plpgsql;
DROP TRIGGER IF EXISTS test_fault_raw ON mailgateway_inboundmail;
CREATE TRIGGER test_fault_raw BEFORE UPDATE OF raw ON mailgateway_inboundmail
    FOR EACH ROW EXECUTE FUNCTION test_fault_raw();
"""
TEARDOWN = """
DROP TRIGGER IF EXISTS test_fault_raw ON mailgateway_inboundmail;
DROP FUNCTION IF EXISTS test_fault_raw();
DROP TABLE IF EXISTS test_fault;
"""


class Faults:
    def __init__(self, conn: psycopg.Connection) -> None:
        self.conn = conn

    def set(self, mode: str) -> None:
        self.conn.execute("UPDATE test_fault SET mode = %s", [mode])

    @contextmanager
    def held(self) -> Iterator[None]:
        """Raw writes wait (mode 'wait') while the test holds the advisory lock."""
        self.conn.execute("SELECT pg_advisory_lock(%s)", [LOCK_KEY])
        try:
            yield
        finally:
            self.conn.execute("SELECT pg_advisory_unlock(%s)", [LOCK_KEY])

    def waiting_backend(self, query_start: str) -> int | None:
        row = self.conn.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
            "AND pid <> pg_backend_pid() AND wait_event_type = 'Lock' AND query LIKE %s",
            [query_start + "%"],
        ).fetchone()
        return row[0] if row else None

    def terminate_waiting(self, query_start: str) -> int:
        """Ends the backend that waits on our lock in `query_start...`; its pid."""
        found: list[int] = []

        def waiting() -> bool:
            pid = self.waiting_backend(query_start)
            if pid is not None:
                found.append(pid)
            return pid is not None

        wait_for(waiting, what=f"a backend waiting in {query_start!r}")
        self.conn.execute("SELECT pg_terminate_backend(%s)", [found[0]])
        return found[0]


@contextmanager
def db_faults() -> Iterator[Faults]:
    """The trigger on the test database (transaction=True tests), removed afterwards."""
    with psycopg.connect(database_url(), autocommit=True) as conn:
        conn.execute(SETUP)
        try:
            yield Faults(conn)
        finally:
            conn.execute(TEARDOWN)
