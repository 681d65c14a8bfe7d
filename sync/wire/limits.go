package wire

import "time"

// ProtocolVersion is the version every frame carries in "v". Any change to
// a message's shape or to the set of message types is a new version: the
// decoder refuses unknown fields and types, so a change cannot slip in
// unnoticed (docs/protocol.md §7).
const ProtocolVersion = 1

// Limits every frame keeps. The decoder checks them before or while it
// parses, so a hostile frame costs at most MaxFrame bytes of work; the
// encoder and the Split helpers keep them on the way out.
const (
	// MaxFrame is the largest frame in bytes. A websocket reader sets it as
	// its read limit; the decoder refuses a longer frame before parsing.
	MaxFrame = 64 << 10
	// MaxDepth is the deepest nesting of objects and arrays in a frame. The
	// protocol's own messages need 8; command bodies and records add a few.
	MaxDepth = 32
	// MaxArray is the longest array anywhere in a frame, and the most
	// members of one object.
	MaxArray = 4096
	// MaxCommandsPerPush is the most commands one push frame carries (and
	// so the most results one ack carries).
	MaxCommandsPerPush = 256
	// MaxRecordsPerPage is the most records one changes frame carries and
	// the largest limit a pull may ask for.
	MaxRecordsPerPage = 512
	// MaxAuditPerUpload is the most audit records one audit_upload carries.
	MaxAuditPerUpload = 512
	// MaxRuleFiles is the most files of a rule-set bundle, over all parts.
	MaxRuleFiles = 64
	// MaxGaps is the most sequence ranges one audit_ack reports missing.
	MaxGaps = 256
	// MaxRetryAfter is the longest wait an error may ask for.
	MaxRetryAfter = time.Hour
)

// Timing of a live session (docs/protocol.md §3). PongWait > PingPeriod, so
// one late pong does not close a healthy connection.
const (
	PingPeriod = 30 * time.Second // how often the client sends ping when idle
	PongWait   = 45 * time.Second // how long either side waits for any frame before closing
)

// Websocket close codes Feltsag uses besides the standard ones (1000 normal,
// 1001 going away, 1008 policy violation, 1009 message too big, 1011
// internal error). The 4000–4999 range is the application's.
const (
	CloseBadFrame     = 4000 // a frame failed to decode; the error frame before it says why
	CloseVersion      = 4001 // the protocol version is not supported; update the app
	CloseUnauthorized = 4003 // the session expired or was revoked; log in again
	CloseWiped        = 4004 // the device was wiped (after a wipe frame)
	CloseRateLimited  = 4029 // too many frames; reconnect after the error's retry_after_ms
	CloseReplaced     = 4009 // the same device opened a newer connection
)
