package client_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/seed-ebba3aa9/terraform-provider-visionone/internal/client"
)

func TestBaseURLForRegion(t *testing.T) {
	want := map[string]string{
		"us":    "https://api.xdr.trendmicro.com",
		"jp":    "https://api.xdr.trendmicro.co.jp",
		"eu":    "https://api.eu.xdr.trendmicro.com",
		"sg":    "https://api.sg.xdr.trendmicro.com",
		"au":    "https://api.au.xdr.trendmicro.com",
		"in":    "https://api.in.xdr.trendmicro.com",
		"mea":   "https://api.mea.xdr.trendmicro.com",
		"uk":    "https://api.uk.xdr.trendmicro.com",
		"usgov": "https://api.usgov.xdr.trendmicro.com",
	}
	if len(client.Regions) != len(want) {
		t.Errorf("Regions = %v, want the %d regions Trend publishes", client.Regions, len(want))
	}
	for _, region := range client.Regions {
		got, err := client.BaseURLForRegion(region)
		if err != nil || got != want[region] {
			t.Errorf("BaseURLForRegion(%q) = %q, %v; want %q", region, got, err, want[region])
		}
		c, err := client.New(client.Config{Region: region, APIKey: "k"})
		if err != nil || c.BaseURL() != want[region] {
			t.Errorf("New with region %q: base %v, err %v", region, c, err)
		}
	}
	if _, err := client.BaseURLForRegion("ca"); err == nil || !strings.Contains(err.Error(), "us, eu, jp") {
		t.Errorf("BaseURLForRegion(ca) error = %v, want one listing the regions", err)
	}
}

// endpointSecret is a key pasted into an endpoint, which no refusal of the endpoint may repeat.
const endpointSecret = "eyJhbGciOiJIUzI1NiJ9.c2VjcmV0.c2ln"

