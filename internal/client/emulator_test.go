package client_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"reflect"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/seed-ebba3aa9/terraform-provider-visionone/internal/client"
	"github.com/seed-ebba3aa9/terraform-provider-visionone/internal/emulator"
)

// emulated is an emulator served over real HTTP with an admin client for it.
type emulated struct {
	srv *emulator.Server
	url string
	api *client.Client
}

// startEmulator serves a fresh emulator. wrap, when given, wraps its handler (to act around one
// request, e.g. inject a fault into it alone).
func startEmulator(t *testing.T, wrap func(*emulator.Server, http.Handler) http.Handler) *emulated {
	t.Helper()
	return startEmulatorWith(t, emulator.Options{}, wrap)
}

// startEmulatorWith is startEmulator with the emulator's options opts.
func startEmulatorWith(t *testing.T, opts emulator.Options, wrap func(*emulator.Server, http.Handler) http.Handler) *emulated {
	t.Helper()
	srv, err := emulator.New(opts)
	if err != nil {
		t.Fatalf("emulator.New: %v", err)
	}
	var h http.Handler = srv
	if wrap != nil {
		h = wrap(srv, srv)
	}
	hs := httptest.NewServer(h)
	t.Cleanup(hs.Close)
	e := &emulated{srv: srv, url: hs.URL}
	e.api = e.clientWithKey(t, srv.AdminKey())
	return e
}

func (e *emulated) clientWithKey(t *testing.T, key string) *client.Client {
	t.Helper()
	c, err := client.New(client.Config{
		Endpoint:          e.url,
		APIKey:            key,
		UserAgent:         "client-test/1.0",
		RequestsPerMinute: -1,
		RetryBaseDelay:    time.Millisecond,
		RetryMaxDelay:     20 * time.Millisecond,
	})
	if err != nil {
		t.Fatalf("client.New: %v", err)
	}
	return c
}

// faultOnce injects f into the first request that match selects, and into no other.
func faultOnce(f emulator.Faults, match func(*http.Request) bool) func(*emulator.Server, http.Handler) http.Handler {
	return func(srv *emulator.Server, next http.Handler) http.Handler {
		var mu sync.Mutex
		done := false
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			mu.Lock()
			defer mu.Unlock() // one request at a time, so the fault reaches exactly the chosen one
			if done || !match(r) {
				next.ServeHTTP(w, r)
				return
			}
			done = true
			srv.SetFaults(f)
			defer srv.SetFaults(emulator.Faults{})
			next.ServeHTTP(w, r)
		})
	}
}

// nthRequest matches the nth request that match matches.
func nthRequest(n int, match func(*http.Request) bool) func(*http.Request) bool {
	seen := 0
	return func(r *http.Request) bool {
		if match(r) {
			seen++
		}
		return seen == n && match(r)
	}
}

func isPost(path string) func(*http.Request) bool {
	return func(r *http.Request) bool { return r.Method == http.MethodPost && r.URL.Path == path }
}

func TestEmulatorConnectivityAndServerClock(t *testing.T) {
	e := startEmulator(t, nil)
	ctx := context.Background()
	if err := e.api.CheckConnectivity(ctx); err != nil {
		t.Fatalf("CheckConnectivity: %v", err)
	}
	e.srv.AdvanceClock(400 * 24 * time.Hour)
	if _, err := e.api.ListRoles(ctx, ""); err != nil {
		t.Fatal(err)
	}
	now, err := e.api.ServerNow(ctx)
	if err != nil {
		t.Fatal(err)
	}
	// The emulator's clock and the Date header have second precision.
	if diff := now.Sub(e.srv.Now()); diff < -time.Second || diff > 5*time.Second {
		t.Errorf("ServerNow = %s, emulator clock %s: the moved clock was not followed", now, e.srv.Now())
	}
	bad := e.clientWithKey(t, "not-a-key")
	if err := bad.CheckConnectivity(ctx); apiStatus(err) != http.StatusUnauthorized {
		t.Errorf("a wrong key gave %v, want a 401", err)
	}
}

func TestEmulatorRoles(t *testing.T) {
	e := startEmulator(t, nil)
	ctx := context.Background()

	catalog, err := e.api.ListPermissions(ctx)
	if err != nil || len(catalog) == 0 {
		t.Fatalf("ListPermissions = %d items, %v", len(catalog), err)
	}
	keys := []string{catalog[0].Key, catalog[1].Key}

	created, err := e.api.CreateRole(ctx, client.RoleCreate{Name: "O'Brien's ops", Description: "d",
		PermissionKeys: keys, AllowAPIKeyAssignment: true, AllowUserAccountAssignment: true})
	if err != nil {
		t.Fatalf("CreateRole: %v", err)
	}
	if created.ID == "" || created.Version == "" || created.Type != client.RoleTypeCustom || !sameSet(created.PermissionKeys, keys) {
		t.Errorf("created = %+v", created)
	}
	found, err := e.api.RefreshRoleByName(ctx, "O'Brien's ops")
	if err != nil || found.ID != created.ID {
		t.Errorf("RefreshRoleByName = %+v, %v", found, err)
	}
	if _, err := e.api.RefreshRoleByName(ctx, "O'Brien's ops' or name eq 'Auditor"); !client.IsNotFound(err) {
		t.Errorf("an injection attempt through the name found %v", err)
	}
	if perms, err := client.RolePermissions(ctx, e.api, created.ID); err != nil || !sameSet(perms, keys) {
		t.Errorf("RolePermissions = %v, %v", perms, err)
	}

	desc := "changed"
	if err := e.api.UpdateRole(ctx, created.ID, created.Version, client.RolePatch{Description: &desc}); err != nil {
		t.Fatalf("UpdateRole: %v", err)
	}
	err = e.api.UpdateRole(ctx, created.ID, created.Version, client.RolePatch{Description: &desc})
	if !client.IsPreconditionFailed(err) || !strings.Contains(err.Error(), "412 ConditionNotMet") {
		t.Errorf("UpdateRole with a stale ETag = %v, want a 412 ConditionNotMet", err)
	}
	if err := e.api.UpdateRole(ctx, created.ID, "", client.RolePatch{PermissionKeys: ptr(keys[:1])}); err != nil {
		t.Errorf("UpdateRole without an ETag: %v", err)
	}
	got, err := e.api.GetRole(ctx, created.ID)
	if err != nil || got.Description != "changed" || !sameSet(got.PermissionKeys, keys[:1]) {
		t.Errorf("GetRole after updates = %+v, %v", got, err)
	}

	if _, err := e.api.CreateRole(ctx, client.RoleCreate{Name: "o'brien's OPS", PermissionKeys: keys}); !client.IsAlreadyExists(err) {
		t.Errorf("a duplicate role gave %v, want IsAlreadyExists", err)
	}
	if _, err := e.api.CreateRole(ctx, client.RoleCreate{Name: "bad", PermissionKeys: []string{"no.such.key"}}); apiStatus(err) != http.StatusBadRequest {
		t.Errorf("an unknown permission key gave %v, want a 400", err)
	}
	auditor, err := e.api.RefreshRoleByName(ctx, "Auditor")
	if err != nil || auditor.Type != client.RoleTypePredefined {
		t.Fatalf("RefreshRoleByName(Auditor) = %+v, %v", auditor, err)
	}
	if err := e.api.DeleteRole(ctx, auditor.ID); apiStatus(err) != http.StatusBadRequest {
		t.Errorf("deleting a predefined role gave %v, want a 400", err)
	}

	if err := e.api.DeleteRole(ctx, created.ID); err != nil {
		t.Fatalf("DeleteRole: %v", err)
	}
	if _, err := e.api.GetRole(ctx, created.ID); !client.IsNotFound(err) {
		t.Errorf("GetRole after delete = %v, want IsNotFound", err)
	}
	if err := e.api.DeleteRole(ctx, created.ID); !client.IsNotFound(err) {
		t.Errorf("DeleteRole of a deleted role = %v, want IsNotFound", err)
	}
	roles, err := e.api.ListRoles(ctx, "")
	if err != nil || len(roles) < 8 {
		t.Errorf("ListRoles = %d roles, %v; want the predefined ones", len(roles), err)
	}
}

