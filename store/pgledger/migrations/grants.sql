-- The server's least privilege, applied by `feltsagd migrate -grant ROLE`
-- after the migrations (ROLE replaces :role). The role reads and writes
-- rows; it owns nothing, so it cannot ALTER, DROP or TRUNCATE a table, and
-- it may only add to the audit trail. A migration that adds a table adds
-- its grant here.
GRANT USAGE ON SCHEMA public TO :role;
GRANT SELECT ON schema_migrations TO :role;
GRANT SELECT, UPDATE ON ledger TO :role;
GRANT SELECT, INSERT, UPDATE, DELETE ON meta, accounts, devices, sessions, records, scope, applied, conflicts TO :role;
GRANT SELECT, INSERT ON audit, audit_sag TO :role;
