-- Collection seasons (docs/decisions.md, "Collection seasons"): a cycle is a
-- collection with a window, the edition its returns answer and the
-- small-count threshold of its summaries; one return per trust counts.
--
-- A collection's state follows from its window and the database's clock:
-- scheduled before open_time, closed from close_time (NULL: open-ended),
-- open in between. Closing sets close_time to now; reopening moves it on.

CREATE TABLE collections (
  cycle          text PRIMARY KEY CHECK (cycle ~ '^[0-9]{4}-[0-9]{2}$'
                   AND (substr(cycle, 1, 4)::int + 1) % 100 = substr(cycle, 6, 2)::int),
  edition_id     text NOT NULL REFERENCES editions (edition_id),
  title          text NOT NULL CHECK (title <> '' AND octet_length(title) <= 200),
  open_time      timestamptz NOT NULL,
  close_time     timestamptz CHECK (close_time > open_time),
  -- 0: the server's threshold (--suppress_below).
  suppress_below integer NOT NULL DEFAULT 0 CHECK (suppress_below = 0 OR suppress_below BETWEEN 2 AND 100),
  attestation_required boolean NOT NULL DEFAULT false,
  create_time    timestamptz NOT NULL DEFAULT clock_timestamp(),
  update_time    timestamptz NOT NULL DEFAULT clock_timestamp()
);

-- Late-submission overrides: trust may write in a closed collection until
-- until_time. One per trust and collection (a new one replaces it; the audit
-- log keeps every grant).
CREATE TABLE late_allowances (
  cycle          text NOT NULL REFERENCES collections (cycle),
  trust_ods_code text NOT NULL REFERENCES trusts (ods_code),
  until_time     timestamptz NOT NULL,
  reason         text NOT NULL CHECK (reason <> ''),
  allowed_by     text NOT NULL,
  allow_time     timestamptz NOT NULL DEFAULT clock_timestamp(),
  PRIMARY KEY (cycle, trust_ods_code)
);

-- Every cycle already stored becomes a collection answering the edition most
-- of its returns answer, open since its first return and open-ended
-- (docs/decisions.md): what was being written can still be written, and a
-- national token closes it when its season is over.
INSERT INTO collections (cycle, edition_id, title, open_time)
SELECT DISTINCT ON (cycle) cycle, edition_id,
       'AHP leadership self-assessment ' || cycle, min(create_time) OVER (PARTITION BY cycle)
FROM (SELECT cycle, edition_id, count(*) AS n, min(create_time) AS create_time
      FROM returns GROUP BY cycle, edition_id) per_edition
ORDER BY cycle, n DESC, edition_id DESC;

ALTER TABLE returns ADD CONSTRAINT returns_collection_fk
  FOREIGN KEY (cycle) REFERENCES collections (cycle);

-- What decides the counting return: whether the board attested the current
-- version, and when its content was last submitted (submit or amend; an
-- attestation leaves it).
ALTER TABLE returns ADD COLUMN attested boolean NOT NULL DEFAULT false;
ALTER TABLE returns ADD COLUMN content_time timestamptz;
UPDATE returns SET content_time = coalesce(
  (SELECT max(v.write_time) FROM return_versions v WHERE v.return_seq = returns.seq AND v.status = 2),
  submit_time)
WHERE status = 2;
ALTER TABLE returns ADD CONSTRAINT returns_content_time_check
  CHECK (status <> 2 OR content_time IS NOT NULL);

ALTER TABLE return_versions ADD COLUMN attested boolean NOT NULL DEFAULT false;
-- Said of a version written late under an override; copied to the audit log.
ALTER TABLE return_versions ADD COLUMN audit_detail text NOT NULL DEFAULT '';

-- The counting return of each trust in each collection: the most recently
-- submitted (content) of its submitted returns, attested ones only where the
-- collection requires it; the later-created one on a tie. One index probe per
-- trust and collection (returns_counting_idx), however many returns a trust
-- has: a filter on cycle or trust reaches inside, and a test of one return
-- ("is it counting?") is one probe too.
CREATE INDEX returns_counting_idx ON returns (trust_ods_code, cycle, content_time DESC, seq DESC)
  WHERE status = 2;
-- The counting return of trust p_trust in collection p_cycle (NULL: none).
CREATE FUNCTION ahpl_counting_return(p_cycle text, p_trust text) RETURNS bigint
LANGUAGE sql STABLE AS $$
  SELECT r.seq FROM returns r JOIN collections c ON c.cycle = r.cycle
  WHERE r.trust_ods_code = p_trust AND r.cycle = p_cycle AND r.status = 2
    AND (r.attested OR NOT c.attestation_required)
  ORDER BY r.content_time DESC, r.seq DESC
  LIMIT 1
$$;
CREATE VIEW counting_returns AS
SELECT c.cycle, t.ods_code AS trust_ods_code, k.seq
FROM collections c
CROSS JOIN trusts t
CROSS JOIN LATERAL (SELECT ahpl_counting_return(c.cycle, t.ods_code) AS seq) k
WHERE k.seq IS NOT NULL;

-- The audit log says more: collection changes, attestations, and a detail
-- (a reason, an override).
ALTER TABLE audit_events ADD COLUMN detail text NOT NULL DEFAULT '';
ALTER TABLE audit_events DROP CONSTRAINT audit_events_action_check;
ALTER TABLE audit_events ADD CONSTRAINT audit_events_action_check CHECK (action IN (
  'return.created', 'return.updated', 'return.submitted', 'return.amended', 'return.withdrawn',
  'return.attested', 'edition.published', 'token.created', 'token.revoked',
  'collection.created', 'collection.updated', 'collection.closed', 'collection.reopened',
  'collection.late_allowed'));

CREATE OR REPLACE FUNCTION ahpl_audit_return_versions() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO audit_events (event_time, actor, token_id, actor_role, action, resource, version,
                            request_id, detail)
  SELECT n.write_time, n.written_by, t.id, coalesce(t.role, 0),
         CASE WHEN n.status = 3 THEN 'return.withdrawn'
              WHEN n.version = 1 AND n.status = 1 THEN 'return.created'
              WHEN n.version = 1 THEN 'return.submitted'
              WHEN p.status = 1 AND n.status = 1 THEN 'return.updated'
              WHEN p.status = 1 THEN 'return.submitted'
              WHEN n.attested THEN 'return.attested'
              ELSE 'return.amended' END,
         'returns/' || r.id, n.version, n.request_id, n.audit_detail
  FROM new_versions n
  JOIN returns r ON r.seq = n.return_seq
  LEFT JOIN return_versions p ON p.return_seq = n.return_seq AND p.version = n.version - 1
  LEFT JOIN access_tokens t
    ON t.id = CASE WHEN n.written_by ~ '^tokens/[0-9]{1,18}$'
                   THEN substr(n.written_by, 8)::bigint END
  ORDER BY r.seq, n.version;
  RETURN NULL;
END
$$;

-- An audit row for a write that is not a return version, with the writer's
-- token looked up as the return trigger does.
CREATE FUNCTION ahpl_audit(actor text, action text, resource text, detail text)
RETURNS void LANGUAGE sql AS $$
  INSERT INTO audit_events (actor, token_id, actor_role, action, resource, detail)
  SELECT actor, t.id, coalesce(t.role, 0), action, resource, detail
  FROM (SELECT CASE WHEN actor ~ '^tokens/[0-9]{1,18}$' THEN substr(actor, 8)::bigint END AS id) a
  LEFT JOIN access_tokens t ON t.id = a.id;
$$;
