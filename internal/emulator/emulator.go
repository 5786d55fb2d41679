// Package emulator is an in-memory Trend Vision One IAM API (accounts, roles, API keys) that
// follows internal/client/API.md, for the provider's tests, its examples and users' own modules.
//
// # API
//
// Every endpoint of API.md is served under /v3.0 on any Host: accounts (list, get, invite,
// patch, delete), API keys (list, get, batch create, patch, batch delete), roles (list, get,
// create, patch, delete, /roles/permissionKeys, /roles/{id}/permissions) and
// GET /v3.0/healthcheck/connectivity. Every response carries an x-trace-id header and a Date header
// taken from the emulator's own clock, which the clock control moves.
//
// Requests authenticate with "Authorization: Bearer <key>". The admin key (Options.AdminKey, or a
// generated one, see Server.AdminKey) is a Master Administrator API key made before October 27,
// 2025, which keeps that role as such keys do in a real tenant; it is not listed among the API
// keys. Keys created through POST /v3.0/iam/apiKeys authenticate too, with their role's permissions
// (API.md, "Authorization table"); an expired, disabled or deleted key gets 401. A key whose role
// lacks the permission gets the official 403 ("Insufficient permissions.").
//
// Lists take top (50, 100 or 200; default 50) and answer {"items", "nextLink", "totalCount",
// "count"}; nextLink is absolute, built from the request's scheme and host, and carries an opaque
// skipToken and nothing else. The token keeps the page size, unless Options.NextPagesDefaultTop
// serves the later pages at the default 50. The TMV1-Filter header (see ParseFilter) is evaluated on every page, so clients
// resend it. Roles are ordered by lastUpdatedDateTime desc by default, API keys by createdDateTime
// desc (both take orderBy as API.md says).
//
// The permission catalog and the predefined roles come from catalog.json (see catalog.go). The
// IAM endpoints themselves require platform.userAccounts.view/.configure,
// platform.apiKeys.view/.configure and platform.userRoles.view/.configure.
//
// Choices where Trend's material leaves one open (each explained in
// API.md, "Decisions where Trend is silent"):
//   - PATCH or DELETE of a predefined role is a 400 BadRequest (innererror PredefinedRoleImmutable).
//   - An account's name is the local part of its email (the part before "@").
//   - Accounts and API keys name their role exactly, case included ("analyst" is refused with a
//     hint at "Analyst"), so that what is stored is what the caller wrote.
//   - Only a Master Administrator may set a role's control flags (allowApiKeyAssignment,
//     allowUserAccountAssignment) or add, change or delete accounts; other callers get a 403
//     whose message names the rule.
//   - An API key marked as moved from the old User Accounts app (MarkAPIKeyLegacy) cannot be
//     edited: its PATCH is a 403 AccessDenied naming that rule, whoever asks (Options.LegacyKeyStatus
//     makes it a 400); it can be deleted.
//   - Accounts are listed newest first; they take no orderBy.
//   - Role names are unique regardless of case and hold at most 128 characters (the limit of an
//     API key's role field); role descriptions hold at most 2048.
//   - A role may hold no permissions at all (Trend publishes no minimum).
//   - Using an API key updates its lastUsedDateTime but not its ETag.
//   - A date with no value (a never-expiring key's expiredDateTime, a never-used key's
//     lastUsedDateTime) is "" by default; Options.AbsentDates writes null or a sentinel instead, or
//     leaves the field out.
//   - API keys carry createdDateTime and lastModifiedDateTime; Options.APIKeysOmitTimestamps
//     leaves both out, as Trend's mock shows a key.
//   - A role's body holds its permissionKeys; Options.RolesOmitPermissionKeys leaves them to
//     /roles/{id}/permissions.
//   - Options.OlderRoleEndpoints plays a tenant that has the role endpoints of Trend's older spec
//     alone (GET /roles and /roles/{id}/permissions): the other role routes answer 404 with the
//     body of an unknown path, as Trend publishes nothing of how such a tenant answers them.
//   - Options.MaxAPIKeys, MaxAccounts and MaxRoles (and POST /_emulator/limits) cap the objects
//     the tenant may hold. A create beyond a cap is a 429 TooManyRequests with innererror
//     TenantLimitExceeded and a Retry-After of one second (Options.TenantLimitRetryAfter): per
//     item in the API-key batch (the item's headers carry it), the whole request for an account or
//     a custom role.
//   - Injected 4xx/5xx faults are answered before the request is applied; only
//     drop_after_write leaves the client unsure whether its write happened.
//
// With Options.StateFile, custom roles, accounts, API keys (by the SHA-256 of their secret, never
// the secret) and the clock offset survive a restart; the file is rewritten atomically after every
// change.
//
// # Test controls
//
// The controls live under /_emulator/, never under /v3.0/, and answer only the admin key (401
// otherwise). Faults and the rate limit never apply to them. Options.NoControls (the command's
// -no-controls) removes them: every /_emulator/ path answers 404.
//
// They are listed, with an example body each, in controls (controls.go), which both registers
// them and gives the lines of the emulator command's help (terraform-provider-visionone emulator -h).
//
// Injected 429s, like the rate limit's and the tenant limits', carry Retry-After (seconds) unless
// told to omit it (Faults.OmitRetryAfter, Options.RateLimitOmitRetryAfter,
// Options.TenantLimitOmitRetryAfter). A dropped connection is
// closed without an answer; drop_after_write applies a mutation and then drops the connection
// (the ambiguous-create case).
package emulator

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"time"
)

