package client

import (
	"fmt"
	"net/url"
	"strings"
	"time"
	"unicode"
)

// Defaults applied by New to the zero values of Config.
const (
	DefaultMaxRetries     = 5
	DefaultRequestTimeout = 60 * time.Second
	defaultRetryBaseDelay = time.Second
	defaultRetryMaxDelay  = 30 * time.Second
	// NoRetries is the Config.MaxRetries that turns retries off (zero means the default).
	NoRetries = -1
	// defaultUserAgent is sent when Config.UserAgent is empty.
	defaultUserAgent = "terraform-provider-visionone"
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

// DefaultRegion is where a client sends its requests when Config names neither a region nor an
// endpoint.
const DefaultRegion = "us"

// ConfigField names the setting of Config that a ConfigError is about, in words.
type ConfigField string

// The settings of Config that New checks.
const (
	FieldAPIKey         ConfigField = "API key"
	FieldRegion         ConfigField = "region"
	FieldEndpoint       ConfigField = "endpoint"
	FieldRequestTimeout ConfigField = "request timeout"
)

// ReasonNoAPIKey is the Reason of the ConfigError of a Config without an API key.
const ReasonNoAPIKey = "no API key is set"

// ConfigError is a setting that New refuses: which one, its value as it may be shown (an endpoint
// without its user name, password, query string and fragment, nor a path shaped like a key, see
// shownURL; never the API key), and why.
type ConfigError struct {
	Field  ConfigField
	Value  string
	Reason string
}

func (e *ConfigError) Error() string {
	if e.Value == "" {
		return fmt.Sprintf("invalid %s: %s", e.Field, e.Reason)
	}
	return fmt.Sprintf("invalid %s %q: %s", e.Field, e.Value, e.Reason)
}

// BaseURLForRegion returns the API base URL of a region, e.g. "https://api.eu.xdr.trendmicro.com".
func BaseURLForRegion(region string) (string, error) {
	if err := CheckRegion(region); err != nil {
		return "", err
	}
	return "https://" + regionHosts[region], nil
}

// CheckRegion reports, as a *ConfigError, a region that is not one of Regions.
func CheckRegion(region string) error {
	if _, ok := regionHosts[region]; ok {
		return nil
	}
	return &ConfigError{Field: FieldRegion, Value: region,
		Reason: "not a Vision One region; the regions are " + strings.Join(Regions, ", ")}
}

// ShownEndpoint is an endpoint as a message may show it, and which of its parts are not (see
// shownURL); shown is "" when it is not a URL at all (it may hold credentials all the same), or
// is a key pasted as the endpoint.
func ShownEndpoint(raw string) (shown, withheld string) {
	u, err := url.Parse(raw)
	if err != nil {
		return shownUnparsed(raw)
	}
	return shownURL(u)
}

// shownUnparsed is an endpoint that is not a URL at all, such as a host and port without a scheme,
// as a message may show it: up to a query string or fragment, and not at all when it may hold
// credentials (an @ anywhere: a password may hold a ? or #) or a key.
func shownUnparsed(raw string) (shown, withheld string) {
	if strings.Contains(raw, "@") {
		return "", ""
	}
	shown = raw
	if i := strings.IndexAny(raw, "?#"); i >= 0 {
		shown, withheld = raw[:i], "its query string or fragment is not shown"
	}
	if ShapedLikeKeyValue(shown) {
		return "", ""
	}
	return shown, withheld
}

// shownURL is u as a message may show it: its scheme, host, port and path only, since a key may
// have been pasted into any other part; withheld says which parts are left out, if any ("its query
// string is not shown"). Nor is a host or a path (or the opaque part after a scheme) shaped like a
// key, such as an API key pasted as the endpoint.
func shownURL(u *url.URL) (shown, withheld string) {
	if u.User == nil && strings.Contains(u.Opaque+u.Path+u.RawQuery+u.Fragment, "@") {
		// Credentials the parser did not take for user info: user:password@host without a scheme,
		// whose user name parses as the scheme, or a password with a /, ? or # in it.
		return "", ""
	}
	bare := url.URL{Scheme: u.Scheme, Host: u.Host}
	var parts []string
	verb := "is"
	if u.User != nil {
		parts = append(parts, "user name")
		if _, ok := u.User.Password(); ok {
			parts[0], verb = "user name and password", "are"
		}
	}
	switch {
	case ShapedLikeKeyValue(u.Host):
		// A key after "https://" parses as the host; what follows it means nothing without it.
		bare = url.URL{Scheme: u.Scheme}
		parts = append(parts, "host")
		if u.Port() != "" {
			parts = append(parts, "port")
		}
		if u.Opaque != "" || u.Path != "" {
			parts = append(parts, "path")
		}
	case ShapedLikeKeyValue(u.Opaque) || ShapedLikeKeyValue(u.Path) || ShapedLikeKeyValue(u.RawPath):
		parts = append(parts, "path")
		if u.Hostname() == "" && u.Scheme != "http" && u.Scheme != "https" {
			// What parses as the scheme may be the first part of a key with a colon in it.
			bare = url.URL{}
		}
	default:
		bare.Opaque, bare.Path, bare.RawPath = u.Opaque, u.Path, u.RawPath
	}
	if u.RawQuery != "" || u.ForceQuery {
		parts = append(parts, "query string")
	}
	if u.Fragment != "" {
		parts = append(parts, "fragment")
	}
	switch last := len(parts) - 1; {
	case last < 0:
		return bare.String(), ""
	case last > 0:
		parts[last-1] += " and " + parts[last]
		parts, verb = parts[:last], "are"
	}
	return bare.String(), "its " + strings.Join(parts, ", ") + " " + verb + " not shown"
}

// CheckEndpoint reports, as a *ConfigError, an endpoint that cannot be a base URL of the API: it
// must be an absolute http or https URL with a host, without credentials, query or fragment.
func CheckEndpoint(raw string) error {
	_, err := parseEndpoint(raw)
	return err
}

// baseURL decides where the client sends its requests: Endpoint when set, else the Region's host.
func (cfg Config) baseURL() (*url.URL, error) {
	if cfg.Endpoint != "" {
		return parseEndpoint(cfg.Endpoint)
	}
	region := cfg.Region
	if region == "" {
		region = DefaultRegion
	}
	raw, err := BaseURLForRegion(region)
	if err != nil {
		return nil, err
	}
	return url.Parse(raw)
}

const mustBeHTTPURL = "it must be an absolute http or https URL such as https://api.xdr.trendmicro.com"

// parseEndpoint accepts an absolute http or https URL with a host and no credentials, query or
// fragment. A trailing slash is dropped so that "/v3.0/..." paths can be appended.
func parseEndpoint(raw string) (*url.URL, error) {
	u, err := url.Parse(raw)
	if err != nil {
		shown, withheld := shownUnparsed(raw)
		reason := mustBeHTTPURL + " (" + unwrapURLError(err).Error() + ")"
		switch {
		case !strings.Contains(raw, "://"):
			// The parser's reason, such as a colon in the first path segment, says nothing useful here.
			reason = "the URL has no scheme; " + mustBeHTTPURL
		case strings.Contains(raw, "@"):
			reason = mustBeHTTPURL // the parser's reason may quote a password ("invalid port")
		}
		if withheld != "" {
			reason += " (" + withheld + ")"
		}
		return nil, &ConfigError{Field: FieldEndpoint, Value: shown, Reason: reason}
	}
	refuse := func(reason string) (*url.URL, error) {
		shown, withheld := shownURL(u)
		if withheld != "" {
			reason += " (" + withheld + ")"
		}
		return nil, &ConfigError{Field: FieldEndpoint, Value: shown, Reason: reason}
	}
	switch {
	case u.Scheme != "http" && u.Scheme != "https" && !strings.Contains(raw, "://"):
		// A host name parses as a scheme ("localhost:8080") or a path ("api.xdr.trendmicro.com").
		return refuse("the URL has no scheme; " + mustBeHTTPURL)
	case u.Scheme != "http" && u.Scheme != "https":
		return refuse(mustBeHTTPURL)
	case u.Hostname() == "":
		return refuse("the URL has no host; " + mustBeHTTPURL)
	case ShapedLikeKeyValue(u.Host):
		return refuse("its host has the form of an API key's value, not of a host name; " + mustBeHTTPURL)
	case u.User != nil || strings.Contains(u.Path, "@"):
		// An @ in the path is the end of credentials whose password holds a /.
		return refuse("credentials in the URL are not supported: the API key is sent on its own")
	case u.RawQuery != "" || u.ForceQuery || u.Fragment != "":
		return refuse("a base URL takes no query string or fragment")
	}
	u.Path = strings.TrimRight(u.Path, "/")
	u.RawPath = ""
	return u, nil
}

// withDefaults validates cfg and fills in the defaults of its zero values.
func (cfg Config) withDefaults() (Config, error) {
	if strings.TrimSpace(cfg.APIKey) == "" {
		return cfg, &ConfigError{Field: FieldAPIKey, Reason: ReasonNoAPIKey}
	}
	if strings.ContainsFunc(cfg.APIKey, func(r rune) bool { return unicode.IsSpace(r) || !unicode.IsPrint(r) }) {
		// Such a key cannot be sent in a header, and no Vision One key has one.
		return cfg, &ConfigError{Field: FieldAPIKey, Reason: "it contains a space, line break or control character, which no " +
			"Vision One API key has"}
	}
	if cfg.RequestTimeout < 0 {
		return cfg, &ConfigError{Field: FieldRequestTimeout, Value: cfg.RequestTimeout.String(), Reason: "it must not be negative"}
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
	if cfg.RetryBaseDelay <= 0 {
		cfg.RetryBaseDelay = defaultRetryBaseDelay
	}
	if cfg.RetryMaxDelay <= 0 {
		cfg.RetryMaxDelay = defaultRetryMaxDelay
	}
	if cfg.RetryMaxDelay < cfg.RetryBaseDelay {
		cfg.RetryMaxDelay = cfg.RetryBaseDelay
	}
	if cfg.UserAgent == "" {
		cfg.UserAgent = defaultUserAgent
	}
	return cfg, nil
}
