package client_test

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-log/tflogtest"

	"github.com/seed-ebba3aa9/terraform-provider-visionone/internal/client"
	"github.com/seed-ebba3aa9/terraform-provider-visionone/internal/emulator"
)

// TestEmulatorTenantLimits: a create refused at a tenant's cap (a 429 with the inner code
// TenantLimitExceeded) is final: it is sent once, names the kind of objects, and does not slow the
// pace as a rate limit's 429 does.
func TestEmulatorTenantLimits(t *testing.T) {
	t.Parallel()
	e := startEmulator(t, nil)
	if err := e.srv.SetTenantLimits(emulator.TenantLimits{APIKeys: 1, Accounts: 1, Roles: 1}); err != nil {
		t.Fatal(err)
	}
	var logs bytes.Buffer
	ctx := tflogtest.RootLogger(context.Background(), &logs)
	role := client.RoleCreate{Name: "Robots", PermissionKeys: []string{}, AllowAPIKeyAssignment: true, AllowUserAccountAssignment: true}
	if _, err := e.api.CreateRole(ctx, role); err != nil {
		t.Fatal(err)
	}
	if _, err := e.api.InviteAccount(ctx, client.AccountInvite{Email: "a@example.com", Role: "Robots", AuthType: "local"}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.api.CreateAPIKey(ctx, client.APIKeyCreate{Name: "a", Role: "Robots"}); err != nil {
		t.Fatal(err)
	}

	role.Name = "More"
	for _, tc := range []struct {
		kind   string
		create func() error
	}{
		{"custom roles", func() error { _, err := e.api.CreateRole(ctx, role); return err }},
		{"user accounts", func() error {
			_, err := e.api.InviteAccount(ctx, client.AccountInvite{Email: "b@example.com", Role: "Robots", AuthType: "local"})
			return err
		}},
		{"API keys", func() error {
			_, err := e.api.CreateAPIKey(ctx, client.APIKeyCreate{Name: "b", Role: "Robots"})
			return err
		}},
	} {
		err := tc.create()
		if got := client.TenantLimit(err); got != tc.kind {
			t.Errorf("beyond the cap on %s: TenantLimit %q, error %v", tc.kind, got, err)
		}
		var answer *client.APIError
		if !errors.As(err, &answer) || answer.Attempts > 1 {
			t.Errorf("beyond the cap on %s: %v, want one attempt", tc.kind, err)
		}
	}
	requests := e.srv.Stats().Requests
	for _, path := range []string{"POST /v3.0/iam/roles", "POST /v3.0/iam/accounts", "POST /v3.0/iam/apiKeys"} {
		if requests[path] != 2 {
			t.Errorf("%s sent %d times, want 2: a refusal at the cap is not retried", path, requests[path])
		}
	}
	if strings.Contains(logs.String(), "pace changed") {
		t.Errorf("a refusal at the cap changed the pace:\n%s", logs.String())
	}
	if client.TenantLimit(nil) != "" || client.TenantLimit(context.Canceled) != "" {
		t.Error("TenantLimit names a kind for an error that is no refusal at a cap")
	}
}
