package provider

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"regexp"
	"slices"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/compare"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
)

// hostileAnswer replaces or edits the emulator's answer to the requests it matches, once armed.
type hostileAnswer struct {
	// passThrough sends the request to the emulator first; otherwise the emulator never sees it.
	passThrough bool
	// once disarms the answer after its first use.
	once  bool
	armed atomic.Bool
	hits  atomic.Int64
	match func(*http.Request) bool
	// rewrite gets the emulator's own answer and writes what the client receives instead.
	rewrite func(w http.ResponseWriter, emulated *httptest.ResponseRecorder)
}

func (h *hostileAnswer) wrap(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !h.armed.Load() || !h.match(r) {
			next.ServeHTTP(w, r)
			return
		}
		if h.once {
			h.armed.Store(false)
		}
		h.hits.Add(1)
		rec := httptest.NewRecorder()
		if h.passThrough {
			next.ServeHTTP(rec, r)
		}
		h.rewrite(w, rec)
	})
}

// matchRequest matches requests of method ("": any) to a path that path matches.
func matchRequest(method string, path *regexp.Regexp) func(*http.Request) bool {
	return func(r *http.Request) bool {
		return (method == "" || r.Method == method) && path.MatchString(r.URL.Path)
	}
}

// answerWith writes a fixed answer, whatever the emulator said.
func answerWith(status int, contentType, body string) func(http.ResponseWriter, *httptest.ResponseRecorder) {
	return func(w http.ResponseWriter, _ *httptest.ResponseRecorder) {
		if contentType != "" {
			w.Header().Set("Content-Type", contentType)
		}
		w.WriteHeader(status)
		_, _ = w.Write([]byte(body))
	}
}

// editJSON passes the emulator's answer through edit, as decoded JSON.
func editJSON(edit func(any) any) func(http.ResponseWriter, *httptest.ResponseRecorder) {
	return func(w http.ResponseWriter, rec *httptest.ResponseRecorder) {
		var v any
		body := rec.Body.Bytes()
		if err := json.Unmarshal(body, &v); err == nil {
			body, _ = json.Marshal(edit(v))
		}
		passOn(w, rec, body)
	}
}

// passOn writes the emulator's answer rec with body instead of its own, and without the headers
// left out (the Content-Length, which body may change, always).
func passOn(w http.ResponseWriter, rec *httptest.ResponseRecorder, body []byte, leftOut ...string) {
	for k, vals := range rec.Header() {
		if k != "Content-Length" && !slices.Contains(leftOut, k) {
			w.Header()[k] = vals
		}
	}
	w.WriteHeader(rec.Code)
	_, _ = w.Write(body)
}

// bodyReplaced passes the emulator's answer on, its status and headers (the trace id among them),
// with body instead of its own.
func bodyReplaced(body string) func(http.ResponseWriter, *httptest.ResponseRecorder) {
	return func(w http.ResponseWriter, rec *httptest.ResponseRecorder) { passOn(w, rec, []byte(body)) }
}

// withoutETag passes the emulator's answer on without its ETag header.
func withoutETag(w http.ResponseWriter, rec *httptest.ResponseRecorder) {
	passOn(w, rec, rec.Body.Bytes(), "Etag")
}

// eachItem applies edit to every object of a JSON array.
func eachItem(edit func(map[string]any)) func(any) any {
	return func(v any) any {
		items, _ := v.([]any)
		for _, item := range items {
			if m, ok := item.(map[string]any); ok {
				edit(m)
			}
		}
		return v
	}
}

// setField sets key to value in a JSON object.
func setField(key string, value any) func(any) any {
	return func(v any) any {
		if m, ok := v.(map[string]any); ok {
			m[key] = value
		}
		return v
	}
}

// withoutField removes key from a JSON object and from every item of its items, as in a page of a
// listing.
func withoutField(key string) func(any) any {
	return func(v any) any {
		if m, ok := v.(map[string]any); ok {
			delete(m, key)
			eachItem(func(item map[string]any) { delete(item, key) })(m["items"])
		}
		return v
	}
}

