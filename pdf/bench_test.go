package pdf_test

import (
	"io"
	"testing"

	"feltsag.dk/feltsag/pdf"
)

// BenchmarkRenderLong renders the three-page Min Plan (28 activities, the
// table broken across pages): layout, font subsetting, compression and
// output. The budget is 15 ms per plan (issue 4).
func BenchmarkRenderLong(b *testing.B) {
	r := renderer(b)
	in := input(b, dpSag(b, 28), "da")
	info, err := r.Render(io.Discard, in)
	if err != nil {
		b.Fatal(err)
	}
	if info.Pages < 3 {
		b.Fatalf("%d pages, want 3 or more", info.Pages)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := r.Render(io.Discard, in); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "plans/s")
	b.ReportMetric(float64(info.Pages), "pages")
	b.ReportMetric(float64(info.Bytes), "bytes")
}

// BenchmarkNew measures preparing a Renderer: reading, checking and
// cutting the font and parsing it once.
func BenchmarkNew(b *testing.B) {
	for b.Loop() {
		if _, err := pdf.New(catalogue(b)); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkAgreement renders the løntilskud agreement of the field kit's
// fixture company (two pages).
func BenchmarkAgreement(b *testing.B) {
	r := renderer(b)
	v, s := company(b, 0)
	in := agreementInput(b, v, s, "pl-loen", "da")
	info, err := r.Agreement(io.Discard, in)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := r.Agreement(io.Discard, in); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(info.Pages), "pages")
	b.ReportMetric(float64(info.Bytes), "bytes")
}
