package reliability

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	tfjson "github.com/hashicorp/terraform-json"

	"github.com/seed-ebba3aa9/terraform-provider-visionone/internal/client"
	"github.com/seed-ebba3aa9/terraform-provider-visionone/internal/emulator"
)

// providerSource is the provider's registry address, which the dev_overrides of the CLI
// configuration point at the binary built by TestMain.
const providerSource = "seed-ebba3aa9/visionone"

var (
	// terraformPath is the terraform CLI the tests run (TF_ACC_TERRAFORM_PATH or PATH).
	terraformPath string
	// cliConfigFile makes terraform use the freshly built provider and download nothing.
	cliConfigFile string
)

// TestMain builds the provider binary once, as `make build` does, and writes a CLI configuration
// whose dev_overrides serve it: these tests need a real `terraform apply` process, to interrupt it
// and to measure whole runs, which the in-process harness of terraform-plugin-testing cannot give.
func TestMain(m *testing.M) {
	if os.Getenv("TF_ACC") == "" {
		fmt.Println("reliability: TF_ACC is not set; the suite runs the terraform CLI, so it runs only with TF_ACC=1 (make test-reliability)")
		os.Exit(m.Run())
	}
	code, err := buildAndRun(m)
	if err != nil {
		fmt.Fprintln(os.Stderr, "reliability:", err)
		os.Exit(1)
	}
	os.Exit(code)
}

func buildAndRun(m *testing.M) (int, error) {
	terraformPath = os.Getenv("TF_ACC_TERRAFORM_PATH")
	if terraformPath == "" {
		p, err := exec.LookPath("terraform")
		if err != nil {
			return 0, fmt.Errorf("the terraform CLI is not on PATH (or TF_ACC_TERRAFORM_PATH): %w", err)
		}
		terraformPath = p
	}
	dir, err := os.MkdirTemp("", "visionone-reliability-")
	if err != nil {
		return 0, err
	}
	defer os.RemoveAll(dir)

	binDir := filepath.Join(dir, "bin")
	build := exec.Command("go", "build", "-o", filepath.Join(binDir, "terraform-provider-visionone"), "../..")
	build.Stdout, build.Stderr = os.Stdout, os.Stderr
	if err := build.Run(); err != nil {
		return 0, fmt.Errorf("building the provider: %w", err)
	}
	cliConfigFile = filepath.Join(dir, "terraformrc")
	cliConfig := fmt.Sprintf("disable_checkpoint = true\nprovider_installation {\n  dev_overrides {\n    %q = %q\n  }\n  direct {}\n}\n",
		providerSource, binDir)
	if err := os.WriteFile(cliConfigFile, []byte(cliConfig), 0o600); err != nil {
		return 0, err
	}
	return m.Run(), nil
}

// requireAcceptance stops a test when TF_ACC is unset, as terraform-plugin-testing does for every
// other acceptance test of the project.
func requireAcceptance(t *testing.T) {
	t.Helper()
	if os.Getenv("TF_ACC") == "" {
		t.Skip("acceptance test: set TF_ACC=1")
	}
}

// testEmulator is an emulator served over real HTTP for one test, with an admin client for
// looking at what exists.
type testEmulator struct {
	*emulator.Server
	URL string
	API *client.Client
}

// startEmulator serves a fresh emulator, optionally behind middleware, until t ends.
func startEmulator(t *testing.T, middleware func(http.Handler) http.Handler) *testEmulator {
	t.Helper()
	srv, err := emulator.New(emulator.Options{})
	if err != nil {
		t.Fatalf("starting the emulator: %v", err)
	}
	var h http.Handler = srv
	if middleware != nil {
		h = middleware(srv)
	}
	hs := httptest.NewServer(h)
	t.Cleanup(hs.Close)
	api, err := client.New(client.Config{Endpoint: hs.URL, APIKey: srv.AdminKey(), RequestsPerMinute: -1})
	if err != nil {
		t.Fatalf("building the admin client: %v", err)
	}
	return &testEmulator{Server: srv, URL: hs.URL, API: api}
}

