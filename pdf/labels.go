package pdf

import "feltsag.dk/feltsag/app"

// labels holds every fixed text of the documents in one language. Names of
// kontaktgrupper, categories and fravær come from the rule tables, the
// duty lines from app.PligtStatus; only the frame is here.
type labels struct {
	lang string

	minPlan, jobplan, uddannelsesplan, sdpTitle, sdpSub string
	printed, status, udkast, offentliggjort, version    string
	aendret, udkastNote                                 string
	borger, cpr, caseworker, phone, email               string

	situation, kg, maalgruppe, maalgruppeFmt, visitation, visiteret     string
	tilmelding, tilmeldt, ikkeTilmeldt, afmeldt, fravaer, forventetRask string
	siden, from, until, at, hours, minutes                              string

	maal, jobmaal, uddmaal, ingenMaal, paalaeg, paalaegFrist string

	jobsoegning, antalFmt, stillinger, geografi, kanaler, ingenKrav string

	aktiviteter, ingenAktiviteter                              string
	colType, colUdbyder, colPeriode, colTimer, colKontakt      string
	aktType                                                    map[string]string
	indsatser, stabiliserende, andreIndsatser, mentor          string
	opfoelgning, planOpfoelgning, naesteKontakt, naesteSamtale string
	samtaleType, samtaleForm                                   map[string]string

	rights, rightsIntroFmt, rightsNoKG, skal, ret, fritaget string
	frister, fristOverskredet, fristIDag                    string
	sygFerie, sygemelding, ferieFmt, konsekvens, kontakt    string
	fristTekst, konsekvensTekst                             map[string]string

	klage, klageTekst             string
	signBorger, signSagsbehandler string
	signatur, signaturTekst, dato string

	sdpSygemelding, sdpKategori, sdpArbejdsplads, sdpAftalt string
	sdpOpfoelgning, sdpForm, sdpNaeste, sdpIngenTiltag      string
	sdpSiden, sdpRask                                       string
	sdpKategoriTekst                                        map[string]string
	footerPrinted, footerPage, footerOf                     string
	subject                                                 string
}

// The consequence of not meeting one's duties on kontanthjælp, in general
// terms (LAS §§ 35–40 a) [S48][S54].
const (
	khKonsekvensDA = "Hvis du uden rimelig grund ikke møder til samtaler eller tilbud eller ikke opfylder dine andre pligter, " +
		"kan kommunen trække i din hjælp eller nedsætte den. Kommunen hører dig, før den træffer en afgørelse."
	khKonsekvensEN = "If you miss meetings or offers or do not meet your other duties without a reasonable excuse, " +
		"the municipality can deduct from or reduce your benefit. The municipality hears you before it decides."
)

