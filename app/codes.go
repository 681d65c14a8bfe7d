package app

import "strconv"

// Rule-table codes the Go code names. The rules are data (assets/rules),
// but some behaviour is written in Go against a code: a sygemelding moves a
// dagpengemodtager to KG25, ferie has its own rules, the overview computes
// deadlines from named parameters. Every such code is a constant here and
// is listed by RequiredCodes, and LoadRules refuses a rule set that lacks
// one, naming the table, a line and the Go name that needs it. A table can
// therefore not rename a code the Go code depends on without the
// programme failing at start (docs/rules.md §10).
//
// Codes the tables define but the Go code does not name (most fravær
// types, most kontaktgrupper, the group-suffixed parameters cv.frist.<G>
// and samtale.antal_6mdr.<G>) are free to change.

// Fravær types (fravaerstyper.csv, column kode) with behaviour in Go.
const (
	FravaerFerie               = "ferie"                // ferie rules [S50][S51]; DP joblog per whole week
	FravaerSygemelding         = "sygemelding"          // straksafmelding, sygedagpenge, raskmelding
	FravaerUddannelse          = "uddannelse"           // refused with 4591 instead of 4645/4654
	FravaerUnder18             = "under18"              // only under 18; ends the day before the birthday
	FravaerMidlertidigtArbejde = "midlertidigt_arbejde" // 4592 under 15 days for KH-like groups
	FravaerPasningSygtBarn     = "pasning_sygt_barn"    // afmelding cause of its own
	FravaerMindreIntensiv      = "mindre_intensiv"      // also recorded on the ydelse; longer afmelding notice
)

// Kontaktgrupper (kontaktgrupper.csv, column kg) with behaviour in Go.
const (
	KGJobafklaring         = 13 // no automatic gentilmelding at raskmelding [S7]
	KGSygedagpengeLedighed = 25 // DFDG's automatic switch for sick dagpengemodtagere [S5]
)

// Groups (kontaktgrupper.csv, column gruppe) with behaviour in Go. The
// other groups (JAF, RF, REV, FP, U18, ANDEN and any new one) are defined
// by the table alone.
const (
	GruppeDP  = "DP"  // dagpenge
	GruppeKH  = "KH"  // kontanthjælp
	GruppeUH  = "UH"  // uddannelseshjælp-type
	GruppeSDP = "SDP" // sygedagpenge
	GruppeLY  = "LY"  // ledighedsydelse, fleksjob
	GruppeINT = "INT" // integration
	GruppeSF  = "SF"  // selvforsørgende / tilmeldt uden ydelse
	GruppeREV = "REV" // revalidering: a jobplan needs a jobmål [S21]
)

// Person categories (personkategorier.csv, column kode) with behaviour in Go.
const (
	KategoriJobparat                  = "jobparat"
	KategoriAktivitetsparat           = "aktivitetsparat"
	KategoriAabenlystUddannelsesparat = "aabenlyst_uddannelsesparat"
	KategoriIkkeVisiteret             = "ikke_visiteret"
	KategoriMatch1                    = "match1"
	KategoriMatch2                    = "match2"
	KategoriMatch3                    = "match3"
	KategoriSDP1                      = "sdp1"
	KategoriSDP2                      = "sdp2"
	KategoriSDP3                      = "sdp3"
)

// Duties (pligter.csv and fravaer_effekter.csv, the duty columns) with
// behaviour in Go. The tables define the duties (RuleSet.Pligtnavne); these
// are the ones the overview and the commands name.
const (
	PligtTilmelding  = "tilmelding"
	PligtCV          = "cv"
	PligtRaadighed   = "raadighed"
	PligtJoblog      = "joblog"
	PligtJobsamtaler = "jobsamtaler"
	PligtAktivering  = "aktivering"
	PligtSelvbook    = "selvbook"
)

