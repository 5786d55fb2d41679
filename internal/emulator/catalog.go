package emulator

import (
	_ "embed"
	"encoding/json"
	"fmt"
	"slices"
	"sync"
	"time"
)

// catalog.json is the tenant's permission catalog and its predefined roles
// (API.md, "Roles: predefined"; API.md, "Decision: permission keys"). Trend does not publish the
// machine identifiers of permissions, so the keys are dotted names derived from the console's app
// and permission names; keeping them in a data file means real keys can replace them without
// touching code. A predefined role listing "*" holds every permission.
//
//go:embed catalog.json
var catalogJSON []byte

// Permission is one entry of the permission catalog (GET /v3.0/iam/roles/permissionKeys).
type Permission struct {
	Key      string `json:"key"`
	Name     string `json:"name"`
	App      string `json:"app"`
	Category string `json:"category"`
}

type predefinedRole struct {
	ID                         string   `json:"id"`
	Name                       string   `json:"name"`
	Description                string   `json:"description"`
	AllowAPIKeyAssignment      bool     `json:"allowApiKeyAssignment"`
	AllowUserAccountAssignment bool     `json:"allowUserAccountAssignment"`
	PermissionKeys             []string `json:"permissionKeys"`
}

type catalog struct {
	Permissions     []Permission     `json:"permissions"`
	PredefinedRoles []predefinedRole `json:"predefinedRoles"`
	keys            map[string]bool
}

// Names of the permissions the emulated IAM endpoints require (API.md, "Authorization table").
const (
	permAccountsView    = "platform.userAccounts.view"
	permAccountsConfig  = "platform.userAccounts.configure"
	permRolesView       = "platform.userRoles.view"
	permRolesConfig     = "platform.userRoles.configure"
	permAPIKeysView     = "platform.apiKeys.view"
	permAPIKeysConfig   = "platform.apiKeys.configure"
	masterAdministrator = "Master Administrator"
)

// predefinedRolesUpdated is the lastUpdatedDateTime of every predefined role: the day Trend fixed
// their control flags (API.md, "Roles: predefined").
var predefinedRolesUpdated = time.Date(2025, 10, 27, 0, 0, 0, 0, time.UTC)

// defaultCatalog is parsed on first use rather than at start: the emulator shares the provider's
// binary, and a provider process, which Terraform starts several times per command, never needs it.
var defaultCatalog = sync.OnceValue(func() *catalog { return mustLoadCatalog(catalogJSON) })

func mustLoadCatalog(data []byte) *catalog {
	c, err := loadCatalog(data)
	if err != nil {
		panic(err)
	}
	return c
}

// loadCatalog parses and checks the catalog: unique keys, and predefined roles naming only known
// permissions.
func loadCatalog(data []byte) (*catalog, error) {
	var c catalog
	if err := json.Unmarshal(data, &c); err != nil {
		return nil, fmt.Errorf("catalog.json: %w", err)
	}
	c.keys = make(map[string]bool, len(c.Permissions))
	for _, p := range c.Permissions {
		if p.Key == "" || p.Name == "" || p.App == "" || p.Category == "" {
			return nil, fmt.Errorf("catalog.json: incomplete permission %+v", p)
		}
		if c.keys[p.Key] {
			return nil, fmt.Errorf("catalog.json: duplicate permission key %q", p.Key)
		}
		c.keys[p.Key] = true
	}
	for i, r := range c.PredefinedRoles {
		if slices.Equal(r.PermissionKeys, []string{"*"}) {
			c.PredefinedRoles[i].PermissionKeys = c.allKeys()
			continue
		}
		for _, k := range r.PermissionKeys {
			if !c.keys[k] {
				return nil, fmt.Errorf("catalog.json: predefined role %q names unknown permission %q", r.Name, k)
			}
		}
	}
	return &c, nil
}

func (c *catalog) allKeys() []string {
	out := make([]string, 0, len(c.Permissions))
	for _, p := range c.Permissions {
		out = append(out, p.Key)
	}
	return out
}
