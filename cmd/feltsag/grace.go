package main

import (
	"context"
	"encoding/json"
	"errors"
	"strconv"
	"time"

	"feltsag.dk/feltsag/app"
	"feltsag.dk/feltsag/store"
	"feltsag.dk/feltsag/sync/client"
	"feltsag.dk/feltsag/ui"
)

// The offline grace period (issue 9 §5, DESIGN §6) and signing in again.
//
// The replica keeps, sealed with the session (store.DB.SetSession), the
// time of the last confirmed contact with the server: a sign-in or a
// complete sync. Unlocking with the password alone is refused once that is
// longer ago than the server's grace period (wire.Tokens.OfflineGrace, 14
// days by default): the replica locks again and the caseworker must sign
// in on the server (SignInAgain). A session whose refresh token has
// expired is renewed the same way, with the password alone, over the same
// replica and outbox.

// keyOfflineGrace is the refusal of an unlock after the grace period.
const keyOfflineGrace = "unauthorized.sync.offline_grace"

// confirmEvery is how much later a complete sync must be than the kept
// time before it is written to the replica again.
const confirmEvery = time.Minute

// kept is what the replica keeps of the sign-in: the session and when the
// server was last confirmed. A session kept before the field existed
// decodes with a zero Confirmed.
type kept struct {
	client.Session
	Confirmed time.Time `json:"confirmed,omitzero"`
}

var _ ui.Renewer = (*account)(nil)

// saveSession keeps the session and the time of the last confirmed
// contact sealed in the replica.
func saveSession(db *store.DB, s client.Session, confirmed time.Time) error {
	b, err := json.Marshal(kept{Session: s, Confirmed: confirmed.UTC()})
	if err != nil {
		return app.Internal(err)
	}
	return db.SetSession(b)
}

// loadSession reads what saveSession kept; ok is false when nothing
// usable is kept.
func loadSession(db *store.DB) (k kept, ok bool, err error) {
	b, err := db.Session()
	if err != nil || b == nil {
		return kept{}, false, err
	}
	if json.Unmarshal(b, &k) != nil || k.RefreshToken == "" {
		return kept{}, false, nil
	}
	return k, true, nil
}

// errOfflineGrace says the grace period ran out on since's sync.
func errOfflineGrace(since time.Time, grace time.Duration) *app.Error {
	return app.Errorf(app.CodeUnauthorized, "", keyOfflineGrace,
		"dage", strconv.Itoa(int(grace/(24*time.Hour))), "dato", since.Local().Format("02.01.2006"))
}

// checkGrace locks the replica again when the last confirmed contact is
// longer ago than the grace period; a session kept without the time
// starts counting now. a.mu is held and a.db unlocked.
func (a *account) checkGrace(k kept) error {
	now := a.now()
	if k.Confirmed.IsZero() || k.Confirmed.After(now) {
		// Kept by an older client, or a clock set back: count from now
		// (a clock set back cannot stretch the grace further than this).
		k.Confirmed = now
		if err := saveSession(a.db, k.Session, now); err != nil {
			return err
		}
	}
	a.confirmed = k.Confirmed
	if grace := k.Grace(); now.Sub(k.Confirmed) > grace {
		a.db.Lock()
		a.graceLocked = true
		a.notify()
		return errOfflineGrace(k.Confirmed, grace)
	}
	return nil
}

// confirmSync keeps the end of a complete sync as the last confirmed
// contact, at most once a minute.
func (a *account) confirmSync(at time.Time) {
	if at.IsZero() {
		return
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.db == nil || a.tokens == nil || !at.After(a.confirmed.Add(confirmEvery)) {
		return
	}
	if err := saveSession(a.db, a.tokens.Session(), at); err != nil {
		a.log.Warn("could not keep the time of the last sync", "err", err)
		return
	}
	a.confirmed = at
}

// NeedsSignIn implements ui.Renewer: the grace period locked the replica,
// no session is kept, or the server refused the session and it could not
// be renewed.
func (a *account) NeedsSignIn() bool {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.graceLocked || a.noAuth {
		return true
	}
	return a.eng != nil && sessionExpired(a.eng.Status().LastError)
}

// sessionExpired reports whether err is the engine's "sign in again".
func sessionExpired(err *app.Error) bool {
	return err != nil && err.Key == client.KeySessionExpired
}

// SignInAgain implements ui.Renewer: sign in on the server with the known
// address, user name and device, unlock the replica with the same password
// when the grace period locked it, keep the new session and resume sync
// over the same replica and outbox.
func (a *account) SignInAgain(ctx context.Context, password string) error {
	a.mu.Lock()
	cfg := a.cfg
	a.mu.Unlock()
	if cfg.Server == "" || cfg.Device == "" {
		return app.Errorf(app.CodeUnauthorized, store.RuleNotOpen, "unauthorized.local_data_locked")
	}
	sess, err := client.Login(ctx, nil, cfg.Server, cfg.User, password, cfg.Device, a.deviceName)
	if err != nil {
		return err
	}
	if sess.Caseworker != cfg.Caseworker {
		return app.Errorf(app.CodeUnauthorized, "", client.KeyBadAnswer).Wrap(errors.New("signed in as another caseworker"))
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.db == nil || a.graceLocked {
		if a.db == nil {
			path, err := a.replicaPath(cfg)
			if err != nil {
				return err
			}
			if a.db, err = store.Open(path, a.storeOpts); err != nil {
				return err
			}
		}
		if err := a.db.Unlock(password); err != nil {
			if r := ruleOf(err); r == store.RuleErased || r == store.RuleDamaged {
				_ = a.db.Close()
				a.db = nil
			}
			return err
		}
	}
	if err := setServerKey(a.db, sess.ServerKey); err != nil {
		return err
	}
	now := a.now()
	if err := saveSession(a.db, sess, now); err != nil {
		return err
	}
	a.confirmed, a.graceLocked, a.noAuth = now, false, false
	if a.tokens == nil {
		a.tokens = client.NewTokens(cfg.Server, sess, client.TokensOptions{OnChange: a.onSession})
	} else {
		a.tokens.Set(sess)
	}
	if a.eng == nil || isClosed(a.stopped) {
		a.startLocked()
	} else {
		a.eng.Retry()
	}
	a.notify()
	return nil
}

func isClosed(c chan struct{}) bool {
	if c == nil {
		return true
	}
	select {
	case <-c:
		return true
	default:
		return false
	}
}