// Parameters (parametre.csv, column noegle) the Go code reads.
const (
	ParamTilbagedateringDage         = "tilbagedatering.sagsbehandler.dage"
	ParamAfmeldingMaxFrem            = "afmelding.max_frem.dage"
	ParamAfmeldingMaxFremMindreInt   = "afmelding.max_frem.mindre_intensiv.dage"
	ParamFerieDPVarsel               = "ferie.dp.varsel.dage"
	ParamFerieKHVarsel               = "ferie.kh.varsel.dage"
	ParamFerieKHMaxSammenhaengende   = "ferie.kh.max_sammenhaengende.dage"
	ParamFerieKHAar                  = "ferie.kh.aar.dage"
	ParamFerieKHAnciennitet          = "ferie.kh.anciennitet.mdr"
	ParamFerieINTMedYdelse           = "ferie.int.med_ydelse"
	ParamGentilmeldingDirekte        = "gentilmelding.direkte.dage"
	ParamSelvbookGentilmelding       = "selvbook.gentilmelding.dage"
	ParamSelvbookUdloeb              = "selvbook.udloeb.mdr"
	ParamTjobPaamindelse             = "tjob.paamindelse.dage"
	ParamTjobMaxMiss                 = "tjob.max_miss"
	ParamTjobPeriode                 = "tjob.periode.mdr"
	ParamSDPAkasseDage               = "sdp.dp_akasse.dage"
	ParamSDPOpfoelgningUge           = "sdp.opfoelgning.uge"
	ParamSDPOpfoelgningInterval      = "sdp.opfoelgning.interval.uger"
	ParamSDPRevurderingUge           = "sdp.revurdering.uge"
	ParamSDPRevurderingVindue        = "sdp.revurdering.vindue.mdr"
	ParamSDPOpfoelgningFremmoede     = "sdp.opfoelgning.fremmoede"
	ParamSDPBeskaeftigetUndtaget     = "sdp.beskaeftiget_undtaget.uger"
	ParamSanktionFrist               = "sanktion.frist.mdr"
	ParamSanktion40aAktivitetsparat  = "sanktion.40a.aktivitetsparat"
	ParamSanktionVejledningMdr       = "sanktion.vejledning.mdr"
	ParamUddannelsesplanMaxAlder     = "uddannelsesplan.max_alder"
	ParamUddannelsespaalaeg          = "uddannelsespaalaeg"
	ParamUndtagelseMaxPct            = "undtagelse.max_pct"
	ParamUndtagelseVarighed          = "undtagelse.varighed.mdr"
	ParamMatchkategoriRevurdering    = "matchkategori.revurdering.mdr"
	ParamVisitationKHFrist           = "visitation.kh.frist.dage"
	ParamVisitationKHStartJobparat   = "visitation.kh.start_jobparat"
	ParamSamtaleDPFoerste            = "samtale.dp.foerste.dage"
	ParamSamtaleKHFoerste            = "samtale.kh.foerste.dage"
	ParamFravaerKommentarMax         = "fravaer.kommentar.max"
	ParamNotatMax                    = "notat.max"
	ParamKGUngMaxAlder               = "kg.ung.max_alder"
	ParamMidlertidigtArbejdeKHMinDag = "midlertidigt_arbejde.kh.min_dage"
)

// Parameters of the company rules (parametre.csv, docs/rules.md §1.8).
const (
	ParamRimelighedMin        = "rimelighed.min"                // always at least this many (1) [S100]
	ParamRimelighedGraense    = "rimelighed.graense"            // staff up to which the first ratio applies (50) [S100]
	ParamRimelighedPr         = "rimelighed.pr_ansatte"         // 1 per this many up to the limit (5) [S100]
	ParamRimelighedPrOver     = "rimelighed.pr_ansatte.over"    // in addition 1 per this many above it (10) [S100]
	ParamRimelighedFuldtid    = "rimelighed.fuldtid.timer"      // hours of a full-time person (37) [S100][S126]
	ParamPraktikForlaengelse  = "praktik.forlaengelse.max_uger" // § 61 stk. 2: up to 26 weeks after a concrete assessment [S107]
	ParamLoentilskudErstatMdr = "loentilskud.erstatning.mdr"    // no post vacated within 3 months [S119][S123]
	ParamJobrotationNye       = "jobrotation.nye"               // 1 = new jobrotation possible [S112][S37]
	ParamHenvisningVarsel     = "henvisning.varsel.dage"        // one day's notice [S105]
)

// Group-suffixed prefixes of the company rules: the key is the prefix, a
// group code and optionally "." and a category code
// (praktik.max_uger.KH.aktivitetsparat). The category key wins over the
// group key; without either the scheme has no limit for that group.
const (
	ParamPrefixPraktikMaxUger       = "praktik.max_uger."              // weeks [S107][S126][S127][S128]
	ParamPrefixPraktikForlaenges    = "praktik.forlaenges."            // 1 = may be extended to ParamPraktikForlaengelse with a begrundelse [S107]
	ParamPrefixLoentilskudPrivat    = "loentilskud.max_mdr.privat."    // months; 0 = not for the group [S108]
	ParamPrefixLoentilskudOffentlig = "loentilskud.max_mdr.offentlig." // months; 0 = not for the group [S108]
)

// Group-suffixed parameter prefixes: the key is the prefix followed by a
// group code (cv.frist.DP). A missing key means no such deadline for that
// group, so they are not required.
const (
	ParamPrefixCVFrist      = "cv.frist."
	ParamPrefixSamtaleAntal = "samtale.antal_6mdr."
)

// CodeKind says which table a required code must exist in.
type CodeKind int

