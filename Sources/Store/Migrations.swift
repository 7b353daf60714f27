import GRDB

/// Database layout. Migrations have string names and are never edited once shipped: add a new
/// one instead. Raw table names, not app types (GRDB "Good Practices").
enum Migrations {
    static var migrator: DatabaseMigrator {
        var m = DatabaseMigrator()
        m.registerMigration("2026-11-27-event-log") { db in
            // The append-only log: one row per event, chained per stream by hash.
            try db.execute(
                sql: """
                    CREATE TABLE events (
                        seq INTEGER PRIMARY KEY,
                        stream_kind TEXT NOT NULL,
                        stream_id TEXT NOT NULL,
                        version INTEGER NOT NULL,
                        type TEXT NOT NULL,
                        payload TEXT NOT NULL,
                        actor_id TEXT NOT NULL,
                        actor_role TEXT NOT NULL,
                        recorded_at TEXT NOT NULL,
                        prev_hash TEXT NOT NULL,
                        hash TEXT NOT NULL,
                        UNIQUE (stream_kind, stream_id, version)
                    );
                    -- Projection: the current state of every stream, rebuilt from the log on demand.
                    CREATE TABLE streams (
                        kind TEXT NOT NULL,
                        id TEXT NOT NULL,
                        version INTEGER NOT NULL,
                        status TEXT NOT NULL,
                        state TEXT NOT NULL,
                        head_hash TEXT NOT NULL,
                        updated_at TEXT NOT NULL,
                        PRIMARY KEY (kind, id)
                    ) WITHOUT ROWID;
                    CREATE INDEX streams_by_status ON streams (kind, status);
                    -- Documents each step must issue, queued in the same transaction as the step.
                    CREATE TABLE documents (
                        id INTEGER PRIMARY KEY,
                        kind TEXT NOT NULL,
                        subject TEXT NOT NULL,
                        stream_kind TEXT NOT NULL,
                        stream_id TEXT NOT NULL,
                        version INTEGER NOT NULL,
                        status TEXT NOT NULL DEFAULT 'pending',
                        path TEXT,
                        created_at TEXT NOT NULL
                    );
                    CREATE INDEX documents_by_subject ON documents (subject);
                    CREATE INDEX documents_by_status ON documents (status);
                    -- Gap-free counters (certificate numbers per year, document numbers 文号):
                    -- incremented inside the transaction that uses the number.
                    CREATE TABLE sequences (
                        name TEXT PRIMARY KEY,
                        value INTEGER NOT NULL
                    ) WITHOUT ROWID;
                    """)
        }
        return m
    }
}
