package provider

import (
	"errors"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/diag"

	"github.com/seed-ebba3aa9/terraform-provider-visionone/internal/client"
)

// providerData is what Configure hands to every resource and data source: one client, and the
// caches that must be shared by everything in one provider process.
type providerData struct {
	client *client.Client
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

// addAPIError reports a failed API call as an error diagnostic: what was being done, what the API
// said (status, Vision One code, message, trace id, from client.APIError) and what to do next.
func addAPIError(diags *diag.Diagnostics, summary, doing string, err error) {
	detail := doing + ": " + err.Error()
	var apiErr *client.APIError
	if errors.As(err, &apiErr) {
		if advice := apiErr.Advice(); advice != "" {
			detail += "\n\n" + advice
		}
	}
	diags.AddError(summary, detail)
}
