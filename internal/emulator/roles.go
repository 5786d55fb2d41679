package emulator

import (
	"fmt"
	"net/http"
	"slices"
)

// Role limits. Trend publishes none for roles; a role name is referenced by API keys, whose role
// field holds at most 128 characters, so names stop there (API.md, "Decision: role limits").
const (
	roleNameMax        = 128
	roleDescriptionMax = 2048
	roleFilterMax      = 2048
)

var roleList = listSpec{
	filterFields: map[string]bool{"id": true, "name": true},
	filterMax:    roleFilterMax,
	checkOrder: func(v string) *httpError {
		terms, e := parseOrderBy(v, roleOrderFields)
		if e == nil && len(terms) > 1 {
			return invalidParam("orderBy", "Roles are ordered by lastUpdatedDateTime only.")
		}
		return e
	},
}

func roleLookup(r *role) func(string) (string, bool) {
	return func(field string) (string, bool) {
		switch field {
		case "id":
			return r.ID, false
		case "name":
			return r.Name, false
		}
		return "", false
	}
}

func (s *Server) listRoles(c *call) *httpError {
	lq, e := roleList.parse(c.r, !s.opts.NextPagesDefaultTop)
	if e != nil {
		return e
	}
	writeJSON(c.w, http.StatusOK, paginate(c.r, lq, s.st.rolesOrdered(lq.orderBy), roleLookup, s.roleBody))
	return nil
}

func (s *Server) findRole(c *call) (*role, *httpError) {
	id := c.r.PathValue("id")
	r, ok := s.st.roles[id]
	if !ok {
		return nil, notFound(kindRole, id)
	}
	return r, nil
}

func (s *Server) getRole(c *call) *httpError {
	r, e := s.findRole(c)
	if e != nil {
		return e
	}
	s.setETag(c.w, r.ID, r.Version)
	writeJSON(c.w, http.StatusOK, s.roleBody(r))
	return nil
}

func (s *Server) getRolePermissions(c *call) *httpError {
	r, e := s.findRole(c)
	if e != nil {
		return e
	}
	writeJSON(c.w, http.StatusOK, map[string][]string{"permissionKeys": r.view().PermissionKeys})
	return nil
}

func (s *Server) listPermissionKeys(c *call) *httpError {
	writeJSON(c.w, http.StatusOK, listEnvelope[Permission]{
		TotalCount: len(s.cat.Permissions),
		Count:      len(s.cat.Permissions),
		Items:      s.cat.Permissions,
	})
	return nil
}

type roleBody struct {
	Name                       *string   `json:"name"`
	Description                *string   `json:"description"`
	PermissionKeys             *[]string `json:"permissionKeys"`
	AllowAPIKeyAssignment      *bool     `json:"allowApiKeyAssignment"`
	AllowUserAccountAssignment *bool     `json:"allowUserAccountAssignment"`
}

var roleFields = bodyFields{
	writable: []string{"name", "description", "permissionKeys", "allowApiKeyAssignment", "allowUserAccountAssignment"},
	readOnly: []string{"id", "type", "lastUpdatedDateTime"},
}

// createRole takes all five fields, all required (API.md, "Roles: endpoints"); it answers 201
// with Location and the role (API.md, "Decision: role write answers").
func (s *Server) createRole(c *call) *httpError {
	var in roleBody
	present, e := decodeObject(c.body, roleFields, &in)
	if e != nil {
		return e
	}
	for _, name := range roleFields.writable {
		if !present[name] {
			return missingParam(name)
		}
	}
	if in.PermissionKeys == nil {
		in.PermissionKeys = &[]string{} // null: a role without permissions
	}
	for name, set := range map[string]bool{"name": in.Name != nil, "description": in.Description != nil,
		"allowApiKeyAssignment": in.AllowAPIKeyAssignment != nil, "allowUserAccountAssignment": in.AllowUserAccountAssignment != nil} {
		if !set {
			return invalidParam(name, "The field %q must not be null.", name)
		}
	}
	r := &role{ID: newID(), Type: roleTypeCustom, LastUpdated: c.now}
	if e := s.applyRoleBody(c, r, in); e != nil {
		return e
	}
	if e := s.tenantLimits.check("custom roles", s.st.counts()["roles"], s.tenantLimits.Roles); e != nil {
		return e
	}
	s.st.putRole(r)
	s.saveStateLocked()
	c.w.Header().Set("Location", baseURL(c.r)+"/v3.0/iam/roles/"+r.ID)
	s.setETag(c.w, r.ID, r.Version)
	writeJSON(c.w, http.StatusCreated, s.roleBody(r))
	return nil
}

