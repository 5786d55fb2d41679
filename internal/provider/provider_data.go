package provider

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/seed-ebba3aa9/terraform-provider-visionone/internal/client"
)

// providerData is what Configure hands to every resource and data source: one client, and the
// caches that must be shared by everything in one provider process.
type providerData struct {
	client *client.Client

	// The permission catalog is read at most once per provider process: plan-time checks of many
	// roles then cost one request, and an unavailable endpoint costs one failed request, whose
	// error is remembered, rather than one per role.
	catalogOnce sync.Once
	catalog     []client.Permission
	catalogErr  error

	plannedRoles    plannedNames[plannedRole]
	plannedAPIKeys  plannedNames[struct{}]
	plannedAccounts plannedNames[struct{}] // by email

	// The names of API keys and roles that this run gives up, for the writes that take them.
	keyReleases  nameReleases
	roleReleases nameReleases
	// The deletes of accounts that this run has begun, for the delete of a role that they have
	// (awaitDeletes), by accountDeleteKey: an invitation's id changes when it is accepted, and
	// its email does not.
	accountDeletes nameReleases
	// The destroys of accounts that this plan makes, by id, for the invitations to the same email
	// (warnReinvited).
	accountDestroys nameReleases

	managed managedObjects

	// The tenant's API keys, roles and accounts, listed at most once per provider process for the
	// plan-time checks of new key names (apiKeyNamed), role names (roleNamed) and account emails
	// (accountWithEmail).
	apiKeys  listedOnce[client.APIKey]
	roles    listedOnce[client.Role]
	accounts listedOnce[client.Account]
}

// listedOnce is a listing of the tenant's objects of one type, read at most once per provider
// process. It may lack objects created since and hold objects deleted or renamed since. Of this
// process's own writes, which are its objects in an apply: the names it creates or renames into
// are in the record of the names planned in this run (plannedNames), which refuses a second object
// planned with one of them; the names it deletes or renames away from are in the record of the
// names given up (nameReleases), which its users consult before refusing a name; and every object
// it writes is one that seenManaged knows. What others change while the process runs is what the
// listing may miss, and Vision One still refuses a duplicate at apply.
type listedOnce[T any] struct {
	once  sync.Once
	items []T
	err   error
	// listed is set once items and err are, for lacks, which does not list.
	listed atomic.Bool
}

// find returns the first object for which key is name regardless of case, or nil, listing the
// objects with list (what names them in the log) the first time.
func (l *listedOnce[T]) find(ctx context.Context, what string, list func(context.Context, client.Filter) ([]T, error),
	name string, key func(*T) string,
) (*T, error) {
	l.once.Do(func() {
		tflog.Debug(ctx, "Listing the "+what+" for a plan-time check of names")
		l.items, l.err = list(ctx, "")
		l.listed.Store(true)
	})
	if l.err != nil {
		return nil, l.err
	}
	for i := range l.items {
		if client.SameName(key(&l.items[i]), name) {
			return &l.items[i], nil
		}
	}
	return nil, nil
}

// lacks reports whether this process has listed the objects, without error, and found none whose
// id (read by idOf) is id: such an object was made after the listing.
func (l *listedOnce[T]) lacks(id string, idOf func(*T) string) bool {
	if !l.listed.Load() || l.err != nil {
		return false
	}
	for i := range l.items {
		if idOf(&l.items[i]) == id {
			return false
		}
	}
	return true
}

// madeSinceListed reports whether the object of typeName with this id was made after this process
// listed the objects of its type for a plan-time check of names, and not by this process, whose
// objects seenManaged knows: so it is not a resource of this configuration's state, which Terraform
// locks for the run, but another configuration's, an automation's or the console's, such as the key
// of another apply that created it at the same time. (A listing that lags behind a write may miss
// an object made a moment before it, but an object of the state was made in an earlier run.)
func (d *providerData) madeSinceListed(typeName, id string) bool {
	if d.seenManaged(typeName, id) {
		return false
	}
	switch typeName {
	case apiKeyType:
		return d.apiKeys.lacks(id, func(k *client.APIKey) string { return k.ID })
	case userRoleType:
		return d.roles.lacks(id, func(r *client.Role) string { return r.ID })
	case accountType:
		return d.accounts.lacks(id, func(a *client.Account) string { return a.ID })
	}
	return false
}

// managedObjects remembers the ids of the objects this provider process has seen in the Terraform
// state of this configuration: read, planned from, created, updated or deleted. That is all a
// provider can know of what a configuration manages, and only for the objects Terraform has asked
// about so far in this plan or apply.
type managedObjects struct {
	mu  sync.Mutex
	ids map[managedObject]struct{}
	// noted is closed, and replaced, whenever an object is noted (awaitManaged).
	noted chan struct{}
}

