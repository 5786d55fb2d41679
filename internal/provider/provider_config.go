package provider

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/seed-ebba3aa9/terraform-provider-visionone/internal/client"
)

// credentialsCheckTimeout bounds the check of the provider's key in Configure, retries included,
// so that a key or an endpoint that cannot work fails the plan quickly rather than after every
// retry of every request. A request_timeout set longer bounds it instead (checkCredentials).
const credentialsCheckTimeout = 15 * time.Second

// warnUnknown warns about every attribute whose value is only known after apply, and reports
// whether there is one. Failing would fail every plan of such a configuration, so the provider
// stays unconfigured for this plan instead: resources keep their prior state and skip the live
// checks (see unknownProvider), and nothing is written, because by apply time Terraform knows the
// value and configures the provider again.
func (m providerModel) warnUnknown(diags *diag.Diagnostics) bool {
	unknown := false
	for _, attribute := range []struct {
		name, env string
		value     attr.Value
	}{
		{"api_key", envAPIKey, m.APIKey},
		{"region", envRegion, m.Region},
		{"endpoint", envEndpoint, m.Endpoint},
		{"max_retries", "", m.MaxRetries},
		{"request_timeout", "", m.RequestTimeout},
		{"requests_per_minute", "", m.RequestsPerMinute},
	} {
		if !attribute.value.IsUnknown() {
			continue
		}
		unknown = true
		hint := ""
		if attribute.env != "" {
			hint = " or use the " + attribute.env + " environment variable"
		}
		diags.AddAttributeWarning(path.Root(attribute.name), "Provider Configuration Not Known Until Apply",
			fmt.Sprintf("The provider attribute %q depends on a value that is only known after apply, so this plan cannot "+
				"read Vision One: existing objects are not refreshed and permission keys are not checked. "+
				"Set %q statically%s, or apply the resources it depends on first with -target.", attribute.name, attribute.name, hint))
	}
	return unknown
}

// clientConfig resolves the provider block and the environment into the client's configuration.
// The client checks the values (client.New); only what depends on where a value came from is
// decided here. terraformVersion is the CLI's, as Configure gets it; version is the provider's.
func (m providerModel) clientConfig(terraformVersion, version string, diags *diag.Diagnostics) client.Config {
	cfg := client.Config{
		// A key read with file() ends with a line break; Vision One keys never hold whitespace.
		APIKey:            strings.TrimSpace(stringFromConfigOrEnv(m.APIKey, envAPIKey)),
		Region:            stringFromConfigOrEnv(m.Region, envRegion),
		Endpoint:          stringFromConfigOrEnv(m.Endpoint, envEndpoint),
		UserAgent:         userAgent(terraformVersion, version),
		MaxRetries:        int(m.MaxRetries.ValueInt64()),
		RequestsPerMinute: int(m.RequestsPerMinute.ValueInt64()),
	}
	if cfg.Endpoint != "" {
		// An endpoint replaces the region's host. A region from the environment is then ignored
		// rather than refused, so a shell that exports VISIONONE_REGION can still use the emulator;
		// a region written in the configuration next to an endpoint from the environment is a
		// contradiction the user should resolve.
		if isSet(m.Region) && !isSet(m.Endpoint) {
			endpoint := "an endpoint"
			shown, withheld := client.ShownEndpoint(cfg.Endpoint)
			if shown != "" {
				endpoint = fmt.Sprintf("the endpoint %q", shown)
			}
			if withheld != "" {
				endpoint += " (" + withheld + ")"
			}
			diags.AddAttributeError(path.Root("region"), "Conflicting Vision One Region and Endpoint",
				fmt.Sprintf("The configuration sets region %q while the %s environment variable sets %s. %s",
					cfg.Region, envEndpoint, endpoint, removeRegionOrEndpoint))
		}
		cfg.Region = ""
	}
	if !m.MaxRetries.IsNull() && m.MaxRetries.ValueInt64() == 0 {
		cfg.MaxRetries = client.NoRetries // a zero client.Config.MaxRetries means the default
	}
	if !m.RequestTimeout.IsNull() {
		timeout, durationDiags := m.RequestTimeout.ValueGoDuration()
		diags.Append(durationDiags...)
		cfg.RequestTimeout = timeout
	}
	return cfg
}

// userAgent names the CLI and the provider in the form HashiCorp's providers use (API.md,
// "Headers"): "Terraform/1.14.9 (+https://www.terraform.io) terraform-provider-visionone/1.2.3". A
// CLI that does not say its version is left out.
func userAgent(terraformVersion, version string) string {
	provider := "terraform-provider-visionone/" + version
	if terraformVersion == "" {
		return provider
	}
	return "Terraform/" + terraformVersion + " (+https://www.terraform.io) " + provider
}

// removeRegionOrEndpoint is how to resolve a region set next to an endpoint.
const removeRegionOrEndpoint = "Remove one of them: `endpoint` for a proxy or the emulator, `region` for a Vision One tenant."

