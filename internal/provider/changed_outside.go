package provider

import (
	"context"
	"fmt"
	"reflect"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/seed-ebba3aa9/terraform-provider-visionone/internal/client"
)

// guardedUpdate is the update of one object by a resource's Update, which the API refuses with a
// 412 when the object changed after Terraform read it (its ETag, or the fingerprint the client
// keeps where the API gives none, no longer matches; API.md, "ETag and If-Match"). M is the
// resource's model.
type guardedUpdate[M any] struct {
	summary string // of the error that reports a conflict, "... Changed Outside Terraform"
	object  string // the object, as the error names it
	// prior is the state the plan was computed from, plan the planned state, and managed the
	// attributes (tfsdk names) an update writes.
	prior, plan M
	managed     []string
	// ownChange, when set, reports whether a managed attribute (tfsdk name) that changed since
	// prior, from was to is, was changed by this run rather than outside Terraform, where the plan
	// gives it yet another value (see providerData.ownRoleRename).
	ownChange func(name string, was, is attr.Value) bool
	// send sends the update, with version as the version read last.
	send func(version string) error
	// reread reads the object again, stores it as the new state (and its version in private
	// state), and returns it with its version.
	reread func() (current M, version string, err error)
}

// run sends the update with version, the one read by the plan's refresh. On a 412 it reads the
// object again: when every managed attribute changed since prior already has, in the plan, the
// value it has now, or was changed by this run (ownChange), the plan overwrites nothing anyone did
// (a role renamed first is then the new role of its holders, or the old role of holders the plan
// moves to another), so it sends the update once more with the version just read. Otherwise, or when that is refused too, it reports the conflict. It
// returns the error of the last update, which the caller translates, except a 412: a 412 is
// reported here, and the caller only stops.
func (u guardedUpdate[M]) run(ctx context.Context, diags *diag.Diagnostics, version string) error {
	err := u.send(version)
	if !client.IsPreconditionFailed(err) {
		return err
	}
	current, reread, readErr := u.reread()
	if readErr == nil && !diags.HasError() {
		if planned, ok := changesPlanned(u.prior, current, u.plan, u.managed, u.ownChange); ok {
			tflog.Debug(ctx, "Changed since the refresh as planned: updating again with the version just read",
				map[string]any{"object": u.object, "matched": planned})
			if err = u.send(reread); !client.IsPreconditionFailed(err) {
				return err
			}
			current, _, readErr = u.reread()
		}
	}
	reportChangedOutside(diags, u.summary, u.object, u.prior, current, readErr, u.managed, err)
	return err
}

// reportChangedOutside reports an update refused with a 412: nothing was written, and the plan's
// diff, computed against what was replaced, would have overwritten a change made since. current
// is the object read again after it (and stored as the state), or readErr why that failed; the
// error names the attributes of managed (tfsdk names) that differ from prior, the state the plan
// was computed from, and says that a new plan shows the change.
func reportChangedOutside[M any](diags *diag.Diagnostics, summary, object string, prior, current M, readErr error, managed []string, refused error) {
	detail := fmt.Sprintf("Updating %s was refused (HTTP 412): it was changed in Vision One after Terraform last read it, "+
		"and applying the plan would have overwritten that change, so nothing was changed.\n\n%v\n\n", object, refused)
	var changed []string
	if readErr == nil {
		changed = changedAttributes(prior, current, managed)
	}
	switch {
	case readErr != nil:
		detail += fmt.Sprintf("Reading it again failed (%v), so the state still holds it as Terraform last read it. "+
			"Run terraform plan again: its refresh reads the change, and the new plan shows it.", readErr)
	case len(changed) == 0:
		detail += "Terraform read it again: none of the attributes this configuration manages changed (the change was " +
			"to something else), and the state now holds it as it is. Run terraform apply again."
	default:
		detail += fmt.Sprintf("Terraform read it again, and the state now holds it as it is. Changed outside Terraform: %s. "+
			"Run terraform plan again: the new plan shows this change against your configuration; apply it if that is "+
			"what you want.", strings.Join(changed, "; "))
	}
	diags.AddError(summary, detail)
}

