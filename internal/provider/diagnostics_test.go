package provider

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/seed-ebba3aa9/terraform-provider-visionone/internal/client"
	"github.com/seed-ebba3aa9/terraform-provider-visionone/internal/emulator"
)

// iamPermissions are the permission keys that the provider's documentation lists for managing
// roles, accounts and API keys: every one a key can be given.
var iamPermissions = []string{
	"platform.userRoles.view", "platform.userRoles.configure",
	"platform.userAccounts.view", "platform.userAccounts.configure",
	"platform.apiKeys.view", "platform.apiKeys.configure",
}

// keyWithPermissions creates, as the emulator's Master Administrator, a custom role with these
// permissions and an API key with that role, both named base with the test's prefix, and returns
// the key's value: a key made today, which cannot be a Master Administrator's.
func (e *testEmulator) keyWithPermissions(base string, permissions ...string) string {
	e.t.Helper()
	name := e.name(base)
	e.createRole(client.RoleCreate{Name: name, PermissionKeys: permissions, AllowAPIKeyAssignment: true})
	return e.createAPIKey(client.APIKeyCreate{Name: name, Role: name}).Value
}

// providerConfigWithKey is the provider block for this emulator with another key than the admin's.
func (e *testEmulator) providerConfigWithKey(key string) string { return providerBlock(e.URL, key) }

// providerBlock is a provider block with this endpoint and API key.
func providerBlock(endpoint, apiKey string) string {
	return fmt.Sprintf(`
provider "visionone" {
  endpoint = %[1]q
  api_key  = %[2]q
}
`, endpoint, apiKey)
}

// TestAccUserRole_controlFlagsNeedMasterAdministrator: a key with every permission the docs list
// that is not a Master Administrator's cannot set a role's control flags (true by default). The
// error names that rule, not a permission the key has; with both flags false the same key creates
// the role, and the refusal of an update that sets them says to keep them as the role has them.
func TestAccUserRole_controlFlagsNeedMasterAdministrator(t *testing.T) {
	e := startEmulator(t, emulator.Options{})
	key := e.keyWithPermissions("IAM automation", iamPermissions...)
	name := e.name("auditors")
	role := func(flags bool) string {
		return fmt.Sprintf(`
resource "visionone_user_role" "test" {
  name                          = %[2]q
  permissions                   = ["platform.userRoles.view"]
  allow_api_key_assignment      = %[1]t
  allow_user_account_assignment = %[1]t
}
`, flags, name)
	}

	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             testAccCheckUserRoleDestroyed(e),
		Steps: []resource.TestStep{
			{
				Config: e.providerConfigWithKey(key) + role(true),
				ExpectError: regexpText("Error Creating User Role", "403 AccessDenied",
					"Vision One lets only a Master Administrator set the control flags of a custom role",
					"the provider's key is not a Master Administrator's",
					"Since October 27, 2025 no API key can be given the Master Administrator role",
					"keep both flags false in the configuration"),
			},
			{
				Config: e.providerConfigWithKey(key) + role(false),
				Check:  expectNoRoleFlags(e, name),
			},
			// An update sends the flags only when it changes them: keeping them as the role has them,
			// not false, leaves them alone.
			{
				Config: e.providerConfigWithKey(key) + role(true),
				ExpectError: regexpText("Error Updating User Role", "403 AccessDenied",
					"keep allow_api_key_assignment and allow_user_account_assignment at the values the role has in Vision One"),
			},
		},
	})
}

// expectNoRoleFlags checks that the emulator holds the role with both control flags false.
func expectNoRoleFlags(e *testEmulator, name string) resource.TestCheckFunc {
	return func(*terraform.State) error {
		role, err := e.API.RefreshRoleByName(context.Background(), name)
		if err != nil {
			return fmt.Errorf("looking up role %q: %w", name, err)
		}
		if role.AllowAPIKeyAssignment || role.AllowUserAccountAssignment {
			return fmt.Errorf("role %q has control flags set: %+v", name, role)
		}
		return nil
	}
}

// TestAccAccount_needsMasterAdministrator: a key with every permission the docs list that is not
// a Master Administrator's cannot invite an account; the error names that rule.
func TestAccAccount_needsMasterAdministrator(t *testing.T) {
	e := startEmulator(t, emulator.Options{})
	key := e.keyWithPermissions("IAM automation", iamPermissions...)
	email := e.email("auditor")
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: e.providerConfigWithKey(key) + fmt.Sprintf(`
resource "visionone_account" "test" {
  email = %q
  role  = "Auditor"
}
`, email),
				ExpectError: regexpText("Error Creating Account", "403 AccessDenied",
					"Vision One lets only a Master Administrator add, change or delete user accounts",
					"whatever the permissions of the key's role",
					"Since October 27, 2025 no API key can be given the Master Administrator role"),
			},
		},
	})
	if _, err := e.API.FindAccountByEmail(context.Background(), email); !client.IsNotFound(err) {
		t.Errorf("looking up the refused account: %v, want not found", err)
	}
}

// TestAccAccount_unchangedNeedsOnlyAccountsView: the plans and refreshes of an account that change
// nothing need only User Accounts: View, as "Which key can do what" says: the account's role is
// checked only when it changes. The destroy goes back to the Master Administrator's key.
func TestAccAccount_unchangedNeedsOnlyAccountsView(t *testing.T) {
	e := startEmulator(t, emulator.Options{})
	e.requireMasterAdministrator("invite an account")
	key := e.keyWithPermissions("Account readers", "platform.userAccounts.view")
	account := fmt.Sprintf(`
resource "visionone_account" "test" {
  email = %q
  role  = "Auditor"
}
`, e.email("auditor"))
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{Config: e.providerConfig() + account},
			// An apply that changes nothing (its refresh saved), then a plan.
			refreshStep(e.providerConfigWithKey(key) + account),
			{Config: e.providerConfigWithKey(key) + account, PlanOnly: true},
			{Config: e.providerConfig() + account, PlanOnly: true},
		},
	})
}

