package client

// Account authentication types (API.md, "Accounts: object").
const (
	AuthTypeLocal     = "local"
	AuthTypeSAML      = "saml"
	AuthTypeSAMLGroup = "samlGroup"
)

// Account and API key statuses (API.md, "Accounts: object"; API.md, "API keys: object").
// StatusInvited is only ever read, never written.
const (
	StatusEnabled  = "enabled"
	StatusDisabled = "disabled"
	StatusInvited  = "invited"
)

// Role types (API.md, "Decision: role type values").
const (
	RoleTypePredefined = "predefined"
	RoleTypeCustom     = "custom"
)

// MasterAdministratorRole is the predefined role that may not be assigned to new API keys.
const MasterAdministratorRole = "Master Administrator"

// AuthTypes, AccountStatuses and MonthsToExpiration list the enums once, for validators and docs.
var (
	AuthTypes          = []string{AuthTypeLocal, AuthTypeSAML, AuthTypeSAMLGroup}
	AccountStatuses    = []string{StatusEnabled, StatusDisabled, StatusInvited}
	MonthsToExpiration = []int64{0, 1, 3, 6, 12}
)

// Role is a user role (API.md, "Roles: object"). Version is what to pass to UpdateRole: the ETag
// of a single GET (GetRole), or a fingerprint of the fields an update could overwrite when the
// answer carried no ETag: a listing item (RefreshRole, when it serves the role from a listing), or
// a single GET without one (see cache.go).
type Role struct {
	ID                         string   `json:"id"`
	Name                       string   `json:"name"`
	Type                       string   `json:"type"`
	Description                string   `json:"description"`
	LastUpdatedDateTime        DateTime `json:"lastUpdatedDateTime"`
	AllowAPIKeyAssignment      bool     `json:"allowApiKeyAssignment"`
	AllowUserAccountAssignment bool     `json:"allowUserAccountAssignment"`
	PermissionKeys             []string `json:"permissionKeys"`
	Version                    string   `json:"-"`
}

// RoleCreate is the body of POST /v3.0/iam/roles; all five fields are required
// (API.md, "Roles: endpoints").
type RoleCreate struct {
	Name                       string   `json:"name"`
	Description                string   `json:"description"`
	PermissionKeys             []string `json:"permissionKeys"`
	AllowAPIKeyAssignment      bool     `json:"allowApiKeyAssignment"`
	AllowUserAccountAssignment bool     `json:"allowUserAccountAssignment"`
}

// RolePatch is the body of PATCH /v3.0/iam/roles/{id}; nil fields are left unchanged. A pointer to
// an empty permission list is sent as [], which takes every permission from the role (API.md,
// "Decision: role limits").
type RolePatch struct {
	Name                       *string   `json:"name,omitempty"`
	Description                *string   `json:"description,omitempty"`
	PermissionKeys             *[]string `json:"permissionKeys,omitempty"`
	AllowAPIKeyAssignment      *bool     `json:"allowApiKeyAssignment,omitempty"`
	AllowUserAccountAssignment *bool     `json:"allowUserAccountAssignment,omitempty"`
}

// Permission is one entry of the tenant's permission catalog (API.md, "Roles: permission catalog").
type Permission struct {
	Key      string `json:"key"`
	Name     string `json:"name"`
	App      string `json:"app"`
	Category string `json:"category"`
}

// Account is a user, SAML user, SAML group or pending invitation (API.md, "Accounts: object").
// Version is what to pass to UpdateAccount (see Role).
type Account struct {
	ID              string   `json:"id"`
	Email           string   `json:"email"`
	Name            string   `json:"name"`
	AuthType        string   `json:"authType"`
	Role            string   `json:"role"`
	Status          string   `json:"status"`
	Description     string   `json:"description"`
	CreatedDateTime DateTime `json:"createdDateTime"`
	Version         string   `json:"-"`
}

// AccountInvite is the body of POST /v3.0/iam/accounts.
type AccountInvite struct {
	Email       string `json:"email"`
	Role        string `json:"role"`
	AuthType    string `json:"authType"`
	Description string `json:"description,omitempty"`
}

// AccountPatch is the body of PATCH /v3.0/iam/accounts/{id}; nil fields are left unchanged.
type AccountPatch struct {
	Role        *string `json:"role,omitempty"`
	Status      *string `json:"status,omitempty"`
	Description *string `json:"description,omitempty"`
}