// TestRoleListingsWithoutPermissionKeys: against a tenant whose roles come without permissionKeys
// (API.md, "Decision: role bodies"), ListRoles reads each role's keys from /roles/{id}/permissions,
// one request per role. What needs no keys reads the listing alone: ListRoleSummaries in one
// request, and ListRolesAsListed too, FillPermissionKeys then reading the keys of the roles it is
// given alone. A lookup by name (RefreshRoleByName) reads the keys of the one role it finds,
// through the filter as through the whole listing (a name with a quote, or one the filter does not
// find). The lookup of the plan-time checks (RefreshRoleSummaryByName) reads no role's keys, and
// serves the lookups that follow from the listing it reads from the first.
func TestRoleListingsWithoutPermissionKeys(t *testing.T) {
	e := startEmulatorWith(t, emulator.Options{RolesOmitPermissionKeys: true}, nil)
	ctx := context.Background()
	keys := []string{"platform.userRoles.view"}
	const custom = 30
	for i := range custom {
		if _, err := e.api.CreateRole(ctx, client.RoleCreate{Name: fmt.Sprintf("r%02d", i), PermissionKeys: keys}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := e.api.CreateRole(ctx, client.RoleCreate{Name: "o'brien", PermissionKeys: keys}); err != nil {
		t.Fatal(err)
	}
	const list, permissions = "GET /v3.0/iam/roles", "GET /v3.0/iam/roles/{id}/permissions"
	// requests runs call with a client of its own, whose listings nothing has read yet, and counts
	// the listings of roles and the reads of a role's permissions it made.
	requests := func(call func(c *client.Client) error) (lists, reads int) {
		t.Helper()
		before := e.srv.Stats().Requests
		if err := call(e.clientWithKey(t, e.srv.AdminKey())); err != nil {
			t.Fatal(err)
		}
		after := e.srv.Stats().Requests
		return after[list] - before[list], after[permissions] - before[permissions]
	}

	var all []client.Role
	lists, reads := requests(func(c *client.Client) (err error) {
		all, err = c.ListRoles(ctx, "")
		return err
	})
	if lists != 1 || reads != len(all) || len(all) < custom+1 || slices.ContainsFunc(all, func(r client.Role) bool { return r.PermissionKeys == nil }) {
		t.Errorf("ListRoles: %d roles in %d listings and %d reads of permissions, want one listing and each role's keys read", len(all),
			lists, reads)
	}
	var summaries []client.Role
	lists, reads = requests(func(c *client.Client) (err error) {
		summaries, err = c.ListRoleSummaries(ctx, "")
		return err
	})
	if lists != 1 || reads != 0 || len(summaries) != len(all) ||
		slices.ContainsFunc(summaries, func(r client.Role) bool { return r.PermissionKeys != nil || r.ID == "" || r.Name == "" }) {
		t.Errorf("ListRoleSummaries: %d roles in %d listings and %d reads of permissions, want the %d roles in one listing, "+
			"without keys", len(summaries), lists, reads, len(all))
	}
	var filled client.Role
	lists, reads = requests(func(c *client.Client) error {
		listed, err := c.ListRolesAsListed(ctx, "")
		if err != nil || len(listed) != len(all) || slices.ContainsFunc(listed, func(r client.Role) bool { return r.PermissionKeys != nil }) {
			return fmt.Errorf("ListRolesAsListed = %d roles, %v; want the %d roles as listed, without keys", len(listed), err, len(all))
		}
		filled = listed[len(listed)-1]
		return c.FillPermissionKeys(ctx, &filled)
	})
	if lists != 1 || reads != 1 || filled.PermissionKeys == nil {
		t.Errorf("ListRolesAsListed and FillPermissionKeys of one role: %d listings and %d reads of permissions, keys %v; "+
			"want one listing and the one role's keys read", lists, reads, filled.PermissionKeys)
	}
	for name, want := range map[string]struct{ lists, reads int }{
		"r07":     {1, 1}, // filtered
		"o'brien": {1, 1}, // a quote: the whole listing at once
	} {
		var found *client.Role
		lists, reads = requests(func(c *client.Client) (err error) {
			found, err = c.RefreshRoleByName(ctx, name)
			return err
		})
		if lists != want.lists || reads != want.reads || found.Name != name || !slices.Equal(found.PermissionKeys, keys) {
			t.Errorf("RefreshRoleByName(%q) = %+v in %d listings and %d reads of permissions, want %d and %d, with its keys",
				name, found, lists, reads, want.lists, want.reads)
		}
	}
	// Not found by the filter, the name is looked for in the whole listing, and not found there either.
	lists, reads = requests(func(c *client.Client) error {
		if _, err := c.RefreshRoleByName(ctx, "R07"); !client.IsNotFound(err) {
			return fmt.Errorf("RefreshRoleByName(R07) = %v, want IsNotFound", err)
		}
		return nil
	})
	if lists != 2 || reads != 0 {
		t.Errorf("RefreshRoleByName of a name no role has: %d listings and %d reads of permissions, want 2 and none", lists, reads)
	}

	// The role of every key and account a plan creates: the listing, once, and no role's keys.
	names := []string{"r07", "o'brien", "Auditor"}
	for range 4 {
		names = append(names, names...)
	}
	lists, reads = requests(func(c *client.Client) error {
		var wg sync.WaitGroup
		errs := make([]error, len(names))
		for i, name := range names {
			wg.Go(func() {
				found, err := c.RefreshRoleSummaryByName(ctx, name)
				if err == nil && (found.Name != name || found.PermissionKeys != nil || found.ID == "") {
					err = fmt.Errorf("RefreshRoleSummaryByName(%q) = %+v, want the role without its keys", name, found)
				}
				errs[i] = err
			})
		}
		wg.Wait()
		return errors.Join(errs...)
	})
	if lists != 1 || reads != 0 {
		t.Errorf("%d lookups by RefreshRoleSummaryByName: %d listings and %d reads of permissions, want one listing and no read",
			len(names), lists, reads)
	}
	// A name the listing lacks is looked up afresh, as a role created since the listing may have it.
	lists, reads = requests(func(c *client.Client) error {
		if _, err := c.RefreshRoleSummaryByName(ctx, "R07"); !client.IsNotFound(err) {
			return fmt.Errorf("RefreshRoleSummaryByName(R07) = %v, want IsNotFound", err)
		}
		return nil
	})
	if lists != 3 || reads != 0 {
		t.Errorf("RefreshRoleSummaryByName of a name no role has: %d listings and %d reads of permissions, want the shared "+
			"listing, then the lookup's two, and no read", lists, reads)
	}
}

func TestEmulatorAccounts(t *testing.T) {
	e := startEmulator(t, nil)
	ctx := context.Background()
	const email = "o'brien+ops@example.com"

	before := e.srv.Stats().Requests
	invited, err := e.api.InviteAccount(ctx, client.AccountInvite{Email: email, Role: "Analyst", AuthType: client.AuthTypeLocal, Description: "d"})
	if err != nil {
		t.Fatalf("InviteAccount: %v", err)
	}
	want := client.Account{ID: invited.ID, Email: email, Role: "Analyst", AuthType: client.AuthTypeLocal, Status: client.StatusInvited, Description: "d"}
	if invited.ID == "" || !reflect.DeepEqual(*invited, want) {
		t.Errorf("invited = %+v, want the invitation as sent, status invited", invited)
	}
	// The invitation's answer and the request say everything the account has: no read back.
	if after := e.srv.Stats().Requests; after["POST /v3.0/iam/accounts"]-before["POST /v3.0/iam/accounts"] != 1 ||
		after["GET /v3.0/iam/accounts/{id}"] != before["GET /v3.0/iam/accounts/{id}"] {
		t.Errorf("requests %v: want the invitation alone", after)
	}
	read, err := e.api.GetAccount(ctx, invited.ID, "")
	if err != nil || read.Email != want.Email || read.Role != want.Role || read.AuthType != want.AuthType ||
		read.Status != want.Status || read.Description != want.Description {
		t.Errorf("GetAccount = %+v, %v; want what InviteAccount returned, %+v", read, err, want)
	}
	// A look-alike without the quote and the plus must not be taken for it.
	if _, err := e.api.InviteAccount(ctx, client.AccountInvite{Email: "obrien@example.com", Role: "Analyst", AuthType: client.AuthTypeLocal}); err != nil {
		t.Fatal(err)
	}
	found, err := e.api.FindAccountByEmail(ctx, strings.ToUpper(email))
	if err != nil || found.ID != invited.ID {
		t.Errorf("FindAccountByEmail = %+v, %v", found, err)
	}
	for _, attack := range []string{"x' or email eq 'obrien@example.com", "x') or (status eq 'invited", "obrien%40example.com"} {
		if acc, err := e.api.FindAccountByEmail(ctx, attack); !client.IsNotFound(err) {
			t.Errorf("FindAccountByEmail(%q) = %+v, %v; want IsNotFound", attack, acc, err)
		}
	}
	if _, err := e.api.InviteAccount(ctx, client.AccountInvite{Email: email, Role: "Analyst", AuthType: client.AuthTypeLocal}); !client.IsAlreadyExists(err) {
		t.Errorf("a duplicate invitation gave %v, want IsAlreadyExists", err)
	}

	disabled := client.StatusDisabled
	if err := e.api.UpdateAccount(ctx, invited.ID, "", client.AccountPatch{Status: &disabled}); apiStatus(err) != http.StatusBadRequest {
		t.Errorf("updating an invited account gave %v, want a 400: invited accounts cannot be updated", err)
	}
	permanent, err := e.srv.AcceptInvitation(invited.ID)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.api.GetAccount(ctx, invited.ID, ""); !client.IsNotFound(err) {
		t.Errorf("the temporary id still answers: %v", err)
	}
	account, err := e.api.GetAccount(ctx, permanent, "")
	if err != nil || account.Status != client.StatusEnabled {
		t.Fatalf("GetAccount(permanent) = %+v, %v", account, err)
	}
	role := "Auditor"
	if err := e.api.UpdateAccount(ctx, permanent, account.Version, client.AccountPatch{Status: &disabled, Role: &role}); err != nil {
		t.Fatalf("UpdateAccount: %v", err)
	}
	if err := e.api.UpdateAccount(ctx, permanent, account.Version, client.AccountPatch{Role: &role}); !client.IsPreconditionFailed(err) {
		t.Errorf("UpdateAccount with a stale ETag = %v, want a 412", err)
	}
	account, err = e.api.GetAccount(ctx, permanent, "")
	if err != nil || account.Status != client.StatusDisabled || account.Role != "Auditor" {
		t.Errorf("GetAccount after update = %+v, %v", account, err)
	}
	if err := e.api.DeleteAccount(ctx, permanent); err != nil {
		t.Fatalf("DeleteAccount: %v", err)
	}
	if err := e.api.DeleteAccount(ctx, permanent); !client.IsNotFound(err) {
		t.Errorf("DeleteAccount twice = %v, want IsNotFound", err)
	}
}

func TestEmulatorPaginationWithFilter(t *testing.T) {
	e := startEmulator(t, nil)
	ctx := context.Background()
	const locals, samls = 450, 30
	var wg sync.WaitGroup
	sem := make(chan struct{}, 8)
	for i := range locals + samls {
		wg.Go(func() {
			sem <- struct{}{}
			defer func() { <-sem }()
			authType := client.AuthTypeLocal
			if i >= locals {
				authType = client.AuthTypeSAML
			}
			if _, err := e.api.InviteAccount(ctx, client.AccountInvite{Email: fmt.Sprintf("u%03d@example.com", i), Role: "Analyst", AuthType: authType}); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	before := e.srv.Stats().Requests["GET /v3.0/iam/accounts"]
	accounts, err := e.api.ListAccounts(ctx, client.And(client.Eq("authType", client.AuthTypeLocal), client.Eq("status", client.StatusInvited)))
	if err != nil {
		t.Fatalf("ListAccounts: %v", err)
	}
	pages := e.srv.Stats().Requests["GET /v3.0/iam/accounts"] - before
	if len(accounts) != locals || pages != 3 {
		t.Fatalf("ListAccounts = %d accounts in %d pages, want %d in 3 pages of 200", len(accounts), pages, locals)
	}
	seen := map[string]bool{}
	for _, a := range accounts {
		if a.AuthType != client.AuthTypeLocal || seen[a.ID] {
			t.Fatalf("account %+v is of the wrong type or listed twice", a)
		}
		seen[a.ID] = true
	}
	all, err := e.api.ListAccounts(ctx, "")
	if err != nil || len(all) != locals+samls {
		t.Errorf("ListAccounts without a filter = %d, %v", len(all), err)
	}
}

func TestEmulatorAPIKeys(t *testing.T) {
	e := startEmulator(t, nil)
	ctx := context.Background()
	never := int64(0)
	created, err := e.api.CreateAPIKey(ctx, client.APIKeyCreate{Name: "auditor's key", Role: "Auditor", MonthsToExpiration: &never})
	if err != nil {
		t.Fatalf("CreateAPIKey: %v", err)
	}
	if created.ID == "" || created.Value == "" || isSet(created.ExpiredDateTime) {
		t.Errorf("created = id %q, value set %v, expiry %v; want a never-expiring key", created.ID, created.Value != "", created.ExpiredDateTime)
	}
	yearly, err := e.api.CreateAPIKey(ctx, client.APIKeyCreate{Name: "yearly", Role: "SIEM"})
	if err != nil || !isSet(yearly.ExpiredDateTime) {
		t.Fatalf("CreateAPIKey(yearly) = %+v, %v; want an expiry", yearly, err)
	}

	asKey := e.clientWithKey(t, created.Value)
	key, err := asKey.GetAPIKey(ctx, created.ID)
	if err != nil {
		t.Fatalf("the created key does not authenticate: %v", err)
	}
	if key.Name != "auditor's key" || key.Version == "" || isSet(key.ExpiredDateTime) || !isSet(key.CreatedDateTime) {
		t.Errorf("GetAPIKey = %+v", key)
	}
	if _, err := asKey.CreateAPIKey(ctx, client.APIKeyCreate{Name: "x", Role: "SIEM"}); apiStatus(err) != http.StatusForbidden {
		t.Errorf("an Auditor key creating a key gave %v, want a 403", err)
	}
	found, err := e.api.FindAPIKeyByName(ctx, "AUDITOR'S KEY")
	if err != nil || found.ID != created.ID {
		t.Errorf("FindAPIKeyByName = %+v, %v", found, err)
	}
	keys, err := e.api.ListAPIKeys(ctx, client.Eq("role", "SIEM"))
	if err != nil || len(keys) != 1 || keys[0].ID != yearly.ID {
		t.Errorf("ListAPIKeys(role SIEM) = %+v, %v", keys, err)
	}

	_, err = e.api.CreateAPIKey(ctx, client.APIKeyCreate{Name: "Yearly", Role: "SIEM"})
	var apiErr *client.APIError
	if !client.IsAlreadyExists(err) || !errors.As(err, &apiErr) || apiErr.Item != "Yearly" {
		t.Errorf("a duplicate name gave %v, want a failed item naming it", err)
	}
	if _, err := e.api.CreateAPIKey(ctx, client.APIKeyCreate{Name: "ma", Role: client.MasterAdministratorRole}); apiStatus(err) != http.StatusBadRequest {
		t.Errorf("a Master Administrator key gave %v, want a 400 item", err)
	}

	disabled := client.StatusDisabled
	if err := e.api.UpdateAPIKey(ctx, created.ID, key.Version, client.APIKeyPatch{Status: &disabled}); err != nil {
		t.Fatalf("UpdateAPIKey: %v", err)
	}
	if err := e.api.UpdateAPIKey(ctx, created.ID, key.Version, client.APIKeyPatch{Status: &disabled}); !client.IsPreconditionFailed(err) {
		t.Errorf("UpdateAPIKey with a stale ETag = %v, want a 412", err)
	}
	if err := asKey.CheckConnectivity(ctx); apiStatus(err) != http.StatusUnauthorized {
		t.Errorf("a disabled key still authenticates: %v", err)
	}

	if err := e.api.DeleteAPIKeys(ctx, created.ID, "00000000-0000-0000-0000-000000000000"); err != nil {
		t.Errorf("DeleteAPIKeys with an unknown id: %v, want the 404 item counted as deleted", err)
	}
	if _, err := e.api.GetAPIKey(ctx, created.ID); !client.IsNotFound(err) {
		t.Errorf("GetAPIKey after delete = %v, want IsNotFound", err)
	}
	if err := e.api.DeleteAPIKeys(ctx); err != nil {
		t.Errorf("DeleteAPIKeys of nothing: %v", err)
	}
}

// TestEmulatorAmbiguousCreates drops the connection after the API has applied the first create,
// as a dying gateway would, and checks that no duplicate and no orphan is left.
func TestEmulatorAmbiguousCreates(t *testing.T) {
	dropAfterWrite := emulator.Faults{AfterWriteDropRate: 1}
	ctx := context.Background()

	t.Run("role is adopted", func(t *testing.T) {
		e := startEmulator(t, faultOnce(dropAfterWrite, isPost("/v3.0/iam/roles")))
		role, err := e.api.CreateRole(ctx, client.RoleCreate{Name: "ops", PermissionKeys: []string{"platform.userRoles.view"}})
		if err != nil {
			t.Fatalf("CreateRole: %v", err)
		}
		stats := e.srv.Stats()
		if stats.FaultsInjected != 1 || stats.Requests["POST /v3.0/iam/roles"] != 1 || stats.Objects["roles"] != 1 {
			t.Errorf("stats %+v: want the one create, dropped, and one custom role", stats)
		}
		if got, err := e.api.RefreshRoleByName(ctx, "ops"); err != nil || got.ID != role.ID {
			t.Errorf("the role returned (%s) is not the one stored: %+v, %v", role.ID, got, err)
		}
	})

	t.Run("account is adopted", func(t *testing.T) {
		e := startEmulator(t, faultOnce(dropAfterWrite, isPost("/v3.0/iam/accounts")))
		account, err := e.api.InviteAccount(ctx, client.AccountInvite{Email: "a'b@example.com", Role: "Analyst", AuthType: client.AuthTypeLocal})
		if err != nil {
			t.Fatalf("InviteAccount: %v", err)
		}
		stats := e.srv.Stats()
		if stats.FaultsInjected != 1 || stats.Requests["POST /v3.0/iam/accounts"] != 1 || stats.Objects["accounts"] != 1 {
			t.Errorf("stats %+v: want the one invite, dropped, and one account", stats)
		}
		if account.Email != "a'b@example.com" || account.Status != client.StatusInvited || account.Name == "" {
			t.Errorf("account = %+v, want the account found by its email", account)
		}
	})

	// An account's creation time cannot be relied on, so an account found by email after an
	// ambiguous invitation is adopted only when it is the invitation sent: invited, with its role,
	// auth type and description.
	for name, tc := range map[string]struct {
		prepare func(t *testing.T, e *emulated, id string)
		invite  client.AccountInvite
	}{
		"active account of that email is left alone": {
			prepare: func(t *testing.T, e *emulated, id string) {
				if _, err := e.srv.AcceptInvitation(id); err != nil {
					t.Fatal(err)
				}
			},
			invite: client.AccountInvite{Email: "Ann@example.com", Role: "Auditor", AuthType: client.AuthTypeLocal},
		},
		"invitation with another role is left alone": {
			invite: client.AccountInvite{Email: "ann@example.com", Role: "Analyst", AuthType: client.AuthTypeLocal},
		},
		"invitation with another description is left alone": {
			invite: client.AccountInvite{Email: "ann@example.com", Role: "Auditor", AuthType: client.AuthTypeLocal, Description: "ops"},
		},
	} {
		t.Run(name, func(t *testing.T) {
			secondInvite := nthRequest(2, isPost("/v3.0/iam/accounts"))
			e := startEmulator(t, faultOnce(emulator.Faults{DropRate: 1}, secondInvite))
			older, err := e.api.InviteAccount(ctx, client.AccountInvite{Email: "ann@example.com", Role: "Auditor", AuthType: client.AuthTypeLocal})
			if err != nil {
				t.Fatal(err)
			}
			if tc.prepare != nil {
				tc.prepare(t, e, older.ID)
			}
			// The connection of this invitation is dropped before the API acts on it; the lookup
			// finds the older account, which the client must not take for its own.
			_, err = e.api.InviteAccount(ctx, tc.invite)
			if !client.IsAlreadyExists(err) {
				t.Fatalf("InviteAccount = %v, want a duplicate error", err)
			}
			if stats := e.srv.Stats(); stats.Requests["POST /v3.0/iam/accounts"] != 2 || stats.Objects["accounts"] != 1 {
				t.Errorf("stats %+v: want two invitations, the second dropped, and one account", stats)
			}
		})
	}

	t.Run("API key is replaced, its value works", func(t *testing.T) {
		e := startEmulator(t, faultOnce(dropAfterWrite, isPost("/v3.0/iam/apiKeys")))
		created, err := e.api.CreateAPIKey(ctx, client.APIKeyCreate{Name: "splunk", Role: "Auditor"})
		if err != nil {
			t.Fatalf("CreateAPIKey: %v", err)
		}
		stats := e.srv.Stats()
		if stats.FaultsInjected != 1 || stats.Requests["POST /v3.0/iam/apiKeys"] != 2 ||
			stats.Requests["POST /v3.0/iam/apiKeys/delete"] != 1 || stats.Objects["apiKeys"] != 1 {
			t.Errorf("stats %+v: want create (dropped), delete of the secretless key, create again; one key left", stats)
		}
		keys, err := e.api.ListAPIKeys(ctx, client.Eq("name", "splunk"))
		if err != nil || len(keys) != 1 || keys[0].ID != created.ID {
			t.Fatalf("keys named splunk: %+v, %v; want exactly the returned one", keys, err)
		}
		if _, err := e.clientWithKey(t, created.Value).GetAPIKey(ctx, created.ID); err != nil {
			t.Errorf("the returned value does not authenticate: %v", err)
		}
	})

	// A tenant whose keys carry no creation time (Trend's mock shows none): the key the lost answer
	// made cannot be told from someone else's, so it is neither adopted nor deleted, and nothing is
	// created twice.
	t.Run("API key without timestamps is left alone, not made twice", func(t *testing.T) {
		e := startEmulatorWith(t, emulator.Options{APIKeysOmitTimestamps: true}, faultOnce(dropAfterWrite, isPost("/v3.0/iam/apiKeys")))
		_, err := e.api.CreateAPIKey(ctx, client.APIKeyCreate{Name: "splunk", Role: "Auditor"})
		if !client.IsAlreadyExists(err) || !strings.Contains(err.Error(), "does not say when it was created") {
			t.Fatalf("CreateAPIKey = %v, want a duplicate error explaining the key cannot be dated", err)
		}
		stats := e.srv.Stats()
		if stats.FaultsInjected != 1 || stats.Requests["POST /v3.0/iam/apiKeys"] != 1 ||
			stats.Requests["POST /v3.0/iam/apiKeys/delete"] != 0 || stats.Objects["apiKeys"] != 1 {
			t.Errorf("stats %+v: want the one create (dropped), no delete, one key", stats)
		}
	})

	t.Run("older API key of that name is left alone", func(t *testing.T) {
		secondCreate := nthRequest(2, isPost("/v3.0/iam/apiKeys"))
		e := startEmulator(t, faultOnce(emulator.Faults{DropRate: 1}, secondCreate))
		older, err := e.api.CreateAPIKey(ctx, client.APIKeyCreate{Name: "splunk", Role: "Auditor"})
		if err != nil {
			t.Fatal(err)
		}
		e.srv.AdvanceClock(time.Hour)
		// The connection of this create is dropped before the API acts on it; the lookup finds the
		// older key, which the client must not take for its own.
		_, err = e.api.CreateAPIKey(ctx, client.APIKeyCreate{Name: "Splunk", Role: "Auditor"})
		if !client.IsAlreadyExists(err) {
			t.Fatalf("CreateAPIKey = %v, want a duplicate error", err)
		}
		stats := e.srv.Stats()
		if stats.Requests["POST /v3.0/iam/apiKeys/delete"] != 0 || stats.Requests["POST /v3.0/iam/apiKeys"] != 2 {
			t.Errorf("requests %v: want no delete and no third create", stats.Requests)
		}
		if _, err := e.api.GetAPIKey(ctx, older.ID); err != nil {
			t.Errorf("the older key was touched: %v", err)
		}
	})
}

// timedOutAfterApplying lets the emulator apply the first request that match selects, and answers
// it with Vision One's 400 RequestTimeout instead of the emulator's answer: the API gave up on a
// request that it carried out all the same.
func timedOutAfterApplying(match func(*http.Request) bool) func(*emulator.Server, http.Handler) http.Handler {
	return func(_ *emulator.Server, next http.Handler) http.Handler {
		var mu sync.Mutex
		done := false
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			mu.Lock()
			defer mu.Unlock()
			if done || !match(r) {
				next.ServeHTTP(w, r)
				return
			}
			done = true
			next.ServeHTTP(httptest.NewRecorder(), r)
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusBadRequest)
			_, _ = io.WriteString(w, `{"error":{"code":"RequestTimeout","message":"The request timed out."}}`)
		})
	}
}

// TestEmulatorCreatesThatTimedOut: a create answered 400 RequestTimeout may have been made, so it
// is resolved as a lost answer: the object is looked up before anything is sent again, and adopted
// (a key, whose secret never arrived, is replaced), never left behind unrecorded.
func TestEmulatorCreatesThatTimedOut(t *testing.T) {
	ctx := context.Background()
	for name, tc := range map[string]struct {
		path   string
		create func(c *client.Client) error
		// requests is how many creates the API gets; objects what it holds afterwards.
		requests int
		objects  string
	}{
		"invitation": {path: "/v3.0/iam/accounts", requests: 1, objects: "accounts", create: func(c *client.Client) error {
			_, err := c.InviteAccount(ctx, client.AccountInvite{Email: "ann@example.com", Role: "Analyst", AuthType: client.AuthTypeLocal})
			return err
		}},
		"role": {path: "/v3.0/iam/roles", requests: 1, objects: "roles", create: func(c *client.Client) error {
			_, err := c.CreateRole(ctx, client.RoleCreate{Name: "ops", PermissionKeys: []string{"platform.userRoles.view"}})
			return err
		}},
		"API key": {path: createKeysPath, requests: 2, objects: "apiKeys", create: func(c *client.Client) error {
			_, err := c.CreateAPIKey(ctx, client.APIKeyCreate{Name: "splunk", Role: "Auditor"})
			return err
		}},
	} {
		t.Run(name, func(t *testing.T) {
			e := startEmulator(t, timedOutAfterApplying(isPost(tc.path)))
			before := e.srv.Stats().Objects[tc.objects]
			if err := tc.create(e.api); err != nil {
				t.Fatalf("create = %v, want the object adopted", err)
			}
			stats := e.srv.Stats()
			if stats.Requests["POST "+tc.path] != tc.requests || stats.Objects[tc.objects] != before+1 {
				t.Errorf("stats %+v: want %d creates and one new object", stats, tc.requests)
			}
		})
	}
}

// TestEmulatorUnderFaults runs a whole lifecycle of each object against an emulator that fails
// a share of all requests (5xx, dropped connections, dropped answers to applied writes) and checks
// the end state: everything created exactly once, everything deleted.
func TestEmulatorUnderFaults(t *testing.T) {
	e := startEmulator(t, nil)
	ctx := context.Background()
	api, err := client.New(client.Config{Endpoint: e.url, APIKey: e.srv.AdminKey(), RequestsPerMinute: -1, MaxRetries: 12,
		RetryBaseDelay: time.Millisecond, RetryMaxDelay: 10 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	e.srv.SetFaults(emulator.Faults{ErrorRate: 0.2, Statuses: []int{500, 502, 503}, DropRate: 0.1, AfterWriteDropRate: 0.2})
	const n = 6
	for i := range n {
		name := fmt.Sprintf("role-%d", i)
		role, err := api.CreateRole(ctx, client.RoleCreate{Name: name, PermissionKeys: []string{"platform.userRoles.view"},
			AllowUserAccountAssignment: true})
		if err != nil {
			t.Fatalf("CreateRole(%s): %v", name, err)
		}
		desc := "v2"
		if err := api.UpdateRole(ctx, role.ID, role.Version, client.RolePatch{Description: &desc}); err != nil {
			t.Fatalf("UpdateRole(%s): %v", name, err)
		}
		account, err := api.InviteAccount(ctx, client.AccountInvite{Email: name + "@example.com", Role: name, AuthType: client.AuthTypeLocal})
		if err != nil {
			t.Fatalf("InviteAccount(%s): %v", name, err)
		}
		accountID, err := e.srv.AcceptInvitation(account.ID)
		if err != nil {
			t.Fatal(err)
		}
		if err := api.UpdateAccount(ctx, accountID, "", client.AccountPatch{Description: &desc}); err != nil {
			t.Fatalf("UpdateAccount(%s): %v", name, err)
		}
		key, err := api.CreateAPIKey(ctx, client.APIKeyCreate{Name: name, Role: "SIEM"})
		if err != nil {
			t.Fatalf("CreateAPIKey(%s): %v", name, err)
		}
		if key.Value == "" {
			t.Fatalf("CreateAPIKey(%s) returned no value", name)
		}
		if err := api.UpdateAPIKey(ctx, key.ID, "", client.APIKeyPatch{Description: &desc}); err != nil {
			t.Fatalf("UpdateAPIKey(%s): %v", name, err)
		}
	}
	e.srv.SetFaults(emulator.Faults{})
	stats := e.srv.Stats()
	if stats.FaultsInjected == 0 {
		t.Fatal("no fault was injected; the test proves nothing")
	}
	if stats.Objects["roles"] != n || stats.Objects["accounts"] != n || stats.Objects["apiKeys"] != n {
		t.Errorf("objects %v after %d faults, want exactly %d of each", stats.Objects, stats.FaultsInjected, n)
	}
	roles, err := e.api.ListRoles(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	updated := 0
	for _, r := range roles {
		if r.Description == "v2" {
			updated++
		}
	}
	accounts, err := e.api.ListAccounts(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	keys, err := e.api.ListAPIKeys(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range accounts {
		if a.Description == "v2" {
			updated++
		}
	}
	for _, k := range keys {
		if k.Description == "v2" {
			updated++
		}
	}
	if updated != 3*n {
		t.Errorf("%d objects were updated, want %d", updated, 3*n)
	}
	t.Logf("%d faults injected over %v requests", stats.FaultsInjected, stats.Requests)
}

// TestEmulatorErrorAnswers: a request body over the API's limit and an injected server error reach
// the caller as the API's error, with its code and inner error.
func TestEmulatorErrorAnswers(t *testing.T) {
	e := startEmulator(t, nil)
	ctx := context.Background()
	_, err := e.api.CreateRole(ctx, client.RoleCreate{Name: "huge", Description: strings.Repeat("a", 4<<20)})
	var apiErr *client.APIError
	if !errors.As(err, &apiErr) || apiErr.StatusCode != http.StatusRequestEntityTooLarge || apiErr.Code != "RequestEntityTooLarge" {
		t.Errorf("a 4 MB body gave %v, want the API's 413", err)
	}

	e.srv.SetFaults(emulator.Faults{ErrorRate: 1, Statuses: []int{http.StatusServiceUnavailable}})
	api, err := client.New(client.Config{Endpoint: e.url, APIKey: e.srv.AdminKey(), RequestsPerMinute: -1, MaxRetries: client.NoRetries})
	if err != nil {
		t.Fatal(err)
	}
	_, err = api.ListRoles(ctx, "")
	if !errors.As(err, &apiErr) || apiErr.StatusCode != http.StatusServiceUnavailable || apiErr.InnerCode != "InjectedFault" ||
		!strings.Contains(err.Error(), "(InjectedFault: injected by the emulator's fault injection)") {
		t.Errorf("an injected 503 gave %v, want its inner error", err)
	}
}

func sameSet(a, b []string) bool {
	a, b = slices.Clone(a), slices.Clone(b)
	slices.Sort(a)
	slices.Sort(b)
	return slices.Equal(a, b)
}

// TestEmulatorFindAccountByEmail finds an account by an email too long to filter on (the accounts
// filter takes 256 characters, an email may have as many), and by an email that a list filtering
// case-sensitively would miss, as the API's may: both from the unfiltered list.
func TestEmulatorFindAccountByEmail(t *testing.T) {
	ctx := context.Background()
	t.Run("email too long for the filter", func(t *testing.T) {
		e := startEmulator(t, nil)
		long := strings.Repeat("a", 64) + "@" + strings.Repeat("b", 63) + "." + strings.Repeat("c", 63) + "." + strings.Repeat("d", 59) + ".com"
		invited, err := e.api.InviteAccount(ctx, client.AccountInvite{Email: long, Role: "Auditor", AuthType: client.AuthTypeLocal})
		if err != nil {
			t.Fatal(err)
		}
		found, err := e.api.FindAccountByEmail(ctx, strings.ToUpper(long))
		if err != nil || found.ID != invited.ID {
			t.Fatalf("FindAccountByEmail = %+v, %v; want the account %s", found, err, invited.ID)
		}
	})
	t.Run("filter comparing case-sensitively", func(t *testing.T) {
		// A list that compares case-sensitively finds nothing for another spelling.
		caseSensitive := func(_ *emulator.Server, next http.Handler) http.Handler {
			return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if r.Method == http.MethodGet && r.URL.Path == "/v3.0/iam/accounts" && r.Header.Get("TMV1-Filter") != "" {
					_, _ = io.WriteString(w, `{"items": [], "totalCount": 0, "count": 0}`)
					return
				}
				next.ServeHTTP(w, r)
			})
		}
		e := startEmulator(t, caseSensitive)
		invited, err := e.api.InviteAccount(ctx, client.AccountInvite{Email: "ann@example.com", Role: "Auditor", AuthType: client.AuthTypeLocal})
		if err != nil {
			t.Fatal(err)
		}
		found, err := e.api.FindAccountByEmail(ctx, "Ann@Example.com")
		if err != nil || found.ID != invited.ID {
			t.Fatalf("FindAccountByEmail = %+v, %v; want the account %s", found, err, invited.ID)
		}
		if _, err := e.api.FindAccountByEmail(ctx, "bob@example.com"); !client.IsNotFound(err) {
			t.Errorf("FindAccountByEmail of a missing email = %v, want not found", err)
		}
	})
}

// rewriteNextLinkHost puts host into the nextLink of every list page the emulator answers, as an
// API that builds its links from an internal or alias host name would.
func rewriteNextLinkHost(host string) func(*emulator.Server, http.Handler) http.Handler {
	return func(_ *emulator.Server, next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			rec := httptest.NewRecorder()
			next.ServeHTTP(rec, r)
			body := rec.Body.Bytes()
			var page map[string]any
			if json.Unmarshal(body, &page) == nil {
				if link, ok := page["nextLink"].(string); ok {
					if u, err := url.Parse(link); err == nil {
						u.Host = host
						page["nextLink"] = u.String()
						body, _ = json.Marshal(page)
					}
				}
			}
			for k, v := range rec.Header() {
				w.Header()[k] = v
			}
			w.Header().Del("Content-Length")
			w.WriteHeader(rec.Code)
			_, _ = w.Write(body)
		})
	}
}

// TestEmulatorNextLinkOnAnotherHostName lists more roles than a page holds from an API whose
// nextLink names another host (an alias of the API, or a host only reachable inside Trend): the
// client sends the link's path and query to its own base URL, as Trend's SDK does, and gets every
// role; the host named in the link gets no request, so the key never goes there.
func TestEmulatorNextLinkOnAnotherHostName(t *testing.T) {
	var elsewhere atomic.Int32
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		elsewhere.Add(1)
		http.Error(w, "not the API", http.StatusTeapot)
	}))
	t.Cleanup(other.Close)
	e := startEmulator(t, rewriteNextLinkHost(strings.TrimPrefix(other.URL, "http://")))
	ctx := context.Background()
	predefined, err := e.api.ListRoles(ctx, "")
	if err != nil {
		t.Fatalf("ListRoles: %v", err)
	}
	custom := 201 - len(predefined) + 12 // more than one page of 200
	var wg sync.WaitGroup
	sem := make(chan struct{}, 8)
	for i := range custom {
		wg.Go(func() {
			sem <- struct{}{}
			defer func() { <-sem }()
			if _, err := e.api.CreateRole(ctx, client.RoleCreate{Name: fmt.Sprintf("role %03d", i)}); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	before := e.srv.Stats().Requests["GET /v3.0/iam/roles"]
	roles, err := e.api.ListRoles(ctx, "")
	if err != nil {
		t.Fatalf("ListRoles: %v", err)
	}
	if want := len(predefined) + custom; len(roles) != want {
		t.Errorf("ListRoles = %d roles, want %d", len(roles), want)
	}
	if pages := e.srv.Stats().Requests["GET /v3.0/iam/roles"] - before; pages != 2 {
		t.Errorf("the listing took %d requests to the API, want 2 pages", pages)
	}
	if elsewhere.Load() != 0 {
		t.Errorf("the host named in the nextLink got %d requests, want none", elsewhere.Load())
	}
}

// filterMishandled answers every filtered list as an API that handles some filters otherwise than
// the emulator might: answer is called with the filter and writes the answer, or returns false to
// let the emulator answer.
func filterMishandled(answer func(w http.ResponseWriter, filter string) bool) func(*emulator.Server, http.Handler) http.Handler {
	return func(_ *emulator.Server, next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if filter := r.Header.Get("TMV1-Filter"); r.Method != http.MethodGet || filter == "" || !answer(w, filter) {
				next.ServeHTTP(w, r)
			}
		})
	}
}

// TestEmulatorLookupsWhateverTheFilterMakesOfQuotes: how a quote inside a filter value is escaped
// is not published; whether the API finds nothing for a doubled quote, refuses it with a 400, or
// filters on nothing at all, a role, key and account whose name or email holds a quote are found,
// as is a role whose name a filter misses, by the one rule of the three lookups.
func TestEmulatorLookupsWhateverTheFilterMakesOfQuotes(t *testing.T) {
	const (
		roleName = "SOC l'équipe"
		keyName  = "l'intégration"
		email    = "o'brien@example.com"
	)
	empty := func(w http.ResponseWriter) {
		writeJSON(w, http.StatusOK, `{"items": [], "totalCount": 0, "count": 0}`)
	}
	for name, answer := range map[string]func(w http.ResponseWriter, filter string) bool{
		"a doubled quote matches nothing": func(w http.ResponseWriter, filter string) bool {
			if !strings.Contains(filter, "''") {
				return false
			}
			empty(w)
			return true
		},
		"a doubled quote is refused": func(w http.ResponseWriter, filter string) bool {
			if !strings.Contains(filter, "''") {
				return false
			}
			writeJSON(w, http.StatusBadRequest, `{"error": {"code": "BadRequest", "message": "Invalid TMV1-Filter."}}`)
			return true
		},
		"a filter matches nothing": func(w http.ResponseWriter, _ string) bool {
			empty(w)
			return true
		},
	} {
		t.Run(name, func(t *testing.T) {
			e := startEmulator(t, filterMishandled(answer))
			ctx := context.Background()
			role, err := e.api.CreateRole(ctx, client.RoleCreate{Name: roleName, AllowAPIKeyAssignment: true, AllowUserAccountAssignment: true})
			if err != nil {
				t.Fatalf("CreateRole: %v", err)
			}
			key, err := e.api.CreateAPIKey(ctx, client.APIKeyCreate{Name: keyName, Role: roleName})
			if err != nil {
				t.Fatalf("CreateAPIKey: %v", err)
			}
			account, err := e.api.InviteAccount(ctx, client.AccountInvite{Email: email, Role: roleName, AuthType: client.AuthTypeLocal})
			if err != nil {
				t.Fatalf("InviteAccount: %v", err)
			}
			lookups := e.clientWithKey(t, e.srv.AdminKey()) // a fresh client: nothing cached
			if found, err := lookups.RefreshRoleByName(ctx, roleName); err != nil || found.ID != role.ID {
				t.Errorf("RefreshRoleByName = %+v, %v; want the role %s", found, err, role.ID)
			}
			if found, err := lookups.RefreshRoleByName(ctx, "Analyst"); err != nil || found.Name != "Analyst" {
				t.Errorf("RefreshRoleByName(Analyst) = %+v, %v; want the predefined role", found, err)
			}
			if found, err := lookups.FindAPIKeyByName(ctx, keyName); err != nil || found.ID != key.ID {
				t.Errorf("FindAPIKeyByName = %+v, %v; want the key %s", found, err, key.ID)
			}
			if found, err := lookups.FindAccountByEmail(ctx, email); err != nil || found.ID != account.ID {
				t.Errorf("FindAccountByEmail = %+v, %v; want the account %s", found, err, account.ID)
			}
			if _, err := lookups.RefreshRoleByName(ctx, "soc l'équipe"); !client.IsNotFound(err) {
				t.Errorf("RefreshRoleByName in another case = %v, want not found: a role is named exactly", err)
			}
		})
	}
}

// TestEmulatorListAPIKeysMatching lists keys by name, role and status from an API that refuses a
// doubled quote in a filter (as it may: API.md, "Decision: filter escaping"): a name in another
// case is found in a second listing of the keys the other fields select, a role or name with a
// quote is compared by the client in one listing, and nothing else takes a second request but a
// query that finds no key, which reads one listing more for each of its name and role (a role
// whose name the filter compares otherwise: TestEmulatorRoleHoldersInAnotherNormalForm).
func TestEmulatorListAPIKeysMatching(t *testing.T) {
	e := startEmulator(t, filterMishandled(func(w http.ResponseWriter, filter string) bool {
		if !strings.Contains(filter, "''") {
			return false
		}
		writeJSON(w, http.StatusBadRequest, `{"error": {"code": "BadRequest", "message": "Invalid TMV1-Filter."}}`)
		return true
	}))
	ctx := context.Background()
	const quotedRole = "SOC l'équipe"
	if _, err := e.api.CreateRole(ctx, client.RoleCreate{Name: quotedRole, AllowAPIKeyAssignment: true}); err != nil {
		t.Fatalf("CreateRole: %v", err)
	}
	for _, key := range []client.APIKeyCreate{
		{Name: "Splunk-Forwarder", Role: "SIEM"},
		{Name: "soar", Role: "SOAR", Status: client.StatusDisabled},
		{Name: "l'intégration", Role: quotedRole},
		{Name: "l'ancienne", Role: quotedRole, Status: client.StatusDisabled},
	} {
		if _, err := e.api.CreateAPIKey(ctx, key); err != nil {
			t.Fatalf("CreateAPIKey(%s): %v", key.Name, err)
		}
	}
	of := func(s string) *string { return &s }
	e.expectAPIKeyQueries(t, []apiKeyQuery{
		{"every key", client.APIKeyQuery{}, []string{"Splunk-Forwarder", "l'ancienne", "l'intégration", "soar"}, 1},
		{"name as written", client.APIKeyQuery{Name: of("Splunk-Forwarder")}, []string{"Splunk-Forwarder"}, 1},
		{"name in another case", client.APIKeyQuery{Name: of("splunk-forwarder")}, []string{"Splunk-Forwarder"}, 2},
		{"name in another case and its role", client.APIKeyQuery{Name: of("SPLUNK-FORWARDER"), Role: of("SIEM")}, []string{"Splunk-Forwarder"}, 2},
		{"name in another case and another role", client.APIKeyQuery{Name: of("splunk-forwarder"), Role: of("SOAR")}, nil, 3},
		{"missing name", client.APIKeyQuery{Name: of("missing")}, nil, 2},
		{"status", client.APIKeyQuery{Status: of(client.StatusDisabled)}, []string{"l'ancienne", "soar"}, 1},
		{"role with a quote", client.APIKeyQuery{Role: of(quotedRole)}, []string{"l'ancienne", "l'intégration"}, 1},
		{"role with a quote and status", client.APIKeyQuery{Role: of(quotedRole), Status: of(client.StatusEnabled)}, []string{"l'intégration"}, 1},
		{"name with a quote in another case", client.APIKeyQuery{Name: of("L'INTÉGRATION")}, []string{"l'intégration"}, 1},
		{"name with a quote and another status", client.APIKeyQuery{Name: of("l'intégration"), Status: of(client.StatusDisabled)}, nil, 1},
	})
}

// apiKeyQuery is a case of expectAPIKeyQueries: the names of the keys query selects, sorted, and
// the listings of keys it reads.
type apiKeyQuery struct {
	name     string
	query    client.APIKeyQuery
	want     []string
	listings int
}

// expectAPIKeyQueries runs ListAPIKeysMatching for each case, as a subtest of its name.
func (e *emulated) expectAPIKeyQueries(t *testing.T, cases []apiKeyQuery) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			before := e.srv.Stats().Requests["GET /v3.0/iam/apiKeys"]
			keys, err := e.api.ListAPIKeysMatching(context.Background(), tc.query)
			if err != nil {
				t.Fatalf("ListAPIKeysMatching(%q): %v", tc.query.Filter(), err)
			}
			var names []string
			for _, k := range keys {
				names = append(names, k.Name)
			}
			slices.Sort(names)
			if !slices.Equal(names, tc.want) {
				t.Errorf("ListAPIKeysMatching(%q) = %q, want %q", tc.query.Filter(), names, tc.want)
			}
			if got := e.srv.Stats().Requests["GET /v3.0/iam/apiKeys"] - before; got != tc.listings {
				t.Errorf("ListAPIKeysMatching(%q) read %d listings, want %d", tc.query.Filter(), got, tc.listings)
			}
		})
	}
}