// TestAccUserRole_missingPermission: a key whose role really lacks the permission gets an error
// that names it.
func TestAccUserRole_missingPermission(t *testing.T) {
	e := startEmulator(t, emulator.Options{})
	key := e.keyWithPermissions("Role readers", "platform.userRoles.view")
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: e.providerConfigWithKey(key) + fmt.Sprintf(`
resource "visionone_user_role" "test" {
  name                          = %q
  permissions                   = ["platform.userRoles.view"]
  allow_api_key_assignment      = false
  allow_user_account_assignment = false
}
`, e.name("auditors")),
				ExpectError: regexpText("Error Creating User Role", "403 AccessDenied: Insufficient permissions.",
					`The role of the provider's API key lacks the permission "User Roles: Configure user roles"`),
			},
		},
	})
}

// TestAccAPIKey_refusedEditOfACreatedKey: the update of a key that this configuration created, by a
// key whose role lacks the permission, is refused with advice that names the permission, and not the
// rule on keys moved from the old User Accounts app, which a key created through the API cannot be.
// The key is deleted with the Master Administrator's key.
func TestAccAPIKey_refusedEditOfACreatedKey(t *testing.T) {
	e := startEmulator(t, emulator.Options{})
	key := e.keyWithPermissions("API key readers", "platform.apiKeys.view")
	name := e.name("created")
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{Config: e.providerConfig() + testAccAPIKeyConfig(name, "SIEM", "", true)},
			{
				Config: e.providerConfigWithKey(key) + testAccAPIKeyConfig(name, "SIEM", "edited", true),
				ExpectError: regexpText("Error Updating API Key", "403 AccessDenied",
					`The role of the provider's API key lacks the permission "API Keys: Configure settings"`),
			},
			{Config: e.providerConfig() + testAccAPIKeyConfig(name, "SIEM", "", true), PlanOnly: true},
		},
	})
}

// TestForbiddenAdvice: a 403 is blamed on a missing permission only when no Master Administrator
// rule explains it and the request was not accepted; a rule's advice says the permission may be
// missing as well only where following the advice needs it.
func TestForbiddenAdvice(t *testing.T) {
	tests := map[string]struct {
		err     client.APIError
		want    string
		notWant string
	}{
		"control flags": {client.APIError{Method: http.MethodPost, Path: "/v3.0/iam/roles", Rule: client.RuleMasterAdministratorSetsControlFlags},
			"only a Master Administrator set the control flags", "lacks the permission"},
		// Keeping the flags false, as the advice says, still needs the permission of role writes.
		"control flags, and maybe the permission": {client.APIError{Method: http.MethodPatch, Path: "/v3.0/iam/roles/r1",
			Rule: client.RuleMasterAdministratorSetsControlFlags},
			`The key's role may also lack the permission "User Roles: Configure user roles"`, "lacks the permission"},
		// A call of this run that needed the permission succeeded: the key's role has it.
		"control flags, the permission shown": {client.APIError{Method: http.MethodPatch, Path: "/v3.0/iam/roles/r1",
			Rule: client.RuleMasterAdministratorSetsControlFlags, PermissionShown: true},
			"only a Master Administrator set the control flags", "may also lack"},
		"control flags on a create": {client.APIError{Method: http.MethodPost, Path: "/v3.0/iam/roles",
			Rule: client.RuleMasterAdministratorSetsControlFlags},
			"keep both flags false in the configuration", "the values the role has in Vision One"},
		// An update sends a flag only when it changes it, so flags kept as the role has them are left
		// alone; flags kept false would change them again.
		"control flags on an update": {client.APIError{Method: http.MethodPatch, Path: "/v3.0/iam/roles/r1",
			Rule: client.RuleMasterAdministratorSetsControlFlags},
			"keep allow_api_key_assignment and allow_user_account_assignment at the values the role has in Vision One",
			"keep both flags false"},
		// The batch was accepted, so the key has the permission: Vision One refused the item itself.
		"an item of a batch delete": {client.APIError{Method: http.MethodPost, Path: "/v3.0/iam/apiKeys/delete", Item: "k1",
			Code: "AccessDenied", Message: "Legacy keys cannot be deleted."},
			"Vision One accepted the request but refused this item", "lack"},
		"an item of a batch create": {client.APIError{Method: http.MethodPost, Path: "/v3.0/iam/apiKeys", Item: "ci",
			Code: "AccessDenied", Message: "Insufficient permissions."},
			"its message above says why", "lack"},
		// A key being created cannot be one moved from the old User Accounts app, and such a key can
		// be deleted (API.md, "Decision: migrated API keys").
		"an item of a batch create, no migrated key": {client.APIError{Method: http.MethodPost, Path: "/v3.0/iam/apiKeys",
			Item: "ci", Code: "AccessDenied", Message: "Insufficient permissions."},
			"Vision One accepted the request but refused this item", "User Accounts app"},
		"accounts": {client.APIError{Method: http.MethodPatch, Path: "/v3.0/iam/accounts/a", Rule: client.RuleMasterAdministratorManagesAccounts},
			"only a Master Administrator add, change or delete user accounts", "lacks the permission"},
		"missing permission": {client.APIError{Method: http.MethodPost, Path: "/v3.0/iam/apiKeys"},
			`lacks the permission "API Keys: Configure settings"`, "Master Administrator"},
		"a call any key may make": {client.APIError{Method: http.MethodGet, Path: "/v3.0/healthcheck/connectivity"},
			"something between the provider and Vision One", "lacks the permission"},
	}
	for name, tt := range tests {
		tt.err.StatusCode = http.StatusForbidden
		got := forbiddenAdvice(&tt.err)
		if !strings.Contains(got, tt.want) || strings.Contains(got, tt.notWant) {
			t.Errorf("%s: advice %q, want %q and not %q", name, got, tt.want, tt.notWant)
		}
	}
	// The error of a batch delete holds its failed items.
	refused := &client.MultiStatusError{Method: http.MethodPost, Path: "/v3.0/iam/apiKeys/delete", Total: 1, Items: []*client.APIError{{
		Method: http.MethodPost, Path: "/v3.0/iam/apiKeys/delete", StatusCode: http.StatusForbidden, Item: "k1",
		Code: "AccessDenied", Message: "Legacy keys cannot be deleted.",
	}}}
	if got := errorAdvice(refused); !strings.Contains(got, "accepted the request but refused this item") || strings.Contains(got, "lack") {
		t.Errorf("batch delete with a refused item: advice %q, want the item refused and no permission blamed", got)
	}
}

