package emulator

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"
)

// Object types as named in Stats.Objects and in error messages.
const (
	kindAccount = "account"
	kindAPIKey  = "API key"
	kindRole    = "role"
)

const (
	roleTypePredefined = "predefined"
	roleTypeCustom     = "custom"
	statusEnabled      = "enabled"
	statusDisabled     = "disabled"
	statusInvited      = "invited"
	authLocal          = "local"
	authSAML           = "saml"
	authSAMLGroup      = "samlGroup"
)

// timeLayout is the API's timestamp format: UTC, second precision, Z suffix
// (API.md, "Dates and ids").
const timeLayout = "2006-01-02T15:04:05Z"

// Stored objects. Exported fields are what the state file holds. Accounts and API keys refer to
// their role by id, so renaming a role carries over to them as in the console; the API shows the
// role's name.
type role struct {
	ID                         string    `json:"id"`
	Name                       string    `json:"name"`
	Type                       string    `json:"type"`
	Description                string    `json:"description"`
	PermissionKeys             []string  `json:"permissionKeys"`
	AllowAPIKeyAssignment      bool      `json:"allowApiKeyAssignment"`
	AllowUserAccountAssignment bool      `json:"allowUserAccountAssignment"`
	LastUpdated                time.Time `json:"lastUpdated"`
	// Version is the store sequence number of the last mutation: it makes the ETag and breaks
	// ordering ties between objects changed in the same second.
	Version uint64 `json:"version"`
}

type account struct {
	ID          string    `json:"id"`
	Email       string    `json:"email"`
	Name        string    `json:"name"`
	AuthType    string    `json:"authType"`
	RoleID      string    `json:"roleId"`
	Status      string    `json:"status"`
	Description string    `json:"description"`
	Created     time.Time `json:"created"`
	CreatedSeq  uint64    `json:"createdSeq"`
	Version     uint64    `json:"version"`
}

type apiKey struct {
	ID           string     `json:"id"`
	Name         string     `json:"name"`
	RoleID       string     `json:"roleId"`
	Status       string     `json:"status"`
	Description  string     `json:"description"`
	Expires      *time.Time `json:"expires"`
	LastUsed     *time.Time `json:"lastUsed"`
	Created      time.Time  `json:"created"`
	LastModified time.Time  `json:"lastModified"`
	CreatedSeq   uint64     `json:"createdSeq"`
	Version      uint64     `json:"version"`
	// TokenHash is the SHA-256 of the secret. The secret itself is never stored.
	TokenHash string `json:"tokenHash"`
	// Legacy marks a key moved from the old User Accounts app, which cannot be edited
	// (API.md, "Decision: migrated API keys"). The API does not show it.
	Legacy bool `json:"legacy,omitempty"`
}

// store holds the tenant: objects by id plus the unique indexes the API enforces (folded names and
// emails), and a cached default ordering per type that any mutation invalidates.
type store struct {
	seq      uint64
	roles    map[string]*role
	accounts map[string]*account
	apiKeys  map[string]*apiKey

	roleByName     map[string]string // folded name -> id
	accountByEmail map[string]string // folded email -> id
	apiKeyByName   map[string]string // folded name -> id
	apiKeyByHash   map[string]string // token hash -> id

	sortedRoles    []*role
	sortedAccounts []*account
	sortedAPIKeys  []*apiKey
}

func newStore(cat *catalog) *store {
	st := &store{
		roles:          map[string]*role{},
		accounts:       map[string]*account{},
		apiKeys:        map[string]*apiKey{},
		roleByName:     map[string]string{},
		accountByEmail: map[string]string{},
		apiKeyByName:   map[string]string{},
		apiKeyByHash:   map[string]string{},
	}
	for _, p := range cat.PredefinedRoles {
		keys := slices.Clone(p.PermissionKeys)
		slices.Sort(keys) // as for custom roles: one order, whatever the source
		st.putRole(&role{
			ID:                         p.ID,
			Name:                       p.Name,
			Type:                       roleTypePredefined,
			Description:                p.Description,
			PermissionKeys:             keys,
			AllowAPIKeyAssignment:      p.AllowAPIKeyAssignment,
			AllowUserAccountAssignment: p.AllowUserAccountAssignment,
			LastUpdated:                predefinedRolesUpdated,
		})
	}
	return st
}

func fold(s string) string { return strings.ToLower(s) }

