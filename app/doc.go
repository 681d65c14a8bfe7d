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
// Source tags in comments ([S12], (A), (H)) refer to the source index in the
// project's DOMAIN.md; (A) marks an assumption shipped as data so that a domain
// expert can correct it without code.
package app
