package emulator

import (
	"bytes"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"time"
)

// controlRoutes registers the test controls (see the package documentation). They answer only the
// admin key and are exempt from faults, the rate limit and the request counts.
func (s *Server) controlRoutes(m *http.ServeMux) {
	m.HandleFunc("POST /_emulator/clock", s.control(s.controlClock))
	m.HandleFunc("POST /_emulator/accounts/{id}/accept", s.control(s.controlAccept))
	m.HandleFunc("POST /_emulator/faults", s.control(s.controlFaults))
	m.HandleFunc("POST /_emulator/ratelimit", s.control(s.controlRateLimit))
	m.HandleFunc("GET /_emulator/stats", s.control(s.controlStats))
	m.HandleFunc("POST /_emulator/reset", s.control(s.controlReset))
	m.HandleFunc("/_emulator/", s.control(func(w http.ResponseWriter, r *http.Request, _ []byte) *httpError {
		return notFound("control", r.URL.Path)
	}))
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
		PerMinute int `json:"per_minute"`
	}
	if e := decodeControl(body, &in); e != nil {
		return e
	}
	if in.PerMinute < 0 {
		return invalidParam("per_minute", "per_minute must not be negative.")
	}
	s.SetRateLimit(in.PerMinute)
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
