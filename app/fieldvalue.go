package app

import (
	"encoding/json"
	"strings"
)

// FieldValue returns the value of a field path (the paths of
// FieldPolicies, as the engine names them in Result.Changes) in s as JSON,
// for a conflict's sides and the audit trail's overwritten values. ok is
// false when the field does not exist in s (a record of a list that is not
// there, an empty date): the conflict side then has no value.
//
// What a path covers: "borger" the contact details (navn, adresse,
// telefon, email); "borger/doed" and "borger/ingen_adresse" the dates;
// "kontaktgruppe" the open period; "tilmelding", "visitation", "ydelse"
// the whole part; "tjob" the next deadline, the day a reminder counts from and the
// missed ones;
// "fravaer/<id>", "samtale/<id>", "plan/<id>", "sanktion/<id>",
// "notat/<id>" and "vejledning/<id>" the record; "samtale/<id>/udfald" the
// samtale's status and konsekvens. Errors: invalid for a path no row of
// FieldPolicies names.
func FieldValue(s *Sag, field string) (json.RawMessage, bool, error) {
	v, ok, err := fieldValue(s, field)
	if err != nil || !ok {
		return nil, false, err
	}
	b, err := json.Marshal(v)
	if err != nil {
		return nil, false, Internal(err)
	}
	return b, true, nil
}

func fieldValue(s *Sag, field string) (any, bool, error) {
	switch field {
	case FieldBorger:
		b := s.Borger
		return struct {
			Navn    string  `json:"navn"`
			Adresse Adresse `json:"adresse"`
			Telefon string  `json:"telefon,omitempty"`
			Email   string  `json:"email,omitempty"`
		}{b.Navn, b.Adresse, b.Telefon, b.Email}, true, nil
	case FieldBorgerDoed:
		return s.Borger.Doed, !s.Borger.Doed.IsZero(), nil
	case FieldBorgerIngenAdresse:
		return s.Borger.IngenAdresse, !s.Borger.IngenAdresse.IsZero(), nil
	case FieldKontaktgruppe:
		return s.Kontaktgruppe, s.Kontaktgruppe != nil, nil
	case FieldTilmelding:
		return s.Tilmelding, true, nil
	case FieldVisitation:
		return s.Visitation, true, nil
	case FieldYdelse:
		return s.Ydelse, true, nil
	case FieldTjob:
		return struct {
			Tjob     Date   `json:"tjob,omitzero"`
			TjobFra  Date   `json:"tjob_fra,omitzero"`
			TjobMiss []Date `json:"tjob_miss,omitempty"`
		}{s.Tjob, s.TjobFra, s.TjobMiss}, true, nil
	}
	if _, ok := FieldPolicyRowOf(field); !ok {
		return nil, false, Errorf(CodeInvalid, "", "invalid.field_path", "felt", field).WithField(field)
	}
	parts := strings.Split(field, "/")
	id := ID(parts[1])
	switch parts[0] {
	case "fravaer":
		if i := s.FindFravaer(id); i >= 0 {
			return s.Fravaer[i], true, nil
		}
	case "samtale":
		i := s.FindSamtale(id)
		if i < 0 {
			return nil, false, nil
		}
		m := s.Samtaler[i]
		if len(parts) == 3 { // samtale/<id>/udfald
			return struct {
				Status     string     `json:"status"`
				Konsekvens Konsekvens `json:"konsekvens,omitzero"`
			}{m.Status, m.Konsekvens}, true, nil
		}
		return m, true, nil
	case "plan":
		if i := s.FindPlan(id); i >= 0 {
			return s.Planer[i], true, nil
		}
	case "sanktion":
		for _, x := range s.Sanktioner {
			if x.ID == id {
				return x, true, nil
			}
		}
	case "notat":
		for _, x := range s.Notater {
			if x.ID == id {
				return x, true, nil
			}
		}
	case "vejledning":
		for _, x := range s.Vejledninger {
			if x.ID == id {
				return x, true, nil
			}
		}
	}
	return nil, false, nil
}

