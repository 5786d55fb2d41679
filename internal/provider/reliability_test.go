package provider

import (
	"context"
	"fmt"
	"net/http"
	"sync"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/seed-ebba3aa9/terraform-provider-visionone/internal/emulator"
)

// The reliability suite's in-process part (issue 8; `make test-reliability` runs it with the
// end-to-end part in internal/reliability). Every test asserts through the emulator's objects and
// counters.

// dropFirstCreate makes the emulator apply the first POST to createPath and then drop the
// connection instead of answering: the provider cannot know whether its create happened.
func dropFirstCreate(srv **emulator.Server, createPath string) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		var once sync.Once
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			fired := false
			if r.Method == http.MethodPost && r.URL.Path == createPath {
				once.Do(func() { fired = true })
			}
			if fired {
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
			srv = e.Server
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
		_, err = e.API.GetAccount(ctx, id)
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
