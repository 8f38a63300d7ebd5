/// The schema, one step per version; `PRAGMA user_version` records how far a store has come.
/// Steps are only ever appended.
enum Migrations {
    static let steps: [String] = [
        // 1: directory, apps, drafts, attachments, consents.
        """
        CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL);
        CREATE TABLE districts (
            rowid INTEGER PRIMARY KEY,
            leaid TEXT NOT NULL UNIQUE,
            name TEXT NOT NULL COLLATE NOCASE,
            state TEXT NOT NULL,
            city TEXT NOT NULL,
            lowest_grade TEXT NOT NULL,
            highest_grade TEXT NOT NULL,
            latitude TEXT NOT NULL,
            longitude TEXT NOT NULL,
            source TEXT NOT NULL,
            school_count INTEGER NOT NULL DEFAULT 0
        );
        CREATE INDEX districts_name ON districts(name);
        CREATE VIRTUAL TABLE district_words USING fts5(name, content='districts', content_rowid='rowid', prefix='2 4');
        CREATE TABLE schools (
            ncessch TEXT PRIMARY KEY,
            leaid TEXT NOT NULL,
            name TEXT NOT NULL COLLATE NOCASE,
            city TEXT NOT NULL,
            state TEXT NOT NULL,
            lowest_grade TEXT NOT NULL,
            highest_grade TEXT NOT NULL,
            level TEXT NOT NULL,
            status TEXT NOT NULL,
            source TEXT NOT NULL
        ) WITHOUT ROWID;
        CREATE INDEX schools_district ON schools(leaid, name);
        CREATE TABLE apps (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            name TEXT NOT NULL UNIQUE COLLATE NOCASE,
            body TEXT NOT NULL,
            organization TEXT NOT NULL
        );
        CREATE TABLE drafts (account TEXT PRIMARY KEY, body TEXT NOT NULL);
        CREATE TABLE attachment_contents (sha256 TEXT PRIMARY KEY, content BLOB NOT NULL);
        CREATE TABLE consents (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            organization TEXT NOT NULL,
            district_id TEXT NOT NULL,
            app_id INTEGER NOT NULL REFERENCES apps(id),
            sent_at INTEGER NOT NULL,
            body TEXT NOT NULL
        );
        CREATE INDEX consents_org ON consents(organization, id);
        CREATE TABLE consent_history (
            consent_id INTEGER NOT NULL REFERENCES consents(id),
            seq INTEGER NOT NULL,
            body TEXT NOT NULL,
            PRIMARY KEY (consent_id, seq)
        );
        """,
        // 2: a draft's undo and redo steps in rows of their own, so saving a change writes one step,
        // not the whole history; `revision` tells a process whether the rows are still those it last saw.
        """
        CREATE TABLE draft_steps (
            account TEXT NOT NULL,
            kind INTEGER NOT NULL,
            seq INTEGER NOT NULL,
            body TEXT NOT NULL,
            PRIMARY KEY (account, kind, seq)
        ) WITHOUT ROWID;
        ALTER TABLE drafts ADD COLUMN revision INTEGER NOT NULL DEFAULT 0;
        """,
        // 3: the data plane — district rosters, per-consent PII Shield keys, syncs.
        """
        CREATE TABLE rosters (
            district_id TEXT PRIMARY KEY,
            imported_at INTEGER NOT NULL,
            imported_by TEXT NOT NULL,
            content BLOB NOT NULL,
            report TEXT NOT NULL
        );
        CREATE TABLE roster_schools (
            district_id TEXT NOT NULL,
            ncessch TEXT NOT NULL,
            org_sourced_id TEXT NOT NULL,
            PRIMARY KEY (district_id, ncessch)
        );
        CREATE TABLE consent_keys (consent_id INTEGER PRIMARY KEY REFERENCES consents(id), sealed_key BLOB NOT NULL);
        CREATE TABLE syncs (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            consent_id INTEGER NOT NULL REFERENCES consents(id),
            status TEXT NOT NULL,
            body TEXT NOT NULL,
            snapshot BLOB
        );
        CREATE INDEX syncs_consent ON syncs(consent_id, id);
        """,
        // 4: SFTP servers' host keys as first seen (trust on first use, as ssh's known_hosts).
        """
        CREATE TABLE sftp_host_keys (host TEXT NOT NULL, port INTEGER NOT NULL, fingerprint TEXT NOT NULL, PRIMARY KEY (host, port));
        """,
        // 5: a version per roster import, so a process can tell a decoded copy is still current.
        """
        ALTER TABLE rosters ADD COLUMN version INTEGER NOT NULL DEFAULT 0;
        """,
    ]
}