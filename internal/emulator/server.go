package emulator

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// maxBodyBytes is the API's request size limit (API.md, "Limits").
const maxBodyBytes = 1 << 20

// routes registers every endpoint. Method-less patterns catch the other methods of a path so that
// they get a 405 in the API's envelope rather than net/http's plain text.
func (s *Server) routes() {
	m := http.NewServeMux()
	s.mux = m

	m.HandleFunc("GET /v3.0/healthcheck/connectivity", s.api("", s.connectivity))

	m.HandleFunc("GET /v3.0/iam/accounts", s.api(permAccountsView, s.listAccounts))
	m.HandleFunc("POST /v3.0/iam/accounts", s.api(permAccountsConfig, s.inviteAccount))
	m.HandleFunc("GET /v3.0/iam/accounts/{id}", s.api(permAccountsView, s.getAccount))
	m.HandleFunc("PATCH /v3.0/iam/accounts/{id}", s.api(permAccountsConfig, s.patchAccount))
	m.HandleFunc("DELETE /v3.0/iam/accounts/{id}", s.api(permAccountsConfig, s.deleteAccount))

	m.HandleFunc("GET /v3.0/iam/apiKeys", s.api(permAPIKeysView, s.listAPIKeys))
	m.HandleFunc("POST /v3.0/iam/apiKeys", s.api(permAPIKeysConfig, s.createAPIKeys))
	m.HandleFunc("POST /v3.0/iam/apiKeys/delete", s.api(permAPIKeysConfig, s.deleteAPIKeys))
	m.HandleFunc("GET /v3.0/iam/apiKeys/{id}", s.api(permAPIKeysView, s.getAPIKey))
	m.HandleFunc("PATCH /v3.0/iam/apiKeys/{id}", s.api(permAPIKeysConfig, s.patchAPIKey))

	unknownPath := s.api("", func(c *call) *httpError { return notFound("path", c.r.URL.Path) })
	// The role routes of Trend's newest client alone, which a tenant with the older role endpoints
	// does not serve (Options.OlderRoleEndpoints).
	newer := func(h http.HandlerFunc) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			if s.olderRoleEndpoints() {
				unknownPath(w, r)
				return
			}
			h(w, r)
		}
	}
	notAllowed := s.api("", func(c *call) *httpError { return errMethodNotAllowed(c.r.Method) })

	m.HandleFunc("GET /v3.0/iam/roles", s.api(permRolesView, s.listRoles))
	m.HandleFunc("POST /v3.0/iam/roles", newer(s.api(permRolesConfig, s.createRole)))
	m.HandleFunc("GET /v3.0/iam/roles/permissionKeys", newer(s.api(permRolesView, s.listPermissionKeys)))
	m.HandleFunc("GET /v3.0/iam/roles/{id}", newer(s.api(permRolesView, s.getRole)))
	m.HandleFunc("PATCH /v3.0/iam/roles/{id}", newer(s.api(permRolesConfig, s.patchRole)))
	m.HandleFunc("DELETE /v3.0/iam/roles/{id}", newer(s.api(permRolesConfig, s.deleteRole)))
	m.HandleFunc("GET /v3.0/iam/roles/{id}/permissions", s.api(permRolesView, s.getRolePermissions))

	for _, p := range []string{
		"/v3.0/healthcheck/connectivity",
		"/v3.0/iam/accounts", "/v3.0/iam/accounts/{id}",
		"/v3.0/iam/apiKeys", "/v3.0/iam/apiKeys/{id}",
		"/v3.0/iam/roles", "/v3.0/iam/roles/{id}/permissions",
	} {
		m.HandleFunc(p, notAllowed)
	}
	m.HandleFunc("/v3.0/iam/roles/{id}", newer(notAllowed))
	m.HandleFunc("/v3.0/", unknownPath)

	if !s.opts.NoControls {
		s.controlRoutes(m)
	}
	m.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		writeError(w, notFound("path", r.URL.Path))
	})
}

