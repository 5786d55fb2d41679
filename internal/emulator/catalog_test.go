package emulator

import (
	"strings"
	"testing"
)

func TestLoadCatalogChecksItsData(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ name, data, want string }{
		{"not JSON", `{`, "catalog.json"},
		{"incomplete", `{"permissions":[{"key":"a.b","name":"","app":"A","category":"C"}]}`, "incomplete"},
		{"duplicate", `{"permissions":[{"key":"a.b","name":"N","app":"A","category":"C"},{"key":"a.b","name":"M","app":"A","category":"C"}]}`, "duplicate"},
		{"unknown role key", `{"permissions":[{"key":"a.b","name":"N","app":"A","category":"C"}],
			"predefinedRoles":[{"id":"1","name":"R","permissionKeys":["a.c"]}]}`, "unknown permission"},
	} {
		if _, err := loadCatalog([]byte(tc.data)); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: error %v, want one mentioning %q", tc.name, err, tc.want)
		}
	}
	c, err := loadCatalog([]byte(`{"permissions":[{"key":"a.b","name":"N","app":"A","category":"C"},{"key":"a.c","name":"M","app":"A","category":"C"}],
		"predefinedRoles":[{"id":"1","name":"All","permissionKeys":["*"]}]}`))
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(c.PredefinedRoles[0].PermissionKeys, ","); got != "a.b,a.c" {
		t.Errorf(`"*" expanded to %q`, got)
	}
}