// TestAdviceOnARefusedKeyEdit: a 403, or a 400 naming no field, to the update of an API key names
// first the rule that no one may edit a key moved from the User Accounts app, and the removed
// block; the permission comes after it as a possibility, and not at all once a call needing it
// succeeded. A 403 to another call whose permission was shown blames no permission either
// (API.md, "Decision: migrated API keys").
func TestAdviceOnARefusedKeyEdit(t *testing.T) {
	const rule = "lets no one edit an API key that was moved from the old User Accounts app"
	edit := func(status int, shown bool, target string) *client.APIError {
		return &client.APIError{Method: http.MethodPatch, Path: "/v3.0/iam/apiKeys/k1", StatusCode: status,
			Code: http.StatusText(status), Message: "Insufficient permissions.", Target: target, PermissionShown: shown}
	}
	tests := map[string]struct {
		err     *client.APIError
		want    []string // in this order
		notWant string
	}{
		"403": {err: edit(http.StatusForbidden, false, ""),
			want:    []string{rule, "`removed` block", `may lack the permission "API Keys: Configure settings"`},
			notWant: "lacks the permission"},
		"403 after the permission was shown": {err: edit(http.StatusForbidden, true, ""),
			want:    []string{`has the permission "API Keys: Configure settings"`, rule, "`removed` block"},
			notWant: "lack"},
		"400 naming no field": {err: edit(http.StatusBadRequest, false, ""),
			want: []string{rule, "`removed` block", "correct the value its message names"}},
		"400 naming a field": {err: edit(http.StatusBadRequest, false, "name"),
			want: []string{`The API rejected the value of "name"`}, notWant: rule},
		"403 to a create after the permission was shown": {err: &client.APIError{Method: http.MethodPost,
			Path: "/v3.0/iam/apiKeys", StatusCode: http.StatusForbidden, PermissionShown: true},
			want: []string{`has the permission "API Keys: Configure settings"`, "another reason"}, notWant: "lack"},
	}
	for name, tt := range tests {
		got := errorAdvice(tt.err)
		rest := got
		for _, want := range tt.want {
			i := strings.Index(rest, want)
			if i < 0 {
				t.Errorf("%s: advice %q, want %q (in the order %q)", name, got, want, tt.want)
				break
			}
			rest = rest[i+len(want):]
		}
		if tt.notWant != "" && strings.Contains(got, tt.notWant) {
			t.Errorf("%s: advice %q says %q", name, got, tt.notWant)
		}
	}
}

// TestAdviceOnARefusedEditOfACreatedKey: a key whose state holds its value was created by the
// provider through the API, so it is no key moved from the old User Accounts app: a 403, or a 400
// naming no field, to its update is advised as for any other call, without that rule. An imported
// key keeps the rule.
func TestAdviceOnARefusedEditOfACreatedKey(t *testing.T) {
	const rule = "User Accounts app"
	edit := func(status int, shown bool) *client.APIError {
		return &client.APIError{Method: http.MethodPatch, Path: "/v3.0/iam/apiKeys/k1", StatusCode: status,
			Code: http.StatusText(status), Message: "Insufficient permissions.", PermissionShown: shown}
	}
	tests := map[string]struct {
		err     *client.APIError
		created bool
		want    string
		notWant string
	}{
		"403": {err: edit(http.StatusForbidden, false), created: true,
			want: `The role of the provider's API key lacks the permission "API Keys: Configure settings"`, notWant: rule},
		"403 after the permission was shown": {err: edit(http.StatusForbidden, true), created: true,
			want: "refused this call for another reason", notWant: rule},
		"400 naming no field": {err: edit(http.StatusBadRequest, false), created: true,
			want: "correct the value its message names in the configuration", notWant: rule},
		"403 to an imported key": {err: edit(http.StatusForbidden, false), want: rule},
	}
	for name, tt := range tests {
		got := keyEditAdvice(tt.err, tt.created)
		if !strings.Contains(got, tt.want) || tt.notWant != "" && strings.Contains(got, tt.notWant) {
			t.Errorf("%s: advice %q, want %q and not %q", name, got, tt.want, tt.notWant)
		}
	}
}

