package demo

// Word lists for synthetic people, places and plans. The names are common
// Danish names (and names common among Danes of other origins) combined at
// random; any likeness to a real person is chance.

var fornavneK = []string{
	"Anne", "Mette", "Kirsten", "Hanne", "Susanne", "Lene", "Marianne", "Camilla", "Pia", "Louise",
	"Maria", "Charlotte", "Tina", "Bente", "Ida", "Julie", "Sofie", "Emma", "Freja", "Signe",
	"Åse", "Birthe", "Gitte", "Jytte", "Søs", "Line", "Maja", "Sara", "Fatma", "Aisha",
	"Agnieszka", "Zeynep", "Nadia", "Ewa", "Linh", "Mia", "Trine", "Dorthe", "Vibeke", "Bodil",
}

var fornavneM = []string{
	"Jens", "Peter", "Lars", "Michael", "Henrik", "Søren", "Thomas", "Jan", "Niels", "Anders",
	"Morten", "Jesper", "Mads", "Rasmus", "Mikkel", "Frederik", "Kasper", "Martin", "Bjørn", "Jørgen",
	"Ove", "Poul", "Torben", "Kåre", "Ebbe", "Magnus", "Oliver", "Noah", "Ahmad", "Mohammed",
	"Ali", "Omar", "Piotr", "Tomasz", "Mehmet", "Emre", "Duc", "Jonas", "Bo", "Østen",
}

var mellemnavne = []string{
	"", "", "", "", "", "Bøgh", "Kjær", "Holm", "Lund", "Dahl", "Skov", "Bach", "Krogh", "Møller", "Friis",
}

var efternavne = []string{
	"Nielsen", "Jensen", "Hansen", "Pedersen", "Andersen", "Christensen", "Larsen", "Sørensen", "Rasmussen", "Jørgensen",
	"Petersen", "Madsen", "Kristensen", "Olsen", "Thomsen", "Christiansen", "Poulsen", "Johansen", "Møller", "Mortensen",
	"Østergaard", "Nørgaard", "Søndergaard", "Bødker", "Kjærgaard", "Lykkegård", "Brændgaard", "Ærenlund", "Åberg", "Højgaard",
	"Vestergaard", "Damgaard", "Frølich", "Schrøder", "Yılmaz", "Şahin", "Kowalski", "Nowak", "Nguyen", "Hussein",
}

// by is a town with a real postcode, its streets and its jobcentre.
type by struct {
	postnr, navn string
}

var byer = []by{
	{"8000", "Aarhus C"}, {"8200", "Aarhus N"}, {"8210", "Aarhus V"}, {"8230", "Åbyhøj"}, {"5000", "Odense C"},
	{"9000", "Aalborg"}, {"2200", "København N"}, {"2300", "København S"}, {"2450", "København SV"}, {"4000", "Roskilde"},
	{"7100", "Vejle"}, {"6700", "Esbjerg"}, {"8800", "Viborg"}, {"2630", "Taastrup"}, {"4700", "Næstved"},
	{"3400", "Hillerød"}, {"8600", "Silkeborg"}, {"6000", "Kolding"}, {"7400", "Herning"}, {"4200", "Slagelse"},
	{"9800", "Hjørring"}, {"8900", "Randers C"}, {"3000", "Helsingør"}, {"5700", "Svendborg"}, {"6400", "Sønderborg"},
	{"7500", "Holstebro"}, {"8700", "Horsens"}, {"9900", "Frederikshavn"}, {"4800", "Nykøbing F"}, {"3700", "Rønne"},
	{"2750", "Ballerup"}, {"2605", "Brøndby"}, {"6100", "Haderslev"}, {"4600", "Køge"}, {"7700", "Thisted"},
}

// kommuner are the jobcentres the caseworkers work at; their index is the
// index of the town their citizens mostly live in.
var kommuner = []string{
	"Aarhus", "Aarhus", "Aarhus", "Aarhus", "Odense", "Aalborg", "København", "København", "København", "Roskilde",
	"Vejle", "Esbjerg", "Viborg", "Høje-Taastrup", "Næstved", "Hillerød", "Silkeborg", "Kolding", "Herning", "Slagelse",
	"Hjørring", "Randers", "Helsingør", "Svendborg", "Sønderborg", "Holstebro", "Horsens", "Frederikshavn", "Guldborgsund", "Bornholm",
	"Ballerup", "Brøndby", "Haderslev", "Køge", "Thisted",
}

