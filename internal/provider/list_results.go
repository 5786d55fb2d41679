package provider

import (
	"context"
	"fmt"
	"iter"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/list"
)

// List resources (Terraform 1.14 and later, `terraform query`) find objects of a resource type,
// made in the console or by another configuration. Each reads one listing of its type through
// the client (pages of 200, filtered by the API where it can, by the provider where it cannot):
// a result is built from its listing item, never read again on its own. The one exception is a
// role listed without its permission keys, as the API may list roles: its keys are read for its
// resource object, and so only when Terraform asks for it.

// listedObject is what a list result says of one object: its identity, its display name, and the
// resource object, which is what `terraform query -generate-config-out` writes configuration
// from, so it must be the state an import of the object would read.
type listedObject[M any] struct {
	identity    string
	displayName string
	resource    func() (M, diag.Diagnostics)
	// warnings are shown with the result whether or not Terraform asks for its resource object.
	warnings diag.Diagnostics
}

// listConfig decodes the list block's config; when it cannot, or the provider is not configured,
// it ends the stream with the diagnostics and reports false.
func listConfig[C any](ctx context.Context, req list.ListRequest, data *providerData, stream *list.ListResultsStream) (C, bool) {
	var config C
	var diags diag.Diagnostics
	diags.Append(req.Config.Get(ctx, &config)...)
	if diags.HasError() || !requireConfigured(data, &diags) {
		stream.Results = list.ListResultsStreamDiagnostics(diags)
		return config, false
	}
	return config, true
}

// endListWithAPIError ends the stream with a failed API call, reported as addAPIError does.
func endListWithAPIError(stream *list.ListResultsStream, summary, doing string, err error) {
	var diags diag.Diagnostics
	addAPIError(&diags, summary, doing, err)
	stream.Results = list.ListResultsStreamDiagnostics(diags)
}

// listResults streams the objects as results, at most req.Limit of them (Terraform's `limit`,
// 100 by default), each with its identity attribute identityName, and with its resource object
// only when Terraform asks for it (include_resource, or -generate-config-out). When objects remain
// past the limit, the last result warns of them: Terraform reads no result past its limit, so a
// result of its own would never be seen, and without it a query that adopts "everything" leaves
// objects out with nothing said.
func listResults[M any](ctx context.Context, req list.ListRequest, identityName string, objects []listedObject[M]) iter.Seq[list.ListResult] {
	shown := len(objects)
	if req.Limit > 0 && req.Limit < int64(shown) {
		shown = int(req.Limit)
	}
	return func(push func(list.ListResult) bool) {
		for i, object := range objects[:shown] {
			result := req.NewListResult(ctx)
			result.DisplayName = object.displayName
			setIdentity(ctx, result.Identity, identityName, object.identity)
			result.Diagnostics.Append(object.warnings...)
			if req.IncludeResource {
				model, diags := object.resource()
				result.Diagnostics.Append(diags...)
				if !diags.HasError() {
					result.Diagnostics.Append(result.Resource.Set(ctx, &model)...)
				}
			}
			if i == shown-1 && shown < len(objects) {
				addListCutWarning(&result.Diagnostics, shown, len(objects))
			}
			if !push(result) {
				return
			}
		}
	}
}

// addListCutWarning says that a list shows only `shown` of the `found` objects it found, because
// of the list block's limit, and how to see them all.
func addListCutWarning(diags *diag.Diagnostics, shown, found int) {
	diags.AddWarning("Objects Left Out by the List's Limit",
		fmt.Sprintf("This list shows %d of the %d objects it found: Terraform asks for no more results than the list "+
			"block's `limit`, or its default when the block sets none. The objects left out are not shown, and "+
			"-generate-config-out writes no configuration for them. To list every object, set `limit` to %d or more "+
			"in the list block.", shown, found, found))
}
