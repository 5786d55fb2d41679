package client

import (
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"time"
)

// Defaults applied by New to the zero values of Config.
const (
	DefaultMaxRetries        = 5
	DefaultRequestTimeout    = 60 * time.Second
	DefaultRequestsPerMinute = 300
	DefaultRetryBaseDelay    = time.Second
	DefaultRetryMaxDelay     = 30 * time.Second
	// NoRetries is the Config.MaxRetries that turns retries off (zero means the default).
	NoRetries = -1
	// DefaultUserAgent is sent when Config.UserAgent is empty.
	DefaultUserAgent = "terraform-provider-visionone"
)

// regionHosts is the API host of each Vision One region (API.md, "Regions and hosts"). Japan and
// the United States are the two without a region label.
var regionHosts = map[string]string{
	"us":    "api.xdr.trendmicro.com",
	"jp":    "api.xdr.trendmicro.co.jp",
	"eu":    "api.eu.xdr.trendmicro.com",
	"sg":    "api.sg.xdr.trendmicro.com",
	"au":    "api.au.xdr.trendmicro.com",
	"in":    "api.in.xdr.trendmicro.com",
	"mea":   "api.mea.xdr.trendmicro.com",
	"uk":    "api.uk.xdr.trendmicro.com",
	"usgov": "api.usgov.xdr.trendmicro.com",
}

// Regions lists the region names accepted in Config.Region, in the order of the region table
// (API.md, "Regions and hosts"), for validators and docs.
var Regions = []string{"us", "eu", "jp", "sg", "au", "in", "mea", "uk", "usgov"}

// BaseURLForRegion returns the API base URL of a region, e.g. "https://api.eu.xdr.trendmicro.com".
func BaseURLForRegion(region string) (string, error) {
	host, ok := regionHosts[region]
	if !ok {
		return "", fmt.Errorf("unknown Vision One region %q: use one of %s, or set an endpoint URL instead",
			region, strings.Join(Regions, ", "))
	}
	return "https://" + host, nil
}

// baseURL decides where the client sends its requests: Endpoint when set, else the Region's host.
func (cfg Config) baseURL() (*url.URL, error) {
	if cfg.Endpoint == "" {
		if cfg.Region == "" {
			return nil, errors.New("neither a region nor an endpoint is set: set region to one of " +
				strings.Join(Regions, ", ") + ", or endpoint to the API's base URL")
		}
		raw, err := BaseURLForRegion(cfg.Region)
		if err != nil {
			return nil, err
		}
		return url.Parse(raw)
	}
	return parseEndpoint(cfg.Endpoint)
}

// parseEndpoint accepts an absolute http or https URL with a host and no query or fragment. A
// trailing slash is dropped so that "/v3.0/..." paths can be appended.
func parseEndpoint(raw string) (*url.URL, error) {
	u, err := url.Parse(raw)
	if err != nil {
		// The URL is not repeated: it may hold credentials.
		return nil, fmt.Errorf("invalid endpoint: %w", unwrapURLError(err))
	}
	shown := u.Redacted()
	if !slices.Contains([]string{"http", "https"}, strings.ToLower(u.Scheme)) || u.Host == "" {
		return nil, fmt.Errorf("invalid endpoint %q: it must be an absolute http or https URL such as https://api.xdr.trendmicro.com", shown)
	}
	if u.RawQuery != "" || u.Fragment != "" || u.User != nil {
		return nil, fmt.Errorf("invalid endpoint %q: it must not carry credentials, a query or a fragment", shown)
	}
	u.Path = strings.TrimRight(u.Path, "/")
	u.RawPath = ""
	return u, nil
}

// withDefaults validates cfg and fills in the defaults of its zero values.
func (cfg Config) withDefaults() (Config, error) {
	if strings.TrimSpace(cfg.APIKey) == "" {
		return cfg, errors.New("no API key is set: set api_key or VISIONONE_API_KEY to a Vision One API key " +
			"(Administration → API Keys)")
	}
	if cfg.RequestTimeout < 0 {
		return cfg, fmt.Errorf("request timeout must not be negative, got %s", cfg.RequestTimeout)
	}
	switch {
	case cfg.MaxRetries == 0:
		cfg.MaxRetries = DefaultMaxRetries
	case cfg.MaxRetries < 0:
		cfg.MaxRetries = 0
	}
	if cfg.RequestTimeout == 0 {
		cfg.RequestTimeout = DefaultRequestTimeout
	}
	if cfg.RequestsPerMinute == 0 {
		cfg.RequestsPerMinute = DefaultRequestsPerMinute
	}
	if cfg.RetryBaseDelay <= 0 {
		cfg.RetryBaseDelay = DefaultRetryBaseDelay
	}
	if cfg.RetryMaxDelay <= 0 {
		cfg.RetryMaxDelay = DefaultRetryMaxDelay
	}
	if cfg.RetryMaxDelay < cfg.RetryBaseDelay {
		cfg.RetryMaxDelay = cfg.RetryBaseDelay
	}
	if cfg.UserAgent == "" {
		cfg.UserAgent = DefaultUserAgent
	}
	return cfg, nil
}
