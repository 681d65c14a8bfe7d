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