// ServeHTTP implements http.Handler.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	traceID := newTraceID()
	w.Header().Set("X-Trace-Id", traceID)
	w.Header().Set("Date", s.Now().Format(http.TimeFormat))
	rec := &recorder{ResponseWriter: w}
	defer s.finish(rec, r, traceID)
	s.mux.ServeHTTP(rec, r)
}

// finish counts the answer and logs the request line: method, path, status and trace id. The
// query and headers stay out of the log, so no secret can reach it.
func (s *Server) finish(rec *recorder, r *http.Request, traceID string) {
	status := "dropped"
	if !rec.dropped {
		code := rec.status
		if code == 0 {
			code = http.StatusOK
		}
		status = strconv.Itoa(code)
		if strings.HasPrefix(r.URL.Path, "/v3.0/") {
			s.mu.Lock()
			s.responses[status]++
			s.mu.Unlock()
		}
	}
	if s.opts.Logger != nil {
		s.logMu.Lock()
		defer s.logMu.Unlock()
		_, _ = fmt.Fprintf(s.opts.Logger, "%s %s %s %s trace=%s\n",
			time.Now().UTC().Format(time.RFC3339), r.Method, strings.ToValidUTF8(r.URL.Path, "?"), status, traceID)
	}
}

// recorder remembers the status written, and whether the connection was dropped instead.
type recorder struct {
	http.ResponseWriter
	status  int
	dropped bool
}

func (r *recorder) WriteHeader(code int) {
	if r.status == 0 {
		r.status = code
	}
	r.ResponseWriter.WriteHeader(code)
}

func (r *recorder) Write(b []byte) (int, error) {
	if r.status == 0 {
		r.status = http.StatusOK
	}
	return r.ResponseWriter.Write(b)
}

func (r *recorder) Unwrap() http.ResponseWriter { return r.ResponseWriter }

// drop closes the client connection without answering.
func (r *recorder) drop() {
	r.dropped = true
	conn, _, err := http.NewResponseController(r.ResponseWriter).Hijack()
	if err != nil {
		// HTTP/2 and other writers that cannot be hijacked: net/http aborts the stream.
		panic(http.ErrAbortHandler)
	}
	_ = conn.Close()
}

// call is one authenticated API request as handlers see it. Handlers run with Server.mu held.
type call struct {
	w    http.ResponseWriter
	r    *http.Request
	body []byte
	who  principal
	now  time.Time
}

type apiHandler func(c *call) *httpError

// api wraps an endpoint with what every /v3.0 request goes through, in order: request counting,
// fault injection, the rate limit, the body limit, authentication and the permission check.
func (s *Server) api(perm string, h apiHandler) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		rec, ok := w.(*recorder)
		if !ok { // only when the mux is served without ServeHTTP around it
			rec = &recorder{ResponseWriter: w}
		}
		key := r.Pattern
		if !strings.Contains(key, " ") {
			key = r.Method + " " + key
		}
		s.mu.Lock()
		s.requests[key]++
		faults := s.faults
		s.mu.Unlock()

		if faults.Latency > 0 {
			t := time.NewTimer(faults.Latency)
			select {
			case <-t.C:
			case <-r.Context().Done():
				t.Stop()
				return // the client gave up; applying its request now would surprise it
			}
		}
		if chance(faults.DropRate) {
			s.countFault()
			rec.drop()
			return
		}
		if chance(faults.ErrorRate) {
			s.countFault()
			e := errStatus(pickStatus(faults.Statuses))
			if e.status == http.StatusTooManyRequests && !faults.OmitRetryAfter {
				w.Header().Set("Retry-After", retryAfterSeconds(faults.RetryAfter))
			}
			writeError(w, e)
			return
		}
		if retryAfter, ok := s.allow(); !ok {
			if retryAfter != "" {
				w.Header().Set("Retry-After", retryAfter)
			}
			writeError(w, errTooManyRequests())
			return
		}
		body, e := readBody(w, r)
		if e != nil {
			writeError(w, e)
			return
		}

		dropAfterWrite := r.Method != http.MethodGet && chance(faults.AfterWriteDropRate)
		out := w
		var held *heldResponse
		if dropAfterWrite {
			held = &heldResponse{header: http.Header{}}
			out = held
		}
		s.serveLocked(out, r, body, perm, h)
		if held == nil {
			return
		}
		if held.status < 300 {
			s.countFault()
			rec.drop()
			return
		}
		held.replay(w)
	}
}

