package main

import (
	"feltsag.dk/feltsag/store"
	"feltsag.dk/feltsag/sync/client"
)

// sealedOutbox is the sealed outbox a crypto-erase left beside the replica
// at path (<path>.sealed): the sync engine delivers it after the
// caseworker signed in again, before the new replica pushes anything.
type sealedOutbox struct{ path string }

var _ client.SealedOutbox = sealedOutbox{}

// Entries implements client.SealedOutbox.
func (s sealedOutbox) Entries() ([][]byte, error) { return store.ReadSealed(s.path) }

// Delivered implements client.SealedOutbox.
func (s sealedOutbox) Delivered(entries [][]byte) error { return store.RemoveSealed(s.path, entries) }