var veje = []string{
	"Nørregade", "Østergade", "Søndergade", "Vestergade", "Skovvej", "Ågade", "Kærvej", "Bøgevej", "Grønnegade", "Møllevej",
	"Kirkevej", "Åboulevarden", "Højvangen", "Enghavevej", "Lærkevej", "Birkevænget", "Fælledvej", "Strandvejen", "Æblehaven", "Pilevej",
	"Rønnebærvej", "Tørvegade", "Havnegade", "Stationsvej", "Bakkedraget", "Søvej", "Fjordvej", "Vænget", "Ørnevej", "Kløvervej",
}

var etager = []string{"", "", "", "st. tv.", "st. th.", "1. tv.", "1. th.", "2. tv.", "2. mf.", "3. th."}

// Occupations for jobmål and job-search requirements.
var stillinger = []string{
	"Lagerarbejder", "Chauffør", "Butiksassistent", "Social- og sundhedshjælper", "Pædagogmedhjælper", "Rengøringsassistent",
	"Køkkenmedhjælper", "Kok", "Tømrer", "Elektriker", "IT-supporter", "Regnskabsassistent", "Salgsassistent", "Kundeservicemedarbejder",
	"Pakkeriarbejder", "Truckfører", "Buschauffør", "Gartner", "Havnearbejder", "Smed", "Produktionsmedarbejder", "Receptionist",
	"Kontorassistent", "Ejendomsservicetekniker", "Sygehusportør", "Postbud", "Tjener", "Bager", "Frisør", "Maler",
}

// discoStillinger are occupations with their DISCO-08 code (the Danish
// version of ISCO-08; codes chosen by hand to the nearest unit group (A)),
// for CV occupations and the demo companies' job openings.
var discoStillinger = []struct{ navn, kode string }{
	{"Lagerarbejder", "9333"}, {"Lastbilchauffør", "8332"}, {"Butiksassistent", "5223"}, {"Social- og sundhedshjælper", "5322"},
	{"Pædagogmedhjælper", "5311"}, {"Rengøringsassistent", "9112"}, {"Køkkenmedhjælper", "9412"}, {"Kok", "5120"},
	{"Tømrer", "7115"}, {"Elektriker", "7411"}, {"IT-supporter", "3512"}, {"Bogholder", "4311"},
	{"Kundeservicemedarbejder", "4222"}, {"Truckfører", "8344"}, {"Gartner", "6113"}, {"Receptionist", "4226"},
	{"Tjener", "5131"}, {"Bager", "7512"}, {"Ejendomsservicetekniker", "5153"}, {"Produktionsmedarbejder", "9329"},
	{"Murer", "7112"}, {"Buschauffør", "8331"}, {"Kontorassistent", "4110"}, {"Softwareudvikler", "2512"},
}

var uddannelser = []string{
	"Erhvervsuddannelse som social- og sundhedshjælper (SOSU)", "Forberedende Grunduddannelse (FGU), produktionsgrunduddannelse",
	"Erhvervsuddannelse som smed", "HF-enkeltfag i dansk og matematik", "Erhvervsuddannelse som datatekniker",
	"Erhvervsuddannelse som ernæringsassistent", "Erhvervsuddannelse som tømrer", "Pædagogisk assistentuddannelse (PAU)",
	"Erhvervsuddannelse som lager- og logistikoperatør", "Erhvervsuddannelse som detailhandelsassistent",
}

var geografier = []string{
	"Inden for to timers transport fra bopælen", "Hele Østjylland", "Storkøbenhavn", "Fyn og Trekantområdet",
	"Nordjylland", "Inden for 40 km fra bopælen", "Hele Sjælland",
}

var kanaler = []string{"Jobnet", "LinkedIn", "uopfordrede ansøgninger", "netværk og bekendte", "vikarbureauer", "Jobindex", "jobmesser"}

