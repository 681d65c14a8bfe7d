package main

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/hex"
	"errors"
	"fmt"
	"math/big"
	"net"
	"time"
)

// transport is how feltsagd serves: TLS from a certificate and key, a
// generated self-signed certificate (--dev), or plain HTTP, which is
// allowed only on a loopback address (DESIGN §5: wss:// for every
// non-loopback address).
type transport struct {
	tls         *tls.Config // nil: plain
	fingerprint string      // SHA-256 of a generated certificate, printed so a tester can pin it
}

// transportFor decides the transport for addr from the flags.
func transportFor(addr, certFile, keyFile string, dev bool, now time.Time) (transport, error) {
	switch {
	case certFile != "" || keyFile != "":
		if certFile == "" || keyFile == "" {
			return transport{}, errors.New("--cert og --key skal gives sammen (--cert and --key go together)")
		}
		cert, err := tls.LoadX509KeyPair(certFile, keyFile)
		if err != nil {
			return transport{}, fmt.Errorf("kan ikke læse certifikat og nøgle (cannot read certificate and key): %w", err)
		}
		return transport{tls: &tls.Config{MinVersion: tls.VersionTLS12, Certificates: []tls.Certificate{cert}}}, nil
	case dev:
		cert, fp, err := selfSigned(addr, now)
		if err != nil {
			return transport{}, err
		}
		return transport{tls: &tls.Config{MinVersion: tls.VersionTLS12, Certificates: []tls.Certificate{cert}}, fingerprint: fp}, nil
	}
	if !loopback(addr) {
		return transport{}, fmt.Errorf("%s er ikke en loopback-adresse: giv --cert og --key, eller --dev for et selvsigneret certifikat "+
			"(plain ws:// is allowed on loopback only; give --cert and --key, or --dev)", addr)
	}
	return transport{}, nil
}

// loopback reports whether addr (host:port) listens only on a loopback
// interface. An empty host or an unspecified address listens everywhere.
func loopback(addr string) bool {
	host, _, err := net.SplitHostPort(addr)
	if err != nil || host == "" {
		return false
	}
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// selfSigned makes a certificate valid for a year for localhost, the
// loopback addresses and addr's host, and returns it with the SHA-256
// fingerprint of its DER form.
func selfSigned(addr string, now time.Time) (tls.Certificate, string, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return tls.Certificate{}, "", err
	}
	serial, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 127))
	if err != nil {
		return tls.Certificate{}, "", err
	}
	tmpl := &x509.Certificate{
		SerialNumber: serial,
		Subject:      pkix.Name{CommonName: "feltsagd (udvikling)", Organization: []string{"Feltsag"}},
		NotBefore:    now.Add(-time.Hour),
		NotAfter:     now.AddDate(1, 0, 0),
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		DNSNames:     []string{"localhost"},
		IPAddresses:  []net.IP{net.IPv4(127, 0, 0, 1), net.IPv6loopback},
	}
	if host, _, err := net.SplitHostPort(addr); err == nil && host != "" {
		if ip := net.ParseIP(host); ip != nil {
			if !ip.IsUnspecified() && !ip.IsLoopback() {
				tmpl.IPAddresses = append(tmpl.IPAddresses, ip)
			}
		} else if host != "localhost" {
			tmpl.DNSNames = append(tmpl.DNSNames, host)
		}
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return tls.Certificate{}, "", err
	}
	sum := sha256.Sum256(der)
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key}, hex.EncodeToString(sum[:]), nil
}