// Options configures a Server. The zero value is a lenient, fault-free emulator with a generated
// admin key.
type Options struct {
	// AdminKey is a bearer token with Master Administrator rights: a Master Administrator API key
	// made before October 27, 2025, which no key made since can be. It is not listed among the
	// tenant's API keys. It is also the only credential the /_emulator/ controls accept.
	// Empty: a random one is generated (see Server.AdminKey).
	AdminKey string
	// StateFile, when set, is loaded at start and rewritten atomically after every mutation.
	StateFile string
	// Clock is the base clock; the emulator's own time is Clock() plus every AdvanceClock.
	// Nil: time.Now.
	Clock func() time.Time
	// Faults and RequestsPerMinute are the initial fault injection and rate limit (see SetFaults).
	Faults            Faults
	RequestsPerMinute int
	// MaxAPIKeys, MaxAccounts and MaxRoles cap the API keys, accounts and custom roles the tenant
	// may hold; 0 means no cap. Trend publishes none (API.md, "Decision: tenant and rate
	// limits"): a create beyond one is refused (see SetTenantLimits).
	MaxAPIKeys  int
	MaxAccounts int
	MaxRoles    int
	// TenantLimitRetryAfter is the Retry-After of a refusal at a cap, rounded up to whole seconds;
	// zero means one second. TenantLimitOmitRetryAfter sends the refusals without it. See
	// TenantLimits.RetryAfter.
	TenantLimitRetryAfter     time.Duration
	TenantLimitOmitRetryAfter bool
	// RateLimitOmitRetryAfter answers the rate limit's 429s without Retry-After, as Vision One may:
	// it documents none (API.md, "Decision: Retry-After"). See SetRateLimitOmitRetryAfter.
	RateLimitOmitRetryAfter bool
	// AbsentDates is how a date with no value is written (a never-expiring key's expiredDateTime, a
	// never-used key's lastUsedDateTime). Trend does not publish the real form
	// (API.md, "Decision: API-key expiry and absent dates"); the zero value is AbsentDatesEmpty.
	AbsentDates AbsentDates
	// APIKeysOmitTimestamps leaves createdDateTime and lastModifiedDateTime out of API keys (a
	// GET's body, the list's items), as Trend's mock and Python SDK show a key: that they are part
	// of the object is an assumption (API.md, "API keys: object"). The keys are still ordered by
	// their creation time.
	APIKeysOmitTimestamps bool
	// NextPagesDefaultTop serves the pages a list's nextLink leads to at the default size (50),
	// whatever top the first request named: the link carries its skipToken alone, as Trend's mock
	// shows it, and a tenant may not keep the page size in the token as the emulator otherwise does
	// (API.md, "Pagination").
	NextPagesDefaultTop bool
	// StrictIfMatch rejects a PATCH without If-Match (API.md, "Decision: If-Match").
	StrictIfMatch bool
	// QuotedETags writes ETags in double quotes, as HTTP defines them, rather than bare as Trend's
	// mock does (API.md, "Decision: If-Match"); If-Match is accepted either way.
	QuotedETags bool
	// AllowInvitedUpdates accepts a PATCH of invited users and SAML groups, which is a 400 otherwise
	// (API.md, "Decision: updates of invited accounts and SAML groups").
	AllowInvitedUpdates bool
	// RolesOmitPermissionKeys leaves permissionKeys out of the bodies of roles (a create's answer, a
	// single GET, the list's items), as Trend's Okta connector shows roles: clients then read each
	// role's keys from /roles/{id}/permissions (API.md, "Decision: role bodies").
	RolesOmitPermissionKeys bool
	// OlderRoleEndpoints plays a tenant that offers only the role endpoints of Trend's older API
	// spec, GET /roles and GET /roles/{id}/permissions: the role create, GET, PATCH and DELETE of
	// one role and the permission catalog, which only Trend's newest client has, answer 404 with the
	// body of an unknown path (API.md, "Decision: older role endpoints"). See
	// SetOlderRoleEndpoints.
	OlderRoleEndpoints bool
	// InviteOmitBody answers an invitation with 201 and its Location header alone, without the body
	// {"id": ...}: Trend does not publish which carries the id (API.md, "Decision: invitation
	// answer").
	InviteOmitBody bool
	// LegacyKeyStatus is the status that refuses the PATCH of an API key moved from the old User
	// Accounts app (MarkAPIKeyLegacy): 403 AccessDenied (the zero value) or 400 BadRequest; Trend
	// does not publish which (API.md, "Decision: migrated API keys").
	LegacyKeyStatus int
	// NoControls removes the test controls: everything under /_emulator/ answers 404, as on a
	// real tenant. A test suite run against such an emulator proves it needs only the public API.
	NoControls bool
	// Logger receives one line per request (never a secret). Nil: no log.
	Logger io.Writer
}