// Code kinds, one per table column that defines codes.
const (
	KindFravaer  CodeKind = iota + 1 // fravaerstyper.csv, kode
	KindKG                           // kontaktgrupper.csv, kg
	KindGruppe                       // kontaktgrupper.csv, gruppe
	KindKategori                     // personkategorier.csv, kode
	KindPligt                        // pligter.csv and fravaer_effekter.csv, a duty column
	KindParam                        // parametre.csv, noegle
)

// File returns the rule table that defines codes of kind k.
func (k CodeKind) File() string {
	switch k {
	case KindFravaer:
		return fileFravaer
	case KindKG, KindGruppe:
		return fileKG
	case KindKategori:
		return fileKategorier
	case KindPligt:
		return filePligter
	case KindParam:
		return fileParametre
	}
	return ""
}

// Column returns the column of File that holds the codes ("" for a duty,
// which is a column name itself).
func (k CodeKind) Column() string {
	switch k {
	case KindFravaer, KindKategori:
		return "kode"
	case KindKG:
		return "kg"
	case KindGruppe:
		return "gruppe"
	case KindParam:
		return "noegle"
	}
	return ""
}

// TextKey returns the catalogue key of the kind's name ("fraværstypen",
// "absence type") for messages.
func (k CodeKind) TextKey() string {
	switch k {
	case KindFravaer:
		return "table.kind.fravaer"
	case KindKG:
		return "table.kind.kg"
	case KindGruppe:
		return "table.kind.gruppe"
	case KindKategori:
		return "table.kind.kategori"
	case KindPligt:
		return "table.kind.pligt"
	case KindParam:
		return "table.kind.param"
	}
	return "table.kind.kode"
}

// Code is one rule-table code the Go code names.
type Code struct {
	Kind   CodeKind
	Kode   string // as written in the table (a KG as its number)
	GoNavn string // the Go constant that names it, e.g. "app.FravaerSygemelding"
}