// TestNewValidatesConfig checks every refusal of New, and that each is a *ConfigError naming the
// setting, so that a caller can point at its own name for it.
func TestNewValidatesConfig(t *testing.T) {

	tests := []struct {
		name      string
		cfg       client.Config
		wantField client.ConfigField
		wantErr   string
		wantURL   string
	}{
		{"endpoint wins over region", client.Config{Region: "eu", Endpoint: "http://127.0.0.1:8080/", APIKey: "k"}, "", "", "http://127.0.0.1:8080"},
		{"endpoint with a path", client.Config{Endpoint: "https://proxy.example.com/visionone", APIKey: "k"}, "", "", "https://proxy.example.com/visionone"},
		{"neither: the default region", client.Config{APIKey: "k"}, "", "", "https://api.xdr.trendmicro.com"},
		{"missing key", client.Config{Region: "us"}, client.FieldAPIKey, "no API key is set", ""},
		{"blank key", client.Config{Region: "us", APIKey: "  "}, client.FieldAPIKey, "no API key is set", ""},
		{"key with a line break", client.Config{Region: "us", APIKey: "abc\n"}, client.FieldAPIKey, "line break", ""},
		{"key with a space inside", client.Config{Region: "us", APIKey: "abc def"}, client.FieldAPIKey, "space", ""},
		{"bad region", client.Config{Region: "mars", APIKey: "k"}, client.FieldRegion, `invalid region "mars": not a Vision One region; the regions are us, eu`, ""},
		{"relative endpoint", client.Config{Endpoint: "api.example.com", APIKey: "k"}, client.FieldEndpoint,
			`invalid endpoint "api.example.com": the URL has no scheme; it must be an absolute http or https URL`, ""},
		{"host name and port without a scheme", client.Config{Endpoint: "localhost:8080", APIKey: "k"}, client.FieldEndpoint,
			`invalid endpoint "localhost:8080": the URL has no scheme; it must be an absolute http or https URL`, ""},
		{"ftp endpoint", client.Config{Endpoint: "ftp://api.example.com", APIKey: "k"}, client.FieldEndpoint, "absolute http or https URL", ""},
		{"unparsable endpoint", client.Config{Endpoint: "http://[::1", APIKey: "k"}, client.FieldEndpoint, `invalid endpoint "http://[::1": it must be an absolute http or https URL such as https://api.xdr.trendmicro.com (missing ']' in host)`, ""},
		// The emulator's address without its scheme does not parse as a URL at all.
		{"host and port without a scheme", client.Config{Endpoint: "127.0.0.1:8080", APIKey: "k"}, client.FieldEndpoint,
			`invalid endpoint "127.0.0.1:8080": the URL has no scheme; it must be an absolute http or https URL such as https://api.xdr.trendmicro.com`, ""},
		{"credentials without a scheme", client.Config{Endpoint: "u:p@127.0.0.1:8080", APIKey: "k"}, client.FieldEndpoint,
			"invalid endpoint: the URL has no scheme; it must be an absolute http or https URL such as https://api.xdr.trendmicro.com", ""},
		{"unparsable, with credentials", client.Config{Endpoint: "u:p@127.0.0.1:8080/x:y", APIKey: "k"}, client.FieldEndpoint,
			"invalid endpoint: the URL has no scheme; it must be an absolute http or https URL such as https://api.xdr.trendmicro.com", ""},
		// A password with a ? or # in it: the @ comes after what parses as a query or fragment.
		{"password with a ?, without a scheme", client.Config{Endpoint: "admin:s3cr3tpass?x@host", APIKey: "k"}, client.FieldEndpoint,
			"invalid endpoint: the URL has no scheme; it must be an absolute http or https URL such as https://api.xdr.trendmicro.com", ""},
		{"password with a #", client.Config{Endpoint: "https://admin:s3cr3tpass#x@host", APIKey: "k"}, client.FieldEndpoint,
			"invalid endpoint: it must be an absolute http or https URL such as https://api.xdr.trendmicro.com", ""},
		{"numeric password with a ?", client.Config{Endpoint: "https://admin:4242?x@host", APIKey: "k"}, client.FieldEndpoint,
			"invalid endpoint: a base URL takes no query string or fragment", ""},
		{"numeric password with a /", client.Config{Endpoint: "https://admin:4242/x@host", APIKey: "k"}, client.FieldEndpoint,
			"invalid endpoint: credentials in the URL are not supported", ""},
		{"no host", client.Config{Endpoint: "https://", APIKey: "k"}, client.FieldEndpoint, "no host", ""},
		{"only a port", client.Config{Endpoint: "http://:8080", APIKey: "k"}, client.FieldEndpoint, "no host", ""},
		{"space in the host", client.Config{Endpoint: "http://exa mple.com", APIKey: "k"}, client.FieldEndpoint, "absolute http or https URL", ""},
		{"endpoint with a query", client.Config{Endpoint: "https://api.example.com/?a=b", APIKey: "k"}, client.FieldEndpoint, "query", ""},
		{"endpoint with an empty query", client.Config{Endpoint: "https://api.example.com/?", APIKey: "k"}, client.FieldEndpoint, "query", ""},
		{"endpoint with a fragment", client.Config{Endpoint: "https://api.example.com/#top", APIKey: "k"}, client.FieldEndpoint, "fragment", ""},
		{"endpoint with credentials", client.Config{Endpoint: "https://u:p@api.example.com", APIKey: "k"}, client.FieldEndpoint, `"https://api.example.com": credentials`, ""},
		// A key pasted into the endpoint is not shown wherever it is (only scheme, host, port and path are).
		{"key in the query", client.Config{Endpoint: "http://127.0.0.1:8080/?api_key=" + endpointSecret, APIKey: "k"}, client.FieldEndpoint,
			`invalid endpoint "http://127.0.0.1:8080/": a base URL takes no query string or fragment (its query string is not shown)`, ""},
		{"key for the user name", client.Config{Endpoint: "http://" + endpointSecret + "@127.0.0.1:8080/v", APIKey: "k"}, client.FieldEndpoint,
			`invalid endpoint "http://127.0.0.1:8080/v": credentials in the URL are not supported: the API key is sent on its own (its user name is not shown)`, ""},
		{"key in the fragment", client.Config{Endpoint: "http://127.0.0.1:8080#" + endpointSecret, APIKey: "k"}, client.FieldEndpoint,
			`invalid endpoint "http://127.0.0.1:8080": a base URL takes no query string or fragment (its fragment is not shown)`, ""},
		{"key everywhere", client.Config{Endpoint: "ftp://u:" + endpointSecret + "@h/p?" + endpointSecret + "#" + endpointSecret, APIKey: "k"},
			client.FieldEndpoint, `invalid endpoint "ftp://h/p": it must be an absolute http or https URL such as https://api.xdr.trendmicro.com ` +
				"(its user name and password, query string and fragment are not shown)", ""},
		// A key pasted as the endpoint (the endpoint and API key settings swapped) has no host: its
		// path, or its opaque part after a scheme, is the key.
		{"a key as the endpoint", client.Config{Endpoint: endpointSecret, APIKey: "k"}, client.FieldEndpoint,
			"invalid endpoint: the URL has no scheme; it must be an absolute http or https URL such as https://api.xdr.trendmicro.com (its path is not shown)", ""},
		{"a key after the scheme", client.Config{Endpoint: "https:" + endpointSecret, APIKey: "k"}, client.FieldEndpoint,
			`invalid endpoint "https:": the URL has no host; it must be an absolute http or https URL such as ` +
				"https://api.xdr.trendmicro.com (its path is not shown)", ""},
		{"a key as the path of a URL without a host", client.Config{Endpoint: "http://:8080/" + endpointSecret + "?a", APIKey: "k"},
			client.FieldEndpoint, `invalid endpoint "http://:8080": the URL has no host; it must be an absolute http or https URL ` +
				"such as https://api.xdr.trendmicro.com (its path and query string are not shown)", ""},
		// After "https://" a key parses as the host.
		{"a key as the host", client.Config{Endpoint: "https://" + endpointSecret, APIKey: "k"}, client.FieldEndpoint,
			`invalid endpoint "https:": its host has the form of an API key's value, not of a host name; it must be an absolute ` +
				"http or https URL such as https://api.xdr.trendmicro.com (its host is not shown)", ""},
		{"negative timeout", client.Config{Region: "us", APIKey: "k", RequestTimeout: -1}, client.FieldRequestTimeout, "negative", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := client.New(tt.cfg)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("New error = %v, want one containing %q", err, tt.wantErr)
				}
				var configErr *client.ConfigError
				if !errors.As(err, &configErr) || configErr.Field != tt.wantField {
					t.Errorf("New error = %#v, want a *ConfigError about %q", err, tt.wantField)
				}
				if strings.Contains(err.Error(), "p@") || strings.Contains(err.Error(), endpointSecret) ||
					strings.Contains(err.Error(), "s3cr3t") || strings.Contains(err.Error(), "4242") {
					t.Errorf("error %q repeats the credentials", err)
				}
				return
			}
			if err != nil {
				t.Fatalf("New: %v", err)
			}
			if c.BaseURL() != tt.wantURL {
				t.Errorf("BaseURL() = %q, want %q", c.BaseURL(), tt.wantURL)
			}
		})
	}
}

