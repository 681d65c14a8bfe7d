package app

import "strings"

// Field conflict policies (DESIGN §5.4): what the server does when two
// devices changed the same field of a case concurrently.
const (
	PolicyLWW       = "lww"       // last writer wins; the overwritten value goes to the audit trail
	PolicyAppend    = "append"    // set union: both sides' entries are kept
	PolicyProtected = "protected" // a concurrent change becomes a conflict; the server value stands until a person resolves it
)

// Field paths the engine names in Result.Changes. A path is a field of the
// case, optionally followed by the id of one record of a list and a
// sub-field ("samtale/<id>/udfald").
const (
	FieldBorger             = "borger"               // contact details: name, address, phone, e-mail
	FieldBorgerDoed         = "borger/doed"          // date of death (life event)
	FieldBorgerIngenAdresse = "borger/ingen_adresse" // lost postal address (life event)
	FieldKontaktgruppe      = "kontaktgruppe"
	FieldTilmelding         = "tilmelding"
	FieldVisitation         = "visitation"
	FieldYdelse             = "ydelse"
	FieldTjob               = "tjob"
)

// samtaleUdfald is the path of a samtale's outcome (held, udeblevet,
// cancelled), kept apart from its booking details.
func samtaleUdfald(id ID) string { return "samtale/" + string(id) + "/udfald" }

// FieldPolicyRow is one row of the field policy table: a field path pattern
// ("<id>" matches any record id), its policy and why.
type FieldPolicyRow struct {
	Pattern string
	Policy  string
	Why     string
}

// FieldPolicies returns the field policy table, the one place that decides
// how each field merges. docs/fields.md shows the same table (a test keeps
// them equal), and a test runs every command kind to check that each field
// the engine changes has a row.
func FieldPolicies() []FieldPolicyRow {
	return []FieldPolicyRow{
		{FieldBorger, PolicyLWW, "contact details are free text; the loser is kept in the audit trail"},
		{FieldBorgerDoed, PolicyProtected, "a death ends the case and deregisters the citizen (4405)"},
		{FieldBorgerIngenAdresse, PolicyProtected, "losing the postal address deregisters the citizen"},
		{FieldKontaktgruppe, PolicyProtected, "the kontaktgruppe decides rights and duties [S8]"},
		{FieldTilmelding, PolicyProtected, "tilmelding decides benefits and deadlines"},
		{FieldVisitation, PolicyProtected, "the category decides the contact plan and duties"},
		{FieldYdelse, PolicyProtected, "the benefit decides the kontaktgruppe and deadlines"},
		{FieldTjob, PolicyProtected, "missed TJOB deadlines lead to afmelding [S29]"},
		{"fravaer/<id>", PolicyProtected, "fravær exempts from duties and can deregister"},
		{"samtale/<id>", PolicyLWW, "booking details (date, time, form) of a planned samtale"},
		{"samtale/<id>/udfald", PolicyProtected, "held or udeblevet: an udeblivelse can lead to a sanction"},
		{"sanktion/<id>", PolicyProtected, "a sanction is a decision with legal effect"},
		{"plan/<id>", PolicyLWW, "the plan text is worked on together; published versions are kept"},
		{"notat/<id>", PolicyAppend, "the journal is append-only"},
		{"vejledning/<id>", PolicyAppend, "each vejledning given is a fact to keep"},
		{FieldVirksomhed, PolicyLWW, "the company's register data (name, address, industry code, sector) is corrected from the CVR register"},
		{FieldVirksomhedAnsatte, PolicyProtected, "the staff counts decide the merbeskæftigelseskrav (DOMAIN B3)"},
		{"enhed/<id>", PolicyLWW, "a P-unit's name and address"},
		{"enhed/<id>/ansatte", PolicyProtected, "a P-unit's ordinary staff decides the rimelighedskrav (DOMAIN B2)"},
		{"kontaktperson/<id>", PolicyAppend, "contact persons from two consultants are both kept"},
		{"virksomhedskontakt/<id>", PolicyAppend, "the contact log (visits, calls) is append-only"},
		{"jobordre/<id>", PolicyLWW, "a job opening is worked on together"},
		{"plads/<id>", PolicyLWW, "a place a company offers is worked on together"},
		{"henvisning/<id>", PolicyAppend, "each referral made is a fact to keep"},
		{"henvisning/<id>/udfald", PolicyProtected, "a refused job can lead to a sanction or a notice to the a-kasse"},
		{"placering/<id>", PolicyAppend, "each placement made is a fact to keep"},
		{"placering/<id>/periode", PolicyProtected, "a placement's period decides the duration and ratio rules (DOMAIN B2, B4, B5)"},
	}
}

// FieldPolicy returns the conflict policy of a field path such as
// "tilmelding", "fravaer/<id>" or "samtale/<id>/udfald". A path no row
// matches is protected: a field nobody classified must not be overwritten
// silently.
func FieldPolicy(field string) string {
	if row, ok := FieldPolicyRowOf(field); ok {
		return row.Policy
	}
	return PolicyProtected
}

// FieldPolicyRowOf returns the table row whose pattern matches field.
func FieldPolicyRowOf(field string) (FieldPolicyRow, bool) {
	for _, row := range FieldPolicies() {
		if matchField(row.Pattern, field) {
			return row, true
		}
	}
	return FieldPolicyRow{}, false
}

// matchField matches a path against a pattern segment by segment; "<id>"
// matches any non-empty segment.
func matchField(pattern, field string) bool {
	ps, fs := strings.Split(pattern, "/"), strings.Split(field, "/")
	if len(ps) != len(fs) {
		return false
	}
	for i := range ps {
		if fs[i] == "" || ps[i] != "<id>" && ps[i] != fs[i] {
			return false
		}
	}
	return true
}