// VirksomhedFieldValue is FieldValue for a company: the value of a field
// path of a company's command (Result.Changes of ExecuteVirksomhed) in v
// as JSON. "virksomhed" is the register data (CVR, name, address,
// industry code, sector); "virksomhed/ansatte" the CVR-level staff;
// "enhed/<p>" a P-unit's name and address, "enhed/<p>/ansatte" its staff;
// "kontaktperson/<id>", "virksomhedskontakt/<id>", "jobordre/<id>",
// "plads/<id>", "henvisning/<id>" and "placering/<id>" the record;
// "henvisning/<id>/udfald" the outcome; "placering/<id>/periode" the
// period. ok is false when the field does not exist in v. Errors: invalid
// for a path that is not a company's.
func VirksomhedFieldValue(v *Virksomhed, field string) (json.RawMessage, bool, error) {
	x, ok, err := virksomhedFieldValue(v, field)
	if err != nil || !ok {
		return nil, false, err
	}
	b, err := json.Marshal(x)
	if err != nil {
		return nil, false, Internal(err)
	}
	return b, true, nil
}

func virksomhedFieldValue(v *Virksomhed, field string) (any, bool, error) {
	switch field {
	case FieldVirksomhed:
		return struct {
			CVR         CVR     `json:"cvr"`
			Navn        string  `json:"navn"`
			Adresse     Adresse `json:"adresse"`
			Branchekode string  `json:"branchekode,omitempty"`
			Sektor      string  `json:"sektor"`
		}{v.CVR, v.Navn, v.Adresse, v.Branchekode, v.Sektor}, true, nil
	case FieldVirksomhedAnsatte:
		return v.Ansatte, true, nil
	}
	invalid := Errorf(CodeInvalid, "", "invalid.field_path", "felt", field).WithField(field)
	parts := strings.Split(field, "/")
	if _, ok := FieldPolicyRowOf(field); !ok || len(parts) < 2 {
		return nil, false, invalid
	}
	id := ID(parts[1])
	sub := ""
	if len(parts) == 3 {
		sub = parts[2]
	}
	switch {
	case parts[0] == "enhed":
		e := v.Enhed(PNummer(id))
		if e == nil {
			return nil, false, nil
		}
		if sub == "ansatte" {
			return struct {
				Ansatte float64 `json:"ansatte"`
				Opgjort Date    `json:"opgjort,omitzero"`
			}{e.Ansatte, e.Opgjort}, true, nil
		}
		return struct {
			PNummer PNummer `json:"p_nummer"`
			Navn    string  `json:"navn"`
			Adresse Adresse `json:"adresse"`
		}{e.PNummer, e.Navn, e.Adresse}, true, nil
	case parts[0] == "kontaktperson" && sub == "":
		return found(v.Kontakter, id, func(k Kontaktperson) ID { return k.ID })
	case parts[0] == "virksomhedskontakt" && sub == "":
		return found(v.KontaktLog, id, func(k Virksomhedskontakt) ID { return k.ID })
	case parts[0] == "jobordre" && sub == "":
		return found(v.Jobordrer, id, func(j Jobordre) ID { return j.ID })
	case parts[0] == "plads" && sub == "":
		return found(v.Pladser, id, func(p Plads) ID { return p.ID })
	case parts[0] == "henvisning":
		i := findID(v.Henvisninger, id, func(h Henvisning) ID { return h.ID })
		if i < 0 {
			return nil, false, nil
		}
		if sub == "udfald" {
			return v.Henvisninger[i].Udfald, v.Henvisninger[i].Udfald != "", nil
		}
		return v.Henvisninger[i], true, nil
	case parts[0] == "placering":
		i := findID(v.Placeringer, id, func(p Placering) ID { return p.ID })
		if i < 0 {
			return nil, false, nil
		}
		if sub == "periode" {
			return v.Placeringer[i].Periode, true, nil
		}
		return v.Placeringer[i], true, nil
	}
	return nil, false, invalid
}

// found returns the element of list with id, and whether there is one.
func found[T any](list []T, id ID, get func(T) ID) (any, bool, error) {
	if i := findID(list, id, get); i >= 0 {
		return list[i], true, nil
	}
	return nil, false, nil
}
