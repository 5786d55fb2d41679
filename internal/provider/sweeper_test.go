package provider

import (
	"context"
	"errors"
	"fmt"
	"log"
	"net/http/httptest"
	"slices"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/seed-ebba3aa9/terraform-provider-visionone/internal/client"
	"github.com/seed-ebba3aa9/terraform-provider-visionone/internal/emulator"
)

// TestMain runs the sweepers instead of the tests when go test gets -sweep (`make sweep`).
func TestMain(m *testing.M) {
	resource.TestMain(m)
}

// sweepers delete what acceptance tests left on the tenant that VISIONONE_API_KEY and
// VISIONONE_REGION or VISIONONE_ENDPOINT name: every API key, account and custom role whose name
// (an account's email) starts with testAccPrefix. Keys go first, then accounts, then the roles
// they held, which the API refuses to delete while they are assigned. The -sweep value is not
// used: the environment names the tenant.
var sweepers = map[string]*resource.Sweeper{
	"visionone_api_key": {Name: "visionone_api_key", F: sweepAPIKeys},
	"visionone_account": {Name: "visionone_account", F: sweepAccounts, Dependencies: []string{"visionone_api_key"}},
	"visionone_user_role": {
		Name: "visionone_user_role", F: sweepUserRoles,
		Dependencies: []string{"visionone_api_key", "visionone_account"},
	},
}

func init() {
	for name, s := range sweepers {
		resource.AddTestSweepers(name, s)
	}
}

// sweepClient is a client for the tenant the environment names.
func sweepClient() (*client.Client, error) {
	tenant, err := tenantFromEnv()
	if err != nil {
		return nil, fmt.Errorf("sweeping: %w", err)
	}
	return client.New(client.Config{Endpoint: tenant.upstream.String(), APIKey: tenant.apiKey})
}

func sweepAPIKeys(string) error {
	api, err := sweepClient()
	if err != nil {
		return err
	}
	ctx := context.Background()
	keys, err := api.ListAPIKeys(ctx, "")
	if err != nil {
		return err
	}
	var ids []string
	for _, k := range keys {
		if hasTestAccPrefix(k.Name, testAccPrefix) {
			ids = append(ids, k.ID)
		}
	}
	log.Printf("[INFO] sweeping %d API key(s) named %s*", len(ids), testAccPrefix)
	return api.DeleteAPIKeys(ctx, ids...)
}

func sweepAccounts(string) error {
	api, err := sweepClient()
	if err != nil {
		return err
	}
	ctx := context.Background()
	accounts, err := api.ListAccounts(ctx, "")
	if err != nil {
		return err
	}
	var errs []error
	swept := 0
	for _, a := range accounts {
		if !hasTestAccPrefix(a.Email, testAccPrefix) {
			continue
		}
		if err := api.DeleteAccount(ctx, a.ID); err != nil && !client.IsNotFound(err) {
			errs = append(errs, fmt.Errorf("deleting the account %s: %w", a.Email, err))
			continue
		}
		swept++
	}
	log.Printf("[INFO] swept %d account(s) whose email starts with %s", swept, testAccPrefix)
	return errors.Join(errs...)
}

func sweepUserRoles(string) error {
	api, err := sweepClient()
	if err != nil {
		return err
	}
	ctx := context.Background()
	roles, err := api.ListRoles(ctx, "")
	if err != nil {
		return err
	}
	var errs []error
	swept := 0
	for _, r := range roles {
		if r.Type != client.RoleTypeCustom || !hasTestAccPrefix(r.Name, testAccPrefix) {
			continue
		}
		if err := api.DeleteRole(ctx, r.ID); err != nil && !client.IsNotFound(err) {
			errs = append(errs, fmt.Errorf("deleting the role %q: %w", r.Name, err))
			continue
		}
		swept++
	}
	log.Printf("[INFO] swept %d custom role(s) named %s*", swept, testAccPrefix)
	return errors.Join(errs...)
}

