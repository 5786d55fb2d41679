package client

import (
	"context"
	"fmt"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/seed-ebba3aa9/terraform-provider-visionone/internal/emulator"
)

// An object read from a listing must have the fingerprint of the same object read alone, or every
// update of an object refreshed from the listing would be refused as changed meanwhile. This holds
// for every type, in every state (an invitation, an active account, a never-expiring key, a used
// key).
func TestFingerprintOfListingMatchesSingleRead(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	srv, err := emulator.New(emulator.Options{})
	if err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(srv)
	t.Cleanup(hs.Close)
	c, err := New(Config{Endpoint: hs.URL, APIKey: srv.AdminKey(), RequestsPerMinute: -1})
	if err != nil {
		t.Fatal(err)
	}

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
		if err := c.fillPermissionKeys(ctx, &listed); err != nil {
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
		alone, err := c.GetAccount(ctx, listed.ID)
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
