package provider

import (
	"context"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/seed-ebba3aa9/terraform-provider-visionone/internal/client"
	"github.com/seed-ebba3aa9/terraform-provider-visionone/internal/emulator"
)

// awaitRecordWaiter returns once a call waits for the next change of the record n (nextChange), or
// once stop is closed: for a test that changes the record only after the code under test has
// looked at it.
func awaitRecordWaiter(n *nameReleases, stop <-chan struct{}) {
	for {
		n.mu.Lock()
		waiting := n.recorded != nil
		n.mu.Unlock()
		if waiting {
			return
		}
		select {
		case <-stop:
			return
		case <-time.After(time.Millisecond):
		}
	}
}

// TestAccount_planFollowsRoleRenameRecordedLater plans the change of an invited account to the new
// name of its role, which this run renames, before the role's plan has recorded the rename in this
// process, as the apply plans the two again when the account names the role by a literal name. The
// apply's plan of the account (which this process did not refresh) waits for the record and
// follows the rename, as the plan being applied did: planning the deferral there failed the apply
// with "Provider produced inconsistent final plan". A plan after a refresh of the account does not
// wait: it defers the change with a warning, and then changes nothing, which Terraform does not
// plan again.
func TestAccount_planFollowsRoleRenameRecordedLater(t *testing.T) {
	t.Parallel()
	e := startEmulator(t, emulator.Options{})
	api, err := client.New(client.Config{Endpoint: e.URL, APIKey: e.AdminKey(), RequestsPerMinute: -1})
	if err != nil {
		t.Fatal(err)
	}
	state := accountResourceModel{
		ID: types.StringValue("tmp-1"), Email: types.StringValue("a@example.com"), AuthType: types.StringValue(client.AuthTypeLocal),
		Role: types.StringValue("Auditors"), Description: types.StringValue(""), Enabled: types.BoolValue(true),
		Status: types.StringValue(client.StatusInvited), Name: types.StringValue(""),
	}
	renamed := state
	renamed.Role = types.StringValue("Auditors (external)")

	for name, refreshed := range map[string]bool{"planned again by the apply": false, "planned after a refresh": true} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			r := &accountResource{data: newProviderData(api)}
			if refreshed {
				r.data.noteManaged(accountType, state.ID.ValueString()) // as Read does
			}
			planned := make(chan struct{})
			go func() {
				awaitRecordWaiter(&r.data.roleReleases, planned)
				r.data.roleReleases.planRename("role-1", state.Role.ValueString(), renamed.Role)
			}()
			resp := modifyPlanOfUpdate(t, r, state, renamed)
			close(planned)

			var got accountResourceModel
			if diags := resp.Plan.Get(context.Background(), &got); diags.HasError() {
				t.Fatal(diags)
			}
			if !refreshed {
				if got.Role != renamed.Role || len(resp.Diagnostics) != 0 {
					t.Errorf("planned the role %s with %v; want the new name %s and no diagnostics", got.Role, resp.Diagnostics, renamed.Role)
				}
				return
			}
			deferred := false
			for _, w := range resp.Diagnostics.Warnings() {
				deferred = deferred || w.Summary() == "Account Change Deferred"
			}
			if got.Role != state.Role || resp.Diagnostics.HasError() || !deferred {
				t.Errorf("planned the role %s with %v; want %s kept with the warning Account Change Deferred", got.Role, resp.Diagnostics, state.Role)
			}
		})
	}
}
