package provider

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/diag"
)

// privateState is the part of the framework's private state (req.Private, resp.Private) that the
// helpers below use; the framework's own type lives in an internal package. Ephemeral resources'
// private data has the same methods.
type privateState interface {
	GetKey(ctx context.Context, key string) ([]byte, diag.Diagnostics)
	SetKey(ctx context.Context, key string, value []byte) diag.Diagnostics
}

// The keys of private state and private data, each named private<What>Key. Private state is stored
// with the resource in the state file but never shown; a key's string and the JSON of its value
// are what states written by earlier versions hold, so neither ever changes.
const (
	// privateVersionKey is the key of an object's version (client.Role.Version and its kin): the
	// ETag of a single read, or a fingerprint of the object when the refresh was served from the
	// client's shared listing, which carries no ETag. Private state travels from the refresh of a
	// plan to the apply of that plan: an update then sends If-Match with the version the plan was
	// computed from (the client checks a fingerprint against a fresh read first), and a change made
	// in between is detected (412) instead of overwritten. The key keeps its first name, "etag".
	privateVersionKey = "etag"
	// privatePlannedFromKey is the key of the id of the object a plan starts from. Terraform plans a
	// replacement twice: as a change of the current object, and then as the creation of its
	// successor, with the private state of the first plan. The second plan reads the id there, so
	// that the name of the object it replaces is not taken for someone else's. Terraform's apply
	// plans a create_before_destroy replacement once more, without that private state.
	privatePlannedFromKey = "planned_from"
	// privateReadAtKey is the key of the API time at which the apply judges an API key's expiry:
	// the time of the read (or create, or update) that last changed what the key's expires_at and
	// rotate_before call for (nothing, a rotation, an expired key's replacement; see storeReadAt).
	// Terraform plans an in-place change again while applying it, with the private state of the
	// plan's refresh, in a process that has not refreshed the key; judged at this time, no later
	// than the plan's, it decides as the plan did, since the decision only grows with time, and a
	// saved plan applied later does what it said (planExpiry). A read that finds the same decision
	// keeps the time: the private state is saved with the state, and a new time on every refresh
	// would write a new state version on every apply, even one with nothing to do.
	privateReadAtKey = "read_at"
	// privateRoleRenamedKey is the key of the rename of an API key's or an account's role that a
	// refresh (roleRename, noteRefreshedRole) or an update (keepRoleShown) found: the plan of a
	// configuration that still names the old name, and the update that applies it in another
	// provider process, advise naming the new one (heldRoleRenamed). An update that writes the
	// role drops it (forgetRoleRename).
	privateRoleRenamedKey = "role_renamed"
	// privateOpenedKey is the key of the private data under which the ephemeral visionone_api_key's
	// Open hands the key it made (openedAPIKey) to Close.
	privateOpenedKey = "api_key"
)

// setPrivate stores value under key, as JSON.
func setPrivate[T any](ctx context.Context, private privateState, key string, value T) diag.Diagnostics {
	raw, err := json.Marshal(value)
	if err != nil {
		var diags diag.Diagnostics
		diags.AddError("Error Storing Private State", fmt.Sprintf("Encoding the value of %q for the private state failed: %s", key, err))
		return diags
	}
	return private.SetKey(ctx, key, raw)
}

// getPrivate returns the value setPrivate stored under key, or T's zero value when there is none
// (a state written by an import, or before the key existed). A stored value that does not decode
// is returned as the error, with T's zero value, for the caller to judge: some values are only
// hints.
func getPrivate[T any](ctx context.Context, private privateState, key string) (T, diag.Diagnostics, error) {
	var value T
	raw, diags := private.GetKey(ctx, key)
	if diags.HasError() || len(raw) == 0 {
		return value, diags, nil
	}
	if err := json.Unmarshal(raw, &value); err != nil {
		var zero T
		return zero, diags, err
	}
	return value, diags, nil
}

// storeVersion remembers version for the next update; an empty version removes the remembered
// one, so a stale value is never sent.
func storeVersion(ctx context.Context, private privateState, version string) diag.Diagnostics {
	if version == "" {
		return private.SetKey(ctx, privateVersionKey, nil)
	}
	return setPrivate(ctx, private, privateVersionKey, version)
}

// storedVersion returns the version remembered by storeVersion, or "" when there is none (state
// written by an import or by an older provider version); the client then reads a current one
// itself.
func storedVersion(ctx context.Context, private privateState) (string, diag.Diagnostics) {
	version, diags, err := getPrivate[string](ctx, private, privateVersionKey)
	if err != nil {
		diags.AddError("Error Reading Object Version", "Decoding the object's version (ETag) from the private state failed: "+err.Error())
	}
	return version, diags
}

// notePlannedFrom records, in the private state of a plan of the object id, that the plan starts
// from it.
func notePlannedFrom(ctx context.Context, private privateState, id string) diag.Diagnostics {
	return setPrivate(ctx, private, privatePlannedFromKey, id)
}

// plannedFromID returns the id recorded by notePlannedFrom, or "" when there is none (a plan of a new
// object) or it cannot be read: it is only a hint, without which a replacement's own name may be
// reported as taken.
func plannedFromID(ctx context.Context, private privateState) (string, diag.Diagnostics) {
	id, diags, _ := getPrivate[string](ctx, private, privatePlannedFromKey)
	return id, diags
}
