-- StriveNetwork grain storage and stream log, SQLite, schema version 1.
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

-- Per-producer (grain) event sequence, shared by all states of one grain and by explicit appends.
CREATE TABLE stream_producer (
    producer_type TEXT    NOT NULL,
    producer_key  TEXT    NOT NULL,
    last_sequence INTEGER NOT NULL,
    PRIMARY KEY (producer_type, producer_key)
) WITHOUT ROWID;

-- AUTOINCREMENT: positions are never reused. With one writer, commit order is position order.
CREATE TABLE stream_event (
    position          INTEGER PRIMARY KEY AUTOINCREMENT,
    stream_namespace  TEXT    NOT NULL,
    stream_key        TEXT    NOT NULL,
    producer_type     TEXT    NOT NULL,
    producer_key      TEXT    NOT NULL,
    producer_sequence INTEGER NOT NULL,
    payload_type      TEXT    NOT NULL,
    payload           TEXT    NOT NULL,
    created_at        INTEGER NOT NULL, -- unix milliseconds
    UNIQUE (producer_type, producer_key, producer_sequence)
);

CREATE INDEX ix_stream_event_namespace ON stream_event (stream_namespace, position);

CREATE TABLE stream_checkpoint (
    subscription TEXT    NOT NULL PRIMARY KEY,
    position     INTEGER NOT NULL
) WITHOUT ROWID;

CREATE TABLE stream_dead_letter (
    id                INTEGER PRIMARY KEY AUTOINCREMENT,
    subscription      TEXT    NOT NULL,
    position          INTEGER NOT NULL,
    stream_namespace  TEXT    NOT NULL,
    stream_key        TEXT    NOT NULL,
    producer_type     TEXT    NOT NULL,
    producer_key      TEXT    NOT NULL,
    producer_sequence INTEGER NOT NULL,
    payload_type      TEXT    NOT NULL,
    payload           TEXT    NOT NULL,
    created_at        INTEGER NOT NULL,
    attempts          INTEGER NOT NULL,
    error             TEXT    NOT NULL,
    dead_lettered_at  INTEGER NOT NULL
);

CREATE INDEX ix_stream_dead_letter_subscription ON stream_dead_letter (subscription, id);
