package wire

import (
	"strconv"
	"time"

	"feltsag.dk/feltsag/app"
)

// Message is the body of one frame. Each message type is one Go struct;
// Type names it in the envelope.
type Message interface {
	// Type returns the envelope's "type" for this message.
	Type() string
	// validate checks what the JSON decoder cannot: required fields,
	// allowed values, lengths and order. path is "body".
	validate(path string) error
}

// Message types, as written in the envelope's "type".
const (
	TypeHello        = "hello"
	TypeWelcome      = "welcome"
	TypePush         = "push"
	TypeAck          = "ack"
	TypePull         = "pull"
	TypeChanges      = "changes"
	TypePoke         = "poke"
	TypeConflict     = "conflict"
	TypeResolve      = "resolve"
	TypeResolved     = "resolved"
	TypeWipe         = "wipe"
	TypeError        = "error"
	TypePing         = "ping"
	TypePong         = "pong"
	TypeAuditUpload  = "audit_upload"
	TypeAuditAck     = "audit_ack"
	TypeRulesRequest = "rules_request"
	TypeRulesBundle  = "rules_bundle"
)

// Types returns every message type, in the order docs/protocol.md lists
// them.
func Types() []string {
	return []string{TypeHello, TypeWelcome, TypePush, TypeAck, TypePull, TypeChanges, TypePoke,
		TypeConflict, TypeResolve, TypeResolved, TypeWipe, TypeError, TypePing, TypePong,
		TypeAuditUpload, TypeAuditAck, TypeRulesRequest, TypeRulesBundle}
}

// newMessage returns a zero message of type typ, or nil for an unknown type.
func newMessage(typ string) Message {
	switch typ {
	case TypeHello:
		return &Hello{}
	case TypeWelcome:
		return &Welcome{}
	case TypePush:
		return &Push{}
	case TypeAck:
		return &Ack{}
	case TypePull:
		return &Pull{}
	case TypeChanges:
		return &Changes{}
	case TypePoke:
		return &Poke{}
	case TypeConflict:
		return &ConflictNotice{}
	case TypeResolve:
		return &Resolve{}
	case TypeResolved:
		return &Resolved{}
	case TypeWipe:
		return &Wipe{}
	case TypeError:
		return &Error{}
	case TypePing:
		return &Ping{}
	case TypePong:
		return &Pong{}
	case TypeAuditUpload:
		return &AuditUpload{}
	case TypeAuditAck:
		return &AuditAck{}
	case TypeRulesRequest:
		return &RulesRequest{}
	case TypeRulesBundle:
		return &RulesBundle{}
	}
	return nil
}

// Hello opens a session (client → server, first frame). Who the caseworker
// is comes from the authenticated upgrade, never from this message; Device
// must be the device the session was issued to.
type Hello struct {
	Device      app.ID     `json:"device"`
	Cursor      app.Cursor `json:"cursor"`                 // the zero cursor on first sync
	AppVersion  string     `json:"app_version"`            // e.g. "1.4.2"
	RulesDigest string     `json:"rules_digest,omitempty"` // digest of the rule bundle the client runs (BundleDigest)
	Pending     int        `json:"pending,omitempty"`      // outbox length, for the server's rate limit and metrics
}

// Type implements Message.
func (*Hello) Type() string { return TypeHello }

func (m *Hello) validate(p string) error {
	return first(
		needID(at(p, "device"), m.Device),
		needToken(at(p, "app_version"), m.AppVersion, 64),
		optDigest(at(p, "rules_digest"), m.RulesDigest),
		nonNegative(at(p, "pending"), int64(m.Pending)),
	)
}

// RuleSetInfo names one rule-set version the server runs and when it is in
// force (To is zero while open-ended).
type RuleSetInfo struct {
	Version string   `json:"version"`
	From    app.Date `json:"from"`
	To      app.Date `json:"to,omitzero"`
}

func (r RuleSetInfo) validate(p string) error {
	if err := needToken(at(p, "version"), r.Version, 32); err != nil {
		return err
	}
	if r.From.IsZero() {
		return missing(at(p, "from"))
	}
	if !r.To.IsZero() && r.To.Before(r.From) {
		return refuse(at(p, "to"), "wire.value")
	}
	return nil
}

