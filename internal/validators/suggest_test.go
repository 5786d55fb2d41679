package validators

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestClosestMatches(t *testing.T) {
	t.Parallel()
	catalog := []string{
		"platform.userAccounts.view",
		"platform.userAccounts.configure",
		"platform.userRoles.view",
		"platform.userRoles.configure",
		"platform.apiKeys.view",
		"platform.apiKeys.configure",
		"xdr.workbench.view",
		"xdr.workbench.modify",
	}
	tests := map[string]struct {
		target string
		limit  int
		want   []string
	}{
		"one segment mistyped": {
			target: "platform.userRole.view",
			limit:  2,
			want:   []string{"platform.userRoles.view", "platform.userAccounts.view"},
		},
		"case differs only": {
			target: "XDR.Workbench.View",
			limit:  1,
			want:   []string{"xdr.workbench.view"},
		},
		"truncated key found by containment": {
			target: "workbench",
			limit:  2,
			want:   []string{"xdr.workbench.view", "xdr.workbench.modify"},
		},
		"unrelated input suggests nothing": {
			target: "completely.unrelated.permission.name",
			limit:  3,
			want:   nil,
		},
		"three letters do not match by containment": {
			target: "api",
			limit:  3,
			want:   nil,
		},
		"zero limit": {
			target: "platform.userRoles.view",
			limit:  0,
			want:   nil,
		},
		"empty target": {
			target: "",
			limit:  3,
			want:   nil,
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			got := ClosestMatches(tc.target, catalog, tc.limit)
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("ClosestMatches(%q) mismatch (-want +got):\n%s", tc.target, diff)
			}
		})
	}
}
