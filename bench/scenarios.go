package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
)

// scenarioNames are the scenarios in the order a run takes them (BENCHMARKS.md describes each).
var scenarioNames = []string{"mixed", "keys", "keys-ratelimit", "accounts", "accounts-ratelimit", "import", "plan"}

// phase is one terraform command of a scenario, run for every target back to back.
type phase struct {
	Name     string // as reported: "apply", "plan", "import plan", "destroy"
	Command  string // "apply", "plan" or "destroy"
	NoChange bool   // a plan that must be empty
	// Tolerate records a failing command (exit code, stderr) as a result instead of ending the
	// run: under a tenant limit, whether an error reaches the user is one of the figures.
	Tolerate bool
}

var (
	applyPhase    = phase{Name: "apply", Command: "apply"}
	destroyPhase  = phase{Name: "destroy", Command: "destroy"}
	noChangePlan  = phase{Name: "plan", Command: "plan", NoChange: true}
	limitedApply  = phase{Name: "apply", Command: "apply", Tolerate: true}
	importPlan    = phase{Name: "import plan", Command: "plan"}
	importedApply = phase{Name: "apply", Command: "apply"}
)

// scenario is what runScenario runs: each phase for each target, back to back, every target
// against an emulator of its own.
type scenario struct {
	Name string
	N    int  // objects
	Mix  *mix // the mixed scenario's division of N into types
	// Targets besides the providers: "baseline" and the floors. The provider, and the before
	// provider when given, run every scenario.
	Targets []string
	// TenantLimit is the emulator's server-side limit in requests per minute (0: none).
	TenantLimit int
	Phases      []phase
	// ProviderConfig is the configuration of the providers and floors; made is what Setup made in
	// the target's emulator. BaselineConfig is the same graph of terraform_data resources.
	ProviderConfig func(made []string) string
	BaselineConfig string
	// Setup prepares the emulator of each provider before the first phase (nil: nothing to do).
	Setup func(ctx context.Context, e *emu, n int) ([]string, error)
	// LeavesNothing: the last phase destroys everything, so objects left over are a failure.
	LeavesNothing bool
	// Samples runs the phases this many times, each time on new tenants with empty states, and
	// the report gives the medians. The before provider takes the first sample only: its paced
	// applies take minutes each. 0 or 1: once.
	Samples int
}

// parseScenarios reads "mixed,keys" (commas or spaces); "all" is every scenario.
func parseScenarios(s string) ([]string, error) {
	chosen := map[string]bool{}
	for f := range strings.FieldsFuncSeq(s, func(r rune) bool { return r == ',' || r == ' ' }) {
		switch {
		case f == "all":
			for _, name := range scenarioNames {
				chosen[name] = true
			}
		case slices.Contains(scenarioNames, f):
			chosen[f] = true
		default:
			return nil, fmt.Errorf("unknown scenario %q: choose from all, %s", f, strings.Join(scenarioNames, ", "))
		}
	}
	if len(chosen) == 0 {
		return nil, errors.New("no scenario given")
	}
	var names []string
	for _, name := range scenarioNames {
		if chosen[name] {
			names = append(names, name)
		}
	}
	return names, nil
}

// scenarios turns the chosen names and sizes into scenarios.
func scenarios(cfg config) ([]scenario, error) {
	var out []scenario
	for _, name := range cfg.Scenarios {
		switch name {
		case "mixed":
			for _, n := range cfg.Sizes {
				out = append(out, mixedScenario(n, cfg.RequestsPerMinute))
			}
		case "keys":
			out = append(out, scenario{Name: name, N: cfg.Keys, Targets: []string{"baseline"},
				Phases:         []phase{applyPhase, destroyPhase},
				ProviderConfig: func([]string) string { return keysConfig(cfg.Keys, cfg.RequestsPerMinute) },
				BaselineConfig: keysBaseline(cfg.Keys), LeavesNothing: true})
		case "keys-ratelimit":
			out = append(out, scenario{Name: name, N: cfg.Keys, Targets: []string{"baseline"},
				TenantLimit: cfg.TenantLimit, Phases: []phase{limitedApply}, Samples: cfg.LimitedSamples,
				ProviderConfig: func([]string) string { return keysConfig(cfg.Keys, 0) },
				BaselineConfig: keysBaseline(cfg.Keys)})
		case "accounts":
			out = append(out, scenario{Name: name, N: cfg.Accounts, Targets: []string{"baseline"},
				Phases:         []phase{applyPhase},
				ProviderConfig: func([]string) string { return accountsConfig(cfg.Accounts, cfg.RequestsPerMinute) },
				BaselineConfig: accountsBaseline(cfg.Accounts)})
		case "accounts-ratelimit":
			out = append(out, scenario{Name: name, N: cfg.Accounts, Targets: []string{"baseline"},
				TenantLimit: cfg.TenantLimit, Phases: []phase{limitedApply}, Samples: cfg.LimitedSamples,
				ProviderConfig: func([]string) string { return accountsConfig(cfg.Accounts, 0) },
				BaselineConfig: accountsBaseline(cfg.Accounts)})
		case "import":
			out = append(out, scenario{Name: name, N: cfg.Imports, Targets: []string{"baseline"},
				Phases:         []phase{importPlan, importedApply},
				ProviderConfig: func(ids []string) string { return importConfig(ids, cfg.RequestsPerMinute) },
				BaselineConfig: keysBaseline(cfg.Imports), Setup: createKeysInConsole})
		case "plan":
			for _, n := range cfg.PlanSizes {
				out = append(out, scenario{Name: name, N: n, Targets: []string{"baseline", "floor"},
					Phases:         append([]phase{applyPhase}, slices.Repeat([]phase{noChangePlan}, cfg.PlanRepeat)...),
					ProviderConfig: func([]string) string { return keysConfig(n, cfg.RequestsPerMinute) },
					BaselineConfig: keysBaseline(n)})
			}
		default:
			return nil, fmt.Errorf("unknown scenario %q", name)
		}
	}
	return out, nil
}

