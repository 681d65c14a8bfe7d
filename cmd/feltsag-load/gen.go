package main

import (
	"crypto/rand"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"feltsag.dk/feltsag/app"
)

// The benchmark's data shape is the PouchDB peer's caseDoc
// (.ci/bench/pouchdb/bench.js): a CPR, a name with Danish letters, a
// kontaktgruppe, a status and 17 journal notes, about 2 KB of JSON. A
// Feltsag case carries the same facts in its own fields.

// NotesPerCase is how many journal notes a benchmark case has, as caseDoc.
const NotesPerCase = 17

// benchSag returns the i-th benchmark case, owned by owner.
func benchSag(i int, owner app.ID) *app.Sag {
	start := app.MustDate(2026, 1, 5)
	cpr, err := app.ParseCPR(fmt.Sprintf("%02d%02d%02d%04d", i%28+1, i%12+1, 60+i%40, 1000+i%9000))
	if err != nil {
		panic(err) // every generated number parses: day 1–28, month 1–12
	}
	s := &app.Sag{
		ID: caseID(i), Ansvarlig: owner,
		Borger: app.Borger{CPR: cpr, Navn: "Borger " + strconv.Itoa(i) + " Ærøskøbing",
			Adresse: app.Adresse{Vej: "Søndergade 1", Postnr: "8000", By: "Aarhus C"}},
		Kontaktgruppe: &app.KGForloeb{KG: 1, Periode: app.Period{Start: start}, RegelSet: "2026-02"},
		Tilmelding:    app.Tilmelding{Status: app.Tilmeldt, Kategori: app.KatModtager, Ledighedsstatus: "ledig", Siden: start, FoersteDato: start},
	}
	for k := range NotesPerCase {
		s.Notater = append(s.Notater, app.Notat{
			ID:    app.ID("n" + strconv.Itoa(k)),
			Tekst: "Opfølgning nr. " + strconv.Itoa(k) + " på sag " + strconv.Itoa(i) + ": borgeren deltog i samtale.",
			Tid:   time.Date(2026, time.Month(1+k%9), 10+k%9, 9, 0, 0, 0, time.UTC),
		})
	}
	return s
}

// caseID names the i-th benchmark case.
func caseID(i int) app.ID { return app.ID(fmt.Sprintf("sag-%06d", i)) }

// peerDocSize is the size in bytes of the PouchDB peer's caseDoc(1) as
// JSON (bench.js: 17 notes of "Opfølgning nr. k på sag i: …"), for the
// report's "same data shape" line.
func peerDocSize() int {
	type note struct {
		At   string `json:"at"`
		By   string `json:"by"`
		Text string `json:"text"`
	}
	doc := struct {
		ID            string `json:"_id"`
		Type          string `json:"type"`
		CPR           string `json:"cpr"`
		Name          string `json:"name"`
		Kontaktgruppe string `json:"kontaktgruppe"`
		Status        string `json:"status"`
		Notes         []note `json:"notes"`
		Rev           int    `json:"rev"`
	}{ID: "case:000001", Type: "case", CPR: "0102031234", Name: "Borger 1 Ærøskøbing", Kontaktgruppe: "Dagpengemodtager", Status: "aktiv"}
	for k := range NotesPerCase {
		doc.Notes = append(doc.Notes, note{At: fmt.Sprintf("2026-0%d-1%d", 1+k%9, k%9), By: "Søren Æbelø",
			Text: fmt.Sprintf("Opfølgning nr. %d på sag 1: borgeren deltog i samtale, æøå ÆØÅ.", k)})
	}
	b, _ := json.Marshal(doc)
	return len(b)
}

// sagSize is the size in bytes of a case as the server stores and sends it.
func sagSize(s *app.Sag) int {
	b, _ := json.Marshal(s)
	return len(b)
}

// noteCommand returns a command that appends a short journal note to case
// sag, made by actor now.
func noteCommand(sag, actor app.ID, n int) (app.Command, error) {
	id, err := app.NewID(rand.Reader)
	if err != nil {
		return app.Command{}, err
	}
	note, err := app.NewID(rand.Reader)
	if err != nil {
		return app.Command{}, err
	}
	return app.Command{ID: id, Sag: sag, Actor: app.Actor{Rolle: app.RolleSagsbehandler, ID: actor}, At: time.Now().UTC(),
		Body: &app.TilfoejNotat{NotatID: note, Tekst: "Belastningsnotat " + strconv.Itoa(n) + ": opfølgning aftalt, æøå."}}, nil
}

// shortName trims an error to one line for the report.
func shortName(s string) string {
	s, _, _ = strings.Cut(s, "\n")
	return s
}
