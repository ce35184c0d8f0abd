"""The ledger's schema, one migration per version."""

from __future__ import annotations

# MIGRATIONS[i] takes the schema from user_version i to i + 1. Append, never edit.
MIGRATIONS: tuple[str, ...] = (
    """
    CREATE TABLE files (
        sha256 TEXT PRIMARY KEY,
        original_path TEXT NOT NULL,
        original_name TEXT NOT NULL,
        archive_path TEXT NOT NULL,
        reporter TEXT,
        reporter_known INTEGER NOT NULL,
        kind TEXT,
        report_date TEXT,
        week TEXT,
        ingested_at TEXT NOT NULL,
        mtime REAL NOT NULL,
        verdict TEXT NOT NULL,
        row_count INTEGER NOT NULL,
        error_count INTEGER NOT NULL,
        warning_count INTEGER NOT NULL,
        format TEXT,
        sheet TEXT,
        columns_json TEXT NOT NULL
    );
    CREATE TABLE rows (
        file_sha TEXT NOT NULL REFERENCES files(sha256),
        row_number INTEGER NOT NULL,
        has_error INTEGER NOT NULL,
        values_json TEXT NOT NULL,
        raw_json TEXT NOT NULL,
        PRIMARY KEY (file_sha, row_number)
    );
    CREATE TABLE findings (
        file_sha TEXT NOT NULL REFERENCES files(sha256),
        seq INTEGER NOT NULL,
        severity TEXT NOT NULL,
        finding_json TEXT NOT NULL,
        PRIMARY KEY (file_sha, seq)
    );
    CREATE INDEX files_by_reporter ON files (reporter, kind, week);
    """,
    # 2: which rules each file was checked against, so an edited campaign file re-checks the archive.
    "ALTER TABLE files ADD COLUMN checked_with TEXT",
    # 3: a workbook may hold several tables (附件2 and 附件4 on two sheets, two weeks of 附件3, one list
    # split over sheets); each is recorded, and rows belong to a table. Tables with the same ``part``
    # are one return in parts. Older ledgers held one table per file: it becomes table 0, part 0.
    """
    CREATE TABLE tables (
        file_sha TEXT NOT NULL REFERENCES files(sha256),
        seq INTEGER NOT NULL,
        part INTEGER NOT NULL,
        sheet TEXT NOT NULL,
        kind TEXT NOT NULL,
        reporter TEXT,
        reporter_known INTEGER NOT NULL,
        report_date TEXT,
        week TEXT,
        row_count INTEGER NOT NULL,
        columns_json TEXT NOT NULL,
        PRIMARY KEY (file_sha, seq)
    );
    INSERT INTO tables
        SELECT sha256, 0, 0, COALESCE(sheet, ''), kind, reporter, reporter_known, report_date, week, row_count,
               columns_json
        FROM files WHERE kind IS NOT NULL;
    CREATE TABLE table_rows (
        file_sha TEXT NOT NULL REFERENCES files(sha256),
        table_seq INTEGER NOT NULL,
        row_number INTEGER NOT NULL,
        has_error INTEGER NOT NULL,
        values_json TEXT NOT NULL,
        raw_json TEXT NOT NULL,
        PRIMARY KEY (file_sha, table_seq, row_number)
    );
    INSERT INTO table_rows SELECT file_sha, 0, row_number, has_error, values_json, raw_json FROM rows;
    DROP TABLE rows;
    ALTER TABLE table_rows RENAME TO rows;
    CREATE INDEX tables_by_reporter ON tables (reporter, kind, week)
    """,
    # 4: a file taken out of an e-mail keeps who sent it, the subject and the mail's own time (its
    # ingested_at is that time unless the clerk gave --received). NULL for files saved by hand.
    """
    ALTER TABLE files ADD COLUMN mail_from TEXT;
    ALTER TABLE files ADD COLUMN mail_subject TEXT;
    ALTER TABLE files ADD COLUMN mail_time TEXT
    """,
    # 5: a table's kind is its attachment's id from the campaign file ("weekly"), no longer its label ("附件3").
    """
    UPDATE files SET kind = CASE kind WHEN '附件2' THEN 'survey' WHEN '附件3' THEN 'weekly'
        WHEN '附件4' THEN 'contacts' ELSE kind END;
    UPDATE tables SET kind = CASE kind WHEN '附件2' THEN 'survey' WHEN '附件3' THEN 'weekly'
        WHEN '附件4' THEN 'contacts' ELSE kind END
    """,
    # 6: two attachments' tables may stand one under the other on one sheet; each keeps its rows of
    # the sheet so a finding is counted for the table it is about. Older tables: the whole sheet.
    """
    ALTER TABLE tables ADD COLUMN first_row INTEGER NOT NULL DEFAULT 1;
    ALTER TABLE tables ADD COLUMN last_row INTEGER
    """,
)