// APIKey is an API key's metadata (API.md, "API keys: object"). The secret is never part of it.
// ExpiredDateTime has no value for a key that never expires, LastUsedDateTime none for a key
// never used, whatever the API's spelling of that (see DateTime). Version is what to pass to
// UpdateAPIKey (see Role).
type APIKey struct {
	ID                   string   `json:"id"`
	Name                 string   `json:"name"`
	Role                 string   `json:"role"`
	Status               string   `json:"status"`
	Description          string   `json:"description"`
	ExpiredDateTime      DateTime `json:"expiredDateTime"`
	LastUsedDateTime     DateTime `json:"lastUsedDateTime"`
	CreatedDateTime      DateTime `json:"createdDateTime"`
	LastModifiedDateTime DateTime `json:"lastModifiedDateTime"`
	Version              string   `json:"-"`
}

// APIKeyCreate is one element of the POST /v3.0/iam/apiKeys array. MonthsToExpiration is a pointer
// because 0 means "never expires" and an omitted value means 12 months
// (API.md, "API keys: expiry").
type APIKeyCreate struct {
	Name               string `json:"name"`
	Role               string `json:"role"`
	MonthsToExpiration *int64 `json:"monthsToExpiration,omitempty"`
	Description        string `json:"description,omitempty"`
	Status             string `json:"status,omitempty"`
}

// CreatedAPIKey is what a successful create returns: the only time the secret Value is shown. Its
// APIKey is the key as the create's request and answer describe it: ID, ExpiredDateTime and, when
// the answer carries it, CreatedDateTime from the answer; Name, Role, Description and Status as
// requested; no LastUsedDateTime (a new key has not been used), and no Version (the answer has no
// ETag). Unreadable lists the fields of the answer that could not be read; the key was created
// all the same, and ID and Value are always set.
type CreatedAPIKey struct {
	APIKey
	Value      string
	Unreadable []UnreadableField
}

// APIKeyPatch is the body of PATCH /v3.0/iam/apiKeys/{id}; nil fields are left unchanged.
type APIKeyPatch struct {
	Name        *string `json:"name,omitempty"`
	Role        *string `json:"role,omitempty"`
	Status      *string `json:"status,omitempty"`
	Description *string `json:"description,omitempty"`
}

// APIKeyQuery selects the keys ListAPIKeysMatching returns by the fields the API's filter takes on
// keys besides id (API.md, "Filters"); a nil field selects every key.
type APIKeyQuery struct {
	Name   *string // compared regardless of case, as key names are unique regardless of case
	Role   *string // compared letter case included, as a key names its role
	Status *string
}

func (r *Role) objectID() string    { return r.ID }
func (a *Account) objectID() string { return a.ID }
func (k *APIKey) objectID() string  { return k.ID }

// objectID is what identifies a permission of the catalog: its key. A catalog item without one is
// in a shape the client does not know (API.md, "Roles: permission catalog"): the page is unusable
// (unusablePage), rather than a catalog of empty keys against which every key would be unknown.
func (p *Permission) objectID() string { return p.Key }

func (r *Role) version() string    { return r.Version }
func (a *Account) version() string { return a.Version }
func (k *APIKey) version() string  { return k.Version }

func (r *Role) dates() []namedDate {
	return []namedDate{{"lastUpdatedDateTime", &r.LastUpdatedDateTime}}
}

func (a *Account) dates() []namedDate {
	return []namedDate{{"createdDateTime", &a.CreatedDateTime}}
}

func (k *APIKey) dates() []namedDate {
	return []namedDate{
		{"expiredDateTime", &k.ExpiredDateTime},
		{"lastUsedDateTime", &k.LastUsedDateTime},
		{"createdDateTime", &k.CreatedDateTime},
		{"lastModifiedDateTime", &k.LastModifiedDateTime},
	}
}

// UnreadableFields lists the dates of the role the API sent in a form the client does not read.
func (r *Role) UnreadableFields() []UnreadableField { return unreadableDates(r.dates()) }

// UnreadableFields lists the dates of the account the API sent in a form the client does not read.
func (a *Account) UnreadableFields() []UnreadableField { return unreadableDates(a.dates()) }

// UnreadableFields lists the dates of the key the API sent in a form the client does not read.
func (k *APIKey) UnreadableFields() []UnreadableField { return unreadableDates(k.dates()) }
