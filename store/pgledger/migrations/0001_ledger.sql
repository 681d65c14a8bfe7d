-- 0001: the ledger's first layout (docs/store.md, "The PostgreSQL ledger").
-- Text keys use the "C" collation: ids sort byte by byte, as in the bbolt
-- ledger, whatever the database's locale (in da_DK "aa" sorts as "å").
-- Times are Unix nanoseconds (bigint): exact, like the bbolt ledger's keys.
-- Documents are json (kept verbatim), not jsonb: jsonb refuses \u0000,
-- which a case's free text may hold.

-- One row: the epoch and the log's head. PutRecord takes the next position
-- by updating this row; writers hold the writers' advisory lock from their
-- first statement to their commit, so positions commit in order and a
-- rolled-back Update leaves no gap (docs/architecture.md).
CREATE TABLE ledger (
	one   boolean PRIMARY KEY DEFAULT true CHECK (one),
	epoch bigint NOT NULL CHECK (epoch > 0),
	head  bigint NOT NULL DEFAULT 0 CHECK (head >= 0)
);
INSERT INTO ledger (epoch)
VALUES (greatest(1, ('x' || substr(md5(gen_random_uuid()::text), 1, 16))::bit(64)::bigint & 9223372036854775807));

CREATE TABLE meta (
	key   text COLLATE "C" PRIMARY KEY,
	value bytea NOT NULL
);

CREATE TABLE accounts (
	id  text COLLATE "C" PRIMARY KEY,
	doc json NOT NULL
);

CREATE TABLE devices (
	id      text COLLATE "C" PRIMARY KEY,
	account text COLLATE "C" NOT NULL,
	doc     json NOT NULL
);
CREATE INDEX devices_account ON devices (account, id);

CREATE TABLE sessions (
	hash       bytea PRIMARY KEY,
	account    text COLLATE "C" NOT NULL,
	device     text COLLATE "C" NOT NULL,
	expires_ns bigint NOT NULL,
	doc        json NOT NULL
);
CREATE INDEX sessions_account ON sessions (account, device);
CREATE INDEX sessions_expires ON sessions (expires_ns);

-- The current state of each record, at its latest log position.
CREATE TABLE records (
	kind    text COLLATE "C",
	id      text COLLATE "C",
	version bigint NOT NULL,
	seq     bigint NOT NULL UNIQUE,
	owner   text COLLATE "C" NOT NULL, -- '' = in nobody's scope
	data    bytea,                     -- byte for byte as put; NULL = none
	PRIMARY KEY (kind, id)
);

-- Each owner's view of the log: one row per record the owner ever held,
-- live at the record's latest position while it is in the scope, a
-- removal at the position where it left.
CREATE TABLE scope (
	owner   text COLLATE "C",
	kind    text COLLATE "C",
	id      text COLLATE "C",
	seq     bigint NOT NULL,
	version bigint NOT NULL,
	removed boolean NOT NULL,
	PRIMARY KEY (owner, kind, id)
);
CREATE UNIQUE INDEX scope_log ON scope (owner, seq);

CREATE TABLE applied (
	id    text COLLATE "C" PRIMARY KEY,
	at_ns bigint NOT NULL,
	doc   json NOT NULL
);
CREATE INDEX applied_at ON applied (at_ns);

CREATE TABLE conflicts (
	id         text COLLATE "C" PRIMARY KEY,
	owner      text COLLATE "C" NOT NULL,
	created_ns bigint NOT NULL,
	doc        json NOT NULL
);
CREATE INDEX conflicts_owner ON conflicts (owner, created_ns, id);

-- The audit trail: append-only (the server's role may not change or
-- delete it, grants.sql). An upload is stored once per device and
-- sequence; server-written records have device ''.
CREATE TABLE audit (
	seq        bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	device     text COLLATE "C" NOT NULL,
	device_seq bigint NOT NULL,
	doc        json NOT NULL
);
CREATE UNIQUE INDEX audit_device ON audit (device, device_seq) WHERE device <> '';

CREATE TABLE audit_sag (
	sag text COLLATE "C",
	seq bigint REFERENCES audit,
	PRIMARY KEY (sag, seq)
);