// replaceField passes the emulator's answer on with every string or null value of field, wherever
// it is (an object, a list item, a 207 item's body), replaced by rawJSON.
func replaceField(field, rawJSON string) func(http.ResponseWriter, *httptest.ResponseRecorder) {
	value := regexp.MustCompile(`"` + regexp.QuoteMeta(field) + `"\s*:\s*("(?:[^"\\]|\\.)*"|null)`)
	return func(w http.ResponseWriter, rec *httptest.ResponseRecorder) {
		passOn(w, rec, value.ReplaceAll(rec.Body.Bytes(), []byte(`"`+field+`":`+rawJSON)))
	}
}

// withoutID passes the emulator's answer to a create on with its status but with neither body nor
// Location: a success that does not say which object it made.
func withoutID(w http.ResponseWriter, rec *httptest.ResponseRecorder) {
	w.WriteHeader(rec.Code)
	_, _ = w.Write([]byte("{}"))
}

// onlyID passes the emulator's answer to a create on with only the new object's id in its body.
func onlyID(w http.ResponseWriter, rec *httptest.ResponseRecorder) {
	var body struct {
		ID string `json:"id"`
	}
	_ = json.Unmarshal(rec.Body.Bytes(), &body)
	w.WriteHeader(rec.Code)
	_ = json.NewEncoder(w).Encode(body)
}

// onlyIDThenReads answers a create as onlyID does, and every other request it is given with this
// status and JSON body: the read-back of the object the create made, for one.
func onlyIDThenReads(status int, body string) func(http.ResponseWriter, *httptest.ResponseRecorder) {
	return func(w http.ResponseWriter, rec *httptest.ResponseRecorder) {
		if rec.Code == http.StatusCreated {
			onlyID(w, rec)
			return
		}
		answerWith(status, "application/json", body)(w, rec)
	}
}

// lagging answers a create (201) with the new object's id alone, a listing with no items, and any
// other read with a 404 and body: a new object that the API does not show yet.
func lagging(body string) func(http.ResponseWriter, *httptest.ResponseRecorder) {
	return func(w http.ResponseWriter, rec *httptest.ResponseRecorder) {
		switch {
		case rec.Code == http.StatusCreated:
			onlyID(w, rec)
		case strings.Contains(rec.Body.String(), `"items"`):
			answerWith(http.StatusOK, "application/json", `{"items": [], "count": 0, "totalCount": 0}`)(w, rec)
		default:
			answerWith(http.StatusNotFound, "application/json", body)(w, rec)
		}
	}
}

// roleRead matches the read of one role, and not of the permission catalog beside the roles.
func roleRead(r *http.Request) bool {
	return r.Method == http.MethodGet && roleByID.MatchString(r.URL.Path) && r.URL.Path != "/v3.0/iam/roles/permissionKeys"
}

// roleCreateOrRead matches the create of a role and the read of one.
func roleCreateOrRead(r *http.Request) bool {
	return matchRequest(http.MethodPost, roles)(r) || roleRead(r)
}

var (
	roles       = regexp.MustCompile(`^/v3\.0/iam/roles$`)
	roleByID    = regexp.MustCompile(`^/v3\.0/iam/roles/[^/]+$`)
	accountByID = regexp.MustCompile(`^/v3\.0/iam/accounts/[^/]+$`)
	apiKeys     = regexp.MustCompile(`^/v3\.0/iam/apiKeys$`)
	// apiKeysAndKey: the list and the create of API keys, and one key.
	apiKeysAndKey = regexp.MustCompile(`^/v3\.0/iam/apiKeys(/[^/]+)?$`)
	accounts      = regexp.MustCompile(`^/v3\.0/iam/accounts$`)
)

