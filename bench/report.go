package main

import (
	"fmt"
	"slices"
	"strings"
)

// phaseSummary is what one target did in one phase of a scenario. Times, memory, CPU and load are
// the median of the phase's repeats; the request counts are the most any repeat sent (repeats of a
// no-change plan send the same requests).
type phaseSummary struct {
	Runs                      int
	Seconds, Load1            float64
	PeakMiB, CPU              float64
	Requests, Writes, TooMany int
	ByType                    map[string]int // requests per type: roles, accounts, apiKeys
	ExitCode                  int            // the first non-zero exit code of the repeats
	Stderr                    string         // what that command wrote to stderr
}

// summarize sums up the measurements of target t in phase ph; ok is false when there are none.
func summarize(res scenarioResult, t, ph string) (s phaseSummary, ok bool) {
	var ms []measurement
	for _, m := range res.Measurements {
		if m.Target == t && m.Phase == ph {
			ms = append(ms, m)
		}
	}
	if len(ms) == 0 {
		return s, false
	}
	s = phaseSummary{Runs: len(ms), ByType: map[string]int{},
		Seconds: median(ms, func(m measurement) float64 { return m.Seconds }),
		Load1:   median(ms, func(m measurement) float64 { return m.Load1 }),
		PeakMiB: median(ms, func(m measurement) float64 { return float64(m.PeakRSSKiB) / 1024 }),
		CPU:     median(ms, func(m measurement) float64 { return m.ProviderCPUSeconds }),
	}
	for _, m := range ms {
		requests, writes := m.apiRequests()
		if requests > s.Requests {
			s.Requests, s.Writes = requests, writes
			s.ByType = requestsByType(m)
		}
		s.TooMany = max(s.TooMany, m.tooMany())
		if s.ExitCode == 0 && m.ExitCode != 0 {
			s.ExitCode, s.Stderr = m.ExitCode, m.Stderr
		}
	}
	return s, true
}

func requestsByType(m measurement) map[string]int {
	by := map[string]int{}
	for key, n := range m.Requests {
		_, path, _ := strings.Cut(key, " ")
		for _, t := range []string{"roles", "accounts", "apiKeys"} {
			if strings.HasPrefix(path, "/v3.0/iam/"+t) {
				by[t] += n
			}
		}
	}
	return by
}

func median(ms []measurement, f func(measurement) float64) float64 {
	vs := make([]float64, len(ms))
	for i, m := range ms {
		vs[i] = f(m)
	}
	slices.Sort(vs)
	if n := len(vs); n%2 == 0 {
		return (vs[n/2-1] + vs[n/2]) / 2
	}
	return vs[len(vs)/2]
}

// userError says whether an error reached the user: terraform's exit code and the first error line
// of its stderr, or "none".
func (s phaseSummary) userError() string {
	if s.ExitCode == 0 && s.Stderr == "" {
		return "none"
	}
	first := ""
	for line := range strings.Lines(s.Stderr) {
		if line = strings.Trim(strings.TrimSpace(line), "│╷╵ "); line != "" {
			first = line
			break
		}
	}
	if len(first) > 80 {
		first = first[:77] + "..."
	}
	return fmt.Sprintf("exit %d: %s", s.ExitCode, strings.ReplaceAll(first, "|", `\|`))
}

// tenantBound is the least time the tenant's limit allows for the requests it accepted (those not
// answered 429): requests ÷ limit per minute.
func tenantBound(s phaseSummary, perMinute int) float64 {
	if perMinute <= 0 {
		return 0
	}
	return float64(s.Requests-s.TooMany) * 60 / float64(perMinute)
}

// providerTargets are the providers measured in rep, the before one first.
func providerTargets(rep *report) []string {
	if _, ok := rep.Providers["before"]; ok {
		return []string{"before", "provider"}
	}
	return []string{"provider"}
}

