package main

import (
	"crypto/x509"
	"testing"
	"time"
)

func TestLoopback(t *testing.T) {
	tests := []struct {
		addr string
		want bool
	}{
		{"127.0.0.1:8443", true},
		{"127.1.2.3:80", true},
		{"[::1]:8443", true},
		{"localhost:8443", true},
		{":8443", false},
		{"0.0.0.0:8443", false},
		{"[::]:8443", false},
		{"10.0.0.5:8443", false},
		{"feltsag.example:443", false},
		{"no-port", false},
	}
	for _, tt := range tests {
		if got := loopback(tt.addr); got != tt.want {
			t.Errorf("loopback(%q) = %v, want %v", tt.addr, got, tt.want)
		}
	}
}

func TestTransportFor(t *testing.T) {
	now := time.Date(2026, 12, 7, 12, 0, 0, 0, time.UTC)
	if tr, err := transportFor("127.0.0.1:0", "", "", false, now); err != nil || tr.tls != nil {
		t.Errorf("plain on loopback: %v, tls %v; want plain", err, tr.tls != nil)
	}
	if _, err := transportFor("0.0.0.0:8443", "", "", false, now); err == nil {
		t.Error("plain on every interface accepted; want refusal")
	}
	if _, err := transportFor(":8443", "cert.pem", "", false, now); err == nil {
		t.Error("--cert without --key accepted")
	}
	if _, err := transportFor(":8443", "/nonexistent/cert.pem", "/nonexistent/key.pem", false, now); err == nil {
		t.Error("missing certificate files accepted")
	}
	tr, err := transportFor("0.0.0.0:8443", "", "", true, now)
	if err != nil || tr.tls == nil || len(tr.fingerprint) != 64 {
		t.Fatalf("--dev: %v, tls %v, fingerprint %q", err, tr.tls != nil, tr.fingerprint)
	}
	cert, err := x509.ParseCertificate(tr.tls.Certificates[0].Certificate[0])
	if err != nil {
		t.Fatal(err)
	}
	if err := cert.VerifyHostname("localhost"); err != nil {
		t.Errorf("generated certificate: %v", err)
	}
	if !cert.NotAfter.After(now.AddDate(0, 11, 0)) || cert.NotBefore.After(now) {
		t.Errorf("validity %v – %v around %v", cert.NotBefore, cert.NotAfter, now)
	}
}
