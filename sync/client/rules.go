package client

import (
	"errors"
	"strconv"

	"feltsag.dk/feltsag/app"
	"feltsag.dk/feltsag/sync/wire"
)

// Rule bundles (issue 9 §9, docs/protocol.md): the rule tables are data
// and travel. When the server's welcome names another bundle digest than
// the one the client runs, the engine asks for it (rules_request), joins
// and checks its parts (wire.Assemble: every part once, the digest of the
// files), and hands it to Options.OnRules, which validates it with the
// rule loader, keeps it and enforces it from then on. A bundle that fails
// any of this is refused: the old rules stay, sync goes on, and the same
// digest is not asked for again in this run.

// RuleBundle is a rule bundle the server served, its files checked
// against its digest.
type RuleBundle struct {
	Digest   string
	Versions []wire.RuleSetInfo
	Files    []wire.RuleFile
}

// KeyRulesMismatch says the bundle served is not the one the welcome
// announced.
const KeyRulesMismatch = "invalid.sync.rules_mismatch"

// updateRules fetches and installs the server's bundle when its digest
// differs from the client's. Only a broken connection ends the session;
// a refused bundle is logged and shown in Status.RulesRefused.
func (s *sess) updateRules(w *wire.Welcome) error {
	e := s.e
	if e.opts.OnRules == nil || w.RulesDigest == "" || w.RulesDigest == e.rulesDigest || w.RulesDigest == e.rulesRefused {
		return nil
	}
	id, err := s.ask(&wire.RulesRequest{Have: e.rulesDigest})
	if err != nil {
		return err
	}
	var parts []*wire.RulesBundle
	for {
		f, err := s.await(id)
		if err != nil {
			return err
		}
		b, ok := f.Body.(*wire.RulesBundle)
		if !ok {
			if m, ok := f.Body.(*wire.Error); ok {
				e.log.Warn("sync: rules_request refused", "err", app.Describe(&m.Error))
				return nil // asked again at the next welcome
			}
			return endWith(badAnswer(errors.New("rules_request answered with " + f.Body.Type())))
		}
		parts = append(parts, b)
		if len(parts) >= parts[0].Parts || len(parts) >= wire.MaxRuleFiles {
			break
		}
	}
	files, err := wire.Assemble(parts)
	if err == nil && parts[0].Digest != w.RulesDigest {
		err = app.Errorf(app.CodeInvalid, "", KeyRulesMismatch)
	}
	if err == nil {
		err = e.opts.OnRules(RuleBundle{Digest: parts[0].Digest, Versions: parts[0].Versions, Files: files})
	}
	if err != nil {
		ae := app.AsError(err)
		e.rulesRefused = w.RulesDigest
		e.log.Warn("sync: rule bundle refused; the rules in use stay", "digest", w.RulesDigest, "err", app.Describe(ae))
		e.update(func(st *Status) { st.RulesRefused = ae })
		return nil
	}
	e.rulesDigest = parts[0].Digest
	e.log.Info("sync: rule bundle installed", "digest", e.rulesDigest, "files", strconv.Itoa(len(files)))
	e.update(func(st *Status) { st.RulesDigest, st.RulesRefused = e.rulesDigest, nil })
	return nil
}
