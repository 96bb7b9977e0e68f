-- The state payload as text, compressed with lz4 where the server has it; PostgreSQL, schema version 4.
-- Runs with search_path set to the configured schema, inside the migration transaction.
--
-- Why (docs/adr/0015, addendum "the payload column as text"): every state write sent the whole state, and jsonb made
-- the server parse it into its binary form and then compress it with pglz; for the partnership's state (~180 KB of
-- JSON) that cost ~20 ms of server CPU per write at the ingest benchmark's load, text with lz4 under 1 ms. The silo
-- checks every payload is JSON before writing it (StorageArguments.ValidateJson), so the column's type adds no check.
-- Queries keep working with a cast: payload::jsonb->>'name'. Old silos still writing jsonb parameters are converted
-- by PostgreSQL's assignment cast (jsonb to text), so a rolling upgrade does not break their writes.
-- The type change rewrites the table under an exclusive lock (once, at the first start of this build).
ALTER TABLE grain_state ALTER COLUMN payload TYPE text USING payload::text;

-- lz4 (PostgreSQL 14 and later, built with lz4, as Debian's and the official images are) compresses ~5x faster than
-- pglz; a server without it keeps its default compression (syntax_error before 14, feature_not_supported without lz4).
DO $$
BEGIN
    EXECUTE 'ALTER TABLE grain_state ALTER COLUMN payload SET COMPRESSION lz4';
EXCEPTION WHEN syntax_error OR feature_not_supported OR invalid_parameter_value THEN
    NULL;
END $$;
