package emulator

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os/signal"
	"slices"
	"syscall"
	"time"
)

// adminKeyNote says what the printed admin key stands for in a real tenant.
const adminKeyNote = "The admin key is a Master Administrator API key made before October 27, 2025: it may set the " +
	"control flags of custom roles and add, change or delete accounts, which no API key made since can do."

// RunCommand is "terraform-provider-visionone emulator [flags]": it serves the emulator until ctx
// is done or the process gets SIGINT/SIGTERM, printing the endpoint URL and the admin key. It
// returns the process exit code.
func RunCommand(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("emulator", flag.ContinueOnError)
	fs.SetOutput(stderr)
	listen := fs.String("listen", "127.0.0.1:8080", "address to listen on (port 0 picks a free one)")
	adminKey := fs.String("admin-key", "", "the admin key, a Master Administrator API key made before October 27, 2025, "+
		"which may set role control flags and manage accounts as no newer key can (default: generated and printed)")
	stateFile := fs.String("state-file", "", "JSON file to load at start and rewrite after every change")
	latency := fs.Duration("latency", 0, "latency added to every /v3.0 request, e.g. 50ms")
	faultRate := fs.Float64("fault-rate", 0, "share of /v3.0 requests answered with a 500 or 503 (0 to 1)")
	rateLimit := fs.Int("rate-limit", 0, "server-side limit in requests per minute (0: none)")
	rateLimitRetryAfter := fs.Bool("rate-limit-retry-after", true, "send Retry-After with the rate limit's 429 answers; "+
		"-rate-limit-retry-after=false\nsends none, as Vision One documents none")
	maxAPIKeys := fs.Int("max-api-keys", 0, "the most API keys the tenant may hold; a create beyond it is refused with a\n"+
		"429 TooManyRequests (inner TenantLimitExceeded) and Retry-After (0: no cap)")
	maxAccounts := fs.Int("max-accounts", 0, "the most user accounts the tenant may hold (0: no cap)")
	maxRoles := fs.Int("max-roles", 0, "the most custom roles the tenant may hold (0: no cap)")
	limitsRetryAfter := fs.Duration("limits-retry-after", time.Second, "the Retry-After of the 429 that refuses a create "+
		"beyond a cap (-max-api-keys,\n-max-accounts, -max-roles), rounded up to whole seconds; 0 sends none")
	noControls := fs.Bool("no-controls", false, "serve no test controls: everything under /_emulator/ answers 404, as on a real tenant")
	absentDates := AbsentDatesEmpty
	fs.Func("absent-dates", "how a date with no value (a key that never expires, or was never used) is written, as\n"+
		"`spelling`: empty (\"\", the default), null, sentinel (9999-12-31T23:59:59Z for no expiry,\n"+
		"1970-01-01T00:00:00Z for never used), or omitted (no field); Trend does not publish the real form", func(v string) error {
		if !slices.Contains(AbsentDatesModes, AbsentDates(v)) {
			return errors.New(`must be "empty", "null", "sentinel" or "omitted"`)
		}
		absentDates = AbsentDates(v)
		return nil
	})
	apiKeyTimestamps := fs.Bool("api-key-timestamps", true, "send createdDateTime and lastModifiedDateTime in API keys (a GET, the list's items);\n"+
		"-api-key-timestamps=false leaves them out, as Trend's mock shows a key")
	nextPagesKeepTop := fs.Bool("next-pages-keep-top", true, "serve the pages a list's nextLink leads to at the first request's top (kept in the\n"+
		"skipToken); -next-pages-keep-top=false serves them at the default 50, as a tenant may")
	strictIfMatch := fs.Bool("strict-if-match", false,
		"answer a PATCH without If-Match with 400 MissingRequiredParameter (default: If-Match is optional)")
	quotedETags := fs.Bool("quoted-etags", false, "write ETags in double quotes, as HTTP defines them (default: bare, as Trend's mock does)")
	allowInvitedUpdates := fs.Bool("allow-invited-updates", false,
		"accept a PATCH of an invited account or a SAML group (default: 400 BadRequest, as Trend's Okta connector says)")
	legacyKeyStatus := fs.Int("legacy-key-status", http.StatusForbidden,
		"the status refusing a PATCH of an API key marked as moved from the old User Accounts app\n"+
			"(POST /_emulator/apiKeys/{id}/legacy): 403 AccessDenied or 400 BadRequest; Trend does not publish which")
	rolePermissionKeys := fs.Bool("role-permission-keys", true, "send permissionKeys in the bodies of roles (a create's answer, "+
		"a GET, the list's items);\n-role-permission-keys=false leaves them out, as Trend's Okta connector shows roles, so that\n"+
		"clients read /roles/{id}/permissions")
	olderRoleEndpoints := fs.Bool("older-role-endpoints", false, "play a tenant with the role endpoints of Trend's older spec alone "+
		"(GET /roles and\nGET /roles/{id}/permissions): role create, get, update and delete and the permission catalog\nanswer 404 as an unknown path does")
	inviteAnswerBody := fs.Bool("invite-answer-body", true, "answer an invitation with the body {\"id\": ...} as well as its Location header;\n"+
		"-invite-answer-body=false sends the Location header alone (Trend does not publish which carries the id)")
	fs.Usage = func() {
		_, _ = fmt.Fprint(fs.Output(), `Usage: terraform-provider-visionone emulator [flags]

Runs a local Trend Vision One IAM API (accounts, roles, API keys) for the provider, its examples and
your own modules. Point the provider's endpoint at the printed URL and use the printed admin key as
its api_key.

Flags:
`)
		fs.PrintDefaults()
		_, _ = fmt.Fprint(fs.Output(), `
Test controls, under the printed URL (only the admin key may call them; faults, the rate limit and
the request counts never apply to them):
`)
		writeControlsUsage(fs.Output())
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if fs.NArg() > 0 {
		_, _ = fmt.Fprintf(stderr, "emulator: unexpected argument %q\n", fs.Arg(0))
		fs.Usage()
		return 2
	}
	faults := Faults{Latency: *latency}
	if *faultRate > 0 {
		faults.ErrorRate = *faultRate
		faults.Statuses = []int{http.StatusInternalServerError, http.StatusServiceUnavailable}
	}
	srv, err := New(Options{
		AdminKey:                  *adminKey,
		StateFile:                 *stateFile,
		Faults:                    faults,
		RequestsPerMinute:         *rateLimit,
		RateLimitOmitRetryAfter:   !*rateLimitRetryAfter,
		MaxAPIKeys:                *maxAPIKeys,
		MaxAccounts:               *maxAccounts,
		MaxRoles:                  *maxRoles,
		TenantLimitRetryAfter:     *limitsRetryAfter,
		TenantLimitOmitRetryAfter: *limitsRetryAfter <= 0,
		NoControls:                *noControls,
		AbsentDates:               absentDates,
		APIKeysOmitTimestamps:     !*apiKeyTimestamps,
		NextPagesDefaultTop:       !*nextPagesKeepTop,
		StrictIfMatch:             *strictIfMatch,
		QuotedETags:               *quotedETags,
		AllowInvitedUpdates:       *allowInvitedUpdates,
		LegacyKeyStatus:           *legacyKeyStatus,
		RolesOmitPermissionKeys:   !*rolePermissionKeys,
		OlderRoleEndpoints:        *olderRoleEndpoints,
		InviteOmitBody:            !*inviteAnswerBody,
		Logger:                    stdout,
	})
	if err != nil {
		_, _ = fmt.Fprintf(stderr, "emulator: %v\n", err)
		return 1
	}

	ctx, stop := signal.NotifyContext(ctx, syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	ln, err := (&net.ListenConfig{}).Listen(ctx, "tcp", *listen)
	if errors.Is(err, syscall.EADDRINUSE) {
		_, _ = fmt.Fprintf(stderr, "emulator: %s is already in use (another emulator?): stop what listens there, "+
			"or pass -listen 127.0.0.1:0 to pick a free port (the URL is printed)\n", *listen)
		return 1
	}
	if err != nil {
		_, _ = fmt.Fprintf(stderr, "emulator: %v\n", err)
		return 1
	}
	hs := &http.Server{Handler: srv, ReadHeaderTimeout: 10 * time.Second}
	// A key given on the command line is the caller's, who may keep the log: only a generated one,
	// which nobody knows otherwise, is printed.
	shown := srv.AdminKey()
	if *adminKey != "" {
		shown = "(the one given with -admin-key)"
	}
	_, _ = fmt.Fprintf(stdout, "Vision One emulator listening on http://%s\nAdmin key: %s\n%s\n", ln.Addr(), shown, adminKeyNote)

	served := make(chan error, 1)
	go func() { served <- hs.Serve(ln) }()
	select {
	case err := <-served:
		_, _ = fmt.Fprintf(stderr, "emulator: %v\n", err)
		return 1
	case <-ctx.Done():
	}
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := hs.Shutdown(shutdownCtx); err != nil {
		_, _ = fmt.Fprintf(stderr, "emulator: shutting down: %v\n", err)
		return 1
	}
	_, _ = fmt.Fprintln(stdout, "Vision One emulator stopped")
	return 0
}