var labelsDA = labels{
	lang:    "da",
	minPlan: "Min Plan", jobplan: "Jobplan", uddannelsesplan: "Uddannelsesplan",
	sdpTitle: "Aftale om opfølgning", sdpSub: "Sygedagpenge",
	printed: "Udskrevet", status: "Status", udkast: "Udkast – ikke offentliggjort", offentliggjort: "Offentliggjort",
	version: "Version", aendret: "Senest ændret",
	udkastNote: "UDKAST: Planen er ikke offentliggjort endnu og kan blive ændret.",
	borger:     "Borger", cpr: "CPR-nr.", caseworker: "Din sagsbehandler", phone: "Tlf.", email: "E-mail",

	situation: "Din situation", kg: "Kontaktgruppe", maalgruppe: "Målgruppe",
	maalgruppeFmt: "nr. %d i § 6 i lov om en aktiv beskæftigelsesindsats",
	visitation:    "Visitation", visiteret: "vurderet",
	tilmelding: "Tilmelding", tilmeldt: "Tilmeldt som arbejdssøgende siden %s", ikkeTilmeldt: "Ikke tilmeldt som arbejdssøgende",
	afmeldt: "afmeldt %s", fravaer: "Registreret fravær", forventetRask: "forventet rask",
	siden: "siden", from: "fra", until: "til", at: "kl.", hours: "t", minutes: "min",

	maal: "Dine mål", jobmaal: "Jobmål", uddmaal: "Uddannelsesmål", ingenMaal: "Der er ikke aftalt mål endnu.",
	paalaeg: "Uddannelsespålæg", paalaegFrist: "Frist",

	jobsoegning: "Krav til jobsøgning", antalFmt: "Du skal søge mindst %d job om ugen.",
	stillinger: "Stillinger", geografi: "Område", kanaler: "Sådan søger du",
	ingenKrav: "Planen indeholder ingen krav til jobsøgning.",

	aktiviteter: "Tilbud og aktiviteter", ingenAktiviteter: "Planen indeholder ingen tilbud eller aktiviteter.",
	colType: "Tilbud", colUdbyder: "Udbyder", colPeriode: "Periode", colTimer: "Timer/uge", colKontakt: "Kontakt",
	aktType: map[string]string{
		"vejledning_opkvalificering": "Vejledning og opkvalificering",
		"virksomhedspraktik":         "Virksomhedspraktik",
		"loentilskud":                "Ansættelse med løntilskud",
		"mentor":                     "Mentorstøtte",
		"nytteindsats":               "Nytteindsats",
		"andet":                      "Andet",
	},
	indsatser: "Andre indsatser", stabiliserende: "Støttende og stabiliserende indsatser",
	andreIndsatser: "Andre aftalte indsatser", mentor: "Mentor",
	opfoelgning: "Status og opfølgning", planOpfoelgning: "Opfølgning senest",
	naesteKontakt: "Næste kontakt", naesteSamtale: "Din næste samtale",
	samtaleType: map[string]string{"jobsamtale": "jobsamtale", "opfoelgning": "opfølgningssamtale",
		"raadighed": "rådighedssamtale", "forloeb": "samtale"},
	samtaleForm: map[string]string{"fremmoede": "personligt fremmøde", "telefon": "telefon",
		"video": "video", "digital": "digital"},

	rights:         "Dine rettigheder og pligter",
	rightsIntroFmt: "Ud fra din kontaktgruppe »%s« og dit registrerede fravær gælder dette pr. %s:",
	rightsNoKG:     "Du har ingen aktiv kontaktgruppe pr. %s. Derfor gælder kun det, der gælder for alle:",
	skal:           "Det skal du", ret: "Det har du ret til", fritaget: "Det er du fritaget for lige nu",
	frister:          "Vigtige frister",
	fristOverskredet: "fristen er overskredet", fristIDag: "i dag",
	sygFerie:    "Hvis du bliver syg eller vil holde ferie",
	sygemelding: "Bliver du syg, skal du melde dig syg på Jobnet eller til jobcentret den første sygedag. Du kan ikke melde dig syg med tilbagevirkende kraft.",
	ferieFmt:    "Ferie skal registreres på Jobnet eller aftales med jobcentret mindst %d dage før første feriedag.",
	konsekvens:  "Hvis du ikke overholder dine pligter",
	kontakt:     "Kontakt din sagsbehandler, hvis du er forhindret i at møde, eller hvis du har spørgsmål til planen.",
	fristTekst: map[string]string{
		app.FristCV:             "Dit CV skal være tilgængeligt på Jobnet senest %s",
		app.FristFoersteSamtale: "Din første jobsamtale skal holdes senest %s",
		app.FristSDPOpfoelgning: "Næste opfølgningssamtale om dine sygedagpenge holdes senest %s",
		app.FristSDPRevurdering: "Kommunen vurderer senest %s, om du fortsat kan få sygedagpenge",
		app.FristPaalaeg:        "Fristen i dit uddannelsespålæg er %s",
		app.FristSelvbook:       "Du skal selv booke en jobsamtale på Jobnet senest %s",
		app.FristTjob:           "Du skal tjekke dine jobforslag på Jobnet senest %s",
	},
	konsekvensTekst: map[string]string{
		"DP": "Hvis du ikke opfylder dine pligter – fx ikke møder til en samtale, ikke søger job som aftalt eller ikke har dit CV på Jobnet – " +
			"kan du miste retten til dagpenge i en periode. Det er din a-kasse, der vurderer det.",
		"KH": khKonsekvensDA, "UH": khKonsekvensDA, "INT": khKonsekvensDA,
		"SDP": "Hvis du uden rimelig grund ikke medvirker i opfølgningen – fx ikke møder til en samtale eller ikke deltager i et aftalt tiltag – " +
			"kan kommunen standse dine sygedagpenge. Kommunen hører dig, før den træffer en afgørelse.",
		"LY": "Hvis du uden rimelig grund ikke opfylder dine pligter, kan det få betydning for din ledighedsydelse. " +
			"Kommunen hører dig, før den træffer en afgørelse.",
		"*": "Hvis du ikke deltager i det, der er aftalt i planen, kan det få betydning for din ydelse. " +
			"Kommunen hører dig, før den træffer en afgørelse.",
	},

	klage: "Klagevejledning",
	klageTekst: "Planen indeholder afgørelser, fx om tilbud eller et uddannelsespålæg. Du kan klage over en afgørelse. " +
		"Klagen skal være modtaget senest 4 uger efter, at du har fået afgørelsen. Du kan klage skriftligt eller mundtligt " +
		"til jobcentret. Jobcentret vurderer afgørelsen igen. Fastholder jobcentret afgørelsen, sendes klagen videre til Ankestyrelsen.",
	signatur:      "Underskrift",
	signaturTekst: "Jeg har fået planen og er blevet orienteret om mine rettigheder og pligter.",
	dato:          "Dato",
	signBorger:    "Borger", signSagsbehandler: "Sagsbehandler",

	sdpSiden: "Sygemeldt siden", sdpRask: "Forventet raskmelding",
	sdpSygemelding: "Din sygemelding", sdpKategori: "Sygedagpengekategori", sdpArbejdsplads: "Arbejdsplads",
	sdpAftalt: "Det har vi aftalt", sdpOpfoelgning: "Opfølgning", sdpForm: "Form",
	sdpNaeste: "Næste opfølgning", sdpIngenTiltag: "Der er ikke aftalt konkrete tiltag endnu.",
	sdpKategoriTekst: map[string]string{
		"sdp1": "Du forventes at være rask inden for 8 uger fra første fraværsdag.",
		"sdp2": "Du forventes at være rask senere end 8 uger fra første fraværsdag.",
		"sdp3": "Du forventes at være rask senere end 8 uger fra første fraværsdag, og du har brug for en tværfaglig indsats.",
	},
	footerPrinted: "Udskrevet %s af %s", footerPage: "Side", footerOf: "af",
	subject: "Plan fra %s",
}