// managedObject is an object by its resource type (such as "visionone_api_key") and id.
type managedObject struct{ typeName, id string }

// noteManaged records that the objects of typeName with these ids are in this configuration's state.
func (d *providerData) noteManaged(typeName string, ids ...string) { d.managed.note(typeName, ids...) }

// note records the objects of typeName with these ids.
func (m *managedObjects) note(typeName string, ids ...string) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.ids == nil {
		m.ids = map[managedObject]struct{}{}
	}
	for _, id := range ids {
		if id != "" {
			m.ids[managedObject{typeName, id}] = struct{}{}
		}
	}
	if m.noted != nil {
		close(m.noted)
		m.noted = nil
	}
}

// has reports whether the object of typeName with id is recorded.
func (m *managedObjects) has(typeName, id string) bool {
	m.mu.Lock()
	defer m.mu.Unlock()
	_, ok := m.ids[managedObject{typeName, id}]
	return ok
}

// seenManaged reports whether this process has seen the object of typeName with id in this
// configuration's state (see managedObjects for how little that can be).
func (d *providerData) seenManaged(typeName, id string) bool { return d.managed.has(typeName, id) }

// awaitManaged waits up to limit for this process to see the object of typeName with id in this
// configuration's state, and reports whether it did. It is for a plan that finds the name it plans
// taken by an object not seen: Terraform plans the instances of a configuration together, those
// it destroys too (an instance of a for_each whose key changed, with the same name), so the object
// may be this configuration's and its refresh still to come. A clash with an object outside the
// configuration is reported that much later.
func (d *providerData) awaitManaged(ctx context.Context, typeName, id string, limit time.Duration) bool {
	bound, cancel := context.WithTimeout(ctx, limit)
	defer cancel()
	for {
		noted := d.nextManaged()
		if d.seenManaged(typeName, id) {
			return true
		}
		select {
		case <-noted:
		case <-bound.Done():
			return false
		}
	}
}

// nextManaged returns what is closed when the next object is noted (noteManaged): taken before
// seenManaged is asked, a wait on it misses no object noted after the answer.
func (d *providerData) nextManaged() <-chan struct{} {
	d.managed.mu.Lock()
	defer d.managed.mu.Unlock()
	if d.managed.noted == nil {
		d.managed.noted = make(chan struct{})
	}
	return d.managed.noted
}

// awaitRoleRenamePlanned waits up to the limit of the roles' record (nameReleases) for this process
// to record the rename of the role named from to the name to, and reports whether it did (see
// accountResource.followsRoleRename). It waits only while this run may still plan that rename, as
// far as this process can tell from what it knows and from the roles it lists once for the checks
// of names (roleNamed), so that a plan without refresh does not wait for every account with a held
// back change of role: no role named from or to is predefined, as no predefined role is renamed and
// no role may be renamed to a predefined role's name (refuseTakenName); the plan of the role named
// from has not been seen, which records the rename before the role is noted as seen; and the plan of
// another role named to, which the role named from can take only from a role that gives it up in
// this run, has not been seen keeping it. A listing that fails rules nothing out.
func (d *providerData) awaitRoleRenamePlanned(ctx context.Context, from, to string) bool {
	named, _ := d.roleNamed(ctx, from)
	holder, _ := d.roleNamed(ctx, to)
	for _, role := range []*client.Role{named, holder} {
		if role != nil && role.Type == client.RoleTypePredefined {
			return false
		}
	}
	if holder != nil && named != nil && holder.ID == named.ID {
		holder = nil // a rename in letter case only: the role named from is the one to watch
	}
	bound, cancel := context.WithTimeout(ctx, d.roleReleases.limit())
	defer cancel()
	for {
		noted := d.nextManaged()
		// Asked before the record is read: a role's plan records its change, then notes the role.
		namedPlanned := named != nil && d.seenManaged(userRoleType, named.ID)
		holderPlanned := holder != nil && d.seenManaged(userRoleType, holder.ID)
		renamed, recorded := d.roleReleases.renameOrNext(from, to, func(n *nameReleases) bool {
			return namedPlanned || holderPlanned && !n.givesUpLocked(holder.ID)
		})
		if recorded == nil {
			return renamed
		}
		select {
		case <-recorded:
		case <-noted:
		case <-bound.Done():
			return false
		}
	}
}

// roleRenamed reports whether this run renames the role named from to the name to, as far as this
// process knows (see nameReleases); false without a configured provider.
func (d *providerData) roleRenamed(from, to string) bool {
	return d != nil && d.roleReleases.renames(from, to)
}

