// Package client is a small typed client for the Trend Vision One IAM API v3.0 (accounts, roles,
// API keys), as described in shared/visionone-api.md. It knows nothing of Terraform's schema: the
// provider translates between its models and these types.
//
// STUB: the signatures in this file are the agreed surface that the provider codes against. The
// bodies are filled in by the client work (issue 3); signatures may be added to but not changed.
package client

import (
	"context"
	"errors"
	"net/http"
	"time"
)

var errNotImplemented = errors.New("client: not implemented yet")

// Config configures a Client. Exactly one of Region and Endpoint is normally set; Endpoint wins.
type Config struct {
	// Region is one of Regions (us, eu, jp, sg, au, in, mea, uk, usgov).
	Region string
	// Endpoint is a full base URL such as "http://127.0.0.1:8080" (proxies, the emulator). The
	// client appends /v3.0/... paths to it.
	Endpoint string
	// APIKey is the bearer token. It is masked in every log line.
	APIKey string
	// UserAgent names the provider and its version, e.g. "terraform-provider-visionone/1.2.3".
	UserAgent string
	// MaxRetries bounds the retries of one request after 429, 5xx and network errors. Default 5.
	MaxRetries int
	// RequestTimeout bounds one HTTP attempt. Default 60s (the API's own limit).
	RequestTimeout time.Duration
	// RequestsPerMinute is the client-side rate limit shared by all calls through this Client.
	// Zero means the default (see DefaultRequestsPerMinute); negative means unlimited.
	RequestsPerMinute int
	// HTTPClient overrides the transport (tests). Its Timeout is ignored in favour of RequestTimeout.
	HTTPClient *http.Client
}

// Client talks to one Vision One tenant. It is safe for concurrent use and is meant to be built
// once per provider process, so that its rate limiter and server clock are shared by everything.
type Client struct {
	cfg Config
}

// New validates cfg and builds a Client. It makes no network call.
func New(cfg Config) (*Client, error) {
	return &Client{cfg: cfg}, nil
}

// ServerNow returns the API's current time: the Date header of the latest response plus the time
// elapsed since it arrived (monotonic). When no response has been seen yet it makes one cheap request
// (the connectivity check) to learn it. Expiry decisions use this, never the local clock.
func (c *Client) ServerNow(ctx context.Context) (time.Time, error) {
	return time.Time{}, errNotImplemented
}

// CheckConnectivity calls GET /v3.0/healthcheck/connectivity and fails unless the API is available.
func (c *Client) CheckConnectivity(ctx context.Context) error { return errNotImplemented }

// ListRoles returns every role matching filter (empty filter: all), following nextLink.
func (c *Client) ListRoles(ctx context.Context, filter Filter) ([]Role, error) {
	return nil, errNotImplemented
}

// GetRole returns one role with its ETag; permission keys are filled from /permissions when the
// role body lacks them. A missing role gives an error for which IsNotFound is true.
func (c *Client) GetRole(ctx context.Context, id string) (*Role, error) {
	return nil, errNotImplemented
}

// FindRoleByName returns the role with exactly this name, or an error for which IsNotFound is true.
func (c *Client) FindRoleByName(ctx context.Context, name string) (*Role, error) {
	return nil, errNotImplemented
}

// CreateRole creates a custom role and returns it as the API reports it. After an ambiguous failure
// it looks the role up by name before trying again, so a retry never creates a duplicate.
func (c *Client) CreateRole(ctx context.Context, in RoleCreate) (*Role, error) {
	return nil, errNotImplemented
}

// UpdateRole patches a role with If-Match: etag (when etag is empty it GETs the current one first).
// A 412 gives an error for which IsPreconditionFailed is true; it is never retried.
func (c *Client) UpdateRole(ctx context.Context, id, etag string, patch RolePatch) error {
	return errNotImplemented
}

// DeleteRole deletes a custom role.
func (c *Client) DeleteRole(ctx context.Context, id string) error { return errNotImplemented }

// ListPermissions returns the tenant's permission catalog (GET /v3.0/iam/roles/permissionKeys).
func (c *Client) ListPermissions(ctx context.Context) ([]Permission, error) {
	return nil, errNotImplemented
}

// GetRolePermissions returns the permission keys of one role (GET /v3.0/iam/roles/{id}/permissions).
func (c *Client) GetRolePermissions(ctx context.Context, id string) ([]string, error) {
	return nil, errNotImplemented
}

// ListAccounts returns every account matching filter (empty filter: all), following nextLink.
func (c *Client) ListAccounts(ctx context.Context, filter Filter) ([]Account, error) {
	return nil, errNotImplemented
}

// GetAccount returns one account with its ETag, or an error for which IsNotFound is true.
func (c *Client) GetAccount(ctx context.Context, id string) (*Account, error) {
	return nil, errNotImplemented
}

// FindAccountByEmail returns the account with this email (compared case-insensitively), or an
// error for which IsNotFound is true.
func (c *Client) FindAccountByEmail(ctx context.Context, email string) (*Account, error) {
	return nil, errNotImplemented
}

// InviteAccount sends an invitation and returns the new account as read back from the API (its id
// is temporary until the invitation is accepted). After an ambiguous failure it looks the account
// up by email before trying again.
func (c *Client) InviteAccount(ctx context.Context, in AccountInvite) (*Account, error) {
	return nil, errNotImplemented
}

// UpdateAccount patches an account with If-Match (see UpdateRole).
func (c *Client) UpdateAccount(ctx context.Context, id, etag string, patch AccountPatch) error {
	return errNotImplemented
}

// DeleteAccount deletes a user, SAML group or invitation.
func (c *Client) DeleteAccount(ctx context.Context, id string) error { return errNotImplemented }

// ListAPIKeys returns every API key matching filter (empty filter: all), following nextLink.
func (c *Client) ListAPIKeys(ctx context.Context, filter Filter) ([]APIKey, error) {
	return nil, errNotImplemented
}

// GetAPIKey returns one key's metadata with its ETag, or an error for which IsNotFound is true.
func (c *Client) GetAPIKey(ctx context.Context, id string) (*APIKey, error) {
	return nil, errNotImplemented
}

// FindAPIKeyByName returns the key with this name (case-insensitive, as the API's uniqueness), or
// an error for which IsNotFound is true.
func (c *Client) FindAPIKeyByName(ctx context.Context, name string) (*APIKey, error) {
	return nil, errNotImplemented
}

// CreateAPIKey creates one key through the batch endpoint and returns its id, secret and expiry.
// The secret is shown only once, so after an ambiguous failure a key found under this name that was
// created by this attempt is deleted and created again rather than adopted without its secret.
func (c *Client) CreateAPIKey(ctx context.Context, in APIKeyCreate) (*CreatedAPIKey, error) {
	return nil, errNotImplemented
}

// UpdateAPIKey patches a key with If-Match (see UpdateRole).
func (c *Client) UpdateAPIKey(ctx context.Context, id, etag string, patch APIKeyPatch) error {
	return errNotImplemented
}

// DeleteAPIKeys deletes keys through the batch endpoint. Each failed item is reported in the
// returned error (a *MultiStatusError); keys that are already gone count as deleted.
func (c *Client) DeleteAPIKeys(ctx context.Context, ids ...string) error { return errNotImplemented }
