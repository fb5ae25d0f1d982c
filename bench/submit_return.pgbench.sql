-- What one SubmitReturn of a stored draft runs in PostgreSQL, statement for
-- statement, as a pgbench script (run with -M prepared, like the server's
-- prepared statements; bench/assessment_bench.cc runs it at the server's
-- concurrency on the server's own database and prints both rates).
--
-- The SQL is the server's, as logged with log_statement = 'all' (only the
-- parameters are named: pgbench numbers each :name it meets, so a parameter
-- the server uses twice is sent twice). The round trips are the server's:
-- two statements each in a transaction of its own, then one transaction of
-- four. Changing a statement in services/assessment means changing it here.
--
-- Variables given with -D: per_client (transactions per client) and k = 0;
-- each client submits its own drafts, n = client_id * per_client + k.
\set n :client_id * :per_client + :k
\set k :k + 1
\set latest 0
\set submitted 2

-- pgbench only: the request (the draft's id) and what the server works out
-- in memory before writing (the facts and content of the submitted version,
-- its etag, the caller's token name), from rows the benchmark prepared. The
-- server has these without asking the database; this lookup is the price
-- of a script (pgbench cannot build strings), measured apart by the bench.
SELECT id, trust, cycle, edition, typology, ruleset, findings, has_leader, band,
       relationship, title, ratings, attested, etag, content, request_id, digest,
       written_by, change_reason, audit_detail
FROM pgbench_submissions WHERE n = :n
\gset

-- ReturnWriter::Change -> AssessmentStore::Get (assessment_store.cc,
-- "assessment_get"): the draft as stored, on its own. Its seq and version
-- are what the write below expects, as in the server.
SELECT r.id::text, r.seq, (extract(epoch FROM r.create_time) * 1000000)::bigint, (extract(epoch FROM r.submit_time) * 1000000)::bigint, v.version, v.status, v.etag, v.content, v.written_by, (extract(epoch FROM v.write_time) * 1000000)::bigint, coalesce(v.version = r.current_version AND r.status = 2 AND r.seq = ahpl_counting_return(r.cycle, r.trust_ods_code), false) FROM returns r JOIN return_versions v ON v.return_seq = r.seq WHERE r.id = :id::uuid AND v.version = CASE WHEN :latest = 0 THEN r.current_version ELSE :latest END
\gset draft_

-- ReturnWriter::Prepare -> CollectionStore::WindowFor (collection_store.cc,
-- "collection_write_window"): the collection's window before validating and
-- classifying, on its own.
SELECT c.cycle, c.edition_id, c.title, (extract(epoch FROM c.open_time) * 1000000)::bigint, (extract(epoch FROM c.close_time) * 1000000)::bigint, c.suppress_below, c.attestation_required, (extract(epoch FROM c.create_time) * 1000000)::bigint, (extract(epoch FROM c.update_time) * 1000000)::bigint, (extract(epoch FROM clock_timestamp()) * 1000000)::bigint, EXISTS (SELECT 1 FROM late_allowances a WHERE a.cycle = c.cycle AND a.until_time > clock_timestamp()) , (extract(epoch FROM a.until_time) * 1000000)::bigint, a.allowed_by, a.reason FROM collections c LEFT JOIN late_allowances a ON a.cycle = c.cycle AND a.trust_ods_code = :trust WHERE c.cycle = :cycle;

-- AssessmentStore::Append: PgPool::InTransaction (pqxx::work).
BEGIN;
-- Its guard (ReturnWriter::GuardFor -> CollectionStore::LockWindow): the
-- collection's share lock ("collection_share_lock"), then the window again
-- under it ("collection_write_window").
SELECT 1 FROM collections WHERE cycle = :cycle FOR SHARE;
SELECT c.cycle, c.edition_id, c.title, (extract(epoch FROM c.open_time) * 1000000)::bigint, (extract(epoch FROM c.close_time) * 1000000)::bigint, c.suppress_below, c.attestation_required, (extract(epoch FROM c.create_time) * 1000000)::bigint, (extract(epoch FROM c.update_time) * 1000000)::bigint, (extract(epoch FROM clock_timestamp()) * 1000000)::bigint, EXISTS (SELECT 1 FROM late_allowances a WHERE a.cycle = c.cycle AND a.until_time > clock_timestamp()) , (extract(epoch FROM a.until_time) * 1000000)::bigint, a.allowed_by, a.reason FROM collections c LEFT JOIN late_allowances a ON a.cycle = c.cycle AND a.trust_ods_code = :trust WHERE c.cycle = :cycle;
-- The write ("assessment_append"): the return's row updated and its version
-- inserted, which fires the counts trigger (returns_counted_on_update), the
-- audit trigger (return_versions_audit) and the foreign-key checks.
WITH w AS (UPDATE returns SET current_version = current_version + 1, update_time = clock_timestamp(), status = :submitted::smallint, etag = :etag, submit_time = CASE WHEN :submitted::smallint = 2 THEN coalesce(submit_time, clock_timestamp()) ELSE submit_time END, content_time = CASE WHEN :submitted::smallint = 2 AND NOT :attested::boolean THEN clock_timestamp() ELSE content_time END, trust_ods_code = :trust, cycle = :cycle, edition_id = :edition, typology = :typology::smallint, ruleset_version = :ruleset, finding_codes = :findings::text[], has_senior_leader = :has_leader::boolean, band = :band::smallint, board_relationship = :relationship::smallint, leader_title = :title, ratings = :ratings::smallint[], attested = :attested::boolean WHERE seq = :draft_seq AND current_version = :draft_version RETURNING seq, current_version, create_time, submit_time) INSERT INTO return_versions (return_seq, version, status, etag, content, request_id, request_digest, written_by, change_reason, attested, audit_detail) SELECT w.seq, w.current_version, :submitted::smallint, :etag, :content::bytea, :request_id, :digest, :written_by, :change_reason, :attested::boolean, :audit_detail FROM w RETURNING (extract(epoch FROM write_time) * 1000000)::bigint, (SELECT (extract(epoch FROM create_time) * 1000000)::bigint FROM w), (SELECT (extract(epoch FROM submit_time) * 1000000)::bigint FROM w);
-- MarkCounting ("assessment_is_counting"): whether it now counts.
SELECT r.status = 2 AND r.seq IS NOT DISTINCT FROM ahpl_counting_return(r.cycle, r.trust_ods_code) FROM returns r WHERE r.id = :id::uuid;
COMMIT;