var labelsEN = labels{
	lang:    "en",
	minPlan: "My Plan (Min Plan)", jobplan: "Job plan", uddannelsesplan: "Education plan",
	sdpTitle: "Follow-up agreement (aftale om opfølgning)", sdpSub: "Sickness benefit (sygedagpenge)",
	printed: "Printed", status: "Status", udkast: "Draft – not published", offentliggjort: "Published",
	version: "Version", aendret: "Last changed",
	udkastNote: "DRAFT: The plan has not been published yet and may change.",
	borger:     "Citizen", cpr: "CPR no.", caseworker: "Your caseworker", phone: "Phone", email: "Email",

	situation: "Your situation", kg: "Contact group (kontaktgruppe)", maalgruppe: "Target group (målgruppe)",
	maalgruppeFmt: "no. %d in section 6 of the Act on an Active Employment Effort",
	visitation:    "Category (visitation)", visiteret: "assessed",
	tilmelding: "Registration (tilmelding)", tilmeldt: "Registered as a jobseeker since %s", ikkeTilmeldt: "Not registered as a jobseeker",
	afmeldt: "deregistered %s", fravaer: "Registered absence (fravær)", forventetRask: "expected back",
	siden: "since", from: "from", until: "until", at: "at", hours: "h", minutes: "min",

	maal: "Your goals", jobmaal: "Job goals", uddmaal: "Education goals", ingenMaal: "No goals have been agreed yet.",
	paalaeg: "Education order (uddannelsespålæg)", paalaegFrist: "Deadline",

	jobsoegning: "Job search requirements", antalFmt: "You must apply for at least %d jobs a week.",
	stillinger: "Positions", geografi: "Area", kanaler: "How you search",
	ingenKrav: "The plan contains no job search requirements.",

	aktiviteter: "Offers and activities", ingenAktiviteter: "The plan contains no offers or activities.",
	colType: "Offer", colUdbyder: "Provider", colPeriode: "Period", colTimer: "Hours/week", colKontakt: "Contact",
	aktType: map[string]string{
		"vejledning_opkvalificering": "Guidance and upskilling",
		"virksomhedspraktik":         "Work placement",
		"loentilskud":                "Wage-subsidised job",
		"mentor":                     "Mentor support",
		"nytteindsats":               "Community work",
		"andet":                      "Other",
	},
	indsatser: "Other support", stabiliserende: "Supporting and stabilising efforts",
	andreIndsatser: "Other agreed efforts", mentor: "Mentor",
	opfoelgning: "Status and follow-up", planOpfoelgning: "Follow-up by",
	naesteKontakt: "Next contact", naesteSamtale: "Your next meeting",
	samtaleType: map[string]string{"jobsamtale": "job meeting", "opfoelgning": "follow-up meeting",
		"raadighed": "availability meeting", "forloeb": "meeting"},
	samtaleForm: map[string]string{"fremmoede": "in person", "telefon": "telephone", "video": "video", "digital": "digital"},

	rights:         "Your rights and duties",
	rightsIntroFmt: "Based on your contact group “%s” and your registered absence, this applies as of %s:",
	rightsNoKG:     "You have no active contact group as of %s, so only what applies to everyone applies:",
	skal:           "What you must do", ret: "What you are entitled to", fritaget: "What you are exempt from now",
	frister:          "Important deadlines",
	fristOverskredet: "the deadline has passed", fristIDag: "today",
	sygFerie:    "If you fall ill or want to take a holiday",
	sygemelding: "If you fall ill, report sick on Jobnet or to the jobcentre on the first day of illness. You cannot report sick retroactively.",
	ferieFmt:    "Holiday must be registered on Jobnet or agreed with the jobcentre at least %d days before the first day.",
	konsekvens:  "If you do not meet your duties",
	kontakt:     "Contact your caseworker if you cannot attend, or if you have questions about the plan.",
	fristTekst: map[string]string{
		app.FristCV:             "Your CV must be available on Jobnet by %s",
		app.FristFoersteSamtale: "Your first job meeting must be held by %s",
		app.FristSDPOpfoelgning: "Your next sickness benefit follow-up meeting is held by %s",
		app.FristSDPRevurdering: "By %s the municipality assesses whether you can continue to receive sickness benefit",
		app.FristPaalaeg:        "The deadline in your education order is %s",
		app.FristSelvbook:       "You must book a job meeting on Jobnet yourself by %s",
		app.FristTjob:           "You must check your job suggestions on Jobnet by %s",
	},
	konsekvensTekst: map[string]string{
		"DP": "If you do not meet your duties – e.g. you miss a meeting, do not search for jobs as agreed or do not have your CV on Jobnet – " +
			"you may lose the right to unemployment benefit (dagpenge) for a period. Your unemployment insurance fund (a-kasse) decides.",
		"KH": khKonsekvensEN, "UH": khKonsekvensEN, "INT": khKonsekvensEN,
		"SDP": "If you do not take part in the follow-up without a reasonable excuse – e.g. you miss a meeting or an agreed effort – " +
			"the municipality can stop your sickness benefit. The municipality hears you before it decides.",
		"LY": "If you do not meet your duties without a reasonable excuse, it can affect your flex-job unemployment benefit (ledighedsydelse). " +
			"The municipality hears you before it decides.",
		"*": "If you do not take part in what the plan agrees, it can affect your benefit. The municipality hears you before it decides.",
	},

	klage: "How to appeal (klagevejledning)",
	klageTekst: "The plan contains decisions, e.g. about offers or an education order. You can appeal a decision. " +
		"The appeal must be received no later than 4 weeks after you received the decision. You can appeal in writing or orally " +
		"to the jobcentre. The jobcentre reconsiders the decision. If it upholds the decision, the appeal is sent on to the National Social Appeals Board (Ankestyrelsen).",
	signatur:      "Signatures",
	signaturTekst: "I have received the plan and have been informed of my rights and duties.",
	dato:          "Date",
	signBorger:    "Citizen", signSagsbehandler: "Caseworker",

	sdpSiden: "Off sick since", sdpRask: "Expected return to work",
	sdpSygemelding: "Your sick leave", sdpKategori: "Sickness benefit category", sdpArbejdsplads: "Workplace",
	sdpAftalt: "What we have agreed", sdpOpfoelgning: "Follow-up", sdpForm: "Form",
	sdpNaeste: "Next follow-up", sdpIngenTiltag: "No specific efforts have been agreed yet.",
	sdpKategoriTekst: map[string]string{
		"sdp1": "You are expected to be fit for work within 8 weeks of the first day of absence.",
		"sdp2": "You are expected to be fit for work later than 8 weeks after the first day of absence.",
		"sdp3": "You are expected to be fit for work later than 8 weeks after the first day of absence, and you need an interdisciplinary effort.",
	},
	footerPrinted: "Printed %s by %s", footerPage: "Page", footerOf: "of",
	subject: "Plan from %s",
}

// labelsFor returns the labels for lang ("da" or "en").
func labelsFor(lang string) *labels {
	if lang == "en" {
		return &labelsEN
	}
	return &labelsDA
}