// TestSweepers runs the sweepers against an emulator holding leftovers of the acceptance tests
// (prefixed in any letter case, a quoted local part, keys and accounts holding a prefixed role)
// beside objects of the same kinds that are not the tests': the first are all gone, the others
// all stay. It always uses an in-process emulator, never a live tenant.
func TestSweepers(t *testing.T) {
	srv, err := emulator.New(emulator.Options{})
	if err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(srv)
	t.Cleanup(hs.Close)
	t.Setenv(envEndpoint, hs.URL)
	t.Setenv(envRegion, "")
	t.Setenv(envAPIKey, srv.AdminKey())
	api, err := client.New(client.Config{Endpoint: hs.URL, APIKey: srv.AdminKey(), RequestsPerMinute: -1})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	catalog, err := api.ListPermissions(ctx)
	if err != nil {
		t.Fatal(err)
	}
	permission := []string{catalog[0].Key}
	for _, name := range []string{"tfacc-0a1b2c3d-auditors", "TFACC-0a1b2c3d-Upper", "keep tfacc- inside", "kept"} {
		if _, err := api.CreateRole(ctx, client.RoleCreate{Name: name, PermissionKeys: permission, AllowAPIKeyAssignment: true, AllowUserAccountAssignment: true}); err != nil {
			t.Fatal(err)
		}
	}
	for _, in := range []client.AccountInvite{
		{Email: "tfacc-0a1b2c3d-auditor@example.com", Role: "tfacc-0a1b2c3d-auditors"},
		{Email: `"tfacc-0a1b2c3d-o'brien"@example.com`, Role: "Auditor"},
		{Email: "Tfacc-0a1b2c3d-upper@example.com", Role: "Auditor"},
		{Email: "someone@tfacc-example.com", Role: "kept"},
	} {
		in.AuthType = client.AuthTypeLocal
		if _, err := api.InviteAccount(ctx, in); err != nil {
			t.Fatal(err)
		}
	}
	for _, in := range []client.APIKeyCreate{
		{Name: "tfacc-0a1b2c3d-key", Role: "TFACC-0a1b2c3d-Upper"},
		{Name: "tfacc-0a1b2c3d-siem", Role: "SIEM"},
		{Name: "siem-tfacc-", Role: "kept"},
	} {
		if _, err := api.CreateAPIKey(ctx, in); err != nil {
			t.Fatal(err)
		}
	}

	// Dependencies decide the order the sweeper runner follows; this is that order.
	if got := sweepers["visionone_user_role"].Dependencies; !slices.Contains(got, "visionone_api_key") || !slices.Contains(got, "visionone_account") {
		t.Errorf("the role sweeper depends on %v: it must run after the key and account sweepers", got)
	}
	if got := sweepers["visionone_account"].Dependencies; !slices.Contains(got, "visionone_api_key") {
		t.Errorf("the account sweeper depends on %v: it must run after the key sweeper", got)
	}
	for _, name := range []string{"visionone_api_key", "visionone_account", "visionone_user_role"} {
		if err := sweepers[name].F("any"); err != nil {
			t.Fatalf("sweeper %s: %v", name, err)
		}
	}

	var left []string
	roles, err := api.ListRoles(ctx, "")
	for _, r := range roles {
		if r.Type == client.RoleTypeCustom {
			left = append(left, "role "+r.Name)
		}
	}
	accounts, err2 := api.ListAccounts(ctx, "")
	for _, a := range accounts {
		left = append(left, "account "+a.Email)
	}
	keys, err3 := api.ListAPIKeys(ctx, "")
	for _, k := range keys {
		left = append(left, "key "+k.Name)
	}
	if err := errors.Join(err, err2, err3); err != nil {
		t.Fatal(err)
	}
	slices.Sort(left)
	want := []string{"account someone@tfacc-example.com", "key siem-tfacc-", "role keep tfacc- inside", "role kept"}
	if !slices.Equal(left, want) {
		t.Errorf("after sweeping the emulator holds %q, want %q", left, want)
	}
}