func (s *Server) serveLocked(w http.ResponseWriter, r *http.Request, body []byte, perm string, h apiHandler) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c := &call{w: w, r: r, body: body, now: s.nowLocked()}
	// The answer's Date is the second the call was applied at, the one stamped on what it made,
	// as the API's own answers are dated: clients take a created key's createdDateTime from it
	// (API.md, "API keys: create"). The Date set when the request arrived is earlier by any
	// latency the emulator adds.
	w.Header().Set("Date", c.now.Format(http.TimeFormat))
	who, e := s.authenticate(r, c.now)
	if e == nil && !s.allowed(who, perm) {
		e = errAccessDenied()
	}
	if e == nil {
		c.who = who
		e = h(c)
	}
	if e != nil {
		writeError(w, e)
	}
}

func (s *Server) countFault() {
	s.mu.Lock()
	s.faultsInjected++
	s.mu.Unlock()
}

// maxDiscardBytes bounds how much of a body over maxBodyBytes is read and thrown away before the
// 413 is sent. Many clients write their whole body before they read the answer: a server that
// answers and closes while they are still writing resets the connection, and they never see the
// 413. A body beyond this bound still meets a closed connection.
const maxDiscardBytes = 32 << 20

// readBody reads at most maxBodyBytes; more is a 413.
func readBody(w http.ResponseWriter, r *http.Request) ([]byte, *httpError) {
	if r.Body == nil {
		return nil, nil
	}
	if r.ContentLength > maxBodyBytes {
		return nil, discardTooLarge(w, r)
	}
	b, err := io.ReadAll(io.LimitReader(r.Body, maxBodyBytes+1))
	if err != nil {
		return nil, badRequest("", "", "The request body could not be read.")
	}
	if len(b) > maxBodyBytes {
		return nil, discardTooLarge(w, r)
	}
	return b, nil
}

// discardTooLarge reads the rest of a body over the limit (up to maxDiscardBytes), so that the
// client reads the 413 rather than a reset connection, and closes the connection after the answer.
func discardTooLarge(w http.ResponseWriter, r *http.Request) *httpError {
	_, _ = io.CopyN(io.Discard, r.Body, maxDiscardBytes)
	w.Header().Set("Connection", "close")
	return errTooLarge()
}

// heldResponse keeps an answer back until the emulator has decided whether to drop the connection
// instead of sending it.
type heldResponse struct {
	header http.Header
	status int
	body   bytes.Buffer
}

func (h *heldResponse) Header() http.Header { return h.header }
func (h *heldResponse) WriteHeader(code int) {
	if h.status == 0 {
		h.status = code
	}
}
func (h *heldResponse) Write(b []byte) (int, error) {
	if h.status == 0 {
		h.status = http.StatusOK
	}
	return h.body.Write(b)
}

func (h *heldResponse) replay(w http.ResponseWriter) {
	for k, v := range h.header {
		w.Header()[k] = v
	}
	w.WriteHeader(h.status)
	_, _ = w.Write(h.body.Bytes())
}

func newTraceID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// baseURL is the request's own scheme and host, for Location headers and nextLink.
func baseURL(r *http.Request) string {
	if r.TLS != nil {
		return "https://" + r.Host
	}
	return "http://" + r.Host
}

func (s *Server) connectivity(c *call) *httpError {
	writeJSON(c.w, http.StatusOK, map[string]string{"status": "available"})
	return nil
}
