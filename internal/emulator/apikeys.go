package emulator

import (
	"encoding/json"
	"net/http"
	"slices"
	"time"
)

// API-key limits, enums and filter (API.md, "API keys: object"; API.md, "API keys: list";
// API.md, "API keys: expiry").
const (
	apiKeyNameMax        = 128
	apiKeyDescriptionMax = 2048
	apiKeyFilterMax      = 1024
	defaultMonths        = 12
)

var monthsToExpiration = []int64{0, 1, 3, 6, 12}

var apiKeyList = listSpec{
	filterFields: map[string]bool{"id": true, "name": true, "role": true, "status": true},
	filterMax:    apiKeyFilterMax,
	checkOrder: func(v string) *httpError {
		_, e := parseOrderBy(v, apiKeyOrderFields)
		return e
	},
}

func (s *Server) apiKeyLookup(k *apiKey) func(string) (string, bool) {
	return func(field string) (string, bool) {
		switch field {
		case "id":
			return k.ID, false
		case "name":
			return k.Name, false
		case "role":
			return s.st.roleName(k.RoleID), false
		case "status":
			return k.Status, false
		}
		return "", false
	}
}

func (s *Server) listAPIKeys(c *call) *httpError {
	lq, e := apiKeyList.parse(c.r, !s.opts.NextPagesDefaultTop)
	if e != nil {
		return e
	}
	writeJSON(c.w, http.StatusOK, paginate(c.r, lq, s.st.apiKeysOrdered(lq.orderBy), s.apiKeyLookup, s.apiKeyView))
	return nil
}

func (s *Server) findAPIKey(c *call) (*apiKey, *httpError) {
	id := c.r.PathValue("id")
	k, ok := s.st.apiKeys[id]
	if !ok {
		return nil, notFound(kindAPIKey, id)
	}
	return k, nil
}

func (s *Server) getAPIKey(c *call) *httpError {
	k, e := s.findAPIKey(c)
	if e != nil {
		return e
	}
	s.setETag(c.w, k.ID, k.Version)
	writeJSON(c.w, http.StatusOK, s.apiKeyView(k))
	return nil
}

// multiStatusItem is one element of a 207 answer (API.md, "Multi-status answers").
type multiStatusItem struct {
	Status  int          `json:"status"`
	Headers []headerPair `json:"headers,omitempty"`
	Body    any          `json:"body,omitempty"`
}

type headerPair struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

// failedItem is the item of a refused key, with the refusal's Retry-After among its headers.
func failedItem(e *httpError) multiStatusItem {
	item := multiStatusItem{Status: e.status, Body: errorEnvelope{Error: e.body}}
	if e.retryAfter != "" {
		item.Headers = []headerPair{{Name: "Retry-After", Value: e.retryAfter}}
	}
	return item
}

type apiKeyCreateBody struct {
	Name               *string `json:"name"`
	Role               *string `json:"role"`
	MonthsToExpiration *int64  `json:"monthsToExpiration"`
	Description        *string `json:"description"`
	Status             *string `json:"status"`
}

var apiKeyCreateFields = bodyFields{
	writable: []string{"name", "role", "monthsToExpiration", "description", "status"},
	readOnly: []string{"id", "value", "expiredDateTime", "lastUsedDateTime", "createdDateTime", "lastModifiedDateTime"},
}

type createdAPIKey struct {
	ID              string          `json:"id"`
	Value           string          `json:"value"`
	ExpiredDateTime json.RawMessage `json:"expiredDateTime,omitempty"`
}

