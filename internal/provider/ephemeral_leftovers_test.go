package provider

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/seed-ebba3aa9/terraform-provider-visionone/internal/client"
	"github.com/seed-ebba3aa9/terraform-provider-visionone/internal/emulator"
)

// TestEphemeralKeyRecord_deleteAll deletes the recorded keys in one batch request, counts a key
// already gone as deleted, leaves alone a key removed from the record (one Close has deleted), and
// empties the record.
func TestEphemeralKeyRecord_deleteAll(t *testing.T) {
	e := startEmulator(t, emulator.Options{})
	c := e.API
	ctx := context.Background()
	record := ephemeralKeyRecord{keys: map[string]recordedEphemeralKey{}}
	var removed string
	for i := range 3 {
		name := e.name(fmt.Sprintf("ephemeral-%d", i))
		created, err := c.CreateAPIKey(ctx, client.APIKeyCreate{Name: name, Role: "Auditor"})
		if err != nil {
			t.Fatal(err)
		}
		record.add(c, openedAPIKey{ID: created.ID, Name: name})
		removed = created.ID
	}
	record.remove(removed)
	record.add(c, openedAPIKey{ID: "5f1f5d8e-0000-4000-8000-000000000000", Name: e.name("ephemeral-gone")})
	before := e.Stats().Requests["POST /v3.0/iam/apiKeys/delete"]

	record.deleteAll(ctx, time.Minute)

	if sent := e.Stats().Requests["POST /v3.0/iam/apiKeys/delete"] - before; sent != 1 {
		t.Errorf("the leftovers took %d delete requests, want one batch", sent)
	}
	keys, err := c.ListAPIKeys(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	var left []string
	for _, k := range keys {
		if e.owns(k.Name) {
			left = append(left, k.ID)
		}
	}
	if len(left) != 1 || left[0] != removed {
		t.Errorf("the tenant holds the test's keys %v, want only the one removed from the record (%s)", left, removed)
	}
	if len(record.keys) != 0 {
		t.Errorf("the record still holds %d keys", len(record.keys))
	}
}

// TestEphemeralKeyRecord_deleteAllTimeout returns at its timeout when the API does not answer:
// go-plugin kills the process shortly after the server stops.
func TestEphemeralKeyRecord_deleteAllTimeout(t *testing.T) {
	release := make(chan struct{})
	hs := httptest.NewServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { <-release }))
	t.Cleanup(hs.Close)
	t.Cleanup(func() { close(release) })
	c, err := client.New(client.Config{Endpoint: hs.URL, APIKey: "test-api-key-value", RequestsPerMinute: -1})
	if err != nil {
		t.Fatal(err)
	}
	record := ephemeralKeyRecord{keys: map[string]recordedEphemeralKey{}}
	record.add(c, openedAPIKey{ID: "5f1f5d8e-0000-4000-8000-000000000001", Name: "terraform-ephemeral-x"})
	started := time.Now()
	record.deleteAll(context.Background(), 200*time.Millisecond)
	if took := time.Since(started); took > time.Second {
		t.Errorf("deleteAll took %s with a timeout of 200ms", took)
	}
}