// Welcome answers a hello (server → client). Cursor is the head of the log
// for this caseworker: a client already there has nothing to pull. A
// client whose cursor has another epoch pushes its outbox and then pulls a
// fresh snapshot from the zero cursor of Cursor.Epoch.
type Welcome struct {
	Caseworker  app.ID        `json:"caseworker"` // the authenticated caseworker
	ServerTime  time.Time     `json:"server_time"`
	AppVersion  string        `json:"app_version"`
	Cursor      app.Cursor    `json:"cursor"`
	RuleSets    []RuleSetInfo `json:"rule_sets"`
	RulesDigest string        `json:"rules_digest"` // the server's rule bundle; fetch it with rules_request when it differs
}

// Type implements Message.
func (*Welcome) Type() string { return TypeWelcome }

func (m *Welcome) validate(p string) error {
	if err := first(
		needID(at(p, "caseworker"), m.Caseworker),
		needTime(at(p, "server_time"), m.ServerTime),
		needToken(at(p, "app_version"), m.AppVersion, 64),
		needDigest(at(p, "rules_digest"), m.RulesDigest),
		count(at(p, "rule_sets"), len(m.RuleSets), 1, MaxRuleFiles),
	); err != nil {
		return err
	}
	for i, r := range m.RuleSets {
		if err := r.validate(idx(at(p, "rule_sets"), i)); err != nil {
			return err
		}
	}
	return nil
}

// PushCommand is one outbox entry as it travels: the command and the
// versions the device had confirmed when it was made (app.PendingCommand
// without the device's own bookkeeping).
type PushCommand struct {
	Seq        uint64           `json:"seq"` // the device's outbox order, from 1
	Command    app.Command      `json:"command"`
	Base       int64            `json:"base"`
	BaseFields map[string]int64 `json:"base_fields,omitempty"`
	HLC        app.HLC          `json:"hlc,omitzero"`
}

// PushCommandOf returns the part of a pending command that is pushed.
func PushCommandOf(p app.PendingCommand) PushCommand {
	return PushCommand{Seq: p.Seq, Command: p.Command, Base: p.Base, BaseFields: p.BaseFields, HLC: p.HLC}
}

func (c PushCommand) validate(p string) error {
	if c.Seq == 0 {
		return missing(at(p, "seq"))
	}
	cp := at(p, "command")
	if err := first(
		needID(at(cp, "id"), c.Command.ID),
		needID(at(cp, "sag"), c.Command.Sag),
		nonNegative(at(p, "base"), c.Base),
	); err != nil {
		return err
	}
	if c.Command.Body == nil {
		return missing(at(cp, "body"))
	}
	for k, v := range c.BaseFields {
		if k == "" || len(k) > 256 {
			return refuse(at(p, "base_fields"), "wire.value")
		}
		if v < 0 {
			return refuse(at(at(p, "base_fields"), k), "wire.value")
		}
	}
	return nil
}

// Push sends outbox entries in outbox order (client → server). The server
// answers with one ack whose envelope id is the push's.
type Push struct {
	Commands []PushCommand `json:"commands"`
}

// Type implements Message.
func (*Push) Type() string { return TypePush }

func (m *Push) validate(p string) error {
	lp := at(p, "commands")
	if err := count(lp, len(m.Commands), 1, MaxCommandsPerPush); err != nil {
		return err
	}
	var prev uint64
	for i, c := range m.Commands {
		if err := c.validate(idx(lp, i)); err != nil {
			return err
		}
		if c.Seq <= prev {
			return refuse(at(idx(lp, i), "seq"), "wire.order")
		}
		prev = c.Seq
	}
	return nil
}

// Ack answers a push (server → client): one result per pushed command, in
// the push's order.
type Ack struct {
	Results []app.AckResult `json:"results"`
}

// Type implements Message.
func (*Ack) Type() string { return TypeAck }

