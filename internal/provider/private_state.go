package provider

import (
	"context"
	"encoding/json"

	"github.com/hashicorp/terraform-plugin-framework/diag"
)

// privateState is the part of the framework's private state (req.Private, resp.Private) that the
// ETag helpers use; the framework's own type lives in an internal package.
type privateState interface {
	GetKey(ctx context.Context, key string) ([]byte, diag.Diagnostics)
	SetKey(ctx context.Context, key string, value []byte) diag.Diagnostics
}

// privateETagKey is the private-state key of an object's ETag. Private state is stored with the
// resource in the state file but never shown, and it travels from the refresh of a plan to the
// apply of that plan: an update then sends If-Match with the ETag of the object the plan was
// computed from, and a change made in between is detected (412) instead of overwritten. When the
// refresh was served from the client's shared listing, which carries no ETag, the value is a
// fingerprint of the object instead, which the client checks against a fresh read before patching.
const privateETagKey = "etag"

// storeETag remembers etag for the next update; an empty etag removes the remembered one, so a
// stale value is never sent.
func storeETag(ctx context.Context, private privateState, etag string) diag.Diagnostics {
	if etag == "" {
		return private.SetKey(ctx, privateETagKey, nil)
	}
	value, err := json.Marshal(etag)
	if err != nil {
		var diags diag.Diagnostics
		diags.AddError("Error Storing ETag", "Encoding the ETag for the private state failed: "+err.Error())
		return diags
	}
	return private.SetKey(ctx, privateETagKey, value)
}

// storedETag returns the ETag remembered by storeETag, or "" when there is none (state written by
// an import or by an older provider version); the client then reads a current one itself.
func storedETag(ctx context.Context, private privateState) (string, diag.Diagnostics) {
	value, diags := private.GetKey(ctx, privateETagKey)
	if diags.HasError() || len(value) == 0 {
		return "", diags
	}
	var etag string
	if err := json.Unmarshal(value, &etag); err != nil {
		diags.AddError("Error Reading ETag", "Decoding the ETag from the private state failed: "+err.Error())
		return "", diags
	}
	return etag, diags
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