// TestAdviceOnARateLimit: a 429 that outlived the retries says to raise max_retries; one met on the
// only attempt, with max_retries = 0, says that this turns off retrying, 429s included; an item of a
// batch create is sent again as a request is retried, so it says the same; an item of a batch
// delete, which no retry sends again, names no max_retries at all.
func TestAdviceOnARateLimit(t *testing.T) {
	tests := map[string]struct {
		err           client.APIError
		want, notWant string
	}{
		"retried":                   {client.APIError{Method: http.MethodGet, Path: "/v3.0/iam/roles", Attempts: 6}, "Raise max_retries", "turns off"},
		"one attempt":               {client.APIError{Method: http.MethodGet, Path: "/v3.0/iam/roles", Attempts: 1}, "max_retries = 0 turns off retrying, 429s included", "kept retrying"},
		"an item of a batch":        {client.APIError{Method: http.MethodPost, Path: "/v3.0/iam/apiKeys", Item: "ci", Attempts: 6}, "Raise max_retries", "turns off"},
		"an item, one attempt":      {client.APIError{Method: http.MethodPost, Path: "/v3.0/iam/apiKeys", Item: "ci", Attempts: 1}, "max_retries = 0 turns off retrying", "kept retrying"},
		"an item of a batch, cap":   {client.APIError{Method: http.MethodPost, Path: "/v3.0/iam/apiKeys", Item: "ci", InnerCode: "TenantLimitExceeded"}, "cap on API keys", "max_retries"},
		"an item of a batch delete": {client.APIError{Method: http.MethodPost, Path: "/v3.0/iam/apiKeys/delete", Item: "k1", Attempts: 3}, "requests_per_minute", "max_retries"},
	}
	for name, tt := range tests {
		tt.err.StatusCode = http.StatusTooManyRequests
		got := answerAdvice(&tt.err)
		if !strings.Contains(got, tt.want) || strings.Contains(got, tt.notWant) {
			t.Errorf("%s: advice %q, want %q and not %q", name, got, tt.want, tt.notWant)
		}
	}
}

// TestNotFoundAdviceOnACreate: a 404 to a create names no object that could be gone, so its advice
// is that of a call not offered, never that the object does not exist; a role create's that of a
// tenant without the newer role endpoints (API.md, "Decision: older role endpoints"). A 404 to the
// delete of an object is still advised as an object that is gone.
func TestNotFoundAdviceOnACreate(t *testing.T) {
	for path, want := range map[string]string{
		"/v3.0/iam/roles":    "Nothing was created: create the role in the console",
		"/v3.0/iam/accounts": "does not offer this call",
		"/v3.0/iam/apiKeys":  "does not offer this call",
	} {
		e := &client.APIError{Method: http.MethodPost, Path: path, StatusCode: http.StatusNotFound, Code: "NotFound"}
		if got := answerAdvice(e); !strings.Contains(got, want) || strings.Contains(got, "does not exist") {
			t.Errorf("POST %s answered 404: advice %q, want %q and no object that does not exist", path, got, want)
		}
	}
	gone := &client.APIError{Method: http.MethodDelete, Path: "/v3.0/iam/roles/r1", StatusCode: http.StatusNotFound, Code: "NotFound"}
	if got := answerAdvice(gone); !strings.Contains(got, "does not exist") {
		t.Errorf("DELETE of a role answered 404: advice %q, want the object gone", got)
	}
}

// TestRoleReadBackAdvice: a 404 to the read-back of a role just created says that Vision One may not
// show a new role at once, not that the role was deleted outside Terraform (API.md, "Decision: role
// write answers").
func TestRoleReadBackAdvice(t *testing.T) {
	notFound := &client.APIError{Method: http.MethodGet, Path: "/v3.0/iam/roles/r1", StatusCode: http.StatusNotFound, Code: "NotFound"}
	for _, described := range []bool{true, false} {
		got := roleReadBackAdvice(notFound, described)
		if !strings.Contains(got, "Vision One may not show a new role at once: the next refresh reads it again") ||
			strings.Contains(got, "deleted outside Terraform") || strings.Contains(got, "Check the id") {
			t.Errorf("described %t: advice %q, want the new role not shown yet", described, got)
		}
	}
	failed := &client.APIError{Method: http.MethodGet, Path: "/v3.0/iam/roles/r1", StatusCode: http.StatusBadGateway}
	if got := roleReadBackAdvice(failed, true); !regexpText("The next refresh reads it again.", "Vision One had a problem answering").MatchString(got) {
		t.Errorf("a 502: advice %q, want the next refresh and the 5xx advice", got)
	}
}

// TestAdviceOnARetryCutShortByTheDeadline: a 429 whose Retry-After the deadline does not leave time
// for is not advised as one that outlived every retry.
func TestAdviceOnARetryCutShortByTheDeadline(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Retry-After", "300")
		writeErrorAnswer(w, http.StatusTooManyRequests, "TooManyRequests")
	}))
	t.Cleanup(srv.Close)
	c, err := client.New(client.Config{Endpoint: srv.URL, APIKey: "key", RequestsPerMinute: -1})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	err = c.CheckConnectivity(ctx)
	if err == nil {
		t.Fatal("CheckConnectivity succeeded, want the 429")
	}
	got := errorAdvice(err)
	if !strings.Contains(got, "wait longer before the next attempt than the operation's deadline leaves") ||
		strings.Contains(got, "max_retries") {
		t.Errorf("advice %q, want the deadline named and no max_retries", got)
	}
}

