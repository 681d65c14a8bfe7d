package wire

import "feltsag.dk/feltsag/app"

// Delivery of sealed outbox entries over HTTP (docs/protocol.md §1.2):
// after a crypto-erase the device signs in again and posts the entries the
// erase left in <replica>.sealed (store.ReadSealed); only the server can
// open them.
const (
	// PathSealed takes SealedRequest with Authorization: Bearer
	// <access_token> and answers SealedResults.
	PathSealed = "/v1/sealed"
	// MaxSealedBody is the largest request body in bytes (base64 and JSON
	// included); a longer one is refused with 413 before it is read. A
	// client sends its entries in requests under this size, in order.
	MaxSealedBody = 1 << 20
	// MaxSealedEntries is the most entries one request may carry.
	MaxSealedEntries = MaxCommandsPerPush
)

// SealedRequest carries sealed outbox entries, each the bytes of one entry
// (docs/store.md §"Sealed outbox"), in standard base64 with padding, in
// the order the sidecar holds them.
type SealedRequest struct {
	Entries [][]byte `json:"entries"`
}

// SealedResults answers a SealedRequest: one result per entry, in the
// request's order. An entry the server could not open or refused before
// reading its command has no Command and status rejected.
type SealedResults struct {
	Results []app.AckResult `json:"results"`
}