var kursusUdbydere = []string{
	"AOF", "FOF", "AMU-center", "Sprogcenter", "Produktionsskolen", "VUC", "Erhvervsskolen", "Jobcentrets værksted",
}

var stabiliserende = []string{
	"Samtaleforløb hos psykolog, hver anden uge", "Træning ved fysioterapeut to gange om ugen",
	"Forløb i kommunens misbrugscenter", "Hjælp til at få styr på økonomien (gældsrådgivning)",
	"Støtte fra bostøtte i hjemmet", "Forløb hos sundhedskoordinator", "Smertehåndtering på smerteklinik",
	"Søvnforløb ved egen læge",
}

var andreIndsatser = []string{
	"Danskundervisning, modul 3", "Hjælp til at skrive CV og ansøgninger", "Kørekort kategori C betalt af jobcentret",
	"Truckcertifikat (AMU)", "Jobsøgningskursus i 3 uger", "Virksomhedsbesøg med virksomhedskonsulent",
	"Hygiejnekursus (AMU)", "IT for begyndere",
}

var sdpTiltag = []string{
	"Delvis raskmelding med 15 timer om ugen", "Arbejdspladsvurdering med arbejdsgiver og tillidsrepræsentant",
	"Fysioterapi to gange om ugen", "Fastholdelsesplan udarbejdet med arbejdsgiveren", "Samtale med virksomhedskonsulent om skånehensyn",
	"Gradvis optrapning over seks uger", "Forløb hos psykolog via sundhedsforsikring", "Hjælpemidler på arbejdspladsen (hæve-sænkebord)",
	"Tværfagligt møde med egen læge", "Afklaring af skånebehov med arbejdsmedicinsk klinik",
}

var sdpFormer = []string{
	"Samtale på jobcentret", "Telefonisk opfølgning", "Rundbordssamtale på arbejdspladsen", "Videosamtale", "Samtale i borgerens hjem",
}

var statusTekster = []string{
	"Du er godt i gang med jobsøgningen og har været til to samtaler hos arbejdsgivere.",
	"Praktikken er gået godt, og virksomheden overvejer at tilbyde løntilskud.",
	"Du har afsluttet kurset og søger nu stillinger inden for faget.",
	"Vi har aftalt at fokusere på dit helbred, før du starter i tilbud.",
	"Du har svært ved at finde stillinger i dit område; vi udvider søgeområdet.",
	"Mentorstøtten hjælper dig med at komme afsted hver dag; den fortsætter.",
	"Du er begyndt på danskundervisningen og møder stabilt op.",
	"Du ønsker at skifte branche, og vi undersøger muligheder for opkvalificering.",
}

var notater = []string{
	"Borgeren ringede og spurgte til næste samtale.",
	"Talt med virksomheden om praktik; de vender tilbage i næste uge.",
	"Borgeren har sendt lægeerklæring.",
	"Aftalt opfølgning pr. telefon.",
	"Borgeren mødte op og fortalte om jobsamtale hos en lokal virksomhed.",
	"Mail sendt med liste over relevante stillinger.",
	"Borgeren ønsker at tale om muligheder for uddannelse.",
}

var kontaktHvem = []string{
	"Jobcentret ringer til dig", "Du møder op på jobcentret", "Du ringer til din sagsbehandler",
	"Vi mødes hos virksomheden", "Videosamtale; du får et link på e-mail",
}

// virksomhedsLed are the parts company names are made of.
var (
	virksomhedsNavne = []string{"Bøgh", "Kærgård", "Nordlys", "Østjysk", "Grøn Økologi", "Fjord", "Søholm", "Lundgaard",
		"Havbrug", "Ærø", "Skovly", "Vestkyst", "Bølge", "Møllen", "Højskov", "Dalgaard", "Brødrene Friis", "Solsikke"}
	virksomhedsTyper = []string{"Transport", "Lager", "Byg", "Køkken", "Rengøring", "Maskinfabrik", "Gartneri", "Plejecenter",
		"Bageri", "Elektro", "Tømrerforretning", "Auto", "Logistik", "Supermarked"}
	selskabsformer = []string{"ApS", "A/S", "I/S", "& Søn ApS", "K/S"}
)
