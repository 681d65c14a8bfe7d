package wire

import (
	"time"

	"feltsag.dk/feltsag/app"
)

// Sign-in over HTTP (docs/protocol.md §1.1). These are plain JSON bodies,
// not frames: the websocket opens only after sign-in, with the access
// token as its bearer token.
const (
	PathLogin   = "/v1/login"   // POST LoginRequest → Tokens
	PathRefresh = "/v1/refresh" // POST RefreshRequest → Tokens
	PathSync    = "/v1/sync"    // GET, websocket upgrade, Authorization: Bearer <access_token>
	PathHealth  = "/healthz"    // GET, 200 "ok"
	PathAdmin   = "/v1/admin/"  // the admin API (docs/protocol.md §1.3), admin role only
)

// LoginRequest signs a caseworker in on a device. Device is the id the
// client minted at its first sign-in (app.NewID); DeviceName is what the
// device calls itself (shown to administrators).
type LoginRequest struct {
	User       app.ID `json:"user"`
	Password   string `json:"password"`
	Device     app.ID `json:"device"`
	DeviceName string `json:"device_name,omitempty"`
}

// RefreshRequest trades a refresh token for new tokens. The refresh token
// is bound to Device and rotates: the old one stops working.
type RefreshRequest struct {
	Device       app.ID `json:"device"`
	RefreshToken string `json:"refresh_token"`
}

// DefaultOfflineGrace is the offline grace period (issue 9 §5) when the
// server names none: a replica may be unlocked and used offline this long
// after its last confirmed sync, then the client locks until it has
// signed in on the server again.
const DefaultOfflineGrace = 14 * 24 * time.Hour

// Tokens answers a login or a refresh. ServerKey is the server's X25519
// public key in standard base64, for sealing outbox entries (empty while
// the server has none). OfflineGrace is the server's offline grace period
// in seconds (0: DefaultOfflineGrace).
type Tokens struct {
	Caseworker     app.ID    `json:"caseworker"`
	Device         app.ID    `json:"device"`
	AccessToken    string    `json:"access_token"`
	AccessExpires  time.Time `json:"access_expires"`
	RefreshToken   string    `json:"refresh_token"`
	RefreshExpires time.Time `json:"refresh_expires"`
	ServerKey      string    `json:"server_key"`
	OfflineGrace   int64     `json:"offline_grace_s,omitempty"`
}

// Grace returns the offline grace period t names, or DefaultOfflineGrace.
func (t Tokens) Grace() time.Duration {
	if t.OfflineGrace <= 0 || t.OfflineGrace > int64(365*24*time.Hour/time.Second) {
		return DefaultOfflineGrace
	}
	return time.Duration(t.OfflineGrace) * time.Second
}

// HTTPError is the body of every refusal of the HTTP endpoints (401, 403,
// 400, 429, 500): the domain's error, never a sentence.
type HTTPError struct {
	Error *app.Error `json:"error"`
}