// ownRoleRename is the guardedUpdate.ownChange of an API key or account: its role changed from
// one name to another only because this run renamed the role, which is no change made outside
// Terraform even where the plan gives the holder another role (it moves off the role renamed). The
// object shows the new name once the rename is written, so this waits for that rename to end and
// reports whether it was written (awaitRename): its record is there already when this process
// planned the rename before the read, and otherwise is waited for a while; a rename that is not
// this run's, or that failed, leaves the change an outside one.
func (d *providerData) ownRoleRename(ctx context.Context) func(name string, was, is attr.Value) bool {
	return func(name string, was, is attr.Value) bool {
		from, fromOK := was.(types.String)
		to, toOK := is.(types.String)
		if name != "role" || !fromOK || !toOK || from.IsNull() || from.IsUnknown() || to.IsNull() || to.IsUnknown() {
			return false
		}
		return d.roleReleases.awaitRename(ctx, from.ValueString(), to.ValueString()) == releaseDone
	}
}

// apiKeyNamed returns the tenant's API key named name regardless of case, or nil (see listedOnce).
func (d *providerData) apiKeyNamed(ctx context.Context, name string) (*client.APIKey, error) {
	return d.apiKeys.find(ctx, "API keys", d.client.ListAPIKeys, name, func(k *client.APIKey) string { return k.Name })
}

// roleNamed returns the tenant's role named name regardless of case, predefined or custom, without
// its permission keys, or nil (see listedOnce). The client's shared listing of roles
// (RefreshRoleByName) would not do, for the reason accountWithEmail gives: every role created drops
// it.
func (d *providerData) roleNamed(ctx context.Context, name string) (*client.Role, error) {
	return d.roles.find(ctx, "roles", d.client.ListRoleSummaries, name, func(r *client.Role) string { return r.Name })
}

// accountWithEmail returns the tenant's account with this email regardless of case, or nil (see
// listedOnce). The client's shared listing (RefreshAccountByEmail) would not do: every invitation
// drops it, so in an apply, which plans each new account again just before inviting it, the checks
// of a thousand accounts would read it a thousand times.
func (d *providerData) accountWithEmail(ctx context.Context, email string) (*client.Account, error) {
	return d.accounts.find(ctx, "accounts", d.client.ListAccounts, email, func(a *client.Account) string { return a.Email })
}

func newProviderData(c *client.Client) *providerData {
	return &providerData{client: c}
}

// permissions returns the tenant's permission catalog (GET /v3.0/iam/roles/permissionKeys),
// fetched once per provider process.
func (d *providerData) permissions(ctx context.Context) ([]client.Permission, error) {
	d.catalogOnce.Do(func() {
		tflog.Debug(ctx, "Reading the Vision One permission catalog")
		d.catalog, d.catalogErr = d.client.ListPermissions(ctx)
	})
	return d.catalog, d.catalogErr
}

// providerDataFrom converts the ProviderData of a resource or data source Configure request. It
// returns nil without error when the provider is not configured yet (validate, early plan).
func providerDataFrom(in any) (*providerData, diag.Diagnostics) {
	var diags diag.Diagnostics
	if in == nil {
		return nil, diags
	}
	data, ok := in.(*providerData)
	if !ok {
		diags.AddError("Unexpected Provider Data Type",
			fmt.Sprintf("Expected *providerData, got: %T. This is always a bug in the provider code and should be reported to the provider developers.", in))
		return nil, diags
	}
	return data, diags
}

// providerNotConfiguredDetail explains an unconfigured provider where a component cannot do without
// the client.
const providerNotConfiguredDetail = "The visionone provider is not configured, usually because its configuration " +
	"depends on values that are not known yet. Set the provider attributes statically or through the VISIONONE_* " +
	"environment variables, or apply the resources they depend on first with -target."

// unknownProvider reports whether the provider's configuration is not known in this plan (see
// providerModel.warnUnknown). Every Read and ModifyPlan then leaves the prior state and the plan as
// they are, without the API: the object is read, and the plan checked, once the provider is
// configured, which Terraform always does with known values before it applies anything.
func unknownProvider(ctx context.Context, data *providerData) bool {
	if data != nil {
		return false
	}
	tflog.Debug(ctx, "The provider configuration is not known in this plan: keeping the prior state")
	return true
}

// requireConfigured reports whether the provider is configured, adding an error when it is not:
// every API call needs the client, and by apply time (or when a data source is read) an
// unconfigured provider is a real problem rather than a value still unknown at plan.
func requireConfigured(data *providerData, diags *diag.Diagnostics) bool {
	if data == nil {
		diags.AddError("Provider Not Configured", providerNotConfiguredDetail)
		return false
	}
	return true
}