// workspace is a terraform working directory whose provider talks to one emulator.
type workspace struct {
	t   *testing.T
	dir string
	emu *testEmulator
}

func newWorkspace(t *testing.T, emu *testEmulator) *workspace {
	t.Helper()
	return &workspace{t: t, dir: t.TempDir(), emu: emu}
}

// writeConfig writes main.tf: the provider block (the key comes from the environment, as in CI)
// followed by body.
func (w *workspace) writeConfig(providerArgs, body string) {
	w.t.Helper()
	config := fmt.Sprintf(`terraform {
  required_providers {
    visionone = {
      source = %q
    }
  }
}

provider "visionone" {
  endpoint = %q
%s
}
%s`, providerSource, w.emu.URL, providerArgs, body)
	if err := os.WriteFile(filepath.Join(w.dir, "main.tf"), []byte(config), 0o600); err != nil {
		w.t.Fatal(err)
	}
}

// command prepares a terraform command in the workspace.
func (w *workspace) command(args ...string) (*exec.Cmd, *bytes.Buffer) {
	cmd := exec.Command(terraformPath, args...)
	cmd.Dir = w.dir
	cmd.Env = append(os.Environ(),
		"TF_CLI_CONFIG_FILE="+cliConfigFile,
		"CHECKPOINT_DISABLE=1",
		"TF_IN_AUTOMATION=1",
		"VISIONONE_API_KEY="+w.emu.AdminKey(),
	)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	return cmd, &out
}

// run runs terraform to the end and returns its exit code and output.
func (w *workspace) run(args ...string) (int, string) {
	w.t.Helper()
	cmd, out := w.command(args...)
	err := cmd.Run()
	var exitErr *exec.ExitError
	switch {
	case err == nil:
		return 0, out.String()
	case errors.As(err, &exitErr):
		return exitErr.ExitCode(), out.String()
	default:
		w.t.Fatalf("running terraform %s: %v", strings.Join(args, " "), err)
		return 0, ""
	}
}

// apply runs `terraform apply` and returns whether it succeeded, and its output.
func (w *workspace) apply(extra ...string) (bool, string) {
	w.t.Helper()
	code, out := w.run(append([]string{"apply", "-input=false", "-no-color", "-auto-approve"}, extra...)...)
	return code == 0, out
}

// mustApply runs `terraform apply` and fails the test when it does not succeed.
func (w *workspace) mustApply(extra ...string) {
	w.t.Helper()
	if ok, out := w.apply(extra...); !ok {
		w.t.Fatalf("terraform apply failed:\n%s", out)
	}
}

// expectConverged runs a refreshing plan and fails unless it is empty: state, configuration and
// API agree.
func (w *workspace) expectConverged() {
	w.t.Helper()
	code, out := w.run("plan", "-input=false", "-no-color", "-detailed-exitcode")
	if code != 0 {
		w.t.Fatalf("the plan after the apply is not empty (exit code %d):\n%s", code, out)
	}
}

// destroy removes everything, so that a failing test leaves nothing behind in its emulator log.
func (w *workspace) destroy() {
	w.t.Helper()
	if code, out := w.run("destroy", "-input=false", "-no-color", "-auto-approve"); code != 0 {
		w.t.Fatalf("terraform destroy failed:\n%s", out)
	}
}

// stateObject is one managed object as the state records it.
type stateObject struct {
	address string
	id      string
	name    string // the role's or key's name, the account's email
	value   string // API keys: the secret
}

// state reads the state through `terraform show -json`, per resource type.
func (w *workspace) state() map[string][]stateObject {
	w.t.Helper()
	code, out := w.runQuiet("show", "-json", "-no-color")
	if code != 0 {
		w.t.Fatalf("terraform show failed:\n%s", out)
	}
	var st tfjson.State
	if err := json.Unmarshal([]byte(out), &st); err != nil {
		w.t.Fatalf("decoding the state: %v\n%s", err, out)
	}
	objects := map[string][]stateObject{}
	if st.Values == nil || st.Values.RootModule == nil {
		return objects
	}
	for _, r := range st.Values.RootModule.Resources {
		if r.Mode != tfjson.ManagedResourceMode {
			continue
		}
		str := func(k string) string { s, _ := r.AttributeValues[k].(string); return s }
		o := stateObject{address: r.Address, id: str("id"), name: str("name"), value: str("value")}
		if r.Type == "visionone_account" {
			o.name = str("email")
		}
		objects[r.Type] = append(objects[r.Type], o)
	}
	return objects
}