func (m *Ack) validate(p string) error {
	lp := at(p, "results")
	if err := count(lp, len(m.Results), 1, MaxCommandsPerPush); err != nil {
		return err
	}
	for i, r := range m.Results {
		if err := validateAck(idx(lp, i), r); err != nil {
			return err
		}
	}
	return nil
}

func validateAck(p string, r app.AckResult) error {
	if err := needID(at(p, "command"), r.Command); err != nil {
		return err
	}
	if !app.AckStatusValid(r.Status) {
		return refuse(at(p, "status"), "wire.value")
	}
	if err := first(nonNegative(at(p, "version"), r.Version), optID(at(p, "conflict"), r.Conflict)); err != nil {
		return err
	}
	switch {
	case r.Status == app.AckRejected && r.Error == nil:
		return missing(at(p, "error"))
	case r.Status == app.AckConflict && r.Conflict == "":
		return missing(at(p, "conflict"))
	}
	if r.Error != nil {
		return validateError(at(p, "error"), r.Error)
	}
	return nil
}

// Pull asks for the records after Cursor (client → server). Limit is the
// most records the client wants in the answer (0: the server's choice);
// the server answers with one changes frame.
type Pull struct {
	Cursor app.Cursor `json:"cursor"`
	Limit  int        `json:"limit,omitempty"`
}

// Type implements Message.
func (*Pull) Type() string { return TypePull }

func (m *Pull) validate(p string) error {
	if m.Limit < 0 || m.Limit > MaxRecordsPerPage {
		return refuse(at(p, "limit"), "wire.value")
	}
	return nil
}

// RecordRef names a record without its data, with why it moved.
type RecordRef struct {
	Kind   string `json:"kind"`
	ID     app.ID `json:"id"`
	Reason string `json:"reason,omitempty"` // removed: "reassigned", "closed"
}

// Scope reasons.
const (
	ReasonAssigned   = "assigned"
	ReasonReassigned = "reassigned"
	ReasonClosed     = "closed"
)

// ScopeDelta tells a client which records entered and left its
// caseworker's scope since its cursor, so it can say so ("1 sag flyttet
// til en kollega"). The records themselves arrive as Records (a removed
// one with Removed set); the delta only explains them.
type ScopeDelta struct {
	Added   []RecordRef `json:"added,omitempty"`
	Removed []RecordRef `json:"removed,omitempty"`
}

func (s *ScopeDelta) validate(p string) error {
	for _, l := range []struct {
		name string
		refs []RecordRef
	}{{"added", s.Added}, {"removed", s.Removed}} {
		lp := at(p, l.name)
		if err := count(lp, len(l.refs), 0, MaxRecordsPerPage); err != nil {
			return err
		}
		for i, r := range l.refs {
			ip := idx(lp, i)
			if err := first(needKind(at(ip, "kind"), r.Kind), needID(at(ip, "id"), r.ID)); err != nil {
				return err
			}
			switch r.Reason {
			case "", ReasonAssigned, ReasonReassigned, ReasonClosed:
			default:
				return refuse(at(ip, "reason"), "wire.value")
			}
		}
	}
	return nil
}

// Changes answers a pull (server → client): records in log order and the
// cursor after them (app.Page), and what changed in the scope. HasMore
// says the client should pull again from Cursor. Snapshot marks the first
// frame of a fresh snapshot: records the replica holds that no frame of
// the snapshot mentions are no longer in scope.
//
// Total, when the server knows it, is how many records the whole snapshot
// delivers (every frame of it may carry it; 0: unknown). A client shows
// the progress of a first sync as records received of Total.
type Changes struct {
	app.Page
	Scope *ScopeDelta `json:"scope,omitempty"`
	Total int         `json:"total,omitempty"`

	enc encodedRecords // the records as SplitChanges encoded them to size the frame
}

// Type implements Message.
func (*Changes) Type() string { return TypeChanges }

