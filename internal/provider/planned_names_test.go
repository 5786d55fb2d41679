package provider

import (
	"sync"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/types"
)

func TestPlannedRoles(t *testing.T) {
	t.Parallel()
	data := newProviderData(nil)
	if _, ok := data.plannedRole("auditor"); ok {
		t.Fatal("an empty record knows a role")
	}
	var wg sync.WaitGroup
	for _, name := range []string{"auditor", "siem"} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			data.notePlannedRole(name, "", plannedRole{AllowUserAccountAssignment: types.BoolValue(name == "auditor"), AllowAPIKeyAssignment: types.BoolUnknown()})
		}()
	}
	wg.Wait()
	auditor, ok := data.plannedRole("auditor")
	if !ok || !auditor.AllowUserAccountAssignment.ValueBool() || !auditor.AllowAPIKeyAssignment.IsUnknown() {
		t.Errorf("auditor: got %+v, %v", auditor, ok)
	}
	if _, ok := data.plannedRole("Auditor"); ok {
		t.Error("role names are matched exactly, as the API does")
	}
	if siem, ok := data.plannedRole("siem"); !ok || siem.AllowUserAccountAssignment.ValueBool() {
		t.Errorf("siem: got %+v, %v", siem, ok)
	}
}

// TestPlannedNamesClash checks which plans of one name, regardless of case, are two objects: two new
// ones, or two with different ids, but not one object planned again as the create that replaces it.
func TestPlannedNamesClash(t *testing.T) {
	t.Parallel()
	tests := map[string]struct {
		first, second       [2]string // name, owner
		wantClash           bool
		wantOther, wantFrom string
	}{
		"two new objects, names differing in case": {first: [2]string{"Splunk", ""}, second: [2]string{"splunk", ""}, wantClash: true, wantOther: "Splunk"},
		"a new object and an existing one":         {first: [2]string{"k", "id-1"}, second: [2]string{"K", ""}, wantClash: true, wantOther: "k", wantFrom: "id-1"},
		"two existing objects":                     {first: [2]string{"k", "id-1"}, second: [2]string{"k", "id-2"}, wantClash: true, wantOther: "k", wantFrom: "id-1"},
		"an object and the create replacing it":    {first: [2]string{"k", "id-1"}, second: [2]string{"k", "id-1"}},
		"different names":                          {first: [2]string{"k", ""}, second: [2]string{"l", ""}},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			var names plannedNames[struct{}]
			if _, clash := names.note(tc.first[0], tc.first[1], struct{}{}); clash {
				t.Fatal("the first plan of a name clashes")
			}
			other, clash := names.note(tc.second[0], tc.second[1], struct{}{})
			if clash != tc.wantClash || other.name != tc.wantOther || other.owner != tc.wantFrom {
				t.Errorf("got clash %v with %+v, want %v with %q (owner %q)", clash, other, tc.wantClash, tc.wantOther, tc.wantFrom)
			}
		})
	}
}