// TestEmulatorRoleHoldersInAnotherNormalForm: a role that the console stored decomposed (NFD) is
// named by its holders as stored, and asked for by the composed spelling Terraform writes (NFC).
// The accounts and API keys that have it are found by that spelling, as the role itself is
// (SameSpelling): the keys in a second listing, when the API's filter by role compares the bytes
// and finds none, and only then. A role in another letter case is no role of theirs.
func TestEmulatorRoleHoldersInAnotherNormalForm(t *testing.T) {
	e := startEmulator(t, nil)
	ctx := context.Background()
	const decomposed, composed = "E\u0301quipe", "\u00c9quipe"
	if _, err := e.api.CreateRole(ctx, client.RoleCreate{Name: decomposed, AllowAPIKeyAssignment: true,
		AllowUserAccountAssignment: true}); err != nil {
		t.Fatalf("CreateRole: %v", err)
	}
	for _, key := range []client.APIKeyCreate{
		{Name: "audit", Role: decomposed},
		{Name: "sleeping", Role: decomposed, Status: client.StatusDisabled},
		{Name: "siem", Role: "SIEM"},
	} {
		if _, err := e.api.CreateAPIKey(ctx, key); err != nil {
			t.Fatalf("CreateAPIKey(%s): %v", key.Name, err)
		}
	}
	for email, role := range map[string]string{"holder@example.com": decomposed, "other@example.com": "Auditor"} {
		if _, err := e.api.InviteAccount(ctx, client.AccountInvite{Email: email, Role: role, AuthType: client.AuthTypeLocal}); err != nil {
			t.Fatalf("InviteAccount(%s): %v", email, err)
		}
	}

	accounts, err := e.api.ListAccountsWithRole(ctx, "", composed)
	if err != nil || len(accounts) != 1 || accounts[0].Email != "holder@example.com" {
		t.Errorf("ListAccountsWithRole(%q) = %+v, %v; want the account holder@example.com", composed, accounts, err)
	}
	if accounts, err := e.api.ListAccountsWithRole(ctx, "", "\u00e9quipe"); err != nil || len(accounts) != 0 {
		t.Errorf("ListAccountsWithRole in another letter case = %+v, %v; want none", accounts, err)
	}

	of := func(s string) *string { return &s }
	e.expectAPIKeyQueries(t, []apiKeyQuery{
		{"role as stored", client.APIKeyQuery{Role: of(decomposed)}, []string{"audit", "sleeping"}, 1},
		{"role composed", client.APIKeyQuery{Role: of(composed)}, []string{"audit", "sleeping"}, 2},
		{"role composed and status", client.APIKeyQuery{Role: of(composed), Status: of(client.StatusEnabled)}, []string{"audit"}, 2},
		{"role composed and name in another case", client.APIKeyQuery{Name: of("AUDIT"), Role: of(composed)}, []string{"audit"}, 3},
		{"role in another letter case", client.APIKeyQuery{Role: of("\u00e9quipe")}, nil, 2},
		{"role of other keys", client.APIKeyQuery{Role: of("SIEM")}, []string{"siem"}, 1},
	})
}