// TestAccReliability_hostileAnswers puts a rewriting handler between the provider and the
// emulator and serves answers a broken gateway or a newer API might give: truncated JSON, an HTML
// error page, an empty 401, a 207 whose item failed, dates in a form nobody documents, enum values
// the provider does not know and a huge page. Each must end in a clear error that names what was being done, or be handled
// gracefully; a panic fails the run (Terraform reports "The plugin encountered an error").
func TestAccReliability_hostileAnswers(t *testing.T) {
	const role = `
resource "visionone_user_role" "test" {
  name        = "hostile"
  permissions = ["platform.userRoles.view"]
}
`
	const account = `
resource "visionone_account" "test" {
  email = "hostile@example.com"
  role  = "Auditor"
}
`
	tests := map[string]struct {
		config string
		// created first, before the hostile answer is armed; empty: the hostile answer comes at once
		setup  string
		answer *hostileAnswer
		// wantError is the error of the step with the hostile answer, as regexpText's texts; nil:
		// the step must succeed
		wantError   []string
		planCheck   []plancheck.PlanCheck
		stateChecks []statecheck.StateCheck
	}{
		"truncated JSON": {
			setup: role,
			answer: &hostileAnswer{passThrough: true, match: matchRequest(http.MethodGet, roleByID), rewrite: func(w http.ResponseWriter, rec *httptest.ResponseRecorder) {
				body := rec.Body.Bytes()
				passOn(w, rec, body[:len(body)/2])
			}},
			config: role,
			wantError: []string{"Error Reading User Role", `Reading the user role "hostile"`, "GET /v3.0/iam/roles/",
				"the 200 answer could not be used: its body could not be read: unexpected end of JSON input [trace id ",
				"Run the command again. If it persists, check that any proxy or gateway", "otherwise Vision One's answers have changed"},
		},
		"HTML error page": {
			setup: role,
			answer: &hostileAnswer{match: matchRequest(http.MethodGet, roleByID),
				rewrite: answerWith(http.StatusBadGateway, "text/html", "<html><head><title>502 Bad Gateway</title></head><body><h1>Bad Gateway</h1></body></html>")},
			config:    role,
			wantError: []string{"Error Reading User Role", `Reading the user role "hostile"`, "502 Bad Gateway", "Vision One had a problem answering", "try again later"},
		},
		"empty 401": {
			answer:    &hostileAnswer{match: func(*http.Request) bool { return true }, rewrite: answerWith(http.StatusUnauthorized, "", "")},
			config:    role,
			wantError: []string{"Vision One API Key Refused", "GET /v3.0/healthcheck/connectivity: 401 Unauthorized", "Vision One refused the provider's API key"},
		},
		"207 with a failed item": {
			answer: &hostileAnswer{match: matchRequest(http.MethodPost, apiKeys),
				rewrite: answerWith(http.StatusMultiStatus, "application/json",
					`[{"status": 400, "body": {"error": {"code": "BadRequest", "message": "The role cannot be assigned to API keys."}}}]`)},
			config:    testAccAPIKeyConfig("hostile", "SIEM", "", true),
			wantError: []string{"Error Creating API Key", `Creating API key "hostile" with role "SIEM": POST /v3.0/iam/apiKeys item "hostile": 400 BadRequest: The role cannot be assigned to API keys.`},
		},
		"207 items without a status": {
			// The key's value and id are there: the key is created whatever its status says.
			answer: &hostileAnswer{passThrough: true, match: matchRequest(http.MethodPost, apiKeys),
				rewrite: editJSON(eachItem(func(item map[string]any) { delete(item, "status") }))},
			config: testAccAPIKeyConfig("hostile", "SIEM", "", true),
			stateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(testAccAPIKeyAddr, tfjsonpath.New("value"), knownvalue.NotNull()),
			},
		},
		"207 success without the key's value": {
			// The key exists, its secret did not arrive: the client deletes it (with max_retries = 0
			// it does not create it again), so that the next apply, with the API's own answer,
			// creates the key rather than finding its name taken.
			answer: &hostileAnswer{passThrough: true, match: matchRequest(http.MethodPost, apiKeys),
				rewrite: editJSON(eachItem(func(item map[string]any) {
					if body, ok := item["body"].(map[string]any); ok {
						delete(body, "value")
					}
				}))},
			config: testAccAPIKeyConfig("hostile", "SIEM", "", true),
			wantError: []string{"Error Creating API Key",
				`Creating API key "hostile" with role "SIEM": POST /v3.0/iam/apiKeys item "hostile": the 207 answer could not be used: item status 201 without the new key's value [trace id `,
				"The API keys this create may have made were deleted", "applying again creates them afresh"},
		},
		"unreadable API key expiry": {
			// An expiry in a form nobody documents, in the create answer and in every read: the
			// key is created with its value in the state, and its expiry is null (with a warning).
			answer: &hostileAnswer{passThrough: true, match: matchRequest("", apiKeysAndKey),
				rewrite: replaceField("expiredDateTime", `"06/02/2025 10:00"`)},
			config: testAccAPIKeyConfig("hostile", "SIEM", "", true),
			stateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(testAccAPIKeyAddr, tfjsonpath.New("value"), knownvalue.NotNull()),
				statecheck.ExpectKnownValue(testAccAPIKeyAddr, tfjsonpath.New("expires_at"), knownvalue.Null()),
				statecheck.ExpectKnownValue(testAccAPIKeyAddr, tfjsonpath.New("role"), knownvalue.StringExact("SIEM")),
				// Not read back after the create: the time of the create's answer stands for it.
				statecheck.ExpectKnownValue(testAccAPIKeyAddr, tfjsonpath.New("created_at"), knownvalue.StringRegexp(rfc3339Pattern)),
			},
		},
		"unreadable role date": {
			setup:     role,
			answer:    &hostileAnswer{passThrough: true, match: matchRequest(http.MethodGet, roleByID), rewrite: replaceField("lastUpdatedDateTime", "1738836000")},
			config:    role,
			planCheck: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
			stateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("visionone_user_role.test", tfjsonpath.New("last_updated_at"), knownvalue.Null()),
			},
		},
		"unknown account status": {
			setup:     account,
			answer:    &hostileAnswer{passThrough: true, match: matchRequest(http.MethodGet, accountByID), rewrite: editJSON(setField("status", "suspended"))},
			config:    account,
			planCheck: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
			stateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(testAccAccountAddr, tfjsonpath.New("status"), knownvalue.StringExact("suspended")),
			},
		},
		"unknown API key status": {
			// A status from a newer API is not read as disabled: the plan would otherwise enable the
			// key again on every run. The visionone_api_keys data source reads it the same way.
			setup: testAccAPIKeyConfig("hostile", "SIEM", "", true),
			answer: &hostileAnswer{passThrough: true, match: matchRequest(http.MethodGet, apiKeysAndKey),
				rewrite: replaceField("status", `"suspended"`)},
			config: testAccAPIKeyConfig("hostile", "SIEM", "", true) + `
data "visionone_api_keys" "named" {
  name = "hostile"
}
`,
			planCheck: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
			stateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(testAccAPIKeyAddr, tfjsonpath.New("enabled"), knownvalue.Bool(true)),
				statecheck.ExpectKnownValue("data.visionone_api_keys.named", tfjsonpath.New("api_keys"), knownvalue.ListExact([]knownvalue.Check{
					knownvalue.ObjectPartial(map[string]knownvalue.Check{"status": knownvalue.StringExact("suspended"), "enabled": knownvalue.Bool(true)}),
				})),
			},
		},
		"unknown account auth type": {
			setup: account,
			// The refresh reads an auth type from a newer API; the configuration says local (the
			// default), which the plan shows as a replacement, and the new account is local.
			answer:    &hostileAnswer{passThrough: true, once: true, match: matchRequest(http.MethodGet, accountByID), rewrite: editJSON(setField("authType", "oidc"))},
			config:    account,
			planCheck: []plancheck.PlanCheck{plancheck.ExpectResourceAction(testAccAccountAddr, plancheck.ResourceActionDestroyBeforeCreate)},
			stateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(testAccAccountAddr, tfjsonpath.New("auth_type"), knownvalue.StringExact("local")),
			},
		},
		"unknown role type": {
			setup:     role,
			answer:    &hostileAnswer{passThrough: true, match: matchRequest(http.MethodGet, roleByID), rewrite: editJSON(setField("type", "managed"))},
			config:    role,
			planCheck: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
			stateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("visionone_user_role.test", tfjsonpath.New("type"), knownvalue.StringExact("managed")),
			},
		},
		"role not read back after its create": {
			// The create's answer describes the role: it is saved, with a warning, and not tainted
			// (the next plan, with the API's own answers, is empty).
			answer:      &hostileAnswer{once: true, match: roleRead, rewrite: answerWith(http.StatusNotFound, "application/json", `{"error": {"code": "NotFound", "message": "replication lag"}}`)},
			config:      role,
			stateChecks: []statecheck.StateCheck{statecheck.ExpectKnownValue("visionone_user_role.test", tfjsonpath.New("id"), knownvalue.NotNull())},
		},
		"role read back after its create as its permission keys alone": {
			// Not the role: it is saved as the create's answer described it, with its id and a
			// warning, and not tainted (the next plan, with the API's own answers, is empty).
			answer: &hostileAnswer{passThrough: true, once: true, match: roleRead, rewrite: bodyReplaced(`{"permissionKeys": []}`)},
			config: role,
			stateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("visionone_user_role.test", tfjsonpath.New("id"), knownvalue.StringRegexp(regexp.MustCompile(`^[0-9a-f-]{36}$`))),
				statecheck.ExpectKnownValue("visionone_user_role.test", tfjsonpath.New("permissions"), knownvalue.SetSizeExact(1)),
			},
		},
		"role not read back after a create answered with its id alone": {
			// The role is saved as the request described it, and tainted: the last step replaces it
			// (a role lost from the state would fail it, its name taken).
			answer: &hostileAnswer{passThrough: true, match: roleCreateOrRead,
				rewrite: onlyIDThenReads(http.StatusForbidden, `{"error": {"code": "AccessDenied", "message": "no View permission"}}`)},
			config:    role,
			wantError: []string{"Error Reading User Role", `The user role "hostile" was created with id`, "recorded in the state", "marks it tainted", "403"},
		},
		"role not found on its read-back after a create answered with its id alone": {
			// Vision One may not show a new role at once (API.md, "Decision: role write answers"),
			// neither to its read nor in the listing: the 404 is no role deleted outside Terraform.
			answer: &hostileAnswer{passThrough: true, match: func(r *http.Request) bool {
				return roleCreateOrRead(r) || matchRequest(http.MethodGet, roles)(r)
			}, rewrite: lagging(`{"error": {"code": "NotFound", "message": "replication lag"}}`)},
			config:    role,
			wantError: []string{"Error Reading User Role", "marks it tainted", "404", "Vision One may not show a new role at once"},
		},
		"role not found on its read-back, but listed": {
			// The read of one role answered 404 while the listing shows the role, as on a tenant
			// without that endpoint (API.md, "Decision: older role endpoints"): it is read from the
			// listing.
			answer: &hostileAnswer{passThrough: true, match: roleCreateOrRead,
				rewrite: onlyIDThenReads(http.StatusNotFound, `{"error": {"code": "NotFound", "message": "no such route"}}`)},
			config:      role,
			stateChecks: []statecheck.StateCheck{statecheck.ExpectKnownValue("visionone_user_role.test", tfjsonpath.New("id"), knownvalue.NotNull())},
		},
		"role create answered without its id": {
			answer:      &hostileAnswer{passThrough: true, match: matchRequest(http.MethodPost, roles), rewrite: withoutID},
			config:      role,
			stateChecks: []statecheck.StateCheck{statecheck.ExpectKnownValue("visionone_user_role.test", tfjsonpath.New("id"), knownvalue.NotNull())},
		},
		"invitation answered without its id": {
			answer:      &hostileAnswer{passThrough: true, match: matchRequest(http.MethodPost, accounts), rewrite: withoutID},
			config:      account,
			stateChecks: []statecheck.StateCheck{statecheck.ExpectKnownValue(testAccAccountAddr, tfjsonpath.New("id"), knownvalue.NotNull())},
		},
		"large page": {
			// 5,000 items in one page where the API sends at most 200: read, all of them.
			answer: &hostileAnswer{match: matchRequest(http.MethodGet, accounts), rewrite: accountsPage(5000, 100)},
			config: `data "visionone_accounts" "all" {}`,
			stateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("data.visionone_accounts.all", tfjsonpath.New("accounts"), knownvalue.ListSizeExact(5000)),
			},
		},
		"huge page": {
			// 18 MB: more than any API answer, refused with a clear error rather than decoded.
			answer:    &hostileAnswer{match: matchRequest(http.MethodGet, accounts), rewrite: accountsPage(20000, 800)},
			config:    `data "visionone_accounts" "all" {}`,
			wantError: []string{"Error Listing Accounts", "GET /v3.0/iam/accounts", "the 200 answer is larger than 16 MB"},
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			answer := tc.answer
			e := startEmulatorBehind(t, answer.wrap)
			// The last step applies the configuration with the API's own answers.
			if strings.Contains(tc.config, `resource "visionone_user_role"`) || strings.Contains(tc.config, `resource "visionone_account"`) {
				e.requireMasterAdministrator("create the role or account that the hostile answer is about")
			}
			// Every object is named "hostile", or hostile@example.com: give it the test's prefix.
			named := strings.NewReplacer(`"hostile`, `"`+e.name("hostile")).Replace
			var wantError *regexp.Regexp
			if tc.wantError != nil {
				texts := make([]string, len(tc.wantError))
				for i, text := range tc.wantError {
					texts[i] = named(text)
				}
				wantError = regexpText(texts...)
			}
			provider := e.providerConfigWith("  max_retries = 0\n")
			var steps []resource.TestStep
			if tc.setup != "" {
				steps = append(steps, resource.TestStep{Config: provider + named(tc.setup)})
			}
			steps = append(steps, resource.TestStep{
				PreConfig:         func() { answer.armed.Store(true) },
				Config:            provider + named(tc.config),
				ExpectError:       wantError,
				ConfigPlanChecks:  resource.ConfigPlanChecks{PreApply: tc.planCheck},
				ConfigStateChecks: tc.stateChecks,
			})
			steps = append(steps, resource.TestStep{
				PreConfig: func() {
					if answer.hits.Load() == 0 {
						t.Fatal("the hostile answer was never served")
					}
					answer.armed.Store(false)
				},
				Config: provider + named(tc.config),
			})
			resource.ParallelTest(t, resource.TestCase{
				PreCheck:                 func() { testAccPreCheck(t) },
				ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
				Steps:                    steps,
			})
			t.Logf("hostile answer (%s): served %d time(s)", name, answer.hits.Load())
		})
	}
}

