package provider

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/seed-ebba3aa9/terraform-provider-visionone/internal/client"
	"github.com/seed-ebba3aa9/terraform-provider-visionone/internal/emulator"
)

// The reliability suite's in-process part (`make test-reliability` runs it with the
// end-to-end part in internal/reliability). Every test asserts through the emulator's objects and
// counters.

// dropFirstCreate makes the emulator apply the first POST to createPath and then drop the
// connection instead of answering: the provider cannot know whether its create happened. Requests
// are served one at a time, so that the fault reaches that request alone: the provider's next
// request may arrive before the dropped one's handler has returned.
func dropFirstCreate(srv **emulator.Server, createPath string) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		var mu sync.Mutex
		fired := false
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			mu.Lock()
			defer mu.Unlock()
			if !fired && r.Method == http.MethodPost && r.URL.Path == createPath {
				fired = true
				(*srv).SetFaults(emulator.Faults{AfterWriteDropRate: 1})
				defer (*srv).SetFaults(emulator.Faults{})
			}
			next.ServeHTTP(w, r)
		})
	}
}

// TestAccReliability_ambiguousCreate creates one object of each resource type while the API
// creates it and then drops the answer. The provider must find the object instead of creating it
// again: one create request, one object, its id in state. For an API key the secret was in the
// lost answer, so the client deletes the key it made and creates it once more: the key in state
// has a value that authenticates, and no key is left behind.
func TestAccReliability_ambiguousCreate(t *testing.T) {
	skipInLiveMode(t, "fault injection")
	tests := map[string]struct {
		createPath string
		address    string
		config     string
		objects    string // the emulator's Stats.Objects key
		// creates is the number of create requests the emulator must have received.
		creates int
		deletes map[string]int
	}{
		"user role": {
			createPath: "/v3.0/iam/roles",
			address:    "visionone_user_role.test",
			config: `
resource "visionone_user_role" "test" {
  name        = "ambiguous"
  permissions = ["platform.userRoles.view"]
}
`,
			objects: "roles",
			creates: 1,
		},
		"account": {
			createPath: "/v3.0/iam/accounts",
			address:    testAccAccountAddr,
			config: `
resource "visionone_account" "test" {
  email = "ambiguous@example.com"
  role  = "Auditor"
}
`,
			objects: "accounts",
			creates: 1,
		},
		"api key": {
			createPath: "/v3.0/iam/apiKeys",
			address:    testAccAPIKeyAddr,
			config:     testAccAPIKeyConfig("ambiguous", "SIEM", "", true),
			objects:    "apiKeys",
			creates:    2,
			deletes:    map[string]int{"POST /v3.0/iam/apiKeys/delete": 1},
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			var srv *emulator.Server
			e := startEmulatorBehind(t, dropFirstCreate(&srv, tc.createPath))
			srv = e.Emulator()
			var id string
			checks := []statecheck.StateCheck{
				statecheck.ExpectKnownValue(tc.address, tfjsonpath.New("id"), captureString(&id)),
				emulatorCheck(func(context.Context) error {
					st := e.Stats()
					if st.FaultsInjected != 1 {
						return fmt.Errorf("the emulator dropped %d answers, want 1: the test did not make the create ambiguous", st.FaultsInjected)
					}
					if got := st.Requests["POST "+tc.createPath]; got != tc.creates {
						return fmt.Errorf("the emulator received %d create requests, want %d", got, tc.creates)
					}
					for key, want := range tc.deletes {
						if got := st.Requests[key]; got != want {
							return fmt.Errorf("the emulator received %d %s, want %d", got, key, want)
						}
					}
					if got := st.Objects[tc.objects]; got != 1 {
						return fmt.Errorf("the emulator holds %d %s, want exactly 1 (no duplicate, no orphan)", got, tc.objects)
					}
					t.Logf("ambiguous create (%s): 1 answer dropped after the write, %d create request(s), %d request(s) in all, 1 object",
						name, st.Requests["POST "+tc.createPath], requestCount(st))
					return nil
				}),
				emulatorCheck(func(ctx context.Context) error { return e.holdsID(ctx, tc.objects, id) }),
			}
			if tc.objects == "apiKeys" {
				checks = append(checks, statecheck.ExpectKnownValue(tc.address, tfjsonpath.New("value"), e.authenticates()))
			}
			resource.ParallelTest(t, resource.TestCase{
				PreCheck:                 func() { testAccPreCheck(t) },
				ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
				Steps: []resource.TestStep{
					{Config: e.providerConfig() + tc.config, ConfigStateChecks: checks},
				},
			})
		})
	}
}

// requestCount is the number of /v3.0 requests in st.
func requestCount(st emulator.Stats) int {
	n := 0
	for _, c := range st.Requests {
		n += c
	}
	return n
}

// holdsID reports an error unless the emulator holds an object of this kind ("roles", "accounts",
// "apiKeys") with this id.
func (e *testEmulator) holdsID(ctx context.Context, kind, id string) error {
	var err error
	switch kind {
	case "roles":
		_, err = e.API.GetRole(ctx, id)
	case "accounts":
		_, err = e.API.GetAccount(ctx, id, "")
	case "apiKeys":
		_, err = e.API.GetAPIKey(ctx, id)
	default:
		err = fmt.Errorf("unknown kind %q", kind)
	}
	if err != nil {
		return fmt.Errorf("the state's id %q is not an object of the API: %w", id, err)
	}
	return nil
}

