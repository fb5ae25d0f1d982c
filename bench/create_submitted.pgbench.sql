-- What one CreateReturn with submit = true runs in PostgreSQL, statement for
-- statement, as a pgbench script (run with -M prepared, like the server's
-- prepared statements; bench/assessment_bench.cc runs it at the server's
-- concurrency on the server's own database and prints both rates).
--
-- The SQL is the server's, as logged with log_statement = 'all' (only the
-- parameters are named: pgbench numbers each :name it meets, so a parameter
-- the server uses twice is sent twice). The round trips are the server's:
-- one statement in a transaction of its own, then one transaction of four.
-- Changing a statement in services/assessment means changing it here.
--
-- Variables given with -D: per_client (transactions per client) and k = 0;
-- each client creates its own returns, n = client_id * per_client + k.
\set n :client_id * :per_client + :k
\set k :k + 1
\set submitted 2

-- pgbench only: the request and what the server works out in memory before
-- writing (the new return's id, etag, facts and content, the caller's token
-- name), from rows the benchmark prepared. The server has these without
-- asking the database; this lookup is the price of a script (pgbench cannot
-- build strings), measured apart by the bench.
SELECT id, trust, cycle, edition, typology, ruleset, findings, has_leader, band,
       relationship, title, ratings, attested, etag, content, request_id, digest,
       written_by, change_reason, audit_detail
FROM pgbench_creations WHERE n = :n
\gset

-- ReturnWriter::Create -> Prepare -> CollectionStore::WindowFor
-- (collection_store.cc, "collection_write_window"): the collection's window
-- before validating and classifying, on its own.
SELECT c.cycle, c.edition_id, c.title, (extract(epoch FROM c.open_time) * 1000000)::bigint, (extract(epoch FROM c.close_time) * 1000000)::bigint, c.suppress_below, c.attestation_required, (extract(epoch FROM c.create_time) * 1000000)::bigint, (extract(epoch FROM c.update_time) * 1000000)::bigint, (extract(epoch FROM clock_timestamp()) * 1000000)::bigint, EXISTS (SELECT 1 FROM late_allowances a WHERE a.cycle = c.cycle AND a.until_time > clock_timestamp()) , (extract(epoch FROM a.until_time) * 1000000)::bigint, a.allowed_by, a.reason FROM collections c LEFT JOIN late_allowances a ON a.cycle = c.cycle AND a.trust_ods_code = :trust WHERE c.cycle = :cycle;

-- AssessmentStore::Create: PgPool::InTransaction (pqxx::work).
BEGIN;
-- Its guard (ReturnWriter::GuardFor -> CollectionStore::LockWindow): the
-- collection's share lock ("collection_share_lock"), then the window again
-- under it ("collection_write_window").
SELECT 1 FROM collections WHERE cycle = :cycle FOR SHARE;
SELECT c.cycle, c.edition_id, c.title, (extract(epoch FROM c.open_time) * 1000000)::bigint, (extract(epoch FROM c.close_time) * 1000000)::bigint, c.suppress_below, c.attestation_required, (extract(epoch FROM c.create_time) * 1000000)::bigint, (extract(epoch FROM c.update_time) * 1000000)::bigint, (extract(epoch FROM clock_timestamp()) * 1000000)::bigint, EXISTS (SELECT 1 FROM late_allowances a WHERE a.cycle = c.cycle AND a.until_time > clock_timestamp()) , (extract(epoch FROM a.until_time) * 1000000)::bigint, a.allowed_by, a.reason FROM collections c LEFT JOIN late_allowances a ON a.cycle = c.cycle AND a.trust_ods_code = :trust WHERE c.cycle = :cycle;
-- The write ("assessment_create"): the return's row and its first version
-- inserted, which fires the counts trigger (returns_counted_on_insert), the
-- audit trigger (return_versions_audit), the unique indexes (id, request
-- id) and the foreign-key checks.
WITH w AS (INSERT INTO returns (id, current_version, status, etag, submit_time, content_time, trust_ods_code, cycle, edition_id, typology, ruleset_version, finding_codes, has_senior_leader, band, board_relationship, leader_title, ratings, attested) VALUES (:id::uuid, 1, :submitted::smallint, :etag, CASE WHEN :submitted::smallint = 1 THEN NULL ELSE clock_timestamp() END, CASE WHEN :submitted::smallint = 2 THEN clock_timestamp() END, :trust, :cycle, :edition, :typology::smallint, :ruleset, :findings::text[], :has_leader::boolean, :band::smallint, :relationship::smallint, :title, :ratings::smallint[], :attested::boolean) RETURNING seq, create_time, submit_time) INSERT INTO return_versions (return_seq, version, status, etag, content, request_id, request_digest, written_by, change_reason, attested, audit_detail) SELECT w.seq, 1, :submitted::smallint, :etag, :content::bytea, :request_id, :digest, :written_by, :change_reason, :attested::boolean, :audit_detail FROM w RETURNING (extract(epoch FROM write_time) * 1000000)::bigint, (SELECT (extract(epoch FROM create_time) * 1000000)::bigint FROM w), (SELECT (extract(epoch FROM submit_time) * 1000000)::bigint FROM w);
-- MarkCounting ("assessment_is_counting"): whether it now counts.
SELECT r.status = 2 AND r.seq IS NOT DISTINCT FROM ahpl_counting_return(r.cycle, r.trust_ods_code) FROM returns r WHERE r.id = :id::uuid;
COMMIT;