// header is the first line of each section: when, where, under what load, with what.
func header(rep *report) string {
	lo, hi := 0.0, 0.0
	for i, m := range allMeasurements(rep) {
		if i == 0 || m.Load1 < lo {
			lo = m.Load1
		}
		hi = max(hi, m.Load1)
	}
	providers := "provider = " + rep.Providers["provider"]
	if before, ok := rep.Providers["before"]; ok {
		providers += "; before = " + before
	}
	return fmt.Sprintf("Run %s to %s on %d CPUs (%s), %s, %s, %s; load average (1 minute) %.1f to %.1f "+
		"over the commands. Emulator latency %d ms per request, terraform -parallelism=%d. %s.\n",
		rep.Started.Format("2006-01-02 15:04"), rep.Finished.Format("15:04 MST"), rep.Machine.CPUs, rep.Machine.CPUModel,
		rep.Machine.OS, rep.Machine.Go, rep.Machine.Terraform, lo, hi, rep.LatencyMS, rep.Parallelism, providers)
}

func allMeasurements(rep *report) []measurement {
	var all []measurement
	for _, res := range rep.Scenarios {
		all = append(all, res.Measurements...)
	}
	return all
}

// markdown renders the report as BENCHMARKS.md carries it between the bench markers: the mixed
// scenario's table for each provider, then one row per phase and provider of the other scenarios.
func markdown(rep *report) string {
	var b strings.Builder
	b.WriteString(header(rep))
	mixed := false
	for _, p := range providerTargets(rep) {
		mixed = mixedTable(&b, rep, p)
	}
	if mixed {
		b.WriteString("\nprotocol floor = the same configuration served by bench/protocolfloor: this provider's schemas, " +
			"every call for an object answered by terraform-plugin-go with no work, the least an external provider costs. " +
			"framework floor (floor) = the same configuration served by bench/floorprovider: this provider's schemas, served as the provider is, " +
			"with resources that do nothing, what the stack costs before any of the provider's own work. " +
			"ratio = provider ÷ baseline wall time. bound = baseline + requests × latency ÷ parallelism, " +
			"the reference of the apply and destroy targets (Terraform's own time overlaps the waits, so a phase can beat " +
			"it). Requests are those the emulator counted under /v3.0. load = the one-minute load average when the provider's command started.\n")
	}
	scenarioTable(&b, rep)
	return b.String()
}

// mixedTable writes the mixed scenario's table for one provider, if the scenario ran.
func mixedTable(b *strings.Builder, rep *report, provider string) bool {
	var rows []scenarioResult
	for _, res := range rep.Scenarios {
		if res.Scenario == "mixed" {
			rows = append(rows, res)
		}
	}
	if len(rows) == 0 {
		return false
	}
	fmt.Fprintf(b, "\n**mixed**, %s (%s):\n\n", provider, rep.Providers[provider])
	b.WriteString("| N (roles/accounts/keys) | phase | load | baseline s | protocol floor s | framework floor s | provider s | ratio | bound s | requests | per object | writes per object | requests by type (roles/accounts/keys) | provider peak MiB | floor peak MiB | provider CPU s | floor CPU s |\n")
	b.WriteString("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|---:|---:|---:|---:|\n")
	for _, res := range rows {
		for _, ph := range []string{"apply", "plan", "destroy"} {
			p, _ := summarize(res, provider, ph)
			base, _ := summarize(res, "baseline", ph)
			proto, _ := summarize(res, "protocol", ph)
			floor, _ := summarize(res, "floor", ph)
			// The lower bound of a phase: its requests, latency each, parallelism at a time, on top of
			// what Terraform itself costs (the baseline).
			bound := base.Seconds + float64(p.Requests)*float64(rep.LatencyMS)/1000/float64(rep.Parallelism)
			fmt.Fprintf(b, "| %d (%d/%d/%d) | %s | %.1f | %.1f | %.1f | %.1f | %.1f | %.2f | %.1f | %d | %.2f | %.2f | %d/%d/%d | %.0f | %.0f | %.1f | %.1f |\n",
				res.N, res.Mix.Roles, res.Mix.Accounts, res.Mix.APIKeys, ph, p.Load1, base.Seconds, proto.Seconds, floor.Seconds, p.Seconds,
				ratio(p.Seconds, base.Seconds), bound, p.Requests, perObject(p.Requests, res.N), perObject(p.Writes, res.N),
				p.ByType["roles"], p.ByType["accounts"], p.ByType["apiKeys"], p.PeakMiB, floor.PeakMiB, p.CPU, floor.CPU)
		}
	}
	return true
}

