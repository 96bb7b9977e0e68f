-- Orleans cluster membership (IMembershipTable), PostgreSQL, schema version 3.
-- Runs with search_path set to the configured schema, inside the migration transaction.
-- PostgreSQL only: the SQLite store is the one-machine profile (localhost clustering) and has no membership table.
--
-- One version row per cluster and one row per silo. Every change of membership (InsertRow, UpdateRow) first takes the
-- version row with a conditional UPDATE on its etag, so all writers of one cluster queue on that row lock and exactly
-- one of several writers carrying the same etag wins; the silo row is then inserted or updated, conditional on its own
-- etag, in the same transaction. Heartbeats (UpdateIAmAlive) touch neither etag. See docs/adr/0012.
CREATE TABLE membership_version (
    cluster_id text    NOT NULL,
    version    integer NOT NULL CHECK (version >= 0), -- Orleans' TableVersion.Version
    etag       bigint  NOT NULL CHECK (etag > 0),     -- TableVersion.VersionEtag, bumped by every membership change
    CONSTRAINT pk_membership_version PRIMARY KEY (cluster_id)
);

CREATE TABLE membership (
    cluster_id       text          NOT NULL,
    silo_address     text          NOT NULL, -- SiloAddress.ToParsableString(): ip:port@generation
    status           text          NOT NULL, -- SiloStatus name (Joining, Active, ShuttingDown, Stopping, Dead, ...)
    proxy_port       integer       NOT NULL, -- the gateway port; 0 when the silo is no gateway
    host_name        text,
    silo_name        text,
    role_name        text,
    update_zone      integer       NOT NULL,
    fault_zone       integer       NOT NULL,
    suspecting_silos text[]        NOT NULL, -- who voted this silo dead ...
    suspect_times    timestamptz[] NOT NULL, -- ... and when (same length)
    start_time       timestamptz   NOT NULL,
    i_am_alive_time  timestamptz   NOT NULL,
    -- The latest of start, heartbeat and vote times: what CleanupDefunctSiloEntries compares, so that a silo declared
    -- dead recently stays visible even when its last heartbeat is old.
    last_update_at   timestamptz   NOT NULL,
    etag             bigint        NOT NULL CHECK (etag > 0), -- the row's ETag, bumped by UpdateRow only
    CONSTRAINT pk_membership PRIMARY KEY (cluster_id, silo_address),
    CONSTRAINT ck_membership_votes CHECK (cardinality(suspecting_silos) = cardinality(suspect_times))
);
