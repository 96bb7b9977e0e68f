-- StriveNetwork grain storage and stream log, PostgreSQL, schema version 1.
-- Runs with search_path set to the configured schema, inside the migration transaction.

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

-- Per-producer (grain) event sequence, shared by all states of one grain and by explicit appends.
CREATE TABLE stream_producer (
    producer_type text   NOT NULL,
    producer_key  text   NOT NULL,
    last_sequence bigint NOT NULL,
    CONSTRAINT pk_stream_producer PRIMARY KEY (producer_type, producer_key)
);

-- Positions come from an identity, allocated before commit; appends are serialized by a transaction-scoped
-- advisory lock so that commit order equals position order (see PostgresGrainStorage).
CREATE TABLE stream_event (
    position          bigint GENERATED ALWAYS AS IDENTITY,
    stream_namespace  text        NOT NULL,
    stream_key        text        NOT NULL,
    producer_type     text        NOT NULL,
    producer_key      text        NOT NULL,
    producer_sequence bigint      NOT NULL,
    payload_type      text        NOT NULL,
    payload           jsonb       NOT NULL,
    created_at        timestamptz NOT NULL,
    CONSTRAINT pk_stream_event PRIMARY KEY (position),
    CONSTRAINT uq_stream_event_producer UNIQUE (producer_type, producer_key, producer_sequence)
);

CREATE INDEX ix_stream_event_namespace ON stream_event (stream_namespace, position);

CREATE TABLE stream_checkpoint (
    subscription text   NOT NULL,
    position     bigint NOT NULL CHECK (position >= 0),
    CONSTRAINT pk_stream_checkpoint PRIMARY KEY (subscription)
);

CREATE TABLE stream_dead_letter (
    id                bigint GENERATED ALWAYS AS IDENTITY,
    subscription      text        NOT NULL,
    position          bigint      NOT NULL,
    stream_namespace  text        NOT NULL,
    stream_key        text        NOT NULL,
    producer_type     text        NOT NULL,
    producer_key      text        NOT NULL,
    producer_sequence bigint      NOT NULL,
    payload_type      text        NOT NULL,
    payload           jsonb       NOT NULL,
    created_at        timestamptz NOT NULL,
    attempts          integer     NOT NULL,
    error             text        NOT NULL,
    dead_lettered_at  timestamptz NOT NULL,
    CONSTRAINT pk_stream_dead_letter PRIMARY KEY (id)
);

CREATE INDEX ix_stream_dead_letter_subscription ON stream_dead_letter (subscription, id);
