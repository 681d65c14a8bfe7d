package server_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"testing"
	"time"

	"feltsag.dk/feltsag/sync/server"
	"feltsag.dk/feltsag/sync/wire"
)

// TestSealedRateLimit: POST /v1/sealed has a token bucket per device and a
// wider one per address. Over it the answer is 429 with Retry-After and
// unauthorized.sync.sealed_rate; another device from the same address is
// not held up by the first, the bucket refills with time, and requests
// without a valid token use up the address's bucket too.
func TestSealedRateLimit(t *testing.T) {
	lim := &clock{t: t0}
	const burst = 2
	r := newRig(t, func(o *server.Options) {
		o.SealedRate, o.SealedBurst, o.SealedNow = 0.5, burst, lim.Now
	})
	cw1 := r.caseworker("cw1", "dev-1")
	cw2 := r.caseworker("cw2", "dev-2")
	body, _ := json.Marshal(wire.SealedRequest{Entries: [][]byte{bytes.Repeat([]byte{1}, 100)}})
	post := func(token string) (int, string, string) {
		t.Helper()
		req, err := http.NewRequest(http.MethodPost, r.ts.URL+wire.PathSealed, bytes.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Authorization", "Bearer "+token)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var e wire.HTTPError
		_ = json.NewDecoder(resp.Body).Decode(&e)
		key := ""
		if e.Error != nil {
			key = e.Error.Key
		}
		return resp.StatusCode, resp.Header.Get("Retry-After"), key
	}
	steps := []struct {
		name      string
		token     string
		advance   time.Duration
		want      int
		wantRetry string
	}{
		{"dev-1 first", cw1.AccessToken, 0, http.StatusOK, ""},
		{"dev-1 second", cw1.AccessToken, 0, http.StatusOK, ""},
		{"dev-1 over its burst", cw1.AccessToken, 0, http.StatusTooManyRequests, "2"},
		{"dev-2 from the same address", cw2.AccessToken, 0, http.StatusOK, ""},
		{"dev-1 after a refill", cw1.AccessToken, 2 * time.Second, http.StatusOK, ""},
		{"dev-1 over again", cw1.AccessToken, 0, http.StatusTooManyRequests, "2"},
	}
	for _, s := range steps {
		t.Run(s.name, func(t *testing.T) {
			lim.Add(s.advance)
			st, retry, key := post(s.token)
			if st != s.want || retry != s.wantRetry {
				t.Fatalf("status %d Retry-After %q (key %q), want %d %q", st, retry, key, s.want, s.wantRetry)
			}
			if st == http.StatusTooManyRequests && key != "unauthorized.sync.sealed_rate" {
				t.Errorf("key %q, want unauthorized.sync.sealed_rate", key)
			}
		})
	}
	// The address's bucket (SealedIPFactor × burst) has given 6 so far;
	// a flood with a bad token runs it dry and is then answered 429.
	var got []int
	for range server.SealedIPFactor * burst {
		st, _, _ := post("kein-token")
		got = append(got, st)
	}
	if got[0] != http.StatusUnauthorized || got[len(got)-1] != http.StatusTooManyRequests {
		t.Errorf("flood without a valid token: %v, want 401 first and 429 once the address's bucket is empty", got)
	}
	if st, _, _ := post(cw2.AccessToken); st != http.StatusTooManyRequests {
		t.Errorf("dev-2 after the flood from its address: %d, want 429", st)
	}
}