// nextVersion returns a new store sequence number.
func (st *store) nextVersion() uint64 {
	st.seq++
	return st.seq
}

func (st *store) putRole(r *role) {
	if old, ok := st.roles[r.ID]; ok {
		delete(st.roleByName, fold(old.Name))
	}
	if r.Version == 0 {
		r.Version = st.nextVersion()
	}
	st.roles[r.ID] = r
	st.roleByName[fold(r.Name)] = r.ID
	st.sortedRoles = nil
}

func (st *store) deleteRole(r *role) {
	delete(st.roles, r.ID)
	delete(st.roleByName, fold(r.Name))
	st.sortedRoles = nil
}

func (st *store) putAccount(a *account) {
	if old, ok := st.accounts[a.ID]; ok {
		delete(st.accountByEmail, fold(old.Email))
	}
	if a.Version == 0 {
		a.Version = st.nextVersion()
	}
	if a.CreatedSeq == 0 {
		a.CreatedSeq = a.Version
	}
	st.accounts[a.ID] = a
	st.accountByEmail[fold(a.Email)] = a.ID
	st.sortedAccounts = nil
}

func (st *store) deleteAccount(a *account) {
	delete(st.accounts, a.ID)
	delete(st.accountByEmail, fold(a.Email))
	st.sortedAccounts = nil
}

func (st *store) putAPIKey(k *apiKey) {
	if old, ok := st.apiKeys[k.ID]; ok {
		delete(st.apiKeyByName, fold(old.Name))
	}
	if k.Version == 0 {
		k.Version = st.nextVersion()
	}
	if k.CreatedSeq == 0 {
		k.CreatedSeq = k.Version
	}
	st.apiKeys[k.ID] = k
	st.apiKeyByName[fold(k.Name)] = k.ID
	st.apiKeyByHash[k.TokenHash] = k.ID
	st.sortedAPIKeys = nil
}

func (st *store) deleteAPIKey(k *apiKey) {
	delete(st.apiKeys, k.ID)
	delete(st.apiKeyByName, fold(k.Name))
	delete(st.apiKeyByHash, k.TokenHash)
	st.sortedAPIKeys = nil
}

func (st *store) roleNamed(name string) *role {
	if id, ok := st.roleByName[fold(name)]; ok {
		return st.roles[id]
	}
	return nil
}

func (st *store) roleName(id string) string {
	if r, ok := st.roles[id]; ok {
		return r.Name
	}
	return ""
}

// roleUsage counts the accounts and API keys assigned to a role.
func (st *store) roleUsage(id string) (accounts, keys int) {
	for _, a := range st.accounts {
		if a.RoleID == id {
			accounts++
		}
	}
	for _, k := range st.apiKeys {
		if k.RoleID == id {
			keys++
		}
	}
	return accounts, keys
}

// counts returns the object counts of Stats.Objects (custom roles only).
func (st *store) counts() map[string]int {
	custom := 0
	for _, r := range st.roles {
		if r.Type == roleTypeCustom {
			custom++
		}
	}
	return map[string]int{"accounts": len(st.accounts), "roles": custom, "apiKeys": len(st.apiKeys)}
}

// etag is an unquoted 32-hex-digit entity tag (the shape of the official mock's) that changes
// with every mutation of the object.
func etag(id string, version uint64) string {
	sum := sha256.Sum256(fmt.Appendf(nil, "%s/%d", id, version))
	return hex.EncodeToString(sum[:16])
}

// setETag writes the ETag of the object with this id and version, quoted when
// Options.QuotedETags says so.
func (s *Server) setETag(w http.ResponseWriter, id string, version uint64) {
	tag := etag(id, version)
	if s.opts.QuotedETags {
		tag = `"` + tag + `"`
	}
	w.Header().Set("ETag", tag)
}

// newID returns a random RFC 4122 version 4 UUID.
func newID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	h := hex.EncodeToString(b[:])
	return h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:32]
}

func formatTime(t time.Time) string { return t.UTC().Format(timeLayout) }

// The dates AbsentDatesSentinel writes for a key that never expires and one never used.
const (
	noExpirySentinel  = "9999-12-31T23:59:59Z"
	neverUsedSentinel = "1970-01-01T00:00:00Z"
)

