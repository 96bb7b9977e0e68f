-- Orleans reminders (IReminderTable), SQLite, schema version 2.
-- One row per (service, grain, reminder name); grain_hash is GrainId.GetUniformHashCode() (0 .. 2^32-1) for the
-- hash-ring range reads, which the index serves.
CREATE TABLE reminder (
    service_id    TEXT    NOT NULL,
    grain_id      TEXT    NOT NULL, -- GrainId.ToString()
    reminder_name TEXT    NOT NULL,
    grain_hash    INTEGER NOT NULL CHECK (grain_hash BETWEEN 0 AND 4294967295),
    start_at      INTEGER NOT NULL, -- unix microseconds, UTC
    period        INTEGER NOT NULL, -- microseconds
    version       INTEGER NOT NULL CHECK (version > 0),
    PRIMARY KEY (service_id, grain_id, reminder_name)
) WITHOUT ROWID;

CREATE INDEX ix_reminder_hash ON reminder (service_id, grain_hash);
