-- Access control and audit: bearer tokens (stored only as SHA-256 hashes)
-- with a role and a scope, and the audit log of every write.

CREATE TABLE access_tokens (
  id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  token_hash     bytea NOT NULL UNIQUE CHECK (octet_length(token_hash) = 32),
  -- ahpl.v1.Role: 1 trust, 2 region, 3 national, 4 classifier, 5 admin.
  role           smallint NOT NULL CHECK (role BETWEEN 1 AND 5),
  trust_ods_code text REFERENCES trusts (ods_code),
  region_code    text REFERENCES regions (code),
  description    text NOT NULL CHECK (description <> '' AND octet_length(description) <= 200),
  created_by     text NOT NULL,
  create_time    timestamptz NOT NULL DEFAULT clock_timestamp(),
  expire_time    timestamptz,
  revoke_time    timestamptz,
  revoked_by     text,
  -- A trust token names its trust, a region token its region, others neither.
  CHECK ((role = 1) = (trust_ods_code IS NOT NULL)),
  CHECK ((role = 2) = (region_code IS NOT NULL)),
  CHECK ((revoke_time IS NULL) = (revoked_by IS NULL))
);

-- Who wrote what, when. Rows are written in the transaction of the write
-- they record (return versions by trigger, so no write path can skip it)
-- and are never changed or deleted.
CREATE TABLE audit_events (
  id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  event_time  timestamptz NOT NULL DEFAULT clock_timestamp(),
  -- "tokens/{id}" or a system actor ("bootstrap", "seed").
  actor       text NOT NULL,
  token_id    bigint REFERENCES access_tokens (id),
  -- ahpl.v1.Role of the token; 0 for a system actor.
  actor_role  smallint NOT NULL CHECK (actor_role BETWEEN 0 AND 5),
  action      text NOT NULL CHECK (action IN (
                'return.created', 'return.updated', 'return.submitted', 'return.amended',
                'return.withdrawn', 'edition.published', 'token.created', 'token.revoked')),
  resource    text NOT NULL,
  version     bigint NOT NULL DEFAULT 0,
  request_id  text NOT NULL DEFAULT ''
);
CREATE INDEX audit_events_token_idx ON audit_events (token_id, id);
CREATE INDEX audit_events_resource_idx ON audit_events (resource, id);
CREATE INDEX audit_events_time_idx ON audit_events (event_time);

CREATE FUNCTION ahpl_keep_audit() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'the audit log is never changed or deleted (% on %)', TG_OP, TG_TABLE_NAME
    USING ERRCODE = 'integrity_constraint_violation';
END
$$;
CREATE TRIGGER audit_events_immutable BEFORE UPDATE OR DELETE ON audit_events
  FOR EACH ROW EXECUTE FUNCTION ahpl_keep_audit();

-- One audit row per return version, in the statement that wrote it (one
-- INSERT per COPY batch). The action follows from the version's status and
-- the status of the version before it.
CREATE FUNCTION ahpl_audit_return_versions() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO audit_events (event_time, actor, token_id, actor_role, action, resource, version,
                            request_id)
  SELECT n.write_time, n.written_by, t.id, coalesce(t.role, 0),
         CASE WHEN n.status = 3 THEN 'return.withdrawn'
              WHEN n.version = 1 AND n.status = 1 THEN 'return.created'
              WHEN n.version = 1 THEN 'return.submitted'
              WHEN p.status = 1 AND n.status = 1 THEN 'return.updated'
              WHEN p.status = 1 THEN 'return.submitted'
              ELSE 'return.amended' END,
         'returns/' || r.id, n.version, n.request_id
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
CREATE TRIGGER return_versions_audit AFTER INSERT ON return_versions
  REFERENCING NEW TABLE AS new_versions
  FOR EACH STATEMENT EXECUTE FUNCTION ahpl_audit_return_versions();