// isSet reports whether the provider attribute api_key, region or endpoint holds a value. An empty
// or blank string counts as unset, as in the SDKv2-based providers: a module's
// `api_key = var.api_key` whose variable defaults to "" must fall back to the environment variable,
// not fail. Blank and not only empty, because whitespace around the key is dropped anyway, and one
// rule serves the three attributes. An unknown value is not set yet.
func isSet(v types.String) bool {
	return !v.IsNull() && !v.IsUnknown() && strings.TrimSpace(v.ValueString()) != ""
}

// stringFromConfigOrEnv returns the configured value, or the environment variable when the
// attribute is not set (isSet).
func stringFromConfigOrEnv(v types.String, env string) string {
	if isSet(v) {
		return v.ValueString()
	}
	return os.Getenv(env)
}

// addConfigError reports a setting the client refuses on the attribute it comes from.
func addConfigError(diags *diag.Diagnostics, err error) {
	var configErr *client.ConfigError
	if !errors.As(err, &configErr) {
		diags.AddError("Invalid Provider Configuration",
			"Building the Vision One client from the provider configuration failed: "+err.Error()+
				"\n\nCorrect the provider block or the VISIONONE_* environment variables and run the command again.")
		return
	}
	switch configErr.Field {
	case client.FieldAPIKey:
		if configErr.Reason != client.ReasonNoAPIKey {
			diags.AddAttributeError(path.Root("api_key"), "Invalid Vision One API Key",
				"The provider's API key (from the `api_key` attribute or "+envAPIKey+") is not usable: "+configErr.Reason+
					". Copy the key again from the Vision One console (Administration > API Keys), whole and on one line.")
			return
		}
		diags.AddAttributeError(path.Root("api_key"), "Missing Vision One API Key",
			"The provider needs an API key to call Vision One, and neither the `api_key` provider attribute nor the "+
				envAPIKey+" environment variable holds one (an empty or blank `api_key` counts as unset, and then "+
				envAPIKey+" is read). Set the `api_key` provider attribute or the "+envAPIKey+
				" environment variable to a key created in the Vision One console under Administration > API Keys.")
	case client.FieldRegion:
		diags.AddAttributeError(path.Root("region"), "Invalid Vision One Region",
			fmt.Sprintf("The region %q (from the `region` attribute or %s) is not a Vision One region. "+
				"Use one of %s, or set `endpoint` to the full URL of the API.", configErr.Value, envRegion, quotedList(client.Regions)))
	case client.FieldEndpoint:
		shown := ""
		if configErr.Value != "" {
			shown = fmt.Sprintf(" %q", configErr.Value)
		}
		diags.AddAttributeError(path.Root("endpoint"), "Invalid Vision One Endpoint",
			fmt.Sprintf("The endpoint%s (from the `endpoint` attribute or %s) is not usable: %s. "+
				"Set it to the base URL of the API, such as \"http://127.0.0.1:8080\" for the emulator, or remove it to use `region`.",
				shown, envEndpoint, configErr.Reason))
	default:
		diags.AddError("Invalid Provider Configuration", fmt.Sprintf("The provider's %s is not usable: %s.", configErr.Field, configErr.Reason))
	}
}

// clientCheck is a schema validator that runs one of the client's own checks of a setting
// (client.CheckRegion, client.CheckEndpoint), so that terraform validate reports a bad literal
// with the diagnostic Configure gives for a bad value from the environment.
func clientCheck(check func(string) error, description string) validator.String {
	return clientCheckValidator{check: check, description: description}
}

type clientCheckValidator struct {
	check       func(string) error
	description string
}

func (v clientCheckValidator) Description(context.Context) string { return v.description }

func (v clientCheckValidator) MarkdownDescription(ctx context.Context) string {
	return v.Description(ctx)
}

func (v clientCheckValidator) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if !isSet(req.ConfigValue) {
		return
	}
	if err := v.check(req.ConfigValue.ValueString()); err != nil {
		addConfigError(&resp.Diagnostics, err)
	}
}

// regionConflictsWithEndpoint is a schema validator of region that refuses it next to an endpoint,
// as stringvalidator.ConflictsWith would, except that an empty region or endpoint counts as unset
// (isSet): `region = var.region` and `endpoint = var.endpoint` with one of them "" do not conflict.
// An endpoint from the environment next to a configured region is refused in clientConfig.
func regionConflictsWithEndpoint() validator.String { return regionEndpointValidator{} }

type regionEndpointValidator struct{}

func (regionEndpointValidator) Description(context.Context) string {
	return "must not be set together with endpoint"
}

func (v regionEndpointValidator) MarkdownDescription(ctx context.Context) string {
	return v.Description(ctx)
}

