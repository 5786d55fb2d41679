package client_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/seed-ebba3aa9/terraform-provider-visionone/internal/client"
)

// TestCheckConnectivityReadsTheStatus: a 200 accepts the key unless its status says the API is
// not available; that failure keeps the answer's own HTTP status. An empty body has no status, so
// it passes (API.md, "Connectivity check").
func TestCheckConnectivityReadsTheStatus(t *testing.T) {
	t.Parallel()
	tests := map[string]struct {
		body    string
		wantErr bool
	}{
		"available":         {body: `{"status": "available"}`},
		"another case":      {body: `{"status": "Available"}`},
		"no status":         {body: `{}`},
		"empty body":        {body: ``},
		"blank body":        {body: " \r\n"},
		"empty status":      {body: `{"status": ""}`},
		"unavailable":       {body: `{"status": "unavailable"}`, wantErr: true},
		"under maintenance": {body: `{"status": "maintenance"}`, wantErr: true},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
				w.Header().Set("Content-Type", "application/json")
				_, _ = w.Write([]byte(tc.body))
			}))
			t.Cleanup(srv.Close)
			c, err := client.New(client.Config{Endpoint: srv.URL, APIKey: "key"})
			if err != nil {
				t.Fatal(err)
			}
			err = c.CheckConnectivity(context.Background())
			if !tc.wantErr {
				if err != nil {
					t.Fatalf("CheckConnectivity: %v, want success", err)
				}
				return
			}
			var apiErr *client.APIError
			if !errors.As(err, &apiErr) || apiErr.StatusCode != http.StatusOK {
				t.Fatalf("CheckConnectivity: %v, want an APIError with the answer's status 200", err)
			}
		})
	}
}