// TestBadRequestAdviceNamesTheAttribute: a 400 that names an API field is advised by the
// attribute of the configuration the field comes from.
func TestBadRequestAdviceNamesTheAttribute(t *testing.T) {
	tests := []struct {
		path, target, want string
	}{
		{"/v3.0/iam/roles", "permissionKeys", `The API rejected the value of "permissions" (permissionKeys in the API)`},
		{"/v3.0/iam/roles/r1", "permissionKeys[3]", `"permissions" (permissionKeys[3] in the API)`},
		{"/v3.0/iam/apiKeys", "items[0].monthsToExpiration", `"expires_in_months"`},
		{"/gw/v3.0/iam/apiKeys/k1", "status", `"enabled"`},
		{"/v3.0/iam/accounts/a1", "status", `"enabled"`},
		{"/v3.0/iam/roles/r1", "If-Match", `The API rejected the value of its field "If-Match"`},
	}
	for _, tt := range tests {
		e := &client.APIError{Method: http.MethodPatch, Path: tt.path, StatusCode: http.StatusBadRequest, Target: tt.target}
		if got := answerAdvice(e); !strings.Contains(got, tt.want) {
			t.Errorf("%s, field %s: advice %q, want %q", tt.path, tt.target, got, tt.want)
		}
	}
}

// TestBadRequestAdviceByCode: a 400 is advised by its Vision One code: only a refusal of the
// request's values says to correct the configuration. A request Vision One gave up on may have been
// carried out (a create's object may exist), and a refused delete is no value of the configuration.
func TestBadRequestAdviceByCode(t *testing.T) {
	const correct = "correct"
	tests := map[string]struct {
		err           client.APIError
		want, notWant []string
	}{
		"an invitation Vision One gave up on": {
			err:     client.APIError{Method: http.MethodPost, Path: "/v3.0/iam/accounts", Code: "RequestTimeout"},
			want:    []string{"Vision One gave up on the request", "Vision One may have made the object all the same", "delete it or import it"},
			notWant: []string{correct, "asked again"},
		},
		"a create Vision One gave up on, asked again": {
			err:     client.APIError{Method: http.MethodPost, Path: "/v3.0/iam/roles", Code: "RequestTimeout", Attempts: 3},
			want:    []string{"also when the provider asked again", "may have made the object all the same"},
			notWant: []string{correct},
		},
		"an update Vision One gave up on": {
			err:     client.APIError{Method: http.MethodPatch, Path: "/v3.0/iam/roles/r1", Code: "RequestTimeout"},
			want:    []string{"Vision One gave up on the request", "may have carried it out all the same", "run terraform plan"},
			notWant: []string{correct, "made the object"},
		},
		"a read Vision One gave up on": {
			err:     client.APIError{Method: http.MethodGet, Path: "/v3.0/iam/roles", Code: "RequestTimeout"},
			want:    []string{"Vision One gave up on the request", "Run the command again later"},
			notWant: []string{correct, "carried it out"},
		},
		"a task that failed": {
			err:     client.APIError{Method: http.MethodPatch, Path: "/v3.0/iam/accounts/a1", Code: "TaskError"},
			want:    []string{"Vision One failed while carrying out the request", "run terraform plan"},
			notWant: []string{correct},
		},
		"a call not offered": {
			err:     client.APIError{Method: http.MethodPatch, Path: "/v3.0/iam/apiKeys/k1", Code: "NotSupported"},
			want:    []string{"does not offer this call", "in the console"},
			notWant: []string{correct},
		},
		"a role Vision One will not delete": {
			err: client.APIError{Method: http.MethodDelete, Path: "/v3.0/iam/roles/r1", Code: "BadRequest",
				Message: "Roles migrated from Cloud One Workload Security cannot be deleted."},
			want:    []string{"Vision One refused to delete the object: its message above says why", "`removed` block"},
			notWant: []string{correct, "give them another role"},
		},
		"an item of a batch delete": {
			err:     client.APIError{Method: http.MethodPost, Path: "/v3.0/iam/apiKeys/delete", Item: "k1", Code: "BadRequest"},
			want:    []string{"Vision One refused to delete the object"},
			notWant: []string{correct},
		},
		"a value refused": {
			err:  client.APIError{Method: http.MethodPost, Path: "/v3.0/iam/accounts", Code: "BadRequest"},
			want: []string{"correct the value its message names in the configuration"},
		},
	}
	for name, tc := range tests {
		tc.err.StatusCode = http.StatusBadRequest
		got := answerAdvice(&tc.err)
		if !regexpText(tc.want...).MatchString(got) {
			t.Errorf("%s: advice %q, want %q", name, got, tc.want)
		}
		for _, text := range tc.notWant {
			if strings.Contains(got, text) {
				t.Errorf("%s: advice %q, want no %q", name, got, text)
			}
		}
	}
}

// TestServerErrorAdviceSaysWhetherAskedAgain: the advice on a 5xx says that the provider asked again
// only when the error counts more than one attempt (with max_retries = -1, or a create refused at
// once, it did not).
func TestServerErrorAdviceSaysWhetherAskedAgain(t *testing.T) {
	for attempts, want := range map[int]bool{1: false, 3: true} {
		got := answerAdvice(&client.APIError{Method: http.MethodPost, Path: "/v3.0/iam/roles", StatusCode: http.StatusInternalServerError,
			Attempts: attempts})
		if strings.Contains(got, "asked again") != want || !strings.Contains(got, "Vision One had a problem answering") {
			t.Errorf("%d attempts: advice %q, want asked again: %t", attempts, got, want)
		}
	}
}