// TestEmulatorRefusedEditOfMigratedKey: the 403 to the update of a key moved from the User
// Accounts app says that it edits a key, and whether a call needing the same permission has
// succeeded through the client before: a read (another permission) does not count, a change of
// another key does (API.md, "Decision: migrated API keys").
func TestEmulatorRefusedEditOfMigratedKey(t *testing.T) {
	t.Parallel()
	e := startEmulator(t, nil)
	ctx := t.Context()
	migrated, err := e.api.CreateAPIKey(ctx, client.APIKeyCreate{Name: "migrated", Role: "SIEM"})
	if err != nil {
		t.Fatal(err)
	}
	other, err := e.api.CreateAPIKey(ctx, client.APIKeyCreate{Name: "other", Role: "SIEM"})
	if err != nil {
		t.Fatal(err)
	}
	if err := e.srv.MarkAPIKeyLegacy(migrated.ID); err != nil {
		t.Fatal(err)
	}
	c := e.clientWithKey(t, e.srv.AdminKey()) // a client that has written nothing yet
	description := "edited"
	patch := client.APIKeyPatch{Description: &description}
	refused := func() *client.APIError {
		t.Helper()
		var apiErr *client.APIError
		if err := c.UpdateAPIKey(ctx, migrated.ID, "", patch); !errors.As(err, &apiErr) || apiErr.StatusCode != http.StatusForbidden {
			t.Fatalf("update of a migrated key: %v, want a 403", err)
		}
		if !apiErr.EditsAPIKey() || apiErr.Rule != client.NoRule || apiErr.RequiredPermission() != "API Keys: Configure settings" {
			t.Errorf("the 403 %v: EditsAPIKey %v, Rule %v, permission %q", apiErr, apiErr.EditsAPIKey(), apiErr.Rule, apiErr.RequiredPermission())
		}
		return apiErr
	}
	if refused().PermissionShown {
		t.Error("PermissionShown after reads only")
	}
	if err := c.UpdateAPIKey(ctx, other.ID, "", patch); err != nil {
		t.Fatal(err)
	}
	if !refused().PermissionShown {
		t.Error("PermissionShown is false after an update of another key succeeded")
	}
}

