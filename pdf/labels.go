package pdf

import (
	"feltsag.dk/feltsag/app"
	"feltsag.dk/feltsag/app/text"
)

// words gives a document its fixed texts — headings, column names, the
// deadline sentences to the citizen, the consequences per group, the
// klagevejledning — from the catalogue of texts (the pdf.* keys of
// assets/i18n, docs/text.md) in the document's language. Names of
// kontaktgrupper, categories and fravær come from the rule tables, the
// duty lines from app.PligtStatus.
type words struct {
	lang string
	cat  *text.Catalogue
}

// t renders key with parameters given as name, value pairs. The values
// are finished text (dates written by dato, names from the rule tables,
// the caseworker's name) and are shown exactly as written. A key the
// catalogue lacks shows as the key (the catalogue tests keep that out of a
// release).
func (w words) t(key string, kv ...string) string {
	var p map[string]string
	if len(kv) > 0 {
		p = make(map[string]string, len(kv)/2)
		for i := 0; i+1 < len(kv); i += 2 {
			p[kv[i]] = text.Raw(kv[i+1])
		}
	}
	return w.cat.Text(w.lang, key, p, nil)
}

// code renders the key for a code when key knows it, else the code as it
// is (a code the tables do not describe yet).
func (w words) code(key func(string) string, code string) string {
	if k := key(code); k != "" {
		return w.t(k)
	}
	return code
}

// aktivitetKey is the key of an activity type's name.
func aktivitetKey(code string) string {
	switch code {
	case "vejledning_opkvalificering":
		return "pdf.aktivitet.vejledning_opkvalificering"
	case "virksomhedspraktik":
		return "pdf.aktivitet.virksomhedspraktik"
	case "loentilskud":
		return "pdf.aktivitet.loentilskud"
	case "mentor":
		return "pdf.aktivitet.mentor"
	case "nytteindsats":
		return "pdf.aktivitet.nytteindsats"
	case "andet":
		return "pdf.aktivitet.andet"
	}
	return ""
}

// samtaleTypeKey is the key of a samtale type's name.
func samtaleTypeKey(code string) string {
	switch code {
	case "jobsamtale":
		return "pdf.samtaletype.jobsamtale"
	case "opfoelgning":
		return "pdf.samtaletype.opfoelgning"
	case "raadighed":
		return "pdf.samtaletype.raadighed"
	case "forloeb":
		return "pdf.samtaletype.forloeb"
	}
	return ""
}

// samtaleFormKey is the key of a samtale form's name.
func samtaleFormKey(code string) string {
	switch code {
	case "fremmoede":
		return "pdf.samtaleform.fremmoede"
	case "telefon":
		return "pdf.samtaleform.telefon"
	case "video":
		return "pdf.samtaleform.video"
	case "digital":
		return "pdf.samtaleform.digital"
	}
	return ""
}

// fristKey is the key of the sentence addressed to the citizen about a
// deadline ({{.dato}}), or "" for the jobcentre's own deadlines
// (visitation and the like), which stay off the paper.
func fristKey(navn string) string {
	switch navn {
	case app.FristCV:
		return "pdf.frist.cv"
	case app.FristFoersteSamtale:
		return "pdf.frist.foerste_samtale"
	case app.FristSDPOpfoelgning:
		return "pdf.frist.sdp_opfoelgning"
	case app.FristSDPRevurdering:
		return "pdf.frist.sdp_revurdering"
	case app.FristPaalaeg:
		return "pdf.frist.paalaeg"
	case app.FristSelvbook:
		return "pdf.frist.selvbook"
	case app.FristTjob:
		return "pdf.frist.tjob"
	}
	return ""
}

// konsekvensKey is the key of the general consequence of not meeting
// one's duties for a KG group: dagpenge [S49], kontanthjælp and the groups
// treated like it (LAS §§ 35–40 a) [S48][S54], sygedagpenge [S46][S55],
// ledighedsydelse, and a general text for the rest.
func konsekvensKey(gruppe string) string {
	switch gruppe {
	case "DP":
		return "pdf.konsekvens.dp"
	case "KH", "UH", "INT":
		return "pdf.konsekvens.kh"
	case "SDP":
		return "pdf.konsekvens.sdp"
	case "LY":
		return "pdf.konsekvens.ly"
	}
	return "pdf.konsekvens.andre"
}

// sdpKategoriKey is the key of what a sygedagpenge category means
// (SDP § 12) [S25], or "".
func sdpKategoriKey(code string) string {
	switch code {
	case "sdp1":
		return "pdf.sdp.kategori.sdp1"
	case "sdp2":
		return "pdf.sdp.kategori.sdp2"
	case "sdp3":
		return "pdf.sdp.kategori.sdp3"
	}
	return ""
}