func (regionEndpointValidator) ValidateString(ctx context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if !isSet(req.ConfigValue) {
		return
	}
	var endpoint types.String
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("endpoint"), &endpoint)...)
	if !isSet(endpoint) {
		return
	}
	resp.Diagnostics.AddAttributeError(req.Path, "Conflicting Vision One Region and Endpoint",
		fmt.Sprintf("The configuration sets both region %q and an endpoint. %s", req.ConfigValue.ValueString(), removeRegionOrEndpoint))
}

// describeTarget names where the client sends its requests, and from which setting.
func describeTarget(cfg client.Config, c *client.Client) string {
	if cfg.Endpoint != "" {
		return c.BaseURL() + " (the endpoint)"
	}
	region := cfg.Region
	if region == "" {
		region = client.DefaultRegion
	}
	return fmt.Sprintf("%s (region %q)", c.BaseURL(), region)
}

// notAnAPIAdvice is what to check when the server that answered the credentials check is not the
// Vision One API.
const notAnAPIAdvice = "Check that `endpoint` is the base URL of the API (without /v3.0), or remove it to use " +
	"`region`. With `region`, or when `endpoint` is right, something between this machine and Vision One " +
	"answered instead, such as a captive portal's login page or a proxy: check the proxy settings (HTTPS_PROXY, " +
	"NO_PROXY) and that this machine may reach the API."

// checkCredentials asks the API once whether it accepts the provider's key, so that a key that is
// refused or an API that cannot be reached fails the plan before anything is read or written.
// Any valid key may make this call. A check that is rate-limited or meets a server error, also
// after its retries, does not fail the plan: the key was not refused, and the requests that follow
// retry and keep to the API's pace on their own.
//
// The check takes at most bound (credentialsCheckTimeout), or cfg's request timeout when that is
// longer: a user who raised request_timeout for a slow API would otherwise see the check give up on
// an answer that the requests after it would wait for.
func checkCredentials(ctx context.Context, c *client.Client, cfg client.Config, bound time.Duration, diags *diag.Diagnostics) {
	bound = max(bound, cfg.RequestTimeout)
	checkCtx, cancel := context.WithTimeout(ctx, bound)
	defer cancel()
	err := c.CheckConnectivity(checkCtx)
	if err == nil {
		return
	}
	doing := fmt.Sprintf("Checking the provider's API key with %s (for at most %s, retries included)", describeTarget(cfg, c), bound)
	answer := lastAnswer(err)
	var unusable *client.AnswerError
	switch {
	case answer != nil && (answer.StatusCode == http.StatusTooManyRequests || answer.StatusCode >= 500):
		tflog.Warn(ctx, "The check of the provider's API key got no verdict; going on without it", map[string]any{
			"error": doing + ": " + err.Error(),
		})
	case errors.As(err, &unusable):
		// A success the client cannot read, to the one call whose answer every Vision One API gives
		// alike: a web page (the console's, a captive portal's login page), not the API.
		addAPIErrorWith(diags, "Not a Vision One API", doing, err,
			"The server answered, but not in the form of the connectivity check that every Vision One API has. "+notAnAPIAdvice)
	case answer == nil && timedOut(err):
		addAPIErrorWith(diags, "Cannot Reach Vision One", doing, err, checkTimeoutAdvice(err, bound))
	case answer == nil:
		addAPIError(diags, "Cannot Reach Vision One", doing, err)
	case answer.StatusCode == http.StatusUnauthorized:
		addAPIError(diags, "Vision One API Key Refused", doing, err)
	case answer.StatusCode == http.StatusNotFound:
		addAPIErrorWith(diags, "Not a Vision One API", doing, err,
			"The server answered, but does not serve the connectivity check that every Vision One API has. "+notAnAPIAdvice)
	default:
		addAPIError(diags, "Vision One Credentials Check Failed", doing, err)
	}
}

// checkTimeoutAdvice is the advice on a check of the key that got no answer in time (err): an attempt
// that outlasted request_timeout, which a longer one helps only below the API's own limit
// (timeoutAdvice), or the check's own bound, which only a longer request_timeout lengthens.
func checkTimeoutAdvice(err error, bound time.Duration) string {
	const check = "Check the network path to the API (proxy, firewall). If the API is slow but reachable, raise request_timeout"
	var reqErr *client.RequestError
	if errors.As(err, &reqErr) && attemptTimedOut(reqErr) {
		timeout := attemptTimeout(reqErr)
		attempts := "on the check's only attempt"
		if reqErr.Attempts > 1 {
			attempts = fmt.Sprintf("on the last of the check's %d attempts", reqErr.Attempts)
		}
		if timeout >= client.DefaultRequestTimeout {
			return fmt.Sprintf("No answer came within request_timeout (%s), which ran out %s, %s", timeout, attempts, heldOnTheWay)
		}
		return fmt.Sprintf("No answer came within request_timeout (%s), which ran out %s. %s.", timeout, attempts, check)
	}
	return fmt.Sprintf("No answer came in the %s the check allows, retries included. %s: the check waits for the longer of "+
		"%s and request_timeout.", bound, check, credentialsCheckTimeout)
}
