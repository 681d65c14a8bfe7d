-- 0002: shared scope (LedgerRecord.Readers; docs/store.md, "Shared scope").
-- A record is in the scope of its owner and of its readers (a company's
-- team, the caseworkers whose citizens are placed there): sorted, once,
-- never the owner (app.NormalReaders). A record written before has none.
-- Each reader has its own rows in scope, like the owner; the table needs
-- no change. A constant default adds the column without rewriting the
-- table.
ALTER TABLE records ADD COLUMN readers text[] COLLATE "C" NOT NULL DEFAULT '{}';