// optionalDate is the wire form of a date that may have no value: t, or the spelling chosen by
// Options.AbsentDates, with sentinel as the sentinel date. A nil result (AbsentDatesOmitted) is
// left out of the object by its field's omitempty.
func (s *Server) optionalDate(t *time.Time, sentinel string) json.RawMessage {
	v := ""
	switch {
	case t != nil:
		v = formatTime(*t)
	case s.opts.AbsentDates == AbsentDatesNull:
		return json.RawMessage("null")
	case s.opts.AbsentDates == AbsentDatesSentinel:
		v = sentinel
	case s.opts.AbsentDates == AbsentDatesOmitted:
		return nil
	}
	quoted, _ := json.Marshal(v) // a string always marshals
	return quoted
}

// Wire representations (API.md, "Accounts: object"; API.md, "API keys: object";
// API.md, "Roles: object").
type roleView struct {
	roleSummaryView
	PermissionKeys []string `json:"permissionKeys"`
}

// roleSummaryView is a role without its permission keys, as Options.RolesOmitPermissionKeys writes
// it (API.md, "Decision: role bodies").
type roleSummaryView struct {
	ID                         string `json:"id"`
	Name                       string `json:"name"`
	Type                       string `json:"type"`
	Description                string `json:"description"`
	LastUpdatedDateTime        string `json:"lastUpdatedDateTime"`
	AllowAPIKeyAssignment      bool   `json:"allowApiKeyAssignment"`
	AllowUserAccountAssignment bool   `json:"allowUserAccountAssignment"`
}

type accountView struct {
	ID              string `json:"id"`
	Email           string `json:"email"`
	Name            string `json:"name"`
	AuthType        string `json:"authType"`
	Role            string `json:"role"`
	Status          string `json:"status"`
	Description     string `json:"description"`
	CreatedDateTime string `json:"createdDateTime"`
}

type apiKeyView struct {
	ID                   string          `json:"id"`
	Name                 string          `json:"name"`
	Role                 string          `json:"role"`
	Status               string          `json:"status"`
	Description          string          `json:"description"`
	ExpiredDateTime      json.RawMessage `json:"expiredDateTime,omitempty"`
	LastUsedDateTime     json.RawMessage `json:"lastUsedDateTime,omitempty"`
	CreatedDateTime      string          `json:"createdDateTime,omitempty"`
	LastModifiedDateTime string          `json:"lastModifiedDateTime,omitempty"`
}

func (r *role) view() roleView {
	keys := r.PermissionKeys
	if keys == nil {
		keys = []string{}
	}
	return roleView{roleSummaryView: roleSummaryView{
		ID: r.ID, Name: r.Name, Type: r.Type, Description: r.Description,
		LastUpdatedDateTime:        formatTime(r.LastUpdated),
		AllowAPIKeyAssignment:      r.AllowAPIKeyAssignment,
		AllowUserAccountAssignment: r.AllowUserAccountAssignment,
	}, PermissionKeys: keys}
}

// roleBody is the body of a role in the API's answers (a create's, a single GET's, a list's items):
// its view, without the permission keys when Options.RolesOmitPermissionKeys says so. It is a Server
// method, as apiKeyView is: what it holds is an option of the server.
func (s *Server) roleBody(r *role) any {
	if s.opts.RolesOmitPermissionKeys {
		return r.view().roleSummaryView
	}
	return r.view()
}

func (st *store) accountView(a *account) accountView {
	return accountView{
		ID: a.ID, Email: a.Email, Name: a.Name, AuthType: a.AuthType, Role: st.roleName(a.RoleID),
		Status: a.Status, Description: a.Description, CreatedDateTime: formatTime(a.Created),
	}
}

// apiKeyView is a Server method, not a store one: how it writes a date with no value, and whether
// it writes the key's timestamps at all, are options of the server.
func (s *Server) apiKeyView(k *apiKey) apiKeyView {
	v := apiKeyView{
		ID: k.ID, Name: k.Name, Role: s.st.roleName(k.RoleID), Status: k.Status, Description: k.Description,
		ExpiredDateTime:  s.optionalDate(k.Expires, noExpirySentinel),
		LastUsedDateTime: s.optionalDate(k.LastUsed, neverUsedSentinel),
	}
	if !s.opts.APIKeysOmitTimestamps {
		v.CreatedDateTime, v.LastModifiedDateTime = formatTime(k.Created), formatTime(k.LastModified)
	}
	return v
}