// TestPlanTimeWarningsCarryAdvice: the warnings of a plan-time check the key may not make say
// which permission it lacks, as the errors of the same calls do.
func TestPlanTimeWarningsCarryAdvice(t *testing.T) {
	e := startEmulator(t, emulator.Options{})
	e.requireEmulator("a key made for the test")
	key := e.keyWithPermissions("API key readers", "platform.apiKeys.view")
	api, err := client.New(client.Config{Endpoint: e.URL, APIKey: key, RequestsPerMinute: -1, MaxRetries: client.NoRetries})
	if err != nil {
		t.Fatal(err)
	}
	data := newProviderData(api)
	ctx := context.Background()
	const advice = `The role of the provider's API key lacks the permission "User Roles: View"`

	var diags diag.Diagnostics
	(&userRoleResource{data: data}).checkPermissionKeys(ctx, []string{"platform.userRoles.view"}, &diags)
	data.checkRoleAssignable(ctx, apiKeyRoleAssignment, types.StringValue("SIEM"), &diags)
	summaries := map[string]bool{}
	for _, d := range diags {
		summaries[d.Summary()] = true
		if d.Severity() != diag.SeverityWarning || !strings.Contains(d.Detail(), "403 AccessDenied") ||
			!strings.Contains(d.Detail(), advice) {
			t.Errorf("%s: %q, want a warning with the 403 and %q", d.Summary(), d.Detail(), advice)
		}
	}
	if len(diags) != 2 || !summaries["Permission Keys Not Checked"] || !summaries["Role Not Checked"] {
		t.Errorf("diagnostics = %v, want the two warnings", diags)
	}
}

// TestAdviceOnAWriteStoppedInFlight: a write whose answer Terraform stopped waiting for may have
// been applied, and the advice says how to find out; a read stopped the same way needs none.
func TestAdviceOnAWriteStoppedInFlight(t *testing.T) {
	c := clientOfSilentAPI(t)
	for name, call := range map[string]func(context.Context) error{
		"update": func(ctx context.Context) error {
			return c.UpdateRole(ctx, "r1", "etag", client.RolePatch{Description: pointerTo("new")})
		},
		"read": func(ctx context.Context) error { _, err := c.GetRole(ctx, "r1"); return err },
	} {
		ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
		err := call(ctx)
		cancel()
		got := errorAdvice(err)
		if name == "read" {
			if strings.Contains(got, "whether Vision One applied it is unknown") {
				t.Errorf("%s: advice %q, want none about a write", name, got)
			}
			continue
		}
		if !strings.Contains(got, "whether Vision One applied it is unknown") || !strings.Contains(got, "Run terraform plan") {
			t.Errorf("%s stopped in flight (%v): advice %q, want the unknown outcome and terraform plan", name, err, got)
		}
	}
}

// TestAdviceOnAKeyCreateStoppedInFlight: an API key create given up on after it was sent (the grace
// period after an interrupt ended first) is advised on as a key that may exist with a secret no one
// holds, to delete (not import), which nothing else will point out when its name is generated by
// name_prefix. It waits out the client's grace period.
func TestAdviceOnAKeyCreateStoppedInFlight(t *testing.T) {
	t.Parallel()
	c := clientOfSilentAPI(t)
	// Interrupted once the key's batch has been sent (it is gathered for a moment first).
	ctx, interrupt := context.WithCancel(context.Background())
	time.AfterFunc(time.Second, interrupt)
	_, err := c.CreateAPIKey(ctx, client.APIKeyCreate{Name: "ci-0a1b2c", Role: "SIEM"})
	got := errorAdvice(err)
	for _, want := range []string{"whether Vision One made the API key is unknown", "a secret that nobody holds",
		"Administration > API Keys", "name_prefix"} {
		if !strings.Contains(got, want) {
			t.Errorf("key create stopped in flight (%v): advice %q, want %q", err, got, want)
		}
	}
	if strings.Contains(got, "import it") {
		t.Errorf("key create stopped in flight: advice %q suggests an import", got)
	}
}

// clientOfSilentAPI is a client of an API that answers no request while the test runs.
func clientOfSilentAPI(t *testing.T) *client.Client {
	t.Helper()
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		<-release
		writeErrorAnswer(w, http.StatusInternalServerError, "InternalServerError")
	}))
	t.Cleanup(srv.Close)
	t.Cleanup(func() { close(release) })
	c, err := client.New(client.Config{Endpoint: srv.URL, APIKey: "key", RequestsPerMinute: -1})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// TestAdviceOnAnUnusableAnswer: a success answer the provider could not use is advised on by what
// it may have left behind, and the error wrapped around it (a failed lookup after it) does not hide
// it.
func TestAdviceOnAnUnusableAnswer(t *testing.T) {
	const persists = "If it persists, check that any proxy or gateway between the provider and Vision One passes its " +
		"answers on unchanged; otherwise Vision One's answers have changed"
	tests := map[string]struct {
		err  error
		want []string
	}{
		"a read": {
			err:  &client.AnswerError{Method: http.MethodGet, Path: "/v3.0/iam/roles/r1", StatusCode: http.StatusOK},
			want: []string{"Run the command again.", persists},
		},
		"a create that may have made its object": {
			err: fmt.Errorf("wrapped: %w", &client.AnswerError{Method: http.MethodPost, Path: "/v3.0/iam/roles",
				StatusCode: http.StatusCreated, MayExist: true}),
			want: []string{"Vision One may have made the object all the same", "delete it or import it", persists},
		},
		"a key create whose keys were deleted": {
			err: &client.AnswerError{Method: http.MethodPost, Path: "/v3.0/iam/apiKeys", StatusCode: http.StatusMultiStatus,
				Item: "ci", Undone: true},
			want: []string{"were deleted", "applying again creates them afresh", persists},
		},
	}
	for name, tc := range tests {
		if got := errorAdvice(tc.err); !regexpText(tc.want...).MatchString(got) {
			t.Errorf("%s: advice %q, want %q", name, got, tc.want)
		}
	}
}