// applyRoleBody validates the given fields and writes them into r.
func (s *Server) applyRoleBody(c *call, r *role, in roleBody) *httpError {
	if in.Name != nil {
		if e := checkRequired("name", in.Name); e != nil {
			return e
		}
		if e := checkLength("name", *in.Name, roleNameMax); e != nil {
			return e
		}
		if other := s.st.roleNamed(*in.Name); other != nil && other.ID != r.ID {
			return badRequest("name", innerDuplicate,
				"A role named %q already exists (id %s); role names are unique regardless of case.", other.Name, other.ID)
		}
		r.Name = *in.Name
	}
	if in.Description != nil {
		if e := checkLength("description", *in.Description, roleDescriptionMax); e != nil {
			return e
		}
		r.Description = *in.Description
	}
	if in.PermissionKeys != nil {
		keys := slices.Clone(*in.PermissionKeys)
		for _, k := range keys {
			if !s.cat.keys[k] {
				return invalidParam("permissionKeys",
					"The permission key %q does not exist; GET /v3.0/iam/roles/permissionKeys lists the valid keys.", k)
			}
		}
		slices.Sort(keys)
		r.PermissionKeys = slices.Compact(keys)
	}
	// Only a Master Administrator may set the control flags (API.md, "Who may do what").
	for _, flag := range []struct {
		name string
		want *bool
		cur  *bool
	}{
		{"allowApiKeyAssignment", in.AllowAPIKeyAssignment, &r.AllowAPIKeyAssignment},
		{"allowUserAccountAssignment", in.AllowUserAccountAssignment, &r.AllowUserAccountAssignment},
	} {
		if flag.want == nil || *flag.want == *flag.cur {
			continue
		}
		if !s.isMaster(c.who) {
			return errMasterAdministratorOnly(ruleControlFlags)
		}
		*flag.cur = *flag.want
	}
	return nil
}

func (s *Server) patchRole(c *call) *httpError {
	var in roleBody
	if _, e := decodeObject(c.body, roleFields, &in); e != nil {
		return e
	}
	r, e := s.findRole(c)
	if e != nil {
		return e
	}
	if e := checkIfMatch(c.r, etag(r.ID, r.Version), s.opts.StrictIfMatch); e != nil {
		return e
	}
	if r.Type == roleTypePredefined {
		return predefinedRoleError(r, "modified")
	}
	next := *r
	if e := s.applyRoleBody(c, &next, in); e != nil {
		return e
	}
	next.LastUpdated = c.now
	next.Version = s.st.nextVersion()
	s.st.putRole(&next)
	s.saveStateLocked()
	c.w.WriteHeader(http.StatusNoContent)
	return nil
}

func (s *Server) deleteRole(c *call) *httpError {
	r, e := s.findRole(c)
	if e != nil {
		return e
	}
	if e := checkIfMatch(c.r, etag(r.ID, r.Version), false); e != nil {
		return e
	}
	if r.Type == roleTypePredefined {
		return predefinedRoleError(r, "deleted")
	}
	if accounts, keys := s.st.roleUsage(r.ID); accounts+keys > 0 {
		return badRequest("", innerInUse,
			"The role %q is assigned to %s; assign them another role before deleting it.", r.Name, describeUse(accounts, keys))
	}
	s.st.deleteRole(r)
	s.saveStateLocked()
	c.w.WriteHeader(http.StatusNoContent)
	return nil
}

func describeUse(accounts, keys int) string {
	return fmt.Sprintf("%d account(s) and %d API key(s)", accounts, keys)
}

func predefinedRoleError(r *role, what string) *httpError {
	return badRequest("", innerPredefinedRole, "The role %q is predefined and cannot be %s.", r.Name, what)
}