// changedAttributes lists, in the order of names, the attributes (tfsdk names) of two models of
// one resource whose values differ, each with its value before and after.
func changedAttributes[M any](before, after M, names []string) []string {
	was, is := attributeValues(before, names), attributeValues(after, names)
	var changed []string
	for i, name := range names {
		if was[i] != nil && is[i] != nil && !was[i].Equal(is[i]) {
			changed = append(changed, fmt.Sprintf("%s (was %s, is %s)", name, was[i], is[i]))
		}
	}
	return changed
}

// changesPlanned reports whether every attribute of names (tfsdk names) that differs between
// prior and current has in plan a known value equal to current's, or changed by this run as own
// (which may be nil) says, and lists those attributes.
func changesPlanned[M any](prior, current, plan M, names []string, own func(name string, was, is attr.Value) bool) ([]string, bool) {
	was, is, planned := attributeValues(prior, names), attributeValues(current, names), attributeValues(plan, names)
	var matched []string
	for i, name := range names {
		if was[i] == nil || is[i] == nil || was[i].Equal(is[i]) {
			continue
		}
		asPlanned := planned[i] != nil && !planned[i].IsUnknown() && planned[i].Equal(is[i])
		if !asPlanned && (own == nil || !own(name, was[i], is[i])) {
			return nil, false
		}
		matched = append(matched, name)
	}
	return matched, true
}

// attributeValues returns the value of each attribute of a model named in names (tfsdk names), in
// that order, or nil for a name the model has no attribute value for.
func attributeValues[M any](model M, names []string) []attr.Value {
	v := reflect.ValueOf(model)
	field := map[string]int{}
	for i := range v.NumField() {
		field[v.Type().Field(i).Tag.Get("tfsdk")] = i
	}
	values := make([]attr.Value, len(names))
	for i, name := range names {
		if f, ok := field[name]; ok {
			values[i], _ = v.Field(f).Interface().(attr.Value)
		}
	}
	return values
}

// keepRoleShown handles the role that Vision One shows, after an update that did not set it, on
// the API key or account object (as messages name it): shown is the role read back into the new
// state, planned the plan's. Vision One shows a role's new name on its holders by itself, without a
// write to them (API.md, "Decision: role renames reach holders"), so a rename during the apply need
// not stop the update (the holder's ETag stays), and the read-back then differs from the plan,
// which Terraform refuses as a provider bug ("Provider produced inconsistent result"). The state
// keeps the name Vision One shows, with an error on role: Terraform compares the result of an apply
// with its plan only when the apply reports no error. Another Unicode normal form of the planned
// name is the planned name (client.SameSpelling), which the state keeps. A rename that is not this
// run's is recorded in private as a refresh records one (noteRefreshedRole): the failed apply stores
// the new name, so the next refresh finds no rename, and the next plan of a configuration that still
// names the old name says whose role it is (heldRoleRenamed). A holder that shows no role had its
// role deleted since the plan, which role = "" cannot name: the error says so (noRoleAdvice).
func (d *providerData) keepRoleShown(ctx context.Context, object string, planned types.String, shown *types.String, private privateState,
	diags *diag.Diagnostics,
) {
	if planned.IsNull() || planned.IsUnknown() || shown.Equal(planned) {
		return
	}
	from, to := planned.ValueString(), shown.ValueString()
	if client.SameSpelling(from, to) {
		*shown = planned
		return
	}
	if to == "" {
		diags.AddAttributeError(path.Root("role"), noRoleSummary,
			fmt.Sprintf("%s was updated, but its role %q is gone since the plan was made: it %s. The state records "+
				"it with no role.", object, from, noRoleAdvice))
		return
	}
	if !d.roleRenamed(from, to) {
		diags.Append(setPrivate(ctx, private, privateRoleRenamedKey, roleRename{From: from, To: to})...)
	}
	cause := "after the plan was made, outside this configuration (in the console, or by the configuration that manages the role)"
	advice := fmt.Sprintf("Set role = %q in the configuration, or look the role up by its id with the visionone_user_role "+
		"data source (role = data.visionone_user_role.<name>.name), which follows renames.", to)
	if d.roleRenamed(from, to) {
		cause = "by this apply, and the configuration gives the role by its old name"
		advice = "Refer to the role instead (role = visionone_user_role.<name>.name), which follows its renames."
	}
	diags.AddAttributeError(path.Root("role"), "Role Renamed During Apply",
		fmt.Sprintf("%s was updated, but its role %q was renamed to %q %s: Vision One shows the new name on the role's "+
			"holders by itself. The state records the role as Vision One shows it. %s", object, from, to, cause, advice))
}
