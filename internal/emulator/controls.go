package emulator

import (
	"bytes"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"
)

// A control is one test control: the route controlRoutes registers and the entry the emulator
// command's help shows for it, so that the help lists exactly what is served.
type control struct {
	pattern string // method and path, as http.ServeMux takes them
	body    string // an example request body, if the control takes one
	usage   string // what the control does
	handle  func(s *Server, w http.ResponseWriter, r *http.Request, body []byte) *httpError
}

// controls are the test controls, in the order the help lists them.
var controls = []control{
	{"POST /_emulator/clock", `{"advance": "24h"}`,
		"moves the clock forward (a Go duration): keys expire, rotation windows open", (*Server).controlClock},
	{"POST /_emulator/accounts/{id}/accept", "",
		"accepts an invitation, as the invited person would; answers the account's permanent id", (*Server).controlAccept},
	{"POST /_emulator/apiKeys/{id}/legacy", "",
		"marks an API key as moved from the old User Accounts app: its PATCH is refused (403, or 400\n" +
			"with -legacy-key-status 400); it can still be used, read and deleted", (*Server).controlLegacy},
	{"POST /_emulator/faults", `{"error_rate": 0.2, "statuses": [500, 503, 429], "latency": "50ms"}`,
		"injects faults into /v3.0 requests (also drop_rate, drop_after_write_rate, retry_after,\n" +
			"omit_retry_after); {} clears them", (*Server).controlFaults},
	{"POST /_emulator/ratelimit", `{"per_minute": 60}`,
		"answers 429 above that rate, with Retry-After unless \"omit_retry_after\": true; 0 removes the\nlimit",
		(*Server).controlRateLimit},
	{"POST /_emulator/limits", `{"api_keys": 10, "accounts": 50, "roles": 20}`,
		"caps the API keys, accounts and custom roles the tenant may hold: a create beyond one gets\n" +
			"429 TooManyRequests (inner TenantLimitExceeded), per item for API keys; 0 or absent: no cap;\n" +
			"with Retry-After of retry_after (default \"1s\"; \"0s\": none) unless \"omit_retry_after\": true",
		(*Server).controlLimits},
	{"GET /_emulator/stats", "",
		"requests per endpoint, answers per status, faults injected and objects per type, as JSON", (*Server).controlStats},
	{"POST /_emulator/reset", "",
		"drops every object and counter and seeds the tenant again", (*Server).controlReset},
}

// controlRoutes registers the test controls. They answer only the admin key and are exempt from
// faults, the rate limit and the request counts.
func (s *Server) controlRoutes(m *http.ServeMux) {
	for _, c := range controls {
		m.HandleFunc(c.pattern, s.control(func(w http.ResponseWriter, r *http.Request, body []byte) *httpError {
			return c.handle(s, w, r, body)
		}))
	}
	m.HandleFunc("/_emulator/", s.control(func(w http.ResponseWriter, r *http.Request, _ []byte) *httpError {
		return notFound("control", r.URL.Path)
	}))
}

// writeControlsUsage lists the test controls for the emulator command's help, in the layout of
// flag.PrintDefaults.
func writeControlsUsage(w io.Writer) {
	for _, c := range controls {
		_, _ = fmt.Fprintf(w, "  %s\n    \t%s\n", strings.TrimSpace(c.pattern+" "+c.body), strings.ReplaceAll(c.usage, "\n", "\n    \t"))
	}
}

type controlHandler func(w http.ResponseWriter, r *http.Request, body []byte) *httpError

func (s *Server) control(h controlHandler) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		scheme, token, ok := strings.Cut(r.Header.Get("Authorization"), " ")
		if !ok || !strings.EqualFold(scheme, "Bearer") ||
			subtle.ConstantTimeCompare([]byte(strings.TrimSpace(token)), []byte(s.adminKey)) != 1 {
			writeError(w, errInvalidCredentials())
			return
		}
		body, e := readBody(w, r)
		if e == nil {
			e = h(w, r, body)
		}
		if e != nil {
			writeError(w, e)
		}
	}
}

// decodeControl decodes a control body strictly; an empty body is an empty object.
func decodeControl(body []byte, dst any) *httpError {
	if len(bytes.TrimSpace(body)) == 0 {
		return nil
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(dst); err != nil {
		return badRequest("", innerInvalidParameter, "The control body is not valid: %v.", err)
	}
	return nil
}

func (s *Server) controlClock(w http.ResponseWriter, _ *http.Request, body []byte) *httpError {
	var in struct {
		Advance string `json:"advance"`
	}
	if e := decodeControl(body, &in); e != nil {
		return e
	}
	d, err := time.ParseDuration(in.Advance)
	if err != nil || d < 0 {
		return invalidParam("advance", "advance must be a non-negative Go duration such as \"24h\", not %q.", in.Advance)
	}
	s.AdvanceClock(d)
	writeJSON(w, http.StatusOK, map[string]string{"now": formatTime(s.Now())})
	return nil
}

func (s *Server) controlAccept(w http.ResponseWriter, r *http.Request, _ []byte) *httpError {
	id := r.PathValue("id")
	newID, err := s.AcceptInvitation(id)
	switch {
	case errors.Is(err, ErrNotFound):
		return notFound(kindAccount, id)
	case err != nil:
		return badRequest("id", innerInvalidParameter, "%v", err)
	}
	writeJSON(w, http.StatusOK, map[string]string{"id": newID})
	return nil
}

func (s *Server) controlLegacy(w http.ResponseWriter, r *http.Request, _ []byte) *httpError {
	id := r.PathValue("id")
	if err := s.MarkAPIKeyLegacy(id); err != nil {
		return notFound(kindAPIKey, id)
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (s *Server) controlFaults(w http.ResponseWriter, _ *http.Request, body []byte) *httpError {
	var f Faults
	if len(bytes.TrimSpace(body)) > 0 {
		if err := json.Unmarshal(body, &f); err != nil {
			return badRequest("", innerInvalidParameter, "The faults are not valid: %v.", err)
		}
	}
	s.SetFaults(f)
	writeJSON(w, http.StatusOK, f)
	return nil
}

func (s *Server) controlRateLimit(w http.ResponseWriter, _ *http.Request, body []byte) *httpError {
	var in struct {
		PerMinute      int  `json:"per_minute"`
		OmitRetryAfter bool `json:"omit_retry_after"`
	}
	if e := decodeControl(body, &in); e != nil {
		return e
	}
	if in.PerMinute < 0 {
		return invalidParam("per_minute", "per_minute must not be negative.")
	}
	s.SetRateLimitOmitRetryAfter(in.OmitRetryAfter)
	s.SetRateLimit(in.PerMinute)
	writeJSON(w, http.StatusOK, in)
	return nil
}

func (s *Server) controlLimits(w http.ResponseWriter, _ *http.Request, body []byte) *httpError {
	var in TenantLimits
	if e := decodeControl(body, &in); e != nil {
		return e
	}
	if err := s.SetTenantLimits(in); err != nil {
		return invalidParam("", "%v.", err)
	}
	writeJSON(w, http.StatusOK, in)
	return nil
}

func (s *Server) controlStats(w http.ResponseWriter, _ *http.Request, _ []byte) *httpError {
	writeJSON(w, http.StatusOK, s.Stats())
	return nil
}

func (s *Server) controlReset(w http.ResponseWriter, _ *http.Request, _ []byte) *httpError {
	s.Reset()
	w.WriteHeader(http.StatusNoContent)
	return nil
}