func (m *Changes) validate(p string) error {
	lp := at(p, "records")
	if err := count(lp, len(m.Records), 0, MaxRecordsPerPage); err != nil {
		return err
	}
	var prev uint64
	for i, r := range m.Records {
		ip := idx(lp, i)
		if err := validateRecord(ip, r); err != nil {
			return err
		}
		if r.Seq <= prev {
			return refuse(at(ip, "seq"), "wire.order")
		}
		prev = r.Seq
	}
	if prev > m.Cursor.Seq {
		return refuse(at(at(p, "cursor"), "seq"), "wire.order")
	}
	if err := nonNegative(at(p, "total"), int64(m.Total)); err != nil {
		return err
	}
	if m.Scope != nil {
		return m.Scope.validate(at(p, "scope"))
	}
	return nil
}

func validateRecord(p string, r app.Record) error {
	if err := first(needKind(at(p, "kind"), r.Kind), needID(at(p, "id"), r.ID), nonNegative(at(p, "version"), r.Version)); err != nil {
		return err
	}
	if r.Seq == 0 {
		return missing(at(p, "seq"))
	}
	switch {
	case r.Removed && len(r.Data) > 0:
		return refuse(at(p, "data"), "wire.value")
	case !r.Removed && len(r.Data) == 0:
		return missing(at(p, "data"))
	case !r.Removed && r.Data[0] != '{':
		return refuse(at(p, "data"), "wire.field_type")
	}
	return nil
}

// Poke tells a client that its caseworker's log grew (server → client);
// Cursor is the new head. A client behind it pulls.
type Poke struct {
	Cursor app.Cursor `json:"cursor"`
}

// Type implements Message.
func (*Poke) Type() string { return TypePoke }

func (m *Poke) validate(string) error { return nil }

// ConflictNotice tells a client about a conflict routed to its caseworker
// (server → client), when it opens and again at every hello while open.
// The body is the conflict itself.
type ConflictNotice struct {
	app.Conflict
}

// Type implements Message.
func (*ConflictNotice) Type() string { return TypeConflict }

func (m *ConflictNotice) validate(p string) error {
	c := m.Conflict
	if err := first(needID(at(p, "id"), c.ID), needID(at(p, "sag"), c.Sag), optID(at(p, "owner"), c.Owner)); err != nil {
		return err
	}
	if c.Field == "" || len(c.Field) > 256 {
		return refuse(at(p, "field"), "wire.value")
	}
	switch c.Policy {
	case app.PolicyLWW, app.PolicyAppend, app.PolicyProtected:
	default:
		return refuse(at(p, "policy"), "wire.value")
	}
	if c.Created.IsZero() {
		return missing(at(p, "created"))
	}
	for _, s := range []struct {
		name string
		side app.ConflictSide
	}{{"base", c.Base}, {"mine", c.Mine}, {"theirs", c.Theirs}} {
		sp := at(p, s.name)
		if err := first(nonNegative(at(sp, "version"), s.side.Version), optID(at(sp, "command"), s.side.Command), optID(at(sp, "device"), s.side.Device)); err != nil {
			return err
		}
	}
	return nil
}

// MaxNote is the longest note a resolve carries, in bytes.
const MaxNote = app.MaxResolveNote

// Resolve is a person's decision on a conflict (client → server): keep
// theirs (the server value stands) or take mine (the pushed command is
// applied again on the current state). The server answers with resolved.
type Resolve struct {
	Conflict app.ID `json:"conflict"`
	Decision string `json:"decision"` // app.ResolveKeepTheirs or app.ResolveTakeMine
	Note     string `json:"note,omitempty"`
}

// Type implements Message.
func (*Resolve) Type() string { return TypeResolve }

func (m *Resolve) validate(p string) error {
	if err := first(needID(at(p, "conflict"), m.Conflict), needDecision(at(p, "decision"), m.Decision)); err != nil {
		return err
	}
	if len(m.Note) > MaxNote {
		return refuse(at(p, "note"), "wire.too_long", "max", strconv.Itoa(MaxNote))
	}
	return nil
}

// Resolved answers a resolve (server → client) and tells the other devices
// of the caseworker that the conflict is closed. Version is the case's
// version after it. Error is set when "mine" could not be applied because
// a rule now refuses it: the conflict is closed, the server's value stands
// and Error says which rule.
type Resolved struct {
	Conflict app.ID     `json:"conflict"`
	Decision string     `json:"decision"`
	Version  int64      `json:"version,omitempty"`
	Error    *app.Error `json:"error,omitempty"`
}