// TestAccReliability_readAnswersThatAreNotTheObject: a gateway answers the refresh's read of a
// role, an API key or an account with a 200 whose body is not the object (`{}`). The refresh fails
// with the client's unusable-answer error and leaves the state as it was: the object keeps its id,
// and the next plan, with the API's own answers, is empty (nothing is created again, nothing was
// removed from the state as deleted).
func TestAccReliability_readAnswersThatAreNotTheObject(t *testing.T) {
	const emptyObject = "its body is an empty object, not the object asked for [trace id "
	tests := map[string]struct {
		config, address string
		read            func(*http.Request) bool
		wantError       []string
	}{
		"user role": {
			config: `
resource "visionone_user_role" "test" {
  name        = "hostile"
  permissions = ["platform.userRoles.view"]
}
`,
			address:   "visionone_user_role.test",
			read:      roleRead,
			wantError: []string{"Error Reading User Role", `Reading the user role "hostile"`, "GET /v3.0/iam/roles/", emptyObject},
		},
		"API key": {
			config:    testAccAPIKeyConfig("hostile", "SIEM", "", true),
			address:   testAccAPIKeyAddr,
			read:      matchRequest(http.MethodGet, regexp.MustCompile(`^/v3\.0/iam/apiKeys/[^/]+$`)),
			wantError: []string{"Error Reading API Key", "GET /v3.0/iam/apiKeys/", emptyObject},
		},
		"account": {
			config: `
resource "visionone_account" "test" {
  email = "hostile@example.com"
  role  = "Auditor"
}
`,
			address:   testAccAccountAddr,
			read:      matchRequest(http.MethodGet, accountByID),
			wantError: []string{"Error Reading Account", "Reading the account hostile@example.com", "GET /v3.0/iam/accounts/", emptyObject},
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			answer := &hostileAnswer{passThrough: true, match: tc.read, rewrite: bodyReplaced(`{}`)}
			e := startEmulatorBehind(t, answer.wrap)
			if tc.address != testAccAPIKeyAddr {
				e.requireMasterAdministrator("create the role or account whose read is answered with {}")
			}
			named := strings.NewReplacer(`"hostile`, `"`+e.name("hostile"), " hostile", " "+e.name("hostile")).Replace
			texts := make([]string, len(tc.wantError))
			for i, text := range tc.wantError {
				texts[i] = named(text)
			}
			config := e.providerConfigWith("  max_retries = 0\n") + named(tc.config)
			sameID := statecheck.CompareValue(compare.ValuesSame())
			resource.ParallelTest(t, resource.TestCase{
				PreCheck:                 func() { testAccPreCheck(t) },
				ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
				Steps: []resource.TestStep{
					{
						Config:            config,
						ConfigStateChecks: []statecheck.StateCheck{sameID.AddStateValue(tc.address, tfjsonpath.New("id"))},
					},
					{
						PreConfig:    func() { answer.armed.Store(true) },
						RefreshState: true,
						ExpectError:  regexpText(texts...),
					},
					{
						PreConfig: func() {
							if answer.hits.Load() == 0 {
								t.Fatal("the answer {} was never served")
							}
							answer.armed.Store(false)
						},
						Config:           config,
						ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
						ConfigStateChecks: []statecheck.StateCheck{
							sameID.AddStateValue(tc.address, tfjsonpath.New("id")),
							statecheck.ExpectKnownValue(tc.address, tfjsonpath.New("id"), knownvalue.StringRegexp(regexp.MustCompile(`^[0-9a-f-]{36}$`))),
						},
					},
				},
			})
		})
	}
}

