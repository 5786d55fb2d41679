package provider

import (
	"context"
	"iter"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/list"
)

// List resources (Terraform 1.14 and later, `terraform query`) find objects of a resource type,
// made in the console or by another configuration. Each reads one listing of its type through
// the client (pages of 200, filtered by the API where it can, by the provider where it cannot):
// a result is built from its listing item, never read again on its own.

// listedObject is what a list result says of one object: its identity, its display name, and the
// resource object, which is what `terraform query -generate-config-out` writes configuration
// from, so it must be the state an import of the object would read.
type listedObject[M any] struct {
	identity    string
	displayName string
	resource    func() (M, diag.Diagnostics)
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
// only when Terraform asks for it (include_resource, or -generate-config-out).
func listResults[M any](ctx context.Context, req list.ListRequest, identityName string, objects []listedObject[M]) iter.Seq[list.ListResult] {
	return func(push func(list.ListResult) bool) {
		for i, object := range objects {
			if req.Limit > 0 && int64(i) >= req.Limit {
				return
			}
			result := req.NewListResult(ctx)
			result.DisplayName = object.displayName
			setIdentity(ctx, result.Identity, identityName, object.identity)
			if req.IncludeResource {
				model, diags := object.resource()
				result.Diagnostics.Append(diags...)
				if !diags.HasError() {
					result.Diagnostics.Append(result.Resource.Set(ctx, &model)...)
				}
			}
			if !push(result) {
				return
			}
		}
	}
}