// AbsentDates is a spelling of a date that has no value (Options.AbsentDates).
type AbsentDates string

const (
	// AbsentDatesEmpty writes "", which Trend's Python SDK reads: its models declare both dates as
	// required strings. The default.
	AbsentDatesEmpty AbsentDates = "empty"
	// AbsentDatesNull writes null.
	AbsentDatesNull AbsentDates = "null"
	// AbsentDatesSentinel writes a sentinel date: 9999-12-31T23:59:59Z for a key that never
	// expires, 1970-01-01T00:00:00Z for one never used.
	AbsentDatesSentinel AbsentDates = "sentinel"
	// AbsentDatesOmitted leaves the field out of the object.
	AbsentDatesOmitted AbsentDates = "omitted"
)

// AbsentDatesModes lists the spellings, for flags and tests.
var AbsentDatesModes = []AbsentDates{AbsentDatesEmpty, AbsentDatesNull, AbsentDatesSentinel, AbsentDatesOmitted}

// Faults injects failures into /v3.0 requests (never into /_emulator). JSON as accepted by
// POST /_emulator/faults.
type Faults struct {
	ErrorRate float64       `json:"error_rate"` // share of requests answered with one of Statuses
	Statuses  []int         `json:"statuses"`   // e.g. 500, 503, 429; default 500
	DropRate  float64       `json:"drop_rate"`  // share of requests whose connection is dropped
	Latency   time.Duration `json:"-"`          // added to every request ("latency": "50ms" in JSON)
	// AfterWriteDropRate drops the connection after a write has been applied: the ambiguous-create
	// case ("drop_after_write_rate" in JSON).
	AfterWriteDropRate float64 `json:"drop_after_write_rate"`
	// RetryAfter is the Retry-After of injected 429s, rounded up to whole seconds; zero means one
	// second ("retry_after": "3s" in JSON). OmitRetryAfter sends injected 429s without the header,
	// for clients that must back off on their own (API.md, "Decision: Retry-After";
	// "omit_retry_after" in JSON).
	RetryAfter     time.Duration `json:"-"`
	OmitRetryAfter bool          `json:"omit_retry_after"`
}

// Stats is the answer of GET /_emulator/stats.
type Stats struct {
	// Requests counts requests per "METHOD /path/template", e.g. "PATCH /v3.0/iam/roles/{id}".
	Requests map[string]int `json:"requests"`
	// Responses counts answers per HTTP status code (as a string key, e.g. "429").
	Responses map[string]int `json:"responses"`
	// Objects counts stored objects per type: "accounts", "roles" (custom only), "apiKeys".
	Objects map[string]int `json:"objects"`
	// FaultsInjected counts requests answered by fault injection (errors and drops).
	FaultsInjected int `json:"faults_injected"`
}