// Type implements Message.
func (*Resolved) Type() string { return TypeResolved }

func (m *Resolved) validate(p string) error {
	if err := first(needID(at(p, "conflict"), m.Conflict), needDecision(at(p, "decision"), m.Decision), nonNegative(at(p, "version"), m.Version)); err != nil {
		return err
	}
	if m.Error != nil {
		return validateError(at(p, "error"), m.Error)
	}
	return nil
}

// Wipe reasons.
const (
	WipeRevoked = "revoked" // the caseworker's access or this device was revoked
	WipeLost    = "lost"    // the device was reported lost or stolen
)

// Wipe orders the device to erase its replica (server → client) after it
// has delivered its outbox (sealed entries included); the server then
// closes with CloseWiped.
type Wipe struct {
	Reason string `json:"reason"`
}

// Type implements Message.
func (*Wipe) Type() string { return TypeWipe }

func (m *Wipe) validate(p string) error {
	switch m.Reason {
	case WipeRevoked, WipeLost:
		return nil
	}
	return refuse(at(p, "reason"), "wire.value")
}

// Error refuses a request or reports a problem with the session (either
// direction; the envelope id names the request it answers). It is the
// domain's error on the wire, plus how long to wait before trying again
// (rate limits, a server that is starting up).
type Error struct {
	app.Error
	RetryAfterMS int64 `json:"retry_after_ms,omitempty"`
}

// Type implements Message.
func (*Error) Type() string { return TypeError }

// RetryAfter returns the wait the error asks for (0: none).
func (m *Error) RetryAfter() time.Duration { return time.Duration(m.RetryAfterMS) * time.Millisecond }

func (m *Error) validate(p string) error {
	if m.RetryAfterMS < 0 || m.RetryAfterMS > MaxRetryAfter.Milliseconds() {
		return refuse(at(p, "retry_after_ms"), "wire.value")
	}
	return validateError(p, &m.Error)
}

// Ping asks the peer for a pong (either direction; the client sends one
// every PingPeriod when idle).
type Ping struct{}

// Type implements Message.
func (*Ping) Type() string { return TypePing }

func (*Ping) validate(string) error { return nil }

// Pong answers a ping with the ping's envelope id.
type Pong struct{}

// Type implements Message.
func (*Pong) Type() string { return TypePong }

func (*Pong) validate(string) error { return nil }

// AuditUpload hands over the device's audit records (client → server) in
// sequence order. The server stores them de-duplicated by device and
// sequence, checks the hash chain and answers with audit_ack.
type AuditUpload struct {
	Device  app.ID            `json:"device"`
	Records []app.AuditRecord `json:"records"`
}

// Type implements Message.
func (*AuditUpload) Type() string { return TypeAuditUpload }

func (m *AuditUpload) validate(p string) error {
	lp := at(p, "records")
	if err := first(needID(at(p, "device"), m.Device), count(lp, len(m.Records), 1, MaxAuditPerUpload)); err != nil {
		return err
	}
	var prev uint64
	for i, r := range m.Records {
		ip := idx(lp, i)
		if err := validateAudit(ip, r); err != nil {
			return err
		}
		if r.Seq <= prev {
			return refuse(at(ip, "seq"), "wire.order")
		}
		prev = r.Seq
	}
	return nil
}

