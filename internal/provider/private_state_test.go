package provider

import (
	"context"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/diag"
)

// memoryPrivateState stands in for the framework's private state, whose type is internal.
type memoryPrivateState map[string][]byte

func (m memoryPrivateState) GetKey(_ context.Context, key string) ([]byte, diag.Diagnostics) {
	return m[key], nil
}

func (m memoryPrivateState) SetKey(_ context.Context, key string, value []byte) diag.Diagnostics {
	if len(value) == 0 {
		delete(m, key)
		return nil
	}
	m[key] = value
	return nil
}

func TestVersionPrivateState(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	private := memoryPrivateState{}

	if version, diags := storedVersion(ctx, private); version != "" || diags.HasError() {
		t.Fatalf("storedVersion of an empty private state = %q, %v; want \"\"", version, diags)
	}
	for _, version := range []string{"d41d8cd98f00b204e9800998ecf8427e", `"quoted"`, "0x8D9AB4B0CA9D336",
		"visionone-fingerprint:0123456789abcdef0123456789abcdef"} {
		if diags := storeVersion(ctx, private, version); diags.HasError() {
			t.Fatalf("storeVersion(%q): %v", version, diags)
		}
		if got, diags := storedVersion(ctx, private); got != version || diags.HasError() {
			t.Errorf("storedVersion after storing %q = %q, %v", version, got, diags)
		}
	}
	if diags := storeVersion(ctx, private, ""); diags.HasError() {
		t.Fatalf("storeVersion(\"\"): %v", diags)
	}
	if got, _ := storedVersion(ctx, private); got != "" {
		t.Errorf("an empty version must forget the stored one, still have %q", got)
	}

	// States written before the rename hold the version under the key "etag": it is read as it is.
	written := memoryPrivateState{"etag": []byte(`"0x8D9AB4B0CA9D336"`)}
	if got, diags := storedVersion(ctx, written); got != "0x8D9AB4B0CA9D336" || diags.HasError() {
		t.Errorf("storedVersion of a state written by an earlier version = %q, %v", got, diags)
	}

	private[privateVersionKey] = []byte("not json")
	if _, diags := storedVersion(ctx, private); !diags.HasError() {
		t.Error("a corrupt private version must be reported")
	}
}