// RequiredCodes returns every rule-table code the Go code names, with the
// table it must exist in and the Go name that needs it. LoadRules checks
// each one in every rule-set version: the Go code runs against all of them.
// The list is fresh on every call.
func RequiredCodes() []Code {
	f := func(kode, navn string) Code { return Code{KindFravaer, kode, "app." + navn} }
	kg := func(id int, navn string) Code { return Code{KindKG, strconv.Itoa(id), "app." + navn} }
	g := func(kode, navn string) Code { return Code{KindGruppe, kode, "app." + navn} }
	k := func(kode, navn string) Code { return Code{KindKategori, kode, "app." + navn} }
	pl := func(kode, navn string) Code { return Code{KindPligt, kode, "app." + navn} }
	p := func(kode, navn string) Code { return Code{KindParam, kode, "app." + navn} }
	return []Code{
		f(FravaerFerie, "FravaerFerie"),
		f(FravaerSygemelding, "FravaerSygemelding"),
		f(FravaerUddannelse, "FravaerUddannelse"),
		f(FravaerUnder18, "FravaerUnder18"),
		f(FravaerMidlertidigtArbejde, "FravaerMidlertidigtArbejde"),
		f(FravaerPasningSygtBarn, "FravaerPasningSygtBarn"),
		f(FravaerMindreIntensiv, "FravaerMindreIntensiv"),

		kg(KGJobafklaring, "KGJobafklaring"),
		kg(KGSygedagpengeLedighed, "KGSygedagpengeLedighed"),

		g(GruppeDP, "GruppeDP"),
		g(GruppeKH, "GruppeKH"),
		g(GruppeUH, "GruppeUH"),
		g(GruppeSDP, "GruppeSDP"),
		g(GruppeLY, "GruppeLY"),
		g(GruppeINT, "GruppeINT"),
		g(GruppeSF, "GruppeSF"),
		g(GruppeREV, "GruppeREV"),

		k(KategoriJobparat, "KategoriJobparat"),
		k(KategoriAktivitetsparat, "KategoriAktivitetsparat"),
		k(KategoriAabenlystUddannelsesparat, "KategoriAabenlystUddannelsesparat"),
		k(KategoriIkkeVisiteret, "KategoriIkkeVisiteret"),
		k(KategoriMatch1, "KategoriMatch1"),
		k(KategoriMatch2, "KategoriMatch2"),
		k(KategoriMatch3, "KategoriMatch3"),
		k(KategoriSDP1, "KategoriSDP1"),
		k(KategoriSDP2, "KategoriSDP2"),
		k(KategoriSDP3, "KategoriSDP3"),

		pl(PligtTilmelding, "PligtTilmelding"),
		pl(PligtCV, "PligtCV"),
		pl(PligtRaadighed, "PligtRaadighed"),
		pl(PligtJoblog, "PligtJoblog"),
		pl(PligtJobsamtaler, "PligtJobsamtaler"),
		pl(PligtAktivering, "PligtAktivering"),
		pl(PligtSelvbook, "PligtSelvbook"),

		p(ParamTilbagedateringDage, "ParamTilbagedateringDage"),
		p(ParamAfmeldingMaxFrem, "ParamAfmeldingMaxFrem"),
		p(ParamAfmeldingMaxFremMindreInt, "ParamAfmeldingMaxFremMindreInt"),
		p(ParamFerieDPVarsel, "ParamFerieDPVarsel"),
		p(ParamFerieKHVarsel, "ParamFerieKHVarsel"),
		p(ParamFerieKHMaxSammenhaengende, "ParamFerieKHMaxSammenhaengende"),
		p(ParamFerieKHAar, "ParamFerieKHAar"),
		p(ParamFerieKHAnciennitet, "ParamFerieKHAnciennitet"),
		p(ParamFerieINTMedYdelse, "ParamFerieINTMedYdelse"),
		p(ParamGentilmeldingDirekte, "ParamGentilmeldingDirekte"),
		p(ParamSelvbookGentilmelding, "ParamSelvbookGentilmelding"),
		p(ParamSelvbookUdloeb, "ParamSelvbookUdloeb"),
		p(ParamTjobPaamindelse, "ParamTjobPaamindelse"),
		p(ParamTjobMaxMiss, "ParamTjobMaxMiss"),
		p(ParamTjobPeriode, "ParamTjobPeriode"),
		p(ParamSDPAkasseDage, "ParamSDPAkasseDage"),
		p(ParamSDPOpfoelgningUge, "ParamSDPOpfoelgningUge"),
		p(ParamSDPOpfoelgningInterval, "ParamSDPOpfoelgningInterval"),
		p(ParamSDPRevurderingUge, "ParamSDPRevurderingUge"),
		p(ParamSDPRevurderingVindue, "ParamSDPRevurderingVindue"),
		p(ParamSDPOpfoelgningFremmoede, "ParamSDPOpfoelgningFremmoede"),
		p(ParamSDPBeskaeftigetUndtaget, "ParamSDPBeskaeftigetUndtaget"),
		p(ParamSanktionFrist, "ParamSanktionFrist"),
		p(ParamSanktion40aAktivitetsparat, "ParamSanktion40aAktivitetsparat"),
		p(ParamSanktionVejledningMdr, "ParamSanktionVejledningMdr"),
		p(ParamUddannelsesplanMaxAlder, "ParamUddannelsesplanMaxAlder"),
		p(ParamUddannelsespaalaeg, "ParamUddannelsespaalaeg"),
		p(ParamUndtagelseMaxPct, "ParamUndtagelseMaxPct"),
		p(ParamUndtagelseVarighed, "ParamUndtagelseVarighed"),
		p(ParamMatchkategoriRevurdering, "ParamMatchkategoriRevurdering"),
		p(ParamVisitationKHFrist, "ParamVisitationKHFrist"),
		p(ParamVisitationKHStartJobparat, "ParamVisitationKHStartJobparat"),
		p(ParamSamtaleDPFoerste, "ParamSamtaleDPFoerste"),
		p(ParamSamtaleKHFoerste, "ParamSamtaleKHFoerste"),
		p(ParamFravaerKommentarMax, "ParamFravaerKommentarMax"),
		p(ParamNotatMax, "ParamNotatMax"),
		p(ParamKGUngMaxAlder, "ParamKGUngMaxAlder"),
		p(ParamMidlertidigtArbejdeKHMinDag, "ParamMidlertidigtArbejdeKHMinDag"),
		p(ParamRimelighedMin, "ParamRimelighedMin"),
		p(ParamRimelighedGraense, "ParamRimelighedGraense"),
		p(ParamRimelighedPr, "ParamRimelighedPr"),
		p(ParamRimelighedPrOver, "ParamRimelighedPrOver"),
		p(ParamRimelighedFuldtid, "ParamRimelighedFuldtid"),
		p(ParamPraktikForlaengelse, "ParamPraktikForlaengelse"),
		p(ParamLoentilskudErstatMdr, "ParamLoentilskudErstatMdr"),
		p(ParamJobrotationNye, "ParamJobrotationNye"),
		p(ParamHenvisningVarsel, "ParamHenvisningVarsel"),
	}
}

// Pligter returns the duties the Go code names, in the order the shipped
// tables give them. The duties in force are RuleSet.Pligtnavne, read from
// the tables; these must be among them. The slice is fresh on every call.
func Pligter() []string {
	return []string{PligtTilmelding, PligtCV, PligtRaadighed, PligtJoblog, PligtJobsamtaler, PligtAktivering, PligtSelvbook}
}