// TestAccReliability_updateReadBackThatIsNotTheObject: the read-back after a role's update is
// answered `null`. The update fails with the client's unusable-answer error, the role keeps its id
// in the state, and the next plan, with the API's own answers, finds the update applied.
func TestAccReliability_updateReadBackThatIsNotTheObject(t *testing.T) {
	var patched atomic.Bool
	answer := &hostileAnswer{passThrough: true, once: true, rewrite: bodyReplaced(`null`),
		match: func(r *http.Request) bool {
			if r.Method == http.MethodPatch {
				patched.Store(true)
			}
			return patched.Load() && roleRead(r)
		}}
	e := startEmulatorBehind(t, answer.wrap)
	e.requireMasterAdministrator("create and update a role, whose control flags default to true")
	config := func(description string) string {
		return e.providerConfigWith("  max_retries = 0\n") + fmt.Sprintf(`
resource "visionone_user_role" "test" {
  name        = %q
  description = %q
  permissions = ["platform.userRoles.view"]
}
`, e.name("hostile"), description)
	}
	const address = "visionone_user_role.test"
	sameID := statecheck.CompareValue(compare.ValuesSame())
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config:            config("before"),
				ConfigStateChecks: []statecheck.StateCheck{sameID.AddStateValue(address, tfjsonpath.New("id"))},
			},
			{
				PreConfig: func() { answer.armed.Store(true) },
				Config:    config("after"),
				ExpectError: regexpText("Error Reading User Role", fmt.Sprintf("Reading the user role %q (id", e.name("hostile")),
					"back after updating it", "its body is null, not the object asked for [trace id "),
			},
			{
				PreConfig: func() {
					if answer.hits.Load() == 0 {
						t.Fatal("the answer null was never served")
					}
				},
				Config:           config("after"),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
				ConfigStateChecks: []statecheck.StateCheck{
					sameID.AddStateValue(address, tfjsonpath.New("id")),
					statecheck.ExpectKnownValue(address, tfjsonpath.New("description"), knownvalue.StringExact("after")),
				},
			},
		},
	})
}

// accountsPage answers a list of accounts with n items in one page, each with a description of
// descriptionLength characters.
func accountsPage(n, descriptionLength int) func(http.ResponseWriter, *httptest.ResponseRecorder) {
	return func(w http.ResponseWriter, _ *httptest.ResponseRecorder) {
		var b bytes.Buffer
		b.WriteString(`{"items": [`)
		for i := range n {
			if i > 0 {
				b.WriteByte(',')
			}
			fmt.Fprintf(&b, `{"id": "id-%[1]d", "email": "user%[1]d@example.com", "name": "user%[1]d", "authType": "local", "role": "Auditor", "status": "enabled", "description": %[2]q}`,
				i, strings.Repeat("d", descriptionLength))
		}
		fmt.Fprintf(&b, `], "count": %[1]d, "totalCount": %[1]d}`, n)
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write(b.Bytes())
	}
}