// TestAdviceOnAProxyRefusal: a proxy that refuses to open a tunnel to the API is advised as such,
// naming HTTPS_PROXY, and not as a connection that broke off.
func TestAdviceOnAProxyRefusal(t *testing.T) {
	proxy := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		http.Error(w, "not through here", http.StatusForbidden)
	}))
	t.Cleanup(proxy.Close)
	for _, name := range []string{"HTTP_PROXY", "HTTPS_PROXY", "NO_PROXY", "http_proxy", "https_proxy", "no_proxy"} {
		t.Setenv(name, "")
	}
	t.Setenv("HTTPS_PROXY", proxy.URL)
	c, err := client.New(client.Config{Endpoint: "https://api.visionone.test", APIKey: "key", MaxRetries: client.NoRetries})
	if err != nil {
		t.Fatal(err)
	}
	err = c.CheckConnectivity(context.Background())
	if err == nil {
		t.Fatal("CheckConnectivity succeeded through a proxy that refuses every tunnel")
	}
	if got := errorAdvice(err); !strings.Contains(got, "HTTPS_PROXY") || strings.Contains(got, "broke off") {
		t.Errorf("advice %q, want the proxy's refusal and HTTPS_PROXY", got)
	}
}

// TestTimeoutAdviceNamesWhatRanOut: an attempt that outlasted request_timeout is advised to raise
// it; a request cut short by the operation's own deadline is not, since request_timeout does not
// lengthen that deadline.
func TestTimeoutAdviceNamesWhatRanOut(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(_ http.ResponseWriter, r *http.Request) { <-r.Context().Done() }))
	t.Cleanup(srv.Close)
	check := func(requestTimeout, deadline time.Duration) string {
		c, err := client.New(client.Config{Endpoint: srv.URL, APIKey: "key", MaxRetries: client.NoRetries, RequestTimeout: requestTimeout})
		if err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithTimeout(context.Background(), deadline)
		defer cancel()
		err = c.CheckConnectivity(ctx)
		if err == nil {
			t.Fatal("CheckConnectivity succeeded against a server that never answers")
		}
		return errorAdvice(err)
	}
	if got := check(50*time.Millisecond, time.Minute); !strings.Contains(got, "raise request_timeout") {
		t.Errorf("an attempt past request_timeout: advice %q, want request_timeout raised", got)
	}
	if got := check(time.Minute, 50*time.Millisecond); strings.Contains(got, "request_timeout") {
		t.Errorf("a request cut short by the operation's deadline: advice %q names request_timeout, which cannot help", got)
	}
	// Vision One itself gives up on a request after a minute (a 504), so a request_timeout of a
	// minute or more that ran out is not helped by a longer one.
	for timeout, raise := range map[time.Duration]bool{30 * time.Second: true, time.Minute: false, 5 * time.Minute: false} {
		got := errorAdvice(&client.RequestError{Method: http.MethodGet, Path: "/v3.0/iam/roles", Timeout: timeout,
			Err: context.DeadlineExceeded})
		if strings.Contains(got, "raise request_timeout") != raise || !strings.Contains(got, "network path") {
			t.Errorf("request_timeout %s ran out: advice %q, want request_timeout raised: %t", timeout, got, raise)
		}
	}
}

// TestAdviceOnACreateWhoseOutcomeIsUnknown: a create that timed out, and whose lookup afterwards
// timed out too, is advised on as a timeout and as a create that may have made its object: a role
// to import or delete, an API key to delete, since an import cannot recover its value.
func TestAdviceOnACreateWhoseOutcomeIsUnknown(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(_ http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body) // the server notices the client has gone only once the body is read
		<-r.Context().Done()
	}))
	t.Cleanup(srv.Close)
	c, err := client.New(client.Config{Endpoint: srv.URL, APIKey: "key", MaxRetries: client.NoRetries,
		RequestTimeout: 50 * time.Millisecond, RequestsPerMinute: -1})
	if err != nil {
		t.Fatal(err)
	}
	_, roleErr := c.CreateRole(context.Background(), client.RoleCreate{Name: "ops"})
	_, keyErr := c.CreateAPIKey(context.Background(), client.APIKeyCreate{Name: "ci", Role: "ops"})
	for name, tc := range map[string]struct {
		err    error
		want   []string
		absent string
	}{
		"a role": {err: roleErr, want: []string{"Vision One may have made the object all the same",
			"delete it or import it", "raise request_timeout"}},
		"an API key": {err: keyErr, want: []string{"Vision One may have made the API key all the same",
			"secret that nobody holds", "Administration > API Keys", "delete it, since an import cannot recover its value",
			"raise request_timeout"},
			absent: "delete it or import it"},
	} {
		if tc.err == nil || !strings.Contains(tc.err.Error(), "whether the object was created anyway is unknown") {
			t.Fatalf("%s: error %v, want a create whose outcome is unknown", name, tc.err)
		}
		got := errorAdvice(tc.err)
		if !regexpText(tc.want...).MatchString(got) || tc.absent != "" && strings.Contains(got, tc.absent) {
			t.Errorf("%s: advice %q, want %q and not %q", name, got, tc.want, tc.absent)
		}
	}
}

