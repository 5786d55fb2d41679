package provider

import (
	"strings"
	"sync"

	"github.com/hashicorp/terraform-plugin-framework/types"
)

// plannedNames remembers, for one provider process (one plan, or one apply, which plans each change
// again), the names that the resources of one type plan, with what else their plans say.
//
// Names are unique regardless of case in a tenant, and the record tells two resources that plan one
// name apart: each planned name has an owner, the id of the object that has it or is replaced by
// the one planned, or "" for an object still to be created. Terraform plans a create once per
// walk, so two entries without an owner are two resources.
//
// For roles it also carries the planned assignment flags. A resource that takes a role name, such
// as `role = visionone_user_role.auditor.name`, sees that name as known during plan although the
// role does not exist yet; Terraform plans the role first (the reference orders them), so this
// record lets the plan tell "created by this run" apart from "does not exist" instead of failing.
type plannedNames[T any] struct {
	mu     sync.Mutex
	byFold map[string][]plannedName[T] // by the name in lower case
}

// plannedName is one name that a plan gives an object.
type plannedName[T any] struct {
	name  string
	owner string
	value T
}

// note records that the object owner (see plannedNames) plans name, with value, and returns the
// plan of another object that takes the same name regardless of case, if there is one.
func (p *plannedNames[T]) note(name, owner string, value T) (other plannedName[T], clash bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.byFold == nil {
		p.byFold = map[string][]plannedName[T]{}
	}
	fold := strings.ToLower(name)
	entries := p.byFold[fold]
	for i, planned := range entries {
		if owner != "" && planned.owner == owner {
			// The same object planned again, as the create that replaces it.
			entries = append(entries[:i], entries[i+1:]...)
			break
		}
	}
	if len(entries) > 0 {
		other, clash = entries[0], true
	}
	p.byFold[fold] = append(entries, plannedName[T]{name: name, owner: owner, value: value})
	return other, clash
}

// lookup returns the value planned with exactly this name, if any.
func (p *plannedNames[T]) lookup(name string) (T, bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, planned := range p.byFold[strings.ToLower(name)] {
		if planned.name == name {
			return planned.value, true
		}
	}
	var zero T
	return zero, false
}

// names returns the planned names.
func (p *plannedNames[T]) names() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	var names []string
	for _, entries := range p.byFold {
		for _, planned := range entries {
			names = append(names, planned.name)
		}
	}
	return names
}

// plannedRole holds the planned assignment flags of a role; either may be unknown.
type plannedRole struct {
	AllowAPIKeyAssignment      types.Bool
	AllowUserAccountAssignment types.Bool
}

// notePlannedRole records the planned flags of the role named name, which this run creates,
// renames, updates or leaves as it is; owner is as in plannedNames. visionone_user_role's
// ModifyPlan calls it for every role whose planned name is known. It returns another role's plan of
// the same name regardless of case, if there is one.
func (d *providerData) notePlannedRole(name, owner string, role plannedRole) (plannedName[plannedRole], bool) {
	return d.plannedRoles.note(name, owner, role)
}

// plannedRole returns the planned flags of the role named exactly name, if this run plans one.
func (d *providerData) plannedRole(name string) (plannedRole, bool) {
	return d.plannedRoles.lookup(name)
}
