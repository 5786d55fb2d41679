package provider

import (
	"fmt"
	"reflect"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
)

// reportChangedOutside handles an update refused with a 412: the object changed after Terraform
// read it (its ETag, or the fingerprint the client keeps where the API gives none, no longer
// matches; API.md, "ETag and If-Match"), and the plan's diff, computed against what was replaced,
// would overwrite that change. Nothing was written. reread reads the object again and stores it
// as the new state, so the state holds what exists; the error then names the attributes of
// managed (tfsdk names) that differ from prior, the state the plan was computed from, and says
// that a new plan shows the change. M is the resource's model.
func reportChangedOutside[M any](diags *diag.Diagnostics, summary, object string, prior M, managed []string, refused error, reread func() (M, error)) {
	detail := fmt.Sprintf("Updating %s was refused (HTTP 412): it was changed in Vision One after Terraform last read it, "+
		"and applying the plan would have overwritten that change, so nothing was changed.\n\n%v\n\n", object, refused)
	current, err := reread()
	var changed []string
	if err == nil {
		changed = changedAttributes(prior, current, managed)
	}
	switch {
	case err != nil:
		detail += fmt.Sprintf("Reading it again failed (%v), so the state still holds it as Terraform last read it. "+
			"Run terraform plan again: its refresh reads the change, and the new plan shows it.", err)
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
	b, a := reflect.ValueOf(before), reflect.ValueOf(after)
	field := map[string]int{}
	for i := range b.NumField() {
		field[b.Type().Field(i).Tag.Get("tfsdk")] = i
	}
	var changed []string
	for _, name := range names {
		i, ok := field[name]
		if !ok {
			continue
		}
		was, wasOK := b.Field(i).Interface().(attr.Value)
		is, isOK := a.Field(i).Interface().(attr.Value)
		if wasOK && isOK && !was.Equal(is) {
			changed = append(changed, fmt.Sprintf("%s (was %s, is %s)", name, was, is))
		}
	}
	return changed
}
