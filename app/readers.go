package app

import (
	"errors"
	"slices"
)

// NormalReaders returns readers as LedgerRecord.Readers keeps them: every
// id valid, sorted, without duplicates and without owner; nil when none is
// left. Both ledgers store what it returns, so a caller may pass the
// owner's whole team, the owner included. An invalid id (an empty one
// too) is refused with CodeInvalid on the field "readers".
func NormalReaders(owner ID, readers []ID) ([]ID, error) {
	if len(readers) == 0 {
		return nil, nil
	}
	out := make([]ID, 0, len(readers))
	for _, id := range readers {
		if err := id.Validate(); err != nil {
			var e *Error
			if errors.As(err, &e) {
				c := *e
				c.Field = "readers"
				return nil, &c
			}
			return nil, err
		}
		if id != owner {
			out = append(out, id)
		}
	}
	slices.Sort(out)
	out = slices.Compact(out)
	if len(out) == 0 {
		return nil, nil
	}
	return slices.Clip(out), nil
}

// ScopeMembers returns the accounts whose scope holds a record with owner
// and readers as NormalReaders returns them: {owner} ∪ readers, sorted,
// without "" (nobody's).
func ScopeMembers(owner ID, readers []ID) []ID {
	out := make([]ID, 0, len(readers)+1)
	out = append(out, readers...)
	if owner != "" {
		i, found := slices.BinarySearch(out, owner)
		if !found {
			out = slices.Insert(out, i, owner)
		}
	}
	return out
}
