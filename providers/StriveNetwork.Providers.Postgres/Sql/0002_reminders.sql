-- Orleans reminders (IReminderTable), PostgreSQL, schema version 2.
-- Runs with search_path set to the configured schema, inside the migration transaction.
-- One row per (service, grain, reminder name); grain_hash is GrainId.GetUniformHashCode() (0 .. 2^32-1, so bigint)
-- for the hash-ring range reads, which the index serves.
CREATE TABLE reminder (
    service_id    text        NOT NULL,
    grain_id      text        NOT NULL, -- GrainId.ToString()
    reminder_name text        NOT NULL,
    grain_hash    bigint      NOT NULL CHECK (grain_hash BETWEEN 0 AND 4294967295),
    start_at      timestamptz NOT NULL,
    period        interval    NOT NULL,
    version       bigint      NOT NULL CHECK (version > 0),
    CONSTRAINT pk_reminder PRIMARY KEY (service_id, grain_id, reminder_name)
);

CREATE INDEX ix_reminder_hash ON reminder (service_id, grain_hash);
