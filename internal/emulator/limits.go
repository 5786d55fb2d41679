package emulator

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"time"
)

// TenantLimits caps the objects the tenant may hold; 0 means no cap. Trend publishes none, so they
// are options (API.md, "Decision: tenant and rate limits"). JSON as POST /_emulator/limits takes
// it.
type TenantLimits struct {
	APIKeys  int `json:"api_keys"`
	Accounts int `json:"accounts"`
	Roles    int `json:"roles"` // custom roles; the predefined ones are Trend's and never count
	// RetryAfter is the Retry-After of a refusal at a cap, rounded up to whole seconds; zero means
	// one second ("retry_after": "3s" in JSON, where "0s" means OmitRetryAfter, as the command's
	// -limits-retry-after 0 does). OmitRetryAfter sends the refusals without it ("omit_retry_after"
	// in JSON), as a real tenant may.
	RetryAfter     time.Duration `json:"-"`
	OmitRetryAfter bool          `json:"omit_retry_after"`
}

// tenantLimitsJSON is the wire form of TenantLimits, with the Retry-After as a Go duration string.
type tenantLimitsJSON struct {
	APIKeys        int    `json:"api_keys"`
	Accounts       int    `json:"accounts"`
	Roles          int    `json:"roles"`
	RetryAfter     string `json:"retry_after,omitempty"`
	OmitRetryAfter bool   `json:"omit_retry_after"`
}

// MarshalJSON writes the Retry-After as a Go duration string ("3s").
func (l TenantLimits) MarshalJSON() ([]byte, error) {
	j := tenantLimitsJSON{APIKeys: l.APIKeys, Accounts: l.Accounts, Roles: l.Roles, OmitRetryAfter: l.OmitRetryAfter}
	if l.RetryAfter > 0 {
		j.RetryAfter = l.RetryAfter.String()
	}
	return json.Marshal(j)
}

// UnmarshalJSON reads the form POST /_emulator/limits accepts, refusing unknown fields.
func (l *TenantLimits) UnmarshalJSON(b []byte) error {
	var j tenantLimitsJSON
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&j); err != nil {
		return err
	}
	out := TenantLimits{APIKeys: j.APIKeys, Accounts: j.Accounts, Roles: j.Roles, OmitRetryAfter: j.OmitRetryAfter}
	if j.RetryAfter != "" {
		d, err := time.ParseDuration(j.RetryAfter)
		if err != nil {
			return fmt.Errorf("retry_after: %w", err)
		}
		// "0s" sends none, as -limits-retry-after 0 does; the Go zero value means the default.
		out.RetryAfter, out.OmitRetryAfter = d, out.OmitRetryAfter || d == 0
	}
	*l = out
	return nil
}

func (l TenantLimits) validate() error {
	if l.APIKeys < 0 || l.Accounts < 0 || l.Roles < 0 {
		return errors.New("tenant limits (MaxAPIKeys, MaxAccounts, MaxRoles) must not be negative")
	}
	if l.RetryAfter < 0 {
		return errors.New("the tenant limits' retry_after must not be negative")
	}
	return nil
}

// Tenant limits are refused as the rate limit is, 429 TooManyRequests with Retry-After (API.md,
// "Decision: tenant and rate limits"): a delete elsewhere may make room, so the client retries.
// The inner code tells the cause; a real tenant may send none. A create beyond a cap is refused
// on its own: per item in the API-key batch, the whole request for an account or a role. Changing
// the status here changes every refusal.
const (
	tenantLimitStatus = http.StatusTooManyRequests
	innerTenantLimit  = "TenantLimitExceeded"
)

// check refuses one more object of a kind (such as "API keys") when the tenant holds have of
// them and limit is set and reached.
func (l TenantLimits) check(kind string, have, limit int) *httpError {
	if limit == 0 || have < limit {
		return nil
	}
	msg := fmt.Sprintf("The tenant already has the maximum number of %s (%d); delete unused ones or ask Trend Micro support to raise the limit.",
		kind, limit)
	e := &httpError{status: tenantLimitStatus, body: apiError{
		Code:       statusCodes[tenantLimitStatus],
		Message:    msg,
		InnerError: &innerError{Code: innerTenantLimit, Message: msg},
	}}
	if !l.OmitRetryAfter {
		e.retryAfter = retryAfterSeconds(l.RetryAfter)
	}
	return e
}
