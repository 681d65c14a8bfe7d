package store

// metaRuleBundle holds the rule bundle the client installed from the
// server (issue 9 §9), sealed under the data key like every meta value.
const metaRuleBundle = "rule_bundle"

// SetRuleBundle keeps the rule bundle the client installed from the server
// (in whatever encoding the caller chose: cmd/feltsag keeps the files and
// their digest), so a later run enforces it from the unlock on, offline
// too. The store does not interpret the bytes; an empty value removes it.
//
// Errors: unauthorized (RuleNotOpen); internal (RuleFull or generic).
func (db *DB) SetRuleBundle(bundle []byte) error {
	return db.update(func(t txn) error {
		if len(bundle) == 0 {
			return t.del(bMeta, []byte(metaRuleBundle))
		}
		return t.put(bMeta, []byte(metaRuleBundle), bundle)
	})
}

// RuleBundle returns what SetRuleBundle kept, or nil.
//
// Errors: unauthorized (RuleNotOpen); internal (RuleDamaged).
func (db *DB) RuleBundle() ([]byte, error) {
	var out []byte
	err := db.read(func(t txn) error {
		b, err := t.get(bMeta, []byte(metaRuleBundle))
		out = append([]byte(nil), b...)
		return err
	})
	if len(out) == 0 {
		out = nil
	}
	return out, err
}