func scenarioTable(b *strings.Builder, rep *report) {
	var rows []string
	for _, res := range rep.Scenarios {
		if res.Scenario == "mixed" {
			continue
		}
		for _, ph := range phaseNames(res) {
			for _, provider := range providerTargets(rep) {
				if row, ok := scenarioRow(res, ph, provider); ok {
					rows = append(rows, row)
				}
			}
		}
	}
	if len(rows) == 0 {
		return
	}
	b.WriteString("\n**Scenarios** (keys and accounts take the predefined role " + benchRole + "):\n\n")
	b.WriteString("| scenario | N | phase | provider | load | s | baseline s | ÷ baseline | reference | requests | per object | writes | 429s | error reaching the user | peak MiB | CPU s |\n")
	b.WriteString("|---|---:|---|---|---:|---:|---:|---:|---|---:|---:|---:|---:|---|---:|---:|\n")
	for _, row := range rows {
		b.WriteString(row)
	}
	fmt.Fprintf(b, "\nThe rate-limited scenarios run with the provider's default settings against a tenant limit of %d "+
		"requests a minute; the others set `requests_per_minute = 100000`. ÷ baseline = seconds ÷ the same graph of "+
		"terraform_data in the same phase. reference: for the no-change plan, the framework floor's seconds and peak "+
		"memory and the provider's ratio to each; under a tenant limit, the tenant bound = (requests − 429s) ÷ the limit, "+
		"the least time the tenant allows, and the ratio to it. A phase run more than once (the no-change plans, "+
		"the rate-limited applies) is given as the median of its runs.\n", rep.TenantLimit)
}

// phaseNames lists the phases of res in the order they ran.
func phaseNames(res scenarioResult) []string {
	var names []string
	for _, m := range res.Measurements {
		if !slices.Contains(names, m.Phase) {
			names = append(names, m.Phase)
		}
	}
	return names
}

func scenarioRow(res scenarioResult, ph, provider string) (string, bool) {
	p, ok := summarize(res, provider, ph)
	if !ok {
		return "", false
	}
	base, _ := summarize(res, "baseline", ph)
	reference := "–"
	if floor, ok := summarize(res, "floor", ph); ok {
		reference = fmt.Sprintf("floor %.1f s (%.2f×), %.0f MiB (%.2f×)", floor.Seconds, ratio(p.Seconds, floor.Seconds),
			floor.PeakMiB, ratio(p.PeakMiB, floor.PeakMiB))
	} else if res.TenantLimit > 0 {
		bound := tenantBound(p, res.TenantLimit)
		reference = fmt.Sprintf("tenant bound %.1f s (%.2f×)", bound, ratio(p.Seconds, bound))
	}
	label := ph
	if p.Runs > 1 {
		label = fmt.Sprintf("%s (median of %d)", ph, p.Runs)
	}
	return fmt.Sprintf("| %s | %d | %s | %s | %.1f | %.1f | %.1f | %.2f | %s | %d | %.3f | %d | %d | %s | %.0f | %.1f |\n",
		res.Scenario, res.N, label, provider, p.Load1, p.Seconds, base.Seconds, ratio(p.Seconds, base.Seconds), reference,
		p.Requests, perObject(p.Requests, res.N), p.Writes, p.TooMany, p.userError(), p.PeakMiB, p.CPU), true
}

func perObject(count, n int) float64 { return ratio(float64(count), float64(n)) }

func ratio(a, b float64) float64 {
	if b == 0 {
		return 0
	}
	return a / b
}

// Marker pairs of the sections the run writes into BENCHMARKS.md.
const (
	benchMarkers   = "bench"
	targetsMarkers = "bench-targets"
)

// spliceMarkdown replaces the text between the markers <!-- name:start --> and <!-- name:end -->
// of doc with text.
func spliceMarkdown(doc, name, text string) (string, error) {
	startMark, endMark := "<!-- "+name+":start -->", "<!-- "+name+":end -->"
	i, j := strings.Index(doc, startMark), strings.Index(doc, endMark)
	if i < 0 || j < i {
		return "", fmt.Errorf("the markers %s and %s are missing", startMark, endMark)
	}
	return doc[:i+len(startMark)] + "\n" + text + doc[j:], nil
}