// TestShownEndpoint: an endpoint is shown with its scheme, host, port and path, and never with a
// part that may hold a key: its user info, query string and fragment, and a path shaped like a key
// (a key pasted as the endpoint).
func TestShownEndpoint(t *testing.T) {
	tests := []struct{ endpoint, shown, withheld string }{
		{"https://proxy.example.com/visionone", "https://proxy.example.com/visionone", ""},
		{"http://127.0.0.1:8080/?a=b#c", "http://127.0.0.1:8080/", "its query string and fragment are not shown"},
		{endpointSecret, "", "its path is not shown"},
		{"https:" + endpointSecret, "https:", "its path is not shown"},
		{"https://proxy.example.com/" + endpointSecret, "https://proxy.example.com", "its path is not shown"},
		{"https://u:p@proxy.example.com/x/" + endpointSecret + "#f", "https://proxy.example.com",
			"its user name and password, path and fragment are not shown"},
		{"relative/path", "relative/path", ""},
		{"localhost:8080", "localhost:8080", ""},
		{"127.0.0.1:8080", "127.0.0.1:8080", ""},
		{"127.0.0.1:8080/?" + endpointSecret, "127.0.0.1:8080/", "its query string or fragment is not shown"},
		{"u:p@127.0.0.1:8080", "", ""},
		{"admin:s3cr3tpass?x@host", "", ""},
		{"https://admin:s3cr3tpass#x@host", "", ""},
		{"https://admin:4242?x@host", "", ""},
		{"https://admin:4242/x@host", "", ""},
		{"127.0.0.1:8080/" + endpointSecret, "", ""},
		{"ftp:" + endpointSecret, "", "its path is not shown"},
		{"https://" + endpointSecret, "https:", "its host is not shown"},
		{"https://" + endpointSecret + ":443/v?" + endpointSecret, "https:", "its host, port, path and query string are not shown"},
	}
	for _, tt := range tests {
		shown, withheld := client.ShownEndpoint(tt.endpoint)
		if shown != tt.shown || withheld != tt.withheld {
			t.Errorf("ShownEndpoint(%q) = %q, %q; want %q, %q", strings.ReplaceAll(tt.endpoint, endpointSecret, "<KEY>"),
				strings.ReplaceAll(shown, endpointSecret, "<KEY>"), withheld, tt.shown, tt.withheld)
		}
	}
}