// TestAccReliability_secretHygiene runs create, update, plan, import, failing applies and destroy
// of every resource type at TF_LOG=trace and searches every log line of Terraform, the provider
// and the emulator (Options.Logger) for the provider's key and for the created key's value. The
// provider logs each error diagnostic in full ("Response contains error diagnostic", with its
// detail), so the search covers every error message of the run as well. It sets environment
// variables, so it cannot run in parallel with other tests.
func TestAccReliability_secretHygiene(t *testing.T) {
	logDir := t.TempDir()
	t.Setenv("TF_LOG", "trace")
	t.Setenv("TF_ACC_LOG", "trace")
	t.Setenv("TF_LOG_PATH_MASK", filepath.Join(logDir, "%s.log"))
	var emulatorLog safeBuffer
	e := startEmulator(t, emulator.Options{Logger: &emulatorLog})
	// The provider gets its key from the environment, as in CI. Written into the configuration, it
	// would appear in terraform-plugin-testing's own trace of each step's configuration, which
	// is the test harness speaking, not Terraform or the provider.
	t.Setenv("VISIONONE_ENDPOINT", e.URL)
	t.Setenv("VISIONONE_API_KEY", e.AdminKey())
	permission := rolePermissionKeys(t, e, 1)[0]
	if _, err := e.API.CreateAPIKey(context.Background(), client.APIKeyCreate{Name: "taken in the console", Role: "SIEM"}); err != nil {
		t.Fatalf("creating a console key: %v", err)
	}
	config := func(description, extra string) string {
		return fmt.Sprintf(`
provider "visionone" {
  max_retries = 0
}

resource "visionone_user_role" "test" {
  name                          = "hygiene"
  description                   = %[1]q
  permissions                   = [%[2]q]
  allow_api_key_assignment      = true
  allow_user_account_assignment = true
}

resource "visionone_account" "test" {
  email       = "hygiene@example.com"
  role        = visionone_user_role.test.name
  description = %[1]q
}

resource "visionone_api_key" "test" {
  name        = "hygiene"
  role        = visionone_user_role.test.name
  description = %[1]q
}
%[3]s`, description, permission, extra)
	}
	var value string
	failEverything := emulator.Faults{ErrorRate: 1, Statuses: []int{http.StatusInternalServerError}}

	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy: func(*terraform.State) error {
			if n := e.Stats().Objects; n["roles"] != 0 || n["accounts"] != 0 || n["apiKeys"] != 1 {
				return fmt.Errorf("after destroy the emulator holds %v, want only the console's key", n)
			}
			return nil
		},
		Steps: []resource.TestStep{
			{
				Config: config("created", ""),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(testAccAPIKeyAddr, tfjsonpath.New("value"), captureString(&value)),
				},
			},
			{
				// Invited accounts cannot be changed until the user accepts
				// (API.md, "Decision: updates of invited accounts and SAML groups").
				PreConfig: func() { e.acceptInvitation(t, "hygiene@example.com") },
				Config:    config("updated", ""),
			},
			{Config: config("updated", ""), PlanOnly: true},
			{ResourceName: "visionone_user_role.test", ImportState: true, ImportStateVerify: true},
			{ResourceName: testAccAccountAddr, ImportState: true, ImportStateVerify: true},
			{ResourceName: testAccAPIKeyAddr, ImportState: true, ImportStateVerify: true, ImportStateVerifyIgnore: []string{"value"}},
			{
				// A create the API refuses: a key name that is taken.
				Config: config("updated", `
resource "visionone_api_key" "duplicate" {
  name = "taken in the console"
  role = "SIEM"
}
`),
				ExpectError: regexpText("API Key Already Exists", "taken in the console"),
			},
			{
				// Every request fails: the refresh's errors.
				PreConfig:   func() { e.SetFaults(failEverything) },
				Config:      config("failing", ""),
				ExpectError: regexpText("500"),
			},
			{
				PreConfig: func() { e.SetFaults(emulator.Faults{}) },
				Config:    config("updated", ""),
			},
		},
	})

	logs := emulatorLog.String()
	files, err := filepath.Glob(filepath.Join(logDir, "*"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no log file was written to %s (%v)", logDir, err)
	}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		logs += string(b)
	}
	// The search is only meaningful if the logs hold the provider's own trace of the work: each
	// resource's create, read, update and delete, and the error diagnostics.
	for _, want := range []string{
		"Creating API key", "Creating a Vision One user role", "inviting account",
		"PATCH /v3.0/iam/roles/", "PATCH /v3.0/iam/accounts/", "PATCH /v3.0/iam/apiKeys/",
		"DELETE /v3.0/iam/roles/", "DELETE /v3.0/iam/accounts/", "POST /v3.0/iam/apiKeys/delete",
		"ImportResourceState", "PlanResourceChange", "Response contains error diagnostic", "API Key Already Exists",
	} {
		if !strings.Contains(logs, want) {
			t.Fatalf("the logs (%d bytes) lack %q: they do not cover the run", len(logs), want)
		}
	}
	lines := strings.Split(logs, "\n")
	for name, secret := range map[string]string{"the provider's API key": e.AdminKey(), "the created key's value": value} {
		if len(secret) < 16 {
			t.Fatalf("%s is too short to search for (%q)", name, secret)
		}
		for _, line := range lines {
			if strings.Contains(line, secret) {
				// Show where, without repeating the secret in the test output.
				t.Errorf("%s appears in the logs: %s", name, strings.ReplaceAll(line, secret, "<SECRET>"))
			}
		}
	}
	t.Logf("secret hygiene: %d log lines (%d bytes, %d files and the emulator's log) searched for 2 secrets",
		len(lines), len(logs), len(files))
}

// safeBuffer is a strings.Builder the emulator's handlers may write from several goroutines.
type safeBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (s *safeBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *safeBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}