// createAPIKeys is the batch create: each element succeeds or fails on its own
// (API.md, "API keys: create").
func (s *Server) createAPIKeys(c *call) *httpError {
	items, e := decodeArray(c.body, "API keys")
	if e != nil {
		return e
	}
	out := make([]multiStatusItem, 0, len(items))
	created := false
	for _, raw := range items {
		k, value, e := s.createAPIKey(c, raw)
		if e != nil {
			out = append(out, failedItem(e))
			continue
		}
		created = true
		out = append(out, multiStatusItem{
			Status:  http.StatusCreated,
			Headers: []headerPair{{Name: "Location", Value: baseURL(c.r) + "/v3.0/iam/apiKeys/" + k.ID}},
			Body:    createdAPIKey{ID: k.ID, Value: value, ExpiredDateTime: s.optionalDate(k.Expires, noExpirySentinel)},
		})
	}
	if created {
		s.saveStateLocked()
	}
	writeJSON(c.w, http.StatusMultiStatus, out)
	return nil
}

func (s *Server) createAPIKey(c *call, raw json.RawMessage) (*apiKey, string, *httpError) {
	var in apiKeyCreateBody
	if _, e := decodeObject(raw, apiKeyCreateFields, &in); e != nil {
		return nil, "", e
	}
	for _, f := range []struct {
		name string
		v    *string
	}{{"name", in.Name}, {"role", in.Role}} {
		if e := checkRequired(f.name, f.v); e != nil {
			return nil, "", e
		}
		if e := checkLength(f.name, *f.v, apiKeyNameMax); e != nil {
			return nil, "", e
		}
	}
	k := &apiKey{ID: newID(), Name: *in.Name, Status: statusEnabled, Created: c.now, LastModified: c.now}
	if in.Description != nil {
		if e := checkLength("description", *in.Description, apiKeyDescriptionMax); e != nil {
			return nil, "", e
		}
		k.Description = *in.Description
	}
	if in.Status != nil {
		if e := checkEnum("status", *in.Status, statusEnabled, statusDisabled); e != nil {
			return nil, "", e
		}
		k.Status = *in.Status
	}
	months := int64(defaultMonths)
	if in.MonthsToExpiration != nil {
		months = *in.MonthsToExpiration
		if !slices.Contains(monthsToExpiration, months) {
			return nil, "", invalidParam("monthsToExpiration", "The field \"monthsToExpiration\" must be one of 0 (never expires), 1, 3, 6 or 12, not %d.", months)
		}
	}
	if months > 0 {
		exp := c.now.AddDate(0, int(months), 0)
		k.Expires = &exp
	}
	if e := s.uniqueAPIKeyName(k.Name, ""); e != nil {
		return nil, "", e
	}
	r, e := s.assignableToAPIKey(*in.Role)
	if e != nil {
		return nil, "", e
	}
	k.RoleID = r.ID
	if e := s.tenantLimits.check("API keys", len(s.st.apiKeys), s.tenantLimits.APIKeys); e != nil {
		return nil, "", e
	}
	value := newToken(k.ID, k.Created, k.Expires)
	k.TokenHash = tokenHash(value)
	s.st.putAPIKey(k)
	return k, value, nil
}

func (s *Server) uniqueAPIKeyName(name, self string) *httpError {
	if id, dup := s.st.apiKeyByName[fold(name)]; dup && id != self {
		return badRequest("name", innerDuplicate,
			"An API key named %q already exists (id %s); names are unique regardless of case.", s.st.apiKeys[id].Name, id)
	}
	return nil
}

// assignableToAPIKey checks a role for a new or changed key assignment: the role must allow API
// keys, and Master Administrator never does since Oct 27 2025 (API.md, "Who may do what").
func (s *Server) assignableToAPIKey(name string) (*role, *httpError) {
	r, e := s.st.roleByExactName("role", name)
	if e != nil {
		return nil, e
	}
	if r.Type == roleTypePredefined && r.Name == masterAdministrator {
		return nil, badRequest("role", innerNotAssignable,
			"The Master Administrator role cannot be assigned to API keys; use a role with allowApiKeyAssignment, such as a custom role.")
	}
	if !r.AllowAPIKeyAssignment {
		return nil, badRequest("role", innerNotAssignable,
			"The role %q cannot be assigned to API keys (allowApiKeyAssignment is false).", r.Name)
	}
	return r, nil
}

