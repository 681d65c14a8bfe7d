package main

import (
	"bufio"
	"io"
	"log/slog"
	"strings"
)

// smokeEnv, set to 1, lets the smoke test (.ci/smoke.sh) walk the client
// through its screens without a mouse: every line on standard input is
// one step, done as the caseworker's own action would do it. It adds no
// screen, button or shortcut, and without it standard input is not read.
//
//	open       open the first case of the list (Enter in the search field)
//	plan       show that case's Plan tab with its preview ("Forhåndsvis")
//	companies  show the company list (Alt+2)
//	company    open the first company of that list (Enter in its search)
//
// The client logs each screen as it is drawn (msg=screen name=case_list,
// case, plan_preview, company_list, company), and the script screenshots
// it then.
const smokeEnv = "FELTSAG_SMOKE"

// smokeClient is what the smoke steps do with the window (ui.Client).
type smokeClient interface {
	OpenFirst()
	ShowPlanPreview()
	ShowCompanyList()
	OpenFirstCompany()
}

// driveSmoke reads steps from r until it ends and does each on the Fyne
// goroutine through do (fyne.Do).
func driveSmoke(r io.Reader, c smokeClient, do func(func()), log *slog.Logger) {
	steps := map[string]func(){"open": c.OpenFirst, "plan": c.ShowPlanPreview,
		"companies": c.ShowCompanyList, "company": c.OpenFirstCompany}
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		step := strings.TrimSpace(sc.Text())
		if step == "" {
			continue
		}
		fn, ok := steps[step]
		if !ok {
			log.Warn("smoke: unknown step", "step", step)
			continue
		}
		log.Info("smoke", "step", step)
		do(fn)
	}
}