// Writes is the number of mutating /v3.0 requests (anything but GET).
func (s Stats) Writes() int {
	n := 0
	for key, count := range s.Requests {
		method, path, _ := strings.Cut(key, " ")
		if method != http.MethodGet && strings.HasPrefix(path, "/v3.0/") {
			n += count
		}
	}
	return n
}

// Server is the emulator. It is an http.Handler; serve it with httptest.NewServer or RunCommand.
type Server struct {
	opts     Options
	adminKey string
	clock    func() time.Time
	cat      *catalog
	mux      *http.ServeMux

	logMu sync.Mutex

	// mu guards everything below: one lock keeps every request atomic.
	mu             sync.Mutex
	offset         time.Duration
	st             *store
	requests       map[string]int
	responses      map[string]int
	faultsInjected int
	faults         Faults
	limiter        windowLimiter
	tenantLimits   TenantLimits
	olderRoles     bool
}

// New builds a Server with the predefined roles and the permission catalog seeded, and loads
// Options.StateFile when it exists.
func New(opts Options) (*Server, error) {
	s := &Server{
		opts:       opts,
		adminKey:   opts.AdminKey,
		clock:      opts.Clock,
		cat:        defaultCatalog(),
		requests:   map[string]int{},
		responses:  map[string]int{},
		faults:     opts.Faults,
		olderRoles: opts.OlderRoleEndpoints,
	}
	if s.clock == nil {
		s.clock = time.Now
	}
	if s.adminKey == "" {
		s.adminKey = newToken(newID(), time.Now(), nil)
	}
	if err := validateFaults(opts.Faults); err != nil {
		return nil, err
	}
	if opts.RequestsPerMinute < 0 {
		return nil, errors.New("emulator: RequestsPerMinute must not be negative")
	}
	s.tenantLimits = TenantLimits{APIKeys: opts.MaxAPIKeys, Accounts: opts.MaxAccounts, Roles: opts.MaxRoles,
		RetryAfter: opts.TenantLimitRetryAfter, OmitRetryAfter: opts.TenantLimitOmitRetryAfter}
	if err := s.tenantLimits.validate(); err != nil {
		return nil, fmt.Errorf("emulator: %w", err)
	}
	switch opts.AbsentDates {
	case "":
		s.opts.AbsentDates = AbsentDatesEmpty
	case AbsentDatesEmpty, AbsentDatesNull, AbsentDatesSentinel, AbsentDatesOmitted:
	default:
		return nil, fmt.Errorf("emulator: AbsentDates must be %q, %q, %q or %q, not %q",
			AbsentDatesEmpty, AbsentDatesNull, AbsentDatesSentinel, AbsentDatesOmitted, opts.AbsentDates)
	}
	switch opts.LegacyKeyStatus {
	case 0:
		s.opts.LegacyKeyStatus = http.StatusForbidden
	case http.StatusForbidden, http.StatusBadRequest:
	default:
		return nil, fmt.Errorf("emulator: LegacyKeyStatus must be 403 or 400, not %d", opts.LegacyKeyStatus)
	}
	s.limiter.perMinute = opts.RequestsPerMinute
	s.limiter.omitRetryAfter = opts.RateLimitOmitRetryAfter
	s.st = newStore(s.cat)
	if opts.StateFile != "" {
		if err := s.loadState(); err != nil {
			return nil, fmt.Errorf("emulator: loading state file: %w", err)
		}
	}
	s.routes()
	return s, nil
}

// AdminKey returns the bootstrap admin key.
func (s *Server) AdminKey() string { return s.adminKey }

// Now returns the emulator's current time.
func (s *Server) Now() time.Time {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.nowLocked()
}

// nowLocked is the emulator's time at second precision, the precision of the API's timestamps.
func (s *Server) nowLocked() time.Time {
	return s.clock().Add(s.offset).UTC().Truncate(time.Second)
}

// AdvanceClock moves the emulator's clock forward (POST /_emulator/clock).
func (s *Server) AdvanceClock(d time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.offset += d
	s.saveStateLocked()
}

// ErrNotInvited is returned by AcceptInvitation for an account that is no longer invited.
var ErrNotInvited = errors.New("emulator: the account is not an invitation")