// TestEmulatorKeyRefusedAfterItWorked: a 401 says whether the client's key was accepted earlier,
// which tells a key disabled during the run from a wrong one.
func TestEmulatorKeyRefusedAfterItWorked(t *testing.T) {
	t.Parallel()
	e := startEmulator(t, nil)
	ctx := t.Context()
	own, err := e.api.CreateAPIKey(ctx, client.APIKeyCreate{Name: "own", Role: "SIEM"})
	if err != nil {
		t.Fatal(err)
	}
	refused := func(c *client.Client) *client.APIError {
		t.Helper()
		var apiErr *client.APIError
		if err := c.CheckConnectivity(ctx); !errors.As(err, &apiErr) || apiErr.StatusCode != http.StatusUnauthorized {
			t.Fatalf("checking a refused key: %v, want a 401", err)
		}
		return apiErr
	}
	if refused(e.clientWithKey(t, "not-a-key")).KeyAcceptedBefore {
		t.Error("KeyAcceptedBefore for a key never accepted")
	}
	c := e.clientWithKey(t, own.Value)
	if err := c.CheckConnectivity(ctx); err != nil {
		t.Fatal(err)
	}
	disabled := client.StatusDisabled
	if err := e.api.UpdateAPIKey(ctx, own.ID, "", client.APIKeyPatch{Status: &disabled}); err != nil {
		t.Fatal(err)
	}
	if !refused(c).KeyAcceptedBefore {
		t.Error("KeyAcceptedBefore is false for a key that worked before it was disabled")
	}
}