// runQuiet is run with stdout alone, for machine-readable output.
func (w *workspace) runQuiet(args ...string) (int, string) {
	w.t.Helper()
	cmd, _ := w.command(args...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		return 1, stderr.String() + stdout.String()
	}
	return 0, stdout.String()
}

// apiObject is one object as the emulator holds it.
type apiObject struct{ id, name string }

// apiObjects lists what the emulator holds, per resource type: custom roles, accounts and API
// keys (predefined roles are not Terraform's to manage).
func (e *testEmulator) apiObjects(t *testing.T) map[string][]apiObject {
	t.Helper()
	ctx := context.Background()
	objects := map[string][]apiObject{}
	roles, err := e.API.ListRoles(ctx, "")
	if err != nil {
		t.Fatalf("listing roles: %v", err)
	}
	for _, r := range roles {
		if r.Type == client.RoleTypeCustom {
			objects["visionone_user_role"] = append(objects["visionone_user_role"], apiObject{r.ID, r.Name})
		}
	}
	accounts, err := e.API.ListAccounts(ctx, "")
	if err != nil {
		t.Fatalf("listing accounts: %v", err)
	}
	for _, a := range accounts {
		objects["visionone_account"] = append(objects["visionone_account"], apiObject{a.ID, a.Email})
	}
	keys, err := e.API.ListAPIKeys(ctx, "")
	if err != nil {
		t.Fatalf("listing API keys: %v", err)
	}
	for _, k := range keys {
		objects["visionone_api_key"] = append(objects["visionone_api_key"], apiObject{k.ID, k.Name})
	}
	return objects
}

// resourceTypes are the managed resource types the suite compares.
var resourceTypes = []string{"visionone_user_role", "visionone_account", "visionone_api_key"}

// checkResult is what expectStateMatchesAPI counted, for the figures the tests report.
type checkResult struct {
	objects      int // objects compared between state and API
	keysVerified int // API key values that authenticated
	perType      map[string]int
}

// expectStateMatchesAPI compares the emulator's objects created since baseline with the state:
// the same ids and names, no duplicate name in the API (a create sent twice), no object the
// state does not know (an orphan), none that the state lists but the API lacks, and every API
// key value in state authenticates. want is the number of objects of each type the
// configuration declares.
func (w *workspace) expectStateMatchesAPI(baseline map[string][]apiObject, want map[string]int) checkResult {
	w.t.Helper()
	t := w.t
	state := w.state()
	api := w.emu.apiObjects(t)
	res := checkResult{perType: map[string]int{}}
	for _, typ := range resourceTypes {
		before := map[string]bool{}
		for _, o := range baseline[typ] {
			before[o.id] = true
		}
		apiIDs, apiNames := map[string]string{}, map[string]int{}
		for _, o := range api[typ] {
			if before[o.id] {
				continue
			}
			apiIDs[o.id] = o.name
			apiNames[o.name]++
		}
		for name, n := range apiNames {
			if n > 1 {
				t.Errorf("%s: the API holds %d objects named %q: a create was applied twice", typ, n, name)
			}
		}
		stateIDs := map[string]string{}
		for _, o := range state[typ] {
			stateIDs[o.id] = o.name
			apiName, ok := apiIDs[o.id]
			switch {
			case !ok:
				t.Errorf("%s: %s has id %q, which the API does not hold (the state lies)", typ, o.address, o.id)
			case apiName != o.name:
				t.Errorf("%s: %s is %q in state but %q in the API", typ, o.address, o.name, apiName)
			}
		}
		var orphans []string
		for id, name := range apiIDs {
			if _, ok := stateIDs[id]; !ok {
				orphans = append(orphans, fmt.Sprintf("%s (%s)", name, id))
			}
		}
		slices.Sort(orphans)
		if len(orphans) > 0 {
			t.Errorf("%s: %d object(s) in the API that no state records (orphans): %s", typ, len(orphans), strings.Join(orphans, ", "))
		}
		if len(stateIDs) != want[typ] || len(apiIDs) != want[typ] {
			t.Errorf("%s: %d in state and %d in the API, the configuration declares %d", typ, len(stateIDs), len(apiIDs), want[typ])
		}
		res.perType[typ] = len(apiIDs)
		res.objects += len(apiIDs)
	}
	for _, k := range state["visionone_api_key"] {
		if err := authenticates(w.emu.URL, k.value); err != nil {
			t.Errorf("visionone_api_key: the value of %s (%s) does not authenticate: %v", k.address, k.name, err)
			continue
		}
		res.keysVerified++
	}
	return res
}