// TestAdviceOnAnUnknownOutcomeOrder: the advice on a create whose outcome is unknown begins with the
// object that may exist, to be looked for before anything runs again, and tells nobody to run the
// command again first; a lookup refused for a permission the key lacks says so, and which.
func TestAdviceOnAnUnknownOutcomeOrder(t *testing.T) {
	const mayExist = "Vision One may have made the object all the same"
	brokeOff := &client.RequestError{Method: http.MethodPost, Path: "/v3.0/iam/roles", Err: io.ErrUnexpectedEOF}
	lookup := func(shown bool) *client.APIError {
		return &client.APIError{Method: http.MethodGet, Path: "/v3.0/iam/roles", StatusCode: http.StatusForbidden,
			Code: "AccessDenied", PermissionShown: shown}
	}
	const unchecked = `could not check whether it did, since the role of its API key lacks the permission "User Roles: View"`
	tests := map[string]struct {
		err     *client.UnknownOutcomeError
		want    []string // in this order
		notWant []string
		// afterCause: the advice on the failure says what it was first, and that the object may exist.
		afterCause bool
	}{
		"a lookup that timed out": {err: &client.UnknownOutcomeError{Err: brokeOff, LookupErr: context.DeadlineExceeded},
			want: []string{mayExist, "The connection broke off"}, notWant: []string{"Run the command again", "could not check"}},
		"a lookup refused for a permission": {err: &client.UnknownOutcomeError{Err: brokeOff, LookupErr: lookup(false)},
			want:    []string{mayExist, unchecked, "add it to the key's role", "The connection broke off"},
			notWant: []string{"Run the command again"}},
		"a lookup refused, the permission shown": {err: &client.UnknownOutcomeError{Err: brokeOff, LookupErr: lookup(true)},
			want: []string{mayExist}, notWant: []string{"could not check", "lacks"}},
		"a create Vision One gave up on": {err: &client.UnknownOutcomeError{Err: &client.APIError{Method: http.MethodPost,
			Path: "/v3.0/iam/roles", StatusCode: http.StatusBadRequest, Code: "RequestTimeout"}, LookupErr: lookup(false)},
			want: []string{"Vision One gave up on the request", mayExist, unchecked}, afterCause: true},
	}
	for name, tt := range tests {
		got := errorAdvice(tt.err)
		if !tt.afterCause && !strings.HasPrefix(got, mayExist) {
			t.Errorf("%s: advice %q, want it to begin with %q", name, got, mayExist)
		}
		if !regexpText(tt.want...).MatchString(got) {
			t.Errorf("%s: advice %q, want %q in this order", name, got, tt.want)
		}
		for _, text := range tt.notWant {
			if strings.Contains(got, text) {
				t.Errorf("%s: advice %q, want no %q", name, got, text)
			}
		}
	}
}

// TestAdviceOnAKeyRefusedAfterItWorked: a 401 to a key that Vision One accepted earlier in the run
// is put down to a change of the key during the run, not to a mistyped key or another region.
func TestAdviceOnAKeyRefusedAfterItWorked(t *testing.T) {
	for before, want := range map[bool]string{false: "mistyped", true: "accepted the provider's API key earlier in this run"} {
		got := answerAdvice(&client.APIError{Method: http.MethodGet, Path: "/v3.0/iam/apiKeys/k", StatusCode: http.StatusUnauthorized,
			Code: "InvalidCredentials", KeyAcceptedBefore: before})
		if !strings.Contains(got, want) {
			t.Errorf("accepted before: %t: advice %q, want it to say %q", before, got, want)
		}
		if before && strings.Contains(got, "mistyped") {
			t.Errorf("a key accepted before is called mistyped: %q", got)
		}
	}
}

// TestAccConflictOnCreate: a 409 to a create, when no object has the name, is no duplicate: the
// error is the create's, with advice for a conflict, not an "Already Exists" with an import of an
// object that does not exist. Nothing is created.
func TestAccConflictOnCreate(t *testing.T) {
	e := startEmulatorBehind(t, func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.Method == http.MethodPost && (r.URL.Path == "/v3.0/iam/apiKeys" || r.URL.Path == "/v3.0/iam/roles") {
				w.Header().Set("Content-Type", "application/json")
				w.Header().Set("x-trace-id", "trace-of-the-conflict")
				w.WriteHeader(http.StatusConflict)
				_, _ = io.WriteString(w, `{"error":{"code":"Conflict","message":"Another operation is in progress."}}`)
				return
			}
			next.ServeHTTP(w, r)
		})
	})
	e.requireEmulator("a 409 injected in front of it")
	e.requireMasterAdministrator("create a role, whose control flags default to true")
	conflict := func(summary string) *regexp.Regexp {
		return regexpText(summary, "409 Conflict: Another operation is in progress.", "[trace id trace-of-the-conflict]",
			"conflicting with the current state of the tenant")
	}
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy: func(*terraform.State) error {
			if objects := e.Stats().Objects; objects["apiKeys"]+objects["roles"] != 0 {
				return fmt.Errorf("objects were created: %v", objects)
			}
			return nil
		},
		Steps: []resource.TestStep{
			{
				Config:      e.providerConfig() + testAccAPIKeyConfig(e.name("conflict"), "SIEM", "", true),
				ExpectError: conflict("Error Creating API Key"),
			},
			{
				Config:      e.providerConfig() + fmt.Sprintf("resource \"visionone_user_role\" \"test\" {\n  name = %q\n  permissions = []\n}\n", e.name("conflict")),
				ExpectError: conflict("Error Creating User Role"),
			},
		},
	})
}
