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
			data.notePlannedRole(name, plannedRole{AllowUserAccountAssignment: types.BoolValue(name == "auditor"), AllowAPIKeyAssignment: types.BoolUnknown()})
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
