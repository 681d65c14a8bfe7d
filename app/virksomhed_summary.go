package app

// VirksomhedSummary is the company list's line: what the consultant needs
// to find a company and see at a glance what is open there, without
// opening it.
type VirksomhedSummary struct {
	ID          ID      `json:"id"`
	Navn        string  `json:"navn"`
	CVR         CVR     `json:"cvr"`
	Adresse     Adresse `json:"adresse"`
	Branchekode string  `json:"branchekode,omitempty"`
	Ansvarlig   ID      `json:"ansvarlig,omitempty"`
	Version     int64   `json:"version"`

	AabneJobordrer    int  `json:"aabne_jobordrer,omitempty"`    // openings with status aaben
	Pladser           int  `json:"pladser,omitempty"`            // places offered (sum of Antal) in force on the day
	AktivePlaceringer int  `json:"aktive_placeringer,omitempty"` // placements running on the day
	SenesteKontakt    Date `json:"seneste_kontakt,omitzero"`     // the latest entry of the contact log
	Opfoelgning       Date `json:"opfoelgning,omitzero"`         // the earliest follow-up date on or after the day

	// Placeringer are the company's placements (shared with the company,
	// read-only): the candidates search leaves out citizens placed on the
	// start day without decoding every company.
	Placeringer []Placering `json:"-"`

	Pending   int  `json:"-"` // commands saved here and not yet acknowledged
	Conflicts int  `json:"-"` // open conflicts
	ReadOnly  bool `json:"-"` // the company is leaving this device's scope
}

// VirksomhedSummaryOf returns the list line of a company on day on.
func VirksomhedSummaryOf(v *Virksomhed, on Date) VirksomhedSummary {
	s := VirksomhedSummary{ID: v.ID, Navn: v.Navn, CVR: v.CVR, Adresse: v.Adresse, Branchekode: v.Branchekode,
		Ansvarlig: v.Ansvarlig, Version: v.Version}
	for _, j := range v.Jobordrer {
		if j.Status == "aaben" {
			s.AabneJobordrer++
		}
	}
	for _, p := range v.Pladser {
		if p.Periode.Contains(on) {
			s.Pladser += p.Antal
		}
	}
	s.Placeringer = v.Placeringer
	for _, p := range v.Placeringer {
		if p.Periode.Contains(on) {
			s.AktivePlaceringer++
		}
	}
	for _, k := range v.KontaktLog {
		if k.Dato.After(s.SenesteKontakt) {
			s.SenesteKontakt = k.Dato
		}
		if !k.Opfoelgning.IsZero() && !k.Opfoelgning.Before(on) && (s.Opfoelgning.IsZero() || k.Opfoelgning.Before(s.Opfoelgning)) {
			s.Opfoelgning = k.Opfoelgning
		}
	}
	return s
}

// Kandidat is a citizen who fits a job opening or a place, with why: the
// candidates list of the field kit, ranked by Score (higher first).
type Kandidat struct {
	Sag   ID     `json:"sag"`
	Navn  string `json:"navn"`
	CPR   string `json:"cpr"` // masked DDMMYY-XXXX
	Score int    `json:"score"`
	// Grunde say why the citizen fits (or what speaks against), each a
	// text key of the catalogue with its parameters, in the order shown.
	Grunde []Grund `json:"grunde"`
}

// Grund is one reason of a candidate's fit: a catalogue key and its
// parameters; Imod marks what speaks against.
type Grund struct {
	Key    string            `json:"key"`
	Params map[string]string `json:"params,omitempty"`
	Imod   bool              `json:"imod,omitempty"`
}
