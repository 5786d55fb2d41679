package client

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"
)

// Roles are listed in one of three ways. ListRoles gives every role whole, its permission keys
// included: a role listed without them is read from /roles/{id}/permissions, one request per role
// (API.md, "Decision: role bodies"). ListRoleSummaries gives every role without its permission keys,
// in the requests of the listing alone, for what needs a role's id, name, type or flags only: the
// names of the plan-time checks and suggestions, and the lookups by name, which read the keys of the
// one role they find (findRole), or none (RefreshRoleSummaryByName, for the plan-time checks).
// ListRolesAsListed gives every role as the listing holds it, for what needs the keys of some of the
// roles only: FillPermissionKeys reads them for those, and nothing for a role listed with its keys.

// ListRoles returns every role matching filter (empty filter: all), following nextLink, each with
// its permission keys.
func (c *Client) ListRoles(ctx context.Context, filter Filter) ([]Role, error) {
	roles, err := c.ListRolesAsListed(ctx, filter)
	if err != nil {
		return nil, err
	}
	for i := range roles {
		if err := c.FillPermissionKeys(ctx, &roles[i]); err != nil {
			return nil, err
		}
	}
	return roles, nil
}

// ListRoleSummaries returns every role matching filter (empty filter: all), following nextLink,
// without its permission keys: PermissionKeys is nil, whether or not the listing holds them, so
// that no caller relies on what a tenant may leave out.
func (c *Client) ListRoleSummaries(ctx context.Context, filter Filter) ([]Role, error) {
	roles, err := c.ListRolesAsListed(ctx, filter)
	if err != nil {
		return nil, err
	}
	for i := range roles {
		roles[i].PermissionKeys = nil
	}
	return roles, nil
}

// ListRolesAsListed returns every role matching filter (empty filter: all), following nextLink, as
// the listing holds it: with its permission keys, or nil where the listing leaves them out. A caller
// that needs a role's keys reads them with FillPermissionKeys.
func (c *Client) ListRolesAsListed(ctx context.Context, filter Filter) ([]Role, error) {
	return listAll[Role](ctx, c, rolesPath, filter)
}

// GetRole returns one role with its ETag (or, when the answer has none, its fingerprint: see
// cache.go) as Version; permission keys are filled from /permissions when the
// role body lacks them. A missing role gives an error for which IsNotFound is true, an answer that
// is not the role (no id, or another one) an *AnswerError.
//
// A 404 is confirmed with the listing filtered by the id, which every tenant offers: a tenant with
// the older role endpoints alone answers 404 to every GET of one role (API.md, "Decision: older
// role endpoints"). A role the listing holds is returned as it holds it, with its fingerprint as
// Version, as RefreshRole returns a role served from the listing.
func (c *Client) GetRole(ctx context.Context, id string) (*Role, error) {
	var role Role
	etag, err := c.getObject(ctx, rolesPath, id, &role, nil)
	if IsNotFound(err) {
		return c.listedRole(ctx, id, err)
	}
	if err != nil {
		return nil, err
	}
	if err := c.FillPermissionKeys(ctx, &role); err != nil {
		return nil, err
	}
	role.Version = versionOf(etag, role.fingerprint) // a fingerprint covers the permission keys
	return &role, nil
}

// listedRole returns the role with id as the listing filtered by id holds it, with its permission
// keys and its fingerprint as Version, after the GET of the role was answered notFound (a 404);
// notFound when the listing does not hold it.
func (c *Client) listedRole(ctx context.Context, id string, notFound error) (*Role, error) {
	role, err := c.roleInListing(ctx, id, notFound)
	if err != nil {
		return nil, err
	}
	if role == nil {
		return nil, notFound
	}
	if err := c.FillPermissionKeys(ctx, role); err != nil {
		return nil, err
	}
	role.Version = role.fingerprint()
	return role, nil
}

// roleInListing returns the role with id as the listing filtered by id holds it, or nil when the
// listing does not hold it, for a call about the role that was answered notFound (a 404): whether
// the role is gone or the tenant does not offer the call (API.md, "Decision: older role
// endpoints"). An error reading the listing is returned with notFound, for which IsNotFound is
// then false: the role may well be there.
func (c *Client) roleInListing(ctx context.Context, id string, notFound error) (*Role, error) {
	roles, err := c.ListRolesAsListed(ctx, EqFilterable("id", id))
	if err != nil {
		return nil, fmt.Errorf("%s; the listing that tells whether the role is gone failed: %w", notFound, err)
	}
	for i := range roles {
		if strings.EqualFold(roles[i].ID, id) { // as getObject compares the id of a GET's answer
			return &roles[i], nil
		}
	}
	return nil, nil
}

// notOfferedIfListed returns err, a failed write of the role with id, marked as a call the tenant
// does not offer when it is a 405, or a 404 while the listing still holds the role (API.md,
// "Decision: older role endpoints"); a 404 stays one for a role the listing does not hold.
func (c *Client) notOfferedIfListed(ctx context.Context, id string, err error) error {
	if e, ok := apiErrorAs(err); ok && e.StatusCode == http.StatusMethodNotAllowed {
		markNotOffered(err, true, "the role's path does not take this method")
		return err
	}
	if !IsNotFound(err) {
		return err
	}
	role, listErr := c.roleInListing(ctx, id, err)
	if listErr != nil {
		return listErr
	}
	if role != nil {
		markNotOffered(err, false, "the role is still listed (GET "+rolesPath+")")
	}
	return err
}