func mixedScenario(n, requestsPerMinute int) scenario {
	m := mixOf(n)
	return scenario{Name: "mixed", N: n, Mix: &m, Targets: []string{"baseline", "protocol", "floor"},
		Phases:         []phase{applyPhase, noChangePlan, destroyPhase},
		ProviderConfig: func([]string) string { return mixedConfig(m, requestsPerMinute) },
		BaselineConfig: mixedBaseline(m), LeavesNothing: true}
}

// mix is how N objects divide into types in the mixed scenario: a few roles, many accounts and
// keys.
type mix struct{ Roles, Accounts, APIKeys int }

func mixOf(n int) mix {
	roles := min(max(1, n/100), 5)
	rest := max(n-roles, 0)
	return mix{Roles: roles, Accounts: (rest + 1) / 2, APIKeys: rest / 2}
}

// scenarioResult is every measurement of one scenario at one size.
type scenarioResult struct {
	Scenario     string        `json:"scenario"`
	N            int           `json:"n"`
	Mix          *mix          `json:"mix,omitempty"`
	TenantLimit  int           `json:"tenant_limit_per_minute,omitempty"`
	Measurements []measurement `json:"measurements"`
}

// runScenario runs every phase of sc for each of its targets back to back, so that all of them see
// the same machine load, each target with a configuration folder and an emulator of its own; and
// that again for each further sample.
func runScenario(ctx context.Context, cfg config, targets map[string]target, sc scenario) (scenarioResult, error) {
	res := scenarioResult{Scenario: sc.Name, N: sc.N, Mix: sc.Mix, TenantLimit: sc.TenantLimit}
	for sample := range max(sc.Samples, 1) {
		ms, err := runSample(ctx, cfg, targets, sc, sample)
		res.Measurements = append(res.Measurements, ms...)
		if err != nil {
			return res, err
		}
	}
	return res, nil
}

// runSample runs the phases of sc once, on new tenants; sample numbers the run from 0.
func runSample(ctx context.Context, cfg config, targets map[string]target, sc scenario, sample int) ([]measurement, error) {
	var runs []prepared
	for _, name := range append(slices.Clone(sc.Targets), "before", "provider") {
		t, ok := targets[name]
		if !ok || (name == "before" && sample > 0) {
			continue
		}
		r, err := prepare(ctx, cfg, t, sc, sample)
		if err != nil {
			return nil, err
		}
		defer r.e.close()
		runs = append(runs, r)
	}
	var ms []measurement
	labels := phaseLabels(sc.Phases)
	floorsHaveProviderState := false
	for i, ph := range sc.Phases {
		if ph.NoChange && !floorsHaveProviderState {
			if err := floorsTakeProviderState(runs); err != nil {
				return ms, err
			}
			floorsHaveProviderState = true
		}
		for _, r := range runs {
			cfg.Log("%s N=%d%s: %s %s", sc.Name, sc.N, sampleSuffix(sample, " sample "), r.t.Name, ph.Name)
			profileDir := ""
			if cfg.ProfileDir != "" && r.t.Bin != "" {
				profileDir = filepath.Join(cfg.ProfileDir, scenarioDir(sc, sample), r.t.Name+"-"+labels[i])
			}
			m, err := measure(ctx, cfg, r.e, r.t, r.dir, ph, profileDir)
			if err != nil {
				return ms, fmt.Errorf("%s %s: %w", r.t.Name, ph.Name, err)
			}
			ms = append(ms, m)
		}
	}
	if sc.LeavesNothing {
		return ms, checkNothingLeft(runs)
	}
	return ms, nil
}

// prepare gives target t of sc a tenant of its own (made ready by sc.Setup) and a folder with its
// configuration. The caller closes the tenant's emulator.
func prepare(ctx context.Context, cfg config, t target, sc scenario, sample int) (prepared, error) {
	e, err := startEmulator(ctx, cfg, sc.TenantLimit)
	if err != nil {
		return prepared{}, err
	}
	r := prepared{t: t, e: e, dir: filepath.Join(cfg.WorkDir, scenarioDir(sc, sample), t.Name)}
	text := sc.BaselineConfig
	if t.Name != "baseline" {
		var made []string
		if sc.Setup != nil && usesAPI(t.Name) {
			if made, err = sc.Setup(ctx, e, sc.N); err != nil {
				e.close()
				return prepared{}, fmt.Errorf("preparing the %s's tenant: %w", t.Name, err)
			}
		}
		text = sc.ProviderConfig(made)
	}
	if err = os.MkdirAll(r.dir, 0o755); err == nil {
		err = os.WriteFile(filepath.Join(r.dir, "main.tf"), []byte(text), 0o600)
	}
	if err != nil {
		e.close()
		return prepared{}, err
	}
	return r, nil
}

