package pdf_test

import (
	"bytes"
	"fmt"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"unicode"

	"feltsag.dk/feltsag/pdf"
)

// invisibles print as nothing, or as a mark on a digit: a CPR number with
// one of them between its digits reads as a plain CPR number on paper and
// in pdftotext's output.
var invisibles = []struct{ name, s string }{
	{"NUL", "\x00"}, {"BEL", "\a"}, {"ESC", "\x1b"}, {"DEL", "\x7f"}, {"NEL", "\u0085"}, {"C1 CSI", "\u009b"},
	{"soft hyphen", "\u00ad"}, {"combining grapheme joiner", "\u034f"}, {"Arabic letter mark", "\u061c"},
	{"Mongolian vowel separator", "\u180e"}, {"zero-width space", "\u200b"}, {"zero-width non-joiner", "\u200c"},
	{"zero-width joiner", "\u200d"}, {"left-to-right mark", "\u200e"}, {"right-to-left mark", "\u200f"},
	{"left-to-right embedding", "\u202a"}, {"right-to-left override", "\u202e"}, {"word joiner", "\u2060"},
	{"invisible times", "\u2062"}, {"left-to-right isolate", "\u2066"}, {"pop directional isolate", "\u2069"},
	{"variation selector 16", "\ufe0f"}, {"byte order mark", "\ufeff"}, {"interlinear annotation anchor", "\ufff9"},
	{"language tag", "\U000e0001"}, {"tag digit one", "\U000e0031"}, {"variation selector 17", "\U000e0100"},
	{"combining acute accent", "\u0301"}, {"combining enclosing circle", "\u20dd"},
}

// separators are what people put between the birth date and the serial.
var separators = []struct{ name, s string }{
	{"space", " "}, {"two spaces", "  "}, {"tab", "\t"}, {"line break", "\n"}, {"no-break space", "\u00a0"},
	{"thin space", "\u2009"}, {"narrow no-break space", "\u202f"}, {"figure space", "\u2007"},
	{"ideographic space", "\u3000"}, {"line separator", "\u2028"}, {"hyphen-minus", "-"}, {"hyphen", "\u2010"},
	{"non-breaking hyphen", "\u2011"}, {"figure dash", "\u2012"}, {"en dash", "\u2013"}, {"em dash", "\u2014"},
	{"minus sign", "\u2212"}, {"spaced en dash", " \u2013 "}, {"spaced hyphen", " - "}, {"full stop", "."},
	{"slash", "/"}, {"soft hyphen and hyphen", "\u00ad-"}, {"zero-width spaces around a space", "\u200b \u200b"},
}

// hiddenCPR is one way of writing a CPR number in free text.
type hiddenCPR struct {
	name   string // how it is written, for the error message
	text   string // as typed
	cpr    string // its ten digits
	masked string // DDMMYY-XXXX
}

// hiddenCPRs writes a distinct valid CPR number (born February–April
// 1985) in every way the masking must see through: each invisible
// character and each separator between date and serial, some invisible
// characters between every digit, and dates written with dots, dashes,
// slashes or spaces.
func hiddenCPRs() []hiddenCPR {
	var out []hiddenCPR
	add := func(name string, write func(date, serial string) string) {
		i := len(out)
		date, serial := fmt.Sprintf("%02d%02d85", 1+i%28, 2+i/28), "1236"
		out = append(out, hiddenCPR{name: name, text: write(date, serial), cpr: date + serial, masked: date + "-XXXX"})
	}
	for _, c := range invisibles {
		add(c.name+" between date and serial", func(d, s string) string { return d + c.s + s })
	}
	for _, c := range []string{"\u00ad", "\u200b", "\x00", "\u2060", "\u0301"} {
		add(fmt.Sprintf("%U after every digit", []rune(c)[0]), func(d, s string) string {
			var b strings.Builder
			for _, r := range d + s {
				b.WriteRune(r)
				b.WriteString(c)
			}
			return b.String()
		})
	}
	for _, c := range separators {
		add(c.name, func(d, s string) string { return d + c.s + s })
	}
	for _, c := range []struct{ name, date, sep string }{
		{"DD.MM.YY-SSSS", ".", "-"}, {"DD-MM-YY-SSSS", "-", "-"}, {"DD/MM/YY SSSS", "/", " "},
		{"DD MM YY SSSS", " ", " "}, {"DD.MM.YY – SSSS", ".", " – "}, {"DD.MM.YYSSSS", ".", ""},
	} {
		add(c.name, func(d, s string) string { return d[:2] + c.date + d[2:4] + c.date + d[4:] + c.sep + s })
	}
	return out
}

