package client

import (
	"context"
	"fmt"
	"net/http/httptest"
	"slices"
	"testing"
	"time"

	"github.com/seed-ebba3aa9/terraform-provider-visionone/internal/emulator"
)

// emulatedClient serves a fresh emulator and returns it, its server and an admin client for it.
func emulatedClient(t *testing.T) (*emulator.Server, *httptest.Server, *Client) {
	t.Helper()
	srv, err := emulator.New(emulator.Options{})
	if err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(srv)
	t.Cleanup(hs.Close)
	c, err := New(Config{Endpoint: hs.URL, APIKey: srv.AdminKey()})
	if err != nil {
		t.Fatal(err)
	}
	return srv, hs, c
}

// An object read from a listing must have the fingerprint of the same object read alone, or every
// update of an object refreshed from the listing would be refused as changed meanwhile. This holds
// for every type, in every state (an invitation, an active account, a never-expiring key, a used
// key).
func TestFingerprintOfListingMatchesSingleRead(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	srv, hs, c := emulatedClient(t)

	role, err := c.CreateRole(ctx, RoleCreate{Name: "Fingerprinted", Description: "d",
		PermissionKeys: []string{"platform.apiKeys.view", "platform.userAccounts.view"}, AllowAPIKeyAssignment: true, AllowUserAccountAssignment: true})
	if err != nil {
		t.Fatal(err)
	}
	for i := range 3 {
		a, err := c.InviteAccount(ctx, AccountInvite{Email: fmt.Sprintf("fp-%d@example.com", i), Role: role.Name, AuthType: AuthTypeLocal, Description: "x"})
		if err != nil {
			t.Fatal(err)
		}
		if i == 0 {
			if _, err := srv.AcceptInvitation(a.ID); err != nil {
				t.Fatal(err)
			}
		}
	}
	never := int64(0)
	var user *Client // authenticates with the second key
	for i := range 3 {
		in := APIKeyCreate{Name: fmt.Sprintf("fp-%d", i), Role: role.Name, Description: "y"}
		if i == 0 {
			in.MonthsToExpiration = &never
		}
		key, err := c.CreateAPIKey(ctx, in)
		if err != nil {
			t.Fatal(err)
		}
		if i == 1 {
			if user, err = New(Config{Endpoint: hs.URL, APIKey: key.Value, RequestsPerMinute: -1}); err != nil {
				t.Fatal(err)
			}
			if _, err := user.ListAPIKeys(ctx, ""); err != nil {
				t.Fatal(err)
			}
		}
	}

	roles, err := listAll[Role](ctx, c, rolesPath, "")
	if err != nil {
		t.Fatal(err)
	}
	for _, listed := range roles {
		if err := c.FillPermissionKeys(ctx, &listed); err != nil {
			t.Fatal(err)
		}
		alone, err := c.GetRole(ctx, listed.ID)
		if err != nil {
			t.Fatal(err)
		}
		if listed.fingerprint() != alone.fingerprint() {
			t.Errorf("role %q: the listing gives %+v, a single read %+v", listed.Name, listed, *alone)
		}
	}
	accounts, err := c.ListAccounts(ctx, "")
	if err != nil || len(accounts) != 3 {
		t.Fatalf("accounts %v, %v", accounts, err)
	}
	for _, listed := range accounts {
		alone, err := c.GetAccount(ctx, listed.ID, "")
		if err != nil {
			t.Fatal(err)
		}
		if listed.fingerprint() != alone.fingerprint() {
			t.Errorf("account %q: the listing gives %+v, a single read %+v", listed.Email, listed, *alone)
		}
	}
	keys, err := c.ListAPIKeys(ctx, "")
	if err != nil || len(keys) != 3 {
		t.Fatalf("keys %v, %v", keys, err)
	}
	// Using a key after the refresh moves its lastUsedDateTime, which is no change to the key.
	srv.AdvanceClock(time.Hour)
	if _, err := user.ListAPIKeys(ctx, ""); err != nil {
		t.Fatal(err)
	}
	for _, listed := range keys {
		alone, err := c.GetAPIKey(ctx, listed.ID)
		if err != nil {
			t.Fatal(err)
		}
		if listed.fingerprint() != alone.fingerprint() {
			t.Errorf("API key %q: the listing gives %+v, a single read %+v", listed.Name, listed, *alone)
		}
	}
}

// Each write method drops the listings it makes stale, before the write and again after it, and
// no other: a role write drops all three (accounts and API keys name their role), an account or
// API key write only its own. A write that left a listing in place would let a refresh in the
// same process read the object as it was before the write.
func TestWritesDropTheListingsTheyMakeStale(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	srv, _, c := emulatedClient(t)
	const roles, accounts, apiKeys = "roles", "accounts", "API keys"
	// Every write below has returned when its counts are read: nothing else touches the caches.
	generations := func() map[string]uint64 {
		return map[string]uint64{roles: c.caches.roles.gen, accounts: c.caches.accounts.gen, apiKeys: c.caches.apiKeys.gen}
	}
	var role *Role
	var account *Account
	var key *CreatedAPIKey
	desc := "changed"
	for _, write := range []struct {
		name  string
		do    func() error
		stale []string
	}{
		{"CreateRole", func() (err error) {
			role, err = c.CreateRole(ctx, RoleCreate{Name: "Writer", AllowAPIKeyAssignment: true, AllowUserAccountAssignment: true})
			return err
		}, []string{roles, accounts, apiKeys}},
		{"UpdateRole", func() error { return c.UpdateRole(ctx, role.ID, "", RolePatch{Description: &desc}) }, []string{roles, accounts, apiKeys}},
		{"InviteAccount", func() (err error) {
			account, err = c.InviteAccount(ctx, AccountInvite{Email: "writer@example.com", Role: role.Name, AuthType: AuthTypeLocal})
			return err
		}, []string{accounts}},
		{"UpdateAccount", func() error {
			id, err := srv.AcceptInvitation(account.ID)
			if err != nil {
				return err
			}
			account.ID = id
			return c.UpdateAccount(ctx, id, "", AccountPatch{Description: &desc})
		}, []string{accounts}},
		{"DeleteAccount", func() error { return c.DeleteAccount(ctx, account.ID) }, []string{accounts}},
		{"CreateAPIKey", func() (err error) {
			key, err = c.CreateAPIKey(ctx, APIKeyCreate{Name: "writer", Role: role.Name})
			return err
		}, []string{apiKeys}},
		{"UpdateAPIKey", func() error { return c.UpdateAPIKey(ctx, key.ID, "", APIKeyPatch{Description: &desc}) }, []string{apiKeys}},
		{"DeleteAPIKeys", func() error { return c.DeleteAPIKeys(ctx, key.ID) }, []string{apiKeys}},
		{"DeleteRole", func() error { return c.DeleteRole(ctx, role.ID) }, []string{roles, accounts, apiKeys}},
	} {
		before := generations()
		if err := write.do(); err != nil {
			t.Fatalf("%s: %v", write.name, err)
		}
		after := generations()
		for _, listing := range []string{roles, accounts, apiKeys} {
			want := uint64(0)
			if slices.Contains(write.stale, listing) {
				want = 2 // before the write and after it
			}
			if got := after[listing] - before[listing]; got != want {
				t.Errorf("%s dropped the listing of %s %d times, want %d", write.name, listing, got, want)
			}
		}
	}
}