// TestEmulatorOlderRoleEndpoints: on a tenant that offers the role endpoints of Trend's older spec
// alone (API.md, "Decision: older role endpoints"), where the role routes of the newest client
// answer 404 as an unknown path does, a 404 is not taken for a role that is gone while the listing
// holds the role. GetRole (and so RefreshRole) reads the role from the listing filtered by its id,
// with a fingerprint for Version; UpdateRole and DeleteRole fail with an error for which
// IsNotOffered is true and IsNotFound false, and the role stays. A create and the permission
// catalog answered 404 (or a create 405) are that error at once: no lookup by name follows the
// create, and nothing is made. A role that is gone is still not found, and on a tenant that
// offers the calls a read or a delete costs its one request.
func TestEmulatorOlderRoleEndpoints(t *testing.T) {
	e := startEmulator(t, nil)
	ctx := context.Background()
	keys := []string{"platform.userRoles.view"}
	made, err := e.api.CreateRole(ctx, client.RoleCreate{Name: "older", Description: "made with the full API", PermissionKeys: keys})
	if err != nil {
		t.Fatal(err)
	}
	const (
		get, list, perms = "GET /v3.0/iam/roles/{id}", "GET /v3.0/iam/roles", "GET /v3.0/iam/roles/{id}/permissions"
		create           = "POST /v3.0/iam/roles"
	)
	// requests runs call and returns the requests it made, by route.
	requests := func(call func()) map[string]int {
		t.Helper()
		before := e.srv.Stats().Requests
		call()
		after := e.srv.Stats().Requests
		for route, n := range before {
			after[route] -= n
			if after[route] == 0 {
				delete(after, route)
			}
		}
		return after
	}

	if got := requests(func() {
		if _, err := e.clientWithKey(t, e.srv.AdminKey()).GetRole(ctx, made.ID); err != nil {
			t.Fatal(err)
		}
	}); !reflect.DeepEqual(got, map[string]int{get: 1}) {
		t.Errorf("GetRole on a tenant that offers it made the requests %v, want one GET", got)
	}

	e.srv.SetOlderRoleEndpoints(true)
	for name, read := range map[string]func(*client.Client) (*client.Role, error){
		"GetRole":     func(c *client.Client) (*client.Role, error) { return c.GetRole(ctx, made.ID) },
		"RefreshRole": func(c *client.Client) (*client.Role, error) { return c.RefreshRole(ctx, made.ID) },
	} {
		var role *client.Role
		got := requests(func() { role, err = read(e.clientWithKey(t, e.srv.AdminKey())) })
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if role.ID != made.ID || role.Name != made.Name || role.Description != made.Description ||
			!slices.Equal(role.PermissionKeys, keys) || !strings.HasPrefix(role.Version, "visionone-fingerprint:") {
			t.Errorf("%s = %+v, want the role as made, with a fingerprint for Version", name, role)
		}
		if !reflect.DeepEqual(got, map[string]int{get: 1, list: 1}) {
			t.Errorf("%s made the requests %v, want the GET and one listing", name, got)
		}
	}
	role, err := e.api.GetRole(ctx, made.ID)
	if err != nil {
		t.Fatal(err)
	}
	description := "changed"
	for name, write := range map[string]func() error{
		"UpdateRole": func() error {
			return e.api.UpdateRole(ctx, made.ID, role.Version, client.RolePatch{Description: &description})
		},
		"DeleteRole": func() error { return e.api.DeleteRole(ctx, made.ID) },
	} {
		err := write()
		if !client.IsNotOffered(err) || client.IsNotFound(err) || !strings.Contains(fmt.Sprint(err), "does not offer") {
			t.Errorf("%s: %v (not offered: %v, not found: %v), want an error saying the tenant does not offer it", name, err,
				client.IsNotOffered(err), client.IsNotFound(err))
		}
	}
	if listed, err := e.api.ListRoles(ctx, client.Eq("id", made.ID)); err != nil || len(listed) != 1 || listed[0].Description != made.Description {
		t.Errorf("the role after its update and delete: %+v, %v; want it as made", listed, err)
	}

	var createErr error
	got := requests(func() { _, createErr = e.api.CreateRole(ctx, client.RoleCreate{Name: "newer", PermissionKeys: keys}) })
	if !client.IsNotOffered(createErr) || client.IsNotFound(createErr) || !reflect.DeepEqual(got, map[string]int{create: 1}) {
		t.Errorf("CreateRole: %v, after the requests %v; want the error of a call not offered after the POST alone", createErr, got)
	}
	if _, err := e.api.ListPermissions(ctx); !client.IsNotOffered(err) || client.IsNotFound(err) {
		t.Errorf("ListPermissions: %v, want the error of a call not offered", err)
	}
	if n := e.srv.Stats().Objects["roles"]; n != 1 {
		t.Errorf("%d custom roles, want the one made before", n)
	}

	const gone = "00000000-0000-4000-8000-000000000000"
	if _, err := e.api.GetRole(ctx, gone); !client.IsNotFound(err) || client.IsNotOffered(err) {
		t.Errorf("GetRole of a role that does not exist: %v, want it not found", err)
	}
	if err := e.api.DeleteRole(ctx, gone); !client.IsNotFound(err) || client.IsNotOffered(err) {
		t.Errorf("DeleteRole of a role that does not exist: %v, want it not found", err)
	}

	e.srv.SetOlderRoleEndpoints(false)
	if got := requests(func() {
		if err := e.api.DeleteRole(ctx, made.ID); err != nil {
			t.Fatal(err)
		}
	}); !reflect.DeepEqual(got, map[string]int{"DELETE /v3.0/iam/roles/{id}": 1}) {
		t.Errorf("DeleteRole on a tenant that offers it made the requests %v, want one DELETE", got)
	}
}