type apiKeyPatchBody struct {
	Name        *string `json:"name"`
	Role        *string `json:"role"`
	Status      *string `json:"status"`
	Description *string `json:"description"`
}

var apiKeyPatchFields = bodyFields{
	writable: []string{"name", "role", "status", "description"},
	readOnly: []string{"id", "value", "monthsToExpiration", "expiredDateTime", "lastUsedDateTime", "createdDateTime", "lastModifiedDateTime"},
}

func (s *Server) patchAPIKey(c *call) *httpError {
	var in apiKeyPatchBody
	if _, e := decodeObject(c.body, apiKeyPatchFields, &in); e != nil {
		return e
	}
	k, e := s.findAPIKey(c)
	if e != nil {
		return e
	}
	if k.Legacy {
		return errLegacyKey(s.opts.LegacyKeyStatus)
	}
	if e := checkIfMatch(c.r, etag(k.ID, k.Version), s.opts.StrictIfMatch); e != nil {
		return e
	}
	next := *k
	if in.Name != nil {
		if e := checkRequired("name", in.Name); e != nil {
			return e
		}
		if e := checkLength("name", *in.Name, apiKeyNameMax); e != nil {
			return e
		}
		if e := s.uniqueAPIKeyName(*in.Name, k.ID); e != nil {
			return e
		}
		next.Name = *in.Name
	}
	if in.Status != nil {
		if e := checkEnum("status", *in.Status, statusEnabled, statusDisabled); e != nil {
			return e
		}
		next.Status = *in.Status
	}
	if in.Description != nil {
		if e := checkLength("description", *in.Description, apiKeyDescriptionMax); e != nil {
			return e
		}
		next.Description = *in.Description
	}
	// Keys keep a role they already have, as existing Master Administrator keys keep theirs
	// (API.md, "Who may do what"); only a change of role is checked for assignability.
	if in.Role != nil && *in.Role != s.st.roleName(k.RoleID) {
		if e := checkLength("role", *in.Role, apiKeyNameMax); e != nil {
			return e
		}
		r, e := s.assignableToAPIKey(*in.Role)
		if e != nil {
			return e
		}
		next.RoleID = r.ID
	}
	next.LastModified = c.now
	next.Version = s.st.nextVersion()
	s.st.putAPIKey(&next)
	s.saveStateLocked()
	c.w.WriteHeader(http.StatusNoContent)
	return nil
}

type apiKeyDeleteBody struct {
	ID *string `json:"id"`
}

var apiKeyDeleteFields = bodyFields{writable: []string{"id"}}

// deleteAPIKeys is the batch delete (API.md, "API keys: delete"), of migrated keys too
// (API.md, "Decision: migrated API keys").
func (s *Server) deleteAPIKeys(c *call) *httpError {
	items, e := decodeArray(c.body, "API key ids ({\"id\": \"...\"})")
	if e != nil {
		return e
	}
	out := make([]multiStatusItem, 0, len(items))
	deleted := false
	for _, raw := range items {
		var in apiKeyDeleteBody
		if _, e := decodeObject(raw, apiKeyDeleteFields, &in); e != nil {
			out = append(out, failedItem(e))
			continue
		}
		if e := checkRequired("id", in.ID); e != nil {
			out = append(out, failedItem(e))
			continue
		}
		k, ok := s.st.apiKeys[*in.ID]
		if !ok {
			out = append(out, failedItem(notFound(kindAPIKey, *in.ID)))
			continue
		}
		s.st.deleteAPIKey(k)
		deleted = true
		out = append(out, multiStatusItem{Status: http.StatusNoContent})
	}
	if deleted {
		s.saveStateLocked()
	}
	writeJSON(c.w, http.StatusMultiStatus, out)
	return nil
}

// expired reports whether the key's expiry has passed by the emulator's clock.
func (k *apiKey) expired(now time.Time) bool { return k.Expires != nil && !now.Before(*k.Expires) }
