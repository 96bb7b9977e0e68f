-- StriveNetwork grain state, SQLite, schema version 1.
-- The same table as the old runtime's script 1, so its files read unchanged. (Its script 1 also created the stream
-- log tables; files written by it keep them, unread, and new files never get them. See docs/providers.md.)
-- The state key is three columns (never a hash): grain type, grain key, state name.
CREATE TABLE grain_state (
    grain_type     TEXT    NOT NULL,
    grain_key      TEXT    NOT NULL,
    state_name     TEXT    NOT NULL,
    payload        TEXT    NOT NULL,
    schema_version INTEGER NOT NULL,
    version        INTEGER NOT NULL CHECK (version > 0),
    record_exists  INTEGER NOT NULL CHECK (record_exists IN (0, 1)),
    modified_at    INTEGER NOT NULL, -- unix milliseconds
    PRIMARY KEY (grain_type, grain_key, state_name)
) WITHOUT ROWID;
