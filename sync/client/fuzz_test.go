package client_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"slices"
	"testing"
	"time"

	"feltsag.dk/feltsag/app"
	"feltsag.dk/feltsag/sync/client"
	"feltsag.dk/feltsag/sync/wire"
)

// answerWith is an HTTP transport that answers every request with one
// status and body, without a network.
type answerWith struct {
	status int
	body   []byte
}

func (a answerWith) RoundTrip(*http.Request) (*http.Response, error) {
	return &http.Response{StatusCode: a.status, Status: http.StatusText(a.status), Header: http.Header{},
		Body: io.NopCloser(bytes.NewReader(a.body)), ContentLength: int64(len(a.body))}, nil
}

// FuzzSignInAnswer feeds the client's sign-in (Login and Refresh) an
// arbitrary answer of the server. It never panics; a session it accepts
// has both tokens, a valid caseworker id and the device that asked; a
// refusal is an *app.Error with a key, unauthorized for 401 and 403,
// invalid.sync.server_answer for a 200 that is not a session, and
// internal.sync.unreachable for any other status.
func FuzzSignInAnswer(f *testing.F) {
	ok, _ := json.Marshal(wire.Tokens{Caseworker: "cw1", Device: testDevice, AccessToken: "a", AccessExpires: time.Now(),
		RefreshToken: "r", RefreshExpires: time.Now(), ServerKey: "AAAA"})
	refused, _ := json.Marshal(wire.HTTPError{Error: app.Errorf(app.CodeUnauthorized, "", "unauthorized.sync.login")})
	for _, seed := range []struct {
		status int
		body   []byte
	}{
		{200, ok}, {200, bytes.Replace(ok, []byte(testDevice), []byte("dev-9"), 1)}, {200, bytes.Replace(ok, []byte(`"cw1"`), []byte(`"0101901234"`), 1)},
		{200, []byte(`{}`)}, {200, []byte(`null`)}, {200, []byte(`{"access_token":1}`)},
		{401, refused}, {403, refused}, {401, []byte(`{"error":{"code":"internal","key":"x"}}`)}, {401, []byte(`{"error":null}`)},
		{403, []byte(`not json`)}, {500, ok}, {302, nil}, {400, refused},
	} {
		f.Add(uint16(seed.status), false, seed.body)
		f.Add(uint16(seed.status), true, seed.body)
	}
	f.Fuzz(func(t *testing.T, status uint16, refresh bool, body []byte) {
		st := 100 + int(status)%500
		if st < 200 {
			st += 100 // 1xx answers are not final: net/http does not hand them to the caller
		}
		c := &http.Client{Transport: answerWith{status: st, body: body}}
		var s client.Session
		var err error
		if refresh {
			s, err = client.Refresh(context.Background(), c, "http://127.0.0.1:1", testDevice, "r")
		} else {
			s, err = client.Login(context.Background(), c, "http://127.0.0.1:1", "cw1", "pw", testDevice, "laptop")
		}
		if err == nil {
			if st != http.StatusOK || s.AccessToken == "" || s.RefreshToken == "" || s.Device != testDevice || s.Caseworker.Validate() != nil {
				t.Fatalf("%d %q accepted as %+v", st, body, s)
			}
			return
		}
		var e *app.Error
		if !errors.As(err, &e) || e.Key == "" {
			t.Fatalf("%d %q: error %T %v, want an *app.Error with a key", st, body, err, err)
		}
		switch {
		case st == http.StatusUnauthorized || st == http.StatusForbidden:
			if e.Code != app.CodeUnauthorized {
				t.Fatalf("%d: %s %s, want unauthorized", st, e.Code, e.Key)
			}
		case st == http.StatusOK:
			if e.Key != client.KeyBadAnswer {
				t.Fatalf("200 %q refused with %s, want %s", body, e.Key, client.KeyBadAnswer)
			}
		default:
			if !slices.Contains([]string{client.KeyUnreachable}, e.Key) {
				t.Fatalf("%d refused with %s, want %s", st, e.Key, client.KeyUnreachable)
			}
		}
	})
}