// leaked returns the numbers of hidden that text shows in full, reading it
// the way a person does: only letters and digits count.
func leaked(text string, hidden []hiddenCPR) []string {
	bare := strings.Map(func(r rune) rune {
		if r < 0x80 && (unicode.IsLetter(r) || unicode.IsDigit(r)) {
			return r
		}
		return -1
	}, text)
	var out []string
	for _, h := range hidden {
		if strings.Contains(bare, h.cpr) {
			out = append(out, fmt.Sprintf("%s (%q)", h.name, h.text))
		}
	}
	return out
}

// checkHidden fails t if text shows any of hidden in full or lacks a
// masked form.
func checkHidden(t *testing.T, where, text string, hidden []hiddenCPR) {
	t.Helper()
	for _, l := range leaked(text, hidden) {
		t.Errorf("%s shows a full CPR number written with %s", where, l)
	}
	for _, h := range hidden {
		if !strings.Contains(text, h.masked) {
			t.Errorf("%s lacks the masked CPR %s (written with %s)", where, h.masked, h.name)
		}
	}
}

// pdfInfo returns pdfinfo's UTF-8 listing of the document information
// (title, subject, author, …).
func pdfInfo(t *testing.T, path string) string {
	t.Helper()
	needTool(t, "pdfinfo", "poppler-utils")
	out, err := exec.Command("pdfinfo", "-enc", "UTF-8", path).Output()
	if err != nil {
		t.Fatalf("pdfinfo %s: %v", filepath.Base(path), err)
	}
	return string(out)
}

// TestCPRHiddenInFreeText: a CPR number with invisible characters or
// separators between its digits is masked like a plain one, in a jobmål,
// the text of an uddannelsespålæg, the caseworker's phone number and the
// jobcentre's name — on the page and in the metadata.
func TestCPRHiddenInFreeText(t *testing.T) {
	hidden := hiddenCPRs()
	texts := make([]string, len(hidden))
	for i, h := range hidden {
		texts[i] = h.text
	}
	joined := strings.Join(texts, " ; ")

	jobmaal := dpSag(t, 1)
	for i, s := range texts {
		jobmaal.Planer[0].Jobmaal = append(jobmaal.Planer[0].Jobmaal, fmt.Sprintf("Mål %d: %s", i+1, s))
	}
	paalaeg := uddSag(t)
	paalaeg.Planer[0].Paalaeg.Tekst = "Pålæg: " + joined
	phone := dpSag(t, 1)
	phone.Planer[0].Ansvarlig.Telefon = joined
	jobcentre := input(t, dpSag(t, 1), "da")
	jobcentre.Jobcenter = "Jobcenter " + joined

	tests := []struct {
		name     string
		in       pdf.Input
		metadata bool // the text is also in the title, subject or author
	}{
		{"jobmaal", input(t, jobmaal, "da"), false},
		{"paalaeg", input(t, paalaeg, "da"), false},
		{"caseworker-phone", input(t, phone, "da"), false},
		{"jobcentre", jobcentre, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			doc, _ := render(t, tc.in)
			path := writeTemp(t, tc.name, doc)
			qpdfCheck(t, path)
			checkHidden(t, "the text", pdfText(t, path, 0, 0), hidden)
			if tc.metadata {
				checkHidden(t, "the metadata", pdfInfo(t, path), hidden)
			}
			for _, h := range hidden {
				if bytes.Contains(doc, []byte(h.cpr)) || bytes.Contains(doc, utf16(h.cpr)) {
					t.Errorf("the PDF bytes contain the full CPR number written with %s", h.name)
				}
			}
		})
	}
}
