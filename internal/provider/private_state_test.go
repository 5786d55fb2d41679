package provider

import (
	"bytes"
	"context"
	"maps"
	"testing"
	"time"

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

// TestPrivateStateFormat pins what each key holds, as states written by earlier versions hold it:
// the key strings and the JSON of their values never change, so those states keep reading.
func TestPrivateStateFormat(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	for _, key := range []struct{ constant, want string }{
		{privateVersionKey, "etag"}, {privatePlannedFromKey, "planned_from"}, {privateReadAtKey, "read_at"}, {privateOpenedKey, "api_key"},
	} {
		if key.constant != key.want {
			t.Errorf("a private-state key is %q, states hold it as %q", key.constant, key.want)
		}
	}
	readAt := time.Date(2026, 1, 31, 10, 0, 0, 123456789, time.UTC)
	private := memoryPrivateState{}
	for _, diags := range []diag.Diagnostics{
		storeVersion(ctx, private, "0x8D9AB4B0CA9D336"),
		notePlannedFrom(ctx, private, "5b9f3c2e-id"),
		setPrivate(ctx, private, privateReadAtKey, readAt),
		setPrivate(ctx, private, privateOpenedKey, openedAPIKey{ID: "k-1", Name: "terraform-ephemeral-1", ExpiresAt: "2026-03-03T10:00:00Z"}),
	} {
		if diags.HasError() {
			t.Fatalf("storing: %v", diags)
		}
	}
	written := memoryPrivateState{
		"etag":         []byte(`"0x8D9AB4B0CA9D336"`),
		"planned_from": []byte(`"5b9f3c2e-id"`),
		"read_at":      []byte(`"2026-01-31T10:00:00.123456789Z"`),
		"api_key":      []byte(`{"id":"k-1","name":"terraform-ephemeral-1","expires_at":"2026-03-03T10:00:00Z"}`),
	}
	if !maps.EqualFunc(private, written, bytes.Equal) {
		t.Errorf("stored %q, earlier versions store %q", private, written)
	}
	if diags := setPrivate(ctx, private, privateOpenedKey, openedAPIKey{ID: "k-2", Name: "n"}); diags.HasError() ||
		string(private[privateOpenedKey]) != `{"id":"k-2","name":"n"}` {
		t.Errorf("a key without an expiry is stored as %s, %v", private[privateOpenedKey], diags)
	}

	// What earlier versions wrote reads back.
	if got, diags := storedVersion(ctx, written); got != "0x8D9AB4B0CA9D336" || diags.HasError() {
		t.Errorf("storedVersion = %q, %v", got, diags)
	}
	if got, diags := plannedFromID(ctx, written); got != "5b9f3c2e-id" || diags.HasError() {
		t.Errorf("plannedFromID = %q, %v", got, diags)
	}
	if got, diags := storedReadAt(ctx, written); !got.Equal(readAt) || diags.HasError() {
		t.Errorf("storedReadAt = %s, %v; want %s", got, diags, readAt)
	}
	opened, diags, err := getPrivate[openedAPIKey](ctx, written, privateOpenedKey)
	if want := (openedAPIKey{ID: "k-1", Name: "terraform-ephemeral-1", ExpiresAt: "2026-03-03T10:00:00Z"}); opened != want || diags.HasError() || err != nil {
		t.Errorf("the opened key = %+v, %v, %v; want %+v", opened, diags, err, want)
	}
}

// TestPrivateStateUnreadable: nothing stored is the zero value; a value that does not decode is an
// error of getPrivate, which the version reports and the hints (planned_from, read_at) ignore.
func TestPrivateStateUnreadable(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	empty := memoryPrivateState{}
	if got, diags, err := getPrivate[openedAPIKey](ctx, empty, privateOpenedKey); got != (openedAPIKey{}) || diags.HasError() || err != nil {
		t.Errorf("getPrivate of nothing = %+v, %v, %v; want the zero value", got, diags, err)
	}
	if got, diags := storedReadAt(ctx, empty); !got.IsZero() || diags.HasError() {
		t.Errorf("storedReadAt of nothing = %s, %v; want the zero time", got, diags)
	}
	if got, diags := plannedFromID(ctx, empty); got != "" || diags.HasError() {
		t.Errorf("plannedFromID of nothing = %q, %v", got, diags)
	}

	corrupt := memoryPrivateState{
		privateVersionKey: []byte(`17`), privatePlannedFromKey: []byte(`{"id":1}`),
		privateReadAtKey: []byte(`"yesterday"`), privateOpenedKey: []byte(`"k-1"`),
	}
	if got, _, err := getPrivate[openedAPIKey](ctx, corrupt, privateOpenedKey); err == nil || got != (openedAPIKey{}) {
		t.Errorf("getPrivate of a value of another type = %+v, %v; want an error and the zero value", got, err)
	}
	if _, diags := storedVersion(ctx, corrupt); !diags.HasError() {
		t.Error("an unreadable version must be reported")
	}
	if got, diags := plannedFromID(ctx, corrupt); got != "" || diags.HasError() {
		t.Errorf("plannedFromID of an unreadable id = %q, %v; want it ignored", got, diags)
	}
	if got, diags := storedReadAt(ctx, corrupt); !got.IsZero() || diags.HasError() {
		t.Errorf("storedReadAt of an unreadable time = %s, %v; want it ignored", got, diags)
	}
}