func validateAudit(p string, r app.AuditRecord) error {
	if r.Seq == 0 {
		return missing(at(p, "seq"))
	}
	if err := needTime(at(p, "at"), r.At); err != nil {
		return err
	}
	switch r.Action {
	case app.ActionViewed, app.ActionChanged, app.ActionSearched, app.ActionPrinted, app.ActionExported, app.ActionPurged:
	default:
		return refuse(at(p, "action"), "wire.value")
	}
	switch r.Actor.Rolle {
	case app.RolleBorger, app.RolleSagsbehandler, app.RolleSystem:
	default:
		return refuse(at(at(p, "actor"), "rolle"), "wire.value")
	}
	if err := first(
		optID(at(at(p, "actor"), "id"), r.Actor.ID),
		optID(at(p, "sag"), r.Sag),
		optID(at(p, "command"), r.Command),
		nonNegative(at(p, "hits"), int64(r.Hits)),
		count(at(p, "sager"), len(r.Sager), 0, app.MaxAuditCases),
	); err != nil {
		return err
	}
	if len(r.Kind) > 64 {
		return refuse(at(p, "kind"), "wire.value")
	}
	for i, s := range r.Sager {
		if err := needID(idx(at(p, "sager"), i), s); err != nil {
			return err
		}
	}
	if len(r.Prev) != 0 && len(r.Prev) != 32 {
		return refuse(at(p, "prev"), "wire.value")
	}
	if len(r.Hash) != 32 {
		return refuse(at(p, "hash"), "wire.value")
	}
	return nil
}

// SeqRange is an inclusive range of sequence numbers.
type SeqRange struct {
	From uint64 `json:"from"`
	To   uint64 `json:"to"`
}

// AuditAck answers an audit upload (server → client): the server holds
// every record of the device up to and including Through, and is missing
// the ranges in Gaps beyond it (the device sends them again). The device
// marks records up to Through uploaded.
type AuditAck struct {
	Through uint64     `json:"through"`
	Gaps    []SeqRange `json:"gaps,omitempty"`
}

// Type implements Message.
func (*AuditAck) Type() string { return TypeAuditAck }

func (m *AuditAck) validate(p string) error {
	lp := at(p, "gaps")
	if err := count(lp, len(m.Gaps), 0, MaxGaps); err != nil {
		return err
	}
	prev := m.Through
	for i, g := range m.Gaps {
		if g.From <= prev || g.To < g.From {
			return refuse(idx(lp, i), "wire.order")
		}
		prev = g.To
	}
	return nil
}

// RulesRequest asks for the server's rule bundle (client → server), e.g.
// after a welcome whose rules_digest differs from the client's. Have is
// the digest the client holds, if any.
type RulesRequest struct {
	Have string `json:"have,omitempty"`
}

// Type implements Message.
func (*RulesRequest) Type() string { return TypeRulesRequest }

func (m *RulesRequest) validate(p string) error { return optDigest(at(p, "have"), m.Have) }

// RuleFile is one file of the rule bundle: a CSV table or a scenario file,
// named by its path under assets/rules.
type RuleFile struct {
	Name string `json:"name"`
	Data string `json:"data"`
}

// RulesBundle carries the server's rule tables (server → client), in Parts
// frames numbered by Part from 0, files in name order over all parts.
// Digest is BundleDigest of all files; the client checks it (Assemble)
// before it uses any file.
type RulesBundle struct {
	Digest   string        `json:"digest"`
	Versions []RuleSetInfo `json:"versions"`
	Part     int           `json:"part"`
	Parts    int           `json:"parts"`
	Files    []RuleFile    `json:"files"`
}

// Type implements Message.
func (*RulesBundle) Type() string { return TypeRulesBundle }

func (m *RulesBundle) validate(p string) error {
	if err := first(
		needDigest(at(p, "digest"), m.Digest),
		count(at(p, "versions"), len(m.Versions), 1, MaxRuleFiles),
		count(at(p, "files"), len(m.Files), 0, MaxRuleFiles),
	); err != nil {
		return err
	}
	if m.Parts < 1 || m.Parts > MaxRuleFiles {
		return refuse(at(p, "parts"), "wire.value")
	}
	if m.Part < 0 || m.Part >= m.Parts {
		return refuse(at(p, "part"), "wire.value")
	}
	for i, v := range m.Versions {
		if err := v.validate(idx(at(p, "versions"), i)); err != nil {
			return err
		}
	}
	prev := ""
	for i, f := range m.Files {
		ip := idx(at(p, "files"), i)
		if !ruleFileName(f.Name) {
			return refuse(at(ip, "name"), "wire.value")
		}
		if f.Name <= prev {
			return refuse(at(ip, "name"), "wire.order")
		}
		prev = f.Name
	}
	return nil
}
