package emulator

import (
	"errors"
	"fmt"
	"net/http"
)

// TenantLimits caps the objects the tenant may hold; 0 means no cap. Trend publishes none, so they
// are options (API.md, "Decision: tenant and rate limits"). JSON as POST /_emulator/limits takes
// it.
type TenantLimits struct {
	APIKeys  int `json:"api_keys"`
	Accounts int `json:"accounts"`
	Roles    int `json:"roles"` // custom roles; the predefined ones are Trend's and never count
}

func (l TenantLimits) validate() error {
	if l.APIKeys < 0 || l.Accounts < 0 || l.Roles < 0 {
		return errors.New("tenant limits (MaxAPIKeys, MaxAccounts, MaxRoles) must not be negative")
	}
	return nil
}

// Tenant limits are refused as the rate limit is, 429 TooManyRequests (API.md, "Decision: tenant
// and rate limits"), told apart by the inner code and sent without Retry-After, since waiting
// does not lift them. A create beyond a cap is refused on its own: per item in the API-key batch,
// the whole request for an account or a role. Changing the status here changes every refusal.
const (
	tenantLimitStatus = http.StatusTooManyRequests
	innerTenantLimit  = "TenantLimitExceeded"
)

// checkTenantLimit refuses one more object of a kind (such as "API keys") when the tenant holds
// have of them and limit is set and reached.
func checkTenantLimit(kind string, have, limit int) *httpError {
	if limit == 0 || have < limit {
		return nil
	}
	msg := fmt.Sprintf("The tenant already has the maximum number of %s (%d); delete unused ones or ask Trend Micro support to raise the limit.",
		kind, limit)
	return &httpError{status: tenantLimitStatus, body: apiError{
		Code:       statusCodes[tenantLimitStatus],
		Message:    msg,
		InnerError: &innerError{Code: innerTenantLimit, Message: msg},
	}}
}
