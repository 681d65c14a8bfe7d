// Package wire is Feltsag's sync protocol on the wire: the messages that
// travel over the websocket between a client and feltsagd, their codec and
// the limits every frame must keep (DESIGN §5, docs/protocol.md). It imports
// app and the standard library only; both engines speak it.
package wire
