// Package emulator is an in-memory Trend Vision One IAM API (accounts, roles, API keys) that
// follows shared/visionone-api.md, for the provider's tests, its examples and users' own modules.
//
// STUB: the exported surface in this file is what the provider's tests code against. The bodies are
// filled in by the emulator work (issue 3); it may be added to but not changed.
package emulator

import (
	"context"
	"io"
	"net/http"
	"time"
)

// Options configures a Server. The zero value is a lenient, fault-free emulator with a generated
// admin key.
type Options struct {
	// AdminKey is a bootstrap bearer token with Master Administrator rights. It is not listed among
	// the tenant's API keys. It is also the only credential the /_emulator/ controls accept.
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
	// StrictIfMatch rejects a PATCH without If-Match (contract 1.8).
	StrictIfMatch bool
	// AllowInvitedUpdates turns off decision 10 (PATCH of invited users and SAML groups is a 400).
	AllowInvitedUpdates bool
	// Logger receives one line per request (never a secret). Nil: no log.
	Logger io.Writer
}

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
func (s Stats) Writes() int { return 0 }

// Server is the emulator. It is an http.Handler; serve it with httptest.NewServer or RunCommand.
type Server struct{}

// New builds a Server with the predefined roles and the permission catalog seeded.
func New(opts Options) (*Server, error) { return &Server{}, nil }

// ServeHTTP implements http.Handler.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	http.Error(w, "emulator: not implemented yet", http.StatusNotImplemented)
}

// AdminKey returns the bootstrap admin key.
func (s *Server) AdminKey() string { return "" }

// Now returns the emulator's current time.
func (s *Server) Now() time.Time { return time.Now() }

// AdvanceClock moves the emulator's clock forward (POST /_emulator/clock).
func (s *Server) AdvanceClock(d time.Duration) {}

// AcceptInvitation turns an invited account into an enabled one with a new permanent id, which it
// returns (POST /_emulator/accounts/{id}/accept).
func (s *Server) AcceptInvitation(id string) (string, error) { return "", nil }

// SetFaults replaces the fault injection; the zero value clears it (POST /_emulator/faults).
func (s *Server) SetFaults(f Faults) {}

// SetRateLimit sets the server-side limit in requests per minute; 0 removes it.
func (s *Server) SetRateLimit(perMinute int) {}

// Stats returns request and object counts (GET /_emulator/stats).
func (s *Server) Stats() Stats { return Stats{} }

// Reset drops every object and counter and seeds the tenant again (POST /_emulator/reset).
func (s *Server) Reset() {}

// RunCommand is "terraform-provider-visionone emulator [flags]": it serves the emulator until ctx
// is done or the process gets SIGINT/SIGTERM, printing the endpoint URL and the admin key. It
// returns the process exit code.
func RunCommand(ctx context.Context, args []string, stdout, stderr io.Writer) int { return 2 }