// FillPermissionKeys reads a role's permission keys from /roles/{id}/permissions when its body has
// none at all, and reads nothing otherwise: an empty list is an answer, an absent one is not
// (API.md, "Decision: role bodies").
func (c *Client) FillPermissionKeys(ctx context.Context, role *Role) error {
	if role.PermissionKeys != nil {
		return nil
	}
	keys, err := c.getRolePermissions(ctx, role.ID)
	if err != nil {
		return err
	}
	role.PermissionKeys = keys
	return nil
}

// findRole finds a role by name, exactly or (foldCase) as the API's uniqueness does, with its
// permission keys: read for the role found alone, when the listing leaves them out.
func (c *Client) findRole(ctx context.Context, name string, foldCase bool) (*Role, error) {
	role, err := c.findRoleAsListed(ctx, name, foldCase)
	if err != nil {
		return nil, err
	}
	if err := c.FillPermissionKeys(ctx, role); err != nil {
		return nil, err
	}
	return role, nil
}

// findRoleAsListed finds a role by name as findRole does, as the listing holds it: with its
// permission keys, or nil where the listing leaves them out.
func (c *Client) findRoleAsListed(ctx context.Context, name string, foldCase bool) (*Role, error) {
	role, err := findByName(ctx, c.ListRolesAsListed, name, foldCase, func(r Role) string { return r.Name })
	if err != nil {
		return nil, err
	}
	if role == nil {
		return nil, notFound(rolesPath, fmt.Sprintf("no role is named %q", name))
	}
	return role, nil
}

// CreateRole creates a custom role and returns it as the API reports it. After an ambiguous failure
// it looks the role up by name before trying again, so a retry never creates a duplicate. A role
// found under that name is adopted when the API stamped it after the failed attempt began; an
// older one belongs to someone else and gives an error for which IsAlreadyExists is true. A success
// answer without the new role's id is resolved the same way.
//
// The role is read back for its ETag. Should that read fail, the role exists all the same: CreateRole
// then returns it as the create's answer (or the listing that adopted it) describes it, or else as
// the request does, with a *ReadBackError, so that the caller can record it rather than lose it.
func (c *Client) CreateRole(ctx context.Context, in RoleCreate) (*Role, error) {
	stale := writing(c.caches.roles, c.caches.accounts, c.caches.apiKeys) // accounts and keys name their role
	defer stale()
	ctx, done, err := c.beginWrite(ctx)
	if err != nil {
		return nil, err
	}
	defer done()
	if in.PermissionKeys == nil {
		in.PermissionKeys = []string{} // all five fields are required (API.md, "Roles: endpoints")
	}
	var id string
	var answered *Role // what the create's answer, or the listing that adopted the role, says of it
	recoverFn := func(ctx context.Context, startedAt time.Time) (bool, error) {
		// Role names are unique regardless of case, so any spelling is the one this create made.
		existing, err := c.findRole(ctx, in.Name, true)
		if IsNotFound(err) {
			return false, nil
		}
		if err != nil {
			return false, err
		}
		if updatedAt, dated := existing.LastUpdatedDateTime.Time(); dated {
			start, err := c.serverTimeAt(ctx, startedAt)
			if err != nil {
				return false, err
			}
			if !createdSince(updatedAt, start) {
				return false, alreadyExists(rolesPath, fmt.Sprintf("a role named %q (id %s)", existing.Name, existing.ID),
					"and was not created by this request")
			}
		}
		id, answered = existing.ID, existing
		return true, nil
	}
	send := func(ctx context.Context) error {
		startedAt := time.Now()
		resp, err := c.do(ctx, request{method: http.MethodPost, path: rolesPath, body: in, policy: retryUnprocessed})
		if err != nil {
			// The POST of the collection names no object that could be gone: its route is not
			// served (API.md, "Decision: older role endpoints"). Not ambiguous, so no lookup follows.
			markNotOffered(err, true, "a create names no object that could be gone")
			return err
		}
		if id = createdID(resp); id == "" {
			return c.resolveMissingID(ctx, rolesPath, resp, "role", func(ctx context.Context) (bool, error) {
				return recoverFn(ctx, startedAt)
			})
		}
		var body Role
		// As a read's: the answer is all we have of the role if the read-back fails.
		if decodeAnswer(resp, &body) == nil && body.ID == id && body.Name != "" && body.PermissionKeys != nil {
			answered = &body
		}
		return nil
	}
	if err := c.createSafely(ctx, rolesPath, send, recoverFn); err != nil {
		return nil, err
	}
	role, err := c.GetRole(ctx, id)
	if err == nil {
		return role, nil
	}
	readBackErr := &ReadBackError{What: fmt.Sprintf("role %q", in.Name), ID: id, Described: answered != nil, Err: err}
	if answered == nil {
		answered = &Role{ID: id, Name: in.Name, Type: RoleTypeCustom, Description: in.Description,
			AllowAPIKeyAssignment: in.AllowAPIKeyAssignment, AllowUserAccountAssignment: in.AllowUserAccountAssignment,
			PermissionKeys: slices.Clone(in.PermissionKeys)}
	}
	answered.Version = "" // an update reads the ETag first
	return answered, readBackErr
}

