package provider

import (
	"context"
	"encoding/json"

	"github.com/hashicorp/terraform-plugin-framework/diag"
)

// privateState is the part of the framework's private state (req.Private, resp.Private) that the
// version helpers use; the framework's own type lives in an internal package.
type privateState interface {
	GetKey(ctx context.Context, key string) ([]byte, diag.Diagnostics)
	SetKey(ctx context.Context, key string, value []byte) diag.Diagnostics
}

// privateVersionKey is the private-state key of an object's version (client.Role.Version and its
// kin): the ETag of a single read, or a fingerprint of the object when the refresh was served from
// the client's shared listing, which carries no ETag. Private state is stored with the resource in
// the state file but never shown, and it travels from the refresh of a plan to the apply of that
// plan: an update then sends If-Match with the version the plan was computed from (the client
// checks a fingerprint against a fresh read first), and a change made in between is detected (412)
// instead of overwritten. The key keeps its first name, "etag", which existing states hold.
const privateVersionKey = "etag"

// storeVersion remembers version for the next update; an empty version removes the remembered
// one, so a stale value is never sent.
func storeVersion(ctx context.Context, private privateState, version string) diag.Diagnostics {
	if version == "" {
		return private.SetKey(ctx, privateVersionKey, nil)
	}
	value, err := json.Marshal(version)
	if err != nil {
		var diags diag.Diagnostics
		diags.AddError("Error Storing Object Version", "Encoding the object's version (ETag) for the private state failed: "+err.Error())
		return diags
	}
	return private.SetKey(ctx, privateVersionKey, value)
}

// storedVersion returns the version remembered by storeVersion, or "" when there is none (state
// written by an import or by an older provider version); the client then reads a current one
// itself.
func storedVersion(ctx context.Context, private privateState) (string, diag.Diagnostics) {
	value, diags := private.GetKey(ctx, privateVersionKey)
	if diags.HasError() || len(value) == 0 {
		return "", diags
	}
	var version string
	if err := json.Unmarshal(value, &version); err != nil {
		diags.AddError("Error Reading Object Version", "Decoding the object's version (ETag) from the private state failed: "+err.Error())
		return "", diags
	}
	return version, diags
}

// privatePlannedFromKey is the private-state key of the id of the object a plan starts from.
// Terraform plans a replacement twice: as a change of the current object, and then as the creation
// of its successor, with the private state of the first plan. The second plan reads the id there,
// so that the name of the object it replaces is not taken for someone else's. Terraform's apply
// plans a create_before_destroy replacement once more, without that private state.
const privatePlannedFromKey = "planned_from"

// notePlannedFrom records, in the private state of a plan of the object id, that the plan starts
// from it.
func notePlannedFrom(ctx context.Context, private privateState, id string) diag.Diagnostics {
	value, err := json.Marshal(id)
	if err != nil {
		var diags diag.Diagnostics
		diags.AddError("Error Storing Private State", "Encoding an id for the private state failed: "+err.Error())
		return diags
	}
	return private.SetKey(ctx, privatePlannedFromKey, value)
}

// plannedFromID returns the id recorded by notePlannedFrom, or "" when there is none (a plan of a new
// object).
func plannedFromID(ctx context.Context, private privateState) (string, diag.Diagnostics) {
	value, diags := private.GetKey(ctx, privatePlannedFromKey)
	if diags.HasError() || len(value) == 0 {
		return "", diags
	}
	var id string
	if err := json.Unmarshal(value, &id); err != nil {
		// Only a hint: without it a replacement's own name may be reported as taken.
		return "", diags
	}
	return id, diags
}
