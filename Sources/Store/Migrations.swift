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
                    -- Projection: every stream's version, status and head hash, always current, and a
                    -- snapshot of its state as of snapshot_version (the events after it are replayed).
                    CREATE TABLE streams (
                        kind TEXT NOT NULL,
                        id TEXT NOT NULL,
                        version INTEGER NOT NULL,
                        status TEXT NOT NULL,
                        state TEXT NOT NULL,
                        snapshot_version INTEGER NOT NULL,
                        head_hash TEXT NOT NULL,
                        updated_at TEXT NOT NULL,
                        PRIMARY KEY (kind, id)
                    ) WITHOUT ROWID;
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
        m.registerMigration("2026-11-27-registry") { db in
            // Reference data: who and what the streams are about. Changes to standing and
            // integrity are streams (unit, person); these rows are the registry entries.
            try db.execute(
                sql: """
                    CREATE TABLE units (
                        id TEXT PRIMARY KEY,
                        name TEXT NOT NULL,
                        credit_code TEXT NOT NULL UNIQUE,
                        kind TEXT NOT NULL,
                        self_review INTEGER NOT NULL DEFAULT 0
                    ) WITHOUT ROWID;
                    CREATE TABLE people (
                        id TEXT PRIMARY KEY,
                        name TEXT NOT NULL,
                        resident_id TEXT NOT NULL UNIQUE,
                        unit_id TEXT NOT NULL REFERENCES units (id),
                        current_level TEXT,
                        retired INTEGER NOT NULL DEFAULT 0
                    ) WITHOUT ROWID;
                    CREATE TABLE committees (
                        id TEXT PRIMARY KEY,
                        name TEXT NOT NULL,
                        series TEXT NOT NULL,
                        level TEXT NOT NULL,
                        scope TEXT NOT NULL,
                        member_count INTEGER NOT NULL,
                        term_start TEXT NOT NULL,
                        term_end TEXT NOT NULL
                    ) WITHOUT ROWID;
                    CREATE TABLE experts (
                        id TEXT PRIMARY KEY,
                        name TEXT NOT NULL,
                        unit_id TEXT NOT NULL,
                        committee_id TEXT NOT NULL REFERENCES committees (id),
                        title TEXT NOT NULL,
                        term_end TEXT NOT NULL
                    ) WITHOUT ROWID;
                    CREATE INDEX experts_by_committee ON experts (committee_id);
                    -- Resumable batch jobs (the demo season): the last step done, written in
                    -- the same transaction as the step.
                    CREATE TABLE job_progress (
                        job TEXT PRIMARY KEY,
                        step INTEGER NOT NULL
                    ) WITHOUT ROWID;
                    """)
        }
        m.registerMigration("2026-11-27-declarations") { db in
            // The declaration data each submission pledged for, written with the submit step.
            try db.execute(
                sql: """
                    CREATE TABLE declarations (
                        application_id TEXT NOT NULL,
                        version INTEGER NOT NULL,
                        form_id TEXT NOT NULL,
                        form_version TEXT NOT NULL,
                        data TEXT NOT NULL,
                        data_sha256 TEXT NOT NULL,
                        pledge TEXT NOT NULL,
                        submitted_at TEXT NOT NULL,
                        PRIMARY KEY (application_id, version)
                    ) WITHOUT ROWID;
                    """)
        }
        m.registerMigration("2026-11-27-documents-by-stream") { db in
            // Dossiers are gathered per application, list documents counted per kind.
            try db.execute(
                sql: """
                    CREATE INDEX documents_by_stream ON documents (stream_kind, stream_id);
                    CREATE INDEX documents_by_kind ON documents (kind, subject);
                    """)
        }
        m.registerMigration("2026-11-27-web-accounts") { db in
            // The web site's people: accounts (bcrypt hashes, never passwords), sessions (only the
            // SHA-256 of the cookie's token is kept), the applicants' form drafts, the experts'
            // secret ballot boxes and the demo's simulated clock.
            try db.execute(
                sql: """
                    CREATE TABLE accounts (
                        id INTEGER PRIMARY KEY,
                        username TEXT NOT NULL UNIQUE COLLATE NOCASE,
                        password_hash TEXT NOT NULL,
                        role TEXT NOT NULL,
                        display_name TEXT NOT NULL,
                        person_id TEXT,
                        unit_id TEXT,
                        expert_id TEXT,
                        created_at TEXT NOT NULL,
                        disabled INTEGER NOT NULL DEFAULT 0
                    );
                    CREATE TABLE web_sessions (
                        token_hash TEXT PRIMARY KEY,
                        account_id INTEGER NOT NULL REFERENCES accounts (id),
                        csrf TEXT NOT NULL,
                        created_at TEXT NOT NULL,
                        expires_at REAL NOT NULL
                    ) WITHOUT ROWID;
                    CREATE INDEX web_sessions_by_account ON web_sessions (account_id);
                    -- An applicant's declaration before (and between) submissions; the row stays
                    -- after submission and ties the application to the account.
                    CREATE TABLE drafts (
                        application_id TEXT PRIMARY KEY,
                        account_id INTEGER NOT NULL REFERENCES accounts (id),
                        form_id TEXT NOT NULL,
                        data TEXT NOT NULL,
                        updated_at TEXT NOT NULL
                    ) WITHOUT ROWID;
                    CREATE INDEX drafts_by_account ON drafts (account_id);
                    -- Secret ballots 无记名投票: per candidate only the totals and, separately,
                    -- who has put a ballot in the box (ordered by expert, never by time).
                    CREATE TABLE ballot_boxes (
                        session_id TEXT NOT NULL,
                        application_id TEXT NOT NULL,
                        yes INTEGER NOT NULL DEFAULT 0,
                        no INTEGER NOT NULL DEFAULT 0,
                        abstain INTEGER NOT NULL DEFAULT 0,
                        PRIMARY KEY (session_id, application_id)
                    ) WITHOUT ROWID;
                    CREATE TABLE ballot_voters (
                        session_id TEXT NOT NULL,
                        application_id TEXT NOT NULL,
                        expert_id TEXT NOT NULL,
                        PRIMARY KEY (session_id, application_id, expert_id)
                    ) WITHOUT ROWID;
                    CREATE TABLE web_settings (
                        key TEXT PRIMARY KEY,
                        value TEXT NOT NULL
                    ) WITHOUT ROWID;
                    """)
        }
        m.registerMigration("2026-11-27-snapshots-apart") { db in
            // State snapshots move out of `streams` into their own table. A stream's row is
            // rewritten by every transition; with the state inside it, a committee session's
            // 40–90 KB state (every ballot so far) was rewritten, overflow pages and all, on
            // each ballot. Now the row is small and the snapshot is written only when
            // `EventStore.snapshotInterval` events have passed. documents_by_subject goes: every
            // query by subject also names the kind (documents_by_kind), and each index is one
            // more page written per queued document.
            try db.execute(
                sql: """
                    CREATE TABLE snapshots (
                        kind TEXT NOT NULL,
                        id TEXT NOT NULL,
                        version INTEGER NOT NULL,
                        state TEXT NOT NULL,
                        PRIMARY KEY (kind, id)
                    ) WITHOUT ROWID;
                    INSERT INTO snapshots (kind, id, version, state)
                        SELECT kind, id, snapshot_version, state FROM streams;
                    ALTER TABLE streams DROP COLUMN state;
                    ALTER TABLE streams DROP COLUMN snapshot_version;
                    DROP INDEX documents_by_subject;
                    """)
        }
        m.registerMigration("2026-11-30-declaration-pledge-text") { db in
            // The exact pledge text each submission signed, kept with the declaration: the
            // archived 承诺书 prints this text, never the form's current one. Rows written
            // before keep NULL (their text is the form version's, found by its hash).
            try db.execute(sql: "ALTER TABLE declarations ADD COLUMN pledge_text TEXT")
        }
        m.registerMigration("2026-11-30-application-index") { db in
            // Who and what each application is about, from the profile of its `created` event
            // (never changed afterwards): lists by unit without reading event JSON. Kept by
            // `StoreTransaction.execute` in the transaction of the step that sets the profile;
            // the status stays in `streams`. Filled here from the log.
            try db.execute(
                sql: """
                    CREATE TABLE application_index (
                        id TEXT PRIMARY KEY,
                        person_id TEXT NOT NULL,
                        unit_id TEXT NOT NULL,
                        series TEXT NOT NULL,
                        level TEXT NOT NULL,
                        track TEXT NOT NULL
                    ) WITHOUT ROWID;
                    CREATE INDEX application_index_by_unit ON application_index (unit_id, id);
                    INSERT OR REPLACE INTO application_index (id, person_id, unit_id, series, level, track)
                        SELECT stream_id, json_extract(payload, '$.created.profile.personID'),
                               json_extract(payload, '$.created.profile.unitID'),
                               json_extract(payload, '$.created.profile.series'),
                               json_extract(payload, '$.created.profile.level'),
                               COALESCE(json_extract(payload, '$.created.profile.track'), 'normal')
                        FROM events WHERE stream_kind = 'application' AND type = 'created'
                        ORDER BY seq;
                    """)
        }
        m.registerMigration("2026-12-01-account-per-person-and-upload-usage") { db in
            // One account per person (ID number): registrations racing each other could make
            // several, each able to read the others' documents. A database that already has such
            // duplicates is not changed; the migration stops and names them (the office decides
            // which account stays). Also the bytes each account has uploaded (content-addressed:
            // one row per account and file), for the per-account upload quota.
            let duplicates = try Row.fetchAll(
                db,
                sql: """
                    SELECT person_id, group_concat(username, '、') AS usernames, COUNT(*) AS n
                    FROM accounts WHERE person_id IS NOT NULL
                    GROUP BY person_id HAVING COUNT(*) > 1 ORDER BY person_id
                    """)
            if !duplicates.isEmpty {
                let list = duplicates.map { row -> String in
                    let person: String = row["person_id"]
                    let names: String = row["usernames"]
                    let count: Int = row["n"]
                    return "\(person)(\(count) 个账户：\(names))"
                }
                throw MigrationRefusal(
                    "数据库升级未完成：账户表中有 \(duplicates.count) 个身份证号码各对应多个账户，无法加上“一个身份证号码只能注册一个账户”的约束。"
                        + "请先停用或删除多余的账户后再启动：" + list.joined(separator: "；") + "。")
            }
            try db.execute(
                sql: """
                    CREATE UNIQUE INDEX accounts_by_person ON accounts (person_id) WHERE person_id IS NOT NULL;
                    CREATE TABLE upload_usage (
                        account_id INTEGER NOT NULL REFERENCES accounts (id),
                        sha256 TEXT NOT NULL,
                        size INTEGER NOT NULL,
                        uploaded_at TEXT NOT NULL,
                        PRIMARY KEY (account_id, sha256)
                    ) WITHOUT ROWID;
                    """)
        }
        m.registerMigration("2026-12-01-password-reset-codes") { db in
            // A one-time code the administrator hands over (or the office, after checking the
            // person's identity): only its SHA-256 is kept, with when it stops working.
            try db.execute(
                sql: """
                    ALTER TABLE accounts ADD COLUMN reset_code_hash TEXT;
                    ALTER TABLE accounts ADD COLUMN reset_expires_at TEXT;
                    """)
        }
        m.registerMigration("2026-12-02-log-checkpoints") { db in
            // Signed checkpoints of the log: every stream's head at one point (a hash over the
            // sorted heads, the log's last seq and event count), signed with the office key and
            // chained to the previous checkpoint. The same record is written outside the
            // database (DIR/checkpoints/<n>.json), so deleting or rewriting history before a
            // checkpoint is found even when the whole database was edited.
            try db.execute(
                sql: """
                    CREATE TABLE checkpoints (
                        number INTEGER PRIMARY KEY,
                        body TEXT NOT NULL,
                        key_id TEXT NOT NULL,
                        signature TEXT NOT NULL,
                        created_at TEXT NOT NULL
                    );
                    """)
        }
        m.registerMigration("2026-12-02-committee-decisions-and-expert-pool") { db in
            // Committees set up by a decision (its 文号) for a jurisdiction (the city or a county's
            // division code); experts of the pool with their unit's credit code and name (for
            // recusal), specialties (one per line), term start and status (active, suspended).
            try db.execute(
                sql: """
                    ALTER TABLE committees ADD COLUMN jurisdiction TEXT NOT NULL DEFAULT 'city';
                    ALTER TABLE committees ADD COLUMN decision_number TEXT;
                    ALTER TABLE experts ADD COLUMN unit_credit_code TEXT;
                    ALTER TABLE experts ADD COLUMN unit_name TEXT;
                    ALTER TABLE experts ADD COLUMN specialties TEXT NOT NULL DEFAULT '';
                    ALTER TABLE experts ADD COLUMN term_start TEXT;
                    ALTER TABLE experts ADD COLUMN status TEXT NOT NULL DEFAULT 'active';
                    """)
        }
        m.registerMigration("2026-12-03-inbox-and-outbox") { db in
            // The inbox 站内消息: messages derived from the events a step appends, written in the
            // step's transaction (`StoreTransaction.execute`), each for a person, a unit or an
            // expert, with the event it came from; read when the recipient opens it. The outbox:
            // the messages to mail (only those whose recipient had a confirmed e-mail address),
            // sent by the notifier with retries; resumable after a restart. E-mail addresses on
            // accounts, confirmed by a code mailed to them.
            try db.execute(
                sql: """
                    CREATE TABLE messages (
                        id INTEGER PRIMARY KEY,
                        recipient_kind TEXT NOT NULL,
                        recipient_id TEXT NOT NULL,
                        subject TEXT NOT NULL,
                        body TEXT NOT NULL,
                        link TEXT NOT NULL,
                        stream_kind TEXT NOT NULL,
                        stream_id TEXT NOT NULL,
                        version INTEGER NOT NULL,
                        created_at TEXT NOT NULL,
                        read_at TEXT
                    );
                    CREATE INDEX messages_by_recipient ON messages (recipient_kind, recipient_id, id);
                    CREATE TABLE outbox (
                        message_id INTEGER PRIMARY KEY REFERENCES messages (id),
                        attempts INTEGER NOT NULL DEFAULT 0,
                        next_attempt_at TEXT NOT NULL,
                        sent_at TEXT,
                        failed_at TEXT,
                        last_error TEXT
                    );
                    CREATE INDEX outbox_pending ON outbox (next_attempt_at) WHERE sent_at IS NULL AND failed_at IS NULL;
                    ALTER TABLE accounts ADD COLUMN email TEXT;
                    ALTER TABLE accounts ADD COLUMN email_confirmed INTEGER NOT NULL DEFAULT 0;
                    ALTER TABLE accounts ADD COLUMN email_code_hash TEXT;
                    CREATE INDEX accounts_by_unit ON accounts (unit_id) WHERE unit_id IS NOT NULL;
                    CREATE INDEX accounts_by_expert ON accounts (expert_id) WHERE expert_id IS NOT NULL;
                    CREATE INDEX accounts_by_email ON accounts (email COLLATE NOCASE) WHERE email IS NOT NULL;
                    """)
        }
        m.registerMigration("2026-12-03-archive-outbox") { db in
            // Decisions to file as signed packages, queued in the decision's own transaction
            // (`as_of_seq`: the last event of that transaction — the package covers the log up to
            // it, so a rebuild gives the same bytes), then built after commit by the archive
            // builder: pending → built (the package's name) or failed (the reason, retried).
            try db.execute(
                sql: """
                    CREATE TABLE archive_outbox (
                        kind TEXT NOT NULL,
                        reference TEXT NOT NULL,
                        as_of_seq INTEGER NOT NULL,
                        queued_at TEXT NOT NULL,
                        status TEXT NOT NULL DEFAULT 'pending',
                        attempts INTEGER NOT NULL DEFAULT 0,
                        built_at TEXT,
                        package TEXT,
                        error TEXT,
                        PRIMARY KEY (kind, reference)
                    );
                    CREATE INDEX archive_outbox_status ON archive_outbox (status, as_of_seq);
                    -- The archive's catalogue: every record 件 of every package, with its 档号 (the
                    -- series 全宗号-年度-保管期限-机构 and a gap-free 件号 from the counter
                    -- `archive-item/<series>`), given once when the package is first filed and
                    -- kept for every rebuild; with what the archivist searches by.
                    CREATE TABLE archive_records (
                        code TEXT PRIMARY KEY,
                        series TEXT NOT NULL,
                        item INTEGER NOT NULL,
                        package TEXT NOT NULL,
                        decision TEXT NOT NULL,
                        path TEXT NOT NULL,
                        kind TEXT NOT NULL,
                        title TEXT NOT NULL,
                        document_number TEXT,
                        date TEXT NOT NULL,
                        year INTEGER NOT NULL,
                        retention TEXT NOT NULL,
                        classification TEXT NOT NULL,
                        size INTEGER NOT NULL,
                        format TEXT NOT NULL,
                        sha256 TEXT NOT NULL,
                        application_id TEXT,
                        person_name TEXT,
                        id_number TEXT,
                        certificate_number TEXT,
                        title_series TEXT,
                        level TEXT,
                        UNIQUE (package, path),
                        UNIQUE (series, item)
                    );
                    CREATE INDEX archive_records_by_package ON archive_records (package, code);
                    """)
        }
        m.registerMigration("2026-12-04-unit-county") { db in
            // Devolution (seed item 6): the county 县（市、区） a unit belongs to (its six-digit
            // division code; NULL at city level), whose committee reviews devolved series.
            try db.execute(sql: "ALTER TABLE units ADD COLUMN county TEXT")
        }
        m.registerMigration("2026-12-05-account-county") { db in
            // Seed item 6: the county 县（市、区） an office or committee account works for
            // (six-digit division code; NULL: the city's staff). Set by `AdministrationMachine.setScope`.
            try db.execute(sql: "ALTER TABLE accounts ADD COLUMN county TEXT")
        }
        m.registerMigration("2026-12-05-certificate-runs") { db in
            // The office's certificate runs (`Store/Certificates.swift`): the applications of a
            // confirmation 文号 and the certificates issued under it, found by the 文号 inside
            // the payload of their `confirmed`/`filed`/`issued` events without reading every one.
            try db.execute(
                sql: """
                    CREATE INDEX events_confirmed_by_number ON events (json_extract(payload, '$.confirmed.documentNumber'))
                        WHERE stream_kind = 'application' AND type = 'confirmed';
                    CREATE INDEX events_filed_by_number ON events (json_extract(payload, '$.filed.documentNumber'))
                        WHERE stream_kind = 'application' AND type = 'filed';
                    CREATE INDEX events_certificates_by_approval
                        ON events (json_extract(payload, '$.issued.details.approvalDocumentNumber'))
                        WHERE stream_kind = 'certificate' AND type = 'issued';
                    """)
        }
        m.registerMigration("2026-12-06-application-index-jurisdiction") { db in
            // Seed item 6: the jurisdiction whose committee reviews each application (`Routing`:
            // `city`, a county's code or `unit:<id>`), so a county's staff list only their
            // county's applications in the query. From the profile of the `created` event.
            try db.execute(
                sql: """
                    ALTER TABLE application_index ADD COLUMN jurisdiction TEXT NOT NULL DEFAULT 'city';
                    UPDATE application_index SET jurisdiction = COALESCE(
                        (SELECT COALESCE(json_extract(e.payload, '$.created.profile.jurisdiction'),
                                CASE WHEN json_extract(e.payload, '$.created.profile.unitHasSelfReviewAuthority')
                                    THEN 'unit:' || json_extract(e.payload, '$.created.profile.unitID') END)
                         FROM events e WHERE e.stream_kind = 'application' AND e.type = 'created'
                             AND e.stream_id = application_index.id ORDER BY e.seq DESC LIMIT 1), 'city');
                    CREATE INDEX application_index_by_jurisdiction ON application_index (jurisdiction, id);
                    """)
        }
        m.registerMigration("2026-12-07-certificate-index") { db in
            // Issue 15: the certificates listed, searched and paged without the log — one row a
            // certificate (`Store/Certificates.swift`), written in the transaction of its `issued`
            // event (`StoreTransaction.indexCertificate`), ordered by number within its 文号, so a
            // page of a run of 20,000 reads its 50 rows. Filled here from the log for databases
            // that issued certificates before.
            try db.execute(
                sql: """
                    CREATE TABLE certificate_index (
                        number TEXT PRIMARY KEY,
                        approval TEXT NOT NULL,
                        application_id TEXT NOT NULL,
                        holder_id TEXT NOT NULL,
                        holder_name TEXT NOT NULL,
                        series TEXT NOT NULL,
                        level TEXT NOT NULL,
                        issued_on TEXT NOT NULL
                    ) WITHOUT ROWID;
                    INSERT OR REPLACE INTO certificate_index
                        (number, approval, application_id, holder_id, holder_name, series, level, issued_on)
                    SELECT stream_id, json_extract(payload, '$.issued.details.approvalDocumentNumber'),
                        json_extract(payload, '$.issued.details.applicationID'),
                        json_extract(payload, '$.issued.details.holderID'),
                        json_extract(payload, '$.issued.details.holderName'),
                        json_extract(payload, '$.issued.details.series'),
                        json_extract(payload, '$.issued.details.level'),
                        json_extract(payload, '$.issued.details.issuedOn')
                    FROM events WHERE stream_kind = 'certificate' AND type = 'issued' ORDER BY seq;
                    CREATE INDEX certificate_index_by_approval ON certificate_index (approval, number);
                    CREATE INDEX certificate_index_by_application ON certificate_index (application_id);
                    """)
        }
        return m
    }
}

/// A migration that cannot run on this database's data: the message (Chinese) says what to fix.
/// Nothing of the migration is written (it runs in a transaction).
public struct MigrationRefusal: Error, CustomStringConvertible, Sendable {
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
