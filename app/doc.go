// Package app is Feltsag's domain core: the Danish employment rules
// (kontaktgrupper, tilmelding and afmelding, visitation, fravær, samtaler and
// Min Plan), the commands that change a case, the rule tables that decide what
// is allowed on a given date, and the one error model every layer shares.
//
// It imports the standard library only. Storage (store), the wire protocol
// (sync), documents (pdf) and screens (ui) depend on app, never the other way
// round, so every rule here is testable without a window, a database or a
// network.
//
// Source tags in comments and rule tables ([S12], (A), (H), (R)) are explained
// in docs/domain.md: §12 gives each source's law paragraph or STAR document and
// public address, §13 lists the assumptions, and §14 says where a "DOMAIN §x"
// reference to the research notes is explained. (A) marks an assumption
// shipped as data so that a domain expert can correct it without code.
package app
