package app

import "strconv"

// Name resolves a parameter that names a rule-table code (KGParam,
// FravaerParam, KategoriParam) in lang: the table's English name for "en"
// (the Danish one when the row has none), the Danish name otherwise. It
// implements text.Names for the catalogue of texts.
func (rs *RuleSet) Name(kind, code, lang string) (string, bool) {
	if rs == nil {
		return "", false
	}
	var da, en string
	switch kind {
	case "kg":
		n, err := strconv.Atoi(code)
		d := rs.KG[n]
		if err != nil || d == nil {
			return "", false
		}
		da, en = d.Navn, d.NavnEN
	case "fravaer":
		d := rs.Fravaer[code]
		if d == nil {
			return "", false
		}
		da, en = d.Navn, d.NavnEN
	case "kategori":
		d := rs.Kategorier[code]
		if d == nil {
			return "", false
		}
		da, en = d.Navn, d.NavnEN
	default:
		return "", false
	}
	if lang == "en" && en != "" {
		return en, true
	}
	return da, true
}

// Name resolves a rule-table code like RuleSet.Name, from the newest rule
// set that knows it: for messages whose rule set the reader does not know.
func (r *Rules) Name(kind, code, lang string) (string, bool) {
	if r == nil {
		return "", false
	}
	for i := len(r.Sets) - 1; i >= 0; i-- {
		if n, ok := r.Sets[i].Name(kind, code, lang); ok {
			return n, true
		}
	}
	return "", false
}
