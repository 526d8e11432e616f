"""The full-text side of the index, as each database does it best (R18).

PostgreSQL: three tsvector columns with GIN indexes, pg_trgm GIN indexes for substrings of
names, addresses, services, file names and numbers. SQLite: an FTS5 table whose rowid is
the ticket id. Each half is a no-op on the other database.
"""

from django.db import migrations

POSTGRES = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "ALTER TABLE search_document ADD COLUMN subject_vector tsvector NOT NULL DEFAULT ''",
    "ALTER TABLE search_document ADD COLUMN body_vector tsvector NOT NULL DEFAULT ''",
    "ALTER TABLE search_document ADD COLUMN notes_vector tsvector NOT NULL DEFAULT ''",
    "CREATE INDEX search_subject_gin ON search_document USING gin (subject_vector)",
    "CREATE INDEX search_body_gin ON search_document USING gin (body_vector)",
    "CREATE INDEX search_notes_gin ON search_document USING gin (notes_vector)",
    "CREATE INDEX search_meta_trgm ON search_document USING gin (meta gin_trgm_ops)",
    "CREATE INDEX search_requester_trgm ON search_document USING gin (requester gin_trgm_ops)",
]
POSTGRES_REVERSE = [
    "DROP INDEX IF EXISTS search_meta_trgm",
    "DROP INDEX IF EXISTS search_requester_trgm",
    "ALTER TABLE search_document DROP COLUMN subject_vector",
    "ALTER TABLE search_document DROP COLUMN body_vector",
    "ALTER TABLE search_document DROP COLUMN notes_vector",
]
SQLITE = [
    "CREATE VIRTUAL TABLE search_fts USING fts5("
    "subject, body, notes, tokenize = 'unicode61 remove_diacritics 0')",
]
SQLITE_REVERSE = ["DROP TABLE IF EXISTS search_fts"]


def _run(statements: dict[str, list[str]]):
    def run(apps, schema_editor):
        for sql in statements.get(schema_editor.connection.vendor, []):
            schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [("search", "0001_search_index_and_saved_views")]

    operations = [
        migrations.RunPython(
            _run({"postgresql": POSTGRES, "sqlite": SQLITE}),
            _run({"postgresql": POSTGRES_REVERSE, "sqlite": SQLITE_REVERSE}),
        ),
    ]