// TestEmulatorRoleWritesMethodNotAllowed: a role create, update or delete answered 405, as a gateway
// may answer a method its route does not take, is the error of a call not offered too, without a
// listing: a 405 never means that the role is gone.
func TestEmulatorRoleWritesMethodNotAllowed(t *testing.T) {
	var refuse atomic.Bool
	e := startEmulator(t, func(_ *emulator.Server, next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if refuse.Load() && r.Method != http.MethodGet && strings.HasPrefix(r.URL.Path, "/v3.0/iam/roles") {
				http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
				return
			}
			next.ServeHTTP(w, r)
		})
	})
	ctx := context.Background()
	made, err := e.api.CreateRole(ctx, client.RoleCreate{Name: "older", PermissionKeys: []string{"platform.userRoles.view"}})
	if err != nil {
		t.Fatal(err)
	}
	refuse.Store(true)
	description := "changed"
	for name, write := range map[string]func() error{
		"CreateRole": func() error { _, err := e.api.CreateRole(ctx, client.RoleCreate{Name: "newer"}); return err },
		"UpdateRole": func() error {
			return e.api.UpdateRole(ctx, made.ID, made.Version, client.RolePatch{Description: &description})
		},
		"DeleteRole": func() error { return e.api.DeleteRole(ctx, made.ID) },
	} {
		before := e.srv.Stats().Requests["GET /v3.0/iam/roles"]
		if err := write(); !client.IsNotOffered(err) || client.IsNotFound(err) {
			t.Errorf("%s answered 405: %v, want the error of a call not offered", name, err)
		}
		if n := e.srv.Stats().Requests["GET /v3.0/iam/roles"] - before; n != 0 {
			t.Errorf("%s answered 405 listed the roles %d times, want none", name, n)
		}
	}
}

