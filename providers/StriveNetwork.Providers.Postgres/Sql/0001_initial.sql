-- StriveNetwork grain state, PostgreSQL, schema version 1.
-- Runs with search_path set to the configured schema, inside the migration transaction.
-- The same table as the old runtime's script 1, so its schemas read unchanged. (Its script 1 also created the stream
-- log tables; schemas written by it keep them, unread, and new schemas never get them. See docs/providers.md.)

-- The state key is three text columns under a unique index (the primary key), never a hash.
CREATE TABLE grain_state (
    grain_type     text        NOT NULL,
    grain_key      text        NOT NULL,
    state_name     text        NOT NULL,
    payload        jsonb       NOT NULL,
    schema_version integer     NOT NULL,
    version        bigint      NOT NULL CHECK (version > 0),
    record_exists  boolean     NOT NULL,
    modified_at    timestamptz NOT NULL,
    CONSTRAINT pk_grain_state PRIMARY KEY (grain_type, grain_key, state_name)
);
