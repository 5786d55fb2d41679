package provider

import (
	"sync"

	"github.com/hashicorp/terraform-plugin-framework/types"
)

// plannedRoles remembers, for one provider process (one plan or one apply), the roles that
// visionone_user_role plans, with their planned assignment flags. A resource that takes a role name, such as
// `role = visionone_user_role.auditor.name`, sees that name as known during plan although the role
// does not exist yet; Terraform plans the role first (the reference orders them), so this record
// lets the plan tell "created by this run" apart from "does not exist" instead of failing.
type plannedRoles struct {
	mu     sync.Mutex
	byName map[string]plannedRole
}

// plannedRole holds the planned assignment flags of a role; either may be unknown.
type plannedRole struct {
	AllowAPIKeyAssignment      types.Bool
	AllowUserAccountAssignment types.Bool
}

// notePlannedRole records the planned flags of the role named name, which this run creates,
// renames, updates or leaves as it is. visionone_user_role's ModifyPlan calls it for every role
// whose planned name is known.
func (d *providerData) notePlannedRole(name string, role plannedRole) {
	d.plannedRoles.mu.Lock()
	defer d.plannedRoles.mu.Unlock()
	if d.plannedRoles.byName == nil {
		d.plannedRoles.byName = map[string]plannedRole{}
	}
	d.plannedRoles.byName[name] = role
}

// plannedRole returns the planned flags of the role named name, if this run plans one.
func (d *providerData) plannedRole(name string) (plannedRole, bool) {
	d.plannedRoles.mu.Lock()
	defer d.plannedRoles.mu.Unlock()
	role, ok := d.plannedRoles.byName[name]
	return role, ok
}

// plannedRoleNames returns the names of the roles this run plans.
func (d *providerData) plannedRoleNames() []string {
	d.plannedRoles.mu.Lock()
	defer d.plannedRoles.mu.Unlock()
	names := make([]string, 0, len(d.plannedRoles.byName))
	for name := range d.plannedRoles.byName {
		names = append(names, name)
	}
	return names
}
