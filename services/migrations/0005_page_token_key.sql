-- The key page tokens are signed with (HMAC-SHA256), one for every server
-- sharing this database, so a token from one server verifies on another.
-- Made here, once, by PostgreSQL's strong random source: the random parts of
-- two gen_random_uuid() values (built in since PostgreSQL 13, from
-- pg_strong_random, the same source as pgcrypto's gen_random_bytes) give 244
-- random bits in 32 bytes, without needing an extension. Servers read it at
-- start; it is never sent anywhere. Replacing the row (then restarting every
-- server) invalidates every page token in circulation, and nothing else.
CREATE TABLE page_token_key (
  id          boolean PRIMARY KEY DEFAULT true CHECK (id),
  key         bytea NOT NULL CHECK (octet_length(key) = 32),
  create_time timestamptz NOT NULL DEFAULT clock_timestamp()
);

INSERT INTO page_token_key (key)
SELECT decode(replace(gen_random_uuid()::text || gen_random_uuid()::text, '-', ''), 'hex');