// ErrNotFound is returned by AcceptInvitation for an unknown account id.
var ErrNotFound = errors.New("emulator: no such account")

// AcceptInvitation turns an invited account into an enabled one with a new permanent id, which it
// returns (POST /_emulator/accounts/{id}/accept).
func (s *Server) AcceptInvitation(id string) (string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	a, ok := s.st.accounts[id]
	if !ok {
		return "", fmt.Errorf("%w: %q", ErrNotFound, id)
	}
	if a.Status != statusInvited {
		return "", fmt.Errorf("%w: %q is %s", ErrNotInvited, id, a.Status)
	}
	accepted := *a
	accepted.ID = newID()
	accepted.Status = statusEnabled
	accepted.Version = s.st.nextVersion()
	s.st.deleteAccount(a)
	s.st.putAccount(&accepted)
	s.saveStateLocked()
	return accepted.ID, nil
}

// ErrNoAPIKey is returned by MarkAPIKeyLegacy for an unknown API key id.
var ErrNoAPIKey = errors.New("emulator: no such API key")

// MarkAPIKeyLegacy marks the API key with this id as moved from the old User Accounts app, as the
// keys of a tenant older than the API Keys app are: from then on its PATCH is refused
// (Options.LegacyKeyStatus), while it still authenticates, is listed and can be deleted
// (POST /_emulator/apiKeys/{id}/legacy).
func (s *Server) MarkAPIKeyLegacy(id string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	k, ok := s.st.apiKeys[id]
	if !ok {
		return fmt.Errorf("%w: %q", ErrNoAPIKey, id)
	}
	k.Legacy = true
	s.saveStateLocked()
	return nil
}

// SetFaults replaces the fault injection; the zero value clears it (POST /_emulator/faults).
// Rates outside [0, 1] are clamped.
func (s *Server) SetFaults(f Faults) {
	f.ErrorRate = clampRate(f.ErrorRate)
	f.DropRate = clampRate(f.DropRate)
	f.AfterWriteDropRate = clampRate(f.AfterWriteDropRate)
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults = f
}

// SetRateLimit sets the server-side limit in requests per minute; 0 removes it. Whether its 429s
// carry Retry-After stays as it is (SetRateLimitOmitRetryAfter).
func (s *Server) SetRateLimit(perMinute int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.limiter = windowLimiter{perMinute: max(perMinute, 0), omitRetryAfter: s.limiter.omitRetryAfter}
}

// SetRateLimitOmitRetryAfter says whether the rate limit's 429s go without Retry-After
// (Options.RateLimitOmitRetryAfter).
func (s *Server) SetRateLimitOmitRetryAfter(omit bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.limiter.omitRetryAfter = omit
}

// SetTenantLimits replaces the caps on the objects the tenant may hold, and the Retry-After of their
// refusals; the zero value removes the caps (POST /_emulator/limits). Objects beyond a cap lowered below their number stay; only creates are
// refused.
func (s *Server) SetTenantLimits(l TenantLimits) error {
	if err := l.validate(); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.tenantLimits = l
	return nil
}

// SetOlderRoleEndpoints says whether the emulator plays a tenant with the older role endpoints
// alone (Options.OlderRoleEndpoints), from the next request on: objects stay as they are.
func (s *Server) SetOlderRoleEndpoints(on bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.olderRoles = on
}

func (s *Server) olderRoleEndpoints() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.olderRoles
}

// Stats returns request and object counts (GET /_emulator/stats).
func (s *Server) Stats() Stats {
	s.mu.Lock()
	defer s.mu.Unlock()
	st := Stats{
		Requests:       make(map[string]int, len(s.requests)),
		Responses:      make(map[string]int, len(s.responses)),
		Objects:        s.st.counts(),
		FaultsInjected: s.faultsInjected,
	}
	for k, v := range s.requests {
		st.Requests[k] = v
	}
	for k, v := range s.responses {
		st.Responses[k] = v
	}
	return st
}

// Reset drops every object and counter and seeds the tenant again (POST /_emulator/reset). The
// clock, the faults, the rate limit, the tenant limits and the role endpoints offered stay as they
// are.
func (s *Server) Reset() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.st = newStore(s.cat)
	s.requests = map[string]int{}
	s.responses = map[string]int{}
	s.faultsInjected = 0
	s.saveStateLocked()
}
