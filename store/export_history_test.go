package store

import "feltsag.dk/feltsag/app"

// AppendAudit writes the records in one transaction: the history
// benchmark fills a long log without an fsync per record.
func (db *DB) AppendAudit(rs []app.AuditRecord) error {
	return db.update(func(t txn) error {
		for _, r := range rs {
			if err := t.appendAudit(r); err != nil {
				return err
			}
		}
		return nil
	})
}
