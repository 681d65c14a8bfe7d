package client

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strconv"
	"time"

	"feltsag.dk/feltsag/app"
	"feltsag.dk/feltsag/sync/wire"
)

// SealedOutbox is the sealed outbox a crypto-erase left beside the replica
// (docs/protocol.md §1.2; cmd/feltsag passes store.ReadSealed and
// store.RemoveSealed of the replica's path). The engine delivers it with
// POST /v1/sealed at the start of every session, before the new replica
// pushes anything, and forgets an entry only after the server answered it.
type SealedOutbox interface {
	// Entries returns the entries still to deliver, in the order they were
	// saved; none when there is nothing.
	Entries() ([][]byte, error)
	// Delivered forgets the entries the server answered (compared byte for
	// byte).
	Delivered(entries [][]byte) error
}

// sealedOverhead is the JSON around the entries of a SealedRequest
// (`{"entries":[]}`) and sealedPerEntry what each entry adds besides its
// base64 (two quotes and a comma).
const (
	sealedOverhead = len(`{"entries":[]}`)
	sealedPerEntry = 3
)

// splitSealed cuts entries into requests that keep the server's limits
// (wire.MaxSealedBody, wire.MaxSealedEntries), in order. An entry too large
// for any request is returned in tooLarge and left out.
func splitSealed(entries [][]byte) (reqs [][][]byte, tooLarge [][]byte) {
	var cur [][]byte
	size := sealedOverhead
	for _, e := range entries {
		n := base64.StdEncoding.EncodedLen(len(e)) + sealedPerEntry
		if sealedOverhead+n > wire.MaxSealedBody {
			tooLarge = append(tooLarge, e)
			continue
		}
		if len(cur) == wire.MaxSealedEntries || size+n > wire.MaxSealedBody {
			reqs, cur, size = append(reqs, cur), nil, sealedOverhead
		}
		cur, size = append(cur, e), size+n
	}
	if len(cur) > 0 {
		reqs = append(reqs, cur)
	}
	return reqs, tooLarge
}

// DeliverSealed posts one request of sealed entries (at most
// wire.MaxSealedEntries, under wire.MaxSealedBody) to the server at
// baseURL with the access token and returns the server's result for each,
// in order. c is the HTTP client (nil: http.DefaultClient).
//
// Errors: unauthorized with the server's key when the token is refused
// (KeySessionExpired when it named none) or the device is revoked or
// disabled; invalid (KeyInsecureURL, KeyBadURL) for an address that cannot
// be used; internal (KeyUnreachable) when the server cannot be reached or
// refuses the whole request (retry says how long it asked to wait, from
// Retry-After); invalid (KeyBadAnswer) for an answer without one result
// per entry.
func DeliverSealed(ctx context.Context, c *http.Client, baseURL, token string, entries [][]byte) (results []app.AckResult, retry time.Duration, err error) {
	u, err := serverURL(baseURL, "http", wire.PathSealed)
	if err != nil {
		return nil, 0, err
	}
	b, err := json.Marshal(wire.SealedRequest{Entries: entries})
	if err != nil {
		return nil, 0, app.Internal(err)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, u, bytes.NewReader(b))
	if err != nil {
		return nil, 0, app.Errorf(app.CodeInvalid, "", KeyBadURL).Wrap(err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+token)
	if c == nil {
		c = http.DefaultClient
	}
	resp, err := c.Do(req)
	if err != nil {
		return nil, 0, unreachable(err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(resp.Body, wire.MaxSealedBody))
	if err != nil {
		return nil, 0, unreachable(err)
	}
	switch resp.StatusCode {
	case http.StatusOK:
	case http.StatusUnauthorized:
		return nil, 0, serverError(raw, KeySessionExpired)
	case http.StatusForbidden:
		return nil, 0, serverError(raw, KeyDisabled)
	default:
		retry = retryAfter(resp.Header.Get("Retry-After"))
		var body wire.HTTPError
		if resp.StatusCode == http.StatusTooManyRequests && json.Unmarshal(raw, &body) == nil && body.Error != nil && body.Error.Key != "" {
			return nil, retry, body.Error // the server's own words: it asks to wait
		}
		return nil, retry, app.Errorf(app.CodeInternal, "", KeyUnreachable).Wrap(errors.New("sealed delivery answered " + resp.Status))
	}
	var out wire.SealedResults
	if err := app.DecodeStrict(raw, &out); err != nil {
		return nil, 0, badAnswer(err)
	}
	if len(out.Results) != len(entries) {
		return nil, 0, badAnswer(errors.New(strconv.Itoa(len(out.Results)) + " results for " + strconv.Itoa(len(entries)) + " sealed entries"))
	}
	return out.Results, 0, nil
}

// retryAfter reads a Retry-After header in seconds (at most an hour).
func retryAfter(h string) time.Duration {
	n, err := strconv.Atoi(h)
	if err != nil || n <= 0 {
		return 0
	}
	return time.Duration(min(n, 3600)) * time.Second
}

// deliverSealed delivers the sealed outbox, if any, before the session
// dials: every request in order, each answered request's entries
// forgotten at once. ok is false when the session must not go on (its
// outcome says why): the new replica pushes nothing before the sealed
// entries are delivered.
func (e *Engine) deliverSealed(ctx context.Context, token string) (outcome, bool) {
	if e.opts.Sealed == nil {
		return outcome{}, true
	}
	entries, err := e.opts.Sealed.Entries()
	if err != nil {
		e.log.Warn("sync: read the sealed outbox", "err", app.Describe(err))
		return outcome{err: app.AsError(err)}, false
	}
	reqs, tooLarge := splitSealed(entries)
	for range tooLarge {
		e.log.Warn("sync: a sealed entry is too large to deliver; it stays in the sealed outbox")
	}
	e.update(func(s *Status) { s.Sealed = len(entries) })
	left := len(entries)
	for _, req := range reqs {
		results, retry, err := DeliverSealed(ctx, e.opts.HTTP, e.opts.URL, token, req)
		if err != nil {
			ae := app.AsError(err)
			e.log.Warn("sync: sealed delivery", "err", app.Describe(ae))
			if ae.Key == KeySessionExpired {
				return e.refused(ctx, token, outcome{}), false
			}
			return outcome{err: ae, retryAfter: retry}, false
		}
		rejected := 0
		for _, r := range results {
			if r.Status == app.AckRejected {
				rejected++
				var why error
				if r.Error != nil {
					why = r.Error
				}
				e.log.Warn("sync: a sealed entry was rejected", "command", string(r.Command), "err", app.Describe(why))
			}
		}
		if err := e.opts.Sealed.Delivered(req); err != nil {
			// Delivered but not forgotten: the next delivery is answered
			// as duplicate, so nothing is applied twice.
			e.log.Warn("sync: forget delivered sealed entries", "err", app.Describe(err))
			return outcome{err: app.AsError(err)}, false
		}
		left -= len(req)
		e.log.Info("sync: sealed entries delivered", "entries", len(req), "rejected", rejected)
		e.update(func(s *Status) {
			s.Sealed = left
			s.SealedDelivered += len(req)
			s.SealedRejected += rejected
		})
	}
	return outcome{}, true
}