// authenticates calls the API with key; nil means the key is accepted.
func authenticates(endpoint, key string) error {
	if key == "" {
		return errors.New("the state holds no value")
	}
	c, err := client.New(client.Config{Endpoint: endpoint, APIKey: key, RequestsPerMinute: -1, MaxRetries: client.NoRetries})
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	return c.CheckConnectivity(ctx)
}

// permissionKeys returns n permission keys of the emulator's catalog, for custom roles.
func (e *testEmulator) permissionKeys(t *testing.T, n int) []string {
	t.Helper()
	perms, err := e.API.ListPermissions(context.Background())
	if err != nil {
		t.Fatalf("listing permissions: %v", err)
	}
	keys := make([]string, 0, len(perms))
	for _, p := range perms {
		keys = append(keys, p.Key)
	}
	slices.Sort(keys)
	if len(keys) < n {
		t.Fatalf("the catalog has %d permissions, want %d", len(keys), n)
	}
	return keys[:n]
}

// hclList renders strings as an HCL list.
func hclList(values []string) string {
	quoted := make([]string, len(values))
	for i, v := range values {
		quoted[i] = fmt.Sprintf("%q", v)
	}
	return "[" + strings.Join(quoted, ", ") + "]"
}

// objectsConfig declares roles, accounts and keys with count: half the accounts and keys use a
// custom role of the same configuration, so the graph has dependencies as real ones do.
func objectsConfig(prefix string, roles, accounts, keys int, permissions []string) string {
	return fmt.Sprintf(`
resource "visionone_user_role" "r" {
  count                         = %[2]d
  name                          = "%[1]s-role-${count.index}"
  description                   = "reliability suite"
  permissions                   = %[5]s
  allow_api_key_assignment      = true
  allow_user_account_assignment = true
}

resource "visionone_account" "a" {
  count = %[3]d
  email = "%[1]s-user-${count.index}@example.com"
  role  = count.index %% 2 == 0 && count.index < %[2]d ? visionone_user_role.r[count.index].name : "Auditor"
}

resource "visionone_api_key" "k" {
  count = %[4]d
  name  = "%[1]s-key-${count.index}"
  role  = count.index %% 2 == 0 && count.index < %[2]d ? visionone_user_role.r[count.index].name : "SIEM"
}
`, prefix, roles, accounts, keys, hclList(permissions))
}

// requestTotal is the number of /v3.0 requests the emulator received.
func requestTotal(s emulator.Stats) int {
	n := 0
	for _, c := range s.Requests {
		n += c
	}
	return n
}

// responsesSummary renders the status counts in a stable order for the test log.
func responsesSummary(s emulator.Stats) string {
	codes := make([]string, 0, len(s.Responses))
	for code := range s.Responses {
		codes = append(codes, code)
	}
	slices.Sort(codes)
	parts := make([]string, len(codes))
	for i, code := range codes {
		parts[i] = fmt.Sprintf("%s×%d", code, s.Responses[code])
	}
	return strings.Join(parts, " ")
}
