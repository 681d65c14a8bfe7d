package store

// metaSession holds the client's sync session (access and refresh token),
// sealed under the data key like every other meta value.
const metaSession = "session"

// SetSession keeps the client's sync session (the access and refresh token
// a sign-in or refresh returned, in whatever encoding the caller chose) in
// the replica, sealed like every value, so a later run can sync again
// after the caseworker unlocked it, without signing in, and nothing of it is
// readable while the replica is locked. The store does not interpret the
// bytes; an empty value removes the session.
//
// Errors: unauthorized (RuleNotOpen); internal (RuleFull or generic).
func (db *DB) SetSession(session []byte) error {
	return db.update(func(t txn) error {
		if len(session) == 0 {
			return t.del(bMeta, []byte(metaSession))
		}
		return t.put(bMeta, []byte(metaSession), session)
	})
}

// Session returns the session SetSession kept, or nil when there is none.
//
// Errors: unauthorized (RuleNotOpen); internal (RuleDamaged).
func (db *DB) Session() ([]byte, error) {
	var out []byte
	err := db.read(func(t txn) error {
		b, err := t.get(bMeta, []byte(metaSession))
		out = append([]byte(nil), b...)
		return err
	})
	if len(out) == 0 {
		out = nil
	}
	return out, err
}
