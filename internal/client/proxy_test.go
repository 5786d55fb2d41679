package client_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/seed-ebba3aa9/terraform-provider-visionone/internal/client"
)

// TestProxyFromEnvironment sends requests through a forward proxy named by HTTP_PROXY and
// HTTPS_PROXY, and past it for a host in NO_PROXY. The API's host names are not loopback names,
// which Go never proxies; the proxy answers for them, so they need not resolve.
func TestProxyFromEnvironment(t *testing.T) {
	var mu sync.Mutex
	var seen []string
	proxy := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		seen = append(seen, r.Method+" "+r.RequestURI)
		mu.Unlock()
		if r.Method == http.MethodConnect {
			http.Error(w, "no tunnels here", http.StatusForbidden)
			return
		}
		writeJSON(w, http.StatusOK, available)
	}))
	t.Cleanup(proxy.Close)
	for _, name := range []string{"HTTP_PROXY", "HTTPS_PROXY", "NO_PROXY", "http_proxy", "https_proxy", "no_proxy"} {
		t.Setenv(name, "")
	}
	t.Setenv("HTTP_PROXY", proxy.URL)
	t.Setenv("HTTPS_PROXY", proxy.URL)
	t.Setenv("NO_PROXY", "direct.visionone.test")

	check := func(endpoint string) error {
		c, err := client.New(client.Config{Endpoint: endpoint, APIKey: testKey, RequestsPerMinute: -1,
			RetryBaseDelay: time.Millisecond, RetryMaxDelay: time.Millisecond})
		if err != nil {
			t.Fatal(err)
		}
		return c.CheckConnectivity(context.Background())
	}
	if err := check("http://api.visionone.test"); err != nil {
		t.Errorf("through HTTP_PROXY: %v", err)
	}
	// The proxy's refusal is said as such, naming the proxy and its answer, and is not retried.
	if err := check("https://api.visionone.test"); err == nil {
		t.Error("through HTTPS_PROXY: the proxy refused the tunnel, yet the request succeeded")
	} else if want := "the proxy " + proxy.URL + " refused to open a tunnel to api.visionone.test:443: 403 Forbidden"; !strings.Contains(err.Error(), want) {
		t.Errorf("through HTTPS_PROXY: error = %q, want it to say %q", err, want)
	} else if kind := requestError(t, err).Kind(); kind != client.FailureProxyRefused {
		t.Errorf("through HTTPS_PROXY: Kind() = %v, want FailureProxyRefused", kind)
	}
	if err := check("http://direct.visionone.test"); err == nil {
		t.Error("a host in NO_PROXY was answered, so it went through the proxy")
	}

	want := []string{
		"GET http://api.visionone.test/v3.0/healthcheck/connectivity",
		"CONNECT api.visionone.test:443",
	}
	mu.Lock()
	defer mu.Unlock()
	if !slices.Equal(seen, want) {
		t.Errorf("the proxy saw %q, want %q", seen, want)
	}
}