// UpdateRole patches a role, with If-Match, if it is still at version (Role.Version). When version
// is an ETag it is sent as it is; when it is empty the current ETag is read first; when it is a
// fingerprint (a role served from a listing by RefreshRole, or read by a GET that carried no ETag),
// the role is read and a 412 is answered without patching if it no longer matches the fingerprint.
// A 412 gives an error for which IsPreconditionFailed is true; it is never retried. Should a retry
// of an ambiguous attempt meet a 412, the role is read again: if it already holds the patch, the
// first attempt applied it and the update succeeded.
func (c *Client) UpdateRole(ctx context.Context, id, version string, patch RolePatch) error {
	stale := writing(c.caches.roles, c.caches.accounts, c.caches.apiKeys) // accounts and keys name their role
	defer stale()
	err := updateObject(ctx, c, rolesPath, id, version, patch, c.GetRole, rolePatchApplied)
	if e, ok := apiErrorAs(err); ok && e.Method != http.MethodPatch {
		return err // the read before the PATCH, which has looked in the listing already (GetRole)
	}
	return c.notOfferedIfListed(ctx, id, err)
}

func rolePatchApplied(r *Role, p RolePatch) bool {
	return (p.Name == nil || *p.Name == r.Name) &&
		(p.Description == nil || *p.Description == r.Description) &&
		(p.PermissionKeys == nil || sameSet(*p.PermissionKeys, r.PermissionKeys)) &&
		(p.AllowAPIKeyAssignment == nil || *p.AllowAPIKeyAssignment == r.AllowAPIKeyAssignment) &&
		(p.AllowUserAccountAssignment == nil || *p.AllowUserAccountAssignment == r.AllowUserAccountAssignment)
}

func sameSet(a, b []string) bool {
	a, b = slices.Clone(a), slices.Clone(b)
	slices.Sort(a)
	slices.Sort(b)
	return slices.Equal(slices.Compact(a), slices.Compact(b))
}

// DeleteRole deletes a custom role. A role that is not there gives an error for which IsNotFound is
// true; a 404 while the listing still holds the role, one for which IsNotOffered is true (API.md,
// "Decision: older role endpoints").
func (c *Client) DeleteRole(ctx context.Context, id string) error {
	stale := writing(c.caches.roles, c.caches.accounts, c.caches.apiKeys) // accounts and keys name their role
	defer stale()
	err := c.notOfferedIfListed(ctx, id, c.sendDelete(ctx, objectPath(rolesPath, id)))
	if IsNotFound(err) && afterAmbiguousAnswer(err, http.StatusNotFound) {
		return nil // not listed either: the earlier attempt deleted it (deleteObject)
	}
	return err
}

// ListPermissions returns the tenant's permission catalog (GET /v3.0/iam/roles/permissionKeys).
// The endpoint takes no paging parameters (API.md, "Roles: permission catalog"), so none is sent;
// a nextLink, should the API ever give one, is followed. A catalog with an item without a key, or
// without a single permission, is an *AnswerError: its body is in a shape the client does not
// know, and read as it is, every key of every role would be unknown.
func (c *Client) ListPermissions(ctx context.Context) ([]Permission, error) {
	req := request{method: http.MethodGet, path: rolesPath + "/permissionKeys"}
	permissions, last, err := readAllPages[Permission](ctx, c, req)
	if err != nil {
		// A path without an object id: a 404 is of a route the tenant does not serve (API.md,
		// "Decision: older role endpoints").
		markNotOffered(err, false, "the permission catalog is a path without an object id")
		return nil, err
	}
	if len(permissions) == 0 {
		return nil, unusableAnswer(req.method, req.path, last, "it lists no permission, where every tenant has at least those of its predefined roles")
	}
	return permissions, nil
}

// getRolePermissions returns the permission keys of one role (GET /v3.0/iam/roles/{id}/permissions);
// an answer without permissionKeys is an *AnswerError, permissionKeys null an empty list.
func (c *Client) getRolePermissions(ctx context.Context, id string) ([]string, error) {
	p := objectPath(rolesPath, id) + "/permissions"
	var body struct {
		PermissionKeys member[[]string] `json:"permissionKeys"`
	}
	resp, err := c.getJSON(ctx, p, &body)
	if err != nil {
		return nil, err
	}
	// Its only member: a body without it is no answer of this endpoint, and read as no permission
	// at all it would show a role that has permissions as having none (API.md, "Decision: role
	// bodies").
	if !body.PermissionKeys.present {
		return nil, unusableAnswer(http.MethodGet, p, resp, "its body has no permissionKeys")
	}
	if body.PermissionKeys.value == nil {
		return []string{}, nil
	}
	return withoutRepeats(body.PermissionKeys.value), nil
}
