package main

import (
	"fmt"
	"strings"
)

// goal is one row of the targets table (BENCHMARKS.md, "Method"): a figure of one scenario, for each provider,
// against its target.
type goal struct {
	Scenario string
	Largest  bool // of a scenario run at several sizes, the largest (else the smallest)
	Measure  func(res scenarioResult) string
	Target   string
	// Value is the figure of provider in res, as text, and whether it meets the target; ok is false
	// when res lacks the provider's measurement.
	Value func(res scenarioResult, provider string) (text string, met, ok bool)
}

var goals = []goal{
	perObjectGoal("keys", "apply", "requests per key, create of %d keys", 0.15),
	perObjectGoal("keys", "destroy", "requests per key, destroy of %d keys", 0.15),
	perObjectGoal("import", "import plan", "requests per key, import plan of %d keys", 0.05),
	perObjectGoal("import", "apply", "requests per key, apply of that import", 0),
	perObjectGoal("plan", "plan", "requests per object, no-change plan of %d keys", 0.02),
	{
		Scenario: "keys-ratelimit", Target: "<= 3x",
		Measure: func(res scenarioResult) string {
			return fmt.Sprintf("apply of %d keys, tenant limit %d/min, default settings, ÷ terraform_data", res.N, res.TenantLimit)
		},
		Value: func(res scenarioResult, provider string) (string, bool, bool) {
			p, ok := summarize(res, provider, "apply")
			base, _ := summarize(res, "baseline", "apply")
			r := ratio(p.Seconds, base.Seconds)
			return fmt.Sprintf("%.1fx (%.1f s ÷ %.1f s)", r, p.Seconds, base.Seconds), r <= 3, ok
		},
	},
	{
		Scenario: "keys-ratelimit", Target: "<= 2% of requests, none reaching the user",
		Measure: func(scenarioResult) string { return "429 answers during that apply" },
		Value: func(res scenarioResult, provider string) (string, bool, bool) {
			p, ok := summarize(res, provider, "apply")
			share := ratio(float64(p.TooMany), float64(p.Requests))
			errs := p.userError()
			return fmt.Sprintf("%.1f%% (%d of %d), error reaching the user: %s", 100*share, p.TooMany, p.Requests, errs),
				share <= 0.02 && errs == "none", ok
		},
	},
	perObjectGoal("accounts", "apply", "requests per account, create of %d accounts (no batch API)", 1.05),
	{
		Scenario: "accounts-ratelimit", Target: "<= 1.2",
		Measure: func(res scenarioResult) string {
			return fmt.Sprintf("apply of %d accounts, tenant limit %d/min, default settings, ÷ (requests ÷ %d per min)",
				res.N, res.TenantLimit, res.TenantLimit)
		},
		Value: func(res scenarioResult, provider string) (string, bool, bool) {
			p, ok := summarize(res, provider, "apply")
			bound := tenantBound(p, res.TenantLimit)
			r := ratio(p.Seconds, bound)
			text := fmt.Sprintf("%.2f (%.0f s ÷ %.0f s)", r, p.Seconds, bound)
			if errs := p.userError(); errs != "none" {
				text += ", error reaching the user: " + errs
			}
			return text, r <= 1.2 && p.ExitCode == 0, ok
		},
	},
	{
		Scenario: "plan", Largest: true, Target: "<= 1.2",
		Measure: func(res scenarioResult) string {
			return fmt.Sprintf("no-change plan of %d keys ÷ framework floor, time", res.N)
		},
		Value: func(res scenarioResult, provider string) (string, bool, bool) {
			p, ok := summarize(res, provider, "plan")
			floor, _ := summarize(res, "floor", "plan")
			r := ratio(p.Seconds, floor.Seconds)
			return fmt.Sprintf("%.2f (%.1f s ÷ %.1f s)", r, p.Seconds, floor.Seconds), r <= 1.2, ok
		},
	},
	{
		Scenario: "plan", Largest: true, Target: "<= 1.2",
		Measure: func(res scenarioResult) string {
			return fmt.Sprintf("no-change plan of %d keys ÷ framework floor, peak RSS", res.N)
		},
		Value: func(res scenarioResult, provider string) (string, bool, bool) {
			p, ok := summarize(res, provider, "plan")
			floor, _ := summarize(res, "floor", "plan")
			r := ratio(p.PeakMiB, floor.PeakMiB)
			return fmt.Sprintf("%.2f (%.0f MiB ÷ %.0f MiB)", r, p.PeakMiB, floor.PeakMiB), r <= 1.2, ok
		},
	},
}

// perObjectGoal is the requests per object of one phase; a limit of 0 has no target (the row
// informs).
func perObjectGoal(scenario, phase, measure string, limit float64) goal {
	target := "–"
	if limit > 0 {
		target = fmt.Sprintf("<= %g", limit)
	}
	return goal{
		Scenario: scenario, Target: target,
		Measure: func(res scenarioResult) string {
			if strings.Contains(measure, "%d") {
				return fmt.Sprintf(measure, res.N)
			}
			return measure
		},
		Value: func(res scenarioResult, provider string) (string, bool, bool) {
			p, ok := summarize(res, provider, phase)
			v := perObject(p.Requests, res.N)
			return fmt.Sprintf("%.3f (%d requests)", v, p.Requests), limit == 0 || v <= limit, ok
		},
	}
}

// resultFor is the scenario's result the goal reads: of several sizes, the smallest or the largest.
func (g goal) resultFor(rep *report) (scenarioResult, bool) {
	var found scenarioResult
	ok := false
	for _, res := range rep.Scenarios {
		if res.Scenario != g.Scenario {
			continue
		}
		if !ok || (g.Largest && res.N > found.N) || (!g.Largest && res.N < found.N) {
			found, ok = res, true
		}
	}
	return found, ok
}

// targetsMarkdown renders the targets table: each figure for the before provider and
// the provider of the run, and whether the provider meets the target.
func targetsMarkdown(rep *report) string {
	var b strings.Builder
	b.WriteString(header(rep))
	b.WriteString("\n| Measure | Before | After | Target | met? |\n|---|---|---|---|---|\n")
	for _, g := range goals {
		res, ran := g.resultFor(rep)
		if !ran {
			fmt.Fprintf(&b, "| (scenario %s not run) | – | – | %s | – |\n", g.Scenario, g.Target)
			continue
		}
		before, after, met := "not measured", "not measured", "–"
		if text, _, ok := g.Value(res, "before"); ok {
			before = text
		}
		if text, ok2, ok := g.Value(res, "provider"); ok {
			after, met = text, "**no**"
			if ok2 {
				met = "yes"
			}
			if g.Target == "–" {
				met = "–"
			}
		}
		fmt.Fprintf(&b, "| %s | %s | %s | %s | %s |\n", g.Measure(res), before, after, g.Target, met)
	}
	b.WriteString("\nBefore = the provider given with -before-provider, After = the provider of the run, each in the same " +
		"scenarios back to back (see the method above). Request counts are exact; times are ratios within the run.\n")
	return b.String()
}