// TestEmulatorOlderRoleDeleteRetried: on a tenant with only the older role endpoints, a role DELETE
// whose first attempt failed on its way is answered 404 when sent again, as every role DELETE is
// there. That 404 says nothing of the first attempt: the role is still listed, so the delete is a
// call not offered, not one the first attempt did.
func TestEmulatorOlderRoleDeleteRetried(t *testing.T) {
	var failed atomic.Bool
	e := startEmulator(t, func(_ *emulator.Server, next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.Method == http.MethodDelete && strings.HasPrefix(r.URL.Path, "/v3.0/iam/roles/") && failed.CompareAndSwap(false, true) {
				http.Error(w, "unavailable", http.StatusServiceUnavailable)
				return
			}
			next.ServeHTTP(w, r)
		})
	})
	ctx := context.Background()
	made, err := e.api.CreateRole(ctx, client.RoleCreate{Name: "older", PermissionKeys: []string{"platform.userRoles.view"}})
	if err != nil {
		t.Fatal(err)
	}
	e.srv.SetOlderRoleEndpoints(true)
	if err := e.api.DeleteRole(ctx, made.ID); !client.IsNotOffered(err) {
		t.Errorf("DeleteRole, its first attempt answered 503: %v, want the error of a call not offered", err)
	}
	if !failed.Load() {
		t.Fatal("the first DELETE was not failed")
	}
	if listed, err := e.api.ListRoles(ctx, client.Eq("id", made.ID)); err != nil || len(listed) != 1 {
		t.Errorf("the role after the delete: %+v, %v; want it still there", listed, err)
	}
}

// TestEmulatorUpdateOfDeletedRoleListsOnce: the update of a role deleted outside, without a
// version (or with a fingerprint), reads it first, and that read's 404 has looked in the listing already: the
// update's error comes without a second listing.
func TestEmulatorUpdateOfDeletedRoleListsOnce(t *testing.T) {
	e := startEmulator(t, nil)
	ctx := context.Background()
	made, err := e.api.CreateRole(ctx, client.RoleCreate{Name: "doomed", PermissionKeys: []string{"platform.userRoles.view"}})
	if err != nil {
		t.Fatal(err)
	}
	if err := e.api.DeleteRole(ctx, made.ID); err != nil {
		t.Fatal(err)
	}
	before := e.srv.Stats().Requests
	description := "changed"
	err = e.api.UpdateRole(ctx, made.ID, "", client.RolePatch{Description: &description}) // no version: read first
	if !client.IsNotFound(err) {
		t.Errorf("UpdateRole of a deleted role: %v, want it not found", err)
	}
	if n := e.srv.Stats().Requests["GET /v3.0/iam/roles"] - before["GET /v3.0/iam/roles"]; n != 1 {
		t.Errorf("UpdateRole of a deleted role listed the roles %d times, want once", n)
	}
}