// scenarioDir names the folder of one sample of sc: "keys-500", then "keys-500-sample-2".
func scenarioDir(sc scenario, sample int) string {
	return fmt.Sprintf("%s-%d", sc.Name, sc.N) + sampleSuffix(sample, "-sample-")
}

// sampleSuffix is empty for the first sample, else sep and the sample's number from 1.
func sampleSuffix(sample int, sep string) string {
	if sample == 0 {
		return ""
	}
	return sep + strconv.Itoa(sample+1)
}

// checkNothingLeft fails when a provider's tenant still holds objects after the last phase.
func checkNothingLeft(runs []prepared) error {
	for _, r := range runs {
		objects := r.e.srv.Stats().Objects
		if left := objects["accounts"] + objects["apiKeys"] + objects["roles"]; usesAPI(r.t.Name) && left != 0 {
			return fmt.Errorf("the %s's destroy left objects behind: %v", r.t.Name, objects)
		}
	}
	return nil
}

// prepared is a target ready to run a scenario: its emulator and its Terraform directory.
type prepared struct {
	t   target
	e   *emu
	dir string
}

// floorsTakeProviderState gives each floor the provider's state before the no-change plans. A
// floor's own apply stores null for what only the API gives (a key's secret, its dates), so its
// state is about half the size of the provider's, and Terraform and the framework's decoding cost
// more for the larger state whoever the provider is. The floors echo any state they are given:
// planning the provider's very objects, they leave the provider's own work as the difference.
func floorsTakeProviderState(runs []prepared) error {
	var state []byte
	for _, r := range runs {
		if r.t.Name == "provider" {
			var err error
			if state, err = os.ReadFile(filepath.Join(r.dir, "terraform.tfstate")); err != nil {
				return fmt.Errorf("reading the provider's state for the floors: %w", err)
			}
		}
	}
	for _, r := range runs {
		if r.t.Name == "floor" || r.t.Name == "protocol" {
			if err := os.WriteFile(filepath.Join(r.dir, "terraform.tfstate"), state, 0o600); err != nil {
				return err
			}
		}
	}
	return nil
}

// phaseLabels names each phase for a directory, once per command: "import plan" becomes
// "import-plan", and a phase repeated (the no-change plans of the plan scenario) is numbered from
// its second run on ("plan", "plan-2", "plan-3"), so that no command reads another's profiles.
func phaseLabels(phases []phase) []string {
	labels := make([]string, len(phases))
	seen := map[string]int{}
	for i, ph := range phases {
		label := strings.ReplaceAll(ph.Name, " ", "-")
		if seen[label]++; seen[label] > 1 {
			label += "-" + strconv.Itoa(seen[label])
		}
		labels[i] = label
	}
	return labels
}

// createKeysInConsole makes n API keys in the emulator as a user would in the console, before
// Terraform knows of them, and returns their ids in order. Its requests precede the measured
// commands, so no figure counts them.
func createKeysInConsole(ctx context.Context, e *emu, n int) ([]string, error) {
	const batch = 100
	var ids []string
	for first := 0; first < n; first += batch {
		var items []map[string]string
		for i := first; i < min(first+batch, n); i++ {
			items = append(items, map[string]string{"name": keyName(i), "role": benchRole})
		}
		body, err := json.Marshal(items)
		if err != nil {
			return nil, err
		}
		req, err := http.NewRequestWithContext(ctx, http.MethodPost, e.url+"/v3.0/iam/apiKeys", bytes.NewReader(body))
		if err != nil {
			return nil, err
		}
		req.Header.Set("Authorization", "Bearer "+e.srv.AdminKey())
		req.Header.Set("Content-Type", "application/json")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			return nil, err
		}
		raw, err := io.ReadAll(resp.Body)
		_ = resp.Body.Close()
		if err != nil {
			return nil, err
		}
		var answers []struct {
			Status int `json:"status"`
			Body   struct {
				ID string `json:"id"`
			} `json:"body"`
		}
		// The answer carries the keys' secrets: an error quotes only statuses.
		if resp.StatusCode != http.StatusMultiStatus || json.Unmarshal(raw, &answers) != nil || len(answers) != len(items) {
			return nil, fmt.Errorf("creating API keys: HTTP %d with %d items for %d keys", resp.StatusCode, len(answers), len(items))
		}
		for i, a := range answers {
			if a.Status != http.StatusCreated || a.Body.ID == "" {
				return nil, fmt.Errorf("creating API key %q: item status %d", items[i]["name"], a.Status)
			}
			ids = append(ids, a.Body.ID)
		}
	}
	return ids, nil
}
